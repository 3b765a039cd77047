//! Countries: every sovereign state a story names, by name, alias, adjective or demonym, from
//! `rules/common/countries.csv`, with a mention count. English terms match as whole words;
//! German names may take a genitive -s and German adjective stems their inflection endings.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::rules::diag::Diagnostic;
use crate::rules::source::Table;
use crate::rules::terms::{Ending, Term, TermMatcher};
use crate::text::{slice, CharIndex, Span};

/// A row of `rules/common/countries.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct CountryRow {
    /// ISO 3166-1 alpha-2 code.
    pub code: String,
    /// `en` or `de`.
    pub lang: String,
    /// `name`, `alias`, `adjective` or `demonym`.
    pub kind: String,
    /// The surface form.
    pub term: String,
}

/// A row of `rules/common/country_exclusions.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct CountryExclusionRow {
    /// `en` or `de`.
    pub lang: String,
    /// A phrase that contains a country term without naming the country.
    pub phrase: String,
    /// Why.
    pub reason: String,
}

/// Rule id of an excluded phrase (never reported).
const EXCLUDED: &str = "country.excluded";

/// Allowed `kind` values.
pub const KINDS: [&str; 4] = ["name", "alias", "adjective", "demonym"];

/// German adjective endings added to stems.
const GERMAN_ADJECTIVE_ENDINGS: [&str; 5] = ["e", "en", "er", "es", "em"];

/// A country mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryMention {
    /// Character span in the story text.
    pub span: Span,
    /// ISO 3166-1 alpha-2 code.
    pub code: String,
    /// Rule id (`country.<lang>.<kind>`).
    pub rule: String,
}

/// Compiled country terms for one language, plus the English names of all codes.
#[derive(Debug)]
pub struct CountryRules {
    matcher: TermMatcher,
    /// Terms that are a person's given name when a capitalised word follows ("Jordan Smith").
    before_names: Vec<String>,
    codes: Vec<(String, String)>,
    /// English short name per code.
    pub names: BTreeMap<String, String>,
}

impl CountryRules {
    /// Builds the matcher for `lang` from the table's rows; checks codes and kinds.
    pub fn build(
        countries: &Table<CountryRow>,
        exclusions: &Table<CountryExclusionRow>,
        lang: &str,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<CountryRules> {
        let Table { path, source, rows } = countries;
        let before = errors.len();
        let mut names = BTreeMap::new();
        let mut seen: BTreeMap<String, (String, usize)> = BTreeMap::new();
        let mut terms = Vec::new();
        let mut codes = Vec::new();
        // Row checks do not depend on the language: report them once, on the English pass.
        let mut row_errors = Vec::new();
        for row in rows {
            let r = &row.value;
            if r.code.len() != 2 || !r.code.chars().all(|c| c.is_ascii_uppercase()) {
                row_errors.push(
                    Diagnostic::at(
                        path,
                        source,
                        row.line,
                        1,
                        format!("`{}` is not an ISO 3166-1 alpha-2 code", r.code),
                    )
                    .with_hint("use two upper-case letters, e.g. UZ"),
                );
                continue;
            }
            if !KINDS.contains(&r.kind.as_str()) {
                row_errors.push(
                    Diagnostic::at(path, source, row.line, 1, format!("unknown kind `{}`", r.kind))
                        .with_hint("kind is one of name, alias, adjective, demonym"),
                );
                continue;
            }
            if r.lang != "en" && r.lang != "de" {
                row_errors.push(
                    Diagnostic::at(path, source, row.line, 1, format!("unknown language `{}`", r.lang))
                        .with_hint("lang is en or de"),
                );
                continue;
            }
            if r.term.trim().is_empty() {
                row_errors.push(
                    Diagnostic::at(path, source, row.line, 1, "empty term")
                        .with_hint("write the name as it appears in text"),
                );
                continue;
            }
            if r.lang == "en" && r.kind == "name" {
                names.insert(r.code.clone(), r.term.clone());
            }
            if r.lang != lang {
                continue;
            }
            if let Some((other, line)) = seen.get(&r.term) {
                if *other != r.code {
                    errors.push(
                        Diagnostic::at(
                            path,
                            source,
                            row.line,
                            1,
                            format!(
                                "`{}` is listed for both {} (line {}) and {}",
                                r.term, other, line, r.code
                            ),
                        )
                        .with_hint("a term may name only one country per language"),
                    );
                }
                continue;
            }
            seen.insert(r.term.clone(), (r.code.clone(), row.line));
            let german = lang == "de";
            let mut add = |text: String, ending: Ending| {
                terms.push(Term {
                    text,
                    open_start: false,
                    ending,
                });
                codes.push((r.code.clone(), format!("country.{lang}.{}", r.kind)));
            };
            match (german, r.kind.as_str()) {
                (true, "adjective") => {
                    let endings = Ending::OneOf(GERMAN_ADJECTIVE_ENDINGS.iter().map(|s| s.to_string()).collect());
                    add(r.term.clone(), endings.clone());
                    let mut cap = r.term.chars();
                    if let Some(first) = cap.next() {
                        let capitalised: String = first.to_uppercase().chain(cap).collect();
                        if capitalised != r.term {
                            add(capitalised, endings);
                        }
                    }
                }
                (true, "name") | (true, "alias") => add(r.term.clone(), Ending::OneOf(vec!["s".into()])),
                _ => {
                    add(r.term.clone(), Ending::Closed);
                    if let Some(stripped) = r.term.strip_suffix('.') {
                        if stripped.contains('.') {
                            add(stripped.to_owned(), Ending::Closed);
                        }
                    }
                }
            }
        }
        if lang == "en" {
            errors.extend(row_errors);
        }
        let mut before_names = Vec::new();
        for row in exclusions.rows.iter().filter(|r| r.value.lang == lang) {
            if let Some(term) = row.value.phrase.strip_suffix(" *") {
                before_names.push(term.to_owned());
                continue;
            }
            terms.push(Term {
                text: row.value.phrase.clone(),
                open_start: false,
                ending: Ending::Closed,
            });
            codes.push((String::new(), EXCLUDED.to_owned()));
        }
        for code in codes.iter().map(|(c, _)| c).filter(|c| !c.is_empty()) {
            if !names.contains_key(code) {
                errors.push(
                    Diagnostic::file(path, format!("country {code} has no English `name` row"))
                        .with_hint("add a row `CODE,en,name,Short Name`"),
                );
                break;
            }
        }
        if errors.len() > before {
            return None;
        }
        let matcher = TermMatcher::new(terms, false)
            .map_err(|e| errors.push(Diagnostic::file(path, e)))
            .ok()?;
        Some(CountryRules {
            matcher,
            before_names,
            codes,
            names,
        })
    }

    /// Number of terms for this language.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when there is no term.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// True when the term at `span` is listed as a given name (`Jordan *` in the exclusions)
    /// and a capitalised word follows it.
    fn is_given_name(&self, text: &str, index: &CharIndex, span: crate::text::Span) -> bool {
        let term = slice(text, index, span);
        if !self.before_names.iter().any(|n| n == term) {
            return false;
        }
        let mut after = text[index.byte_at(span.end)..].chars();
        after.next() == Some(' ') && after.next().is_some_and(char::is_uppercase)
    }

    /// Finds every country mention in `text`.
    pub fn extract(&self, text: &str) -> Vec<CountryMention> {
        let index = (!self.before_names.is_empty()).then(|| CharIndex::new(text));
        self.matcher
            .find(text)
            .into_iter()
            .filter(|hit| {
                self.codes[hit.term].1 != EXCLUDED
                    && !index
                        .as_ref()
                        .is_some_and(|index| self.is_given_name(text, index, hit.span))
            })
            .map(|hit| {
                let (code, rule) = &self.codes[hit.term];
                CountryMention {
                    span: hit.span,
                    code: code.clone(),
                    rule: rule.clone(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    /// (language, text, expected codes in text order).
    const CASES: &[(&str, &str, &[&str])] = &[
        (
            "en",
            "Uzbekistan and the Republic of Korea signed; Uzbek-Korean ties",
            &["UZ", "KR", "UZ", "KR"],
        ),
        (
            "en",
            "Türkiye, Turkey and the U.S. and the US",
            &["TR", "TR", "US", "US"],
        ),
        ("en", "North Korea and South Korea", &["KP", "KR"]),
        ("en", "Central Asia, Tashkent, the UN and the EU", &[]),
        (
            "en",
            "Atlanta, Georgia and Latin America, the Indian Ocean; Georgia and India",
            &["GE", "IN"],
        ),
        (
            "de",
            "Usbekistans Präsident und die usbekisch-kasachischen Beziehungen",
            &["UZ", "UZ", "KZ"],
        ),
        (
            "de",
            "die Türkei, Südkorea und die deutschen Firmen",
            &["TR", "KR", "DE"],
        ),
        ("de", "Zentralasien und Taschkent", &[]),
    ];

    #[test]
    fn table_of_english_and_german_countries() {
        let rules = crate::rules::test_rules();
        for (lang, text, want) in CASES {
            let got: Vec<String> = rules.languages[*lang]
                .countries
                .extract(text)
                .into_iter()
                .map(|c| c.code)
                .collect();
            assert_eq!(got, *want, "{lang}: {text}");
        }
    }
}
