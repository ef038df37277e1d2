//! `docs/reference.md` against the program: a section ``### `knead CMD` `` per command,
//! naming each option clap knows (`--root`), its arguments (`KIND`) and their possible
//! values in backticks, and no option the command lacks; and tables for `site.yaml` and
//! each kind of content file whose first column names exactly the keys knead reads.

use std::collections::BTreeSet;
use std::path::Path;

use clap::CommandFactory;
use knead::commands::cli::Cli;
use knead::source::meta::{ArticleMeta, BenefitMeta, PageMeta, TechniqueMeta};

use crate::support::knead;

/// The backticked words of a section that start with `--` or `-x`, up to the first
/// space or `=`, and all of its backticked text.
fn options_named(section: &str) -> (BTreeSet<String>, String) {
    let mut opts = BTreeSet::new();
    let mut code = String::new();
    for (i, part) in section.split('`').enumerate() {
        if i % 2 == 0 {
            continue;
        }
        code.push_str(part);
        code.push('\n');
        for word in part.split_whitespace() {
            let word = word.split(['=', ']', '[', '|']).next().unwrap_or("");
            let is_opt = word.starts_with("--") && word.len() > 2
                || word.len() == 2 && word.starts_with('-') && word.as_bytes()[1].is_ascii_alphabetic();
            if is_opt {
                opts.insert(word.to_owned());
            }
        }
    }
    (opts, code)
}

#[test]
fn reference_names_every_option_and_no_other() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/reference.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let cli = Cli::command();
    let mut problems = Vec::new();
    for cmd in cli.get_subcommands() {
        let name = cmd.get_name();
        let title = format!("### `knead {name}`");
        let Some(start) = doc.find(&format!("{title}\n")) else {
            problems.push(format!("no section `{title}`"));
            continue;
        };
        let body = &doc[start + title.len()..];
        let section = &body[..body.find("\n#").unwrap_or(body.len())];
        let (named, code) = options_named(section);
        let mut known = BTreeSet::new();
        for arg in cmd.get_arguments() {
            let values: Vec<String> = if arg.get_action().takes_values() {
                arg.get_possible_values()
                    .iter()
                    .map(|v| v.get_name().to_owned())
                    .collect()
            } else {
                Vec::new()
            };
            if arg.is_positional() {
                let value = arg.get_value_names().and_then(|v| v.first()).map(|v| v.to_string());
                let value = value.unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
                if !code.contains(&value) {
                    problems.push(format!("{title}: the argument `{value}` is not named"));
                }
            }
            if let Some(long) = arg.get_long() {
                known.insert(format!("--{long}"));
            }
            if let Some(short) = arg.get_short() {
                known.insert(format!("-{short}"));
            }
            for v in values {
                if !code.contains(&v) {
                    problems.push(format!("{title}: the value `{v}` of `{}` is not named", arg.get_id()));
                }
            }
        }
        let (named, known): (BTreeSet<String>, BTreeSet<String>) = (
            named.into_iter().filter(|o| o != "--help" && o != "-h").collect(),
            known.into_iter().filter(|o| o != "--help" && o != "-h").collect(),
        );
        for missing in known.difference(&named) {
            problems.push(format!("{title}: the option `{missing}` is not named"));
        }
        for extra in named.difference(&known) {
            problems.push(format!("{title}: names `{extra}`, which `knead {name}` does not take"));
        }
    }
    assert!(
        problems.is_empty(),
        "docs/reference.md and the command line disagree:\n{}",
        problems.join("\n")
    );
}

/// The text of the section under `title` (a whole heading line), up to the next heading.
fn section<'a>(doc: &'a str, title: &str) -> &'a str {
    let start = doc
        .find(&format!("\n{title}"))
        .unwrap_or_else(|| panic!("docs/reference.md has no `{title}`"));
    let body = &doc[start + title.len() + 1..];
    &body[..body.find("\n#").unwrap_or(body.len())]
}

/// The backticked words of the first column of a section's tables.
fn first_column(section: &str) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cell = line.split('|').nth(1).unwrap_or("");
        keys.extend(cell.split('`').skip(1).step_by(2).map(str::to_owned));
    }
    keys
}

#[test]
fn reference_lists_the_front_matter_keys_knead_reads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/reference.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let kinds: [(&str, &[&str]); 4] = [
        ("### Articles (`content/articles/*.md`)", ArticleMeta::KEYS),
        ("### Techniques (`content/techniques/*.md`)", TechniqueMeta::KEYS),
        ("### Benefit profiles (`content/benefits/*.md`)", BenefitMeta::KEYS),
        (
            "### Pages (`content/pages/*.md`) and the home page (`content/index.md`)",
            PageMeta::KEYS,
        ),
    ];
    for (title, keys) in kinds {
        let shown = first_column(section(&doc, title));
        let known: BTreeSet<String> = keys.iter().map(|k| (*k).to_owned()).collect();
        assert_eq!(
            shown, known,
            "docs/reference.md `{title}` lists other keys than knead reads"
        );
    }
}

#[test]
fn reference_lists_the_site_yaml_keys_knead_reads() {
    // knead names every key it knows when it meets one far from all of them.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.yaml"),
        "title: x\nbase_url: \"https://example.org/\"\ndescription: x\nzzzzzzzzzzzz: 1\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(dir.path().join("content/index.md"), "---\ntitle: x\n---\n").unwrap();
    let out = knead().arg("check").current_dir(dir.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let list = stderr
        .split("expected one of ")
        .nth(1)
        .and_then(|r| r.lines().next())
        .unwrap_or_else(|| panic!("no list of keys in:\n{stderr}"));
    let known: BTreeSet<String> = list.split('`').skip(1).step_by(2).map(str::to_owned).collect();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/reference.md");
    let doc = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        first_column(section(&doc, "## site.yaml")),
        known,
        "docs/reference.md `## site.yaml` lists other keys than knead reads"
    );
}
