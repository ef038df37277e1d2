//! Unit tests of the Markdown stage: heading ids and the table of contents, extensions,
//! link rewriting, callouts, raw-HTML ids claimed before headings, word counts.

use super::*;

#[test]
fn words_are_counted_as_split_whitespace_counts_them() {
    let spaces = [
        ' ', '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{85}', '\u{a0}', '\u{2003}', '\u{3000}', '\u{200b}',
    ];
    let letters = ['a', 'é', '’', '腰', '\u{1F600}', '\u{1c}', '-'];
    let alphabet: Vec<char> = spaces.iter().chain(&letters).copied().collect();
    // Every string of up to 4 characters of the alphabet, and longer ones built from it.
    let mut cases = vec![String::new()];
    for _ in 0..4 {
        let longer: Vec<String> = cases
            .iter()
            .filter(|s| s.chars().count() == cases.last().map_or(0, |l| l.chars().count()))
            .flat_map(|s| alphabet.iter().map(move |&c| format!("{s}{c}")))
            .collect();
        cases.extend(longer);
    }
    cases.push("  Massage   eases\u{a0}aches;\nrunner’s knees\t\u{2028}ok ".into());
    // Long ASCII runs, every ASCII byte beside spaces, across the 8-byte steps.
    for len in 0..20 {
        for at in 0..len {
            for x in 0..128u8 {
                let mut b: Vec<u8> = (0..len).map(|k| b"ab c\td  e"[k % 9]).collect();
                b[at] = x;
                cases.push(String::from_utf8(b.clone()).unwrap_or_default());
                b.insert(len / 2, 0xC3);
                b.insert(len / 2 + 1, 0xA9);
                cases.push(String::from_utf8(b).unwrap_or_default());
            }
        }
    }
    for s in &cases {
        assert_eq!(word_count(s), s.split_whitespace().count(), "{s:?}");
    }
}

fn run(text: &str) -> (Rendered, Vec<Diagnostic>) {
    let mut index = LinkIndex::new("/sub/");
    index.add_page(Some("articles/b.md"), "/articles/b/");
    index.add_page(Some("articles/a.md"), "/articles/a/");
    let origin = TextOrigin {
        file: Path::new("content/articles/a.md"),
        file_text: text,
        placement: Placement::Body(1),
        source_dir: "articles/",
        page_path: "/articles/a/",
        analyze: true,
        language: "en",
        citing: None,
        images: None,
    };
    let mut problems = Vec::new();
    // With the ids a theme's templates use, as a page has.
    let reserved = crate::text::slug::ReservedIds::new(["main", "source-{n}"]).expect("valid ids");
    let mut ids = IdSet::for_page(std::sync::Arc::new(reserved));
    let r = render(text, &origin, &index, &mut ids, &mut problems);
    (r, problems)
}

#[test]
fn heading_ids_unique_and_toc() {
    let (r, p) = run("## Why\n\ntext\n\n## Why\n\n### Über uns\n\n## Custom {#mine}\n");
    assert!(p.is_empty());
    assert!(r.html.contains(r#"<h2 id="why">Why</h2>"#), "{}", r.html);
    assert!(r.html.contains(r#"<h2 id="why-1">"#));
    assert!(r.html.contains(r#"<h3 id="über-uns">"#));
    assert!(r.html.contains(r#"<h2 id="mine">Custom</h2>"#));
    let ids: Vec<_> = r.toc.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["why", "why-1", "über-uns", "mine"]);
}

#[test]
fn extensions() {
    let (r, _) = run("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n\nNote[^1].\n\n[^1]: A footnote.\n");
    assert!(
        r.html
            .contains(r#"<div class="table-scroll" role="region" tabindex="0" aria-label="Table 1"><table>"#),
        "{}",
        r.html
    );
    assert!(r.html.contains("</table>\n</div>"));
    assert!(r.html.contains("<del>old</del>"));
    assert!(r.html.contains("checkbox"));
    assert!(r.html.contains("footnote-definition"));
}

#[test]
fn links_rewritten_and_errors_located() {
    let (r, p) = run("See [b](b.md#x) and [c](c.md).\n\n![](img.png)\n");
    assert!(r.html.contains(r#"href="/sub/articles/b/#x""#), "{}", r.html);
    assert_eq!(r.links[0].target.anchor.as_deref(), Some("x"));
    assert_eq!(p.len(), 3, "{p:?}");
    assert_eq!((p[0].line, p[0].column), (1, 21));
    assert!(p[0].message.contains("does not exist: `c.md`"));
    assert!(p.iter().any(|d| d.message.contains("no alt text") && d.line == 3));
}

#[test]
fn callouts_become_asides() {
    let (r, p) = run("> [!warning]\n> Stop if the pain *spreads*.\n\n> [!WARNIG]\n> Typo.\n\n> Plain.\n");
    assert!(
        r.html.contains(
            "<aside class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Warning</p>\n<p>Stop if the pain <em>spreads</em>.</p>\n</aside>\n"
        ),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<blockquote>\n<p>[!WARNIG]\nTypo.</p>\n</blockquote>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<blockquote>\n<p>Plain.</p>"));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(!p[0].is_error());
    assert_eq!((p[0].line, p[0].column), (4, 3));
    // A callout's words are prose, as the same text outside one; its title is not.
    let (callout, _) = run("> [!TIP]\n> Warm up first. Then stretch gently.\n");
    let (plain, _) = run("Warm up first. Then stretch gently.\n");
    assert_eq!(callout.words, plain.words);
    assert_eq!(callout.stats, plain.stats);
    assert_eq!(callout.stats.map(|s| s.sentences), Some(2));
}

#[test]
fn raw_html_ids_are_claimed_before_headings() {
    let (r, p) =
        run("<aside\n  id=\"why\">\n\nText <a name=\"x\"></a>.\n\n</aside>\n\n## Why\n\n<p id=\"x\">twice</p>\n");
    assert!(r.html.contains(r#"<h2 id="why-1">Why</h2>"#), "{}", r.html);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.contains("the id `x` is used twice"), "{p:?}");
    assert_eq!((p[0].line, p[0].column), (10, 8));
    let (_, p) = run("<div id=\"main\"></div>\n\n<a id=\"top\"></a>\n");
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.contains("`main` is taken by the page"), "{p:?}");
}

#[test]
fn counts_words() {
    let (r, _) = run("One two three.\n\n- four five\n");
    assert_eq!(r.words, 5);
}
