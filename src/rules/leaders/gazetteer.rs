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

/// One term of office from the gazetteer (its country and role are where the gazetteer
/// keeps it).
#[derive(Debug, Clone)]
pub struct OfficeTerm {
    /// Index of the person.
    pub person: usize,
    /// First day in office.
    pub from: Option<NaiveDate>,
    /// Last day in office, `None` while in office.
    pub to: Option<NaiveDate>,
}

/// Name keys (the bytes of their UTF-8 text) and the person each names, hashed with
/// foldhash's fixed-seed hasher: a story looks up a key for nearly every token of its name runs.
type KeyMap = HashMap<Vec<u8>, usize, foldhash::fast::FixedState>;

/// The gazetteer: people, the keys of their names and their terms of office.
#[derive(Debug, Default)]
pub struct Gazetteer {
    people: Vec<Person>,
    full: KeyMap,
    short: KeyMap,
    /// The terms of office by country, then by role: a story asks for the holders of the
    /// offices its titles name.
    terms: HashMap<String, HashMap<String, Vec<OfficeTerm>>>,
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
        let terms = self.terms.get(country).and_then(|roles| roles.get(role));
        let mut holders: Vec<usize> = terms
            .into_iter()
            .flatten()
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
        self.full_bytes(key.as_bytes())
    }

    /// [`Gazetteer::full`] of a key given as the bytes of its text.
    pub(crate) fn full_bytes(&self, key: &[u8]) -> Option<usize> {
        self.full.get(key).copied()
    }

    /// The person a single word names: a short name (compared through [`short_key`]) or a
    /// one-word full name.
    pub fn short(&self, word: &str) -> Option<usize> {
        self.short_in(word, None, &mut Vec::new())
    }

    /// [`Gazetteer::short`] of a word (no spaces) whose [`name_words_key`] is `words_key`,
    /// already made: its [`name_key`] is then made without reading the word again.
    pub fn short_keyed(&self, word: &str, words_key: &str) -> Option<usize> {
        self.short_in(word, Some(words_key.as_bytes()), &mut Vec::new())
    }

    /// [`Gazetteer::short`] of `word`, its keys made in `scratch` (which it overwrites); when
    /// `words_key` is given it is the word's [`name_words_key`], already made (as in
    /// [`Gazetteer::short_keyed`]).
    pub(crate) fn short_in(&self, word: &str, words_key: Option<&[u8]>, scratch: &mut Vec<u8>) -> Option<usize> {
        scratch.clear();
        let capitals = in_capitals(word);
        push_short_key_of(word, capitals, scratch);
        if let Some(&id) = self.short.get(scratch.as_slice()) {
            return Some(id);
        }
        if capitals {
            // A word in capitals without spaces has the same short key and name key ("#mbs").
            if !word.contains(' ') {
                return self.full_bytes(scratch);
            }
            return self.full(&name_key(word));
        }
        match words_key {
            Some(key) => self.full_bytes(key),
            None => {
                scratch.clear();
                push_name_words_key(word, scratch);
                self.full_bytes(scratch)
            }
        }
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
            let by_role = self.gazetteer.terms.entry(r.country.clone()).or_default();
            by_role.entry(r.role.clone()).or_default().push(OfficeTerm {
                person: id,
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
        keys.insert(key.into_bytes(), id);
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
    let mut key = Vec::with_capacity(name.len());
    push_name_words_key(name, &mut key);
    String::from_utf8(key).expect("a name key is UTF-8")
}

/// Appends to `out` the bytes of [`name_words_key`] of `name` (what is already in `out` stays
/// as it is).
pub(crate) fn push_name_words_key(name: &str, out: &mut Vec<u8>) {
    let start = out.len();
    // Folded and lower-cased; hyphens, apostrophes and full stops as spaces; only letters,
    // digits and spaces kept.
    if name.is_ascii() {
        out.reserve(name.len());
        out.extend(name.bytes().filter_map(|b| match b.to_ascii_lowercase() {
            b @ (b'a'..=b'z' | b'0'..=b'9' | b' ') => Some(b),
            b'-' | b'\'' | b'.' => Some(b' '),
            _ => None,
        }));
        if has_vowel_spelling(&out[start..]) {
            respell_name_ascii(out, start);
        } else {
            // The vowel spellings change nothing: respelt and rewritten as words in one pass.
            respell_consonants_as_words(out, start);
            return;
        }
    } else {
        let push = |out: &mut Vec<u8>, c: char| {
            let c = if matches!(c, '-' | '\'' | '’' | '.') { ' ' } else { c };
            if c.is_alphanumeric() || c == ' ' {
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            }
        };
        if !fold_chars(name, |c| push(out, c)) {
            out.truncate(start);
            fold_lowercase(name).chars().for_each(|c| push(out, c));
        }
        respell(out, start, &NAME_RESPELLING);
    }
    words_without_doubles(out, start);
}

/// Calls `each` with the characters of [`fold_lowercase`] of `text`, made character by
/// character (no string of them): each character's compatibility decomposition without its
/// combining marks, lower-cased. It is the same because only combining marks have a
/// combining class (which the decomposition of a text orders by), and lower case is a
/// character's own but for a capital sigma, which looks at its neighbours: when `text` folds
/// to one, `each` has been called with some of the characters and the answer is false.
fn fold_chars(text: &str, mut each: impl FnMut(char)) -> bool {
    use unicode_normalization::char::{decompose_compatible, is_combining_mark};
    let mut sigma = false;
    for c in text.chars() {
        if c.is_ascii() {
            each(c.to_ascii_lowercase());
            continue;
        }
        decompose_compatible(c, |d| {
            sigma |= d == 'Σ';
            if !is_combining_mark(d) {
                d.to_lowercase().for_each(&mut each);
            }
        });
        if sigma {
            return false;
        }
    }
    true
}

/// [`respell`] of the ASCII text `s[start..]` by [`NAME_SPELLINGS`], in one pass for all but
/// the vowels. Every consonant spelling (dsch, tsch, dzh, sch, zh, sh, ch, kh) ends in its only
/// "h" and becomes "1", which no spelling contains: so no two of their matches overlap, none
/// is made by another's replacement, and an "h" goes with the longest of them that ends
/// there, which is the first of them in order and the first to start when read from the left.
/// j, y, w and z are single letters that none of those contain but "z" of "zh" and "dzh",
/// replaced before it. The vowels (eo, oo, ou) follow in order, each scanned for only when
/// its pair is there.
fn respell_name_ascii(s: &mut Vec<u8>, start: usize) {
    let (mut read, mut write) = (start, start);
    let mut o = false;
    while read < s.len() {
        let (b, used) = consonant_spelling(s, read);
        o |= b == b'o';
        s[write] = b;
        (read, write) = (read + used, write + 1);
    }
    s.truncate(write);
    // Every vowel spelling has an "o".
    if !o {
        return;
    }
    let (mut eo, mut oo, mut ou) = (false, false, false);
    for pair in s[start..].windows(2) {
        match (pair[0], pair[1]) {
            (b'e', b'o') => eo = true,
            (b'o', b'o') => oo = true,
            (b'o', b'u') => ou = true,
            _ => {}
        }
    }
    let eo = eo && replace_all(s, start, b"eo", b"o").is_some();
    let oo = (oo || eo) && replace_all(s, start, b"oo", b"u").is_some();
    if ou || eo || oo {
        replace_all(s, start, b"ou", b"u");
    }
}

/// What the consonant spellings of [`NAME_SPELLINGS`] (and j, y, w, z) make of the ASCII text
/// `s` at `at`: a byte, and how many bytes it stands for (see [`respell_name_ascii`]).
#[inline(always)]
fn consonant_spelling(s: &[u8], at: usize) -> (u8, usize) {
    let b = s[at];
    if !CONSONANT_STARTS[usize::from(b)] {
        return (b, 1);
    }
    match s[at..] {
        [b'd' | b't', b's', b'c', b'h', ..] => (b'1', 4),
        [b'd', b'z', b'h', ..] | [b's', b'c', b'h', ..] => (b'1', 3),
        [b'z' | b's' | b'c' | b'k', b'h', ..] => (b'1', 2),
        [b'j' | b'y', ..] => (b'1', 1),
        [b'w', ..] => (b'v', 1),
        [b'z', ..] => (b's', 1),
        _ => (b, 1),
    }
}

/// True when the ASCII text `s` has a pair of letters a vowel spelling of [`NAME_SPELLINGS`]
/// replaces (eo, oo, ou). The consonant spellings neither make nor break such a pair (they
/// replace no vowel, and what they leave is one byte that is no vowel), so the text before
/// them tells.
fn has_vowel_spelling(s: &[u8]) -> bool {
    let mut from = 0;
    while let Some(at) = s[from..].iter().position(|&b| b == b'o') {
        let at = from + at;
        if (at > 0 && matches!(s[at - 1], b'e' | b'o')) || s.get(at + 1) == Some(&b'u') {
            return true;
        }
        from = at + 1;
    }
    false
}

/// [`respell_name_ascii`] and then [`words_without_doubles`] of the ASCII text `s[start..]`,
/// in one pass, for a text that [`has_vowel_spelling`] not.
fn respell_consonants_as_words(s: &mut Vec<u8>, start: usize) {
    // In place: what is written never passes what is read, as in both.
    let mut words = WordsInPlace::new(start);
    let mut read = start;
    while read < s.len() {
        let (b, used) = consonant_spelling(s, read);
        read += used;
        words.put(s, b);
    }
    s.truncate(words.write);
}

/// Writes bytes back into the buffer they are read from, from `start` on, as space-separated
/// words with runs of one byte written once, joined by single spaces. The output never
/// outgrows what has been read (a space written between two words stands for at least one
/// space read), so it may overwrite the bytes already read.
struct WordsInPlace {
    start: usize,
    write: usize,
    last: Option<u8>,
}

impl WordsInPlace {
    /// A writer from byte `start` on.
    fn new(start: usize) -> WordsInPlace {
        WordsInPlace {
            start,
            write: start,
            last: None,
        }
    }

    /// Writes the next byte read, `b`, into `s`.
    #[inline]
    fn put(&mut self, s: &mut [u8], b: u8) {
        if b == b' ' {
            self.last = None;
            return;
        }
        if self.last.is_none() && self.write > self.start {
            s[self.write] = b' ';
            self.write += 1;
        }
        if self.last != Some(b) {
            s[self.write] = b;
            self.write += 1;
        }
        self.last = Some(b);
    }
}

/// The bytes that start a consonant spelling of [`NAME_SPELLINGS`] in ASCII text.
const CONSONANT_STARTS: [bool; 256] = {
    let mut table = [false; 256];
    let starts = b"dtszckjyw";
    let mut i = 0;
    while i < starts.len() {
        table[starts[i] as usize] = true;
        i += 1;
    }
    table
};

/// [`respell`] of the ASCII text `s[start..]` by [`SHORT_SPELLINGS`], in one pass: dsch, tsch
/// and sch end in the same "sch" (a match of one is no match of another) and become "j" (then
/// "y"), "ch" and "sh"; the "ch" of a "tsch" after an "s" makes a new "sch", so "sh" (an "s"
/// ends no match, so it is as written); j and w are single letters.
fn respell_short_ascii(s: &mut Vec<u8>, start: usize) {
    let (mut read, mut write) = (start, start);
    while read < s.len() {
        let (to, used): (&[u8], usize) = match s[read..] {
            [b'd', b's', b'c', b'h', ..] => (b"y", 4),
            [b't', b's', b'c', b'h', ..] if write > start && s[write - 1] == b's' => (b"h", 4),
            [b't', b's', b'c', b'h', ..] => (b"ch", 4),
            [b's', b'c', b'h', ..] => (b"sh", 3),
            [b'j', ..] => (b"y", 1),
            [b'w', ..] => (b"v", 1),
            [b, ..] => {
                s[write] = b;
                (read, write) = (read + 1, write + 1);
                continue;
            }
            [] => break,
        };
        s[write..write + to.len()].copy_from_slice(to);
        (read, write) = (read + used, write + to.len());
    }
    s.truncate(write);
}

/// Rewrites `s[start..]` (letters, digits and spaces) as its space-separated words, each with
/// runs of one character written once, joined by single spaces.
fn words_without_doubles(s: &mut Vec<u8>, start: usize) {
    if !s[start..].is_ascii() {
        let text = String::from_utf8(s.split_off(start)).expect("a name key is UTF-8");
        for word in text.split_whitespace() {
            if s.len() > start {
                s.push(b' ');
            }
            let mut last = None;
            let mut utf8 = [0; 4];
            for c in word.chars() {
                if last != Some(c) {
                    s.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                }
                last = Some(c);
            }
        }
        return;
    }
    let mut words = WordsInPlace::new(start);
    for read in start..s.len() {
        let b = s[read];
        words.put(s, b);
    }
    s.truncate(words.write);
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

/// A spelling: what is replaced, by what, and what the text must have for it to occur.
type Spelling = (&'static str, &'static str, Present);

/// Spellings with what the text must have for each to occur.
const fn spellings<const N: usize>(pairs: [(&'static str, &'static str); N]) -> [Spelling; N] {
    let mut out = [("", "", Present::of(b"")); N];
    let mut i = 0;
    while i < N {
        out[i] = (pairs[i].0, pairs[i].1, Present::of(pairs[i].0.as_bytes()));
        i += 1;
    }
    out
}

/// [`SHORT_SPELLINGS`] with what the text must have for each.
const SHORT_RESPELLING: [Spelling; 6] = spellings(SHORT_SPELLINGS);

/// [`NAME_SPELLINGS`] with what the text must have for each.
const NAME_RESPELLING: [Spelling; 16] = spellings(NAME_SPELLINGS);

/// Applies the `spellings` (from, to) to the text `s[start..]` in order, each as
/// [`str::replace`] would; one whose bytes or byte pairs the text lacks is skipped without a
/// scan. No spelling is longer than what it replaces, so the text is rewritten in place.
fn respell(s: &mut Vec<u8>, start: usize, spellings: &[Spelling]) {
    let mut present = Present::of(&s[start..]);
    for (from, to, needs) in spellings {
        if present.may_have(needs) {
            if let Some(now) = replace_all(s, start, from.as_bytes(), to.as_bytes()) {
                present = now;
            }
        }
    }
}

/// What a text has, as far as a spelling's occurrence in it goes: its bytes and its pairs of
/// adjacent bytes, each in a 64-bit Bloom filter (one may be taken for another, which only
/// costs a scan that finds nothing).
#[derive(Clone, Copy)]
struct Present {
    bytes: u64,
    pairs: u64,
}

impl Present {
    /// What `s` has.
    const fn of(s: &[u8]) -> Present {
        let (mut bytes, mut pairs) = (0u64, 0u64);
        let mut i = 0;
        while i < s.len() {
            bytes |= 1 << (s[i] & 63);
            if i > 0 {
                pairs |= 1 << ((s[i - 1].wrapping_mul(5) ^ s[i]) & 63);
            }
            i += 1;
        }
        Present { bytes, pairs }
    }

    /// False when a text with this cannot contain one with `needs`.
    fn may_have(&self, needs: &Present) -> bool {
        (needs.bytes & !self.bytes) | (needs.pairs & !self.pairs) == 0
    }
}

/// Replaces every `from` in `s[start..]` by `to` (no longer than `from`), left to right as
/// [`str::replace`] does, in place; when it replaced one, what the text has now. (A match
/// found byte by byte starts and ends on character boundaries, because `from` is a whole
/// string.)
fn replace_all(s: &mut Vec<u8>, start: usize, from: &[u8], to: &[u8]) -> Option<Present> {
    debug_assert!(to.len() <= from.len() && !from.is_empty());
    // The writer never passes the reader; before the first match they stand together.
    let (mut read, mut write) = (start, start);
    let mut replaced = false;
    while read < s.len() {
        if s[read] == from[0] && s[read..].starts_with(from) {
            s[write..write + to.len()].copy_from_slice(to);
            write += to.len();
            read += from.len();
            replaced = true;
        } else {
            s[write] = s[read];
            write += 1;
            read += 1;
        }
    }
    s.truncate(write);
    replaced.then(|| Present::of(&s[start..]))
}

/// True when a word has two letters or more, all capitals ("MBS", "AMLO").
#[inline]
pub fn in_capitals(word: &str) -> bool {
    let bytes = word.as_bytes();
    if bytes.len() < 2 || bytes[0].is_ascii_lowercase() {
        return false;
    }
    // Byte by byte while the word is ASCII; a lower-case letter ends it either way.
    let mut letters = 0;
    for &b in bytes {
        if b.is_ascii_lowercase() {
            return false;
        }
        if !b.is_ascii() {
            let mut letters = word.chars().filter(|c| c.is_alphabetic());
            return letters.clone().all(char::is_uppercase) && letters.nth(1).is_some();
        }
        letters += usize::from(b.is_ascii_uppercase());
    }
    letters >= 2
}

/// The key of a surname-only form: lighter than [`name_key`], because a single word meets
/// many more ordinary words ("Route" must not become "Rutte"): diacritics folded, lower case,
/// and only the German spellings of consonants mapped (dsch/tsch/sch, j, w: "Tokajew" =
/// "Tokayev"). Words in capitals stay as they are.
pub fn short_key(word: &str) -> String {
    let mut key = Vec::with_capacity(word.len() + 1);
    push_short_key(word, &mut key);
    String::from_utf8(key).expect("a short key is UTF-8")
}

/// Appends to `out` the bytes of [`short_key`] of `word`.
fn push_short_key(word: &str, out: &mut Vec<u8>) {
    push_short_key_of(word, in_capitals(word), out);
}

/// [`push_short_key`] of a word that is [`in_capitals`] or not as `capitals` says.
fn push_short_key_of(word: &str, capitals: bool, out: &mut Vec<u8>) {
    if capitals {
        out.push(b'#');
        if word.is_ascii() {
            out.extend(word.bytes().map(|b| b.to_ascii_lowercase()));
        } else {
            out.extend_from_slice(word.to_lowercase().as_bytes());
        }
        return;
    }
    let start = out.len();
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| b.to_ascii_lowercase()));
        respell_short_ascii(out, start);
    } else {
        if !fold_chars(word, |c| out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes())) {
            out.truncate(start);
            out.extend_from_slice(fold_lowercase(word).as_bytes());
        }
        respell(out, start, &SHORT_RESPELLING);
    }
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
    fn the_holder_of_an_office_is_the_one_in_office_on_the_day() {
        let gazetteer = &crate::rules::test_rules().language("en").unwrap().leaders.gazetteer;
        let name = |id: Option<usize>| id.map(|id| gazetteer.name(id).to_owned());
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let tokayev = Some("Kassym-Jomart Tokayev".to_owned());
        let nazarbayev = Some("Nursultan Nazarbayev".to_owned());
        assert_eq!(name(gazetteer.holder("KZ", "head_of_state", day(2024, 5, 1))), tokayev);
        assert_eq!(
            name(gazetteer.holder("KZ", "head_of_state", day(2010, 5, 1))),
            nazarbayev
        );
        // Both on the day of the handover; no day, no single holder either.
        assert_eq!(gazetteer.holder("KZ", "head_of_state", day(2019, 3, 20)), None);
        assert_eq!(gazetteer.holder("KZ", "head_of_state", None), None);
        assert_eq!(gazetteer.holder("KZ", "no_such_role", day(2024, 5, 1)), None);
        assert_eq!(gazetteer.holder("XX", "head_of_state", day(2024, 5, 1)), None);
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
            ("ashsh", "sh", "1"),
        ] {
            // What stands before `start` is left alone.
            let before = "schaa";
            let mut s = format!("{before}{text}").into_bytes();
            assert_eq!(
                replace_all(&mut s, before.len(), from.as_bytes(), to.as_bytes()).is_some(),
                text.contains(from),
                "{text} {from}"
            );
            assert_eq!(
                s,
                format!("{before}{}", text.replace(from, to)).into_bytes(),
                "{text} {from}"
            );
            let mut s = format!("{before}{text}").into_bytes();
            respell(&mut s, before.len(), &spellings([(from, to), ("a", "o")]));
            let want = text.replace(from, to).replace('a', "o");
            assert_eq!(s, format!("{before}{want}").into_bytes(), "{text} {from}");
        }
    }

    /// [`name_words_key`] as first written: a new string at each step, `str::replace`.
    fn name_words_key_by_strings(name: &str) -> String {
        let folded = fold_lowercase(name);
        let mut s: String = folded
            .chars()
            .map(|c| if matches!(c, '-' | '\'' | '’' | '.') { ' ' } else { c })
            .filter(|c| c.is_alphanumeric() || *c == ' ')
            .collect();
        for (from, to) in NAME_SPELLINGS {
            s = s.replace(from, to);
        }
        let mut out = String::new();
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

    /// [`short_key`] as first written.
    fn short_key_by_strings(word: &str) -> String {
        if in_capitals(word) {
            return format!("#{}", word.to_lowercase());
        }
        let mut s = fold_lowercase(word);
        for (from, to) in SHORT_SPELLINGS {
            s = s.replace(from, to);
        }
        s
    }

    /// [`in_capitals`] as first written, on characters only.
    fn in_capitals_by_chars(word: &str) -> bool {
        if word.len() < 2 || word.as_bytes()[0].is_ascii_lowercase() {
            return false;
        }
        let mut letters = word.chars().filter(|c| c.is_alphabetic());
        letters.clone().all(char::is_uppercase) && letters.nth(1).is_some()
    }

    #[test]
    fn one_pass_respelling_agrees_with_replacing_in_order() {
        // Every short string of the letters the spellings are made of (and one other), then
        // random longer ones.
        let letters = b"dsctzhkjywoeu a";
        let check = |text: &str| {
            let mut names = text.as_bytes().to_vec();
            respell_name_ascii(&mut names, 0);
            let mut want = text.to_owned();
            for (from, to) in NAME_SPELLINGS {
                want = want.replace(from, to);
            }
            assert_eq!(String::from_utf8(names).unwrap(), want, "{text:?}");
            let vowels = ["eo", "oo", "ou"].iter().any(|pair| text.contains(pair));
            assert_eq!(has_vowel_spelling(text.as_bytes()), vowels, "{text:?}");
            if !vowels {
                let mut words = text.as_bytes().to_vec();
                respell_consonants_as_words(&mut words, 0);
                let mut want = want.clone().into_bytes();
                words_without_doubles(&mut want, 0);
                assert_eq!(words, want, "{text:?}");
            }
            let mut short = text.as_bytes().to_vec();
            respell_short_ascii(&mut short, 0);
            let mut want = text.to_owned();
            for (from, to) in SHORT_SPELLINGS {
                want = want.replace(from, to);
            }
            assert_eq!(String::from_utf8(short).unwrap(), want, "{text:?}");
        };
        let mut text = Vec::new();
        // Up to four of all the letters, five of those of the longer spellings, six of those of
        // the consonants'.
        for (letters, longest) in [(&letters[..], 4), (b"dsczhteo", 5), (b"dscthz", 6)] {
            for len in 0..=longest {
                for mut n in 0..letters.len().pow(len) {
                    text.clear();
                    for _ in 0..len {
                        text.push(letters[n % letters.len()]);
                        n /= letters.len();
                    }
                    check(std::str::from_utf8(&text).unwrap());
                }
            }
        }
        let mut seed = 7u64;
        let mut below = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for _ in 0..50_000 {
            text.clear();
            for _ in 0..5 + below(20) {
                text.push(letters[below(letters.len())]);
            }
            check(std::str::from_utf8(&text).unwrap());
        }
    }

    /// [`fold_chars`] into a string, or `None` when it leaves the folding to [`fold_lowercase`].
    fn folded_by_chars(text: &str) -> Option<String> {
        let mut folded = String::new();
        fold_chars(text, |c| folded.push(c)).then_some(folded)
    }

    #[test]
    fn only_combining_marks_have_a_combining_class() {
        use unicode_normalization::char::{canonical_combining_class, is_combining_mark};
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert!(canonical_combining_class(c) == 0 || is_combining_mark(c), "{c:?}");
        }
    }

    #[test]
    fn folding_character_by_character_agrees_with_folding_the_text() {
        // Every character alone, after a letter and before one.
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("a{c}"), format!("{c}b")] {
                if let Some(folded) = folded_by_chars(&text) {
                    assert_eq!(folded, fold_lowercase(&text), "{text:?}");
                }
            }
        }
        // Texts of letters, marks and sigmas.
        let chars: Vec<char> = "aÄöΣσςΑΣ\u{301}\u{327}\u{345}\u{F71}İıﬁǅϹ ’-ŁĲßᾼΌ".chars().collect();
        let mut seed = 11u64;
        let mut below = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let mut left_to_the_text = 0;
        for _ in 0..20_000 {
            let text: String = (0..1 + below(8)).map(|_| chars[below(chars.len())]).collect();
            match folded_by_chars(&text) {
                Some(folded) => assert_eq!(folded, fold_lowercase(&text), "{text:?}"),
                None => left_to_the_text += 1,
            }
        }
        assert!(left_to_the_text < 20_000);
    }

    proptest::proptest! {
        #[test]
        fn any_word_is_keyed_as_by_strings(
            word in "([a-zA-Z0-9 .'’-]|sch|dsch|tsch|dzh|[zskc]h|eo|oo|ou|[äöüßéıİŁĲΣσςΑﬁǅ]|\u{301}){0,12}",
        ) {
            proptest::prop_assert_eq!(name_words_key(&word), name_words_key_by_strings(&word));
            proptest::prop_assert_eq!(short_key(&word), short_key_by_strings(&word));
            proptest::prop_assert_eq!(in_capitals(&word), in_capitals_by_chars(&word));
            if let Some(folded) = folded_by_chars(&word) {
                proptest::prop_assert_eq!(folded, fold_lowercase(&word));
            }
        }
    }

    #[test]
    fn keys_made_in_place_agree_with_keys_made_by_strings() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let csv = std::fs::read_to_string(root.join("rules/common/leaders.csv")).unwrap();
        let mut words: Vec<String> = csv
            .split([',', '|', '\n'])
            .flat_map(|field| std::iter::once(field.to_owned()).chain(field.split(' ').map(str::to_owned)))
            .collect();
        let odd = [
            "",
            " ",
            "  a  b ",
            "Sch-sch",
            "O'Brien",
            "D’Artagnan",
            "Jr.",
            "MBS",
            "U.S.",
            "ÉU",
            "ΑΣ",
            "Σ",
            "ΣΣ",
            "Ödön",
            "İstanbul",
            "ıı",
            "ǅemal",
            "Ⅻ",
            "Ⓐⓑ",
            "٣٤",
            "e\u{301}e",
            "ß",
            "ﬁx",
            "aAa",
            "Tschtsch",
            "dzhdzh",
            "eoeo",
            "ooou",
            "Wwz",
            "x\ty",
            "a--b",
            "1st",
            "AB1",
            "1AB",
            "-",
            "'",
            "Dschabbar",
            "Müller-Lüdenscheidt",
            "Al-Sisi",
            "al-Burhan",
            "ŁŁ",
            "Ĳssel",
            "ǈ",
            "AMLO's",
        ];
        words.extend(odd.iter().map(|w| w.to_string()));
        for w in &words {
            assert_eq!(name_words_key(w), name_words_key_by_strings(w), "{w:?}");
            assert_eq!(short_key(w), short_key_by_strings(w), "{w:?}");
            assert_eq!(in_capitals(w), in_capitals_by_chars(w), "{w:?}");
            // Appended after other bytes, a key is the same.
            let mut after = b"prefix ".to_vec();
            push_name_words_key(w, &mut after);
            assert_eq!(
                after,
                format!("prefix {}", name_words_key_by_strings(w)).into_bytes(),
                "{w:?}"
            );
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
