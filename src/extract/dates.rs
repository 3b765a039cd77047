//! Dates: every date mention in a story, read into a [`DateExpr`] that the resolve step turns
//! into an ISO 8601 value. Patterns, month and weekday names and relative words come from
//! `rules/<lang>/dates.toml`.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Captures;
use serde::Deserialize;

use crate::rules::diag::Diagnostic;
use crate::rules::pattern::{alternation, choose_non_overlapping, PatternSet, PatternSpec};
use crate::rules::source::read_toml;
use crate::text::{lower_words, CharIndex, Span};

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

/// A year, month and day as far as the text gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ymd {
    /// The year, if written.
    pub year: Option<i32>,
    /// The month, if named.
    pub month: Option<u32>,
    /// The day, if named.
    pub day: Option<u32>,
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

/// Date arithmetic applied to a calendar day: "2 weeks before May 13 1999" is May 13 1999
/// shifted by -2 weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    /// Signed number of units (negative: before the date).
    pub amount: i32,
    /// The unit.
    pub unit: ShiftUnit,
}

/// What a date mention says, before its year is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateExpr {
    /// A calendar date, month or year, or a range of them; a missing year is inferred later.
    Calendar {
        /// Start (or the only point).
        start: Ymd,
        /// End of a range.
        end: Option<Ymd>,
        /// Date arithmetic on the (single, full) date: the value is the shifted day.
        shift: Option<Shift>,
    },
    /// A year relative to the anchor ("last year"), optionally a month or month range in it.
    RelativeYear {
        /// Years from the anchor year.
        offset: i32,
        /// First month named in that year.
        month: Option<u32>,
        /// Last month of a month range (quarters, halves).
        end_month: Option<u32>,
    },
    /// A day relative to the anchor ("yesterday").
    RelativeDay {
        /// Days from the anchor.
        offset: i64,
    },
    /// A weekday near the anchor ("last Monday").
    Weekday {
        /// 0 = Monday.
        weekday: u32,
        /// -1 before the anchor, 1 after, 0 the nearest on or before.
        direction: i32,
    },
    /// A weekday of a week relative to the anchor's week ("tuesday of next week", "this week
    /// Monday"); weeks start on Monday.
    WeekdayOfWeek {
        /// 0 = Monday.
        weekday: u32,
        /// Weeks from the anchor's week.
        weeks: i32,
    },
    /// A day of the month named with its weekday but no month ("Tuesday the eleventh"): the
    /// date nearest the anchor whose day of the month falls on that weekday.
    WeekdayDay {
        /// 0 = Monday.
        weekday: u32,
        /// Day of the month.
        day: u32,
    },
    /// A day counted from the anchor ("two months ago", "in 3 weeks", "vor zwei Jahren").
    Offset {
        /// How far and which way.
        shift: Shift,
    },
    /// A month relative to the anchor's month ("last month", "im vergangenen Monat").
    RelativeMonth {
        /// Months from the anchor's month.
        offset: i32,
    },
    /// A holiday named without a year ("Christmas", "Karsamstag"); the year is inferred.
    Holiday(HolidayDate),
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

/// A date mention found in a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    /// Character span in the story text.
    pub span: Span,
    /// The rule that produced it.
    pub rule: String,
    /// What it says.
    pub expr: DateExpr,
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

fn lower_key(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

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
            // whole pattern fall back to a slow engine on non-ASCII text.
            r"[^\s\S]".to_owned()
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
        if file.months.len() != 12 {
            errors.push(
                Diagnostic::at(
                    path,
                    &source,
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
                    &source,
                    1,
                    1,
                    format!("`weekdays` must list 7 days, found {}", file.weekdays.len()),
                )
                .with_hint("one list of names per weekday, Monday first"),
            );
        }
        if errors.len() > before {
            return None;
        }
        let mut months = BTreeMap::new();
        for (i, names) in file.months.iter().enumerate() {
            for n in names {
                months.insert(lower_key(n), i as u32 + 1);
            }
        }
        let mut weekdays = BTreeMap::new();
        for (i, names) in file.weekdays.iter().enumerate() {
            for n in names {
                weekdays.insert(lower_key(n), i as u32);
            }
        }
        // Headlines and datelines print months in capitals ("FEB. 28 2011").
        let all_months = || file.months.iter().flatten().flat_map(|n| [n.clone(), n.to_uppercase()]);
        let mut ph = BTreeMap::new();
        ph.insert("month".into(), alternation("month", all_months()));
        ph.insert("month2".into(), alternation("month2", all_months()));
        ph.insert(
            "weekday".into(),
            alternation("weekday", file.weekdays.iter().flatten().cloned()),
        );
        ph.insert("day".into(), r"(?P<day>3[01]|[12]\d|0?[1-9])".into());
        ph.insert("day2".into(), r"(?P<day2>3[01]|[12]\d|0?[1-9])".into());
        ph.insert("mm".into(), r"(?P<mnum>1[0-2]|0?[1-9])".into());
        ph.insert("mm2".into(), r"(?P<mnum2>1[0-2]|0?[1-9])".into());
        ph.insert("year".into(), r"(?P<year>1[89]\d\d|20\d\d)".into());
        ph.insert("year2".into(), r"(?P<year2>1[89]\d\d|20\d\d)".into());
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
        if !file.number_words.is_empty() {
            number_placeholders(&file.number_words, &file.number_joiners, &mut ph);
        }
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
        let mut holidays = BTreeMap::new();
        for (name, day) in &file.holidays {
            match day.parse::<HolidayDate>() {
                Ok(h) => {
                    holidays.insert(lower_key(name), h);
                }
                Err(message) => {
                    let at = source.find(&format!("\"{name}\"")).unwrap_or(0);
                    errors.push(
                        Diagnostic::at_byte(path, &source, at, format!("holiday `{name}`: {message}"))
                            .with_hint("see rules/README.md, `holidays`"),
                    );
                }
            }
        }
        if !holidays.is_empty() {
            ph.insert("holiday".into(), alternation("holiday", file.holidays.keys().cloned()));
        }
        let patterns = PatternSet::compile(&file.patterns, &ph, path, &source, errors)?;
        if errors.len() > before {
            return None;
        }
        let lower_map =
            |m: &BTreeMap<String, i32>| m.iter().map(|(k, v)| (lower_key(k), *v)).collect::<BTreeMap<_, _>>();
        Some(DateRules {
            patterns,
            months,
            weekdays,
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
        })
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

    /// A number written in digits, a day/month word from `day_words`, or a cardinal in words.
    fn number(&self, caps: &Captures, name: &str) -> Option<u32> {
        let text = caps.name(name)?.as_str();
        text.parse()
            .ok()
            .or_else(|| self.day_words.get(&lower_key(text)).copied())
            .or_else(|| self.cardinal(text))
    }

    /// The value of a cardinal written in words ("twenty nine", "two thousand and fifteen"),
    /// read with the `hundred` and `thousand` multipliers; `None` if a word is not a number word.
    fn cardinal(&self, text: &str) -> Option<u32> {
        let (mut total, mut current) = (0u32, 0u32);
        let mut any = false;
        for word in self.number_tokens(text)? {
            match word {
                100 => current = current.max(1) * 100,
                1000 => {
                    total += current.max(1) * 1000;
                    current = 0;
                }
                v => current += v,
            }
            any = true;
        }
        any.then_some(total + current)
    }

    /// The values of the number words of `text`, joiners left out.
    fn number_tokens(&self, text: &str) -> Option<Vec<u32>> {
        text.split(|c: char| c.is_whitespace() || c == '-')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .filter(|w| !self.number_joiners.contains(w))
            .map(|w| self.number_words.get(&w).copied())
            .collect()
    }

    /// A year written in words: with a multiplier it is a cardinal ("nineteen hundred ninety
    /// three", "two thousand and five"), else a century and a two-digit rest ("nineteen ninety
    /// six", "twenty twenty", "nineteen oh five"). Years from 1000 to 2099.
    fn year_in_words(&self, text: &str) -> Option<i32> {
        let values = self.number_tokens(text)?;
        let year = if values.iter().any(|v| *v >= 100) {
            self.cardinal(text)?
        } else {
            let (century, rest) = values.split_first()?;
            if rest.is_empty() {
                return None;
            }
            century * 100 + rest.iter().sum::<u32>()
        };
        (1000..=2099).contains(&year).then_some(year as i32)
    }

    /// A year in digits (group `digits`) or in words (group `words`); the flag tells words.
    fn year(&self, caps: &Captures, digits: &str, words: &str) -> Option<(i32, bool)> {
        if let Some(y) = caps.name(digits).and_then(|m| m.as_str().parse().ok()) {
            return Some((y, false));
        }
        let text = caps.name(words)?.as_str();
        Some((self.year_in_words(text)?, true))
    }

    fn month(&self, caps: &Captures, name: &str, numeric: &str) -> Option<u32> {
        caps.name(name)
            .and_then(|m| self.months.get(&lower_key(m.as_str())).copied())
            .or_else(|| self.number(caps, numeric))
    }

    fn ordinal(&self, caps: &Captures, name: &str) -> Option<u32> {
        let text = caps.name(name)?.as_str();
        text.parse()
            .ok()
            .or_else(|| self.ordinals.get(&lower_key(text)).copied())
    }

    /// A day counted from the anchor: `shift_num` (or `shift_a`, "a"/"an", for one) units of
    /// `shift_unit`, the way given by `shift_dir` (forward without one: "in 3 weeks").
    fn offset(&self, caps: &Captures) -> Option<DateExpr> {
        let unit = *self.shift_units.get(&lower_key(caps.name("shift_unit")?.as_str()))?;
        let direction = match caps.name("shift_dir") {
            Some(d) => *self.shift_directions.get(&lower_key(d.as_str()))?,
            None => 1,
        };
        let amount = match caps.name("shift_a") {
            Some(_) => 1,
            None => self.number(caps, "shift_num").filter(|n| (1..=999).contains(n))?,
        } as i32;
        Some(DateExpr::Offset {
            shift: Shift {
                amount: amount * direction,
                unit,
            },
        })
    }

    /// Reads one match into a date expression; `None` when the captures make no valid date.
    fn read(&self, caps: &Captures) -> Option<DateExpr> {
        if let Some(word) = caps.name("rel_day") {
            let offset = *self.relative_days.get(&lower_key(word.as_str()))?;
            return Some(DateExpr::RelativeDay { offset });
        }
        if let Some(name) = caps.name("holiday") {
            return Some(DateExpr::Holiday(*self.holidays.get(&lower_key(name.as_str()))?));
        }
        let names_a_day = ["month", "mnum", "day"].iter().any(|g| caps.name(g).is_some());
        if caps.name("shift_unit").is_some() && !names_a_day {
            return self.offset(caps);
        }
        if let (Some(word), Some(_)) = (caps.name("rel_year"), caps.name("rel_month")) {
            let offset = *self.relative_years.get(&lower_key(word.as_str()))?;
            return Some(DateExpr::RelativeMonth { offset });
        }
        // A weekday written next to a calendar date ("Friday, June 14") only decorates it.
        let has_calendar = ["month", "mnum", "year", "year_words"]
            .iter()
            .any(|g| caps.name(g).is_some());
        if let Some(day) = caps.name("weekday").filter(|_| !has_calendar) {
            let weekday = *self.weekdays.get(&lower_key(day.as_str()))?;
            if let Some(w) = caps.name("week_rel") {
                let weeks = *self.week_offsets.get(&lower_key(w.as_str()))?;
                return Some(DateExpr::WeekdayOfWeek { weekday, weeks });
            }
            if caps.name("day").is_some() {
                let day = self.number(caps, "day").filter(|d| (1..=31).contains(d))?;
                return Some(DateExpr::WeekdayDay { weekday, day });
            }
            let direction = match caps.name("rel_week") {
                Some(w) => *self.relative_weeks.get(&lower_key(w.as_str()))?,
                None => 0,
            };
            return Some(DateExpr::Weekday { weekday, direction });
        }
        let mut month = self.month(caps, "month", "mnum");
        // `mnum_yy`: a month number after a year that could also end a year range ("2010-11"
        // is 2010-2011); it is a month only when that range would run backwards ("2015-12").
        if let Some(mm) = caps.name("mnum_yy") {
            let year = caps.name("year").and_then(|y| y.as_str().parse::<u32>().ok())?;
            let n: u32 = mm.as_str().parse().ok()?;
            if mm.as_str().len() == 2 && n > year % 100 {
                return None;
            }
            month = Some(n);
        }
        let (mut first_month, mut last_month) = (month, self.month(caps, "month2", "mnum2"));
        if let Some(q) = self.ordinal(caps, "quarter") {
            if !(1..=4).contains(&q) {
                return None;
            }
            first_month = Some(q * 3 - 2);
            last_month = Some(q * 3);
        }
        if let Some(h) = self.ordinal(caps, "half") {
            if !(1..=2).contains(&h) {
                return None;
            }
            first_month = Some(h * 6 - 5);
            last_month = Some(h * 6);
        }
        // "The first two months": January to the n-th month.
        if caps.name("first_months").is_some() {
            let n = self.number(caps, "first_months").filter(|n| (2..=11).contains(n))?;
            first_month = Some(1);
            last_month = Some(n);
        }
        if let Some(word) = caps.name("rel_year") {
            let offset = *self.relative_years.get(&lower_key(word.as_str()))?;
            return Some(DateExpr::RelativeYear {
                offset,
                month: first_month,
                end_month: last_month.filter(|_| first_month.is_some()),
            });
        }
        let (year, year_in_words) = self.year(caps, "year", "year_words").unzip();
        // A round year in words ("two thousand") counts only with a month: alone it is
        // usually a quantity.
        if year_in_words == Some(true) && year.is_some_and(|y| y % 100 == 0) && first_month.is_none() {
            return None;
        }
        let day = self.number(caps, "day");
        let start = Ymd {
            year,
            month: first_month,
            day,
        };
        // A fiscal or season year ("2017-18"): the two digits must name the next year.
        let fiscal_end = match caps.name("year2_yy") {
            Some(yy) => {
                let y = year?;
                let n: i32 = yy.as_str().parse().ok()?;
                if n != (y + 1) % 100 {
                    return None;
                }
                Some(y + 1)
            }
            None => None,
        };
        let year2 = self.year(caps, "year2", "year_words2").map(|y| y.0).or(fiscal_end);
        let day2 = self.number(caps, "day2");
        let end = if year2.is_some() || day2.is_some() || last_month.is_some() {
            Some(Ymd {
                year: year2.or(year),
                month: last_month.or(if year2.is_some() && day2.is_none() {
                    None
                } else {
                    first_month
                }),
                day: day2,
            })
        } else {
            None
        };
        if start.year.is_none() && start.month.is_none() {
            return None;
        }
        for ymd in std::iter::once(&start).chain(end.iter()) {
            if ymd.month.is_some_and(|m| !(1..=12).contains(&m)) {
                return None;
            }
            if ymd.day.is_some() && ymd.month.is_none() {
                return None;
            }
            if let (Some(m), Some(d)) = (ymd.month, ymd.day) {
                if d > days_in_month(ymd.year.unwrap_or(2000), m) {
                    return None;
                }
            }
        }
        if let Some(e) = &end {
            if order_key(e) < order_key(&start) && e.year.is_some() {
                return None;
            }
        }
        let shift = match caps.name("shift_unit") {
            Some(unit) => {
                // Arithmetic needs a single full date to count from.
                if end.is_some() || start.day.is_none() {
                    return None;
                }
                let unit = *self.shift_units.get(&lower_key(unit.as_str()))?;
                let direction = *self
                    .shift_directions
                    .get(&lower_key(caps.name("shift_dir")?.as_str()))?;
                let amount = self.number(caps, "shift_num").filter(|n| (1..=999).contains(n))? as i32;
                Some(Shift {
                    amount: amount * direction,
                    unit,
                })
            }
            None => None,
        };
        Some(DateExpr::Calendar { start, end, shift })
    }
}

fn order_key(d: &Ymd) -> (i32, u32, u32) {
    (d.year.unwrap_or(0), d.month.unwrap_or(0), d.day.unwrap_or(0))
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

/// True when the mention starting at byte `start` begins with a digit that continues a number
/// or a money amount ("6,107.31 August", "$12 December 27", "+7 7172 2015", "04/2017"): such
/// digits are not a day or a year.
fn continues_amount(text: &str, start: usize) -> bool {
    if !text[start..].starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let mut before = text[..start].chars().rev();
    match before.next() {
        Some('.' | ',' | ' ' | '/' | '-') if before.clone().next().is_some_and(|c| c.is_ascii_digit()) => true,
        Some(c) if is_currency(c) => true,
        Some(' ') => before.next().is_some_and(is_currency),
        _ => false,
    }
}

/// True when the mention ending at byte `end` ends in digits that a decimal or thousands
/// separator and more digits continue ("2017.5 million", "1950,5 Tonnen").
fn continued_by_digits(text: &str, end: usize) -> bool {
    let mut after = text[end..].chars();
    text[..end].ends_with(|c: char| c.is_ascii_digit())
        && matches!(after.next(), Some('.' | ','))
        && after.next().is_some_and(|c| c.is_ascii_digit())
}

fn is_currency(c: char) -> bool {
    matches!(c, '$' | '€' | '£' | '¥' | '₹' | '₽' | '₸' | '₩')
}

/// Finds every date mention in `text`, in text order, overlaps resolved to the longest match.
pub fn extract(text: &str, rules: &DateRules) -> Vec<DateMention> {
    let index = CharIndex::new(text);
    let candidates: Vec<_> = rules
        .patterns
        .find_all(text)
        .into_iter()
        .filter(|m| !continues_amount(text, m.start) && !continued_by_digits(text, m.end))
        .filter_map(|m| rules.read(&m.captures).map(|expr| (m, expr)))
        .collect();
    choose_non_overlapping(candidates)
        .into_iter()
        .map(|(m, expr)| DateMention {
            span: index.span(m.start, m.end),
            rule: rules.patterns.patterns[m.pattern].id.clone(),
            expr,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::dates::resolve;
    use chrono::NaiveDate;

    /// (language, text, expected values in text order), resolved against 2024-06-14 as the
    /// published date so that relative and yearless dates are checkable.
    const CASES: &[(&str, &str, &[&str])] = &[
        (
            "en",
            "The talks were held on June 14, 2024 in Tashkent.",
            &["2024-06-14"],
        ),
        (
            "en",
            "Signed on 14 June 2024 and on the 5th of December, 2019.",
            &["2024-06-14", "2019-12-05"],
        ),
        (
            "en",
            "The visit began on June 13 and will end on June 15.",
            &["2024-06-13", "2024-06-15"],
        ),
        ("en", "The summit, June 13-15, 2024, ended.", &["2024-06-13/2024-06-15"]),
        (
            "en",
            "The programme for 2026-2030 and from 2023 to 2027.",
            &["2026/2030", "2023/2027"],
        ),
        (
            "en",
            "In March of last year the forum met; next year another one.",
            &["2023-03", "2025"],
        ),
        ("en", "Yesterday the ministers met.", &["2024-06-13"]),
        (
            "en",
            "Growth in the third quarter of 2022 was strong.",
            &["2022-07/2022-09"],
        ),
        ("en", "On 31 May, the delegations met in Washington.", &["2024-05-31"]),
        ("en", "In 2027, the 90th anniversary will be celebrated.", &["2027"]),
        ("en", "for the next three years at the 43rd session", &[]),
        ("en", "over 700 enterprises, 1.5-fold growth, at 10:30 am", &[]),
        ("en", "You may go this spring.", &[]),
        (
            "en",
            "They left in nineteen ninety six and came back in two thousand and fifteen.",
            &["1996", "2015"],
        ),
        (
            "en",
            "Born on January twenty five nineteen eighty six, 6 April seventeen hundred thirty three.",
            &["1986-01-25", "1733-04-06"],
        ),
        (
            "en",
            "They left in October two thousand and in May twenty twenty.",
            &["2000-10", "2020-05"],
        ),
        ("en", "I'll go back May twenty nine.", &["2024-05-29"]),
        ("en", "In two thousand homes; in March three people died.", &["2024-03"]),
        (
            "en",
            "It happened 2 weeks before May 13 1999, 16 days from 01/02/2018 and 3 days after January 12th.",
            &["1999-04-29", "2018-01-18", "2024-01-15"],
        ),
        (
            "en",
            "Is 2015-12, 12-2015 or 2015-3 valid?",
            &["2015-12", "2015-12", "2015-03"],
        ),
        ("en", "The 2010-11 season, 7.6 and 5.12 percent", &["2010/2011"]),
        (
            "en",
            "I bought it for $12 December 27; 6,107.31 August 2019.",
            &["2024-12-27", "2019-08"],
        ),
        ("en", "I went back to China in 2017 april.", &["2017-04"]),
        (
            "en",
            "We meet on tuesday of next week, next week on Thursday and on Tuesday the eleventh.",
            &["2024-06-18", "2024-06-20", "2024-06-11"],
        ),
        ("en", "The 9th month of next year", &["2025-09"]),
        ("en", "On Feb 29 the vote was held.", &["2024-02-29"]),
        ("de", "Am 29. März fand in Almaty ein Treffen statt.", &["2024-03-29"]),
        (
            "de",
            "zwei Wochen nach dem 12. Januar 2021 und drei Tage vor dem 5. Mai",
            &["2021-01-26", "2024-05-02"],
        ),
        (
            "de",
            "Am 5. Dezember 2019 und am 14.06.2024 wurde unterzeichnet.",
            &["2019-12-05", "2024-06-14"],
        ),
        (
            "de",
            "Vom 5. bis 7. Dezember tagte das Forum.",
            &["2024-12-05/2024-12-07"],
        ),
        (
            "de",
            "Das Programm 2026 bis 2030 beginnt Anfang 2025.",
            &["2026/2030", "2025"],
        ),
        (
            "de",
            "Im vergangenen Jahr und im Juni dieses Jahres",
            &["2023", "2024-06"],
        ),
        ("de", "Gestern trafen sich die Minister.", &["2024-06-13"]),
        ("de", "seit 14 Jahren, um 14 Prozent, über 2000 Projekte", &[]),
        (
            "en",
            "on the 14th of June, 2024 and on 2024-06-14",
            &["2024-06-14", "2024-06-14"],
        ),
        (
            "en",
            "signed 14.06.2024; Jun. 14 and Sept. 2023",
            &["2024-06-14", "2024-06-14", "2023-09"],
        ),
        (
            "en",
            "in March the sides met; for 2024-2025 a plan",
            &["2024-03", "2024/2025"],
        ),
        (
            "en",
            "Today and this year, in June of this year, last Monday",
            &["2024-06-14", "2024", "2024-06", "2024-06-10"],
        ),
        (
            "en",
            "the first half of this year and Q3 2022",
            &["2024-01/2024-06", "2022-07/2022-09"],
        ),
        (
            "en",
            "at 10:30, aged 65, a 65-year-old minister, $2025 million, this spring",
            &[],
        ),
        ("en", "two thousand and fifteen", &[]),
        ("en", "They met in October two thousand and five.", &["2005-10"]),
        ("en", "It happened 2 weeks before May 13 1999.", &["1999-04-29"]),
        ("de", "14. Juni 2024 und am 2024-06-14", &["2024-06-14", "2024-06-14"]),
        (
            "de",
            "im Juni trafen sie sich; heute und vergangenes Jahr",
            &["2024-06", "2024-06-14", "2023"],
        ),
        (
            "de",
            "im nächsten Jahr und am vergangenen Montag",
            &["2025", "2024-06-10"],
        ),
        (
            "de",
            "im ersten Halbjahr 2024 und im dritten Quartal 2022",
            &["2024-01/2024-06", "2022-07/2022-09"],
        ),
        ("de", "um 10:30 Uhr, im Alter von 65 Jahren, in diesem Frühjahr", &[]),
    ];

    #[test]
    fn table_of_english_and_german_dates() {
        let rules = crate::rules::test_rules();
        let published = NaiveDate::from_ymd_opt(2024, 6, 14);
        let reference = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        for (lang, text, want) in CASES {
            let found = extract(text, &rules.languages[*lang].dates);
            let values: Vec<String> = resolve(&found, published, reference)
                .into_iter()
                .map(|d| d.value)
                .collect();
            assert_eq!(values, *want, "{lang}: {text}");
        }
    }
}
