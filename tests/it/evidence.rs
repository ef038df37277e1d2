//! The evidence behind a page: benefit profiles with their grades (`content/benefits/`),
//! citations of the sources (`[@id]`) with their links back, the sources in the JSON-LD,
//! and review dates on techniques and benefit profiles. The `clinic` fixture has
//! profiles and citations; `basic` has neither and keeps the old benefit pages.

use crate::support::{Run, Site};

/// The clinic fixture with its themes, built.
fn clinic() -> Site {
    Site::with_themes("clinic")
}

fn build(site: &Site) -> Run {
    site.knead(&["build"])
}

/// The text of a page of the last build.
fn page(site: &Site, path: &str) -> String {
    site.read(&format!("public/{path}index.html"))
}

/// The `<main>` of a page.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a <main>");
    let end = html.find("</main>").expect("a </main>");
    &html[start..end]
}

#[test]
fn an_article_names_a_profile_by_slug_or_by_name() {
    let site = clinic();
    build(&site).ok();
    let html = page(&site, "articles/heat-first/");
    // `Relaxation` by name, `sleep-quality` by slug: both shown as their profiles are.
    assert!(
        html.contains(r#"<a href="/backcare/benefits/relaxation/">Relaxation</a></th><td><span class="gauge grade" data-evidence="low">"#),
        "{}",
        main_of(&html)
    );
    assert!(html.contains(r#"<a href="/backcare/benefits/sleep-quality/">Sleep quality</a>"#));
    assert!(html.contains("Not enough evidence"));
    assert!(
        !html.contains("Possible benefits"),
        "graded benefits are not called possible benefits"
    );
}

#[test]
fn an_unknown_benefit_is_an_error_at_its_entry_with_the_nearest_profile() {
    let site = clinic();
    site.edit(
        "content/articles/heat-and-massage.md",
        r#"benefits: ["Relaxation", "sleep-quality"]"#,
        r#"benefits: ["Relaxation", "Sleep qualty", "Better posture"]"#,
    );
    build(&site)
        .fails_with(1)
        .stderr_has("error: no benefit profile `Sleep qualty`: there is no content/benefits/sleep-qualty.md")
        .stderr_has("content/articles/heat-and-massage.md:12:27")
        .stderr_has("help: did you mean `Sleep quality` (content/benefits/sleep-quality.md)?")
        .stderr_has("error: no benefit profile `Better posture`")
        .stderr_has("content/articles/heat-and-massage.md:12:43")
        .stderr_has("or create content/benefits/better-posture.md (`knead new benefit \"Better posture\"`)");
    assert!(!site.path("public").exists());
}

#[test]
fn a_site_without_profiles_makes_benefit_pages_from_names() {
    let site = clinic();
    std::fs::remove_dir_all(site.path("content/benefits")).unwrap();
    site.edit(
        "content/techniques/hot-stone.md",
        "Stones that are too hot can burn [@stone-burns].",
        "",
    );
    build(&site).ok();
    // The article's own spellings, no grades, the old wording.
    let list = page(&site, "benefits/");
    assert!(
        list.contains(
            r#"<th scope="row"><a href="/backcare/benefits/sleep-quality/">sleep-quality</a></th><td>1</td>"#
        ),
        "{}",
        main_of(&list)
    );
    assert!(!list.contains("data-evidence"));
    let article = page(&site, "articles/heat-first/");
    assert!(article.contains("Possible benefits"));
    assert!(!article.contains("data-evidence"));
    assert!(!site.path("public/benefits/flexibility").exists());
    // The basic fixture has no content/benefits/ either: its pages are the golden ones.
    let basic = Site::new("basic");
    build(&basic).ok();
    assert!(!basic.read("public/benefits/index.html").contains("data-evidence"));
}

#[test]
fn the_benefit_list_puts_the_strongest_evidence_first_then_goes_by_title() {
    let site = clinic();
    site.write(
        "content/benefits/anxiety.md",
        "---\ntitle: \"Anxiety\"\nsummary: \"Short-lived.\"\nevidence: low\nlast_reviewed: 2025-03-01\n---\n\nText.\n",
    );
    site.write(
        "content/benefits/pain.md",
        "---\ntitle: \"Pain\"\nsummary: \"Better studied.\"\nevidence: moderate\nlast_reviewed: 2025-03-01\n---\n\nText.\n",
    );
    build(&site).ok();
    let list = page(&site, "benefits/");
    let order: Vec<usize> = ["Pain", "Anxiety", "Relaxation", "Flexibility", "Sleep quality"]
        .iter()
        .map(|name| {
            list.find(&format!(">{name}</a></h2>"))
                .unwrap_or_else(|| panic!("{name}: {list}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    for (grade, words) in [
        ("moderate", "Moderate certainty"),
        ("low", "Low certainty"),
        ("very-low", "Very low certainty"),
        ("insufficient", "Not enough evidence"),
    ] {
        assert!(
            list.contains(&format!(r#"data-evidence="{grade}"><span class="gauge-bars" aria-hidden="true"><span></span><span></span><span></span><span></span></span> {words}</span>"#)),
            "{grade}"
        );
    }
}

#[test]
fn a_benefit_page_shows_its_grade_summary_sources_and_review_dates() {
    let site = clinic();
    build(&site).ok();
    let html = page(&site, "benefits/relaxation/");
    let main = main_of(&html);
    assert!(
        main.contains(r#"<span class="gauge grade" data-evidence="low">"#),
        "{main}"
    );
    assert!(main.contains("> Low certainty</span>"));
    assert!(main.contains("Massage may ease anxiety for a short while; the studies are small."));
    // Last reviewed 1 March 2025; the clinic site reviews every 180 days.
    assert!(main.contains(r#"<dt>Last reviewed</dt><dd><time datetime="2025-03-01">1 March 2025</time>"#));
    assert!(main.contains(r#"<dt>Next review due</dt><dd><time datetime="2025-08-28">28 August 2025</time>"#));
    assert!(main.contains(r#"<li id="ref-calm-trial">"#));
    assert!(html.contains(
        r#"<meta name="description" content="Massage may ease anxiety for a short while; the studies are small.">"#
    ));
    // The default theme shows the same, in its own markup.
    site.edit("site.yaml", "theme: clinic\n", "");
    build(&site).ok();
    let main = page(&site, "benefits/relaxation/");
    assert!(main.contains(r#"<span class="grade" data-evidence="low">"#), "{main}");
    assert!(main.contains(r#"Next review due <time datetime="2025-08-28">28 August 2025</time>"#));
    let list = page(&site, "benefits/");
    assert!(list.contains(r#"<span class="grade" data-evidence="insufficient">"#));
}

#[test]
fn techniques_show_their_sources_and_review_dates() {
    let site = clinic();
    build(&site).ok();
    let html = page(&site, "techniques/hot-stone/");
    assert!(
        html.contains(r#"<dt>Last reviewed</dt><dd><time datetime="2025-03-01">"#),
        "{}",
        main_of(&html)
    );
    assert!(html.contains(r#"<dt>Next review due</dt><dd><time datetime="2025-08-28">"#));
    assert!(html.contains(r##"<sup class="citation"><a href="#ref-stone-burns">[1]</a></sup>"##));
    assert!(html.contains(r#"<li id="ref-stone-burns">"#));
    // Changing the interval moves the date.
    site.edit("site.yaml", "review_interval_days: 180", "review_interval_days: 30");
    build(&site).ok();
    assert!(page(&site, "techniques/hot-stone/").contains(r#"<time datetime="2025-03-31">31 March 2025</time>"#));
}

#[test]
fn citations_are_numbered_by_the_source_list_and_linked_back() {
    let site = clinic();
    build(&site).ok();
    let html = page(&site, "articles/heat-first/");
    // `[@heat-wraps]` is the first source; `[@heat-wraps; @book]` cites the first and second.
    assert!(html.contains(
        r##"the spine<span class="cite" id="cite-heat-wraps"><sup class="citation"><a href="#ref-heat-wraps">[1]</a></sup></span>."##
    ));
    assert!(html.contains(
        r##"<span class="cite" id="cite-heat-wraps-1"><sup class="citation"><a href="#ref-heat-wraps">[1]</a></sup></span><span class="cite" id="cite-book"><sup class="citation"><a href="#ref-book">[2]</a></sup></span>"##
    ));
    // Not inside code.
    assert!(html.contains("<code>[@heat-wraps]</code>"));
    // In an FAQ answer: the same link, and the way back leads to the FAQ.
    assert!(html.contains(r##"at a time<sup class="citation"><a href="#ref-heat-wraps">[1]</a></sup>."##));
    // The list: each entry's id, links back to each citation in order, none for the uncited.
    assert!(html.contains(r##"<li id="ref-heat-wraps"><cite>Heat therapy for acute low back pain</cite>. <span class="sources-pub">A Fixture Journal</span> (2006). <a class="backlink" href="#cite-heat-wraps" aria-label="Back to citation 1 of source 1">↩</a> <a class="backlink" href="#cite-heat-wraps-1" aria-label="Back to citation 2 of source 1">↩</a> <a class="backlink" href="#faq-can-i-use-a-heat-pack-at-home" aria-label="Back to citation 3 of source 1">↩</a></li>"##), "{}", main_of(&html));
    assert!(html.contains(r#"<li id="source-3"><cite>A source without an id</cite>.</li>"#));
    // Every link back lands on an element of the page.
    for target in [
        "cite-heat-wraps",
        "cite-heat-wraps-1",
        "cite-book",
        "faq-can-i-use-a-heat-pack-at-home",
        "ref-heat-wraps",
        "ref-book",
    ] {
        assert_eq!(html.matches(&format!(r#"id="{target}""#)).count(), 1, "{target}");
    }
}

#[test]
fn citations_on_the_faq_page_lead_to_the_article() {
    let site = clinic();
    build(&site).ok();
    let faq = page(&site, "faq/");
    assert!(
        faq.contains(
            r##"<sup class="citation"><a href="/backcare/articles/heat-first/#ref-heat-wraps">[1]</a></sup>"##
        ),
        "{}",
        main_of(&faq)
    );
    assert!(!faq.contains(r##"href="#ref-"##));
}

#[test]
fn the_json_ld_lists_the_sources_as_citations() {
    let site = clinic();
    build(&site).ok();
    let html = page(&site, "articles/heat-first/");
    let start = html.find(r#"<script type="application/ld+json">"#).unwrap() + 35;
    let end = start + html[start..].find("</script>").unwrap();
    let json: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(
        json["@graph"][0]["citation"],
        serde_json::json!([
            {"@type": "CreativeWork", "name": "Heat therapy for acute low back pain", "publisher": {"@type": "Organization", "name": "A Fixture Journal"}, "datePublished": "2006"},
            {"@type": "CreativeWork", "name": "A book without a link"},
            {"@type": "CreativeWork", "name": "A source without an id"},
        ])
    );
}

#[test]
fn an_unknown_citation_is_an_error_with_the_nearest_id() {
    let site = clinic();
    site.edit(
        "content/articles/heat-and-massage.md",
        "[@heat-wraps; @book]",
        "[@heat-wraps; @bok]",
    );
    build(&site)
        .fails_with(1)
        .stderr_has("error: no reference has the id `bok`")
        .stderr_has("content/articles/heat-and-massage.md:36:54")
        .stderr_has("> Heat wraps eased pain for a few days [@heat-wraps; @bok].")
        .stderr_has("help: did you mean `@book`?");
    // In a technique without sources, and in an FAQ answer.
    let site = clinic();
    site.edit(
        "content/techniques/reflexology.md",
        "points of the feet.",
        "points of the feet [@foot-study].",
    );
    site.edit(
        "content/articles/heat-and-massage.md",
        "at a time [@heat-wraps]",
        "at a time [@heat]",
    );
    build(&site)
        .fails_with(1)
        .stderr_has("error: no reference has the id `foot-study`")
        .stderr_has("content/techniques/reflexology.md:7:")
        .stderr_has("give the source an id in `references` (`id: foot-study`)")
        .stderr_has("error: no reference has the id `heat`")
        .stderr_has("content/articles/heat-and-massage.md:15:");
    // A plain page has no source list.
    let site = clinic();
    site.edit("content/pages/disclaimer.md", "\n\n", "\n\nSee [@heat-wraps].\n\n");
    build(&site)
        .fails_with(1)
        .stderr_has("error: `[@heat-wraps]` cites a source, but this text has no source list");
}

#[test]
fn duplicate_and_malformed_reference_ids_are_errors() {
    let site = clinic();
    site.edit(
        "content/articles/heat-and-massage.md",
        "    id: book",
        "    id: heat-wraps",
    );
    build(&site)
        .fails_with(1)
        .stderr_has("error: two references have the id `heat-wraps`")
        .stderr_has("content/articles/heat-and-massage.md:22:9")
        .stderr_has("help: give each reference its own id");
    let site = clinic();
    site.edit("content/benefits/relaxation.md", "id: calm-trial", "id: Calm Trial");
    build(&site)
        .fails_with(1)
        .stderr_has("error: `Calm Trial` is not a valid reference id")
        .stderr_has("content/benefits/relaxation.md:10:9")
        .stderr_has("try `id: calm-trial`");
}

#[test]
fn a_bad_grade_is_an_error_listing_the_grades() {
    let site = clinic();
    site.edit("content/benefits/relaxation.md", "evidence: low", "evidence: strong");
    build(&site)
        .fails_with(1)
        .stderr_has("error: `strong` is not allowed for `evidence`")
        .stderr_has("content/benefits/relaxation.md:4:")
        .stderr_has("`high`, `moderate`, `low`, `very-low`, `insufficient`");
}

#[test]
fn an_uncited_reference_with_an_id_is_a_check_warning() {
    let site = clinic();
    site.edit(
        "content/articles/heat-and-massage.md",
        "[@heat-wraps; @book]",
        "[@heat-wraps]",
    );
    build(&site).ok();
    site.knead(&["check", "--today", "2025-04-01"])
        .ok()
        .stderr_has("warning: the reference `book` is never cited")
        .stderr_has("content/articles/heat-and-massage.md:22:9")
        .stderr_has("help: cite it where the text relies on it, with `[@book]`, or remove its `id`");
    site.knead(&["check", "--today", "2025-04-01", "--deny-warnings"])
        .fails_with(1);
}

#[test]
fn check_reviews_techniques_and_benefit_profiles() {
    let site = clinic();
    // As shipped: only the flexibility profile has no review date.
    let run = site.knead(&["check", "--today", "2025-04-01"]);
    run.ok()
        .stderr_has("warning: this benefit profile has no `last_reviewed` date")
        .stderr_has("content/benefits/flexibility.md:2:8");
    assert!(run.stdout.contains("0 errors, 1 warning"), "{}", run.stdout);
    // Later than the interval: every reviewed page is due.
    site.knead(&["check", "--today", "2025-12-01"])
        .ok()
        .stderr_has("content/techniques/hot-stone.md:8:16")
        .stderr_has("content/benefits/relaxation.md:5:16")
        .stderr_has("warning: last reviewed 275 days ago, more than the site's review interval of 180 days")
        .stderr_has("help: check the technique profile against current guidelines and sources");
    // A technique that cites research needs a review date; one that cites none does not.
    site.edit("content/techniques/hot-stone.md", "last_reviewed: 2025-03-01\n", "");
    let run = site.knead(&["check", "--today", "2025-04-01"]);
    run.ok()
        .stderr_has("warning: this technique profile has no `last_reviewed` date")
        .stderr_has("content/techniques/hot-stone.md:2:8");
    assert!(run.stdout.contains("0 errors, 2 warnings"), "{}", run.stdout);
}

#[test]
fn a_bad_source_url_of_a_profile_is_a_check_error() {
    let site = clinic();
    site.edit(
        "content/benefits/relaxation.md",
        "https://example.org/calm-trial",
        "example.org/calm",
    );
    site.knead(&["check", "--today", "2025-04-01"])
        .fails_with(1)
        .stderr_has("error: the source URL `example.org/calm` is not a valid web address")
        .stderr_has("content/benefits/relaxation.md:14:11");
}
