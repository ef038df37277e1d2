//! `knead serve`: `knead watch` plus a small HTTP server on the output folder, for
//! previewing a site locally. It binds 127.0.0.1 unless told otherwise, serves only
//! files inside the output folder, answers unknown paths with the site's 404 page, and
//! injects the live-reload script into HTML as it sends it.
//!
//! A fixed pool of worker threads handles requests, with a bounded queue: under load,
//! extra connections get `503` rather than unbounded threads. Each live-reload stream
//! has a thread of its own, up to a limit.

pub mod files;
pub mod reload;

use std::io::{BufWriter, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use files::Resolved;
use reload::Hub;

const WORKERS: usize = 8;
const QUEUE: usize = 512;
const MAX_STREAMS: usize = 64;
const MAX_HEAD: usize = 16 * 1024;

/// A running server.
pub struct Server {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Live-reload clients and the last build error.
    pub hub: Arc<Hub>,
}

/// How the output should be served.
#[derive(Debug, Clone)]
pub struct Site {
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
pub fn start(listener: TcpListener, site: Site) -> std::io::Result<Server> {
    let addr = listener.local_addr()?;
    let hub = Arc::new(Hub::default());
    let root = std::path::absolute(&site.root).unwrap_or(site.root.clone());
    let site = Arc::new(Site { root, ..site });
    let (tx, rx) = sync_channel::<TcpStream>(QUEUE);
    let rx = Arc::new(Mutex::new(rx));
    let streams = Arc::new(AtomicUsize::new(0));
    for _ in 0..WORKERS {
        let (rx, site, hub, streams) = (
            Arc::clone(&rx),
            Arc::clone(&site),
            Arc::clone(&hub),
            Arc::clone(&streams),
        );
        std::thread::spawn(move || {
            loop {
                let next = rx.lock().map(|r| r.recv());
                let Ok(Ok(stream)) = next else { break };
                handle(stream, &site, &hub, &streams);
            }
        });
    }
    std::thread::spawn(move || accept(listener, tx));
    Ok(Server { addr, hub })
}

fn accept(listener: TcpListener, tx: SyncSender<TcpStream>) {
    for stream in listener.incoming().flatten() {
        match tx.try_send(stream) {
            Ok(()) => {}
            Err(TrySendError::Full(mut s)) => {
                let _ = respond(
                    &mut s,
                    503,
                    "text/plain; charset=utf-8",
                    b"busy, try again\n",
                    false,
                    &[],
                );
            }
            Err(TrySendError::Disconnected(_)) => break,
        }
    }
}

/// Reads the request head (up to the blank line), bounded in size and time.
fn read_head(stream: &mut TcpStream) -> Option<Vec<u8>> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        if buf.len() > MAX_HEAD {
            return None;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(buf)
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
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut w = BufWriter::new(stream);
    write!(
        w,
        "HTTP/1.1 {code} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        status_text(code),
        body.len()
    )?;
    for (k, v) in extra {
        write!(w, "{k}: {v}\r\n")?;
    }
    w.write_all(b"\r\n")?;
    if !head_only {
        w.write_all(body)?;
    }
    w.flush()
}

fn handle(mut stream: TcpStream, site: &Site, hub: &Arc<Hub>, streams: &Arc<AtomicUsize>) {
    let Some(head) = read_head(&mut stream) else {
        let _ = respond(
            &mut stream,
            400,
            "text/plain; charset=utf-8",
            b"bad request\n",
            false,
            &[],
        );
        return;
    };
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut headers);
    let (method, path) = match req.parse(&head) {
        Ok(httparse::Status::Complete(_)) => (req.method.unwrap_or(""), req.path.unwrap_or("")),
        Err(httparse::Error::TooManyHeaders) => {
            let _ = respond(
                &mut stream,
                431,
                "text/plain; charset=utf-8",
                b"too many headers\n",
                false,
                &[],
            );
            return;
        }
        _ => {
            let _ = respond(
                &mut stream,
                400,
                "text/plain; charset=utf-8",
                b"bad request\n",
                false,
                &[],
            );
            return;
        }
    };
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        let _ = respond(
            &mut stream,
            405,
            "text/plain; charset=utf-8",
            b"only GET and HEAD\n",
            false,
            &[("Allow", "GET, HEAD")],
        );
        return;
    }
    let path = path.split(['?', '#']).next().unwrap_or("/");
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
            let _ = respond(
                &mut stream,
                503,
                "text/plain; charset=utf-8",
                b"too many live-reload streams\n",
                false,
                &[],
            );
            return;
        }
        let (hub, streams) = (Arc::clone(hub), Arc::clone(streams));
        std::thread::spawn(move || {
            event_stream(stream, &hub);
            streams.fetch_sub(1, Ordering::SeqCst);
        });
        return;
    }
    // The output folder is swapped in by builds: resolve it for every request.
    let root = site.root.canonicalize().unwrap_or_else(|_| site.root.clone());
    let _ = match files::resolve(&root, &site.base_path, path) {
        Resolved::File(file) => match std::fs::read(&file) {
            Ok(bytes) => send_file(&mut stream, 200, &file, bytes, head_only),
            Err(_) => not_found(&mut stream, site, head_only),
        },
        Resolved::Redirect(to) => respond(
            &mut stream,
            301,
            "text/plain; charset=utf-8",
            b"",
            head_only,
            &[("Location", &to)],
        ),
        Resolved::NotFound => not_found(&mut stream, site, head_only),
        Resolved::Forbidden => respond(
            &mut stream,
            403,
            "text/plain; charset=utf-8",
            b"forbidden\n",
            head_only,
            &[],
        ),
    };
}

fn send_file(stream: &mut TcpStream, code: u16, file: &Path, bytes: Vec<u8>, head_only: bool) -> std::io::Result<()> {
    let ct = files::content_type(file);
    let body = if ct.starts_with("text/html") {
        reload::inject(&bytes)
    } else {
        bytes
    };
    respond(stream, code, ct, &body, head_only, &[])
}

fn not_found(stream: &mut TcpStream, site: &Site, head_only: bool) -> std::io::Result<()> {
    let page = site.root.join("404.html");
    match std::fs::read(&page) {
        Ok(bytes) => send_file(stream, 404, &page, bytes, head_only),
        Err(_) => respond(stream, 404, "text/plain; charset=utf-8", b"not found\n", head_only, &[]),
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
