//! `knead check`'s rules for the support behind a page's claims, shared by articles,
//! techniques and benefit profiles: review dates (missing, older than the site's
//! interval, in the future), source URLs that are not web addresses, and references
//! given an `id` that no citation uses.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::model::{Site, Sourced};
use crate::source::date::Date;
use crate::source::meta::Reference;

use super::rules::{Lazy, error, is_web_url, warning};

/// What the review rules need of a page.
pub(super) struct Review {
    /// `article`, `technique profile` or `benefit profile`, for messages.
    pub what: &'static str,
    /// When it was last reviewed.
    pub last_reviewed: Option<Date>,
    /// True when a page without `last_reviewed` is a problem.
    pub required: bool,
    /// The site's review interval, in days.
    pub interval: i64,
    /// The day `knead check` judges ages on.
    pub today: Date,
}

/// A missing `last_reviewed` (when required), one older than the interval, or one in
/// the future.
pub(super) fn review_dates(r: &Review, file: &mut Lazy<'_>, out: &mut Vec<Diagnostic>) {
    let what = r.what;
    // Where the date would go: beside an article's `date`, else under the title.
    let near = if what == "article" { "date" } else { "title" };
    match r.last_reviewed {
        None if r.required => out.push(
            file.at(
                warning,
                |l| l.key(near),
                format!("this {what} has no `last_reviewed` date"),
            )
            .help(format!(
                "review the {what} against its sources, then add `last_reviewed: YYYY-MM-DD`"
            )),
        ),
        None => {}
        Some(d) => {
            let age = r.today.days_since_epoch() - d.days_since_epoch();
            let interval = r.interval;
            if age > interval {
                out.push(
                    file.at(
                        warning,
                        |l| l.key("last_reviewed"),
                        format!(
                            "last reviewed {age} days ago, more than the site's review interval of {interval} days"
                        ),
                    )
                    .help(format!(
                        "check the {what} against current guidelines and sources, then update `last_reviewed`"
                    )),
                );
            } else if age < 0 {
                out.push(
                    file.at(
                        warning,
                        |l| l.key("last_reviewed"),
                        format!("`last_reviewed` ({d}) is in the future"),
                    )
                    .help("use the date the review was done"),
                );
            }
        }
    }
}

/// Source URLs that are not web addresses.
pub(super) fn source_urls(references: &[Reference], file: &mut Lazy<'_>, out: &mut Vec<Diagnostic>) {
    for r in references {
        if let Some(url) = &r.url
            && !is_web_url(url)
        {
            out.push(
                file.at(
                    error,
                    |l| l.item("references", url),
                    format!("the source URL `{url}` is not a valid web address"),
                )
                .help("write the full address, starting with https://, or remove `url`"),
            );
        }
    }
}

/// References with an `id` that nothing on the page cites (`cited`: the render's places
/// citing each reference).
fn uncited(references: &[Reference], cited: &[Vec<String>], file: &mut Lazy<'_>, out: &mut Vec<Diagnostic>) {
    for (i, r) in references.iter().enumerate() {
        let Some(id) = r.id.as_deref() else { continue };
        if cited.get(i).is_some_and(|c| !c.is_empty()) {
            continue;
        }
        out.push(
            file.at(
                warning,
                |l| crate::source::references::id_position(l, id, 0),
                format!("the reference `{id}` is never cited"),
            )
            .help(format!(
                "cite it where the text relies on it, with `[@{id}]`, or remove its `id`"
            )),
        );
    }
}

/// The rules for techniques and benefit profiles (articles get theirs in `rules::run`),
/// and uncited references everywhere.
pub(super) fn run(site: &Site, root: &Path, today: Date, out: &mut Vec<Diagnostic>) {
    let interval = i64::from(site.config.review_interval_days);
    for a in &site.articles {
        uncited(&a.meta.references, &a.render.cited, &mut Lazy::new(root, a.rel()), out);
    }
    for t in &site.techniques {
        let file = &mut Lazy::new(root, t.rel());
        let m = &t.meta;
        let review = Review {
            what: "technique profile",
            last_reviewed: m.last_reviewed,
            // A profile that cites research says what the research found: that needs review.
            required: !m.references.is_empty(),
            interval,
            today,
        };
        review_dates(&review, file, out);
        source_urls(&m.references, file, out);
        uncited(&m.references, &t.render.cited, file, out);
    }
    for p in site.benefits.iter().filter_map(|b| b.profile.as_ref()) {
        let file = &mut Lazy::new(root, p.rel());
        let m = &p.meta;
        let review = Review {
            what: "benefit profile",
            last_reviewed: m.last_reviewed,
            required: true,
            interval,
            today,
        };
        review_dates(&review, file, out);
        source_urls(&m.references, file, out);
        uncited(&m.references, &p.render.cited, file, out);
    }
}
