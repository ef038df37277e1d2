//! Moved pages: the `aliases` of articles, techniques, benefit profiles and pages. Each
//! alias is an old site path that gets a redirect page to the document's page (and a
//! line in `/_redirects`). An alias must be a path inside the site that no page, file
//! or other alias has.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::diagnostics::Diagnostic;
use crate::markdown::links::LinkIndex;
use crate::source::parse::Doc;

/// One old path of a document's page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Alias {
    /// The old site path, without the base path (`/old-path/`).
    pub from: String,
    /// The site path of the page it leads to, without the base path.
    pub to: Arc<str>,
}

/// The aliases of `docs` (in the order given), and the problems of those that cannot
/// be: malformed, a page's or a file's path in `index`, or another document's alias.
pub(super) fn gather<'a>(docs: impl Iterator<Item = &'a Arc<Doc>>, index: &LinkIndex) -> (Vec<Alias>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    // The file (and written form) that took each path first.
    let mut taken: FxHashMap<String, Arc<std::path::Path>> = FxHashMap::default();
    for d in docs {
        for written in d.meta.aliases() {
            let error = |message: String, help: String| {
                let diag = Diagnostic::error(&d.rel, message).help(help);
                match d.located() {
                    Some(l) => {
                        let p = l.item("aliases", written.trim());
                        diag.at(&d.text, p.line, p.column, p.len)
                    }
                    None => diag,
                }
            };
            let from = match normalize(written) {
                Ok(from) => from,
                Err(why) => {
                    problems.push(error(
                        format!("the alias `{written}` is not a path of this site: {why}"),
                        "write the old address as a site path, without the base path: `/old-path/`".into(),
                    ));
                    continue;
                }
            };
            if from == *d.path {
                problems.push(error(
                    format!("the alias `{written}` is the page's own address"),
                    "remove it: an alias is an address the page used to have".into(),
                ));
            } else if index.has_page(&from) {
                let owner = index
                    .source_of_page(&from)
                    .map_or_else(|| "knead's own page".to_owned(), |p| format!("content/{p}"));
                problems.push(error(
                    format!("the alias `{written}` is the address of another page ({owner})"),
                    format!("remove the alias, or move {owner} elsewhere first"),
                ));
            } else if generated(&from) || index.has_file(&format!("{from}index.html")) {
                problems.push(error(
                    format!("the alias `{written}` is an address knead writes itself"),
                    "choose the old address the page really had".into(),
                ));
            } else if let Some(first) = taken.get(&from) {
                problems.push(error(
                    format!("the alias `{written}` is also an alias in {}", first.display()),
                    "an old address can lead to one page only: remove it from one of the two files".into(),
                ));
            } else {
                taken.insert(from.clone(), d.rel.clone());
                out.push(Alias {
                    from,
                    to: Arc::clone(&d.path),
                });
            }
        }
    }
    (out, problems)
}

/// `/old-path/` from what an author wrote: a path from the site's root, made of plain
/// segments, ending with `/` (added when missing); or why it is not one.
fn normalize(written: &str) -> Result<String, &'static str> {
    let path = written.trim();
    if path.contains("://") || path.starts_with("//") {
        return Err("it is a full web address");
    }
    if !path.starts_with('/') {
        return Err("it does not start with `/`");
    }
    if path.contains(['?', '#', '\\', '<', '>', '"', '\'', ' ']) || path.chars().any(char::is_control) {
        return Err("it holds a character that cannot be in a folder name (`?`, `#`, a space, ...)");
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() {
        return Err("it is the site's home page");
    }
    if segments.iter().any(|s| *s == "." || *s == ".." || s.starts_with('.')) {
        return Err("it holds `.`, `..` or a hidden folder, which would lead outside the output");
    }
    if segments
        .last()
        .is_some_and(|s| s.ends_with(".html") || s.ends_with(".xml"))
    {
        return Err("it names a file; an alias is a folder that gets an index.html");
    }
    Ok(format!("/{}/", segments.join("/")))
}

/// True for paths under the site's generated sections that a page never has: the
/// search files and the later pages of lists.
fn generated(path: &str) -> bool {
    if path.starts_with("/search/") || path.starts_with("/processed/") {
        return true;
    }
    let mut segments = path.trim_end_matches('/').rsplit('/');
    let last = segments.next().unwrap_or_default();
    segments.next() == Some("page") && !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::{generated, normalize};

    #[test]
    fn paths_are_normalized_or_refused() {
        assert_eq!(normalize("/old-path/").as_deref(), Ok("/old-path/"));
        assert_eq!(normalize(" /a/b ").as_deref(), Ok("/a/b/"));
        assert_eq!(normalize("/a//b/").as_deref(), Ok("/a/b/"));
        for bad in [
            "old/",
            "https://example.org/x/",
            "//host/x/",
            "/",
            "/../etc/",
            "/a/./b/",
            "/.git/",
            "/a?b/",
            "/a#b/",
            "/a b/",
            "/x.html",
        ] {
            assert!(normalize(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn generated_paths() {
        assert!(generated("/search/"));
        assert!(generated("/articles/page/2/"));
        assert!(generated("/tags/x/page/10/"));
        assert!(!generated("/articles/page/"));
        assert!(!generated("/old/pages/2/"));
    }
}
