//! `knead build` on the fixture site: the output table of the contract, links under a
//! subpath, JSON-LD, drafts, determinism, and the output folder's safety. The bytes of
//! every output file are pinned by the golden snapshots (golden.rs).

use crate::support::{Site, tree};

const CONTRACT_FILES: &[&str] = &[
    "index.html",
    "articles/index.html",
    "articles/first/index.html",
    "articles/second/index.html",
    "techniques/index.html",
    "techniques/swedish/index.html",
    "techniques/deep-tissue/index.html",
    "benefits/index.html",
    "benefits/sleep/index.html",
    "benefits/muscle-tension-and-stiffness/index.html",
    "faq/index.html",
    "about/index.html",
    "sitemap.xml",
    "feed.xml",
    "robots.txt",
    "404.html",
    "images/back.png",
    "style.css",
];

#[test]
fn every_url_of_the_contract_exists() {
    let site = Site::new("basic");
    let run = site.knead(&["build"]);
    run.ok();
    assert!(run.stdout.contains("Built "), "{}", run.stdout);
    for f in CONTRACT_FILES {
        assert!(site.path("public").join(f).is_file(), "missing {f}");
    }
    let out = tree(&site.path("public"));
    assert!(!out.keys().any(|k| k.contains("draft-one")), "drafts are left out");
    // What each page shows is pinned by the golden snapshots (golden.rs); these are
    // the rules behind some of it.
    let first = site.read("public/articles/first/index.html");
    assert!(
        first.contains(r#"id="why-it-helps-1""#),
        "repeated headings get unique ids"
    );
    assert!(first.contains(r#"id="über-die-massage""#), "non-ASCII heading ids");
    assert!(
        first.contains("<table>") && first.contains("footnote-definition"),
        "tables and footnotes are on"
    );
    // Titles are escaped, never injected.
    assert!(first.contains("First article &amp; &lt;friends&gt;"));
    assert!(!first.contains("<friends>"));
}

#[test]
fn links_in_every_form_resolve() {
    let site = Site::new("basic");
    site.knead(&["build"]).ok();
    let first = site.read("public/articles/first/index.html");
    assert!(first.contains(r#"href="/articles/second/""#));
    assert!(first.contains(r#"href="/articles/second/#what-to-expect""#));
    // A shown PNG comes out processed (tests/it/images.rs); the original is copied too.
    assert!(first.contains(r#"src="/processed/back-"#));
    assert!(site.path("public/images/back.png").is_file());
    let second = site.read("public/articles/second/index.html");
    // pulldown-cmark percent-encodes hrefs; browsers decode fragments to match ids.
    assert!(
        second.contains(r#"href="/articles/first/#%C3%BCber-die-massage""#),
        "slug.md#anchor"
    );
    assert!(
        second.contains(r#"href="/articles/first/#why-it-helps""#),
        "links in FAQ answers"
    );
    let home = site.read("public/index.html");
    assert!(home.contains(r#"href="/articles/first/""#));
    assert!(
        home.contains(r#"href="/about/""#),
        "menu entries written as files resolve"
    );
}

fn json_ld(html: &str) -> serde_json::Value {
    let start_tag = r#"<script type="application/ld+json">"#;
    assert_eq!(html.matches(start_tag).count(), 1, "exactly one JSON-LD script");
    let start = html.find(start_tag).unwrap() + start_tag.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

#[test]
fn article_json_ld_matches_the_page() {
    let site = Site::new("basic");
    site.knead(&["build"]).ok();
    let html = site.read("public/articles/first/index.html");
    let ld = json_ld(&html);
    let graph = ld["@graph"].as_array().unwrap();
    let page = graph.iter().find(|n| n["@type"] == "MedicalWebPage").unwrap();
    assert_eq!(page["name"], "First article & <friends>");
    assert_eq!(page["datePublished"], "2025-03-01");
    assert_eq!(page["dateModified"], "2025-06-01");
    assert_eq!(page["lastReviewed"], "2025-06-02");
    assert_eq!(page["reviewedBy"]["name"], "A. Reviewer");
    let faq = graph.iter().find(|n| n["@type"] == "FAQPage").unwrap();
    let questions: Vec<&str> = faq["mainEntity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert_eq!(questions, ["Does it hurt?", "How often?"]);
    for q in questions {
        assert!(html.contains(&format!("<summary>{q}</summary>")), "visible FAQ {q}");
    }
    // An article without FAQs has no FAQPage.
    let about_ld = site.read("public/articles/second/index.html");
    assert_eq!(json_ld(&about_ld)["@graph"].as_array().unwrap().len(), 2);
}

fn local_urls(text: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for part in text.split(attr).skip(1) {
            let url = &part[..part.find('"').unwrap()];
            if url.starts_with('/') && !url.starts_with("//") {
                urls.push(url.to_owned());
            }
        }
    }
    urls
}

#[test]
fn subpath_base_url_is_honoured_everywhere() {
    let site = Site::new("basic");
    site.knead(&["build", "--base-url", "https://example.org/backcare/"])
        .ok();
    let out = tree(&site.path("public"));
    let mut checked = 0;
    for (path, bytes) in &out {
        if !(path.ends_with(".html") || path.ends_with(".xml")) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        for url in local_urls(&text) {
            assert!(url.starts_with("/backcare/"), "{path}: {url} is outside the subpath");
            checked += 1;
        }
        for part in text.split("https://example.org/").skip(1) {
            assert!(
                part.starts_with("backcare/"),
                "{path}: absolute URL outside the subpath: {}",
                &part[..part.len().min(40)]
            );
        }
    }
    assert!(checked > 100, "only {checked} local URLs checked");
    assert!(
        site.read("public/sitemap.xml")
            .contains("<loc>https://example.org/backcare/articles/first/</loc>")
    );
    assert!(
        site.read("public/feed.xml")
            .contains(r#"<link href="https://example.org/backcare/feed.xml" rel="self""#)
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let site = Site::new("basic");
    site.knead(&["build", "--output", "one"]).ok();
    site.knead(&["build", "--output", "two"]).ok();
    let (one, two) = (tree(&site.dir.path().join("one")), tree(&site.dir.path().join("two")));
    assert_eq!(one.keys().collect::<Vec<_>>(), two.keys().collect::<Vec<_>>());
    for (k, v) in &one {
        assert!(v == &two[k], "{k} differs between builds");
    }
}

#[test]
fn drafts_only_with_the_flag() {
    let site = Site::new("basic");
    site.knead(&["build", "--drafts"]).ok();
    assert!(site.path("public/articles/draft-one/index.html").is_file());
    site.knead(&["build"]).ok();
    assert!(
        !site.path("public/articles/draft-one").exists(),
        "a rebuild without --drafts removes the draft"
    );
}

#[test]
fn a_link_to_a_draft_is_explained() {
    let site = Site::new("basic");
    site.edit(
        "content/articles/second.md",
        "## What to expect",
        "## What to expect\n\nSee [the draft](draft-one.md).",
    );
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("this link points to a draft");
    site.knead(&["build", "--drafts"]).ok();
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = Site::new("basic");
    site.knead(&["build"]).ok();
    let before = tree(&site.path("public"));
    site.edit(
        "content/articles/first.md",
        "techniques: [swedish, deep-tissue]",
        "technqiues: [swedish]",
    );
    site.edit(
        "content/articles/second.md",
        "## What to expect",
        "## What to expect\n\nNew text.",
    );
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("public was left as it was");
    assert_eq!(tree(&site.path("public")), before);
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        // The image cache is meant to stay.
        .filter(|n| n.to_string_lossy().contains("knead") && n != ".knead-cache")
        .collect();
    assert!(leftovers.is_empty(), "no staging folders left: {leftovers:?}");
}

#[test]
fn dangerous_output_folders_are_refused() {
    let site = Site::new("basic");
    let root = site.root();
    for out in [root.clone(), root.join("content"), site.dir.path().to_path_buf()] {
        // The folder named with --output is a usage mistake.
        site.knead(&["build", "--output", out.to_str().unwrap()])
            .fails_with(2)
            .stderr_has("delete your sources");
    }
    assert!(site.path("content/articles/first.md").is_file());
    std::fs::create_dir_all(site.dir.path().join("photos")).unwrap();
    std::fs::write(site.dir.path().join("photos/cat.jpg"), "x").unwrap();
    site.knead(&["build", "--output", "photos"])
        .fails_with(2)
        .stderr_has("not a previous knead build");
    assert!(site.dir.path().join("photos/cat.jpg").is_file());
}

#[test]
fn site_templates_override_the_theme_by_name() {
    let site = Site::new("basic");
    site.write(
        "templates/404.html",
        "<!doctype html><title>{{ meta.title }}</title><p>Custom 404 for {{ site.title }}</p>",
    );
    site.knead(&["build"]).ok();
    assert!(
        site.read("public/404.html")
            .contains("Custom 404 for Fixture Back Care")
    );
    assert!(site.read("public/index.html").contains("Fixture Back Care"));
}

#[test]
fn benefit_links_keep_each_articles_spelling() {
    // Most articles spell a benefit as the first one did and share its link; one that
    // spells it otherwise keeps its own name, on its page and in the lists.
    let site = Site::new("basic");
    site.edit(
        "content/articles/second.md",
        r#"benefits: ["Sleep"]"#,
        r#"benefits: ["sleep "]"#,
    );
    site.write(
        "templates/partials/article-card.html",
        r#"<li>{{ a.url }}={% for b in a.benefits %}[{{ b.name }}|{{ b.url }}]{% endfor %}</li>"#,
    );
    site.knead(&["build"]).ok();
    let first = site.read("public/articles/first/index.html");
    let second = site.read("public/articles/second/index.html");
    assert!(first.contains(r#"<a href="/benefits/sleep/">Sleep</a>"#), "{first}");
    assert!(second.contains(r#"<a href="/benefits/sleep/">sleep</a>"#), "{second}");
    let list = site.read("public/benefits/sleep/index.html");
    assert!(
        list.contains("/articles/first/=[Muscle tension and stiffness|/benefits/muscle-tension-and-stiffness/][Sleep|/benefits/sleep/]"),
        "{list}"
    );
    assert!(list.contains("/articles/second/=[sleep|/benefits/sleep/]"), "{list}");
}

/// Both themes leave out a technique's "Good for" section when it has no `good_for`, and
/// link their favicon from every page.
#[test]
fn empty_technique_sections_are_left_out_and_every_page_has_a_favicon() {
    for theme in ["default", "clinic"] {
        let site = Site::with_themes("basic");
        site.edit("site.yaml", "language: en", &format!("language: en\ntheme: {theme}"));
        site.knead(&["build"]).ok();
        let without = site.read("public/techniques/deep-tissue/index.html");
        let with = site.read("public/techniques/swedish/index.html");
        assert!(!without.contains("Good for"), "{theme}: {without}");
        assert!(with.contains("Good for"), "{theme}");
        assert!(site.path("public/favicon.svg").is_file(), "{theme}");
        for page in [
            "index.html",
            "404.html",
            "articles/first/index.html",
            "search/index.html",
        ] {
            let html = site.read(&format!("public/{page}"));
            assert!(
                html.contains("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">"),
                "{theme}: {page}"
            );
        }
    }
}
