//! Each stage of the per-file pass on its own, over the stories of the sample articles:
//! segmentation, language detection, the text forms every extractor shares, each extractor,
//! resolution with record building, and writing (JSON lines and CSV rows). Throughput is in
//! bytes of story text (of file text for segmentation), so the stages compare directly.

use std::path::Path;

use accord::extract;
use accord::lang;
use accord::output::encode::Encoder;
use accord::output::Format;
use accord::process::{process_text, Settings};
use accord::record::build::{fill, Placement};
use accord::record::Record;
use accord::resolve::{self, StoryContext};
use accord::rules::{LanguageRules, RuleSet};
use accord::segment::{segment, Segmented};
use accord::story::StoryText;
use chrono::NaiveDate;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};

/// The anchor date of every benchmark run.
fn reference() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
}

/// The sample articles' texts, in name order.
fn samples() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

/// A story of a sample, with its file, its segmentation and its language's rules.
struct Case<'a> {
    file: &'a str,
    segmented: &'a Segmented,
    story: usize,
    rules: &'a LanguageRules,
}

impl Case<'_> {
    /// The story's text.
    fn text(&self) -> &str {
        &self.segmented.stories[self.story].text
    }
}

/// Every story of the samples in a supported language.
fn cases<'a>(files: &'a [String], segmented: &'a [Segmented], rules: &'a RuleSet) -> Vec<Case<'a>> {
    let mut cases = Vec::new();
    for (file, seg) in files.iter().zip(segmented) {
        for (i, story) in seg.stories.iter().enumerate() {
            if let Some(language) = rules.language(&lang::detect(story.text.trim()).code) {
                cases.push(Case {
                    file,
                    segmented: seg,
                    story: i,
                    rules: language,
                });
            }
        }
    }
    cases
}

/// Runs `stage` over every case as one benchmark named `name`.
fn stage<F: Fn(&Case) -> usize>(
    group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    cases: &[Case],
    stage: F,
) {
    group.bench_function(name, |b| b.iter(|| cases.iter().map(&stage).sum::<usize>()));
}

/// Resolves a story's mentions and fills `record` (a blank record of the story) with them;
/// the record's mention count.
fn resolve_and_build(case: &Case, mentions: extract::Mentions, mut record: Record) -> usize {
    let story = &case.segmented.stories[case.story];
    let text = StoryText::new(&story.text);
    let context = StoryContext {
        text: &text,
        lines: &story.lines,
        title_line: story.title.as_ref().map(|(_, line)| line.within(story.range)),
        published: None,
        reference: reference(),
    };
    let resolved = resolve::story(mentions, context, case.rules);
    let placement = Placement {
        file: case.file,
        index: &case.segmented.index,
        range: story.range,
    };
    fill(&mut record, resolved, &placement, case.rules);
    record.mentions.len()
}

/// `record` without what extraction put in it.
fn blank(mut record: Record) -> Record {
    record.dates.clear();
    record.leaders.clear();
    record.money.clear();
    record.sectors.clear();
    record.countries.clear();
    record.mentions.clear();
    record.published = None;
    record.event_date = None;
    record
}

/// The records of the samples, in case order.
fn records(files: &[String], cases: &[Case], rules: &RuleSet) -> Vec<Record> {
    let settings = Settings::new(reference());
    let all: Vec<Record> = files
        .iter()
        .flat_map(|f| process_text("bench.txt", f, Vec::new(), rules, settings))
        .filter(|r| rules.language(&r.language).is_some())
        .collect();
    assert_eq!(all.len(), cases.len(), "one record per story in a supported language");
    all
}

fn stages(c: &mut Criterion) {
    let rules = RuleSet::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).expect("rules load");
    let files = samples();
    let segmented: Vec<Segmented> = files.iter().map(|f| segment(f, &rules.segment)).collect();
    let cases = cases(&files, &segmented, &rules);
    let file_bytes: usize = files.iter().map(String::len).sum();
    let story_bytes: usize = cases.iter().map(|c| c.text().len()).sum();

    let mut group = c.benchmark_group("stages");
    group.throughput(Throughput::Bytes(file_bytes as u64));
    group.bench_function("segment", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|f| segment(f, &rules.segment).stories.len())
                .sum::<usize>()
        })
    });
    group.throughput(Throughput::Bytes(story_bytes as u64));
    stage(&mut group, "detect", &cases, |c| {
        lang::detect(c.text().trim()).code.len()
    });
    stage(&mut group, "story_text", &cases, |c| {
        let text = StoryText::new(c.text());
        black_box(text.matching(true));
        black_box(text.matching(false));
        text.chars().len()
    });
    stage(&mut group, "extract_dates", &cases, |c| {
        extract::dates::extract(&StoryText::new(c.text()), &c.rules.dates).len()
    });
    stage(&mut group, "extract_money", &cases, |c| {
        extract::money::extract(&StoryText::new(c.text()), &c.rules.money).len()
    });
    stage(&mut group, "extract_countries", &cases, |c| {
        extract::countries::extract(&StoryText::new(c.text()), &c.rules.countries).len()
    });
    stage(&mut group, "extract_leaders", &cases, |c| {
        let text = StoryText::new(c.text());
        let countries = extract::countries::extract(&text, &c.rules.countries);
        extract::leaders::extract(&text, &c.rules.leaders, &countries)
            .people
            .len()
    });
    stage(&mut group, "extract_sectors", &cases, |c| {
        extract::sectors::extract(&StoryText::new(c.text()), &c.rules.sectors).len()
    });
    stage(&mut group, "extract_all", &cases, |c| {
        let mentions = extract::story(&StoryText::new(c.text()), c.rules);
        mentions.dates.len() + mentions.money.len()
    });
    let records = records(&files, &cases, &rules);
    let mentions: Vec<extract::Mentions> = cases
        .iter()
        .map(|c| extract::story(&StoryText::new(c.text()), c.rules))
        .collect();
    group.bench_function("resolve_and_build", |b| {
        b.iter(|| {
            cases
                .iter()
                .zip(&mentions)
                .zip(&records)
                .map(|((c, m), r)| resolve_and_build(c, m.clone(), blank(r.clone())))
                .sum::<usize>()
        })
    });
    group.bench_function("encode_jsonl_and_csv", |b| {
        b.iter(|| {
            let encoder = Encoder::new(&[Format::Csv, Format::Jsonl], false);
            let e = encoder.encode(&records).unwrap();
            e.jsonl.len() + e.records_csv.len() + e.mentions_csv.len()
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
