//! Loading a theme: its Tera templates (with the site's own `templates/` overriding any
//! of them by name, and the built-in default theme's standing in for any it lacks), its
//! static files, and its `theme.yaml`, where it declares the ids its templates use
//! (which content then never takes). The default theme is embedded in the binary, so a
//! site that has no `themes/default/` folder still builds, and a theme may ship only the
//! templates it changes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::source::discover::{Link, is_ignored};
use crate::text::slug::ReservedIds;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs"));
}

/// The default theme's files, as embedded at compile time.
pub fn embedded_files() -> &'static [(&'static str, &'static [u8])] {
    embedded::FILES
}

/// Where a theme file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOrigin {
    /// A file on disk.
    Disk(PathBuf),
    /// The default theme built into knead.
    Embedded,
}

/// One template.
#[derive(Debug, Clone)]
pub struct Template {
    /// The name templates use (`article.html`, `partials/nav.html`).
    pub name: String,
    /// Path for messages, relative to the site root (`themes/default/templates/x.html`).
    pub display: PathBuf,
    /// The source.
    pub text: String,
}

/// A static file.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Output path with `/` separators (`style.css`).
    pub out: String,
    /// Where to read it.
    pub origin: FileOrigin,
    /// The bytes, for embedded files.
    pub bytes: &'static [u8],
}

/// A loaded theme.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Templates, sorted by name: each name from the site's `templates/`, else the
    /// theme's, else the built-in theme's; and each theme's own under its
    /// [`namespaced`] name.
    pub templates: Vec<Template>,
    /// Static files, sorted.
    pub statics: Vec<StaticFile>,
    /// The symlinks among the templates and static files, and the files they lead to.
    pub links: Vec<Link>,
    /// The ids its templates use, from its `theme.yaml` (the default theme's when it has
    /// none).
    pub ids: Arc<ReservedIds>,
    /// The [`namespaced`] name of every template of the theme and of the built-in theme,
    /// those no template names included (they are left out of `templates`).
    pub full_names: Vec<String>,
    /// What `check` and `build` warn about: site templates that override nothing or are
    /// empty.
    pub warnings: Vec<Diagnostic>,
}

/// The file in a theme's folder that says what knead must know of the theme.
pub const CONFIG_FILE: &str = "theme.yaml";

/// `theme.yaml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping of settings to values, one per line")]
struct ThemeConfig {
    /// Ids the templates give elements of their own (`{n}`: any number).
    #[serde(default)]
    reserved_ids: Vec<String>,
}

/// The ids a theme's `theme.yaml` (`text`, shown as `display`) declares.
fn reserved_ids(display: &Path, text: &str) -> Result<ReservedIds, Vec<Diagnostic>> {
    let (config, located) =
        crate::source::yaml::parse_file::<ThemeConfig>(display, CONFIG_FILE, text, &["reserved_ids"])?;
    let mut problems = Vec::new();
    for entry in &config.reserved_ids {
        if let Err(why) = ReservedIds::check(entry) {
            let pos = located.item("reserved_ids", entry);
            problems.push(located.error(display, pos, why).help(
                "write each id as templates write it, e.g. `main`, or `source-{n}` for `source-1`, `source-2`, ...",
            ));
        }
    }
    match ReservedIds::new(&config.reserved_ids) {
        Ok(ids) if problems.is_empty() => Ok(ids),
        _ => Err(problems),
    }
}

/// The default theme's `theme.yaml`, as embedded.
fn default_ids() -> Result<ReservedIds, Vec<Diagnostic>> {
    let text = embedded_files()
        .iter()
        .find(|(path, _)| *path == CONFIG_FILE)
        .map_or("", |(_, bytes)| std::str::from_utf8(bytes).unwrap_or_default());
    reserved_ids(Path::new(&format!("{BUILT_IN}/{CONFIG_FILE}")), text)
}

/// The files under `dir`, by `/`-separated relative path. A symlink is followed when it
/// leads to a file inside the site at `root` (and recorded in `links`); one that leads
/// outside (or nowhere) is an error, as in content/.
fn files_under(
    root: &Path,
    dir: &Path,
    problems: &mut Vec<Diagnostic>,
    links: &mut Vec<Link>,
) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    let root_real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()))
        .flatten()
    {
        let is_file = if entry.path_is_symlink() {
            let display = crate::diagnostics::display_path(root, entry.path());
            match entry.path().canonicalize() {
                Ok(target) if target.starts_with(&root_real) => {
                    let is_file = target.is_file();
                    if is_file {
                        links.extend(Link::new(root, &root_real, entry.path(), &target));
                    }
                    is_file
                }
                Ok(target) => {
                    problems.push(
                        Diagnostic::error(
                            &display,
                            format!("this symlink points outside the site (to {})", target.display()),
                        )
                        .help("copy the file into the site instead of linking to it"),
                    );
                    false
                }
                Err(_) => {
                    problems.push(
                        Diagnostic::error(&display, "this symlink points to nothing")
                            .help("remove it or point it at a file inside the site"),
                    );
                    false
                }
            }
        } else {
            entry.file_type().is_file()
        };
        if is_file
            && let Some(rel) = entry
                .path()
                .strip_prefix(dir)
                .ok()
                .and_then(crate::source::discover::utf8_rel)
        {
            out.push((rel, entry.path().to_path_buf()));
        }
    }
    out
}

/// Loads theme `name` of the site at `root`, plus the site's template overrides.
pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostics> {
    read(root, name).map_err(Diagnostics::from)
}

/// Where the built-in default theme's files are shown as coming from.
pub const BUILT_IN: &str = "<built-in default theme>";

/// The name under which a template of theme `theme` can be extended whatever overrides
/// it: `<theme>/templates/<name>`, as in Zola (`default/templates/...` for the built-in
/// theme).
pub fn namespaced(theme: &str, name: &str) -> String {
    format!("{theme}/templates/{name}")
}

/// The templates and static files of the built-in default theme.
fn built_in() -> (Vec<Template>, Vec<StaticFile>) {
    let (mut templates, mut statics) = (Vec::new(), Vec::new());
    for (path, bytes) in embedded_files() {
        if let Some(rel) = path.strip_prefix("templates/") {
            templates.push(Template {
                name: rel.to_owned(),
                display: PathBuf::from(format!("{BUILT_IN}/templates/{rel}")),
                text: String::from_utf8_lossy(bytes).into_owned(),
            });
        } else if let Some(rel) = path.strip_prefix("static/") {
            statics.push(StaticFile {
                out: rel.to_owned(),
                origin: FileOrigin::Embedded,
                bytes,
            });
        }
    }
    (templates, statics)
}

/// Reads every file under `dir` as a template.
fn read_templates(root: &Path, dir: &Path, problems: &mut Vec<Diagnostic>, links: &mut Vec<Link>) -> Vec<Template> {
    let mut out = Vec::new();
    for (rel, path) in files_under(root, dir, problems, links) {
        let display = crate::diagnostics::display_path(root, &path);
        match crate::source::parse::read_text(&path, &display) {
            Ok(text) => out.push(Template {
                name: rel,
                display,
                text,
            }),
            Err(d) => problems.push(d),
        }
    }
    out
}

/// The error for a theme that has no folder.
fn no_such_theme(root: &Path, name: &str) -> Diagnostic {
    let mut known: Vec<String> = std::fs::read_dir(root.join("themes"))
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    known.sort();
    let refs: Vec<&str> = known.iter().map(String::as_str).collect();
    let help = if refs.is_empty() {
        "there is no themes/ folder; remove `theme:` to use the built-in default theme".to_owned()
    } else {
        crate::diagnostics::did_you_mean(name, &refs)
    };
    Diagnostic::error(
        crate::source::config::FILE,
        format!("the theme `{name}` does not exist (no folder themes/{name}/)"),
    )
    .help(help)
}

/// The theme in three layers, each template looked up in the first that has it: the
/// site's `templates/`, the theme's `templates/`, the built-in default theme. Each
/// theme's own templates are also there under [`namespaced`] names, so that a template
/// can extend the one it replaces.
fn read(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
    let dir = root.join("themes").join(name);
    let mut theme = Theme::default();
    let mut problems = Vec::new();
    let config = dir.join(CONFIG_FILE);
    let ids = if config.is_file() {
        let display = crate::diagnostics::display_path(root, &config);
        crate::source::parse::read_text(&config, &display)
            .map_err(|d| vec![d])
            .and_then(|text| reserved_ids(&display, &text))
    } else {
        default_ids()
    };
    match ids {
        Ok(ids) => theme.ids = Arc::new(ids),
        Err(errs) => problems.extend(errs),
    }
    if !dir.is_dir() && name != "default" {
        return Err(vec![no_such_theme(root, name)]);
    }
    let (built_in_templates, built_in_statics) = built_in();
    let own = read_templates(root, &dir.join("templates"), &mut problems, &mut theme.links);
    let own_statics = files_under(root, &dir.join("static"), &mut problems, &mut theme.links);
    // The built-in base.html links the built-in static files: a theme that uses it
    // gets them too, unless it has files of the same path.
    let own_base = own.iter().any(|t| t.name == "base.html");
    theme.statics = (own_statics.into_iter())
        .map(|(rel, path)| StaticFile {
            out: rel,
            origin: FileOrigin::Disk(path),
            bytes: &[],
        })
        .collect();
    if !dir.is_dir() || !own_base {
        let missing: Vec<StaticFile> = (built_in_statics.into_iter())
            .filter(|s| !theme.statics.iter().any(|t| t.out == s.out))
            .collect();
        theme.statics.extend(missing);
    }
    theme.statics.sort_by(|a, b| a.out.cmp(&b.out));
    let mut by_name: std::collections::BTreeMap<String, Template> = std::collections::BTreeMap::new();
    for t in built_in_templates {
        if name != "default" || !own.iter().any(|o| o.name == t.name) {
            let spelled = namespaced("default", &t.name);
            by_name.insert(
                spelled.clone(),
                Template {
                    name: spelled,
                    ..t.clone()
                },
            );
        }
        by_name.insert(t.name.clone(), t);
    }
    for t in own {
        let spelled = namespaced(name, &t.name);
        by_name.insert(
            spelled.clone(),
            Template {
                name: spelled,
                ..t.clone()
            },
        );
        by_name.insert(t.name.clone(), t);
    }
    let site = read_templates(root, &root.join("templates"), &mut problems, &mut theme.links);
    theme.warnings = super::theme_checks::site_templates(&site, &by_name);
    theme.warnings.extend(super::theme_checks::site_static_folder(root));
    for t in site {
        by_name.insert(t.name.clone(), t);
    }
    theme.full_names = by_name.keys().filter(|n| n.contains("/templates/")).cloned().collect();
    let unused = unnamed(&by_name, |n| n.contains("/templates/"));
    by_name.retain(|name, _| !unused.contains(name));
    theme.templates = by_name.into_values().collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(theme)
}

/// The templates of `all` with a [`namespaced`] name (`spelled_in_full`) that no
/// template in use names: there is no need to compile them.
fn unnamed(
    all: &std::collections::BTreeMap<String, Template>,
    spelled_in_full: impl Fn(&str) -> bool,
) -> std::collections::BTreeSet<String> {
    let mut unused: std::collections::BTreeSet<String> = all.keys().filter(|n| spelled_in_full(n)).cloned().collect();
    let mut todo: Vec<&Template> = all.values().filter(|t| !unused.contains(&t.name)).collect();
    while let Some(t) = todo.pop() {
        // Every quoted `.../templates/...` of the text.
        for (at, _) in t.text.match_indices("/templates/") {
            let start = t.text[..at].rfind(['"', '\'']).map_or(at, |q| q + 1);
            let end = t.text[at..].find(['"', '\'']).map_or(at, |q| at + q);
            if unused.remove(&t.text[start..end]) {
                todo.extend(all.get(&t.text[start..end]));
            }
        }
    }
    unused
}

impl StaticFile {
    /// Where it is read from, for messages: its file, or its place in the built-in theme.
    pub fn source(&self) -> PathBuf {
        match &self.origin {
            FileOrigin::Disk(p) => p.clone(),
            FileOrigin::Embedded => PathBuf::from(format!("{BUILT_IN}/static/{}", self.out)),
        }
    }

    /// The file's bytes.
    pub fn read(&self) -> std::io::Result<std::borrow::Cow<'static, [u8]>> {
        match &self.origin {
            FileOrigin::Embedded => Ok(std::borrow::Cow::Borrowed(self.bytes)),
            FileOrigin::Disk(p) => std::fs::read(p).map(std::borrow::Cow::Owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_theme_declares_its_ids() {
        let ids = default_ids().unwrap();
        for id in ["main", "toc-heading", "site-search", "source-1", "source-20", "top"] {
            assert!(ids.contains(id), "{id}");
        }
        assert!(!ids.contains("source-x") && !ids.contains("notes"));
    }

    #[test]
    fn a_bad_id_in_theme_yaml_is_located() {
        let text = "reserved_ids:\n  - main\n  - \"a b\"\n";
        let errs = reserved_ids(Path::new("themes/x/theme.yaml"), text).unwrap_err();
        assert_eq!((errs[0].line, errs[0].column), (3, 6), "{errs:?}");
        assert!(errs[0].message.contains("`a b` is not an id"), "{errs:?}");
        let errs = reserved_ids(Path::new("themes/x/theme.yaml"), "reserved_id: [main]\n").unwrap_err();
        assert_eq!(errs[0].message, "unknown key `reserved_id` in theme.yaml");
    }
}
