//! Term numbers: each distinct index term gets a number ([`TermId`]) once per process,
//! and each thread remembers which term every word it has met stands for. Counting a
//! document's words is then one lookup per word in a table that already holds nearly
//! every word (no stopword test, no stemming, no copy), and a count kept by number.
//!
//! The numbers depend on which thread met a term first, so nothing written may depend on
//! them: the search index orders terms by their text.
//!
//! Terms are never forgotten: the vocabulary of a site is small (a few thousand to a few
//! hundred thousand terms) and `knead watch` meets the same terms build after build.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use rustc_hash::FxHashMap;

use super::tokenize::{prefix_of, scan};
use super::{Lang, term_in};

/// The number of an index term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TermId(u32);

impl TermId {
    /// The number, as an index.
    fn index(self) -> usize {
        self.0 as usize
    }

    /// The term.
    pub fn text(self) -> &'static str {
        resolve(self)
    }
}

/// The terms numbered so far: the text of term `i` is in chunk `k`, which holds
/// `FIRST << k` terms, so a term's text is found without a lock and never moves.
const FIRST: usize = 1024;
const CHUNKS: usize = 32;
type Chunk = Box<[OnceLock<&'static str>]>;
static TEXTS: [OnceLock<Chunk>; CHUNKS] = [const { OnceLock::new() }; CHUNKS];

/// Text -> number, for numbering new terms.
fn numbers() -> &'static Mutex<FxHashMap<&'static str, TermId>> {
    static NUMBERS: OnceLock<Mutex<FxHashMap<&'static str, TermId>>> = OnceLock::new();
    NUMBERS.get_or_init(Default::default)
}

/// The chunk and the place in it of term number `i`.
fn place(i: usize) -> (usize, usize) {
    let n = i / FIRST + 1;
    let k = (usize::BITS - 1 - n.leading_zeros()) as usize;
    (k, i - FIRST * ((1 << k) - 1))
}

/// The number of `term`, given it if it has none yet.
pub fn intern(term: &str) -> TermId {
    let mut map = numbers().lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(&id) = map.get(term) {
        return id;
    }
    let i = map.len();
    let (k, at) = place(i);
    assert!(k < CHUNKS, "more than 4 billion distinct search terms");
    // Interned text lives as long as the process (see the module documentation).
    let text: &'static str = Box::leak(term.into());
    let chunk = TEXTS[k].get_or_init(|| (0..FIRST << k).map(|_| OnceLock::new()).collect());
    let _ = chunk[at].set(text);
    let id = TermId(i as u32);
    map.insert(text, id);
    id
}

/// The text of term `id`.
fn resolve(id: TermId) -> &'static str {
    let (k, at) = place(id.index());
    // A `TermId` is only made by `intern`, after its text is stored.
    TEXTS
        .get(k)
        .and_then(OnceLock::get)
        .and_then(|c| c.get(at))
        .and_then(OnceLock::get)
        .copied()
        .unwrap_or_default()
}

/// A word met by a thread: where its text is in `Words::strings` and its length.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: u32,
    len: u32,
    /// Its term, or `NONE` (too short, too long, a stopword).
    term: u32,
}

const NONE: u32 = u32::MAX;

/// A slot of [`Words`]' hash index, 16 bytes: a word of up to 8 bytes is found
/// without looking further (its first 8 bytes, zero-padded, are the word: a word holds
/// no zero byte), a longer one by comparing the rest of it.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    prefix: u64,
    /// The word's term.
    term: u32,
    /// Word index + 1, plus `LONG` for a word of more than 8 bytes; 0 for a free slot.
    word: u32,
}

const LONG: u32 = 1 << 31;

/// The words a thread has met (normalized tokens, stopwords too), each with its term.
#[derive(Debug, Default)]
struct Words {
    /// Every word, one after the other.
    strings: String,
    words: Vec<Word>,
    /// Open addressing with linear probing; the length is a power of 2.
    slots: Vec<Slot>,
    /// The language whose analysis gives each word its term.
    lang: Lang,
}

/// A thread forgets its words past this many (their terms keep their numbers): junk
/// such as numbers and codes would otherwise grow the table without end.
const MAX_WORDS: usize = 1 << 20;

fn slot_hash(prefix: u64, s: &[u8]) -> usize {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = prefix ^ ((s.len() as u64) << 56);
    if s.len() > 8 {
        for chunk in s[8..].chunks(8) {
            h = (h.rotate_left(23) ^ prefix_of(chunk)).wrapping_mul(K);
        }
    }
    (h.wrapping_mul(K) >> 32) as usize
}

impl Words {
    /// The term of `s` (whose [`prefix_of`] is `prefix`), or `NONE`.
    #[inline]
    fn term_of(&mut self, s: &str, prefix: u64) -> u32 {
        if self.words.len() * 2 >= self.slots.len() {
            self.grow();
        }
        let bytes = s.as_bytes();
        let len = bytes.len() as u32;
        let long = if len > 8 { LONG } else { 0 };
        let mask = self.slots.len() - 1;
        let mut i = slot_hash(prefix, bytes) & mask;
        loop {
            let slot = self.slots[i];
            if slot.word == 0 {
                break;
            }
            if slot.prefix == prefix && slot.word & LONG == long {
                if long == 0 {
                    return slot.term;
                }
                let w = self.words[(slot.word & !LONG) as usize - 1];
                if w.len == len
                    && self.strings.as_bytes()[w.start as usize + 8..(w.start + w.len) as usize] == bytes[8..]
                {
                    return w.term;
                }
            }
            i = (i + 1) & mask;
        }
        let mut out = String::new();
        let term = term_in(self.lang, s, &mut out).map_or(NONE, |t| intern(t).0);
        if self.words.len() >= MAX_WORDS {
            *self = Words {
                lang: self.lang,
                ..Words::default()
            };
            return term;
        }
        self.words.push(Word {
            start: self.strings.len() as u32,
            len,
            term,
        });
        self.slots[i] = Slot {
            prefix,
            term,
            word: self.words.len() as u32 | long,
        };
        self.strings.push_str(s);
        term
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        let mask = size - 1;
        for slot in old.into_iter().filter(|s| s.word != 0) {
            let w = self.words[(slot.word & !LONG) as usize - 1];
            let bytes = &self.strings.as_bytes()[w.start as usize..(w.start + w.len) as usize];
            let mut i = slot_hash(slot.prefix, bytes) & mask;
            while self.slots[i].word != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
}

/// Where each term is in the list being counted (the list whose stamp is `stamp`), by
/// term number: an index into the list, right when the list holds the term there (an
/// index left by another list, or by this one before it was cleared, is checked, not
/// trusted). Stamps are unique in the process, so a list moved to another thread, or
/// counted with another list in between, is registered again rather than miscounted.
#[derive(Debug, Default)]
struct Places {
    stamp: u64,
    at: Vec<u32>,
}

static STAMPS: AtomicU64 = AtomicU64::new(1);

/// What each thread keeps for counting: the words it met, in each language's analysis.
#[derive(Debug)]
struct Counting {
    words: [Words; super::lang::LANGS],
    places: Places,
}

impl Default for Counting {
    fn default() -> Self {
        let of = |lang| Words {
            lang,
            ..Words::default()
        };
        Counting {
            words: [of(Lang::English), of(Lang::Spanish), of(Lang::Other)],
            places: Places::default(),
        }
    }
}

thread_local! {
    static COUNTING: RefCell<Counting> = RefCell::new(Counting::default());
}

/// A list of distinct terms, each with a count, in the order first seen; what
/// [`super::TermCounter`] is made of.
#[derive(Debug, Default)]
pub struct Counts {
    pub(super) items: Vec<(TermId, u16)>,
    /// The stamp this list's places are registered under on the thread that counted
    /// it last (0: none).
    stamp: u64,
}

impl Clone for Counts {
    /// A copy, with no places registered (the original's stay the original's).
    fn clone(&self) -> Self {
        Counts {
            items: self.items.clone(),
            stamp: 0,
        }
    }
}

impl Places {
    /// Makes the places of `list` current (registering them under a new stamp if
    /// another list was counted since).
    fn enter(&mut self, list: &mut Counts) {
        if list.stamp != 0 && list.stamp == self.stamp {
            return;
        }
        let stamp = STAMPS.fetch_add(1, Ordering::Relaxed);
        self.stamp = stamp;
        list.stamp = stamp;
        for (k, &(id, _)) in list.items.iter().enumerate() {
            self.set(id, k as u32);
        }
    }

    fn set(&mut self, id: TermId, k: u32) {
        let i = id.index();
        if i >= self.at.len() {
            self.at.resize((i + 1).next_power_of_two().max(FIRST), 0);
        }
        self.at[i] = k;
    }

    /// Adds `n` to the count of `id` in `list` (the current list), which gets it if new;
    /// returns its index.
    #[inline]
    fn add(&mut self, list: &mut Counts, id: TermId, n: u16) -> usize {
        let i = id.index();
        if let Some(&k) = self.at.get(i)
            && let Some(item) = list.items.get_mut(k as usize)
            && item.0 == id
        {
            item.1 = item.1.saturating_add(n);
            return k as usize;
        }
        let k = list.items.len();
        list.items.push((id, n));
        self.set(id, k as u32);
        k
    }
}

impl Counts {
    /// Counts the terms of `text`.
    pub fn add_text(&mut self, text: &str, buf: &mut String, lang: Lang) {
        COUNTING.with_borrow_mut(|c| {
            let Counting { words, places } = c;
            places.enter(self);
            scan(text, buf, |t, prefix| {
                if t.len() >= 2 {
                    let term = words[lang.index()].term_of(t, prefix);
                    if term != NONE {
                        places.add(self, TermId(term), 1);
                    }
                }
            });
        });
    }

    /// Adds `n` to the count of each of `terms`, and calls `f` with each one's index in
    /// this list.
    pub fn add_terms(&mut self, terms: impl Iterator<Item = (TermId, u16)>, mut f: impl FnMut(usize, TermId, u16)) {
        COUNTING.with_borrow_mut(|c| {
            c.places.enter(self);
            for (id, n) in terms {
                let k = c.places.add(self, id, n);
                f(k, id, n);
            }
        });
    }

    /// Forgets every term (keeping the memory).
    pub fn clear(&mut self) {
        self.items.clear();
        self.stamp = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::term_of;

    #[test]
    fn places_cover_every_number() {
        let mut seen = std::collections::HashSet::new();
        let mut i = 0usize;
        for k in 0..12 {
            for at in 0..FIRST << k {
                assert_eq!(place(i), (k, at));
                assert!(seen.insert((k, at)));
                i += 1;
            }
        }
    }

    #[test]
    fn interned_terms_keep_their_number_and_text() {
        let a = intern("vocabtest-lumbar");
        let b = intern("vocabtest-sciatica");
        assert_ne!(a, b);
        assert_eq!(intern("vocabtest-lumbar"), a);
        assert_eq!(a.text(), "vocabtest-lumbar");
        assert_eq!(b.text(), "vocabtest-sciatica");
        let from_threads: Vec<TermId> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..4).map(|_| s.spawn(|| intern("vocabtest-lumbar"))).collect();
            hs.into_iter().map(|h| h.join().unwrap_or(b)).collect()
        });
        assert!(from_threads.iter().all(|&x| x == a));
    }

    #[test]
    fn words_sharing_their_first_bytes_stay_apart() {
        let words = [
            "sciatica",
            "sciaticab",
            "sciaticaq",
            "sciaticaqz",
            "ab",
            "abc",
            "lumbarregion",
            "lumbarregiox",
        ];
        let text = words.join(" ");
        let mut buf = String::new();
        // Twice: once as the thread first meets the words, once from its table.
        for _ in 0..2 {
            let mut c = Counts::default();
            c.add_text(&text, &mut buf, Lang::English);
            c.add_text(&text, &mut buf, Lang::English);
            let got: Vec<(&str, u16)> = c.items.iter().map(|&(id, n)| (id.text(), n)).collect();
            let mut out = String::new();
            let want: Vec<(String, u16)> = words
                .iter()
                .filter_map(|w| term_of(w, &mut out).map(|t| (t.to_owned(), 2)))
                .collect();
            let want: Vec<(&str, u16)> = want.iter().map(|(t, n)| (t.as_str(), *n)).collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn many_words_sharing_their_first_8_bytes_stay_apart() {
        // 8-letter words and the same with one more letter: the longer ones are met
        // first, so the shorter ones' lookups pass their slots.
        let short: Vec<String> = (0..4000u32)
            .map(|i| {
                (0..8)
                    .map(|k| char::from(b'a' + ((i >> (2 * k)) % 4) as u8 + 4 * (k % 2) as u8))
                    .collect()
            })
            .collect();
        let long: Vec<String> = short.iter().map(|w| format!("{w}q")).collect();
        let mut buf = String::new();
        let mut c = Counts::default();
        c.add_text(&long.join(" "), &mut buf, Lang::English);
        c.add_text(&short.join(" "), &mut buf, Lang::English);
        let mut out = String::new();
        let mut want: Vec<String> = long
            .iter()
            .chain(&short)
            .filter_map(|w| term_of(w, &mut out).map(str::to_owned))
            .collect();
        want.sort();
        want.dedup();
        let mut got: Vec<&str> = c.items.iter().map(|&(id, _)| id.text()).collect();
        got.sort_unstable();
        assert_eq!(got, want);
    }

    #[test]
    fn lists_counted_in_turns_or_on_other_threads_keep_their_counts() {
        let mut buf = String::new();
        let mut a = Counts::default();
        let mut b = Counts::default();
        a.add_text("massage eases pain", &mut buf, Lang::English);
        b.add_text("pain pain", &mut buf, Lang::English);
        a.add_text("massage", &mut buf, Lang::English);
        let mut a = std::thread::scope(|s| {
            s.spawn(move || {
                let mut buf = String::new();
                a.add_text("pain", &mut buf, Lang::English);
                a
            })
            .join()
            .unwrap_or_default()
        });
        b.add_text("massage", &mut buf, Lang::English);
        a.add_text("eases", &mut buf, Lang::English);
        let text = |c: &Counts| c.items.iter().map(|&(id, n)| (id.text(), n)).collect::<Vec<_>>();
        assert_eq!(text(&a), [("massag", 2), ("eas", 2), ("pain", 2)]);
        assert_eq!(text(&b), [("pain", 2), ("massag", 1)]);
    }
}
