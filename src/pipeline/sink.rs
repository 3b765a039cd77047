//! Where a run writes its records: the output folder's files, or JSON lines on standard output.

use std::path::PathBuf;

use super::RunSummary;
use crate::input::Skipped;
use crate::output::encode::{Encoded, Encoder};
use crate::output::lines::RecordLines;
use crate::output::Writer;
use crate::record::Record;

/// Where records are written: the output folder's files, or JSON lines on standard output.
pub(super) enum Sink {
    Folder(Box<Writer>),
    Stdout(RecordLines<std::io::Stdout>),
}

impl Sink {
    /// How the workers encode records for this sink.
    pub(super) fn encoder(&self) -> Encoder {
        match self {
            Sink::Folder(w) => w.encoder(),
            Sink::Stdout(_) => Encoder::lines(),
        }
    }

    /// True when [`Sink::write`] needs the records themselves, not only their encoded forms.
    pub(super) fn needs_records(&self) -> bool {
        match self {
            Sink::Folder(w) => w.needs_records(),
            Sink::Stdout(_) => false,
        }
    }

    /// Appends one file's records, encoded by [`Sink::encoder`] as `encoded`; `records` may
    /// be left out unless [`Sink::needs_records`].
    pub(super) fn write(&mut self, records: Vec<Record>, encoded: &Encoded) -> std::io::Result<()> {
        match self {
            Sink::Folder(w) => w.write_encoded(records, encoded),
            Sink::Stdout(w) => w.append(&encoded.jsonl),
        }
    }

    /// Waits until every record written so far is in the output.
    pub(super) fn finish_rows(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Folder(w) => w.finish_rows(),
            Sink::Stdout(_) => Ok(()),
        }
    }

    /// Appends a line to the state of an incremental run.
    pub(super) fn write_state(&mut self, line: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Folder(w) => w.write_state(line),
            Sink::Stdout(_) => Ok(()),
        }
    }

    /// The end of a chunk: records written so far go to a stream's reader.
    pub(super) fn chunk_done(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Folder(_) => Ok(()),
            Sink::Stdout(w) => w.flush(),
        }
    }

    pub(super) fn notes(&self) -> Vec<String> {
        match self {
            Sink::Folder(w) => w.notes(),
            Sink::Stdout(_) => Vec::new(),
        }
    }

    /// Completes the output; the files written (none for standard output).
    pub(super) fn finish(self, skipped: &[Skipped], summary: &RunSummary) -> std::io::Result<Vec<PathBuf>> {
        match self {
            Sink::Folder(w) => (*w).finish(skipped, summary),
            Sink::Stdout(mut w) => w.flush().map(|()| Vec::new()),
        }
    }
}
