//! Money: every amount with an explicit currency, scaled exactly (decimal arithmetic, no
//! floating point), with range maximum and qualifier. Currencies come from
//! `rules/common/currencies.csv`; scale words, number words, qualifiers and the patterns from
//! `rules/<lang>/money.toml`.

use crate::rules::id::RuleId;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::rules::money::MoneyRules;
use crate::rules::pattern::{choose_non_overlapping, Groups};
use crate::story::StoryText;
use crate::text::Span;

/// A money mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyMention {
    /// Character span in the story text.
    pub span: Span,
    /// Rule id.
    pub rule: RuleId,
    /// The fully scaled amount.
    pub amount: Decimal,
    /// Upper end of a range.
    pub amount_max: Option<Decimal>,
    /// ISO 4217 code.
    pub currency: String,
    /// `exact`, `over`, `under`, `about` or `up_to`.
    pub qualifier: String,
}

/// Reads a number written in digits (with the language's separators) or in words.
pub fn parse_number(rules: &MoneyRules, text: &str) -> Option<Decimal> {
    let t = text.trim();
    if t.chars().next()?.is_ascii_digit() {
        return parse_digits(t, rules.decimal_separator());
    }
    let mut total: u64 = 0;
    let mut current: u64 = 0;
    for word in t
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
    {
        if rules.is_number_joiner(word) {
            continue;
        }
        let v = rules.number_word(word)?;
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

/// The number of group `num` times the power of ten of group `scale` (or of
/// `fallback_scale`, the other end's scale in a range).
fn scaled(rules: &MoneyRules, caps: &Groups, num: &str, scale: &str, fallback_scale: Option<&str>) -> Option<Decimal> {
    let n = parse_number(rules, caps.name(num)?.as_str())?;
    let power = match caps.name(scale).map(|m| m.as_str()).or(fallback_scale) {
        Some(s) => rules.scale(s)?,
        None => 0,
    };
    n.checked_mul(Decimal::from(10u64.checked_pow(power)?))
}

/// Reads the match from byte `start` to `end` of `text` into a mention without span or rule;
/// `None` when it is no amount of money.
fn read(rules: &MoneyRules, caps: &Groups, text: &str, start: usize, end: usize) -> Option<MoneyMention> {
    let currency = caps
        .name("cur")
        .or(caps.name("cur2"))
        .and_then(|c| rules.currency(c.as_str()))?
        .to_owned();
    let (amount, amount_max) = amounts(rules, caps)?;
    let qualifier = caps
        .name("qualifier")
        .and_then(|q| rules.qualifier(q.as_str()))
        .map(str::to_owned)
        .unwrap_or_else(|| "exact".to_owned());
    if !stands_alone(rules, text, start, end) {
        return None;
    }
    Some(MoneyMention {
        span: Span::new(0, 0),
        rule: RuleId::default(),
        amount: amount.normalize(),
        amount_max: amount_max.map(|m| m.normalize()),
        currency,
        qualifier,
    })
}

/// The amount of a match (with an added amount and subunits: "13 Euro und 45 Cent") and the
/// upper end of a range; `None` when a part does not read or the range does not rise.
fn amounts(rules: &MoneyRules, caps: &Groups) -> Option<(Decimal, Option<Decimal>)> {
    let scale2 = caps.name("scale2").map(|m| m.as_str());
    let mut amount = scaled(rules, caps, "num", "scale", scale2)?;
    if caps.name("plus_num").is_some() {
        amount += scaled(rules, caps, "plus_num", "plus_scale", None)?;
    }
    // Subunits written after the currency: "13 Euro und 45 Cent".
    if let Some(c) = caps.name("cents") {
        let cents = parse_number(rules, c.as_str())?;
        if cents >= Decimal::from(100) {
            return None;
        }
        amount += cents / Decimal::from(100);
    }
    let amount_max = match caps.name("num2") {
        Some(_) => Some(scaled(
            rules,
            caps,
            "num2",
            "scale2",
            caps.name("scale").map(|m| m.as_str()),
        )?),
        None => None,
    };
    if amount_max.is_some_and(|m| m <= amount) {
        return None;
    }
    Some((amount, amount_max))
}

/// False when the text around the match makes it no amount: an exchange rate ("= 0.0021",
/// "/USD") or a vague word right before it ("several").
fn stands_alone(rules: &MoneyRules, text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].trim_end();
    let after = text[end..].trim_start();
    if before.ends_with('=')
        || after.starts_with('=')
        || (after.starts_with('/') && after[1..].starts_with(|c: char| c.is_ascii_uppercase()))
    {
        return false;
    }
    let prev_word = before.rsplit(|c: char| c.is_whitespace()).next().unwrap_or("");
    !rules.is_vague_before(prev_word)
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
pub fn extract(story: &StoryText, rules: &MoneyRules) -> Vec<MoneyMention> {
    let (text, index) = (story.text(), story.index());
    let candidates: Vec<_> = rules
        .patterns()
        .find_all_from(text, story.match_starts())
        .into_iter()
        .filter_map(|m| read(rules, &m.captures, text, m.start, m.end).map(|mention| (m, mention)))
        .collect();
    choose_non_overlapping(candidates)
        .into_iter()
        .map(|(m, mut mention)| {
            mention.span = index.span(m.start, m.end);
            mention.rule = rules.patterns().patterns[m.pattern].id.clone();
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
            let got: Vec<String> = extract(&StoryText::new(text), &rules.language(lang).unwrap().money)
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
            let found = extract(&StoryText::new(&text), &rules.language(lang).unwrap().money);
            prop_assert_eq!(found.len(), 1, "{}", text);
            prop_assert_eq!(found[0].amount, expected.normalize(), "{}", text);
        }
    }
}
