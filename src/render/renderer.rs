//! The [`Renderer`]: renders planned outputs into bytes or straight into files. It makes
//! the values that many pages show (the `site` context, article summaries, technique and
//! benefit links) once, on first use, and keeps a copy of the busiest for each thread;
//! what each kind of page shows is in `pages`.

use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use tera::{Context, Tera};

use super::context::{self, Builder, Link};
use super::evidence::{BenefitLink, EvidenceCtx};
use super::pages::Output;
use super::plan::{Planned, article_file};
use super::template_errors::{Sources, template_error};
use super::templates::template_sources;
use crate::diagnostics::Diagnostic;
use crate::model::{Article, DocRender, Site};
use crate::source::theme::Theme;

/// Why [`Renderer::render_into`] failed.
#[derive(Debug)]
pub enum RenderError {
    /// A template error (or a page past the render limits).
    Template(Diagnostic),
    /// The output could not be written.
    Write(std::io::Error),
}

/// Renders planned pages. Shared pieces (the `site` context, article summaries) are
/// made once, on first use, so rendering a few pages in watch mode stays cheap.
pub struct Renderer<'a> {
    pub(super) site: &'a Site,
    tera: &'a Tera,
    pub(super) b: Builder<'a>,
    display: Sources<'a>,
    site_ctx: tera::Value,
    /// The values every article page shows, a copy for each thread of rayon's pool,
    /// made on first use: every template lookup counts a reference to a value, and two
    /// cores counting on one shared value take turns on its cache line.
    copies: Vec<OnceLock<Copies>>,
    summaries: OnceLock<Vec<tera::Value>>,
    technique_links: OnceLock<Vec<tera::Value>>,
    /// `technique` and `benefit` of each technique's and benefit's list pages, made
    /// once: a list of many pages shows the same profile on each.
    pub(super) subjects: (Vec<OnceLock<tera::Value>>, Vec<OnceLock<tera::Value>>),
    /// The site path of every page the sitemap lists.
    pub(super) page_paths: Vec<String>,
    search_shards: OnceLock<Arc<crate::search::Shards>>,
    search_cache: Option<&'a crate::search::ShardCache>,
    /// The theme's words in the site's language (`words`).
    words: tera::Value,
}

/// A thread's copy of the values that many pages show (see `Renderer::copies`).
pub(super) struct Copies {
    /// The `site` context.
    site: tera::Value,
    /// Each technique's link.
    pub(super) techniques: Vec<tera::Value>,
    /// Each benefit's link, named as the benefit is.
    pub(super) benefits: Vec<tera::Value>,
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
            display: template_sources(theme),
            site_ctx,
            copies: (0..rayon::current_num_threads()).map(|_| OnceLock::new()).collect(),
            summaries: OnceLock::new(),
            technique_links: OnceLock::new(),
            subjects: (
                site.techniques.iter().map(|_| OnceLock::new()).collect(),
                site.benefits.iter().map(|_| OnceLock::new()).collect(),
            ),
            page_paths: plan
                .iter()
                .filter(|p| p.path.ends_with("index.html") && p.kind.in_sitemap())
                .map(|p| format!("/{}", p.path.trim_end_matches("index.html")))
                .collect(),
            search_shards: OnceLock::new(),
            search_cache: None,
            words: tera::Value::from_serializable(&site.config.i18n.words),
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
    pub fn with_shards(self, shards: Arc<crate::search::Shards>) -> Self {
        let _ = self.search_shards.set(shards);
        self
    }

    /// The documents of the search index, in index order.
    pub(super) fn search_order(&self) -> &[crate::search::DocRef] {
        &self.site.search_order
    }

    /// The values of [`super::Input::SearchShard`] (a hash of each shard's bytes) and of
    /// [`super::Input::SearchManifest`] (a hash of the manifest's bytes).
    pub fn search_values(&self) -> (Vec<u64>, u64) {
        let shards = self.search_shards();
        let manifest = crate::search::manifest(self.search_order(), shards);
        (shards.file_hashes.clone(), crate::search::hash_bytes(0, &manifest))
    }

    /// The term shards of the search index, built on first use (on plain threads of
    /// their own: see [`crate::search::shards`]).
    pub(super) fn search_shards(&self) -> &crate::search::Shards {
        self.search_shards.get_or_init(|| {
            let n = crate::search::layout(self.site).shards;
            match self.search_cache {
                Some(cache) => cache.shards(self.site, self.search_order(), n),
                None => Arc::new(crate::search::shards(self.site, self.search_order(), n)),
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
    pub(super) fn summaries(&self) -> &[tera::Value] {
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
                tera::Value::from_serializable(&BenefitLink {
                    name: b.name.clone(),
                    url: self.b.href(&b.path),
                    evidence: b.evidence().map(EvidenceCtx::from),
                })
            })
            .collect()
    }

    /// The links to `a`'s benefits (see [`Builder::benefit_link`]): the shared value of
    /// `shared` (from [`Renderer::benefit_values`]) where the benefit has a profile or
    /// `a` spells it as the benefit is named, as most articles do, else a link of its own.
    pub(super) fn benefit_link_values(&self, a: &Article, shared: &[tera::Value]) -> Vec<tera::Value> {
        (a.benefits.iter())
            .map(|&(i, pos)| {
                let b = &self.site.benefits[i];
                match shared.get(i) {
                    Some(v) if b.profile.is_some() || a.benefit_name(pos) == b.name => v.clone(),
                    _ => tera::Value::from_serializable(&self.b.benefit_link(a, i, pos)),
                }
            })
            .collect()
    }

    pub(super) fn technique_links(&self) -> &[tera::Value] {
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

    pub(super) fn summaries_of(&self, idx: &[usize]) -> tera::Value {
        let all = self.summaries();
        tera::Value::from(idx.iter().map(|&i| all[i].clone()).collect::<Vec<_>>())
    }

    /// This thread's copy of the values many pages show, if it is one of rayon's.
    pub(super) fn copies(&self) -> Option<&Copies> {
        let copy = self.copies.get(rayon::current_thread_index()?)?;
        Some(copy.get_or_init(|| Copies {
            site: tera::Value::from_serializable(&self.b.site()),
            techniques: self.technique_values(),
            benefits: self.benefit_values(),
        }))
    }

    pub(super) fn base(&self, meta: context::MetaCtx<'_>, crumbs: Vec<Link>) -> Context {
        let mut c = Context::new();
        let site = self.copies().map_or(&self.site_ctx, |c| &c.site);
        c.insert_value("site", site.clone());
        c.insert("meta", &meta);
        c.insert("breadcrumbs", &crumbs);
        c.insert_value("words", self.words.clone());
        let i18n = &self.site.config.i18n;
        let versions = i18n.table.versions(i18n.index, &meta.url);
        c.insert("x_default", &i18n.table.x_default(&versions));
        c.insert("alternates", &versions);
        c.insert("languages", &i18n.table.switcher(i18n.index, &meta.url));
        c
    }

    /// The bytes of one planned output.
    pub fn render(&self, p: &Planned) -> Result<Vec<u8>, Diagnostic> {
        match self.output(p) {
            Output::Bytes(b) => Ok(b),
            Output::Page(template, c) => super::limits::render(self.tera, self.template_file(template), &c, &p.path)
                .map_err(|e| template_error(&e, &self.display)),
        }
    }

    /// Writes one planned output to `out` as it is rendered, so that a large page (the
    /// FAQ hub of a big site) is never held whole in memory.
    pub fn render_into(&self, p: &Planned, out: impl std::io::Write) -> Result<(), RenderError> {
        match self.output(p) {
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
    pub fn article_into(&self, i: usize, render: &Arc<DocRender>, out: impl std::io::Write) -> Result<(), RenderError> {
        // Field by field: cloning the article would count a reference on the empty
        // render that every article of the site holds until its own is in place.
        let own = &self.site.articles[i];
        let a = Article {
            doc: Arc::clone(&own.doc),
            meta: Arc::clone(&own.meta),
            render: Arc::clone(render),
            techniques: own.techniques.clone(),
            benefits: own.benefits.clone(),
            tags: own.tags.clone(),
        };
        let c = self.article(i, &a);
        self.page_into("article.html", &c, &article_file(self.site, i), out)
    }

    /// The template `name` with its file, for the messages of the render limits.
    fn template_file<'t>(&'t self, name: &'t str) -> super::limits::TemplateFile<'t> {
        let file = self
            .display
            .get(name)
            .map_or(std::path::Path::new(name), |(p, _)| p.as_path());
        super::limits::TemplateFile { name, file }
    }

    fn page_into(&self, template: &str, c: &Context, path: &str, out: impl std::io::Write) -> Result<(), RenderError> {
        match super::limits::render_into(self.tera, self.template_file(template), c, path, out) {
            Ok(()) => Ok(()),
            Err(super::limits::Failure::Template(e)) => Err(RenderError::Template(template_error(&e, &self.display))),
            Err(super::limits::Failure::Write(e)) => Err(RenderError::Write(e)),
        }
    }
}

/// An FAQ group's `faqs` on the FAQ page: [`faqs`], with the citations of the answers
/// leading to the source list on the article's page at `url` (see
/// [`super::evidence::answer_elsewhere`]).
pub(super) fn faqs_elsewhere(a: &Article, url: &str) -> tera::Value {
    if !a.faqs().iter().any(|f| super::evidence::cites(f.answer_html())) {
        return faqs(a);
    }
    #[derive(serde::Serialize)]
    struct Fields<'a> {
        id: &'a str,
        question: &'a str,
        answer: String,
    }
    let items = a.faqs().iter().map(|f| {
        tera::Value::from_serializable(&Fields {
            id: f.id(),
            question: f.question(),
            answer: super::evidence::answer_elsewhere(f.answer_html(), url),
        })
    });
    tera::Value::from(items.collect::<Vec<_>>())
}

/// `article.faqs` and an FAQ group's `faqs`: the template value of article `a`'s FAQs,
/// `[{ id, question, answer }]` (the answer as HTML), made for each page that shows them.
pub(super) fn faqs(a: &Article) -> tera::Value {
    #[derive(serde::Serialize)]
    struct Fields<'a> {
        id: &'a str,
        question: &'a str,
        answer: &'a str,
    }
    // Through serde: `tera::Value::from` a map made by hand builds the map again.
    let items = a.faqs().iter().map(|f| {
        tera::Value::from_serializable(&Fields {
            id: f.id(),
            question: f.question(),
            answer: f.answer_html(),
        })
    });
    tera::Value::from(items.collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The FAQs' template value: each FAQ's id, question and answer's HTML, in order.
    #[test]
    fn faq_values_hold_id_question_and_answer() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(
            "site.yaml",
            "title: T\nbase_url: https://example.org/\ndescription: D\n",
        );
        write(
            "content/articles/a.md",
            "---\ntitle: \"A\"\ndescription: \"d\"\ndate: 2025-01-01\nfaqs:\n  - question: \"Does it hurt?\"\n    answer: \"A little, *sometimes*.\"\n  - question: \"How long?\"\n    answer: \"An hour.\"\n---\n\nBody.\n",
        );
        let prepared = crate::build::pipeline::prepare(&crate::build::pipeline::Options {
            root: dir.path().to_path_buf(),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e:?}"));
        let a = &prepared.site.articles[0];
        assert_eq!(
            serde_json::to_value(faqs(a)).unwrap(),
            serde_json::json!([{
                "id": "faq-does-it-hurt",
                "question": "Does it hurt?",
                "answer": "<p>A little, <em>sometimes</em>.</p>\n",
            }, {
                "id": "faq-how-long",
                "question": "How long?",
                "answer": "<p>An hour.</p>\n",
            }])
        );
    }
}
