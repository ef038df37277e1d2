//! Prints, for every YAML document given (files, front matter blocks, and mutations of
//! them), the parsed value or the error with its position: two builds are diffed.
use std::io::Write;
fn docs_of(text: &str) -> Vec<String> {
    let mut v = vec![text.to_string()];
    if let Some(rest) = text.strip_prefix("---\n") {
        if let Some(end) = rest.find("\n---") {
            v.push(rest[..end].to_string());
        }
    }
    v
}
fn main() {
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let mut seed: u64 = 42;
    let mut rnd = || { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; seed };
    for root in std::env::args().skip(1) {
        let mut files: Vec<_> = walkdir::WalkDir::new(&root).sort_by_file_name().into_iter().filter_map(|e| e.ok()).filter(|e| e.file_type().is_file()).map(|e| e.into_path()).filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "yaml" | "yml"))).collect();
        files.truncate(3000);
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else { continue };
            for d in docs_of(&text) {
                let mut variants = vec![d.clone()];
                let b = d.as_bytes();
                for _ in 0..40 {
                    if b.is_empty() { break; }
                    let mut m = b.to_vec();
                    let at = (rnd() as usize) % m.len();
                    let junk = [b'"', b'\'', b'\\', b'\n', b' ', b'\t', b':', b'#', b'\r', 0xC3, 0xA9, b'x', 0x01, b'|', b'-'];
                    match rnd() % 3 {
                        0 => { m[at] = junk[(rnd() as usize) % junk.len()]; }
                        1 => { m.insert(at, junk[(rnd() as usize) % junk.len()]); }
                        _ => { m.truncate(at); }
                    }
                    variants.push(String::from_utf8_lossy(&m).into_owned());
                }
                for v in variants {
                    match serde_yaml::from_str::<serde_yaml::Value>(&v) {
                        Ok(val) => writeln!(out, "OK {:?}", val).unwrap(),
                        Err(e) => writeln!(out, "ERR {} {:?}", e, e.location().map(|l| (l.index(), l.line(), l.column()))).unwrap(),
                    }
                }
            }
        }
    }
}
