//! Rendering the site model with the theme's Tera templates into output files. Each
//! output records the inputs it read ([`Input`]), so a watcher can re-render exactly the
//! pages an edit affects. Templates get all their data in the context: there are no
//! template functions that reach into other pages.

pub mod context;
pub mod feeds;
pub mod jsonld;

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::theme::Theme;
use context::{ArticleCtx, BenefitCtx, Builder, FaqGroup, ImageCtx, Link, PageCtx, TechniqueCtx, TitleLink};

/// What an output file was made from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Input {
    /// site.yaml and the templates: every page reads them.
    Site,
    /// Everything in one content file.
    Source(PathBuf),
    /// Only the fields of a content file that lists show (title, description, dates,
    /// techniques, benefits, summary, pressure).
    Listing(PathBuf),
    /// The list of articles itself (which exist, in what order).
    ArticleSet,
}

/// One file of the output.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Path under the output folder, `/`-separated (`articles/x/index.html`).
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
    /// What it was made from.
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
    tera.add_raw_templates(theme.templates.iter().map(|t| (t.name.as_str(), t.text.as_str())))
        .map_err(|e| vec![template_error(&e, &display)])?;
    Ok(tera)
}

/// One page to render: its template, output path, inputs and context.
struct Job {
    template: &'static str,
    path: String,
    inputs: Vec<Input>,
    context: Context,
}

fn out_path(site_path: &str) -> String {
    format!("{}index.html", site_path.trim_start_matches('/'))
}

/// Renders every page and generated file of the site.
pub fn render(site: &Site, theme: &Theme, tera: &Tera) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let b = Builder { site };
    let site_ctx = tera::Value::from_serializable(&b.site());
    let base = |meta: context::MetaCtx<'_>, crumbs: Vec<Link>| {
        let mut c = Context::new();
        c.insert_value("site", site_ctx.clone());
        c.insert("meta", &meta);
        c.insert("breadcrumbs", &crumbs);
        c
    };
    let summaries: Vec<tera::Value> = (0..site.articles.len())
        .map(|i| tera::Value::from_serializable(&b.summary(i)))
        .collect();
    let summaries_of = |idx: &[usize]| -> Vec<tera::Value> { idx.iter().map(|&i| summaries[i].clone()).collect() };
    let listing_all = || -> Vec<Input> {
        let mut v = vec![Input::Site, Input::ArticleSet];
        v.extend(site.articles.iter().map(|a| Input::Listing(a.rel.clone())));
        v.extend(site.techniques.iter().map(|t| Input::Listing(t.rel.clone())));
        v
    };
    let all_techniques: Vec<tera::Value> = (0..site.techniques.len())
        .map(|i| tera::Value::from_serializable(&b.technique_link(i)))
        .collect();
    let mut jobs: Vec<Job> =
        Vec::with_capacity(site.articles.len() + site.techniques.len() + site.pages.len() + site.benefits.len() + 8);

    // Home.
    {
        let (title, description, content, extra, rel) = match &site.home {
            Some(h) => (
                h.meta.title.as_str(),
                h.meta.description.as_deref().unwrap_or(&site.config.description),
                h.body.html.as_str(),
                &h.meta.extra,
                Some(h.rel.clone()),
            ),
            None => (
                site.config.title.as_str(),
                site.config.description.as_str(),
                "",
                &site.config.extra,
                None,
            ),
        };
        let mut c = base(b.meta(title, description, "/"), Vec::new());
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
            tera::Value::from(summaries.iter().take(6).cloned().collect::<Vec<_>>()),
        );
        c.insert_value("techniques", tera::Value::from(all_techniques.clone()));
        let mut inputs = listing_all();
        inputs.extend(rel.map(Input::Source));
        jobs.push(Job {
            template: "index.html",
            path: "index.html".into(),
            inputs,
            context: c,
        });
    }

    // Article list.
    {
        let mut c = base(
            b.meta("Articles", &site.config.description, "/articles/"),
            b.crumbs(None),
        );
        c.insert_value("articles", tera::Value::from(summaries.clone()));
        jobs.push(Job {
            template: "articles.html",
            path: out_path("/articles/"),
            inputs: listing_all(),
            context: c,
        });
    }

    // Articles.
    for (i, a) in site.articles.iter().enumerate() {
        let permalink = b.permalink(&a.path);
        let mut c = base(
            b.meta(&a.meta.title, &a.meta.description, &a.path),
            b.crumbs(Some(("Articles", "/articles/"))),
        );
        let image = a.meta.image.as_ref().map(|img| ImageCtx {
            src: match site.links.resolve(&img.src, "articles/", &a.path, true) {
                Ok(crate::links::Resolved::Local { href, .. }) => href,
                _ => img.src.clone(),
            },
            alt: &img.alt,
        });
        c.insert(
            "article",
            &ArticleCtx {
                title: &a.meta.title,
                description: &a.meta.description,
                url: b.href(&a.path),
                permalink: permalink.clone(),
                date: a.meta.date,
                updated: a.meta.updated,
                author: b.author(a),
                reviewed_by: a.meta.reviewed_by.as_ref(),
                last_reviewed: a.meta.last_reviewed,
                reading_time: a.reading_time(),
                word_count: a.body.words,
                toc: &a.body.toc,
                content: &a.body.html,
                techniques: a.techniques.iter().map(|&t| b.technique_link(t)).collect(),
                benefits: a.benefits.iter().map(|&x| b.benefit_link(x)).collect(),
                faqs: b.faqs(a),
                references: &a.meta.references,
                tags: &a.meta.tags,
                image,
                extra: &a.meta.extra,
            },
        );
        let mut inputs = vec![Input::Site, Input::ArticleSet, Input::Source(a.rel.clone())];
        let neighbour = |j: usize| {
            let n = &site.articles[j];
            TitleLink {
                title: &n.meta.title,
                url: b.href(&n.path),
            }
        };
        if let Some(j) = (i + 1 < site.articles.len()).then_some(i + 1) {
            c.insert("previous", &neighbour(j));
            inputs.push(Input::Listing(site.articles[j].rel.clone()));
        }
        if let Some(j) = i.checked_sub(1) {
            c.insert("next", &neighbour(j));
            inputs.push(Input::Listing(site.articles[j].rel.clone()));
        }
        inputs.extend(
            a.techniques
                .iter()
                .map(|&t| Input::Listing(site.techniques[t].rel.clone())),
        );
        c.insert("json_ld", &jsonld::article(site, a, &permalink));
        jobs.push(Job {
            template: "article.html",
            path: out_path(&a.path),
            inputs,
            context: c,
        });
    }

    // Techniques.
    {
        let mut c = base(
            b.meta("Techniques", &site.config.description, "/techniques/"),
            b.crumbs(None),
        );
        c.insert_value("techniques", tera::Value::from(all_techniques.clone()));
        let mut inputs = vec![Input::Site];
        inputs.extend(site.techniques.iter().map(|t| Input::Listing(t.rel.clone())));
        jobs.push(Job {
            template: "techniques.html",
            path: out_path("/techniques/"),
            inputs,
            context: c,
        });
    }
    for t in &site.techniques {
        let mut c = base(
            b.meta(&t.meta.title, &t.meta.summary, &t.path),
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
                content: &t.body.html,
                url: b.href(&t.path),
                permalink: b.permalink(&t.path),
                extra: &t.meta.extra,
            },
        );
        c.insert_value("articles", tera::Value::from(summaries_of(&t.used_by)));
        let mut inputs = vec![Input::Site, Input::ArticleSet, Input::Source(t.rel.clone())];
        inputs.extend(t.used_by.iter().map(|&i| Input::Listing(site.articles[i].rel.clone())));
        jobs.push(Job {
            template: "technique.html",
            path: out_path(&t.path),
            inputs,
            context: c,
        });
    }

    // Benefits.
    {
        let mut c = base(
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
        jobs.push(Job {
            template: "benefits.html",
            path: out_path("/benefits/"),
            inputs: listing_all(),
            context: c,
        });
    }
    for x in &site.benefits {
        let description = format!("Articles about massage for back pain and {}.", x.name.to_lowercase());
        let mut c = base(
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
        c.insert_value("articles", tera::Value::from(summaries_of(&x.articles)));
        jobs.push(Job {
            template: "benefit.html",
            path: out_path(&x.path),
            inputs: listing_all(),
            context: c,
        });
    }

    // FAQ hub.
    {
        let mut c = base(
            b.meta("Frequently asked questions", &site.config.description, "/faq/"),
            b.crumbs(None),
        );
        let groups: Vec<FaqGroup<'_>> = site
            .articles
            .iter()
            .filter(|a| !a.faqs.is_empty())
            .map(|a| FaqGroup {
                article: TitleLink {
                    title: &a.meta.title,
                    url: b.href(&a.path),
                },
                faqs: b.faqs(a),
            })
            .collect();
        c.insert("groups", &groups);
        let mut inputs = vec![Input::Site, Input::ArticleSet];
        inputs.extend(site.articles.iter().map(|a| Input::Source(a.rel.clone())));
        jobs.push(Job {
            template: "faq.html",
            path: out_path("/faq/"),
            inputs,
            context: c,
        });
    }

    // Plain pages.
    for p in &site.pages {
        let description = p.meta.description.as_deref().unwrap_or(&site.config.description);
        let mut c = base(b.meta(&p.meta.title, description, &p.path), b.crumbs(None));
        c.insert(
            "page",
            &PageCtx {
                title: &p.meta.title,
                description: p.meta.description.as_deref(),
                content: &p.body.html,
                url: b.href(&p.path),
                extra: &p.meta.extra,
            },
        );
        jobs.push(Job {
            template: "page.html",
            path: out_path(&p.path),
            inputs: vec![Input::Site, Input::Source(p.rel.clone())],
            context: c,
        });
    }

    // 404.
    {
        let c = base(
            b.meta("Page not found", &site.config.description, "/404.html"),
            Vec::new(),
        );
        jobs.push(Job {
            template: "404.html",
            path: "404.html".into(),
            inputs: vec![Input::Site],
            context: c,
        });
    }

    let display: HashMap<&str, (&PathBuf, &str)> = theme
        .templates
        .iter()
        .map(|t| (t.name.as_str(), (&t.display, t.text.as_str())))
        .collect();
    let results: Vec<Result<OutputFile, Diagnostic>> = jobs
        .into_par_iter()
        .map(|job| {
            tera.render(job.template, &job.context)
                .map(|html| OutputFile {
                    path: job.path,
                    bytes: html.into_bytes(),
                    inputs: job.inputs,
                })
                .map_err(|e| template_error(&e, &display))
        })
        .collect();
    let mut files = Vec::with_capacity(results.len() + 3);
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) => {
                if !problems.contains(&d) {
                    problems.push(d);
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let page_paths: Vec<String> = files
        .iter()
        .filter(|f| f.path.ends_with("index.html"))
        .map(|f| format!("/{}", f.path.trim_end_matches("index.html")))
        .collect();
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        bytes: feeds::sitemap(site, &page_paths).into_bytes(),
        inputs: listing_all(),
    });
    files.push(OutputFile {
        path: "feed.xml".into(),
        bytes: feeds::atom(site).into_bytes(),
        inputs: listing_all(),
    });
    files.push(OutputFile {
        path: "robots.txt".into(),
        bytes: feeds::robots(site).into_bytes(),
        inputs: vec![Input::Site],
    });
    Ok(files)
}
