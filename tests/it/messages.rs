//! Messages for people: each weak message of issue #25 as an author or theme author
//! meets it (a tab in YAML, a mis-indented FAQ, a wrong type, `draft: yes`, misspelt
//! template fields and tags, unknown filters), with the place and the fix, and every
//! problem of a build in one run.

use crate::support::Site;

/// The basic fixture with `edit` made, checked (`knead check`).
fn checked(edit: impl FnOnce(&Site)) -> crate::support::Run {
    let site = Site::new("basic");
    edit(&site);
    site.knead(&["check"])
}

#[test]
fn a_tab_in_yaml_says_use_spaces() {
    let run = checked(|s| s.edit("content/articles/first.md", "tags: [basics]", "tags:\n\t- basics"));
    run.fails_with(1)
        .stderr_has("a tab in the YAML: YAML indents with spaces, never tabs")
        .stderr_has("content/articles/first.md:23:1")
        .stderr_has("use spaces, not tabs");
    assert!(!run.stderr.contains("cannot start any token"), "{}", run.stderr);
}

#[test]
fn an_faq_answer_indented_less_says_the_indentation_is_wrong() {
    let run = checked(|s| {
        s.edit(
            "content/articles/first.md",
            "    answer: \"Once a week is common.\"",
            "  answer: \"Once a week is common.\"",
        )
    });
    run.fails_with(1)
        .stderr_has("the indentation is wrong: `answer` is not lined up with the other keys of `faqs[1]`")
        .stderr_has("content/articles/first.md:16:3")
        .stderr_has("indent `answer:` by 4 spaces, the same as `question:` on line 15");
    assert!(!run.stderr.contains("missing required key"), "{}", run.stderr);
}

#[test]
fn an_faq_answer_indented_more_says_the_indentation_is_wrong() {
    let run = checked(|s| {
        s.edit(
            "content/articles/first.md",
            "    answer: \"Once a week is common.\"",
            "        answer: \"Once a week is common.\"",
        )
    });
    run.fails_with(1)
        .stderr_has("the indentation is wrong: `answer` is not lined up with `question` above it")
        .stderr_has("content/articles/first.md:16:9")
        .stderr_has("indent `answer:` by 4 spaces");
}

#[test]
fn a_wrong_type_says_what_shape_is_expected() {
    let run = checked(|s| {
        s.edit(
            "content/articles/first.md",
            "reviewed_by:\n  name: \"A. Reviewer\"\n  credentials: \"Fixture credentials\"",
            "reviewed_by: A. Reviewer",
        )
    });
    run.fails_with(1)
        .stderr_has("wrong type in `reviewed_by`: found string \"A. Reviewer\", expected a reviewer: a mapping with keys name and credentials")
        .stderr_has("write the keys of this value on indented lines below it");
    assert!(!run.stderr.contains("struct"), "{}", run.stderr);
}

#[test]
fn draft_yes_says_use_true_or_false() {
    let run = checked(|s| {
        s.edit(
            "content/articles/first.md",
            "tags: [basics]",
            "tags: [basics]\ndraft: yes",
        )
    });
    run.fails_with(1)
        .stderr_has("wrong type in `draft`: found string \"yes\", expected a boolean")
        .stderr_has("use true or false");
}

/// The basic fixture with `templates/article.html` written as `text`, built.
fn with_article_template(text: &str) -> crate::support::Run {
    let site = Site::new("basic");
    site.write("templates/article.html", text);
    site.knead(&["build"])
}

#[test]
fn a_misspelt_field_gets_did_you_mean() {
    let run = with_article_template(
        "{% extends \"default/templates/article.html\" %}\n{% block title %}{{ article.titel }}{% endblock title %}",
    );
    run.fails_with(1)
        .stderr_has("template error: Field `titel` is not defined")
        .stderr_has("templates/article.html:2:")
        .stderr_has("did you mean `title`?");
    assert!(!run.stderr.contains("error: template error: error"), "{}", run.stderr);
}

#[test]
fn a_misspelt_end_tag_gets_did_you_mean() {
    let run = with_article_template(
        "{% extends \"default/templates/article.html\" %}\n{% block title %}{% for t in article.tags %}{{ t.name }}{% endfo %}{% endblock title %}",
    );
    run.fails_with(1)
        .stderr_has("template syntax error: Unknown tag")
        .stderr_has("templates/article.html:2:")
        .stderr_has("did you mean `endfor`?");
}

#[test]
fn an_unknown_filter_lists_the_filters() {
    let run = with_article_template(
        "{% extends \"default/templates/article.html\" %}\n{% block title %}{{ article.title | uper }}{% endblock title %}",
    );
    run.fails_with(1)
        .stderr_has("template error: Unknown filter `uper`")
        .stderr_has("templates/article.html:2:")
        .stderr_has("did you mean `upper`? The filters that exist: abs,")
        .stderr_has("date,");
    assert!(!run.stderr.contains("error: template error: error"), "{}", run.stderr);
}

#[test]
fn a_theme_template_error_keeps_the_theme_path() {
    let site = Site::new("basic");
    site.edit("site.yaml", "title:", "theme: mine\ntitle:");
    site.write(
        "themes/mine/templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n  {{ page.titel }}\n{% endblock content %}",
    );
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("themes/mine/templates/page.html:3:")
        .stderr_has("did you mean `title`?");
}

/// Front-matter errors no longer hide the link, technique and anchor checks: one run
/// reports them all, and a link to an article whose front matter failed is not called
/// a missing page.
#[test]
fn every_problem_of_a_build_in_one_run() {
    let site = Site::new("basic");
    site.edit("content/articles/second.md", "date: 2025-04-01", "date: 2025-13-01");
    site.edit("content/techniques/deep-tissue.md", "title:", "titel: x\ntitle:");
    site.edit("content/pages/about.md", "title:", "draft: yes\ntitle:");
    site.edit(
        "content/articles/first.md",
        "techniques: [swedish, deep-tissue]",
        "techniques: [swedish, hot-stones]",
    );
    site.edit(
        "content/articles/first.md",
        "Intro paragraph.",
        "Intro paragraph, see [why](first.md#why-it-hurts).",
    );
    let run = site.knead(&["check"]);
    run.fails_with(1)
        .stderr_has("2025-13-01")
        .stderr_has("unknown front matter key `titel`")
        .stderr_has("use true or false")
        .stderr_has("hot-stones")
        .stderr_has("#why-it-hurts");
    // first.md links to second.md, whose front matter failed: that is no missing page.
    assert!(!run.stderr.contains("second.md` does not exist"), "{}", run.stderr);
    // Nor are its anchors (FAQs among them) checked against a made-up page.
    assert!(
        !run.stderr.contains("does not exist on /articles/second/"),
        "{}",
        run.stderr
    );
    run.stdout_has("5 errors");
}

/// A theme's own base.html that lacks a block of the built-in one: each missing block
/// named once (not once per built-in template filling it), with the fix.
#[test]
fn a_layout_without_a_block_names_it_once() {
    let site = Site::new("slim");
    site.edit(
        "themes/slim/templates/base.html",
        "{%- block head %}{% endblock head %}",
        "",
    );
    let run = site.knead(&["build"]);
    run.fails_with(1)
        .stderr_has("template error: Block `head` is not defined in any parent template")
        .stderr_has("add `{% block head %}{% endblock head %}` to the template it extends");
    assert_eq!(run.stderr.matches("Block `head`").count(), 1, "{}", run.stderr);
}
