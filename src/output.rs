//! Writing the output folder safely: every build is written to a staging folder beside
//! the output, flushed to disk, and swapped in only when complete (atomically on Linux,
//! with `renameat2(RENAME_EXCHANGE)`), so a failed or killed build leaves the previous
//! output complete and as it was. Output folders that would clobber the sources (the site
//! root, content/, or a parent of either) are refused, and so is an existing folder that
//! does not look like a knead build.
//!
//! One process writes an output folder at a time: [`lock`] takes an OS file lock beside
//! it (`.NAME.knead-lock`, removed when let go of; the system releases the lock when the
//! process ends, however it ends), for one build or for as long as `knead watch` or
//! `knead serve` runs. Each process stages into a folder of its own name, and cleans up
//! what killed ones left only while it holds the lock.

use std::fmt;
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::discover::Asset;
use crate::theme::StaticFile;

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

fn sibling_name(out: &Path, suffix: &str) -> String {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    format!(".{name}.knead-{suffix}")
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    out.with_file_name(sibling_name(out, suffix))
}

/// The folder beside the output (where the lock and the staging folders are).
fn beside(out: &Path) -> &Path {
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

// --- one writer per output folder ----------------------------------------------------

/// A knead command that writes an output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// `knead build`: holds the lock for one build.
    Build,
    /// `knead watch`: holds it until stopped.
    Watch,
    /// `knead serve`: holds it until stopped.
    Serve,
}

impl Writer {
    /// The command, as a user types it.
    pub fn command(self) -> &'static str {
        match self {
            Writer::Build => "knead build",
            Writer::Watch => "knead watch",
            Writer::Serve => "knead serve",
        }
    }

    fn parse(s: &str) -> Option<Writer> {
        [Writer::Build, Writer::Watch, Writer::Serve]
            .into_iter()
            .find(|w| w.command() == s)
    }
}

/// The process holding an output folder's lock, as it wrote itself into the lock file;
/// `None`s when the file is empty or partly written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Holder {
    /// Its process id.
    pub pid: Option<u32>,
    /// Its command.
    pub writer: Option<Writer>,
}

impl Holder {
    /// Reads the lock file's text. Only a complete record (it ends with `end`) counts:
    /// a holder may be writing it at this moment.
    fn parse(text: &str) -> Holder {
        let mut holder = Holder::default();
        if !text.ends_with("\nend\n") {
            return holder;
        }
        for line in text.lines() {
            if let Some(pid) = line.strip_prefix("pid ") {
                holder.pid = pid.parse().ok();
            } else if let Some(command) = line.strip_prefix("command ") {
                holder.writer = Writer::parse(command);
            }
        }
        holder
    }
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.writer {
            Some(w) => f.write_str(w.command())?,
            None => f.write_str("another knead process")?,
        }
        match self.pid {
            Some(pid) => write!(f, " (pid {pid})"),
            None => Ok(()),
        }
    }
}

/// True while process `pid` runs (always true where knead cannot tell).
fn alive(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only checks that the process exists; nothing is sent.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        true
    }
}

/// The lock on an output folder: while it is held, no other knead process writes the
/// folder or the names beside it. Released when dropped, or by the system when the
/// process ends in any way (it is an OS file lock on `.NAME.knead-lock`).
#[derive(Debug)]
pub struct Lock {
    file: std::fs::File,
    path: PathBuf,
    out: PathBuf,
}

impl Lock {
    /// The output folder it locks.
    pub fn output(&self) -> &Path {
        &self.out
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // The lock file goes while still locked, so nothing is left beside the output: a
        // process waiting on it then finds the name gone or new and locks that instead
        // (see `lock`). A killed process leaves it; the next holder reuses it.
        if cfg!(unix) && is_current(&self.file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        } else {
            let _ = self.file.set_len(0);
        }
    }
}

/// True unless `path` no longer names the open `file` (the holder removed it when it let
/// go of the lock; a lock on a removed file locks nothing).
fn is_current(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            (_, Err(e)) => e.kind() != std::io::ErrorKind::NotFound,
            (Err(_), Ok(_)) => true,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// The lock file of the output folder `out`.
pub fn lock_path(out: &Path) -> PathBuf {
    sibling(out, "lock")
}

/// Takes the lock of the output folder `out` (as [`check_output_dir`] returned it) for
/// `me`. When another process holds it, `knead build` waits for it if `wait` (after
/// calling `tell` once with a note that says who holds it), or fails at once; `knead
/// watch` and `knead serve` wait only for a `knead build` (which ends by itself) and
/// fail at once when another watch or serve holds the folder. The error names the
/// holder, its pid and the way out.
pub fn lock(out: &Path, me: Writer, wait: bool, tell: &mut dyn FnMut(&str)) -> Result<Lock, Diagnostic> {
    let path = lock_path(out);
    let fail = |e: std::io::Error| {
        let help = match e.kind() {
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                "knead creates and locks this file beside the output folder: check that folder's permissions"
            }
            std::io::ErrorKind::Unsupported => {
                "this file system has no file locks: build into a folder on another one with `--output DIR`"
            }
            _ => "knead creates and locks this file beside the output folder, so that one process writes it at a time",
        };
        Diagnostic::error(
            out,
            format!("cannot lock the output folder with {}: {e}", path.display()),
        )
        .help(help)
    };
    std::fs::create_dir_all(beside(out)).map_err(fail)?;
    let mut told = false;
    'open: loop {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(fail)?;
        let mut tries = 0;
        let holder = loop {
            match file.try_lock() {
                Ok(()) if is_current(&file, &path) => return Ok(claim(file, path, out, me)),
                Ok(()) => continue 'open,
                Err(std::fs::TryLockError::Error(e)) => return Err(fail(e)),
                Err(std::fs::TryLockError::WouldBlock) => {}
            }
            // The holder writes who it is just after it takes the lock: give it a moment.
            let holder = Holder::parse(&std::fs::read_to_string(&path).unwrap_or_default());
            if (holder.writer.is_some() && holder.pid.is_some_and(alive)) || tries == 50 {
                break holder;
            }
            tries += 1;
            std::thread::sleep(Duration::from_millis(10));
        };
        let folder = out.display();
        let what = match holder.writer {
            Some(Writer::Build) => format!("{folder} is being written by {holder}"),
            Some(_) => format!("{folder} is in use by {holder}, which rebuilds it until it is stopped"),
            None => format!("{folder} is in use by {holder}"),
        };
        let waits = wait && (me == Writer::Build || holder.writer == Some(Writer::Build));
        if !waits {
            let help = match me {
                Writer::Build if holder.writer == Some(Writer::Build) => {
                    "run this build when it has finished (without `--no-wait`, `knead build` waits for it), or build into another folder with `--output DIR`"
                }
                Writer::Build => {
                    "stop it first, or build into another folder with `--output DIR`; without `--no-wait`, `knead build` waits until the folder is free"
                }
                Writer::Watch | Writer::Serve => "stop it first, or use another folder with `--output DIR`",
            };
            return Err(Diagnostic::error(out, what).help(help));
        }
        if !told {
            let how = match holder.writer {
                Some(Writer::Watch | Writer::Serve) => {
                    "; waiting until it stops (stop it, or press Ctrl-C here and build into another folder with `--output DIR`)"
                }
                _ => "; waiting for it to finish (Ctrl-C to stop waiting)",
            };
            tell(&format!("{what}{how}"));
            told = true;
        }
        file.lock().map_err(fail)?;
        if is_current(&file, &path) {
            return Ok(claim(file, path, out, me));
        }
    }
}

/// Writes who holds the lock into the lock file (best effort: it is only for messages).
fn claim(file: std::fs::File, path: PathBuf, out: &Path, me: Writer) -> Lock {
    let text = format!(
        "knead output lock\npid {}\ncommand {}\noutput {}\nend\n",
        std::process::id(),
        me.command(),
        out.display()
    );
    let _ = file.set_len(0);
    let _ = (&file).rewind().and_then(|()| (&file).write_all(text.as_bytes()));
    Lock {
        file,
        path,
        out: out.to_path_buf(),
    }
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
    use std::os::fd::AsRawFd;
    let handle = std::fs::File::open(dir)?;
    // SAFETY: `handle` is an open file descriptor for the duration of the call.
    if unsafe { libc::syncfs(handle.as_raw_fd()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
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
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let b = CString::new(b.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: both paths are NUL-terminated strings that outlive the call; the raw
    // syscall avoids depending on the C library's version for the wrapper.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::ENOSYS | libc::EINVAL | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(e),
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
    fn one_writer_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let serving = lock(&out, Writer::Serve, true, &mut quiet).unwrap();
        let text = std::fs::read_to_string(lock_path(&out)).unwrap();
        let me = Holder {
            pid: Some(std::process::id()),
            writer: Some(Writer::Serve),
        };
        assert_eq!(Holder::parse(&text), me);
        // A build that does not wait, and a second server, fail at once, naming the holder.
        let e = lock(&out, Writer::Build, false, &mut quiet).unwrap_err();
        let holder = format!("knead serve (pid {})", std::process::id());
        assert!(e.message.contains(&holder), "{e}");
        assert!(e.help.as_deref().unwrap_or_default().contains("--output"), "{e}");
        let e = lock(&out, Writer::Watch, true, &mut quiet).unwrap_err();
        assert!(e.message.contains(&holder), "{e}");
        // A build that waits says so once, and gets the lock when the server lets go.
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(150));
            drop(serving);
        });
        let mut notes = Vec::new();
        let building = lock(&out, Writer::Build, true, &mut |n| notes.push(n.to_owned())).unwrap();
        release.join().unwrap();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains(&holder) && notes[0].contains("waiting"), "{notes:?}");
        // A server waits for a build, which ends by itself.
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            drop(building);
        });
        let mut notes = Vec::new();
        lock(&out, Writer::Serve, true, &mut |n| notes.push(n.to_owned())).unwrap();
        release.join().unwrap();
        assert!(notes[0].contains("knead build (pid"), "{notes:?}");
    }

    #[test]
    fn partial_lock_files_name_no_holder() {
        let full = "knead output lock\npid 42\ncommand knead serve\noutput /x\nend\n";
        assert_eq!(Holder::parse(full).pid, Some(42));
        for cut in 0..full.len() {
            assert_eq!(Holder::parse(&full[..cut]), Holder::default(), "{cut}");
        }
        assert_eq!(Holder::default().to_string(), "another knead process");
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
