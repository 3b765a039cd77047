//! Money rules: `rules/common/currencies.csv` checked, and `rules/<lang>/money.toml` read,
//! checked and compiled into [`MoneyRules`] — the patterns, and the currency, scale, number
//! and qualifier words that `extract::money` reads matches with.

use crate::lang::Lang;
use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::diag::Diagnostic;
use super::pattern::{alternation, PatternSet, PatternSpec};
use super::source::{read_toml, Table};

/// A row of `rules/common/currencies.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct CurrencyRow {
    /// ISO 4217 code.
    pub code: String,
    /// `any`, `en` or `de`.
    pub lang: String,
    /// `code`, `symbol` or `name`.
    pub kind: String,
    /// The surface form.
    pub term: String,
}

/// `rules/<lang>/money.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoneyFile {
    /// The decimal separator of the language's numbers (`.` or `,`).
    pub decimal_separator: char,
    /// Scale words with their power of ten ("billion" = 9).
    pub scales: BTreeMap<String, u32>,
    /// Number words with their value ("five" = 5, "hundred" = 100).
    pub number_words: BTreeMap<String, u64>,
    /// Qualifier phrases by qualifier (`over`, `under`, `about`, `up_to`).
    pub qualifiers: BTreeMap<String, Vec<String>>,
    /// Words that make an amount right after them vague ("several").
    pub vague_before: Vec<String>,
    /// Words that are never a currency marker when a space separates them from the dollar
    /// sign ("a" in "a $1.7b loan"); written right before the sign they still are ("A$1.7b").
    #[serde(default)]
    pub not_markers: Vec<String>,
    /// Words between number words that add nothing to the number ("two hundred and fifty").
    #[serde(default)]
    pub number_joiners: Vec<String>,
    /// The patterns.
    #[serde(rename = "pattern")]
    pub patterns: Vec<PatternSpec>,
}

/// The `lang` of a currency row that holds in every language.
pub const ANY_LANGUAGE: &str = "any";

/// Compiled money rules for one language.
#[derive(Debug)]
pub struct MoneyRules {
    patterns: PatternSet,
    currencies: BTreeMap<String, String>,
    scales: BTreeMap<String, u32>,
    number_words: BTreeMap<String, u64>,
    number_joiners: Vec<String>,
    qualifiers: BTreeMap<String, String>,
    vague_before: Vec<String>,
    decimal: char,
}

/// Normalised lookup key for a currency or scale term: lower case, no spaces.
pub fn key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Allowed qualifier names.
pub const QUALIFIERS: [&str; 5] = ["exact", "over", "under", "about", "up_to"];

impl MoneyRules {
    /// Loads `path` for language `lang`, using the currency rows for `lang` and `any`.
    pub fn load(
        path: &Path,
        lang: Lang,
        currencies: &Table<CurrencyRow>,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<MoneyRules> {
        let (source, file) = read_toml::<MoneyFile>(path, errors)?;
        let before = errors.len();
        check_file(&file, path, &source, errors);
        if errors.len() > before {
            return None;
        }
        let mine: Vec<&CurrencyRow> = currencies
            .rows
            .iter()
            .map(|r| &r.value)
            .filter(|r| r.lang == lang.code() || r.lang == ANY_LANGUAGE)
            .collect();
        let mut ph = currency_placeholders(&mine, &file.not_markers);
        amount_placeholders(&file, &mut ph);
        let patterns = PatternSet::compile(&file.patterns, &ph, path, &source, errors)?;
        Some(MoneyRules::build(&file, &mine, patterns))
    }

    /// The lookup tables of a checked `file` and its currency rows, keyed by [`key`], with its
    /// compiled patterns.
    fn build(file: &MoneyFile, mine: &[&CurrencyRow], patterns: PatternSet) -> MoneyRules {
        let mut currencies = BTreeMap::new();
        for r in mine {
            currencies.insert(key(&r.term), r.code.clone());
        }
        let mut qualifiers = BTreeMap::new();
        for (q, phrases) in &file.qualifiers {
            for p in phrases {
                qualifiers.insert(key(p), q.clone());
            }
        }
        MoneyRules {
            patterns,
            currencies,
            scales: file.scales.iter().map(|(k, v)| (key(k), *v)).collect(),
            number_words: file.number_words.iter().map(|(k, v)| (key(k), *v)).collect(),
            number_joiners: file.number_joiners.iter().map(|w| key(w)).collect(),
            qualifiers,
            vague_before: file.vague_before.iter().map(|w| w.to_lowercase()).collect(),
            decimal: file.decimal_separator,
        }
    }

    /// The compiled patterns.
    pub fn patterns(&self) -> &PatternSet {
        &self.patterns
    }

    /// The ISO 4217 code of a currency term ("US$", "euros").
    pub fn currency(&self, term: &str) -> Option<&str> {
        self.currencies.get(&key(term)).map(String::as_str)
    }

    /// The power of ten of a scale word ("billion" = 9).
    pub fn scale(&self, word: &str) -> Option<u32> {
        self.scales.get(&key(word)).copied()
    }

    /// The value of a number word ("five" = 5).
    pub fn number_word(&self, word: &str) -> Option<u64> {
        self.number_words.get(&key(word)).copied()
    }

    /// True for a word between number words that adds nothing ("and" in "two hundred and
    /// fifty").
    pub fn is_number_joiner(&self, word: &str) -> bool {
        let word = key(word);
        self.number_joiners.contains(&word)
    }

    /// The qualifier (`over`, `under`, `about`, `up_to`) of a qualifier phrase.
    pub fn qualifier(&self, phrase: &str) -> Option<&str> {
        self.qualifiers.get(&key(phrase)).map(String::as_str)
    }

    /// True when `word` makes an amount right after it vague ("several").
    pub fn is_vague_before(&self, word: &str) -> bool {
        self.vague_before.contains(&word.to_lowercase())
    }

    /// The decimal separator of the language's numbers (`.` or `,`).
    pub fn decimal_separator(&self) -> char {
        self.decimal
    }
}

/// Reports a decimal separator other than `.` or `,` and unknown qualifiers.
fn check_file(file: &MoneyFile, path: &Path, source: &str, errors: &mut Vec<Diagnostic>) {
    if file.decimal_separator != '.' && file.decimal_separator != ',' {
        errors.push(
            Diagnostic::at(path, source, 1, 1, "`decimal_separator` must be \".\" or \",\"")
                .with_hint("English uses \".\", German \",\""),
        );
    }
    for q in file.qualifiers.keys() {
        if !QUALIFIERS.contains(&q.as_str()) || q == "exact" {
            errors.push(
                Diagnostic::at(path, source, 1, 1, format!("unknown qualifier `{q}`"))
                    .with_hint("qualifiers are over, under, about, up_to"),
            );
        }
    }
}

/// The `{cur_pre}`, `{cur_pre2}` (codes and symbols, before an amount) and `{cur}` (any
/// term) placeholders.
fn currency_placeholders(mine: &[&CurrencyRow], not_markers: &[String]) -> BTreeMap<String, String> {
    let not_markers: Vec<String> = not_markers.iter().map(|w| w.to_lowercase()).collect();
    let prefix_terms = || -> Vec<String> {
        mine.iter()
            .filter(|r| r.kind != "name")
            .map(|r| r.term.clone())
            .collect()
    };
    let all_terms: Vec<String> = mine.iter().map(|r| r.term.clone()).collect();
    let mut ph = BTreeMap::new();
    ph.insert(
        "cur_pre".into(),
        currency_alternation("cur", prefix_terms(), &not_markers),
    );
    ph.insert(
        "cur_pre2".into(),
        currency_alternation("cur2", prefix_terms(), &not_markers),
    );
    ph.insert("cur".into(), currency_alternation("cur", all_terms, &not_markers));
    ph
}

/// A case-insensitive group `group` of currency `terms`, longest first, each [`spaced`].
fn currency_alternation(group: &str, mut terms: Vec<String>, not_markers: &[String]) -> String {
    terms.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    terms.dedup();
    format!(
        "(?i:(?P<{group}>{}))",
        terms
            .into_iter()
            .map(|t| spaced(t, not_markers))
            .collect::<Vec<_>>()
            .join("|")
    )
}

/// A currency term as a regex that allows a space before its dollar sign ("c $"), unless the
/// marker before the sign is one of `not_markers`.
fn spaced(t: String, not_markers: &[String]) -> String {
    // A one-letter symbol ("R" for the rand) matches only in capitals: "r2" is no money.
    if t.len() == 1 && t.chars().all(|c| c.is_ascii_uppercase()) {
        return format!("(?-i:{t})");
    }
    let esc = regex::escape(&t);
    let marker = t.strip_suffix('$').unwrap_or(&t).to_lowercase();
    if not_markers.contains(&marker) {
        return esc;
    }
    match esc.strip_prefix(r"\$") {
        Some(rest) => format!(r"\${}", rest.replace(r"\$", r"\s?\$")),
        None => esc.replace(r"\$", r"\s?\$"),
    }
}

/// Adds the number, scale and qualifier placeholders.
fn amount_placeholders(file: &MoneyFile, ph: &mut BTreeMap<String, String>) {
    let ci = |s: String| s.replacen("(?P<", "(?i:(?P<", 1) + ")";
    let number = |g: &str| number_placeholder(g, &file.number_words);
    ph.insert("num".into(), number("num"));
    ph.insert("num2".into(), number("num2"));
    ph.insert("plus_num".into(), number("plus_num"));
    ph.insert("scale".into(), ci(alternation("scale", file.scales.keys().cloned())));
    ph.insert("scale2".into(), ci(alternation("scale2", file.scales.keys().cloned())));
    ph.insert(
        "plus_scale".into(),
        ci(alternation("plus_scale", file.scales.keys().cloned())),
    );
    ph.insert(
        "qualifier".into(),
        ci(alternation("qualifier", file.qualifiers.values().flatten().cloned())),
    );
}

/// A group `g` of a number in digits (grouped thousands, Indian lakhs, decimals) or in words.
fn number_placeholder(g: &str, number_words: &BTreeMap<String, u64>) -> String {
    let words = alternation("", number_words.keys().cloned());
    format!(
        r"(?P<{g}>\d{{1,3}}(?:[,.'’ \x{{2009}}\x{{202F}}\x{{A0}}]\d{{3}})+(?:[.,]\d+)?|\d{{1,2}}(?:,\d\d)+,\d{{3}}(?:\.\d+)?|\d+(?:[.,]\d+)?|(?i:{words}(?:[\s-]+{words})*))"
    )
}

/// Reports currency rows with a malformed code, an unknown language or kind, and terms that
/// name two currencies in one language.
pub fn check_currencies(table: &Table<CurrencyRow>, errors: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<(String, String), (String, usize)> = BTreeMap::new();
    for row in &table.rows {
        let r = &row.value;
        let at = |m: String, h: &str| table.error(row.line, m).with_hint(h.to_owned());
        if r.code.len() != 3 || !r.code.chars().all(|c| c.is_ascii_uppercase()) {
            errors.push(at(
                format!("`{}` is not an ISO 4217 code", r.code),
                "use three upper-case letters, e.g. USD",
            ));
        }
        if r.lang != ANY_LANGUAGE && Lang::from_code(&r.lang).is_none() {
            let hint = format!("lang is {ANY_LANGUAGE}, {}", Lang::listed());
            errors.push(at(format!("unknown language `{}`", r.lang), &hint));
        }
        if !["code", "symbol", "name"].contains(&r.kind.as_str()) {
            errors.push(at(format!("unknown kind `{}`", r.kind), "kind is code, symbol or name"));
        }
        let term = r.term.to_lowercase().split_whitespace().collect::<String>();
        let key = (r.lang.clone(), term.clone());
        // A term under `any` applies to every language, so it conflicts with the same term
        // under any language, and the other way round.
        let clash = if r.lang == ANY_LANGUAGE {
            seen.iter().find(|((_, t), _)| *t == term).map(|(_, v)| v)
        } else {
            seen.get(&key).or_else(|| seen.get(&("any".to_owned(), term.clone())))
        };
        if let Some((code, line)) = clash {
            if *code != r.code {
                errors.push(at(
                    format!("`{}` is listed for {} (line {}) and {}", r.term, code, line, r.code),
                    "a currency term may name one currency only per language (rows under `any` count for every language)",
                ));
            }
        } else {
            seen.insert(key, (r.code.clone(), row.line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn terms_are_looked_up_in_any_case_and_spacing() {
        let rules = &crate::rules::test_rules().languages[&Lang::En].money;
        assert_eq!(rules.currency("us$"), Some("USD"));
        assert_eq!(rules.currency("US Dollar"), Some("USD"));
        assert_eq!(rules.scale("Billion"), Some(9));
        assert_eq!(rules.qualifier("More  Than"), Some("over"));
        assert!(rules.is_vague_before("Several"));
        assert_eq!(rules.decimal_separator(), '.');
        assert_eq!(rules.currency("no such money"), None);
    }

    #[test]
    fn a_bad_separator_and_unknown_qualifiers_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("money.toml");
        std::fs::write(
            &path,
            "decimal_separator = \";\"\nscales = {}\nnumber_words = {}\nvague_before = []\npattern = []\n\
             [qualifiers]\nexact = [\"exactly\"]\nroughly = [\"roughly\"]\n",
        )
        .unwrap();
        let currencies = Table {
            path: dir.path().join("currencies.csv"),
            source: String::new(),
            rows: Vec::new(),
        };
        let mut errors = Vec::new();
        assert!(MoneyRules::load(&path, Lang::En, &currencies, &mut errors).is_none());
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`decimal_separator` must be \".\" or \",\"",
                "unknown qualifier `exact`",
                "unknown qualifier `roughly`"
            ]
        );
    }
}
