//! The first stages: what a site is made of on disk. [`config`] reads site.yaml,
//! [`discover`] walks `content/`, [`parse`] splits each file's front matter from its
//! Markdown and reads it (through [`yaml`], typed YAML with located errors and
//! `yaml_hints`' words for tabs, indentation and booleans, into the
//! [`meta`] types, with [`references`] checking each file's sources), and [`theme`]
//! loads the templates, the static files and the ids the theme reserves ([`theme_checks`]:
//! what it warns about). [`languages`] says which file is a translation of which, and
//! sorts the documents by language.

pub mod config;
pub mod date;
pub mod discover;
pub mod image_settings;
pub mod languages;
pub mod meta;
pub mod parse;
pub mod references;
pub mod theme;
pub mod theme_checks;
pub mod yaml;
mod yaml_hints;
