//! The plan of a build: every output file, what kind of page it is, and the inputs
//! ([`Input`]) it reads. This is where a page's inputs are declared: a page that shows
//! a new part of the model must list it here, or watch mode will not render the page
//! again when that part changes (see `build/incremental.rs`).

use rayon::prelude::*;

use crate::model::{Site, Sourced};

/// An input that a page reads: a part of the site model. Watch mode renders a page
/// again exactly when the value of one of its inputs changed (see
/// `build/incremental.rs`). Indices point into the [`Site`]'s lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Input {
    /// site.yaml, the menu, the disclaimer and the templates: every page reads them.
    Site,
    /// Everything of one article: front matter and rendered Markdown.
    Article(usize),
    /// What other pages show of an article: title, description, dates, author,
    /// techniques, benefits, tags, reading time, URL.
    ArticleListing(usize),
    /// The listings of every article, in order.
    AllArticleListings,
    /// An article's title, URL and FAQs, as the FAQ hub shows them.
    ArticleFaqs(usize),
    /// The FAQs of every article, in order.
    AllArticleFaqs,
    /// Everything of one technique.
    Technique(usize),
    /// What other pages show of a technique: title, summary, pressure, URL.
    TechniqueListing(usize),
    /// The listings of every technique, in order.
    AllTechniqueListings,
    /// Everything of one benefit's profile: front matter and rendered Markdown.
    Benefit(usize),
    /// What other pages show of a benefit: name, evidence grade, summary, URL.
    BenefitListing(usize),
    /// The listings of every benefit, in order.
    AllBenefitListings,
    /// Everything of one plain page.
    Page(usize),
    /// Everything of the home page's content file.
    Home,
    /// The bytes of search term shard `i`. Derived: the shards are made from every
    /// document (see [`crate::search`]) before pages are stamped, so an edit
    /// re-renders only the shards whose terms it changed.
    SearchShard(usize),
    /// The bytes of the search manifest (derived likewise: it names every shard's first
    /// term and hashes every index file).
    SearchManifest,
}

/// What a planned output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// `/`.
    Home,
    /// `/articles/`.
    ArticleList,
    /// `/articles/<slug>/`, by index into `Site::articles`.
    Article(usize),
    /// `/techniques/`.
    TechniqueList,
    /// `/techniques/<slug>/`.
    Technique(usize),
    /// `/benefits/`.
    BenefitList,
    /// `/benefits/<slug>/`.
    Benefit(usize),
    /// `/faq/`.
    Faq,
    /// `/<slug>/`.
    Page(usize),
    /// `/404.html`.
    NotFound,
    /// `/sitemap.xml`.
    Sitemap,
    /// `/feed.xml`.
    Feed,
    /// `/robots.txt`.
    Robots,
    /// `/search/`: the search page.
    Search,
    /// `/search/search.js`: the search script.
    SearchScript,
    /// `/search-index.json`: the search index manifest.
    SearchIndex,
    /// `/search/shards/<i>.json`: terms of the search index.
    SearchShard(usize),
    /// `/search/docs/<k>.json`: documents of the search index.
    SearchDocs(usize),
}

/// One output file to make: where, what, and from which inputs.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Path under the output folder, `/`-separated (`articles/x/index.html`).
    pub path: String,
    /// What it is.
    pub kind: PageKind,
    /// What it reads.
    pub inputs: Vec<Input>,
}

fn out_path(site_path: &str) -> String {
    format!("{}index.html", site_path.trim_start_matches('/'))
}

impl PageKind {
    /// Roughly how long the page takes to make, largest first: 0 for the FAQ hub (every
    /// FAQ of the site), 1 for the search manifest (it waits for the whole index), 2 for
    /// the other pages that list many articles, 3 for the rest.
    pub fn weight_rank(&self) -> u8 {
        match self {
            PageKind::Faq => 0,
            PageKind::SearchIndex => 1,
            PageKind::ArticleList | PageKind::Technique(_) | PageKind::Benefit(_) | PageKind::Sitemap => 2,
            PageKind::Home | PageKind::Feed => 2,
            _ => 3,
        }
    }
}

/// The output file of article `i`'s page.
pub fn article_file(site: &Site, i: usize) -> String {
    out_path(site.articles[i].path())
}

/// Every output file of the site, with the inputs each one reads.
pub fn plan(site: &Site) -> Vec<Planned> {
    use Input::*;
    let mut out = Vec::with_capacity(site.articles.len() + site.techniques.len() + site.benefits.len() + 16);
    let lists = || vec![Site, AllArticleListings, AllTechniqueListings];
    let mut home = lists();
    if site.home.is_some() {
        home.push(Home);
    }
    out.push(Planned {
        path: "index.html".into(),
        kind: PageKind::Home,
        inputs: home,
    });
    out.push(Planned {
        path: out_path("/articles/"),
        kind: PageKind::ArticleList,
        inputs: lists(),
    });
    // In parallel: on large sites this is mostly cache misses, which two cores halve.
    out.par_extend(site.articles.par_iter().enumerate().map(|(i, a)| {
        let mut inputs = Vec::with_capacity(4 + a.techniques.len());
        inputs.extend([Site, Article(i)]);
        if i + 1 < site.articles.len() {
            inputs.push(ArticleListing(i + 1));
        }
        if let Some(newer) = i.checked_sub(1) {
            inputs.push(ArticleListing(newer));
        }
        inputs.extend(a.techniques.iter().map(|&t| TechniqueListing(t)));
        inputs.extend(a.benefits.iter().map(|&(b, _)| BenefitListing(b)));
        Planned {
            path: article_file(site, i),
            kind: PageKind::Article(i),
            inputs,
        }
    }));
    let techniques = vec![Site, AllTechniqueListings];
    out.push(Planned {
        path: out_path("/techniques/"),
        kind: PageKind::TechniqueList,
        inputs: techniques.clone(),
    });
    for (i, t) in site.techniques.iter().enumerate() {
        let mut inputs = techniques.clone();
        inputs.push(Technique(i));
        inputs.extend(t.used_by.iter().map(|&a| ArticleListing(a)));
        out.push(Planned {
            path: out_path(t.path()),
            kind: PageKind::Technique(i),
            inputs,
        });
    }
    let mut benefits = lists();
    benefits.push(AllBenefitListings);
    out.push(Planned {
        path: out_path("/benefits/"),
        kind: PageKind::BenefitList,
        inputs: benefits,
    });
    for (i, b) in site.benefits.iter().enumerate() {
        let mut inputs = techniques.clone();
        inputs.extend([Benefit(i), BenefitListing(i)]);
        inputs.extend(b.articles.iter().map(|&a| ArticleListing(a)));
        out.push(Planned {
            path: out_path(&b.path),
            kind: PageKind::Benefit(i),
            inputs,
        });
    }
    out.push(Planned {
        path: out_path("/faq/"),
        kind: PageKind::Faq,
        inputs: vec![Site, AllArticleFaqs],
    });
    for (i, p) in site.pages.iter().enumerate() {
        out.push(Planned {
            path: out_path(p.path()),
            kind: PageKind::Page(i),
            inputs: vec![Site, Page(i)],
        });
    }
    out.push(Planned {
        path: "404.html".into(),
        kind: PageKind::NotFound,
        inputs: vec![Site],
    });
    // The sitemap lists every page (and the dates of articles); the feed the newest
    // articles; robots.txt only the base URL.
    let mut sitemap = lists();
    sitemap.push(AllBenefitListings);
    sitemap.extend((0..site.pages.len()).map(Page));
    out.push(Planned {
        path: "sitemap.xml".into(),
        kind: PageKind::Sitemap,
        inputs: sitemap,
    });
    let mut feed = vec![Site];
    feed.extend((0..site.articles.len().min(super::feeds::FEED_ENTRIES)).map(ArticleListing));
    out.push(Planned {
        path: "feed.xml".into(),
        kind: PageKind::Feed,
        inputs: feed,
    });
    out.push(Planned {
        path: "robots.txt".into(),
        kind: PageKind::Robots,
        inputs: vec![Site],
    });
    plan_search(site, &mut out);
    out
}

/// The search page, its script and the index files; the index reads every document.
fn plan_search(site: &Site, out: &mut Vec<Planned>) {
    use Input::*;
    out.push(Planned {
        path: out_path("/search/"),
        kind: PageKind::Search,
        inputs: vec![Site],
    });
    out.push(Planned {
        path: "search/search.js".into(),
        kind: PageKind::SearchScript,
        inputs: Vec::new(),
    });
    // The terms (and so the shards and the manifest) come from every document, through
    // the shards made from them; a file of document records only from its own documents.
    let layout = crate::search::layout(site);
    let order = &site.search_order;
    out.push(Planned {
        path: "search-index.json".into(),
        kind: PageKind::SearchIndex,
        inputs: vec![SearchManifest],
    });
    for i in 0..layout.shards {
        out.push(Planned {
            path: format!("search/shards/{i}.json"),
            kind: PageKind::SearchShard(i),
            inputs: vec![SearchShard(i)],
        });
    }
    for (k, docs) in order.chunks(crate::search::DOCS_PER_CHUNK).enumerate() {
        use crate::search::DocRef;
        out.push(Planned {
            path: format!("search/docs/{k}.json"),
            kind: PageKind::SearchDocs(k),
            inputs: docs
                .iter()
                .map(|&d| match d {
                    DocRef::Article(i) => Article(i),
                    DocRef::Technique(i) => Technique(i),
                    DocRef::Page(i) => Page(i),
                })
                .collect(),
        });
    }
}
