//! Embeds the default theme (themes/default/templates, static and i18n) into the binary, so a
//! site without a themes/ folder still builds and `knead init` can write the theme out.

use std::fmt::Write as _;
use std::path::Path;

fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        if p.is_dir() {
            walk(&p, base, out);
        } else if let Ok(rel) = p.strip_prefix(base) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let theme = Path::new(&manifest).join("themes/default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    for sub in ["templates", "static", "i18n"] {
        walk(&theme.join(sub), &theme, &mut files);
    }
    files.push("README.md".to_owned());
    files.push("theme.yaml".to_owned());
    let mut code = String::from(
        "/// The default theme's files: (path inside the theme, contents).\npub(crate) static FILES: &[(&str, &[u8])] = &[\n",
    );
    for f in &files {
        let full = theme.join(f);
        if full.is_file() {
            println!("cargo:rerun-if-changed={}", full.display());
            writeln!(code, "    ({f:?}, include_bytes!({:?})),", full.display().to_string()).expect("write to string");
        }
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_theme.rs");
    std::fs::write(out, code).expect("write embedded_theme.rs");
}
