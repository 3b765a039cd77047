//! Countries: every sovereign state a story names, by name, alias, adjective or demonym, with a
//! mention count. The terms and their forms come from [`crate::rules::countries`].

use crate::rules::countries::{CountryRules, EXCLUDED};
use crate::rules::id::RuleId;
use crate::story::StoryText;
use crate::text::{slice, CharIndex, Span};

/// A country mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryMention {
    /// Character span in the story text.
    pub span: Span,
    /// ISO 3166-1 alpha-2 code.
    pub code: String,
    /// Rule id (`country.<lang>.<kind>`).
    pub rule: RuleId,
}

/// Finds every country mention in `text`.
pub fn extract(story: &StoryText, rules: &CountryRules) -> Vec<CountryMention> {
    let (text, index) = (story.text(), story.index());
    let given_names = !rules.before_names.is_empty();
    rules
        .matcher
        .find_in(story.matching(rules.matcher.case_insensitive()))
        .into_iter()
        .filter(|hit| {
            rules.codes[hit.term].1 != EXCLUDED && !(given_names && is_given_name(rules, text, index, hit.span))
        })
        .map(|hit| {
            let (code, rule) = &rules.codes[hit.term];
            CountryMention {
                span: hit.span,
                code: code.clone(),
                rule: rule.clone(),
            }
        })
        .collect()
}

/// True when the term at `span` is listed as a given name (`Jordan *` in the exclusions)
/// and a capitalised word follows it.
fn is_given_name(rules: &CountryRules, text: &str, index: &CharIndex, span: Span) -> bool {
    let term = slice(text, index, span);
    if !rules.before_names.iter().any(|n| n == term) {
        return false;
    }
    let mut after = text[index.byte_at(span.end)..].chars();
    after.next() == Some(' ') && after.next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    /// (language, text, expected codes in text order).
    const CASES: &[(&str, &str, &[&str])] = &[
        (
            "en",
            "Uzbekistan and the Republic of Korea signed; Uzbek-Korean ties",
            &["UZ", "KR", "UZ", "KR"],
        ),
        (
            "en",
            "Türkiye, Turkey and the U.S. and the US",
            &["TR", "TR", "US", "US"],
        ),
        ("en", "North Korea and South Korea", &["KP", "KR"]),
        ("en", "Central Asia, Tashkent, the UN and the EU", &[]),
        (
            "en",
            "Atlanta, Georgia and Latin America, the Indian Ocean; Georgia and India",
            &["GE", "IN"],
        ),
        (
            "de",
            "Usbekistans Präsident und die usbekisch-kasachischen Beziehungen",
            &["UZ", "UZ", "KZ"],
        ),
        (
            "de",
            "die Türkei, Südkorea und die deutschen Firmen",
            &["TR", "KR", "DE"],
        ),
        ("de", "Zentralasien und Taschkent", &[]),
    ];

    #[test]
    fn table_of_english_and_german_countries() {
        let rules = crate::rules::test_rules();
        for (lang, text, want) in CASES {
            let got: Vec<String> = super::extract(
                &crate::story::StoryText::new(text),
                &rules.language(lang).unwrap().countries,
            )
            .into_iter()
            .map(|c| c.code)
            .collect();
            assert_eq!(got, *want, "{lang}: {text}");
        }
    }
}
