//! Mapping request paths to files of the output folder, safely: percent-decoding,
//! refusing `..`, backslashes and NUL, serving `index.html` for folders, and refusing
//! anything (symlinks included) that resolves outside the output folder.

use std::path::{Path, PathBuf};

/// What a request path maps to.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A file to send.
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect here.
    Redirect(String),
    /// Nothing there.
    NotFound,
    /// A path that tries to leave the output folder, or is malformed.
    Forbidden,
}

/// Decodes `%xx`; `None` for bad escapes or non-UTF-8 results.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Resolves `request_path` (already without query) under `root` (canonical), for a site
/// published under `base_path` (`/` or `/sub/`).
pub fn resolve(root: &Path, base_path: &str, request_path: &str) -> Lookup {
    let Some(decoded) = percent_decode(request_path) else {
        return Lookup::Forbidden;
    };
    if decoded.contains(['\0', '\\']) || !decoded.starts_with('/') {
        return Lookup::Forbidden;
    }
    if decoded.split('/').any(|seg| seg == ".." || seg == ".") {
        return Lookup::Forbidden;
    }
    if format!("{decoded}/") == base_path {
        return Lookup::Redirect(base_path.to_owned());
    }
    let Some(rest) = decoded.strip_prefix(base_path) else {
        return if decoded == "/" {
            Lookup::Redirect(base_path.to_owned())
        } else {
            Lookup::NotFound
        };
    };
    let mut path = root.to_path_buf();
    for seg in rest.split('/').filter(|s| !s.is_empty()) {
        path.push(seg);
    }
    let Ok(real) = path.canonicalize() else {
        return Lookup::NotFound;
    };
    if !real.starts_with(root) {
        return Lookup::Forbidden;
    }
    if real.is_dir() {
        if !decoded.ends_with('/') {
            return Lookup::Redirect(format!("{request_path}/"));
        }
        let index = real.join("index.html");
        return match index.canonicalize() {
            Ok(i) if i.starts_with(root) && i.is_file() => Lookup::File(i),
            Ok(_) => Lookup::Forbidden,
            Err(_) => Lookup::NotFound,
        };
    }
    Lookup::File(real)
}

/// The Content-Type for a file name.
pub fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("pdf") => "application/pdf",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_safely() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        std::fs::create_dir_all(root.join("articles/a")).unwrap();
        std::fs::write(root.join("index.html"), "home").unwrap();
        std::fs::write(root.join("articles/a/index.html"), "a").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let root = root.canonicalize().unwrap();
        assert_eq!(resolve(&root, "/", "/"), Lookup::File(root.join("index.html")));
        assert_eq!(
            resolve(&root, "/", "/articles/a/"),
            Lookup::File(root.join("articles/a/index.html"))
        );
        assert_eq!(
            resolve(&root, "/", "/articles/a"),
            Lookup::Redirect("/articles/a/".into())
        );
        assert_eq!(resolve(&root, "/", "/nope/"), Lookup::NotFound);
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2fsecret.txt",
            "/articles/..%5c..%5csecret.txt",
            "/a%00b",
            "/%zz",
        ] {
            assert_eq!(resolve(&root, "/", bad), Lookup::Forbidden, "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
            assert_eq!(resolve(&root, "/", "/link.txt"), Lookup::Forbidden);
        }
        assert_eq!(resolve(&root, "/sub/", "/"), Lookup::Redirect("/sub/".into()));
        assert_eq!(resolve(&root, "/sub/", "/sub"), Lookup::Redirect("/sub/".into()));
        assert_eq!(
            resolve(&root, "/sub/", "/sub/articles/a/"),
            Lookup::File(root.join("articles/a/index.html"))
        );
        assert_eq!(resolve(&root, "/sub/", "/articles/a/"), Lookup::NotFound);
    }
}
