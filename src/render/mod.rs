//! Rendering the site model with the theme's Tera templates into output files. Each
//! output records the inputs it read ([`Input`]), so a watcher can re-render exactly the
//! pages an edit affects. Templates get all their data in the context: there are no
//! template functions that reach into other pages.
//!
//! By job:
//! - `plan`: every output file, what kind of page it is and the inputs it reads (where
//!   a page's inputs are declared).
//! - `lists`: the lists of articles split into pages, and their pages' URLs.
//! - `redirect`: the page that sends browsers on from an old URL.
//! - `templates`: the templates knead renders with, compiling them; `template_errors`:
//!   template errors worded for people.
//! - `renderer`: the [`Renderer`] and the values it shares between pages.
//! - `pages`: what each kind of page shows.
//! - [`context`]: the structs templates receive, and [`evidence`] the parts about
//!   evidence grades, sources and review dates; [`jsonld`]: an article's JSON-LD;
//!   [`feeds`]: the sitemap, the feed and robots.txt; [`limits`]: the render limits, and
//!   `bounded` the writer that enforces them on a page's output;
//!   [`statics`]: theme static files as published; [`dates`]: the templates' `date`
//!   filter; [`i18n`]: the theme's words in each language and the `local_date` filter.

mod bounded;
pub mod context;
pub mod dates;
pub mod evidence;
pub mod feeds;
pub mod i18n;
pub mod jsonld;
pub mod limits;
mod lists;
mod pages;
mod plan;
mod redirect;
mod renderer;
pub mod statics;
mod template_errors;
mod templates;

pub use lists::{List, page_count, page_path};
pub use plan::{HOME_ARTICLES, Input, PageKind, Planned, article_file, plan};
pub use renderer::{RenderError, Renderer};
pub use template_errors::{FILTERS, FUNCTIONS, TESTS};
pub use templates::{REQUIRED_TEMPLATES, compile};
