//! Bad input gives exit 1 and a message that names the file, line and column, shows the
//! line, and says what to do. Usage errors give exit 2.

use crate::support::{Run, Site, knead, tree};

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
        .stderr_has("unknown front matter key `langauge`")
        .stderr_has("site.yaml:4:1")
        .stderr_has("did you mean `language`?");
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
}

#[test]
fn not_a_site() {
    let dir = tempfile::tempdir().unwrap();
    let run = Run::from(knead().args(["build", "--root"]).arg(dir.path()).output().unwrap());
    run.fails_with(1)
        .stderr_has("cannot read the site configuration")
        .stderr_has("knead init");
}
