//! The front matter of each kind of content file, as typed structs. These are the
//! author-facing contract of `shared/content-model.md`: every key here is documented in
//! the README's front matter reference.

use serde::{Deserialize, Serialize};

use crate::source::date::Date;

/// Free data handed to templates as it is.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// Front matter of `content/articles/*.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleMeta {
    pub title: String,
    pub description: String,
    pub date: Date,
    pub updated: Option<Date>,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<String>,
    pub author: Option<String>,
    pub reviewed_by: Option<Reviewer>,
    pub last_reviewed: Option<Date>,
    #[serde(default)]
    pub techniques: Vec<String>,
    #[serde(default)]
    pub benefits: Vec<String>,
    #[serde(default)]
    pub faqs: Vec<Faq>,
    #[serde(default)]
    pub references: Vec<Reference>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub image: Option<Image>,
    #[serde(default)]
    pub extra: Extra,
}

impl ArticleMeta {
    /// The top-level keys an article may use.
    pub const KEYS: &'static [&'static str] = &[
        "title",
        "description",
        "date",
        "updated",
        "draft",
        "slug",
        "author",
        "reviewed_by",
        "last_reviewed",
        "techniques",
        "benefits",
        "faqs",
        "references",
        "tags",
        "image",
        "extra",
    ];
}

/// A clinical reviewer.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reviewer {
    pub name: String,
    pub credentials: Option<String>,
}

/// One question and its Markdown answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faq {
    pub question: String,
    pub answer: String,
}

/// A source the article relies on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub title: String,
    pub url: Option<String>,
    pub publisher: Option<String>,
    pub year: Option<u16>,
}

/// An image with its (required) alternative text.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Image {
    pub src: String,
    pub alt: String,
}

/// How firm a technique's pressure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Pressure {
    Light,
    Moderate,
    Firm,
}

/// Front matter of `content/techniques/*.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TechniqueMeta {
    pub title: String,
    pub summary: String,
    pub pressure: Pressure,
    #[serde(default)]
    pub also_known_as: Vec<String>,
    #[serde(default)]
    pub good_for: Vec<String>,
    #[serde(default)]
    pub avoid_if: Vec<String>,
    #[serde(default)]
    pub extra: Extra,
}

impl TechniqueMeta {
    /// The top-level keys a technique may use.
    pub const KEYS: &'static [&'static str] = &[
        "title",
        "summary",
        "pressure",
        "also_known_as",
        "good_for",
        "avoid_if",
        "extra",
    ];
}

/// Front matter of `content/pages/*.md` and `content/index.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    pub title: String,
    pub description: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<String>,
    #[serde(default)]
    pub extra: Extra,
}

impl PageMeta {
    /// The top-level keys a page may use.
    pub const KEYS: &'static [&'static str] = &["title", "description", "draft", "slug", "extra"];
}
