//! What each kind of output shows: for a theme page, its template and context (one
//! function per [`PageKind`]); for a file knead makes itself (sitemap, feed, search
//! index), its bytes. What a page reads must match the inputs its plan declares (see
//! `plan`).

use serde::Serialize;
use tera::Context;

use super::context::{ArticleCtx, CountedLink, ImageCtx, PageCtx, TechniqueCtx, TitleLink};
use super::evidence::{self, BenefitItem, BenefitPage, EvidenceCtx};
use super::lists::{List, page_path};
use super::plan::{HOME_ARTICLES, PageKind, Planned};
use super::renderer::{Renderer, faqs, faqs_elsewhere};
use super::{context, feeds, jsonld, redirect};
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
            PageKind::SitemapPart(k) => {
                return Output::Bytes(feeds::sitemap_part(site, &self.page_paths, k).into_bytes());
            }
            PageKind::Redirect(list) => return Output::Bytes(redirect::page(site, list.path(site)).into_bytes()),
            PageKind::Alias(i) => return Output::Bytes(redirect::page(site, &site.aliases[i].to).into_bytes()),
            PageKind::Redirects => return Output::Bytes(redirect::rules(site).into_bytes()),
            PageKind::Feed => return Output::Bytes(feeds::atom(site).into_bytes()),
            PageKind::Robots => return Output::Bytes(feeds::robots(site).into_bytes()),
            PageKind::SearchScript => {
                let lang = crate::text::Lang::of(&self.site.config.language);
                return Output::Bytes(crate::search::served_script_for(lang).as_bytes().to_vec());
            }
            PageKind::SearchIndex => {
                return Output::Bytes(crate::search::manifest(self.search_order(), self.search_shards()));
            }
            PageKind::SearchShard(i) => return Output::Bytes(self.search_shards().files[i].clone()),
            PageKind::SearchDocs(k) => {
                return Output::Bytes(crate::search::doc_chunk(site, self.search_order(), k));
            }
            PageKind::Search => ("search.html", self.search_page()),
            PageKind::Home => ("index.html", self.home()),
            PageKind::Article(i) => ("article.html", self.article(i, &site.articles[i])),
            PageKind::List(list, n) => self.list_page(list, n),
            PageKind::TechniqueList => ("techniques.html", self.technique_list()),
            PageKind::BenefitList => ("benefits.html", self.benefit_list()),
            PageKind::TagList => ("tags.html", self.tag_list()),
            PageKind::Page(i) => ("page.html", self.page(i)),
            PageKind::NotFound => ("404.html", self.not_found()),
        };
        Output::Page(template, c)
    }

    /// `/search/`: the page the search script fills in.
    fn search_page(&self) -> Context {
        let b = &self.b;
        self.base(
            b.meta(
                self.site.config.word("search_title", "Search"),
                &self.site.config.description,
                "/search/",
            ),
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
            tera::Value::from(self.summaries().iter().take(HOME_ARTICLES).cloned().collect::<Vec<_>>()),
        );
        c.insert_value("techniques", tera::Value::from(self.technique_links().to_vec()));
        c
    }

    /// Page `n` of `list`: its template, and its context with the page's articles (their
    /// summaries, or for the FAQ hub their FAQs) and `paginator`.
    fn list_page(&self, list: List, n: usize) -> (&'static str, Context) {
        let (site, b) = (self.site, &self.b);
        let (name, path, pages) = (list.name(site), list.path(site), list.pages(site));
        let title = match n {
            1 => name.to_owned(),
            _ => (site.config.word("page_n_of", "{name}, page {n} of {pages}"))
                .replace("{name}", name)
                .replace("{n}", &n.to_string())
                .replace("{pages}", &pages.to_string()),
        };
        let description = match list {
            List::Technique(i) => site.techniques[i].meta.summary.clone(),
            List::Benefit(i) => match &site.benefits[i].profile {
                Some(p) => p.meta.summary.clone(),
                None => (site.config)
                    .word(
                        "benefit_description",
                        "Articles about massage for back pain and {name}.",
                    )
                    .replace("{name}", &name.to_lowercase()),
            },
            List::Tag(_) => (site.config)
                .word("tag_description", "Articles tagged {name}.")
                .replace("{name}", name),
            List::Articles | List::Faq => site.config.description.clone(),
        };
        let section = match list {
            List::Articles | List::Faq => None,
            List::Technique(_) => Some((site.config.word("nav_techniques", "Techniques"), "/techniques/")),
            List::Benefit(_) => Some((site.config.word("nav_benefits", "Benefits"), "/benefits/")),
            List::Tag(_) => Some((site.config.word("nav_tags", "Tags"), "/tags/")),
        };
        let mut trail: Vec<(&str, &str)> = section.into_iter().collect();
        if n > 1 {
            trail.push((name, path));
        }
        let mut c = self.base(b.meta(&title, &description, &page_path(path, n)), b.trail(&trail));
        let total = list.len(site);
        c.insert("paginator", &b.paginator(n, pages, total, |k| page_path(path, k)));
        let items = list.page(site, n);
        let template = match list {
            List::Articles => "articles.html",
            List::Faq => {
                c.insert_value("groups", self.faq_groups(&items));
                return ("faq.html", c);
            }
            List::Technique(i) => {
                let made = self.subjects.0.get(i).map(|v| {
                    v.get_or_init(|| tera::Value::from_serializable(&self.technique_ctx(i)))
                        .clone()
                });
                c.insert_value("technique", made.unwrap_or_else(|| tera::Value::from(())));
                "technique.html"
            }
            List::Benefit(i) => {
                let made = self.subjects.1.get(i).map(|v| {
                    v.get_or_init(|| {
                        let x = &site.benefits[i];
                        tera::Value::from_serializable(&BenefitPage::new(
                            site,
                            x,
                            b.href(&x.path),
                            b.permalink(&x.path),
                        ))
                    })
                    .clone()
                });
                c.insert_value("benefit", made.unwrap_or_else(|| tera::Value::from(())));
                "benefit.html"
            }
            List::Tag(i) => {
                let x = &site.tags[i];
                let tag = CountedLink {
                    name: &x.name,
                    url: b.href(&x.path),
                    count: total,
                };
                c.insert("tag", &tag);
                "tag.html"
            }
        };
        c.insert_value("articles", self.summaries_of(&items));
        (template, c)
    }

    /// `/techniques/`: every technique's link.
    fn technique_list(&self) -> Context {
        let b = &self.b;
        let mut c = self.base(
            b.meta(
                self.site.config.word("nav_techniques", "Techniques"),
                &self.site.config.description,
                "/techniques/",
            ),
            b.crumbs(None),
        );
        c.insert_value("techniques", tera::Value::from(self.technique_links().to_vec()));
        c
    }

    /// `technique` on the pages of technique `i`.
    fn technique_ctx(&self, i: usize) -> TechniqueCtx<'_> {
        let (t, b) = (&self.site.techniques[i], &self.b);
        TechniqueCtx {
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
        }
    }

    /// `/benefits/`: every benefit with its number of articles (and its grade and
    /// summary, from its profile), strongest evidence first.
    fn benefit_list(&self) -> Context {
        let b = &self.b;
        let mut c = self.base(
            b.meta(
                self.site.config.word("nav_benefits", "Benefits"),
                &self.site.config.description,
                "/benefits/",
            ),
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

    /// `/tags/`: every tag with its number of articles.
    fn tag_list(&self) -> Context {
        let (site, b) = (self.site, &self.b);
        let mut c = self.base(
            b.meta(site.config.word("nav_tags", "Tags"), &site.config.description, "/tags/"),
            b.crumbs(None),
        );
        let list: Vec<CountedLink<'_>> = (site.tags.iter())
            .map(|x| CountedLink {
                name: &x.name,
                url: b.href(&x.path),
                count: x.articles.len(),
            })
            .collect();
        c.insert("tags", &list);
        c
    }

    /// The FAQ hub's `groups` for the articles `items`: for each, `{ article: { title,
    /// url }, faqs: [{ id, question, answer }] }`. The FAQs are the values the article
    /// pages show, shared rather than made again.
    fn faq_groups(&self, items: &[usize]) -> tera::Value {
        #[derive(Serialize)]
        struct Group<'a> {
            article: TitleLink<'a>,
            faqs: tera::Value,
        }
        let b = &self.b;
        let groups: Vec<tera::Value> = (items.iter())
            .map(|&i| {
                let a = &self.site.articles[i];
                let url = b.href(a.path());
                tera::Value::from_serializable(&Group {
                    faqs: faqs_elsewhere(a, &url),
                    article: TitleLink {
                        title: &a.meta.title,
                        url,
                    },
                })
            })
            .collect();
        tera::Value::from(groups)
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
            b.meta(
                self.site.config.word("not_found_title", "Page not found"),
                &self.site.config.description,
                "/404.html",
            ),
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
            b.crumbs(Some((self.site.config.word("nav_articles", "Articles"), "/articles/"))),
        );
        let image = a.meta.image.as_ref().map(|img| {
            let src = match site.links.resolve(&img.src, "articles/", a.path(), true) {
                Ok(crate::markdown::links::Resolved::Local { href, .. }) => href,
                _ => img.src.clone(),
            };
            let lead = a.render.lead.as_ref();
            let shown = lead.map_or(src.as_str(), |p| p.src.as_str());
            ImageCtx {
                url: match site.links.site_path_of(shown) {
                    Some(path) => b.permalink(&path),
                    None => shown.to_owned(),
                },
                width: lead.map(|p| p.width),
                height: lead.map(|p| p.height),
                html: lead.map(|p| p.html(&img.alt, None, true)),
                src,
                alt: &img.alt,
            }
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
                date: b.dated(a.meta.date),
                updated: a.meta.updated.map(|d| b.dated(d)),
                author: b.author(a),
                reviewed_by: a.meta.reviewed_by.as_ref(),
                last_reviewed: a.meta.last_reviewed.map(|d| b.dated(d)),
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
                tags: b.tag_links(a),
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
