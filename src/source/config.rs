//! Loading `site.yaml`: the site's title, base URL (which may carry a subpath), theme,
//! menu and defaults, with located errors like front matter.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::source::meta::Extra;

/// `site.yaml` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping of settings to values, one per line")]
pub struct RawConfig {
    title: String,
    base_url: String,
    description: String,
    language: Option<String>,
    theme: Option<String>,
    author: Option<String>,
    disclaimer: Option<String>,
    review_interval_days: Option<u32>,
    reading_grade_target: Option<f64>,
    paginate_by: Option<i64>,
    images: Option<crate::source::image_settings::RawImages>,
    #[serde(default)]
    menu: Vec<MenuItem>,
    #[serde(default)]
    extra: Extra,
    #[serde(default)]
    languages: std::collections::BTreeMap<String, crate::source::languages::RawLanguage>,
}

const KEYS: &[&str] = &[
    "title",
    "base_url",
    "description",
    "language",
    "theme",
    "author",
    "disclaimer",
    "review_interval_days",
    "reading_grade_target",
    "paginate_by",
    "images",
    "menu",
    "extra",
    "languages",
];

/// One entry of the main navigation, as written in site.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping with keys name and url")]
pub struct MenuItem {
    /// Link text.
    pub name: String,
    /// A site path (`/articles/`), a content file (`pages/about.md`) or an external URL.
    pub url: String,
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Site name.
    pub title: String,
    /// Absolute base URL, always ending with `/`.
    pub base_url: String,
    /// The path part of `base_url`, starting and ending with `/`.
    pub base_path: String,
    /// Default meta description.
    pub description: String,
    /// BCP 47 language tag.
    pub language: String,
    /// Folder name under `themes/`.
    pub theme: String,
    /// Default article author.
    pub author: Option<String>,
    /// Medical disclaimer, Markdown.
    pub disclaimer: Option<String>,
    /// `check` flags reviews older than this.
    pub review_interval_days: u32,
    /// `check` flags articles whose Flesch-Kincaid grade is above this.
    pub reading_grade_target: f64,
    /// Articles per page of a paginated list.
    pub paginate_by: usize,
    /// How images are resized and encoded (`images:`).
    pub images: crate::source::image_settings::ImageSettings,
    /// Main navigation.
    pub menu: Vec<MenuItem>,
    /// Free data for templates.
    pub extra: Extra,
    /// The text of site.yaml, for locating menu problems.
    pub source: String,
    /// The extra languages (`languages`), built under `/<code>/`.
    pub languages: Vec<crate::source::languages::Language>,
    /// The path the whole site is published at (the default language's `base_path`):
    /// where the theme's static files are.
    pub root_path: String,
    /// Which language of the site this configuration is for, and every page's versions.
    pub i18n: std::sync::Arc<crate::source::languages::PageLanguages>,
}

/// Articles per list page when site.yaml does not say.
pub const DEFAULT_PAGINATE_BY: usize = 20;

/// The file name of the configuration, relative to the site root.
pub const FILE: &str = "site.yaml";

/// Splits an absolute `http(s)` URL into a normalised base URL (ending with `/`) and its
/// path. Returns a human message on failure.
pub fn parse_base_url(url: &str) -> Result<(String, String), String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("`{url}` is not an absolute http(s) URL"))?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if host.is_empty() || host.contains(['?', '#', ' ', '\\']) {
        return Err(format!("`{url}` has no valid host name"));
    }
    if path.contains(['?', '#', ' ', '\\', '"', '<', '>']) {
        return Err(format!(
            "`{url}`: the base URL may not contain a query, fragment or spaces"
        ));
    }
    let mut path = path.to_owned();
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    if !path.ends_with('/') {
        path.push('/');
    }
    if path.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err(format!("`{url}`: the base URL path may not contain `.` or `..`"));
    }
    let scheme = &url[..url.len() - rest.len()];
    Ok((format!("{scheme}{host}{path}"), path))
}

/// [`parse_base_url`] of the URL given with `--base-url`, with a message about that
/// option (not about site.yaml, whose value it replaces).
pub fn parse_base_url_override(url: &str) -> Result<(String, String), Diagnostic> {
    parse_base_url(url).map_err(|msg| {
        Diagnostic::error("", format!("--base-url: {msg}"))
            .help("give the full address the site is published at, e.g. `--base-url https://staging.example.org/`")
    })
}

fn is_valid_language(tag: &str) -> bool {
    !tag.is_empty()
        && tag
            .split('-')
            .all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Reads and validates `site.yaml` under `root`. `base_url` overrides the file's value.
pub fn load(root: &Path, base_url_override: Option<&str>) -> Result<Config, Diagnostics> {
    read(root, base_url_override).map_err(Diagnostics::from)
}

fn read(root: &Path, base_url_override: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
    let path = root.join(FILE);
    let file = Path::new(FILE);
    let source = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        // The file is there but is not UTF-8: say where, as for content files.
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            return Err(vec![crate::source::parse::read_text(&path, file).err().unwrap_or_else(
                || Diagnostic::error(file, "this file is not valid UTF-8 text"),
            )]);
        }
        Err(e) => {
            return Err(vec![
                Diagnostic::error(file, format!("cannot read the site configuration: {e}")).help(format!(
                    "run knead in a site folder (one with a {FILE}), pass --root DIR, or create a new site with `knead init DIR`"
                )),
            ]);
        }
    };
    let (raw, located) = crate::source::yaml::parse_file::<RawConfig>(file, FILE, &source, KEYS)?;
    let mut errors = Vec::new();
    let at = |key: &str, msg: String, help: &str| {
        let pos = located.key(key);
        Diagnostic::error(file, msg)
            .at(&source, pos.line, pos.column, pos.len)
            .help(help)
    };
    // `--base-url` replaces the file's value: a bad one is the command line's mistake.
    let parsed_url = match base_url_override {
        Some(url) => parse_base_url_override(url).map_err(|d| errors.push(d)).ok(),
        None => parse_base_url(&raw.base_url)
            .map_err(|msg| {
                errors.push(at(
                    "base_url",
                    msg,
                    "write the full address where the site is published, e.g. `https://example.org/` or `https://example.org/backcare/`",
                ))
            })
            .ok(),
    };
    let (base_url, base_path) = parsed_url.unwrap_or_default();
    let language = raw.language.unwrap_or_else(|| "en".to_owned());
    if !is_valid_language(&language) {
        errors.push(at(
            "language",
            format!("`{language}` is not a language tag"),
            "use a BCP 47 tag such as `en`, `en-GB` or `de`",
        ));
    }
    let theme = raw.theme.unwrap_or_else(|| "default".to_owned());
    if !crate::text::slug::is_valid(&theme.replace('_', "-").to_lowercase()) || theme.contains(['/', '\\', '.']) {
        errors.push(at(
            "theme",
            format!("`{theme}` is not a theme folder name"),
            "name a folder under themes/, e.g. `default`",
        ));
    }
    if raw.title.trim().is_empty() {
        errors.push(at(
            "title",
            "the site title is empty".to_owned(),
            "give the site a name",
        ));
    }
    if let Some(n) = raw.paginate_by.filter(|&n| n < 1) {
        errors.push(at(
            "paginate_by",
            format!("`paginate_by` is {n}: a list page must hold at least one article"),
            "write a number of articles per list page, e.g. `paginate_by: 20` (the default)",
        ));
    }
    let images = raw.images.map_or_else(|| Ok(Default::default()), |i| i.check());
    for p in images.as_ref().err().into_iter().flatten() {
        let pos = located.item("images", p.key);
        errors.push(
            Diagnostic::error(file, p.message.clone())
                .at(&source, pos.line, pos.column, pos.len)
                .help(p.help.clone()),
        );
    }
    for item in &raw.menu {
        if item.name.trim().is_empty() {
            let pos = located.item("menu", "name:");
            errors.push(
                Diagnostic::error(file, "a menu entry has an empty name")
                    .at(&source, pos.line, pos.column, pos.len)
                    .help("give every menu entry a `name`"),
            );
        }
    }
    let (languages, bad) = crate::source::languages::read(raw.languages, &language);
    for (code, message) in bad {
        let pos = located.item("languages", &code);
        errors.push(
            Diagnostic::error(file, message)
                .at(&source, pos.line, pos.column, pos.len)
                .help("use a code such as `es`, `pt-br` or `ar`, different from `language`"),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Config {
        root_path: base_path.clone(),
        languages,
        i18n: Default::default(),
        title: raw.title,
        base_url,
        base_path,
        description: raw.description,
        language,
        theme,
        author: raw.author,
        disclaimer: raw.disclaimer,
        review_interval_days: raw.review_interval_days.unwrap_or(365),
        reading_grade_target: raw.reading_grade_target.unwrap_or(9.0),
        paginate_by: raw
            .paginate_by
            .map_or(DEFAULT_PAGINATE_BY, |n| usize::try_from(n).unwrap_or(usize::MAX)),
        images: images.unwrap_or_default(),
        menu: raw.menu,
        extra: raw.extra,
        source,
    })
}

impl Config {
    /// The 1-based line of site.yaml where `needle` first appears under the menu.
    pub fn menu_line(&self, needle: &str) -> (usize, usize) {
        for (i, line) in self.source.lines().enumerate() {
            if let Some(c) = line.find(needle) {
                return (i + 1, line[..c].chars().count() + 1);
            }
        }
        (1, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            parse_base_url("https://example.org").unwrap(),
            ("https://example.org/".into(), "/".into())
        );
        assert_eq!(
            parse_base_url("https://example.org/backcare").unwrap(),
            ("https://example.org/backcare/".into(), "/backcare/".into())
        );
        assert!(parse_base_url("example.org").is_err());
        assert!(parse_base_url("https://example.org/a/../b").is_err());
        assert!(parse_base_url("https:///x").is_err());
    }

    fn load_str(yaml: &str) -> Result<Config, Vec<Diagnostic>> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), yaml).unwrap();
        read(dir.path(), None)
    }

    #[test]
    fn unknown_key_points_at_site_yaml_line() {
        let errs = load_str("title: T\nbase_url: https://e.org/\ndescription: d\nthem: x\n").unwrap_err();
        assert_eq!(errs[0].line, 4, "{errs:?}");
        assert_eq!(errs[0].source_line.as_deref(), Some("them: x"));
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `theme`?"));
        assert_eq!(errs[0].message, "unknown key `them` in site.yaml");
    }

    #[test]
    fn bad_base_url_is_located() {
        let errs = load_str("title: T\nbase_url: example.org\ndescription: d\n").unwrap_err();
        assert_eq!(errs[0].line, 2, "{errs:?}");
        assert!(errs[0].message.contains("not an absolute"));
    }

    #[test]
    fn a_bad_override_blames_the_option_not_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE),
            "title: T\nbase_url: https://e.org/\ndescription: d\n",
        )
        .unwrap();
        let errs = read(dir.path(), Some("foo")).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].file.as_os_str(), errs[0].line), ("".as_ref(), 0), "{errs:?}");
        assert_eq!(errs[0].message, "--base-url: `foo` is not an absolute http(s) URL");
    }

    #[test]
    fn messages_name_site_yaml_and_no_rust_types() {
        let errs = load_str("title: T\nbase_url: https://e.org/\ndescription: d\nmenu: [x]\n").unwrap_err();
        assert_eq!(
            errs[0].message,
            "wrong type in `menu[0]`: found string \"x\", expected a mapping with keys name and url"
        );
        let errs =
            load_str("title: T\nbase_url: https://e.org/\ndescription: d\nreview_interval_days: -1\n").unwrap_err();
        assert!(
            errs[0].message.contains("expected a whole number from 0 to"),
            "{errs:?}"
        );
        let errs = load_str("- a\n").unwrap_err();
        assert_eq!(
            errs[0].message,
            "wrong type: found sequence, expected a mapping of settings to values, one per line"
        );
        let errs = load_str("base_url: https://e.org/\ndescription: d\n").unwrap_err();
        assert_eq!(
            (errs[0].message.as_str(), errs[0].line),
            ("missing required key `title`", 0)
        );
    }

    #[test]
    fn defaults() {
        let c = load_str("title: T\nbase_url: https://e.org/sub\ndescription: d\n").unwrap();
        assert_eq!(c.base_path, "/sub/");
        assert_eq!(c.theme, "default");
        assert_eq!(c.language, "en");
        assert_eq!(c.review_interval_days, 365);
        assert_eq!(c.paginate_by, DEFAULT_PAGINATE_BY);
    }

    #[test]
    fn paginate_by_is_a_positive_number() {
        let c = load_str("title: T\nbase_url: https://e.org/\ndescription: d\npaginate_by: 5\n").unwrap();
        assert_eq!(c.paginate_by, 5);
        let errs = load_str("title: T\nbase_url: https://e.org/\ndescription: d\npaginate_by: 0\n").unwrap_err();
        assert_eq!((errs[0].line, errs[0].help.is_some()), (4, true), "{errs:?}");
        let errs = load_str("title: T\nbase_url: https://e.org/\ndescription: d\npaginate_by: -3\n").unwrap_err();
        assert_eq!(errs[0].line, 4, "{errs:?}");
        assert!(errs[0].message.contains("`paginate_by` is -3"), "{errs:?}");
        let errs = load_str("title: T\nbase_url: https://e.org/\ndescription: d\npaginate_by: many\n").unwrap_err();
        assert_eq!(errs[0].line, 4, "{errs:?}");
    }
}
