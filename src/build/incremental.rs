//! Incremental rebuilds for `knead watch` and `knead serve`: after an edit, re-read only
//! the files that changed, re-render only the Markdown and the pages whose inputs
//! changed, and write only what differs — with an output that is always byte-identical
//! to a clean `knead build` of the same sources.
//!
//! Every planned page lists its inputs ([`render::Input`]); `build/inputs.rs` gives each
//! input a value per build, and a page is rendered again exactly when the values of its
//! inputs changed.

use std::collections::{BTreeMap, HashSet};

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::build::inputs::{Fingerprints, Values, benefit_listings, hash_of, update_fingerprints};
use crate::build::pipeline::Options;
use crate::build::stages::{self, LoadedTheme};
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

/// Where a file of the output is copied from, and how it looked when copied.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CopyStamp {
    from: String,
    len: u64,
    modified: Option<SystemTime>,
}

/// What the output folder holds after the last successful build.
#[derive(Default)]
struct Written {
    /// Generated files and the fingerprint of their inputs.
    pages: FxHashMap<String, u64>,
    /// Copied files.
    copies: FxHashMap<String, CopyStamp>,
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
    markdown: MarkdownCache,
    /// The last build's plan, with its number of search shards and `paginate_by`.
    plan: Option<((usize, usize), Vec<render::Planned>)>,
    index_generation: u64,
    fingerprints: Fingerprints,
    written: Option<Written>,
    /// The output folder as the last successful build left it: when something else
    /// removed, emptied or replaced it, the next rebuild writes it whole.
    mark: Option<output::Mark>,
    /// Copied files whose source changed since the last successful build.
    pending_copies: HashSet<PathBuf>,
    /// The search index's terms, updated in place by the next rebuild.
    search: crate::search::ShardCache,
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
            markdown: MarkdownCache::default(),
            plan: None,
            index_generation: 0,
            fingerprints: Fingerprints::default(),
            written: None,
            mark: None,
            pending_copies: HashSet::new(),
            search: Default::default(),
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
        if !ready.config.languages.is_empty() {
            return self.rebuild_whole(start);
        }
        let words = (self.theme.as_ref())
            .and_then(|t| t.as_ref().ok())
            .map_or(&[][..], |t| t.words.as_slice());
        let configs = languages::configs(ready.config, words, &split.docs, self.opts.drafts);
        let problems = std::mem::take(&mut ready.problems);
        let mut ready = ready.for_language(&configs[0], problems);
        let theme = ready.theme;

        // The model, reusing Markdown renders that are still valid.
        let mut docs: Vec<Arc<Doc>> = split.docs.into_iter().next().unwrap_or_default();
        let assets = self.sources.as_ref().map(|s| s.assets.clone()).unwrap_or_default();
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
        let assembly = ready
            .start_model(&self.root, &docs, assets, settings, Some(&self.markdown))
            .with_images(Arc::clone(&images));
        let renders = assembly.render(&mut docs, None);
        let modelled = ready.finish_model(assembly, &docs, renders)?;
        let (site, tera, markdown, mut problems) =
            (modelled.site, modelled.templates, modelled.cache, modelled.problems);
        lap("model");
        if markdown.index() != self.markdown.index() {
            self.index_generation += 1;
        }
        let same_outline = markdown.same_outline(&self.markdown);
        self.markdown = markdown;

        // Every output and its inputs: the last build's plan while the front-matter stage,
        // the number of search shards and the size of list pages are unchanged (the plan
        // depends on nothing else).
        let shape = (crate::search::layout(&site).shards, site.config.paginate_by);
        let plan = match self.plan.take() {
            Some((was, plan)) if same_outline && was == shape && !first => plan,
            _ => render::plan(&site),
        };
        lap("plan");
        let renderer = Renderer::new(&site, theme, tera, &plan).with_search_cache(&self.search);
        lap("renderer");
        let site_stamp = hash_of((
            self.template_generation,
            serde_json::to_string(&Builder { site: &site }.site()).ok(),
        ));
        let versions: FxHashMap<&str, u64> = docs.iter().map(|d| (d.key.as_ref(), d.version)).collect();
        let benefit_listings = benefit_listings(&site);
        update_fingerprints(
            &mut self.fingerprints,
            self.index_generation,
            &site,
            &versions,
            &benefit_listings,
        );
        lap("fingerprints");
        let search_values = renderer.search_values();
        lap("search index");
        let values = Values::new(
            &site,
            &versions,
            &self.fingerprints,
            self.index_generation,
            site_stamp,
            search_values,
            benefit_listings,
        );
        let previous = self.written.as_ref().map(|w| &w.pages);
        // A page's stamp hashes the values of its inputs, in order. Values identify their
        // source (versions are never reused; listings include the URL), so the stamp
        // changes whenever the set, the order or the content of the inputs does.
        let stamps: Vec<u64> = plan.par_iter().map(|p| values.stamp(&p.inputs)).collect();
        lap("stamps");
        let dirty: Vec<usize> = (0..plan.len())
            .filter(|&i| previous.and_then(|w| w.get(&plan[i].path)) != Some(&stamps[i]))
            .collect();
        // After the first build, dirty pages are rendered into memory (there are few) and
        // compared with what is on disk; the first build streams into a staging folder.
        let mut files = Vec::new();
        if !first {
            let rendered: Vec<Result<(usize, Vec<u8>), Diagnostic>> = dirty
                .par_iter()
                .map(|&i| renderer.render(&plan[i]).map(|b| (i, b)))
                .collect();
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

        // Copied files: content assets win over theme static files of the same path.
        let mut copies: BTreeMap<String, (CopyStamp, Option<&theme::StaticFile>, Option<PathBuf>)> = BTreeMap::new();
        for s in &theme.statics {
            let (from, meta) = match &s.origin {
                theme::FileOrigin::Disk(p) => (p.display().to_string(), std::fs::metadata(p).ok()),
                theme::FileOrigin::Embedded => (format!("<embedded>/{}", s.out), None),
            };
            let stamp = CopyStamp {
                from,
                len: meta.as_ref().map_or(s.bytes.len() as u64, |m| m.len()),
                modified: meta.and_then(|m| m.modified().ok()),
            };
            copies.insert(s.out.clone(), (stamp, Some(s), None));
        }
        for a in &site.assets {
            let meta = std::fs::metadata(&a.path).ok();
            let stamp = CopyStamp {
                from: a.path.display().to_string(),
                len: meta.as_ref().map_or(0, |m| m.len()),
                modified: meta.and_then(|m| m.modified().ok()),
            };
            copies.insert(a.out.clone(), (stamp, None, Some(a.path.clone())));
        }

        // Processed images: copied from the cache, named by their content.
        let processed = images.files(site.shown_images());
        for (out, file) in &processed {
            let meta = std::fs::metadata(file).ok();
            let stamp = CopyStamp {
                from: file.display().to_string(),
                len: meta.as_ref().map_or(0, |m| m.len()),
                modified: meta.and_then(|m| m.modified().ok()),
            };
            copies.insert(out.clone(), (stamp, None, Some(file.clone())));
        }

        let outcome = if first {
            let written = output::write_with(&self.lock, |staging| {
                let mut copied = staging.copy_all(&site.assets, &theme.statics).map_err(|d| vec![d])?;
                for (out, file) in &processed {
                    staging.copy_file(out, file).map_err(|d| vec![d])?;
                }
                copied += processed.len();
                let errors: Vec<Diagnostic> = dirty
                    .par_iter()
                    .filter_map(|&i| {
                        renderer
                            .render(&plan[i])
                            .and_then(|b| staging.write_file(&plan[i].path, &b))
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
                    pages: plan.len(),
                    ..Outcome::default()
                },
                Err(errs) => {
                    problems.extend(errs);
                    return Err(problems);
                }
            }
        } else {
            self.write_changes(&plan, &files, &copies)?
        };
        let copies: FxHashMap<String, CopyStamp> = copies.into_iter().map(|(k, (stamp, _, _))| (k, stamp)).collect();
        match &mut self.written {
            // Update the stamps in place; only a change in the set of pages rebuilds the map.
            Some(w) if w.pages.len() == plan.len() && plan.iter().all(|p| w.pages.contains_key(&p.path)) => {
                for &i in &dirty {
                    if let Some(stamp) = w.pages.get_mut(&plan[i].path) {
                        *stamp = stamps[i];
                    }
                }
                w.copies = copies;
            }
            _ => {
                let pages = plan.iter().zip(stamps).map(|(p, s)| (p.path.clone(), s)).collect();
                self.written = Some(Written { pages, copies });
            }
        }
        self.plan = Some((shape, plan));
        self.mark = output::Mark::of(&self.out);
        self.pending_copies.clear();
        Ok(Outcome {
            rendered: dirty.len(),
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

impl Incremental {
    /// A site of several languages is built whole on every change, by a clean build
    /// into the output folder; the next rebuild starts afresh from what it wrote.
    fn rebuild_whole(&mut self, start: Instant) -> Result<Outcome, Diagnostics> {
        self.written = None;
        self.plan = None;
        let report = crate::build::pipeline::build_locked(&self.opts, &self.lock)?;
        self.pending_copies.clear();
        Ok(Outcome {
            rendered: report.generated,
            written: report.generated + report.copied,
            removed: 0,
            pages: report.generated,
            warnings: report.warnings,
            elapsed: start.elapsed(),
        })
    }

    /// Writes rendered pages and changed copies in place, and removes files that are no
    /// longer part of the site.
    fn write_changes(
        &self,
        plan: &[render::Planned],
        files: &[(usize, Vec<u8>)],
        copies: &BTreeMap<String, (CopyStamp, Option<&theme::StaticFile>, Option<PathBuf>)>,
    ) -> Result<Outcome, Diagnostics> {
        let fail = |what: &str, p: &Path, e: std::io::Error| {
            Diagnostics::from(vec![Diagnostic::error(
                &self.out,
                format!("cannot {what} {}: {e}", p.display()),
            )])
        };
        let written_before = self.written.as_ref();
        let mut written = 0;
        let new_paths: FxHashSet<&str> = plan
            .iter()
            .map(|p| p.path.as_str())
            .chain(copies.keys().map(String::as_str))
            .collect();
        let mut removed = 0;
        if let Some(w) = written_before {
            for old in w.pages.keys().chain(w.copies.keys()) {
                if !new_paths.contains(old.as_str()) {
                    let p = self.out.join(old);
                    match std::fs::remove_file(&p) {
                        Ok(()) => removed += 1,
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(fail("remove", &p, e)),
                    }
                    output::prune_empty_dirs(&self.out, &p);
                }
            }
        }
        for (path, (stamp, statik, asset)) in copies {
            let unchanged = written_before.and_then(|w| w.copies.get(path)) == Some(stamp)
                && !asset.as_ref().is_some_and(|a| self.pending_copies.contains(a));
            if unchanged {
                continue;
            }
            let dest = self.out.join(path);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(|e| fail("create", parent, e))?;
            }
            match (statik, asset) {
                (_, Some(src)) => std::fs::copy(src, &dest)
                    .map(|_| ())
                    .map_err(|e| fail("copy", src, e))?,
                (Some(s), None) => {
                    let bytes = crate::render::statics::published(s).map_err(|e| fail("read", &s.source(), e))?;
                    std::fs::write(&dest, &bytes).map_err(|e| fail("write", &dest, e))?;
                }
                (None, None) => {}
            }
            written += 1;
        }
        for (i, bytes) in files {
            let dest = self.out.join(&plan[*i].path);
            if std::fs::read(&dest).is_ok_and(|old| &old == bytes) {
                continue;
            }
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(|e| fail("create", parent, e))?;
            }
            std::fs::write(&dest, bytes).map_err(|e| fail("write", &dest, e))?;
            written += 1;
        }
        Ok(Outcome {
            written,
            removed,
            pages: plan.len(),
            ..Outcome::default()
        })
    }
}
