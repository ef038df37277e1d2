//! Text from front matter and site.yaml that holds `<script>`, `</script>`, quotes and
//! `&` (benefit profiles and sources included) is escaped everywhere it goes, with both
//! bundled themes: HTML text, attributes
//! (meta description, Open Graph), the JSON-LD (which no value can close), the Atom feed
//! and the sitemap (both parsed with a real XML parser).

use crate::support::{Site, tree};

/// Breaks out of text, attributes and `<script>` if anything is left unescaped.
const HOSTILE: &str = r#"Tom & Jerry's "fix" </script><script>alert(1)</script> "><b>INJECTED</b> <!-- &amp; ]]>"#;

fn yaml(s: &str) -> String {
    // A JSON string is a valid YAML double-quoted scalar.
    serde_json::to_string(s).unwrap()
}

/// A copy of the fixture with every text field of every kind of file made hostile.
fn hostile_site(theme: &str) -> Site {
    let site = Site::with_themes("basic");
    let h = yaml(HOSTILE);
    let named = |what: &str| yaml(&format!("{what} {HOSTILE}"));
    site.write(
        "site.yaml",
        &format!(
            "title: {}\nbase_url: \"https://example.org/a&b/\"\ndescription: {}\nlanguage: en\ntheme: {theme}\nauthor: {}\ndisclaimer: {}\nmenu:\n  - name: {}\n    url: /articles/\n",
            named("Site"),
            named("Site description"),
            named("Site author"),
            named("Disclaimer"),
            named("Menu"),
        ),
    );
    site.write(
        "content/articles/first.md",
        &format!(
            "---\ntitle: {}\ndescription: {}\ndate: 2025-03-01\nauthor: {}\nlast_reviewed: 2025-06-02\nreviewed_by:\n  name: {}\n  credentials: {}\ntechniques: [swedish]\nbenefits: [{}]\nfaqs:\n  - question: {}\n    answer: {}\nreferences:\n  - title: {}\n    id: a\n    publisher: {}\n    year: 2015\n    url: \"https://example.org/?a=1&b=2\"\ntags: [{}]\nimage:\n  src: ../images/back.png\n  alt: {}\n---\n\nIntro [@a].\n\n## Why it helps\n\nText.\n\n### Über die Massage\n\nMore.\n",
            named("Article"),
            named("Article description"),
            named("Author"),
            named("Reviewer"),
            named("Credentials"),
            named("Benefit"),
            named("Question"),
            named("Answer"),
            named("Reference"),
            named("Publisher"),
            named("Tag"),
            named("Alt"),
        ),
    );
    site.write(
        "content/techniques/swedish.md",
        &format!(
            "---\ntitle: {}\nsummary: {}\npressure: light\nalso_known_as: [{h}]\ngood_for: [{h}]\navoid_if: [{h}]\nlast_reviewed: 2025-06-02\nreviewed_by:\n  name: {h}\nreferences:\n  - id: t\n    title: {h}\n---\n\nGentle [@t].\n",
            named("Technique"),
            named("Summary"),
        ),
    );
    // With a profile, the article's benefit names it; every field of it is hostile too.
    let benefit = knead::text::slug::slugify(&format!("Benefit {HOSTILE}"));
    site.write(
        &format!("content/benefits/{benefit}.md"),
        &format!(
            "---\ntitle: {}\nsummary: {}\nevidence: low\nlast_reviewed: 2025-06-02\nreviewed_by:\n  name: {h}\n  credentials: {h}\nreferences:\n  - id: b\n    title: {h}\n    publisher: {h}\n---\n\nText [@b].\n",
            named("Benefit"),
            named("Benefit summary"),
        ),
    );
    site.write(
        "content/benefits/sleep.md",
        &format!("---\ntitle: Sleep\nsummary: {h}\nevidence: insufficient\nlast_reviewed: 2025-06-02\n---\n"),
    );
    site.write(
        "content/pages/about.md",
        &format!(
            "---\ntitle: {}\ndescription: {}\n---\n\nAbout.\n",
            named("Page"),
            named("Page description")
        ),
    );
    site.write(
        "content/index.md",
        &format!(
            "---\ntitle: {}\ndescription: {}\n---\n\nHome.\n",
            named("Home"),
            named("Home description")
        ),
    );
    // The second article links to the first one's FAQ: keep it valid.
    site
}

/// The JSON-LD blocks of a page, parsed.
fn json_ld(page: &str) -> Vec<serde_json::Value> {
    let open = r#"<script type="application/ld+json">"#;
    page.match_indices(open)
        .map(|(i, _)| {
            let rest = &page[i + open.len()..];
            let end = rest.find("</script>").expect("the JSON-LD script is closed");
            let json = &rest[..end];
            assert!(
                !json.contains('<') && !json.contains('>'),
                "JSON-LD holds < or >: {json}"
            );
            serde_json::from_str(json).unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{json}"))
        })
        .collect()
}

fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

fn check_theme(theme: &str) {
    let site = hostile_site(theme);
    site.knead(&["build"]).ok();
    let out = tree(&site.path("public"));
    let mut escaped_somewhere = 0;
    for (rel, bytes) in &out {
        let text = String::from_utf8_lossy(bytes);
        for raw in ["<b>INJECTED", "<script>alert", "</script><script>", "\"><b>"] {
            if let Some(i) = text.find(raw) {
                let from = text[..i].char_indices().rev().nth(120).map_or(0, |(j, _)| j);
                panic!(
                    "{theme}: {rel} holds unescaped {raw:?}: ...{}",
                    &text[from..(i + 40).min(text.len())]
                );
            }
        }
        if rel.ends_with(".html") {
            // The only scripts are the theme's own JSON-LD (and the search page's script).
            let search_script =
                usize::from(rel == "search/index.html" && text.contains(r#"search/search.js" defer></script>"#));
            let scripts = text.matches("<script").count() - search_script;
            assert_eq!(
                scripts,
                text.matches(r#"<script type="application/ld+json">"#).count(),
                "{theme}: {rel}: a script element that the theme did not write"
            );
            for ld in json_ld(&text).iter().filter(|_| rel == "articles/first/index.html") {
                let mut all = Vec::new();
                strings(ld, &mut all);
                assert!(
                    all.iter().any(|s| s == &format!("Article {HOSTILE}")),
                    "{theme}: {rel}: the JSON-LD does not carry the title exactly: {all:?}"
                );
                assert!(all.iter().any(|s| s == &format!("Question {HOSTILE}")), "{all:?}");
                assert!(all.iter().any(|s| s == &format!("Reference {HOSTILE}")), "{all:?}");
            }
            if text.contains("Jerry&#x27;s") || text.contains("Jerry&#39;s") || text.contains("&lt;/script&gt;") {
                escaped_somewhere += 1;
            }
        }
    }
    assert!(escaped_somewhere > 5, "{theme}: the hostile text is not shown escaped");

    let article = site.read("public/articles/first/index.html");
    assert_eq!(json_ld(&article).len(), 1, "{theme}: one JSON-LD block on the article");
    for field in ["Article description", "Site"] {
        assert!(
            article.contains(&format!("{field} Tom &amp; Jerry")),
            "{theme}: {field} is not in the article page, escaped"
        );
    }
    // Attributes: the description meta tag and Open Graph carry the whole text, escaped.
    for attr in [
        r#"<meta name="description" content=""#,
        r#"<meta property="og:title" content=""#,
    ] {
        let at = article.find(attr).unwrap_or_else(|| panic!("{theme}: no {attr}"));
        let value = &article[at + attr.len()..];
        let value = &value[..value.find('"').unwrap()];
        assert!(
            value.contains("&lt;/script&gt;") && value.contains("&amp;"),
            "{theme}: {attr}{value}"
        );
        assert!(
            value.ends_with("]]&gt;"),
            "{theme}: the attribute was cut short: {value}"
        );
    }

    // The feed and the sitemap are well-formed XML that carries the text exactly.
    let feed = site.read("public/feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap_or_else(|e| panic!("{theme}: feed.xml: {e}\n{feed}"));
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect();
    assert!(titles.contains(&format!("Site {HOSTILE}").as_str()), "{titles:?}");
    assert!(titles.contains(&format!("Article {HOSTILE}").as_str()), "{titles:?}");
    let summaries: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("summary"))
        .filter_map(|n| n.text())
        .collect();
    assert!(summaries.contains(&format!("Article description {HOSTILE}").as_str()));
    let authors: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("name"))
        .filter_map(|n| n.text())
        .collect();
    assert!(authors.contains(&format!("Author {HOSTILE}").as_str()), "{authors:?}");
    let sitemap = site.read("public/sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap_or_else(|e| panic!("{theme}: sitemap.xml: {e}"));
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.contains(&"https://example.org/a&b/articles/first/"), "{locs:?}");
}

#[test]
fn hostile_text_is_escaped_with_the_default_theme() {
    check_theme("default");
}

#[test]
fn hostile_text_is_escaped_with_the_clinic_theme() {
    check_theme("clinic");
}

#[test]
fn control_characters_keep_the_feed_valid_xml() {
    let site = Site::new("basic");
    // Characters that XML 1.0 forbids, written as YAML escapes.
    site.edit(
        "content/articles/first.md",
        "title: \"First article & <friends>\"",
        "title: \"First \\x01\\x08\\x1b\\uFFFE\\uFFFF article\"",
    );
    site.knead(&["build"]).ok();
    let feed = site.read("public/feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap_or_else(|e| panic!("feed.xml: {e}"));
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name("title") && n.text() == Some("First  article")),
        "{feed}"
    );
}
