//! `accord eval`: runs the pipeline in memory over the inputs (nothing is written) and scores
//! the records against a gold file with exactly the definitions of `../shared/tools/score.py`:
//! records pooled per input file (by the file name of `source`), greedy one-to-one set matching
//! in prediction order, `XXXX` years in gold dates, lenient and canonical leaders, money within
//! 0.5 %, `FIELD_optional` gold values that count neither way, and exact-match counts for the
//! language, the number of stories, the published and event dates and leader countries.
//!
//! This module owns the gold-file format ([`GoldRow`], in `gold`), the scoring ([`score`], in
//! `scoring`, which works on the records' serialized JSON just as score.py works on
//! `records.json`, with Python's semantics from `python`), the report ([`Scores`], in `scores`:
//! the table, the exact-match lines and every miss and extra with its text) and the `--min-f1`
//! and `--min-accuracy` floors ([`Floor`], in `floor`).

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde_json::Value;

use crate::cli::{reference_date, EvalArgs, Exit};
use crate::input::{discover, Skipped};
use crate::pipeline::process_isolated;
use crate::process::Settings;
use crate::record::Record;
use crate::rules::RuleSet;
use crate::CommandError;

mod floor;
mod gold;
mod python;
mod scores;
mod scoring;

pub use floor::Floor;
use floor::Floors;
pub use gold::{load_gold, parse_gold, GoldLeader, GoldMoney, GoldRow};
pub use python::norm_name;
pub use scores::{field_names, round3, ExactField, ExactScore, FieldScore, ScoredField, Scores};
pub use scoring::{date_match, score};

/// Runs `accord eval`: checks the floors, loads the gold file and the rules, processes every
/// input in path order in memory, prints the report and returns the exit status (4 when a
/// field's F1 is below its floor).
pub fn run(args: &EvalArgs) -> Result<Exit, CommandError> {
    let floors = Floors::parse(&args.min_f1, &args.min_accuracy).map_err(usage)?;
    let reference_date = reference_date(&args.reference_date).map_err(usage)?;
    let gold = load_gold(&args.gold)?;
    floors.check_fields(&field_names(&gold), &args.gold).map_err(usage)?;
    let rules = RuleSet::load(&args.rules)?;
    let processed = process_inputs(&args.inputs, &rules, reference_date)?;
    warn_absent(&gold, &processed.records);
    let scores = score(&gold, &processed.records);
    println!(
        "accord eval: {} articles -> {} records ({} skipped), scored against {} gold files in {}",
        processed.articles,
        processed.records.len(),
        processed.skipped,
        gold.len(),
        args.gold.display()
    );
    print!("{}", scores.report());
    Ok(if floors.missed(&scores) > 0 {
        Exit::BelowFloor
    } else {
        Exit::Ok
    })
}

/// A usage error: `error: ` and the message.
fn usage(message: String) -> CommandError {
    CommandError::Usage(format!("error: {message}"))
}

/// What the pipeline made of the inputs, in memory.
struct Processed {
    /// Input files found.
    articles: usize,
    /// Every record, serialized as in `records.json`, in path order.
    records: Vec<Value>,
    /// Inputs skipped (each said on stderr).
    skipped: usize,
}

/// Finds the inputs and runs the pipeline on each in parallel, in memory; says each skipped
/// input on stderr.
fn process_inputs(inputs: &[PathBuf], rules: &RuleSet, reference_date: NaiveDate) -> Result<Processed, CommandError> {
    let found = discover(inputs).map_err(|e| usage(e.to_string()))?;
    let articles = found.files.len();
    let settings = Settings::new(reference_date);
    let results: Vec<Result<Vec<Record>, Skipped>> = found
        .files
        .par_iter()
        .map(|f| process_isolated(f, rules, settings))
        .chain(found.skipped.into_par_iter().map(Err))
        .collect();
    let mut processed = Processed {
        articles,
        records: Vec::new(),
        skipped: 0,
    };
    for result in results {
        match result {
            Ok(records) => processed.records.extend(serialized(&records)?),
            Err(s) => {
                eprintln!("skipped {}: {}", s.source, s.reason);
                processed.skipped += 1;
            }
        }
    }
    Ok(processed)
}

/// Records as the JSON values score.py would read from `records.json`.
fn serialized(records: &[Record]) -> Result<Vec<Value>, CommandError> {
    records
        .iter()
        .map(|r| {
            serde_json::to_value(r).map_err(|e| CommandError::Failed(format!("cannot serialize record {}: {e}", r.id)))
        })
        .collect()
}

/// Warns on stderr about gold files that have no records among the inputs.
fn warn_absent(gold: &[GoldRow], records: &[Value]) {
    let seen: BTreeSet<String> = records.iter().map(scoring::file_key).collect();
    let absent: Vec<&str> = gold
        .iter()
        .map(|g| g.file.as_str())
        .filter(|f| !seen.contains(*f))
        .collect();
    if !absent.is_empty() {
        eprintln!(
            "warning: {} gold file(s) have no records among the inputs (scored as all missed): {}",
            absent.len(),
            absent.join(", ")
        );
    }
}
