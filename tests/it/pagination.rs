//! Lists at any size: `paginate_by`, the pages of every list (articles, FAQ hub,
//! techniques, benefits, tags) and their redirects, tag pages, and the sitemap, split
//! into an index of parts above 50,000 URLs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::support::{Site, knead};

const BASE: &str = "https://example.org/sub/";
const TECHNIQUES: &[&str] = &["swedish", "shiatsu", "deep-tissue"];
const BENEFITS: &[&str] = &["Better sleep", "Less stiffness", "Calm"];
const TAGS: &[&str] = &["Posture", "Office work", "Sport", "Rare tag"];

/// One generated article: what its front matter says.
struct Source {
    slug: String,
    date: String,
    techniques: Vec<&'static str>,
    benefits: Vec<&'static str>,
    tags: Vec<&'static str>,
    faqs: usize,
}

/// A site of `n` articles with varied dates (ties included), techniques, benefits, tags
/// and FAQs (some articles have none), `paginate_by: per` and a base path.
fn generated(n: usize, per: usize) -> (Site, Vec<Source>) {
    let site = Site {
        dir: tempfile::tempdir().unwrap(),
    };
    site.write(
        "site.yaml",
        &format!("title: \"Lists\"\nbase_url: \"{BASE}\"\ndescription: \"Many articles.\"\npaginate_by: {per}\n"),
    );
    for t in TECHNIQUES {
        site.write(
            &format!("content/techniques/{t}.md"),
            &format!("---\ntitle: \"Technique {t}\"\nsummary: \"About {t}.\"\npressure: light\n---\n\nText.\n"),
        );
    }
    let mut sources = Vec::new();
    for i in 0..n {
        let pick = |list: &[&'static str], k: usize| -> Vec<&'static str> {
            (0..k.min(list.len())).map(|j| list[(i / 3 + j) % list.len()]).collect()
        };
        let mut tags = pick(&TAGS[..3], i % 3);
        if i % 50 == 7 {
            tags.push(TAGS[3]);
        }
        let s = Source {
            slug: format!("a-{i:03}"),
            // Every day of about a year and a half, many days twice.
            date: format!("2024-{:02}-{:02}", 1 + (i * 37 / 28) % 12, 1 + (i * 37) % 28),
            techniques: pick(TECHNIQUES, 1 + i % 2),
            benefits: pick(BENEFITS, i % 3),
            tags,
            faqs: if i % 5 == 0 { 0 } else { 1 + i % 3 },
        };
        let quoted = |v: &[&str]| v.iter().map(|x| format!("\"{x}\"")).collect::<Vec<_>>().join(", ");
        let mut text = format!(
            "---\ntitle: \"Article {i}\"\ndescription: \"About {i}.\"\ndate: {}\ntechniques: [{}]\nbenefits: [{}]\ntags: [{}]\n",
            s.date,
            s.techniques.join(", "),
            quoted(&s.benefits),
            quoted(&s.tags),
        );
        if s.faqs == 0 {
            text.push_str("faqs: []\n");
        } else {
            text.push_str("faqs:\n");
            for q in 0..s.faqs {
                let _ = write!(
                    text,
                    "  - question: \"Question {q} of {i}?\"\n    answer: \"Answer {q}.\"\n"
                );
            }
        }
        text.push_str("---\n\nBody.\n");
        site.write(&format!("content/articles/{}.md", s.slug), &text);
        sources.push(s);
    }
    sources.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    (site, sources)
}

/// The output file of a URL of the site (absolute, or a path under the base path).
fn file_of(out: &Path, url: &str) -> PathBuf {
    let path = url.strip_prefix(BASE.trim_end_matches("sub/")).unwrap_or(url);
    let rel = path
        .strip_prefix("/sub/")
        .unwrap_or_else(|| panic!("{url} is outside /sub/"));
    out.join(rel).join("index.html")
}

/// Every `href` that follows each occurrence of `marker` in `html`.
fn hrefs_after<'a>(html: &'a str, marker: &str) -> Vec<&'a str> {
    html.match_indices(marker)
        .filter_map(|(at, _)| {
            let rest = &html[at..];
            let start = rest.find("href=\"")? + 6;
            rest[start..].split('"').next()
        })
        .collect()
}

/// The pagination nav of a page, if any.
fn nav(html: &str) -> Option<&str> {
    let start = html.find("<nav class=\"pagination\" aria-label=\"Pagination\">")?;
    let len = html[start..].find("</nav>")?;
    Some(&html[start..start + len])
}

/// Walks a list from its first page along `rel="next"`: the articles each page links,
/// by marker. Checks each page's nav on the way: every link resolves, the current page
/// is marked once, and the page numbers count up.
fn walk(out: &Path, list: &str, marker: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut url = format!("/sub{list}");
    loop {
        let file = file_of(out, &url);
        let html = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{url}: {e}"));
        let n = pages.len() + 1;
        let items: Vec<String> = hrefs_after(&html, marker).into_iter().map(str::to_owned).collect();
        if let Some(nav) = nav(&html) {
            for href in hrefs_after(nav, "<a ") {
                assert!(file_of(out, href).is_file(), "{url}: the link {href} leads nowhere");
            }
            let current = hrefs_after(nav, "aria-current");
            assert_eq!(nav.matches("aria-current=\"page\"").count(), 1, "{url}: {nav}");
            assert!(nav.contains(&format!("<span class=\"visually-hidden\">Page </span>{n}</a>")));
            assert!(current.len() <= 1, "{url}");
            let expected = if n == 1 {
                format!("/sub{list}")
            } else {
                format!("/sub{list}page/{n}/")
            };
            assert!(
                nav.contains(&format!("href=\"{expected}\" aria-current=\"page\"")),
                "{url}: {nav}"
            );
        }
        pages.push(items);
        match hrefs_after(&html, "<link rel=\"next\"").first() {
            Some(next) => {
                assert_eq!(*next, format!("/sub{list}page/{}/", n + 1), "{url}");
                url = (*next).to_owned();
            }
            None => break,
        }
    }
    pages
}

/// The site path of an article.
fn article_url(slug: &str) -> String {
    format!("/sub/articles/{slug}/")
}

/// Every article is on exactly one page of each list it belongs to, in order, each page
/// holding `paginate_by` articles but the last; page links and the page-1 redirects
/// resolve; a list's pages after the first are not in the sitemap.
#[test]
fn every_list_is_split_into_pages_in_order() {
    let per = 7;
    let (site, sources) = generated(230, per);
    let out = site.dir.path().join("out");
    site.knead(&["build", "--output", out.to_str().unwrap()]).ok();
    let ordered = |keep: &dyn Fn(&Source) -> bool| -> Vec<String> {
        sources
            .iter()
            .filter(|s| keep(s))
            .map(|s| article_url(&s.slug))
            .collect()
    };
    let slug_of = |name: &str| name.to_lowercase().replace(' ', "-");
    let mut lists: Vec<(String, &str, Vec<String>)> = vec![
        ("/articles/".into(), "class=\"card-title\"", ordered(&|_| true)),
        (
            "/faq/".into(),
            "<section class=\"faq-group\">",
            ordered(&|s| s.faqs > 0),
        ),
    ];
    for t in TECHNIQUES {
        let list = ordered(&|s| s.techniques.contains(t));
        lists.push((format!("/techniques/{t}/"), "class=\"card-title\"", list));
    }
    for b in BENEFITS {
        let list = ordered(&|s| s.benefits.contains(b));
        lists.push((format!("/benefits/{}/", slug_of(b)), "class=\"card-title\"", list));
    }
    for t in TAGS {
        let list = ordered(&|s| s.tags.contains(t));
        lists.push((format!("/tags/{}/", slug_of(t)), "class=\"card-title\"", list));
    }
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    for (list, marker, expected) in &lists {
        let pages = walk(&out, list, marker);
        assert_eq!(pages.len(), expected.len().div_ceil(per).max(1), "{list}");
        for (n, page) in pages.iter().enumerate() {
            let full = n + 1 < pages.len();
            assert!(!full || page.len() == per, "{list} page {}: {page:?}", n + 1);
        }
        assert_eq!(&pages.concat(), expected, "{list}: every article once, in order");
        let first_page_alias = std::fs::read_to_string(file_of(&out, &format!("/sub{list}page/1/"))).unwrap();
        let target = format!("{}{}", BASE, list.trim_start_matches('/'));
        for tag in [
            format!("<meta http-equiv=\"refresh\" content=\"0; url={target}\">"),
            format!("<link rel=\"canonical\" href=\"{target}\">"),
            "<meta name=\"robots\" content=\"noindex\">".into(),
            format!("<a href=\"{target}\">"),
        ] {
            assert!(first_page_alias.contains(&tag), "{list}page/1/ lacks {tag}");
        }
        assert!(sitemap.contains(&format!("<loc>{target}</loc>")), "{list}");
        assert!(!sitemap.contains(&format!("{target}page/")), "{list}");
    }
    // The last page of the article list, and the single page of a short list, say so.
    let last = std::fs::read_to_string(file_of(
        &out,
        &format!("/sub/articles/page/{}/", 230usize.div_ceil(per)),
    ))
    .unwrap();
    assert!(last.contains("<link rel=\"prev\""));
    assert!(!last.contains("<link rel=\"next\""));
    let rare = std::fs::read_to_string(file_of(&out, "/sub/tags/rare-tag/")).unwrap();
    assert!(nav(&rare).is_none(), "a list of one page has no pagination nav");
    assert!(!out.join("tags/rare-tag/page/2").exists());
}

/// `/tags/` lists every tag with its number of articles, each tag page says how many
/// articles carry it, and each article page links its tags.
#[test]
fn tags_have_pages_and_articles_link_them() {
    let (site, sources) = generated(40, 5);
    let out = site.dir.path().join("out");
    site.knead(&["build", "--output", out.to_str().unwrap()]).ok();
    let tags = std::fs::read_to_string(out.join("tags/index.html")).unwrap();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &sources {
        for t in &s.tags {
            *counts.entry(t).or_default() += 1;
        }
    }
    for (tag, count) in &counts {
        let slug = tag.to_lowercase().replace(' ', "-");
        let line = format!(
            "<li><a href=\"/sub/tags/{slug}/\">{tag}</a> <span class=\"count\">{count} article{}</span></li>",
            if *count == 1 { "" } else { "s" }
        );
        assert!(tags.contains(&line), "/tags/ lacks {line}:\n{tags}");
        let page = std::fs::read_to_string(out.join(format!("tags/{slug}/index.html"))).unwrap();
        assert!(page.contains(&format!("<h1>{tag}</h1>")), "{page}");
        assert!(page.contains(&format!("{count} article")), "{tag}");
    }
    for s in sources.iter().filter(|s| !s.tags.is_empty()) {
        let page = std::fs::read_to_string(out.join(format!("articles/{}/index.html", s.slug))).unwrap();
        let linked: BTreeSet<&str> = (hrefs_after(&page, "<li><a href=\"/sub/tags/").into_iter())
            .filter(|h| *h != "/sub/tags/")
            .collect();
        let expected: BTreeSet<String> = (s.tags.iter())
            .map(|t| format!("/sub/tags/{}/", t.to_lowercase().replace(' ', "-")))
            .collect();
        assert_eq!(linked, expected.iter().map(String::as_str).collect(), "{}", s.slug);
    }
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains(&format!("<loc>{BASE}tags/</loc>")));
    assert!(sitemap.contains(&format!("<loc>{BASE}tags/office-work/</loc>")));
}

/// `paginate_by` must be a positive whole number; a page may not take the `tags` slug;
/// a tag needs letters or digits for its URL.
#[test]
fn bad_pagination_and_tags_are_located_errors() {
    let site = Site::new("basic");
    site.edit("site.yaml", "language: en\n", "language: en\npaginate_by: 0\n");
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("site.yaml:")
        .stderr_has("`paginate_by` is 0")
        .stderr_has("paginate_by: 20");
    site.edit("site.yaml", "paginate_by: 0", "paginate_by: many");
    site.knead(&["build"]).fails_with(1).stderr_has("paginate_by");
    site.edit("site.yaml", "paginate_by: many", "paginate_by: 3");
    site.write("content/pages/tags.md", "---\ntitle: \"Tags\"\n---\n\nMine.\n");
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("content/pages/tags.md")
        .stderr_has("the page slug `tags` is taken");
    std::fs::remove_file(site.path("content/pages/tags.md")).unwrap();
    let article = std::fs::read_dir(site.path("content/articles"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, text.replacen("---\n", "---\ntags: [\"!!!\"]\n", 1)).unwrap();
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("the tag `!!!` has no letters or digits to make a URL from");
}

/// Above 50,000 URLs, `/sitemap.xml` is an index of parts of at most 50,000 URLs each,
/// every part well-formed, and every page of the site listed exactly once; robots.txt
/// still points at `/sitemap.xml`. Minimal articles and templates keep the build short.
#[test]
fn a_large_site_gets_a_sitemap_index() {
    // A tmpfs where there is one: the build writes some 70,000 files.
    let shm = Path::new("/dev/shm");
    let tmp = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let root = tmp.path().join("site");
    let n = 60_000;
    std::fs::create_dir_all(root.join("content/articles")).unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("site.yaml"),
        format!("title: \"Big\"\nbase_url: \"{BASE}\"\ndescription: \"Many.\"\npaginate_by: 1000\n"),
    )
    .unwrap();
    for t in knead::render::REQUIRED_TEMPLATES {
        std::fs::write(root.join("templates").join(t), "{{ meta.title }}").unwrap();
    }
    for i in 0..n {
        std::fs::write(
            root.join(format!("content/articles/a{i}.md")),
            format!(
                "---\ntitle: \"A{i}\"\ndescription: \"d\"\ndate: 2025-01-01\ntags: [t{}]\n---\nx\n",
                i % 3
            ),
        )
        .unwrap();
    }
    let out = tmp.path().join("out");
    let run = knead()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));

    let index = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&index).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
    let parts: Vec<&str> = (doc.descendants())
        .filter(|e| e.has_tag_name("loc"))
        .filter_map(|e| e.text())
        .collect();
    assert_eq!(parts, [format!("{BASE}sitemap-1.xml"), format!("{BASE}sitemap-2.xml")]);
    let mut listed: Vec<String> = Vec::new();
    for part in &parts {
        let file = out.join(part.strip_prefix(BASE).unwrap());
        let text = std::fs::read_to_string(&file).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        assert_eq!(doc.root_element().tag_name().name(), "urlset");
        let urls: Vec<String> = (doc.descendants())
            .filter(|e| e.has_tag_name("loc"))
            .filter_map(|e| e.text().map(str::to_owned))
            .collect();
        assert!(urls.len() <= 50_000, "{part}: {}", urls.len());
        listed.extend(urls);
    }
    // Every HTML page but the 404 page, the search page, redirects and the pages after
    // the first of a list, once.
    let mut pages: Vec<String> = walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name() == "index.html")
        .map(|e| {
            let rel = e
                .path()
                .parent()
                .unwrap()
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if rel.is_empty() {
                BASE.to_owned()
            } else {
                format!("{BASE}{rel}/")
            }
        })
        .filter(|u| !u.contains("/page/") && !u.ends_with("/search/"))
        .collect();
    assert!(pages.len() > 60_000, "{}", pages.len());
    let mut sorted = listed.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), listed.len(), "a URL is listed twice");
    pages.sort();
    assert_eq!(sorted, pages);
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.contains(&format!("Sitemap: {BASE}sitemap.xml")));
}
