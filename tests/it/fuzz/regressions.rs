//! Regressions: inputs that once crashed, hung or slowed knead, and classic crashers of
//! YAML and Markdown parsers, run through every target on every `cargo test`.

use std::path::Path;
use std::time::{Duration, Instant};

use knead::build::pipeline::Options;
use knead::markdown::citations::Citing;
use knead::markdown::{Placement, TextOrigin};

use super::{link_index, page_ids, parse_every_kind, parse_from_disk, render_all};
use crate::support::{copy_dir, fixture};

fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let fm = |yaml: &str, body: &str| {
        format!("---\ntitle: t\ndescription: d\ndate: 2025-01-01\n{yaml}---\n{body}").into_bytes()
    };
    let mut laughs = String::from("extra:\n  a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
    for i in 1..12 {
        laughs.push_str(&format!(
            "  a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(",")
        ));
    }
    let mut deep_block = String::from("extra:\n");
    for i in 1..2000 {
        deep_block.push_str(&format!("{}-\n", " ".repeat(i)));
    }
    vec![
        ("empty", Vec::new()),
        ("only a BOM", "\u{feff}".into()),
        ("BOM and fences", "\u{feff}---\n---\n".into()),
        ("CR only", "---\rtitle: x\r---\r".into()),
        ("fence without newline", "---".into()),
        ("NUL in YAML", fm("extra: {a: \"\0\"}\n", "")),
        ("billion laughs", fm(&laughs, "")),
        (
            "deep flow nesting",
            fm(
                &format!("extra: {{a: {}{}}}\n", "[".repeat(100_000), "]".repeat(100_000)),
                "",
            ),
        ),
        ("deep block nesting", fm(&deep_block, "")),
        ("merge keys", fm("extra:\n  base: &b {x: 1}\n  c:\n    <<: *b\n", "")),
        (
            "huge number",
            fm("references:\n  - title: x\n    year: 99999999999999999999999999\n", ""),
        ),
        ("tags", fm("tags: !!binary aGVsbG8=\n", "")),
        ("unicode key", fm("tïtle: x\n", "")),
        ("key at column of multibyte", fm("slug: ééé\n", "")),
        (
            "U+FFFE in a title",
            "---\ntitle: \"a\u{fffe}\u{ffff}\"\ndescription: d\ndate: 2025-01-01\n---\n".into(),
        ),
        (
            "script in an FAQ answer",
            fm(
                "faqs:\n  - question: q\n    answer: \"</script><script>alert(1)</script>\"\n",
                "",
            ),
        ),
        (
            "image out of the site",
            fm("image: {src: ../../../../etc/passwd, alt: x}\n", ""),
        ),
        ("deep blockquotes", fm("", &format!("{} x\n", ">".repeat(50_000)))),
        (
            "deep lists",
            fm(
                "",
                &(0..3000)
                    .map(|i| format!("{}- x\n", "  ".repeat(i)))
                    .collect::<String>(),
            ),
        ),
        ("unclosed emphasis", fm("", &"*a _b ".repeat(20_000))),
        ("unclosed links", fm("", &"[x".repeat(20_000))),
        ("repeated heading", fm("", &"## Why\n\ntext\n\n".repeat(5_000))),
        ("many links on one line", fm("", &"[b](b.md#x) ".repeat(3_000))),
        (
            "explicit ids that collide",
            fm("", "## A {#a-1}\n\n## A\n\n## A\n\n## A {#a}\n\n## toc-heading\n"),
        ),
        (
            "heading of marks only",
            fm("", "## ***\n\n## `` ``\n\n## \u{300}\u{301}\n"),
        ),
        (
            "link to a percent escape",
            fm("", "[x](%zz) [y](%C3%28) [z](/%2e%2e/) ![](%FF)"),
        ),
        ("footnote loops", fm("", "[^a]\n\n[^a]: [^b]\n[^b]: [^a]\n")),
        (
            "footnotes, headings and the theme's ids on one name",
            fm(
                "",
                "## Notes\n\n## Source 1 {#source-1}\n\n## X {#notes}\n\nA[^notes] B[^Notes] C[^nots].\n\n[^notes]: n\n",
            ),
        ),
        ("many undefined labels", fm("", &"[^x] [a][b] [c][] [^y ".repeat(500))),
        ("the same written id many times", fm("", &"## A {#a}\n\n".repeat(3_000))),
        (
            "a footnote defined twice",
            fm("", "[^1]: note\n\n[ref]: /articles/b/\n[^1]: note\n"),
        ),
        ("table without body", fm("", "|a|\n|-|\n")),
        ("invalid UTF-8", b"---\ntitle: caf\xe9\n---\n\xff\xfe".to_vec()),
    ]
}

#[test]
fn fuzz_regressions() {
    let dir = tempfile::tempdir().unwrap();
    let index = link_index("/");
    for (name, bytes) in corpus() {
        let start = Instant::now();
        let text = String::from_utf8_lossy(&bytes);
        parse_every_kind(Path::new("content/articles/x.md"), &text);
        parse_from_disk(dir.path(), &bytes);
        let sources = super::citation_sources();
        let origin = TextOrigin {
            file: Path::new("content/articles/a.md"),
            file_text: &text,
            placement: Placement::Body(1),
            source_dir: "articles/",
            page_path: "/articles/a/",
            analyze: true,
            language: "en",
            citing: Some(Citing {
                sources: &sources,
                faq: None,
            }),
            images: None,
        };
        let mut problems = Vec::new();
        let _ = knead::markdown::render(&text, &origin, &index, &mut page_ids(), &mut problems);
        render_all(problems);
        // As a whole site, too: the article among the fixture's files.
        let site = dir.path().join("site");
        let _ = std::fs::remove_dir_all(&site);
        copy_dir(&fixture("basic"), &site);
        std::fs::write(site.join("content/articles/third.md"), &bytes).unwrap();
        let out = dir.path().join("out");
        let result = knead::build::pipeline::build(&Options {
            root: site,
            output: Some(out.clone()),
            ..Options::default()
        });
        if let Err(e) = result {
            let _ = e.render(false);
        }
        let took = start.elapsed();
        assert!(took < Duration::from_secs(20), "{name}: took {took:?}");
    }
}
