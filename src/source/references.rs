//! The checks of one file's `references` that need only that file: every source has a
//! title, and the ids that citations (`[@id]`) name are valid slugs, each used once.
//! Articles, techniques and benefit profiles share them.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::source::meta::Reference;
use crate::source::yaml::Located;
use crate::text::slug;

/// Pushes a located error for each reference with an empty title, an id that is not a
/// slug, or an id an earlier reference of the file has already.
pub fn check(rel: &Path, references: &[Reference], located: &Located<'_>, problems: &mut Vec<Diagnostic>) {
    let mut seen: Vec<&str> = Vec::new();
    for r in references {
        if r.title.trim().is_empty() {
            problems.push(
                located
                    .error(rel, located.key("references"), "a reference has an empty title")
                    .help("name the publication"),
            );
        }
        let Some(id) = r.id.as_deref() else { continue };
        if !slug::is_valid(id) {
            let suggestion = slug::slugify(id);
            let help = if suggestion.is_empty() {
                "an id may only use a-z, 0-9 and `-`, e.g. `id: furlan-2015`".to_owned()
            } else {
                format!("an id may only use a-z, 0-9 and `-`: try `id: {suggestion}`")
            };
            problems.push(
                located
                    .error(
                        rel,
                        located.item("references", id),
                        format!("`{id}` is not a valid reference id"),
                    )
                    .help(help),
            );
        } else if seen.contains(&id) {
            let n = seen.iter().filter(|s| **s == id).count();
            let pos = id_position(located, id, n);
            problems.push(
                located
                    .error(rel, pos, format!("two references have the id `{id}`"))
                    .help("give each reference its own id, so that `[@id]` names one source"),
            );
        }
        seen.push(id);
    }
}

/// Where the `n`th (from 0) reference with the id `id` writes it, or the `references` key.
pub fn id_position(located: &Located<'_>, id: &str, n: usize) -> crate::source::yaml::Pos {
    id_positions(located, id)
        .nth(n)
        .unwrap_or_else(|| located.item("references", id))
}

/// Where each reference of the file writes `id: <id>`, in order.
fn id_positions<'a>(located: &Located<'a>, id: &str) -> impl Iterator<Item = crate::source::yaml::Pos> + use<'a> {
    let wanted = id.to_owned();
    let lines: Vec<_> = located.items("references", "id:").collect();
    let text = located.text();
    lines.into_iter().filter_map(move |p| {
        let line = text.lines().nth(p.line - 1)?;
        let after = line.find("id:")? + 3;
        let value = line[after..].trim().trim_matches(['"', '\'']);
        (value == wanted).then(|| {
            let column = line[after..]
                .find(value)
                .map_or(p.column, |c| line[..after + c].chars().count() + 1);
            crate::source::yaml::Pos {
                line: p.line,
                column,
                len: value.chars().count().max(1),
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::meta::ArticleMeta;

    fn problems(yaml: &str) -> Vec<Diagnostic> {
        let src = format!("---\ntitle: T\ndescription: D\ndate: 2025-01-01\nreferences:\n{yaml}---\n");
        let (m, located) =
            crate::source::yaml::parse::<ArticleMeta>(Path::new("a.md"), &src, ArticleMeta::KEYS).unwrap();
        let mut out = Vec::new();
        check(Path::new("a.md"), &m.references, &located, &mut out);
        out
    }

    #[test]
    fn duplicate_ids_point_at_the_second() {
        let p = problems("  - id: a\n    title: One\n  - id: b\n    title: Two\n  - id: \"a\"\n    title: Three\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].message.contains("two references have the id `a`"));
        assert_eq!((p[0].line, p[0].column), (10, 10));
    }

    #[test]
    fn ids_must_be_slugs() {
        let p = problems("  - id: Furlan 2015\n    title: One\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            p[0].help.as_deref(),
            Some("an id may only use a-z, 0-9 and `-`: try `id: furlan-2015`")
        );
        assert_eq!((p[0].line, p[0].column), (6, 9));
        assert!(problems("  - id: ok-1\n    title: One\n  - title: Two\n").is_empty());
    }
}
