//! Messages for people about YAML, for [`super::yaml`]: a tab where YAML wants spaces,
//! a key at the wrong indentation (which YAML reads as a key of something else, or
//! cannot read at all), and `yes` where a boolean is wanted, said as such rather than
//! in the parser's words.

use std::path::Path;

use crate::diagnostics::Diagnostic;

/// The message for a tab where YAML wants spaces, at the line's first tab, when the
/// parser stopped on `text` (file line `line`) because of it.
pub(super) fn tab(file: &Path, src: &str, msg: &str, text: &str, line: usize) -> Option<Diagnostic> {
    let tab_stop = msg.contains("cannot start any token") || msg.contains("tab");
    let at = text.find('\t').filter(|_| tab_stop)?;
    Some(
        Diagnostic::error(file, "a tab in the YAML: YAML indents with spaces, never tabs")
            .at(src, line, text[..at].chars().count() + 1, 1)
            .help("use spaces, not tabs: replace the tab with spaces (2 per level, as the lines around it)"),
    )
}

/// The number of spaces before the first key of `text` (past a `- ` of a list item).
fn key_indent(text: &str) -> usize {
    let spaces = text.len() - text.trim_start_matches(' ').len();
    match text[spaces..].strip_prefix("- ") {
        Some(rest) => spaces + 2 + (rest.len() - rest.trim_start_matches(' ').len()),
        None => spaces,
    }
}

/// A required key (`field`) of the mapping at `path` (a list item, `faqs[0]`, whose
/// first key is at `at`) that is written, but at another indentation, so that YAML
/// took it for a key of something else: the indentation is what is wrong.
pub(super) fn misplaced_key(file: &Path, src: &str, field: &str, path: &str, at: (usize, usize)) -> Option<Diagnostic> {
    let (item_line, item_column) = at;
    let item = src.lines().nth(item_line.checked_sub(1)?)?;
    let want = key_indent(item);
    let (line, text) = (src.lines().enumerate())
        .skip(item_line)
        .take_while(|(_, t)| t.trim() != "---")
        .find(|(_, t)| {
            t.trim_start()
                .trim_start_matches("- ")
                .starts_with(&format!("{field}:"))
        })?;
    let has = key_indent(text);
    (has != want).then(|| {
        let first = item[item_column.saturating_sub(1).min(item.len())..]
            .split(':')
            .next()
            .unwrap_or_default();
        Diagnostic::error(
            file,
            format!("the indentation is wrong: `{field}` is not lined up with the other keys of `{path}`"),
        )
        .at(src, line + 1, has + 1, field.chars().count())
        .help(format!(
            "indent `{field}:` by {want} spaces, the same as `{first}:` on line {item_line}"
        ))
    })
}

/// The message for a line the parser could not fit in (`did not find expected key`),
/// when it is indented unlike the keys on the line before it.
pub(super) fn mis_indented(file: &Path, src: &str, line: usize) -> Option<Diagnostic> {
    let lines: Vec<&str> = src.lines().collect();
    let text = *lines.get(line.checked_sub(1)?)?;
    let (prev_no, prev) = (lines[..line - 1].iter().enumerate())
        .rev()
        .find(|(_, t)| !t.trim().is_empty() && !t.trim_start().starts_with('#'))?;
    let (has, want) = (key_indent(text), key_indent(prev));
    let key = text
        .trim_start()
        .trim_start_matches("- ")
        .split(':')
        .next()
        .unwrap_or_default();
    let above = prev
        .trim_start()
        .trim_start_matches("- ")
        .split(':')
        .next()
        .unwrap_or_default();
    (has != want && !key.is_empty()).then(|| {
        Diagnostic::error(
            file,
            format!("the indentation is wrong: `{key}` is not lined up with `{above}` above it"),
        )
        .at(src, line, has + 1, key.chars().count())
        .help(format!(
            "indent `{key}:` by {want} spaces, the same as `{above}:` on line {}",
            prev_no + 1
        ))
    })
}

/// The help for a value that should be a boolean: `rest` is the message, which quotes
/// the value found (`string "yes", expected a boolean`).
pub(super) fn boolean(rest: &str) -> &'static str {
    let lower = rest.to_ascii_lowercase();
    if ["yes", "no", "on", "off", "y", "n"]
        .iter()
        .any(|w| lower.contains(&format!("\"{w}\"")))
    {
        "use true or false (YAML reads yes, no, on and off as words)"
    } else {
        "use true or false"
    }
}
