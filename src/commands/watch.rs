//! `knead watch`: build, then rebuild what each edit affects until stopped. File events
//! come from notify through a debouncer, so an editor's burst of writes (temp file,
//! rename, backup) becomes one rebuild; editor leftovers, `.git/` and the output folder
//! are ignored.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::build::incremental::{Incremental, Outcome};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// What a rebuild produced, for the terminal and the browser.
#[derive(Debug)]
pub enum Event<'a> {
    /// A successful (re)build, after `changed` (empty for the first build).
    Built {
        changed: &'a [PathBuf],
        outcome: &'a Outcome,
    },
    /// A failed (re)build: the previous output was kept.
    Failed {
        changed: &'a [PathBuf],
        problems: &'a Diagnostics,
    },
}

/// The one-line summary of a rebuild: what changed, how many files, how long.
pub fn summary(root: &Path, changed: &[PathBuf], outcome: &Outcome) -> String {
    let what = describe(root, changed);
    let ms = outcome.elapsed.as_secs_f64() * 1000.0;
    let removed = if outcome.removed > 0 {
        format!(", removed {}", outcome.removed)
    } else {
        String::new()
    };
    let warnings = match outcome.warnings.warning_count() {
        0 => String::new(),
        1 => " (1 warning)".into(),
        n => format!(" ({n} warnings)"),
    };
    format!(
        "{what}: rendered {} of {} pages, wrote {} files{removed} in {ms:.0} ms{warnings}",
        outcome.rendered, outcome.pages, outcome.written
    )
}

fn describe(root: &Path, changed: &[PathBuf]) -> String {
    match changed {
        [] => "built".to_owned(),
        [one] => format!("{} changed", one.strip_prefix(root).unwrap_or(one).display()),
        [one, rest @ ..] => format!(
            "{} and {} more changed",
            one.strip_prefix(root).unwrap_or(one).display(),
            rest.len()
        ),
    }
}

/// True for events that may change a file's content or name (not mere reads, which
/// the build itself causes).
fn mutates(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// Builds, then watches `inc`'s site and rebuilds after every relevant change, calling
/// `report` after each build. Returns only when the watcher fails.
pub fn run(mut inc: Incremental, mut report: impl FnMut(&Incremental, Event<'_>)) -> Result<(), Diagnostics> {
    let root = inc.root().to_path_buf();
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let fail =
        |e: notify::Error| Diagnostics::from(vec![Diagnostic::error(&root, format!("cannot watch the site: {e}"))]);
    let mut debouncer = new_debouncer(Duration::from_millis(5), Some(Duration::from_millis(1)), tx).map_err(fail)?;
    // The site folder itself (for site.yaml and new folders), then each watched folder.
    debouncer.watch(&root, RecursiveMode::NonRecursive).map_err(fail)?;
    let folders = ["content", "templates", "themes"];
    for f in folders {
        let p = root.join(f);
        if p.is_dir() {
            debouncer.watch(&p, RecursiveMode::Recursive).map_err(fail)?;
        }
    }
    // Watched first, then built: an edit made during the first build is not lost.
    match inc.rebuild(&[]) {
        Ok(outcome) => report(
            &inc,
            Event::Built {
                changed: &[],
                outcome: &outcome,
            },
        ),
        Err(problems) => report(
            &inc,
            Event::Failed {
                changed: &[],
                problems: &problems,
            },
        ),
    }
    for result in rx {
        let Ok(events) = result else { continue };
        let mut changed: Vec<PathBuf> = Vec::new();
        for event in events.iter().filter(|e| mutates(&e.kind)) {
            for path in &event.paths {
                // A watched folder created after the start: watch it from now on.
                if let Some(name) = path.strip_prefix(&root).ok().and_then(|r| r.to_str())
                    && folders.contains(&name)
                    && path.is_dir()
                {
                    let _ = debouncer.watch(path, RecursiveMode::Recursive);
                }
                if inc.is_relevant(path) && !changed.contains(path) {
                    changed.push(path.clone());
                }
            }
        }
        if changed.is_empty() {
            continue;
        }
        changed.sort();
        match inc.rebuild(&changed) {
            Ok(outcome) => report(
                &inc,
                Event::Built {
                    changed: &changed,
                    outcome: &outcome,
                },
            ),
            Err(problems) => report(
                &inc,
                Event::Failed {
                    changed: &changed,
                    problems: &problems,
                },
            ),
        }
    }
    Ok(())
}
