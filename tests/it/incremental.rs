//! Nightly increments: `accord run --incremental` reuses the records of unchanged files from
//! the state beside the outputs, processes new and changed ones, and writes the same outputs
//! as a full run.

use std::fs;
use std::path::Path;

use crate::common::*;

/// Three sample articles in a fresh input folder.
fn three_articles() -> tempfile::TempDir {
    samples_copy(&sample_names()[..3])
}

/// (reused, processed) of an incremental run's manifest.
fn counts(out: &Path) -> (u64, u64) {
    let m = manifest(out);
    (
        m["incremental"]["reused"].as_u64().unwrap(),
        m["incremental"]["processed"].as_u64().unwrap(),
    )
}

/// Asserts that two output folders hold the same records in every format, the workbook too.
fn assert_same_outputs(a: &Path, b: &Path) {
    assert_same_files(a, b, &["records.xlsx"]);
    assert_same_files(a, b, &RECORD_FILES);
}

#[test]
fn only_the_changed_file_is_processed_and_the_outputs_are_those_of_a_full_run() {
    let input = three_articles();
    let out = tempfile::tempdir().unwrap();
    run_on(input.path(), out.path(), &["--incremental"]).success();
    assert_eq!(counts(out.path()), (0, 3));
    assert!(out.path().join(".accord-state.jsonl").is_file());

    run_on(input.path(), out.path(), &["--incremental"]).success();
    assert_eq!(counts(out.path()), (3, 0));

    let changed = fs::read_dir(input.path()).unwrap().next().unwrap().unwrap().path();
    append_line(
        &changed,
        "Kazakhstan and Japan signed an agreement worth $2 billion on energy.",
    );
    run_on(input.path(), out.path(), &["--incremental"]).success();
    assert_eq!(counts(out.path()), (2, 1));
    let full = tempfile::tempdir().unwrap();
    run_on(input.path(), full.path(), &[]).success();
    assert_same_outputs(out.path(), full.path());
    assert!(
        manifest(full.path()).get("incremental").is_none(),
        "a full run says nothing of increments"
    );
    let jsonl = fs::read_to_string(out.path().join("records.jsonl")).unwrap();
    assert!(jsonl.contains("JP"), "the change is in the records");

    // A new file is processed, a removed one leaves the outputs.
    fs::remove_file(&changed).unwrap();
    fs::copy(sample(&sample_names().pop().unwrap()), input.path().join("new.txt")).unwrap();
    run_on(input.path(), out.path(), &["--incremental"]).success();
    assert_eq!(counts(out.path()), (2, 1));
    let full = tempfile::tempdir().unwrap();
    run_on(input.path(), full.path(), &[]).success();
    assert_same_outputs(out.path(), full.path());
}

#[test]
fn edited_rules_reprocess_every_file_with_a_note() {
    let input = three_articles();
    let out = tempfile::tempdir().unwrap();
    run_on(input.path(), out.path(), &["--incremental"]).success();
    let rules = rules_copy();
    append_line(&rules.path().join("en/dates.toml"), "# an edit");
    let rules_arg = rules.path().to_str().unwrap();
    let assert = run_on(input.path(), out.path(), &["--incremental", "--rules", rules_arg]).success();
    assert_eq!(counts(out.path()), (0, 3));
    assert!(
        stderr(&assert)
            .contains("note: incremental: the state file .accord-state.jsonl was set aside because the rules changed"),
        "{}",
        stderr(&assert)
    );
    run_on(input.path(), out.path(), &["--incremental", "--rules", rules_arg]).success();
    assert_eq!(counts(out.path()), (3, 0), "the new state is kept");
}

#[test]
fn a_damaged_state_is_set_aside_and_the_run_completes() {
    let input = three_articles();
    let out = tempfile::tempdir().unwrap();
    run_on(input.path(), out.path(), &["--incremental"]).success();
    fs::write(out.path().join(".accord-state.jsonl"), "not a state\n").unwrap();
    let assert = run_on(input.path(), out.path(), &["--incremental"]).success();
    assert_eq!(counts(out.path()), (0, 3));
    assert!(
        stderr(&assert).contains("its header is not readable"),
        "{}",
        stderr(&assert)
    );
    let full = tempfile::tempdir().unwrap();
    run_on(input.path(), full.path(), &[]).success();
    // The workbook's Run sheet carries the note, so it differs from a full run's.
    assert_same_files(out.path(), full.path(), &RECORD_FILES);
}

#[test]
fn a_full_run_leaves_the_state_as_it_was() {
    let input = three_articles();
    let out = tempfile::tempdir().unwrap();
    run_on(input.path(), out.path(), &["--incremental"]).success();
    let state = fs::read(out.path().join(".accord-state.jsonl")).unwrap();
    run_on(input.path(), out.path(), &[]).success();
    assert_eq!(fs::read(out.path().join(".accord-state.jsonl")).unwrap(), state);
    run_on(input.path(), out.path(), &["--incremental"]).success();
    assert_eq!(counts(out.path()), (3, 0));
}
