//! The build pipeline, stage by stage: load config -> discover files -> parse front
//! matter -> build the site model -> render with the theme -> write output. Each stage
//! reports every problem it finds; the pipeline stops only between stages, so one run
//! shows as many errors as can be known.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::render::OutputFile;
use crate::theme::Theme;
use crate::{config, discover, model, output, parse, render, theme};

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The site folder (holding site.yaml).
    pub root: PathBuf,
    /// The output folder; `root/public` when `None`.
    pub output: Option<PathBuf>,
    /// Include drafts.
    pub drafts: bool,
    /// Overrides `base_url` of site.yaml.
    pub base_url: Option<String>,
    /// Gather reading statistics (for `knead check`).
    pub analyze: bool,
}

impl Options {
    /// The output folder.
    pub fn output_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// A site rendered in memory.
#[derive(Debug)]
pub struct Rendered {
    /// The model.
    pub site: Site,
    /// The theme used.
    pub theme: Theme,
    /// Every generated file.
    pub files: Vec<OutputFile>,
    /// Warnings (the build succeeded).
    pub warnings: Diagnostics,
    /// How many source files were read.
    pub sources: usize,
}

/// Runs every stage except writing.
pub fn render_site(opts: &Options) -> Result<Rendered, Diagnostics> {
    let mut problems = Diagnostics::new();
    let cfg = config::load(&opts.root, opts.base_url.as_deref());
    let sources = discover::discover(&opts.root);
    problems.extend(sources.problems.iter().cloned());
    let (docs, parse_problems) = parse::parse_all(&sources.markdown);
    problems.extend(parse_problems);
    let content_ok = !problems.has_errors();
    let cfg = cfg.map_err(|errs| problems.extend(errs)).ok();
    let theme = cfg.as_ref().and_then(|c| {
        theme::load(&opts.root, &c.theme)
            .map_err(|errs| problems.extend(errs))
            .ok()
    });
    let tera = match (&cfg, &theme) {
        (Some(c), Some(t)) => render::compile(t, &c.theme).map_err(|errs| problems.extend(errs)).ok(),
        _ => None,
    };
    // The model needs the config, the theme's static files and cleanly parsed content
    // (a file that failed to parse would look "missing" to the files that name it);
    // it does not need the templates, so template errors and content errors show together.
    let (Some(cfg), Some(theme), true) = (cfg, theme, content_ok) else {
        problems.sort();
        return Err(problems);
    };
    let statics: Vec<String> = theme.statics.iter().map(|s| format!("/{}", s.out)).collect();
    let docs: Vec<std::sync::Arc<parse::Doc>> = docs.into_iter().map(std::sync::Arc::new).collect();
    let settings = model::Settings {
        drafts: opts.drafts,
        analyze: opts.analyze,
    };
    let (site, warnings, _) = match model::build(cfg, &docs, sources.assets, &statics, settings, None) {
        Ok(v) => v,
        Err(errs) => {
            problems.extend(errs);
            problems.sort();
            return Err(problems);
        }
    };
    let Some(tera) = tera else {
        problems.sort();
        return Err(problems);
    };
    problems.extend(warnings);
    let files = match render::render(&site, &theme, &tera) {
        Ok(f) => f,
        Err(errs) => {
            problems.extend(errs);
            problems.sort();
            return Err(problems);
        }
    };
    problems.sort();
    Ok(Rendered {
        site,
        theme,
        files,
        warnings: problems,
        sources: sources.markdown.len(),
    })
}

/// The outcome of a successful build.
#[derive(Debug)]
pub struct Report {
    /// Where the site was written.
    pub output: PathBuf,
    /// Pages and generated files written.
    pub generated: usize,
    /// Files copied.
    pub copied: usize,
    /// Warnings.
    pub warnings: Diagnostics,
    /// Wall time.
    pub elapsed: Duration,
}

/// Builds the site and writes it to the output folder.
pub fn build(opts: &Options) -> Result<Report, Diagnostics> {
    let start = Instant::now();
    let out = output::check_output_dir(&opts.root, &opts.output_dir()).map_err(|d| Diagnostics::from(vec![d]))?;
    let rendered = render_site(opts)?;
    let written = output::write(&out, &rendered.files, &rendered.site.assets, &rendered.theme.statics)
        .map_err(|d: Diagnostic| Diagnostics::from(vec![d]))?;
    Ok(Report {
        output: out,
        generated: written.generated,
        copied: written.copied,
        warnings: rendered.warnings,
        elapsed: start.elapsed(),
    })
}
