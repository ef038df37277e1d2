//! The build pipeline, stage by stage: load config -> discover files -> parse front
//! matter -> build the site model -> render with the theme -> write output. Each stage
//! reports every problem it finds; the pipeline stops only between stages, so one run
//! shows as many errors as can be known.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::diagnostics::{Diagnostic, Diagnostics, Failure};
use crate::model::Site;
use crate::render::Renderer;
use crate::source::theme::Theme;

use crate::build::stages::{self, LoadedTheme};
use crate::build::{lock, output};
use crate::images::Catalog;
use crate::source::{config, discover, languages, parse};
use crate::{model, render};
use rayon::prelude::*;
use tera::Tera;

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

    /// Checks what the command line named, before anything is read or written: the
    /// site folder ([`check_site_folder`]) and the `--base-url` given instead of
    /// site.yaml's. Each mistake is a usage failure.
    pub fn check(&self) -> Result<(), Failure> {
        check_site_folder(&self.root)?;
        match &self.base_url {
            Some(url) => config::parse_base_url_override(url).map(|_| ()).map_err(Failure::usage),
            None => Ok(()),
        }
    }
}

/// How messages name the folder `dir`.
fn folder_name(dir: &Path) -> String {
    if dir == Path::new(".") || dir.as_os_str().is_empty() {
        "the current folder".to_owned()
    } else {
        format!("`{}`", dir.display())
    }
}

/// Checks that `root` is a site folder: there, a folder, holding a site.yaml. Each
/// mistake is a usage failure that says which.
pub fn check_site_folder(root: &Path) -> Result<(), Failure> {
    let help = "run knead in the folder that holds site.yaml, pass that folder with --root DIR, or create a new site with `knead init DIR`";
    let refuse = |message: String, help: String| Err(Failure::usage(Diagnostic::error("", message).help(help)));
    match std::fs::metadata(root) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => refuse(
            format!("the site folder {} does not exist", folder_name(root)),
            help.into(),
        ),
        Err(e) => refuse(
            format!("cannot read the site folder {}: {e}", folder_name(root)),
            help.into(),
        ),
        Ok(m) if !m.is_dir() => {
            let help = match root.parent() {
                Some(parent) if root.file_name() == Some(config::FILE.as_ref()) => format!(
                    "--root takes the site's folder, not its {}: `--root {}`",
                    config::FILE,
                    if parent.as_os_str().is_empty() {
                        Path::new(".")
                    } else {
                        parent
                    }
                    .display()
                ),
                _ => help.into(),
            };
            refuse(format!("{} is a file, not a folder", folder_name(root)), help)
        }
        Ok(_) if !root.join(config::FILE).is_file() => refuse(
            format!("{} is not a knead site: it has no {}", folder_name(root), config::FILE),
            help.into(),
        ),
        Ok(_) => Ok(()),
    }
}

/// The bytes of Markdown bodies a clean build holds in memory between parsing and
/// rendering; the bodies past it are read again when rendered.
const BODIES_HELD: usize = 128 << 20;

/// A site ready to render: the model of each language, the theme and its compiled
/// templates.
pub struct Prepared {
    /// The model of the default language.
    pub site: Site,
    /// The site's processed images.
    pub images: Arc<Catalog>,
    /// The theme used.
    pub theme: Theme,
    /// Its compiled templates.
    pub tera: Tera,
    /// Warnings so far.
    pub warnings: Diagnostics,
    /// How many Markdown files were read.
    pub sources: usize,
    /// What is made already of the default language's pages.
    main: Made,
    /// The site's other languages, each built under `/<code>/`.
    pub languages: Vec<Translated>,
}

/// One of the site's other languages, ready to render.
pub struct Translated {
    /// Its model (its configuration's base path ends with `<code>/`).
    pub site: Site,
    /// The folder of the output it is written to (`es/`).
    pub prefix: String,
    /// What is made already of its pages.
    made: Made,
}

/// What a clean build made of a language's pages before rendering the rest.
#[derive(Default)]
struct Made {
    /// Whether the article pages are written already (see [`build`]).
    articles_written: bool,
    /// Template and write errors of the article pages written already.
    article_problems: Vec<Diagnostic>,
    /// The plan and the search index's shards, when made already (see [`build`]).
    plan: Option<(Vec<render::Planned>, Arc<crate::search::Shards>)>,
}

/// Runs every stage up to (not including) rendering pages.
pub fn prepare(opts: &Options) -> Result<Prepared, Diagnostics> {
    prepare_into(opts, None, &mut Progress::default())
}

/// How far [`prepare_into`] got, for a report when it fails.
#[derive(Debug, Default)]
struct Progress {
    /// The Markdown files found.
    sources: usize,
    /// True once site.yaml and the theme were sound, so the model (links, anchors) was
    /// made, on stand-ins for the files whose front matter has errors.
    modelled: bool,
}

/// [`prepare`], writing each article's page into `staging` as soon as its Markdown is
/// rendered (then dropping the body's HTML) when there is a staging folder, the front
/// matter and the templates are sound, and no reading statistics are wanted. `progress`
/// says how far it got, even when it fails.
fn prepare_into(
    opts: &Options,
    staging: Option<&output::Staging>,
    progress: &mut Progress,
) -> Result<Prepared, Diagnostics> {
    let lap = laps(Instant::now());
    let config = config::load(&opts.root, opts.base_url.as_deref());
    let mut sources = discover::discover(&opts.root);
    progress.sources = sources.markdown.len();
    lap("discover");
    // A clean build holds the bodies of a large site's first files only; the others are
    // read again when rendered (knead check keeps every text to its end).
    let budget = if opts.analyze { usize::MAX } else { BODIES_HELD };
    // Images are processed while the front matter is read: both only read files.
    let ((docs, parse_problems), images) = rayon::join(
        || parse::parse_all_holding(&sources.markdown, budget),
        // Without sound settings the build stops before any page: nothing to process.
        || match &config {
            Ok(c) => Arc::new(Catalog::build(&opts.root, &c.images, &sources.assets, (None, &[]))),
            Err(_) => Arc::default(),
        },
    );
    lap("parse and images");
    let theme = config.as_ref().ok().map(|c| stages::load_theme(&opts.root, c));
    let docs: Vec<Arc<parse::Doc>> = docs.into_iter().map(Arc::new).collect();
    let split = match &config {
        Ok(c) => languages::split(docs, c),
        Err(_) => languages::Split::default(),
    };
    let mut ready = stages::gather(
        (sources.problems.iter())
            .chain(parse_problems.iter())
            .chain(split.problems.iter()),
        &config,
        theme.as_ref(),
    )?;
    progress.modelled = true;
    let words = theme
        .as_ref()
        .and_then(|t| t.as_ref().ok())
        .map_or(&[][..], |t| t.words.as_slice());
    let configs = languages::configs(ready.config, words, &split.docs, opts.drafts);
    let assets = std::mem::take(&mut sources.assets);
    let mut problems = Diagnostics::new();
    let mut sites = Vec::new();
    let mut failed = false;
    let mut first_problems = Some(std::mem::take(&mut ready.problems));
    for (i, (config, docs)) in configs.iter().zip(split.docs).enumerate() {
        let lang_ready = ready.for_language(config, first_problems.take().unwrap_or_default());
        let prefix = if i == 0 {
            String::new()
        } else {
            format!("{}/", config.language)
        };
        let inputs = (docs, assets.clone(), Arc::clone(&images));
        match model_language(opts, lang_ready, inputs, (staging, &prefix), &lap) {
            Ok((site, made, warnings)) => {
                problems.extend(warnings);
                sites.push((prefix, site, made));
            }
            Err(errs) => {
                failed = true;
                problems.extend(errs);
            }
        }
    }
    let Some(Ok(LoadedTheme {
        theme,
        templates: Ok(tera),
        ..
    })) = theme
    else {
        // `finish_model` builds no model without the theme and its templates.
        return Err(problems);
    };
    if failed || sites.is_empty() {
        return Err(problems);
    }
    let mut sites = sites.into_iter();
    let Some((_, site, main)) = sites.next() else {
        return Err(problems);
    };
    Ok(Prepared {
        site,
        images,
        theme,
        tera,
        warnings: problems,
        sources: sources.markdown.len(),
        main,
        languages: sites
            .map(|(prefix, site, made)| Translated { site, prefix, made })
            .collect(),
    })
}

/// The model of one language from its documents, with its article pages written into
/// `staging` under `prefix` as soon as each one's Markdown is rendered (see
/// [`prepare_into`]).
fn model_language(
    opts: &Options,
    mut ready: stages::Ready<'_>,
    (docs, assets, images): (Vec<Arc<parse::Doc>>, Vec<discover::Asset>, Arc<Catalog>),
    (staging, prefix): (Option<&output::Staging>, &str),
    lap: &dyn Fn(&str),
) -> Result<(Site, Made, Diagnostics), Diagnostics> {
    let mut docs = docs;
    let settings = model::Settings {
        drafts: opts.drafts,
        analyze: opts.analyze,
        // Nothing after the model reads a file's text (`knead check` keeps them).
        drop_texts: !opts.analyze,
    };
    let assembly = ready
        .start_model(&opts.root, &docs, assets, settings, None)
        .with_images(images);
    let early = match (staging, assembly.site(), ready.templates) {
        // Not while the content has errors: the build fails, and stand-ins are no pages.
        (Some(staging), Some(site), Some(tera)) if !opts.analyze && !ready.problems.has_errors() => {
            Some((staging, site, tera))
        }
        _ => None,
    };
    let mut article_problems = Vec::new();
    let renders = match early {
        None => assembly.render(&mut docs, None),
        Some((staging, site, tera)) => {
            let renderer = Renderer::new(site, ready.theme, tera, &[]);
            let problems = std::sync::Mutex::new(Vec::new());
            let write = |i: usize, r: &Arc<model::DocRender>| {
                let path = format!("{prefix}{}", render::article_file(site, i));
                let written = staging.stream(&path, |out| fill_of(renderer.article_into(i, r, out)));
                if let Err(d) = written {
                    problems
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push(d);
                }
            };
            let renders = assembly.render(&mut docs, Some(&write));
            article_problems = problems.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
            renders
        }
    };
    let articles_written = early.is_some();
    // The Markdown cache (with the front-matter outline) is for a next build, which a
    // clean build does not have: it goes with this statement, not at the end.
    let stages::Modelled {
        mut site,
        problems: warnings,
        ..
    } = ready.finish_model(assembly, &docs, renders)?;
    lap("model");
    drop(docs);
    lap("drop sources");
    // A clean build lets go of what the pages left to render do not read: the FAQ
    // answers' Markdown, and every document's search terms, dropped as the search index
    // is made now rather than while the pages that list every article are rendered.
    let plan = articles_written.then(|| {
        site.drop_faq_sources();
        let plan = render::plan(&site);
        let n = crate::search::layout(&site).shards;
        let shards = crate::search::shards_taking_terms(&mut site, n);
        (plan, Arc::new(shards))
    });
    lap("search index");
    let made = Made {
        articles_written,
        article_problems,
        plan,
    };
    Ok((site, made, warnings))
}

/// What a page's rendering means for its file.
fn fill_of(rendered: Result<(), render::RenderError>) -> output::Fill {
    match rendered {
        Ok(()) => output::Fill::Done,
        Err(render::RenderError::Template(d)) => output::Fill::Failed(d),
        Err(render::RenderError::Write(e)) => output::Fill::WriteFailed(e),
    }
}

impl Prepared {
    /// Renders every planned file of every language in parallel, each straight into its
    /// file in `staging` (or nowhere, for `knead check`), so that no page is held whole
    /// in memory. Returns the number of files, or every template error (and the first
    /// write error).
    pub fn render_each(&self, staging: Option<&output::Staging>) -> Result<usize, Diagnostics> {
        let mut problems = Vec::new();
        let mut files = 0;
        let parts = std::iter::once(("", &self.site, &self.main))
            .chain(self.languages.iter().map(|l| (l.prefix.as_str(), &l.site, &l.made)));
        for (prefix, site, made) in parts {
            match self.render_language(site, made, prefix, staging) {
                Ok(n) => files += n,
                Err(errs) => problems.extend(errs),
            }
        }
        if problems.is_empty() {
            Ok(files)
        } else {
            Err(problems.into())
        }
    }

    /// Every site of the build: the default language's, then the others'.
    pub fn sites(&self) -> impl Iterator<Item = &Site> {
        std::iter::once(&self.site).chain(self.languages.iter().map(|l| &l.site))
    }

    /// [`Prepared::render_each`] for one language's `site`, under `prefix`.
    fn render_language(
        &self,
        site: &Site,
        made: &Made,
        prefix: &str,
        staging: Option<&output::Staging>,
    ) -> Result<usize, Vec<Diagnostic>> {
        let planned;
        let (plan, renderer) = match &made.plan {
            Some((plan, shards)) => (
                plan,
                Renderer::new(site, &self.theme, &self.tera, plan).with_shards(Arc::clone(shards)),
            ),
            None => {
                planned = render::plan(site);
                let renderer = Renderer::new(site, &self.theme, &self.tera, &planned);
                (&planned, renderer)
            }
        };
        renderer.warm_up();
        // Pages that list many others (the FAQ hub, lists, the sitemap, search files) take
        // the longest: start them first, so no core is left rendering one of them alone
        // at the end while the other has finished.
        let written = |p: &&render::Planned| made.articles_written && matches!(p.kind, render::PageKind::Article(_));
        let mut order: Vec<&render::Planned> = plan
            .iter()
            .filter(|p| !written(p) && (prefix.is_empty() || p.kind.in_every_language()))
            .collect();
        order.sort_by_key(|p| p.kind.weight_rank());
        let write = |p: &render::Planned| -> Result<(), Diagnostic> {
            let fill = |out: &mut dyn std::io::Write| fill_of(renderer.render_into(p, out));
            match staging {
                Some(staging) => staging.stream(&format!("{prefix}{}", p.path), fill),
                None => match fill(&mut std::io::sink()) {
                    output::Fill::Failed(d) => Err(d),
                    _ => Ok(()),
                },
            }
        };
        let mut problems = made.article_problems.clone();
        // One task per file: the pages that list many others are long, and rayon would
        // otherwise run a block of them in a row on one core while the other waits.
        problems.extend(
            order
                .par_iter()
                .with_max_len(1)
                .filter_map(|p| write(p).err())
                .collect::<Vec<_>>(),
        );
        let written_before = if made.articles_written { site.articles.len() } else { 0 };
        if problems.is_empty() {
            Ok(order.len() + written_before)
        } else {
            Err(problems)
        }
    }
}

/// With `KNEAD_TIMINGS` set, a function that prints the time since `start` and the
/// resident memory, for each stage it is called after (clean builds and watch rebuilds).
pub(crate) fn laps(start: Instant) -> impl Fn(&str) {
    let on = std::env::var_os("KNEAD_TIMINGS").is_some();
    move |what: &str| {
        if on {
            let rss = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find(|l| l.starts_with("VmRSS:"))
                        .map(|l| l[6..].trim().to_owned())
                })
                .unwrap_or_default();
            eprintln!(
                "  {what}: {:.1} ms, {rss} resident, {:.0} ms CPU so far",
                start.elapsed().as_secs_f64() * 1000.0,
                cpu_ms()
            );
        }
    }
}

/// The CPU time (user and system) the process has used so far, in milliseconds.
#[cfg(target_os = "linux")]
fn cpu_ms() -> f64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    t.tv_sec as f64 * 1000.0 + t.tv_nsec as f64 / 1_000_000.0
}

#[cfg(not(target_os = "linux"))]
fn cpu_ms() -> f64 {
    0.0
}

/// A check that could not go on to the end.
#[derive(Debug)]
pub struct Stopped {
    /// The Markdown files found (their front matter was read).
    pub sources: usize,
    /// Every problem found.
    pub problems: Diagnostics,
    /// True when the model was made, so links, anchors and pages were checked; false
    /// when errors in site.yaml or the theme stopped it before (front matter with
    /// errors does not: those files stand in, see `parse::parse_one`).
    pub modelled: bool,
}

/// Every check of a build, without writing: what `knead check` runs.
pub fn check(opts: &Options) -> Result<Prepared, Stopped> {
    let mut progress = Progress::default();
    let prepared = prepare_into(opts, None, &mut progress).map_err(|problems| Stopped {
        sources: progress.sources,
        modelled: progress.modelled,
        problems,
    })?;
    match prepared.render_each(None) {
        Ok(_) => Ok(prepared),
        Err(errs) => {
            let mut problems = prepared.warnings;
            problems.extend(errs);
            Err(Stopped {
                sources: prepared.sources,
                problems,
                modelled: true,
            })
        }
    }
}

/// The outcome of a successful build.
#[derive(Debug)]
pub struct BuildReport {
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

/// Checks the output folder of `opts` ([`output::check_output_dir`]: a folder the
/// command line should not have named is a usage failure) and takes its lock for `me`
/// ([`lock::lock`]: whether to `wait` for another process, and `tell` about it).
pub fn lock_output(
    opts: &Options,
    me: lock::Writer,
    wait: bool,
    tell: &mut dyn FnMut(&str),
) -> Result<lock::Lock, Failure> {
    let out = output::check_output_dir(&opts.root, &opts.output_dir()).map_err(Failure::usage)?;
    lock::lock(&out, me, wait, tell).map_err(|d| Failure::Site(d.into()))
}

/// Builds the site and writes it to the output folder, after waiting (silently) for any
/// other knead process that writes it: [`build_locked`] under [`lock_output`].
pub fn build(opts: &Options) -> Result<BuildReport, Diagnostics> {
    let lock = lock_output(opts, lock::Writer::Build, true, &mut |_| {}).map_err(Failure::into_problems)?;
    build_locked(opts, &lock)
}

/// Builds the site and writes it to the output folder of `lock`: pages are written into
/// the staging folder as they are rendered (an article's page as soon as its Markdown
/// is), and the folder is swapped in at the end. A failed build removes the staging
/// folder and leaves the previous output as it was.
pub fn build_locked(opts: &Options, lock: &lock::Lock) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();
    let out = lock.output().to_path_buf();
    let written = output::write_with(lock, |staging| {
        let prepared = prepare_into(opts, Some(staging), &mut Progress::default())
            .map_err(|d| d.into_iter().collect::<Vec<_>>())?;
        let lap = laps(Instant::now());
        let with_warnings = |errs: Diagnostics| {
            let mut problems: Vec<Diagnostic> = prepared.warnings.iter().cloned().collect();
            problems.extend(errs);
            problems
        };
        let mut copied = staging
            .copy_all(&prepared.site.assets, &prepared.theme.statics)
            .map_err(|d| with_warnings(d.into()))?;
        for l in &prepared.languages {
            // A translation links content files as its original does: they are under
            // each language's folder too.
            let assets: Vec<discover::Asset> = (l.site.assets.iter())
                .map(|a| discover::Asset {
                    path: a.path.clone(),
                    out: format!("{}{}", l.prefix, a.out),
                })
                .collect();
            copied += staging.copy_all(&assets, &[]).map_err(|d| with_warnings(d.into()))?;
        }
        let shown: Vec<&str> = prepared.sites().flat_map(Site::shown_images).collect();
        let processed = prepared.images.files(shown);
        processed
            .par_iter()
            .try_for_each(|(rel, file)| staging.copy_file(rel, file))
            .map_err(|d| with_warnings(d.into()))?;
        copied += processed.len();
        let generated = prepared.render_each(Some(staging)).map_err(with_warnings)?;
        lap("render and write");
        let warnings = prepared.warnings.clone();
        // Only a build that made the whole site knows every image still in use.
        prepared.images.prune_cache(&opts.root);
        // Freeing a large model takes a while: done on a thread of its own, which
        // `knead build` does not wait for (it exits).
        std::thread::spawn(move || drop(prepared));
        Ok((generated, copied, warnings))
    });
    let (generated, copied, warnings) = written.map_err(Diagnostics::from)?;
    Ok(BuildReport {
        output: out,
        generated,
        copied,
        warnings,
        elapsed: start.elapsed(),
    })
}
