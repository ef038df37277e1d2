//! The random-edit test's edits of a site in two languages (see `incremental.rs`).

use std::path::PathBuf;

use super::{TECHNIQUES, World, assert_same, clean_build, first_build, new_world, technique};

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

/// In watch mode an edit to the body of one translation renders again that page and the
/// Spanish pages that list or index it, not the site, and leaves the other language's
/// pages alone; the output still equals a clean build's.
#[test]
fn a_translation_edit_renders_only_what_reads_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let mut world = new_world(&root, 7);
    world.start_in_two_languages();
    let stems: Vec<String> = world.articles.keys().cloned().collect();
    for stem in &stems {
        let text = world.articles[stem].clone();
        world.language_edit(26, stem, &text);
    }
    let out = tmp.path().join("out");
    let mut inc = first_build(&root, &out);
    let rel = "content/articles/article-2.es.md";
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let edited = world.write(rel, &text.replace("Más texto.", "Más texto, ahora editado."));
    let english = |dir: &std::path::Path| {
        let mut t = crate::support::tree(dir);
        t.retain(|k, _| !k.starts_with("es/"));
        t
    };
    let before = english(&out);
    let got = inc.rebuild(&[edited]).unwrap();
    eprintln!(
        "edit of {rel}: rendered {} of {} pages, wrote {}",
        got.rendered, got.pages, got.written
    );
    assert!(got.pages > 60, "both languages are planned: {}", got.pages);
    assert!(got.rendered <= 8, "rendered {} of {} pages", got.rendered, got.pages);
    assert!(got.written >= 1 && got.written <= got.rendered, "wrote {}", got.written);
    assert_eq!(english(&out), before, "the English pages did not change");
    let clean = tmp.path().join("clean");
    clean_build(&root, &clean).unwrap();
    assert_same(&out, &clean, "a translation's body edit");
}
