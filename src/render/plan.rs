//! The plan of a build: every output file, what kind of page it is, and the inputs
//! ([`Input`]) it reads. This is where a page's inputs are declared: a page that shows
//! a new part of the model must list it here, or watch mode will not render the page
//! again when that part changes (see `build/incremental.rs`).

use rayon::prelude::*;

use super::List;
use crate::model::{Site, Sourced};

/// An input that a page reads: a part of the site model. Watch mode renders a page
/// again exactly when the value of one of its inputs changed (see
/// `build/incremental.rs`). Indices point into the [`Site`]'s lists; a value identifies
/// its source (a file's version, a listing with its URL), so a page's stamp does not
/// depend on those indices: a list page whose articles are the same after an article
/// elsewhere moved them in the site's order keeps its stamp.
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
    /// What every page of a list shows of the list itself: its name, URL, number of
    /// articles and number of pages. Which articles a page shows is in its other
    /// inputs: the listings (or FAQs) of exactly those articles, in order.
    List(List),
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
    /// The old paths of pages and where each leads (`aliases`).
    Aliases,
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
    /// `/articles/<slug>/`, by index into `Site::articles`.
    Article(usize),
    /// Page `n` (from 1) of a list: `/articles/`, `/faq/`, a technique's, a benefit's or
    /// a tag's page, or `<list>page/<n>/`.
    List(List, usize),
    /// `<list>page/1/`: a redirect to the list's first page.
    Redirect(List),
    /// `<alias>index.html`: a redirect from an old path of a page, by index into
    /// `Site::aliases`.
    Alias(usize),
    /// `/_redirects`: every alias as a rule for hosts that read the file.
    Redirects,
    /// `/techniques/`.
    TechniqueList,
    /// `/benefits/`.
    BenefitList,
    /// `/tags/`.
    TagList,
    /// `/<slug>/`.
    Page(usize),
    /// `/404.html`.
    NotFound,
    /// `/sitemap.xml`: every page, or the index of the parts below.
    Sitemap,
    /// `/sitemap-<k + 1>.xml`: part `k` of a sitemap too large for one file.
    SitemapPart(usize),
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
    /// Roughly how long the page takes to make, largest first: 1 for the search
    /// manifest (it waits for the whole index), 2 for the pages that list many articles
    /// or every page, 3 for the rest.
    pub fn weight_rank(&self) -> u8 {
        match self {
            PageKind::SearchIndex => 1,
            PageKind::List(..) | PageKind::Sitemap | PageKind::SitemapPart(_) => 2,
            PageKind::Home | PageKind::Feed => 2,
            _ => 3,
        }
    }

    /// False for the files only the site's root has (`robots.txt`, `_redirects`): a
    /// language under `/<code>/` has every other one.
    pub fn in_every_language(&self) -> bool {
        !matches!(self, PageKind::Robots | PageKind::Redirects)
    }

    /// True for the HTML pages the sitemap lists: not the search page, the redirects or
    /// the pages after the first of a list (see `docs/writing.md`).
    pub fn in_sitemap(&self) -> bool {
        match self {
            PageKind::List(_, n) => *n == 1,
            PageKind::Redirect(_) | PageKind::Alias(_) | PageKind::Search | PageKind::NotFound => false,
            _ => true,
        }
    }
}

/// The output file of article `i`'s page.
pub fn article_file(site: &Site, i: usize) -> String {
    out_path(site.articles[i].path())
}

/// How many of the newest articles the home page shows.
pub const HOME_ARTICLES: usize = 6;

/// Every output file of the site, with the inputs each one reads.
pub fn plan(site: &Site) -> Vec<Planned> {
    use Input::*;
    let mut out = Vec::with_capacity(2 * site.articles.len() + site.techniques.len() + site.benefits.len() + 16);
    let mut home = vec![Site, AllTechniqueListings];
    home.extend((0..site.articles.len().min(HOME_ARTICLES)).map(ArticleListing));
    if site.home.is_some() {
        home.push(Home);
    }
    out.push(Planned {
        path: "index.html".into(),
        kind: PageKind::Home,
        inputs: home,
    });
    // Article summaries show technique links.
    let summaries = [Site, AllTechniqueListings];
    plan_list(site, super::List::Articles, &summaries, &mut out);
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
    out.push(Planned {
        path: out_path("/techniques/"),
        kind: PageKind::TechniqueList,
        inputs: summaries.to_vec(),
    });
    for i in 0..site.techniques.len() {
        plan_list(
            site,
            super::List::Technique(i),
            &[Site, AllTechniqueListings, Technique(i)],
            &mut out,
        );
    }
    // The lists of benefits and tags show each one's name, URL and number of articles
    // (benefits their grades and summaries too).
    let mut benefits = vec![Site, AllBenefitListings];
    benefits.extend((0..site.benefits.len()).map(|i| Input::List(super::List::Benefit(i))));
    out.push(Planned {
        path: out_path("/benefits/"),
        kind: PageKind::BenefitList,
        inputs: benefits,
    });
    for i in 0..site.benefits.len() {
        plan_list(
            site,
            super::List::Benefit(i),
            &[Site, AllTechniqueListings, Benefit(i), BenefitListing(i)],
            &mut out,
        );
    }
    let mut tags = vec![Site];
    tags.extend((0..site.tags.len()).map(|i| Input::List(super::List::Tag(i))));
    out.push(Planned {
        path: out_path("/tags/"),
        kind: PageKind::TagList,
        inputs: tags,
    });
    for i in 0..site.tags.len() {
        plan_list(site, super::List::Tag(i), &summaries, &mut out);
    }
    plan_list(site, super::List::Faq, &[Site], &mut out);
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
    // Moved pages: a redirect page at each old path, and every rule in /_redirects.
    for (i, a) in site.aliases.iter().enumerate() {
        out.push(Planned {
            path: out_path(&a.from),
            kind: PageKind::Alias(i),
            inputs: vec![Site, Aliases],
        });
    }
    if !site.aliases.is_empty() {
        out.push(Planned {
            path: "_redirects".into(),
            kind: PageKind::Redirects,
            inputs: vec![Site, Aliases],
        });
    }
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
    plan_sitemap(site, &mut out);
    out
}

/// Every page of `list`, each reading `common`, the list itself and what it shows of
/// exactly its own articles, and the redirect from `<list>page/1/`.
fn plan_list(site: &Site, list: List, common: &[Input], out: &mut Vec<Planned>) {
    let path = list.path(site);
    for number in 1..=list.pages(site) {
        let items = list.page(site, number);
        let mut inputs = Vec::with_capacity(common.len() + 1 + items.len());
        inputs.extend_from_slice(common);
        inputs.push(Input::List(list));
        inputs.extend(items.into_iter().map(|i| match list {
            List::Faq => Input::ArticleFaqs(i),
            _ => Input::ArticleListing(i),
        }));
        out.push(Planned {
            path: out_path(&super::lists::page_path(path, number)),
            kind: PageKind::List(list, number),
            inputs,
        });
    }
    // A redirect shows only its own URL and the site's.
    out.push(Planned {
        path: out_path(&super::lists::first_page_alias(path)),
        kind: PageKind::Redirect(list),
        inputs: vec![Input::Site],
    });
}

/// The sitemap, in parts when the site has more pages than one file may list. It lists
/// every page of the plan that [`PageKind::in_sitemap`] and the articles' dates: the
/// paths of articles, techniques, benefits, tags and pages, and the dates, are in the
/// inputs below.
fn plan_sitemap(site: &Site, out: &mut Vec<Planned>) {
    let urls = out
        .iter()
        .filter(|p| p.path.ends_with("index.html") && p.kind.in_sitemap())
        .count();
    let mut inputs = vec![
        Input::Site,
        Input::AllArticleListings,
        Input::AllTechniqueListings,
        Input::AllBenefitListings,
    ];
    let named = List::all(site).filter(|l| matches!(l, List::Benefit(_) | List::Tag(_)));
    inputs.extend(named.map(Input::List));
    inputs.extend((0..site.pages.len()).map(Input::Page));
    let parts = super::feeds::sitemap_parts(urls);
    for k in 0..parts {
        out.push(Planned {
            path: super::feeds::sitemap_part_file(k),
            kind: PageKind::SitemapPart(k),
            inputs: inputs.clone(),
        });
    }
    out.push(Planned {
        path: "sitemap.xml".into(),
        kind: PageKind::Sitemap,
        inputs,
    });
}

/// The search page, its script and the index files; the index reads every document.
fn plan_search(site: &Site, out: &mut Vec<Planned>) {
    use Input::*;
    out.push(Planned {
        path: out_path("/search/"),
        kind: PageKind::Search,
        inputs: vec![Site],
    });
    // The script holds the analysis of the site's language.
    out.push(Planned {
        path: "search/search.js".into(),
        kind: PageKind::SearchScript,
        inputs: vec![Site],
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
