//! Streams: `accord run --input -` reads articles as JSON lines from standard input and
//! `--out -` writes records as JSON lines to standard output, in input order; bad lines are
//! reported with their line numbers and the stream goes on.

use std::fs;
use std::path::Path;

use crate::common::*;
use serde_json::{json, Value};

/// Every sample article as a stream line, as a folder run names it (id = stem, source = path).
fn sample_lines() -> String {
    sample_names()
        .iter()
        .map(|name| {
            let text = fs::read_to_string(sample(name)).unwrap();
            let line = json!({"id": name.trim_end_matches(".txt"), "source": name, "text": text});
            format!("{line}\n")
        })
        .collect()
}

/// `accord run --input - --out -` with a fixed reference date, `extra` arguments and `input`.
fn stream(input: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    accord()
        .args(["run", "--input", "-", "--out", "-", "--reference-date", REFERENCE_DATE])
        .args(extra)
        .write_stdin(input)
        .assert()
}

/// The JSON lines of a command's standard output.
fn lines(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[test]
fn a_stream_of_the_sample_files_gives_the_records_of_a_folder_run_byte_for_byte() {
    let out = tempfile::tempdir().unwrap();
    run_on(&samples(), out.path(), &["--format", "jsonl"]).success();
    let from_folder = fs::read_to_string(out.path().join("records.jsonl")).unwrap();
    let assert = stream(&sample_lines(), &[]).success();
    assert_eq!(stdout(&assert), from_folder);
    let summary = stderr(&assert);
    assert!(summary.contains("5 articles -> 10 records"), "{summary}");
    assert!(summary.contains("written to standard output"), "{summary}");
    // A digest page gives one record per story, numbered after the line's id.
    let ids: Vec<String> = lines(&from_folder)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.iter().any(|id| id.ends_with("#2")), "{ids:?}");
}

#[test]
fn records_come_out_in_input_order_across_chunks() {
    // More articles than one chunk of a single worker, with ids in descending order.
    let input: String = (0..80)
        .rev()
        .map(|i| {
            let text = format!(
                "The presidents of Uzbekistan and Germany met in Tashkent on {} May 2024.",
                i % 28 + 1
            );
            format!("{}\n", json!({"id": format!("a{i:03}"), "text": text}))
        })
        .collect();
    let assert = stream(&input, &["--threads", "2", "--quiet"]).success();
    let ids: Vec<String> = lines(&stdout(&assert))
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = (0..80).rev().map(|i| format!("a{i:03}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(stderr(&assert), "", "--quiet prints nothing when all is well");
}

#[test]
fn bad_lines_are_reported_by_number_and_the_stream_goes_on() {
    let good =
        |id: &str| json!({"id": id, "text": "Die Präsidenten von Usbekistan und Kasachstan trafen sich in Almaty."});
    let input = format!(
        "{}\nnot json\n\n{}\n{}\n{}\n",
        good("first"),
        json!({"id": "no-text"}),
        json!({"id": "bad-date", "text": "t", "published": "yesterday"}),
        good("last")
    );
    let assert = stream(&input, &[]).code(3);
    let records = lines(&stdout(&assert));
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["first", "last"]);
    assert_eq!(records[1]["language"], "de");
    let err = stderr(&assert);
    for expected in [
        "skipped stdin:2: not a JSON article",
        "skipped stdin:4: not a JSON article ({\"id\": ..., \"text\": ...}): missing field `text`",
        "skipped stdin:5: `published`: `yesterday` is not a date; write YYYY-MM-DD",
        "5 articles -> 2 records",
        "3 skipped",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}

#[test]
fn a_given_published_date_and_language_are_used() {
    let text = "Talks in Tashkent\n\nOn March 3 the presidents of Uzbekistan and Korea met in Tashkent. Next year another round will follow.\n";
    let with = json!({"id": "given", "text": text, "url": "https://example.org/given",
                      "published": "2024-06-14", "language": "en-GB"});
    let without = json!({"id": "plain", "text": text});
    let french = json!({"id": "fr", "text": text, "language": "fr"});
    let assert = stream(&format!("{with}\n{without}\n{french}\n"), &[]).success();
    let records = lines(&stdout(&assert));
    let given = &records[0];
    assert_eq!(given["source"], "https://example.org/given");
    assert_eq!(given["published"], "2024-06-14");
    assert_eq!(given["event_date"], "2024-03-03");
    assert_eq!(
        (given["language"].as_str(), given["language_confidence"].as_f64()),
        (Some("en"), Some(1.0))
    );
    let next_year = given["dates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["text"] == "Next year")
        .unwrap();
    assert_eq!(
        (next_year["value"].as_str(), next_year["year_source"].as_str()),
        (Some("2025"), Some("published"))
    );
    // Without them: the reference date anchors the story.
    let plain = &records[1];
    assert_eq!(
        (plain["source"].as_str(), plain["published"].as_str()),
        (Some("plain"), None)
    );
    assert_eq!(plain["event_date"], "2026-03-03");
    // A given language is taken as it is, even one without rules.
    let french = &records[2];
    assert_eq!(french["language"], "fr");
    assert_eq!(french["warnings"], json!(["unsupported language: fr"]));
    assert_eq!(french["leaders"], json!([]));
}

#[test]
fn a_date_printed_in_the_text_wins_over_a_given_one() {
    let text = "Deals Signed\n\n15.12.2014\nThe prime ministers signed accords worth $14 billion in Astana.\n";
    let line = json!({"id": "printed", "text": text, "published": "2015-01-01"});
    let records = lines(&stdout(&stream(&format!("{line}\n"), &[]).success()));
    assert_eq!(records[0]["published"], "2014-12-15");
}

#[test]
fn a_stream_into_a_folder_writes_every_format_and_lists_bad_lines() {
    let out = tempfile::tempdir().unwrap();
    let input = format!("{}{{\"id\": 1}}\n", sample_lines());
    accord()
        .args(["run", "--input", "-", "--reference-date", REFERENCE_DATE, "--out"])
        .arg(out.path())
        .write_stdin(input)
        .assert()
        .code(3);
    for name in [
        "records.csv",
        "mentions.csv",
        "records.json",
        "records.jsonl",
        "records.xlsx",
    ] {
        assert!(out.path().join(name).is_file(), "{name}");
    }
    let skipped = fs::read_to_string(out.path().join("skipped.csv")).unwrap();
    assert!(skipped.contains("stdin:6,"), "{skipped}");
    let run = manifest(out.path());
    assert_eq!((run["inputs"].as_u64(), run["records"].as_u64()), (Some(6), Some(10)));
}

#[test]
fn a_folder_run_can_write_json_lines_to_standard_output() {
    let assert = accord()
        .args([
            "run",
            "--input",
            SAMPLES,
            "--out",
            "-",
            "--reference-date",
            REFERENCE_DATE,
        ])
        .assert()
        .success();
    let records = lines(&stdout(&assert));
    assert_eq!(records.len(), 10);
    assert!(records.iter().all(|r| r["source"].as_str().unwrap().ends_with(".txt")));
    assert!(!Path::new(&root().join("-")).exists(), "no folder named `-`");
}

#[test]
fn standard_output_takes_json_lines_only() {
    let assert = stream("", &["--format", "csv"]).code(2);
    assert_eq!(stdout(&assert), "");
    assert!(stderr(&assert).contains("--out - writes records as JSON lines only"));
}

#[test]
fn an_empty_stream_gives_no_records() {
    let assert = stream("\n\n", &[]).success();
    assert_eq!(stdout(&assert), "");
    assert!(stderr(&assert).contains("0 articles -> 0 records"));
}

#[test]
fn a_reader_that_closes_the_pipe_early_ends_the_run_quietly() {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let mut child = Command::new(binary())
        .current_dir(root())
        .args([
            "run",
            "--input",
            "-",
            "--out",
            "-",
            "--reference-date",
            REFERENCE_DATE,
            "--threads",
            "1",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let lines = sample_lines();
    let feeder = std::thread::spawn(move || {
        // Far more than a pipe holds; stops when accord stops reading.
        for _ in 0..400 {
            if stdin.write_all(lines.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut first = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The read end of standard output is dropped here.
    let output = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
