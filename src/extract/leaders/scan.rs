//! The first stage of the leader extractor: a story's tokens, which of them could be part of
//! a name, and the runs of such tokens that candidate names are taken from.

use crate::extract::countries::CountryMention;
use crate::rules::leaders::LeaderRules;
use crate::rules::terms::TermHit;
use crate::story::StoryText;
use crate::text::{ascii_word_bytes, Span};

/// A word or a single punctuation character of the story.
#[derive(Debug, Clone)]
pub(super) struct Tok<'a> {
    /// Characters of the token in the story text.
    pub span: Span,
    /// The token as written (a trailing "'s" dropped).
    pub text: &'a str,
    /// Separated from the previous token by spaces or a single line break (a name may wrap:
    /// "President Lee\nMyung-bak"), not by a blank line.
    pub joined: bool,
    /// A word with a hyphen inside ("al-Burhan": maybe a particle joined to a name).
    hyphen: bool,
}

/// What an ASCII byte starts: a line break, other white space, a word, or a punctuation token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ascii {
    Newline,
    Space,
    Word,
    Sign,
}

/// [`Ascii`] of every ASCII byte, as [`char::is_whitespace`] and [`char::is_alphanumeric`]
/// class it.
const ASCII: [Ascii; 128] = {
    let mut table = [Ascii::Sign; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c == b'\n' {
            Ascii::Newline
        } else if matches!(c, b'\t' | 0x0B | 0x0C | b'\r' | b' ') {
            Ascii::Space
        } else if c.is_ascii_alphanumeric() {
            Ascii::Word
        } else {
            Ascii::Sign
        };
        b += 1;
    }
    table
};

/// True for the bytes of ASCII letters and digits.
const ASCII_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// The character at byte `at` of `text` (a character boundary) and its length in bytes.
#[inline]
fn char_at(text: &str, at: usize) -> (char, usize) {
    let b = text.as_bytes()[at];
    if b < 0x80 {
        return (char::from(b), 1);
    }
    let c = text[at..].chars().next().expect("a character boundary inside the text");
    (c, c.len_utf8())
}

/// [`char::is_alphanumeric`], answered without its tables for the general punctuation
/// (U+2000 to U+206F: dashes, quotation marks, ...), of which no character is a letter or a
/// digit.
#[inline]
fn is_alphanumeric(c: char) -> bool {
    !('\u{2000}'..='\u{206F}').contains(&c) && c.is_alphanumeric()
}

/// True when a letter starts at byte `at` of `text`.
#[inline]
fn letter_at(text: &str, at: usize) -> bool {
    match text.as_bytes().get(at) {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphabetic(),
        Some(_) => char_at(text, at).0.is_alphabetic(),
    }
}

/// Splits `text` into words (letters and digits, with inner hyphens and apostrophes, without
/// the `possessives` endings) and single punctuation characters. It reads bytes, decoding only
/// characters outside ASCII, and counts characters for the spans.
pub(super) fn tokenize<'a>(text: &'a str, possessives: &[String]) -> Tokens<'a> {
    let bytes = text.as_bytes();
    let mut out: Vec<Tok> = Vec::with_capacity(text.len() / 5 + 8);
    let (mut shaped, mut capitals) = (Vec::with_capacity(text.len() / 32), Vec::with_capacity(text.len() / 32));
    // The last bytes of the possessive endings: a word that ends in none has none.
    let mut ends = [false; 256];
    for suffix in possessives {
        if let Some(&last) = suffix.as_bytes().last() {
            ends[usize::from(last)] = true;
        }
    }
    // Byte and character offsets of the next character.
    let (mut at, mut i) = (0, 0);
    let mut broken = true;
    let mut newlines = 0;
    while at < bytes.len() {
        let b = bytes[at];
        let (end, end_i, hyphen, upper) = if b < 0x80 {
            match ASCII[usize::from(b)] {
                Ascii::Newline => {
                    newlines += 1;
                    broken = broken || newlines >= 2;
                    (at, i) = (at + 1, i + 1);
                    continue;
                }
                Ascii::Space => {
                    (at, i) = (at + 1, i + 1);
                    continue;
                }
                Ascii::Word => {
                    let (end, end_i, hyphen) = word_end(text, at, i);
                    (end, end_i, hyphen, b.is_ascii_uppercase())
                }
                Ascii::Sign => (at + 1, i + 1, usize::MAX, false),
            }
        } else {
            let (c, len) = char_at(text, at);
            if c.is_whitespace() {
                (at, i) = (at + len, i + 1);
                continue;
            }
            if is_alphanumeric(c) {
                let (end, end_i, hyphen) = word_end(text, at, i);
                (end, end_i, hyphen, c.is_uppercase())
            } else {
                (at + len, i + 1, usize::MAX, c.is_uppercase())
            }
        };
        let (span, word) = if ends[usize::from(bytes[end - 1])] {
            without_possessive(Span::new(i, end_i), &text[at..end], possessives)
        } else {
            (Span::new(i, end_i), &text[at..end])
        };
        let hyphen = hyphen < word.len();
        let k = u32::try_from(out.len()).expect("fewer tokens than characters");
        if hyphen || (upper && !word.is_empty()) {
            shaped.push(k);
        }
        if span.end - span.start >= 2 && !b.is_ascii_lowercase() {
            capitals.push(k);
        }
        out.push(Tok {
            span,
            text: word,
            joined: !broken,
            hyphen,
        });
        (at, i) = (end, end_i);
        broken = false;
        newlines = 0;
        // The space that most often follows, passed over here.
        if bytes.get(at) == Some(&b' ') {
            (at, i) = (at + 1, i + 1);
        }
    }
    Tokens {
        toks: out,
        shaped,
        capitals,
    }
}

/// The tokens of a text.
pub(super) struct Tokens<'a> {
    /// The tokens in text order.
    pub toks: Vec<Tok<'a>>,
    /// The tokens that may be part of a name by their shape (capitalised or hyphenated), by
    /// index: only these are asked [`Scan::could_be_name`].
    shaped: Vec<u32>,
    /// The tokens that may be written in capitals (of two characters or more, the first no
    /// ASCII lower-case letter), by index.
    capitals: Vec<u32>,
}

/// One past the last byte and the last character of the word starting at byte `start`,
/// character `i`, and where its first hyphen is (bytes from its start; `usize::MAX` for none).
#[inline(always)]
fn word_end(text: &str, start: usize, i: usize) -> (usize, usize, usize) {
    let bytes = text.as_bytes();
    let mut at = start;
    // Bytes of the word that do not start a character.
    let mut continuation = 0;
    let mut hyphen = usize::MAX;
    loop {
        at += ascii_word_run(bytes, at);
        let Some(&b) = bytes.get(at) else {
            break;
        };
        if b < 0x80 {
            if (b == b'-' || b == b'\'') && letter_at(text, at + 1) {
                if b == b'-' && hyphen == usize::MAX {
                    hyphen = at - start;
                }
                at += 1;
                continue;
            }
            break;
        }
        let (c, len) = char_at(text, at);
        if is_alphanumeric(c) || (c == '’' && letter_at(text, at + len)) {
            at += len;
            continuation += len - 1;
            continue;
        }
        break;
    }
    (at, i + (at - start) - continuation, hyphen)
}

/// How many ASCII letters and digits stand at `bytes[at..]`, eight bytes at a time where
/// eight are left.
#[inline(always)]
fn ascii_word_run(bytes: &[u8], at: usize) -> usize {
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut n = 0;
    while let Some(chunk) = bytes.get(at + n..at + n + 8) {
        let word = ascii_word_bytes(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        let others = !word & HIGH;
        if others != 0 {
            return n + (others.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    while at + n < bytes.len() && ASCII_WORD[usize::from(bytes[at + n])] {
        n += 1;
    }
    n
}

/// The word `word` at `span`, without a possessive ending of `possessives` (which stays
/// outside its span).
fn without_possessive<'a>(mut span: Span, mut word: &'a str, possessives: &[String]) -> (Span, &'a str) {
    for suffix in possessives {
        let last_byte_agrees = word.as_bytes().last() == suffix.as_bytes().last();
        // `span` counts the characters of `word`.
        if last_byte_agrees && word.ends_with(suffix.as_str()) && span.end - span.start > 3 {
            word = &word[..word.len() - suffix.len()];
            span.end -= suffix.chars().count();
        }
    }
    (span, word)
}

/// True when `text` starts with an upper-case letter.
#[inline]
pub(super) fn starts_upper(text: &str) -> bool {
    match text.as_bytes().first() {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
        Some(_) => text.chars().next().is_some_and(char::is_uppercase),
    }
}

/// No span: an entry of [`first_overlapping`]'s answer for a token no span overlaps.
const NO_SPAN: u32 = u32::MAX;

/// Per token: the index of the first of `spans` (in their order) that overlaps it, or
/// [`NO_SPAN`]. Tokens are disjoint and in text order, so each span finds its tokens by binary
/// search.
fn first_overlapping(toks: &[Tok], spans: impl Iterator<Item = Span>) -> Vec<u32> {
    let mut out = vec![NO_SPAN; toks.len()];
    for (i, span) in spans.enumerate() {
        let from = toks.partition_point(|t| t.span.end <= span.start);
        for (k, t) in toks.iter().enumerate().skip(from) {
            if t.span.start >= span.end {
                break;
            }
            if t.span.overlaps(&span) && out[k] == NO_SPAN {
                out[k] = u32::try_from(i).expect("fewer spans than characters");
            }
        }
    }
    out
}

/// A story read into tokens, with what the later stages ask of them.
pub(super) struct Scan<'a> {
    /// The story.
    story: &'a StoryText<'a>,
    /// Its tokens.
    pub toks: Vec<Tok<'a>>,
    /// The language's rules.
    pub rules: &'a LeaderRules,
    /// The story's country mentions.
    countries: &'a [CountryMention],
    /// Per token: the first country mention it lies in, or [`NO_SPAN`].
    tok_country: Vec<u32>,
    /// Per token: the first title phrase it lies in, or [`NO_SPAN`].
    tok_title: Vec<u32>,
    /// Per token: could it be part of a name.
    pub nameish: Vec<bool>,
    /// Runs of name-like tokens (first token, one past the last), particles inside allowed.
    pub runs: Vec<(usize, usize)>,
    /// The tokens that may be written in capitals ("MBS"), by index: the others are not.
    pub capitals: Vec<u32>,
}

impl<'a> Scan<'a> {
    /// Reads `text`; `titles` are the title phrases found in it, `countries` its country
    /// mentions.
    pub fn new(
        story: &'a StoryText<'a>,
        rules: &'a LeaderRules,
        countries: &'a [CountryMention],
        titles: &[TermHit],
    ) -> Scan<'a> {
        let Tokens { toks, shaped, capitals } = tokenize(story.text(), &rules.possessives);
        let tok_country = first_overlapping(&toks, countries.iter().map(|c| c.span));
        let tok_title = first_overlapping(&toks, titles.iter().map(|h| h.span));
        let mut scan = Scan {
            story,
            toks,
            rules,
            countries,
            tok_country,
            tok_title,
            nameish: Vec::new(),
            runs: Vec::new(),
            capitals,
        };
        // Most tokens are neither capitalised nor hyphenated, and so no part of a name.
        let mut nameish = vec![false; scan.toks.len()];
        for &k in &shaped {
            let k = k as usize;
            nameish[k] = scan.could_be_name(k);
        }
        scan.nameish = nameish;
        scan.runs = scan.name_runs(&shaped);
        scan
    }

    /// The country code of the country mention token `k` lies in.
    pub fn country_at(&self, k: usize) -> Option<&'a str> {
        let c = self.tok_country[k];
        (c != NO_SPAN).then(|| self.countries[c as usize].code.as_str())
    }

    /// True when the story names the country with code `code`.
    pub fn names_country(&self, code: &str) -> bool {
        self.countries.iter().any(|c| c.code == code)
    }

    /// True when token `k` lies in a title phrase.
    pub fn in_title(&self, k: usize) -> bool {
        self.tok_title[k] != NO_SPAN
    }

    /// True when token `k` is a name particle ("von", "bin").
    pub fn particle(&self, k: usize) -> bool {
        self.rules.particles.contains(self.toks[k].text)
    }

    /// True when token `k` joins a title to what it is of ("of", "der").
    pub fn joiner(&self, k: usize) -> bool {
        self.rules.joiners.contains(self.toks[k].text)
    }

    /// True when token `k` joins the last two items of a list (one of the rules'
    /// `conjunctions`: "and").
    pub fn is_and(&self, k: usize) -> bool {
        self.rules.conjunctions.contains(self.toks[k].text)
    }

    /// The run of name-like tokens starting at token `k`.
    pub fn run_from(&self, k: usize) -> Option<(usize, usize)> {
        let i = self.runs.binary_search_by_key(&k, |&(a, _)| a).ok()?;
        Some(self.runs[i])
    }

    /// The run of name-like tokens ending right before token `k`.
    pub fn run_until(&self, k: usize) -> Option<(usize, usize)> {
        let i = self.runs.binary_search_by_key(&k, |&(_, b)| b).ok()?;
        Some(self.runs[i])
    }

    /// Tokens `a..b` joined by single spaces.
    pub fn run_text(&self, a: usize, b: usize) -> String {
        self.toks[a..b].iter().map(|t| t.text).collect::<Vec<_>>().join(" ")
    }

    /// The characters of tokens `a..b`.
    pub fn run_span(&self, a: usize, b: usize) -> Span {
        Span::new(self.toks[a].span.start, self.toks[b - 1].span.end)
    }

    /// The story text of characters `start..end`.
    pub fn text(&self, start: usize, end: usize) -> String {
        self.slice(start, end).to_owned()
    }

    /// The story text of characters `start..end`, borrowed.
    pub fn slice(&self, start: usize, end: usize) -> &'a str {
        self.story.slice(Span::new(start, end))
    }

    /// True when token `k` could be part of a person's name: capitalised (or a particle
    /// joined to a capitalised name: "al-Burhan"), not an acronym, not a word the rules rule
    /// out, and not inside a title or a country mention.
    fn could_be_name(&self, k: usize) -> bool {
        let t = &self.toks[k];
        let rules = self.rules;
        let capital = starts_upper(t.text);
        let particle_name = || {
            let hyphen = t.text.bytes().position(|b| b == b'-');
            hyphen.is_some_and(|at| {
                let (p, rest) = (&t.text[..at], &t.text[at + 1..]);
                rules.particles.contains(p) && starts_upper(rest)
            })
        };
        if !(capital || t.hyphen && particle_name()) {
            return false;
        }
        if self.in_title(k) || self.tok_country[k] != NO_SPAN {
            return false;
        }
        let acronym = if t.text.is_ascii() {
            let upper = t.text.bytes().filter(u8::is_ascii_uppercase).count();
            upper >= 2 && upper * 2 >= t.text.bytes().filter(u8::is_ascii_alphabetic).count()
        } else {
            let upper = t.text.chars().filter(|c| c.is_uppercase()).count();
            upper >= 2 && upper * 2 >= t.text.chars().filter(|c| c.is_alphabetic()).count()
        };
        !acronym && !rules.never_in_name.contains(t.text)
    }

    /// Runs of joined name-like tokens; particles may stand inside a run when a name word
    /// follows them ("Ursula von der Leyen"). A run starts at a name-like token, which is one
    /// of `shaped` (in text order), after the run before it.
    fn name_runs(&self, shaped: &[u32]) -> Vec<(usize, usize)> {
        let (toks, nameish) = (&self.toks, &self.nameish);
        let mut runs = Vec::with_capacity(shaped.len());
        // One past the last run.
        let mut after = 0;
        for &k in shaped {
            let start = k as usize;
            if start < after || !nameish[start] {
                continue;
            }
            let mut end = start + 1;
            loop {
                if end < toks.len() && toks[end].joined && nameish[end] {
                    end += 1;
                    continue;
                }
                let mut p = end;
                while p < toks.len() && toks[p].joined && self.particle(p) {
                    p += 1;
                }
                if p > end && p < toks.len() && toks[p].joined && nameish[p] {
                    end = p + 1;
                    continue;
                }
                break;
            }
            runs.push((start, end));
            after = end;
        }
        runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`tokenize`] as first written, on the story's characters: (span, text, joined) of each
    /// token.
    fn tokenize_by_chars<'a>(text: &'a str, possessives: &[String]) -> Vec<(Span, &'a str, bool)> {
        let chars: Vec<char> = text.chars().collect();
        let word_end = |start: usize| {
            let mut i = start;
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || (matches!(chars[i], '-' | '\'' | '’') && chars.get(i + 1).is_some_and(|n| n.is_alphabetic())))
            {
                i += 1;
            }
            i
        };
        let mut out = Vec::new();
        let (mut i, mut byte) = (0, 0);
        let (mut broken, mut newlines) = (true, 0);
        while i < chars.len() {
            let c = chars[i];
            if c == '\n' {
                newlines += 1;
                broken = broken || newlines >= 2;
                (i, byte) = (i + 1, byte + 1);
                continue;
            }
            if c.is_whitespace() {
                (i, byte) = (i + 1, byte + c.len_utf8());
                continue;
            }
            let end = if c.is_alphanumeric() { word_end(i) } else { i + 1 };
            let end_byte = byte + chars[i..end].iter().map(|c| c.len_utf8()).sum::<usize>();
            let (span, word) = without_possessive(Span::new(i, end), &text[byte..end_byte], possessives);
            (i, byte) = (end, end_byte);
            out.push((span, word, !broken));
            (broken, newlines) = (false, 0);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_into_the_tokens_read_character_by_character(
            text in "([a-zA-Z0-9]{1,9}|[ \t\r\n\u{a0}\u{2003}.,;:()'’-]|'s|’s|[äÖßéΣıİ\u{301}٣Ⅻ“”–\u{2071}]){0,40}",
        ) {
            let possessives = ["'s".to_owned(), "’s".to_owned()];
            let tokens = tokenize(&text, &possessives);
            let read: Vec<(Span, &str, bool)> = tokens.toks.iter().map(|t| (t.span, t.text, t.joined)).collect();
            proptest::prop_assert_eq!(read, tokenize_by_chars(&text, &possessives));
            for (k, t) in tokens.toks.iter().enumerate() {
                proptest::prop_assert_eq!(t.hyphen, t.text.len() > 1 && t.text.contains('-'));
                let shaped = t.hyphen || t.text.chars().next().is_some_and(char::is_uppercase);
                proptest::prop_assert_eq!(tokens.shaped.contains(&(k as u32)), shaped);
                let capitals = t.span.len() >= 2 && !t.text.as_bytes()[0].is_ascii_lowercase();
                proptest::prop_assert_eq!(tokens.capitals.contains(&(k as u32)), capitals);
            }
        }
    }

    #[test]
    fn no_general_punctuation_is_a_letter_or_a_digit() {
        for c in ('\u{2000}'..='\u{206F}').chain(['a', 'Ä', '٣', '\u{2070}', '\u{2071}', 'ⁿ']) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn word_runs_are_read_eight_bytes_at_a_time_as_byte_by_byte() {
        let one_by_one =
            |bytes: &[u8], at: usize| bytes[at..].iter().take_while(|&&b| ASCII_WORD[usize::from(b)]).count();
        // Every byte value at every place of a run of letters, and texts of mixed bytes.
        for b in 0..=255u8 {
            for place in 0..20 {
                let mut bytes = b"Abcdefghijklmnopqrstuvwxyz0123456789".to_vec();
                bytes[place] = b;
                for at in 0..bytes.len() {
                    assert_eq!(ascii_word_run(&bytes, at), one_by_one(&bytes, at), "{b} {place} {at}");
                }
            }
        }
        let text = "Kassym-Jomart Tokajew's 1:51 PM, Ödön Zölle’s [a]{z}@`/9:0 \u{ff}\u{80}AZaz09_~";
        for at in 0..text.len() {
            assert_eq!(
                ascii_word_run(text.as_bytes(), at),
                one_by_one(text.as_bytes(), at),
                "{at}"
            );
        }
    }

    #[test]
    fn tokens_join_over_one_line_break_not_a_blank_line() {
        let text = "President Lee\nMyung-bak's visit.\n\nNext";
        let possessives = ["'s".to_owned(), "’s".to_owned()];
        let toks = tokenize(text, &possessives).toks;
        let words: Vec<(&str, bool)> = toks.iter().map(|t| (t.text, t.joined)).collect();
        assert_eq!(
            words,
            vec![
                ("President", false),
                ("Lee", true),
                ("Myung-bak", true),
                ("visit", true),
                (".", true),
                ("Next", false)
            ]
        );
        // The possessive stays outside the name's span.
        assert_eq!(toks[2].span, Span::new(14, 23));
    }
}
