//! The lines of a file, each classified once: blank, furniture, headline-shaped, prose, and
//! the story cues that fire on it.

use super::rules::{CueHit, CueKind, SegmentRules};
use crate::text::{CharIndex, FileSpan};

/// A prose line has at least this many words, or ends a sentence.
const PROSE_MIN_WORDS: usize = 8;

/// A line of the file.
#[derive(Debug, Clone)]
pub struct Line {
    /// Character span of the line in the file, without its line break.
    pub span: FileSpan,
    /// The furniture rule that matched it, if it is furniture.
    pub furniture: Option<String>,
    /// True when the line holds only white space.
    pub blank: bool,
    /// True for a content line shaped like a headline (and not a caption or a page label).
    pub headline: bool,
    /// True for a content line of running text: a sentence, or a long line.
    pub prose: bool,
    /// Number of words (white-space separated).
    pub words: usize,
}

impl Line {
    /// True for a line that belongs to a story's text: neither blank nor furniture.
    pub fn is_content(&self) -> bool {
        !self.blank && self.furniture.is_none()
    }
}

/// The classified lines of a file, and the story cues of any of them on demand.
pub struct Page<'a> {
    /// Every line of the file.
    pub lines: Vec<Line>,
    text: &'a str,
    index: &'a CharIndex,
    rules: &'a SegmentRules,
}

impl<'a> Page<'a> {
    /// Splits `text` into lines and classifies each.
    pub fn new(text: &'a str, index: &'a CharIndex, rules: &'a SegmentRules) -> Page<'a> {
        let mut lines = Vec::new();
        let mut byte = 0;
        // The pieces of `text.split_inclusive('\n')`, each without its line break and the
        // carriage returns before it.
        while byte < text.len() {
            let (end, next) = match text[byte..].find('\n') {
                Some(i) => (byte + i, byte + i + 1),
                None => (text.len(), text.len()),
            };
            let content = text[byte..end].trim_end_matches('\r');
            let chars = index.span(byte, byte + content.len());
            let span = FileSpan::new(chars.start, chars.end);
            lines.push(classify_line(content, span, rules));
            byte = next;
        }
        Page {
            lines,
            text,
            index,
            rules,
        }
    }

    /// The first cue of `kind` that fires on line `line` (furniture lines included).
    pub fn cue(&self, line: usize, kind: CueKind) -> Option<CueHit> {
        let line = &self.lines[line];
        if line.blank {
            return None;
        }
        self.rules.cue(line.span.slice(self.text, self.index), kind)
    }
}

fn classify_line(content: &str, span: FileSpan, rules: &SegmentRules) -> Line {
    let blank = content.trim().is_empty();
    if blank {
        return Line {
            span,
            furniture: None,
            blank,
            headline: false,
            prose: false,
            words: 0,
        };
    }
    let furniture = rules.furniture_rule(content).map(str::to_owned);
    let is_content = furniture.is_none();
    // A caption or a page label is never a headline.
    let label = |kind| rules.cue(content, kind).is_some();
    let headline = is_content && rules.is_headline(content) && !label(CueKind::Caption) && !label(CueKind::Listing);
    let words = count_words(content);
    Line {
        span,
        prose: is_content && !headline && is_prose(content, words),
        words,
        furniture,
        blank,
        headline,
    }
}

/// The number of white-space separated words in `line` (`line.split_whitespace().count()`),
/// read on bytes: eight at a time where they are all ASCII, and only characters outside ASCII
/// decoded.
pub(crate) fn count_words(line: &str) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut rest = line.as_bytes();
    // Word starts are counted; `space_before` is the top bit of a byte, set when the character
    // before is white space (or there is none).
    let (mut words, mut space_before) = (0, 0x80);
    while !rest.is_empty() {
        if let Some((chunk, tail)) = rest.split_first_chunk::<8>() {
            let x = u64::from_le_bytes(*chunk);
            if x & HIGH == 0 {
                // Each byte's top bit: white space at the byte, and before it.
                let space = ascii_spaces(x);
                let before = (space << 8) | space_before;
                let starts = (!space & before & HIGH) >> 7;
                // The sum of the eight bytes (each 0 or 1) in the top byte.
                words += (starts.wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize;
                space_before = space >> 56;
                rest = tail;
                continue;
            }
        }
        let (space, len) = match rest[0] {
            b if b < 0x80 => (b == b' ' || (b'\t'..=b'\r').contains(&b), 1),
            _ => {
                let at = line.len() - rest.len();
                let c = line[at..].chars().next().expect("a character starts here");
                (c.is_whitespace(), c.len_utf8())
            }
        };
        words += usize::from(space_before != 0 && !space);
        space_before = if space { 0x80 } else { 0 };
        rest = &rest[len..];
    }
    words
}

/// The top bit of each byte of `x` (eight ASCII characters) set where the character is white
/// space (as `char::is_whitespace`: tab to carriage return, and space), the other bits clear.
fn ascii_spaces(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Bytes are at most 0x7F, so no sum below carries into the next byte.
    let not_blank = ((x ^ (ONES * 0x20)) + ONES * 0x7F) & HIGH;
    let from_tab = (x + ONES * (0x80 - 0x09)) & HIGH;
    let past_return = (x + ONES * (0x80 - 0x0E)) & HIGH;
    (!not_blank & HIGH) | (from_tab & !past_return)
}

/// True for running text: a line that ends a sentence or has at least [`PROSE_MIN_WORDS`]
/// words, and is not a bulleted list item. `words` is the line's number of words.
fn is_prose(line: &str, words: usize) -> bool {
    let trimmed = line.trim();
    if trimmed.starts_with(['•', '·', '*', '-', '–', '▪', '►']) {
        return false;
    }
    let ends_sentence = trimmed
        .trim_end_matches(['"', '”', '“', '»', '«', '\'', '’', ')'])
        .ends_with(['.', '!', '?', '…']);
    // Trimming white space leaves the words as they are.
    ends_sentence || words >= PROSE_MIN_WORDS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_the_pieces_between_line_breaks() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/common/furniture.toml");
        let rules = SegmentRules::load(&path, &mut Vec::new()).unwrap();
        for text in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\r\n",
            "a\r\r\nb",
            "a\rb\r",
            "\r",
            "Zölle\r\n\r\nÜber alles\n\u{2028}x\u{85}\n",
            "one\ntwo\n\nthree",
        ] {
            let index = CharIndex::new(text);
            let page = Page::new(text, &index, &rules);
            let mut want = Vec::new();
            let mut byte = 0;
            for raw in text.split_inclusive('\n') {
                let content = raw.trim_end_matches(['\n', '\r']);
                want.push(index.span(byte, byte + content.len()));
                byte += raw.len();
            }
            let got: Vec<_> = page
                .lines
                .iter()
                .map(|l| crate::text::Span::new(l.span.start, l.span.end))
                .collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for (line, words) in [
            ("", 0),
            ("   ", 0),
            ("Die Präsidenten trafen sich.", 4),
            ("  • Cassis, Ignazio (fdp/plr)\tBR EDA", 6),
            ("eight888 bytes!! then more", 4),
            ("Zölle\u{a0}und\u{2003}Handel\u{85}x", 4),
            ("a\x1Cb\x0Bc", 2),
        ] {
            assert_eq!(count_words(line), words, "{line:?}");
        }
        for b in 0..128u8 {
            let line = format!("ab{}cdefghijklmnop{}q", b as char, b as char);
            assert_eq!(count_words(&line), line.split_whitespace().count(), "{b}");
        }
    }

    proptest::proptest! {
        /// Words are counted as `split_whitespace` counts them, on any line.
        #[test]
        fn words_are_counted_on_any_line(line in "\\PC{0,40}") {
            proptest::prop_assert_eq!(count_words(&line), line.split_whitespace().count());
        }

        /// The same on a mix of ASCII runs and white space inside and outside ASCII.
        #[test]
        fn words_are_counted_on_any_mix(
            line in "(word|abcdefgh|12345678|Zölle|€|😀| |  |        |\\t|\\n|\u{b}|\u{c}|\\r|\u{1c}|\u{85}|\u{a0}|\u{1680}|\u{2003}|\u{2028}|\u{202f}|\u{3000}|\u{200b}){0,30}"
        ) {
            proptest::prop_assert_eq!(count_words(&line), line.split_whitespace().count());
        }
    }

    #[test]
    fn prose_is_a_sentence_or_a_long_line() {
        for (line, prose) in [
            ("Die Präsidenten trafen sich.", true),
            ("He said: “We agree.”", true),
            (
                "astropay bozdurma paysafe bozdurma astropay kart bozdurma paysafe",
                true,
            ),
            ("Update on the latest in business:", false),
            ("Kontakt Newsletter", false),
            ("  • Cassis, Ignazio (fdp/plr) BR EDA / CF DFAE", false),
        ] {
            assert_eq!(is_prose(line, line.split_whitespace().count()), prose, "{line}");
        }
    }
}
