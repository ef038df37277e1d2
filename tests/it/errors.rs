//! Bad input gives exit 1 and a message that names the file, line and column, shows the
//! line, and says what to do. Usage errors (bad paths, flags and values, reserved or
//! taken names) give exit 2 and a message that names the real cause. Ids are unique
//! across headings, footnotes and the theme's own; labels that lead nowhere are errors.

use std::time::{Duration, Instant};

use crate::support::{Run, Running, Site, knead, tree, wait_line};

fn broken(edit: impl FnOnce(&Site)) -> (Site, Run) {
    let site = Site::new("basic");
    edit(&site);
    let run = site.knead(&["build"]);
    (site, run)
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let (_, run) = broken(|s| {
        s.edit(
            "content/articles/first.md",
            "techniques: [swedish, deep-tissue]",
            "technqiues: [swedish, deep-tissue]",
        )
    });
    run.fails_with(1)
        .stderr_has("error: unknown front matter key `technqiues`")
        .stderr_has("content/articles/first.md:10:1")
        .stderr_has("technqiues: [swedish, deep-tissue]")
        .stderr_has("help: did you mean `techniques`?");
}

#[test]
fn missing_technique_is_located_with_a_suggestion() {
    let (_, run) = broken(|s| {
        s.edit(
            "content/articles/second.md",
            "techniques: [swedish]",
            "techniques: [swedsh]",
        )
    });
    run.fails_with(1)
        .stderr_has("no technique `swedsh`: there is no content/techniques/swedsh.md")
        .stderr_has("content/articles/second.md:6:14")
        .stderr_has("did you mean `swedish`?");
}

#[test]
fn wrong_type() {
    let (_, run) = broken(|s| {
        s.edit(
            "content/articles/second.md",
            "techniques: [swedish]",
            "techniques: swedish",
        )
    });
    run.fails_with(1)
        .stderr_has("wrong type in `techniques`: found string \"swedish\", expected a sequence")
        .stderr_has("content/articles/second.md:6:")
        .stderr_has("write a list");
}

#[test]
fn missing_required_key() {
    let (_, run) = broken(|s| s.edit("content/articles/second.md", "date: 2025-04-01\n", ""));
    run.fails_with(1)
        .stderr_has("missing required key `date`")
        .stderr_has("content/articles/second.md:1:1");
}

#[test]
fn invalid_date() {
    let (_, run) = broken(|s| s.edit("content/articles/second.md", "date: 2025-04-01", "date: 2025-02-29"));
    run.fails_with(1)
        .stderr_has("`2025-02-29` is not a valid date: February 2025 has 28 days")
        .stderr_has("content/articles/second.md:4:7")
        .stderr_has("YYYY-MM-DD");
}

#[test]
fn invalid_slug_and_file_name() {
    let (_, run) = broken(|s| {
        s.edit(
            "content/articles/second.md",
            "date: 2025-04-01",
            "date: 2025-04-01\nslug: Second Article",
        );
        s.write(
            "content/articles/My Notes.md",
            "---\ntitle: t\ndescription: d\ndate: 2025-01-01\n---\n",
        );
    });
    run.fails_with(1)
        .stderr_has("`Second Article` is not a valid slug")
        .stderr_has("content/articles/second.md:5:7")
        .stderr_has("try `slug: second-article`")
        .stderr_has("the file name `My Notes` does not make a valid slug")
        .stderr_has("rename the file to `my-notes.md`");
}

#[test]
fn duplicate_slugs() {
    let (_, run) = broken(|s| {
        s.edit(
            "content/articles/second.md",
            "date: 2025-04-01",
            "date: 2025-04-01\nslug: first",
        )
    });
    run.fails_with(1)
        .stderr_has("the article slug `first` is already used by")
        .stderr_has("content/articles/second.md:5:7");
}

#[test]
fn image_without_alt_text() {
    let (_, run) = broken(|s| {
        s.edit(
            "content/articles/first.md",
            "alt: \"A drawing of the lower back\"",
            "alt: \"\"",
        )
    });
    run.fails_with(1)
        .stderr_has("the image has no alt text")
        .stderr_has("content/articles/first.md:25:3")
        .stderr_has("describe the image");
    let (site, run) = broken(|s| s.edit("content/articles/first.md", "![A chart]", "![]"));
    let line = site
        .read("content/articles/first.md")
        .lines()
        .position(|l| l.starts_with("![]("))
        .unwrap()
        + 1;
    run.fails_with(1)
        .stderr_has("this image has no alt text")
        .stderr_has(&format!("content/articles/first.md:{line}:1"))
        .stderr_has("![](../images/back.png)");
}

#[test]
fn links_to_missing_pages_and_anchors() {
    let (_, run) = broken(|s| {
        s.edit(
            "content/articles/second.md",
            "## What to expect",
            "## What to expect\n\nSee [gone](gone.md) and [that part](first.md#why-it-hurts).",
        );
    });
    run.fails_with(1)
        .stderr_has("this link points to a file that does not exist: `gone.md`")
        .stderr_has("content/articles/second.md:15:5")
        .stderr_has("the anchor `#why-it-hurts` does not exist on /articles/first/")
        .stderr_has("did you mean `#why-it-helps`?");
}

/// An anchor in an FAQ answer (Markdown inside the front matter) is checked too, and
/// its message shows the front matter line, even though a clean build has let go of the
/// file's text by the time anchors are checked.
#[test]
fn broken_anchor_in_an_faq_answer() {
    let (_, run) = broken(|s| {
        s.edit(
            "content/articles/first.md",
            "See [the second article](second.md)",
            "See [the second article](second.md#what-to-expec)",
        );
    });
    run.fails_with(1)
        .stderr_has("the anchor `#what-to-expec` does not exist on /articles/second/")
        .stderr_has("content/articles/first.md:14:")
        .stderr_has("14 |     answer: \"Usually **not**. See [the second article](second.md#what-to-expec).\"")
        .stderr_has("did you mean `#what-to-expect`?")
        .stderr_has("failed with 1 error");
}

#[test]
fn unterminated_front_matter_and_non_utf8() {
    let (site, run) = broken(|s| {
        s.write(
            "content/articles/third.md",
            "---\ntitle: x\ndescription: y\ndate: 2025-01-01\n\nbody\n",
        );
        std::fs::write(s.path("content/articles/fourth.md"), b"---\ntitle: caf\xe9\n---\n").unwrap();
    });
    run.fails_with(1)
        .stderr_has("the front matter starts here but never ends")
        .stderr_has("content/articles/third.md:1:1")
        .stderr_has("this file is not valid UTF-8 text")
        .stderr_has("content/articles/fourth.md:2:11");
    drop(site);
}

#[test]
fn template_syntax_error_is_located() {
    let (_, run) = broken(|s| {
        s.write(
            "templates/faq.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{{ groups | }}\n{% endblock content %}\n",
        )
    });
    run.fails_with(1)
        .stderr_has("template syntax error")
        .stderr_has("templates/faq.html:3:");
}

/// Article pages are rendered as their Markdown is (see `pipeline::build`): an error in
/// article.html is reported once for all of them, with its template line, and the
/// previous output stays.
#[test]
fn template_runtime_error_in_article_pages_is_reported_once() {
    let site = Site::new("basic");
    site.knead(&["build"]).ok();
    let before = tree(&site.path("public"));
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ article.title }}\n{{ article.missing.field }}\n{% endblock content %}\n",
    );
    let run = site.knead(&["build"]);
    run.fails_with(1)
        .stderr_has("Field `missing` is not defined")
        .stderr_has("templates/article.html:4:12")
        .stderr_has("failed with 1 error");
    assert_eq!(run.stderr.matches("template error").count(), 1, "{}", run.stderr);
    assert!(before == tree(&site.path("public")), "the previous output changed");
}

#[test]
fn site_yaml_typo() {
    let (_, run) = broken(|s| s.edit("site.yaml", "language: en", "langauge: en"));
    run.fails_with(1)
        .stderr_has("unknown key `langauge` in site.yaml")
        .stderr_has("site.yaml:4:1")
        .stderr_has("did you mean `language`?");
    assert!(!run.stderr.contains("front matter"), "{}", run.stderr);
}

/// Type errors speak of YAML values (a mapping with keys, a whole number), never of the
/// Rust types behind them.
#[test]
fn type_errors_name_no_rust_types() {
    let (_, run) = broken(|s| s.edit("site.yaml", "  - name: Articles\n    url: /articles/", "  - Articles"));
    run.fails_with(1)
        .stderr_has("wrong type in `menu[0]`: found string \"Articles\", expected a mapping with keys name and url")
        .stderr_has("site.yaml:8:5");
    let (_, run) = broken(|s| {
        s.edit(
            "content/articles/second.md",
            "date: 2025-04-01",
            "date: 2025-04-01\nreviewed_by: [Dr X]",
        );
        s.edit("content/articles/first.md", "    year: 2015", "    year: 99999");
        s.edit("content/techniques/swedish.md", "pressure: light", "pressure: [light]");
        s.edit("site.yaml", "language: en", "language: en\nreview_interval_days: 1.5");
    });
    run.fails_with(1)
        .stderr_has("wrong type in `reviewed_by`: found sequence, expected a reviewer: a mapping with keys name and credentials")
        .stderr_has("expected a whole number from 0 to 65535")
        .stderr_has(
            "wrong type in `pressure`: found sequence, expected one word of the allowed ones, not a list or mapping",
        )
        .stderr_has("wrong type in `review_interval_days`: found floating point `1.5`, expected a whole number");
    for rust in ["struct", "enum ", "u16", "u32", "f64"] {
        assert!(!run.stderr.contains(rust), "{rust}:\n{}", run.stderr);
    }
}

#[test]
fn every_error_is_reported_in_one_run() {
    let (_, run) = broken(|s| {
        s.edit(
            "content/articles/first.md",
            "techniques: [swedish, deep-tissue]",
            "technqiues: [swedish]",
        );
        s.edit("content/articles/second.md", "date: 2025-04-01", "date: 2025-13-01");
        s.edit("site.yaml", "language: en", "langauge: en");
    });
    run.fails_with(1)
        .stderr_has("technqiues")
        .stderr_has("2025-13-01")
        .stderr_has("langauge")
        .stderr_has("failed with 3 errors");
}

#[test]
fn usage_errors_exit_2() {
    let site = Site::new("basic");
    site.knead(&["frobnicate"]).fails_with(2);
    site.knead(&["build", "--no-such-flag"]).fails_with(2);
    site.knead(&["new", "essay", "Title"]).fails_with(2);
    site.knead(&["check", "--today", "2025-02-30"]).fails_with(2);
}

/// `knead ARGS` run in `dir`, with nothing added.
fn run_in(dir: &std::path::Path, args: &[&str]) -> Run {
    Run::from(knead().args(args).current_dir(dir).output().unwrap())
}

#[test]
fn not_a_site() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["build", "check", "watch", "serve"] {
        run_in(dir.path(), &[command])
            .fails_with(2)
            .stderr_has("error: the current folder is not a knead site: it has no site.yaml")
            .stderr_has("knead init");
    }
    run_in(dir.path(), &["new", "page", "Contact"])
        .fails_with(2)
        .stderr_has("is not a knead site");
    assert_eq!(
        crate::support::names(dir.path()),
        Vec::<String>::new(),
        "nothing written"
    );
}

/// A `--root` that is not there, or is a file, is the command line's mistake; `watch`
/// says so at once instead of running forever.
#[test]
fn root_missing_or_a_file() {
    let site = Site::new("basic");
    let dir = site.dir.path();
    for command in ["build", "check", "watch", "serve"] {
        run_in(dir, &[command, "--root", "nowhere"])
            .fails_with(2)
            .stderr_has("error: the site folder `nowhere` does not exist");
        let start = Instant::now();
        run_in(dir, &[command, "--root", "site/site.yaml"])
            .fails_with(2)
            .stderr_has("error: `site/site.yaml` is a file, not a folder")
            .stderr_has("help: --root takes the site's folder, not its site.yaml: `--root site`");
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{command} took {:?}",
            start.elapsed()
        );
    }
    run_in(dir, &["new", "article", "Title", "--root", "nowhere"])
        .fails_with(2)
        .stderr_has("does not exist");
    assert!(!site.dir.path().join("nowhere").exists(), "nothing written");
    assert!(!site.path("site.yaml/public").exists());
}

#[test]
fn a_bad_base_url_blames_the_option() {
    let site = Site::new("basic");
    for command in ["build", "check", "watch", "serve"] {
        let run = run_in(site.dir.path(), &[command, "--root", "site", "--base-url", "foo"]);
        run.fails_with(2)
            .stderr_has("error: --base-url: `foo` is not an absolute http(s) URL")
            .stderr_has("help: give the full address the site is published at");
        assert!(!run.stderr.contains("site.yaml"), "{}", run.stderr);
    }
    assert!(!site.path("public").exists());
}

#[test]
fn output_folders_that_would_delete_sources_are_usage_errors() {
    let site = Site::new("basic");
    for command in ["build", "watch", "serve"] {
        let run = run_in(
            site.dir.path(),
            &[command, "--root", "site", "--output", "site/content"],
        );
        run.fails_with(2).stderr_has("building there would delete your sources");
        assert!(!run.stdout.contains("Serving"), "{}", run.stdout);
    }
    assert!(site.path("content/articles/first.md").is_file());
}

/// The address `serve` prints is the one it listens on, IPv6 in brackets.
#[test]
fn serve_prints_the_address_it_listens_on() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("no IPv6 loopback here: skipped");
        return;
    }
    let site = Site::new("basic");
    let mut cmd = knead();
    cmd.args(["serve", "--bind", "::1", "--port", "0", "--root"])
        .arg(site.root());
    let serving = Running::start(&mut cmd);
    let line = wait_line(&serving.out, "Serving the site at");
    let url = line.split_whitespace().nth(4).unwrap().to_owned();
    assert!(url.starts_with("http://[::1]:"), "{line}");
    let port: u16 = url
        .trim_start_matches("http://[::1]:")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    assert!(
        std::net::TcpStream::connect(("::1", port)).is_ok(),
        "nothing listens at {url}"
    );
}

#[test]
fn serve_on_an_address_of_another_machine() {
    let site = Site::new("basic");
    let run = run_in(
        site.dir.path(),
        &["serve", "--root", "site", "--bind", "192.0.2.1", "--port", "0"],
    );
    run.fails_with(2)
        .stderr_has("error: cannot listen on 192.0.2.1: it is not an address of this machine")
        .stderr_has("--bind 127.0.0.1");
    assert!(!run.stderr.contains("another port"), "{}", run.stderr);
    assert!(!run.stdout.contains("Serving"), "{}", run.stdout);
}

// --- ids and labels ---------------------------------------------------------------

/// Appends Markdown to the second article of a basic site.
fn with_body(text: &str) -> Site {
    let site = Site::new("basic");
    let body = site.read("content/articles/second.md");
    site.write("content/articles/second.md", &format!("{body}\n{text}"));
    site
}

/// The line of the second article where `needle` is.
fn line_of(site: &Site, needle: &str) -> usize {
    site.read("content/articles/second.md")
        .lines()
        .position(|l| l.contains(needle))
        .unwrap()
        + 1
}

#[test]
fn footnotes_and_headings_never_share_an_id() {
    let site = with_body(
        "## Notes\n\nSee the note[^notes] and the other[^Other].\n\n[^notes]: A note.\n\n[^other]: Another.\n\n## Why {#fn-other}\n",
    );
    site.knead(&["build"]).ok();
    let page = site.read("public/articles/second/index.html");
    assert!(page.contains(r#"<h2 id="notes">Notes</h2>"#), "{page}");
    assert!(page.contains(r##"<a href="#fn-notes">1</a>"##), "{page}");
    assert!(
        page.contains(r#"<div class="footnote-definition" id="fn-notes">"#),
        "{page}"
    );
    // A written id is never renamed: the footnote goes round it, any case of its label.
    assert!(page.contains(r#"<h2 id="fn-other">Why</h2>"#), "{page}");
    assert!(page.contains(r##"<a href="#fn-other-1">2</a>"##), "{page}");
    assert!(
        page.contains(r#"<div class="footnote-definition" id="fn-other-1">"#),
        "{page}"
    );
    for id in ["notes", "fn-notes", "fn-other", "fn-other-1"] {
        assert_eq!(page.matches(&format!(r#" id="{id}""#)).count(), 1, "{id}");
    }
}

#[test]
fn the_themes_numbered_ids_are_never_a_headings() {
    let site = Site::with_themes("clinic");
    site.edit(
        "content/articles/heat-and-massage.md",
        "## Warmth first",
        "## Source 1\n\nText.\n\n## Warmth first",
    );
    site.knead(&["build"]).ok();
    let page = site.read("public/articles/heat-first/index.html");
    assert!(page.contains(r#"<h2 id="source-1-1">Source 1</h2>"#), "{page}");
    // The source list names its entries by reference id here; `source-1` stays the
    // theme's all the same.
    assert_eq!(page.matches(r#"id="source-1""#).count(), 0, "{page}");
}

/// The disclaimer (site.yaml) is on every article page: its ids are the page's too.
#[test]
fn the_disclaimers_ids_are_the_pages_too() {
    let site = with_body("## Advice\n\nSee[^d].\n\n[^d]: A note.\n\n## Mine {#fn-d}\n");
    site.edit(
        "site.yaml",
        "not medical advice.",
        "not medical advice[^d].\\n\\n## Advice\\n\\n[^d]: Ask a doctor.",
    );
    let run = site.knead(&["build"]);
    run.fails_with(1)
        .stderr_has("the id `fn-d` is already used by the site's disclaimer (site.yaml)")
        .stderr_has(&format!("content/articles/second.md:{}:10", line_of(&site, "{#fn-d}")));
    site.edit("content/articles/second.md", "## Mine {#fn-d}", "## Mine");
    site.knead(&["build"]).ok();
    let page = site.read("public/articles/second/index.html");
    for id in ["advice", "advice-1", "fn-d", "fn-d-1"] {
        assert_eq!(page.matches(&format!(r#" id="{id}""#)).count(), 1, "{id}: {page}");
    }
}

#[test]
fn a_written_id_that_collides_is_an_error() {
    let site = with_body("## Custom {#main}\n\n## Top {#top}\n\n## A {#a}\n\n## B {#a}\n");
    let run = site.knead(&["build"]);
    run.fails_with(1)
        .stderr_has("error: the id `main` is reserved by the theme")
        .stderr_has(&format!("content/articles/second.md:{}:12", line_of(&site, "{#main}")))
        .stderr_has("help: give this heading an id of its own, or remove `{#main}`")
        .stderr_has("error: the id `top` is reserved: a link to `#top` leads to the top of the page")
        .stderr_has(&format!(
            "error: the id `a` is already the id of the heading on line {}",
            line_of(&site, "## A {#a}")
        ))
        .stderr_has(&format!("content/articles/second.md:{}:7", line_of(&site, "## B {#a}")))
        .stderr_has("failed with 3 errors");
    assert!(!run.stderr.contains("main-1"), "{}", run.stderr);
}

/// A theme declares the ids its templates use in its theme.yaml; a theme without one
/// reserves the default theme's.
#[test]
fn themes_declare_their_ids() {
    let site = Site::with_themes("basic");
    crate::support::copy_dir(&site.path("themes/default"), &site.path("themes/mine"));
    site.edit("site.yaml", "language: en", "language: en\ntheme: mine");
    site.edit("themes/mine/theme.yaml", "  - main\n", "  - main\n  - notes\n");
    let body = site.read("content/articles/second.md");
    site.write("content/articles/second.md", &format!("{body}\n## Notes\n\n## Main\n"));
    site.knead(&["build"]).ok();
    let page = site.read("public/articles/second/index.html");
    assert!(page.contains(r#"<h2 id="notes-1">Notes</h2>"#), "{page}");
    assert!(page.contains(r#"<h2 id="main-1">Main</h2>"#), "{page}");
    std::fs::remove_file(site.path("themes/mine/theme.yaml")).unwrap();
    site.knead(&["build"]).ok();
    let page = site.read("public/articles/second/index.html");
    assert!(page.contains(r#"<h2 id="notes">Notes</h2>"#), "{page}");
    assert!(page.contains(r#"<h2 id="main-1">Main</h2>"#), "{page}");
    site.write("themes/mine/theme.yaml", "reserved_ids:\n  - \"two words\"\n");
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("`two words` is not an id")
        .stderr_has("themes/mine/theme.yaml:2:6");
}

#[test]
fn undefined_footnotes_and_reference_links() {
    let site = with_body(
        "## Notes\n\nSee a note[^nots], [the guide][guide] and [it][].\n\nLiteral \\[^x], a [shortcut] and `[^code]`.\n\n[^notes]: The note.\n",
    );
    let line = line_of(&site, "See a note");
    for run in [site.knead(&["build"]), site.knead(&["check", "--today", "2025-07-01"])] {
        run.fails_with(1)
            .stderr_has("error: the footnote `[^nots]` is not defined")
            .stderr_has(&format!("content/articles/second.md:{line}:11"))
            .stderr_has("did you mean `[^notes]`?")
            .stderr_has("error: the reference link `[the guide][guide]` has no definition of `[guide]`")
            .stderr_has(&format!("content/articles/second.md:{line}:20"))
            .stderr_has("help: add a line `[guide]: URL` below the paragraph")
            .stderr_has("error: the reference link `[it][]` has no definition of `[it]`");
        assert!(!run.stderr.contains("[^x]"), "{}", run.stderr);
        assert!(!run.stderr.contains("shortcut"), "{}", run.stderr);
        assert!(!run.stderr.contains("[^code]"), "{}", run.stderr);
        let problems = run.stderr.matches("is not defined").count() + run.stderr.matches("has no definition").count();
        assert_eq!(problems, 3, "{}", run.stderr);
    }
}

/// In an FAQ answer (Markdown in the front matter) too, at the answer's line.
#[test]
fn an_undefined_footnote_in_an_faq_answer() {
    let (_, run) = broken(|s| {
        s.edit(
            "content/articles/first.md",
            "See [the second article](second.md)",
            "See [the second article](second.md)[^1]",
        )
    });
    run.fails_with(1)
        .stderr_has("the footnote `[^1]` is not defined")
        .stderr_has("content/articles/first.md:14:");
}
