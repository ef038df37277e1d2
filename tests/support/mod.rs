//! Helpers of the reliability tests (crash safety, bad input, escaping, the dev
//! server): generated sites, output snapshots and the contents of a folder.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const TECHNIQUES: &[(&str, &str, &str)] = &[
    ("swedish", "Swedish massage", "light"),
    ("deep-tissue", "Deep-tissue massage", "firm"),
    ("trigger-point", "Trigger-point therapy", "firm"),
    ("shiatsu", "Shiatsu", "moderate"),
];

const BENEFITS: &[&str] = &["Pain relief", "Better sleep", "Reduced stiffness", "Stress reduction"];

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Writes a valid site with `articles` articles under `root`. `variant` is woven into
/// the site title and every article, so two variants build to different outputs.
pub fn generate_site(root: &Path, articles: usize, variant: &str) {
    write(
        &root.join("site.yaml"),
        &format!(
            "title: \"Generated back care {variant}\"\nbase_url: \"https://example.org/\"\ndescription: \"A generated site.\"\nlanguage: en\nauthor: \"Generated editors\"\nmenu:\n  - name: Articles\n    url: /articles/\n  - name: About\n    url: pages/about.md\n"
        ),
    );
    write(
        &root.join("content/index.md"),
        "---\ntitle: \"Welcome\"\ndescription: \"Home.\"\n---\n\nStart with [the articles](/articles/).\n",
    );
    write(
        &root.join("content/pages/about.md"),
        "---\ntitle: \"About\"\ndescription: \"About us.\"\n---\n\nWho writes this site.\n",
    );
    for (slug, title, pressure) in TECHNIQUES {
        write(
            &root.join(format!("content/techniques/{slug}.md")),
            &format!(
                "---\ntitle: \"{title}\"\nsummary: \"About {title}.\"\npressure: {pressure}\ngood_for: [\"Tension\"]\navoid_if: [\"Fever\"]\n---\n\n## In a session\n\nWhat happens.\n"
            ),
        );
    }
    for i in 0..articles {
        let (t, _, _) = TECHNIQUES[i % TECHNIQUES.len()];
        let b = BENEFITS[i % BENEFITS.len()];
        let mut body = String::new();
        for s in 0..6 {
            let _ = write!(
                body,
                "\n## Section {s} of article {i}\n\nMassage may ease tight muscles around the spine ({variant}). \
                 Gentle pressure, slow strokes and a warm room help many people relax. See \
                 [the technique](../techniques/{t}.md) and [the next article](article-{next}.md#section-1-of-article-{next}).\n\n\
                 - one point\n- another point with *emphasis*\n",
                next = (i + 1) % articles
            );
        }
        write(
            &root.join(format!("content/articles/article-{i}.md")),
            &format!(
                "---\ntitle: \"Article {i}: massage and back pain\"\ndescription: \"What article {i} says ({variant}).\"\ndate: 2025-{month:02}-{day:02}\ntechniques: [{t}]\nbenefits: [\"{b}\"]\nfaqs:\n  - question: \"Does it help {i}?\"\n    answer: \"Often, for a while ({variant}).\"\nreferences:\n  - title: \"A review\"\n    url: \"https://example.org/review\"\n---\n{body}",
                month = 1 + i % 12,
                day = 1 + i % 28,
            ),
        );
    }
}

/// Every file under `dir` by relative path, with symlinks listed by their target.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        if entry.file_type().is_file() {
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        } else if entry.file_type().is_symlink() {
            let target = std::fs::read_link(entry.path()).unwrap();
            out.insert(
                format!("{rel} -> symlink"),
                target.to_string_lossy().into_owned().into_bytes(),
            );
        } else if entry.file_type().is_dir() && entry.depth() > 0 {
            out.insert(format!("{rel}/"), Vec::new());
        }
    }
    out
}

/// The names in a folder, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The `knead` binary.
pub fn knead() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_knead"))
}
