//! The pages the preview server makes up when the output folder has none to show: while
//! the first build runs, and after a first build that failed (a typo in front matter
//! before any good build). Each carries the live-reload script, so it shows the errors
//! in the overlay and turns into the site once it builds. They are made in memory as
//! they are sent, never written: no output folder ever holds them.

use crate::render::feeds::xml_escape;

use super::reload::{self, Hub};

/// True for request paths that ask for a page rather than a file: a folder (`/`,
/// `/articles/x/`), an `.html` file, or a name without an extension.
pub fn is_page(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    last.is_empty() || last.ends_with(".html") || last.ends_with(".htm") || !last.contains('.')
}

/// The page to show in place of a missing one: the errors of a failed build, or a note
/// that the first build is running; `None` once a build has succeeded and none failed
/// since (then the output is there to serve).
pub fn page(hub: &Hub) -> Option<Vec<u8>> {
    let (title, body) = match hub.error() {
        Some(errors) => (
            "The site did not build",
            format!(
                "<h1>The site did not build</h1>\n<p>Fix the file and save: this page updates by itself.</p>\n<pre>{}</pre>",
                xml_escape(&errors)
            ),
        ),
        None if hub.build() == 0 => (
            "Building the site",
            "<h1>Building the site…</h1>\n<p>This page updates by itself once it is built.</p>".to_owned(),
        ),
        None => return None,
    };
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title} · knead</title>\n</head>\n<body style=\"font:16px/1.5 system-ui,sans-serif;margin:2rem\">\n{body}\n</body>\n</html>\n"
    );
    Some(reload::inject(html.as_bytes(), hub.build()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_files() {
        for page in ["/", "/articles/a/", "/about", "/404.html", "/sub/x.htm"] {
            assert!(is_page(page), "{page}");
        }
        for file in ["/style.css", "/search/docs/1.json", "/images/a.png", "/feed.xml"] {
            assert!(!is_page(file), "{file}");
        }
    }

    #[test]
    fn shows_the_errors_with_the_reload_script_until_a_good_build() {
        let hub = Hub::default();
        let building = String::from_utf8(page(&hub).unwrap()).unwrap();
        assert!(building.contains("Building the site"), "{building}");
        hub.build_error("content/a.md:3:1: error: <oops> & more");
        let failed = String::from_utf8(page(&hub).unwrap()).unwrap();
        assert!(
            failed.contains("content/a.md:3:1: error: &lt;oops&gt; &amp; more"),
            "{failed}"
        );
        assert!(failed.contains(&reload::tag(0)), "{failed}");
        hub.reload();
        assert_eq!(page(&hub), None, "the output is served once the site builds");
        hub.build_error("later");
        assert!(
            page(&hub).is_some(),
            "a page the last good build lacks shows the errors"
        );
    }
}
