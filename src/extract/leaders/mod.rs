//! Leaders: named office-holders. Two sources of evidence, both from `rules/`:
//! the gazetteer `rules/common/leaders.csv` (canonical names, aliases, transliterations, short
//! names, countries and terms of office), matched through a transliteration-tolerant key, and
//! title patterns from `rules/<lang>/names.toml` that find people the gazetteer does not know
//! ("Kazakhstan First Deputy Foreign Minister Akan Rakhmetullin", "Rashid Meredov, Minister of
//! Foreign Affairs of Turkmenistan").

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use super::countries::CountryMention;
use crate::rules::diag::Diagnostic;
use crate::rules::source::{read_toml, Table};
use crate::rules::terms::{Ending, Term, TermMatcher};
use crate::text::Span;

mod known;
mod people;
mod scan;
mod titles;

/// A row of `rules/common/leaders.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct LeaderRow {
    /// Canonical English name.
    pub name: String,
    /// ISO 3166-1 alpha-2 code of the state served, empty for international bodies.
    pub country: String,
    /// English title of the office.
    pub office: String,
    /// `head_of_state`, `head_of_government`, `foreign_minister`, `org_head` or `other`.
    pub role: String,
    /// Start of the term (YYYY, YYYY-MM or YYYY-MM-DD).
    pub valid_from: String,
    /// End of the term, empty while in office.
    pub valid_to: String,
    /// Other spellings of the full name, `|`-separated.
    pub aliases: String,
    /// Surname-only forms, `|`-separated.
    pub short_names: String,
    /// Free notes.
    pub note: String,
}

/// Allowed roles.
pub const ROLES: [&str; 5] = [
    "head_of_state",
    "head_of_government",
    "foreign_minister",
    "org_head",
    "other",
];

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
    /// Lower-case name particles ("von", "der", "bin").
    pub particles: Vec<String>,
    /// Lower-case articles that may stand between a name, its comma and a title ("the").
    #[serde(default)]
    pub articles: Vec<String>,
    /// Capitalised words that are never part of a person's name.
    pub not_name: Vec<String>,
    /// Words that make a capitalised name an organisation ("Bank", "Holding").
    pub org_heads: Vec<String>,
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

/// `rules/common/name_origins.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameOriginsFile {
    /// The origins.
    #[serde(rename = "origin", default)]
    pub origins: Vec<NameOriginSpec>,
}

/// One name origin as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameOriginSpec {
    /// Stable id.
    pub id: String,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// `first` or `last`: where the family name stands.
    pub family_name_position: String,
    /// Regular expression the given name must match.
    pub given_name: toml::Spanned<String>,
    /// Family names that count.
    pub family_names: Vec<String>,
}

/// Compiled name origins: a fallback country for people the story gives no country for.
#[derive(Debug, Default)]
pub struct NameOrigins {
    origins: Vec<(String, bool, regex::Regex, Vec<String>)>,
}

impl NameOrigins {
    /// Loads and checks `rules/common/name_origins.toml`.
    pub fn load(path: &Path, errors: &mut Vec<Diagnostic>) -> NameOrigins {
        let Some((source, file)) = read_toml::<NameOriginsFile>(path, errors) else {
            return NameOrigins::default();
        };
        let mut origins = Vec::new();
        for o in file.origins {
            let at = crate::rules::pattern::string_content_start(&source, o.given_name.span().start);
            let first = match o.family_name_position.as_str() {
                "first" => true,
                "last" => false,
                other => {
                    errors.push(
                        Diagnostic::at_byte(
                            path,
                            &source,
                            at,
                            format!("`{}`: family_name_position `{other}` is not `first` or `last`", o.id),
                        )
                        .with_hint("write family_name_position = \"first\" or \"last\""),
                    );
                    continue;
                }
            };
            if o.country.len() != 2 || !o.country.chars().all(|c| c.is_ascii_uppercase()) {
                errors.push(
                    Diagnostic::at_byte(
                        path,
                        &source,
                        at,
                        format!("`{}`: `{}` is not an ISO 3166-1 alpha-2 code", o.id, o.country),
                    )
                    .with_hint("use two upper-case letters, e.g. KR"),
                );
                continue;
            }
            match regex::Regex::new(o.given_name.get_ref()) {
                Ok(re) => origins.push((o.country, first, re, o.family_names)),
                Err(e) => errors.push(
                    Diagnostic::at_byte(
                        path,
                        &source,
                        at,
                        format!(
                            "invalid regex in `{}`: {}",
                            o.id,
                            e.to_string().lines().last().unwrap_or("")
                        ),
                    )
                    .with_hint("fix the pattern; see the regex crate's syntax"),
                ),
            }
        }
        NameOrigins { origins }
    }

    /// The country a two-part name points to, if one origin's shape matches it.
    pub fn country_of(&self, name: &str) -> Option<String> {
        let parts: Vec<&str> = name.split_whitespace().collect();
        let [a, b] = parts.as_slice() else { return None };
        self.origins.iter().find_map(|(country, first, given, families)| {
            let (family, given_name) = if *first { (a, b) } else { (b, a) };
            (families.iter().any(|f| f == family) && given.is_match(given_name)).then(|| country.clone())
        })
    }
}

/// A person of the gazetteer.
#[derive(Debug, Clone)]
pub struct Person {
    /// Canonical name.
    pub name: String,
    /// Country of the person's first listed office.
    pub country: Option<String>,
}

/// Compiled leader rules for one language (the gazetteer is shared by reference count).
#[derive(Debug)]
pub struct LeaderRules {
    gazetteer: std::sync::Arc<Gazetteer>,
    titles: TermMatcher,
    modifiers: HashSet<String>,
    joiners: Vec<String>,
    particles: Vec<String>,
    articles: Vec<String>,
    not_name: HashSet<String>,
    /// Organisation words, also used by the sector extractor.
    pub org_heads: HashSet<String>,
    /// Title and index words that, with `org_heads`, mark names for the sector extractor.
    pub name_heads: Vec<String>,
    /// Whether capitalisation marks names in this language.
    pub capitalised_names: bool,
    title_countries: BTreeMap<String, Vec<String>>,
    party_countries: BTreeMap<String, String>,
    respelling: Respelling,
    title_roles: BTreeMap<String, String>,
    origins: std::sync::Arc<NameOrigins>,
}

/// One term of office from the gazetteer.
#[derive(Debug, Clone)]
pub struct OfficeTerm {
    /// Index of the person.
    pub person: usize,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// Role (`head_of_state`, ...).
    pub role: String,
    /// First day in office.
    pub from: Option<NaiveDate>,
    /// Last day in office, `None` while in office.
    pub to: Option<NaiveDate>,
}

/// The gazetteer: people, the keys of their names and their terms of office.
#[derive(Debug, Default)]
pub struct Gazetteer {
    people: Vec<Person>,
    full: HashMap<String, usize>,
    short: HashMap<String, usize>,
    terms: Vec<OfficeTerm>,
}

impl Gazetteer {
    /// Builds the gazetteer from its rows, reporting conflicting aliases and bad fields.
    pub fn build(table: &Table<LeaderRow>, errors: &mut Vec<Diagnostic>) -> Gazetteer {
        let Table { path, source, rows } = table;
        let mut g = Gazetteer::default();
        let mut owner: HashMap<String, (String, usize)> = HashMap::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for row in rows {
            let r = &row.value;
            let at =
                |msg: String, hint: &str| Diagnostic::at(path, source, row.line, 1, msg).with_hint(hint.to_owned());
            if r.name.trim().is_empty() {
                errors.push(at("empty name".into(), "every row needs the canonical name"));
                continue;
            }
            if !ROLES.contains(&r.role.as_str()) {
                errors.push(at(
                    format!("unknown role `{}`", r.role),
                    "role is one of head_of_state, head_of_government, foreign_minister, org_head, other",
                ));
            }
            if !r.country.is_empty() && (r.country.len() != 2 || !r.country.chars().all(|c| c.is_ascii_uppercase())) {
                errors.push(at(
                    format!("`{}` is not an ISO 3166-1 alpha-2 code", r.country),
                    "use two upper-case letters or leave it empty",
                ));
            }
            for d in [&r.valid_from, &r.valid_to] {
                if !d.is_empty() && !valid_partial_date(d) {
                    errors.push(at(format!("`{d}` is not a date"), "write YYYY, YYYY-MM or YYYY-MM-DD"));
                }
            }
            let id = *by_name.entry(r.name.clone()).or_insert_with(|| {
                g.people.push(Person {
                    name: r.name.clone(),
                    country: (!r.country.is_empty()).then(|| r.country.clone()),
                });
                g.people.len() - 1
            });
            if !r.country.is_empty() {
                g.terms.push(OfficeTerm {
                    person: id,
                    country: r.country.clone(),
                    role: r.role.clone(),
                    from: partial_date(&r.valid_from, false),
                    to: partial_date(&r.valid_to, true),
                });
            }
            let mut register = |form: &str, short: bool, errors: &mut Vec<Diagnostic>| {
                let key = if short { short_key(form) } else { name_key(form) };
                if key.is_empty() {
                    return;
                }
                if let Some((other, line)) = owner.get(&key) {
                    if *other != r.name {
                        errors.push(
                            Diagnostic::at(
                                path,
                                source,
                                row.line,
                                1,
                                format!("`{form}` names both {other} (line {line}) and {}", r.name),
                            )
                            .with_hint(
                                "an alias or short name may belong to one person only; remove it from one of them",
                            ),
                        );
                    }
                    return;
                }
                owner.insert(key.clone(), (r.name.clone(), row.line));
                if short {
                    g.short.insert(key, id);
                } else {
                    g.full.insert(key, id);
                }
            };
            register(&r.name, false, errors);
            for a in r.aliases.split('|').map(str::trim).filter(|a| !a.is_empty()) {
                register(a, false, errors);
            }
            for s in r.short_names.split('|').map(str::trim).filter(|s| !s.is_empty()) {
                register(s, true, errors);
            }
        }
        g
    }

    /// Number of people.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    /// True when the gazetteer is empty.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// The canonical name of person `id`.
    pub fn name(&self, id: usize) -> &str {
        &self.people[id].name
    }

    /// The holder of `role` in `country`: on `date` when given, otherwise only when the
    /// gazetteer knows a single holder of that office.
    pub fn holder(&self, country: &str, role: &str, date: Option<NaiveDate>) -> Option<usize> {
        let mut holders: Vec<usize> = self
            .terms
            .iter()
            .filter(|t| t.country == country && t.role == role)
            .filter(|t| match date {
                Some(d) => t.from.is_none_or(|f| f <= d) && t.to.is_none_or(|e| d <= e),
                None => true,
            })
            .map(|t| t.person)
            .collect();
        holders.sort();
        holders.dedup();
        match holders.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// The person whose full name or alias has this key.
    fn full(&self, key: &str) -> Option<usize> {
        self.full.get(key).copied()
    }

    /// The person a single word names: a short name (compared through [`short_key`]) or a
    /// one-word full name.
    fn short(&self, word: &str) -> Option<usize> {
        self.short
            .get(&short_key(word))
            .or_else(|| self.full.get(&name_key(word)))
            .copied()
    }
}

/// A partial date (YYYY, YYYY-MM, YYYY-MM-DD) as its first day, or its last day when `end`.
fn partial_date(d: &str, end: bool) -> Option<NaiveDate> {
    let parts: Vec<u32> = d.split('-').map(|p| p.parse().ok()).collect::<Option<Vec<_>>>()?;
    let year = *parts.first()? as i32;
    let month = parts.get(1).copied().unwrap_or(if end { 12 } else { 1 });
    let day = parts.get(2).copied().unwrap_or(if end {
        crate::extract::dates::days_in_month(year, month)
    } else {
        1
    });
    NaiveDate::from_ymd_opt(year, month, day)
}

fn valid_partial_date(d: &str) -> bool {
    let parts: Vec<&str> = d.split('-').collect();
    let ok_num = |s: &str, len: usize| s.len() == len && s.chars().all(|c| c.is_ascii_digit());
    match parts.as_slice() {
        [y] => ok_num(y, 4),
        [y, m] => ok_num(y, 4) && ok_num(m, 2),
        [y, m, day] => ok_num(y, 4) && ok_num(m, 2) && ok_num(day, 2),
        _ => false,
    }
}

/// A transliteration-tolerant key for a person's name: diacritics folded, lower case, hyphens
/// as spaces, and the spellings that German and English transliterations of Cyrillic, Korean
/// and Turkic names disagree on collapsed (sch/sh/zh/dsch/j/y, w/v, z/s, kh/ch, doubled letters,
/// oo/ou/u, eo/o). "Kassym-Schomart Tokajew" and "Kassym-Jomart Tokayev" share a key.
pub fn name_key(name: &str) -> String {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) && !name.contains(' ') {
        return format!("#{}", name.to_lowercase());
    }
    let folded = fold_lowercase(name);
    let mut s: String = folded
        .chars()
        .map(|c| {
            if c == '-' || c == '\'' || c == '’' || c == '.' {
                ' '
            } else {
                c
            }
        })
        .filter(|c| c.is_alphanumeric() || *c == ' ')
        .collect();
    for (from, to) in [
        ("dsch", "1"),
        ("tsch", "1"),
        ("dzh", "1"),
        ("sch", "1"),
        ("zh", "1"),
        ("sh", "1"),
        ("ch", "1"),
        ("kh", "1"),
        ("j", "1"),
        ("y", "1"),
        ("w", "v"),
        ("z", "s"),
        ("eo", "o"),
        ("oo", "u"),
        ("ou", "u"),
        ("ı", "i"),
    ] {
        s = s.replace(from, to);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if out.ends_with(c) && c != ' ' {
            continue;
        }
        out.push(c);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` with diacritics folded (decomposed, combining marks dropped) and lower-cased; ASCII
/// text, which has nothing to fold, is only lower-cased.
fn fold_lowercase(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// The key of a surname-only form: lighter than [`name_key`], because a single word meets
/// many more ordinary words ("Route" must not become "Rutte"): diacritics folded, lower case,
/// and only the German spellings of consonants mapped (dsch/tsch/sch, j, w: "Tokajew" =
/// "Tokayev"). Words in capitals stay as they are.
pub fn short_key(word: &str) -> String {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) {
        return format!("#{}", word.to_lowercase());
    }
    let mut s: String = fold_lowercase(word).replace('ı', "i");
    for (from, to) in [("dsch", "j"), ("tsch", "ch"), ("sch", "sh"), ("j", "y"), ("w", "v")] {
        s = s.replace(from, to);
    }
    s
}

impl LeaderRules {
    /// Loads `rules/<lang>/names.toml` and joins it with the shared gazetteer.
    pub fn load(
        path: &Path,
        gazetteer: std::sync::Arc<Gazetteer>,
        origins: std::sync::Arc<NameOrigins>,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<LeaderRules> {
        let (source, file) = read_toml::<NamesFile>(path, errors)?;
        let key_line = |key: &str| {
            source
                .lines()
                .position(|l| l.trim_start().starts_with(&format!("\"{key}\"")))
                .map(|i| i + 1)
                .unwrap_or(0)
        };
        let before = errors.len();
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
                    Diagnostic::at(
                        path,
                        &source,
                        key_line(key),
                        1,
                        format!("{table}: `{code}` is not an ISO 3166-1 alpha-2 code"),
                    )
                    .with_hint("use two upper-case letters, e.g. US"),
                );
            }
        }
        let parties: Vec<&String> = file.party_countries.keys().collect();
        for (i, party) in parties.iter().enumerate() {
            if let Some(first) = parties[..i].iter().find(|p| p.to_lowercase() == party.to_lowercase()) {
                errors.push(
                    Diagnostic::at(
                        path,
                        &source,
                        key_line(party),
                        1,
                        format!("party_countries: `{party}` is `{first}` in another case"),
                    )
                    .with_hint("parties match in any case; keep one of the two keys"),
                );
            }
        }
        for (title, role) in &file.title_roles {
            if !ROLES.contains(&role.as_str()) {
                errors.push(
                    Diagnostic::at(
                        path,
                        &source,
                        key_line(title),
                        1,
                        format!("title_roles: unknown role `{role}`"),
                    )
                    .with_hint(format!("a role is one of {}", ROLES.join(", "))),
                );
            }
        }
        if errors.len() > before {
            return None;
        }
        let titles = TermMatcher::new(
            file.titles
                .iter()
                .map(|t| Term {
                    text: t.trim_start_matches('*').to_owned(),
                    open_start: t.starts_with('*'),
                    ending: Ending::Closed,
                })
                .collect(),
            false,
        )
        .map_err(|e| errors.push(Diagnostic::file(path, e)))
        .ok()?;
        let title_countries = file
            .title_countries
            .iter()
            .map(|(t, c)| (t.clone(), c.codes()))
            .collect();
        Some(LeaderRules {
            gazetteer,
            titles,
            modifiers: file.modifiers.into_iter().collect(),
            joiners: file.joiners,
            particles: file.particles,
            articles: file.articles,
            not_name: file.not_name.into_iter().collect(),
            org_heads: file.org_heads.into_iter().collect(),
            name_heads: file.name_heads,
            capitalised_names: file.capitalised_names,
            title_countries,
            party_countries: file
                .party_countries
                .into_iter()
                .map(|(party, code)| (party.to_lowercase(), code))
                .collect(),
            respelling: file.respelling.unwrap_or_default(),
            title_roles: file.title_roles,
            origins,
        })
    }

    /// The shared gazetteer.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// Number of title phrases.
    pub fn title_count(&self) -> usize {
        self.titles.terms().len()
    }
}

/// A leader found in a story, with all of their mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaderMention {
    /// Canonical name.
    pub name: String,
    /// Span of the first mention in the story text.
    pub span: Span,
    /// Title as written, if a title was found next to a mention.
    pub title: Option<String>,
    /// ISO 3166-1 alpha-2 code of the state served.
    pub country: Option<String>,
    /// Number of mentions, surname-only ones included.
    pub mentions: usize,
    /// Spans of every mention, in text order.
    pub spans: Vec<Span>,
    /// Rule id.
    pub rule: String,
}

/// An office named without a person ("the Korean president"), resolved later by date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeMention {
    /// Span of the title in the story text.
    pub span: Span,
    /// The title as written.
    pub title: String,
    /// ISO 3166-1 alpha-2 code of the state.
    pub country: String,
    /// The gazetteer role of the title.
    pub role: String,
}

/// What the leader extractor finds in a story.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Leaders {
    /// Named people.
    pub people: Vec<LeaderMention>,
    /// Offices named without a person.
    pub offices: Vec<OfficeMention>,
}

/// A mention of a person found by one of the stages.
struct Found {
    /// Canonical name.
    name: String,
    /// The tokens of the mention, first and one past the last.
    toks: (usize, usize),
    /// Characters of the mention.
    span: Span,
    /// The title it was found with.
    title: Option<String>,
    /// ISO 3166-1 alpha-2 code of the state served.
    country: Option<String>,
    /// Rule id.
    rule: String,
}

/// The leaders found so far, by the tokens they cover, so that a new mention finds the one
/// it lies in or that lies in it without a scan of all of them.
struct FoundIndex {
    at_token: HashMap<usize, Vec<usize>>,
}

impl FoundIndex {
    fn new(found: &[Found]) -> FoundIndex {
        let mut index = FoundIndex {
            at_token: HashMap::new(),
        };
        for (i, f) in found.iter().enumerate() {
            index.add(i, f.toks);
        }
        index
    }

    fn add(&mut self, i: usize, (a, b): (usize, usize)) {
        for k in a..b {
            self.at_token.entry(k).or_default().push(i);
        }
    }

    /// The first found leader (in `found` order) whose tokens lie within `a..b` or contain it.
    fn nested(&self, found: &[Found], (a, b): (usize, usize)) -> Option<usize> {
        (a..b)
            .filter_map(|k| self.at_token.get(&k))
            .flatten()
            .copied()
            .filter(|&i| {
                let (fa, fb) = found[i].toks;
                (a <= fa && fb <= b) || (fa <= a && b <= fb)
            })
            .min()
    }
}

/// Finds the leaders of a story. `countries` are the story's country mentions, used to tell
/// countries from names and to read a title's country. The stages: tokens and name runs
/// (`scan`), gazetteer people (`known`), people next to titles with their countries
/// (`titles`), and mentions grouped by person (`people`).
pub fn extract(text: &str, rules: &LeaderRules, countries: &[CountryMention], lang: &str) -> Leaders {
    let title_hits = rules.titles.find(text);
    let scan = scan::Scan::new(text, rules, countries, &title_hits);
    let found = known::gazetteer_people(&scan);
    let (found, offices) = titles::title_people(&scan, &title_hits, found, lang);
    Leaders {
        people: people::group(&scan, found),
        offices,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_diacritics_and_lowercases_with_or_without_the_ascii_shortcut() {
        for (text, folded) in [
            ("Tokayev", "tokayev"),
            ("MBS", "mbs"),
            ("Erdoğan", "erdogan"),
            ("ÅSTRÖM", "astrom"),
            ("Mirziyoyev’s", "mirziyoyev’s"),
        ] {
            assert_eq!(fold_lowercase(text), folded, "{text}");
        }
    }

    #[test]
    fn transliterations_share_a_key() {
        assert_eq!(name_key("Kassym-Schomart Tokajew"), name_key("Kassym-Jomart Tokayev"));
        assert_eq!(name_key("Schawkat Mirsijojew"), name_key("Shavkat Mirziyoyev"));
        assert_eq!(name_key("Recep Tayyip Erdoğan"), name_key("Recep Tayyip Erdogan"));
        assert_eq!(name_key("Yoon"), name_key("Yun"));
        assert_ne!(name_key("Putin"), name_key("Merkel"));
    }

    /// (language, text, expected (name, country) in order of first mention).
    type Case = (
        &'static str,
        &'static str,
        &'static [(&'static str, Option<&'static str>)],
    );

    const CASES: &[Case] = &[
        ("en", "Saudi Crown Prince MBS met the delegation.", &[("Mohammed bin Salman", Some("SA"))]),
        ("en", "Dilshod Akhatov, the Ambassador of Uzbekistan to Germany, met the Minister of Economy of Bavaria Hubert Aiwanger.", &[("Dilshod Akhatov", Some("UZ")), ("Hubert Aiwanger", None)]),
        ("de", "Auch der stellvertretende Investitionsminister Laziz Kudratov nahm teil.", &[("Laziz Kudratov", None)]),
        ("en", "According to Professor Oh Eun-kyung, trade grew.", &[("Oh Eun-kyung", Some("KR"))]),
        ("en", "Professor Maria Lopez of the institute said so.", &[("Maria Lopez", None)]),
        ("en", "The President of Uzbekistan, Shavkat Mirziyoyev, met the President of Slovakia, Peter Pellegrini.", &[("Shavkat Mirziyoyev", Some("UZ")), ("Peter Pellegrini", Some("SK"))]),
        ("en", "Kazakhstan First Deputy Foreign Minister Akan Rakhmetullin spoke. Rakhmetullin added more.", &[("Akan Rakhmetullin", Some("KZ"))]),
        ("en", "Delegations led by Ana Petrova, Minister of Foreign Affairs of Bulgaria, and others met.", &[("Ana Petrova", Some("BG"))]),
        ("en", "the former Ambassador of the Republic of Korea to Kazakhstan Baek Ju-hyeon said", &[("Baek Ju-hyeon", Some("KR"))]),
        ("en", "The visit of the President of South Korea, Yun Sok Yel, began.", &[("Yoon Suk Yeol", Some("KR"))]),
        ("en", "President Tokayev declared reforms.", &[("Kassym-Jomart Tokayev", Some("KZ"))]),
        ("en", "The President of Uzbekistan noted the contribution of Cengiz Holding.", &[]),
        ("en", "The Korean side and the press service of the President welcomed it.", &[]),
        ("de", "Treffen zwischen dem Präsidenten der Republik Usbekistan Shavkat Mirziyoyev und dem Präsidenten der Republik Kasachstan Kassym-Schomart Tokajew.", &[("Shavkat Mirziyoyev", Some("UZ")), ("Kassym-Jomart Tokayev", Some("KZ"))]),
        ("de", "Tokajew dankte Schawkat Mirsijojew für den Besuch.", &[("Kassym-Jomart Tokayev", Some("KZ")), ("Shavkat Mirziyoyev", Some("UZ"))]),
        ("de", "Die Präsidenten gaben Anweisungen an die Delegationen.", &[]),
        // Regression: a title inside a hyphenated token once panicked (slice 15..14).
        ("de", "EU-Abgeordnete zu Wochenrückblick.", &[]),
        ("de", "Die EU-Kommissarin Ursula Meier und EU-Abgeordnete Anna Berg kamen.", &[("Ursula Meier", None), ("Anna Berg", None)]),
        // Names that wrap over a line break, particles, patronymic chains.
        ("en", "talks with South Korean President Lee\nMyung-bak in Tashkent", &[("Lee Myung-bak", Some("KR"))]),
        ("en", "Commission President Ursula von der Leyen said so.", &[("Ursula von der Leyen", None)]),
        ("de", "Im Sudan ringen De-facto-Staatschef Abdel Fattah al-Burhan und sein Rivale.", &[("Abdel Fattah al-Burhan", Some("SD"))]),
        ("en", "HH Sheikh Hamdan bin Mohammed bin Rashid Al Maktoum, Crown Prince of Dubai, said.", &[("Hamdan bin Mohammed bin Rashid Al Maktoum", None)]),
        ("en", "Paragraph one ends here\n\nMarkus Weber said it.", &[]),
        // A surname alone after a written-out title; not after an abbreviation.
        ("de", "In Begleitung von Nationalrätin Bulliard-Marbach sprach er.", &[("Bulliard-Marbach", Some("CH"))]),
        ("en", "Published: 1:51 PM Last updated: 2:24 PM", &[]),
        // The name before a title whose of-phrase ends in one capitalised word.
        ("en", "Md Shahriar Kader Siddiky, secretary of Bangladesh's Economic Relations Division, signed.", &[("Md Shahriar Kader Siddiky", Some("BD"))]),
        ("en", "Aramco chief executive Amin Nasser responded.", &[("Amin Nasser", None)]),
        // Countries from the text: a party, an organisation, a list, a chain of titles.
        ("de", "Österreich und die VAE: Wirtschaftsministerin Margarete Schramböck (ÖVP) sprach.", &[("Margarete Schramböck", Some("AT"))]),
        ("de", "In Wien sprach Bundeskanzler Karl Nehammer über Österreich.", &[("Karl Nehammer", Some("AT"))]),
        ("en", "He met Swiss National Bank Chairman Martin Schlegel in Basel.", &[("Martin Schlegel", Some("CH"))]),
        ("de", "Sie traf Staatspräsident Alar Karis, Premierministerin Kaja Kallas und Verteidigungsminister Hanno Pevkur.", &[("Alar Karis", Some("EE")), ("Kaja Kallas", Some("EE")), ("Hanno Pevkur", Some("EE"))]),
        ("en", "Visiting Russian Minister of Trade and Deputy PM, Denis Manturov said so.", &[("Denis Manturov", Some("RU"))]),
        ("en", "Kazakhstan First Deputy Foreign Minister Akan Rakhmetullin and Assistant Secretary Donald Lu met.", &[("Akan Rakhmetullin", Some("KZ")), ("Donald Lu", Some("US"))]),
        // German transliterations of Russian names are respelled; German names are not.
        ("de", "Der Präsident der Bahn, Wladimir Jakunin, und Minister Walter Koren sprachen.", &[("Vladimir Yakunin", None), ("Walter Koren", None)]),
    ];

    #[test]
    fn table_of_english_and_german_leaders() {
        let rules = crate::rules::test_rules();
        for (lang, text, want) in CASES {
            let lr = &rules.languages[*lang];
            let countries = lr.countries.extract(text);
            let got: Vec<(String, Option<String>)> = extract(text, &lr.leaders, &countries, lang)
                .people
                .into_iter()
                .map(|l| (l.name, l.country))
                .collect();
            let want: Vec<(String, Option<String>)> = want
                .iter()
                .map(|(n, c)| (n.to_string(), c.map(str::to_owned)))
                .collect();
            assert_eq!(got, want, "{lang}: {text}");
        }
    }

    #[test]
    fn surname_mentions_are_counted() {
        let rules = crate::rules::test_rules();
        let text = "President Kassym-Jomart Tokayev arrived. Tokayev then met the press; Tokayev left.";
        let lr = &rules.languages["en"];
        let leaders = extract(text, &lr.leaders, &lr.countries.extract(text), "en").people;
        assert_eq!(leaders.len(), 1);
        assert_eq!(leaders[0].mentions, 3);
        assert_eq!(leaders[0].title.as_deref(), Some("President"));

        let text = "Der Präsident der Bahn, Wladimir Jakunin, kam. Jakunin sagte dann mehr.";
        let lr = &rules.languages["de"];
        let leaders = extract(text, &lr.leaders, &lr.countries.extract(text), "de").people;
        assert_eq!((leaders[0].name.as_str(), leaders[0].mentions), ("Vladimir Yakunin", 2));
    }
}
