//! The parts of the template context that show how well a page's claims are supported:
//! evidence grades of benefits, numbered source lists with their links back to the
//! citations, review dates. Like [`super::context`], this is the theme boundary
//! documented in `themes/default/README.md`.

use serde::Serialize;

use crate::model::{Benefit, Site};
use crate::source::date::{Date, Dated};
use crate::source::meta::{Evidence, Reference, Reviewer};

/// A benefit's evidence grade: `{ grade, label, level }`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct EvidenceCtx {
    /// `high`, `moderate`, `low`, `very-low` or `insufficient` (for `data-evidence`).
    pub grade: &'static str,
    /// The grade in words: `Low certainty`, `Not enough evidence`...
    pub label: &'static str,
    /// 4 (`high`) down to 0 (`insufficient`), for a meter.
    pub level: u8,
}

impl From<Evidence> for EvidenceCtx {
    fn from(e: Evidence) -> Self {
        EvidenceCtx {
            grade: e.key(),
            label: e.label(),
            level: e.level(),
        }
    }
}

/// A benefit as linked from elsewhere: `{ name, url, evidence }` (`evidence` is null on
/// a site without benefit profiles).
#[derive(Debug, Clone, Serialize)]
pub struct BenefitLink {
    /// The benefit's name.
    pub name: String,
    /// Site path of the benefit's page, base path included.
    pub url: String,
    /// The grade of the evidence for it.
    pub evidence: Option<EvidenceCtx>,
}

/// One entry of a page's numbered source list.
#[derive(Debug, Clone, Serialize)]
pub struct SourceCtx<'a> {
    /// Its number in the list, from 1 (citations show it as `[n]`).
    pub number: usize,
    /// The id citations name it by, if any.
    pub id: Option<&'a str>,
    /// The entry's own HTML id: `ref-<id>`, or `source-<number>` without an id.
    pub anchor: String,
    /// The source's title.
    pub title: &'a str,
    /// Where the source can be read.
    pub url: Option<&'a str>,
    /// Who published it.
    pub publisher: Option<&'a str>,
    /// When it was published.
    pub year: Option<u16>,
    /// Links back to each place on the page that cites it (`#cite-...`, or the FAQ's
    /// `#faq-...`), in order.
    pub backlinks: Vec<String>,
}

/// The source list of a page: its `references`, with `cited` (from the render) telling
/// where each is cited.
pub fn sources<'a>(references: &'a [Reference], cited: &[Vec<String>]) -> Vec<SourceCtx<'a>> {
    references
        .iter()
        .enumerate()
        .map(|(i, r)| SourceCtx {
            number: i + 1,
            id: r.id.as_deref(),
            anchor: match &r.id {
                Some(id) => format!("ref-{id}"),
                None => format!("source-{}", i + 1),
            },
            title: &r.title,
            url: r.url.as_deref(),
            publisher: r.publisher.as_deref(),
            year: r.year,
            backlinks: cited
                .get(i)
                .map_or_else(Vec::new, |c| c.iter().map(|id| format!("#{id}")).collect()),
        })
        .collect()
}

/// `last_reviewed`, `next_review` and `reviewed_by` of a reviewed page.
#[derive(Debug, Clone, Serialize)]
pub struct Review<'a> {
    /// When the page was last reviewed.
    pub last_reviewed: Option<Dated<'a>>,
    /// When the next review is due: `last_reviewed` plus the site's review interval.
    pub next_review: Option<Dated<'a>>,
    /// Who reviewed it.
    pub reviewed_by: Option<&'a Reviewer>,
}

/// The review dates of a page reviewed on `last_reviewed` by `reviewed_by`.
pub fn review<'a>(site: &'a Site, last_reviewed: Option<Date>, reviewed_by: Option<&'a Reviewer>) -> Review<'a> {
    let interval = i64::from(site.config.review_interval_days);
    let dates = &site.config.i18n.dates;
    Review {
        last_reviewed: last_reviewed.map(|d| Dated(d, dates)),
        next_review: last_reviewed.map(|d| Dated(d.plus_days(interval), dates)),
        reviewed_by,
    }
}

/// A benefit of `/benefits/`: `{ name, url, count, evidence, summary }`.
#[derive(Debug, Clone, Serialize)]
pub struct BenefitItem<'a> {
    /// The benefit's name.
    pub name: &'a str,
    /// Site path of the benefit's page, base path included.
    pub url: String,
    /// Number of articles that claim the benefit.
    pub count: usize,
    /// The grade of the evidence (null without a profile).
    pub evidence: Option<EvidenceCtx>,
    /// The profile's summary (null without a profile).
    pub summary: Option<&'a str>,
}

/// `benefit` on benefit.html.
#[derive(Debug, Clone, Serialize)]
pub struct BenefitPage<'a> {
    /// The benefit's name.
    pub name: &'a str,
    /// Site path of the benefit's page, base path included.
    pub url: String,
    /// Absolute URL of the page.
    pub permalink: String,
    /// The grade of the evidence (null without a profile).
    pub evidence: Option<EvidenceCtx>,
    /// What the research says, in a sentence or two (null without a profile).
    pub summary: Option<&'a str>,
    /// The profile's body, HTML (empty without a profile).
    pub content: &'a str,
    /// The profile's source list.
    pub references: Vec<SourceCtx<'a>>,
    /// Review dates and reviewer.
    #[serde(flatten)]
    pub review: Review<'a>,
    /// Free data from the profile's front matter (null without a profile).
    pub extra: Option<&'a crate::source::meta::Extra>,
}

impl<'a> BenefitPage<'a> {
    /// The page of benefit `x`, at `url` (`permalink` absolute).
    pub fn new(site: &'a Site, x: &'a Benefit, url: String, permalink: String) -> Self {
        let p = x.profile.as_ref();
        BenefitPage {
            name: &x.name,
            url,
            permalink,
            evidence: x.evidence().map(EvidenceCtx::from),
            summary: p.map(|p| p.meta.summary.as_str()),
            content: p.map_or("", |p| p.render.body.html.as_str()),
            references: p.map_or_else(Vec::new, |p| sources(&p.meta.references, &p.render.cited)),
            review: match p {
                Some(p) => review(site, p.meta.last_reviewed, p.meta.reviewed_by.as_ref()),
                None => review(site, None, None),
            },
            extra: p.map(|p| &p.meta.extra),
        }
    }
}

/// How a citation's HTML starts (see `markdown::citations`).
const CITATION: &str = r##"<sup class="citation"><a href="#ref-"##;

/// True when an answer's HTML holds a citation.
pub fn cites(answer: &str) -> bool {
    // Searched for once per FAQ answer of the site: with a searcher made once.
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(CITATION));
    FINDER.find(answer.as_bytes()).is_some()
}

/// An FAQ answer as the FAQ page shows it: its citations lead to the source list on
/// the article's page (at `article_url`), as that list is not on the FAQ page.
pub fn answer_elsewhere(answer: &str, article_url: &str) -> String {
    answer.replace(
        CITATION,
        &format!(r#"<sup class="citation"><a href="{article_url}#ref-"#),
    )
}
