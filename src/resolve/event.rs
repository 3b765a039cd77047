//! The story's lead and its event date: the day its main event (talks, a visit, a signing)
//! took place.

use chrono::NaiveDate;

use super::dates::{DateKind, ResolvedDate, YearSource};
use crate::rules::dates::DateRules;
use crate::story::StoryText;
use crate::text::Span;

/// The event date: the first day or month date in the story's lead that stands in its first
/// sentence or in a sentence naming an event (an `event_cues` word), else the published date.
/// `published_line` is the date mention that printed the published date, if the text has one.
pub fn event_date(
    resolved: &[ResolvedDate],
    lead: Span,
    story: &StoryText,
    rules: &DateRules,
    published_line: Option<Span>,
    published: Option<NaiveDate>,
) -> Option<String> {
    let chars = story.chars();
    let candidates = resolved
        .iter()
        .filter(|d| lead.contains(&d.span))
        // The page's own date line is not a mention of the event.
        .filter(|d| published_line != Some(d.span))
        // "Today" resolved against the reference date says nothing about when the event was.
        .filter(|d| !(d.kind == DateKind::Relative && d.year_source == YearSource::Reference));
    // Where the lead's first sentence ends, found once.
    let first_end = (lead.start..lead.end)
        .find(|&i| is_sentence_end(chars, i, rules))
        .unwrap_or(lead.end);
    for d in candidates {
        let Some(value) = event_value(d) else {
            continue;
        };
        let sentence = sentence_around(chars, lead, d.span, rules);
        let start = sentence.start;
        let sentence = story.slice(sentence).to_lowercase();
        // The lead's first sentence is the news itself; later ones must name an event.
        let first = start <= first_end;
        if first || rules.event_cues.iter().any(|cue| starts_a_word(&sentence, cue)) {
            return Some(value.to_owned());
        }
    }
    published.map(|p| p.format("%Y-%m-%d").to_string())
}

/// The day or month a date gives an event: the date itself, or the first day of a range of
/// days ("Dec. 14-15" → the 14th); `None` for years and longer ranges.
fn event_value(d: &ResolvedDate) -> Option<&str> {
    if d.is_point {
        return Some(&d.value);
    }
    let (first, _) = d.value.split_once('/')?;
    (first.len() == "YYYY-MM-DD".len()).then_some(first)
}

/// True when `cue` occurs in `text` at the start of a word, or anywhere when it is written
/// with a leading `*` (German compounds: "*besuch" in "Staatsbesuch").
fn starts_a_word(text: &str, cue: &str) -> bool {
    if let Some(inner) = cue.strip_prefix('*') {
        return text.contains(inner);
    }
    text.match_indices(cue)
        .any(|(i, _)| !text[..i].chars().last().is_some_and(char::is_alphanumeric))
}

/// A sentence is read at most this many characters either side of a date in it.
const MAX_SENTENCE_REACH: usize = 1000;

/// True when the character at `i` ends a sentence: a `.`, `!` or `?` before a space or the end,
/// except the full stop of an initial ("J. Smith") or one that a lower-case word or a number
/// follows (abbreviations and German ordinals: "Feb. 22", "vom 27. bis 29. Mai").
#[inline]
fn is_sentence_end(chars: &[char], i: usize, rules: &DateRules) -> bool {
    matches!(chars[i], '.' | '!' | '?') && mark_ends_sentence(chars, i, rules)
}

/// True when the sentence mark at character `i` ends a sentence (see [`is_sentence_end`]).
fn mark_ends_sentence(chars: &[char], i: usize, rules: &DateRules) -> bool {
    if chars.get(i + 1).is_some_and(|c| !c.is_whitespace()) {
        return false;
    }
    if chars[i] != '.' {
        return true;
    }
    let initial = i >= 1 && chars[i - 1].is_uppercase() && (i < 2 || !chars[i - 2].is_alphabetic());
    let lone_char = i >= 2 && chars[i - 2].is_whitespace();
    let next = chars[i + 1..].iter().take(3).find(|c| !c.is_whitespace());
    let continues = next.is_some_and(|c| c.is_lowercase() || c.is_ascii_digit());
    // A German day ordinal before a month name ("am 29. Mai").
    let digits = chars[..i].iter().rev().take_while(|c| c.is_ascii_digit()).count();
    let ordinal = (1..=2).contains(&digits) && {
        let word: String = chars[i + 1..]
            .iter()
            .skip_while(|c| c.is_whitespace())
            .take_while(|c| c.is_alphabetic())
            .collect();
        rules.is_month(&word.to_lowercase())
    };
    !(initial || lone_char || continues || ordinal)
}

/// The sentence around `span` inside `within`.
fn sentence_around(chars: &[char], within: Span, span: Span, rules: &DateRules) -> Span {
    let is_end = |i: usize| is_sentence_end(chars, i, rules);
    let floor = within.start.max(span.start.saturating_sub(MAX_SENTENCE_REACH));
    let ceiling = within.end.min(span.end + MAX_SENTENCE_REACH);
    let mut start = span.start;
    while start > floor && !is_end(start - 1) {
        start -= 1;
    }
    let mut end = span.end;
    while end < ceiling && !is_end(end) {
        end += 1;
    }
    Span::new(start, end.min(chars.len()))
}

/// A line without closing punctuation and with fewer words than this is a headline, not the
/// body.
const HEADLINE_WORDS: usize = 12;

/// The lead is this many sentences long.
const LEAD_SENTENCES: usize = 4;

/// The story's lead: from the first body line (skipping the title line, headline-like lines and
/// broadcast cues in brackets such as "[Anchor Lead]") through its first four sentences.
pub fn lead(story: &StoryText, lines: &[Span], title: Option<Span>, rules: &DateRules) -> Span {
    let chars = story.chars();
    let is_body = |l: &Span| {
        let line = story.slice(*l).trim();
        let bracketed = line.starts_with('[') && line.ends_with(']');
        let headline = !line.ends_with(['.', '!', '?', '"', '”', '“', '»', ':'])
            && line.split_whitespace().count() < HEADLINE_WORDS;
        !line.is_empty() && !bracketed && !headline
    };
    let Some(first) = lines.iter().find(|l| Some(**l) != title && is_body(l)) else {
        return Span::new(0, 0);
    };
    let mut sentences = 0;
    let mut i = first.start;
    let limit = chars.len();
    while i < limit {
        if is_sentence_end(chars, i, rules) {
            sentences += 1;
            if sentences == LEAD_SENTENCES {
                return Span::new(first.start, i + 1);
            }
        }
        i += 1;
    }
    Span::new(first.start, limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn event_cues_start_words() {
        assert!(starts_a_word("the talks were held", "held"));
        assert!(!starts_a_word("the design was new", "sign"));
        assert!(starts_a_word("zu einem staatsbesuch in astana", "*besuch"));
    }

    #[test]
    fn sentences_do_not_end_at_abbreviations_or_ordinals() {
        let rules = crate::rules::test_rules();
        let ends = |text: &str| -> Vec<usize> {
            let lang = if text.contains("Mai") { "de" } else { "en" };
            let chars: Vec<char> = text.chars().collect();
            (0..chars.len())
                .filter(|&i| is_sentence_end(&chars, i, &rules.language(lang).unwrap().dates))
                .collect()
        };
        assert_eq!(ends("They met on Feb. 22. Then left."), vec![19, 30]);
        assert_eq!(ends("Er reiste vom 27. bis 29. Mai 2019. Dann"), vec![34]);
        assert_eq!(ends("J. Smith spoke! Was it true? Yes."), vec![14, 27, 32]);
    }

    #[test]
    fn lead_skips_headlines_and_cues_and_covers_four_sentences() {
        let text = "Title Line\n[Anchor Lead]\nA repeated headline\nOn 14 June, they met. It was warm. \
                    Talks followed. Then lunch. Later more.";
        let lines: Vec<Span> = {
            let mut start = 0;
            text.split('\n')
                .map(|l| {
                    let n = l.chars().count();
                    let span = Span::new(start, start + n);
                    start += n + 1;
                    span
                })
                .collect()
        };
        let rules = crate::rules::test_rules();
        let lead = lead(
            &StoryText::new(text),
            &lines,
            Some(lines[0]),
            &rules.languages[&Lang::En].dates,
        );
        let got: String = text.chars().skip(lead.start).take(lead.len()).collect();
        assert_eq!(got, "On 14 June, they met. It was warm. Talks followed. Then lunch.");
    }
}
