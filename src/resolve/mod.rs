//! Resolution: work that needs more than one mention or more than one extractor, such as
//! inferring the year of a date from the story's published date.

pub mod dates;
pub mod event;
pub mod leaders;
pub mod published;

use chrono::NaiveDate;

use self::dates::ResolvedDate;
use crate::extract::countries::CountryMention;
use crate::extract::leaders::LeaderMention;
use crate::extract::money::MoneyMention;
use crate::extract::sectors::SectorMention;
use crate::extract::Mentions;
use crate::rules::LanguageRules;
use crate::story::StoryText;
use crate::text::Span;

/// What resolution knows of a story besides its mentions.
#[derive(Debug, Clone, Copy)]
pub struct StoryContext<'a> {
    /// The story's text.
    pub text: &'a StoryText<'a>,
    /// Its lines, furniture excluded.
    pub lines: &'a [Span],
    /// Its headline line, if it has one.
    pub title_line: Option<Span>,
    /// The publication date given from outside the text, used when the text prints none.
    pub published: Option<NaiveDate>,
    /// The `--reference-date`: the anchor of a story without a published date.
    pub reference: NaiveDate,
}

/// A story's mentions after resolution, still in story offsets.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The publication date: printed in the text, else given.
    pub published: Option<NaiveDate>,
    /// The day or month of the story's main event (ISO 8601).
    pub event_date: Option<String>,
    /// Every date with its value.
    pub dates: Vec<ResolvedDate>,
    /// The people, with the offices they held on the story's date.
    pub leaders: Vec<LeaderMention>,
    /// Money amounts.
    pub money: Vec<MoneyMention>,
    /// Countries.
    pub countries: Vec<CountryMention>,
    /// Sector terms.
    pub sectors: Vec<SectorMention>,
}

/// Resolves one story's mentions: the published date, the dates' values, the event date, and
/// the offices people held on the story's date.
pub fn story(mentions: Mentions, context: StoryContext<'_>, rules: &LanguageRules) -> Resolved {
    let date_rules = &rules.dates;
    let printed = published::published(&mentions.dates, context.lines, context.text, date_rules);
    let published = printed.map(|(_, day)| day).or(context.published);
    let resolved = dates::resolve(&mentions.dates, published, context.reference);
    let lead = event::lead(context.text, context.lines, context.title_line, date_rules);
    let printed_line = printed.map(|(line, _)| line);
    let event_date = event::event_date(&resolved, lead, context.text, date_rules, printed_line, published);
    let story_date = dates::story_date(published, &resolved);
    let mut people = mentions.leaders.people;
    leaders::resolve_offices(
        &mut people,
        &mentions.leaders.offices,
        rules.leaders.gazetteer(),
        story_date,
    );
    Resolved {
        published,
        event_date,
        dates: resolved,
        leaders: people,
        money: mentions.money,
        countries: mentions.countries,
        sectors: mentions.sectors,
    }
}
