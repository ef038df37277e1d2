//! The addresses that answered well, with when, in `.knead-cache/external-links.txt` in
//! the site folder: for a day, `knead check --external` does not ask for them again.
//! Broken ones are never kept, so a fixed link is seen as fixed at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How long a good answer holds, in seconds.
pub const FRESH_FOR: u64 = 24 * 60 * 60;

/// The folder of knead's caches, in the site folder.
pub const DIR: &str = ".knead-cache";
const FILE: &str = "external-links.txt";
const HEADER: &str = "# knead check --external: addresses that answered, and when (Unix time); safe to delete\n";

/// Good answers by address, with the second each was had.
#[derive(Debug, Default)]
pub struct Cache {
    path: PathBuf,
    good: BTreeMap<String, u64>,
}

impl Cache {
    /// The cache of the site at `root` (empty when there is none or it cannot be read).
    pub fn load(root: &Path) -> Cache {
        let path = root.join(DIR).join(FILE);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let good = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (when, url) = l.split_once(' ')?;
                Some((url.to_owned(), when.parse().ok()?))
            })
            .collect();
        Cache { path, good }
    }

    /// True when `url` answered well less than a day before `now`.
    pub fn is_fresh(&self, url: &str, now: u64) -> bool {
        self.good.get(url).is_some_and(|&t| t <= now && now - t < FRESH_FOR)
    }

    /// Notes that `url` answered well at `now`.
    pub fn record(&mut self, url: &str, now: u64) {
        if !url.contains(char::is_whitespace) {
            self.good.insert(url.to_owned(), now);
        }
    }

    /// Writes the answers still fresh at `now` (through a temporary file, so a reader
    /// never sees half of it).
    pub fn save(&self, now: u64) -> std::io::Result<()> {
        let mut text = String::from(HEADER);
        for (url, when) in self.good.iter().filter(|(u, _)| self.is_fresh(u, now)) {
            text.push_str(&format!("{when} {url}\n"));
        }
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!("{FILE}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &self.path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }

    /// Where the cache lives.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_good_answers_for_a_day() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Cache::load(dir.path());
        let now = 1_000_000;
        c.record("https://a.org/", now);
        c.record("https://old.org/", now - FRESH_FOR);
        c.record("https://bad url/", now);
        c.save(now).unwrap();
        let c = Cache::load(dir.path());
        assert!(c.is_fresh("https://a.org/", now + FRESH_FOR - 1));
        assert!(!c.is_fresh("https://a.org/", now + FRESH_FOR));
        assert!(!c.is_fresh("https://a.org/", now - 1), "a time from the future");
        assert!(!c.is_fresh("https://old.org/", now));
        assert!(!c.is_fresh("https://bad url/", now));
        let text = std::fs::read_to_string(c.path()).unwrap();
        assert_eq!(text, format!("{HEADER}1000000 https://a.org/\n"));
    }
}
