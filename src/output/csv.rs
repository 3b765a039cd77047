//! CSV layout of `records.csv` and `mentions.csv` (RFC 4180, UTF-8, list fields joined with
//! `; `). Cells that a spreadsheet would read as a formula get a leading apostrophe.

use crate::record::Record;

/// Columns of `records.csv`, in order.
pub const RECORD_COLUMNS: [&str; 15] = [
    "id",
    "source",
    "story",
    "title",
    "language",
    "language_confidence",
    "published",
    "event_date",
    "leaders",
    "leader_countries",
    "countries",
    "money",
    "sectors",
    "dates",
    "warnings",
];

/// Columns of `mentions.csv`, in order.
pub const MENTION_COLUMNS: [&str; 7] = ["record_id", "kind", "text", "value", "start", "end", "rule"];

/// Columns of `skipped.csv` (and the workbook's Skipped sheet), in order.
pub const SKIPPED_COLUMNS: [&str; 2] = ["source", "reason"];

/// Makes a cell safe to open in a spreadsheet: text starting with `=`, `+`, `-`, `@`, a tab or
/// a carriage return would be run as a formula, so it gets a leading apostrophe.
pub fn safe_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

/// The `records.csv` row of a record.
pub fn record_row(r: &Record) -> Vec<String> {
    let join = |items: Vec<String>| items.join("; ");
    vec![
        r.id.clone(),
        r.source.clone(),
        r.story.to_string(),
        r.title.clone().unwrap_or_default(),
        r.language.clone(),
        format!("{}", r.language_confidence),
        r.published.clone().unwrap_or_default(),
        r.event_date.clone().unwrap_or_default(),
        join(r.leaders.iter().map(|l| l.name.clone()).collect()),
        join(
            r.leaders
                .iter()
                .map(|l| l.country.clone().unwrap_or_default())
                .collect(),
        ),
        join(r.countries.iter().map(|c| c.code.clone()).collect()),
        join(r.money.iter().map(|m| m.value()).collect()),
        join(r.sectors.iter().map(|s| s.id.clone()).collect()),
        join(r.dates.iter().map(|d| d.value.clone()).collect()),
        join(r.warnings.clone()),
    ]
    .into_iter()
    .map(|c| safe_cell(&c))
    .collect()
}

/// The `mentions.csv` rows of a record.
pub fn mention_rows(r: &Record) -> Vec<Vec<String>> {
    r.mentions
        .iter()
        .map(|m| {
            vec![
                safe_cell(&r.id),
                m.kind.as_str().to_owned(),
                safe_cell(&m.text),
                safe_cell(&m.value),
                m.start.to_string(),
                m.end.to_string(),
                m.rule.to_string(),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("-5"), "'-5");
        assert_eq!(safe_cell("USD 9600000000"), "USD 9600000000");
    }
}
