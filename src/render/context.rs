//! The template context: what each template receives, as serializable structs. This is
//! the theme boundary documented in `themes/default/README.md`; change both together.

use serde::Serialize;

use crate::markdown::TocEntry;
use crate::model::{Article, Site, Sourced};
use crate::source::date::{Date, Dated};
use crate::source::meta::{Extra, Pressure, Reviewer};

use super::evidence::{BenefitLink, EvidenceCtx, Review, SourceCtx};

/// `{ name, url }`: menu entries, breadcrumbs.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Text.
    pub name: String,
    /// Href.
    pub url: String,
}

/// URLs of knead's own sections.
#[derive(Debug, Clone, Serialize)]
pub struct Nav {
    /// Site path of the home page, base path included.
    pub home: String,
    /// Site path of the article list, base path included.
    pub articles: String,
    /// Site path of the technique list, base path included.
    pub techniques: String,
    /// Site path of the benefit list, base path included.
    pub benefits: String,
    /// Site path of the tag list, base path included.
    pub tags: String,
    /// Site path of the FAQ page, base path included.
    pub faq: String,
    /// Site path of the search page, base path included.
    pub search: String,
}

/// `site` on every template.
#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx<'a> {
    /// The site's name, from site.yaml.
    pub title: &'a str,
    /// The site's default meta description, from site.yaml.
    pub description: &'a str,
    /// The site's language (a BCP 47 tag), from site.yaml.
    pub language: &'a str,
    /// The default article author, from site.yaml, if any.
    pub author: Option<&'a str>,
    /// The absolute URL the site is published at, ending with `/`.
    pub base_url: &'a str,
    /// The path part of `base_url`, starting and ending with `/`.
    pub base_path: &'a str,
    /// The path the whole site is published at, where the theme's static files are:
    /// `base_path` but for a language under `/<code>/`.
    pub root_path: &'a str,
    /// `ltr`, or `rtl` for a language written right to left.
    pub dir: &'static str,
    /// The main navigation, from site.yaml.
    pub menu: Vec<Link>,
    /// The site disclaimer rendered from Markdown (HTML, may be empty).
    pub disclaimer_html: &'a str,
    /// Free data from site.yaml.
    pub extra: &'a Extra,
    /// Days from a page's last review to its next, from site.yaml.
    pub review_interval_days: u32,
    /// The URLs of the built-in sections.
    pub nav: Nav,
}

/// `meta` on every template.
#[derive(Debug, Clone, Serialize)]
pub struct MetaCtx<'a> {
    /// The page's own title, without the site name.
    pub title: &'a str,
    /// The meta description of the page.
    pub description: &'a str,
    /// Absolute URL of the page.
    pub permalink: String,
    /// Site path of the page, base path included.
    pub url: String,
}

/// A technique as linked from elsewhere.
#[derive(Debug, Clone, Serialize)]
pub struct TechniqueLink<'a> {
    /// The technique's title.
    pub title: &'a str,
    /// Site path of the technique's page, base path included.
    pub url: String,
    /// How firm the technique's pressure is.
    pub pressure: Pressure,
    /// The technique's summary.
    pub summary: &'a str,
}

/// An article as shown in lists. The links are [`TechniqueLink`]s and [`BenefitLink`]s,
/// or the renderer's shared template values of them.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleSummary<'a, T = TechniqueLink<'a>, B = BenefitLink> {
    /// The article's title.
    pub title: &'a str,
    /// The article's description.
    pub description: &'a str,
    /// Site path of the article, base path included.
    pub url: String,
    /// When the article was first published.
    pub date: Dated<'a>,
    /// When the article last changed substantively, if given.
    pub updated: Option<Dated<'a>>,
    /// The article's author, else the site's, if any.
    pub author: Option<&'a str>,
    /// Minutes it takes to read the article.
    pub reading_time: usize,
    /// The techniques the article uses.
    pub techniques: Vec<T>,
    /// The benefits the article claims.
    pub benefits: Vec<B>,
    /// Links to the article's tags, named as the article spells them.
    pub tags: Vec<Link>,
}

/// An article image.
#[derive(Debug, Clone, Serialize)]
pub struct ImageCtx<'a> {
    /// URL of the image.
    pub src: String,
    /// The image's alternative text.
    pub alt: &'a str,
    /// The image's absolute URL (for `og:image`): its widest processed version, or the
    /// file itself when it is not processed (SVG, GIF).
    pub url: String,
    /// The width of `url` in pixels, when processed.
    pub width: Option<u32>,
    /// Its height.
    pub height: Option<u32>,
    /// The whole `<img>` (or `<picture>`) of a processed image, not lazily loaded.
    pub html: Option<String>,
}

/// `article` on article.html.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleCtx<'a> {
    /// The article's title.
    pub title: &'a str,
    /// The article's description.
    pub description: &'a str,
    /// Site path of the article, base path included.
    pub url: String,
    /// Absolute URL of the article.
    pub permalink: String,
    /// When the article was first published.
    pub date: Dated<'a>,
    /// When the article last changed substantively, if given.
    pub updated: Option<Dated<'a>>,
    /// The article's author, else the site's, if any.
    pub author: Option<&'a str>,
    /// The clinical reviewer, if given.
    pub reviewed_by: Option<&'a Reviewer>,
    /// When the article was last reviewed, if given.
    pub last_reviewed: Option<Dated<'a>>,
    /// When the next review is due, if the article was reviewed.
    pub next_review: Option<Dated<'a>>,
    /// Minutes it takes to read the article.
    pub reading_time: usize,
    /// Number of words in the body.
    pub word_count: usize,
    /// The h2 and h3 headings, in order. See [`toc_values`].
    pub toc: tera::Value,
    /// The h2 and h3 headings as a tree. See [`toc_values`].
    pub toc_tree: tera::Value,
    /// The body (HTML).
    pub content: &'a str,
    /// Technique links (values the renderer shares between pages).
    pub techniques: Vec<tera::Value>,
    /// Benefit links: the profile's name and grade, or the article's own spelling.
    pub benefits: Vec<tera::Value>,
    /// The FAQs' template value, made once per render and shared with the FAQ hub.
    pub faqs: tera::Value,
    /// The sources the article relies on, numbered, with links back to the citations.
    pub references: Vec<SourceCtx<'a>>,
    /// Links to the article's tags, named as the article spells them.
    pub tags: Vec<Link>,
    /// The article's image, if any.
    pub image: Option<ImageCtx<'a>>,
    /// Free data from the front matter.
    pub extra: &'a Extra,
}

/// A heading of `article.toc`, and of `article.toc_tree` with its `children`.
#[derive(Serialize)]
struct TocValue<'a> {
    level: u8,
    id: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    children: Option<Vec<tera::Value>>,
}

/// `article.toc` and `article.toc_tree` as template values: the contents as a list, and
/// as a tree (each h2 with the h3 headings that follow it as `children`; an h3 before
/// the first h2 is an entry of its own), which themes print with two plain loops
/// (following `toc`'s levels in a template took 5 µs a page). An entry of the tree is
/// the same value as its entry in the list, which therefore has `children` too: each
/// heading's map is made once (making them twice was 2 % of a build's CPU).
pub fn toc_values(toc: &[TocEntry]) -> (tera::Value, tera::Value) {
    let value = |e: &TocEntry, children: Option<Vec<tera::Value>>| {
        tera::Value::from_serializable(&TocValue {
            level: e.level,
            id: &e.id,
            title: &e.title,
            children,
        })
    };
    let mut list: Vec<tera::Value> = Vec::with_capacity(toc.len());
    let mut tree: Vec<tera::Value> = Vec::new();
    let mut i = 0;
    while let Some(e) = toc.get(i) {
        // An h2 takes the h3 headings after it; anything else stands alone.
        let end = if e.level == 2 {
            (i + 1..toc.len()).find(|&k| toc[k].level <= 2).unwrap_or(toc.len())
        } else {
            i + 1
        };
        let children: Vec<tera::Value> = toc[i + 1..end].iter().map(|c| value(c, None)).collect();
        let node = value(e, Some(children.clone()));
        list.push(node.clone());
        list.extend(children);
        tree.push(node);
        i = end;
    }
    (tera::Value::from(list), tera::Value::from(tree))
}

/// `technique` on technique.html.
#[derive(Debug, Clone, Serialize)]
pub struct TechniqueCtx<'a> {
    /// The technique's title.
    pub title: &'a str,
    /// The technique's summary.
    pub summary: &'a str,
    /// How firm the technique's pressure is.
    pub pressure: Pressure,
    /// Other names of the technique.
    pub also_known_as: &'a [String],
    /// What the technique is good for.
    pub good_for: &'a [String],
    /// When to avoid the technique (contraindications).
    pub avoid_if: &'a [String],
    /// The sources, numbered, with links back to the citations.
    pub references: Vec<SourceCtx<'a>>,
    /// Review dates and reviewer.
    #[serde(flatten)]
    pub review: Review<'a>,
    /// The body (HTML).
    pub content: &'a str,
    /// Site path of the technique, base path included.
    pub url: String,
    /// Absolute URL of the technique.
    pub permalink: String,
    /// Free data from the front matter.
    pub extra: &'a Extra,
}

/// `page` on page.html and index.html.
#[derive(Debug, Clone, Serialize)]
pub struct PageCtx<'a> {
    /// The page's title.
    pub title: &'a str,
    /// The page's description, if any.
    pub description: Option<&'a str>,
    /// The body (HTML).
    pub content: &'a str,
    /// Site path of the page, base path included.
    pub url: String,
    /// Free data from the front matter.
    pub extra: &'a Extra,
}

/// A benefit or a tag with its number of articles: `/benefits/` and `/tags/` list them,
/// and a tag's pages show their tag.
#[derive(Debug, Clone, Serialize)]
pub struct CountedLink<'a> {
    /// The benefit's or tag's name.
    pub name: &'a str,
    /// Site path of its page, base path included.
    pub url: String,
    /// Number of its articles.
    pub count: usize,
}

/// `paginator` on the pages of a list: where this page is among the list's pages.
#[derive(Debug, Clone, Serialize)]
pub struct Paginator {
    /// This page's number, from 1.
    pub number: usize,
    /// How many pages the list has (at least 1).
    pub pages: usize,
    /// How many articles the whole list holds.
    pub total: usize,
    /// The most articles a page holds (`paginate_by`).
    pub per_page: usize,
    /// URL of the first page (the list's own URL).
    pub first: String,
    /// URL of the last page.
    pub last: String,
    /// URL of the page before, if any.
    pub previous: Option<String>,
    /// URL of the page after, if any.
    pub next: Option<String>,
    /// The pages to link by number: the first, the last, and the two on each side of
    /// this one, in order.
    pub links: Vec<PageLink>,
}

/// A page of a list, as [`Paginator::links`] names it.
#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    /// The page's number.
    pub number: usize,
    /// The page's URL.
    pub url: String,
    /// True for the page being rendered.
    pub current: bool,
    /// True when pages are left out between the link before and this one.
    pub gap_before: bool,
}

/// `{ title, url }` of a neighbouring article or an FAQ group's article.
#[derive(Debug, Clone, Serialize)]
pub struct TitleLink<'a> {
    /// The article's title.
    pub title: &'a str,
    /// Site path of the article, base path included.
    pub url: String,
}

/// Builds the shared pieces of context from the site once.
pub struct Builder<'a> {
    /// The site the context is made from.
    pub site: &'a Site,
}

impl<'a> Builder<'a> {
    /// The href of a site path.
    pub fn href(&self, path: &str) -> String {
        self.site.links.href(path)
    }

    /// The absolute URL of a site path.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.site.config.base_url, path.trim_start_matches('/'))
    }

    /// `site`.
    pub fn site(&self) -> SiteCtx<'a> {
        let s = self.site;
        SiteCtx {
            title: &s.config.title,
            description: &s.config.description,
            language: &s.config.language,
            author: s.config.author.as_deref(),
            base_url: &s.config.base_url,
            base_path: &s.config.base_path,
            root_path: &s.config.root_path,
            dir: crate::source::languages::dir(&s.config.language),
            menu: s
                .menu
                .iter()
                .map(|m| Link {
                    name: m.name.clone(),
                    url: m.url.clone(),
                })
                .collect(),
            disclaimer_html: &s.disclaimer_html,
            extra: &s.config.extra,
            review_interval_days: s.config.review_interval_days,
            nav: Nav {
                home: self.href("/"),
                articles: self.href("/articles/"),
                techniques: self.href("/techniques/"),
                benefits: self.href("/benefits/"),
                tags: self.href("/tags/"),
                faq: self.href("/faq/"),
                search: self.href("/search/"),
            },
        }
    }

    /// `meta` for the page at `path`.
    pub fn meta<'m>(&self, title: &'m str, description: &'m str, path: &str) -> MetaCtx<'m> {
        MetaCtx {
            title,
            description,
            permalink: self.permalink(path),
            url: self.href(path),
        }
    }

    /// A technique link by index.
    pub fn technique_link(&self, i: usize) -> TechniqueLink<'a> {
        let t = &self.site.techniques[i];
        TechniqueLink {
            title: &t.meta.title,
            url: self.href(t.path()),
            pressure: t.meta.pressure,
            summary: &t.meta.summary,
        }
    }

    /// The links to an article's benefits, named as their profiles, else as the article
    /// spells them (so an article's page depends on no other article's spelling).
    pub fn benefit_links(&self, a: &Article) -> Vec<BenefitLink> {
        a.benefits
            .iter()
            .map(|&(i, pos)| self.benefit_link(a, i, pos))
            .collect()
    }

    /// The link to benefit `i`, named as its profile, else as `a` spells it at `pos` of
    /// its front matter.
    pub fn benefit_link(&self, a: &Article, i: usize, pos: usize) -> BenefitLink {
        let b = &self.site.benefits[i];
        BenefitLink {
            name: match &b.profile {
                Some(_) => b.name.clone(),
                None => a.benefit_name(pos).to_owned(),
            },
            url: self.href(&b.path),
            evidence: b.evidence().map(EvidenceCtx::from),
        }
    }

    /// The links to an article's tags, named as the article spells them.
    pub fn tag_links(&self, a: &Article) -> Vec<Link> {
        (a.tags.iter())
            .map(|&(i, pos)| Link {
                name: a.tag_name(pos).to_owned(),
                url: self.href(&self.site.tags[i].path),
            })
            .collect()
    }

    /// `paginator` for page `number` of the list whose pages have the site paths
    /// `page_path(n)`, `pages` in all, holding `total` articles.
    pub fn paginator(
        &self,
        number: usize,
        pages: usize,
        total: usize,
        page_path: impl Fn(usize) -> String,
    ) -> Paginator {
        let url = |n: usize| self.href(&page_path(n));
        let near = number.saturating_sub(2)..=number.saturating_add(2);
        let mut links = Vec::new();
        let mut last_shown = 0;
        for n in (1..=pages).filter(|n| *n == 1 || *n == pages || near.contains(n)) {
            links.push(PageLink {
                number: n,
                url: url(n),
                current: n == number,
                gap_before: n > last_shown + 1,
            });
            last_shown = n;
        }
        Paginator {
            number,
            pages,
            total,
            per_page: self.site.config.paginate_by,
            first: url(1),
            last: url(pages),
            previous: (number > 1).then(|| url(number - 1)),
            next: (number < pages).then(|| url(number + 1)),
            links,
        }
    }

    /// The author shown for an article: its own, else the site's.
    pub fn author(&self, a: &'a Article) -> Option<&'a str> {
        a.meta.author.as_deref().or(self.site.config.author.as_deref())
    }

    /// `date` as this site's language writes it.
    pub fn dated(&self, date: Date) -> Dated<'a> {
        Dated(date, &self.site.config.i18n.dates)
    }

    /// An article summary by index.
    pub fn summary(&self, i: usize) -> ArticleSummary<'a> {
        let a = &self.site.articles[i];
        let techniques = a.techniques.iter().map(|&t| self.technique_link(t)).collect();
        self.summary_with(i, techniques, self.benefit_links(a))
    }

    /// The summary of article `i`, with the given links.
    pub fn summary_with<T, B>(&self, i: usize, techniques: Vec<T>, benefits: Vec<B>) -> ArticleSummary<'a, T, B> {
        let a = &self.site.articles[i];
        ArticleSummary {
            title: &a.meta.title,
            description: &a.meta.description,
            url: self.href(a.path()),
            date: self.dated(a.meta.date),
            updated: a.meta.updated.map(|d| self.dated(d)),
            author: self.author(a),
            reading_time: a.reading_time(),
            techniques,
            benefits,
            tags: self.tag_links(a),
        }
    }

    /// Breadcrumbs: home, then the given section.
    pub fn crumbs(&self, section: Option<(&str, &str)>) -> Vec<Link> {
        self.trail(section.as_slice())
    }

    /// Breadcrumbs: home, then each `(name, site path)` of `sections`.
    pub fn trail(&self, sections: &[(&str, &str)]) -> Vec<Link> {
        let mut v = vec![Link {
            name: self.site.config.word("nav_home", "Home").into(),
            url: self.href("/"),
        }];
        v.extend(sections.iter().map(|(name, path)| Link {
            name: (*name).into(),
            url: self.href(path),
        }));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toc_tree_nests_each_h3_under_the_h2_before_it() {
        let toc: Vec<TocEntry> = [
            (3, "intro"),
            (2, "a"),
            (3, "a1"),
            (3, "a2"),
            (2, "b"),
            (2, "c"),
            (3, "c1"),
        ]
        .iter()
        .map(|&(level, id)| TocEntry {
            level,
            id: id.into(),
            title: id.to_uppercase(),
        })
        .collect();
        let (list, tree) = toc_values(&toc);
        let (list, tree) = (
            serde_json::to_value(&list).unwrap(),
            serde_json::to_value(&tree).unwrap(),
        );
        // The list: every heading in order, with its level, id and title; the entries of
        // the tree are the same values, children included.
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), toc.len());
        for (item, e) in list.iter().zip(&toc) {
            assert_eq!(
                (item["level"].as_u64(), item["id"].as_str()),
                (Some(u64::from(e.level)), Some(e.id.as_str()))
            );
            assert_eq!(item["title"], e.id.to_uppercase());
            let node = tree.as_array().unwrap().iter().find(|n| n["id"] == item["id"]);
            match node {
                Some(node) => assert_eq!(node, item),
                None => assert_eq!(item.as_object().unwrap().len(), 3, "{item}"),
            }
        }
        let tree: Vec<(&str, Vec<&str>)> = (tree.as_array().unwrap().iter())
            .map(|n| {
                let children = n["children"].as_array().unwrap();
                for c in children {
                    assert_eq!(c.as_object().unwrap().len(), 3, "{c}");
                }
                (
                    n["id"].as_str().unwrap(),
                    children.iter().map(|c| c["id"].as_str().unwrap()).collect(),
                )
            })
            .collect();
        assert_eq!(
            tree,
            [
                ("intro", vec![]),
                ("a", vec!["a1", "a2"]),
                ("b", vec![]),
                ("c", vec!["c1"])
            ]
        );
    }
}
