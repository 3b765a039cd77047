//! Generates a large synthetic corpus for throughput runs by varying the sample articles'
//! numbers, years and leader names.
//!
//! `cargo run --release --example gen_corpus -- [COUNT] [OUT_DIR]`
//! (defaults: 50000 articles into `target/corpus`).

use std::fs;
use std::path::PathBuf;

/// A small deterministic generator (64-bit LCG), so that runs are repeatable without extra crates.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const NAMES: [(&str, &str); 6] = [
    ("Shavkat Mirziyoyev", "Kassym-Jomart Tokayev"),
    ("Yun Sok Yol", "Moon Jae-in"),
    ("Peter Pellegrini", "Robert Fico"),
    ("Recep Tayyip Erdogan", "Ilham Aliyev"),
    ("Emomali Rahmon", "Sadyr Japarov"),
    ("Xi Jinping", "Vladimir Putin"),
];

fn vary(text: &str, rng: &mut Lcg) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String, rng: &mut Lcg| {
        if digits.is_empty() {
            return;
        }
        let n: u64 = digits.parse().unwrap_or(0);
        let varied = if (1990..2040).contains(&n) {
            2015 + rng.below(15)
        } else {
            1 + rng.below(n.max(1) * 2)
        };
        out.push_str(&varied.to_string());
        digits.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out, rng);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out, rng);
    let (from, to) = NAMES[rng.below(NAMES.len() as u64) as usize];
    if rng.below(2) == 0 {
        out.replace(from, to)
    } else {
        out
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "target/corpus".into()));
    let samples_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/articles");
    let mut samples: Vec<PathBuf> = fs::read_dir(&samples_dir)
        .expect("data/articles exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    samples.sort();
    let texts: Vec<String> = samples
        .iter()
        .map(|p| fs::read_to_string(p).expect("sample readable"))
        .collect();
    let mut rng = Lcg(42);
    let mut bytes = 0usize;
    for i in 0..count {
        let dir = out.join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            fs::create_dir_all(&dir).expect("create output folder");
        }
        let text = vary(&texts[i % texts.len()], &mut rng);
        bytes += text.len();
        fs::write(dir.join(format!("{i:06}.txt")), text).expect("write article");
    }
    println!(
        "wrote {count} articles ({:.1} MB) to {}",
        bytes as f64 / 1e6,
        out.display()
    );
}
