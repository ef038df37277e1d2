//! The term shards (`/search/shards/<i>.json`): every term's entry, in the order
//! JavaScript sorts strings, cut into files of even size, and the hashes that tell which
//! files changed.

use std::cmp::Ordering;

use super::postings::{
    Encoding, MAX_TERM_DOCS, cap, decode_postings, encode_postings, encoded_postings, quantize, technique_names,
};
use super::records::{hash_bytes, json_str, record_hashes, source};
use super::threads::par_chunks;
use crate::model::{DocRef, Site};
use crate::text::DocTerms;

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
    /// The manifest's `df`: each term whose entry lists only part of the documents that
    /// contain it ([`MAX_TERM_DOCS`]), with their number, in term order.
    pub dfs: Vec<(String, usize)>,
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
    shards_of(site, order, docs, n, MAX_TERM_DOCS)
}

/// [`shards`] of the site's search order, taking each document's terms out of the site
/// as they are indexed: a clean build needs them for nothing else, and on a large site
/// they weigh as much as a good part of the postings. A render shared with something else
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
    shards_of(site, &order, docs, n, MAX_TERM_DOCS)
}

/// The shards of `docs` (in index order), each term's entry listing at most `most`
/// documents.
pub(super) fn shards_of<T: std::borrow::Borrow<DocTerms> + Send>(
    site: &Site,
    order: &[DocRef],
    docs: Vec<(T, &[usize])>,
    n: usize,
    most: usize,
) -> Shards {
    let names = technique_names(site);
    let postings = encoded_postings(docs, &names);
    let mut terms: Vec<(&str, Encoding)> = postings.into_iter().map(|(t, e)| (t.text(), e)).collect();
    terms.sort_unstable_by(|a, b| js_cmp(a.0, b.0));
    let entries: Vec<String> = par_chunks(&terms, |_, chunk| {
        let entry = |(t, e): &(&str, Encoding)| match e.len > most {
            // The few terms over the cap are decoded to be cut (see `postings::cap`).
            true => {
                let all = decode_postings(&e.text).unwrap_or_default();
                entry_text(t, &encode_postings(cap(all, most).into_iter()))
            }
            false => entry_text(t, &e.text),
        };
        chunk.iter().map(entry).collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    let dfs = (terms.iter())
        .filter(|(_, e)| e.len > most)
        .map(|(t, e)| ((*t).to_owned(), e.len))
        .collect();
    let keys: Vec<&str> = terms.into_iter().map(|(t, _)| t).collect();
    let mut shards = cut(keys.iter().zip(&entries).map(|(t, e)| (*t, e.as_str())), n);
    shards.hash = index_hash(&shards, record_hashes(site, order).into_iter());
    shards.dfs = dfs;
    shards
}

/// A term's entry in its shard, `"term":"postings"`, listing at most `most` documents.
pub(super) fn entry_of(term: &str, postings: &[(u32, f32)], most: usize) -> String {
    let stored = postings.iter().map(|&(d, w)| (d, quantize(w))).collect();
    entry_text(term, &encode_postings(cap(stored, most).into_iter()))
}

/// A term's entry in its shard from its encoded postings.
pub(super) fn entry_text(term: &str, encoded: &str) -> String {
    let mut e = String::with_capacity(term.len() + encoded.len() + 6);
    json_str(&mut e, term);
    e.push_str(":\"");
    e.push_str(encoded);
    e.push('"');
    e
}

/// Cuts the entries (in term order) into `n` shards of even size.
pub(super) fn cut<'a>(entries: impl ExactSizeIterator<Item = (&'a str, &'a str)> + Clone, n: usize) -> Shards {
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
        dfs: Vec::new(),
    }
}

/// Combines the shards' bytes and the documents' record hashes (in document order)
/// into the manifest's `hash`.
pub(super) fn index_hash(shards: &Shards, records: impl Iterator<Item = u64>) -> u64 {
    let h = shards
        .file_hashes
        .iter()
        .fold(0, |h, f| hash_bytes(h, &f.to_le_bytes()));
    records.fold(h, |h, r| hash_bytes(h, &r.to_le_bytes()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::fixtures::site_at;
    use crate::search::{Searcher, build_with, layout};
    use std::path::Path;

    #[test]
    fn js_order() {
        assert_eq!(js_cmp("a", "b"), Ordering::Less);
        assert_eq!(js_cmp("é", "z"), Ordering::Greater);
        // U+FF41 (fullwidth a) sorts after U+1D400 in UTF-16, before it in UTF-8.
        assert_eq!(js_cmp("\u{ff41}", "\u{1d400}"), Ordering::Greater);
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

    /// The index files of `site` whose entries list at most `most` documents.
    fn capped_index(site: &Site, most: usize) -> crate::search::IndexFiles {
        let order = &site.search_order;
        let docs: Vec<(&DocTerms, &[usize])> = (order.iter())
            .map(|&r| (source(site, r).terms, source(site, r).techniques))
            .collect();
        let shards = shards_of(site, order, docs, 3, most);
        crate::search::IndexFiles {
            manifest: crate::search::manifest(order, &shards),
            docs: (0..order.len().div_ceil(crate::search::DOCS_PER_CHUNK))
                .map(|k| crate::search::doc_chunk(site, order, k))
                .collect(),
            shards: shards.files,
        }
    }

    /// A term in more documents than an entry lists keeps the heaviest, the manifest
    /// gives its number of documents (which its weight uses), and a query word that is
    /// such a term is scored but not required. Watch mode's index is the same.
    #[test]
    fn terms_over_the_cap_keep_their_heaviest_documents() {
        use crate::search::query::Searcher;
        let (_dir, site) = crate::search::fixtures::ranking_site();
        let full = Searcher::load(&crate::search::build(&site)).unwrap();
        assert!(full.dfs.is_empty());
        let most = 2;
        let capped = Searcher::load(&capped_index(&site, most)).unwrap();
        let over: Vec<(&String, usize)> = (full.terms.iter())
            .filter(|(_, p)| p.len() > most)
            .map(|(t, p)| (t, p.len()))
            .collect();
        assert!(over.iter().any(|(t, _)| *t == "sciatica"), "{over:?}");
        assert_eq!(capped.dfs.len(), over.len());
        for (t, df) in over {
            assert_eq!(capped.dfs[t], df);
            let kept = &capped.terms[t];
            assert_eq!(kept.len(), most);
            let lightest_kept = kept.iter().map(|p| p.1).min().unwrap();
            let left_out = full.terms[t].iter().filter(|p| !kept.contains(p));
            assert!(left_out.into_iter().all(|p| p.1 <= lightest_kept), "{t}");
        }
        // The kept documents, scored with the whole number of documents: the same order
        // as the full index's first results.
        let first = |s: &Searcher, q: &str| {
            s.search(q)
                .iter()
                .take(most)
                .map(|h| (h.doc, h.score))
                .collect::<Vec<_>>()
        };
        assert_eq!(first(&capped, "sciatica"), first(&full, "sciatica"));
        // "foam sciatica": "sciatica" no longer required, "foam" is.
        let foam: Vec<u32> = full.search("foam").iter().map(|h| h.doc).collect();
        let mut got: Vec<u32> = capped.search("foam sciatica").iter().map(|h| h.doc).collect();
        got.sort_unstable();
        let mut want = foam.clone();
        want.sort_unstable();
        assert_eq!(got, want);
        // The same files from watch mode's index.
        let cache = crate::search::cache::ShardCache::with_cap(most);
        let watched = cache.shards(&site, &site.search_order, 3);
        let built = capped_index(&site, most);
        assert_eq!(watched.files, built.shards);
        assert_eq!(crate::search::manifest(&site.search_order, &watched), built.manifest);
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
