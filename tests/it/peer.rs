//! Conformance runners over the peer suites in `../shared/peer/recognizers/` (test data
//! converted from Microsoft Recognizers-Text; see its `NOTICE.md` for the formats).
//!
//! Dates (`dates.jsonl`, `dates_negative.jsonl`): every case is run through
//! `extract::dates::extract` and `resolve::dates::resolve` with the case's reference date
//! (the tests' `REFERENCE_DATE` when the case has none) as its published date: the suites' reference date is
//! the day the sentence was said, so weekdays resolve against it. A predicted value is a true positive when it is in the
//! `values` list of an expected result; predictions and expected results are matched one to
//! one (maximum bipartite matching). Unmatched predictions are false positives, unmatched
//! expected results false negatives. Every prediction on a negative case is a false positive.
//! Figures are reported per language and per tier, the tier being the case-level `tier`
//! field. Negative cases have no tier: their false positives count toward the precision of
//! **both** tiers (the stricter choice), and toward the language total once.
//! Targets: explicit precision ≥ 0.95 and recall ≥ 0.90; relative precision ≥ 0.90 with recall
//! ≥ 0.60 (English) and ≥ 0.70 (German). Both languages meet them and assert them (see
//! `date_floor`).
//!
//! Money (`money.jsonl`, `money_negative.jsonl`): `extract::money::extract`; a prediction
//! matches an expected result with the same ISO currency code and an amount within 0.5 %.
//! Floors: precision ≥ 0.95, recall ≥ 0.90 per language. Cases whose expected results carry
//! no currency (`currency: null`) are skipped and counted. `money_no_iso.jsonl` (bare "$",
//! "pound", "dollar": units without an ISO code) is **not scored**.
//!
//! `tests/it/peer_exclusions.csv` lists reviewed case ids excluded as foreign to news text, each
//! with its reason. Exclusions must stay under 15 % of each date tier per language (an excluded
//! negative case counts against the explicit tier's allowance, whose base stays the tier's
//! positive cases) and of each money suite (`money.jsonl` plus `money_negative.jsonl`) per
//! language.
//!
//! Run with `cargo test --test it peer:: -- --nocapture` to see the figures; set `PEER_VERBOSE=1`
//! to also list every miss.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use accord::story::StoryText;
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use serde_json::Value;

use crate::common::{reference_date, root, rules, shared};

const LANGS: [&str; 2] = ["en", "de"];

/// The dates targets of the project (tier, precision, recall): explicit P >= 0.95 and R >= 0.90,
/// relative P >= 0.90 (recall per language in `date_floor`).
const DATE_TARGETS: [(&str, f64, f64); 2] = [("explicit", 0.95, 0.90), ("relative", 0.90, 0.0)];

/// The floor asserted for a language and tier. Both languages meet the targets, so every floor
/// is the target. Relative recall: English 0.60 (reached 0.670, with offsets such as "two months
/// ago", "last month", modified and bare weekdays and holidays read), German 0.70 (reached
/// 0.919). English explicit precision has the least headroom (0.954).
fn date_floor(lang: &str, tier: &str) -> (f64, f64) {
    match (lang, tier) {
        ("en", "relative") => (0.90, 0.60),
        ("de", "relative") => (0.90, 0.70),
        _ => DATE_TARGETS.iter().find(|t| t.0 == tier).map(|t| (t.1, t.2)).unwrap(),
    }
}
const MAX_EXCLUDED: f64 = 0.15;

fn peer_dir() -> PathBuf {
    shared("peer/recognizers")
}

fn verbose() -> bool {
    std::env::var_os("PEER_VERBOSE").is_some_and(|v| v != "0")
}

fn read_cases(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1)))
        .collect()
}

/// `id,reason` rows of `tests/peer_exclusions.csv`; every row needs a reason.
fn read_exclusions() -> BTreeMap<String, String> {
    let path = root().join("tests/it/peer_exclusions.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next().map(str::trim),
        Some("id,reason"),
        "{}: header must be `id,reason`",
        path.display()
    );
    let mut out = BTreeMap::new();
    for (n, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (id, reason) = line
            .split_once(',')
            .unwrap_or_else(|| panic!("{}:{}: expected `id,reason`", path.display(), n + 2));
        let reason = reason.trim().trim_matches('"').trim();
        assert!(
            !reason.is_empty(),
            "{}:{}: exclusion of {id} has no reason",
            path.display(),
            n + 2
        );
        assert!(
            out.insert(id.trim().to_owned(), reason.to_owned()).is_none(),
            "{}:{}: {id} listed twice",
            path.display(),
            n + 2
        );
    }
    out
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Size of a maximum one-to-one matching between `n_pred` predictions and `n_exp` expected
/// results, `ok(p, e)` telling which pairs may match (Kuhn's augmenting paths).
fn max_matching(n_pred: usize, n_exp: usize, ok: impl Fn(usize, usize) -> bool) -> (usize, Vec<bool>, Vec<bool>) {
    fn augment(
        p: usize,
        ok: &dyn Fn(usize, usize) -> bool,
        n_exp: usize,
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for e in 0..n_exp {
            if ok(p, e) && !seen[e] {
                seen[e] = true;
                if owner[e].is_none_or(|q| augment(q, ok, n_exp, seen, owner)) {
                    owner[e] = Some(p);
                    return true;
                }
            }
        }
        false
    }
    let mut owner: Vec<Option<usize>> = vec![None; n_exp];
    let mut count = 0;
    for p in 0..n_pred {
        let mut seen = vec![false; n_exp];
        if augment(p, &ok, n_exp, &mut seen, &mut owner) {
            count += 1;
        }
    }
    let mut pred_used = vec![false; n_pred];
    let exp_used: Vec<bool> = owner.iter().map(Option::is_some).collect();
    for p in owner.iter().flatten() {
        pred_used[*p] = true;
    }
    (count, pred_used, exp_used)
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    cases: usize,
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn add(&mut self, tp: usize, fp: usize, fn_: usize) {
        self.tp += tp;
        self.fp += fp;
        self.fn_ += fn_;
    }
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    fn line(&self, label: &str) -> String {
        format!(
            "{label:<22} cases {:>4}  tp {:>4}  fp {:>3}  fn {:>3}  precision {:.3}  recall {:.3}",
            self.cases,
            self.tp,
            self.fp,
            self.fn_,
            self.precision(),
            self.recall()
        )
    }
}

/// Checks that the exclusions stay under the limit for one group; returns a failure message.
fn check_share(label: &str, excluded: usize, total: usize, failures: &mut Vec<String>) {
    let share = if total == 0 {
        0.0
    } else {
        excluded as f64 / total as f64
    };
    println!(
        "  excluded {label:<28} {excluded:>3} of {total:>4} ({:.1} %)",
        share * 100.0
    );
    if share >= MAX_EXCLUDED {
        failures.push(format!(
            "{label}: {excluded} of {total} cases excluded ({:.1} %), limit 15 %",
            share * 100.0
        ));
    }
}

#[test]
fn peer_dates_conformance() {
    let rules = rules();
    let exclusions = read_exclusions();
    let default_reference = reference_date();
    let mut failures = Vec::new();
    let mut known = BTreeSet::new();
    for lang in LANGS {
        let lr = &rules.language(lang).unwrap();
        let dir = peer_dir().join(lang);
        let mut by_tier: BTreeMap<&str, Counts> = BTreeMap::new();
        let mut total = Counts::default();
        let mut negative = Counts::default();
        let mut excluded: BTreeMap<&str, usize> = BTreeMap::new();
        let mut tier_cases: BTreeMap<&str, usize> = BTreeMap::new();
        for (file, is_negative) in [("dates.jsonl", false), ("dates_negative.jsonl", true)] {
            for case in read_cases(&dir.join(file)) {
                let id = str_field(&case, "id").to_owned();
                known.insert(id.clone());
                let tier: &str = if is_negative {
                    "negative"
                } else {
                    match str_field(&case, "tier") {
                        "explicit" => "explicit",
                        "relative" => "relative",
                        other => panic!("{id}: unknown tier {other:?}"),
                    }
                };
                if !is_negative {
                    *tier_cases.entry(tier).or_default() += 1;
                }
                if exclusions.contains_key(&id) {
                    *excluded.entry(if is_negative { "explicit" } else { tier }).or_default() += 1;
                    continue;
                }
                let input = str_field(&case, "input");
                let reference = match case.get("reference_date").and_then(Value::as_str) {
                    Some(d) => NaiveDate::from_str(d).unwrap_or_else(|e| panic!("{id}: reference_date {d}: {e}")),
                    None => default_reference,
                };
                let mentions = accord::extract::dates::extract(&StoryText::new(input), &lr.dates);
                let resolved = accord::resolve::dates::resolve(&mentions, Some(reference), reference);
                let expected: Vec<Vec<String>> = case["expected"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|e| {
                                e["values"]
                                    .as_array()
                                    .map(|v| v.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                                    .unwrap_or_default()
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let (tp, pred_used, exp_used) = max_matching(resolved.len(), expected.len(), |p, e| {
                    expected[e].contains(&resolved[p].value)
                });
                let (fp, fn_) = (resolved.len() - tp, expected.len() - tp);
                if is_negative {
                    negative.cases += 1;
                    negative.add(0, resolved.len(), 0);
                    for c in ["explicit", "relative"] {
                        by_tier.entry(c).or_default().add(0, resolved.len(), 0);
                    }
                } else {
                    let c = by_tier.entry(tier).or_default();
                    c.cases += 1;
                    c.add(tp, fp, fn_);
                }
                total.cases += 1;
                total.add(
                    if is_negative { 0 } else { tp },
                    if is_negative { resolved.len() } else { fp },
                    if is_negative { 0 } else { fn_ },
                );
                if verbose() && (fp > 0 || fn_ > 0 || (is_negative && !resolved.is_empty())) {
                    let got: Vec<String> = resolved
                        .iter()
                        .enumerate()
                        .map(|(i, r)| format!("{}{}[{}]", if pred_used[i] { "" } else { "FP " }, r.value, r.rule))
                        .collect();
                    let want: Vec<String> = case["expected"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .enumerate()
                        .map(|(i, e)| {
                            format!(
                                "{}{:?}={}",
                                if exp_used[i] { "" } else { "FN " },
                                str_field(e, "text"),
                                e["values"]
                            )
                        })
                        .collect();
                    println!(
                        "  MISS {id} [{tier}] ref {reference} {input:?}\n       got {got:?}\n       want {want:?}"
                    );
                }
            }
        }
        println!("dates {lang}:");
        for tier in ["explicit", "relative"] {
            let c = by_tier.get(tier).copied().unwrap_or_default();
            println!("  {}", c.line(&format!("{tier} (+negatives)")));
        }
        println!("  {}", negative.line("negative"));
        println!("  {}", total.line("all"));
        for tier in ["explicit", "relative"] {
            check_share(
                &format!("dates {lang} {tier}"),
                excluded.get(tier).copied().unwrap_or(0),
                tier_cases.get(tier).copied().unwrap_or(0),
                &mut failures,
            );
        }
        let explicit = by_tier.get("explicit").copied().unwrap_or_default();
        let relative = by_tier.get("relative").copied().unwrap_or_default();
        for (tier, counts) in [("explicit", explicit), ("relative", relative)] {
            let (min_p, min_r) = date_floor(lang, tier);
            let (target_p, target_r) = DATE_TARGETS.iter().find(|t| t.0 == tier).map(|t| (t.1, t.2)).unwrap();
            if counts.precision() < min_p {
                failures.push(format!(
                    "dates {lang} {tier} precision {:.3} < {min_p}",
                    counts.precision()
                ));
            }
            if counts.recall() < min_r {
                failures.push(format!("dates {lang} {tier} recall {:.3} < {min_r}", counts.recall()));
            }
            if counts.precision() < target_p || counts.recall() < target_r {
                println!(
                    "  below target: {tier} P {:.3} R {:.3} (target P >= {target_p}, R >= {target_r})",
                    counts.precision(),
                    counts.recall()
                );
            }
        }
    }
    check_exclusion_ids(&exclusions, &known, "DateTimeModel");
    assert!(
        failures.is_empty(),
        "peer date conformance:\n  {}",
        failures.join("\n  ")
    );
}

#[test]
fn peer_money_conformance() {
    let rules = rules();
    let exclusions = read_exclusions();
    let mut failures = Vec::new();
    let mut known = BTreeSet::new();
    for lang in LANGS {
        let lr = &rules.language(lang).unwrap();
        let dir = peer_dir().join(lang);
        let mut counts = Counts::default();
        let (mut suite, mut excluded, mut no_currency) = (0, 0, 0);
        for file in ["money.jsonl", "money_negative.jsonl"] {
            for case in read_cases(&dir.join(file)) {
                let id = str_field(&case, "id").to_owned();
                known.insert(id.clone());
                suite += 1;
                if exclusions.contains_key(&id) {
                    excluded += 1;
                    continue;
                }
                let expected: Vec<(f64, String)> = case["expected"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|e| {
                        (
                            e["amount"].as_f64().unwrap_or(f64::NAN),
                            str_field(e, "currency").to_owned(),
                        )
                    })
                    .collect();
                if expected.iter().any(|(_, c)| c.is_empty()) {
                    no_currency += 1;
                    continue;
                }
                let input = str_field(&case, "input");
                let found = accord::extract::money::extract(&StoryText::new(input), &lr.money);
                let ok = |p: usize, e: usize| {
                    let (amount, currency) = &expected[e];
                    let got = found[p].amount.to_f64().unwrap_or(f64::NAN);
                    found[p].currency == *currency && (got - amount).abs() <= amount.abs() * 0.005
                };
                let (tp, pred_used, exp_used) = max_matching(found.len(), expected.len(), ok);
                let (fp, fn_) = (found.len() - tp, expected.len() - tp);
                counts.cases += 1;
                counts.add(tp, fp, fn_);
                if verbose() && (fp > 0 || fn_ > 0) {
                    let got: Vec<String> = found
                        .iter()
                        .enumerate()
                        .map(|(i, m)| {
                            format!(
                                "{}{} {}[{}]",
                                if pred_used[i] { "" } else { "FP " },
                                m.currency,
                                m.amount,
                                m.rule
                            )
                        })
                        .collect();
                    let want: Vec<String> = expected
                        .iter()
                        .enumerate()
                        .map(|(i, (a, c))| format!("{}{c} {a}", if exp_used[i] { "" } else { "FN " }))
                        .collect();
                    println!("  MISS {id} {input:?}\n       got {got:?}\n       want {want:?}");
                }
            }
        }
        println!("money {lang}:");
        println!("  {}", counts.line("all"));
        println!("  skipped (currency null) {no_currency}");
        check_share(&format!("money {lang}"), excluded, suite, &mut failures);
        if counts.precision() < 0.95 {
            failures.push(format!("money {lang} precision {:.3} < 0.95", counts.precision()));
        }
        if counts.recall() < 0.90 {
            failures.push(format!("money {lang} recall {:.3} < 0.90", counts.recall()));
        }
    }
    check_exclusion_ids(&exclusions, &known, "CurrencyModel");
    assert!(
        failures.is_empty(),
        "peer money conformance:\n  {}",
        failures.join("\n  ")
    );
}

/// Every exclusion of this model names a case that exists (a stale id is a review error).
fn check_exclusion_ids(exclusions: &BTreeMap<String, String>, known: &BTreeSet<String>, model: &str) {
    let stale: Vec<&String> = exclusions
        .keys()
        .filter(|id| id.contains(&format!(":{model}:")) && !known.contains(*id))
        .collect();
    println!(
        "exclusions ({model}): {} listed",
        exclusions
            .keys()
            .filter(|id| id.contains(&format!(":{model}:")))
            .count()
    );
    assert!(
        stale.is_empty(),
        "tests/peer_exclusions.csv names unknown cases: {stale:?}"
    );
}
