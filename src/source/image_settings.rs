//! The `images:` settings of site.yaml: the widths images are resized to and the
//! quality of lossy encodings, read and checked here so the image stage gets sound
//! values.

use serde::Deserialize;

/// `images:` as written in site.yaml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping with keys widths and quality")]
pub struct RawImages {
    widths: Option<Vec<i64>>,
    quality: Option<i64>,
}

/// How images shown on pages are processed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageSettings {
    /// The widths (in pixels) of the resized versions, smallest first, no repeats.
    pub widths: Vec<u32>,
    /// JPEG and WebP quality, 1 to 100.
    pub quality: u8,
}

/// The widths when site.yaml does not say.
pub const DEFAULT_WIDTHS: [u32; 3] = [480, 960, 1440];

/// The quality when site.yaml does not say.
pub const DEFAULT_QUALITY: u8 = 80;

/// The narrowest and widest widths accepted: smaller is useless on any screen, larger
/// is more than any screen shows.
const WIDTH_RANGE: std::ops::RangeInclusive<i64> = 16..=8192;

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: DEFAULT_WIDTHS.to_vec(),
            quality: DEFAULT_QUALITY,
        }
    }
}

/// A problem in `images:`: what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The key it is about (`widths:` or `quality:`), to point at.
    pub key: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl RawImages {
    /// The settings, or every problem with them.
    pub fn check(self) -> Result<ImageSettings, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut widths: Vec<u32> = Vec::new();
        match self.widths {
            Some(w) if w.is_empty() => problems.push(Problem {
                key: "widths:",
                message: "`images.widths` is empty".into(),
                help: "list at least one width in pixels, e.g. `widths: [480, 960, 1440]` (the default)".into(),
            }),
            Some(w) => {
                for n in w {
                    match u32::try_from(n).ok().filter(|_| WIDTH_RANGE.contains(&n)) {
                        Some(n) => widths.push(n),
                        None => problems.push(Problem {
                            key: "widths:",
                            message: format!(
                                "`images.widths` holds {n}: widths go from {} to {} pixels",
                                WIDTH_RANGE.start(),
                                WIDTH_RANGE.end()
                            ),
                            help: "write widths in pixels, e.g. `widths: [480, 960, 1440]` (the default)".into(),
                        }),
                    }
                }
            }
            None => widths = DEFAULT_WIDTHS.to_vec(),
        }
        widths.sort_unstable();
        widths.dedup();
        let quality = match self.quality {
            None => DEFAULT_QUALITY,
            Some(q) => match u8::try_from(q).ok().filter(|q| (1..=100).contains(q)) {
                Some(q) => q,
                None => {
                    problems.push(Problem {
                        key: "quality:",
                        message: format!("`images.quality` is {q}: quality goes from 1 to 100"),
                        help: "write a quality from 1 (smallest files) to 100 (best looking), e.g. `quality: 80` (the default)".into(),
                    });
                    DEFAULT_QUALITY
                }
            },
        };
        if problems.is_empty() {
            Ok(ImageSettings { widths, quality })
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(widths: Option<Vec<i64>>, quality: Option<i64>) -> Result<ImageSettings, Vec<Problem>> {
        RawImages { widths, quality }.check()
    }

    #[test]
    fn defaults_and_order() {
        assert_eq!(check(None, None).unwrap(), ImageSettings::default());
        let s = check(Some(vec![960, 320, 960]), Some(60)).unwrap();
        assert_eq!((s.widths, s.quality), (vec![320, 960], 60));
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(check(Some(vec![]), None).unwrap_err()[0].message.contains("empty"));
        assert!(check(Some(vec![0]), None).unwrap_err()[0].message.contains("holds 0"));
        assert!(check(Some(vec![100_000]), None).is_err());
        assert!(check(None, Some(0)).unwrap_err()[0].message.contains("quality"));
        assert!(check(None, Some(101)).is_err());
    }
}
