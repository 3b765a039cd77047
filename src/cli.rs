//! Command line: raw arguments (clap) and their validation into a [`RunConfig`].

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::output::{Format, ALL_FORMATS};
use crate::pipeline::{RunConfig, Source, Target};
use crate::record::MentionKind;

/// How a command ended, mapped to the process's exit status in one place ([`Exit::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every input processed (0).
    Ok,
    /// An unexpected failure (output not writable, ...); the previous output is intact (1).
    Failure,
    /// Bad arguments or bad rule files; nothing was written (2).
    Usage,
    /// The run completed but some inputs could not be read (see `skipped.csv`) (3).
    Skipped,
    /// `accord eval`: a field's F1 is below its `--min-f1` floor (4).
    BelowFloor,
    /// `accord diff`: the two folders differ (1).
    Differences,
}

impl Exit {
    /// The exit status.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Failure | Exit::Differences => 1,
            Exit::Usage => 2,
            Exit::Skipped => 3,
            Exit::BelowFloor => 4,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

/// accord: news articles in, structured records out.
#[derive(Debug, Parser)]
#[command(
    name = "accord",
    version,
    about = "Turns news articles about diplomacy and economic cooperation into structured records (CSV, JSON, Excel)."
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
    /// Print the JSON Schema of a record (the text of docs/records.schema.json).
    Schema,
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
    /// Show only mentions of this kind.
    #[arg(long, value_enum, value_name = "KIND")]
    pub kind: Option<MentionKind>,
    /// Anchor for dates in stories without a published date (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub reference_date: Option<String>,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    pub color: Colour,
}

/// When `accord explain` colours its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Colour {
    /// When standard output is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
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
    /// Fail (exit 4) when an exact-match field's share of correct gold rows is below a floor,
    /// e.g. `--min-accuracy published=0.95`; repeatable.
    #[arg(long = "min-accuracy", value_name = "FIELD=SHARE")]
    pub min_accuracy: Vec<String>,
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
    /// Article files or folders (searched recursively for *.txt); repeatable. `-` reads
    /// articles as JSON lines from standard input: {"id": ..., "text": ...} per line, optionally
    /// with "source", "url", "published" (YYYY-MM-DD) and "language" (ISO 639-1).
    #[arg(long = "input", value_name = "PATH", default_value = "data/articles")]
    pub inputs: Vec<PathBuf>,
    /// The rules folder.
    #[arg(long, value_name = "DIR", default_value = "rules")]
    pub rules: PathBuf,
    /// The output folder; `-` writes the records as JSON lines to standard output.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
    /// Output formats, comma-separated [default: csv,json,jsonl,xlsx; jsonl with --out -].
    #[arg(long, value_enum, value_delimiter = ',')]
    pub format: Option<Vec<Format>>,
    /// Write records.csv, mentions.csv and skipped.csv for Excel: UTF-8 with a byte-order mark
    /// and CRLF line ends.
    #[arg(long)]
    pub csv_bom: bool,
    /// Reuse the records of files unchanged since the last incremental run into the same
    /// folder (a state file beside the outputs) and process only new and changed files.
    #[arg(long)]
    pub incremental: bool,
    /// Print neither progress nor the summary line (skipped files are still reported).
    #[arg(long, short)]
    pub quiet: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Anchor for dates in stories without a published date (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub reference_date: Option<String>,
    /// Skip (never truncate) files larger than this: bytes, or with a unit K, M or G (powers
    /// of 1024), e.g. `64M`; at most `1G`.
    #[arg(long, value_name = "SIZE", default_value = "16M", value_parser = parse_size)]
    pub max_file_size: u64,
}

/// Parses a size such as `16M`, `512K`, `2G` or `1000000` (units are powers of 1024).
pub fn parse_size(arg: &str) -> Result<u64, String> {
    let arg = arg.trim();
    let digits = arg.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &arg[digits.len()..];
    let scale: u64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(format!("`{arg}`: unknown unit `{unit}`; use K, M or G, e.g. 64M")),
    };
    let number: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("`{arg}` is not a size; write a whole number with an optional unit, e.g. 64M"))?;
    match number.checked_mul(scale) {
        Some(0) => Err("a size limit of 0 would skip every file".to_owned()),
        Some(bytes) if bytes <= crate::text::MAX_TEXT_BYTES as u64 => Ok(bytes),
        _ => Err(format!("`{arg}` is over the highest limit, 1G")),
    }
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
            format: None,
            csv_bom: false,
            incremental: false,
            quiet: false,
            threads: 0,
            reference_date: None,
            max_file_size: crate::input::DEFAULT_MAX_FILE_SIZE,
        }
    }
}

impl RunArgs {
    /// Validates the arguments into a run configuration.
    pub fn into_config(self) -> Result<RunConfig, String> {
        let reference_date = reference_date(&self.reference_date)?;
        let source = source(self.inputs)?;
        let target = if self.out.as_os_str() == STREAM {
            Target::Stdout
        } else {
            Target::Folder(self.out)
        };
        let formats = formats(self.format, &target)?;
        if self.incremental && (source == Source::Stdin || target == Target::Stdout) {
            return Err("--incremental needs input files and an output folder (not `-`)".to_owned());
        }
        Ok(RunConfig {
            source,
            rules: self.rules,
            target,
            formats,
            threads: self.threads,
            reference_date,
            max_file_size: self.max_file_size,
            csv_bom: self.csv_bom,
            progress: !self.quiet && std::io::stderr().is_terminal(),
            incremental: self.incremental,
        })
    }
}

/// The path that stands for standard input (`--input -`) or output (`--out -`).
pub const STREAM: &str = "-";

/// Standard input when the only input is `-`; files and folders otherwise.
fn source(inputs: Vec<PathBuf>) -> Result<Source, String> {
    if !inputs.iter().any(|p| p.as_os_str() == STREAM) {
        return Ok(Source::Paths(inputs));
    }
    if inputs.len() > 1 {
        return Err("--input -: standard input cannot be combined with other inputs".to_owned());
    }
    Ok(Source::Stdin)
}

/// The chosen formats, sorted, or the default: every format into a folder, JSON lines to
/// standard output (which takes no other).
fn formats(chosen: Option<Vec<Format>>, target: &Target) -> Result<Vec<Format>, String> {
    let mut formats = match (chosen, target) {
        (Some(formats), _) => formats,
        (None, Target::Stdout) => vec![Format::Jsonl],
        (None, Target::Folder(_)) => ALL_FORMATS.to_vec(),
    };
    formats.sort();
    formats.dedup();
    if *target == Target::Stdout && formats != [Format::Jsonl] {
        return Err(
            "--out - writes records as JSON lines only: use --format jsonl, or write other formats to a folder"
                .to_owned(),
        );
    }
    Ok(formats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_with_and_without_units() {
        for (arg, bytes) in [
            ("1000", 1000),
            ("512K", 512 << 10),
            ("16M", 16 << 20),
            ("1g", 1 << 30),
            ("64 MiB", 64 << 20),
        ] {
            assert_eq!(parse_size(arg), Ok(bytes), "{arg}");
        }
        for arg in ["", "M", "12X", "0", "-5M", "2G", "99999999999G"] {
            assert!(parse_size(arg).is_err(), "{arg}");
        }
    }

    #[test]
    fn exit_statuses_are_the_documented_ones() {
        let table = [
            (Exit::Ok, 0),
            (Exit::Failure, 1),
            (Exit::Differences, 1),
            (Exit::Usage, 2),
            (Exit::Skipped, 3),
            (Exit::BelowFloor, 4),
        ];
        for (exit, code) in table {
            assert_eq!(exit.code(), code, "{exit:?}");
        }
    }

    #[test]
    fn the_default_limit_is_the_documented_one() {
        let cli = Cli::try_parse_from(["accord", "run"]).unwrap();
        let Some(Command::Run(args)) = cli.command else {
            panic!("run")
        };
        assert_eq!(args.max_file_size, crate::input::DEFAULT_MAX_FILE_SIZE);
        assert_eq!(RunArgs::default().max_file_size, args.max_file_size);
    }

    #[test]
    fn the_default_formats_are_all_formats_and_match_run_without_arguments() {
        let cli = Cli::try_parse_from(["accord", "run"]).unwrap();
        let Some(Command::Run(args)) = cli.command else {
            panic!("run")
        };
        assert_eq!(RunArgs::default().format, args.format);
        assert!(!args.csv_bom && !args.quiet);
        let config = args.into_config().unwrap();
        assert_eq!(config.formats, ALL_FORMATS);
        assert_eq!(config.source, Source::Paths(vec![PathBuf::from("data/articles")]));
        assert_eq!(config.target, Target::Folder(PathBuf::from("output")));
    }

    fn config(args: &[&str]) -> Result<RunConfig, String> {
        let cli = Cli::try_parse_from(["accord", "run"].iter().chain(args)).unwrap();
        let Some(Command::Run(args)) = cli.command else {
            panic!("run")
        };
        args.into_config()
    }

    #[test]
    fn a_dash_reads_standard_input_and_writes_standard_output_as_json_lines() {
        let c = config(&["--input", "-", "--out", "-"]).unwrap();
        assert_eq!((c.source, c.target), (Source::Stdin, Target::Stdout));
        assert_eq!(c.formats, [Format::Jsonl]);
        let c = config(&["--input", "-", "--out", "out"]).unwrap();
        assert_eq!(c.formats, ALL_FORMATS);
        assert_eq!(
            config(&["--out", "-", "--format", "jsonl,jsonl"]).unwrap().formats,
            [Format::Jsonl]
        );
    }

    #[test]
    fn standard_streams_refuse_what_they_cannot_do() {
        for (args, message) in [
            (&["--input", "-", "--input", "data"][..], "cannot be combined"),
            (&["--out", "-", "--format", "csv"][..], "JSON lines only"),
            (&["--out", "-", "--format", "jsonl,xlsx"][..], "JSON lines only"),
            (
                &["--input", "-", "--incremental"][..],
                "--incremental needs input files",
            ),
            (&["--out", "-", "--incremental"][..], "--incremental needs input files"),
        ] {
            let err = config(args).unwrap_err();
            assert!(err.contains(message), "{args:?}: {err}");
        }
    }
}
