//! [`score`]: records (as serialized JSON) against gold rows, file by file and field by field,
//! with exactly the definitions of `score.py`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::gold::{GoldLeader, GoldMoney, GoldRow};
use super::python::{get, items, norm_name, norm_value, py_eq, show, truthy, Num, NULL};
use super::scores::{ExactField, ScoredField, Scores};

/// Scores records (as serialized JSON) against gold rows with exactly the definitions of
/// `score.py`.
pub fn score(gold: &[GoldRow], records: &[Value]) -> Scores {
    let mut by_file: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for r in records {
        by_file.entry(file_key(r)).or_default().push(r);
    }
    let mut s = Scores::default();
    for g in gold {
        let records: &[&Value] = by_file.get(&g.file).map_or(&[], Vec::as_slice);
        FileScoring { gold: g, records }.score(&mut s);
    }
    s
}

/// The input file a record came from: the file name of `source` (or of the id's stem).
pub(super) fn file_key(record: &Value) -> String {
    let src = match get(record, "source").as_str() {
        Some(s) if !s.is_empty() => s.to_owned(),
        _ => get(record, "id")
            .as_str()
            .unwrap_or("")
            .split('#')
            .next()
            .unwrap_or("")
            .to_owned(),
    };
    let src = src.replace('\\', "/");
    src.rsplit('/').next().unwrap_or("").to_owned()
}

/// Whether a gold date (or interval) matches a predicted value; a gold part starting with
/// `XXXX` matches any year.
pub fn date_match(gold: &str, pred: &Value) -> bool {
    let Some(pred) = pred.as_str() else {
        return false;
    };
    let (g_parts, p_parts): (Vec<&str>, Vec<&str>) = (gold.split('/').collect(), pred.split('/').collect());
    if g_parts.len() != p_parts.len() {
        return false;
    }
    g_parts.iter().zip(&p_parts).all(|(g, p)| {
        if g.chars().count() != p.chars().count() {
            false
        } else if g.starts_with("XXXX") {
            g.chars().skip(4).eq(p.chars().skip(4))
        } else {
            g == p
        }
    })
}

/// One distinct predicted value of a file, with the mention and the record it was first seen
/// in (for the error list).
struct Pred<'a, K> {
    key: K,
    item: &'a Value,
    record: &'a Value,
}

/// Keeps the first of each run of equal keys, in order (score.py's `uniq`).
fn uniq<'a, K>(items: impl Iterator<Item = Pred<'a, K>>, same: impl Fn(&K, &K) -> bool) -> Vec<Pred<'a, K>> {
    let mut out: Vec<Pred<'a, K>> = Vec::new();
    for p in items {
        if !out.iter().any(|o| same(&o.key, &p.key)) {
            out.push(p);
        }
    }
    out
}

/// The outcome of matching a file's predictions against its gold values.
#[derive(Debug, PartialEq)]
struct Matching<'g, 'p, G, P> {
    /// Gold values matched.
    matched: usize,
    /// Predictions that matched neither a gold nor an optional value.
    extra: Vec<&'p P>,
    /// Gold values left unmatched.
    missed: Vec<&'g G>,
}

/// Greedy one-to-one matching in prediction order: each prediction takes the first unmatched
/// gold value it matches; one that matches none is an extra unless it matches an optional
/// value.
fn match_sets<'g, 'p, G, P>(
    gold: &'g [G],
    pred: &'p [P],
    optional: &[G],
    same: impl Fn(&G, &P) -> bool,
) -> Matching<'g, 'p, G, P> {
    let mut missed: Vec<&G> = gold.iter().collect();
    let mut extra = Vec::new();
    for p in pred {
        if let Some(i) = missed.iter().position(|g| same(g, p)) {
            missed.remove(i);
        } else if !optional.iter().any(|o| same(o, p)) {
            extra.push(p);
        }
    }
    Matching {
        matched: gold.len() - missed.len(),
        extra,
        missed,
    }
}

/// The surface text of a mention, if it has one.
fn text_of(item: &Value, key: &str) -> Vec<String> {
    get(item, key)
        .as_str()
        .filter(|t| !t.is_empty())
        .map(|t| vec![t.to_owned()])
        .unwrap_or_default()
}

/// A predicted person: the normalized canonical name and surface text.
struct PersonKey {
    name: String,
    text: String,
}

/// How a gold person is matched with a predicted one.
#[derive(Debug, Clone, Copy)]
enum LeaderMatch {
    /// By the gold name or an alias, against the predicted name or text.
    Lenient,
    /// By the gold name against the predicted name.
    Canonical,
}

impl LeaderMatch {
    /// The field each way of matching is scored as.
    fn field(self) -> ScoredField {
        match self {
            LeaderMatch::Lenient => ScoredField::Leaders,
            LeaderMatch::Canonical => ScoredField::LeadersCanonical,
        }
    }

    /// Whether the gold person `gp` is the predicted person `pp`.
    fn same(self, gp: &GoldLeader, pp: &PersonKey) -> bool {
        match self {
            LeaderMatch::Lenient => lenient(gp, pp),
            LeaderMatch::Canonical => norm_name(&gp.name) == pp.name,
        }
    }
}

/// Whether any of the gold person's names is the predicted name or text.
fn lenient(gp: &GoldLeader, pp: &PersonKey) -> bool {
    let names: Vec<String> = std::iter::once(&gp.name)
        .chain(&gp.aliases)
        .map(|n| norm_name(n))
        .collect();
    names.contains(&pp.name) || names.contains(&pp.text)
}

/// A predicted money amount: currency and amount as in the record.
struct MoneyKey<'a> {
    currency: &'a Value,
    amount: &'a Value,
}

impl MoneyKey<'_> {
    /// Same currency, amount within 0.5 % of the gold amount.
    fn matches(&self, gm: &GoldMoney) -> bool {
        match self.amount {
            Value::Number(n) if self.currency.as_str() == Some(gm.currency.as_str()) => {
                Num::of(n).within_tolerance_of(Num::of(&gm.amount))
            }
            _ => false,
        }
    }
}

/// The set-valued fields whose values are plain labels: sector ids and country codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelField {
    Sectors,
    Countries,
}

impl LabelField {
    /// The field as scored (also the record's and the gold row's field name).
    fn scored(self) -> ScoredField {
        match self {
            LabelField::Sectors => ScoredField::Sectors,
            LabelField::Countries => ScoredField::Countries,
        }
    }

    /// The key of an item holding its label.
    fn key(self) -> &'static str {
        match self {
            LabelField::Sectors => "id",
            LabelField::Countries => "code",
        }
    }

    /// The gold labels and the optional ones.
    fn gold(self, g: &GoldRow) -> (&[String], &[String]) {
        match self {
            LabelField::Sectors => (&g.sectors, &g.sectors_optional),
            LabelField::Countries => (&g.countries, &g.countries_optional),
        }
    }

    /// The texts quoted for an extra: a sector's evidence, a country's name.
    fn texts(self, item: &Value) -> Vec<String> {
        match self {
            LabelField::Sectors => items(item, "evidence")
                .iter()
                .filter_map(|e| e.as_str().map(str::to_owned))
                .collect(),
            LabelField::Countries => text_of(item, "name"),
        }
    }
}

/// One gold row and the records of its input file, scored field by field.
struct FileScoring<'a> {
    gold: &'a GoldRow,
    records: &'a [&'a Value],
}

impl<'a> FileScoring<'a> {
    /// Scores every field, in score.py's order.
    fn score(&self, s: &mut Scores) {
        self.language(s);
        self.stories(s);
        self.story_dates(s);
        self.dates(s);
        let people = self.people();
        self.leaders(s, &people);
        self.leader_countries(s, &people);
        self.money(s);
        self.labels(s, LabelField::Sectors);
        self.labels(s, LabelField::Countries);
    }

    /// The gold file name.
    fn file(&self) -> &'a str {
        &self.gold.file
    }

    /// Every item of a list field of the records, with its record, in record order.
    fn mentions(&self, field: &'static str) -> impl Iterator<Item = (&'a Value, &'a Value)> {
        let records = self.records;
        records
            .iter()
            .flat_map(move |&r| items(r, field).iter().map(move |item| (r, item)))
    }

    /// `FILE: extra VALUE (details)`, naming the story when the file has several records.
    fn extra<K>(&self, value: &str, p: &Pred<'_, K>, texts: &[String]) -> String {
        let mut details: Vec<String> = texts.iter().map(|t| format!("\"{t}\"")).collect();
        if self.records.len() > 1 {
            details.push(format!("story {}", show(get(p.record, "story"))));
        }
        if details.is_empty() {
            format!("{}: extra {value}", self.file())
        } else {
            format!("{}: extra {value} ({})", self.file(), details.join(", "))
        }
    }

    /// Adds a matching of `field`, describing each extra and each miss.
    fn add<G, P>(
        &self,
        s: &mut Scores,
        field: ScoredField,
        m: Matching<'_, '_, G, P>,
        extra: impl Fn(&P) -> String,
        missed: impl Fn(&G) -> String,
    ) {
        let extras = m.extra.into_iter().map(extra).collect();
        let misses = m.missed.into_iter().map(missed).collect();
        s.add_matches(field, &self.gold.language, m.matched, extras, misses);
    }

    /// Language: the majority over the file's records (ties: the first in record order).
    fn language(&self, s: &mut Scores) {
        let langs: Vec<&Value> = self.records.iter().map(|r| get(r, "language")).collect();
        let count = |l: &Value| langs.iter().filter(|x| py_eq(x, l)).count();
        let top = langs
            .iter()
            .copied()
            .reduce(|best, l| if count(l) > count(best) { l } else { best });
        let lang = self.gold.language.as_str();
        s.check(ExactField::Language, top.and_then(Value::as_str) == Some(lang), || {
            let got = top.map_or_else(|| "no records".to_owned(), show);
            format!("{}: language want {lang} got {got}", self.file())
        });
    }

    /// The number of stories.
    fn stories(&self, s: &mut Scores) {
        let (want, got) = (self.gold.stories, self.records.len());
        s.check(ExactField::Stories, want == got, || {
            format!("{}: stories want {want} got {got}", self.file())
        });
    }

    /// The published and event dates, compared only when the file should give one story.
    fn story_dates(&self, s: &mut Scores) {
        if self.gold.stories != 1 {
            return;
        }
        for (field, want) in [
            (ExactField::Published, &self.gold.published),
            (ExactField::EventDate, &self.gold.event_date),
        ] {
            let got = match self.records {
                [record] => get(record, field.as_str()),
                _ => &NULL,
            };
            let ok = match want {
                None => got.is_null(),
                Some(w) => date_match(w, got),
            };
            s.check(field, ok, || {
                let want = want.as_deref().unwrap_or("None");
                format!("{}: {field} want {want} got {}", self.file(), show(got))
            });
        }
    }

    /// Date values; relative dates are ignored when the gold row has no published date.
    fn dates(&self, s: &mut Scores) {
        let ignore_relative = self.gold.published.is_none();
        let relative = |d: &Value| get(d, "kind").as_str() == Some("relative");
        let pred = uniq(
            self.mentions("dates")
                .filter(|(_, d)| truthy(get(d, "value")) && !(ignore_relative && relative(d)))
                .map(|(record, item)| Pred {
                    key: get(item, "value"),
                    item,
                    record,
                }),
            |a, b| py_eq(a, b),
        );
        let g = self.gold;
        let m = match_sets(&g.dates, &pred, &g.dates_optional, |g, p| date_match(g, p.key));
        self.add(
            s,
            ScoredField::Dates,
            m,
            |p| self.extra(&show(p.key), p, &text_of(p.item, "text")),
            |m| format!("{}: missed {m}", self.file()),
        );
    }

    /// The distinct predicted people (by normalized name), in record order.
    fn people(&self) -> Vec<Pred<'a, PersonKey>> {
        uniq(
            self.mentions("leaders").map(|(record, item)| Pred {
                key: PersonKey {
                    name: norm_value(get(item, "name")),
                    text: norm_value(get(item, "text")),
                },
                item,
                record,
            }),
            |a, b| a.name == b.name,
        )
    }

    /// People, matched leniently (`leaders`) and by canonical name (`leaders_canonical`).
    fn leaders(&self, s: &mut Scores, people: &[Pred<'a, PersonKey>]) {
        let g = self.gold;
        for how in [LeaderMatch::Lenient, LeaderMatch::Canonical] {
            let m = match_sets(&g.leaders, people, &g.leaders_optional, |gp, pp| how.same(gp, &pp.key));
            self.add(
                s,
                how.field(),
                m,
                |p| self.extra(&show(get(p.item, "name")), p, &text_of(p.item, "text")),
                |m| format!("{}: missed {}", self.file(), m.name),
            );
        }
    }

    /// Leader countries: among lenient matches, is the country right?
    fn leader_countries(&self, s: &mut Scores, people: &[Pred<'a, PersonKey>]) {
        for gp in &self.gold.leaders {
            let Some(pp) = people.iter().find(|p| lenient(gp, &p.key)) else {
                continue;
            };
            let Some(want) = gp.country.as_deref().filter(|c| !c.is_empty()) else {
                continue;
            };
            let got = get(pp.item, "country");
            s.check(ExactField::LeaderCountry, got.as_str() == Some(want), || {
                format!("{}: {} country want {want} got {}", self.file(), gp.name, show(got))
            });
        }
    }

    /// Money: (currency, amount) within 0.5 %.
    fn money(&self, s: &mut Scores) {
        let pred = uniq(
            self.mentions("money").map(|(record, item)| Pred {
                key: MoneyKey {
                    currency: get(item, "currency"),
                    amount: get(item, "amount"),
                },
                item,
                record,
            }),
            |a, b| py_eq(a.currency, b.currency) && py_eq(a.amount, b.amount),
        );
        let g = self.gold;
        let m = match_sets(&g.money, &pred, &g.money_optional, |gm, pm| pm.key.matches(gm));
        self.add(
            s,
            ScoredField::Money,
            m,
            |p| {
                let value = format!("{} {}", show(p.key.currency), show(p.key.amount));
                self.extra(&value, p, &text_of(p.item, "text"))
            },
            |m| format!("{}: missed {} {}", self.file(), m.currency, m.amount),
        );
    }

    /// Sector ids or country codes.
    fn labels(&self, s: &mut Scores, field: LabelField) {
        let key = field.key();
        let pred = uniq(
            self.mentions(field.scored().as_str()).map(|(record, item)| Pred {
                key: get(item, key),
                item,
                record,
            }),
            |a, b| py_eq(a, b),
        );
        let (wanted, optional) = field.gold(self.gold);
        let m = match_sets(wanted, &pred, optional, |g, p| p.key.as_str() == Some(g.as_str()));
        self.add(
            s,
            field.scored(),
            m,
            |p| self.extra(&show(p.key), p, &field.texts(p.item)),
            |m| format!("{}: missed {m}", self.file()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn gold(line: &str) -> GoldRow {
        serde_json::from_str(line).unwrap()
    }

    #[test]
    fn dates_match_with_unknown_years_and_intervals() {
        assert!(date_match("XXXX-07-05", &json!("2024-07-05")));
        assert!(!date_match("XXXX-07-05", &json!("2024-07-06")));
        assert!(date_match("2026/2030", &json!("2026/2030")));
        assert!(!date_match("2026/2030", &json!("2026")));
        assert!(!date_match("2024-06", &json!("2024-06-01")));
        assert!(!date_match("2024", &json!(2024)));
    }

    #[test]
    fn records_belong_to_the_file_name_of_their_source_or_id() {
        for (record, file) in [
            (json!({"source": "in/sub/a.txt"}), "a.txt"),
            (json!({"source": "in\\b.txt"}), "b.txt"),
            (json!({"source": "", "id": "c.txt#2"}), "c.txt"),
            (json!({"id": "d#1"}), "d"),
            (json!({}), ""),
        ] {
            assert_eq!(file_key(&record), file, "{record}");
        }
    }

    #[test]
    fn matching_is_greedy_in_prediction_order_and_optional_values_count_neither_way() {
        let m = match_sets(&["a", "b"], &["b", "c", "d"], &["c"], |g: &&str, p: &&str| g == p);
        assert_eq!(
            m,
            Matching {
                matched: 1,
                extra: vec![&"d"],
                missed: vec![&"a"]
            }
        );
    }

    #[test]
    fn leaders_match_leniently_by_alias_or_text_and_canonically_by_name() {
        let gp = GoldLeader {
            name: "Xi Jinping".into(),
            aliases: vec!["Xi".into()],
            country: None,
        };
        let key = |name: &str, text: &str| PersonKey {
            name: norm_name(name),
            text: norm_name(text),
        };
        for (pred, lenient, canonical) in [
            (key("Xi Jinping", "Xi"), true, true),
            (key("Xi", "President Xi"), true, false),
            (key("Li Qiang", "xi"), true, false),
            (key("Li Qiang", "Li"), false, false),
        ] {
            assert_eq!(LeaderMatch::Lenient.same(&gp, &pred), lenient, "{}", pred.name);
            assert_eq!(LeaderMatch::Canonical.same(&gp, &pred), canonical, "{}", pred.name);
        }
    }

    #[test]
    fn records_are_pooled_per_file_and_relative_dates_ignored_without_published() {
        let g = gold(
            r#"{"file": "a.txt", "language": "en", "stories": 2, "published": null, "dates": ["XXXX-05-03"], "leaders": [{"name": "Xi Jinping", "aliases": ["Xi"], "country": "CN"}], "money": [{"currency": "USD", "amount": 1000}], "sectors": ["energy"], "countries": ["CN"], "countries_optional": ["TW"]}"#,
        );
        let recs = vec![
            json!({"source": "in/a.txt", "language": "en", "dates": [{"value": "2024-05-03", "kind": "explicit", "text": "3 May"}, {"value": "2024-01", "kind": "relative"}], "leaders": [{"name": "Xi Jinping", "text": "Xi", "country": null}], "money": [{"currency": "USD", "amount": 1004, "text": "$1,004"}], "sectors": [{"id": "energy"}], "countries": [{"code": "TW"}]}),
            json!({"source": "in\\a.txt", "language": "de", "money": [{"currency": "EUR", "amount": 5, "text": "5 euros"}], "countries": [{"code": "CN"}]}),
        ];
        let s = score(&[g], &recs);
        let f = |k: &str| s.fields[k];
        use super::super::scores::{ExactScore, FieldScore};
        assert_eq!(f("dates"), FieldScore { tp: 1, fp: 0, fn_: 0 });
        assert_eq!(f("leaders[en]"), FieldScore { tp: 1, fp: 0, fn_: 0 });
        assert_eq!(f("money"), FieldScore { tp: 1, fp: 1, fn_: 0 });
        assert_eq!(f("countries"), FieldScore { tp: 1, fp: 0, fn_: 0 });
        assert_eq!(s.exact[0], (ExactField::Language, ExactScore { correct: 1, total: 1 }));
        assert_eq!(s.exact[1], (ExactField::Stories, ExactScore { correct: 1, total: 1 }));
        assert_eq!(
            s.exact[2],
            (ExactField::LeaderCountry, ExactScore { correct: 0, total: 1 })
        );
        assert_eq!(s.errors["money"], vec!["a.txt: extra EUR 5 (\"5 euros\", story None)"]);
    }
}
