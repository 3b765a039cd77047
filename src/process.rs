//! One article file through the pipeline: decode → segment → detect language → extract →
//! resolve → records. Pure apart from reading the file; safe to run on many threads.

use chrono::NaiveDate;

use crate::extract;
use crate::input::stream::Article;
pub use crate::input::Skipped;
use crate::input::{decode, read, InputFile, DEFAULT_MAX_FILE_SIZE};
use crate::lang;
use crate::record::build::{self, Placement};
use crate::record::Record;
use crate::resolve::{self, StoryContext};
use crate::rules::RuleSet;
use crate::segment::{segment, Story};
use crate::story::StoryText;

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
    let digest = segmented.stories.len() > 1;
    segmented
        .stories
        .iter()
        .map(|story| {
            let placement = Placement {
                file: document.text,
                index: &segmented.index,
                range: story.range,
            };
            story_record(&document, story, &placement, digest, rules, settings)
        })
        .collect()
}

/// The record of one story of `document`; `digest` when the file holds several stories.
fn story_record(
    document: &Document<'_>,
    story: &Story,
    placement: &Placement<'_>,
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
    let Some(language_rules) = rules.language(&language) else {
        record.warnings.push(format!("unsupported language: {language}"));
        return record;
    };
    let text = StoryText::new(&story.text);
    let mentions = extract::story(&text, language_rules);
    let context = StoryContext {
        text: &text,
        lines: &story.lines,
        title_line: story.title.as_ref().map(|(_, line)| line.within(story.range)),
        published: document.published,
        reference: settings.reference_date,
    };
    let resolved = resolve::story(mentions, context, language_rules);
    build::fill(&mut record, resolved, placement, language_rules);
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
        warnings: document.warnings.clone(),
        ..Record::default()
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
