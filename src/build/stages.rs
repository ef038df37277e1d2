//! The stage runner: the one way from the source stages' results to a site model,
//! taken by a clean build ([`super::pipeline`]) and by every watch-mode rebuild
//! ([`super::incremental`]). A clean build loads each source stage once; a rebuild keeps
//! their results and loads again only what an edit touched. Both then hand them to
//! [`gather`], which collects every problem in one list and says whether the model can
//! be built, and to [`Ready::start_model`] and [`Ready::finish_model`], so both report the
//! same problems and build the same model from the same inputs.

use std::path::Path;
use std::sync::Arc;

use tera::Tera;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{self, Assembly, MarkdownCache, Renders, Site};
use crate::render;
use crate::source::config::Config;
use crate::source::discover::Asset;
use crate::source::parse::Doc;
use crate::source::theme::{self, Theme};
use crate::source::theme_checks;

/// A theme, its compiled templates and its words. Template errors (and missing words)
/// do not stop the model: they are reported together with the content's problems.
pub struct LoadedTheme {
    /// The theme's files.
    pub theme: Theme,
    /// Its templates, compiled, or every template error and missing word.
    pub templates: Result<Tera, Diagnostics>,
    /// Its words in each of the site's languages, the default first (empty when some
    /// are missing: see `templates`).
    pub words: Vec<render::i18n::Words>,
}

/// Loads the theme of the site at `root` configured by `config`, compiles its templates
/// and loads its words in each of the site's languages.
pub fn load_theme(root: &Path, config: &Config) -> Result<LoadedTheme, Diagnostics> {
    let name = &config.theme;
    let mut theme = theme::load(root, name)?;
    let mut codes = vec![config.language.as_str()];
    codes.extend(config.languages.iter().map(|l| l.code.as_str()));
    let words = render::i18n::load(root, name, &codes);
    // One language: its words are written into the templates once, not looked up on
    // every page (the templates of several languages look them up).
    if let Ok([only]) = words.as_deref() {
        render::i18n::inline(&mut theme, only);
    }
    let templates = match (render::compile(&theme), &words) {
        (Ok(mut tera), Ok(words)) => {
            let by_code = codes.iter().map(|c| c.to_string()).zip(words.iter().cloned()).collect();
            render::i18n::register(&mut tera, Arc::new(by_code));
            Ok(tera)
        }
        (Ok(_), Err(w)) => Err(Diagnostics::from(w.clone())),
        (Err(t), Ok(_)) => Err(Diagnostics::from(t)),
        (Err(mut t), Err(w)) => {
            t.extend(w.iter().cloned());
            Err(Diagnostics::from(t))
        }
    };
    Ok(LoadedTheme {
        theme,
        templates,
        words: words.unwrap_or_default(),
    })
}

/// The source stages' results, ready for the model: what every later stage reads, and
/// every problem found so far.
pub struct Ready<'a> {
    /// site.yaml.
    pub config: &'a Config,
    /// The theme.
    pub theme: &'a Theme,
    /// The compiled templates; `None` when they have errors (they are in `problems`).
    pub templates: Option<&'a Tera>,
    /// Every problem found so far, warnings and errors.
    pub problems: Diagnostics,
    /// The files whose errors are among `problems`: the model's problems in them are
    /// left out.
    failed: rustc_hash::FxHashSet<std::path::PathBuf>,
}

impl<'a> Ready<'a> {
    /// The same stages for one language of the site, configured by `config`, carrying
    /// `problems` (the site's go with its first language only).
    pub fn for_language(&self, config: &'a Config, problems: Diagnostics) -> Ready<'a> {
        Ready {
            config,
            theme: self.theme,
            templates: self.templates,
            problems,
            failed: self.failed.clone(),
        }
    }
}

/// Gathers the problems of the source stages: those of the content (`content`: finding
/// and parsing files), of site.yaml and of the theme and its templates. The model needs
/// site.yaml and the theme's files; content with errors is modelled from stand-ins (so
/// that a file that failed to parse does not look "missing" to the files that name it),
/// and templates are not needed, so that every problem of a build is reported in one run.
pub fn gather<'a, 'c>(
    content: impl IntoIterator<Item = &'c Diagnostic>,
    config: &'a Result<Config, Diagnostics>,
    theme: Option<&'a Result<LoadedTheme, Diagnostics>>,
) -> Result<Ready<'a>, Diagnostics> {
    let mut problems: Diagnostics = content.into_iter().cloned().collect();
    // Files with errors of their own stand in with their body and file name (see
    // `parse::parse_one`): the model is still made, to report its problems in the same
    // run, but not theirs, which come from the stand-in's made-up front matter.
    let failed: rustc_hash::FxHashSet<std::path::PathBuf> = (problems.iter())
        .filter(|d| d.is_error())
        .map(|d| d.file.clone())
        .collect();
    let mut take = |e: &Diagnostics| problems.extend(e.iter().cloned());
    let config = config.as_ref().map_err(&mut take).ok();
    let theme = theme.and_then(|t| t.as_ref().map_err(&mut take).ok());
    let templates = theme.and_then(|t| t.templates.as_ref().map_err(&mut take).ok());
    if let Some(t) = theme {
        problems.extend(t.theme.warnings.iter().cloned());
    }
    match (config, theme) {
        (Some(config), Some(theme)) => Ok(Ready {
            config,
            theme: &theme.theme,
            templates,
            problems,
            failed,
        }),
        _ => Err(problems),
    }
}

/// A site model with every problem of the build so far.
pub struct Modelled<'a> {
    /// The site, ready to render.
    pub site: Site,
    /// The compiled templates.
    pub templates: &'a Tera,
    /// The Markdown renders to reuse in the next build.
    pub cache: MarkdownCache,
    /// Warnings so far.
    pub problems: Diagnostics,
}

impl<'a> Ready<'a> {
    /// Starts the model: what the front matter decides, with the site assembled around
    /// empty renders (see [`Assembly`]). `assets` are the files copied from content/ of
    /// the site at `root`.
    pub fn start_model<'c>(
        &mut self,
        root: &Path,
        docs: &[Arc<Doc>],
        assets: Vec<Asset>,
        settings: model::Settings,
        cache: Option<&'c MarkdownCache>,
    ) -> Assembly<'c> {
        let statics: Vec<String> = self.theme.statics.iter().map(|s| format!("/{}", s.out)).collect();
        (self.problems).extend(theme_checks::shadowed_statics(&assets, &self.theme.statics, root));
        Assembly::new(
            self.config.clone(),
            docs,
            assets,
            (&statics, &self.theme.ids),
            settings,
            cache,
        )
    }

    /// Ends the model begun by [`Ready::start_model`], once its Markdown is rendered:
    /// the model and every problem so far, or every error (template errors included).
    pub fn finish_model(
        mut self,
        assembly: Assembly<'_>,
        docs: &[Arc<Doc>],
        renders: Renders,
    ) -> Result<Modelled<'a>, Diagnostics> {
        let failed = std::mem::take(&mut self.failed);
        let theirs = |d: &Diagnostic| !failed.contains(&d.file);
        match assembly.finish(docs, renders) {
            Ok(model) => {
                self.problems.extend(model.warnings.into_iter().filter(theirs));
                match self.templates {
                    Some(_) if self.problems.has_errors() => Err(self.problems),
                    Some(templates) => Ok(Modelled {
                        site: model.site,
                        templates,
                        cache: model.cache,
                        problems: self.problems,
                    }),
                    None => Err(self.problems),
                }
            }
            Err(errs) => {
                self.problems.extend(errs.into_iter().filter(theirs));
                Err(self.problems)
            }
        }
    }
}
