//! The fenced code blocks of a Markdown document, with the words of their info string,
//! the heading they sit under and the lines they span, so a test can read examples out
//! of the guide and write real outputs back into it.

use std::ops::Range;

/// One fenced code block (```` ``` ```` or `~~~`).
#[derive(Debug)]
pub(crate) struct Block {
    /// The text of the nearest heading above the block (`""` before the first).
    pub(crate) heading: String,
    /// The 0-based line of that heading: blocks with the same one are in one section.
    pub(crate) heading_line: usize,
    /// The 1-based line of the opening fence, for messages.
    pub(crate) line: usize,
    /// The first word of the info string (`yaml`, `console`...).
    pub(crate) lang: String,
    /// The other words: `key=value` or a bare flag (`fixed`).
    pub(crate) words: Vec<String>,
    /// The content, each line without the fence's indentation, ending in a newline.
    pub(crate) body: String,
    /// The 0-based lines of the document the content takes (empty for an empty block).
    pub(crate) lines: Range<usize>,
    /// The fence's indentation, given back to each line written into the block.
    indent: usize,
}

impl Block {
    /// The value of `key=value` in the info string.
    pub(crate) fn attr(&self, key: &str) -> Option<&str> {
        self.words.iter().find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
    }

    /// True when the info string holds the bare word `flag`.
    pub(crate) fn has(&self, flag: &str) -> bool {
        self.words.iter().any(|w| w == flag)
    }
}

/// Every fenced block of `doc`, in order.
pub(crate) fn blocks(doc: &str) -> Vec<Block> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut out = Vec::new();
    let mut heading = String::new();
    let mut heading_line = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start();
        let fence_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let fence_len = fence_char.map_or(0, |c| trimmed.chars().take_while(|x| *x == c).count());
        if let (Some(c), true) = (fence_char, fence_len >= 3) {
            let info = trimmed[fence_len..].trim();
            let mut words = info.split_whitespace().map(str::to_owned);
            let lang = words.next().unwrap_or_default();
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && !closes(lines[end], c, fence_len) {
                end += 1;
            }
            let body: String = lines[start..end]
                .iter()
                .map(|l| {
                    format!(
                        "{}\n",
                        l.get(indent.min(l.len() - l.trim_start().len())..).unwrap_or("")
                    )
                })
                .collect();
            out.push(Block {
                heading: heading.clone(),
                heading_line,
                line: i + 1,
                lang,
                words: words.collect(),
                body,
                lines: start..end,
                indent,
            });
            i = end + 1;
            continue;
        }
        if indent < 4 && trimmed.starts_with('#') {
            heading = trimmed.trim_start_matches('#').trim().to_owned();
            heading_line = i;
        }
        i += 1;
    }
    out
}

fn closes(line: &str, c: char, len: usize) -> bool {
    let t = line.trim();
    t.len() >= len && t.chars().all(|x| x == c)
}

/// `doc` with the content of some blocks replaced: `(block, new content)` pairs.
pub(crate) fn rewrite(doc: &str, changes: &[(&Block, String)]) -> String {
    let lines: Vec<&str> = doc.lines().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut changes: Vec<&(&Block, String)> = changes.iter().collect();
    changes.sort_by_key(|(b, _)| b.lines.start);
    for (block, text) in changes {
        for l in &lines[i..block.lines.start] {
            out.push_str(l);
            out.push('\n');
        }
        for l in text.lines() {
            if !l.is_empty() {
                out.push_str(&" ".repeat(block.indent));
            }
            out.push_str(l);
            out.push('\n');
        }
        i = block.lines.end;
    }
    for l in &lines[i..] {
        out.push_str(l);
        out.push('\n');
    }
    out
}

#[test]
fn reads_and_rewrites_blocks() {
    let doc = "# A\n\ntext\n\n## B c\n\n```yaml file=x.yml fixed\na: 1\n```\n\n  ```console\n  $ knead check\n  old\n  ```\nend\n";
    let b = blocks(doc);
    assert_eq!(b.len(), 2);
    assert_eq!(
        (
            b[0].heading.as_str(),
            b[0].lang.as_str(),
            b[0].attr("file"),
            b[0].has("fixed")
        ),
        ("B c", "yaml", Some("x.yml"), true)
    );
    assert_eq!(b[0].body, "a: 1\n");
    assert_eq!(b[1].body, "$ knead check\nold\n");
    let new = rewrite(doc, &[(&b[1], "$ knead check\nnew\n".to_owned())]);
    assert_eq!(new, doc.replace("  old", "  new"));
    assert_eq!(rewrite(doc, &[]), doc);
}
