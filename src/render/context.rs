//! The template context: what each template receives, as serializable structs. This is
//! the theme boundary documented in `themes/default/README.md`; change both together.

use serde::Serialize;

use crate::markdown::TocEntry;
use crate::model::{Article, Site, Sourced};
use crate::source::date::Date;
use crate::source::meta::{Extra, Pressure, Reference, Reviewer};

/// `{ name, url }`: menu entries, breadcrumbs, benefit links.
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
    pub home: String,
    pub articles: String,
    pub techniques: String,
    pub benefits: String,
    pub faq: String,
    pub search: String,
}

/// `site` on every template.
#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub author: Option<&'a str>,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub menu: Vec<Link>,
    pub disclaimer_html: &'a str,
    pub extra: &'a Extra,
    pub nav: Nav,
}

/// `meta` on every template.
#[derive(Debug, Clone, Serialize)]
pub struct MetaCtx<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub permalink: String,
    pub url: String,
}

/// A technique as linked from elsewhere.
#[derive(Debug, Clone, Serialize)]
pub struct TechniqueLink<'a> {
    pub title: &'a str,
    pub url: String,
    pub pressure: Pressure,
    pub summary: &'a str,
}

/// An article as shown in lists. The links are [`TechniqueLink`]s and [`Link`]s, or the
/// renderer's shared template values of them.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleSummary<'a, T = TechniqueLink<'a>, B = Link> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: String,
    pub date: Date,
    pub updated: Option<Date>,
    pub author: Option<&'a str>,
    pub reading_time: usize,
    pub techniques: Vec<T>,
    pub benefits: Vec<B>,
    pub tags: &'a [String],
}

/// An article image.
#[derive(Debug, Clone, Serialize)]
pub struct ImageCtx<'a> {
    pub src: String,
    pub alt: &'a str,
}

/// `article` on article.html.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleCtx<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: String,
    pub permalink: String,
    pub date: Date,
    pub updated: Option<Date>,
    pub author: Option<&'a str>,
    pub reviewed_by: Option<&'a Reviewer>,
    pub last_reviewed: Option<Date>,
    pub reading_time: usize,
    pub word_count: usize,
    /// See [`toc_values`].
    pub toc: tera::Value,
    pub toc_tree: tera::Value,
    pub content: &'a str,
    /// Technique links (values the renderer shares between pages).
    pub techniques: Vec<tera::Value>,
    /// Benefit links, named as the article spells them.
    pub benefits: Vec<tera::Value>,
    /// The FAQs' template value, made once per render and shared with the FAQ hub.
    pub faqs: tera::Value,
    pub references: &'a [Reference],
    pub tags: &'a [String],
    pub image: Option<ImageCtx<'a>>,
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
    pub title: &'a str,
    pub summary: &'a str,
    pub pressure: Pressure,
    pub also_known_as: &'a [String],
    pub good_for: &'a [String],
    pub avoid_if: &'a [String],
    pub content: &'a str,
    pub url: String,
    pub permalink: String,
    pub extra: &'a Extra,
}

/// `page` on page.html and index.html.
#[derive(Debug, Clone, Serialize)]
pub struct PageCtx<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub content: &'a str,
    pub url: String,
    pub extra: &'a Extra,
}

/// A benefit in the benefits list.
#[derive(Debug, Clone, Serialize)]
pub struct BenefitCtx<'a> {
    pub name: &'a str,
    pub url: String,
    pub count: usize,
}

/// `{ title, url }` of a neighbouring article or an FAQ group's article.
#[derive(Debug, Clone, Serialize)]
pub struct TitleLink<'a> {
    pub title: &'a str,
    pub url: String,
}

/// Builds the shared pieces of context from the site once.
pub struct Builder<'a> {
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
            nav: Nav {
                home: self.href("/"),
                articles: self.href("/articles/"),
                techniques: self.href("/techniques/"),
                benefits: self.href("/benefits/"),
                faq: self.href("/faq/"),
                search: self.href("/search/"),
            },
        }
    }

    /// `meta` for the page at `path`.
    pub fn meta(&self, title: &'a str, description: &'a str, path: &str) -> MetaCtx<'a> {
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

    /// The links to an article's benefits, named as the article spells them (so an
    /// article's page depends only on itself, not on how other articles spell them).
    pub fn benefit_links(&self, a: &Article) -> Vec<Link> {
        a.benefits
            .iter()
            .map(|&(i, pos)| self.benefit_link(a, i, pos))
            .collect()
    }

    /// The link to benefit `i`, named as `a` spells it at `pos` of its front matter.
    pub fn benefit_link(&self, a: &Article, i: usize, pos: usize) -> Link {
        Link {
            name: a.benefit_name(pos).to_owned(),
            url: self.href(&self.site.benefits[i].path),
        }
    }

    /// The author shown for an article: its own, else the site's.
    pub fn author(&self, a: &'a Article) -> Option<&'a str> {
        a.meta.author.as_deref().or(self.site.config.author.as_deref())
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
            date: a.meta.date,
            updated: a.meta.updated,
            author: self.author(a),
            reading_time: a.reading_time(),
            techniques,
            benefits,
            tags: &a.meta.tags,
        }
    }

    /// Breadcrumbs: home, then the given section.
    pub fn crumbs(&self, section: Option<(&str, &str)>) -> Vec<Link> {
        let mut v = vec![Link {
            name: "Home".into(),
            url: self.href("/"),
        }];
        if let Some((name, path)) = section {
            v.push(Link {
                name: name.into(),
                url: self.href(path),
            });
        }
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
