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
    assert!(site.join("content/articles/heat-or-ice-which-helps.md").is_file());
    assert!(site.join("content/techniques/shiatsu.md").is_file());
    run(&site, &["build", "--drafts"]).ok();
    assert!(
        site.join("public/articles/heat-or-ice-which-helps/index.html")
            .is_file()
    );
    assert!(site.join("public/techniques/shiatsu/index.html").is_file());
    assert!(site.join("public/contact-us/index.html").is_file());
    run(&site, &["new", "page", "Contact us"])
        .fails_with(1)
        .stderr_has("already exists");
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
