//! Where the patterns of a set can start: one anchored lazy DFA over every pattern of a set
//! answers, at a position of a text, which patterns have a match beginning there. A text is
//! read once for all patterns instead of once per pattern; each pattern's own regex then runs
//! only where it is known to match.

use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::nfa::thompson::pikevm::PikeVM;
use regex_automata::nfa::thompson::{self, WhichCaptures, NFA};
use regex_automata::util::pool::{Pool, PoolGuard};
use regex_automata::util::start;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind, PatternSet};
use regex_syntax::hir::Hir;

/// Makes a state cache for one thread.
type MakeCache = Box<dyn Fn() -> Cache + Send + Sync + UnwindSafe + RefUnwindSafe>;

/// Memory for the lazy DFA's states, per thread.
const CACHE_BYTES: usize = 4 << 20;

/// Bytes that may stand before a position, to learn which bytes can begin a match wherever
/// it stands: the start of the text, a word, a space, a line end and a punctuation mark cover
/// every start state the automaton distinguishes.
const LOOK_BEHIND: [Option<u8>; 5] = [None, Some(b' '), Some(b'a'), Some(b'\n'), Some(b'.')];

/// Why patterns did not compile together (too large, or a regex error).
pub type SetError = Box<dyn std::error::Error + Send + Sync>;

/// All patterns of a set in one anchored automaton, with the bytes a match can begin with.
pub struct Starts {
    /// The lazy DFA over every pattern.
    dfa: DFA,
    /// Its state caches, one per thread.
    caches: Pool<Cache, MakeCache>,
    /// Which openings can begin a match.
    openings: OpeningTables,
    /// The same patterns for texts the DFA gives up on (see [`Starts::which_in`]).
    slow: PikeVM,
}

impl std::fmt::Debug for Starts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Starts")
            .field("patterns", &self.dfa.pattern_len())
            .finish()
    }
}

/// The automaton gave up on a text: a pattern asks for a Unicode word boundary (`\B`) and the
/// text holds a non-ASCII character. Callers then search each pattern on its own.
#[derive(Debug)]
pub struct GaveUp;

impl Starts {
    /// Compiles `patterns` (regexes without captures' use) into one anchored automaton; the
    /// rules compile from syntax trees ([`Starts::from_hirs`]), the tests from text.
    #[cfg(test)]
    pub fn new(patterns: &[&str]) -> Result<Starts, SetError> {
        Starts::from_nfa(nfa_config().build_many(patterns)?, true)
    }

    /// Compiles the patterns of the syntax trees `hirs` into one anchored automaton.
    pub fn from_hirs(hirs: &[&Hir]) -> Result<Starts, SetError> {
        Starts::from_nfa(nfa_config().build_many_from_hir(hirs)?, true)
    }

    /// Compiles the one pattern of `hir` whatever its size: an automaton whose state memory
    /// runs short gives up at search time instead of failing here, and [`Starts::which_in`]
    /// then searches without it.
    pub fn exact_of(hir: &Hir) -> Result<Starts, SetError> {
        Starts::from_nfa(nfa_config().build_from_hir(hir)?, false)
    }

    /// Parses each of `patterns` on its own: its syntax tree, or its syntax error (so that
    /// each pattern's error can be reported with the pattern).
    pub fn parse_each(patterns: &[&str]) -> Vec<Result<Hir, String>> {
        patterns
            .iter()
            .map(|p| syntax::parse(p).map_err(|e| e.to_string()))
            .collect()
    }

    /// The automaton over `nfa`, with the bytes a match can begin with; with `check_capacity`,
    /// an NFA too large for the state memory is refused.
    fn from_nfa(nfa: NFA, check_capacity: bool) -> Result<Starts, SetError> {
        let slow = PikeVM::builder()
            .configure(PikeVM::config().match_kind(MatchKind::All))
            .build_from_nfa(nfa.clone())?;
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::All)
                    .cache_capacity(CACHE_BYTES)
                    .skip_cache_capacity_check(!check_capacity)
                    .unicode_word_boundary(true),
            )
            .build_from_nfa(nfa)?;
        let openings = OpeningTables::default();
        let for_caches = dfa.clone();
        Ok(Starts {
            dfa,
            caches: Pool::new(Box::new(move || for_caches.create_cache())),
            openings,
            slow,
        })
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.dfa.pattern_len()
    }

    /// True when the set has no pattern.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The openings a match can begin with; their tables are made by the first search that
    /// needs them, with its state cache `cache`.
    pub fn openings(&self, cache: &mut Cache) -> Openings<'_> {
        let tables = &self.openings;
        Openings {
            dfa: &self.dfa,
            first: tables.first.get_or_init(|| first_bytes(&self.dfa, cache)),
            pairs: tables
                .pairs
                .get_or_init(|| (0..256 * 256).map(|_| AtomicU8::new(UNREAD)).collect()),
        }
    }

    /// This thread's state cache.
    pub fn cache(&self) -> PoolGuard<'_, Cache, MakeCache> {
        self.caches.get()
    }

    /// The patterns that match the empty string.
    pub fn matching_empty(&self) -> Vec<usize> {
        let mut out = PatternSet::new(self.len());
        let mut ends = vec![0; self.len()];
        // A cache of its own: the pool's first cache goes to the first thread that asks for
        // one, and reaches it fastest ever after; the thread that loads the rules would waste it.
        let mut cache = self.dfa.create_cache();
        if self.which_at(&mut cache, "", 0, &mut out, &mut ends).is_err() {
            return Vec::new();
        }
        out.iter().map(|p| p.as_usize()).collect()
    }

    /// Fills `out` with the patterns that match somewhere in `text`.
    pub fn which_in(&self, text: &str, out: &mut PatternSet) {
        out.clear();
        let input = Input::new(text);
        let mut cache = self.cache();
        if self.dfa.try_which_overlapping_matches(&mut cache, &input, out).is_err() {
            out.clear();
            let mut slow_cache = self.slow.create_cache();
            self.slow.which_overlapping_matches(&mut slow_cache, &input, out);
        }
    }

    /// Fills `out` with the patterns that have a match in `text` starting at byte `at`, and
    /// `ends` (indexed by pattern) with where the longest of each one's matches there ends.
    /// The automaton is stepped byte by byte until no pattern can go on: most positions end
    /// after a byte or two, so a search's set-up would cost more than the search.
    pub fn which_at(
        &self,
        cache: &mut Cache,
        text: &str,
        at: usize,
        out: &mut PatternSet,
        ends: &mut [usize],
    ) -> Result<(), GaveUp> {
        if !out.is_empty() {
            out.clear();
        }
        let bytes = text.as_bytes();
        let look_behind = at.checked_sub(1).map(|before| bytes[before]);
        let config = start::Config::new().anchored(Anchored::Yes).look_behind(look_behind);
        let mut state = self.dfa.start_state(cache, &config).map_err(|_| GaveUp)?;
        for (end, &byte) in (at..).zip(&bytes[at..]) {
            state = self.dfa.next_state(cache, state, byte).map_err(|_| GaveUp)?;
            if state.is_tagged() {
                if state.is_match() {
                    // Matches are reported one byte late: this one ends before `byte`.
                    self.add_matches(cache, state, end, out, ends);
                } else if state.is_dead() {
                    return Ok(());
                } else if state.is_quit() {
                    return Err(GaveUp);
                }
            }
        }
        state = self.dfa.next_eoi_state(cache, state).map_err(|_| GaveUp)?;
        if state.is_match() {
            self.add_matches(cache, state, bytes.len(), out, ends);
        }
        Ok(())
    }

    /// Adds the patterns that match in `state`, a match state for matches ending at byte
    /// `end`, to `out`, and `end` to `ends` for each (the walk goes forward, so it is the
    /// longest end so far).
    fn add_matches(&self, cache: &Cache, state: LazyStateID, end: usize, out: &mut PatternSet, ends: &mut [usize]) {
        for i in 0..self.dfa.match_len(cache, state) {
            let pattern = self.dfa.match_pattern(cache, state, i);
            out.insert(pattern);
            ends[pattern.as_usize()] = end;
        }
    }
}

/// The compiler settings of every set: no capture groups, which only the patterns' own
/// regexes need.
fn nfa_config() -> thompson::Compiler {
    let mut compiler = thompson::Compiler::new();
    compiler.configure(thompson::Config::new().which_captures(WhichCaptures::None));
    compiler
}

/// The one- and two-byte openings a match can begin with: a position whose opening cannot
/// begin a match is passed over without running the automaton from it. The first bytes are
/// read off the automaton by the first search that needs them, with that search's state
/// cache, which keeps the states they lead to for the searches after it (sets only searched
/// through [`Starts::which_in`] never need them); each pair of bytes is read off the
/// automaton the first time a text has it, and remembered.
#[derive(Default)]
struct OpeningTables {
    /// Per byte: true when it leads out of the start state to a state that can still match.
    first: OnceLock<[bool; 256]>,
    /// For pair `first * 256 + second`: [`UNREAD`], [`DEAD`] or [`LIVE`].
    pairs: OnceLock<Box<[AtomicU8]>>,
}

/// A set's opening tables, made and borrowed for one search (see [`Starts::openings`]).
pub struct Openings<'s> {
    /// The set's automaton.
    dfa: &'s DFA,
    /// See [`OpeningTables::first`].
    first: &'s [bool; 256],
    /// See [`OpeningTables::pairs`].
    pairs: &'s [AtomicU8],
}

/// A pair of bytes not yet read off the automaton.
const UNREAD: u8 = 0;
/// A pair of bytes no match can begin with.
const DEAD: u8 = 1;
/// A pair of bytes some match may begin with.
const LIVE: u8 = 2;

impl Openings<'_> {
    /// True when some pattern may match starting at byte `at` of `bytes`, judged by the one
    /// or two bytes there; false only where none can. `cache` is a state cache of the set's
    /// automaton (a pair of bytes seen for the first time is read off with it).
    #[inline]
    pub fn may_begin(&self, cache: &mut Cache, bytes: &[u8], at: usize) -> bool {
        let first = bytes[at];
        if !self.first[usize::from(first)] {
            return false;
        }
        let Some(&second) = bytes.get(at + 1) else {
            return true;
        };
        let pair = &self.pairs[usize::from(first) * 256 + usize::from(second)];
        match pair.load(Ordering::Relaxed) {
            UNREAD => {
                let live = pair_is_live(self.dfa, cache, first, second);
                pair.store(if live { LIVE } else { DEAD }, Ordering::Relaxed);
                live
            }
            known => known == LIVE,
        }
    }
}

/// True when some match may begin with the bytes `first` and `second`, after any kind of
/// byte before them; also when the automaton cannot tell.
fn pair_is_live(dfa: &DFA, cache: &mut Cache, first: u8, second: u8) -> bool {
    LOOK_BEHIND.into_iter().any(|behind| {
        let config = start::Config::new().anchored(Anchored::Yes).look_behind(behind);
        let Ok(start) = dfa.start_state(cache, &config) else {
            return true;
        };
        match dfa.next_state(cache, start, first) {
            Ok(next) if next.is_dead() => false,
            Ok(next) if !next.is_match() && !next.is_quit() => {
                !matches!(dfa.next_state(cache, next, second), Ok(last) if last.is_dead())
            }
            _ => true,
        }
    })
}

/// Which bytes lead out of the anchored start state to a state that can still match; every
/// byte when the automaton cannot tell.
fn first_bytes(dfa: &DFA, cache: &mut Cache) -> [bool; 256] {
    let mut bytes = [false; 256];
    for behind in LOOK_BEHIND {
        let config = start::Config::new().anchored(Anchored::Yes).look_behind(behind);
        let Ok(state) = dfa.start_state(cache, &config) else {
            return [true; 256];
        };
        for byte in 0..=255u8 {
            match dfa.next_state(cache, state, byte) {
                Ok(next) if next.is_dead() => {}
                _ => bytes[usize::from(byte)] = true,
            }
        }
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_patterns_that_start_at_a_position() {
        let starts = Starts::new(&["[0-9]{4}", "May [0-9]+", "[0-9]+ May"]).unwrap();
        let text = "On 5 May 2024";
        let mut cache = starts.cache();
        let mut out = PatternSet::new(starts.len());
        let mut ends = vec![0; starts.len()];
        let mut at = |cache: &mut Cache, out: &mut PatternSet, i: usize| {
            starts.which_at(cache, text, i, out, &mut ends).unwrap();
            out.iter()
                .map(|p| (p.as_usize(), ends[p.as_usize()]))
                .collect::<Vec<_>>()
        };
        assert_eq!(at(&mut cache, &mut out, 3), vec![(2, 8)]);
        assert_eq!(at(&mut cache, &mut out, 5), vec![(1, 13)]);
        assert_eq!(at(&mut cache, &mut out, 9), vec![(0, 13)]);
        assert_eq!(at(&mut cache, &mut out, 0), Vec::new());
    }

    #[test]
    fn reports_where_the_longest_match_of_each_pattern_ends() {
        // Leftmost-first, `a|ab` matches `a` alone; the set reports the longest end, `ab`'s,
        // inside which that match lies. The end of the text ends a match too.
        let starts = Starts::new(&["a|ab", "a[0-9]*", "b"]).unwrap();
        let mut cache = starts.cache();
        let mut out = PatternSet::new(starts.len());
        let mut ends = vec![0; starts.len()];
        starts.which_at(&mut cache, "ab a123", 0, &mut out, &mut ends).unwrap();
        assert_eq!(out.iter().map(|p| p.as_usize()).collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(ends[..2], [2, 1]);
        starts.which_at(&mut cache, "ab a123", 3, &mut out, &mut ends).unwrap();
        assert_eq!(out.iter().map(|p| p.as_usize()).collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(ends[..2], [4, 7]);
    }

    #[test]
    fn a_unicode_word_boundary_builds_and_gives_up_only_on_non_ascii_text() {
        let starts = Starts::new(&["x\\B"]).unwrap();
        let mut cache = starts.cache();
        let mut out = PatternSet::new(starts.len());
        let mut ends = vec![0; starts.len()];
        assert!(starts.which_at(&mut cache, "xy", 0, &mut out, &mut ends).is_ok());
        assert_eq!(out.len(), 1);
        assert!(starts.which_at(&mut cache, "xé", 0, &mut out, &mut ends).is_err());
    }

    #[test]
    fn reports_the_patterns_that_match_anywhere_also_where_the_dfa_gives_up() {
        let parsed = Starts::parse_each(&["^a", "b", "(", "x\\B", "z$"]);
        assert!(parsed[2].as_ref().is_err_and(|p| p.contains("unclosed group")));
        let valid: Vec<&Hir> = parsed.iter().filter_map(|p| p.as_ref().ok()).collect();
        let starts = Starts::from_hirs(&valid).unwrap();
        let mut out = PatternSet::new(starts.len());
        let which = |out: &mut PatternSet, text: &str| {
            starts.which_in(text, out);
            out.iter().map(|p| p.as_usize()).collect::<Vec<_>>()
        };
        assert_eq!(which(&mut out, "ab z"), vec![0, 1, 3]);
        assert_eq!(which(&mut out, "cab"), vec![1]);
        assert_eq!(which(&mut out, "xy é b"), vec![1, 2]);
        assert_eq!(which(&mut out, ""), Vec::<usize>::new());
    }

    #[test]
    fn knows_the_bytes_a_match_can_begin_with() {
        let starts = Starts::new(&["[0-9]{4}", "May [0-9]+", "x"]).unwrap();
        let mut cache = starts.cache();
        let openings = starts.openings(&mut cache);
        let mut may = |text: &str, at: usize| openings.may_begin(&mut cache, text.as_bytes(), at);
        assert!(may("2024", 0) && may("May 5", 0) && may("in May", 3));
        assert!(!may("may 5", 0) && !may(" May", 0) && !may("Mi 5", 0) && !may("2x", 0));
        assert!(may("2", 0) && may("M", 0) && may("x", 0) && may("xy", 0));
        assert!(!may("m", 0) && !may("yx", 0));
    }
}
