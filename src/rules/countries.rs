//! Country rules: the rows of `rules/common/countries.csv` and
//! `rules/common/country_exclusions.csv`, read and checked once for all languages, then compiled
//! per language into one term matcher. English terms match as whole words; German names may
//! take a genitive -s and German adjective stems their inflection endings.

use crate::lang::Lang;
use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::diag::Diagnostic;
use super::id::RuleId;
use super::source::{read_csv, Row, Table};
use super::terms::{Ending, Term, TermMatcher};

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
pub(crate) const EXCLUDED: &str = "country.excluded";

/// Allowed `kind` values.
pub const KINDS: [&str; 4] = ["name", "alias", "adjective", "demonym"];

/// German adjective endings added to stems.
const GERMAN_ADJECTIVE_ENDINGS: [&str; 5] = ["e", "en", "er", "es", "em"];

/// The two country tables, read and checked once; rows with a problem are reported and left
/// out.
#[derive(Debug)]
pub struct CountryTables {
    /// `countries.csv`, its good rows only.
    countries: Table<CountryRow>,
    /// `country_exclusions.csv`.
    exclusions: Table<CountryExclusionRow>,
    /// English short name per code.
    names: BTreeMap<String, String>,
}

impl CountryTables {
    /// Reads and checks `countries.csv` and `country_exclusions.csv` in the folder `common`.
    pub fn load(common: &Path, errors: &mut Vec<Diagnostic>) -> CountryTables {
        let columns = ["code", "lang", "kind", "term"];
        let mut countries = read_csv::<CountryRow>(&common.join("countries.csv"), &columns, errors);
        let rows = std::mem::take(&mut countries.rows);
        countries.rows = rows
            .into_iter()
            .filter(|row| check_country_row(&countries, row).map_err(|d| errors.push(d)).is_ok())
            .collect();
        let exclusions_path = common.join("country_exclusions.csv");
        let exclusions = read_csv::<CountryExclusionRow>(&exclusions_path, &["lang", "phrase", "reason"], errors);
        check_exclusion_languages(&exclusions, errors);
        let names = countries
            .rows
            .iter()
            .filter(|row| row.value.lang == Lang::En.code() && row.value.kind == "name")
            .map(|row| (row.value.code.clone(), row.value.term.clone()))
            .collect();
        CountryTables {
            countries,
            exclusions,
            names,
        }
    }
}

/// Checks one row of `countries.csv`: its code, kind, language and term.
fn check_country_row(table: &Table<CountryRow>, row: &Row<CountryRow>) -> Result<(), Diagnostic> {
    let r = &row.value;
    let at = |message: String, hint: &str| table.error(row.line, message).with_hint(hint.to_owned());
    if r.code.len() != 2 || !r.code.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(at(
            format!("`{}` is not an ISO 3166-1 alpha-2 code", r.code),
            "use two upper-case letters, e.g. UZ",
        ));
    }
    if !KINDS.contains(&r.kind.as_str()) {
        return Err(at(
            format!("unknown kind `{}`", r.kind),
            "kind is one of name, alias, adjective, demonym",
        ));
    }
    if Lang::from_code(&r.lang).is_none() {
        return Err(at(format!("unknown language `{}`", r.lang), &languages_hint()));
    }
    if r.term.trim().is_empty() {
        return Err(at("empty term".into(), "write the name as it appears in text"));
    }
    Ok(())
}

/// Reports the rows of `country_exclusions.csv` whose language is not a known one.
fn check_exclusion_languages(table: &Table<CountryExclusionRow>, errors: &mut Vec<Diagnostic>) {
    for row in &table.rows {
        if Lang::from_code(&row.value.lang).is_none() {
            errors.push(
                table
                    .error(row.line, format!("unknown language `{}`", row.value.lang))
                    .with_hint(languages_hint()),
            );
        }
    }
}

/// Compiled country terms for one language, plus the English names of all codes.
#[derive(Debug)]
pub struct CountryRules {
    /// Every term and excluded phrase of the language.
    pub(crate) matcher: TermMatcher,
    /// Terms that are a person's given name when a capitalised word follows ("Jordan Smith").
    pub(crate) before_names: Vec<String>,
    /// Per term of `matcher`: the country code (empty for an excluded phrase) and the rule id
    /// ([`EXCLUDED`] for an excluded phrase).
    pub(crate) codes: Vec<(String, RuleId)>,
    /// English short name per code.
    pub names: BTreeMap<String, String>,
}

/// The terms of one language being compiled, each with its code and rule id.
#[derive(Default)]
struct LanguageTerms {
    terms: Vec<Term>,
    codes: Vec<(String, RuleId)>,
    before_names: Vec<String>,
}

impl CountryRules {
    /// Builds the matcher for `lang` from the checked tables; reports terms listed for two
    /// countries and codes without an English name.
    pub fn build(tables: &CountryTables, lang: Lang, errors: &mut Vec<Diagnostic>) -> Option<CountryRules> {
        let before = errors.len();
        let mut compiled = LanguageTerms::default();
        compiled.add_country_terms(&tables.countries, lang, errors);
        compiled.add_exclusions(&tables.exclusions, lang);
        check_english_names(&compiled.codes, tables, errors);
        if errors.len() > before {
            return None;
        }
        let matcher = TermMatcher::new(compiled.terms, false)
            .map_err(|e| errors.push(Diagnostic::file(&tables.countries.path, e)))
            .ok()?;
        Some(CountryRules {
            matcher,
            before_names: compiled.before_names,
            codes: compiled.codes,
            names: tables.names.clone(),
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
}

impl LanguageTerms {
    /// Adds the forms of every term of `lang`, reporting a term listed for two countries.
    fn add_country_terms(&mut self, table: &Table<CountryRow>, lang: Lang, errors: &mut Vec<Diagnostic>) {
        let mut seen: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
        for row in table.rows.iter().filter(|row| row.value.lang == lang.code()) {
            let r = &row.value;
            if let Some((other, line)) = seen.get(r.term.as_str()) {
                if *other != r.code {
                    errors.push(
                        table
                            .error(
                                row.line,
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
            seen.insert(&r.term, (&r.code, row.line));
            for (text, ending) in term_forms(r, lang) {
                self.terms.push(Term {
                    text,
                    open_start: false,
                    ending,
                });
                self.codes
                    .push((r.code.clone(), format!("country.{lang}.{}", r.kind).into()));
            }
        }
    }

    /// Adds the excluded phrases of `lang`; a phrase ending in ` *` is a given name instead.
    fn add_exclusions(&mut self, table: &Table<CountryExclusionRow>, lang: Lang) {
        for row in table.rows.iter().filter(|r| r.value.lang == lang.code()) {
            if let Some(term) = row.value.phrase.strip_suffix(" *") {
                self.before_names.push(term.to_owned());
                continue;
            }
            self.terms.push(Term {
                text: row.value.phrase.clone(),
                open_start: false,
                ending: Ending::Closed,
            });
            self.codes.push((String::new(), EXCLUDED.into()));
        }
    }
}

/// The forms a row's term matches in `lang`: German adjectives with their endings (also
/// capitalised), German names with a genitive -s, anything else as written (and an
/// abbreviation such as "U.S." also without its last full stop).
fn term_forms(r: &CountryRow, lang: Lang) -> Vec<(String, Ending)> {
    let german = lang == Lang::De;
    let mut forms = Vec::new();
    match (german, r.kind.as_str()) {
        (true, "adjective") => {
            let endings = Ending::OneOf(GERMAN_ADJECTIVE_ENDINGS.iter().map(|s| s.to_string()).collect());
            forms.push((r.term.clone(), endings.clone()));
            let mut cap = r.term.chars();
            if let Some(first) = cap.next() {
                let capitalised: String = first.to_uppercase().chain(cap).collect();
                if capitalised != r.term {
                    forms.push((capitalised, endings));
                }
            }
        }
        (true, "name") | (true, "alias") => forms.push((r.term.clone(), Ending::OneOf(vec!["s".into()]))),
        _ => {
            forms.push((r.term.clone(), Ending::Closed));
            if let Some(stripped) = r.term.strip_suffix('.') {
                if stripped.contains('.') {
                    forms.push((stripped.to_owned(), Ending::Closed));
                }
            }
        }
    }
    forms
}

/// Reports the first code among `codes` that has no English `name` row.
fn check_english_names(codes: &[(String, RuleId)], tables: &CountryTables, errors: &mut Vec<Diagnostic>) {
    let missing = codes
        .iter()
        .map(|(c, _)| c)
        .find(|c| !c.is_empty() && !tables.names.contains_key(*c));
    if let Some(code) = missing {
        errors.push(
            Diagnostic::file(
                &tables.countries.path,
                format!("country {code} has no English `name` row"),
            )
            .with_hint("add a row `CODE,en,name,Short Name`"),
        );
    }
}

/// The hint for an unknown language: the codes of the supported ones.
fn languages_hint() -> String {
    format!("lang is {}", Lang::listed())
}
