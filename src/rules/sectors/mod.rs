//! Sector rules: the taxonomy `rules/common/sectors.csv` (read and checked once), and per
//! language the terms of `rules/<lang>/sector_terms.csv` and the false friends of
//! `rules/<lang>/sector_exclusions.csv`, compiled into a term matcher. German terms may sit
//! inside compounds (`*energie*`).

mod exclusions;

use crate::lang::Lang;
use crate::rules::id::RuleId;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Hash maps and sets keyed by short words and ids, which need no DoS-resistant hashing
/// (foldhash's fixed-seed hasher).
type FastState = foldhash::fast::FixedState;
use std::path::Path;

use serde::Deserialize;

pub(crate) use exclusions::{Exclusion, Shape, Slot};

use super::diag::Diagnostic;
use super::source::{read_csv, Table};
use super::terms::{Ending, Term, TermMatcher};

/// A row of `rules/common/sectors.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct SectorRow {
    /// Taxonomy id.
    pub id: String,
    /// Human-readable label.
    pub label: String,
    /// True for a catch-all sector (industry): its term right after another sector's term
    /// describes that sector ("oil and gas industry", "vaccine manufacturing").
    pub generic: bool,
}

/// A row of `rules/<lang>/sector_terms.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct SectorTermRow {
    /// Taxonomy id.
    pub sector: String,
    /// Term, with `*` for an open start or end.
    pub term: String,
}

/// A row of `rules/<lang>/sector_exclusions.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct SectorExclusionRow {
    /// Taxonomy id whose matches the word cancels, or `*` for every sector.
    pub sector: String,
    /// The whole word, with `*` for an open start or end, or a phrase of several words.
    pub word: String,
    /// Why.
    pub reason: String,
}

/// The sector taxonomy, read and checked once for all languages.
#[derive(Debug, Default)]
pub struct Taxonomy {
    /// Taxonomy id → label.
    labels: BTreeMap<String, String>,
    /// The ids of the generic sectors.
    generic: Vec<String>,
}

impl Taxonomy {
    /// Reads `rules/common/sectors.csv` and reports duplicate ids.
    pub fn load(path: &Path, errors: &mut Vec<Diagnostic>) -> Taxonomy {
        let table = read_csv::<SectorRow>(path, &["id", "label", "generic"], errors);
        for (i, row) in table.rows.iter().enumerate() {
            if let Some(first) = table.rows[..i].iter().find(|r| r.value.id == row.value.id) {
                errors.push(
                    table
                        .error(
                            row.line,
                            format!("duplicate sector id `{}` (first at line {})", row.value.id, first.line),
                        )
                        .with_hint("sector ids must be unique"),
                );
            }
        }
        Taxonomy {
            labels: table
                .rows
                .iter()
                .map(|r| (r.value.id.clone(), r.value.label.clone()))
                .collect(),
            generic: table
                .rows
                .iter()
                .filter(|r| r.value.generic)
                .map(|r| r.value.id.clone())
                .collect(),
        }
    }
}

/// The words that mark a run of capitalised words as an organisation's name, in a language
/// that capitalises only names (from `rules/<lang>/names.toml`); empty elsewhere.
#[derive(Debug, Default, Clone)]
pub struct NameWords {
    /// Words that make a capitalised name an organisation, or a title or index name.
    pub heads: HashSet<String, FastState>,
    /// Words and signs that may stand between the capitalised words of such a name.
    pub joiners: Vec<String>,
    /// Articles that may follow a joiner inside such a name ("of the").
    pub articles: Vec<String>,
}

/// Compiled sector rules for one language.
#[derive(Debug)]
pub struct SectorRules {
    /// Every term.
    pub(crate) matcher: TermMatcher,
    /// Per term of `matcher`: its sector id, the term as written and the rule id.
    pub(crate) sectors: Vec<SectorTerm>,
    /// Per term: written in capitals, so it matches only in capitals ("IT", not "it").
    pub(crate) abbreviations: Vec<bool>,
    /// The false friends of every sector (`*`).
    pub(crate) every_sector: Vec<Exclusion>,
    /// The false friends of one sector, by its id.
    pub(crate) by_sector: HashMap<String, Vec<Exclusion>, FastState>,
    /// The words of organisations' names; no heads disables the check.
    pub(crate) names: NameWords,
    /// The ids of the generic sectors.
    pub(crate) generic: Vec<String>,
    /// Taxonomy id → label.
    pub labels: BTreeMap<String, String>,
}

/// A compiled sector term.
#[derive(Debug, Clone)]
pub(crate) struct SectorTerm {
    /// The sector id.
    pub sector: String,
    /// The term as written in `sector_terms.csv` (with its `*`).
    pub written: String,
    /// The rule id of its matches: `sector.<lang>.<sector>`.
    pub rule: RuleId,
}

/// The terms of one language being compiled.
#[derive(Default)]
struct CompiledTerms {
    terms: Vec<Term>,
    sectors: Vec<SectorTerm>,
    abbreviations: Vec<bool>,
}

impl SectorRules {
    /// Reads and compiles `sector_terms.csv` and `sector_exclusions.csv` in the language
    /// folder `dir`. `names` are the words that make a capitalised name an organisation's
    /// (no heads disables the check).
    pub fn load(
        dir: &Path,
        lang: Lang,
        taxonomy: &Taxonomy,
        names: NameWords,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<SectorRules> {
        let terms = read_csv::<SectorTermRow>(&dir.join("sector_terms.csv"), &["sector", "term"], errors);
        let exclusions_path = dir.join("sector_exclusions.csv");
        let exclusions = read_csv::<SectorExclusionRow>(&exclusions_path, &["sector", "word", "reason"], errors);
        SectorRules::build(lang, taxonomy, &terms, &exclusions, names, errors)
    }

    /// Builds the rules of one language from its term and exclusion tables.
    pub fn build(
        lang: Lang,
        taxonomy: &Taxonomy,
        terms: &Table<SectorTermRow>,
        exclusions: &Table<SectorExclusionRow>,
        names: NameWords,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<SectorRules> {
        let before = errors.len();
        let compiled = compile_terms(terms, lang, &taxonomy.labels, errors);
        let exclusions = compile_exclusions(exclusions, &taxonomy.labels, errors);
        if errors.len() > before {
            return None;
        }
        let matcher = TermMatcher::new(compiled.terms, true)
            .map_err(|e| errors.push(Diagnostic::file(&terms.path, e)))
            .ok()?;
        let (every_sector, by_sector) = by_sector(exclusions);
        Some(SectorRules {
            matcher,
            sectors: compiled.sectors,
            abbreviations: compiled.abbreviations,
            every_sector,
            by_sector,
            names,
            generic: taxonomy.generic.clone(),
            labels: taxonomy.labels.clone(),
        })
    }

    /// The false friends that may cancel a match of `sector`.
    pub(crate) fn exclusions_of<'r>(&'r self, sector: &str) -> impl Iterator<Item = &'r Exclusion> {
        let own = self.by_sector.get(sector).map_or(&[][..], Vec::as_slice);
        self.every_sector.iter().chain(own)
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.sectors.len()
    }

    /// True when there is no term.
    pub fn is_empty(&self) -> bool {
        self.sectors.is_empty()
    }
}

/// Compiles the rows of `sector_terms.csv`, reporting unknown sectors, bad terms and terms
/// listed twice.
fn compile_terms(
    table: &Table<SectorTermRow>,
    lang: Lang,
    labels: &BTreeMap<String, String>,
    errors: &mut Vec<Diagnostic>,
) -> CompiledTerms {
    let mut compiled = CompiledTerms::default();
    let mut seen: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for row in &table.rows {
        let r = &row.value;
        if !labels.contains_key(&r.sector) {
            let ids = labels.keys().cloned().collect::<Vec<_>>().join(", ");
            errors.push(
                table
                    .error(row.line, format!("unknown sector id `{}`", r.sector))
                    .with_hint(format!("use one of: {ids}")),
            );
            continue;
        }
        if let Err((message, hint)) = check_term(&r.term) {
            errors.push(table.error(row.line, message).with_hint(hint));
            continue;
        }
        let text = r.term.trim_matches('*').to_owned();
        let key = text.to_lowercase();
        if let Some((other, line)) = seen.get(&key) {
            errors.push(duplicate_term(table, row.line, &r.term, &r.sector, other, *line));
            continue;
        }
        seen.insert(key, (r.sector.clone(), row.line));
        compiled.terms.push(Term {
            text,
            open_start: r.term.starts_with('*'),
            ending: if r.term.ends_with('*') {
                Ending::Open
            } else {
                Ending::Closed
            },
        });
        compiled.abbreviations.push(is_abbreviation(&r.term));
        compiled.sectors.push(SectorTerm {
            sector: r.sector.clone(),
            written: r.term.clone(),
            rule: format!("sector.{lang}.{}", r.sector).into(),
        });
    }
    compiled
}

/// The problem with `term` of `sector` at `line`, listed before at `first_line` for `other`.
fn duplicate_term(
    table: &Table<SectorTermRow>,
    line: usize,
    term: &str,
    sector: &str,
    other: &str,
    first_line: usize,
) -> Diagnostic {
    if other != sector {
        table
            .error(
                line,
                format!("term `{term}` is listed for `{other}` (line {first_line}) and `{sector}`"),
            )
            .with_hint("a term may belong to one sector only")
    } else {
        table
            .error(line, format!("duplicate term `{term}` (first at line {first_line})"))
            .with_hint("remove one of the two rows")
    }
}

/// Compiles the rows of `sector_exclusions.csv`, reporting unknown sectors and bad words.
fn compile_exclusions(
    table: &Table<SectorExclusionRow>,
    labels: &BTreeMap<String, String>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Exclusion> {
    let mut compiled = Vec::new();
    for row in &table.rows {
        let r = &row.value;
        if r.sector != "*" && !labels.contains_key(&r.sector) {
            errors.push(
                table
                    .error(row.line, format!("unknown sector id `{}`", r.sector))
                    .with_hint("use an id from rules/common/sectors.csv, or `*` for every sector"),
            );
            continue;
        }
        match Exclusion::new(&r.sector, &r.word) {
            Ok(e) => compiled.push(e),
            Err(message) => errors.push(
                table
                    .error(row.line, message)
                    .with_hint("write a word, `prefix*`, `*suffix`, `*infix*`, or a phrase of words"),
            ),
        }
    }
    compiled
}

/// The exclusions of every sector, and those of each sector by its id.
fn by_sector(exclusions: Vec<Exclusion>) -> (Vec<Exclusion>, HashMap<String, Vec<Exclusion>, FastState>) {
    let mut every_sector = Vec::new();
    let mut by_sector: HashMap<String, Vec<Exclusion>, FastState> = HashMap::default();
    for e in exclusions {
        match e.sector.clone() {
            Some(sector) => by_sector.entry(sector).or_default().push(e),
            None => every_sector.push(e),
        }
    }
    (every_sector, by_sector)
}

/// Checks a term of `sector_terms.csv`: at least three letters (two for an abbreviation in
/// capitals), and `*` only at its ends and never on an abbreviation. The error comes with a hint.
fn check_term(term: &str) -> Result<(), (String, String)> {
    let text = term.trim_matches('*');
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let capitals = text.chars().any(char::is_alphabetic) && !text.chars().any(char::is_lowercase);
    if text.contains('*') {
        return Err((
            format!("term `{term}` has an inner `*`"),
            "`*` only at a term's start or end".into(),
        ));
    }
    if capitals && text.len() != term.len() {
        return Err((
            format!("abbreviation `{term}` has a `*`"),
            "a term in capitals matches one whole word in capitals: remove the `*`".into(),
        ));
    }
    if letters < 3 && !(capitals && letters == 2) {
        return Err((
            format!("term `{term}` is too short"),
            "a term needs at least three letters, or two for an abbreviation in capitals (`IT`)".into(),
        ));
    }
    Ok(())
}

/// True for a term written in capitals ("IT", "LNG"): an abbreviation, matched only where the
/// text writes it in capitals.
fn is_abbreviation(term: &str) -> bool {
    term.chars().any(char::is_alphabetic) && !term.chars().any(char::is_lowercase) && !term.contains('*')
}

#[cfg(test)]
mod tests {
    #[test]
    fn term_checks() {
        let cases = [
            ("IT", true),
            ("LNG", true),
            ("*energie*", true),
            ("AI*", false),
            ("it", false),
            ("*x*", false),
            ("a*bc", false),
            ("IT park*", true),
        ];
        for (term, ok) in cases {
            assert_eq!(super::check_term(term).is_ok(), ok, "{term}");
        }
        assert!(super::is_abbreviation("IT"));
        assert!(!super::is_abbreviation("IT park*"));
        assert!(!super::is_abbreviation("IT-Branche"));
    }
}
