//! Incremental rebuilds for `knead watch` and `knead serve`: after an edit, re-read only
//! the files that changed, re-render only the Markdown and the pages whose inputs
//! changed, and write only what differs — with an output that is always byte-identical
//! to a clean `knead build` of the same sources.
//!
//! Every planned page lists its inputs ([`Input`]). Each input has a fingerprint: the
//! version of a content file, a hash of the fields lists show, a hash of the site-wide
//! context. A page is rendered again exactly when the fingerprint of its inputs changed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;
use tera::Tera;

use crate::config::{self, Config};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::discover::{self, Sources};
use crate::model::{self, MarkdownCache, Site};
use crate::parse::{self, Doc};
use crate::pipeline::Options;
use crate::render::{self, Input, Renderer};
use crate::theme::{self, Theme};
use crate::{output, render::context::Builder};

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

/// Fingerprints of content files, kept across rebuilds.
#[derive(Default)]
struct Fingerprints {
    /// rel -> (doc version, index generation, hash) for listings.
    listing: HashMap<PathBuf, (u64, u64)>,
    /// rel -> (doc version, index generation, hash) for FAQ groups.
    faqs: HashMap<PathBuf, (u64, u64, u64)>,
}

/// What the output folder holds after the last successful build.
#[derive(Default)]
struct Written {
    /// Generated files and the fingerprint of their inputs.
    pages: HashMap<String, u64>,
    /// Copied files.
    copies: HashMap<String, CopyStamp>,
}

/// The state of a watched site between rebuilds.
pub struct Incremental {
    opts: Options,
    root: PathBuf,
    out: PathBuf,
    config: Option<Result<Config, Vec<Diagnostic>>>,
    theme: Option<Result<(Theme, Tera), Vec<Diagnostic>>>,
    template_generation: u64,
    sources: Option<Sources>,
    docs: BTreeMap<PathBuf, Parsed>,
    next_version: u64,
    markdown: MarkdownCache,
    index_generation: u64,
    fingerprints: Fingerprints,
    written: Option<Written>,
    /// Copied files whose source changed since the last successful build.
    pending_copies: HashSet<PathBuf>,
}

fn hash_of(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

impl Incremental {
    /// Prepares to build the site of `opts` into its output folder (checked for safety).
    pub fn new(opts: Options) -> Result<Self, Diagnostics> {
        let root = std::path::absolute(&opts.root).unwrap_or_else(|_| opts.root.clone());
        let out = output::check_output_dir(&root, &opts.output_dir()).map_err(|d| Diagnostics::from(vec![d]))?;
        Ok(Incremental {
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
            docs: BTreeMap::new(),
            next_version: 1,
            markdown: MarkdownCache::default(),
            index_generation: 0,
            fingerprints: Fingerprints::default(),
            written: None,
            pending_copies: HashSet::new(),
        })
    }

    /// The site folder (absolute).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The output folder (absolute).
    pub fn output(&self) -> &Path {
        &self.out
    }

    /// True for paths whose change can affect the output: site.yaml, content/,
    /// templates/ and the active theme. Editor leftovers and dot folders are not.
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
        rel == Path::new(config::FILE)
            || rel.starts_with("content")
            || rel.starts_with("templates")
            || rel.starts_with(Path::new("themes").join(theme))
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
            let name = self
                .config
                .as_ref()
                .and_then(|c| c.as_ref().ok())
                .map(|c| c.theme.clone());
            self.theme = name.map(|name| {
                theme::load(&self.root, &name).and_then(|t| render::compile(&t, &name).map(|tera| (t, tera)))
            });
            self.template_generation += 1;
            for p in &changed {
                self.pending_copies.insert(p.clone());
            }
        }
        if content_changed {
            self.sources = Some(discover::discover(&self.root));
            for p in &changed {
                self.pending_copies.insert(p.clone());
            }
            self.reparse(&changed, first);
        }

        // Every problem known so far.
        let mut problems = Diagnostics::new();
        let sources = self.sources.as_ref().map_or(&[][..], |s| &s.problems[..]);
        problems.extend(sources.iter().cloned());
        for p in self.docs.values() {
            problems.extend(p.problems.iter().cloned());
        }
        let content_ok = !problems.has_errors();
        if let Some(Err(e)) = &self.config {
            problems.extend(e.iter().cloned());
        }
        if let Some(Err(e)) = &self.theme {
            problems.extend(e.iter().cloned());
        }
        let (Some(Ok(cfg)), Some(Ok((theme, tera))), true) = (&self.config, &self.theme, content_ok) else {
            problems.sort();
            return Err(problems);
        };

        // The model, reusing Markdown renders that are still valid.
        let docs: Vec<Arc<Doc>> = self.docs.values().filter_map(|p| p.doc.clone()).collect();
        let assets = self.sources.as_ref().map(|s| s.assets.clone()).unwrap_or_default();
        let statics: Vec<String> = theme.statics.iter().map(|s| format!("/{}", s.out)).collect();
        let settings = model::Settings {
            drafts: self.opts.drafts,
            analyze: false,
        };
        let (site, warnings, markdown) =
            match model::build(cfg.clone(), &docs, assets, &statics, settings, Some(&self.markdown)) {
                Ok(v) => v,
                Err(errs) => {
                    problems.extend(errs);
                    problems.sort();
                    return Err(problems);
                }
            };
        problems.extend(warnings);
        if markdown.index() != self.markdown.index() {
            self.index_generation += 1;
        }
        self.markdown = markdown;

        // Which pages to render: those whose inputs changed.
        let plan = render::plan(&site);
        let renderer = Renderer::new(&site, theme, tera, &plan);
        let site_stamp = hash_of((
            self.template_generation,
            serde_json::to_string(&Builder { site: &site }.site()).ok(),
        ));
        let versions: HashMap<&Path, u64> = docs.iter().map(|d| (d.rel.as_path(), d.version)).collect();
        update_fingerprints(&mut self.fingerprints, self.index_generation, &site, &versions);
        let previous = self.written.as_ref().map(|w| &w.pages);
        let stamps: Vec<u64> = plan
            .iter()
            .map(|p| {
                if p.inputs.contains(&Input::Always) {
                    return hash_of((start.elapsed().as_nanos(), &p.path, self.next_version));
                }
                let mut h = DefaultHasher::new();
                for input in &p.inputs {
                    input.hash(&mut h);
                    match input {
                        Input::Site => site_stamp.hash(&mut h),
                        Input::Source(rel) => (versions.get(rel.as_path()), self.index_generation).hash(&mut h),
                        Input::Listing(rel) => self.fingerprints.listing.get(rel).map(|f| f.1).hash(&mut h),
                        Input::Faqs(rel) => self.fingerprints.faqs.get(rel).map(|f| f.2).hash(&mut h),
                        Input::Always => {}
                    }
                }
                h.finish()
            })
            .collect();
        let dirty: Vec<usize> = (0..plan.len())
            .filter(|&i| previous.and_then(|w| w.get(&plan[i].path)) != Some(&stamps[i]))
            .collect();
        let rendered: Vec<Result<(usize, Vec<u8>), Diagnostic>> = dirty
            .par_iter()
            .map(|&i| renderer.render(&plan[i]).map(|b| (i, b)))
            .collect();
        let mut files = Vec::with_capacity(rendered.len());
        let mut render_problems = Vec::new();
        for r in rendered {
            match r {
                Ok(f) => files.push(f),
                Err(d) if !render_problems.contains(&d) => render_problems.push(d),
                Err(_) => {}
            }
        }
        if !render_problems.is_empty() {
            problems.extend(render_problems);
            problems.sort();
            return Err(problems);
        }

        // Copied files: content assets win over theme static files of the same path.
        let mut copies: BTreeMap<String, (CopyStamp, Option<&theme::StaticFile>, Option<PathBuf>)> = BTreeMap::new();
        for s in &theme.statics {
            let (from, meta) = match &s.origin {
                theme::Origin::Disk(p) => (p.display().to_string(), std::fs::metadata(p).ok()),
                theme::Origin::Embedded => (format!("<embedded>/{}", s.out), None),
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

        let outcome = if first {
            // The first build goes through the staging folder, like `knead build`.
            let mut all: Vec<render::OutputFile> = Vec::with_capacity(files.len());
            for (i, bytes) in files {
                all.push(render::OutputFile {
                    path: plan[i].path.clone(),
                    bytes,
                });
            }
            let written =
                output::write(&self.out, &all, &site.assets, &theme.statics).map_err(|d| Diagnostics::from(vec![d]))?;
            Outcome {
                written: written.generated + written.copied,
                pages: plan.len(),
                ..Outcome::default()
            }
        } else {
            self.write_changes(&plan, &files, &copies)?
        };
        self.written = Some(Written {
            pages: plan.iter().zip(&stamps).map(|(p, s)| (p.path.clone(), *s)).collect(),
            copies: copies.into_iter().map(|(k, (stamp, _, _))| (k, stamp)).collect(),
        });
        self.pending_copies.clear();
        problems.sort();
        Ok(Outcome {
            warnings: problems,
            elapsed: start.elapsed(),
            ..outcome
        })
    }

    /// Re-reads the Markdown files that changed (or all of them on the first build).
    fn reparse(&mut self, changed: &[PathBuf], all: bool) {
        let Some(sources) = &self.sources else { return };
        let changed: HashSet<&PathBuf> = changed.iter().collect();
        let present: HashSet<&Path> = sources.markdown.iter().map(|s| s.rel.as_path()).collect();
        self.docs.retain(|rel, _| present.contains(rel.as_path()));
        let todo: Vec<&discover::Source> = sources
            .markdown
            .iter()
            .filter(|s| all || !self.docs.contains_key(&s.rel) || changed.contains(&s.path))
            .collect();
        let parsed: Vec<(Option<Doc>, Vec<Diagnostic>)> = todo.par_iter().map(|s| parse::parse_one(s)).collect();
        for (source, (doc, problems)) in todo.into_iter().zip(parsed) {
            let version = self.next_version;
            self.next_version += 1;
            let doc = doc.map(|mut d| {
                d.version = version;
                Arc::new(d)
            });
            self.docs.insert(source.rel.clone(), Parsed { doc, problems });
        }
    }
}

/// Recomputes the fingerprints of documents whose version or links changed.
fn update_fingerprints(fp: &mut Fingerprints, generation: u64, site: &Site, versions: &HashMap<&Path, u64>) {
    let b = Builder { site };
    let mut keep: HashSet<PathBuf> = HashSet::new();
    for (i, a) in site.articles.iter().enumerate() {
        let v = versions.get(a.rel.as_path()).copied().unwrap_or(0);
        keep.insert(a.rel.clone());
        let key = hash_of((v, generation));
        if fp.listing.get(&a.rel).map(|f| f.0) != Some(key) {
            let listing = serde_json::to_string(&b.summary(i)).ok();
            fp.listing.insert(a.rel.clone(), (key, hash_of(listing)));
        }
        if fp.faqs.get(&a.rel).map(|f| (f.0, f.1)) != Some((v, generation)) {
            let faqs: Vec<(&str, &str, &str)> = a
                .faqs()
                .iter()
                .map(|f| (f.id.as_str(), f.question.as_str(), f.answer.as_str()))
                .collect();
            fp.faqs
                .insert(a.rel.clone(), (v, generation, hash_of((&a.meta.title, &a.path, faqs))));
        }
    }
    for t in &site.techniques {
        let v = versions.get(t.rel.as_path()).copied().unwrap_or(0);
        keep.insert(t.rel.clone());
        let key = hash_of((v, generation));
        if fp.listing.get(&t.rel).map(|f| f.0) != Some(key) {
            let h = hash_of((&t.meta.title, &t.meta.summary, t.meta.pressure as u8, &t.path));
            fp.listing.insert(t.rel.clone(), (key, h));
        }
    }
    fp.listing.retain(|k, _| keep.contains(k));
    fp.faqs.retain(|k, _| keep.contains(k));
}

impl Incremental {
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
        let new_paths: HashSet<&str> = plan
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
                    prune_empty_dirs(&self.out, &p);
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
                    let bytes = s.read().map_err(|e| fail("read", Path::new(&s.out), e))?;
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

/// Removes the folders above a removed file that are now empty, up to the output root.
fn prune_empty_dirs(out: &Path, removed: &Path) {
    let mut dir = removed.parent();
    while let Some(d) = dir {
        if d == out || !d.starts_with(out) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}
