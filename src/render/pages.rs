//! What each kind of output shows: for a theme page, its template and context (one
//! function per [`PageKind`]); for a file knead makes itself (sitemap, feed, search
//! index), its bytes. What a page reads must match the inputs its plan declares (see
//! `plan`).

use serde::Serialize;
use tera::Context;

use super::context::{ArticleCtx, ImageCtx, PageCtx, TechniqueCtx, TitleLink};
use super::evidence::{self, BenefitItem, BenefitPage, EvidenceCtx};
use super::plan::{PageKind, Planned};
use super::renderer::{Renderer, faqs, faqs_elsewhere};
use super::{context, feeds, jsonld};
use crate::model::{Article, Sourced};

/// What [`Renderer::output`] makes of a planned output.
pub(super) enum Output {
    /// Made by knead (sitemap, feed, search files).
    Bytes(Vec<u8>),
    /// A theme template and its context.
    Page(&'static str, Context),
}

impl<'a> Renderer<'a> {
    /// One planned output: bytes made by knead, or a template and its context.
    pub(super) fn output(&self, p: &Planned) -> Output {
        let site = self.site;
        let (template, c) = match p.kind {
            PageKind::Sitemap => return Output::Bytes(feeds::sitemap(site, &self.page_paths).into_bytes()),
            PageKind::Feed => return Output::Bytes(feeds::atom(site).into_bytes()),
            PageKind::Robots => return Output::Bytes(feeds::robots(site).into_bytes()),
            PageKind::SearchScript => return Output::Bytes(crate::search::served_script().as_bytes().to_vec()),
            PageKind::SearchIndex => {
                return Output::Bytes(crate::search::manifest(self.search_order(), self.search_shards()));
            }
            PageKind::SearchShard(i) => return Output::Bytes(self.search_shards().files[i].clone()),
            PageKind::SearchDocs(k) => {
                return Output::Bytes(crate::search::doc_chunk(site, self.search_order(), k));
            }
            PageKind::Search => ("search.html", self.search_page()),
            PageKind::Home => ("index.html", self.home()),
            PageKind::ArticleList => ("articles.html", self.article_list()),
            PageKind::Article(i) => ("article.html", self.article(i, &site.articles[i])),
            PageKind::TechniqueList => ("techniques.html", self.technique_list()),
            PageKind::Technique(i) => ("technique.html", self.technique(i)),
            PageKind::BenefitList => ("benefits.html", self.benefit_list()),
            PageKind::Benefit(i) => ("benefit.html", self.benefit(i)),
            PageKind::Faq => ("faq.html", self.faq()),
            PageKind::Page(i) => ("page.html", self.page(i)),
            PageKind::NotFound => ("404.html", self.not_found()),
        };
        Output::Page(template, c)
    }

    /// `/search/`: the page the search script fills in.
    fn search_page(&self) -> Context {
        let b = &self.b;
        self.base(
            b.meta("Search", &self.site.config.description, "/search/"),
            b.crumbs(None),
        )
    }

    /// `/`: the home page's content (or the site's title and description), the newest
    /// articles and every technique.
    fn home(&self) -> Context {
        let (cfg, b) = (&self.site.config, &self.b);
        let (title, description, content, extra) = match &self.site.home {
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
        c
    }

    /// `/articles/`: every article's summary.
    fn article_list(&self) -> Context {
        let b = &self.b;
        let mut c = self.base(
            b.meta("Articles", &self.site.config.description, "/articles/"),
            b.crumbs(None),
        );
        c.insert_value("articles", tera::Value::from(self.summaries().to_vec()));
        c
    }

    /// `/techniques/`: every technique's link.
    fn technique_list(&self) -> Context {
        let b = &self.b;
        let mut c = self.base(
            b.meta("Techniques", &self.site.config.description, "/techniques/"),
            b.crumbs(None),
        );
        c.insert_value("techniques", tera::Value::from(self.technique_links().to_vec()));
        c
    }

    /// `/techniques/<slug>/`: the technique and the summaries of the articles that use it.
    fn technique(&self, i: usize) -> Context {
        let (t, b) = (&self.site.techniques[i], &self.b);
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
                references: evidence::sources(&t.meta.references, &t.render.cited),
                review: evidence::review(self.site, t.meta.last_reviewed, t.meta.reviewed_by.as_ref()),
                content: &t.render.body.html,
                url: b.href(t.path()),
                permalink: b.permalink(t.path()),
                extra: &t.meta.extra,
            },
        );
        c.insert_value("articles", self.summaries_of(&t.used_by));
        c
    }

    /// `/benefits/`: every benefit with its number of articles (and its grade and
    /// summary, from its profile), strongest evidence first.
    fn benefit_list(&self) -> Context {
        let b = &self.b;
        let mut c = self.base(
            b.meta("Benefits", &self.site.config.description, "/benefits/"),
            b.crumbs(None),
        );
        let list: Vec<BenefitItem<'_>> = (self.site.benefits.iter())
            .map(|x| BenefitItem {
                name: &x.name,
                url: b.href(&x.path),
                count: x.articles.len(),
                evidence: x.evidence().map(EvidenceCtx::from),
                summary: x.profile.as_ref().map(|p| p.meta.summary.as_str()),
            })
            .collect();
        c.insert("benefits", &list);
        c
    }

    /// `/benefits/<slug>/`: the benefit's profile (if any) and the summaries of the
    /// articles that claim it.
    fn benefit(&self, i: usize) -> Context {
        let (x, b) = (&self.site.benefits[i], &self.b);
        let description = match &x.profile {
            Some(p) => p.meta.summary.clone(),
            None => format!("Articles about massage for back pain and {}.", x.name.to_lowercase()),
        };
        let mut c = self.base(
            b.meta(&x.name, &description, &x.path),
            b.crumbs(Some(("Benefits", "/benefits/"))),
        );
        c.insert(
            "benefit",
            &BenefitPage::new(self.site, x, b.href(&x.path), b.permalink(&x.path)),
        );
        c.insert_value("articles", self.summaries_of(&x.articles));
        c
    }

    /// `/faq/`: `groups`, for each article with FAQs, `{ article: { title, url }, faqs:
    /// [{ id, question, answer }] }`. The FAQs are the values the article pages show,
    /// shared rather than made again: the hub shows every answer of the site.
    fn faq(&self) -> Context {
        #[derive(Serialize)]
        struct Group<'a> {
            article: TitleLink<'a>,
            faqs: tera::Value,
        }
        let b = &self.b;
        let mut c = self.base(
            b.meta("Frequently asked questions", &self.site.config.description, "/faq/"),
            b.crumbs(None),
        );
        let groups: Vec<tera::Value> = (self.site.articles.iter())
            .filter(|a| !a.faqs().is_empty())
            .map(|a| {
                tera::Value::from_serializable(&Group {
                    article: TitleLink {
                        title: &a.meta.title,
                        url: b.href(a.path()),
                    },
                    faqs: faqs_elsewhere(a, &b.href(a.path())),
                })
            })
            .collect();
        c.insert_value("groups", tera::Value::from(groups));
        c
    }

    /// `/<slug>/`: a plain page.
    fn page(&self, i: usize) -> Context {
        let (p, b) = (&self.site.pages[i], &self.b);
        let description = p.meta.description.as_deref().unwrap_or(&self.site.config.description);
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
        c
    }

    /// `/404.html`.
    fn not_found(&self) -> Context {
        let b = &self.b;
        self.base(
            b.meta("Page not found", &self.site.config.description, "/404.html"),
            Vec::new(),
        )
    }

    /// `/articles/<slug>/`: the context of article `i`'s page, `a` being the article
    /// (its render may not be in the site yet: see [`Renderer::article_into`]).
    pub(super) fn article(&self, i: usize, a: &Article) -> Context {
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
                next_review: evidence::review(site, a.meta.last_reviewed, None).next_review,
                reading_time: a.reading_time(),
                word_count: a.body().words,
                toc,
                toc_tree,
                content: &a.body().html,
                techniques: a.techniques.iter().map(|&t| techniques[t].clone()).collect(),
                benefits: self.benefit_link_values(a, benefits),
                faqs: faqs(a),
                references: evidence::sources(&a.meta.references, &a.render.cited),
                tags: &a.meta.tags,
                image,
                extra: &a.meta.extra,
            },
        );
        let neighbour = |n: &'a Article| TitleLink {
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
