//! The lists of articles that are split into pages (`paginate_by` articles each): which
//! articles each list holds, in order, and where each of its pages goes. Page 1 is the
//! list's own URL, page n >= 2 is `<list URL>page/<n>/`, and `<list URL>page/1/` is a
//! redirect to the list's URL.

use crate::model::{Site, Sourced};

/// A list of articles that is split into pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum List {
    /// `/articles/`: every article.
    Articles,
    /// `/faq/`: the articles with FAQs, each with its FAQs.
    Faq,
    /// `/techniques/<slug>/`: the articles that use technique `i`.
    Technique(usize),
    /// `/benefits/<slug>/`: the articles that claim benefit `i`.
    Benefit(usize),
    /// `/tags/<slug>/`: the articles that carry tag `i`.
    Tag(usize),
}

impl List {
    /// Every list of the site, in plan order.
    pub fn all(site: &Site) -> impl Iterator<Item = List> {
        [List::Articles, List::Faq]
            .into_iter()
            .chain((0..site.techniques.len()).map(List::Technique))
            .chain((0..site.benefits.len()).map(List::Benefit))
            .chain((0..site.tags.len()).map(List::Tag))
    }

    /// The articles of the list (indices into [`Site::articles`]), newest first; `None`
    /// for every article.
    fn members(self, site: &Site) -> Option<&[usize]> {
        match self {
            List::Articles => None,
            List::Faq => Some(&site.faq_articles),
            List::Technique(i) => Some(&site.techniques[i].used_by),
            List::Benefit(i) => Some(&site.benefits[i].articles),
            List::Tag(i) => Some(&site.tags[i].articles),
        }
    }

    /// How many articles the list holds.
    pub fn len(self, site: &Site) -> usize {
        self.members(site).map_or(site.articles.len(), <[usize]>::len)
    }

    /// The site path of the list's first page.
    pub fn path(self, site: &Site) -> &str {
        match self {
            List::Articles => "/articles/",
            List::Faq => "/faq/",
            List::Technique(i) => site.techniques[i].path(),
            List::Benefit(i) => &site.benefits[i].path,
            List::Tag(i) => &site.tags[i].path,
        }
    }

    /// The list's name, as its pages show it.
    pub fn name(self, site: &Site) -> &str {
        match self {
            List::Articles => site.config.word("nav_articles", "Articles"),
            List::Faq => site.config.word("faq_title", "Frequently asked questions"),
            List::Technique(i) => &site.techniques[i].meta.title,
            List::Benefit(i) => &site.benefits[i].name,
            List::Tag(i) => &site.tags[i].name,
        }
    }

    /// How many pages the list has with `per_page` articles a page (at least one: an
    /// empty list still has its page).
    pub fn pages(self, site: &Site) -> usize {
        page_count(self.len(site), site.config.paginate_by)
    }

    /// The articles on page `number` (from 1), in order.
    pub fn page(self, site: &Site, number: usize) -> Vec<usize> {
        let len = self.len(site);
        let per = site.config.paginate_by.max(1);
        let start = number.saturating_sub(1).saturating_mul(per).min(len);
        let range = start..len.min(start.saturating_add(per));
        match self.members(site) {
            None => range.collect(),
            Some(members) => members[range].to_vec(),
        }
    }
}

/// How many pages `len` articles fill, `per_page` a page; at least one.
pub fn page_count(len: usize, per_page: usize) -> usize {
    len.div_ceil(per_page.max(1)).max(1)
}

/// The site path of page `number` (from 1) of the list at `list_path`.
pub fn page_path(list_path: &str, number: usize) -> String {
    if number <= 1 {
        list_path.to_owned()
    } else {
        format!("{list_path}page/{number}/")
    }
}

/// The site path of the redirect from `<list>page/1/` to the list.
pub(super) fn first_page_alias(list_path: &str) -> String {
    format!("{list_path}page/1/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_their_paths() {
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(20, 20), 1);
        assert_eq!(page_count(21, 20), 2);
        assert_eq!(page_count(5, 0), 5);
        assert_eq!(page_path("/faq/", 1), "/faq/");
        assert_eq!(page_path("/faq/", 3), "/faq/page/3/");
        assert_eq!(first_page_alias("/tags/posture/"), "/tags/posture/page/1/");
    }
}
