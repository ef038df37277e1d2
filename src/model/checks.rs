//! The model's checks that span files: duplicate slugs, techniques no file defines,
//! the menu's links, and every link's anchor checked against the page it points at
//! (redone in watch mode only for the documents an edit could affect).

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::markdown::links::{LinkIndex, Resolved};
use crate::source::config::Config;
use crate::source::parse::Doc;
use crate::text::slug;

use super::{DocRender, MenuLink};

pub(super) fn missing_technique(d: &Doc, t: &str, known: &[&str]) -> Diagnostic {
    let help = if known.is_empty() {
        format!("create content/techniques/{t}.md (try `knead new technique \"...\"`)")
    } else {
        format!("{} (or create content/techniques/{t}.md)", did_you_mean(t, known))
    };
    let msg = format!("no technique `{t}`: there is no content/techniques/{t}.md");
    match d.located() {
        Some(l) => l.error(&d.rel, l.item("techniques", t), msg).help(help),
        None => Diagnostic::error(&d.rel, msg).help(help),
    }
}

/// What the anchor checks found in one document, and the documents (by position) whose
/// anchors they read.
#[derive(Debug, Default)]
struct DocChecks {
    targets: Vec<usize>,
    problems: Vec<Diagnostic>,
}

/// The anchor checks of the last build, per rendered document. A document whose render
/// and whose targets' renders are the very same as last time gets the same problems, so
/// watch mode checks only the documents an edit could affect.
#[derive(Debug, Default)]
pub(super) struct LinkChecks {
    renders: Vec<Arc<DocRender>>,
    per_doc: Vec<Arc<DocChecks>>,
}

/// Checks every local link's `#anchor` against the ids of the page it points to (its
/// content's, or one the theme's templates use: `reserved`), and gathers each document's
/// own Markdown problems. `rendered_at` maps a site path to its position in `docs` and
/// `renders`; `previous` is the last build's checks when the documents' positions did
/// not change (and so did not the theme's ids: the renders would have changed).
pub(super) fn check_links(
    docs: &[&Arc<Doc>],
    renders: &[Arc<DocRender>],
    (rendered_at, reserved): (&FxHashMap<Arc<str>, usize>, &slug::ReservedIds),
    previous: Option<&LinkChecks>,
    problems: &mut Vec<Diagnostic>,
) -> LinkChecks {
    use rayon::prelude::*;
    let previous = previous.filter(|p| p.renders.len() == renders.len());
    let per_doc: Vec<Arc<DocChecks>> = (docs.par_iter().zip(renders).enumerate())
        .map(|(i, (d, r))| match previous {
            Some(prev)
                if Arc::ptr_eq(&prev.renders[i], r)
                    && (prev.per_doc[i].targets.iter()).all(|&t| Arc::ptr_eq(&prev.renders[t], &renders[t])) =>
            {
                Arc::clone(&prev.per_doc[i])
            }
            _ => Arc::new(check_doc(d, r, (docs, renders), rendered_at, reserved)),
        })
        .collect();
    for c in &per_doc {
        problems.extend(c.problems.iter().cloned());
    }
    LinkChecks {
        renders: renders.to_vec(),
        per_doc,
    }
}

/// The anchor checks of one document (and its own Markdown problems).
fn check_doc(
    d: &Doc,
    r: &DocRender,
    (docs, renders): (&[&Arc<Doc>], &[Arc<DocRender>]),
    rendered_at: &FxHashMap<Arc<str>, usize>,
    reserved: &slug::ReservedIds,
) -> DocChecks {
    let mut checks = DocChecks {
        targets: Vec::new(),
        problems: r.problems.clone(),
    };
    for check in &r.body.links {
        let Some(anchor) = check.target.anchor.as_deref().filter(|a| !a.is_empty()) else {
            continue;
        };
        let Some(&t) = rendered_at.get(check.target.path.as_str()) else {
            continue; // a generated page (lists, FAQ hub): no author-made anchors
        };
        checks.targets.push(t);
        // A stand-in's anchors are unknown (its front matter, FAQs included, failed).
        if docs.get(t).is_some_and(|target| target.stand_in) {
            continue;
        }
        let Some(help) = missing_anchor(anchor, &renders[t], reserved) else {
            continue;
        };
        let diag = Diagnostic::error(
            &d.rel,
            format!("the anchor `#{anchor}` does not exist on {}", check.target.path),
        );
        // The link keeps the line to show (the file's text may be gone by now).
        let (line, column, len) = (check.pos.line, check.pos.column, check.pos.len);
        let diag = match &check.shown {
            Some(shown) => diag.at_shown(line, column, len, Some(shown.clone())),
            None => diag.at(&d.text, line, column, len),
        };
        checks.problems.push(diag.help(help));
    }
    checks
}

/// When `anchor` is none of the ids of the page rendered as `target` (its headings,
/// FAQs and the ids of its raw HTML) nor one the page around them has, the help of the
/// error.
fn missing_anchor(anchor: &str, target: &DocRender, reserved: &slug::ReservedIds) -> Option<String> {
    if target.anchors.contains(anchor) || reserved.contains(anchor) {
        return None;
    }
    // Sorted already; the theme's ids are never among them.
    let known: Vec<&str> = target.anchors.iter().collect();
    Some(match crate::diagnostics::suggest(anchor, &known) {
        Some(k) => format!("did you mean `#{k}`?"),
        None if known.is_empty() => "that page has no headings or ids to link to".to_owned(),
        None => format!(
            "the page's anchors are: {}",
            known.iter().map(|k| format!("#{k}")).collect::<Vec<_>>().join(", ")
        ),
    })
}

/// A menu link with an `#anchor`, kept to check once every page is rendered.
#[derive(Debug)]
pub(super) struct MenuAnchor {
    name: String,
    target: crate::markdown::links::Target,
    /// The problem to report if the anchor is missing, placed at the entry already.
    at_entry: Diagnostic,
}

/// Checks the anchors of menu links against the pages they point to.
pub(super) fn check_menu_anchors(
    menu: &[MenuAnchor],
    renders: &[Arc<DocRender>],
    (rendered_at, reserved): (&FxHashMap<Arc<str>, usize>, &slug::ReservedIds),
    problems: &mut Vec<Diagnostic>,
) {
    for m in menu {
        let (Some(anchor), Some(&t)) = (m.target.anchor.as_deref(), rendered_at.get(m.target.path.as_str())) else {
            continue;
        };
        if let Some(help) = missing_anchor(anchor, &renders[t], reserved) {
            let mut d = m.at_entry.clone().help(help);
            d.message = format!(
                "menu entry `{}`: the anchor `#{anchor}` does not exist on {}",
                m.name, m.target.path
            );
            problems.push(d);
        }
    }
}

/// The menu's links resolved, and those with an anchor to check later.
pub(super) fn resolve_menu(
    config: &Config,
    index: &LinkIndex,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<MenuLink>, Vec<MenuAnchor>) {
    let mut menu = Vec::new();
    let mut anchors = Vec::new();
    for item in &config.menu {
        match index.resolve(&item.url, "", "/", false) {
            Ok(Resolved::External) => menu.push(MenuLink {
                name: item.name.clone(),
                url: item.url.clone(),
            }),
            Ok(Resolved::Local { href, target }) => {
                if let Some(target) = target.filter(|t| t.anchor.as_ref().is_some_and(|a| !a.is_empty())) {
                    let (line, column) = config.menu_line(&item.url);
                    anchors.push(MenuAnchor {
                        name: item.name.clone(),
                        target,
                        at_entry: Diagnostic::error(crate::source::config::FILE, String::new()).at(
                            &config.source,
                            line,
                            column,
                            item.url.chars().count(),
                        ),
                    });
                }
                menu.push(MenuLink {
                    name: item.name.clone(),
                    url: href,
                });
            }
            Err(e) => {
                let (line, column) = config.menu_line(&item.url);
                problems.push(
                    Diagnostic::error(
                        crate::source::config::FILE,
                        format!("menu entry `{}`: {}", item.name, e.message),
                    )
                    .at(&config.source, line, column, item.url.chars().count())
                    .help(e.help),
                );
            }
        }
    }
    (menu, anchors)
}

pub(super) fn line_of(source: &str, key: &str) -> crate::source::yaml::Pos {
    let line = source.lines().position(|l| l.starts_with(key)).map_or(1, |i| i + 1);
    crate::source::yaml::Pos {
        line,
        column: 1,
        len: key.len(),
    }
}

pub(super) fn duplicates<'a>(docs: impl Iterator<Item = &'a Doc> + Clone, what: &str, problems: &mut Vec<Diagnostic>) {
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    let clashing: FxHashSet<&str> = docs
        .clone()
        .filter(|d| !seen.insert(&d.slug))
        .map(|d| d.slug.as_str())
        .collect();
    if clashing.is_empty() {
        return;
    }
    let mut by_slug: FxHashMap<&str, Vec<&Doc>> = FxHashMap::default();
    for d in docs.filter(|d| clashing.contains(d.slug.as_str())) {
        by_slug.entry(&d.slug).or_default().push(d);
    }
    let mut groups: Vec<Vec<&Doc>> = by_slug.into_values().collect();
    groups.sort_by(|a, b| a[0].slug.cmp(&b[0].slug));
    for group in &mut groups {
        group.sort_by(|a, b| a.rel.cmp(&b.rel));
        let first = group[0];
        for d in &group[1..] {
            let msg = format!(
                "the {what} slug `{}` is already used by {}",
                d.slug,
                first.rel.display()
            );
            let help = "give one of them another slug (`slug: ...` in the front matter, or rename the file)";
            let mut diag = Diagnostic::error(&d.rel, msg).help(help);
            if let Some(l) = d.located().filter(|l| l.split().yaml.contains("slug:")) {
                let p = l.key("slug");
                diag = diag.at(&d.text, p.line, p.column, p.len);
            }
            problems.push(diag);
        }
    }
}
