//! Writing the output folder safely: every build is written to a staging folder beside
//! the output, flushed to disk, and swapped in only when complete (atomically on Linux,
//! with `renameat2(RENAME_EXCHANGE)`), so a failed or killed build leaves the previous
//! output complete and as it was. Output folders that would clobber the sources (the site
//! root, content/, or a parent of either) are refused, and so is an existing folder that
//! does not look like a knead build.
//!
//! One process writes an output folder at a time, under its [`Lock`]. Each process
//! stages into a folder of its own name, and cleans up what killed ones left only while
//! it holds the lock.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::build::lock::Lock;
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
            // Not the generic help: this may well be the default folder itself.
            return Err(Diagnostic::error(
                output,
                format!(
                    "{} already holds files and is not a previous knead build (it has no index.html): knead will not replace it",
                    out.display()
                ),
            )
            .help(
                "if knead wrote this folder and something removed part of it, delete the folder and build again; \
                 otherwise move its files elsewhere, or build into another folder with --output DIR",
            ));
        }
    }
    Ok(out)
}

/// What an output folder looked like when a build last wrote it: the folder itself and
/// the names at its top. Watch mode writes only what changed, so it must notice when
/// something else removed, emptied or replaced the folder, and then build it whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The folder's device and inode, where the system has them.
    id: Option<(u64, u64)>,
    /// The names at its top, sorted.
    names: Vec<std::ffi::OsString>,
}

impl Mark {
    /// The folder `out` as it is now; `None` when it is not a readable folder.
    pub fn of(out: &Path) -> Option<Mark> {
        let meta = std::fs::metadata(out).ok().filter(|m| m.is_dir())?;
        #[cfg(unix)]
        let id = {
            use std::os::unix::fs::MetadataExt;
            Some((meta.dev(), meta.ino()))
        };
        #[cfg(not(unix))]
        let id = {
            let _ = meta;
            None
        };
        let mut names: Vec<_> = std::fs::read_dir(out).ok()?.flatten().map(|e| e.file_name()).collect();
        names.sort_unstable();
        Some(Mark { id, names })
    }

    /// True while `out` is the folder marked and still holds every name at its top.
    pub fn holds(&self, out: &Path) -> bool {
        Mark::of(out)
            .is_some_and(|now| now.id == self.id && self.names.iter().all(|n| now.names.binary_search(n).is_ok()))
    }
}

fn sibling_name(out: &Path, suffix: &str) -> String {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    format!(".{name}.knead-{suffix}")
}

pub(super) fn sibling(out: &Path, suffix: &str) -> PathBuf {
    out.with_file_name(sibling_name(out, suffix))
}

/// The folder beside the output (where the lock and the staging folders are).
pub(super) fn beside(out: &Path) -> &Path {
    out.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A staging folder of this process alone, `.NAME.knead-staging-PID-NONCE`: two
/// processes never write into one staging folder, even if one of them holds no lock.
fn staging_path(out: &Path) -> PathBuf {
    use std::hash::BuildHasher;
    let pid = std::process::id();
    let nonce = std::collections::hash_map::RandomState::new().hash_one((pid, std::time::SystemTime::now()));
    sibling(out, &format!("staging-{pid}-{:08x}", nonce as u32))
}

/// True for the name of a staging folder of `out`: `.NAME.knead-staging-PID-NONCE`, or
/// `.NAME.knead-staging` (one name for every process, as knead once had).
fn is_staging(out: &Path, name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    let Some(rest) = name.strip_prefix(&sibling_name(out, "staging")) else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    let number = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    match rest.strip_prefix('-').and_then(|r| r.split_once('-')) {
        Some((pid, nonce)) => number(pid, 10) && number(nonce, 16),
        None => false,
    }
}

/// Puts back an output folder that an interrupted swap left aside (where folders cannot
/// be exchanged atomically), and removes leftovers: a staging folder holds either a
/// partial build or, after an exchange, the previous build. Only touches knead's own
/// `.NAME.knead-*` folders beside the output. Holding the lock makes this safe: every
/// other staging folder of this output was left by a process that has ended.
fn recover(lock: &Lock) -> std::io::Result<()> {
    let out = lock.output();
    let old = sibling(out, "old");
    if !out.exists() && old.is_dir() {
        std::fs::rename(&old, out)?;
    }
    if old.is_dir() {
        std::fs::remove_dir_all(&old)?;
    }
    for entry in std::fs::read_dir(beside(out))? {
        let entry = entry?;
        if is_staging(out, &entry.file_name()) && entry.file_type()?.is_dir() {
            match std::fs::remove_dir_all(entry.path()) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    Ok(())
}

/// The highest folder of `path` (or `path` itself) that no longer exists: what was
/// removed or moved away.
fn vanished(path: &Path) -> &Path {
    path.ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && std::fs::symlink_metadata(a).is_err())
        .last()
        .unwrap_or(path)
}

/// A failed file operation, said as what it is: a file or folder that something else
/// removed, a permission, a full disk, or else the system's own words.
fn io_problem(out: &Path, what: &str, path: &Path, e: &std::io::Error) -> Diagnostic {
    use std::io::ErrorKind;
    let kept = "the previous output was left as it was";
    let (message, help) = match e.kind() {
        ErrorKind::NotFound => (
            format!(
                "cannot {what} {}: {e}; {} vanished while knead was writing",
                path.display(),
                vanished(path).display()
            ),
            "something else removed or moved it during the build; build again once nothing else changes these folders"
                .to_owned(),
        ),
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => (
            format!("cannot {what} {}: {e}", path.display()),
            format!("check the folder's permissions; {kept}"),
        ),
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => (
            format!("cannot {what} {}: {e}", path.display()),
            format!("free some disk space; {kept}"),
        ),
        _ => (format!("cannot {what} {}: {e}", path.display()), kept.to_owned()),
    };
    Diagnostic::error(out, message).help(help)
}

/// The folder a build writes into before it is swapped in as the output.
pub struct Staging {
    root: PathBuf,
    out: PathBuf,
}

impl Staging {
    fn fail(&self, what: &str, path: &Path, e: std::io::Error) -> Diagnostic {
        io_problem(&self.out, what, path, &e)
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
        // Small: pages come in large pieces (see `render::limits`), which skip the buffer.
        let mut out = std::io::BufWriter::with_capacity(8 * 1024, file);
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
            let bytes = crate::render::statics::published(s).map_err(|e| self.fail("read", &s.source(), e))?;
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

/// Builds the output in a staging folder with `fill`, then swaps it in for the output
/// folder of `lock`. When `fill` fails, the staging folder is removed and the output is
/// left as it was.
pub fn write_with<T>(
    lock: &Lock,
    fill: impl FnOnce(&Staging) -> Result<T, Vec<Diagnostic>>,
) -> Result<T, Vec<Diagnostic>> {
    let out = lock.output();
    let fail = |what: &str, path: &Path, e: std::io::Error| vec![io_problem(out, what, path, &e)];
    recover(lock).map_err(|e| fail("clean up beside", out, e))?;
    let staging = Staging {
        root: staging_path(out),
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
    swap_in(&staging, out).map_err(|e| {
        if std::fs::symlink_metadata(&staging).is_err() {
            fail("move the new site into place from", &staging, e)
        } else {
            fail("move the new site into place at", out, e)
        }
    })?;
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

/// Removes the folders above a removed file that are now empty, up to the output root.
pub(crate) fn prune_empty_dirs(out: &Path, removed: &Path) {
    let mut dir = removed.parent();
    while let Some(d) = dir {
        if d == out || !d.starts_with(out) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::lock::{Writer, lock, lock_path};

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
        assert!(
            !e.help.as_deref().unwrap_or_default().contains("such as `public`"),
            "the default is not offered as the way out: it may be this very folder: {e}"
        );
    }

    #[test]
    fn marks_tell_a_removed_emptied_or_replaced_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        assert_eq!(Mark::of(&out), None);
        std::fs::create_dir_all(out.join("articles")).unwrap();
        std::fs::write(out.join("index.html"), "x").unwrap();
        let mark = Mark::of(&out).unwrap();
        assert!(mark.holds(&out));
        std::fs::write(out.join("new.html"), "x").unwrap();
        assert!(mark.holds(&out), "names added by a build are fine");
        std::fs::remove_dir_all(out.join("articles")).unwrap();
        assert!(!mark.holds(&out), "emptied");
        let mark = Mark::of(&out).unwrap();
        // Made while the marked folder exists, so it cannot reuse its inode.
        let other = dir.path().join("other");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("index.html"), "x").unwrap();
        std::fs::write(other.join("new.html"), "x").unwrap();
        std::fs::remove_dir_all(&out).unwrap();
        assert!(!mark.holds(&out), "removed");
        std::fs::rename(&other, &out).unwrap();
        #[cfg(unix)]
        assert!(!mark.holds(&out), "replaced by another folder of the same names");
    }

    fn quiet(_: &str) {}

    #[test]
    fn swaps_in_complete_builds_and_recovers() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let lock = lock(&out, Writer::Build, false, &mut quiet).unwrap();
        let write = |files: &[(&str, &str)]| {
            write_with(&lock, |staging| {
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
        let names = || {
            let mut v: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        assert_eq!(names(), [".public.knead-lock", "public"]);
        // An interrupted swap: output moved aside, new one not yet in place.
        std::fs::rename(&out, sibling(&out, "old")).unwrap();
        recover(&lock).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert_eq!(names(), [".public.knead-lock", "public"]);
        // Builds killed while writing (or after an exchange, before removing the old
        // tree) leave staging folders, of any process and of older knead versions: they
        // are never the output, and they go next time. Other names stay.
        for leftover in ["staging", "staging-12-00ff", "staging-4294967295-deadbeef"] {
            std::fs::create_dir_all(sibling(&out, leftover).join("half")).unwrap();
        }
        for other in [
            ".public.knead-staging-x",
            ".public.knead-staging-1-2-3",
            ".other.knead-staging-1-a",
        ] {
            std::fs::create_dir_all(dir.path().join(other)).unwrap();
        }
        recover(&lock).unwrap();
        assert_eq!(
            names(),
            [
                ".other.knead-staging-1-a",
                ".public.knead-lock",
                ".public.knead-staging-1-2-3",
                ".public.knead-staging-x",
                "public"
            ]
        );
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "two");
        drop(lock);
        assert!(!lock_path(&out).exists(), "the lock file goes with the lock");
    }

    #[test]
    fn staging_names_are_per_process_and_recognised() {
        let out = Path::new("/site/public");
        let (a, b) = (staging_path(out), staging_path(out));
        assert_ne!(a, b, "two staging folders never share a name");
        let name = a.file_name().unwrap();
        assert!(
            name.to_string_lossy()
                .starts_with(&format!(".public.knead-staging-{}-", std::process::id())),
            "{name:?}"
        );
        assert!(is_staging(out, name));
        assert!(!is_staging(Path::new("/site/pub"), name));
        assert!(!is_staging(out, std::ffi::OsStr::new(".public.knead-lock")));
    }

    #[test]
    fn missing_folders_are_named_not_blamed_on_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("staging");
        let e = std::io::Error::from(std::io::ErrorKind::NotFound);
        let d = io_problem(dir.path(), "write", &gone.join("a/index.html"), &e);
        assert!(d.message.contains(&format!("{} vanished", gone.display())), "{d}");
        assert!(!d.help.as_deref().unwrap_or_default().contains("permission"), "{d}");
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
