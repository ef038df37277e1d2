//! Times the rendering of every page of SITE into nothing (no files), N times, after
//! one preparation: the template and context work alone, for comparing themes and
//! renderer changes. Run with `RAYON_NUM_THREADS=1` for one core's time.
//!
//! cargo run --release --example render_bench -- SITE [N]

use std::path::PathBuf;
use std::time::Instant;

use knead::build::pipeline::{Options, prepare};

// The same allocator as the `knead` binary.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(site) = args.get(1) else {
        eprintln!("usage: render_bench SITE [N]");
        std::process::exit(2);
    };
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let prepared = prepare(&Options {
        root: PathBuf::from(site),
        ..Options::default()
    })
    .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let mut times = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        let pages = prepared
            .render_each(None)
            .unwrap_or_else(|e| panic!("{} errors", e.error_count()));
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        println!("rendered {pages} outputs in {ms:.0} ms");
        times.push(ms);
    }
    times.sort_by(f64::total_cmp);
    println!("median {:.0} ms", times[times.len() / 2]);
}
