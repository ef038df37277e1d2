//! Step 4 of the text analysis (see [`super`]): the light English stemmer.

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

/// [`stem`] in place: the indexer's way, without a new string per word.
pub(super) fn stem_in_place(w: &mut String) {
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

/// Removes one of a doubled final consonant (`runn` -> `run`), except `l`, `s` and `z`.
fn undouble(w: &mut String) {
    let b = w.as_bytes();
    let n = b.len();
    if n >= 2 && b[n - 1] == b[n - 2] && !is_vowel(b[n - 1]) && !matches!(b[n - 1], b'l' | b's' | b'z') {
        w.pop();
    }
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
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
}
