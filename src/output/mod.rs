//! Output writers. Every file is written to a temporary file in the output folder and all of
//! them replace the previous output together only when the run completes ([`commit`]), so a
//! crash or an error never leaves a half-written file or destroys the previous run's output.

pub mod commit;
pub mod csv;
pub mod encode;
pub mod lines;
pub mod progress;
pub mod sync;
pub mod xlsx;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use tempfile::NamedTempFile;

use crate::input::Skipped;
use crate::record::Record;
use commit::OutputDir;
use encode::{Encoded, Encoder};
use sync::BackgroundSync;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Format {
    /// `records.csv` and `mentions.csv`.
    Csv,
    /// `records.json`, a JSON array.
    Json,
    /// `records.jsonl`, one record per line.
    Jsonl,
    /// `records.xlsx`, an Excel workbook (see [`xlsx`]).
    Xlsx,
}

/// Every format, the default set of a run.
pub const ALL_FORMATS: [Format; 4] = [Format::Csv, Format::Json, Format::Jsonl, Format::Xlsx];

/// What a run writes, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputOptions {
    /// The formats to write.
    pub formats: Vec<Format>,
    /// Write the CSV files for Excel: UTF-8 with a byte-order mark, lines ended with CRLF.
    pub csv_bom: bool,
    /// The run's reference date, the creation date recorded in `records.xlsx`.
    pub reference_date: NaiveDate,
    /// Write the state of an incremental run (see [`crate::incremental`]).
    pub incremental: bool,
}

/// The UTF-8 byte-order mark that `--csv-bom` puts at the start of each CSV file.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Bytes an output gathers before they go to its file: a run's outputs are written by one
/// thread, and with the standard 8 KiB the 23 MB of `records.jsonl` of 5,000 articles took
/// 3,000 system calls.
const WRITE_BUFFER_BYTES: usize = 256 << 10;

/// One output being written to its temporary file.
struct Pending {
    file: BufWriter<NamedTempFile>,
    name: &'static str,
    /// Syncs the file's data while it grows.
    sync: BackgroundSync,
}

impl Pending {
    fn new(dir: &OutputDir, name: &'static str) -> std::io::Result<Pending> {
        Ok(Pending {
            file: BufWriter::with_capacity(WRITE_BUFFER_BYTES, dir.temp_file(name)?),
            name,
            sync: BackgroundSync::default(),
        })
    }

    /// The finished temporary file, readable by others, with the name it is to take.
    fn finish(mut self) -> std::io::Result<(NamedTempFile, &'static str)> {
        self.sync.wait()?;
        let tmp = self.file.into_inner().map_err(|e| e.into_error())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
        }
        Ok((tmp, self.name))
    }
}

/// Streams records into the output files of a run.
pub struct Writer {
    dir: OutputDir,
    json: Option<Pending>,
    jsonl: Option<Pending>,
    records_csv: Option<Pending>,
    mentions_csv: Option<Pending>,
    xlsx: Option<xlsx::XlsxWriter>,
    encoder: Encoder,
    skipped: Pending,
    manifest: Pending,
    state: Option<Pending>,
    count: usize,
}

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.file.write(buf)?;
        self.sync.wrote(written, self.file.get_ref().as_file())?;
        Ok(written)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Writer {
    /// Creates the output folder if needed, takes it over (see [`commit`]) and opens
    /// temporary files for the formats of `options`.
    pub fn create(dir: &Path, options: &OutputOptions) -> std::io::Result<Writer> {
        let out = OutputDir::open(dir)?;
        let xlsx = if options.formats.contains(&Format::Xlsx) {
            let mut writer = guarded(|| xlsx::XlsxWriter::new(dir, options.reference_date))?;
            writer.write_mentions_apart()?;
            Some(writer)
        } else {
            None
        };
        let dir = &out;
        let has = |f: Format| options.formats.contains(&f);
        let encoder = Encoder::new(&options.formats, options.csv_bom);
        let mut json = has(Format::Json)
            .then(|| Pending::new(dir, "records.json"))
            .transpose()?;
        if let Some(j) = json.as_mut() {
            j.write_all(b"[")?;
        }
        let csv_file = |name, columns: &[&str]| -> std::io::Result<Pending> {
            let mut file = Pending::new(dir, name)?;
            file.write_all(&encoder.csv_start(columns)?)?;
            Ok(file)
        };
        let records_csv = has(Format::Csv)
            .then(|| csv_file("records.csv", &csv::RECORD_COLUMNS))
            .transpose()?;
        let mentions_csv = has(Format::Csv)
            .then(|| csv_file("mentions.csv", &csv::MENTION_COLUMNS))
            .transpose()?;
        let jsonl = has(Format::Jsonl)
            .then(|| Pending::new(dir, "records.jsonl"))
            .transpose()?;
        let skipped = Pending::new(dir, "skipped.csv")?;
        let manifest = Pending::new(dir, "run.json")?;
        let state = options
            .incremental
            .then(|| Pending::new(dir, crate::incremental::STATE_FILE))
            .transpose()?;
        Ok(Writer {
            dir: out,
            json,
            jsonl,
            records_csv,
            mentions_csv,
            xlsx,
            encoder,
            skipped,
            manifest,
            state,
            count: 0,
        })
    }

    /// Appends a line to the state of an incremental run (nothing when the run is not one).
    pub fn write_state(&mut self, line: &[u8]) -> std::io::Result<()> {
        match self.state.as_mut() {
            Some(state) => state.write_all(line),
            None => Ok(()),
        }
    }

    /// How records are to be encoded for this writer's text formats (see [`encode`]).
    pub fn encoder(&self) -> Encoder {
        self.encoder
    }

    /// True when [`Writer::write_encoded`] needs the records themselves, not only their
    /// encoded forms: for the workbook, which is made on the writer's thread (its `Mentions`
    /// sheet on a thread of its own).
    pub fn needs_records(&self) -> bool {
        self.xlsx.is_some()
    }

    /// Appends one file's records, encoded by [`Writer::encoder`] as `encoded`, to every open
    /// output; `records` are the records themselves when [`Writer::needs_records`] (else
    /// they may be left out).
    pub fn write_encoded(&mut self, records: Vec<Record>, encoded: &Encoded) -> std::io::Result<()> {
        if let Some(j) = self.json.as_mut() {
            for (k, element) in encoded.json.iter().enumerate() {
                j.write_all(if self.count + k == 0 { b"\n" } else { b",\n" })?;
                j.write_all(element)?;
            }
        }
        let appends = [
            (&mut self.jsonl, &encoded.jsonl),
            (&mut self.records_csv, &encoded.records_csv),
            (&mut self.mentions_csv, &encoded.mentions_csv),
        ];
        for (file, bytes) in appends {
            if let Some(f) = file.as_mut() {
                f.write_all(bytes)?;
            }
        }
        if let Some(x) = self.xlsx.as_mut() {
            for record in records {
                x.write_record(record)?;
            }
        }
        self.count += encoded.records;
        Ok(())
    }

    /// Waits until every record written so far is in every output (the workbook's `Mentions`
    /// sheet is written on a thread of its own).
    pub fn finish_rows(&mut self) -> std::io::Result<()> {
        match self.xlsx.as_mut() {
            Some(x) => x.finish_rows(),
            None => Ok(()),
        }
    }

    /// What the reader of the outputs should know about this run's files (rows or cells that
    /// did not fit into `records.xlsx`), complete once [`Writer::finish_rows`] has returned;
    /// the pipeline puts them into `run.json`.
    pub fn notes(&self) -> Vec<String> {
        self.xlsx.as_ref().map(xlsx::XlsxWriter::notes).unwrap_or_default()
    }

    /// Writes the skipped-files list and the run manifest, then replaces the previous output
    /// with every file at once (see [`commit`]).
    pub fn finish<M: Serialize>(mut self, skipped: &[Skipped], manifest: &M) -> std::io::Result<Vec<PathBuf>> {
        let mut done = Vec::new();
        if let Some(mut j) = self.json.take() {
            j.write_all(if self.count == 0 { b"]\n" } else { b"\n]\n" })?;
            done.push(j);
        }
        done.extend(
            [self.jsonl.take(), self.records_csv.take(), self.mentions_csv.take()]
                .into_iter()
                .flatten(),
        );
        if let Some(x) = self.xlsx.take() {
            let manifest = serde_json::to_value(manifest)?;
            let mut book = Pending::new(&self.dir, "records.xlsx")?;
            guarded(|| x.finish(skipped, &manifest, &mut book.file))?;
            done.push(book);
        }
        self.skipped
            .write_all(&self.encoder.csv_start(&csv::SKIPPED_COLUMNS)?)?;
        let rows = skipped
            .iter()
            .map(|s| [csv::safe_cell(&s.source), csv::safe_cell(&s.reason)]);
        self.skipped.write_all(&self.encoder.csv_rows(rows)?)?;
        serde_json::to_writer_pretty(&mut self.manifest, manifest)?;
        self.manifest.write_all(b"\n")?;
        done.push(self.skipped);
        done.push(self.manifest);
        done.extend(self.state);
        let files = done
            .into_iter()
            .map(Pending::finish)
            .collect::<std::io::Result<Vec<_>>>()?;
        self.dir.commit(files)
    }
}

/// Runs a step of the workbook writer. rust_xlsxwriter panics when it cannot write a row to
/// its temporary sheet file (a full disk, say): the panic is caught (quietly, see
/// [`crate::isolate`]) and becomes an error of the run like any other failed write.
fn guarded<T>(step: impl FnOnce() -> Result<T, rust_xlsxwriter::XlsxError>) -> std::io::Result<T> {
    match crate::isolate::isolated("records.xlsx", || Ok(step())) {
        Ok(done) => done.map_err(xlsx_error),
        Err(failed) => {
            // `internal error: MESSAGE at FILE.rs:LINE`: the message is what the user needs.
            let reason = failed.reason.trim_start_matches("internal error: ");
            let message = match reason.rsplit_once(" at ") {
                Some((message, at)) if at.contains(".rs:") => message,
                _ => reason,
            };
            Err(std::io::Error::other(format!("records.xlsx: {message}")))
        }
    }
}

/// An error of the workbook writer as an I/O error, keeping the kind of an underlying one (a
/// full disk stays a full disk).
fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> std::io::Error {
    match e {
        rust_xlsxwriter::XlsxError::IoError(e) => e,
        rust_xlsxwriter::XlsxError::TempFileError(dir, e) => std::io::Error::new(
            e.kind(),
            format!("cannot create a temporary file in {}: {e}", dir.display()),
        ),
        other => std::io::Error::other(format!("records.xlsx: {other}")),
    }
}
