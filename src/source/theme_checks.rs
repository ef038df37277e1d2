//! Warnings about a theme's files that would otherwise fail silently: a site template
//! that overrides nothing (a misspelt name) or is empty, a content file that replaces a
//! theme's static file, and a site `static/` folder, which knead does not read.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::source::discover::Asset;
use crate::source::theme::{StaticFile, Template};

/// Warnings about the site's own templates (`site`), given every template of the theme
/// and the built-in theme by name (`known`). A site template that no theme has and no
/// template names (in an `extends`, `include` or `import`) is never used.
pub(super) fn site_templates(site: &[Template], known: &BTreeMap<String, Template>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let names: Vec<&str> = (known.keys().map(String::as_str))
        .filter(|n| !n.contains("/templates/"))
        .collect();
    for t in site {
        let quoted = [format!("\"{}\"", t.name), format!("'{}'", t.name)];
        let named = (known.values().chain(site))
            .any(|other| other.name != t.name && quoted.iter().any(|q| other.text.contains(q.as_str())));
        if !known.contains_key(&t.name) && !named {
            out.push(
                Diagnostic::warning(
                    &t.display,
                    format!(
                        "this template overrides nothing: the theme has no template `{}`",
                        t.name
                    ),
                )
                .help(format!(
                    "name it after the template it replaces: {}",
                    did_you_mean(&t.name, &names)
                )),
            );
        } else if t.text.trim().is_empty() {
            out.push(
                Diagnostic::warning(&t.display, "this template is empty, so every page it renders is blank").help(
                    format!(
                        "delete it to use the theme's `{}`, or extend that one and override a block",
                        t.name
                    ),
                ),
            );
        }
    }
    out
}

/// A warning for each file of `content/` (`assets`) that replaces a theme's static file
/// of the same output path, which is seldom meant.
pub fn shadowed_statics(assets: &[Asset], statics: &[StaticFile], root: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for a in assets {
        if let Some(s) = statics.iter().find(|s| s.out == a.out) {
            let display = crate::diagnostics::display_path(root, &a.path);
            out.push(
                Diagnostic::warning(
                    &display,
                    format!(
                        "this file replaces the theme's static file `/{}` ({})",
                        a.out,
                        crate::diagnostics::display_path(root, &s.source()).display()
                    ),
                )
                .help("rename or move it if that is not meant; to change the theme's file, edit the theme"),
            );
        }
    }
    out
}

/// A warning when the site has a `static/` folder: knead copies files from `content/`
/// and the theme's `static/`, never from there.
pub(super) fn site_static_folder(root: &Path) -> Option<Diagnostic> {
    root.join("static").is_dir().then(|| {
        Diagnostic::warning("static", "knead does not read a site `static/` folder: its files are not published")
            .help("move them into content/ (every file there that is not Markdown is copied as it is, e.g. content/images/back.jpg -> /images/back.jpg), or into the theme's static/")
    })
}
