//! Watch mode's index: the postings of the last build kept, so that an edit updates
//! only the documents it changed.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};

use super::postings::{MAX_TERM_DOCS, doc_weights, names_of, postings, technique_names};
use super::records::{record_hashes, source};
use super::shards::{Shards, cut, entry_of, index_hash, js_cmp};
use crate::model::{DocRef, Site};
use crate::text::TermId;

/// The index terms of the last build, kept by `knead watch` so that an edit updates only
/// the postings of the documents it changed (a full build otherwise). The files are the
/// same as [`shards()`](super::shards()) would make: the tests of incremental builds compare them.
#[derive(Debug)]
pub struct ShardCache {
    state: std::sync::Mutex<Option<CacheState>>,
    /// The most documents an entry lists (see [`MAX_TERM_DOCS`]).
    most: usize,
}

impl Default for ShardCache {
    fn default() -> Self {
        ShardCache {
            state: Default::default(),
            most: MAX_TERM_DOCS,
        }
    }
}

impl ShardCache {
    /// A cache whose entries list at most `most` documents.
    #[cfg(test)]
    pub(super) fn with_cap(most: usize) -> Self {
        ShardCache {
            state: Default::default(),
            most,
        }
    }

    /// The shards of `site` (as [`shards()`](super::shards())), updated from the last call's when only a
    /// few documents changed and none moved.
    pub fn shards(&self, site: &Site, order: &[DocRef], n: usize) -> std::sync::Arc<Shards> {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
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
                    s.update(site, &changed, n, self.most);
                }
                return std::sync::Arc::clone(&s.shards);
            }
        }
        let names = technique_names(site);
        let postings = postings(site, order, &names);
        let terms: Terms = postings
            .into_iter()
            .map(|(t, p)| {
                let e = entry_of(t, &p, self.most);
                (JsKey(t.into()), (p, e))
            })
            .collect();
        let records = record_hashes(site, order);
        let mut shards = cut(terms.iter().map(|(t, (_, e))| (&*t.0, e.as_str())), n);
        shards.hash = index_hash(&shards, records.iter().copied());
        shards.dfs = dfs_over(&terms, self.most);
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

/// Term -> postings (document, weight) and its shard entry, in term order.
type Terms = BTreeMap<JsKey, (Vec<(u32, f32)>, String)>;

#[derive(Debug)]
struct CacheState {
    order: Vec<DocRef>,
    /// Per document number: its render (compared by pointer), its techniques and the
    /// hash of its record.
    docs: Vec<(std::sync::Arc<crate::model::DocRender>, Vec<usize>, u64)>,
    technique_titles: Vec<String>,
    names: Vec<Vec<(TermId, u16)>>,
    /// Term -> postings and its shard entry, in term order.
    terms: Terms,
    shards: std::sync::Arc<Shards>,
}

impl CacheState {
    /// Replaces the postings of the documents numbered `changed` (entries listing at most
    /// `most` documents).
    fn update(&mut self, site: &Site, changed: &[usize], n: usize, most: usize) {
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
                Some((p, e)) => *e = entry_of(&key.0, p, most),
                None => {}
            }
        }
        let mut shards = cut(self.terms.iter().map(|(t, (_, e))| (&*t.0, e.as_str())), n);
        shards.hash = index_hash(&shards, self.docs.iter().map(|d| d.2));
        shards.dfs = dfs_over(&self.terms, most);
        self.shards = std::sync::Arc::new(shards);
    }
}

/// The manifest's `df` ([`Shards::dfs`]) of `terms`.
fn dfs_over(terms: &Terms, most: usize) -> Vec<(String, usize)> {
    (terms.iter())
        .filter(|(_, (p, _))| p.len() > most)
        .map(|(t, (p, _))| (t.0.to_string(), p.len()))
        .collect()
}

fn render_of(site: &Site, r: DocRef) -> (&std::sync::Arc<crate::model::DocRender>, &[usize]) {
    match r {
        DocRef::Article(i) => (&site.articles[i].render, &site.articles[i].techniques),
        DocRef::Technique(i) => (&site.techniques[i].render, &[]),
        DocRef::Page(i) => (&site.pages[i].render, &[]),
    }
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
