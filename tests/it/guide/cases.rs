//! The runnable cases of a guide page (`docs/errors.md`, `docs/reference.md`): each
//! section that holds a `console` block is a case. Its site is the page's `base` files
//! plus the section's own file blocks; the console block's `$ knead ...` line is run in
//! that site and what knead prints must be the rest of the block. A section may add
//! `fixed` file blocks (and a `fixed` console block with another command): that site
//! must build and check with no error and no warning.
//!
//! Block words: `file=PATH` (a file of the site, relative to its folder), `base`,
//! `fixed`; on a console block `rm=PATH` removes a file or folder before the command.
//! With `KNEAD_UPDATE_DOCS=1` (never under `CI=true`) the shown outputs are rewritten
//! with what knead printed, as insta does for snapshots: review them with `git diff`.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::blocks::{Block, blocks, rewrite};
use crate::support::knead;

/// The day `knead check` judges review and publication dates by, unless a shown command
/// says `--today` itself: the doc's outputs must not change with the calendar.
pub(crate) const TODAY: &str = "2026-12-06";

/// Where the site folder's absolute path is shown in an output.
const SHOWN_ROOT: &str = "/home/you/my-site";

/// True when the shown outputs are to be rewritten rather than compared.
pub(crate) fn updating() -> bool {
    std::env::var("KNEAD_UPDATE_DOCS").is_ok_and(|v| v == "1") && std::env::var("CI").map_or(true, |v| v != "true")
}

/// One section's example.
struct Case<'a> {
    heading: &'a str,
    files: Vec<&'a Block>,
    fixed: Vec<&'a Block>,
    output: &'a Block,
    fixed_command: Option<&'a Block>,
}

/// Runs every case of `docs/<name>` and fails on any difference, or rewrites the shown
/// outputs in update mode.
pub(crate) fn run_doc(name: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(name);
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let all = blocks(&doc);
    let base: Vec<&Block> = all.iter().filter(|b| b.has("base")).collect();
    let cases = cases(&all);
    assert!(!cases.is_empty(), "{name} has no runnable examples");

    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Result<String, String>)>> = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(4);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    let r = run_case(&base, case);
                    results.lock().unwrap().push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);

    let mut problems = Vec::new();
    let mut differences = Vec::new();
    let mut changes = Vec::new();
    for (i, result) in results {
        let case = &cases[i];
        match result {
            Err(e) => problems.push(format!("## {} ({name}:{})\n{e}", case.heading, case.output.line)),
            Ok(got) => {
                let command = first_line(case.output);
                let want = case.output.body[command.len()..].trim();
                if got.trim() != want {
                    differences.push(format!(
                        "## {} ({name}:{}): the output differs\n--- shown in the doc\n{want}\n--- knead printed\n{}",
                        case.heading,
                        case.output.line,
                        got.trim()
                    ));
                    changes.push((case.output, format!("{command}\n{}\n", got.trim())));
                }
            }
        }
    }
    if updating() && !changes.is_empty() {
        std::fs::write(&path, rewrite(&doc, &changes)).unwrap();
        eprintln!(
            "{name}: rewrote {} shown outputs; review them with `git diff docs/`",
            changes.len()
        );
    } else {
        problems.extend(differences);
    }
    assert!(
        problems.is_empty(),
        "{} of {} examples in docs/{name} are wrong (KNEAD_UPDATE_DOCS=1 rewrites the shown outputs):\n\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n\n")
    );
}

/// The sections of a page that hold a shown output, each with its blocks.
fn cases(all: &[Block]) -> Vec<Case<'_>> {
    let mut out: Vec<Case<'_>> = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let (heading, at) = (&all[i].heading, all[i].heading_line);
        let section: Vec<&Block> = all[i..].iter().take_while(|b| b.heading_line == at).collect();
        i += section.len();
        let outputs: Vec<&&Block> = section
            .iter()
            .filter(|b| b.lang == "console" && !b.has("fixed"))
            .collect();
        let Some(output) = outputs.first() else { continue };
        assert_eq!(
            outputs.len(),
            1,
            "the section `{heading}` has more than one shown output"
        );
        let is_file = |b: &&&Block| b.attr("file").is_some() && !b.has("base");
        out.push(Case {
            heading,
            files: section
                .iter()
                .filter(|b| is_file(b) && !b.has("fixed"))
                .copied()
                .collect(),
            fixed: section
                .iter()
                .filter(|b| is_file(b) && b.has("fixed"))
                .copied()
                .collect(),
            output,
            fixed_command: section.iter().find(|b| b.lang == "console" && b.has("fixed")).copied(),
        });
    }
    out
}

/// Builds the case's site and runs its command, then the fixed site's; what the first
/// printed (stderr, then stdout), with the site's path and timings made the same on
/// every machine.
fn run_case(base: &[&Block], case: &Case<'_>) -> Result<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("my-site");
    std::fs::create_dir_all(&root).unwrap();
    write_files(&root, base.iter().chain(&case.files));
    remove(&root, case.output);
    let (code, stdout, stderr) = command(&root, case.output)?;
    let got = normalize(&format!("{stderr}{stdout}"), &root, SHOWN_ROOT);
    if case.fixed.is_empty() && case.fixed_command.is_none() {
        return Ok(got);
    }
    // A broken example that knead accepts in silence shows nothing to fix.
    if code == 0 && !stderr.contains("warning") {
        return Err(format!("the broken example gives no error and no warning:\n{got}"));
    }
    write_files(&root, case.fixed.iter());
    let fixed = case.fixed_command.unwrap_or(case.output);
    if let Some(command) = case.fixed_command {
        remove(&root, command);
    }
    let (code, stdout, stderr) = command(&root, fixed)?;
    if code != 0 || stderr.contains("error") || stderr.contains("warning") {
        return Err(format!(
            "the fixed example does not build clean (`{}`, exit {code}):\n{stderr}{stdout}",
            first_line(fixed)
        ));
    }
    Ok(got)
}

fn write_files<'a>(root: &Path, files: impl Iterator<Item = &'a &'a Block>) {
    for b in files {
        let path = root.join(b.attr("file").unwrap());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &b.body).unwrap();
    }
}

fn remove(root: &Path, b: &Block) {
    for w in &b.words {
        if let Some(rel) = w.strip_prefix("rm=") {
            let p = root.join(rel);
            let _ = std::fs::remove_dir_all(&p).or_else(|_| std::fs::remove_file(&p));
        }
    }
}

fn first_line(b: &Block) -> &str {
    b.body.lines().next().unwrap_or("")
}

/// Runs the block's `$ knead ...` line in the site: the exit code, stdout and stderr.
fn command(root: &Path, b: &Block) -> Result<(i32, String, String), String> {
    let line = first_line(b);
    let Some(rest) = line.strip_prefix("$ knead") else {
        return Err(format!("the block at line {} does not start with `$ knead`", b.line));
    };
    let mut args = shell_words(rest);
    if args.first().is_some_and(|a| a == "check") && !args.iter().any(|a| a == "--today") {
        args.extend(["--today".to_owned(), TODAY.to_owned()]);
    }
    let out = knead().args(&args).current_dir(root).output().unwrap();
    Ok((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// Words of a command line: spaces split, double or single quotes group.
pub(crate) fn shell_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => out.extend(word.take()),
            (_, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    out.extend(word);
    out
}

/// `text` with the folder `root` shown as `shown`, and build times as `0.10 s`, so
/// that it reads the same on every machine and run.
pub(crate) fn normalize(text: &str, root: &Path, shown: &str) -> String {
    let mut text = text.to_owned();
    for p in [root.canonicalize().ok(), Some(root.to_path_buf())]
        .into_iter()
        .flatten()
    {
        text = text.replace(&*p.to_string_lossy(), shown);
    }
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find(" in ") {
        out.push_str(&rest[..i + 4]);
        rest = &rest[i + 4..];
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if n > 0 && rest[n..].starts_with(" s") && rest[..n].contains('.') {
            out.push_str("0.10");
            rest = &rest[n..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn normalizes_paths_and_times() {
    let root = Path::new("/tmp/x/my-site");
    assert_eq!(
        normalize(
            "Built 3 files into /tmp/x/my-site/public in 0.42 s, in 2 parts",
            root,
            SHOWN_ROOT
        ),
        "Built 3 files into /home/you/my-site/public in 0.10 s, in 2 parts"
    );
    assert_eq!(
        shell_words(r#" new article "Massage and sleep" --root ."#),
        ["new", "article", "Massage and sleep", "--root", "."]
    );
}
