//! Reading grade: the Flesch-Kincaid grade level of prose, from counts of words,
//! sentences and syllables gathered while the Markdown is rendered.
//!
//! grade = 0.39 × (words / sentences) + 11.8 × (syllables / words) − 15.59

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
}

impl TextStats {
    /// Adds a run of text.
    pub fn add(&mut self, text: &str) {
        for token in text.split_whitespace() {
            let word: String = token.chars().filter(|c| c.is_alphanumeric()).collect();
            if !word.is_empty() {
                self.words += 1;
                self.syllables += syllables(&word);
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

    /// The Flesch-Kincaid grade level, or `None` for text without sentences.
    pub fn grade(&self) -> Option<f64> {
        let sentences = self.sentences + usize::from(self.open);
        if self.words == 0 || sentences == 0 {
            return None;
        }
        let w = self.words as f64;
        Some(0.39 * (w / sentences as f64) + 11.8 * (self.syllables as f64 / w) - 15.59)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
