//! The language of a text, for steps 3 and 4 of the text analysis (see [`super`]):
//! which stopwords are dropped and which stemmer runs. English has the light stemmer of
//! `stemmer.rs`; Spanish has the Snowball Spanish stemmer (the `rust-stemmers` crate;
//! search.js holds a port of it) and [`SPANISH_STOPWORDS`]; any other language is
//! searched by its words as they are, without stopwords or stemming.

use std::sync::OnceLock;

use rustc_hash::FxHashSet;

/// How the words of a language are analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English: the light stemmer and the English stopwords.
    #[default]
    English,
    /// Spanish: the Snowball stemmer and the Spanish stopwords.
    Spanish,
    /// Any other language: words as they are.
    Other,
}

/// How many kinds of analysis there are (the size of tables kept per [`Lang`]).
pub const LANGS: usize = 3;

/// Spanish words too common to search for, folded as the tokenizer folds them (`más` is
/// `mas`); shared with search.js (space-separated, sorted).
pub const SPANISH_STOPWORDS: &str = "a al algo como con de del donde el ella ellas ellos en entre era es esa ese eso esta este esto estos fue ha han hay la las le les lo los mas me mi muy no nos o para pero por que se si sin sobre su sus te tu un una unas uno unos y ya yo";

impl Lang {
    /// The analysis for a BCP 47 language code (`en-GB` is English, `es-MX` Spanish).
    pub fn of(code: &str) -> Lang {
        let primary = code.split('-').next().unwrap_or("");
        if primary.eq_ignore_ascii_case("en") {
            Lang::English
        } else if primary.eq_ignore_ascii_case("es") {
            Lang::Spanish
        } else {
            Lang::Other
        }
    }

    /// Its place in tables kept per language.
    pub fn index(self) -> usize {
        self as usize
    }

    /// True for a stopword of this language.
    pub fn is_stopword(self, token: &str) -> bool {
        match self {
            Lang::English => super::is_stopword(token),
            Lang::Spanish => {
                static WORDS: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
                token.len() <= 5
                    && WORDS
                        .get_or_init(|| SPANISH_STOPWORDS.split(' ').collect())
                        .contains(token)
            }
            Lang::Other => false,
        }
    }

    /// Stems `w` (a normalized token) in place.
    pub fn stem_in_place(self, w: &mut String) {
        match self {
            Lang::English => super::stemmer::stem_in_place(w),
            // Only words of plain letters: the tokenizer folded accents already.
            Lang::Spanish if !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()) => {
                static STEMMER: OnceLock<rust_stemmers::Stemmer> = OnceLock::new();
                let stemmer = STEMMER.get_or_init(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::Spanish));
                if let std::borrow::Cow::Owned(s) = stemmer.stem(w) {
                    *w = s;
                }
            }
            Lang::Spanish | Lang::Other => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stem(lang: Lang, w: &str) -> String {
        let mut s = w.to_owned();
        lang.stem_in_place(&mut s);
        s
    }

    #[test]
    fn spanish_plurals_and_verbs_meet() {
        assert_eq!(stem(Lang::Spanish, "masajes"), stem(Lang::Spanish, "masaje"));
        assert_eq!(stem(Lang::Spanish, "masajes"), "masaj");
        assert_eq!(stem(Lang::Spanish, "dolores"), stem(Lang::Spanish, "dolor"));
        assert_eq!(stem(Lang::Spanish, "ciatica"), "ciatic");
        assert!(Lang::Spanish.is_stopword("para") && !Lang::Spanish.is_stopword("the"));
        assert!(Lang::English.is_stopword("the") && !Lang::English.is_stopword("para"));
        assert_eq!(stem(Lang::Other, "masajes"), "masajes");
        assert_eq!(Lang::of("es-MX"), Lang::Spanish);
        assert_eq!(Lang::of("en-GB"), Lang::English);
        assert_eq!(Lang::of("cy"), Lang::Other);
    }

    #[test]
    fn stopwords_are_sorted_and_folded() {
        let words: Vec<&str> = SPANISH_STOPWORDS.split(' ').collect();
        let mut sorted = words.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(words, sorted);
        assert!(
            words
                .iter()
                .all(|w| w.bytes().all(|b| b.is_ascii_lowercase()) && w.len() <= 5)
        );
    }
}
