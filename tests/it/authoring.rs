//! What authors write beyond plain Markdown: ids in raw HTML, FAQ ids and `#top` as link
//! targets (from bodies, FAQ answers and the menu), and callouts (`> [!WARNING]`).

use crate::support::Site;

/// The basic fixture links to an `<aside id>`, an `<a name>`, an FAQ's id and `#top`,
/// from a body, and to the aside from the menu; it builds, and its callouts come out
/// as the content model says.
#[test]
fn html_ids_faq_ids_and_top_are_link_targets() {
    let site = Site::new("basic");
    site.knead(&["build"]).ok();
    let second = site.read("public/articles/second/index.html");
    assert!(second.contains("<aside id=\"red-flags\">"), "{second}");
    assert!(second.contains("<a href=\"#top\">to the top</a>"));
    assert!(second.contains(
        "<aside class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Warning</p>\n<p>Stop if"
    ));
    assert!(second.contains("<aside class=\"callout callout-tip\" role=\"note\">\n<p class=\"callout-title\">Tip</p>"));
    let first = site.read("public/articles/first/index.html");
    assert!(first.contains("href=\"/articles/second/#faq-is-it-safe\""), "{first}");
    assert!(first.contains("<a href=\"/articles/second/#red-flags\">Red flags</a>"));
}

/// An id that is gone makes every link to it an error at its own place (a body and the
/// menu), with the nearest id as a suggestion.
#[test]
fn links_to_a_removed_html_id_are_located_errors() {
    let site = Site::new("basic");
    site.edit(
        "content/articles/second.md",
        "<aside id=\"red-flags\">",
        "<aside id=\"redflags\">",
    );
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("the anchor `#red-flags` does not exist on /articles/second/")
        .stderr_has("content/articles/first.md:52:24")
        .stderr_has("content/articles/second.md:24:48")
        .stderr_has("menu entry `Red flags`: the anchor `#red-flags` does not exist on /articles/second/")
        .stderr_has("site.yaml:15:10")
        .stderr_has("15 |     url: /articles/second/#red-flags")
        .stderr_has("did you mean `#redflags`?")
        .stderr_has("failed with 3 errors");
}

/// Two elements with one id, or an id the page itself uses, would break links: errors.
#[test]
fn duplicate_and_reserved_html_ids_are_errors() {
    let site = Site::new("basic");
    site.edit(
        "content/articles/second.md",
        "> [!tip]",
        "<p id=\"red-flags\">Again.</p>\n\n<div id=\"main\"></div>\n\n> [!tip]",
    );
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("the id `red-flags` is used twice on this page")
        .stderr_has("content/articles/second.md:27:8")
        .stderr_has("the id `main` is taken by the page around the content")
        .stderr_has("content/articles/second.md:29:10");
}

/// An unknown `[!WORD]` stays a quote: the build goes on, and the warning (in `build`
/// and `check`) names the line and the kind meant.
#[test]
fn a_misspelt_callout_kind_is_a_warning_with_a_suggestion() {
    let site = Site::new("basic");
    site.edit("content/articles/second.md", "> [!tip]", "> [!WARNIG]");
    site.knead(&["build"])
        .ok()
        .stderr_has("warning: `[!WARNIG]` is not a callout kind: this stays an ordinary quote")
        .stderr_has("content/articles/second.md:27:3")
        .stderr_has("did you mean `[!WARNING]`?");
    let second = site.read("public/articles/second/index.html");
    assert!(
        second.contains("<blockquote>\n<p>[!WARNIG]\nWarm up first.</p>\n</blockquote>"),
        "{second}"
    );
    site.knead(&["check", "--today", "2025-07-01"])
        .ok()
        .stderr_has("`[!WARNIG]` is not a callout kind");
    site.knead(&["check", "--today", "2025-07-01", "--deny-warnings"])
        .fails_with(1);
}

/// Callout titles are in the site's language; a callout in an FAQ answer is one too.
#[test]
fn callout_titles_follow_the_language() {
    let site = Site::new("basic");
    site.edit("site.yaml", "language: en", "language: es");
    site.edit(
        "content/articles/first.md",
        "answer: \"Once a week is common.\"",
        "answer: \"> [!NOTE]\\n> Once a week is common.\"",
    );
    site.knead(&["build"]).ok();
    let second = site.read("public/articles/second/index.html");
    assert!(
        second.contains("<p class=\"callout-title\">Advertencia</p>"),
        "{second}"
    );
    assert!(second.contains("<p class=\"callout-title\">Consejo</p>"));
    let first = site.read("public/articles/first/index.html");
    assert!(
        first.contains("<aside class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Nota</p>\n<p>Once a week is common.</p>"),
        "{first}"
    );
}
