//! `knead init` makes a site that builds and checks clean at once; `knead new` adds
//! content files that build.

use crate::support::{Run, knead};

/// `knead ARGS` run in `dir`.
fn run(dir: &std::path::Path, args: &[&str]) -> Run {
    Run::from(knead().args(args).current_dir(dir).output().unwrap())
}

#[test]
fn init_builds_and_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    run(tmp.path(), &["init", "mysite"]).ok();
    let site = tmp.path().join("mysite");
    assert!(site.join("themes/default/templates/article.html").is_file());
    let check = run(&site, &["check"]);
    check.ok();
    assert!(check.stdout.contains("0 errors, 0 warnings"), "{}", check.stdout);
    run(&site, &["build"]).ok();
    assert!(site.join("public/articles/welcome/index.html").is_file());
    // The sample uses benefit profiles and citations.
    let article = std::fs::read_to_string(site.join("public/articles/welcome/index.html")).unwrap();
    assert!(
        article.contains(r##"<sup class="citation"><a href="#ref-nice-ng59">[1]</a></sup>"##),
        "{article}"
    );
    assert!(article.contains(r#"data-evidence="low""#));
    let benefit = std::fs::read_to_string(site.join("public/benefits/relaxation-and-stress/index.html")).unwrap();
    assert!(
        benefit.contains("Low certainty") && benefit.contains("Next review due"),
        "{benefit}"
    );
    // init refuses a folder that is not empty.
    run(tmp.path(), &["init", "mysite"])
        .fails_with(1)
        .stderr_has("already exists and is not empty");
}

#[test]
fn new_files_build() {
    let tmp = tempfile::tempdir().unwrap();
    run(tmp.path(), &["init", "s"]).ok();
    let site = tmp.path().join("s");
    run(&site, &["new", "article", "Heat or ice: which helps?"]).ok();
    run(&site, &["new", "technique", "Shiatsu"]).ok();
    run(&site, &["new", "page", "Contact us"]).ok();
    run(&site, &["new", "benefit", "Better sleep"]).ok();
    assert!(site.join("content/benefits/better-sleep.md").is_file());
    let check = run(&site, &["check"]);
    check.ok();
    assert!(check.stdout.contains("0 errors, 0 warnings"), "{}", check.stdout);
    assert!(site.join("content/articles/heat-or-ice-which-helps.md").is_file());
    assert!(site.join("content/techniques/shiatsu.md").is_file());
    run(&site, &["build", "--drafts"]).ok();
    assert!(
        site.join("public/articles/heat-or-ice-which-helps/index.html")
            .is_file()
    );
    assert!(site.join("public/techniques/shiatsu/index.html").is_file());
    assert!(site.join("public/contact-us/index.html").is_file());
    let benefit = std::fs::read_to_string(site.join("public/benefits/better-sleep/index.html")).unwrap();
    assert!(benefit.contains(r#"data-evidence="insufficient""#), "{benefit}");
    run(&site, &["new", "page", "Contact us"])
        .fails_with(1)
        .stderr_has("already exists");
}
