//! The segmentation rule file (`rules/common/furniture.toml`): furniture line patterns, story
//! cues and the headline shape, validated with file:line:column diagnostics and compiled into
//! one automaton per purpose (the furniture lines, and the cues of each kind).

use std::cell::RefCell;
use std::path::Path;

use regex::Regex;
use regex_automata::PatternSet;
use serde::Deserialize;

use crate::rules::diag::Diagnostic;
use crate::rules::pattern::{string_content_start, word_boundary, WORD_BOUNDARY_HINT};
use crate::rules::source::read_toml;
use crate::rules::starts::Starts;
use crate::rules::widen::WideStarts;

/// The furniture rule file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FurnitureFile {
    /// Line patterns: a line matching one is furniture.
    #[serde(rename = "line", default)]
    pub lines: Vec<LinePattern>,
    /// Story cues: lines that are evidence of where stories start and end.
    #[serde(rename = "cue", default)]
    pub cues: Vec<CuePattern>,
    /// Shape of a headline line.
    pub headline: HeadlineShape,
}

/// One furniture line pattern.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinePattern {
    /// Stable rule id, e.g. `furniture.ticker`.
    pub id: String,
    /// Regular expression tested against each line (without its line break).
    pub regex: toml::Spanned<String>,
    /// What the pattern is for.
    #[serde(default)]
    pub description: String,
}

/// What a story cue is evidence of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CueKind {
    /// In the page header: the page is a list of stories ("Aktuelles", "45 results").
    Listing,
    /// One of the first two lines under a headline: the headline opens a story
    /// ("TASHKENT (TCA) —", "By: Reuters 26th November 2024").
    Dateline,
    /// The last line before a headline: the story above has ended ("Read more").
    Tail,
    /// A photo caption: never a headline, stays in its story ("Foto: dpa").
    Caption,
    /// On a list page, a paragraph opening like this starts a story of its own (a chronicle
    /// entry opening with its date).
    Entry,
    /// After running text, the rest of the page is a block of links to other stories
    /// ("Related news", "Lesen Sie auch"): no story starts below it.
    Related,
}

impl CueKind {
    /// The kind as written in the rule file.
    pub fn as_str(self) -> &'static str {
        match self {
            CueKind::Listing => "listing",
            CueKind::Dateline => "dateline",
            CueKind::Tail => "tail",
            CueKind::Caption => "caption",
            CueKind::Entry => "entry",
            CueKind::Related => "related",
        }
    }
}

/// One story cue pattern.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CuePattern {
    /// Stable rule id, e.g. `story.dateline`.
    pub id: String,
    /// What the cue is evidence of.
    pub kind: CueKind,
    /// Regular expression tested against each line (without its line break).
    pub regex: toml::Spanned<String>,
    /// What the pattern is for.
    #[serde(default)]
    pub description: String,
    /// Lines the pattern must match; checked when the rules load.
    #[serde(default)]
    pub examples: Vec<toml::Spanned<String>>,
    /// Lines the pattern must not match; checked when the rules load.
    #[serde(default)]
    pub counter_examples: Vec<toml::Spanned<String>>,
}

/// Limits that make a line look like a headline.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadlineShape {
    /// At most this many characters.
    pub max_chars: usize,
    /// At least this many words.
    pub min_words: usize,
    /// At most this many words.
    pub max_words: usize,
    /// Characters a headline does not end with.
    pub not_ending_with: String,
    /// On a list page found by its header alone, a story has at most this many body lines.
    pub max_digest_paragraphs: usize,
    /// Characters stripped from the ends of a headline for the `title` field.
    pub strip: String,
}

/// Compiled furniture patterns, story cues and headline shape.
#[derive(Debug)]
pub struct SegmentRules {
    /// The furniture rule ids, in file order.
    furniture_ids: Vec<String>,
    /// Every furniture pattern in one automaton, in file order.
    furniture: WideStarts,
    /// The cue rule ids, in file order.
    cue_ids: Vec<String>,
    /// The cues of each kind in one automaton, in file order, with each one's rule index.
    cues: Vec<(CueKind, WideStarts, Vec<usize>)>,
    /// The headline shape.
    pub headline: HeadlineShape,
    year: Regex,
}

/// A cue rule that matched a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CueHit {
    /// What the cue is evidence of.
    pub kind: CueKind,
    /// Index of the rule (see [`SegmentRules::cue_id`]).
    pub rule: usize,
}

impl SegmentRules {
    /// Loads, checks and compiles `rules/common/furniture.toml`.
    pub fn load(path: &Path, errors: &mut Vec<Diagnostic>) -> Option<SegmentRules> {
        let (source, file) = read_toml::<FurnitureFile>(path, errors)?;
        let before = errors.len();
        let lines = Parsed::new(file.lines.iter().map(|p| &p.regex), &vec![0; file.lines.len()], 1);
        let kinds = cue_kinds(&file.cues);
        let cue_groups: Vec<usize> = file.cues.iter().map(|c| kind_group(&kinds, c.kind)).collect();
        let cues = Parsed::new(file.cues.iter().map(|c| &c.regex), &cue_groups, kinds.len());
        let mut check = Checker {
            path,
            source: &source,
            errors,
            ids: Vec::new(),
        };
        for (i, p) in file.lines.iter().enumerate() {
            check.pattern(&p.id, &p.regex, &lines, i);
        }
        for (i, c) in file.cues.iter().enumerate() {
            check.pattern(&c.id, &c.regex, &cues, i);
        }
        if errors.len() > before {
            return None;
        }
        Some(SegmentRules {
            furniture_ids: file.lines.iter().map(|p| p.id.clone()).collect(),
            furniture: lines.sets.into_iter().next()?.ok()?,
            cue_ids: file.cues.iter().map(|c| c.id.clone()).collect(),
            cues: kinds
                .into_iter()
                .zip(cues.sets)
                .zip(cues.members)
                .map(|((kind, set), rules)| Some((kind, set.ok()?, rules)))
                .collect::<Option<_>>()?,
            headline: file.headline,
            year: Regex::new(r"\b(?:1[89]|20)\d\d\b").expect("static regex"),
        })
    }

    /// Number of furniture patterns.
    pub fn len(&self) -> usize {
        self.furniture_ids.len()
    }

    /// True when there is no furniture pattern.
    pub fn is_empty(&self) -> bool {
        self.furniture_ids.is_empty()
    }

    /// Number of story cue patterns.
    pub fn cue_count(&self) -> usize {
        self.cue_ids.len()
    }

    /// The id of the first furniture rule matching `line`, if any.
    pub fn furniture_rule(&self, line: &str) -> Option<&str> {
        let i = first_matching(&self.furniture, line)?;
        Some(self.furniture_ids[i].as_str())
    }

    /// The first cue rule of `kind` (in file order) matching `line`. All cues of the kind are
    /// tested in one reading of the line.
    pub fn cue(&self, line: &str, kind: CueKind) -> Option<CueHit> {
        let (_, set, rules) = self.cues.iter().find(|(k, _, _)| *k == kind)?;
        let rule = rules[first_matching(set, line)?];
        Some(CueHit { kind, rule })
    }

    /// The id of cue rule `rule`.
    pub fn cue_id(&self, rule: usize) -> &str {
        &self.cue_ids[rule]
    }

    /// True when cue rule `rule` matches somewhere in `line`.
    fn cue_matches(&self, rule: usize, line: &str) -> bool {
        self.cues.iter().any(|(_, set, rules)| {
            rules
                .iter()
                .position(|&r| r == rule)
                .is_some_and(|slot| set.matches(slot, line))
        })
    }

    /// Every cue example of the rule file `path` (the one these rules were loaded from) that
    /// its cue does not match, and every counter-example it does, reported at the example.
    /// Run by `accord check`: compiling each cue exactly is left to the lines that need it.
    pub fn example_problems(&self, path: &Path) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        let Some((source, file)) = read_toml::<FurnitureFile>(path, &mut errors) else {
            return errors;
        };
        for (rule, cue) in file.cues.iter().enumerate() {
            if self.cue_ids.get(rule) != Some(&cue.id) {
                continue;
            }
            for (list, want) in [(&cue.examples, true), (&cue.counter_examples, false)] {
                for example in list.iter().filter(|e| self.cue_matches(rule, e.get_ref()) != want) {
                    let (message, hint) = if want {
                        ("does not match its example", "widen the pattern or fix the example")
                    } else {
                        (
                            "matches its counter-example",
                            "narrow the pattern or fix the counter-example",
                        )
                    };
                    let at = string_content_start(&source, example.span().start);
                    errors.push(
                        Diagnostic::at_byte(path, &source, at, format!("cue `{}` {message}", cue.id)).with_hint(hint),
                    );
                }
            }
        }
        errors
    }

    /// True when `line` has the shape of a headline (see `[headline]`).
    pub fn is_headline(&self, line: &str) -> bool {
        let h = &self.headline;
        let trimmed = line.trim().trim_matches(|c| h.strip.contains(c)).trim();
        // The checks that read only the ends of the line first, then the length (a long line
        // is decided by its length in bytes), then the words of a short line.
        let first = trimmed.chars().next();
        let last = trimmed.chars().next_back();
        if !(first.is_some_and(|c| c.is_uppercase() || c.is_numeric() || "\"'“‘«„".contains(c))
            && last.is_some_and(|c| !h.not_ending_with.contains(c)))
        {
            return false;
        }
        // A character is one to four bytes.
        let short = trimmed.len() <= h.max_chars
            || (trimmed.len() / 4 <= h.max_chars && trimmed.chars().count() <= h.max_chars);
        if !short {
            return false;
        }
        let words = trimmed.split_whitespace().count();
        words >= h.min_words && words <= h.max_words && !(self.year.is_match(trimmed) && words <= 4)
    }

    /// `line` as a title: markup stripped from its ends, runs of white space made one space.
    pub fn clean_title(&self, line: &str) -> String {
        let cleaned = line.trim().trim_matches(|c| self.headline.strip.contains(c)).trim();
        cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// The patterns of `set` that match somewhere in `line`.
fn matching(set: &WideStarts, line: &str) -> PatternSet {
    let mut hits = PatternSet::new(set.len());
    set.which_in(line, &mut hits);
    hits
}

/// The first pattern of `set` (in file order) that matches somewhere in `line`.
fn first_matching(set: &WideStarts, line: &str) -> Option<usize> {
    thread_local! {
        /// Pattern sets of the sizes read so far, reused from one line to the next.
        static SETS: RefCell<Vec<PatternSet>> = const { RefCell::new(Vec::new()) };
    }
    SETS.with_borrow_mut(|sets| {
        let k = match sets.iter().position(|s| s.capacity() == set.len()) {
            Some(k) => k,
            None => {
                sets.push(PatternSet::new(set.len()));
                sets.len() - 1
            }
        };
        set.first_in(line, &mut sets[k])
    })
}

/// The kinds of `cues`, each once, in the order they first appear.
fn cue_kinds(cues: &[CuePattern]) -> Vec<CueKind> {
    let mut kinds = Vec::new();
    for cue in cues {
        if !kinds.contains(&cue.kind) {
            kinds.push(cue.kind);
        }
    }
    kinds
}

/// The position of `kind` in `kinds`.
fn kind_group(kinds: &[CueKind], kind: CueKind) -> usize {
    kinds.iter().position(|&k| k == kind).unwrap_or(0)
}

/// The patterns of one kind (lines or cues), each parsed on its own and compiled in groups
/// (all lines together, the cues of each kind together).
struct Parsed {
    /// Each pattern's syntax error, if any.
    problems: Vec<Option<String>>,
    /// Which patterns match an empty line (false for those that do not parse).
    empty: Vec<bool>,
    /// Each group's patterns that parse, in one automaton, or why they do not compile together.
    sets: Vec<Result<WideStarts, String>>,
    /// Each group's patterns that parse, by index, in automaton order.
    members: Vec<Vec<usize>>,
}

impl Parsed {
    /// Parses `regexes` and compiles those of each of `group_count` groups together;
    /// `groups[i]` is the group of regex `i`, numbered from 0.
    fn new<'a>(
        regexes: impl Iterator<Item = &'a toml::Spanned<String>>,
        groups: &[usize],
        group_count: usize,
    ) -> Parsed {
        let regexes: Vec<&str> = regexes.map(|r| r.get_ref().as_str()).collect();
        let parsed = Starts::parse_each(&regexes);
        let mut members = vec![Vec::new(); group_count];
        let mut slots = vec![None; regexes.len()];
        for (i, hir) in parsed.iter().enumerate() {
            if hir.is_ok() {
                slots[i] = Some((groups[i], members[groups[i]].len()));
                members[groups[i]].push(i);
            }
        }
        let sets: Vec<Result<WideStarts, String>> = members
            .iter()
            .map(|m| {
                let hirs: Vec<_> = m.iter().filter_map(|&i| parsed[i].as_ref().ok()).collect();
                WideStarts::from_hirs(&hirs).map_err(|e| e.to_string())
            })
            .collect();
        let empties: Vec<PatternSet> = sets
            .iter()
            .map(|set| {
                set.as_ref()
                    .map_or_else(|_| PatternSet::new(0), |set| matching(set, ""))
            })
            .collect();
        let empty = slots
            .iter()
            .map(|s| s.is_some_and(|(g, k)| empties[g].iter().any(|p| p.as_usize() == k)))
            .collect();
        Parsed {
            problems: parsed.into_iter().map(Result::err).collect(),
            empty,
            sets,
            members,
        }
    }

    /// Why the groups do not compile together, if one does not.
    fn set_error(&self) -> Option<&str> {
        self.sets.iter().find_map(|s| s.as_ref().err()).map(String::as_str)
    }
}

/// Checks patterns one by one, collecting diagnostics.
struct Checker<'a> {
    /// The rule file.
    path: &'a Path,
    /// Its text.
    source: &'a str,
    /// Where problems go.
    errors: &'a mut Vec<Diagnostic>,
    /// The ids of the patterns checked so far.
    ids: Vec<String>,
}

impl Checker<'_> {
    /// True when pattern `i` of `parsed` (`regex`, with rule id `id`) compiles, has no `\b`,
    /// matches no empty line and `id` is new; reports otherwise.
    fn pattern(&mut self, id: &str, regex: &toml::Spanned<String>, parsed: &Parsed, i: usize) -> bool {
        let at = string_content_start(self.source, regex.span().start);
        let word_boundary = word_boundary(regex.get_ref());
        let problem = match &parsed.problems[i] {
            _ if word_boundary.is_some() => Some((format!("pattern `{id}` uses `\\b`"), WORD_BOUNDARY_HINT)),
            Some(err) => Some((
                format!("invalid regex in `{id}`: {}", last_line(err)),
                "fix the pattern; see the regex crate's syntax",
            )),
            None if parsed.empty[i] => Some((
                format!("pattern `{id}` matches an empty line"),
                "require at least one character, e.g. use `+` instead of `*`",
            )),
            None if self.ids.iter().any(|seen| seen == id) => {
                Some((format!("duplicate rule id `{id}`"), "rule ids must be unique"))
            }
            None => match parsed.set_error() {
                Some(err) if i == 0 => Some((
                    format!("the patterns of this file do not compile together: {err}"),
                    "shorten the longest patterns",
                )),
                _ => None,
            },
        };
        let Some((message, hint)) = problem else {
            self.ids.push(id.to_owned());
            return true;
        };
        let at = at + word_boundary.unwrap_or(0);
        self.errors
            .push(Diagnostic::at_byte(self.path, self.source, at, message).with_hint(hint));
        false
    }
}

fn last_line(s: &str) -> String {
    s.lines().last().unwrap_or(s).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules of `rules/common/furniture.toml`, loaded once.
    fn furniture_rules() -> &'static SegmentRules {
        static RULES: std::sync::OnceLock<SegmentRules> = std::sync::OnceLock::new();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/common/furniture.toml");
        RULES.get_or_init(|| SegmentRules::load(&path, &mut Vec::new()).unwrap())
    }

    /// `is_headline` as it was written, every test over the whole line: the reference for the
    /// one that reads the ends and the length first.
    fn is_headline_reference(rules: &SegmentRules, line: &str) -> bool {
        let h = &rules.headline;
        let trimmed = line.trim().trim_matches(|c| h.strip.contains(c)).trim();
        let words = trimmed.split_whitespace().count();
        let first = trimmed.chars().next();
        let last = trimmed.chars().last();
        trimmed.chars().count() <= h.max_chars
            && words >= h.min_words
            && words <= h.max_words
            && first.is_some_and(|c| c.is_uppercase() || c.is_numeric() || "\"'“‘«„".contains(c))
            && last.is_some_and(|c| !h.not_ending_with.contains(c))
            && !(rules.year.is_match(trimmed) && words <= 4)
    }

    #[test]
    fn headlines_are_told_as_the_whole_line_tells_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let rules = furniture_rules();
        let mut lines: Vec<String> = std::fs::read_dir(root.join("data/articles"))
            .unwrap()
            .flat_map(|e| {
                let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
                text.lines().map(str::to_owned).collect::<Vec<_>>()
            })
            .collect();
        let max = rules.headline.max_chars;
        for unit in ["a", "Ü", "€", "😀", "ab ", "Ü "] {
            for n in [
                max / 4 - 1,
                max / 4,
                max / 4 + 1,
                max / 2,
                max - 1,
                max,
                max + 1,
                2 * max,
            ] {
                let body = unit.repeat(n);
                for line in [
                    format!("Uzbekistan {body}"),
                    format!("# Zölle {body} #"),
                    format!("2024 {body}"),
                    format!("Uzbek {body}."),
                ] {
                    let chars = line.chars().count();
                    for cut in [max - 2, max - 1, max, max + 1, max + 2] {
                        lines.push(line.chars().take(cut.min(chars)).collect());
                    }
                    lines.push(line);
                }
            }
        }
        lines.extend(
            [
                "",
                " ",
                "#",
                "## ##",
                "„Zitat“ im Titel",
                "«Titel»",
                "A B",
                "A",
                "Talks in 2024",
                "1999 Talks",
            ]
            .map(String::from),
        );
        for line in &lines {
            assert_eq!(rules.is_headline(line), is_headline_reference(rules, line), "{line:?}");
        }
    }

    /// The problems of loading `toml`; when it loads, those of its cue examples (as
    /// `accord check` reports them).
    fn load(toml: &str) -> Vec<Diagnostic> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("furniture.toml");
        std::fs::write(&path, toml).unwrap();
        let mut errors = Vec::new();
        let rules = SegmentRules::load(&path, &mut errors);
        assert_eq!(rules.is_some(), errors.is_empty());
        rules.map_or(errors, |rules| rules.example_problems(&path))
    }

    const HEADLINE: &str = "[headline]\nmax_chars = 160\nmin_words = 2\nmax_words = 22\nnot_ending_with = \".\"\nmax_digest_paragraphs = 3\nstrip = \"#\"\n";

    proptest::proptest! {
        /// The same on any mix of words, capitals, digits, years, markup and characters outside
        /// ASCII, around the length limit.
        #[test]
        fn headlines_are_told_as_the_whole_line_tells_them_on_any_mix(
            line in "(Uzbekistan|Zölle|und|and|2024|1999|# |\\*\\*|„|“|«|\\.|,|!|€|😀|[a-zäöü]{1,12}|[A-ZÄÖÜ][a-z]{0,8}|[0-9]{1,3}| |  |\\t){0,45}"
        ) {
            let rules = furniture_rules();
            proptest::prop_assert_eq!(rules.is_headline(&line), is_headline_reference(rules, &line));
        }
    }

    #[test]
    fn bad_patterns_are_reported_where_they_are() {
        for (rule, message, line, column) in [
            (
                "[[line]]\nid = \"a\"\nregex = 'x\\b'\n",
                "pattern `a` uses `\\b`",
                10,
                11,
            ),
            ("[[line]]\nid = \"a\"\nregex = 'x('\n", "invalid regex in `a`", 10, 10),
            (
                "[[line]]\nid = \"a\"\nregex = 'x*'\n",
                "pattern `a` matches an empty line",
                10,
                10,
            ),
            (
                "[[cue]]\nid = \"c\"\nkind = \"tail\"\nregex = '^Read more$'\nexamples = [\"Read on\"]\n",
                "cue `c` does not match its example",
                12,
                14,
            ),
            (
                "[[cue]]\nid = \"c\"\nkind = \"tail\"\nregex = '^Read'\ncounter_examples = [\"Reading\"]\n",
                "cue `c` matches its counter-example",
                12,
                22,
            ),
        ] {
            let errors = load(&format!("{HEADLINE}{rule}"));
            assert_eq!(errors.len(), 1, "{rule}: {errors:?}");
            assert!(errors[0].message.contains(message), "{:?}", errors[0]);
            assert_eq!((errors[0].line, errors[0].column), (line, column), "{rule}");
        }
    }

    /// The cues of a kind are compiled together; each cue's examples are still checked
    /// against its own pattern, whatever the other cues match.
    #[test]
    fn each_cue_example_is_checked_against_its_own_cue() {
        let cues = "[[cue]]\nid = \"a\"\nkind = \"tail\"\nregex = '^Read on'\n\
                    [[cue]]\nid = \"b\"\nkind = \"tail\"\nregex = '^Read more$'\n\
                    examples = [\"Read more\"]\n";
        let errors = load(&format!("{HEADLINE}{cues}counter_examples = [\"Read on\"]\n"));
        assert!(errors.is_empty(), "{errors:?}");
        let errors = load(&format!("{HEADLINE}{cues}counter_examples = [\"Read more\"]\n"));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].message.contains("cue `b` matches its counter-example"),
            "{errors:?}"
        );
    }

    #[test]
    fn the_shipped_cues_pass_their_examples() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/common/furniture.toml");
        assert_eq!(furniture_rules().example_problems(&path), Vec::new());
    }

    /// Each kind's cues are read in an automaton of their own; the first of the kind asked
    /// for wins, whatever cues of other kinds match.
    #[test]
    fn a_cue_lookup_finds_the_first_cue_of_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("furniture.toml");
        let cue = |id: &str, kind: &str, regex: &str| {
            format!("[[cue]]\nid = \"{id}\"\nkind = \"{kind}\"\nregex = '{regex}'\n")
        };
        let cues = [
            cue("a", "tail", "^Read"),
            cue("b", "listing", "more"),
            cue("c", "tail", "more$"),
        ];
        std::fs::write(&path, format!("{HEADLINE}{}", cues.concat())).unwrap();
        let rules = SegmentRules::load(&path, &mut Vec::new()).unwrap();
        for (line, kind, rule) in [
            ("Read more", CueKind::Tail, Some(0)),
            ("Also more", CueKind::Tail, Some(2)),
            ("Read more", CueKind::Listing, Some(1)),
            ("Read on", CueKind::Listing, None),
            ("Read more", CueKind::Caption, None),
        ] {
            assert_eq!(rules.cue(line, kind).map(|hit| hit.rule), rule, "{line} {kind:?}");
        }
    }

    #[test]
    fn an_unknown_cue_kind_is_an_error() {
        let errors = load(&format!(
            "{HEADLINE}[[cue]]\nid = \"c\"\nkind = \"footer\"\nregex = 'x'\n"
        ));
        assert!(errors[0].message.contains("footer"), "{errors:?}");
    }
}
