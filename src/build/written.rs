//! What watch mode knows of its output folder between rebuilds: every generated file
//! with the stamp of its inputs, every copied file with where it came from, and the
//! writing of one rebuild's changes in place (see [`super::incremental`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::build::output;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::images::Catalog;
use crate::model::Site;
use crate::source::theme;

/// Where a file of the output is copied from, and how it looked when copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CopyStamp {
    from: String,
    len: u64,
    modified: Option<SystemTime>,
}

impl CopyStamp {
    /// The stamp of a file copied from `from` (shown as `name`), whose metadata is `meta`
    /// (`None` for a file knead holds in itself, of `len` bytes).
    fn of(name: String, meta: Option<std::fs::Metadata>, len: u64) -> Self {
        CopyStamp {
            from: name,
            len: meta.as_ref().map_or(len, std::fs::Metadata::len),
            modified: meta.and_then(|m| m.modified().ok()),
        }
    }
}

/// A copied file of the output: its stamp, and the theme file or the file on disk it
/// is copied from.
pub(super) type Copy<'t> = (CopyStamp, Option<&'t theme::StaticFile>, Option<PathBuf>);

/// What the output folder holds after the last successful build.
#[derive(Default)]
pub(super) struct Written {
    /// Generated files and the fingerprint of their inputs.
    pub(super) pages: FxHashMap<String, u64>,
    /// Copied files.
    pub(super) copies: FxHashMap<String, CopyStamp>,
}

/// Every copied file of the output, by path: the theme's static files, the content
/// files each language's site links (under its prefix: `""`, `es/`) and the processed
/// images in `processed`. Content files win over theme static files of the same path.
pub(super) fn copies<'t>(
    statics: &'t [theme::StaticFile],
    sites: &[(&str, &Site)],
    processed: &[(String, PathBuf)],
) -> BTreeMap<String, Copy<'t>> {
    let mut copies: BTreeMap<String, Copy<'t>> = BTreeMap::new();
    for s in statics {
        let stamp = match &s.origin {
            theme::FileOrigin::Disk(p) => CopyStamp::of(p.display().to_string(), std::fs::metadata(p).ok(), 0),
            theme::FileOrigin::Embedded => CopyStamp::of(format!("<embedded>/{}", s.out), None, s.bytes.len() as u64),
        };
        copies.insert(s.out.clone(), (stamp, Some(s), None));
    }
    for (prefix, site) in sites {
        for a in &site.assets {
            let stamp = CopyStamp::of(a.path.display().to_string(), std::fs::metadata(&a.path).ok(), 0);
            copies.insert(format!("{prefix}{}", a.out), (stamp, None, Some(a.path.clone())));
        }
    }
    for (out, file) in processed {
        let stamp = CopyStamp::of(file.display().to_string(), std::fs::metadata(file).ok(), 0);
        copies.insert(out.clone(), (stamp, None, Some(file.clone())));
    }
    copies
}

/// The processed images every site of `sites` shows, by output path.
pub(super) fn processed(images: &Catalog, sites: &[(&str, &Site)]) -> Vec<(String, PathBuf)> {
    images.files(sites.iter().flat_map(|(_, s)| s.shown_images()))
}

/// Writes the rendered `files` (index into `paths`, bytes) and the changed `copies` in
/// place into `out`, and removes the files of `before` that are no longer part of the
/// site (`paths` and `copies`). `pending` are copied files whose source changed.
pub(super) fn write_changes(
    out: &Path,
    before: Option<&Written>,
    pending: &HashSet<PathBuf>,
    paths: &[Cow<'_, str>],
    files: &[(usize, Vec<u8>)],
    copies: &BTreeMap<String, Copy<'_>>,
) -> Result<(usize, usize), Diagnostics> {
    let fail = |what: &str, p: &Path, e: std::io::Error| {
        Diagnostics::from(vec![Diagnostic::error(
            out,
            format!("cannot {what} {}: {e}", p.display()),
        )])
    };
    let mut written = 0;
    let new_paths: FxHashSet<&str> = paths
        .iter()
        .map(AsRef::as_ref)
        .chain(copies.keys().map(String::as_str))
        .collect();
    let mut removed = 0;
    if let Some(w) = before {
        for old in w.pages.keys().chain(w.copies.keys()) {
            if !new_paths.contains(old.as_str()) {
                let p = out.join(old);
                match std::fs::remove_file(&p) {
                    Ok(()) => removed += 1,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(fail("remove", &p, e)),
                }
                output::prune_empty_dirs(out, &p);
            }
        }
    }
    for (path, (stamp, statik, asset)) in copies {
        let unchanged = before.and_then(|w| w.copies.get(path)) == Some(stamp)
            && !asset.as_ref().is_some_and(|a| pending.contains(a));
        if unchanged {
            continue;
        }
        let dest = out.join(path);
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
        let dest = out.join(paths[*i].as_ref());
        if std::fs::read(&dest).is_ok_and(|old| &old == bytes) {
            continue;
        }
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| fail("create", parent, e))?;
        }
        std::fs::write(&dest, bytes).map_err(|e| fail("write", &dest, e))?;
        written += 1;
    }
    Ok((written, removed))
}
