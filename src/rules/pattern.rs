//! Pattern templates: regular expressions written in rule files with `{placeholders}` that
//! expand to word lists from the same file, compiled once and matched with word boundaries.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use regex_automata::meta;
use regex_automata::nfa::thompson;
use regex_automata::nfa::thompson::backtrack::{self, BoundedBacktracker};
use regex_automata::nfa::thompson::pikevm::PikeVM;
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input, PatternID};
use regex_syntax::hir::Hir;
use serde::Deserialize;

use super::compose::Composer;
use super::diag::Diagnostic;
use super::id::RuleId;
use super::starts::Starts;
use crate::text::{ascii_runs, ascii_word_bytes, is_word_char};

/// A pattern as written in a rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternSpec {
    /// Stable rule id reported with every mention, e.g. `date.en.month_day_year`.
    pub id: String,
    /// The regular expression with `{placeholders}`.
    pub regex: toml::Spanned<String>,
    /// Example sentences the rule must handle; `accord check` and `cargo test` run them.
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Words or phrases that must not stand right before the mention ("over" before a bare
    /// number: "over 2000 projects"); compared without regard to case.
    #[serde(default)]
    pub not_after: Vec<String>,
    /// Words that must not follow the mention ("2000 people"), a comma between them allowed;
    /// compared without regard to case.
    #[serde(default)]
    pub not_before: Vec<String>,
}

/// An example sentence with the value a rule must produce, or `""` when it must not fire.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The sentence.
    pub text: String,
    /// The expected value (as in the records), or empty for "no mention".
    pub value: String,
}

/// A compiled pattern.
#[derive(Debug)]
pub struct Pattern {
    /// Rule id.
    pub id: RuleId,
    /// The regex with its placeholders expanded.
    expanded: String,
    /// The regex's syntax tree, as parsing `expanded` gives it.
    hir: Hir,
    /// The groups' reader, compiled the first time a text matches the pattern (see
    /// [`Pattern::groups`]).
    groups: OnceLock<GroupReader>,
    /// The regex for searching a whole text, compiled the first time a text needs it (see
    /// [`Pattern::regex`]).
    compiled: OnceLock<meta::Regex>,
    /// The rule's examples.
    pub examples: Vec<Example>,
    /// Lower-case words or phrases that must not stand right before the mention.
    pub not_after: Vec<String>,
    /// Lower-case words that must not follow the mention.
    pub not_before: Vec<String>,
}

impl Pattern {
    /// The pattern of `spec`, whose regex expands to `expanded` and parses to `hir`.
    fn new(spec: &PatternSpec, expanded: String, hir: Hir) -> Pattern {
        Pattern {
            id: spec.id.as_str().into(),
            expanded,
            hir,
            groups: OnceLock::new(),
            compiled: OnceLock::new(),
            examples: spec.examples.clone(),
            not_after: spec.not_after.iter().map(|w| w.to_lowercase()).collect(),
            not_before: spec.not_before.iter().map(|w| w.to_lowercase()).collect(),
        }
    }

    /// The regex for finding the pattern anywhere in a text, compiled on first use: only texts
    /// the set's automaton gives up on need it (see [`PatternSet::find_all_from`]), and the whole
    /// set was compiled (so every pattern validated) when the rules loaded.
    pub fn regex(&self) -> &meta::Regex {
        self.compiled.get_or_init(|| {
            meta::Regex::builder()
                .configure(meta::Config::new().auto_prefilter(false))
                .build_from_hir(&self.hir)
                .expect("validated when the rules loaded")
        })
    }

    /// What reads the pattern's groups where a match is known to lie, compiled on first use:
    /// most texts need only a few of the patterns.
    fn groups(&self) -> &GroupReader {
        self.groups.get_or_init(|| GroupReader::of(&self.hir))
    }

    /// True when the words around the mention `text[start..end]` rule it out.
    fn excluded(&self, text: &str, start: usize, end: usize) -> bool {
        if self
            .not_after
            .iter()
            .any(|phrase| ends_with_phrase(text[..start].trim_end(), phrase))
        {
            return true;
        }
        if self.not_before.is_empty() {
            return false;
        }
        let after_word: String = text[end..]
            .trim_start_matches(|c: char| c.is_whitespace() || c == ',')
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .take(crate::text::MAX_WORD_CHARS)
            .flat_map(char::to_lowercase)
            .collect();
        !after_word.is_empty() && self.not_before.contains(&after_word)
    }
}

/// Reads a pattern's groups over a span known to hold its match: the pattern's own forward
/// automaton, with every group, run by the bounded backtracker (quick on the short spans of
/// mentions), or by the PikeVM when a span is too long for the backtracker's memory. Neither
/// needs a reverse automaton or a DFA, which a full regex builds and which cost ten times more
/// to compile than the searches they would save here.
#[derive(Debug)]
struct GroupReader {
    backtracker: BoundedBacktracker,
    pikevm: PikeVM,
}

impl GroupReader {
    /// The reader of the pattern `hir` (which compiled in its set when the rules loaded).
    fn of(hir: &Hir) -> GroupReader {
        let nfa = thompson::Compiler::new()
            .build_from_hir(hir)
            .expect("validated when the rules loaded");
        GroupReader {
            backtracker: BoundedBacktracker::new_from_nfa(nfa.clone()).expect("an NFA the compiler made"),
            pikevm: PikeVM::new_from_nfa(nfa).expect("an NFA the compiler made"),
        }
    }

    /// The groups of the pattern's leftmost-first match that starts at the start of `span`
    /// and ends inside it, if there is one; `cache` is the backtracker's memory, made by the
    /// first search and reused by the next ones (of any pattern).
    fn read(&self, text: &str, span: Range<usize>, cache: &mut Option<backtrack::Cache>) -> Captures {
        let input = Input::new(text).range(span).anchored(Anchored::Yes);
        let mut captures = self.backtracker.create_captures();
        let cache = cache.get_or_insert_with(|| self.backtracker.create_cache());
        self.backtracker.reset_cache(cache);
        if self.backtracker.try_search(cache, &input, &mut captures).is_err() {
            self.pikevm
                .search(&mut self.pikevm.create_cache(), &input, &mut captures);
        }
        captures
    }
}

/// True when `text` ends with the lower-case `phrase` (case-insensitively) at a word start.
fn ends_with_phrase(text: &str, phrase: &str) -> bool {
    let n = phrase.chars().count();
    let Some((cut, _)) = text.char_indices().rev().nth(n.saturating_sub(1)) else {
        return false;
    };
    let tail = &text[cut..];
    tail.chars().count() == n
        && tail.to_lowercase() == phrase
        && !text[..cut].chars().next_back().is_some_and(is_word_char)
}

/// A set of compiled patterns. A text is read once for all patterns of the set ([`Starts`]);
/// a pattern's own regex runs, with captures, only where a match of it begins.
#[derive(Debug)]
pub struct PatternSet {
    /// The patterns, in file order (earlier wins ties).
    pub patterns: Vec<Pattern>,
    /// Every pattern in one anchored automaton: which patterns start where.
    starts: Starts,
}

/// A match of one pattern: byte range of the mention and the pattern's index.
#[derive(Debug)]
pub struct PatternMatch<'t> {
    /// Index of the pattern in the set.
    pub pattern: usize,
    /// Byte start of the mention (the `m` group if the pattern has one, else the whole match).
    pub start: usize,
    /// Byte end of the mention.
    pub end: usize,
    /// The groups of the match.
    pub captures: Groups<'t>,
}

/// The groups of a pattern's match in a text.
#[derive(Debug)]
pub struct Groups<'t> {
    /// The text searched.
    text: &'t str,
    /// Where each group matched.
    captures: Captures,
}

/// Where one group of a match matched.
#[derive(Debug, Clone, Copy)]
pub struct Group<'t> {
    /// The text searched.
    text: &'t str,
    /// Byte start in the text.
    start: usize,
    /// Byte end in the text.
    end: usize,
}

impl<'t> Groups<'t> {
    /// Group `name`, if it took part in the match. A pattern has a handful of groups, so they
    /// are compared by name rather than hashed.
    pub fn name(&self, name: &str) -> Option<Group<'t>> {
        let mut names = self.captures.group_info().pattern_names(PatternID::ZERO);
        let index = names.position(|group| group == Some(name))?;
        let span = self.captures.get_group(index)?;
        Some(Group {
            text: self.text,
            start: span.start,
            end: span.end,
        })
    }
}

impl<'t> Group<'t> {
    /// The matched text.
    pub fn as_str(&self) -> &'t str {
        &self.text[self.start..self.end]
    }

    /// Byte start in the text.
    pub fn start(&self) -> usize {
        self.start
    }

    /// Byte end in the text.
    pub fn end(&self) -> usize {
        self.end
    }
}

/// How to do without `\b` in a rule's regex, for diagnostics.
pub const WORD_BOUNDARY_HINT: &str =
    "inside a pattern write `(?:$|\\W)` instead (a Unicode `\\b` makes every text with a non-ASCII letter many times slower to search)";

/// Byte offset of the first `\b` in a rule's regex. Rules may not use it: the regex engine's
/// fast automata give up on a Unicode word boundary as soon as a non-ASCII letter appears.
pub fn word_boundary(regex: &str) -> Option<usize> {
    regex.find("\\b")
}

/// Expands `{name}` placeholders in `template` from `placeholders`; braces that do not enclose a
/// placeholder name (regex repetitions such as `{2,4}`) are kept as they are. Unknown names
/// are reported as errors with their byte offset in the template.
pub fn expand(template: &str, placeholders: &BTreeMap<String, String>) -> Result<String, (usize, String)> {
    expand_with(template, placeholders, |out, _, value| out.push_str(value))
}

/// [`expand`] with `put` writing each placeholder, given its name and value, to the output.
pub fn expand_with(
    template: &str,
    placeholders: &BTreeMap<String, String>,
    mut put: impl FnMut(&mut String, &str, &str),
) -> Result<String, (usize, String)> {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    let mut offset = 0;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        if let Some(close) = after.find('}') {
            let name = &after[..close];
            let is_name = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
            if is_name {
                match placeholders.get(name) {
                    Some(value) => put(&mut out, name, value),
                    None => {
                        let known: Vec<&str> = placeholders.keys().map(String::as_str).collect();
                        return Err((
                            offset + open,
                            format!("unknown placeholder `{{{name}}}`; known: {}", known.join(", ")),
                        ));
                    }
                }
                let consumed = open + 1 + close + 1;
                offset += consumed;
                rest = &rest[consumed..];
                continue;
            }
        }
        out.push('{');
        offset += open + 1;
        rest = &rest[open + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A regex alternation of `words`, longest first, each escaped; wrapped in a named group.
pub fn alternation(group: &str, words: impl IntoIterator<Item = String>) -> String {
    let mut words: Vec<String> = words.into_iter().filter(|w| !w.is_empty()).collect();
    words.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    words.dedup();
    let body = words
        .iter()
        .map(|w| regex::escape(w).replace(' ', r"\s+"))
        .collect::<Vec<_>>()
        .join("|");
    if group.is_empty() {
        format!("(?:{body})")
    } else {
        format!("(?P<{group}>{body})")
    }
}

impl PatternSet {
    /// Compiles `specs`, expanding placeholders; every problem is reported with its location in
    /// `source`, the text of `path`.
    pub fn compile(
        specs: &[PatternSpec],
        placeholders: &BTreeMap<String, String>,
        path: &Path,
        source: &str,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<PatternSet> {
        let before = errors.len();
        let mut composer = Composer::new(placeholders);
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut at_bytes: Vec<usize> = Vec::new();
        let mut invalid = None;
        for spec in specs {
            let at = string_content_start(source, spec.regex.span().start);
            if let Some(expanded) = expand_spec(spec, specs, placeholders, at, path, source, errors) {
                let hir = composer.hir(spec.regex.get_ref(), &expanded).unwrap_or_else(|err| {
                    invalid.get_or_insert(err);
                    Hir::fail()
                });
                at_bytes.push(at);
                patterns.push(Pattern::new(spec, expanded, hir));
            }
        }
        if errors.len() > before {
            return None;
        }
        let hirs: Vec<&Hir> = patterns.iter().map(|p| &p.hir).collect();
        let starts = invalid.map_or_else(|| Starts::from_hirs(&hirs).map_err(|e| e.to_string()), Err);
        let starts = match starts {
            Ok(starts) => starts,
            Err(err) => {
                report_invalid(&patterns, &at_bytes, &err, path, source, errors);
                return None;
            }
        };
        for i in starts.matching_empty() {
            errors.push(
                Diagnostic::at_byte(
                    path,
                    source,
                    at_bytes[i],
                    format!("pattern `{}` matches the empty string", patterns[i].id),
                )
                .with_hint("every pattern must require at least one character"),
            );
        }
        if errors.len() > before {
            return None;
        }
        Some(PatternSet { patterns, starts })
    }

    /// Every match of every pattern in `text` whose mention starts and ends at a word
    /// boundary, overlaps included; callers choose among overlapping matches. Each pattern's
    /// matches are those of searching it on its own, each search after the end of the match
    /// before, in one reading of the text for all patterns.
    pub fn find_all<'t>(&self, text: &'t str) -> Vec<PatternMatch<'t>> {
        self.find_all_from(text, &MatchStarts::of(text))
    }

    /// [`PatternSet::find_all`] with the positions where a match may begin already listed
    /// (they are the same for every set, so a story lists them once).
    pub fn find_all_from<'t>(&self, text: &'t str, starts: &MatchStarts) -> Vec<PatternMatch<'t>> {
        debug_assert_eq!(starts.text_len, text.len());
        let mut found = Vec::new();
        let mut cursor = vec![0usize; self.patterns.len()];
        let mut here = regex_automata::PatternSet::new(self.starts.len());
        let mut ends = vec![0usize; self.patterns.len()];
        let mut scratch = None;
        let mut guard = self.starts.cache();
        // Borrowed once: the guard checks where its cache lives at every use.
        let cache = &mut *guard;
        let bytes = text.as_bytes();
        let openings = self.starts.openings(cache);
        for &at in &starts.at {
            let at = at as usize;
            if !openings.may_begin(cache, bytes, at) {
                continue;
            }
            if self.starts.which_at(cache, text, at, &mut here, &mut ends).is_err() {
                return self.find_each(text);
            }
            if here.is_empty() {
                continue;
            }
            for id in here.iter() {
                let i = id.as_usize();
                if at >= cursor[i] {
                    cursor[i] = self.take(i, text, at..ends[i], &mut scratch, &mut found);
                }
            }
        }
        found.sort_by_key(|m| m.pattern);
        found
    }

    /// Reads the match of pattern `i` that starts at the start of `span` (a match is known to
    /// start there, and to end inside the span), keeps it when its ends stand at word
    /// boundaries and its rule's exclusions allow it, and returns where the pattern's next
    /// match may start. `scratch` is the memory of the searches for groups.
    fn take<'t>(
        &self,
        i: usize,
        text: &'t str,
        span: Range<usize>,
        scratch: &mut Option<backtrack::Cache>,
        found: &mut Vec<PatternMatch<'t>>,
    ) -> usize {
        let pattern = &self.patterns[i];
        let next = next_char_boundary(text, span.start);
        let captures = pattern.groups().read(text, span, scratch);
        let Some(whole) = captures.get_match() else {
            return next;
        };
        if !at_boundaries(text, whole.start(), whole.end()) {
            return next;
        }
        let groups = Groups { text, captures };
        let mention = groups.name("m").map_or(whole.range(), |m| m.start..m.end);
        if pattern.excluded(text, mention.start, mention.end) {
            return next;
        }
        found.push(PatternMatch {
            pattern: i,
            start: mention.start,
            end: mention.end,
            captures: groups,
        });
        whole.end().max(next)
    }

    /// [`PatternSet::find_all`] by searching each pattern over the whole text on its own.
    fn find_each<'t>(&self, text: &'t str) -> Vec<PatternMatch<'t>> {
        let mut found = Vec::new();
        let mut scratch = None;
        for i in 0..self.patterns.len() {
            let regex = self.patterns[i].regex();
            let mut pos = 0;
            while let Some(whole) = regex.find(Input::new(text).range(pos..)) {
                pos = self.take(i, text, whole.range(), &mut scratch, &mut found);
                if pos > text.len() {
                    break;
                }
            }
        }
        found
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// True when the set has no pattern.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
}

/// Checks one pattern's id and regex and expands its placeholders; `None` after reporting a
/// problem at byte `at` (the start of its regex in `source`).
fn expand_spec(
    spec: &PatternSpec,
    specs: &[PatternSpec],
    placeholders: &BTreeMap<String, String>,
    at: usize,
    path: &Path,
    source: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<String> {
    if spec.id.trim().is_empty() {
        errors
            .push(Diagnostic::at_byte(path, source, at, "empty rule id").with_hint("give every pattern a unique `id`"));
        return None;
    }
    if let Some(first) = specs
        .iter()
        .find(|s| s.id == spec.id && s.regex.span() != spec.regex.span())
    {
        if first.regex.span().start < at {
            let (line, _) = super::diag::line_column(source, first.regex.span().start);
            errors.push(
                Diagnostic::at_byte(path, source, at, format!("duplicate rule id `{}`", spec.id))
                    .with_hint(format!("first defined at line {line}; rule ids must be unique")),
            );
            return None;
        }
    }
    if let Some(offset) = word_boundary(spec.regex.get_ref()) {
        errors.push(
            Diagnostic::at_byte(path, source, at + offset, format!("pattern `{}` uses `\\b`", spec.id)).with_hint(
                format!("accord checks word boundaries at both ends of every match itself; {WORD_BOUNDARY_HINT}"),
            ),
        );
        return None;
    }
    match expand(spec.regex.get_ref(), placeholders) {
        Ok(expanded) => Some(expanded),
        Err((offset, message)) => {
            errors.push(
                Diagnostic::at_byte(path, source, at + offset, message).with_hint("use one of the known placeholders"),
            );
            None
        }
    }
}

/// Reports each pattern whose regex does not compile on its own; when each does, reports
/// `set_error` (why the patterns did not compile together) at the first pattern.
fn report_invalid(
    patterns: &[Pattern],
    starts: &[usize],
    set_error: &str,
    path: &Path,
    source: &str,
    errors: &mut Vec<Diagnostic>,
) {
    let before = errors.len();
    for (pattern, &at) in patterns.iter().zip(starts) {
        if let Err(err) = Regex::new(&pattern.expanded) {
            let cause = err
                .to_string()
                .lines()
                .filter(|l| l.starts_with("error:"))
                .map(|l| l.trim_start_matches("error:").trim().to_owned())
                .next()
                .unwrap_or_else(|| err.to_string());
            errors.push(
                Diagnostic::at_byte(path, source, at, format!("invalid regex in `{}`: {cause}", pattern.id))
                    .with_hint("check brackets and escapes; placeholders are written `{name}`"),
            );
        }
    }
    if errors.len() == before {
        errors.push(
            Diagnostic::at_byte(
                path,
                source,
                starts.first().copied().unwrap_or(0),
                format!("the patterns of this file do not compile together: {set_error}"),
            )
            .with_hint("each compiles on its own; if the set is too large, shorten the longest word lists"),
        );
    }
}

/// The byte where the content of a TOML string starting at `start` begins (after its quotes).
pub fn string_content_start(source: &str, start: usize) -> usize {
    let rest = &source[start..];
    ["'''", "\"\"\"", "'", "\""]
        .iter()
        .find(|q| rest.starts_with(**q))
        .map(|q| start + q.len())
        .unwrap_or(start)
}

fn next_char_boundary(text: &str, byte: usize) -> usize {
    text[byte..]
        .chars()
        .next()
        .map(|c| byte + c.len_utf8())
        .unwrap_or(text.len() + 1)
}

/// The byte offsets of the characters of a text that do not continue a word: word starts and
/// everything between words. A match may only begin at one of them.
#[derive(Debug, Clone)]
pub struct MatchStarts {
    /// The offsets, ascending (`u32`: texts are below 4 GiB, see
    /// [`crate::text::MAX_TEXT_BYTES`]).
    at: Vec<u32>,
    /// The length of the text they were listed for.
    text_len: usize,
}

impl MatchStarts {
    /// Lists the positions of `text`. Runs of ASCII are read eight bytes at a time; other
    /// characters are decoded.
    pub fn of(text: &str) -> MatchStarts {
        let mut at = Vec::with_capacity(text.len() / 2);
        let mut after_word = false;
        for (start, run, after) in ascii_runs(text) {
            after_word = push_ascii_starts(run.as_bytes(), start, after_word, &mut at);
            let Some(c) = after else {
                break;
            };
            let word = is_word_char(c);
            if !(word && after_word) {
                at.push((start + run.len()) as u32);
            }
            after_word = word;
        }
        MatchStarts {
            at,
            text_len: text.len(),
        }
    }
}

/// Adds the positions of the ASCII `run`, which starts at byte `base` of its text after a word
/// character when `after_word`, to `out` (see [`MatchStarts`]); returns whether the run ends
/// in a word character.
fn push_ascii_starts(run: &[u8], base: usize, mut after_word: bool, out: &mut Vec<u32>) -> bool {
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let (octets, rest) = run.as_chunks::<8>();
    let mut base = base as u32;
    for octet in octets {
        let word = ascii_word_bytes(u64::from_le_bytes(*octet));
        // Each byte's flag moved onto the byte after it; the first byte gets the run's.
        let before = (word << 8) | if after_word { 0x80 } else { 0 };
        let mut kept = !(word & before) & HIGH;
        while kept != 0 {
            out.push(base + kept.trailing_zeros() / 8);
            kept &= kept - 1;
        }
        after_word = word >> 63 != 0;
        base += 8;
    }
    for (&b, at) in rest.iter().zip(base..) {
        let word = b.is_ascii_alphanumeric();
        if !(word && after_word) {
            out.push(at);
        }
        after_word = word;
    }
    after_word
}

/// True when `text[start..end]` does not begin or end in the middle of a word.
pub fn at_boundaries(text: &str, start: usize, end: usize) -> bool {
    let inner_first = text[start..end].chars().next();
    let inner_last = text[start..end].chars().last();
    let before = text[..start].chars().last();
    let after = text[end..].chars().next();
    let starts_ok = !(inner_first.is_some_and(is_word_char) && before.is_some_and(is_word_char));
    let ends_ok = !(inner_last.is_some_and(is_word_char) && after.is_some_and(is_word_char));
    starts_ok && ends_ok
}

/// Keeps the best of overlapping matches: earliest start, then longest, then earliest pattern.
/// Each match comes with the value read from it, so nothing is read twice.
pub fn choose_non_overlapping<'t, T>(mut matches: Vec<(PatternMatch<'t>, T)>) -> Vec<(PatternMatch<'t>, T)> {
    matches.sort_by(|(a, _), (b, _)| {
        a.start
            .cmp(&b.start)
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.pattern.cmp(&b.pattern))
    });
    let mut kept: Vec<(PatternMatch<'t>, T)> = Vec::new();
    for (m, value) in matches {
        if kept.last().is_some_and(|(last, _)| m.start < last.end) {
            continue;
        }
        kept.push((m, value));
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::factor::factor;

    #[test]
    fn expands_known_placeholders_and_keeps_repetition_braces() {
        let mut p = BTreeMap::new();
        p.insert("year".to_owned(), "(?P<year>\\d{4})".to_owned());
        assert_eq!(expand("in {year} x{2}", &p).unwrap(), "in (?P<year>\\d{4}) x{2}");
        assert_eq!(expand("{nope}", &p).unwrap_err().0, 0);
    }

    #[test]
    fn alternation_prefers_longer_words() {
        assert_eq!(
            alternation("m", ["Jan".to_owned(), "January".to_owned()]),
            "(?P<m>January|Jan)"
        );
    }

    #[test]
    fn matches_may_begin_only_outside_words() {
        let starts: Vec<usize> = MatchStarts::of("Am 3. Mai, Öl-Preis")
            .at
            .iter()
            .map(|&at| at as usize)
            .collect();
        assert_eq!(starts, vec![0, 2, 3, 4, 5, 6, 9, 10, 11, 14, 15]);
        assert!(MatchStarts::of("").at.is_empty());
    }

    /// The positions as first written: every character that does not continue a word.
    fn match_starts_by_chars(text: &str) -> Vec<usize> {
        let mut after_word = false;
        let mut starts = Vec::new();
        for (at, c) in text.char_indices() {
            let word = is_word_char(c);
            if !(word && after_word) {
                starts.push(at);
            }
            after_word = word;
        }
        starts
    }

    #[test]
    fn match_starts_read_by_eight_bytes_agree_with_reading_characters() {
        let mut texts: Vec<String> = [
            "",
            "a",
            "On 5 May 2024, the talks (in Astana) ended.",
            "Zölle für Öl-Preise – am 3. Mai 2024 in Taschkent; €5bn",
            "abcdefgh12345678 x.y,z!  \t\n ÄÖÜ99ab  😀x😀",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        // Every split of a word across the eight-byte chunks, with ASCII and wide neighbours.
        for pad in 0..17 {
            texts.push(format!("{}word9 x{}é1a", " ".repeat(pad), "b".repeat(pad)));
        }
        for text in &texts {
            let listed: Vec<usize> = MatchStarts::of(text).at.iter().map(|&at| at as usize).collect();
            assert_eq!(listed, match_starts_by_chars(text), "{text:?}");
        }
    }

    #[test]
    fn boundaries_reject_matches_inside_words() {
        assert!(at_boundaries("in 2024.", 3, 7));
        assert!(!at_boundaries("x12024", 2, 6));
        assert!(at_boundaries("Jan. 5", 0, 4));
    }

    #[test]
    fn a_match_gives_its_named_groups() {
        let rules = crate::rules::test_rules();
        let set = rules.languages[&crate::lang::Lang::En].dates.patterns();
        let text = "Signed on 5 May 2024.";
        let found = set.find_all(text);
        let year = found
            .iter()
            .find_map(|m| m.captures.name("year"))
            .expect("a year group");
        assert_eq!((year.as_str(), year.start(), year.end()), ("2024", 16, 20));
        assert!(found.iter().all(|m| m.captures.name("no_such_group").is_none()));
    }

    #[test]
    fn groups_are_those_of_the_leftmost_first_match_inside_the_span() {
        let reader = GroupReader::of(&regex_syntax::parse("(?P<m>a|ab)c?").unwrap());
        let mut cache = None;
        // The set reports the longest end (after `c`); leftmost-first, the pattern matches `a`.
        let captures = reader.read("abc", 0..2, &mut cache);
        assert_eq!(captures.get_match().map(|m| m.range()), Some(0..1));
        let captures = reader.read("xac", 1..3, &mut cache);
        assert_eq!(captures.get_match().map(|m| m.range()), Some(1..3));
        assert_eq!(captures.get_group_by_name("m").map(|m| m.range()), Some(1..2));
    }

    #[test]
    fn groups_are_read_over_spans_too_long_for_the_backtracker() {
        let reader = GroupReader::of(&regex_syntax::parse("(?P<m>x[a-z ]*)y").unwrap());
        let text = format!("x{}y.", "ab ".repeat(400_000));
        assert!(reader.backtracker.max_haystack_len() < text.len());
        let captures = reader.read(&text, 0..text.len(), &mut None);
        assert_eq!(captures.get_match().map(|m| m.range()), Some(0..text.len() - 1));
        assert_eq!(
            captures.get_group_by_name("m").map(|m| m.range()),
            Some(0..text.len() - 2)
        );
    }

    /// Every pattern of the shipped rules, in every language, has the syntax tree of its
    /// expanded text, though most are composed from their placeholders' trees: the same tree
    /// once both are factored (composing factors the placeholders' alternations only), and
    /// factoring a factored tree again changes nothing.
    #[test]
    fn every_shipped_pattern_has_its_expanded_texts_tree() {
        let rules = crate::rules::test_rules();
        for lang in rules.languages.values() {
            for set in [lang.dates.patterns(), lang.money.patterns()] {
                for pattern in &set.patterns {
                    let direct = factor(regex_automata::util::syntax::parse(&pattern.expanded).unwrap());
                    assert!(factor(pattern.hir.clone()) == direct, "{}", pattern.id);
                    assert!(factor(direct.clone()) == direct, "{}", pattern.id);
                }
            }
        }
    }

    /// One reading for all patterns finds exactly what searching each pattern on its own does.
    #[test]
    fn one_reading_finds_what_each_pattern_finds_alone() {
        let rules = crate::rules::test_rules();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles");
        let mut texts: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        texts.extend(
            [
                "2024-05-06, 12.3.2024 und am 5. Mai 2024; $5bn, 3 Mrd. Euro, Mai–Juni 2023",
                "x2024 May 5th2024 Jan.5, 2020-21 1999/2000 \u{a0}€ 20 Mio.",
                "",
            ]
            .map(String::from),
        );
        for lang in rules.languages.values() {
            for set in [lang.dates.patterns(), lang.money.patterns()] {
                for text in &texts {
                    let key = |m: &PatternMatch| (m.pattern, m.start, m.end);
                    let all: Vec<_> = set.find_all(text).iter().map(key).collect();
                    let each: Vec<_> = set.find_each(text).iter().map(key).collect();
                    assert_eq!(all, each);
                }
            }
        }
    }

    proptest::proptest! {
        /// The same on texts made of the pieces dates and amounts are made of, in any order:
        /// the openings that let a position through must never hide a match.
        #[test]
        fn one_reading_finds_what_each_finds_on_any_mix(
            text in "(May |Mai |März |[0-9]{1,4}|[.,/ –-]|Jan\\. |bn|Mrd\\. |€|\\$|US|EUR |million |Milliarden |am |on |the |ü|é|x|\n){0,40}"
        ) {
            let rules = crate::rules::test_rules();
            for lang in rules.languages.values() {
                for set in [lang.dates.patterns(), lang.money.patterns()] {
                    let key = |m: &PatternMatch| (m.pattern, m.start, m.end);
                    let all: Vec<_> = set.find_all(&text).iter().map(key).collect();
                    let each: Vec<_> = set.find_each(&text).iter().map(key).collect();
                    proptest::prop_assert_eq!(all, each);
                }
            }
        }
    }
}
