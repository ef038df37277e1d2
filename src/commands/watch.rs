//! `knead watch`: build, then rebuild what each edit affects until stopped. The loop
//! blocks on notify's channel until a relevant change arrives, then gathers the rest of
//! the burst until the channel is quiet for [`QUIET`] (or [`GATHER_CAP`] has passed), so
//! an editor's burst of writes (temp file, rename, backup) becomes one rebuild and an
//! idle watch sleeps; editor leftovers, `.git/` and the output folder are ignored. Each
//! rebuild runs on threads of its own, so that one whose template never finishes can be
//! abandoned (see [`crate::render::limits`]): that rebuild fails with a located error,
//! the previous output stays, and the next edit builds afresh.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::build::incremental::{Incremental, Outcome};
use crate::build::lock::Lock;
use crate::build::pipeline::Options;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::limits;

/// What a rebuild produced, for the terminal and the browser.
#[derive(Debug)]
pub enum Event<'a> {
    /// A successful (re)build, after `changed` (empty for the first build).
    Built {
        /// The files whose edits the rebuild took in, sorted (empty for the first build).
        changed: &'a [PathBuf],
        /// What the (re)build did: pages rendered, files written and removed, warnings, time.
        outcome: &'a Outcome,
    },
    /// A failed (re)build: the previous output was kept.
    Failed {
        /// The files whose edits the rebuild took in, sorted (empty for the first build).
        changed: &'a [PathBuf],
        /// The problems that failed it.
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

/// How long the channel must stay quiet after a relevant change before rebuilding.
const QUIET: Duration = Duration::from_millis(5);
/// The longest a burst is gathered, so that a steady stream of changes still rebuilds.
const GATHER_CAP: Duration = Duration::from_millis(100);

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
pub fn run(inc: Incremental, mut report: impl FnMut(&Incremental, Event<'_>)) -> Result<(), Diagnostics> {
    let root = inc.root().to_path_buf();
    let mut builder = Builder::new(inc)?;
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let fail =
        |e: notify::Error| Diagnostics::from(vec![Diagnostic::error(&root, format!("cannot watch the site: {e}"))]);
    let mut watcher = RecommendedWatcher::new(tx, notify::Config::default()).map_err(fail)?;
    // The site folder itself (for site.yaml and new folders), then each watched folder.
    watcher.watch(&root, RecursiveMode::NonRecursive).map_err(fail)?;
    let folders = ["content", "templates", "themes"];
    for f in folders {
        let p = root.join(f);
        if p.is_dir() {
            watcher.watch(&p, RecursiveMode::Recursive).map_err(fail)?;
        }
    }
    // Watched first, then built: an edit made during the first build is not lost.
    let (inc, result) = builder.rebuild(&[])?;
    match result {
        Ok(outcome) => report(
            inc,
            Event::Built {
                changed: &[],
                outcome: &outcome,
            },
        ),
        Err(problems) => report(
            inc,
            Event::Failed {
                changed: &[],
                problems: &problems,
            },
        ),
    }
    let mut changed: Vec<PathBuf> = Vec::new();
    // Blocks (no timeout) until the first relevant change: an idle watch never wakes.
    while let Ok(result) = rx.recv() {
        take(result, &root, &folders, &mut watcher, &builder, &mut changed);
        if changed.is_empty() {
            continue;
        }
        let start = Instant::now();
        while let Some(left) = GATHER_CAP.checked_sub(start.elapsed()) {
            match rx.recv_timeout(QUIET.min(left)) {
                Ok(result) => take(result, &root, &folders, &mut watcher, &builder, &mut changed),
                Err(_) => break,
            }
        }
        changed.sort();
        changed.dedup();
        let (inc, result) = builder.rebuild(&changed)?;
        match result {
            Ok(outcome) => report(
                inc,
                Event::Built {
                    changed: &changed,
                    outcome: &outcome,
                },
            ),
            Err(problems) => report(
                inc,
                Event::Failed {
                    changed: &changed,
                    problems: &problems,
                },
            ),
        }
        changed.clear();
    }
    Ok(())
}

/// Adds the relevant paths that one watcher event may have changed to `changed` (the
/// caller sorts and deduplicates them), and watches a watched folder created after the
/// start.
fn take(
    result: notify::Result<notify::Event>,
    root: &Path,
    folders: &[&str],
    watcher: &mut RecommendedWatcher,
    builder: &Builder,
    changed: &mut Vec<PathBuf>,
) {
    let Ok(event) = result else { return };
    if !mutates(&event.kind) {
        return;
    }
    for path in event.paths {
        // A watched folder created after the start: watch it from now on.
        if let Some(name) = path.strip_prefix(root).ok().and_then(|r| r.to_str())
            && folders.contains(&name)
            && path.is_dir()
        {
            let _ = watcher.watch(&path, RecursiveMode::Recursive);
        }
        if builder.is_relevant(&path) {
            changed.push(path);
        }
    }
}

/// What the threads of a rebuild and the render watchdog tell the watch loop.
enum Message {
    /// Rebuild `build` ended; here is its state back.
    Done(u64, Box<Incremental>, Result<Outcome, Diagnostics>),
    /// Rebuild `build` panicked (a bug): the panic goes on in the watch loop.
    Panicked(u64, Box<dyn std::any::Any + Send>),
    /// A page of a rebuild has been rendering past its time limit.
    Stuck(limits::Stuck),
}

/// Runs each rebuild on a thread and a thread pool of its own, numbered by build (the
/// render watchdog tells the builds' renders apart by it), and abandons a rebuild whose
/// page never finishes rendering.
struct Builder {
    /// The state of the last rebuild; `None` only while a rebuild runs.
    inc: Option<Incremental>,
    /// What to build, for a fresh start after an abandoned rebuild.
    opts: Options,
    /// The output folder's lock, which the fresh start holds on to.
    lock: Arc<Lock>,
    build: u64,
    pool: Arc<rayon::ThreadPool>,
    tx: Sender<Message>,
    rx: Receiver<Message>,
}

fn fatal(message: String) -> Diagnostics {
    Diagnostics::from(vec![Diagnostic::error("", message)])
}

fn new_pool(build: u64) -> Result<Arc<rayon::ThreadPool>, Diagnostics> {
    rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("knead-build-{i}"))
        .start_handler(move |_| limits::tag_thread(build))
        .build()
        .map(Arc::new)
        .map_err(|e| fatal(format!("cannot start the build threads: {e}")))
}

impl Builder {
    fn new(inc: Incremental) -> Result<Builder, Diagnostics> {
        let (tx, rx) = mpsc::channel();
        let stuck = tx.clone();
        limits::on_stuck(move |s| {
            let _ = stuck.send(Message::Stuck(s));
        });
        Ok(Builder {
            opts: inc.options().clone(),
            lock: Arc::clone(inc.lock()),
            inc: Some(inc),
            build: 1,
            pool: new_pool(1)?,
            tx,
            rx,
        })
    }

    /// [`Incremental::is_relevant`] of the last rebuild's state.
    fn is_relevant(&self, path: &Path) -> bool {
        self.inc.as_ref().is_some_and(|inc| inc.is_relevant(path))
    }

    /// Rebuilds after `changed`. Returns the state to report with and the rebuild's
    /// outcome; the outer error only when watching cannot go on.
    fn rebuild(&mut self, changed: &[PathBuf]) -> Result<(&Incremental, Result<Outcome, Diagnostics>), Diagnostics> {
        let mut inc = self
            .inc
            .take()
            .ok_or_else(|| fatal("a rebuild is running already".into()))?;
        let (build, pool, tx, changed) = (self.build, Arc::clone(&self.pool), self.tx.clone(), changed.to_vec());
        std::thread::Builder::new()
            .name("knead-rebuild".into())
            .spawn(move || {
                let result =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pool.install(|| inc.rebuild(&changed))));
                let _ = tx.send(match result {
                    Ok(result) => Message::Done(build, Box::new(inc), result),
                    Err(panic) => Message::Panicked(build, panic),
                });
            })
            .map_err(|e| fatal(format!("cannot start a rebuild: {e}")))?;
        loop {
            // `self.tx` is kept, so the channel stays open.
            let message = self.rx.recv().map_err(|e| fatal(format!("lost the rebuild: {e}")))?;
            match message {
                Message::Done(b, inc, result) if b == build => return Ok((self.inc.insert(*inc), result)),
                Message::Panicked(b, panic) if b == build => std::panic::resume_unwind(panic),
                Message::Stuck(s) if s.build == build => {
                    // Its threads stay behind (the stuck one renders on, the others wait
                    // for good): the next rebuild starts from scratch, on new threads.
                    limits::abandon(build);
                    self.build += 1;
                    self.pool = new_pool(self.build)?;
                    let fresh = Incremental::with_lock(self.opts.clone(), Arc::clone(&self.lock));
                    let inc = self.inc.insert(fresh);
                    return Ok((inc, Err(Diagnostics::from(vec![s.diagnostic()]))));
                }
                // From a rebuild abandoned before.
                Message::Done(..) | Message::Panicked(..) | Message::Stuck(_) => {}
            }
        }
    }
}
