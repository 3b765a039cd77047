//! The extractors, one module per kind of mention. Each is pure: text and compiled rules in,
//! mentions with character spans (relative to the story text) out.

pub mod countries;
pub mod dates;
pub mod leaders;
pub mod money;
pub mod sectors;

use crate::rules::LanguageRules;
use crate::story::StoryText;
use crate::text::Span;

use self::countries::CountryMention;
use self::dates::DateMention;
use self::leaders::Leaders;
use self::money::MoneyMention;
use self::sectors::SectorMention;

/// Every mention the extractors find in one story, in story offsets.
#[derive(Debug, Clone, Default)]
pub struct Mentions {
    /// Dates, not yet resolved.
    pub dates: Vec<DateMention>,
    /// Money amounts.
    pub money: Vec<MoneyMention>,
    /// Countries, outside money amounts.
    pub countries: Vec<CountryMention>,
    /// People, and offices named without a person.
    pub leaders: Leaders,
    /// Sector terms.
    pub sectors: Vec<SectorMention>,
}

/// Runs every extractor of one language over a story.
pub fn story(story: &StoryText, rules: &LanguageRules) -> Mentions {
    let dates = dates::extract(story, &rules.dates);
    let money = money::extract(story, &rules.money);
    // A country inside an amount names its currency ("Kazakhstan tenge"), not the country.
    let countries = outside(countries::extract(story, &rules.countries), &money);
    // The leader extractor reads the countries: a country is not a name, and it says whose
    // office a title is.
    let leaders = leaders::extract(story, &rules.leaders, &countries);
    let sectors = sectors::extract(story, &rules.sectors);
    Mentions {
        dates,
        money,
        countries,
        leaders,
        sectors,
    }
}

/// The country mentions that are not part of a money mention. Money mentions are disjoint and
/// in text order, so the one that could hold a country mention is found by binary search.
fn outside(countries: Vec<CountryMention>, money: &[MoneyMention]) -> Vec<CountryMention> {
    let inside_money = |span: &Span| {
        let at = money.partition_point(|m| m.span.end < span.end);
        money.get(at).is_some_and(|m| m.span.contains(span))
    };
    countries.into_iter().filter(|c| !inside_money(&c.span)).collect()
}
