//! Output writers. Every file is written to a temporary file in the output folder and all of
//! them replace the previous output together only when the run completes ([`commit`]), so a
//! crash or an error never leaves a half-written file or destroys the previous run's output.

pub mod commit;
pub mod csv;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

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
}

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
    skipped: Pending,
    manifest: Pending,
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
    /// temporary files for `formats`.
    pub fn create(dir: &Path, formats: &[Format]) -> std::io::Result<Writer> {
        let out = OutputDir::open(dir)?;
        let dir = &out;
        let has = |f: Format| formats.contains(&f);
        let mut json = has(Format::Json)
            .then(|| Pending::new(dir, "records.json"))
            .transpose()?;
        if let Some(j) = json.as_mut() {
            j.write_all(b"[")?;
        }
        let records_csv = if has(Format::Csv) {
            let mut w = ::csv::Writer::from_writer(Pending::new(dir, "records.csv")?);
            w.write_record(csv::RECORD_COLUMNS)?;
            Some(w)
        } else {
            None
        };
        let mentions_csv = if has(Format::Csv) {
            let mut w = ::csv::Writer::from_writer(Pending::new(dir, "mentions.csv")?);
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
        Ok(Writer {
            dir: out,
            json,
            jsonl,
            records_csv,
            mentions_csv,
            skipped,
            manifest,
            count: 0,
        })
    }

    /// Appends one record to every open output.
    pub fn write(&mut self, record: &Record) -> std::io::Result<()> {
        if let Some(j) = self.json.as_mut() {
            j.write_all(if self.count == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer_pretty(&mut *j, record)?;
        }
        if let Some(j) = self.jsonl.as_mut() {
            serde_json::to_writer(&mut *j, record)?;
            j.write_all(b"\n")?;
        }
        if let Some(w) = self.records_csv.as_mut() {
            w.write_record(csv::record_row(record))?;
        }
        if let Some(w) = self.mentions_csv.as_mut() {
            for row in csv::mention_rows(record) {
                w.write_record(row)?;
            }
        }
        self.count += 1;
        Ok(())
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
        {
            let mut w = ::csv::Writer::from_writer(&mut self.skipped);
            w.write_record(["source", "reason"])?;
            for s in skipped {
                w.write_record([csv::safe_cell(&s.source), csv::safe_cell(&s.reason)])?;
            }
            w.flush()?;
        }
        serde_json::to_writer_pretty(&mut self.manifest, manifest)?;
        self.manifest.write_all(b"\n")?;
        done.push(self.skipped);
        done.push(self.manifest);
        let files = done
            .into_iter()
            .map(Pending::finish)
            .collect::<std::io::Result<Vec<_>>>()?;
        self.dir.commit(files)
    }
}
