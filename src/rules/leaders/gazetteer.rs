//! The gazetteer `rules/common/leaders.csv`: people, the transliteration-tolerant keys of their
//! names, aliases and short names, and their terms of office.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use serde::Deserialize;

use crate::rules::diag::Diagnostic;
use crate::rules::source::{Row, Table};
use crate::text::fold_lowercase;

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

/// The columns of `leaders.csv`, in order.
pub const LEADER_COLUMNS: [&str; 9] = [
    "name",
    "country",
    "office",
    "role",
    "valid_from",
    "valid_to",
    "aliases",
    "short_names",
    "note",
];

/// Allowed roles.
pub const ROLES: [&str; 5] = [
    "head_of_state",
    "head_of_government",
    "foreign_minister",
    "org_head",
    "other",
];

/// A person of the gazetteer.
#[derive(Debug, Clone)]
pub struct Person {
    /// Canonical name.
    pub name: String,
    /// Country of the person's first listed office.
    pub country: Option<String>,
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

/// The gazetteer being built: who owns each name key, and each person's index by name.
#[derive(Default)]
struct Builder {
    gazetteer: Gazetteer,
    owner: HashMap<String, (String, usize)>,
    by_name: HashMap<String, usize>,
}

impl Gazetteer {
    /// Builds the gazetteer from its rows, reporting conflicting aliases and bad fields.
    pub fn build(table: &Table<LeaderRow>, errors: &mut Vec<Diagnostic>) -> Gazetteer {
        let mut b = Builder::default();
        for row in &table.rows {
            if !check_leader_row(table, row, errors) {
                continue;
            }
            let id = b.person(&row.value);
            b.office(id, &row.value);
            b.names(table, row, id, errors);
        }
        b.gazetteer
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

    /// Person `id`.
    pub fn person(&self, id: usize) -> &Person {
        &self.people[id]
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
    pub fn full(&self, key: &str) -> Option<usize> {
        self.full.get(key).copied()
    }

    /// The person a single word names: a short name (compared through [`short_key`]) or a
    /// one-word full name.
    pub fn short(&self, word: &str) -> Option<usize> {
        self.short
            .get(&short_key(word))
            .or_else(|| self.full.get(&name_key(word)))
            .copied()
    }

    /// [`Gazetteer::short`] of a word (no spaces) whose [`name_words_key`] is `words_key`,
    /// already made: its [`name_key`] is then made without reading the word again.
    pub fn short_keyed(&self, word: &str, words_key: &str) -> Option<usize> {
        if let Some(&id) = self.short.get(&short_key(word)) {
            return Some(id);
        }
        match in_capitals(word) {
            true => self.full.get(&name_key(word)),
            false => self.full.get(words_key),
        }
        .copied()
    }
}

/// Checks a row's fields; false when it has no name and so is left out.
fn check_leader_row(table: &Table<LeaderRow>, row: &Row<LeaderRow>, errors: &mut Vec<Diagnostic>) -> bool {
    let r = &row.value;
    let at = |msg: String, hint: &str| table.error(row.line, msg).with_hint(hint.to_owned());
    if r.name.trim().is_empty() {
        errors.push(at("empty name".into(), "every row needs the canonical name"));
        return false;
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
    true
}

impl Builder {
    /// The index of the row's person, added on their first row.
    fn person(&mut self, r: &LeaderRow) -> usize {
        let people = &mut self.gazetteer.people;
        *self.by_name.entry(r.name.clone()).or_insert_with(|| {
            people.push(Person {
                name: r.name.clone(),
                country: (!r.country.is_empty()).then(|| r.country.clone()),
            });
            people.len() - 1
        })
    }

    /// Adds the row's term of office, when it names a country.
    fn office(&mut self, id: usize, r: &LeaderRow) {
        if !r.country.is_empty() {
            self.gazetteer.terms.push(OfficeTerm {
                person: id,
                country: r.country.clone(),
                role: r.role.clone(),
                from: partial_date(&r.valid_from, false),
                to: partial_date(&r.valid_to, true),
            });
        }
    }

    /// Registers the row's name, aliases and short names for person `id`.
    fn names(&mut self, table: &Table<LeaderRow>, row: &Row<LeaderRow>, id: usize, errors: &mut Vec<Diagnostic>) {
        let r = &row.value;
        self.register(table, row, &r.name, false, id, errors);
        for a in r.aliases.split('|').map(str::trim).filter(|a| !a.is_empty()) {
            self.register(table, row, a, false, id, errors);
        }
        for s in r.short_names.split('|').map(str::trim).filter(|s| !s.is_empty()) {
            self.register(table, row, s, true, id, errors);
        }
    }

    /// Registers one form of a name (a surname-only one when `short`), reporting a key that
    /// another person already has.
    fn register(
        &mut self,
        table: &Table<LeaderRow>,
        row: &Row<LeaderRow>,
        form: &str,
        short: bool,
        id: usize,
        errors: &mut Vec<Diagnostic>,
    ) {
        let name = &row.value.name;
        let key = if short { short_key(form) } else { name_key(form) };
        if key.is_empty() {
            return;
        }
        if let Some((other, line)) = self.owner.get(&key) {
            if other != name {
                errors.push(
                    table
                        .error(
                            row.line,
                            format!("`{form}` names both {other} (line {line}) and {name}"),
                        )
                        .with_hint("an alias or short name may belong to one person only; remove it from one of them"),
                );
            }
            return;
        }
        self.owner.insert(key.clone(), (name.clone(), row.line));
        let keys = if short {
            &mut self.gazetteer.short
        } else {
            &mut self.gazetteer.full
        };
        keys.insert(key, id);
    }
}

/// A partial date (YYYY, YYYY-MM, YYYY-MM-DD) as its first day, or its last day when `end`.
fn partial_date(d: &str, end: bool) -> Option<NaiveDate> {
    let parts: Vec<u32> = d.split('-').map(|p| p.parse().ok()).collect::<Option<Vec<_>>>()?;
    let year = *parts.first()? as i32;
    let month = parts.get(1).copied().unwrap_or(if end { 12 } else { 1 });
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    match parts.get(2) {
        Some(&day) => NaiveDate::from_ymd_opt(year, month, day),
        None if end => first.checked_add_months(Months::new(1))?.pred_opt(),
        None => Some(first),
    }
}

/// True for YYYY, YYYY-MM or YYYY-MM-DD (digits only; the calendar is not checked).
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
    if in_capitals(name) && !name.contains(' ') {
        return format!("#{}", name.to_lowercase());
    }
    name_words_key(name)
}

/// [`name_key`] without its rule for a word in capitals. It works on each space-separated
/// part alone, so the key of words joined by spaces is their keys joined by spaces, the
/// empty ones left out: a run of words is keyed by keying each word once.
pub fn name_words_key(name: &str) -> String {
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
    respell(&mut s, &NAME_SPELLINGS);
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        let mut last = None;
        for c in word.chars() {
            if last != Some(c) {
                out.push(c);
            }
            last = Some(c);
        }
    }
    out
}

/// The spellings [`short_key`] maps, replaced in this order.
const SHORT_SPELLINGS: [(&str, &str); 6] = [
    ("ı", "i"),
    ("dsch", "j"),
    ("tsch", "ch"),
    ("sch", "sh"),
    ("j", "y"),
    ("w", "v"),
];

/// The spellings [`name_key`] collapses, replaced in this order.
const NAME_SPELLINGS: [(&str, &str); 16] = [
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
];

/// Applies the `spellings` (from, to) to `s` in order, each as [`str::replace`] would; one
/// with a byte that `s` lacks is skipped without a scan.
fn respell(s: &mut String, spellings: &[(&str, &str)]) {
    let mut present = ByteSet::of(s);
    for (from, to) in spellings {
        if from.bytes().all(|b| present.has(b)) && replace_all(s, from, to) {
            present = ByteSet::of(s);
        }
    }
}

/// A set of byte values, one bit each.
struct ByteSet([u64; 4]);

impl ByteSet {
    /// The byte values that occur in `s`.
    fn of(s: &str) -> ByteSet {
        let mut set = [0u64; 4];
        for b in s.bytes() {
            set[usize::from(b >> 6)] |= 1 << (b & 63);
        }
        ByteSet(set)
    }

    /// True when `b` is in the set.
    fn has(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }
}

/// Replaces every `from` in `s` by `to`, left to right as [`str::replace`] does, without a
/// new string when `s` has no `from`; true when it replaced one. (A match found byte by byte
/// starts and ends on character boundaries, because `from` is a whole string.)
fn replace_all(s: &mut String, from: &str, to: &str) -> bool {
    let (text, needle) = (s.as_bytes(), from.as_bytes());
    let mut out: Option<String> = None;
    let (mut at, mut copied) = (0, 0);
    while at < text.len() {
        if text[at] == needle[0] && text[at..].starts_with(needle) {
            let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&s[copied..at]);
            out.push_str(to);
            at += needle.len();
            copied = at;
        } else {
            at += 1;
        }
    }
    let Some(mut out) = out else {
        return false;
    };
    out.push_str(&s[copied..]);
    *s = out;
    true
}

/// True when a word has two letters or more, all capitals ("MBS", "AMLO").
pub fn in_capitals(word: &str) -> bool {
    if word.len() < 2 || word.as_bytes()[0].is_ascii_lowercase() {
        return false;
    }
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    letters.clone().all(char::is_uppercase) && letters.nth(1).is_some()
}

/// The key of a surname-only form: lighter than [`name_key`], because a single word meets
/// many more ordinary words ("Route" must not become "Rutte"): diacritics folded, lower case,
/// and only the German spellings of consonants mapped (dsch/tsch/sch, j, w: "Tokajew" =
/// "Tokayev"). Words in capitals stay as they are.
pub fn short_key(word: &str) -> String {
    if in_capitals(word) {
        return format!("#{}", word.to_lowercase());
    }
    let mut s: String = fold_lowercase(word);
    respell(&mut s, &SHORT_SPELLINGS);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_looked_up_with_its_key_made_finds_what_it_finds_alone() {
        let rules = crate::rules::test_rules();
        let gazetteer = rules.languages[&crate::lang::Lang::En].leaders.gazetteer();
        let words = [
            "Tokayev", "Tokajew", "MBS", "Putin", "PUTIN", "Erdoğan", "Yun", "Lee", "Xi", "Nobody", "ABC", "Al-Sisi",
        ];
        for word in words {
            assert_eq!(
                gazetteer.short_keyed(word, &name_words_key(word)),
                gazetteer.short(word),
                "{word}"
            );
        }
        assert!(gazetteer.short_keyed("Tokajew", &name_words_key("Tokajew")).is_some());
    }

    #[test]
    fn transliterations_share_a_key() {
        assert_eq!(name_key("Kassym-Schomart Tokajew"), name_key("Kassym-Jomart Tokayev"));
        assert_eq!(name_key("Schawkat Mirsijojew"), name_key("Shavkat Mirziyoyev"));
        assert_eq!(name_key("Recep Tayyip Erdoğan"), name_key("Recep Tayyip Erdogan"));
        assert_eq!(name_key("Yoon"), name_key("Yun"));
        assert_ne!(name_key("Putin"), name_key("Merkel"));
    }

    #[test]
    fn a_run_of_words_is_keyed_word_by_word() {
        let runs: [&[&str]; 6] = [
            &["Kassym-Schomart", "Tokajew"],
            &["Mohammed", "bin", "Salman"],
            &["O'Brien", "Jr.", "MBS"],
            &["Yoon", "Suk", "Yeol"],
            &["ΑΣ", "Σ", "Ödön"],
            &["A", ".", "Sch-sch"],
        ];
        for words in runs {
            let keys: Vec<String> = words
                .iter()
                .map(|w| name_words_key(w))
                .filter(|k| !k.is_empty())
                .collect();
            assert_eq!(name_key(&words.join(" ")), keys.join(" "), "{words:?}");
        }
    }

    #[test]
    fn replacing_agrees_with_str_replace() {
        for (text, from, to) in [
            ("schasch", "sch", "1"),
            ("eoo", "eo", "o"),
            ("aaaa", "aa", "b"),
            ("ıstanbul", "ı", "i"),
            ("öz", "z", "s"),
            ("", "j", "y"),
            ("tokayev", "sh", "1"),
        ] {
            let mut s = text.to_owned();
            assert_eq!(replace_all(&mut s, from, to), text.contains(from), "{text} {from}");
            assert_eq!(s, text.replace(from, to), "{text} {from}");
            let mut s = text.to_owned();
            respell(&mut s, &[(from, to), ("a", "o")]);
            assert_eq!(s, text.replace(from, to).replace('a', "o"), "{text} {from}");
        }
    }

    #[test]
    fn words_in_capitals_have_two_capital_letters_or_more() {
        for (word, capitals) in [
            ("MBS", true),
            ("U.S.", true),
            ("ÉU", true),
            ("AMLO's", false),
            ("A", false),
            ("Xi", false),
            ("", false),
        ] {
            assert_eq!(in_capitals(word), capitals, "{word}");
        }
    }

    #[test]
    fn partial_dates_are_first_or_last_days() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(partial_date("2024", false), day(2024, 1, 1));
        assert_eq!(partial_date("2024", true), day(2024, 12, 31));
        assert_eq!(partial_date("2024-02", true), day(2024, 2, 29));
        assert_eq!(partial_date("2023-02", true), day(2023, 2, 28));
        assert_eq!(partial_date("2023-04-05", true), day(2023, 4, 5));
        assert_eq!(partial_date("2023-13", true), None);
        assert_eq!(partial_date("", false), None);
    }
}
