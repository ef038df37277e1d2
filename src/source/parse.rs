//! Reading each Markdown source and parsing its front matter into typed metadata, with
//! the checks that need only that one file (slugs, empty fields, alt text). Runs in
//! parallel over all files; checks between files belong to the model.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::source::discover::{Kind, SourceFile};
use crate::source::meta::{ArticleMeta, BenefitMeta, PageMeta, Reference, TechniqueMeta};
use crate::source::references;
use crate::source::yaml::{self, Located};
use crate::text::slug;

/// Typed front matter of one file.
#[derive(Debug, Clone)]
pub enum Meta {
    /// An article.
    Article(Arc<ArticleMeta>),
    /// A technique profile.
    Technique(Arc<TechniqueMeta>),
    /// A plain page or the home page.
    Page(Arc<PageMeta>),
    /// A benefit profile.
    Benefit(Arc<BenefitMeta>),
}

impl Meta {
    /// The sources the document lists (none for pages).
    pub fn references(&self) -> &[Reference] {
        match self {
            Meta::Article(m) => &m.references,
            Meta::Technique(m) => &m.references,
            Meta::Benefit(m) => &m.references,
            Meta::Page(_) => &[],
        }
    }

    /// The site paths the document used to have (`aliases`).
    pub fn aliases(&self) -> &[String] {
        match self {
            Meta::Article(m) => &m.aliases,
            Meta::Technique(m) => &m.aliases,
            Meta::Benefit(m) => &m.aliases,
            Meta::Page(m) => &m.aliases,
        }
    }
}

/// One parsed Markdown source.
#[derive(Debug, Clone)]
pub struct Doc {
    /// What the document is and where it goes; shared with the site model, which keeps
    /// it after the text is dropped.
    pub info: Arc<DocInfo>,
    /// The whole file, or only its front matter when the body was left on disk.
    pub text: String,
    /// The file, when its body was left on disk to be read again when it is rendered
    /// (see [`parse_all_holding`]).
    pub body_on_disk: Option<PathBuf>,
    /// Byte offset of the body in `text`.
    pub body_start: usize,
    /// 1-based line of the body's first line.
    pub body_first_line: usize,
    /// The front matter.
    pub meta: Meta,
    /// URL slugs of the article's benefits, in the order written (empty for others).
    pub benefit_slugs: Vec<String>,
    /// URL slugs of the article's tags, in the order written (empty for others).
    pub tag_slugs: Vec<String>,
    /// Which reading of the file this is: watch mode counts up on every re-read, so a
    /// render made from an older version is never reused.
    pub version: u64,
}

/// What a document is and where it goes: everything but its text.
#[derive(Debug, Clone)]
pub struct DocInfo {
    /// Article, technique, page or home.
    pub kind: Kind,
    /// Path relative to the site root, for messages.
    pub rel: Arc<Path>,
    /// The same path as text: the document's identity across rebuilds.
    pub key: Arc<str>,
    /// The site path of the page it becomes (`/articles/<slug>/`, `/` for home).
    pub path: Arc<str>,
    /// Path relative to content/ with `/` separators (`articles/x.md`).
    pub content_path: String,
    /// The slug (empty for the home page).
    pub slug: String,
    /// True for a stand-in of a file whose front matter has errors (see `parse_one`):
    /// links to it are not checked against its made-up anchors.
    pub stand_in: bool,
}

impl std::ops::Deref for Doc {
    type Target = DocInfo;
    fn deref(&self) -> &DocInfo {
        &self.info
    }
}

impl Doc {
    /// The whole file: the text, or, when the body was left on disk, the file read
    /// again. The front matter read again must be the one parsed: a file changed since
    /// is an error that says to build again.
    pub fn full_text(&self) -> Result<Cow<'_, str>, Diagnostic> {
        let Some(path) = &self.body_on_disk else {
            return Ok(Cow::Borrowed(&self.text));
        };
        let text = read_text(path, &self.rel)?;
        if !text.starts_with(self.front_matter()) {
            return Err(
                Diagnostic::error(&self.rel, "this file changed while knead was building the site")
                    .help("build again once the file is saved"),
            );
        }
        Ok(Cow::Owned(text))
    }

    /// The front matter again, with positions, for reporting problems found later.
    pub fn located(&self) -> Option<Located<'_>> {
        yaml::locate(&self.text)
    }

    /// Forgets the file's text once its Markdown is rendered (the messages made later
    /// keep the lines they show): see `model::Settings::drop_texts`. The front matter
    /// is parsed already; [`Doc::front_matter`] is empty from then on.
    pub fn drop_text(&mut self) {
        self.text = String::new();
        self.body_start = 0;
        self.body_on_disk = None;
    }

    /// The front matter block: everything before the body, delimiters included.
    pub fn front_matter(&self) -> &str {
        self.text.get(..self.body_start).unwrap_or_default()
    }

    /// True for drafts.
    pub fn is_draft(&self) -> bool {
        match &self.meta {
            Meta::Article(m) => m.draft,
            Meta::Page(m) => m.draft,
            Meta::Technique(_) | Meta::Benefit(_) => false,
        }
    }
}

/// Reads a file as UTF-8, with a located error when it is not.
pub fn read_text(path: &Path, rel: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::error(rel, format!("cannot read this file: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = good.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        let lossy = String::from_utf8_lossy(e.as_bytes());
        Diagnostic::error(rel, "this file is not valid UTF-8 text")
            .at(&lossy, line, column, 1)
            .help("save the file with UTF-8 encoding (most editors offer it in \"Save as\")")
    })
}

/// Parses every source in parallel. Returns the docs that parsed, and every problem.
pub fn parse_all(sources: &[SourceFile]) -> (Vec<Doc>, Diagnostics) {
    parse_all_holding(sources, usize::MAX)
}

/// [`parse_all`], holding bodies in memory only until they add up to `budget` bytes:
/// the bodies of later files are left on disk, and read again when they are rendered
/// ([`Doc::full_text`]), so that a large site's text is never all in memory at once.
pub fn parse_all_holding(sources: &[SourceFile], budget: usize) -> (Vec<Doc>, Diagnostics) {
    let held = AtomicUsize::new(0);
    let results: Vec<(Option<Doc>, Vec<Diagnostic>)> = sources
        .par_iter()
        .map(|s| {
            let (doc, problems) = parse_one(s);
            let doc = doc.map(|mut d| {
                let body = d.text.len() - d.body_start;
                if held.fetch_add(body, Ordering::Relaxed).saturating_add(body) > budget {
                    d.text.truncate(d.body_start);
                    d.text.shrink_to_fit();
                    d.body_on_disk = Some(s.path.clone());
                }
                d
            });
            (doc, problems)
        })
        .collect();
    let mut docs = Vec::with_capacity(results.len());
    let mut problems = Diagnostics::new();
    for (doc, p) in results {
        docs.extend(doc);
        problems.extend(p);
    }
    (docs, problems)
}

/// Parses one source: the doc plus its problems (warnings too). A file whose front
/// matter has errors gives a stand-in ([`stand_in`]) with them, so that the rest of the
/// site is still checked; a file that cannot be read gives none.
pub fn parse_one(source: &SourceFile) -> (Option<Doc>, Vec<Diagnostic>) {
    let rel = source.rel.as_path();
    let text = match read_text(&source.path, rel) {
        Ok(t) => t,
        Err(d) => return (None, vec![d]),
    };
    let mut problems = Vec::new();
    let (meta, slug, body) = match read_meta(source.kind, rel, &text) {
        Ok((meta, located)) => {
            let split = *located.split();
            let slug = match source.kind {
                Kind::Home => String::new(),
                _ => slug_of(source, &meta, &located, &mut problems),
            };
            check_fields(rel, &meta, &located, &mut problems);
            (meta, slug, (text.len() - split.body.len(), split.body_first_line))
        }
        Err(errs) => return (stand_in(source, text), errs),
    };
    // A slug or field in error stands in too: the model never meets a bad slug.
    if problems.iter().any(Diagnostic::is_error) {
        return (stand_in(source, text), problems);
    }
    (Some(doc_of(source, meta, slug, text, body, false)), problems)
}

/// The front matter of `text` (the file `rel`, of `kind`) read, or every error in it.
fn read_meta<'t>(kind: Kind, rel: &Path, text: &'t str) -> Result<(Meta, Located<'t>), Vec<Diagnostic>> {
    match kind {
        Kind::Article => {
            yaml::parse::<ArticleMeta>(rel, text, ArticleMeta::KEYS).map(|(m, l)| (Meta::Article(Arc::new(m)), l))
        }
        Kind::Technique => {
            yaml::parse::<TechniqueMeta>(rel, text, TechniqueMeta::KEYS).map(|(m, l)| (Meta::Technique(Arc::new(m)), l))
        }
        Kind::Page | Kind::Home => {
            yaml::parse::<PageMeta>(rel, text, PageMeta::KEYS).map(|(m, l)| (Meta::Page(Arc::new(m)), l))
        }
        Kind::Benefit => {
            yaml::parse::<BenefitMeta>(rel, text, BenefitMeta::KEYS).map(|(m, l)| (Meta::Benefit(Arc::new(m)), l))
        }
    }
}

/// The least front matter of each kind of file: what a stand-in has.
fn least_front_matter(kind: Kind) -> &'static str {
    match kind {
        Kind::Article => "---\ntitle: x\ndescription: x\ndate: 2000-01-01\n---\n",
        Kind::Technique => "---\ntitle: x\nsummary: x\npressure: light\n---\n",
        Kind::Benefit => "---\ntitle: x\nsummary: x\nevidence: insufficient\n---\n",
        Kind::Page | Kind::Home => "---\ntitle: x\n---\n",
    }
}

/// A stand-in for a file whose front matter has errors: its body, at the URL its
/// `slug:` line or file name gives, with the least front matter of its kind. The build
/// fails on the front matter's errors anyway; the stand-in lets the rest of the site be
/// checked in the same run (links to the file and its anchors, the techniques named).
fn stand_in(source: &SourceFile, text: String) -> Option<Doc> {
    let (meta, _) = read_meta(source.kind, &source.rel, least_front_matter(source.kind)).ok()?;
    // A file without front matter fences is all body.
    let (yaml, body) = match yaml::split(&source.rel, &text) {
        Ok(split) => (split.yaml, (text.len() - split.body.len(), split.body_first_line)),
        Err(_) => ("", (0, 1)),
    };
    let written = (yaml.lines())
        .find_map(|l| l.strip_prefix("slug:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).to_owned())
        .filter(|s| slug::is_valid(s));
    let slug = match source.kind {
        Kind::Home => String::new(),
        _ => written.unwrap_or_else(|| {
            (source.path.file_stem())
                .map(|s| crate::source::languages::split_stem(&s.to_string_lossy()).0.to_owned())
                .unwrap_or_default()
        }),
    };
    Some(doc_of(source, meta, slug, text, body, true))
}

/// The document of `source`, with its front matter read (`meta`) and its body at
/// `body` (byte offset, first line); `stand_in` for a [`stand_in`].
fn doc_of(source: &SourceFile, meta: Meta, slug: String, text: String, body: (usize, usize), stand_in: bool) -> Doc {
    let (body_start, body_first_line) = body;
    // A translation resolves links as its original does (`x.es.md` as `x.md`).
    let content_path = crate::source::languages::original_of(&source.rel);
    let content_path = content_path
        .strip_prefix("content")
        .ok()
        .and_then(crate::source::discover::utf8_rel)
        .unwrap_or_default();
    let path: Arc<str> = match source.kind {
        Kind::Home => "/".into(),
        Kind::Technique => format!("/techniques/{slug}/").into(),
        Kind::Article => format!("/articles/{slug}/").into(),
        Kind::Page => format!("/{slug}/").into(),
        Kind::Benefit => format!("/benefits/{slug}/").into(),
    };
    Doc {
        info: Arc::new(DocInfo {
            kind: source.kind,
            rel: Arc::from(source.rel.as_path()),
            key: source.rel.to_string_lossy().into(),
            path,
            content_path,
            slug,
            stand_in,
        }),
        text,
        body_on_disk: None,
        body_start,
        body_first_line,
        benefit_slugs: match &meta {
            Meta::Article(m) => m.benefits.iter().map(|b| slug::slugify(b)).collect(),
            _ => Vec::new(),
        },
        tag_slugs: match &meta {
            Meta::Article(m) => m.tags.iter().map(|t| slug::slugify(t)).collect(),
            _ => Vec::new(),
        },
        meta,
        version: 0,
    }
}

fn slug_of(source: &SourceFile, meta: &Meta, located: &Located<'_>, problems: &mut Vec<Diagnostic>) -> String {
    let rel = source.rel.as_path();
    let explicit = match meta {
        Meta::Article(m) => m.slug.clone(),
        Meta::Page(m) => m.slug.clone(),
        Meta::Technique(_) | Meta::Benefit(_) => None,
    };
    match explicit {
        Some(s) => {
            if !slug::is_valid(&s) {
                let suggestion = slug::slugify(&s);
                let help = if suggestion.is_empty() {
                    "a slug may only use a-z, 0-9 and `-`".to_owned()
                } else {
                    format!("a slug may only use a-z, 0-9 and `-`: try `slug: {suggestion}`")
                };
                problems.push(
                    located
                        .error(rel, located.key("slug"), format!("`{s}` is not a valid slug"))
                        .help(help),
                );
            }
            s
        }
        None => {
            let stem = source
                .path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            // A translation (`x.es.md`) takes its original's slug.
            let stem = crate::source::languages::split_stem(&stem).0.to_owned();
            if !slug::is_valid(&stem) {
                let suggestion = slug::slugify(&stem);
                let suggestion = if suggestion.is_empty() {
                    "my-page".to_owned()
                } else {
                    suggestion
                };
                problems.push(
                    Diagnostic::error(
                        rel,
                        format!("the file name `{stem}` does not make a valid slug (a-z, 0-9 and `-` only)"),
                    )
                    .help(format!(
                        "rename the file to `{suggestion}.md`, or add `slug: {suggestion}` to its front matter"
                    )),
                );
            }
            stem
        }
    }
}

fn non_empty(value: &str, key: &str, rel: &Path, located: &Located<'_>, problems: &mut Vec<Diagnostic>) {
    if value.trim().is_empty() {
        problems.push(
            located
                .error(rel, located.key(key), format!("`{key}` is empty"))
                .help(format!("write a value for `{key}`")),
        );
    }
}

/// Checks of single fields that the types cannot express.
fn check_fields(rel: &Path, meta: &Meta, located: &Located<'_>, problems: &mut Vec<Diagnostic>) {
    match meta {
        Meta::Article(m) => {
            non_empty(&m.title, "title", rel, located, problems);
            non_empty(&m.description, "description", rel, located, problems);
            let chars = m.description.chars().count();
            if chars > 160 {
                problems.push(
                    Diagnostic::warning(
                        rel,
                        format!("the description is {chars} characters long; search engines cut it after about 160"),
                    )
                    .at(located_text(located), located.key("description").line, 1, 11)
                    .help("shorten the description to 160 characters or fewer"),
                );
            }
            if let Some(img) = &m.image
                && img.alt.trim().is_empty()
            {
                problems.push(
                    located
                        .error(rel, located.item("image", "alt"), "the image has no alt text")
                        .help("describe the image for people who cannot see it: `alt: A therapist massaging the lower back`"),
                );
            }
            for t in &m.techniques {
                if !slug::is_valid(t) {
                    problems.push(
                        located
                            .error(
                                rel,
                                located.item("techniques", t),
                                format!("`{t}` is not a technique slug"),
                            )
                            .help("name a file of content/techniques/ without `.md`, e.g. `swedish`"),
                    );
                }
            }
            for (key, what, example, names) in [
                ("benefits", "benefit", "Better sleep", &m.benefits),
                ("tags", "tag", "Posture", &m.tags),
            ] {
                for name in names.iter().filter(|n| slug::slugify(n).is_empty()) {
                    problems.push(
                        located
                            .error(
                                rel,
                                located.item(key, name),
                                format!("the {what} `{name}` has no letters or digits to make a URL from"),
                            )
                            .help(format!("name the {what} with letters or digits, e.g. `{example}`")),
                    );
                }
            }
            for f in &m.faqs {
                if f.question.trim().is_empty() || f.answer.trim().is_empty() {
                    problems.push(
                        located
                            .error(rel, located.key("faqs"), "an FAQ has an empty question or answer")
                            .help("give every FAQ a `question` and an `answer`"),
                    );
                }
            }
            references::check(rel, &m.references, located, problems);
        }
        Meta::Technique(m) => {
            non_empty(&m.title, "title", rel, located, problems);
            non_empty(&m.summary, "summary", rel, located, problems);
            references::check(rel, &m.references, located, problems);
        }
        Meta::Benefit(m) => {
            non_empty(&m.title, "title", rel, located, problems);
            non_empty(&m.summary, "summary", rel, located, problems);
            references::check(rel, &m.references, located, problems);
        }
        Meta::Page(m) => non_empty(&m.title, "title", rel, located, problems),
    }
}

fn located_text<'a>(located: &Located<'a>) -> &'a str {
    located.text()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Past the budget, a body stays on disk and is read again whole; a file whose front
    /// matter changed in between is an error, not a mix of two versions.
    #[test]
    fn bodies_past_the_budget_are_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let text = "---\ntitle: \"T\"\n---\n\nThe body.\n";
        let source = |name: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            SourceFile {
                kind: Kind::Page,
                rel: PathBuf::from(name),
                path,
            }
        };
        let sources = [source("a.md"), source("b.md")];
        let (held, _) = parse_all(&sources);
        let (left, problems) = parse_all_holding(&sources, 0);
        assert!(problems.is_empty());
        for (h, l) in held.iter().zip(&left) {
            assert!(h.body_on_disk.is_none());
            assert!(l.body_on_disk.is_some());
            assert_eq!(l.text, "---\ntitle: \"T\"\n---\n");
            assert_eq!((l.front_matter(), l.body_start), (h.front_matter(), h.body_start));
            assert_eq!(l.full_text().unwrap(), text);
            assert_eq!(h.full_text().unwrap(), text);
        }
        std::fs::write(&sources[0].path, text.replace("\"T\"", "\"U\"")).unwrap();
        let err = left[0].full_text().unwrap_err();
        assert!(err.message.contains("changed while knead was building"), "{err:?}");
    }

    /// A file whose front matter has errors stands in with its body, at the URL of its
    /// `slug:` (or file name), for every kind of file.
    #[test]
    fn front_matter_in_error_gives_a_stand_in() {
        let dir = tempfile::tempdir().unwrap();
        for kind in [Kind::Article, Kind::Technique, Kind::Benefit, Kind::Page, Kind::Home] {
            let path = dir.path().join("my-file.md");
            std::fs::write(
                &path,
                "---
titel: x
slug: \"kept\"
---

## Heading
",
            )
            .unwrap();
            let source = SourceFile {
                kind,
                rel: PathBuf::from("content/x/my-file.md"),
                path: path.clone(),
            };
            let (doc, problems) = parse_one(&source);
            assert!(problems.iter().any(Diagnostic::is_error), "{kind:?}");
            let doc = doc.unwrap_or_else(|| panic!("{kind:?}: no stand-in"));
            assert!(doc.stand_in);
            assert_eq!(&doc.text[doc.body_start..], "\n## Heading\n");
            let slug = if kind == Kind::Home { "" } else { "kept" };
            assert_eq!(doc.slug, slug, "{kind:?}");
            std::fs::write(&path, "no front matter\n").unwrap();
            let (doc, _) = parse_one(&source);
            let doc = doc.unwrap();
            assert_eq!((doc.body_start, doc.stand_in), (0, true));
            assert!(kind == Kind::Home || doc.slug == "my-file", "{kind:?}");
        }
    }
}
