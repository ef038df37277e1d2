//! A build killed with SIGKILL at any moment leaves the previous output complete: the
//! output folder is always, byte for byte, either the previous complete build or the new
//! complete build, and the next build succeeds and cleans up after the killed one.
//!
//! The test builds a generated site of a few hundred articles with the real (debug)
//! binary, measures how long a build takes, then starts builds of the other variant of
//! the site and kills each one after a delay spread over the whole build (writing the
//! staging folder, flushing it, the swap, removing the old tree).
//! `KNEAD_CRASH_KILLS=N` sets the number of kills (default 16).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{knead, names, tree};

const ARTICLES: usize = 300;

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
fn generate_site(root: &Path, articles: usize, variant: &str) {
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

fn build(root: &Path, out: &Path) -> Duration {
    let start = Instant::now();
    let o = knead()
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    start.elapsed()
}

type Tree = BTreeMap<String, Vec<u8>>;

/// Which complete build `out` is, or a description of what is wrong.
fn which(out: &Path, a: &Tree, b: &Tree) -> Result<char, String> {
    if !out.is_dir() {
        return Err(format!("{} does not exist", out.display()));
    }
    let now = tree(out);
    if &now == a {
        return Ok('a');
    }
    if &now == b {
        return Ok('b');
    }
    let (near, name) = if now.len().abs_diff(a.len()) < now.len().abs_diff(b.len()) {
        (a, "a")
    } else {
        (b, "b")
    };
    let missing: Vec<_> = near.keys().filter(|k| !now.contains_key(*k)).take(5).collect();
    let extra: Vec<_> = now.keys().filter(|k| !near.contains_key(*k)).take(5).collect();
    let differ: Vec<_> = now
        .iter()
        .filter(|(k, v)| near.get(*k).is_some_and(|n| n != *v))
        .map(|(k, _)| k)
        .take(5)
        .collect();
    Err(format!(
        "the output is neither complete build ({} files; nearest {name}: missing {missing:?}, extra {extra:?}, different {differ:?})",
        now.len()
    ))
}

#[test]
fn sigkill_at_any_moment_leaves_a_complete_output() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let out = root.join("public");

    // The two complete builds, made once each.
    generate_site(&root, ARTICLES, "b");
    let reference_b = dir.path().join("reference-b");
    build(&root, &reference_b);
    let b = tree(&reference_b);
    generate_site(&root, ARTICLES, "a");
    let took = build(&root, &out);
    let a = tree(&out);
    assert_ne!(a, b);
    std::fs::remove_dir_all(&reference_b).unwrap();
    let site_names = names(&root);

    let kills: u64 = std::env::var("KNEAD_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let total = took.as_millis() as u64;
    let mut outcomes = Vec::new();
    let mut rng = 0x006b_6e65_6164_u64;
    for k in 0..kills {
        // Half spread evenly over 1.6 builds (a killed build may run slower), half
        // at pseudo-random moments around the end, where the swap happens.
        let delay = if k % 2 == 0 {
            5 + total * 16 * k / (10 * kills)
        } else {
            rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            total * 7 / 10 + (rng >> 33) % (total * 6 / 10 + 1)
        };
        let before = which(&out, &a, &b).unwrap_or_else(|e| panic!("before kill {k}: {e}"));
        generate_site(&root, ARTICLES, if before == 'a' { "b" } else { "a" });
        let mut child = knead()
            .args(["build", "--root"])
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        let after = which(&out, &a, &b).unwrap_or_else(|e| panic!("after a kill at {delay} ms ({status}): {e}"));
        // Nothing but knead's own hidden staging folder may be left beside the output.
        for name in names(&root) {
            assert!(
                site_names.contains(&name) || name == ".public.knead-staging" || name == ".public.knead-old",
                "unexpected {name} beside the output after a kill at {delay} ms"
            );
        }
        outcomes.push(format!("{delay} ms: {before}->{after} ({status})"));
    }
    eprintln!("kills (build took {total} ms): {outcomes:#?}");

    // A normal build still succeeds, gives the expected output and cleans up.
    let now = which(&out, &a, &b).unwrap();
    let variant = if now == 'a' { "b" } else { "a" };
    generate_site(&root, ARTICLES, variant);
    build(&root, &out);
    assert_eq!(which(&out, &a, &b).unwrap().to_string(), variant);
    assert_eq!(names(&root), site_names, "leftovers beside the output");
}
