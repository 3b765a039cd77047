//! Pattern templates parsed once per placeholder: a template is parsed with each
//! `{placeholder}` replaced by an empty marker group, and each marker is then replaced by the
//! syntax tree of its placeholder, parsed once per file under the flags in effect where it
//! stands. The result is the tree that parsing the fully expanded text gives, with the
//! placeholders' alternations factored into tries ([`factor`]); a template this cannot be sure
//! of is parsed expanded, and factored whole.

use std::collections::{BTreeMap, HashMap, HashSet};

use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::{self, Hir, HirKind};

use super::factor::factor;

/// The name of the `k`-th marker group is this prefix followed by `k`.
const MARKER: &str = "accord_placeholder_";

/// The flags that change what a placeholder means, one bit per flag in the order of [`FLAGS`].
type Mode = u8;

/// Each flag with its letter in a flag group, in bit order.
const FLAGS: [(ast::Flag, char); 7] = [
    (ast::Flag::CaseInsensitive, 'i'),
    (ast::Flag::MultiLine, 'm'),
    (ast::Flag::DotMatchesNewLine, 's'),
    (ast::Flag::SwapGreed, 'U'),
    (ast::Flag::Unicode, 'u'),
    (ast::Flag::CRLF, 'R'),
    (ast::Flag::IgnoreWhitespace, 'x'),
];

/// The flags at the start of a pattern: only Unicode is on.
const START: Mode = 1 << 4;

/// The bit of `x`: a placeholder standing where whitespace is ignored is parsed expanded.
const IGNORE_WHITESPACE: Mode = 1 << 6;

/// How deep the parser lets groups, repetitions, alternations, concatenations and classes nest
/// (regex-syntax's default): a template that could nest deeper once expanded is parsed
/// expanded, so that it is refused as before.
const NEST_LIMIT: usize = 250;

/// A placeholder as parsed under some flags: its tree, and whether a repetition operator
/// right after it would repeat all of it (as it repeats the marker).
#[derive(Debug, Clone)]
struct Parsed {
    /// The placeholder's tree.
    hir: Hir,
    /// True when the placeholder is one group, class or character.
    atomic: bool,
    /// How deep its tree nests, counted as the parser counts.
    depth: usize,
}

/// Where a marker stands in a template.
#[derive(Debug, Clone, Copy)]
struct Spot {
    /// The flags in effect there.
    mode: Mode,
    /// True when a repetition operator follows it.
    repeated: bool,
    /// How many nesting nodes enclose it, its own group included.
    depth: usize,
}

/// Parses the templates of one rule file, each placeholder once per flags it stands under.
#[derive(Debug)]
pub struct Composer<'p> {
    /// The file's placeholders by name.
    placeholders: &'p BTreeMap<String, String>,
    /// Each placeholder parsed under some flags; `None` when it cannot stand in a marker's place.
    parsed: HashMap<(String, Mode), Option<Parsed>>,
}

impl<'p> Composer<'p> {
    /// A composer for the templates written with `placeholders`.
    pub fn new(placeholders: &'p BTreeMap<String, String>) -> Composer<'p> {
        Composer {
            placeholders,
            parsed: HashMap::new(),
        }
    }

    /// The tree of `template`, whose placeholders expand to `expanded`: the tree that parsing
    /// `expanded` gives (alternations factored as the module says), or its syntax error.
    pub fn hir(&mut self, template: &str, expanded: &str) -> Result<Hir, String> {
        match self.compose(template) {
            Some(hir) => Ok(hir),
            None => parse(expanded).map(factor),
        }
    }

    /// The tree of `template` from the trees of its placeholders; `None` when the template
    /// must be parsed expanded.
    fn compose(&mut self, template: &str) -> Option<Hir> {
        let mut names = Vec::new();
        let marked = super::pattern::expand_with(template, self.placeholders, |out, name, _| {
            out.push_str(&format!("(?P<{MARKER}{}>)", names.len()));
            names.push(name.to_owned());
        })
        .ok()?;
        let tree = ast::parse::Parser::new().parse(&marked).ok()?;
        let mut spots = vec![None; names.len()];
        spots_in(&tree, START, Enclosing::default(), &mut spots);
        let mut subs = Vec::with_capacity(names.len());
        for (name, spot) in names.iter().zip(spots) {
            let spot = spot?;
            let parsed = self.placeholder(name, spot.mode)?;
            if (spot.repeated && !parsed.atomic) || spot.depth + parsed.depth > NEST_LIMIT {
                return None;
            }
            subs.push(parsed.hir.clone());
        }
        let hir = hir::translate::Translator::new().translate(&marked, &tree).ok()?;
        let mut next = 1;
        let hir = substitute(hir, &mut subs, &mut next);
        unique_names(&hir).then_some(hir)
    }

    /// Placeholder `name` parsed under the flags `mode`, parsed the first time it is asked for.
    fn placeholder(&mut self, name: &str, mode: Mode) -> Option<&Parsed> {
        let key = (name.to_owned(), mode);
        if !self.parsed.contains_key(&key) {
            let value = self.placeholders.get(name)?;
            let parsed = (mode & IGNORE_WHITESPACE == 0)
                .then(|| parse_placeholder(value, mode))
                .flatten();
            self.parsed.insert(key.clone(), parsed);
        }
        self.parsed.get(&key)?.as_ref()
    }
}

/// Parses `pattern` as the regex engines do; the error is the parser's message.
fn parse(pattern: &str) -> Result<Hir, String> {
    regex_syntax::Parser::new().parse(pattern).map_err(|e| e.to_string())
}

/// Parses a placeholder's `value` under the flags `mode`; `None` unless it means the same in
/// a marker's place as written out there: it must parse on its own, and neither set flags for
/// what follows it nor be an alternation at its top.
fn parse_placeholder(value: &str, mode: Mode) -> Option<Parsed> {
    let wrapped = format!("(?{}:{value})", flag_letters(mode));
    let tree = ast::parse::Parser::new().parse(&wrapped).ok()?;
    let Ast::Group(group) = &tree else {
        return None;
    };
    let atomic = match &*group.ast {
        Ast::Group(_) | Ast::Literal(_) | Ast::Dot(_) | Ast::ClassBracketed(_) | Ast::ClassPerl(_) => true,
        Ast::ClassUnicode(_) => true,
        Ast::Concat(concat) if concat.asts.iter().any(|a| matches!(a, Ast::Flags(_))) => return None,
        Ast::Alternation(_) | Ast::Flags(_) | Ast::Empty(_) => return None,
        _ => false,
    };
    let hir = hir::translate::Translator::new().translate(&wrapped, &tree).ok()?;
    Some(Parsed {
        hir: factor(hir),
        atomic,
        depth: depth(&tree),
    })
}

/// The flag group letters that set exactly `mode`, e.g. `i-u`.
fn flag_letters(mode: Mode) -> String {
    let letters = |on: bool| -> String {
        FLAGS
            .iter()
            .enumerate()
            .filter(|(bit, _)| (mode >> bit) & 1 == u8::from(on))
            .map(|(_, (_, letter))| *letter)
            .collect()
    };
    format!("{}-{}", letters(true), letters(false))
}

/// `mode` with the flag items of `flags` applied.
fn apply(mode: Mode, flags: &ast::Flags) -> Mode {
    let mut mode = mode;
    let mut negated = false;
    for item in &flags.items {
        match &item.kind {
            ast::FlagsItemKind::Negation => negated = true,
            ast::FlagsItemKind::Flag(flag) => {
                let bit = FLAGS.iter().position(|(f, _)| f == flag).unwrap_or(0);
                if negated {
                    mode &= !(1 << bit);
                } else {
                    mode |= 1 << bit;
                }
            }
        }
    }
    mode
}

/// What encloses a part of a template: whether it is the operand of a repetition, and how many
/// nesting nodes stand around it.
#[derive(Debug, Clone, Copy, Default)]
struct Enclosing {
    /// True for the operand of a repetition.
    repeated: bool,
    /// Nesting nodes around it.
    depth: usize,
}

impl Enclosing {
    /// What encloses the parts of a node enclosed by `self`: one more level, not repeated.
    fn inner(self) -> Enclosing {
        Enclosing {
            repeated: false,
            depth: self.depth + 1,
        }
    }
}

/// Records where each marker stands in `tree`, read under the flags `mode` and enclosed as
/// `around`; returns the flags in effect after `tree`.
fn spots_in(tree: &Ast, mode: Mode, around: Enclosing, spots: &mut [Option<Spot>]) -> Mode {
    match tree {
        Ast::Flags(set) => apply(mode, &set.flags),
        Ast::Group(group) => {
            let inner = match &group.kind {
                ast::GroupKind::NonCapturing(flags) => apply(mode, flags),
                ast::GroupKind::CaptureName { name, .. } => {
                    if let Some(spot) = marker(&name.name).and_then(|k| spots.get_mut(k)) {
                        *spot = Some(Spot {
                            mode,
                            repeated: around.repeated,
                            depth: around.depth + 1,
                        });
                    }
                    mode
                }
                ast::GroupKind::CaptureIndex(_) => mode,
            };
            spots_in(&group.ast, inner, around.inner(), spots);
            mode
        }
        Ast::Repetition(rep) => {
            let operand = Enclosing {
                repeated: true,
                depth: around.depth + 1,
            };
            spots_in(&rep.ast, mode, operand, spots);
            mode
        }
        Ast::Concat(concat) => concat
            .asts
            .iter()
            .fold(mode, |m, a| spots_in(a, m, around.inner(), spots)),
        Ast::Alternation(alt) => alt.asts.iter().fold(mode, |m, a| spots_in(a, m, around.inner(), spots)),
        _ => mode,
    }
}

/// How deep `tree` nests, counting groups, repetitions, alternations, concatenations and
/// bracketed classes (with the sets inside them) as the parser's nesting limit does.
fn depth(tree: &Ast) -> usize {
    match tree {
        Ast::Group(group) => 1 + depth(&group.ast),
        Ast::Repetition(rep) => 1 + depth(&rep.ast),
        Ast::Concat(concat) => 1 + concat.asts.iter().map(depth).max().unwrap_or(0),
        Ast::Alternation(alt) => 1 + alt.asts.iter().map(depth).max().unwrap_or(0),
        Ast::ClassBracketed(class) => 1 + class_depth(&class.kind),
        _ => 0,
    }
}

/// How deep a class set nests inside its brackets.
fn class_depth(set: &ast::ClassSet) -> usize {
    match set {
        ast::ClassSet::BinaryOp(op) => 1 + class_depth(&op.lhs).max(class_depth(&op.rhs)),
        ast::ClassSet::Item(ast::ClassSetItem::Bracketed(inner)) => 1 + class_depth(&inner.kind),
        ast::ClassSet::Item(ast::ClassSetItem::Union(union)) => {
            1 + union
                .items
                .iter()
                .map(|item| class_depth(&ast::ClassSet::Item(item.clone())))
                .max()
                .unwrap_or(0)
        }
        ast::ClassSet::Item(_) => 0,
    }
}

/// The number of the marker group named `name`, if it is one.
fn marker(name: &str) -> Option<usize> {
    name.strip_prefix(MARKER)?.parse().ok()
}

/// `hir` with each marker group replaced by its placeholder's tree from `subs` and every
/// capture group numbered anew from `next` in the order of its opening parenthesis, as the
/// parser numbers the groups of the expanded text. Subtrees without groups are kept as they
/// are; the others are rebuilt with the constructors the parser uses, which join what the
/// substitution put next to each other as parsing the expanded text would.
fn substitute(hir: Hir, subs: &mut [Hir], next: &mut u32) -> Hir {
    if hir.properties().explicit_captures_len() == 0 {
        return hir;
    }
    match hir.into_kind() {
        HirKind::Capture(cap) => match cap.name.as_deref().and_then(marker) {
            Some(k) => {
                let sub = std::mem::replace(&mut subs[k], Hir::empty());
                substitute(sub, subs, next)
            }
            None => {
                let index = *next;
                *next += 1;
                let sub = Box::new(substitute(*cap.sub, subs, next));
                Hir::capture(hir::Capture {
                    index,
                    name: cap.name,
                    sub,
                })
            }
        },
        HirKind::Concat(parts) => Hir::concat(parts.into_iter().map(|h| substitute(h, subs, next)).collect()),
        HirKind::Alternation(parts) => Hir::alternation(parts.into_iter().map(|h| substitute(h, subs, next)).collect()),
        HirKind::Repetition(rep) => Hir::repetition(hir::Repetition {
            sub: Box::new(substitute(*rep.sub, subs, next)),
            ..rep
        }),
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(lit) => Hir::literal(lit.0),
        HirKind::Class(class) => Hir::class(class),
        HirKind::Look(look) => Hir::look(look),
    }
}

/// True when no two capture groups of `hir` share a name (the expanded text would not parse).
fn unique_names(hir: &Hir) -> bool {
    fn walk<'h>(hir: &'h Hir, seen: &mut HashSet<&'h str>) -> bool {
        match hir.kind() {
            HirKind::Capture(cap) => cap.name.as_deref().is_none_or(|name| seen.insert(name)) && walk(&cap.sub, seen),
            HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().all(|h| walk(h, seen)),
            HirKind::Repetition(rep) => walk(&rep.sub, seen),
            _ => true,
        }
    }
    walk(hir, &mut HashSet::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Composes `template` with `placeholders` and checks the tree against the expanded text's.
    fn same_as_expanded(template: &str, placeholders: &[(&str, &str)]) -> bool {
        let placeholders: BTreeMap<String, String> = placeholders
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let expanded = super::super::pattern::expand(template, &placeholders).unwrap();
        let mut composer = Composer::new(&placeholders);
        let composed = composer.compose(template);
        let direct = parse(&expanded).ok();
        assert_eq!(composer.hir(template, &expanded).ok(), direct, "{template}");
        composed.is_some()
    }

    /// A template, its placeholders, and whether it is composed (else parsed expanded).
    type Case = (&'static str, &'static [(&'static str, &'static str)], bool);

    #[test]
    fn composed_trees_equal_the_expanded_texts_trees() {
        let cases: [Case; 12] = [
            ("a{x}b", &[("x", "cd")], true),
            ("(?i:a{x})b{x}", &[("x", "(?P<n>one|two)")], false),
            ("(?i:a{x})b{y}", &[("x", "(?P<n>one|two)"), ("y", "(?P<k>é)")], true),
            ("(a)(?:{x}|c)(b)", &[("x", "a|b")], false),
            ("(a)(?:{x}|c)(b)", &[("x", "(?:a|b)")], true),
            ("(?i)x{x}", &[("x", "(?P<y>[a-z]+)")], true),
            ("{x}?", &[("x", "\\d{1,2}")], false),
            ("{x}?", &[("x", "(?P<d>\\d{1,2})")], true),
            ("[{x}]", &[("x", "ab")], false),
            ("{x}", &[("x", "(?i)a")], false),
            ("(?x: {x} )", &[("x", "a b")], false),
            ("(?-u:{x})\\w", &[("x", "\\w")], true),
        ];
        for (template, placeholders, composed) in cases {
            assert_eq!(same_as_expanded(template, placeholders), composed, "{template}");
        }
    }

    #[test]
    fn a_template_nesting_too_deep_once_expanded_is_refused_as_expanded() {
        let nested = |n: usize, inner: &str| format!("{}{inner}{}", "(?:".repeat(n), ")".repeat(n));
        let placeholders = BTreeMap::from([("x".to_owned(), nested(100, "a"))]);
        for (outer, fits) in [(100, true), (200, false)] {
            let template = nested(outer, "{x}");
            let expanded = super::super::pattern::expand(&template, &placeholders).unwrap();
            let mut composer = Composer::new(&placeholders);
            let result = composer.hir(&template, &expanded);
            assert_eq!(result.is_ok(), fits, "{outer} levels around the placeholder");
            if !fits {
                assert!(result.unwrap_err().contains("nest"), "the parser's nesting error");
            }
        }
    }

    #[test]
    fn a_template_that_does_not_parse_reports_the_expanded_texts_error() {
        let placeholders = BTreeMap::from([("x".to_owned(), "(a".to_owned())]);
        let mut composer = Composer::new(&placeholders);
        let error = composer.hir("{x}", "(a").unwrap_err();
        assert!(error.contains("unclosed group"), "{error}");
    }
}
