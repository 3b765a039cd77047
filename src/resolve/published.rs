//! The story's publication date: a full date the page prints as a header, dateline or byline.
//!
//! A date counts when it is
//! - **labelled**: the words right before it on its line end with one of the language's
//!   `published_labels` ("Published:", "This story is from", "veröffentlicht am");
//! - **alone** on a header or footer line: the line's other words are dateline words, month or
//!   weekday names, or a short byline of capitalised names after it ("18th May 2017 Steve Hoare");
//! - **a dateline**: it opens a paragraph after a place name and a comma ("ASTANA, Nov. 12 —",
//!   "BEIJING, 11. April (Xinhua) --"), or opens one of the story's first lines itself
//!   ("FEB. 28 2011 (The Conway Bulletin) –"). A dateline without a year takes the latest
//!   year written before it in the story (a caption or header above it), or is not used.

use chrono::NaiveDate;

use crate::extract::dates::{DateExpr, DateMention, Ymd};
use crate::rules::dates::DateRules;
use crate::story::StoryText;
use crate::text::{lower_words, Span};

/// A publication date stands within this many characters of the start of its line, and a
/// line holding only the date and dateline words is no longer than this either side of it.
const MAX_DATELINE_CHARS: usize = 400;

/// Lone date lines and datelines without a place or a year count only among the story's first
/// this many non-blank lines (its header)...
const HEADER_LINES: usize = 5;

/// ...or, for lone date lines, among its last this many (a footer byline).
const FOOTER_LINES: usize = 2;

/// A byline after a lone date holds at most this many capitalised words.
const MAX_BYLINE_WORDS: usize = 4;

/// The publication date and the span of the mention that prints it. `lines` are the story's
/// line spans; `text` is the story text.
pub fn published(
    mentions: &[DateMention],
    lines: &[Span],
    story: &StoryText,
    rules: &DateRules,
) -> Option<(Span, NaiveDate)> {
    let chars = story.chars();
    let blank = |l: &Span| chars[l.start..l.end].iter().all(|c| c.is_whitespace());
    // Rank of each line among the non-blank ones.
    let mut ranks = Vec::with_capacity(lines.len());
    let mut rank = 0;
    for l in lines {
        ranks.push(rank);
        if !blank(l) {
            rank += 1;
        }
    }
    let total = rank;
    for (i, m) in mentions.iter().enumerate() {
        let Some(day) = single_day(&m.expr) else {
            continue;
        };
        let at = lines.partition_point(|l| l.end < m.span.end);
        let Some(line) = lines.get(at).filter(|l| l.contains(&m.span)) else {
            continue;
        };
        if m.span.start - line.start > MAX_DATELINE_CHARS {
            continue;
        }
        let in_header = ranks[at] < HEADER_LINES;
        let in_footer = ranks[at] + FOOTER_LINES >= total;
        let before = story.slice(Span::new(line.start, m.span.start));
        let after_end = line.end.min(m.span.end + MAX_DATELINE_CHARS);
        let after = story.slice(Span::new(m.span.end, after_end));
        let truncated = after_end < line.end;
        let full_date = |year: i32| NaiveDate::from_ymd_opt(year, day.month?, day.day?);
        if let Some(year) = day.year {
            if is_labelled(before, rules)
                || (in_header && after_byline(before, rules))
                || ((in_header || in_footer) && !truncated && is_alone(before, after, rules))
            {
                if let Some(date) = full_date(year) {
                    return Some((m.span, date));
                }
            }
        }
        let place = dateline_place(before);
        let opens = match place {
            Some("") => in_header,
            Some(_) => day.year.is_some() || in_header,
            None => false,
        };
        if opens && separates(after) {
            let year = day.year.or_else(|| context_year(mentions, i));
            if let Some(date) = year.and_then(full_date) {
                return Some((m.span, date));
            }
        }
    }
    None
}

/// The day a mention names when it is a single calendar day (year optional), else `None`.
fn single_day(expr: &DateExpr) -> Option<Ymd> {
    match expr {
        DateExpr::Calendar {
            start:
                day @ Ymd {
                    month: Some(_),
                    day: Some(_),
                    ..
                },
            end: None,
            shift: None,
        } => Some(*day),
        _ => None,
    }
}

/// The latest year written in a mention before mention `i` (a photo caption or page header
/// above the dateline). Years after it are not used: they are often targets ("by 2030").
fn context_year(mentions: &[DateMention], i: usize) -> Option<i32> {
    mentions[..i].iter().rev().find_map(|m| match &m.expr {
        DateExpr::Calendar { start, end, .. } => end.and_then(|e| e.year).or(start.year),
        _ => None,
    })
}

/// True when the words before a date end with a published label, weekday names between them
/// and the date allowed ("Published: Sun 25 Aug 2024").
fn is_labelled(before: &str, rules: &DateRules) -> bool {
    let mut ws: Vec<String> = lower_words(before).collect();
    while ws.last().is_some_and(|w| rules.is_weekday(w)) {
        ws.pop();
    }
    rules
        .published_labels
        .iter()
        .any(|label| !label.is_empty() && ws.ends_with(label))
}

/// True when the line opens with a byline label and at most [`MAX_BYLINE_WORDS`] capitalised
/// names that end right before the date ("By: Bloomberg 26th November 2024").
fn after_byline(before: &str, rules: &DateRules) -> bool {
    let words: Vec<String> = lower_words(before).collect();
    rules.byline_labels.iter().any(|label| {
        let names: Vec<&str> = before
            .split_whitespace()
            .skip(label.len())
            .map(|w| w.trim_end_matches(','))
            .collect();
        !label.is_empty() && words.starts_with(label) && is_byline(&names.join(" "))
    })
}

/// True when a date stands alone on its line: every other word is a dateline word or a month
/// or weekday name, or the line opens with the date and a short byline of names follows it.
fn is_alone(before: &str, after: &str, rules: &DateRules) -> bool {
    let allowed = |w: &String| rules.dateline_words.contains(w) || rules.is_month(w) || rules.is_weekday(w);
    if !lower_words(before).all(|w| allowed(&w)) {
        return false;
    }
    lower_words(after).all(|w| allowed(&w)) || (before.trim().is_empty() && is_byline(after))
}

/// True for a short run of capitalised names ("Steve Hoare", "Von Anna Müller").
fn is_byline(text: &str) -> bool {
    let names: Vec<&str> = text.split_whitespace().collect();
    (1..=MAX_BYLINE_WORDS).contains(&names.len())
        && names.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\''))
        })
}

/// The place of a dateline before a date: `Some("")` when the date opens the line, the place
/// name when only a capitalised place and a comma stand before it ("ASTANA, ", "Taschkent, "),
/// else `None`.
fn dateline_place(before: &str) -> Option<&str> {
    let before = before.trim_start();
    if before.trim().is_empty() {
        return Some("");
    }
    let place = before.strip_suffix(", ").or_else(|| before.strip_suffix(','))?;
    const NOT_PLACES: [&str; 14] = [
        "In", "On", "At", "By", "For", "From", "Since", "Until", "Am", "Im", "Seit", "Bis", "Ab", "Vom",
    ];
    let ok = !place.split_whitespace().next().is_some_and(|w| NOT_PLACES.contains(&w))
        && place.chars().count() <= 40
        && place
            .split_whitespace()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        && place
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '.' || c == '\'');
    (ok && !place.is_empty()).then_some(place)
}

/// True when the text after a dateline's date opens with a dateline separator: a dash, an
/// opening bracket, a full stop or a colon, or nothing at all.
fn separates(after: &str) -> bool {
    let after = after.trim_start();
    after.is_empty() || after.starts_with(['—', '–', '-', '(', '.', ':', '/', '|'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn a_date_after_a_byline_is_published() {
        let rules = crate::rules::test_rules();
        let (en, de) = (&rules.languages[&Lang::En].dates, &rules.languages[&Lang::De].dates);
        for (before, rules, want) in [
            ("By: Bloomberg ", en, true),
            ("Written by Jane Smith, ", en, true),
            ("Von Anna Müller, ", de, true),
            ("By ", en, false),
            ("The deal was signed by Bloomberg ", en, false),
            ("By the end of ", en, false),
        ] {
            assert_eq!(after_byline(before, rules), want, "{before:?}");
        }
    }

    #[test]
    fn datelines_open_a_paragraph_with_a_place() {
        let cases = [
            ("ASTANA, ", " — Kazakh President", true),
            ("Taschkent, ", ". Der Präsident", true),
            ("New York, ", " (Reuters) -", true),
            ("", " (The Conway Bulletin) –", true),
            ("The summit, held on ", ", ended", false),
            ("On ", ", the presidents met", false),
            ("In Tashkent, ", ". The talks", false),
            ("Tokayev said ", " was important", false),
            ("ASTANA, ", " the president said", false),
        ];
        for (before, after, want) in cases {
            let got = dateline_place(before).is_some() && separates(after);
            assert_eq!(got, want, "{before:?} DATE {after:?}");
        }
    }

    #[test]
    fn bylines_are_a_few_capitalised_names() {
        assert!(is_byline(" Steve Hoare"));
        assert!(is_byline(" Von Anna Müller-Lüdenscheidt"));
        assert!(!is_byline(" Ethiopian lawmakers on Tuesday backed"));
        assert!(!is_byline(""));
        assert!(!is_byline(" Talks (2)"));
    }

    fn story(text: &str) -> Option<String> {
        let rules = crate::rules::test_rules();
        let lang = if text.contains("Uhr") || text.contains("April (") {
            "de"
        } else {
            "en"
        };
        let rules = &rules.language(lang).unwrap().dates;
        let story = StoryText::new(text);
        let mentions = crate::extract::dates::extract(&story, rules);
        let mut lines = Vec::new();
        let mut start = 0;
        for line in text.split('\n') {
            let n = line.chars().count();
            lines.push(Span::new(start, start + n));
            start += n + 1;
        }
        published(&mentions, &lines, &story, rules).map(|(_, d)| d.to_string())
    }

    #[test]
    fn pages_print_their_dates_in_many_ways() {
        let cases = [
            (
                "Title\n\nPublished: Sun 25 Aug 2024, 1:51 PM Last updated: Sun 25 Aug 2024, 2:24 PM\n\nBody.",
                Some("2024-08-25"),
            ),
            (
                "This story is from September 7, 2018\n\nTitle\n\nBody text.",
                Some("2018-09-07"),
            ),
            (
                "Title\n\n18th May 2017 Steve Hoare\n\nThe bank said.",
                Some("2017-05-18"),
            ),
            (
                "FEB. 28 2011 (The Conway Bulletin) – The presidents met.",
                Some("2011-02-28"),
            ),
            (
                "Manager in Qingdao (Shandong), 2. April 2025. (Xinhua)\n\nBEIJING, 11. April (Xinhua) -- Die Firma",
                Some("2025-04-11"),
            ),
            ("Title\n\nThe talks began on 3 June 2024 in Astana.", None),
            (
                "Title\nOne.\nTwo.\nThree.\nFour.\nFive.\nWednesday, 25 October 2017\nSix.\nSeven.\nEight.",
                None,
            ),
            (
                "Title\n\nBody.\n\n(News report, published on Feb. 28 2011)",
                Some("2011-02-28"),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(story(text).as_deref(), want, "{text:?}");
        }
    }
}
