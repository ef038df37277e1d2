//! The site model: articles, techniques, benefits, FAQs and pages, with their URLs, the
//! links between them resolved and checked, and their Markdown rendered. Checks that
//! span files live here: duplicate slugs, techniques no file defines, links to missing
//! pages or anchors.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{ArticleMeta, PageMeta, TechniqueMeta};
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::discover::{Asset, Kind};
use crate::links::{LinkIndex, Resolved};
use crate::markdown::{self, LinkCheck, Origin, Placement, Rendered};
use crate::parse::{Doc, Meta};
use crate::slug::{self, IdSet};

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
    /// Source file, relative to the site root.
    pub rel: PathBuf,
    /// URL slug.
    pub slug: String,
    /// Site path, `/articles/<slug>/`.
    pub path: String,
    /// Front matter.
    pub meta: ArticleMeta,
    /// Rendered body.
    pub body: Rendered,
    /// Rendered FAQs.
    pub faqs: Vec<FaqItem>,
    /// Indices into [`Site::techniques`].
    pub techniques: Vec<usize>,
    /// Indices into [`Site::benefits`].
    pub benefits: Vec<usize>,
}

impl Article {
    /// Minutes to read at 200 words a minute, at least 1.
    pub fn reading_time(&self) -> usize {
        let faq_words: usize = self.faqs.iter().map(|f| f.answer.split_whitespace().count()).sum();
        (self.body.words + faq_words).div_ceil(200).max(1)
    }
}

/// A technique profile.
#[derive(Debug, Clone)]
pub struct Technique {
    /// Source file, relative to the site root.
    pub rel: PathBuf,
    /// URL slug (the file stem).
    pub slug: String,
    /// Site path, `/techniques/<slug>/`.
    pub path: String,
    /// Front matter.
    pub meta: TechniqueMeta,
    /// Rendered body.
    pub body: Rendered,
    /// Indices into [`Site::articles`] of the articles that use it, newest first.
    pub used_by: Vec<usize>,
}

/// A plain page or the home page.
#[derive(Debug, Clone)]
pub struct Page {
    /// Source file, relative to the site root.
    pub rel: PathBuf,
    /// URL slug (empty for home).
    pub slug: String,
    /// Site path.
    pub path: String,
    /// Front matter.
    pub meta: PageMeta,
    /// Rendered body.
    pub body: Rendered,
}

/// A benefit claimed by one or more articles.
#[derive(Debug, Clone)]
pub struct Benefit {
    /// As first written.
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
pub const ROOT_FILES: &[&str] = &["/sitemap.xml", "/feed.xml", "/robots.txt", "/404.html"];

/// Builds the model from parsed docs. `static_files` are the theme's static output
/// paths (`/style.css`). Drafts are dropped unless `drafts`.
/// On success, also returns the warnings found on the way.
pub fn build(
    config: Config,
    docs: Vec<Doc>,
    assets: Vec<Asset>,
    static_files: &[String],
    settings: Settings,
) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut index = LinkIndex::new(&config.base_path);
    let (docs, dropped): (Vec<Doc>, Vec<Doc>) = docs.into_iter().partition(|d| settings.drafts || !d.is_draft());
    for d in &dropped {
        index.add_draft(&d.content_path);
    }

    // Split by kind, sort, check duplicates.
    let mut articles: Vec<(Doc, Box<ArticleMeta>)> = Vec::new();
    let mut techniques: Vec<(Doc, Box<TechniqueMeta>)> = Vec::new();
    let mut pages: Vec<(Doc, Box<PageMeta>)> = Vec::new();
    let mut home: Option<(Doc, Box<PageMeta>)> = None;
    for d in docs {
        match (d.kind, d.meta.clone()) {
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
    duplicates(articles.iter().map(|(d, _)| d), "article", &mut problems);
    duplicates(techniques.iter().map(|(d, _)| d), "technique", &mut problems);
    duplicates(pages.iter().map(|(d, _)| d), "page", &mut problems);
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
    let mut benefit_map: BTreeMap<String, Benefit> = BTreeMap::new();
    for (i, (_, m)) in articles.iter().enumerate() {
        for name in &m.benefits {
            let s = slug::slugify(name);
            let b = benefit_map.entry(s.clone()).or_insert_with(|| Benefit {
                name: name.trim().to_owned(),
                path: format!("/benefits/{s}/"),
                slug: s,
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
    let benefit_idx: HashMap<&str, usize> = benefits.iter().enumerate().map(|(i, b)| (b.slug.as_str(), i)).collect();

    // The link index: every page and file.
    for p in ["/", "/articles/", "/techniques/", "/benefits/", "/faq/"] {
        index.add_page(None, p);
    }
    if let Some((d, _)) = &home {
        index.add_page(Some(&d.content_path), "/");
    }
    for (d, _) in &articles {
        index.add_page(Some(&d.content_path), &format!("/articles/{}/", d.slug));
    }
    for (d, _) in &techniques {
        index.add_page(Some(&d.content_path), &format!("/techniques/{}/", d.slug));
    }
    for (d, _) in &pages {
        index.add_page(Some(&d.content_path), &format!("/{}/", d.slug));
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
        if index.has_page(&out.replace("index.html", "")) && out.ends_with("index.html")
            || ROOT_FILES.contains(&out.as_str())
        {
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
    let technique_idx: HashMap<&str, usize> = techniques
        .iter()
        .enumerate()
        .map(|(i, (d, _))| (d.slug.as_str(), i))
        .collect();
    let known_techniques: Vec<&str> = {
        let mut v: Vec<&str> = technique_idx.keys().copied().collect();
        v.sort_unstable();
        v
    };
    let mut article_techniques = Vec::with_capacity(articles.len());
    for (d, m) in &articles {
        let mut idx = Vec::new();
        for t in &m.techniques {
            match technique_idx.get(t.as_str()) {
                Some(&i) => idx.push(i),
                None => {
                    let located = d.located();
                    let help = if known_techniques.is_empty() {
                        format!("create content/techniques/{t}.md (try `knead new technique \"...\"`)")
                    } else {
                        format!(
                            "{} (or create content/techniques/{t}.md)",
                            did_you_mean(t, &known_techniques)
                        )
                    };
                    let msg = format!("no technique `{t}`: there is no content/techniques/{t}.md");
                    problems.push(match located {
                        Some(l) => l.error(&d.rel, l.item("techniques", t), msg).help(help),
                        None => Diagnostic::error(&d.rel, msg).help(help),
                    });
                }
            }
        }
        article_techniques.push(idx);
    }

    // Render all Markdown in parallel.
    let rendered_articles: Vec<RenderedArticle> = articles
        .par_iter()
        .map(|(d, m)| render_article(d, m, &index, settings.analyze))
        .collect();
    let rendered_techniques: Vec<(Rendered, HashSet<String>, Vec<Diagnostic>)> = techniques
        .par_iter()
        .map(|(d, _)| render_body(d, &index, settings.analyze))
        .collect();
    let rendered_pages: Vec<(Rendered, HashSet<String>, Vec<Diagnostic>)> = pages
        .par_iter()
        .map(|(d, _)| render_body(d, &index, settings.analyze))
        .collect();
    let rendered_home = home.as_ref().map(|(d, _)| render_body(d, &index, settings.analyze));

    // Anchors of every page, then check every local link.
    let mut anchors: HashMap<String, HashSet<String>> = HashMap::new();
    let mut checks: Vec<(&PathBuf, &str, &LinkCheck)> = Vec::new();
    for ((d, _), (r, _, ids, p)) in articles.iter().zip(&rendered_articles) {
        anchors.insert(format!("/articles/{}/", d.slug), ids.clone());
        checks.extend(r.links.iter().map(|c| (&d.rel, d.text.as_str(), c)));
        problems.extend(p.iter().cloned());
    }
    for ((d, _), (r, ids, p)) in techniques.iter().zip(&rendered_techniques) {
        anchors.insert(format!("/techniques/{}/", d.slug), ids.clone());
        checks.extend(r.links.iter().map(|c| (&d.rel, d.text.as_str(), c)));
        problems.extend(p.iter().cloned());
    }
    for ((d, _), (r, ids, p)) in pages.iter().zip(&rendered_pages) {
        anchors.insert(format!("/{}/", d.slug), ids.clone());
        checks.extend(r.links.iter().map(|c| (&d.rel, d.text.as_str(), c)));
        problems.extend(p.iter().cloned());
    }
    if let (Some((d, _)), Some((r, ids, p))) = (&home, &rendered_home) {
        anchors.insert("/".to_owned(), ids.clone());
        checks.extend(r.links.iter().map(|c| (&d.rel, d.text.as_str(), c)));
        problems.extend(p.iter().cloned());
    }
    for (rel, text, check) in checks {
        let Some(anchor) = &check.target.anchor else {
            continue;
        };
        if anchor.is_empty() {
            continue;
        }
        if let Some(ids) = anchors.get(&check.target.path).filter(|ids| !ids.contains(anchor)) {
            let mut known: Vec<&str> = ids.iter().map(String::as_str).collect();
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
                    rel,
                    format!("the anchor `#{anchor}` does not exist on {}", check.target.path),
                )
                .at(text, check.pos.line, check.pos.column, check.pos.len)
                .help(help),
            );
        }
    }

    // Site-wide Markdown (disclaimer) and the menu.
    let mut disclaimer_problems = Vec::new();
    let disclaimer_html = config.disclaimer.as_deref().map_or_else(String::new, |text| {
        let origin = Origin {
            file: std::path::Path::new(crate::config::FILE),
            file_text: &config.source,
            placement: Placement::Fixed(line_of(&config.source, "disclaimer")),
            source_dir: "",
            page_path: "/",
            analyze: false,
        };
        markdown::render(text, &origin, &index, &mut IdSet::default(), &mut disclaimer_problems).html
    });
    problems.extend(disclaimer_problems);
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

    if problems.iter().any(Diagnostic::is_error) {
        return Err(problems);
    }

    // Assemble.
    let mut site_articles: Vec<Article> = Vec::with_capacity(articles.len());
    for (((d, m), (body, faqs, _, _)), techs) in articles.into_iter().zip(rendered_articles).zip(article_techniques) {
        let benefits = m
            .benefits
            .iter()
            .filter_map(|b| benefit_idx.get(slug::slugify(b).as_str()).copied())
            .fold(Vec::new(), |mut v, i| {
                if !v.contains(&i) {
                    v.push(i);
                }
                v
            });
        site_articles.push(Article {
            path: format!("/articles/{}/", d.slug),
            rel: d.rel,
            slug: d.slug,
            meta: *m,
            body,
            faqs,
            techniques: techs,
            benefits,
        });
    }
    let mut site_techniques: Vec<Technique> = techniques
        .into_iter()
        .zip(rendered_techniques)
        .map(|((d, m), (body, _, _))| Technique {
            path: format!("/techniques/{}/", d.slug),
            rel: d.rel,
            slug: d.slug,
            meta: *m,
            body,
            used_by: Vec::new(),
        })
        .collect();
    for (i, a) in site_articles.iter().enumerate() {
        for &t in &a.techniques {
            if site_techniques[t].used_by.last() != Some(&i) {
                site_techniques[t].used_by.push(i);
            }
        }
    }
    let site_pages = pages
        .into_iter()
        .zip(rendered_pages)
        .map(|((d, m), (body, _, _))| Page {
            path: format!("/{}/", d.slug),
            rel: d.rel,
            slug: d.slug,
            meta: *m,
            body,
        })
        .collect();
    let home = home.zip(rendered_home).map(|((d, m), (body, _, _))| Page {
        path: "/".into(),
        rel: d.rel,
        slug: String::new(),
        meta: *m,
        body,
    });
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
    Ok((site, problems))
}

fn line_of(source: &str, key: &str) -> crate::frontmatter::Pos {
    for (i, line) in source.lines().enumerate() {
        if line.starts_with(key) {
            return crate::frontmatter::Pos {
                line: i + 1,
                column: 1,
                len: key.len(),
            };
        }
    }
    crate::frontmatter::Pos {
        line: 1,
        column: 1,
        len: 1,
    }
}

fn duplicates<'a>(docs: impl Iterator<Item = &'a Doc>, what: &str, problems: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, &Doc> = HashMap::new();
    let mut all: Vec<&Doc> = docs.collect();
    all.sort_by(|a, b| a.rel.cmp(&b.rel));
    for d in all {
        if let Some(first) = seen.get(d.slug.as_str()) {
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
        } else {
            seen.insert(&d.slug, d);
        }
    }
}

fn dir_of(content_path: &str) -> &str {
    content_path.rfind('/').map_or("", |i| &content_path[..=i])
}

fn render_body(d: &Doc, index: &LinkIndex, analyze: bool) -> (Rendered, HashSet<String>, Vec<Diagnostic>) {
    let page_path = match d.kind {
        Kind::Home => "/".to_owned(),
        Kind::Technique => format!("/techniques/{}/", d.slug),
        Kind::Article => format!("/articles/{}/", d.slug),
        Kind::Page => format!("/{}/", d.slug),
    };
    let origin = Origin {
        file: &d.rel,
        file_text: &d.text,
        placement: Placement::Body(d.body_first_line),
        source_dir: dir_of(&d.content_path),
        page_path: &page_path,
        analyze,
    };
    let mut ids = IdSet::for_page();
    let mut problems = Vec::new();
    let r = markdown::render(d.body(), &origin, index, &mut ids, &mut problems);
    (r, ids.into_set(), problems)
}

/// An article's rendered body and FAQs, its anchors, and the problems found.
type RenderedArticle = (Rendered, Vec<FaqItem>, HashSet<String>, Vec<Diagnostic>);

fn render_article(d: &Doc, m: &ArticleMeta, index: &LinkIndex, analyze: bool) -> RenderedArticle {
    let page_path = format!("/articles/{}/", d.slug);
    let origin = Origin {
        file: &d.rel,
        file_text: &d.text,
        placement: Placement::Body(d.body_first_line),
        source_dir: dir_of(&d.content_path),
        page_path: &page_path,
        analyze,
    };
    let mut ids = IdSet::for_page();
    let mut problems = Vec::new();
    let body = markdown::render(d.body(), &origin, index, &mut ids, &mut problems);
    let located = d.located();
    let faqs = m
        .faqs
        .iter()
        .map(|f| {
            let needle: String = f.answer.lines().next().unwrap_or("").chars().take(40).collect();
            let pos = located.as_ref().map_or(
                crate::frontmatter::Pos {
                    line: 1,
                    column: 1,
                    len: 1,
                },
                |l| l.item("faqs", needle.trim()),
            );
            let origin = Origin {
                placement: Placement::Fixed(pos),
                analyze: false,
                ..origin_clone(&origin)
            };
            let answer = markdown::render(&f.answer, &origin, index, &mut IdSet::default(), &mut problems).html;
            let id = ids.unique(&format!("faq-{}", slug::heading_id(&f.question)));
            FaqItem {
                id,
                question: f.question.trim().to_owned(),
                answer,
            }
        })
        .collect();
    (body, faqs, ids.into_set(), problems)
}

fn origin_clone<'a>(o: &Origin<'a>) -> Origin<'a> {
    Origin {
        file: o.file,
        file_text: o.file_text,
        placement: o.placement,
        source_dir: o.source_dir,
        page_path: o.page_path,
        analyze: o.analyze,
    }
}
