//! The records, exactly as `spec/RECORDS.md` (in `../shared/spec`) defines them; serialized
//! as JSON by serde and flattened for CSV by `output::csv`.

use rust_decimal::Decimal;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One record per story.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    /// File stem, or `STEM#N` for the N-th story of a digest.
    pub id: String,
    /// Input path relative to the input root.
    pub source: String,
    /// 1-based story number within the file.
    pub story: usize,
    /// The story's headline.
    pub title: Option<String>,
    /// ISO 639-1 code, `und` if unknown.
    pub language: String,
    /// The detector's confidence, 0..1.
    pub language_confidence: f64,
    /// Publication date printed in the text.
    pub published: Option<String>,
    /// Date of the story's main event.
    pub event_date: Option<String>,
    /// Every date mention, in text order.
    pub dates: Vec<DateOut>,
    /// One entry per person.
    pub leaders: Vec<LeaderOut>,
    /// Every money mention, in text order.
    pub money: Vec<MoneyOut>,
    /// One entry per sector.
    pub sectors: Vec<SectorOut>,
    /// One entry per country.
    pub countries: Vec<CountryOut>,
    /// Anything the user should know.
    pub warnings: Vec<String>,
    /// Every mention of every kind, for `mentions.csv` (not part of the JSON record).
    #[serde(skip)]
    pub mentions: Vec<MentionRow>,
}

/// A date mention.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DateOut {
    /// Text as in the input.
    pub text: String,
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// ISO 8601 value or interval.
    pub value: String,
    /// `explicit`, `inferred` or `relative`.
    pub kind: String,
    /// `text`, `published`, `context` or `reference`.
    pub year_source: String,
    /// Rule id.
    pub rule: String,
}

/// A leader: one entry per person.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LeaderOut {
    /// Canonical English name.
    pub name: String,
    /// First surface form.
    pub text: String,
    /// Title as written in the story.
    pub title: Option<String>,
    /// ISO 3166-1 alpha-2 code of the state served.
    pub country: Option<String>,
    /// Number of mentions.
    pub mentions: usize,
    /// Offset of the first mention.
    pub start: usize,
    /// End of the first mention.
    pub end: usize,
    /// Rule id.
    pub rule: String,
}

/// A money mention.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MoneyOut {
    /// Text as in the input.
    pub text: String,
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// Fully scaled amount, exact.
    #[serde(serialize_with = "exact_number", deserialize_with = "exact_number_back")]
    pub amount: Decimal,
    /// Upper end of a range.
    #[serde(
        serialize_with = "exact_optional_number",
        deserialize_with = "exact_optional_number_back"
    )]
    pub amount_max: Option<Decimal>,
    /// ISO 4217 code.
    pub currency: String,
    /// `exact`, `over`, `under`, `about` or `up_to`.
    pub qualifier: String,
    /// Rule id.
    pub rule: String,
}

impl MoneyOut {
    /// The amount as `CUR amount` (`USD 9600000000`), as in the CSV outputs.
    pub fn value(&self) -> String {
        money_value(&self.currency, self.amount)
    }
}

/// `CUR amount` (`USD 9600000000`): how money is written in CSV cells and rule examples.
pub fn money_value(currency: &str, amount: Decimal) -> String {
    format!("{currency} {}", amount.normalize())
}

/// A sector of the taxonomy.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SectorOut {
    /// Taxonomy id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Number of matched terms.
    pub mentions: usize,
    /// Distinct matched terms.
    pub evidence: Vec<String>,
    /// Rule id.
    pub rule: String,
}

/// A country.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CountryOut {
    /// ISO 3166-1 alpha-2 code.
    pub code: String,
    /// English short name.
    pub name: String,
    /// Number of mentions.
    pub mentions: usize,
}

/// One mention of any kind, the rows of `mentions.csv`; serialized only into the state of an
/// incremental run (see [`crate::incremental`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MentionRow {
    /// `date`, `leader`, `money`, `sector` or `country` (one of [`MENTION_KINDS`]).
    pub kind: &'static str,
    /// Text as in the input.
    pub text: String,
    /// Normalised value.
    pub value: String,
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// Rule id.
    pub rule: String,
}

/// The kinds of mention, in the order of the run summary.
pub const MENTION_KINDS: [&str; 5] = ["date", "leader", "money", "sector", "country"];

/// A [`MentionRow`] as it is read back, its kind still a string.
#[derive(Deserialize)]
struct StoredMention {
    kind: String,
    text: String,
    value: String,
    start: usize,
    end: usize,
    rule: String,
}

impl<'de> Deserialize<'de> for MentionRow {
    /// The row, its kind one of [`MENTION_KINDS`].
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<MentionRow, D::Error> {
        let m = StoredMention::deserialize(d)?;
        let kind = MENTION_KINDS
            .into_iter()
            .find(|k| *k == m.kind)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown mention kind `{}`", m.kind)))?;
        Ok(MentionRow {
            kind,
            text: m.text,
            value: m.value,
            start: m.start,
            end: m.end,
            rule: m.rule,
        })
    }
}

/// A decimal as a JSON number with all its digits (no floating-point round-off).
fn exact_number<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let n: serde_json::Number = d.normalize().to_string().parse().map_err(serde::ser::Error::custom)?;
    n.serialize(s)
}

fn exact_optional_number<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => exact_number(d, s),
        None => s.serialize_none(),
    }
}

/// A JSON number written by [`exact_number`] read back with all its digits.
fn exact_number_back<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    Decimal::from_str(&n.to_string()).map_err(serde::de::Error::custom)
}

fn exact_optional_number_back<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    match Option::<serde_json::Number>::deserialize(d)? {
        Some(n) => Decimal::from_str(&n.to_string())
            .map(Some)
            .map_err(serde::de::Error::custom),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_serialize_exactly() {
        let m = MoneyOut {
            text: "$9.6 billion".into(),
            start: 0,
            end: 12,
            amount: Decimal::from_str("9600000000.0").unwrap(),
            amount_max: None,
            currency: "USD".into(),
            qualifier: "exact".into(),
            rule: "r".into(),
        };
        let json = serde_json::to_string(&m).unwrap();
        assert!(json.contains("\"amount\":9600000000,"), "{json}");
        assert!(json.contains("\"amount_max\":null"));
    }
}
