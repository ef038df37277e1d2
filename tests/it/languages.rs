//! Sites in more than one language (the `bilingual` fixture): each language under its
//! own folder, `<html lang>` and `dir`, `hreflang` alternates with `x-default`, the
//! language switcher's targets, the theme's words and dates in the language, and the
//! located errors of translations and theme words.

use crate::support::Site;

#[test]
fn each_language_has_its_own_pages_and_words() {
    let site = Site::new("bilingual");
    site.knead(&["build"]).ok();
    for page in [
        "index.html",
        "articles/index.html",
        "articles/masaje-basico/index.html",
        "techniques/swedish/index.html",
        "faq/index.html",
        "search/index.html",
        "404.html",
        "feed.xml",
        "search-index.json",
    ] {
        assert!(site.path(&format!("public/es/{page}")).is_file(), "es/{page}");
    }
    // Untranslated pages are in their own language only; root files only at the root.
    assert!(!site.path("public/es/articles/stretching/index.html").exists());
    assert!(!site.path("public/es/about/index.html").exists());
    assert!(!site.path("public/es/robots.txt").exists());
    let es = site.read("public/es/articles/masaje-basico/index.html");
    assert!(es.starts_with("<!doctype html>\n<html lang=\"es\">"), "{es}");
    assert!(es.contains("<a class=\"skip-link\" href=\"#main\">Saltar al contenido principal</a>"));
    assert!(es.contains("<time datetime=\"2026-11-24\">24 de noviembre de 2026</time>"));
    assert!(es.contains("href=\"/style.css\""), "static files stay at the root");
    assert!(
        es.contains("<a href=\"/es/techniques/swedish/\">"),
        "links stay in the language"
    );
    let en = site.read("public/articles/massage-basics/index.html");
    assert!(en.contains("<time datetime=\"2026-11-24\">24 November 2026</time>"));
}

#[test]
fn alternates_and_the_switcher_lead_to_each_pages_own_translation() {
    let site = Site::new("bilingual");
    site.knead(&["build"]).ok();
    let alternates = "<link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/articles/massage-basics/\">\n\
        <link rel=\"alternate\" hreflang=\"es\" href=\"https://example.org/es/articles/masaje-basico/\">\n\
        <link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/articles/massage-basics/\">";
    for page in [
        "articles/massage-basics/index.html",
        "es/articles/masaje-basico/index.html",
    ] {
        assert!(site.read(&format!("public/{page}")).contains(alternates), "{page}");
    }
    let en = site.read("public/articles/massage-basics/index.html");
    assert!(en.contains("<a href=\"/es/articles/masaje-basico/\" hreflang=\"es\" lang=\"es\">Español</a>"));
    let es = site.read("public/es/articles/masaje-basico/index.html");
    assert!(es.contains("<a href=\"/articles/massage-basics/\" hreflang=\"en\" lang=\"en\">English</a>"));
    // Hubs are versions of each other.
    let hub = site.read("public/es/faq/index.html");
    assert!(hub.contains("<link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/faq/\">"));
    // A page without a translation has no alternates; its switcher leads to the home.
    let alone = site.read("public/articles/stretching/index.html");
    assert!(!alone.contains("hreflang=\"x-default\""));
    assert!(alone.contains("<a href=\"/es/\" hreflang=\"es\" lang=\"es\">Español</a>"));
    // A site of one language has neither.
    let basic = Site::new("basic");
    basic.knead(&["build"]).ok();
    let page = basic.read("public/index.html");
    assert!(!page.contains("hreflang") && !page.contains("language-switcher"));
}

#[test]
fn right_to_left_languages_get_dir_rtl() {
    let site = Site::with_themes("bilingual");
    site.edit("site.yaml", "  es:\n", "  ar:\n");
    for f in ["index", "articles/massage-basics", "techniques/swedish"] {
        let from = site.path(&format!("content/{f}.es.md"));
        std::fs::rename(&from, site.path(&format!("content/{f}.ar.md"))).unwrap();
    }
    // The theme has no Arabic words: the error names the file to write.
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("themes/default/i18n/ar.yaml")
        .stderr_has("the theme has no words for the language `ar`");
    site.write(
        "themes/default/i18n/ar.yaml",
        &crate::support::read_theme_words("es").replace("language_name: Español", "language_name: العربية"),
    );
    site.knead(&["build"]).ok();
    let page = site.read("public/ar/index.html");
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"), "{page}");
}

#[test]
fn translation_errors_are_located() {
    let site = Site::new("bilingual");
    site.write(
        "content/articles/ghost.es.md",
        "---\ntitle: x\ndescription: x\ndate: 2026-01-01\n---\nx\n",
    );
    site.write(
        "content/articles/stretching.fr.md",
        "---\ntitle: x\ndescription: x\ndate: 2026-01-01\n---\nx\n",
    );
    site.edit(
        "content/articles/massage-basics.es.md",
        "techniques: [swedish]",
        "techniques: [swedish, shiatsu]",
    );
    site.edit(
        "content/articles/massage-basics.es.md",
        "benefits: [\"Pain relief\"]",
        "benefits: [\"Alivio del dolor\"]",
    );
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("content/articles/ghost.es.md")
        .stderr_has("this translation has no original: there is no content/articles/ghost.md")
        .stderr_has("translation into `fr`, which site.yaml's `languages` does not list")
        .stderr_has("the technique `shiatsu` is not in the original's `techniques`")
        .stderr_has("the benefit `Alivio del dolor` is not in the original's `benefits`")
        .stderr_has("content/articles/massage-basics.es.md:7:");
}

#[test]
fn a_missing_word_names_the_file_and_the_key() {
    let site = Site::with_themes("bilingual");
    site.write(
        "themes/default/i18n/es.yaml",
        &crate::support::read_theme_words("es").replace("min_read:", "min_raed:"),
    );
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("themes/default/i18n/es.yaml")
        .stderr_has("the word `min_read` is missing");
}

#[test]
fn each_language_has_its_own_search_index_and_analysis() {
    let site = Site::new("bilingual");
    site.knead(&["build"]).ok();
    let shards = |dir: &str| -> String {
        (0..8)
            .filter_map(|i| std::fs::read_to_string(site.path(&format!("public/{dir}search/shards/{i}.json"))).ok())
            .collect()
    };
    // Spanish words stemmed the Spanish way ("masajes" and "masaje" meet at "masaj"),
    // Spanish stopwords left out, and no English page in the Spanish index.
    let es = shards("es/");
    assert!(es.contains("\"masaj\"") && !es.contains("\"masajes\""), "{es}");
    assert!(!es.contains("\"para\"") && !es.contains("\"stretch\""), "{es}");
    let en = shards("");
    assert!(en.contains("\"massag\"") && !en.contains("\"masaj\""), "{en}");
    // Each language's page loads the script with its own stemmer.
    let script = site.read("public/es/search/search.js");
    assert!(script.contains("function esStem(w)"));
    assert!(!site.read("public/search/search.js").contains("esStem"));
    assert!(
        site.read("public/es/search/index.html")
            .contains("src=\"/es/search/search.js\"")
    );
}

#[test]
fn check_warns_of_stale_translations_and_lists_untranslated_pages() {
    let site = Site::new("bilingual");
    let run = site.knead(&["check", "--today", "2026-12-01"]);
    run.ok()
        .stdout_has("2 pages not yet translated into `es`: content/articles/stretching.md, content/pages/about.md");
    assert!(!run.stderr.contains("was updated on"), "{}", run.stderr);
    site.edit(
        "content/articles/massage-basics.es.md",
        "updated: 2026-11-24",
        "updated: 2026-10-01",
    );
    site.knead(&["check", "--today", "2026-12-01"])
        .ok()
        .stderr_has("warning: the original (content/articles/massage-basics.md) was updated on 2026-11-24 after this translation (2026-10-01)")
        .stderr_has("content/articles/massage-basics.es.md:6:10");
    let json = site.knead(&["check", "--today", "2026-12-01", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        report["untranslated"],
        serde_json::json!([{ "language": "es", "files": ["content/articles/stretching.md", "content/pages/about.md"] }])
    );
    // Spanish text is rated by a Spanish formula, English by Flesch-Kincaid.
    let grades = report["reading_grades"].as_array().unwrap();
    let es = grades
        .iter()
        .find(|g| g["file"] == "content/articles/massage-basics.es.md")
        .unwrap();
    assert_eq!(es["formula"], "Fernández Huerta");
    assert!(es["ease"].as_f64().is_some());
    let en = grades
        .iter()
        .find(|g| g["file"] == "content/articles/massage-basics.md")
        .unwrap();
    assert_eq!(en["formula"], "Flesch-Kincaid");
}

#[test]
fn sitemaps_list_the_alternates_and_robots_names_each() {
    let site = Site::new("bilingual");
    site.knead(&["build"]).ok();
    let robots = site.read("public/robots.txt");
    assert!(
        robots.ends_with("Sitemap: https://example.org/sitemap.xml\nSitemap: https://example.org/es/sitemap.xml\n")
    );
    for (file, own, other) in [
        (
            "public/sitemap.xml",
            "https://example.org/articles/massage-basics/",
            "https://example.org/es/articles/masaje-basico/",
        ),
        (
            "public/es/sitemap.xml",
            "https://example.org/es/articles/masaje-basico/",
            "https://example.org/articles/massage-basics/",
        ),
    ] {
        let text = site.read(file);
        let doc = roxmltree::Document::parse(&text).unwrap();
        let url = doc
            .descendants()
            .find(|n| n.has_tag_name("loc") && n.text() == Some(own))
            .and_then(|n| n.parent())
            .unwrap_or_else(|| panic!("{own} in {file}"));
        let links: Vec<(&str, &str)> = url
            .children()
            .filter(|n| n.has_tag_name(("http://www.w3.org/1999/xhtml", "link")))
            .map(|n| (n.attribute("hreflang").unwrap(), n.attribute("href").unwrap()))
            .collect();
        assert!(
            links.contains(&(if file.contains("/es/") { "en" } else { "es" }, other)),
            "{links:?}"
        );
        assert!(
            links
                .iter()
                .any(|&(l, h)| l == "x-default" && h == "https://example.org/articles/massage-basics/")
        );
    }
    // A page without versions has none.
    assert!(
        site.read("public/sitemap.xml")
            .contains("<loc>https://example.org/articles/stretching/</loc><lastmod>2026-04-02</lastmod></url>")
    );
}

#[test]
fn a_translation_links_techniques_in_its_language_and_menus_never_break() {
    let site = Site::new("bilingual");
    std::fs::remove_file(site.path("content/techniques/swedish.es.md")).unwrap();
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("the technique `swedish` has no `es` version for this translation to link to")
        .stderr_has("content/techniques/swedish.es.md");
    // Without a menu of its own, a language takes site.yaml's: entries lead to its own
    // version of a page, else to the default language's page.
    let site = Site::new("bilingual");
    site.edit("site.yaml", "    menu:\n      - name: Artículos\n        url: /articles/\n      - name: Técnicas\n        url: /techniques/\n", "");
    site.edit(
        "site.yaml",
        "    url: /techniques/\n",
        "    url: /techniques/\n  - name: About\n    url: pages/about.md\n",
    );
    site.knead(&["build"]).ok();
    let es = site.read("public/es/index.html");
    assert!(es.contains("<a href=\"/es/articles/\""), "{es}");
    assert!(es.contains("<a href=\"https://example.org/about/\""), "{es}");
}
