//! The first stage of the leader extractor: a story's tokens, which of them could be part of
//! a name, and the runs of such tokens that candidate names are taken from.

use std::collections::HashMap;

use crate::extract::countries::CountryMention;
use crate::rules::leaders::LeaderRules;
use crate::rules::terms::TermHit;
use crate::story::StoryText;
use crate::text::Span;

/// A word or a single punctuation character of the story.
#[derive(Debug, Clone)]
pub(super) struct Tok {
    /// Characters of the token in the story text.
    pub span: Span,
    /// The token as written (a trailing "'s" dropped).
    pub text: String,
    /// Separated from the previous token by spaces or a single line break (a name may wrap:
    /// "President Lee\nMyung-bak"), not by a blank line.
    pub joined: bool,
}

/// Splits `chars` into words (letters and digits, with inner hyphens and apostrophes, without
/// the `possessives` endings) and single punctuation characters.
pub(super) fn tokenize(chars: &[char], possessives: &[String]) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    let mut i = 0;
    let mut broken = true;
    let mut newlines = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            newlines += 1;
            broken = broken || newlines >= 2;
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let (span, text, next) = if c.is_alphanumeric() {
            let end = word_end(chars, i);
            let (span, text) = word_at(chars, i, end, possessives);
            (span, text, end)
        } else {
            (Span::new(i, i + 1), c.to_string(), i + 1)
        };
        i = next;
        out.push(Tok {
            span,
            text,
            joined: !broken,
        });
        broken = false;
        newlines = 0;
    }
    out
}

/// One past the last character of the word starting at `start`.
fn word_end(chars: &[char], start: usize) -> usize {
    let mut i = start;
    while i < chars.len()
        && (chars[i].is_alphanumeric()
            || (matches!(chars[i], '-' | '\'' | '’') && chars.get(i + 1).is_some_and(|n| n.is_alphabetic())))
    {
        i += 1;
    }
    i
}

/// The word `start..end`, without a possessive ending of `possessives` (which stays outside
/// its span).
fn word_at(chars: &[char], start: usize, end: usize, possessives: &[String]) -> (Span, String) {
    let mut text: String = chars[start..end].iter().collect();
    let mut span_end = end;
    for suffix in possessives {
        if text.ends_with(suffix.as_str()) && text.chars().count() > 3 {
            text.truncate(text.len() - suffix.len());
            span_end -= suffix.chars().count();
        }
    }
    (Span::new(start, span_end), text)
}

/// The tokens that one of `spans` overlaps, each with the index of the first such span (in
/// their order). Tokens are disjoint and in text order, so each span finds its tokens by
/// binary search; the map holds only the tokens covered.
fn first_overlapping(toks: &[Tok], spans: impl Iterator<Item = Span>) -> HashMap<usize, usize> {
    let mut out = HashMap::new();
    for (i, span) in spans.enumerate() {
        let from = toks.partition_point(|t| t.span.end <= span.start);
        for (k, t) in toks.iter().enumerate().skip(from) {
            if t.span.start >= span.end {
                break;
            }
            if t.span.overlaps(&span) {
                out.entry(k).or_insert(i);
            }
        }
    }
    out
}

/// A story read into tokens, with what the later stages ask of them.
pub(super) struct Scan<'a> {
    /// The story text as characters.
    pub chars: &'a [char],
    /// Its tokens.
    pub toks: Vec<Tok>,
    /// The language's rules.
    pub rules: &'a LeaderRules,
    countries: &'a [CountryMention],
    tok_country: HashMap<usize, usize>,
    tok_title: HashMap<usize, usize>,
    /// Per token: could it be part of a name.
    pub nameish: Vec<bool>,
    /// Runs of name-like tokens (first token, one past the last), particles inside allowed.
    pub runs: Vec<(usize, usize)>,
    run_from: HashMap<usize, (usize, usize)>,
    run_until: HashMap<usize, (usize, usize)>,
}

impl<'a> Scan<'a> {
    /// Reads `text`; `titles` are the title phrases found in it, `countries` its country
    /// mentions.
    pub fn new(
        story: &'a StoryText<'_>,
        rules: &'a LeaderRules,
        countries: &'a [CountryMention],
        titles: &[TermHit],
    ) -> Scan<'a> {
        let chars = story.chars();
        let toks = tokenize(chars, &rules.possessives);
        let tok_country = first_overlapping(&toks, countries.iter().map(|c| c.span));
        let tok_title = first_overlapping(&toks, titles.iter().map(|h| h.span));
        let mut scan = Scan {
            chars,
            toks,
            rules,
            countries,
            tok_country,
            tok_title,
            nameish: Vec::new(),
            runs: Vec::new(),
            run_from: HashMap::new(),
            run_until: HashMap::new(),
        };
        scan.nameish = (0..scan.toks.len()).map(|k| scan.could_be_name(k)).collect();
        scan.runs = scan.name_runs();
        scan.run_from = scan.runs.iter().map(|&(a, b)| (a, (a, b))).collect();
        scan.run_until = scan.runs.iter().map(|&(a, b)| (b, (a, b))).collect();
        scan
    }

    /// The country code of the country mention token `k` lies in.
    pub fn country_at(&self, k: usize) -> Option<String> {
        self.tok_country.get(&k).map(|&c| self.countries[c].code.clone())
    }

    /// The codes of the countries the story names.
    pub fn story_codes(&self) -> std::collections::HashSet<String> {
        self.countries.iter().map(|c| c.code.clone()).collect()
    }

    /// True when token `k` lies in a title phrase.
    pub fn in_title(&self, k: usize) -> bool {
        self.tok_title.contains_key(&k)
    }

    /// True when token `k` is a name particle ("von", "bin").
    pub fn particle(&self, k: usize) -> bool {
        self.rules.particles.iter().any(|p| *p == self.toks[k].text)
    }

    /// True when token `k` joins a title to what it is of ("of", "der").
    pub fn joiner(&self, k: usize) -> bool {
        self.rules.joiners.iter().any(|w| *w == self.toks[k].text)
    }

    /// True when token `k` joins the last two items of a list (one of the rules'
    /// `conjunctions`: "and").
    pub fn is_and(&self, k: usize) -> bool {
        self.rules.conjunctions.iter().any(|w| *w == self.toks[k].text)
    }

    /// The run of name-like tokens starting at token `k`.
    pub fn run_from(&self, k: usize) -> Option<(usize, usize)> {
        self.run_from.get(&k).copied()
    }

    /// The run of name-like tokens ending right before token `k`.
    pub fn run_until(&self, k: usize) -> Option<(usize, usize)> {
        self.run_until.get(&k).copied()
    }

    /// Tokens `a..b` joined by single spaces.
    pub fn run_text(&self, a: usize, b: usize) -> String {
        self.toks[a..b]
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The characters of tokens `a..b`.
    pub fn run_span(&self, a: usize, b: usize) -> Span {
        Span::new(self.toks[a].span.start, self.toks[b - 1].span.end)
    }

    /// The story text of characters `start..end`.
    pub fn text(&self, start: usize, end: usize) -> String {
        self.chars[start..end].iter().collect()
    }

    /// True when token `k` could be part of a person's name: capitalised (or a particle
    /// joined to a capitalised name: "al-Burhan"), not an acronym, not a word the rules rule
    /// out, and not inside a title or a country mention.
    fn could_be_name(&self, k: usize) -> bool {
        let t = &self.toks[k];
        let rules = self.rules;
        let capital = t.text.chars().next().is_some_and(char::is_uppercase);
        let particle_name = || {
            t.text.split_once('-').is_some_and(|(p, rest)| {
                rules.particles.iter().any(|x| x == p) && rest.chars().next().is_some_and(char::is_uppercase)
            })
        };
        if !capital && !particle_name() {
            return false;
        }
        let upper_count = t.text.chars().filter(|c| c.is_uppercase()).count();
        let acronym = upper_count >= 2 && upper_count * 2 >= t.text.chars().filter(|c| c.is_alphabetic()).count();
        !acronym
            && !rules.not_name.contains(&t.text)
            && !rules.org_heads.contains(&t.text)
            && !rules.modifiers.contains(&t.text)
            && !self.in_title(k)
            && !self.tok_country.contains_key(&k)
    }

    /// Runs of joined name-like tokens; particles may stand inside a run when a name word
    /// follows them ("Ursula von der Leyen").
    fn name_runs(&self) -> Vec<(usize, usize)> {
        let (toks, nameish) = (&self.toks, &self.nameish);
        let mut runs = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            if !nameish[i] {
                i += 1;
                continue;
            }
            let start = i;
            let mut end = i + 1;
            loop {
                if end < toks.len() && toks[end].joined && nameish[end] {
                    end += 1;
                    continue;
                }
                let mut p = end;
                while p < toks.len() && toks[p].joined && self.particle(p) {
                    p += 1;
                }
                if p > end && p < toks.len() && toks[p].joined && nameish[p] {
                    end = p + 1;
                    continue;
                }
                break;
            }
            runs.push((start, end));
            i = end;
        }
        runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_join_over_one_line_break_not_a_blank_line() {
        let chars: Vec<char> = "President Lee\nMyung-bak's visit.\n\nNext".chars().collect();
        let possessives = ["'s".to_owned(), "’s".to_owned()];
        let toks = tokenize(&chars, &possessives);
        let words: Vec<(&str, bool)> = toks.iter().map(|t| (t.text.as_str(), t.joined)).collect();
        assert_eq!(
            words,
            vec![
                ("President", false),
                ("Lee", true),
                ("Myung-bak", true),
                ("visit", true),
                (".", true),
                ("Next", false)
            ]
        );
        // The possessive stays outside the name's span.
        assert_eq!(toks[2].span, Span::new(14, 23));
    }
}
