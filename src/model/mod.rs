//! The site model: articles, techniques, benefits, FAQs and pages, with their URLs, the
//! links between them resolved and checked, and their Markdown rendered. Checks that
//! span files live here: duplicate slugs, techniques no file defines, links to missing
//! pages or anchors.

pub mod docs;

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::content::{ArticleMeta, PageMeta, TechniqueMeta};
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::discover::{Asset, Kind};
use crate::links::{LinkIndex, Resolved};
use crate::markdown::{self, LinkCheck, Origin, Placement, Rendered};
use crate::parse::{Doc, DocInfo, Meta};
use crate::slug::{self, IdSet};

pub use docs::{DocRender, MarkdownCache};

/// An FAQ ready for templates.
#[derive(Debug, Clone)]
pub struct FaqItem {
    /// Unique id on the article page.
    pub id: String,
    /// The question, plain text.
    pub question: String,
    /// The answer, HTML.
    pub answer: String,
}

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

/// A benefit claimed by one or more articles.
#[derive(Debug, Clone)]
pub struct Benefit {
    /// The name shown on the benefit's own pages: the spelling of the newest article
    /// that claims it.
    pub name: String,
    /// URL slug derived from the name.
    pub slug: String,
    /// Site path, `/benefits/<slug>/`.
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
    /// Benefits by name.
    pub benefits: Vec<Benefit>,
    /// Plain pages by slug.
    pub pages: Vec<Page>,
    /// Files copied from content/.
    pub assets: Vec<Asset>,
    /// The site disclaimer, HTML.
    pub disclaimer_html: String,
    /// The main navigation.
    pub menu: Vec<MenuLink>,
    /// The link index (every page and file).
    pub links: LinkIndex,
}

/// How to build the model.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings {
    /// Include drafts.
    pub drafts: bool,
    /// Gather reading statistics of bodies (for `knead check`).
    pub analyze: bool,
}

/// First-level URL segments knead uses itself; pages may not take them.
pub const RESERVED: &[&str] = &["articles", "techniques", "benefits", "faq", "search"];

/// Output files knead writes at the root besides pages.
pub const ROOT_FILES: &[&str] = &[
    "/sitemap.xml",
    "/feed.xml",
    "/robots.txt",
    "/404.html",
    "/search-index.json",
];

/// A built model, its warnings, and the Markdown renders to reuse next time.
pub type Built = (Site, Vec<Diagnostic>, MarkdownCache);

/// Builds the model from parsed docs. `static_files` are the theme's static output
/// paths (`/style.css`). Drafts are dropped unless `settings.drafts`. Renders in `cache`
/// are reused where still valid.
pub fn build(
    config: Config,
    docs: &[Arc<Doc>],
    assets: Vec<Asset>,
    static_files: &[String],
    settings: Settings,
    cache: Option<&MarkdownCache>,
) -> Result<Built, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut index = LinkIndex::new(&config.base_path);

    // Split by kind (drafts aside), sort, check duplicates.
    let mut articles: Vec<(&Arc<Doc>, &Arc<ArticleMeta>)> = Vec::new();
    let mut techniques: Vec<(&Arc<Doc>, &Arc<TechniqueMeta>)> = Vec::new();
    let mut pages: Vec<(&Arc<Doc>, &Arc<PageMeta>)> = Vec::new();
    let mut home: Option<(&Arc<Doc>, &Arc<PageMeta>)> = None;
    for d in docs {
        if d.is_draft() && !settings.drafts {
            index.add_draft(&d.content_path);
            continue;
        }
        match (d.kind, &d.meta) {
            (Kind::Article, Meta::Article(m)) => articles.push((d, m)),
            (Kind::Technique, Meta::Technique(m)) => techniques.push((d, m)),
            (Kind::Home, Meta::Page(m)) => home = Some((d, m)),
            (_, Meta::Page(m)) => pages.push((d, m)),
            _ => {}
        }
    }
    articles.sort_by(|a, b| b.1.date.cmp(&a.1.date).then_with(|| a.0.slug.cmp(&b.0.slug)));
    techniques.sort_by(|a, b| {
        a.1.title
            .to_lowercase()
            .cmp(&b.1.title.to_lowercase())
            .then_with(|| a.0.slug.cmp(&b.0.slug))
    });
    pages.sort_by(|a, b| a.0.slug.cmp(&b.0.slug));
    duplicates(articles.iter().map(|(d, _)| d.as_ref()), "article", &mut problems);
    duplicates(techniques.iter().map(|(d, _)| d.as_ref()), "technique", &mut problems);
    duplicates(pages.iter().map(|(d, _)| d.as_ref()), "page", &mut problems);
    for (d, _) in &pages {
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
            problems.push(diag);
        }
    }

    // Benefits, from every article, grouped by slug.
    let mut benefit_map: FxHashMap<&str, Benefit> = FxHashMap::default();
    for (i, (d, m)) in articles.iter().enumerate() {
        for (name, s) in m.benefits.iter().zip(&d.benefit_slugs) {
            let b = benefit_map.entry(s).or_insert_with(|| Benefit {
                name: name.trim().to_owned(),
                path: format!("/benefits/{s}/"),
                slug: s.clone(),
                articles: Vec::new(),
            });
            if b.articles.last() != Some(&i) {
                b.articles.push(i);
            }
        }
    }
    let mut benefits: Vec<Benefit> = benefit_map.into_values().collect();
    benefits.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let benefit_idx: FxHashMap<&str, usize> = benefits.iter().enumerate().map(|(i, b)| (b.slug.as_str(), i)).collect();

    // The link index: every page and file.
    for p in ["/", "/articles/", "/techniques/", "/benefits/", "/faq/", "/search/"] {
        index.add_page(None, p);
    }
    for (d, _) in articles
        .iter()
        .map(|(d, _)| (d, ()))
        .chain(techniques.iter().map(|(d, _)| (d, ())))
    {
        index.add_page(Some(&d.content_path), &d.path);
    }
    for (d, _) in pages.iter().chain(home.iter()) {
        index.add_page(Some(&d.content_path), &d.path);
    }
    for b in &benefits {
        index.add_page(None, &b.path);
    }
    for f in ROOT_FILES
        .iter()
        .map(|s| s.to_string())
        .chain(static_files.iter().cloned())
    {
        index.add_file(&f);
    }
    for a in &assets {
        let out = format!("/{}", a.out);
        let clobbers_page = out.ends_with("index.html") && index.has_page(out.trim_end_matches("index.html"));
        // /search/ holds the search index and script.
        if clobbers_page || ROOT_FILES.contains(&out.as_str()) || out.starts_with("/search/") {
            problems.push(
                Diagnostic::error(
                    format!("content/{}", a.out),
                    format!("this file would overwrite the generated {out}"),
                )
                .help("rename or move the file"),
            );
        }
        index.add_file(&out);
    }

    // Techniques named by articles must exist.
    let technique_idx: FxHashMap<&str, usize> = techniques
        .iter()
        .enumerate()
        .map(|(i, (d, _))| (d.slug.as_str(), i))
        .collect();
    let mut known_techniques: Vec<&str> = technique_idx.keys().copied().collect();
    known_techniques.sort_unstable();
    let mut article_techniques = Vec::with_capacity(articles.len());
    for (d, m) in &articles {
        let mut idx = Vec::new();
        for t in &m.techniques {
            match technique_idx.get(t.as_str()) {
                Some(&i) => {
                    if !idx.contains(&i) {
                        idx.push(i);
                    }
                }
                None => problems.push(missing_technique(d, t, &known_techniques)),
            }
        }
        article_techniques.push(idx);
    }

    // An article's image must exist in the site, like the images of its Markdown.
    for (d, m) in &articles {
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
            problems.push(diag);
        }
    }

    // Render all Markdown (in parallel, reusing what is still valid), then check anchors.
    let all_docs: Vec<&Arc<Doc>> = articles
        .iter()
        .map(|(d, _)| *d)
        .chain(techniques.iter().map(|(d, _)| *d))
        .chain(pages.iter().map(|(d, _)| *d))
        .chain(home.iter().map(|(d, _)| *d))
        .collect();
    let (renders, next_cache) = docs::render_all(&all_docs, &index, settings.analyze, cache);
    check_links(&all_docs, &renders, &mut problems);

    // Site-wide Markdown (the disclaimer) and the menu.
    let disclaimer_html = config.disclaimer.as_deref().map_or_else(String::new, |text| {
        let origin = Origin {
            file: std::path::Path::new(crate::config::FILE),
            file_text: &config.source,
            placement: Placement::Fixed(line_of(&config.source, "disclaimer")),
            source_dir: "",
            page_path: "/",
            analyze: false,
        };
        markdown::render(text, &origin, &index, &mut IdSet::default(), &mut problems).html
    });
    let menu = resolve_menu(&config, &index, &mut problems);

    if problems.iter().any(Diagnostic::is_error) {
        return Err(problems);
    }

    // Assemble.
    let mut renders = renders.into_iter();
    let mut site_articles: Vec<Article> = Vec::with_capacity(articles.len());
    for ((d, m), techs) in articles.into_iter().zip(article_techniques) {
        let mut benefits: Vec<(usize, usize)> = Vec::with_capacity(d.benefit_slugs.len());
        for (pos, s) in d.benefit_slugs.iter().enumerate() {
            if let Some(&i) = benefit_idx.get(s.as_str())
                && !benefits.iter().any(|(j, _)| *j == i)
            {
                benefits.push((i, pos));
            }
        }
        site_articles.push(Article {
            doc: Arc::clone(&d.info),
            meta: Arc::clone(m),
            render: renders.next().unwrap_or_default(),
            techniques: techs,
            benefits,
        });
    }
    let mut site_techniques: Vec<Technique> = techniques
        .into_iter()
        .map(|(d, m)| Technique {
            doc: Arc::clone(&d.info),
            meta: Arc::clone(m),
            render: renders.next().unwrap_or_default(),
            used_by: Vec::new(),
        })
        .collect();
    for (i, a) in site_articles.iter().enumerate() {
        for &t in &a.techniques {
            site_techniques[t].used_by.push(i);
        }
    }
    let mut page_of = |(d, m): (&Arc<Doc>, &Arc<PageMeta>)| Page {
        doc: Arc::clone(&d.info),
        meta: Arc::clone(m),
        render: renders.next().unwrap_or_default(),
    };
    let site_pages: Vec<Page> = pages.into_iter().map(&mut page_of).collect();
    let home = home.map(page_of);
    let site = Site {
        config,
        home,
        articles: site_articles,
        techniques: site_techniques,
        benefits,
        pages: site_pages,
        assets,
        disclaimer_html,
        menu,
        links: index,
    };
    Ok((site, problems, next_cache))
}

fn missing_technique(d: &Doc, t: &str, known: &[&str]) -> Diagnostic {
    let help = if known.is_empty() {
        format!("create content/techniques/{t}.md (try `knead new technique \"...\"`)")
    } else {
        format!("{} (or create content/techniques/{t}.md)", did_you_mean(t, known))
    };
    let msg = format!("no technique `{t}`: there is no content/techniques/{t}.md");
    match d.located() {
        Some(l) => l.error(&d.rel, l.item("techniques", t), msg).help(help),
        None => Diagnostic::error(&d.rel, msg).help(help),
    }
}

/// Checks every local link's `#anchor` against the ids of the page it points to.
fn check_links(docs: &[&Arc<Doc>], renders: &[Arc<DocRender>], problems: &mut Vec<Diagnostic>) {
    let anchors: FxHashMap<&str, &DocRender> = docs
        .iter()
        .zip(renders)
        .map(|(d, r)| (d.path.as_ref(), r.as_ref()))
        .collect();
    for (d, r) in docs.iter().zip(renders) {
        problems.extend(r.problems.iter().cloned());
        let checks: Vec<&LinkCheck> = r.body.links.iter().collect();
        for check in checks {
            let Some(anchor) = check.target.anchor.as_deref().filter(|a| !a.is_empty()) else {
                continue;
            };
            let Some(target) = anchors.get(check.target.path.as_str()) else {
                continue; // a generated page (lists, FAQ hub): no author-made anchors
            };
            if target.anchors.contains(anchor) || slug::RESERVED_IDS.contains(&anchor) {
                continue;
            }
            let mut known: Vec<&str> = target.anchors.iter().map(String::as_str).collect();
            known.retain(|k| !slug::RESERVED_IDS.contains(k));
            known.sort_unstable();
            let help = match crate::diagnostics::suggest(anchor, &known) {
                Some(k) => format!("did you mean `#{k}`?"),
                None if known.is_empty() => "that page has no headings to link to".to_owned(),
                None => format!(
                    "the page's anchors are: {}",
                    known.iter().map(|k| format!("#{k}")).collect::<Vec<_>>().join(", ")
                ),
            };
            problems.push(
                Diagnostic::error(
                    &d.rel,
                    format!("the anchor `#{anchor}` does not exist on {}", check.target.path),
                )
                .at(&d.text, check.pos.line, check.pos.column, check.pos.len)
                .help(help),
            );
        }
    }
}

fn resolve_menu(config: &Config, index: &LinkIndex, problems: &mut Vec<Diagnostic>) -> Vec<MenuLink> {
    let mut menu = Vec::new();
    for item in &config.menu {
        match index.resolve(&item.url, "", "/", false) {
            Ok(Resolved::External) => menu.push(MenuLink {
                name: item.name.clone(),
                url: item.url.clone(),
            }),
            Ok(Resolved::Local { href, .. }) => menu.push(MenuLink {
                name: item.name.clone(),
                url: href,
            }),
            Err(e) => {
                let (line, column) = config.menu_line(&item.url);
                problems.push(
                    Diagnostic::error(
                        crate::config::FILE,
                        format!("menu entry `{}`: {}", item.name, e.message),
                    )
                    .at(&config.source, line, column, item.url.chars().count())
                    .help(e.help),
                );
            }
        }
    }
    menu
}

fn line_of(source: &str, key: &str) -> crate::frontmatter::Pos {
    let line = source.lines().position(|l| l.starts_with(key)).map_or(1, |i| i + 1);
    crate::frontmatter::Pos {
        line,
        column: 1,
        len: key.len(),
    }
}

fn duplicates<'a>(docs: impl Iterator<Item = &'a Doc> + Clone, what: &str, problems: &mut Vec<Diagnostic>) {
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    let clashing: FxHashSet<&str> = docs
        .clone()
        .filter(|d| !seen.insert(&d.slug))
        .map(|d| d.slug.as_str())
        .collect();
    if clashing.is_empty() {
        return;
    }
    let mut by_slug: FxHashMap<&str, Vec<&Doc>> = FxHashMap::default();
    for d in docs.filter(|d| clashing.contains(d.slug.as_str())) {
        by_slug.entry(&d.slug).or_default().push(d);
    }
    let mut groups: Vec<Vec<&Doc>> = by_slug.into_values().collect();
    groups.sort_by(|a, b| a[0].slug.cmp(&b[0].slug));
    for group in &mut groups {
        group.sort_by(|a, b| a.rel.cmp(&b.rel));
        let first = group[0];
        for d in &group[1..] {
            let msg = format!(
                "the {what} slug `{}` is already used by {}",
                d.slug,
                first.rel.display()
            );
            let help = "give one of them another slug (`slug: ...` in the front matter, or rename the file)";
            let mut diag = Diagnostic::error(&d.rel, msg).help(help);
            if let Some(l) = d.located().filter(|l| l.split().yaml.contains("slug:")) {
                let p = l.key("slug");
                diag = diag.at(&d.text, p.line, p.column, p.len);
            }
            problems.push(diag);
        }
    }
}
