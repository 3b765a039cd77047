//! The second stage of the leader extractor: people named next to a title phrase
//! ("President Tokayev", "the President of Slovakia, Peter Pellegrini", "Rashid Meredov,
//! Minister of Foreign Affairs"), each with the title and the country the text gives them,
//! and offices named without a person ("the Korean president").

use std::collections::{HashMap, HashSet};

use foldhash::fast::FixedState;

use super::scan::{starts_upper, Scan, Tok};
use super::{Found, FoundIndex, OfficeMention};
use crate::rules::leaders::LeaderRules;
use crate::rules::terms::TermHit;

/// An of-phrase after a title ("Deputy Director of the Institute for Strategic and Regional
/// Studies under the President of the Republic of Uzbekistan Sanjar Valiyev") is read over at
/// most this many tokens, so a page of capitalised words costs linear time.
const MAX_OF_PHRASE: usize = 32;

/// A person not in the gazetteer has at most this many name words, particles aside.
const MAX_NAME_WORDS: usize = 4;

/// A title phrase read over the tokens.
struct TitleAt<'a> {
    /// The title's first and last token.
    first: usize,
    last: usize,
    /// The first token with the modifiers before the title ("First Deputy").
    lo: usize,
    /// The title phrase as written.
    text: &'a str,
    /// A country word right before the title and its modifiers ("Kazakhstan First Deputy
    /// Foreign Minister").
    country: Option<&'a str>,
}

/// The words after a title up to its name: an of-phrase ("of the Republic of Korea").
struct OfPhrase<'a> {
    /// One past its last token.
    end: usize,
    /// The last token of the phrase that cannot be part of a name.
    last_non_name: usize,
    /// The first country in it.
    country: Option<&'a str>,
    /// The token where a second title joined by "and" starts ("Minister of Trade and Deputy
    /// PM, Denis Manturov").
    next_title: Option<usize>,
}

/// The tokens of the name a title goes with.
struct Candidate {
    /// First token and one past the last.
    toks: (usize, usize),
    /// Right after the title ("Ständerat Sommaruga"): a surname alone will do.
    direct: bool,
}

/// Reads the title `hit` over the tokens. A title may start or end inside a token
/// ("Abgeordnete" in "EU-Abgeordnete"): it then covers every token it touches, so token and
/// character positions agree.
fn title_at<'a>(scan: &Scan<'a>, hit: &TermHit) -> Option<TitleAt<'a>> {
    let toks = &scan.toks;
    let first = toks.partition_point(|t| t.span.end <= hit.span.start);
    if first == toks.len() {
        return None;
    }
    let mut last = first;
    while last + 1 < toks.len() && toks[last + 1].span.start < hit.span.end {
        last += 1;
    }
    let mut lo = first;
    while lo > 0 && toks[lo].joined && scan.rules.modifiers.contains(toks[lo - 1].text) {
        lo -= 1;
    }
    let country = (lo > 0 && toks[lo].joined).then(|| scan.country_at(lo - 1)).flatten();
    Some(TitleAt {
        first,
        last,
        lo,
        text: scan.slice(hit.span.start, hit.span.end),
        country,
    })
}

/// Reads the of-phrase after title `t`: joiners and capitalised words, a bracketed
/// abbreviation among them ("Emirate (VAE)"); it stops before a second title joined by "and".
fn of_phrase<'a>(scan: &Scan<'a>, t: &TitleAt) -> OfPhrase<'a> {
    let toks = &scan.toks;
    let last = t.last;
    let mut j = last + 1;
    let mut country = None;
    let mut last_non_name = last;
    let mut next_title = None;
    if j < toks.len() && toks[j].joined && scan.joiner(j) {
        while j < toks.len()
            && j - last <= MAX_OF_PHRASE
            && toks[j].joined
            && (scan.joiner(j) || starts_upper(toks[j].text))
        {
            if is_bracketed_abbreviation(toks, j + 1) {
                country = country.or_else(|| scan.country_at(j));
                j += 4;
                last_non_name = j - 1;
                continue;
            }
            let coordinated_title = scan.is_and(j)
                && toks
                    .get(j + 1)
                    .is_some_and(|n| scan.in_title(j + 1) || scan.rules.modifiers.contains(n.text));
            if coordinated_title {
                next_title = Some(j + 1);
                break;
            }
            country = country.or_else(|| scan.country_at(j));
            if !scan.nameish[j] {
                last_non_name = j;
            }
            j += 1;
        }
    }
    while j > last + 1 && scan.joiner(j - 1) {
        j -= 1;
    }
    if let Some(k) = (last + 1..j).rev().find(|&k| !scan.nameish[k]) {
        last_non_name = k;
    } else if j == last + 1 {
        last_non_name = last;
    }
    OfPhrase {
        end: j,
        last_non_name,
        country,
        next_title,
    }
}

/// True for "(" ABBREVIATION ")" starting at token `k`.
fn is_bracketed_abbreviation(toks: &[Tok], k: usize) -> bool {
    toks.get(k).is_some_and(|t| t.text == "(") && toks.get(k + 2).is_some_and(|t| t.text == ")")
}

/// The name title `t` goes with: after its of-phrase, after a comma, right after it, or
/// before it after a comma ("Rashid Meredov, Minister of ...").
fn candidate(scan: &Scan, t: &TitleAt, phrase: &OfPhrase) -> Option<Candidate> {
    let toks = &scan.toks;
    let (j, last_non_name) = (phrase.end, phrase.last_non_name);
    let mut candidate: Option<(usize, usize)> = None;
    let mut direct = false;
    if j > last_non_name + 1 && !scan.is_and(last_non_name) {
        // "Minister of Economy of Bavaria Hubert Aiwanger": a run of three or more words
        // right after `of` starts with the place the title is of.
        let object_of_joiner = scan.joiner(last_non_name);
        let start = if object_of_joiner && j - (last_non_name + 1) >= 3 {
            last_non_name + 2
        } else {
            last_non_name + 1
        };
        candidate = Some((start, j));
    }
    let after_comma = j + 1 < toks.len() && toks[j].text == "," && scan.nameish[j + 1];
    if after_comma && candidate.is_none_or(|(a, b)| b - a < 2) {
        // The name follows a comma: "the President of Slovakia, Peter Pellegrini"; also when
        // the phrase ends in one capitalised word ("der Präsident der Bahn, Wladimir Jakunin").
        candidate = scan.run_from(j + 1).or(candidate);
    } else if candidate.is_none() && j == t.last + 1 && j < toks.len() && toks[j].joined && scan.nameish[j] {
        candidate = scan.run_from(j);
        direct = true;
    }
    // Or a name right before, also when the words after the title end in a single
    // capitalised word ("secretary of the Economic Relations Division").
    let lone_word = candidate.is_some_and(|(a, b)| b - a < 2) && !direct;
    if (candidate.is_none() || lone_word) && t.lo >= 2 {
        candidate = name_before(scan, t).or(candidate);
    }
    candidate.map(|toks| Candidate { toks, direct })
}

/// The name before title `t` and a comma: "Rashid Meredov, Minister of ...", "Dilshod
/// Akhatov, the Ambassador of ..." (an article may stand after the comma).
fn name_before(scan: &Scan, t: &TitleAt) -> Option<(usize, usize)> {
    let mut comma = if t.country.is_some() {
        t.lo.checked_sub(2)
    } else {
        t.lo.checked_sub(1)
    };
    if let Some(c) = comma.filter(|&c| c >= 1 && scan.rules.articles.contains(&scan.toks[c].text.to_lowercase())) {
        comma = c.checked_sub(1);
    }
    comma
        .filter(|&c| c >= 1 && scan.toks[c].text == ",")
        .and_then(|c| scan.run_until(c))
}

/// The country of an organisation named right before a title ("Swiss National Bank Chairman"):
/// a country word among the capitalised words before token `lo`, with an organisation word
/// ("Bank") among them.
fn org_country<'a>(scan: &Scan<'a>, lo: usize) -> Option<&'a str> {
    const MAX_ORG_WORDS: usize = 5;
    let toks = &scan.toks;
    let mut org = false;
    let mut k = lo;
    while k > 0 && lo - k < MAX_ORG_WORDS && toks[k].joined {
        k -= 1;
        if let Some(code) = scan.country_at(k) {
            return org.then_some(code);
        }
        if !starts_upper(toks[k].text) {
            return None;
        }
        org |= scan.rules.org_heads.contains(toks[k].text);
    }
    None
}

/// The country of a party written in brackets right after a name ending before token `b`
/// ("Sebastian Kurz (ÖVP)", "Anja Karliczek (CDU, ...)", "Carlo Sommaruga (sp, GE)"); any case.
fn party_country<'a>(toks: &[Tok], b: usize, rules: &'a LeaderRules) -> Option<&'a str> {
    toks.get(b).filter(|t| t.text == "(")?;
    let party = toks.get(b + 1)?;
    let close = toks.get(b + 2)?;
    if close.text != ")" && close.text != "," {
        return None;
    }
    rules
        .party_countries
        .get(&party.text.to_lowercase())
        .map(String::as_str)
}

/// The country a title implies (`title_countries`, the longest key the title contains): of its
/// codes, the first the story names (`named`), else the first.
fn title_country<'a>(rules: &'a LeaderRules, title: &str, named: impl Fn(&str) -> bool) -> Option<&'a str> {
    let (_, codes) = rules
        .title_countries
        .iter()
        .filter(|(t, _)| title.contains(t.as_str()))
        .max_by_key(|(t, _)| t.len())?;
    codes.iter().find(|c| named(c)).or(codes.first()).map(String::as_str)
}

/// The title stage: people found so far, and what a title learns from those before it.
struct TitleStage<'s, 'a> {
    scan: &'s Scan<'a>,
    found: Vec<Found>,
    found_at: FoundIndex,
    /// Per token: the person that ends right before it, or [`NO_FOUND`], for lists of titled
    /// people ("Staatspräsident Alar Karis, Premierministerin Kaja Kallas und
    /// Verteidigungsminister Hanno Pevkur").
    found_until: Vec<u32>,
    /// Per person found: whether their title follows a comma (a member of a list).
    in_list: Vec<bool>,
    /// Every word of every name found, so that a surname alone is not one of them; made when
    /// first asked for.
    found_words: Option<HashSet<String, FixedState>>,
    /// A country carried to the title that starts at a token: the title before it names the
    /// country and goes on with another title ("Russian Minister of Trade and Deputy PM, Denis
    /// Manturov"; "Aussenminister der VAE, Scheich Abdullah ...").
    carried: HashMap<usize, &'a str, FixedState>,
    offices: Vec<OfficeMention>,
}

impl<'a> TitleStage<'_, 'a> {
    /// Reads one title phrase: finds its name, or records the office without one.
    fn read(&mut self, hit: &TermHit) {
        let scan = self.scan;
        let Some(t) = title_at(scan, hit) else {
            return;
        };
        let phrase = of_phrase(scan, &t);
        if let (Some(next), Some(code)) = (phrase.next_title, t.country.or(phrase.country)) {
            self.carried.insert(next, code);
        }
        let Some(c) = candidate(scan, &t, &phrase) else {
            self.no_name(hit, &t, &phrase);
            return;
        };
        let (a, b) = c.toks;
        if (a..b).filter(|&k| !scan.particle(k)).count() > MAX_NAME_WORDS || b - a > 2 * MAX_NAME_WORDS {
            return;
        }
        let comma_before = t.lo.checked_sub(1).is_some_and(|s| scan.toks[s].text == ",");
        let country = self.country(&t, &phrase, b, comma_before);
        let title = Some(scan.text(scan.toks[t.lo].span.start, hit.span.end));
        if let Some(i) = self.found_at.nested(&self.found, (a, b)) {
            if comma_before {
                self.in_list[i] = true;
            }
            let f = &mut self.found[i];
            f.title = f.title.take().or(title);
            f.country = f.country.take().or(country);
            return;
        }
        // A surname alone after a written-out title (not an abbreviation such as "PM", which
        // also ends times: "1:51 PM Last updated"), and not a word of a name already found
        // ("Sheikh Mohammed" after "Mohammed bin Rashid Al Maktoum").
        let surname_alone = c.direct
            && b - a == 1
            && t.text.chars().count() >= 4
            && scan.toks[a].text.chars().filter(|c| c.is_alphabetic()).count() >= 3
            && !self.found_word(scan.toks[a].text);
        if b - a < 2 && !surname_alone {
            return;
        }
        let written = scan.run_text(a, b);
        let name = scan.rules.respelling.apply(&written).unwrap_or(written);
        let country = country.or_else(|| scan.rules.origins.country_of(&name));
        self.add(
            Found {
                toks: (a, b),
                span: scan.run_span(a, b),
                title,
                country,
                rule: scan.rules.title_rule.clone(),
                name,
            },
            comma_before,
        );
    }

    /// A title without a name: it may carry its country to a title after a comma, and a
    /// bare office with a country is recorded for resolution by date.
    fn no_name(&mut self, hit: &TermHit, t: &TitleAt<'a>, phrase: &OfPhrase<'a>) {
        let scan = self.scan;
        let j = phrase.end;
        let country = t.country.or(phrase.country);
        // "der Aussenminister der VAE, Scheich Abdullah ...": the next title takes the country.
        if j + 1 < scan.toks.len() && scan.toks[j].text == "," && scan.in_title(j + 1) {
            if let Some(code) = country {
                self.carried.insert(j + 1, code);
            }
        }
        let role = scan.rules.title_roles.get(t.text);
        if let (Some(role), Some(code), true) = (role, country, t.lo == t.first) {
            self.offices.push(OfficeMention {
                span: hit.span,
                title: t.text.to_owned(),
                country: code.to_owned(),
                role: role.clone(),
            });
        }
    }

    /// The country of the person a title goes with, from the first evidence that gives one:
    /// next to the title, in its of-phrase, carried from a title before, the organisation
    /// before it, a party after the name (which ends before token `b`), `title_countries`,
    /// and the person before in a list of three or more ("A, B und C"; two people joined by
    /// "and" often serve different states).
    fn country(&self, t: &TitleAt<'a>, phrase: &OfPhrase<'a>, b: usize, comma_before: bool) -> Option<String> {
        let scan = self.scan;
        let full_title = || scan.slice(scan.toks[t.lo].span.start, scan.toks[phrase.last_non_name].span.end);
        let listed_after = || {
            let s = t.lo.checked_sub(1)?;
            if scan.toks[s].text != "," && !scan.is_and(s) {
                return None;
            }
            let i = found_at(&self.found_until, s)?;
            (comma_before || self.in_list[i])
                .then(|| self.found[i].country.clone())
                .flatten()
        };
        t.country
            .or(phrase.country)
            .or_else(|| self.carried.get(&t.lo).or(self.carried.get(&t.first)).copied())
            .or_else(|| org_country(scan, t.lo))
            .or_else(|| party_country(&scan.toks, b, scan.rules))
            .or_else(|| title_country(scan.rules, full_title(), |code| scan.names_country(code)))
            .map(str::to_owned)
            .or_else(listed_after)
    }

    /// Records a new person.
    fn add(&mut self, f: Found, comma_before: bool) {
        let i = self.found.len();
        self.found_at.add(i, f.toks);
        mark_end(&mut self.found_until, f.toks.1, i);
        self.in_list.push(comma_before);
        if let Some(words) = &mut self.found_words {
            words.extend(f.name.split(' ').map(str::to_owned));
        }
        self.found.push(f);
    }

    /// True when `word` is a word of the name of a person found so far.
    fn found_word(&mut self, word: &str) -> bool {
        let found = &self.found;
        self.found_words
            .get_or_insert_with(|| {
                found
                    .iter()
                    .flat_map(|f| f.name.split(' ').map(str::to_owned))
                    .collect()
            })
            .contains(word)
    }
}

/// No person: an entry of `TitleStage::found_until`.
const NO_FOUND: u32 = u32::MAX;

/// Records in `until` that person `i` ends right before token `end`.
fn mark_end(until: &mut [u32], end: usize, i: usize) {
    until[end] = u32::try_from(i).expect("fewer people than characters");
}

/// The person that ends right before token `k`, by `until`.
fn found_at(until: &[u32], k: usize) -> Option<usize> {
    until.get(k).filter(|&&i| i != NO_FOUND).map(|&i| i as usize)
}

/// Adds to `found` (the gazetteer's people) the people named next to the title phrases
/// `hits`, in text order, and returns the offices named without a person.
pub(super) fn title_people(scan: &Scan, hits: &[TermHit], found: Vec<Found>) -> (Vec<Found>, Vec<OfficeMention>) {
    let mut found_until = vec![NO_FOUND; scan.toks.len() + 1];
    for (i, f) in found.iter().enumerate() {
        mark_end(&mut found_until, f.toks.1, i);
    }
    let mut stage = TitleStage {
        scan,
        found_at: FoundIndex::new(scan.toks.len(), &found),
        found_until,
        in_list: vec![false; found.len()],
        found_words: None,
        carried: HashMap::default(),
        offices: Vec::new(),
        found,
    };
    for hit in hits {
        stage.read(hit);
    }
    (stage.found, stage.offices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::story::StoryText;

    fn with_scan<T>(lang: &str, text: &str, f: impl FnOnce(&Scan, &[TermHit]) -> T) -> T {
        let rules = crate::rules::test_rules();
        let lr = &rules.language(lang).unwrap();
        let story = StoryText::new(text);
        let countries = crate::extract::countries::extract(&story, &lr.countries);
        let hits = lr.leaders.titles.find(text);
        let scan = Scan::new(&story, &lr.leaders, &countries, &hits);
        f(&scan, &hits)
    }

    #[test]
    fn an_of_phrase_runs_to_the_name_and_skips_bracketed_abbreviations() {
        let text = "der Aussenminister der Vereinigten Arabischen Emirate (VAE), Scheich Abdullah";
        with_scan("de", text, |scan, hits| {
            let t = title_at(scan, &hits[0]).unwrap();
            let phrase = of_phrase(scan, &t);
            assert_eq!(scan.toks[phrase.end].text, ",");
            assert_eq!(phrase.country, Some("AE"));
        });
    }

    #[test]
    fn countries_come_from_organisations_parties_and_title_lists() {
        with_scan("en", "Swiss National Bank Chairman Martin Schlegel", |scan, hits| {
            let t = title_at(scan, &hits[0]).unwrap();
            assert_eq!(org_country(scan, t.lo), Some("CH"));
        });
        with_scan("en", "the Bank Chairman Martin Schlegel", |scan, hits| {
            let t = title_at(scan, &hits[0]).unwrap();
            assert_eq!(org_country(scan, t.lo), None);
        });
        with_scan("de", "Ministerin Margarete Schramböck (ÖVP) sprach", |scan, _| {
            let b = scan.toks.iter().position(|t| t.text == "(").unwrap();
            assert_eq!(party_country(&scan.toks, b, scan.rules), Some("AT"));
        });
        with_scan("de", "Nationalrätin Bulliard-Marbach (mitte, FR) und", |scan, _| {
            let b = scan.toks.iter().position(|t| t.text == "(").unwrap();
            assert_eq!(party_country(&scan.toks, b, scan.rules), Some("CH"));
        });
        let rules = crate::rules::test_rules();
        let de = &rules.languages[&Lang::De].leaders;
        let named = |codes: &'static [&'static str]| move |code: &str| codes.contains(&code);
        assert_eq!(title_country(de, "Bundeskanzler", named(&["AT", "AE"])), Some("AT"));
        assert_eq!(title_country(de, "Bundeskanzler", named(&["FR"])), Some("DE"));
    }

    #[test]
    fn a_name_before_the_title_follows_a_comma() {
        with_scan(
            "en",
            "Rashid Meredov, Minister of Foreign Affairs, said",
            |scan, hits| {
                let t = title_at(scan, &hits[0]).unwrap();
                let (a, b) = name_before(scan, &t).unwrap();
                assert_eq!(scan.run_text(a, b), "Rashid Meredov");
            },
        );
    }
}
