//! Money: every amount with an explicit currency, scaled exactly (decimal arithmetic, no
//! floating point), with range maximum and qualifier. Currencies come from
//! `rules/common/currencies.csv`; scale words, number words, qualifiers and the patterns from
//! `rules/<lang>/money.toml`.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use regex::Captures;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::rules::diag::Diagnostic;
use crate::rules::pattern::{alternation, choose_non_overlapping, PatternSet, PatternSpec};
use crate::rules::source::{read_toml, Table};
use crate::text::{CharIndex, Span};

/// A row of `rules/common/currencies.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct CurrencyRow {
    /// ISO 4217 code.
    pub code: String,
    /// `any`, `en` or `de`.
    pub lang: String,
    /// `code`, `symbol` or `name`.
    pub kind: String,
    /// The surface form.
    pub term: String,
}

/// `rules/<lang>/money.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoneyFile {
    /// The decimal separator of the language's numbers (`.` or `,`).
    pub decimal_separator: char,
    /// Scale words with their power of ten ("billion" = 9).
    pub scales: BTreeMap<String, u32>,
    /// Number words with their value ("five" = 5, "hundred" = 100).
    pub number_words: BTreeMap<String, u64>,
    /// Qualifier phrases by qualifier (`over`, `under`, `about`, `up_to`).
    pub qualifiers: BTreeMap<String, Vec<String>>,
    /// Words that make an amount right after them vague ("several").
    pub vague_before: Vec<String>,
    /// Words that are never a currency marker when a space separates them from the dollar
    /// sign ("a" in "a $1.7b loan"); written right before the sign they still are ("A$1.7b").
    #[serde(default)]
    pub not_markers: Vec<String>,
    /// The patterns.
    #[serde(rename = "pattern")]
    pub patterns: Vec<PatternSpec>,
}

/// A money mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyMention {
    /// Character span in the story text.
    pub span: Span,
    /// Rule id.
    pub rule: String,
    /// The fully scaled amount.
    pub amount: Decimal,
    /// Upper end of a range.
    pub amount_max: Option<Decimal>,
    /// ISO 4217 code.
    pub currency: String,
    /// `exact`, `over`, `under`, `about` or `up_to`.
    pub qualifier: String,
}

/// Compiled money rules for one language.
#[derive(Debug)]
pub struct MoneyRules {
    patterns: PatternSet,
    currencies: BTreeMap<String, String>,
    scales: BTreeMap<String, u32>,
    number_words: BTreeMap<String, u64>,
    qualifiers: BTreeMap<String, String>,
    vague_before: Vec<String>,
    decimal: char,
}

/// Normalised lookup key for a currency or scale term: lower case, no spaces.
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Allowed qualifier names.
pub const QUALIFIERS: [&str; 5] = ["exact", "over", "under", "about", "up_to"];

impl MoneyRules {
    /// Loads `path` for language `lang`, using the currency rows for `lang` and `any`.
    pub fn load(
        path: &Path,
        lang: &str,
        currencies: &Table<CurrencyRow>,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<MoneyRules> {
        let (source, file) = read_toml::<MoneyFile>(path, errors)?;
        let before = errors.len();
        if file.decimal_separator != '.' && file.decimal_separator != ',' {
            errors.push(
                Diagnostic::at(path, &source, 1, 1, "`decimal_separator` must be \".\" or \",\"")
                    .with_hint("English uses \".\", German \",\""),
            );
        }
        for q in file.qualifiers.keys() {
            if !QUALIFIERS.contains(&q.as_str()) || q == "exact" {
                errors.push(
                    Diagnostic::at(path, &source, 1, 1, format!("unknown qualifier `{q}`"))
                        .with_hint("qualifiers are over, under, about, up_to"),
                );
            }
        }
        if errors.len() > before {
            return None;
        }
        let mine: Vec<&CurrencyRow> = currencies
            .rows
            .iter()
            .map(|r| &r.value)
            .filter(|r| r.lang == lang || r.lang == "any")
            .collect();
        let mut lookup = BTreeMap::new();
        for r in &mine {
            lookup.insert(key(&r.term), r.code.clone());
        }
        let mut ph = BTreeMap::new();
        let ci = |s: String| s.replacen("(?P<", "(?i:(?P<", 1) + ")";
        let prefix_terms = || mine.iter().filter(|r| r.kind != "name").map(|r| r.term.clone());
        let not_markers: Vec<String> = file.not_markers.iter().map(|w| w.to_lowercase()).collect();
        let spaced = |t: String| {
            // A one-letter symbol ("R" for the rand) matches only in capitals: "r2" is no money.
            if t.len() == 1 && t.chars().all(|c| c.is_ascii_uppercase()) {
                return format!("(?-i:{t})");
            }
            let esc = regex::escape(&t);
            let marker = t.strip_suffix('$').unwrap_or(&t).to_lowercase();
            if not_markers.contains(&marker) {
                return esc;
            }
            match esc.strip_prefix(r"\$") {
                Some(rest) => format!(r"\${}", rest.replace(r"\$", r"\s?\$")),
                None => esc.replace(r"\$", r"\s?\$"),
            }
        };
        let spaced_alt = |group: &str, terms: Vec<String>| {
            let mut terms = terms;
            terms.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
            terms.dedup();
            format!(
                "(?i:(?P<{group}>{}))",
                terms.into_iter().map(spaced).collect::<Vec<_>>().join("|")
            )
        };
        ph.insert("cur_pre".into(), spaced_alt("cur", prefix_terms().collect()));
        ph.insert("cur_pre2".into(), spaced_alt("cur2", prefix_terms().collect()));
        ph.insert(
            "cur".into(),
            spaced_alt("cur", mine.iter().map(|r| r.term.clone()).collect()),
        );
        let number = |g: &str| {
            let words = alternation("", file.number_words.keys().cloned());
            format!(
                r"(?P<{g}>\d{{1,3}}(?:[,.'’ \x{{2009}}\x{{202F}}\x{{A0}}]\d{{3}})+(?:[.,]\d+)?|\d{{1,2}}(?:,\d\d)+,\d{{3}}(?:\.\d+)?|\d+(?:[.,]\d+)?|(?i:{words}(?:[\s-]+{words})*))"
            )
        };
        ph.insert("num".into(), number("num"));
        ph.insert("num2".into(), number("num2"));
        ph.insert("plus_num".into(), number("plus_num"));
        ph.insert("scale".into(), ci(alternation("scale", file.scales.keys().cloned())));
        ph.insert("scale2".into(), ci(alternation("scale2", file.scales.keys().cloned())));
        ph.insert(
            "plus_scale".into(),
            ci(alternation("plus_scale", file.scales.keys().cloned())),
        );
        ph.insert(
            "qualifier".into(),
            ci(alternation("qualifier", file.qualifiers.values().flatten().cloned())),
        );
        let patterns = PatternSet::compile(&file.patterns, &ph, path, &source, errors)?;
        let mut qualifiers = BTreeMap::new();
        for (q, phrases) in &file.qualifiers {
            for p in phrases {
                qualifiers.insert(key(p), q.clone());
            }
        }
        Some(MoneyRules {
            patterns,
            currencies: lookup,
            scales: file.scales.iter().map(|(k, v)| (key(k), *v)).collect(),
            number_words: file.number_words.iter().map(|(k, v)| (key(k), *v)).collect(),
            qualifiers,
            vague_before: file.vague_before.iter().map(|w| w.to_lowercase()).collect(),
            decimal: file.decimal_separator,
        })
    }

    /// The compiled patterns.
    pub fn patterns(&self) -> &PatternSet {
        &self.patterns
    }

    /// Reads a number written in digits (with this language's separators) or in words.
    pub fn parse_number(&self, text: &str) -> Option<Decimal> {
        let t = text.trim();
        if t.chars().next()?.is_ascii_digit() {
            return parse_digits(t, self.decimal);
        }
        let mut total: u64 = 0;
        let mut current: u64 = 0;
        for word in t
            .split(|c: char| c.is_whitespace() || c == '-')
            .filter(|w| !w.is_empty())
        {
            let w = key(word);
            if w == "and" || w == "und" {
                continue;
            }
            let v = *self.number_words.get(&w)?;
            if v == 100 {
                current = current.max(1) * 100;
            } else if v >= 1000 {
                total += current.max(1) * v;
                current = 0;
            } else {
                current += v;
            }
        }
        Some(Decimal::from(total + current))
    }

    fn scaled(&self, caps: &Captures, num: &str, scale: &str, fallback_scale: Option<&str>) -> Option<Decimal> {
        let n = self.parse_number(caps.name(num)?.as_str())?;
        let power = match caps.name(scale).map(|m| m.as_str()).or(fallback_scale) {
            Some(s) => *self.scales.get(&key(s))?,
            None => 0,
        };
        n.checked_mul(Decimal::from(10u64.checked_pow(power)?))
    }

    fn read(&self, caps: &Captures, text: &str, start: usize, end: usize) -> Option<MoneyMention> {
        let currency = caps
            .name("cur")
            .or(caps.name("cur2"))
            .and_then(|c| self.currencies.get(&key(c.as_str())))?
            .clone();
        let scale2 = caps.name("scale2").map(|m| m.as_str());
        let mut amount = self.scaled(caps, "num", "scale", scale2)?;
        if caps.name("plus_num").is_some() {
            amount += self.scaled(caps, "plus_num", "plus_scale", None)?;
        }
        // Subunits written after the currency: "13 Euro und 45 Cent".
        if let Some(c) = caps.name("cents") {
            let cents = self.parse_number(c.as_str())?;
            if cents >= Decimal::from(100) {
                return None;
            }
            amount += cents / Decimal::from(100);
        }
        let amount_max = match caps.name("num2") {
            Some(_) => Some(self.scaled(caps, "num2", "scale2", caps.name("scale").map(|m| m.as_str()))?),
            None => None,
        };
        if amount_max.is_some_and(|m| m <= amount) {
            return None;
        }
        let qualifier = caps
            .name("qualifier")
            .and_then(|q| self.qualifiers.get(&key(q.as_str())).cloned())
            .unwrap_or_else(|| "exact".to_owned());
        let before = text[..start].trim_end();
        let after = text[end..].trim_start();
        if before.ends_with('=')
            || after.starts_with('=')
            || (after.starts_with('/') && after[1..].starts_with(|c: char| c.is_ascii_uppercase()))
        {
            return None;
        }
        let prev_word = before
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("")
            .to_lowercase();
        if self.vague_before.contains(&prev_word) {
            return None;
        }
        Some(MoneyMention {
            span: Span::new(0, 0),
            rule: String::new(),
            amount: amount.normalize(),
            amount_max: amount_max.map(|m| m.normalize()),
            currency,
            qualifier,
        })
    }
}

/// Parses digits with separators. `.` and `,` may group thousands or mark decimals; which one
/// a mark is comes from where it stands, and only an undecidable case from the language's
/// `decimal` convention:
/// - both `.` and `,` occur: the last mark is the decimal one ("1.234,5", "1,234.5");
/// - one mark occurs several times: it groups ("1,234,567", Indian "3,20,000");
/// - it occurs once before one, two, or four and more digits: it is decimal ("$3,5 billion"
///   in English, "1.5 Milliarden" in German);
/// - it occurs once before exactly three digits: the convention decides ("12,650" is twelve
///   thousand in English, "1,500" one and a half in German).
///
/// Apostrophes and (thin, no-break) spaces only ever group.
pub fn parse_digits(text: &str, decimal: char) -> Option<Decimal> {
    let marks: Vec<(usize, char)> = text.char_indices().filter(|&(_, c)| c == '.' || c == ',').collect();
    let decimal_at = marks.last().and_then(|&(at, mark)| {
        let mixed = marks.iter().any(|&(_, m)| m != mark);
        let repeated = marks.len() > 1;
        let digits_after = text[at + 1..].chars().take_while(char::is_ascii_digit).count();
        let is_decimal = mixed || (!repeated && (digits_after != 3 || mark == decimal));
        is_decimal.then_some(at)
    });
    let mut clean = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        if c.is_ascii_digit() {
            clean.push(c);
        } else if Some(at) == decimal_at {
            clean.push('.');
        }
    }
    Decimal::from_str(&clean).ok()
}

/// Finds every money mention in `text`, in text order.
pub fn extract(text: &str, rules: &MoneyRules) -> Vec<MoneyMention> {
    let index = CharIndex::new(text);
    let candidates: Vec<_> = rules
        .patterns
        .find_all(text)
        .into_iter()
        .filter_map(|m| {
            rules
                .read(&m.captures, text, m.start, m.end)
                .map(|mention| (m, mention))
        })
        .collect();
    choose_non_overlapping(candidates)
        .into_iter()
        .map(|(m, mut mention)| {
            mention.span = index.span(m.start, m.end);
            mention.rule = rules.patterns.patterns[m.pattern].id.clone();
            mention
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_follow_the_language_convention() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(parse_digits("9.6", '.'), Some(d("9.6")));
        assert_eq!(parse_digits("12,650", '.'), Some(d("12650")));
        assert_eq!(parse_digits("6,1", ','), Some(d("6.1")));
        assert_eq!(parse_digits("1.500", ','), Some(d("1500")));
        assert_eq!(parse_digits("1.234,5", '.'), Some(d("1234.5")));
        assert_eq!(parse_digits("1,234.5", ','), Some(d("1234.5")));
        assert_eq!(parse_digits("3,5", '.'), Some(d("3.5")));
        assert_eq!(parse_digits("2,30", '.'), Some(d("2.3")));
        assert_eq!(parse_digits("1.5", ','), Some(d("1.5")));
        assert_eq!(parse_digits("1,500", ','), Some(d("1.5")));
        assert_eq!(parse_digits("1,234,567", '.'), Some(d("1234567")));
        assert_eq!(parse_digits("1.234.567", ','), Some(d("1234567")));
        assert_eq!(parse_digits("3,20,000", '.'), Some(d("320000")));
        assert_eq!(parse_digits("1'234'567", '.'), Some(d("1234567")));
        assert_eq!(parse_digits("1\u{2009}234\u{202f}567,25", ','), Some(d("1234567.25")));
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    /// (language, text, expected "CUR amount[-max] qualifier" in text order).
    const CASES: &[(&str, &str, &[&str])] = &[
        ("en", "a portfolio worth $9.6 billion", &["USD 9600000000 exact"]),
        ("en", "investments now exceed $7.5 billion", &["USD 7500000000 over"]),
        (
            "en",
            "around €4.5m and up to US$1.2 million",
            &["EUR 4500000 about", "USD 1200000 up_to"],
        ),
        ("en", "between $5-6 billion", &["USD 5000000000-6000000000 exact"]),
        ("en", "to five billion dollars in trade", &["USD 5000000000 exact"]),
        (
            "en",
            "2 trillion won and 1.5 trillion soums",
            &["KRW 2000000000000 exact", "UZS 1500000000000 exact"],
        ),
        (
            "en",
            "USD 300 million in loans; $25bn more",
            &["USD 300000000 exact", "USD 25000000000 exact"],
        ),
        ("en", "KZT/USD = 0.00211 and 60,000 units, 14 percent", &[]),
        ("en", "a multibillion-dollar deal, several billion dollars", &[]),
        (
            "en",
            "a $1.7b loan and over a $2 billion fund",
            &["USD 1700000000 exact", "USD 2000000000 exact"],
        ),
        (
            "en",
            "A$5 million and c $ 3 billion",
            &["AUD 5000000 exact", "CAD 3000000000 exact"],
        ),
        ("en", "A $5 million grant", &["USD 5000000 exact"]),
        (
            "en",
            "$US500 billion ($NZ772 billion)",
            &["USD 500000000000 exact", "NZD 772000000000 exact"],
        ),
        (
            "en",
            "over Dh1.3 trillion and Dhs 3 billion",
            &["AED 1300000000000 over", "AED 3000000000 exact"],
        ),
        (
            "en",
            "Over R300bn, R1.2-trillion and $1.5-billion",
            &[
                "ZAR 300000000000 over",
                "ZAR 1200000000000 exact",
                "USD 1500000000 exact",
            ],
        ),
        ("en", "581.98-billion Ethiopian birr", &["ETB 581980000000 exact"]),
        ("en", "the r2 road and R&D spending of 5 rands", &["ZAR 5 exact"]),
        ("de", "mehr als 4 Milliarden US-Dollar", &["USD 4000000000 over"]),
        (
            "de",
            "6,1 Milliarden US-Dollar und 500 Mio. Euro",
            &["USD 6100000000 exact", "EUR 500000000 exact"],
        ),
        ("de", "rund 1.500 Euro", &["EUR 1500 about"]),
        ("de", "zwei Billionen Won", &["KRW 2000000000000 exact"]),
        ("de", "5 bis 6 Milliarden Euro", &["EUR 5000000000-6000000000 exact"]),
        ("de", "mehrere zehn Milliarden Dollar und 14 Prozent", &[]),
        ("de", "zwischen 1,50 und 2 Euro", &["EUR 1.5-2 exact"]),
        ("de", "1.5 Milliarden Euro", &["EUR 1500000000 exact"]),
        (
            "de",
            "Der Überschuss sank von 38 Milliarden auf 21 Milliarden Euro.",
            &["EUR 38000000000 exact", "EUR 21000000000 exact"],
        ),
    ];

    #[test]
    fn table_of_english_and_german_amounts() {
        let rules = crate::rules::test_rules();
        for (lang, text, want) in CASES {
            let got: Vec<String> = extract(text, &rules.languages[*lang].money)
                .into_iter()
                .map(|m| {
                    let max = m.amount_max.map(|x| format!("-{x}")).unwrap_or_default();
                    format!("{} {}{} {}", m.currency, m.amount, max, m.qualifier)
                })
                .collect();
            assert_eq!(got, *want, "{lang}: {text}");
        }
    }
}

#[cfg(test)]
mod digit_properties {
    use super::*;
    use proptest::prelude::*;

    /// How a number is printed: group separator and decimal separator.
    const STYLES: &[(&str, char)] = &[
        (",", '.'),
        (".", ','),
        ("'", '.'),
        ("\u{2009}", ','),
        ("\u{202f}", '.'),
        (" ", ','),
        ("", '.'),
        ("", ','),
    ];

    /// `whole` with its thousands grouped by `group`, then `decimals` after `decimal`.
    fn print(whole: u64, decimals: &str, group: &str, decimal: char) -> String {
        let digits = whole.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(group);
            }
            out.push(c);
        }
        if !decimals.is_empty() {
            out.push(decimal);
            out.push_str(decimals);
        }
        out
    }

    /// True when the printed number reads the same under either language convention: it has
    /// a decimal part (of one or two digits), or several group marks, or none.
    fn unambiguous(printed: &str) -> bool {
        let marks = printed.chars().filter(|&c| c == '.' || c == ',').count();
        let last_group = printed.rsplit(['.', ',']).next().map_or(0, str::len);
        marks != 1 || last_group != 3
    }

    proptest! {
        #[test]
        fn printed_numbers_read_back_exactly(
            whole in 0u64..10_000_000_000_000,
            decimals in "[0-9]{0,2}",
            style in 0..STYLES.len(),
        ) {
            let (group, decimal) = STYLES[style];
            let printed = print(whole, &decimals, group, decimal);
            let expected = Decimal::from_str(&format!("{whole}.{decimals}0")).unwrap();
            prop_assert_eq!(parse_digits(&printed, decimal), Some(expected), "{}", printed);
            if unambiguous(&printed) {
                let other = if decimal == '.' { ',' } else { '.' };
                prop_assert_eq!(parse_digits(&printed, other), Some(expected), "{} read with {}", printed, other);
            }
        }

        #[test]
        fn extracted_amounts_reproduce_the_written_number(
            whole in 1u64..1_000_000_000,
            decimals in "[0-9]{0,2}",
            style in 0..STYLES.len(),
        ) {
            let rules = crate::rules::test_rules();
            let (group, decimal) = STYLES[style];
            let printed = print(whole, &decimals, group, decimal);
            let (lang, text) = if decimal == '.' {
                ("en", format!("The fund holds ${printed} million in bonds."))
            } else {
                ("de", format!("Der Fonds hält {printed} Millionen Euro in Anleihen."))
            };
            let expected = Decimal::from_str(&format!("{whole}.{decimals}0")).unwrap() * Decimal::from(1_000_000);
            let found = extract(&text, &rules.languages[lang].money);
            prop_assert_eq!(found.len(), 1, "{}", text);
            prop_assert_eq!(found[0].amount, expected.normalize(), "{}", text);
        }
    }
}
