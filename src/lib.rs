//! knead: a static site generator for health-education content about massage therapy
//! for back pain.
//!
//! The folders follow the data's way through a build; no module uses one listed after it
//! (tests aside, which build whole sites):
//!
//! 1. [`text`]: words: slugs, the search tokenizer and stemmer, readability, the stable
//!    hash of the output.
//! 2. [`source`]: site.yaml, the files of `content/`, typed YAML with located errors,
//!    front matter, dates and the theme.
//! 3. [`images`]: every raster image of content/ resized and encoded, once per content
//!    and settings (the cache in `.knead-cache/`), for the pages that show it.
//! 4. [`markdown`]: Markdown to HTML, headings, links and the text search reads.
//! 5. [`model`]: articles, techniques, benefits, FAQs and pages, linked and checked.
//! 6. [`search`]: the search index written from the model.
//! 7. [`render`]: the plan of every output file, the theme's templates, pages, feeds.
//! 8. [`build`]: the stage runner for clean and incremental builds, the output folder
//!    and its lock.
//!
//! [`commands`] holds what each command adds on top (check, new/init, watch, serve) and
//! the command line itself;
//! [`diagnostics`] turns every problem into a message that points at the file, line and fix.

// Diagnostics are large (file, message, help, source line) but only travel on the
// cold error path; boxing them everywhere would cost clarity for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod commands;
pub mod diagnostics;
pub mod images;
pub mod markdown;
pub mod model;
pub mod render;
pub mod search;
pub mod source;
pub mod text;
