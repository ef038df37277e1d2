//! The user guide in `docs/` is run, so its examples cannot go stale:
//!
//! - `docs/getting-started.md`: its `sh run` blocks are run line by line as a new user
//!   would (`knead serve` and `knead watch` aside, which never end), and its file blocks
//!   written into the site they made; every command must succeed, print what the
//!   `output` block after it shows, and the site end clean.
//! - `docs/writing.md`: its file blocks (```` ```markdown file=content/articles/x.md ````)
//!   together are a site that must build and check with no error and no warning.
//! - `docs/errors.md` and `docs/reference.md`: every shown output is what knead prints
//!   for the example above it, and every fixed example builds clean ([`cases`]).
//! - `docs/reference.md` names every command and option clap knows, and no other, and
//!   exactly the front-matter keys of each kind of content file ([`reference`]).
//!
//! `KNEAD_UPDATE_DOCS=1 cargo test --test it guide::` rewrites the shown outputs of
//! errors.md and reference.md with what knead prints now (never under `CI=true`).

mod blocks;
mod cases;
mod reference;

use std::path::{Path, PathBuf};

use blocks::{Block, blocks};
use cases::{TODAY, normalize, shell_words, updating};

use crate::support::knead;

fn doc(name: &str) -> (PathBuf, Vec<Block>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (path, blocks(&text))
}

fn write_file(root: &Path, b: &Block) {
    let path = root.join(b.attr("file").unwrap());
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, &b.body).unwrap();
}

/// Runs `knead ARGS` in `dir`; panics, naming the doc's line, unless it succeeds with
/// no error and no warning.
fn clean(dir: &Path, args: &[String], at: &str) -> String {
    let out = knead().args(args).current_dir(dir).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        out.status.success() && !stderr.contains("error") && !stderr.contains("warning"),
        "`knead {}` ({at}) did not succeed cleanly:\n{stderr}{stdout}",
        args.join(" ")
    );
    format!("{stderr}{stdout}")
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn writing_examples_make_a_clean_site() {
    let (_, all) = doc("writing.md");
    let files: Vec<&Block> = all.iter().filter(|b| b.attr("file").is_some()).collect();
    assert!(files.len() >= 6, "writing.md lost its examples");
    let mut paths: Vec<&str> = files.iter().map(|b| b.attr("file").unwrap()).collect();
    paths.sort_unstable();
    let before = paths.len();
    paths.dedup();
    assert_eq!(before, paths.len(), "writing.md gives a file twice: {paths:?}");
    for kind in [
        "site.yaml",
        "content/index.md",
        "content/articles/",
        "content/techniques/",
        "content/benefits/",
        "content/pages/",
    ] {
        assert!(
            paths.iter().any(|p| p.starts_with(kind)),
            "writing.md has no example of {kind}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    for b in &files {
        write_file(dir.path(), b);
    }
    clean(
        dir.path(),
        &strings(&["check", "--deny-warnings", "--today", TODAY]),
        "writing.md",
    );
    let out = dir.path().join("out");
    clean(
        dir.path(),
        &strings(&["build", "--output", out.to_str().unwrap()]),
        "writing.md",
    );
    // The articles, techniques, benefit profiles and pages shown were all published.
    for p in paths.iter().filter(|p| p.starts_with("content/") && p.ends_with(".md")) {
        let text = std::fs::read_to_string(dir.path().join(p)).unwrap();
        if text.contains("\ndraft: true") || *p == "content/index.md" {
            continue;
        }
        let slug = text
            .lines()
            .find_map(|l| l.strip_prefix("slug: "))
            .map(str::to_owned)
            .unwrap_or_else(|| Path::new(p).file_stem().unwrap().to_string_lossy().into_owned());
        let kind = p.split('/').nth(1).unwrap();
        let page = if kind == "pages" {
            format!("{slug}/index.html")
        } else {
            format!("{kind}/{slug}/index.html")
        };
        assert!(out.join(&page).is_file(), "{p} was not published at {page}");
    }
}

#[test]
fn getting_started_works_as_written() {
    let (path, all) = doc("getting-started.md");
    let home = tempfile::tempdir().unwrap();
    let mut cwd = home.path().to_path_buf();
    let mut ran = 0;
    let mut last: Option<String> = None;
    let mut changes = Vec::new();
    for b in &all {
        if b.attr("file").is_some() {
            write_file(&cwd, b);
        } else if b.has("output") {
            let got = last
                .take()
                .unwrap_or_else(|| panic!("getting-started.md:{}: no command before", b.line));
            let got = normalize(&got, home.path(), "/home/you");
            if got.trim() != b.body.trim() {
                changes.push((b, format!("{}\n", got.trim())));
            }
        } else if b.has("run") {
            for line in b.body.lines() {
                let line = line.split(" #").next().unwrap().trim();
                let words = shell_words(line);
                match words.first().map(String::as_str) {
                    None => {}
                    Some("cd") => cwd = cwd.join(&words[1]),
                    Some("knead") if matches!(words.get(1).map(String::as_str), Some("serve" | "watch")) => {}
                    Some("knead") => {
                        last = Some(clean(&cwd, &words[1..], &format!("getting-started.md:{}", b.line)));
                        ran += 1;
                    }
                    Some(other) => {
                        panic!(
                            "getting-started.md:{}: a `run` block runs only knead and cd, not {other}",
                            b.line
                        )
                    }
                }
            }
        }
    }
    assert!(ran >= 4, "getting-started.md lost its commands");
    clean(
        &cwd,
        &strings(&["check", "--deny-warnings"]),
        "getting-started.md, at the end",
    );
    if updating() && !changes.is_empty() {
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, blocks::rewrite(&text, &changes)).unwrap();
    } else {
        let diffs: Vec<String> = changes
            .iter()
            .map(|(b, got)| format!("getting-started.md:{} shows\n{}knead printed\n{got}", b.line, b.body))
            .collect();
        assert!(
            diffs.is_empty(),
            "{}\n(KNEAD_UPDATE_DOCS=1 rewrites them)",
            diffs.join("\n")
        );
    }
}

#[test]
fn errors_doc_shows_what_knead_prints() {
    cases::run_doc("errors.md");
}

#[test]
fn reference_doc_shows_what_knead_prints() {
    cases::run_doc("reference.md");
}
