//! Template errors as located diagnostics for people: the template's own file (a theme's
//! `themes/mine/templates/x.html`, not Tera's name for it), did-you-mean for a misspelt
//! field, variable, tag, filter, function or test, with the lists of those that exist.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::diagnostics::{Diagnostic, suggest};

/// Each template by name: the file it comes from, as shown in messages, and its text.
pub(super) type Sources<'a> = HashMap<&'a str, (&'a PathBuf, &'a str)>;

/// The filters templates have: Tera's own and knead's (`date`).
pub const FILTERS: &[&str] = &[
    "abs",
    "capitalize",
    "date",
    "default",
    "escape",
    "escape_html",
    "escape_xml",
    "first",
    "float",
    "get",
    "group_by",
    "indent",
    "int",
    "join",
    "keys",
    "last",
    "length",
    "lower",
    "newlines_to_br",
    "nth",
    "pairs",
    "pluralize",
    "replace",
    "reverse",
    "round",
    "safe",
    "sort",
    "split",
    "str",
    "title",
    "trim",
    "trim_end",
    "trim_start",
    "truncate",
    "unique",
    "upper",
    "values",
    "wordcount",
];

/// The functions templates have.
pub const FUNCTIONS: &[&str] = &["range", "throw"];

/// The tests templates have (`{% if x is odd %}`).
pub const TESTS: &[&str] = &[
    "array",
    "bool",
    "containing",
    "defined",
    "divisible_by",
    "ending_with",
    "even",
    "float",
    "integer",
    "iterable",
    "map",
    "none",
    "number",
    "odd",
    "starting_with",
    "string",
    "undefined",
];

/// Tera 2's tags.
const TAGS: &[&str] = &[
    "block",
    "break",
    "component",
    "continue",
    "elif",
    "else",
    "endblock",
    "endcomponent",
    "endfilter",
    "endfor",
    "endif",
    "endraw",
    "endset",
    "extends",
    "filter",
    "for",
    "if",
    "include",
    "raw",
    "set",
    "set_global",
];

/// The blocks of the built-in `base.html`, which the built-in page templates fill.
const BASE_BLOCKS: &str = "title, head, og_type, body_class, header_search, content, footer_disclaimer";

/// Where a template author reads what exists.
const GUIDE: &str =
    "the theme guide (docs/themes.md) lists each page's fields and the filters and functions that exist";

/// The located diagnostic of a template error met while rendering (or one of the
/// errors of compiling: see [`compile_errors`]).
pub(super) fn template_error(e: &tera::Error, sources: &Sources<'_>) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let empty = PathBuf::new();
            let (path, text) = sources.get(r.filename()).copied().unwrap_or((&empty, ""));
            let span = r.span();
            let len = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col)
            } else {
                1
            };
            let syntax = matches!(e.kind(), tera::ErrorKind::SyntaxError(_));
            let kind = if syntax { "template syntax error" } else { "template error" };
            let mut d = Diagnostic::error(path.clone(), format!("{kind}: {}", r.message()));
            if span.start_line > 0 {
                d = d.at(text, span.start_line, span.start_col + 1, len);
            }
            let word = text.get(span.range.clone()).unwrap_or_default();
            d.help(help_for(r.message(), word))
        }
        tera::ErrorKind::MissingParent { current, parent } => {
            Diagnostic::error(file_of(current, sources), format!("this template extends `{parent}`, which does not exist"))
                .help("check the name in `{% extends \"...\" %}`: a template's own name (`base.html`), or `<theme>/templates/<name>` for a theme's (`default/templates/...` for the built-in one)")
        }
        tera::ErrorKind::CircularExtend { tpl, inheritance_chain } => Diagnostic::error(
            file_of(tpl, sources),
            format!("this template extends itself ({} -> {tpl})", inheritance_chain.join(" -> ")),
        )
        .help(format!(
            "to extend the theme's template of the same name, write `{{% extends \"<theme>/templates/{tpl}\" %}}` (`default/templates/{tpl}` for the built-in theme)"
        )),
        _ => {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(s) = src {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                src = s.source();
            }
            Diagnostic::error("templates", format!("template error: {msg}"))
        }
    }
}

/// Every diagnostic of an error from compiling the templates: Tera reports all of the
/// unknown filters, functions, tests and blocks of a set of templates in one message,
/// which this splits into one located diagnostic each. `full_names` are the
/// `<theme>/templates/<name>` names there are, for the help of a template that extends
/// itself.
pub(super) fn compile_errors(e: &tera::Error, sources: &Sources<'_>, full_names: &[String]) -> Vec<Diagnostic> {
    if let tera::ErrorKind::CircularExtend { tpl, inheritance_chain } = e.kind() {
        // The theme's own template of that name, else the built-in theme's.
        let suffix = format!("/templates/{tpl}");
        let mut theirs: Vec<&String> = full_names.iter().filter(|k| k.ends_with(&suffix)).collect();
        theirs.sort_by_key(|k| k.starts_with("default/"));
        if let Some(parent) = theirs.first() {
            let mut d = Diagnostic::error(
                file_of(tpl, sources),
                format!(
                    "this template extends itself ({} -> {tpl})",
                    inheritance_chain.join(" -> ")
                ),
            );
            // At its `extends`, when the template is the one that names itself.
            let text = sources.get(tpl.as_str()).map_or("", |(_, t)| *t);
            let quoted = format!("\"{tpl}\"");
            if let Some((n, line)) =
                (text.lines().enumerate()).find(|(_, l)| l.contains("extends") && l.contains(&quoted))
            {
                let column = line[..line.find(&quoted).unwrap_or(0)].chars().count() + 1;
                d = d.at(text, n + 1, column, quoted.chars().count());
            }
            return vec![d.help(format!(
                "to extend the theme's template of the same name, write `{{% extends \"{parent}\" %}}`"
            ))];
        }
    }
    let tera::ErrorKind::Msg(text) = e.kind() else {
        return vec![template_error(e, sources)];
    };
    let mut out = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(message) = line.strip_prefix("error: ") else {
            continue;
        };
        let place = lines.next().and_then(|l| l.strip_prefix("--> ")).and_then(parse_place);
        let Some((name, line, column)) = place else {
            out.push(Diagnostic::error("templates", format!("template error: {message}")));
            continue;
        };
        let (path, text) = match sources.get(name) {
            Some(&(p, t)) => (p.clone(), t),
            None => (PathBuf::from(name), ""),
        };
        // A block the layout lacks is named once, not once for each template filling it.
        if message.starts_with("Block `") && out.iter().any(|d: &Diagnostic| d.message.ends_with(message)) {
            continue;
        }
        let word = word_at(text, line, column);
        out.push(
            Diagnostic::error(path, format!("template error: {message}"))
                .at(text, line, column, word.chars().count().max(1))
                .help(help_for(message, word)),
        );
    }
    if out.is_empty() {
        out.push(template_error(e, sources));
    }
    out
}

/// `name:line:column` as Tera's reports write a place.
fn parse_place(place: &str) -> Option<(&str, usize, usize)> {
    let mut parts = place.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?, line, column))
}

/// The identifier that starts at `line` and `column` (both from 1) of `text`.
fn word_at(text: &str, line: usize, column: usize) -> &str {
    let Some(l) = text.lines().nth(line.saturating_sub(1)) else {
        return "";
    };
    let start = l
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(l.len(), |(i, _)| i);
    let rest = &l[start..];
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The help line of a template error with `message`, about `word` (the text the error
/// points at).
fn help_for(message: &str, word: &str) -> String {
    let listed = |what: &str, known: &[&str], name: &str| {
        let list = known.join(", ");
        match suggest(name, known) {
            Some(k) => format!("did you mean `{k}`? The {what} that exist: {list}"),
            None => format!("the {what} that exist: {list}"),
        }
    };
    if let Some(name) = quoted_after(message, "Unknown filter `") {
        return listed("filters", FILTERS, name);
    }
    if let Some(name) = quoted_after(message, "Unknown function `") {
        return listed("functions", FUNCTIONS, name);
    }
    if let Some(name) = quoted_after(message, "Unknown test `") {
        return listed("tests", TESTS, name);
    }
    if let Some(block) = quoted_after(message, "Block `").filter(|_| message.contains("not defined in any parent")) {
        return format!(
            "add `{{% block {block} %}}{{% endblock {block} %}}` to the template it extends (a theme's own base.html keeps every block of the built-in one: {BASE_BLOCKS})"
        );
    }
    if message == "Unknown tag" && TAGS.contains(&word) {
        // A real tag Tera did not expect here: usually a tag opened before it is not closed.
        return if word.starts_with("end") {
            format!(
                "`{word}` closes a tag, but a tag opened before it is still open: close each `{{% for %}}` with `{{% endfor %}}` and each `{{% if %}}` with `{{% endif %}}` before it"
            )
        } else {
            format!("`{word}` cannot be used here: check that the tags before it are opened and closed in order")
        };
    }
    if message == "Unknown tag" {
        return match suggest(word, TAGS) {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("the tags that exist: {}", TAGS.join(", ")),
        };
    }
    for (what, intro) in [("fields", "Available fields: "), ("variables", "Available variables: ")] {
        if let (Some(name), Some(at)) = (quoted_after(message, "`"), message.find(intro)) {
            let known: Vec<&str> = message[at + intro.len()..].split(", ").map(str::trim).collect();
            return match suggest(name, &known) {
                Some(k) => format!("did you mean `{k}`? ({GUIDE})"),
                None => format!("the {what} here are listed above; {GUIDE}"),
            };
        }
    }
    format!("fix the template; {GUIDE}")
}

/// The text between `before` and the next backquote of `message`.
fn quoted_after<'m>(message: &'m str, before: &str) -> Option<&'m str> {
    let rest = &message[message.find(before)? + before.len()..];
    rest.find('`').map(|end| &rest[..end])
}

/// The file a template is shown as, by its name.
fn file_of(name: &str, sources: &Sources<'_>) -> PathBuf {
    sources
        .get(name)
        .map_or_else(|| PathBuf::from(name), |(p, _)| (*p).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_and_words_are_read_from_reports() {
        assert_eq!(
            parse_place("mine/templates/a.html:3:14"),
            Some(("mine/templates/a.html", 3, 14))
        );
        assert_eq!(word_at("a\n{{ x | upcase }}", 2, 8), "upcase");
    }

    #[test]
    fn helps_name_what_was_meant() {
        assert!(help_for("Unknown filter `uper`", "uper").starts_with("did you mean `upper`?"));
        assert!(help_for("Unknown tag", "endfo").starts_with("did you mean `endfor`?"));
        assert!(help_for("Unknown tag", "endblock").contains("still open"));
        let field = "Field `titel` is not defined. Available fields: date, title, url";
        assert!(
            help_for(field, "titel").starts_with("did you mean `title`?"),
            "{}",
            help_for(field, "titel")
        );
        let var = "Variable `artcle` is not defined. Available variables: article, meta, site";
        assert!(help_for(var, "artcle").starts_with("did you mean `article`?"));
    }

    /// The help names every block of the built-in base.html.
    #[test]
    fn base_blocks_are_the_built_in_layouts() {
        let (_, base) = (crate::source::theme::embedded_files().iter())
            .find(|(p, _)| *p == "templates/base.html")
            .unwrap();
        let base = std::str::from_utf8(base).unwrap();
        let mut blocks: Vec<&str> = (base.split("{% block ").skip(1))
            .chain(base.split("{%- block ").skip(1))
            .filter_map(|b| b.split_whitespace().next())
            .collect();
        blocks.sort_unstable();
        let mut listed: Vec<&str> = BASE_BLOCKS.split(", ").collect();
        listed.sort_unstable();
        assert_eq!(blocks, listed);
    }
}
