//! Generates a knead site of N articles for benchmarks: realistic front matter (1-3
//! techniques, 2-4 benefits, 2-5 FAQs with Markdown answers, 1-3 references, review
//! dates) and a 600-1,200-word body with headings, lists, a table, a quote and links to
//! other articles (some with anchors). The same N and seed give the same bytes.
//!
//! cargo run --release --example gen_corpus -- --articles 10000 --out /tmp/knead-10k [--seed 1]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len())]
    }
}

const TECHNIQUES: &[(&str, &str, &str)] = &[
    ("swedish", "Swedish massage", "light"),
    ("deep-tissue", "Deep tissue massage", "firm"),
    ("trigger-point", "Trigger point therapy", "firm"),
    ("sports", "Sports massage", "moderate"),
    ("aromatherapy", "Aromatherapy massage", "light"),
    ("lymphatic-drainage", "Lymphatic drainage", "light"),
    ("reflexology", "Reflexology", "moderate"),
    ("hot-stone", "Hot stone massage", "moderate"),
    ("myofascial-release", "Myofascial release", "moderate"),
];

const BENEFITS: &[&str] = &[
    "Range of motion and flexibility",
    "Muscle tension and stiffness",
    "Pain and discomfort",
    "Blood flow",
    "Physical performance",
    "Relaxation and stress",
    "Sleep",
];

const TOPICS: &[&str] = &[
    "lower back pain",
    "desk work",
    "long drives",
    "gardening",
    "pregnancy",
    "running",
    "lifting",
    "stiff mornings",
    "sciatica",
    "neck and shoulder tension",
    "older adults",
    "office chairs",
];

const WORDS: &[&str] = &[
    "muscle",
    "back",
    "gentle",
    "pressure",
    "therapist",
    "stretch",
    "relief",
    "short",
    "term",
    "evidence",
    "review",
    "session",
    "breathing",
    "posture",
    "movement",
    "walking",
    "exercise",
    "comfort",
    "tension",
    "spine",
    "hip",
    "shoulder",
    "rest",
    "sleep",
    "stress",
    "habit",
    "daily",
    "warm",
    "slow",
    "steady",
    "doctor",
    "advice",
    "safe",
    "care",
    "body",
    "ease",
    "help",
    "may",
    "can",
    "often",
    "some",
    "people",
    "feel",
    "better",
    "after",
    "before",
    "during",
    "with",
    "without",
    "their",
    "your",
    "the",
    "a",
    "and",
    "or",
    "to",
    "of",
    "in",
    "on",
    "for",
    "is",
    "are",
    "was",
    "be",
    "this",
    "that",
    "it",
    "not",
    "most",
];

fn sentence(rng: &mut Rng) -> String {
    let n = rng.range(8, 18);
    let mut s = String::new();
    for i in 0..n {
        let w = rng.pick(WORDS);
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng, words: &mut usize) -> String {
    let mut p = String::new();
    for i in 0..rng.range(3, 6) {
        if i > 0 {
            p.push(' ');
        }
        let s = sentence(rng);
        *words += s.split_whitespace().count();
        p.push_str(&s);
    }
    p
}

fn slug_of(i: usize, topic: &str, technique: &str) -> String {
    format!("{}-for-{}-{i}", technique, topic.replace(' ', "-"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let get = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let Some(n) = get("--articles").and_then(|s| s.parse::<usize>().ok()) else {
        eprintln!("usage: gen_corpus --articles N --out DIR [--seed S]");
        std::process::exit(2);
    };
    let out = PathBuf::from(get("--out").unwrap_or_else(|| format!("/tmp/knead-corpus-{n}")));
    let seed: u64 = get("--seed").and_then(|s| s.parse().ok()).unwrap_or(1);
    if out.exists() && std::fs::read_dir(&out).map(|mut d| d.next().is_some()).unwrap_or(true) {
        eprintln!("{} exists and is not empty", out.display());
        std::process::exit(2);
    }
    let write = |rel: &str, text: &str| {
        let p: PathBuf = out.join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(Path::new("."))).expect("create folder");
        std::fs::write(&p, text).expect("write file");
    };
    write(
        "site.yaml",
        "title: \"Benchmark Back Care\"\nbase_url: \"https://example.org/\"\ndescription: \"A generated site for benchmarks.\"\nlanguage: en\nauthor: \"Benchmark editorial team\"\ndisclaimer: \"General information, not medical advice.\"\nmenu:\n  - name: Articles\n    url: /articles/\n  - name: Techniques\n    url: /techniques/\n  - name: FAQ\n    url: /faq/\n  - name: About\n    url: /about/\n",
    );
    write(
        "content/index.md",
        "---\ntitle: \"Welcome\"\ndescription: \"A generated site.\"\n---\n\nWelcome to the [articles](/articles/).\n",
    );
    write(
        "content/pages/about.md",
        "---\ntitle: \"About\"\ndescription: \"About this site.\"\n---\n\n## Who we are\n\nA generated site.\n",
    );
    for (slug, title, pressure) in TECHNIQUES {
        write(
            &format!("content/techniques/{slug}.md"),
            &format!(
                "---\ntitle: \"{title}\"\nsummary: \"What {title} is, in one sentence.\"\npressure: {pressure}\nalso_known_as: [\"{title} therapy\"]\ngood_for: [\"Muscle tension\"]\navoid_if: [\"Deep vein thrombosis\", \"Fever or infection\", \"Broken skin\"]\n---\n\n## What happens in a session\n\nThe therapist works on the back.\n\n## Safety\n\nTell your therapist about health problems.\n"
            ),
        );
    }
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    // Slugs first, so bodies can link to any article.
    let plans: Vec<(String, &str, Vec<usize>)> = (0..n)
        .map(|i| {
            let topic = rng.pick(TOPICS);
            let techniques: Vec<usize> = (0..rng.range(1, 3)).map(|_| rng.below(TECHNIQUES.len())).collect();
            (slug_of(i, topic, TECHNIQUES[techniques[0]].0), topic, techniques)
        })
        .collect();
    for (i, (slug, topic, techniques)) in plans.iter().enumerate() {
        let mut t: Vec<&str> = techniques.iter().map(|&k| TECHNIQUES[k].0).collect();
        t.dedup();
        let mut fm = String::new();
        let title = format!("{} for {} ({i})", TECHNIQUES[techniques[0]].1, topic);
        let date = format!(
            "20{:02}-{:02}-{:02}",
            18 + rng.below(8),
            1 + rng.below(12),
            1 + rng.below(28)
        );
        let _ = write!(
            fm,
            "---\ntitle: \"{title}\"\ndescription: \"How {} may help with {topic}, and what the evidence says.\"\ndate: {date}\nlast_reviewed: 2026-0{}-1{}\ntechniques: [{}]\nbenefits:\n",
            TECHNIQUES[techniques[0]].1,
            1 + rng.below(9),
            rng.below(10),
            t.join(", ")
        );
        let mut benefits: Vec<&str> = (0..rng.range(2, 4)).map(|_| rng.pick(BENEFITS)).collect();
        benefits.sort_unstable();
        benefits.dedup();
        for b in benefits {
            let _ = writeln!(fm, "  - \"{b}\"");
        }
        fm.push_str("faqs:\n");
        for q in 0..rng.range(2, 5) {
            let other = &plans[rng.below(n)].0;
            let _ = write!(
                fm,
                "  - question: \"Question {q} about {topic}?\"\n    answer: \"Often **yes**, for a short time. See [a related article](/articles/{other}/).\"\n"
            );
        }
        fm.push_str("references:\n");
        for r in 0..rng.range(1, 3) {
            let _ = write!(
                fm,
                "  - title: \"A review of massage, number {r}\"\n    publisher: \"A journal\"\n    year: 20{:02}\n    url: \"https://example.org/ref/{i}/{r}\"\n",
                10 + rng.below(15)
            );
        }
        fm.push_str(&format!("tags: [\"{}\", \"back pain\"]\n---\n\n", topic));
        let mut body = String::new();
        let mut words = 0;
        let target = rng.range(600, 1200);
        let mut section = 0;
        body.push_str(&paragraph(&mut rng, &mut words));
        body.push_str("\n\n");
        while words < target {
            section += 1;
            let word = if section == 1 { "overview" } else { rng.pick(WORDS) };
            let _ = write!(body, "## Part {section}: {word}\n\n");
            body.push_str(&paragraph(&mut rng, &mut words));
            body.push_str("\n\n");
            match section % 4 {
                1 => {
                    for _ in 0..rng.range(3, 5) {
                        let s = sentence(&mut rng);
                        words += s.split_whitespace().count();
                        let _ = writeln!(body, "- {s}");
                    }
                    body.push('\n');
                }
                2 => {
                    body.push_str("| Technique | Pressure |\n|---|---|\n");
                    for &k in techniques {
                        let _ = writeln!(body, "| {} | {} |", TECHNIQUES[k].1, TECHNIQUES[k].2);
                    }
                    body.push('\n');
                }
                3 => {
                    let s = sentence(&mut rng);
                    words += s.split_whitespace().count();
                    let _ = write!(body, "> {s}\n\n");
                }
                _ => {
                    let other = &plans[rng.below(n)].0;
                    let _ = write!(
                        body,
                        "Read more in [this article](/articles/{other}/#part-1-overview), or see [the technique](/techniques/{}/).\n\n",
                        t[0]
                    );
                }
            }
        }
        write(&format!("content/articles/{slug}.md"), &format!("{fm}{body}"));
    }
    println!("wrote {n} articles to {}", out.display());
}
