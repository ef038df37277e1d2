//! knead: a static site generator for health-education content about massage therapy
//! for back pain.
//!
//! The pipeline, one module per stage:
//! [`config`] (site.yaml) -> [`discover`] (files) -> [`parse`] (front matter, via
//! [`frontmatter`] into [`content`] types) -> [`model`] (articles, techniques, benefits,
//! FAQs, links; Markdown by [`markdown`] and [`links`]) -> [`render`] (Tera templates of a
//! [`theme`]) -> [`output`] (staging folder, then swap). [`pipeline`] runs them in order;
//! [`diagnostics`] turns every problem into a message that points at the file, line and fix.

pub mod config;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod discover;
pub mod frontmatter;
pub mod links;
pub mod markdown;
pub mod model;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod slug;
pub mod theme;
