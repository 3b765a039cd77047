//! `accord diff OLD_DIR NEW_DIR`: compares two output folders record by record and field by
//! field — yesterday's run against today's, or the output before a rule edit against the
//! output after it.
//!
//! Each folder is read from its `records.jsonl` (one record per line) or, when that file is
//! absent, from its `records.json` (a JSON array). Records are matched by `id`. The report lists
//! the ids of records added and removed, then, for every record present in both folders, the
//! fields that changed:
//!
//! - scalar fields (`title`, `language`, `published`, `event_date`, …) as `old → new`, strings
//!   quoted as in JSON so that empty strings, `null` and line breaks stay visible;
//!   `language_confidence` differences below 0.01 are ignored;
//! - list fields as `- item` / `+ item` lines, comparing the items by one key each — dates by
//!   `value`, leaders by `name`, money by `CUR amount`, sectors by `id`, countries by `code`,
//!   warnings by the string itself (other lists by the item without `start`/`end`). Offsets,
//!   order and the other attributes of an item are therefore ignored. A key that occurs twice
//!   counts twice, so a lost duplicate mention is still reported. A leader whose country
//!   changed is listed as `- Name (OLD)` / `+ Name (NEW)`.
//!
//! It ends with the number of changed records per field and the totals (added, removed,
//! changed, unchanged). Output is deterministic: records sorted by id, fields in record order.
//!
//! # Exit status
//!
//! As with `diff(1)`: 0 when the folders hold the same records (up to the differences ignored
//! above), 1 when there are differences — a difference is information, not a failure — and 2
//! for usage errors (a folder that does not exist or holds neither records file). A records
//! file that cannot be read or parsed is reported with its `file:line` and exit status 1 (see
//! [`CommandError::Failed`]); nothing is then written to standard output.
//!
//! The comparison itself is the pure function [`compare`], whose [`Diff`] prints the report
//! through [`std::fmt::Display`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::hash::Hash;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::cli::{DiffArgs, Exit};
use crate::CommandError;

/// `language_confidence` differences below this are not reported.
pub const CONFIDENCE_TOLERANCE: f64 = 0.01;

/// Runs `accord diff`: loads both folders, prints the report and returns 0 (no differences) or
/// 1 (differences).
pub fn run(args: &DiffArgs) -> Result<Exit, CommandError> {
    let (old_file, old) = load_records(&args.old)?;
    let (new_file, new) = load_records(&args.new)?;
    let diff = compare(&old, &new);
    let report = format!(
        "--- {} ({})\n+++ {} ({})\n{diff}",
        old_file.display(),
        plural(old.len(), "record"),
        new_file.display(),
        plural(new.len(), "record"),
    );
    let mut out = std::io::stdout().lock();
    match out.write_all(report.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => {}
        // `accord diff A B | head` closes the pipe early; the exit status still holds.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(CommandError::Failed(format!("cannot write the report: {e}"))),
    }
    Ok(diff.exit_code())
}

/// Reads the records of an output folder: `records.jsonl`, or `records.json` when there is no
/// `records.jsonl`. Returns the file read and its records, each an object with a string `id`,
/// ids unique.
///
/// A folder that does not exist or holds neither file is a [`CommandError::Usage`]; a file
/// that cannot be read, a malformed line, a record without a string `id` or a repeated id is
/// a [`CommandError::Failed`] naming `file:line` (`file: record N` for `records.json`).
pub fn load_records(dir: &Path) -> Result<(PathBuf, Vec<Value>), CommandError> {
    if !dir.exists() {
        return Err(CommandError::Usage(format!(
            "error: output folder `{}` does not exist",
            dir.display()
        )));
    }
    if !dir.is_dir() {
        return Err(CommandError::Usage(format!(
            "error: `{}` is not a folder; pass an accord output folder",
            dir.display()
        )));
    }
    let jsonl = dir.join("records.jsonl");
    let json = dir.join("records.json");
    if jsonl.is_file() {
        let records = parse_jsonl(&jsonl, &read(&jsonl)?)?;
        Ok((jsonl, records))
    } else if json.is_file() {
        let records = parse_json_array(&json, &read(&json)?)?;
        Ok((json, records))
    } else {
        Err(CommandError::Usage(format!(
            "error: `{}` holds neither records.jsonl nor records.json; pass an accord output folder",
            dir.display()
        )))
    }
}

/// The text of a records file.
fn read(path: &Path) -> Result<String, CommandError> {
    std::fs::read_to_string(path).map_err(|e| CommandError::Failed(format!("cannot read {}: {e}", path.display())))
}

/// Parses `records.jsonl` text: one record per line, blank lines skipped.
fn parse_jsonl(path: &Path, text: &str) -> Result<Vec<Value>, CommandError> {
    let mut records = Vec::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let at = || format!("{}:{number}", path.display());
        let record: Value =
            serde_json::from_str(line).map_err(|e| CommandError::Failed(format!("{}: malformed record: {e}", at())))?;
        let id = checked_id(&record).map_err(|why| CommandError::Failed(format!("{}: {why}", at())))?;
        if let Some(first) = first_line.insert(id.to_owned(), number) {
            return Err(CommandError::Failed(format!(
                "{}: duplicate id `{id}` (first on line {first})",
                at()
            )));
        }
        records.push(record);
    }
    Ok(records)
}

/// Parses `records.json` text: a JSON array of records.
fn parse_json_array(path: &Path, text: &str) -> Result<Vec<Value>, CommandError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        CommandError::Failed(format!(
            "{}:{}:{}: malformed JSON: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    let Value::Array(records) = value else {
        return Err(CommandError::Failed(format!(
            "{}: expected a JSON array of records",
            path.display()
        )));
    };
    let mut first_index: HashMap<String, usize> = HashMap::new();
    for (index, record) in records.iter().enumerate() {
        let number = index + 1;
        let at = || format!("{}: record {number}", path.display());
        let id = checked_id(record).map_err(|why| CommandError::Failed(format!("{}: {why}", at())))?;
        if let Some(first) = first_index.insert(id.to_owned(), number) {
            return Err(CommandError::Failed(format!(
                "{}: duplicate id `{id}` (first in record {first})",
                at()
            )));
        }
    }
    Ok(records)
}

/// The string `id` of a record, or why it has none.
fn checked_id(record: &Value) -> Result<&str, &'static str> {
    match record {
        Value::Object(map) => match map.get("id") {
            Some(Value::String(id)) => Ok(id),
            _ => Err("record has no string `id`"),
        },
        _ => Err("not a JSON object"),
    }
}

/// The differences between two sets of records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    /// Ids only in the new records, sorted.
    pub added: Vec<String>,
    /// Ids only in the old records, sorted.
    pub removed: Vec<String>,
    /// Records in both with at least one reported change, sorted by id.
    pub changed: Vec<RecordDiff>,
    /// Number of records in both without a reported change.
    pub unchanged: usize,
    /// Per field, in record order, the number of changed records in which it changed (only
    /// fields with at least one).
    pub field_counts: Vec<FieldCount>,
}

/// How many changed records a field changed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCount {
    /// The field name.
    pub field: String,
    /// The number of changed records in which it changed.
    pub records: usize,
}

/// The changes of one record present in both sets.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordDiff {
    /// The record's id.
    pub id: String,
    /// The changed fields, in record order.
    pub fields: Vec<FieldDiff>,
}

/// The change of one field of one record.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDiff {
    /// The field name (`title`, `sectors`, …).
    pub field: String,
    /// What changed.
    pub change: Change,
}

/// How a field changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A scalar (or a field that is not a list on both sides), rendered for display.
    Scalar {
        /// The old value (`(absent)` when the field was missing).
        old: String,
        /// The new value (`(absent)` when the field is missing).
        new: String,
    },
    /// A list, compared as a multiset of item keys.
    List {
        /// Keys of items only in the old list, in old list order.
        removed: Vec<String>,
        /// Keys of items only in the new list, in new list order.
        added: Vec<String>,
    },
}

impl Diff {
    /// True when nothing was added, removed or changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// The exit status for this diff: 0 without differences, 1 with.
    pub fn exit_code(&self) -> Exit {
        if self.is_empty() {
            Exit::Ok
        } else {
            Exit::Differences
        }
    }

    /// The number of changed records in which `field` changed.
    pub fn field_count(&self, field: &str) -> usize {
        self.field_counts
            .iter()
            .find(|c| c.field == field)
            .map_or(0, |c| c.records)
    }
}

/// Compares two sets of records, matched by their string `id`.
///
/// Records without a string `id` are ignored, and when an id repeats the last record wins;
/// [`load_records`] rejects both. See the module documentation for what counts as a change.
pub fn compare(old: &[Value], new: &[Value]) -> Diff {
    let old_by_id = by_id(old);
    let new_by_id = by_id(new);
    let mut diff = Diff {
        added: ids_only_in(&new_by_id, &old_by_id),
        removed: ids_only_in(&old_by_id, &new_by_id),
        ..Diff::default()
    };
    let mut tally = FieldTally::default();
    for (id, old_record) in &old_by_id {
        let Some(new_record) = new_by_id.get(id) else {
            continue;
        };
        let fields = field_names(old_record, new_record);
        tally.see(&fields);
        let changes = record_changes(&fields, old_record, new_record);
        tally.count(&changes);
        if changes.is_empty() {
            diff.unchanged += 1;
        } else {
            diff.changed.push(RecordDiff {
                id: (*id).to_owned(),
                fields: changes,
            });
        }
    }
    diff.field_counts = tally.counts();
    diff
}

/// The ids of `these` that `others` lacks, sorted.
fn ids_only_in(these: &ById<'_>, others: &ById<'_>) -> Vec<String> {
    these
        .keys()
        .filter(|id| !others.contains_key(*id))
        .map(|id| (*id).to_owned())
        .collect()
}

/// The changes of the `fields` of a record present on both sides, in field order.
fn record_changes(fields: &[&str], old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<FieldDiff> {
    fields
        .iter()
        .filter_map(|field| {
            compare_field(field, old.get(*field), new.get(*field)).map(|change| FieldDiff {
                field: (*field).to_owned(),
                change,
            })
        })
        .collect()
}

/// Every field of the matched records in order of first appearance (= record order), and in
/// how many records each changed.
#[derive(Debug, Default)]
struct FieldTally {
    order: Vec<String>,
    seen: HashSet<String>,
    changed: HashMap<String, usize>,
}

impl FieldTally {
    /// Notes the fields of a matched record.
    fn see(&mut self, fields: &[&str]) {
        for field in fields {
            if self.seen.insert((*field).to_owned()) {
                self.order.push((*field).to_owned());
            }
        }
    }

    /// Counts the changed fields of a matched record.
    fn count(&mut self, changes: &[FieldDiff]) {
        for change in changes {
            *self.changed.entry(change.field.clone()).or_default() += 1;
        }
    }

    /// The fields that changed in at least one record, in record order, with their counts.
    fn counts(self) -> Vec<FieldCount> {
        let changed = self.changed;
        self.order
            .into_iter()
            .filter_map(|field| changed.get(&field).map(|n| FieldCount { records: *n, field }))
            .collect()
    }
}

/// Records by their string `id`.
type ById<'a> = BTreeMap<&'a str, &'a Map<String, Value>>;

/// The records with a string `id`, by id (the last of a repeated id).
fn by_id(records: &[Value]) -> ById<'_> {
    records
        .iter()
        .filter_map(|r| {
            let map = r.as_object()?;
            Some((map.get("id")?.as_str()?, map))
        })
        .collect()
}

/// The fields of both records except `id`: the old record's in order, then those only in the
/// new record.
fn field_names<'a>(old: &'a Map<String, Value>, new: &'a Map<String, Value>) -> Vec<&'a str> {
    let mut names: Vec<&str> = old.keys().map(String::as_str).collect();
    names.extend(new.keys().map(String::as_str).filter(|k| !old.contains_key(*k)));
    names.retain(|k| *k != "id");
    names
}

/// The change of one field, if any: lists item by item, anything else as a scalar.
fn compare_field(field: &str, old: Option<&Value>, new: Option<&Value>) -> Option<Change> {
    match (old, new) {
        (Some(Value::Array(old)), Some(Value::Array(new))) => compare_lists(field, old, new),
        _ if scalars_equal(field, old, new) => None,
        _ => Some(Change::Scalar {
            old: render_scalar(old),
            new: render_scalar(new),
        }),
    }
}

/// Whether two scalars are the same (numbers by value, `language_confidence` within the tolerance).
fn scalars_equal(field: &str, old: Option<&Value>, new: Option<&Value>) -> bool {
    match (old, new) {
        (Some(Value::Number(a)), Some(Value::Number(b))) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) if field == "language_confidence" => (a - b).abs() < CONFIDENCE_TOLERANCE,
            // `1` and `1.0` are the same number.
            (Some(a), Some(b)) => a == b,
            _ => a == b,
        },
        _ => old == new,
    }
}

/// A scalar as JSON, or `(absent)`.
fn render_scalar(value: Option<&Value>) -> String {
    match value {
        None => "(absent)".to_owned(),
        Some(v) => v.to_string(),
    }
}

/// The change of a list field, if any: the item keys only on one side.
fn compare_lists(field: &str, old: &[Value], new: &[Value]) -> Option<Change> {
    let (removed, added) = if field == "leaders" {
        compare_leaders(old, new)
    } else {
        let old_keys: Vec<String> = old.iter().map(|item| item_key(field, item)).collect();
        let new_keys: Vec<String> = new.iter().map(|item| item_key(field, item)).collect();
        multiset_diff(&old_keys, &new_keys)
    };
    if removed.is_empty() && added.is_empty() {
        None
    } else {
        Some(Change::List { removed, added })
    }
}

/// Leaders are compared by name; when the same name is on both sides with different countries,
/// both entries carry their country.
fn compare_leaders(old: &[Value], new: &[Value]) -> (Vec<String>, Vec<String>) {
    let old_keys: Vec<LeaderKey> = old.iter().map(LeaderKey::of).collect();
    let new_keys: Vec<LeaderKey> = new.iter().map(LeaderKey::of).collect();
    let (removed, added) = multiset_diff(&old_keys, &new_keys);
    (
        removed.iter().map(|k| k.label(&added)).collect(),
        added.iter().map(|k| k.label(&removed)).collect(),
    )
}

/// What a leader is compared by: the name, and the country shown when the name is on both
/// sides.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct LeaderKey {
    name: String,
    country: String,
}

impl LeaderKey {
    /// The key of a leader item (`no country` when it has none).
    fn of(item: &Value) -> LeaderKey {
        let name = match item.get("name") {
            Some(Value::String(name)) => printable(name),
            _ => item_fallback_key(item),
        };
        let country = match item.get("country") {
            Some(Value::String(code)) => printable(code),
            Some(Value::Null) | None => "no country".to_owned(),
            Some(other) => other.to_string(),
        };
        LeaderKey { name, country }
    }

    /// `Name`, or `Name (COUNTRY)` when the same name is among `other_side`.
    fn label(&self, other_side: &[LeaderKey]) -> String {
        if other_side.iter().any(|k| k.name == self.name) {
            format!("{} ({})", self.name, self.country)
        } else {
            self.name.clone()
        }
    }
}

/// The key by which an item of a list field is compared.
fn item_key(field: &str, item: &Value) -> String {
    let text = |name: &str| match item.get(name) {
        Some(Value::String(s)) => Some(printable(s)),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let key = match field {
        "dates" => text("value"),
        "money" => match (text("currency"), text("amount")) {
            (Some(currency), Some(amount)) => Some(format!("{currency} {amount}")),
            _ => None,
        },
        "sectors" => text("id"),
        "countries" => text("code"),
        _ => None,
    };
    key.unwrap_or_else(|| match item {
        Value::String(s) => printable(s),
        _ => item_fallback_key(item),
    })
}

/// An item as compact JSON without its offsets.
fn item_fallback_key(item: &Value) -> String {
    match item {
        Value::Object(map) => {
            let mut map = map.clone();
            map.remove("start");
            map.remove("end");
            Value::Object(map).to_string()
        }
        other => other.to_string(),
    }
}

/// The string itself, or JSON-quoted when it holds control characters (line breaks, tabs).
fn printable(s: &str) -> String {
    if s.chars().any(char::is_control) {
        Value::from(s).to_string()
    } else {
        s.to_owned()
    }
}

/// The items only in `old` (in old order) and only in `new` (in new order), counting repeats.
fn multiset_diff<T: Clone + Eq + Hash>(old: &[T], new: &[T]) -> (Vec<T>, Vec<T>) {
    let only_in = |these: &[T], others: &[T]| -> Vec<T> {
        let mut available: HashMap<&T, usize> = HashMap::new();
        for item in others {
            *available.entry(item).or_default() += 1;
        }
        these
            .iter()
            .filter(|item| match available.get_mut(item) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            })
            .cloned()
            .collect()
    };
    (only_in(old, new), only_in(new, old))
}

/// `N noun` or `N nouns`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

impl fmt::Display for Diff {
    /// The report: added and removed ids, the changed records field by field, the number of
    /// changed records per field and the totals; `no differences` and the totals when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            writeln!(f, "no differences")?;
        }
        write_ids(f, "added", '+', &self.added)?;
        write_ids(f, "removed", '-', &self.removed)?;
        if !self.changed.is_empty() {
            writeln!(f, "changed: {}", plural(self.changed.len(), "record"))?;
            for record in &self.changed {
                write!(f, "{record}")?;
            }
        }
        write_field_counts(f, &self.field_counts)?;
        writeln!(
            f,
            "totals: {} added, {} removed, {} changed, {} unchanged",
            self.added.len(),
            self.removed.len(),
            self.changed.len(),
            self.unchanged
        )
    }
}

impl fmt::Display for RecordDiff {
    /// The record's id, then each changed field: `old → new`, or `- item` / `+ item` lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "  {}", self.id)?;
        for FieldDiff { field, change } in &self.fields {
            match change {
                Change::Scalar { old, new } => writeln!(f, "    {field}: {old} → {new}")?,
                Change::List { removed, added } => {
                    writeln!(f, "    {field}:")?;
                    for item in removed {
                        writeln!(f, "      - {item}")?;
                    }
                    for item in added {
                        writeln!(f, "      + {item}")?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// `HEADING: N records` and a `SIGN id` line per id; nothing when there are none.
fn write_ids(f: &mut fmt::Formatter<'_>, heading: &str, sign: char, ids: &[String]) -> fmt::Result {
    if ids.is_empty() {
        return Ok(());
    }
    writeln!(f, "{heading}: {}", plural(ids.len(), "record"))?;
    for id in ids {
        writeln!(f, "  {sign} {id}")?;
    }
    Ok(())
}

/// `records changed per field:` and a line per field, the counts aligned; nothing when no
/// field changed.
fn write_field_counts(f: &mut fmt::Formatter<'_>, counts: &[FieldCount]) -> fmt::Result {
    if counts.is_empty() {
        return Ok(());
    }
    writeln!(f, "records changed per field:")?;
    let width = counts.iter().map(|c| c.field.chars().count()).max().unwrap_or(0);
    for FieldCount { field, records } in counts {
        writeln!(f, "  {field:<width$}  {records}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(id: &str) -> Value {
        json!({
            "id": id,
            "source": format!("{id}.txt"),
            "story": 1,
            "title": "Leaders meet",
            "language": "en",
            "language_confidence": 1.0,
            "published": "2024-06-14",
            "event_date": "2024-06-14",
            "dates": [
                {"text": "14 June 2024", "start": 10, "end": 22, "value": "2024-06-14", "kind": "explicit", "year_source": "text", "rule": "date.en.dmy"},
                {"text": "next year", "start": 40, "end": 49, "value": "2025", "kind": "relative", "year_source": "published", "rule": "date.en.relative_year"}
            ],
            "leaders": [
                {"name": "Shavkat Mirziyoyev", "text": "Mirziyoyev", "title": "President", "country": "UZ", "mentions": 2, "start": 60, "end": 70, "rule": "leader.gazetteer"}
            ],
            "money": [
                {"text": "$9.6 billion", "start": 80, "end": 92, "amount": 9600000000u64, "amount_max": null, "currency": "USD", "qualifier": "exact", "rule": "money.en.symbol_first"}
            ],
            "sectors": [
                {"id": "energy", "label": "Energy", "mentions": 1, "evidence": ["energy"], "rule": "sector.en.energy"}
            ],
            "countries": [
                {"code": "UZ", "name": "Uzbekistan", "mentions": 3},
                {"code": "KR", "name": "South Korea", "mentions": 2}
            ],
            "warnings": []
        })
    }

    fn set(record: &mut Value, path: &[&str], value: Value) {
        let mut target = record;
        for key in path {
            target = match key.parse::<usize>() {
                Ok(i) => &mut target[i],
                Err(_) => &mut target[*key],
            };
        }
        *target = value;
    }

    #[test]
    fn identical_records_give_no_differences() {
        let records = vec![record("a"), record("b")];
        let diff = compare(&records, &records.clone());
        assert!(diff.is_empty());
        assert_eq!(diff.exit_code(), Exit::Ok);
        assert_eq!(diff.unchanged, 2);
        let text = diff.to_string();
        assert_eq!(
            text,
            "no differences\ntotals: 0 added, 0 removed, 0 changed, 2 unchanged\n"
        );
    }

    #[test]
    fn added_and_removed_records_are_listed_by_id_in_order() {
        let old = vec![record("c"), record("a"), record("b")];
        let new = vec![record("b"), record("e"), record("d")];
        let diff = compare(&old, &new);
        assert_eq!(diff.added, ["d", "e"]);
        assert_eq!(diff.removed, ["a", "c"]);
        assert!(diff.changed.is_empty());
        assert_eq!(diff.unchanged, 1);
        assert_eq!(diff.exit_code(), Exit::Differences);
        assert_eq!(
            diff.to_string(),
            "added: 2 records\n  + d\n  + e\nremoved: 2 records\n  - a\n  - c\n\
             totals: 2 added, 2 removed, 0 changed, 1 unchanged\n"
        );
    }

    #[test]
    fn changed_scalars_are_shown_old_to_new() {
        let old = vec![record("a")];
        let mut changed = record("a");
        set(&mut changed, &["title"], json!("Leaders meet again"));
        set(&mut changed, &["published"], Value::Null);
        let diff = compare(&old, &[changed]);
        assert_eq!(diff.changed.len(), 1);
        assert_eq!(
            diff.changed[0].fields,
            vec![
                FieldDiff {
                    field: "title".into(),
                    change: Change::Scalar {
                        old: "\"Leaders meet\"".into(),
                        new: "\"Leaders meet again\"".into()
                    }
                },
                FieldDiff {
                    field: "published".into(),
                    change: Change::Scalar {
                        old: "\"2024-06-14\"".into(),
                        new: "null".into()
                    }
                },
            ]
        );
        let text = diff.to_string();
        assert!(
            text.contains(
                "  a\n    title: \"Leaders meet\" → \"Leaders meet again\"\n    published: \"2024-06-14\" → null\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("records changed per field:\n  title      1\n  published  1\n"),
            "{text}"
        );
        assert!(
            text.ends_with("totals: 0 added, 0 removed, 1 changed, 0 unchanged\n"),
            "{text}"
        );
    }

    #[test]
    fn changed_lists_show_added_and_removed_items_by_key() {
        let old = vec![record("a"), record("b")];
        let mut changed = record("a");
        set(
            &mut changed,
            &["sectors"],
            json!([{"id": "security", "label": "Security", "mentions": 1, "evidence": ["ancient city"], "rule": "sector.en.security"}]),
        );
        set(
            &mut changed,
            &["countries", "1"],
            json!({"code": "SK", "name": "Slovakia", "mentions": 1}),
        );
        set(&mut changed, &["money", "0", "amount"], json!(9500000000u64));
        set(&mut changed, &["dates", "1", "value"], json!("2026"));
        set(&mut changed, &["warnings"], json!(["unsupported language: fr"]));
        let diff = compare(&old, &[changed, record("b")]);
        assert_eq!(diff.unchanged, 1);
        let text = diff.to_string();
        assert!(
            text.contains(
                "  a\n    dates:\n      - 2025\n      + 2026\n    money:\n      - USD 9600000000\n      + USD 9500000000\n\
                 \x20   sectors:\n      - energy\n      + security\n    countries:\n      - KR\n      + SK\n\
                 \x20   warnings:\n      + unsupported language: fr\n"
            ),
            "{text}"
        );
        for field in ["dates", "money", "sectors", "countries", "warnings"] {
            assert_eq!(diff.field_count(field), 1, "{field}");
        }
        assert_eq!(diff.field_count("title"), 0);
    }

    #[test]
    fn offsets_order_and_small_confidence_changes_are_ignored() {
        let old = vec![record("a")];
        let mut moved = record("a");
        set(&mut moved, &["dates", "0", "start"], json!(110));
        set(&mut moved, &["dates", "0", "end"], json!(122));
        set(&mut moved, &["leaders", "0", "start"], json!(5));
        let countries = moved["countries"].as_array().unwrap().iter().rev().cloned().collect();
        set(&mut moved, &["countries"], Value::Array(countries));
        set(&mut moved, &["language_confidence"], json!(0.995));
        let diff = compare(&old, &[moved.clone()]);
        assert!(diff.is_empty(), "{diff}");

        set(&mut moved, &["language_confidence"], json!(0.9));
        let diff = compare(&old, &[moved]);
        assert_eq!(
            diff.changed[0].fields,
            vec![FieldDiff {
                field: "language_confidence".into(),
                change: Change::Scalar {
                    old: "1.0".into(),
                    new: "0.9".into()
                }
            }]
        );
    }

    #[test]
    fn a_repeated_key_counts_twice() {
        let old = vec![record("a")];
        let mut more = record("a");
        let mut second = more["money"][0].clone();
        second["start"] = json!(200);
        more["money"].as_array_mut().unwrap().push(second);
        let diff = compare(&old, &[more]);
        assert_eq!(
            diff.changed[0].fields[0].change,
            Change::List {
                removed: vec![],
                added: vec!["USD 9600000000".into()]
            }
        );
    }

    #[test]
    fn leaders_are_compared_by_name_and_show_a_changed_country() {
        let old = vec![record("a")];
        let mut changed = record("a");
        set(&mut changed, &["leaders", "0", "country"], Value::Null);
        changed["leaders"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "Yoon Suk Yeol", "text": "Yoon", "title": null, "country": "KR", "mentions": 1, "start": 1, "end": 5, "rule": "leader.gazetteer"}));
        let diff = compare(&old, &[changed]);
        assert_eq!(
            diff.changed[0].fields[0].change,
            Change::List {
                removed: vec!["Shavkat Mirziyoyev (UZ)".into()],
                added: vec!["Shavkat Mirziyoyev (no country)".into(), "Yoon Suk Yeol".into()]
            }
        );
        // A different title alone is not a change of the key.
        let mut retitled = record("a");
        set(&mut retitled, &["leaders", "0", "title"], json!("Prime Minister"));
        assert!(compare(&old, &[retitled]).is_empty());
    }

    #[test]
    fn jsonl_is_preferred_and_json_is_the_fallback() {
        let dir = tempfile::tempdir().unwrap();
        let line = |id: &str| serde_json::to_string(&record(id)).unwrap();
        std::fs::write(dir.path().join("records.json"), format!("[{}]", line("from-json"))).unwrap();
        let (file, records) = load_records(dir.path()).unwrap();
        assert_eq!(file, dir.path().join("records.json"));
        assert_eq!(records[0]["id"], "from-json");

        std::fs::write(
            dir.path().join("records.jsonl"),
            format!("{}\n\n{}\n", line("x"), line("y")),
        )
        .unwrap();
        let (file, records) = load_records(dir.path()).unwrap();
        assert_eq!(file, dir.path().join("records.jsonl"));
        assert_eq!(records.len(), 2);
    }

    #[test]
    fn missing_folders_and_files_are_usage_errors() {
        let dir = tempfile::tempdir().unwrap();
        let err = load_records(dir.path()).unwrap_err();
        assert!(matches!(err, CommandError::Usage(_)), "{err:?}");
        let message = err.to_string();
        assert!(message.contains(&dir.path().display().to_string()), "{message}");
        assert!(
            message.contains("records.jsonl") && message.contains("records.json"),
            "{message}"
        );

        let missing = dir.path().join("nope");
        let err = load_records(&missing).unwrap_err();
        assert!(matches!(err, CommandError::Usage(_)), "{err:?}");
        assert!(err.to_string().contains("does not exist"));
    }

    #[test]
    fn malformed_lines_fail_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.jsonl");
        let good = serde_json::to_string(&record("a")).unwrap();
        std::fs::write(&path, format!("{good}\n{{\"id\": \"b\",\n")).unwrap();
        let err = load_records(dir.path()).unwrap_err();
        assert!(matches!(err, CommandError::Failed(_)), "{err:?}");
        assert!(
            err.to_string()
                .contains(&format!("{}:2: malformed record", path.display())),
            "{err}"
        );

        std::fs::write(&path, format!("{good}\n{good}\n")).unwrap();
        let err = load_records(dir.path()).unwrap_err().to_string();
        assert!(err.contains(":2: duplicate id `a` (first on line 1)"), "{err}");

        std::fs::write(&path, "{\"title\": \"no id\"}\n").unwrap();
        let err = load_records(dir.path()).unwrap_err().to_string();
        assert!(err.contains(":1: record has no string `id`"), "{err}");
    }
}
