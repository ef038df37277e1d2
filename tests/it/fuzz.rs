//! Fuzzing in the test suite (proptest): no input makes knead panic or hang.
//!
//! Three targets, each fed arbitrary bytes and mutations of valid files:
//! 1. front matter: `yaml::parse` for every kind, `yaml::locate`,
//!    `parse::parse_one` on files of arbitrary bytes, and every diagnostic rendered;
//! 2. Markdown: `markdown::render` with a `LinkIndex`, and `LinkIndex::resolve`;
//! 3. a whole site: `pipeline::build` and `check::check` on a copy of the fixture site
//!    whose files come from the fuzzer; a failed build leaves the previous output
//!    byte-identical and nothing is written beside it.
//!
//! By default each target runs a few dozen cases (CI). For long runs:
//!
//! ```sh
//! KNEAD_FUZZ_SECS=600 cargo test --release --test it -- --nocapture --test-threads 1 fuzz::front_matter
//! ```
//!
//! `KNEAD_FUZZ_SECS` runs rounds of fresh random cases until the time is up;
//! `PROPTEST_CASES` sets the cases per round; `PROPTEST_RNG_SEED` fixes the seed. A case
//! that runs longer than `KNEAD_FUZZ_CASE_TIMEOUT` seconds (default 60) is reported as a
//! hang and aborts the run. Inputs that once crashed knead live in `fuzz/regressions.rs`;
//! the dictionaries of tokens in `fuzz/tokens.rs`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use knead::build::pipeline::Options;
use knead::diagnostics::{Diagnostic, Diagnostics};
use knead::markdown::citations::{Citing, Sources};
use knead::markdown::links::LinkIndex;
use knead::markdown::{Placement, TextOrigin};
use knead::source::discover::{Kind, SourceFile};
use knead::source::meta::{ArticleMeta, BenefitMeta, PageMeta, Reference, TechniqueMeta};
use knead::text::slug::{IdSet, ReservedIds};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};

use crate::support::{copy_dir, fixture, tree};

mod regressions;
mod tokens;

use tokens::{MD_TOKENS, YAML_TOKENS};

// ---------------------------------------------------------------------------------
// The runner: bounded rounds of cases, a time budget, and a hang detector.

/// The case running now and when it started, for the hang detector.
static CURRENT: Mutex<Option<(Instant, String, String)>> = Mutex::new(None);

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

fn start_watchdog() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let limit = Duration::from_secs(env_u64("KNEAD_FUZZ_CASE_TIMEOUT").unwrap_or(60));
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(500));
                let current = CURRENT.lock().map(|c| c.clone()).unwrap_or(None);
                if let Some((start, target, input)) = current
                    && start.elapsed() > limit
                {
                    eprintln!(
                        "fuzz {target}: a case has run for {:.0} s (a hang?); its input:\n{input}",
                        start.elapsed().as_secs_f64()
                    );
                    std::process::abort();
                }
            }
        });
    });
}

/// Runs `test` on values of `strategy`: `default_cases` cases with a fixed seed (CI),
/// or rounds of random cases for `KNEAD_FUZZ_SECS` seconds.
fn fuzz<S>(target: &str, default_cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: std::fmt::Debug,
{
    start_watchdog();
    let budget = env_u64("KNEAD_FUZZ_SECS").map(Duration::from_secs);
    let cases = env_u64("PROPTEST_CASES").map_or(default_cases, |c| c as u32);
    let seed = match (env_u64("PROPTEST_RNG_SEED"), budget) {
        (Some(s), _) => RngSeed::Fixed(s),
        (None, None) => RngSeed::Fixed(0x6b6e_6561_6400),
        (None, Some(_)) => RngSeed::Random,
    };
    let started = Instant::now();
    let (mut total, mut rounds) = (0u64, 0u64);
    loop {
        let config = Config {
            cases,
            rng_seed: seed,
            failure_persistence: None,
            max_shrink_time: 120_000,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        let result = runner.run(&strategy, |value| {
            let shown = format!("{value:?}");
            if let Ok(mut c) = CURRENT.lock() {
                *c = Some((Instant::now(), target.to_owned(), shown));
            }
            let r = test(value);
            if let Ok(mut c) = CURRENT.lock() {
                *c = None;
            }
            r
        });
        if let Err(e) = result {
            panic!("fuzz {target}: {e}");
        }
        total += u64::from(cases);
        rounds += 1;
        match budget {
            Some(b) if started.elapsed() < b && !matches!(seed, RngSeed::Fixed(_)) => {}
            _ => break,
        }
    }
    eprintln!(
        "fuzz {target}: {total} cases in {rounds} rounds, {:.1} s, no panic",
        started.elapsed().as_secs_f64()
    );
}

/// What serde or Rust would say where a message should speak of YAML values.
const RUST_WORDS: &[&str] = &[
    "expected struct",
    "expected enum",
    "expected tuple",
    "expected option",
    "expected u8",
    "expected u16",
    "expected u32",
    "expected u64",
    "expected usize",
    "expected i64",
    "expected f64",
    "unit value",
    "front matter key` in site.yaml",
];

/// Renders every diagnostic (as `knead` prints them): positions must fit their lines,
/// and no message names a Rust type.
fn render_all(ds: impl IntoIterator<Item = Diagnostic>) {
    let ds: Vec<Diagnostic> = ds.into_iter().collect();
    for d in &ds {
        let _ = d.render(false);
        let _ = d.to_string();
        for word in RUST_WORDS {
            assert!(!d.message.contains(word), "a message names a Rust type: {d}");
        }
        assert!(
            !(d.file.ends_with("site.yaml") && d.message.contains("front matter")),
            "site.yaml is not front matter: {d}"
        );
    }
    let _ = Diagnostics::from(ds).render(true);
}

/// The ids the page around the content uses, as the default theme declares them.
fn reserved() -> ReservedIds {
    ReservedIds::new(["main", "content", "toc-heading", "faqs", "sources", "source-{n}"]).unwrap()
}

/// A page's id set around [`reserved`].
fn page_ids() -> IdSet {
    IdSet::for_page(std::sync::Arc::new(reserved()))
}

// ---------------------------------------------------------------------------------
// Strategies: dictionaries of the tokens that matter, arbitrary text, and mutations.

/// Valid files to mutate: every Markdown source of the fixture site.
fn seeds() -> Vec<(String, Vec<u8>)> {
    let root = fixture("basic");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.unwrap();
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "md" || e == "yaml") {
            let rel = p.strip_prefix(&root).unwrap().to_string_lossy().into_owned();
            out.push((rel, std::fs::read(p).unwrap()));
        }
    }
    out
}

fn token(dict: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        6 => prop::sample::select(dict).prop_map(str::to_owned),
        1 => prop::char::any().prop_map(String::from),
        1 => "[ -~]{0,12}",
        1 => prop::collection::vec(any::<u8>(), 0..6).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

/// Text made of up to `max` tokens of `dict`.
fn tokens(dict: &'static [&'static str], max: usize) -> impl Strategy<Value = String> + Clone {
    prop::collection::vec(token(dict), 0..max).prop_map(|v| v.concat())
}

/// One edit of a byte string; positions are fractions of its length.
#[derive(Debug, Clone)]
enum Mutation {
    Insert(f64, Vec<u8>),
    Delete(f64, usize),
    Replace(f64, usize, Vec<u8>),
    DuplicateLine(f64),
    SwapLines(f64, f64),
    Truncate(f64),
    FlipByte(f64, u8),
}

fn mutation(dict: &'static [&'static str]) -> impl Strategy<Value = Mutation> {
    let at = 0.0..=1.0f64;
    let bytes = token(dict).prop_map(String::into_bytes);
    prop_oneof![
        4 => (at.clone(), bytes.clone()).prop_map(|(a, b)| Mutation::Insert(a, b)),
        2 => (at.clone(), 1..40usize).prop_map(|(a, n)| Mutation::Delete(a, n)),
        3 => (at.clone(), 1..12usize, bytes).prop_map(|(a, n, b)| Mutation::Replace(a, n, b)),
        1 => at.clone().prop_map(Mutation::DuplicateLine),
        1 => (at.clone(), at.clone()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => at.clone().prop_map(Mutation::Truncate),
        1 => (at, any::<u8>()).prop_map(|(a, b)| Mutation::FlipByte(a, b)),
    ]
}

fn index_of(len: usize, at: f64) -> usize {
    ((len as f64) * at).floor().clamp(0.0, len as f64) as usize
}

fn apply(mut s: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        let len = s.len();
        match m {
            Mutation::Insert(a, b) => {
                let i = index_of(len, *a);
                s.splice(i..i, b.iter().copied());
            }
            Mutation::Delete(a, n) => {
                let i = index_of(len, *a);
                s.drain(i..(i + n).min(len));
            }
            Mutation::Replace(a, n, b) => {
                let i = index_of(len, *a);
                s.splice(i..(i + n).min(len), b.iter().copied());
            }
            Mutation::DuplicateLine(a) | Mutation::Truncate(a) | Mutation::FlipByte(a, _) if len == 0 => {
                let _ = a;
            }
            Mutation::DuplicateLine(a) => {
                let i = index_of(len - 1, *a);
                let start = s[..i].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
                let end = s[i..].iter().position(|&b| b == b'\n').map_or(len, |p| i + p + 1);
                let line = s[start..end].to_vec();
                s.splice(start..start, line);
            }
            Mutation::SwapLines(a, b) => {
                let mut lines: Vec<Vec<u8>> = s.split_inclusive(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
                if lines.len() > 1 {
                    let (i, j) = (index_of(lines.len() - 1, *a), index_of(lines.len() - 1, *b));
                    lines.swap(i, j);
                    s = lines.concat();
                }
            }
            Mutation::Truncate(a) => s.truncate(index_of(len, *a)),
            Mutation::FlipByte(a, b) => {
                let i = index_of(len - 1, *a);
                s[i] = *b;
            }
        }
    }
    s
}

/// A file's bytes: a valid seed with mutations (mostly), or arbitrary bytes.
#[derive(Debug, Clone)]
enum FileInput {
    Mutated { seed: usize, mutations: Vec<Mutation> },
    Tokens(String),
    Bytes(Vec<u8>),
}

impl FileInput {
    fn bytes(&self, seeds: &[(String, Vec<u8>)], default_seed: usize) -> Vec<u8> {
        match self {
            FileInput::Mutated { seed, mutations } => {
                let s = if *seed == usize::MAX {
                    default_seed
                } else {
                    seed % seeds.len()
                };
                apply(seeds[s].1.clone(), mutations)
            }
            FileInput::Tokens(t) => t.clone().into_bytes(),
            FileInput::Bytes(b) => b.clone(),
        }
    }
}

fn file_input(max_mutations: usize) -> impl Strategy<Value = FileInput> {
    prop_oneof![
        8 => (prop_oneof![2 => Just(usize::MAX), 1 => any::<usize>()], prop::collection::vec(mutation(YAML_TOKENS), 1..max_mutations))
            .prop_map(|(seed, mutations)| FileInput::Mutated { seed, mutations }),
        2 => ("---\n", tokens(YAML_TOKENS, 40), "\n---\n", tokens(MD_TOKENS, 30))
            .prop_map(|(a, b, c, d)| FileInput::Tokens(format!("{a}{b}{c}{d}"))),
        1 => prop::collection::vec(any::<u8>(), 0..600).prop_map(FileInput::Bytes),
    ]
}

// ---------------------------------------------------------------------------------
// Target 1: front matter.

fn parse_every_kind(file: &Path, text: &str) {
    let errs = [
        knead::source::yaml::parse::<ArticleMeta>(file, text, ArticleMeta::KEYS).err(),
        knead::source::yaml::parse::<TechniqueMeta>(file, text, TechniqueMeta::KEYS).err(),
        knead::source::yaml::parse::<PageMeta>(file, text, PageMeta::KEYS).err(),
        knead::source::yaml::parse::<BenefitMeta>(file, text, BenefitMeta::KEYS).err(),
    ];
    for e in errs.into_iter().flatten() {
        render_all(e);
    }
    if let Some(loc) = knead::source::yaml::locate(text) {
        for key in ArticleMeta::KEYS.iter().chain(["nope", ""].iter()) {
            let _ = loc.key(key);
            for needle in ["", "a", "é", ":", "- ", "alt", "name:"] {
                let pos = loc.item(key, needle);
                render_all([loc.error(file, pos, "x")]);
            }
        }
    }
}

/// Parses `bytes` as each kind of content file, from disk like a build does.
fn parse_from_disk(dir: &Path, bytes: &[u8]) {
    for (kind, rel) in [
        (Kind::Article, "content/articles/x.md"),
        (Kind::Technique, "content/techniques/x.md"),
        (Kind::Page, "content/pages/x.md"),
        (Kind::Home, "content/index.md"),
        (Kind::Benefit, "content/benefits/x.md"),
    ] {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        let source = SourceFile {
            kind,
            rel: PathBuf::from(rel),
            path,
        };
        let (doc, problems) = knead::source::parse::parse_one(&source);
        if let Some(doc) = doc {
            let text = doc.full_text().unwrap();
            assert!(text.get(doc.body_start..).is_some());
            if let Some(loc) = doc.located() {
                let _ = loc.key("title");
            }
        }
        render_all(problems);
    }
}

#[test]
fn front_matter() {
    let seeds = seeds();
    let dir = tempfile::tempdir().unwrap();
    let strategy = (file_input(12), any::<bool>());
    fuzz("front_matter", 96, strategy, |(input, from_disk)| {
        let bytes = input.bytes(&seeds, 0);
        let text = String::from_utf8_lossy(&bytes);
        parse_every_kind(Path::new("content/articles/x.md"), &text);
        if from_disk {
            parse_from_disk(dir.path(), &bytes);
        }
        Ok(())
    });
}

#[test]
fn site_yaml() {
    let seeds = seeds();
    let config = seeds.iter().position(|(rel, _)| rel == "site.yaml").unwrap();
    let dir = tempfile::tempdir().unwrap();
    fuzz("site_yaml", 48, file_input(10), |input| {
        let bytes = input.bytes(&seeds, config);
        std::fs::write(dir.path().join("site.yaml"), &bytes).unwrap();
        for base in [None, Some("https://example.org/sub/"), Some("not a url")] {
            if let Err(e) = knead::source::config::load(dir.path(), base) {
                render_all(e);
            }
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------------
// Target 2: Markdown with link resolution.

fn link_index(base: &str) -> LinkIndex {
    let mut index = LinkIndex::new(base);
    index.add_page(Some("articles/a.md"), "/articles/a/");
    index.add_page(Some("articles/b.md"), "/articles/b/");
    index.add_page(Some("techniques/swedish.md"), "/techniques/swedish/");
    index.add_page(Some("index.md"), "/");
    index.add_page(None, "/articles/");
    index.add_page(None, "/faq/");
    index.add_file("/images/a.png");
    index.add_file("/style.css");
    index.add_draft("articles/wip.md");
    index
}

/// Sources with the ids `a` and `b` (and one without), for citations.
fn citation_sources() -> Sources {
    let reference = |id: Option<&str>| Reference {
        id: id.map(str::to_owned),
        title: "T".into(),
        url: None,
        publisher: None,
        year: None,
    };
    Sources::new(&[reference(Some("a")), reference(None), reference(Some("b"))])
}

#[test]
fn markdown() {
    let indexes = [link_index("/"), link_index("/sub/dir/")];
    let strategy = (
        tokens(MD_TOKENS, 120),
        0..2usize,
        prop::sample::select(vec![
            ("articles/", "/articles/a/"),
            ("", "/"),
            ("techniques/", "/techniques/swedish/"),
        ]),
        0..4usize,
        any::<bool>(),
    );
    fuzz(
        "markdown",
        128,
        strategy,
        |(text, which, (dir, page), first_line, fixed)| {
            let index = &indexes[which];
            let file_text = format!("---\ntitle: x\n---\n{text}");
            let placement = if fixed {
                Placement::Fixed(knead::source::yaml::Pos {
                    line: 2,
                    column: 8,
                    len: 1,
                })
            } else {
                Placement::Body(first_line + 1)
            };
            let sources = citation_sources();
            let origin = TextOrigin {
                file: Path::new("content/articles/a.md"),
                file_text: &file_text,
                placement,
                source_dir: dir,
                page_path: page,
                analyze: first_line % 2 == 0,
                language: "en",
                citing: (first_line % 3 != 0).then_some(Citing {
                    sources: &sources,
                    faq: (first_line % 3 == 2).then_some("faq-x"),
                }),
                images: None,
            };
            let mut problems = Vec::new();
            let mut ids = page_ids();
            let out = knead::markdown::render(&text, &origin, index, &mut ids, &mut problems);
            // The same id twice on one page would break anchors, and one of the theme's
            // would be taken twice: headings and footnotes get ids of their own.
            let reserved = reserved();
            let mut seen = std::collections::HashSet::new();
            let footnotes = out.html.split(r#"<div class="footnote-definition" id=""#).skip(1);
            let footnote_ids = footnotes.filter_map(|rest| rest.split('"').next());
            for id in out.toc.iter().map(|t| t.id.as_str()).chain(footnote_ids) {
                prop_assert!(seen.insert(id.to_owned()), "duplicate id {:?}", id);
                prop_assert!(!reserved.contains(id), "the theme's id {:?} handed out", id);
            }
            render_all(problems);
            // Every href in the text, resolved alone, from every kind of page.
            for href in text.split(['(', ')', ' ', '\n', '[', ']', '<', '>']) {
                for is_image in [false, true] {
                    let _ = index.resolve(href, dir, page, is_image);
                }
                let _ = knead::markdown::links::normalize("/articles/", href);
            }
            let _ = knead::text::slug::slugify(&text);
            let _ = knead::text::slug::heading_id(&text);
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------
// Target 3: a whole site.

/// The files of the fixture site the fuzzer may replace, and new ones it may add.
const SLOTS: &[&str] = &[
    "content/articles/first.md",
    "content/articles/second.md",
    "content/articles/draft-one.md",
    "content/articles/third.md",
    "content/techniques/swedish.md",
    "content/techniques/deep-tissue.md",
    "content/pages/about.md",
    "content/pages/new.md",
    "content/index.md",
    "site.yaml",
];

#[test]
fn whole_site() {
    let seeds = seeds();
    let seed_of = |slot: &str| {
        let want = match slot {
            "content/articles/third.md" => "content/articles/second.md",
            "content/pages/new.md" => "content/pages/about.md",
            s => s,
        };
        seeds.iter().position(|(rel, _)| rel == want).unwrap()
    };
    // One good build of the fixture: the "previous output" of every case.
    let good = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), &good.path().join("site"));
    let good_out = good.path().join("out");
    knead::build::pipeline::build(&Options {
        root: good.path().join("site"),
        output: Some(good_out.clone()),
        ..Options::default()
    })
    .unwrap();
    let previous = tree(&good_out);
    let today = knead::source::date::Date::parse("2025-07-01").unwrap();
    let strategy = (
        prop::collection::vec((0..SLOTS.len(), file_input(8)), 1..4),
        any::<bool>(),
    );
    fuzz("whole_site", 24, strategy, |(files, drafts)| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let out = dir.path().join("out");
        copy_dir(&fixture("basic"), &root);
        copy_dir(&good_out, &out);
        for (slot, input) in &files {
            let rel = SLOTS[*slot];
            std::fs::write(root.join(rel), input.bytes(&seeds, seed_of(rel))).unwrap();
        }
        let opts = Options {
            root: root.clone(),
            output: Some(out.clone()),
            drafts,
            ..Options::default()
        };
        let report = knead::commands::check::check(&opts, today);
        render_all(report.diagnostics.iter().cloned());
        let _ = report.summary();
        let _ = report.to_json();
        match knead::build::pipeline::build(&opts) {
            Ok(r) => {
                render_all(r.warnings.iter().cloned());
                prop_assert!(out.join("index.html").is_file());
                prop_assert!(out.join("sitemap.xml").is_file());
            }
            Err(e) => {
                let _ = e.render(false);
                prop_assert!(e.has_errors());
                prop_assert!(tree(&out) == previous, "a failed build changed the output");
            }
        }
        let mut beside: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        beside.sort();
        prop_assert_eq!(beside, vec!["out".to_owned(), "site".to_owned()]);
        Ok(())
    });
}
