//! False friends of sector terms (`rules/<lang>/sector_exclusions.csv`), compiled: words, word
//! parts and phrases in which a sector term does not count ("Rechtssicherheit", "non-oil",
//! "military honours", "Forschungsministerium"). A phrase may have gaps (`at ... airport`).

use crate::text::is_word_char;

/// How a gap is written in a phrase.
const GAP: &str = "...";

/// One place of a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Slot {
    /// This word, lower-case.
    Word(String),
    /// A few words separated by spaces or hyphens only ("a South African").
    Gap,
}

/// What an exclusion row's `word` matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shape {
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
    pub(crate) sector: Option<String>,
    /// What it matches.
    pub(crate) shape: Shape,
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

#[cfg(test)]
mod tests {
    use super::*;

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
