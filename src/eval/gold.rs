//! The gold-file format: one JSON object per line, what a single input file should yield.

use std::path::Path;

use serde::Deserialize;
use serde_json::Number;

use crate::CommandError;

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

/// The default number of stories of a file.
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn stories_default_to_one_and_lists_to_empty() {
        let rows = parse_gold(
            "\u{feff}{\"file\": \"a.txt\", \"language\": \"en\"}\n\n",
            Path::new("g"),
        )
        .unwrap();
        assert_eq!(
            (rows[0].stories, rows[0].dates.len(), rows[0].published.clone()),
            (1, 0, None)
        );
        assert!(parse_gold("\n", Path::new("g"))
            .unwrap_err()
            .to_string()
            .contains("no records"));
    }
}
