//! The document records (`/search/docs/<k>.json`: what a result shows) and the
//! manifest (`/search-index.json`), with the JSON strings and the hash they share.

use std::fmt::Write as _;

use super::DOCS_PER_CHUNK;
use super::shards::Shards;
use super::threads::par_chunks;
use crate::model::{DocRef, Site, Sourced};
use crate::text::DocTerms;

/// How many headings of a document go into its record (for snippets).
const MAX_HEADINGS: usize = 12;

/// One searchable document's parts.
pub(super) struct IndexedDoc<'a> {
    title: &'a str,
    path: &'a str,
    description: &'a str,
    excerpt: &'a str,
    pub(super) terms: &'a DocTerms,
    /// Indices into the site's techniques (articles only).
    pub(super) techniques: &'a [usize],
    /// Snippet candidates.
    headings: &'a [crate::markdown::TocEntry],
    questions: &'a [crate::model::FaqItem],
}

pub(super) fn source(site: &Site, r: DocRef) -> IndexedDoc<'_> {
    match r {
        DocRef::Article(i) => {
            let a = &site.articles[i];
            IndexedDoc {
                title: &a.meta.title,
                path: a.path(),
                description: &a.meta.description,
                excerpt: &a.body().search.excerpt,
                terms: &a.render.search,
                techniques: &a.techniques,
                headings: &a.body().toc,
                questions: a.faqs(),
            }
        }
        DocRef::Technique(i) => {
            let t = &site.techniques[i];
            IndexedDoc {
                title: &t.meta.title,
                path: t.path(),
                description: &t.meta.summary,
                excerpt: &t.render.body.search.excerpt,
                terms: &t.render.search,
                techniques: &[],
                headings: &t.render.body.toc,
                questions: &[],
            }
        }
        DocRef::Page(i) => {
            let p = &site.pages[i];
            IndexedDoc {
                title: &p.meta.title,
                path: p.path(),
                description: p.meta.description.as_deref().unwrap_or(""),
                excerpt: &p.render.body.search.excerpt,
                terms: &p.render.search,
                techniques: &[],
                headings: &p.render.body.toc,
                questions: &[],
            }
        }
    }
}

impl IndexedDoc<'_> {
    /// The snippet candidates: h2/h3 headings (at most [`MAX_HEADINGS`]) and FAQ questions.
    fn headings(&self) -> impl Iterator<Item = &str> {
        self.headings.iter().take(MAX_HEADINGS).map(|t| t.title.as_str())
    }

    fn questions(&self) -> impl Iterator<Item = &str> {
        self.questions.iter().map(|f| f.question())
    }

    /// The document's record, as JSON: `[title, url, description, excerpt, [headings], [questions]]`.
    fn record(&self, out: &mut String) {
        out.push('[');
        for field in [
            self.title,
            self.path.trim_start_matches('/'),
            self.description,
            self.excerpt,
        ] {
            json_str(out, field);
            out.push(',');
        }
        for (n, list) in [self.headings().collect::<Vec<_>>(), self.questions().collect()]
            .into_iter()
            .enumerate()
        {
            out.push_str(if n == 0 { "[" } else { ",[" });
            for (i, t) in list.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_str(out, t);
            }
            out.push(']');
        }
        out.push(']');
    }

    /// Feeds the record's text to a hash (for the manifest's `hash`).
    pub(super) fn hash(&self, h: u64) -> u64 {
        let fields = [self.title, self.path, self.description, self.excerpt];
        let h = fields
            .into_iter()
            .chain(self.headings())
            .chain(self.questions())
            .fold(h, |h, f| hash_bytes(h, f.as_bytes()));
        hash_bytes(
            h,
            &[
                self.headings.len().min(MAX_HEADINGS) as u8,
                self.questions.len().min(255) as u8,
            ],
        )
    }
}

/// The hash of each document's record, in `order`.
pub(super) fn record_hashes(site: &Site, order: &[DocRef]) -> Vec<u64> {
    par_chunks(order, |_, chunk| {
        chunk.iter().map(|&r| source(site, r).hash(0)).collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// `/search/docs/<k>.json`: the records of documents `k*C .. k*C+C-1` of `order`.
pub fn doc_chunk(site: &Site, order: &[DocRef], k: usize) -> Vec<u8> {
    let chunk = order.chunks(DOCS_PER_CHUNK).nth(k).unwrap_or_default();
    let mut out = String::with_capacity(chunk.len() * 1024);
    out.push('[');
    for (i, &r) in chunk.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        source(site, r).record(&mut out);
    }
    out.push_str("]\n");
    out.into_bytes()
}

/// `/search-index.json`. Its `hash` covers the shards and the text of every document
/// record, so it changes whenever any index file does.
pub fn manifest(order: &[DocRef], shards: &Shards) -> Vec<u8> {
    let h = shards.hash;
    let mut manifest = String::new();
    let _ = write!(
        manifest,
        "{{\"version\":1,\"docs\":{},\"chunk\":{},\"hash\":\"{:016x}\",\"shards\":[",
        order.len(),
        DOCS_PER_CHUNK,
        h
    );
    for (i, f) in shards.firsts.iter().enumerate() {
        if i > 0 {
            manifest.push(',');
        }
        json_str(&mut manifest, f);
    }
    manifest.push_str("],\"df\":{");
    for (i, (t, df)) in shards.dfs.iter().enumerate() {
        if i > 0 {
            manifest.push(',');
        }
        json_str(&mut manifest, t);
        let _ = write!(manifest, ":{df}");
    }
    manifest.push_str("}}\n");
    manifest.into_bytes()
}

/// Appends `s` as a JSON string. Besides what JSON requires (`"`, `\\`, control
/// characters), `<`, `>` and `&` are escaped too (`\u003c`...), so that the text cannot
/// start markup even if a file is ever read as HTML.
pub(super) fn json_str(out: &mut String, s: &str) {
    // The bytes written escaped, to skip the others with one table lookup each.
    const ESCAPED: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 0x20 {
            t[b] = true;
            b += 1;
        }
        t[b'"' as usize] = true;
        t[b'\\' as usize] = true;
        t[b'<' as usize] = true;
        t[b'>' as usize] = true;
        t[b'&' as usize] = true;
        t
    };
    out.reserve(s.len() + 2);
    out.push('"');
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        if !ESCAPED[usize::from(b)] {
            continue;
        }
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[from..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        from = i + 1;
    }
    out.push_str(&s[from..]);
    out.push('"');
}

/// The manifest's hash, stable across platforms and versions: see [`crate::text::hash`].
pub use crate::text::hash::hash_bytes;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_valid_and_html_safe() {
        let text = "Tom & \"Jerry\" </script>\n\u{1}\\ é";
        let mut out = String::new();
        json_str(&mut out, text);
        assert!(!out.contains(['<', '>', '&']), "{out}");
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
    }
}
