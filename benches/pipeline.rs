//! End-to-end throughput: the whole per-file pass (decode, segment, detect, extract, resolve,
//! records) over an in-memory corpus built from the sample articles.

use std::path::Path;

use accord::process::{process_bytes, Settings};
use accord::rules::RuleSet;
use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn pipeline(c: &mut Criterion) {
    let rules = RuleSet::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).expect("rules load");
    let settings = Settings::new(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
    let corpus = corpus();
    let bytes: usize = corpus.iter().map(|(_, b)| b.len()).sum();
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("sample_articles", |b| {
        b.iter(|| {
            let mut records = 0;
            for (name, data) in &corpus {
                records += process_bytes(name, data, &rules, settings).map_or(0, |r| r.len());
            }
            records
        })
    });
    group.finish();
    c.bench_function("rules_load", |b| {
        b.iter(|| RuleSet::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).unwrap())
    });
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
