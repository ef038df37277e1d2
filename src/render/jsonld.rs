//! The schema.org JSON-LD of article pages: a MedicalWebPage (with its sources as
//! `citation`) and, when the article has FAQs, an FAQPage with the same questions and answers as the visible ones. The JSON is
//! escaped so that no value can close the `<script>` element it sits in.
//!
//! The document has a fixed shape, so it is written directly, each string escaped in one
//! pass (through serde_json, each string was scanned twice: once for JSON's escapes,
//! once for the script's; the FAQ answers' HTML made that 3 % of a build's CPU). The
//! tests hold the serde_json version as the reference for every byte.

use crate::model::{Article, Site};

/// What the JSON-LD of one article says.
#[derive(Debug, Clone, Copy)]
struct Fields<'a> {
    permalink: &'a str,
    title: &'a str,
    description: &'a str,
    language: &'a str,
    published: &'a str,
    modified: &'a str,
    site_name: &'a str,
    site_url: &'a str,
    last_reviewed: Option<&'a str>,
    /// Name and credentials.
    reviewer: Option<(&'a str, Option<&'a str>)>,
    author: Option<&'a str>,
    /// The sources, as `citation`.
    citations: &'a [Citation<'a>],
}

/// A source as a schema.org CreativeWork.
#[derive(Debug, Clone, Copy)]
struct Citation<'a> {
    name: &'a str,
    url: Option<&'a str>,
    publisher: Option<&'a str>,
    /// The year, as `datePublished`.
    year: Option<u16>,
}

/// The JSON-LD for one article, ready to print inside `<script type="application/ld+json">`.
pub fn article(site: &Site, a: &Article, permalink: &str) -> String {
    let m = &a.meta;
    let (published, modified) = (m.date.iso(), m.updated.unwrap_or(m.date).iso());
    let last_reviewed = m.last_reviewed.map(|r| r.iso());
    let citations: Vec<Citation<'_>> = (m.references.iter())
        .map(|r| Citation {
            name: &r.title,
            url: r.url.as_deref(),
            publisher: r.publisher.as_deref(),
            year: r.year,
        })
        .collect();
    let fields = Fields {
        permalink,
        title: &m.title,
        description: &m.description,
        language: &site.config.language,
        published: &published,
        modified: &modified,
        site_name: &site.config.title,
        site_url: &site.config.base_url,
        last_reviewed: last_reviewed.as_deref(),
        reviewer: (m.reviewed_by.as_ref()).map(|r| (r.name.as_str(), r.credentials.as_deref())),
        author: m.author.as_deref().or(site.config.author.as_deref()),
        citations: &citations,
    };
    let faqs: Vec<(&str, &str)> = (a.faqs().iter())
        .map(|f| (f.question(), f.answer_html().trim()))
        .collect();
    write(&fields, &faqs)
}

/// The document of `f`, with the FAQs `(question, answer HTML)` when there are any.
fn write(f: &Fields<'_>, faqs: &[(&str, &str)]) -> String {
    let text: usize = faqs.iter().map(|(q, a)| q.len() + a.len()).sum();
    let mut j = Json(String::with_capacity(1024 + text + text / 4));
    j.raw(r#"{"@context":"https://schema.org","@graph":[{"@type":"MedicalWebPage","@id":"#);
    j.str(f.permalink);
    j.field("url", f.permalink);
    j.field("name", f.title);
    j.field("description", f.description);
    j.field("inLanguage", f.language);
    j.field("datePublished", f.published);
    j.field("dateModified", f.modified);
    j.raw(r#","isPartOf":{"@type":"WebSite","name":"#);
    j.str(f.site_name);
    j.field("url", f.site_url);
    j.raw("}");
    if let Some(date) = f.last_reviewed {
        j.field("lastReviewed", date);
    }
    if let Some((name, credentials)) = f.reviewer {
        j.raw(r#","reviewedBy":{"@type":"Person","name":"#);
        j.str(name);
        if let Some(c) = credentials {
            j.raw(r#","hasCredential":{"@type":"EducationalOccupationalCredential","name":"#);
            j.str(c);
            j.raw("}");
        }
        j.raw("}");
    }
    if let Some(name) = f.author {
        j.raw(r#","author":{"@type":"Person","name":"#);
        j.str(name);
        j.raw("}");
    }
    for (k, c) in f.citations.iter().enumerate() {
        j.raw(if k == 0 { r#","citation":["# } else { "," });
        j.raw(r#"{"@type":"CreativeWork","name":"#);
        j.str(c.name);
        if let Some(url) = c.url {
            j.field("url", url);
        }
        if let Some(p) = c.publisher {
            j.raw(r#","publisher":{"@type":"Organization","name":"#);
            j.str(p);
            j.raw("}");
        }
        if let Some(year) = c.year {
            j.field("datePublished", &year.to_string());
        }
        j.raw("}");
    }
    if !f.citations.is_empty() {
        j.raw("]");
    }
    j.raw("}");
    if !faqs.is_empty() {
        j.raw(r#",{"@type":"FAQPage","@id":"#);
        j.0.push('"');
        escape_into(&mut j.0, f.permalink);
        j.raw(r##"#faqs","mainEntity":["##);
        for (k, (question, answer)) in faqs.iter().enumerate() {
            if k > 0 {
                j.raw(",");
            }
            j.raw(r#"{"@type":"Question","name":"#);
            j.str(question);
            j.raw(r#","acceptedAnswer":{"@type":"Answer","text":"#);
            j.str(answer);
            j.raw("}}");
        }
        j.raw("]}");
    }
    j.raw("]}");
    j.0
}

/// JSON being written.
struct Json(String);

impl Json {
    /// Text that is JSON already.
    fn raw(&mut self, s: &str) {
        self.0.push_str(s);
    }

    /// A string value.
    fn str(&mut self, s: &str) {
        self.0.push('"');
        escape_into(&mut self.0, s);
        self.0.push('"');
    }

    /// `,"key":"value"` (keys are plain ASCII).
    fn field(&mut self, key: &str, value: &str) {
        self.0.push_str(",\"");
        self.0.push_str(key);
        self.0.push_str("\":");
        self.str(value);
    }
}

/// Appends `s` escaped for a JSON string inside `<script>`: JSON's escapes as serde_json
/// writes them (`\"`, `\\`, `\n`..., `\u00XX` for other control characters), and `<`,
/// `>`, `&` as `\u` escapes, which JSON parsers read back as the same characters (as are
/// U+2028 and U+2029, which old JavaScript parsers refuse in strings).
fn escape_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    let mut last = 0;
    let mut i = next_special(bytes, 0);
    while let Some(&b) = bytes.get(i) {
        let control;
        let (esc, len): (&str, usize) = match b {
            b'"' => ("\\\"", 1),
            b'\\' => ("\\\\", 1),
            b'<' => ("\\u003c", 1),
            b'>' => ("\\u003e", 1),
            b'&' => ("\\u0026", 1),
            b'\n' => ("\\n", 1),
            b'\r' => ("\\r", 1),
            b'\t' => ("\\t", 1),
            0x08 => ("\\b", 1),
            0x0C => ("\\f", 1),
            0x00..0x20 => {
                control = [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 0xF)],
                ];
                (std::str::from_utf8(&control).unwrap_or_default(), 1)
            }
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
            0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA8) => ("\\u2028", 3),
            0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA9) => ("\\u2029", 3),
            _ => {
                i = next_special(bytes, i + 1);
                continue;
            }
        };
        // Every byte that starts an escape is ASCII or a lead byte: both ends of the
        // text before it are character boundaries.
        out.push_str(s.get(last..i).unwrap_or_default());
        out.push_str(esc);
        i += len;
        last = i;
        i = next_special(bytes, i);
    }
    out.push_str(s.get(last..).unwrap_or_default());
}

/// The first position from `i` on that holds a byte [`escape_into`] may escape (a
/// control character, `"`, `\`, `<`, `>`, `&`, or 0xE2, the first byte of U+2028 and
/// U+2029), or the length: eight bytes at a time.
fn next_special(bytes: &[u8], mut i: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = LO * 0x80;
    // The high bit of the lowest zero byte of `v` is set, and no lower bit: borrows
    // only run upwards, so bits above it may be wrong but none below. Likewise for the
    // lowest byte below 0x20 in `below`.
    let zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    let below = |v: u64| v.wrapping_sub(LO * 0x20) & !v & HI;
    while let Some(chunk) = bytes.get(i..).and_then(|s| s.first_chunk::<8>()) {
        let w = u64::from_le_bytes(*chunk);
        let hit = below(w)
            | zero(w ^ (LO * u64::from(b'"')))
            | zero(w ^ (LO * u64::from(b'\\')))
            | zero(w ^ (LO * u64::from(b'<')))
            | zero(w ^ (LO * u64::from(b'>')))
            | zero(w ^ (LO * u64::from(b'&')))
            | zero(w ^ (LO * 0xE2));
        if hit != 0 {
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && !is_special(bytes[i]) {
        i += 1;
    }
    i
}

fn is_special(b: u8) -> bool {
    b < 0x20 || matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&' | 0xE2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    /// The reference: serde_json with a formatter that also escapes what `<script>`
    /// must not see, over the document's shape as serde structs.
    fn script_json<T: Serialize + ?Sized>(value: &T) -> String {
        struct ScriptSafe;
        impl serde_json::ser::Formatter for ScriptSafe {
            fn write_string_fragment<W: ?Sized + std::io::Write>(
                &mut self,
                out: &mut W,
                fragment: &str,
            ) -> std::io::Result<()> {
                let s = fragment
                    .replace('<', "\\u003c")
                    .replace('>', "\\u003e")
                    .replace('&', "\\u0026")
                    .replace('\u{2028}', "\\u2028")
                    .replace('\u{2029}', "\\u2029");
                out.write_all(s.as_bytes())
            }
        }
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, ScriptSafe);
        value.serialize(&mut ser).unwrap();
        String::from_utf8(out).unwrap()
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
        date_published: &'a str,
        date_modified: &'a str,
        is_part_of: Typed<WebSite<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        last_reviewed: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        reviewed_by: Option<Reviewer<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        author: Option<Typed<Named<'a>>>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        citation: Vec<Typed<Work<'a>>>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Work<'a> {
        name: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        publisher: Option<Typed<Named<'a>>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        date_published: Option<String>,
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

    fn reference(f: &Fields<'_>, faqs: &[(&str, &str)]) -> String {
        let page = Page {
            kind: "MedicalWebPage",
            id: f.permalink,
            url: f.permalink,
            name: f.title,
            description: f.description,
            in_language: f.language,
            date_published: f.published,
            date_modified: f.modified,
            is_part_of: typed(
                "WebSite",
                WebSite {
                    name: f.site_name,
                    url: f.site_url,
                },
            ),
            last_reviewed: f.last_reviewed,
            reviewed_by: f.reviewer.map(|(name, credentials)| Reviewer {
                kind: "Person",
                name,
                has_credential: credentials.map(|c| typed("EducationalOccupationalCredential", Named { name: c })),
            }),
            author: f.author.map(|name| typed("Person", Named { name })),
            citation: (f.citations.iter())
                .map(|c| {
                    typed(
                        "CreativeWork",
                        Work {
                            name: c.name,
                            url: c.url,
                            publisher: c.publisher.map(|name| typed("Organization", Named { name })),
                            date_published: c.year.map(|y| y.to_string()),
                        },
                    )
                })
                .collect(),
        };
        let faqs = (!faqs.is_empty()).then(|| FaqPage {
            kind: "FAQPage",
            id: format!("{}#faqs", f.permalink),
            main_entity: (faqs.iter())
                .map(|&(name, text)| Question {
                    kind: "Question",
                    name,
                    accepted_answer: typed("Answer", Text { text }),
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

    /// A pseudo-random text of `len` pieces, among them everything that is escaped.
    fn text(seed: &mut u64, len: usize) -> String {
        const PIECES: &[&str] = &[
            "<",
            ">",
            "&",
            "\"",
            "\\",
            "\n",
            "\r",
            "\t",
            "\u{8}",
            "\u{c}",
            "\u{0}",
            "\u{1}",
            "\u{1f}",
            "\u{7f}",
            "\u{2028}",
            "\u{2029}",
            "\u{2027}",
            "\u{202a}",
            "â",
            "é",
            "😀",
            "ab",
            " ",
            "<p>massage</p>",
            "x",
        ];
        (0..len)
            .map(|_| {
                *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                PIECES[(*seed >> 33) as usize % PIECES.len()]
            })
            .collect()
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let mut seed = 5u64;
        for round in 0..300 {
            let t: Vec<String> = (0..15).map(|k| text(&mut seed, (round + k) % 23)).collect();
            let all = [
                Citation {
                    name: &t[12],
                    url: Some(&t[13]),
                    publisher: Some(&t[14]),
                    year: Some(2015),
                },
                Citation {
                    name: &t[13],
                    url: None,
                    publisher: None,
                    year: None,
                },
            ];
            let f = Fields {
                permalink: &t[0],
                title: &t[1],
                description: &t[2],
                language: "en",
                published: "2024-01-02",
                modified: "2024-03-04",
                site_name: &t[3],
                site_url: &t[4],
                last_reviewed: (round % 2 == 0).then_some("2025-05-06"),
                reviewer: match round % 3 {
                    0 => None,
                    1 => Some((&t[5], None)),
                    _ => Some((&t[5], Some(&t[6]))),
                },
                author: (round % 5 != 0).then_some(t[7].as_str()),
                citations: &all[..round % 3],
            };
            let faqs: Vec<(&str, &str)> = match round % 4 {
                0 => vec![],
                1 => vec![(&t[8], &t[9])],
                _ => vec![(&t[8], &t[9]), (&t[10], &t[11]), ("", "")],
            };
            let ours = write(&f, &faqs);
            assert_eq!(ours, reference(&f, &faqs), "round {round}");
            assert!(!ours.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "{ours}");
            let back: serde_json::Value = serde_json::from_str(&ours).unwrap();
            assert_eq!(back["@graph"][0]["name"], t[1].as_str());
        }
    }

    #[test]
    fn specials_are_found_where_a_byte_walk_finds_them() {
        let walk = |b: &[u8], i: usize| (i..b.len()).find(|&k| is_special(b[k])).unwrap_or(b.len());
        let alphabet: &[u8] = b"a<>&\"\\\xE2\x80\xA8\xA9\x1f\x20\x21\x3b\x3d\x25\x27\x5b\x5d\xE1\xE3\x01\xFF\x00\x7f";
        // Strings up to 19 bytes long made of the special bytes and their neighbours, so
        // each one falls at every place of an 8-byte word.
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
                    assert_eq!(next_special(&b, i), walk(&b, i), "{b:?} from {i}");
                }
            }
        }
    }

    #[test]
    fn cannot_close_the_script() {
        let mut out = String::new();
        escape_into(&mut out, "</script><script>alert(1)</script>&");
        assert!(!out.contains(['<', '>', '&']));
        let back: String = serde_json::from_str(&format!("\"{out}\"")).unwrap();
        assert_eq!(back, "</script><script>alert(1)</script>&");
    }

    #[test]
    fn escapes_line_separators_and_keeps_other_text() {
        let mut out = String::new();
        escape_into(&mut out, "x\u{2028}y\u{2029}z é 😀 \u{2027}");
        assert_eq!(out, "x\\u2028y\\u2029z é 😀 \u{2027}");
    }
}
