//! The dev server under hostile and heavy use, on 127.0.0.1 only: no path leads out of
//! the output folder, folders are never listed, it listens on loopback by default, 1,000
//! concurrent connections all get answers, and malformed requests (garbage, huge heads,
//! slow clients, odd methods and targets, requests split across packets) each get a
//! valid HTTP response or a clean close, after which the server still answers normally.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use knead::build::pipeline::Options;

use crate::support::{Site, copy_dir, fixture, knead};

/// A built fixture site served in-process; a secret file sits beside the output.
struct Served {
    _dir: tempfile::TempDir,
    addr: SocketAddr,
}

const SECRET: &str = "TOP-SECRET-BESIDE-THE-OUTPUT";

fn serve() -> Served {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(&fixture("basic"), &root);
    let out = dir.path().join("out");
    knead::build::pipeline::build(&Options {
        root,
        output: Some(out.clone()),
        ..Options::default()
    })
    .unwrap();
    std::fs::write(dir.path().join("secret.txt"), SECRET).unwrap();
    std::fs::create_dir_all(out.join("empty-folder")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), out.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), out.join("up")).unwrap();
    }
    let (listener, _) = knead::commands::serve::bind(Ipv4Addr::LOCALHOST.into(), 0).unwrap();
    let server = knead::commands::serve::start(
        listener,
        knead::commands::serve::ServedSite {
            root: out,
            base_path: "/".into(),
        },
    )
    .unwrap();
    Served {
        _dir: dir,
        addr: server.addr,
    }
}

/// A response: status and body; `None` for a clean close without a response.
#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Reads until the server closes, and checks that what came is one valid HTTP response
/// (status line, headers, a body as long as Content-Length) or nothing at all.
fn read_response(stream: &mut TcpStream, head_only: bool) -> Option<Response> {
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) => panic!("not a clean close: {e} after {} bytes", bytes.len()),
        }
    }
    if bytes.is_empty() {
        return None;
    }
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut r = httparse::Response::new(&mut headers);
    let head_len = match r.parse(&bytes) {
        Ok(httparse::Status::Complete(n)) => n,
        other => panic!(
            "not an HTTP response ({other:?}): {:?}",
            String::from_utf8_lossy(&bytes)
        ),
    };
    assert_eq!(r.version, Some(1));
    let headers: Vec<(String, String)> = r
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let body = bytes[head_len..].to_vec();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .expect("Content-Length");
    if !head_only {
        assert_eq!(body.len(), length, "body length");
    }
    Some(Response {
        status: r.code.unwrap(),
        headers,
        body,
    })
}

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect_timeout(&addr, Duration::from_secs(10)).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// Sends `raw` as it is and reads the answer.
fn raw(addr: SocketAddr, raw: &[u8]) -> Option<Response> {
    let mut s = connect(addr);
    // The server may answer (and close) before reading everything: that is fine.
    let _ = s.write_all(raw);
    read_response(&mut s, raw.starts_with(b"HEAD"))
}

fn get(addr: SocketAddr, target: &str) -> Response {
    raw(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes(),
    )
    .expect("a response")
}

fn still_answers(addr: SocketAddr) {
    let start = Instant::now();
    let r = get(addr, "/articles/first/");
    assert_eq!(r.status, 200);
    assert!(String::from_utf8_lossy(&r.body).contains("First article"));
    assert!(start.elapsed() < Duration::from_secs(5), "slow: {:?}", start.elapsed());
}

#[test]
fn no_path_leads_out_of_the_output() {
    let s = serve();
    for target in [
        "/../secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/articles/..%5c..%5csecret.txt",
        "/articles/../../secret.txt",
        "/./../secret.txt",
        "/link.txt",
        "/up/secret.txt",
        "/up/",
        "//secret.txt",
        "/%00/secret.txt",
        "/secret.txt%00.html",
        "/..",
        "/%zz",
        "http://localhost/../secret.txt",
        "http://localhost/%2e%2e/secret.txt",
        "/static/%c0%ae%c0%ae/secret.txt",
    ] {
        let r = get(s.addr, target);
        assert!(matches!(r.status, 400 | 403 | 404), "{target}: {}", r.status);
        assert!(
            !String::from_utf8_lossy(&r.body).contains(SECRET),
            "{target} leaked the secret"
        );
    }
    // Folders: their index.html, or the 404 page; never a listing.
    let r = get(s.addr, "/empty-folder/");
    assert_eq!(r.status, 404);
    assert!(!String::from_utf8_lossy(&r.body).contains("Index of"));
    assert_eq!(get(s.addr, "/images/").status, 404);
    let r = get(s.addr, "/articles");
    assert_eq!(r.status, 301);
    assert!(r.headers.contains(&("location".into(), "/articles/".into())));
    still_answers(s.addr);
}

#[test]
fn malformed_requests_get_an_answer_or_a_clean_close() {
    let s = serve();
    let mut huge_header = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    huge_header.extend(std::iter::repeat_n(b'a', 100_000));
    huge_header.extend_from_slice(b"\r\n\r\n");
    let mut many_headers = b"GET / HTTP/1.1\r\n".to_vec();
    for i in 0..200 {
        many_headers.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    many_headers.extend_from_slice(b"\r\n");
    let long_target = format!("GET /{} HTTP/1.1\r\n\r\n", "a/".repeat(7000));
    let cases: Vec<(&str, Vec<u8>, &[u16])> = vec![
        ("garbage", b"\x00\x01\x02\xff\xfe garbage \r\n\r\n".to_vec(), &[400]),
        (
            "binary noise",
            (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect(),
            &[400, 431],
        ),
        ("HTTP/0.9", b"GET /\r\n\r\n".to_vec(), &[400]),
        ("no version", b"GET / \r\n\r\n".to_vec(), &[400]),
        ("bad version", b"GET / HTTP/9.9\r\n\r\n".to_vec(), &[400]),
        ("huge header", huge_header, &[431]),
        ("many headers", many_headers, &[431]),
        ("long target", long_target.into_bytes(), &[404, 431]),
        ("unknown method", b"FOO / HTTP/1.1\r\n\r\n".to_vec(), &[405]),
        (
            "POST with a body",
            b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello".to_vec(),
            &[405],
        ),
        ("lower-case method", b"get / HTTP/1.1\r\n\r\n".to_vec(), &[405]),
        ("bad method chars", b"G(T / HTTP/1.1\r\n\r\n".to_vec(), &[400]),
        ("DELETE", b"DELETE /index.html HTTP/1.1\r\n\r\n".to_vec(), &[405]),
        ("OPTIONS *", b"OPTIONS * HTTP/1.1\r\n\r\n".to_vec(), &[405]),
        ("CONNECT", b"CONNECT example.org:443 HTTP/1.1\r\n\r\n".to_vec(), &[405]),
        ("GET *", b"GET * HTTP/1.1\r\n\r\n".to_vec(), &[400]),
        (
            "authority form",
            b"GET example.org:80 HTTP/1.1\r\n\r\n".to_vec(),
            &[400],
        ),
        (
            "absolute form",
            b"GET http://127.0.0.1/articles/first/ HTTP/1.1\r\n\r\n".to_vec(),
            &[200],
        ),
        (
            "absolute form https",
            b"GET HTTPS://example.org HTTP/1.1\r\n\r\n".to_vec(),
            &[200],
        ),
        (
            "header without colon",
            b"GET / HTTP/1.1\r\nno colon here\r\n\r\n".to_vec(),
            &[400],
        ),
        (
            "non-UTF-8 target",
            b"GET /\xff\xfe HTTP/1.1\r\n\r\n".to_vec(),
            &[400, 403],
        ),
        ("bare LF", b"GET / HTTP/1.1\nHost: x\n\n".to_vec(), &[200, 400]),
        ("HEAD", b"HEAD /articles/first/ HTTP/1.1\r\n\r\n".to_vec(), &[200]),
        (
            "pipelined",
            b"GET / HTTP/1.1\r\n\r\nGET /faq/ HTTP/1.1\r\n\r\n".to_vec(),
            &[200],
        ),
    ];
    for (name, bytes, expected) in &cases {
        match raw(s.addr, bytes) {
            Some(r) => assert!(expected.contains(&r.status), "{name}: got {}", r.status),
            None => panic!("{name}: no response"),
        }
    }
    // Clients that connect and go away, or close half-way.
    for partial in [&b""[..], b"GET", b"GET / HTTP/1.1\r\nHost:", b"\r\n\r\n\r\n"] {
        let mut c = connect(s.addr);
        c.write_all(partial).unwrap();
        c.shutdown(Shutdown::Write).unwrap();
        assert!(
            read_response(&mut c, false).is_none(),
            "{partial:?}: an answer to half a request"
        );
    }
    still_answers(s.addr);
}

#[test]
fn requests_split_across_packets() {
    let s = serve();
    let mut c = connect(s.addr);
    c.set_nodelay(true).unwrap();
    for piece in [
        "GE",
        "T /artic",
        "les/first/ HT",
        "TP/1.1\r",
        "\nHost: local",
        "host\r\n",
        "\r",
        "\n",
    ] {
        c.write_all(piece.as_bytes()).unwrap();
        c.flush().unwrap();
        std::thread::sleep(Duration::from_millis(30));
    }
    let r = read_response(&mut c, false).unwrap();
    assert_eq!(r.status, 200);
    assert!(String::from_utf8_lossy(&r.body).contains("First article"));
}

#[test]
fn slow_clients_cannot_hold_the_server() {
    let s = serve();
    // 300 clients that send half a request and then nothing.
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut c = connect(s.addr);
            c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
            c
        })
        .collect();
    // A slowloris: one byte every 300 ms, forever; the server must not wait past its
    // deadline for the whole head, however steadily the bytes come.
    let addr = s.addr;
    let slow = std::thread::spawn(move || {
        let mut c = connect(addr);
        let start = Instant::now();
        let line = b"GET / HTTP/1.1\r\nX-Slow: ".iter().chain(std::iter::repeat(&b'a'));
        for &b in line {
            if c.write_all(&[b]).is_err() || start.elapsed() > Duration::from_secs(40) {
                break;
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        start.elapsed()
    });
    for _ in 0..20 {
        still_answers(s.addr);
    }
    let held = slow.join().unwrap();
    assert!(
        held < knead::commands::serve::HEAD_DEADLINE + Duration::from_secs(5),
        "the slow client was held for {held:?}"
    );
    drop(idle);
    still_answers(s.addr);
}

#[test]
fn a_thousand_concurrent_connections() {
    let s = serve();
    let addr = s.addr;
    let expected = get(addr, "/articles/first/").body;
    // 20 threads each open 50 connections, send a request on every one, then read every
    // answer: 1,000 connections open at once.
    let threads: Vec<_> = (0..20)
        .map(|t| {
            let expected = expected.clone();
            std::thread::spawn(move || {
                let mut conns: Vec<(TcpStream, &str)> = (0..50)
                    .map(|i| {
                        let target = match (t + i) % 4 {
                            0 => "/articles/first/",
                            1 => "/style.css",
                            2 => "/nope/",
                            _ => "/images/back.png",
                        };
                        (connect(addr), target)
                    })
                    .collect();
                for (c, target) in &mut conns {
                    c.write_all(format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
                        .unwrap();
                }
                let mut statuses = Vec::new();
                for (mut c, target) in conns {
                    let r = read_response(&mut c, false).expect("a response");
                    if target == "/articles/first/" && r.status == 200 {
                        assert_eq!(r.body, expected);
                    }
                    statuses.push((target, r.status));
                }
                statuses
            })
        })
        .collect();
    let mut busy = 0;
    for t in threads {
        for (target, status) in t.join().unwrap() {
            match (target, status) {
                (_, 503) => busy += 1,
                ("/nope/", 404) | (_, 200) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    assert_eq!(busy, 0, "connections turned away under a load of 1,000");
    still_answers(addr);
}

#[cfg(target_os = "linux")]
#[test]
fn knead_serve_listens_on_loopback_by_default() {
    use std::io::BufRead;
    let site = Site::new("basic");
    let mut child = knead()
        .args(["serve", "--port", "0", "--root"])
        .arg(site.root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    // The kernel's table of listening sockets: local address 127.0.0.1 only.
    let tcp = std::fs::read_to_string("/proc/net/tcp").unwrap();
    let listening: Vec<&str> = tcp
        .lines()
        .skip(1)
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() > 3 && f[3] == "0A" && f[1].ends_with(&format!(":{port:04X}"))
        })
        .collect();
    let _ = child.kill();
    let _ = child.wait();
    assert!(!listening.is_empty(), "no listening socket on port {port}");
    for l in listening {
        assert!(l.split_whitespace().nth(1).unwrap().starts_with("0100007F:"), "{l}");
    }
}
