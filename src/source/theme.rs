//! Loading a theme: its Tera templates (with the site's own `templates/` overriding any
//! of them by name) and its static files. The default theme is also embedded in the
//! binary, so a site that has no `themes/default/` folder still builds.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::source::discover::{Link, is_ignored};

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
    /// Templates, sorted by name; site overrides replace theme templates.
    pub templates: Vec<Template>,
    /// Static files, sorted.
    pub statics: Vec<StaticFile>,
    /// The symlinks among the templates and static files, and the files they lead to.
    pub links: Vec<Link>,
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

fn read(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
    let dir = root.join("themes").join(name);
    let mut theme = Theme::default();
    let mut problems = Vec::new();
    if dir.is_dir() {
        for (rel, path) in files_under(root, &dir.join("templates"), &mut problems, &mut theme.links) {
            let display = crate::diagnostics::display_path(root, &path);
            match crate::source::parse::read_text(&path, &display) {
                Ok(text) => theme.templates.push(Template {
                    name: rel,
                    display,
                    text,
                }),
                Err(d) => problems.push(d),
            }
        }
        for (rel, path) in files_under(root, &dir.join("static"), &mut problems, &mut theme.links) {
            theme.statics.push(StaticFile {
                out: rel,
                origin: FileOrigin::Disk(path),
                bytes: &[],
            });
        }
    } else if name == "default" {
        for (path, bytes) in embedded_files() {
            if let Some(rel) = path.strip_prefix("templates/") {
                theme.templates.push(Template {
                    name: rel.to_owned(),
                    display: PathBuf::from(format!("<built-in default theme>/templates/{rel}")),
                    text: String::from_utf8_lossy(bytes).into_owned(),
                });
            } else if let Some(rel) = path.strip_prefix("static/") {
                theme.statics.push(StaticFile {
                    out: rel.to_owned(),
                    origin: FileOrigin::Embedded,
                    bytes,
                });
            }
        }
    } else {
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
        let pos = crate::source::config::FILE;
        let help = if refs.is_empty() {
            "there is no themes/ folder; remove `theme:` to use the built-in default theme".to_owned()
        } else {
            crate::diagnostics::did_you_mean(name, &refs)
        };
        return Err(vec![
            Diagnostic::error(
                pos,
                format!("the theme `{name}` does not exist (no folder themes/{name}/)"),
            )
            .help(help),
        ]);
    }
    for (rel, path) in files_under(root, &root.join("templates"), &mut problems, &mut theme.links) {
        let display = crate::diagnostics::display_path(root, &path);
        match crate::source::parse::read_text(&path, &display) {
            Ok(text) => {
                theme.templates.retain(|t| t.name != rel);
                theme.templates.push(Template {
                    name: rel,
                    display,
                    text,
                });
            }
            Err(d) => problems.push(d),
        }
    }
    theme.templates.sort_by(|a, b| a.name.cmp(&b.name));
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(theme)
}

impl StaticFile {
    /// Where it is read from, for messages: its file, or its place in the built-in theme.
    pub fn source(&self) -> PathBuf {
        match &self.origin {
            FileOrigin::Disk(p) => p.clone(),
            FileOrigin::Embedded => PathBuf::from(format!("<built-in default theme>/static/{}", self.out)),
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
