//! Segmentation: site furniture, stories and titles.
//!
//! A file is split into lines ([`lines`]); lines matching a furniture rule (tickers, counters,
//! share and error-report widgets, "Related news") belong to no story. The rest forms one
//! story, or several when [`boundaries`] finds evidence that the page is a digest: datelines
//! under headlines, "Read more" tails, or a page header naming a list of stories. Every story
//! keeps its character range in the decoded file, and its text has furniture blanked out
//! character for character, so offsets found in it are offsets into the file.

pub mod boundaries;
pub mod lines;
pub mod rules;

pub use boundaries::{Plan, Reason, Start};
pub use lines::{Line, Page};
pub use rules::{CueKind, SegmentRules};

use crate::text::{CharIndex, FileSpan, Span};

/// One story of a file.
#[derive(Debug, Clone)]
pub struct Story {
    /// 1-based number within the file.
    pub number: usize,
    /// Character range of the story in the file.
    pub range: FileSpan,
    /// The story's text: the file's characters in `range`, furniture replaced by spaces.
    pub text: String,
    /// The headline, cleaned, with its span in the file.
    pub title: Option<(String, FileSpan)>,
    /// The story's lines (spans relative to `range.start`), furniture excluded.
    pub lines: Vec<Span>,
}

/// The result of segmenting a file.
#[derive(Debug, Clone)]
pub struct Segmented {
    /// The character index of the file.
    pub index: CharIndex,
    /// Every line of the file.
    pub lines: Vec<Line>,
    /// Where the stories start and why.
    pub plan: Plan,
    /// The stories, in file order.
    pub stories: Vec<Story>,
}

/// Splits `text` into lines, marks furniture and cuts the stories.
pub fn segment(text: &str, rules: &SegmentRules) -> Segmented {
    let index = CharIndex::new(text);
    let page = lines::Page::new(text, &index, rules);
    let plan = boundaries::plan(&page, rules.headline.max_digest_paragraphs);
    let lines = page.lines;
    let line_text = |i: usize| lines[i].span.slice(text, &index);
    let title = |i: usize| (rules.clean_title(line_text(i)), lines[i].span);
    let content: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].is_content()).collect();
    let mut stories = Vec::new();
    if plan.starts.is_empty() {
        let range = match (content.first(), content.last()) {
            (Some(&first), Some(&last)) => FileSpan::new(lines[first].span.start, lines[last].span.end),
            _ => FileSpan::new(0, 0),
        };
        let title_line = single_title(&lines, &content);
        stories.push(build_story(text, &index, &lines, range, 1, title_line.map(title)));
    } else {
        for (n, start) in plan.starts.iter().enumerate() {
            let next = plan.starts.get(n + 1).map_or(lines.len(), |s| s.first);
            let last = (start.first..next)
                .rev()
                .find(|&i| lines[i].is_content())
                .unwrap_or(start.first);
            let range = FileSpan::new(lines[start.first].span.start, lines[last].span.end);
            stories.push(build_story(text, &index, &lines, range, n + 1, start.title.map(title)));
        }
    }
    Segmented {
        index,
        lines,
        plan,
        stories,
    }
}

/// The title line of a single story: the first content line if it is headline-shaped and the
/// next one is not; otherwise the last, if it is headline-shaped.
fn single_title(lines: &[Line], content: &[usize]) -> Option<usize> {
    let is_headline = |k: usize| content.get(k).is_some_and(|&i| lines[i].headline);
    if is_headline(0) && content.len() > 1 && !is_headline(1) {
        Some(content[0])
    } else if content.len() > 1 && is_headline(content.len() - 1) {
        content.last().copied()
    } else {
        None
    }
}

fn build_story(
    text: &str,
    index: &CharIndex,
    lines: &[Line],
    range: FileSpan,
    number: usize,
    title: Option<(String, FileSpan)>,
) -> Story {
    // The file's lines inside the story, found by binary search (lines are in file order).
    let first = lines.partition_point(|l| l.span.start < range.start);
    let last = first + lines[first..].partition_point(|l| l.span.end <= range.end);
    let inside = &lines[first..last];
    let masked = mask_furniture(text, index, range, inside);
    let story_lines = inside
        .iter()
        .filter(|l| l.furniture.is_none() && !l.span.is_empty())
        .map(|l| l.span.within(range))
        .collect();
    Story {
        number,
        range,
        text: masked,
        title,
        lines: story_lines,
    }
}

/// The characters of the file `text` (indexed by `index`) in `range`, with the characters of
/// the furniture lines among `lines` (the lines inside `range`, in file order) replaced by
/// spaces. A line holds no line break, so every character of a furniture line becomes one
/// space; the text between them is copied as it is.
fn mask_furniture(text: &str, index: &CharIndex, range: FileSpan, lines: &[Line]) -> String {
    let (from, to) = (index.byte_at(range.start), index.byte_at(range.end));
    let mut furniture = lines
        .iter()
        .filter(|l| l.furniture.is_some())
        .map(|l| l.span)
        .peekable();
    if furniture.peek().is_none() {
        return text[from..to].to_owned();
    }
    let mut masked = String::with_capacity(to - from);
    let mut at = from;
    for span in furniture {
        let (start, end) = (index.byte_at(span.start), index.byte_at(span.end));
        debug_assert!(!text[start..end].contains('\n'));
        masked.push_str(&text[at..start]);
        masked.extend(std::iter::repeat_n(' ', span.len()));
        at = end;
    }
    masked.push_str(&text[at..to]);
    masked
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// The rules of `rules/common/furniture.toml`, loaded once.
    fn rules() -> &'static SegmentRules {
        static RULES: std::sync::OnceLock<SegmentRules> = std::sync::OnceLock::new();
        RULES.get_or_init(|| {
            let mut errors = Vec::new();
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/common/furniture.toml");
            let r = SegmentRules::load(&path, &mut errors);
            assert!(errors.is_empty(), "{errors:?}");
            r.unwrap()
        })
    }

    const BODY_EN: &str = "The presidents of both countries met in Tashkent and discussed trade, energy and transport, agreeing on a road map for the coming years.";
    const BODY_DE: &str = "Die Präsidenten beider Länder trafen sich in Taschkent und erörterten Fragen des Handels, der Energie und des Verkehrs.";

    #[test]
    fn furniture_lines_are_recognised() {
        let r = rules();
        for (line, furniture) in [
            ("  • KZT/USD = 0.00211 0%", true),
            ("111 views Politics 0", true),
            ("Viewing results 1 - 6 of 9", true),
            ("Found a mistake?", true),
            ("Select the phrase and press Ctrl+Enter Related news", true),
            ("Ctrl", true),
            ("**Source**", true),
            ("Fehler gefunden?", true),
            ("Teilen", true),
            ("1 USD = 12,650 UZS", true),
            ("USD 86.45 EUR 92.47 RUB 1.00", true),
            ("Exchange rates: USD 86.45 ▲0.12 EUR 92.47", true),
            ("EUR 92.47", true),
            ("The loan of USD 300 million was signed.", false),
            ("USD 300 million", false),
            (BODY_EN, false),
            (BODY_DE, false),
            ("Uzbekistan and Korea Forge New Partnership", false),
        ] {
            assert_eq!(r.furniture_rule(line).is_some(), furniture, "{line}");
        }
    }

    #[test]
    fn a_plain_article_is_one_story_with_its_headline() {
        let text = format!("Uzbekistan and Slovakia Sign Agreements\n\n{BODY_EN}\n{BODY_EN}\n");
        let s = segment(&text, rules());
        assert_eq!(s.stories.len(), 1);
        assert_eq!(
            s.stories[0].title.as_ref().unwrap().0,
            "Uzbekistan and Slovakia Sign Agreements"
        );
    }

    #[test]
    fn a_headline_repeated_at_the_end_is_the_title() {
        let text = format!("{BODY_EN}\n{BODY_EN}\nUzbek-Slovak centre discussed in Samarkand\nFound a mistake?\n");
        let s = segment(&text, rules());
        assert_eq!(s.stories.len(), 1);
        assert_eq!(
            s.stories[0].title.as_ref().unwrap().0,
            "Uzbek-Slovak centre discussed in Samarkand"
        );
    }

    #[test]
    fn an_article_without_headline_has_no_title() {
        let text = format!("{BODY_DE}\n{BODY_DE}\n");
        let s = segment(&text, rules());
        assert_eq!(s.stories.len(), 1);
        assert!(s.stories[0].title.is_none());
    }

    #[test]
    fn a_digest_splits_into_stories_and_drops_the_ticker() {
        let text = format!(
            "• KGS/USD = 0.01190 0%\n• KZT/USD = 0.00211 0%\n\nViewing results 1 - 3 of 9\n\nTajikistan and China Tighten Partnership\n\n{BODY_EN}\n\nKazakhstan and United States Hold Dialogue\n\n{BODY_EN}\n\nTurkmenistan and USA Set to Strengthen Ties\n\n{BODY_EN}\n"
        );
        let s = segment(&text, rules());
        assert_eq!(s.stories.len(), 3);
        assert_eq!(s.stories[1].number, 2);
        assert_eq!(
            s.stories[2].title.as_ref().unwrap().0,
            "Turkmenistan and USA Set to Strengthen Ties"
        );
        assert!(!s.stories[0].text.contains("KZT"));
    }

    fn story_count(text: &str) -> usize {
        segment(text, rules()).stories.len()
    }

    #[test]
    fn a_headline_alone_never_splits_a_file() {
        // Shape only: the old rule split these; subheadings stay in their article.
        for text in [
            format!("Usbekistan und Kasachstan vertiefen Partnerschaft\n{BODY_DE}\nTürkei und Usbekistan unterzeichnen Erklärung\n{BODY_DE}\n"),
            format!("Österreich in Arabischen Emiraten gefragt\n\n{BODY_DE}\n\n{BODY_DE}\n\nOMV besiegelt Milliardengeschäft\n\n{BODY_DE}\n\n{BODY_DE}\n"),
        ] {
            assert_eq!(story_count(&text), 1, "{text}");
        }
    }

    #[test]
    fn evidence_splits_a_digest() {
        let cases = [
            // A page header naming a list.
            (format!("Aktuelles\n\nUsbekistan und Kasachstan vertiefen Partnerschaft\n{BODY_DE}\nTürkei und Usbekistan unterzeichnen Erklärung\n{BODY_DE}\n"), 2),
            // Datelines under each headline.
            (format!("Uzbekistan postpones Investment Forum\n\nTASHKENT (TCA) — {BODY_EN}\n\nTurkmenistan organizes forums in Dubai\n\nASHGABAT (TCA) — {BODY_EN}\n{BODY_EN}\n{BODY_EN}\n{BODY_EN}\n"), 2),
            // Read-more tails above each later headline; the kicker goes with its story.
            (format!("EBRD helps upgrade infrastructure in Dushanbe\n\n{BODY_EN}\n\nRead More\nInternational Affairs UZB\n\nEU grants funds for Uzbek agriculture\n\n{BODY_EN}\n\nRead More\n"), 2),
            // A list page without headlines: one story per paragraph.
            (format!("Direkt zum Inhalt\n\nMedienecho\n\n{BODY_DE}\n\n{BODY_DE}\n\n{BODY_DE}\n\nKontakt Newsletter\n"), 3),
            // A time stamp above each headline.
            (format!("10:45\nUsbekistan und Kasachstan vertiefen Partnerschaft\n{BODY_DE}\n{BODY_DE}\n{BODY_DE}\n{BODY_DE}\n11:30\nTürkei und Usbekistan unterzeichnen Erklärung\n{BODY_DE}\n"), 2),
            // A page label over an introduction.
            (format!("Wochenrückblick KW 12\n\nDie wichtigsten Nachrichten der Woche aus Zentralasien im Überblick.\n\nUsbekistan und Kasachstan vertiefen Partnerschaft\n{BODY_DE}\nTürkei und Usbekistan unterzeichnen Erklärung\n{BODY_DE}\n"), 2),
            // A chronicle entry opening with its date.
            (format!("45 Resultate\n\nBesuch des emiratischen Aussenministers im Tessin\n\n{BODY_DE}\n\nEnde Mai 2022 führte ein Staatsbesuch Bundespräsident Cassis nach Prag.\n"), 2),
        ];
        for (text, want) in cases {
            assert_eq!(story_count(&text), want, "{text}");
        }
    }

    #[test]
    fn related_links_below_an_article_start_no_story() {
        let text = format!("Uzbekistan and Korea sign deals\n\nTASHKENT (TCA) — {BODY_EN}\n\n{BODY_EN}\n\nRelated news\n\nKazakhstan hosts a forum\n\nASTANA (TCA) — {BODY_EN}\n\nRead More\nTajikistan opens a plant\n\n{BODY_EN}\n");
        assert_eq!(story_count(&text), 1);
    }

    #[test]
    fn a_kicker_belongs_to_the_story_below_it() {
        let text = format!("Uzbek news\n\nFirst story here\n\n{BODY_EN}\n\nRead More\nInternational Affairs UZB\n\nSecond story here\n\n{BODY_EN}\n");
        let s = segment(&text, rules());
        assert_eq!(s.stories.len(), 2);
        assert!(s.stories[1].text.starts_with("International Affairs UZB"));
        assert_eq!(s.stories[1].title.as_ref().unwrap().0, "Second story here");
        assert!(
            !s.stories[0].text.contains("Uzbek news"),
            "the page header is no story's text"
        );
    }

    #[test]
    fn a_caption_is_not_a_title() {
        let text = format!("Annalena Baerbock ist auf Ostafrikareise. Foto: Michael Kappeler/dpa\n\nDschidda/Nairobi (dpa) – {BODY_DE}\n\nTreffen mit kenianischem Präsidenten Ruto\n\n{BODY_DE}\n");
        let s = segment(&text, rules());
        assert_eq!(s.stories.len(), 1);
        assert!(s.stories[0].title.is_none());
    }

    #[test]
    fn section_headings_do_not_split_an_article() {
        let text = format!("Uzbekistan and Korea Agree on Agenda\n\n{BODY_EN}\n{BODY_EN}\n\nSeven Directions of the Strategy\n{BODY_EN}\n{BODY_EN}\n{BODY_EN}\n{BODY_EN}\n\nOther Agreements\n{BODY_EN}\n{BODY_EN}\n{BODY_EN}\n{BODY_EN}\n");
        let s = segment(&text, rules());
        assert_eq!(s.stories.len(), 1);
    }

    /// The furniture of `lines` masked character by character, as it was written: the
    /// reference for copying the text between furniture lines.
    fn mask_by_characters(slice: &str, offset: usize, lines: &[Line]) -> String {
        let furniture: Vec<FileSpan> = lines.iter().filter(|l| l.furniture.is_some()).map(|l| l.span).collect();
        let in_furniture = |at: usize| furniture.iter().any(|f| f.start <= at && at < f.end);
        let masked = slice.chars().enumerate();
        masked
            .map(|(i, c)| if in_furniture(offset + i) && c != '\n' { ' ' } else { c })
            .collect()
    }

    proptest::proptest! {
        /// Every story's text is the file's text in its range with the furniture lines masked,
        /// on any mix of furniture, headlines, body lines, blank lines and line breaks.
        #[test]
        fn stories_mask_their_furniture_character_by_character(
            text in "(Found a mistake\\?|111 views Politics 0|• KZT/USD = 0.00211 0%|Teilen|Zölle und Handel im Fokus|Read More|TASHKENT \\(TCA\\) — |Die Präsidenten trafen sich in Taschkent und erörterten Fragen des Handels\\.|The presidents met in Tashkent and discussed trade, energy and transport\\.|😀|\\n|\\n|\\r\\n|\\n\\n| ){0,30}"
        ) {
            let s = segment(&text, rules());
            for story in &s.stories {
                let slice = story.range.slice(&text, &s.index);
                proptest::prop_assert_eq!(&story.text, &mask_by_characters(slice, story.range.start, &s.lines));
            }
        }
    }

    #[test]
    fn masked_text_keeps_offsets() {
        let text = format!("Zölle und Handel im Fokus\n111 views Politics 0\n{BODY_DE}\n");
        let s = segment(&text, rules());
        let story = &s.stories[0];
        assert_eq!(story.text.chars().count(), story.range.len());
        let chars: Vec<char> = text.chars().collect();
        let pos = story.text.chars().collect::<Vec<_>>();
        for (i, c) in pos.iter().enumerate() {
            if *c != ' ' {
                assert_eq!(*c, chars[story.range.start + i]);
            }
        }
    }
}
