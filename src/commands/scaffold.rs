//! `knead new` and `knead init`: new content files with their front matter filled in,
//! and a complete new site (config, sample content, the default theme) that builds and
//! passes `knead check` as it is.

use std::path::{Path, PathBuf};

use crate::source::date::Date;
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

/// A scaffolding failure: a message and a fix.
#[derive(Debug)]
pub struct ScaffoldError {
    /// What went wrong.
    pub message: String,
    /// What to do.
    pub help: String,
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

/// Writes a new content file under `root` and returns its path.
pub fn new_content(root: &Path, kind: NewKind, title: &str) -> Result<PathBuf, ScaffoldError> {
    if !root.join(crate::source::config::FILE).is_file() {
        return Err(ScaffoldError {
            message: format!("{} is not a knead site (it has no site.yaml)", root.display()),
            help: "run this inside a site folder, pass --root DIR, or create a site with `knead init DIR`".into(),
        });
    }
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(ScaffoldError {
            message: format!("the title `{title}` has no letters or digits to make a file name from"),
            help: "use a title with letters or digits; you can change the title in the file afterwards".into(),
        });
    }
    let dir = root.join("content").join(match kind {
        NewKind::Article => "articles",
        NewKind::Technique => "techniques",
        NewKind::Page => "pages",
        NewKind::Benefit => "benefits",
    });
    let path = dir.join(format!("{slug}.md"));
    if path.exists() {
        return Err(ScaffoldError {
            message: format!("{} already exists", path.display()),
            help: "choose another title, or edit the existing file".into(),
        });
    }
    let io = |e: std::io::Error| ScaffoldError {
        message: format!("cannot write {}: {e}", path.display()),
        help: "check the folder's permissions".into(),
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    std::fs::write(&path, new_file_text(kind, title, Date::today())).map_err(io)?;
    Ok(path)
}

/// Writes a new site into `dir`, which must not exist or be empty.
pub fn init(dir: &Path) -> Result<(), ScaffoldError> {
    if dir.exists() && std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(ScaffoldError {
            message: format!("{} already exists and is not empty", dir.display()),
            help: "choose a new folder name, e.g. `knead init my-site`".into(),
        });
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
        (".gitignore".into(), b"/public/\n/.public.knead-*\n".to_vec()),
    ];
    for (path, bytes) in crate::source::theme::embedded_files() {
        files.push((format!("themes/default/{path}"), bytes.to_vec()));
    }
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        let io = |e: std::io::Error| ScaffoldError {
            message: format!("cannot write {}: {e}", path.display()),
            help: "check the folder's permissions".into(),
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&path, bytes).map_err(io)?;
    }
    Ok(())
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
    answer: "Run `knead build` and open `public/index.html`."
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
