//! Integration tests that run the `accord` binary on the sample articles and on invented inputs.

use crate::common::*;

use std::fs;

use serde_json::Value;

#[test]
fn sample_articles_produce_records_that_follow_the_contract() {
    let out = tempfile::tempdir().unwrap();
    run_into(out.path(), &[]).success();
    let recs = records(out.path());
    assert_eq!(recs.len(), 10, "five files, one of them a digest of six stories");
    for r in &recs {
        for field in [
            "id",
            "source",
            "story",
            "title",
            "language",
            "language_confidence",
            "published",
            "event_date",
            "dates",
            "leaders",
            "money",
            "sectors",
            "countries",
            "warnings",
        ] {
            assert!(r.get(field).is_some(), "{field} missing in {}", r["id"]);
        }
        let source = r["source"].as_str().unwrap();
        let text = fs::read_to_string(sample(source)).unwrap();
        let chars: Vec<char> = text.chars().collect();
        let check_span = |m: &Value| {
            let (s, e) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            let slice: String = chars[s..e].iter().collect();
            assert_eq!(slice, m["text"].as_str().unwrap(), "offsets of {m}");
            assert!(!m["rule"].as_str().unwrap().is_empty(), "rule id of {m}");
        };
        for kind in ["dates", "leaders", "money"] {
            r[kind].as_array().unwrap().iter().for_each(check_span);
        }
        for c in r["countries"].as_array().unwrap() {
            let code = c["code"].as_str().unwrap();
            assert!(
                code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()),
                "{code}"
            );
        }
        for m in r["money"].as_array().unwrap() {
            assert_eq!(m["currency"].as_str().unwrap().len(), 3);
            assert!(m["amount"].is_number());
        }
        for l in r["leaders"].as_array().unwrap() {
            if let Some(c) = l["country"].as_str() {
                assert_eq!(c.len(), 2);
            }
        }
        let lang = r["language"].as_str().unwrap();
        assert!(lang == "en" || lang == "de", "{lang}");
    }
    let digest: Vec<&str> = recs
        .iter()
        .filter(|r| r["source"] == "002_778632ee5206e600.txt")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(digest[0], "002_778632ee5206e600#1");
    assert_eq!(digest.len(), 6);
    let with_dateline = recs.iter().find(|r| r["id"] == "001_5f4aca19b6791de1").unwrap();
    assert_eq!(with_dateline["published"], "2024-06-14");
    let money = &with_dateline["money"][2];
    assert_eq!(money["amount"].to_string(), "9600000000");
    for name in [
        "records.json",
        "records.jsonl",
        "records.csv",
        "mentions.csv",
        "skipped.csv",
        "run.json",
    ] {
        assert!(out.path().join(name).is_file(), "{name}");
    }
    let csv = fs::read_to_string(out.path().join("records.csv")).unwrap();
    assert!(csv.starts_with("id,source,story,title,language,language_confidence,published,event_date,leaders,leader_countries,countries,money,sectors,dates,warnings\n"));
    assert!(csv.contains("USD 9600000000"));
}

#[test]
fn output_is_identical_for_one_and_two_threads() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    run_into(one.path(), &["--threads", "1"]).success();
    run_into(two.path(), &["--threads", "2"]).success();
    for name in &RECORD_FILES[..4] {
        let a = fs::read(one.path().join(name)).unwrap();
        let b = fs::read(two.path().join(name)).unwrap();
        assert!(a == b, "{name} differs between thread counts");
    }
}

#[test]
fn unreadable_files_are_skipped_and_listed_and_the_rest_is_written() {
    let input = tempfile::tempdir().unwrap();
    fs::copy(sample(GERMAN_SAMPLE), input.path().join("good.txt")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(input.path().join("missing-target"), input.path().join("broken.txt")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let assert = run_on(input.path(), out.path(), &[]).code(3);
    let stderr = stderr(&assert);
    assert!(stderr.contains("skipped broken.txt"), "{stderr}");
    assert_eq!(records(out.path()).len(), 1);
    let skipped = fs::read_to_string(out.path().join("skipped.csv")).unwrap();
    assert!(skipped.lines().nth(1).unwrap().starts_with("broken.txt,"), "{skipped}");
}

#[test]
fn a_broken_rule_file_fails_with_its_location_and_leaves_the_output_untouched() {
    let out = tempfile::tempdir().unwrap();
    run_into(out.path(), &[]).success();
    let before = fs::read(out.path().join("records.json")).unwrap();

    let rules = rules_copy();
    let dates = rules.path().join("en/dates.toml");
    let text = fs::read_to_string(&dates).unwrap();
    let broken = text.replacen("regex = '{year}-(?P<mnum>", "regex = '({year}-(?P<mnum>", 1);
    assert_ne!(text, broken);
    fs::write(&dates, &broken).unwrap();
    let line = broken.lines().position(|l| l.starts_with("regex = '({year}")).unwrap() + 1;

    let assert = run_into(out.path(), &["--rules", rules.path().to_str().unwrap()]).code(2);
    let stderr = stderr(&assert);
    assert!(stderr.contains("invalid regex in `date.en.iso`"), "{stderr}");
    assert!(stderr.contains(&format!("en/dates.toml:{line}:10")), "{stderr}");
    assert_eq!(fs::read(out.path().join("records.json")).unwrap(), before);
}

#[test]
fn an_edited_rule_copy_changes_the_output() {
    let rules = rules_copy();
    append_line(&rules.path().join("en/sector_terms.csv"), "security,ancient city");
    let out = tempfile::tempdir().unwrap();
    run_into(out.path(), &["--rules", rules.path().to_str().unwrap()]).success();
    let recs = records(out.path());
    let first = recs.iter().find(|r| r["id"] == "000_4b5751c9fc12c3c1").unwrap();
    let security = first["sectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "security")
        .expect("new term matched");
    assert_eq!(security["evidence"][0], "ancient city");
}

#[test]
fn a_missing_input_is_a_usage_error() {
    let out = tempfile::tempdir().unwrap();
    accord()
        .args(["run", "--input", "no/such/folder", "--out"])
        .arg(out.path())
        .assert()
        .code(2);
    assert!(!out.path().join("records.json").exists());
}

#[test]
fn invalid_utf8_and_foreign_languages_still_give_records_with_warnings() {
    let input = tempfile::tempdir().unwrap();
    fs::write(
        input.path().join("latin1.txt"),
        b"Die Pr\xe4sidenten trafen sich am 29. M\xe4rz in Taschkent und sprachen \xfcber Handel und Energie.\n",
    )
    .unwrap();
    fs::write(
        input.path().join("russian.txt"),
        "Президенты Узбекистана и Казахстана обсудили вопросы торгово-экономического сотрудничества.\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    run_on(input.path(), out.path(), &[]).success();
    let recs = records(out.path());
    let latin = recs.iter().find(|r| r["id"] == "latin1").unwrap();
    assert!(latin["warnings"][0].as_str().unwrap().contains("windows-1252"));
    assert_eq!(latin["dates"][0]["value"], "2026-03-29");
    let ru = recs.iter().find(|r| r["id"] == "russian").unwrap();
    assert_eq!(ru["language"], "ru");
    assert_eq!(ru["warnings"][0], "unsupported language: ru");
}

#[test]
fn check_reports_rules_and_passes_their_examples() {
    let assert = accord().args(["check"]).assert().success();
    let stdout = stdout(&assert);
    assert!(stdout.contains("all rule examples pass"), "{stdout}");
    assert!(stdout.contains("en: "), "{stdout}");
}

#[test]
fn a_new_leader_alias_in_a_rule_copy_is_recognised() {
    let rules = rules_copy();
    append_line(
        &rules.path().join("common/leaders.csv"),
        "Zarina Testova,UZ,Minister of Culture,other,2024-01-01,,Sarina Testowa,Testova,invented for a test",
    );
    let input = tempfile::tempdir().unwrap();
    fs::write(
        input.path().join("a.txt"),
        "Am 3. Mai 2024 empfing Sarina Testowa in Taschkent eine Delegation aus Deutschland. Testowa sprach über Kultur und Tourismus.\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    run_on(input.path(), out.path(), &["--rules", rules.path().to_str().unwrap()]).success();
    let recs = records(out.path());
    let leader = &recs[0]["leaders"][0];
    assert_eq!(leader["name"], "Zarina Testova");
    assert_eq!(leader["text"], "Sarina Testowa");
    assert_eq!(leader["mentions"], 2);
    assert_eq!(leader["country"], "UZ");
}

#[test]
fn all_rule_errors_are_reported_in_one_pass() {
    let rules = rules_copy();
    append_line(&rules.path().join("de/sector_terms.csv"), "spaceflight,*raumfahrt*");
    let currencies = rules.path().join("common/currencies.csv");
    let text = fs::read_to_string(&currencies)
        .unwrap()
        .replacen("code,lang,kind,term", "code,lang,kind,term,extra", 1);
    fs::write(&currencies, text).unwrap();
    let money = rules.path().join("de/money.toml");
    let text = fs::read_to_string(&money).unwrap().replacen(
        "regex = '(?:{qualifier}\\s+)?{num}",
        "regex = '\\b(?:{qualifier}\\s+)?{num}",
        1,
    );
    fs::write(&money, text).unwrap();
    let assert = accord().args(["check", "--rules"]).arg(rules.path()).assert().code(2);
    let stderr = stderr(&assert);
    assert!(stderr.contains("unknown sector id `spaceflight`"), "{stderr}");
    assert!(stderr.contains("de/sector_terms.csv:"), "{stderr}");
    assert!(stderr.contains("unknown column `extra`"), "{stderr}");
    assert!(stderr.contains("common/currencies.csv:"), "{stderr}");
    assert!(stderr.contains("3 errors in the rule files"), "{stderr}");
    assert!(stderr.contains("pattern `money.de.name_after` uses `\\b`"), "{stderr}");
}

#[test]
fn explain_marks_mentions_and_names_their_rules() {
    let assert = accord()
        .args([
            "explain",
            &format!("{SAMPLES}/{GERMAN_SAMPLE}"),
            "--reference-date",
            REFERENCE_DATE,
            "--color",
            "never",
        ])
        .assert()
        .success();
    let stdout = stdout(&assert);
    assert!(stdout.contains("Am [29. März]"), "{stdout}");
    assert!(stdout.contains("[mehr als 4 Milliarden US-Dollar]"), "{stdout}");
    assert!(stdout.contains("money.de.name_after"), "{stdout}");
    let money_only = accord()
        .args([
            "explain",
            &format!("{SAMPLES}/{GERMAN_SAMPLE}"),
            "--kind",
            "money",
            "--color",
            "never",
        ])
        .assert()
        .success();
    let money_stdout = crate::common::stdout(&money_only);
    assert!(!money_stdout.contains("[29. März]"), "{money_stdout}");
    accord()
        .args(["explain", &format!("{SAMPLES}/{GERMAN_SAMPLE}"), "--kind", "weather"])
        .assert()
        .code(2);
}

#[test]
fn a_cue_whose_example_fails_is_reported_at_the_example() {
    let rules = rules_copy();
    let furniture = rules.path().join("common/furniture.toml");
    let text = fs::read_to_string(&furniture).unwrap();
    let broken = text.replacen("examples = [\"Read More\"", "examples = [\"Read Less\"", 1);
    assert_ne!(text, broken);
    fs::write(&furniture, &broken).unwrap();
    let line = broken.lines().position(|l| l.contains("\"Read Less\"")).unwrap() + 1;
    let assert = accord().args(["check", "--rules"]).arg(rules.path()).assert().code(2);
    let stderr = stderr(&assert);
    assert!(
        stderr.contains("cue `story.read_more` does not match its example"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("common/furniture.toml:{line}:")), "{stderr}");
}

#[test]
fn explain_shows_where_each_story_starts_and_why() {
    let input = tempfile::tempdir().unwrap();
    let body = "The presidents met in Tashkent and discussed trade, energy and transport.";
    let file = input.path().join("digest.txt");
    fs::write(
        &file,
        format!(
            "Uzbekistan postpones Investment Forum\n\nTASHKENT (TCA) — {body}\n\nRead more: Uzbekistan postpones Investment Forum\n\nTurkmenistan organizes forums in Dubai\n\n{body}\n\nA subheading that splits nothing\n\n{body}\n"
        ),
    )
    .unwrap();
    let assert = accord()
        .args(["explain", "--color", "never"])
        .arg(&file)
        .assert()
        .success();
    let stdout = stdout(&assert);
    assert!(
        stdout.contains("story 1 starts at line 1 \"Uzbekistan postpones Investment Forum\": dateline `story.agency_dateline` on line 3"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "story 2 starts at line 7 \"Turkmenistan organizes forums in Dubai\": tail `story.read_more` on line 5"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("not a story start") && stdout.contains("line 11"),
        "{stdout}"
    );
}

#[test]
fn the_run_summary_counts_the_records_and_mentions_written() {
    // With the workbook the writer keeps each file's records; without it, they are counted
    // and dropped on the workers. Both summaries count what records.json and mentions.csv
    // hold.
    for formats in ["json,csv,xlsx", "json,csv"] {
        let out = tempfile::tempdir().unwrap();
        run_into(out.path(), &["--format", formats, "--threads", "2"]).success();
        let bump = |map: &mut serde_json::Map<String, Value>, key: &str| {
            let n = map.get(key).and_then(Value::as_u64).unwrap_or(0);
            map.insert(key.into(), Value::from(n + 1));
        };
        let recs = records(out.path());
        let mut by_language = serde_json::Map::new();
        for r in &recs {
            bump(&mut by_language, r["language"].as_str().unwrap());
        }
        let mut mentions = serde_json::Map::new();
        let rows = fs::read_to_string(out.path().join("mentions.csv")).unwrap();
        for row in rows.lines().skip(1) {
            bump(&mut mentions, row.split(',').nth(1).unwrap());
        }
        let run = manifest(out.path());
        assert_eq!(run["records"].as_u64(), Some(recs.len() as u64), "{formats}");
        assert_eq!(run["by_language"], Value::Object(by_language), "{formats}");
        assert_eq!(run["mentions"], Value::Object(mentions), "{formats}");
        assert_eq!(run["mentions"].as_object().map(|m| m.len()), Some(5), "{formats}");
    }
}
