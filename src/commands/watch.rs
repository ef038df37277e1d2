//! `knead watch`: build, then rebuild what each edit affects until stopped. The loop
//! blocks on notify's channel until a relevant change arrives, then gathers the rest of
//! the burst until the channel is quiet for [`QUIET`] (or [`GATHER_CAP`] has passed), so
//! an editor's burst of writes (temp file, rename, backup) becomes one rebuild and an
//! idle watch sleeps; editor leftovers and `.git/` are ignored.
//!
//! Every input is watched: site.yaml, content/, templates/, themes/ (the folders
//! themselves too, when removed or renamed), and the files that symlinked sources lead
//! to. So is the output folder: removed or emptied by something else, it is built whole
//! again at once. A rebuild that fails while the files are still changing is an edit in
//! flight, built again rather than reported (see [`run`]).
//!
//! Each rebuild runs on threads of its own, so that one whose template never finishes
//! can be abandoned (see [`crate::render::limits`]): that rebuild fails with a located
//! error, the previous output stays, and the next edit builds afresh.

use std::collections::{HashMap, HashSet};
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
/// How long a failed rebuild waits for more changes before it is reported: an editor's
/// safe save (write a temporary file, move the file aside, move the temporary file in)
/// can be caught half-way, and the rest of it follows within milliseconds.
const SETTLE: Duration = Duration::from_millis(60);
/// Failed rebuilds in a row that more changes may supersede; the next one is reported
/// whatever follows, so a steady stream of edits cannot hide errors for long.
const MAX_SILENT: u32 = 8;
/// The folders of the site that are watched (recursively).
const FOLDERS: [&str; 3] = ["content", "templates", "themes"];

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
///
/// A rebuild that fails while the files are still changing (more changes arrive within
/// [`SETTLE`], or a file it found is gone) is an edit in flight: it is not reported, and
/// the site is built again with the new changes (at most [`MAX_SILENT`] times in a row).
pub fn run(inc: Incremental, mut report: impl FnMut(&Incremental, Event<'_>)) -> Result<(), Diagnostics> {
    let (root, out) = (inc.root().to_path_buf(), inc.output().to_path_buf());
    let mut builder = Builder::new(inc)?;
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    // Watched first, then built: an edit made during the first build is not lost.
    let mut watching = Watching::new(tx, root, out)?;
    let mut changed: Vec<PathBuf> = Vec::new();
    let (mut first, mut silent) = (true, 0);
    loop {
        changed.sort();
        changed.dedup();
        let result = builder.rebuild(&changed)?;
        let inc = builder.state()?;
        watching.follow_links(inc);
        watching.rewatch_output();
        if result.is_err() && silent < MAX_SILENT {
            let vanished = inc.vanished();
            let before = changed.len();
            if !gather(&rx, &mut watching, &builder, Some(SETTLE), &mut changed) {
                return Ok(());
            }
            if changed.len() > before || !vanished.is_empty() {
                changed.extend(vanished);
                silent += 1;
                continue;
            }
        }
        silent = 0;
        let inc = builder.state()?;
        // The first build is reported as such, even when it took in edits in flight.
        let shown: &[PathBuf] = if first { &[] } else { &changed };
        match &result {
            Ok(outcome) => report(
                inc,
                Event::Built {
                    changed: shown,
                    outcome,
                },
            ),
            Err(problems) => report(
                inc,
                Event::Failed {
                    changed: shown,
                    problems,
                },
            ),
        }
        first = false;
        changed.clear();
        // Blocks (no timeout) until the first relevant change: an idle watch never wakes.
        if !gather(&rx, &mut watching, &builder, None, &mut changed) {
            return Ok(());
        }
    }
}

/// Waits for a relevant change (at most `wait`, or for as long as it takes), then
/// gathers the rest of its burst until the channel is quiet for [`QUIET`] (or
/// [`GATHER_CAP`] has passed), adding the paths to `changed`. False once the watcher is
/// gone.
fn gather(
    rx: &Receiver<notify::Result<notify::Event>>,
    watching: &mut Watching,
    builder: &Builder,
    wait: Option<Duration>,
    changed: &mut Vec<PathBuf>,
) -> bool {
    let before = changed.len();
    let deadline = wait.map(|w| Instant::now() + w);
    while changed.len() == before {
        let result = match deadline {
            None => match rx.recv() {
                Ok(r) => r,
                Err(_) => return false,
            },
            Some(d) => match rx.recv_timeout(d.saturating_duration_since(Instant::now())) {
                Ok(r) => r,
                Err(mpsc::RecvTimeoutError::Timeout) => return true,
                Err(mpsc::RecvTimeoutError::Disconnected) => return false,
            },
        };
        watching.take(result, builder, changed);
    }
    let start = Instant::now();
    while let Some(left) = GATHER_CAP.checked_sub(start.elapsed()) {
        match rx.recv_timeout(QUIET.min(left)) {
            Ok(result) => watching.take(result, builder, changed),
            Err(_) => break,
        }
    }
    true
}

/// The watcher, and what it watches besides the site's folders: the output folder (so
/// that its removal or emptying is noticed at once) and the folders of the files that
/// symlinked sources lead to.
struct Watching {
    watcher: RecommendedWatcher,
    root: PathBuf,
    out: PathBuf,
    /// Each file a symlinked source leads to, with the symlinks that lead there.
    targets: HashMap<PathBuf, Vec<PathBuf>>,
    /// Folders of such files outside the watched folders, watched on their own.
    extra: HashSet<PathBuf>,
}

fn cannot_watch(root: &Path, e: notify::Error) -> Diagnostics {
    Diagnostics::from(vec![Diagnostic::error(root, format!("cannot watch the site: {e}"))])
}

impl Watching {
    fn new(tx: Sender<notify::Result<notify::Event>>, root: PathBuf, out: PathBuf) -> Result<Watching, Diagnostics> {
        let mut watcher = RecommendedWatcher::new(tx, notify::Config::default()).map_err(|e| cannot_watch(&root, e))?;
        // The site folder itself (for site.yaml, new folders, and the output folder when
        // it is there), then each watched folder.
        watcher
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| cannot_watch(&root, e))?;
        for f in FOLDERS {
            let p = root.join(f);
            if p.is_dir() {
                watcher
                    .watch(&p, RecursiveMode::Recursive)
                    .map_err(|e| cannot_watch(&root, e))?;
            }
        }
        let mut watching = Watching {
            watcher,
            root,
            out,
            targets: HashMap::new(),
            extra: HashSet::new(),
        };
        watching.rewatch_output();
        Ok(watching)
    }

    /// Watches the output folder (not recursively), so that removing or emptying it is
    /// seen wherever it is. A full build swaps a new folder in (the watch stays with the
    /// old one): called after every rebuild, and on every event of the output's name.
    fn rewatch_output(&mut self) {
        let _ = self.watcher.unwatch(&self.out);
        if self.out.is_dir() {
            let _ = self.watcher.watch(&self.out, RecursiveMode::NonRecursive);
        }
    }

    /// True for folders whose files the watcher sees already.
    fn covers(&self, dir: &Path) -> bool {
        dir == self.root || FOLDERS.iter().any(|f| dir.starts_with(self.root.join(f)))
    }

    /// Takes in the symlinks the last rebuild read: a change to the file one leads to is
    /// a change to the link, wherever in the site that file is.
    fn follow_links(&mut self, inc: &Incremental) {
        let mut targets: HashMap<PathBuf, Vec<PathBuf>> = HashMap::new();
        for link in inc.links() {
            targets.entry(link.target.clone()).or_default().push(link.path.clone());
        }
        let wanted: HashSet<PathBuf> = targets
            .keys()
            .filter_map(|t| t.parent())
            .filter(|d| !self.covers(d))
            .map(Path::to_path_buf)
            .collect();
        for gone in self.extra.difference(&wanted) {
            let _ = self.watcher.unwatch(gone);
        }
        for new in wanted.difference(&self.extra) {
            let _ = self.watcher.watch(new, RecursiveMode::NonRecursive);
        }
        self.extra = wanted;
        self.targets = targets;
    }

    /// Adds the relevant paths that one watcher event may have changed to `changed` (the
    /// caller sorts and deduplicates them): a source, the link to a changed target, or
    /// the output folder once something else removed or emptied it. Watches a watched
    /// folder created (or moved back) after the start.
    fn take(&mut self, result: notify::Result<notify::Event>, builder: &Builder, changed: &mut Vec<PathBuf>) {
        let Ok(event) = result else { return };
        if !mutates(&event.kind) {
            return;
        }
        for path in event.paths {
            if path == self.out || path.parent() == Some(self.out.as_path()) {
                if path == self.out {
                    self.rewatch_output();
                }
                // Removed, or emptied to the last file: not half-way through a removal,
                // which a rebuild would race with. Less is seen before the next rebuild.
                let empty = std::fs::read_dir(&self.out).map_or(true, |mut d| d.next().is_none());
                if empty && !builder.output_intact() {
                    changed.push(self.out.clone());
                }
                continue;
            }
            if let Some(name) = path.strip_prefix(&self.root).ok().and_then(|r| r.to_str())
                && FOLDERS.contains(&name)
                && path.is_dir()
            {
                let _ = self.watcher.unwatch(&path);
                let _ = self.watcher.watch(&path, RecursiveMode::Recursive);
            }
            if let Some(links) = self.targets.get(&path) {
                changed.extend(links.iter().cloned());
            }
            if builder.is_relevant(&path) {
                changed.push(path);
            }
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

    /// [`Incremental::output_intact`] of the last rebuild's state.
    fn output_intact(&self) -> bool {
        self.inc.as_ref().is_none_or(Incremental::output_intact)
    }

    /// The state of the last rebuild.
    fn state(&self) -> Result<&Incremental, Diagnostics> {
        self.inc
            .as_ref()
            .ok_or_else(|| fatal("lost the rebuild's state".into()))
    }

    /// Rebuilds after `changed`. Returns the rebuild's outcome (the state is then at
    /// [`Builder::state`]); the outer error only when watching cannot go on.
    fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Result<Outcome, Diagnostics>, Diagnostics> {
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
                Message::Done(b, inc, result) if b == build => {
                    self.inc = Some(*inc);
                    return Ok(result);
                }
                Message::Panicked(b, panic) if b == build => std::panic::resume_unwind(panic),
                Message::Stuck(s) if s.build == build => {
                    // Its threads stay behind (the stuck one renders on, the others wait
                    // for good): the next rebuild starts from scratch, on new threads.
                    limits::abandon(build);
                    self.build += 1;
                    self.pool = new_pool(self.build)?;
                    self.inc = Some(Incremental::with_lock(self.opts.clone(), Arc::clone(&self.lock)));
                    return Ok(Err(Diagnostics::from(vec![s.diagnostic()])));
                }
                // From a rebuild abandoned before.
                Message::Done(..) | Message::Panicked(..) | Message::Stuck(_) => {}
            }
        }
    }
}
