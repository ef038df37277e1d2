//! knead's integration tests, in one binary: one module per area, and [`support`], the
//! helpers they share. The tests run in parallel threads, so none may change the
//! process's current folder or environment, or share a fixed path or port: each works
//! in its own temporary folder and lets the system pick ports.
//!
//! `cargo test --test it AREA::` runs one area, e.g. `cargo test --test it fuzz::`.

mod aliases;
mod authoring;
mod bad_input;
mod build;
mod check;
#[cfg(unix)]
mod crash_safety;
mod errors;
mod escaping;
mod evidence;
mod external;
mod fuzz;
mod golden;
mod guide;
#[cfg(target_os = "linux")]
mod idle;
mod images;
mod incremental;
mod languages;
mod messages;
mod one_writer;
mod pagination;
mod preview;
mod scaffold;
mod serve;
mod slugs;
mod support;
mod themes;
mod watch;
