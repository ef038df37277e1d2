//! Hostile and broken input, beyond the single cases of tests/errors.rs: each case is a
//! clear error (the file, the line when there is one, the fix), exit 1, no panic;
//! nothing is written outside the output folder, and the previous output is left
//! byte-identical. Plus a 50 MB article, which must simply build.

use std::time::{Duration, Instant};

use crate::support::{Run, Site, knead, names, tree};

/// A site with a previous good build; `edit` breaks it; the build must fail with every
/// one of `expected` in its messages and change nothing on disk.
fn rejects(edit: impl FnOnce(&Site), expected: &[&str]) -> Run {
    rejects_with(edit, expected, &[])
}

fn rejects_with(edit: impl FnOnce(&Site), expected: &[&str], env: &[(&str, &str)]) -> Run {
    let site = Site::with_themes("basic");
    site.knead(&["build"]).ok();
    let previous = tree(&site.path("public"));
    edit(&site);
    let beside = names(site.dir.path());
    let in_site = names(&site.root());
    let mut cmd = knead();
    cmd.args(["build", "--root"])
        .arg(site.root())
        .current_dir(site.dir.path());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let run = Run::from(cmd.output().unwrap());
    run.fails_with(1);
    for text in expected {
        run.stderr_has(text);
    }
    run.stderr_has("was left as it was");
    assert_eq!(tree(&site.path("public")), previous, "the previous output changed");
    assert_eq!(names(site.dir.path()), beside, "something was written beside the site");
    // A build stopped by the render watchdog (it exits at once) leaves its staging
    // folder and lock file, like a killed one; the next build takes both away.
    let now = names(&site.root());
    for name in &now {
        assert!(
            in_site.contains(name) || name.starts_with(".public.knead-staging-") || name == ".public.knead-lock",
            "{name} was written in the site"
        );
    }
    // `knead check` says the same, and writes nothing either.
    let mut cmd = knead();
    cmd.args(["check", "--root"]).arg(site.root());
    for (k, v) in env {
        cmd.env(k, v);
    }
    Run::from(cmd.output().unwrap()).fails_with(1);
    assert_eq!(tree(&site.path("public")), previous);
    run
}

// --- front matter -----------------------------------------------------------------

#[test]
fn invalid_yaml() {
    rejects(
        |s| {
            s.edit(
                "content/articles/second.md",
                "techniques: [swedish]",
                "techniques: [swedish",
            )
        },
        &[
            "invalid YAML: did not find expected ',' or ']'",
            "content/articles/second.md:7:9",
            "help: check indentation, and quote values",
        ],
    );
    rejects(
        |s| {
            s.edit(
                "content/articles/second.md",
                "title: \"Second article\"",
                "title: \"Second article",
            )
        },
        &["invalid YAML", "content/articles/second.md:3:"],
    );
    rejects(
        |s| {
            s.edit(
                "content/articles/second.md",
                "date: 2025-04-01",
                "date: 2025-04-01\n  bad: indent: here",
            )
        },
        &[
            "`2025-04-01 bad` is not a date in the form YYYY-MM-DD",
            "content/articles/second.md",
        ],
    );
}

#[test]
fn wrong_types() {
    rejects(
        |s| {
            s.edit(
                "content/articles/second.md",
                "date: 2025-04-01",
                "date: 2025-04-01\ndraft: \"maybe\"",
            )
        },
        &[
            "wrong type in `draft`: found string \"maybe\", expected a boolean",
            "content/articles/second.md:5:8",
        ],
    );
    rejects(
        |s| {
            s.edit(
                "content/articles/second.md",
                "date: 2025-04-01",
                "date: 2025-04-01\nreviewed_by: Dr X",
            )
        },
        &[
            "wrong type in `reviewed_by`: found string \"Dr X\"",
            "content/articles/second.md:5:14",
            "help: write the keys of this value on indented lines below it",
        ],
    );
    rejects(
        |s| s.edit("content/articles/second.md", "date: 2025-04-01", "date: [2025, 4, 1]"),
        &["wrong type in `date`: found sequence", "content/articles/second.md:4:"],
    );
    rejects(
        |s| s.edit("content/techniques/swedish.md", "pressure: light", "pressure: gentle"),
        &[
            "`gentle` is not allowed for `pressure`",
            "content/techniques/swedish.md:4:",
            "help: expected one of `light`, `moderate`, `firm`",
        ],
    );
}

#[test]
fn unknown_nested_keys() {
    rejects(
        |s| {
            s.edit(
                "content/articles/first.md",
                "    answer: \"Once a week is common.\"",
                "    anwser: x",
            )
        },
        &[
            "unknown key `anwser` in `faqs[1]`",
            "content/articles/first.md:16:5",
            "help: did you mean `answer`?",
        ],
    );
    rejects(
        |s| s.edit("site.yaml", "    url: /articles/", "    link: /articles/"),
        &[
            "unknown key `link` in `menu[0]`",
            "site.yaml:9:5",
            "help: expected one of `name`, `url`",
        ],
    );
}

#[test]
fn duplicate_and_reserved_slugs() {
    rejects(
        |s| {
            s.write(
                "content/pages/about-us.md",
                "---\ntitle: \"About us\"\nslug: about\n---\nx\n",
            )
        },
        &[
            "the page slug `about` is already used by content/pages/about-us.md",
            "content/pages/about.md",
        ],
    );
    rejects(
        |s| s.write("content/pages/faq.md", "---\ntitle: \"FAQ\"\n---\nx\n"),
        &[
            "the page slug `faq` is taken by knead's own /faq/ section",
            "content/pages/faq.md",
        ],
    );
}

// --- ids and labels -------------------------------------------------------------------

#[test]
fn ids_that_collide_and_labels_that_lead_nowhere() {
    let append = |s: &Site, text: &str| {
        let body = s.read("content/articles/second.md");
        s.write("content/articles/second.md", &format!("{body}\n{text}\n"));
    };
    rejects(
        |s| append(s, "## Skip {#main}\n\n## Sources {#source-3}"),
        &[
            "the id `main` is reserved by the theme",
            "the id `source-3` is reserved by the theme",
            "content/articles/second.md:30:10",
            "content/articles/second.md:32:13",
        ],
    );
    rejects(
        |s| append(s, "## One {#same}\n\n## Two {#same}"),
        &[
            "the id `same` is already the id of the heading on line 30",
            "content/articles/second.md:32:9",
        ],
    );
    rejects(
        |s| append(s, "A note[^gone] and [a link][nowhere] and ![an image][nothing]."),
        &[
            "the footnote `[^gone]` is not defined",
            "content/articles/second.md:30:7",
            "the reference link `[a link][nowhere]` has no definition of `[nowhere]`",
            "the reference link `![an image][nothing]` has no definition of `[nothing]`",
            "the build failed with 3 errors",
        ],
    );
}

#[test]
fn a_broken_theme_yaml() {
    rejects(
        |s| s.write("themes/default/theme.yaml", "reserved_ids: [main\n"),
        &[
            "invalid YAML: did not find expected ',' or ']', while parsing a flow sequence",
            "themes/default/theme.yaml:1:20",
        ],
    );
    rejects(
        |s| s.write("themes/default/theme.yaml", "reserved_ids: main\n"),
        &[
            "wrong type in `reserved_ids`: found string \"main\", expected a sequence",
            "themes/default/theme.yaml:1:15",
        ],
    );
    rejects(
        |s| s.write("themes/default/theme.yaml", "reserved_ids: [main]\nreserved: [x]\n"),
        &[
            "unknown key `reserved` in theme.yaml",
            "themes/default/theme.yaml:2:1",
            "did you mean `reserved_ids`?",
        ],
    );
}

// --- paths that try to leave the site -----------------------------------------------

#[test]
fn path_traversal_in_slugs() {
    rejects(
        |s| {
            s.edit(
                "content/articles/second.md",
                "date: 2025-04-01",
                "date: 2025-04-01\nslug: ../../etc/passwd",
            )
        },
        &[
            "`../../etc/passwd` is not a valid slug",
            "content/articles/second.md:5:7",
            "try `slug: etc-passwd`",
        ],
    );
    rejects(
        |s| {
            s.edit(
                "content/pages/about.md",
                "title: \"About\"",
                "title: \"About\"\nslug: \"..\"",
            )
        },
        &["`..` is not a valid slug", "content/pages/about.md:3:7"],
    );
}

#[test]
fn path_traversal_in_links_and_images() {
    rejects(
        |s| {
            s.edit(
                "content/articles/second.md",
                "## What to expect",
                "## What to expect\n\n[x](../../../../etc/passwd) [y](/%2e%2e/%2e%2e/etc/passwd) ![z](../../../../etc/passwd)",
            )
        },
        &[
            "this link climbs out of the site: `../../../../etc/passwd`",
            "content/articles/second.md:15:1",
            "this link climbs out of the site: `/%2e%2e/%2e%2e/etc/passwd`",
            "content/articles/second.md:15:29",
            "content/articles/second.md:15:60",
            "help: remove the extra `../` segments",
        ],
    );
    // The image of the front matter is checked like the images of the text.
    rejects(
        |s| {
            s.edit(
                "content/articles/first.md",
                "src: ../images/back.png",
                "src: ../../../../etc/passwd",
            )
        },
        &[
            "this link climbs out of the site: `../../../../etc/passwd`",
            "content/articles/first.md:24:8",
        ],
    );
    rejects(
        |s| {
            s.edit(
                "content/articles/first.md",
                "src: ../images/back.png",
                "src: ../images/missing.png",
            )
        },
        &[
            "this image does not exist: `../images/missing.png`",
            "content/articles/first.md:24:8",
        ],
    );
    // An FAQ answer is Markdown too.
    rejects(
        |s| {
            s.edit(
                "content/articles/first.md",
                "Once a week is common.",
                "See [this](../../../../etc/passwd).",
            )
        },
        &["this link climbs out of the site", "content/articles/first.md:"],
    );
}

#[test]
fn path_traversal_in_the_menu() {
    rejects(
        |s| s.edit("site.yaml", "    url: /articles/", "    url: ../../etc/passwd"),
        &[
            "menu entry `Articles`: this link climbs out of the site: `../../etc/passwd`",
            "site.yaml:9:10",
        ],
    );
    rejects(
        |s| s.edit("site.yaml", "    url: /articles/", "    url: /../../etc/passwd"),
        &["climbs out of the site", "site.yaml:9:10"],
    );
}

// --- files that are not text, or are empty ------------------------------------------

#[test]
fn non_utf8_files() {
    rejects(
        |s| std::fs::write(s.path("site.yaml"), b"title: caf\xe9\nbase_url: https://example.org/\n").unwrap(),
        &[
            "this file is not valid UTF-8 text",
            "site.yaml:1:11",
            "help: save the file with UTF-8 encoding",
        ],
    );
    rejects(
        |s| {
            std::fs::create_dir_all(s.path("templates")).unwrap();
            std::fs::write(s.path("templates/404.html"), b"caf\xe9").unwrap();
        },
        &["this file is not valid UTF-8 text", "templates/404.html:1:4"],
    );
    rejects(
        |s| std::fs::write(s.path("content/techniques/swedish.md"), b"\xff\xfe---\n").unwrap(),
        &["this file is not valid UTF-8 text", "content/techniques/swedish.md:1:1"],
    );
    #[cfg(target_os = "linux")]
    rejects(
        |s| {
            use std::os::unix::ffi::OsStrExt;
            let name = std::ffi::OsStr::from_bytes(b"caf\xe9.png");
            std::fs::write(s.path("content/images").join(name), b"x").unwrap();
        },
        &["this file name is not valid UTF-8", "content/images/caf"],
    );
}

#[test]
fn empty_files() {
    rejects(
        |s| s.write("content/articles/empty.md", ""),
        &[
            "this file has no front matter",
            "content/articles/empty.md",
            "help: start the file with a line `---`",
        ],
    );
    rejects(
        |s| s.write("content/index.md", ""),
        &["this file has no front matter", "content/index.md"],
    );
    rejects(
        |s| s.write("content/articles/fences.md", "---\n---\n"),
        &["missing required key `title`", "content/articles/fences.md:1:1"],
    );
    rejects(
        |s| s.write("site.yaml", ""),
        &["missing required key `title`", "site.yaml", "help: add `title: ...`"],
    );
}

// --- templates ----------------------------------------------------------------------

#[test]
fn template_errors_at_render_time() {
    rejects(
        |s| {
            s.write(
                "templates/404.html",
                "{% extends \"base.html\" %}\n{% block content %}\n{{ nope.deeper }}\n{% endblock content %}\n",
            )
        },
        &["template error", "templates/404.html:3:"],
    );
    rejects(
        |s| s.write("templates/404.html", "{% extends \"nope.html\" %}\n"),
        &[
            "this template extends `nope.html`, which does not exist",
            "templates/404.html",
        ],
    );
}

#[test]
fn templates_that_recurse_are_stopped_by_tera() {
    rejects(
        |s| s.write("templates/partials/loop.html", "{% include \"partials/loop.html\" %}"),
        &["template error: Circular include detected for template 'partials/loop.html'"],
    );
    rejects(
        |s| {
            s.write(
                "templates/404.html",
                "{% component f(n) %}{{ <f n={n}/> }}{{ <f n={n}/> }}{% endcomponent f %}{{ <f n={1}/> }}",
            )
        },
        &["template error: Maximum render recursion depth for components exceeded"],
    );
    rejects(
        |s| {
            s.write(
                "templates/404.html",
                "{% for i in range(end=100000000000) %}x{% endfor %}",
            )
        },
        &[
            "template error: Function `range` would produce 100000000000 elements, which exceeds the limit of 100000",
            "templates/404.html:1:13",
        ],
    );
}

#[test]
fn a_template_that_writes_forever_is_stopped() {
    // 10^10 iterations that write: stopped by the page's size or time limit.
    rejects_with(
        |s| {
            s.write(
                "templates/404.html",
                "{% for i in range(end=100000) %}{% for j in range(end=100000) %}<p>{{ i }} {{ j }}</p>{% endfor %}{% endfor %}",
            )
        },
        &[
            "`404.html` was stopped while rendering 404.html",
            "look for loops that never end",
        ],
        &[("KNEAD_RENDER_TIMEOUT", "2")],
    );
}

#[test]
fn a_loop_of_ranges_that_writes_nothing_is_stopped_at_the_loop() {
    // 10^10 empty iterations, but `range` is called for each inner loop.
    let start = Instant::now();
    rejects_with(
        |s| {
            s.write(
                "templates/404.html",
                "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
            )
        },
        &[
            "`404.html` was stopped while rendering 404.html: it took more than 1 s, and was stopped at this loop",
            "templates/404.html:1:45",
        ],
        &[("KNEAD_RENDER_TIMEOUT", "1")],
    );
    assert!(start.elapsed() < Duration::from_secs(30), "took {:?}", start.elapsed());
}

#[test]
fn a_template_that_spins_without_writing_is_stopped() {
    // 10^10 empty iterations over one list: nothing to interrupt, so the watchdog ends
    // knead.
    let start = Instant::now();
    rejects_with(
        |s| {
            s.write(
                "templates/404.html",
                "{% set xs = range(end=100000) %}{% for i in xs %}{% for j in xs %}{% endfor %}{% endfor %}",
            )
        },
        &[
            "the template `404.html` has been rendering 404.html for",
            "help: look for loops that never end",
            "the output folder was left as it was",
        ],
        &[("KNEAD_RENDER_TIMEOUT", "1")],
    );
    assert!(start.elapsed() < Duration::from_secs(30), "took {:?}", start.elapsed());
}

// --- symlinks out of the site -------------------------------------------------------

#[cfg(unix)]
fn outside(s: &Site, name: &str, text: &str) -> std::path::PathBuf {
    // Beside the site folder, not in it.
    let p = s.dir.path().join("outside").join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site() {
    use std::os::unix::fs::symlink;
    rejects(
        |s| {
            let target = outside(
                s,
                "secret.md",
                "---\ntitle: t\ndescription: d\ndate: 2025-01-01\n---\nsecret\n",
            );
            symlink(target, s.path("content/articles/linked.md")).unwrap();
        },
        &[
            "this symlink points outside the site",
            "content/articles/linked.md",
            "help: copy the file into the site instead of linking to it",
        ],
    );
    rejects(
        |s| symlink(outside(s, "passwd", "root:x:0:0"), s.path("content/images/passwd.png")).unwrap(),
        &["this symlink points outside the site", "content/images/passwd.png"],
    );
    rejects(
        |s| {
            let target = outside(s, "evil.html", "{{ site.title }}");
            symlink(&target, s.path("themes/default/templates/partials/evil.html")).unwrap();
        },
        &[
            "this symlink points outside the site",
            "themes/default/templates/partials/evil.html",
        ],
    );
    rejects(
        |s| {
            std::fs::create_dir_all(s.path("templates")).unwrap();
            symlink(outside(s, "404.html", "x"), s.path("templates/404.html")).unwrap();
        },
        &["this symlink points outside the site", "templates/404.html"],
    );
    rejects(
        |s| symlink(outside(s, "x.css", "body{}"), s.path("themes/default/static/evil.css")).unwrap(),
        &["this symlink points outside the site", "themes/default/static/evil.css"],
    );
    rejects(
        |s| symlink(s.dir.path().join("nowhere"), s.path("content/images/gone.png")).unwrap(),
        &["this symlink points to nothing", "content/images/gone.png"],
    );
}

#[cfg(unix)]
#[test]
fn symlinks_inside_the_site_are_followed() {
    use std::os::unix::fs::symlink;
    let site = Site::with_themes("basic");
    std::fs::create_dir_all(site.path("templates")).unwrap();
    site.write(
        "shared/404.html",
        "{% extends \"base.html\" %}{% block content %}Shared 404{% endblock content %}",
    );
    symlink(site.path("shared/404.html"), site.path("templates/404.html")).unwrap();
    site.knead(&["build"]).ok();
    assert!(site.read("public/404.html").contains("Shared 404"));
}

// --- size ---------------------------------------------------------------------------

/// The size of the big article. 50 MB builds in about 10 s in a debug build on two
/// cores; the pathological shapes below (a repeated heading, one huge line of links)
/// used to take minutes to hours because of quadratic work.
const BIG_ARTICLE_MB: usize = 50;

#[test]
fn a_50_mb_article_builds() {
    let site = Site::new("basic");
    let para = "Massage may ease tight muscles around the spine, and gentle pressure with slow strokes helps many people relax. ".repeat(4);
    let mut text =
        String::from("---\ntitle: \"Big\"\ndescription: \"A very long article.\"\ndate: 2025-01-01\n---\n\n");
    let mut i = 0;
    while text.len() < BIG_ARTICLE_MB << 20 {
        // Every section has the same heading, as a long FAQ-like page might.
        text.push_str(&format!(
            "## Why it helps\n\n{para}\n\n{para}\n\n- a point with *emphasis* and a [link](second.md#what-to-expect) {i}\n- another point\n\n"
        ));
        i += 1;
    }
    site.write("content/articles/big.md", &text);
    let start = Instant::now();
    site.knead(&["build"]).ok();
    let took = start.elapsed();
    let page = std::fs::read_to_string(site.path("public/articles/big/index.html")).unwrap();
    assert!(page.len() > BIG_ARTICLE_MB << 20);
    assert!(
        page.contains(&format!(r#"id="why-it-helps-{}""#, i - 1)),
        "every heading has its own id"
    );
    eprintln!("{BIG_ARTICLE_MB} MB article ({i} sections) built in {took:?}");
}

#[test]
fn one_huge_line_of_links_builds() {
    let site = Site::new("basic");
    let mut text = String::from("---\ntitle: \"Links\"\ndescription: \"One line.\"\ndate: 2025-01-01\n---\n\n");
    text.push_str(&"see [the second](second.md#what-to-expect) ".repeat(100_000));
    site.write("content/articles/links.md", &text);
    let start = Instant::now();
    site.knead(&["build"]).ok();
    assert!(start.elapsed() < Duration::from_secs(60), "took {:?}", start.elapsed());
}

#[test]
fn thousands_of_undefined_labels_on_one_line() {
    // Their positions are found in one pass over the line, each message showing only the
    // part of the line around its label.
    let start = Instant::now();
    let run = rejects(
        |s| {
            let mut text =
                String::from("---\ntitle: \"Labels\"\ndescription: \"One line.\"\ndate: 2025-01-01\n---\n\n");
            text.push_str(&"see [^x] and [the guide][guide] ".repeat(4_000));
            s.write("content/articles/labels.md", &text);
        },
        &[
            "the footnote `[^x]` is not defined",
            "content/articles/labels.md:7:5",
            "the reference link `[the guide][guide]` has no definition of `[guide]`",
            "at content/articles/labels.md:7:127982",
            "the build failed with 8000 errors",
        ],
    );
    assert!(run.stderr.len() < 8_000 * 1_000, "{} bytes of errors", run.stderr.len());
    assert!(start.elapsed() < Duration::from_secs(60), "took {:?}", start.elapsed());
}

#[test]
fn thousands_of_broken_links_on_one_line() {
    // Each problem shows its line: a line of 100 KB is cut to the part around the link.
    let start = Instant::now();
    let run = rejects(
        |s| {
            let mut text = String::from("---\ntitle: \"Links\"\ndescription: \"One line.\"\ndate: 2025-01-01\n---\n\n");
            text.push_str(&"see [the gone one](gone.md) ".repeat(4_000));
            s.write("content/articles/links.md", &text);
        },
        &[
            "this link points to a file that does not exist: `gone.md`",
            "content/articles/links.md:7:5",
            "at content/articles/links.md:7:111977",
            "the build failed with 4000 errors",
        ],
    );
    assert!(run.stderr.len() < 4_000 * 1_000, "{} bytes of errors", run.stderr.len());
    assert!(start.elapsed() < Duration::from_secs(60), "took {:?}", start.elapsed());
}
