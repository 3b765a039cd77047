//! One article file through the pipeline: decode → segment → detect language → extract →
//! resolve → records. Pure apart from reading the file; safe to run on many threads.

use chrono::NaiveDate;

use crate::extract::countries::CountryMention;
use crate::extract::money::MoneyMention;
use crate::extract::sectors::SectorMention;
use crate::extract::{countries, dates, leaders, money, sectors};
use crate::input::stream::Article;
pub use crate::input::Skipped;
use crate::input::{decode, read, InputFile, DEFAULT_MAX_FILE_SIZE};
use crate::lang;
use crate::record::{CountryOut, DateOut, LeaderOut, MentionKind, MentionRow, MoneyOut, Record, SectorOut};
use crate::resolve::dates as resolve_dates;
use crate::resolve::leaders as resolve_leaders;
use crate::resolve::{event, published};
use crate::rules::dates::DateRules;
use crate::rules::{LanguageRules, RuleSet};
use crate::segment::{segment, Story};
use crate::story::StoryText;
use crate::text::{CharIndex, FileSpan, Span};

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
    let segmented = segment(document.text, &rules.segment);
    let file = FileText {
        text: document.text,
        index: &segmented.index,
    };
    let digest = segmented.stories.len() > 1;
    segmented
        .stories
        .iter()
        .map(|story| story_record(&document, story, file, digest, rules, settings))
        .collect()
}

/// The text of a whole file, for the original text of mentions.
#[derive(Clone, Copy)]
struct FileText<'a> {
    /// The decoded file.
    text: &'a str,
    /// Its character index.
    index: &'a CharIndex,
}

/// The record of one story of `document`; `digest` when the file holds several stories.
fn story_record(
    document: &Document<'_>,
    story: &Story,
    file: FileText<'_>,
    digest: bool,
    rules: &RuleSet,
    settings: Settings,
) -> Record {
    let mut record = empty_record(document, story, digest);
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
            let at = Placed {
                file,
                range: story.range,
            };
            extract_story(&mut record, story, &at, lr, known, settings)
        }
        None => record.warnings.push(format!("unsupported language: {language}")),
    }
    record
}

/// A story's record before language detection and extraction: its id, source and title.
fn empty_record(document: &Document<'_>, story: &Story, digest: bool) -> Record {
    let id = if digest {
        format!("{}#{}", document.id, story.number)
    } else {
        document.id.to_owned()
    };
    Record {
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
    }
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

/// A story's place in its file: turns story spans into file offsets and original text.
struct Placed<'a> {
    /// The whole file.
    file: FileText<'a>,
    /// The story's characters in the file.
    range: FileSpan,
}

impl Placed<'_> {
    /// The file's text (not the story's, whose furniture is blanked) at `span`.
    fn original(&self, span: Span) -> String {
        span.in_file(self.range)
            .slice(self.file.text, self.file.index)
            .to_owned()
    }

    /// The file offsets of `span`.
    fn offsets(&self, span: Span) -> (usize, usize) {
        let in_file = span.in_file(self.range);
        (in_file.start, in_file.end)
    }

    /// The mention row of `kind` at `span`.
    fn row(&self, kind: MentionKind, span: Span, value: String, rule: &str) -> MentionRow {
        let (start, end) = self.offsets(span);
        MentionRow {
            kind,
            text: self.original(span),
            value,
            start,
            end,
            rule: rule.to_owned(),
        }
    }
}

/// Extracts and resolves the mentions of one story into its record, in file offsets.
fn extract_story(
    record: &mut Record,
    story: &Story,
    at: &Placed<'_>,
    rules: &LanguageRules,
    known: Known<'_>,
    settings: Settings,
) {
    let story_text = StoryText::new(&story.text);
    let text = story.text.as_str();
    let story_date = add_dates(record, story, &story_text, at, &rules.dates, known.published, settings);
    let money_mentions = money::extract(&story_text, &rules.money);
    let country_mentions = countries_outside(countries::extract(text, &rules.countries), &money_mentions);
    add_leaders(record, text, at, rules, &country_mentions, known.language, story_date);
    add_money(record, at, money_mentions);
    add_sectors(record, at, sectors::extract(text, &rules.sectors, known.language), rules);
    add_countries(record, at, &country_mentions, rules);
    record
        .mentions
        .sort_by(|a, b| a.start.cmp(&b.start).then(a.end.cmp(&b.end)).then(a.kind.cmp(&b.kind)));
}

/// Dates: published date, resolved mentions and the event date. Returns the date the story is
/// about, for resolving who held an office.
fn add_dates(
    record: &mut Record,
    story: &Story,
    story_text: &StoryText<'_>,
    at: &Placed<'_>,
    rules: &DateRules,
    given_published: Option<NaiveDate>,
    settings: Settings,
) -> Option<NaiveDate> {
    let text = story_text.text();
    let date_mentions = dates::extract(story_text, rules);
    let printed = published::published(&date_mentions, &story.lines, text, rules);
    let published_date = printed.map(|(_, d)| d).or(given_published);
    let resolved = resolve_dates::resolve(&date_mentions, published_date, settings.reference_date);
    let title_line = story.title.as_ref().map(|(_, line)| line.within(story.range));
    let lead = event::lead(text, &story.lines, title_line, rules);
    record.published = published_date.map(|d| d.format("%Y-%m-%d").to_string());
    let printed_line = printed.map(|(line, _)| line);
    record.event_date = event::event_date(&resolved, lead, text, rules, printed_line, published_date);
    for d in &resolved {
        let (start, end) = at.offsets(d.span);
        let out = DateOut {
            text: at.original(d.span),
            start,
            end,
            value: d.value.clone(),
            kind: d.kind.as_str().into(),
            year_source: d.year_source.as_str().into(),
            rule: d.rule.clone(),
        };
        record
            .mentions
            .push(at.row(MentionKind::Date, d.span, out.value.clone(), &out.rule));
        record.dates.push(out);
    }
    resolve_dates::story_date(published_date, &resolved)
}

/// The country mentions that are not part of a money mention ("Kazakhstan tenge"). Money
/// mentions are disjoint and in text order, so the one that could hold a country mention is
/// found by binary search.
fn countries_outside(countries: Vec<CountryMention>, money: &[MoneyMention]) -> Vec<CountryMention> {
    let inside_money = |span: &Span| {
        let at = money.partition_point(|m| m.span.end < span.end);
        money.get(at).is_some_and(|m| m.span.contains(span))
    };
    countries.into_iter().filter(|c| !inside_money(&c.span)).collect()
}

/// Leaders: people found by the extractor, with the offices they held on the story's date.
fn add_leaders(
    record: &mut Record,
    text: &str,
    at: &Placed<'_>,
    rules: &LanguageRules,
    countries: &[CountryMention],
    lang: &str,
    story_date: Option<NaiveDate>,
) {
    let found = leaders::extract(text, &rules.leaders, countries, lang);
    let mut people = found.people;
    resolve_leaders::resolve_offices(&mut people, &found.offices, rules.leaders.gazetteer(), story_date);
    for l in &people {
        let (start, end) = at.offsets(l.span);
        let out = LeaderOut {
            name: l.name.clone(),
            text: at.original(l.span),
            title: l.title.clone(),
            country: l.country.clone(),
            mentions: l.mentions,
            start,
            end,
            rule: l.rule.clone(),
        };
        for span in &l.spans {
            record
                .mentions
                .push(at.row(MentionKind::Leader, *span, out.name.clone(), &out.rule));
        }
        record.leaders.push(out);
    }
}

/// Money: every amount, in text order.
fn add_money(record: &mut Record, at: &Placed<'_>, mentions: Vec<MoneyMention>) {
    for m in mentions {
        let (start, end) = at.offsets(m.span);
        let out = MoneyOut {
            text: at.original(m.span),
            start,
            end,
            amount: m.amount,
            amount_max: m.amount_max,
            currency: m.currency,
            qualifier: m.qualifier,
            rule: m.rule,
        };
        record
            .mentions
            .push(at.row(MentionKind::Money, m.span, out.value(), &out.rule));
        record.money.push(out);
    }
}

/// Sectors: one entry per sector, with its count and distinct terms, in order of first mention.
fn add_sectors(record: &mut Record, at: &Placed<'_>, mentions: Vec<SectorMention>, rules: &LanguageRules) {
    for s in mentions {
        record
            .mentions
            .push(at.row(MentionKind::Sector, s.span, s.sector.clone(), &s.rule));
        let index = match record.sectors.iter().position(|o| o.id == s.sector) {
            Some(i) => i,
            None => {
                record.sectors.push(SectorOut {
                    label: rules.sectors.labels.get(&s.sector).cloned().unwrap_or_default(),
                    id: s.sector.clone(),
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
}

/// Countries: one entry per country, with its count, in order of first mention.
fn add_countries(record: &mut Record, at: &Placed<'_>, mentions: &[CountryMention], rules: &LanguageRules) {
    for c in mentions {
        record
            .mentions
            .push(at.row(MentionKind::Country, c.span, c.code.clone(), &c.rule));
        match record.countries.iter_mut().find(|o| o.code == c.code) {
            Some(o) => o.mentions += 1,
            None => record.countries.push(CountryOut {
                code: c.code.clone(),
                name: rules.countries.names.get(&c.code).cloned().unwrap_or_default(),
                mentions: 1,
            }),
        }
    }
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
