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
//! A term's weight in a document is made by the model, by field (title highest, body
//! lowest) and occurrences: see [`crate::model::terms`]. The index stores
//! `round(2 × weight)`.
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
//!
//! # Files of this module
//!
//! `postings.rs` builds and encodes the posting lists, `shards.rs` cuts them into
//! files, `records.rs` writes the document records and the manifest, `cache.rs` keeps
//! the last build's postings for watch mode, `query.rs` is the Rust copy of the
//! script's ranking, `threads.rs` runs the parallel parts; `search.js` is the script.

mod cache;
mod compact;
#[cfg(test)]
mod fixtures;
mod postings;
mod query;
mod records;
mod shards;
mod threads;

use std::sync::OnceLock;

use crate::model::Site;

// The index numbers documents in the model's order; render names them from here.
pub use crate::model::DocRef;
pub use cache::ShardCache;
pub use postings::{MAX_TERM_DOCS, decode_postings, encode_postings};
pub use query::{DocRecord, Hit, Searcher};
pub use records::{doc_chunk, hash_bytes, manifest};
pub use shards::{Shards, js_cmp, shards, shards_taking_terms};

/// The browser script's source.
pub const SCRIPT: &str = include_str!("search.js");

/// The script as written to `/search/search.js`: [`SCRIPT`] without its comments,
/// indentation and the spaces and line breaks that punctuation makes useless (see
/// `compact.rs`; the file has no template literals or multi-line strings, so no text
/// changes meaning).
pub fn served_script() -> &'static str {
    served_script_for(crate::text::Lang::English)
}

/// [`served_script`] for a site in a language analysed as `lang`: the script keeps the
/// block of steps 3 and 4 marked for it (`// @en`, `// @es`, `// @other`; `// @all`
/// ends them), so each language's page loads its own stemmer only.
pub fn served_script_for(lang: crate::text::Lang) -> &'static str {
    use crate::text::Lang;
    static SERVED: [OnceLock<String>; crate::text::lang::LANGS] = [const { OnceLock::new() }; crate::text::lang::LANGS];
    SERVED[lang.index()].get_or_init(|| {
        let body = SCRIPT
            .strip_prefix("/*")
            .and_then(|s| s.split_once("*/"))
            .map_or(SCRIPT, |(_, rest)| rest);
        let mine = match lang {
            Lang::English => "// @en",
            Lang::Spanish => "// @es",
            Lang::Other => "// @other",
        };
        let mut code = String::new();
        let mut keep = true;
        for line in body.lines().map(str::trim_start) {
            if let Some(tag) = line.strip_prefix("// @") {
                keep = tag == "all" || line == mine;
            }
            if keep && !line.is_empty() && !line.starts_with("//") {
                code.push_str(line);
                code.push('\n');
            }
        }
        format!("/* knead site search */\n{}", compact::compact(&code))
    })
}

/// The alphabet of posting lists.
pub const DIGITS: &[u8; 64] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/// Documents per `/search/docs/<k>.json` file.
pub const DOCS_PER_CHUNK: usize = 8;

/// The size a shard aims at, in bytes.
pub const SHARD_BYTES: usize = 48 * 1024;

/// How many files the index has; the render stage plans them from this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Term shards.
    pub shards: usize,
    /// Document files.
    pub doc_chunks: usize,
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

/// Bytes per posting in shards, times 10 (measured: see bench/README.md).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{FOLD, STOPWORDS};

    /// Reports that `node` could not be started, so `what` went unchecked: a failure
    /// when the environment variable `CI` is set (the check must run there), a note
    /// otherwise.
    fn node_missing(error: &std::io::Error, what: &str) {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        assert!(
            !ci,
            "CI is set but node could not be started ({error}): install Node.js so that `node` is on the PATH; it checks {what}"
        );
        eprintln!("node could not be started ({error}): {what} was not checked (install Node.js to check it)");
    }

    #[test]
    fn script_shares_the_tables() {
        for table in [
            FOLD,
            STOPWORDS,
            crate::text::SPANISH_STOPWORDS,
            std::str::from_utf8(DIGITS).unwrap(),
        ] {
            assert!(
                SCRIPT.contains(&format!("\"{table}\"")) || SCRIPT.contains(&format!("'{table}'")),
                "search.js lacks {table}"
            );
        }
    }

    #[test]
    fn served_script_drops_only_comments_and_spaces() {
        let served = served_script();
        assert!(
            served.len() < SCRIPT.len() * 9 / 10,
            "{} of {}",
            served.len(),
            SCRIPT.len()
        );
        assert!(served.lines().all(|l| !l.starts_with(' ') && !l.starts_with("//")));
        // Every code line of the source is there, in order.
        let mut keep = true;
        let code: Vec<&str> = SCRIPT
            .lines()
            .map(str::trim_start)
            .filter(|l| {
                if let Some(tag) = l.strip_prefix("// @") {
                    keep = tag == "all" || tag == "en";
                }
                keep
            })
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
            .skip_while(|l| !l.starts_with("(function"))
            .collect();
        // Only whitespace and the ends of lines differ.
        let squeezed = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let served_code = &served[served.find("(function").unwrap_or(0)..];
        assert_eq!(squeezed(&code.join("\n")), squeezed(served_code));
        // And node (when installed) finds it valid.
        let file = std::env::temp_dir().join(format!("knead-search-{}.js", std::process::id()));
        std::fs::write(&file, served).unwrap();
        let checked = std::process::Command::new("node").arg("--check").arg(&file).output();
        let _ = std::fs::remove_file(&file);
        match checked {
            Ok(out) => assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr)),
            Err(e) => node_missing(&e, "that the served script parses"),
        }
    }

    /// The script's text analysis gives the same terms as this module's, on the bundled
    /// site's sources and on tricky words. Needs `node`: skipped without it, except on CI
    /// (`CI` set), where a missing `node` fails the test.
    #[test]
    fn script_analyses_text_like_rust() {
        // The served scripts, as browsers get them.
        let code_of = |lang| {
            let script = served_script_for(lang);
            let start = script.find("'use strict';").unwrap();
            let end = script.find("function byId(").unwrap();
            &script[start..end]
        };
        let (en, es) = (code_of(crate::text::Lang::English), code_of(crate::text::Lang::Spanish));
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
        // Spanish: the fixture's translations, and every suffix the stemmer knows after
        // stems of every shape (vowel or consonant first, short and long, `gu`).
        let mut spanish: Vec<String> = Vec::new();
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bilingual/content");
        for e in walkdir::WalkDir::new(fixture).sort_by_file_name().into_iter().flatten() {
            if e.path().to_string_lossy().ends_with(".es.md") {
                spanish.push(std::fs::read_to_string(e.path()).unwrap());
            }
        }
        let suffixes = SCRIPT[SCRIPT.find("var PRON").unwrap()..SCRIPT.find("// The longest suffix").unwrap()]
            .split(['\'', '|', ' ', '\n', '(', ')', ';'])
            .filter(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
            .collect::<Vec<_>>();
        for stem in [
            "", "a", "ab", "habl", "com", "viv", "arg", "segu", "nacion", "oiv", "masaj", "terap", "ue", "dic", "pag",
            "lleg", "constitu", "perpetu", "rapid", "abilid", "ic",
        ] {
            let words: Vec<String> = suffixes
                .iter()
                .flat_map(|s| {
                    [
                        format!("{stem}{s}"),
                        format!("{stem}{s}la"),
                        format!("{stem}{s}mente"),
                        format!("{stem}ic{s}"),
                        format!("{stem}iv{s}"),
                        format!("{stem}at{s}"),
                        format!("{stem}gu{s}"),
                    ]
                })
                .collect();
            spanish.push(words.join(" "));
        }
        spanish.push("Los masajes alivian el dolor de espalda: ¿Qué dice la evidencia? Ciática, lumbago, terapeutas, acuéstese, diciéndole, construyendo, constructor, constructores, averigüé, pingüino, niños".into());
        let texts: Vec<(&str, String)> = (texts.into_iter().map(|t| ("en", t)))
            .chain(spanish.into_iter().map(|t| ("es", t)))
            .collect();
        let program = format!(
            "const f = {{ en: new Function({en:?} + '; return {{ term, tokens }};')(),\n\
             es: new Function({es:?} + '; return {{ term, tokens }};')() }};\n\
             let input = ''; process.stdin.on('data', d => input += d).on('end', () => {{\n\
             const texts = JSON.parse(input);\n\
             console.log(JSON.stringify(texts.map(([l, t]) => f[l].tokens(t).map(f[l].term).filter(Boolean))));\n}});"
        );
        let child = std::process::Command::new("node")
            .arg("-e")
            .arg(&program)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(child) => child,
            Err(e) => return node_missing(&e, "that search.js analyses text as Rust does"),
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
        for ((lang, text), js_terms) in texts.iter().zip(js) {
            let rust_terms = crate::text::terms_in(crate::text::Lang::of(lang), text);
            if rust_terms != js_terms {
                let at = rust_terms.iter().zip(&js_terms).position(|(a, b)| a != b).unwrap_or(0);
                let lang = crate::text::Lang::of(lang);
                let mut words = Vec::new();
                let mut buf = String::new();
                crate::text::for_each_token(text, |t| {
                    if crate::text::term_in(lang, t, &mut buf).is_some() {
                        words.push(t.to_owned());
                    }
                });
                panic!(
                    "search.js and Rust disagree at term {at} ({lang:?}, word {:?}): {:?} vs {:?}",
                    words.get(at),
                    &rust_terms[at..(at + 5).min(rust_terms.len())],
                    &js_terms[at..(at + 5).min(js_terms.len())]
                );
            }
        }
    }
}
