//! Incremental rebuilds for `knead watch` and `knead serve`: after an edit, re-read only
//! the files that changed, re-render only the Markdown and the pages whose inputs
//! changed, and write only what differs — with an output that is always byte-identical
//! to a clean `knead build` of the same sources.
//!
//! Every planned page lists its inputs ([`render::Input`]); `build/inputs.rs` gives each
//! input a value per build, and a page is rendered again exactly when the values of its
//! inputs changed. Each language of the site is planned and stamped as a site of its
//! own (its pages under `<code>/`), with its own state kept between rebuilds.

use std::borrow::Cow;
use std::collections::HashSet;

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::build::inputs::{Fingerprints, Values, benefit_listings, hash_of, update_fingerprints};
use crate::build::pipeline::Options;
use crate::build::stages::{self, LoadedTheme};
use crate::build::written::{self, CopyStamp, Written};
use crate::build::{lock, output};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{self, MarkdownCache};
use crate::render::context::Builder;
use crate::render::{self, Renderer};
use crate::source::config::{self, Config};
use crate::source::discover::{self, Sources};
use crate::source::languages;
use crate::source::parse::{self, Doc};
use crate::source::theme;

/// What one rebuild did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Pages (and generated files) rendered.
    pub rendered: usize,
    /// Files written because their bytes changed (pages and copied files).
    pub written: usize,
    /// Files removed from the output.
    pub removed: usize,
    /// Pages in the site.
    pub pages: usize,
    /// Warnings.
    pub warnings: Diagnostics,
    /// Wall time.
    pub elapsed: Duration,
}

/// One parse result, kept until its file changes.
struct Parsed {
    source: discover::SourceFile,
    doc: Option<Arc<Doc>>,
    problems: Vec<Diagnostic>,
}

/// What a rebuild keeps of one language's site for the next.
#[derive(Default)]
struct Language {
    /// Its code (the default language's too).
    code: String,
    markdown: MarkdownCache,
    /// The last build's plan, with its number of search shards and `paginate_by`.
    plan: Option<((usize, usize), Vec<render::Planned>)>,
    index_generation: u64,
    fingerprints: Fingerprints,
    /// The search index's terms, updated in place by the next rebuild.
    search: crate::search::ShardCache,
}

/// The state of a watched site between rebuilds.
pub struct Incremental {
    opts: Options,
    root: PathBuf,
    out: PathBuf,
    config: Option<Result<Config, Diagnostics>>,
    theme: Option<Result<LoadedTheme, Diagnostics>>,
    template_generation: u64,
    sources: Option<Sources>,
    docs: FxHashMap<Arc<str>, Parsed>,
    next_version: u64,
    /// Each language's state, the default first.
    langs: Vec<Language>,
    written: Option<Written>,
    /// The output folder as the last successful build left it: when something else
    /// removed, emptied or replaced it, the next rebuild writes it whole.
    mark: Option<output::Mark>,
    /// Copied files whose source changed since the last successful build.
    pending_copies: HashSet<PathBuf>,
    /// The processed images of the last rebuild: unchanged files are not read again.
    images: Option<Arc<crate::images::Catalog>>,
    /// The output folder's lock, held from start to end (and handed on to the state
    /// that replaces this one after an abandoned rebuild: see [`Incremental::lock`]).
    lock: Arc<lock::Lock>,
}

impl Incremental {
    /// Prepares to build the site of `opts` into its output folder (checked for safety),
    /// holding the folder's lock as `knead watch` for as long as it lives (see
    /// [`lock::lock`]).
    pub fn new(opts: Options) -> Result<Self, Diagnostics> {
        let lock = crate::build::pipeline::lock_output(&opts, lock::Writer::Watch, true, &mut |_| {})
            .map_err(crate::diagnostics::Failure::into_problems)?;
        Ok(Self::with_lock(opts, Arc::new(lock)))
    }

    /// Prepares to build the site of `opts` into the output folder of `lock`, which it
    /// holds for as long as it lives: nothing else writes the folder meanwhile.
    pub fn with_lock(opts: Options, lock: Arc<lock::Lock>) -> Self {
        let root = std::path::absolute(&opts.root).unwrap_or_else(|_| opts.root.clone());
        let out = lock.output().to_path_buf();
        Incremental {
            opts: Options {
                root: root.clone(),
                ..opts
            },
            root,
            out,
            config: None,
            theme: None,
            template_generation: 0,
            sources: None,
            docs: FxHashMap::default(),
            next_version: 1,
            langs: Vec::new(),
            written: None,
            mark: None,
            pending_copies: HashSet::new(),
            images: None,
            lock,
        }
    }

    /// The site folder (absolute).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The output folder (absolute).
    pub fn output(&self) -> &Path {
        &self.out
    }

    /// The output folder's lock, for a fresh state that goes on writing the folder.
    pub fn lock(&self) -> &Arc<lock::Lock> {
        &self.lock
    }

    /// What it builds (the root made absolute).
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// The base path of the site as last loaded (`/` or `/sub/`); `None` while site.yaml
    /// has errors.
    pub fn base_path(&self) -> Option<&str> {
        self.config
            .as_ref()
            .and_then(|c| c.as_ref().ok())
            .map(|c| c.base_path.as_str())
    }

    /// The symlinked sources (content files, templates, theme files) the last rebuild
    /// read, with the files they lead to: a change to a target is a change to its link.
    pub fn links(&self) -> impl Iterator<Item = &discover::Link> {
        let theme = self.theme.as_ref().and_then(|t| t.as_ref().ok());
        (self.sources.iter().flat_map(|s| &s.links)).chain(theme.into_iter().flat_map(|t| &t.theme.links))
    }

    /// False once something else removed, emptied or replaced the output folder since
    /// the last successful build (the next rebuild then writes it whole); true before
    /// the first build.
    pub fn output_intact(&self) -> bool {
        self.written.is_none() || self.mark.as_ref().is_some_and(|m| m.holds(&self.out))
    }

    /// The files the last rebuild found and meant to read that are gone now: a rebuild
    /// that failed meanwhile failed on an edit in flight (an editor's safe save moves
    /// the file aside for a moment), not on the sources as they will be.
    pub fn vanished(&self) -> Vec<PathBuf> {
        let theme = self.theme.as_ref().and_then(|t| t.as_ref().ok());
        let statics = theme
            .into_iter()
            .flat_map(|t| &t.theme.statics)
            .filter_map(|s| match &s.origin {
                theme::FileOrigin::Disk(p) => Some(p),
                theme::FileOrigin::Embedded => None,
            });
        let sources = self
            .sources
            .iter()
            .flat_map(|s| (s.markdown.iter().map(|m| &m.path)).chain(s.assets.iter().map(|a| &a.path)));
        let config = self.root.join(config::FILE);
        std::iter::once(&config)
            .chain(sources)
            .chain(statics)
            .filter(|p| std::fs::metadata(p).is_err())
            .cloned()
            .collect()
    }

    /// True for paths whose change can affect the output: site.yaml, content/,
    /// templates/ and the active theme, and the folders holding them (a removed or
    /// renamed `themes/` is seen as itself only). Editor leftovers and dot folders are
    /// not.
    pub fn is_relevant(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        if rel
            .components()
            .any(|c| discover::is_ignored(&c.as_os_str().to_string_lossy()))
        {
            return false;
        }
        if path.starts_with(&self.out) {
            return false;
        }
        let theme = self
            .config
            .as_ref()
            .and_then(|c| c.as_ref().ok())
            .map_or("default", |c| c.theme.as_str());
        let theme = Path::new("themes").join(theme);
        rel == Path::new(config::FILE)
            || rel.starts_with("content")
            || rel.starts_with("templates")
            || rel.starts_with(&theme)
            || (theme.starts_with(rel) && !rel.as_os_str().is_empty())
    }

    /// Rebuilds after `changed` paths changed (absolute, or relative to the site root).
    /// The first call builds everything. On errors the output is left as it was and
    /// every problem is returned; a later call recovers once the files are fixed.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Outcome, Diagnostics> {
        let start = Instant::now();
        let changed: Vec<PathBuf> = changed
            .iter()
            .map(|p| if p.is_absolute() { p.clone() } else { self.root.join(p) })
            .collect();
        if !self.output_intact() {
            // Removed, emptied or replaced by something else: build it whole again.
            self.written = None;
        }
        let first = self.written.is_none();
        let config_changed =
            first || self.config.is_none() || changed.iter().any(|p| p == &self.root.join(config::FILE));
        let theme_changed = config_changed
            || changed
                .iter()
                .any(|p| p.starts_with(self.root.join("themes")) || p.starts_with(self.root.join("templates")));
        let content_changed =
            first || self.sources.is_none() || changed.iter().any(|p| p.starts_with(self.root.join("content")));

        if config_changed {
            self.config = Some(config::load(&self.root, self.opts.base_url.as_deref()));
        }
        if theme_changed {
            let config = self.config.as_ref().and_then(|c| c.as_ref().ok());
            self.theme = config.map(|c| stages::load_theme(&self.root, c));
            self.template_generation += 1;
            for p in &changed {
                self.pending_copies.insert(p.clone());
            }
        }
        let lap = crate::build::pipeline::laps(start);
        lap("config+theme");
        if content_changed {
            // Edits of files already known need no new walk of content/; anything else
            // (a new, deleted or renamed file or folder) does.
            let content = self.root.join("content");
            let walk = first
                || self.sources.is_none()
                || changed
                    .iter()
                    .filter(|p| p.starts_with(&content))
                    .any(|p| !self.is_known_file(p));
            if walk {
                self.sources = Some(discover::discover(&self.root));
                lap("discover");
            }
            for p in &changed {
                self.pending_copies.insert(p.clone());
            }
            self.reparse(&changed, first, walk);
            lap("parse");
        }

        // Loaded above whenever it was missing.
        let Some(config) = &self.config else {
            return Err(Diagnostics::new());
        };
        let sources = self.sources.as_ref().map_or(&[][..], |s| &s.problems[..]);
        let all: Vec<Arc<Doc>> = self.docs.values().filter_map(|p| p.doc.clone()).collect();
        let split = match config {
            Ok(c) => languages::split(all, c),
            Err(_) => languages::Split::default(),
        };
        let content = (sources.iter())
            .chain(self.docs.values().flat_map(|p| &p.problems))
            .chain(split.problems.iter());
        let mut ready = stages::gather(content, config, self.theme.as_ref())?;
        let words = (self.theme.as_ref())
            .and_then(|t| t.as_ref().ok())
            .map_or(&[][..], |t| t.words.as_slice());
        let configs = languages::configs(ready.config, words, &split.docs, self.opts.drafts);
        // Each language is a site of its own, with its own state; a change in the set of
        // languages writes the output folder whole.
        let mut first = first;
        if self.langs.len() != configs.len() || self.langs.iter().zip(&configs).any(|(l, c)| l.code != c.language) {
            self.langs = (configs.iter())
                .map(|c| Language {
                    code: c.language.clone(),
                    ..Language::default()
                })
                .collect();
            self.written = None;
            first = true;
        }
        let theme = ready.theme;

        // Each language's model, reusing Markdown renders that are still valid.
        let mut assets = self.sources.as_ref().map(|s| s.assets.clone()).unwrap_or_default();
        let settings = model::Settings {
            drafts: self.opts.drafts,
            analyze: false,
            // Kept: the next rebuild renders unchanged documents again when links change.
            drop_texts: false,
        };
        let images = Arc::new(crate::images::Catalog::build(
            &self.root,
            &ready.config.images,
            &assets,
            (self.images.as_deref(), &changed),
        ));
        self.images = Some(Arc::clone(&images));
        lap("images");
        // The site's own problems go with its first language, as in a clean build.
        let mut site_problems = Some(std::mem::take(&mut ready.problems));
        let mut problems = Diagnostics::new();
        let mut failed = false;
        let mut sites = Vec::with_capacity(configs.len());
        let mut caches = Vec::with_capacity(configs.len());
        let count = configs.len();
        for (i, (config, mut docs)) in configs.iter().zip(split.docs).enumerate() {
            let mut ready = ready.for_language(config, site_problems.take().unwrap_or_default());
            let assets = if i + 1 == count {
                std::mem::take(&mut assets)
            } else {
                assets.clone()
            };
            let assembly = ready
                .start_model(&self.root, &docs, assets, settings, Some(&self.langs[i].markdown))
                .with_images(Arc::clone(&images));
            let renders = assembly.render(&mut docs, None);
            match ready.finish_model(assembly, &docs, renders) {
                Ok(m) => {
                    problems.extend(m.problems);
                    sites.push((m.site, m.templates, docs));
                    caches.push(m.cache);
                }
                Err(errs) => {
                    failed = true;
                    problems.extend(errs);
                }
            }
        }
        if failed {
            return Err(problems);
        }
        lap("model");

        // Every output of each language and its inputs: the last build's plan while the
        // front-matter stage, the number of search shards and the size of list pages are
        // unchanged (the plan depends on nothing else).
        let mut plans = Vec::with_capacity(sites.len());
        let mut listings = Vec::with_capacity(sites.len());
        let mut versions = Vec::with_capacity(sites.len());
        for (i, ((site, _, docs), markdown)) in sites.iter().zip(caches).enumerate() {
            let state = &mut self.langs[i];
            if markdown.index() != state.markdown.index() {
                state.index_generation += 1;
            }
            let same_outline = markdown.same_outline(&state.markdown);
            state.markdown = markdown;
            let shape = (crate::search::layout(site).shards, site.config.paginate_by);
            let plan = match state.plan.take() {
                Some((was, plan)) if same_outline && was == shape && !first => plan,
                _ => render::plan(site),
            };
            let doc_versions: FxHashMap<&str, u64> = docs.iter().map(|d| (d.key.as_ref(), d.version)).collect();
            let benefit_listings = benefit_listings(site);
            update_fingerprints(
                &mut state.fingerprints,
                state.index_generation,
                site,
                &doc_versions,
                &benefit_listings,
            );
            plans.push((shape, plan));
            listings.push(benefit_listings);
            versions.push(doc_versions);
        }
        lap("plan and fingerprints");
        // The hreflang alternates, the switcher and the sitemap of every language read the
        // table of versions: a change in it (a translation added, removed or moved) is a
        // change to the site of each.
        let table = match configs.first() {
            Some(c) if c.i18n.table.is_multilingual() => hash_of(&*c.i18n.table),
            _ => 0,
        };

        // Each language's renderer, and every output file with the stamp of its inputs;
        // the other languages have no robots.txt or redirects of their own.
        let mut parts = Vec::with_capacity(sites.len());
        let mut paths: Vec<Cow<'_, str>> = Vec::new();
        let mut stamps: Vec<u64> = Vec::new();
        let mut at: Vec<(usize, usize)> = Vec::new();
        for (i, ((((site, tera, _), (_, plan)), benefit_listings), versions)) in
            sites.iter().zip(&plans).zip(listings).zip(&versions).enumerate()
        {
            let state = &self.langs[i];
            let renderer = Renderer::new(site, theme, tera, plan).with_search_cache(&state.search);
            let site_stamp = hash_of((
                self.template_generation,
                serde_json::to_string(&Builder { site }.site()).ok(),
                table,
            ));
            let values = Values::new(
                site,
                versions,
                &state.fingerprints,
                state.index_generation,
                site_stamp,
                renderer.search_values(),
                benefit_listings,
            );
            // A page's stamp hashes the values of its inputs, in order. Values identify
            // their source (versions are never reused; listings include the URL), so the
            // stamp changes whenever the set, the order or the content of the inputs does.
            if i == 0 {
                stamps.par_extend(plan.par_iter().map(|p| values.stamp(&p.inputs)));
                paths.extend(plan.iter().map(|p| Cow::Borrowed(p.path.as_str())));
                at.extend((0..plan.len()).map(|j| (i, j)));
            } else {
                let outputs: Vec<usize> = (0..plan.len()).filter(|&j| plan[j].kind.in_every_language()).collect();
                stamps.par_extend(outputs.par_iter().map(|&j| values.stamp(&plan[j].inputs)));
                let prefix = &site.config.language;
                paths.extend(
                    outputs
                        .iter()
                        .map(|&j| Cow::Owned(format!("{prefix}/{}", plan[j].path))),
                );
                at.extend(outputs.iter().map(|&j| (i, j)));
            }
            parts.push((renderer, plan.as_slice()));
        }
        lap("stamps");
        let previous = self.written.as_ref().map(|w| &w.pages);
        let dirty: Vec<usize> = (0..paths.len())
            .filter(|&e| previous.and_then(|w| w.get(paths[e].as_ref())) != Some(&stamps[e]))
            .collect();
        let render_one = |e: usize| {
            let (part, j) = at[e];
            let (renderer, plan) = &parts[part];
            renderer.render(&plan[j])
        };
        // After the first build, dirty pages are rendered into memory (there are few) and
        // compared with what is on disk; the first build streams into a staging folder.
        let mut files = Vec::new();
        if !first {
            let rendered: Vec<Result<(usize, Vec<u8>), Diagnostic>> =
                dirty.par_iter().map(|&e| render_one(e).map(|b| (e, b))).collect();
            let mut failed = false;
            for r in rendered {
                match r {
                    Ok(f) => files.push(f),
                    Err(d) => {
                        failed = true;
                        problems.push(d);
                    }
                }
            }
            lap("render");
            if failed {
                return Err(problems);
            }
        }

        // Copied files, and processed images named by their content.
        let prefixed: Vec<(String, &crate::model::Site)> = (sites.iter().enumerate())
            .map(|(i, (site, ..))| {
                let prefix = if i == 0 {
                    String::new()
                } else {
                    format!("{}/", site.config.language)
                };
                (prefix, site)
            })
            .collect();
        let prefixed: Vec<(&str, &crate::model::Site)> = prefixed.iter().map(|(p, s)| (p.as_str(), *s)).collect();
        let processed = written::processed(&images, &prefixed);
        let copies = written::copies(&theme.statics, &prefixed, &processed);

        let outcome = if first {
            let written = output::write_with(&self.lock, |staging| {
                let mut copied = 0;
                for (i, (prefix, site)) in prefixed.iter().enumerate() {
                    let statics = if i == 0 { &theme.statics[..] } else { &[] };
                    let assets: Vec<discover::Asset> = (site.assets.iter())
                        .map(|a| discover::Asset {
                            path: a.path.clone(),
                            out: format!("{prefix}{}", a.out),
                        })
                        .collect();
                    copied += staging.copy_all(&assets, statics).map_err(|d| vec![d])?;
                }
                for (out, file) in &processed {
                    staging.copy_file(out, file).map_err(|d| vec![d])?;
                }
                copied += processed.len();
                let errors: Vec<Diagnostic> = dirty
                    .par_iter()
                    .filter_map(|&e| {
                        render_one(e)
                            .and_then(|b| staging.write_file(paths[e].as_ref(), &b))
                            .err()
                    })
                    .collect();
                if errors.is_empty() {
                    Ok(copied + dirty.len())
                } else {
                    Err(errors)
                }
            });
            match written {
                Ok(n) => Outcome {
                    written: n,
                    ..Outcome::default()
                },
                Err(errs) => {
                    problems.extend(errs);
                    return Err(problems);
                }
            }
        } else {
            let (written, removed) = written::write_changes(
                &self.out,
                self.written.as_ref(),
                &self.pending_copies,
                &paths,
                &files,
                &copies,
            )?;
            Outcome {
                written,
                removed,
                ..Outcome::default()
            }
        };
        let copies: FxHashMap<String, CopyStamp> = copies.into_iter().map(|(k, (stamp, _, _))| (k, stamp)).collect();
        match &mut self.written {
            // Update the stamps in place; only a change in the set of pages rebuilds the map.
            Some(w) if w.pages.len() == paths.len() && paths.iter().all(|p| w.pages.contains_key(p.as_ref())) => {
                for &e in &dirty {
                    if let Some(stamp) = w.pages.get_mut(paths[e].as_ref()) {
                        *stamp = stamps[e];
                    }
                }
                w.copies = copies;
            }
            _ => {
                let pages = paths.iter().zip(&stamps).map(|(p, &s)| (p.to_string(), s)).collect();
                self.written = Some(Written { pages, copies });
            }
        }
        let pages = paths.len();
        drop(paths);
        drop(parts);
        for (state, plan) in self.langs.iter_mut().zip(plans) {
            state.plan = Some(plan);
        }
        self.mark = output::Mark::of(&self.out);
        self.pending_copies.clear();
        Ok(Outcome {
            rendered: dirty.len(),
            pages,
            warnings: problems,
            elapsed: start.elapsed(),
            ..outcome
        })
    }

    /// True for an existing file that the last walk of content/ already found; not for
    /// a symlink, which may lead elsewhere now.
    fn is_known_file(&self, path: &Path) -> bool {
        if !path.is_file()
            || self
                .sources
                .as_ref()
                .is_some_and(|s| s.links.iter().any(|l| l.path == path))
        {
            return false;
        }
        let key = self.key_of(path);
        self.docs.contains_key(key.as_str())
            || self
                .sources
                .as_ref()
                .is_some_and(|s| s.assets.iter().any(|a| a.path == path))
    }

    fn key_of(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }

    /// Re-reads the Markdown files that changed (all of them when `all`). After a new
    /// walk (`walked`), files that are gone are forgotten and new ones are read.
    fn reparse(&mut self, changed: &[PathBuf], all: bool, walked: bool) {
        let Some(sources) = &self.sources else { return };
        let changed_keys: FxHashSet<String> = changed.iter().map(|p| self.key_of(p)).collect();
        let todo: Vec<discover::SourceFile> = if walked {
            let present: FxHashSet<String> = sources
                .markdown
                .iter()
                .map(|s| s.rel.to_string_lossy().into_owned())
                .collect();
            self.docs.retain(|k, _| present.contains(k.as_ref()));
            sources
                .markdown
                .iter()
                .filter(|s| {
                    let key = s.rel.to_string_lossy();
                    all || !self.docs.contains_key(key.as_ref()) || changed_keys.contains(key.as_ref())
                })
                .cloned()
                .collect()
        } else {
            changed_keys
                .iter()
                .filter_map(|k| self.docs.get(k.as_str()).map(|p| p.source.clone()))
                .collect()
        };
        let parsed: Vec<(Option<Doc>, Vec<Diagnostic>)> = todo.par_iter().map(parse::parse_one).collect();
        for (source, (doc, problems)) in todo.into_iter().zip(parsed) {
            let version = self.next_version;
            self.next_version += 1;
            let key: Arc<str> = source.rel.to_string_lossy().into();
            let before = self.docs.get(&key).and_then(|p| p.doc.as_ref());
            let doc = doc.map(|mut d| {
                d.version = version;
                // Same front matter: the same shared parts, so the model's front-matter
                // stage sees the file unchanged and is reused (see model::outline).
                if let Some(old) =
                    before.filter(|old| old.front_matter() == d.front_matter() && old.info.path == d.info.path)
                {
                    d.info = Arc::clone(&old.info);
                    d.meta = old.meta.clone();
                }
                Arc::new(d)
            });
            self.docs.insert(key, Parsed { source, doc, problems });
        }
    }
}
