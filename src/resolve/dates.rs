//! Year inference and normalisation of date mentions: turns each [`DateExpr`] into an ISO 8601
//! value, says where its year came from, and finds the story's published and event dates.

use crate::rules::id::RuleId;
use chrono::{Datelike, Duration, Months, NaiveDate};

use crate::extract::dates::{DateExpr, DateMention, Shift, Ymd};
use crate::rules::dates::{HolidayDate, ShiftUnit};
use crate::text::Span;

/// How a date mention names its year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    /// The text names the year.
    Explicit,
    /// Day or month named, year taken from context.
    Inferred,
    /// Relative to the anchor date ("last year").
    Relative,
}

impl DateKind {
    /// The name used in the records.
    pub fn as_str(&self) -> &'static str {
        match self {
            DateKind::Explicit => "explicit",
            DateKind::Inferred => "inferred",
            DateKind::Relative => "relative",
        }
    }
}

/// Where a date's year came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearSource {
    /// Written in the mention.
    Text,
    /// The story's published date.
    Published,
    /// The latest explicit year earlier in the story.
    Context,
    /// The `--reference-date`.
    Reference,
}

impl YearSource {
    /// The name used in the records.
    pub fn as_str(&self) -> &'static str {
        match self {
            YearSource::Text => "text",
            YearSource::Published => "published",
            YearSource::Context => "context",
            YearSource::Reference => "reference",
        }
    }
}

/// A date mention with its resolved value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedDate {
    /// Span in the story text.
    pub span: Span,
    /// Rule id.
    pub rule: RuleId,
    /// ISO 8601 value, `A/B` for ranges.
    pub value: String,
    /// How the year is named.
    pub kind: DateKind,
    /// Where the year came from.
    pub year_source: YearSource,
    /// True when the value is a single day or month (usable as an event date).
    pub is_point: bool,
}

/// True for a weekday mention ("on Thursday", "am Montag"): it needs a published date to
/// resolve against.
fn is_weekday(expr: &DateExpr) -> bool {
    matches!(
        expr,
        DateExpr::Weekday { .. } | DateExpr::WeekdayOfWeek { .. } | DateExpr::WeekdayDay { .. }
    )
}

/// Resolves the mentions of one story. `published` is the story's publication date, if found;
/// without one, weekday mentions are left out (they are not dates then).
pub fn resolve(mentions: &[DateMention], published: Option<NaiveDate>, reference: NaiveDate) -> Vec<ResolvedDate> {
    let mut resolver = Resolver::new(published, reference);
    mentions
        .iter()
        .filter(|m| published.is_some() || !is_weekday(&m.expr))
        .map(|m| {
            let value = resolver.value(&m.expr);
            ResolvedDate {
                span: m.span,
                rule: m.rule.clone(),
                value: value.iso,
                kind: value.kind,
                year_source: value.year_source,
                is_point: value.is_point,
            }
        })
        .collect()
}

/// A resolved value before it is joined to its mention.
struct Value {
    /// ISO 8601 value, `A/B` for ranges.
    iso: String,
    /// How the year is named.
    kind: DateKind,
    /// Where the year came from.
    year_source: YearSource,
    /// True when the value is a single day or month.
    is_point: bool,
}

impl Value {
    /// A relative day (or month) counted from the anchor.
    fn relative(iso: String, year_source: YearSource) -> Value {
        Value {
            iso,
            kind: DateKind::Relative,
            year_source,
            is_point: true,
        }
    }
}

/// Resolves the mentions of one story in text order, remembering the latest year written.
struct Resolver {
    /// The story's published date, if known.
    published: Option<NaiveDate>,
    /// The `--reference-date`.
    reference: NaiveDate,
    /// What relative dates count from: the published date, else the reference date.
    anchor: NaiveDate,
    /// Which of the two the anchor is.
    anchor_source: YearSource,
    /// The latest year written in an explicit date so far.
    last_explicit_year: Option<i32>,
}

impl Resolver {
    /// A resolver for a story published on `published` (if known).
    fn new(published: Option<NaiveDate>, reference: NaiveDate) -> Resolver {
        let (anchor, anchor_source) = match published {
            Some(p) => (p, YearSource::Published),
            None => (reference, YearSource::Reference),
        };
        Resolver {
            published,
            reference,
            anchor,
            anchor_source,
            last_explicit_year: None,
        }
    }

    /// The value of one expression.
    fn value(&mut self, expr: &DateExpr) -> Value {
        let (anchor, source) = (self.anchor, self.anchor_source);
        match expr {
            DateExpr::Calendar { start, end, shift } => self.calendar(start, end.as_ref(), shift.as_ref()),
            DateExpr::RelativeYear {
                offset,
                month,
                end_month,
            } => relative_year(anchor.year() + offset, *month, *end_month, source),
            DateExpr::RelativeDay { offset } => {
                Value::relative(iso_day(Some(anchor + Duration::days(*offset))), source)
            }
            DateExpr::Weekday { weekday, direction } => {
                Value::relative(iso_day(Some(weekday_near(anchor, *weekday, *direction))), source)
            }
            DateExpr::WeekdayOfWeek { weekday, weeks } => {
                let monday = anchor - Duration::days(anchor.weekday().num_days_from_monday() as i64);
                let day = monday + Duration::days(7 * *weeks as i64 + *weekday as i64);
                Value::relative(iso_day(Some(day)), source)
            }
            DateExpr::Offset { shift } => Value::relative(iso_day(apply_shift(anchor, *shift)), source),
            DateExpr::RelativeMonth { offset } => {
                let months = anchor.year() * 12 + anchor.month0() as i32 + offset;
                let iso = format!("{:04}-{:02}", months.div_euclid(12), months.rem_euclid(12) + 1);
                Value::relative(iso, source)
            }
            DateExpr::Holiday(holiday) => {
                let (year, year_source) = self.inferred_year();
                Value {
                    iso: iso_day(holiday_in(year, *holiday)),
                    kind: DateKind::Inferred,
                    year_source,
                    is_point: true,
                }
            }
            DateExpr::WeekdayDay { weekday, day } => {
                Value::relative(iso_day(weekday_day_near(anchor, *weekday, *day)), source)
            }
        }
    }

    /// The year of a date that does not write one (see [`inferred_year`]).
    fn inferred_year(&self) -> (i32, YearSource) {
        inferred_year(self.published, self.last_explicit_year, self.reference)
    }

    /// A calendar date or range, with its year written, inferred, and an optional shift
    /// ("two days after 3 May").
    fn calendar(&mut self, start: &Ymd, end: Option<&Ymd>, shift: Option<&Shift>) -> Value {
        let (year, kind, year_source) = match start.year.or(end.and_then(|e| e.year)) {
            Some(y) => (y, DateKind::Explicit, YearSource::Text),
            None => {
                let (y, source) = self.inferred_year();
                (y, DateKind::Inferred, source)
            }
        };
        // The date an inferred year is chosen near: the anchor, or the middle of a context year.
        let near = match year_source {
            YearSource::Context => NaiveDate::from_ymd_opt(year, 7, 1).unwrap_or(self.anchor),
            _ => self.anchor,
        };
        if let Some(day) = shift.and_then(|shift| shifted_day(start, near, *shift)) {
            if kind == DateKind::Explicit {
                self.last_explicit_year = Some(year);
            }
            return Value {
                iso: iso_day(Some(day)),
                kind,
                year_source,
                is_point: true,
            };
        }
        if kind == DateKind::Explicit {
            self.last_explicit_year = Some(end.and_then(|e| e.year).unwrap_or(year));
        }
        Value {
            iso: calendar_value(start, end, year, near),
            kind,
            year_source,
            is_point: end.is_none() && start.month.is_some(),
        }
    }
}

/// A year counted from the anchor ("last year", "im März nächsten Jahres"), with an optional
/// month or month range.
fn relative_year(year: i32, month: Option<u32>, end_month: Option<u32>, source: YearSource) -> Value {
    let iso = match (month, end_month) {
        (Some(m), Some(e)) if e != m => format!("{year:04}-{m:02}/{year:04}-{e:02}"),
        (Some(m), _) => format!("{year:04}-{m:02}"),
        _ => format!("{year:04}"),
    };
    Value {
        iso,
        kind: DateKind::Relative,
        year_source: source,
        is_point: month.is_some() && end_month.is_none(),
    }
}

/// The day `shift` away from the day `start` names; without a written year that day is its
/// occurrence nearest `near`. None when `start` is not a whole day or the result is out of range.
fn shifted_day(start: &Ymd, near: NaiveDate, shift: Shift) -> Option<NaiveDate> {
    let (month, day) = (start.month?, start.day?);
    let base = match start.year {
        Some(y) => NaiveDate::from_ymd_opt(y, month, day),
        None => nearest_occurrence(near, month, day),
    };
    base.and_then(|b| apply_shift(b, shift))
}

/// The ISO value of a calendar date or range whose missing years are `year` (a yearless
/// February 29 falls in the leap year nearest `near`).
fn calendar_value(start: &Ymd, end: Option<&Ymd>, year: i32, near: NaiveDate) -> String {
    let s = Ymd {
        year: Some(match start.year {
            Some(y) => y,
            None if start.month == Some(2) && start.day == Some(29) => leap_year_near(year, near),
            None => year,
        }),
        ..*start
    };
    match end {
        Some(e) => {
            let e = Ymd {
                year: Some(e.year.unwrap_or(year)),
                ..*e
            };
            format!("{}/{}", format_ymd(&s), format_ymd(&e))
        }
        None => format_ymd(&s),
    }
}

/// The year of a date that does not write one: the published date's, else the latest year
/// written earlier in the story (`context`), else the reference date's.
fn inferred_year(published: Option<NaiveDate>, context: Option<i32>, reference: NaiveDate) -> (i32, YearSource) {
    match (published, context) {
        (Some(p), _) => (p.year(), YearSource::Published),
        (None, Some(y)) => (y, YearSource::Context),
        (None, None) => (reference.year(), YearSource::Reference),
    }
}

/// `day` as `YYYY-MM-DD`, or empty when there is none (a day out of range).
fn iso_day(day: Option<NaiveDate>) -> String {
    day.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

fn format_ymd(d: &Ymd) -> String {
    let y = d.year.unwrap_or(0);
    match (d.month, d.day) {
        (Some(m), Some(day)) => format!("{y:04}-{m:02}-{day:02}"),
        (Some(m), None) => format!("{y:04}-{m:02}"),
        _ => format!("{y:04}"),
    }
}

/// Of `candidates`, the date nearest `near`; on a tie the earlier one.
fn nearest(near: NaiveDate, candidates: impl IntoIterator<Item = NaiveDate>) -> Option<NaiveDate> {
    candidates
        .into_iter()
        .min_by_key(|d| ((*d - near).num_days().abs(), *d > near))
}

/// The leap year nearest `year` whose February 29 is nearest `near` (the earlier on a tie).
fn leap_year_near(year: i32, near: NaiveDate) -> i32 {
    let leaps = (year - 4..=year + 4).filter_map(|y| NaiveDate::from_ymd_opt(y, 2, 29));
    nearest(near, leaps).map_or(year, |d| d.year())
}

/// The occurrence of `month`-`day` nearest `near` (a February 29 in the nearest leap year).
fn nearest_occurrence(near: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    let y = near.year();
    let years = if month == 2 && day == 29 {
        vec![leap_year_near(y, near)]
    } else {
        vec![y - 1, y, y + 1]
    };
    nearest(
        near,
        years.into_iter().filter_map(|y| NaiveDate::from_ymd_opt(y, month, day)),
    )
}

/// `date` moved by `shift`; months and years keep the day or clamp it to the month's end.
fn apply_shift(date: NaiveDate, shift: Shift) -> Option<NaiveDate> {
    let n = shift.amount as i64;
    let months = |m: i64| {
        let months = Months::new(m.unsigned_abs() as u32);
        if m < 0 {
            date.checked_sub_months(months)
        } else {
            date.checked_add_months(months)
        }
    };
    match shift.unit {
        ShiftUnit::Day => date.checked_add_signed(Duration::days(n)),
        ShiftUnit::Week => date.checked_add_signed(Duration::days(7 * n)),
        ShiftUnit::Month => months(n),
        ShiftUnit::Year => months(12 * n),
        ShiftUnit::Fortnight => date.checked_add_signed(Duration::days(14 * n)),
    }
}

/// The date nearest `anchor` (within three years either side) whose day of the month is `day`
/// and whose weekday is `weekday` (0 = Monday); the earlier one on a tie.
fn weekday_day_near(anchor: NaiveDate, weekday: u32, day: u32) -> Option<NaiveDate> {
    let base = anchor.year() * 12 + anchor.month0() as i32;
    let candidates = (base - 36..=base + 36)
        .filter_map(|m| NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, day))
        .filter(|d| d.weekday().num_days_from_monday() == weekday);
    nearest(anchor, candidates)
}

/// Easter Sunday of `year` (Gregorian calendar; the anonymous algorithm of 1876).
fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let (b, c) = (year / 100, year % 100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// The day `holiday` falls on in `year`.
fn holiday_in(year: i32, holiday: HolidayDate) -> Option<NaiveDate> {
    match holiday {
        HolidayDate::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day),
        HolidayDate::Easter { offset } => easter_sunday(year)?.checked_add_signed(Duration::days(offset)),
        HolidayDate::WeekdayOnOrAfter { month, day, weekday } => {
            let first = NaiveDate::from_ymd_opt(year, month, day)?;
            let ahead = (weekday as i64 - first.weekday().num_days_from_monday() as i64).rem_euclid(7);
            first.checked_add_signed(Duration::days(ahead))
        }
    }
}

/// The `weekday` (0 = Monday) nearest `anchor`: -1 strictly before, 1 strictly after, 0 on or before.
fn weekday_near(anchor: NaiveDate, weekday: u32, direction: i32) -> NaiveDate {
    let today = anchor.weekday().num_days_from_monday() as i64;
    let target = weekday as i64;
    match direction {
        d if d > 0 => {
            let ahead = (target - today).rem_euclid(7);
            anchor + Duration::days(if ahead == 0 { 7 } else { ahead })
        }
        d if d < 0 => {
            let back = (today - target).rem_euclid(7);
            anchor - Duration::days(if back == 0 { 7 } else { back })
        }
        _ => anchor - Duration::days((today - target).rem_euclid(7)),
    }
}

/// The date a story is about, for resolving offices: its published date, else the first day
/// of the first day or month date whose year is written in the story.
pub fn story_date(published: Option<NaiveDate>, resolved: &[ResolvedDate]) -> Option<NaiveDate> {
    published.or_else(|| {
        resolved
            .iter()
            .filter(|d| d.is_point && d.year_source == YearSource::Text)
            .find_map(|d| {
                let month = d.value.get(..7)?;
                NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal(year: Option<i32>, month: Option<u32>, day: Option<u32>) -> DateExpr {
        DateExpr::Calendar {
            start: Ymd { year, month, day },
            end: None,
            shift: None,
        }
    }

    fn mention(expr: DateExpr) -> DateMention {
        DateMention {
            span: Span::new(0, 1),
            rule: "t".into(),
            expr,
        }
    }

    fn reference() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    #[test]
    fn yearless_dates_take_published_then_context_then_reference() {
        let published = NaiveDate::from_ymd_opt(2024, 6, 14);
        let ms = [mention(cal(None, Some(3), Some(29)))];
        let r = resolve(&ms, published, reference());
        assert_eq!(
            (r[0].value.as_str(), r[0].year_source),
            ("2024-03-29", YearSource::Published)
        );

        let ms = [
            mention(cal(Some(2023), Some(9), None)),
            mention(cal(None, Some(3), None)),
        ];
        let r = resolve(&ms, None, reference());
        assert_eq!(
            (r[1].value.as_str(), r[1].year_source, r[1].kind),
            ("2023-03", YearSource::Context, DateKind::Inferred)
        );

        let ms = [mention(cal(None, Some(5), Some(31)))];
        let r = resolve(&ms, None, reference());
        assert_eq!(
            (r[0].value.as_str(), r[0].year_source),
            ("2026-05-31", YearSource::Reference)
        );
    }

    #[test]
    fn relative_dates_resolve_against_the_anchor() {
        let published = NaiveDate::from_ymd_opt(2024, 6, 14);
        let cases = [
            (
                DateExpr::RelativeYear {
                    offset: -1,
                    month: Some(3),
                    end_month: None,
                },
                "2023-03",
            ),
            (
                DateExpr::RelativeYear {
                    offset: 1,
                    month: None,
                    end_month: None,
                },
                "2025",
            ),
            (
                DateExpr::RelativeYear {
                    offset: 0,
                    month: Some(1),
                    end_month: Some(6),
                },
                "2024-01/2024-06",
            ),
            (DateExpr::RelativeDay { offset: -1 }, "2024-06-13"),
            (
                DateExpr::Weekday {
                    weekday: 0,
                    direction: -1,
                },
                "2024-06-10",
            ),
            (
                DateExpr::Weekday {
                    weekday: 4,
                    direction: -1,
                },
                "2024-06-07",
            ),
            (
                DateExpr::Weekday {
                    weekday: 4,
                    direction: 1,
                },
                "2024-06-21",
            ),
            (
                DateExpr::Weekday {
                    weekday: 4,
                    direction: 0,
                },
                "2024-06-14",
            ),
        ];
        for (expr, want) in cases {
            let r = resolve(&[mention(expr.clone())], published, reference());
            assert_eq!(r[0].value, want, "{expr:?}");
            assert_eq!(r[0].kind, DateKind::Relative);
        }
    }

    #[test]
    fn a_yearless_february_29_falls_in_the_nearest_leap_year() {
        let ms = [mention(cal(None, Some(2), Some(29)))];
        let r = resolve(&ms, None, NaiveDate::from_ymd_opt(2017, 3, 22).unwrap());
        assert_eq!(r[0].value, "2016-02-29");
        let r = resolve(&ms, NaiveDate::from_ymd_opt(2018, 12, 1), reference());
        assert_eq!(r[0].value, "2020-02-29");
        let r = resolve(&ms, NaiveDate::from_ymd_opt(2024, 6, 14), reference());
        assert_eq!(r[0].value, "2024-02-29");
    }

    #[test]
    fn shifted_dates_count_from_the_named_day() {
        let shifted = |year, month, day, amount, unit| DateExpr::Calendar {
            start: Ymd {
                year,
                month: Some(month),
                day: Some(day),
            },
            end: None,
            shift: Some(Shift { amount, unit }),
        };
        let published = NaiveDate::from_ymd_opt(2016, 11, 7);
        let cases = [
            (
                shifted(Some(1999), 5, 13, -2, ShiftUnit::Week),
                "1999-04-29",
                DateKind::Explicit,
            ),
            (
                shifted(Some(2020), 3, 31, 1, ShiftUnit::Month),
                "2020-04-30",
                DateKind::Explicit,
            ),
            (
                shifted(Some(2020), 2, 29, 1, ShiftUnit::Year),
                "2021-02-28",
                DateKind::Explicit,
            ),
            (
                shifted(Some(2018), 1, 2, 16, ShiftUnit::Day),
                "2018-01-18",
                DateKind::Explicit,
            ),
            // No year: the occurrence nearest the anchor (January 2017, not January 2016).
            (
                shifted(None, 1, 12, 3, ShiftUnit::Day),
                "2017-01-15",
                DateKind::Inferred,
            ),
            (
                shifted(None, 10, 1, -1, ShiftUnit::Day),
                "2016-09-30",
                DateKind::Inferred,
            ),
        ];
        for (expr, want, kind) in cases {
            let r = resolve(&[mention(expr.clone())], published, reference());
            assert_eq!((r[0].value.as_str(), r[0].kind), (want, kind), "{expr:?}");
            assert!(r[0].is_point);
        }
    }

    #[test]
    fn weekdays_of_relative_weeks_and_days_with_weekdays() {
        // 2019-07-30 is a Tuesday.
        let published = NaiveDate::from_ymd_opt(2019, 7, 30);
        let cases = [
            (DateExpr::WeekdayOfWeek { weekday: 1, weeks: 1 }, "2019-08-06"),
            (DateExpr::WeekdayOfWeek { weekday: 1, weeks: -1 }, "2019-07-23"),
            (DateExpr::WeekdayOfWeek { weekday: 0, weeks: 0 }, "2019-07-29"),
            (DateExpr::WeekdayOfWeek { weekday: 6, weeks: 0 }, "2019-08-04"),
            // Wednesday the 31st: July 31, 2019.
            (DateExpr::WeekdayDay { weekday: 2, day: 31 }, "2019-07-31"),
            // Tuesday the 11th: June 11, 2019 (nearer than February 11, 2020).
            (DateExpr::WeekdayDay { weekday: 1, day: 11 }, "2019-06-11"),
        ];
        for (expr, want) in cases {
            let r = resolve(&[mention(expr.clone())], published, reference());
            assert_eq!(r[0].value, want, "{expr:?}");
            assert_eq!(r[0].kind, DateKind::Relative);
        }
    }

    #[test]
    fn holidays_fall_on_their_day_of_the_year() {
        let cases = [
            (2016, HolidayDate::Easter { offset: 0 }, "2016-03-27"),
            (2019, HolidayDate::Easter { offset: 0 }, "2019-04-21"),
            (2024, HolidayDate::Easter { offset: 0 }, "2024-03-31"),
            (2016, HolidayDate::Easter { offset: -50 }, "2016-02-06"),
            (
                2020,
                HolidayDate::WeekdayOnOrAfter {
                    month: 11,
                    day: 20,
                    weekday: 6,
                },
                "2020-11-22",
            ),
            (
                2021,
                HolidayDate::WeekdayOnOrAfter {
                    month: 10,
                    day: 1,
                    weekday: 6,
                },
                "2021-10-03",
            ),
            (2021, HolidayDate::Fixed { month: 5, day: 1 }, "2021-05-01"),
        ];
        for (year, holiday, want) in cases {
            assert_eq!(holiday_in(year, holiday).unwrap().to_string(), want, "{holiday:?}");
        }
    }

    #[test]
    fn offsets_and_relative_months_count_from_the_anchor() {
        let published = NaiveDate::from_ymd_opt(2018, 10, 17);
        let offset = |amount, unit| DateExpr::Offset {
            shift: Shift { amount, unit },
        };
        let cases = [
            (offset(-2, ShiftUnit::Month), "2018-08-17"),
            (offset(3, ShiftUnit::Week), "2018-11-07"),
            (offset(1, ShiftUnit::Fortnight), "2018-10-31"),
            (offset(-2, ShiftUnit::Year), "2016-10-17"),
            (DateExpr::RelativeMonth { offset: -1 }, "2018-09"),
            (DateExpr::RelativeMonth { offset: 3 }, "2019-01"),
        ];
        for (expr, want) in cases {
            let r = resolve(&[mention(expr.clone())], published, reference());
            assert_eq!((r[0].value.as_str(), r[0].kind), (want, DateKind::Relative), "{expr:?}");
        }
    }

    #[test]
    fn ranges_share_the_written_year() {
        let expr = DateExpr::Calendar {
            start: Ymd {
                year: Some(2024),
                month: Some(6),
                day: Some(13),
            },
            end: Some(Ymd {
                year: Some(2024),
                month: Some(6),
                day: Some(15),
            }),
            shift: None,
        };
        let r = resolve(&[mention(expr)], None, reference());
        assert_eq!(r[0].value, "2024-06-13/2024-06-15");
        assert!(!r[0].is_point);
    }
}
