//! `knead init` makes a site that builds and checks clean at once, in a new folder or
//! one that holds only version-control and editor files (any folder with `--force`),
//! and never overwrites a file; `knead new` adds content files that build, and refuses
//! (exit 2) the slugs knead reserves and those another file has.

use crate::support::{Run, knead, tree};

/// `knead ARGS` run in `dir`.
fn run(dir: &std::path::Path, args: &[&str]) -> Run {
    Run::from(knead().args(args).current_dir(dir).output().unwrap())
}

#[test]
fn init_builds_and_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let init = run(tmp.path(), &["init", "mysite"]);
    init.ok();
    // The last thing it says is how to preview: pages opened from disk have no styles.
    assert!(init.stdout.ends_with("  cd mysite\n  knead serve\n"), "{}", init.stdout);
    let site = tmp.path().join("mysite");
    assert!(site.join("themes/default/static/favicon.svg").is_file());
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
    // init refuses a folder that holds files.
    let before = tree(&site);
    run(tmp.path(), &["init", "mysite"])
        .fails_with(2)
        .stderr_has("error: `mysite` already holds files (`content`, `public`, `site.yaml`, ...)")
        .stderr_has("--force");
    // With --force it still never overwrites one.
    run(tmp.path(), &["init", "mysite", "--force"])
        .fails_with(2)
        .stderr_has("mysite/site.yaml already exists (and ")
        .stderr_has(" more of the files it writes): knead init never overwrites a file");
    assert!(before == tree(&site), "init changed a file");
    // A file is not a folder.
    std::fs::write(tmp.path().join("notes.txt"), "x").unwrap();
    run(tmp.path(), &["init", "notes.txt"])
        .fails_with(2)
        .stderr_has("`notes.txt` is a file, not a folder");
}

/// "Make a repository, then init it": a folder with only `.git` (and other dot files,
/// an editor's leftovers) is as good as empty; an existing `.gitignore` keeps its lines.
#[test]
fn init_in_a_fresh_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git/objects")).unwrap();
    std::fs::write(repo.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(repo.join(".gitignore"), "*.log").unwrap();
    std::fs::write(repo.join(".editorconfig"), "root = true\n").unwrap();
    std::fs::write(repo.join("notes.md~"), "backup").unwrap();
    run(&repo, &["init", "."]).ok().stdout_has("knead serve");
    assert_eq!(
        std::fs::read_to_string(repo.join(".git/HEAD")).unwrap(),
        "ref: refs/heads/main\n"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join(".gitignore")).unwrap(),
        "*.log\n/public/\n/.public.knead-*\n/.knead-cache/\n"
    );
    run(&repo, &["check"]).ok();
}

/// `--force` adds a site beside other files, and touches none of them.
#[test]
fn init_with_force_keeps_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("docs");
    std::fs::create_dir_all(dir.join("content/images")).unwrap();
    std::fs::write(dir.join("README.md"), "# Our site\n").unwrap();
    std::fs::write(dir.join("content/images/logo.png"), "png").unwrap();
    let before = tree(&dir);
    run(tmp.path(), &["init", "docs"])
        .fails_with(2)
        .stderr_has("error: `docs` already holds files (`README.md`, `content`)");
    assert!(before == tree(&dir));
    run(tmp.path(), &["init", "docs", "--force"]).ok();
    let after = tree(&dir);
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{path} changed");
    }
    assert!(dir.join("site.yaml").is_file());
    run(&dir, &["build"]).ok();
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
        .fails_with(2)
        .stderr_has("error: the page slug `contact-us` is already used by content/pages/contact-us.md");
}

/// A page may not take a URL knead makes itself; nothing is written.
#[test]
fn new_refuses_reserved_slugs() {
    let tmp = tempfile::tempdir().unwrap();
    run(tmp.path(), &["init", "s"]).ok();
    let site = tmp.path().join("s");
    let before = tree(&site);
    for (title, slug) in [
        ("FAQ", "faq"),
        ("Articles", "articles"),
        ("Search", "search"),
        ("Benefits", "benefits"),
        ("Techniques", "techniques"),
    ] {
        run(&site, &["new", "page", title])
            .fails_with(2)
            .stderr_has(&format!(
                "error: the page slug `{slug}` is taken by knead's own /{slug}/ section"
            ))
            .stderr_has(&format!("knead new page \"{title} page\""));
    }
    run(&site, &["new", "page", "!!!"])
        .fails_with(2)
        .stderr_has("has no letters or digits");
    assert!(before == tree(&site), "something was written");
    // An article or a technique lives under its own section: those slugs are free.
    run(&site, &["new", "article", "FAQ"]).ok();
    assert!(site.join("content/articles/faq.md").is_file());
}

/// A slug another file already has (by its `slug:` or its file name), drafts too.
#[test]
fn new_refuses_taken_slugs() {
    let tmp = tempfile::tempdir().unwrap();
    run(tmp.path(), &["init", "s"]).ok();
    let site = tmp.path().join("s");
    std::fs::write(
        site.join("content/articles/greeting.md"),
        "---\ntitle: \"Greeting\"\ndescription: \"d\"\ndate: 2025-01-01\nslug: hello\ndraft: true\n---\n",
    )
    .unwrap();
    run(&site, &["new", "article", "Hello"])
        .fails_with(2)
        .stderr_has("error: the article slug `hello` is already used by content/articles/greeting.md")
        .stderr_has("edit content/articles/greeting.md instead");
    assert!(!site.join("content/articles/hello.md").exists());
    run(&site, &["new", "technique", "Swedish"])
        .fails_with(2)
        .stderr_has("the technique slug `swedish` is already used by content/techniques/swedish.md");
    // A page may have the slug of an article: they live at different URLs.
    run(&site, &["new", "page", "Hello"]).ok();
    run(&site, &["build", "--drafts"]).ok();
    assert!(site.join("public/hello/index.html").is_file());
    assert!(site.join("public/articles/hello/index.html").is_file());
}

/// The CI workflow users copy (`examples/ci/github-pages.yml`) checks before it builds
/// and publishes the folder the build writes; its knead steps, run in order on a new
/// site, succeed.
#[test]
fn the_example_ci_workflow_checks_then_builds() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci/github-pages.yml");
    let yaml: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let steps = yaml["jobs"]["build"]["steps"].as_sequence().unwrap();
    let runs: Vec<&str> = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .filter(|r| r.starts_with("knead "))
        .collect();
    assert_eq!(runs, ["knead check --deny-warnings", "knead build"]);
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact"))
        })
        .unwrap();
    assert_eq!(upload["with"]["path"].as_str(), Some("public"));
    let tmp = tempfile::tempdir().unwrap();
    run(tmp.path(), &["init", "site"]).ok();
    let site = tmp.path().join("site");
    for r in runs {
        let args: Vec<&str> = r.split_whitespace().skip(1).collect();
        run(&site, &args).ok();
    }
    assert!(site.join("public/index.html").is_file());
}
