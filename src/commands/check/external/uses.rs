//! Where the site uses each web address: every http(s) URL of the references, the
//! bodies' links and images, the FAQ answers, the menu and the disclaimer, with the file,
//! line and column of each use. Files are read again (the model keeps no text).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag};

use crate::model::{Site, Sourced};
use crate::source::config;
use crate::source::yaml;

/// One place a URL is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    /// The file, relative to the site folder.
    pub file: PathBuf,
    /// 1-based line and column, and the length in characters.
    pub pos: yaml::Pos,
    /// The text of that line.
    pub line: String,
    /// The URL as written there.
    pub written: String,
}

/// Every web URL the site uses, by the address asked for (the URL without its
/// `#fragment`), each with the places that use it, in file order.
pub type Uses = BTreeMap<String, Vec<Use>>;

/// True for the URLs `--external` checks.
pub fn is_web(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The address to ask for: the URL without its fragment (never sent to the server).
pub fn address(url: &str) -> &str {
    url.split_once('#').map_or(url, |(a, _)| a)
}

/// The web URLs linked from the Markdown `text`, with their byte ranges in it.
fn links_in(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    Parser::new_ext(text, crate::markdown::options())
        .into_offset_iter()
        .filter_map(|(e, range)| match e {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) if is_web(dest_url.trim()) => {
                Some((dest_url.trim().to_owned(), range))
            }
            _ => None,
        })
        .collect()
}

/// The use at byte `offset` of `text` (whose first line is file line `first_line`).
fn use_at(file: &Path, text: &str, first_line: usize, offset: usize, written: &str) -> Use {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    Use {
        file: file.to_path_buf(),
        pos: yaml::Pos {
            line: first_line + before.matches('\n').count(),
            column: before[line_start..].chars().count() + 1,
            len: written
                .chars()
                .count()
                .min(line.len().saturating_sub(offset - line_start))
                .max(1),
        },
        line: line.to_owned(),
        written: written.to_owned(),
    }
}

/// Every place in `text` (starting at file line `first_line`) where `url` is written
/// whole (not as the start of a longer URL).
fn written_in(file: &Path, text: &str, first_line: usize, url: &str) -> Vec<Use> {
    let continues = |c: char| c.is_alphanumeric() || "/?#&=%-_~+@:.".contains(c);
    text.match_indices(url)
        .filter(|(i, _)| !text[i + url.len()..].starts_with(continues))
        .map(|(i, _)| use_at(file, text, first_line, i, url))
        .collect()
}

/// Adds `u` under its address.
fn add(uses: &mut Uses, u: Use) {
    uses.entry(address(&u.written).to_owned()).or_default().push(u);
}

/// The URLs of one content file: its body's links, and the URLs its front matter names
/// (`front`: each with the key that holds it), found where they are written.
fn content_file(root: &Path, rel: &Path, mut front: Vec<(String, &str)>, uses: &mut Uses) {
    let Ok(text) = std::fs::read_to_string(root.join(rel)) else {
        return;
    };
    let Some(located) = yaml::locate(&text) else {
        return;
    };
    let split = *located.split();
    for (url, range) in links_in(split.body) {
        // The link's text comes first: point at the address itself where it is written.
        let at = split.body[range.clone()]
            .find(&url)
            .map_or(range.start, |i| range.start + i);
        add(uses, use_at(rel, split.body, split.body_first_line, at, &url));
    }
    front.sort_unstable();
    front.dedup_by(|a, b| a.0 == b.0);
    for (url, key) in &front {
        let found = written_in(rel, split.yaml, split.yaml_first_line, url);
        if found.is_empty() {
            // Written with YAML escapes: point at the list that holds it.
            let p = located.item(key, url);
            let line = text.lines().nth(p.line.saturating_sub(1)).unwrap_or("").to_owned();
            add(
                uses,
                Use {
                    file: rel.to_path_buf(),
                    pos: p,
                    line,
                    written: url.clone(),
                },
            );
        }
        for u in found {
            add(uses, u);
        }
    }
}

/// Every web URL `site` uses, read from the files under `root`.
pub fn collect(site: &Site, root: &Path) -> Uses {
    let mut uses = Uses::new();
    for a in &site.articles {
        let mut front: Vec<(String, &str)> = (a.meta.references.iter())
            .filter_map(|r| r.url.as_deref().map(str::trim))
            .filter(|u| is_web(u))
            .map(|u| (u.to_owned(), "references"))
            .collect();
        for f in &a.meta.faqs {
            front.extend(links_in(&f.answer).into_iter().map(|(url, _)| (url, "faqs")));
        }
        content_file(root, a.rel(), front, &mut uses);
    }
    let rest = (site.techniques.iter().map(|t| t.rel()))
        .chain(site.pages.iter().map(|p| p.rel()))
        .chain(site.home.iter().map(|h| h.rel()));
    for rel in rest {
        content_file(root, rel, Vec::new(), &mut uses);
    }
    let file = Path::new(config::FILE);
    let source = &site.config.source;
    for item in site.config.menu.iter().filter(|m| is_web(&m.url)) {
        let (line, column) = site.config.menu_line(&item.url);
        add(
            &mut uses,
            Use {
                file: file.to_path_buf(),
                pos: yaml::Pos {
                    line,
                    column,
                    len: item.url.chars().count(),
                },
                line: source.lines().nth(line.saturating_sub(1)).unwrap_or("").to_owned(),
                written: item.url.clone(),
            },
        );
    }
    if let Some(disclaimer) = &site.config.disclaimer {
        // After the `disclaimer:` key, so that a menu entry with the same URL is not taken.
        let from = source
            .lines()
            .scan(0, |at, l| {
                let start = *at;
                *at += l.len() + 1;
                Some((start, l))
            })
            .find(|(_, l)| l.starts_with("disclaimer"))
            .map_or(0, |(start, _)| start);
        for (url, _) in links_in(disclaimer) {
            let found = source[from..].find(&url).map_or(from, |i| from + i);
            add(&mut uses, use_at(file, source, 1, found, &url));
        }
    }
    for list in uses.values_mut() {
        list.sort_by(|a, b| (&a.file, a.pos.line, a.pos.column).cmp(&(&b.file, b.pos.line, b.pos.column)));
        list.dedup();
    }
    uses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_urls_and_their_addresses() {
        assert!(is_web("https://nhs.uk/x"));
        assert!(is_web("HTTP://a.org"));
        assert!(!is_web("mailto:a@b.c"));
        assert!(!is_web("/articles/"));
        assert!(!is_web("ftp://x.org"));
        assert_eq!(address("https://a.org/x#part"), "https://a.org/x");
    }

    #[test]
    fn body_links_are_placed() {
        let text = "Intro.\n\nSee [the NHS](https://nhs.uk/back-pain) and ![a](https://img.org/a.png \"t\").\n";
        let found = links_in(text);
        assert_eq!(found.len(), 2);
        let u = use_at(
            Path::new("a.md"),
            text,
            5,
            text.find("https://nhs").unwrap(),
            &found[0].0,
        );
        assert_eq!((u.pos.line, u.pos.column, u.pos.len), (7, 15, 24));
        assert!(u.line.starts_with("See [the NHS]"));
    }

    #[test]
    fn whole_urls_only() {
        let yaml = "references:\n  - url: \"https://a.org/x\"\n  - url: https://a.org/x/y\n    # https://a.org/x.\n";
        let found = written_in(Path::new("a.md"), yaml, 2, "https://a.org/x");
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].pos.line, found[0].pos.column), (3, 11));
    }
}
