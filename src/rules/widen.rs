//! Pattern sets that compile quickly: the set is read through an automaton of *widened*
//! patterns, in which every character class that reaches outside ASCII keeps its ASCII members
//! and takes any non-ASCII character for the rest, and each pattern the widened automaton names
//! is confirmed by the pattern's own exact automaton, compiled the first time it is needed.
//!
//! Compiling a class with non-ASCII members builds its UTF-8 automaton, once for every copy a
//! counted repetition makes: `[\p{L} .-]{1,40}` compiles the letters forty times, which took
//! most of the start-up time of the furniture rules. Widened, it is two byte classes.

use std::sync::OnceLock;

use regex_automata::{PatternID, PatternSet};
use regex_syntax::hir::{Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, Hir, HirKind, Repetition};

use super::starts::{SetError, Starts};

/// The last ASCII character.
const ASCII_END: char = '\x7F';

/// A set of patterns that matches exactly as [`Starts`] over the same trees would, compiled
/// from widened trees, each pattern's exact automaton made on first use.
#[derive(Debug)]
pub struct WideStarts {
    /// Every pattern widened, in one automaton: a superset of each pattern's matches.
    wide: Starts,
    /// Each pattern's tree, and its exact automaton once needed.
    exact: Vec<Exact>,
}

/// One pattern's exact tree and automaton.
#[derive(Debug)]
struct Exact {
    /// The pattern as parsed.
    hir: Hir,
    /// Its automaton, compiled the first time the widened set names the pattern.
    compiled: OnceLock<Starts>,
}

impl WideStarts {
    /// Compiles the widened trees of `hirs` into one automaton; only that can fail.
    pub fn from_hirs(hirs: &[&Hir]) -> Result<WideStarts, SetError> {
        let widened: Vec<Hir> = hirs.iter().map(|hir| widened(hir)).collect();
        let wide = Starts::from_hirs(&widened.iter().collect::<Vec<_>>())?;
        let exact = hirs
            .iter()
            .map(|&hir| Exact {
                hir: hir.clone(),
                compiled: OnceLock::new(),
            })
            .collect();
        Ok(WideStarts { wide, exact })
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.exact.len()
    }

    /// True when the set has no pattern.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty()
    }

    /// Fills `out` with the patterns that match somewhere in `text`.
    pub fn which_in(&self, text: &str, out: &mut PatternSet) {
        self.wide.which_in(text, out);
        if out.is_empty() {
            return;
        }
        let candidates: Vec<PatternID> = out.iter().collect();
        out.clear();
        for id in candidates.into_iter().filter(|id| self.matches(id.as_usize(), text)) {
            out.insert(id);
        }
    }

    /// The first pattern (in set order) that matches somewhere in `text`; `out` is scratch
    /// space of this set's length.
    pub fn first_in(&self, text: &str, out: &mut PatternSet) -> Option<usize> {
        self.wide.which_in(text, out);
        out.iter().map(|p| p.as_usize()).find(|&i| self.matches(i, text))
    }

    /// True when pattern `i` itself matches somewhere in `text`.
    pub fn matches(&self, i: usize, text: &str) -> bool {
        let exact = &self.exact[i];
        let starts = exact.compiled.get_or_init(|| {
            // Without a size limit, a tree that parsed compiles; an automaton whose state
            // memory runs short gives up at search time, and the set then searches slowly.
            Starts::exact_of(&exact.hir).expect("a parsed pattern compiles on its own")
        });
        let mut one = PatternSet::new(1);
        starts.which_in(text, &mut one);
        !one.is_empty()
    }
}

/// A tree that matches everything `hir` matches, and possibly more: each character class with
/// a member outside ASCII becomes its ASCII members, or a byte of 0x80 and above followed by
/// any continuation bytes (which covers every non-ASCII character of a UTF-8 text). Literals,
/// look-arounds and the structure are kept, so a widened tree matches the empty string exactly
/// when the tree does.
pub fn widened(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Empty | HirKind::Literal(_) | HirKind::Look(_) | HirKind::Class(Class::Bytes(_)) => hir.clone(),
        HirKind::Class(Class::Unicode(class)) => widened_class(class).unwrap_or_else(|| hir.clone()),
        HirKind::Repetition(rep) => Hir::repetition(Repetition {
            sub: Box::new(widened(&rep.sub)),
            ..rep.clone()
        }),
        HirKind::Capture(cap) => Hir::capture(Capture {
            sub: Box::new(widened(&cap.sub)),
            ..cap.clone()
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(widened).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(widened).collect()),
    }
}

/// `class` widened, or `None` when all its members are ASCII (it is kept as it is).
fn widened_class(class: &ClassUnicode) -> Option<Hir> {
    if class.ranges().last().is_none_or(|r| r.end() <= ASCII_END) {
        return None;
    }
    let ascii = class.ranges().iter().filter(|r| r.start() <= ASCII_END).map(|r| {
        // Both ends are ASCII here, so each is one byte.
        ClassBytesRange::new(r.start() as u8, r.end().min(ASCII_END) as u8)
    });
    let mut first = ClassBytes::new(ascii);
    first.push(ClassBytesRange::new(0x80, 0xFF));
    let continuation = Hir::class(Class::Bytes(ClassBytes::new([ClassBytesRange::new(0x80, 0xBF)])));
    Some(Hir::concat(vec![
        Hir::class(Class::Bytes(first)),
        Hir::repetition(Repetition {
            min: 0,
            max: None,
            greedy: true,
            sub: Box::new(continuation),
        }),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The set of `patterns`, exact and wide.
    fn sets(patterns: &[&str]) -> (Starts, WideStarts) {
        let hirs: Vec<Hir> = patterns.iter().map(|p| regex_syntax::parse(p).unwrap()).collect();
        let refs: Vec<&Hir> = hirs.iter().collect();
        (Starts::from_hirs(&refs).unwrap(), WideStarts::from_hirs(&refs).unwrap())
    }

    /// Which patterns of `set` match in `text`, by `which_in`.
    fn which(set: impl Fn(&str, &mut PatternSet), len: usize, text: &str) -> Vec<usize> {
        let mut out = PatternSet::new(len);
        set(text, &mut out);
        out.iter().map(|p| p.as_usize()).collect()
    }

    /// Patterns with wide classes, counted repetitions, case folding and look-arounds.
    const PATTERNS: [&str; 7] = [
        r"^\s*\p{Lu}[\p{L}. -]{1,12}?\s*\([\p{L}&. -]{2,8}\)\s*(?:--|[-–—])",
        r"(?i)^\s*(?:ähnliche|weiterlesen|kasse)\s*:?\s*$",
        r"[^\d\-–/]\d{4}",
        r"\w+:$",
        r"(?i)(?:^|[\s(\[])(?:fotos?|bild)\s*:\s*\S|©",
        r"^\d{1,2}\.\s+\p{L}{3,9}$",
        r"M(?:ä|ae)rz",
    ];

    #[test]
    fn a_wide_set_answers_as_the_exact_set_does() {
        let (exact, wide) = sets(&PATTERNS);
        let texts = [
            "ASTANA (Kazinform) — The talks",
            "Öskemen (Газета) – text",
            "Ärger (x) -",
            "weiterlesen:",
            "Kasse",
            "\u{212A}asse",
            "éasse",
            "x2024 and –2024",
            "–2024",
            "Straße:",
            "–:",
            "Foto: dpa",
            "© Reuters",
            "5. März",
            "5. Mä–z",
            "Maerz",
            "",
        ];
        for text in texts {
            let want = which(|t, o| exact.which_in(t, o), exact.len(), text);
            assert_eq!(which(|t, o| wide.which_in(t, o), wide.len(), text), want, "{text:?}");
            let mut scratch = PatternSet::new(wide.len());
            assert_eq!(wide.first_in(text, &mut scratch), want.first().copied(), "{text:?}");
        }
    }

    #[test]
    fn a_widened_pattern_matches_more_only_where_a_non_ascii_character_stands() {
        let (_, wide) = sets(&[r"[^\d\-–/]\d{4}"]);
        let mut out = PatternSet::new(1);
        wide.wide.which_in("–2024", &mut out);
        assert_eq!(out.len(), 1, "the widened class takes the dash");
        wide.which_in("–2024", &mut out);
        assert!(out.is_empty(), "the exact pattern refuses it");
        wide.which_in("-2024", &mut out);
        assert!(out.is_empty(), "ASCII is matched exactly");
    }

    #[test]
    fn ascii_classes_literals_and_structure_are_kept() {
        for pattern in [
            "[a-z]+ ?[0-9]",
            "(?P<m>May|June) (?:x|y){2,3}",
            "–",
            r"(?-u:\xFF)",
            "^a$",
        ] {
            let hir = regex_syntax::ParserBuilder::new()
                .utf8(false)
                .build()
                .parse(pattern)
                .unwrap();
            assert_eq!(widened(&hir), hir, "{pattern}");
        }
    }

    #[test]
    fn widening_keeps_whether_the_empty_string_matches() {
        for pattern in [r"\p{L}*", r"\p{L}+", r"(?:ä|\s)?", r"[^a]{0,3}x?"] {
            let hir = regex_syntax::parse(pattern).unwrap();
            assert_eq!(
                widened(&hir).properties().minimum_len() == Some(0),
                hir.properties().minimum_len() == Some(0),
                "{pattern}"
            );
        }
    }

    proptest! {
        #[test]
        fn a_wide_set_answers_as_the_exact_set_does_on_any_text(text in "[a-zA-Z0-9 .:()\\-–—©äÖß\u{212A}]{0,40}") {
            let (exact, wide) = sets(&PATTERNS);
            let want = which(|t, o| exact.which_in(t, o), exact.len(), &text);
            prop_assert_eq!(which(|t, o| wide.which_in(t, o), wide.len(), &text), want);
        }
    }
}
