//! What a text gives the search index: the term counts of a text as the Markdown
//! renderer feeds it ([`TermCounter`], [`TextIndexer`]), a document's weighted terms
//! ([`DocTerms`]) and the excerpt shown in results.

use super::vocab::{self, TermId};

/// What one document gives the search index: each of its terms with its weight (the
/// model weighs them by field: `model::terms`), by term number, so that the terms of a
/// large site's articles stay small in memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocTerms {
    terms: Vec<(TermId, f32)>,
}

impl DocTerms {
    /// (term, weight) pairs, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, f32)> + '_ {
        self.terms.iter().map(|&(id, w)| (id.text(), w))
    }

    /// (term number, weight) pairs, in no particular order.
    pub fn ids(&self) -> impl Iterator<Item = (TermId, f32)> + '_ {
        self.terms.iter().copied()
    }

    /// The number of distinct terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// True when there are no terms.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// Counts the terms of texts added one by one (the Markdown renderer feeds it), and
/// collects extra weight per term from a document's other fields. Each word costs a
/// lookup in its thread's table of known words ([`vocab`]), which gives its term.
#[derive(Debug, Clone, Default)]
pub struct TermCounter {
    counts: vocab::Counts,
    /// Extra weight of the terms of `counts`, in the same order (shorter when the last
    /// terms have none).
    extra: Vec<f32>,
    buf: String,
    /// The language whose analysis turns words into terms.
    lang: super::Lang,
}

impl TermCounter {
    /// Counts the terms of `text`.
    pub fn add(&mut self, text: &str) {
        self.counts.add_text(text, &mut self.buf, self.lang);
    }

    /// A counter of texts in language `lang`.
    pub fn in_language(lang: super::Lang) -> Self {
        TermCounter {
            lang,
            ..TermCounter::default()
        }
    }

    /// Counts the texts added from now on in language `lang`.
    pub fn set_language(&mut self, lang: super::Lang) {
        self.lang = lang;
    }

    /// Forgets everything counted (keeping the memory for the next use).
    pub fn clear(&mut self) {
        self.counts.clear();
        self.extra.clear();
    }

    /// Adds the counts and weights of `other`.
    pub fn merge(&mut self, other: TermCounter) {
        let extra = &mut self.extra;
        let mut theirs = other.extra.iter().copied();
        self.counts.add_terms(other.counts.items.iter().copied(), |k, _, _| {
            if let Some(w) = theirs.next().filter(|&w| w != 0.0) {
                if extra.len() <= k {
                    extra.resize(k + 1, 0.0);
                }
                extra[k] += w;
            }
        });
    }

    /// (term, count) pairs, in the order first seen.
    pub fn counts(&self) -> impl Iterator<Item = (&'static str, u16)> + '_ {
        self.counts.items.iter().map(|&(id, n)| (id.text(), n))
    }

    /// (term number, count) pairs, in the order first seen.
    pub fn term_counts(&self) -> impl Iterator<Item = (TermId, u16)> + '_ {
        self.counts.items.iter().copied()
    }

    /// The number of distinct terms.
    pub fn len(&self) -> usize {
        self.counts.items.len()
    }

    /// True when no term was counted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds each weight to its term (weight from other fields than the counted text),
    /// in order: one call rather than one per term (a list counted in between would
    /// make this one register its terms again).
    pub fn add_weights(&mut self, weights: &[(TermId, f32)]) {
        let extra = &mut self.extra;
        let mut each = weights.iter().map(|&(_, w)| w);
        self.counts.add_terms(weights.iter().map(|&(t, _)| (t, 0)), |k, _, _| {
            if extra.len() <= k {
                extra.resize(k + 1, 0.0);
            }
            extra[k] += each.next().unwrap_or(0.0);
        });
    }

    /// Each term weighs `text_weight × dampened(count)` plus its extra weight.
    pub fn into_terms(self, text_weight: f32, dampened: impl Fn(u16) -> f32) -> DocTerms {
        let extra = self.extra.iter().copied().chain(std::iter::repeat(0.0));
        let terms = self
            .counts
            .items
            .iter()
            .zip(extra)
            .map(|(&(id, n), e)| (id, if n > 0 { text_weight * dampened(n) } else { 0.0 } + e))
            .collect();
        DocTerms { terms }
    }
}

/// What the Markdown renderer gathers for search in its single pass over a text.
#[derive(Debug, Clone, Default)]
pub struct TextIndex {
    /// Term counts of the text, headings excluded (they are indexed on their own);
    /// the model's `doc_terms` takes them.
    pub counts: TermCounter,
    /// The start of the prose (not headings, code or tables), about
    /// [`EXCERPT_CHARS`] characters cut at a word, for result snippets.
    pub excerpt: String,
}

thread_local! {
    /// [`TextIndexer::pending`]'s buffer, kept between texts.
    static PENDING: std::cell::Cell<String> = const { std::cell::Cell::new(String::new()) };
}

/// The length of [`TextIndex::excerpt`].
pub const EXCERPT_CHARS: usize = 200;

/// Builds a [`TextIndex`] from text pieces.
#[derive(Debug, Default)]
pub struct TextIndexer {
    counter: TermCounter,
    /// The pieces of text so far, each followed by a line break, counted at the end in
    /// one go: a piece ends a token either way, and a call per piece costs more than the
    /// counting it does.
    pending: String,
    excerpt: String,
    excerpt_chars: usize,
}

impl TextIndexer {
    /// An indexer for a Markdown text; `excerpt` says whether to keep the start of its
    /// prose.
    pub fn new(excerpt: bool) -> Self {
        TextIndexer {
            excerpt_chars: if excerpt { 0 } else { usize::MAX },
            pending: PENDING.take(),
            ..TextIndexer::default()
        }
    }

    /// Counts the text in language `lang` (English unless said).
    pub fn in_language(mut self, lang: super::Lang) -> Self {
        self.counter.set_language(lang);
        self
    }

    /// Adds a piece of text; `prose` says whether it may go into the excerpt.
    pub fn add(&mut self, text: &str, prose: bool) {
        self.pending.push_str(text);
        self.pending.push('\n');
        if prose && self.excerpt_chars <= EXCERPT_CHARS {
            self.excerpt.push_str(text);
            self.excerpt_chars += text.chars().count();
        }
    }

    /// Marks the end of a block (a paragraph, list item...): the excerpt gets a space.
    pub fn end_block(&mut self) {
        if self.excerpt_chars <= EXCERPT_CHARS && !self.excerpt.is_empty() && !self.excerpt.ends_with(' ') {
            self.excerpt.push(' ');
            self.excerpt_chars += 1;
        }
    }

    /// The result.
    pub fn finish(mut self) -> TextIndex {
        self.counter.add(&self.pending);
        self.pending.clear();
        // The buffer serves the thread's next text.
        PENDING.set(self.pending);
        TextIndex {
            counts: self.counter,
            excerpt: excerpt(&self.excerpt, EXCERPT_CHARS),
        }
    }
}

/// `text` with whitespace collapsed, cut to at most `max` characters at a word boundary
/// (with `…` when cut).
pub fn excerpt(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 2));
    let mut n = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if n + len + usize::from(n > 0) > max {
            if n == 0 {
                out.extend(word.chars().take(max));
            }
            out.push('…');
            return out;
        }
        if n > 0 {
            out.push(' ');
            n += 1;
        }
        out.push_str(word);
        n += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pieces counted in one go at the end count as they would one by one: a piece's
    /// end ends its last token.
    #[test]
    fn pieces_count_as_they_would_one_by_one() {
        let pieces = [
            "massage", "therapy", "Back", "PAIN", "Rücken", "schmerz", "don'", "t", "", "stretch ", "ing",
        ];
        let mut indexer = TextIndexer::new(true);
        let mut one_by_one = TermCounter::default();
        for p in pieces {
            indexer.add(p, true);
            one_by_one.add(p);
        }
        let got: Vec<(&str, u16)> = indexer.finish().counts.counts().collect();
        let want: Vec<(&str, u16)> = one_by_one.counts().collect();
        assert_eq!(got, want);
        assert!(got.iter().any(|&(t, _)| t == "therapy"), "{got:?}");
    }

    #[test]
    fn term_counts_and_weights() {
        let mut c = TermCounter::default();
        c.add("Massage eases aches; massages ease stiffness. Massaging!");
        let mut v: Vec<(&str, u16)> = c.counts().collect();
        v.sort_unstable();
        assert_eq!(v, [("ach", 1), ("eas", 2), ("massag", 3), ("stiffness", 1)]);
        c.add_weights(&[(vocab::intern("massag"), 10.0), (vocab::intern("title"), 10.0)]);
        let t = c.into_terms(1.0, f32::from);
        let mut v: Vec<(&str, f32)> = t.iter().collect();
        v.sort_by(|a, b| a.0.cmp(b.0));
        assert_eq!(
            v,
            [
                ("ach", 1.0),
                ("eas", 2.0),
                ("massag", 13.0),
                ("stiffness", 1.0),
                ("title", 10.0)
            ]
        );
    }

    #[test]
    fn excerpts_cut_at_words() {
        assert_eq!(excerpt("one  two\nthree", 9), "one two…");
        assert_eq!(excerpt("one two", 20), "one two");
    }
}
