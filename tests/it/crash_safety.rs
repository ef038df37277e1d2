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
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{generate_site, knead, names, tree};

const ARTICLES: usize = 300;

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
        // Nothing but knead's own hidden folders and lock file, as the killed process
        // left them, may be beside the output.
        let knead_own =
            |n: &str| n.starts_with(".public.knead-staging-") || n == ".public.knead-old" || n == ".public.knead-lock";
        for name in names(&root) {
            assert!(
                site_names.contains(&name) || knead_own(&name),
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
