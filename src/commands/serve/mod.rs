//! `knead serve`: `knead watch` plus a small HTTP server on the output folder, for
//! previewing a site locally. It binds 127.0.0.1 unless told otherwise, serves only
//! files inside the output folder, answers unknown paths with the site's 404 page (or,
//! before any good build, with a page showing the build's errors: [`placeholder`]), and
//! injects the live-reload script into HTML as it sends it. It follows the site's base
//! path when an edit of `base_url` changes it ([`Server::follow_base_path`]), and sends
//! pages asked for under the previous one to the same page under the new one.
//!
//! Each connection gets a thread, up to [`MAX_CONNECTIONS`] at once (more get `503`).
//! Every connection has deadlines: the request head must arrive within
//! [`HEAD_DEADLINE`] (so slow or silent clients cannot hold threads), and the response
//! must be taken within [`RESPONSE_DEADLINE`]. Malformed requests get a `4xx` and a clean
//! close. Each live-reload stream has a thread of its own, up to a limit.

pub mod files;
pub mod placeholder;
pub mod reload;

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use files::Lookup;
use reload::Hub;

/// Connections handled at once; more are answered `503` at once.
pub const MAX_CONNECTIONS: usize = 1024;
/// Live-reload streams open at once.
const MAX_STREAMS: usize = 64;
/// The largest request head (request line and headers).
const MAX_HEAD: usize = 16 * 1024;
/// How long a client may take to send its request head, in all.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// How long a client may take to receive a response, in all.
pub const RESPONSE_DEADLINE: Duration = Duration::from_secs(60);

/// A running server.
pub struct Server {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Live-reload clients and the last build error.
    pub hub: Arc<Hub>,
    bases: Arc<RwLock<Bases>>,
}

/// The base path the site is served under, and the one before it.
#[derive(Debug, Clone)]
struct Bases {
    current: String,
    previous: Option<String>,
}

impl Server {
    /// The base path the site is served under now (`/` or `/sub/`).
    pub fn base_path(&self) -> String {
        self.bases
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .current
            .clone()
    }

    /// Serves the site under `base_path` from now on (after an edit of `base_url`);
    /// pages asked for under the base path before are sent to the same page under the
    /// new one. True when the base path changed.
    pub fn follow_base_path(&self, base_path: &str) -> bool {
        let mut bases = self.bases.write().unwrap_or_else(PoisonError::into_inner);
        if bases.current == base_path {
            return false;
        }
        let before = std::mem::replace(&mut bases.current, base_path.to_owned());
        bases.previous = Some(before);
        true
    }

    /// The address of the site's home page, as a browser on this machine opens it.
    pub fn url(&self) -> String {
        url(self.addr, &self.base_path())
    }
}

/// The address a browser on this machine opens for a server listening on `addr`: the
/// address itself (IPv6 in brackets), or the loopback one for "every address".
pub fn url(addr: SocketAddr, base_path: &str) -> String {
    let host = match addr {
        SocketAddr::V4(a) if a.ip().is_unspecified() => Ipv4Addr::LOCALHOST.to_string(),
        SocketAddr::V4(a) => a.ip().to_string(),
        SocketAddr::V6(a) if a.ip().is_unspecified() => format!("[{}]", Ipv6Addr::LOCALHOST),
        // A link-local address needs its zone, written `%25` in a URL.
        SocketAddr::V6(a) if a.scope_id() != 0 => format!("[{}%25{}]", a.ip(), a.scope_id()),
        SocketAddr::V6(a) => format!("[{}]", a.ip()),
    };
    format!("http://{host}:{}{base_path}", addr.port())
}

/// How the output should be served.
#[derive(Debug, Clone)]
pub struct ServedSite {
    /// The output folder.
    pub root: PathBuf,
    /// The site's base path (`/` or `/sub/`).
    pub base_path: String,
}

/// Binds `bind:port`, or the next free port up to 20 above it. Returns the listener and
/// a note when the port was taken.
pub fn bind(ip: IpAddr, port: u16) -> std::io::Result<(TcpListener, Option<String>)> {
    let mut last = None;
    for p in port..=port.saturating_add(20) {
        match TcpListener::bind((ip, p)) {
            Ok(l) => {
                let note = (p != port).then(|| format!("port {port} is in use, so knead serves on port {p} instead"));
                return Ok((l, note));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free port")))
}

/// Starts serving `site` on `listener` in background threads.
pub fn start(listener: TcpListener, site: ServedSite) -> std::io::Result<Server> {
    let addr = listener.local_addr()?;
    let hub = Arc::new(Hub::default());
    let root = std::path::absolute(&site.root).unwrap_or(site.root.clone());
    let bases = Arc::new(RwLock::new(Bases {
        current: site.base_path,
        previous: None,
    }));
    let shared = Arc::new(Shared {
        root,
        bases: Arc::clone(&bases),
        hub: Arc::clone(&hub),
        connections: AtomicUsize::new(0),
        streams: AtomicUsize::new(0),
    });
    std::thread::Builder::new()
        .name("knead-serve-accept".into())
        .spawn(move || accept(listener, shared))?;
    Ok(Server { addr, hub, bases })
}

/// What every connection's thread shares.
struct Shared {
    /// The output folder.
    root: PathBuf,
    bases: Arc<RwLock<Bases>>,
    hub: Arc<Hub>,
    connections: AtomicUsize,
    streams: AtomicUsize,
}

/// Decrements a counter when a connection's thread ends, however it ends.
struct Slot<'a>(&'a AtomicUsize);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn accept(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else {
            // Out of file descriptors, or a connection reset before it was accepted:
            // give the system a moment instead of spinning.
            std::thread::sleep(Duration::from_millis(5));
            continue;
        };
        if shared.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
            busy(&mut stream);
            continue;
        }
        let for_thread = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("knead-serve".into())
            .stack_size(512 * 1024)
            .spawn(move || {
                let _slot = Slot(&for_thread.connections);
                handle(stream, &for_thread);
            });
        if spawned.is_err() {
            // The closure (and the stream) is gone with the failed spawn.
            shared.connections.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Tells a client the server is full, without waiting for it.
fn busy(stream: &mut TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let _ = stream.write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 16\r\nRetry-After: 1\r\nConnection: close\r\n\r\nbusy, try again\n",
    );
    let _ = stream.shutdown(Shutdown::Write);
}

/// Why a request head could not be read.
enum HeadError {
    /// The client closed, or sent nothing in time: nothing to answer.
    Gone,
    /// The head is larger than [`MAX_HEAD`].
    TooLarge,
}

/// Reads the request head (up to the blank line), bounded in size and in total time.
/// Returns early, for a `400`, once what came cannot be the start of a request.
fn read_head(stream: &mut TcpStream) -> Result<Vec<u8>, HeadError> {
    let deadline = Instant::now() + HEAD_DEADLINE;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    let mut parsed_at = 0usize;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(HeadError::Gone);
        }
        let n = match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(HeadError::Gone),
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        // Parse again only when a line may have ended (or much came), so a client
        // sending one byte at a time costs little.
        if parsed_at == 0 || chunk[..n].contains(&b'\n') || buf.len() - parsed_at >= 512 {
            parsed_at = buf.len();
            let mut headers = [httparse::EMPTY_HEADER; 64];
            match httparse::Request::new(&mut headers).parse(&buf) {
                Ok(httparse::Status::Complete(len)) => {
                    buf.truncate(len);
                    return Ok(buf);
                }
                Ok(httparse::Status::Partial) => {}
                Err(_) => return Ok(buf),
            }
        }
        if buf.len() > MAX_HEAD {
            return Err(HeadError::TooLarge);
        }
    }
}

/// Closes a connection whose request was not read to its end without resetting it, so
/// the client sees the response: stop writing, then drain what it still sends, briefly.
fn linger_close(stream: &mut TcpStream) {
    let _ = stream.flush();
    if stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut sink = [0u8; 4096];
    let mut drained = 0usize;
    while drained < 1 << 20 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}

fn status_text(code: u16) -> &'static str {
    match code {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

fn respond(
    stream: &mut TcpStream,
    code: u16,
    content_type: &str,
    body: &[u8],
    head_only: bool,
    extra: &[(&str, &str)],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {code} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        status_text(code),
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut w = Deadline {
        stream,
        deadline: Instant::now() + RESPONSE_DEADLINE,
    };
    w.write_all(head.as_bytes())?;
    if !head_only {
        w.write_all(body)?;
    }
    w.stream.flush()
}

/// Writes to a stream until a deadline for the whole response, however slowly the
/// client reads.
struct Deadline<'a> {
    stream: &'a mut TcpStream,
    deadline: Instant,
}

impl Write for Deadline<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        self.stream.set_write_timeout(Some(left))?;
        // At most 64 KiB at a time, so the deadline is checked as the response goes.
        self.stream.write(&buf[..buf.len().min(64 * 1024)])
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

/// The path of a request target: origin-form (`/a/b?q`) as it is, absolute-form
/// (`http://host/a/b?q`) without its scheme and host, anything else (`*`, `host:port`)
/// `None`.
fn target_path(target: &str) -> Option<&str> {
    if target.starts_with('/') {
        return Some(target);
    }
    let lower = target.get(..8).unwrap_or(target).to_ascii_lowercase();
    let rest = if lower.starts_with("http://") {
        &target[7..]
    } else if lower.starts_with("https://") {
        &target[8..]
    } else {
        return None;
    };
    Some(rest.find('/').map_or("/", |i| &rest[i..]))
}

fn error(stream: &mut TcpStream, code: u16, text: &[u8], extra: &[(&str, &str)]) {
    let _ = respond(stream, code, "text/plain; charset=utf-8", text, false, extra);
    linger_close(stream);
}

fn handle(mut stream: TcpStream, shared: &Shared) {
    let head = match read_head(&mut stream) {
        Ok(h) => h,
        Err(HeadError::Gone) => return,
        Err(HeadError::TooLarge) => {
            return error(&mut stream, 431, b"request header fields too large\n", &[]);
        }
    };
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut headers);
    let (method, target) = match req.parse(&head) {
        Ok(httparse::Status::Complete(_)) => (req.method.unwrap_or(""), req.path.unwrap_or("")),
        Err(httparse::Error::TooManyHeaders) => {
            return error(&mut stream, 431, b"too many headers\n", &[]);
        }
        _ => return error(&mut stream, 400, b"bad request\n", &[]),
    };
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return error(&mut stream, 405, b"only GET and HEAD\n", &[("Allow", "GET, HEAD")]);
    }
    let Some(path) = target_path(target) else {
        return error(&mut stream, 400, b"bad request target\n", &[]);
    };
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let (hub, streams) = (&shared.hub, &shared.streams);
    if path == reload::SCRIPT_PATH {
        let _ = respond(
            &mut stream,
            200,
            "text/javascript; charset=utf-8",
            reload::SCRIPT.as_bytes(),
            head_only,
            &[],
        );
        return;
    }
    if path == reload::EVENTS_PATH && !head_only {
        if streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
            streams.fetch_sub(1, Ordering::SeqCst);
            return error(&mut stream, 503, b"too many live-reload streams\n", &[]);
        }
        let _slot = Slot(streams);
        return event_stream(stream, hub);
    }
    // The output folder is swapped in by builds: resolve it for every request.
    let root = shared.root.canonicalize().unwrap_or_else(|_| shared.root.clone());
    let bases = shared.bases.read().unwrap_or_else(PoisonError::into_inner).clone();
    // A page under the previous base path is only for now: a temporary redirect.
    let (redirect, lookup) = match files::resolve(&root, &bases.current, path) {
        Lookup::NotFound => {
            moved(&root, &bases, path).map_or((301, Lookup::NotFound), |to| (302, Lookup::Redirect(to)))
        }
        found => (301, found),
    };
    let _ = match lookup {
        Lookup::File(file) => match std::fs::read(&file) {
            Ok(bytes) => send_file(&mut stream, 200, &file, bytes, head_only, hub),
            Err(_) => not_found(&mut stream, &shared.root, path, head_only, hub),
        },
        Lookup::Redirect(to) => respond(
            &mut stream,
            redirect,
            "text/plain; charset=utf-8",
            b"",
            head_only,
            &[("Location", &to)],
        ),
        Lookup::NotFound => not_found(&mut stream, &shared.root, path, head_only, hub),
        Lookup::Forbidden => respond(
            &mut stream,
            403,
            "text/plain; charset=utf-8",
            b"forbidden\n",
            head_only,
            &[],
        ),
    };
}

fn send_file(
    stream: &mut TcpStream,
    code: u16,
    file: &Path,
    bytes: Vec<u8>,
    head_only: bool,
    hub: &Hub,
) -> std::io::Result<()> {
    let ct = files::content_type(file);
    let body = if ct.starts_with("text/html") {
        reload::inject(&bytes, hub.build())
    } else {
        bytes
    };
    respond(stream, code, ct, &body, head_only, &[])
}

/// Where a page asked for under the previous base path now is: the same path under the
/// current one, when something is there (so a page open before an edit of `base_url`
/// reloads into the site, and no redirect can lead to another).
fn moved(root: &Path, bases: &Bases, path: &str) -> Option<String> {
    let previous = bases.previous.as_deref().filter(|p| *p != bases.current)?;
    let rest = match path.strip_prefix(previous) {
        Some(rest) => rest,
        None if format!("{path}/") == previous => "",
        None => return None,
    };
    let to = format!("{}{rest}", bases.current);
    match files::resolve(root, &bases.current, &to) {
        Lookup::File(_) | Lookup::Redirect(_) => Some(to),
        Lookup::NotFound | Lookup::Forbidden => None,
    }
}

/// The site's 404 page; where there is none, before any good build, a page showing the
/// build's errors (or that it is running) for a page's path; else plain text.
fn not_found(stream: &mut TcpStream, root: &Path, path: &str, head_only: bool, hub: &Hub) -> std::io::Result<()> {
    let page = root.join("404.html");
    if let Ok(bytes) = std::fs::read(&page) {
        return send_file(stream, 404, &page, bytes, head_only, hub);
    }
    match placeholder::page(hub).filter(|_| placeholder::is_page(path)) {
        Some(html) => respond(
            stream,
            503,
            "text/html; charset=utf-8",
            &html,
            head_only,
            &[("Retry-After", "1")],
        ),
        None => respond(stream, 404, "text/plain; charset=utf-8", b"not found\n", head_only, &[]),
    }
}

/// A server-sent events stream: build errors and reload requests, with a heartbeat so
/// closed pages are noticed.
fn event_stream(mut stream: TcpStream, hub: &Hub) {
    let rx = hub.subscribe();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
    if stream.set_write_timeout(Some(Duration::from_secs(5))).is_err() || stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    loop {
        let msg = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_owned(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if stream.write_all(msg.as_bytes()).and_then(|()| stream.flush()).is_err() {
            return;
        }
    }
}
