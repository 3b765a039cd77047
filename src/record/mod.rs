//! The records, exactly as `spec/RECORDS.md` (in `../shared/spec`) defines them; serialized
//! as JSON by serde and flattened for CSV by `output::csv`. Their JSON Schema
//! (`docs/records.schema.json`, `accord schema`) is derived from these types by schemars.

pub mod build;

use crate::rules::id::RuleId;
use std::str::FromStr;

use rust_decimal::Decimal;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO 8601 calendar date: `YYYY-MM-DD`.
const DAY_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
/// An ISO 8601 day or month: `YYYY-MM-DD` or `YYYY-MM`.
const DAY_OR_MONTH_PATTERN: &str = "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$";
/// An ISO 8601 day, month or year, or an interval `A/B` of those.
const DATE_VALUE_PATTERN: &str = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?(/[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?)?$";
/// An ISO 3166-1 alpha-2 country code.
const COUNTRY_PATTERN: &str = "^[A-Z]{2}$";
/// An ISO 4217 currency code.
const CURRENCY_PATTERN: &str = "^[A-Z]{3}$";
/// An ISO 639-1 language code or `und`.
const LANGUAGE_PATTERN: &str = "^([a-z]{2}|und)$";

/// One record per story: an element of `records.json`, a line of `records.jsonl`.
// (Not in the doc comment, which the JSON schema carries: `Record::default()` is a record with
// every field empty, to be filled.)
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Record {
    /// File stem, or `STEM#N` for the N-th story of a digest.
    pub id: String,
    /// Input path relative to the input root.
    pub source: String,
    /// 1-based story number within the file.
    #[schemars(range(min = 1))]
    pub story: usize,
    /// The story's headline.
    pub title: Option<String>,
    /// ISO 639-1 code, `und` if unknown.
    #[schemars(pattern(LANGUAGE_PATTERN))]
    pub language: String,
    /// The detector's confidence, 0..1.
    #[schemars(range(min = 0, max = 1))]
    pub language_confidence: f64,
    /// Publication date printed in the text (`YYYY-MM-DD`).
    #[schemars(pattern(DAY_PATTERN))]
    pub published: Option<String>,
    /// Date of the story's main event: its day or month (`YYYY-MM-DD` or `YYYY-MM`).
    #[schemars(pattern(DAY_OR_MONTH_PATTERN))]
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DateOut {
    /// Text as in the input.
    pub text: String,
    /// Offset of the first character (Unicode scalar values into the decoded input file).
    pub start: usize,
    /// Offset one past the last character.
    pub end: usize,
    /// ISO 8601 value (`YYYY-MM-DD`, `YYYY-MM`, `YYYY`) or interval `A/B` of those.
    #[schemars(pattern(DATE_VALUE_PATTERN))]
    pub value: String,
    /// `explicit` (the text names the year), `inferred` (year from context) or `relative` ("last year").
    #[schemars(extend("enum" = ["explicit", "inferred", "relative"]))]
    pub kind: String,
    /// Where the year came from: `text`, `published`, `context` or `reference`.
    #[schemars(extend("enum" = ["text", "published", "context", "reference"]))]
    pub year_source: String,
    /// Id of the rule that produced it.
    #[schemars(with = "String")]
    pub rule: RuleId,
}

/// A leader: one entry per person.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct LeaderOut {
    /// Canonical English name.
    pub name: String,
    /// First surface form.
    pub text: String,
    /// Title as written in the story.
    pub title: Option<String>,
    /// ISO 3166-1 alpha-2 code of the state served.
    #[schemars(pattern(COUNTRY_PATTERN))]
    pub country: Option<String>,
    /// Number of mentions.
    pub mentions: usize,
    /// Offset of the first character of the first mention.
    pub start: usize,
    /// Offset one past the last character of the first mention.
    pub end: usize,
    /// Id of the rule that produced it.
    #[schemars(with = "String")]
    pub rule: RuleId,
}

/// A money mention.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct MoneyOut {
    /// Text as in the input.
    pub text: String,
    /// Offset of the first character (Unicode scalar values into the decoded input file).
    pub start: usize,
    /// Offset one past the last character.
    pub end: usize,
    /// Fully scaled amount, exact.
    #[serde(serialize_with = "exact_number", deserialize_with = "exact_number_back")]
    #[schemars(schema_with = "number_schema")]
    pub amount: Decimal,
    /// Upper end of a range, else null.
    #[serde(
        serialize_with = "exact_optional_number",
        deserialize_with = "exact_optional_number_back"
    )]
    #[schemars(schema_with = "optional_number_schema")]
    pub amount_max: Option<Decimal>,
    /// ISO 4217 code.
    #[schemars(pattern(CURRENCY_PATTERN))]
    pub currency: String,
    /// `exact`, `over`, `under`, `about` or `up_to`.
    #[schemars(extend("enum" = crate::rules::money::QUALIFIERS))]
    pub qualifier: String,
    /// Id of the rule that produced it.
    #[schemars(with = "String")]
    pub rule: RuleId,
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SectorOut {
    /// Taxonomy id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Number of matched terms.
    pub mentions: usize,
    /// Distinct matched terms.
    pub evidence: Vec<String>,
    /// Id of the rule that produced it.
    #[schemars(with = "String")]
    pub rule: RuleId,
}

/// A country.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CountryOut {
    /// ISO 3166-1 alpha-2 code.
    #[schemars(pattern(COUNTRY_PATTERN))]
    pub code: String,
    /// English short name.
    pub name: String,
    /// Number of mentions.
    pub mentions: usize,
}

/// One mention of any kind, the rows of `mentions.csv`; serialized only into the state of an
/// incremental run (see [`crate::incremental`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentionRow {
    /// What was mentioned.
    pub kind: MentionKind,
    /// Text as in the input.
    pub text: String,
    /// Normalised value.
    pub value: String,
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// Rule id.
    pub rule: RuleId,
}

/// What a mention is of; written in lower case (`date`, `leader`, ...). The variants are in
/// alphabetical order, so mentions at the same place sort by the name of their kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum MentionKind {
    /// A country.
    Country,
    /// A date.
    Date,
    /// A leader.
    Leader,
    /// A money amount.
    Money,
    /// A sector.
    Sector,
}

impl MentionKind {
    /// Every kind, in the order of the run summary and `accord explain`'s colours.
    pub const ALL: [MentionKind; 5] = [
        MentionKind::Date,
        MentionKind::Leader,
        MentionKind::Money,
        MentionKind::Sector,
        MentionKind::Country,
    ];

    /// The kind's name as written in the outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            MentionKind::Country => "country",
            MentionKind::Date => "date",
            MentionKind::Leader => "leader",
            MentionKind::Money => "money",
            MentionKind::Sector => "sector",
        }
    }
}

impl std::fmt::Display for MentionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
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

/// The schema of a decimal written by [`exact_number`]: a JSON number.
fn number_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "number" })
}

/// The schema of an optional decimal written by [`exact_optional_number`]: a number or null.
fn optional_number_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": ["number", "null"] })
}

/// The JSON Schema (draft 2020-12) of one record, as in `records.jsonl` and each element of
/// `records.json`, pretty-printed with a final newline: the text of `docs/records.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<Record>();
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mention_kinds_are_written_in_lower_case_and_sort_by_name() {
        for kind in MentionKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            let back: MentionKind = serde_json::from_value(kind.as_str().into()).unwrap();
            assert_eq!(back, kind);
            assert_eq!(
                <MentionKind as clap::ValueEnum>::from_str(kind.as_str(), false),
                Ok(kind)
            );
        }
        let mut by_variant = MentionKind::ALL;
        by_variant.sort();
        let mut by_name = MentionKind::ALL;
        by_name.sort_by_key(|k| k.as_str());
        assert_eq!(by_variant, by_name);
    }

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
