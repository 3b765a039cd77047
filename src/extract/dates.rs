//! Dates: every date mention in a story, read into a [`DateExpr`] that the resolve step turns
//! into an ISO 8601 value. Patterns, month and weekday names and relative words come from
//! `rules/<lang>/dates.toml`.

use crate::rules::dates::{days_in_month, DateRules, HolidayDate, ShiftUnit};
use crate::rules::id::RuleId;
use crate::rules::pattern::{choose_non_overlapping, Groups};
use crate::story::StoryText;
use crate::text::Span;

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

/// A date mention found in a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    /// Character span in the story text.
    pub span: Span,
    /// The rule that produced it.
    pub rule: RuleId,
    /// What it says.
    pub expr: DateExpr,
}

/// Reads one match into a date expression; `None` when the captures make no valid date.
fn read(rules: &DateRules, caps: &Groups) -> Option<DateExpr> {
    Reader { rules, caps }.read()
}

/// One match's captures, read with a language's date rules.
struct Reader<'a, 't> {
    /// The language's date rules.
    rules: &'a DateRules,
    /// The match's groups.
    caps: &'a Groups<'t>,
}

impl<'t> Reader<'_, 't> {
    /// The text of group `name`, if it took part in the match.
    fn text(&self, name: &str) -> Option<&'t str> {
        self.caps.name(name).map(|m| m.as_str())
    }

    /// True when group `name` took part in the match.
    fn has(&self, name: &str) -> bool {
        self.caps.name(name).is_some()
    }

    /// Reads the match: a relative day, a holiday, an offset, a relative month, a weekday or
    /// a calendar date.
    fn read(&self) -> Option<DateExpr> {
        if let Some(word) = self.text("rel_day") {
            let offset = self.rules.relative_day(word)?;
            return Some(DateExpr::RelativeDay { offset });
        }
        if let Some(name) = self.text("holiday") {
            return Some(DateExpr::Holiday(self.rules.holiday(name)?));
        }
        let names_a_day = ["month", "mnum", "day"].iter().any(|g| self.has(g));
        if self.has("shift_unit") && !names_a_day {
            return self.offset();
        }
        if let (Some(word), true) = (self.text("rel_year"), self.has("rel_month")) {
            let offset = self.rules.relative_year(word)?;
            return Some(DateExpr::RelativeMonth { offset });
        }
        // A weekday written next to a calendar date ("Friday, June 14") only decorates it.
        let has_calendar = ["month", "mnum", "year", "year_words"].iter().any(|g| self.has(g));
        if let Some(day) = self.text("weekday").filter(|_| !has_calendar) {
            return self.weekday(day);
        }
        self.calendar()
    }

    /// A number written in digits, a day/month word from `day_words`, or a cardinal in words.
    fn number(&self, name: &str) -> Option<u32> {
        let text = self.text(name)?;
        text.parse()
            .ok()
            .or_else(|| self.rules.day_word(text))
            .or_else(|| cardinal(self.rules, text))
    }

    /// A year in digits (group `digits`) or in words (group `words`); the flag tells words.
    fn year(&self, digits: &str, words: &str) -> Option<(i32, bool)> {
        if let Some(y) = self.text(digits).and_then(|t| t.parse().ok()) {
            return Some((y, false));
        }
        Some((year_in_words(self.rules, self.text(words)?)?, true))
    }

    /// A month named (group `name`) or written as a number (group `numeric`).
    fn month(&self, name: &str, numeric: &str) -> Option<u32> {
        self.text(name)
            .and_then(|m| self.rules.month(m))
            .or_else(|| self.number(numeric))
    }

    /// An ordinal in digits or words (group `name`).
    fn ordinal(&self, name: &str) -> Option<u32> {
        let text = self.text(name)?;
        text.parse().ok().or_else(|| self.rules.ordinal(text))
    }

    /// A day counted from the anchor: `shift_num` (or `shift_a`, "a"/"an", for one) units of
    /// `shift_unit`, the way given by `shift_dir` (forward without one: "in 3 weeks").
    fn offset(&self) -> Option<DateExpr> {
        let unit = self.rules.shift_unit(self.text("shift_unit")?)?;
        let direction = match self.text("shift_dir") {
            Some(d) => self.rules.shift_direction(d)?,
            None => 1,
        };
        let amount = match self.caps.name("shift_a") {
            Some(_) => 1,
            None => self.number("shift_num").filter(|n| (1..=999).contains(n))?,
        } as i32;
        Some(DateExpr::Offset {
            shift: Shift {
                amount: amount * direction,
                unit,
            },
        })
    }

    /// A weekday without a calendar date (`name`): of a relative week ("tuesday of next
    /// week"), with a day of the month ("Tuesday the eleventh"), or near the anchor.
    fn weekday(&self, name: &str) -> Option<DateExpr> {
        let weekday = self.rules.weekday(name)?;
        if let Some(w) = self.text("week_rel") {
            let weeks = self.rules.week_offset(w)?;
            return Some(DateExpr::WeekdayOfWeek { weekday, weeks });
        }
        if self.has("day") {
            let day = self.number("day").filter(|d| (1..=31).contains(d))?;
            return Some(DateExpr::WeekdayDay { weekday, day });
        }
        let direction = match self.text("rel_week") {
            Some(w) => self.rules.relative_week(w)?,
            None => 0,
        };
        Some(DateExpr::Weekday { weekday, direction })
    }

    /// A calendar date, month or year, a range of them, or months of a relative year.
    fn calendar(&self) -> Option<DateExpr> {
        let (first_month, last_month) = self.months()?;
        if let Some(word) = self.text("rel_year") {
            let offset = self.rules.relative_year(word)?;
            return Some(DateExpr::RelativeYear {
                offset,
                month: first_month,
                end_month: last_month.filter(|_| first_month.is_some()),
            });
        }
        let (year, year_in_words) = self.year("year", "year_words").unzip();
        // A round year in words ("two thousand") counts only with a month: alone it is
        // usually a quantity.
        if year_in_words == Some(true) && year.is_some_and(|y| y % 100 == 0) && first_month.is_none() {
            return None;
        }
        let start = Ymd {
            year,
            month: first_month,
            day: self.number("day"),
        };
        let end = self.end(&start, last_month)?;
        if !is_valid(&start, end.as_ref()) {
            return None;
        }
        let shift = self.shift(&start, end.is_some())?;
        Some(DateExpr::Calendar { start, end, shift })
    }

    /// The first and last month named: a month (name or number), a quarter, a half or "the
    /// first n months"; `None` when one is out of range.
    fn months(&self) -> Option<(Option<u32>, Option<u32>)> {
        let mut month = self.month("month", "mnum");
        // `mnum_yy`: a month number after a year that could also end a year range ("2010-11"
        // is 2010-2011); it is a month only when that range would run backwards ("2015-12").
        if let Some(mm) = self.text("mnum_yy") {
            let year = self.text("year").and_then(|y| y.parse::<u32>().ok())?;
            let n: u32 = mm.parse().ok()?;
            if mm.len() == 2 && n > year % 100 {
                return None;
            }
            month = Some(n);
        }
        let (mut first_month, mut last_month) = (month, self.month("month2", "mnum2"));
        if let Some(q) = self.ordinal("quarter") {
            if !(1..=4).contains(&q) {
                return None;
            }
            first_month = Some(q * 3 - 2);
            last_month = Some(q * 3);
        }
        if let Some(h) = self.ordinal("half") {
            if !(1..=2).contains(&h) {
                return None;
            }
            first_month = Some(h * 6 - 5);
            last_month = Some(h * 6);
        }
        // "The first two months": January to the n-th month.
        if self.has("first_months") {
            let n = self.number("first_months").filter(|n| (2..=11).contains(n))?;
            first_month = Some(1);
            last_month = Some(n);
        }
        Some((first_month, last_month))
    }

    /// The end of a range from `start`: a second year (in digits, words or the two digits of
    /// a fiscal year), day or `last_month`; `Some(None)` when the match names no range, `None`
    /// when it names an invalid one.
    fn end(&self, start: &Ymd, last_month: Option<u32>) -> Option<Option<Ymd>> {
        // A fiscal or season year ("2017-18"): the two digits must name the next year.
        let fiscal_end = match self.text("year2_yy") {
            Some(yy) => {
                let y = start.year?;
                let n: i32 = yy.parse().ok()?;
                if n != (y + 1) % 100 {
                    return None;
                }
                Some(y + 1)
            }
            None => None,
        };
        let year2 = self.year("year2", "year_words2").map(|y| y.0).or(fiscal_end);
        let day2 = self.number("day2");
        if year2.is_none() && day2.is_none() && last_month.is_none() {
            return Some(None);
        }
        Some(Some(Ymd {
            year: year2.or(start.year),
            month: last_month.or(if year2.is_some() && day2.is_none() {
                None
            } else {
                start.month
            }),
            day: day2,
        }))
    }

    /// Date arithmetic on `start` ("2 weeks before May 13 1999"); `Some(None)` when the match
    /// has none, `None` when it cannot apply (to a range or a date without a day) or is
    /// malformed.
    fn shift(&self, start: &Ymd, range: bool) -> Option<Option<Shift>> {
        let Some(unit) = self.text("shift_unit") else {
            return Some(None);
        };
        // Arithmetic needs a single full date to count from.
        if range || start.day.is_none() {
            return None;
        }
        let unit = self.rules.shift_unit(unit)?;
        let direction = self.rules.shift_direction(self.text("shift_dir")?)?;
        let amount = self.number("shift_num").filter(|n| (1..=999).contains(n))? as i32;
        Some(Some(Shift {
            amount: amount * direction,
            unit,
        }))
    }
}

/// The value of a cardinal written in words ("twenty nine", "two thousand and fifteen"),
/// read with the `hundred` and `thousand` multipliers; `None` if a word is not a number word.
fn cardinal(rules: &DateRules, text: &str) -> Option<u32> {
    let (mut total, mut current) = (0u32, 0u32);
    let mut any = false;
    for word in number_tokens(rules, text)? {
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
fn number_tokens(rules: &DateRules, text: &str) -> Option<Vec<u32>> {
    text.split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !rules.is_number_joiner(w))
        .map(|w| rules.number_word(&w))
        .collect()
}

/// A year written in words: with a multiplier it is a cardinal ("nineteen hundred ninety
/// three", "two thousand and five"), else a century and a two-digit rest ("nineteen ninety
/// six", "twenty twenty", "nineteen oh five"). Years from 1000 to 2099.
fn year_in_words(rules: &DateRules, text: &str) -> Option<i32> {
    let values = number_tokens(rules, text)?;
    let year = if values.iter().any(|v| *v >= 100) {
        cardinal(rules, text)?
    } else {
        let (century, rest) = values.split_first()?;
        if rest.is_empty() {
            return None;
        }
        century * 100 + rest.iter().sum::<u32>()
    };
    (1000..=2099).contains(&year).then_some(year as i32)
}

/// True when `start` names at least a year or a month, every month and day of `start` and
/// `end` exists, and the range does not run backwards.
fn is_valid(start: &Ymd, end: Option<&Ymd>) -> bool {
    if start.year.is_none() && start.month.is_none() {
        return false;
    }
    for ymd in std::iter::once(start).chain(end) {
        if ymd.month.is_some_and(|m| !(1..=12).contains(&m)) {
            return false;
        }
        if ymd.day.is_some() && ymd.month.is_none() {
            return false;
        }
        if let (Some(m), Some(d)) = (ymd.month, ymd.day) {
            if d > days_in_month(ymd.year.unwrap_or(2000), m) {
                return false;
            }
        }
    }
    !end.is_some_and(|e| order_key(e) < order_key(start) && e.year.is_some())
}

/// A date's year, month and day as a sort key, a missing part as 0.
fn order_key(d: &Ymd) -> (i32, u32, u32) {
    (d.year.unwrap_or(0), d.month.unwrap_or(0), d.day.unwrap_or(0))
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
pub fn extract(story: &StoryText, rules: &DateRules) -> Vec<DateMention> {
    let (text, index) = (story.text(), story.index());
    let candidates: Vec<_> = rules
        .patterns()
        .find_all_from(text, story.match_starts())
        .into_iter()
        .filter(|m| !continues_amount(text, m.start) && !continued_by_digits(text, m.end))
        .filter_map(|m| read(rules, &m.captures).map(|expr| (m, expr)))
        .collect();
    choose_non_overlapping(candidates)
        .into_iter()
        .map(|(m, expr)| DateMention {
            span: index.span(m.start, m.end),
            rule: rules.patterns().patterns[m.pattern].id.clone(),
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
            let found = extract(&StoryText::new(text), &rules.language(lang).unwrap().dates);
            let values: Vec<String> = resolve(&found, published, reference)
                .into_iter()
                .map(|d| d.value)
                .collect();
            assert_eq!(values, *want, "{lang}: {text}");
        }
    }
}
