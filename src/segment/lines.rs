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
        for raw in text.split_inclusive('\n') {
            let content = raw.trim_end_matches(['\n', '\r']);
            let chars = index.span(byte, byte + content.len());
            let span = FileSpan::new(chars.start, chars.end);
            lines.push(classify_line(content, span, rules));
            byte += raw.len();
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
    Line {
        span,
        prose: is_content && !headline && is_prose(content),
        words: content.split_whitespace().count(),
        furniture,
        blank,
        headline,
    }
}

/// True for running text: a line that ends a sentence or has at least [`PROSE_MIN_WORDS`]
/// words, and is not a bulleted list item.
fn is_prose(line: &str) -> bool {
    let trimmed = line.trim();
    if trimmed.starts_with(['•', '·', '*', '-', '–', '▪', '►']) {
        return false;
    }
    let ends_sentence = trimmed
        .trim_end_matches(['"', '”', '“', '»', '«', '\'', '’', ')'])
        .ends_with(['.', '!', '?', '…']);
    ends_sentence || trimmed.split_whitespace().count() >= PROSE_MIN_WORDS
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(is_prose(line), prose, "{line}");
        }
    }
}
