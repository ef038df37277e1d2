//! The front matter of each kind of content file, as typed structs. These are the
//! author-facing contract of `shared/content-model.md`: every key here is documented in
//! docs/reference.md (Front matter).

use serde::{Deserialize, Serialize};

use crate::source::date::Date;

/// Free data handed to templates as it is.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// Front matter of `content/articles/*.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping of keys to values, one per line")]
pub struct ArticleMeta {
    /// The article's title.
    pub title: String,
    /// Meta description and list summary.
    pub description: String,
    /// When the article was first published.
    pub date: Date,
    /// When the article last changed substantively.
    pub updated: Option<Date>,
    /// A draft is left out of the build unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// The article's slug (`[a-z0-9-]+`); the file name when absent.
    pub slug: Option<String>,
    /// The article's author; the site's author when absent.
    pub author: Option<String>,
    /// The clinical reviewer.
    pub reviewed_by: Option<Reviewer>,
    /// When the article was last checked for accuracy.
    pub last_reviewed: Option<Date>,
    /// Slugs of the techniques the article uses, each a file in `content/techniques/`.
    #[serde(default)]
    pub techniques: Vec<String>,
    /// The benefits the article claims; each becomes a benefit page.
    #[serde(default)]
    pub benefits: Vec<String>,
    /// Questions and answers shown on the article.
    #[serde(default)]
    pub faqs: Vec<Faq>,
    /// The sources, shown as a numbered list.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// The article's tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The article's image.
    pub image: Option<Image>,
    /// Site paths the article used to have (`/old-path/`): each gets a redirect page.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Free data handed to templates.
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
        "aliases",
        "extra",
    ];
}

/// A clinical reviewer.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a reviewer: a mapping with keys name and credentials"
)]
pub struct Reviewer {
    /// The reviewer's name.
    pub name: String,
    /// The reviewer's credentials.
    pub credentials: Option<String>,
}

/// One question and its Markdown answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, expecting = "an FAQ: a mapping with keys question and answer")]
pub struct Faq {
    /// The question.
    pub question: String,
    /// The answer, in Markdown.
    pub answer: String,
}

/// A source a page relies on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a source: a mapping with keys title, url, publisher and year"
)]
pub struct Reference {
    /// The name `[@id]` cites the source by in the page's Markdown (`[a-z0-9-]+`,
    /// unique in its file).
    pub id: Option<String>,
    /// The source's title.
    pub title: String,
    /// Where the source can be read.
    pub url: Option<String>,
    /// Who published the source.
    pub publisher: Option<String>,
    /// The year the source was published.
    pub year: Option<u16>,
}

/// An image with its (required) alternative text.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, expecting = "an image: a mapping with keys src and alt")]
pub struct Image {
    /// Where the image is, written as in a body image link; the file must exist.
    pub src: String,
    /// The alternative text; must not be empty.
    pub alt: String,
}

/// How firm a technique's pressure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase", expecting = "one of light, moderate or firm")]
pub enum Pressure {
    /// Light pressure (`light`).
    Light,
    /// Moderate pressure (`moderate`).
    Moderate,
    /// Firm pressure (`firm`).
    Firm,
}

/// Front matter of `content/techniques/*.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping of keys to values, one per line")]
pub struct TechniqueMeta {
    /// The technique's title.
    pub title: String,
    /// A short description of the technique.
    pub summary: String,
    /// How firm the technique's pressure is.
    pub pressure: Pressure,
    /// Other names of the technique.
    #[serde(default)]
    pub also_known_as: Vec<String>,
    /// What the technique is good for.
    #[serde(default)]
    pub good_for: Vec<String>,
    /// When to avoid the technique (contraindications).
    #[serde(default)]
    pub avoid_if: Vec<String>,
    /// The sources, shown as a numbered list.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// The clinical reviewer.
    pub reviewed_by: Option<Reviewer>,
    /// When the profile was last checked for accuracy.
    pub last_reviewed: Option<Date>,
    /// Site paths the technique used to have (`/old-path/`): each gets a redirect page.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Free data handed to templates.
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
        "references",
        "reviewed_by",
        "last_reviewed",
        "aliases",
        "extra",
    ];
}

/// How sure the research lets us be that a benefit is real, strongest first (the
/// GRADE levels of certainty, and a level for too little research to judge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    /// `high`: further research is very unlikely to change the picture.
    High,
    /// `moderate`: further research may well change the size of the effect.
    Moderate,
    /// `low`: further research is likely to change the picture.
    Low,
    /// `very-low`: the true effect may be quite different.
    VeryLow,
    /// `insufficient`: too little research to say.
    Insufficient,
}

impl Evidence {
    /// The value written in front matter and in `data-evidence`.
    pub fn key(self) -> &'static str {
        match self {
            Evidence::High => "high",
            Evidence::Moderate => "moderate",
            Evidence::Low => "low",
            Evidence::VeryLow => "very-low",
            Evidence::Insufficient => "insufficient",
        }
    }

    /// The grade in plain words, as pages show it.
    pub fn label(self) -> &'static str {
        match self {
            Evidence::High => "High certainty",
            Evidence::Moderate => "Moderate certainty",
            Evidence::Low => "Low certainty",
            Evidence::VeryLow => "Very low certainty",
            Evidence::Insufficient => "Not enough evidence",
        }
    }

    /// 4 for `high` down to 0 for `insufficient`: how many marks a meter fills.
    pub fn level(self) -> u8 {
        match self {
            Evidence::High => 4,
            Evidence::Moderate => 3,
            Evidence::Low => 2,
            Evidence::VeryLow => 1,
            Evidence::Insufficient => 0,
        }
    }
}

/// Front matter of `content/benefits/*.md`: one benefit, the strength of the evidence
/// for it, and the sources.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenefitMeta {
    /// The benefit's name.
    pub title: String,
    /// What the research says, in a sentence or two.
    pub summary: String,
    /// How strong the evidence is.
    pub evidence: Evidence,
    /// The sources, shown as a numbered list.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// When the profile was last checked against its sources.
    pub last_reviewed: Option<Date>,
    /// The clinical reviewer.
    pub reviewed_by: Option<Reviewer>,
    /// Site paths the profile used to have (`/old-path/`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Free data handed to templates.
    #[serde(default)]
    pub extra: Extra,
}

impl BenefitMeta {
    /// The top-level keys a benefit profile may use.
    pub const KEYS: &'static [&'static str] = &[
        "title",
        "summary",
        "evidence",
        "references",
        "last_reviewed",
        "reviewed_by",
        "aliases",
        "extra",
    ];
}

/// Front matter of `content/pages/*.md` and `content/index.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping of keys to values, one per line")]
pub struct PageMeta {
    /// The page's title.
    pub title: String,
    /// The page's meta description; the site's is used when absent.
    pub description: Option<String>,
    /// A draft is left out of the build unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// The page's slug; the file name when absent.
    pub slug: Option<String>,
    /// Site paths the page used to have (`/old-path/`): each gets a redirect page.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Free data handed to templates.
    #[serde(default)]
    pub extra: Extra,
}

impl PageMeta {
    /// The top-level keys a page may use.
    pub const KEYS: &'static [&'static str] = &["title", "description", "draft", "slug", "aliases", "extra"];
}
