//! Citations: `[@id]` and `[@a; @b]` in a body or an FAQ answer cite the page's sources
//! (its `references` with an `id`). Each becomes
//! `<sup class="citation"><a href="#ref-<id>">[n]</a></sup>`, n being the source's
//! number in the page's list, and the places that cite a source are kept so that the
//! list can link back to them.
//!
//! pulldown-cmark hands `[@id]` (a shortcut reference without a definition) to the
//! broken-link callback: [`is_citation`] tells whether a reference is one, and
//! [`link_for`] is the callback's answer for it. The links it makes are then taken out
//! of the events ([`extract`]) before anything counts words, and written back as HTML
//! once the page's heading ids are handed out ([`fill`]). Code never holds a citation:
//! pulldown-cmark does not look for links there.

use std::cell::RefCell;
use std::ops::Range;

use pulldown_cmark::{BrokenLink, CowStr, Event, LinkType, Tag, TagEnd};

use crate::source::meta::Reference;
use crate::text::slug::IdSet;

/// The start of the destination [`link_for`] gives a citation, so that no link an
/// author writes is taken for one.
const MARKER: &str = "knead-citation:";

/// The range of the events this module writes: not a place in the text. Raw HTML from
/// front matter is shown as text, except these (see `Finished` in the parent module).
pub const GENERATED: Range<usize> = usize::MAX..usize::MAX;

/// True when the text of a reference link without a definition is a citation: it
/// starts with `@` (`[@furlan-2015]`, `[@a; @b]`).
pub fn is_citation(reference: &str) -> bool {
    reference.starts_with('@')
}

/// The broken-link callback's answer for a citation (a shortcut link `[@...]`), `None`
/// for anything else. The link it makes is replaced before the HTML is written.
pub fn link_for<'a>(link: &BrokenLink<'_>) -> Option<(CowStr<'a>, CowStr<'a>)> {
    (link.link_type == LinkType::Shortcut && is_citation(&link.reference))
        .then(|| (CowStr::from(format!("{MARKER}{}", link.reference)), CowStr::from("")))
}

/// The sources a page's Markdown may cite, and the places that cite each one.
#[derive(Debug, Default)]
pub struct Sources {
    /// Each reference's id, in the page's order.
    ids: Vec<Option<String>>,
    /// For each reference, the ids of the places citing it, in the order of the page.
    cited: RefCell<Vec<Vec<String>>>,
}

impl Sources {
    /// The sources of a page whose list is `references`.
    pub fn new(references: &[Reference]) -> Self {
        Sources {
            ids: references.iter().map(|r| r.id.clone()).collect(),
            cited: RefCell::new(vec![Vec::new(); references.len()]),
        }
    }

    /// The ids the page's list gives its entries (`ref-<id>`), which no heading may take.
    pub fn anchors(&self) -> impl Iterator<Item = String> + '_ {
        self.ids.iter().flatten().map(|id| format!("ref-{id}"))
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.ids.iter().position(|i| i.as_deref() == Some(id))
    }

    /// For each reference, the ids of the places that cite it (empty when it is never
    /// cited).
    pub fn into_cited(self) -> Vec<Vec<String>> {
        self.cited.into_inner()
    }
}

/// What a text may cite: the page's sources, and whether it is an FAQ answer (whose
/// citations lead back to the FAQ, of that id, rather than to ids of their own: the
/// answers are shown on the FAQ page too).
#[derive(Debug, Clone, Copy)]
pub struct Citing<'a> {
    /// The page's sources.
    pub sources: &'a Sources,
    /// The FAQ's id, for an answer.
    pub faq: Option<&'a str>,
}

/// A citation taken out of the events: where its placeholder is, and the positions of
/// the sources it cites.
#[derive(Debug)]
pub(super) struct Found {
    at: usize,
    cites: Vec<usize>,
}

/// A problem with a citation: the bytes of the text it is about, a message and a fix.
#[derive(Debug)]
pub(super) struct Problem {
    pub(super) range: Range<usize>,
    pub(super) message: String,
    pub(super) help: String,
}

/// Replaces every citation link of `events` with a placeholder (its HTML is written
/// by [`fill`]) and checks the ids it names against `citing`'s sources.
pub(super) fn extract(
    events: &mut Vec<(Event<'_>, Range<usize>)>,
    text: &str,
    citing: Option<Citing<'_>>,
) -> (Vec<Found>, Vec<Problem>) {
    let is_ours = |e: &Event<'_>| {
        matches!(e, Event::Start(Tag::Link { link_type: LinkType::ShortcutUnknown, dest_url, .. })
            if dest_url.starts_with(MARKER))
    };
    let mut found = Vec::new();
    let mut problems = Vec::new();
    // Every citation is written `[@`: most texts have none, and a byte search says so.
    if !text.contains("[@") || !events.iter().any(|(e, _)| is_ours(e)) {
        return (found, problems);
    }
    let mut out = Vec::with_capacity(events.len());
    let mut drained = std::mem::take(events).into_iter();
    while let Some((e, range)) = drained.next() {
        let reference = match &e {
            Event::Start(Tag::Link { dest_url, .. }) if is_ours(&e) => dest_url[MARKER.len()..].to_owned(),
            _ => {
                out.push((e, range));
                continue;
            }
        };
        // The link's text: up to its end.
        for (inner, _) in drained.by_ref() {
            if matches!(inner, Event::End(TagEnd::Link)) {
                break;
            }
        }
        let cites = check(&reference, text, range.clone(), citing, &mut problems);
        // A superscript sits right after the word it follows: `spine [@a].` reads `spine[1].`
        if let Some((Event::Text(before), _)) = out.last_mut()
            && before.ends_with([' ', '\t'])
        {
            *before = CowStr::from(before.trim_end_matches([' ', '\t']).to_owned());
        }
        found.push(Found { at: out.len(), cites });
        out.push((Event::InlineHtml(CowStr::from("")), GENERATED));
    }
    *events = out;
    (found, problems)
}

/// The positions of the sources `reference` (`@a; @b`) cites; a problem for each part
/// that names none. `range` is where the citation is written in `text`.
fn check(
    reference: &str,
    text: &str,
    range: Range<usize>,
    citing: Option<Citing<'_>>,
    problems: &mut Vec<Problem>,
) -> Vec<usize> {
    let written = text.get(range.clone()).unwrap_or_default();
    // Where `part` is written, for a message about it (the whole citation otherwise).
    let at = |part: &str| match written.find(part).filter(|_| !part.is_empty()) {
        Some(i) => range.start + i..range.start + i + part.len(),
        None => range.clone(),
    };
    let Some(citing) = citing else {
        problems.push(Problem {
            range,
            message: format!("`[{}]` cites a source, but this text has no source list", reference.trim()),
            help: "only articles, techniques and benefit profiles have `references` to cite; write the source out in words here"
                .into(),
        });
        return Vec::new();
    };
    let sources = citing.sources;
    let mut cites = Vec::new();
    for part in reference.split(';').map(str::trim) {
        let Some(id) = part.strip_prefix('@').map(str::trim) else {
            problems.push(Problem {
                range: at(part),
                message: format!("`{part}` in a citation does not start with `@`"),
                help: "cite each source as `@id`, separated by `;`: `[@first-id; @second-id]`".into(),
            });
            continue;
        };
        match sources.position(id) {
            Some(p) => cites.push(p),
            None => {
                let known: Vec<&str> = sources.ids.iter().flatten().map(String::as_str).collect();
                let nearest = Some(id)
                    .filter(|id| !id.is_empty())
                    .and_then(|id| crate::diagnostics::suggest(id, &known));
                let help = match nearest {
                    Some(k) => format!("did you mean `@{k}`?"),
                    None if known.is_empty() => {
                        format!(
                            "give the source an id in `references` (`id: {}`), then cite it as `[@id]`",
                            slug_hint(id)
                        )
                    }
                    None => format!(
                        "the page's reference ids are: {}",
                        known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    ),
                };
                let message = if id.is_empty() {
                    "this citation names no source".to_owned()
                } else {
                    format!("no reference has the id `{id}`")
                };
                problems.push(Problem {
                    range: at(part),
                    message,
                    help,
                });
            }
        }
    }
    cites
}

fn slug_hint(id: &str) -> String {
    let s = crate::text::slug::slugify(id);
    if s.is_empty() { "furlan-2015".into() } else { s }
}

/// Writes the HTML of each citation into its placeholder: one
/// `<sup class="citation">` per source cited. In a body, each gets an id of its own
/// (from `ids`, after the headings') for the source list's link back; in an FAQ answer
/// the link back leads to the FAQ.
pub(super) fn fill(
    events: &mut [(Event<'_>, Range<usize>)],
    found: &[Found],
    ids: &mut IdSet,
    citing: Option<Citing<'_>>,
) {
    let Some(citing) = citing else { return };
    let mut cited = citing.sources.cited.borrow_mut();
    for f in found {
        let mut html = String::new();
        for &p in &f.cites {
            let id = citing.sources.ids[p].as_deref().unwrap_or_default();
            let sup = format!(r##"<sup class="citation"><a href="#ref-{id}">[{}]</a></sup>"##, p + 1);
            match citing.faq {
                Some(faq) => {
                    html.push_str(&sup);
                    if cited[p].last().is_none_or(|last| last != faq) {
                        cited[p].push(faq.to_owned());
                    }
                }
                None => {
                    let at = ids.unique(&format!("cite-{id}"));
                    html.push_str(&format!(r#"<span class="cite" id="{at}">{sup}</span>"#));
                    cited[p].push(at);
                }
            }
        }
        if let Some((e, _)) = events.get_mut(f.at) {
            *e = Event::InlineHtml(CowStr::from(html));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::links::LinkIndex;
    use crate::markdown::{Placement, TextOrigin};

    fn sources() -> Sources {
        let r = |id: Option<&str>| Reference {
            id: id.map(str::to_owned),
            title: "T".into(),
            url: None,
            publisher: None,
            year: None,
        };
        Sources::new(&[r(None), r(Some("a")), r(Some("b"))])
    }

    fn render(text: &str, sources: &Sources, faq: Option<&str>) -> (String, Vec<crate::diagnostics::Diagnostic>) {
        let origin = TextOrigin {
            file: std::path::Path::new("a.md"),
            file_text: text,
            placement: Placement::Body(1),
            source_dir: "articles/",
            page_path: "/articles/a/",
            analyze: false,
            language: "en",
            citing: Some(Citing { sources, faq }),
            images: None,
        };
        let mut problems = Vec::new();
        let mut ids = IdSet::for_page(std::sync::Arc::default());
        let html = crate::markdown::render(text, &origin, &LinkIndex::new("/"), &mut ids, &mut problems).html;
        (html, problems)
    }

    #[test]
    fn numbered_by_the_list_with_ids_for_the_way_back() {
        let s = sources();
        let (html, problems) = render(
            "## Cite b

One [@b], two [@a; @b] and `[@a]`.
",
            &s,
            None,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            html,
            concat!(
                "<h2 id=\"cite-b\">Cite b</h2>\n<p>One",
                r##"<span class="cite" id="cite-b-1"><sup class="citation"><a href="#ref-b">[3]</a></sup></span>, two"##,
                r##"<span class="cite" id="cite-a"><sup class="citation"><a href="#ref-a">[2]</a></sup></span>"##,
                r##"<span class="cite" id="cite-b-2"><sup class="citation"><a href="#ref-b">[3]</a></sup></span>"##,
                " and <code>[@a]</code>.</p>\n"
            )
        );
        assert_eq!(
            s.into_cited(),
            vec![
                vec![],
                vec!["cite-a".to_owned()],
                vec!["cite-b-1".to_owned(), "cite-b-2".to_owned()]
            ]
        );
    }

    #[test]
    fn an_answer_leads_back_to_its_faq_once() {
        let s = sources();
        let (html, _) = render("Yes [@a], really [@a].", &s, Some("faq-q"));
        assert_eq!(
            html,
            r##"<p>Yes<sup class="citation"><a href="#ref-a">[2]</a></sup>, really<sup class="citation"><a href="#ref-a">[2]</a></sup>.</p>
"##
        );
        assert_eq!(s.into_cited()[1], ["faq-q"]);
    }

    #[test]
    fn unknown_and_malformed_parts_are_located() {
        let s = sources();
        let (_, problems) = render("Text [@a; @c; d] and [@].\n", &s, None);
        let found: Vec<(usize, &str, Option<&str>)> = problems
            .iter()
            .map(|p| (p.column, p.message.as_str(), p.help.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (11, "no reference has the id `c`", Some("did you mean `@a`?")),
                (
                    15,
                    "`d` in a citation does not start with `@`",
                    Some("cite each source as `@id`, separated by `;`: `[@first-id; @second-id]`")
                ),
                (
                    23,
                    "this citation names no source",
                    Some("the page's reference ids are: `a`, `b`")
                ),
            ]
        );
    }

    #[test]
    fn what_is_a_citation() {
        assert!(is_citation("@furlan-2015"));
        assert!(is_citation("@a; @b"));
        assert!(!is_citation(" @a"));
        assert!(!is_citation("note"));
        assert!(!is_citation("a @b"));
    }
}
