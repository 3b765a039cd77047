//! Character offsets: the one place where byte offsets from regexes and automata become the
//! character (Unicode scalar value) offsets that every output uses.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

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

    /// This story span in the offsets of the file, for the story that covers `story`.
    pub fn in_file(&self, story: FileSpan) -> FileSpan {
        FileSpan::new(self.start + story.start, self.end + story.start)
    }
}

/// A half-open range of character offsets in a whole file. Extractors work in story offsets
/// ([`Span`]); [`Span::in_file`] and [`FileSpan::within`] convert between the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileSpan {
    /// First character of the span in the file.
    pub start: usize,
    /// One past the last character of the span in the file.
    pub end: usize,
}

impl FileSpan {
    /// A file span from `start` to `end` (end exclusive).
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        FileSpan { start, end }
    }

    /// Number of characters covered.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no character.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// This span in the offsets of the story that covers `story` of the file (the span must
    /// lie inside it).
    pub fn within(&self, story: FileSpan) -> Span {
        Span::new(self.start - story.start, self.end - story.start)
    }

    /// The text of the file the span covers, found through the file's `index`.
    pub fn slice<'t>(&self, text: &'t str, index: &CharIndex) -> &'t str {
        &text[index.byte_at(self.start)..index.byte_at(self.end)]
    }
}

/// The longest text accord indexes (and so the highest `--max-file-size`): 1 GiB.
pub const MAX_TEXT_BYTES: usize = 1 << 30;

/// Maps byte offsets of one text to character offsets, built once per text. Only characters of
/// more than one byte are recorded, so ASCII text costs one pass over its bytes and no memory.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// Length of the text in bytes.
    len: usize,
    /// Every character of more than one byte, in text order.
    /// (`u32`: texts are far below 4 GiB, see [`MAX_TEXT_BYTES`].)
    wide: Vec<Wide>,
}

/// A character of more than one byte, with the continuation bytes of the wide characters
/// before it: its character offset is its byte offset minus those.
#[derive(Debug, Clone, Copy)]
struct Wide {
    start: u32,
    len: u8,
    extra_before: u32,
}

impl Wide {
    /// Its character offset.
    fn char_offset(&self) -> usize {
        (self.start - self.extra_before) as usize
    }

    /// The continuation bytes of the wide characters up to and including this one.
    fn extra_through(&self) -> usize {
        self.extra_before as usize + self.len as usize - 1
    }
}

impl CharIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        check_len(text);
        let mut wide = Vec::new();
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            at += ascii_len(&bytes[at..]);
            if at == bytes.len() {
                break;
            }
            let len = utf8_len(bytes[at]);
            push_wide(&mut wide, at, len);
            at += len;
        }
        CharIndex { len: text.len(), wide }
    }

    /// Indexes `text` and lists its characters, in one pass over it.
    pub fn with_chars(text: &str) -> (CharIndex, Vec<char>) {
        check_len(text);
        let mut wide = Vec::new();
        let mut chars = Vec::with_capacity(text.len());
        for (at, run, after) in ascii_runs(text) {
            chars.extend(run.bytes().map(char::from));
            if let Some(c) = after {
                push_wide(&mut wide, at + run.len(), c.len_utf8());
                chars.push(c);
            }
        }
        (CharIndex { len: text.len(), wide }, chars)
    }

    /// Character offset of the character starting at byte `byte` (or the end of the text).
    /// A byte inside a character maps to that character's successor.
    pub fn char_at(&self, byte: usize) -> usize {
        let byte = byte.min(self.len);
        let k = self.wide.partition_point(|w| (w.start as usize) < byte);
        let Some(last) = k.checked_sub(1).map(|k| self.wide[k]) else {
            return byte;
        };
        // Continuation bytes before `byte`: all of the earlier wide characters', and those of
        // the last one that lie before `byte`.
        let inside = (byte - last.start as usize - 1).min(last.len as usize - 1);
        byte - (last.extra_before as usize + inside)
    }

    /// Byte offset where character `ch` starts (the end of the text past its last character).
    pub fn byte_at(&self, ch: usize) -> usize {
        let ch = ch.min(self.char_len());
        let k = self.wide.partition_point(|w| w.char_offset() < ch);
        let extra = k.checked_sub(1).map_or(0, |k| self.wide[k].extra_through());
        ch + extra
    }

    /// Converts a byte range into a character span.
    pub fn span(&self, start_byte: usize, end_byte: usize) -> Span {
        Span::new(self.char_at(start_byte), self.char_at(end_byte))
    }

    /// Number of characters in the text.
    pub fn char_len(&self) -> usize {
        self.len - self.wide.last().map_or(0, Wide::extra_through)
    }
}

/// Records the character of `len` bytes at byte `at`, after the wide characters in `wide`.
fn push_wide(wide: &mut Vec<Wide>, at: usize, len: usize) {
    let extra_before = wide.last().map_or(0, |w| w.extra_through() as u32);
    wide.push(Wide {
        start: at as u32,
        len: len as u8,
        extra_before,
    });
}

/// The length in bytes of the UTF-8 character whose first byte is `first`.
fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// Panics when `text` is longer than [`MAX_TEXT_BYTES`], which offsets of `u32` cannot index.
fn check_len(text: &str) {
    assert!(
        text.len() <= MAX_TEXT_BYTES,
        "text of {} bytes is over the limit",
        text.len()
    );
}

/// How many bytes at the start of `bytes` are ASCII, read eight bytes a round.
pub fn ascii_len(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let (octets, _) = bytes.as_chunks::<8>();
    let mut n = 0;
    for octet in octets {
        let high = u64::from_le_bytes(*octet) & HIGH;
        if high != 0 {
            return n + (high.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + bytes[n..].iter().take_while(|b| b.is_ascii()).count()
}

/// `text` as runs of ASCII, each with the character outside ASCII that ends it (none at the
/// end of the text): (byte offset of the run, the run, that character). Runs are found eight
/// bytes at a time ([`ascii_len`]), so a loop over them handles ASCII without decoding it.
pub fn ascii_runs(text: &str) -> impl Iterator<Item = (usize, &str, Option<char>)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let start = at;
        let run = ascii_len(&text.as_bytes()[start..]);
        let after = text[start + run..].chars().next();
        at = start + run + after.map_or(0, char::len_utf8);
        Some((start, &text[start..start + run], after))
    })
}

/// How many bytes satisfy `test`, summed in runs short enough for a byte counter (a form the
/// compiler turns into vector instructions).
pub fn count_bytes(bytes: &[u8], test: impl Fn(u8) -> bool) -> usize {
    bytes
        .chunks(255)
        .map(|run| usize::from(run.iter().map(|&b| u8::from(test(b))).sum::<u8>()))
        .sum()
}

/// For eight ASCII bytes read as a little-endian `u64`: the high bit of each byte set when the
/// byte is a letter or a digit, all other bits clear.
#[inline(always)]
pub fn ascii_word_bytes(x: u64) -> u64 {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    // Per byte below 0x80, the high bit set when the byte is at least `low` and at most `high`
    // (the sums stay within each byte).
    let between =
        |x: u64, low: u8, high: u8| (x + ONES * u64::from(0x80 - low)) & !(x + ONES * u64::from(0x7F - high)) & HIGH;
    let ascii = !x & HIGH;
    let low7 = x & !HIGH;
    (between(low7 | (ONES * 0x20), b'a', b'z') | between(low7, b'0', b'9')) & ascii
}

/// A text lower-cased character by character, so that it has exactly as many characters as
/// the original and character offsets carry over unchanged.
pub fn lowercase_same_length(text: &str) -> String {
    text.chars().map(|c| c.to_lowercase().next().unwrap_or(c)).collect()
}

/// `text` with diacritics folded (decomposed, combining marks dropped) and lower-cased; ASCII
/// text, which has nothing to fold, is only lower-cased.
pub fn fold_lowercase(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// The characters `span` covers in `text`, found through `index`.
pub fn slice<'a>(text: &'a str, index: &CharIndex, span: Span) -> &'a str {
    &text[index.byte_at(span.start)..index.byte_at(span.end)]
}

/// The lower-case words of `text`: runs of letters (digits and punctuation separate them).
pub fn lower_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// True for characters that continue a word (letters and digits).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// A run of word characters longer than this is no word (a code, a hash, an encoded blob),
/// so nothing is looked up inside it; German compounds stay well below it.
pub const MAX_WORD_CHARS: usize = 64;

/// Where the word that continues at `from` ends, or `None` when it runs on for more than
/// [`MAX_WORD_CHARS`] characters from there.
pub fn word_end(chars: &[char], from: usize) -> Option<usize> {
    let mut end = from;
    while end < chars.len() && is_word_char(chars[end]) {
        if end - from == MAX_WORD_CHARS {
            return None;
        }
        end += 1;
    }
    Some(end)
}

/// Where the word that reaches back from `to` starts, or `None` when it runs back for more
/// than [`MAX_WORD_CHARS`] characters from there.
pub fn word_start(chars: &[char], to: usize) -> Option<usize> {
    let mut start = to;
    while start > 0 && is_word_char(chars[start - 1]) {
        if to - start == MAX_WORD_CHARS {
            return None;
        }
        start -= 1;
    }
    Some(start)
}

/// [`word_end`] on a text: the byte where the word that continues at byte `from` of `text`
/// ends, or `None` when it runs on for more than [`MAX_WORD_CHARS`] characters from there.
pub fn word_end_byte(text: &str, from: usize) -> Option<usize> {
    let mut end = from;
    for (n, c) in text[from..].chars().enumerate() {
        if !is_word_char(c) {
            return Some(end);
        }
        if n == MAX_WORD_CHARS {
            return None;
        }
        end += c.len_utf8();
    }
    Some(end)
}

/// [`word_start`] on a text: the byte where the word that reaches back from byte `to` of
/// `text` starts, or `None` when it runs back for more than [`MAX_WORD_CHARS`] characters.
pub fn word_start_byte(text: &str, to: usize) -> Option<usize> {
    let mut start = to;
    for (n, c) in text[..to].chars().rev().enumerate() {
        if !is_word_char(c) {
            return Some(start);
        }
        if n == MAX_WORD_CHARS {
            return None;
        }
        start -= c.len_utf8();
    }
    Some(start)
}

/// Makes matching text uniform without changing its length in characters: whitespace becomes a
/// space, typographic apostrophes and dashes their ASCII forms, and (optionally) lower case.
pub fn normalize_for_matching(text: &str, lowercase: bool) -> String {
    normalize_with(text, lowercase, |_, _| {})
}

/// [`normalize_for_matching`], telling `wide` the byte offset and length of every character of
/// more than one byte it writes.
fn normalize_with(text: &str, lowercase: bool, mut wide: impl FnMut(usize, usize)) -> String {
    let mut out = Vec::with_capacity(text.len());
    for (_, run, after) in ascii_runs(text) {
        let from = out.len();
        out.extend_from_slice(run.as_bytes());
        out[from..].iter_mut().for_each(|b| *b = normalize_ascii(*b, lowercase));
        let Some(c) = after else {
            break;
        };
        let mut buf = [0; 4];
        let written = normalize_other(c, lowercase).encode_utf8(&mut buf).as_bytes();
        if written.len() > 1 {
            wide(out.len(), written.len());
        }
        out.extend_from_slice(written);
    }
    String::from_utf8(out).expect("ASCII bytes and whole characters are UTF-8")
}

/// [`normalize_for_matching`] of an ASCII character (one byte): written with comparisons and
/// selects only, so that a loop over a run of ASCII turns into vector instructions.
#[inline(always)]
fn normalize_ascii(b: u8, lowercase: bool) -> u8 {
    // Tab, line feed, vertical tab, form feed and carriage return are 9 to 13.
    let b = if b.wrapping_sub(b'\t') < 5 { b' ' } else { b };
    let b = if b == b'`' { b'\'' } else { b };
    if lowercase && b.wrapping_sub(b'A') < 26 {
        b | 0x20
    } else {
        b
    }
}

/// [`normalize_for_matching`] of a character outside ASCII.
fn normalize_other(c: char, lowercase: bool) -> char {
    let c = match c {
        c if c.is_whitespace() => ' ',
        '’' | '‘' | 'ʼ' => '\'',
        '‐' | '‑' | '–' => '-',
        c => c,
    };
    if lowercase {
        c.to_lowercase().next().unwrap_or(c)
    } else {
        c
    }
}

/// A text normalised for term matching ([`normalize_for_matching`]), with its character
/// index: built once and read by every term matcher of the same case mode.
#[derive(Debug, Clone)]
pub struct MatchText {
    text: String,
    index: CharIndex,
    lowercase: bool,
}

impl MatchText {
    /// Normalises `text` (and lower-cases it when `lowercase`), indexing it as it is written.
    pub fn new(text: &str, lowercase: bool) -> MatchText {
        // Lower-casing lengthens a character by half at most (two bytes to three), so the
        // normalised text too stays far below what `u32` offsets index.
        check_len(text);
        let mut wide = Vec::new();
        let normalized = normalize_with(text, lowercase, |at, len| push_wide(&mut wide, at, len));
        MatchText {
            index: CharIndex {
                len: normalized.len(),
                wide,
            },
            text: normalized,
            lowercase,
        }
    }

    /// The normalised text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Its character index.
    pub fn index(&self) -> &CharIndex {
        &self.index
    }

    /// True when the text was lower-cased.
    pub fn lowercase(&self) -> bool {
        self.lowercase
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_diacritics_and_lowercases_with_or_without_the_ascii_shortcut() {
        for (text, folded) in [
            ("Tokayev", "tokayev"),
            ("MBS", "mbs"),
            ("Erdoğan", "erdogan"),
            ("ÅSTRÖM", "astrom"),
            ("Mirziyoyev’s", "mirziyoyev’s"),
        ] {
            assert_eq!(fold_lowercase(text), folded, "{text}");
        }
    }

    #[test]
    fn the_index_agrees_with_counting_characters_at_every_byte() {
        let texts = [
            "",
            "plain ASCII",
            "é",
            "€5 für Zölle – „Gespräche“ in Taschkent",
            "😀a😀😀b",
            "Ωmega ẞ 𝔘 ß\u{301}e\u{301}",
        ];
        for text in texts {
            let index = CharIndex::new(text);
            let (same, chars) = CharIndex::with_chars(text);
            assert_eq!(chars, text.chars().collect::<Vec<_>>(), "{text:?}");
            for byte in 0..=text.len() {
                assert_eq!(same.char_at(byte), index.char_at(byte), "{text:?} byte {byte}");
            }
            let starts: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
            for byte in 0..=text.len() {
                let counted = starts.iter().filter(|&&b| b < byte).count();
                assert_eq!(index.char_at(byte), counted, "{text:?} byte {byte}");
            }
            for (ch, &byte) in starts.iter().enumerate() {
                assert_eq!(index.byte_at(ch), byte, "{text:?} char {ch}");
            }
            assert_eq!(index.byte_at(starts.len() + 3), text.len());
            assert_eq!(index.char_len(), text.chars().count());
        }
    }

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
    fn words_end_and_start_within_the_limit() {
        let chars: Vec<char> = "ab Zollunion cd".chars().collect();
        assert_eq!(word_end(&chars, 5), Some(12));
        assert_eq!(word_start(&chars, 8), Some(3));
        assert_eq!(word_start(&chars, 2), Some(0));
        assert_eq!(word_end(&chars, 13), Some(15));
        let blob: Vec<char> = format!("x {} y", "a".repeat(MAX_WORD_CHARS + 1)).chars().collect();
        assert_eq!(word_end(&blob, 2), None);
        assert_eq!(word_start(&blob, MAX_WORD_CHARS + 3), None);
        assert_eq!(word_start(&blob, 60), Some(2));
        let longest: Vec<char> = "a".repeat(MAX_WORD_CHARS).chars().collect();
        assert_eq!(word_end(&longest, 0), Some(MAX_WORD_CHARS));
        assert_eq!(word_start(&longest, MAX_WORD_CHARS), Some(0));
    }

    #[test]
    fn normalizing_ascii_turns_space_like_bytes_and_backticks_and_keeps_the_rest() {
        for b in 0u8..128 {
            let c = char::from(b);
            for lowercase in [false, true] {
                let expected = match c {
                    '\t' | '\n' | '\x0B' | '\x0C' | '\r' => ' ',
                    '`' => '\'',
                    c if lowercase => c.to_ascii_lowercase(),
                    c => c,
                };
                // In a run long enough for the vector loop, and alone.
                let run = c.to_string().repeat(37);
                let normalized = normalize_for_matching(&run, lowercase);
                assert_eq!(
                    normalized,
                    expected.to_string().repeat(37),
                    "{b:#x} lowercase={lowercase}"
                );
                assert_eq!(normalize_for_matching(&c.to_string(), lowercase), expected.to_string());
            }
        }
    }

    #[test]
    fn ascii_runs_cover_the_text_in_order() {
        for text in [
            "",
            "abc",
            "é",
            "ab😀",
            "😀ab",
            "Zölle für Öl",
            "ÄÖ",
            "a long run of ASCII, then ẞ",
        ] {
            let mut rebuilt = String::new();
            for (at, run, after) in ascii_runs(text) {
                assert_eq!(at, rebuilt.len(), "{text:?}");
                assert!(run.is_ascii(), "{text:?}");
                rebuilt.push_str(run);
                rebuilt.extend(after);
                assert!(after.is_none_or(|c| !c.is_ascii()), "{text:?}");
            }
            assert_eq!(rebuilt, text);
        }
        assert_eq!(ascii_runs("ab").collect::<Vec<_>>(), vec![(0, "ab", None)]);
        assert_eq!(
            ascii_runs("ÄÖx").collect::<Vec<_>>(),
            vec![(0, "", Some('Ä')), (2, "", Some('Ö')), (4, "x", None)]
        );
    }

    #[test]
    fn ascii_len_stops_at_the_first_byte_outside_ascii() {
        for len in 0..40 {
            for at in 0..=len {
                let mut bytes = vec![b'a'; len];
                if at < len {
                    bytes[at] = 0xC3;
                }
                assert_eq!(ascii_len(&bytes), at, "len {len}, non-ASCII at {at}");
            }
        }
    }

    #[test]
    fn match_text_indexes_what_it_writes() {
        for text in ["", "plain", "Zölle’s\tEnergy — ẞ İstanbul", "😀a\u{a0}b"] {
            for lowercase in [false, true] {
                let m = MatchText::new(text, lowercase);
                let fresh = CharIndex::new(m.text());
                for byte in 0..=m.text().len() {
                    assert_eq!(m.index().char_at(byte), fresh.char_at(byte), "{text:?} byte {byte}");
                }
                assert_eq!(m.index().char_len(), text.chars().count());
            }
        }
    }

    #[test]
    fn words_end_and_start_on_bytes_as_on_characters() {
        let long = format!("x {} y", "ä".repeat(MAX_WORD_CHARS + 1));
        for text in ["ab Zollunion cd", "Zölle’s 5-Jahres-Plan", "", long.as_str()] {
            let chars: Vec<char> = text.chars().collect();
            let index = CharIndex::new(text);
            for (ch, (byte, _)) in text.char_indices().chain([(text.len(), ' ')]).enumerate() {
                let to_char = |b: Option<usize>| b.map(|b| index.char_at(b));
                assert_eq!(
                    to_char(word_end_byte(text, byte)),
                    word_end(&chars, ch),
                    "{text:?} {ch}"
                );
                assert_eq!(
                    to_char(word_start_byte(text, byte)),
                    word_start(&chars, ch),
                    "{text:?} {ch}"
                );
            }
        }
    }

    #[test]
    fn lowercasing_keeps_character_count() {
        for text in ["İstanbul", "ÄÖÜ Straße", "ΣΑΣ", "Ǆ"] {
            assert_eq!(lowercase_same_length(text).chars().count(), text.chars().count());
        }
    }
}
