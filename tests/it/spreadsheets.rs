//! Outputs for spreadsheets: `records.xlsx` read back with calamine and compared cell by cell
//! with `records.json`, `mentions.csv` and `run.json`; text that looks like a formula stays
//! text; `--csv-bom` CSV for Excel; `--quiet` and the progress display.

use crate::common::*;

use std::fs;
use std::path::Path;

use calamine::{open_workbook, Data, Range, Reader, Xlsx};
use chrono::NaiveDate;
use serde_json::Value;

/// A cell as comparable text: `s:` string, `n:` number, `d:` date (as `YYYY-MM-DD`), `` empty.
fn show(cell: &Data) -> String {
    match cell {
        Data::String(s) => format!("s:{s}"),
        Data::Float(f) => format!("n:{f}"),
        Data::Int(i) => format!("n:{}", *i as f64),
        Data::DateTime(dt) => {
            let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
            let day = epoch + chrono::Duration::days(dt.as_f64() as i64);
            format!("d:{}", day.format("%Y-%m-%d"))
        }
        Data::Empty => String::new(),
        other => format!("?:{other:?}"),
    }
}

/// What a JSON value should look like in a cell (see [`show`]); full dates when `date`.
fn expect(v: &Value, date: bool) -> String {
    match v {
        Value::Null => String::new(),
        Value::Number(n) => format!("n:{}", n.as_f64().unwrap()),
        Value::String(s) if date && s.len() == 10 && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => {
            format!("d:{s}")
        }
        Value::String(s) if s.is_empty() => String::new(),
        Value::String(s) => format!("s:{s}"),
        other => panic!("no cell for {other}"),
    }
}

/// A string cell, or empty for an empty string (as the workbook writes it).
fn text(s: &str) -> String {
    expect(&Value::String(s.to_owned()), false)
}

/// The values of `field` in `items`, joined with `; ` as in `records.csv`.
fn join(items: &Value, field: impl Fn(&Value) -> String) -> String {
    text(
        &items
            .as_array()
            .unwrap()
            .iter()
            .map(field)
            .collect::<Vec<_>>()
            .join("; "),
    )
}

fn str_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// The rows of a sheet, each cell shown with [`show`].
fn rows(range: &Range<Data>) -> Vec<Vec<String>> {
    range.rows().map(|r| r.iter().map(show).collect()).collect()
}

fn sheet(book: &mut Xlsx<std::io::BufReader<fs::File>>, name: &str) -> Vec<Vec<String>> {
    rows(&book.worksheet_range(name).unwrap())
}

fn header(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|c| format!("s:{c}")).collect()
}

/// The expected rows of every sheet but Mentions, Skipped and Run, from `records.json`.
fn expected_sheets(recs: &[Value]) -> Vec<(&'static str, Vec<Vec<String>>)> {
    let mut records = vec![header(&[
        "id",
        "source",
        "story",
        "title",
        "language",
        "language_confidence",
        "published",
        "event_date",
        "leaders",
        "leader_countries",
        "countries",
        "money",
        "sectors",
        "dates",
        "warnings",
    ])];
    let mut leaders = vec![header(&[
        "record_id",
        "name",
        "text",
        "title",
        "country",
        "mentions",
        "start",
        "end",
        "rule",
    ])];
    let mut money = vec![header(&[
        "record_id",
        "text",
        "amount",
        "amount_max",
        "currency",
        "qualifier",
        "start",
        "end",
        "rule",
    ])];
    let mut dates = vec![header(&[
        "record_id",
        "text",
        "value",
        "kind",
        "year_source",
        "start",
        "end",
        "rule",
    ])];
    let mut sectors = vec![header(&["record_id", "id", "label", "mentions", "evidence", "rule"])];
    let mut countries = vec![header(&["record_id", "code", "name", "mentions"])];
    for r in recs {
        let id = expect(&r["id"], false);
        records.push(vec![
            id.clone(),
            expect(&r["source"], false),
            expect(&r["story"], false),
            expect(&r["title"], false),
            expect(&r["language"], false),
            expect(&r["language_confidence"], false),
            expect(&r["published"], true),
            expect(&r["event_date"], true),
            join(&r["leaders"], |l| str_of(&l["name"])),
            join(&r["leaders"], |l| str_of(&l["country"])),
            join(&r["countries"], |c| str_of(&c["code"])),
            join(&r["money"], |m| format!("{} {}", str_of(&m["currency"]), m["amount"])),
            join(&r["sectors"], |s| str_of(&s["id"])),
            join(&r["dates"], |d| str_of(&d["value"])),
            join(&r["warnings"], str_of),
        ]);
        let cells = |item: &Value, fields: &[(&str, bool)]| -> Vec<String> {
            std::iter::once(id.clone())
                .chain(fields.iter().map(|(f, date)| expect(&item[*f], *date)))
                .collect()
        };
        for l in r["leaders"].as_array().unwrap() {
            leaders.push(cells(
                l,
                &[
                    ("name", false),
                    ("text", false),
                    ("title", false),
                    ("country", false),
                    ("mentions", false),
                    ("start", false),
                    ("end", false),
                    ("rule", false),
                ],
            ));
        }
        for m in r["money"].as_array().unwrap() {
            money.push(cells(
                m,
                &[
                    ("text", false),
                    ("amount", false),
                    ("amount_max", false),
                    ("currency", false),
                    ("qualifier", false),
                    ("start", false),
                    ("end", false),
                    ("rule", false),
                ],
            ));
        }
        for d in r["dates"].as_array().unwrap() {
            dates.push(cells(
                d,
                &[
                    ("text", false),
                    ("value", true),
                    ("kind", false),
                    ("year_source", false),
                    ("start", false),
                    ("end", false),
                    ("rule", false),
                ],
            ));
        }
        for s in r["sectors"].as_array().unwrap() {
            let mut row = cells(s, &[("id", false), ("label", false), ("mentions", false)]);
            row.push(join(&s["evidence"], str_of));
            row.push(expect(&s["rule"], false));
            sectors.push(row);
        }
        for c in r["countries"].as_array().unwrap() {
            countries.push(cells(c, &[("code", false), ("name", false), ("mentions", false)]));
        }
    }
    vec![
        ("Records", records),
        ("Leaders", leaders),
        ("Money", money),
        ("Dates", dates),
        ("Sectors", sectors),
        ("Countries", countries),
    ]
}

#[test]
fn the_workbook_holds_every_record_and_item_as_in_records_json() {
    let out = tempfile::tempdir().unwrap();
    run_into(out.path(), &[]).success();
    let recs = records(out.path());
    let mut book: Xlsx<_> = open_workbook(out.path().join("records.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Records",
            "Leaders",
            "Money",
            "Dates",
            "Sectors",
            "Countries",
            "Mentions",
            "Skipped",
            "Run"
        ]
    );
    let mut compared = 0;
    for (name, expected) in expected_sheets(&recs) {
        let got = sheet(&mut book, name);
        assert_eq!(got.len(), expected.len(), "rows of sheet {name}");
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(g, e, "sheet {name}, row {}", i + 1);
            compared += g.len();
        }
    }
    assert!(compared > 1000, "{compared} cells compared");
    let records_sheet = sheet(&mut book, "Records");
    let row = records_sheet.iter().find(|r| r[0] == "s:001_5f4aca19b6791de1").unwrap();
    assert_eq!(row[6], "d:2024-06-14", "a full date is an Excel date");
    let money = sheet(&mut book, "Money");
    assert!(money.iter().any(|r| r[2] == "n:9600000000"), "amounts are numbers");
    let dates = sheet(&mut book, "Dates");
    assert!(dates.iter().any(|r| r[2] == "s:2023-03"), "a partial date stays text");
    assert!(dates.iter().any(|r| r[2].starts_with("d:")));

    // Mentions: the rows of mentions.csv, with full dates as dates and numbers as numbers.
    let mentions = sheet(&mut book, "Mentions");
    let mut csv = csv::Reader::from_path(out.path().join("mentions.csv")).unwrap();
    let csv_rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(
        mentions[0],
        header(&["record_id", "kind", "text", "value", "start", "end", "rule"])
    );
    assert_eq!(mentions.len(), csv_rows.len() + 1);
    for (got, row) in mentions[1..].iter().zip(&csv_rows) {
        let unsafe_cell = |s: &str| {
            let plain = s
                .strip_prefix('\'')
                .filter(|rest| rest.starts_with(['=', '+', '-', '@']));
            text(plain.unwrap_or(s))
        };
        let value = expect(&Value::String(row[3].to_owned()), &row[1] == "date");
        let want = [
            unsafe_cell(&row[0]),
            text(&row[1]),
            unsafe_cell(&row[2]),
            if value.starts_with("d:") {
                value
            } else {
                unsafe_cell(&row[3])
            },
            format!("n:{}", row[4].parse::<f64>().unwrap()),
            format!("n:{}", row[5].parse::<f64>().unwrap()),
            text(&row[6]),
        ];
        assert_eq!(got, &want);
    }

    // Skipped: none; Run: the top-level scalar fields of run.json.
    assert_eq!(sheet(&mut book, "Skipped"), [header(&["source", "reason"])]);
    let run = manifest(out.path());
    let mut want = vec![header(&["key", "value"])];
    for (key, value) in run.as_object().unwrap() {
        if !value.is_array() && !value.is_object() {
            want.push(vec![text(key), expect(value, false)]);
        }
    }
    assert_eq!(want.len(), 7, "{want:?}");
    assert_eq!(sheet(&mut book, "Run"), want);
}

#[test]
fn the_workbook_is_the_same_for_one_and_two_threads() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    run_into(one.path(), &["--threads", "1"]).success();
    run_into(two.path(), &["--threads", "2"]).success();
    let a = fs::read(one.path().join("records.xlsx")).unwrap();
    let b = fs::read(two.path().join("records.xlsx")).unwrap();
    assert!(a == b, "records.xlsx differs between thread counts");
}

/// An input folder with the German sample and articles whose ids look like formulas.
fn formula_inputs(dir: &Path) {
    fs::copy(sample(GERMAN_SAMPLE), dir.join(GERMAN_SAMPLE)).unwrap();
    let text = "Tashkent, 14 June 2024. President Shavkat Mirziyoyev met the German Chancellor in Berlin.\n";
    for name in ["=1+2", "@SUM(A1)", "-3+4", "=HYPERLINK(\"http:\")"] {
        fs::write(dir.join(format!("{name}.txt")), text).unwrap();
    }
}

#[test]
fn text_that_looks_like_a_formula_stays_text() {
    let input = tempfile::tempdir().unwrap();
    formula_inputs(input.path());
    let out = tempfile::tempdir().unwrap();
    run_on(input.path(), out.path(), &["--format", "xlsx,json"]).success();
    let mut book: Xlsx<_> = open_workbook(out.path().join("records.xlsx")).unwrap();
    let ids: Vec<String> = sheet(&mut book, "Records").iter().map(|r| r[0].clone()).collect();
    for name in ["=1+2", "@SUM(A1)", "-3+4", "=HYPERLINK(\"http:\")"] {
        assert!(ids.contains(&format!("s:{name}")), "{name} in {ids:?}");
    }
    for name in book.sheet_names() {
        let formulas = book.worksheet_formula(&name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "a formula in sheet {name}"
        );
    }
    assert!(!out.path().join("records.csv").exists(), "only the formats asked for");
}

#[cfg(unix)]
#[test]
fn csv_bom_writes_csv_for_excel_and_german_text_round_trips() {
    let plain = tempfile::tempdir().unwrap();
    let excel = tempfile::tempdir().unwrap();
    let input = tempfile::tempdir().unwrap();
    formula_inputs(input.path());
    std::os::unix::fs::symlink(input.path().join("missing"), input.path().join("broken.txt")).unwrap();
    run_on(input.path(), plain.path(), &["--format", "csv"]).code(3);
    run_on(input.path(), excel.path(), &["--format", "csv", "--csv-bom"]).code(3);
    for name in ["records.csv", "mentions.csv", "skipped.csv"] {
        let bytes = fs::read(excel.path().join(name)).unwrap();
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "{name} starts with a BOM");
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert!(text.ends_with("\r\n"), "{name}");
        let lines = text.split_inclusive('\n').count();
        assert_eq!(text.matches("\r\n").count(), lines, "{name}: every line ends with CRLF");
        // Same rows as the plain file, once the BOM and line ends are taken away.
        let rows = |data: &[u8]| -> Vec<csv::StringRecord> {
            csv::Reader::from_reader(data).records().map(Result::unwrap).collect()
        };
        let plain_bytes = fs::read(plain.path().join(name)).unwrap();
        assert!(
            !plain_bytes.starts_with(&[0xEF]) && !plain_bytes.contains(&b'\r'),
            "{name}"
        );
        assert_eq!(rows(&bytes[3..]), rows(&plain_bytes), "{name}");
    }
    let records = fs::read_to_string(excel.path().join("records.csv")).unwrap();
    assert!(
        records.contains("Die Staatsoberhäupter von Usbekistan und Kasachstan"),
        "{records}"
    );
    assert!(records.contains("\r\n'=1+2,"), "formula cells keep their apostrophe");
    let mentions = fs::read_to_string(excel.path().join("mentions.csv")).unwrap();
    assert!(mentions.contains("Präsident") || mentions.contains("Staatsoberhäupter") || mentions.contains("ä"));
    let skipped = fs::read_to_string(excel.path().join("skipped.csv")).unwrap();
    assert!(skipped.starts_with("\u{feff}source,reason\r\nbroken.txt,"), "{skipped}");
}

#[test]
fn quiet_prints_no_summary_and_no_progress() {
    let out = tempfile::tempdir().unwrap();
    let assert = run_into(out.path(), &["--quiet", "--format", "json"]).success();
    assert_eq!(stdout(&assert), "");
    assert_eq!(stderr(&assert), "");
    assert_eq!(records(out.path()).len(), 10);
    let loud = run_into(out.path(), &["--format", "json"]).success();
    assert!(
        stdout(&loud).starts_with("accord: 5 articles -> 10 records"),
        "{}",
        stdout(&loud)
    );
    assert_eq!(stderr(&loud), "", "no progress when standard error is not a terminal");
}

/// Runs `accord run` on the sample articles under a pseudo-terminal (util-linux `script`) and
/// returns what the terminal showed; `None` where `script` is not installed.
fn on_a_terminal(out: &Path, extra: &str) -> Option<String> {
    let command = format!(
        "{} run --input {SAMPLES} --reference-date {REFERENCE_DATE} --format json --out {} {extra} 2>&1",
        binary().display(),
        out.display()
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(root())
        .output()
        .ok()?;
    assert!(output.status.success(), "{output:?}");
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn progress_is_drawn_on_a_terminal_unless_quiet() {
    let out = tempfile::tempdir().unwrap();
    let Some(shown) = on_a_terminal(out.path(), "") else {
        eprintln!("script(1) is not installed: progress on a terminal not checked");
        return;
    };
    assert!(shown.contains("/5 files"), "{shown:?}");
    assert!(shown.contains("ETA"), "{shown:?}");
    assert!(shown.contains("accord: 5 articles"), "{shown:?}");
    let quiet = on_a_terminal(out.path(), "--quiet").unwrap();
    assert!(!quiet.contains("files") && !quiet.contains("accord:"), "{quiet:?}");
}
