//! The first stage of the leader extractor: a story's tokens, which of them could be part of
//! a name, and the runs of such tokens that candidate names are taken from.

use crate::extract::countries::CountryMention;
use crate::rules::leaders::LeaderRules;
use crate::rules::terms::TermHit;
use crate::story::StoryText;
use crate::text::Span;

/// A word or a single punctuation character of the story.
#[derive(Debug, Clone)]
pub(super) struct Tok<'a> {
    /// Characters of the token in the story text.
    pub span: Span,
    /// The token as written (a trailing "'s" dropped).
    pub text: &'a str,
    /// Separated from the previous token by spaces or a single line break (a name may wrap:
    /// "President Lee\nMyung-bak"), not by a blank line.
    pub joined: bool,
}

/// Splits `text` (whose characters are `chars`) into words (letters and digits, with inner
/// hyphens and apostrophes, without the `possessives` endings) and single punctuation
/// characters.
pub(super) fn tokenize<'a>(text: &'a str, chars: &[char], possessives: &[String]) -> Vec<Tok<'a>> {
    let mut out: Vec<Tok> = Vec::new();
    let (mut i, mut byte) = (0, 0);
    let mut broken = true;
    let mut newlines = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            newlines += 1;
            broken = broken || newlines >= 2;
            (i, byte) = (i + 1, byte + 1);
            continue;
        }
        if c.is_whitespace() {
            (i, byte) = (i + 1, byte + c.len_utf8());
            continue;
        }
        let end = if c.is_alphanumeric() { word_end(chars, i) } else { i + 1 };
        let end_byte = byte + chars[i..end].iter().map(|c| c.len_utf8()).sum::<usize>();
        let (span, text) = without_possessive(Span::new(i, end), &text[byte..end_byte], possessives);
        (i, byte) = (end, end_byte);
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

/// The word `word` at `span`, without a possessive ending of `possessives` (which stays
/// outside its span).
fn without_possessive<'a>(mut span: Span, mut word: &'a str, possessives: &[String]) -> (Span, &'a str) {
    for suffix in possessives {
        let last_byte_agrees = word.as_bytes().last() == suffix.as_bytes().last();
        if last_byte_agrees && word.ends_with(suffix.as_str()) && word.chars().count() > 3 {
            word = &word[..word.len() - suffix.len()];
            span.end -= suffix.chars().count();
        }
    }
    (span, word)
}

/// Per token: the index of the first of `spans` (in their order) that overlaps it. Tokens are
/// disjoint and in text order, so each span finds its tokens by binary search.
fn first_overlapping(toks: &[Tok], spans: impl Iterator<Item = Span>) -> Vec<Option<usize>> {
    let mut out = vec![None; toks.len()];
    for (i, span) in spans.enumerate() {
        let from = toks.partition_point(|t| t.span.end <= span.start);
        for (k, t) in toks.iter().enumerate().skip(from) {
            if t.span.start >= span.end {
                break;
            }
            if t.span.overlaps(&span) {
                out[k].get_or_insert(i);
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
    pub toks: Vec<Tok<'a>>,
    /// The language's rules.
    pub rules: &'a LeaderRules,
    /// The story's country mentions.
    countries: &'a [CountryMention],
    /// Per token: the first country mention it lies in.
    tok_country: Vec<Option<usize>>,
    /// Per token: the first title phrase it lies in.
    tok_title: Vec<Option<usize>>,
    /// Per token: could it be part of a name.
    pub nameish: Vec<bool>,
    /// Runs of name-like tokens (first token, one past the last), particles inside allowed.
    pub runs: Vec<(usize, usize)>,
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
        let toks = tokenize(story.text(), chars, &rules.possessives);
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
        };
        scan.nameish = (0..scan.toks.len()).map(|k| scan.could_be_name(k)).collect();
        scan.runs = scan.name_runs();
        scan
    }

    /// The country code of the country mention token `k` lies in.
    pub fn country_at(&self, k: usize) -> Option<String> {
        self.tok_country[k].map(|c| self.countries[c].code.clone())
    }

    /// The codes of the countries the story names.
    pub fn story_codes(&self) -> std::collections::HashSet<String> {
        self.countries.iter().map(|c| c.code.clone()).collect()
    }

    /// True when token `k` lies in a title phrase.
    pub fn in_title(&self, k: usize) -> bool {
        self.tok_title[k].is_some()
    }

    /// True when token `k` is a name particle ("von", "bin").
    pub fn particle(&self, k: usize) -> bool {
        self.rules.particles.iter().any(|p| p == self.toks[k].text)
    }

    /// True when token `k` joins a title to what it is of ("of", "der").
    pub fn joiner(&self, k: usize) -> bool {
        self.rules.joiners.iter().any(|w| w == self.toks[k].text)
    }

    /// True when token `k` joins the last two items of a list (one of the rules'
    /// `conjunctions`: "and").
    pub fn is_and(&self, k: usize) -> bool {
        self.rules.conjunctions.iter().any(|w| w == self.toks[k].text)
    }

    /// The run of name-like tokens starting at token `k`.
    pub fn run_from(&self, k: usize) -> Option<(usize, usize)> {
        let i = self.runs.binary_search_by_key(&k, |&(a, _)| a).ok()?;
        Some(self.runs[i])
    }

    /// The run of name-like tokens ending right before token `k`.
    pub fn run_until(&self, k: usize) -> Option<(usize, usize)> {
        let i = self.runs.binary_search_by_key(&k, |&(_, b)| b).ok()?;
        Some(self.runs[i])
    }

    /// Tokens `a..b` joined by single spaces.
    pub fn run_text(&self, a: usize, b: usize) -> String {
        self.toks[a..b].iter().map(|t| t.text).collect::<Vec<_>>().join(" ")
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
            let hyphen = t.text.bytes().position(|b| b == b'-');
            hyphen.is_some_and(|at| {
                let (p, rest) = (&t.text[..at], &t.text[at + 1..]);
                rules.particles.iter().any(|x| x == p) && rest.chars().next().is_some_and(char::is_uppercase)
            })
        };
        if !capital && !particle_name() {
            return false;
        }
        if self.in_title(k) || self.tok_country[k].is_some() {
            return false;
        }
        let upper_count = t.text.chars().filter(|c| c.is_uppercase()).count();
        let acronym = upper_count >= 2 && upper_count * 2 >= t.text.chars().filter(|c| c.is_alphabetic()).count();
        !acronym && !rules.never_in_name.contains(t.text)
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
        let text = "President Lee\nMyung-bak's visit.\n\nNext";
        let chars: Vec<char> = text.chars().collect();
        let possessives = ["'s".to_owned(), "’s".to_owned()];
        let toks = tokenize(text, &chars, &possessives);
        let words: Vec<(&str, bool)> = toks.iter().map(|t| (t.text, t.joined)).collect();
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
