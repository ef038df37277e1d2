//! Resolving the links and image sources authors write in Markdown and menus to the
//! URLs of the built site. A link may name a page by URL (`/articles/slug/`,
//! `../slug/`) or by its source file (`slug.md`, `../techniques/x.md`), with or without
//! `#anchor`; every local link comes out as a path under the site's base path.

use rustc_hash::{FxHashMap, FxHashSet};

/// What a local link points at, for checking anchors once every page is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Site path of the page (`/articles/slug/`), without the base path.
    pub path: String,
    /// The `#anchor`, if any.
    pub anchor: Option<String>,
}

/// A link after resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// An external URL (`https:`, `mailto:` ...), left as written.
    External,
    /// A local link: the href to write, and the page to check its anchor against.
    Local {
        /// The href for the output (base path included).
        href: String,
        /// The page and anchor it points at; `None` for files (images, PDFs ...).
        target: Option<Target>,
    },
}

/// Why a link does not resolve: a message and a fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkError {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Every page and file of the site, known before any Markdown is rendered.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LinkIndex {
    base_path: String,
    /// `articles/foo.md` -> `/articles/foo/`.
    by_source: FxHashMap<String, String>,
    /// Site paths of pages, ending with `/`.
    pages: FxHashSet<String>,
    /// Site paths of files (`/images/a.png`, `/feed.xml`).
    files: FxHashSet<String>,
    /// Content paths of drafts left out of this build.
    drafts: FxHashSet<String>,
}

/// Joins `rel` onto the folder `base` (both `/`-separated, `base` ending with `/`) and
/// normalises `.` and `..`. Returns `None` when `..` climbs above the root.
pub fn normalize(base: &str, rel: &str) -> Option<String> {
    let joined = if rel.starts_with('/') {
        rel.to_owned()
    } else {
        format!("{base}{rel}")
    };
    let trailing = joined.ends_with('/') || joined.ends_with("/.") || joined.ends_with("/..");
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = String::from("/");
    out.push_str(&parts.join("/"));
    if trailing && !parts.is_empty() {
        out.push('/');
    }
    Some(out)
}

fn has_scheme(href: &str) -> bool {
    match href.find(':') {
        Some(i) => {
            let scheme = &href[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !href[..i].contains('/')
        }
        None => false,
    }
}

impl LinkIndex {
    /// An empty index for a site published under `base_path` (`/` or `/sub/`).
    pub fn new(base_path: &str) -> Self {
        LinkIndex {
            base_path: base_path.to_owned(),
            ..Default::default()
        }
    }

    /// Registers a page built from the content file `source` (`articles/x.md`, or `None`
    /// for generated pages) at `path` (`/articles/x/`).
    pub fn add_page(&mut self, source: Option<&str>, path: &str) {
        if let Some(s) = source {
            self.by_source.insert(s.to_owned(), path.to_owned());
        }
        self.pages.insert(path.to_owned());
    }

    /// Registers a file of the output (`/style.css`).
    pub fn add_file(&mut self, path: &str) {
        self.files.insert(path.to_owned());
    }

    /// Registers a draft left out of this build, for a clearer message.
    pub fn add_draft(&mut self, source: &str) {
        self.drafts.insert(source.to_owned());
    }

    /// A fingerprint of everything in the index (independent of insertion order): when
    /// it is unchanged, every link resolves as before.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::BuildHasher;
        // A fast hash per entry, mixed (splitmix64's finalizer) before summing, so the
        // sum does not depend on the order of the entries.
        let hasher = rustc_hash::FxBuildHasher;
        let mix = |mut z: u64| {
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let mut sum = mix(hasher.hash_one(&self.base_path));
        for (k, v) in &self.by_source {
            sum = sum.wrapping_add(mix(hasher.hash_one((0u8, k, v))));
        }
        for p in &self.pages {
            sum = sum.wrapping_add(mix(hasher.hash_one((1u8, p))));
        }
        for f in &self.files {
            sum = sum.wrapping_add(mix(hasher.hash_one((2u8, f))));
        }
        for d in &self.drafts {
            sum = sum.wrapping_add(mix(hasher.hash_one((3u8, d))));
        }
        sum
    }

    /// True when `path` is a page of the site.
    pub fn has_page(&self, path: &str) -> bool {
        self.pages.contains(path)
    }

    /// True when `path` (`/feed.xml`) is a file of the site.
    pub fn has_file(&self, path: &str) -> bool {
        self.files.contains(path)
    }

    /// The content file (`articles/foo.md`) whose page is at the site path `path`. A
    /// scan: for messages only.
    pub fn source_of_page(&self, path: &str) -> Option<&str> {
        (self.by_source.iter())
            .filter(|(_, p)| p.as_str() == path)
            .map(|(s, _)| s.as_str())
            .min()
    }

    /// The site path (`/images/a.png`) of `href`, an href this index wrote for a file
    /// (no query or anchor).
    pub fn site_path_of(&self, href: &str) -> Option<String> {
        let rest = href.strip_prefix(self.base_path.as_str())?;
        (!rest.contains(['?', '#'])).then(|| format!("/{rest}"))
    }

    /// The href to write for the site path `path` (`/articles/` -> `/sub/articles/`).
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// Resolves `href` written in the content file whose folder is `source_dir`
    /// (`articles/`, content-relative, ending with `/` or empty) and whose page is at
    /// `page_path`. Images resolve relative paths against `source_dir`, like editors do.
    pub fn resolve(
        &self,
        href: &str,
        source_dir: &str,
        page_path: &str,
        is_image: bool,
    ) -> Result<Resolved, LinkError> {
        let href = href.trim();
        if href.is_empty() {
            return Err(LinkError {
                message: "this link has no target".into(),
                help: "write the address between the parentheses: `[text](/articles/slug/)`".into(),
            });
        }
        if has_scheme(href) || href.starts_with("//") {
            return Ok(Resolved::External);
        }
        let (before_anchor, anchor) = match href.split_once('#') {
            Some((p, a)) => (p, Some(percent_decode(a))),
            None => (href, None),
        };
        let (path_part, query) = match before_anchor.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (before_anchor, None),
        };
        if path_part.is_empty() {
            // `#anchor` on the same page.
            return Ok(Resolved::Local {
                href: href.to_owned(),
                target: Some(Target {
                    path: page_path.to_owned(),
                    anchor,
                }),
            });
        }
        let decoded = percent_decode(path_part);
        let site_path = if decoded.ends_with(".md") {
            let content_path = if decoded.starts_with('/') {
                normalize("/", &decoded)
            } else {
                normalize(&format!("/{source_dir}"), &decoded)
            }
            .ok_or_else(|| outside(href))?;
            let key = content_path.trim_start_matches('/');
            match self.by_source.get(key) {
                Some(p) => p.clone(),
                None if self.drafts.contains(key) => {
                    return Err(LinkError {
                        message: format!("this link points to a draft: `{href}`"),
                        help: "publish the draft (remove `draft: true`), build with --drafts, or remove the link"
                            .into(),
                    });
                }
                None => {
                    return Err(LinkError {
                        message: format!("this link points to a file that does not exist: `{href}`"),
                        help: format!(
                            "`.md` links are relative to this file's folder (content/{source_dir}); check the file name"
                        ),
                    });
                }
            }
        } else if is_image && !decoded.starts_with('/') {
            normalize(&format!("/{source_dir}"), &decoded).ok_or_else(|| outside(href))?
        } else {
            normalize(page_path, &decoded).ok_or_else(|| outside(href))?
        };
        let page = self.page_for(&site_path);
        let Some(resolved_path) = page
            .clone()
            .or_else(|| self.files.contains(&site_path).then(|| site_path.clone()))
        else {
            return Err(if is_image {
                LinkError {
                    message: format!("this image does not exist: `{href}` (looked for content{site_path})"),
                    help: format!(
                        "image paths are relative to this file's folder (content/{source_dir}), or start with `/` for a path from content/"
                    ),
                }
            } else {
                LinkError {
                    message: format!(
                        "this link points to a page or file that does not exist: `{href}` (resolves to `{site_path}`)"
                    ),
                    help: "link to pages by URL (`/articles/slug/`, `../slug/`) or by file (`slug.md`); check the slug"
                        .into(),
                }
            });
        };
        let mut out = self.href(&resolved_path);
        if let Some(q) = query {
            out.push('?');
            out.push_str(q);
        }
        if let Some((_, a)) = href.split_once('#') {
            out.push('#');
            out.push_str(a);
        }
        Ok(Resolved::Local {
            href: out,
            target: page.map(|path| Target { path, anchor }),
        })
    }

    /// The page at `path`, accepting `/x`, `/x/` and `/x/index.html`.
    fn page_for(&self, path: &str) -> Option<String> {
        let dir = path.strip_suffix("index.html").unwrap_or(path);
        let with_slash = if dir.ends_with('/') {
            dir.to_owned()
        } else {
            format!("{dir}/")
        };
        self.pages.contains(&with_slash).then_some(with_slash)
    }
}

fn outside(href: &str) -> LinkError {
    LinkError {
        message: format!("this link climbs out of the site: `{href}`"),
        help: "remove the extra `../` segments".into(),
    }
}

/// Decodes `%xx` escapes (invalid ones are kept as written).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> LinkIndex {
        let mut i = LinkIndex::new("/sub/");
        i.add_page(Some("articles/foo.md"), "/articles/foo/");
        i.add_page(Some("articles/bar.md"), "/articles/bar/");
        i.add_page(Some("techniques/swedish.md"), "/techniques/swedish/");
        i.add_page(None, "/articles/");
        i.add_file("/images/a.png");
        i.add_draft("articles/wip.md");
        i
    }

    fn local(r: Result<Resolved, LinkError>) -> (String, Option<Target>) {
        match r {
            Ok(Resolved::Local { href, target }) => (href, target),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn resolves_every_form() {
        let i = index();
        let from = "/articles/foo/";
        for href in [
            "/articles/bar/",
            "../bar/",
            "bar.md",
            "./bar.md",
            "/articles/bar",
            "../bar/index.html",
            "/articles/bar.md",
        ] {
            let (h, t) = local(i.resolve(href, "articles/", from, false));
            assert_eq!(h, "/sub/articles/bar/", "{href}");
            assert_eq!(t.unwrap().path, "/articles/bar/");
        }
        let (h, t) = local(i.resolve("bar.md#why-it-works", "articles/", from, false));
        assert_eq!(h, "/sub/articles/bar/#why-it-works");
        assert_eq!(t.unwrap().anchor.as_deref(), Some("why-it-works"));
        let (h, _) = local(i.resolve("../techniques/swedish.md", "articles/", from, false));
        assert_eq!(h, "/sub/techniques/swedish/");
        let (h, t) = local(i.resolve("#top", "articles/", from, false));
        assert_eq!(h, "#top");
        assert_eq!(t.unwrap().path, from);
        let (h, t) = local(i.resolve("../images/a.png", "articles/", from, true));
        assert_eq!(h, "/sub/images/a.png");
        assert!(t.is_none());
    }

    #[test]
    fn externals_untouched_and_errors_explained() {
        let i = index();
        assert_eq!(i.resolve("https://nice.org.uk", "", "/", false), Ok(Resolved::External));
        assert_eq!(i.resolve("mailto:a@b.c", "", "/", false), Ok(Resolved::External));
        assert!(
            i.resolve("missing.md", "articles/", "/articles/foo/", false)
                .unwrap_err()
                .message
                .contains("does not exist")
        );
        assert!(
            i.resolve("wip.md", "articles/", "/articles/foo/", false)
                .unwrap_err()
                .message
                .contains("draft")
        );
        assert!(
            i.resolve("../../../../etc/passwd", "articles/", "/articles/foo/", false)
                .unwrap_err()
                .message
                .contains("climbs out")
        );
        assert!(i.resolve("/nope/", "", "/", false).is_err());
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize("/a/b/", "../c/").as_deref(), Some("/a/c/"));
        assert_eq!(normalize("/a/", "./x.png").as_deref(), Some("/a/x.png"));
        assert_eq!(normalize("/", "..").as_deref(), None);
        assert_eq!(normalize("/a/", "/b").as_deref(), Some("/b"));
    }
}
