//! Markdown to HTML with pulldown-cmark: tables, footnotes, strikethrough, task lists,
//! heading and footnote ids (unique per page, any script, never the theme's: [`ids`])
//! feeding the table of contents, links and image sources resolved through the
//! [`LinkIndex`], images without alt text, undefined footnotes and undefined reference
//! links ([`undefined`]) refused, ids written in raw HTML kept as link targets
//! ([`html_ids`]), GitHub-style alerts made callouts ([`callouts`]) and [`citations`]
//! of the page's sources.

pub mod callouts;
pub mod citations;
pub mod html_ids;
mod ids;
pub mod links;
mod undefined;

use std::path::Path;

use pulldown_cmark::{BrokenLink, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::markdown::links::{LinkIndex, Resolved, Target};
use crate::source::yaml::Pos;
use crate::text::readability::TextStats;
use crate::text::slug::{IdSet, heading_id};

/// One entry of a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// 2 or 3.
    pub level: u8,
    /// The heading's id.
    pub id: String,
    /// The heading's text.
    pub title: String,
}

/// A local link found in the Markdown, kept to check its anchor once all pages exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkCheck {
    /// The page and anchor.
    pub target: Target,
    /// Where it is written.
    pub pos: Pos,
    /// The line shown in a message about the link, kept for links that name an anchor
    /// (the only ones checked later, when the file's text may be gone).
    pub shown: Option<crate::diagnostics::ShownLine>,
}

/// A heading of the text, for outline checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// Its text.
    pub title: String,
    /// Where it is written (when reading statistics are gathered: only `knead check`
    /// reads it; zero otherwise).
    pub pos: Pos,
    /// True when nothing but a heading of the same or a higher rank (or the end) follows.
    pub empty: bool,
}

/// The number of words of `text`, as `text.split_whitespace().count()` gives it, eight
/// ASCII bytes at a time (that count was 5 % of a build's CPU).
pub fn word_count(text: &str) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = LO * 0x80;
    let bytes = text.as_bytes();
    let mut n = 0;
    let mut in_word = false;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes[i..].first_chunk::<8>() {
            let w = u64::from_le_bytes(*chunk);
            if w & HI == 0 {
                // Per byte, the high bit set for a space (0x20), then for tab to carriage
                // return (0x09-0x0D, with the vertical tab): the ASCII characters
                // `char::is_whitespace` accepts. No sum carries into the next byte.
                let x = w ^ (LO * 0x20);
                let blank = !(((x & !HI) + !HI) | x | !HI);
                let control = (w + LO * (0x80 - 0x09)) & !(w + LO * (0x80 - 0x0E)) & HI;
                let space = blank | control;
                let word = !space & HI;
                let space_before = (space << 8) | if in_word { 0 } else { 0x80 };
                // The starts are high bits of bytes: moved to the low bits, one
                // multiplication adds the eight bytes up in the top one (popcnt is
                // not in the baseline x86-64 the release is built for).
                n += ((((word & space_before) >> 7).wrapping_mul(LO)) >> 56) as usize;
                in_word = word >> 63 == 1;
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        i += 1;
        let space = if b < 0x80 {
            matches!(b, b' ' | b'\t'..=b'\r')
        } else if b < 0xC0 {
            // A continuation byte belongs to the character its lead byte started.
            continue;
        } else {
            text[i - 1..].chars().next().is_some_and(char::is_whitespace)
        };
        n += usize::from(!space && !in_word);
        in_word = !space;
    }
    n
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The output of rendering one Markdown text.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// h2 and h3 headings, in order.
    pub toc: Vec<TocEntry>,
    /// Words of text, for reading time.
    pub words: usize,
    /// Local links with anchors, to check once every page is rendered.
    pub links: Vec<LinkCheck>,
    /// Every heading, in order (emptied once the search terms are taken, unless reading
    /// statistics are gathered: only `knead check` reads them later).
    pub headings: Vec<Heading>,
    /// Reading statistics of the prose (not code or tables), when asked for.
    pub stats: Option<TextStats>,
    /// Term counts and an excerpt for the site search, gathered in the same pass.
    pub search: crate::text::TextIndex,
    /// The processed images it shows: site path and key (see [`crate::images`]), so a
    /// render that shows an image that changed is made again.
    pub images: Vec<(String, u64)>,
}

/// Where a Markdown text comes from, for resolving links and placing errors.
pub struct TextOrigin<'a> {
    /// The file, for messages.
    pub file: &'a Path,
    /// The whole file's text, for showing lines.
    pub file_text: &'a str,
    /// Where the Markdown text starts: the file line of its first line, or a fixed
    /// position for text inside front matter (FAQ answers).
    pub placement: Placement<'a>,
    /// The content folder of the file (`articles/`), for `.md` links and images.
    pub source_dir: &'a str,
    /// The site path of the page it is shown on.
    pub page_path: &'a str,
    /// Gather reading statistics (for `knead check`).
    pub analyze: bool,
    /// The page's language (BCP 47), for the titles of callouts.
    pub language: &'a str,
    /// The sources the text may cite (`None`: a text without a source list).
    pub citing: Option<citations::Citing<'a>>,
    /// The site's processed images (`None`: images are shown as written).
    pub images: Option<&'a crate::images::Catalog>,
}

/// How offsets in the Markdown text map to file positions.
#[derive(Clone, Copy)]
pub enum Placement<'a> {
    /// The text is the file's body starting at this 1-based line.
    Body(usize),
    /// The text comes from front matter; every problem is reported here.
    Fixed(Pos),
    /// Like `Fixed`, but the position is looked up only when something needs it (most
    /// FAQ answers have no link or problem, and finding an answer's line costs a scan).
    Lazy(&'a LazyPos<'a>),
}

impl Placement<'_> {
    /// True for text that comes from front matter or site.yaml (not a body).
    pub fn in_front_matter(&self) -> bool {
        !matches!(self, Placement::Body(_))
    }
}

/// A position found on first use.
pub struct LazyPos<'a> {
    cell: std::cell::OnceCell<Pos>,
    find: &'a dyn Fn() -> Pos,
}

impl<'a> LazyPos<'a> {
    /// A position that `find` computes when first asked for.
    pub fn new(find: &'a dyn Fn() -> Pos) -> Self {
        LazyPos {
            cell: std::cell::OnceCell::new(),
            find,
        }
    }

    fn get(&self) -> Pos {
        *self.cell.get_or_init(|| (self.find)())
    }
}

/// The Markdown knead reads: CommonMark with tables, footnotes, strikethrough, task
/// lists, `{#id}` heading attributes and GitHub's alerts (the only thing
/// `ENABLE_GFM` turns on).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Line starts of `text`, for offset -> line/column, found on first use (a build with
/// no problem and no anchored link needs no position).
struct Lines<'a> {
    text: &'a str,
    starts: std::cell::OnceCell<Vec<usize>>,
    /// The last position asked for (offset, line index, column): offsets come in
    /// increasing order, so columns are counted on from there, not from the line start
    /// (one long line with many links stays linear).
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            text,
            starts: std::cell::OnceCell::new(),
            last: std::cell::Cell::new((0, 0, 1)),
        }
    }

    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        })
    }

    /// The text of the line holding byte `offset` (without its line break), and where
    /// `offset` is in it.
    fn line_at(&self, offset: usize) -> (&'a str, usize) {
        let starts = self.starts();
        let line = starts.partition_point(|&s| s <= offset).max(1) - 1;
        let end = starts.get(line + 1).map_or(self.text.len(), |&next| next - 1);
        let text = self.text.get(starts[line]..end).unwrap_or_default();
        (text.strip_suffix('\r').unwrap_or(text), offset - starts[line])
    }

    fn pos(&self, placement: Placement<'_>, offset: usize, len: usize) -> Pos {
        match placement {
            Placement::Fixed(p) => p,
            Placement::Lazy(p) => p.get(),
            Placement::Body(first) => {
                let starts = self.starts();
                let line = starts.partition_point(|&s| s <= offset).max(1) - 1;
                let start = starts[line];
                let (last_offset, last_line, last_column) = self.last.get();
                let (from, base) = if last_line == line && (start..=offset).contains(&last_offset) {
                    (last_offset, last_column)
                } else {
                    (start, 1)
                };
                let column = self.text.get(from..offset).map_or(1, |s| base + s.chars().count());
                self.last.set((offset, line, column));
                let line_end = starts
                    .get(line + 1)
                    .map_or(self.text.len(), |&next| next - 1)
                    .max(offset.min(self.text.len()));
                let len = len.min(line_end.saturating_sub(offset)).max(1);
                Pos {
                    line: first + line,
                    column,
                    len,
                }
            }
        }
    }
}

/// Renders `text`, handing out heading ids from `ids` (shared by everything on one
/// page), and pushing problems into `problems`.
pub fn render(
    text: &str,
    origin: &TextOrigin<'_>,
    index: &LinkIndex,
    ids: &mut IdSet,
    problems: &mut Vec<Diagnostic>,
) -> Rendered {
    let lines = Lines::new(text);
    let mut broken = Vec::new();
    // Citations first: `[@id]` is a shortcut reference without a definition.
    let note_broken = |link: BrokenLink<'_>| {
        citations::link_for(&link).or_else(|| {
            undefined::note(&mut broken, &link);
            None
        })
    };
    // Sized for a text's usual number of events at once: grown from empty, the list was
    // copied over and over as it doubled.
    let mut events: Vec<(Event<'_>, std::ops::Range<usize>)> = Vec::with_capacity(text.len() / 12 + 8);
    events.extend(Parser::new_with_broken_link_callback(text, options(), Some(note_broken)).into_offset_iter());
    let mut out = Rendered {
        stats: origin
            .analyze
            .then(|| TextStats::for_language(crate::text::Lang::of(origin.language))),
        ..Rendered::default()
    };
    let error = |pos: Pos, message: String, help: String| {
        Diagnostic::error(origin.file, message)
            .at(origin.file_text, pos.line, pos.column, pos.len)
            .help(help)
    };
    let locate = |offset: usize, len: usize| lines.pos(origin.placement, offset, len);
    // A problem at a byte range, showing its line without reading the file again (a
    // long line may hold thousands of problems).
    let problem = |offset: usize, len: usize, message: String, help: String| {
        let pos = locate(offset, len);
        let shown = if origin.placement.in_front_matter() {
            let line = pos.line.checked_sub(1).and_then(|i| origin.file_text.lines().nth(i));
            line.map(|t| crate::diagnostics::ShownLine::of(t, pos.column))
        } else {
            let (line, at) = lines.line_at(offset);
            Some(crate::diagnostics::ShownLine::around(line, at, pos.column))
        };
        Diagnostic::error(origin.file, message)
            .at_shown(pos.line, pos.column, pos.len, shown)
            .help(help)
    };
    // Citations leave the events before words are counted; their HTML comes last.
    // (First: the passes below keep positions in `events`.)
    let (cited, citation_problems) = citations::extract(&mut events, text, origin.citing);
    for p in citation_problems {
        let pos = lines.pos(origin.placement, p.range.start, p.range.len());
        problems.push(error(pos, p.message, p.help));
    }

    let written = ids::claim_written(&events, text, ids, (&locate, &problem), problems);

    // Ids written in a body's raw HTML come first: headings then never take them.
    if matches!(origin.placement, Placement::Body(_)) {
        let pos = |offset: usize, len: usize| lines.pos(origin.placement, offset, len);
        html_ids::claim(&events, ids, &pos, &error, problems);
    }

    // Pass 1: heading ids, the table of contents, the heading outline; word counts
    // (and reading statistics when asked for).
    let mut in_code_or_table = 0usize;
    let mut in_heading = false;
    // Only a document's body gives its search excerpt (not FAQ answers, not site.yaml).
    let body = matches!(origin.placement, Placement::Body(_));
    let mut search = crate::text::TextIndexer::new(body).in_language(crate::text::Lang::of(origin.language));
    for i in 0..events.len() {
        match &events[i].0 {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let level = heading_level(*level);
                let explicit = id.as_ref().map(|s| s.to_string());
                let mut title = String::new();
                let mut j = i + 1;
                while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                    if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                        title.push_str(t);
                    }
                    j += 1;
                }
                let title = title.trim().to_owned();
                in_heading = true;
                let new_id = match explicit {
                    Some(id) if written.contains(&i) => id,
                    // Refused (an error already): a unique id all the same.
                    Some(id) => ids.unique(&id),
                    None => ids.unique(&heading_id(&title)),
                };
                if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                    *id = Some(CowStr::from(new_id.clone()));
                }
                // A section is empty when the next thing is a heading of the same or a
                // higher rank, or the end of the text.
                let empty = match events.get(j + 1).map(|e| &e.0) {
                    None => true,
                    Some(Event::Start(Tag::Heading { level: next, .. })) => heading_level(*next) <= level,
                    Some(_) => false,
                };
                // Only `knead check` reads where headings are.
                let range = events[i].1.clone();
                let pos = if origin.analyze {
                    lines.pos(origin.placement, range.start, range.len())
                } else {
                    Pos {
                        line: 0,
                        column: 0,
                        len: 0,
                    }
                };
                out.headings.push(Heading {
                    level,
                    title: title.clone(),
                    pos,
                    empty,
                });
                if level == 2 || level == 3 {
                    out.toc.push(TocEntry {
                        level,
                        id: new_id,
                        title,
                    });
                }
            }
            Event::Start(Tag::BlockQuote(None)) => {
                let start = events[i].1.start;
                if let Some(m) = text.get(start..).and_then(callouts::not_a_callout) {
                    let p = lines.pos(origin.placement, start + m.at, m.len);
                    problems.push(
                        Diagnostic::warning(origin.file, m.message)
                            .at(origin.file_text, p.line, p.column, p.len)
                            .help(m.help),
                    );
                }
            }
            // Each list item is a sentence of its own, even with a list inside it.
            Event::Start(Tag::Item) => {
                if let Some(stats) = out.stats.as_mut() {
                    stats.end_block();
                }
            }
            Event::Start(Tag::CodeBlock(_) | Tag::Table(_)) => in_code_or_table += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Table) => in_code_or_table = in_code_or_table.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_code_or_table == 0 => {
                out.words += word_count(t);
                if let Some(stats) = out.stats.as_mut() {
                    stats.add(t);
                }
                if !in_heading {
                    search.add(t, true);
                }
            }
            // Headings are indexed from `headings`; code and tables only for their terms.
            Event::Text(t) | Event::Code(t) if !in_heading => search.add(t, false),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::BlockQuote(_)) => {
                if let Some(stats) = out.stats.as_mut() {
                    stats.end_block();
                }
                in_heading = false;
                search.end_block();
            }
            Event::SoftBreak | Event::HardBreak => search.add(" ", true),
            _ => {}
        }
    }

    out.search = search.finish();
    let footnotes = ids::Footnotes::assign(&events, ids, (&locate, &problem), problems);

    // Pass 2: links and images.
    for k in 0..events.len() {
        let (is_image, dest) = match &events[k].0 {
            Event::Start(Tag::Link { dest_url, .. }) => (false, dest_url.to_string()),
            Event::Start(Tag::Image { dest_url, .. }) => (true, dest_url.to_string()),
            _ => continue,
        };
        let range = events[k].1.clone();
        // Found only for a problem or an anchor to check later.
        let pos = || lines.pos(origin.placement, range.start, range.len());
        if is_image {
            let mut alt = String::new();
            for (e, _) in &events[k + 1..] {
                match e {
                    Event::End(TagEnd::Image) => break,
                    Event::Text(t) | Event::Code(t) => alt.push_str(t),
                    _ => {}
                }
            }
            if alt.trim().is_empty() {
                problems.push(error(
                    pos(),
                    "this image has no alt text".into(),
                    "describe the image between the brackets: `![A therapist working on the lower back](photo.jpg)`"
                        .into(),
                ));
            }
        }
        match index.resolve(&dest, origin.source_dir, origin.page_path, is_image) {
            Ok(Resolved::External) => {}
            Ok(Resolved::Local { href, target }) => {
                let is_file = target.is_none();
                // Only an anchor is left to check once every page is rendered (the page
                // itself exists: the link index said so).
                if let Some(target) = target.filter(|t| t.anchor.as_ref().is_some_and(|a| !a.is_empty())) {
                    // The line a message about the anchor shows, kept now: the file's
                    // text may be gone when anchors are checked.
                    let pos = pos();
                    let shown = if origin.placement.in_front_matter() {
                        let line = pos.line.checked_sub(1).and_then(|i| origin.file_text.lines().nth(i));
                        line.map(|t| crate::diagnostics::ShownLine::of(t, pos.column))
                    } else {
                        let (line, at) = lines.line_at(range.start);
                        Some(crate::diagnostics::ShownLine::around(line, at, pos.column))
                    };
                    out.links.push(LinkCheck { target, pos, shown });
                }
                let shown = (is_image && is_file)
                    .then(|| origin.images.zip(index.site_path_of(&href)))
                    .flatten()
                    .and_then(|(catalog, path)| catalog.get(&path).map(|e| (path, e)));
                if let Some((path, entry)) = shown {
                    out.images.push((path, entry.key));
                    match &entry.outcome {
                        Ok(processed) => picture(&mut events, k, processed, index),
                        Err(f) => problems.push(error(pos(), f.message.clone(), f.help.clone())),
                    }
                    continue;
                }
                match &mut events[k].0 {
                    Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
                        *dest_url = CowStr::from(href);
                    }
                    _ => {}
                }
            }
            Err(e) => problems.push(error(pos(), e.message, e.help)),
        }
    }

    // After the links: problem positions are found in the order they are written.
    undefined::report(&events, text, &broken, &footnotes, &problem, problems);

    citations::fill(&mut events, &cited, ids, origin.citing);
    out.html.reserve(text.len() + text.len() / 4);
    // Markdown written in front matter or site.yaml (FAQ answers, the disclaimer) is one
    // line of prose: raw HTML there is shown as text, never run (`<script>` in an answer).
    let from_front_matter = origin.placement.in_front_matter();
    let events = Finished {
        events: events.into_iter(),
        pending: None,
        tables: 0,
        from_front_matter,
        labels: callouts::labels(origin.language),
        footnotes: &footnotes,
    };
    pulldown_cmark::html::push_html(&mut out.html, events);
    out
}

/// Replaces the image starting at event `k` (up to its end) with the markup of its
/// processed versions.
fn picture(
    events: &mut [(Event<'_>, std::ops::Range<usize>)],
    k: usize,
    processed: &crate::images::Processed,
    index: &LinkIndex,
) {
    let title = match &events[k].0 {
        Event::Start(Tag::Image { title, .. }) => title.to_string(),
        _ => String::new(),
    };
    let mut alt = String::new();
    let mut end = k;
    for (j, (e, _)) in events.iter().enumerate().skip(k + 1) {
        match e {
            Event::End(TagEnd::Image) => {
                end = j;
                break;
            }
            Event::Text(t) | Event::Code(t) => alt.push_str(t),
            _ => {}
        }
    }
    let Some(p) = crate::images::html::Picture::of(processed, &|path| index.href(path)) else {
        return;
    };
    let html = p.html(&alt, Some(&title), false);
    events[k] = (Event::InlineHtml(CowStr::from(html)), citations::GENERATED);
    for e in &mut events[k + 1..=end.max(k)] {
        *e = (Event::InlineHtml(CowStr::Borrowed("")), citations::GENERATED);
    }
}

/// The events as written out: tables wrapped in a scrolling region, footnotes with
/// their ids, and raw HTML shown as text in Markdown from front matter. (An iterator of
/// its own: a `flat_map` over the events cost 3 % of a build.)
struct Finished<'a, 'f, I: Iterator<Item = (Event<'a>, std::ops::Range<usize>)>> {
    events: I,
    /// An event to give before reading the next one.
    pending: Option<Event<'a>>,
    tables: usize,
    from_front_matter: bool,
    /// The titles of callouts.
    labels: &'static callouts::Labels,
    footnotes: &'f ids::Footnotes,
}

impl<'a, I: Iterator<Item = (Event<'a>, std::ops::Range<usize>)>> Iterator for Finished<'a, '_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(e) = self.pending.take() {
            return Some(e);
        }
        let (e, range) = self.events.next()?;
        let e = match e {
            Event::Html(h) | Event::InlineHtml(h) if self.from_front_matter && range != citations::GENERATED => {
                Event::Text(h)
            }
            // After the line above: knead's own HTML, never the author's.
            e if !self.footnotes.is_empty() => self.footnotes.html(&e, range.start).unwrap_or(e),
            e => e,
        };
        match e {
            // Tables scroll sideways on narrow screens inside a focusable, labelled
            // region, so keyboard users can scroll them too.
            Event::Start(Tag::Table(_)) => {
                self.tables += 1;
                let open = format!(
                    r#"<div class="table-scroll" role="region" tabindex="0" aria-label="Table {}">"#,
                    self.tables
                );
                self.pending = Some(e);
                Some(Event::Html(CowStr::from(open)))
            }
            Event::End(TagEnd::Table) => {
                self.pending = Some(Event::Html(CowStr::from("</div>\n")));
                Some(e)
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                Some(Event::Html(CowStr::from(callouts::open(kind, self.labels))))
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => Some(Event::Html(CowStr::Borrowed(callouts::CLOSE))),
            e => Some(e),
        }
    }
}

#[cfg(test)]
mod tests;
