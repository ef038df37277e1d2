//! Spaces and line breaks taken out of the browser script as it is served: the theme's
//! CSS and JavaScript share one byte budget, and a language's stemmer must fit in it.
//! A small lexer for knead's own script only (strings, regular expressions and `//`
//! comments kept apart), not a general JavaScript minifier.

/// Characters next to which a space never matters in JavaScript.
const TIGHT: &[u8] = b"=,;:?{}()[]<>&|!";

/// Operators next to which a space matters only before or after another of them or a
/// `/` (`a - -b`, `a + ++b`, `a * /re/`: joined, they would read as other tokens or a
/// comment).
const OPS: &[u8] = b"+-*%";

/// The characters after which a `/` starts a regular expression rather than a division.
const BEFORE_REGEX: &[u8] = b"(,=:[!&|?{};+-*%<>~^";

/// Line endings after which the next line can follow at once: no statement ends there,
/// so joining lines cannot change where automatic semicolons go.
const JOINS: &[u8] = b"{,;([:?&|=";

/// `script` without the spaces next to punctuation, trailing `//` comments and the line
/// breaks after a character that cannot end a statement. The script has no template
/// literals or strings over several lines (search.js keeps it so).
pub(crate) fn compact(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    for line in script.lines() {
        let line = compact_line(line);
        if line.is_empty() {
            continue;
        }
        out.push_str(&line);
        // `/* ... */` lines (the served script's first) keep their break.
        let joins = !line.starts_with("/*") && line.as_bytes().last().is_some_and(|b| JOINS.contains(b));
        if !joins {
            out.push('\n');
        }
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// One line without the spaces next to punctuation and without a trailing comment.
fn compact_line(line: &str) -> String {
    let b = line.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    // The last character that was not a space: it tells a regex from a division.
    let mut prev: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\'' | b'"' | b'`' => {
                let end = literal_end(b, i + 1, |x| x == c);
                out.extend_from_slice(&b[i..end]);
                prev = Some(c);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => break,
            b'/' if prev.is_none_or(|p| BEFORE_REGEX.contains(&p)) => {
                let end = regex_end(b, i + 1);
                out.extend_from_slice(&b[i..end]);
                prev = Some(b'/');
                i = end;
            }
            b' ' => {
                let next = b[i..].iter().position(|&x| x != b' ').map(|k| b[i + k]);
                let last = out.last().copied();
                let keep = match (last, next) {
                    (Some(l), Some(n)) => {
                        let op = |x: u8| OPS.contains(&x);
                        let hazard = (op(l) || l == b'/') && (op(n) || n == b'/');
                        let loose = (op(l) || op(n)) && !hazard;
                        !TIGHT.contains(&l) && !TIGHT.contains(&n) && !loose
                    }
                    _ => false,
                };
                if keep {
                    out.push(b' ');
                }
                while i < b.len() && b[i] == b' ' {
                    i += 1;
                }
            }
            _ => {
                out.push(c);
                prev = Some(c);
                i += 1;
            }
        }
    }
    while out.last() == Some(&b' ') {
        out.pop();
    }
    // Only whole characters were copied or dropped (ASCII spaces and whole runs).
    String::from_utf8(out).unwrap_or_else(|_| line.to_owned())
}

/// The end (exclusive) of a string literal whose body starts at `from`.
fn literal_end(b: &[u8], from: usize, closes: impl Fn(u8) -> bool) -> usize {
    let mut j = from;
    while j < b.len() {
        if b[j] == b'\\' {
            j += 2;
            continue;
        }
        if closes(b[j]) {
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

/// The end (exclusive) of a regular expression literal whose body starts at `from`,
/// flags included.
fn regex_end(b: &[u8], from: usize) -> usize {
    let (mut j, mut class) = (from, false);
    while j < b.len() {
        match b[j] {
            b'\\' => j += 1,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => break,
            _ => {}
        }
        j += 1;
    }
    j += 1;
    while j < b.len() && b[j].is_ascii_alphabetic() {
        j += 1;
    }
    j.min(b.len())
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn spaces_go_where_punctuation_makes_them_useless() {
        assert_eq!(
            compact("var a = b + c, d = [1, 2] * 3 % e;\n"),
            "var a=b+c,d=[1,2]*3%e;\n"
        );
        assert_eq!(compact("if (x) {\nreturn y;\n}\n"), "if(x){return y;}\n");
        assert_eq!(compact("return typeof x\nfoo()\n"), "return typeof x\nfoo()\n");
    }

    #[test]
    fn strings_regexes_and_divisions_are_kept() {
        assert_eq!(compact("var s = 'a = b' ; // why\n"), "var s='a = b';\n");
        assert_eq!(
            compact("x = /[ /] +/g.test(y) ? a / 2 : b;\n"),
            "x=/[ /] +/g.test(y)?a / 2:b;\n"
        );
        assert_eq!(
            compact("t = a - -b + +c - --d + e++ + f;\n"),
            "t=a- -b+ +c- --d+e++ +f;\n"
        );
        assert_eq!(compact("x = a * /r/.exec(b).length;\n"), "x=a* /r/.exec(b).length;\n");
        assert_eq!(compact("/* head */\nvar a;\n"), "/* head */\nvar a;\n");
    }
}
