//! The main job: load rules → discover inputs → process files in parallel (rayon), in bounded
//! chunks, in input order → stream records to the writers → manifest.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use serde::Serialize;
use thiserror::Error;

mod chunks;
mod jobs;
mod sink;

use chunks::{process_in_chunks, Tally, Workers, Written, FILES_PER_THREAD_PER_CHUNK};
use jobs::{Job, Jobs};
use sink::Sink;

use crate::incremental::{self, Loaded, Outcome, Previous, StateKey};
use crate::input::stream::ArticleLines;
use crate::input::{FileWalk, InputError, InputFile, Skipped};
use crate::isolate::isolated;
use crate::output::lines::RecordLines;
use crate::output::progress::Progress;
use crate::output::{Format, OutputOptions, Writer};
use crate::process::{process_article, process_file, Settings};
use crate::record::Record;
use crate::rules::diag::RuleErrors;
use crate::rules::RuleSet;

/// Where a run reads its articles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Files and folders, searched recursively for `*.txt` (see [`crate::input`]).
    Paths(Vec<PathBuf>),
    /// JSON lines on standard input (see [`crate::input::stream`]).
    Stdin,
}

/// Where a run writes its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Every chosen format into this folder, replaced all at once (see [`crate::output`]).
    Folder(PathBuf),
    /// Records as JSON lines on standard output (see [`crate::output::lines`]).
    Stdout,
}

impl Target {
    /// The folder, or `-` for standard output, for messages.
    pub fn describe(&self) -> String {
        match self {
            Target::Folder(dir) => dir.display().to_string(),
            Target::Stdout => "-".to_owned(),
        }
    }
}

/// A validated run configuration.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Where the articles come from.
    pub source: Source,
    /// The rules folder.
    pub rules: PathBuf,
    /// Where the records go.
    pub target: Target,
    /// Formats to write (into a folder; standard output takes JSON lines).
    pub formats: Vec<Format>,
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// Anchor date for stories without a published date.
    pub reference_date: NaiveDate,
    /// Files (and stream lines) larger than this many bytes are skipped.
    pub max_file_size: u64,
    /// Write the CSV files for Excel: a UTF-8 byte-order mark and CRLF line ends.
    pub csv_bom: bool,
    /// Show progress on standard error (the caller checks that it is a terminal).
    pub progress: bool,
    /// Reuse the records of unchanged files from the output folder's state, and keep it
    /// (see [`crate::incremental`]).
    pub incremental: bool,
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
    /// Standard input could not be read.
    #[error("cannot read standard input: {0}")]
    Stdin(std::io::Error),
    /// The reader of standard output went away (`accord run --out - | head`, say): the run
    /// stops quietly.
    #[error("standard output closed by its reader")]
    StdoutClosed,
    /// The thread pool could not be built.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
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
    /// Inputs found: files, or the articles and bad lines of a stream.
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
    /// What an incremental run reused; absent from `run.json` for a full run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incremental: Option<Increment>,
    /// Files written.
    #[serde(skip)]
    pub written: Vec<PathBuf>,
}

/// What an incremental run reused and processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Increment {
    /// Files whose records were taken from the previous state (unchanged content).
    pub reused: usize,
    /// Files processed (new, changed, or not reusable).
    pub processed: usize,
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
    // When no thread can be started, the first detection parses the model.
    let _ = std::thread::Builder::new()
        .name("lang-model".into())
        .spawn(crate::lang::prepare);
    let rules = RuleSet::load(&config.rules)?;
    let rules_ms = started.elapsed().as_millis();
    let (mut jobs, mut progress) = open_source(config)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .map_err(|e| RunError::Threads(e.to_string()))?;
    let mut sink = open_target(config)?;
    let key = StateKey::new(&rules.digest, config.max_file_size, config.reference_date);
    let loaded = match (&config.target, config.incremental) {
        (Target::Folder(dir), true) => {
            sink.write_state(&key.line())
                .map_err(|e| output_error(&config.target, e))?;
            Previous::load(dir, &key)
        }
        _ => Loaded {
            previous: None,
            note: None,
        },
    };
    let previous = loaded.previous.as_ref();
    let settings = Settings {
        reference_date: config.reference_date,
        max_file_size: config.max_file_size,
    };
    let work = |job: &Job| match job {
        Job::File(f) if config.incremental => isolated(&f.source, || {
            incremental::process_file(f, config.max_file_size, previous, || process(f, &rules, settings))
        }),
        Job::File(f) => isolated(&f.source, || process(f, &rules, settings).map(Outcome::fresh)),
        Job::Article(a) => isolated(&a.source, || Ok(Outcome::fresh(process_article(a, &rules, settings)))),
        Job::Bad(s) => Err(s.clone()),
    };
    let chunk = FILES_PER_THREAD_PER_CHUNK * pool.current_num_threads().max(1);
    let processing = Instant::now();
    let Written { sink, mut tally } = process_in_chunks(
        &mut jobs,
        Workers {
            pool: &pool,
            chunk,
            work: &work,
        },
        Written {
            sink,
            tally: Tally::default(),
        },
        &mut progress,
        &config.target,
    )?;
    progress.clear();
    let processing_ms = processing.elapsed().as_millis();
    tally.skipped.extend(jobs.take_skipped());
    let skipped = tally.skipped_sorted();
    let mut summary = tally.summary(&rules, config, &skipped);
    summary.notes = sink.notes();
    summary.notes.extend(loaded.note);
    summary.timings_ms.insert("rules".into(), rules_ms);
    summary.timings_ms.insert("processing".into(), processing_ms);
    summary.timings_ms.insert("total".into(), started.elapsed().as_millis());
    summary.written = sink
        .finish(&skipped, &summary)
        .map_err(|e| output_error(&config.target, e))?;
    retire(rules);
    Ok(summary)
}

/// Frees the compiled rules off the calling thread. They are tens of MB in many small
/// allocations, and freeing them one by one costs as much as reading a few dozen articles;
/// the run's outputs are written by then, and a process that exits first returns the memory
/// all at once.
fn retire(rules: RuleSet) {
    // When no thread can be started, the closure is dropped here, and the rules with it.
    let _ = std::thread::Builder::new()
        .name("retire-rules".into())
        .spawn(move || drop(rules));
}

/// The jobs of the run's source and the progress display.
fn open_source(config: &RunConfig) -> Result<(Jobs, Progress), RunError> {
    match &config.source {
        Source::Paths(paths) => {
            let progress = match config.progress {
                true => Progress::on_stderr(file_sizes(paths)?),
                false => Progress::hidden(),
            };
            Ok((Jobs::Files(FileWalk::new(paths)?), progress))
        }
        Source::Stdin => {
            let lines = ArticleLines::new(std::io::stdin().lock(), config.max_file_size);
            Ok((Jobs::Stream(lines), Progress::hidden()))
        }
    }
}

/// The size of every input file, for the progress display only: a walk of its own, so that
/// the run's walk still holds one folder at a time.
fn file_sizes(paths: &[PathBuf]) -> Result<Vec<u64>, RunError> {
    Ok(FileWalk::new(paths)?
        .map(|f| std::fs::metadata(&f.path).map_or(0, |m| m.len()))
        .collect())
}

/// The sink of the run's target; a folder is taken over (see [`crate::output::commit`]).
fn open_target(config: &RunConfig) -> Result<Sink, RunError> {
    match &config.target {
        Target::Folder(dir) => {
            let options = OutputOptions {
                formats: config.formats.clone(),
                csv_bom: config.csv_bom,
                reference_date: config.reference_date,
                incremental: config.incremental,
            };
            Writer::create(dir, &options)
                .map(|w| Sink::Folder(Box::new(w)))
                .map_err(|e| output_error(&config.target, e))
        }
        Target::Stdout => Ok(Sink::Stdout(RecordLines::new(std::io::stdout()))),
    }
}

/// A failed write as the run's error; a closed standard output is the reader's choice.
fn output_error(target: &Target, source: std::io::Error) -> RunError {
    match target {
        Target::Stdout if source.kind() == std::io::ErrorKind::BrokenPipe => RunError::StdoutClosed,
        target => RunError::Output {
            path: PathBuf::from(target.describe()),
            source,
        },
    }
}
