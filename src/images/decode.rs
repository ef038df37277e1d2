//! Reading an original safely: its format checked against its name, its size read from
//! the header before any pixel is decoded (a small file may claim a huge picture), and
//! the decoder held to limits; then the pixels turned upright (EXIF orientation) and
//! into sRGB (an embedded ICC profile converted, not dropped).

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::Failure;

/// The widest or tallest original accepted, in pixels.
pub const MAX_SIDE: u32 = 20_000;

/// The most pixels an original may have (a 100-megapixel photo decodes to 400 MB).
pub const MAX_PIXELS: u64 = 100_000_000;

/// What decoding an original gives.
#[derive(Debug)]
pub struct Decoded {
    /// The pixels, upright, 8 bits per channel, RGB or RGBA, sRGB when the original
    /// said otherwise and its profile could be read.
    pub image: DynamicImage,
    /// The format it was stored in.
    pub format: ImageFormat,
    /// An ICC profile knead could not convert from: written into the outputs that
    /// can hold one, and WebP is not offered (its encoder cannot carry it).
    pub kept_profile: Option<Vec<u8>>,
}

/// The raster formats knead processes, by file extension (any case).
pub fn format_of_name(name: &str) -> Option<ImageFormat> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "png" => Some(ImageFormat::Png),
        "jpg" | "jpeg" => Some(ImageFormat::Jpeg),
        "webp" => Some(ImageFormat::WebP),
        _ => None,
    }
}

fn format_name(f: ImageFormat) -> &'static str {
    match f {
        ImageFormat::Png => "PNG",
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::WebP => "WebP",
        ImageFormat::Gif => "GIF",
        _ => "another kind of",
    }
}

fn fail(message: String, help: &str) -> Failure {
    Failure {
        message,
        help: help.to_owned(),
    }
}

const RESAVE: &str = "open the image in an image editor and save it again, or replace the file";

/// Decodes the original `bytes` of the file `name`, or says why it cannot be used.
pub fn decode(name: &str, bytes: &[u8]) -> Result<Decoded, Failure> {
    let Some(named) = format_of_name(name) else {
        return Err(fail(
            format!("`{name}` is not a PNG, JPEG or WebP image"),
            "save the image as PNG, JPEG or WebP",
        ));
    };
    let format = match image::guess_format(bytes) {
        Ok(f) if f == named => f,
        Ok(f) => {
            return Err(fail(
                format!(
                    "`{name}` is named as a {} image but holds a {} image",
                    format_name(named),
                    format_name(f)
                ),
                "give the file the extension of what it holds, or save it again in the format its name says",
            ));
        }
        Err(_) if bytes.is_empty() => return Err(fail(format!("`{name}` is empty"), RESAVE)),
        Err(_) => {
            return Err(fail(
                format!(
                    "`{name}` is not a {} image (its first bytes are not)",
                    format_name(named)
                ),
                RESAVE,
            ));
        }
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    reader.limits(limits);
    let too_large = |(w, h): (u32, u32)| {
        fail(
            format!(
                "`{name}` claims to be {w} × {h} pixels: knead takes images up to {MAX_SIDE} pixels a side and {MAX_PIXELS} pixels in all"
            ),
            "make the image smaller in an image editor (a page needs no more than 3,000 pixels across)",
        )
    };
    let broken = |e: image::ImageError| match e {
        // The header alone says what the picture claims to be.
        image::ImageError::Limits(_) => match ImageReader::with_format(Cursor::new(bytes), format).into_dimensions() {
            Ok(size) => too_large(size),
            Err(_) => fail(
                format!("`{name}` is too large to decode safely"),
                "make the image smaller in an image editor",
            ),
        },
        e => fail(
            format!("`{name}` cannot be read as a {} image: {e}", format_name(format)),
            RESAVE,
        ),
    };
    let mut decoder = reader.into_decoder().map_err(broken)?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(too_large((w, h)));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let profile = decoder.icc_profile().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).map_err(broken)?;
    image.apply_orientation(orientation);
    let image = if image.color().has_alpha() {
        DynamicImage::ImageRgba8(image.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    };
    let (image, kept_profile) = match profile {
        None => (image, None),
        Some(icc) => match to_srgb(&image, &icc) {
            Some(converted) => (converted, None),
            None => (image, Some(icc)),
        },
    };
    Ok(Decoded {
        image,
        format,
        kept_profile,
    })
}

/// The pixels converted from the colour space of the ICC profile `icc` to sRGB, or
/// `None` when the profile cannot be read or used.
fn to_srgb(image: &DynamicImage, icc: &[u8]) -> Option<DynamicImage> {
    use moxcms::{ColorProfile, Layout, TransformOptions};
    let from = ColorProfile::new_from_slice(icc).ok()?;
    let srgb = ColorProfile::new_srgb();
    let layout = if image.color().has_alpha() {
        Layout::Rgba
    } else {
        Layout::Rgb
    };
    let transform = from
        .create_transform_8bit(layout, &srgb, layout, TransformOptions::default())
        .ok()?;
    let src = image.as_bytes();
    let mut out = vec![0u8; src.len()];
    transform.transform(src, &mut out).ok()?;
    let (w, h) = (image.width(), image.height());
    if image.color().has_alpha() {
        image::RgbaImage::from_raw(w, h, out).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(w, h, out).map(DynamicImage::ImageRgb8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, RgbImage};

    /// A 4 × 4 PNG of one colour, with `icc` embedded.
    fn png_with_profile(rgb: [u8; 3], icc: Option<Vec<u8>>) -> Vec<u8> {
        let img = RgbImage::from_pixel(4, 4, image::Rgb(rgb));
        let mut out = Vec::new();
        let mut enc = image::codecs::png::PngEncoder::new(&mut out);
        if let Some(icc) = icc {
            enc.set_icc_profile(icc).unwrap();
        }
        enc.write_image(img.as_raw(), 4, 4, image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    #[test]
    fn a_wide_gamut_profile_is_converted_to_srgb() {
        let p3 = moxcms::ColorProfile::new_display_p3().encode().unwrap();
        let plain = decode("a.png", &png_with_profile([40, 180, 60], None)).unwrap();
        let wide = decode("a.png", &png_with_profile([40, 180, 60], Some(p3))).unwrap();
        assert!(wide.kept_profile.is_none());
        let (a, b) = (
            plain.image.as_bytes()[..3].to_vec(),
            wide.image.as_bytes()[..3].to_vec(),
        );
        assert_eq!(a, [40, 180, 60]);
        // P3 green is more saturated than sRGB's: less red, more green once converted.
        assert!(b[0] < a[0] && b[1] > a[1], "{b:?}");
    }

    #[test]
    fn an_unreadable_profile_is_kept_not_dropped() {
        let d = decode("a.png", &png_with_profile([1, 2, 3], Some(b"not a profile".to_vec()))).unwrap();
        assert_eq!(d.kept_profile.as_deref(), Some(&b"not a profile"[..]));
        assert_eq!(d.image.as_bytes()[..3], [1, 2, 3]);
    }

    #[test]
    fn formats_come_from_the_bytes_not_the_name() {
        let png = png_with_profile([0, 0, 0], None);
        assert!(decode("a.jpg", &png).unwrap_err().message.contains("holds a PNG image"));
        assert!(
            decode("a.gif", &png)
                .unwrap_err()
                .message
                .contains("not a PNG, JPEG or WebP")
        );
        assert!(decode("a.png", &[]).unwrap_err().message.contains("is empty"));
    }
}
