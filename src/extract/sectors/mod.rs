//! Sectors: the fields of activity a story names, by the terms compiled in
//! [`crate::rules::sectors`]. Words listed in `sector_exclusions.csv` are false friends. In
//! languages that capitalise only names, a term inside an organisation's name ("Export-Import
//! Bank", "Aksa Energy" in a list of holdings), an office ("Commerce and Industry Minister") or
//! an index ("Dow Jones Industrial Average") is not evidence. A mention of a generic sector
//! right after another sector's term belongs to that term ("oil and gas industry").

mod exclusions;

use crate::rules::id::RuleId;
use std::cell::OnceCell;

use crate::rules::sectors::SectorRules;
use crate::rules::terms::enclosing_word;
use crate::story::StoryText;
use crate::text::Span;

/// A sector term found in a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectorMention {
    /// Character span in the story text.
    pub span: Span,
    /// Taxonomy id.
    pub sector: String,
    /// The matched text, lower-cased (the whole word for open-ended terms).
    pub term: String,
    /// Rule id (`sector.<lang>.<id>`).
    pub rule: RuleId,
}

/// Finds every sector term in `text` that is not a false friend or part of a name, with
/// generic terms right after another sector's term given to that sector.
pub fn extract(story: &StoryText, rules: &SectorRules) -> Vec<SectorMention> {
    let chars = story.chars();
    let tokens: OnceCell<Vec<Tok>> = OnceCell::new();
    let text = story.text();
    let mut mentions: Vec<SectorMention> = Vec::new();
    let mut scratch = Scratch::default();
    for hit in rules.matcher.find_in(story.matching(rules.matcher.case_insensitive())) {
        if rules.abbreviations[hit.term] && !is_abbreviation_at(chars, hit.span, &rules.sectors[hit.term].written) {
            continue;
        }
        let term = &rules.sectors[hit.term];
        let sector = &term.sector;
        if is_false_friend(rules, chars, hit.span, sector, &mut scratch)
            || in_organisation_name(
                rules,
                story,
                || tokens.get_or_init(|| tokenize(text)).as_slice(),
                hit.span,
            )
        {
            continue;
        }
        if rules.generic.contains(sector)
            && mentions
                .last()
                .is_some_and(|m| !rules.generic.contains(&m.sector) && describes(chars, m, hit.span))
        {
            continue;
        }
        mentions.push(SectorMention {
            span: hit.span,
            sector: sector.clone(),
            term: lowercase(&chars[hit.span.start..hit.span.end]),
            rule: term.rule.clone(),
        });
    }
    mentions
}

/// Buffers for the lower-case words that [`is_false_friend`] compares, reused from one term
/// to the next.
#[derive(Default)]
struct Scratch {
    word: Vec<u8>,
    compound: Vec<u8>,
}

/// True when an exclusion cancels the match of `sector` at `span`.
fn is_false_friend(rules: &SectorRules, chars: &[char], span: Span, sector: &str, scratch: &mut Scratch) -> bool {
    let mut exclusions = rules.exclusions_of(sector).peekable();
    if exclusions.peek().is_none() {
        return false;
    }
    let word_span = enclosing_word(chars, span);
    let word = lowercase_into(&chars[word_span.start..word_span.end], &mut scratch.word);
    let compound_span = hyphenated_word(chars, word_span);
    let compound = if compound_span != word_span {
        lowercase_into(&chars[compound_span.start..compound_span.end], &mut scratch.compound)
    } else {
        word
    };
    exclusions.any(|e| exclusions::cancels(e, sector, chars, word_span, word, compound))
}

/// True when `span` is part of a run of capitalised words (joined by the rules' joiners, such
/// as "of", commas or hyphens) that contains an organisation word. `tokens` gives the
/// story's tokens, read only when they are needed.
fn in_organisation_name<'t>(
    rules: &SectorRules,
    story: &StoryText,
    tokens: impl FnOnce() -> &'t [Tok],
    span: Span,
) -> bool {
    let names = &rules.names;
    if names.heads.is_empty() || !story.chars()[span.start].is_uppercase() {
        return false;
    }
    let tokens = tokens();
    let text = story.text();
    // The tokens are in bytes: so is the span (character and byte ranges overlap alike).
    let (start, end) = (story.index().byte_at(span.start), story.index().byte_at(span.end));
    let pos = tokens.partition_point(|t| t.end as usize <= start);
    if !tokens
        .get(pos)
        .is_some_and(|t| (t.start as usize) < end && start < t.end as usize)
    {
        return false;
    }
    let is_cap = |t: &Tok| t.text(text).chars().next().is_some_and(|c| c.is_uppercase());
    let is_joiner = |t: &Tok| names.joiners.iter().any(|j| j == t.text(text));
    let is_article = |t: &Tok| names.articles.iter().any(|a| a == t.text(text));
    let mut lo = pos;
    while lo > 0
        && pos - lo < MAX_NAME_TOKENS
        && tokens[lo].same_line
        && (is_cap(&tokens[lo - 1]) || (is_joiner(&tokens[lo - 1]) && lo >= 2 && is_cap(&tokens[lo - 2])))
    {
        lo -= 1;
    }
    let mut hi = pos;
    while hi + 1 < tokens.len()
        && hi - pos < MAX_NAME_TOKENS
        && tokens[hi + 1].same_line
        && (is_cap(&tokens[hi + 1])
            || (is_joiner(&tokens[hi + 1]) && tokens.get(hi + 2).is_some_and(|t| is_cap(t) || is_article(t))))
    {
        hi += 1;
    }
    tokens[lo..=hi].iter().any(|t| names.heads.contains(t.text(text)))
}

/// True when the text at `span` is the abbreviation `term` as written, in capitals, and not a
/// word of a line set in capitals ("WHY IT MATTERS").
fn is_abbreviation_at(chars: &[char], span: Span, term: &str) -> bool {
    chars[span.start..span.end].iter().copied().eq(term.chars()) && !in_capitals_run(chars, span)
}

/// Words looked at either side of an abbreviation to tell a line set in capitals.
const CAPITALS_CONTEXT_WORDS: usize = 3;

/// Characters looked at either side of an abbreviation for those words.
const CAPITALS_CONTEXT_CHARS: usize = 80;

/// True when the words next to `span` on its line (up to [`CAPITALS_CONTEXT_WORDS`] either
/// side, those with letters) are all in capitals, and there is at least one.
fn in_capitals_run(chars: &[char], span: Span) -> bool {
    let from = span.start.saturating_sub(CAPITALS_CONTEXT_CHARS);
    let to = chars.len().min(span.end + CAPITALS_CONTEXT_CHARS);
    let line_start = chars[from..span.start]
        .iter()
        .rposition(|&c| c == '\n')
        .map_or(from, |i| from + i + 1);
    let line_end = chars[span.end..to]
        .iter()
        .position(|&c| c == '\n')
        .map_or(to, |i| span.end + i);
    let words = |part: &[char]| -> Vec<String> {
        part.split(|c| !c.is_alphanumeric())
            .filter(|w| w.iter().any(|c| c.is_alphabetic()))
            .map(|w| w.iter().collect())
            .collect()
    };
    let before = words(&chars[line_start..span.start]);
    let after = words(&chars[span.end..line_end]);
    let near: Vec<&String> = before
        .iter()
        .rev()
        .take(CAPITALS_CONTEXT_WORDS)
        .chain(after.iter().take(CAPITALS_CONTEXT_WORDS))
        .collect();
    !near.is_empty() && near.iter().all(|w| !w.chars().any(char::is_lowercase))
}

/// True when the mention `before` of a specific sector ends right before `span` (at most a
/// space or a hyphen between) or runs into it, so that a generic term at `span` describes it ("gas industry",
/// "Pharmaindustrie", "vaccine manufacturing").
fn describes(chars: &[char], before: &SectorMention, span: Span) -> bool {
    if before.span.end > span.start {
        // Both terms lie in one compound ("Pharmaindustrie").
        return true;
    }
    span.start - before.span.end <= 2
        && chars[before.span.end..span.start]
            .iter()
            .all(|c| *c == ' ' || *c == '-')
}

/// An organisation's name is looked for at most this many tokens either side of a term, so a
/// page of capitalised words costs linear time.
const MAX_NAME_TOKENS: usize = 32;

/// `word` extended over hyphens to the whole hyphenated compound ("state-of-the-art"), over
/// at most a few hundred characters.
fn hyphenated_word(chars: &[char], word: Span) -> Span {
    let reach = 4 * crate::text::MAX_WORD_CHARS;
    let chars = &chars[..chars.len().min(word.end + reach)];
    let floor = word.start.saturating_sub(reach);
    let mut start = word.start;
    while start >= floor + 2 && chars[start - 1] == '-' && chars[start - 2].is_alphanumeric() {
        start -= 1;
        while start > floor && chars[start - 1].is_alphanumeric() {
            start -= 1;
        }
    }
    let mut end = word.end;
    while end + 1 < chars.len() && chars[end] == '-' && chars[end + 1].is_alphanumeric() {
        end += 1;
        while end < chars.len() && chars[end].is_alphanumeric() {
            end += 1;
        }
    }
    Span::new(start, end)
}

/// A word or a single other character of the text, for telling organisations' names.
struct Tok {
    /// Its first byte in the text.
    start: u32,
    /// One past its last byte.
    end: u32,
    /// False after a line break or punctuation that ends a name (`.`, `;`, brackets, quotes).
    same_line: bool,
}

impl Tok {
    /// The token as written in `text`.
    fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start as usize..self.end as usize]
    }
}

/// `chars` as a lower-case string (`str::to_lowercase` of their text).
fn lowercase(chars: &[char]) -> String {
    if chars.iter().all(char::is_ascii) {
        String::from_utf8(chars.iter().map(|&c| (c as u8).to_ascii_lowercase()).collect()).expect("ASCII is UTF-8")
    } else {
        chars.iter().collect::<String>().to_lowercase()
    }
}

/// `chars` as a lower-case string (`str::to_lowercase` of their text), written over `out`.
fn lowercase_into<'b>(chars: &[char], out: &'b mut Vec<u8>) -> &'b str {
    out.clear();
    if chars.iter().all(char::is_ascii) {
        out.extend(chars.iter().map(|&c| (c as u8).to_ascii_lowercase()));
    } else {
        out.extend_from_slice(chars.iter().collect::<String>().to_lowercase().as_bytes());
    }
    std::str::from_utf8(out).expect("a string's bytes are UTF-8")
}

/// What a character is to the tokenizer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// White space: separates tokens.
    Space,
    /// Ends a name ([`ends_name`]) and separates tokens.
    NameEnd,
    /// A letter or digit: starts or continues a word.
    Word,
    /// An apostrophe: continues a word, else a token of its own.
    Apostrophe,
    /// Any other character: a token of its own.
    Other,
    /// The first byte of a character outside ASCII (in [`BYTE_CLASS`] only).
    Wide,
}

/// The [`Class`] of every ASCII character, and [`Class::Wide`] for the other bytes.
const BYTE_CLASS: [Class; 256] = {
    let mut table = [Class::Wide; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8 as char;
        table[b] = if ends_name(c) {
            Class::NameEnd
        } else if c.is_ascii_whitespace() || c == '\x0B' {
            Class::Space
        } else if c.is_ascii_alphanumeric() {
            Class::Word
        } else if c == '\'' {
            Class::Apostrophe
        } else {
            Class::Other
        };
        b += 1;
    }
    table
};

/// True for the bytes of ASCII characters that continue a word (letters, digits and `'`).
const CONTINUES_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = matches!(BYTE_CLASS[b], Class::Word | Class::Apostrophe);
        b += 1;
    }
    table
};

/// The [`Class`] of a character outside ASCII.
fn wide_class(c: char) -> Class {
    if ends_name(c) {
        Class::NameEnd
    } else if c.is_whitespace() {
        Class::Space
    } else if c.is_alphanumeric() {
        Class::Word
    } else if c == '’' {
        Class::Apostrophe
    } else {
        Class::Other
    }
}

/// True for the characters that end a name: a line break and the punctuation of
/// [`Tok::same_line`]; no token holds them.
const fn ends_name(c: char) -> bool {
    matches!(c, '\n' | '.' | ';' | ':' | '(' | ')' | '"' | '“' | '”')
}

/// The [`Class`] and length in bytes of the character outside ASCII at byte `at` of `text`.
#[inline(never)]
fn wide_at(text: &str, at: usize) -> (Class, usize) {
    let c = text[at..].chars().next().expect("a character starts here");
    (wide_class(c), c.len_utf8())
}

/// The words and other characters of `text`, whitespace left out, as byte ranges. Read on
/// bytes: only characters outside ASCII are decoded.
fn tokenize(text: &str) -> Vec<Tok> {
    let bytes = text.as_bytes();
    let mut tokens: Vec<Tok> = Vec::with_capacity(bytes.len() / 4);
    let mut at = 0;
    let mut newline_before = false;
    while at < bytes.len() {
        let start = at;
        let class = match BYTE_CLASS[usize::from(bytes[at])] {
            Class::Wide => {
                let (class, len) = wide_at(text, at);
                at += len;
                class
            }
            class => {
                at += 1;
                class
            }
        };
        match class {
            Class::Space => continue,
            Class::NameEnd => {
                newline_before = true;
                continue;
            }
            Class::Word => loop {
                while at < bytes.len() && CONTINUES_WORD[usize::from(bytes[at])] {
                    at += 1;
                }
                if at == bytes.len() || bytes[at] < 0x80 {
                    break;
                }
                match wide_at(text, at) {
                    (Class::Word | Class::Apostrophe, len) => at += len,
                    _ => break,
                }
            },
            Class::Apostrophe | Class::Other | Class::Wide => {}
        }
        tokens.push(Tok {
            start: start as u32,
            end: at as u32,
            same_line: !newline_before,
        });
        newline_before = false;
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::{tokenize, Span};

    /// The tokenizer as it was written on characters: the reference for the one on bytes.
    fn tokenize_chars(chars: &[char]) -> Vec<(Span, String, bool)> {
        let ends_name = |c: char| matches!(c, '\n' | '.' | ';' | ':' | '(' | ')' | '"' | '“' | '”');
        let mut tokens = Vec::new();
        let mut i = 0;
        let mut newline_before = false;
        while i < chars.len() {
            let c = chars[i];
            if ends_name(c) || c.is_whitespace() {
                newline_before |= ends_name(c);
                i += 1;
                continue;
            }
            let mut end = i + 1;
            if c.is_alphanumeric() {
                while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '\'' || chars[end] == '’') {
                    end += 1;
                }
            }
            tokens.push((Span::new(i, end), chars[i..end].iter().collect(), !newline_before));
            newline_before = false;
            i = end;
        }
        tokens
    }

    /// The tokens of `text`, as character spans with their text and `same_line`.
    fn tokens_in_chars(text: &str) -> Vec<(Span, String, bool)> {
        let index = crate::text::CharIndex::new(text);
        tokenize(text)
            .iter()
            .map(|t| {
                let span = index.span(t.start as usize, t.end as usize);
                (span, t.text(text).to_owned(), t.same_line)
            })
            .collect()
    }

    #[test]
    fn tokens_are_words_and_single_characters() {
        for (text, want) in [
            (
                "the Export-Import Bank of Korea’s",
                vec!["the", "Export", "-", "Import", "Bank", "of", "Korea’s"],
            ),
            ("l'État (Aksa Energy).", vec!["l'État", "Aksa", "Energy"]),
            (
                "Zölle; „Gespräche“ in Taschkent",
                vec!["Zölle", "„", "Gespräche", "in", "Taschkent"],
            ),
            ("'quoted' 2024", vec!["'", "quoted'", "2024"]),
        ] {
            let got: Vec<String> = tokens_in_chars(text).into_iter().map(|(_, t, _)| t).collect();
            assert_eq!(got, want, "{text}");
        }
        let same_line: Vec<bool> = tokens_in_chars("A B.\nC; D").into_iter().map(|(.., s)| s).collect();
        assert_eq!(same_line, [true, true, false, false]);
    }

    proptest::proptest! {
        /// The tokens read on bytes are those read on characters, on any text.
        #[test]
        fn tokens_on_bytes_are_the_tokens_on_characters(text in "\\PC{0,40}") {
            let chars: Vec<char> = text.chars().collect();
            proptest::prop_assert_eq!(tokens_in_chars(&text), tokenize_chars(&chars));
        }

        /// The same on a mix of the characters that the tokenizer tells apart.
        #[test]
        fn tokens_on_bytes_are_the_tokens_on_characters_on_any_mix(
            text in "(Bank|Zölle|ÄÖÜ|ß|x|9|١٢٣|²|½|Ⅻ|ǅ|'|’|[.;:()\"“”„]|-|—|,|😀| |\\t|\\n|\u{b}|\u{85}|\u{a0}|\u{2003}){0,40}"
        ) {
            let chars: Vec<char> = text.chars().collect();
            proptest::prop_assert_eq!(tokens_in_chars(&text), tokenize_chars(&chars));
        }
    }

    /// (language, text, expected sector ids in text order, duplicates removed).
    const CASES: &[(&str, &str, &[&str])] = &[
        ("en", "a state-of-the-art plan and a trade-off", &[]),
        (
            "en",
            "cooperation in pharmaceuticals, agricultural products and green energy",
            &["pharmaceuticals", "agriculture", "energy"],
        ),
        (
            "en",
            "a joint centre for cybersecurity in the banking sector",
            &["digital", "finance"],
        ),
        ("en", "labor migration and qualified personnel", &["labor"]),
        (
            "en",
            "the Export-Import Bank of Korea and Aksa Energy, Cengiz Holding",
            &[],
        ),
        ("en", "trade and investment projects, economic cooperation", &["trade"]),
        (
            "de",
            "Energiewirtschaft, Maschinenbau und Landwirtschaft",
            &["energy", "industry", "agriculture"],
        ),
        (
            "de",
            "Die Verhandlungen über Investitionsprojekten wurden gebildet",
            &[],
        ),
        (
            "de",
            "Pharmaindustrie und landwirtschaftlichen Betriebe",
            &["pharmaceuticals", "agriculture"],
        ),
        // A generic term right after another sector's term describes that sector.
        ("en", "investments in the oil and gas industry", &["energy"]),
        ("en", "vaccine manufacturing and distribution", &["pharmaceuticals"]),
        ("en", "cooperation in energy and industry", &["energy", "industry"]),
        ("de", "Energie und Industrie", &["energy", "industry"]),
        // Names of offices, companies and indexes; false friends and idioms.
        ("en", "Samsung Electronics Chairman Lee Jae-yong", &[]),
        ("en", "Commerce and Industry Minister Suresh Prabhu", &[]),
        ("en", "the Dow Jones Industrial Average rose", &[]),
        ("en", "the promotion of International Trade", &["trade"]),
        ("en", "a record in non-oil foreign trade", &["trade"]),
        ("en", "received with military honors", &[]),
        ("en", "military cooperation", &["security"]),
        ("en", "exports equalled those before the Covid-19 pandemic", &["trade"]),
        ("de", "das Forschungsministerium", &[]),
        ("de", "Verteidigungsminister Hanno Pevkur", &["security"]),
        ("de", "Arbeitsplätze und soziale Sicherheit", &["labor"]),
        ("de", "Gemeinden in Transitstaaten", &[]),
        ("de", "der Mineralölkonzern OMV", &["energy"]),
        ("de", "Handelsumsatz und Wasserstoffanlage", &["trade", "energy"]),
        // Abbreviations match in capitals only, and not in a line set in capitals.
        ("en", "help in the areas of space and IT.", &["digital"]),
        ("en", "it said it would help", &[]),
        ("en", "WHY IT MATTERS FOR EXPORTS", &["trade"]),
        ("en", "cooperation in AI, IT and LNG", &["digital", "energy"]),
        ("en", "the ai of the ait", &[]),
        ("de", "Zusammenarbeit bei KI und IT", &["digital"]),
        ("de", "Die Ki", &[]),
        // Police at work is no field of cooperation; police cooperation is.
        ("en", "dozens detained by police at opposition rallies", &[]),
        ("en", "police cooperation and border police", &["security"]),
        ("de", "Die Polizei nahm zwei Männer fest", &[]),
        ("de", "polizeiliche Zusammenarbeit und Grenzpolizei", &["security"]),
        // Places and cited sources are not fields.
        ("en", "his arrest at a South African airport", &[]),
        (
            "en",
            "the construction of a new airport",
            &["construction", "transport"],
        ),
        ("en", "according to cybersecurity research reports", &["digital"]),
        ("en", "joint research in medicine", &["education", "healthcare"]),
        ("de", "wurde am Moskauer Flughafen empfangen", &[]),
        ("de", "der Ausbau des Flughafens", &["transport"]),
        // Figurative compounds and time references.
        ("de", "Während Deutschland im Fußballfieber liege", &[]),
        ("de", "die Fußballweltmeisterschaft", &["culture"]),
        ("de", "Exporte wie vor der Corona-Pandemie", &["trade"]),
        ("de", "im Kampf gegen die Pandemie", &["healthcare"]),
    ];

    #[test]
    fn table_of_english_and_german_sectors() {
        let rules = crate::rules::test_rules();
        for (lang, text, want) in CASES {
            let mut got: Vec<String> = Vec::new();
            for m in super::extract(
                &crate::story::StoryText::new(text),
                &rules.language(lang).unwrap().sectors,
            ) {
                if !got.contains(&m.sector) {
                    got.push(m.sector);
                }
            }
            assert_eq!(got, *want, "{lang}: {text}");
        }
    }
}
