//! The schema.org JSON-LD of article pages: a MedicalWebPage and, when the article has
//! FAQs, an FAQPage with the same questions and answers as the visible ones. The JSON is
//! escaped so that no value can close the `<script>` element it sits in.

use serde::Serialize;

use crate::model::{Article, Site};

/// JSON that is safe inside `<script>`: in strings, `<`, `>` and `&` are written as `\u`
/// escapes, which JSON parsers read back as the same characters (as are U+2028 and
/// U+2029, which old JavaScript parsers refuse in strings). Written in one pass, as
/// serde_json writes the value.
pub fn script_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, ScriptSafe);
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The formatter of [`script_json`].
struct ScriptSafe;

impl serde_json::ser::Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let bytes = fragment.as_bytes();
        let mut last = 0;
        let mut i = next_candidate(bytes, 0);
        while i < bytes.len() {
            let (esc, len): (&[u8], usize) = match bytes[i] {
                b'<' => (b"\\u003c", 1),
                b'>' => (b"\\u003e", 1),
                b'&' => (b"\\u0026", 1),
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
                0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA8) => (b"\\u2028", 3),
                0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA9) => (b"\\u2029", 3),
                _ => {
                    i = next_candidate(bytes, i + 1);
                    continue;
                }
            };
            out.write_all(&bytes[last..i])?;
            out.write_all(esc)?;
            i += len;
            last = i;
            i = next_candidate(bytes, i);
        }
        out.write_all(&bytes[last..])
    }
}

/// The first position from `i` on that holds `<`, `>`, `&` or 0xE2 (the first byte of
/// U+2028 and U+2029), or the length: eight bytes at a time. The FAQ answers in an
/// article's JSON-LD are HTML, so this runs over every answer once more.
fn next_candidate(bytes: &[u8], mut i: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = LO * 0x80;
    // The high bit of the lowest zero byte of `v` is set, and no lower bit: borrows
    // only run upwards, so bits above it may be wrong but none below.
    let zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    while let Some(chunk) = bytes.get(i..).and_then(|s| s.first_chunk::<8>()) {
        let w = u64::from_le_bytes(*chunk);
        let hit = zero(w ^ (LO * u64::from(b'<')))
            | zero(w ^ (LO * u64::from(b'>')))
            | zero(w ^ (LO * u64::from(b'&')))
            | zero(w ^ (LO * 0xE2));
        if hit != 0 {
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && !matches!(bytes[i], b'<' | b'>' | b'&' | 0xE2) {
        i += 1;
    }
    i
}

#[derive(Serialize)]
struct Doc<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: Vec<Node<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Node<'a> {
    Page(Box<Page<'a>>),
    Faqs(FaqPage<'a>),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "@id")]
    id: &'a str,
    url: &'a str,
    name: &'a str,
    description: &'a str,
    in_language: &'a str,
    date_published: String,
    date_modified: String,
    is_part_of: Typed<WebSite<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_reviewed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reviewed_by: Option<Reviewer<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<Typed<Named<'a>>>,
}

/// `{"@type": kind, ...fields}`.
#[derive(Serialize)]
struct Typed<T> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(flatten)]
    fields: T,
}

#[derive(Serialize)]
struct Named<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct WebSite<'a> {
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Reviewer<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    has_credential: Option<Typed<Named<'a>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FaqPage<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "@id")]
    id: String,
    main_entity: Vec<Question<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Question<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    accepted_answer: Typed<Text<'a>>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

fn typed<T>(kind: &'static str, fields: T) -> Typed<T> {
    Typed { kind, fields }
}

/// The JSON-LD for one article, ready to print inside `<script type="application/ld+json">`.
pub fn article(site: &Site, a: &Article, permalink: &str) -> String {
    let m = &a.meta;
    let page = Page {
        kind: "MedicalWebPage",
        id: permalink,
        url: permalink,
        name: &m.title,
        description: &m.description,
        in_language: &site.config.language,
        date_published: m.date.iso(),
        date_modified: m.updated.unwrap_or(m.date).iso(),
        is_part_of: typed(
            "WebSite",
            WebSite {
                name: &site.config.title,
                url: &site.config.base_url,
            },
        ),
        last_reviewed: m.last_reviewed.map(|r| r.iso()),
        reviewed_by: m.reviewed_by.as_ref().map(|r| Reviewer {
            kind: "Person",
            name: &r.name,
            has_credential: (r.credentials.as_deref())
                .map(|c| typed("EducationalOccupationalCredential", Named { name: c })),
        }),
        author: (m.author.as_deref().or(site.config.author.as_deref())).map(|name| typed("Person", Named { name })),
    };
    let faqs = (!a.faqs().is_empty()).then(|| FaqPage {
        kind: "FAQPage",
        id: format!("{permalink}#faqs"),
        main_entity: a
            .faqs()
            .iter()
            .map(|f| Question {
                kind: "Question",
                name: f.question(),
                accepted_answer: typed(
                    "Answer",
                    Text {
                        text: f.answer_html().trim(),
                    },
                ),
            })
            .collect(),
    });
    let doc = Doc {
        context: "https://schema.org",
        graph: std::iter::once(Node::Page(Box::new(page)))
            .chain(faqs.map(Node::Faqs))
            .collect(),
    };
    script_json(&doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cannot_close_the_script() {
        let s = script_json(&serde_json::json!({"a": "</script><script>alert(1)</script>&"}));
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["a"], "</script><script>alert(1)</script>&");
    }

    #[test]
    fn candidates_are_found_where_a_byte_walk_finds_them() {
        let walk = |b: &[u8], i: usize| {
            (i..b.len())
                .find(|&k| matches!(b[k], b'<' | b'>' | b'&' | 0xE2))
                .unwrap_or(b.len())
        };
        let alphabet: &[u8] = b"a<>&\xE2\x80\xA8\xA9\x3b\x3d\x25\x27\xE1\xE3\x01\xFF\x00";
        // Every position of strings up to 19 bytes long made of a few neighbours of the
        // special bytes, so each one falls at every place of an 8-byte word.
        let mut seed = 7u64;
        for len in 0..20 {
            for _ in 0..400 {
                let b: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                        alphabet[(seed >> 33) as usize % alphabet.len()]
                    })
                    .collect();
                for i in 0..=len {
                    assert_eq!(next_candidate(&b, i), walk(&b, i), "{b:?} from {i}");
                }
            }
        }
    }

    #[test]
    fn any_text_reads_back_the_same_and_stays_in_its_script() {
        let pieces = [
            "<", ">", "&", "\u{2028}", "\u{2029}", "\u{2027}", "â", "é", "ab", "\"", "\\", "\n", " ",
        ];
        let mut seed = 11u64;
        for len in 0..40 {
            let text: String = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    pieces[(seed >> 33) as usize % pieces.len()]
                })
                .collect();
            let s = script_json(&serde_json::json!({ "a": text }));
            assert!(!s.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "{s}");
            let back: serde_json::Value = serde_json::from_str(&s).unwrap();
            assert_eq!(back["a"], text.as_str());
        }
    }

    #[test]
    fn escapes_line_separators_and_keeps_other_text() {
        let s = script_json(&serde_json::json!({"a": "x\u{2028}y\u{2029}z é 😀 \u{2027}"}));
        assert_eq!(s, "{\"a\":\"x\\u2028y\\u2029z é 😀 \u{2027}\"}");
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["a"], "x\u{2028}y\u{2029}z é 😀 \u{2027}");
    }
}
