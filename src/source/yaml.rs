//! Typed YAML with located errors: front matter (split from a Markdown file's body) and
//! whole YAML files (`site.yaml`, a theme's `theme.yaml`) parsed into typed structs, with
//! errors that point at lines of the file (not of the YAML block), name unknown keys
//! with a "did you mean", speak of the file as the author knows it (front matter or
//! `site.yaml`) and of values as YAML has them (no Rust type names), and say how to fix
//! them.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::source::yaml_hints as hints;

/// A Markdown file cut into front matter and body.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// File line (1-based) of the first YAML line.
    pub yaml_first_line: usize,
    /// Everything after the closing `---` line.
    pub body: &'a str,
    /// File line (1-based) of the first body line.
    pub body_first_line: usize,
}

fn is_fence(line: &str) -> bool {
    line.trim_end_matches(['\n', '\r', ' ', '\t']) == "---"
}

/// Splits `src` at its front matter fences. Errors carry a message and a fix.
pub fn split<'a>(file: &Path, src: &'a str) -> Result<Split<'a>, Diagnostic> {
    let src_nobom = src.strip_prefix('\u{feff}').unwrap_or(src);
    let bom = src.len() - src_nobom.len();
    let first_line_end = src_nobom.find('\n').map_or(src_nobom.len(), |i| i + 1);
    if !is_fence(&src_nobom[..first_line_end]) {
        return Err(Diagnostic::error(file, "this file has no front matter")
            .at(src, 1, 1, 1)
            .help(
                "start the file with a line `---`, then the YAML keys (e.g. `title: ...`), then another line `---`",
            ));
    }
    let yaml_start = bom + first_line_end;
    let mut offset = yaml_start;
    for (line_no, line) in (2..).zip(src[yaml_start..].split_inclusive('\n')) {
        if is_fence(line) {
            let body_start = offset + line.len();
            return Ok(Split {
                yaml: &src[yaml_start..offset],
                yaml_first_line: 2,
                body: &src[body_start..],
                body_first_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(file, "the front matter starts here but never ends")
        .at(src, 1, 1, 3)
        .help("add a line `---` after the last front matter key"))
}

/// What a YAML text is: where its YAML is, and how messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block<'a> {
    /// The front matter of a Markdown file, between `---` lines.
    FrontMatter,
    /// A whole YAML file, by the name messages give it (`site.yaml`).
    File(&'a str),
}

/// A whole YAML file viewed as a front matter block without fences (its body empty).
fn split_file(src: &str) -> Split<'_> {
    let yaml = src.strip_prefix('\u{feff}').unwrap_or(src);
    Split {
        yaml,
        yaml_first_line: 1,
        body: &src[src.len()..],
        body_first_line: src.lines().count() + 1,
    }
}

/// Where a top-level front matter key is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPos<'a> {
    /// The key as written.
    pub name: &'a str,
    /// 1-based file line.
    pub line: usize,
}

/// The top-level keys of a block-style YAML mapping, with their file lines.
fn scan_keys<'a>(split: &Split<'a>) -> Vec<KeyPos<'a>> {
    let mut keys = Vec::new();
    for (i, line) in split.yaml.lines().enumerate() {
        let Some(first) = line.chars().next() else {
            continue;
        };
        if first.is_whitespace() || matches!(first, '#' | '-' | '{' | '[' | '}' | ']' | '.') {
            continue;
        }
        let Some(colon) = line.find(':') else {
            continue;
        };
        let name = line[..colon].trim().trim_matches(['"', '\'']);
        if !name.is_empty() {
            keys.push(KeyPos {
                name,
                line: split.yaml_first_line + i,
            });
        }
    }
    keys
}

/// A parsed front matter block that can still point at its source lines, so that
/// checks made after parsing (slugs, references to other files) report good locations.
#[derive(Debug, Clone)]
pub struct Located<'a> {
    src: &'a str,
    keys: Vec<KeyPos<'a>>,
    split: Split<'a>,
}

/// A position in a file: 1-based line and column, and a length in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Length in characters.
    pub len: usize,
}

/// Splits `src` and finds its keys again, without parsing values: for placing
/// problems found after parsing.
pub fn locate(src: &str) -> Option<Located<'_>> {
    let split = split(Path::new(""), src).ok()?;
    let keys = scan_keys(&split);
    Some(Located { src, keys, split })
}

impl<'a> Located<'a> {
    /// The whole file's text.
    pub fn text(&self) -> &'a str {
        self.src
    }

    /// The split file.
    pub fn split(&self) -> &Split<'a> {
        &self.split
    }

    /// Where `key`'s value is (or the key itself when the value is on later lines).
    pub fn key(&self, key: &str) -> Pos {
        let Some(k) = self.keys.iter().find(|k| k.name == key) else {
            return Pos {
                line: 1,
                column: 1,
                len: 3,
            };
        };
        let text = self.line_text(k.line);
        let after = text.find(':').map_or(0, |c| c + 1);
        let value = text[after..].trim();
        if value.is_empty() || value.starts_with('#') {
            Pos {
                line: k.line,
                column: 1,
                len: key.chars().count(),
            }
        } else {
            let start = after + (text[after..].len() - text[after..].trim_start().len());
            Pos {
                line: k.line,
                column: text[..start].chars().count() + 1,
                len: value.chars().count(),
            }
        }
    }

    /// Where `needle` is written inside `key`'s block (e.g. one item of a list), falling
    /// back to the key's own position.
    pub fn item(&self, key: &str, needle: &str) -> Pos {
        self.items(key, needle).next().unwrap_or_else(|| self.key(key))
    }

    /// Every line of `key`'s block where `needle` is written (the first place on each
    /// line), in order: for the second of two equal items.
    pub fn items<'n>(&self, key: &str, needle: &'n str) -> impl Iterator<Item = Pos> + use<'a, 'n> {
        let idx = self.keys.iter().position(|k| k.name == key);
        let (first, last) = idx.map_or((0, 0), |idx| {
            let end = self
                .keys
                .get(idx + 1)
                .map_or(self.split.yaml_first_line + self.split.yaml.lines().count(), |k| k.line);
            (self.keys[idx].line, end)
        });
        let lines = self.src.lines().skip(first.saturating_sub(1));
        (first..last).zip(lines).filter_map(move |(line, text)| {
            let search_from = if line == first {
                text.find(':').map_or(0, |c| c + 1)
            } else {
                0
            };
            text[search_from..].find(needle).map(|i| {
                let start = search_from + i;
                Pos {
                    line,
                    column: text[..start].chars().count() + 1,
                    len: needle.chars().count().max(1),
                }
            })
        })
    }

    fn line_text(&self, line: usize) -> &'a str {
        self.src.lines().nth(line.saturating_sub(1)).unwrap_or("")
    }

    /// An error at `pos` of this file.
    pub fn error(&self, file: &Path, pos: Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(file, message).at(self.src, pos.line, pos.column, pos.len)
    }
}

/// Parses the front matter of `src` into `T`, checking top-level keys against `known`.
///
/// Every unknown key is reported (with the nearest known key); type errors are reported
/// at their line in the `.md` file.
pub fn parse<'a, T: DeserializeOwned>(
    file: &Path,
    src: &'a str,
    known: &[&str],
) -> Result<(T, Located<'a>), Vec<Diagnostic>> {
    parse_block(file, src, known, Block::FrontMatter)
}

/// Parses `src`, a whole YAML file called `name` in messages (`site.yaml`), into `T`,
/// like [`parse`] does front matter.
pub fn parse_file<'a, T: DeserializeOwned>(
    file: &Path,
    name: &str,
    src: &'a str,
    known: &[&str],
) -> Result<(T, Located<'a>), Vec<Diagnostic>> {
    parse_block(file, src, known, Block::File(name))
}

fn parse_block<'a, T: DeserializeOwned>(
    file: &Path,
    src: &'a str,
    known: &[&str],
    block: Block<'_>,
) -> Result<(T, Located<'a>), Vec<Diagnostic>> {
    let split = match block {
        Block::FrontMatter => split(file, src).map_err(|d| vec![d])?,
        Block::File(_) => split_file(src),
    };
    let keys = scan_keys(&split);
    let located = Located { src, keys, split };
    let mut errors = Vec::new();
    let mut seen = rustc_hash::FxHashSet::default();
    for k in &located.keys {
        if !known.contains(&k.name) {
            let message = match block {
                Block::FrontMatter => format!("unknown front matter key `{}`", k.name),
                Block::File(name) => format!("unknown key `{}` in {name}", k.name),
            };
            errors.push(
                Diagnostic::error(file, message)
                    .at(src, k.line, 1, k.name.chars().count())
                    .help(did_you_mean(k.name, known)),
            );
        } else if !seen.insert(k.name) {
            errors.push(
                Diagnostic::error(file, format!("the key `{}` is written twice", k.name))
                    .at(src, k.line, 1, k.name.chars().count())
                    .help("keep one of them"),
            );
        }
    }
    if let Some((line, column)) = too_deep(split.yaml) {
        errors.push(
            Diagnostic::error(
                file,
                format!("lists and maps are nested more than {MAX_FLOW_DEPTH} levels deep here"),
            )
            .at(src, split.yaml_first_line + line, column, 1)
            .help("close the `[` and `{` brackets that are left open"),
        );
        return Err(errors);
    }
    let yaml = if split.yaml.trim().is_empty() { "{}" } else { split.yaml };
    match serde_yaml::from_str::<T>(yaml) {
        Ok(value) if errors.is_empty() => Ok((value, located)),
        Ok(_) => Err(errors),
        Err(e) => {
            if let Some(d) = yaml_error(file, src, &split, &e, &located.keys, known) {
                errors.push(d);
            }
            Err(errors)
        }
    }
}

/// How deep `[` and `{` may nest in front matter. The YAML parser refuses more than 128
/// levels anyway, but its scanner takes time quadratic in the depth before it gets there
/// (a long run of `[` takes minutes), so deeper text is refused before it is parsed.
pub const MAX_FLOW_DEPTH: usize = 256;

/// The 0-based line and 1-based column where brackets first nest deeper than
/// [`MAX_FLOW_DEPTH`]. Brackets in quoted strings count too: a real value nests far less.
fn too_deep(yaml: &str) -> Option<(usize, usize)> {
    // Fewer opening brackets than the limit cannot nest past it: one counting pass
    // (which the compiler vectorizes) settles nearly every file.
    let opening = yaml.bytes().filter(|&b| b == b'[' || b == b'{').count();
    if opening <= MAX_FLOW_DEPTH {
        return None;
    }
    let mut depth = 0usize;
    // Bytes, not characters: brackets are ASCII, and UTF-8 never uses ASCII bytes inside
    // other characters. The position is worked out only when there is a problem.
    for (at, &b) in yaml.as_bytes().iter().enumerate() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    let before = &yaml[..at];
                    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                    return Some((before.matches('\n').count(), before[line_start..].chars().count() + 1));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The file line and column where `needle` first appears in the front matter.
fn find_in_yaml(src: &str, split: &Split<'_>, needle: &str) -> Option<(usize, usize)> {
    split
        .yaml
        .lines()
        .enumerate()
        .find_map(|(i, l)| {
            let at = l.find(':').map_or(0, |c| c + 1);
            l[at..]
                .find(needle)
                .map(|c| (split.yaml_first_line + i, l[..at + c].chars().count() + 1))
        })
        .filter(|(line, _)| src.lines().nth(line - 1).is_some())
}

/// A serde message in the words of YAML rather than of Rust: what the value should be
/// (`a mapping with keys ...`, `a whole number`), never a type name (`struct MenuItem`,
/// `u16`). Types say what they expect with `#[serde(expecting = "...")]`; a type that
/// does not is called a mapping (structs) or a value (enums).
fn in_yaml_words(msg: &str) -> String {
    let (found, expected) = match msg.split_once(", expected ") {
        Some((found, expected)) => (found, Some(expected)),
        None => (msg, None),
    };
    // YAML's `~`, `null` or nothing at all.
    let found = if found == "unit value" { "an empty value" } else { found };
    let Some(expected) = expected else {
        return found.to_owned();
    };
    let expected = match expected {
        "u8" => "a whole number from 0 to 255",
        "u16" => "a whole number from 0 to 65535",
        "u32" => "a whole number from 0 to 4294967295",
        "u64" | "u128" | "usize" => "a whole number of 0 or more",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        e if e.starts_with("struct ") || e.starts_with("tuple struct ") => "a mapping",
        e if e.starts_with("enum ") => "one of the allowed values",
        // What serde_yaml expects of a list or mapping given for a choice of words.
        "a YAML tag starting with '!'" => "one word of the allowed ones, not a list or mapping",
        e => e,
    };
    format!("{found}, expected {expected}")
}

/// A parser message without the positions it names (" at line 2 column 1"): the
/// diagnostic shows the place itself.
fn without_positions(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let digits = |t: &str| t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let n = digits(after);
        let skipped = match after[n..].strip_prefix(" column ") {
            Some(col) if n > 0 => n + " column ".len() + digits(col),
            _ if n > 0 => n,
            // Not a position after all: keep the words.
            _ => {
                out.push_str(" at line ");
                0
            }
        };
        rest = &after[skipped..];
    }
    out.push_str(rest);
    out
}

/// Backticked words of a serde message: "unknown field `a`, expected `b` or `c`".
fn backticked(msg: &str) -> Vec<&str> {
    msg.split('`').skip(1).step_by(2).collect()
}

/// Turns a YAML/serde error into a diagnostic in file coordinates, or `None` when the
/// key scan already reported the same problem.
fn yaml_error(
    file: &Path,
    src: &str,
    split: &Split<'_>,
    e: &serde_yaml::Error,
    keys: &[KeyPos<'_>],
    known: &[&str],
) -> Option<Diagnostic> {
    let full = without_positions(&e.to_string());
    let msg = full.as_str();
    // yaml_serde prefixes the path of the value: "faqs[0]: missing field `answer`".
    let markers = [
        "missing field",
        "unknown field",
        "duplicate field",
        "unknown variant",
        "invalid type",
        "invalid value",
        "invalid length",
    ];
    let (path, msg) = match markers.iter().filter_map(|m| msg.find(m)).min() {
        Some(i) if i > 0 => (msg[..i].trim_end_matches([':', ' ']), &msg[i..]),
        _ => ("", msg),
    };
    let within = if path.is_empty() {
        String::new()
    } else {
        format!(" in `{path}`")
    };
    let (line, column) = e.location().map_or((split.yaml_first_line - 1, 1), |l| {
        (split.yaml_first_line + l.line() - 1, l.column())
    });
    // The parser may point just past the last line (a list never closed): the end of
    // the last line is the place to show.
    let last = src.lines().count();
    let (line, column) = if line > last && last > 0 {
        let text = src.lines().last().unwrap_or_default();
        (last, text.chars().count() + 1)
    } else {
        (line, column)
    };
    let words = backticked(msg);
    // Errors raised by our own types (dates) carry no exact position: find the value.
    let (line, column, len) = match words.first().filter(|_| {
        !msg.starts_with("unknown field") && !msg.starts_with("missing field") && !msg.starts_with("duplicate field")
    }) {
        Some(value) if !value.is_empty() => {
            find_in_yaml(src, split, value).map_or((line, column, 1), |(l, c)| (l, c, value.chars().count()))
        }
        _ => (line, column, 1),
    };
    let text_at = |l: usize| src.lines().nth(l.wrapping_sub(1)).unwrap_or_default();
    if let Some(d) = hints::tab(file, src, msg, text_at(line), line) {
        return Some(d);
    }
    let (message, help, line, column) = if let Some(field) = msg.strip_prefix("missing field ") {
        let field = field.trim_matches('`');
        if !path.is_empty()
            && let Some(d) = hints::misplaced_key(file, src, field, path, (line, column))
        {
            return Some(d);
        }
        (
            format!("missing required key `{field}`{within}"),
            Some(format!("add `{field}: ...`")),
            if path.is_empty() {
                split.yaml_first_line - 1
            } else {
                line
            },
            if path.is_empty() { 1 } else { column },
        )
    } else if msg.starts_with("duplicate field") {
        let field = words.first().copied().unwrap_or_default();
        if keys.iter().filter(|k| k.name == field).count() > 1 {
            return None; // already reported by the key scan
        }
        (
            format!("the key `{field}` is written twice{within}"),
            Some("keep one of them".to_owned()),
            line,
            column,
        )
    } else if msg.starts_with("unknown field") {
        let field = words.first().copied().unwrap_or_default();
        if keys.iter().any(|k| k.name == field) && !known.contains(&field) {
            return None; // already reported by the key scan
        }
        let expected: Vec<&str> = words.iter().skip(1).copied().collect();
        (
            format!("unknown key `{field}`{within}"),
            Some(did_you_mean(field, &expected)),
            line,
            column,
        )
    } else if msg.starts_with("unknown variant") {
        let value = words.first().copied().unwrap_or_default();
        let expected: Vec<&str> = words.iter().skip(1).copied().collect();
        (
            format!(
                "`{value}` is not allowed{}",
                if path.is_empty() {
                    " here".to_owned()
                } else {
                    format!(" for `{path}`")
                }
            ),
            Some(did_you_mean(value, &expected)),
            line,
            column,
        )
    } else if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let rest = in_yaml_words(rest);
        let help = if rest.contains("expected a boolean") {
            Some(hints::boolean(&rest).to_owned())
        } else if rest.contains("expected a sequence") {
            Some("write a list, one `- item` per line".to_owned())
        } else if rest.contains("expected a string") {
            Some("put the value in double quotes".to_owned())
        } else if rest.contains("expected a mapping")
            || rest.contains(": a mapping with keys")
            || rest.contains("expected a map")
        {
            Some("write the keys of this value on indented lines below it".to_owned())
        } else {
            None
        };
        (format!("wrong type{within}: found {rest}"), help, line, column)
    } else if let Some(rest) = msg.strip_prefix("invalid value: ") {
        (
            format!("wrong value{within}: found {}", in_yaml_words(rest)),
            None,
            line,
            column,
        )
    } else if let Some(d) = (msg.contains("did not find expected key")
        || msg.contains("mapping values are not allowed"))
    .then(|| hints::mis_indented(file, src, line))
    .flatten()
    {
        return Some(d);
    } else if msg.contains("did not find expected")
        || msg.contains("mapping values are not allowed")
        || msg.contains("could not find expected")
    {
        (
            format!("invalid YAML: {msg}"),
            Some("check indentation, and quote values that contain `: ` or start with a special character".to_owned()),
            line,
            column,
        )
    } else if msg.contains("YYYY-MM-DD") || msg.contains("is not a valid date") {
        (
            format!("{msg}{within}"),
            Some("write dates as YYYY-MM-DD, e.g. `2024-03-01`".to_owned()),
            line,
            column,
        )
    } else {
        (format!("{}{within}", in_yaml_words(msg)), None, line, column)
    };
    // A whole file misses a top-level key at no line of its own.
    let mut d = Diagnostic::error(file, message);
    if line > 0 {
        d = d.at(src, line, column, len);
    }
    if let Some(h) = help {
        d = d.help(h);
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Meta {
        title: String,
        #[serde(default)]
        #[allow(dead_code)]
        tags: Vec<String>,
    }

    const KNOWN: &[&str] = &["title", "tags"];

    #[test]
    fn too_deep_points_at_the_bracket_past_the_limit() {
        let yaml = format!("x: \"é\"\r\nkey: é{}", "[".repeat(MAX_FLOW_DEPTH + 10));
        // Line 1 (0-based), after `key: é` (6 characters) and 256 brackets.
        assert_eq!(too_deep(&yaml), Some((1, 6 + MAX_FLOW_DEPTH + 1)));
        assert_eq!(too_deep(&"[]".repeat(10_000)), None);
    }

    fn p(src: &str) -> Result<Meta, Vec<Diagnostic>> {
        parse::<Meta>(Path::new("a.md"), src, KNOWN).map(|(m, _)| m)
    }

    #[test]
    fn splits_body_and_lines() {
        let src = "---\ntitle: x\n---\n# Hi\n";
        let s = split(Path::new("a.md"), src).unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "# Hi\n");
        assert_eq!(s.body_first_line, 4);
    }

    #[test]
    fn crlf_and_bom() {
        let src = "\u{feff}---\r\ntitle: x\r\n---\r\nbody";
        let s = split(Path::new("a.md"), src).unwrap();
        assert_eq!(s.body, "body");
        assert_eq!(p(src).unwrap().title, "x");
    }

    #[test]
    fn unterminated_and_missing() {
        let e = split(Path::new("a.md"), "---\ntitle: x\n").unwrap_err();
        assert!(e.message.contains("never ends"));
        let e = split(Path::new("a.md"), "# just markdown").unwrap_err();
        assert!(e.message.contains("no front matter"));
    }

    #[test]
    fn unknown_key_with_suggestion_on_file_line() {
        let errs = p("---\ntitle: x\ntgas: [a]\n---\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 3);
        assert!(errs[0].message.contains("unknown front matter key `tgas`"));
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `tags`?"));
    }

    #[test]
    fn missing_and_wrong_type() {
        let errs = p("---\ntags: [a]\n---\n").unwrap_err();
        assert!(errs[0].message.contains("missing required key `title`"), "{errs:?}");
        let errs = p("---\ntitle: x\ntags: 3\n---\n").unwrap_err();
        assert!(errs[0].message.starts_with("wrong type"), "{errs:?}");
        assert_eq!(errs[0].line, 3);
    }

    #[test]
    fn messages_lose_the_positions_they_name() {
        assert_eq!(
            without_positions(
                "did not find expected ',' or ']' at line 2 column 1, while parsing a flow sequence at line 1 column 15"
            ),
            "did not find expected ',' or ']', while parsing a flow sequence"
        );
        assert_eq!(without_positions("at line x"), "at line x");
        assert_eq!(without_positions("a at line 3"), "a");
    }

    #[test]
    fn locates_items() {
        let src = "---\ntitle: x\ntags:\n  - one\n  - two\n---\n";
        let (_, loc) = parse::<Meta>(Path::new("a.md"), src, KNOWN).unwrap();
        assert_eq!(
            loc.item("tags", "two"),
            Pos {
                line: 5,
                column: 5,
                len: 3
            }
        );
        assert_eq!(
            loc.key("title"),
            Pos {
                line: 2,
                column: 8,
                len: 1
            }
        );
    }
}
