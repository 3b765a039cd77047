//! False friends of sector terms (`rules/<lang>/sector_exclusions.csv`): words, word parts and
//! phrases in which a sector term does not count ("Rechtssicherheit", "non-oil", "military
//! honours", "Forschungsministerium"). A phrase may have gaps (`at ... airport`): a few words
//! of any kind, within one clause.

use crate::text::{is_word_char, Span};

/// The words of a phrase are looked for at most this many characters apart.
const MAX_GAP_CHARS: usize = 3;

/// A gap (`...`) in a phrase stands for at most this many words.
const MAX_GAP_WORDS: usize = 3;

/// How a gap is written in a phrase.
const GAP: &str = "...";

/// One place of a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    /// This word, lower-case.
    Word(String),
    /// Up to [`MAX_GAP_WORDS`] words separated by spaces or hyphens only ("a South African").
    Gap,
}

/// What an exclusion row's `word` matches.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// The whole word (`handeln`).
    Word(String),
    /// A word starting with it (`verhandl*`).
    Prefix(String),
    /// A word ending with it (`*ministerium`).
    Suffix(String),
    /// A word containing it (`*ministeri*`).
    Infix(String),
    /// Words around the term, in order, maybe with gaps (`military honours`, `at ... airport`).
    Phrase(Vec<Slot>),
}

/// One exclusion row, compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    /// The sector whose matches it cancels; `None` (written `*`) for every sector.
    sector: Option<String>,
    shape: Shape,
}

impl Exclusion {
    /// Compiles a row: `sector` is an id or `*`; `word` is a word (hyphenated compounds
    /// included) with an optional `*` at either end, or a phrase of several words separated by
    /// spaces, without `*`, where `...` between two words is a gap. The error says what is
    /// wrong.
    pub fn new(sector: &str, word: &str) -> Result<Exclusion, String> {
        let sector = (sector != "*").then(|| sector.to_owned());
        let lower = word.trim().to_lowercase();
        let shape = if lower.contains(char::is_whitespace) {
            if lower.contains('*') {
                return Err(format!("phrase `{word}` has a `*`; a phrase matches whole words"));
            }
            Shape::Phrase(phrase_slots(&lower).map_err(|e| format!("phrase `{word}`: {e}"))?)
        } else {
            let core = lower.trim_matches('*').to_owned();
            if core.is_empty() || core.contains('*') {
                return Err(format!("`{word}` is empty or has an inner `*`"));
            }
            match (lower.starts_with('*'), lower.ends_with('*')) {
                (false, false) => Shape::Word(core),
                (false, true) => Shape::Prefix(core),
                (true, false) => Shape::Suffix(core),
                (true, true) => Shape::Infix(core),
            }
        };
        Ok(Exclusion { sector, shape })
    }

    /// True when the exclusion cancels a match of `sector` whose enclosing word is `word`
    /// (its span in `chars`) and whose hyphenated compound is `compound`, both lower-case.
    pub fn cancels(&self, sector: &str, chars: &[char], word_span: Span, word: &str, compound: &str) -> bool {
        if self.sector.as_deref().is_some_and(|s| s != sector) {
            return false;
        }
        let any = |test: &dyn Fn(&str) -> bool| test(word) || test(compound);
        match &self.shape {
            Shape::Word(w) => any(&|c| c == w),
            Shape::Prefix(w) => any(&|c| c.starts_with(w.as_str())),
            Shape::Suffix(w) => any(&|c| c.ends_with(w.as_str())),
            Shape::Infix(w) => any(&|c| c.contains(w.as_str())),
            Shape::Phrase(words) => in_phrase(words, chars, word_span, word),
        }
    }
}

/// The places of a phrase: runs of letters and digits, so "covid-19" is two words, and
/// gaps written `...`. A gap must stand between two words, and not next to another gap.
fn phrase_slots(phrase: &str) -> Result<Vec<Slot>, String> {
    let mut slots = Vec::new();
    for token in phrase.split_whitespace() {
        if token == GAP {
            if !matches!(slots.last(), Some(Slot::Word(_))) {
                return Err(format!("a `{GAP}` gap must follow a word"));
            }
            slots.push(Slot::Gap);
            continue;
        }
        if token.contains('.') {
            return Err(format!("write a gap as `{GAP}`, apart from the words"));
        }
        let words = token.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty());
        slots.extend(words.map(|w| Slot::Word(w.to_owned())));
    }
    if slots.last() == Some(&Slot::Gap) {
        return Err(format!("a `{GAP}` gap must be followed by a word"));
    }
    Ok(slots)
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
        exclusion.cancels(sector, &chars, span, &word, &word)
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

    #[test]
    fn bad_words_are_errors() {
        for word in [
            "*",
            "a*b",
            "soziale sicher*",
            "... airport",
            "at ...",
            "at ... ... airport",
            "at ..airport",
        ] {
            assert!(Exclusion::new("trade", word).is_err(), "{word}");
        }
    }
}
