//! Where stories start, and why. A headline-shaped line alone never splits a file: a story
//! boundary needs evidence — a dateline or byline under the headline, a "Read more" tail above
//! it, or a page header that says the page is a list of stories. Articles with subheadings,
//! captions and schedules therefore stay whole.

use super::lines::{Line, Page};
use super::rules::{CueHit, CueKind};

/// At most this many short lines (kicker, category, date) above a headline belong to its story.
const MAX_KICKER_LINES: usize = 2;

/// A kicker line has at most this many words.
const MAX_KICKER_WORDS: usize = 5;

/// Why a story starts where it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A cue fired on line `line` (0-based).
    Cue {
        /// The cue.
        hit: CueHit,
        /// The line it fired on.
        line: usize,
    },
    /// A headline on a page whose header says it is a list of stories.
    ListedHeadline,
    /// A paragraph on a list page without headlines.
    ListedParagraph,
    /// The first headline of a page whose later stories have cues.
    FirstHeadline,
}

/// The start of one story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    /// First line of the story (a kicker above the headline, the headline or a paragraph).
    pub first: usize,
    /// The headline's line, if the story has one.
    pub title: Option<usize>,
    /// The evidence for the boundary.
    pub reasons: Vec<Reason>,
}

/// How a file divides into stories.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Listing cues in the page header: `(line, cue)`.
    pub listing: Vec<(usize, CueHit)>,
    /// Story starts when the file holds two stories or more; empty for a single story.
    pub starts: Vec<Start>,
    /// Headline-shaped lines followed by text that did not start a story (subheadings).
    pub subheadings: Vec<usize>,
}

/// A headline followed by text: a possible story start.
#[derive(Debug, Clone, Copy)]
struct Head {
    /// The headline's line.
    title: usize,
    /// The first line of the story if it starts here (kicker lines above the headline).
    first: usize,
}

/// Decides where the stories of a file start. `max_listed_lines` bounds the body of a story
/// on a list page known by its header only.
pub fn plan(page: &Page, max_listed_lines: usize) -> Plan {
    let lines = &page.lines;
    let first_prose = lines.iter().position(|l| l.prose).unwrap_or(lines.len());
    let related = (first_prose..lines.len())
        .find(|&i| !lines[i].prose && page.cue(i, CueKind::Related).is_some())
        .unwrap_or(lines.len());
    let all_heads = heads(page);
    let heads: Vec<Head> = all_heads.iter().copied().filter(|h| h.title < related).collect();
    let header_end = heads.first().map_or(first_prose, |h| h.first.min(first_prose));
    let listing: Vec<(usize, CueHit)> = (0..header_end)
        .filter_map(|i| page.cue(i, CueKind::Listing).map(|hit| (i, hit)))
        .collect();
    let mut starts = if listing.is_empty() {
        cued_heads(page, &heads)
    } else if heads.is_empty() {
        listed_paragraphs(page, header_end)
    } else {
        listed_heads(page, &heads, max_listed_lines)
    };
    if !listing.is_empty() && !heads.is_empty() {
        starts = with_entries(page, starts);
    }
    if starts.len() < 2 {
        starts.clear();
    }
    let subheadings = all_heads
        .iter()
        .map(|h| h.title)
        .filter(|t| !starts.iter().any(|s| s.title == Some(*t)))
        .collect();
    Plan {
        listing,
        starts,
        subheadings,
    }
}

/// Headline-shaped content lines followed by running text before the next headline-shaped
/// line (a page label over a one-line blurb is not a head).
fn heads(page: &Page) -> Vec<Head> {
    let lines = &page.lines;
    let content: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].is_content()).collect();
    let mut heads = Vec::new();
    for (k, &title) in content.iter().enumerate() {
        let body = content[k + 1..].iter().take_while(|&&i| !lines[i].headline);
        let mut body = body.peekable();
        if lines[title].headline && body.peek().is_some() && body.any(|&i| lines[i].prose) {
            heads.push(Head {
                title,
                first: kicker_start(page, title),
            });
        }
    }
    heads
}

/// The first line of the short lines directly above `title` (kickers, categories, dates), at
/// most [`MAX_KICKER_LINES`] of them with at most [`MAX_KICKER_WORDS`] words; stops at prose,
/// furniture, tails and listing labels.
fn kicker_start(page: &Page, title: usize) -> usize {
    let lines = &page.lines;
    let mut first = title;
    let mut taken = 0;
    let mut i = title;
    while i > 0 && taken < MAX_KICKER_LINES {
        i -= 1;
        let line = &lines[i];
        if line.blank {
            continue;
        }
        let kicker = line.is_content()
            && !line.prose
            && line.words <= MAX_KICKER_WORDS
            && page.cue(i, CueKind::Tail).is_none()
            && page.cue(i, CueKind::Listing).is_none();
        if !kicker {
            break;
        }
        first = i;
        taken += 1;
    }
    first
}

/// Heads with a cue of their own: a dateline on one of the two lines under the headline, or
/// a tail on the last line above its kickers. The first head joins them when any has a cue.
fn cued_heads(page: &Page, heads: &[Head]) -> Vec<Start> {
    let mut starts: Vec<Start> = heads
        .iter()
        .filter_map(|h| {
            let reasons: Vec<Reason> = dateline(page, h).into_iter().chain(tail(page, h.first)).collect();
            (!reasons.is_empty()).then(|| start_at(h, reasons))
        })
        .collect();
    if let (Some(first), Some(cued)) = (heads.first(), starts.first()) {
        if cued.title != Some(first.title) {
            starts.insert(0, start_at(first, vec![Reason::FirstHeadline]));
        }
    }
    starts
}

/// On a list page: every head starts a story, provided each story's body is short; if one is
/// long, only the heads with cues do.
fn listed_heads(page: &Page, heads: &[Head], max_listed_lines: usize) -> Vec<Start> {
    let lines = &page.lines;
    let ends = heads.iter().skip(1).map(|h| h.first).chain([lines.len()]);
    let short = heads.iter().zip(ends).all(|(h, end)| {
        let body = (h.title + 1..end).filter(|&i| lines[i].is_content()).count();
        body <= max_listed_lines
    });
    if !short {
        return cued_heads(page, heads);
    }
    heads
        .iter()
        .map(|h| {
            let cues: Vec<Reason> = dateline(page, h).into_iter().chain(tail(page, h.first)).collect();
            let reasons = if cues.is_empty() {
                vec![Reason::ListedHeadline]
            } else {
                cues
            };
            start_at(h, reasons)
        })
        .collect()
}

/// On a list page without headlines: every paragraph of running text after the page header
/// starts a story. A paragraph is a run of content lines between blank or furniture lines.
fn listed_paragraphs(page: &Page, header_end: usize) -> Vec<Start> {
    let lines = &page.lines;
    paragraph_starts(lines, header_end, lines.len())
        .filter(|&i| lines[i].prose)
        .map(|i| Start {
            first: i,
            title: None,
            reasons: vec![Reason::ListedParagraph],
        })
        .collect()
}

/// Adds, inside each story of a list page, a start at every later paragraph that opens with
/// an entry cue.
fn with_entries(page: &Page, starts: Vec<Start>) -> Vec<Start> {
    let lines = &page.lines;
    let mut out = Vec::with_capacity(starts.len());
    let ends: Vec<usize> = starts.iter().skip(1).map(|s| s.first).chain([lines.len()]).collect();
    for (start, end) in starts.into_iter().zip(ends) {
        let body_from = start.title.map_or(start.first, |t| t + 1);
        let entries: Vec<Start> = paragraph_starts(lines, body_from, end)
            .skip(1)
            .filter_map(|i| {
                let hit = page.cue(i, CueKind::Entry)?;
                Some(Start {
                    first: i,
                    title: None,
                    reasons: vec![Reason::Cue { hit, line: i }],
                })
            })
            .collect();
        out.push(start);
        out.extend(entries);
    }
    out
}

/// First lines of the paragraphs among `lines[from..to]`.
fn paragraph_starts(lines: &[Line], from: usize, to: usize) -> impl Iterator<Item = usize> + '_ {
    (from..to).filter(move |&i| lines[i].is_content() && (i == from || !lines[i - 1].is_content()))
}

/// A dateline cue on a kicker line above the headline ("26.11.2024", "14:30") or on one of the
/// two non-blank lines under it ("TASHKENT (TCA) —", "By: Reuters").
fn dateline(page: &Page, head: &Head) -> Option<Reason> {
    let above = (head.first..head.title).find_map(|line| {
        let hit = page.cue(line, CueKind::Dateline)?;
        Some(Reason::Cue { hit, line })
    });
    let title = head.title;
    above.or_else(|| under(page, title))
}

fn under(page: &Page, title: usize) -> Option<Reason> {
    let lines = &page.lines;
    lines[title + 1..]
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.blank)
        .take(2)
        .take_while(|(_, l)| !l.headline)
        .find_map(|(k, _)| {
            let line = title + 1 + k;
            page.cue(line, CueKind::Dateline).map(|hit| Reason::Cue { hit, line })
        })
}

/// A tail cue on the last non-blank line above `first`.
fn tail(page: &Page, first: usize) -> Option<Reason> {
    let lines = &page.lines;
    let line = (0..first).rev().find(|&i| !lines[i].blank)?;
    page.cue(line, CueKind::Tail).map(|hit| Reason::Cue { hit, line })
}

fn start_at(head: &Head, reasons: Vec<Reason>) -> Start {
    Start {
        first: head.first,
        title: Some(head.title),
        reasons,
    }
}
