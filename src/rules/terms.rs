//! Term matching: one Aho-Corasick automaton over all the terms of a rule table, with
//! per-term word-boundary rules (whole word, open start for compounds, open or inflected end).

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

pub use crate::text::normalize_for_matching;
use crate::text::{is_word_char, word_end, word_start, MatchText, Span};

/// How a term may end inside a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// The word must end with the term.
    Closed,
    /// Any letters may follow.
    Open,
    /// One of these endings (or none) may follow.
    OneOf(Vec<String>),
}

/// A term to match.
#[derive(Debug, Clone)]
pub struct Term {
    /// The surface form (lower-cased by the matcher when it is case-insensitive).
    pub text: String,
    /// True when letters may precede the term inside the same word (compounds).
    pub open_start: bool,
    /// How the term may end.
    pub ending: Ending,
}

/// A compiled set of terms.
#[derive(Debug)]
pub struct TermMatcher {
    automaton: AhoCorasick,
    terms: Vec<Term>,
    case_insensitive: bool,
}

/// A term found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermHit {
    /// Character span, including an allowed ending.
    pub span: Span,
    /// Index of the term.
    pub term: usize,
}

impl TermMatcher {
    /// Builds the automaton over `terms`.
    pub fn new(terms: Vec<Term>, case_insensitive: bool) -> Result<TermMatcher, String> {
        let patterns: Vec<String> = terms
            .iter()
            .map(|t| normalize_for_matching(&t.text, case_insensitive))
            .collect();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .map_err(|e| e.to_string())?;
        Ok(TermMatcher {
            automaton,
            terms,
            case_insensitive,
        })
    }

    /// The terms, in the order given.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// Every valid, non-overlapping term occurrence in `text`: at equal starts the longest wins,
    /// and earlier starts win over later ones.
    pub fn find(&self, text: &str) -> Vec<TermHit> {
        self.find_in(&MatchText::new(text, self.case_insensitive))
    }

    /// True when the matcher reads lower-cased text ([`MatchText::lowercase`]).
    pub fn case_insensitive(&self) -> bool {
        self.case_insensitive
    }

    /// [`TermMatcher::find`] over a text already normalised for matching, lower-cased exactly
    /// when the matcher is case-insensitive.
    pub fn find_in(&self, text: &MatchText) -> Vec<TermHit> {
        debug_assert_eq!(text.lowercase(), self.case_insensitive);
        let hits = self
            .automaton
            .find_overlapping_iter(text.text())
            .filter_map(|m| self.hit(text, m))
            .collect();
        earliest_longest(hits)
    }

    /// The automaton's match `m` as a term hit, with the span the term itself matched; None
    /// when the word boundaries or the ending rule out the term there.
    fn hit(&self, text: &MatchText, m: aho_corasick::Match) -> Option<(Span, TermHit)> {
        let (index, chars) = (text.index(), text.chars());
        let term = &self.terms[m.pattern().as_usize()];
        let start = index.char_at(m.start());
        let raw_end = index.char_at(m.end());
        let before = start.checked_sub(1).map(|i| chars[i]);
        if !term.open_start && is_word_char(chars[start]) && before.is_some_and(is_word_char) {
            return None;
        }
        let end = if is_word_char(chars[raw_end - 1]) {
            allowed_end(term, chars, raw_end)?
        } else {
            raw_end
        };
        let reported_start = if term.open_start {
            word_start(chars, start)?
        } else {
            start
        };
        let raw_stop = if matches!(term.ending, Ending::Open) {
            raw_end
        } else {
            end
        };
        let raw = Span::new(start, raw_stop);
        let hit = TermHit {
            span: Span::new(reported_start, end),
            term: m.pattern().as_usize(),
        };
        Some((raw, hit))
    }
}

/// Where a match of `term` that ends inside a word at `end` may end: the end of the word when
/// the term's ending allows the letters that follow, else None.
fn allowed_end(term: &Term, chars: &[char], end: usize) -> Option<usize> {
    let tail_end = word_end(chars, end)?;
    let tail = &chars[end..tail_end];
    let ok = match &term.ending {
        Ending::Closed => tail.is_empty(),
        Ending::Open => true,
        Ending::OneOf(endings) => tail.is_empty() || endings.iter().any(|e| e.chars().eq(tail.iter().copied())),
    };
    ok.then_some(tail_end)
}

/// Among overlapping term matches (each with the span the term itself matched) the earliest
/// wins, then the longest; terms that match different parts of one compound
/// ("Pharma|industrie") are all kept.
fn earliest_longest(mut hits: Vec<(Span, TermHit)>) -> Vec<TermHit> {
    hits.sort_by(|(a, ha), (b, hb)| {
        a.start
            .cmp(&b.start)
            .then(b.len().cmp(&a.len()))
            .then(ha.term.cmp(&hb.term))
    });
    let mut kept: Vec<TermHit> = Vec::new();
    let mut last_end = 0;
    for (raw, hit) in hits {
        if !kept.is_empty() && raw.start < last_end {
            continue;
        }
        last_end = raw.end;
        kept.push(hit);
    }
    kept
}

/// The whole word (letters, digits and inner hyphens excluded) around `span` in `chars`.
pub fn enclosing_word(chars: &[char], span: Span) -> Span {
    let mut start = span.start;
    while start > 0 && is_word_char(chars[start - 1]) {
        start -= 1;
    }
    let mut end = span.end;
    while end < chars.len() && is_word_char(chars[end]) {
        end += 1;
    }
    Span::new(start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str, open_start: bool, ending: Ending) -> Term {
        Term {
            text: text.into(),
            open_start,
            ending,
        }
    }

    #[test]
    fn whole_words_open_compounds_and_inflections() {
        let m = TermMatcher::new(
            vec![
                term("energie", true, Ending::Open),
                term("usbekisch", false, Ending::OneOf(vec!["e".into(), "en".into()])),
                term("trade", false, Ending::Closed),
            ],
            true,
        )
        .unwrap();
        let text = "Windenergiewirtschaft, usbekischen, usbekischem, trader, Trade";
        let hits: Vec<usize> = m.find(text).iter().map(|h| h.term).collect();
        assert_eq!(hits, vec![0, 1, 2]);
        let spans: Vec<Span> = m.find(text).iter().map(|h| h.span).collect();
        assert_eq!(spans[1], Span::new(23, 34));
    }

    #[test]
    fn normalizing_keeps_the_length_in_characters() {
        let text = "Über\tDEN\u{a0}Fluss – it’s `x`\r\nÇA\x0B";
        let norm = normalize_for_matching(text, true);
        assert_eq!(norm, "über den fluss - it's 'x'  ça ");
        assert_eq!(norm.chars().count(), text.chars().count());
        assert_eq!(normalize_for_matching("Über DEN", false), "Über DEN");
    }

    #[test]
    fn longest_term_wins_at_a_position() {
        let m = TermMatcher::new(
            vec![
                term("security", true, Ending::Open),
                term("cybersecurity", false, Ending::Closed),
            ],
            true,
        )
        .unwrap();
        let hits = m.find("a cybersecurity centre");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].term, 1);
    }
}
