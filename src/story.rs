//! The text of one story as the extractors read it, built once per story: the text, its
//! character index, its characters, its forms normalised for term matching and the positions
//! where pattern matches may begin.

use std::cell::OnceCell;

use crate::rules::pattern::MatchStarts;
use crate::text::{slice, CharIndex, MatchText, Span};

/// One story's text, shared by every extractor of the story.
#[derive(Debug)]
pub struct StoryText<'a> {
    text: &'a str,
    index: CharIndex,
    chars: Vec<char>,
    cased: OnceCell<MatchText>,
    lowercased: OnceCell<MatchText>,
    match_starts: OnceCell<MatchStarts>,
}

impl<'a> StoryText<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> StoryText<'a> {
        let (index, chars) = CharIndex::with_chars(text);
        StoryText {
            text,
            index,
            chars,
            cased: OnceCell::new(),
            lowercased: OnceCell::new(),
            match_starts: OnceCell::new(),
        }
    }

    /// The text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Its character index (byte offsets to character offsets and back).
    pub fn index(&self) -> &CharIndex {
        &self.index
    }

    /// Its characters: character offsets index this slice.
    pub fn chars(&self) -> &[char] {
        &self.chars
    }

    /// The text `span` covers.
    pub fn slice(&self, span: Span) -> &'a str {
        slice(self.text, &self.index, span)
    }

    /// The text normalised for term matching, lower-cased when `lowercase`; made on first use
    /// and shared by every matcher of that case mode.
    pub fn matching(&self, lowercase: bool) -> &MatchText {
        let cell = if lowercase { &self.lowercased } else { &self.cased };
        cell.get_or_init(|| MatchText::new(self.text, lowercase))
    }

    /// Where a pattern match may begin in the text; listed on first use and shared by every
    /// pattern set searched over the story (dates, money).
    pub fn match_starts(&self) -> &MatchStarts {
        self.match_starts.get_or_init(|| MatchStarts::of(self.text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_characters_and_matching_forms_keep_them() {
        let story = StoryText::new("Zölle’s\tEnergy");
        assert_eq!(story.chars().len(), 14);
        assert_eq!(story.slice(Span::new(8, 14)), "Energy");
        assert_eq!(story.matching(true).text(), "zölle's energy");
        assert_eq!(story.matching(false).text(), "Zölle's Energy");
        assert_eq!(story.matching(true).index().char_len(), story.chars().len());
        assert!(std::ptr::eq(story.matching(true), story.matching(true)));
    }
}
