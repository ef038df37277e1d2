//! `knead new` and `knead init`: new content files with their front matter filled in,
//! and a complete new site (config, sample content, the default theme) that builds and
//! passes `knead check` as it is. Neither overwrites or deletes a file; a name that is
//! reserved or taken, or a folder that already holds files, is a usage failure.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, Failure};
use crate::source::date::Date;
use crate::source::discover::{self, Kind};
use crate::text::slug::slugify;

/// What `knead new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewKind {
    /// `content/articles/<slug>.md`
    Article,
    /// `content/techniques/<slug>.md`
    Technique,
    /// `content/pages/<slug>.md`
    Page,
    /// `content/benefits/<slug>.md`
    Benefit,
}

impl NewKind {
    fn kind(self) -> Kind {
        match self {
            NewKind::Article => Kind::Article,
            NewKind::Technique => Kind::Technique,
            NewKind::Page => Kind::Page,
            NewKind::Benefit => Kind::Benefit,
        }
    }

    fn word(self) -> &'static str {
        match self {
            NewKind::Article => "article",
            NewKind::Technique => "technique",
            NewKind::Page => "page",
            NewKind::Benefit => "benefit",
        }
    }
}

/// A usage failure with a message and a fix.
fn usage(message: String, help: impl Into<String>) -> Failure {
    Failure::usage(Diagnostic::error("", message).help(help))
}

/// A failure to write `path`.
fn cannot_write(path: &Path, e: &std::io::Error) -> Failure {
    Failure::Site(Diagnostics::from(
        Diagnostic::error(path, format!("cannot write this file: {e}"))
            .help("check the folder's permissions and free disk space"),
    ))
}

/// Double-quotes `s` as a YAML string.
fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The text of a new content file.
pub fn new_file_text(kind: NewKind, title: &str, today: Date) -> String {
    let t = yaml_str(title);
    match kind {
        NewKind::Article => format!(
            "---\ntitle: {t}\ndescription: \"One or two sentences that sum up this article (under 160 characters).\"\ndate: {today}\nlast_reviewed: {today}\ndraft: true\ntechniques: []\nbenefits: []\nfaqs: []\nreferences: []\ntags: []\n---\n\nStart with a short paragraph that tells readers what they will learn.\n\n## First section\n\nWrite in plain language, and name your sources in `references`.\n"
        ),
        NewKind::Technique => format!(
            "---\ntitle: {t}\nsummary: \"One sentence on what this technique is.\"\npressure: moderate\nalso_known_as: []\ngood_for: []\navoid_if: []\n---\n\n## What happens in a session\n\nDescribe the technique.\n"
        ),
        NewKind::Page => {
            format!("---\ntitle: {t}\ndescription: \"What this page is about.\"\n---\n\nWrite the page here.\n")
        }
        NewKind::Benefit => format!(
            "---\ntitle: {t}\nsummary: \"One or two plain sentences on what the research found, and how sure it is.\"\nevidence: insufficient\nlast_reviewed: {today}\nreferences: []\n---\n\nSay what the studies found, how many people took part and how sure we can be.\nGive each source in `references` an `id` and cite it where the text relies on it: `[@id]`.\nSet `evidence` to `high`, `moderate`, `low`, `very-low` or `insufficient`, as the sources allow.\n"
        ),
    }
}

/// The file of `root`'s content of kind `kind` whose slug is `slug` (its `slug:` or,
/// without one, its file name), drafts included. A file whose front matter cannot be
/// read counts by its file name.
fn slug_taken_by(root: &Path, kind: NewKind, slug: &str) -> Option<PathBuf> {
    let sources = discover::discover(root);
    sources
        .markdown
        .par_iter()
        .filter(|s| s.kind == kind.kind())
        .find_first(|s| {
            let (doc, _) = crate::source::parse::parse_one(s);
            match doc {
                Some(doc) => doc.slug == slug,
                None => s.path.file_stem().is_some_and(|stem| stem == slug),
            }
        })
        .map(|s| s.rel.clone())
}

/// Writes a new content file under `root` and returns its path. The site folder must
/// be a site, and the slug made from `title` free: not knead's own (pages) and no other
/// file's of the same kind.
pub fn new_content(root: &Path, kind: NewKind, title: &str) -> Result<PathBuf, Failure> {
    crate::build::pipeline::check_site_folder(root)?;
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(usage(
            format!("the title `{title}` has no letters or digits to make a file name from"),
            "use a title with letters or digits; you can change the title in the file afterwards",
        ));
    }
    let word = kind.word();
    if kind == NewKind::Page && crate::model::RESERVED.contains(&slug.as_str()) {
        return Err(usage(
            format!("the page slug `{slug}` is taken by knead's own /{slug}/ section"),
            format!(
                "choose another title, e.g. `knead new page \"{title} page\"`; you can change the title in the file afterwards"
            ),
        ));
    }
    if let Some(other) = slug_taken_by(root, kind, &slug) {
        return Err(usage(
            format!("the {word} slug `{slug}` is already used by {}", other.display()),
            format!("choose another title, or edit {} instead", other.display()),
        ));
    }
    let dir = root.join("content").join(format!("{word}s"));
    let path = dir.join(format!("{slug}.md"));
    if path.exists() {
        return Err(usage(
            format!("{} already exists", path.display()),
            "choose another title, or edit the existing file",
        ));
    }
    std::fs::create_dir_all(&dir).map_err(|e| cannot_write(&path, &e))?;
    // `create_new`: a file made meanwhile by someone else is not overwritten either.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, new_file_text(kind, title, Date::today()).as_bytes()))
        .map_err(|e| cannot_write(&path, &e))?;
    Ok(path)
}

/// The lines knead adds to a site's `.gitignore`: the output folder and what it writes
/// beside it.
const GITIGNORE: &str = "/public/\n/.public.knead-*\n/.knead-cache/\n";

/// Writes a new site into `dir`: a new folder, an empty one, or one that holds only
/// version-control and editor files (dot files such as `.git`, editor leftovers). With
/// `force`, any folder, as long as none of the files it writes is there already. An
/// existing `.gitignore` gets knead's lines added; nothing is overwritten or deleted.
pub fn init(dir: &Path, force: bool) -> Result<(), Failure> {
    if dir.exists() && !dir.is_dir() {
        return Err(usage(
            format!("`{}` is a file, not a folder", dir.display()),
            "choose a new folder name, e.g. `knead init my-site`",
        ));
    }
    if dir.exists() && !force {
        let mut others: Vec<String> = std::fs::read_dir(dir)
            .map_err(|e| Failure::Site(Diagnostic::error(dir, format!("cannot read this folder: {e}")).into()))?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| !discover::is_ignored(name))
            .collect();
        others.sort();
        if !others.is_empty() {
            let shown = others
                .iter()
                .take(3)
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let more = if others.len() > 3 { ", ..." } else { "" };
            return Err(usage(
                format!("`{}` already holds files ({shown}{more})", dir.display()),
                "add the site beside them with `--force` (knead never overwrites or deletes a file), or choose a new folder, e.g. `knead init my-site`",
            ));
        }
    }
    let today = Date::today();
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("site.yaml".into(), SITE_YAML.as_bytes().to_vec()),
        ("content/index.md".into(), INDEX_MD.as_bytes().to_vec()),
        (
            "content/articles/welcome.md".into(),
            WELCOME_MD.replace("{today}", &today.to_string()).into_bytes(),
        ),
        ("content/techniques/swedish.md".into(), SWEDISH_MD.as_bytes().to_vec()),
        (
            "content/benefits/relaxation-and-stress.md".into(),
            RELAXATION_MD.replace("{today}", &today.to_string()).into_bytes(),
        ),
        ("content/pages/about.md".into(), ABOUT_MD.as_bytes().to_vec()),
    ];
    for (path, bytes) in crate::source::theme::embedded_files() {
        files.push((format!("themes/default/{path}"), bytes.to_vec()));
    }
    let there: Vec<&str> = files
        .iter()
        .map(|(rel, _)| rel.as_str())
        .filter(|rel| std::fs::symlink_metadata(dir.join(rel)).is_ok())
        .collect();
    if let Some(first) = there.first() {
        let more = match there.len() {
            1 => String::new(),
            n => format!(" (and {} more of the files it writes)", n - 1),
        };
        return Err(usage(
            format!(
                "{} already exists{more}: knead init never overwrites a file",
                dir.join(first).display()
            ),
            "choose a new folder, or move those files out of the way",
        ));
    }
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| cannot_write(&path, &e))?;
        }
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, &bytes))
            .map_err(|e| cannot_write(&path, &e))?;
    }
    add_to_gitignore(&dir.join(".gitignore"))
}

/// Adds knead's lines to `.gitignore` (creating it), keeping every line it has.
fn add_to_gitignore(path: &Path) -> Result<(), Failure> {
    let old = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(cannot_write(path, &e)),
    };
    let missing: Vec<&str> = GITIGNORE
        .lines()
        .filter(|l| !old.lines().any(|o| o.trim() == *l))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut text = old;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    for line in missing {
        text.push_str(line);
        text.push('\n');
    }
    std::fs::write(path, text).map_err(|e| cannot_write(path, &e))
}

const SITE_YAML: &str = r#"title: "My Back Care Site"
base_url: "https://example.org/"
description: "Clear, careful information about massage for back pain."
language: en
theme: default
review_interval_days: 365
disclaimer: |
  This site is for general education. It is not medical advice. See a doctor for back pain
  that is severe, lasting or comes with other symptoms.
menu:
  - name: Articles
    url: /articles/
  - name: Techniques
    url: /techniques/
  - name: Benefits
    url: /benefits/
  - name: FAQ
    url: /faq/
  - name: About
    url: /about/
"#;

const INDEX_MD: &str = "---\ntitle: \"Welcome\"\ndescription: \"Clear, careful information about massage for back pain.\"\n---\n\nThis site explains what massage can and cannot do for back pain. Start with [our first article](articles/welcome.md).\n";

const WELCOME_MD: &str = r#"---
title: "Welcome to your new site"
description: "How this sample article is built, and where to write your own."
date: {today}
last_reviewed: {today}
techniques: [swedish]
benefits: ["Relaxation and stress"]
faqs:
  - question: "Where do articles live?"
    answer: "In `content/articles/`, one Markdown file each. Run `knead new article \"Title\"` to start one."
  - question: "How do I see my changes?"
    answer: "Run `knead serve` and open the address it prints; the page reloads itself as you edit."
  - question: "What if I make a mistake in the front matter?"
    answer: "knead names the file and line, and suggests a fix."
references:
  - id: nice-ng59
    title: "Low back pain and sciatica in over 16s: assessment and management (NG59)"
    publisher: "National Institute for Health and Care Excellence"
    year: 2016
    url: "https://www.nice.org.uk/guidance/ng59"
tags: [getting-started]
---

This is a sample article. Replace it with your own.

## How articles work

Each article has front matter between `---` lines, then the text in Markdown.
Link to other pages by file, like [the about page](../pages/about.md), or by address,
like [the technique list](/techniques/).

## How sources work

List your sources in `references`. Give a source an `id` and cite it where the text
relies on it: the UK's NICE guideline advises staying active [@nice-ng59]. The citation
becomes a numbered link to the source list.
"#;

const RELAXATION_MD: &str = r#"---
title: "Relaxation and stress"
summary: "Massage may ease anxiety for a short time. The research is not strong."
evidence: low
last_reviewed: {today}
references:
  - id: moyer-2004
    title: "Moyer CA, Rounds J, Hannum JW. A meta-analysis of massage therapy research"
    publisher: "Psychological Bulletin"
    year: 2004
    url: "https://doi.org/10.1037/0033-2909.130.1.3"
---

This is a sample benefit profile: one page per benefit your articles name, with how
strong the evidence is. A review of many massage studies found that one session eased
anxiety for a while [@moyer-2004].

Grade the evidence with `evidence`: `high`, `moderate`, `low`, `very-low` or
`insufficient`, as your sources allow.
"#;

const SWEDISH_MD: &str = r#"---
title: "Swedish massage"
summary: "Long, gliding strokes and gentle kneading with light to moderate pressure."
pressure: light
also_known_as: ["Classic massage"]
good_for: ["General relaxation", "Muscle tension"]
avoid_if: ["Deep vein thrombosis or a suspected blood clot", "Fever or an infection", "Broken or inflamed skin over the area"]
---

## What happens in a session

The therapist uses long strokes, kneading and gentle circles on the back.
"#;

const ABOUT_MD: &str = "---\ntitle: \"About\"\ndescription: \"Who writes this site and why.\"\n---\n\nTell readers who you are and how you write.\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_file_quotes_titles() {
        let t = new_file_text(
            NewKind::Article,
            "Pain: \"what\" helps",
            Date::parse("2026-01-02").unwrap(),
        );
        assert!(t.contains(r#"title: "Pain: \"what\" helps""#));
        assert!(t.contains("date: 2026-01-02"));
    }
}
