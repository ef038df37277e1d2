//! Labels that lead nowhere: a footnote reference `[^note]` whose note is never
//! defined, and a reference link `[text][label]` (or `[label][]`) with no `[label]: URL`
//! line. Markdown prints both as they are written, brackets and all, so each is an
//! error at its file, line and column. (A shortcut `[word]` alone is ordinary text:
//! `[sic]`, `[1]`, `[!NOTE]`.)

use pulldown_cmark::{BrokenLink, CodeBlockKind, Event, LinkType, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, suggest};

use super::ids::{Events, Footnotes, ProblemAt};

/// A reference link without a definition, as the parser reported it.
#[derive(Debug)]
pub(super) struct Broken {
    /// The byte range of the whole link.
    span: std::ops::Range<usize>,
    /// Its label.
    label: String,
}

/// Keeps the broken reference links (full `[text][label]` and collapsed `[label][]`)
/// the parser reports; shortcuts are text.
pub(super) fn note(found: &mut Vec<Broken>, link: &BrokenLink<'_>) {
    if matches!(link.link_type, LinkType::Reference | LinkType::Collapsed) {
        found.push(Broken {
            span: link.span.clone(),
            label: link.reference.to_string(),
        });
    }
}

/// Reports every undefined footnote and reference link of a text, in the order they
/// are written (so that positions on one long line are found in one pass).
pub(super) fn report(
    events: &Events<'_>,
    text: &str,
    broken: &[Broken],
    footnotes: &Footnotes,
    problem: &ProblemAt<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    let mut found: Vec<(usize, usize, String, String)> = Vec::new();
    for b in broken {
        // A collapsed link's span ends before its `[]`.
        let end = if text.get(b.span.end..).is_some_and(|t| t.starts_with("[]")) {
            b.span.end + 2
        } else {
            b.span.end
        };
        let written = text.get(b.span.start..end).unwrap_or_default();
        found.push((
            b.span.start,
            end - b.span.start,
            format!("the reference link `{written}` has no definition of `[{}]`", b.label),
            format!(
                "add a line `[{}]: URL` below the paragraph, or write the link with its address: `[text](URL)`",
                b.label
            ),
        ));
    }
    let mut labels: Vec<&str> = footnotes.labels().collect();
    labels.sort_unstable();
    let mut in_code = false;
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_) | CodeBlockKind::Indented)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if !in_code && t.as_ref() == "[" => {
                if let Some((label, end, next)) = footnote_at(events, text, i) {
                    let start = events[i].1.start;
                    let did_you_mean = match suggest(&label.to_lowercase(), &labels) {
                        Some(known) => format!(", or did you mean `[^{known}]`?"),
                        None => String::new(),
                    };
                    found.push((
                        start,
                        end - start,
                        format!("the footnote `[^{label}]` is not defined"),
                        format!(
                            "add a line `[^{label}]: The note's text.` at the end of the text, or write `\\[^{label}]` to show the brackets{did_you_mean}"
                        ),
                    ));
                    i = next;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    found.sort_by_key(|f| f.0);
    problems.extend(
        found
            .into_iter()
            .map(|(at, len, message, help)| problem(at, len, message, help)),
    );
}

/// An undefined footnote reference starting at the `[` of event `i`: the parser leaves
/// it as the text events `[`, `^label` (maybe in pieces) and `]`, each the bracket
/// written in the source (not escaped). Returns the label, the end of the `]` and the
/// event after it.
fn footnote_at(events: &Events<'_>, text: &str, i: usize) -> Option<(String, usize, usize)> {
    let is_bracket = |(event, range): &(Event<'_>, std::ops::Range<usize>), b: &str| {
        matches!(event, Event::Text(t) if t.as_ref() == b) && text.get(range.clone()) == Some(b)
    };
    if !is_bracket(events.get(i)?, "[") {
        return None;
    }
    let mut label = String::new();
    for (k, e) in events.iter().enumerate().skip(i + 1) {
        match &e.0 {
            _ if is_bracket(e, "]") => {
                let label = label.strip_prefix('^')?;
                let ok = !label.is_empty() && !label.contains(char::is_whitespace);
                return ok.then(|| (label.to_owned(), e.1.end, k + 1));
            }
            Event::Text(t) if label.len() < 100 => label.push_str(t),
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::ids::tests::run;

    fn messages(text: &str) -> Vec<(usize, usize, String)> {
        let (_, problems) = run(text);
        problems.into_iter().map(|d| (d.line, d.column, d.message)).collect()
    }

    #[test]
    fn undefined_footnotes_and_reference_links_are_found() {
        let text = "A[^nope] B[^ok] [t][gone] [c][] [d][ok2].\n\n[^ok]: fine\n\n[ok2]: https://example.org/\n";
        assert_eq!(
            messages(text),
            [
                (1, 2, "the footnote `[^nope]` is not defined".to_owned()),
                (
                    1,
                    17,
                    "the reference link `[t][gone]` has no definition of `[gone]`".to_owned()
                ),
                (
                    1,
                    27,
                    "the reference link `[c][]` has no definition of `[c]`".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn what_is_meant_as_text_is_left_alone() {
        let text = "\\[^x] `[^y]` [sic] [1] [^ z] [^]\n\n    [^indented] [a][b]\n\n```\n[^fenced]\n```\n\n- [ ] task\n- [x] done\n";
        assert_eq!(messages(text), []);
    }
}
