//! Measures the search index of a site: how long it takes to build, how big its files
//! are, and how many bytes the browser downloads for the first query (the manifest, the
//! shards the query's terms need, and the document files of the first 10 results).
//!
//! cargo run --release --example search_bench -- SITE [QUERY...]
//!
//! With `TOKENIZER_DIR=DIR` it also times the tokenizer alone on the files of DIR
//! (single thread); with `TOKENIZER_ONLY=1` as well, it does only that.

use std::path::PathBuf;
use std::time::Instant;

use knead::build::pipeline::{Options, prepare};
use knead::search::{self, Searcher};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(site) = args.get(1) else {
        eprintln!("usage: search_bench SITE [QUERY...]");
        std::process::exit(2);
    };
    let mut queries: Vec<String> = args[2..].to_vec();
    if queries.is_empty() {
        queries = [
            "sciatica",
            "pregnancy",
            "foam roller",
            "massage",
            "massages for lower back pain",
            "sciat",
            "trigger point therapy",
        ]
        .map(String::from)
        .to_vec();
    }
    if let (Ok(dir), Some(_)) = (std::env::var("TOKENIZER_DIR"), std::env::var_os("TOKENIZER_ONLY")) {
        tokenizer_speed(&dir);
    }
    let t = Instant::now();
    let prepared = prepare(&Options {
        root: PathBuf::from(site),
        ..Options::default()
    })
    .unwrap_or_else(|e| panic!("{}", e.render(false)));
    println!("model built in {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
    let site = &prepared.site;
    if let Ok(dir) = std::env::var("TOKENIZER_DIR") {
        tokenizer_speed(&dir);
    }
    let mut times = Vec::new();
    let mut built = search::IndexFiles::default();
    for _ in 0..5 {
        let t = Instant::now();
        built = search::build(site);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let layout = search::layout(site);
    let kb = |n: usize| n as f64 / 1000.0;
    let shard_bytes: Vec<usize> = built.shards.iter().map(Vec::len).collect();
    let doc_bytes: usize = built.docs.iter().map(Vec::len).sum();
    println!(
        "index built in {:.0} ms (median of 5; {:.0}-{:.0})",
        times[2], times[0], times[4]
    );
    println!(
        "documents: {}; manifest {:.1} KB; {} shards, {:.0} KB in all (largest {:.1} KB); {} document files, {:.0} KB in all",
        built
            .docs
            .iter()
            .map(|d| d.iter().filter(|&&b| b == b'\n').count())
            .sum::<usize>(),
        kb(built.manifest.len()),
        layout.shards,
        kb(shard_bytes.iter().sum()),
        kb(*shard_bytes.iter().max().unwrap_or(&0)),
        layout.doc_chunks,
        kb(doc_bytes),
    );
    let searcher = Searcher::load(&built).unwrap_or_else(|e| panic!("{e}"));
    println!("\n| query | results | first query downloads | first results |");
    println!("|---|---:|---:|---|");
    for q in &queries {
        let hits = searcher.search(q);
        let shards = searcher.shards_for(q);
        let mut chunks: Vec<usize> = hits
            .iter()
            .take(10)
            .map(|h| h.doc as usize / search::DOCS_PER_CHUNK)
            .collect();
        chunks.sort_unstable();
        chunks.dedup();
        let bytes = built.manifest.len()
            + shards.iter().map(|&i| built.shards[i].len()).sum::<usize>()
            + chunks.iter().map(|&k| built.docs[k].len()).sum::<usize>();
        let first: Vec<&str> = hits
            .iter()
            .take(3)
            .map(|h| searcher.docs[h.doc as usize].url.as_str())
            .collect();
        println!(
            "| {q} | {} | {:.0} KB (manifest + {} shards + {} document files) | {} |",
            hits.len(),
            kb(bytes),
            shards.len(),
            chunks.len(),
            first.join(" ")
        );
    }
}

/// Tokenizer throughput on the raw files of `dir` (single thread).
fn tokenizer_speed(dir: &str) {
    let texts: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let t = Instant::now();
    let mut tokens = 0usize;
    for text in &texts {
        knead::text::for_each_token(text, |_| tokens += 1);
    }
    let tok = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let mut terms = 0usize;
    for text in &texts {
        let mut c = knead::text::TermCounter::default();
        c.add(text);
        terms += c.len();
    }
    let count = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "{} MB, {tokens} tokens: tokenize {tok:.0} ms, count {count:.0} ms ({terms} terms)",
        bytes / 1_000_000
    );
    if std::env::var_os("TOKENIZER_ONLY").is_some() {
        std::process::exit(0);
    }
}
