//! Images shown on pages: every PNG, JPEG and WebP file of `content/` is read, turned
//! upright and into sRGB ([`decode`]), resized to `images.widths` and encoded
//! ([`process`]), once per content and settings ([`cache`], `.knead-cache/images/`),
//! in parallel. The Markdown stage asks the [`Catalog`] for each image it shows and
//! writes the `<img>` (or `<picture>`) with its sizes ([`html`]); the build writes the
//! versions the pages show under `/processed/` with content-hashed names. An original
//! that cannot be used is an error where a page shows it, never before.

pub mod cache;
pub mod decode;
pub mod html;
pub mod process;
pub mod svg;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::source::discover::Asset;
use crate::source::image_settings::ImageSettings;

/// Why an original cannot be used: what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// One version of an image in the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Its site path (`/processed/back-<hash>-480.jpg`).
    pub path: String,
    /// The cached file to copy.
    pub file: PathBuf,
}

/// The processed versions of one original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    /// The original's size, upright.
    pub width: u32,
    /// Likewise.
    pub height: u32,
    /// In the original's format, narrowest first.
    pub main: Vec<Version>,
    /// In WebP, narrowest first; empty when not offered.
    pub webp: Vec<Version>,
    /// The MIME type of `main`.
    pub mime: &'static str,
}

/// One raster file of `content/`.
#[derive(Debug)]
pub struct Entry {
    /// The original.
    pub source: PathBuf,
    /// Its length and modification time when read: an unchanged file is not read again.
    stamp: (u64, Option<SystemTime>),
    /// The hash of its bytes and the settings; names its cache entry and its outputs.
    pub key: u64,
    /// Its length in bytes.
    pub bytes: u64,
    /// Its versions, or why it cannot be used.
    pub outcome: Result<Processed, Failure>,
}

/// Every raster image of the site, processed, by site path (`/images/back.png`).
#[derive(Debug, Default)]
pub struct Catalog {
    settings: ImageSettings,
    entries: FxHashMap<String, Arc<Entry>>,
}

/// Raised whenever what knead makes of an original changes, so old cache entries are
/// never reused.
const PIPELINE_VERSION: u32 = 1;

fn stamp_of(path: &Path) -> Option<(u64, Option<SystemTime>)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()))
}

/// A name for the outputs: the original's file stem, in URL-safe ASCII.
fn stem_of(out: &str) -> String {
    let name = out.rsplit('/').next().unwrap_or(out);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let s = crate::text::slug::slugify(stem);
    let s: String = s.chars().filter(char::is_ascii).take(40).collect();
    let s = s.trim_matches('-');
    if s.is_empty() { "image".to_owned() } else { s.to_owned() }
}

fn mime_of(ext: &str) -> &'static str {
    match ext {
        "jpg" => "image/jpeg",
        "webp" => "image/webp",
        _ => "image/png",
    }
}

/// Reads, processes (or finds in the cache) the original `asset`.
fn make(asset: &Asset, settings: &ImageSettings, cache_dir: &Path) -> Entry {
    let stamp = stamp_of(&asset.path).unwrap_or((0, None));
    let failed = |f: Failure| Entry {
        source: asset.path.clone(),
        stamp,
        key: 0,
        bytes: stamp.0,
        outcome: Err(f),
    };
    let bytes = match std::fs::read(&asset.path) {
        Ok(b) => b,
        Err(e) => {
            return failed(Failure {
                message: format!("cannot read `content/{}`: {e}", asset.out),
                help: "check that the file is readable".into(),
            });
        }
    };
    let key = {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(&bytes);
        h.update(format!("{PIPELINE_VERSION}|{:?}|{}", settings.widths, settings.quality).as_bytes());
        h.digest()
    };
    let listing = match cache::load(cache_dir, key) {
        Some(l) => Ok(l),
        None => decode::decode(&format!("content/{}", asset.out), &bytes)
            .and_then(|d| process::versions(&d, settings))
            .and_then(|v| {
                cache::store(cache_dir, key, &v).map_err(|e| Failure {
                    message: format!("cannot write the image cache {}: {e}", cache_dir.display()),
                    help: "make sure knead may write the site folder's `.knead-cache/` folder".into(),
                })
            }),
    };
    let stem = stem_of(&asset.out);
    let folder = cache::entry_dir(cache_dir, key);
    let version = |s: &cache::Stored| {
        let ext = s.file.rsplit_once('.').map_or("", |(_, e)| e);
        Version {
            width: s.width,
            height: s.height,
            path: format!("/processed/{stem}-{key:016x}-{}.{ext}", s.width),
            file: folder.join(&s.file),
        }
    };
    let outcome = listing.map(|l| Processed {
        width: l.width,
        height: l.height,
        mime: mime_of(
            l.main
                .first()
                .map_or("", |s| s.file.rsplit_once('.').map_or("", |(_, e)| e)),
        ),
        main: l.main.iter().map(version).collect(),
        webp: l.webp.iter().map(version).collect(),
    });
    Entry {
        source: asset.path.clone(),
        stamp,
        key,
        bytes: bytes.len() as u64,
        outcome,
    }
}

/// The entry of the SVG drawing `asset`: its own file, sized when its root element says
/// how large it is; `None` when it does not.
fn drawing(asset: &Asset) -> Option<Entry> {
    let stamp = stamp_of(&asset.path)?;
    let text = std::fs::read_to_string(&asset.path).ok()?;
    let (width, height) = svg::size(&text)?;
    let path = format!("/{}", asset.out);
    Some(Entry {
        source: asset.path.clone(),
        stamp,
        key: xxhash_rust::xxh3::xxh3_64(format!("{width}x{height}").as_bytes()),
        bytes: stamp.0,
        outcome: Ok(Processed {
            width,
            height,
            main: vec![Version {
                width,
                height,
                path,
                file: asset.path.clone(),
            }],
            webp: Vec::new(),
            mime: SVG,
        }),
    })
}

/// The MIME type of SVG drawings, which are copied as they are.
pub const SVG: &str = "image/svg+xml";

fn is_svg(out: &str) -> bool {
    out.rsplit_once('.').is_some_and(|(_, e)| e.eq_ignore_ascii_case("svg"))
}

impl Catalog {
    /// Processes every PNG, JPEG and WebP file among `assets` of the site at `root`,
    /// in parallel, reusing the cache and the `previous` entries (watch mode) whose file
    /// and settings did not change: same length and time, and not in `changed` (an edit
    /// within the clock's resolution keeps both).
    pub fn build(
        root: &Path,
        settings: &ImageSettings,
        assets: &[Asset],
        (previous, changed): (Option<&Catalog>, &[PathBuf]),
    ) -> Catalog {
        let cache_dir = cache::dir(root);
        let previous = previous.filter(|p| &p.settings == settings);
        let entries = assets
            .par_iter()
            .with_max_len(1)
            .filter(|a| decode::format_of_name(&a.out).is_some() || is_svg(&a.out))
            .filter_map(|a| {
                let site_path = format!("/{}", a.out);
                let kept = previous
                    .and_then(|p| p.entries.get(&site_path))
                    .filter(|e| e.source == a.path && Some(e.stamp) == stamp_of(&a.path))
                    .filter(|_| !changed.contains(&a.path))
                    .cloned();
                let entry = match kept {
                    Some(e) => e,
                    None if is_svg(&a.out) => Arc::new(drawing(a)?),
                    None => Arc::new(make(a, settings, &cache_dir)),
                };
                Some((site_path, entry))
            })
            .collect();
        Catalog {
            settings: settings.clone(),
            entries,
        }
    }

    /// The entry of the raster image at `site_path` (`/images/back.png`).
    pub fn get(&self, site_path: &str) -> Option<&Arc<Entry>> {
        self.entries.get(site_path)
    }

    /// The key of the image at `site_path`, for telling whether a render that shows it
    /// still holds.
    pub fn key(&self, site_path: &str) -> Option<u64> {
        self.entries.get(site_path).map(|e| e.key)
    }

    /// Every entry, by site path.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Arc<Entry>)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The output files (path under the output folder, cached file) of the images at
    /// `shown` site paths, sorted.
    pub fn files<'a>(&self, shown: impl IntoIterator<Item = &'a str>) -> Vec<(String, PathBuf)> {
        let mut out: Vec<(String, PathBuf)> = shown
            .into_iter()
            .filter_map(|p| self.entries.get(p))
            .filter_map(|e| e.outcome.as_ref().ok())
            // Drawings are copied with the other files of content/.
            .filter(|p| p.mime != SVG)
            .flat_map(|p| p.main.iter().chain(&p.webp))
            .map(|v| (v.path.trim_start_matches('/').to_owned(), v.file.clone()))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Removes the cache entries of the site at `root` that no image of this catalog
    /// uses (after a successful clean build).
    pub fn prune_cache(&self, root: &Path) {
        let used: FxHashSet<u64> = (self.entries.values())
            .filter(|e| e.outcome.as_ref().is_ok_and(|p| p.mime != SVG))
            .map(|e| e.key)
            .collect();
        if !self.entries.is_empty() || cache::dir(root).exists() {
            cache::prune(&cache::dir(root), &used);
        }
    }
}
