//! Golden records: `accord run` on the sample articles and on a few development-corpus files,
//! with a fixed reference date, gives for each file the records committed in `tests/golden/`
//! (`samples/<stem>.json`, `dev/<stem>.json`: the file's entries of `records.json`, as
//! pretty-printed JSON, so that a change to the output shows in review as a diff of the fields
//! it touches).
//!
//! `UPDATE_GOLDEN=1 cargo test --test it golden` rewrites the fixtures instead of comparing (and
//! says which it wrote); review the diff before committing it.
//!
//! The development corpus (`../shared/dev/corpus/articles`) is someone else's: its articles are
//! referenced by path, never copied here. Where it is absent the dev test says so and passes.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::*;

/// The reference date of the golden runs (the one `.ci/run` scores the development corpus with).
const GOLDEN_DATE: &str = "2026-01-15";

/// Development-corpus files with fixtures: English and German, single stories and digest pages.
const DEV_FILES: [&str; 6] = [
    "en-world-07.txt", // English, one story, many leaders and amounts
    "en-ca-09.txt",    // English digest page, three stories
    "en-econ-03.txt",  // English digest page, four stories
    "de-pol-05.txt",   // German, one story
    "de-pol-09.txt",   // German, two stories
    "de-wirt-07.txt",  // German digest page, four stories
];

/// The folder of the fixtures.
fn golden_dir() -> PathBuf {
    root().join("tests/golden")
}

/// Whether the fixtures are to be rewritten (`UPDATE_GOLDEN` set, and not to `0`).
fn updating() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v != "0")
}

/// A line on standard error that the test harness does not capture, so it shows in every run.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// `accord run` on `inputs` with the golden reference date; the records of `records.json`
/// grouped by source file, in the order of the file.
fn records_by_source(inputs: &[PathBuf]) -> BTreeMap<String, Vec<Value>> {
    let out = tempfile::tempdir().unwrap();
    let mut cmd = accord();
    cmd.args(["run", "--reference-date", GOLDEN_DATE, "--format", "json", "--quiet"]);
    for input in inputs {
        cmd.arg("--input").arg(input);
    }
    cmd.arg("--out").arg(out.path()).assert().success();
    let mut by_source: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for record in records(out.path()) {
        let source = record["source"].as_str().expect("a record has a source").to_owned();
        by_source.entry(source).or_default().push(record);
    }
    by_source
}

/// Where `expected` and `actual` first differ: the line number and up to three lines of
/// context before it, then up to six lines of each side from there.
fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let at = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let mut report = format!("first difference at line {}:\n", at + 1);
    for line in &e[at.saturating_sub(3)..at] {
        report.push_str(&format!("    {line}\n"));
    }
    for (sign, side) in [("-", &e), ("+", &a)] {
        let shown = &side[at.min(side.len())..(at + 6).min(side.len())];
        if shown.is_empty() {
            report.push_str(&format!("  {sign} (end of file)\n"));
        }
        for line in shown {
            report.push_str(&format!("  {sign} {line}\n"));
        }
    }
    report
}

/// Compares (or with `UPDATE_GOLDEN=1` writes) the fixture of every file in `names` under
/// `tests/golden/<set>/`; a fixture there for no file in `names` is an error (or removed).
fn check(set: &str, names: &[String], actual: &BTreeMap<String, Vec<Value>>) {
    let dir = golden_dir().join(set);
    let shown = |path: &Path| path.strip_prefix(root()).unwrap_or(path).display().to_string();
    let mut failures = Vec::new();
    let mut written = 0;
    for name in names {
        let stem = name.trim_end_matches(".txt");
        let path = dir.join(format!("{stem}.json"));
        let records = actual.get(name).cloned().unwrap_or_default();
        let text = serde_json::to_string_pretty(&records).unwrap() + "\n";
        let fixture = fs::read_to_string(&path).ok();
        if updating() {
            if fixture.as_deref() != Some(text.as_str()) {
                fs::create_dir_all(&dir).unwrap();
                fs::write(&path, &text).unwrap();
                say(&format!("UPDATE_GOLDEN: wrote {}", shown(&path)));
                written += 1;
            }
            continue;
        }
        match fixture {
            None => failures.push(format!(
                "{name}: no fixture {}; write it with `UPDATE_GOLDEN=1 cargo test --test it golden`",
                shown(&path)
            )),
            Some(fixture) if fixture != text => failures.push(format!(
                "{name}: the records differ from {} (- fixture, + this run); {}",
                shown(&path),
                first_difference(&fixture, &text)
            )),
            Some(_) => {}
        }
    }
    let wanted: Vec<String> = names
        .iter()
        .map(|n| format!("{}.json", n.trim_end_matches(".txt")))
        .collect();
    for entry in fs::read_dir(&dir).into_iter().flatten() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if file.ends_with(".json") && !wanted.contains(&file) {
            if updating() {
                fs::remove_file(&path).unwrap();
                say(&format!("UPDATE_GOLDEN: removed {}", shown(&path)));
            } else {
                failures.push(format!("{}: a fixture for no input file; remove it", shown(&path)));
            }
        }
    }
    if updating() {
        say(&format!(
            "UPDATE_GOLDEN: {written} of {} fixtures in {} rewritten; review the diff before committing",
            names.len(),
            shown(&dir)
        ));
    }
    assert!(
        failures.is_empty(),
        "golden records ({} of {} files differ):\n\n{}\n(if the change is intended: UPDATE_GOLDEN=1 cargo test --test it golden, then review the diff)",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

#[test]
fn the_sample_articles_give_their_golden_records() {
    let actual = records_by_source(&[samples()]);
    check("samples", &sample_names(), &actual);
}

#[test]
fn development_corpus_files_give_their_golden_records() {
    let Some(corpus) = dev_corpus() else {
        say(&format!(
            "development_corpus_files_give_their_golden_records: skipped: {} is missing",
            shared("dev/corpus/articles").display()
        ));
        return;
    };
    let inputs: Vec<PathBuf> = DEV_FILES.iter().map(|name| corpus.join(name)).collect();
    for input in &inputs {
        assert!(
            input.is_file(),
            "{} is gone from the development corpus",
            input.display()
        );
    }
    let names: Vec<String> = DEV_FILES.iter().map(|n| n.to_string()).collect();
    check("dev", &names, &records_by_source(&inputs));
}
