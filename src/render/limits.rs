//! Bounds on rendering one page with the theme's templates, so that no template can hang
//! a build or fill the memory. Tera 2 already refuses a `range` of more than 100,000
//! items, recursion of components past 20 levels, and include cycles; but loops nested in
//! loops, or components that call themselves several times, can still run for hours.
//!
//! - A page whose output passes [`MAX_PAGE_BYTES`], or that is still writing output after
//!   the time limit, stops with a template error (the build fails, exit 1).
//! - A page that runs past the limit without writing anything (nested empty loops) cannot
//!   be interrupted: Tera calls nothing of knead's meanwhile. A watchdog notices it. By
//!   default it prints which page and template it is and ends the process with exit
//!   code 1; the output folder is untouched (pages go to the staging folder). A process
//!   that must live on (`knead watch` and `knead serve`) asks instead, with [`on_stuck`],
//!   to be told of the page; it then [`abandon`]s the build the page belongs to, whose
//!   renders never return from then on, so that build can never write again.
//!
//! - A loop of loops over `range` (the usual runaway) writes nothing, but calls `range`
//!   again for each inner loop: knead's [`range`] ends the render there, with an error at
//!   the loop, once the page is past its time limit, so no thread is left spinning.
//!
//! The time limit is 30 s per page, or `KNEAD_RENDER_TIMEOUT` seconds.

use std::cell::Cell;
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError, Weak};
use std::time::{Duration, Instant};

use tera::{Context, Tera};

use super::bounded::Bounded;
use crate::diagnostics::Diagnostic;

/// The largest page a template may produce.
pub const MAX_PAGE_BYTES: usize = 256 << 20;

/// How long one page may take to render.
pub fn time_limit() -> Duration {
    static LIMIT: OnceLock<Duration> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        let secs = std::env::var("KNEAD_RENDER_TIMEOUT")
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .unwrap_or(30.0);
        Duration::from_secs_f64(secs)
    })
}

/// A page that has been rendering past its time limit without finishing.
#[derive(Debug, Clone)]
pub struct Stuck {
    /// The build it belongs to (see [`tag_thread`]).
    pub build: u64,
    /// The output file being rendered.
    pub page: String,
    /// The template rendering it.
    pub template: String,
    /// The template's file, as shown in messages.
    pub file: PathBuf,
    /// How long it has been rendering.
    pub took: Duration,
}

impl Stuck {
    /// The error of the rebuild this page belonged to, which was abandoned.
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic::error(
            &self.file,
            format!(
                "the template `{}` has been rendering {} for {:.0} s without finishing, so this rebuild was abandoned",
                self.template,
                self.page,
                self.took.as_secs_f64()
            ),
        )
        .help(format!(
            "look for loops that never end or grow too fast (`for` inside `for`, a component that calls itself) in `{}` and the templates it uses; \
             the output folder was left as it was, and the next edit rebuilds the whole site; \
             the abandoned render keeps a CPU busy until it ends or knead is restarted",
            self.template
        ))
    }
}

thread_local! {
    /// The build of the renders made on this thread.
    static BUILD: Cell<u64> = const { Cell::new(0) };
    /// The page being rendered on this thread, shared with the watchdog.
    static SLOT: Slot = register();
}

/// Why a page was stopped, in the words of every limit.
fn stopped(template: &str, page: &str, why: &str) -> String {
    format!(
        "`{template}` was stopped while rendering {page}: {why}; look for loops that never end or grow too fast (`for` inside `for`, a component that calls itself)"
    )
}

/// Tera's `range` function (same arguments, results and errors), which first checks that
/// the page being rendered is within its time limit: a runaway loop of loops calls it
/// for every inner loop, so it ends there with an error at the loop rather than running
/// on after the watchdog has given up on it.
pub fn range(kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<Vec<i128>> {
    let overdue = current(|r| {
        r.filter(|r| r.start.elapsed() > r.limit).map(|r| {
            let why = format!(
                "it took more than {:.0} s, and was stopped at this loop",
                r.limit.as_secs_f64()
            );
            stopped(&r.template, &r.page, &why)
        })
    });
    if let Some(message) = overdue {
        return Err(tera::Error::message(message));
    }
    // Tera's own, as of Tera 2.4 (its function is not public).
    let start = kwargs.get::<i128>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i128>("end")?;
    let step_by = kwargs.get::<i128>("step_by")?.unwrap_or(1);
    if start > end && step_by > 0 {
        return Err(tera::Error::message(
            "Function `range` was called with a `start` argument greater than the `end` one",
        ));
    }
    if step_by == 0 {
        return Err(tera::Error::message(
            "Function `range` was called with a `step_by` argument of 0",
        ));
    }
    let overflow = || tera::Error::message("Function `range` was called with arguments that overflow i128");
    let len = if step_by > 0 {
        let span = end.checked_sub(start).ok_or_else(overflow)?;
        span.checked_add(step_by - 1).ok_or_else(overflow)? / step_by
    } else if start <= end {
        0
    } else {
        let step = step_by.checked_neg().ok_or_else(overflow)?;
        let span = start.checked_sub(end).ok_or_else(overflow)?;
        span.checked_add(step - 1).ok_or_else(overflow)? / step
    };
    if len > MAX_RANGE_LEN {
        return Err(tera::Error::message(format!(
            "Function `range` would produce {len} elements, which exceeds the limit of {MAX_RANGE_LEN}"
        )));
    }
    Ok((0..len).map(|i| start + i * step_by).collect())
}

/// Tera's bound on the length of a `range`.
const MAX_RANGE_LEN: i128 = 100_000;

/// Tags the renders made on this thread from now on as part of `build` (for the pool
/// threads of one rebuild), so that [`abandon`] can tell them apart; threads start at 0.
pub fn tag_thread(build: u64) {
    BUILD.with(|b| b.set(build));
}

type Report = Box<dyn Fn(Stuck) + Send + Sync>;

/// Where stuck pages go: `None` ends the process (the default).
fn reporter() -> &'static Mutex<Option<Report>> {
    static REPORTER: OnceLock<Mutex<Option<Report>>> = OnceLock::new();
    REPORTER.get_or_init(|| Mutex::new(None))
}

/// From now on, the watchdog calls `report` once for each page stuck past its limit,
/// instead of ending the process; the page's render goes on until the caller
/// [`abandon`]s its build.
pub fn on_stuck(report: impl Fn(Stuck) + Send + Sync + 'static) {
    if let Ok(mut r) = reporter().lock() {
        *r = Some(Box::new(report));
    }
    watchdog_started();
}

fn abandoned() -> &'static Mutex<HashSet<u64>> {
    static ABANDONED: OnceLock<Mutex<HashSet<u64>>> = OnceLock::new();
    ABANDONED.get_or_init(|| Mutex::new(HashSet::new()))
}

/// Set once any build is abandoned: until then no render needs the lock to know.
static ANY_ABANDONED: AtomicBool = AtomicBool::new(false);

fn is_abandoned(build: u64) -> bool {
    ANY_ABANDONED.load(Ordering::Acquire) && abandoned().lock().is_ok_and(|a| a.contains(&build))
}

/// Gives up on every render of `build`, for good: a render of it that finishes, and
/// any that starts, waits until the process ends instead of returning, so that the
/// abandoned build can neither write its output nor clean up after a newer build.
pub fn abandon(build: u64) {
    if let Ok(mut a) = abandoned().lock() {
        a.insert(build);
    }
    ANY_ABANDONED.store(true, Ordering::Release);
}

/// Parks the thread of an abandoned render for the rest of the process.
fn wait_forever() -> ! {
    loop {
        std::thread::park();
    }
}

/// A page being rendered now.
struct Render {
    start: Instant,
    limit: Duration,
    build: u64,
    page: String,
    template: String,
    file: PathBuf,
    /// Reported to [`on_stuck`]'s function already.
    reported: bool,
}

/// One thread's page being rendered, if any. Each thread has its own, so a render
/// takes no lock another render holds: the watchdog alone looks at every slot.
type Slot = Arc<SlotCell>;
type SlotCell = Mutex<Option<Render>>;

/// The slots of the threads that have rendered, for the watchdog; a thread's slot goes
/// with the thread (`knead watch` makes a pool per rebuild).
fn slots() -> &'static Mutex<Vec<Weak<SlotCell>>> {
    static SLOTS: OnceLock<Mutex<Vec<Weak<SlotCell>>>> = OnceLock::new();
    SLOTS.get_or_init(Default::default)
}

fn register() -> Slot {
    let slot = Slot::default();
    let mut all = slots().lock().unwrap_or_else(PoisonError::into_inner);
    all.retain(|w| w.strong_count() > 0);
    all.push(Arc::downgrade(&slot));
    watchdog_started();
    slot
}

/// `f` of this thread's page being rendered.
fn current<T>(f: impl FnOnce(Option<&Render>) -> T) -> T {
    SLOT.with(|s| f(s.lock().unwrap_or_else(PoisonError::into_inner).as_ref()))
}

/// How many pages are being rendered now.
static RENDERS: AtomicUsize = AtomicUsize::new(0);
/// True while the watchdog waits for a render to start (see [`watchdog`]).
static WAITING: AtomicBool = AtomicBool::new(false);
/// What the watchdog waits on while no page renders, so a quiet watch stays asleep.
static IDLE: Mutex<()> = Mutex::new(());
static BUSY: Condvar = Condvar::new();

fn watchdog_started() {
    static WATCHDOG: std::sync::Once = std::sync::Once::new();
    WATCHDOG.call_once(|| {
        let _ = std::thread::Builder::new()
            .name("knead-render-watchdog".into())
            .spawn(watchdog);
    });
}

/// Counts a render that starts, waking the watchdog if it waits for one.
fn started() {
    // With `WAITING` set before the watchdog reads `RENDERS` (both sequentially
    // consistent), either it sees this render or this render sees it waiting.
    RENDERS.fetch_add(1, Ordering::SeqCst);
    if WAITING.load(Ordering::SeqCst) {
        let _idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner);
        BUSY.notify_one();
    }
}

fn watchdog() {
    // The writer stops pages that keep writing; this catches those that write nothing.
    let grace = |limit: Duration| limit + Duration::from_secs(2).min(limit);
    let live = || -> Vec<Slot> {
        let all = slots().lock().unwrap_or_else(PoisonError::into_inner);
        all.iter().filter_map(Weak::upgrade).collect()
    };
    loop {
        {
            let mut idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner);
            WAITING.store(true, Ordering::SeqCst);
            while RENDERS.load(Ordering::SeqCst) == 0 {
                idle = BUSY.wait(idle).unwrap_or_else(PoisonError::into_inner);
            }
            WAITING.store(false, Ordering::SeqCst);
        }
        let slots = live();
        let shortest = slots
            .iter()
            .filter_map(|s| s.lock().ok().and_then(|r| r.as_ref().map(|r| r.limit)))
            .min()
            .unwrap_or_else(time_limit);
        std::thread::sleep((shortest / 4).clamp(Duration::from_millis(50), Duration::from_secs(1)));
        let stuck: Vec<Stuck> = slots
            .iter()
            .filter_map(|s| {
                let mut r = s.lock().ok()?;
                let r = r
                    .as_mut()
                    .filter(|r| !r.reported && r.start.elapsed() > grace(r.limit))?;
                r.reported = true;
                Some(Stuck {
                    build: r.build,
                    page: r.page.clone(),
                    template: r.template.clone(),
                    file: r.file.clone(),
                    took: r.start.elapsed(),
                })
            })
            .collect();
        drop(slots);
        for s in stuck {
            match reporter().lock().as_deref() {
                Ok(Some(report)) => report(s),
                _ => {
                    eprintln!(
                        "error: the template `{}` has been rendering {} for {:.0} s without finishing, so knead stopped\n  \
                         = help: look for loops that never end or grow too fast (`for` inside `for`, a component that calls itself) in `{}` and the templates it uses; \
                         the output folder was left as it was\n  \
                         = note: a page may take {:.0} s (KNEAD_RENDER_TIMEOUT)",
                        s.template,
                        s.page,
                        s.took.as_secs_f64(),
                        s.template,
                        time_limit().as_secs_f64()
                    );
                    std::process::exit(1);
                }
            }
        }
    }
}

/// Clears this thread's slot when its render ends (or unwinds).
struct Registered;

impl Drop for Registered {
    fn drop(&mut self) {
        SLOT.with(|s| *s.lock().unwrap_or_else(PoisonError::into_inner) = None);
        RENDERS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Why a page could not be rendered into a writer.
#[derive(Debug)]
pub enum Failure {
    /// A template error, or a page past the limits.
    Template(tera::Error),
    /// The writer failed.
    Write(std::io::Error),
}

/// The template to render a page with: its name, and its file as shown in messages.
#[derive(Debug, Clone, Copy)]
pub struct TemplateFile<'a> {
    /// The name Tera knows it by.
    pub name: &'a str,
    /// Its file, as shown in messages.
    pub file: &'a Path,
}

/// Renders `template` with `context` for the output file `page`, within the limits.
pub fn render(tera: &Tera, template: TemplateFile<'_>, context: &Context, page: &str) -> Result<Vec<u8>, tera::Error> {
    let mut buf = Vec::with_capacity(16 * 1024);
    match render_within(tera, template, context, page, MAX_PAGE_BYTES, time_limit(), &mut buf) {
        Ok(()) => Ok(buf),
        Err(Failure::Template(e)) => Err(e),
        Err(Failure::Write(e)) => Err(tera::Error::message(e.to_string())),
    }
}

/// Like [`render`], writing the page to `out` as it is made (and flushing it).
pub fn render_into(
    tera: &Tera,
    template: TemplateFile<'_>,
    context: &Context,
    page: &str,
    out: impl Write,
) -> Result<(), Failure> {
    render_within(tera, template, context, page, MAX_PAGE_BYTES, time_limit(), out)
}

fn render_within(
    tera: &Tera,
    template: TemplateFile<'_>,
    context: &Context,
    page: &str,
    max: usize,
    limit: Duration,
    out: impl Write,
) -> Result<(), Failure> {
    let build = BUILD.with(Cell::get);
    if build != 0 && is_abandoned(build) {
        wait_forever();
    }
    let start = Instant::now();
    SLOT.with(|s| {
        *s.lock().unwrap_or_else(PoisonError::into_inner) = Some(Render {
            start,
            limit,
            build,
            page: page.to_owned(),
            template: template.name.to_owned(),
            file: template.file.to_path_buf(),
            reported: false,
        });
    });
    started();
    let _registered = Registered;
    let template = template.name;
    let mut out = Bounded::new(out, max, start, limit);
    let result = tera.render_to(template, context, &mut out);
    if build != 0 && is_abandoned(build) {
        wait_forever();
    }
    match (result, out.tripped.take(), out.failed.take()) {
        (_, Some(why), _) => Err(Failure::Template(tera::Error::message(stopped(template, page, &why)))),
        (_, None, Some(e)) => Err(Failure::Write(e)),
        (Ok(()), None, None) => out.flush().map_err(Failure::Write),
        (Err(e), None, None) => Err(Failure::Template(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> TemplateFile<'_> {
        TemplateFile {
            name,
            file: Path::new(name),
        }
    }

    #[test]
    fn stops_pages_that_grow_too_large() {
        let mut tera = Tera::new();
        tera.add_raw_template(
            "big.html",
            "{% for i in range(end=100000) %}{% for j in range(end=100000) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}",
        )
        .unwrap();
        tera.add_raw_template("ok.html", "{{ a }}").unwrap();
        let mut c = Context::new();
        c.insert("a", "fine");
        assert_eq!(render(&tera, named("ok.html"), &c, "ok/index.html").unwrap(), b"fine");
        let stopped = |max: usize, limit: Duration| match render_within(
            &tera,
            named("big.html"),
            &c,
            "x/index.html",
            max,
            limit,
            std::io::sink(),
        ) {
            Err(Failure::Template(e)) => e.to_string(),
            other => panic!("not stopped: {other:?}"),
        };
        let msg = stopped(1 << 20, Duration::from_secs(60));
        assert!(
            msg.contains("`big.html` was stopped while rendering x/index.html"),
            "{msg}"
        );
        assert!(msg.contains("grew past 1 MiB"), "{msg}");
        let msg = stopped(1 << 40, Duration::from_millis(100));
        assert!(msg.contains("took more than 0 s"), "{msg}");
        // Its renders are off the watchdog's list.
        assert!(current(|r| r.is_none()));
    }

    #[test]
    fn knead_range_is_teras() {
        let cases = [
            "end=5",
            "start=2, end=5",
            "end=10, step_by=3",
            "start=5, end=0, step_by=-2",
            "start=0, end=5, step_by=-1",
            "start=-3, end=3",
            "start=5, end=1",
            "end=5, step_by=0",
            "end=100001",
            "end=100000",
            "end=\"x\"",
            "start=1",
        ];
        let render = |ours: bool, args: &str| {
            let mut tera = Tera::new();
            if ours {
                tera.register_function("range", range);
            }
            tera.add_raw_template(
                "r.html",
                &format!("{{{{ range({args}) | length }}}}:{{% for i in range({args}) %}}{{{{ i }}}},{{% endfor %}}"),
            )
            .map_err(|e| e.to_string())?;
            tera.render("r.html", &Context::new()).map_err(|e| format!("{e:?}"))
        };
        for args in cases {
            assert_eq!(render(true, args), render(false, args), "range({args})");
        }
    }

    #[test]
    fn a_runaway_loop_of_ranges_ends_at_the_time_limit() {
        let mut tera = Tera::new();
        tera.register_function("range", range);
        // 10^10 empty iterations: hours, writing nothing.
        tera.add_raw_template(
            "spin.html",
            "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
        )
        .unwrap();
        let start = Instant::now();
        let limit = Duration::from_millis(200);
        let r = render_within(
            &tera,
            named("spin.html"),
            &Context::new(),
            "s/index.html",
            1 << 20,
            limit,
            std::io::sink(),
        );
        let took = start.elapsed();
        match r {
            Err(Failure::Template(e)) => {
                let msg = format!("{e:?}");
                assert!(
                    msg.contains("`spin.html` was stopped while rendering s/index.html: it took more than 0 s, and was stopped at this loop"),
                    "{msg}"
                );
            }
            other => panic!("not stopped: {other:?}"),
        }
        assert!(took < Duration::from_secs(10), "ended after {took:?}");
        assert!(current(|r| r.is_none()), "forgotten with the render");
    }

    /// A writer that fails after `left` bytes.
    struct Full {
        left: usize,
    }

    impl Write for Full {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            if b.len() > self.left {
                return Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "disk full"));
            }
            self.left -= b.len();
            Ok(b.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn streams_pages_and_reports_write_errors_as_such() {
        let mut tera = Tera::new();
        tera.add_raw_template(
            "list.html",
            "{% for i in range(end=1000) %}<li>{{ i }}</li>{% endfor %}",
        )
        .unwrap();
        let c = Context::new();
        let mut out = Vec::new();
        render_into(&tera, named("list.html"), &c, "l/index.html", &mut out).unwrap();
        assert_eq!(out, render(&tera, named("list.html"), &c, "l/index.html").unwrap());
        match render_into(&tera, named("list.html"), &c, "l/index.html", Full { left: 100 }) {
            Err(Failure::Write(e)) => assert_eq!(e.kind(), std::io::ErrorKind::StorageFull),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_stuck_page_is_reported_and_its_build_abandoned() {
        let (tx, rx) = std::sync::mpsc::channel();
        on_stuck(move |s| {
            let _ = tx.send(s);
        });
        let mut tera = Tera::new();
        // 10^8 empty iterations: seconds of rendering that write nothing.
        tera.add_raw_template(
            "spin.html",
            "{% for i in range(end=100000) %}{% for j in range(end=1000) %}{% endfor %}{% endfor %}",
        )
        .unwrap();
        tera.add_raw_template("ok.html", "fine").unwrap();
        let tera = std::sync::Arc::new(tera);
        let render_on_thread = |build: u64, name: &'static str| {
            let tera = std::sync::Arc::clone(&tera);
            let (done, finished) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                tag_thread(build);
                let file = format!("templates/{name}");
                let template = TemplateFile {
                    name,
                    file: Path::new(&file),
                };
                let mut out = Vec::new();
                let limit = Duration::from_millis(20);
                let r = render_within(
                    &tera,
                    template,
                    &Context::new(),
                    "p/index.html",
                    1 << 20,
                    limit,
                    &mut out,
                );
                let _ = done.send((r.is_ok(), out));
            });
            finished
        };
        let spinning = render_on_thread(7, "spin.html");
        let stuck = rx.recv_timeout(Duration::from_secs(20)).unwrap();
        assert_eq!((stuck.build, stuck.page.as_str()), (7, "p/index.html"));
        assert_eq!(
            (stuck.template.as_str(), stuck.file.as_path()),
            ("spin.html", Path::new("templates/spin.html"))
        );
        let d = stuck.diagnostic();
        assert_eq!(d.file, Path::new("templates/spin.html"));
        assert!(d.message.contains("has been rendering p/index.html for"), "{d}");
        abandon(7);
        // Any render of the abandoned build waits for good; other builds render as ever.
        let later = render_on_thread(7, "ok.html");
        assert_eq!(render_on_thread(8, "ok.html").recv().unwrap(), (true, b"fine".to_vec()));
        assert!(later.recv_timeout(Duration::from_millis(200)).is_err());
        assert!(spinning.try_recv().is_err());
        assert!(rx.try_recv().is_err(), "reported once");
    }
}
