//! `accord eval`: runs the pipeline in memory over the inputs (nothing is written) and scores
//! the records against a gold file with exactly the definitions of `../shared/tools/score.py`:
//! records pooled per input file (by the file name of `source`), greedy one-to-one set matching
//! in prediction order, `XXXX` years in gold dates, lenient and canonical leaders, money within
//! 0.5 %, `FIELD_optional` gold values that count neither way, and exact-match counts for the
//! language, the number of stories, the published and event dates and leader countries.
//!
//! This module owns the gold-file format ([`GoldRow`]), the scoring ([`score`], which works on
//! the records' serialized JSON just as score.py works on `records.json`), the report (the
//! table, the exact-match lines and every miss and extra with its text) and the `--min-f1`
//! floors ([`Floor`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{Number, Value};
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

use crate::cli::{reference_date, EvalArgs, Exit};
use crate::input::discover;
use crate::pipeline::process_isolated;
use crate::process::Settings;
use crate::rules::RuleSet;
use crate::CommandError;

/// The fields scored by precision, recall and F1. Each is also scored per gold language, as
/// `FIELD[xx]` (for example `dates[de]`).
pub const SCORED_FIELDS: [&str; 6] = ["dates", "leaders", "leaders_canonical", "money", "sectors", "countries"];

/// The fields counted as exact matches (correct/total), which have no F1.
pub const EXACT_FIELDS: [&str; 5] = ["language", "stories", "published", "event_date", "leader_country"];

/// Relative tolerance of money amounts: `abs(predicted - gold) <= 0.005 * abs(gold)`.
const MONEY_TOLERANCE: f64 = 0.005;

/// One line of the gold file: what a single input file should yield (all its stories pooled).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GoldRow {
    /// The input's file name, matched against the file name of each record's `source`.
    pub file: String,
    /// ISO 639-1 code of the majority language; also the `[xx]` of the per-language fields.
    pub language: String,
    /// Number of stories (records) the file should give; default 1.
    #[serde(default = "one_story")]
    pub stories: usize,
    /// Publication date; when null, relative dates are not scored.
    #[serde(default)]
    pub published: Option<String>,
    /// Date of the main event.
    #[serde(default)]
    pub event_date: Option<String>,
    /// Date values; `XXXX` stands for any year.
    #[serde(default)]
    pub dates: Vec<String>,
    /// Date values that count neither way.
    #[serde(default)]
    pub dates_optional: Vec<String>,
    /// People.
    #[serde(default)]
    pub leaders: Vec<GoldLeader>,
    /// People that count neither way.
    #[serde(default)]
    pub leaders_optional: Vec<GoldLeader>,
    /// Money amounts.
    #[serde(default)]
    pub money: Vec<GoldMoney>,
    /// Money amounts that count neither way.
    #[serde(default)]
    pub money_optional: Vec<GoldMoney>,
    /// Sector ids.
    #[serde(default)]
    pub sectors: Vec<String>,
    /// Sector ids that count neither way.
    #[serde(default)]
    pub sectors_optional: Vec<String>,
    /// Country codes.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Country codes that count neither way.
    #[serde(default)]
    pub countries_optional: Vec<String>,
}

fn one_story() -> usize {
    1
}

/// A person in the gold file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GoldLeader {
    /// Canonical name.
    pub name: String,
    /// Other names that also count as this person (lenient matching only).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// ISO 3166-1 alpha-2 code of the state served, if known.
    #[serde(default)]
    pub country: Option<String>,
}

/// A money amount in the gold file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GoldMoney {
    /// ISO 4217 code.
    pub currency: String,
    /// The amount, fully scaled.
    pub amount: Number,
}

/// Reads a gold file: one JSON object per line, blank lines ignored.
pub fn load_gold(path: &Path) -> Result<Vec<GoldRow>, CommandError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CommandError::Failed(format!("cannot read gold file {}: {e}", path.display())))?;
    parse_gold(&text, path)
}

/// Parses the text of a gold file read from `path`; every bad line is reported as
/// `path:line:column: message`.
pub fn parse_gold(text: &str, path: &Path) -> Result<Vec<GoldRow>, CommandError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<GoldRow>(line) {
            Ok(row) => rows.push(row),
            Err(e) => {
                let message = e.to_string();
                let message = message.rfind(" at line ").map_or(message.as_str(), |at| &message[..at]);
                problems.push(format!(
                    "{}:{}:{}: invalid gold record: {message}",
                    path.display(),
                    i + 1,
                    e.column()
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(CommandError::Failed(problems.join("\nerror: ")));
    }
    if rows.is_empty() {
        return Err(CommandError::Failed(format!(
            "gold file {} has no records",
            path.display()
        )));
    }
    Ok(rows)
}

/// Counts of one set-valued field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldScore {
    /// Predicted values matched to a gold value.
    pub tp: usize,
    /// Predicted values matched to nothing (extras).
    pub fp: usize,
    /// Gold values left unmatched (misses).
    pub fn_: usize,
}

impl FieldScore {
    fn add(&mut self, tp: usize, fp: usize, fn_: usize) {
        self.tp += tp;
        self.fp += fp;
        self.fn_ += fn_;
    }

    /// Precision, recall and F1, unrounded (1.0 when nothing was predicted or expected).
    pub fn prf(&self) -> (f64, f64, f64) {
        let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        let p = ratio(self.tp, self.tp + self.fp);
        let r = ratio(self.tp, self.tp + self.fn_);
        let f = if p + r != 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        (p, r, f)
    }
}

/// Counts of one exact-match field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExactScore {
    /// Gold rows that were right.
    pub correct: usize,
    /// Gold rows compared.
    pub total: usize,
}

impl ExactScore {
    fn add(&mut self, ok: bool) {
        self.correct += usize::from(ok);
        self.total += 1;
    }

    /// `correct / total`, unrounded; `None` when nothing was compared.
    pub fn accuracy(&self) -> Option<f64> {
        (self.total > 0).then(|| self.correct as f64 / self.total as f64)
    }
}

/// The outcome of scoring records against a gold file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    /// Set-valued fields (`dates`, `dates[en]`, ...) and their counts.
    pub fields: BTreeMap<String, FieldScore>,
    /// Exact-match fields (`language`, `stories`, `published`, `event_date`, `leader_country`)
    /// in the order score.py first meets them.
    pub exact: Vec<(String, ExactScore)>,
    /// Every miss, extra and wrong value, by field (without the per-language duplicates).
    pub errors: BTreeMap<String, Vec<String>>,
}

/// Rounds to three decimals the way Python's `round(x, 3)` does (half to even on the exact
/// binary value).
pub fn round3(x: f64) -> f64 {
    format!("{x:.3}").parse().unwrap_or(x)
}

/// The order score.py prints fields in: by the name before `[`, then by the whole name.
fn field_order<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut names: Vec<&str> = names.into_iter().collect();
    names.sort_by_key(|k| (k.split('[').next().unwrap_or(k), *k));
    names
}

impl Scores {
    /// The set-valued field names in the order of the table.
    pub fn field_names(&self) -> Vec<&str> {
        field_order(self.fields.keys().map(String::as_str))
    }

    /// A field's F1 rounded to three decimals, as printed.
    pub fn f1(&self, field: &str) -> Option<f64> {
        self.fields.get(field).map(|s| round3(s.prf().2))
    }

    /// The share of correct gold rows of an exact-match field, rounded to three decimals as
    /// printed; `None` when the field was not compared.
    pub fn accuracy(&self, field: &str) -> Option<f64> {
        self.exact
            .iter()
            .find(|(name, _)| name == field)
            .filter(|(_, e)| e.total > 0)
            .map(|(_, e)| round3(e.correct as f64 / e.total as f64))
    }

    /// The summary in the shape of `score.py --json`: for each set-valued field `tp`, `fp`,
    /// `fn`, `precision`, `recall` and `f1`; for each exact-match field `correct`, `total` and
    /// `accuracy` (rates rounded to three decimals).
    pub fn summary(&self) -> Value {
        let mut out = serde_json::Map::new();
        for name in self.field_names() {
            let s = self.fields[name];
            let (p, r, f) = s.prf();
            out.insert(
                name.to_owned(),
                serde_json::json!({
                    "tp": s.tp, "fp": s.fp, "fn": s.fn_,
                    "precision": round3(p), "recall": round3(r), "f1": round3(f),
                }),
            );
        }
        for (name, e) in &self.exact {
            out.insert(
                name.clone(),
                serde_json::json!({
                    "correct": e.correct, "total": e.total, "accuracy": e.accuracy().map(round3),
                }),
            );
        }
        Value::Object(out)
    }

    /// The report: the table of set-valued fields, the exact-match lines, then every error.
    pub fn report(&self) -> String {
        let mut out = format!(
            "{:28} {:>5} {:>5} {:>5} {:>6} {:>6} {:>6}\n",
            "field", "tp", "fp", "fn", "P", "R", "F1"
        );
        for name in self.field_names() {
            let s = self.fields[name];
            let (p, r, f) = s.prf();
            out += &format!(
                "{name:28} {:5} {:5} {:5} {:6.3} {:6.3} {:6.3}\n",
                s.tp,
                s.fp,
                s.fn_,
                round3(p),
                round3(r),
                round3(f)
            );
        }
        for (name, e) in &self.exact {
            out += &format!("{name:28} {}/{} correct\n", e.correct, e.total);
        }
        let count: usize = self.errors.values().map(Vec::len).sum();
        if count == 0 {
            out += "\nno misses or extras\n";
        } else {
            out += &format!("\nmisses, extras and wrong values ({count}):\n");
            for (field, errors) in &self.errors {
                for e in errors {
                    out += &format!("[{field}] {e}\n");
                }
            }
        }
        out
    }

    fn exact_mut(&mut self, field: &str) -> &mut ExactScore {
        let i = match self.exact.iter().position(|(name, _)| name == field) {
            Some(i) => i,
            None => {
                self.exact.push((field.to_owned(), ExactScore::default()));
                self.exact.len() - 1
            }
        };
        &mut self.exact[i].1
    }

    fn error(&mut self, field: &str, message: String) {
        self.errors.entry(field.to_owned()).or_default().push(message);
    }

    /// Adds one file's matching of `field` to `field` and `field[lang]`, and its errors.
    fn add_matches(&mut self, field: &str, lang: &str, tp: usize, extras: Vec<String>, misses: Vec<String>) {
        for key in [field.to_owned(), format!("{field}[{lang}]")] {
            self.fields.entry(key).or_default().add(tp, extras.len(), misses.len());
        }
        for e in extras {
            self.error(field, e);
        }
        for m in misses {
            self.error(field, m);
        }
    }
}

/// The set-valued field names a gold file gives, in the order of the table.
pub fn field_names(gold: &[GoldRow]) -> Vec<String> {
    let langs: BTreeSet<&str> = gold.iter().map(|g| g.language.as_str()).collect();
    let mut names: Vec<String> = Vec::new();
    if !gold.is_empty() {
        for field in SCORED_FIELDS {
            names.push(field.to_owned());
            names.extend(langs.iter().map(|l| format!("{field}[{l}]")));
        }
    }
    field_order(names.iter().map(String::as_str))
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// A JSON number as Python's `json` module reads it: an integer, or a float when written with
/// a fraction or an exponent.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Num {
    Int(i128),
    Float(f64),
}

impl Num {
    fn of(n: &Number) -> Num {
        let s = n.to_string();
        let float = || Num::Float(s.parse().unwrap_or(f64::NAN));
        if s.contains(['.', 'e', 'E']) {
            float()
        } else {
            s.parse().map(Num::Int).unwrap_or_else(|_| float())
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    /// Python's `==` between numbers (exact, also between an int and a float).
    fn same(self, other: Num) -> bool {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => a == b,
            (Num::Float(a), Num::Float(b)) => a == b,
            (Num::Int(i), Num::Float(f)) | (Num::Float(f), Num::Int(i)) => {
                f.is_finite() && f.fract() == 0.0 && f.abs() < 1e38 && f as i128 == i
            }
        }
    }

    /// `abs(self - gold) <= 0.005 * abs(gold)`, with Python's arithmetic.
    fn within_tolerance_of(self, gold: Num) -> bool {
        if let (Num::Int(p), Num::Int(g)) = (self, gold) {
            if let Some(diff) = p.checked_sub(g).and_then(i128::checked_abs) {
                // An int compared with a float: exact, as Python does.
                let bound = MONEY_TOLERANCE * (g.unsigned_abs() as f64);
                return diff <= bound.floor() as i128;
            }
        }
        (self.as_f64() - gold.as_f64()).abs() <= MONEY_TOLERANCE * gold.as_f64().abs()
    }
}

static NULL: Value = Value::Null;

/// `obj.get(key)`, null when missing.
fn get<'a>(obj: &'a Value, key: &str) -> &'a Value {
    obj.get(key).unwrap_or(&NULL)
}

/// `obj.get(key, [])`: the items of a list field (none when it is not a list).
fn items<'a>(obj: &'a Value, key: &str) -> &'a [Value] {
    obj.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// Python's truth value of a JSON value.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => !Num::of(n).same(Num::Int(0)),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Python's `==` between JSON values (numbers compared by value).
fn py_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Num::of(x).same(Num::of(y)),
        _ => a == b,
    }
}

/// A value as Python's `str()` shows it in an f-string.
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

/// A name normalized for comparison: NFKD, combining marks dropped, lower case, `-` → space,
/// `’` → `'`, runs of white space collapsed.
pub fn norm_name(s: &str) -> String {
    let folded: String = s
        .nfkd()
        .filter(|&c| canonical_combining_class(c) == 0)
        .collect::<String>()
        .to_lowercase()
        .replace('-', " ")
        .replace('\u{2019}', "'");
    // Python's str.split() also splits on the separators U+001C..U+001F.
    folded
        .split(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `norm_name(s or "")` of a JSON value.
fn norm_value(v: &Value) -> String {
    v.as_str().map(norm_name).unwrap_or_default()
}

/// Whether a gold date (or interval) matches a predicted value; a gold part starting with
/// `XXXX` matches any year.
pub fn date_match(gold: &str, pred: &Value) -> bool {
    let Some(pred) = pred.as_str() else {
        return false;
    };
    let (g_parts, p_parts): (Vec<&str>, Vec<&str>) = (gold.split('/').collect(), pred.split('/').collect());
    if g_parts.len() != p_parts.len() {
        return false;
    }
    g_parts.iter().zip(&p_parts).all(|(g, p)| {
        if g.chars().count() != p.chars().count() {
            false
        } else if g.starts_with("XXXX") {
            g.chars().skip(4).eq(p.chars().skip(4))
        } else {
            g == p
        }
    })
}

/// The input file a record came from: the file name of `source` (or of the id's stem).
fn file_key(record: &Value) -> String {
    let src = match get(record, "source").as_str() {
        Some(s) if !s.is_empty() => s.to_owned(),
        _ => get(record, "id")
            .as_str()
            .unwrap_or("")
            .split('#')
            .next()
            .unwrap_or("")
            .to_owned(),
    };
    let src = src.replace('\\', "/");
    src.rsplit('/').next().unwrap_or("").to_owned()
}

/// One distinct predicted value of a file, with the mention and the record it was first seen
/// in (for the error list).
struct Pred<'a, K> {
    key: K,
    item: &'a Value,
    record: &'a Value,
}

/// Keeps the first of each run of equal keys, in order (score.py's `uniq`).
fn uniq<'a, K>(items: impl Iterator<Item = Pred<'a, K>>, same: impl Fn(&K, &K) -> bool) -> Vec<Pred<'a, K>> {
    let mut out: Vec<Pred<'a, K>> = Vec::new();
    for p in items {
        if !out.iter().any(|o| same(&o.key, &p.key)) {
            out.push(p);
        }
    }
    out
}

/// Greedy one-to-one matching in prediction order: each prediction takes the first unmatched
/// gold value it matches; one that matches none is an extra unless it matches an optional
/// value. Returns the number matched, the extras and the unmatched gold values.
fn match_sets<'g, 'p, G, P>(
    gold: &'g [G],
    pred: &'p [P],
    optional: &[G],
    same: impl Fn(&G, &P) -> bool,
) -> (usize, Vec<&'p P>, Vec<&'g G>) {
    let mut unmatched: Vec<&G> = gold.iter().collect();
    let mut extra = Vec::new();
    for p in pred {
        if let Some(i) = unmatched.iter().position(|g| same(g, p)) {
            unmatched.remove(i);
        } else if !optional.iter().any(|o| same(o, p)) {
            extra.push(p);
        }
    }
    (gold.len() - unmatched.len(), extra, unmatched)
}

/// `FILE: extra VALUE (details)`, naming the story when the file has several.
fn extra_line<K>(file: &str, several: bool, value: &str, p: &Pred<'_, K>, texts: &[String]) -> String {
    let mut details: Vec<String> = texts.iter().map(|t| format!("\"{t}\"")).collect();
    if several {
        details.push(format!("story {}", show(get(p.record, "story"))));
    }
    if details.is_empty() {
        format!("{file}: extra {value}")
    } else {
        format!("{file}: extra {value} ({})", details.join(", "))
    }
}

/// The surface text of a mention, if it has one.
fn text_of(item: &Value, key: &str) -> Vec<String> {
    get(item, key)
        .as_str()
        .filter(|t| !t.is_empty())
        .map(|t| vec![t.to_owned()])
        .unwrap_or_default()
}

/// Scores records (as serialized JSON) against gold rows with exactly the definitions of
/// `score.py`.
pub fn score(gold: &[GoldRow], records: &[Value]) -> Scores {
    let mut by_file: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for r in records {
        by_file.entry(file_key(r)).or_default().push(r);
    }
    let mut s = Scores::default();
    for g in gold {
        let recs: &[&Value] = by_file.get(&g.file).map_or(&[], Vec::as_slice);
        let lang = g.language.as_str();
        let file = g.file.as_str();
        let several = recs.len() > 1;

        // language: the majority over the file's records (ties: the first in record order)
        let langs: Vec<&Value> = recs.iter().map(|r| get(r, "language")).collect();
        let count = |l: &Value| langs.iter().filter(|x| py_eq(x, l)).count();
        let top = langs
            .iter()
            .copied()
            .reduce(|best, l| if count(l) > count(best) { l } else { best });
        let ok = top.and_then(Value::as_str) == Some(lang);
        s.exact_mut("language").add(ok);
        if !ok {
            let got = top.map_or_else(|| "no records".to_owned(), show);
            s.error("language", format!("{file}: language want {lang} got {got}"));
        }
        let ok = recs.len() == g.stories;
        s.exact_mut("stories").add(ok);
        if !ok {
            s.error(
                "stories",
                format!("{file}: stories want {} got {}", g.stories, recs.len()),
            );
        }
        if g.stories == 1 {
            for (field, want) in [("published", &g.published), ("event_date", &g.event_date)] {
                let got = if recs.len() == 1 { get(recs[0], field) } else { &NULL };
                let ok = match want {
                    None => got.is_null(),
                    Some(w) => date_match(w, got),
                };
                s.exact_mut(field).add(ok);
                if !ok {
                    let want = want.as_deref().unwrap_or("None");
                    s.error(field, format!("{file}: {field} want {want} got {}", show(got)));
                }
            }
        }

        // dates
        let ignore_relative = g.published.is_none();
        let pred_dates = uniq(
            recs.iter().flat_map(|&r| {
                items(r, "dates")
                    .iter()
                    .filter(move |d| {
                        truthy(get(d, "value")) && !(ignore_relative && get(d, "kind").as_str() == Some("relative"))
                    })
                    .map(move |d| Pred {
                        key: get(d, "value"),
                        item: d,
                        record: r,
                    })
            }),
            |a, b| py_eq(a, b),
        );
        let (tp, extra, missed) = match_sets(&g.dates, &pred_dates, &g.dates_optional, |g, p| date_match(g, p.key));
        let extras = extra
            .iter()
            .map(|p| extra_line(file, several, &show(p.key), p, &text_of(p.item, "text")))
            .collect();
        let misses = missed.iter().map(|m| format!("{file}: missed {m}")).collect();
        s.add_matches("dates", lang, tp, extras, misses);

        // leaders, lenient (aliases, predicted name or text) and canonical (name)
        let pred_people = uniq(
            recs.iter().flat_map(|&r| {
                items(r, "leaders").iter().map(move |l| Pred {
                    key: (norm_value(get(l, "name")), norm_value(get(l, "text"))),
                    item: l,
                    record: r,
                })
            }),
            |a, b| a.0 == b.0,
        );
        let lenient = |gp: &GoldLeader, pp: &Pred<'_, (String, String)>| {
            let names: Vec<String> = std::iter::once(&gp.name)
                .chain(&gp.aliases)
                .map(|n| norm_name(n))
                .collect();
            names.contains(&pp.key.0) || names.contains(&pp.key.1)
        };
        let canonical = |gp: &GoldLeader, pp: &Pred<'_, (String, String)>| norm_name(&gp.name) == pp.key.0;
        for (field, lenient_match) in [("leaders", true), ("leaders_canonical", false)] {
            let same = |gp: &GoldLeader, pp: &Pred<'_, (String, String)>| {
                if lenient_match {
                    lenient(gp, pp)
                } else {
                    canonical(gp, pp)
                }
            };
            let (tp, extra, missed) = match_sets(&g.leaders, &pred_people, &g.leaders_optional, same);
            let extras = extra
                .iter()
                .map(|p| extra_line(file, several, &show(get(p.item, "name")), p, &text_of(p.item, "text")))
                .collect();
            let misses = missed.iter().map(|m| format!("{file}: missed {}", m.name)).collect();
            s.add_matches(field, lang, tp, extras, misses);
        }
        // leader countries: among lenient matches, is the country right?
        for gp in &g.leaders {
            let Some(pp) = pred_people.iter().find(|p| lenient(gp, p)) else {
                continue;
            };
            let Some(want) = gp.country.as_deref().filter(|c| !c.is_empty()) else {
                continue;
            };
            let got = get(pp.item, "country");
            let ok = got.as_str() == Some(want);
            s.exact_mut("leader_country").add(ok);
            if !ok {
                s.error(
                    "leader_country",
                    format!("{file}: {} country want {want} got {}", gp.name, show(got)),
                );
            }
        }

        // money: (currency, amount) within 0.5 %
        let pred_money = uniq(
            recs.iter().flat_map(|&r| {
                items(r, "money").iter().map(move |m| Pred {
                    key: (get(m, "currency"), get(m, "amount")),
                    item: m,
                    record: r,
                })
            }),
            |a, b| py_eq(a.0, b.0) && py_eq(a.1, b.1),
        );
        let money_same = |gm: &GoldMoney, pm: &Pred<'_, (&Value, &Value)>| {
            let (cur, amt) = pm.key;
            match amt {
                Value::Number(n) if cur.as_str() == Some(gm.currency.as_str()) => {
                    Num::of(n).within_tolerance_of(Num::of(&gm.amount))
                }
                _ => false,
            }
        };
        let (tp, extra, missed) = match_sets(&g.money, &pred_money, &g.money_optional, money_same);
        let extras = extra
            .iter()
            .map(|p| {
                let value = format!("{} {}", show(p.key.0), show(p.key.1));
                extra_line(file, several, &value, p, &text_of(p.item, "text"))
            })
            .collect();
        let misses = missed
            .iter()
            .map(|m| format!("{file}: missed {} {}", m.currency, m.amount))
            .collect();
        s.add_matches("money", lang, tp, extras, misses);

        // sectors (ids) and countries (codes)
        for (field, key, optional, wanted) in [
            ("sectors", "id", &g.sectors_optional, &g.sectors),
            ("countries", "code", &g.countries_optional, &g.countries),
        ] {
            let pred_vals = uniq(
                recs.iter().flat_map(|&r| {
                    items(r, field).iter().map(move |x| Pred {
                        key: get(x, key),
                        item: x,
                        record: r,
                    })
                }),
                |a, b| py_eq(a, b),
            );
            let same = |g: &String, p: &Pred<'_, &Value>| p.key.as_str() == Some(g.as_str());
            let (tp, extra, missed) = match_sets(wanted, &pred_vals, optional, same);
            let extras = extra
                .iter()
                .map(|p| {
                    let texts: Vec<String> = if field == "sectors" {
                        items(p.item, "evidence")
                            .iter()
                            .filter_map(|e| e.as_str().map(str::to_owned))
                            .collect()
                    } else {
                        text_of(p.item, "name")
                    };
                    extra_line(file, several, &show(p.key), p, &texts)
                })
                .collect();
            let misses = missed.iter().map(|m| format!("{file}: missed {m}")).collect();
            s.add_matches(field, lang, tp, extras, misses);
        }
    }
    s
}

/// A `--min-f1 FIELD=F1` floor.
#[derive(Debug, Clone, PartialEq)]
pub struct Floor {
    /// A set-valued field name as printed, e.g. `money` or `dates[de]`.
    pub field: String,
    /// The lowest acceptable F1 (compared with the F1 as printed, rounded to three decimals).
    pub min: f64,
}

impl std::str::FromStr for Floor {
    type Err = String;

    fn from_str(s: &str) -> Result<Floor, String> {
        let Some((field, min)) = s.split_once('=') else {
            return Err(format!("--min-f1 `{s}`: write FIELD=F1, e.g. `money=0.9`"));
        };
        let field = field.trim();
        if field.is_empty() {
            return Err(format!(
                "--min-f1 `{s}`: the field name is missing; write FIELD=F1, e.g. `money=0.9`"
            ));
        }
        let min = min.trim();
        match min.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Ok(Floor {
                field: field.to_owned(),
                min: x,
            }),
            _ => Err(format!(
                "--min-f1 `{s}`: `{min}` is not an F1 floor; write a number such as 0.9"
            )),
        }
    }
}

/// Runs `accord eval`: checks the floors, loads the gold file and the rules, processes every
/// input in path order in memory, prints the report and returns the exit status (4 when a
/// field's F1 is below its floor).
pub fn run(args: &EvalArgs) -> Result<Exit, CommandError> {
    let usage = |e: String| CommandError::Usage(format!("error: {e}"));
    let floors = args
        .min_f1
        .iter()
        .map(|s| s.parse::<Floor>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(usage)?;
    let accuracy_floors = args
        .min_accuracy
        .iter()
        .map(|s| s.parse::<Floor>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| usage(e.replace("--min-f1", "--min-accuracy")))?;
    if let Some(f) = accuracy_floors
        .iter()
        .find(|f| !EXACT_FIELDS.contains(&f.field.as_str()) || f.min > 1.0)
    {
        return Err(usage(format!(
            "--min-accuracy: `{}={}` needs an exact-match field ({}) and a share from 0 to 1",
            f.field,
            f.min,
            EXACT_FIELDS.join(", ")
        )));
    }
    let reference_date = reference_date(&args.reference_date).map_err(usage)?;
    let gold = load_gold(&args.gold)?;
    let known = field_names(&gold);
    for floor in &floors {
        if !known.contains(&floor.field) {
            let why = if EXACT_FIELDS.contains(&floor.field.as_str()) {
                "is counted as correct/total, it has no F1".to_owned()
            } else {
                format!("is not scored with {}", args.gold.display())
            };
            return Err(usage(format!(
                "--min-f1: field `{}` {why}; fields with an F1: {}",
                floor.field,
                known.join(", ")
            )));
        }
    }
    let rules = RuleSet::load(&args.rules)?;
    let found = discover(&args.inputs).map_err(|e| usage(e.to_string()))?;
    let articles = found.files.len();
    let settings = Settings::new(reference_date);
    let results: Vec<_> = found
        .files
        .par_iter()
        .map(|f| process_isolated(f, &rules, settings))
        .chain(found.skipped.into_par_iter().map(Err))
        .collect();
    let mut records = Vec::new();
    let mut skipped = 0;
    for result in results {
        match result {
            Ok(recs) => {
                for r in &recs {
                    let value = serde_json::to_value(r)
                        .map_err(|e| CommandError::Failed(format!("cannot serialize record {}: {e}", r.id)))?;
                    records.push(value);
                }
            }
            Err(s) => {
                eprintln!("skipped {}: {}", s.source, s.reason);
                skipped += 1;
            }
        }
    }
    let seen: BTreeSet<String> = records.iter().map(file_key).collect();
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

    let scores = score(&gold, &records);
    println!(
        "accord eval: {} articles -> {} records ({} skipped), scored against {} gold files in {}",
        articles,
        records.len(),
        skipped,
        gold.len(),
        args.gold.display()
    );
    print!("{}", scores.report());

    let below = floors_missed(&floors, |f| scores.f1(f), "F1 of {field} is {value}")
        + floors_missed(
            &accuracy_floors,
            |f| scores.accuracy(f),
            "{field} is correct for {value} of the gold rows",
        );
    Ok(if below > 0 { Exit::BelowFloor } else { Exit::Ok })
}

/// Says on stderr which of `floors` the scores (read by `score`) fall below, with `what`
/// (`{field}` and `{value}` filled in), and returns how many.
fn floors_missed(floors: &[Floor], score: impl Fn(&str) -> Option<f64>, what: &str) -> usize {
    floors
        .iter()
        .filter(|floor| {
            let value = score(&floor.field).unwrap_or(0.0);
            let below = value < floor.min;
            if below {
                let what = what
                    .replace("{field}", &floor.field)
                    .replace("{value}", &format!("{value:.3}"));
                eprintln!("accord eval: {what}, below the floor {}", floor.min);
            }
            below
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn gold(line: &str) -> GoldRow {
        serde_json::from_str(line).unwrap()
    }

    #[test]
    fn dates_match_with_unknown_years_and_intervals() {
        assert!(date_match("XXXX-07-05", &json!("2024-07-05")));
        assert!(!date_match("XXXX-07-05", &json!("2024-07-06")));
        assert!(date_match("2026/2030", &json!("2026/2030")));
        assert!(!date_match("2026/2030", &json!("2026")));
        assert!(!date_match("2024-06", &json!("2024-06-01")));
        assert!(!date_match("2024", &json!(2024)));
    }

    #[test]
    fn names_are_normalized_like_score_py() {
        assert_eq!(norm_name("Recep Tayyip Erdoğan"), "recep tayyip erdogan");
        assert_eq!(norm_name(" Kassym-Jomart  Tokayev "), "kassym jomart tokayev");
        assert_eq!(norm_name("O\u{2019}Brien"), "o'brien");
    }

    #[test]
    fn money_tolerance_is_half_a_percent_of_the_gold_amount() {
        let n = |s: &str| Num::of(&s.parse::<Number>().unwrap());
        assert!(n("1005").within_tolerance_of(n("1000")));
        assert!(!n("1006").within_tolerance_of(n("1000")));
        assert!(n("995.0").within_tolerance_of(n("1000")));
        assert!(n("1000").same(n("1000.0")));
    }

    #[test]
    fn matching_is_greedy_in_prediction_order_and_optional_values_count_neither_way() {
        let (tp, extra, missed) = match_sets(&["a", "b"], &["b", "c", "d"], &["c"], |g: &&str, p: &&str| g == p);
        assert_eq!((tp, extra, missed), (1, vec![&"d"], vec![&"a"]));
    }

    #[test]
    fn records_are_pooled_per_file_and_relative_dates_ignored_without_published() {
        let g = gold(
            r#"{"file": "a.txt", "language": "en", "stories": 2, "published": null, "dates": ["XXXX-05-03"], "leaders": [{"name": "Xi Jinping", "aliases": ["Xi"], "country": "CN"}], "money": [{"currency": "USD", "amount": 1000}], "sectors": ["energy"], "countries": ["CN"], "countries_optional": ["TW"]}"#,
        );
        let recs = vec![
            json!({"source": "in/a.txt", "language": "en", "dates": [{"value": "2024-05-03", "kind": "explicit", "text": "3 May"}, {"value": "2024-01", "kind": "relative"}], "leaders": [{"name": "Xi Jinping", "text": "Xi", "country": null}], "money": [{"currency": "USD", "amount": 1004, "text": "$1,004"}], "sectors": [{"id": "energy"}], "countries": [{"code": "TW"}]}),
            json!({"source": "in\\a.txt", "language": "de", "money": [{"currency": "EUR", "amount": 5, "text": "5 euros"}], "countries": [{"code": "CN"}]}),
        ];
        let s = score(&[g], &recs);
        let f = |k: &str| s.fields[k];
        assert_eq!(f("dates"), FieldScore { tp: 1, fp: 0, fn_: 0 });
        assert_eq!(f("leaders[en]"), FieldScore { tp: 1, fp: 0, fn_: 0 });
        assert_eq!(f("money"), FieldScore { tp: 1, fp: 1, fn_: 0 });
        assert_eq!(f("countries"), FieldScore { tp: 1, fp: 0, fn_: 0 });
        assert_eq!(s.exact[0], ("language".into(), ExactScore { correct: 1, total: 1 }));
        assert_eq!(s.exact[1], ("stories".into(), ExactScore { correct: 1, total: 1 }));
        assert_eq!(
            s.exact[2],
            ("leader_country".into(), ExactScore { correct: 0, total: 1 })
        );
        assert_eq!(s.errors["money"], vec!["a.txt: extra EUR 5 (\"5 euros\", story None)"]);
    }

    #[test]
    fn floors_parse_or_explain() {
        assert_eq!(
            "dates[de]=0.9".parse::<Floor>(),
            Ok(Floor {
                field: "dates[de]".into(),
                min: 0.9
            })
        );
        assert!("money".parse::<Floor>().unwrap_err().contains("FIELD=F1"));
        assert!("money=high".parse::<Floor>().is_err());
        assert!("=0.9".parse::<Floor>().is_err());
        assert!("money=NaN".parse::<Floor>().is_err());
    }

    #[test]
    fn rounding_is_half_to_even_like_python() {
        assert_eq!(round3(0.0625), 0.062);
        assert_eq!(round3(0.9375), 0.938);
        assert_eq!(round3(2.0 / 3.0), 0.667);
    }

    #[test]
    fn bad_gold_lines_are_all_named() {
        let err = parse_gold(
            "{\"file\": \"a.txt\", \"language\": \"en\"}\n{broken\n\n{\"file\": 3}\n",
            Path::new("g.jsonl"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("g.jsonl:2:"), "{err}");
        assert!(err.contains("g.jsonl:4:"), "{err}");
    }
}
