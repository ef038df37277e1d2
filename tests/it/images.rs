//! Images: every raster image a page shows is resized to `images.widths` (never wider
//! than the original or the largest width), offered as WebP where that is smaller, and
//! written with its size, `srcset`, `sizes`, `decoding` and `loading`; EXIF orientation
//! and transparency are kept; the cache in `.knead-cache/` is used and pruned; bad
//! originals (truncated, mislabelled, a decompression bomb) are located errors; watch
//! mode re-renders only the pages that show an edited image.

use std::path::Path;

use image::{DynamicImage, GenericImageView, Rgb, RgbImage, Rgba, RgbaImage};
use knead::build::incremental::Incremental;
use knead::build::pipeline::{self, Options};

use crate::support::{Site, tree};

/// A photo-like picture: smooth gradients and some detail, so sizes are realistic.
fn photo(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) % 23;
        Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, (128 + n * 3) as u8])
    })
}

fn save(site: &Site, rel: &str, image: DynamicImage) {
    let path = site.path(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    image.save(&path).unwrap();
}

/// The pixel size of an output file.
fn size_of(site: &Site, site_path: &str) -> (u32, u32) {
    let p = site.path(&format!("public{site_path}"));
    image::image_dimensions(&p).unwrap_or_else(|e| panic!("{site_path}: {e}"))
}

/// Every `/processed/...` path in `html`, with the width its `srcset` gives it.
fn candidates(html: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for part in html.split("srcset=\"").skip(1) {
        let set = &part[..part.find('"').unwrap()];
        for c in set.split(", ") {
            let (url, w) = c.split_once(' ').unwrap();
            out.push((url.to_owned(), w.trim_end_matches('w').parse().unwrap()));
        }
    }
    out
}

/// The article of the basic fixture that shows `body` (Markdown) at its end.
fn show(site: &Site, body: &str) {
    let path = "content/articles/first.md";
    let text = site.read(path);
    site.write(path, &format!("{text}\n{body}\n"));
}

#[test]
fn resized_versions_sizes_and_markup() {
    let site = Site::new("basic");
    save(
        &site,
        "content/images/wide.jpg",
        DynamicImage::ImageRgb8(photo(2000, 1000)),
    );
    save(
        &site,
        "content/images/tall.jpg",
        DynamicImage::ImageRgb8(photo(600, 1200)),
    );
    save(
        &site,
        "content/images/small.png",
        DynamicImage::ImageRgb8(photo(300, 150)),
    );
    let alpha = RgbaImage::from_fn(800, 800, |x, y| {
        Rgba([200, 80, 40, if (x / 100 + y / 100) % 2 == 0 { 0 } else { 255 }])
    });
    save(&site, "content/images/alpha.png", DynamicImage::ImageRgba8(alpha));
    show(
        &site,
        "![A wide photo](../images/wide.jpg)\n\n![A tall photo](../images/tall.jpg \"Tall\")\n\n![A small & \"simple\" drawing](../images/small.png)\n\n![See-through squares](../images/alpha.png)",
    );
    site.knead(&["build"]).ok();
    let html = site.read("public/articles/first/index.html");

    let wide = html.split("alt=\"A wide photo\"").next().unwrap();
    let wide = &wide[wide.rfind("<picture>").unwrap()..];
    assert!(
        wide.contains(r#"<source type="image/webp" srcset="/processed/wide-"#),
        "{wide}"
    );
    assert!(wide.contains(r#"width="1440" height="720""#), "{wide}");
    assert!(wide.contains(r#"sizes="(max-width: 36rem) 100vw, 36rem""#));
    let widths: Vec<u32> = candidates(wide).iter().map(|c| c.1).collect();
    assert_eq!(widths, [480, 960, 1440, 480, 960, 1440], "{wide}");
    for (url, w) in candidates(wide) {
        assert_eq!(size_of(&site, &url), (w, w / 2), "{url}");
    }
    assert!(
        html.contains(r#"alt="A wide photo" decoding="async" loading="lazy">"#),
        "{html}"
    );
    // The original is more than the largest width: no page sends it.
    assert!(!html.contains("/images/wide.jpg"));

    // Never enlarged: the tall one is only 600 wide, the small one only 300.
    let tall: Vec<u32> = candidates(&html[html.find("tall-").unwrap() - 40..])
        .iter()
        .take(2)
        .map(|c| c.1)
        .collect();
    assert_eq!(tall, [480, 600]);
    assert!(
        html.contains(r#"width="600" height="1200" alt="A tall photo" title="Tall""#),
        "{html}"
    );
    assert!(
        html.contains(r#"width="300" height="150" alt="A small &amp; &quot;simple&quot; drawing""#),
        "{html}"
    );
    let small: Vec<(String, u32)> = candidates(&html[html.find("small-").unwrap() - 60..]);
    assert!(
        small.iter().take_while(|c| c.0.contains("small-")).all(|c| c.1 == 300),
        "{small:?}"
    );

    // Transparency survives in both formats.
    let alpha_files: Vec<String> = crate::support::names(&site.path("public/processed"))
        .into_iter()
        .filter(|n| n.starts_with("alpha-"))
        .collect();
    assert!(alpha_files.iter().any(|n| n.ends_with(".webp")), "{alpha_files:?}");
    for name in &alpha_files {
        let img = image::open(site.path(&format!("public/processed/{name}"))).unwrap();
        assert!(img.color().has_alpha(), "{name}");
        assert_eq!(img.get_pixel(10, 10).0[3], 0, "{name}: a see-through corner");
    }
    // Every output file is content-hashed and none is wider than 1440.
    for name in crate::support::names(&site.path("public/processed")) {
        let (w, _) = size_of(&site, &format!("/processed/{name}"));
        assert!(w <= 1440, "{name}");
        assert!(
            name.split('-')
                .any(|p| p.len() == 16 && p.chars().all(|c| c.is_ascii_hexdigit())),
            "{name}"
        );
    }
}

#[test]
fn lead_image_is_sized_eager_and_the_og_image() {
    let site = Site::new("basic");
    site.knead(&["build"]).ok();
    let html = site.read("public/articles/first/index.html");
    let lead = &html[html.find("<figure class=\"article-image\">").unwrap()..];
    let lead = &lead[..lead.find("</figure>").unwrap()];
    assert!(lead.contains(r#"width="800" height="400""#), "{lead}");
    assert!(
        lead.contains(r#"decoding="async""#) && !lead.contains("loading=\"lazy\""),
        "{lead}"
    );
    let og = html.split("<meta property=\"og:image\" content=\"").nth(1).unwrap();
    let og = &og[..og.find('"').unwrap()];
    assert!(
        og.starts_with("https://example.org/processed/back-") && og.ends_with("-800.png"),
        "{og}"
    );
    assert!(html.contains(r#"<meta property="og:image:width" content="800">"#));
    assert!(html.contains(r#"<meta property="og:image:height" content="400">"#));
    assert_eq!(size_of(&site, og.trim_start_matches("https://example.org")), (800, 400));
}

/// A JPEG with an EXIF APP1 segment saying "rotate 90° clockwise to show" (6).
fn rotated_jpeg(w: u32, h: u32) -> Vec<u8> {
    let mut jpeg = Vec::new();
    DynamicImage::ImageRgb8(photo(w, h))
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    let tiff: &[u8] = &[
        b'M', b'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF, first IFD at 8
        0, 1, // one entry
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, // Orientation, SHORT, 1, value 6
        0, 0, 0, 0, // no next IFD
    ];
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn exif_orientation_is_applied() {
    let site = Site::new("basic");
    std::fs::write(site.path("content/images/phone.jpg"), rotated_jpeg(400, 200)).unwrap();
    show(&site, "![A photo taken sideways](../images/phone.jpg)");
    site.knead(&["build"]).ok();
    let html = site.read("public/articles/first/index.html");
    assert!(
        html.contains(r#"width="200" height="400" alt="A photo taken sideways""#),
        "{html}"
    );
    for (url, w) in candidates(&html[html.find("phone-").unwrap() - 60..])
        .into_iter()
        .take(1)
    {
        assert_eq!(size_of(&site, &url), (w, 400));
    }
}

/// CRC-32 of a PNG chunk.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A tiny PNG whose header claims `w` × `h` pixels.
fn bomb(w: u32, h: u32) -> Vec<u8> {
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        c.extend_from_slice(&body);
        c.extend_from_slice(&crc32(&body).to_be_bytes());
        c
    };
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
    png.extend(chunk(b"IEND", &[]));
    png
}

#[test]
fn bad_originals_are_located_errors() {
    let site = Site::new("basic");
    let mut good = Vec::new();
    DynamicImage::ImageRgb8(photo(300, 200))
        .write_to(&mut std::io::Cursor::new(&mut good), image::ImageFormat::Png)
        .unwrap();
    std::fs::write(site.path("content/images/cut.png"), &good[..good.len() / 2]).unwrap();
    let mut jpeg = Vec::new();
    DynamicImage::ImageRgb8(photo(30, 20))
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    std::fs::write(site.path("content/images/liar.png"), jpeg).unwrap();
    std::fs::write(site.path("content/images/bomb.png"), bomb(100_000, 100_000)).unwrap();
    std::fs::write(site.path("content/images/junk.webp"), b"not an image at all").unwrap();
    // Only linked, not shown: copied as it is, no error.
    std::fs::write(site.path("content/images/linked.jpg"), b"whatever").unwrap();
    show(
        &site,
        "![Cut](../images/cut.png)\n\n![Liar](../images/liar.png)\n\n![Bomb](../images/bomb.png)\n\n![Junk](../images/junk.webp)\n\n[the file](/images/linked.jpg)",
    );
    let started = std::time::Instant::now();
    let run = site.knead(&["build"]);
    assert!(
        started.elapsed().as_secs() < 60,
        "the bomb took {:?}",
        started.elapsed()
    );
    let line = |needle: &str| {
        site.read("content/articles/first.md")
            .lines()
            .position(|l| l.contains(needle))
            .unwrap()
            + 1
    };
    run.fails_with(1)
        .stderr_has("`content/images/cut.png` cannot be read as a PNG image")
        .stderr_has(&format!("content/articles/first.md:{}:1", line("![Cut]")))
        .stderr_has("`content/images/liar.png` is named as a PNG image but holds a JPEG image")
        .stderr_has(&format!("content/articles/first.md:{}:1", line("![Liar]")))
        .stderr_has("`content/images/bomb.png` claims to be 100000 × 100000 pixels")
        .stderr_has(&format!("content/articles/first.md:{}:1", line("![Bomb]")))
        .stderr_has(&format!("content/articles/first.md:{}:1", line("![Bomb]")))
        .stderr_has("`content/images/junk.webp` is not a WebP image")
        .stderr_has("failed with 4 errors");
    assert!(!site.path("public").exists());
}

#[test]
fn the_cache_is_used_and_pruned() {
    let site = Site::new("basic");
    site.knead(&["build"]).ok();
    let cache = site.path(".knead-cache/images");
    let entries = crate::support::names(&cache);
    let dirs: Vec<&String> = entries.iter().filter(|n| !n.contains('/')).collect();
    assert_eq!(dirs.len(), 1, "{entries:?}");
    // A cached version changed by hand (same length) is what the next build copies: it
    // processed nothing.
    let cached = cache.join(dirs[0]).join("480.png");
    let mut bytes = std::fs::read(&cached).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xFF;
    std::fs::write(&cached, &bytes).unwrap();
    site.knead(&["build"]).ok();
    let out = crate::support::names(&site.path("public/processed"));
    let copied = out.iter().find(|n| n.ends_with("-480.png")).unwrap();
    assert_eq!(
        std::fs::read(site.path(&format!("public/processed/{copied}"))).unwrap(),
        bytes
    );
    // Other settings: a new entry; the old one, used by no build now, is removed.
    site.edit(
        "site.yaml",
        "title:",
        "images:\n  widths: [200, 400]\n  quality: 60\ntitle:",
    );
    site.knead(&["build"]).ok();
    let now = crate::support::names(&cache);
    assert!(!now.iter().any(|n| n.starts_with(dirs[0].as_str())), "{now:?}");
    assert!(now.iter().any(|n| cache.join(n).join("400.png").is_file()), "{now:?}");
    let html = site.read("public/articles/first/index.html");
    assert!(html.contains(r#"width="400" height="200""#), "{html}");
}

#[test]
fn svg_is_copied_as_it_is() {
    let site = Site::new("basic");
    let svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\"/></svg>";
    site.write("content/images/icon.svg", svg);
    show(&site, "![A black square](../images/icon.svg)");
    site.knead(&["build"]).ok();
    assert_eq!(site.read("public/images/icon.svg"), svg);
    let html = site.read("public/articles/first/index.html");
    assert!(html.contains(r#"<img src="/images/icon.svg" width="10" height="10" alt="A black square" decoding="async" loading="lazy">"#), "{html}");
}

#[test]
fn bad_image_settings_are_located() {
    let site = Site::new("basic");
    site.edit("site.yaml", "title:", "images:\n  widths: [0]\n  quality: 101\ntitle:");
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("`images.widths` holds 0")
        .stderr_has("`images.quality` is 101")
        .stderr_has("site.yaml:2:3")
        .stderr_has("2 |   widths: [0]")
        .stderr_has("site.yaml:3:3");
}

/// An edited image is processed again and only the pages that show it are rendered;
/// the output stays what a clean build makes.
#[test]
fn watch_mode_re_renders_only_the_pages_that_show_an_image() {
    let site = Site::new("basic");
    save(
        &site,
        "content/images/extra.png",
        DynamicImage::ImageRgb8(photo(700, 300)),
    );
    let text = site.read("content/techniques/swedish.md");
    site.write(
        "content/techniques/swedish.md",
        &format!("{text}\n![A gradient](../images/extra.png)\n"),
    );
    let out = site.path("public");
    let mut inc = Incremental::new(Options {
        root: site.root(),
        output: Some(out.clone()),
        ..Options::default()
    })
    .unwrap();
    inc.rebuild(&[]).unwrap();
    save(
        &site,
        "content/images/extra.png",
        DynamicImage::ImageRgb8(photo(900, 300)),
    );
    let outcome = inc.rebuild(&[site.path("content/images/extra.png")]).unwrap();
    // The technique's page and the search file that holds its text.
    assert!(outcome.rendered <= 2, "{outcome:?}");
    let page = site.read("public/techniques/swedish/index.html");
    assert!(page.contains(r#"width="900" height="300" alt="A gradient""#), "{page}");
    let clean = site.dir.path().join("clean");
    pipeline::build(&Options {
        root: site.root(),
        output: Some(clean.clone()),
        ..Options::default()
    })
    .unwrap();
    assert!(tree(&out) == tree(&clean), "watch mode differs from a clean build");
    assert!(!Path::new(&out).join("processed").read_dir().unwrap().any(|e| {
        let name = e.unwrap().file_name();
        name.to_string_lossy().contains("-700.")
    }));
}

#[test]
fn check_warns_about_originals_over_2_mb() {
    let site = Site::new("basic");
    // Noise does not compress: about 3 MB as PNG.
    let mut seed = 7u32;
    let noisy = RgbImage::from_fn(1000, 1000, |_, _| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let b = seed.to_be_bytes();
        Rgb([b[0], b[1], b[2]])
    });
    save(&site, "content/images/heavy.png", DynamicImage::ImageRgb8(noisy));
    site.knead(&["check"])
        .stderr_has("content/images/heavy.png")
        .stderr_has("this image is 2.")
        .stderr_has("originals over 2 MB");
}
