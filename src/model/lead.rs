//! An article's lead image (`image` in its front matter): its processed versions for
//! the top of the article's page and its `og:image`, or the located error of an
//! original that cannot be used.

use crate::diagnostics::Diagnostic;
use crate::images::Catalog;
use crate::images::html::Picture;
use crate::markdown::links::{LinkIndex, Resolved};
use crate::source::meta::ArticleMeta;
use crate::source::parse::Doc;

/// The picture of the article `d`'s lead image when it is a processed image; its site
/// path and key go into `shown`, and an original that cannot be used into `problems`
/// (an image that does not exist is reported by the front-matter stage).
pub(super) fn lead_image(
    d: &Doc,
    m: &ArticleMeta,
    index: &LinkIndex,
    images: Option<&Catalog>,
    shown: &mut Vec<(String, u64)>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Picture> {
    let img = m.image.as_ref()?;
    let Ok(Resolved::Local { href, target: None }) = index.resolve(&img.src, "articles/", &d.path, true) else {
        return None;
    };
    let path = index.site_path_of(&href)?;
    let entry = images?.get(&path)?;
    shown.push((path, entry.key));
    match &entry.outcome {
        Ok(p) => Picture::of(p, &|path| index.href(path)),
        Err(f) => {
            let mut diag = Diagnostic::error(&d.rel, f.message.clone()).help(f.help.clone());
            let at = d
                .located()
                .map(|l| l.item("image", img.src.trim()))
                .filter(|p| p.line > 1);
            if let (Some(p), Ok(text)) = (at, d.full_text()) {
                diag = diag.at(&text, p.line, p.column, p.len);
            }
            problems.push(diag);
            None
        }
    }
}
