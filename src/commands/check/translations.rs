//! The translation rules of `knead check`: a translation whose original was `updated`
//! after it is a warning, and the pages not yet translated into each language are
//! listed (in the summary, and in the JSON report's `untranslated`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::model::{Site, Sourced};
use crate::source::date::Date;
use crate::source::languages::original_of;

/// The pages of the default language without a version in one other language.
#[derive(Debug, Clone, Serialize)]
pub struct Untranslated {
    /// The language code.
    pub language: String,
    /// The original files without a translation into it, sorted.
    pub files: Vec<PathBuf>,
}

/// Every document of `site` with its `updated` (else `date`) when it has dates.
fn documents(site: &Site) -> Vec<(&Path, Option<Date>)> {
    let mut v: Vec<(&Path, Option<Date>)> = (site.articles.iter())
        .map(|a| (a.rel(), Some(a.meta.updated.unwrap_or(a.meta.date))))
        .collect();
    v.extend(site.techniques.iter().map(|t| (t.rel(), None)));
    v.extend(site.pages.iter().chain(site.home.iter()).map(|p| (p.rel(), None)));
    v.extend(
        (site.benefits.iter())
            .filter_map(|b| b.profile.as_ref())
            .map(|p| (p.doc.rel.as_ref(), None)),
    );
    v
}

/// The translation warnings of the sites of every language (`main` the default's, then
/// `others`, whose configurations name their languages), and the untranslated pages of
/// each other language.
pub fn run(main: &Site, others: &[&Site], root: &Path) -> (Vec<Diagnostic>, Vec<Untranslated>) {
    let originals: FxHashMap<&Path, Option<Date>> = documents(main).into_iter().collect();
    let mut warnings = Vec::new();
    let mut untranslated = Vec::new();
    for site in others {
        let mut seen: BTreeMap<PathBuf, ()> = BTreeMap::new();
        for (rel, date) in documents(site) {
            let original = original_of(rel);
            if let (Some(Some(changed)), Some(done)) = (originals.get(original.as_path()), date)
                && *changed > done
            {
                let mut file = super::rules::Lazy::new(root, rel);
                let key = if file.text().contains("\nupdated:") {
                    "updated"
                } else {
                    "date"
                };
                warnings.push(
                    file.at(
                        super::rules::warning,
                        |l| l.key(key),
                        format!(
                            "the original ({}) was updated on {} after this translation ({})",
                            original.display(),
                            changed.iso(),
                            done.iso()
                        ),
                    )
                    .help(
                        "bring the translation up to date with the original, then set its `updated` to the day you did",
                    ),
                );
            }
            seen.insert(original, ());
        }
        let mut files: Vec<PathBuf> = (originals.keys())
            .filter(|p| !seen.contains_key(**p))
            .map(|p| p.to_path_buf())
            .collect();
        files.sort();
        untranslated.push(Untranslated {
            language: site.config.language.clone(),
            files,
        });
    }
    (warnings, untranslated)
}
