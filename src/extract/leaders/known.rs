//! The gazetteer stage of the leader extractor: people of `rules/common/leaders.csv` named in
//! the story, by a short name in capitals ("MBS") or by the longest part of a name run whose
//! key names a person ("Kassym-Schomart Tokajew").

use std::collections::HashMap;

use foldhash::fast::FixedState;

use super::scan::Scan;
use super::Found;
use crate::rules::leaders::{in_capitals, push_name_words_key, Gazetteer};

/// A gazetteer name is looked up over at most this many tokens of a run.
const MAX_GAZETTEER_TOKENS: usize = 5;

/// Every gazetteer person the story names, in token order of the two passes.
pub(super) fn gazetteer_people(scan: &Scan) -> Vec<Found> {
    let mut words = WordKeys::default();
    // Room for every word of the runs (a key is seldom longer than its word).
    let (mut run_tokens, mut run_bytes) = (0, 0);
    for &(a, b) in &scan.runs {
        run_tokens += b - a;
        run_bytes += scan.toks[a..b].iter().map(|t| t.text.len()).sum::<usize>();
    }
    words.slot.reserve(run_tokens);
    words.words.reserve(run_tokens);
    words.text.reserve(run_bytes);
    let mut found = short_names_in_capitals(scan, &mut words.scratch);
    let mut keys = RunKeys::default();
    for &(a, b) in &scan.runs {
        keys.make(scan.toks[a..b].iter().map(|t| t.text), &mut words);
        longest_names_in_run(scan, a, b, &keys, &mut words, &mut found);
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

/// Short names written in capitals ("MBS"), which are not name-like tokens. `scratch` is room
/// for their keys.
fn short_names_in_capitals(scan: &Scan, scratch: &mut Vec<u8>) -> Vec<Found> {
    let mut found = Vec::new();
    for &k in &scan.capitals {
        let (k, t) = (k as usize, &scan.toks[k as usize]);
        if in_capitals(t.text) {
            if let Some(id) = scan.rules.gazetteer.short_in(t.text, None, scratch) {
                found.push(person(scan, id, (k, k + 1)));
            }
        }
    }
    found
}

/// A word's key (where it stands in [`WordKeys::text`]) and the person the word names alone,
/// once looked up.
type WordKey = ((usize, usize), Option<Option<usize>>);

/// The words of a story's name runs, each keyed once (a story names a person more than once):
/// its [`name_words_key`](crate::rules::leaders::name_words_key), and the person the word
/// names alone once that is asked.
#[derive(Default)]
struct WordKeys<'a> {
    /// Per word: its entry in `words`.
    slot: HashMap<&'a str, usize, FixedState>,
    /// Per word: its key in `text`, and the person it names alone, once looked up.
    words: Vec<WordKey>,
    /// The keys of the words, one after the other.
    text: Vec<u8>,
    /// Room for other keys.
    scratch: Vec<u8>,
}

impl<'a> WordKeys<'a> {
    /// The entry of `word`, its key made on the word's first call.
    fn slot(&mut self, word: &'a str) -> usize {
        let (words, text) = (&mut self.words, &mut self.text);
        *self.slot.entry(word).or_insert_with(|| {
            let start = text.len();
            push_name_words_key(word, text);
            words.push(((start, text.len()), None));
            words.len() - 1
        })
    }

    /// The key of the word of entry `slot`.
    fn key(&self, slot: usize) -> &[u8] {
        let ((a, b), _) = self.words[slot];
        &self.text[a..b]
    }

    /// The person the word `word` (of entry `slot`) names alone, by
    /// [`Gazetteer::short_keyed`], looked up once.
    fn alone(&mut self, gazetteer: &Gazetteer, slot: usize, word: &str) -> Option<usize> {
        let ((a, b), alone) = &mut self.words[slot];
        *alone.get_or_insert_with(|| gazetteer.short_in(word, Some(&self.text[*a..*b]), &mut self.scratch))
    }
}

/// The keys of a run's tokens in one buffer, so that the key of any stretch of tokens is a
/// slice of it.
#[derive(Default)]
struct RunKeys {
    /// The non-empty keys of the run's tokens, joined by single spaces.
    text: Vec<u8>,
    /// Per token of the run: its key in `text`, empty (at no particular place) when its key is
    /// empty, and its entry in the story's [`WordKeys`].
    at: Vec<(usize, usize, usize)>,
}

impl RunKeys {
    /// Keys the tokens of `run`, through the story's `words`.
    fn make<'a>(&mut self, run: impl Iterator<Item = &'a str>, words: &mut WordKeys<'a>) {
        self.text.clear();
        self.at.clear();
        for word in run {
            let slot = words.slot(word);
            let key = words.key(slot);
            if key.is_empty() {
                self.at.push((self.text.len(), self.text.len(), slot));
                continue;
            }
            if !self.text.is_empty() {
                self.text.push(b' ');
            }
            let start = self.text.len();
            self.text.extend_from_slice(key);
            self.at.push((start, self.text.len(), slot));
        }
    }

    /// The [`name_key`](crate::rules::leaders::name_key) of tokens `i..j` of the run: their
    /// non-empty keys joined by spaces, which stand together in `text`.
    fn words(&self, i: usize, j: usize) -> &[u8] {
        let mut keyed = self.at[i..j].iter().filter(|(a, b, _)| a < b);
        let Some(&(start, end, _)) = keyed.next() else {
            return &[];
        };
        let end = keyed.next_back().map_or(end, |&(_, b, _)| b);
        &self.text[start..end]
    }
}

/// The longest sub-runs of run `a..b`, left to right, whose key names a person. After a
/// particle inside a run the name goes on, so nothing is looked up there ("Hamdan bin
/// Mohammed bin Rashid Al Maktoum" is not Mohammed bin Rashid Al Maktoum). `keys` are the
/// keys of the run's tokens, made through the story's `words`.
fn longest_names_in_run(scan: &Scan, a: usize, b: usize, keys: &RunKeys, words: &mut WordKeys, found: &mut Vec<Found>) {
    let gazetteer = &scan.rules.gazetteer;
    let mut k = a;
    while k < b {
        if k > a && scan.particle(k - 1) {
            k += 1;
            continue;
        }
        let mut hit = None;
        for e in (k + 1..=(k + MAX_GAZETTEER_TOKENS).min(b)).rev() {
            let id = if e - k >= 2 {
                gazetteer.full_bytes(keys.words(k - a, e - a))
            } else {
                words.alone(gazetteer, keys.at[k - a].2, scan.toks[k].text)
            };
            if let Some(id) = id {
                hit = Some((e, id));
                break;
            }
        }
        match hit {
            Some((e, id)) => {
                found.push(person(scan, id, (k, e)));
                k = e;
            }
            None => k += 1,
        }
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
    fn the_key_of_tokens_is_their_non_empty_keys_joined() {
        use crate::rules::leaders::{name_key, name_words_key};
        let runs: [&[&str]; 6] = [
            &["Kassym-Schomart", "Tokajew"],
            &["-", "Mohammed", ".", "bin", "'", "Salman", "-"],
            &["O'Brien", "Jr.", "MBS"],
            &[".", "."],
            &["ΑΣ", "Σ", "Ödön", "Sch-sch"],
            &["Al-Sisi"],
        ];
        let mut keys = RunKeys {
            text: b"left over".to_vec(),
            ..RunKeys::default()
        };
        let mut seen = WordKeys::default();
        for words in runs {
            keys.make(words.iter().copied(), &mut seen);
            for i in 0..words.len() {
                assert_eq!(
                    seen.key(keys.at[i].2),
                    name_words_key(words[i]).as_bytes(),
                    "{words:?} {i}"
                );
                assert_eq!(
                    keys.words(i, i + 1),
                    name_words_key(words[i]).as_bytes(),
                    "{words:?} {i}"
                );
                for j in i + 1..=words.len() {
                    let joined: Vec<String> = words[i..j]
                        .iter()
                        .map(|w| name_words_key(w))
                        .filter(|k| !k.is_empty())
                        .collect();
                    assert_eq!(keys.words(i, j), joined.join(" ").as_bytes(), "{words:?} {i}..{j}");
                    if j - i >= 2 {
                        // Of two words or more, never one word in capitals: the name key.
                        assert_eq!(keys.words(i, j), name_key(&words[i..j].join(" ")).as_bytes());
                    }
                }
            }
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
