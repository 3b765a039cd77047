//! Output writers. Every file is written to a temporary file in the output folder and all of
//! them replace the previous output together only when the run completes ([`commit`]), so a
//! crash or an error never leaves a half-written file or destroys the previous run's output.

pub mod commit;
pub mod csv;
pub mod lines;
pub mod progress;
pub mod xlsx;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use tempfile::NamedTempFile;

use crate::input::Skipped;
use crate::record::Record;
use commit::OutputDir;

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

/// One output being written to its temporary file.
struct Pending {
    file: BufWriter<NamedTempFile>,
    name: &'static str,
}

impl Pending {
    fn new(dir: &OutputDir, name: &'static str) -> std::io::Result<Pending> {
        Ok(Pending {
            file: BufWriter::new(dir.temp_file(name)?),
            name,
        })
    }

    /// The finished temporary file, readable by others, with the name it is to take.
    fn finish(self) -> std::io::Result<(NamedTempFile, &'static str)> {
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
    records_csv: Option<::csv::Writer<Pending>>,
    mentions_csv: Option<::csv::Writer<Pending>>,
    xlsx: Option<xlsx::XlsxWriter>,
    csv_bom: bool,
    skipped: Pending,
    manifest: Pending,
    state: Option<Pending>,
    count: usize,
}

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
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
            Some(guarded(|| xlsx::XlsxWriter::new(dir, options.reference_date))?)
        } else {
            None
        };
        let dir = &out;
        let has = |f: Format| options.formats.contains(&f);
        let csv_bom = options.csv_bom;
        let mut json = has(Format::Json)
            .then(|| Pending::new(dir, "records.json"))
            .transpose()?;
        if let Some(j) = json.as_mut() {
            j.write_all(b"[")?;
        }
        let records_csv = if has(Format::Csv) {
            let mut w = csv_writer(Pending::new(dir, "records.csv")?, csv_bom)?;
            w.write_record(csv::RECORD_COLUMNS)?;
            Some(w)
        } else {
            None
        };
        let mentions_csv = if has(Format::Csv) {
            let mut w = csv_writer(Pending::new(dir, "mentions.csv")?, csv_bom)?;
            w.write_record(csv::MENTION_COLUMNS)?;
            Some(w)
        } else {
            None
        };
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
            csv_bom,
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

    /// Appends one record to every open output.
    pub fn write(&mut self, record: &Record) -> std::io::Result<()> {
        if let Some(j) = self.json.as_mut() {
            j.write_all(if self.count == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer_pretty(&mut *j, record)?;
        }
        if let Some(j) = self.jsonl.as_mut() {
            lines::write_line(j, record)?;
        }
        if let Some(w) = self.records_csv.as_mut() {
            w.write_record(csv::record_row(record))?;
        }
        if let Some(w) = self.mentions_csv.as_mut() {
            for row in csv::mention_rows(record) {
                w.write_record(row)?;
            }
        }
        if let Some(x) = self.xlsx.as_mut() {
            guarded(|| x.write(record))?;
        }
        self.count += 1;
        Ok(())
    }

    /// What the reader of the outputs should know about this run's files so far (rows or
    /// cells that did not fit into `records.xlsx`); the pipeline puts them into `run.json`.
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
        if let Some(j) = self.jsonl.take() {
            done.push(j);
        }
        for w in [self.records_csv.take(), self.mentions_csv.take()]
            .into_iter()
            .flatten()
        {
            done.push(w.into_inner().map_err(|e| e.into_error())?);
        }
        if let Some(x) = self.xlsx.take() {
            let manifest = serde_json::to_value(manifest)?;
            let mut book = Pending::new(&self.dir, "records.xlsx")?;
            guarded(|| x.finish(skipped, &manifest, &mut book.file))?;
            done.push(book);
        }
        {
            let mut w = csv_writer(&mut self.skipped, self.csv_bom)?;
            w.write_record(csv::SKIPPED_COLUMNS)?;
            for s in skipped {
                w.write_record([csv::safe_cell(&s.source), csv::safe_cell(&s.reason)])?;
            }
            w.flush()?;
        }
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

/// A CSV writer into `out`: plain (`\n` line ends), or for Excel (`bom`: a UTF-8 byte-order
/// mark first, lines ended with CRLF).
fn csv_writer<W: Write>(mut out: W, bom: bool) -> std::io::Result<::csv::Writer<W>> {
    let mut builder = ::csv::WriterBuilder::new();
    if bom {
        out.write_all(UTF8_BOM)?;
        builder.terminator(::csv::Terminator::CRLF);
    }
    Ok(builder.from_writer(out))
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
