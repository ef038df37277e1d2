//! Making the versions of an original a page offers: resized with Lanczos3 to each of
//! `images.widths` below its own width (an original wider than the largest width is
//! never sent whole), encoded in the original's format and, for PNG and JPEG
//! originals, in WebP too.

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageEncoder, ImageFormat};

use super::Failure;
use super::decode::Decoded;
use crate::source::image_settings::ImageSettings;

/// One encoded version.
pub struct Encoded {
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
    /// The file's extension (`jpg`, `png`, `webp`).
    pub ext: &'static str,
    /// The file.
    pub bytes: Vec<u8>,
}

/// Every version of one original.
pub struct Versions {
    /// The original's size, upright.
    pub width: u32,
    /// Likewise.
    pub height: u32,
    /// In the original's format, narrowest first.
    pub main: Vec<Encoded>,
    /// In WebP, narrowest first, when the original is PNG or JPEG, WebP could carry its
    /// colours and the WebP files are smaller in all; else empty.
    pub webp: Vec<Encoded>,
}

/// The widths to make of an original `width` pixels wide: every configured width below
/// it, and the original's own width when no configured width reaches it (so nothing
/// wider than the largest configured width is made, and nothing is enlarged).
pub fn widths_for(width: u32, settings: &ImageSettings) -> Vec<u32> {
    let mut out: Vec<u32> = settings.widths.iter().copied().filter(|&w| w < width).collect();
    let largest = settings.widths.last().copied().unwrap_or(width);
    if width <= largest {
        out.push(width);
    }
    out
}

/// The height that keeps the original's proportions at `width`, at least 1.
fn height_at(width: u32, (ow, oh): (u32, u32)) -> u32 {
    let h = (u64::from(oh) * u64::from(width) + u64::from(ow) / 2) / u64::from(ow.max(1));
    u32::try_from(h.max(1)).unwrap_or(u32::MAX)
}

fn resized(image: &DynamicImage, width: u32, height: u32) -> Result<DynamicImage, Failure> {
    if (width, height) == (image.width(), image.height()) {
        return Ok(image.clone());
    }
    let mut out = DynamicImage::new(width, height, image.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new().resize(image, &mut out, &options).map_err(|e| Failure {
        message: format!("the image could not be resized: {e}"),
        help: "save the image again as 8-bit RGB".into(),
    })?;
    Ok(out)
}

fn encode_failed(e: impl std::fmt::Display) -> Failure {
    Failure {
        message: format!("the image could not be encoded: {e}"),
        help: "save the image again as 8-bit RGB".into(),
    }
}

/// Encodes `image` as `format` (PNG or JPEG, with `profile` embedded when there is one).
fn encode_main(
    image: &DynamicImage,
    format: ImageFormat,
    quality: u8,
    profile: Option<&[u8]>,
) -> Result<(&'static str, Vec<u8>), Failure> {
    let mut bytes = Vec::new();
    let (w, h, color) = (image.width(), image.height(), image.color().into());
    match format {
        ImageFormat::Jpeg => {
            let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality);
            if let Some(p) = profile {
                // Refused only by encoders that cannot hold a profile; JPEG can.
                let _ = enc.set_icc_profile(p.to_vec());
            }
            enc.write_image(image.as_bytes(), w, h, color).map_err(encode_failed)?;
            Ok(("jpg", bytes))
        }
        ImageFormat::WebP => Ok(("webp", encode_webp(image, quality)?)),
        _ => {
            let mut enc = image::codecs::png::PngEncoder::new_with_quality(
                &mut bytes,
                image::codecs::png::CompressionType::Default,
                image::codecs::png::FilterType::Adaptive,
            );
            if let Some(p) = profile {
                let _ = enc.set_icc_profile(p.to_vec());
            }
            enc.write_image(image.as_bytes(), w, h, color).map_err(encode_failed)?;
            Ok(("png", bytes))
        }
    }
}

/// Lossy WebP at `quality`, transparency kept.
fn encode_webp(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, Failure> {
    let layout = if image.color().has_alpha() {
        webp::PixelLayout::Rgba
    } else {
        webp::PixelLayout::Rgb
    };
    let encoder = webp::Encoder::new(image.as_bytes(), layout, image.width(), image.height());
    let mut config = webp::WebPConfig::new().map_err(|()| encode_failed("no WebP settings"))?;
    config.quality = f32::from(quality);
    // 4 of 0-6: most of the size gain of the slowest settings at half their time.
    config.method = 4;
    let out = encoder
        .encode_advanced(&config)
        .map_err(|e| encode_failed(format!("{e:?}")))?;
    Ok(out.to_vec())
}

/// Every version of the decoded original.
pub fn versions(decoded: &Decoded, settings: &ImageSettings) -> Result<Versions, Failure> {
    let image = &decoded.image;
    let size = (image.width(), image.height());
    let offer_webp = decoded.format != ImageFormat::WebP && decoded.kept_profile.is_none();
    let mut main = Vec::new();
    let mut webp = Vec::new();
    for width in widths_for(size.0, settings) {
        let height = height_at(width, size);
        let small = resized(image, width, height)?;
        let (ext, bytes) = encode_main(
            &small,
            decoded.format,
            settings.quality,
            decoded.kept_profile.as_deref(),
        )?;
        main.push(Encoded {
            width,
            height,
            ext,
            bytes,
        });
        if offer_webp {
            webp.push(Encoded {
                width,
                height,
                ext: "webp",
                bytes: encode_webp(&small, settings.quality)?,
            });
        }
    }
    let total = |v: &[Encoded]| v.iter().map(|e| e.bytes.len()).sum::<usize>();
    if total(&webp) >= total(&main) {
        webp.clear();
    }
    Ok(Versions {
        width: size.0,
        height: size.1,
        main,
        webp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_enlarge_nor_exceed_the_largest() {
        let s = ImageSettings::default();
        assert_eq!(widths_for(3000, &s), [480, 960, 1440]);
        assert_eq!(widths_for(1440, &s), [480, 960, 1440]);
        assert_eq!(widths_for(1200, &s), [480, 960, 1200]);
        assert_eq!(widths_for(300, &s), [300]);
        assert_eq!(height_at(480, (1000, 500)), 240);
        assert_eq!(height_at(16, (20_000, 1)), 1);
    }

    #[test]
    fn a_kept_profile_goes_into_the_png_and_rules_out_webp() {
        let image = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(600, 20, image::Rgb([9, 99, 199])));
        let decoded = Decoded {
            image,
            format: ImageFormat::Png,
            kept_profile: Some(b"profile bytes".to_vec()),
        };
        let v = versions(&decoded, &ImageSettings::default()).unwrap();
        assert!(v.webp.is_empty());
        let widths: Vec<u32> = v.main.iter().map(|e| e.width).collect();
        assert_eq!(widths, [480, 600]);
        assert!(v.main.iter().all(|e| e.bytes.windows(4).any(|w| w == b"iCCP")));
        let plain = Decoded {
            kept_profile: None,
            ..decoded
        };
        let v = versions(&plain, &ImageSettings::default()).unwrap();
        assert_eq!(v.webp.len(), 2, "a flat picture is smaller as WebP");
        assert_eq!((v.webp[0].width, v.webp[0].height), (480, 16));
    }
}
