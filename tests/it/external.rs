//! `knead check --external` against web servers on this machine (never the internet):
//! answers of 200, 301, 404 and 405-to-HEAD, a server that hangs and one that closes
//! the connection; every use of a broken address located; the per-host and overall
//! limits; the day-long cache; one message when no server can be reached.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::{Run, Site};

/// Requests in flight, now and at most.
#[derive(Default)]
struct Load {
    now: AtomicUsize,
    max: AtomicUsize,
}

impl Load {
    fn enter(&self) {
        let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(n, Ordering::SeqCst);
    }
    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A web server on 127.0.0.1 with an answer per path; it logs `METHOD /path` of every
/// request and counts the load, its own and (in `all`) that of every server.
struct Server {
    origin: String,
    log: Arc<Mutex<Vec<String>>>,
    load: Arc<Load>,
}

impl Server {
    fn start(all: Arc<Load>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let load = Arc::new(Load::default());
        let (l, own) = (Arc::clone(&log), Arc::clone(&load));
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let (l, own, all) = (Arc::clone(&l), Arc::clone(&own), Arc::clone(&all));
                std::thread::spawn(move || answer(stream, &l, &own, &all));
            }
        });
        Server { origin, log, load }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

fn answer(mut stream: TcpStream, log: &Mutex<Vec<String>>, own: &Load, all: &Load) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&request);
    let mut words = head.split_whitespace();
    let (method, path) = (
        words.next().unwrap_or("").to_owned(),
        words.next().unwrap_or("").to_owned(),
    );
    log.lock().unwrap().push(format!("{method} {path}"));
    let status = match (method.as_str(), path.as_str()) {
        (_, "/close") => return, // closed without a word
        (_, "/hang") => {
            std::thread::sleep(Duration::from_secs(4));
            return;
        }
        (_, "/moved") => "301 Moved Permanently\r\nLocation: /ok",
        (_, "/gone") => "404 Not Found",
        ("HEAD", "/no-head") => "405 Method Not Allowed",
        (_, "/forbidden") => "403 Forbidden",
        (_, p) if p.starts_with("/slow") => {
            own.enter();
            all.enter();
            std::thread::sleep(Duration::from_millis(250));
            own.leave();
            all.leave();
            "200 OK"
        }
        _ => "200 OK",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
    );
}

/// A site whose only web addresses are `references` (of one article), `body` links,
/// an FAQ answer's link and a menu entry.
fn site(references: &[String], body: &[String], faq: &str, menu: &str) -> Site {
    let site = tempfile::tempdir().unwrap();
    let s = Site { dir: site };
    s.write(
        "site.yaml",
        &format!(
            "title: \"Links\"\nbase_url: \"https://example.org/\"\ndescription: \"Links.\"\nmenu:\n  - name: Articles\n    url: /articles/\n  - name: Elsewhere\n    url: {menu}\n"
        ),
    );
    s.write("content/index.md", "---\ntitle: \"Home\"\n---\n\nWelcome.\n");
    let refs: String = references
        .iter()
        .map(|u| format!("  - title: \"A source\"\n    url: \"{u}\"\n"))
        .collect();
    let links: String = body.iter().map(|u| format!("See [this]({u}).\n\n")).collect();
    s.write(
        "content/articles/a.md",
        &format!(
            "---\ntitle: \"A\"\ndescription: \"A.\"\ndate: 2025-01-01\nlast_reviewed: 2025-01-01\nfaqs:\n  - question: \"Where?\"\n    answer: \"Read [it]({faq}).\"\nreferences:\n{refs}---\n\nIntro.\n\n{links}"
        ),
    );
    s
}

fn check(site: &Site, timeout: &str) -> Run {
    site.knead(&["check", "--today", "2025-02-01", "--external", "--timeout", timeout])
}

#[test]
fn broken_addresses_are_errors_at_every_use() {
    let srv = Server::start(Arc::default());
    let u = |p: &str| srv.url(p);
    let s = site(
        &[u("/ok"), u("/gone"), u("/moved")],
        &[u("/gone"), u("/no-head"), u("/hang"), u("/forbidden")],
        &(u("/gone") + "#part"),
        &u("/close"),
    );
    let run = check(&s, "1");
    let gone = format!("broken link: `{}` answered 404 Not Found", u("/gone"));
    run.fails_with(1)
        .stderr_has(&gone)
        // The reference, the FAQ answer and the body link, each at its own line.
        .stderr_has("content/articles/a.md:13:11")
        .stderr_has("content/articles/a.md:8:24")
        .stderr_has("content/articles/a.md:20:12")
        .stderr_has(&format!("broken link: `{}`: no answer within 1 s", u("/hang")))
        .stderr_has(&format!("broken link: `{}`: could not connect", u("/close")))
        .stderr_has("site.yaml:8:10")
        .stderr_has(&format!(
            "warning: `{}` could not be checked: the server answered 403 Forbidden",
            u("/forbidden")
        ));
    assert_eq!(run.stderr.matches(&gone).count(), 3, "{}", run.stderr);
    for fine in ["/ok", "/moved", "/no-head"] {
        assert!(
            !run.stderr.contains(&format!("`{}`", u(fine))),
            "{fine}: {}",
            run.stderr
        );
    }
    assert!(
        run.stdout.contains("7 web addresses: 3 broken, 1 refused knead"),
        "{}",
        run.stdout
    );
    let log = srv.requests();
    let count = |r: &str| log.iter().filter(|l| *l == r).count();
    // HEAD refused, then GET; a closed connection tried once more; redirects followed.
    assert_eq!((count("HEAD /no-head"), count("GET /no-head")), (1, 1), "{log:?}");
    assert_eq!(count("HEAD /close"), 2, "{log:?}");
    assert_eq!((count("HEAD /moved"), count("HEAD /ok")), (1, 2), "{log:?}");
    // A 404 is an answer, a timeout is not waited for twice: no GET after either.
    assert_eq!(
        (count("GET /gone"), count("HEAD /hang"), count("GET /hang")),
        (0, 1, 0),
        "{log:?}"
    );

    // The good answers are kept a day: asked again are only the others.
    let cache = s.read(".knead-cache/external-links.txt");
    assert!(cache.contains(&format!(" {}\n", u("/no-head"))), "{cache}");
    let before = srv.requests().len();
    let again = check(&s, "1");
    again.fails_with(1);
    assert!(
        again.stdout.contains("(3 good within the last day, not asked again)"),
        "{}",
        again.stdout
    );
    let asked: Vec<String> = srv.requests()[before..].to_vec();
    assert!(
        asked
            .iter()
            .all(|r| !r.ends_with("/ok") && !r.ends_with("/moved") && !r.ends_with("/no-head")),
        "{asked:?}"
    );
    assert!(asked.contains(&"HEAD /gone".to_owned()), "{asked:?}");

    // An entry older than a day is asked again.
    let old = cache.replace(&format!(" {}\n", u("/ok")), &format!(" {}\n", u("/x"))) + &format!("1000 {}\n", u("/ok"));
    s.write(".knead-cache/external-links.txt", &old);
    let before = srv.requests().len();
    check(&s, "1");
    assert!(srv.requests()[before..].contains(&"HEAD /ok".to_owned()));
}

#[test]
fn requests_are_limited_per_host_and_overall() {
    let all = Arc::new(Load::default());
    let servers: Vec<Server> = (0..6).map(|_| Server::start(Arc::clone(&all))).collect();
    let urls: Vec<String> = (servers.iter())
        .flat_map(|s| (0..4).map(move |i| s.url(&format!("/slow/{i}"))))
        .collect();
    let s = site(&urls, &[], &servers[0].url("/ok"), "/");
    check(&s, "10").ok();
    for srv in &servers {
        assert_eq!(
            srv.requests().iter().filter(|r| r.starts_with("HEAD /slow/")).count(),
            4
        );
        let max = srv.load.max.load(Ordering::SeqCst);
        assert!((1..=2).contains(&max), "{max} requests at once to one host");
    }
    let max = all.max.load(Ordering::SeqCst);
    assert!((3..=8).contains(&max), "{max} requests at once");
}

#[test]
fn an_unreachable_network_is_one_message() {
    // Ports nothing listens on: every connection is refused, as with no network.
    let closed: Vec<String> = (0..10)
        .map(|_| {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}/page", l.local_addr().unwrap())
        })
        .collect();
    let s = site(&closed[..9], &[], &closed[9], "/");
    let run = check(&s, "2");
    run.fails_with(1)
        .stderr_has("error: could not reach the network: no server answered")
        .stderr_has("help: connect to the network");
    assert!(!run.stderr.contains("broken link"), "{}", run.stderr);
    assert_eq!(run.stderr.matches("error:").count(), 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("10 web addresses not checked: no network"),
        "{}",
        run.stdout
    );
    assert!(!s.path(".knead-cache/external-links.txt").exists());
}
