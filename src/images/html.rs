//! The markup of a processed image: an `<img>` with its size, `srcset`, `sizes`,
//! `decoding="async"` and, unless it is the article's lead image, `loading="lazy"`;
//! wrapped in a `<picture>` with a WebP `<source>` when WebP is offered.

use serde::Serialize;

use super::{Processed, Version};

/// How wide an image is shown: the full viewport on a phone, at most the text column
/// (54ch in both shipped themes) elsewhere.
pub const SIZES: &str = "(max-width: 36rem) 100vw, 36rem";

/// A processed image as pages and templates use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Picture {
    /// The `src`: the widest version in the original's format (base path included).
    pub src: String,
    /// `srcset` of the versions in the original's format.
    pub srcset: String,
    /// `srcset` of the WebP versions, when offered.
    pub webp_srcset: Option<String>,
    /// The MIME type of `src`.
    pub mime: &'static str,
    /// Width of the widest version, in pixels.
    pub width: u32,
    /// Its height.
    pub height: u32,
    /// The `sizes` attribute.
    pub sizes: &'static str,
}

fn srcset(versions: &[Version], href: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    for (i, v) in versions.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&href(&v.path));
        out.push(' ');
        out.push_str(&v.width.to_string());
        out.push('w');
    }
    out
}

impl Picture {
    /// The picture of `p`, with `href` turning a site path into the href to write.
    pub fn of(p: &Processed, href: &dyn Fn(&str) -> String) -> Option<Picture> {
        let widest = p.main.last()?;
        Some(Picture {
            src: href(&widest.path),
            // A drawing is sharp at any width: one file, no choice to offer.
            srcset: if p.mime == super::SVG {
                String::new()
            } else {
                srcset(&p.main, href)
            },
            webp_srcset: (!p.webp.is_empty()).then(|| srcset(&p.webp, href)),
            mime: p.mime,
            width: widest.width,
            height: widest.height,
            sizes: SIZES,
        })
    }

    /// The HTML: `alt` and `title` are plain text (escaped here); `lead` for an image at
    /// the top of the page, which is not loaded lazily.
    pub fn html(&self, alt: &str, title: Option<&str>, lead: bool) -> String {
        let esc = |s: &str| {
            let mut out = String::with_capacity(s.len());
            for c in s.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    c => out.push(c),
                }
            }
            out
        };
        let mut out = String::new();
        if let Some(webp) = &self.webp_srcset {
            out.push_str(&format!(
                r#"<picture><source type="image/webp" srcset="{}" sizes="{}">"#,
                esc(webp),
                self.sizes
            ));
        }
        out.push_str(&format!(r#"<img src="{}""#, esc(&self.src)));
        if !self.srcset.is_empty() {
            out.push_str(&format!(r#" srcset="{}" sizes="{}""#, esc(&self.srcset), self.sizes));
        }
        out.push_str(&format!(
            r#" width="{}" height="{}" alt="{}""#,
            self.width,
            self.height,
            esc(alt)
        ));
        if let Some(t) = title.filter(|t| !t.is_empty()) {
            out.push_str(&format!(r#" title="{}""#, esc(t)));
        }
        out.push_str(if lead {
            r#" decoding="async" fetchpriority="high">"#
        } else {
            r#" decoding="async" loading="lazy">"#
        });
        if self.webp_srcset.is_some() {
            out.push_str("</picture>");
        }
        out
    }
}
