//! The rule set: every file under `rules/` loaded, validated and compiled once into an
//! immutable, thread-safe value before any article is read. All problems in all files are
//! collected and reported together.

pub mod dates;
pub mod diag;
pub mod money;
pub mod pattern;
pub mod source;
pub mod starts;
pub mod terms;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::extract::countries::{CountryExclusionRow, CountryRow, CountryRules};
use crate::extract::leaders::{Gazetteer, LeaderRow, LeaderRules, NameOrigins};
use crate::extract::sectors::{SectorExclusionRow, SectorRow, SectorRules, SectorTermRow};
use crate::segment::SegmentRules;
use dates::DateRules;
use diag::{Diagnostic, RuleErrors};
use money::{check_currencies, CurrencyRow, MoneyRules};
use source::read_csv;

/// The languages that have rule sets.
pub const LANGUAGES: [&str; 2] = ["en", "de"];

/// The compiled rules of one language.
#[derive(Debug)]
pub struct LanguageRules {
    /// Date patterns and words.
    pub dates: DateRules,
    /// Money patterns, currencies and scales.
    pub money: MoneyRules,
    /// Title patterns and the gazetteer.
    pub leaders: LeaderRules,
    /// Sector terms.
    pub sectors: SectorRules,
    /// Country terms.
    pub countries: CountryRules,
}

/// Every rule, compiled.
#[derive(Debug)]
pub struct RuleSet {
    /// The rules folder.
    pub dir: PathBuf,
    /// SHA-256 over every rule file's path and content.
    pub digest: String,
    /// Furniture and story segmentation.
    pub segment: SegmentRules,
    /// Per-language rules by ISO 639-1 code.
    pub languages: BTreeMap<String, LanguageRules>,
    /// Number of people in the gazetteer.
    pub gazetteer_size: usize,
}

impl RuleSet {
    /// Loads every rule file under `dir`; on any problem returns all of them.
    pub fn load(dir: &Path) -> Result<RuleSet, RuleErrors> {
        let mut errors: Vec<Diagnostic> = Vec::new();
        if !dir.is_dir() {
            return Err(RuleErrors(vec![Diagnostic::file(dir, "rules folder not found")
                .with_hint(
                    "pass --rules DIR pointing at a folder laid out as described in rules/README.md",
                )]));
        }
        let common = dir.join("common");

        let countries_path = common.join("countries.csv");
        let countries = read_csv::<CountryRow>(&countries_path, &["code", "lang", "kind", "term"], &mut errors);
        let exclusions_path = common.join("country_exclusions.csv");
        let country_exclusions =
            read_csv::<CountryExclusionRow>(&exclusions_path, &["lang", "phrase", "reason"], &mut errors);
        for row in &country_exclusions.rows {
            if row.value.lang != "en" && row.value.lang != "de" {
                errors.push(
                    country_exclusions
                        .error(row.line, format!("unknown language `{}`", row.value.lang))
                        .with_hint("lang is en or de"),
                );
            }
        }
        let currencies_path = common.join("currencies.csv");
        let currencies = read_csv::<CurrencyRow>(&currencies_path, &["code", "lang", "kind", "term"], &mut errors);
        check_currencies(&currencies, &mut errors);
        let sectors_path = common.join("sectors.csv");
        let taxonomy = read_csv::<SectorRow>(&sectors_path, &["id", "label", "generic"], &mut errors);
        let leaders_path = common.join("leaders.csv");
        let leader_rows = read_csv::<LeaderRow>(
            &leaders_path,
            &[
                "name",
                "country",
                "office",
                "role",
                "valid_from",
                "valid_to",
                "aliases",
                "short_names",
                "note",
            ],
            &mut errors,
        );
        let gazetteer = Arc::new(Gazetteer::build(&leader_rows, &mut errors));
        let origins = Arc::new(NameOrigins::load(&common.join("name_origins.toml"), &mut errors));

        // The regex-heavy files compile on threads of their own; every diagnostic is still
        // reported in file order.
        let (segment, compiled) = std::thread::scope(|scope| {
            let segment = spawn_load(scope, |e| SegmentRules::load(&common.join("furniture.toml"), e));
            let patterns: Vec<_> = LANGUAGES
                .iter()
                .map(|lang| {
                    let d = dir.join(lang);
                    let currencies = &currencies;
                    spawn_load(scope, move |e| {
                        let dates = DateRules::load(&d.join("dates.toml"), e);
                        let money = MoneyRules::load(&d.join("money.toml"), lang, currencies, e);
                        (dates, money)
                    })
                })
                .collect();
            (joined(segment), patterns.into_iter().map(joined).collect::<Vec<_>>())
        });
        let (segment, segment_errors) = segment;
        errors.splice(0..0, segment_errors);

        let mut languages = BTreeMap::new();
        for (lang, ((dates, money), pattern_errors)) in LANGUAGES.iter().zip(compiled) {
            errors.extend(pattern_errors);
            let d = dir.join(lang);
            let leaders = LeaderRules::load(&d.join("names.toml"), gazetteer.clone(), origins.clone(), &mut errors);
            let terms_path = d.join("sector_terms.csv");
            let terms = read_csv::<SectorTermRow>(&terms_path, &["sector", "term"], &mut errors);
            let excl_path = d.join("sector_exclusions.csv");
            let excl = read_csv::<SectorExclusionRow>(&excl_path, &["sector", "word", "reason"], &mut errors);
            let org_heads = leaders
                .as_ref()
                .filter(|l| l.capitalised_names)
                .map(|l| l.org_heads.iter().chain(&l.name_heads).cloned().collect())
                .unwrap_or_default();
            let sectors = SectorRules::build(&taxonomy, &terms, &excl, org_heads, &mut errors);
            let countries = CountryRules::build(&countries, &country_exclusions, lang, &mut errors);
            if let (Some(dates), Some(money), Some(leaders), Some(sectors), Some(countries)) =
                (dates, money, leaders, sectors, countries)
            {
                languages.insert(
                    lang.to_string(),
                    LanguageRules {
                        dates,
                        money,
                        leaders,
                        sectors,
                        countries,
                    },
                );
            }
        }
        if !errors.is_empty() {
            return Err(RuleErrors(errors));
        }
        let digest = digest_dir(dir)
            .map_err(|e| RuleErrors(vec![Diagnostic::file(dir, format!("cannot read rules folder: {e}"))]))?;
        Ok(RuleSet {
            dir: dir.to_path_buf(),
            digest,
            segment: segment.expect("no errors means furniture rules loaded"),
            languages,
            gazetteer_size: gazetteer.len(),
        })
    }
}

/// Runs `load` on a thread of `scope`, with a list of its own for the diagnostics.
fn spawn_load<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    load: impl FnOnce(&mut Vec<Diagnostic>) -> T + Send + 'scope,
) -> std::thread::ScopedJoinHandle<'scope, (T, Vec<Diagnostic>)> {
    scope.spawn(move || {
        let mut errors = Vec::new();
        let value = load(&mut errors);
        (value, errors)
    })
}

/// The result of a [`spawn_load`] thread; a panic there goes on in the caller.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// SHA-256 over the relative path and content of every rule file under `dir` (documentation
/// excluded), in path order.
fn digest_dir(dir: &Path) -> std::io::Result<String> {
    let mut files = Vec::new();
    collect_files(dir, &mut files)?;
    files.sort();
    let mut hasher = Sha256::new();
    for f in files {
        let rel = f.strip_prefix(dir).unwrap_or(&f).to_string_lossy().replace('\\', "/");
        hasher.update(rel.as_bytes());
        hasher.update([0]);
        hasher.update(std::fs::read(&f)?);
        hasher.update([0]);
    }
    Ok(format!("{:x}", hasher.finalize()))
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e != "md") {
            out.push(path);
        }
    }
    Ok(())
}

/// The project's own rules, loaded once for unit tests.
#[cfg(test)]
pub fn test_rules() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| RuleSet::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).expect("rules load"))
}
