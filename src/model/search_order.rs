//! The order the search index numbers documents in. It is the model's decision, made
//! once from the sorted lists (`Site::search_order`): the index files, the pages that
//! name them and watch mode's cache all read documents by these numbers.

/// A searchable document: an article, a technique profile or a plain page, by index
/// into the site's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocRef {
    /// `Site::articles[i]`.
    Article(usize),
    /// `Site::techniques[i]`.
    Technique(usize),
    /// `Site::pages[i]`.
    Page(usize),
}

/// Every searchable document (title, URL, which) in index order: by title
/// (case-insensitive), then URL, so that equal scores rank by title. Document numbers
/// are positions in this list. The model keeps it as `Site::search_order`.
pub fn doc_order<'a>(docs: impl Iterator<Item = (&'a str, &'a str, DocRef)>) -> Vec<DocRef> {
    let mut order: Vec<(String, &str, DocRef)> = docs.map(|(title, path, r)| (title.to_lowercase(), path, r)).collect();
    order.sort_unstable_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    order.into_iter().map(|(_, _, r)| r).collect()
}
