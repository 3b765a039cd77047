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
    modifiers: Vec<String>,
    joiners: Vec<String>,
    particles: Vec<String>,
    articles: Vec<String>,
    not_name: Vec<String>,
    /// Organisation words, also used by the sector extractor.
    pub org_heads: Vec<String>,
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
    let folded: String = name
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase();
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

/// The key of a surname-only form: lighter than [`name_key`], because a single word meets
/// many more ordinary words ("Route" must not become "Rutte"): diacritics folded, lower case,
/// and only the German spellings of consonants mapped (dsch/tsch/sch, j, w: "Tokajew" =
/// "Tokayev"). Words in capitals stay as they are.
pub fn short_key(word: &str) -> String {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) {
        return format!("#{}", word.to_lowercase());
    }
    let mut s: String = word
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
        .replace('ı', "i");
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
            modifiers: file.modifiers,
            joiners: file.joiners,
            particles: file.particles,
            articles: file.articles,
            not_name: file.not_name,
            org_heads: file.org_heads,
            capitalised_names: file.capitalised_names,
            title_countries,
            party_countries: file.party_countries,
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

#[derive(Debug, Clone)]
struct Tok {
    span: Span,
    text: String,
    /// Separated from the previous token by spaces or a single line break (a name may wrap:
    /// "President Lee\nMyung-bak"), not by a blank line.
    joined: bool,
}

fn tokenize(chars: &[char]) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    let mut i = 0;
    let mut broken = true;
    let mut newlines = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            newlines += 1;
            broken = broken || newlines >= 2;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || ((chars[i] == '-' || chars[i] == '\'' || chars[i] == '’')
                        && chars.get(i + 1).is_some_and(|n| n.is_alphabetic())))
            {
                i += 1;
            }
            let mut text: String = chars[start..i].iter().collect();
            let mut end = i;
            for suffix in ["'s", "’s"] {
                if text.ends_with(suffix) && text.chars().count() > 3 {
                    text.truncate(text.len() - suffix.len());
                    end -= 2;
                }
            }
            out.push(Tok {
                span: Span::new(start, end),
                text,
                joined: !broken,
            });
            broken = false;
            newlines = 0;
        } else {
            out.push(Tok {
                span: Span::new(i, i + 1),
                text: c.to_string(),
                joined: !broken,
            });
            broken = false;
            newlines = 0;
            i += 1;
        }
    }
    out
}

struct Found {
    name: String,
    /// The tokens of the mention, first and one past the last.
    toks: (usize, usize),
    span: Span,
    title: Option<String>,
    country: Option<String>,
    rule: String,
}

/// An of-phrase after a title ("Deputy Director of the Institute for Strategic and Regional
/// Studies under the President of the Republic of Uzbekistan Sanjar Valiyev") is read over at
/// most this many tokens, so a page of capitalised words costs linear time.
const MAX_OF_PHRASE: usize = 32;

/// The tokens that one of `spans` overlaps, each with the index of the first such span (in
/// their order). Tokens are disjoint and in text order, so each span finds its tokens by
/// binary search; the map holds only the tokens covered.
fn first_overlapping(toks: &[Tok], spans: impl Iterator<Item = Span>) -> HashMap<usize, usize> {
    let mut out = HashMap::new();
    for (i, span) in spans.enumerate() {
        let from = toks.partition_point(|t| t.span.end <= span.start);
        for (k, t) in toks.iter().enumerate().skip(from) {
            if t.span.start >= span.end {
                break;
            }
            if t.span.overlaps(&span) {
                out.entry(k).or_insert(i);
            }
        }
    }
    out
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

/// The country of an organisation named right before a title ("Swiss National Bank Chairman"):
/// a country word among the capitalised words before token `lo`, with an organisation word
/// ("Bank") among them.
fn org_country(
    toks: &[Tok],
    lo: usize,
    rules: &LeaderRules,
    country_at: &dyn Fn(usize) -> Option<String>,
) -> Option<String> {
    const MAX_ORG_WORDS: usize = 5;
    let mut org = false;
    let mut k = lo;
    while k > 0 && lo - k < MAX_ORG_WORDS && toks[k].joined {
        k -= 1;
        let capitalised = toks[k].text.chars().next().is_some_and(char::is_uppercase);
        if let Some(code) = country_at(k) {
            return org.then_some(code);
        }
        if !capitalised {
            return None;
        }
        org |= rules.org_heads.contains(&toks[k].text);
    }
    None
}

/// The country of a party written in brackets right after a name ending before token `b`
/// ("Sebastian Kurz (ÖVP)", "Anja Karliczek (CDU, ...)").
fn party_country(toks: &[Tok], b: usize, rules: &LeaderRules) -> Option<String> {
    let open = toks.get(b).filter(|t| t.text == "(")?;
    let party = toks.get(b + 1).filter(|_| open.text == "(")?;
    let close = toks.get(b + 2)?;
    if close.text != ")" && close.text != "," {
        return None;
    }
    rules.party_countries.get(&party.text).cloned()
}

/// The country a title implies (`title_countries`): of its codes, the first the story names,
/// else the first.
fn title_country(rules: &LeaderRules, title: &str, story_codes: &HashSet<&str>) -> Option<String> {
    let (_, codes) = rules.title_countries.iter().find(|(t, _)| title.contains(t.as_str()))?;
    codes
        .iter()
        .find(|c| story_codes.contains(c.as_str()))
        .or(codes.first())
        .cloned()
}

/// Finds the leaders of a story. `countries` are the story's country mentions, used to tell
/// countries from names and to read a title's country.
pub fn extract(text: &str, rules: &LeaderRules, countries: &[CountryMention], lang: &str) -> Leaders {
    let chars: Vec<char> = text.chars().collect();
    let toks = tokenize(&chars);
    let title_hits = rules.titles.find(text);
    let tok_country = first_overlapping(&toks, countries.iter().map(|c| c.span));
    let country_at = |k: usize| tok_country.get(&k).map(|&c| countries[c].code.clone());
    let tok_title = first_overlapping(&toks, title_hits.iter().map(|h| h.span));
    let in_title = |k: usize| tok_title.contains_key(&k);
    let nameish: Vec<bool> = toks
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let first = t.text.chars().next().unwrap_or(' ');
            let upper_count = t.text.chars().filter(|c| c.is_uppercase()).count();
            let acronym = upper_count >= 2 && upper_count * 2 >= t.text.chars().filter(|c| c.is_alphabetic()).count();
            // "al-Burhan", "el-Sisi": a particle joined to a capitalised name.
            let particle_name = t.text.split_once('-').is_some_and(|(p, rest)| {
                rules.particles.iter().any(|x| x == p) && rest.chars().next().is_some_and(char::is_uppercase)
            });
            (first.is_uppercase() || particle_name)
                && !acronym
                && !rules.not_name.contains(&t.text)
                && !rules.org_heads.contains(&t.text)
                && !rules.modifiers.contains(&t.text)
                && !in_title(k)
                && country_at(k).is_none()
        })
        .collect();
    let particle = |i: usize| rules.particles.iter().any(|p| *p == toks[i].text);

    // Runs of name-like tokens: (first token, one past the last token).
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if nameish[i] {
            let start = i;
            let mut end = i + 1;
            loop {
                if end < toks.len() && toks[end].joined && nameish[end] {
                    end += 1;
                    continue;
                }
                // Particles go on to a name word: "Ursula von der Leyen".
                let mut p = end;
                while p < toks.len() && toks[p].joined && particle(p) {
                    p += 1;
                }
                if p > end && p < toks.len() && toks[p].joined && nameish[p] {
                    end = p + 1;
                    continue;
                }
                break;
            }
            runs.push((start, end));
            i = end;
        } else {
            i += 1;
        }
    }

    let run_from: HashMap<usize, (usize, usize)> = runs.iter().map(|&(a, b)| (a, (a, b))).collect();
    let run_until: HashMap<usize, (usize, usize)> = runs.iter().map(|&(a, b)| (b, (a, b))).collect();
    let run_text = |a: usize, b: usize| toks[a..b].iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
    let run_span = |a: usize, b: usize| Span::new(toks[a].span.start, toks[b - 1].span.end);
    let mut found: Vec<Found> = Vec::new();
    let mut offices: Vec<OfficeMention> = Vec::new();

    // 1. Gazetteer: short names written in capitals ("MBS"), which are not name-like tokens.
    for (k, t) in toks.iter().enumerate() {
        let letters: Vec<char> = t.text.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) {
            if let Some(p) = rules.gazetteer.short(&t.text) {
                found.push(Found {
                    name: rules.gazetteer.people[p].name.clone(),
                    toks: (k, k + 1),
                    span: t.span,
                    title: None,
                    country: rules.gazetteer.people[p].country.clone(),
                    rule: "leader.gazetteer".into(),
                });
            }
        }
    }
    // Then the longest sub-run of each run whose key names a person.
    for &(a, b) in &runs {
        let mut k = a;
        while k < b {
            // After a particle inside a run the name goes on ("Hamdan bin Mohammed bin Rashid
            // Al Maktoum" is not Mohammed bin Rashid Al Maktoum).
            if k > a && particle(k - 1) {
                k += 1;
                continue;
            }
            let mut hit = None;
            for e in (k + 1..=(k + 5).min(b)).rev() {
                let person = if e - k >= 2 {
                    rules.gazetteer.full(&name_key(&run_text(k, e)))
                } else {
                    rules.gazetteer.short(&toks[k].text)
                };
                if let Some(p) = person {
                    hit = Some((e, p));
                    break;
                }
            }
            match hit {
                Some((e, p)) => {
                    found.push(Found {
                        name: rules.gazetteer.people[p].name.clone(),
                        toks: (k, e),
                        span: run_span(k, e),
                        title: None,
                        country: rules.gazetteer.people[p].country.clone(),
                        rule: "leader.gazetteer".into(),
                    });
                    k = e;
                }
                None => k += 1,
            }
        }
    }

    // 2. Title patterns.
    // A title hit may start or end inside a token ("Abgeordnete" in "EU-Abgeordnete"): the
    // title then covers every token it touches, so token and character positions agree.
    let mut found_at = FoundIndex::new(&found);
    let story_codes: HashSet<&str> = countries.iter().map(|c| c.code.as_str()).collect();
    // The person that ends at a token, for lists of titled people ("Staatspräsident Alar Karis,
    // Premierministerin Kaja Kallas und Verteidigungsminister Hanno Pevkur").
    let mut found_until: HashMap<usize, usize> = found.iter().enumerate().map(|(i, f)| (f.toks.1, i)).collect();
    // A country carried to the title that starts at a token: the title before it names the
    // country and goes on with another title ("Russian Minister of Trade and Deputy PM, Denis
    // Manturov"; "Aussenminister der VAE, Scheich Abdullah ...").
    let mut carried: HashMap<usize, String> = HashMap::new();
    // People whose title follows a comma: members of a list.
    let mut in_list: HashSet<usize> = HashSet::new();
    let mut found_words: HashSet<String> = found
        .iter()
        .flat_map(|f| f.name.split(' ').map(str::to_owned))
        .collect();
    for hit in &title_hits {
        let first = toks.partition_point(|t| t.span.end <= hit.span.start);
        if first == toks.len() {
            continue;
        }
        let mut last = first;
        while last + 1 < toks.len() && toks[last + 1].span.start < hit.span.end {
            last += 1;
        }
        let title_text: String = chars[hit.span.start..hit.span.end].iter().collect();
        // Extend left over modifiers, then read a country right before.
        let mut lo = first;
        while lo > 0 && toks[lo].joined && rules.modifiers.iter().any(|m| *m == toks[lo - 1].text) {
            lo -= 1;
        }
        let title_start = toks[lo].span.start;
        let mut country = None;
        if lo > 0 && toks[lo].joined {
            country = country_at(lo - 1);
        }
        // An of-phrase after the title.
        let mut j = last + 1;
        let mut phrase_country = None;
        let mut last_non_name = last;
        if j < toks.len() && toks[j].joined && rules.joiners.iter().any(|w| *w == toks[j].text) {
            while j < toks.len()
                && j - last <= MAX_OF_PHRASE
                && toks[j].joined
                && (rules.joiners.iter().any(|w| *w == toks[j].text)
                    || toks[j].text.chars().next().is_some_and(|c| c.is_uppercase()))
            {
                // An abbreviation in brackets goes with the phrase: "Emirate (VAE)".
                if toks.get(j + 1).is_some_and(|t| t.text == "(") && toks.get(j + 3).is_some_and(|t| t.text == ")") {
                    if phrase_country.is_none() {
                        phrase_country = country_at(j);
                    }
                    j += 4;
                    last_non_name = j - 1;
                    continue;
                }
                let coordinated_title = (toks[j].text == "and" || toks[j].text == "und")
                    && toks
                        .get(j + 1)
                        .is_some_and(|n| in_title(j + 1) || rules.modifiers.contains(&n.text));
                if coordinated_title {
                    if let Some(code) = country.clone().or(phrase_country.clone()) {
                        carried.insert(j + 1, code);
                    }
                    break;
                }
                if phrase_country.is_none() {
                    phrase_country = country_at(j);
                }
                if !nameish[j] {
                    last_non_name = j;
                }
                j += 1;
            }
        }
        while j > last + 1 && rules.joiners.iter().any(|w| *w == toks[j - 1].text) {
            j -= 1;
        }
        if let Some(k) = (last + 1..j).rev().find(|&k| !nameish[k]) {
            last_non_name = k;
        } else if j == last + 1 {
            last_non_name = last;
        }
        let title_end_tok = last_non_name;
        let title_text_full: String = chars[title_start..toks[title_end_tok].span.end].iter().collect();
        let mut candidate: Option<(usize, usize)> = None;
        // A name right after the title ("Ständerat Sommaruga") may be a surname alone.
        let mut direct = false;
        let listed = toks[last_non_name].text == "and" || toks[last_non_name].text == "und";
        if j > last_non_name + 1 && !listed {
            // "Minister of Economy of Bavaria Hubert Aiwanger": a run of three or more words
            // right after `of` starts with the place the title is of.
            let object_of_joiner = rules.joiners.contains(&toks[last_non_name].text);
            let start = if object_of_joiner && j - (last_non_name + 1) >= 3 {
                last_non_name + 2
            } else {
                last_non_name + 1
            };
            candidate = Some((start, j));
        }
        let after_comma = j + 1 < toks.len() && toks[j].text == "," && nameish[j + 1];
        if after_comma && candidate.is_none_or(|(a, b)| b - a < 2) {
            // The name follows a comma: "the President of Slovakia, Peter Pellegrini"; also when
            // the phrase ends in one capitalised word ("der Präsident der Bahn, Wladimir Jakunin").
            candidate = run_from.get(&(j + 1)).copied().or(candidate);
        } else if candidate.is_none() && j == last + 1 && j < toks.len() && toks[j].joined && nameish[j] {
            candidate = run_from.get(&j).copied();
            direct = true;
        }
        // Or a name right before: "Rashid Meredov, Minister of ...", also when the words after
        // the title end in a single capitalised word ("secretary of the Economic Relations
        // Division").
        let lone_word = candidate.is_some_and(|(a, b)| b - a < 2) && !direct;
        if (candidate.is_none() || lone_word) && lo >= 2 {
            let mut comma = if country.is_some() {
                lo.checked_sub(2)
            } else {
                lo.checked_sub(1)
            };
            // "Dilshod Akhatov, the Ambassador of ...": an article may stand after the comma.
            if let Some(c) = comma.filter(|&c| c >= 1 && rules.articles.contains(&toks[c].text.to_lowercase())) {
                comma = c.checked_sub(1);
            }
            if let Some(c) = comma.filter(|&c| c >= 1 && toks[c].text == ",") {
                candidate = run_until.get(&c).copied().or(candidate);
            }
        }
        let Some((a, b)) = candidate else {
            // "der Aussenminister der VAE, Scheich Abdullah ...": the next title takes the country.
            if j + 1 < toks.len() && toks[j].text == "," && in_title(j + 1) {
                if let Some(code) = country.clone().or(phrase_country.clone()) {
                    carried.insert(j + 1, code);
                }
            }
            let role = rules.title_roles.get(&title_text);
            if let (Some(role), Some(code), true) = (role, country.clone().or(phrase_country.clone()), lo == first) {
                offices.push(OfficeMention {
                    span: hit.span,
                    title: title_text.clone(),
                    country: code,
                    role: role.clone(),
                });
            }
            continue;
        };
        // At most four name words, particles aside ("Hamdan bin Mohammed bin Rashid Al Maktoum").
        if (a..b).filter(|&k| !particle(k)).count() > 4 || b - a > 8 {
            continue;
        }
        // In a list of three or more titled people ("A, B und C") a person without a country
        // takes the one before's; two people joined by "and" often serve different states.
        let separator = lo.checked_sub(1).map(|s| toks[s].text.as_str());
        let comma_before = separator == Some(",");
        let listed_after = lo
            .checked_sub(1)
            .filter(|_| matches!(separator, Some("," | "and" | "und")))
            .and_then(|s| found_until.get(&s))
            .filter(|&&i| comma_before || in_list.contains(&i))
            .and_then(|&i| found[i].country.clone());
        let country = country
            .or(phrase_country)
            .or_else(|| carried.get(&lo).or(carried.get(&first)).cloned())
            .or_else(|| org_country(&toks, lo, rules, &country_at))
            .or_else(|| party_country(&toks, b, rules))
            .or_else(|| title_country(rules, &title_text_full, &story_codes))
            .or(listed_after);
        let title: Option<String> = Some(chars[title_start..hit.span.end].iter().collect());
        let span = run_span(a, b);
        if let Some(i) = found_at.nested(&found, (a, b)) {
            if comma_before {
                in_list.insert(i);
            }
            let f = &mut found[i];
            if f.title.is_none() {
                f.title = title;
            }
            if f.country.is_none() {
                f.country = country;
            }
            continue;
        }
        // A surname alone after a written-out title (not an abbreviation such as "PM", which
        // also ends times: "1:51 PM Last updated"), and not a word of a name already found
        // ("Sheikh Mohammed" after "Mohammed bin Rashid Al Maktoum").
        let surname_alone = direct
            && b - a == 1
            && title_text.chars().count() >= 4
            && toks[a].text.chars().filter(|c| c.is_alphabetic()).count() >= 3
            && !found_words.contains(toks[a].text.as_str());
        if b - a < 2 && !surname_alone {
            continue;
        }
        let written = run_text(a, b);
        let name = rules.respelling.apply(&written).unwrap_or(written);
        let country = country.or_else(|| rules.origins.country_of(&name));
        found_at.add(found.len(), (a, b));
        found_until.insert(b, found.len());
        if comma_before {
            in_list.insert(found.len());
        }
        found_words.extend(name.split(' ').map(str::to_owned));
        found.push(Found {
            name,
            toks: (a, b),
            span,
            title,
            country,
            rule: format!("leader.{lang}.title"),
        });
    }

    // 3. Group mentions by person; surname-only mentions of people found by title count too.
    found.sort_by_key(|f| f.span.start);
    let mut people: Vec<LeaderMention> = Vec::new();
    let mut spans: Vec<Vec<Span>> = Vec::new();
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for f in &found {
        match by_name.get(f.name.as_str()) {
            Some(&i) => {
                spans[i].push(f.span);
                let p = &mut people[i];
                if p.title.is_none() {
                    p.title = f.title.clone();
                }
                if p.country.is_none() {
                    p.country = f.country.clone();
                }
            }
            None => {
                by_name.insert(&f.name, people.len());
                people.push(LeaderMention {
                    name: f.name.clone(),
                    span: f.span,
                    title: f.title.clone(),
                    country: f.country.clone(),
                    mentions: 0,
                    spans: Vec::new(),
                    rule: f.rule.clone(),
                });
                spans.push(vec![f.span]);
            }
        }
    }
    // Surname-only mentions, for people found by a title: each run token that is one of
    // their surnames, indexed once.
    // The surname as the story writes it (the canonical name may be respelled).
    let surname_of = |p: &LeaderMention| {
        let written: String = chars[p.span.start..p.span.end].iter().collect();
        written.split_whitespace().last().unwrap_or("").to_owned()
    };
    let wanted: HashSet<String> = people
        .iter()
        .filter(|p| p.rule != "leader.gazetteer")
        .map(surname_of)
        .collect();
    let mut surname_tokens: HashMap<&str, Vec<Span>> = HashMap::new();
    for tok in runs.iter().flat_map(|&(a, b)| &toks[a..b]) {
        if wanted.contains(&tok.text) {
            surname_tokens.entry(tok.text.as_str()).or_default().push(tok.span);
        }
    }
    for (p, s) in people.iter().zip(spans.iter_mut()) {
        s.sort();
        s.dedup();
        if p.rule == "leader.gazetteer" {
            continue;
        }
        let unnamed: Vec<Span> = surname_tokens
            .get(surname_of(p).as_str())
            .into_iter()
            .flatten()
            .filter(|tok| {
                let after = s.partition_point(|n| n.end <= tok.start);
                s.get(after).is_none_or(|n| !n.overlaps(tok))
            })
            .copied()
            .collect();
        s.extend(unnamed);
    }
    for (p, mut s) in people.iter_mut().zip(spans) {
        s.sort();
        p.mentions = s.len();
        p.span = s[0];
        p.spans = s;
    }
    people.sort_by_key(|p| p.span.start);
    Leaders { people, offices }
}

#[cfg(test)]
mod tests {
    use super::*;

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
