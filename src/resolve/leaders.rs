//! Bare offices: "the Korean president" or "the President of Korea" without a name resolve to
//! the gazetteer's holder of that office on the story's date. A name always wins: an office
//! whose holder is already named counts as one more mention of that person.

use crate::rules::leaders::OFFICE_RULE;
use chrono::NaiveDate;

use crate::extract::leaders::{LeaderMention, OfficeMention};
use crate::rules::leaders::Gazetteer;

/// Adds the holders of `offices` to `people` (or counts a mention for those already there).
/// `date` is the story's date; without one, only offices with a single known holder resolve.
pub fn resolve_offices(
    people: &mut Vec<LeaderMention>,
    offices: &[OfficeMention],
    gazetteer: &Gazetteer,
    date: Option<NaiveDate>,
) {
    for office in offices {
        let Some(holder) = gazetteer.holder(&office.country, &office.role, date) else {
            continue;
        };
        let name = gazetteer.name(holder);
        match people.iter_mut().find(|p| p.name == name) {
            Some(p) => {
                if !p.spans.contains(&office.span) {
                    p.spans.push(office.span);
                    p.spans.sort();
                    p.mentions = p.spans.len();
                }
            }
            None => people.push(LeaderMention {
                name: name.to_owned(),
                span: office.span,
                title: Some(office.title.clone()),
                country: Some(office.country.clone()),
                mentions: 1,
                spans: vec![office.span],
                rule: OFFICE_RULE.into(),
            }),
        }
    }
    people.sort_by_key(|p| p.span.start);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::leaders::extract;

    fn leaders_on(text: &str, lang: &str, date: Option<NaiveDate>) -> Vec<String> {
        let rules = crate::rules::test_rules();
        let lr = &rules.language(lang).unwrap();
        let story = crate::story::StoryText::new(text);
        let found = extract(
            &story,
            &lr.leaders,
            &crate::extract::countries::extract(&story, &lr.countries),
        );
        let mut people = found.people;
        resolve_offices(&mut people, &found.offices, lr.leaders.gazetteer(), date);
        people.into_iter().map(|p| p.name).collect()
    }

    #[test]
    fn a_bare_office_resolves_by_date() {
        let text = "The Korean president welcomed the delegation in Seoul.";
        assert_eq!(
            leaders_on(text, "en", NaiveDate::from_ymd_opt(2021, 5, 1)),
            ["Moon Jae-in"]
        );
        assert_eq!(
            leaders_on(text, "en", NaiveDate::from_ymd_opt(2024, 6, 14)),
            ["Yoon Suk Yeol"]
        );
    }

    #[test]
    fn a_name_wins_over_the_office() {
        let text = "President Shavkat Mirziyoyev arrived. The President of Uzbekistan then spoke.";
        assert_eq!(
            leaders_on(text, "en", NaiveDate::from_ymd_opt(2024, 6, 14)),
            ["Shavkat Mirziyoyev"]
        );
    }

    #[test]
    fn former_and_deputy_offices_do_not_resolve() {
        let text = "The former President of Korea and the Vice President of Uzbekistan spoke.";
        assert!(leaders_on(text, "en", NaiveDate::from_ymd_opt(2024, 6, 14)).is_empty());
    }

    #[test]
    fn german_offices_resolve_too() {
        let text = "Der kasachische Präsident empfing die Delegation in Astana.";
        assert_eq!(
            leaders_on(text, "de", NaiveDate::from_ymd_opt(2024, 6, 14)),
            ["Kassym-Jomart Tokayev"]
        );
    }
}
