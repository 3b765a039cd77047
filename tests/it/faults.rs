//! Faults while writing: a run killed at any moment, a full disk, an output folder that cannot
//! be created, a second run on the same folder. The previous output stays whole, nothing is
//! left behind, and every failure says what and where (exit status 1).

use crate::common::*;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// A folder with `copies` copies of each sample article.
fn replicated_articles(copies: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(samples()).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        for i in 0..copies {
            fs::copy(&path, dir.path().join(format!("{stem}_{i:03}.txt"))).unwrap();
        }
    }
    dir
}

/// `accord run` on `input` into `out`, as a command not yet started.
fn run_command(input: &Path, out: &Path) -> Command {
    let mut cmd = Command::new(binary());
    cmd.current_dir(root())
        .args(["run", "--reference-date", REFERENCE_DATE, "--threads", "2", "--rules"])
        .arg(root().join("rules"))
        .arg("--input")
        .arg(input)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// The bytes of every output in `dir` that holds records (`run.json` has timings).
fn snapshot(dir: &Path) -> Vec<Vec<u8>> {
    RECORD_FILES.iter().map(|n| fs::read(dir.join(n)).unwrap()).collect()
}

/// Names in `dir` that a finished run must not leave: temporary files and the journal.
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") || n == ".accord.commit")
        .collect()
}

/// Checks that every output file in `dir` parses: JSON, JSON lines and CSV.
fn assert_outputs_parse(dir: &Path) {
    let read = |name: &str| fs::read(dir.join(name)).unwrap();
    serde_json::from_slice::<serde_json::Value>(&read("records.json")).expect("records.json");
    serde_json::from_slice::<serde_json::Value>(&read("run.json")).expect("run.json");
    for line in read("records.jsonl").split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        serde_json::from_slice::<serde_json::Value>(line).expect("a line of records.jsonl");
    }
    for name in ["records.csv", "mentions.csv", "skipped.csv"] {
        for row in csv::Reader::from_reader(read(name).as_slice()).records() {
            row.unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

fn restore(dir: &Path, files: &[Vec<u8>], run_json: &[u8]) {
    for (name, bytes) in RECORD_FILES.iter().zip(files) {
        fs::write(dir.join(name), bytes).unwrap();
    }
    fs::write(dir.join("run.json"), run_json).unwrap();
}

#[test]
fn a_run_killed_at_any_moment_leaves_whole_files_and_the_next_run_cleans_up() {
    let old_input = replicated_articles(2);
    let new_input = replicated_articles(8);
    let out = tempfile::tempdir().unwrap();
    assert!(run_command(old_input.path(), out.path()).status().unwrap().success());
    let old = snapshot(out.path());
    let old_run = fs::read(out.path().join("run.json")).unwrap();

    let reference = tempfile::tempdir().unwrap();
    let started = Instant::now();
    assert!(run_command(new_input.path(), reference.path())
        .status()
        .unwrap()
        .success());
    let duration = started.elapsed();
    let new = snapshot(reference.path());

    for step in 1..=10u32 {
        restore(out.path(), &old, &old_run);
        let mut child = run_command(new_input.path(), out.path()).spawn().unwrap();
        std::thread::sleep(duration * step / 11);
        child.kill().unwrap();
        child.wait().unwrap();
        assert_outputs_parse(out.path());
        for (i, name) in RECORD_FILES.iter().enumerate() {
            let now = fs::read(out.path().join(name)).unwrap();
            assert!(
                now == old[i] || now == new[i],
                "after a kill at {step}/11 of the run, {name} is neither the old nor the new file"
            );
        }
        let manifest = manifest(out.path());
        assert!(manifest["inputs"] == 10 || manifest["inputs"] == 40, "{manifest}");
    }

    fs::write(out.path().join(".records.json.Killed1.tmp"), "left by a killed run").unwrap();
    assert!(run_command(new_input.path(), out.path()).status().unwrap().success());
    assert_eq!(snapshot(out.path()), new);
    assert!(leftovers(out.path()).is_empty(), "{:?}", leftovers(out.path()));
}

#[cfg(unix)]
#[test]
fn a_full_disk_fails_cleanly_and_keeps_the_previous_output() {
    let input = replicated_articles(8);
    let out = tempfile::tempdir().unwrap();
    run_into(out.path(), &[]).success();
    let before = snapshot(out.path());
    // A file size limit of 64 KiB stands in for a full disk: writes past it fail with EFBIG
    // (SIGXFSZ ignored, as `trap '' XFSZ` makes it, is inherited through exec).
    let output = Command::new("bash")
        .current_dir(root())
        .arg("-c")
        .arg(r#"ulimit -f 64; trap '' XFSZ; exec "$@""#)
        .arg("accord")
        .arg(binary())
        .args(["run", "--reference-date", REFERENCE_DATE, "--input"])
        .arg(input.path())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot write output to {}", out.path().display())),
        "{stderr}"
    );
    assert!(stderr.contains("File too large"), "{stderr}");
    assert_eq!(snapshot(out.path()), before);
    assert!(leftovers(out.path()).is_empty(), "{:?}", leftovers(out.path()));
}

#[test]
fn an_output_folder_that_cannot_be_created_is_a_clear_failure() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    fs::write(&file, "not a folder").unwrap();
    let out = file.join("out");
    let assert = run_into(&out, &[]).code(1);
    let stderr = stderr(&assert);
    assert!(
        stderr.contains(&format!("cannot write output to {}", out.display())),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "not a folder");
}

#[test]
fn a_second_run_on_a_folder_in_use_fails_and_leaves_it_alone() {
    let out = tempfile::tempdir().unwrap();
    run_into(out.path(), &[]).success();
    let before = snapshot(out.path());
    let lock = fs::File::open(out.path().join(".accord.lock")).unwrap();
    lock.lock().unwrap();
    let assert = run_into(out.path(), &[]).code(1);
    assert!(
        stderr(&assert).contains("another accord run is writing to this folder"),
        "{}",
        stderr(&assert)
    );
    assert_eq!(snapshot(out.path()), before);
    lock.unlock().unwrap();
    run_into(out.path(), &[]).success();
}
