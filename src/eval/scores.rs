//! The scored fields, their counts and the report: the table of set-valued fields, the
//! exact-match lines and every miss and extra, as score.py prints them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use super::gold::GoldRow;

/// A field scored by precision, recall and F1. Each is also scored per gold language, as
/// `FIELD[xx]` (for example `dates[de]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoredField {
    /// Date values.
    Dates,
    /// People, matched leniently (aliases, predicted name or text).
    Leaders,
    /// People, matched by canonical name.
    LeadersCanonical,
    /// Money amounts.
    Money,
    /// Sector ids.
    Sectors,
    /// Country codes.
    Countries,
}

impl ScoredField {
    /// Every scored field, in score.py's order.
    pub const ALL: [ScoredField; 6] = [
        ScoredField::Dates,
        ScoredField::Leaders,
        ScoredField::LeadersCanonical,
        ScoredField::Money,
        ScoredField::Sectors,
        ScoredField::Countries,
    ];

    /// The field's name as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            ScoredField::Dates => "dates",
            ScoredField::Leaders => "leaders",
            ScoredField::LeadersCanonical => "leaders_canonical",
            ScoredField::Money => "money",
            ScoredField::Sectors => "sectors",
            ScoredField::Countries => "countries",
        }
    }
}

/// A field counted as exact matches (correct/total), which has no F1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExactField {
    /// The majority language of a file's records.
    Language,
    /// The number of stories (records) of a file.
    Stories,
    /// The publication date of a single-story file.
    Published,
    /// The event date of a single-story file.
    EventDate,
    /// The country of a leniently matched leader.
    LeaderCountry,
}

impl ExactField {
    /// Every exact-match field.
    pub const ALL: [ExactField; 5] = [
        ExactField::Language,
        ExactField::Stories,
        ExactField::Published,
        ExactField::EventDate,
        ExactField::LeaderCountry,
    ];

    /// The field's name as printed (for `published` and `event_date` also the record field).
    pub fn as_str(self) -> &'static str {
        match self {
            ExactField::Language => "language",
            ExactField::Stories => "stories",
            ExactField::Published => "published",
            ExactField::EventDate => "event_date",
            ExactField::LeaderCountry => "leader_country",
        }
    }

    /// The field printed as `name`, if there is one.
    pub fn named(name: &str) -> Option<ExactField> {
        ExactField::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

impl fmt::Display for ExactField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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
    /// Adds the counts of one file.
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
    /// Counts one gold row.
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
    /// Exact-match fields in the order score.py first meets them.
    pub exact: Vec<(ExactField, ExactScore)>,
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
            .find(|(name, _)| name.as_str() == field)
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
        for (field, e) in &self.exact {
            out.insert(
                field.as_str().to_owned(),
                serde_json::json!({
                    "correct": e.correct, "total": e.total, "accuracy": e.accuracy().map(round3),
                }),
            );
        }
        Value::Object(out)
    }

    /// The report: the table of set-valued fields, the exact-match lines, then every error.
    pub fn report(&self) -> String {
        let mut out = self.table();
        for (field, e) in &self.exact {
            out += &format!("{:28} {}/{} correct\n", field.as_str(), e.correct, e.total);
        }
        out += &self.error_list();
        out
    }

    /// The header and one line per set-valued field: counts, precision, recall and F1.
    fn table(&self) -> String {
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
        out
    }

    /// Every error as `[field] message`, after a blank line and a count.
    fn error_list(&self) -> String {
        let count: usize = self.errors.values().map(Vec::len).sum();
        if count == 0 {
            return "\nno misses or extras\n".to_owned();
        }
        let mut out = format!("\nmisses, extras and wrong values ({count}):\n");
        for (field, errors) in &self.errors {
            for e in errors {
                out += &format!("[{field}] {e}\n");
            }
        }
        out
    }

    /// Counts one gold row of an exact-match field; when it is wrong, notes `why()`.
    pub(super) fn check(&mut self, field: ExactField, ok: bool, why: impl FnOnce() -> String) {
        self.exact_mut(field).add(ok);
        if !ok {
            self.error(field.as_str(), why());
        }
    }

    /// The counts of an exact-match field, added at the end when first met.
    fn exact_mut(&mut self, field: ExactField) -> &mut ExactScore {
        let i = match self.exact.iter().position(|(f, _)| *f == field) {
            Some(i) => i,
            None => {
                self.exact.push((field, ExactScore::default()));
                self.exact.len() - 1
            }
        };
        &mut self.exact[i].1
    }

    /// Notes an error of `field`.
    fn error(&mut self, field: &str, message: String) {
        self.errors.entry(field.to_owned()).or_default().push(message);
    }

    /// Adds one file's matching of `field` to `field` and `field[lang]`, and its errors.
    pub(super) fn add_matches(
        &mut self,
        field: ScoredField,
        lang: &str,
        tp: usize,
        extras: Vec<String>,
        misses: Vec<String>,
    ) {
        let name = field.as_str();
        for key in [name.to_owned(), format!("{name}[{lang}]")] {
            self.fields.entry(key).or_default().add(tp, extras.len(), misses.len());
        }
        for e in extras {
            self.error(name, e);
        }
        for m in misses {
            self.error(name, m);
        }
    }
}

/// The set-valued field names a gold file gives, in the order of the table.
pub fn field_names(gold: &[GoldRow]) -> Vec<String> {
    let langs: BTreeSet<&str> = gold.iter().map(|g| g.language.as_str()).collect();
    let mut names: Vec<String> = Vec::new();
    if !gold.is_empty() {
        for field in ScoredField::ALL.map(ScoredField::as_str) {
            names.push(field.to_owned());
            names.extend(langs.iter().map(|l| format!("{field}[{l}]")));
        }
    }
    field_order(names.iter().map(String::as_str))
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_to_even_like_python() {
        assert_eq!(round3(0.0625), 0.062);
        assert_eq!(round3(0.9375), 0.938);
        assert_eq!(round3(2.0 / 3.0), 0.667);
    }

    #[test]
    fn fields_are_ordered_by_base_name_then_whole_name() {
        let names = field_order([
            "money[en]",
            "dates",
            "leaders_canonical",
            "dates[de]",
            "leaders[en]",
            "money",
        ]);
        assert_eq!(
            names,
            [
                "dates",
                "dates[de]",
                "leaders[en]",
                "leaders_canonical",
                "money",
                "money[en]"
            ]
        );
    }

    #[test]
    fn exact_fields_are_named_as_printed() {
        for field in ExactField::ALL {
            assert_eq!(ExactField::named(field.as_str()), Some(field));
        }
        assert_eq!(ExactField::named("dates"), None);
    }

    #[test]
    fn the_report_lists_errors_or_says_there_are_none() {
        let mut s = Scores::default();
        assert!(s.report().ends_with("\nno misses or extras\n"));
        s.add_matches(ScoredField::Money, "en", 1, vec!["a: extra".into()], vec![]);
        s.check(ExactField::Stories, false, || "a: stories".into());
        let report = s.report();
        assert!(
            report.contains("\nmoney[en]                        1     1     0"),
            "{report}"
        );
        assert!(
            report.contains("stories                      0/1 correct\n"),
            "{report}"
        );
        assert!(
            report.ends_with("(2):\n[money] a: extra\n[stories] a: stories\n"),
            "{report}"
        );
    }
}
