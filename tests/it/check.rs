//! `knead check`: one test per editorial rule (it fires on the bad case, stays quiet on
//! the good one), the report formats, and the bundled site passing clean.

use crate::support::{Run, Site, knead};

const TODAY: &str = "2025-07-01";

fn check(site: &Site, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--today", TODAY];
    args.extend_from_slice(extra);
    site.knead(&args)
}

#[test]
fn the_fixture_is_clean_and_nothing_is_written() {
    let site = Site::new("basic");
    let run = check(&site, &["--deny-warnings"]);
    run.ok();
    assert!(
        run.stdout.contains("checked 7 files: 0 errors, 0 warnings"),
        "{}",
        run.stdout
    );
    assert!(!site.path("public").exists(), "check writes nothing");
}

#[test]
fn stale_and_missing_reviews() {
    let site = Site::new("basic");
    let run = site.knead(&["check", "--today", "2026-09-01"]);
    run.ok()
        .stderr_has("warning: last reviewed 456 days ago, more than the site's review interval of 365 days")
        .stderr_has("content/articles/first.md:6:16");
    site.knead(&["check", "--today", "2026-09-01", "--deny-warnings"])
        .fails_with(1);
    site.edit("content/articles/second.md", "last_reviewed: 2025-06-02\n", "");
    check(&site, &[])
        .ok()
        .stderr_has("this article has no `last_reviewed` date")
        .stderr_has("content/articles/second.md:4:");
}

#[test]
fn malformed_reference_url() {
    let site = Site::new("basic");
    site.edit(
        "content/articles/first.md",
        "url: \"https://doi.org/10.1002/14651858.CD001929.pub3\"",
        "url: \"doi.org/10.1002/x\"",
    );
    check(&site, &[])
        .fails_with(1)
        .stderr_has("error: the source URL `doi.org/10.1002/x` is not a valid web address")
        .stderr_has("content/articles/first.md:21:11");
}

#[test]
fn duplicate_faq_questions() {
    let site = Site::new("basic");
    site.edit(
        "content/articles/first.md",
        "question: \"How often?\"",
        "question: \"Does it hurt?\"",
    );
    check(&site, &[])
        .fails_with(1)
        .stderr_has("the FAQ question `Does it hurt?` is asked twice in this article")
        .stderr_has("content/articles/first.md:15:16");
}

#[test]
fn heading_outline() {
    let site = Site::new("basic");
    site.edit(
        "content/techniques/swedish.md",
        "## In a session\n\nGentle strokes.",
        "# Title again\n\nText.\n\n## Empty\n\n## In a session\n\n#### Too deep\n\nGentle strokes.",
    );
    check(&site, &[])
        .ok()
        .stderr_has("`Title again` is a level-1 heading; the page title is already the h1")
        .stderr_has("the section `Empty` is empty")
        .stderr_has("content/techniques/swedish.md:14:1")
        .stderr_has("this heading skips from level 2 to level 4")
        .stderr_has("content/techniques/swedish.md:18:1");
}

#[test]
fn reading_grade_above_target() {
    let site = Site::new("basic");
    site.edit(
        "content/articles/second.md",
        "## What to expect",
        "Comprehensive multidisciplinary rehabilitation programmes incorporating individualised therapeutic interventions demonstrate considerable heterogeneity regarding methodological characteristics.\n\n## What to expect",
    );
    check(&site, &[])
        .ok()
        .stderr_has("the reading grade is")
        .stderr_has("above the site's target of 9")
        .stderr_has("content/articles/second.md:13:1");
    // The target comes from site.yaml.
    site.edit("site.yaml", "language: en", "language: en\nreading_grade_target: 30");
    check(&site, &["--deny-warnings"]).ok();
}

#[test]
fn long_description() {
    let site = Site::new("basic");
    site.edit(
        "content/articles/second.md",
        "description: \"The second article.\"",
        &format!("description: \"{}\"", "word ".repeat(40).trim()),
    );
    check(&site, &[])
        .ok()
        .stderr_has("the description is 199 characters long")
        .stderr_has("content/articles/second.md:3:1");
}

#[test]
fn everything_build_rejects() {
    let site = Site::new("basic");
    site.edit(
        "content/articles/second.md",
        "techniques: [swedish]",
        "technqiues: [swedish]",
    );
    let run = check(&site, &[]);
    run.fails_with(1).stderr_has("did you mean `techniques`?");
    // Front-matter errors leave the links and anchors checked, on what parsed.
    assert!(
        run.stdout
            .contains("1 error, 0 warnings; stopped before the editorial rules"),
        "{}",
        run.stdout
    );
    // A broken link stops it after the links, before the editorial rules.
    site.edit(
        "content/articles/second.md",
        "technqiues: [swedish]",
        "techniques: [swedish]",
    );
    site.edit(
        "content/articles/second.md",
        "## What to expect",
        "## What to expect\n\n[gone](gone.md)",
    );
    let run = check(&site, &[]);
    run.fails_with(1).stderr_has("`gone.md`");
    assert!(
        run.stdout
            .contains("checked 7 files: 1 error, 0 warnings; stopped before the editorial rules"),
        "{}",
        run.stdout
    );
}

#[test]
fn json_report() {
    let site = Site::new("basic");
    site.edit("content/articles/second.md", "last_reviewed: 2025-06-02\n", "");
    let run = check(&site, &["--format", "json"]);
    run.ok();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["files_checked"], 7);
    assert_eq!(v["errors"], 0);
    assert_eq!(v["warnings"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["file"], "content/articles/second.md");
    assert_eq!(d["line"], 4);
    assert!(d["message"].as_str().unwrap().contains("last_reviewed"));
    assert_eq!(v["reading_grades"].as_array().unwrap().len(), 2);
}

#[test]
fn the_bundled_site_passes_with_no_errors_and_no_warnings() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = Run::from(
        knead()
            .args([
                "check",
                "--deny-warnings",
                "--today",
                "2026-12-06",
                "--format",
                "json",
                "--root",
            ])
            .arg(root)
            .output()
            .unwrap(),
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    assert_eq!(
        (v["errors"].as_u64(), v["warnings"].as_u64()),
        (Some(0), Some(0)),
        "{}",
        run.stdout
    );
    let grades = v["reading_grades"].as_array().unwrap();
    assert!(grades.len() >= 12);
    for g in grades {
        assert!(g["grade"].as_f64().unwrap() <= 9.0, "{g}");
    }
    run.ok();
}

#[test]
fn review_ages_count_from_the_local_date() {
    // At any instant the date at UTC+14 is a day or two after the date at UTC-12: an
    // article reviewed "today" at UTC+14 is reviewed in the future for UTC-12.
    let site = Site::new("basic");
    let east = || {
        jiff::tz::TimeZone::fixed(jiff::tz::offset(14))
            .to_datetime(jiff::Timestamp::now())
            .date()
            .to_string()
    };
    let run = |tz: &str| {
        let mut cmd = crate::support::knead();
        cmd.args(["check", "--root"]).arg(site.root());
        crate::support::Run::from(cmd.env("TZ", tz).output().unwrap())
    };
    let mut written = "2025-06-02".to_owned();
    for _ in 0..3 {
        let today = east();
        site.edit(
            "content/articles/first.md",
            &format!("last_reviewed: {written}"),
            &format!("last_reviewed: {today}"),
        );
        written = today.clone();
        let (ahead, behind) = (run("<+14>-14"), run("<-12>+12"));
        if east() != today {
            continue; // The date at UTC+14 changed while checking: try again.
        }
        ahead.ok();
        assert!(!ahead.stderr.contains("in the future"), "{}", ahead.stderr);
        behind
            .ok()
            .stderr_has(&format!("`last_reviewed` ({today}) is in the future"));
        return;
    }
    panic!("the date kept changing");
}

#[test]
fn dates_in_the_future_or_out_of_order() {
    let site = Site::new("basic");
    site.edit("content/articles/second.md", "date: 2025-04-01", "date: 2099-01-01");
    check(&site, &[])
        .ok()
        .stderr_has("warning: `date` (2099-01-01) is in the future, yet the article is published now")
        .stderr_has("content/articles/second.md:4:7")
        .stderr_has("`draft: true`");
    check(&site, &["--deny-warnings"]).fails_with(1);
    // As of that day, the same date is fine.
    let run = site.knead(&["check", "--today", "2099-01-01"]);
    assert!(!run.stderr.contains("in the future"), "{}", run.stderr);
    site.edit(
        "content/articles/second.md",
        "date: 2099-01-01",
        "date: 2025-04-01\nupdated: 2025-03-01",
    );
    check(&site, &[])
        .ok()
        .stderr_has("warning: `updated` (2025-03-01) is before `date` (2025-04-01)")
        .stderr_has("content/articles/second.md:5:10");
    site.edit(
        "content/articles/second.md",
        "updated: 2025-03-01",
        "updated: 2025-08-01",
    );
    check(&site, &[])
        .ok()
        .stderr_has("warning: `updated` (2025-08-01) is in the future")
        .stderr_has("content/articles/second.md:5:10");
    site.edit(
        "content/articles/second.md",
        "updated: 2025-08-01",
        "updated: 2025-05-01",
    );
    let run = check(&site, &[]);
    assert!(!run.stderr.contains("updated"), "{}", run.stderr);
}

#[test]
fn over_long_titles() {
    let site = Site::new("basic");
    let long = "Massage and back pain ".repeat(60);
    let long = long.trim();
    site.edit(
        "content/pages/about.md",
        "title: \"About\"",
        &format!("title: \"{long}\""),
    );
    site.edit(
        "content/articles/second.md",
        "title: \"Second article\"",
        &format!("title: \"{}\"", "x".repeat(111)),
    );
    check(&site, &[])
        .ok()
        .stderr_has(&format!(
            "warning: the title is {} characters long; titles over 110 characters are cut short",
            long.chars().count()
        ))
        .stderr_has("content/pages/about.md:2:8")
        .stderr_has("the title is 111 characters long")
        .stderr_has("content/articles/second.md:2:8");
    site.edit(
        "content/articles/second.md",
        &format!("title: \"{}\"", "x".repeat(111)),
        &format!("title: \"{}\"", "x".repeat(110)),
    );
    let run = check(&site, &[]);
    assert!(!run.stderr.contains("111"), "{}", run.stderr);
    assert!(!run.stderr.contains("content/articles/second.md"), "{}", run.stderr);
}

/// Errors in site.yaml are worded for site.yaml, and the summary says how far the check
/// got rather than "checked 0 files".
#[test]
fn a_broken_site_yaml() {
    let site = Site::new("basic");
    site.edit("site.yaml", "language: en", "langauge: en");
    let run = check(&site, &[]);
    run.fails_with(1)
        .stderr_has("error: unknown key `langauge` in site.yaml")
        .stderr_has("site.yaml:4:1");
    assert!(
        run.stdout
            .contains("checked 7 files: 1 error, 0 warnings; stopped before the links, anchors and editorial rules"),
        "{}",
        run.stdout
    );
    let json = check(&site, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        (v["files_checked"].as_u64(), v["stopped_early"].as_bool()),
        (Some(7), Some(true))
    );
}

/// Each list item is a sentence of its own: a nested list reads like a flat one.
#[test]
fn list_items_are_sentences() {
    let grade_of = |list: &str| {
        let site = Site::new("basic");
        site.edit(
            "content/articles/second.md",
            "## What to expect",
            &format!("{list}\n## What to expect"),
        );
        let run = check(&site, &["--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let grades = v["reading_grades"].as_array().unwrap().clone();
        let second = grades
            .iter()
            .find(|g| g["file"] == "content/articles/second.md")
            .unwrap()
            .clone();
        second["grade"].as_f64().unwrap()
    };
    let flat = grade_of(&"- one two three\n".repeat(5));
    let nested: String = (0..5).map(|i| format!("{}- one two three\n", "  ".repeat(i))).collect();
    assert_eq!(grade_of(&nested), flat);
    let deep: String = (0..300)
        .map(|i| format!("{}- one two three\n", "  ".repeat(i)))
        .collect();
    let deep = grade_of(&deep);
    assert!(deep < 3.0, "300 levels of three words read at grade {deep}");
}
