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
        let reference_date = match &self.reference_date {
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| format!("--reference-date: `{s}` is not a date; write YYYY-MM-DD"))?,
            None => chrono::Local::now().date_naive(),
        };
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
