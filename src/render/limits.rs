//! Bounds on rendering one page with the theme's templates, so that no template can hang
//! a build or fill the memory. Tera 2 already refuses a `range` of more than 100,000
//! items, recursion of components past 20 levels, and include cycles; but loops nested in
//! loops, or components that call themselves several times, can still run for hours.
//!
//! - A page whose output passes [`MAX_PAGE_BYTES`], or that is still writing output after
//!   the time limit, stops with a template error (the build fails, exit 1).
//! - A page that runs past the limit without writing anything (nested empty loops) cannot
//!   be interrupted: a watchdog prints which page and template it is and ends the process
//!   with exit code 1. The output folder is untouched (pages go to the staging folder).
//!
//! The time limit is 30 s per page, or `KNEAD_RENDER_TIMEOUT` seconds.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use tera::{Context, Tera};

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

/// Pages being rendered now: id -> (start, page, template).
type Active = Mutex<HashMap<u64, (Instant, String, String)>>;

fn active() -> &'static Active {
    static ACTIVE: OnceLock<Active> = OnceLock::new();
    static WATCHDOG: std::sync::Once = std::sync::Once::new();
    let map = ACTIVE.get_or_init(|| Mutex::new(HashMap::new()));
    WATCHDOG.call_once(|| {
        let _ = std::thread::Builder::new()
            .name("knead-render-watchdog".into())
            .spawn(|| watchdog(map));
    });
    map
}

fn watchdog(map: &'static Active) {
    // The writer stops pages that keep writing; this catches those that write nothing.
    let grace = time_limit() + Duration::from_secs(2).min(time_limit());
    loop {
        std::thread::sleep((time_limit() / 4).clamp(Duration::from_millis(50), Duration::from_secs(1)));
        let stuck = map.lock().ok().and_then(|m| {
            m.values()
                .find(|(start, _, _)| start.elapsed() > grace)
                .map(|(start, page, template)| (start.elapsed(), page.clone(), template.clone()))
        });
        if let Some((took, page, template)) = stuck {
            eprintln!(
                "error: the template `{template}` has been rendering {page} for {:.0} s without finishing, so knead stopped\n  \
                 = help: look for loops that never end or grow too fast (`for` inside `for`, a component that calls itself) in `{template}` and the templates it uses; \
                 the output folder was left as it was\n  \
                 = note: a page may take {:.0} s (KNEAD_RENDER_TIMEOUT)",
                took.as_secs_f64(),
                time_limit().as_secs_f64()
            );
            std::process::exit(1);
        }
    }
}

/// Removes its page from the active list when rendering ends (or unwinds).
struct Registered(u64);

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut m) = active().lock() {
            m.remove(&self.0);
        }
    }
}

/// Passes a page's bytes on to `out`; fails once the page is too large or too slow.
struct Bounded<W> {
    out: W,
    len: usize,
    max: usize,
    start: Instant,
    limit: Duration,
    writes: u32,
    tripped: Option<String>,
    /// The error of `out` itself, if writing failed.
    failed: Option<std::io::Error>,
}

impl<W: Write> Write for Bounded<W> {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if self.len + b.len() > self.max {
            self.tripped = Some(format!(
                "the page grew past {} MiB",
                self.max as f64 / f64::from(1 << 20)
            ));
        }
        self.writes = self.writes.wrapping_add(1);
        if self.tripped.is_none() && self.writes.is_multiple_of(64) && self.start.elapsed() > self.limit {
            self.tripped = Some(format!("it took more than {:.0} s", self.limit.as_secs_f64()));
        }
        if self.tripped.is_some() {
            return Err(std::io::Error::other("render limit"));
        }
        if let Err(e) = self.out.write_all(b) {
            let again = std::io::Error::new(e.kind(), e.to_string());
            self.failed = Some(e);
            return Err(again);
        }
        self.len += b.len();
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
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

/// Renders `template` with `context` for the output file `page`, within the limits.
pub fn render(tera: &Tera, template: &str, context: &Context, page: &str) -> Result<Vec<u8>, tera::Error> {
    let mut buf = Vec::with_capacity(16 * 1024);
    match render_within(tera, template, context, page, MAX_PAGE_BYTES, time_limit(), &mut buf) {
        Ok(()) => Ok(buf),
        Err(Failure::Template(e)) => Err(e),
        Err(Failure::Write(e)) => Err(tera::Error::message(e.to_string())),
    }
}

/// Like [`render`], writing the page to `out` as it is made (and flushing it).
pub fn render_into(tera: &Tera, template: &str, context: &Context, page: &str, out: impl Write) -> Result<(), Failure> {
    render_within(tera, template, context, page, MAX_PAGE_BYTES, time_limit(), out)
}

fn render_within(
    tera: &Tera,
    template: &str,
    context: &Context,
    page: &str,
    max: usize,
    limit: Duration,
    out: impl Write,
) -> Result<(), Failure> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let start = Instant::now();
    if let Ok(mut m) = active().lock() {
        m.insert(id, (start, page.to_owned(), template.to_owned()));
    }
    let _registered = Registered(id);
    let mut out = Bounded {
        out,
        len: 0,
        max,
        start,
        limit,
        writes: 0,
        tripped: None,
        failed: None,
    };
    let result = tera.render_to(template, context, &mut out);
    match (result, out.tripped.take(), out.failed.take()) {
        (_, Some(why), _) => Err(Failure::Template(tera::Error::message(format!(
            "`{template}` was stopped while rendering {page}: {why}; look for loops that never end or grow too fast (`for` inside `for`, a component that calls itself)"
        )))),
        (_, None, Some(e)) => Err(Failure::Write(e)),
        (Ok(()), None, None) => out.flush().map_err(Failure::Write),
        (Err(e), None, None) => Err(Failure::Template(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(render(&tera, "ok.html", &c, "ok/index.html").unwrap(), b"fine");
        let stopped = |max: usize, limit: Duration| match render_within(
            &tera,
            "big.html",
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
        assert!(active().lock().unwrap().is_empty());
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
        render_into(&tera, "list.html", &c, "l/index.html", &mut out).unwrap();
        assert_eq!(out, render(&tera, "list.html", &c, "l/index.html").unwrap());
        match render_into(&tera, "list.html", &c, "l/index.html", Full { left: 100 }) {
            Err(Failure::Write(e)) => assert_eq!(e.kind(), std::io::ErrorKind::StorageFull),
            other => panic!("{other:?}"),
        }
    }
}
