//! The main job: load rules → discover inputs → process files in parallel (rayon), in bounded
//! chunks, in input order → stream records to the writers → manifest.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use thiserror::Error;

use crate::input::{discover, InputError, InputFile, Skipped};
use crate::isolate::isolated;
use crate::output::progress::Progress;
use crate::output::{Format, OutputOptions, Writer};
use crate::process::{process_file, Settings};
use crate::record::Record;
use crate::rules::diag::RuleErrors;
use crate::rules::RuleSet;

/// How many files each worker thread gets per chunk; bounds memory to a few chunks of records.
const FILES_PER_THREAD_PER_CHUNK: usize = 32;

/// A validated run configuration.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Files or folders to read.
    pub inputs: Vec<PathBuf>,
    /// The rules folder.
    pub rules: PathBuf,
    /// The output folder.
    pub out: PathBuf,
    /// Formats to write.
    pub formats: Vec<Format>,
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// Anchor date for stories without a published date.
    pub reference_date: NaiveDate,
    /// Files larger than this many bytes are skipped.
    pub max_file_size: u64,
    /// Write the CSV files for Excel: a UTF-8 byte-order mark and CRLF line ends.
    pub csv_bom: bool,
    /// Show progress on standard error (the caller checks that it is a terminal).
    pub progress: bool,
}

/// Why a run failed as a whole.
#[derive(Debug, Error)]
pub enum RunError {
    /// The rule files have errors; nothing was processed.
    #[error("{0}")]
    Rules(#[from] RuleErrors),
    /// An input path is wrong.
    #[error("{0}")]
    Input(#[from] InputError),
    /// The output could not be written; the previous output is untouched.
    #[error("cannot write output to {path}: {source}")]
    Output {
        /// The output folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The thread pool could not be built.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// The results of one chunk of files, in input order.
type Batch = Vec<Result<Vec<Record>, Skipped>>;

/// Counts kept while records are written.
#[derive(Default)]
struct Tally {
    records: usize,
    by_language: BTreeMap<String, usize>,
    mentions: BTreeMap<String, usize>,
    skipped: Vec<Skipped>,
}

impl Tally {
    fn count(&mut self, r: &Record) {
        if self.mentions.is_empty() {
            for kind in ["date", "leader", "money", "sector", "country"] {
                self.mentions.insert(kind.to_string(), 0);
            }
        }
        self.records += 1;
        *self.by_language.entry(r.language.clone()).or_default() += 1;
        for m in &r.mentions {
            *self.mentions.entry(m.kind.to_string()).or_default() += 1;
        }
    }
}

/// What a run did, also written as `run.json`.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// Tool name.
    pub tool: &'static str,
    /// Tool version.
    pub version: &'static str,
    /// SHA-256 of the rule files.
    pub rules_digest: String,
    /// The reference date used.
    pub reference_date: String,
    /// Input files found.
    pub inputs: usize,
    /// Records written.
    pub records: usize,
    /// Records per language.
    pub by_language: BTreeMap<String, usize>,
    /// Mentions per kind.
    pub mentions: BTreeMap<String, usize>,
    /// Files that could not be processed.
    pub skipped: Vec<SkippedOut>,
    /// Wall-clock timings in milliseconds.
    pub timings_ms: BTreeMap<String, u128>,
    /// What the reader of the outputs should know (e.g. rows that did not fit into
    /// `records.xlsx`); absent from `run.json` when there is nothing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Files written.
    #[serde(skip)]
    pub written: Vec<PathBuf>,
}

/// A skipped file in the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedOut {
    /// Input path relative to its root.
    pub source: String,
    /// Why.
    pub reason: String,
}

/// Processes one file so that a panic inside becomes a skipped file (see [`crate::isolate`]).
pub fn process_isolated(file: &InputFile, rules: &RuleSet, settings: Settings) -> Result<Vec<Record>, Skipped> {
    isolated(&file.source, || process_file(file, rules, settings))
}

/// Runs the main job.
pub fn run(config: &RunConfig) -> Result<RunSummary, RunError> {
    run_with(config, &process_file)
}

/// Runs the main job with `process` as the per-file step (read a file, turn it into records or
/// say why not), each file isolated from the others: a file whose step fails or panics is
/// skipped with its reason and the batch goes on.
pub fn run_with<F>(config: &RunConfig, process: &F) -> Result<RunSummary, RunError>
where
    F: Fn(&InputFile, &RuleSet, Settings) -> Result<Vec<Record>, Skipped> + Sync,
{
    let started = Instant::now();
    let rules = RuleSet::load(&config.rules)?;
    let rules_ms = started.elapsed().as_millis();
    let found = discover(&config.inputs)?;
    let files = found.files;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .map_err(|e| RunError::Threads(e.to_string()))?;
    let out_err = |source: std::io::Error| RunError::Output {
        path: config.out.clone(),
        source,
    };
    let options = OutputOptions {
        formats: config.formats.clone(),
        csv_bom: config.csv_bom,
        reference_date: config.reference_date,
    };
    let writer = Writer::create(&config.out, &options).map_err(out_err)?;
    // Sizes for the progress display only (one stat per file, nothing when it is off).
    let sizes: Vec<u64> = if config.progress {
        files
            .iter()
            .map(|f| std::fs::metadata(&f.path).map_or(0, |m| m.len()))
            .collect()
    } else {
        Vec::new()
    };
    let mut progress = if config.progress {
        Progress::on_stderr(files.len(), sizes.iter().sum())
    } else {
        Progress::hidden()
    };
    let settings = Settings {
        reference_date: config.reference_date,
        max_file_size: config.max_file_size,
    };
    let chunk = FILES_PER_THREAD_PER_CHUNK * pool.current_num_threads().max(1);
    let processing = Instant::now();
    // Workers process one chunk while the writer thread writes the previous one; the channel
    // holds at most two chunks, so memory stays bounded whatever the corpus size.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Batch>(2);
    let written = std::thread::scope(|scope| {
        let progress = &mut progress;
        let sizes = &sizes;
        let writing = scope.spawn(move || -> std::io::Result<(Writer, Tally)> {
            let mut writer = writer;
            let mut tally = Tally {
                skipped: found.skipped,
                ..Tally::default()
            };
            for results in receiver {
                for result in results {
                    progress.file_done(sizes.get(progress.done()).copied().unwrap_or(0));
                    match result {
                        Ok(recs) => {
                            for r in &recs {
                                writer.write(r)?;
                                tally.count(r);
                            }
                        }
                        Err(s) => tally.skipped.push(s),
                    }
                }
            }
            Ok((writer, tally))
        });
        for batch in files.chunks(chunk) {
            let results: Vec<_> = pool.install(|| {
                batch
                    .par_iter()
                    .map(|f| isolated(&f.source, || process(f, &rules, settings)))
                    .collect()
            });
            if sender.send(results).is_err() {
                break;
            }
        }
        drop(sender);
        writing.join().expect("writer thread panicked")
    });
    progress.clear();
    let (writer, tally) = written.map_err(out_err)?;
    let Tally {
        records,
        by_language,
        mentions,
        mut skipped,
    } = tally;
    skipped.sort_by(|a, b| a.source.cmp(&b.source));
    let processing_ms = processing.elapsed().as_millis();
    let mut summary = RunSummary {
        tool: "accord",
        version: env!("CARGO_PKG_VERSION"),
        rules_digest: rules.digest.clone(),
        reference_date: config.reference_date.format("%Y-%m-%d").to_string(),
        inputs: files.len(),
        records,
        by_language,
        mentions,
        skipped: skipped
            .iter()
            .map(|s| SkippedOut {
                source: s.source.clone(),
                reason: s.reason.clone(),
            })
            .collect(),
        timings_ms: BTreeMap::new(),
        notes: writer.notes(),
        written: Vec::new(),
    };
    summary.timings_ms.insert("rules".into(), rules_ms);
    summary.timings_ms.insert("processing".into(), processing_ms);
    summary.timings_ms.insert("total".into(), started.elapsed().as_millis());
    summary.written = writer.finish(&skipped, &summary).map_err(out_err)?;
    Ok(summary)
}
