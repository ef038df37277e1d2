//! Theme words: the words a theme's templates write around the content (navigation,
//! headings, "min read", pagination, callout labels, grades, search messages, dates),
//! one file per language, `themes/<name>/i18n/<code>.yaml`, handed to templates as `words`.
//! The built-in default theme's files are the list of words every language must have;
//! a theme without an `i18n/` folder uses the default theme's words (see
//! `docs/languages.md`). Dates are written with the `local_date` filter, from each
//! language's `date_format` and month names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::source::date::DateWords;

/// One language's words, by key.
pub type Words = BTreeMap<String, String>;

/// The folder of a theme that holds its words.
pub const DIR: &str = "i18n";

/// The built-in default theme's words for `code`, if it has them.
fn builtin(code: &str) -> Option<&'static str> {
    let name = format!("{DIR}/{code}.yaml");
    crate::source::theme::embedded_files()
        .iter()
        .find(|(p, _)| *p == name)
        .and_then(|(_, bytes)| std::str::from_utf8(bytes).ok())
}

/// The keys every language file must have: those of the default theme's English words.
fn required() -> Vec<String> {
    builtin("en")
        .and_then(|text| serde_yaml::from_str::<Words>(text).ok())
        .map(|w| w.into_keys().collect())
        .unwrap_or_default()
}

/// Loads the words of `codes` (the default language first) for the theme `theme` of
/// the site at `root`: every missing file or word is a located error. A code with a
/// region (`en-GB`) uses the file of its language (`en.yaml`) when it has none.
pub fn load(root: &Path, theme: &str, codes: &[&str]) -> Result<Vec<Words>, Vec<Diagnostic>> {
    let dir = root.join("themes").join(theme).join(DIR);
    let own = dir.is_dir();
    let required = required();
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for code in codes {
        // `en-GB` takes `en-GB.yaml`, else `en.yaml`.
        let primary = code.split('-').next().unwrap_or(code);
        let code = if own {
            [*code, primary]
                .into_iter()
                .find(|c| dir.join(format!("{c}.yaml")).is_file())
                .unwrap_or(code)
        } else if builtin(code).is_some() {
            code
        } else {
            primary
        };
        let path = dir.join(format!("{code}.yaml"));
        let display = crate::diagnostics::display_path(root, &path);
        let text = if own {
            match crate::source::parse::read_text(&path, &display) {
                Ok(t) => t,
                Err(_) if !path.exists() => {
                    problems.push(missing_file(&display, code));
                    continue;
                }
                Err(d) => {
                    problems.push(d);
                    continue;
                }
            }
        } else {
            match builtin(code) {
                Some(t) => t.to_owned(),
                None => {
                    problems.push(missing_file(&display, code));
                    continue;
                }
            }
        };
        let shown = if own {
            display.clone()
        } else {
            PathBuf::from(format!("<built-in default theme>/{DIR}/{code}.yaml"))
        };
        match words_of(&shown, &text, &required) {
            Ok(w) => out.push(w),
            Err(e) => problems.extend(e),
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

fn missing_file(display: &Path, code: &str) -> Diagnostic {
    Diagnostic::error(display, format!("the theme has no words for the language `{code}`"))
        .help(format!(
            "create {} with the theme's words in `{code}`: copy themes/default/{DIR}/en.yaml (from `knead init`) and translate each value",
            display.display()
        ))
}

/// The words of one file, checked against the `required` keys.
fn words_of(file: &Path, text: &str, required: &[String]) -> Result<Words, Vec<Diagnostic>> {
    let known: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with([' ', '#', '-']) && l.contains(':'))
        .filter_map(|l| l.split(':').next())
        .collect();
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (words, _) = crate::source::yaml::parse_file::<Words>(file, &name, text, &known)?;
    let mut problems = Vec::new();
    for key in required.iter().filter(|k| !words.contains_key(*k)) {
        let mut d = Diagnostic::error(file, format!("the word `{key}` is missing"))
            .help(format!("add a line `{key}: ...` with the word in this file's language"));
        let unknown: Vec<&str> = known
            .iter()
            .copied()
            .filter(|k| !required.iter().any(|r| r == k))
            .collect();
        if let Some(near) = crate::diagnostics::suggest(key, &unknown)
            && let Some(line) = text.lines().position(|l| l.starts_with(near))
        {
            d = d
                .at(text, line + 1, 1, near.chars().count())
                .help(format!("did you mean `{key}` instead of `{near}`?"));
        }
        problems.push(d);
    }
    if problems.is_empty() { Ok(words) } else { Err(problems) }
}

/// Writes each `{{ words.KEY }}` of `theme`'s templates as the word itself, for a site
/// of one language: the same bytes as the lookup gives (only words that HTML escaping
/// leaves as they are), without a lookup on every page.
pub fn inline(theme: &mut crate::source::theme::Theme, words: &Words) {
    let plain = |w: &str| !w.contains(['&', '<', '>', '"', '\'', '/', '{', '}']);
    for t in &mut theme.templates {
        if !t.text.contains("{{ words.") {
            continue;
        }
        let mut out = String::with_capacity(t.text.len());
        let mut rest = t.text.as_str();
        while let Some(at) = rest.find("{{ words.") {
            out.push_str(&rest[..at]);
            let after = &rest[at + "{{ words.".len()..];
            let key_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let (key, tail) = after.split_at(key_len);
            match (tail.strip_prefix(" }}"), words.get(key)) {
                (Some(tail), Some(word)) if plain(word) => {
                    out.push_str(word);
                    rest = tail;
                }
                _ => {
                    out.push_str("{{ words.");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        t.text = out;
    }
}

/// Registers `local_date` on `tera`: `{{ article.date | local_date(lang=site.language) }}`
/// writes a date the way language `lang` does, with its words from `words`.
pub fn register(tera: &mut tera::Tera, words: Arc<BTreeMap<String, Words>>) {
    // Each language's month names and format, found once: list pages write many dates.
    let formats: Vec<(String, DateWords)> = words.iter().map(|(code, w)| (code.clone(), DateWords::of(w))).collect();
    tera.register_filter(
        "local_date",
        move |value: &tera::Value, kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            let lang: &str = kwargs.must_get("lang")?;
            let iso = value
                .get_from_path("iso")
                .and_then(|v| v.as_str())
                .or_else(|| value.as_str())
                .ok_or_else(|| tera::Error::message("local_date: the value is not a date"))?;
            let (_, w) = (formats.iter())
                .find(|(code, _)| code == lang)
                .ok_or_else(|| tera::Error::message(format!("local_date: no words for the language `{lang}`")))?;
            w.format(iso)
                .ok_or_else(|| tera::Error::message(format!("local_date: `{iso}` is not a date")))
        },
    );
}

/// `iso` (`2026-11-24`) written with `words`' `date_format` and month names
/// (`24 de noviembre de 2026`).
pub fn format_date(iso: &str, words: &Words) -> Option<String> {
    DateWords::of(words).format(iso)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_languages_have_every_word() {
        let req = required();
        assert!(req.len() > 40, "{req:?}");
        for code in ["en", "es"] {
            let w = words_of(Path::new("x.yaml"), builtin(code).unwrap(), &req).unwrap();
            assert!(!w.is_empty());
        }
    }

    #[test]
    fn dates_the_languages_way() {
        let es = words_of(Path::new("es.yaml"), builtin("es").unwrap(), &required()).unwrap();
        assert_eq!(format_date("2026-11-24", &es).unwrap(), "24 de noviembre de 2026");
        let en = words_of(Path::new("en.yaml"), builtin("en").unwrap(), &required()).unwrap();
        assert_eq!(format_date("2026-03-01", &en).unwrap(), "1 March 2026");
    }

    #[test]
    fn inlined_words_are_the_words_a_lookup_gives() {
        let mut theme = crate::source::theme::Theme::default();
        theme.templates.push(crate::source::theme::Template {
            name: "t.html".into(),
            display: "t.html".into(),
            text: "<a>{{ words.next }}</a>{{ words.odd }}{{ words.next | upper }}{{ words.gone }}".into(),
        });
        let words: Words = [("next", "Siguiente"), ("odd", "a < b")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        inline(&mut theme, &words);
        assert_eq!(
            theme.templates[0].text,
            "<a>Siguiente</a>{{ words.odd }}{{ words.next | upper }}{{ words.gone }}"
        );
    }

    #[test]
    fn a_missing_word_names_the_file_and_the_key() {
        let errs = words_of(
            Path::new("themes/x/i18n/es.yaml"),
            "faq_heding: x\n",
            &["faq_heading".into()],
        )
        .unwrap_err();
        assert_eq!(errs[0].message, "the word `faq_heading` is missing");
        assert_eq!(errs[0].file, Path::new("themes/x/i18n/es.yaml"));
        assert_eq!(errs[0].line, 1);
    }
}
