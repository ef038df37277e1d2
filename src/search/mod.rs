//! Building the search index files, and the ranking the browser script applies (a Rust
//! copy of it, [`Searcher`], is what the unit tests exercise).
//!
//! # Files
//!
//! - `/search-index.json`, the manifest: `{"version":1,"docs":N,"chunk":C,"shards":[...],"hash":"..."}`.
//!   `shards[i]` is the first term of shard `i` (`shards[0]` is `""`): shard `i` holds
//!   every term `t` with `shards[i] <= t < shards[i+1]` (terms compared by UTF-16 code
//!   units, as JavaScript compares strings). `hash` changes whenever any index file
//!   does; the script adds it to file URLs (`?v=`) so caches never mix two builds.
//! - `/search/shards/<i>.json`: `{"term":"postings",...}`, terms sorted. The postings
//!   of a term list the documents that contain it, by increasing document number, each
//!   as two numbers: the gap to the previous document number minus one (the first is
//!   the number itself), then the term's weight in the document. A number is written in
//!   5-bit groups, most significant first, in the alphabet [`DIGITS`]: every group but
//!   the last as `DIGITS[32 + g]`, the last as `DIGITS[g]`. A document that uses a term
//!   only in its body typically costs 2 bytes.
//! - `/search/docs/<k>.json`: documents `k*C .. k*C+C-1`, each
//!   `[title, url, description, excerpt, [headings], [FAQ questions]]`; `url` is
//!   relative to the site root (`articles/sciatica/`), so the script prefixes the base
//!   path it finds in the page and the site works under any subpath.
//!
//! Documents (articles, technique profiles, plain pages) are numbered in title order, so
//! ordering equal scores by number orders them by title.
//!
//! # Weights
//!
//! A term's weight in a document sums, over the fields that contain it,
//! `field weight × (1 + ln(occurrences in the field))`, and is stored as
//! `round(2 × weight)`. Field weights: title 10, FAQ questions (and a technique's other
//! names) 6, headings 4, technique and benefit names, tags (and a technique's "good for"
//! and "avoid if") 3, description (a technique's summary) 2, body and FAQ answers 1.
//!
//! # Ranking (search.js does the same)
//!
//! The query goes through the same text analysis as the documents. Each query term
//! matches its own index term with factor 1; the last one also matches, with factor
//! 1/2, every index term that starts with it or with its normalized form (3 or more
//! characters: typing `sciat` finds `sciatica`). A document's score for a query term is
//! the best `factor × weight × ln(1 + N / df)` among the terms it matches (N documents,
//! df of them containing the term); its score is the sum over the query terms. Only
//! documents that match every query term are kept; if there are none, documents that
//! match any are. Results are sorted by score, then by document number (title).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;

use crate::markdown::Rendered;
use crate::model::{Site, Sourced};
use crate::source::parse::Meta;
use crate::text::{DocTerms, TermCounter, TermId};
use std::sync::OnceLock;

/// The browser script's source.
pub const SCRIPT: &str = include_str!("search.js");

/// The script as written to `/search/search.js`: [`SCRIPT`] without its comments and
/// indentation (a fifth smaller; the file has no template literals or multi-line
/// strings, so no text changes meaning).
pub fn served_script() -> &'static str {
    static SERVED: OnceLock<String> = OnceLock::new();
    SERVED.get_or_init(|| {
        let body = SCRIPT
            .strip_prefix("/*")
            .and_then(|s| s.split_once("*/"))
            .map_or(SCRIPT, |(_, rest)| rest);
        let mut out = String::from("/* knead site search */\n");
        for line in body.lines().map(str::trim_start) {
            if !line.is_empty() && !line.starts_with("//") {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    })
}

/// Field weights (see the module documentation).
pub mod weight {
    /// The title.
    pub const TITLE: f64 = 10.0;
    /// FAQ questions; a technique's other names.
    pub const QUESTION: f64 = 6.0;
    /// Headings of the body.
    pub const HEADING: f64 = 4.0;
    /// Technique and benefit names, tags; a technique's "good for" and "avoid if".
    pub const LABEL: f64 = 3.0;
    /// The description; a technique's summary.
    pub const DESCRIPTION: f64 = 2.0;
    /// The body and FAQ answers.
    pub const BODY: f64 = 1.0;
}

/// The alphabet of posting lists.
pub const DIGITS: &[u8; 64] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/// Documents per `/search/docs/<k>.json` file.
pub const DOCS_PER_CHUNK: usize = 8;

/// The size a shard aims at, in bytes.
pub const SHARD_BYTES: usize = 48 * 1024;

/// How many headings of a document go into its record (for snippets).
const MAX_HEADINGS: usize = 12;

/// How many files the index has; [`crate::render::plan`] plans them from this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Term shards.
    pub shards: usize,
    /// Document files.
    pub doc_chunks: usize,
}

/// `1 + ln(count)`, from a table for the usual counts.
fn dampened(count: u16) -> f32 {
    static TABLE: std::sync::OnceLock<[f32; 64]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| std::array::from_fn(|i| 1.0 + (i.max(1) as f32).ln()));
    table
        .get(usize::from(count))
        .copied()
        .unwrap_or_else(|| 1.0 + f32::from(count).ln())
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The weighted terms of one content file: its body and FAQ answers (`answers`, as
/// counted by the Markdown renderer), its headings and its front matter fields. Takes
/// the body's term counts (they are not needed afterwards). The names of an article's
/// techniques are added when the index is built ([`build`]): they live in other files.
pub fn doc_terms(meta: &Meta, body: &mut Rendered, answers: Vec<TermCounter>) -> DocTerms {
    let mut counts = std::mem::take(&mut body.search.counts);
    for a in answers {
        counts.merge(a);
    }
    let headings: Vec<&str> = body.headings.iter().map(|h| h.title.as_str()).collect();
    let fields: Vec<(f64, Vec<&str>)> = match meta {
        Meta::Article(m) => {
            let mut labels = strs(&m.benefits);
            labels.extend(strs(&m.tags));
            vec![
                (weight::TITLE, vec![m.title.as_str()]),
                (weight::QUESTION, m.faqs.iter().map(|f| f.question.as_str()).collect()),
                (weight::HEADING, headings),
                (weight::LABEL, labels),
                (weight::DESCRIPTION, vec![m.description.as_str()]),
            ]
        }
        Meta::Technique(m) => {
            let mut labels = strs(&m.good_for);
            labels.extend(strs(&m.avoid_if));
            vec![
                (weight::TITLE, vec![m.title.as_str()]),
                (weight::QUESTION, strs(&m.also_known_as)),
                (weight::HEADING, headings),
                (weight::LABEL, labels),
                (weight::DESCRIPTION, vec![m.summary.as_str()]),
            ]
        }
        Meta::Page(m) => vec![
            (weight::TITLE, vec![m.title.as_str()]),
            (weight::HEADING, headings),
            (weight::DESCRIPTION, m.description.as_deref().into_iter().collect()),
        ],
    };
    // Each field counted on its own: a title that says "massage" twice counts 1 + ln 2.
    thread_local! {
        static FIELD: std::cell::RefCell<TermCounter> = std::cell::RefCell::new(TermCounter::default());
    }
    let mut weights: Vec<(TermId, f32)> = Vec::new();
    FIELD.with_borrow_mut(|field| {
        for (w, texts) in fields {
            field.clear();
            for t in texts {
                field.add(t);
            }
            weights.extend(field.term_counts().map(|(t, n)| (t, w as f32 * dampened(n))));
        }
    });
    counts.add_weights(&weights);
    counts.into_terms(weight::BODY as f32, dampened)
}

/// A searchable document: an article, a technique profile or a plain page, by index
/// into the site's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocRef {
    /// `Site::articles[i]`.
    Article(usize),
    /// `Site::techniques[i]`.
    Technique(usize),
    /// `Site::pages[i]`.
    Page(usize),
}

/// Every searchable document (title, URL, which) in index order: by title
/// (case-insensitive), then URL, so that equal scores rank by title. Document numbers
/// are positions in this list. The model keeps it as `Site::search_order`.
pub fn doc_order<'a>(docs: impl Iterator<Item = (&'a str, &'a str, DocRef)>) -> Vec<DocRef> {
    let mut order: Vec<(String, &str, DocRef)> = docs.map(|(title, path, r)| (title.to_lowercase(), path, r)).collect();
    order.sort_unstable_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    order.into_iter().map(|(_, _, r)| r).collect()
}

/// One searchable document's parts.
struct IndexedDoc<'a> {
    title: &'a str,
    path: &'a str,
    description: &'a str,
    excerpt: &'a str,
    terms: &'a DocTerms,
    /// Indices into the site's techniques (articles only).
    techniques: &'a [usize],
    /// Snippet candidates.
    headings: &'a [crate::markdown::TocEntry],
    questions: &'a [crate::model::FaqItem],
}

fn source(site: &Site, r: DocRef) -> IndexedDoc<'_> {
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
    fn hash(&self, h: u64) -> u64 {
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

/// How many files the index of `site` has. The number of shards follows the size of
/// the index (one posting per distinct term of each document, about 2 bytes each), so
/// shards stay near [`SHARD_BYTES`] whatever the size of the site.
pub fn layout(site: &Site) -> Layout {
    let docs = site.articles.len() + site.techniques.len() + site.pages.len();
    let postings: usize = site
        .articles
        .iter()
        .map(|a| a.render.search.len() + 2 * a.techniques.len())
        .chain(site.techniques.iter().map(|t| t.render.search.len()))
        .chain(site.pages.iter().map(|p| p.render.search.len()))
        .sum();
    Layout {
        shards: (postings * BYTES_PER_POSTING_X10 / 10).div_ceil(SHARD_BYTES).max(1),
        doc_chunks: docs.div_ceil(DOCS_PER_CHUNK),
    }
}

/// Bytes per posting in shards, times 10 (measured on the 10,000-article corpus).
const BYTES_PER_POSTING_X10: usize = 22;

/// The index files of a site.
#[derive(Debug, Clone, Default)]
pub struct IndexFiles {
    /// `/search-index.json`.
    pub manifest: Vec<u8>,
    /// `/search/shards/<i>.json`.
    pub shards: Vec<Vec<u8>>,
    /// `/search/docs/<k>.json`.
    pub docs: Vec<Vec<u8>>,
}

/// Compares strings by UTF-16 code units, as JavaScript does.
pub fn js_cmp(a: &str, b: &str) -> Ordering {
    if a.is_ascii() || b.is_ascii() {
        // Any non-ASCII character sorts after every ASCII one in both orders, so a byte
        // comparison agrees as long as one side is ASCII.
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// The size of each thread's part of `len` items, or `None` to do them all on this
/// thread (one core, or too few items to be worth threads).
fn part_size(len: usize) -> Option<usize> {
    let threads = rayon::current_num_threads().min(8);
    (threads > 1 && len >= 256).then(|| len.div_ceil(threads))
}

/// Runs `f` on each part (with the position of its first item), each on a plain thread
/// of its own (not rayon: the index is built inside a rayon task, which must not wait
/// on rayon work of its own), and returns the results in order.
fn on_threads<P: Send, R: Send>(parts: Vec<(usize, P)>, f: impl Fn(usize, P) -> R + Sync) -> Vec<R> {
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = parts
            .into_iter()
            .map(|(start, part)| s.spawn(move || f(start, part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Runs `f` over `items` in up to one chunk per core ([`on_threads`]).
fn par_chunks<'t, T: Sync, R: Send>(items: &'t [T], f: impl Fn(usize, &'t [T]) -> R + Sync) -> Vec<R> {
    let Some(size) = part_size(items.len()) else {
        return vec![f(0, items)];
    };
    on_threads(items.chunks(size).enumerate().map(|(k, c)| (k * size, c)).collect(), f)
}

/// [`par_chunks`] for owned items: `f` gets each thread's part by value (and its start).
fn par_parts<T: Send, R: Send>(mut items: Vec<T>, f: impl Fn(usize, Vec<T>) -> R + Sync) -> Vec<R> {
    let Some(size) = part_size(items.len()) else {
        return vec![f(0, items)];
    };
    let mut parts = Vec::new();
    let mut start = 0;
    while !items.is_empty() {
        let rest = items.split_off(size.min(items.len()));
        parts.push((start, items));
        start += size;
        items = rest;
    }
    on_threads(parts, f)
}

/// The weighted terms of one document: its own terms, then `names` (the terms of the
/// names of its techniques, which live in other files), a name's weight added to the
/// document's own when it has the term.
fn doc_weights(terms: &DocTerms, names: &[(TermId, f32)]) -> Vec<(TermId, f32)> {
    let mut out: Vec<(TermId, f32)> = terms.ids().collect();
    for &(t, w) in names {
        match out.iter_mut().find(|x| x.0 == t) {
            Some(x) => x.1 += w,
            None => out.push((t, w)),
        }
    }
    out
}

/// Posting lists under construction: term -> (document, weight), documents ascending.
type Postings<'a> = FxHashMap<&'a str, Vec<(u32, f32)>>;

/// Adds the weighted terms of document `doc` ([`doc_weights`]) to `postings`.
fn add_doc(doc: u32, terms: &DocTerms, names: &[(TermId, f32)], postings: &mut Postings<'_>) {
    for (t, w) in doc_weights(terms, names) {
        let t = t.text();
        match postings.get_mut(t) {
            Some(v) => v.push((doc, w)),
            None => {
                postings.insert(t, vec![(doc, w)]);
            }
        }
    }
}

/// The stored weight: twice the weight, rounded, at least 1.
fn quantize(w: f32) -> u32 {
    ((f64::from(w) * 2.0).round() as u32).max(1)
}

fn push_number(out: &mut String, v: u32) {
    let mut groups = [0u8; 7];
    let mut n = 0;
    let mut v = v;
    loop {
        groups[n] = (v & 31) as u8;
        n += 1;
        v >>= 5;
        if v == 0 {
            break;
        }
    }
    for i in (0..n).rev() {
        let g = groups[i] + if i > 0 { 32 } else { 0 };
        out.push(DIGITS[g as usize] as char);
    }
}

/// Encodes a posting list (documents ascending).
pub fn encode_postings(postings: impl ExactSizeIterator<Item = (u32, u32)>) -> String {
    let mut out = String::with_capacity(postings.len() * 2 + 4);
    let mut next = 0u32;
    for (doc, q) in postings {
        push_number(&mut out, doc - next);
        push_number(&mut out, q);
        next = doc + 1;
    }
    out
}

/// Decodes a posting list.
pub fn decode_postings(s: &str) -> Option<Vec<(u32, u32)>> {
    let mut numbers = Vec::with_capacity(s.len());
    let mut v: u32 = 0;
    let mut pending = false;
    for b in s.bytes() {
        let d = DIGITS.iter().position(|&x| x == b)? as u32;
        v = v.checked_mul(32)? + (d & 31);
        pending = d >= 32;
        if !pending {
            numbers.push(v);
            v = 0;
        }
    }
    if pending || numbers.len() % 2 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(numbers.len() / 2);
    let mut next = 0u32;
    for pair in numbers.chunks(2) {
        let doc = next + pair[0];
        out.push((doc, pair[1]));
        next = doc + 1;
    }
    Some(out)
}

/// Appends `s` as a JSON string. Besides what JSON requires (`"`, `\\`, control
/// characters), `<`, `>` and `&` are escaped too (`\u003c`...), so that the text cannot
/// start markup even if a file is ever read as HTML.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
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

/// The term shards of the index, and the first term of each.
#[derive(Debug, Clone, Default)]
pub struct Shards {
    /// `/search/shards/<i>.json`.
    pub files: Vec<Vec<u8>>,
    /// The manifest's `shards`: the first term of each shard.
    pub firsts: Vec<String>,
    /// The manifest's `hash`: of the shards and of every document record, so that it
    /// changes whenever any index file does.
    pub hash: u64,
    /// A hash of each file's bytes: what `knead watch` compares to know which shards an
    /// edit changed without rendering them.
    pub file_hashes: Vec<u64>,
}

/// The terms of each technique's name, which the articles that use it are indexed with.
fn technique_names(site: &Site) -> Vec<Vec<(TermId, u16)>> {
    site.techniques
        .iter()
        .map(|t| {
            let mut c = TermCounter::default();
            c.add(&t.meta.title);
            c.term_counts().collect()
        })
        .collect()
}

/// The weighted terms of the names of `techniques` (one field: counts added, then
/// dampened), sorted by term number.
fn names_of(names: &[Vec<(TermId, u16)>], techniques: &[usize], out: &mut Vec<(TermId, f32)>) {
    out.clear();
    for &t in techniques {
        out.extend(names[t].iter().map(|&(t, n)| (t, f32::from(n))));
    }
    if out.len() > 1 {
        out.sort_unstable_by_key(|a| a.0);
        out.dedup_by(|b, a| {
            let same = a.0 == b.0;
            if same {
                a.1 += b.1;
            }
            same
        });
    }
    for n in out.iter_mut() {
        n.1 = weight::LABEL as f32 * dampened(n.1 as u16);
    }
}

/// The posting list of every term of the documents in `order` (documents ascending).
fn postings<'a>(site: &'a Site, order: &[DocRef], names: &[Vec<(TermId, u16)>]) -> Postings<'a> {
    // Documents added in one chunk per thread, the lists of later chunks appended to
    // those of earlier ones.
    let partial: Vec<Postings<'_>> = par_chunks(order, |start, chunk| {
        let mut postings = Postings::default();
        let mut doc_names: Vec<(TermId, f32)> = Vec::new();
        for (k, &r) in chunk.iter().enumerate() {
            let s = source(site, r);
            names_of(names, s.techniques, &mut doc_names);
            add_doc((start + k) as u32, s.terms, &doc_names, &mut postings);
        }
        postings
    });
    let mut parts = partial.into_iter();
    let mut postings = parts.next().unwrap_or_default();
    for part in parts {
        for (t, v) in part {
            match postings.get_mut(t) {
                Some(p) => p.extend(v),
                None => {
                    postings.insert(t, v);
                }
            }
        }
    }
    postings
}

/// A term's entry in its shard: `"term":"postings"`.
fn entry_of(term: &str, postings: &[(u32, f32)]) -> String {
    entry_text(term, &encode_postings(postings.iter().map(|&(d, w)| (d, quantize(w)))))
}

/// A term's entry in its shard from its encoded postings.
fn entry_text(term: &str, encoded: &str) -> String {
    let mut e = String::with_capacity(term.len() + encoded.len() + 6);
    json_str(&mut e, term);
    e.push_str(":\"");
    e.push_str(encoded);
    e.push('"');
    e
}

/// A posting list encoded as it grows, documents ascending: the text [`encode_postings`]
/// makes of the same list, and the document number the next gap counts from. Two to
/// three bytes a posting rather than the eight of a `(u32, f32)` pair: the clean build's
/// index of 10,000 articles holds millions of postings at once.
#[derive(Debug, Default)]
struct Encoding {
    text: String,
    next: u32,
}

impl Encoding {
    /// Adds document `doc` (greater than every document so far) with weight `w`.
    fn push(&mut self, doc: u32, w: f32) {
        push_number(&mut self.text, doc - self.next);
        push_number(&mut self.text, quantize(w));
        self.next = doc + 1;
    }

    /// Appends `later`: postings of later documents, encoded on their own (so its first
    /// gap counts from 0, and is re-counted from this list's last document).
    fn append(&mut self, later: Encoding) {
        if later.text.is_empty() {
            return;
        }
        let mut first = 0u32;
        let mut len = 0;
        for &b in later.text.as_bytes() {
            let d = DIGITS.iter().position(|&x| x == b).unwrap_or(0) as u32;
            first = first * 32 + (d & 31);
            len += 1;
            if d < 32 {
                break;
            }
        }
        push_number(&mut self.text, first - self.next);
        self.text.push_str(&later.text[len..]);
        self.next = later.next;
    }
}

/// The encoded posting list of every term of `docs` (each document's terms and
/// techniques, in index order): the lists [`postings`] makes, encoded as they grow (what
/// a clean build's index needs; watch mode keeps [`postings`] to update them). Owned
/// terms are dropped as soon as they are indexed.
fn encoded_postings<T: std::borrow::Borrow<DocTerms> + Send>(
    docs: Vec<(T, &[usize])>,
    names: &[Vec<(TermId, u16)>],
) -> FxHashMap<TermId, Encoding> {
    let partial: Vec<FxHashMap<TermId, Encoding>> = par_parts(docs, |start, part| {
        let mut postings: FxHashMap<TermId, Encoding> = FxHashMap::default();
        let mut doc_names: Vec<(TermId, f32)> = Vec::new();
        for (k, (terms, techniques)) in part.into_iter().enumerate() {
            names_of(names, techniques, &mut doc_names);
            for (t, w) in doc_weights(terms.borrow(), &doc_names) {
                postings.entry(t).or_default().push((start + k) as u32, w);
            }
        }
        postings
    });
    let mut parts = partial.into_iter();
    let mut postings = parts.next().unwrap_or_default();
    for part in parts {
        for (t, e) in part {
            match postings.get_mut(&t) {
                Some(p) => p.append(e),
                None => {
                    postings.insert(t, e);
                }
            }
        }
    }
    postings
}

/// Cuts the entries (in term order) into `n` shards of even size.
fn cut<'a>(entries: impl ExactSizeIterator<Item = (&'a str, &'a str)> + Clone, n: usize) -> Shards {
    let n = n.max(1);
    let total: usize = entries.clone().map(|(_, e)| e.len() + 1).sum();
    let mut files: Vec<String> = vec![String::from("{"); n];
    let mut firsts: Vec<&str> = vec![""; n];
    let mut acc = 0usize;
    let mut shard = 0usize;
    let mut last = "";
    for (term, e) in entries {
        // Move to the next shard once this one holds its share of the bytes.
        while shard + 1 < n && acc >= total * (shard + 1) / n {
            shard += 1;
            firsts[shard] = term;
        }
        let s = &mut files[shard];
        if s.len() > 1 {
            s.push(',');
        }
        s.push_str(e);
        acc += e.len() + 1;
        last = term;
    }
    // Shards left empty at the end (fewer terms than shards) start after every term.
    let firsts = firsts
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if i > shard {
                format!("{last}\u{10FFFF}")
            } else {
                (*f).to_owned()
            }
        })
        .collect();
    let files: Vec<Vec<u8>> = files
        .into_iter()
        .map(|mut s| {
            s.push_str("}\n");
            s.into_bytes()
        })
        .collect();
    let file_hashes = files.iter().map(|f| hash_bytes(0, f)).collect();
    Shards {
        files,
        firsts,
        hash: 0,
        file_hashes,
    }
}

/// Combines the shards' bytes and the documents' record hashes (in document order)
/// into the manifest's `hash`.
fn index_hash(shards: &Shards, records: impl Iterator<Item = u64>) -> u64 {
    let h = shards
        .file_hashes
        .iter()
        .fold(0, |h, f| hash_bytes(h, &f.to_le_bytes()));
    records.fold(h, |h, r| hash_bytes(h, &r.to_le_bytes()))
}

/// The hash of each document's record, in `order`.
fn record_hashes(site: &Site, order: &[DocRef]) -> Vec<u64> {
    par_chunks(order, |_, chunk| {
        chunk.iter().map(|&r| source(site, r).hash(0)).collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// Builds the term shards of the documents in `order`, cut into `n` shards of even size.
/// Runs on plain threads of its own, never waiting on rayon work: it is called from
/// inside a rayon task (the first shard rendered), whose thread could otherwise pick up
/// another shard and wait on the shards it is itself building.
pub fn shards(site: &Site, order: &[DocRef], n: usize) -> Shards {
    let docs: Vec<(&DocTerms, &[usize])> = order
        .iter()
        .map(|&r| {
            let s = source(site, r);
            (s.terms, s.techniques)
        })
        .collect();
    shards_of(site, order, docs, n)
}

/// [`shards`] of the site's search order, taking each document's terms out of the site
/// as they are indexed: a clean build needs them for nothing else, and at 10,000
/// articles they took 25 MB beside the postings. A render shared with something else
/// keeps its terms (they are copied).
pub fn shards_taking_terms(site: &mut Site, n: usize) -> Shards {
    let order = std::sync::Arc::clone(&site.search_order);
    let taken: Vec<DocTerms> = order
        .iter()
        .map(|&r| {
            let render = match r {
                DocRef::Article(i) => &mut site.articles[i].render,
                DocRef::Technique(i) => &mut site.techniques[i].render,
                DocRef::Page(i) => &mut site.pages[i].render,
            };
            match std::sync::Arc::get_mut(render) {
                Some(r) => std::mem::take(&mut r.search),
                None => render.search.clone(),
            }
        })
        .collect();
    let site: &Site = site;
    let docs: Vec<(DocTerms, &[usize])> = taken
        .into_iter()
        .zip(order.iter())
        .map(|(t, &r)| (t, source(site, r).techniques))
        .collect();
    shards_of(site, &order, docs, n)
}

fn shards_of<T: std::borrow::Borrow<DocTerms> + Send>(
    site: &Site,
    order: &[DocRef],
    docs: Vec<(T, &[usize])>,
    n: usize,
) -> Shards {
    let names = technique_names(site);
    let postings = encoded_postings(docs, &names);
    let mut terms: Vec<(&str, Encoding)> = postings.into_iter().map(|(t, e)| (t.text(), e)).collect();
    terms.sort_unstable_by(|a, b| js_cmp(a.0, b.0));
    let entries: Vec<String> = par_chunks(&terms, |_, chunk| {
        chunk.iter().map(|(t, e)| entry_text(t, &e.text)).collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    let keys: Vec<&str> = terms.into_iter().map(|(t, _)| t).collect();
    let mut shards = cut(keys.iter().zip(&entries).map(|(t, e)| (*t, e.as_str())), n);
    shards.hash = index_hash(&shards, record_hashes(site, order).into_iter());
    shards
}

/// A term ordered as JavaScript orders strings ([`js_cmp`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct JsKey(Box<str>);

impl Ord for JsKey {
    fn cmp(&self, other: &Self) -> Ordering {
        js_cmp(&self.0, &other.0)
    }
}

impl PartialOrd for JsKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The index terms of the last build, kept by `knead watch` so that an edit updates only
/// the postings of the documents it changed (a full build otherwise). The files are the
/// same as [`shards`] would make: the tests of incremental builds compare them.
#[derive(Debug, Default)]
pub struct ShardCache(std::sync::Mutex<Option<CacheState>>);

#[derive(Debug)]
struct CacheState {
    order: Vec<DocRef>,
    /// Per document number: its render (compared by pointer), its techniques and the
    /// hash of its record.
    docs: Vec<(std::sync::Arc<crate::model::DocRender>, Vec<usize>, u64)>,
    technique_titles: Vec<String>,
    names: Vec<Vec<(TermId, u16)>>,
    /// Term -> postings and its shard entry, in term order.
    terms: BTreeMap<JsKey, (Vec<(u32, f32)>, String)>,
    shards: std::sync::Arc<Shards>,
}

fn render_of(site: &Site, r: DocRef) -> (&std::sync::Arc<crate::model::DocRender>, &[usize]) {
    match r {
        DocRef::Article(i) => (&site.articles[i].render, &site.articles[i].techniques),
        DocRef::Technique(i) => (&site.techniques[i].render, &[]),
        DocRef::Page(i) => (&site.pages[i].render, &[]),
    }
}

impl ShardCache {
    /// The shards of `site` (as [`shards`]), updated from the last call's when only a
    /// few documents changed and none moved.
    pub fn shards(&self, site: &Site, order: &[DocRef], n: usize) -> std::sync::Arc<Shards> {
        let mut state = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let titles: Vec<String> = site.techniques.iter().map(|t| t.meta.title.clone()).collect();
        if let Some(s) = state.as_mut()
            && s.order == order
            && s.technique_titles == titles
            && s.shards.files.len() == n.max(1)
        {
            let changed: Vec<usize> = (0..order.len())
                .filter(|&d| !std::sync::Arc::ptr_eq(&s.docs[d].0, render_of(site, order[d]).0))
                .collect();
            if changed.len() <= (order.len() / 16).max(1) {
                if !changed.is_empty() {
                    s.update(site, &changed, n);
                }
                return std::sync::Arc::clone(&s.shards);
            }
        }
        let names = technique_names(site);
        let postings = postings(site, order, &names);
        let terms: BTreeMap<JsKey, (Vec<(u32, f32)>, String)> = postings
            .into_iter()
            .map(|(t, p)| {
                let e = entry_of(t, &p);
                (JsKey(t.into()), (p, e))
            })
            .collect();
        let records = record_hashes(site, order);
        let mut shards = cut(terms.iter().map(|(t, (_, e))| (&*t.0, e.as_str())), n);
        shards.hash = index_hash(&shards, records.iter().copied());
        let shards = std::sync::Arc::new(shards);
        let docs = order
            .iter()
            .zip(records)
            .map(|(&r, h)| {
                let (render, techniques) = render_of(site, r);
                (std::sync::Arc::clone(render), techniques.to_vec(), h)
            })
            .collect();
        *state = Some(CacheState {
            order: order.to_vec(),
            docs,
            technique_titles: titles,
            names,
            terms,
            shards: std::sync::Arc::clone(&shards),
        });
        shards
    }
}

impl CacheState {
    /// Replaces the postings of the documents numbered `changed`.
    fn update(&mut self, site: &Site, changed: &[usize], n: usize) {
        let mut touched: Vec<Box<str>> = Vec::new();
        let mut doc_names: Vec<(TermId, f32)> = Vec::new();
        for &d in changed {
            let doc = d as u32;
            let (old_render, old_techniques, _) = &self.docs[d];
            names_of(&self.names, old_techniques, &mut doc_names);
            let old: FxHashMap<&str, f32> = doc_weights(&old_render.search, &doc_names)
                .into_iter()
                .map(|(t, w)| (t.text(), w))
                .collect();
            let (render, techniques) = render_of(site, self.order[d]);
            names_of(&self.names, techniques, &mut doc_names);
            let new: Vec<(&str, f32)> = doc_weights(&render.search, &doc_names)
                .into_iter()
                .map(|(t, w)| (t.text(), w))
                .collect();
            // Terms whose weight did not change keep their postings (and shard entry).
            let mut kept = FxHashSet::default();
            for &(t, w) in &new {
                if old.get(t) == Some(&w) {
                    kept.insert(t);
                    continue;
                }
                let (p, _) = self.terms.entry(JsKey(t.into())).or_default();
                match p.binary_search_by_key(&doc, |x| x.0) {
                    Ok(i) => p[i].1 = w,
                    Err(i) => p.insert(i, (doc, w)),
                }
                touched.push(t.into());
            }
            for (t, _) in old {
                if kept.contains(t) || new.iter().any(|x| x.0 == t) {
                    continue;
                }
                let key = JsKey(t.into());
                if let Some((p, _)) = self.terms.get_mut(&key)
                    && let Ok(i) = p.binary_search_by_key(&doc, |x| x.0)
                {
                    p.remove(i);
                }
                touched.push(key.0);
            }
            let record = source(site, self.order[d]).hash(0);
            self.docs[d] = (std::sync::Arc::clone(render), techniques.to_vec(), record);
        }
        touched.sort_unstable();
        touched.dedup();
        for t in touched {
            let key = JsKey(t);
            match self.terms.get_mut(&key) {
                Some((p, _)) if p.is_empty() => {
                    self.terms.remove(&key);
                }
                Some((p, e)) => *e = entry_of(&key.0, p),
                None => {}
            }
        }
        let mut shards = cut(self.terms.iter().map(|(t, (_, e))| (&*t.0, e.as_str())), n);
        shards.hash = index_hash(&shards, self.docs.iter().map(|d| d.2));
        self.shards = std::sync::Arc::new(shards);
    }
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
    manifest.push_str("]}\n");
    manifest.into_bytes()
}

/// Builds every index file of `site` (with the shard count of [`layout`]).
pub fn build(site: &Site) -> IndexFiles {
    build_with(site, layout(site).shards)
}

/// [`build`] with `n` shards.
pub fn build_with(site: &Site, n: usize) -> IndexFiles {
    let order = &site.search_order;
    let shards = shards(site, order, n);
    let docs = (0..order.len().div_ceil(DOCS_PER_CHUNK))
        .map(|k| doc_chunk(site, order, k))
        .collect();
    IndexFiles {
        manifest: manifest(order, &shards),
        shards: shards.files,
        docs,
    }
}

/// A document as the index records it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DocRecord {
    /// Title.
    pub title: String,
    /// URL relative to the site root.
    pub url: String,
    /// Description.
    pub description: String,
    /// The start of the body.
    pub excerpt: String,
    /// Headings (h2, h3).
    pub headings: Vec<String>,
    /// FAQ questions.
    pub questions: Vec<String>,
}

#[derive(Deserialize)]
struct Manifest {
    version: u32,
    docs: usize,
    chunk: usize,
    shards: Vec<String>,
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Document number.
    pub doc: u32,
    /// Score.
    pub score: f64,
}

/// The index read back from its files, with the ranking of search.js: what the unit
/// tests run queries against.
#[derive(Debug, Clone)]
pub struct Searcher {
    /// Every document.
    pub docs: Vec<DocRecord>,
    /// Term -> postings.
    pub terms: BTreeMap<String, Vec<(u32, u32)>>,
    /// For each term, the shard it was found in.
    pub shard_of: BTreeMap<String, usize>,
    /// The manifest's shard boundaries.
    pub firsts: Vec<String>,
}

impl Searcher {
    /// Reads the files back (checking that each term is in the shard the manifest says).
    pub fn load(built: &IndexFiles) -> Result<Self, String> {
        let m: Manifest = serde_json::from_slice(&built.manifest).map_err(|e| e.to_string())?;
        if m.version != 1 || m.shards.len() != built.shards.len() || m.chunk != DOCS_PER_CHUNK {
            return Err("manifest does not match the files".into());
        }
        let mut terms = BTreeMap::new();
        let mut shard_of = BTreeMap::new();
        for (i, bytes) in built.shards.iter().enumerate() {
            let shard: BTreeMap<String, String> = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
            for (t, p) in shard {
                let want = m.shards.partition_point(|f| js_cmp(f, &t) != Ordering::Greater) - 1;
                if want != i {
                    return Err(format!("term {t} is in shard {i}, the manifest says {want}"));
                }
                let postings = decode_postings(&p).ok_or_else(|| format!("bad postings for {t}"))?;
                shard_of.insert(t.clone(), i);
                terms.insert(t, postings);
            }
        }
        let mut docs = Vec::with_capacity(m.docs);
        for bytes in &built.docs {
            let chunk: Vec<DocRecord> = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
            docs.extend(chunk);
        }
        if docs.len() != m.docs {
            return Err(format!("{} documents, the manifest says {}", docs.len(), m.docs));
        }
        Ok(Searcher {
            docs,
            terms,
            shard_of,
            firsts: m.shards,
        })
    }

    /// The shard that holds term `t` (if any does).
    pub fn shard_of(&self, t: &str) -> usize {
        self.firsts
            .partition_point(|f| js_cmp(f, t) != Ordering::Greater)
            .saturating_sub(1)
    }

    /// The shards the script downloads for `query`: the shard of each query term, and
    /// for the last one every shard that may hold a term it is the start of.
    pub fn shards_for(&self, query: &str) -> std::collections::BTreeSet<usize> {
        let tokens = self.query_tokens(query);
        let mut out = std::collections::BTreeSet::new();
        let mut buf = String::new();
        for (i, t) in tokens.iter().enumerate() {
            let Some(exact) = crate::text::term_of(t, &mut buf).map(str::to_owned) else {
                continue;
            };
            out.insert(self.shard_of(&exact));
            if i + 1 == tokens.len() {
                for p in [t.as_str(), exact.as_str()] {
                    if p.chars().count() >= 3 {
                        out.extend(self.shard_of(p)..=self.shard_of(&format!("{p}\u{ffff}")));
                    }
                }
            }
        }
        out
    }

    /// The query's distinct tokens that are searched for (not stopwords, 2+ characters).
    fn query_tokens(&self, query: &str) -> Vec<String> {
        let mut tokens: Vec<String> = Vec::new();
        let mut buf = String::new();
        crate::text::for_each_token(query, |t| {
            if !tokens.iter().any(|x| x == t) && crate::text::term_of(t, &mut buf).is_some() {
                tokens.push(t.to_owned());
            }
        });
        tokens
    }

    /// The index terms a query term matches, with their factors.
    fn matches(&self, token: &str, last: bool) -> Vec<(&str, f64)> {
        let mut out: Vec<(&str, f64)> = Vec::new();
        let mut buf = String::new();
        let exact = crate::text::term_of(token, &mut buf).map(str::to_owned);
        if let Some(e) = &exact
            && let Some((t, _)) = self.terms.get_key_value(e.as_str())
        {
            out.push((t.as_str(), 1.0));
        }
        if last {
            let mut prefixes = vec![token.to_owned()];
            if let Some(e) = &exact {
                prefixes.push(e.clone());
            }
            for p in prefixes.iter().filter(|p| p.chars().count() >= 3) {
                for (t, _) in self
                    .terms
                    .range::<str, _>((std::ops::Bound::Included(p.as_str()), std::ops::Bound::Unbounded))
                {
                    if !t.starts_with(p.as_str()) {
                        break;
                    }
                    if !out.iter().any(|(x, _)| *x == t) {
                        out.push((t.as_str(), 0.5));
                    }
                }
            }
        }
        out
    }

    /// Runs a query: documents ranked, best first.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        // Stopwords and one-letter words are not indexed, so not searched for either; the
        // last word may be the start of a word.
        let tokens = self.query_tokens(query);
        let n_tokens = tokens.len();
        let query_terms: Vec<Vec<(&str, f64)>> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| self.matches(t, i + 1 == n_tokens))
            .collect();
        if query_terms.is_empty() {
            return Vec::new();
        }
        let n = self.docs.len() as f64;
        let mut scores: BTreeMap<u32, (usize, f64)> = BTreeMap::new();
        for matches in &query_terms {
            let mut best: BTreeMap<u32, f64> = BTreeMap::new();
            for (t, factor) in matches {
                let postings = &self.terms[*t];
                // The same operations, in the same order, as search.js.
                let w = factor * (1.0 + n / postings.len() as f64).ln();
                for &(doc, q) in postings {
                    let s = w * f64::from(q);
                    let e = best.entry(doc).or_insert(0.0);
                    if s > *e {
                        *e = s;
                    }
                }
            }
            for (doc, s) in best {
                let e = scores.entry(doc).or_insert((0, 0.0));
                e.0 += 1;
                e.1 += s;
            }
        }
        let all = query_terms.len();
        let mut hits: Vec<Hit> = scores
            .iter()
            .filter(|(_, (k, _))| *k == all)
            .map(|(&doc, &(_, score))| Hit { doc, score })
            .collect();
        if hits.is_empty() {
            hits = scores.iter().map(|(&doc, &(_, score))| Hit { doc, score }).collect();
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        hits
    }

    /// Titles of the results of a query, best first.
    pub fn titles(&self, query: &str) -> Vec<&str> {
        self.search(query)
            .iter()
            .map(|h| self.docs[h.doc as usize].title.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{FOLD, STOPWORDS, terms};

    #[test]
    fn script_shares_the_tables() {
        for table in [FOLD, STOPWORDS, std::str::from_utf8(DIGITS).unwrap()] {
            assert!(
                SCRIPT.contains(&format!("\"{table}\"")) || SCRIPT.contains(&format!("'{table}'")),
                "search.js lacks {table}"
            );
        }
    }

    #[test]
    fn served_script_drops_only_comments_and_indentation() {
        let served = served_script();
        assert!(
            served.len() < SCRIPT.len() * 9 / 10,
            "{} of {}",
            served.len(),
            SCRIPT.len()
        );
        assert!(served.lines().all(|l| !l.starts_with(' ') && !l.starts_with("//")));
        // Every code line of the source is there, in order.
        let code: Vec<&str> = SCRIPT
            .lines()
            .map(str::trim_start)
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
            .skip_while(|l| !l.starts_with("(function"))
            .collect();
        let served_code: Vec<&str> = served.lines().skip_while(|l| !l.starts_with("(function")).collect();
        assert_eq!(code, served_code);
        // And node (when installed) finds it valid.
        let file = std::env::temp_dir().join(format!("knead-search-{}.js", std::process::id()));
        std::fs::write(&file, served).unwrap();
        if let Ok(out) = std::process::Command::new("node").arg("--check").arg(&file).output() {
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        let _ = std::fs::remove_file(&file);
    }

    /// The script's text analysis gives the same terms as this module's, on the bundled
    /// site's sources and on tricky words (needs `node`; skipped without it).
    #[test]
    fn script_analyses_text_like_rust() {
        // The served script, as browsers get it.
        let script = served_script();
        let start = script.find("'use strict';").unwrap();
        let end = script.find("\nvar form = document").unwrap();
        let code = &script[start..end];
        let mut texts: Vec<String> = vec![
            "Runner's ÜBER-café naïve Straße ΟΔΟΣ Ὀδυσσεύς 腰痛 İstanbul ǅ ﬁ Ⅻ ①".into(),
            "massages massaging rollers stretches aches injuries stress stenosis knees 2024 l5-s1".into(),
        ];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        for e in walkdir::WalkDir::new(root).sort_by_file_name().into_iter().flatten() {
            if e.path().extension().is_some_and(|x| x == "md") {
                texts.push(std::fs::read_to_string(e.path()).unwrap());
            }
        }
        let program = format!(
            "const f = new Function({code:?} + '; return {{ term, tokens }};')();\n\
             let input = ''; process.stdin.on('data', d => input += d).on('end', () => {{\n\
             const texts = JSON.parse(input);\n\
             console.log(JSON.stringify(texts.map(t => f.tokens(t).map(f.term).filter(Boolean))));\n}});"
        );
        let child = std::process::Command::new("node")
            .arg("-e")
            .arg(&program)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn();
        let Ok(mut child) = child else {
            eprintln!("node is not installed: the script's text analysis was not compared");
            return;
        };
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(serde_json::to_string(&texts).unwrap().as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        let js: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(js.len(), texts.len());
        for (text, js_terms) in texts.iter().zip(js) {
            let rust_terms = terms(text);
            if rust_terms != js_terms {
                let at = rust_terms.iter().zip(&js_terms).position(|(a, b)| a != b).unwrap_or(0);
                panic!(
                    "search.js and Rust disagree at term {at}: {:?} vs {:?}",
                    &rust_terms[at..(at + 5).min(rust_terms.len())],
                    &js_terms[at..(at + 5).min(js_terms.len())]
                );
            }
        }
    }

    use crate::build::pipeline::{Options, prepare};
    use std::path::Path;

    fn site_at(root: &Path) -> Site {
        match prepare(&Options {
            root: root.to_path_buf(),
            ..Options::default()
        }) {
            Ok(p) => p.site,
            Err(e) => panic!("{e:?}"),
        }
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn article(title: &str, description: &str, faq: Option<(&str, &str)>, body: &str) -> String {
        let faqs = faq.map_or_else(String::new, |(q, a)| {
            format!("faqs:\n  - question: \"{q}\"\n    answer: \"{a}\"\n")
        });
        format!(
            "---\ntitle: \"{title}\"\ndescription: \"{description}\"\ndate: 2025-01-01\ntechniques: [swedish]\n{faqs}---\n\n{body}\n"
        )
    }

    /// A small site whose articles mention "sciatica" in different fields.
    fn ranking_site() -> (tempfile::TempDir, Site) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "site.yaml",
            "title: T\nbase_url: https://example.org/sub/\ndescription: D\n",
        );
        write(
            root,
            "content/techniques/swedish.md",
            "---\ntitle: \"Swedish massage\"\nsummary: \"Long, gliding strokes.\"\npressure: light\nalso_known_as: [\"Classic massage\"]\navoid_if: [\"Pregnancy (first trimester)\"]\n---\n\nGentle strokes for the back.\n",
        );
        let filler = "The therapist works on the lower back with care. ";
        let files = [
            (
                "body-many",
                article(
                    "Zebra notes",
                    "About the back.",
                    None,
                    &format!(
                        "{} Sciatica sciatica sciatica sciatica sciatica, said nobody.",
                        filler.repeat(3)
                    ),
                ),
            ),
            (
                "title",
                article(
                    "Massage for sciatica",
                    "What massage can do.",
                    None,
                    &format!("{filler} Sciatica is nerve pain.",),
                ),
            ),
            (
                "faq",
                article(
                    "Questions people ask",
                    "Common questions.",
                    Some(("Can massage help sciatica?", "It may ease tight muscles.")),
                    filler,
                ),
            ),
            (
                "body-once",
                article(
                    "Apple of the eye",
                    "About eyes.",
                    None,
                    &format!("{filler} Sciatica once."),
                ),
            ),
            (
                "heading",
                article(
                    "Leg pain",
                    "Pain down the leg.",
                    None,
                    &format!("## When it is sciatica\n\n{filler}"),
                ),
            ),
            (
                "accents",
                article(
                    "Café breaks and desk posture",
                    "Naïve desk tips.",
                    None,
                    "Massages and stretching help. Foam rollers too.",
                ),
            ),
            (
                "other",
                article(
                    "Foam rolling at home",
                    "Self-care with a roller.",
                    None,
                    "Rolling the upper back gently.",
                ),
            ),
        ];
        for (slug, text) in &files {
            write(root, &format!("content/articles/{slug}.md"), text);
        }
        write(
            root,
            "content/pages/about.md",
            "---\ntitle: Our editorial team\ndescription: Who we are.\n---\n\nWe write about massage.\n",
        );
        let site = site_at(root);
        (dir, site)
    }

    #[test]
    fn postings_round_trip() {
        let p = vec![(0, 1), (1, 2), (2, 31), (40, 32), (1000, 70000), (1001, 1)];
        let s = encode_postings(p.iter().copied());
        assert_eq!(decode_postings(&s), Some(p));
        // A document with a low weight right after the previous one costs 2 bytes.
        assert_eq!(encode_postings([(0, 3), (1, 4)].into_iter()), "0304");
        assert_eq!(encode_postings([(32, 1)].into_iter()), "x01");
        assert_eq!(decode_postings("x"), None);
    }

    #[test]
    fn json_strings_are_valid_and_html_safe() {
        let text = "Tom & \"Jerry\" </script>\n\u{1}\\ é";
        let mut out = String::new();
        json_str(&mut out, text);
        assert!(!out.contains(['<', '>', '&']), "{out}");
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
    }

    #[test]
    fn js_order() {
        assert_eq!(js_cmp("a", "b"), Ordering::Less);
        assert_eq!(js_cmp("é", "z"), Ordering::Greater);
        // U+FF41 (fullwidth a) sorts after U+1D400 in UTF-16, before it in UTF-8.
        assert_eq!(js_cmp("\u{ff41}", "\u{1d400}"), Ordering::Greater);
    }

    #[test]
    fn title_beats_faq_beats_heading_beats_body() {
        let (_dir, site) = ranking_site();
        let s = Searcher::load(&build(&site)).unwrap();
        let titles = s.titles("sciatica");
        assert_eq!(
            titles,
            [
                "Massage for sciatica",
                "Questions people ask",
                "Leg pain",
                "Zebra notes",
                "Apple of the eye"
            ]
        );
        // The same with capitals, accents and a stopword.
        assert_eq!(s.titles("the SCIÁTICA")[0], "Massage for sciatica");
    }

    #[test]
    fn stems_prefixes_and_folding() {
        let (_dir, site) = ranking_site();
        let s = Searcher::load(&build(&site)).unwrap();
        // "massages" finds "massage" (stemming), "sciat" finds "sciatica" (prefix).
        assert!(s.titles("massages").contains(&"Massage for sciatica"));
        assert_eq!(s.titles("sciat")[0], "Massage for sciatica");
        // Accents fold both ways; "rollers" and "rolling" meet at "roll".
        assert_eq!(s.titles("cafe")[0], "Café breaks and desk posture");
        assert_eq!(s.titles("naive desk")[0], "Café breaks and desk posture");
        let roll = s.titles("roller");
        assert_eq!(roll, ["Foam rolling at home", "Café breaks and desk posture"]);
        // Techniques and pages are searchable; technique names count for articles.
        assert_eq!(s.titles("swedish")[0], "Swedish massage");
        assert_eq!(s.titles("pregnancy"), ["Swedish massage"]);
        assert_eq!(s.titles("editorial team"), ["Our editorial team"]);
    }

    #[test]
    fn and_then_or_and_ties_by_title() {
        let (_dir, site) = ranking_site();
        let s = Searcher::load(&build(&site)).unwrap();
        // Every word must match...
        assert_eq!(s.titles("foam home"), ["Foam rolling at home"]);
        // ...unless no page has them all: then any word will do.
        let any = s.titles("zebra apple");
        assert_eq!(any.len(), 2, "{any:?}");
        // Equal scores come in title order.
        let hits = s.search("therapist");
        let tied: Vec<&str> = hits
            .iter()
            .filter(|h| h.score == hits[1].score)
            .map(|h| s.docs[h.doc as usize].title.as_str())
            .collect();
        let mut sorted = tied.clone();
        sorted.sort_by_key(|t| t.to_lowercase());
        assert!(tied.len() > 1);
        assert_eq!(tied, sorted);
        assert!(s.titles("xyzzy").is_empty());
        assert!(s.titles("the and of").is_empty());
    }

    #[test]
    fn records_have_relative_urls_and_snippet_sources() {
        let (_dir, site) = ranking_site();
        let s = Searcher::load(&build(&site)).unwrap();
        let d = s.docs.iter().find(|d| d.title == "Questions people ask").unwrap();
        assert_eq!(d.url, "articles/faq/");
        assert_eq!(d.questions, ["Can massage help sciatica?"]);
        assert!(d.excerpt.starts_with("The therapist works"), "{}", d.excerpt);
        let h = s.docs.iter().find(|d| d.title == "Leg pain").unwrap();
        assert_eq!(h.headings, ["When it is sciatica"]);
        // Documents are numbered in title order.
        let titles: Vec<String> = s.docs.iter().map(|d| d.title.to_lowercase()).collect();
        let mut sorted = titles.clone();
        sorted.sort();
        assert_eq!(titles, sorted);
    }

    #[test]
    fn encoded_lists_append_as_one_list() {
        let all = [
            (0u32, 1.0f32),
            (3, 2.5),
            (40, 16.0),
            (41, 0.2),
            (1000, 7.0),
            (5000, 3.0),
        ];
        for cut in 0..=all.len() {
            let (a, b) = all.split_at(cut);
            let mut left = Encoding::default();
            let mut right = Encoding::default();
            a.iter().for_each(|&(d, w)| left.push(d, w));
            b.iter().for_each(|&(d, w)| right.push(d, w));
            left.append(right);
            let whole = encode_postings(all.iter().map(|&(d, w)| (d, quantize(w))));
            assert_eq!(left.text, whole, "cut at {cut}");
        }
    }

    /// The clean build's encoded lists hold what watch mode's lists encode to, on the
    /// bundled site (whose articles get weight from their techniques' names).
    #[test]
    fn encoded_postings_match_the_plain_ones() {
        let site = site_at(Path::new(env!("CARGO_MANIFEST_DIR")));
        let order = site.search_order.to_vec();
        let names = technique_names(&site);
        let plain = postings(&site, &order, &names);
        let docs: Vec<(&DocTerms, &[usize])> = (order.iter())
            .map(|&r| (source(&site, r).terms, source(&site, r).techniques))
            .collect();
        let encoded = encoded_postings(docs, &names);
        assert_eq!(plain.len(), encoded.len());
        assert!(plain.len() > 1000, "{} terms", plain.len());
        for (t, p) in &plain {
            assert_eq!(
                entry_of(t, p),
                entry_text(t, &encoded[&crate::text::vocab::intern(t)].text),
                "{t}"
            );
        }
    }

    /// A clean build's index, made while taking the terms out of the model, is the one
    /// made from the model as it is.
    #[test]
    fn shards_taking_terms_are_the_same_shards() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = site_at(root);
        let n = layout(&site).shards.max(3);
        let want = shards(&site, &site.search_order, n);
        let mut taken = site_at(root);
        let got = shards_taking_terms(&mut taken, n);
        assert_eq!(got.files, want.files);
        assert_eq!(got.firsts, want.firsts);
        assert_eq!((got.hash, &got.file_hashes), (want.hash, &want.file_hashes));
        assert!(taken.articles.iter().all(|a| a.render.search.is_empty()));
        assert!(site.articles.iter().all(|a| !a.render.search.is_empty()));
    }

    #[test]
    fn shards_split_evenly_and_deterministically() {
        let site = site_at(Path::new(env!("CARGO_MANIFEST_DIR")));
        let one = build_with(&site, 1);
        let seven = build_with(&site, 7);
        assert_eq!(seven.shards.len(), 7);
        // Searcher::load checks every term is in the shard the manifest names.
        let a = Searcher::load(&one).unwrap();
        let b = Searcher::load(&seven).unwrap();
        assert_eq!(a.terms, b.terms);
        let sizes: Vec<usize> = seven.shards.iter().map(Vec::len).collect();
        let total: usize = sizes.iter().sum();
        assert!(sizes.iter().all(|&n| n < total / 7 * 2), "{sizes:?}");
        // Byte-identical on a second build.
        let again = build_with(&site, 7);
        assert_eq!(seven.manifest, again.manifest);
        assert_eq!(seven.shards, again.shards);
        assert_eq!(seven.docs, again.docs);
        // More shards than terms: the empty ones sort after every term.
        let many = build_with(&site, 50_000);
        let m = Searcher::load(&many).unwrap();
        assert_eq!(m.terms, a.terms);
        // The bundled site: "sciatica" finds the sciatica article first.
        let first = &a.docs[a.search("sciatica")[0].doc as usize];
        assert_eq!(first.url, "articles/sciatica-and-herniated-discs/");
    }
}
