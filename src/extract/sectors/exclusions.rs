//! Matching the false friends of sector terms (`rules/<lang>/sector_exclusions.csv`, compiled
//! in [`crate::rules::sectors`]): words, word parts and phrases in which a sector term does not
//! count. A phrase's gap (`at ... airport`) stands for a few words of any kind, within one
//! clause.

use crate::rules::sectors::{Exclusion, Shape, Slot};
use crate::text::{is_word_char, Span};

/// The words of a phrase are looked for at most this many characters apart.
const MAX_GAP_CHARS: usize = 3;

/// A gap (`...`) in a phrase stands for at most this many words.
const MAX_GAP_WORDS: usize = 3;

/// True when `exclusion` cancels a match of `sector` whose enclosing word is `word` (its span
/// in `chars`) and whose hyphenated compound is `compound`, both lower-case.
pub fn cancels(
    exclusion: &Exclusion,
    sector: &str,
    chars: &[char],
    word_span: Span,
    word: &str,
    compound: &str,
) -> bool {
    if exclusion.sector.as_deref().is_some_and(|s| s != sector) {
        return false;
    }
    let any = |test: &dyn Fn(&str) -> bool| test(word) || test(compound);
    match &exclusion.shape {
        Shape::Word(w) => any(&|c| c == w),
        Shape::Prefix(w) => any(&|c| c.starts_with(w.as_str())),
        Shape::Suffix(w) => any(&|c| c.ends_with(w.as_str())),
        Shape::Infix(w) => any(&|c| c.contains(w.as_str())),
        Shape::Phrase(words) => in_phrase(words, chars, word_span, word),
    }
}

/// True when the phrase `slots` occurs around the word at `span` (lower-case `word`), with
/// that word in one of its places.
fn in_phrase(slots: &[Slot], chars: &[char], span: Span, word: &str) -> bool {
    slots.iter().enumerate().any(|(at, slot)| {
        matches!(slot, Slot::Word(w) if w == word)
            && Walk::Back.matches(&slots[..at], chars, span.start)
            && Walk::Ahead.matches(&slots[at + 1..], chars, span.end)
    })
}

/// Which way a phrase is read from the matched word: the slots before it backwards, the slots
/// after it forwards.
#[derive(Debug, Clone, Copy)]
enum Walk {
    Back,
    Ahead,
}

impl Walk {
    /// True when `slots` occur in the text from `at`, the slot nearest the term first.
    fn matches(self, slots: &[Slot], chars: &[char], at: usize) -> bool {
        let nearest = match self {
            Walk::Back => slots.split_last(),
            Walk::Ahead => slots.split_first(),
        };
        match nearest {
            None => true,
            Some((Slot::Word(w), rest)) => self
                .word(chars, at)
                .is_some_and(|(next, found)| found == *w && self.matches(rest, chars, next)),
            Some((Slot::Gap, rest)) => {
                let mut at = at;
                for _ in 0..=MAX_GAP_WORDS {
                    if self.matches(rest, chars, at) {
                        return true;
                    }
                    match self.gap_word(chars, at) {
                        Some(next) => at = next,
                        None => return false,
                    }
                }
                false
            }
        }
    }

    /// The lower-case word at most [`MAX_GAP_CHARS`] non-word characters away from `at` on its
    /// line, and its far end.
    fn word(self, chars: &[char], at: usize) -> Option<(usize, String)> {
        let (near, far) = match self {
            Walk::Back => {
                let mut stop = at;
                while stop > 0 && !is_word_char(chars[stop - 1]) {
                    if at - stop == MAX_GAP_CHARS || chars[stop - 1] == '\n' {
                        return None;
                    }
                    stop -= 1;
                }
                (stop, crate::text::word_start(chars, stop)?)
            }
            Walk::Ahead => {
                let mut begin = at;
                while begin < chars.len() && !is_word_char(chars[begin]) {
                    if begin - at == MAX_GAP_CHARS || chars[begin] == '\n' {
                        return None;
                    }
                    begin += 1;
                }
                (begin, crate::text::word_end(chars, begin)?)
            }
        };
        let (start, end) = (near.min(far), near.max(far));
        (start < end).then(|| (far, chars[start..end].iter().collect::<String>().to_lowercase()))
    }

    /// The far end of the word a gap skips from `at`: one space or hyphen, then a word.
    fn gap_word(self, chars: &[char], at: usize) -> Option<usize> {
        let (separator, near) = match self {
            Walk::Back => (at.checked_sub(1)?, at.checked_sub(1)?),
            Walk::Ahead => (at, at + 1),
        };
        if !chars.get(separator).is_some_and(|&c| gap_separator(c)) {
            return None;
        }
        let far = match self {
            Walk::Back => crate::text::word_start(chars, near)?,
            Walk::Ahead => crate::text::word_end(chars, near)?,
        };
        (far != near).then_some(far)
    }
}

/// True for what may separate the words a gap spans: spaces and hyphens on one line, not
/// punctuation that ends a clause.
fn gap_separator(c: char) -> bool {
    (c.is_whitespace() && c != '\n') || matches!(c, '-' | '‐' | '‑')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `exclusion` cancels a match of `sector` on the word at `at` in `text`.
    fn cancels(exclusion: &Exclusion, sector: &str, text: &str, at: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let start = text[..text.find(at).unwrap()].chars().count();
        let span = Span::new(start, start + at.chars().count());
        let word = at.to_lowercase();
        super::cancels(exclusion, sector, &chars, span, &word, &word)
    }

    #[test]
    fn shapes_of_exclusions() {
        let cases = [
            ("trade", "handeln", "gemeinsam handeln", "handeln", true),
            ("trade", "verhandl*", "die Verhandlungen", "Verhandlungen", true),
            (
                "*",
                "*ministerium",
                "das Forschungsministerium",
                "Forschungsministerium",
                true,
            ),
            ("*", "*ministerium", "das Forschungszentrum", "Forschungszentrum", false),
            (
                "security",
                "military honours",
                "received with military honours by",
                "military",
                true,
            ),
            (
                "security",
                "military honours",
                "military cooperation",
                "military",
                false,
            ),
            (
                "security",
                "soziale sicherheit",
                "und soziale Sicherheit im Land",
                "Sicherheit",
                true,
            ),
            (
                "security",
                "soziale sicherheit",
                "die innere Sicherheit",
                "Sicherheit",
                false,
            ),
            (
                "healthcare",
                "before the covid-19 pandemic",
                "before the Covid-19 pandemic in 2019",
                "pandemic",
                true,
            ),
            (
                "healthcare",
                "before the pandemic",
                "fighting the pandemic",
                "pandemic",
                false,
            ),
            ("security", "military honours", "military\nhonours", "military", false),
            // A gap: up to three words between, on one line, without a clause break.
            (
                "transport",
                "at ... airport",
                "his arrest at a South African airport",
                "airport",
                true,
            ),
            ("transport", "at ... airport", "arrived at the airport", "airport", true),
            (
                "transport",
                "at ... airport",
                "arrived at Vnukovo-2 airport",
                "airport",
                true,
            ),
            (
                "transport",
                "at ... airport",
                "investment at the new international cargo airport",
                "airport",
                false,
            ),
            (
                "transport",
                "at ... airport",
                "we met at noon. The airport",
                "airport",
                false,
            ),
            ("transport", "at ... airport", "a new airport", "airport", false),
            (
                "transport",
                "am ... flughafen",
                "am Moskauer Flughafen Wnukowo",
                "Flughafen",
                true,
            ),
            ("transport", "am ... flughafen", "am Flughafen", "Flughafen", true),
            ("transport", "am ... flughafen", "den Flughafen", "Flughafen", false),
            (
                "education",
                "research reports",
                "cybersecurity research reports and",
                "research",
                true,
            ),
            (
                "education",
                "research reports",
                "joint research and reports",
                "research",
                false,
            ),
        ];
        for (sector, word, text, at, want) in cases {
            let exclusion = Exclusion::new(sector, word).unwrap();
            assert_eq!(cancels(&exclusion, sector, text, at), want, "{word}: {text}");
        }
        let any = Exclusion::new("*", "*ministerium").unwrap();
        assert!(cancels(
            &any,
            "education",
            "Forschungsministerium",
            "Forschungsministerium"
        ));
        let trade = Exclusion::new("trade", "handeln").unwrap();
        assert!(!cancels(&trade, "energy", "handeln", "handeln"));
    }
}
