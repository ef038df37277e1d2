//! Themes that inherit: a theme of two templates (the `slim` fixture) builds with the
//! built-in theme standing in for the rest; the precedence site > theme > built-in, for
//! pages and partials; a site template extending the theme's of the same name; the
//! built-in static files for a theme without a layout of its own; `check`'s warnings
//! about templates and static files that would fail silently; the `date` filter.

use crate::support::Site;

/// The fixture `name` built into its `public/`, the build asserted to succeed.
fn built(site: &Site) -> &Site {
    site.knead(&["build", "--output", site.path("public").to_str().unwrap()])
        .ok();
    site
}

#[test]
fn a_theme_of_two_templates_builds_on_the_built_in_theme() {
    let site = Site::new("slim");
    built(&site);
    let article = site.read("public/articles/sitting/index.html");
    // The theme's own article.html, in its own base.html, with the built-in partial.
    assert!(article.contains("<article class=\"slim-article\">"), "{article}");
    assert!(article.contains("<body class=\"slim article-page\">"), "{article}");
    assert!(article.contains("Saturday 1 March 2025"), "{article}");
    assert!(article.contains("<ol class=\"references\">"), "{article}");
    // The built-in technique.html, in the theme's base.html.
    let technique = site.read("public/techniques/swedish/index.html");
    assert!(technique.contains("<body class=\"slim "), "{technique}");
    assert!(technique.contains("slim.css"), "{technique}");
    // A theme with a layout of its own gets none of the built-in static files.
    assert!(site.path("public/slim.css").is_file());
    assert!(!site.path("public/style.css").exists());
    site.knead(&["check", "--today", "2025-07-01", "--deny-warnings"]).ok();
}

#[test]
fn a_theme_without_a_layout_gets_the_built_in_static_files() {
    let site = Site::new("slim");
    std::fs::remove_file(site.path("themes/slim/templates/base.html")).unwrap();
    built(&site);
    let home = site.read("public/index.html");
    assert!(home.contains("style.css"), "{home}");
    assert!(site.path("public/style.css").is_file() && site.path("public/favicon.svg").is_file());
    assert!(site.path("public/slim.css").is_file());
}

/// Site over theme over built-in, for a page template and for a partial; each layer's
/// template can extend the one below by its `<theme>/templates/` name.
#[test]
fn precedence_is_site_then_theme_then_built_in() {
    let site = Site::new("slim");
    site.write(
        "templates/article.html",
        "{% extends \"slim/templates/article.html\" %}\n{% block og_type %}site-over-slim{% endblock og_type %}",
    );
    site.write(
        "themes/slim/templates/partials/review.html",
        "<div class=\"slim-review\">{% include \"default/templates/partials/review.html\" %}</div>",
    );
    site.write(
        "templates/partials/disclaimer.html",
        "<p class=\"site-disclaimer\">site</p>",
    );
    site.write(
        "templates/page.html",
        "{% extends \"default/templates/page.html\" %}\n{% block body_class %}site-page{% endblock body_class %}",
    );
    built(&site);
    let article = site.read("public/articles/sitting/index.html");
    assert!(article.contains("content=\"site-over-slim\""), "{article}");
    assert!(article.contains("<article class=\"slim-article\">"), "{article}");
    let technique = site.read("public/techniques/swedish/index.html");
    assert!(technique.contains("<div class=\"slim-review\">"), "{technique}");
    assert!(
        technique.contains("<p class=\"site-disclaimer\">site</p>"),
        "{technique}"
    );
    let about = site.read("public/about/index.html");
    assert!(about.contains("<body class=\"slim site-page\">"), "{about}");
}

#[test]
fn extending_a_template_by_its_own_name_says_how_to_extend_the_theme() {
    let site = Site::new("slim");
    site.write(
        "templates/article.html",
        "{% extends \"article.html\" %}{% block og_type %}x{% endblock og_type %}",
    );
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("templates/article.html:1:12")
        .stderr_has("this template extends itself")
        .stderr_has("write `{% extends \"slim/templates/article.html\" %}`");
}

#[test]
fn check_warns_about_what_would_fail_silently() {
    let site = Site::new("slim");
    site.write("templates/atricle.html", "{% extends \"base.html\" %}");
    site.write("templates/page.html", "\n");
    site.write("templates/partials/mine.html", "<p>used</p>");
    site.write(
        "templates/techniques.html",
        "{% extends \"default/templates/techniques.html\" %}{% block head %}{% include \"partials/mine.html\" %}{% endblock head %}",
    );
    site.write("content/slim.css", "body {}");
    site.write("static/logo.svg", "<svg/>");
    let run = site.knead(&["check", "--today", "2025-07-01"]);
    run.ok()
        .stderr_has("templates/atricle.html")
        .stderr_has("this template overrides nothing: the theme has no template `atricle.html`")
        .stderr_has("did you mean `article.html`?")
        .stderr_has("templates/page.html")
        .stderr_has("this template is empty")
        .stderr_has("content/slim.css")
        .stderr_has("this file replaces the theme's static file `/slim.css`")
        .stderr_has("knead does not read a site `static/` folder");
    // A partial the site's own templates include is used, though no theme has it.
    assert!(!run.stderr.contains("partials/mine.html"), "{}", run.stderr);
}

#[test]
fn the_date_filter_follows_the_page_language() {
    let site = Site::new("slim");
    site.edit("site.yaml", "language: en", "language: es");
    built(&site);
    let article = site.read("public/articles/sitting/index.html");
    assert!(article.contains("sábado 1 marzo 2025"), "{article}");
    assert!(article.contains("10 jun 2025"), "{article}");
    site.write(
        "templates/article.html",
        "{% extends \"slim/templates/article.html\" %}{% block og_type %}{{ article.date | date(format=\"%B\", lang=\"en\") }}{% endblock og_type %}",
    );
    built(&site);
    assert!(
        site.read("public/articles/sitting/index.html")
            .contains("content=\"March\"")
    );
    site.edit("site.yaml", "language: es", "language: de");
    // Theme words in German (English ones will do): the date filter's names are missing.
    site.write(
        "themes/slim/i18n/de.yaml",
        include_str!("../../themes/default/i18n/en.yaml"),
    );
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("themes/slim/templates/article.html")
        .stderr_has("there are no month and day names for the language `de`");
}

/// The template examples of docs/themes.md, each a code block whose first line names
/// its file (`{# themes/mine/templates/article.html #}`), build in turn on a site with
/// `theme: mine`.
#[test]
fn the_theme_guide_examples_build() {
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/themes.md")).unwrap();
    let site = Site::new("basic");
    site.edit("site.yaml", "title:", "theme: mine\ntitle:");
    std::fs::create_dir_all(site.path("themes/mine/templates")).unwrap();
    built(&site);
    let mut examples = 0;
    for block in guide.split("```html\n").skip(1) {
        let block = &block[..block.find("```").unwrap()];
        let Some(file) = block
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("{# "))
            .and_then(|l| l.strip_suffix(" #}"))
        else {
            continue;
        };
        site.write(file, block);
        built(&site);
        examples += 1;
    }
    assert_eq!(examples, 3, "the guide's examples were not found");
    // The last one: the site's template over the theme's, which uses the date filter.
    let article = site.read("public/articles/first/index.html");
    assert!(article.contains("<body class=\"article-page wide\">"), "{article}");
    assert!(article.contains("1 March 2025</time>"), "{article}");
}

/// The guide lists exactly the filters, functions and tests templates have.
#[test]
fn the_theme_guide_lists_what_exists() {
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/themes.md")).unwrap();
    let listed = |intro: &str| -> Vec<String> {
        let at = guide
            .find(intro)
            .unwrap_or_else(|| panic!("no {intro:?} in docs/themes.md"));
        let text = &guide[at + intro.len()..];
        let text = &text[..text.find("\n\n").unwrap()];
        text.split('`').skip(1).step_by(2).map(str::to_owned).collect()
    };
    assert_eq!(listed("Filters: "), knead::render::FILTERS);
    assert_eq!(listed("Tests (`{% if x is odd %}`): "), knead::render::TESTS);
    let functions = listed("Functions: ");
    for f in knead::render::FUNCTIONS {
        assert!(
            functions.iter().any(|g| g == f || g.starts_with(&format!("{f}("))),
            "{f}: {functions:?}"
        );
    }
}
