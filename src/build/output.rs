//! Writing the output folder safely: every build is written to a staging folder beside
//! the output, flushed to disk, and swapped in only when complete (atomically on Linux,
//! with `renameat2(RENAME_EXCHANGE)`), so a failed or killed build leaves the previous
//! output complete and as it was. Output folders that would clobber the sources (the site
//! root, content/, or a parent of either) are refused, and so is an existing folder that
//! does not look like a knead build.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::source::discover::Asset;
use crate::source::theme::StaticFile;

/// The absolute, normalised form of `p` (symlinks in existing parents resolved).
fn absolute(p: &Path) -> std::io::Result<PathBuf> {
    let abs = std::path::absolute(p)?;
    // Canonicalize the longest existing prefix, then append the rest.
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize()?;
    for name in rest.iter().rev() {
        if name == ".." {
            out.pop();
        } else if name != "." {
            out.push(name);
        }
    }
    Ok(out)
}

/// Refuses output folders that would overwrite or delete the site's sources.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<PathBuf, Diagnostic> {
    let refuse = |why: String| {
        Diagnostic::error(output, why)
            .help("choose an output folder of its own, such as `public` inside the site (the default)")
    };
    let out = absolute(output).map_err(|e| refuse(format!("cannot use this output folder: {e}")))?;
    let root = absolute(root).map_err(|e| refuse(format!("cannot read the site folder: {e}")))?;
    let protected = [
        (root.clone(), "the site folder"),
        (root.join("content"), "content/"),
        (root.join("themes"), "themes/"),
        (root.join("templates"), "templates/"),
    ];
    for (p, what) in &protected {
        if p.starts_with(&out) {
            return Err(refuse(format!(
                "the output folder {} is {what} or contains it: building there would delete your sources",
                out.display()
            )));
        }
        if *what != "the site folder" && out.starts_with(p) {
            return Err(refuse(format!("the output folder {} is inside {what}", out.display())));
        }
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(refuse(format!("{} exists and is not a folder", out.display())));
        }
        let mut entries = std::fs::read_dir(&out).map_err(|e| refuse(format!("cannot read {}: {e}", out.display())))?;
        let non_empty = entries.next().is_some();
        if non_empty && !out.join("index.html").exists() {
            return Err(refuse(format!(
                "{} already holds files and is not a previous knead build (it has no index.html): knead will not replace it",
                out.display()
            )));
        }
    }
    Ok(out)
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.knead-{suffix}"))
}

/// Puts back an output folder that an interrupted swap left aside (where folders cannot
/// be exchanged atomically), and removes leftovers: a staging folder holds either a
/// partial build or, after an exchange, the previous build. Only touches knead's own
/// `.NAME.knead-*` folders beside the output.
pub fn recover(out: &Path) -> std::io::Result<()> {
    let old = sibling(out, "old");
    let staging = sibling(out, "staging");
    if !out.exists() && old.is_dir() {
        std::fs::rename(&old, out)?;
    }
    if old.is_dir() {
        std::fs::remove_dir_all(&old)?;
    }
    if staging.is_dir() {
        std::fs::remove_dir_all(&staging)?;
    }
    Ok(())
}

/// The folder a build writes into before it is swapped in as the output.
pub struct Staging {
    root: PathBuf,
    out: PathBuf,
}

impl Staging {
    fn fail(&self, what: &str, path: &Path, e: std::io::Error) -> Diagnostic {
        Diagnostic::error(&self.out, format!("cannot {what} {}: {e}", path.display()))
            .help("check the folder's permissions and free disk space; the previous output was left as it was")
    }

    fn dest(&self, rel: &str) -> Result<PathBuf, Diagnostic> {
        let dest = self.root.join(rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| self.fail("create", parent, e))?;
        }
        Ok(dest)
    }

    /// Writes `bytes` to `rel` (a `/`-separated path) inside the staging folder.
    pub fn write_file(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let dest = self.dest(rel)?;
        std::fs::write(&dest, bytes).map_err(|e| self.fail("write", &dest, e))
    }

    /// Creates `rel` inside the staging folder and writes it with `fill`, through a
    /// buffer (for pages rendered straight into their file); a failed write is reported
    /// as such, with the file's path.
    pub fn stream(&self, rel: &str, fill: impl FnOnce(&mut dyn std::io::Write) -> Fill) -> Result<(), Diagnostic> {
        use std::io::Write;
        let dest = self.dest(rel)?;
        let file = std::fs::File::create(&dest).map_err(|e| self.fail("write", &dest, e))?;
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, file);
        match fill(&mut out) {
            Fill::Done => out.flush().map_err(|e| self.fail("write", &dest, e)),
            Fill::Failed(d) => Err(d),
            Fill::WriteFailed(e) => Err(self.fail("write", &dest, e)),
        }
    }

    /// Copies the file `from` to `rel` inside the staging folder.
    pub fn copy_file(&self, rel: &str, from: &Path) -> Result<(), Diagnostic> {
        let dest = self.dest(rel)?;
        std::fs::copy(from, &dest)
            .map(|_| ())
            .map_err(|e| self.fail("copy", from, e))
    }

    /// Copies the theme's static files, then the content's own files (which win over
    /// them). Returns how many files were copied.
    pub fn copy_all(&self, assets: &[Asset], statics: &[StaticFile]) -> Result<usize, Diagnostic> {
        for s in statics {
            let bytes = s.read().map_err(|e| self.fail("read", Path::new(&s.out), e))?;
            self.write_file(&s.out, &bytes)?;
        }
        assets.par_iter().try_for_each(|a| self.copy_file(&a.out, &a.path))?;
        Ok(assets.len() + statics.len())
    }
}

/// How filling a streamed file ([`Staging::stream`]) ended.
pub enum Fill {
    /// Everything was written.
    Done,
    /// The content could not be made (a template error, say).
    Failed(Diagnostic),
    /// Writing failed.
    WriteFailed(std::io::Error),
}

/// Builds the output in a staging folder with `fill`, then swaps it in for `out`. When
/// `fill` fails, the staging folder is removed and `out` is left as it was.
pub fn write_with<T>(
    out: &Path,
    fill: impl FnOnce(&Staging) -> Result<T, Vec<Diagnostic>>,
) -> Result<T, Vec<Diagnostic>> {
    let fail = |what: &str, path: &Path, e: std::io::Error| {
        vec![
            Diagnostic::error(out, format!("cannot {what} {}: {e}", path.display()))
                .help("check the folder's permissions and free disk space; the previous output was left as it was"),
        ]
    };
    recover(out).map_err(|e| fail("clean up beside", out, e))?;
    let staging = Staging {
        root: sibling(out, "staging"),
        out: out.to_path_buf(),
    };
    std::fs::create_dir_all(&staging.root).map_err(|e| fail("create", &staging.root, e))?;
    let value = match fill(&staging) {
        Ok(v) => v,
        Err(d) => {
            let _ = std::fs::remove_dir_all(&staging.root);
            return Err(d);
        }
    };
    let staging = staging.root;
    if durable() {
        sync_tree(&staging).map_err(|e| fail("flush to disk", &staging, e))?;
    }
    swap_in(&staging, out).map_err(|e| fail("move into place", out, e))?;
    Ok(value)
}

/// True unless `KNEAD_FSYNC=0`: the staging folder is flushed to disk before the swap, so
/// a power cut cannot leave a swapped-in output with empty files.
fn durable() -> bool {
    std::env::var_os("KNEAD_FSYNC").is_none_or(|v| v != "0")
}

/// Flushes every file written under `dir` to disk, then the folder itself: on Linux
/// with one `syncfs` of its filesystem (far cheaper than an `fsync` per file).
#[cfg(target_os = "linux")]
fn sync_tree(dir: &Path) -> std::io::Result<()> {
    let handle = std::fs::File::open(dir)?;
    rustix::fs::syncfs(&handle)?;
    handle.sync_all()
}

#[cfg(not(target_os = "linux"))]
fn sync_tree(dir: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(dir).contents_first(true) {
        let entry = entry.map_err(std::io::Error::other)?;
        // Folders can be opened (and synced) on Unix only.
        if entry.file_type().is_file() || (cfg!(unix) && entry.file_type().is_dir()) {
            std::fs::File::open(entry.path())?.sync_all()?;
        }
    }
    Ok(())
}

/// Swaps two paths atomically (`renameat2(RENAME_EXCHANGE)`): at every moment each name
/// holds one complete folder. `Ok(false)` when the system or filesystem cannot do it.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::NOSYS | Errno::INVAL | Errno::OPNOTSUPP) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Puts the complete build in `staging` in place of `out`.
///
/// Where the system can exchange two folders atomically (Linux), `out` is at every
/// moment either the whole previous build or the whole new one, even if knead is killed
/// half-way; the previous build, now at the staging name, is removed afterwards (or by
/// the next build's [`recover`] when knead was killed first). Elsewhere the old output is
/// renamed aside first, and [`recover`] puts it back if knead dies between the renames.
fn swap_in(staging: &Path, out: &Path) -> std::io::Result<()> {
    let parent_sync = || {
        // Make the renames themselves durable.
        if durable()
            && cfg!(unix)
            && let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::File::open(parent)?.sync_all()?;
        }
        Ok::<(), std::io::Error>(())
    };
    if std::fs::symlink_metadata(out).is_err() {
        // Nothing to replace: one rename makes the complete build appear at once.
        std::fs::rename(staging, out)?;
        return parent_sync();
    }
    if exchange(staging, out)? {
        parent_sync()?;
        // Best effort: the new output is in place; leftovers go with the next build.
        let _ = std::fs::remove_dir_all(staging);
        return Ok(());
    }
    let old = sibling(out, "old");
    std::fs::rename(out, &old)?;
    if let Err(e) = std::fs::rename(staging, out) {
        let _ = std::fs::rename(&old, out);
        return Err(e);
    }
    parent_sync()?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(&root, &root).is_err());
        assert!(check_output_dir(&root, &root.join("content")).is_err());
        assert!(check_output_dir(&root, dir.path()).is_err());
        assert!(check_output_dir(&root, &root.join("content/x")).is_err());
        assert!(check_output_dir(&root, &root.join("public")).is_ok());
        assert!(check_output_dir(&root, &root.join("content/../public")).is_ok());
        let other = dir.path().join("documents");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("taxes.pdf"), "x").unwrap();
        let e = check_output_dir(&root, &other).unwrap_err();
        assert!(e.message.contains("not a previous knead build"), "{e}");
    }

    #[test]
    fn swaps_in_complete_builds_and_recovers() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let write = |files: &[(&str, &str)]| {
            write_with(&out, |staging| {
                files
                    .iter()
                    .try_for_each(|(p, s)| staging.write_file(p, s.as_bytes()))
                    .map_err(|d| vec![d])
            })
            .unwrap()
        };
        write(&[("index.html", "one"), ("a/index.html", "a")]);
        write(&[("index.html", "two")]);
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("a").exists(), "stale pages are gone");
        // An interrupted swap: output moved aside, new one not yet in place.
        std::fs::rename(&out, sibling(&out, "old")).unwrap();
        recover(&out).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
        // A build killed while writing (or after an exchange, before removing the old
        // tree) leaves a staging folder: it is never the output, and it goes next time.
        std::fs::create_dir_all(sibling(&out, "staging").join("half")).unwrap();
        recover(&out).unwrap();
        assert!(!sibling(&out, "staging").exists());
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "two");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn exchanges_folders_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("f"), "a").unwrap();
        std::fs::write(b.join("f"), "b").unwrap();
        if exchange(&a, &b).unwrap() {
            assert_eq!(std::fs::read_to_string(a.join("f")).unwrap(), "b");
            assert_eq!(std::fs::read_to_string(b.join("f")).unwrap(), "a");
        }
        // A missing path is an error, not a silent fallback.
        assert!(exchange(&a, &dir.path().join("missing")).is_err());
    }
}
