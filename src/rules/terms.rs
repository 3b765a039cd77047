//! Term matching: one Aho-Corasick automaton over all the terms of a rule table, with
//! per-term word-boundary rules (whole word, open start for compounds, open or inflected end).

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

pub use crate::text::normalize_for_matching;
use crate::text::{is_word_char, word_end_byte, word_start_byte, MatchText, Span};

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

/// How many streams [`TermMatcher::scan_in_lanes`] reads side by side.
const LANES: usize = 4;
const _: () = assert!(LANES == 4, "TermMatcher::scan_in_lanes zips four lanes");

/// A compiled set of terms.
#[derive(Debug)]
pub struct TermMatcher {
    /// Every term (normalised) in one DFA, read by [`TermMatcher::find_in`]'s own loop: no
    /// prefilter, so only match states are special.
    automaton: DFA,
    terms: Vec<Term>,
    /// Per term: the length in bytes of its normalised pattern.
    pattern_bytes: Vec<usize>,
    /// The longest of them.
    longest: usize,
    /// The automaton's start state.
    start: StateID,
    /// Per byte: 1 when it leads from the start state back to it (no term starts with it).
    stays: Box<[u8; 256]>,
    /// True when the search skips the bytes that stay in the start state: when most lower-case
    /// letters do, so that running text is mostly skipped (terms in capitals read in their
    /// case). Else the start state is left at almost every letter and the check would cost
    /// more than it saves.
    skips: bool,
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
        let automaton = DFA::builder()
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            .prefilter(false)
            .build(&patterns)
            .map_err(|e| e.to_string())?;
        let pattern_bytes: Vec<usize> = patterns.iter().map(String::len).collect();
        let longest = pattern_bytes.iter().copied().max().unwrap_or(0);
        let start = automaton.start_state(Anchored::No).map_err(|e| e.to_string())?;
        let mut stays = Box::new([0; 256]);
        if !automaton.is_match(start) {
            for (byte, stay) in (0..=255).zip(stays.iter_mut()) {
                *stay = u8::from(automaton.next_state(Anchored::No, start, byte) == start);
            }
        }
        let skips = (b'a'..=b'z').filter(|&b| stays[usize::from(b)] == 1).count() >= 24;
        Ok(TermMatcher {
            automaton,
            terms,
            pattern_bytes,
            longest,
            start,
            stays,
            skips,
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
        let mut hits = Vec::new();
        // Every occurrence of every term, overlaps included (what an overlapping search
        // reports), read off the DFA one byte at a time.
        let bytes = text.text().as_bytes();
        let (mut at, mut sid) = (0, self.start);
        if self.automaton.is_match(sid) {
            // An empty term matches before the first byte too.
            self.push_hits(text, sid, 0, &mut hits);
        }
        if !self.skips {
            self.scan_in_lanes(bytes, &mut |state, end| self.push_hits(text, state, end, &mut hits));
            return earliest_longest(hits);
        }
        while let Some((end, state)) = self.next_match(bytes, at, sid) {
            self.push_hits(text, state, end, &mut hits);
            (at, sid) = (end, state);
        }
        earliest_longest(hits)
    }

    /// Calls `found(state, end)` for every match state the automaton reaches over `bytes`,
    /// after byte `end`, stepping every byte. The text is read as [`LANES`] streams side by
    /// side, one per part of it, so that the processor looks up several transitions at once
    /// instead of waiting for each before the next. Each stream but the first starts
    /// [`TermMatcher::longest`] bytes before its part: by the part's start it is in the state a
    /// search from the text's start would be in (the automaton's state is the longest end of
    /// the text read that begins a term, never longer than a term), and it reports only the
    /// matches that end inside its part.
    #[inline(never)]
    fn scan_in_lanes(&self, bytes: &[u8], found: &mut impl FnMut(StateID, usize)) {
        let aut = &self.automaton;
        let part = bytes.len() / LANES;
        // Lane k reports the matches ending after byte `parts[k]` and up to `parts[k + 1]`,
        // reading from `reads[k]`.
        let parts: [usize; LANES] = std::array::from_fn(|k| k * part);
        let reads: [usize; LANES] = parts.map(|p| p.saturating_sub(self.longest));
        let mut states = [self.start; LANES];
        // Each lane's bytes as a slice of the same length, so that reading them needs no
        // bounds checks.
        let lanes: [&[u8]; LANES] = reads.map(|read| &bytes[read..read + part]);
        let steps = lanes[0].iter().zip(lanes[1]).zip(lanes[2]).zip(lanes[3]);
        for (step, (((&b0, &b1), &b2), &b3)) in steps.enumerate() {
            let mut special = false;
            for (state, byte) in states.iter_mut().zip([b0, b1, b2, b3]) {
                *state = aut.next_state(Anchored::No, *state, byte);
                special |= aut.is_special(*state);
            }
            if special {
                for k in 0..LANES {
                    let end = reads[k] + step + 1;
                    if aut.is_match(states[k]) && end > parts[k] {
                        found(states[k], end);
                    }
                }
            }
        }
        for k in 0..LANES {
            let stop = parts.get(k + 1).copied().unwrap_or(bytes.len());
            let mut sid = states[k];
            for end in reads[k] + part + 1..=stop {
                sid = aut.next_state(Anchored::No, sid, bytes[end - 1]);
                if aut.is_match(sid) && end > parts[k] {
                    found(sid, end);
                }
            }
        }
    }

    /// The next match state that the automaton, in state `sid` before byte `at` of `bytes`,
    /// reaches, and the end of the byte that leads to it; None at the end of `bytes`. Without
    /// a prefilter only match states (and the dead state, which an unanchored search never
    /// reaches) are special. In the start state, the bytes that lead back to it are skipped
    /// without stepping the automaton (for a matcher that [`TermMatcher::skips`]). A function
    /// of its own that calls nothing, so the loop keeps everything in registers.
    #[inline(never)]
    fn next_match(&self, bytes: &[u8], mut at: usize, mut sid: StateID) -> Option<(usize, StateID)> {
        let aut = &self.automaton;
        while at < bytes.len() {
            if sid == self.start {
                at = skip_staying(&self.stays, bytes, at);
                if at == bytes.len() {
                    break;
                }
            }
            sid = aut.next_state(Anchored::No, sid, bytes[at]);
            at += 1;
            if aut.is_special(sid) {
                return aut.is_match(sid).then_some((at, sid));
            }
        }
        None
    }

    /// Adds to `hits` the terms that the match state `sid` reached after byte `end` of `text`
    /// matches, those that the word boundaries and endings allow.
    #[inline(never)]
    fn push_hits(&self, text: &MatchText, sid: StateID, end: usize, hits: &mut Vec<(Span, TermHit)>) {
        let aut = &self.automaton;
        for k in 0..aut.match_len(sid) {
            let term = aut.match_pattern(sid, k).as_usize();
            if let Some(hit) = self.term_hit(text, end - self.pattern_bytes[term], end, term) {
                hits.push(hit);
            }
        }
    }

    /// The match of term `index` over bytes `start..end` of `text` as a term hit (in
    /// characters), with the bytes the term itself matched; None when the word boundaries or
    /// the ending rule out the term there.
    fn term_hit(&self, text: &MatchText, start: usize, end: usize, index: usize) -> Option<(Span, TermHit)> {
        let (raw, span) = self.hit(text.text(), start, end, index)?;
        let span = text.index().span(span.start, span.end);
        Some((raw, TermHit { span, term: index }))
    }

    /// The match of term `index` over bytes `start..raw_end` of `text`: the bytes the term
    /// itself matched and those of the hit, an allowed ending included; None when the word
    /// boundaries or the ending rule out the term there.
    fn hit(&self, text: &str, start: usize, raw_end: usize, index: usize) -> Option<(Span, Span)> {
        let term = &self.terms[index];
        let first_is_word = text[start..].chars().next().is_some_and(is_word_char);
        let before_is_word = text[..start].chars().next_back().is_some_and(is_word_char);
        if !term.open_start && first_is_word && before_is_word {
            return None;
        }
        let last_is_word = text[..raw_end].chars().next_back().is_some_and(is_word_char);
        let end = if last_is_word {
            allowed_end(term, text, raw_end)?
        } else {
            raw_end
        };
        let reported_start = if term.open_start {
            word_start_byte(text, start)?
        } else {
            start
        };
        let raw_stop = if matches!(term.ending, Ending::Open) {
            raw_end
        } else {
            end
        };
        Some((Span::new(start, raw_stop), Span::new(reported_start, end)))
    }
}

/// The first byte of `bytes` from `at` (which is inside `bytes`) on whose `stays` entry is 0
/// (or the end of `bytes`), read eight bytes a round.
#[inline(always)]
fn skip_staying(stays: &[u8; 256], bytes: &[u8], mut at: usize) -> usize {
    if stays[usize::from(bytes[at])] == 0 {
        return at;
    }
    let (octets, _) = bytes[at..].as_chunks::<8>();
    for octet in octets {
        if octet.iter().fold(1, |all, &b| all & stays[usize::from(b)]) == 0 {
            break;
        }
        at += 8;
    }
    while at < bytes.len() && stays[usize::from(bytes[at])] != 0 {
        at += 1;
    }
    at
}

/// Where a match of `term` that ends inside a word at byte `end` of `text` may end: the end of
/// the word when the term's ending allows the letters that follow, else None.
fn allowed_end(term: &Term, text: &str, end: usize) -> Option<usize> {
    let tail_end = word_end_byte(text, end)?;
    let tail = &text[end..tail_end];
    let ok = match &term.ending {
        Ending::Closed => tail.is_empty(),
        Ending::Open => true,
        Ending::OneOf(endings) => tail.is_empty() || endings.iter().any(|e| e == tail),
    };
    ok.then_some(tail_end)
}

/// Among overlapping term matches (each with the span the term itself matched) the earliest
/// wins, then the longest; terms that match different parts of one compound
/// ("Pharma|industrie") are all kept.
fn earliest_longest(mut hits: Vec<(Span, TermHit)>) -> Vec<TermHit> {
    // No two hits share a key: one term matches at most once from a start.
    hits.sort_unstable_by(|(a, ha), (b, hb)| {
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
    use aho_corasick::{AhoCorasick, AhoCorasickKind};

    /// The terms of `m` in an automaton for aho-corasick's own overlapping search.
    fn reference_automaton(m: &TermMatcher) -> AhoCorasick {
        let patterns: Vec<String> = m
            .terms
            .iter()
            .map(|t| normalize_for_matching(&t.text, m.case_insensitive))
            .collect();
        AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .unwrap()
    }

    /// `find_in` as an overlapping search of aho-corasick's own iterator (over `automaton`,
    /// [`reference_automaton`]) finds the terms: the reference for the matcher's loop and its
    /// skipping.
    fn reference_find(m: &TermMatcher, automaton: &AhoCorasick, text: &MatchText) -> Vec<TermHit> {
        let hits = automaton
            .find_overlapping_iter(text.text())
            .filter_map(|hit| m.term_hit(text, hit.start(), hit.end(), hit.pattern().as_usize()))
            .collect();
        earliest_longest(hits)
    }

    /// Texts for comparing matchers: the sample articles (English and German), and their
    /// lines in upper and lower case.
    fn sample_texts() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles");
        let mut texts: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        texts.sort();
        let lines: Vec<String> = texts.iter().flat_map(|t| t.lines().map(str::to_owned)).collect();
        texts.extend(lines.iter().map(|l| l.to_uppercase()));
        texts.extend(lines.iter().map(|l| l.to_lowercase()));
        texts
    }

    /// Every term matcher of the test rules (sectors, countries and titles of each language),
    /// with its reference automaton, built once.
    fn matchers() -> &'static [(&'static TermMatcher, AhoCorasick)] {
        static MATCHERS: std::sync::OnceLock<Vec<(&'static TermMatcher, AhoCorasick)>> = std::sync::OnceLock::new();
        MATCHERS.get_or_init(|| {
            let rules = crate::rules::test_rules();
            ["en", "de"]
                .into_iter()
                .map(|lang| rules.language(lang).unwrap())
                .flat_map(|l| [&l.sectors.matcher, &l.countries.matcher, &l.leaders.titles])
                .map(|m| (m, reference_automaton(m)))
                .collect()
        })
    }

    #[test]
    fn the_search_finds_what_an_overlapping_search_finds() {
        let matchers = matchers();
        for (m, automaton) in matchers {
            for text in &sample_texts() {
                let text = MatchText::new(text, m.case_insensitive);
                assert_eq!(
                    m.find_in(&text),
                    reference_find(m, automaton, &text),
                    "{:?}",
                    text.text()
                );
            }
        }
        let skips: Vec<bool> = matchers.iter().map(|(m, _)| m.skips).collect();
        assert!(
            skips.contains(&true) && skips.contains(&false),
            "both ways of searching are tested"
        );
    }

    #[test]
    fn every_part_of_a_text_read_in_lanes_is_searched() {
        // Every prefix of a text thick with terms: the lanes' parts and the places where their
        // streams start fall at every position, terms straddling them included.
        let text = "energy security, Energiewirtschaft und Ölindustrie: President of Uzbekistan, \
                    Bundeskanzler der Bundesrepublik Deutschland, trade and investment in LNG, \
                    Außenminister Kasachstans, usbekisch-kasachischen Handel, Foreign Minister";
        for (m, automaton) in matchers() {
            for end in (0..=text.len()).filter(|&end| text.is_char_boundary(end)) {
                let text = MatchText::new(&text[..end], m.case_insensitive);
                assert_eq!(
                    m.find_in(&text),
                    reference_find(m, automaton, &text),
                    "{:?}",
                    text.text()
                );
            }
        }
    }

    proptest::proptest! {
        /// The same on any mix of words, compounds, capitals, punctuation and characters
        /// outside ASCII, in English and German.
        #[test]
        fn the_search_finds_what_an_overlapping_search_finds_on_any_mix(
            text in "(Energiewirtschaft|usbekisch-kasachischen|Pharmaindustrie|Ölindustrie|energy|Energy|ENERGY|IT|it|AI|LNG|trade|Handel|Präsident|President|president|Außenminister|Foreign Minister|Vize-Präsident|Bundeskanzler|Uzbekistan|Usbekistans|Türkiye|U\\.S\\.|USA|Korea's|Koreas|South Korea|Jordan|[a-zäöüß]{1,6}|[A-ZÄÖÜ][a-z]{0,5}|[0-9]{1,3}|[„“”’'—–.,;:()\\n-]|\u{a0}|😀| |  ){0,40}"
        ) {
            for (m, automaton) in matchers() {
                let text = MatchText::new(&text, m.case_insensitive);
                proptest::prop_assert_eq!(m.find_in(&text), reference_find(m, automaton, &text));
            }
        }
    }

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
