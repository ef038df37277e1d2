//! Theme static files as they are published: stylesheets lose their comments and
//! indentation (readers download every byte of them on every first visit), everything
//! else is copied as it is.

use std::borrow::Cow;

use crate::source::theme::StaticFile;

/// The bytes of `file` as they go to the output folder.
pub fn published(file: &StaticFile) -> std::io::Result<Cow<'static, [u8]>> {
    let bytes = file.read()?;
    if !file.out.ends_with(".css") {
        return Ok(bytes);
    }
    Ok(match std::str::from_utf8(&bytes) {
        Ok(text) => Cow::Owned(compact_css(text).into_bytes()),
        // Not UTF-8: not a stylesheet we can read safely, so it goes out untouched.
        Err(_) => bytes,
    })
}

/// `css` without comments, leading whitespace, blank lines, and line endings (with the
/// spaces before them) after `{` and `;`, where whitespace never matters: each rule takes
/// one line. Strings and unquoted
/// `url(...)` values are copied as they are, so a `/*` inside them survives. A hand-made
/// pass rather than a CSS minifier crate: this is all knead needs, and the crates that
/// parse CSS fully are heavy.
pub fn compact_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let bytes = css.as_bytes();
    let mut i = 0;
    let mut line_start = true;
    // The last token was `{` or `;`, perhaps followed by spaces.
    let mut after_delimiter = false;
    while i < bytes.len() {
        let b = bytes[i];
        if line_start && (b == b' ' || b == b'\t') {
            i += 1;
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i = css[i + 2..].find("*/").map_or(bytes.len(), |end| i + 2 + end + 2);
            // Between two word characters a comment separates tokens: an empty one stays.
            if out.chars().next_back().is_some_and(is_word) && css[i..].chars().next().is_some_and(is_word) {
                out.push_str("/**/");
            }
            continue;
        }
        let end = match b {
            b'"' | b'\'' => string_end(bytes, i),
            b'u' | b'U' if is_unquoted_url(css, i) => css[i..].find(')').map_or(bytes.len(), |e| i + e + 1),
            _ => i + css[i..].chars().next().map_or(1, char::len_utf8),
        };
        if b == b'\n' {
            if after_delimiter {
                while out.ends_with([' ', '\t']) {
                    out.pop();
                }
            } else if !line_start {
                // Kept unless the line so far is empty (or only a comment).
                out.push('\n');
            }
            line_start = true;
        } else {
            let token = &css[i..end];
            out.push_str(token);
            match token {
                "{" | ";" => after_delimiter = true,
                " " | "\t" => {}
                _ => after_delimiter = false,
            }
            line_start = false;
        }
        i = end;
    }
    out
}

/// The index just past the string that opens at `start` (its quote included). A string
/// that never closes runs to the end of the line, as CSS reads it.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' => return i,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Whether `c` can continue a CSS name or number.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_' || !c.is_ascii()
}

/// Whether an unquoted `url(` opens at `i` (its content is one token in CSS).
fn is_unquoted_url(css: &str, i: usize) -> bool {
    let Some(rest) = css.get(i..i + 4) else {
        return false;
    };
    if !rest.eq_ignore_ascii_case("url(") {
        return false;
    }
    let after = css[i + 4..].trim_start();
    !after.starts_with('"') && !after.starts_with('\'')
}

#[cfg(test)]
mod tests {
    use super::compact_css;

    #[test]
    fn comments_indentation_and_blank_lines_go() {
        let css = "/* a theme */\n\n.a {\n  color: red; /* why */\n}\n\n  /* alone */\n.b{}\n";
        assert_eq!(compact_css(css), ".a {color: red;}\n.b{}\n");
        // Line endings that separate tokens stay.
        assert_eq!(
            compact_css(".a {\n  margin: 0\n    auto;\n}\n"),
            ".a {margin: 0\nauto;}\n"
        );
    }

    #[test]
    fn strings_and_urls_keep_what_looks_like_comments() {
        let css = ".a::before { content: \"/* not */\"; }\n.b { background: url(x/*y.png); }\n\
                   .c { content: '\\'/*'; } /* gone */\n.d { background: url( \"a/*b\" ); }\n";
        assert_eq!(
            compact_css(css),
            ".a::before { content: \"/* not */\"; }\n.b { background: url(x/*y.png); }\n\
             .c { content: '\\'/*'; } \n.d { background: url( \"a/*b\" ); }\n"
        );
    }

    #[test]
    fn unclosed_comment_and_string_end_safely() {
        assert_eq!(compact_css(".a{}\n/* open"), ".a{}\n");
        assert_eq!(compact_css(".a{content:\"x\n}"), ".a{content:\"x\n}");
        assert_eq!(compact_css("é{}/**/ü"), "é{}ü");
        assert_eq!(compact_css("a/* x */b c/**/ d"), "a/**/b c d");
    }
}
