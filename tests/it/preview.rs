//! A live preview that survives what authors do (issue 26): a real `knead serve` of a
//! temporary site, put through one thing each test, ends with an output folder equal
//! to a clean build of the sources as they are (or shows the build's errors, and
//! recovers on the fix), without a restart.

use std::time::Duration;

use crate::support::{
    Running, Site, drain, http_get, knead, reload_events, serve, wait_for, wait_line, wait_same_as_clean_build,
};

/// Case 1: the output folder removed, or emptied, while serving is built whole again at
/// once, and an edit after that too; `knead build` takes the folder afterwards. So is an
/// output folder outside the site.
#[test]
fn a_removed_or_emptied_output_is_built_whole_again() {
    let site = Site::new("basic");
    let s = serve(&site, &[]);
    wait_line(&s.run.out, "built: rendered");
    let public = site.path("public");

    std::fs::remove_dir_all(&public).unwrap();
    wait_line(&s.run.out, "public changed: rendered");
    wait_same_as_clean_build(&site);
    assert_eq!(http_get(s.port, "/").0, 200);

    // Emptied, the folder itself left.
    for entry in std::fs::read_dir(&public).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            std::fs::remove_dir_all(p).unwrap();
        } else {
            std::fs::remove_file(p).unwrap();
        }
    }
    wait_line(&s.run.out, "public changed: rendered");
    wait_same_as_clean_build(&site);

    // Removed, then at once an edit that touches a few pages only.
    std::fs::remove_dir_all(&public).unwrap();
    site.edit(
        "content/articles/second.md",
        "## What to expect",
        "## What to expect\n\nEdited after the output went.",
    );
    wait_for("the edit", || {
        std::fs::read_to_string(site.path("public/articles/second/index.html"))
            .is_ok_and(|t| t.contains("Edited after the output went."))
    });
    wait_same_as_clean_build(&site);
    for path in ["/", "/style.css", "/search-index.json"] {
        assert_eq!(http_get(s.port, path).0, 200, "{path}");
    }
    drop(s);
    // The folder is a whole knead build: the default build takes it.
    site.knead(&["build"]).ok();

    // An output folder outside the site is watched as well.
    let elsewhere = site.dir.path().join("elsewhere");
    let w = Running::start(
        knead()
            .args(["watch", "--root"])
            .arg(site.root())
            .arg("--output")
            .arg(&elsewhere),
    );
    wait_line(&w.out, "built: rendered");
    std::fs::remove_dir_all(&elsewhere).unwrap();
    wait_line(&w.out, "elsewhere changed: rendered");
    assert!(elsewhere.join("index.html").is_file() && elsewhere.join("style.css").is_file());
}

/// Case 2: `themes/` moved away, moved back and removed while serving: each time the
/// site is rebuilt with the theme there is (the built-in one when none), and edits in
/// between build.
#[test]
fn a_removed_or_renamed_themes_folder_is_followed() {
    let site = Site::with_themes("basic");
    // The site's own copy of the theme differs from the built-in one.
    let css = site.read("themes/default/static/style.css");
    site.write(
        "themes/default/static/style.css",
        &format!("{css}\n.the-sites-own {{ color: red; }}\n"),
    );
    let s = serve(&site, &[]);
    wait_line(&s.run.out, "built: rendered");
    assert!(site.read("public/style.css").contains("the-sites-own"));

    std::fs::rename(site.path("themes"), site.path("themes-away")).unwrap();
    wait_line(&s.run.out, "themes changed: rendered");
    wait_same_as_clean_build(&site);
    assert!(!site.read("public/style.css").contains("the-sites-own"));

    site.edit(
        "content/articles/first.md",
        "Intro paragraph.",
        "Intro paragraph, edited.",
    );
    wait_line(&s.run.out, "content/articles/first.md changed: rendered");
    wait_same_as_clean_build(&site);

    std::fs::rename(site.path("themes-away"), site.path("themes")).unwrap();
    wait_line(&s.run.out, "themes changed: rendered");
    wait_same_as_clean_build(&site);
    assert!(site.read("public/style.css").contains("the-sites-own"));

    std::fs::remove_dir_all(site.path("themes")).unwrap();
    wait_for("the built-in theme", || {
        std::fs::read_to_string(site.path("public/style.css")).is_ok_and(|t| !t.contains("the-sites-own"))
    });
    wait_same_as_clean_build(&site);
    site.edit(
        "content/articles/first.md",
        "Intro paragraph, edited.",
        "Intro paragraph.",
    );
    wait_line(&s.run.out, "content/articles/first.md changed: rendered");
    wait_same_as_clean_build(&site);
    let errors = drain(&s.run.err, Duration::from_millis(200));
    assert!(!errors.iter().any(|l| l.contains("error")), "{errors:#?}");
}

/// Case 3: an edit of `base_url` that adds, then removes, a subpath: the server follows
/// it, says so, and sends pages asked for under the old path to the new one.
#[test]
fn the_server_follows_a_new_base_path() {
    let site = Site::new("basic");
    let s = serve(&site, &[]);
    wait_line(&s.run.out, "built: rendered");
    assert_eq!(http_get(s.port, "/articles/first/").0, 200);

    site.edit(
        "site.yaml",
        "base_url: \"https://example.org/\"",
        "base_url: \"https://example.org/backcare/\"",
    );
    let line = wait_line(&s.run.out, "(base_url changed");
    assert!(
        line.contains(&format!("Serving the site at http://127.0.0.1:{}/backcare/", s.port)),
        "{line}"
    );
    wait_same_as_clean_build(&site);
    let (code, _, page) = http_get(s.port, "/backcare/articles/first/");
    assert_eq!(code, 200);
    assert!(String::from_utf8_lossy(&page).contains("href=\"/backcare/style.css\""));
    let (code, head, _) = http_get(s.port, "/backcare/style.css");
    assert_eq!(code, 200, "{head}");
    assert!(head.contains("text/css"), "{head}");
    // A page open before the edit reloads into the site.
    let (code, head, _) = http_get(s.port, "/articles/first/");
    assert_eq!(code, 302, "{head}");
    assert!(head.contains("Location: /backcare/articles/first/"), "{head}");

    site.edit(
        "site.yaml",
        "base_url: \"https://example.org/backcare/\"",
        "base_url: \"https://example.org/\"",
    );
    let line = wait_line(&s.run.out, "(base_url changed");
    assert!(
        line.contains(&format!("Serving the site at http://127.0.0.1:{}/ ", s.port)),
        "{line}"
    );
    wait_same_as_clean_build(&site);
    assert_eq!(http_get(s.port, "/articles/first/").0, 200);
    assert_eq!(http_get(s.port, "/style.css").0, 200);
    let (code, head, _) = http_get(s.port, "/backcare/articles/first/");
    assert_eq!(code, 302, "{head}");
    assert!(head.contains("Location: /articles/first/"), "{head}");
    // Nothing under the old path that is not in the site: the site's 404 page.
    assert_eq!(http_get(s.port, "/backcare/no/such/page/").0, 404);
}

/// Case 4: content files and templates that are symlinks (to files elsewhere in the
/// site, or in content/) are rebuilt when the files they lead to change.
#[cfg(unix)]
#[test]
fn symlinked_sources_rebuild_when_their_targets_change() {
    use std::os::unix::fs::symlink;
    let site = Site::new("basic");
    // An article kept outside content/, a page kept elsewhere in content/, a template
    // kept outside templates/.
    std::fs::create_dir_all(site.path("shared")).unwrap();
    std::fs::rename(site.path("content/articles/second.md"), site.path("shared/second.md")).unwrap();
    symlink("../../shared/second.md", site.path("content/articles/second.md")).unwrap();
    std::fs::create_dir_all(site.path("content/kept")).unwrap();
    std::fs::rename(site.path("content/pages/about.md"), site.path("content/kept/about.txt")).unwrap();
    symlink("../kept/about.txt", site.path("content/pages/about.md")).unwrap();
    site.write(
        "shared/404.html",
        "<!doctype html><title>Lost</title><p>Shared 404.</p>",
    );
    std::fs::create_dir_all(site.path("templates")).unwrap();
    symlink("../shared/404.html", site.path("templates/404.html")).unwrap();
    let s = serve(&site, &[]);
    wait_line(&s.run.out, "built: rendered");
    wait_same_as_clean_build(&site);

    site.edit(
        "shared/second.md",
        "## What to expect",
        "## What to expect\n\nEdited through the link.",
    );
    wait_line(&s.run.out, "content/articles/second.md changed: rendered");
    assert!(
        site.read("public/articles/second/index.html")
            .contains("Edited through the link.")
    );
    wait_same_as_clean_build(&site);

    let about = site.read("content/kept/about.txt");
    // Saved as editors do: a new file moved over the old one.
    site.write(
        "content/kept/new.txt",
        &about.replace("title: \"About", "title: \"All about"),
    );
    std::fs::rename(site.path("content/kept/new.txt"), site.path("content/kept/about.txt")).unwrap();
    wait_for("the page edited through its link", || {
        std::fs::read_to_string(site.path("public/about/index.html")).is_ok_and(|t| t.contains("All about"))
    });
    wait_same_as_clean_build(&site);

    site.write(
        "shared/404.html",
        "<!doctype html><title>Lost</title><p>Shared 404, edited.</p>",
    );
    wait_line(&s.run.out, "templates/404.html changed: rendered");
    assert!(site.read("public/404.html").contains("Shared 404, edited."));
    wait_same_as_clean_build(&site);
}

/// Case 5: the first build fails. Every page's path shows the errors, with the reload
/// script; the terminal does not claim a good build exists; the fix reloads the page
/// into the site, and the error page never reaches the output.
#[test]
fn a_failed_first_build_shows_its_errors_and_reloads_on_the_fix() {
    let site = Site::new("basic");
    site.edit("content/articles/second.md", "title: ", "titel: ");
    let s = serve(&site, &[]);
    let line = wait_line(&s.run.err, "error: the build failed with 1 error");
    assert!(line.contains("there is no site to show yet"), "{line}");
    assert!(!line.contains("last good build"), "{line}");
    assert!(!site.path("public").exists());

    let events = reload_events(s.port);
    wait_line(&events, "event: hello");
    wait_line(&events, "data: 0");
    let error = wait_line(&events, "data: ");
    assert!(error.contains("unknown front matter key `titel`"), "{error}");
    for path in ["/", "/articles/first/", "/about"] {
        let (code, head, body) = http_get(s.port, path);
        let body = String::from_utf8_lossy(&body);
        assert_eq!(code, 503, "{path}: {head}");
        assert!(head.contains("Content-Type: text/html"), "{head}");
        assert!(body.contains("unknown front matter key `titel`"), "{path}: {body}");
        assert!(
            body.contains("<script src=\"/__knead/reload.js\" data-build=\"0\"></script>"),
            "{body}"
        );
    }
    assert_eq!(http_get(s.port, "/style.css").0, 404);

    site.edit("content/articles/second.md", "titel: ", "title: ");
    wait_line(&events, "event: reload");
    wait_same_as_clean_build(&site);
    let (code, _, body) = http_get(s.port, "/");
    assert_eq!(code, 200);
    assert!(!String::from_utf8_lossy(&body).contains("did not build"));
    let stderr = drain(&s.run.err, Duration::from_millis(200));
    assert!(!stderr.iter().any(|l| l.contains("last good build")), "{stderr:#?}");
}

/// Case 6: editors that save safely, step by step a few milliseconds apart (JetBrains:
/// temporary file, the file moved aside, the temporary file moved in, the old one
/// removed; Vim: a probe file, a backup, the file written). No save shows an error, and
/// none of their temporaries reaches the output.
#[test]
fn safe_saves_of_editors_show_no_errors() {
    let site = Site::new("basic");
    let s = serve(&site, &[]);
    wait_line(&s.run.out, "built: rendered");
    let events = reload_events(s.port);
    wait_line(&events, "event: hello");
    // first.md links to second.md and back: second.md missing for a moment breaks both.
    let file = site.path("content/articles/second.md");
    let at = |suffix: &str| site.path(&format!("content/articles/second.md{suffix}"));
    let original = site.read("content/articles/second.md");
    let pause = |ms: u64| std::thread::sleep(Duration::from_millis(ms));
    for save in 0..20 {
        let text = original.replace("## What to expect", &format!("## What to expect\n\nSave {save}."));
        let step = if save % 2 == 0 { 4 } else { 12 };
        if save % 4 == 3 {
            // Vim: may the folder be written, a backup, then the file itself.
            site.write("content/articles/4913", "");
            std::fs::remove_file(site.path("content/articles/4913")).unwrap();
            std::fs::rename(&file, at("~")).unwrap();
            pause(step);
            std::fs::write(&file, &text).unwrap();
            pause(step);
            std::fs::remove_file(at("~")).unwrap();
        } else {
            std::fs::write(at("___jb_tmp___"), &text).unwrap();
            pause(step);
            std::fs::rename(&file, at("___jb_old___")).unwrap();
            pause(step);
            std::fs::rename(at("___jb_tmp___"), &file).unwrap();
            pause(step);
            std::fs::remove_file(at("___jb_old___")).unwrap();
        }
        pause(150);
    }
    wait_for("the last save", || {
        std::fs::read_to_string(site.path("public/articles/second/index.html")).is_ok_and(|t| t.contains("Save 19."))
    });
    wait_same_as_clean_build(&site);
    let heard = drain(&events, Duration::from_millis(300));
    assert!(
        !heard.iter().any(|l| l.contains("build-error")),
        "an open page showed errors: {heard:#?}"
    );
    assert!(heard.iter().any(|l| l.contains("event: reload")));
    let stderr = drain(&s.run.err, Duration::from_millis(100));
    assert!(!stderr.iter().any(|l| l.contains("error")), "{stderr:#?}");
}

/// CPU time (user and system) a process has used so far, in clock ticks.
#[cfg(target_os = "linux")]
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // After the command name (in parentheses, which may hold spaces): fields 14 and 15.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// Case 7: a runaway template, in the first build and in a rebuild: the render ends
/// (no thread spins on), the error shows in the terminal and the overlay, the server
/// goes on, and the fix recovers.
#[test]
fn a_runaway_template_ends_its_render_not_the_server() {
    let site = Site::new("basic");
    // 10^10 empty iterations that write nothing.
    let runaway = "<p>{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}</p>";
    site.write("templates/404.html", runaway);
    let mut s = serve(&site, &[("KNEAD_RENDER_TIMEOUT", "1")]);
    let error = wait_line(&s.run.err, "and was stopped at this loop");
    assert!(
        error.contains("`404.html` was stopped while rendering 404.html: it took more than 1 s"),
        "{error}"
    );
    let at = wait_line(&s.run.err, "-->");
    assert!(at.contains("templates/404.html:1:"), "located at the loop: {at}");
    wait_line(&s.run.err, "there is no site to show yet");
    let events = reload_events(s.port);
    let shown = wait_line(&events, "data: \"");
    assert!(shown.contains("was stopped at this loop"), "{shown}");
    assert_eq!(http_get(s.port, "/").0, 503);
    #[cfg(target_os = "linux")]
    {
        let before = cpu_ticks(s.run.child.id());
        std::thread::sleep(Duration::from_secs(2));
        let used = cpu_ticks(s.run.child.id()) - before;
        // A render left running would take a whole core: about 200 ticks.
        assert!(used < 50, "{used} ticks in 2 s: a render runs on");
    }

    site.write("templates/404.html", "<!doctype html><title>Lost</title><p>Fixed.</p>");
    wait_line(&events, "event: reload");
    wait_same_as_clean_build(&site);

    // The same in a rebuild: the last good build stays, and is served.
    site.write("templates/404.html", runaway);
    wait_line(&s.run.err, "and was stopped at this loop");
    wait_line(&s.run.err, "still holds the last good build");
    wait_line(&events, "was stopped at this loop");
    assert_eq!(http_get(s.port, "/articles/first/").0, 200);
    assert!(s.run.child.try_wait().unwrap().is_none(), "the server runs on");
    site.write(
        "templates/404.html",
        "<!doctype html><title>Lost</title><p>Fixed again.</p>",
    );
    wait_line(&events, "event: reload");
    wait_same_as_clean_build(&site);
    assert!(site.read("public/404.html").contains("Fixed again."));
}
