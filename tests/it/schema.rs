//! The JSON Schema of a record: `docs/records.schema.json` is what the Rust types generate,
//! `accord schema` prints it, and every record the pipeline writes validates against it.

use crate::common::*;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// The committed schema file.
fn schema_path() -> PathBuf {
    root().join("docs/records.schema.json")
}

/// The committed schema, parsed.
fn committed_schema() -> Value {
    let text = fs::read_to_string(schema_path()).expect("docs/records.schema.json is committed");
    serde_json::from_str(&text).expect("docs/records.schema.json is JSON")
}

/// A validator for the committed schema.
fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&committed_schema()).expect("the committed schema compiles")
}

/// Every error of `record` against the schema, one line each.
fn errors(validator: &jsonschema::Validator, record: &Value) -> Vec<String> {
    validator
        .iter_errors(record)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Runs the pipeline on `input` and checks every line of `records.jsonl` against the schema;
/// returns the number of records checked.
fn validate_run(input: &Path) -> usize {
    let out = tempfile::tempdir().unwrap();
    run_on(input, out.path(), &["--format", "jsonl", "--quiet"]).success();
    let text = fs::read_to_string(out.path().join("records.jsonl")).unwrap();
    let validator = validator();
    let mut count = 0;
    for line in text.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        let errs = errors(&validator, &record);
        assert!(
            errs.is_empty(),
            "record {} of {}: {errs:#?}",
            record["id"],
            input.display()
        );
        count += 1;
    }
    count
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    let generated = accord::record::json_schema();
    let path = schema_path();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        // Written beside and renamed, so the other tests never read a half-written file.
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let fresh = path.with_extension("json.new");
        fs::write(&fresh, &generated).unwrap();
        fs::rename(&fresh, &path).unwrap();
        eprintln!("wrote {}", path.display());
        return;
    }
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/records.schema.json is not what the record types in src/record.rs generate; \
         regenerate it with `UPDATE_SCHEMA=1 cargo test --test it schema::` and commit it"
    );
}

#[test]
fn the_schema_is_valid_draft_2020_12() {
    let schema = committed_schema();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("not a valid JSON Schema: {e}");
    }
}

#[test]
fn accord_schema_prints_the_generated_schema() {
    let assert = accord().arg("schema").assert().success();
    assert!(
        stdout(&assert) == accord::record::json_schema(),
        "`accord schema` does not print the schema of the record types"
    );
}

#[test]
fn every_record_of_the_sample_articles_validates() {
    assert_eq!(validate_run(&samples()), 10);
}

#[test]
fn every_record_of_the_dev_corpus_validates() {
    let Some(corpus) = dev_corpus() else {
        println!(
            "note: {} is missing; the dev corpus is not checked",
            shared("dev/corpus/articles").display()
        );
        return;
    };
    assert!(validate_run(&corpus) > 0);
}

/// A record with every kind of item, valid as written.
fn good_record() -> Value {
    json!({
        "id": "001_x", "source": "001_x.txt", "story": 1, "title": null,
        "language": "en", "language_confidence": 0.98,
        "published": "2024-06-14", "event_date": "2024-06",
        "dates": [{"text": "June 13-15, 2024", "start": 0, "end": 16,
                   "value": "2024-06-13/2024-06-15", "kind": "explicit",
                   "year_source": "text", "rule": "date.en.range"}],
        "leaders": [{"name": "Olaf Scholz", "text": "Scholz", "title": null, "country": "DE",
                     "mentions": 2, "start": 20, "end": 26, "rule": "leader.en"}],
        "money": [{"text": "$5-6 billion", "start": 30, "end": 42, "amount": 5000000000u64,
                   "amount_max": 6000000000u64, "currency": "USD", "qualifier": "up_to",
                   "rule": "money.en"}],
        "sectors": [{"id": "energy", "label": "Energy", "mentions": 1,
                     "evidence": ["gas"], "rule": "sector.en"}],
        "countries": [{"code": "DE", "name": "Germany", "mentions": 1}],
        "warnings": []
    })
}

/// What a broken record breaks, and how to break a good one so.
type Breakage = (&'static str, fn(&mut Value));

#[test]
fn records_that_break_the_contract_are_rejected() {
    let validator = validator();
    assert_eq!(errors(&validator, &good_record()), Vec::<String>::new());
    let broken: [Breakage; 12] = [
        ("a wrong type", |r| r["story"] = json!("1")),
        ("a story number of 0", |r| r["story"] = json!(0)),
        ("an unknown field", |r| r["extra"] = json!(true)),
        ("an unknown field in a date", |r| r["dates"][0]["note"] = json!("x")),
        ("a missing field", |r| {
            r.as_object_mut().unwrap().remove("event_date");
        }),
        ("a bad date kind", |r| r["dates"][0]["kind"] = json!("guessed")),
        ("a bad year source", |r| r["dates"][0]["year_source"] = json!("gold")),
        ("a bad date value", |r| r["dates"][0]["value"] = json!("14 June 2024")),
        ("a negative offset", |r| r["leaders"][0]["start"] = json!(-1)),
        ("an amount as a string", |r| {
            r["money"][0]["amount"] = json!("5000000000")
        }),
        ("a bad qualifier", |r| r["money"][0]["qualifier"] = json!("roughly")),
        ("a bad language code", |r| r["language"] = json!("English")),
    ];
    for (what, break_it) in broken {
        let mut record = good_record();
        break_it(&mut record);
        assert!(!validator.is_valid(&record), "a record with {what} validates");
    }
}
