//! Rendering the site model with the theme's Tera templates into output files. Each
//! output records the inputs it read ([`Input`]), so a watcher can re-render exactly the
//! pages an edit affects. Templates get all their data in the context: there are no
//! template functions that reach into other pages.

pub mod context;
pub mod feeds;
pub mod jsonld;
pub mod limits;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use rayon::prelude::*;

use tera::{Context, Tera};

use crate::diagnostics::Diagnostic;
use crate::model::{Site, Sourced};
use crate::source::theme::Theme;
use context::{ArticleCtx, BenefitCtx, Builder, ImageCtx, Link, PageCtx, TechniqueCtx, TitleLink};

/// An input that a page reads: a part of the site model. Watch mode renders a page
/// again exactly when the value of one of its inputs changed (see
/// [`crate::build::incremental`]). Indices point into the [`Site`]'s lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Input {
    /// site.yaml, the menu, the disclaimer and the templates: every page reads them.
    Site,
    /// Everything of one article: front matter and rendered Markdown.
    Article(usize),
    /// What other pages show of an article: title, description, dates, author,
    /// techniques, benefits, tags, reading time, URL.
    ArticleListing(usize),
    /// The listings of every article, in order.
    AllArticleListings,
    /// An article's title, URL and FAQs, as the FAQ hub shows them.
    ArticleFaqs(usize),
    /// The FAQs of every article, in order.
    AllArticleFaqs,
    /// Everything of one technique.
    Technique(usize),
    /// What other pages show of a technique: title, summary, pressure, URL.
    TechniqueListing(usize),
    /// The listings of every technique, in order.
    AllTechniqueListings,
    /// Everything of one plain page.
    Page(usize),
    /// Everything of the home page's content file.
    Home,
    /// The bytes of search term shard `i`. Derived: the shards are made from every
    /// document (see [`crate::search::index`]) before pages are stamped, so an edit
    /// re-renders only the shards whose terms it changed.
    SearchShard(usize),
    /// The bytes of the search manifest (derived likewise: it names every shard's first
    /// term and hashes every index file).
    SearchManifest,
}

/// What a planned output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// `/`.
    Home,
    /// `/articles/`.
    ArticleList,
    /// `/articles/<slug>/`, by index into `Site::articles`.
    Article(usize),
    /// `/techniques/`.
    TechniqueList,
    /// `/techniques/<slug>/`.
    Technique(usize),
    /// `/benefits/`.
    BenefitList,
    /// `/benefits/<slug>/`.
    Benefit(usize),
    /// `/faq/`.
    Faq,
    /// `/<slug>/`.
    Page(usize),
    /// `/404.html`.
    NotFound,
    /// `/sitemap.xml`.
    Sitemap,
    /// `/feed.xml`.
    Feed,
    /// `/robots.txt`.
    Robots,
    /// `/search/`: the search page.
    Search,
    /// `/search/search.js`: the search script.
    SearchScript,
    /// `/search-index.json`: the search index manifest.
    SearchIndex,
    /// `/search/shards/<i>.json`: terms of the search index.
    SearchShard(usize),
    /// `/search/docs/<k>.json`: documents of the search index.
    SearchDocs(usize),
}

/// One output file to make: where, what, and from which inputs.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Path under the output folder, `/`-separated (`articles/x/index.html`).
    pub path: String,
    /// What it is.
    pub kind: PageKind,
    /// What it reads.
    pub inputs: Vec<Input>,
}

/// The templates every theme must have.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "index.html",
    "articles.html",
    "article.html",
    "techniques.html",
    "technique.html",
    "benefits.html",
    "benefit.html",
    "faq.html",
    "page.html",
    "404.html",
    "search.html",
];

fn template_error(e: &tera::Error, display: &HashMap<&str, (&PathBuf, &str)>) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let empty = PathBuf::new();
            let (path, text) = display.get(r.filename()).copied().unwrap_or((&empty, ""));
            let span = r.span();
            let len = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col)
            } else {
                1
            };
            let kind = if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            let mut d = Diagnostic::error(path.clone(), format!("{kind}: {}", r.message()));
            if span.start_line > 0 {
                d = d.at(text, span.start_line, span.start_col + 1, len);
            }
            d.help("fix the template; the Tera 2 syntax is described at https://keats.github.io/tera/")
        }
        tera::ErrorKind::MissingParent { current, parent } => {
            let path = display
                .get(current.as_str())
                .map_or_else(PathBuf::new, |(p, _)| (*p).clone());
            Diagnostic::error(path, format!("this template extends `{parent}`, which does not exist"))
                .help("check the name in `{% extends \"...\" %}`")
        }
        _ => {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(s) = src {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                src = s.source();
            }
            Diagnostic::error("templates", format!("template error: {msg}"))
        }
    }
}

/// Compiles the theme's templates, reporting every syntax error.
pub fn compile(theme: &Theme, theme_name: &str) -> Result<Tera, Vec<Diagnostic>> {
    let display: HashMap<&str, (&PathBuf, &str)> = theme
        .templates
        .iter()
        .map(|t| (t.name.as_str(), (&t.display, t.text.as_str())))
        .collect();
    let mut problems = Vec::new();
    // Parse each template alone first, so every syntax error is reported, not just one.
    for t in &theme.templates {
        let mut alone = Tera::new();
        if let Err(e) = alone.add_raw_template(&t.name, &t.text)
            && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
        {
            problems.push(template_error(&e, &display));
        }
    }
    for name in REQUIRED_TEMPLATES {
        if !display.contains_key(name) {
            problems.push(
                Diagnostic::error(format!("themes/{theme_name}/templates"), format!("the theme `{theme_name}` has no template `{name}`"))
                    .help(format!("add themes/{theme_name}/templates/{name} (the default theme's is a good start), or templates/{name} in the site")),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".htm", ".xml"]);
    tera.register_filter("safe", safe);
    tera.add_raw_templates(theme.templates.iter().map(|t| (t.name.as_str(), t.text.as_str())))
        .map_err(|e| vec![template_error(&e, &display)])?;
    Ok(tera)
}

/// Tera's `safe` filter without its copy: a string is marked safe as it is (Tera's own
/// copies it, and an article's body and JSON-LD went through it on every page); any
/// other value is written out and marked safe, as Tera's does.
fn safe(value: tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    if value.is_string() {
        value.mark_safe()
    } else {
        tera::Value::safe_string(&value.to_string())
    }
}

fn out_path(site_path: &str) -> String {
    format!("{}index.html", site_path.trim_start_matches('/'))
}

impl PageKind {
    /// Roughly how long the page takes to make, largest first: 0 for the FAQ hub (every
    /// FAQ of the site), 1 for the search manifest (it waits for the whole index), 2 for
    /// the other pages that list many articles, 3 for the rest.
    pub fn weight_rank(&self) -> u8 {
        match self {
            PageKind::Faq => 0,
            PageKind::SearchIndex => 1,
            PageKind::ArticleList | PageKind::Technique(_) | PageKind::Benefit(_) | PageKind::Sitemap => 2,
            PageKind::Home | PageKind::Feed => 2,
            _ => 3,
        }
    }
}

/// What [`Renderer::output`] makes of a planned output.
enum Output {
    /// Made by knead (sitemap, feed, search files).
    Bytes(Vec<u8>),
    /// A theme template and its context.
    Page(&'static str, Context),
}

/// Why [`Renderer::render_into`] failed.
#[derive(Debug)]
pub enum RenderError {
    /// A template error (or a page past the render limits).
    Template(Diagnostic),
    /// The output could not be written.
    Write(std::io::Error),
}

/// The output file of article `i`'s page.
pub fn article_file(site: &Site, i: usize) -> String {
    out_path(site.articles[i].path())
}

/// Every output file of the site, with the inputs each one reads.
pub fn plan(site: &Site) -> Vec<Planned> {
    use Input::*;
    let mut out = Vec::with_capacity(site.articles.len() + site.techniques.len() + site.benefits.len() + 16);
    let lists = || vec![Site, AllArticleListings, AllTechniqueListings];
    let mut home = lists();
    if site.home.is_some() {
        home.push(Home);
    }
    out.push(Planned {
        path: "index.html".into(),
        kind: PageKind::Home,
        inputs: home,
    });
    out.push(Planned {
        path: out_path("/articles/"),
        kind: PageKind::ArticleList,
        inputs: lists(),
    });
    // In parallel: 9 ms of one core at 10,000 articles, mostly cache misses.
    out.par_extend(site.articles.par_iter().enumerate().map(|(i, a)| {
        let mut inputs = Vec::with_capacity(4 + a.techniques.len());
        inputs.extend([Site, Article(i)]);
        if i + 1 < site.articles.len() {
            inputs.push(ArticleListing(i + 1));
        }
        if let Some(newer) = i.checked_sub(1) {
            inputs.push(ArticleListing(newer));
        }
        inputs.extend(a.techniques.iter().map(|&t| TechniqueListing(t)));
        Planned {
            path: article_file(site, i),
            kind: PageKind::Article(i),
            inputs,
        }
    }));
    let techniques = vec![Site, AllTechniqueListings];
    out.push(Planned {
        path: out_path("/techniques/"),
        kind: PageKind::TechniqueList,
        inputs: techniques.clone(),
    });
    for (i, t) in site.techniques.iter().enumerate() {
        let mut inputs = techniques.clone();
        inputs.push(Technique(i));
        inputs.extend(t.used_by.iter().map(|&a| ArticleListing(a)));
        out.push(Planned {
            path: out_path(t.path()),
            kind: PageKind::Technique(i),
            inputs,
        });
    }
    out.push(Planned {
        path: out_path("/benefits/"),
        kind: PageKind::BenefitList,
        inputs: lists(),
    });
    for (i, b) in site.benefits.iter().enumerate() {
        let mut inputs = techniques.clone();
        inputs.extend(b.articles.iter().map(|&a| ArticleListing(a)));
        out.push(Planned {
            path: out_path(&b.path),
            kind: PageKind::Benefit(i),
            inputs,
        });
    }
    out.push(Planned {
        path: out_path("/faq/"),
        kind: PageKind::Faq,
        inputs: vec![Site, AllArticleFaqs],
    });
    for (i, p) in site.pages.iter().enumerate() {
        out.push(Planned {
            path: out_path(p.path()),
            kind: PageKind::Page(i),
            inputs: vec![Site, Page(i)],
        });
    }
    out.push(Planned {
        path: "404.html".into(),
        kind: PageKind::NotFound,
        inputs: vec![Site],
    });
    // The sitemap lists every page (and the dates of articles); the feed the newest
    // articles; robots.txt only the base URL.
    let mut sitemap = lists();
    sitemap.extend((0..site.pages.len()).map(Page));
    out.push(Planned {
        path: "sitemap.xml".into(),
        kind: PageKind::Sitemap,
        inputs: sitemap,
    });
    let mut feed = vec![Site];
    feed.extend((0..site.articles.len().min(feeds::FEED_ENTRIES)).map(ArticleListing));
    out.push(Planned {
        path: "feed.xml".into(),
        kind: PageKind::Feed,
        inputs: feed,
    });
    out.push(Planned {
        path: "robots.txt".into(),
        kind: PageKind::Robots,
        inputs: vec![Site],
    });
    plan_search(site, &mut out);
    out
}

/// The search page, its script and the index files; the index reads every document.
fn plan_search(site: &Site, out: &mut Vec<Planned>) {
    use Input::*;
    out.push(Planned {
        path: out_path("/search/"),
        kind: PageKind::Search,
        inputs: vec![Site],
    });
    out.push(Planned {
        path: "search/search.js".into(),
        kind: PageKind::SearchScript,
        inputs: Vec::new(),
    });
    // The terms (and so the shards and the manifest) come from every document, through
    // the shards made from them; a file of document records only from its own documents.
    let layout = crate::search::layout(site);
    let order = &site.search_order;
    out.push(Planned {
        path: "search-index.json".into(),
        kind: PageKind::SearchIndex,
        inputs: vec![SearchManifest],
    });
    for i in 0..layout.shards {
        out.push(Planned {
            path: format!("search/shards/{i}.json"),
            kind: PageKind::SearchShard(i),
            inputs: vec![SearchShard(i)],
        });
    }
    for (k, docs) in order.chunks(crate::search::DOCS_PER_CHUNK).enumerate() {
        use crate::search::DocRef;
        out.push(Planned {
            path: format!("search/docs/{k}.json"),
            kind: PageKind::SearchDocs(k),
            inputs: docs
                .iter()
                .map(|&d| match d {
                    DocRef::Article(i) => Article(i),
                    DocRef::Technique(i) => Technique(i),
                    DocRef::Page(i) => Page(i),
                })
                .collect(),
        });
    }
}

/// Renders planned pages. Shared pieces (the `site` context, article summaries) are
/// made once, on first use, so rendering a few pages in watch mode stays cheap.
pub struct Renderer<'a> {
    site: &'a Site,
    tera: &'a Tera,
    b: Builder<'a>,
    display: HashMap<&'a str, (&'a PathBuf, &'a str)>,
    site_ctx: tera::Value,
    /// The values every article page shows, a copy for each thread of rayon's pool,
    /// made on first use: every template lookup counts a reference to a value, and two
    /// cores counting on one shared value take turns on its cache line.
    copies: Vec<OnceLock<Copies>>,
    summaries: OnceLock<Vec<tera::Value>>,
    technique_links: OnceLock<Vec<tera::Value>>,
    page_paths: Vec<String>,
    search_shards: OnceLock<std::sync::Arc<crate::search::Shards>>,
    search_cache: Option<&'a crate::search::ShardCache>,
}

/// A thread's copy of the values that many pages show (see `Renderer::copies`).
struct Copies {
    /// The `site` context.
    site: tera::Value,
    /// Each technique's link.
    techniques: Vec<tera::Value>,
    /// Each benefit's link, named as the benefit is.
    benefits: Vec<tera::Value>,
}

impl<'a> Renderer<'a> {
    /// A renderer for `site` with the compiled templates of `theme`. `plan` is the full
    /// plan of the site (the sitemap lists its pages).
    pub fn new(site: &'a Site, theme: &'a Theme, tera: &'a Tera, plan: &[Planned]) -> Self {
        let b = Builder { site };
        let site_ctx = tera::Value::from_serializable(&b.site());
        Renderer {
            site,
            tera,
            b,
            display: theme
                .templates
                .iter()
                .map(|t| (t.name.as_str(), (&t.display, t.text.as_str())))
                .collect(),
            site_ctx,
            copies: (0..rayon::current_num_threads()).map(|_| OnceLock::new()).collect(),
            summaries: OnceLock::new(),
            technique_links: OnceLock::new(),
            page_paths: plan
                .iter()
                .filter(|p| p.path.ends_with("index.html") && p.kind != PageKind::Search)
                .map(|p| format!("/{}", p.path.trim_end_matches("index.html")))
                .collect(),
            search_shards: OnceLock::new(),
            search_cache: None,
        }
    }

    /// Keeps the search index's terms in `cache` between renderers, so that the next
    /// one updates only what changed (watch mode).
    pub fn with_search_cache(mut self, cache: &'a crate::search::ShardCache) -> Self {
        self.search_cache = Some(cache);
        self
    }

    /// Uses `shards` as the search index's term shards (made beforehand, as
    /// [`crate::search::shards`] would make them).
    pub fn with_shards(self, shards: std::sync::Arc<crate::search::Shards>) -> Self {
        let _ = self.search_shards.set(shards);
        self
    }

    /// The documents of the search index, in index order.
    fn search_order(&self) -> &[crate::search::DocRef] {
        &self.site.search_order
    }

    /// The values of [`Input::SearchShard`] (a hash of each shard's bytes) and of
    /// [`Input::SearchManifest`] (a hash of the manifest's bytes).
    pub fn search_values(&self) -> (Vec<u64>, u64) {
        let shards = self.search_shards();
        let manifest = crate::search::manifest(self.search_order(), shards);
        (shards.file_hashes.clone(), crate::search::hash_bytes(0, &manifest))
    }

    /// The term shards of the search index, built on first use (on plain threads of
    /// their own: see [`crate::search::shards`]).
    fn search_shards(&self) -> &crate::search::Shards {
        self.search_shards.get_or_init(|| {
            let n = crate::search::layout(self.site).shards;
            match self.search_cache {
                Some(cache) => cache.shards(self.site, self.search_order(), n),
                None => std::sync::Arc::new(crate::search::shards(self.site, self.search_order(), n)),
            }
        })
    }

    /// The serialized `site` context: watch mode compares it between builds.
    pub fn site_context(&self) -> &tera::Value {
        &self.site_ctx
    }

    /// Every article summary ([`context::ArticleSummary`]), built once. The technique
    /// and benefit links that many summaries show are template values made once and
    /// shared (tera takes a value met while serializing as it is).
    fn summaries(&self) -> &[tera::Value] {
        self.summaries.get_or_init(|| {
            let techniques = self.technique_links();
            let benefits = self.benefit_values();
            (0..self.site.articles.len())
                .into_par_iter()
                .map(|i| {
                    let a = &self.site.articles[i];
                    let links: Vec<&tera::Value> = a.techniques.iter().map(|&t| &techniques[t]).collect();
                    let summary = self.b.summary_with(i, links, self.benefit_link_values(a, &benefits));
                    tera::Value::from_serializable(&summary)
                })
                .collect()
        })
    }

    /// Each benefit's link as a template value, named as the benefit is.
    fn benefit_values(&self) -> Vec<tera::Value> {
        (self.site.benefits.iter())
            .map(|b| {
                tera::Value::from_serializable(&Link {
                    name: b.name.clone(),
                    url: self.b.href(&b.path),
                })
            })
            .collect()
    }

    /// The links to `a`'s benefits, named as `a` spells them: the shared value of
    /// `shared` (from [`Renderer::benefit_values`]) where it spells them alike, as most
    /// articles do, else a link of its own.
    fn benefit_link_values(&self, a: &crate::model::Article, shared: &[tera::Value]) -> Vec<tera::Value> {
        (a.benefits.iter())
            .map(|&(i, pos)| match shared.get(i) {
                Some(v) if a.benefit_name(pos) == self.site.benefits[i].name => v.clone(),
                _ => tera::Value::from_serializable(&self.b.benefit_link(a, i, pos)),
            })
            .collect()
    }

    fn technique_links(&self) -> &[tera::Value] {
        self.technique_links.get_or_init(|| self.technique_values())
    }

    /// Each technique's link as a template value.
    fn technique_values(&self) -> Vec<tera::Value> {
        (0..self.site.techniques.len())
            .map(|i| tera::Value::from_serializable(&self.b.technique_link(i)))
            .collect()
    }

    /// Builds the pieces that list pages share (article summaries) now, on every core,
    /// rather than inside the first page that needs them while the other cores wait.
    pub fn warm_up(&self) {
        self.summaries();
    }

    fn summaries_of(&self, idx: &[usize]) -> tera::Value {
        let all = self.summaries();
        tera::Value::from(idx.iter().map(|&i| all[i].clone()).collect::<Vec<_>>())
    }

    /// This thread's copy of the values many pages show, if it is one of rayon's.
    fn copies(&self) -> Option<&Copies> {
        let copy = self.copies.get(rayon::current_thread_index()?)?;
        Some(copy.get_or_init(|| Copies {
            site: tera::Value::from_serializable(&self.b.site()),
            techniques: self.technique_values(),
            benefits: self.benefit_values(),
        }))
    }

    fn base(&self, meta: context::MetaCtx<'_>, crumbs: Vec<Link>) -> Context {
        let mut c = Context::new();
        let site = self.copies().map_or(&self.site_ctx, |c| &c.site);
        c.insert_value("site", site.clone());
        c.insert("meta", &meta);
        c.insert("breadcrumbs", &crumbs);
        c
    }

    /// The bytes of one planned output.
    pub fn render(&self, p: &Planned) -> Result<Vec<u8>, Diagnostic> {
        match self.output(p)? {
            Output::Bytes(b) => Ok(b),
            Output::Page(template, c) => {
                crate::render::limits::render(self.tera, self.template_file(template), &c, &p.path)
                    .map_err(|e| template_error(&e, &self.display))
            }
        }
    }

    /// Writes one planned output to `out` as it is rendered, so that a large page (the
    /// FAQ hub of a big site) is never held whole in memory.
    pub fn render_into(&self, p: &Planned, out: impl std::io::Write) -> Result<(), RenderError> {
        match self.output(p).map_err(RenderError::Template)? {
            Output::Bytes(b) => {
                let mut out = out;
                out.write_all(&b).map_err(RenderError::Write)
            }
            Output::Page(template, c) => self.page_into(template, &c, &p.path, out),
        }
    }

    /// Writes the page of article `i` to `out`, with `render` as the article's rendered
    /// Markdown (the site's own may still be empty: see [`crate::model::Assembly`]). The
    /// page is the one [`Renderer::render_into`] makes once the render is in the site.
    pub fn article_into(
        &self,
        i: usize,
        render: &std::sync::Arc<crate::model::DocRender>,
        out: impl std::io::Write,
    ) -> Result<(), RenderError> {
        // Field by field: cloning the article would count a reference on the empty
        // render that every article of the site holds until its own is in place.
        let own = &self.site.articles[i];
        let a = crate::model::Article {
            doc: std::sync::Arc::clone(&own.doc),
            meta: std::sync::Arc::clone(&own.meta),
            render: std::sync::Arc::clone(render),
            techniques: own.techniques.clone(),
            benefits: own.benefits.clone(),
        };
        let c = self.article(i, &a);
        self.page_into("article.html", &c, &article_file(self.site, i), out)
    }

    /// The template `name` with its file, for the messages of the render limits.
    fn template_file<'t>(&'t self, name: &'t str) -> crate::render::limits::TemplateFile<'t> {
        let file = self
            .display
            .get(name)
            .map_or(std::path::Path::new(name), |(p, _)| p.as_path());
        crate::render::limits::TemplateFile { name, file }
    }

    fn page_into(&self, template: &str, c: &Context, path: &str, out: impl std::io::Write) -> Result<(), RenderError> {
        match crate::render::limits::render_into(self.tera, self.template_file(template), c, path, out) {
            Ok(()) => Ok(()),
            Err(crate::render::limits::Failure::Template(e)) => {
                Err(RenderError::Template(template_error(&e, &self.display)))
            }
            Err(crate::render::limits::Failure::Write(e)) => Err(RenderError::Write(e)),
        }
    }

    /// One planned output: bytes made by knead, or a template and its context.
    fn output(&self, p: &Planned) -> Result<Output, Diagnostic> {
        let (site, b) = (self.site, &self.b);
        let (template, c) = match p.kind {
            PageKind::Sitemap => return Ok(Output::Bytes(feeds::sitemap(site, &self.page_paths).into_bytes())),
            PageKind::Feed => return Ok(Output::Bytes(feeds::atom(site).into_bytes())),
            PageKind::Robots => return Ok(Output::Bytes(feeds::robots(site).into_bytes())),
            PageKind::SearchScript => return Ok(Output::Bytes(crate::search::served_script().as_bytes().to_vec())),
            PageKind::SearchIndex => {
                return Ok(Output::Bytes(crate::search::manifest(
                    self.search_order(),
                    self.search_shards(),
                )));
            }
            PageKind::SearchShard(i) => return Ok(Output::Bytes(self.search_shards().files[i].clone())),
            PageKind::SearchDocs(k) => {
                return Ok(Output::Bytes(crate::search::doc_chunk(site, self.search_order(), k)));
            }
            PageKind::Search => (
                "search.html",
                self.base(b.meta("Search", &site.config.description, "/search/"), b.crumbs(None)),
            ),
            PageKind::Home => {
                let cfg = &site.config;
                let (title, description, content, extra) = match &site.home {
                    Some(h) => (
                        h.meta.title.as_str(),
                        h.meta.description.as_deref().unwrap_or(&cfg.description),
                        h.render.body.html.as_str(),
                        &h.meta.extra,
                    ),
                    None => (cfg.title.as_str(), cfg.description.as_str(), "", &cfg.extra),
                };
                let mut c = self.base(b.meta(title, description, "/"), Vec::new());
                c.insert(
                    "page",
                    &PageCtx {
                        title,
                        description: Some(description),
                        content,
                        url: b.href("/"),
                        extra,
                    },
                );
                c.insert_value(
                    "articles",
                    tera::Value::from(self.summaries().iter().take(6).cloned().collect::<Vec<_>>()),
                );
                c.insert_value("techniques", tera::Value::from(self.technique_links().to_vec()));
                ("index.html", c)
            }
            PageKind::ArticleList => {
                let mut c = self.base(
                    b.meta("Articles", &site.config.description, "/articles/"),
                    b.crumbs(None),
                );
                c.insert_value("articles", tera::Value::from(self.summaries().to_vec()));
                ("articles.html", c)
            }
            PageKind::Article(i) => ("article.html", self.article(i, &site.articles[i])),
            PageKind::TechniqueList => {
                let mut c = self.base(
                    b.meta("Techniques", &site.config.description, "/techniques/"),
                    b.crumbs(None),
                );
                c.insert_value("techniques", tera::Value::from(self.technique_links().to_vec()));
                ("techniques.html", c)
            }
            PageKind::Technique(i) => {
                let t = &site.techniques[i];
                let mut c = self.base(
                    b.meta(&t.meta.title, &t.meta.summary, t.path()),
                    b.crumbs(Some(("Techniques", "/techniques/"))),
                );
                c.insert(
                    "technique",
                    &TechniqueCtx {
                        title: &t.meta.title,
                        summary: &t.meta.summary,
                        pressure: t.meta.pressure,
                        also_known_as: &t.meta.also_known_as,
                        good_for: &t.meta.good_for,
                        avoid_if: &t.meta.avoid_if,
                        content: &t.render.body.html,
                        url: b.href(t.path()),
                        permalink: b.permalink(t.path()),
                        extra: &t.meta.extra,
                    },
                );
                c.insert_value("articles", self.summaries_of(&t.used_by));
                ("technique.html", c)
            }
            PageKind::BenefitList => {
                let mut c = self.base(
                    b.meta("Benefits", &site.config.description, "/benefits/"),
                    b.crumbs(None),
                );
                let list: Vec<BenefitCtx<'_>> = site
                    .benefits
                    .iter()
                    .map(|x| BenefitCtx {
                        name: &x.name,
                        url: b.href(&x.path),
                        count: x.articles.len(),
                    })
                    .collect();
                c.insert("benefits", &list);
                ("benefits.html", c)
            }
            PageKind::Benefit(i) => {
                let x = &site.benefits[i];
                let description = format!("Articles about massage for back pain and {}.", x.name.to_lowercase());
                let mut c = self.base(
                    b.meta(&x.name, &description, &x.path),
                    b.crumbs(Some(("Benefits", "/benefits/"))),
                );
                c.insert(
                    "benefit",
                    &Link {
                        name: x.name.clone(),
                        url: b.href(&x.path),
                    },
                );
                c.insert_value("articles", self.summaries_of(&x.articles));
                ("benefit.html", c)
            }
            PageKind::Faq => {
                let mut c = self.base(
                    b.meta("Frequently asked questions", &site.config.description, "/faq/"),
                    b.crumbs(None),
                );
                c.insert_value("groups", b.faq_groups());
                ("faq.html", c)
            }
            PageKind::Page(i) => {
                let p = &site.pages[i];
                let description = p.meta.description.as_deref().unwrap_or(&site.config.description);
                let mut c = self.base(b.meta(&p.meta.title, description, p.path()), b.crumbs(None));
                c.insert(
                    "page",
                    &PageCtx {
                        title: &p.meta.title,
                        description: p.meta.description.as_deref(),
                        content: &p.render.body.html,
                        url: b.href(p.path()),
                        extra: &p.meta.extra,
                    },
                );
                ("page.html", c)
            }
            PageKind::NotFound => (
                "404.html",
                self.base(
                    b.meta("Page not found", &site.config.description, "/404.html"),
                    Vec::new(),
                ),
            ),
        };
        Ok(Output::Page(template, c))
    }

    /// The context of article `i`'s page, `a` being the article.
    fn article(&self, i: usize, a: &crate::model::Article) -> Context {
        let (site, b) = (self.site, &self.b);
        let permalink = b.permalink(a.path());
        let mut c = self.base(
            b.meta(&a.meta.title, &a.meta.description, a.path()),
            b.crumbs(Some(("Articles", "/articles/"))),
        );
        let image = a.meta.image.as_ref().map(|img| ImageCtx {
            src: match site.links.resolve(&img.src, "articles/", a.path(), true) {
                Ok(crate::markdown::links::Resolved::Local { href, .. }) => href,
                _ => img.src.clone(),
            },
            alt: &img.alt,
        });
        let (toc, toc_tree) = context::toc_values(&a.body().toc);
        // Off rayon's threads (a single page), the shared links, or links of its own.
        let (techniques, benefits) = match self.copies() {
            Some(copies) => (&copies.techniques[..], &copies.benefits[..]),
            None => (self.technique_links(), &[][..]),
        };
        c.insert(
            "article",
            &ArticleCtx {
                title: &a.meta.title,
                description: &a.meta.description,
                url: b.href(a.path()),
                permalink: permalink.clone(),
                date: a.meta.date,
                updated: a.meta.updated,
                author: b.author(a),
                reviewed_by: a.meta.reviewed_by.as_ref(),
                last_reviewed: a.meta.last_reviewed,
                reading_time: a.reading_time(),
                word_count: a.body().words,
                toc,
                toc_tree,
                content: &a.body().html,
                techniques: a.techniques.iter().map(|&t| techniques[t].clone()).collect(),
                benefits: self.benefit_link_values(a, benefits),
                faqs: b.faqs(a),
                references: &a.meta.references,
                tags: &a.meta.tags,
                image,
                extra: &a.meta.extra,
            },
        );
        let neighbour = |n: &'a crate::model::Article| TitleLink {
            title: &n.meta.title,
            url: b.href(n.path()),
        };
        if let Some(older) = site.articles.get(i + 1) {
            c.insert("previous", &neighbour(older));
        }
        if let Some(newer) = i.checked_sub(1).and_then(|j| site.articles.get(j)) {
            c.insert("next", &neighbour(newer));
        }
        c.insert("json_ld", &jsonld::article(site, a, &permalink));
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `safe` is Tera's filter but for the copy: strings unescaped, other values
    /// written out.
    #[test]
    fn safe_filter_writes_what_teras_writes() {
        let template = r#"{{ s | safe }}|{{ s }}|{{ n | safe }}|{{ list | safe }}|{{ "<i>" ~ s | safe }}"#;
        let mut context = Context::new();
        context.insert("s", "<b>&</b>");
        context.insert("n", &42);
        context.insert("list", &["<a>", "b"]);
        let render = |ours: bool| {
            let mut tera = Tera::new();
            tera.autoescape_on([".html"]);
            if ours {
                tera.register_filter("safe", safe);
            }
            tera.add_raw_template("t.html", template).map_err(|e| e.to_string())?;
            tera.render("t.html", &context).map_err(|e| e.to_string())
        };
        let theirs = render(false);
        assert_eq!(render(true), theirs);
        assert!(theirs.is_ok_and(|t| t.starts_with("<b>&</b>|&lt;b&gt;&amp;&lt;/b&gt;|42|")));
    }
}
