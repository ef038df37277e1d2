//! The random-edit test's edits of a site in two languages (see `incremental.rs`).

use std::path::PathBuf;

use super::{TECHNIQUES, World, technique};

/// site.yaml's list of languages: Spanish.
const SPANISH: &str = "languages:\n  es:\n    title: \"Sitio\"\n    description: \"Un sitio.\"\n";

impl World {
    /// The site in English and Spanish: the languages listed, the techniques and the
    /// first article translated.
    pub(super) fn start_in_two_languages(&mut self) {
        let yaml = std::fs::read_to_string(self.root.join("site.yaml")).unwrap();
        self.write("site.yaml", &format!("{yaml}{SPANISH}"));
        for t in TECHNIQUES {
            let text = technique(t, &format!("Técnica {t}"), "light");
            self.write(&format!("content/techniques/{t}.es.md"), &text);
        }
        let text = self.articles["article-1"].clone();
        self.language_edit(26, "article-1", &text);
    }

    /// Edit `op` (26 to 29) on the article `stem` whose text is `text`: a translation
    /// written from the article (its techniques and benefits then match, until the
    /// original changes), or removed; or the site's languages listed or not (an unlisted
    /// language is an error).
    pub(super) fn language_edit(&mut self, op: usize, stem: &str, text: &str) -> (String, Vec<PathBuf>) {
        let rel = format!("content/articles/{stem}.es.md");
        match op {
            26 | 27 => {
                let title = format!("title: \"Artículo {} ", self.rng.below(100));
                let new = text
                    .replacen("title: \"", &title, 1)
                    .replace("More text.", "Más texto.");
                (format!("translation {stem}"), vec![self.write(&rel, &new)])
            }
            28 => (format!("translation {stem} removed"), vec![self.remove(&rel)]),
            _ => {
                let yaml = std::fs::read_to_string(self.root.join("site.yaml")).unwrap_or_default();
                let new = if yaml.contains(SPANISH) {
                    yaml.replace(SPANISH, "")
                } else {
                    format!("{yaml}{SPANISH}")
                };
                ("languages".into(), vec![self.write("site.yaml", &new)])
            }
        }
    }
}
