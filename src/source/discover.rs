//! Finding the site's source files: which Markdown files are articles, techniques,
//! benefit profiles or pages, and which other files are copied as they are. Editor
//! leftovers (backups, swap, lock and temporary files: [`is_ignored`], the one list) are
//! ignored; symlinks that lead outside the site are refused, and those followed are
//! recorded ([`Link`]) so that watch mode can watch what they point at.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;

/// What a content file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `content/index.md`.
    Home,
    /// `content/articles/*.md`.
    Article,
    /// `content/techniques/*.md`.
    Technique,
    /// `content/pages/*.md`.
    Page,
    /// `content/benefits/*.md`.
    Benefit,
}

/// A Markdown source with its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Article, technique, page or home.
    pub kind: Kind,
    /// Path relative to the site root (`content/articles/x.md`), for messages.
    pub rel: PathBuf,
    /// Full path to read.
    pub path: PathBuf,
}

/// A file copied verbatim into the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Full path to read.
    pub path: PathBuf,
    /// Path under the output folder, with `/` separators (`images/back.jpg`).
    pub out: String,
}

/// A source file that is a symlink (to a file inside the site): a change to `target`
/// is a change to `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The symlink, as the build reads it (under the site root as given).
    pub path: PathBuf,
    /// The file it leads to, under the site root as given (not the canonical root), so
    /// that it compares with the paths a watcher of the site reports.
    pub target: PathBuf,
}

impl Link {
    /// The link at `path` to `target` (canonical), or `None` when `target` is not inside
    /// `root_real` (the canonical form of `root`).
    pub fn new(root: &Path, root_real: &Path, path: &Path, target: &Path) -> Option<Link> {
        let rel = target.strip_prefix(root_real).ok()?;
        Some(Link {
            path: path.to_path_buf(),
            target: root.join(rel),
        })
    }
}

/// Every input of a build, in a stable (sorted) order.
#[derive(Debug, Default)]
pub struct Sources {
    /// Markdown sources.
    pub markdown: Vec<SourceFile>,
    /// Files under content/ that are copied as they are.
    pub assets: Vec<Asset>,
    /// The symlinks among them, and the files they lead to.
    pub links: Vec<Link>,
    /// Problems found while walking (unreadable folders, bad symlinks).
    pub problems: Vec<Diagnostic>,
}

/// True for files no author means to publish: dot files (Emacs's `.#x` locks, Vim's
/// `.x.swp`), backups (`x~`, `#x#`), swap and temporary files (`.swp`, `.swx`, `.tmp`),
/// JetBrains' safe-write files (`x___jb_tmp___`, `x___jb_old___`) and the files Vim
/// writes to test a folder (`4913`, then `5036`, ... in steps of 123). The one list:
/// discovery, themes and the watcher all ask here.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || (name.starts_with('#') && name.ends_with('#'))
        || is_vim_probe(name)
}

/// Vim's probe of whether it may write a folder: `4913`, or `4913 + 123 k` when taken.
fn is_vim_probe(name: &str) -> bool {
    name.len() <= 6
        && name.bytes().all(|b| b.is_ascii_digit())
        && name
            .parse::<u32>()
            .is_ok_and(|n| n >= 4913 && (n - 4913).is_multiple_of(123))
}

/// `index.md`, or a translation of it (`index.es.md`).
fn is_home(name: &std::ffi::OsStr) -> bool {
    let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".md")) else {
        return false;
    };
    crate::source::languages::split_stem(stem).0 == "index"
}

fn kind_of(rel_in_content: &Path) -> Option<Kind> {
    if rel_in_content.extension().is_none_or(|e| e != "md") {
        return None;
    }
    let mut parts = rel_in_content.components().map(|c| c.as_os_str());
    match (parts.next(), parts.next(), parts.next()) {
        (Some(f), None, _) if is_home(f) => Some(Kind::Home),
        (Some(dir), Some(_), None) if dir == "articles" => Some(Kind::Article),
        (Some(dir), Some(_), None) if dir == "techniques" => Some(Kind::Technique),
        (Some(dir), Some(_), None) if dir == "pages" => Some(Kind::Page),
        (Some(dir), Some(_), None) if dir == "benefits" => Some(Kind::Benefit),
        _ => None,
    }
}

/// Orders paths as a walk that lists each folder's entries by name does (a folder,
/// then what it holds): byte by byte, with the separator below every other byte.
/// (walkdir's own sorting finds each entry's name again at every comparison.)
fn walk_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let key = |c: u8| {
        if c == b'/' || c == std::path::MAIN_SEPARATOR as u8 {
            0
        } else {
            c
        }
    };
    let (a, b) = (a.as_os_str().as_encoded_bytes(), b.as_os_str().as_encoded_bytes());
    // Paths in one folder share a long start: skip it 8 bytes at a time.
    let mut i = 0;
    while a.get(i..i + 8).is_some_and(|x| b.get(i..i + 8) == Some(x)) {
        i += 8;
    }
    match a[i..].iter().zip(&b[i..]).position(|(x, y)| x != y) {
        Some(j) => key(a[i + j]).cmp(&key(b[i + j])),
        None => a.len().cmp(&b.len()),
    }
}

fn entry_path(e: &walkdir::Result<walkdir::DirEntry>) -> Option<&Path> {
    match e {
        Ok(e) => Some(e.path()),
        Err(e) => e.path(),
    }
}

/// Walks `root/content`.
pub fn discover(root: &Path) -> Sources {
    let content = root.join("content");
    let mut sources = Sources::default();
    if !content.is_dir() {
        sources
            .problems
            .push(Diagnostic::error("content", "the site has no content/ folder").help(
                "create content/ with an index.md and articles in content/articles/, or start from `knead init DIR`",
            ));
        return sources;
    }
    let root_real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut entries: Vec<_> = WalkDir::new(&content)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()))
        .collect();
    // Errors without a path keep their place at the front.
    entries.sort_unstable_by(|a, b| match (entry_path(a), entry_path(b)) {
        (Some(a), Some(b)) => walk_order(a, b),
        (a, b) => a.is_some().cmp(&b.is_some()),
    });
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e.path().map_or_else(
                    || PathBuf::from("content"),
                    |p| crate::diagnostics::display_path(root, p),
                );
                sources
                    .problems
                    .push(Diagnostic::error(at, format!("cannot read: {e}")));
                continue;
            }
        };
        let path = entry.path();
        let rel = crate::diagnostics::display_path(root, path);
        if entry.path_is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&root_real) => {
                    if target.is_dir() {
                        sources.problems.push(
                            Diagnostic::warning(&rel, "symlinked folders are not followed")
                                .help("copy the folder into content/ instead"),
                        );
                        continue;
                    }
                    sources.links.extend(Link::new(root, &root_real, path, &target));
                }
                Ok(target) => {
                    sources.problems.push(
                        Diagnostic::error(
                            &rel,
                            format!("this symlink points outside the site (to {})", target.display()),
                        )
                        .help("copy the file into the site instead of linking to it"),
                    );
                    continue;
                }
                Err(_) => {
                    sources.problems.push(
                        Diagnostic::error(&rel, "this symlink points to nothing")
                            .help("remove it or point it at a file inside the site"),
                    );
                    continue;
                }
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        let Ok(in_content) = path.strip_prefix(&content) else {
            continue;
        };
        match kind_of(in_content) {
            Some(kind) => sources.markdown.push(SourceFile {
                kind,
                rel,
                path: entry.into_path(),
            }),
            None if in_content.extension().is_some_and(|e| e == "md") => {
                sources.problems.push(
                    Diagnostic::warning(
                        &rel,
                        "this Markdown file is not in articles/, techniques/, benefits/ or pages/, so it is not published",
                    )
                    .help("move it to content/articles/, content/techniques/, content/benefits/ or content/pages/"),
                );
            }
            None => {
                let Some(out) = utf8_rel(in_content) else {
                    sources.problems.push(
                        Diagnostic::error(&rel, "this file name is not valid UTF-8")
                            .help("rename the file using plain letters, digits, `-` and `_`"),
                    );
                    continue;
                };
                sources.assets.push(Asset {
                    path: path.to_path_buf(),
                    out,
                });
            }
        }
    }
    sources
}

/// `a/b/c.png` with `/` separators, or `None` for non-UTF-8 names.
pub fn utf8_rel(p: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = p.components().map(|c| c.as_os_str().to_str()).collect();
    parts.map(|v| v.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk is sorted once at the end; the order is the one of a walk that sorts
    /// each folder's entries by name (walkdir's own), whatever the names.
    #[test]
    fn walk_order_is_walkdirs_sorted_order() {
        let dir = tempfile::tempdir().unwrap();
        let names = ["a", "a-b", "a.b", "ab", "a b", "A", "b", "é", "z~x", "0", "a_b"];
        for n in names {
            for m in names {
                let p = dir.path().join(n).join(m);
                std::fs::create_dir_all(&p).unwrap();
                std::fs::write(p.join("x.md"), "x").unwrap();
            }
        }
        let sorted: Vec<PathBuf> = WalkDir::new(dir.path())
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .collect();
        let mut ours: Vec<PathBuf> = WalkDir::new(dir.path())
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .collect();
        ours.reverse();
        ours.sort_unstable_by(|a, b| walk_order(a, b));
        assert_eq!(ours.len(), 1 + names.len() * (1 + names.len() * 2));
        assert_eq!(ours, sorted);
    }

    #[test]
    fn classifies_and_ignores() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("content");
        for f in [
            "index.md",
            "articles/a.md",
            "articles/a.md~",
            "articles/.a.md.swp",
            "articles/a.md___jb_tmp___",
            "articles/a.md___jb_old___",
            "articles/.#a.md",
            "articles/#a.md#",
            "articles/4913",
            "articles/5036",
            "images/x.png.tmp",
            "techniques/t.md",
            "pages/p.md",
            "images/x.png",
            "articles/notes/deep.md",
        ] {
            let p = c.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let s = discover(dir.path());
        let kinds: Vec<_> = s
            .markdown
            .iter()
            .map(|m| (m.kind, m.rel.to_string_lossy().into_owned()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (Kind::Article, "content/articles/a.md".into()),
                (Kind::Home, "content/index.md".into()),
                (Kind::Page, "content/pages/p.md".into()),
                (Kind::Technique, "content/techniques/t.md".into()),
            ]
        );
        assert_eq!(
            s.assets.iter().map(|a| a.out.as_str()).collect::<Vec<_>>(),
            ["images/x.png"]
        );
        assert_eq!(s.problems.len(), 1, "{:?}", s.problems);
        assert!(s.problems[0].message.contains("not published"));
        // Numbers are files like any others, but for Vim's probes.
        assert!(!is_ignored("4912") && !is_ignored("4914") && !is_ignored("2025"));
        assert!(s.links.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn records_symlinked_files_under_the_root_as_given() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content/articles")).unwrap();
        std::fs::create_dir_all(root.join("shared")).unwrap();
        std::fs::write(root.join("shared/a.md"), "x").unwrap();
        std::os::unix::fs::symlink("../../shared/a.md", root.join("content/articles/a.md")).unwrap();
        // Through a symlinked path to the site, as a watcher of it reports paths.
        let via = dir.path().join("via");
        std::os::unix::fs::symlink(&root, &via).unwrap();
        let s = discover(&via);
        assert_eq!(
            s.links,
            [Link {
                path: via.join("content/articles/a.md"),
                target: via.join("shared/a.md"),
            }]
        );
        assert_eq!(s.markdown.len(), 1);
    }
}
