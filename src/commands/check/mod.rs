//! `knead check`: the editorial linter. It runs every check of a build (without
//! writing anything) and adds the rules a careful medical editor applies: review dates,
//! sources, FAQs, the heading outline and the reading grade; with `--external`, every
//! web address the site uses ([`external`]). Problems use the same format as build
//! errors; `--format json` gives one machine-readable report.

mod evidence;
pub mod external;
pub mod rules;
pub mod translations;

use std::path::PathBuf;

use serde::Serialize;

use crate::build::pipeline::{self, Options};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::source::date::Date;

/// The reading grade of one article.
#[derive(Debug, Clone, Serialize)]
pub struct Grade {
    /// The article's file.
    pub file: PathBuf,
    /// The school grade its text reads at, rounded to one decimal: Flesch-Kincaid's, or
    /// the band of the reading ease for Spanish.
    pub grade: f64,
    /// The formula of the article's language.
    pub formula: &'static str,
    /// The Fernández Huerta reading ease (0 to 100, higher is easier) of Spanish text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ease: Option<f64>,
}

/// Everything `knead check` found.
#[derive(Debug, Default)]
pub struct Report {
    /// Markdown files checked (their front matter at least).
    pub files: usize,
    /// True when errors stopped the check before its editorial rules.
    pub stopped_early: bool,
    /// True when the links and anchors were checked (errors in site.yaml or the theme
    /// stop the check before them).
    pub links_checked: bool,
    /// Errors and warnings, sorted.
    pub diagnostics: Diagnostics,
    /// Reading grade of each article.
    pub grades: Vec<Grade>,
    /// What `--external` found (`None` without it, or when the site has errors that
    /// stop it from loading).
    pub external: Option<external::Summary>,
    /// The pages not yet translated, for each language besides the default.
    pub untranslated: Vec<translations::Untranslated>,
    /// The languages of the site that have no reading-level formula.
    pub unrated: Vec<String>,
}

/// The size past which an original image is worth making smaller before it is added:
/// it slows every build that cannot use the cache, and fills the repository.
const HEAVY_IMAGE: u64 = 2 * 1024 * 1024;

/// A warning for each raster original over [`HEAVY_IMAGE`], in path order.
fn heavy_images(images: &crate::images::Catalog) -> Vec<Diagnostic> {
    let mut heavy: Vec<(&str, u64)> = (images.entries())
        .filter(|(_, e)| e.bytes > HEAVY_IMAGE && e.outcome.as_ref().map_or(true, |p| p.mime != crate::images::SVG))
        .map(|(p, e)| (p, e.bytes))
        .collect();
    heavy.sort_unstable();
    heavy
        .into_iter()
        .map(|(path, bytes)| {
            Diagnostic::warning(
                format!("content{path}"),
                format!("this image is {:.1} MB: originals over 2 MB make builds slow and the site's repository large", bytes as f64 / 1_048_576.0),
            )
            .help("save it at most 3,000 pixels across (JPEG quality 85 is plenty): knead makes the smaller versions pages send")
        })
        .collect()
}

/// Checks the site described by `opts` as of `today`.
pub fn check(opts: &Options, today: Date) -> Report {
    check_with(opts, today, None)
}

/// [`check`], and with `external` settings every web address the site uses.
pub fn check_with(opts: &Options, today: Date, external: Option<external::Settings>) -> Report {
    let opts = Options {
        analyze: true,
        ..opts.clone()
    };
    match pipeline::check(&opts) {
        Ok(rendered) => {
            let mut diagnostics = rendered.warnings.clone();
            let mut grades = Vec::new();
            let mut unrated = Vec::new();
            for site in rendered.sites() {
                let (found, g) = rules::run(site, &opts.root, today);
                diagnostics.extend(found);
                grades.extend(g);
                if crate::text::Lang::of(&site.config.language) == crate::text::Lang::Other {
                    unrated.push(site.config.language.clone());
                }
            }
            let others: Vec<&crate::model::Site> = rendered.sites().skip(1).collect();
            let (found, untranslated) = translations::run(&rendered.site, &others, &opts.root);
            diagnostics.extend(found);
            diagnostics.extend(heavy_images(&rendered.images));
            let external = external.map(|settings| {
                let (found, summary) = external::check(&rendered.site, &opts.root, settings);
                diagnostics.extend(found);
                summary
            });
            Report {
                files: rendered.sources,
                stopped_early: false,
                links_checked: true,
                diagnostics,
                grades,
                external,
                untranslated,
                unrated,
            }
        }
        Err(stopped) => Report {
            files: stopped.sources,
            stopped_early: true,
            links_checked: stopped.modelled,
            diagnostics: stopped.problems,
            grades: Vec::new(),
            external: None,
            untranslated: Vec::new(),
            unrated: Vec::new(),
        },
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    file: String,
    line: usize,
    column: usize,
    message: &'a str,
    help: Option<&'a str>,
    source_line: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    files_checked: usize,
    stopped_early: bool,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    reading_grades: &'a [Grade],
    #[serde(skip_serializing_if = "Option::is_none")]
    external: Option<&'a external::Summary>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    untranslated: &'a [translations::Untranslated],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    no_reading_formula: &'a [String],
}

impl Report {
    /// The report as one JSON document.
    pub fn to_json(&self) -> String {
        let diagnostics = self
            .diagnostics
            .iter()
            .map(|d: &Diagnostic| JsonDiagnostic {
                severity: match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                file: d.file.display().to_string(),
                line: d.line,
                column: d.column,
                message: &d.message,
                help: d.help.as_deref(),
                source_line: d.source_line.as_deref(),
            })
            .collect();
        let report = JsonReport {
            files_checked: self.files,
            stopped_early: self.stopped_early,
            errors: self.error_count(),
            warnings: self.diagnostics.warning_count(),
            diagnostics,
            reading_grades: &self.grades,
            external: self.external.as_ref(),
            untranslated: &self.untranslated,
            no_reading_formula: &self.unrated,
        };
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The errors found: those of the diagnostics, and an unreachable network when the
    /// web addresses were to be checked.
    pub fn error_count(&self) -> usize {
        let offline = self.external.as_ref().is_some_and(|e| e.unreachable.is_some());
        self.diagnostics.error_count() + usize::from(offline)
    }

    /// What the check says of the site's languages, a line each: the pages not yet
    /// translated into each, and the languages without a reading-level formula.
    pub fn languages(&self) -> String {
        let mut out = String::new();
        for u in &self.untranslated {
            if u.files.is_empty() {
                out.push_str(&format!("every page is translated into `{}`\n", u.language));
            } else {
                let files: Vec<String> = u.files.iter().map(|f| f.display().to_string()).collect();
                out.push_str(&format!(
                    "{} not yet translated into `{}`: {}\n",
                    match files.len() {
                        1 => "1 page".to_owned(),
                        n => format!("{n} pages"),
                    },
                    u.language,
                    files.join(", ")
                ));
            }
        }
        for code in &self.unrated {
            out.push_str(&format!(
                "no reading-level formula for `{code}`: its pages' reading grade is not checked\n"
            ));
        }
        out
    }

    /// The summary line: files checked, errors, warnings, web addresses, and whether it
    /// stopped early.
    pub fn summary(&self) -> String {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        let mut line = format!(
            "checked {}: {}, {}",
            plural(self.files, "file"),
            plural(self.error_count(), "error"),
            plural(self.diagnostics.warning_count(), "warning")
        );
        if let Some(e) = &self.external {
            line.push_str("; ");
            line.push_str(&e.line());
        }
        line.push_str(match (self.stopped_early, self.links_checked) {
            (false, _) => "",
            (true, false) => {
                "; stopped before the links, anchors and editorial rules: fix these errors and run it again"
            }
            (true, true) => "; stopped before the editorial rules: fix these errors and run it again",
        });
        line
    }
}
