//! Command line: raw arguments (clap) and their validation into a [`RunConfig`].

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::output::Format;
use crate::pipeline::RunConfig;

/// Exit status: every input processed.
pub const EXIT_OK: i32 = 0;
/// Exit status: an unexpected failure (output not writable, ...); the previous output is intact.
pub const EXIT_FAILURE: i32 = 1;
/// Exit status: bad arguments or bad rule files; nothing was written.
pub const EXIT_USAGE: i32 = 2;
/// Exit status: the run completed but some inputs could not be read (see `skipped.csv`).
pub const EXIT_SKIPPED: i32 = 3;
/// Exit status of `accord eval`: a field's F1 is below its `--min-f1` floor.
pub const EXIT_BELOW_FLOOR: i32 = 4;

/// accord: news articles in, structured records out.
#[derive(Debug, Parser)]
#[command(
    name = "accord",
    version,
    about = "Turns news articles about diplomacy and economic cooperation into structured records (CSV, JSON)."
)]
pub struct Cli {
    /// What to do; without a command, `run` with its defaults.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Process articles into records (the default).
    Run(RunArgs),
    /// Validate the rule files, print what was loaded and run every rule's examples.
    Check(CheckArgs),
    /// Print an article with every mention marked, and a table of mentions with their rules.
    Explain(ExplainArgs),
    /// Run the pipeline and score it against a gold file (same definitions as score.py).
    Eval(EvalArgs),
    /// Compare two output folders record by record and field by field.
    Diff(DiffArgs),
}

/// Arguments of `accord explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The article file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The rules folder.
    #[arg(long, value_name = "DIR", default_value = "rules")]
    pub rules: PathBuf,
    /// Show only mentions of this kind (date, leader, money, sector, country).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Anchor for dates in stories without a published date (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub reference_date: Option<String>,
    /// Colour: auto (on a terminal), always or never.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub color: String,
}

/// Arguments of `accord eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Gold records, one JSON object per line (the format of ../shared/dev/gold.jsonl).
    #[arg(long, value_name = "GOLD.jsonl")]
    pub gold: PathBuf,
    /// Article files or folders to run the pipeline on; repeatable.
    #[arg(long = "input", value_name = "PATH", default_value = "data/articles")]
    pub inputs: Vec<PathBuf>,
    /// The rules folder.
    #[arg(long, value_name = "DIR", default_value = "rules")]
    pub rules: PathBuf,
    /// Anchor for dates in stories without a published date (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub reference_date: Option<String>,
    /// Fail (exit 4) when a field's F1 is below a floor, e.g. `--min-f1 money=0.9`; repeatable.
    #[arg(long = "min-f1", value_name = "FIELD=F1")]
    pub min_f1: Vec<String>,
}

/// Arguments of `accord diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older output folder (holding records.jsonl or records.json).
    #[arg(value_name = "OLD_DIR")]
    pub old: PathBuf,
    /// The newer output folder.
    #[arg(value_name = "NEW_DIR")]
    pub new: PathBuf,
}

/// Parses an optional `--reference-date`, defaulting to today.
pub fn reference_date(arg: &Option<String>) -> Result<NaiveDate, String> {
    match arg {
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| format!("--reference-date: `{s}` is not a date; write YYYY-MM-DD")),
        None => Ok(chrono::Local::now().date_naive()),
    }
}

/// Arguments of `accord run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Article files or folders (searched recursively for *.txt); repeatable.
    #[arg(long = "input", value_name = "PATH", default_value = "data/articles")]
    pub inputs: Vec<PathBuf>,
    /// The rules folder.
    #[arg(long, value_name = "DIR", default_value = "rules")]
    pub rules: PathBuf,
    /// The output folder.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
    /// Output formats, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "csv,json,jsonl")]
    pub format: Vec<Format>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Anchor for dates in stories without a published date (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub reference_date: Option<String>,
}

/// Arguments of `accord check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The rules folder.
    #[arg(long, value_name = "DIR", default_value = "rules")]
    pub rules: PathBuf,
}

impl Default for RunArgs {
    fn default() -> Self {
        RunArgs {
            inputs: vec![PathBuf::from("data/articles")],
            rules: PathBuf::from("rules"),
            out: PathBuf::from("output"),
            format: vec![Format::Csv, Format::Json, Format::Jsonl],
            threads: 0,
            reference_date: None,
        }
    }
}

impl RunArgs {
    /// Validates the arguments into a run configuration.
    pub fn into_config(self) -> Result<RunConfig, String> {
        let reference_date = reference_date(&self.reference_date)?;
        let mut formats = self.format;
        formats.sort();
        formats.dedup();
        Ok(RunConfig {
            inputs: self.inputs,
            rules: self.rules,
            out: self.out,
            formats,
            threads: self.threads,
            reference_date,
        })
    }
}
