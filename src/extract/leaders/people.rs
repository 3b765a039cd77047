//! The last stage of the leader extractor: mentions grouped by person, with the surname-only
//! mentions ("Tokajew dankte ...") of people found by a title counted too.

use crate::rules::leaders::GAZETTEER_RULE;
use foldhash::fast::FixedState;
use std::collections::{HashMap, HashSet};

use super::scan::Scan;
use super::{Found, LeaderMention};
use crate::text::Span;

/// One entry per person (by canonical name) in order of first mention, each with every
/// mention's span.
pub(super) fn group(scan: &Scan, mut found: Vec<Found>) -> Vec<LeaderMention> {
    found.sort_by_key(|f| f.span.start);
    let mut people: Vec<LeaderMention> = Vec::new();
    let mut spans: Vec<Vec<Span>> = Vec::new();
    let mut by_name: HashMap<String, usize, FixedState> = HashMap::default();
    for f in found {
        match by_name.get(f.name.as_str()) {
            Some(&i) => {
                spans[i].push(f.span);
                let p = &mut people[i];
                p.title = p.title.take().or(f.title);
                p.country = p.country.take().or(f.country);
            }
            None => {
                by_name.insert(f.name.clone(), people.len());
                spans.push(vec![f.span]);
                people.push(LeaderMention {
                    name: f.name,
                    span: f.span,
                    title: f.title,
                    country: f.country,
                    mentions: 0,
                    spans: Vec::new(),
                    rule: f.rule,
                });
            }
        }
    }
    add_surname_mentions(scan, &people, &mut spans);
    for (p, mut s) in people.iter_mut().zip(spans) {
        s.sort();
        p.mentions = s.len();
        p.span = s[0];
        p.spans = s;
    }
    people.sort_by_key(|p| p.span.start);
    people
}

/// The surname of `p` as the story writes it (the canonical name may be respelled).
fn written_surname<'a>(scan: &Scan<'a>, p: &LeaderMention) -> &'a str {
    let written = scan.slice(p.span.start, p.span.end);
    written.split_whitespace().last().unwrap_or("")
}

/// Adds to each title-found person's `spans` the name-run tokens that are their surname and
/// not already inside one of their mentions; the tokens are indexed once.
fn add_surname_mentions(scan: &Scan, people: &[LeaderMention], spans: &mut [Vec<Span>]) {
    let wanted: HashSet<&str, FixedState> = people
        .iter()
        .filter(|p| p.rule != GAZETTEER_RULE)
        .map(|p| written_surname(scan, p))
        .collect();
    let mut surname_tokens: HashMap<&str, Vec<Span>, FixedState> = HashMap::default();
    for tok in scan.runs.iter().flat_map(|&(a, b)| &scan.toks[a..b]) {
        if wanted.contains(tok.text) {
            surname_tokens.entry(tok.text).or_default().push(tok.span);
        }
    }
    for (p, s) in people.iter().zip(spans.iter_mut()) {
        s.sort();
        s.dedup();
        if p.rule == GAZETTEER_RULE {
            continue;
        }
        let unnamed: Vec<Span> = surname_tokens
            .get(written_surname(scan, p))
            .into_iter()
            .flatten()
            .filter(|tok| {
                let after = s.partition_point(|n| n.end <= tok.start);
                s.get(after).is_none_or(|n| !n.overlaps(tok))
            })
            .copied()
            .collect();
        s.extend(unnamed);
    }
}
