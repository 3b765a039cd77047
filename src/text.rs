//! Character offsets: the one place where byte offsets from regexes and automata become the
//! character (Unicode scalar value) offsets that every output uses.

use serde::Serialize;

/// A half-open range of character offsets, `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// First character of the span.
    pub start: usize,
    /// One past the last character of the span.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (end exclusive).
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }

    /// Number of characters covered.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no character.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// True when the two spans share at least one character.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// True when `other` lies entirely inside this span.
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The same span moved `by` characters to the right.
    pub fn shifted(&self, by: usize) -> Span {
        Span::new(self.start + by, self.end + by)
    }
}

/// Maps byte offsets of one text to character offsets, built once per text.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// Byte offset of every character start, plus the text length at the end.
    starts: Vec<usize>,
}

impl CharIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        starts.push(text.len());
        CharIndex { starts }
    }

    /// Character offset of the character starting at byte `byte` (or the end of the text).
    /// A byte inside a character maps to that character's successor.
    pub fn char_at(&self, byte: usize) -> usize {
        self.starts.partition_point(|&b| b < byte)
    }

    /// Byte offset where character `ch` starts.
    pub fn byte_at(&self, ch: usize) -> usize {
        self.starts[ch.min(self.starts.len() - 1)]
    }

    /// Converts a byte range into a character span.
    pub fn span(&self, start_byte: usize, end_byte: usize) -> Span {
        Span::new(self.char_at(start_byte), self.char_at(end_byte))
    }

    /// Number of characters in the text.
    pub fn char_len(&self) -> usize {
        self.starts.len() - 1
    }
}

/// A text lower-cased character by character, so that it has exactly as many characters as
/// the original and character offsets carry over unchanged.
pub fn lowercase_same_length(text: &str) -> String {
    text.chars().map(|c| c.to_lowercase().next().unwrap_or(c)).collect()
}

/// The characters `span` covers in `text`, found through `index`.
pub fn slice<'a>(text: &'a str, index: &CharIndex, span: Span) -> &'a str {
    &text[index.byte_at(span.start)..index.byte_at(span.end)]
}

/// True for characters that continue a word (letters and digits).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_bytes_to_chars_across_multibyte_text() {
        let text = "€5 für Zölle";
        let idx = CharIndex::new(text);
        let b = text.find("Zölle").unwrap();
        let span = idx.span(b, b + "Zölle".len());
        assert_eq!(span, Span::new(7, 12));
        assert_eq!(slice(text, &idx, span), "Zölle");
        assert_eq!(idx.char_len(), 12);
    }

    #[test]
    fn lowercasing_keeps_character_count() {
        for text in ["İstanbul", "ÄÖÜ Straße", "ΣΑΣ", "Ǆ"] {
            assert_eq!(lowercase_same_length(text).chars().count(), text.chars().count());
        }
    }
}
