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

use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::{DocTerms, TermCounter};
use crate::markdown::Rendered;
use crate::model::{Site, Sourced};
use crate::parse::Meta;

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
    FIELD.with_borrow_mut(|field| {
        for (w, texts) in fields {
            field.clear();
            for t in texts {
                field.add(t);
            }
            for (t, n) in field.counts() {
                counts.add_weight(t, w as f32 * dampened(n));
            }
        }
    });
    counts.into_terms(weight::BODY as f32, dampened)
}

/// One searchable document.
struct Source<'a> {
    title: &'a str,
    path: &'a str,
    description: &'a str,
    excerpt: &'a str,
    terms: &'a DocTerms,
    /// Indices into the site's techniques (articles only).
    techniques: &'a [usize],
    /// Snippet candidates.
    headings: Vec<&'a str>,
    questions: Vec<&'a str>,
}

fn toc_titles(r: &Rendered) -> Vec<&str> {
    r.toc.iter().map(|t| t.title.as_str()).take(MAX_HEADINGS).collect()
}

fn sources(site: &Site) -> Vec<Source<'_>> {
    let mut out = Vec::with_capacity(site.articles.len() + site.techniques.len() + site.pages.len());
    for a in &site.articles {
        out.push(Source {
            title: &a.meta.title,
            path: a.path(),
            description: &a.meta.description,
            excerpt: &a.body().search.excerpt,
            terms: &a.render.search,
            techniques: &a.techniques,
            headings: toc_titles(a.body()),
            questions: a.faqs().iter().map(|f| f.question.as_str()).collect(),
        });
    }
    for t in &site.techniques {
        out.push(Source {
            title: &t.meta.title,
            path: t.path(),
            description: &t.meta.summary,
            excerpt: &t.render.body.search.excerpt,
            terms: &t.render.search,
            techniques: &[],
            headings: toc_titles(&t.render.body),
            questions: Vec::new(),
        });
    }
    for p in &site.pages {
        out.push(Source {
            title: &p.meta.title,
            path: p.path(),
            description: p.meta.description.as_deref().unwrap_or(""),
            excerpt: &p.render.body.search.excerpt,
            terms: &p.render.search,
            techniques: &[],
            headings: toc_titles(&p.render.body),
            questions: Vec::new(),
        });
    }
    // Title order (then URL), so that equal scores rank by title.
    out.sort_by_cached_key(|s| (s.title.to_lowercase(), s.path));
    out
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
pub struct Built {
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

/// Runs `f` over `items` in up to one chunk per core, on plain threads (not rayon: the
/// index is built inside a rayon task, which must not wait on rayon work of its own).
fn par_chunks<'t, T: Sync, R: Send>(items: &'t [T], f: impl Fn(usize, &'t [T]) -> R + Sync) -> Vec<R> {
    let threads = rayon::current_num_threads().min(8);
    if threads <= 1 || items.len() < 256 {
        return vec![f(0, items)];
    }
    let size = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(size)
            .enumerate()
            .map(|(k, c)| s.spawn(move || f(k * size, c)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Posting lists under construction: term -> (document, weight), documents ascending.
type Postings<'a> = FxHashMap<&'a str, Vec<(u32, f32)>>;

/// Adds the terms of document `doc` to `postings`, then the weights of `names` (the
/// terms of the names of its techniques, which live in other files).
fn add_doc<'a>(doc: u32, terms: &'a DocTerms, names: &[(&'a str, f32)], postings: &mut Postings<'a>) {
    for (t, w) in terms.iter() {
        match postings.get_mut(t) {
            Some(v) => v.push((doc, w)),
            None => {
                postings.insert(t, vec![(doc, w)]);
            }
        }
    }
    for &(t, w) in names {
        let v = postings.entry(t).or_default();
        match v.last_mut() {
            Some(last) if last.0 == doc => last.1 += w,
            _ => v.push((doc, w)),
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

/// A stable hash of `bytes` (8 bytes at a time), for the manifest's `hash`.
fn hash_bytes(h: u64, bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut chunks = bytes.chunks_exact(8);
    let mut h = h ^ bytes.len() as u64;
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap_or_default());
        h = (h.rotate_left(29) ^ w).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(8) ^ u64::from(b)).wrapping_mul(K);
    }
    h
}

/// Builds every index file of `site` (with the shard count of [`layout`]). Runs on
/// plain threads of its own, never waiting on rayon work: it is called from inside a
/// rayon task (the first search file rendered), whose thread could otherwise pick up
/// another search file and wait on the index it is itself building.
pub fn build(site: &Site) -> Built {
    build_with(site, layout(site).shards)
}

/// [`build`] with `n` shards.
pub fn build_with(site: &Site, n: usize) -> Built {
    let n = n.max(1);
    let t0 = std::time::Instant::now();
    let lap = |w: &str| {
        if std::env::var_os("KNEAD_TIMINGS").is_some() {
            eprintln!("  search {w}: {:.1} ms", t0.elapsed().as_secs_f64() * 1000.0)
        }
    };
    let sources = sources(site);
    lap("sources");

    // The terms of each technique's name, which its articles are indexed with too.
    let technique_names: Vec<Vec<(String, u16)>> = site
        .techniques
        .iter()
        .map(|t| {
            let mut c = TermCounter::default();
            c.add(&t.meta.title);
            c.counts().map(|(t, n)| (t.to_owned(), n)).collect()
        })
        .collect();

    // The posting list of each term: documents added in one chunk per thread, the
    // lists of later chunks appended to those of earlier ones.
    let partial: Vec<Postings<'_>> = par_chunks(&sources, |start, chunk| {
        let mut postings = Postings::default();
        let mut names: Vec<(&str, f32)> = Vec::new();
        for (k, s) in chunk.iter().enumerate() {
            names.clear();
            for &t in s.techniques {
                names.extend(technique_names[t].iter().map(|(t, n)| (t.as_str(), f32::from(*n))));
            }
            if names.len() > 1 {
                names.sort_unstable_by(|a, b| a.0.cmp(b.0));
                names.dedup_by(|b, a| {
                    let same = a.0 == b.0;
                    if same {
                        a.1 += b.1;
                    }
                    same
                });
            }
            for n in &mut names {
                n.1 = weight::LABEL as f32 * dampened(n.1 as u16);
            }
            add_doc((start + k) as u32, s.terms, &names, &mut postings);
        }
        postings
    });
    lap("weigh");
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
    lap("merge");
    let mut terms: Vec<(&str, Vec<(u32, f32)>)> = postings.into_iter().collect();
    terms.sort_unstable_by(|a, b| js_cmp(a.0, b.0));
    lap("sort");

    // Each term's JSON entry, then the shards cut at even sizes.
    let entries: Vec<String> = par_chunks(&terms, |_, chunk| {
        chunk
            .iter()
            .map(|(t, p)| {
                let mut e = String::with_capacity(t.len() + p.len() * 2 + 6);
                json_str(&mut e, t);
                e.push(':');
                e.push('"');
                e.push_str(&encode_postings(p.iter().map(|&(d, w)| (d, quantize(w)))));
                e.push('"');
                e
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    lap("encode");
    let total: usize = entries.iter().map(|e| e.len() + 1).sum();
    let mut shards: Vec<String> = vec![String::from("{"); n];
    let mut firsts: Vec<&str> = vec![""; n];
    let mut acc = 0usize;
    let mut shard = 0usize;
    for (k, e) in entries.iter().enumerate() {
        // Move to the next shard once this one holds its share of the bytes.
        while shard + 1 < n && acc >= total * (shard + 1) / n {
            shard += 1;
            firsts[shard] = terms[k].0;
        }
        let s = &mut shards[shard];
        if s.len() > 1 {
            s.push(',');
        }
        s.push_str(e);
        acc += e.len() + 1;
    }
    // Shards left empty at the end (fewer terms than shards) start after every term.
    let last = terms.last().map_or("", |t| t.0);
    let firsts: Vec<String> = firsts
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
    let shards: Vec<Vec<u8>> = shards
        .into_iter()
        .map(|mut s| {
            s.push_str("}\n");
            s.into_bytes()
        })
        .collect();

    lap("shards");
    // Document records, in chunks.
    let doc_chunks: Vec<&[Source<'_>]> = sources.chunks(DOCS_PER_CHUNK).collect();
    let docs: Vec<Vec<u8>> = par_chunks(&doc_chunks, |_, chunks| {
        chunks
            .iter()
            .map(|chunk| {
                let mut out = String::from("[");
                for (k, s) in chunk.iter().enumerate() {
                    if k > 0 {
                        out.push_str(",\n");
                    }
                    out.push('[');
                    for field in [s.title, s.path.trim_start_matches('/'), s.description, s.excerpt] {
                        json_str(&mut out, field);
                        out.push(',');
                    }
                    for (n, list) in [&s.headings, &s.questions].into_iter().enumerate() {
                        out.push_str(if n == 0 { "[" } else { ",[" });
                        for (i, t) in list.iter().enumerate() {
                            if i > 0 {
                                out.push(',');
                            }
                            json_str(&mut out, t);
                        }
                        out.push(']');
                    }
                    out.push(']');
                }
                out.push_str("]\n");
                out.into_bytes()
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    lap("docs");
    let h = shards.iter().chain(&docs).fold(0, |h, f| hash_bytes(h, f));
    lap("hash");
    let mut manifest = String::new();
    let _ = write!(
        manifest,
        "{{\"version\":1,\"docs\":{},\"chunk\":{},\"hash\":\"{:016x}\",\"shards\":[",
        sources.len(),
        DOCS_PER_CHUNK,
        h
    );
    for (i, f) in firsts.iter().enumerate() {
        if i > 0 {
            manifest.push(',');
        }
        json_str(&mut manifest, f);
    }
    manifest.push_str("]}\n");
    Built {
        manifest: manifest.into_bytes(),
        shards,
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
    pub fn load(built: &Built) -> Result<Self, String> {
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
            let Some(exact) = super::term_of(t, &mut buf).map(str::to_owned) else {
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
        super::for_each_token(query, |t| {
            if !tokens.iter().any(|x| x == t) && super::term_of(t, &mut buf).is_some() {
                tokens.push(t.to_owned());
            }
        });
        tokens
    }

    /// The index terms a query term matches, with their factors.
    fn matches(&self, token: &str, last: bool) -> Vec<(&str, f64)> {
        let mut out: Vec<(&str, f64)> = Vec::new();
        let mut buf = String::new();
        let exact = super::term_of(token, &mut buf).map(str::to_owned);
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
    use crate::pipeline::{Options, prepare};
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
