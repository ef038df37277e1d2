//! The part of the site model that the front matter alone decides: which documents are
//! articles, techniques, benefit profiles and pages and in what order, duplicate and
//! reserved slugs, the benefits (`benefits.rs`), the link index, the techniques each article names, article images.
//! Nothing here reads a Markdown body, so `knead watch` keeps the outline of the last
//! build and reuses it while no document's front matter or path, no asset, no theme
//! file name and not the base path changed: a body edit skips this whole stage.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::diagnostics::Diagnostic;
use crate::markdown::links::LinkIndex;
use crate::source::discover::{Asset, Kind};
use crate::source::meta::{ArticleMeta, PageMeta, TechniqueMeta};
use crate::source::parse::{Doc, DocInfo, Meta};

use super::benefits::{self, ProfileRef};
use super::checks::{duplicates, missing_technique};
use super::{Benefit, DocRef, RESERVED, ROOT_FILES, Tag};

/// What [`Outline::build`] made, and from what.
#[derive(Debug)]
pub(super) struct Outline {
    /// The documents it was made from (compared by pointer: the parser hands out the
    /// same `Arc`s again for a file whose front matter did not change).
    made_from: Vec<(Arc<DocInfo>, Meta)>,
    base_path: String,
    assets: Vec<Asset>,
    statics: Vec<String>,
    drafts: bool,
    /// Positions (in the documents given) of the articles, newest first.
    pub articles: Vec<usize>,
    /// Positions of the techniques, by title.
    pub techniques: Vec<usize>,
    /// Positions of the plain pages, by slug.
    pub pages: Vec<usize>,
    /// Position of the home page.
    pub home: Option<usize>,
    /// Positions of the benefit profiles, in the order of `benefits`.
    pub profiles: Vec<usize>,
    /// Every benefit, strongest evidence first, then by name, with its articles
    /// (numbered as `articles`).
    pub benefits: Vec<Benefit>,
    /// The techniques (numbered as `techniques`) each article names, in order.
    pub article_techniques: Vec<Vec<usize>>,
    /// The benefits (numbered as `benefits`) of each article, with their positions in
    /// its front matter.
    pub article_benefits: Vec<Vec<(usize, usize)>>,
    /// Every tag, by name, with its articles (numbered as `articles`).
    pub tags: Vec<Tag>,
    /// The tags (numbered as `tags`) of each article, with their positions in its front
    /// matter.
    pub article_tags: Vec<Vec<(usize, usize)>>,
    /// Site path -> position among the rendered documents (articles, techniques, pages,
    /// home, then benefit profiles, as `build` renders them).
    pub rendered_at: FxHashMap<Arc<str>, usize>,
    /// Every page and file of the site.
    pub index: Arc<LinkIndex>,
    /// `index.fingerprint()`, computed once.
    pub fingerprint: u64,
    /// The documents in search index order (titles decide it).
    pub search_order: Arc<[DocRef]>,
    /// The old paths of pages (`aliases`), in document order.
    pub aliases: Vec<super::aliases::Alias>,
    /// Problems found on the way (duplicates, missing techniques, bad images...).
    pub problems: Vec<Diagnostic>,
}

/// A document's position, the document and its front matter.
type ArticleRef<'a> = (usize, &'a Arc<Doc>, &'a Arc<ArticleMeta>);
type TechniqueRef<'a> = (usize, &'a Arc<Doc>, &'a Arc<TechniqueMeta>);
type PageRef<'a> = (usize, &'a Arc<Doc>, &'a Arc<PageMeta>);

fn same_meta(a: &Meta, b: &Meta) -> bool {
    match (a, b) {
        (Meta::Article(a), Meta::Article(b)) => Arc::ptr_eq(a, b),
        (Meta::Technique(a), Meta::Technique(b)) => Arc::ptr_eq(a, b),
        (Meta::Page(a), Meta::Page(b)) => Arc::ptr_eq(a, b),
        (Meta::Benefit(a), Meta::Benefit(b)) => Arc::ptr_eq(a, b),
        _ => false,
    }
}

impl Outline {
    /// True when [`Outline::build`] would make the same outline from these inputs.
    pub(super) fn matches(
        &self,
        base_path: &str,
        docs: &[Arc<Doc>],
        assets: &[Asset],
        statics: &[String],
        drafts: bool,
    ) -> bool {
        self.drafts == drafts
            && self.base_path == base_path
            && self.made_from.len() == docs.len()
            && self
                .made_from
                .iter()
                .zip(docs)
                .all(|((info, meta), d)| Arc::ptr_eq(info, &d.info) && same_meta(meta, &d.meta))
            && self.assets == assets
            && self.statics == statics
    }

    /// Splits `docs` by kind (drafts aside), sorts them, checks duplicate and reserved
    /// slugs, gathers benefits, builds the link index, resolves techniques and images.
    pub(super) fn build(
        base_path: &str,
        docs: &[Arc<Doc>],
        assets: &[Asset],
        statics: &[String],
        drafts: bool,
    ) -> Self {
        let mut problems = Vec::new();
        let mut index = LinkIndex::new(base_path);

        let mut articles: Vec<ArticleRef<'_>> = Vec::new();
        let mut techniques: Vec<TechniqueRef<'_>> = Vec::new();
        let mut pages: Vec<PageRef<'_>> = Vec::new();
        let mut profiles: Vec<ProfileRef<'_>> = Vec::new();
        let mut home: Option<usize> = None;
        for (i, d) in docs.iter().enumerate() {
            if d.is_draft() && !drafts {
                index.add_draft(&d.content_path);
                continue;
            }
            match (d.kind, &d.meta) {
                (Kind::Article, Meta::Article(m)) => articles.push((i, d, m)),
                (Kind::Technique, Meta::Technique(m)) => techniques.push((i, d, m)),
                (Kind::Home, Meta::Page(_)) => home = Some(i),
                (Kind::Benefit, Meta::Benefit(m)) => profiles.push((i, d, m)),
                (_, Meta::Page(m)) => pages.push((i, d, m)),
                _ => {}
            }
        }
        // The two halves below read the sorted lists only, so each runs on a core of its own.
        rayon::join(
            || articles.sort_by(|a, b| b.2.date.cmp(&a.2.date).then_with(|| a.1.slug.cmp(&b.1.slug))),
            || {
                techniques.sort_by_cached_key(|t| (t.2.title.to_lowercase(), t.1.slug.clone()));
                pages.sort_by(|a, b| a.1.slug.cmp(&b.1.slug));
            },
        );
        let (links, checks) = rayon::join(
            || {
                Links::build(
                    index,
                    &articles,
                    &techniques,
                    &pages,
                    &profiles,
                    home.map(|i| &docs[i]),
                    (assets, statics),
                )
            },
            || Checks::build(&articles, &techniques, &pages, home, docs),
        );
        // In the order a single pass found them.
        problems.extend(checks.slugs);
        problems.extend(links.clobbered);
        problems.extend(checks.techniques);
        problems.extend(links.benefit_problems);
        problems.extend(links.images);
        let with_pages = (articles.iter().map(|a| a.1))
            .chain(techniques.iter().map(|t| t.1))
            .chain(pages.iter().map(|p| p.1))
            .chain(home.map(|i| &docs[i]))
            .chain(profiles.iter().map(|p| p.1));
        let (aliases, alias_problems) = super::aliases::gather(with_pages, &links.index);
        problems.extend(alias_problems);
        // The profiles are rendered after every other document.
        let mut rendered_at = checks.rendered_at;
        let first = rendered_at.len();
        for (n, &i) in links.profiles.iter().enumerate() {
            rendered_at.insert(Arc::clone(&docs[i].path), first + n);
        }
        Outline {
            made_from: docs.iter().map(|d| (Arc::clone(&d.info), d.meta.clone())).collect(),
            base_path: base_path.to_owned(),
            assets: assets.to_vec(),
            statics: statics.to_vec(),
            drafts,
            articles: articles.iter().map(|a| a.0).collect(),
            techniques: techniques.iter().map(|t| t.0).collect(),
            pages: pages.iter().map(|p| p.0).collect(),
            home,
            profiles: links.profiles,
            benefits: links.benefits,
            tags: links.tags,
            article_tags: links.article_tags,
            article_techniques: checks.article_techniques,
            article_benefits: links.article_benefits,
            rendered_at,
            index: Arc::new(links.index),
            fingerprint: links.fingerprint,
            search_order: checks.search_order,
            aliases,
            problems,
        }
    }
}

/// The benefits, the link index and what needs it (files that would overwrite a
/// generated one, article images).
struct Links {
    benefits: Vec<Benefit>,
    article_benefits: Vec<Vec<(usize, usize)>>,
    profiles: Vec<usize>,
    benefit_problems: Vec<Diagnostic>,
    tags: Vec<Tag>,
    article_tags: Vec<Vec<(usize, usize)>>,
    index: LinkIndex,
    fingerprint: u64,
    clobbered: Vec<Diagnostic>,
    images: Vec<Diagnostic>,
}

impl Links {
    fn build(
        mut index: LinkIndex,
        articles: &[ArticleRef<'_>],
        techniques: &[TechniqueRef<'_>],
        pages: &[PageRef<'_>],
        profiles: &[ProfileRef<'_>],
        home: Option<&Arc<Doc>>,
        (assets, statics): (&[Asset], &[String]),
    ) -> Self {
        let benefits::Gathered {
            benefits,
            article_benefits,
            profiles: profile_order,
            problems: benefit_problems,
        } = benefits::gather(articles, profiles);
        let (tags, article_tags) = shared_names(articles, |m| &m.tags, |d| &d.tag_slugs);
        let tags: Vec<Tag> = (tags.into_iter())
            .map(|(name, slug, articles)| Tag {
                name,
                path: format!("/tags/{slug}/"),
                slug,
                articles,
            })
            .collect();

        // The link index: every page and file.
        for p in [
            "/",
            "/articles/",
            "/techniques/",
            "/benefits/",
            "/tags/",
            "/faq/",
            "/search/",
        ] {
            index.add_page(None, p);
        }
        let listed = articles.iter().map(|a| a.1).chain(techniques.iter().map(|t| t.1));
        for d in listed.chain(pages.iter().map(|p| p.1)).chain(home) {
            index.add_page(Some(&d.content_path), &d.path);
        }
        for b in &benefits {
            let source = b.profile.as_ref().map(|p| p.doc.content_path.as_str());
            index.add_page(source, &b.path);
        }
        for t in &tags {
            index.add_page(None, &t.path);
        }
        for f in ROOT_FILES.iter().map(|s| s.to_string()).chain(statics.iter().cloned()) {
            index.add_file(&f);
        }
        let mut clobbered = Vec::new();
        for a in assets {
            let out = format!("/{}", a.out);
            let clobbers_page = out.ends_with("index.html") && index.has_page(out.trim_end_matches("index.html"));
            // /search/ holds the search index and script; a large site's sitemap is split
            // into /sitemap-<n>.xml files.
            let clobbers_file =
                ROOT_FILES.contains(&out.as_str()) || out.starts_with("/search/") || is_sitemap_part(&out);
            if clobbers_page || clobbers_file {
                clobbered.push(
                    Diagnostic::error(
                        format!("content/{}", a.out),
                        format!("this file would overwrite the generated {out}"),
                    )
                    .help("rename or move the file"),
                );
            }
            index.add_file(&out);
        }

        // An article's image must exist in the site, like the images of its Markdown.
        let mut images = Vec::new();
        for (_, d, m) in articles {
            if let Some(img) = &m.image
                && let Err(e) = index.resolve(&img.src, "articles/", &d.path, true)
            {
                let mut diag = Diagnostic::error(&d.rel, e.message).help(e.help);
                if let Some(p) = d
                    .located()
                    .map(|l| l.item("image", img.src.trim()))
                    .filter(|p| p.line > 1)
                {
                    diag = diag.at(&d.text, p.line, p.column, p.len);
                }
                images.push(diag);
            }
        }
        let fingerprint = index.fingerprint();
        Links {
            benefits,
            article_benefits,
            profiles: profile_order,
            benefit_problems,
            tags,
            article_tags,
            index,
            fingerprint,
            clobbered,
            images,
        }
    }
}

/// Names that articles share (tags; benefits come from `benefits.rs`), from `names` and
/// their `slugs` in each article's front matter: each `(name, slug, articles)`, grouped
/// by slug and sorted by name, named as the newest article spells it; and for each
/// article, the groups it names (numbered as returned, each once) with the position of
/// its own spelling.
#[allow(clippy::type_complexity)]
fn shared_names(
    articles: &[ArticleRef<'_>],
    names: impl Fn(&ArticleMeta) -> &[String],
    slugs: impl Fn(&Doc) -> &[String],
) -> (Vec<(String, String, Vec<usize>)>, Vec<Vec<(usize, usize)>>) {
    let mut groups: FxHashMap<&str, (String, Vec<usize>)> = FxHashMap::default();
    for (i, (_, d, m)) in articles.iter().enumerate() {
        for (name, s) in names(m).iter().zip(slugs(d)) {
            let g = groups.entry(s).or_insert_with(|| (name.trim().to_owned(), Vec::new()));
            if g.1.last() != Some(&i) {
                g.1.push(i);
            }
        }
    }
    let mut groups: Vec<(String, String, Vec<usize>)> = (groups.into_iter())
        .map(|(slug, (name, articles))| (name, slug.to_owned(), articles))
        .collect();
    groups.sort_by_cached_key(|g| (g.0.to_lowercase(), g.1.clone()));
    let number: FxHashMap<&str, usize> = groups.iter().enumerate().map(|(i, g)| (g.1.as_str(), i)).collect();
    let of_article = (articles.iter())
        .map(|(_, d, _)| {
            let mut mine: Vec<(usize, usize)> = Vec::with_capacity(slugs(d).len());
            for (pos, s) in slugs(d).iter().enumerate() {
                if let Some(&i) = number.get(s.as_str())
                    && !mine.iter().any(|(j, _)| *j == i)
                {
                    mine.push((i, pos));
                }
            }
            mine
        })
        .collect();
    (groups, of_article)
}

/// True for `/sitemap-<n>.xml`, the parts of a sitemap too large for one file.
fn is_sitemap_part(path: &str) -> bool {
    (path.strip_prefix("/sitemap-").and_then(|p| p.strip_suffix(".xml")))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// What the sorted lists alone decide: duplicate and reserved slugs, the techniques each
/// article names, where each document is rendered, the search order.
struct Checks {
    slugs: Vec<Diagnostic>,
    techniques: Vec<Diagnostic>,
    article_techniques: Vec<Vec<usize>>,
    rendered_at: FxHashMap<Arc<str>, usize>,
    search_order: Arc<[DocRef]>,
}

impl Checks {
    fn build(
        articles: &[ArticleRef<'_>],
        techniques: &[TechniqueRef<'_>],
        pages: &[PageRef<'_>],
        home: Option<usize>,
        docs: &[Arc<Doc>],
    ) -> Self {
        let mut slugs = Vec::new();
        duplicates(articles.iter().map(|a| a.1.as_ref()), "article", &mut slugs);
        duplicates(techniques.iter().map(|t| t.1.as_ref()), "technique", &mut slugs);
        duplicates(pages.iter().map(|p| p.1.as_ref()), "page", &mut slugs);
        for (_, d, _) in pages {
            if RESERVED.contains(&d.slug.as_str()) {
                let pos = d.located().map(|l| l.key("slug"));
                let mut diag = Diagnostic::error(
                    &d.rel,
                    format!(
                        "the page slug `{}` is taken by knead's own /{}/ section",
                        d.slug, d.slug
                    ),
                )
                .help("choose another slug (add `slug: ...` or rename the file)");
                if let Some(p) = pos.filter(|p| p.line > 1) {
                    diag = diag.at(&d.text, p.line, p.column, p.len);
                }
                slugs.push(diag);
            }
        }

        // Techniques named by articles must exist.
        let technique_idx: FxHashMap<&str, usize> = techniques
            .iter()
            .enumerate()
            .map(|(i, t)| (t.1.slug.as_str(), i))
            .collect();
        let mut known_techniques: Vec<&str> = technique_idx.keys().copied().collect();
        known_techniques.sort_unstable();
        let mut missing = Vec::new();
        let mut article_techniques = Vec::with_capacity(articles.len());
        for (_, d, m) in articles {
            let mut idx = Vec::new();
            for t in &m.techniques {
                match technique_idx.get(t.as_str()) {
                    Some(&i) => {
                        if !idx.contains(&i) {
                            idx.push(i);
                        }
                    }
                    None => missing.push(missing_technique(d, t, &known_techniques)),
                }
            }
            article_techniques.push(idx);
        }

        let rendered = articles.iter().map(|a| a.0).chain(techniques.iter().map(|t| t.0));
        let rendered_at = (rendered.chain(pages.iter().map(|p| p.0)).chain(home))
            .enumerate()
            .map(|(n, i)| (Arc::clone(&docs[i].path), n))
            .collect();
        let search_order = {
            let a = articles
                .iter()
                .enumerate()
                .map(|(i, a)| (a.2.title.as_str(), &*a.1.path, DocRef::Article(i)));
            let t =
                (techniques.iter().enumerate()).map(|(i, t)| (t.2.title.as_str(), &*t.1.path, DocRef::Technique(i)));
            let p = pages
                .iter()
                .enumerate()
                .map(|(i, p)| (p.2.title.as_str(), &*p.1.path, DocRef::Page(i)));
            super::search_order::doc_order(a.chain(t).chain(p)).into()
        };
        Checks {
            slugs,
            techniques: missing,
            article_techniques,
            rendered_at,
            search_order,
        }
    }
}
