//! knead: a static site generator for health-education content about massage therapy
//! for back pain.
//!
//! The pipeline, one module per stage:
//! [`config`] (site.yaml) -> [`discover`] (files) -> [`parse`] (front matter, via
//! [`frontmatter`] into [`content`] types) -> [`model`] (articles, techniques, benefits,
//! FAQs, links; Markdown by [`markdown`] and [`links`]) -> [`render`] (Tera templates of a
//! [`theme`]) -> [`output`] (staging folder, then swap). [`pipeline`] runs them in order;
//! [`diagnostics`] turns every problem into a message that points at the file, line and fix.

// Diagnostics are large (file, message, help, source line) but only travel on the
// cold error path; boxing them everywhere would cost clarity for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod config;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod discover;
pub mod frontmatter;
pub mod incremental;
pub mod limits;
pub mod links;
pub mod markdown;
pub mod model;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod readability;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod slug;
pub mod theme;
pub mod watch;
