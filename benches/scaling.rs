//! Cost against file size: one article file of 0.1, 1 and 4 MB (the sample articles repeated)
//! and a 1 MB file on one line, each through the whole per-file pass. Throughput (MiB/s) stays
//! flat when every stage is linear in the length of its input; see BENCHMARKS.md.

use std::path::Path;
use std::time::Duration;

use accord::process::{process_text, Settings};
use accord::rules::RuleSet;
use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// The sample articles, concatenated.
fn samples() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

/// The samples repeated to `bytes` (cut at a character boundary).
fn text_of(samples: &str, bytes: usize) -> String {
    let mut text = samples.repeat(bytes / samples.len() + 1);
    let mut end = bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text
}

fn scaling(c: &mut Criterion) {
    let rules = RuleSet::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).expect("rules load");
    let settings = Settings::new(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
    let samples = samples();
    let mut group = c.benchmark_group("scaling");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    let cases = [
        ("lines", 100_000),
        ("lines", 1_000_000),
        ("lines", 4_000_000),
        ("one_line", 1_000_000),
    ];
    for (shape, bytes) in cases {
        let mut text = text_of(&samples, bytes);
        if shape == "one_line" {
            text = text.replace('\n', " ");
        }
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new(shape, bytes), &text, |b, text| {
            b.iter(|| process_text("big.txt", text, Vec::new(), &rules, settings).len())
        });
    }
    group.finish();
}

criterion_group!(benches, scaling);
criterion_main!(benches);
