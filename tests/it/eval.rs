//! Integration tests of `accord eval`: agreement with `../shared/tools/score.py` (on the sample
//! articles' records and on a perturbed copy of them), the `--min-f1` floors and the errors.

use crate::common::*;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use serde_json::{json, Value};

fn gold_path() -> PathBuf {
    shared("dev/gold.jsonl")
}

/// `accord eval --gold GOLD --input data/articles --reference-date REFERENCE_DATE EXTRA...`.
fn eval(gold: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    accord()
        .args(["eval", "--gold"])
        .arg(gold)
        .args(["--input", SAMPLES, "--reference-date", REFERENCE_DATE])
        .args(extra)
        .assert()
}

fn python_available() -> bool {
    match Process::new("python3").arg("--version").output() {
        Ok(out) if out.status.success() => true,
        _ => {
            println!("notice: python3 not found; skipping the comparison with score.py");
            false
        }
    }
}

/// `score.py GOLD PREDICTIONS --json`, parsed.
fn score_py(predictions: &Path) -> Value {
    let out = Process::new("python3")
        .arg(shared("tools/score.py"))
        .arg(gold_path())
        .arg(predictions)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "score.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs `accord run` on the sample articles into `out` and returns its records.json.
fn run_records(out: &Path) -> Vec<Value> {
    run_into(out, &[]).success();
    records(out)
}

/// Asserts that two summaries in the shape of `score.py --json` agree: same fields, same
/// counts, same rounded rates.
fn assert_same_summary(ours: &Value, theirs: &Value, what: &str) {
    let (ours, theirs) = (ours.as_object().unwrap(), theirs.as_object().unwrap());
    let mut a: Vec<&String> = ours.keys().collect();
    let mut b: Vec<&String> = theirs.keys().collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "{what}: field names differ");
    for (field, want) in theirs {
        let got = &ours[field];
        for (key, w) in want.as_object().unwrap() {
            let g = &got[key];
            match key.as_str() {
                "tp" | "fp" | "fn" | "correct" | "total" => {
                    assert_eq!(g.as_u64(), w.as_u64(), "{what}: {field}.{key}: ours {g}, score.py {w}")
                }
                _ => match (g.as_f64(), w.as_f64()) {
                    (Some(x), Some(y)) => {
                        assert!((x - y).abs() < 1e-9, "{what}: {field}.{key}: ours {g}, score.py {w}")
                    }
                    _ => assert!(
                        g.is_null() && w.is_null(),
                        "{what}: {field}.{key}: ours {g}, score.py {w}"
                    ),
                },
            }
        }
    }
}

/// The table printed by `accord eval`, read back into the shape of `score.py --json` (counts
/// and rates only).
fn parse_table(stdout: &str) -> Value {
    let mut out = serde_json::Map::new();
    for line in stdout.lines() {
        let cells: Vec<&str> = line.split_whitespace().collect();
        if cells.len() == 7 && cells[1].parse::<u64>().is_ok() {
            let n = |i: usize| cells[i].parse::<u64>().unwrap();
            let f = |i: usize| cells[i].parse::<f64>().unwrap();
            out.insert(
                cells[0].to_owned(),
                json!({"tp": n(1), "fp": n(2), "fn": n(3), "precision": f(4), "recall": f(5), "f1": f(6)}),
            );
        } else if cells.len() == 3 && cells[2] == "correct" {
            let (ok, total) = cells[1].split_once('/').unwrap();
            let (ok, total): (u64, u64) = (ok.parse().unwrap(), total.parse().unwrap());
            let accuracy = (total > 0).then(|| accord::eval::round3(ok as f64 / total as f64));
            out.insert(
                cells[0].to_owned(),
                json!({"correct": ok, "total": total, "accuracy": accuracy}),
            );
        }
    }
    Value::Object(out)
}

#[test]
fn eval_agrees_with_score_py_on_the_sample_articles() {
    if !python_available() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let records = run_records(out.path());
    let theirs = score_py(&out.path().join("records.json"));

    // the library function on the records the run wrote
    let gold = accord::eval::load_gold(&gold_path()).unwrap();
    let ours = accord::eval::score(&gold, &records).summary();
    assert_same_summary(&ours, &theirs, "score() on records.json");

    // the command, which runs the pipeline in memory
    let assert = eval(&gold_path(), &[]).success();
    let stdout = stdout(&assert);
    assert_same_summary(&parse_table(&stdout), &theirs, "accord eval's table");
}

/// Changes the sample records so that every kind of miss, extra, tolerance and pooling rule
/// comes into play.
fn perturb(records: &mut Vec<Value>) {
    for (i, r) in records.iter_mut().enumerate() {
        if i % 2 == 0 {
            if let Some(dates) = r["dates"].as_array_mut() {
                if !dates.is_empty() {
                    dates.remove(0);
                }
            }
        }
        let dates = r["dates"].as_array_mut().unwrap();
        dates.push(json!({"text": "in 1999", "value": "1999", "kind": "explicit"}));
        dates.push(json!({"text": "last month", "value": "2020-02", "kind": "relative"}));
        dates.push(json!({"text": "???", "value": "", "kind": "explicit"}));
        let money = r["money"].as_array_mut().unwrap();
        let mut doubles = Vec::new();
        for (j, m) in money.iter_mut().enumerate() {
            let amount = m["amount"].as_f64().unwrap();
            match j % 3 {
                0 => m["amount"] = json!(amount * 1.003),
                1 => m["amount"] = json!(amount * 1.02),
                _ => {
                    let mut copy = m.clone();
                    copy["amount"] = json!(amount);
                    doubles.push(copy);
                }
            }
        }
        money.extend(doubles);
        match i {
            0 => {
                r["leaders"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"name": "Nobody Known", "text": "Nobody", "country": null}));
                r["money"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"text": "5 tenge", "currency": "KZT", "amount": 5}));
            }
            1 | 3 => {
                if let Some(l) = r["leaders"].as_array_mut().unwrap().first_mut() {
                    l["name"] = json!("Someone Else");
                }
            }
            2 => {
                if let Some(l) = r["leaders"].as_array_mut().unwrap().last_mut() {
                    l["country"] = json!("ZZ");
                }
                r["language"] = json!("de");
            }
            4 => {
                let sectors = r["sectors"].as_array_mut().unwrap();
                if !sectors.is_empty() {
                    sectors.remove(0);
                }
                sectors.push(json!({"id": "space", "evidence": ["rocket"]}));
                let countries = r["countries"].as_array_mut().unwrap();
                countries.push(json!({"code": "TW", "name": "Taiwan"}));
                countries.push(json!({"code": "FR", "name": "France"}));
            }
            5 => {
                r["published"] = json!("2000-01-01");
                r["event_date"] = Value::Null;
            }
            7 => {
                let source = r["source"].as_str().unwrap().to_owned();
                r["source"] = json!(format!("data\\articles\\{source}"));
                r["language"] = json!("fr");
            }
            8 => r["source"] = json!(""),
            _ => {}
        }
    }
    if records.len() > 6 {
        records.remove(6);
    }
}

#[test]
fn score_agrees_with_score_py_on_perturbed_records() {
    if !python_available() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let mut records = run_records(out.path());
    perturb(&mut records);
    let path = out.path().join("perturbed.json");
    fs::write(&path, serde_json::to_string_pretty(&records).unwrap()).unwrap();
    let theirs = score_py(&path);
    let gold = accord::eval::load_gold(&gold_path()).unwrap();
    let scores = accord::eval::score(&gold, &records);
    assert_same_summary(&scores.summary(), &theirs, "score() on perturbed records");
    let fields = theirs.as_object().unwrap();
    assert!(
        fields.values().any(|v| v["fp"].as_u64() > Some(0)) && fields.values().any(|v| v["fn"].as_u64() > Some(0)),
        "the perturbation should cause misses and extras: {theirs}"
    );
    assert!(!scores.errors.is_empty());
}

#[test]
fn the_report_lists_fields_exact_matches_and_errors() {
    let assert = eval(&gold_path(), &[]).success();
    let stdout = stdout(&assert);
    for line in [
        "field                           tp    fp    fn      P      R     F1",
        "money[de]",
        "leaders_canonical[en]",
        "language                     5/5 correct",
        "stories                      5/5 correct",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
}

#[test]
fn a_field_below_its_floor_exits_4_and_says_which() {
    let assert = eval(&gold_path(), &["--min-f1", "dates=0.5", "--min-f1", "money=1.01"]).code(4);
    let stderr = stderr(&assert);
    assert!(stderr.contains("money"), "{stderr}");
    assert!(!stderr.contains("dates"), "{stderr}");
    eval(&gold_path(), &["--min-f1", "money=0.5", "--min-f1", "dates[de]=0.5"]).success();
}

#[test]
fn a_malformed_floor_is_a_usage_error() {
    let assert = eval(&gold_path(), &["--min-f1", "money"]).code(2);
    let stderr = stderr(&assert);
    assert!(stderr.contains("--min-f1") && stderr.contains("FIELD=F1"), "{stderr}");
    eval(&gold_path(), &["--min-f1", "money=lots"]).code(2);
}

#[test]
fn an_unknown_floor_field_is_a_usage_error() {
    let assert = eval(&gold_path(), &["--min-f1", "mony=0.9"]).code(2);
    let stderr = stderr(&assert);
    assert!(stderr.contains("`mony`") && stderr.contains("money[de]"), "{stderr}");
    eval(&gold_path(), &["--min-f1", "dates[fr]=0.9"]).code(2);
}

#[test]
fn a_broken_gold_line_fails_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("broken.jsonl");
    let first = fs::read_to_string(gold_path())
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    fs::write(&gold, format!("{first}\n{{\"file\": \"x.txt\", \"language\": \n")).unwrap();
    let assert = eval(&gold, &[]).code(1);
    let stderr = stderr(&assert);
    assert!(stderr.contains(&format!("{}:2:", gold.display())), "{stderr}");
    assert!(assert.get_output().stdout.is_empty());
}

#[test]
fn a_missing_gold_file_fails_naming_it() {
    let assert = eval(Path::new("no/such/gold.jsonl"), &[]).code(1);
    let stderr = stderr(&assert);
    assert!(stderr.contains("no/such/gold.jsonl"), "{stderr}");
}

#[test]
fn exact_fields_have_accuracy_floors() {
    eval(
        &gold_path(),
        &["--min-accuracy", "published=1", "--min-accuracy", "stories=1"],
    )
    .success();
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("wrong_stories.jsonl");
    let text = fs::read_to_string(gold_path()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut first: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    first["stories"] = serde_json::json!(9);
    lines[0] = first.to_string();
    fs::write(&gold, lines.join("\n") + "\n").unwrap();
    let assert = eval(&gold, &["--min-accuracy", "stories=0.9"]).code(4);
    let stderr = stderr(&assert);
    assert!(stderr.contains("stories") && stderr.contains("0.800"), "{stderr}");
    eval(&gold_path(), &["--min-accuracy", "dates=0.5"]).code(2);
    eval(&gold_path(), &["--min-accuracy", "stories=1.5"]).code(2);
}
