//! Leader rules: the gazetteer `rules/common/leaders.csv` and the name origins
//! `rules/common/name_origins.toml`, shared by every language, and per language the title
//! phrases and word lists of `rules/<lang>/names.toml`.

mod gazetteer;
mod origins;

use crate::lang::Lang;
use crate::rules::id::RuleId;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

pub(crate) use gazetteer::push_name_words_key;
pub use gazetteer::{
    in_capitals, name_key, name_words_key, short_key, Gazetteer, LeaderRow, OfficeTerm, Person, LEADER_COLUMNS, ROLES,
};
pub use origins::{NameOriginSpec, NameOrigins, NameOriginsFile};

use super::diag::Diagnostic;
use super::pattern::string_content_start;
use super::sectors::NameWords;
use super::source::read_toml;
use super::terms::{Ending, Term, TermMatcher};

/// `rules/<lang>/names.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamesFile {
    /// Title phrases that introduce or follow a person's name.
    pub titles: Vec<String>,
    /// Words that may precede a title and belong to it ("First", "Deputy", "former").
    pub modifiers: Vec<String>,
    /// Lower-case words that join a title to what it is of ("of", "for", "der").
    pub joiners: Vec<String>,
    /// Lower-case words that join the last two items of a list ("and", "und"): two titles
    /// ("Minister of Trade and Deputy PM"), or titled people in a list.
    pub conjunctions: Vec<toml::Spanned<String>>,
    /// Lower-case name particles ("von", "der", "bin").
    pub particles: Vec<String>,
    /// Possessive endings written after a name with an apostrophe ("'s" in "Tokayev's"),
    /// which are no part of the name.
    pub possessives: Vec<toml::Spanned<String>>,
    /// Lower-case articles that may stand between a name, its comma and a title ("the").
    #[serde(default)]
    pub articles: Vec<String>,
    /// Capitalised words that are never part of a person's name.
    pub not_name: Vec<String>,
    /// Words that make a capitalised name an organisation ("Bank", "Holding").
    pub org_heads: Vec<String>,
    /// Words and signs that may stand between the capitalised words of an organisation's name
    /// ("of", "and", "&"), where capitalisation marks names.
    #[serde(default)]
    pub org_joiners: Vec<toml::Spanned<String>>,
    /// Words that make a run of capitalised words a name in which sector terms do not count,
    /// without making it an organisation: titles and index names ("Minister", "Average").
    #[serde(default)]
    pub name_heads: Vec<String>,
    /// Whether organisation names are recognised by capitalisation (English yes, German no).
    pub capitalised_names: bool,
    /// Titles that imply a country when the story gives none: one code, or several of which
    /// the first one the story names wins (`"Bundeskanzler" = ["DE", "AT"]`).
    #[serde(default)]
    pub title_countries: BTreeMap<String, CountryCodes>,
    /// Party abbreviations written after a name ("Sebastian Kurz (ÖVP)") and the country of
    /// the party.
    #[serde(default)]
    pub party_countries: BTreeMap<String, String>,
    /// How names in this language's spelling of another script are written the English way.
    #[serde(default)]
    pub respelling: Option<Respelling>,
    /// Titles that name an office of the gazetteer (`President` = `head_of_state`), so that a
    /// bare office ("the Korean president") resolves to its holder on the story's date.
    #[serde(default)]
    pub title_roles: BTreeMap<String, String>,
}

/// Respelling of names transliterated the way of this language into the English way ("Wladimir
/// Jakunin" → "Vladimir Yakunin"), for the canonical name of people not in the gazetteer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Respelling {
    /// A name is respelled when one of its words ends with one of these ("-ow", "-ew")...
    pub endings: Vec<String>,
    /// ...or begins with one of these given names ("Wladimir", "Jewgeni").
    pub given_names: Vec<String>,
    /// Replacements applied in order to every word of such a name.
    pub replace: Vec<(String, String)>,
}

impl Respelling {
    /// `name` written the English way, if it is a name this respelling is for.
    pub fn apply(&self, name: &str) -> Option<String> {
        let words: Vec<&str> = name.split(' ').collect();
        let ends = words
            .iter()
            .any(|w| self.endings.iter().any(|e| w.ends_with(e.as_str())));
        let given = words.first().is_some_and(|w| self.given_names.iter().any(|g| g == w));
        if !(ends || given) {
            return None;
        }
        let respelled: Vec<String> = words
            .iter()
            .map(|w| {
                self.replace
                    .iter()
                    .fold(w.to_string(), |acc, (from, to)| acc.replace(from.as_str(), to))
            })
            .collect();
        Some(respelled.join(" "))
    }
}

/// A set of words looked up by the text of a token, hashed with foldhash's fixed-seed hasher;
/// most words not in the set are turned away unhashed, by a Bloom filter of the words' lengths
/// and first and last bytes.
#[derive(Debug, Clone)]
pub(crate) struct WordSet {
    words: HashSet<String, foldhash::fast::FixedState>,
    /// One bit per (length, first byte, last byte) of a word of the set, hashed.
    shapes: Box<[u64; 64]>,
}

impl WordSet {
    /// True when `word` is one of the words.
    #[inline]
    pub(crate) fn contains(&self, word: &str) -> bool {
        let bit = WordSet::shape_bit(word);
        self.shapes[bit >> 6] & (1 << (bit & 63)) != 0 && self.words.contains(word)
    }

    /// The filter bit of the length and the first and last bytes of `word` (bytes of the
    /// empty word: 0).
    #[inline]
    fn shape_bit(word: &str) -> usize {
        let bytes = word.as_bytes();
        let (first, last) = (bytes.first().map_or(0, |&b| b), bytes.last().map_or(0, |&b| b));
        let len = bytes.len().min(255) as u32;
        let shape = u32::from(first) << 16 | u32::from(last) << 8 | len;
        (shape.wrapping_mul(0x9E37_79B1) >> 20) as usize
    }
}

impl Default for WordSet {
    fn default() -> WordSet {
        WordSet {
            words: HashSet::default(),
            shapes: Box::new([0; 64]),
        }
    }
}

impl FromIterator<String> for WordSet {
    fn from_iter<I: IntoIterator<Item = String>>(words: I) -> WordSet {
        let mut set = WordSet::default();
        for word in words {
            let bit = WordSet::shape_bit(&word);
            set.shapes[bit >> 6] |= 1 << (bit & 63);
            set.words.insert(word);
        }
        set
    }
}

/// One ISO 3166-1 alpha-2 code or a list of them, as written in a rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum CountryCodes {
    /// A single code.
    One(String),
    /// Codes in order of preference.
    Many(Vec<String>),
}

impl CountryCodes {
    /// The codes in order.
    pub fn codes(&self) -> Vec<String> {
        match self {
            CountryCodes::One(c) => vec![c.clone()],
            CountryCodes::Many(cs) => cs.clone(),
        }
    }
}

/// The rule id of a person found in the gazetteer.
pub const GAZETTEER_RULE: &str = "leader.gazetteer";

/// The rule id of a person who held an office the story names without a name.
pub const OFFICE_RULE: &str = "leader.office";

/// Compiled leader rules for one language (the gazetteer and the name origins are shared by
/// reference count).
#[derive(Debug)]
pub struct LeaderRules {
    /// The shared gazetteer.
    pub(crate) gazetteer: Arc<Gazetteer>,
    /// The title phrases.
    pub(crate) titles: TermMatcher,
    /// Words that may precede a title and belong to it.
    pub(crate) modifiers: WordSet,
    /// Words that join a title to what it is of.
    pub(crate) joiners: WordSet,
    /// Words that join the last two items of a list.
    pub(crate) conjunctions: WordSet,
    /// Name particles.
    pub(crate) particles: WordSet,
    /// Possessive endings after a name.
    pub(crate) possessives: Vec<String>,
    /// Articles between a name's comma and its title.
    pub(crate) articles: Vec<String>,
    /// Capitalised words that are never part of a name: the file's `not_name`, with the
    /// `org_heads` and `modifiers`, in one set.
    pub(crate) never_in_name: WordSet,
    /// Organisation words, also used by the sector extractor.
    pub org_heads: HashSet<String>,
    /// Words and signs inside organisations' names, for the sector extractor.
    pub org_joiners: Vec<String>,
    /// Title and index words that, with `org_heads`, mark names for the sector extractor.
    pub name_heads: Vec<String>,
    /// Whether capitalisation marks names in this language.
    pub capitalised_names: bool,
    /// Title → the countries it implies, in order of preference.
    pub(crate) title_countries: BTreeMap<String, Vec<String>>,
    /// Lower-case party abbreviation → country.
    pub(crate) party_countries: BTreeMap<String, String>,
    /// How transliterated names are respelled.
    pub(crate) respelling: Respelling,
    /// Title → gazetteer role.
    pub(crate) title_roles: BTreeMap<String, String>,
    /// The shared name origins.
    pub(crate) origins: Arc<NameOrigins>,
    /// The rule id of a person found next to a title (`leader.<lang>.title`).
    pub(crate) title_rule: RuleId,
    /// [`GAZETTEER_RULE`], shared by every person found in the gazetteer.
    pub(crate) gazetteer_rule: RuleId,
}

impl LeaderRules {
    /// Loads `rules/<lang>/names.toml` and joins it with the shared gazetteer and origins.
    pub fn load(
        path: &Path,
        lang: Lang,
        gazetteer: Arc<Gazetteer>,
        origins: Arc<NameOrigins>,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<LeaderRules> {
        let (source, file) = read_toml::<NamesFile>(path, errors)?;
        let before = errors.len();
        let file_at = NamesSource { path, source: &source };
        file_at.check_codes(&file, errors);
        file_at.check_parties(&file, errors);
        file_at.check_roles(&file, errors);
        file_at.check_words("conjunctions", &file.conjunctions, errors);
        file_at.check_words("org_joiners", &file.org_joiners, errors);
        file_at.check_words("possessives", &file.possessives, errors);
        if errors.len() > before {
            return None;
        }
        let titles = compile_titles(&file.titles)
            .map_err(|e| errors.push(Diagnostic::file(path, e)))
            .ok()?;
        Some(LeaderRules::from_file(file, lang, titles, gazetteer, origins))
    }

    /// The rules of a checked file, with its compiled titles.
    fn from_file(
        file: NamesFile,
        lang: Lang,
        titles: TermMatcher,
        gazetteer: Arc<Gazetteer>,
        origins: Arc<NameOrigins>,
    ) -> LeaderRules {
        let words = |list: Vec<toml::Spanned<String>>| list.into_iter().map(toml::Spanned::into_inner).collect();
        let never_in_name = [&file.not_name, &file.org_heads, &file.modifiers]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        LeaderRules {
            never_in_name,
            gazetteer,
            titles,
            modifiers: file.modifiers.into_iter().collect(),
            joiners: file.joiners.into_iter().collect(),
            conjunctions: file.conjunctions.into_iter().map(toml::Spanned::into_inner).collect(),
            particles: file.particles.into_iter().collect(),
            possessives: words(file.possessives),
            articles: file.articles,
            org_heads: file.org_heads.into_iter().collect(),
            org_joiners: words(file.org_joiners),
            name_heads: file.name_heads,
            capitalised_names: file.capitalised_names,
            title_countries: file
                .title_countries
                .iter()
                .map(|(t, c)| (t.clone(), c.codes()))
                .collect(),
            party_countries: file
                .party_countries
                .into_iter()
                .map(|(party, code)| (party.to_lowercase(), code))
                .collect(),
            respelling: file.respelling.unwrap_or_default(),
            title_roles: file.title_roles,
            origins,
            title_rule: format!("leader.{lang}.title").into(),
            gazetteer_rule: GAZETTEER_RULE.into(),
        }
    }

    /// The shared gazetteer.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// Number of title phrases.
    pub fn title_count(&self) -> usize {
        self.titles.terms().len()
    }

    /// The words that mark organisations' names for the sector extractor: none in a language
    /// that does not capitalise only names.
    pub fn name_words(&self) -> NameWords {
        if !self.capitalised_names {
            return NameWords::default();
        }
        NameWords {
            heads: self.org_heads.iter().chain(&self.name_heads).cloned().collect(),
            joiners: self.org_joiners.clone(),
            articles: self.articles.clone(),
        }
    }
}

/// The title phrases compiled into a matcher; a leading `*` lets a title end a compound.
fn compile_titles(titles: &[String]) -> Result<TermMatcher, String> {
    let terms = titles
        .iter()
        .map(|t| Term {
            text: t.trim_start_matches('*').to_owned(),
            open_start: t.starts_with('*'),
            ending: Ending::Closed,
        })
        .collect();
    TermMatcher::new(terms, false)
}

/// A `names.toml` file and its text, for diagnostics.
struct NamesSource<'a> {
    path: &'a Path,
    source: &'a str,
}

impl NamesSource<'_> {
    /// The 1-based line where the quoted table key `key` is defined, 0 when not found.
    fn key_line(&self, key: &str) -> usize {
        self.source
            .lines()
            .position(|l| l.trim_start().starts_with(&format!("\"{key}\"")))
            .map(|i| i + 1)
            .unwrap_or(0)
    }

    /// A problem on the line of the table key `key`.
    fn at_key(&self, key: &str, message: String) -> Diagnostic {
        Diagnostic::at(self.path, self.source, self.key_line(key), 1, message)
    }

    /// Reports country codes of `title_countries` and `party_countries` that are not ISO codes.
    fn check_codes(&self, file: &NamesFile, errors: &mut Vec<Diagnostic>) {
        let coded = file
            .title_countries
            .iter()
            .flat_map(|(t, c)| c.codes().into_iter().map(move |c| ("title_countries", t, c)))
            .chain(
                file.party_countries
                    .iter()
                    .map(|(p, c)| ("party_countries", p, c.clone())),
            );
        for (table, key, code) in coded {
            if code.len() != 2 || !code.chars().all(|c| c.is_ascii_uppercase()) {
                errors.push(
                    self.at_key(key, format!("{table}: `{code}` is not an ISO 3166-1 alpha-2 code"))
                        .with_hint("use two upper-case letters, e.g. US"),
                );
            }
        }
    }

    /// Reports parties of `party_countries` listed twice in different case.
    fn check_parties(&self, file: &NamesFile, errors: &mut Vec<Diagnostic>) {
        let parties: Vec<&String> = file.party_countries.keys().collect();
        for (i, party) in parties.iter().enumerate() {
            if let Some(first) = parties[..i].iter().find(|p| p.to_lowercase() == party.to_lowercase()) {
                errors.push(
                    self.at_key(
                        party,
                        format!("party_countries: `{party}` is `{first}` in another case"),
                    )
                    .with_hint("parties match in any case; keep one of the two keys"),
                );
            }
        }
    }

    /// Reports roles of `title_roles` that the gazetteer does not know.
    fn check_roles(&self, file: &NamesFile, errors: &mut Vec<Diagnostic>) {
        for (title, role) in &file.title_roles {
            if !ROLES.contains(&role.as_str()) {
                errors.push(
                    self.at_key(title, format!("title_roles: unknown role `{role}`"))
                        .with_hint(format!("a role is one of {}", ROLES.join(", "))),
                );
            }
        }
    }

    /// Reports entries of the word list `key` that are empty or more than one word: such an
    /// entry never equals a word of the text.
    fn check_words(&self, key: &str, words: &[toml::Spanned<String>], errors: &mut Vec<Diagnostic>) {
        for word in words {
            let text = word.get_ref();
            if text.is_empty() || text.contains(char::is_whitespace) {
                let at = string_content_start(self.source, word.span().start);
                errors.push(
                    Diagnostic::at_byte(self.path, self.source, at, format!("{key}: `{text}` is not one word"))
                        .with_hint("write each word or sign on its own, as the text writes it, without spaces"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    /// The diagnostics of loading the English `names.toml` with `from` replaced by `to`.
    fn problems_with(from: &str, to: &str) -> Vec<Diagnostic> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join("rules/en/names.toml")).unwrap();
        assert!(text.contains(from), "{from}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("names.toml");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        let mut errors = Vec::new();
        let gazetteer = Arc::new(Gazetteer::default());
        let loaded = LeaderRules::load(&path, Lang::En, gazetteer, Arc::default(), &mut errors);
        assert_eq!(loaded.is_none(), !errors.is_empty());
        errors
    }

    #[test]
    fn word_lists_take_one_word_per_entry() {
        assert!(problems_with("conjunctions = [\"and\"]", "conjunctions = [\"and\"]").is_empty());
        let errors = problems_with("conjunctions = [\"and\"]", "conjunctions = [\"and\", \"as well as\"]");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "conjunctions: `as well as` is not one word");
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/en/names.toml")).unwrap();
        let line = text.lines().position(|l| l.starts_with("conjunctions")).unwrap() + 1;
        assert_eq!((errors[0].line, errors[0].column), (line, 25));
        let errors = problems_with("org_joiners = [\"of\"", "org_joiners = [\"\", \"of\"");
        assert_eq!(errors[0].message, "org_joiners: `` is not one word");
    }

    #[test]
    fn a_word_set_holds_its_words_and_no_others() {
        let words = [
            "of",
            "",
            "der",
            "Über",
            "a-very-long-word-of-more-than-sixty-three-bytes-in-all-of-its-letters",
        ];
        let set: WordSet = words.iter().map(|w| w.to_string()).collect();
        for w in words {
            assert!(set.contains(w), "{w}");
        }
        // "dar" has the length and the first and last bytes of "der".
        for w in [
            "off",
            "o",
            "Der",
            "dar",
            "über",
            "x",
            "a-very-long-word-of-more-than-sixty-three-bytes-in-all-of-its-letterz",
        ] {
            assert!(!set.contains(w), "{w}");
        }
        assert!(!WordSet::default().contains(""));
    }

    #[test]
    fn only_languages_that_capitalise_names_mark_organisations_for_sectors() {
        let rules = crate::rules::test_rules();
        let en = rules.languages[&Lang::En].leaders.name_words();
        assert!(en.heads.contains("Bank") && en.joiners.iter().any(|j| j == "&"));
        assert!(rules.languages[&Lang::De].leaders.name_words().heads.is_empty());
    }
}
