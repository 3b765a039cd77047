//! Date rules: `rules/<lang>/dates.toml` read, checked and compiled into [`DateRules`] — the
//! patterns, and the month, weekday, relative, number and holiday words that
//! `extract::dates` reads matches with.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::diag::Diagnostic;
use super::pattern::{alternation, PatternSet, PatternSpec};
use super::source::read_toml;
use crate::text::lower_words;

/// `rules/<lang>/dates.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatesFile {
    /// Twelve lists of month names and abbreviations, January first.
    pub months: Vec<Vec<String>>,
    /// Seven lists of weekday names, Monday first.
    pub weekdays: Vec<Vec<String>>,
    /// Words before "year" that name a year relative to the anchor date, with the offset.
    pub relative_years: BTreeMap<String, i32>,
    /// Words that name a day relative to the anchor date, with the offset in days.
    pub relative_days: BTreeMap<String, i64>,
    /// Words before a weekday: -1 the last one before the anchor, 1 the next, 0 the nearest past.
    pub relative_weeks: BTreeMap<String, i32>,
    /// Ordinal words for quarters and halves ("first" = 1).
    pub ordinals: BTreeMap<String, u32>,
    /// Days of the month (and month numbers) written as words ("first" = 1,
    /// "twenty-third" = 23), for the `{day_word}`, `{day2_word}` and `{month_word}` placeholders.
    #[serde(default)]
    pub day_words: BTreeMap<String, u32>,
    /// Cardinal number words with their values: units 1-9, teens 10-19, tens 20-90, `0` for the
    /// "oh" of "nineteen oh five", `100` and `1000` for the multipliers. They build the
    /// `{year_words}`, `{year_words2}` (a year in words: "nineteen ninety six", "two thousand
    /// and fifteen", "seventeen hundred thirty three"), `{day_card}`, `{day2_card}` (a day of
    /// the month as a cardinal: "twenty nine") and `{number}` (a cardinal below 100) placeholders.
    #[serde(default)]
    pub number_words: BTreeMap<String, u32>,
    /// Words that may join the parts of a number in words ("two thousand *and* fifteen").
    #[serde(default)]
    pub number_joiners: Vec<String>,
    /// Units of date arithmetic ("3 *days* after January 12") for `{shift_unit}`.
    #[serde(default)]
    pub shift_units: BTreeMap<String, ShiftUnit>,
    /// Directions of date arithmetic for `{shift_dir}`: -1 before the date, 1 after it.
    #[serde(default)]
    pub shift_directions: BTreeMap<String, i32>,
    /// Words before "week" that name a week relative to the anchor's week ("tuesday of *next*
    /// week"), with the offset in weeks, for `{week_rel}`.
    #[serde(default)]
    pub week_offsets: BTreeMap<String, i32>,
    /// Words that mark a sentence as describing the story's main event.
    pub event_cues: Vec<String>,
    /// Words that may stand on a dateline besides the date ("Published", "Updated").
    pub dateline_words: Vec<String>,
    /// Labels that mark the date right after them as the publication date ("Published on",
    /// "This story is from"), wherever the line stands.
    #[serde(default)]
    pub published_labels: Vec<String>,
    /// Words that open a byline ("By: Reuters 26th November 2024"): a full date right after
    /// the byline's names, at the start of a header line, is the publication date.
    #[serde(default)]
    pub byline_labels: Vec<String>,
    /// Holidays named without a year, with the day they fall on (`"12-25"`, `"easter-2"`,
    /// `"10-01>7"`), for the `{holiday}` placeholder.
    #[serde(default)]
    pub holidays: BTreeMap<String, String>,
    /// The patterns.
    #[serde(rename = "pattern")]
    pub patterns: Vec<PatternSpec>,
}

/// A unit of date arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShiftUnit {
    /// Days.
    Day,
    /// Weeks of seven days.
    Week,
    /// Calendar months (the day is kept, or clamped to the month's last day).
    Month,
    /// Calendar years.
    Year,
    /// Fortnights of fourteen days.
    Fortnight,
}

/// When a holiday falls in a given year, as written in the `holidays` table of a dates file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayDate {
    /// A fixed day: `"12-25"`.
    Fixed {
        /// Month.
        month: u32,
        /// Day.
        day: u32,
    },
    /// Days from Easter Sunday: `"easter"`, `"easter-2"`, `"easter+50"`.
    Easter {
        /// Days after Easter Sunday (negative: before).
        offset: i64,
    },
    /// The first given weekday on or after a day: `"10-01>7"` (the first Sunday in October;
    /// weekdays 1 = Monday to 7 = Sunday).
    WeekdayOnOrAfter {
        /// Month.
        month: u32,
        /// Day.
        day: u32,
        /// 0 = Monday.
        weekday: u32,
    },
}

impl std::str::FromStr for HolidayDate {
    type Err = String;

    fn from_str(s: &str) -> Result<HolidayDate, String> {
        let s = s.trim();
        if let Some(rest) = s.strip_prefix("easter") {
            let offset = match rest {
                "" => 0,
                r => r
                    .strip_prefix('+')
                    .unwrap_or(r)
                    .parse::<i64>()
                    .map_err(|_| format!("`{s}`: write `easter`, `easter+N` or `easter-N`"))?,
            };
            return Ok(HolidayDate::Easter { offset });
        }
        let (date, weekday) = match s.split_once('>') {
            Some((d, w)) => (d, Some(w)),
            None => (s, None),
        };
        let parsed = date
            .split_once('-')
            .and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)))
            .filter(|(m, d)| (1..=12).contains(m) && (1..=days_in_month(2000, *m)).contains(d));
        let Some((month, day)) = parsed else {
            return Err(format!(
                "`{s}`: write a day as `MM-DD` (`12-25`), `MM-DD>W` or `easter±N`"
            ));
        };
        match weekday {
            None => Ok(HolidayDate::Fixed { month, day }),
            Some(w) => match w.parse::<u32>() {
                Ok(w @ 1..=7) => Ok(HolidayDate::WeekdayOnOrAfter {
                    month,
                    day,
                    weekday: w - 1,
                }),
                _ => Err(format!(
                    "`{s}`: after `>` write a weekday from 1 (Monday) to 7 (Sunday)"
                )),
            },
        }
    }
}

/// Compiled date rules for one language.
#[derive(Debug)]
pub struct DateRules {
    patterns: PatternSet,
    months: BTreeMap<String, u32>,
    weekdays: BTreeMap<String, u32>,
    relative_years: BTreeMap<String, i32>,
    relative_days: BTreeMap<String, i64>,
    relative_weeks: BTreeMap<String, i32>,
    ordinals: BTreeMap<String, u32>,
    day_words: BTreeMap<String, u32>,
    number_words: BTreeMap<String, u32>,
    number_joiners: Vec<String>,
    shift_units: BTreeMap<String, ShiftUnit>,
    shift_directions: BTreeMap<String, i32>,
    week_offsets: BTreeMap<String, i32>,
    holidays: BTreeMap<String, HolidayDate>,
    /// Lower-case event cue words.
    pub event_cues: Vec<String>,
    /// Lower-case published labels, each as its words.
    pub published_labels: Vec<Vec<String>>,
    /// Lower-case byline labels, each as its words.
    pub byline_labels: Vec<Vec<String>>,
    /// Lower-case dateline words.
    pub dateline_words: Vec<String>,
}

/// A word or phrase as a lookup key: lower case, runs of white space as one space.
fn lower_key(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A regex that matches nothing, cheap to parse inside a case-insensitive group.
const NOTHING: &str = r"(?-i:[^\s\S])";

/// Adds the number-word placeholders built from `words` (see [`DatesFile::number_words`]).
fn number_placeholders(words: &BTreeMap<String, u32>, joiners: &[String], ph: &mut BTreeMap<String, String>) {
    let class = |keep: &dyn Fn(u32) -> bool| {
        let list: Vec<String> = words
            .iter()
            .filter(|(w, v)| keep(**v) && !w.contains(char::is_whitespace))
            .map(|(w, _)| w.clone())
            .collect();
        if list.is_empty() {
            // A class that matches nothing: a look-around such as `\b\B` would make the
            // whole pattern fall back to a slow engine on non-ASCII text. It is written
            // case-sensitively: the lists stand inside `(?i:…)`, where the regex parser would
            // case-fold `[\s\S]`, every code point, before negating it (milliseconds each).
            NOTHING.to_owned()
        } else {
            alternation("", list)
        }
    };
    let units = class(&|v| (1..=9).contains(&v));
    let teens = class(&|v| (10..=19).contains(&v));
    let tens = class(&|v| (20..=90).contains(&v) && v % 10 == 0);
    let zero = class(&|v| v == 0);
    let hundred = class(&|v| v == 100);
    let thousand = class(&|v| v == 1000);
    let century = class(&|v| (11..=20).contains(&v));
    let day_tens = class(&|v| v == 20 || v == 30);
    let sep = r"(?:-|\s+)";
    let join = if joiners.is_empty() {
        r"\s+".to_owned()
    } else {
        format!(r"(?:\s+{})?\s+", alternation("", joiners.iter().cloned()))
    };
    let below100 = format!("(?:{tens}{sep}{units}|{tens}|{teens}|{units})");
    let from10 = format!("(?:{tens}{sep}{units}|{tens}|{teens}|{zero}{sep}{units})");
    let hundreds = format!("{century}\\s+{hundred}(?:{join}{below100})?");
    let thousands = format!("{units}\\s+{thousand}(?:{join}(?:{units}\\s+{hundred}(?:{join}{below100})?|{below100}))?");
    let pair = format!("{century}{sep}{from10}");
    let year = format!("(?i:{thousands}|{hundreds}|{pair})");
    let day = format!("(?i:{day_tens}{sep}{units}|{day_tens}|{teens}|{units})");
    ph.insert("year_words".into(), format!("(?P<year_words>{year})"));
    ph.insert("year_words2".into(), format!("(?P<year_words2>{year})"));
    ph.insert("day_card".into(), format!("(?P<day>{day})"));
    ph.insert("day2_card".into(), format!("(?P<day2>{day})"));
    ph.insert("number".into(), format!("(?i:{below100})"));
}

impl DateRules {
    /// Loads and compiles a dates rule file.
    pub fn load(path: &Path, errors: &mut Vec<Diagnostic>) -> Option<DateRules> {
        let (source, file) = read_toml::<DatesFile>(path, errors)?;
        let before = errors.len();
        check_counts(&file, path, &source, errors);
        if errors.len() > before {
            return None;
        }
        let mut ph = placeholders(&file);
        let holidays = holidays(&file, path, &source, errors);
        if !holidays.is_empty() {
            ph.insert("holiday".into(), alternation("holiday", file.holidays.keys().cloned()));
        }
        let patterns = PatternSet::compile(&file.patterns, &ph, path, &source, errors)?;
        if errors.len() > before {
            return None;
        }
        Some(DateRules::build(&file, patterns, holidays))
    }

    /// The lookup tables of a checked `file`, keyed by [`lower_key`], with its compiled patterns.
    fn build(file: &DatesFile, patterns: PatternSet, holidays: BTreeMap<String, HolidayDate>) -> DateRules {
        let lower_map =
            |m: &BTreeMap<String, i32>| m.iter().map(|(k, v)| (lower_key(k), *v)).collect::<BTreeMap<_, _>>();
        DateRules {
            patterns,
            months: numbered(&file.months, 1),
            weekdays: numbered(&file.weekdays, 0),
            relative_years: lower_map(&file.relative_years),
            relative_days: file.relative_days.iter().map(|(k, v)| (lower_key(k), *v)).collect(),
            relative_weeks: lower_map(&file.relative_weeks),
            ordinals: file.ordinals.iter().map(|(k, v)| (lower_key(k), *v)).collect(),
            day_words: file.day_words.iter().map(|(k, v)| (lower_key(k), *v)).collect(),
            number_words: file.number_words.iter().map(|(k, v)| (lower_key(k), *v)).collect(),
            number_joiners: file.number_joiners.iter().map(|w| lower_key(w)).collect(),
            shift_units: file.shift_units.iter().map(|(k, v)| (lower_key(k), *v)).collect(),
            shift_directions: lower_map(&file.shift_directions),
            week_offsets: lower_map(&file.week_offsets),
            holidays,
            event_cues: file.event_cues.iter().map(|w| w.to_lowercase()).collect(),
            dateline_words: file.dateline_words.iter().map(|w| w.to_lowercase()).collect(),
            published_labels: file.published_labels.iter().map(|l| lower_words(l).collect()).collect(),
            byline_labels: file.byline_labels.iter().map(|l| lower_words(l).collect()).collect(),
        }
    }

    /// True when `word` (lower case) names a month.
    pub fn is_month(&self, word: &str) -> bool {
        self.months.contains_key(word)
    }

    /// True when `word` (lower case) names a weekday or abbreviates one to two or three
    /// letters ("sun", "mi").
    pub fn is_weekday(&self, word: &str) -> bool {
        self.weekdays.contains_key(word)
            || ((2..=3).contains(&word.chars().count()) && self.weekdays.keys().any(|k| k.starts_with(word)))
    }

    /// The compiled patterns (for summaries and rule examples).
    pub fn patterns(&self) -> &PatternSet {
        &self.patterns
    }

    /// The month (1 = January) that `name` names.
    pub fn month(&self, name: &str) -> Option<u32> {
        self.months.get(&lower_key(name)).copied()
    }

    /// The weekday (0 = Monday) that `name` names.
    pub fn weekday(&self, name: &str) -> Option<u32> {
        self.weekdays.get(&lower_key(name)).copied()
    }

    /// The offset in years of a relative year word ("last" year = -1).
    pub fn relative_year(&self, word: &str) -> Option<i32> {
        self.relative_years.get(&lower_key(word)).copied()
    }

    /// The offset in days of a relative day word ("yesterday" = -1).
    pub fn relative_day(&self, word: &str) -> Option<i64> {
        self.relative_days.get(&lower_key(word)).copied()
    }

    /// The direction of a word before a weekday ("last" Monday = -1).
    pub fn relative_week(&self, word: &str) -> Option<i32> {
        self.relative_weeks.get(&lower_key(word)).copied()
    }

    /// The offset in weeks of a word before "week" ("next" week = 1).
    pub fn week_offset(&self, word: &str) -> Option<i32> {
        self.week_offsets.get(&lower_key(word)).copied()
    }

    /// The value of an ordinal word for quarters and halves ("third" = 3).
    pub fn ordinal(&self, word: &str) -> Option<u32> {
        self.ordinals.get(&lower_key(word)).copied()
    }

    /// The day of the month (or month number) that a word names ("twenty-third" = 23).
    pub fn day_word(&self, word: &str) -> Option<u32> {
        self.day_words.get(&lower_key(word)).copied()
    }

    /// The value of a cardinal number word ("nine" = 9, "hundred" = 100).
    pub fn number_word(&self, word: &str) -> Option<u32> {
        self.number_words.get(&lower_key(word)).copied()
    }

    /// True when `word` (lower case) may join the parts of a number in words ("and").
    pub fn is_number_joiner(&self, word: &str) -> bool {
        self.number_joiners.iter().any(|j| j == word)
    }

    /// The unit of date arithmetic that a word names ("weeks").
    pub fn shift_unit(&self, word: &str) -> Option<ShiftUnit> {
        self.shift_units.get(&lower_key(word)).copied()
    }

    /// The direction of date arithmetic that a word gives ("before" = -1, "after" = 1).
    pub fn shift_direction(&self, word: &str) -> Option<i32> {
        self.shift_directions.get(&lower_key(word)).copied()
    }

    /// The day a holiday named without a year falls on.
    pub fn holiday(&self, name: &str) -> Option<HolidayDate> {
        self.holidays.get(&lower_key(name)).copied()
    }
}

/// Reports a `months` list that is not twelve long or a `weekdays` list that is not seven.
fn check_counts(file: &DatesFile, path: &Path, source: &str, errors: &mut Vec<Diagnostic>) {
    if file.months.len() != 12 {
        errors.push(
            Diagnostic::at(
                path,
                source,
                1,
                1,
                format!("`months` must list 12 months, found {}", file.months.len()),
            )
            .with_hint("one list of names per month, January first"),
        );
    }
    if file.weekdays.len() != 7 {
        errors.push(
            Diagnostic::at(
                path,
                source,
                1,
                1,
                format!("`weekdays` must list 7 days, found {}", file.weekdays.len()),
            )
            .with_hint("one list of names per weekday, Monday first"),
        );
    }
}

/// Every name of `lists` keyed by [`lower_key`], with its list's number counted from `first`.
fn numbered(lists: &[Vec<String>], first: u32) -> BTreeMap<String, u32> {
    let mut numbers = BTreeMap::new();
    for (i, names) in lists.iter().enumerate() {
        for n in names {
            numbers.insert(lower_key(n), i as u32 + first);
        }
    }
    numbers
}

/// Every placeholder of the date patterns but `{holiday}`.
fn placeholders(file: &DatesFile) -> BTreeMap<String, String> {
    let mut ph = BTreeMap::new();
    digit_placeholders(&mut ph);
    name_placeholders(file, &mut ph);
    word_placeholders(file, &mut ph);
    if !file.number_words.is_empty() {
        number_placeholders(&file.number_words, &file.number_joiners, &mut ph);
    }
    arithmetic_placeholders(file, &mut ph);
    ph
}

/// Adds the placeholders for days, month numbers and years written in digits.
fn digit_placeholders(ph: &mut BTreeMap<String, String>) {
    ph.insert("day".into(), r"(?P<day>3[01]|[12]\d|0?[1-9])".into());
    ph.insert("day2".into(), r"(?P<day2>3[01]|[12]\d|0?[1-9])".into());
    ph.insert("mm".into(), r"(?P<mnum>1[0-2]|0?[1-9])".into());
    ph.insert("mm2".into(), r"(?P<mnum2>1[0-2]|0?[1-9])".into());
    ph.insert("year".into(), r"(?P<year>1[89]\d\d|20\d\d)".into());
    ph.insert("year2".into(), r"(?P<year2>1[89]\d\d|20\d\d)".into());
}

/// Adds the month and weekday name placeholders.
fn name_placeholders(file: &DatesFile, ph: &mut BTreeMap<String, String>) {
    // Headlines and datelines print months in capitals ("FEB. 28 2011").
    let all_months = || file.months.iter().flatten().flat_map(|n| [n.clone(), n.to_uppercase()]);
    ph.insert("month".into(), alternation("month", all_months()));
    ph.insert("month2".into(), alternation("month2", all_months()));
    ph.insert(
        "weekday".into(),
        alternation("weekday", file.weekdays.iter().flatten().cloned()),
    );
}

/// Adds the placeholders for relative words, ordinals and days written as words.
fn word_placeholders(file: &DatesFile, ph: &mut BTreeMap<String, String>) {
    ph.insert(
        "rel_year".into(),
        alternation("rel_year", file.relative_years.keys().cloned()),
    );
    ph.insert(
        "rel_day".into(),
        alternation("rel_day", file.relative_days.keys().cloned()),
    );
    ph.insert(
        "rel_week".into(),
        alternation("rel_week", file.relative_weeks.keys().cloned()),
    );
    ph.insert("quarter".into(), alternation("quarter", file.ordinals.keys().cloned()));
    ph.insert("half".into(), alternation("half", file.ordinals.keys().cloned()));
    ph.insert("day_word".into(), alternation("day", file.day_words.keys().cloned()));
    ph.insert("day2_word".into(), alternation("day2", file.day_words.keys().cloned()));
    ph.insert(
        "month_word".into(),
        alternation(
            "mnum",
            file.day_words
                .keys()
                .filter(|k| (1..=12).contains(&file.day_words[*k]))
                .cloned(),
        ),
    );
}

/// Adds the date arithmetic and week offset placeholders, for the tables the file has.
fn arithmetic_placeholders(file: &DatesFile, ph: &mut BTreeMap<String, String>) {
    if !file.shift_units.is_empty() {
        ph.insert(
            "shift_unit".into(),
            alternation("shift_unit", file.shift_units.keys().cloned()),
        );
    }
    if !file.shift_directions.is_empty() {
        ph.insert(
            "shift_dir".into(),
            alternation("shift_dir", file.shift_directions.keys().cloned()),
        );
    }
    if !file.week_offsets.is_empty() {
        ph.insert(
            "week_rel".into(),
            alternation("week_rel", file.week_offsets.keys().cloned()),
        );
    }
}

/// The holidays of `file` keyed by [`lower_key`]; a day that does not parse is reported.
fn holidays(
    file: &DatesFile,
    path: &Path,
    source: &str,
    errors: &mut Vec<Diagnostic>,
) -> BTreeMap<String, HolidayDate> {
    let mut holidays = BTreeMap::new();
    for (name, day) in &file.holidays {
        match day.parse::<HolidayDate>() {
            Ok(h) => {
                holidays.insert(lower_key(name), h);
            }
            Err(message) => {
                let at = source.find(&format!("\"{name}\"")).unwrap_or(0);
                errors.push(
                    Diagnostic::at_byte(path, source, at, format!("holiday `{name}`: {message}"))
                        .with_hint("see rules/README.md, `holidays`"),
                );
            }
        }
    }
    holidays
}

/// Days in `month` of `year`.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn holiday_days_parse_or_explain() {
        assert_eq!("12-25".parse(), Ok(HolidayDate::Fixed { month: 12, day: 25 }));
        assert_eq!("easter".parse(), Ok(HolidayDate::Easter { offset: 0 }));
        assert_eq!("easter-2".parse(), Ok(HolidayDate::Easter { offset: -2 }));
        assert_eq!("easter+50".parse(), Ok(HolidayDate::Easter { offset: 50 }));
        assert_eq!(
            "10-01>7".parse(),
            Ok(HolidayDate::WeekdayOnOrAfter {
                month: 10,
                day: 1,
                weekday: 6
            })
        );
        for bad in ["02-30", "13-01", "12-25>8", "easter*2", "christmas"] {
            assert!(bad.parse::<HolidayDate>().is_err(), "{bad}");
        }
    }

    /// The empty class reads the same inside a case-insensitive group as `[^\s\S]` outside.
    #[test]
    fn nothing_is_the_empty_class_in_either_case_mode() {
        let parse = |s: &str| regex_automata::util::syntax::parse(s).unwrap();
        assert_eq!(parse(&format!("(?i:{NOTHING})")), parse(r"[^\s\S]"));
        assert!(!regex::Regex::new(NOTHING).unwrap().is_match("a \u{e4}"));
    }

    #[test]
    fn words_are_looked_up_in_any_case_and_spacing() {
        let rules = &crate::rules::test_rules().languages[&Lang::En].dates;
        assert_eq!(rules.month("JUNE"), Some(6));
        assert_eq!(rules.weekday("monday"), Some(0));
        assert_eq!(rules.relative_day("YESTERDAY"), Some(-1));
        assert_eq!(rules.shift_direction("prior  to"), Some(-1));
        assert_eq!(rules.week_offset("Last"), Some(-1));
        assert_eq!(
            rules.holiday("christmas day"),
            Some(HolidayDate::Fixed { month: 12, day: 25 })
        );
        assert!(rules.is_number_joiner("and"));
        assert!(rules.is_month("june") && !rules.is_month("junk"));
        assert!(rules.is_weekday("mon") && rules.is_weekday("sunday") && !rules.is_weekday("m"));
    }
}
