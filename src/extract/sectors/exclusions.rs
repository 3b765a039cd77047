//! False friends of sector terms (`rules/<lang>/sector_exclusions.csv`): words, word parts and
//! phrases in which a sector term does not count ("Rechtssicherheit", "non-oil", "military
//! honours", "Forschungsministerium").

use crate::text::{is_word_char, Span};

/// The words of a phrase are looked for at most this many characters apart.
const MAX_GAP_CHARS: usize = 3;

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
    /// Words around the term, in order (`military honours`, `soziale sicherheit`).
    Phrase(Vec<String>),
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
    /// spaces, without `*`. The error says what is wrong.
    pub fn new(sector: &str, word: &str) -> Result<Exclusion, String> {
        let sector = (sector != "*").then(|| sector.to_owned());
        let lower = word.trim().to_lowercase();
        let shape = if lower.contains(char::is_whitespace) {
            if lower.contains('*') {
                return Err(format!("phrase `{word}` has a `*`; a phrase matches whole words"));
            }
            Shape::Phrase(phrase_words(&lower))
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

/// The words of a phrase: runs of letters and digits, so "covid-19" is two words.
fn phrase_words(phrase: &str) -> Vec<String> {
    phrase
        .split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// True when `words` occur around the word at `span` (lower-case `word`), with that word in
/// one of their places.
fn in_phrase(words: &[String], chars: &[char], span: Span, word: &str) -> bool {
    words.iter().enumerate().filter(|(_, w)| *w == word).any(|(at, _)| {
        let before = (0..at).try_fold(span.start, |end, k| {
            let (start, found) = word_before(chars, end)?;
            (found == words[at - 1 - k]).then_some(start)
        });
        let after = (at + 1..words.len()).try_fold(span.end, |start, k| {
            let (end, found) = word_after(chars, start)?;
            (found == words[k]).then_some(end)
        });
        before.is_some() && after.is_some()
    })
}

/// The lower-case word ending at most [`MAX_GAP_CHARS`] non-word characters before `end`,
/// and where it starts.
fn word_before(chars: &[char], end: usize) -> Option<(usize, String)> {
    let mut stop = end;
    while stop > 0 && !is_word_char(chars[stop - 1]) {
        if end - stop == MAX_GAP_CHARS || chars[stop - 1] == '\n' {
            return None;
        }
        stop -= 1;
    }
    let start = crate::text::word_start(chars, stop)?;
    (start < stop).then(|| (start, chars[start..stop].iter().collect::<String>().to_lowercase()))
}

/// The lower-case word starting at most [`MAX_GAP_CHARS`] non-word characters after `start`,
/// and where it ends.
fn word_after(chars: &[char], start: usize) -> Option<(usize, String)> {
    let mut begin = start;
    while begin < chars.len() && !is_word_char(chars[begin]) {
        if begin - start == MAX_GAP_CHARS || chars[begin] == '\n' {
            return None;
        }
        begin += 1;
    }
    let end = crate::text::word_end(chars, begin)?;
    (begin < end).then(|| (end, chars[begin..end].iter().collect::<String>().to_lowercase()))
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
        for word in ["*", "a*b", "soziale sicher*"] {
            assert!(Exclusion::new("trade", word).is_err(), "{word}");
        }
    }
}
