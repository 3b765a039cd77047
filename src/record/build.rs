//! Records from resolved mentions: story offsets become file offsets, mentions become the
//! output types of `RECORDS.md`, and every mention gets its row in `mentions`.

use super::{CountryOut, DateOut, LeaderOut, MentionKind, MentionRow, MoneyOut, Record, SectorOut};
use crate::extract::countries::CountryMention;
use crate::extract::leaders::LeaderMention;
use crate::extract::money::MoneyMention;
use crate::extract::sectors::SectorMention;
use crate::resolve::dates::ResolvedDate;
use crate::resolve::Resolved;
use crate::rules::id::RuleId;
use crate::rules::LanguageRules;
use crate::text::{CharIndex, FileSpan, Span};

/// Where a story lies in its file: turns story spans into file offsets and original text.
#[derive(Debug, Clone, Copy)]
pub struct Placement<'a> {
    /// The decoded file.
    pub file: &'a str,
    /// The file's character index.
    pub index: &'a CharIndex,
    /// The story's characters in the file.
    pub range: FileSpan,
}

impl Placement<'_> {
    /// The file's text (not the story's, whose furniture is blanked) at story span `span`.
    fn original(&self, span: Span) -> String {
        span.in_file(self.range).slice(self.file, self.index).to_owned()
    }

    /// The file offsets of story span `span`.
    fn offsets(&self, span: Span) -> (usize, usize) {
        let in_file = span.in_file(self.range);
        (in_file.start, in_file.end)
    }

    /// The mention row of `kind` at story span `span`.
    fn row(&self, kind: MentionKind, span: Span, value: String, rule: &RuleId) -> MentionRow {
        let (start, end) = self.offsets(span);
        MentionRow {
            kind,
            text: self.original(span),
            value,
            start,
            end,
            rule: rule.clone(),
        }
    }
}

/// Fills `record` with a story's resolved mentions, and its mention rows in text order.
pub fn fill(record: &mut Record, resolved: Resolved, at: &Placement<'_>, rules: &LanguageRules) {
    record.published = resolved.published.map(|d| d.format("%Y-%m-%d").to_string());
    record.event_date = resolved.event_date;
    add_dates(record, at, &resolved.dates);
    add_leaders(record, at, &resolved.leaders);
    add_money(record, at, resolved.money);
    add_sectors(record, at, resolved.sectors, rules);
    add_countries(record, at, &resolved.countries, rules);
    record
        .mentions
        .sort_by(|a, b| a.start.cmp(&b.start).then(a.end.cmp(&b.end)).then(a.kind.cmp(&b.kind)));
}

/// Dates: every resolved mention, in text order.
fn add_dates(record: &mut Record, at: &Placement<'_>, dates: &[ResolvedDate]) {
    for d in dates {
        let (start, end) = at.offsets(d.span);
        let out = DateOut {
            text: at.original(d.span),
            start,
            end,
            value: d.value.clone(),
            kind: d.kind.as_str().into(),
            year_source: d.year_source.as_str().into(),
            rule: d.rule.clone(),
        };
        record
            .mentions
            .push(at.row(MentionKind::Date, d.span, out.value.clone(), &out.rule));
        record.dates.push(out);
    }
}

/// Leaders: one entry per person, with a row for each of their mentions.
fn add_leaders(record: &mut Record, at: &Placement<'_>, people: &[LeaderMention]) {
    for l in people {
        let (start, end) = at.offsets(l.span);
        let out = LeaderOut {
            name: l.name.clone(),
            text: at.original(l.span),
            title: l.title.clone(),
            country: l.country.clone(),
            mentions: l.mentions,
            start,
            end,
            rule: l.rule.clone(),
        };
        for span in &l.spans {
            record
                .mentions
                .push(at.row(MentionKind::Leader, *span, out.name.clone(), &out.rule));
        }
        record.leaders.push(out);
    }
}

/// Money: every amount, in text order.
fn add_money(record: &mut Record, at: &Placement<'_>, mentions: Vec<MoneyMention>) {
    for m in mentions {
        let (start, end) = at.offsets(m.span);
        let out = MoneyOut {
            text: at.original(m.span),
            start,
            end,
            amount: m.amount,
            amount_max: m.amount_max,
            currency: m.currency,
            qualifier: m.qualifier,
            rule: m.rule,
        };
        record
            .mentions
            .push(at.row(MentionKind::Money, m.span, out.value(), &out.rule));
        record.money.push(out);
    }
}

/// Sectors: one entry per sector, with its count and distinct terms, in order of first mention.
fn add_sectors(record: &mut Record, at: &Placement<'_>, mentions: Vec<SectorMention>, rules: &LanguageRules) {
    for s in mentions {
        record
            .mentions
            .push(at.row(MentionKind::Sector, s.span, s.sector.clone(), &s.rule));
        let index = match record.sectors.iter().position(|o| o.id == s.sector) {
            Some(i) => i,
            None => {
                record.sectors.push(SectorOut {
                    label: rules.sectors.labels.get(&s.sector).cloned().unwrap_or_default(),
                    id: s.sector.clone(),
                    mentions: 0,
                    evidence: Vec::new(),
                    rule: s.rule.clone(),
                });
                record.sectors.len() - 1
            }
        };
        let entry = &mut record.sectors[index];
        entry.mentions += 1;
        if !entry.evidence.contains(&s.term) {
            entry.evidence.push(s.term);
        }
    }
}

/// Countries: one entry per country, with its count, in order of first mention.
fn add_countries(record: &mut Record, at: &Placement<'_>, mentions: &[CountryMention], rules: &LanguageRules) {
    for c in mentions {
        record
            .mentions
            .push(at.row(MentionKind::Country, c.span, c.code.clone(), &c.rule));
        match record.countries.iter_mut().find(|o| o.code == c.code) {
            Some(o) => o.mentions += 1,
            None => record.countries.push(CountryOut {
                code: c.code.clone(),
                name: rules.countries.names.get(&c.code).cloned().unwrap_or_default(),
                mentions: 1,
            }),
        }
    }
}
