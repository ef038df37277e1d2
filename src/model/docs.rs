//! Rendering the Markdown of every document (bodies and FAQ answers) with links
//! resolved, in parallel batches, and reusing earlier renders when neither the document
//! nor the site's set of pages changed (watch mode). Each fresh render can be handed to
//! a callback as soon as it is made: a clean build writes the article's page from it and
//! lets go of the body's HTML.

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::diagnostics::Diagnostic;
use crate::images::Catalog;
use crate::markdown::citations::{Citing, Sources};
use crate::markdown::links::LinkIndex;
use crate::markdown::{self, LazyPos, Placement, Rendered, TextOrigin};
use crate::source::meta::ArticleMeta;
use crate::source::parse::{Doc, Meta};
use crate::source::yaml::Pos;
use crate::text::slug::{self, IdSet, ReservedIds};

use super::FaqItem;

/// The rendered Markdown of one document.
#[derive(Debug, Clone, Default)]
pub struct DocRender {
    /// The body.
    pub body: Rendered,
    /// FAQs (articles only).
    pub faqs: Vec<FaqItem>,
    /// Every id of the content on the page: headings and FAQs.
    pub anchors: crate::text::slug::Anchors,
    /// Problems in links and images.
    pub problems: Vec<Diagnostic>,
    /// Words a reader reads: the body and the FAQ answers.
    pub reading_words: usize,
    /// For each of the document's references, the ids of the places that cite it (in
    /// the body, or the FAQ whose answer does), in order: the source list links back.
    pub cited: Vec<Vec<String>>,
    /// What the document gives the site search.
    pub search: crate::text::DocTerms,
    /// The article's lead image (`image` in its front matter), when processed.
    pub lead: Option<crate::images::html::Picture>,
    /// Every processed image the page shows (body, FAQ answers, lead image): site path
    /// and key.
    pub images: Vec<(String, u64)>,
}

impl DocRender {
    /// True while every image the render shows is as it was when rendered.
    fn images_hold(&self, catalog: Option<&Catalog>) -> bool {
        self.images
            .iter()
            .all(|(p, k)| catalog.and_then(|c| c.key(p)) == Some(*k))
    }

    /// A hash of the images the page shows, for watch mode's stamps.
    pub fn images_stamp(&self) -> u64 {
        std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, &self.images)
    }
}

/// Renders kept from one build to the next: valid while the document's version and the
/// link index are unchanged.
#[derive(Debug, Default, Clone)]
pub struct MarkdownCache {
    index: Option<u64>,
    analyze: bool,
    /// The site's language: callout titles depend on it.
    language: String,
    renders: FxHashMap<Arc<str>, (u64, Arc<DocRender>)>,
    /// The front-matter part of the last model.
    pub(super) outline: Option<Arc<super::outline::Outline>>,
    /// The last model's anchor checks.
    pub(super) links: Option<Arc<super::checks::LinkChecks>>,
}

impl MarkdownCache {
    /// True when both caches hold the very same front-matter stage (see
    /// `model::outline`): the site's documents, order and links are unchanged.
    pub fn same_outline(&self, other: &MarkdownCache) -> bool {
        matches!((&self.outline, &other.outline), (Some(a), Some(b)) if Arc::ptr_eq(a, b))
    }

    /// The fingerprint of the link index the cached renders were made with.
    pub fn index(&self) -> Option<u64> {
        self.index
    }
}

fn dir_of(content_path: &str) -> &str {
    content_path.rfind('/').map_or("", |i| &content_path[..=i])
}

/// What every document's render reads besides the document: the ids the theme uses,
/// the site's language and processed images.
pub type Shared<'a> = (&'a Arc<ReservedIds>, &'a str, Option<&'a Catalog>);

fn render_doc(d: &Doc, index: &LinkIndex, (reserved, language, images): Shared<'_>, analyze: bool) -> DocRender {
    let sources = Sources::new(d.meta.references());
    let text = match d.full_text() {
        Ok(text) => text,
        Err(problem) => {
            return DocRender {
                problems: vec![problem],
                ..DocRender::default()
            };
        }
    };
    let origin = TextOrigin {
        file: &d.rel,
        file_text: &text,
        placement: Placement::Body(d.body_first_line),
        source_dir: dir_of(&d.content_path),
        page_path: &d.path,
        analyze,
        language,
        // Plain pages have no source list.
        citing: (!matches!(d.meta, Meta::Page(_))).then_some(Citing {
            sources: &sources,
            faq: None,
        }),
        images,
    };
    // One set for the whole page: the body's ids, then its FAQs' and their answers'.
    let mut ids = IdSet::for_page(Arc::clone(reserved));
    // The source list's entries keep their ids: a heading never takes one.
    for anchor in sources.anchors() {
        ids.unique(&anchor);
    }
    let mut problems = Vec::new();
    let body_text = text.get(d.body_start..).unwrap_or_default();
    let mut body = markdown::render(body_text, &origin, index, &mut ids, &mut problems);
    let mut answers = Vec::new();
    let faqs = match &d.meta {
        Meta::Article(m) => render_faqs(d, m, &origin, index, &mut ids, &mut problems, &mut answers),
        _ => Vec::new(),
    };
    // Links in FAQ answers are checked with the body's.
    body.links
        .extend(answers.iter_mut().flat_map(|(_, links, _)| std::mem::take(links)));
    let mut shown = std::mem::take(&mut body.images);
    shown.extend(answers.iter_mut().flat_map(|(_, _, images)| std::mem::take(images)));
    let lead = match &d.meta {
        Meta::Article(m) => super::lead::lead_image(d, m, index, images, &mut shown, &mut problems),
        _ => None,
    };
    let answers: Vec<crate::text::TermCounter> = answers.into_iter().map(|(terms, _, _)| terms).collect();
    let search = super::terms::doc_terms(&d.meta, &mut body, answers, crate::text::Lang::of(language));
    if !analyze {
        // Only `knead check` reads every heading after this (the contents keeps h2, h3).
        body.headings = Vec::new();
    }
    let faq_words: usize = match &d.meta {
        Meta::Article(m) => m.faqs.iter().map(|f| markdown::word_count(&f.answer)).sum(),
        _ => 0,
    };
    DocRender {
        reading_words: body.words + faq_words,
        cited: sources.into_cited(),
        body,
        faqs,
        anchors: ids.into_anchors(),
        problems,
        search,
        lead,
        images: shown,
    }
}

/// What an FAQ answer adds to its page's: search terms, links to check, images shown.
type Answer = (crate::text::TermCounter, Vec<markdown::LinkCheck>, Vec<(String, u64)>);

fn render_faqs(
    d: &Doc,
    m: &ArticleMeta,
    origin: &TextOrigin<'_>,
    index: &LinkIndex,
    ids: &mut IdSet,
    problems: &mut Vec<Diagnostic>,
    answers: &mut Vec<Answer>,
) -> Vec<FaqItem> {
    let located = std::cell::OnceCell::new();
    m.faqs
        .iter()
        .map(|f| {
            let find = || {
                let needle: String = f.answer.lines().next().unwrap_or("").chars().take(40).collect();
                located.get_or_init(|| d.located()).as_ref().map_or(
                    Pos {
                        line: 1,
                        column: 1,
                        len: 1,
                    },
                    |l| l.item("faqs", needle.trim()),
                )
            };
            let pos = LazyPos::new(&find);
            let id = ids.unique(&format!("faq-{}", slug::heading_id(&f.question)));
            let answer_origin = TextOrigin {
                file: origin.file,
                file_text: origin.file_text,
                placement: Placement::Lazy(&pos),
                source_dir: origin.source_dir,
                page_path: origin.page_path,
                analyze: false,
                language: origin.language,
                citing: origin.citing.map(|c| Citing {
                    sources: c.sources,
                    faq: Some(&id),
                }),
                images: origin.images,
            };
            let answer = markdown::render(&f.answer, &answer_origin, index, ids, problems);
            answers.push((answer.search.counts, answer.links, answer.images));
            FaqItem::new(&id, f.question.trim(), &answer.html)
        })
        .collect()
}

/// Called with a fresh render and its number (its place in `positions`); returns true
/// when it used the render, whose body HTML is then dropped.
pub type EachRender<'a> = dyn Fn(usize, &Arc<DocRender>) -> bool + Sync + 'a;

/// Renders the documents of `docs` at `positions` (in parallel), reusing `cache` where it
/// is still valid; `index` is the link index with its fingerprint, `reserved` the ids
/// the theme uses and `language` the site's (a render holds while all are unchanged).
/// `each` sees every fresh render as soon as it is made. Returns the renders in the
/// order of `positions`, with the cache for the next build (without renders when bodies
/// are dropped: only a clean build drops them, and it has no next build).
pub fn render_all(
    docs: &mut [Arc<Doc>],
    positions: &[usize],
    (index, fingerprint): (&LinkIndex, u64),
    (reserved, language, images): Shared<'_>,
    settings: super::Settings,
    cache: Option<&MarkdownCache>,
    each: Option<&EachRender<'_>>,
) -> super::Renders {
    let analyze = settings.analyze;
    let fingerprint = fingerprint ^ std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, reserved.as_ref());
    let usable = cache.filter(|c| c.index == Some(fingerprint) && c.analyze == analyze && c.language == language);
    let mut slot = vec![usize::MAX; docs.len()];
    for (n, &i) in positions.iter().enumerate() {
        slot[i] = n;
    }
    // Documents go in batches: each thread renders a batch's Markdown, then hands the
    // fresh renders to `each`, which renders pages; alternating between the two for each
    // document costs more CPU. Small sites get smaller batches, to use every core.
    let batch = (docs.len() / (8 * rayon::current_num_threads())).clamp(1, 128);
    let mut rendered: Vec<(usize, Arc<DocRender>)> = docs
        .par_chunks_mut(batch)
        .enumerate()
        // One batch per task, so that the cores finish together.
        .with_max_len(1)
        .flat_map_iter(|(c, chunk)| {
            let mut out: Vec<(usize, Arc<DocRender>, bool)> = Vec::with_capacity(chunk.len());
            for (k, d) in chunk.iter_mut().enumerate() {
                let i = c * batch + k;
                if slot[i] == usize::MAX {
                    continue;
                }
                let cached = usable
                    .and_then(|c| c.renders.get(&d.key))
                    .filter(|(v, r)| *v == d.version && r.images_hold(images))
                    .map(|(_, r)| Arc::clone(r));
                let fresh = cached.is_none();
                let r = cached.unwrap_or_else(|| Arc::new(render_doc(d, index, (reserved, language, images), analyze)));
                if settings.drop_texts
                    && let Some(d) = Arc::get_mut(d)
                {
                    d.drop_text();
                }
                out.push((slot[i], r, fresh));
            }
            for (n, r, fresh) in &mut out {
                // A fresh render's HTML is dropped once `each` has used it, else kept
                // in as little memory as it needs.
                if !*fresh {
                    continue;
                }
                let used = each.is_some_and(|f| f(*n, r));
                if let Some(m) = Arc::get_mut(r) {
                    if used {
                        m.body.html = String::new();
                    } else {
                        m.body.html.shrink_to_fit();
                    }
                }
            }
            out.into_iter().map(|(n, r, _)| (n, r))
        })
        .collect();
    rendered.sort_unstable_by_key(|r| r.0);
    let renders: Vec<Arc<DocRender>> = rendered.into_iter().map(|(_, r)| r).collect();
    let next = MarkdownCache {
        index: Some(fingerprint),
        analyze,
        language: language.to_owned(),
        renders: if settings.drop_texts {
            FxHashMap::default()
        } else {
            positions
                .iter()
                .zip(&renders)
                .map(|(&i, r)| (Arc::clone(&docs[i].key), (docs[i].version, Arc::clone(r))))
                .collect()
        },
        outline: None,
        links: None,
    };
    super::Renders {
        docs: renders,
        cache: next,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::discover::{Kind, SourceFile};

    /// A body left on disk renders as the body held in memory, messages included.
    #[test]
    fn a_body_read_again_renders_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.md");
        std::fs::write(
            &path,
            "---\ntitle: \"T\"\n---\n\n## Part\n\nSee [there](/nowhere/) and ![](a.png).\n",
        )
        .unwrap();
        let sources = [SourceFile {
            kind: Kind::Page,
            rel: "content/pages/x.md".into(),
            path,
        }];
        let (held, _) = crate::source::parse::parse_all(&sources);
        let (left, _) = crate::source::parse::parse_all_holding(&sources, 0);
        assert!(left[0].body_on_disk.is_some());
        let index = LinkIndex::new("/");
        let ids = Arc::default();
        let (a, b) = (
            render_doc(&held[0], &index, (&ids, "en", None), false),
            render_doc(&left[0], &index, (&ids, "en", None), false),
        );
        assert_eq!(a.body.html, b.body.html);
        assert!(a.body.html.contains("<h2 id=\"part\">"), "{}", a.body.html);
        let shown = |r: &DocRender| r.problems.iter().map(|p| p.render(false)).collect::<Vec<_>>();
        assert_eq!(shown(&a), shown(&b));
        assert_eq!(a.problems.len(), 3, "{:?}", shown(&a));
    }
}
