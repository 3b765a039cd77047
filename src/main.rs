//! The `accord` binary: parse arguments, call the library, map the outcome to an exit status.

use std::process::ExitCode;

use accord::cli::{Cli, Command, Exit, RunArgs};
use accord::pipeline::{run, RunError, RunSummary, Target};
use accord::rules::RuleSet;
use clap::Parser;

/// mimalloc instead of the system allocator: a run makes and frees millions of small strings
/// and vectors, and glibc's malloc and free were about a tenth of the per-file instructions.
/// Built without transparent huge pages (`no_thp`), so that peak memory stays what the pages
/// in use need (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command.unwrap_or(Command::Run(RunArgs::default())) {
        Command::Run(args) => run_command(args),
        Command::Check(args) => check_command(&args.rules),
        Command::Explain(args) => report(accord::explain::run(&args)),
        Command::Eval(args) => report(accord::eval::run(&args)),
        Command::Diff(args) => report(accord::diff::run(&args)),
        Command::Schema => {
            print!("{}", accord::record::json_schema());
            Exit::Ok
        }
    };
    code.into()
}

/// Maps a command's outcome to an exit status, printing its error.
fn report(outcome: Result<Exit, accord::CommandError>) -> Exit {
    match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("{err}");
            err.exit_code()
        }
    }
}

fn run_command(args: RunArgs) -> Exit {
    let quiet = args.quiet;
    let config = match args.into_config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Usage;
        }
    };
    match run(&config) {
        Ok(summary) => {
            if !quiet {
                let line = describe(&summary, &config.target);
                // Standard output may be carrying the records.
                match config.target {
                    Target::Folder(_) => println!("{line}"),
                    Target::Stdout => eprintln!("{line}"),
                }
            }
            for note in &summary.notes {
                eprintln!("note: {note}");
            }
            for s in &summary.skipped {
                eprintln!("skipped {}: {}", s.source, s.reason);
            }
            if summary.skipped.is_empty() {
                Exit::Ok
            } else {
                Exit::Skipped
            }
        }
        // The reader took what it wanted (`accord run --out - | head`).
        Err(RunError::StdoutClosed) => Exit::Ok,
        Err(err @ (RunError::Rules(_) | RunError::Input(_))) => {
            eprintln!("{err}");
            Exit::Usage
        }
        Err(err) => {
            eprintln!("error: {err}");
            Exit::Failure
        }
    }
}

fn describe(s: &RunSummary, target: &Target) -> String {
    let langs: Vec<String> = s.by_language.iter().map(|(l, n)| format!("{l} {n}")).collect();
    let kinds: Vec<String> = s.mentions.iter().map(|(k, n)| format!("{n} {k}")).collect();
    format!(
        "accord: {} articles -> {} records ({}); mentions: {}; {} skipped; {} ms; written to {}",
        s.inputs,
        s.records,
        if langs.is_empty() {
            "none".to_owned()
        } else {
            langs.join(", ")
        },
        kinds.join(", "),
        s.skipped.len(),
        s.timings_ms.get("total").copied().unwrap_or(0),
        match target {
            Target::Folder(dir) => format!("{}/", dir.display().to_string().trim_end_matches('/')),
            Target::Stdout => "standard output".to_owned(),
        }
    )
}

fn check_command(dir: &std::path::Path) -> Exit {
    let rules = match RuleSet::load(dir) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return Exit::Usage;
        }
    };
    print!("{}", accord::check::summary(&rules));
    let failures = accord::check::run_examples(&rules);
    let cue_problems = rules.cue_example_problems();
    for problem in &cue_problems {
        eprintln!("{problem}");
    }
    if failures.is_empty() && cue_problems.is_empty() {
        println!("all rule examples pass");
        Exit::Ok
    } else {
        for f in &failures {
            eprintln!(
                "example failed: {}: {:?} expected {:?}, got {:?}",
                f.rule,
                f.text,
                if f.expected.is_empty() {
                    "no mention"
                } else {
                    &f.expected
                },
                f.got
            );
        }
        eprintln!("{} rule example(s) failed", failures.len() + cue_problems.len());
        Exit::Usage
    }
}
