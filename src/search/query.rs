//! The index read back from its files, and the ranking of search.js in Rust: a copy of
//! what the browser does, used by the unit tests and by `examples/search_bench.rs` (the
//! site never runs it).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::Deserialize;

use super::postings::decode_postings;
use super::shards::js_cmp;
use super::{DOCS_PER_CHUNK, IndexFiles};

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
    df: BTreeMap<String, usize>,
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
    /// The manifest's `df`: the terms whose entries list only part of their documents,
    /// with their number of documents.
    pub dfs: BTreeMap<String, usize>,
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
            dfs: m.df,
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
        // A word whose own term lists only part of its documents is scored, not required.
        let mut buf = String::new();
        let soft: Vec<bool> = (tokens.iter())
            .map(|t| crate::text::term_of(t, &mut buf).is_some_and(|e| self.dfs.contains_key(e)))
            .collect();
        let need = soft.iter().filter(|s| !**s).count();
        for (matches, soft) in query_terms.iter().zip(&soft) {
            // A document's score for the word: its best over the terms, raised as better
            // ones come, with the same operations in the same order as search.js.
            let mut best: BTreeMap<u32, f64> = BTreeMap::new();
            for (t, factor) in matches {
                let postings = &self.terms[*t];
                let df = self.dfs.get(*t).copied().unwrap_or(postings.len());
                let w = factor * (1.0 + n / df as f64).ln();
                for &(doc, q) in postings {
                    let s = w * f64::from(q);
                    let b = best.get(&doc).copied().unwrap_or(0.0);
                    if s > b {
                        let e = scores.entry(doc).or_insert((0, 0.0));
                        if b == 0.0 {
                            e.0 += usize::from(!soft);
                        }
                        e.1 += s - b;
                        best.insert(doc, s);
                    }
                }
            }
        }
        let mut hits: Vec<Hit> = scores
            .iter()
            .filter(|(_, (k, _))| *k == need)
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
    use crate::search::build;
    use crate::search::fixtures::ranking_site;

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
}
