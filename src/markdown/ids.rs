//! The ids of one text's headings and footnotes, all handed out by the page's
//! [`IdSet`] (which knows the theme's reserved ids): first the ids the author wrote
//! (`## Title {#id}`), taken as written or refused with a located error, never renamed;
//! then, in [`super::render`], the ids made from heading text; then the footnotes'
//! (`fn-<label>`), numbered in order of first use as pulldown-cmark numbers them, and
//! written out here with those ids.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::diagnostics::Diagnostic;
use crate::source::yaml::Pos;
use crate::text::slug::{IdSet, Taken, heading_id};

/// The events of a text with their byte ranges.
pub(super) type Events<'a> = [(Event<'a>, std::ops::Range<usize>)];

/// A problem at a byte range (start, length) of the text: its message and its fix.
pub(super) type ProblemAt<'p> = dyn Fn(usize, usize, String, String) -> Diagnostic + 'p;

/// Takes the ids written on headings (`{#id}`) before any id is made from text, so a
/// made id never takes one the author chose. Returns the positions (in `events`) of the
/// headings whose id was taken as written; each other one is an error in `problems`
/// (`locate` gives the file position of a byte range of the text).
pub(super) fn claim_written(
    events: &Events<'_>,
    text: &str,
    ids: &mut IdSet,
    (locate, problem): (&dyn Fn(usize, usize) -> Pos, &ProblemAt<'_>),
    problems: &mut Vec<Diagnostic>,
) -> FxHashSet<usize> {
    let mut claimed = FxHashSet::default();
    // The ids this text's headings took, with where each is written.
    let mut here: FxHashMap<&str, usize> = FxHashMap::default();
    for (i, (event, range)) in events.iter().enumerate() {
        let Event::Start(Tag::Heading { id: Some(id), .. }) = event else {
            continue;
        };
        // Where `#id` is written in the heading's `{...}`.
        let source = text.get(range.clone()).unwrap_or_default();
        let at = source.rfind(&format!("#{id}")).map_or(range.start, |k| range.start + k);
        let why = match ids.claim(id) {
            Ok(()) => {
                claimed.insert(i);
                here.insert(id, at);
                continue;
            }
            Err(Taken::Reserved) if id.as_ref() == "top" => {
                "the id `top` is reserved: a link to `#top` leads to the top of the page".to_owned()
            }
            Err(Taken::Reserved) => {
                format!("the id `{id}` is reserved by the theme: its templates give it to an element of their own")
            }
            Err(Taken::Shared) => {
                format!(
                    "the id `{id}` is already used by the site's disclaimer (site.yaml), which articles and techniques show"
                )
            }
            Err(Taken::Used) => match here.get(id.as_ref()) {
                Some(&first) => format!(
                    "the id `{id}` is already the id of the heading on line {}",
                    locate(first, 1).line
                ),
                None => format!("the id `{id}` is already used on this page"),
            },
        };
        problems.push(problem(
            at,
            id.len() + 1,
            why,
            format!("give this heading an id of its own, or remove `{{#{id}}}` to have one made from its text"),
        ));
    }
    claimed
}

/// The footnotes of one text: for each label (any case), its id and its number.
#[derive(Debug, Default)]
pub(super) struct Footnotes {
    by_label: FxHashMap<String, (String, usize)>,
    /// A second definition of a label (an error) has an id of its own, by where it starts.
    again: FxHashMap<usize, String>,
}

impl Footnotes {
    /// Numbers the footnotes in order of first use (reference or definition) and gives
    /// each an id `fn-<label>` from `ids`, after every heading took its own. A label
    /// defined twice is an error in `problems`.
    pub(super) fn assign(
        events: &Events<'_>,
        ids: &mut IdSet,
        (locate, problem): (&dyn Fn(usize, usize) -> Pos, &ProblemAt<'_>),
        problems: &mut Vec<Diagnostic>,
    ) -> Self {
        let mut notes = Footnotes::default();
        let mut defined: FxHashMap<String, usize> = FxHashMap::default();
        for (event, range) in events {
            let (Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label))) = event else {
                continue;
            };
            let key = label.to_lowercase();
            if matches!(event, Event::Start(_)) {
                if let Some(&first) = defined.get(&key) {
                    let id = ids.unique(&format!("fn-{}", heading_id(label)));
                    notes.again.insert(range.start, id);
                    problems.push(problem(
                        range.start,
                        label.len() + 3,
                        format!(
                            "the footnote `[^{label}]` is defined twice (first on line {})",
                            locate(first, 1).line
                        ),
                        "keep one definition, or give this one a label of its own".to_owned(),
                    ));
                    continue;
                }
                defined.insert(key.clone(), range.start);
            }
            let n = notes.by_label.len() + 1;
            notes
                .by_label
                .entry(key)
                .or_insert_with(|| (ids.unique(&format!("fn-{}", heading_id(label))), n));
        }
        notes
    }

    /// True when the text has no footnotes.
    pub(super) fn is_empty(&self) -> bool {
        self.by_label.is_empty()
    }

    /// The labels defined or used, in lower case.
    pub(super) fn labels(&self) -> impl Iterator<Item = &str> {
        self.by_label.keys().map(String::as_str)
    }

    fn get(&self, label: &str) -> (&str, usize) {
        self.by_label
            .get(&label.to_lowercase())
            .map_or(("", 0), |(id, n)| (id.as_str(), *n))
    }

    /// The HTML of a footnote event starting at byte `at`, as pulldown-cmark writes it
    /// but with the footnote's id; `None` for any other event.
    pub(super) fn html(&self, event: &Event<'_>, at: usize) -> Option<Event<'static>> {
        let html = match event {
            Event::FootnoteReference(label) => {
                let (id, n) = self.get(label);
                format!(r##"<sup class="footnote-reference"><a href="#{id}">{n}</a></sup>"##)
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let (id, n) = self.get(label);
                let id = self.again.get(&at).map_or(id, String::as_str);
                format!(
                    r#"<div class="footnote-definition" id="{id}"><sup class="footnote-definition-label">{n}</sup>"#
                )
            }
            Event::End(TagEnd::FootnoteDefinition) => "</div>\n".to_owned(),
            _ => return None,
        };
        Some(match event {
            Event::FootnoteReference(_) => Event::InlineHtml(CowStr::from(html)),
            _ => Event::Html(CowStr::from(html)),
        })
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use crate::markdown::links::LinkIndex;
    use crate::markdown::{Placement, TextOrigin, render};
    use crate::text::slug::{IdSet, ReservedIds};

    /// Each problem's line, column and message.
    fn located(problems: &[crate::diagnostics::Diagnostic]) -> Vec<(usize, usize, &str)> {
        (problems.iter())
            .map(|d| (d.line, d.column, d.message.as_str()))
            .collect()
    }

    /// Renders `text` as an article body, with the theme's ids `main` and `source-{n}`.
    pub(in crate::markdown) fn run(text: &str) -> (String, Vec<crate::diagnostics::Diagnostic>) {
        let origin = TextOrigin {
            file: Path::new("content/articles/a.md"),
            file_text: text,
            placement: Placement::Body(1),
            source_dir: "articles/",
            page_path: "/articles/a/",
            analyze: false,
            language: "en",
            citing: None,
            images: None,
        };
        let reserved = ReservedIds::new(["main", "source-{n}"]).unwrap();
        let mut problems = Vec::new();
        let out = render(
            text,
            &origin,
            &LinkIndex::new("/"),
            &mut IdSet::for_page(Arc::new(reserved)),
            &mut problems,
        );
        (out.html, problems)
    }

    #[test]
    fn footnotes_are_numbered_as_pulldown_numbers_them() {
        let text = "B[^b] A[^a] B again[^b].\n\n[^a]: A.\n[^c]: Unused.\n[^b]: B.\n";
        let (html, problems) = run(text);
        assert!(problems.is_empty(), "{problems:?}");
        let mut plain = String::new();
        pulldown_cmark::html::push_html(
            &mut plain,
            pulldown_cmark::Parser::new_ext(text, super::super::options()),
        );
        // The same HTML but for the ids.
        let ours = html.replace("fn-", "");
        assert_eq!(ours, plain);
        assert!(html.contains(r##"<a href="#fn-b">1</a>"##), "{html}");
        assert!(
            html.contains(
                r#"<div class="footnote-definition" id="fn-c"><sup class="footnote-definition-label">3</sup>"#
            )
        );
    }

    #[test]
    fn headings_take_their_ids_first_and_footnotes_go_round_them() {
        let (html, problems) = run("## Notes\n\nSee[^notes] and[^NOTES].\n\n[^notes]: n\n\n## Later {#fn-notes}\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(html.contains(r#"<h2 id="notes">Notes</h2>"#), "{html}");
        assert!(html.contains(r#"<h2 id="fn-notes">Later</h2>"#), "{html}");
        assert_eq!(html.matches(r##"href="#fn-notes-1""##).count(), 2, "{html}");
    }

    #[test]
    fn a_footnote_defined_twice_is_an_error_and_both_keep_ids_of_their_own() {
        let (html, problems) = run("A[^a].\n\n[^a]: One.\n\n[^A]: Two.\n");
        let found = located(&problems);
        assert_eq!(
            found,
            [(5, 1, "the footnote `[^A]` is defined twice (first on line 3)")]
        );
        assert!(
            html.contains(r#"id="fn-a">"#) && html.contains(r#"id="fn-a-1">"#),
            "{html}"
        );
    }

    #[test]
    fn a_written_id_is_refused_not_renamed() {
        let (_, problems) = run("## A {#main}\n\n## B {.x #source-2 }\n\n## C {#c}\n\n## D {#c}\n");
        let found = located(&problems);
        assert_eq!(
            found,
            [
                (
                    1,
                    7,
                    "the id `main` is reserved by the theme: its templates give it to an element of their own"
                ),
                (
                    3,
                    10,
                    "the id `source-2` is reserved by the theme: its templates give it to an element of their own"
                ),
                (7, 7, "the id `c` is already the id of the heading on line 5"),
            ]
        );
    }
}
