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
pub(super) struct Bounded<W> {
    pub(super) out: W,
    /// What was written and not yet passed on.
    pub(super) buf: Vec<u8>,
    /// The page's bytes so far.
    pub(super) len: usize,
    /// The most bytes the page may have.
    pub(super) max: usize,
    /// When the render started.
    pub(super) start: Instant,
    /// How long it may take.
    pub(super) limit: Duration,
    /// Writes so far (the clock is read every 64).
    pub(super) writes: u32,
    /// Why the page was stopped, once it was.
    pub(super) tripped: Option<String>,
    /// The error of `out` itself, if writing failed.
    pub(super) failed: Option<std::io::Error>,
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
pub(super) const PASS_ON: usize = 64 * 1024;

impl<W: Write> Bounded<W> {
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

thread_local! {
    /// Each thread's [`Bounded::buf`], kept from page to page.
    pub(super) static GATHERED: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}
