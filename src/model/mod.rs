//! The site model: articles, techniques, benefits, FAQs and pages, with their URLs, the
//! links between them resolved and checked, and their Markdown rendered. Checks that
//! span files live here: duplicate slugs, techniques no file defines, links to missing
//! pages or anchors.

mod aliases;
mod benefits;
mod checks;
pub mod docs;
mod faq;
mod lead;
mod outline;
pub mod search_order;
pub mod terms;

use checks::{check_links, line_of, resolve_menu};

use std::path::Path;
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::markdown::links::LinkIndex;
use crate::markdown::{self, Placement, Rendered, TextOrigin};
use crate::source::config::Config;
use crate::source::discover::Asset;
use crate::source::meta::{ArticleMeta, PageMeta, TechniqueMeta};
use crate::source::parse::{Doc, DocInfo, Meta};
use crate::text::slug::{IdSet, ReservedIds};

pub use aliases::Alias;
pub use benefits::Profile;
pub use docs::{DocRender, MarkdownCache};
pub use faq::FaqItem;
pub use search_order::DocRef;

/// An article with everything resolved.
#[derive(Debug, Clone)]
pub struct Article {
    /// The source (its text is not kept).
    pub doc: Arc<DocInfo>,
    /// Front matter.
    pub meta: Arc<ArticleMeta>,
    /// Rendered body and FAQs.
    pub render: Arc<DocRender>,
    /// Indices into [`Site::techniques`].
    pub techniques: Vec<usize>,
    /// Indices into [`Site::benefits`], each with the position in `meta.benefits` of
    /// the article's own spelling.
    pub benefits: Vec<(usize, usize)>,
    /// Indices into [`Site::tags`], each with the position in `meta.tags` of the
    /// article's own spelling.
    pub tags: Vec<(usize, usize)>,
}

/// What every kind of page built from a content file has: its source and its URL.
pub trait Sourced {
    /// The source, without its text.
    fn info(&self) -> &DocInfo;
    /// Source file, relative to the site root.
    fn rel(&self) -> &Path {
        &self.info().rel
    }
    /// The source's identity across rebuilds.
    fn key(&self) -> &Arc<str> {
        &self.info().key
    }
    /// URL slug.
    fn slug(&self) -> &str {
        &self.info().slug
    }
    /// Site path (`/articles/<slug>/`).
    fn path(&self) -> &str {
        &self.info().path
    }
}

impl Sourced for Article {
    fn info(&self) -> &DocInfo {
        &self.doc
    }
}

impl Sourced for Technique {
    fn info(&self) -> &DocInfo {
        &self.doc
    }
}

impl Sourced for Page {
    fn info(&self) -> &DocInfo {
        &self.doc
    }
}

impl Article {
    /// The rendered body.
    pub fn body(&self) -> &Rendered {
        &self.render.body
    }

    /// The rendered FAQs.
    pub fn faqs(&self) -> &[FaqItem] {
        &self.render.faqs
    }

    /// The article's own spelling of its benefit at `pos` in its front matter.
    pub fn benefit_name(&self, pos: usize) -> &str {
        self.meta.benefits.get(pos).map_or("", |n| n.trim())
    }

    /// The article's own spelling of its tag at `pos` in its front matter.
    pub fn tag_name(&self, pos: usize) -> &str {
        self.meta.tags.get(pos).map_or("", |n| n.trim())
    }

    /// Minutes to read at 200 words a minute, at least 1.
    pub fn reading_time(&self) -> usize {
        self.render.reading_words.div_ceil(200).max(1)
    }
}

/// A technique profile.
#[derive(Debug, Clone)]
pub struct Technique {
    /// The source (its text is not kept).
    pub doc: Arc<DocInfo>,
    /// Front matter.
    pub meta: Arc<TechniqueMeta>,
    /// Rendered body.
    pub render: Arc<DocRender>,
    /// Indices into [`Site::articles`] of the articles that use it, newest first.
    pub used_by: Vec<usize>,
}

/// A plain page or the home page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The source (its text is not kept).
    pub doc: Arc<DocInfo>,
    /// Front matter.
    pub meta: Arc<PageMeta>,
    /// Rendered body.
    pub render: Arc<DocRender>,
}

/// A benefit: a profile of `content/benefits/`, or (on a site without profiles) a name
/// one or more articles give.
#[derive(Debug, Clone)]
pub struct Benefit {
    /// The name shown on the benefit's pages: the profile's title, or the spelling of
    /// the newest article that claims it.
    pub name: String,
    /// URL slug derived from the name.
    pub slug: String,
    /// Site path, `/benefits/<slug>/`.
    pub path: String,
    /// Indices into [`Site::articles`], newest first.
    pub articles: Vec<usize>,
    /// The benefit's profile, on a site with profiles.
    pub profile: Option<Profile>,
}

impl Benefit {
    /// The strength of the evidence, from the profile.
    pub fn evidence(&self) -> Option<crate::source::meta::Evidence> {
        self.profile.as_ref().map(|p| p.meta.evidence)
    }
}

/// A tag: the articles that carry it.
#[derive(Debug, Clone)]
pub struct Tag {
    /// The name shown on the tag's own pages: the spelling of the newest article that
    /// carries it.
    pub name: String,
    /// URL slug derived from the name.
    pub slug: String,
    /// Site path, `/tags/<slug>/`.
    pub path: String,
    /// Indices into [`Site::articles`], newest first.
    pub articles: Vec<usize>,
}

/// A resolved menu entry.
#[derive(Debug, Clone)]
pub struct MenuLink {
    /// Link text.
    pub name: String,
    /// Final href.
    pub url: String,
}

/// The whole site, ready to render.
#[derive(Debug)]
pub struct Site {
    /// site.yaml.
    pub config: Config,
    /// content/index.md, if present.
    pub home: Option<Page>,
    /// Articles, newest first.
    pub articles: Vec<Article>,
    /// Techniques by title.
    pub techniques: Vec<Technique>,
    /// Benefits by the strength of their evidence (profiles), then by name.
    pub benefits: Vec<Benefit>,
    /// Tags by name.
    pub tags: Vec<Tag>,
    /// The old paths of pages, each to a redirect page.
    pub aliases: Vec<Alias>,
    /// Indices into [`Site::articles`] of the articles with FAQs, newest first.
    pub faq_articles: Vec<usize>,
    /// Plain pages by slug.
    pub pages: Vec<Page>,
    /// Files copied from content/.
    pub assets: Vec<Asset>,
    /// The site disclaimer, HTML.
    pub disclaimer_html: String,
    /// The main navigation.
    pub menu: Vec<MenuLink>,
    /// The link index (every page and file).
    pub links: Arc<LinkIndex>,
    /// The searchable documents in search index order
    /// ([`search_order::doc_order`]).
    pub search_order: Arc<[DocRef]>,
}

impl Site {
    /// The site paths of the processed images the pages show, each once, sorted.
    pub fn shown_images(&self) -> Vec<&str> {
        let renders = (self.articles.iter().map(|a| &a.render))
            .chain(self.techniques.iter().map(|t| &t.render))
            .chain(self.pages.iter().map(|p| &p.render))
            .chain(self.home.iter().map(|h| &h.render))
            .chain(
                self.benefits
                    .iter()
                    .filter_map(|b| b.profile.as_ref().map(|p| &p.render)),
            );
        let mut shown: Vec<&str> = renders.flat_map(|r| r.images.iter().map(|(p, _)| p.as_str())).collect();
        shown.sort_unstable();
        shown.dedup();
        shown
    }

    /// Lets go of the Markdown of the FAQ answers in the articles' front matter: it is
    /// rendered already ([`FaqItem::answer_html`]) and only `knead check` reads it again,
    /// and on a large site it is a large part of the model. Front matter that something
    /// else holds stays.
    pub fn drop_faq_sources(&mut self) {
        for a in &mut self.articles {
            if let Some(m) = Arc::get_mut(&mut a.meta) {
                for f in &mut m.faqs {
                    f.answer = String::new();
                }
            }
        }
    }
}

/// How to build the model.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings {
    /// Include drafts.
    pub drafts: bool,
    /// Gather reading statistics of bodies (for `knead check`).
    pub analyze: bool,
    /// Drop each document's text as soon as it is rendered, when nothing else holds the
    /// document (a clean build: the sources and their renders are then never all in
    /// memory at once). Messages made later (broken anchors) keep the lines they show.
    pub drop_texts: bool,
}

/// First-level URL segments knead uses itself; pages may not take them.
pub const RESERVED: &[&str] = &["articles", "techniques", "benefits", "tags", "faq", "search"];

/// Output files knead writes at the root besides pages.
pub const ROOT_FILES: &[&str] = &[
    "/sitemap.xml",
    "/feed.xml",
    "/robots.txt",
    "/404.html",
    "/search-index.json",
];

/// A built model.
pub struct Model {
    /// The site, ready to render.
    pub site: Site,
    /// Warnings found on the way.
    pub warnings: Vec<Diagnostic>,
    /// The Markdown renders (and front-matter stage) to reuse in the next build.
    pub cache: MarkdownCache,
}

/// Called by [`Assembly::render`] with each article's number (in [`Site::articles`]) and its
/// fresh render; the render's body HTML is dropped afterwards.
pub type EachArticle<'a> = dyn Fn(usize, &Arc<DocRender>) + Sync + 'a;

/// What [`Assembly::render`] made.
pub struct Renders {
    /// One render per document rendered, in the assembly's order.
    pub docs: Vec<Arc<DocRender>>,
    /// The Markdown cache for the next build.
    pub cache: MarkdownCache,
}

/// Builds the model from parsed docs. `theme` is the theme's static output paths
/// (`/style.css`) and the ids its templates use. Drafts are dropped unless `settings.drafts`. Renders in `cache`
/// are reused where still valid.
pub fn build(
    config: Config,
    docs: &mut [Arc<Doc>],
    assets: Vec<Asset>,
    theme: (&[String], &Arc<ReservedIds>),
    settings: Settings,
    cache: Option<&MarkdownCache>,
) -> Result<Model, Vec<Diagnostic>> {
    let assembly = Assembly::new(config, docs, assets, theme, settings, cache);
    let renders = assembly.render(docs, None);
    assembly.finish(docs, renders)
}

/// The model in three steps, for callers that act on each render as it is made: what
/// the front matter decides, with the site assembled around empty renders
/// ([`Assembly::new`]); every document's Markdown ([`Assembly::render`]); the anchor checks
/// and the renders put in place ([`Assembly::finish`]). A clean build writes each
/// article's page as soon as its Markdown is rendered, so the HTML of every body is
/// never held at once. [`build`] runs the three steps.
pub struct Assembly<'c> {
    outline: Arc<outline::Outline>,
    /// The front-matter stage's problems.
    problems: Vec<Diagnostic>,
    /// The disclaimer's and menu's problems (reported after the anchor checks').
    site_problems: Vec<Diagnostic>,
    /// Positions of the documents to render: articles, techniques, pages, home, benefit
    /// profiles.
    rendered: Vec<usize>,
    /// The site with empty renders; `None` when there are errors already.
    site: Option<Site>,
    settings: Settings,
    cache: Option<&'c MarkdownCache>,
    /// The site's language, for the Markdown.
    language: String,
    /// Menu links with an anchor, checked once every page is rendered.
    menu_anchors: Vec<checks::MenuAnchor>,
    /// The ids the theme's templates use, which content never takes.
    reserved: Arc<ReservedIds>,
    /// The site's processed images.
    images: Option<Arc<crate::images::Catalog>>,
}

impl<'c> Assembly<'c> {
    /// The front-matter stage (reused from `cache` when no front matter, path, asset or
    /// base path changed: a body edit in watch mode), the disclaimer and the menu, and
    /// the site assembled around empty renders. `theme` is the theme's static output
    /// paths and the ids its templates use.
    pub fn new(
        config: Config,
        docs: &[Arc<Doc>],
        assets: Vec<Asset>,
        (static_files, reserved): (&[String], &Arc<ReservedIds>),
        settings: Settings,
        cache: Option<&'c MarkdownCache>,
    ) -> Self {
        let outline = match cache.and_then(|c| c.outline.as_ref()) {
            Some(k) if k.matches(&config.base_path, docs, &assets, static_files, settings.drafts) => Arc::clone(k),
            _ => Arc::new(outline::Outline::build(
                &config.base_path,
                docs,
                &assets,
                static_files,
                settings.drafts,
            )),
        };
        let problems = outline.problems.clone();
        let rendered: Vec<usize> = (outline.articles.iter())
            .chain(&outline.techniques)
            .chain(&outline.pages)
            .chain(&outline.home)
            .chain(&outline.profiles)
            .copied()
            .collect();
        // Site-wide Markdown (the disclaimer) and the menu.
        let mut site_problems = Vec::new();
        let index = &outline.index;
        // The disclaimer is on the pages of articles and techniques: its ids (headings,
        // footnotes) join the theme's, which the pages' content never takes.
        let mut disclaimer_ids = IdSet::for_page(Arc::clone(reserved));
        let disclaimer_html = config.disclaimer.as_deref().map_or_else(String::new, |text| {
            let origin = TextOrigin {
                file: std::path::Path::new(crate::source::config::FILE),
                file_text: &config.source,
                placement: Placement::Fixed(line_of(&config.source, "disclaimer")),
                source_dir: "",
                page_path: "/",
                analyze: false,
                language: &config.language,
                citing: None,
                images: None,
            };
            markdown::render(text, &origin, index, &mut disclaimer_ids, &mut site_problems).html
        });
        let disclaimer_ids = disclaimer_ids.into_anchors();
        let reserved = if disclaimer_ids.is_empty() {
            Arc::clone(reserved)
        } else {
            Arc::new(reserved.with_shared(disclaimer_ids.iter()))
        };
        let (menu, menu_anchors) = resolve_menu(&config, index, &mut site_problems);
        let language = config.language.clone();
        let ok = !problems.iter().chain(&site_problems).any(Diagnostic::is_error);
        let site = ok.then(|| assemble(&outline, docs, config, assets, disclaimer_html, menu));
        Assembly {
            outline,
            problems,
            site_problems,
            rendered,
            site,
            settings,
            cache,
            language,
            menu_anchors,
            reserved,
            images: None,
        }
    }

    /// The assembly, rendering images with the processed versions of `images`.
    pub fn with_images(mut self, images: Arc<crate::images::Catalog>) -> Self {
        self.images = Some(images);
        self
    }

    /// The site with empty renders: every page but those that show rendered Markdown can
    /// be made from it, and an article's page from it and the article's render.
    /// `None` when the front matter, the menu or the disclaimer has errors.
    pub fn site(&self) -> Option<&Site> {
        self.site.as_ref()
    }

    /// Renders every document's Markdown in parallel, reusing the cache's renders where
    /// still valid. `each` is called with every fresh render of an article (never with a
    /// cached one), whose body HTML is dropped afterwards.
    pub fn render(&self, docs: &mut [Arc<Doc>], each: Option<&EachArticle<'_>>) -> Renders {
        let articles = self.outline.articles.len();
        let each_slot = |n: usize, r: &Arc<DocRender>| match each {
            Some(f) if n < articles => {
                f(n, r);
                true
            }
            _ => false,
        };
        let each_slot: Option<&docs::EachRender<'_>> = each.map(|_| &each_slot as &docs::EachRender<'_>);
        docs::render_all(
            docs,
            &self.rendered,
            (&self.outline.index, self.outline.fingerprint),
            (&self.reserved, &self.language, self.images.as_deref()),
            self.settings,
            self.cache,
            each_slot,
        )
    }

    /// Checks every anchor and puts the renders in place: the model, its warnings and
    /// the cache for the next build, or every error.
    pub fn finish(self, docs: &[Arc<Doc>], renders: Renders) -> Result<Model, Vec<Diagnostic>> {
        let Renders {
            docs: renders,
            cache: mut next_cache,
        } = renders;
        let Assembly {
            outline,
            mut problems,
            site_problems,
            rendered,
            site,
            cache,
            menu_anchors,
            reserved,
            ..
        } = self;
        let all_docs: Vec<&Arc<Doc>> = rendered.iter().map(|&i| &docs[i]).collect();
        // The last build's checks hold while documents keep their positions (same outline).
        let previous = cache
            .filter(|c| c.outline.as_ref().is_some_and(|k| Arc::ptr_eq(k, &outline)))
            .and_then(|c| c.links.as_deref());
        let checks = check_links(
            &all_docs,
            &renders,
            (&outline.rendered_at, &reserved),
            previous,
            &mut problems,
        );
        if cache.is_some() {
            next_cache.links = Some(Arc::new(checks));
        }
        problems.extend(site_problems);
        checks::check_menu_anchors(
            &menu_anchors,
            &renders,
            (&outline.rendered_at, &reserved),
            &mut problems,
        );
        let Some(mut site) = site.filter(|_| !problems.iter().any(Diagnostic::is_error)) else {
            return Err(problems);
        };
        let mut renders = renders.into_iter();
        let slots = (site.articles.iter_mut().map(|a| &mut a.render))
            .chain(site.techniques.iter_mut().map(|t| &mut t.render))
            .chain(site.pages.iter_mut().map(|p| &mut p.render))
            .chain(site.home.iter_mut().map(|h| &mut h.render))
            .chain(
                site.benefits
                    .iter_mut()
                    .filter_map(|b| b.profile.as_mut().map(|p| &mut p.render)),
            );
        for slot in slots {
            *slot = renders.next().unwrap_or_default();
        }
        next_cache.outline = Some(outline);
        Ok(Model {
            site,
            warnings: problems,
            cache: next_cache,
        })
    }
}

/// The site from the front-matter stage, every render empty.
fn assemble(
    outline: &outline::Outline,
    docs: &[Arc<Doc>],
    config: Config,
    assets: Vec<Asset>,
    disclaimer_html: String,
    menu: Vec<MenuLink>,
) -> Site {
    let empty = Arc::new(DocRender::default());
    let meta_of = |i: usize| (&docs[i], &docs[i].meta);
    let articles = outline.articles.iter().filter_map(|&i| match meta_of(i) {
        (d, Meta::Article(m)) => Some((d, m)),
        _ => None,
    });
    let mut site_articles: Vec<Article> = Vec::with_capacity(outline.articles.len());
    let each = (articles.zip(&outline.article_techniques))
        .zip(&outline.article_benefits)
        .zip(&outline.article_tags);
    for ((((d, m), techs), benefits), tags) in each {
        site_articles.push(Article {
            doc: Arc::clone(&d.info),
            meta: Arc::clone(m),
            render: Arc::clone(&empty),
            techniques: techs.clone(),
            benefits: benefits.clone(),
            tags: tags.clone(),
        });
    }
    let mut site_techniques: Vec<Technique> = (outline.techniques.iter())
        .filter_map(|&i| match meta_of(i) {
            (d, Meta::Technique(m)) => Some(Technique {
                doc: Arc::clone(&d.info),
                meta: Arc::clone(m),
                render: Arc::clone(&empty),
                used_by: Vec::new(),
            }),
            _ => None,
        })
        .collect();
    for (i, a) in site_articles.iter().enumerate() {
        for &t in &a.techniques {
            site_techniques[t].used_by.push(i);
        }
    }
    let page_of = |&i: &usize| match meta_of(i) {
        (d, Meta::Page(m)) => Some(Page {
            doc: Arc::clone(&d.info),
            meta: Arc::clone(m),
            render: Arc::clone(&empty),
        }),
        _ => None,
    };
    let faq_articles = (site_articles.iter().enumerate())
        .filter(|(_, a)| !a.meta.faqs.is_empty())
        .map(|(i, _)| i)
        .collect();
    Site {
        home: outline.home.as_ref().and_then(page_of),
        faq_articles,
        pages: outline.pages.iter().filter_map(page_of).collect(),
        config,
        articles: site_articles,
        techniques: site_techniques,
        benefits: outline.benefits.clone(),
        tags: outline.tags.clone(),
        aliases: outline.aliases.clone(),
        assets,
        disclaimer_html,
        menu,
        links: Arc::clone(&outline.index),
        search_order: Arc::clone(&outline.search_order),
    }
}
