//! `knead check`: the editorial linter. It runs every check of a build (without
//! writing anything) and adds the rules a careful medical editor applies: review dates,
//! sources, FAQs, the heading outline and the reading grade. Problems use the same
//! format as build errors; `--format json` gives one machine-readable report.

mod evidence;
pub mod rules;

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
    /// Flesch-Kincaid grade, rounded to one decimal.
    pub grade: f64,
}

/// Everything `knead check` found.
#[derive(Debug, Default)]
pub struct Report {
    /// Markdown files checked (0 when the site could not be loaded).
    pub files: usize,
    /// Errors and warnings, sorted.
    pub diagnostics: Diagnostics,
    /// Reading grade of each article.
    pub grades: Vec<Grade>,
}

/// Checks the site described by `opts` as of `today`.
pub fn check(opts: &Options, today: Date) -> Report {
    let opts = Options {
        analyze: true,
        ..opts.clone()
    };
    match pipeline::check(&opts) {
        Ok(rendered) => {
            let mut diagnostics = rendered.warnings;
            let (found, grades) = rules::run(&rendered.site, &opts.root, today);
            diagnostics.extend(found);
            Report {
                files: rendered.sources,
                diagnostics,
                grades,
            }
        }
        Err(diagnostics) => Report {
            files: 0,
            diagnostics,
            grades: Vec::new(),
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
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    reading_grades: &'a [Grade],
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
            errors: self.diagnostics.error_count(),
            warnings: self.diagnostics.warning_count(),
            diagnostics,
            reading_grades: &self.grades,
        };
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The summary line: files checked, errors, warnings.
    pub fn summary(&self) -> String {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        format!(
            "checked {}: {}, {}",
            plural(self.files, "file"),
            plural(self.diagnostics.error_count(), "error"),
            plural(self.diagnostics.warning_count(), "warning")
        )
    }
}
