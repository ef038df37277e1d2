//! Times incremental rebuilds in-process: builds SITE into OUT, then edits the body of
//! one article N times and rebuilds after each edit, printing each time and the median.
//!
//! cargo run --release --example rebuild -- SITE OUT [N]

use std::path::PathBuf;
use std::time::Instant;

use knead::build::incremental::Incremental;
use knead::build::pipeline::Options;

// The same allocator as the `knead` binary, so the timings match `knead watch`.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(site), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: rebuild SITE OUT [N]");
        std::process::exit(2);
    };
    let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(15);
    let opts = Options {
        root: PathBuf::from(site),
        output: Some(PathBuf::from(out)),
        ..Options::default()
    };
    let mut inc = Incremental::new(opts).unwrap_or_else(|e| panic!("{}", e.render(false)));
    let t = Instant::now();
    inc.rebuild(&[]).unwrap_or_else(|e| panic!("{}", e.render(false)));
    println!("first build: {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
    let articles = PathBuf::from(site).join("content/articles");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&articles)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let target = files[files.len() / 2].clone();
    let original = std::fs::read_to_string(&target).unwrap();
    let mut times = Vec::new();
    for i in 0..n {
        std::fs::write(
            &target,
            format!("{original}\nEdited paragraph about {}.\n", WORDS[i % WORDS.len()]),
        )
        .unwrap();
        let t = Instant::now();
        let outcome = inc
            .rebuild(std::slice::from_ref(&target))
            .unwrap_or_else(|e| panic!("{}", e.render(false)));
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        println!(
            "rebuild {i}: {ms:.1} ms ({} pages rendered, {} files written)",
            outcome.rendered, outcome.written
        );
        times.push(ms);
    }
    std::fs::write(&target, original).unwrap();
    times.sort_by(f64::total_cmp);
    println!("median one-article body rebuild: {:.1} ms", times[times.len() / 2]);
}

/// A different word in each edit, so that every edit changes some search terms.
const WORDS: &[&str] = &[
    "walnuts", "harbour", "lantern", "meadow", "copper", "juniper", "saddle", "quartz", "violin", "pebble", "thistle",
];
