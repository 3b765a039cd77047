//! The rule set: every file under `rules/` loaded, validated and compiled once into an
//! immutable, thread-safe value before any article is read. All problems in all files are
//! collected and reported together.

pub mod compose;
pub mod countries;
pub mod dates;
pub mod diag;
pub mod factor;
pub mod id;
pub mod leaders;
pub mod money;
pub mod pattern;
pub mod sectors;
pub mod source;
pub mod starts;
pub mod terms;
pub mod widen;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::lang::Lang;
use crate::segment::SegmentRules;
use countries::{CountryRules, CountryTables};
use dates::DateRules;
use diag::{Diagnostic, RuleErrors};
use leaders::{Gazetteer, LeaderRow, LeaderRules, NameOrigins, LEADER_COLUMNS};
use money::{check_currencies, CurrencyRow, MoneyRules};
use sectors::{SectorRules, Taxonomy};
use source::{read_csv, Table};

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
    /// Per-language rules.
    pub languages: BTreeMap<Lang, LanguageRules>,
    /// Number of people in the gazetteer.
    pub gazetteer_size: usize,
}

impl RuleSet {
    /// The rules of the language with ISO 639-1 code `code`, if it is supported.
    pub fn language(&self, code: &str) -> Option<&LanguageRules> {
        Lang::from_code(code).and_then(|lang| self.languages.get(&lang))
    }

    /// The furniture cues' examples that fail, as diagnostics at the example (run by
    /// `accord check`, as the other rules' examples are).
    pub fn cue_example_problems(&self) -> Vec<Diagnostic> {
        self.segment.example_problems(&furniture_path(&self.dir))
    }

    /// Loads every rule file under `dir`; on any problem returns all of them.
    pub fn load(dir: &Path) -> Result<RuleSet, RuleErrors> {
        if !dir.is_dir() {
            return Err(RuleErrors(vec![Diagnostic::file(dir, "rules folder not found")
                .with_hint(
                    "pass --rules DIR pointing at a folder laid out as described in rules/README.md",
                )]));
        }
        let parts = Parts::load(dir);
        // Diagnostics in file order: furniture, the shared tables, then each language's files.
        let (segment, mut errors) = parts.segment;
        errors.extend(parts.common);
        let mut languages = BTreeMap::new();
        for (lang, ((dates, date_errors), (money, money_errors), (others, other_errors))) in
            Lang::ALL.into_iter().zip(parts.languages)
        {
            errors.extend(date_errors.into_iter().chain(money_errors).chain(other_errors));
            if let (Some(dates), Some(money), Some((leaders, sectors, countries))) = (dates, money, others) {
                let rules = LanguageRules {
                    dates,
                    money,
                    leaders,
                    sectors,
                    countries,
                };
                languages.insert(lang, rules);
            }
        }
        if !errors.is_empty() {
            return Err(RuleErrors(errors));
        }
        let digest = parts
            .digest
            .map_err(|e| RuleErrors(vec![Diagnostic::file(dir, format!("cannot read rules folder: {e}"))]))?;
        Ok(RuleSet {
            dir: dir.to_path_buf(),
            digest,
            segment: segment.expect("no errors means furniture rules loaded"),
            languages,
            gazetteer_size: parts.gazetteer_size,
        })
    }
}

/// The tables of `rules/common/` that every language's leader, sector and country rules
/// share, read and checked once.
struct CommonRules {
    /// Country terms and exclusions.
    countries: CountryTables,
    /// The sector taxonomy.
    taxonomy: Taxonomy,
    /// The gazetteer of leaders.
    gazetteer: Arc<Gazetteer>,
    /// Where names come from.
    origins: Arc<NameOrigins>,
}

/// A part of the rule set as loaded: its value, if it loaded, and its diagnostics.
type Loaded<T> = (Option<T>, Vec<Diagnostic>);

/// Every part of a rule set as loaded, each with its own diagnostics.
struct Parts {
    /// The segmentation rules (`common/furniture.toml`).
    segment: Loaded<SegmentRules>,
    /// The diagnostics of the shared tables.
    common: Vec<Diagnostic>,
    /// Per language, in [`Lang::ALL`] order: its dates, its money, and its other rules.
    languages: Vec<LanguageParts>,
    /// Number of people in the gazetteer.
    gazetteer_size: usize,
    /// The digest of the rule files (see [`digest_dir`]).
    digest: std::io::Result<String>,
}

/// The parts of one language: dates, money, and leaders with sectors and countries.
type LanguageParts = (
    Loaded<DateRules>,
    Loaded<MoneyRules>,
    Loaded<(LeaderRules, SectorRules, CountryRules)>,
);

impl Parts {
    /// Loads every part under `dir`. The regex-heavy files (furniture, and per language dates
    /// and money) compile on threads of their own while this thread reads the shared tables
    /// and builds each language's other rules; the digest of the files is taken on a thread
    /// of its own too.
    fn load(dir: &Path) -> Parts {
        let common_dir = dir.join("common");
        let mut common_errors = Vec::new();
        let countries = CountryTables::load(&common_dir, &mut common_errors);
        let currencies = load_currencies(&common_dir, &mut common_errors);
        std::thread::scope(|scope| {
            let digest = scope.spawn(|| digest_dir(dir));
            let segment = spawn_load(scope, |e| SegmentRules::load(&furniture_path(dir), e));
            let patterns: Vec<_> = Lang::ALL
                .into_iter()
                .map(|lang| {
                    let d = dir.join(lang.code());
                    let dates = d.join("dates.toml");
                    let currencies = &currencies;
                    (
                        spawn_load(scope, move |e| DateRules::load(&dates, e)),
                        spawn_load(scope, move |e| {
                            MoneyRules::load(&d.join("money.toml"), lang, currencies, e)
                        }),
                    )
                })
                .collect();
            let common = load_common(&common_dir, countries, &mut common_errors);
            let others: Vec<_> = Lang::ALL
                .into_iter()
                .map(|lang| {
                    let mut errors = Vec::new();
                    (
                        load_language(&dir.join(lang.code()), lang, &common, &mut errors),
                        errors,
                    )
                })
                .collect();
            Parts {
                segment: joined(segment),
                common: common_errors,
                languages: patterns
                    .into_iter()
                    .zip(others)
                    .map(|((dates, money), others)| (joined(dates), joined(money), others))
                    .collect(),
                gazetteer_size: common.gazetteer.len(),
                digest: joined(digest),
            }
        })
    }
}

/// The furniture rule file of the rules folder `dir`.
fn furniture_path(dir: &Path) -> PathBuf {
    dir.join("common").join("furniture.toml")
}

/// Reads and checks `currencies.csv` in the folder `common`.
fn load_currencies(common: &Path, errors: &mut Vec<Diagnostic>) -> Table<CurrencyRow> {
    let path = common.join("currencies.csv");
    let currencies = read_csv::<CurrencyRow>(&path, &["code", "lang", "kind", "term"], errors);
    check_currencies(&currencies, errors);
    currencies
}

/// Reads and checks the other shared tables of the folder `common`, given its `countries`
/// (the furniture rules and the currencies are read on their own).
fn load_common(common: &Path, countries: CountryTables, errors: &mut Vec<Diagnostic>) -> CommonRules {
    let taxonomy = Taxonomy::load(&common.join("sectors.csv"), errors);
    let leader_rows = read_csv::<LeaderRow>(&common.join("leaders.csv"), &LEADER_COLUMNS, errors);
    let gazetteer = Arc::new(Gazetteer::build(&leader_rows, errors));
    let origins = Arc::new(NameOrigins::load(&common.join("name_origins.toml"), errors));
    CommonRules {
        countries,
        taxonomy,
        gazetteer,
        origins,
    }
}

/// Loads the leader, sector and country rules of `lang` from its folder `d`.
fn load_language(
    d: &Path,
    lang: Lang,
    common: &CommonRules,
    errors: &mut Vec<Diagnostic>,
) -> Option<(LeaderRules, SectorRules, CountryRules)> {
    let leaders = LeaderRules::load(
        &d.join("names.toml"),
        lang,
        common.gazetteer.clone(),
        common.origins.clone(),
        errors,
    );
    let name_words = leaders.as_ref().map(LeaderRules::name_words).unwrap_or_default();
    let sectors = SectorRules::load(d, lang, &common.taxonomy, name_words, errors);
    let countries = CountryRules::build(&common.countries, lang, errors);
    Some((leaders?, sectors?, countries?))
}

/// Runs `load` on a thread of `scope`, with a list of its own for the diagnostics.
fn spawn_load<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    load: impl FnOnce(&mut Vec<Diagnostic>) -> Option<T> + Send + 'scope,
) -> std::thread::ScopedJoinHandle<'scope, Loaded<T>> {
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

/// Adds every file under `dir` except documentation (`.md`) to `out`, recursively.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Copies the folder `from` to `to`, recursively.
    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy_dir(&path, &target);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }

    #[test]
    fn problems_in_shared_tables_are_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"), dir.path());
        let append = |file: &str, line: &str| {
            let path = dir.path().join(file);
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, format!("{}\n{line}\n", text.trim_end())).unwrap();
        };
        append("common/countries.csv", "uz,en,name,Nowhere");
        append("common/sectors.csv", "trade,Trade again,false");
        let errors = RuleSet::load(dir.path()).unwrap_err().0;
        let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`uz` is not an ISO 3166-1 alpha-2 code",
                "duplicate sector id `trade` (first at line 16)"
            ]
        );
    }
}
