//! Languages: the `languages` of site.yaml, which content file is a translation of which
//! (`<stem>.<code>.md` beside its original), the documents of each language, and the
//! table of each page's versions that the `hreflang` alternates, the language switcher
//! and the sitemap read. The default language is built at the root, each other one
//! under `/<code>/` (see `docs/languages.md`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;
use crate::source::config::{Config, MenuItem};
use crate::source::discover::Kind;
use crate::source::parse::Doc;
use crate::source::yaml;

/// One extra language as site.yaml writes it under `languages`.
#[derive(Debug, Clone, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with keys title, description, disclaimer and menu"
)]
pub struct RawLanguage {
    title: String,
    description: String,
    disclaimer: Option<String>,
    menu: Option<Vec<MenuItem>>,
}

/// The keys of one language in site.yaml.
pub const LANGUAGE_KEYS: &[&str] = &["title", "description", "disclaimer", "menu"];

/// An extra language of the site: its code and what replaces site.yaml's own values.
#[derive(Debug, Clone)]
pub struct Language {
    /// The BCP 47 code (`es`): the folder under the output and the files' suffix.
    pub code: String,
    /// The site's name in this language.
    pub title: String,
    /// The default meta description in this language.
    pub description: String,
    /// The medical disclaimer in this language (Markdown); none when not given.
    pub disclaimer: Option<String>,
    /// The main navigation in this language; site.yaml's own menu when not given.
    pub menu: Option<Vec<MenuItem>>,
}

/// The extra languages of `raw` (site.yaml's `languages`), in code order, or the message
/// of each bad code. `default` is the site's own language.
pub fn read(raw: BTreeMap<String, RawLanguage>, default: &str) -> (Vec<Language>, Vec<(String, String)>) {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (code, l) in raw {
        if !looks_like_code(&code) {
            problems.push((
                code.clone(),
                format!("`{code}` is not a language code knead can use in file names"),
            ));
            continue;
        }
        if code == default {
            problems.push((
                code.clone(),
                format!("`{code}` is the site's default `language`: it is built at the root already"),
            ));
            continue;
        }
        out.push(Language {
            code,
            title: l.title,
            description: l.description,
            disclaimer: l.disclaimer,
            menu: l.menu,
        });
    }
    (out, problems)
}

/// True for a language code a file name can carry: two or three lowercase letters,
/// then optionally `-` and a region or script (`es`, `pt-br`, `zh-hant`).
pub fn looks_like_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// True for the languages written right to left.
pub fn is_rtl(code: &str) -> bool {
    let primary = code.split('-').next().unwrap_or("");
    matches!(primary, "ar" | "he" | "fa" | "ur")
}

/// The text direction of `code`, as `dir` takes it.
pub fn dir(code: &str) -> &'static str {
    if is_rtl(code) { "rtl" } else { "ltr" }
}

/// Splits a file stem into the original's stem and a language code: `sciatica.es` is
/// `("sciatica", Some("es"))`, `sciatica` is `("sciatica", None)`.
pub fn split_stem(stem: &str) -> (&str, Option<&str>) {
    match stem.rsplit_once('.') {
        Some((base, code)) if !base.is_empty() && looks_like_code(code) => (base, Some(code)),
        _ => (stem, None),
    }
}

/// The language code of a Markdown file's name (`x.es.md` -> `es`), if any.
pub fn code_of(path: &Path) -> Option<&str> {
    let stem = path.file_stem()?.to_str()?;
    split_stem(stem).1
}

/// The path of the original of the translation at `path` (`a/x.es.md` -> `a/x.md`).
pub fn original_of(path: &Path) -> PathBuf {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let (base, _) = split_stem(stem);
    path.with_file_name(format!("{base}.md"))
}

/// The site.yaml of language `lang`: its title, description, disclaimer and menu, and
/// its base URL one folder down (`/es/`). `root` is the site's own configuration.
pub fn config_for(root: &Config, lang: &Language) -> Config {
    let mut c = root.clone();
    c.title = lang.title.clone();
    c.description = lang.description.clone();
    c.disclaimer = lang.disclaimer.clone();
    if let Some(menu) = &lang.menu {
        c.menu = menu.clone();
    }
    c.language = lang.code.clone();
    c.base_url = format!("{}{}/", root.base_url, lang.code);
    c.base_path = format!("{}{}/", root.base_path, lang.code);
    c
}

/// The documents of each language: the default language's first, then each of
/// `config.languages` in order; and every problem with translations.
#[derive(Debug, Default)]
pub struct Split {
    /// Each language's documents, in the order given.
    pub docs: Vec<Vec<Arc<Doc>>>,
    /// Translations into unknown languages, without an original, or naming techniques or
    /// benefits their original does not.
    pub problems: Vec<Diagnostic>,
}

/// Sorts `docs` by language (see [`Split`]) and checks each translation against its
/// original.
pub fn split(docs: Vec<Arc<Doc>>, config: &Config) -> Split {
    let mut out = Split {
        docs: vec![Vec::new(); 1 + config.languages.len()],
        problems: Vec::new(),
    };
    let by_key: FxHashMap<&str, &Arc<Doc>> = docs
        .iter()
        .filter(|d| code_of(&d.rel).is_none())
        .map(|d| (d.key.as_ref(), d))
        .collect();
    // The techniques each language has a version of: `(code, slug)`.
    let techniques: rustc_hash::FxHashSet<(&str, String)> = (docs.iter())
        .filter(|d| d.kind == Kind::Technique)
        .filter_map(|d| {
            let code = code_of(&d.rel)?;
            let stem = original_of(&d.rel).file_stem()?.to_string_lossy().into_owned();
            Some((code, stem))
        })
        .collect();
    let mut place = Vec::with_capacity(docs.len());
    for d in &docs {
        place.push(language_of(d, config, &by_key, &techniques, &mut out.problems));
    }
    drop(by_key);
    for (d, at) in docs.into_iter().zip(place) {
        if let Some(i) = at {
            out.docs[i].push(d);
        }
    }
    out
}

/// The index of `d`'s language (0: the default), or `None` with the problem that keeps
/// it out.
fn language_of(
    d: &Doc,
    config: &Config,
    originals: &FxHashMap<&str, &Arc<Doc>>,
    techniques: &rustc_hash::FxHashSet<(&str, String)>,
    problems: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let Some(code) = code_of(&d.rel) else {
        return Some(0);
    };
    let Some(i) = config.languages.iter().position(|l| l.code == code) else {
        let help = if code == config.language {
            format!("`{code}` is the site's default language: rename the file to drop `.{code}`")
        } else {
            format!("add `{code}` under `languages:` in site.yaml (with its title and description), or rename the file")
        };
        problems.push(
            Diagnostic::error(
                &d.rel,
                format!("this file is a translation into `{code}`, which site.yaml's `languages` does not list"),
            )
            .help(help),
        );
        return None;
    };
    let original = original_of(&d.rel);
    let Some(orig) = originals.get(original.to_string_lossy().as_ref()) else {
        problems.push(
            Diagnostic::error(
                &d.rel,
                format!("this translation has no original: there is no {}", original.display()),
            )
            .help(format!(
                "a translation sits beside the file it translates: add {} or rename this file",
                original.display()
            )),
        );
        return None;
    };
    check_against(d, orig, problems);
    untranslated_techniques(d, orig, code, techniques, problems);
    Some(i + 1)
}

/// A translation links the techniques it names in its own language: each must have a
/// version in it.
fn untranslated_techniques(
    t: &Doc,
    orig: &Doc,
    code: &str,
    techniques: &rustc_hash::FxHashSet<(&str, String)>,
    problems: &mut Vec<Diagnostic>,
) {
    use crate::source::parse::Meta;
    let (Meta::Article(m), Meta::Article(om)) = (&t.meta, &orig.meta) else {
        return;
    };
    let located = yaml::locate(&t.text);
    let missing = |x: &&String| om.techniques.contains(x) && !techniques.contains(&(code, (*x).clone()));
    for tech in m.techniques.iter().filter(missing) {
        let mut d = Diagnostic::error(
            &t.rel,
            format!("the technique `{tech}` has no `{code}` version for this translation to link to"),
        )
        .help(format!(
            "translate content/techniques/{tech}.md as content/techniques/{tech}.{code}.md, or leave `{tech}` out of this translation's `techniques`"
        ));
        if let Some(l) = &located {
            let p = l.item("techniques", tech);
            d = d.at(&t.text, p.line, p.column, p.len);
        }
        problems.push(d);
    }
}

/// A translation may name only the techniques and benefits its original names.
fn check_against(t: &Doc, orig: &Doc, problems: &mut Vec<Diagnostic>) {
    use crate::source::parse::Meta;
    let (Meta::Article(tm), Meta::Article(om)) = (&t.meta, &orig.meta) else {
        return;
    };
    let located = yaml::locate(&t.text);
    let at = |key: &str, needle: &str, message: String, help: String| {
        let d = Diagnostic::error(&t.rel, message).help(help);
        match &located {
            Some(l) => {
                let p = l.item(key, needle);
                d.at(&t.text, p.line, p.column, p.len)
            }
            None => d,
        }
    };
    for tech in tm.techniques.iter().filter(|x| !om.techniques.contains(x)) {
        problems.push(at(
            "techniques",
            tech,
            format!(
                "the technique `{tech}` is not in the original's `techniques` ({})",
                orig.rel.display()
            ),
            "a translation says what its original says: name the same techniques (add it to the original first)".into(),
        ));
    }
    for (name, slug) in tm.benefits.iter().zip(&t.benefit_slugs) {
        if !orig.benefit_slugs.contains(slug) {
            let known: Vec<&str> = om.benefits.iter().map(String::as_str).collect();
            problems.push(at(
                "benefits",
                name,
                format!(
                    "the benefit `{name}` is not in the original's `benefits` ({})",
                    orig.rel.display()
                ),
                format!(
                    "name the benefits as the original does ({}); a translated benefit profile gives its name in this language",
                    known.join(", ")
                ),
            ));
        }
    }
}

/// One version of a page, as the alternates and the switcher show it.
#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    /// The language code (`hreflang` and `lang`).
    pub code: String,
    /// The language's name in itself (`Español`).
    pub name: String,
    /// The href of the version (base path included).
    pub url: String,
    /// Its absolute URL.
    pub permalink: String,
    /// True for the page itself.
    pub current: bool,
    /// True when this is a version of the page; false for a language the page has no
    /// version in, where the switcher leads to that language's home.
    pub translated: bool,
}

/// Every page's versions, by href: built from each language's documents and hubs.
#[derive(Debug, Default)]
pub struct Translations {
    /// Each language's code, the default first.
    codes: Vec<String>,
    /// Each language's name in itself.
    names: Vec<String>,
    /// The absolute URL of the site root without its path (`https://example.org`).
    origin: String,
    /// Each language's base path (`/`, `/es/`).
    bases: Vec<String>,
    /// Each page's group, by href.
    group_of: FxHashMap<String, usize>,
    /// Each group's href in each language.
    groups: Vec<Vec<Option<String>>>,
}

/// The pages every language has, by site path: the home page and the hubs.
const HUBS: &[&str] = &[
    "/",
    "/articles/",
    "/techniques/",
    "/benefits/",
    "/tags/",
    "/faq/",
    "/search/",
];

/// Hashes what the pages read of the table: every group's versions, with each
/// language's code, name and base (the lookup by href follows from the groups).
impl std::hash::Hash for Translations {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (&self.codes, &self.names, &self.origin, &self.bases, &self.groups).hash(h);
    }
}

impl Translations {
    /// The table for a site whose languages are `langs` (code, name, base path, docs),
    /// the default first. `base_url` is the site's own.
    pub fn new(base_url: &str, base_path: &str, langs: &[(String, String, String, &[Arc<Doc>])]) -> Self {
        let origin = base_url
            .strip_suffix(base_path)
            .map_or_else(|| base_url.trim_end_matches('/').to_owned(), str::to_owned);
        let mut t = Translations {
            codes: langs.iter().map(|l| l.0.clone()).collect(),
            names: langs.iter().map(|l| l.1.clone()).collect(),
            origin,
            bases: langs.iter().map(|l| l.2.clone()).collect(),
            ..Translations::default()
        };
        let n = langs.len();
        if n < 2 {
            // One language: no page has versions.
            return t;
        }
        let href = |i: usize, path: &str| format!("{}{}", t.bases[i], path.trim_start_matches('/'));
        let mut groups: BTreeMap<String, Vec<Option<String>>> = BTreeMap::new();
        for hub in HUBS {
            groups.insert(format!("hub:{hub}"), (0..n).map(|i| Some(href(i, hub))).collect());
        }
        for (i, (_, _, _, docs)) in langs.iter().enumerate() {
            for d in docs.iter() {
                if d.kind == Kind::Home {
                    continue;
                }
                let key = if i == 0 {
                    d.key.to_string()
                } else {
                    original_of(&d.rel).to_string_lossy().into_owned()
                };
                groups.entry(key).or_insert_with(|| vec![None; n])[i] = Some(href(i, &d.path));
            }
        }
        for (g, members) in groups.into_values().enumerate() {
            for m in members.iter().flatten() {
                t.group_of.insert(m.clone(), g);
            }
            t.groups.push(members);
        }
        t
    }

    /// True when the site has more than one language.
    pub fn is_multilingual(&self) -> bool {
        self.codes.len() > 1
    }

    /// Each language of the page at `href` in language `lang`: its version where it has
    /// one, else that language's home (`translated: false`). Empty for a site of one
    /// language.
    pub fn switcher(&self, lang: usize, href: &str) -> Vec<Alternate> {
        if !self.is_multilingual() {
            return Vec::new();
        }
        let group = self.group_of.get(href).map(|&g| &self.groups[g]);
        (0..self.codes.len())
            .map(|i| {
                let version = group.and_then(|g| g[i].clone());
                let translated = version.is_some();
                let url = version.unwrap_or_else(|| self.bases[i].clone());
                Alternate {
                    code: self.codes[i].clone(),
                    name: self.names[i].clone(),
                    permalink: format!("{}{url}", self.origin),
                    url,
                    current: i == lang,
                    translated,
                }
            })
            .collect()
    }

    /// The versions of the page at `href` (itself included), when it has at least one
    /// other; empty otherwise. These are its `hreflang` alternates.
    pub fn versions(&self, lang: usize, href: &str) -> Vec<Alternate> {
        let all = self.switcher(lang, href);
        if all.iter().filter(|a| a.translated).count() < 2 {
            return Vec::new();
        }
        all.into_iter().filter(|a| a.translated).collect()
    }

    /// The absolute URL of the default language's version, for `x-default`.
    pub fn x_default(&self, versions: &[Alternate]) -> Option<String> {
        versions
            .iter()
            .find(|a| self.codes.first() == Some(&a.code))
            .or(versions.first())
            .map(|a| a.permalink.clone())
    }
}

/// What a page of one language knows of the site's languages: its code, the theme's
/// words in it and the table of versions. Site.yaml's own configuration holds an empty
/// one until the theme's words are loaded.
#[derive(Debug, Default)]
pub struct PageLanguages {
    /// The index of this language in the table (0: the default).
    pub index: usize,
    /// Every page's versions.
    pub table: Arc<Translations>,
    /// The theme's words in this language (`words` in templates).
    pub words: BTreeMap<String, String>,
    /// How this language writes dates, from its words (each date's `local`).
    pub dates: crate::source::date::DateWords,
}

/// site.yaml's menu for a language that has none of its own: each entry leads to the
/// page's version in the language (`docs`) where it has one, else to the default
/// language's page itself (`originals`), so no entry is broken.
fn inherited_menu(root: &Config, originals: &[Arc<Doc>], docs: &[Arc<Doc>]) -> Vec<MenuItem> {
    let translated = |key: &str| docs.iter().any(|d| original_of(&d.rel).to_string_lossy() == key);
    (root.menu.iter())
        .map(|item| {
            let (target, fragment) = item
                .url
                .split_once('#')
                .map_or((item.url.as_str(), ""), |(t, f)| (t, f));
            let fragment = if fragment.is_empty() {
                String::new()
            } else {
                format!("#{fragment}")
            };
            let original = if target.starts_with('/') {
                if HUBS.contains(&target) || docs.iter().any(|d| &*d.path == target) {
                    None
                } else {
                    originals.iter().find(|d| &*d.path == target)
                }
            } else if target.contains("://") || target.is_empty() {
                None
            } else {
                let key = format!("content/{}", target.trim_start_matches("./"));
                originals.iter().find(|d| *d.key == *key).filter(|_| !translated(&key))
            };
            match original {
                Some(d) => MenuItem {
                    name: item.name.clone(),
                    url: format!("{}{}{fragment}", root.base_url, d.path.trim_start_matches('/')),
                },
                None => item.clone(),
            }
        })
        .collect()
}

/// The configuration of each language, the default first: `root`'s, then
/// [`config_for`] each of its `languages`, each knowing the table of versions made from
/// `docs` (each language's documents, drafts left out unless `drafts`) and its theme
/// `words` (whose `language_name` names it in the switcher).
pub fn configs(root: &Config, words: &[BTreeMap<String, String>], docs: &[Vec<Arc<Doc>>], drafts: bool) -> Vec<Config> {
    let mut configs = vec![root.clone()];
    let kept: Vec<Vec<Arc<Doc>>> = docs
        .iter()
        .map(|d| d.iter().filter(|d| drafts || !d.is_draft()).cloned().collect())
        .collect();
    configs.extend(root.languages.iter().enumerate().map(|(i, l)| {
        let mut c = config_for(root, l);
        if l.menu.is_none() {
            c.menu = inherited_menu(
                root,
                kept.first().map_or(&[][..], Vec::as_slice),
                kept.get(i + 1).map_or(&[][..], Vec::as_slice),
            );
        }
        c
    }));
    let langs: Vec<(String, String, String, &[Arc<Doc>])> = configs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let name = words
                .get(i)
                .and_then(|w| w.get("language_name"))
                .cloned()
                .unwrap_or_else(|| c.language.clone());
            let docs = kept.get(i).map_or(&[][..], Vec::as_slice);
            (c.language.clone(), name, c.base_path.clone(), docs)
        })
        .collect();
    let table = Arc::new(Translations::new(&root.base_url, &root.base_path, &langs));
    for (i, c) in configs.iter_mut().enumerate() {
        c.i18n = Arc::new(PageLanguages {
            index: i,
            table: Arc::clone(&table),
            words: words.get(i).cloned().unwrap_or_default(),
            dates: words.get(i).map(crate::source::date::DateWords::of).unwrap_or_default(),
        });
    }
    configs
}

impl Config {
    /// The theme's word `key` in this configuration's language; `english` when the
    /// theme's words are not loaded (a model made without a theme, in tests).
    pub fn word<'a>(&'a self, key: &str, english: &'a str) -> &'a str {
        self.i18n.words.get(key).map_or(english, String::as_str)
    }
}
