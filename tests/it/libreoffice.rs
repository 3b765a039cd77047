//! LibreOffice reads what accord writes: headless LibreOffice converts `records.xlsx` and the
//! `--csv-bom` CSV files to UTF-8 CSV, and German text (umlauts, ß) comes back unchanged, equal
//! to `records.json`; text that looks like a formula stays text. Where neither `soffice` nor
//! `libreoffice` is on PATH each test says it is skipped on standard error and passes
//! (`.ci/run` installs `libreoffice-calc-nogui`).

use crate::common::*;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

/// LibreOffice's CSV filter, for import and export.
const CSV_FILTER: &str = "Text - txt - csv (StarCalc)";

/// Export options: comma, double quote, UTF-8 (76), from line 1, column formats left to the
/// filter, and (the 12th token) every sheet, each to `<name>-<sheet>.csv`.
const EXPORT_ALL_SHEETS: &str = "44,34,76,1,,0,false,true,false,false,false,-1";

/// Import options: comma, double quote, UTF-8 (76), from line 1, standard column formats,
/// English (US, 1033) numbers, quoted fields not forced to text, special numbers (dates) not
/// detected, spaces kept, and (the 13th token) formulas evaluated, as a user opening a file
/// expects.
const IMPORT_UTF8: &str = "44,34,76,1,,1033,false,false,false,false,false,0,true";

/// The made-up article's file stem, which is also its record id: German, and a formula to a
/// spreadsheet that evaluated it.
const MADE_UP: &str = "=Präsident+Müller";

const MADE_UP_TEXT: &str = "Präsident Müller trifft den Außenminister in Köln\n\n\
Berlin, 3. März 2026 – Der Präsident der Republik Österreich, Alexander Van der Bellen, und der \
deutsche Außenminister Johann Wadephul haben in Köln über die Zusammenarbeit gesprochen. \
Bundeskanzler Friedrich Merz begrüßte das Gespräch. Der Präsident Müller der Handelskammer sagte, \
die Vereinbarung über 2 Milliarden Euro stärke die Wirtschaft beider Länder. Grüße aus Düsseldorf.\n";

/// `soffice` or `libreoffice` on PATH; `None`, with a line on standard error (not captured by
/// the test harness, so it shows in CI logs), where neither is.
fn office(test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .flat_map(|dir| ["soffice", "libreoffice"].map(|name| dir.join(name)))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let _ = writeln!(
            std::io::stderr(),
            "{test}: skipped: LibreOffice not installed (neither soffice nor libreoffice on PATH)"
        );
    }
    found
}

/// `path` as a `file://` URL, for `-env:UserInstallation`.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.to_str().expect("a UTF-8 temporary path").bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// Headless LibreOffice with its own profile under `work` (so tests running at the same time do
/// not share one): converts `files` to `to` (`csv:<filter>:<options>`) into `work/<outdir>`,
/// reading them with `infilter` when given. Fails after three minutes.
fn convert(office: &Path, work: &Path, infilter: Option<&str>, to: &str, files: &[PathBuf], outdir: &str) -> PathBuf {
    let out = work.join(outdir);
    let mut cmd = assert_cmd::Command::new(office);
    cmd.arg(format!("-env:UserInstallation={}", file_url(&work.join("profile"))))
        .args(["--headless", "--norestore", "--nolockcheck"]);
    if let Some(filter) = infilter {
        cmd.arg(format!("--infilter={filter}"));
    }
    cmd.args(["--convert-to", to, "--outdir"])
        .arg(&out)
        .args(files)
        .timeout(Duration::from_secs(180));
    let assert = cmd.assert();
    let output = assert.get_output();
    assert!(
        output.status.success() && out.is_dir(),
        "LibreOffice failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// A CSV file LibreOffice wrote: checked to be UTF-8 without a byte-order mark or the marks
/// of UTF-8 read as Latin-1 (`Ã¤` for `ä`), then parsed.
fn read_csv(path: &Path) -> Vec<csv::StringRecord> {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{} is not UTF-8: {e}", path.display()));
    for bad in ['\u{feff}', '\u{fffd}', 'Ã', 'Â'] {
        assert!(!text.contains(bad), "{} contains {bad:?}:\n{text}", path.display());
    }
    parse(text.as_bytes())
}

fn parse(data: &[u8]) -> Vec<csv::StringRecord> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(data)
        .records()
        .map(Result::unwrap)
        .collect()
}

/// The rows after the header as maps from column name to cell.
fn named(rows: &[csv::StringRecord]) -> Vec<BTreeMap<String, String>> {
    let header = &rows[0];
    rows[1..]
        .iter()
        .map(|r| {
            header
                .iter()
                .map(str::to_owned)
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// Runs accord with the default formats and `--csv-bom` on the German sample article and the
/// made-up one; returns the input and output folders and the records.
fn german_run() -> (tempfile::TempDir, tempfile::TempDir, Vec<Value>) {
    let input = samples_copy(&[GERMAN_SAMPLE]);
    fs::write(input.path().join(format!("{MADE_UP}.txt")), MADE_UP_TEXT).unwrap();
    let out = tempfile::tempdir().unwrap();
    run_on(input.path(), out.path(), &["--csv-bom"]).success();
    let recs = records(out.path());
    // The German text the checks below rely on is in the records to begin with.
    let json = serde_json::to_string(&recs).unwrap();
    for word in [
        "Staatsoberhäupter",
        "Präsident",
        "Außenminister",
        "Müller",
        "Köln",
        MADE_UP,
    ] {
        assert!(json.contains(word), "{word} in records.json");
    }
    (input, out, recs)
}

#[test]
fn libreoffice_converts_the_workbook_and_german_text_survives() {
    let Some(office) = office("libreoffice_converts_the_workbook_and_german_text_survives") else {
        return;
    };
    let (_input, out, recs) = german_run();
    let work = tempfile::tempdir().unwrap();
    let to = format!("csv:{CSV_FILTER}:{EXPORT_ALL_SHEETS}");
    let sheets = convert(
        &office,
        work.path(),
        None,
        &to,
        &[out.path().join("records.xlsx")],
        "csv",
    );

    let rows = named(&read_csv(&sheets.join("records-Records.csv")));
    assert_eq!(rows.len(), recs.len(), "one row per record");
    for r in &recs {
        let id = text(&r["id"]);
        // The id `=Präsident+Müller` comes back as written: a formula would give `#NAME?`.
        let row = rows
            .iter()
            .find(|row| row["id"] == id)
            .unwrap_or_else(|| panic!("{id} in {rows:?}"));
        assert_eq!(row["source"], text(&r["source"]));
        assert_eq!(row["title"], text(&r["title"]), "title of {id}");
        let names: Vec<String> = r["leaders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| text(&l["name"]))
            .collect();
        assert_eq!(row["leaders"], names.join("; "), "leaders of {id}");
    }

    let leaders = named(&read_csv(&sheets.join("records-Leaders.csv")));
    let from_sheet: Vec<[String; 4]> = leaders
        .iter()
        .map(|l| [&l["record_id"], &l["name"], &l["text"], &l["title"]].map(String::clone))
        .collect();
    let from_json: Vec<[String; 4]> = recs
        .iter()
        .flat_map(|r| {
            r["leaders"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| [text(&r["id"]), text(&l["name"]), text(&l["text"]), text(&l["title"])])
        })
        .collect();
    assert_eq!(from_sheet, from_json, "the Leaders sheet");
    assert!(from_sheet.iter().any(|l| l[1] == "Müller" && l[3] == "Präsident"));
    assert!(from_sheet.iter().any(|l| l[3] == "Außenminister"));
}

#[test]
fn libreoffice_reads_the_bom_csv_as_utf8_and_formula_like_cells_stay_text() {
    let Some(office) = office("libreoffice_reads_the_bom_csv_as_utf8_and_formula_like_cells_stay_text") else {
        return;
    };
    let (_input, out, _recs) = german_run();
    let work = tempfile::tempdir().unwrap();
    let infilter = format!("{CSV_FILTER}:{IMPORT_UTF8}");
    let to = format!("csv:{CSV_FILTER}:44,34,76");
    let files = ["records.csv", "mentions.csv"].map(|name| out.path().join(name));
    let back = convert(&office, work.path(), Some(&infilter), &to, &files, "csv");

    for name in ["records.csv", "mentions.csv"] {
        let original = fs::read(out.path().join(name)).unwrap();
        assert!(original.starts_with(b"\xEF\xBB\xBF"), "{name} has a byte-order mark");
        let read_back = read_csv(&back.join(name));
        // The mark is taken as the mark, not as part of the first column's name.
        assert_eq!(&read_back[0][0], if name == "records.csv" { "id" } else { "record_id" });
        assert_eq!(
            read_back,
            parse(&original[3..]),
            "{name}: every cell as accord wrote it"
        );
    }
    let records = named(&read_csv(&back.join("records.csv")));
    let made_up = records
        .iter()
        .find(|r| r["title"] == "Präsident Müller trifft den Außenminister in Köln")
        .expect("the made-up article's record");
    // Evaluated formulas are on, yet the apostrophe keeps the id text.
    assert_eq!(made_up["id"], format!("'{MADE_UP}"));
    assert!(made_up["leaders"].contains("Müller") && made_up["leaders"].contains("Johann Wadephul"));

    // Without the apostrophe LibreOffice would evaluate the cell: the guard is what keeps it.
    let bare = work.path().join("bare");
    fs::create_dir(&bare).unwrap();
    let csv = fs::read_to_string(out.path().join("records.csv")).unwrap();
    fs::write(bare.join("records.csv"), csv.replace(&format!("'{MADE_UP}"), MADE_UP)).unwrap();
    let evaluated = convert(
        &office,
        work.path(),
        Some(&infilter),
        &to,
        &[bare.join("records.csv")],
        "bare-csv",
    );
    let rows = named(&read_csv(&evaluated.join("records.csv")));
    let row = rows
        .iter()
        .find(|r| r["title"].starts_with("Präsident Müller"))
        .unwrap();
    assert_ne!(row["id"], MADE_UP, "an unguarded formula is evaluated by LibreOffice");
}
