//! Slugs and ids: validating the slugs authors write, deriving URL slugs (benefits) and
//! HTML ids (headings, footnotes, FAQs) from free text, and handing out each page's ids
//! ([`IdSet`]) around those the theme reserves ([`ReservedIds`]).

use rustc_hash::FxHashSet;

/// True when `s` is a valid slug: one or more of `a-z`, `0-9` and `-`.
pub fn is_valid(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A URL slug (`[a-z0-9-]`) from free text: `Range of motion & flexibility` ->
/// `range-of-motion-flexibility`, `Réflexologie` -> `reflexologie`, `Боль` -> `bol`.
/// Letters and digits of every script are spelled in ASCII (with deunicode), apostrophes
/// vanish, and everything else (spaces, punctuation, symbols, emoji) separates words.
/// Empty when the text has no letters or digits.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    let mut take = |b: u8, out: &mut String| {
        if b.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(b.to_ascii_lowercase() as char);
        } else if b != b'\'' {
            pending_dash = true;
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            take(c as u8, &mut out);
        } else if c == '’' {
            // An apostrophe, like `'`: `Don’t` -> `dont`.
        } else if c.is_alphanumeric() {
            match deunicode::deunicode_char(c) {
                Some(ascii) => ascii.bytes().for_each(|b| take(b, &mut out)),
                None => take(b' ', &mut out),
            }
        } else if deunicode::deunicode_char(c) != Some("") {
            // Not a combining accent or joiner (spelled as nothing), so a separator.
            take(b' ', &mut out);
        }
    }
    out
}

/// An HTML id from heading text. Unlike [`slugify`] it keeps letters of every script
/// (`Rückenschmerzen` -> `rückenschmerzen`, `腰痛` -> `腰痛`), so ids work for any language.
pub fn heading_id(text: &str) -> String {
    if text.is_ascii() {
        ascii_heading_id(text.as_bytes())
    } else {
        any_heading_id(text)
    }
}

/// [`heading_id`] of any text, a character at a time.
fn any_heading_id(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    let mut take = |c: char, out: &mut String| {
        if c.is_alphanumeric() || c == '_' {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else if c.is_whitespace() || c == '-' {
            pending_dash = true;
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            // The common case, without the general lowercase mapping.
            take(c.to_ascii_lowercase(), &mut out);
        } else {
            for l in c.to_lowercase() {
                take(l, &mut out);
            }
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

/// [`heading_id`] of ASCII text, a byte at a time: most headings and questions are
/// ASCII, and the general path, a character at a time, stood out in a build's profile.
fn ascii_heading_id(text: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for &b in text {
        let c = b.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == b'_' {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(char::from(c));
        } else if matches!(c, b' ' | b'\t'..=b'\r' | b'-') {
            // `char::is_whitespace` in ASCII: space, and tab to carriage return.
            pending_dash = true;
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

/// The ids the page around the content uses, which content never takes: those the
/// theme declares (the skip link's target, the contents' label, one per numbered
/// source, ...) and `top`, which HTML itself gives a meaning (the top of the page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ReservedIds {
    /// Ids taken as they are, sorted.
    fixed: Vec<String>,
    /// The stems of numbered ids: `source-` for `source-{n}` (any number), sorted.
    numbered: Vec<String>,
    /// The ids of content shown on every page (the site's disclaimer), sorted.
    shared: Vec<String>,
}

/// Stands for any number at the end of a reserved id: `source-{n}`.
pub const NUMBER: &str = "{n}";

impl ReservedIds {
    /// The ids of `entries`: each an id (`main`) or a numbered id (`source-{n}`). An
    /// entry that cannot be an id is an error that says why.
    pub fn new<S: AsRef<str>>(entries: impl IntoIterator<Item = S>) -> Result<Self, String> {
        let mut ids = ReservedIds::default();
        for e in entries {
            let e = e.as_ref();
            Self::check(e)?;
            let (stem, numbered) = match e.strip_suffix(NUMBER) {
                Some(stem) => (stem, true),
                None => (e, false),
            };
            if numbered {
                ids.numbered.push(stem.to_owned());
            } else {
                ids.fixed.push(stem.to_owned());
            }
        }
        for v in [&mut ids.fixed, &mut ids.numbered] {
            v.sort_unstable();
            v.dedup();
        }
        Ok(ids)
    }

    /// Whether `entry` can be an entry of [`ReservedIds::new`]: an id, or an id stem
    /// followed by `{n}`. The error says why not.
    pub fn check(entry: &str) -> Result<(), String> {
        let stem = entry.strip_suffix(NUMBER).unwrap_or(entry);
        if entry.is_empty() {
            Err("an id may not be empty".to_owned())
        } else if stem.contains(char::is_whitespace) || stem.contains(['{', '}', '#']) {
            Err(format!(
                "`{entry}` is not an id: an id has no spaces, `#` or braces (`{NUMBER}` only at its end)"
            ))
        } else {
            Ok(())
        }
    }

    /// These ids and `shared`, the ids of content shown on every page (the site's
    /// disclaimer).
    pub fn with_shared<'a>(&self, shared: impl IntoIterator<Item = &'a str>) -> Self {
        let mut ids = self.clone();
        ids.shared.extend(shared.into_iter().map(str::to_owned));
        ids.shared.sort_unstable();
        ids.shared.dedup();
        ids
    }

    /// True when `id` is one of content shown on every page ([`ReservedIds::with_shared`]).
    pub fn is_shared(&self, id: &str) -> bool {
        self.shared.binary_search_by(|f| f.as_str().cmp(id)).is_ok()
    }

    /// True when the page around the content uses `id`.
    pub fn contains(&self, id: &str) -> bool {
        id == "top"
            || self.fixed.binary_search_by(|f| f.as_str().cmp(id)).is_ok()
            || self.is_shared(id)
            || self.numbered.iter().any(|stem| {
                id.strip_prefix(stem.as_str())
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
    }
}

/// Hands out the ids of one page: ids written by the author (`{#id}`) as they are, ids
/// made from text unique with `-1`, `-2`, ..., and never an id the page around the
/// content uses ([`ReservedIds`]).
#[derive(Debug, Default)]
pub struct IdSet {
    used: FxHashSet<String>,
    /// The ids the page around the content uses.
    reserved: std::sync::Arc<ReservedIds>,
    /// For each repeated base, the next suffix to try: a page with thousands of equal
    /// headings stays linear.
    next: rustc_hash::FxHashMap<String, usize>,
}

/// Why an id written by the author cannot be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// The page around the content uses it (the theme, or HTML for `top`).
    Reserved,
    /// Content shown on every page has it (the site's disclaimer).
    Shared,
    /// Something else of the content has it already.
    Used,
}

impl IdSet {
    /// A set for the ids of one page, which never hands out `reserved`.
    pub fn for_page(reserved: std::sync::Arc<ReservedIds>) -> Self {
        IdSet {
            reserved,
            ..IdSet::default()
        }
    }

    fn taken(&self, id: &str) -> bool {
        self.used.contains(id) || self.reserved.contains(id)
    }

    /// Takes `id` exactly as the author wrote it, or says why it cannot be had.
    pub fn claim(&mut self, id: &str) -> Result<(), Taken> {
        if self.reserved.is_shared(id) {
            Err(Taken::Shared)
        } else if self.reserved.contains(id) {
            Err(Taken::Reserved)
        } else if !self.used.insert(id.to_owned()) {
            Err(Taken::Used)
        } else {
            Ok(())
        }
    }

    /// Reserves and returns a unique id derived from `base`.
    pub fn unique(&mut self, base: &str) -> String {
        let id = if self.taken(base) {
            // Every suffix below `next` is taken already (ids are never given back).
            let mut n = self.next.get(base).copied().unwrap_or(1);
            let id = loop {
                let id = format!("{base}-{n}");
                n += 1;
                if !self.taken(&id) {
                    break id;
                }
            };
            self.next.insert(base.to_owned(), n);
            id
        } else {
            base.to_owned()
        };
        self.used.insert(id.clone());
        id
    }

    /// True when `id` was handed out.
    pub fn contains(&self, id: &str) -> bool {
        self.used.contains(id)
    }

    /// Every id handed out (not the reserved ones), compact (see [`Anchors`]).
    pub fn into_anchors(self) -> Anchors {
        let mut ids: Vec<String> = self.used.into_iter().collect();
        ids.sort_unstable();
        let mut text = String::with_capacity(ids.iter().map(String::len).sum());
        let mut ends = Vec::with_capacity(ids.len());
        for id in &ids {
            text.push_str(id);
            ends.push(text.len() as u32);
        }
        Anchors {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }
}

/// The ids of one page's content, kept for the anchor checks of the links to it: sorted,
/// in one string (a tenth of the memory of a set of strings: every page of the site
/// keeps its ids until the build ends).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Anchors {
    text: Box<str>,
    /// Where each id ends in `text`.
    ends: Box<[u32]>,
}

impl Anchors {
    fn get(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.text[start..self.ends[k] as usize]
    }

    /// True when the page has the id `id`.
    pub fn contains(&self, id: &str) -> bool {
        let (mut lo, mut hi) = (0, self.ends.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get(mid).cmp(id) {
                std::cmp::Ordering::Equal => return true,
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        false
    }

    /// The ids, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|k| self.get(k))
    }

    /// The number of ids.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when the page has no ids.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_hold_every_id_handed_out() {
        let mut ids = IdSet::default();
        for base in ["why", "why", "a", "zeta", "faq-1", "why", "über"] {
            ids.unique(base);
        }
        let anchors = ids.into_anchors();
        let all: Vec<&str> = anchors.iter().collect();
        assert_eq!(all, ["a", "faq-1", "why", "why-1", "why-2", "zeta", "über"]);
        for id in &all {
            assert!(anchors.contains(id), "{id}");
        }
        for id in ["", "b", "why-3", "zz", "wh", "main"] {
            assert!(!anchors.contains(id), "{id}");
        }
        assert!(!IdSet::default().into_anchors().contains("a"));
    }

    #[test]
    fn validates_slugs() {
        assert!(is_valid("deep-tissue"));
        assert!(is_valid("a1"));
        assert!(!is_valid(""));
        assert!(!is_valid("Deep"));
        assert!(!is_valid("../etc"));
        assert!(!is_valid("a b"));
    }

    #[test]
    fn slugifies() {
        assert_eq!(slugify("Range of motion & flexibility"), "range-of-motion-flexibility");
        assert_eq!(slugify("  Pain -- relief!  "), "pain-relief");
        assert_eq!(slugify("Réflexologie"), "reflexologie");
        assert_eq!(slugify("Don't panic"), "dont-panic");
        assert_eq!(slugify("腰痛"), "yao-tong");
        assert_eq!(slugify("😀 !!!"), "");
    }

    #[test]
    fn heading_ids_keep_any_script_and_are_unique() {
        assert_eq!(heading_id("What is Massage?"), "what-is-massage");
        assert_eq!(heading_id("Rückenschmerzen lindern"), "rückenschmerzen-lindern");
        assert_eq!(heading_id("腰痛"), "腰痛");
        assert_eq!(heading_id("!!!"), "section");
        // The ASCII path makes the ids the general one does.
        let mut seed = 7u64;
        for _ in 0..20_000 {
            let len = (seed % 12) as usize;
            let text: String = (0..len)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    char::from((seed >> 33) as u8 & 0x7F)
                })
                .collect();
            seed = seed.wrapping_add(1);
            assert_eq!(ascii_heading_id(text.as_bytes()), any_heading_id(&text), "{text:?}");
        }
        let mut ids = IdSet::default();
        assert_eq!(ids.unique("faq"), "faq");
        assert_eq!(ids.unique("faq"), "faq-1");
        assert_eq!(ids.unique("faq"), "faq-2");
        assert_eq!(ids.unique("faq-1-x"), "faq-1-x");
        let reserved = ReservedIds::new(["main", "source-{n}"]).unwrap();
        let mut page = IdSet::for_page(std::sync::Arc::new(reserved));
        assert_eq!(page.unique("main"), "main-1", "the skip link's target stays unique");
        assert_eq!(page.unique("top"), "top-1", "HTML's own #top stays free");
        assert_eq!(page.unique("source-1"), "source-1-1");
        assert_eq!(page.unique("source-"), "source-");
        assert_eq!(page.unique("source-x"), "source-x");
        assert_eq!(page.claim("source-12"), Err(Taken::Reserved));
        assert_eq!(page.claim("mine"), Ok(()));
        assert_eq!(page.claim("mine"), Err(Taken::Used));
        assert_eq!(page.claim("source-x"), Err(Taken::Used));
        // An id the author wrote is never renamed: text-made ids go round it.
        assert_eq!(page.claim("why"), Ok(()));
        assert_eq!(page.unique("why"), "why-1");
    }

    #[test]
    fn reserved_ids_refuse_what_cannot_be_an_id() {
        assert!(ReservedIds::new([""]).is_err());
        assert!(ReservedIds::new(["a b"]).is_err());
        assert!(ReservedIds::new(["{n}-x"]).is_err());
        let any_number = ReservedIds::new(["{n}"]).unwrap();
        assert!(any_number.contains("12") && !any_number.contains("x12"));
        assert!(ReservedIds::default().contains("top"));
        let with_disclaimer = ReservedIds::default().with_shared(["note"]);
        assert!(with_disclaimer.contains("note") && with_disclaimer.is_shared("note"));
        let mut page = IdSet::for_page(std::sync::Arc::new(with_disclaimer));
        assert_eq!(page.claim("note"), Err(Taken::Shared));
        assert_eq!(page.unique("note"), "note-1");
    }
}
