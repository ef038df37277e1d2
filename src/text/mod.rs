//! Site search: the text analysis shared by the index builder (Rust, [`crate::search`]) and the
//! browser script (`search.js`, written to `/search/search.js`). Both sides must turn
//! text into the same terms, so the algorithm is spelled out here and the tables
//! ([`FOLD`], [`STOPWORDS`]) appear verbatim in both files (a test compares them).
//!
//! Text -> terms:
//!
//! 1. Lowercase the text (Unicode default case mapping).
//! 2. Walk its characters: an apostrophe (`'`, `’`, `ʼ`) is dropped (`runner's` ->
//!    `runners`); a character of [`FOLD`] is replaced by its folding (`é` -> `e`,
//!    `ß` -> `ss`); any other letter or number (Unicode Alphabetic or Numeric) is kept;
//!    anything else ends a token.
//! 3. Tokens shorter than 2 or longer than [`MAX_TOKEN`] characters are dropped, and so
//!    are the [`STOPWORDS`].
//! 4. Each remaining token of ASCII letters only is stemmed by [`stem`], a light English
//!    suffix stripper (`massages`, `massaging`, `massage` -> `massag`).
//!
//! Queries go through the same steps; the last query word also matches every term that
//! starts with it (prefix search while typing). Ranking is described in [`crate::search`].

pub mod hash;
pub mod readability;
pub mod slug;
pub mod vocab;

pub use vocab::TermId;

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

/// Accent folding, shared with search.js: space-separated entries, each a character
/// followed by what it folds to.
pub const FOLD: &str = "àa áa âa ãa äa åa āa ăa ąa æae çc ćc čc ďd đd ðd èe ée êe ëe ēe ėe ęe ěe ğg ìi íi îi ïi īi įi ıi ķk ĺl ļl ľl łl ñn ńn ņn ňn òo óo ôo õo öo øo ōo őo œoe ŕr řr śs şs šs ßss ţt ťt ùu úu ûu üu ūu ůu űu ųu ýy ÿy źz żz žz þth ςσ";

/// Words too common to search for, shared with search.js (space-separated, sorted).
pub const STOPWORDS: &str = "a about all also an and any are as at be been but by can could did do does for from had has have he her his how i if in into is it its just me more most my no not of on or our out over she should so some such than that the their them then there these they this those to too up us very was we were what when where which while who why will with would you your";

/// Tokens longer than this (in characters) are not indexed: they are codes or junk.
pub const MAX_TOKEN: usize = 32;

fn fold_table() -> &'static FxHashMap<char, &'static str> {
    static TABLE: OnceLock<FxHashMap<char, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        FOLD.split(' ')
            .filter_map(|e| {
                let mut chars = e.chars();
                let c = chars.next()?;
                Some((c, chars.as_str()))
            })
            .collect()
    })
}

/// What `c` (already lowercase) folds to, if it is in [`FOLD`].
pub fn fold(c: char) -> Option<&'static str> {
    if c.is_ascii() {
        return None;
    }
    fold_table().get(&c).copied()
}

/// True for a stopword.
pub fn is_stopword(token: &str) -> bool {
    static WORDS: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    token.len() <= 6 && WORDS.get_or_init(|| STOPWORDS.split(' ').collect()).contains(token)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

/// Calls `f` with every normalized token of `text` (steps 1 and 2 of the algorithm:
/// lowercased, folded, apostrophes dropped), before stopwords and stemming.
pub fn for_each_token(text: &str, f: impl FnMut(&str)) {
    for_each_token_in(text, &mut String::new(), f);
}

/// Byte classes for the tokenizer's ASCII fast path.
const SEP: u8 = 0;
const LOWER: u8 = 1;
const UPPER: u8 = 2;
const QUOTE: u8 = 3;
const HIGH: u8 = 4;
static CLASS: [u8; 256] = {
    let mut t = [SEP; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b >= 0x80 {
            HIGH
        } else if b.is_ascii_lowercase() || b.is_ascii_digit() {
            LOWER
        } else if b.is_ascii_uppercase() {
            UPPER
        } else if b == b'\'' {
            QUOTE
        } else {
            SEP
        };
        i += 1;
    }
    t
};

/// [`for_each_token`] with a buffer to reuse. Words already in lowercase ASCII are
/// handed over as slices of `text`, without a copy.
pub fn for_each_token_in(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    scan(text, buf, |t, _| f(t));
}

/// The first 8 bytes of `s` as a little-endian word, zero-padded.
fn prefix_of(s: &[u8]) -> u64 {
    match s.first_chunk::<8>() {
        Some(a) => u64::from_le_bytes(*a),
        None => s.iter().rev().fold(0u64, |w, &x| (w << 8) | u64::from(x)),
    }
}

/// The high bit of each byte of `w` (8 bytes, little-endian) that is not a lowercase
/// ASCII letter or digit (class `LOWER`): each byte is tested against the ranges `a-z`
/// and `0-9` with one subtraction per range (every byte gets its high bit set first, so
/// no subtraction borrows from the next byte).
#[inline]
fn not_lower(w: u64) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const fn each(b: u8) -> u64 {
        0x0101_0101_0101_0101 * b as u64
    }
    let x = w | HIGH;
    let letter = x.wrapping_sub(each(b'a')) & !x.wrapping_sub(each(b'z' + 1));
    let digit = x.wrapping_sub(each(b'0')) & !x.wrapping_sub(each(b'9' + 1));
    !((letter | digit) & !w) & HIGH
}

/// The end of a run of lowercase ASCII letters and digits (class `LOWER`): the first
/// position from `i` on that holds another byte. Eight bytes at a time ([`not_lower`]).
fn lower_run_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..).and_then(|s| s.first_chunk::<8>()) {
        let other = not_lower(u64::from_le_bytes(*chunk));
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && CLASS[bytes[i] as usize] == LOWER {
        i += 1;
    }
    i
}

/// The tokenizer: calls `f` with each token and its [`prefix_of`].
fn scan(text: &str, buf: &mut String, mut f: impl FnMut(&str, u64)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    buf.clear();
    let flush = |buf: &mut String, f: &mut dyn FnMut(&str, u64)| {
        if !buf.is_empty() {
            f(buf, prefix_of(buf.as_bytes()));
            buf.clear();
        }
    };
    while i < n {
        match CLASS[bytes[i] as usize] {
            SEP => {
                flush(buf, &mut f);
                i += 1;
                while i < n && CLASS[bytes[i] as usize] == SEP {
                    i += 1;
                }
            }
            LOWER => loop {
                let start = i;
                // The usual case first: a word of up to 7 bytes that a separator ends,
                // found from the 8 bytes at its start (which also give its prefix).
                if buf.is_empty()
                    && let Some(a) = bytes[start..].first_chunk::<8>()
                {
                    let w = u64::from_le_bytes(*a);
                    let other = not_lower(w);
                    let len = (other.trailing_zeros() / 8) as usize;
                    if other != 0 && CLASS[bytes[start + len] as usize] == SEP {
                        f(&text[start..start + len], w & ((1u64 << (8 * len)) - 1));
                        i = start + len;
                        if i + 1 < n && bytes[i] == b' ' && CLASS[bytes[i + 1] as usize] == LOWER {
                            i += 1;
                            continue;
                        }
                        break;
                    }
                }
                i = lower_run_end(bytes, i + 1);
                if buf.is_empty() && (i == n || CLASS[bytes[i] as usize] == SEP) {
                    let len = i - start;
                    // A short word: read the 8 bytes at its start and mask the rest.
                    let prefix = match bytes[start..].first_chunk::<8>() {
                        Some(a) if len < 8 => u64::from_le_bytes(*a) & ((1u64 << (8 * len)) - 1),
                        _ => prefix_of(&bytes[start..i]),
                    };
                    f(&text[start..i], prefix);
                    // The usual case, one space and another lowercase word, without
                    // going round the outer loop.
                    if i + 1 < n && bytes[i] == b' ' && CLASS[bytes[i + 1] as usize] == LOWER {
                        i += 1;
                        continue;
                    }
                } else {
                    buf.push_str(&text[start..i]);
                }
                break;
            },
            UPPER => {
                buf.push(bytes[i].to_ascii_lowercase() as char);
                i += 1;
            }
            QUOTE => i += 1,
            _ => {
                let Some(c) = text[i..].chars().next() else { break };
                i += c.len_utf8();
                // Lowercasing changes only letters, so anything else is a separator
                // unless it is an apostrophe.
                if !c.is_alphanumeric() {
                    if !is_apostrophe(c) {
                        flush(buf, &mut f);
                    }
                    continue;
                }
                for l in c.to_lowercase() {
                    if is_apostrophe(l) {
                        continue;
                    }
                    if let Some(folded) = fold(l) {
                        buf.push_str(folded);
                    } else if l.is_alphanumeric() {
                        buf.push(l);
                    } else {
                        flush(buf, &mut f);
                    }
                }
            }
        }
    }
    flush(buf, &mut f);
}

/// Steps 3 and 4: the index term of a normalized token, or `None` for a token that is
/// not indexed (too short, too long, a stopword). `out` receives the term.
pub fn term_of<'a>(token: &str, out: &'a mut String) -> Option<&'a str> {
    let n = token.bytes().filter(|b| b & 0xC0 != 0x80).count();
    if !(2..=MAX_TOKEN).contains(&n) || is_stopword(token) {
        return None;
    }
    out.clear();
    out.push_str(token);
    stem_in_place(out);
    Some(out)
}

/// Calls `f` with every index term of `text`, in order.
pub fn for_each_term(text: &str, mut f: impl FnMut(&str)) {
    let mut out = String::with_capacity(32);
    for_each_token(text, |t| {
        if let Some(term) = term_of(t, &mut out) {
            f(term);
        }
    });
}

/// The index terms of `text`, in order.
pub fn terms(text: &str) -> Vec<String> {
    let mut v = Vec::new();
    for_each_term(text, |t| v.push(t.to_owned()));
    v
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// Removes one of a doubled final consonant (`runn` -> `run`), except `l`, `s` and `z`.
fn undouble(w: &mut String) {
    let b = w.as_bytes();
    let n = b.len();
    if n >= 2 && b[n - 1] == b[n - 2] && !is_vowel(b[n - 1]) && !matches!(b[n - 1], b'l' | b's' | b'z') {
        w.pop();
    }
}

/// The light English stemmer, applied only to words of 4 or more ASCII letters:
///
/// 1. plurals: `-ies` -> `-y` (when 5+ letters); `-sses` -> `-ss`; words ending in `-ss`,
///    `-us` or `-is` keep their `s`; `-ches`, `-shes`, `-xes`, `-zes` lose `-es`; any other
///    final `-s` is dropped;
/// 2. `-ing` (leaving 3+ letters with a vowel) or else `-ed` (same) is removed, then a
///    doubled final consonant other than l, s, z is undoubled;
/// 3. `-er` is removed when 4+ letters remain, then undoubled the same way;
/// 4. a final `-e` is dropped when 3+ letters remain.
pub fn stem(word: &str) -> String {
    let mut w = word.to_owned();
    stem_in_place(&mut w);
    w
}

fn stem_in_place(w: &mut String) {
    if w.len() < 4 || !w.bytes().all(|b| b.is_ascii_lowercase()) {
        return;
    }
    // 1. Plurals.
    if w.ends_with("ies") && w.len() >= 5 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("sses") {
        w.truncate(w.len() - 2);
    } else if w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") {
    } else if w.ends_with("ches") || w.ends_with("shes") || w.ends_with("xes") || w.ends_with("zes") {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') {
        w.pop();
    }
    // 2. -ing, -ed.
    let has_vowel = |s: &str| s.bytes().any(is_vowel);
    if w.ends_with("ing") && w.len() >= 6 && has_vowel(&w[..w.len() - 3]) {
        w.truncate(w.len() - 3);
        undouble(w);
    } else if w.ends_with("ed") && w.len() >= 5 && has_vowel(&w[..w.len() - 2]) {
        w.truncate(w.len() - 2);
        undouble(w);
    }
    // 3. -er.
    if w.ends_with("er") && w.len() >= 6 {
        w.truncate(w.len() - 2);
        undouble(w);
    }
    // 4. Final e.
    if w.ends_with('e') && w.len() > 3 {
        w.pop();
    }
}

/// What one document gives the search index: each of its terms with its weight (see
/// [`index::doc_terms`]), by term number: 8 bytes a term, so the terms of 10,000 long
/// articles stay small in memory.
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
}

impl TermCounter {
    /// Counts the terms of `text`.
    pub fn add(&mut self, text: &str) {
        self.counts.add_text(text, &mut self.buf);
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
    /// [`index::doc_terms`] takes them.
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
    /// one go: a piece ends a token either way, and a call per piece (a million at
    /// 10,000 articles) cost about 33 ns each.
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

    #[test]
    fn stems() {
        let cases = [
            ("massage", "massag"),
            ("massages", "massag"),
            ("massaging", "massag"),
            ("massaged", "massag"),
            ("therapies", "therapy"),
            ("therapy", "therapy"),
            ("stretches", "stretch"),
            ("stretching", "stretch"),
            ("stretched", "stretch"),
            ("stretch", "stretch"),
            ("rolling", "roll"),
            ("roller", "roll"),
            ("rollers", "roll"),
            ("running", "run"),
            ("runners", "run"),
            ("aches", "ach"),
            ("ache", "ach"),
            ("aching", "ach"),
            ("muscles", "muscl"),
            ("muscle", "muscl"),
            ("stress", "stress"),
            ("stenosis", "stenosis"),
            ("sciatica", "sciatica"),
            ("hips", "hip"),
            ("need", "need"),
            ("used", "used"),
            ("lower", "lower"),
            ("pregnancy", "pregnancy"),
            ("injuries", "injury"),
            ("knee", "kne"),
            ("knees", "kne"),
            ("use", "use"),
            ("naïve", "naïve"),
        ];
        for (word, want) in cases {
            assert_eq!(stem(word), want, "stem({word})");
        }
    }

    #[test]
    fn lower_runs_end_where_the_byte_loop_ends() {
        let slow = |b: &[u8], mut i: usize| {
            while i < b.len() && CLASS[b[i] as usize] == LOWER {
                i += 1;
            }
            i
        };
        // Every byte value at every place of a run, for runs around the 8-byte step.
        for len in 0..20 {
            for at in 0..=len {
                for x in 0..=255u8 {
                    let mut b: Vec<u8> = (0..len).map(|k| b"az09qm5"[k % 7]).collect();
                    if at < len {
                        b[at] = x;
                    }
                    for start in [0, 1.min(len)] {
                        assert_eq!(lower_run_end(&b, start), slow(&b, start), "{b:?} from {start}");
                    }
                }
            }
        }
    }

    /// Steps 1 and 2 of the algorithm, character by character: what the tokenizer's
    /// fast paths must give.
    fn tokens_by_characters(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut token = String::new();
        for l in text.chars().flat_map(char::to_lowercase) {
            if is_apostrophe(l) {
                continue;
            }
            match fold(l) {
                Some(folded) => token.push_str(folded),
                None if l.is_alphanumeric() => token.push(l),
                None if !token.is_empty() => out.push(std::mem::take(&mut token)),
                None => {}
            }
        }
        if !token.is_empty() {
            out.push(token);
        }
        out
    }

    #[test]
    fn tokens_are_those_of_the_character_walk() {
        let pieces = [
            "a", "massage", "z9", "lumbar", "abcdefg", "abcdefgh", "sciatica", "", " ", "  ", ". ", ", ", "-", "\n",
            "'", "’", "A", "Back", "ÜBER", "é", "ß", "ﬁ", "İ", "ǅ", "腰", "Ⅻ", "①", "\u{a0}", "é́",
        ];
        // Every sequence of up to 4 pieces, and a long text of them.
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts
                .iter()
                .filter(|t| t.len() < 40)
                .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
                .collect();
            texts.extend(longer);
            texts.sort();
            texts.dedup();
        }
        texts.push(pieces.iter().cycle().take(500).copied().collect());
        let mut buf = String::new();
        for t in &texts {
            let mut got = Vec::new();
            scan(t, &mut buf, |token, prefix| {
                assert_eq!(prefix, prefix_of(token.as_bytes()), "{token:?} in {t:?}");
                got.push(token.to_owned());
            });
            assert_eq!(got, tokens_by_characters(t), "{t:?}");
        }
    }

    #[test]
    fn tokens_fold_accents_and_apostrophes() {
        assert_eq!(
            terms("Runner's Rückenschmerzen: the CAFÉ-style Massages, 30 min; Straße"),
            ["run", "ruckenschmerzen", "caf", "styl", "massag", "30", "min", "strass"]
        );
        assert_eq!(terms("Ὀδυσσεύς ΟΔΟΣ 腰痛"), ["ὀδυσσεύσ", "οδοσ", "腰痛"]);
        assert!(terms("a I of").is_empty());
    }

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

    #[test]
    fn fold_table_is_well_formed() {
        for e in FOLD.split(' ') {
            let mut c = e.chars();
            let from = c.next().unwrap();
            assert!(!c.as_str().is_empty(), "{e}");
            assert_eq!(
                from.to_lowercase().collect::<String>(),
                from.to_string(),
                "{e} must be lowercase"
            );
        }
        let words: Vec<&str> = STOPWORDS.split(' ').collect();
        let mut sorted = words.clone();
        sorted.sort_unstable();
        assert_eq!(words, sorted);
        assert!(words.iter().all(|w| w.len() <= 6));
    }
}
