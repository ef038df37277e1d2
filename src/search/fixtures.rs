//! Sites for the tests: the bundled one, and a small one whose articles mention
//! "sciatica" in different fields.

use std::path::Path;

use crate::build::pipeline::{Options, prepare};
use crate::model::Site;

/// The model of the site at `root`, as a build prepares it.
pub(super) fn site_at(root: &Path) -> Site {
    match prepare(&Options {
        root: root.to_path_buf(),
        ..Options::default()
    }) {
        Ok(p) => p.site,
        Err(e) => panic!("{e:?}"),
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn article(title: &str, description: &str, faq: Option<(&str, &str)>, body: &str) -> String {
    let faqs = faq.map_or_else(String::new, |(q, a)| {
        format!("faqs:\n  - question: \"{q}\"\n    answer: \"{a}\"\n")
    });
    format!(
        "---\ntitle: \"{title}\"\ndescription: \"{description}\"\ndate: 2025-01-01\ntechniques: [swedish]\n{faqs}---\n\n{body}\n"
    )
}

/// A small site whose articles mention "sciatica" in different fields.
pub(super) fn ranking_site() -> (tempfile::TempDir, Site) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "site.yaml",
        "title: T\nbase_url: https://example.org/sub/\ndescription: D\n",
    );
    write(
        root,
        "content/techniques/swedish.md",
        "---\ntitle: \"Swedish massage\"\nsummary: \"Long, gliding strokes.\"\npressure: light\nalso_known_as: [\"Classic massage\"]\navoid_if: [\"Pregnancy (first trimester)\"]\n---\n\nGentle strokes for the back.\n",
    );
    let filler = "The therapist works on the lower back with care. ";
    let files = [
        (
            "body-many",
            article(
                "Zebra notes",
                "About the back.",
                None,
                &format!(
                    "{} Sciatica sciatica sciatica sciatica sciatica, said nobody.",
                    filler.repeat(3)
                ),
            ),
        ),
        (
            "title",
            article(
                "Massage for sciatica",
                "What massage can do.",
                None,
                &format!("{filler} Sciatica is nerve pain.",),
            ),
        ),
        (
            "faq",
            article(
                "Questions people ask",
                "Common questions.",
                Some(("Can massage help sciatica?", "It may ease tight muscles.")),
                filler,
            ),
        ),
        (
            "body-once",
            article(
                "Apple of the eye",
                "About eyes.",
                None,
                &format!("{filler} Sciatica once."),
            ),
        ),
        (
            "heading",
            article(
                "Leg pain",
                "Pain down the leg.",
                None,
                &format!("## When it is sciatica\n\n{filler}"),
            ),
        ),
        (
            "accents",
            article(
                "Café breaks and desk posture",
                "Naïve desk tips.",
                None,
                "Massages and stretching help. Foam rollers too.",
            ),
        ),
        (
            "other",
            article(
                "Foam rolling at home",
                "Self-care with a roller.",
                None,
                "Rolling the upper back gently.",
            ),
        ),
    ];
    for (slug, text) in &files {
        write(root, &format!("content/articles/{slug}.md"), text);
    }
    write(
        root,
        "content/pages/about.md",
        "---\ntitle: Our editorial team\ndescription: Who we are.\n---\n\nWe write about massage.\n",
    );
    let site = site_at(root);
    (dir, site)
}
