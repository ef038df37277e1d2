//! The image cache, `.knead-cache/images/` in the site folder: one folder per original
//! and settings (named by the hash of both), holding the encoded versions and a
//! `versions.json` that lists them. A folder is written under a temporary name and
//! renamed into place, so a killed build never leaves half of one; folders no build
//! used are removed after a clean build.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::process::Versions;

/// The cache folder of the site at `root`.
pub fn dir(root: &Path) -> PathBuf {
    root.join(".knead-cache").join("images")
}

/// One cached version: its size and file name in the entry's folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The file in the entry's folder (`480.jpg`).
    pub file: String,
    /// Its length in bytes.
    pub bytes: u64,
}

/// What `versions.json` says of an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// The original's size, upright.
    pub width: u32,
    /// Likewise.
    pub height: u32,
    /// In the original's format, narrowest first.
    pub main: Vec<Stored>,
    /// In WebP, narrowest first (empty when not offered).
    pub webp: Vec<Stored>,
}

const LISTING: &str = "versions.json";

/// The folder of the entry `key`.
pub fn entry_dir(dir: &Path, key: u64) -> PathBuf {
    dir.join(format!("{key:016x}"))
}

/// The cached entry `key`, when it is there whole (every file of its listing present
/// with its length).
pub fn load(dir: &Path, key: u64) -> Option<Listing> {
    let folder = entry_dir(dir, key);
    let text = std::fs::read(folder.join(LISTING)).ok()?;
    let listing: Listing = serde_json::from_slice(&text).ok()?;
    let whole = (listing.main.iter().chain(&listing.webp))
        .all(|s| std::fs::metadata(folder.join(&s.file)).is_ok_and(|m| m.len() == s.bytes));
    whole.then_some(listing)
}

/// Stores the versions of entry `key` (a temporary folder renamed into place) and
/// returns their listing. A cache that cannot be written is no error: the build goes on
/// with the files in memory, and `Err` says why.
pub fn store(dir: &Path, key: u64, v: &Versions) -> std::io::Result<Listing> {
    std::fs::create_dir_all(dir)?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let tmp = dir.join(format!(".tmp-{key:016x}-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let write = |list: &[super::process::Encoded]| -> std::io::Result<Vec<Stored>> {
        list.iter()
            .map(|e| {
                let file = format!("{}.{}", e.width, e.ext);
                std::fs::write(tmp.join(&file), &e.bytes)?;
                Ok(Stored {
                    width: e.width,
                    height: e.height,
                    file,
                    bytes: e.bytes.len() as u64,
                })
            })
            .collect()
    };
    let result = (|| {
        let listing = Listing {
            width: v.width,
            height: v.height,
            main: write(&v.main)?,
            webp: write(&v.webp)?,
        };
        let json = serde_json::to_vec(&listing).map_err(std::io::Error::other)?;
        std::fs::write(tmp.join(LISTING), json)?;
        let dest = entry_dir(dir, key);
        // Another build may have stored the same entry meanwhile: then it is whole.
        if std::fs::rename(&tmp, &dest).is_err() && load(dir, key).is_none() {
            let _ = std::fs::remove_dir_all(&dest);
            std::fs::rename(&tmp, &dest)?;
        }
        Ok(listing)
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

/// Removes the entries (and leftover temporary folders older than an hour) whose keys
/// are not in `used`. Errors are ignored: an entry left is only disk space.
pub fn prune(dir: &Path, used: &rustc_hash::FxHashSet<u64>) {
    let Ok(read) = std::fs::read_dir(dir) else { return };
    for e in read.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let keep = if name.starts_with(".tmp-") {
            // Maybe another build's work in progress.
            e.metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().map_or(true, |age| age.as_secs() < 3600))
        } else {
            u64::from_str_radix(&name, 16).is_ok_and(|k| name.len() == 16 && used.contains(&k))
        };
        if !keep {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}
