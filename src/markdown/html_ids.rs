//! Ids that authors write in raw HTML inside a body (`<aside id="red-flags">`,
//! `<a name="step-2">`): link targets like heading ids. They are claimed for the page
//! before any heading gets its id, so a heading never takes an id the author wrote.

use pulldown_cmark::Event;

use crate::diagnostics::Diagnostic;
use crate::source::yaml::Pos;
use crate::text::slug::{IdSet, Taken};

/// An id found in HTML text: its value and the byte range of the value in that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlId {
    /// The id as written.
    pub id: String,
    /// Where the value starts in the HTML text.
    pub at: usize,
}

/// Every `id` attribute, and the `name` of every `<a>`, in the HTML `html` (comments,
/// closing tags and declarations skipped).
pub fn ids_in(html: &str) -> Vec<HtmlId> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|k| i + k) {
        i = lt + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(b.len(), |k| i + k + 3);
            continue;
        }
        let name_len = b[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
            .count();
        if name_len == 0 || !b[i].is_ascii_alphabetic() {
            continue; // `</x>`, `<!x>`, `<?x>` or a lone `<`
        }
        let is_a = html[i..i + name_len].eq_ignore_ascii_case("a");
        i += name_len;
        // Attributes, until the tag ends.
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' || b[i] == b'<' {
                break;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/' | b'<') {
                i += 1;
            }
            let attr = &html[start..i];
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= b.len() || b[i] != b'=' {
                continue; // an attribute without a value
            }
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let (at, end, next) = match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = b[i + 1..].iter().position(|&c| c == q).map_or(b.len(), |k| i + 1 + k);
                    (i + 1, end, (end + 1).min(b.len()))
                }
                _ => {
                    let end = b[i..]
                        .iter()
                        .position(|c| c.is_ascii_whitespace() || *c == b'>')
                        .map_or(b.len(), |k| i + k);
                    (i, end, end)
                }
            };
            i = next;
            let wanted = attr.eq_ignore_ascii_case("id") || (is_a && attr.eq_ignore_ascii_case("name"));
            let value = &html[at..end];
            if wanted && !value.is_empty() {
                out.push(HtmlId {
                    id: value.to_owned(),
                    at,
                });
            }
        }
    }
    out
}

/// Claims for the page (in `ids`) every id written in the raw HTML of a body's `events`.
/// `pos` places a byte range of the Markdown text for messages; an id the page around
/// the content uses, or one written twice, is an error (two elements with one id break
/// links to it). `#top` is left alone: it always means the top of the page.
pub(super) fn claim(
    events: &[(Event<'_>, std::ops::Range<usize>)],
    ids: &mut IdSet,
    pos: &dyn Fn(usize, usize) -> Pos,
    error: &dyn Fn(Pos, String, String) -> Diagnostic,
    problems: &mut Vec<Diagnostic>,
) {
    // Block HTML comes one line per event: a tag may span several, so each run of
    // events is read as one text, with where each part starts in the Markdown.
    let mut text = String::new();
    let mut parts: Vec<(usize, usize)> = Vec::new();
    let mut flush = |text: &mut String, parts: &mut Vec<(usize, usize)>| {
        for found in ids_in(text) {
            let k = parts.partition_point(|&(start, _)| start <= found.at).max(1) - 1;
            let (start, source) = parts[k];
            let p = pos(source + (found.at - start), found.id.len());
            let id = found.id;
            if id == "top" {
                continue;
            }
            let why = match ids.claim(&id) {
                Ok(()) => continue,
                Err(Taken::Reserved) => (
                    format!("the id `{id}` is taken by the page around the content"),
                    "choose another id: the theme's templates give this one to an element of their own".to_owned(),
                ),
                Err(Taken::Shared) => (
                    format!(
                        "the id `{id}` is already used by the site's disclaimer (site.yaml), which articles and techniques show"
                    ),
                    "choose another id".to_owned(),
                ),
                Err(Taken::Used) => (
                    format!("the id `{id}` is used twice on this page"),
                    "give each element its own id: a link to the id would find only the first".to_owned(),
                ),
            };
            problems.push(error(p, why.0, why.1));
        }
        text.clear();
        parts.clear();
    };
    for (event, range) in events {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => {
                parts.push((text.len(), range.start));
                text.push_str(h);
            }
            _ if !text.is_empty() => flush(&mut text, &mut parts),
            _ => {}
        }
    }
    flush(&mut text, &mut parts);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(html: &str) -> Vec<String> {
        ids_in(html).into_iter().map(|f| f.id).collect()
    }

    #[test]
    fn finds_ids_and_anchor_names() {
        assert_eq!(ids(r#"<aside id="red-flags" class="x">"#), ["red-flags"]);
        assert_eq!(ids("<div\n  class='a'\n  ID='Two'>"), ["Two"]);
        assert_eq!(ids("<span id=bare>x</span>"), ["bare"]);
        assert_eq!(ids(r#"<a name="step-2"></a><A NAME=s3>"#), ["step-2", "s3"]);
        assert_eq!(ids(r#"<img src="a.png" name="no" alt="a > b" id="pic">"#), ["pic"]);
        assert_eq!(ids(r#"<input disabled id="d"/><br/>"#), ["d"]);
    }

    #[test]
    fn skips_what_is_not_an_attribute() {
        assert!(ids(r#"<!-- <div id="gone"> -->"#).is_empty());
        assert!(ids(r#"</div id="x">"#).is_empty());
        assert!(ids(r#"<div data-id="x" title="id=y">"#).is_empty());
        assert!(ids("<div id=\"\">").is_empty());
        assert!(ids("a < b and id=\"c\"").is_empty());
        assert_eq!(ids(r#"<div id="unclosed"#), ["unclosed"]);
    }

    #[test]
    fn positions_point_at_the_value() {
        let html = r#"<p class="a" id="here">"#;
        let found = ids_in(html);
        assert_eq!(&html[found[0].at..found[0].at + 4], "here");
    }
}
