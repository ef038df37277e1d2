//! Steps 1 to 3 of the text analysis (see [`super`]): the tokenizer, with its accent
//! folding table and stopword list (both shared verbatim with search.js), and the ASCII
//! fast paths that read lowercase words eight bytes at a time.

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
pub(super) fn prefix_of(s: &[u8]) -> u64 {
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
pub(super) fn scan(text: &str, buf: &mut String, mut f: impl FnMut(&str, u64)) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
