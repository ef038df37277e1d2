//! Errors and warnings for people: every problem names the file, line and column,
//! shows the offending source line and, where we can, says how to fix it.
//!
//! A build never stops at the first problem: each stage pushes [`Diagnostic`]s into a
//! [`Diagnostics`] list, and the command prints them all at the end. A command that
//! fails says why with a [`Failure`]: a mistake in how knead was called (exit code 2)
//! or problems in the site (exit code 1).

use std::fmt;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// How bad a problem is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build cannot produce correct output.
    Error,
    /// Worth fixing, but the output is still correct.
    Warning,
}

/// One problem found in a site's sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the site root where possible.
    pub file: PathBuf,
    /// 1-based line in `file`; 0 when the problem has no line (a missing file).
    pub line: usize,
    /// 1-based column (in characters) on `line`.
    pub column: usize,
    /// How many characters the problem spans (at least 1 when a line is known).
    pub len: usize,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The text of `line`, shown under the message: all of it, or for a long line only
    /// the part around the problem (see [`Diagnostic::show_line`]).
    pub source_line: Option<String>,
    /// The 0-based character of `line` where `source_line` starts (0 unless cut).
    pub source_start: usize,
}

/// The part of a source line a diagnostic shows: all of it, or for a long line about
/// `MAX_SHOWN` bytes around the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownLine {
    /// The text shown.
    pub text: Box<str>,
    /// The 0-based character of the line where `text` starts.
    pub start: usize,
}

impl ShownLine {
    /// The part of `line` to show for a problem at 1-based character `column`.
    pub fn of(line: &str, column: usize) -> Self {
        if line.len() <= MAX_SHOWN {
            return ShownLine {
                text: line.into(),
                start: 0,
            };
        }
        let col = column.saturating_sub(1);
        let at = if line.is_ascii() {
            col.min(line.len())
        } else {
            char_to_byte(line, col)
        };
        Self::around(line, at, column)
    }

    /// The same as [`ShownLine::of`], given also the byte offset `at` of the problem in
    /// `line`: no scan of the whole line (a line of megabytes with thousands of links).
    pub fn around(line: &str, at: usize, column: usize) -> Self {
        if line.len() <= MAX_SHOWN {
            return ShownLine {
                text: line.into(),
                start: 0,
            };
        }
        let mut at = at.min(line.len());
        while !line.is_char_boundary(at) {
            at -= 1;
        }
        let mut from = at.saturating_sub(MAX_SHOWN / 2);
        while !line.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = (at + MAX_SHOWN / 2).min(line.len());
        while !line.is_char_boundary(to) {
            to += 1;
        }
        ShownLine {
            text: line[from..to].into(),
            // `column` counts the characters before `at`; those before `from` start it.
            start: column.saturating_sub(1).saturating_sub(line[from..at].chars().count()),
        }
    }
}

/// Source lines longer than this (in bytes) are kept only around the problem: a line of
/// megabytes with thousands of problems must not be copied, or printed, thousands of times.
const MAX_SHOWN: usize = 240;

impl Diagnostic {
    /// An error about a whole file (no line known).
    pub fn error(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.as_ref().to_path_buf(),
            line: 0,
            column: 0,
            len: 0,
            message: message.into(),
            help: None,
            source_line: None,
            source_start: 0,
        }
    }

    /// A warning about a whole file (no line known).
    pub fn warning(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    /// Points the diagnostic at `line`:`column` of `source` (the whole file's text),
    /// spanning `len` characters, and keeps the text of that line for display.
    pub fn at(mut self, source: &str, line: usize, column: usize, len: usize) -> Self {
        self.line = line;
        self.column = column.max(1);
        self.len = len.max(1);
        self.show_line(line.checked_sub(1).and_then(|i| source.lines().nth(i)));
        self
    }

    /// Keeps `text`, the whole text of line `self.line`, for display: all of it, or for a
    /// long line about `MAX_SHOWN` bytes around the problem.
    pub fn show_line(&mut self, text: Option<&str>) {
        let shown = text.map(|t| ShownLine::of(t, self.column));
        self.show(shown);
    }

    /// Points the diagnostic at `line`:`column`, spanning `len` characters, showing a
    /// line kept earlier with [`ShownLine::of`].
    pub fn at_shown(mut self, line: usize, column: usize, len: usize, shown: Option<ShownLine>) -> Self {
        self.line = line;
        self.column = column.max(1);
        self.len = len.max(1);
        self.show(shown);
        self
    }

    fn show(&mut self, shown: Option<ShownLine>) {
        self.source_start = shown.as_ref().map_or(0, |s| s.start);
        self.source_line = shown.map(|s| s.text.into());
    }

    /// Adds the fix to suggest.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col`, or just the file when no line is known.
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.display().to_string()
        } else {
            format!("{}:{}:{}", self.file.display(), self.line, self.column)
        }
    }

    /// Renders the diagnostic the way rustc does, with the source line and the fix.
    pub fn render(&self, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path = self.file.display().to_string();
        let mut groups = Vec::new();
        let title = level.primary_title(&self.message);
        let group = match &self.source_line {
            Some(src) if self.line > 0 => {
                let column = self.column.saturating_sub(1).saturating_sub(self.source_start);
                let start = char_to_byte(src, column);
                let end = char_to_byte(src, column + self.len).max(start);
                let mut snippet = Snippet::source(src.as_str()).line_start(self.line);
                // A cut line would make the column shown after the path wrong: say it here.
                if self.source_start == 0 {
                    snippet = snippet.path(&path);
                }
                if start < src.len() || src.is_empty() {
                    snippet = snippet.annotation(AnnotationKind::Primary.span(start..end));
                } else {
                    // Point just past the end of the line (e.g. "value missing here").
                    snippet = snippet.annotation(AnnotationKind::Primary.span(src.len()..src.len()));
                }
                if self.source_start == 0 {
                    title.element(snippet)
                } else {
                    title
                        .element(Level::NOTE.message(format!("at {}", self.location())))
                        .element(snippet)
                }
            }
            // A problem of the command line has no file.
            _ if path.is_empty() => Group::with_title(title),
            _ => title.element(Level::NOTE.message(format!("in {path}"))),
        };
        groups.push(group);
        if let Some(help) = &self.help {
            groups.push(Group::with_title(Level::HELP.secondary_title(help)));
        }
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        renderer.render(&groups)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.file.as_os_str().is_empty() {
            write!(f, "{kind}: {}", self.message)?;
        } else {
            write!(f, "{}: {kind}: {}", self.location(), self.message)?;
        }
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

fn char_to_byte(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

/// Every problem of a build, gathered from all stages in any order. It is read in one
/// order only: by file, line, column and message, each problem once, so every report
/// (printed, JSON, the preview's error page) is stable and no stage sorts or dedups.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    /// Adds one problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Adds many problems.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }

    /// True when at least one problem is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.ordered().iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.ordered().iter().filter(|d| !d.is_error()).count()
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems in report order, each once.
    fn ordered(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.0.iter().collect();
        v.sort_by(|a, b| report_order(a).cmp(&report_order(b)));
        v.dedup();
        v
    }

    /// The problems, by file, then line and column, each once.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.ordered().into_iter()
    }

    /// Renders all problems, one block each.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for d in self.iter() {
            out.push_str(&d.render(color));
            out.push_str("\n\n");
        }
        out
    }
}

/// The order of a report: top to bottom, file by file.
fn report_order(d: &Diagnostic) -> (&Path, usize, usize, &str) {
    (&d.file, d.line, d.column, &d.message)
}

impl PartialEq for Diagnostics {
    fn eq(&self, other: &Self) -> bool {
        self.ordered() == other.ordered()
    }
}

impl Eq for Diagnostics {}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(mut self) -> Self::IntoIter {
        self.0.sort_by(|a, b| report_order(a).cmp(&report_order(b)));
        self.0.dedup();
        self.0.into_iter()
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(v: Vec<Diagnostic>) -> Self {
        Diagnostics(v)
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

/// Why a command failed; its variant is the command's exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A mistake in how knead was called, found before anything was written: a path
    /// that is not there or not a site, a bad flag value, a reserved or taken name
    /// (exit code 2).
    Usage(Diagnostics),
    /// Errors in the site (content, templates) or in reading and writing its files
    /// (exit code 1).
    Site(Diagnostics),
}

impl Failure {
    /// A usage failure with one problem.
    pub fn usage(d: Diagnostic) -> Self {
        Failure::Usage(d.into())
    }

    /// The exit code: 2 for usage, 1 for the site.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Site(_) => 1,
        }
    }

    /// The problems to print.
    pub fn problems(&self) -> &Diagnostics {
        match self {
            Failure::Usage(d) | Failure::Site(d) => d,
        }
    }

    /// The problems, whatever the kind.
    pub fn into_problems(self) -> Diagnostics {
        match self {
            Failure::Usage(d) | Failure::Site(d) => d,
        }
    }
}

/// Problems of the site are a site failure (exit code 1).
impl From<Diagnostics> for Failure {
    fn from(d: Diagnostics) -> Self {
        Failure::Site(d)
    }
}

/// The known word closest to `word`, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(word, k), *k))
        .filter(|(d, k)| *d <= (k.chars().count() / 3).max(1) + usize::from(word.len() > 6))
        .min()
        .map(|(_, k)| k)
}

/// `", did you mean `x`?"` text for a help line, or a list of the known words.
pub fn did_you_mean(word: &str, known: &[&str]) -> String {
    match suggest(word, known) {
        Some(k) => format!("did you mean `{k}`?"),
        None => format!(
            "expected one of {}",
            known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Shows `path` relative to `root` when it is inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {

    #[test]
    fn shown_line_around_a_byte_matches_the_one_found_by_column() {
        let ascii = "see [x](a.md#y) ".repeat(100);
        let mixed = "voir [é](a.md#y) ñ ".repeat(100);
        for line in [ascii.as_str(), mixed.as_str(), "short line"] {
            for (at, _) in line.char_indices().step_by(37) {
                let column = line[..at].chars().count() + 1;
                assert_eq!(
                    ShownLine::around(line, at, column),
                    ShownLine::of(line, column),
                    "at {at}"
                );
            }
        }
    }

    use super::*;

    #[test]
    fn a_problem_of_the_command_line_names_no_file() {
        let d = Diagnostic::error("", "--base-url: `foo` is not an absolute http(s) URL").help("give the full address");
        assert_eq!(
            d.render(false),
            "error: --base-url: `foo` is not an absolute http(s) URL\n |\nhelp: give the full address"
        );
        assert_eq!(
            d.to_string(),
            "error: --base-url: `foo` is not an absolute http(s) URL (help: give the full address)"
        );
        assert_eq!(Failure::usage(d.clone()).exit_code(), 2);
        assert_eq!(Failure::from(Diagnostics::from(d)).exit_code(), 1);
    }

    #[test]
    fn suggests_close_keys() {
        let keys = ["title", "techniques", "benefits", "faqs"];
        assert_eq!(suggest("technqiues", &keys), Some("techniques"));
        assert_eq!(suggest("titel", &keys), Some("title"));
        assert_eq!(suggest("colour", &keys), None);
    }

    #[test]
    fn renders_file_line_and_help() {
        let src = "---\ntitle: x\ntechnqiues: [a]\n---\n";
        let d = Diagnostic::error("content/articles/a.md", "unknown key `technqiues`")
            .at(src, 3, 1, 10)
            .help("did you mean `techniques`?");
        let text = d.render(false);
        assert!(text.contains("content/articles/a.md:3:1"), "{text}");
        assert!(text.contains("technqiues: [a]"), "{text}");
        assert!(text.contains("did you mean `techniques`?"), "{text}");
        assert_eq!(
            d.to_string(),
            "content/articles/a.md:3:1: error: unknown key `technqiues` (help: did you mean `techniques`?)"
        );
    }
}
