//! One bad input never costs the batch: a planted panic, symlink loops, binary files, UTF-16,
//! oversized and empty files, each processed or skipped with its reason while the rest of the
//! output stays complete. RELIABILITY.md lists which test proves which behaviour.

use crate::common::*;

use std::fs;
use std::path::Path;

use accord::pipeline::{run, run_with, RunConfig};
use accord::process::process_file;
use serde_json::Value;

fn config(input: &Path, out: &Path) -> RunConfig {
    run_config(input, out, 2)
}

/// The lines of `name` in `out` that belong to records of files other than `source`.
fn lines_without(out: &Path, name: &str, source: &str) -> Vec<String> {
    let stem = source.trim_end_matches(".txt");
    fs::read_to_string(out.join(name))
        .unwrap()
        .lines()
        .filter(|l| !l.contains(stem))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_panic_in_one_file_skips_that_file_and_the_rest_of_the_output_is_complete() {
    let input = samples();
    let planted = "001_5f4aca19b6791de1.txt";
    let normal = tempfile::tempdir().unwrap();
    run(&config(&input, normal.path())).unwrap();
    let out = tempfile::tempdir().unwrap();
    let summary = run_with(&config(&input, out.path()), &|file, rules, settings| {
        if file.source == planted {
            panic!("planted failure in {}", file.source);
        }
        process_file(file, rules, settings)
    })
    .unwrap();

    assert_eq!(summary.skipped.len(), 1);
    assert_eq!(summary.skipped[0].source, planted);
    assert!(
        summary.skipped[0].reason.starts_with(concat!(
            "internal error: planted failure in 001_5f4aca19b6791de1.txt at ",
            file!(),
            ":"
        )),
        "{}",
        summary.skipped[0].reason
    );
    for name in ["records.jsonl", "records.csv", "mentions.csv"] {
        let expected = lines_without(normal.path(), name, planted);
        assert!(expected.len() > 5, "{name}");
        assert_eq!(lines_without(out.path(), name, planted), expected, "{name}");
        assert_eq!(
            fs::read_to_string(out.path().join(name)).unwrap().lines().count(),
            expected.len(),
            "{name} holds nothing of the planted file"
        );
    }
    let skipped = fs::read_to_string(out.path().join("skipped.csv")).unwrap();
    assert!(
        skipped.contains("001_5f4aca19b6791de1.txt,internal error: planted failure"),
        "{skipped}"
    );
    let manifest = manifest(out.path());
    assert_eq!(manifest["skipped"][0]["source"], planted);
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let bom: [u8; 2] = if big_endian { [0xFE, 0xFF] } else { [0xFF, 0xFE] };
    let units = text
        .encode_utf16()
        .flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
    bom.into_iter().chain(units).collect()
}

/// A folder of awkward inputs beside one good article.
fn awkward_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let article = fs::read_to_string(sample(GERMAN_SAMPLE)).unwrap();
    fs::write(p.join("good.txt"), &article).unwrap();
    fs::write(p.join("utf16le.txt"), utf16(&article, false)).unwrap();
    fs::write(p.join("utf16be.txt"), utf16(&article, true)).unwrap();
    fs::write(p.join("empty.txt"), "").unwrap();
    fs::write(p.join("blank.txt"), " \n\t\n").unwrap();
    fs::write(p.join("panic-regression.txt"), "EU-Abgeordnete zu Wochenrückblick.").unwrap();
    fs::write(p.join("big.txt"), article.repeat(3)).unwrap();
    // Bytes spread over the whole range (Fibonacci hashing of a counter).
    let random: Vec<u8> = (0..5_000u32)
        .map(|i| (i.wrapping_mul(0x9E37_79B9) >> 24) as u8)
        .collect();
    fs::write(p.join("random.txt"), random).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(".", p.join("loop")).unwrap();
    dir
}

#[test]
fn awkward_inputs_are_processed_or_skipped_with_their_reason() {
    let input = awkward_folder();
    let out = tempfile::tempdir().unwrap();
    let assert = run_on(input.path(), out.path(), &["--max-file-size", "6K"]).code(3);
    let stderr = stderr(&assert);

    let skipped: Vec<Vec<String>> = csv::Reader::from_path(out.path().join("skipped.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let reasons: Vec<(&str, &str)> = skipped.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    let expected_prefixes = [
        ("big.txt", "too large: 7.0 KiB exceeds the limit of 6.0 KiB"),
        ("loop", "symbolic link loop"),
        ("random.txt", "binary: "),
    ];
    assert_eq!(reasons.len(), expected_prefixes.len(), "{reasons:?}");
    for ((source, reason), (want_source, want_reason)) in reasons.iter().zip(expected_prefixes) {
        assert_eq!(*source, want_source);
        assert!(reason.starts_with(want_reason), "{source}: {reason}");
        assert!(stderr.contains(&format!("skipped {source}: {reason}")), "{stderr}");
    }

    let recs = records(out.path());
    let by_source = |s: &str| -> Vec<&Value> { recs.iter().filter(|r| r["source"] == s).collect() };
    let good = by_source("good.txt");
    assert_eq!(good.len(), 1);
    for twin in ["utf16le.txt", "utf16be.txt"] {
        let r = by_source(twin);
        assert_eq!(r.len(), 1, "{twin}");
        for field in [
            "title",
            "language",
            "published",
            "dates",
            "leaders",
            "money",
            "countries",
            "sectors",
        ] {
            assert_eq!(r[0][field], good[0][field], "{twin}: {field}");
        }
        assert_eq!(
            r[0]["warnings"], good[0]["warnings"],
            "{twin}: a byte-order mark needs no warning"
        );
    }
    for empty in ["empty.txt", "blank.txt"] {
        let r = by_source(empty);
        assert_eq!(r.len(), 1, "{empty}");
        assert_eq!(r[0]["warnings"][0], "no text", "{empty}");
    }
    assert_eq!(by_source("panic-regression.txt").len(), 1);
    assert_eq!(recs.len(), 6, "every readable file exactly once, none through the loop");
}

#[test]
fn a_bad_max_file_size_is_a_usage_error() {
    let out = tempfile::tempdir().unwrap();
    let assert = run_into(out.path(), &["--max-file-size", "12X"]).code(2);
    assert!(stderr(&assert).contains("unknown unit `X`"), "{}", stderr(&assert));
    assert!(!out.path().join("records.json").exists());
}
