//! `accord check`: what the rules contain, and whether every rule still produces the values of
//! its own examples.

use chrono::NaiveDate;

use crate::extract::{dates, money};
use crate::resolve::dates::resolve;
use crate::rules::RuleSet;
use crate::story::StoryText;

/// An example that its rule no longer handles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// The rule id.
    pub rule: String,
    /// The example sentence.
    pub text: String,
    /// What the example expects (empty: no mention).
    pub expected: String,
    /// What the rule produced.
    pub got: Vec<String>,
}

/// True when `value` matches `pattern`, where `X` in the pattern stands for any digit.
pub fn matches_with_wildcards(pattern: &str, value: &str) -> bool {
    pattern.len() == value.len()
        && pattern
            .chars()
            .zip(value.chars())
            .all(|(p, v)| p == v || (p == 'X' && v.is_ascii_digit()))
}

/// Runs every example of every pattern rule.
pub fn run_examples(rules: &RuleSet) -> Vec<ExampleFailure> {
    let reference = NaiveDate::from_ymd_opt(2026, 12, 2).expect("valid date");
    let mut failures = Vec::new();
    for lr in rules.languages.values() {
        for p in &lr.dates.patterns().patterns {
            for ex in &p.examples {
                let found = dates::extract(&StoryText::new(&ex.text), &lr.dates);
                // An example is read as if published on the reference date, so that weekdays
                // resolve.
                let resolved = resolve(&found, Some(reference), reference);
                let got: Vec<String> = resolved
                    .iter()
                    .filter(|d| d.rule == p.id)
                    .map(|d| d.value.clone())
                    .collect();
                check_one(&p.id, &ex.text, &ex.value, got, &mut failures);
            }
        }
        for p in &lr.money.patterns().patterns {
            for ex in &p.examples {
                let got: Vec<String> = money::extract(&StoryText::new(&ex.text), &lr.money)
                    .into_iter()
                    .filter(|m| m.rule == p.id)
                    .map(|m| crate::record::money_value(&m.currency, m.amount))
                    .collect();
                check_one(&p.id, &ex.text, &ex.value, got, &mut failures);
            }
        }
    }
    failures
}

fn check_one(rule: &str, text: &str, expected: &str, got: Vec<String>, failures: &mut Vec<ExampleFailure>) {
    let ok = if expected.is_empty() {
        got.is_empty()
    } else {
        got.iter().any(|g| matches_with_wildcards(expected, g))
    };
    if !ok {
        failures.push(ExampleFailure {
            rule: rule.to_owned(),
            text: text.to_owned(),
            expected: expected.to_owned(),
            got,
        });
    }
}

/// A summary of what was loaded, one line per language and file kind.
pub fn summary(rules: &RuleSet) -> String {
    let mut out = format!(
        "rules: {}\n  digest {}\n  furniture patterns: {}\n  story cues: {}\n  gazetteer people: {}\n",
        rules.dir.display(),
        rules.digest,
        rules.segment.len(),
        rules.segment.cue_count(),
        rules.gazetteer_size
    );
    for (lang, lr) in &rules.languages {
        out.push_str(&format!(
            "  {lang}: {} date patterns, {} money patterns, {} title phrases, {} sector terms, {} country terms\n",
            lr.dates.patterns().len(),
            lr.money.patterns().len(),
            lr.leaders.title_count(),
            lr.sectors.len(),
            lr.countries.len()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_stand_for_digits() {
        assert!(matches_with_wildcards("XXXX-06-14", "2024-06-14"));
        assert!(!matches_with_wildcards("XXXX-06-14", "2024-06-15"));
        assert!(!matches_with_wildcards("XXXX", "2024-06"));
    }
}
