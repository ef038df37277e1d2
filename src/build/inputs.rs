//! What watch mode compares between rebuilds: the value of every input a page reads
//! ([`Input`]), so a page is rendered again exactly when one of them changed. A content
//! file's value is its version; a listing's is a hash of the fields lists show (an
//! article's listing shows its benefits' grades, so it is made again when theirs
//! change); the site's is a hash of the site-wide context. Values identify their source (versions are
//! never reused, listings include the URL), so a page's stamp changes whenever the set,
//! the order or the content of its inputs does.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use crate::model::{Site, Sourced};
use crate::render::context::Builder;
use crate::render::{Input, List};

/// Fingerprints of content files, kept across rebuilds.
#[derive(Default)]
pub(super) struct Fingerprints {
    /// key -> (hash of doc version and index generation, hash) for listings.
    listing: FxHashMap<Arc<str>, (u64, u64)>,
    /// key -> (doc version, index generation, hash) for FAQ groups.
    faqs: FxHashMap<Arc<str>, (u64, u64, u64)>,
}

// Fingerprints live in memory only, so std's hasher does (output hashes: crate::text::hash).
pub(super) fn hash_of(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// The value of every input of this build (see [`Input`]).
pub(super) struct Values {
    site: u64,
    article: Vec<u64>,
    article_listing: Vec<u64>,
    all_article_listings: u64,
    article_faqs: Vec<u64>,
    lists: FxHashMap<List, u64>,
    technique: Vec<u64>,
    technique_listing: Vec<u64>,
    all_technique_listings: u64,
    page: Vec<u64>,
    home: u64,
    benefit: Vec<u64>,
    benefit_listing: Vec<u64>,
    all_benefit_listings: u64,
    aliases: u64,
    search_shards: Vec<u64>,
    search_manifest: u64,
}

impl Values {
    pub(super) fn new(
        site: &Site,
        versions: &FxHashMap<&str, u64>,
        fp: &Fingerprints,
        generation: u64,
        site_stamp: u64,
        search: (Vec<u64>, u64),
        benefit_listing: Vec<u64>,
    ) -> Self {
        // A document's value covers the images it shows: an edited image changes them.
        let source = |key: &Arc<str>, render: &crate::model::DocRender| {
            hash_of((versions.get(key.as_ref()), generation, render.images_stamp()))
        };
        let listing = |key: &Arc<str>| fp.listing.get(key).map_or(0, |f| f.1);
        let article_listing: Vec<u64> = site.articles.iter().map(|a| listing(a.key())).collect();
        let article_faqs: Vec<u64> = site
            .articles
            .iter()
            .map(|a| fp.faqs.get(a.key()).map_or(0, |f| f.2))
            .collect();
        let technique_listing: Vec<u64> = site.techniques.iter().map(|t| listing(t.key())).collect();
        let article: Vec<u64> = site.articles.iter().map(|a| source(a.key(), &a.render)).collect();
        Values {
            site: site_stamp,
            article,
            all_article_listings: hash_of(&article_listing),
            article_listing,
            article_faqs,
            lists: List::all(site).map(|l| (l, list_value(site, l))).collect(),
            technique: site.techniques.iter().map(|t| source(t.key(), &t.render)).collect(),
            all_technique_listings: hash_of(&technique_listing),
            technique_listing,
            page: site.pages.iter().map(|p| source(p.key(), &p.render)).collect(),
            home: site.home.as_ref().map_or(0, |h| source(h.key(), &h.render)),
            benefit: (site.benefits.iter())
                .map(|b| b.profile.as_ref().map_or(0, |p| source(p.key(), &p.render)))
                .collect(),
            all_benefit_listings: hash_of(&benefit_listing),
            benefit_listing,
            aliases: hash_of(&site.aliases),
            search_shards: search.0,
            search_manifest: search.1,
        }
    }

    /// A hash of the values of `inputs`, in order. Each value is hashed with its kind of
    /// input but without the index the input carries: values identify their source, so
    /// a list page whose articles did not change keeps its stamp when an edit elsewhere
    /// moved them in the site's order.
    pub(super) fn stamp(&self, inputs: &[Input]) -> u64 {
        let mut h = FxHasher::default();
        for input in inputs {
            let value = match *input {
                Input::Site => self.site,
                Input::Article(i) => self.article[i],
                Input::ArticleListing(i) => self.article_listing[i],
                Input::AllArticleListings => self.all_article_listings,
                Input::ArticleFaqs(i) => self.article_faqs[i],
                Input::List(l) => self.lists.get(&l).copied().unwrap_or(0),
                Input::Technique(i) => self.technique[i],
                Input::TechniqueListing(i) => self.technique_listing[i],
                Input::AllTechniqueListings => self.all_technique_listings,
                Input::Page(i) => self.page[i],
                Input::Home => self.home,
                Input::Benefit(i) => self.benefit[i],
                Input::BenefitListing(i) => self.benefit_listing[i],
                Input::AllBenefitListings => self.all_benefit_listings,
                Input::Aliases => self.aliases,
                Input::SearchShard(i) => self.search_shards.get(i).copied().unwrap_or(0),
                Input::SearchManifest => self.search_manifest,
            };
            (std::mem::discriminant(input), value).hash(&mut h);
        }
        h.finish()
    }
}

/// The value of [`Input::List`]: what every page of a list shows of the list itself.
fn list_value(site: &Site, list: List) -> u64 {
    hash_of((
        list.name(site),
        list.path(site),
        list.len(site),
        site.config.paginate_by,
    ))
}

/// The value of each benefit's listing: what lists and article pages show of it.
pub(super) fn benefit_listings(site: &Site) -> Vec<u64> {
    (site.benefits.iter())
        .map(|b| {
            let profile = b.profile.as_ref().map(|p| (p.meta.evidence, &p.meta.summary));
            hash_of((&b.name, &b.path, profile))
        })
        .collect()
}

/// Recomputes the fingerprints of documents whose version, links or (for an article)
/// benefits' listings changed.
pub(super) fn update_fingerprints(
    fp: &mut Fingerprints,
    generation: u64,
    site: &Site,
    versions: &FxHashMap<&str, u64>,
    benefit_listings: &[u64],
) {
    let b = Builder { site };
    for (i, a) in site.articles.iter().enumerate() {
        let v = versions.get(a.key().as_ref()).copied().unwrap_or(0);
        let benefits: Vec<u64> = a.benefits.iter().map(|&(k, _)| benefit_listings[k]).collect();
        let key = hash_of((v, generation, benefits));
        if fp.listing.get(a.key()).map(|f| f.0) != Some(key) {
            let listing = serde_json::to_string(&b.summary(i)).ok();
            fp.listing.insert(Arc::clone(a.key()), (key, hash_of(listing)));
        }
        if fp.faqs.get(a.key()).map(|f| (f.0, f.1)) != Some((v, generation)) {
            let faqs: Vec<(&str, &str, &str)> = a
                .faqs()
                .iter()
                .map(|f| (f.id(), f.question(), f.answer_html()))
                .collect();
            fp.faqs.insert(
                Arc::clone(a.key()),
                (v, generation, hash_of((&a.meta.title, a.path(), faqs))),
            );
        }
    }
    for t in &site.techniques {
        let v = versions.get(t.key().as_ref()).copied().unwrap_or(0);
        let key = hash_of((v, generation));
        if fp.listing.get(t.key()).map(|f| f.0) != Some(key) {
            let h = hash_of((&t.meta.title, &t.meta.summary, t.meta.pressure as u8, t.path()));
            fp.listing.insert(Arc::clone(t.key()), (key, h));
        }
    }
    // Forget documents that are gone.
    if fp.listing.len() != site.articles.len() + site.techniques.len() || fp.faqs.len() != site.articles.len() {
        let keep: FxHashSet<&str> = site
            .articles
            .iter()
            .map(|a| a.key().as_ref())
            .chain(site.techniques.iter().map(|t| t.key().as_ref()))
            .collect();
        fp.listing.retain(|k, _| keep.contains(k.as_ref()));
        fp.faqs.retain(|k, _| keep.contains(k.as_ref()));
    }
}
