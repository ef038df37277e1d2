//! The editorial rules of `knead check`, beyond what a build rejects: stale or missing
//! reviews, dates in the future or out of order, over-long titles, malformed source
//! URLs, duplicate FAQ questions, headings that skip a level or head an empty section,
//! and a reading grade above the site's target.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;
use crate::model::{Site, Sourced};
use crate::source::date::Date;
use crate::source::yaml::{self, Pos};

use super::{Grade, evidence};

/// A file's text, read again only when a problem needs a position in it.
pub(super) struct Lazy<'a> {
    root: &'a Path,
    rel: &'a Path,
    text: Option<String>,
}

impl<'a> Lazy<'a> {
    pub(super) fn new(root: &'a Path, rel: &'a Path) -> Self {
        Lazy { root, rel, text: None }
    }

    pub(super) fn text(&mut self) -> &str {
        let (root, rel) = (self.root, self.rel);
        self.text
            .get_or_insert_with(|| std::fs::read_to_string(root.join(rel)).unwrap_or_default())
    }

    /// A diagnostic at a front matter position found by `find`.
    pub(super) fn at(
        &mut self,
        severity: fn(PathBuf, String) -> Diagnostic,
        find: impl Fn(&yaml::Located<'_>) -> Pos,
        message: String,
    ) -> Diagnostic {
        let rel = self.rel.to_path_buf();
        let text = self.text();
        let d = severity(rel, message);
        match yaml::locate(text) {
            Some(l) => {
                let p = find(&l);
                d.at(text, p.line, p.column, p.len)
            }
            None => d,
        }
    }

    /// A diagnostic at a body position.
    fn at_pos(&mut self, severity: fn(PathBuf, String) -> Diagnostic, pos: Pos, message: String) -> Diagnostic {
        let rel = self.rel.to_path_buf();
        let text = self.text();
        severity(rel, message).at(text, pos.line, pos.column, pos.len)
    }
}

pub(super) fn warning(f: PathBuf, m: String) -> Diagnostic {
    Diagnostic::warning(f, m)
}

pub(super) fn error(f: PathBuf, m: String) -> Diagnostic {
    Diagnostic::error(f, m)
}

/// True for an absolute `http(s)` URL with a host and no spaces.
pub fn is_web_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(r) => {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            let host_ok = !host.is_empty()
                && host.contains('.')
                && host
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':'))
                && !host.starts_with(['.', '-'])
                && !host.ends_with(['.', '-']);
            host_ok && !url.contains(char::is_whitespace) && !url.contains(['<', '>', '"'])
        }
        None => false,
    }
}

/// The heading outline of one rendered body: level-1 headings, skipped levels, empty
/// sections.
fn outline(body: &Rendered, file: &mut Lazy<'_>, out: &mut Vec<Diagnostic>) {
    let mut prev = 1u8; // the page title is the h1
    for h in &body.headings {
        if h.level == 1 {
            out.push(
                file.at_pos(
                    warning,
                    h.pos,
                    format!("`{}` is a level-1 heading; the page title is already the h1", h.title),
                )
                .help("start sections at `##`"),
            );
        } else if h.level > prev + 1 {
            out.push(
                file.at_pos(
                    warning,
                    h.pos,
                    format!("this heading skips from level {prev} to level {}", h.level),
                )
                .help(format!(
                    "use {} for this heading, or add the missing level above it",
                    "#".repeat(usize::from(prev) + 1)
                )),
            );
        }
        if h.empty {
            out.push(
                file.at_pos(warning, h.pos, format!("the section `{}` is empty", h.title))
                    .help("write something under the heading, or remove it"),
            );
        }
        prev = h.level;
    }
}

/// The longest title, in characters, that `knead check` accepts: the longest headline
/// Google's guidelines for article markup allowed. Search results show about 60.
pub const MAX_TITLE: usize = 110;

/// A title longer than [`MAX_TITLE`].
fn title_length(title: &str, file: &mut Lazy<'_>, out: &mut Vec<Diagnostic>) {
    let n = title.chars().count();
    if n > MAX_TITLE {
        out.push(
            file.at(
                warning,
                |l| l.key("title"),
                format!(
                    "the title is {n} characters long; titles over {MAX_TITLE} characters are cut short in search results, feeds and link previews"
                ),
            )
            .help(format!(
                "shorten the title to {MAX_TITLE} characters or fewer (search results show about the first 60), and say the rest in `description` or the first paragraph"
            )),
        );
    }
}

/// An article's `date` and `updated`: neither in the future, and `updated` not before
/// `date`.
fn dates(m: &crate::source::meta::ArticleMeta, today: Date, file: &mut Lazy<'_>, out: &mut Vec<Diagnostic>) {
    if m.date > today {
        out.push(
            file.at(
                warning,
                |l| l.key("date"),
                format!(
                    "`date` ({}) is in the future, yet the article is published now: it leads the home page, the article list and the feed",
                    m.date
                ),
            )
            .help("use the day the article is published, or keep it out of the build with `draft: true` until then"),
        );
    }
    match m.updated {
        Some(u) if u > today => out.push(
            file.at(warning, |l| l.key("updated"), format!("`updated` ({u}) is in the future"))
                .help("use the date of the article's last substantive change"),
        ),
        Some(u) if u < m.date => out.push(
            file.at(
                warning,
                |l| l.key("updated"),
                format!("`updated` ({u}) is before `date` ({})", m.date),
            )
            .help("`updated` is the date of the last substantive change, on or after `date`; remove it if the article has not changed since"),
        ),
        _ => {}
    }
}

/// The reading level of an article's text by the formula of its language, and the
/// warning when it is harder than `target` (a grade) asks: Flesch-Kincaid for English,
/// Fernández Huerta for Spanish; `None` for a language without a formula.
fn reading(s: &crate::text::readability::TextStats, target: f64) -> Option<(Grade, Option<(String, String)>)> {
    use crate::text::readability::{ease_for_grade, fernandez_huerta};
    let round = |x: f64| (x * 10.0).round() / 10.0;
    if let Some(g) = s.grade() {
        let grade = Grade {
            file: PathBuf::new(),
            grade: round(g),
            formula: "Flesch-Kincaid",
            ease: None,
        };
        let problem = (g > target).then(|| {
            (
                format!(
                    "the reading grade is {:.1}, above the site's target of {target}",
                    round(g)
                ),
                "use shorter sentences and everyday words (Flesch-Kincaid grade level)".to_owned(),
            )
        });
        return Some((grade, problem));
    }
    let ease = fernandez_huerta(s)?;
    let least = ease_for_grade(target);
    let grade = Grade {
        file: PathBuf::new(),
        grade: round(match ease {
            e if e >= 90.0 => 5.0,
            e if e >= 80.0 => 6.0,
            e if e >= 70.0 => 7.0,
            e if e >= 60.0 => 8.5,
            e if e >= 50.0 => 11.0,
            e if e >= 30.0 => 15.0,
            _ => 17.0,
        }),
        formula: "Fernández Huerta",
        ease: Some(round(ease)),
    };
    let problem = (ease < least).then(|| {
        (
            format!(
                "the reading ease is {:.1} (Fernández Huerta), below the {least} that the site's target grade of {target} asks for",
                round(ease)
            ),
            "use shorter sentences and everyday words (Fernández Huerta reading ease: higher is easier)".to_owned(),
        )
    });
    Some((grade, problem))
}

/// Runs every editorial rule. Returns the problems and each article's reading grade.
pub fn run(site: &Site, root: &Path, today: Date) -> (Vec<Diagnostic>, Vec<Grade>) {
    let mut out = Vec::new();
    let mut grades = Vec::new();
    let interval = i64::from(site.config.review_interval_days);
    let target = site.config.reading_grade_target;
    for a in &site.articles {
        let mut file = Lazy::new(root, a.rel());
        let m = &a.meta;
        title_length(&m.title, &mut file, &mut out);
        dates(m, today, &mut file, &mut out);
        let review = evidence::Review {
            what: "article",
            last_reviewed: m.last_reviewed,
            required: true,
            interval,
            today,
        };
        evidence::review_dates(&review, &mut file, &mut out);
        evidence::source_urls(&m.references, &mut file, &mut out);
        let mut seen: Vec<String> = Vec::new();
        for f in &m.faqs {
            let key = f.question.trim().to_lowercase();
            if seen.contains(&key) {
                let needle = f.question.trim().to_owned();
                out.push(
                    file.at(
                        error,
                        |l| {
                            // Point at the second occurrence.
                            let first = l.item("faqs", &needle);
                            let text = l.text();
                            text.lines()
                                .enumerate()
                                .skip(first.line)
                                .find_map(|(i, line)| {
                                    line.find(&needle).map(|c| Pos {
                                        line: i + 1,
                                        column: line[..c].chars().count() + 1,
                                        len: needle.chars().count(),
                                    })
                                })
                                .unwrap_or(first)
                        },
                        format!(
                            "the FAQ question `{}` is asked twice in this article",
                            f.question.trim()
                        ),
                    )
                    .help("merge the two answers into one FAQ"),
                );
            } else {
                seen.push(key);
            }
        }
        outline(a.body(), &mut file, &mut out);
        if let Some((grade, problem)) = a.body().stats.as_ref().and_then(|s| reading(s, target)) {
            grades.push(Grade {
                file: a.rel().to_path_buf(),
                ..grade
            });
            if let Some((message, help)) = problem {
                let mut d = Diagnostic::warning(a.rel(), message).help(help);
                let text = file.text();
                let first = yaml::locate(text).map_or(1, |l| l.split().body_first_line);
                // The first line of prose, not the blank line after the front matter.
                let body_line = text
                    .lines()
                    .enumerate()
                    .skip(first - 1)
                    .find(|(_, l)| !l.trim().is_empty())
                    .map_or(first, |(i, _)| i + 1);
                d = d.at(file.text(), body_line, 1, 1);
                out.push(d);
            }
        }
    }
    for t in &site.techniques {
        let mut file = Lazy::new(root, t.rel());
        title_length(&t.meta.title, &mut file, &mut out);
        outline(&t.render.body, &mut file, &mut out);
    }
    evidence::run(site, root, today, &mut out);
    for p in site.pages.iter().chain(site.home.iter()) {
        let mut file = Lazy::new(root, p.rel());
        title_length(&p.meta.title, &mut file, &mut out);
        outline(&p.render.body, &mut file, &mut out);
    }
    (out, grades)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_urls() {
        assert!(is_web_url("https://doi.org/10.1002/14651858.CD001929.pub3"));
        assert!(is_web_url("http://example.org"));
        assert!(!is_web_url("doi.org/10.1"));
        assert!(!is_web_url("https://"));
        assert!(!is_web_url("https://exa mple.org"));
        assert!(!is_web_url("https://localhost"));
        assert!(!is_web_url("javascript:alert(1)"));
    }
}
