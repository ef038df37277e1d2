//! `knead watch` and `knead serve` as real processes on a temporary site: edits,
//! deletions and broken files are picked up; the server serves the output safely.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::support::{Running, Site, http_get as get, knead, serve, tree, wait_for, wait_line};

fn start(site: &Site, args: &[&str]) -> Running {
    Running::start(knead().args(args).arg("--root").arg(site.root()))
}

#[test]
fn watch_rebuilds_edits_deletions_and_recovers_from_errors() {
    let site = Site::new("basic");
    let w = start(&site, &["watch"]);
    wait_line(&w.out, "built: rendered");
    let page = site.path("public/articles/second/index.html");
    assert!(
        site.read("public/articles/second/index.html")
            .contains("What to expect")
    );

    // An edit of the body shows up, and the one-line summary says what changed.
    site.edit(
        "content/articles/second.md",
        "## What to expect",
        "## What to expect\n\nFreshly edited words.",
    );
    let line = wait_line(&w.out, "content/articles/second.md changed: rendered");
    assert!(line.contains(" ms"), "{line}");
    wait_for("the edit", || {
        std::fs::read_to_string(&page).is_ok_and(|t| t.contains("Freshly edited words."))
    });

    // A broken file: the errors are printed and the last good output stays.
    let before = tree(&site.path("public"));
    site.edit("content/articles/second.md", "title: ", "titel: ");
    wait_line(&w.err, "unknown front matter key `titel`");
    wait_line(&w.err, "still holds the last good build");
    assert_eq!(tree(&site.path("public")), before);

    // Fixing it recovers without a restart.
    site.edit("content/articles/second.md", "titel: ", "title: ");
    wait_line(&w.out, "content/articles/second.md changed");

    // A new article appears; a deleted one disappears with its folder.
    site.write(
        "content/articles/third.md",
        "---\ntitle: \"Third\"\ndescription: \"d\"\ndate: 2025-05-05\n---\n\nNew.\n",
    );
    wait_for("the new article", || {
        site.path("public/articles/third/index.html").is_file()
    });
    std::fs::remove_file(site.path("content/articles/third.md")).unwrap();
    wait_for("the deleted article to go", || {
        !site.path("public/articles/third").exists()
    });
    wait_line(&w.out, ", removed ");

    // Editor leftovers trigger nothing.
    site.write("content/articles/second.md~", "backup");
    site.write("content/articles/.second.md.swp", "swap");
    site.write(
        "content/articles/first.md",
        &site
            .read("content/articles/first.md")
            .replace("Intro paragraph.", "Intro paragraph, edited."),
    );
    let line = wait_line(&w.out, "changed: rendered");
    assert!(
        line.starts_with("content/articles/first.md changed"),
        "only the real edit is reported: {line}"
    );
}

#[test]
fn serve_serves_the_output_safely_and_reloads_pages() {
    let site = Site::new("basic");
    site.edit(
        "site.yaml",
        "base_url: \"https://example.org/\"",
        "base_url: \"https://example.org/backcare/\"",
    );
    let s = start(&site, &["serve", "--port", "0"]);
    let line = wait_line(&s.out, "Serving the site at http://127.0.0.1:");
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap();
    let port: u16 = url
        .trim_start_matches("http://127.0.0.1:")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(url.ends_with("/backcare/"), "{url}");
    wait_line(&s.out, "built: rendered");

    let (code, head, body) = get(port, "/backcare/articles/first/");
    assert_eq!(code, 200, "{head}");
    assert!(head.contains("Content-Type: text/html; charset=utf-8"));
    let html = String::from_utf8(body).unwrap();
    // The build number is 1, or more if the watcher saw late events of the files this
    // test wrote before starting it (a busy machine) and rebuilt.
    let tag = html.split("<script src=\"/__knead/reload.js\" data-build=\"").nth(1);
    assert!(
        tag.is_some_and(|t| t
            .split_once('"')
            .is_some_and(|(n, rest)| n.parse::<u64>().is_ok() && rest.starts_with("></script></body>"))),
        "reload script injected at the end: {html}"
    );
    assert!(
        !site.read("public/articles/first/index.html").contains("__knead"),
        "never written to the output"
    );

    assert!(get(port, "/backcare/style.css").1.contains("Content-Type: text/css"));
    assert!(
        get(port, "/backcare/images/back.png")
            .1
            .contains("Content-Type: image/png")
    );
    let (code, head, _) = get(port, "/backcare/articles/first");
    assert_eq!(code, 301);
    assert!(head.contains("Location: /backcare/articles/first/"), "{head}");
    let (code, _, body) = get(port, "/backcare/no/such/page/");
    assert_eq!(code, 404);
    assert!(
        String::from_utf8_lossy(&body).contains("<html"),
        "the site's own 404 page"
    );
    for bad in [
        "/backcare/../../etc/passwd",
        "/backcare/%2e%2e/%2e%2e/etc/passwd",
        "/backcare/..%2f..%2fsite.yaml",
    ] {
        assert_eq!(get(port, bad).0, 403, "{bad}");
    }

    // A page listening for reloads hears one after an edit.
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    events.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(events, "GET /__knead/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut reader = BufReader::new(events);
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    site.edit(
        "content/articles/second.md",
        "## What to expect",
        "## What to expect\n\nServed edit.",
    );
    let mut seen = String::new();
    while !seen.contains("event: reload") {
        let mut l = String::new();
        assert!(reader.read_line(&mut l).unwrap() > 0, "stream closed: {seen}");
        seen.push_str(&l);
    }
    // A broken build is pushed to open pages as an error.
    site.edit("content/articles/second.md", "title: ", "titel: ");
    while !seen.contains("event: build-error") {
        let mut l = String::new();
        assert!(reader.read_line(&mut l).unwrap() > 0, "stream closed: {seen}");
        seen.push_str(&l);
    }
    let mut data = String::new();
    reader.read_line(&mut data).unwrap();
    assert!(
        data.starts_with("data: ") && data.contains("unknown front matter key"),
        "{data}"
    );
}

#[test]
fn serve_outlives_a_template_that_never_finishes() {
    let site = Site::new("basic");
    let served = serve(&site, &[("KNEAD_RENDER_TIMEOUT", "1")]);
    let (s, port) = (&served.run, served.port);
    wait_line(&s.out, "built: rendered");
    let before = crate::support::tree(&site.path("public"));

    // 10^10 empty iterations over one list: Tera writes nothing and calls nothing of
    // knead's, so only the watchdog can notice.
    site.write(
        "templates/404.html",
        "{% set xs = range(end=100000) %}{% for i in xs %}{% for j in xs %}{% endfor %}{% endfor %}",
    );
    let error = wait_line(&s.err, "the template `404.html` has been rendering 404.html for");
    assert!(error.contains("so this rebuild was abandoned"), "{error}");
    let at = wait_line(&s.err, "404.html");
    assert!(at.contains("templates/404.html"), "located in the template: {at}");
    wait_line(&s.err, "still holds the last good build");
    // The server still answers, from the previous output, which is untouched.
    let (code, _, body) = get(port, "/articles/first/");
    assert_eq!(code, 200);
    assert!(String::from_utf8_lossy(&body).contains("First article"));
    assert_eq!(get(port, "/no/such/page/").0, 404);
    assert_eq!(crate::support::tree(&site.path("public")), before);

    // Fixing the template brings a good (full) rebuild.
    site.write(
        "templates/404.html",
        "<!doctype html><title>Lost</title><p>Fixed 404 page.</p>",
    );
    wait_line(&s.out, "templates/404.html changed: rendered");
    wait_for("the fixed 404 page", || {
        std::fs::read_to_string(site.path("public/404.html")).is_ok_and(|t| t.contains("Fixed 404 page."))
    });
    let (code, _, body) = get(port, "/no/such/page/");
    assert_eq!(code, 404);
    assert!(String::from_utf8_lossy(&body).contains("Fixed 404 page."));
    assert_eq!(get(port, "/articles/first/").0, 200);
}
