//! The site's benefits. Without benefit profiles, each name the articles give
//! (`benefits:`) becomes a benefit page, named as the newest article spells it. When
//! `content/benefits/` holds profiles, the profiles are the benefits: every article
//! entry must name one (by its slug, or a name whose slug is the profile's), and an
//! entry that names none is an error with the nearest profile as "did you mean".
//! Benefits are listed by the strength of their evidence, then by name.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::diagnostics::{Diagnostic, suggest};
use crate::source::meta::{ArticleMeta, BenefitMeta};
use crate::source::parse::{Doc, DocInfo};
use crate::text::slug;

use super::{Benefit, DocRender};

/// A benefit profile with its position among the documents.
pub(super) type ProfileRef<'a> = (usize, &'a Arc<Doc>, &'a Arc<BenefitMeta>);

/// An article with its position among the documents.
pub(super) type ArticleRef<'a> = (usize, &'a Arc<Doc>, &'a Arc<ArticleMeta>);

/// A benefit's profile: `content/benefits/<slug>.md`.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The source (its text is not kept).
    pub doc: Arc<DocInfo>,
    /// Front matter.
    pub meta: Arc<BenefitMeta>,
    /// Rendered body.
    pub render: Arc<DocRender>,
}

impl super::Sourced for Profile {
    fn info(&self) -> &DocInfo {
        &self.doc
    }
}

/// The benefits, what each article claims, and the entries that name no profile.
pub(super) struct Gathered {
    /// Every benefit, strongest evidence first, then by name.
    pub benefits: Vec<Benefit>,
    /// For each article, its benefits (numbered as `benefits`) with their positions in
    /// its front matter.
    pub article_benefits: Vec<Vec<(usize, usize)>>,
    /// Positions (among the documents) of the profiles, in the order of `benefits`.
    pub profiles: Vec<usize>,
    /// Article entries that name no profile.
    pub problems: Vec<Diagnostic>,
}

/// Gathers the benefits of `articles` (newest first), from `profiles` when there are any.
pub(super) fn gather(articles: &[ArticleRef<'_>], profiles: &[ProfileRef<'_>]) -> Gathered {
    let mut problems = Vec::new();
    let mut by_slug: FxHashMap<&str, Benefit> = FxHashMap::default();
    let mut profile_at: FxHashMap<&str, usize> = FxHashMap::default();
    for (i, d, m) in profiles {
        profile_at.insert(&d.slug, *i);
        by_slug.insert(
            &d.slug,
            Benefit {
                name: m.title.trim().to_owned(),
                slug: d.slug.clone(),
                path: d.path.to_string(),
                articles: Vec::new(),
                profile: Some(Profile {
                    doc: Arc::clone(&d.info),
                    meta: Arc::clone(m),
                    render: Arc::default(),
                }),
            },
        );
    }
    let known: Vec<&str> = {
        let mut k: Vec<&str> = profile_at.keys().copied().collect();
        k.sort_unstable();
        k
    };
    for (i, (_, d, m)) in articles.iter().enumerate() {
        for (name, s) in m.benefits.iter().zip(&d.benefit_slugs) {
            let b = if profiles.is_empty() {
                by_slug.entry(s).or_insert_with(|| Benefit {
                    name: name.trim().to_owned(),
                    path: format!("/benefits/{s}/"),
                    slug: s.clone(),
                    articles: Vec::new(),
                    profile: None,
                })
            } else if let Some(b) = by_slug.get_mut(s.as_str()) {
                b
            } else {
                problems.push(unknown(d, name, s, &known, profiles));
                continue;
            };
            if b.articles.last() != Some(&i) {
                b.articles.push(i);
            }
        }
    }
    let mut benefits: Vec<Benefit> = by_slug.into_values().collect();
    benefits.sort_by_cached_key(|b| {
        let grade = b.profile.as_ref().map(|p| p.meta.evidence);
        (grade, b.name.to_lowercase(), b.slug.clone())
    });
    let index: FxHashMap<&str, usize> = benefits.iter().enumerate().map(|(i, b)| (b.slug.as_str(), i)).collect();
    let article_benefits = articles
        .iter()
        .map(|(_, d, _)| {
            let mut own: Vec<(usize, usize)> = Vec::with_capacity(d.benefit_slugs.len());
            for (pos, s) in d.benefit_slugs.iter().enumerate() {
                if let Some(&i) = index.get(s.as_str())
                    && !own.iter().any(|(j, _)| *j == i)
                {
                    own.push((i, pos));
                }
            }
            own
        })
        .collect();
    let profiles = benefits
        .iter()
        .filter_map(|b| profile_at.get(b.slug.as_str()).copied())
        .collect();
    Gathered {
        benefits,
        article_benefits,
        profiles,
        problems,
    }
}

/// The error for an article's benefit `name` (slug `s`) that no profile has.
fn unknown(d: &Doc, name: &str, s: &str, known: &[&str], profiles: &[ProfileRef<'_>]) -> Diagnostic {
    let titles: Vec<&str> = profiles.iter().map(|p| p.2.title.trim()).collect();
    let nearest = suggest(s, known)
        .and_then(|k| profiles.iter().find(|p| p.1.slug == k))
        .or_else(|| suggest(name.trim(), &titles).and_then(|t| profiles.iter().find(|p| p.2.title.trim() == t)));
    let help = match nearest {
        Some((_, p, m)) => format!("did you mean `{}` ({})?", m.title.trim(), p.rel.display()),
        None => format!(
            "name one of the profiles in content/benefits/ ({}), or create content/benefits/{s}.md (`knead new benefit \"{}\"`)",
            known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "),
            name.trim()
        ),
    };
    let msg = format!(
        "no benefit profile `{}`: there is no content/benefits/{}.md",
        name.trim(),
        if slug::is_valid(s) { s } else { "…" }
    );
    match d.located() {
        Some(l) => l.error(&d.rel, l.item("benefits", name.trim()), msg).help(help),
        None => Diagnostic::error(&d.rel, msg).help(help),
    }
}
