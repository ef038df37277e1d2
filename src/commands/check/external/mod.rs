//! `knead check --external`: every http(s) address the site uses (references, links and
//! images in bodies, FAQ answers, the menu, the disclaimer) asked for over the network
//! ([`fetch`]: concurrent and polite). A broken address is an error at every place that
//! uses it; good answers are kept a day ([`cache`]). When no server answers at all, the
//! network is down: that is one message, not one per address.

pub mod cache;
pub mod fetch;
pub mod uses;

use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, ShownLine};
use crate::model::Site;

use fetch::{Failure, Outcome};

/// How to check.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// The most one address may take (redirects included).
    pub timeout: Duration,
    /// The time now, in seconds since the Unix epoch (for the cache).
    pub now: u64,
}

/// What the check found, beside its diagnostics.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Different addresses the site uses.
    pub urls: usize,
    /// Of those, answered well less than a day ago (not asked again).
    pub cached: usize,
    /// Of those, broken (an error at each use).
    pub broken: usize,
    /// Of those, refused to a tool (401, 403, 429): a warning at each use.
    pub refused: usize,
    /// Set when no server answered: the network is down, nothing was judged.
    pub unreachable: Option<String>,
    /// Set when the cache could not be written.
    pub cache_problem: Option<String>,
}

impl Summary {
    /// One line for the end of a report.
    pub fn line(&self) -> String {
        if self.unreachable.is_some() {
            return format!("{} web addresses not checked: no network", self.urls);
        }
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "es" });
        let mut line = format!("{}: {} broken", plural(self.urls, "web address"), self.broken);
        if self.refused > 0 {
            line.push_str(&format!(", {} refused knead", self.refused));
        }
        if self.cached > 0 {
            line.push_str(&format!(" ({} good within the last day, not asked again)", self.cached));
        }
        line
    }
}

/// The reason phrase of an HTTP status, for messages.
fn reason(status: u16) -> &'static str {
    ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// The message and fix for an address that did not answer well, and whether it is only
/// a warning (the server refuses tools; a browser may well get the page).
fn problem(url: &str, outcome: &Outcome, timeout: Duration) -> Option<(String, String, bool)> {
    Some(match outcome {
        Outcome::Good | Outcome::Skipped => return None,
        Outcome::Status(s @ (401 | 403 | 429)) => (
            format!("`{url}` could not be checked: the server answered {s} {}", reason(*s)),
            "some sites refuse programs that check links; open the address in a browser to check it".into(),
            true,
        ),
        Outcome::Status(s @ (404 | 410)) => (
            format!("broken link: `{url}` answered {s} {}", reason(*s)),
            "the page is gone: find where it moved (or an archived copy) and link to that, or remove the link".into(),
            false,
        ),
        Outcome::Status(s) => (
            format!("broken link: `{url}` answered {s} {}", reason(*s)),
            "check the address in a browser; if the server is only having trouble, run the check again later".into(),
            false,
        ),
        Outcome::Failed(Failure::Timeout, why) => (
            format!("broken link: `{url}`: {why}"),
            format!(
                "check the address in a browser; if the site is only slow, give it longer with `--timeout {}`",
                timeout.as_secs() * 3
            ),
            false,
        ),
        Outcome::Failed(_, why) => (
            format!("broken link: `{url}`: {why}"),
            "check the address (a typo in the host name?) and open it in a browser".into(),
            false,
        ),
    })
}

/// Checks every web address `site` (at `root`) uses. Returns a problem at each use of
/// a broken address, and the summary.
pub fn check(site: &Site, root: &Path, settings: Settings) -> (Vec<Diagnostic>, Summary) {
    let uses = uses::collect(site, root);
    let mut cache = cache::Cache::load(root);
    let asked: Vec<String> = uses
        .keys()
        .filter(|u| !cache.is_fresh(u, settings.now))
        .cloned()
        .collect();
    let mut summary = Summary {
        urls: uses.len(),
        cached: uses.len() - asked.len(),
        ..Summary::default()
    };
    let outcomes = fetch::check_all(&asked, settings.timeout);
    let answered = outcomes.iter().any(|o| matches!(o, Outcome::Good | Outcome::Status(_)));
    let tried: Vec<(&String, &Outcome)> = asked
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| **o != Outcome::Skipped)
        .collect();
    let hosts: std::collections::BTreeSet<String> = tried.iter().map(|(u, _)| fetch::host(u)).collect();
    if !answered && hosts.len() >= 2 && tried.iter().all(|(_, o)| o.is_network()) {
        let first = tried
            .iter()
            .find_map(|(u, o)| match o {
                Outcome::Failed(_, why) => Some(format!("; the first: `{u}`: {why}")),
                _ => None,
            })
            .unwrap_or_default();
        summary.unreachable = Some(format!(
            "could not reach the network: no server answered ({} of {} web addresses tried, on {} hosts{first})",
            tried.len(),
            asked.len(),
            hosts.len()
        ));
        return (Vec::new(), summary);
    }
    let mut problems = Vec::new();
    for (url, outcome) in asked.iter().zip(&outcomes) {
        if *outcome == Outcome::Good {
            cache.record(url, settings.now);
            continue;
        }
        let Some((message, help, refused)) = problem(url, outcome, settings.timeout) else {
            continue;
        };
        if refused {
            summary.refused += 1;
        } else {
            summary.broken += 1;
        }
        for u in uses.get(url).into_iter().flatten() {
            let d = if refused {
                Diagnostic::warning(&u.file, message.clone())
            } else {
                Diagnostic::error(&u.file, message.clone())
            };
            let shown = ShownLine::of(&u.line, u.pos.column);
            problems.push(
                d.at_shown(u.pos.line, u.pos.column, u.pos.len, Some(shown))
                    .help(help.clone()),
            );
        }
    }
    if let Err(e) = cache.save(settings.now) {
        summary.cache_problem = Some(format!("could not write {}: {e}", cache.path().display()));
    }
    (problems, summary)
}
