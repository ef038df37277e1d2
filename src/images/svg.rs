//! The size of an SVG drawing, read from its root element (`width` and `height` in
//! pixels, else its `viewBox`), so a page can reserve its place before it loads. SVG
//! files are copied as they are.

/// The value of the attribute `name` in the tag text `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    while let Some(i) = rest.find(name) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + name.len()..].trim_start();
        if before.is_some_and(char::is_whitespace)
            && let Some(value) = after.strip_prefix('=')
        {
            let value = value.trim_start();
            let quote = value.chars().next()?;
            if quote == '"' || quote == '\'' {
                let value = &value[1..];
                return value.find(quote).map(|end| &value[..end]);
            }
        }
        rest = &rest[i + name.len()..];
    }
    None
}

/// A length in pixels (`640`, `640px`, `12.5`); `None` for relative units.
fn pixels(v: &str) -> Option<f64> {
    let v = v.trim();
    let v = v.strip_suffix("px").unwrap_or(v);
    v.parse::<f64>().ok().filter(|n| n.is_finite() && *n > 0.0)
}

/// The width and height of the SVG document `text`, in pixels, rounded.
pub fn size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start + 4..];
    let tag = &tag[..tag.find('>')?];
    let round = |n: f64| (n.round() as u32).max(1);
    let wh = attr(tag, "width")
        .and_then(pixels)
        .zip(attr(tag, "height").and_then(pixels));
    if let Some((w, h)) = wh {
        return Some((round(w), round(h)));
    }
    let vb: Vec<f64> = attr(tag, "viewBox")?
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match vb[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 => {
            // Only a width given: the height follows the proportions of the view box.
            match attr(tag, "width").and_then(pixels) {
                Some(width) => Some((round(width), round(width * h / w))),
                None => Some((round(w), round(h))),
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::size;

    #[test]
    fn sizes_from_attributes_or_the_view_box() {
        assert_eq!(size(r#"<svg xmlns="x" width="640" height="560">"#), Some((640, 560)));
        assert_eq!(size(r#"<?xml?><svg viewBox="0 0 10.4 20"><g/></svg>"#), Some((10, 20)));
        assert_eq!(size(r#"<svg width="100%" viewBox="0,0,40,30">"#), Some((40, 30)));
        assert_eq!(size(r#"<svg width="80px" viewBox="0 0 40 30">"#), Some((80, 60)));
        assert_eq!(size(r#"<svg stroke-width="2">"#), None);
        assert_eq!(size("not svg"), None);
    }
}
