//! `accord explain FILE`: the article with every mention marked (colour on a terminal, plain
//! brackets otherwise), then a table of the mentions with their kind, value and the rule that
//! produced each — so a rule editor can see why accord extracted what it did.

use std::fmt::Write as _;
use std::io::IsTerminal;

use crate::cli::{reference_date, Colour, Exit, ExplainArgs};
use crate::input::{read, InputFile};
use crate::process::{process_text, Settings};
use crate::record::{MentionKind, MentionRow, Record};
use crate::rules::RuleSet;
use crate::segment::{segment, Reason, SegmentRules, Segmented};
use crate::CommandError;

/// Runs `accord explain`; prints to standard output.
pub fn run(args: &ExplainArgs) -> Result<Exit, CommandError> {
    let colour = match args.color {
        Colour::Always => true,
        Colour::Never => false,
        Colour::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let reference = reference_date(&args.reference_date).map_err(CommandError::Usage)?;
    let rules = RuleSet::load(&args.rules)?;
    let source = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = InputFile {
        path: args.file.clone(),
        source: source.clone(),
    };
    let settings = Settings::new(reference);
    let decoded = read(&file, settings.max_file_size).map_err(|s| CommandError::Failed(s.reason))?;
    let records = process_text(&source, &decoded.text, decoded.warnings, &rules, settings);
    print!("{}", render(&decoded.text, &records, args.kind, colour));
    let segmented = segment(&decoded.text, &rules.segment);
    print!("{}", render_stories(&decoded.text, &segmented, &rules.segment));
    Ok(Exit::Ok)
}

fn colour_of(kind: MentionKind) -> &'static str {
    match kind {
        MentionKind::Date => "\x1b[1;34m",
        MentionKind::Leader => "\x1b[1;35m",
        MentionKind::Money => "\x1b[1;32m",
        MentionKind::Sector => "\x1b[33m",
        MentionKind::Country => "\x1b[36m",
    }
}

const RESET: &str = "\x1b[0m";

/// One mention of one record, numbered by its place in text order.
struct Numbered<'a> {
    /// 1-based place in text order.
    n: usize,
    /// The record it belongs to.
    record: &'a Record,
    /// The mention.
    mention: &'a MentionRow,
}

/// The article text with the mentions of `records` marked, followed by one table per record.
/// Mentions are numbered in text order; a mention nested in another is listed but not marked.
pub fn render(text: &str, records: &[Record], kind: Option<MentionKind>, colour: bool) -> String {
    let mentions = numbered(records, kind);
    let mut out = marked(text, &mentions, colour);
    for r in records {
        record_header(&mut out, r);
        let rows: Vec<&Numbered<'_>> = mentions.iter().filter(|m| std::ptr::eq(m.record, r)).collect();
        if rows.is_empty() {
            let _ = writeln!(out, "(no mentions)");
            continue;
        }
        mention_table(&mut out, &rows);
    }
    out
}

/// The mentions of `records` (only of `kind`, if given) in text order, longer first where
/// two start together, numbered from 1.
fn numbered(records: &[Record], kind: Option<MentionKind>) -> Vec<Numbered<'_>> {
    let mut mentions: Vec<(&Record, &MentionRow)> = records
        .iter()
        .flat_map(|r| r.mentions.iter().map(move |m| (r, m)))
        .filter(|(_, m)| kind.is_none_or(|k| m.kind == k))
        .collect();
    mentions.sort_by(|a, b| a.1.start.cmp(&b.1.start).then(b.1.end.cmp(&a.1.end)));
    mentions
        .into_iter()
        .enumerate()
        .map(|(i, (record, mention))| Numbered {
            n: i + 1,
            record,
            mention,
        })
        .collect()
}

/// The text with each mention that does not overlap an earlier one marked with its number
/// (in colour, or in brackets), ending with a line break.
fn marked(text: &str, mentions: &[Numbered<'_>], colour: bool) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut pos = 0;
    for Numbered { n, mention: m, .. } in mentions {
        if m.start < pos {
            continue;
        }
        out.extend(&chars[pos..m.start]);
        let body: String = chars[m.start..m.end].iter().collect();
        if colour {
            let _ = write!(out, "{}{body}{RESET}\x1b[2m{n}{RESET}", colour_of(m.kind));
        } else {
            let _ = write!(out, "[{body}]{n}");
        }
        pos = m.end;
    }
    out.extend(&chars[pos.min(chars.len())..]);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// `== ID (story N, LANG CONFIDENCE) "TITLE" published DATE event DATE`, then the warnings.
fn record_header(out: &mut String, r: &Record) {
    let _ = writeln!(
        out,
        "\n== {} (story {}, {} {:.2}){}{}{}",
        r.id,
        r.story,
        r.language,
        r.language_confidence,
        r.title.as_ref().map(|t| format!(" \"{t}\"")).unwrap_or_default(),
        r.published
            .as_ref()
            .map(|d| format!(" published {d}"))
            .unwrap_or_default(),
        r.event_date.as_ref().map(|d| format!(" event {d}")).unwrap_or_default(),
    );
    for w in &r.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
}

/// The table of a record's mentions: number, kind, text, value, character range and rule.
fn mention_table(out: &mut String, rows: &[&Numbered<'_>]) {
    let width = |f: &dyn Fn(&MentionRow) -> usize, header: usize| {
        rows.iter().map(|r| f(r.mention)).max().unwrap_or(0).max(header)
    };
    let wt = width(&|m| m.text.chars().count().min(40), 4);
    let wv = width(&|m| m.value.chars().count().min(30), 5);
    let _ = writeln!(
        out,
        "{:>4}  {:<7}  {:<wt$}  {:<wv$}  {:<13}  rule",
        "#", "kind", "text", "value", "chars"
    );
    for Numbered { n, mention: m, .. } in rows {
        let _ = writeln!(
            out,
            "{:>4}  {:<7}  {:<wt$}  {:<wv$}  {:<13}  {}",
            n,
            m.kind,
            clip(&m.text.replace('\n', " "), 40),
            clip(&m.value, 30),
            format!("{}-{}", m.start, m.end),
            m.rule
        );
    }
}

/// `s` cut to `w` characters, the last one `…` when it was longer.
fn clip(s: &str, w: usize) -> String {
    if s.chars().count() > w {
        s.chars().take(w - 1).collect::<String>() + "…"
    } else {
        s.to_owned()
    }
}

/// Where each story starts and why (which cues fired), and the headline-shaped lines that
/// did not start a story, so a wrong split can be fixed in `rules/common/furniture.toml`.
pub fn render_stories(text: &str, segmented: &Segmented, rules: &SegmentRules) -> String {
    let lines = &segmented.lines;
    let index = crate::text::CharIndex::new(text);
    let quote = |i: usize| {
        let line = lines[i].span.slice(text, &index).trim();
        let short: String = line.chars().take(60).collect();
        let more = if line.chars().count() > 60 { "…" } else { "" };
        format!("line {} \"{short}{more}\"", i + 1)
    };
    let cue = |hit: crate::segment::rules::CueHit, line: usize| {
        format!("{} `{}` on {}", hit.kind.as_str(), rules.cue_id(hit.rule), quote(line))
    };
    let plan = &segmented.plan;
    let mut out = String::from("\n== stories\n");
    for &(line, hit) in &plan.listing {
        let _ = writeln!(out, "list page: {}", cue(hit, line));
    }
    if plan.starts.is_empty() {
        let _ = writeln!(out, "one story: no story boundary with evidence");
    }
    for (n, start) in plan.starts.iter().enumerate() {
        let why: Vec<String> = start
            .reasons
            .iter()
            .map(|r| match *r {
                Reason::Cue { hit, line } => cue(hit, line),
                Reason::ListedHeadline => "a headline on a list page".to_owned(),
                Reason::ListedParagraph => "a paragraph on a list page without headlines".to_owned(),
                Reason::FirstHeadline => "the first headline of a page whose later stories have cues".to_owned(),
            })
            .collect();
        let _ = writeln!(
            out,
            "story {} starts at {}: {}",
            n + 1,
            quote(start.first),
            why.join("; ")
        );
    }
    for &line in &plan.subheadings {
        let _ = writeln!(
            out,
            "not a story start (no dateline, byline or tail; not a list page): {}",
            quote(line)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn records(text: &str) -> Vec<Record> {
        let settings = Settings::new(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
        process_text("t.txt", text, Vec::new(), crate::rules::test_rules(), settings)
    }

    #[test]
    fn marks_mentions_with_brackets_and_lists_their_rules() {
        let text = "On June 14, 2024 the presidents of Uzbekistan and Korea signed trade agreements worth $9.6 billion in Tashkent.";
        let out = render(text, &records(text), None, false);
        assert!(
            out.starts_with("On [June 14, 2024]1 the presidents of [Uzbekistan]2"),
            "{out}"
        );
        assert!(out.contains("[$9.6 billion]"), "{out}");
        assert!(out.contains("money.en.symbol_first"), "{out}");
        assert!(out.contains("date.en.month_day_year"), "{out}");
    }

    #[test]
    fn kind_filter_keeps_one_kind() {
        let text = "Am 29. März trafen sich die Präsidenten von Usbekistan und Kasachstan in Almaty zu Gesprächen über Handel.";
        let out = render(text, &records(text), Some(MentionKind::Country), false);
        assert!(out.contains("[Usbekistan]1"), "{out}");
        assert!(!out.contains("[29. März]"), "{out}");
        assert!(!out.contains("date.de."), "{out}");
    }

    #[test]
    fn clip_cuts_long_text_with_an_ellipsis() {
        for (s, w, want) in [("abc", 3, "abc"), ("abcd", 3, "ab…"), ("äöüß", 2, "ä…"), ("", 1, "")] {
            assert_eq!(clip(s, w), want, "{s}");
        }
    }

    #[test]
    fn a_mention_inside_an_earlier_one_is_numbered_but_not_marked() {
        let mut record = records("x").remove(0);
        let row = |kind, start, end| MentionRow {
            kind,
            text: String::new(),
            value: String::new(),
            start,
            end,
            rule: Default::default(),
        };
        record.mentions = vec![row(MentionKind::Country, 4, 8), row(MentionKind::Money, 0, 6)];
        let records = [record];
        let mentions = numbered(&records, None);
        assert_eq!(mentions.iter().map(|m| m.mention.start).collect::<Vec<_>>(), [0, 4]);
        assert_eq!(marked("abcdefghij", &mentions, false), "[abcdef]1ghij\n");
    }

    #[test]
    fn colour_uses_escape_codes() {
        let text = "On June 14, 2024 the presidents of Uzbekistan and Korea met in Tashkent for talks on energy.";
        let out = render(text, &records(text), None, true);
        assert!(out.contains("\x1b[1;34mJune 14, 2024\x1b[0m"), "{out}");
    }
}
