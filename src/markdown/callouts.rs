//! Callouts: GitHub-style alerts (`> [!WARNING]` on a quote's first line, any case) as
//! `<aside class="callout callout-warning" role="note">` boxes with a title in the
//! page's language. A quote that starts with some other `[!WORD]` stays a quote, with a
//! warning, since it is most likely a callout kind misspelt.

use pulldown_cmark::BlockQuoteKind;

/// The kinds, as written in Markdown.
pub const KINDS: [&str; 5] = ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"];

/// The titles of the five kinds in one language, in the order of [`KINDS`].
pub type Labels = [&'static str; 5];

const LABELS: &[(&str, Labels)] = &[
    ("en", ["Note", "Tip", "Important", "Warning", "Caution"]),
    ("es", ["Nota", "Consejo", "Importante", "Advertencia", "Precaución"]),
    ("fr", ["Remarque", "Astuce", "Important", "Avertissement", "Attention"]),
    ("de", ["Hinweis", "Tipp", "Wichtig", "Warnung", "Vorsicht"]),
    ("it", ["Nota", "Suggerimento", "Importante", "Avvertenza", "Attenzione"]),
    ("pt", ["Nota", "Dica", "Importante", "Aviso", "Cuidado"]),
];

/// The titles for a page in `language` (a BCP 47 tag: `es`, `pt-BR`), English for a
/// language without its own.
pub fn labels(language: &str) -> &'static Labels {
    let primary = language.split(['-', '_']).next().unwrap_or("");
    LABELS
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(primary))
        .map_or(&LABELS[0].1, |(_, l)| l)
}

fn index(kind: BlockQuoteKind) -> usize {
    match kind {
        BlockQuoteKind::Note => 0,
        BlockQuoteKind::Tip => 1,
        BlockQuoteKind::Important => 2,
        BlockQuoteKind::Warning => 3,
        BlockQuoteKind::Caution => 4,
    }
}

/// The HTML that opens a callout of `kind`, its title included.
pub fn open(kind: BlockQuoteKind, labels: &Labels) -> String {
    let k = index(kind);
    format!(
        "<aside class=\"callout callout-{}\" role=\"note\">\n<p class=\"callout-title\">{}</p>\n",
        KINDS[k].to_ascii_lowercase(),
        labels[k]
    )
}

/// The HTML that closes a callout.
pub const CLOSE: &str = "</aside>\n";

/// A quote that looks like a callout but is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotACallout {
    /// Where the `[!WORD]` marker starts, from the start of the text given.
    pub at: usize,
    /// Its length in bytes.
    pub len: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Looks at the start of a quote that did not become a callout (`quote`: the Markdown
/// from its `>` on) for a `[!WORD]` marker, and says why it is not a callout.
pub fn not_a_callout(quote: &str) -> Option<NotACallout> {
    let rest = quote.trim_start_matches([' ', '\t']).strip_prefix('>')?;
    let marker = rest.trim_start_matches([' ', '\t']);
    let word_len = marker
        .strip_prefix("[!")?
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    let len = word_len + 3;
    if word_len == 0 || marker.as_bytes().get(len - 1) != Some(&b']') {
        return None;
    }
    let word = &marker[2..2 + word_len];
    let at = quote.len() - marker.len();
    let upper = word.to_ascii_uppercase();
    let after = marker[len..].lines().next().unwrap_or("").trim();
    let known = KINDS.iter().find(|k| **k == upper);
    let (message, help) = match known {
        // A known kind with text after it on the same line.
        Some(k) if !after.is_empty() => (
            format!("`[!{word}]` makes a callout only alone on its line: this stays an ordinary quote"),
            format!("put `> [!{k}]` on a line of its own, and the text on the `>` lines after it"),
        ),
        Some(_) => return None,
        None => {
            let kinds: Vec<String> = KINDS.iter().map(|k| format!("[!{k}]")).collect();
            let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
            let written = format!("[!{upper}]");
            let help = match crate::diagnostics::suggest(&written, &kinds) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("callout kinds are {}", kinds.join(", ")),
            };
            (
                format!("`[!{word}]` is not a callout kind: this stays an ordinary quote"),
                help,
            )
        }
    };
    Some(NotACallout { at, len, message, help })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_by_language() {
        assert_eq!(labels("en")[3], "Warning");
        assert_eq!(labels("es-MX")[3], "Advertencia");
        assert_eq!(labels("DE")[0], "Hinweis");
        assert_eq!(labels("zz")[4], "Caution");
        assert_eq!(labels("")[1], "Tip");
    }

    #[test]
    fn opens_with_the_title() {
        assert_eq!(
            open(BlockQuoteKind::Warning, labels("en")),
            "<aside class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Warning</p>\n"
        );
    }

    #[test]
    fn near_misses_are_explained() {
        let m = not_a_callout("> [!WARNIG]\n> Stop.").unwrap();
        assert_eq!((m.at, m.len), (2, 9));
        assert!(m.help.contains("did you mean `[!WARNING]`?"), "{m:?}");
        let m = not_a_callout("  >  [!danger]\n").unwrap();
        assert_eq!(m.at, 5);
        assert!(m.message.contains("`[!danger]` is not a callout kind"));
        assert!(m.help.contains("[!NOTE], [!TIP]"), "{m:?}");
        let m = not_a_callout("> [!note] Text on the same line.").unwrap();
        assert!(m.help.contains("`> [!NOTE]` on a line of its own"), "{m:?}");
    }

    #[test]
    fn other_quotes_are_left_alone() {
        for q in [
            "> A quote.",
            "> [link](x.md)",
            "> [!]",
            "> [!NOTE]\n> text",
            "> [!TIP]  ",
            "> [! NOTE]",
        ] {
            assert_eq!(not_a_callout(q), None, "{q}");
        }
    }
}
