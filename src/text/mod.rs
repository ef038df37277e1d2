//! Site search: the text analysis shared by the index builder (Rust, the search stage) and
//! the browser script (`search.js`, written to `/search/search.js`). Both sides must turn
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
//! Steps 3 and 4 depend on the language ([`Lang`]: `lang.rs`): Spanish text has its own
//! stopwords and the Snowball Spanish stemmer (`masajes`, `masaje` -> `masaj`).
//!
//! Queries go through the same steps; the last query word also matches every term that
//! starts with it (prefix search while typing). Ranking is described with the search
//! index, which is built from these terms.
//!
//! The files: `tokenize.rs` (steps 1 to 3, the tables), `stemmer.rs` (step 4),
//! [`vocab`] (term numbers, and the per-thread table that counts words fast),
//! `index.rs` (what a text and a document give the index: term counts, weighted terms,
//! excerpts); the functions below put the steps together. [`slug`] and [`readability`]
//! are the other uses of words.

pub mod hash;
mod index;
pub mod lang;
pub mod readability;
pub mod slug;
mod stemmer;
mod tokenize;
pub mod vocab;

pub use index::{DocTerms, EXCERPT_CHARS, TermCounter, TextIndex, TextIndexer, excerpt};
pub use lang::{Lang, SPANISH_STOPWORDS};
pub use stemmer::stem;
pub use tokenize::{FOLD, MAX_TOKEN, STOPWORDS, fold, for_each_token, for_each_token_in, is_stopword};
pub use vocab::TermId;

/// Steps 3 and 4: the index term of a normalized token, or `None` for a token that is
/// not indexed (too short, too long, a stopword). `out` receives the term.
pub fn term_of<'a>(token: &str, out: &'a mut String) -> Option<&'a str> {
    term_in(Lang::English, token, out)
}

/// [`term_of`] with the stopwords and stemmer of `lang`.
pub fn term_in<'a>(lang: Lang, token: &str, out: &'a mut String) -> Option<&'a str> {
    let n = token.bytes().filter(|b| b & 0xC0 != 0x80).count();
    if !(2..=MAX_TOKEN).contains(&n) || lang.is_stopword(token) {
        return None;
    }
    out.clear();
    out.push_str(token);
    lang.stem_in_place(out);
    Some(out)
}

/// The index terms of `text` in the analysis of `lang`, in order.
pub fn terms_in(lang: Lang, text: &str) -> Vec<String> {
    let mut v = Vec::new();
    let mut out = String::with_capacity(32);
    for_each_token(text, |t| {
        if let Some(term) = term_in(lang, t, &mut out) {
            v.push(term.to_owned());
        }
    });
    v
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_fold_accents_and_apostrophes() {
        assert_eq!(
            terms("Runner's Rückenschmerzen: the CAFÉ-style Massages, 30 min; Straße"),
            ["run", "ruckenschmerzen", "caf", "styl", "massag", "30", "min", "strass"]
        );
        assert_eq!(terms("Ὀδυσσεύς ΟΔΟΣ 腰痛"), ["ὀδυσσεύσ", "οδοσ", "腰痛"]);
        assert!(terms("a I of").is_empty());
    }
}
