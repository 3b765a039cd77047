//! Segmentation: site furniture, stories and titles.
//!
//! A file is split into lines; lines matching a furniture rule (tickers, counters, share and
//! error-report widgets, "Related news") belong to no story. The remaining lines form one story,
//! or several when the file is a digest: a run of headline + short body blocks. Every story
//! keeps its character range in the decoded file, and its text has furniture blanked out
//! character for character, so offsets found in it are offsets into the file.

use std::path::Path;

use regex::{Regex, RegexSet};
use serde::Deserialize;

use crate::rules::diag::Diagnostic;
use crate::rules::source::read_toml;
use crate::text::{CharIndex, Span};

/// The furniture rule file as written (`rules/common/furniture.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FurnitureFile {
    /// Line patterns: a line matching one is furniture.
    #[serde(rename = "line", default)]
    pub lines: Vec<LinePattern>,
    /// Shape of a headline line.
    pub headline: HeadlineShape,
}

/// One furniture line pattern.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinePattern {
    /// Stable rule id, e.g. `furniture.ticker`.
    pub id: String,
    /// Regular expression tested against each line (without its line break).
    pub regex: toml::Spanned<String>,
    /// What the pattern is for.
    #[serde(default)]
    pub description: String,
}

/// Limits that make a line look like a headline.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadlineShape {
    /// At most this many characters.
    pub max_chars: usize,
    /// At least this many words.
    pub min_words: usize,
    /// At most this many words.
    pub max_words: usize,
    /// Characters a headline does not end with.
    pub not_ending_with: String,
    /// A digest story has at most this many body paragraphs under its headline.
    pub max_digest_paragraphs: usize,
    /// Characters stripped from the ends of a headline for the `title` field.
    pub strip: String,
}

/// Compiled furniture and segmentation rules.
#[derive(Debug)]
pub struct SegmentRules {
    ids: Vec<String>,
    set: RegexSet,
    headline: HeadlineShape,
    year: Regex,
}

impl SegmentRules {
    /// Loads and compiles `rules/common/furniture.toml`.
    pub fn load(path: &Path, errors: &mut Vec<Diagnostic>) -> Option<SegmentRules> {
        let (source, file) = read_toml::<FurnitureFile>(path, errors)?;
        let mut ids = Vec::new();
        let mut patterns = Vec::new();
        let before = errors.len();
        for p in &file.lines {
            if let Err(err) = Regex::new(p.regex.get_ref()) {
                errors.push(
                    Diagnostic::at_byte(
                        path,
                        &source,
                        crate::rules::pattern::string_content_start(&source, p.regex.span().start),
                        format!("invalid regex in `{}`: {}", p.id, first_line(&err.to_string())),
                    )
                    .with_hint("fix the pattern; see the regex crate's syntax"),
                );
                continue;
            }
            if Regex::new(p.regex.get_ref()).map(|r| r.is_match("")).unwrap_or(false) {
                errors.push(
                    Diagnostic::at_byte(
                        path,
                        &source,
                        crate::rules::pattern::string_content_start(&source, p.regex.span().start),
                        format!("pattern `{}` matches an empty line", p.id),
                    )
                    .with_hint("require at least one character, e.g. use `+` instead of `*`"),
                );
                continue;
            }
            if ids.contains(&p.id) {
                errors.push(
                    Diagnostic::at_byte(
                        path,
                        &source,
                        crate::rules::pattern::string_content_start(&source, p.regex.span().start),
                        format!("duplicate rule id `{}`", p.id),
                    )
                    .with_hint("rule ids must be unique"),
                );
                continue;
            }
            ids.push(p.id.clone());
            patterns.push(p.regex.get_ref().clone());
        }
        if errors.len() > before {
            return None;
        }
        let set = RegexSet::new(&patterns).ok()?;
        Some(SegmentRules {
            ids,
            set,
            headline: file.headline,
            year: Regex::new(r"\b(?:1[89]|20)\d\d\b").expect("static regex"),
        })
    }

    /// Number of furniture patterns.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there is no furniture pattern.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The id of the first furniture rule matching `line`, if any.
    pub fn furniture_rule(&self, line: &str) -> Option<&str> {
        self.set.matches(line).iter().next().map(|i| self.ids[i].as_str())
    }

    fn is_headline(&self, line: &str) -> bool {
        let h = &self.headline;
        let trimmed = line.trim().trim_matches(|c| h.strip.contains(c)).trim();
        let words = trimmed.split_whitespace().count();
        let first = trimmed.chars().next();
        let last = trimmed.chars().last();
        trimmed.chars().count() <= h.max_chars
            && words >= h.min_words
            && words <= h.max_words
            && first.is_some_and(|c| c.is_uppercase() || c.is_numeric() || "\"'“‘«„".contains(c))
            && last.is_some_and(|c| !h.not_ending_with.contains(c))
            && !(self.year.is_match(trimmed) && words <= 4)
    }
}

fn first_line(s: &str) -> String {
    s.lines().last().unwrap_or(s).trim().to_owned()
}

/// A line of the file.
#[derive(Debug, Clone)]
pub struct Line {
    /// Character span of the line, without its line break.
    pub span: Span,
    /// The furniture rule that matched it, if it is furniture.
    pub furniture: Option<String>,
}

/// One story of a file.
#[derive(Debug, Clone)]
pub struct Story {
    /// 1-based number within the file.
    pub number: usize,
    /// Character range of the story in the file.
    pub range: Span,
    /// The story's text: the file's characters in `range`, furniture replaced by spaces.
    pub text: String,
    /// The headline, cleaned, with its span in the file.
    pub title: Option<(String, Span)>,
    /// The story's lines (spans relative to `range.start`), furniture excluded.
    pub lines: Vec<Span>,
}

/// The result of segmenting a file.
#[derive(Debug, Clone)]
pub struct Segmented {
    /// Every line of the file.
    pub lines: Vec<Line>,
    /// The stories, in file order.
    pub stories: Vec<Story>,
}

/// Splits `text` into lines, marks furniture and cuts the stories.
pub fn segment(text: &str, rules: &SegmentRules) -> Segmented {
    let index = CharIndex::new(text);
    let mut lines = Vec::new();
    let mut byte = 0;
    for raw in text.split_inclusive('\n') {
        let content = raw.trim_end_matches(['\n', '\r']);
        let span = index.span(byte, byte + content.len());
        let furniture = if content.trim().is_empty() {
            None
        } else {
            rules.furniture_rule(content).map(str::to_owned)
        };
        lines.push(Line { span, furniture });
        byte += raw.len();
    }
    let line_text = |l: &Line| &text[index.byte_at(l.span.start)..index.byte_at(l.span.end)];
    let content: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].furniture.is_none() && !line_text(&lines[i]).trim().is_empty())
        .collect();
    let headline: Vec<bool> = content
        .iter()
        .map(|&i| rules.is_headline(line_text(&lines[i])))
        .collect();

    let digest_starts = digest_headlines(&headline, rules.headline.max_digest_paragraphs);
    let mut stories = Vec::new();
    if let Some(starts) = digest_starts {
        for (n, &k) in starts.iter().enumerate() {
            let first = content[k];
            let last_k = starts.get(n + 1).map(|&next| next - 1).unwrap_or(content.len() - 1);
            let last = content[last_k];
            let range = Span::new(lines[first].span.start, lines[last].span.end);
            let title = Some(clean_title(
                line_text(&lines[first]),
                lines[first].span,
                &rules.headline,
            ));
            stories.push(build_story(text, &index, &lines, range, n + 1, title));
        }
    } else if !content.is_empty() {
        let first = content[0];
        let last = *content.last().expect("non-empty");
        let title_line = if headline[0] && headline.get(1) == Some(&false) {
            Some(first)
        } else if content.len() > 1 && *headline.last().expect("non-empty") {
            Some(last)
        } else {
            None
        };
        let title = title_line.map(|i| clean_title(line_text(&lines[i]), lines[i].span, &rules.headline));
        let range = Span::new(lines[first].span.start, lines[last].span.end);
        stories.push(build_story(text, &index, &lines, range, 1, title));
    } else {
        stories.push(build_story(text, &index, &lines, Span::new(0, 0), 1, None));
    }
    Segmented { lines, stories }
}

/// Indexes (into the content lines) of digest headlines, if the file is a digest: at least two
/// headlines, the first content line among them, each followed by 1..=max body paragraphs.
fn digest_headlines(headline: &[bool], max_paragraphs: usize) -> Option<Vec<usize>> {
    if headline.len() < 4 || !headline[0] {
        return None;
    }
    let starts: Vec<usize> = (0..headline.len())
        .filter(|&k| headline[k] && headline.get(k + 1) == Some(&false))
        .collect();
    if starts.len() < 2 || starts[0] != 0 {
        return None;
    }
    for (n, &k) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(headline.len());
        let body = (k + 1..end).filter(|&j| !headline[j]).count();
        if body == 0 || body > max_paragraphs {
            return None;
        }
    }
    Some(starts)
}

fn clean_title(line: &str, span: Span, shape: &HeadlineShape) -> (String, Span) {
    let cleaned = line.trim().trim_matches(|c| shape.strip.contains(c)).trim();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    (words.join(" "), span)
}

fn build_story(
    text: &str,
    index: &CharIndex,
    lines: &[Line],
    range: Span,
    number: usize,
    title: Option<(String, Span)>,
) -> Story {
    let slice = &text[index.byte_at(range.start)..index.byte_at(range.end)];
    // The file's lines inside the story, found by binary search (lines are in file order).
    let first = lines.partition_point(|l| l.span.start < range.start);
    let last = first + lines[first..].partition_point(|l| l.span.end <= range.end);
    let inside = &lines[first..last];
    let masked = mask_furniture(slice, range.start, inside);
    let story_lines = inside
        .iter()
        .filter(|l| l.furniture.is_none() && !l.span.is_empty())
        .map(|l| Span::new(l.span.start - range.start, l.span.end - range.start))
        .collect();
    Story {
        number,
        range,
        text: masked,
        title,
        lines: story_lines,
    }
}

/// `slice` (which starts at character `offset` of the file) with the characters of furniture
/// lines replaced by spaces, line breaks kept, in one pass over both.
fn mask_furniture(slice: &str, offset: usize, lines: &[Line]) -> String {
    let mut furniture = lines
        .iter()
        .filter(|l| l.furniture.is_some())
        .map(|l| l.span)
        .peekable();
    if furniture.peek().is_none() {
        return slice.to_owned();
    }
    let mut masked = String::with_capacity(slice.len());
    for (i, c) in slice.chars().enumerate() {
        let at = offset + i;
        while furniture.peek().is_some_and(|f| f.end <= at) {
            furniture.next();
        }
        let in_furniture = furniture.peek().is_some_and(|f| f.start <= at);
        masked.push(if in_furniture && c != '\n' { ' ' } else { c });
    }
    masked
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn rules() -> SegmentRules {
        let mut errors = Vec::new();
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/common/furniture.toml");
        let r = SegmentRules::load(&path, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        r.unwrap()
    }

    const BODY_EN: &str = "The presidents of both countries met in Tashkent and discussed trade, energy and transport, agreeing on a road map for the coming years.";
    const BODY_DE: &str = "Die Präsidenten beider Länder trafen sich in Taschkent und erörterten Fragen des Handels, der Energie und des Verkehrs.";

    #[test]
    fn furniture_lines_are_recognised() {
        let r = rules();
        for (line, furniture) in [
            ("  • KZT/USD = 0.00211 0%", true),
            ("111 views Politics 0", true),
            ("Viewing results 1 - 6 of 9", true),
            ("Found a mistake?", true),
            ("Select the phrase and press Ctrl+Enter Related news", true),
            ("Ctrl", true),
            ("**Source**", true),
            ("Fehler gefunden?", true),
            ("Teilen", true),
            ("1 USD = 12,650 UZS", true),
            ("USD 86.45 EUR 92.47 RUB 1.00", true),
            ("Exchange rates: USD 86.45 ▲0.12 EUR 92.47", true),
            ("EUR 92.47", true),
            ("The loan of USD 300 million was signed.", false),
            ("USD 300 million", false),
            (BODY_EN, false),
            (BODY_DE, false),
            ("Uzbekistan and Korea Forge New Partnership", false),
        ] {
            assert_eq!(r.furniture_rule(line).is_some(), furniture, "{line}");
        }
    }

    #[test]
    fn a_plain_article_is_one_story_with_its_headline() {
        let text = format!("Uzbekistan and Slovakia Sign Agreements\n\n{BODY_EN}\n{BODY_EN}\n");
        let s = segment(&text, &rules());
        assert_eq!(s.stories.len(), 1);
        assert_eq!(
            s.stories[0].title.as_ref().unwrap().0,
            "Uzbekistan and Slovakia Sign Agreements"
        );
    }

    #[test]
    fn a_headline_repeated_at_the_end_is_the_title() {
        let text = format!("{BODY_EN}\n{BODY_EN}\nUzbek-Slovak centre discussed in Samarkand\nFound a mistake?\n");
        let s = segment(&text, &rules());
        assert_eq!(s.stories.len(), 1);
        assert_eq!(
            s.stories[0].title.as_ref().unwrap().0,
            "Uzbek-Slovak centre discussed in Samarkand"
        );
    }

    #[test]
    fn an_article_without_headline_has_no_title() {
        let text = format!("{BODY_DE}\n{BODY_DE}\n");
        let s = segment(&text, &rules());
        assert_eq!(s.stories.len(), 1);
        assert!(s.stories[0].title.is_none());
    }

    #[test]
    fn a_digest_splits_into_stories_and_drops_the_ticker() {
        let text = format!(
            "• KGS/USD = 0.01190 0%\n• KZT/USD = 0.00211 0%\n\nTajikistan and China Tighten Partnership\n\n{BODY_EN}\n\nKazakhstan and United States Hold Dialogue\n\n{BODY_EN}\n\nTurkmenistan and USA Set to Strengthen Ties\n\n{BODY_EN}\n"
        );
        let s = segment(&text, &rules());
        assert_eq!(s.stories.len(), 3);
        assert_eq!(s.stories[1].number, 2);
        assert_eq!(
            s.stories[2].title.as_ref().unwrap().0,
            "Turkmenistan and USA Set to Strengthen Ties"
        );
        assert!(!s.stories[0].text.contains("KZT"));
    }

    #[test]
    fn a_german_digest_of_two_stories() {
        let text = format!("Usbekistan und Kasachstan vertiefen Partnerschaft\n{BODY_DE}\nTürkei und Usbekistan unterzeichnen Erklärung\n{BODY_DE}\n");
        let s = segment(&text, &rules());
        assert_eq!(s.stories.len(), 2);
    }

    #[test]
    fn section_headings_do_not_split_an_article() {
        let text = format!("Uzbekistan and Korea Agree on Agenda\n\n{BODY_EN}\n{BODY_EN}\n\nSeven Directions of the Strategy\n{BODY_EN}\n{BODY_EN}\n{BODY_EN}\n{BODY_EN}\n\nOther Agreements\n{BODY_EN}\n{BODY_EN}\n{BODY_EN}\n{BODY_EN}\n");
        let s = segment(&text, &rules());
        assert_eq!(s.stories.len(), 1);
    }

    #[test]
    fn masked_text_keeps_offsets() {
        let text = format!("Zölle und Handel im Fokus\n111 views Politics 0\n{BODY_DE}\n");
        let s = segment(&text, &rules());
        let story = &s.stories[0];
        assert_eq!(story.text.chars().count(), story.range.len());
        let chars: Vec<char> = text.chars().collect();
        let pos = story.text.chars().collect::<Vec<_>>();
        for (i, c) in pos.iter().enumerate() {
            if *c != ' ' {
                assert_eq!(*c, chars[story.range.start + i]);
            }
        }
    }
}
