//! Asking web servers whether addresses work, politely: at most [`AT_ONCE`] requests at
//! once and [`PER_HOST`] to one host, HEAD first and GET only where HEAD gets no clear
//! answer, redirects followed, a timeout per address, and one retry after a connection
//! error. When no server answers at all, the network is down: the rest is not tried.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

/// Requests in flight at most.
pub const AT_ONCE: usize = 8;
/// Requests in flight to one host at most.
pub const PER_HOST: usize = 2;
/// Hosts that must fail to connect, with no answer from any, before the network is
/// taken to be down and the remaining addresses are not tried.
const DOWN_AFTER_HOSTS: usize = 8;

/// Why no HTTP answer came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The name did not resolve, or the connection was refused, reset or cut.
    Connect,
    /// No answer within the timeout.
    Timeout,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// Not a valid web address.
    Invalid,
    /// Anything else (a broken HTTP answer, endless redirects).
    Other,
}

/// What an address gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A success (2xx), after any redirects.
    Good,
    /// An error status (4xx, 5xx).
    Status(u16),
    /// No answer, and why.
    Failed(Failure, String),
    /// Not tried: the network was found to be down first.
    Skipped,
}

impl Outcome {
    /// True when a server answered (even with an error).
    fn answered(&self) -> bool {
        matches!(self, Outcome::Good | Outcome::Status(_))
    }

    /// True when this is what a machine without a network gets.
    pub fn is_network(&self) -> bool {
        matches!(self, Outcome::Failed(Failure::Connect | Failure::Timeout, _))
    }
}

/// The host (with its port) of a web address, for the per-host limit.
pub fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host.to_ascii_lowercase()
}

fn classify(e: &ureq::Error, timeout: Duration) -> (Failure, String) {
    use std::io::ErrorKind;
    match e {
        ureq::Error::Timeout(_) => (
            Failure::Timeout,
            format!("no answer within {} s", timeout.as_secs_f64()),
        ),
        ureq::Error::Io(io) if io.kind() == ErrorKind::TimedOut => (
            Failure::Timeout,
            format!("no answer within {} s", timeout.as_secs_f64()),
        ),
        ureq::Error::Io(io) => (Failure::Connect, format!("could not connect: {io}")),
        ureq::Error::HostNotFound => (Failure::Connect, "the host name was not found".into()),
        ureq::Error::ConnectionFailed => (Failure::Connect, "could not connect".into()),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => (Failure::Tls, format!("a secure connection failed: {e}")),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => (Failure::Invalid, format!("not a valid web address: {e}")),
        ureq::Error::TooManyRedirects => (Failure::Other, "it redirects too many times".into()),
        _ => (Failure::Other, e.to_string()),
    }
}

/// One request: the status, or why there is none (one retry after a connection error,
/// which a server that closes connections early or a lost packet gives).
fn request(agent: &ureq::Agent, url: &str, head: bool, timeout: Duration) -> Result<u16, (Failure, String)> {
    let mut retried = false;
    loop {
        let sent = if head {
            agent.head(url).call()
        } else {
            agent.get(url).call()
        };
        match sent {
            // The body is not read: the status says enough.
            Ok(response) => return Ok(response.status().as_u16()),
            Err(e) => {
                let (failure, why) = classify(&e, timeout);
                let again = matches!(
                    e,
                    ureq::Error::Io(_) | ureq::Error::ConnectionFailed | ureq::Error::Protocol(_)
                );
                if retried || !again || failure == Failure::Timeout {
                    return Err((failure, why));
                }
                retried = true;
            }
        }
    }
}

/// HEAD, then GET unless HEAD gave a success or a definite "not here" (404, 410): many
/// servers refuse HEAD (405, 501) or answer it wrongly.
fn check(agent: &ureq::Agent, url: &str, timeout: Duration) -> Outcome {
    let status = match request(agent, url, true, timeout) {
        Ok(s) if (200..300).contains(&s) || s == 404 || s == 410 => Ok(s),
        // GET would meet the same unreachable host, slow server or bad address.
        Err(e @ (Failure::Connect | Failure::Timeout | Failure::Tls | Failure::Invalid, _)) => Err(e),
        Ok(_) | Err(_) => request(agent, url, false, timeout),
    };
    match status {
        Ok(s) if (200..300).contains(&s) => Outcome::Good,
        Ok(s) => Outcome::Status(s),
        Err((failure, why)) => Outcome::Failed(failure, why),
    }
}

/// The agent every request goes through: one connection pool, the timeout per address,
/// error statuses as answers rather than errors.
fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent(concat!("knead/", env!("CARGO_PKG_VERSION"), " (link checker)"))
        .build()
        .into()
}

/// The work left: addresses waiting per host, requests in flight per host.
#[derive(Default)]
struct Queue {
    waiting: BTreeMap<String, VecDeque<usize>>,
    in_flight: BTreeMap<String, usize>,
    answered: usize,
    /// Hosts that could not be reached while nothing answered.
    unreachable: std::collections::BTreeSet<String>,
    down: bool,
}

impl Queue {
    /// The next address whose host has room, if any.
    fn take(&mut self) -> Option<(usize, String)> {
        let host = self
            .waiting
            .iter()
            .find(|(h, q)| !q.is_empty() && self.in_flight.get(*h).copied().unwrap_or(0) < PER_HOST)
            .map(|(h, _)| h.clone())?;
        let queue = self.waiting.get_mut(&host)?;
        let i = queue.pop_front()?;
        if queue.is_empty() {
            self.waiting.remove(&host);
        }
        *self.in_flight.entry(host.clone()).or_default() += 1;
        Some((i, host))
    }
}

fn lock(m: &Mutex<Queue>) -> std::sync::MutexGuard<'_, Queue> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Checks every address of `urls` (`timeout` each), returning their outcomes in the
/// same order.
pub fn check_all(urls: &[String], timeout: Duration) -> Vec<Outcome> {
    let agent = agent(timeout);
    let mut queue = Queue::default();
    for (i, url) in urls.iter().enumerate() {
        queue.waiting.entry(host(url)).or_default().push_back(i);
    }
    let state = (Mutex::new(queue), Condvar::new());
    let results = Mutex::new(vec![Outcome::Skipped; urls.len()]);
    std::thread::scope(|scope| {
        for _ in 0..AT_ONCE.min(urls.len()) {
            scope.spawn(|| {
                loop {
                    let mut q = lock(&state.0);
                    let (i, host) = loop {
                        if q.down || q.waiting.is_empty() {
                            return;
                        }
                        match q.take() {
                            Some(next) => break next,
                            None => q = state.1.wait(q).unwrap_or_else(PoisonError::into_inner),
                        }
                    };
                    drop(q);
                    let outcome = check(&agent, &urls[i], timeout);
                    let mut q = lock(&state.0);
                    if let Some(n) = q.in_flight.get_mut(&host) {
                        *n -= 1;
                    }
                    if outcome.answered() {
                        // Late, but the network works: whoever is left goes on.
                        q.answered += 1;
                        q.down = false;
                    } else if outcome.is_network() && q.answered == 0 {
                        q.unreachable.insert(host);
                        q.down = q.unreachable.len() >= DOWN_AFTER_HOSTS;
                    }
                    drop(q);
                    state.1.notify_all();
                    results.lock().unwrap_or_else(PoisonError::into_inner)[i] = outcome;
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(host("https://www.NHS.uk/conditions/"), "www.nhs.uk");
        assert_eq!(host("http://127.0.0.1:8080/x?y"), "127.0.0.1:8080");
        assert_eq!(host("https://user:pw@example.org#a"), "example.org");
    }

    #[test]
    fn queue_keeps_to_the_per_host_limit() {
        let mut q = Queue::default();
        for (i, h) in ["a", "a", "a", "b"].iter().enumerate() {
            q.waiting.entry((*h).to_owned()).or_default().push_back(i);
        }
        let taken: Vec<usize> = std::iter::from_fn(|| q.take().map(|(i, _)| i)).collect();
        assert_eq!(taken, [0, 1, 3]);
        *q.in_flight.get_mut("a").unwrap() -= 1;
        assert_eq!(q.take().map(|(i, _)| i), Some(2));
        assert_eq!(q.take(), None);
    }
}
