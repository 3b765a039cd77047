//! Helpers shared by the integration tests: the `accord` binary run from the project root, the
//! one reference date every test uses, the rules loaded once for in-process tests, the sample
//! articles and the shared data beside the project (`../shared`), and runs on them.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use accord::pipeline::{RunConfig, Source, Target};
use accord::rules::RuleSet;
use assert_cmd::assert::Assert;
use assert_cmd::Command;
use chrono::NaiveDate;
use serde_json::Value;

/// The reference date of every test run (`--reference-date`), so that relative dates and
/// missing years resolve the same on any day.
pub const REFERENCE_DATE: &str = "2026-12-02";

/// The folder of the sample articles, relative to the project root.
pub const SAMPLES: &str = "data/articles";

/// The German sample article.
pub const GERMAN_SAMPLE: &str = "003_a56670e1651dc7f0.txt";

/// The files a run writes that hold records, but the workbook (and `run.json`, whose timings
/// differ from run to run).
pub const RECORD_FILES: [&str; 5] = [
    "records.json",
    "records.jsonl",
    "records.csv",
    "mentions.csv",
    "skipped.csv",
];

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder of the sample articles.
pub fn samples() -> PathBuf {
    root().join(SAMPLES)
}

/// The path of the sample article `name`.
pub fn sample(name: &str) -> PathBuf {
    samples().join(name)
}

/// The file names of the sample articles (`data/articles/*.txt`), sorted.
pub fn sample_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(samples())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    names
}

/// `path` in the shared folder beside the project (`../shared`: the development corpus, its
/// gold records, the peer suites and the scorer). CI has it; a checkout may not.
pub fn shared(path: &str) -> PathBuf {
    root().join("../shared").join(path)
}

/// The development corpus's articles (real articles written by others), where present.
pub fn dev_corpus() -> Option<PathBuf> {
    let dir = shared("dev/corpus/articles");
    dir.is_dir().then_some(dir)
}

/// [`REFERENCE_DATE`] as a date.
pub fn reference_date() -> NaiveDate {
    REFERENCE_DATE.parse().unwrap()
}

/// The project's rules, loaded once for all in-process tests.
pub fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::load(&root().join("rules")).unwrap_or_else(|e| panic!("rules do not load: {e:?}")))
}

/// A run of the pipeline in this process on `input` into the folder `out` (CSV, JSON and JSON
/// lines, no progress) with the reference date.
pub fn run_config(input: &Path, out: &Path, threads: usize) -> RunConfig {
    RunConfig {
        source: Source::Paths(vec![input.to_path_buf()]),
        rules: root().join("rules"),
        target: Target::Folder(out.to_path_buf()),
        formats: vec![
            accord::output::Format::Csv,
            accord::output::Format::Json,
            accord::output::Format::Jsonl,
        ],
        threads,
        reference_date: reference_date(),
        max_file_size: accord::input::DEFAULT_MAX_FILE_SIZE,
        csv_bom: false,
        progress: false,
        incremental: false,
    }
}

/// The `accord` binary that cargo built for these tests.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_accord"))
}

/// The `accord` binary, run from the project root.
pub fn accord() -> Command {
    let mut cmd = Command::new(binary());
    cmd.current_dir(root());
    cmd
}

/// `accord run` on the sample articles into `out` with the reference date, plus `extra`.
pub fn run_into(out: &Path, extra: &[&str]) -> Assert {
    accord()
        .args(["run", "--input", SAMPLES, "--reference-date", REFERENCE_DATE, "--out"])
        .arg(out)
        .args(extra)
        .assert()
}

/// `accord run` on the files under `input` into `out` with the reference date, plus `extra`.
pub fn run_on(input: &Path, out: &Path, extra: &[&str]) -> Assert {
    accord()
        .args(["run", "--reference-date", REFERENCE_DATE, "--input"])
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
}

/// A fresh folder holding copies of the sample articles `names`.
pub fn samples_copy<S: AsRef<str>>(names: &[S]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in names {
        fs::copy(sample(name.as_ref()), dir.path().join(name.as_ref())).unwrap();
    }
    dir
}

/// The records of `out/records.json`.
pub fn records(out: &Path) -> Vec<Value> {
    serde_json::from_str(&fs::read_to_string(out.join("records.json")).unwrap()).unwrap()
}

/// `run.json` of an output folder.
pub fn manifest(out: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(out.join("run.json")).unwrap()).unwrap()
}

/// Asserts that the files `names` are the same in two folders.
pub fn assert_same_files(a: &Path, b: &Path, names: &[&str]) {
    for name in names {
        assert!(
            fs::read(a.join(name)).unwrap() == fs::read(b.join(name)).unwrap(),
            "{name} differs"
        );
    }
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
