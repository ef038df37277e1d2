//! The redirect page: a small HTML page, made by knead rather than by the theme, that
//! sends browsers and search engines from one URL of the site to another. The first
//! page of a list has one at `<list>page/1/`; moved pages (aliases) use the same page.

use super::feeds::xml_escape;
use crate::model::Site;

/// The redirect page to the site path `to`: an immediate `<meta http-equiv="refresh">`,
/// a canonical link and `noindex` (so that search engines keep the target, not the
/// redirect), and a visible link for browsers that do not follow the refresh. Every URL
/// is absolute, base path included.
pub(super) fn page(site: &Site, to: &str) -> String {
    let url = xml_escape(&format!("{}{}", site.config.base_url, to.trim_start_matches('/')));
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{url}\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{url}\">{url}</a>.</p>\n</body>\n</html>\n",
        lang = xml_escape(&site.config.language),
        title = xml_escape(&site.config.title),
    )
}

/// `/_redirects`, the rules file of Netlify and Cloudflare Pages: one line per alias,
/// `<old path> <new path> 301`, base path included. Hosts that do not read it still
/// have the redirect pages.
pub(super) fn rules(site: &Site) -> String {
    let base = site.config.base_path.trim_end_matches('/');
    let mut out = String::new();
    for a in &site.aliases {
        out.push_str(&format!("{base}{} {base}{} 301\n", a.from, a.to));
    }
    out
}
