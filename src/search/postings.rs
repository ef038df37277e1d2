//! Posting lists: for each term, the documents that contain it with the term's weight
//! in each, built from the model's weighted terms (an article also gets the terms of its
//! techniques' names), and written as numbers in the alphabet [`DIGITS`] (see the format
//! in [`super`]).

use rustc_hash::FxHashMap;

use super::DIGITS;
use super::records::source;
use super::threads::{par_chunks, par_parts};
use crate::model::terms::{dampened, weight};
use crate::model::{DocRef, Site};
use crate::text::{DocTerms, TermCounter, TermId};

/// The most documents a term's entry lists. A term found in more keeps those where it
/// weighs most, and the manifest gives its number of documents (see [`cap`]): on a very
/// large site the words found in most pages would otherwise make every query that uses
/// them download a large part of the index.
pub const MAX_TERM_DOCS: usize = 16_384;

/// The postings (document, stored weight) an entry keeps of `postings` (documents
/// ascending): all of them when there are at most `most`; else the `most` with the
/// highest weights (equal weights: lower document numbers first), documents ascending.
pub(super) fn cap(mut postings: Vec<(u32, u32)>, most: usize) -> Vec<(u32, u32)> {
    if postings.len() > most {
        // The heaviest first: a partition, not a sort, as these are the longest lists.
        postings.select_nth_unstable_by(most, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        postings.truncate(most);
        postings.sort_unstable_by_key(|p| p.0);
    }
    postings
}

/// The stored weight: twice the weight, rounded, at least 1.
pub(super) fn quantize(w: f32) -> u32 {
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

/// The value of each byte of [`DIGITS`]; 255 for any other byte.
const VALUES: [u8; 256] = {
    let mut t = [255u8; 256];
    let mut i = 0;
    while i < DIGITS.len() {
        t[DIGITS[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// Decodes a posting list.
pub fn decode_postings(s: &str) -> Option<Vec<(u32, u32)>> {
    let mut numbers = Vec::with_capacity(s.len());
    let mut v: u32 = 0;
    let mut pending = false;
    for b in s.bytes() {
        let d = match VALUES[usize::from(b)] {
            255 => return None,
            d => u32::from(d),
        };
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

/// A posting list encoded as it grows, documents ascending: the text [`encode_postings`]
/// makes of the same list, and the document number the next gap counts from. Two to
/// three bytes a posting rather than the eight of a `(u32, f32)` pair: the clean build's
/// index of a large site holds millions of postings at once.
#[derive(Debug, Default)]
pub(super) struct Encoding {
    pub(super) text: String,
    next: u32,
    /// The number of postings.
    pub(super) len: usize,
}

impl Encoding {
    /// Adds document `doc` (greater than every document so far) with weight `w`.
    pub(super) fn push(&mut self, doc: u32, w: f32) {
        push_number(&mut self.text, doc - self.next);
        push_number(&mut self.text, quantize(w));
        self.next = doc + 1;
        self.len += 1;
    }

    /// Appends `later`: postings of later documents, encoded on their own (so its first
    /// gap counts from 0, and is re-counted from this list's last document).
    pub(super) fn append(&mut self, later: Encoding) {
        if later.text.is_empty() {
            return;
        }
        let mut first = 0u32;
        let mut len = 0;
        for &b in later.text.as_bytes() {
            let d = u32::from(VALUES[usize::from(b)] & 63);
            first = first * 32 + (d & 31);
            len += 1;
            if d < 32 {
                break;
            }
        }
        push_number(&mut self.text, first - self.next);
        self.text.push_str(&later.text[len..]);
        self.next = later.next;
        self.len += later.len;
    }
}

/// The terms of each technique's name, which the articles that use it are indexed with.
pub(super) fn technique_names(site: &Site) -> Vec<Vec<(TermId, u16)>> {
    site.techniques
        .iter()
        .map(|t| {
            let mut c = TermCounter::in_language(crate::text::Lang::of(&site.config.language));
            c.add(&t.meta.title);
            c.term_counts().collect()
        })
        .collect()
}

/// The weighted terms of the names of `techniques` (one field: counts added, then
/// dampened), sorted by term number.
pub(super) fn names_of(names: &[Vec<(TermId, u16)>], techniques: &[usize], out: &mut Vec<(TermId, f32)>) {
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

/// The weighted terms of one document: its own terms, then `names` (the terms of the
/// names of its techniques, which live in other files), a name's weight added to the
/// document's own when it has the term.
pub(super) fn doc_weights(terms: &DocTerms, names: &[(TermId, f32)]) -> Vec<(TermId, f32)> {
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
pub(super) type Postings<'a> = FxHashMap<&'a str, Vec<(u32, f32)>>;

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

/// The posting list of every term of the documents in `order` (documents ascending).
pub(super) fn postings<'a>(site: &'a Site, order: &[DocRef], names: &[Vec<(TermId, u16)>]) -> Postings<'a> {
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

/// The encoded posting list of every term of `docs` (each document's terms and
/// techniques, in index order): the lists [`postings`] makes, encoded as they grow (what
/// a clean build's index needs; watch mode keeps [`postings`] to update them). Owned
/// terms are dropped as soon as they are indexed.
pub(super) fn encoded_postings<T: std::borrow::Borrow<DocTerms> + Send>(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::fixtures::site_at;
    use crate::search::shards::{entry_of, entry_text};
    use std::path::Path;

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
    fn capped_lists_keep_the_heaviest_postings() {
        let p = vec![(0, 3), (1, 9), (2, 3), (5, 1), (7, 9), (8, 4)];
        assert_eq!(cap(p.clone(), 6), p);
        assert_eq!(cap(p.clone(), 3), [(1, 9), (7, 9), (8, 4)]);
        // Equal weights: the lower document numbers.
        assert_eq!(cap(p.clone(), 4), [(0, 3), (1, 9), (7, 9), (8, 4)]);
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
            assert_eq!(left.len, all.len());
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
                entry_of(t, p, usize::MAX),
                entry_text(t, &encoded[&crate::text::vocab::intern(t)].text),
                "{t}"
            );
        }
    }
}
