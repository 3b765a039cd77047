//! Helpers shared by the integration tests: the `accord` binary run from the project root,
//! runs on the sample articles, and copies of the rules folder. Each test binary uses only
//! some of them.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::assert::Assert;
use assert_cmd::Command;
use serde_json::Value;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `accord` binary, run from the project root.
pub fn accord() -> Command {
    let mut cmd = Command::cargo_bin("accord").unwrap();
    cmd.current_dir(root());
    cmd
}

/// `accord run` on the sample articles into `out` with a fixed reference date, plus `extra`.
pub fn run_into(out: &Path, extra: &[&str]) -> Assert {
    accord()
        .args([
            "run",
            "--input",
            "data/articles",
            "--reference-date",
            "2026-12-02",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .assert()
}

/// `accord run` on the files under `input` into `out` with a fixed reference date, plus `extra`.
pub fn run_on(input: &Path, out: &Path, extra: &[&str]) -> Assert {
    accord()
        .args(["run", "--reference-date", "2026-12-02", "--input"])
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
}

/// The file names of the sample articles (`data/articles/*.txt`), sorted.
pub fn sample_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root().join("data/articles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    names
}

/// The records of `out/records.json`.
pub fn records(out: &Path) -> Vec<Value> {
    serde_json::from_str(&fs::read_to_string(out.join("records.json")).unwrap()).unwrap()
}

/// Copies a folder recursively (used for edited copies of `rules/`).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// A temporary copy of the project's `rules/` folder, for tests that edit rules.
pub fn rules_copy() -> tempfile::TempDir {
    let rules = tempfile::tempdir().unwrap();
    copy_dir(&root().join("rules"), rules.path());
    rules
}

/// Appends `line` to the file at `path`, on a line of its own.
pub fn append_line(path: &Path, line: &str) {
    let mut text = fs::read_to_string(path).unwrap();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(line);
    text.push('\n');
    fs::write(path, text).unwrap();
}

/// Standard output of a finished command.
pub fn stdout(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

/// Standard error of a finished command.
pub fn stderr(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}
