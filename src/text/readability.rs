//! Reading level: the Flesch-Kincaid grade level of English prose, and the Fernández
//! Huerta reading ease of Spanish prose, from counts of words, sentences and syllables
//! (each language's own syllable rules) gathered while the Markdown is rendered. Other
//! languages have no formula here: their syllables are not counted.
//!
//! grade = 0.39 × (words / sentences) + 11.8 × (syllables / words) − 15.59
//! ease = 206.84 − 0.60 × (syllables per 100 words) − 1.02 × (sentences per 100 words)

/// Counts gathered over a text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextStats {
    /// Words (tokens with at least one letter or digit).
    pub words: usize,
    /// Sentences: ended by `.`, `!` or `?`, or by the end of a block (paragraph, list
    /// item, heading) that has words but no final punctuation.
    pub sentences: usize,
    /// Syllables, by the usual vowel-group estimate.
    pub syllables: usize,
    /// True while a sentence has words but no end yet.
    open: bool,
    /// The language, whose syllable rules count.
    lang: Lang,
}

impl TextStats {
    /// Counts for text in the language `lang`.
    pub fn for_language(lang: Lang) -> Self {
        TextStats {
            lang,
            ..TextStats::default()
        }
    }

    /// Adds a run of text.
    pub fn add(&mut self, text: &str) {
        for token in text.split_whitespace() {
            let word: String = token.chars().filter(|c| c.is_alphanumeric()).collect();
            if !word.is_empty() {
                self.words += 1;
                self.syllables += match self.lang {
                    Lang::English => syllables(&word),
                    Lang::Spanish => spanish_syllables(&word),
                    Lang::Other => 0,
                };
                self.open = true;
            }
            let end = token.trim_end_matches(['"', '\'', ')', ']', '”', '’', '*', '_']);
            if self.open && end.ends_with(['.', '!', '?']) {
                self.sentences += 1;
                self.open = false;
            }
        }
    }

    /// Ends the current sentence at the end of a block.
    pub fn end_block(&mut self) {
        if self.open {
            self.sentences += 1;
            self.open = false;
        }
    }

    /// The Flesch-Kincaid grade level of English text, or `None` for text without
    /// sentences or in another language.
    pub fn grade(&self) -> Option<f64> {
        let sentences = self.sentences + usize::from(self.open);
        if self.words == 0 || sentences == 0 || self.lang != Lang::English {
            return None;
        }
        let w = self.words as f64;
        Some(0.39 * (w / sentences as f64) + 11.8 * (self.syllables as f64 / w) - 15.59)
    }
}

/// The Fernández Huerta reading ease of Spanish text (0 to 100: higher is easier), or
/// `None` for text without sentences or in another language.
pub fn fernandez_huerta(s: &TextStats) -> Option<f64> {
    let sentences = s.sentences + usize::from(s.open);
    if s.words == 0 || sentences == 0 || s.lang != Lang::Spanish {
        return None;
    }
    let per100 = |n: usize| n as f64 * 100.0 / s.words as f64;
    Some(206.84 - 0.60 * per100(s.syllables) - 1.02 * per100(sentences))
}

/// The lowest Fernández Huerta ease that matches a reading grade target, by the bands of
/// the scale (90: 5th grade, 80: 6th, 70: 7th, 60: 8th and 9th, 50: high school, 30:
/// college).
pub fn ease_for_grade(grade: f64) -> f64 {
    match grade {
        g if g < 6.0 => 90.0,
        g if g < 7.0 => 80.0,
        g if g < 8.0 => 70.0,
        g if g < 10.0 => 60.0,
        g if g < 13.0 => 50.0,
        g if g < 17.0 => 30.0,
        _ => 0.0,
    }
}

/// Syllables in one Spanish word: its vowel nuclei. Two strong vowels (a, e, o, or an
/// accented í, ú) side by side are two syllables (hiatus: `le-er`, `dí-a`); a weak vowel
/// (i, u, ü) beside another vowel joins it (diphthong: `bue-no`); the u of `que`, `qui`,
/// `gue`, `gui` is silent; a final y after a vowel closes its syllable (`hoy`).
pub fn spanish_syllables(word: &str) -> usize {
    let w: Vec<char> = word.to_lowercase().chars().filter(|c| c.is_alphabetic()).collect();
    if w.is_empty() {
        return 1;
    }
    let strong = |c: char| matches!(c, 'a' | 'e' | 'o' | 'á' | 'é' | 'ó' | 'í' | 'ú');
    let weak = |c: char| matches!(c, 'i' | 'u' | 'ü');
    let mut count = 0;
    let mut prev: Option<char> = None;
    for (i, &c) in w.iter().enumerate() {
        let silent_u = c == 'u'
            && i > 0
            && (w[i - 1] == 'q'
                || (w[i - 1] == 'g' && w.get(i + 1).is_some_and(|n| matches!(n, 'e' | 'i' | 'é' | 'í'))));
        let vowel =
            !silent_u && (strong(c) || weak(c) || (c == 'y' && (w.len() == 1 || (i + 1 == w.len() && prev.is_some()))));
        if !vowel {
            prev = None;
            continue;
        }
        match prev {
            Some(p) if strong(p) && strong(c) => count += 1,
            Some(_) => {}
            None => count += 1,
        }
        prev = Some(c);
    }
    count.max(1)
}

/// Estimated syllables in one word: vowel groups, less a silent final `e`, at least 1.
pub fn syllables(word: &str) -> usize {
    let w: Vec<char> = word.to_lowercase().chars().filter(|c| c.is_alphabetic()).collect();
    if w.is_empty() {
        return 1; // a number is read as at least one syllable
    }
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'à'..='ü');
    let mut count = 0;
    let mut prev = false;
    for &c in &w {
        let v = vowel(c);
        if v && !prev {
            count += 1;
        }
        prev = v;
    }
    let n = w.len();
    // Silent final e ("make", "massage"), but not "-le" after a consonant ("gentle").
    let consonant_le = n > 2 && w[n - 2] == 'l' && !vowel(w[n - 3]);
    if n > 2 && w[n - 1] == 'e' && !vowel(w[n - 2]) && !consonant_le && count > 1 {
        count -= 1;
    }
    // "-ed" is mostly silent ("eased"), except after t or d ("rested").
    if n > 3 && w[n - 2] == 'e' && w[n - 1] == 'd' && !matches!(w[n - 3], 't' | 'd') && !vowel(w[n - 3]) && count > 1 {
        count -= 1;
    }
    count.max(1)
}

use super::Lang;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_syllables_follow_spanish_rules() {
        for (w, n) in [
            ("masaje", 3),
            ("espalda", 3),
            ("dolor", 2),
            ("bueno", 2),
            ("leer", 2),
            ("día", 2),
            ("hoy", 1),
            ("y", 1),
            ("que", 1),
            ("guitarra", 3),
            ("pingüino", 3),
            ("ciática", 3),
            ("terapeuta", 4),
            ("evidencia", 4),
        ] {
            assert_eq!(spanish_syllables(w), n, "{w}");
        }
    }

    #[test]
    fn spanish_text_gets_fernandez_huerta_and_no_grade() {
        // 10 words, 2 sentences, syllables: el(1) masaje(3) alivia(3) el(1) dolor(2)
        // de(1) espalda(3) es(1) muy(1) seguro(3) = 19.
        let mut s = TextStats::for_language(Lang::Spanish);
        s.add("El masaje alivia el dolor de espalda. Es muy seguro.");
        assert_eq!((s.words, s.sentences, s.syllables), (10, 2, 19));
        let ease = fernandez_huerta(&s).unwrap();
        assert!((ease - (206.84 - 0.60 * 190.0 - 1.02 * 20.0)).abs() < 1e-9, "{ease}");
        assert_eq!(s.grade(), None);
        // No formula, and no English syllables, for other languages.
        let mut cy = TextStats::for_language(Lang::Other);
        cy.add("Mae tylino yn helpu poen cefn.");
        assert_eq!((cy.syllables, cy.grade(), fernandez_huerta(&cy)), (0, None, None));
        assert_eq!(ease_for_grade(9.0), 60.0);
    }

    fn grade(paragraphs: &[&str]) -> (TextStats, f64) {
        let mut s = TextStats::default();
        for p in paragraphs {
            s.add(p);
            s.end_block();
        }
        (s, s.grade().unwrap())
    }

    fn by_hand(words: f64, sentences: f64, syllables: f64) -> f64 {
        0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59
    }

    #[test]
    fn syllable_estimates() {
        for (w, n) in [
            ("massage", 2),
            ("back", 1),
            ("gentle", 2),
            ("therapy", 3),
            ("muscle", 2),
            ("eased", 1),
            ("rested", 2),
            ("relief", 2),
            ("the", 1),
            ("evidence", 3),
            ("2015", 1),
        ] {
            assert_eq!(syllables(w), n, "{w}");
        }
    }

    // Three paragraphs whose words, sentences and syllables were counted by hand.
    // The formula on the hand counts and the module's estimate must agree within 0.5.

    #[test]
    fn paragraph_one_simple() {
        // 12 words, 2 sentences; syllables: the(1) cat(1) sat(1) on(1) the(1) mat(1)
        // it(1) was(1) a(1) warm(1) sunny(2) day(1) = 13.
        let (s, g) = grade(&["The cat sat on the mat. It was a warm sunny day."]);
        assert_eq!((s.words, s.sentences), (12, 2));
        assert!((g - by_hand(12.0, 2.0, 13.0)).abs() <= 0.5, "{g}");
    }

    #[test]
    fn paragraph_two_health_text() {
        // "Massage may ease back pain for a short time. It works best when you also stay
        // active." 17 words, 2 sentences. Syllables: massage(2) may(1) ease(1) back(1)
        // pain(1) for(1) a(1) short(1) time(1) it(1) works(1) best(1) when(1) you(1)
        // also(2) stay(1) active(2) = 20.
        let (s, g) = grade(&["Massage may ease back pain for a short time. It works best when you also stay active."]);
        assert_eq!((s.words, s.sentences), (17, 2));
        assert!((g - by_hand(17.0, 2.0, 20.0)).abs() <= 0.5, "{g}");
    }

    #[test]
    fn paragraph_three_long_words() {
        // "Systematic reviews of randomized trials report considerable uncertainty
        // regarding musculoskeletal outcomes." 11 words, 1 sentence. Syllables:
        // systematic(4) reviews(2) of(1) randomized(3) trials(2) report(2)
        // considerable(5) uncertainty(4) regarding(3) musculoskeletal(6) outcomes(2) = 34.
        let (s, g) = grade(&[
            "Systematic reviews of randomized trials report considerable uncertainty regarding musculoskeletal outcomes.",
        ]);
        assert_eq!((s.words, s.sentences), (11, 1));
        assert!(
            (g - by_hand(11.0, 1.0, 34.0)).abs() <= 0.5,
            "{g} vs {}",
            by_hand(11.0, 1.0, 34.0)
        );
    }

    #[test]
    fn blocks_without_punctuation_end_sentences() {
        let (s, _) = grade(&["A heading", "- a list item", "Done."]);
        assert_eq!(s.sentences, 3);
        assert_eq!(TextStats::default().grade(), None);
    }
}
