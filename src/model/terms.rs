//! What each document gives the search index: its terms, weighted by the fields they
//! appear in. The weights are made here, when a document's Markdown is rendered, so
//! that the index is built from the model alone.
//!
//! A term's weight in a document sums, over the fields that contain it,
//! `field weight × (1 + ln(occurrences in the field))` ([`dampened`]); the index stores
//! it as `round(2 × weight)`. Field weights ([`weight`]): title 10, FAQ questions (and a
//! technique's other names) 6, headings 4, technique and benefit names, tags (and a
//! technique's "good for" and "avoid if") 3, description (a technique's summary) 2,
//! body and FAQ answers 1.

use crate::markdown::Rendered;
use crate::source::parse::Meta;
use crate::text::{DocTerms, TermCounter, TermId};

/// Field weights.
pub mod weight {
    /// The title.
    pub const TITLE: f64 = 10.0;
    /// FAQ questions; a technique's other names.
    pub const QUESTION: f64 = 6.0;
    /// Headings of the body.
    pub const HEADING: f64 = 4.0;
    /// Technique and benefit names, tags; a technique's "good for" and "avoid if".
    pub const LABEL: f64 = 3.0;
    /// The description; a technique's summary.
    pub const DESCRIPTION: f64 = 2.0;
    /// The body and FAQ answers.
    pub const BODY: f64 = 1.0;
}

/// `1 + ln(count)`, from a table for the usual counts.
pub fn dampened(count: u16) -> f32 {
    static TABLE: std::sync::OnceLock<[f32; 64]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| std::array::from_fn(|i| 1.0 + (i.max(1) as f32).ln()));
    table
        .get(usize::from(count))
        .copied()
        .unwrap_or_else(|| 1.0 + f32::from(count).ln())
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The weighted terms of one content file: its body and FAQ answers (`answers`, as
/// counted by the Markdown renderer), its headings and its front matter fields. Takes
/// the body's term counts (they are not needed afterwards). The names of an article's
/// techniques are added when the index is built: they live in other files.
pub fn doc_terms(meta: &Meta, body: &mut Rendered, answers: Vec<TermCounter>, lang: crate::text::Lang) -> DocTerms {
    let mut counts = std::mem::take(&mut body.search.counts);
    for a in answers {
        counts.merge(a);
    }
    let headings: Vec<&str> = body.headings.iter().map(|h| h.title.as_str()).collect();
    let fields: Vec<(f64, Vec<&str>)> = match meta {
        Meta::Article(m) => {
            let mut labels = strs(&m.benefits);
            labels.extend(strs(&m.tags));
            vec![
                (weight::TITLE, vec![m.title.as_str()]),
                (weight::QUESTION, m.faqs.iter().map(|f| f.question.as_str()).collect()),
                (weight::HEADING, headings),
                (weight::LABEL, labels),
                (weight::DESCRIPTION, vec![m.description.as_str()]),
            ]
        }
        Meta::Technique(m) => {
            let mut labels = strs(&m.good_for);
            labels.extend(strs(&m.avoid_if));
            vec![
                (weight::TITLE, vec![m.title.as_str()]),
                (weight::QUESTION, strs(&m.also_known_as)),
                (weight::HEADING, headings),
                (weight::LABEL, labels),
                (weight::DESCRIPTION, vec![m.summary.as_str()]),
            ]
        }
        Meta::Benefit(m) => vec![
            (weight::TITLE, vec![m.title.as_str()]),
            (weight::HEADING, headings),
            (weight::DESCRIPTION, vec![m.summary.as_str()]),
        ],
        Meta::Page(m) => vec![
            (weight::TITLE, vec![m.title.as_str()]),
            (weight::HEADING, headings),
            (weight::DESCRIPTION, m.description.as_deref().into_iter().collect()),
        ],
    };
    // Each field counted on its own: a title that says "massage" twice counts 1 + ln 2.
    thread_local! {
        static FIELD: std::cell::RefCell<TermCounter> = std::cell::RefCell::new(TermCounter::default());
    }
    let mut weights: Vec<(TermId, f32)> = Vec::new();
    FIELD.with_borrow_mut(|field| {
        field.set_language(lang);
        for (w, texts) in fields {
            field.clear();
            for t in texts {
                field.add(t);
            }
            weights.extend(field.term_counts().map(|(t, n)| (t, w as f32 * dampened(n))));
        }
    });
    counts.add_weights(&weights);
    counts.into_terms(weight::BODY as f32, dampened)
}
