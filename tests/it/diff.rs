//! Integration tests of `accord diff`: runs of the `accord` binary on the sample articles,
//! compared with themselves, with a run on an edited rule copy, and with broken folders.

use crate::common::*;

use std::fs;
use std::path::Path;

fn diff(old: &Path, new: &Path) -> assert_cmd::assert::Assert {
    accord().arg("diff").arg(old).arg(new).assert()
}

/// The `field count` rows of the report's per-field summary.
fn field_summary(report: &str) -> Vec<(String, usize)> {
    report
        .lines()
        .skip_while(|line| *line != "records changed per field:")
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .map(|line| {
            let mut parts = line.split_whitespace();
            let field = parts.next().unwrap().to_owned();
            (field, parts.next().unwrap().parse().unwrap())
        })
        .collect()
}

#[test]
fn two_runs_of_the_same_rules_have_no_differences() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    run_into(a.path(), &[]).success();
    run_into(b.path(), &[]).success();
    let assert = diff(a.path(), b.path()).code(0);
    let out = stdout(&assert);
    assert!(out.contains("\nno differences\n"), "{out}");
    assert!(
        out.contains("totals: 0 added, 0 removed, 0 changed, 10 unchanged"),
        "{out}"
    );
    assert!(
        out.contains(&format!("--- {}", a.path().join("records.jsonl").display())),
        "{out}"
    );
}

#[test]
fn an_edited_sector_term_shows_up_as_one_changed_record() {
    let rules = rules_copy();
    append_line(&rules.path().join("en/sector_terms.csv"), "security,ancient city");

    let a = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    run_into(a.path(), &[]).success();
    run_into(c.path(), &["--rules", rules.path().to_str().unwrap()]).success();

    let assert = diff(a.path(), c.path()).code(1);
    let out = stdout(&assert);
    assert!(
        out.contains("changed: 1 record\n  000_4b5751c9fc12c3c1\n    sectors:\n      + security\n"),
        "{out}"
    );
    assert_eq!(field_summary(&out), [("sectors".to_owned(), 1)], "{out}");
    assert!(
        out.contains("totals: 0 added, 0 removed, 1 changed, 9 unchanged"),
        "{out}"
    );

    // The other way round the sector is lost.
    let assert = diff(c.path(), a.path()).code(1);
    assert!(stdout(&assert).contains("    sectors:\n      - security\n"));
}

#[test]
fn records_json_is_read_when_there_is_no_records_jsonl() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    run_into(a.path(), &["--format", "json"]).success();
    run_into(b.path(), &[]).success();
    assert!(!a.path().join("records.jsonl").exists());
    let assert = diff(a.path(), b.path()).code(0);
    let out = stdout(&assert);
    assert!(
        out.contains(&format!("--- {}", a.path().join("records.json").display())),
        "{out}"
    );
    assert!(out.contains("no differences"), "{out}");
}

#[test]
fn added_and_removed_records_are_listed() {
    let a = tempfile::tempdir().unwrap();
    run_into(a.path(), &[]).success();
    let b = tempfile::tempdir().unwrap();
    let lines: Vec<String> = fs::read_to_string(a.path().join("records.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let renamed = lines[0].replacen("000_4b5751c9fc12c3c1", "zzz_new", 1);
    let kept = lines[1..].join("\n");
    fs::write(b.path().join("records.jsonl"), format!("{kept}\n{renamed}\n")).unwrap();
    let assert = diff(a.path(), b.path()).code(1);
    let out = stdout(&assert);
    assert!(out.contains("added: 1 record\n  + zzz_new\n"), "{out}");
    assert!(out.contains("removed: 1 record\n  - 000_4b5751c9fc12c3c1\n"), "{out}");
    assert!(
        out.contains("totals: 1 added, 1 removed, 0 changed, 9 unchanged"),
        "{out}"
    );
}

#[test]
fn a_missing_folder_is_a_usage_error() {
    let a = tempfile::tempdir().unwrap();
    run_into(a.path(), &[]).success();
    let missing = a.path().join("no-such-run");
    let assert = diff(a.path(), &missing).code(2);
    assert!(stdout(&assert).is_empty());
    let err = stderr(&assert);
    assert!(
        err.contains(&missing.display().to_string()) && err.contains("does not exist"),
        "{err}"
    );

    let empty = tempfile::tempdir().unwrap();
    let assert = diff(empty.path(), a.path()).code(2);
    let err = stderr(&assert);
    assert!(err.contains(&empty.path().display().to_string()), "{err}");
    assert!(err.contains("neither records.jsonl nor records.json"), "{err}");
}

#[test]
fn a_malformed_line_names_the_file_and_line() {
    let a = tempfile::tempdir().unwrap();
    run_into(a.path(), &[]).success();
    let b = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(a.path().join("records.jsonl")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[2] = "{\"id\": \"broken\"";
    fs::write(b.path().join("records.jsonl"), lines.join("\n")).unwrap();
    let assert = diff(a.path(), b.path()).code(1);
    assert!(stdout(&assert).is_empty());
    let err = stderr(&assert);
    let location = format!("{}:3:", b.path().join("records.jsonl").display());
    assert!(err.starts_with("error: ") && err.contains(&location), "{err}");
}
