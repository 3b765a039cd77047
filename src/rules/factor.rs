//! Alternations factored into tries: `(?:einundzwanzig|eine|ein)` becomes
//! `(?:ein(?:undzwanzig|e|))`, so that the automata compiled from a pattern hold each shared
//! beginning once instead of once per word. A placeholder's word list (number words, currency
//! names) is an alternation of hundreds of words, and the automata built from it were mostly
//! copies of the same few letters.
//!
//! The rewrite keeps what every regex engine of `regex-automata` finds, captures included,
//! because it keeps the order in which leftmost-first matching tries the branches wherever
//! that order can matter:
//! - only *atoms* are moved out of a branch: single characters, classes and look-arounds,
//!   each of which matches at most one way;
//! - a branch joins an earlier branch with the same first atom only when every branch
//!   between them begins with an atom that cannot match the same character (so at most one of
//!   them can go on at any position, and their order is immaterial). A branch that begins
//!   with anything else, or ends, stays where it is and keeps later branches from moving
//!   across it.

use regex_syntax::hir::{Capture, Class, ClassUnicodeRange, Hir, HirKind, Repetition};

/// How many tries may nest inside one another: words sharing longer beginnings than this are
/// factored only so far.
const MAX_DEPTH: usize = 64;

/// `hir` with every alternation in it factored into a trie of its branches' first atoms.
pub fn factor(hir: Hir) -> Hir {
    if is_flat(&hir) {
        return hir;
    }
    match hir.into_kind() {
        HirKind::Alternation(branches) => trie(branches.into_iter().map(|b| pieces(factor(b))).collect(), 0),
        HirKind::Concat(parts) => Hir::concat(parts.into_iter().map(factor).collect()),
        HirKind::Capture(cap) => Hir::capture(Capture {
            sub: Box::new(factor(*cap.sub)),
            ..cap
        }),
        HirKind::Repetition(rep) => Hir::repetition(Repetition {
            sub: Box::new(factor(*rep.sub)),
            ..rep
        }),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => {
            unreachable!("a leaf is flat, and returned as it is above")
        }
    }
}

/// True when `hir` holds no alternation: nothing to factor, and nothing to rebuild.
fn is_flat(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => true,
        HirKind::Alternation(_) => false,
        HirKind::Concat(parts) => parts.iter().all(is_flat),
        HirKind::Capture(cap) => is_flat(&cap.sub),
        HirKind::Repetition(rep) => is_flat(&rep.sub),
    }
}

/// The parts of a branch, last part first (so that the first is taken off the end).
fn pieces(branch: Hir) -> Vec<Hir> {
    let mut parts = match branch.kind() {
        HirKind::Concat(_) => match branch.into_kind() {
            HirKind::Concat(parts) => parts,
            _ => unreachable!("matched as a concatenation"),
        },
        _ => vec![branch],
    };
    parts.reverse();
    parts
}

/// Takes the first atom off `rest` (a branch's parts, last first): a character of a leading
/// literal (a byte, where the literal is not UTF-8), or a leading class or look-around. `None`,
/// leaving `rest` as it is, when the branch is empty or begins with anything else.
fn take_atom(rest: &mut Vec<Hir>) -> Option<Hir> {
    let first = rest.last()?;
    match first.kind() {
        HirKind::Class(_) | HirKind::Look(_) => rest.pop(),
        HirKind::Literal(lit) => {
            let width = match std::str::from_utf8(&lit.0) {
                Ok(text) => text.chars().next().map_or(1, char::len_utf8),
                Err(_) => 1,
            };
            if width == lit.0.len() {
                return rest.pop();
            }
            let (head, tail) = lit.0.split_at(width);
            let atom = Hir::literal(head);
            let tail = Hir::literal(tail);
            *rest.last_mut().expect("a first part") = tail;
            Some(atom)
        }
        _ => None,
    }
}

/// Branches that go on alike after a first atom, or one branch that may not be merged.
struct Group {
    /// The atom every member began with; `None` for a branch that begins with no atom (or is
    /// empty), which is the group's only member.
    head: Option<Hir>,
    /// What follows the head in each member (its parts, last first), in the members' order.
    members: Vec<Vec<Hir>>,
}

/// The alternation of `branches` (each as its parts, last first), factored: branches are
/// grouped by their first atom as the module's rules allow, and each group's rests are
/// factored in turn. `depth` counts the tries around this one: past [`MAX_DEPTH`], the
/// branches are left as they are, so that no word list nests the tree deeper than the
/// engines' compilers recurse comfortably.
fn trie(branches: Vec<Vec<Hir>>, depth: usize) -> Hir {
    if depth > MAX_DEPTH {
        return Hir::alternation(branches.into_iter().map(in_order).collect());
    }
    let mut groups: Vec<Group> = Vec::new();
    for branch in branches {
        add_branch(&mut groups, branch);
    }
    Hir::alternation(groups.into_iter().map(|g| g.into_hir(depth)).collect())
}

/// Adds `branch` (its parts, last first) to `groups`. A branch that is one alternation is its
/// branches, added in their order (what the alternation around them would flatten it into),
/// so that factoring a factored tree again changes nothing.
fn add_branch(groups: &mut Vec<Group>, mut branch: Vec<Hir>) {
    if branch.len() == 1 && matches!(branch[0].kind(), HirKind::Alternation(_)) {
        if let HirKind::Alternation(subs) = branch.pop().expect("one part").into_kind() {
            subs.into_iter().for_each(|sub| add_branch(groups, pieces(sub)));
        }
        return;
    }
    let Some(atom) = take_atom(&mut branch) else {
        groups.push(Group {
            head: None,
            members: vec![branch],
        });
        return;
    };
    match joinable(groups, &atom) {
        Some(k) => groups[k].members.push(branch),
        None => groups.push(Group {
            head: Some(atom),
            members: vec![branch],
        }),
    }
}

/// The group that a branch beginning with `atom` may join: the last one with that head, if
/// every group after it begins with an atom that matches no character `atom` matches.
fn joinable(groups: &[Group], atom: &Hir) -> Option<usize> {
    for (k, group) in groups.iter().enumerate().rev() {
        match &group.head {
            Some(head) if head == atom => return Some(k),
            Some(head) if disjoint(head, atom) => continue,
            _ => return None,
        }
    }
    None
}

impl Group {
    /// The group as one branch: its head followed by its members' rests, factored (inside
    /// `depth` tries).
    fn into_hir(mut self, depth: usize) -> Hir {
        let Some(head) = self.head else {
            return in_order(self.members.pop().expect("a group without a head has one member"));
        };
        if self.members.len() == 1 {
            let mut parts = self.members.pop().expect("one member");
            parts.push(head);
            return in_order(parts);
        }
        Hir::concat(vec![head, trie(self.members, depth + 1)])
    }
}

/// The concatenation of `parts`, given last first.
fn in_order(mut parts: Vec<Hir>) -> Hir {
    parts.reverse();
    Hir::concat(parts)
}

/// True when the atoms `a` and `b` match no character in common. Look-arounds, byte classes
/// and bytes outside UTF-8 are taken to overlap with everything.
fn disjoint(a: &Hir, b: &Hir) -> bool {
    match (Chars::of(a), Chars::of(b)) {
        (Some(x), Some(y)) => !overlap(x.ranges(), y.ranges()),
        _ => false,
    }
}

/// The characters an atom matches.
enum Chars<'h> {
    /// One character.
    One([ClassUnicodeRange; 1]),
    /// A class's ranges.
    Class(&'h [ClassUnicodeRange]),
}

impl<'h> Chars<'h> {
    /// The characters `atom` matches; `None` when it is not a set of characters.
    fn of(atom: &'h Hir) -> Option<Chars<'h>> {
        match atom.kind() {
            HirKind::Literal(lit) => {
                let c = std::str::from_utf8(&lit.0).ok()?.chars().next()?;
                Some(Chars::One([ClassUnicodeRange::new(c, c)]))
            }
            HirKind::Class(Class::Unicode(class)) => Some(Chars::Class(class.ranges())),
            _ => None,
        }
    }

    /// The characters as sorted ranges.
    fn ranges(&self) -> &[ClassUnicodeRange] {
        match self {
            Chars::One(one) => one,
            Chars::Class(ranges) => ranges,
        }
    }
}

/// True when two sorted lists of ranges share a character.
fn overlap(a: &[ClassUnicodeRange], b: &[ClassUnicodeRange]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].end() < b[j].start() {
            i += 1;
        } else if b[j].end() < a[i].start() {
            j += 1;
        } else {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::meta::Regex;
    use regex_automata::util::syntax::parse;

    /// What leftmost-first matching finds in `text` with `hir`: every match, each with its
    /// groups' spans.
    fn found(hir: &Hir, text: &str) -> Vec<Vec<Option<(usize, usize)>>> {
        let re = Regex::builder().build_from_hir(hir).unwrap();
        re.captures_iter(text)
            .map(|caps| {
                (0..caps.group_len())
                    .map(|g| caps.get_group(g).map(|s| (s.start, s.end)))
                    .collect()
            })
            .collect()
    }

    /// Asserts that each written pattern of `cases` factors into the tree of its expected one.
    fn assert_factored_into(cases: &[(&str, &str)]) {
        for (written, expected) in cases {
            assert_eq!(factor(parse(written).unwrap()), parse(expected).unwrap(), "{written}");
        }
    }

    /// How deep alternations nest in `hir`.
    fn alternation_depth(hir: &Hir) -> usize {
        match hir.kind() {
            HirKind::Alternation(subs) => 1 + subs.iter().map(alternation_depth).max().unwrap_or(0),
            HirKind::Concat(subs) => subs.iter().map(alternation_depth).max().unwrap_or(0),
            HirKind::Capture(cap) => alternation_depth(&cap.sub),
            HirKind::Repetition(rep) => alternation_depth(&rep.sub),
            _ => 0,
        }
    }

    /// Asserts that `pattern` factored finds what it finds as written, in each of `texts`.
    fn assert_same_matches(pattern: &str, texts: &[&str]) {
        let hir = parse(pattern).unwrap();
        let factored = factor(hir.clone());
        for text in texts {
            assert_eq!(found(&factored, text), found(&hir, text), "{pattern} on {text:?}");
        }
    }

    #[test]
    fn words_sharing_their_beginnings_share_one_path() {
        assert_factored_into(&[
            ("einundzwanzig|eine|ein", "ein(?:undzwanzig|e|)"),
            ("(?:dollars|dollar|euro)", "(?:dollar(?:s|)|euro)"),
            ("(?i:ab|ac)", "(?i:a(?:b|c))"),
            ("(?P<m>Mai|März)", "(?P<m>M(?:ai|ärz))"),
        ]);
    }

    #[test]
    fn branches_keep_their_order_where_it_can_matter() {
        assert_factored_into(&[
            // The repetition between the two may match what "ac" matches: "ac" stays after it.
            ("ab|a+|ac", "ab|a+|ac"),
            // So may the empty branch.
            ("ab||ac", "ab||ac"),
            // "a" case-insensitively also matches "A": "Ab" may not move before it.
            ("ab|(?i:a)x|Ab", "ab|(?i:a)x|Ab"),
            // A group is no atom: the branch stays as it is.
            ("(a)b|ac", "(a)b|ac"),
        ]);
    }

    #[test]
    fn factored_patterns_find_what_they_found() {
        let texts = [
            "eine einundzwanzig ein",
            "Euros euro EURO € $ US$",
            "abc ac ab aab",
            "xAb ab AB",
            "",
        ];
        let patterns = [
            "einundzwanzig|eine|ein",
            "ein|eine|einundzwanzig",
            r"(?i:(?P<cur>euros|euro|€|us\s?\$|\$))",
            "(a)b|a(c)|(?:ab|aab)",
            "ab|a+|ac",
            "(?i:a)b|Ab|x",
            r"\bab|\bac|b",
        ];
        for pattern in patterns {
            assert_same_matches(pattern, &texts);
        }
    }

    #[test]
    fn long_chains_of_words_nest_no_deeper_than_the_limit() {
        // Unlimited, every word would open one more trie: 200 alternations deep.
        let words: Vec<String> = (1..=200).rev().map(|n| "a".repeat(n)).collect();
        let hir = factor(parse(&words.join("|")).unwrap());
        let depth = alternation_depth(&hir);
        assert!(depth > MAX_DEPTH && depth <= MAX_DEPTH + 2, "{depth}");
        let text = "a".repeat(300);
        assert_eq!(found(&hir, &text), found(&parse(&words.join("|")).unwrap(), &text));
    }

    proptest::proptest! {
        /// On alternations of short words, groups and repetitions over a small alphabet, with
        /// and without case-insensitivity, the factored tree finds the same matches and groups.
        #[test]
        fn factoring_keeps_every_match_and_group(
            branches in proptest::collection::vec("(?:[abAſs]{0,3}|\\([ab]{1,2}\\)|a\\+|\\(\\?i:[as]\\))[abs]{0,2}", 1..8),
            insensitive in proptest::bool::ANY,
            text in "[abAsSſ ]{0,24}",
        ) {
            let body = branches.join("|");
            let pattern = if insensitive { format!("(?i:{body})") } else { body };
            let hir = parse(&pattern).unwrap();
            let factored = factor(hir.clone());
            proptest::prop_assert_eq!(found(&factored, &text), found(&hir, &text), "{}", pattern);
        }
    }
}
