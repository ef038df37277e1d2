//! The schema.org JSON-LD of article pages: a MedicalWebPage and, when the article has
//! FAQs, an FAQPage with the same questions and answers as the visible ones. The JSON is
//! escaped so that no value can close the `<script>` element it sits in.

use serde_json::{Value, json};

use crate::model::{Article, Site};

/// Makes JSON safe inside `<script>`: `<`, `>` and `&` become `\u` escapes, which JSON
/// parsers read back as the same characters.
pub fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 64);
    let mut last = 0;
    for (i, c) in json.char_indices() {
        let esc = match c {
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            '\u{2029}' => "\\u2029",
            _ => continue,
        };
        out.push_str(&json[last..i]);
        out.push_str(esc);
        last = i + c.len_utf8();
    }
    out.push_str(&json[last..]);
    out
}

/// The JSON-LD for one article, ready to print inside `<script type="application/ld+json">`.
pub fn article(site: &Site, a: &Article, permalink: &str) -> String {
    let m = &a.meta;
    let mut page = json!({
        "@type": "MedicalWebPage",
        "@id": permalink,
        "url": permalink,
        "name": m.title,
        "description": m.description,
        "inLanguage": site.config.language,
        "datePublished": m.date.iso(),
        "dateModified": m.updated.unwrap_or(m.date).iso(),
        "isPartOf": { "@type": "WebSite", "name": site.config.title, "url": site.config.base_url },
    });
    let obj = page.as_object_mut().expect("json! of an object is an object");
    if let Some(r) = m.last_reviewed {
        obj.insert("lastReviewed".into(), Value::String(r.iso()));
    }
    if let Some(r) = &m.reviewed_by {
        let mut person = json!({ "@type": "Person", "name": r.name });
        if let Some(c) = &r.credentials {
            person["hasCredential"] = json!({ "@type": "EducationalOccupationalCredential", "name": c });
        }
        obj.insert("reviewedBy".into(), person);
    }
    if let Some(author) = m.author.as_deref().or(site.config.author.as_deref()) {
        obj.insert("author".into(), json!({ "@type": "Person", "name": author }));
    }
    let mut graph = vec![page];
    if !a.faqs().is_empty() {
        let questions: Vec<Value> = a
            .faqs()
            .iter()
            .map(|f| json!({ "@type": "Question", "name": f.question, "acceptedAnswer": { "@type": "Answer", "text": f.answer.trim() } }))
            .collect();
        graph.push(json!({ "@type": "FAQPage", "@id": format!("{permalink}#faqs"), "mainEntity": questions }));
    }
    let doc = json!({ "@context": "https://schema.org", "@graph": graph });
    script_safe(&doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cannot_close_the_script() {
        let s = script_safe(r#"{"a":"</script><script>alert(1)</script>&"}"#);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["a"], "</script><script>alert(1)</script>&");
    }
}
