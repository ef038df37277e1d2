//! The invariant of watch mode: after any sequence of edits, creations, deletions and
//! renames (of sources, of the whole themes folder, and of the output folder itself), the
//! incrementally rebuilt output is byte-identical to a clean build of the same sources.
//! Random edit sequences on a generated site check it, with and without benefit
//! profiles, with citations in bodies, FAQ answers and profiles; its lists hold a few
//! articles a page, so additions, deletions, date and tag changes move articles across
//! page boundaries.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use knead::build::incremental::Incremental;
use knead::build::pipeline::{self, Options};

use crate::support::{copy_dir, tree};

#[path = "incremental_languages.rs"]
mod languages;

/// A small deterministic random number generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const TECHNIQUES: &[&str] = &["swedish", "deep-tissue", "trigger-point", "hot-stone"];
const BENEFITS: &[&str] = &["Sleep", "Muscle tension", "Relaxation and stress", "sleep"];
/// The profiles the names of `BENEFITS` resolve to.
const PROFILES: &[&str] = &["sleep", "muscle-tension", "relaxation-and-stress"];
const GRADES: &[&str] = &["high", "moderate", "low", "very-low", "insufficient"];

/// A benefit profile: its grade, title and text vary, and it cites its own source.
fn profile(rng: &mut Rng, slug: &str) -> String {
    let grade = rng.pick(GRADES);
    let title = if rng.below(3) == 0 {
        format!("Title of {slug} {}", rng.below(100))
    } else {
        slug.replace('-', " ")
    };
    let cite = if rng.below(2) == 0 { " [@p-src]" } else { "" };
    format!(
        "---\ntitle: \"{title}\"\nsummary: \"About {slug} {}.\"\nevidence: {grade}\nlast_reviewed: 2025-0{}-01\nreferences:\n  - id: p-src\n    title: \"Profile source\"\n---\n\nWhat we know{cite}.\n\n## Part one\n\nMore.\n",
        rng.below(10),
        1 + rng.below(9),
    )
}
const TAGS: &[&str] = &["posture", "Office work", "office-work", "sleep", "Sport"];

fn article(rng: &mut Rng, n: usize, slugs: &[String]) -> String {
    let techniques: Vec<&str> = (0..rng.below(3)).map(|_| *rng.pick(TECHNIQUES)).collect();
    let benefits: Vec<String> = (0..rng.below(3))
        .map(|_| format!("\"{}\"", rng.pick(BENEFITS)))
        .collect();
    let tags: Vec<String> = (0..rng.below(3)).map(|_| format!("\"{}\"", rng.pick(TAGS))).collect();
    let mut faqs = String::new();
    for q in 0..rng.below(3) {
        faqs.push_str(&format!(
            "  - question: \"Question {q} of {n}?\"\n    answer: \"Answer {q} [@src-{n}], see [home](/).\"\n"
        ));
    }
    // Sometimes a processed image, which an edit of the file must re-render.
    let picture = if rng.below(4) == 0 {
        "\n\n![A picture](../images/pic0.png)"
    } else {
        ""
    };
    let link = if slugs.is_empty() {
        String::new()
    } else {
        format!("See [another](/articles/{}/).", rng.pick(slugs))
    };
    format!(
        "---\ntitle: \"Article {n}\"\ndescription: \"About {n}.\"\ndate: 2025-0{}-1{}\ntechniques: [{}]\nbenefits: [{}]\ntags: [{}]\nfaqs:\n{}references:\n  - title: \"Other source\"\n  - title: \"Source {n}\"\n    id: src-{n}\n    url: \"https://example.org/{n}\"\n---\n\nIntro {n} [@src-{n}]. {link}{picture}\n\n## Part one\n\nText.\n\n<aside id=\"box\">Boxed.</aside>\n\n> [!NOTE]\n> A callout.\n\n## Part two\n\nMore text.\n",
        1 + rng.below(9),
        rng.below(10),
        techniques.join(", "),
        benefits.join(", "),
        tags.join(", "),
        if faqs.is_empty() { "  []\n".to_owned() } else { faqs },
    )
    .replace("faqs:\n  []\n", "faqs: []\n")
}

fn technique(slug: &str, title: &str, pressure: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\nsummary: \"About {slug}.\"\npressure: {pressure}\navoid_if: [\"Fever\"]\n---\n\n## In a session\n\nWork on {slug}.\n"
    )
}

/// `about`: no menu entry for the about page (0), one (1), one to an id in its raw
/// HTML (2). `language` names the callouts' titles. Small list pages (`paginate_by`), so
/// that lists of a few articles span several pages and edits move articles across their
/// boundaries.
fn site_yaml(title: &str, about: usize, language: &str, paginate_by: usize) -> String {
    let about = match about {
        0 => "",
        1 => "  - name: About\n    url: pages/about.md\n",
        _ => "  - name: Team\n    url: /about/#team\n",
    };
    format!(
        "title: \"{title}\"\nlanguage: {language}\nbase_url: \"https://example.org/sub/\"\ndescription: \"A site.\"\npaginate_by: {paginate_by}\ndisclaimer: \"Not advice. See [about](/about/).\"\nmenu:\n  - name: Articles\n    url: /articles/\n{about}"
    )
}

struct World {
    root: PathBuf,
    /// The output folder the watcher's engine writes.
    out: PathBuf,
    articles: BTreeMap<String, String>, // file stem -> text
    rng: Rng,
    counter: usize,
}

impl World {
    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    /// Writes a small real PNG, `width` pixels wide (resized when over 480).
    fn write_png(&self, rel: &str, width: u32, seed: u64) -> PathBuf {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let shade = (seed % 200) as u8;
        image::RgbImage::from_fn(width, 12, |x, _| image::Rgb([shade, (x % 256) as u8, 90]))
            .save(&p)
            .unwrap();
        p
    }

    fn remove(&self, rel: &str) -> PathBuf {
        let p = self.root.join(rel);
        let _ = std::fs::remove_file(&p);
        p
    }

    fn stems(&self) -> Vec<String> {
        self.articles.keys().cloned().collect()
    }

    /// Applies one random edit and returns the paths it touched.
    fn random_edit(&mut self) -> (String, Vec<PathBuf>) {
        let op = self.rng.below(30);
        let stems = self.stems();
        if stems.is_empty() && op < 12 {
            return self.add_article();
        }
        let stem = self.rng.pick(&stems).clone();
        let rel = format!("content/articles/{stem}.md");
        let text = self.articles.get(&stem).cloned().unwrap_or_default();
        let set = |w: &mut World, new: String, what: &str| -> (String, Vec<PathBuf>) {
            w.articles.insert(stem.clone(), new.clone());
            (format!("{what} {stem}"), vec![w.write(&rel, &new)])
        };
        match op {
            0 if self.rng.below(2) == 0 => set(self, text.replace("More text.", "More text, edited."), "body"),
            // An id in raw HTML other articles link to, removed or brought back.
            0 if self.rng.below(2) == 0 => {
                let new = if text.contains("<aside id=\"box\">") {
                    text.replace("<aside id=\"box\">", "<aside>")
                } else {
                    text.replace("<aside>", "<aside id=\"box\">")
                };
                set(self, new, "html id")
            }
            // A callout's kind changed, or misspelt (a warning: the quote stays a quote).
            0 if self.rng.below(2) == 0 => {
                let kind = *self.rng.pick(&["NOTE", "warning", "WARNIG", "Tip"]);
                let new = text
                    .lines()
                    .map(|l| {
                        if l.starts_with("> [!") {
                            format!("> [!{kind}]")
                        } else {
                            l.to_owned()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
                    + "\n";
                set(self, new, "callout")
            }
            // An old path of the article, added, changed or removed: redirect pages and
            // /_redirects follow, and two articles with one alias are an error.
            0 if self.rng.below(3) == 0 => {
                let n = self.rng.below(4);
                let new = if text.starts_with("---\naliases:") && self.rng.below(2) == 0 {
                    text.replacen(&text[..text.find("\ntitle:").unwrap_or(3)], "---", 1)
                } else if text.starts_with("---\naliases:") {
                    text.replacen("---\naliases: [", &format!("---\naliases: [/old-{n}/, "), 1)
                } else {
                    text.replacen("---\n", &format!("---\naliases: [/old-{n}/]\n"), 1)
                };
                set(self, new, "aliases")
            }
            // A body edit that removes (or brings back) the anchor other articles link to.
            0 => {
                let new = if text.contains("## Part one") {
                    text.replace("## Part one", "## Part 1")
                } else {
                    text.replace("## Part 1", "## Part one")
                };
                set(self, new, "heading")
            }
            1 => {
                let n = self.rng.below(1000);
                let new = text.replacen("title: \"Article", &format!("title: \"Edited {n} article"), 1);
                set(self, new, "title")
            }
            2 => {
                let d = format!("date: 2024-1{}-0{}", self.rng.below(3), 1 + self.rng.below(8));
                let new = regex_line(&text, "date: ", &d);
                set(self, new, "date")
            }
            3 => {
                let t = format!("techniques: [{}]", self.rng.pick(TECHNIQUES));
                set(self, regex_line(&text, "techniques: ", &t), "techniques")
            }
            4 => {
                let b = format!("benefits: [\"{}\"]", self.rng.pick(BENEFITS));
                set(self, regex_line(&text, "benefits: ", &b), "benefits")
            }
            5 => {
                let new = if text.contains("faqs: []") {
                    text.replace("faqs: []", "faqs:\n  - question: \"New?\"\n    answer: \"Yes.\"")
                } else {
                    text.replacen(
                        "faqs:\n",
                        "faqs:\n  - question: \"Added?\"\n    answer: \"Added [link](/techniques/).\"\n",
                        1,
                    )
                };
                set(self, new, "faq")
            }
            6 => {
                let draft = if text.contains("draft: true") {
                    text.replace("draft: true\n", "")
                } else {
                    text.replacen("---\n", "---\ndraft: true\n", 1)
                };
                set(self, draft, "draft")
            }
            7 => {
                self.articles.remove(&stem);
                ("delete".into(), vec![self.remove(&rel)])
            }
            8 => {
                // Rename the file: same text, new stem.
                self.counter += 1;
                let new_stem = format!("renamed-{}", self.counter);
                self.articles.remove(&stem);
                self.articles.insert(new_stem.clone(), text.clone());
                let from = self.remove(&rel);
                let to = self.write(&format!("content/articles/{new_stem}.md"), &text);
                ("rename".into(), vec![from, to])
            }
            9 => {
                let new = if text.contains("\nslug: ") {
                    regex_line(&text, "slug: ", "")
                } else {
                    text.replacen("---\n", &format!("---\nslug: custom-{stem}\n"), 1)
                };
                set(self, new.replace("\n\n---", "\n---"), "slug")
            }
            10 => {
                let target = self.rng.pick(&stems).clone();
                let anchor = *self.rng.pick(&["part-one", "box", "top"]);
                let new = text.replace(
                    "## Part two",
                    &format!("See [part one of {target}]({target}.md#{anchor}).\n\n## Part two"),
                );
                set(self, new, "anchor link")
            }
            11 | 12 => self.add_article(),
            13 => {
                let t = *self.rng.pick(TECHNIQUES);
                let n = self.rng.below(100);
                let pressure = *self.rng.pick(&["light", "moderate", "firm"]);
                let p = self.write(
                    &format!("content/techniques/{t}.md"),
                    &technique(t, &format!("Technique {t} {n}"), pressure),
                );
                ("technique".into(), vec![p])
            }
            14 => {
                let title = format!("Site {}", self.rng.below(100));
                let menu = self.rng.below(3);
                let language = *self.rng.pick(&["en", "es"]);
                let paginate_by = 1 + self.rng.below(3);
                (
                    "site.yaml".into(),
                    vec![self.write("site.yaml", &site_yaml(&title, menu, language, paginate_by))],
                )
            }
            // The ids the theme reserves: headings named so take other ids, and links
            // to them are no longer checked against the headings.
            // (Not while `themes/` is removed: the built-in theme is used then.)
            15 if self.rng.below(2) == 0 && self.root.join("themes/default/theme.yaml").is_file() => {
                let rel = "themes/default/theme.yaml";
                let text = std::fs::read_to_string(self.root.join(rel)).unwrap();
                let new = if text.contains("  - part-one\n") {
                    text.replace("  - part-one\n", "")
                } else {
                    text.replace("reserved_ids:\n", "reserved_ids:\n  - part-one\n")
                };
                ("theme ids".into(), vec![self.write(rel, &new)])
            }
            15 => {
                if self.root.join("templates/404.html").exists() {
                    ("template removed".into(), vec![self.remove("templates/404.html")])
                } else {
                    let t = "<!doctype html><html lang=\"en\"><title>{{ meta.title }}</title><p>Lost on {{ site.title }}</p></html>";
                    ("template added".into(), vec![self.write("templates/404.html", t)])
                }
            }
            16 => {
                let n = self.rng.below(3);
                if self.rng.below(3) == 0 {
                    (
                        "asset removed".into(),
                        vec![self.remove(&format!("content/images/pic{n}.png"))],
                    )
                } else if self.rng.below(3) == 0 {
                    // Not a PNG: an error where a page shows it.
                    let bytes = format!("image {} {}", n, self.rng.next());
                    (
                        "asset".into(),
                        vec![self.write(&format!("content/images/pic{n}.png"), &bytes)],
                    )
                } else {
                    let width = 8 + self.rng.below(600) as u32;
                    let seed = self.rng.next();
                    (
                        "image".into(),
                        vec![self.write_png(&format!("content/images/pic{n}.png"), width, seed)],
                    )
                }
            }
            17 => {
                let n = self.rng.below(100);
                let team = if self.rng.below(2) == 0 { " id=\"team\"" } else { "" };
                let p = self.write(
                    "content/pages/about.md",
                    &format!("---\ntitle: \"About {n}\"\n---\n\n## Who\n\nUs {n}.\n\n<p{team}>Team.</p>\n"),
                );
                ("page".into(), vec![p])
            }
            18 => {
                // A broken file; a later edit of the same file repairs it.
                set(self, text.replace("title:", "titel:"), "break")
            }
            19 => {
                // Something else removes the output folder, or empties it; then an edit.
                if self.rng.below(2) == 0 {
                    let _ = std::fs::remove_dir_all(&self.out);
                } else if let Ok(entries) = std::fs::read_dir(&self.out) {
                    for e in entries.flatten() {
                        let _ = std::fs::remove_dir_all(e.path()).or_else(|_| std::fs::remove_file(e.path()));
                    }
                }
                let (what, paths) = self.random_edit();
                (format!("output removed, then {what}"), paths)
            }
            20 => {
                // The site's own copy of the default theme, or none (the built-in one).
                let themes = self.root.join("themes");
                if themes.exists() {
                    std::fs::remove_dir_all(&themes).unwrap();
                    ("themes removed".into(), vec![themes])
                } else {
                    let dir = themes.join("default");
                    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"), &dir);
                    let n = self.rng.below(100);
                    let css = std::fs::read_to_string(dir.join("static/style.css")).unwrap();
                    self.write("themes/default/static/style.css", &format!("{css}\n/* site {n} */\n"));
                    ("themes added".into(), vec![dir])
                }
            }
            21 | 22 => {
                let slug = *self.rng.pick(PROFILES);
                let text = profile(&mut self.rng, slug);
                (
                    format!("profile {slug}"),
                    vec![self.write(&format!("content/benefits/{slug}.md"), &text)],
                )
            }
            23 => {
                let slug = *self.rng.pick(PROFILES);
                (
                    format!("profile {slug} removed"),
                    vec![self.remove(&format!("content/benefits/{slug}.md"))],
                )
            }
            24 => {
                // A citation of an id the article lacks (an error), or of the source
                // without an id (the order of the list), or back again.
                let new = if text.contains("[@src-") {
                    text.replacen("[@src-", "[@nope-", 1)
                } else if text.contains("  - title: \"Other source\"\n") {
                    text.replace("  - title: \"Other source\"\n", "")
                } else {
                    text.replace("[@nope-", "[@src-")
                };
                set(self, new, "citation")
            }
            25 => {
                let tags: Vec<String> = (0..self.rng.below(3))
                    .map(|_| format!("\"{}\"", self.rng.pick(TAGS)))
                    .collect();
                let new = regex_line(&text, "tags: ", &format!("tags: [{}]", tags.join(", ")));
                set(self, new, "tags")
            }
            // Translations: written from the article (its techniques and benefits then
            // match, until the original changes), edited, removed; the site's languages
            // listed or not (an unlisted language is an error).
            26..=29 => self.language_edit(op, &stem, &text),
            _ => {
                let n = self.rng.below(100);
                let p = self.write(
                    "content/index.md",
                    &format!("---\ntitle: \"Home {n}\"\n---\n\nWelcome {n}.\n"),
                );
                ("home".into(), vec![p])
            }
        }
    }

    fn add_article(&mut self) -> (String, Vec<PathBuf>) {
        self.counter += 1;
        let stem = format!("article-{}", self.counter);
        let stems = self.stems();
        let text = article(&mut self.rng, self.counter, &stems);
        self.articles.insert(stem.clone(), text.clone());
        (
            "add".into(),
            vec![self.write(&format!("content/articles/{stem}.md"), &text)],
        )
    }
}

/// Replaces the line starting with `prefix` (removes it when `new` is empty).
fn regex_line(text: &str, prefix: &str, new: &str) -> String {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with(prefix) {
            if !new.is_empty() {
                out.push(new.to_owned());
            }
        } else {
            out.push(line.to_owned());
        }
    }
    out.join("\n") + "\n"
}

fn new_world(root: &Path, seed: u64) -> World {
    let mut w = World {
        root: root.to_path_buf(),
        out: root.with_file_name("out"),
        articles: BTreeMap::new(),
        rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
        counter: 0,
    };
    w.write("site.yaml", &site_yaml("Site", 1, "en", 2));
    w.write("content/index.md", "---\ntitle: \"Home\"\n---\n\nWelcome.\n");
    w.write(
        "content/pages/about.md",
        "---\ntitle: \"About\"\n---\n\n## Who\n\nUs.\n\n<p id=\"team\">Team.</p>\n",
    );
    for t in TECHNIQUES {
        w.write(
            &format!("content/techniques/{t}.md"),
            &technique(t, &format!("Technique {t}"), "light"),
        );
    }
    w.write_png("content/images/pic0.png", 500, 1);
    // The default theme on disk, as `knead init` writes it, so its theme.yaml can change.
    for (path, bytes) in knead::source::theme::embedded_files() {
        w.write(&format!("themes/default/{path}"), &String::from_utf8_lossy(bytes));
    }
    // Lists show each article's benefits with their grades (the default theme's cards do
    // not), so a stale listing would show.
    w.write(
        "templates/partials/article-card.html",
        "<li class=\"card\"><h3><a href=\"{{ a.url }}\">{{ a.title }}</a></h3><p>{% for b in a.benefits %}{{ b.name }} {% if b.evidence %}{{ b.evidence.label }}{% endif %}; {% endfor %}</p></li>",
    );
    for _ in 0..5 {
        w.add_article();
    }
    // Half the sites have benefit profiles, so every article's benefits must name one.
    if seed.is_multiple_of(2) {
        for slug in PROFILES {
            let text = profile(&mut w.rng, slug);
            w.write(&format!("content/benefits/{slug}.md"), &text);
        }
    }
    w
}

/// The same files and folders in both, byte for byte.
fn assert_same(incremental: &Path, clean: &Path, context: &str) {
    let (f1, f2) = (tree(incremental), tree(clean));
    let k1: Vec<_> = f1.keys().collect();
    let k2: Vec<_> = f2.keys().collect();
    assert_eq!(k1, k2, "file and folder sets differ after {context}");
    for (k, v) in &f1 {
        assert!(
            v == &f2[k],
            "{k} differs after {context}:\n--- incremental\n{}\n--- clean\n{}",
            String::from_utf8_lossy(v),
            String::from_utf8_lossy(&f2[k])
        );
    }
}

/// A watcher's engine for the site at `root`, after its first build into `out`.
fn first_build(root: &Path, out: &Path) -> Incremental {
    let opts = Options {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        ..Options::default()
    };
    let mut inc = Incremental::new(opts).unwrap();
    inc.rebuild(&[]).unwrap();
    inc
}

/// A clean build of the site at `root` into `out`, to compare watch mode with.
fn clean_build(root: &Path, out: &Path) -> Result<pipeline::BuildReport, knead::diagnostics::Diagnostics> {
    pipeline::build(&Options {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        ..Options::default()
    })
}

#[test]
fn random_edit_sequences_match_clean_builds() {
    let sequences: u64 = std::env::var("KNEAD_SEQUENCES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    // Each build waits on a flush to disk far longer than it computes, so the sequences
    // run on a few threads at once; a failure panics in its thread and fails the test.
    const WORKERS: u64 = 4;
    std::thread::scope(|scope| {
        for worker in 0..WORKERS {
            scope.spawn(move || {
                for seed in (worker..sequences).step_by(WORKERS as usize) {
                    edit_sequence(seed);
                }
            });
        }
    });
}

/// One random sequence of edits, each rebuilt incrementally and compared with a clean
/// build of the same sources.
fn edit_sequence(seed: u64) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let mut world = new_world(&root, seed + 1);
    // A third of the sites are in two languages from the start, with a translation.
    if seed.is_multiple_of(3) {
        world.start_in_two_languages();
    }
    let mut inc = first_build(&root, &tmp.path().join("out"));
    let mut log = Vec::new();
    let steps = 3 + world.rng.below(6);
    for step in 0..steps {
        let (what, paths) = world.random_edit();
        log.push(what);
        let got = inc.rebuild(&paths);
        let clean_out = tmp.path().join(format!("clean-{step}"));
        let clean = clean_build(&root, &clean_out);
        let context = format!("seed {seed}, edits {log:?}");
        match (&got, &clean) {
            (Ok(_), Ok(_)) => assert_same(&tmp.path().join("out"), &clean_out, &context),
            // The same problems, word for word, as a clean build reports.
            (Err(a), Err(b)) => assert_eq!(a.render(false), b.render(false), "after {context}"),
            (Ok(_), Err(e)) => panic!(
                "incremental succeeded, clean failed after {context}: {}",
                e.render(false)
            ),
            (Err(e), Ok(_)) => panic!(
                "incremental failed, clean succeeded after {context}: {}",
                e.render(false)
            ),
        }
        let _ = std::fs::remove_dir_all(&clean_out);
    }
}

/// A body edit that removes the heading another article links to: the next rebuild
/// reports the broken anchor in the linking article (which did not change), exactly as
/// a clean build does, and fixing the heading clears it.
#[test]
fn an_edit_that_breaks_an_anchor_elsewhere_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let mut world = new_world(&root, 7);
    let a = article(&mut world.rng, 1, &[]);
    let b = article(&mut world.rng, 2, &[])
        .replace("Intro 2 [@src-2].", "Intro 2 [@src-2]. See [part one](a.md#part-one).");
    world.write("content/articles/a.md", &a);
    world.write("content/articles/b.md", &b);
    let mut inc = first_build(&root, &tmp.path().join("out"));
    let edited = world.write("content/articles/a.md", &a.replace("## Part one", "## Part 1"));
    let err = inc.rebuild(std::slice::from_ref(&edited)).unwrap_err().render(false);
    assert!(
        err.contains("the anchor `#part-one` does not exist on /articles/a/"),
        "{err}"
    );
    assert!(err.contains("content/articles/b.md"), "{err}");
    let clean = clean_build(&root, &tmp.path().join("clean"));
    assert_eq!(clean.unwrap_err().render(false), err);
    let fixed = world.write("content/articles/a.md", &a);
    inc.rebuild(&[fixed]).unwrap();
}

/// The same for an id written in raw HTML: removing it breaks the links to it, from
/// another article's body and from the menu, and bringing it back mends them.
#[test]
fn an_edit_that_removes_an_html_id_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let mut world = new_world(&root, 9);
    let a = article(&mut world.rng, 1, &[]);
    let b = article(&mut world.rng, 2, &[]).replace("## Part one", "See [the box](a.md#box).\n\n## Part one");
    world.write("content/articles/a.md", &a);
    world.write("content/articles/b.md", &b);
    world.write("site.yaml", &site_yaml("Site", 2, "en", 2));
    let mut inc = first_build(&root, &tmp.path().join("out"));
    let edited = world.write("content/articles/a.md", &a.replace("<aside id=\"box\">", "<aside>"));
    let about = world.write(
        "content/pages/about.md",
        "---\ntitle: \"About\"\n---\n\n<p id=\"tea\">Team.</p>\n",
    );
    let err = inc.rebuild(&[edited, about]).unwrap_err().render(false);
    assert!(
        err.contains("the anchor `#box` does not exist on /articles/a/"),
        "{err}"
    );
    assert!(err.contains("content/articles/b.md"), "{err}");
    assert!(
        err.contains("menu entry `Team`: the anchor `#team` does not exist on /about/"),
        "{err}"
    );
    assert!(err.contains("did you mean `#tea`?"), "{err}");
    let clean = clean_build(&root, &tmp.path().join("clean"));
    assert_eq!(clean.unwrap_err().render(false), err);
    let fixed = world.write("content/articles/a.md", &a);
    let about = world.write(
        "content/pages/about.md",
        "---\ntitle: \"About\"\n---\n\n<p id=\"team\">Team.</p>\n",
    );
    inc.rebuild(&[fixed, about]).unwrap();
}

/// A clean build writes each article page as soon as its Markdown is rendered, in
/// batches (see `pipeline::build`); watch mode renders them all from the finished model.
/// With enough articles for several batches, the two outputs are the same, byte for byte.
#[test]
fn pages_written_early_equal_pages_written_from_the_model() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let mut world = new_world(&root, 11);
    for _ in 0..40 {
        world.add_article();
    }
    first_build(&root, &tmp.path().join("out"));
    let clean = tmp.path().join("clean");
    clean_build(&root, &clean).unwrap();
    let pages = std::fs::read_dir(clean.join("articles")).unwrap().count();
    assert!(pages > 40, "{pages} article folders");
    assert_same(&tmp.path().join("out"), &clean, "a first build of 45 articles");
}

/// An old path handed from one article to another: its redirect page and `/_redirects`
/// follow, though no page, path or site setting changed.
#[test]
fn an_alias_that_moves_to_another_article_follows() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let mut world = new_world(&root, 11);
    let with = |text: &str| text.replacen("---\n", "---\naliases: [/old/]\n", 1);
    let a = article(&mut world.rng, 1, &[]);
    let b = article(&mut world.rng, 2, &[]);
    world.write("content/articles/a.md", &with(&a));
    world.write("content/articles/b.md", &b);
    let out = tmp.path().join("out");
    let mut inc = first_build(&root, &out);
    let from_a = world.write("content/articles/a.md", &a);
    let to_b = world.write("content/articles/b.md", &with(&b));
    inc.rebuild(&[from_a, to_b]).unwrap();
    let clean = tmp.path().join("clean");
    clean_build(&root, &clean).unwrap();
    assert!(
        std::fs::read_to_string(out.join("old/index.html"))
            .unwrap()
            .contains("/articles/b/")
    );
    assert_same(&out, &clean, "alias moved from a to b");
}
