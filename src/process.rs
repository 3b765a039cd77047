//! One article file through the pipeline: decode → segment → detect language → extract →
//! resolve → records. Pure apart from reading the file; safe to run on many threads.

use chrono::NaiveDate;

use crate::extract::{dates, leaders, money};
use crate::input::stream::Article;
pub use crate::input::Skipped;
use crate::input::{decode, read, InputFile, DEFAULT_MAX_FILE_SIZE};
use crate::lang;
use crate::record::{CountryOut, DateOut, LeaderOut, MentionRow, MoneyOut, Record, SectorOut};
use crate::resolve::dates as resolve_dates;
use crate::resolve::leaders as resolve_leaders;
use crate::resolve::{event, published};
use crate::rules::{LanguageRules, RuleSet};
use crate::segment::{segment, Story};
use crate::text::Span;

/// Settings of a run that decide which records a file gives.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Anchor for dates when a story has no published date.
    pub reference_date: NaiveDate,
    /// Files larger than this many bytes are skipped, never truncated.
    pub max_file_size: u64,
}

impl Settings {
    /// Settings with `reference_date` and the default file size limit.
    pub fn new(reference_date: NaiveDate) -> Settings {
        Settings {
            reference_date,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// Reads and processes one file.
pub fn process_file(file: &InputFile, rules: &RuleSet, settings: Settings) -> Result<Vec<Record>, Skipped> {
    let decoded = read(file, settings.max_file_size)?;
    Ok(process_text(
        &file.source,
        &decoded.text,
        decoded.warnings,
        rules,
        settings,
    ))
}

/// Processes the bytes of one file named `source`; binary content is skipped.
pub fn process_bytes(source: &str, bytes: &[u8], rules: &RuleSet, settings: Settings) -> Result<Vec<Record>, Skipped> {
    let decoded = decode(bytes).map_err(|e| Skipped {
        source: source.to_owned(),
        reason: e.to_string(),
    })?;
    Ok(process_text(source, &decoded.text, decoded.warnings, rules, settings))
}

/// Processes decoded text of the file named `source`: records take the file stem as id.
pub fn process_text(
    source: &str,
    text: &str,
    warnings: Vec<String>,
    rules: &RuleSet,
    settings: Settings,
) -> Vec<Record> {
    let stem = source.rsplit('/').next().unwrap_or(source);
    let stem = stem.strip_suffix(".txt").unwrap_or(stem);
    let document = Document {
        id: stem,
        source,
        text,
        warnings,
        published: None,
        language: None,
    };
    process_document(document, rules, settings)
}

/// Processes an article read from a JSON-lines stream.
pub fn process_article(article: &Article, rules: &RuleSet, settings: Settings) -> Vec<Record> {
    let document = Document {
        id: &article.id,
        source: &article.source,
        text: &article.text,
        warnings: Vec::new(),
        published: article.published,
        language: article.language.as_deref(),
    };
    process_document(document, rules, settings)
}

/// An article's text and what is known about it from outside the text.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// The record id; the N-th story of a digest gets `ID#N`.
    pub id: &'a str,
    /// The records' `source`.
    pub source: &'a str,
    /// The text.
    pub text: &'a str,
    /// Warnings about the input (a guessed encoding, ...), copied into every record.
    pub warnings: Vec<String>,
    /// The publication date from outside the text, used when the text prints none.
    pub published: Option<NaiveDate>,
    /// The ISO 639-1 code of the language, when known: detection is skipped.
    pub language: Option<&'a str>,
}

/// Processes one document: segment → language → extract → resolve → records.
pub fn process_document(document: Document<'_>, rules: &RuleSet, settings: Settings) -> Vec<Record> {
    let text = document.text;
    let chars: Vec<char> = text.chars().collect();
    let segmented = segment(text, &rules.segment);
    let digest = segmented.stories.len() > 1;
    segmented
        .stories
        .iter()
        .map(|story| {
            let id = if digest {
                format!("{}#{}", document.id, story.number)
            } else {
                document.id.to_owned()
            };
            let mut record = Record {
                id,
                source: document.source.to_owned(),
                story: story.number,
                title: story.title.as_ref().map(|t| t.0.clone()),
                language: "und".into(),
                language_confidence: 0.0,
                published: None,
                event_date: None,
                dates: Vec::new(),
                leaders: Vec::new(),
                money: Vec::new(),
                sectors: Vec::new(),
                countries: Vec::new(),
                warnings: document.warnings.clone(),
                mentions: Vec::new(),
            };
            if story.text.trim().is_empty() {
                record.warnings.push("no text".into());
                return record;
            }
            let language = story_language(&mut record, story, document.language);
            match rules.languages.get(&language) {
                Some(lr) => {
                    let known = Known {
                        language: &language,
                        published: document.published,
                    };
                    extract_story(&mut record, story, &chars, lr, known, settings)
                }
                None => record.warnings.push(format!("unsupported language: {language}")),
            }
            record
        })
        .collect()
}

/// The story's language: `given`, else detected; recorded with its confidence and any doubt.
fn story_language(record: &mut Record, story: &Story, given: Option<&str>) -> String {
    if let Some(code) = given {
        record.language = code.to_owned();
        record.language_confidence = 1.0;
        return record.language.clone();
    }
    let detected = lang::detect(story.text.trim());
    record.language = detected.code.clone();
    record.language_confidence = detected.confidence;
    if let Some((first, confidence)) = &detected.uncertain {
        record.warnings.push(format!(
            "language uncertain: the detector said {first} ({confidence}); read as {} among the supported languages",
            detected.code
        ));
    }
    detected.code
}

/// What is known of a story before extraction.
#[derive(Clone, Copy)]
struct Known<'a> {
    /// Its language's ISO 639-1 code.
    language: &'a str,
    /// The publication date from outside the text.
    published: Option<NaiveDate>,
}

fn extract_story(
    record: &mut Record,
    story: &Story,
    chars: &[char],
    rules: &LanguageRules,
    known: Known<'_>,
    settings: Settings,
) {
    let lang = known.language;
    let text = story.text.as_str();
    let base = story.range.start;
    let original = |span: Span| -> String { chars[base + span.start..base + span.end].iter().collect() };
    let row = |kind: &'static str, span: Span, value: String, rule: &str| MentionRow {
        kind,
        text: original(span),
        value,
        start: base + span.start,
        end: base + span.end,
        rule: rule.to_owned(),
    };

    let date_mentions = dates::extract(text, &rules.dates);
    let printed = published::published(&date_mentions, &story.lines, text, &rules.dates);
    let published_date = printed.map(|(_, d)| d).or(known.published);
    let resolved = resolve_dates::resolve(&date_mentions, published_date, settings.reference_date);
    let title_line = story
        .title
        .as_ref()
        .map(|(_, s)| Span::new(s.start - base, s.end - base));
    let lead = event::lead(text, &story.lines, title_line, &rules.dates);
    record.published = published_date.map(|d| d.format("%Y-%m-%d").to_string());
    record.event_date = event::event_date(
        &resolved,
        lead,
        text,
        &rules.dates,
        printed.map(|(line, _)| line),
        published_date,
    );
    for d in &resolved {
        let out = DateOut {
            text: original(d.span),
            start: base + d.span.start,
            end: base + d.span.end,
            value: d.value.clone(),
            kind: d.kind.as_str().into(),
            year_source: d.year_source.as_str().into(),
            rule: d.rule.clone(),
        };
        record.mentions.push(row("date", d.span, out.value.clone(), &out.rule));
        record.dates.push(out);
    }

    let money_mentions = money::extract(text, &rules.money);
    // Money mentions are disjoint and in text order: the one that could hold a country
    // mention is found by binary search.
    let inside_money = |span: &Span| {
        let at = money_mentions.partition_point(|m| m.span.end < span.end);
        money_mentions.get(at).is_some_and(|m| m.span.contains(span))
    };
    let country_mentions: Vec<_> = rules
        .countries
        .extract(text)
        .into_iter()
        .filter(|c| !inside_money(&c.span))
        .collect();
    let found = leaders::extract(text, &rules.leaders, &country_mentions, lang);
    let mut found_leaders = found.people;
    let story_date = resolve_dates::story_date(published_date, &resolved);
    resolve_leaders::resolve_offices(
        &mut found_leaders,
        &found.offices,
        rules.leaders.gazetteer(),
        story_date,
    );
    for l in &found_leaders {
        let out = LeaderOut {
            name: l.name.clone(),
            text: original(l.span),
            title: l.title.clone(),
            country: l.country.clone(),
            mentions: l.mentions,
            start: base + l.span.start,
            end: base + l.span.end,
            rule: l.rule.clone(),
        };
        for span in &l.spans {
            record.mentions.push(row("leader", *span, out.name.clone(), &out.rule));
        }
        record.leaders.push(out);
    }

    for m in money_mentions {
        let out = MoneyOut {
            text: original(m.span),
            start: base + m.span.start,
            end: base + m.span.end,
            amount: m.amount,
            amount_max: m.amount_max,
            currency: m.currency.clone(),
            qualifier: m.qualifier.clone(),
            rule: m.rule.clone(),
        };
        record.mentions.push(row("money", m.span, out.value(), &out.rule));
        record.money.push(out);
    }

    for s in rules.sectors.extract(text, lang) {
        record.mentions.push(row("sector", s.span, s.sector.clone(), &s.rule));
        let index = match record.sectors.iter().position(|o| o.id == s.sector) {
            Some(i) => i,
            None => {
                record.sectors.push(SectorOut {
                    id: s.sector.clone(),
                    label: rules.sectors.labels.get(&s.sector).cloned().unwrap_or_default(),
                    mentions: 0,
                    evidence: Vec::new(),
                    rule: s.rule.clone(),
                });
                record.sectors.len() - 1
            }
        };
        let entry = &mut record.sectors[index];
        entry.mentions += 1;
        if !entry.evidence.contains(&s.term) {
            entry.evidence.push(s.term);
        }
    }

    let mut countries_out: Vec<CountryOut> = Vec::new();
    for c in &country_mentions {
        record.mentions.push(row("country", c.span, c.code.clone(), &c.rule));
        match countries_out.iter_mut().find(|o| o.code == c.code) {
            Some(o) => o.mentions += 1,
            None => countries_out.push(CountryOut {
                code: c.code.clone(),
                name: rules.countries.names.get(&c.code).cloned().unwrap_or_default(),
                mentions: 1,
            }),
        }
    }
    record.countries = countries_out;
    record
        .mentions
        .sort_by(|a, b| a.start.cmp(&b.start).then(a.end.cmp(&b.end)).then(a.kind.cmp(b.kind)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<Record> {
        let settings = Settings::new(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
        process_text("story.txt", text, Vec::new(), crate::rules::test_rules(), settings)
    }

    #[test]
    fn a_lone_date_line_is_the_published_date_and_anchors_the_story() {
        let text = "Presidents Agree on New Agenda\n\nOn March 3 the presidents of Uzbekistan and Korea held talks in Tashkent on trade and energy. Next year another round will follow.\n\nJune 14, 2024\n";
        let r = &run(text)[0];
        assert_eq!(r.published.as_deref(), Some("2024-06-14"));
        assert_eq!(r.event_date.as_deref(), Some("2024-03-03"));
        let next_year = r.dates.iter().find(|d| d.text == "Next year").unwrap();
        assert_eq!(
            (next_year.value.as_str(), next_year.year_source.as_str()),
            ("2025", "published")
        );
    }

    #[test]
    fn a_date_in_the_body_is_not_a_published_date() {
        let text = "Die Präsidenten von Usbekistan und Kasachstan trafen sich am 29. März 2024 in Almaty zu Gesprächen über Handel und Energie.\n";
        let r = &run(text)[0];
        assert_eq!(r.published, None);
        assert_eq!(r.event_date.as_deref(), Some("2024-03-29"));
    }

    #[test]
    fn the_event_date_comes_from_the_lead() {
        let cases = [
            // The first sentence dates the news, with or without an event word.
            (
                "Prabhu Pushes Trade\n\nThis story is from September 7, 2018\n\nNEW DELHI: Minister Suresh Prabhu Friday put forward a proposal to double trade. His visit to Tehran on October 2 has been postponed.\n",
                Some("2018-09-07"),
            ),
            // A range of days gives its first day; the published line is not the event.
            (
                "Deals Signed\n\n15.12.2014\nThe prime ministers signed accords worth $14 billion on Dec. 14-15 in Astana.\n",
                Some("2014-12-14"),
            ),
            // Later sentences need an event word.
            (
                "Bank Lends\n\nThe bank lends more. It was founded on 3 May 1991. The loan was signed on 5 June 2024.\n",
                Some("2024-06-05"),
            ),
            // "Today" counted from the reference date says nothing of the event.
            ("Talks Today\n\nToday the ministers held talks in Astana.\n", None),
        ];
        for (text, want) in cases {
            assert_eq!(run(text)[0].event_date.as_deref(), want, "{text:?}");
        }
    }

    #[test]
    fn a_story_without_dates_has_no_event_date() {
        let text =
            "The presidents of Uzbekistan and Slovakia discussed cooperation in agriculture and energy in Samarkand.\n";
        let r = &run(text)[0];
        assert_eq!((r.published.as_deref(), r.event_date.as_deref()), (None, None));
    }
}
