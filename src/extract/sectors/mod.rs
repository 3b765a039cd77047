//! Sectors: the fields of activity a story names, from the taxonomy in
//! `rules/common/sectors.csv` and the terms in `rules/<lang>/sector_terms.csv`. German terms may
//! sit inside compounds (`*energie*`); words listed in `sector_exclusions.csv` are false friends.
//! In languages that capitalise only names, a term inside an organisation's name ("Export-Import
//! Bank", "Aksa Energy" in a list of holdings), an office ("Commerce and Industry Minister") or
//! an index ("Dow Jones Industrial Average") is not evidence. A mention of a generic sector
//! right after another sector's term belongs to that term ("oil and gas industry").

mod exclusions;

use std::collections::{BTreeMap, HashSet};

use exclusions::Exclusion;

use serde::Deserialize;

use crate::rules::diag::Diagnostic;
use crate::rules::source::Table;
use crate::rules::terms::{enclosing_word, Ending, Term, TermMatcher};
use crate::text::Span;

/// A row of `rules/common/sectors.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct SectorRow {
    /// Taxonomy id.
    pub id: String,
    /// Human-readable label.
    pub label: String,
    /// True for a catch-all sector (industry): its term right after another sector's term
    /// describes that sector ("oil and gas industry", "vaccine manufacturing").
    pub generic: bool,
}

/// A row of `rules/<lang>/sector_terms.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct SectorTermRow {
    /// Taxonomy id.
    pub sector: String,
    /// Term, with `*` for an open start or end.
    pub term: String,
}

/// A row of `rules/<lang>/sector_exclusions.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct SectorExclusionRow {
    /// Taxonomy id whose matches the word cancels, or `*` for every sector.
    pub sector: String,
    /// The whole word, with `*` for an open start or end, or a phrase of several words.
    pub word: String,
    /// Why.
    pub reason: String,
}

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
    pub rule: String,
}

/// Compiled sector rules for one language.
#[derive(Debug)]
pub struct SectorRules {
    matcher: TermMatcher,
    sectors: Vec<(String, String)>,
    /// Per term: written in capitals, so it matches only in capitals ("IT", not "it").
    abbreviations: Vec<bool>,
    exclusions: Vec<Exclusion>,
    org_heads: HashSet<String>,
    generic: Vec<String>,
    /// Taxonomy id → label.
    pub labels: BTreeMap<String, String>,
}

impl SectorRules {
    /// Builds the rules of one language from its term and exclusion tables. `taxonomy` is the sector table; `org_heads` the words that
    /// make a capitalised name an organisation (empty disables the check).
    pub fn build(
        taxonomy: &Table<SectorRow>,
        terms_table: &Table<SectorTermRow>,
        exclusions_table: &Table<SectorExclusionRow>,
        org_heads: HashSet<String>,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<SectorRules> {
        let Table {
            path: terms_path,
            source: terms_source,
            rows: terms,
        } = terms_table;
        let Table {
            path: excl_path,
            source: excl_source,
            rows: exclusions,
        } = exclusions_table;
        let before = errors.len();
        for (i, row) in taxonomy.rows.iter().enumerate() {
            if let Some(first) = taxonomy.rows[..i].iter().find(|r| r.value.id == row.value.id) {
                errors.push(
                    taxonomy
                        .error(
                            row.line,
                            format!("duplicate sector id `{}` (first at line {})", row.value.id, first.line),
                        )
                        .with_hint("sector ids must be unique"),
                );
            }
        }
        let labels: BTreeMap<String, String> = taxonomy
            .rows
            .iter()
            .map(|r| (r.value.id.clone(), r.value.label.clone()))
            .collect();
        let mut compiled = Vec::new();
        let mut sectors = Vec::new();
        let mut abbreviations = Vec::new();
        let mut seen = BTreeMap::new();
        for row in terms {
            let r = &row.value;
            if !labels.contains_key(&r.sector) {
                errors.push(
                    Diagnostic::at(
                        terms_path,
                        terms_source,
                        row.line,
                        1,
                        format!("unknown sector id `{}`", r.sector),
                    )
                    .with_hint(format!(
                        "use one of: {}",
                        labels.keys().cloned().collect::<Vec<_>>().join(", ")
                    )),
                );
                continue;
            }
            let open_start = r.term.starts_with('*');
            let open_end = r.term.ends_with('*');
            let text = r.term.trim_matches('*').to_owned();
            if let Err((message, hint)) = check_term(&r.term) {
                errors.push(Diagnostic::at(terms_path, terms_source, row.line, 1, message).with_hint(hint));
                continue;
            }
            let key = text.to_lowercase();
            if let Some((other, line)) = seen.get(&key) {
                if *other != r.sector {
                    errors.push(
                        Diagnostic::at(
                            terms_path,
                            terms_source,
                            row.line,
                            1,
                            format!(
                                "term `{}` is listed for `{}` (line {}) and `{}`",
                                r.term, other, line, r.sector
                            ),
                        )
                        .with_hint("a term may belong to one sector only"),
                    );
                } else {
                    errors.push(
                        Diagnostic::at(
                            terms_path,
                            terms_source,
                            row.line,
                            1,
                            format!("duplicate term `{}` (first at line {line})", r.term),
                        )
                        .with_hint("remove one of the two rows"),
                    );
                }
                continue;
            }
            seen.insert(key, (r.sector.clone(), row.line));
            compiled.push(Term {
                text,
                open_start,
                ending: if open_end { Ending::Open } else { Ending::Closed },
            });
            abbreviations.push(is_abbreviation(&r.term));
            sectors.push((r.sector.clone(), r.term.clone()));
        }
        let mut excl = Vec::new();
        for row in exclusions {
            let r = &row.value;
            if r.sector != "*" && !labels.contains_key(&r.sector) {
                errors.push(
                    Diagnostic::at(
                        excl_path,
                        excl_source,
                        row.line,
                        1,
                        format!("unknown sector id `{}`", r.sector),
                    )
                    .with_hint("use an id from rules/common/sectors.csv, or `*` for every sector"),
                );
                continue;
            }
            match Exclusion::new(&r.sector, &r.word) {
                Ok(e) => excl.push(e),
                Err(message) => errors.push(
                    Diagnostic::at(excl_path, excl_source, row.line, 1, message)
                        .with_hint("write a word, `prefix*`, `*suffix`, `*infix*`, or a phrase of words"),
                ),
            }
        }
        if errors.len() > before {
            return None;
        }
        let matcher = TermMatcher::new(compiled, true)
            .map_err(|e| errors.push(Diagnostic::file(terms_path, e)))
            .ok()?;
        Some(SectorRules {
            matcher,
            sectors,
            abbreviations,
            exclusions: excl,
            org_heads,
            generic: taxonomy
                .rows
                .iter()
                .filter(|r| r.value.generic)
                .map(|r| r.value.id.clone())
                .collect(),
            labels,
        })
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.sectors.len()
    }

    /// True when there is no term.
    pub fn is_empty(&self) -> bool {
        self.sectors.is_empty()
    }

    /// Finds every sector term in `text` that is not a false friend or part of a name, with
    /// generic terms right after another sector's term given to that sector.
    pub fn extract(&self, text: &str, lang: &str) -> Vec<SectorMention> {
        let chars: Vec<char> = text.chars().collect();
        let tokens = if self.org_heads.is_empty() {
            Vec::new()
        } else {
            tokenize(&chars)
        };
        let mut mentions: Vec<SectorMention> = Vec::new();
        for hit in self.matcher.find(text) {
            if self.abbreviations[hit.term] && !is_abbreviation_at(&chars, hit.span, &self.sectors[hit.term].1) {
                continue;
            }
            let sector = &self.sectors[hit.term].0;
            if self.is_false_friend(&chars, hit.span, sector) || self.in_organisation_name(&chars, &tokens, hit.span) {
                continue;
            }
            if self.generic.contains(sector)
                && mentions
                    .last()
                    .is_some_and(|m| !self.generic.contains(&m.sector) && describes(&chars, m, hit.span))
            {
                continue;
            }
            mentions.push(SectorMention {
                span: hit.span,
                sector: sector.clone(),
                term: chars[hit.span.start..hit.span.end]
                    .iter()
                    .collect::<String>()
                    .to_lowercase(),
                rule: format!("sector.{lang}.{sector}"),
            });
        }
        mentions
    }

    /// True when an exclusion cancels the match of `sector` at `span`.
    fn is_false_friend(&self, chars: &[char], span: Span, sector: &str) -> bool {
        let lower = |s: Span| chars[s.start..s.end].iter().collect::<String>().to_lowercase();
        let word_span = enclosing_word(chars, span);
        let word = lower(word_span);
        let compound = lower(hyphenated_word(chars, word_span));
        self.exclusions
            .iter()
            .any(|e| e.cancels(sector, chars, word_span, &word, &compound))
    }

    /// True when `span` is part of a run of capitalised words (joined by of/and/for/the,
    /// commas or hyphens) that contains an organisation word.
    fn in_organisation_name(&self, chars: &[char], tokens: &[Tok], span: Span) -> bool {
        if self.org_heads.is_empty() || !chars[span.start].is_uppercase() {
            return false;
        }
        let pos = tokens.partition_point(|t| t.span.end <= span.start);
        if !tokens.get(pos).is_some_and(|t| t.span.overlaps(&span)) {
            return false;
        }
        let is_cap = |t: &Tok| t.text.chars().next().is_some_and(|c| c.is_uppercase());
        let is_joiner = |t: &Tok| {
            matches!(
                t.text.as_str(),
                "of" | "and" | "for" | "the" | "&" | "," | "-" | "de" | "on"
            )
        };
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
                || (is_joiner(&tokens[hi + 1]) && tokens.get(hi + 2).is_some_and(|t| is_cap(t) || t.text == "the")))
        {
            hi += 1;
        }
        tokens[lo..=hi].iter().any(|t| self.org_heads.contains(&t.text))
    }
}

/// Checks a term of `sector_terms.csv`: at least three letters (two for an abbreviation in
/// capitals), and `*` only at its ends and never on an abbreviation. The error comes with a hint.
fn check_term(term: &str) -> Result<(), (String, String)> {
    let text = term.trim_matches('*');
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let capitals = text.chars().any(char::is_alphabetic) && !text.chars().any(char::is_lowercase);
    if text.contains('*') {
        return Err((
            format!("term `{term}` has an inner `*`"),
            "`*` only at a term's start or end".into(),
        ));
    }
    if capitals && text.len() != term.len() {
        return Err((
            format!("abbreviation `{term}` has a `*`"),
            "a term in capitals matches one whole word in capitals: remove the `*`".into(),
        ));
    }
    if letters < 3 && !(capitals && letters == 2) {
        return Err((
            format!("term `{term}` is too short"),
            "a term needs at least three letters, or two for an abbreviation in capitals (`IT`)".into(),
        ));
    }
    Ok(())
}

/// True for a term written in capitals ("IT", "LNG"): an abbreviation, matched only where the
/// text writes it in capitals.
fn is_abbreviation(term: &str) -> bool {
    term.chars().any(char::is_alphabetic) && !term.chars().any(char::is_lowercase) && !term.contains('*')
}

/// True when the text at `span` is the abbreviation `term` as written, in capitals, and not a
/// word of a line set in capitals ("WHY IT MATTERS").
fn is_abbreviation_at(chars: &[char], span: Span, term: &str) -> bool {
    let found: String = chars[span.start..span.end].iter().collect();
    found == term && !in_capitals_run(chars, span)
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

struct Tok {
    span: Span,
    text: String,
    same_line: bool,
}

fn tokenize(chars: &[char]) -> Vec<Tok> {
    let mut tokens: Vec<Tok> = Vec::new();
    let mut i = 0;
    let mut newline_before = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' || c == '.' || c == ';' || c == ':' || c == '(' || c == ')' || c == '"' || c == '“' || c == '”'
        {
            newline_before = true;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '\'' || chars[i] == '’') {
                i += 1;
            }
            tokens.push(Tok {
                span: Span::new(start, i),
                text: chars[start..i].iter().collect(),
                same_line: !newline_before,
            });
            newline_before = false;
        } else {
            tokens.push(Tok {
                span: Span::new(i, i + 1),
                text: c.to_string(),
                same_line: !newline_before,
            });
            newline_before = false;
            i += 1;
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
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
    fn term_checks() {
        let cases = [
            ("IT", true),
            ("LNG", true),
            ("*energie*", true),
            ("AI*", false),
            ("it", false),
            ("*x*", false),
            ("a*bc", false),
            ("IT park*", true),
        ];
        for (term, ok) in cases {
            assert_eq!(super::check_term(term).is_ok(), ok, "{term}");
        }
        assert!(super::is_abbreviation("IT"));
        assert!(!super::is_abbreviation("IT park*"));
        assert!(!super::is_abbreviation("IT-Branche"));
    }

    #[test]
    fn table_of_english_and_german_sectors() {
        let rules = crate::rules::test_rules();
        for (lang, text, want) in CASES {
            let mut got: Vec<String> = Vec::new();
            for m in rules.languages[*lang].sectors.extract(text, lang) {
                if !got.contains(&m.sector) {
                    got.push(m.sector);
                }
            }
            assert_eq!(got, *want, "{lang}: {text}");
        }
    }
}
