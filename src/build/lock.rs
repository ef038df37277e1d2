//! One writer per output folder: [`lock`] takes an OS file lock beside the folder
//! (`.NAME.knead-lock`, removed when let go of; the system releases the lock when the
//! process ends, however it ends), for one build or for as long as `knead watch` or
//! `knead serve` runs. The lock file names its holder, so a second process can say who
//! it waits for, or why it stops.

use std::fmt;
use std::io::{Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::diagnostics::Diagnostic;

use super::output::{beside, sibling};

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
        let Some(pid) = i32::try_from(pid).ok().and_then(rustix::process::Pid::from_raw) else {
            return false;
        };
        // Signal 0 only checks that the process exists; nothing is sent.
        match rustix::process::test_kill_process(pid) {
            Ok(()) => true,
            Err(e) => e == rustix::io::Errno::PERM,
        }
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

/// Takes the lock of the output folder `out` (as [`super::output::check_output_dir`]
/// returned it) for `me`. When another process holds it, `knead build` waits for it if
/// `wait` (after
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

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet(_: &str) {}

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
}
