//! The writer a page is rendered into ([`Bounded`]): it stops the page once it grows past
//! its size limit or runs past its time limit (see [`super::limits`]), and gathers the
//! page's bytes before passing them on to the file.

use std::cell::Cell;
use std::io::Write;
use std::time::{Duration, Instant};

/// Passes a page's bytes on to `out`; fails once the page is too large or too slow.
/// Gathers them in `buf` first: a template writes each piece of text and each value
/// on its own, and passing every one through `out` (a buffered file behind a `dyn`)
/// cost more than rendering them.
pub(super) struct Bounded<W: Write> {
    out: W,
    /// What was written and not yet passed on: the thread's buffer, given back when done.
    buf: Vec<u8>,
    /// The page's bytes so far.
    len: usize,
    /// The most bytes the page may have.
    max: usize,
    /// When the render started.
    start: Instant,
    /// How long it may take.
    limit: Duration,
    /// Writes so far (the clock is read every 64).
    writes: u32,
    /// Why the page was stopped, once it was.
    pub(super) tripped: Option<String>,
    /// The error of `out` itself, if writing failed.
    pub(super) failed: Option<std::io::Error>,
}

impl<W: Write> Write for Bounded<W> {
    // Inlined into Tera's loop, which calls it for every piece of every page.
    #[inline]
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
        self.buf.extend_from_slice(b);
        self.len += b.len();
        if self.buf.len() >= PASS_ON {
            self.pass_on()?;
        }
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.pass_on()?;
        self.out.flush()
    }
}

/// How many bytes [`Bounded`] gathers before it passes them on: no smaller than the
/// buffer of the files pages are streamed into, which then takes them without a copy.
const PASS_ON: usize = 64 * 1024;

impl<W: Write> Bounded<W> {
    /// A writer to `out` for a page of at most `max` bytes, rendered from `start` on for
    /// at most `limit`.
    pub(super) fn new(out: W, max: usize, start: Instant, limit: Duration) -> Self {
        Bounded {
            out,
            buf: GATHERED.take(),
            len: 0,
            max,
            start,
            limit,
            writes: 0,
            tripped: None,
            failed: None,
        }
    }

    /// Writes what was gathered to `out`.
    fn pass_on(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let written = self.out.write_all(&self.buf);
        self.buf.clear();
        written.map_err(|e| {
            let again = std::io::Error::new(e.kind(), e.to_string());
            self.failed = Some(e);
            again
        })
    }
}

impl<W: Write> Drop for Bounded<W> {
    /// Gives the buffer back to the thread, unless a huge page made it huge.
    fn drop(&mut self) {
        let mut buf = std::mem::take(&mut self.buf);
        if buf.capacity() <= 4 * PASS_ON {
            buf.clear();
            GATHERED.set(buf);
        }
    }
}

thread_local! {
    /// Each thread's [`Bounded::buf`], kept from page to page.
    static GATHERED: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}
