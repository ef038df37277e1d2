//! The files for static hosting that need no template: sitemap.xml (split into parts on
//! large sites), the Atom feed.xml and robots.txt. All dates come from content, never
//! from the clock.

use std::fmt::Write as _;

use crate::model::{Site, Sourced};

/// Escapes text for XML content and attributes.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// How many of the newest articles the feed carries.
pub const FEED_ENTRIES: usize = 30;

fn permalink(site: &Site, path: &str) -> String {
    format!("{}{}", site.config.base_url, path.trim_start_matches('/'))
}

/// The most URLs one sitemap file may list (the sitemap protocol's limit).
pub const SITEMAP_URLS: usize = 50_000;

/// How many part files a sitemap of `urls` URLs is split into: none when one
/// `/sitemap.xml` holds them all.
pub fn sitemap_parts(urls: usize) -> usize {
    if urls <= SITEMAP_URLS {
        0
    } else {
        urls.div_ceil(SITEMAP_URLS)
    }
}

/// The output file of sitemap part `k` (from 0): `sitemap-<k + 1>.xml`.
pub fn sitemap_part_file(k: usize) -> String {
    format!("sitemap-{}.xml", k + 1)
}

/// sitemap.xml: every page of `pages` (site paths), with `lastmod` for articles; when
/// there are more than [`SITEMAP_URLS`], the index of the parts ([`sitemap_part`]).
pub fn sitemap(site: &Site, pages: &[String]) -> String {
    let parts = sitemap_parts(pages.len());
    if parts == 0 {
        return urlset(site, pages);
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for k in 0..parts {
        let loc = xml_escape(&permalink(site, &sitemap_part_file(k)));
        let _ = writeln!(out, "  <sitemap><loc>{loc}</loc></sitemap>");
    }
    out.push_str("</sitemapindex>\n");
    out
}

/// Part `k` (from 0) of a sitemap too large for one file: the `k`-th run of
/// [`SITEMAP_URLS`] pages.
pub fn sitemap_part(site: &Site, pages: &[String], k: usize) -> String {
    let start = k.saturating_mul(SITEMAP_URLS).min(pages.len());
    urlset(site, &pages[start..pages.len().min(start + SITEMAP_URLS)])
}

/// A `<urlset>` of `pages`, with `lastmod` for articles and, on a site of several
/// languages, each page's versions as `xhtml:link` alternates.
fn urlset(site: &Site, pages: &[String]) -> String {
    let mut out = String::with_capacity(80 * pages.len() + 160);
    let i18n = &site.config.i18n;
    let multilingual = i18n.table.is_multilingual();
    out.push_str(if multilingual {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n"
    } else {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
    });
    let lastmod: std::collections::HashMap<&str, String> = site
        .articles
        .iter()
        .map(|a| (a.path(), a.meta.updated.unwrap_or(a.meta.date).iso()))
        .collect();
    for p in pages {
        let _ = write!(out, "  <url><loc>{}</loc>", xml_escape(&permalink(site, p)));
        if let Some(d) = lastmod.get(p.as_str()) {
            let _ = write!(out, "<lastmod>{d}</lastmod>");
        }
        if multilingual {
            let versions = i18n.table.versions(i18n.index, &site.links.href(p));
            for v in &versions {
                let _ = write!(
                    out,
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    xml_escape(&v.code),
                    xml_escape(&v.permalink)
                );
            }
            if let Some(x) = i18n.table.x_default(&versions) {
                let _ = write!(
                    out,
                    "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                    xml_escape(&x)
                );
            }
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// feed.xml (Atom 1.0): the newest articles.
pub fn atom(site: &Site) -> String {
    let c = &site.config;
    let updated = site
        .articles
        .iter()
        .map(|a| a.meta.updated.unwrap_or(a.meta.date))
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), |d| d.rfc3339());
    let feed_author = c.author.as_deref().unwrap_or(&c.title);
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n  <title>{title}</title>\n  <subtitle>{sub}</subtitle>\n  <link href=\"{base}feed.xml\" rel=\"self\" type=\"application/atom+xml\"/>\n  <link href=\"{base}\" rel=\"alternate\" type=\"text/html\"/>\n  <id>{base}</id>\n  <updated>{updated}</updated>\n  <author><name>{author}</name></author>\n",
        lang = xml_escape(&c.language),
        title = xml_escape(&c.title),
        sub = xml_escape(&c.description),
        base = xml_escape(&c.base_url),
        author = xml_escape(feed_author),
    );
    for a in site.articles.iter().take(FEED_ENTRIES) {
        let link = xml_escape(&permalink(site, a.path()));
        let _ = write!(
            out,
            "  <entry>\n    <title>{}</title>\n    <link href=\"{link}\" rel=\"alternate\" type=\"text/html\"/>\n    <id>{link}</id>\n    <published>{}</published>\n    <updated>{}</updated>\n",
            xml_escape(&a.meta.title),
            a.meta.date.rfc3339(),
            a.meta.updated.unwrap_or(a.meta.date).rfc3339(),
        );
        if let Some(author) = &a.meta.author {
            let _ = writeln!(out, "    <author><name>{}</name></author>", xml_escape(author));
        }
        let _ = write!(
            out,
            "    <summary>{}</summary>\n  </entry>\n",
            xml_escape(&a.meta.description)
        );
    }
    out.push_str("</feed>\n");
    out
}

/// robots.txt: allow everything and point at the sitemap, and at each other
/// language's.
pub fn robots(site: &Site) -> String {
    let mut out = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        site.config.base_url
    );
    for l in &site.config.languages {
        let _ = writeln!(out, "Sitemap: {}{}/sitemap.xml", site.config.base_url, l.code);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_xml() {
        assert_eq!(
            xml_escape("a<b>&\"c'\u{1}\u{fffe}\u{ffff}"),
            "a&lt;b&gt;&amp;&quot;c&apos;"
        );
    }
}
