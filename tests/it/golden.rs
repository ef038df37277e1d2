//! Golden output: each fixture site is built and every file of its output is compared
//! with its reviewed snapshot in `snapshots/<fixture>/` beside this file (insta), plus
//! `_files.snap`, the list of every output file. A snapshot starts with the file's
//! length and hash, which catch what insta's text comparison forgives (trailing
//! whitespace, line endings), then holds the text; a binary file has only that line.
//! Reviewing changed snapshots: docs/contributing.md, "Golden snapshots".
//!
//! - `basic`: the first fixture with the embedded default theme.
//! - `clinic`: the clinic theme under a subpath (`/backcare/`), a slug set in the front
//!   matter, an author, references without a URL, a moderate technique, a page with
//!   headings, a custom review interval, and no images.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use crate::support::{Site, names, tree};

/// FNV-1a with 64 bits: enough to tell any two versions of an output file apart.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What the snapshot of the output file `rel` holds.
fn describe(rel: &str, bytes: &[u8]) -> String {
    // A resized image's bytes depend on the SIMD code the resizer and the encoder pick
    // on this CPU: its format and size are pinned here, its pixels by tests/it/images.rs.
    if rel.starts_with("processed/") {
        let reader = image::ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format();
        let format = reader.as_ref().ok().and_then(image::ImageReader::format);
        let size = reader.ok().and_then(|r| r.into_dimensions().ok());
        return format!("{rel}: {format:?}, {size:?} pixels, binary");
    }
    let mut s = format!("{rel}: {} bytes, FNV-1a {:016x}", bytes.len(), fnv1a(bytes));
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            let _ = write!(s, "\n\n{text}");
        }
        Err(_) => s.push_str(", binary"),
    }
    s
}

/// Compares the output folder `out` of `fixture` with its snapshots. Every file is
/// compared (so one run writes every `.snap.new`) before the test fails, and a snapshot
/// whose file is no longer written fails the test too. Under `INSTA_UPDATE=always` both
/// it and any `.snap.new` are deleted.
fn assert_golden(fixture: &str, out: &Path) {
    let files: Vec<(String, Vec<u8>)> = tree(out).into_iter().filter(|(rel, _)| !rel.ends_with('/')).collect();
    assert!(!files.is_empty(), "{fixture}: no output in {}", out.display());
    let mut snapshots = vec![(
        "_files".to_owned(),
        files.iter().map(|(rel, _)| format!("{rel}\n")).collect(),
    )];
    snapshots.extend(
        files
            .iter()
            .map(|(rel, bytes)| (rel.replace('/', "__"), describe(rel, bytes))),
    );

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(format!("snapshots/{fixture}"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let mut failed = Vec::new();
    settings.bind(|| {
        for (name, content) in &snapshots {
            if catch_unwind(AssertUnwindSafe(|| insta::assert_snapshot!(name.as_str(), content))).is_err() {
                failed.push(name.as_str());
            }
        }
    });

    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/snapshots")
        .join(fixture);
    let wanted: BTreeSet<String> = snapshots.iter().map(|(name, _)| format!("{name}.snap")).collect();
    let mut stale = Vec::new();
    let accept_all = std::env::var("INSTA_UPDATE").is_ok_and(|v| v == "always");
    let existing = if dir.is_dir() { names(&dir) } else { Vec::new() };
    for name in existing {
        let unwanted = name.ends_with(".snap") && !wanted.contains(&name);
        // Accepting everything leaves no pending `.snap.new` behind either.
        if accept_all && (unwanted || name.ends_with(".snap.new")) {
            std::fs::remove_file(dir.join(&name)).unwrap();
        } else if unwanted {
            stale.push(name);
        }
    }
    assert!(
        failed.is_empty() && stale.is_empty(),
        "{fixture}: the output differs from the snapshots of {failed:?}; snapshots of files no longer \
         written: {stale:?} (see docs/contributing.md, \"Golden snapshots\")"
    );
}

#[test]
fn basic_fixture_output() {
    // No themes/ folder: this is the output of the theme embedded in knead.
    let site = Site::new("basic");
    assert!(!site.path("themes").exists());
    site.knead(&["build"]).ok();
    assert_golden("basic", &site.path("public"));
}

#[test]
fn clinic_fixture_output() {
    let site = Site::with_themes("clinic");
    site.knead(&["build"]).ok();
    assert_golden("clinic", &site.path("public"));
}
