//! The gazetteer stage of the leader extractor: people of `rules/common/leaders.csv` named in
//! the story, by a short name in capitals ("MBS") or by the longest part of a name run whose
//! key names a person ("Kassym-Schomart Tokajew").

use super::scan::Scan;
use super::Found;
use crate::rules::leaders::{in_capitals, name_words_key};

/// A gazetteer name is looked up over at most this many tokens of a run.
const MAX_GAZETTEER_TOKENS: usize = 5;

/// Every gazetteer person the story names, in token order of the two passes.
pub(super) fn gazetteer_people(scan: &Scan) -> Vec<Found> {
    let mut found = short_names_in_capitals(scan);
    for &(a, b) in &scan.runs {
        longest_names_in_run(scan, a, b, &mut found);
    }
    found
}

/// A gazetteer person found over tokens `a..b`.
fn person(scan: &Scan, id: usize, (a, b): (usize, usize)) -> Found {
    let p = scan.rules.gazetteer.person(id);
    Found {
        name: p.name.clone(),
        toks: (a, b),
        span: scan.run_span(a, b),
        title: None,
        country: p.country.clone(),
        rule: scan.rules.gazetteer_rule.clone(),
    }
}

/// Short names written in capitals ("MBS"), which are not name-like tokens.
fn short_names_in_capitals(scan: &Scan) -> Vec<Found> {
    let mut found = Vec::new();
    for (k, t) in scan.toks.iter().enumerate() {
        if in_capitals(t.text) {
            if let Some(id) = scan.rules.gazetteer.short(t.text) {
                found.push(person(scan, id, (k, k + 1)));
            }
        }
    }
    found
}

/// The longest sub-runs of run `a..b`, left to right, whose key names a person. After a
/// particle inside a run the name goes on, so nothing is looked up there ("Hamdan bin
/// Mohammed bin Rashid Al Maktoum" is not Mohammed bin Rashid Al Maktoum).
fn longest_names_in_run(scan: &Scan, a: usize, b: usize, found: &mut Vec<Found>) {
    let gazetteer = &scan.rules.gazetteer;
    let word_keys: Vec<String> = scan.toks[a..b].iter().map(|t| name_words_key(t.text)).collect();
    let mut key = String::new();
    let mut k = a;
    while k < b {
        if k > a && scan.particle(k - 1) {
            k += 1;
            continue;
        }
        let hit = (k + 1..=(k + MAX_GAZETTEER_TOKENS).min(b)).rev().find_map(|e| {
            let id = if e - k >= 2 {
                join_keys(&mut key, &word_keys[k - a..e - a]);
                gazetteer.full(&key)
            } else {
                gazetteer.short_keyed(scan.toks[k].text, &word_keys[k - a])
            };
            id.map(|id| (e, id))
        });
        match hit {
            Some((e, id)) => {
                found.push(person(scan, id, (k, e)));
                k = e;
            }
            None => k += 1,
        }
    }
}

/// Writes into `key` the [`name_key`](crate::rules::leaders::name_key) of words whose
/// [`name_words_key`]s are `word_keys`: the non-empty ones joined by spaces.
fn join_keys(key: &mut String, word_keys: &[String]) {
    key.clear();
    for word in word_keys.iter().filter(|w| !w.is_empty()) {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::story::StoryText;

    fn names(text: &str) -> Vec<String> {
        let rules = crate::rules::test_rules();
        let lr = &rules.languages[&Lang::En];
        let story = StoryText::new(text);
        let countries = crate::extract::countries::extract(&story, &lr.countries);
        let hits = lr.leaders.titles.find(text);
        let scan = Scan::new(&story, &lr.leaders, &countries, &hits);
        gazetteer_people(&scan).into_iter().map(|f| f.name).collect()
    }

    #[test]
    fn word_keys_join_without_empty_ones() {
        let table: [(&[&str], &str); 4] = [
            (&["ka1sim", "toka1ev"], "ka1sim toka1ev"),
            (&["", "a", "", "b"], "a b"),
            (&["", ""], ""),
            (&["mo hammed"], "mo hammed"),
        ];
        let mut key = "left over".to_owned();
        for (words, joined) in table {
            let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            join_keys(&mut key, &words);
            assert_eq!(key, joined, "{words:?}");
        }
    }

    #[test]
    fn the_gazetteer_finds_short_capitals_and_the_longest_name() {
        assert_eq!(
            names("MBS met Tokayev."),
            ["Mohammed bin Salman", "Kassym-Jomart Tokayev"]
        );
        assert!(names("Sheikh Hamdan bin Mohammed bin Rashid Al Maktoum spoke.").is_empty());
    }
}
