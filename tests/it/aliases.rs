//! Moved pages: `aliases` write redirect pages and `/_redirects` lines (base path
//! included), and an alias that cannot be is a located error naming both files.

use crate::support::Site;

/// The clinic fixture (under `/backcare/`) moved an article from two old paths, and a
/// benefit profile from one.
#[test]
fn aliases_write_redirect_pages_and_rules() {
    let site = Site::with_themes("clinic");
    site.knead(&["build"]).ok();
    let to = "https://example.org/backcare/articles/stretching-after-work/";
    for old in [
        "public/articles/desk-stretches/index.html",
        "public/stretches/index.html",
    ] {
        let page = site.read(old);
        assert!(
            page.contains(&format!("<meta http-equiv=\"refresh\" content=\"0; url={to}\">")),
            "{page}"
        );
        assert!(page.contains(&format!("<link rel=\"canonical\" href=\"{to}\">")));
        assert!(page.contains("<meta name=\"robots\" content=\"noindex\">"));
        assert!(page.contains(&format!("<a href=\"{to}\">")));
    }
    assert_eq!(
        site.read("public/_redirects"),
        "/backcare/articles/desk-stretches/ /backcare/articles/stretching-after-work/ 301\n\
         /backcare/stretches/ /backcare/articles/stretching-after-work/ 301\n\
         /backcare/old-flexibility/ /backcare/benefits/flexibility/ 301\n"
    );
    // Redirects are not pages for search engines.
    assert!(!site.read("public/sitemap.xml").contains("desk-stretches"));
    // A site without aliases has no rules file.
    let basic = Site::new("basic");
    basic.knead(&["build"]).ok();
    assert!(!basic.path("public/_redirects").exists());
}

/// Renaming an article without breaking links: a new slug, the old path as an alias.
#[test]
fn a_renamed_article_keeps_its_old_address() {
    let site = Site::new("basic");
    site.edit(
        "content/articles/second.md",
        "---\n",
        "---\nslug: second-look\naliases: [/articles/second/]\n",
    );
    // Links written to the file keep working; one written as a URL is moved by hand.
    for file in ["content/articles/first.md", "site.yaml"] {
        let text = site.read(file);
        let moved = text.replace("/articles/second/", "/articles/second-look/");
        site.write(file, &moved.replace("../second/", "../second-look/"));
    }
    site.knead(&["build"]).ok();
    assert!(site.path("public/articles/second-look/index.html").is_file());
    let old = site.read("public/articles/second/index.html");
    assert!(old.contains("url=https://example.org/articles/second-look/"), "{old}");
    assert_eq!(
        site.read("public/_redirects"),
        "/articles/second/ /articles/second-look/ 301\n"
    );
}

/// An alias that is another page's address, another file's alias, a path knead writes
/// or not a site path at all: each an error at its line, naming the other file.
#[test]
fn aliases_that_cannot_be_are_located_errors() {
    let site = Site::new("basic");
    site.edit(
        "content/articles/second.md",
        "---\n",
        "---\naliases:\n  - /articles/first/\n  - /old/\n  - ../outside/\n  - https://example.org/x/\n  - /articles/page/2/\n  - /articles/second/\n",
    );
    site.edit("content/articles/first.md", "---\n", "---\naliases: [/old]\n");
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("the alias `/articles/first/` is the address of another page (content/articles/first.md)")
        .stderr_has("content/articles/second.md:3:5")
        .stderr_has("the alias `/old` is also an alias in content/articles/second.md")
        .stderr_has("--> content/articles/first.md:2:11")
        .stderr_has("the alias `../outside/` is not a path of this site: it does not start with `/`")
        .stderr_has("the alias `https://example.org/x/` is not a path of this site: it is a full web address")
        .stderr_has("the alias `/articles/page/2/` is an address knead writes itself")
        .stderr_has("the alias `/articles/second/` is the page's own address")
        .stderr_has("failed with 6 errors");
    assert!(!site.path("public").exists(), "a failed first build writes nothing");
}
