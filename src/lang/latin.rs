//! whatlang's language detection for Latin-script text, computed faster and exactly.
//!
//! For Latin script, `whatlang::detect` scores all 36 Latin-script languages: for each one it
//! walks the language's 300-trigram profile and looks every trigram up in the text's trigrams
//! (10,800 hash lookups per call), then adds an alphabet score. That was about 30 % of the work
//! per file. This module evaluates the same model (whatlang 0.16.4's profiles and alphabets,
//! `whatlang_latin.txt`) the other way round: an inverted index maps each profile trigram to the
//! languages and ranks it has, so only the text's own trigrams (at most 600) are looked up, and
//! the alphabet part looks each distinct character up once.
//!
//! The answer is whatlang's to the bit: the same language, the same `confidence` (`f64` bits)
//! and so the same `is_reliable`. Distances are summed in integers; the floating-point steps
//! are whatlang's, in its order; and the two sorts that decide ties between languages sort the
//! same vectors (same element types, same input order) with the same std sort functions, which
//! are deterministic. `tests/it/lang_exact.rs` checks this against `whatlang::detect` (and every
//! language's score against whatlang's raw scores) on the sample articles, the development
//! corpus and random text.

use std::cmp::{Ordering, Reverse};
use std::collections::HashMap;
use std::sync::LazyLock;

use whatlang::{Info, Lang, Script};

use super::sample::{self, PackedTrigram, Trigram, TABLE_SLOTS};
use crate::text::ascii_runs;

/// The model data: whatlang 0.16.4's Latin-script trigram profiles and alphabets (MIT).
const MODEL_DATA: &str = include_str!("whatlang_latin.txt");

/// Trigrams in each language profile; also the distance of a profile trigram the text lacks.
const PROFILE_LEN: u32 = 300;

/// The largest distance of a language (whatlang's `MAX_TOTAL_DISTANCE`).
const MAX_TOTAL_DISTANCE: u32 = PROFILE_LEN * PROFILE_LEN;

/// The character that stands for a space in the trigrams of the data file.
const DATA_SPACE: char = '_';

/// The model, parsed once.
static MODEL: LazyLock<Model> = LazyLock::new(|| Model::parse(MODEL_DATA));

/// Parses the model now, if no detection has yet (see [`super::prepare`]).
pub(super) fn prepare() {
    LazyLock::force(&MODEL);
}

/// Hash maps keyed by packed trigrams or characters, which need no DoS-resistant hashing
/// (foldhash's fixed-seed hasher: fast on integers, the same in every run).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// whatlang's Latin-script model, indexed for lookups from the text's side.
#[derive(Debug)]
struct Model {
    /// The languages, in the order of whatlang's trigram profiles; a language's index here is
    /// its index in every per-language array.
    langs: Vec<Lang>,
    /// `Script::Latin.langs()` (the order whatlang's alphabet scores start in), as indexes.
    alphabet_order: Vec<usize>,
    /// The index of each language by its whatlang number (`lang as usize`).
    index_by_lang: Vec<usize>,
    /// Per slot of the trigram counting table, where its entries in `postings` start; they
    /// end where the next slot's start (the last element is where they all end).
    slot_postings: Vec<u32>,
    /// Each profile trigram outside the counting table → the range of its entries in
    /// `postings`.
    other_postings: FastMap<PackedTrigram, (u32, u32)>,
    /// (language index, rank of the trigram in that language's profile).
    postings: Vec<(u8, u16)>,
    /// Each alphabet character → the languages whose alphabets hold it.
    alphabet_chars: FastMap<char, CharLangs>,
}

/// The languages whose alphabets hold a character.
#[derive(Debug)]
enum CharLangs {
    /// Every Latin-script language's alphabet holds it.
    All,
    /// These languages' alphabets hold it (a language once for each time its alphabet does).
    Some(Vec<usize>),
}

/// whatlang's answer for `sample` (what `whatlang::detect(sample)` returns) when `sample`'s main
/// script is Latin (`whatlang::detect_script(sample) == Some(Script::Latin)`).
pub fn detect(sample: &str) -> Info {
    Reading::of(sample).best(|_| true)
}

/// The scores whatlang ranks the Latin-script languages by for `sample`: every language with
/// its combined score, best first, in whatlang's order (what the `dev` feature's
/// `whatlang::dev::combined_raw_detect` gives as `scores`), and the number of the sample's
/// ranked trigrams (its `trigrams_count`), which the confidence depends on.
pub fn combined_scores(sample: &str) -> (Vec<(Lang, f64)>, usize) {
    let reading = Reading::of(sample);
    (reading.scores(|_| true), reading.trigram_count)
}

/// What the model reads off one sample, before any ranking: each language's alphabet and
/// trigram parts. Every language's score depends on the sample alone, so one reading ranks
/// the languages for whatlang's plain detector and for a detector limited to some of them.
#[derive(Debug)]
pub struct Reading {
    /// Per language index: twice the occurrences of the sample's letters its alphabet has,
    /// leaving out the letters every alphabet has (`common`).
    alphabet_hits: Vec<usize>,
    /// Twice the occurrences of the letters every alphabet has.
    common: usize,
    /// The sample's letters: its characters but the stop characters.
    letter_count: usize,
    /// Per language index: the trigram score.
    trigram: Vec<f64>,
    /// The number of the sample's ranked trigrams.
    trigram_count: usize,
}

impl Reading {
    /// Reads `sample`, whose main script is Latin.
    pub fn of(sample: &str) -> Reading {
        let model = &*MODEL;
        let counts = sample::count(&to_lowercase(sample));
        let (alphabet_hits, common) = alphabet_hits(model, &counts.letters);
        let (trigram, trigram_count) = trigram_scores(model, &counts.trigrams);
        Reading {
            alphabet_hits,
            common,
            letter_count: counts.letter_count,
            trigram,
            trigram_count,
        }
    }

    /// What whatlang's detector allowed only the languages `allowed` accepts would answer (all
    /// of them: what `whatlang::detect` answers); a language with the best score, and how sure
    /// it is against the second. `allowed` must accept at least one Latin-script language.
    pub fn best(&self, allowed: impl Fn(Lang) -> bool) -> Info {
        let scores = self.scores(allowed);
        let (best, best_score) = scores[0];
        let confidence = match scores.get(1) {
            Some(&(_, second_score)) => confidence(best_score, second_score, self.trigram_count),
            None => 1.0,
        };
        Info::new(Script::Latin, best, confidence)
    }

    /// The languages `allowed` accepts with their combined scores, in whatlang's order: the
    /// same vectors sorted by the same functions, so that ties fall as they fall in whatlang.
    /// `allowed` must accept at least one Latin-script language.
    fn scores(&self, allowed: impl Fn(Lang) -> bool) -> Vec<(Lang, f64)> {
        let model = &*MODEL;
        let alphabet = self.alphabet_scores(model, &allowed);
        let (alphabet_weight, trigram_weight) = score_weights(self.letter_count);
        // whatlang lists the languages in the alphabet scores' order, then any that only the
        // trigram scores have: none, as both score every allowed Latin-script language.
        let mut scores: Vec<(Lang, f64)> = alphabet
            .iter()
            .map(|&(lang, index, a)| (lang, a * alphabet_weight + self.trigram[index] * trigram_weight))
            .collect();
        scores.sort_unstable_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(Ordering::Less));
        scores
    }

    /// The alphabet scores of the languages `allowed` accepts, as (language, language index,
    /// score) in the order whatlang merges them (by raw score, highest first).
    fn alphabet_scores(&self, model: &Model, allowed: &impl Fn(Lang) -> bool) -> Vec<(Lang, usize, f64)> {
        let letters = self.letter_count;
        let mut raw_scores: Vec<(Lang, usize)> = model
            .alphabet_order
            .iter()
            .filter(|&&l| allowed(model.langs[l]))
            .map(|&l| {
                let raw = (self.alphabet_hits[l] + self.common).saturating_sub(letters);
                (model.langs[l], raw)
            })
            .collect();
        raw_scores.sort_unstable_by_key(|&(_, score)| Reverse(score));
        raw_scores
            .into_iter()
            .map(|(lang, raw)| (lang, model.index_of(lang), raw as f64 / letters as f64))
            .collect()
    }
}

/// `text.to_lowercase()`, with runs of ASCII lower-cased eight bytes at a time (the standard
/// library goes character by character once it meets a character outside ASCII). Text with a
/// capital sigma, whose lower case depends on where it stands, is left to the standard library.
fn to_lowercase(text: &str) -> String {
    if text.contains('Σ') {
        return text.to_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for (_, run, after) in ascii_runs(text) {
        let from = out.len();
        out.push_str(run);
        out[from..].make_ascii_lowercase();
        out.extend(after.into_iter().flat_map(char::to_lowercase));
    }
    out
}

/// The weights of the alphabet score and of the trigram score for a text of `char_count`
/// letters: the alphabet weighs 2/3 for none, falling to 1/3 at 100 letters and over.
fn score_weights(char_count: usize) -> (f64, f64) {
    let alphabet_weight = (-(char_count as f64 / 300.0) + 2.0 / 3.0).clamp(1.0 / 3.0, 2.0 / 3.0);
    (alphabet_weight, 1.0 - alphabet_weight)
}

/// How sure the best score is against the second best, given `count` distinct trigrams.
fn confidence(best: f64, second: f64, count: usize) -> f64 {
    if best == 0.0 {
        return 0.0;
    }
    if second == 0.0 {
        return best;
    }
    let confident_rate = (3.0 / count as f64) + 0.015;
    let rate = (best - second) / second;
    if rate > confident_rate {
        1.0
    } else {
        rate / confident_rate
    }
}

/// What the sample's letters (`letters`, with their occurrences) give each language's
/// alphabet score (see [`Reading`]): per language index the hits of its own letters, and the
/// hits of the letters all alphabets have.
fn alphabet_hits(model: &Model, letters: &[(char, usize)]) -> (Vec<usize>, usize) {
    let mut lang_hits = vec![0usize; model.langs.len()];
    let mut common = 0usize;
    for &(ch, count) in letters {
        match model.alphabet_chars.get(&ch) {
            Some(CharLangs::All) => common += 2 * count,
            Some(CharLangs::Some(langs)) => langs.iter().for_each(|&l| lang_hits[l] += 2 * count),
            None => {}
        }
    }
    (lang_hits, common)
}

/// The trigram score of each language (by language index) and the number of ranked trigrams.
/// (whatlang also sorts the languages by distance, but only to look each one's score up again
/// by language, so that order has no effect.)
fn trigram_scores(model: &Model, counted: &[(u32, Trigram)]) -> (Vec<f64>, usize) {
    // A language's distance is the sum, over its profile's trigrams, of the difference of
    // ranks for those the text has and PROFILE_LEN for the others: PROFILE_LEN² less what each
    // trigram the text has saves against PROFILE_LEN (negative when its ranks are further
    // apart). One sum per language, so one memory update per posting; one slot per value of
    // a posting's language index, so that no update needs a check.
    let mut saved = [0i32; 256];
    let mut count = 0u32;
    for (text_rank, trigram) in sample::ranked(counted) {
        count += 1;
        for &(lang, profile_rank) in model.postings_of(trigram) {
            let apart = text_rank.abs_diff(u32::from(profile_rank)) as i32;
            saved[usize::from(lang)] += PROFILE_LEN as i32 - apart;
        }
    }
    let max_distance = count * PROFILE_LEN;
    let scores = saved[..model.langs.len()]
        .iter()
        .map(|&saved| {
            let distance = (MAX_TOTAL_DISTANCE as i32 - saved) as u32;
            let distance = corrected_distance(distance, count);
            (max_distance - distance) as f64 / max_distance as f64
        })
        .collect();
    (scores, count as usize)
}

/// whatlang's correction of a language's summed distance for a text with fewer than 300 ranked
/// trigrams, and its clamp to [`MAX_TOTAL_DISTANCE`].
fn corrected_distance(distance: u32, ranked_count: u32) -> u32 {
    let distance = match PROFILE_LEN.checked_sub(ranked_count) {
        Some(missing) => distance - missing * PROFILE_LEN,
        None => distance,
    };
    distance.min(MAX_TOTAL_DISTANCE)
}

impl Model {
    /// Parses the data file (see its header) into the model.
    fn parse(data: &str) -> Model {
        let mut profiles: Vec<(Lang, Vec<Trigram>)> = Vec::new();
        let mut alphabets: Vec<(Lang, &str)> = Vec::new();
        for line in data.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let mut fields = line.split('\t');
            let (kind, code, payload) = (fields.next(), fields.next(), fields.next());
            let lang = code
                .and_then(Lang::from_code)
                .unwrap_or_else(|| panic!("bad model line: {line}"));
            match (kind, payload) {
                (Some("trigrams"), Some(trigrams)) => profiles.push((lang, parse_profile(trigrams))),
                (Some("alphabet"), Some(alphabet)) => alphabets.push((lang, alphabet)),
                _ => panic!("bad model line: {line}"),
            }
        }
        let langs: Vec<Lang> = profiles.iter().map(|(lang, _)| *lang).collect();
        let mut index_by_lang = vec![usize::MAX; Lang::all().len()];
        langs
            .iter()
            .enumerate()
            .for_each(|(index, &lang)| index_by_lang[lang as usize] = index);
        let mut model = Model {
            index_by_lang,
            alphabet_order: Script::Latin.langs().iter().map(|&l| index_in(&langs, l)).collect(),
            slot_postings: Vec::new(),
            other_postings: FastMap::default(),
            postings: Vec::new(),
            alphabet_chars: FastMap::default(),
            langs,
        };
        model.index_profiles(&profiles);
        model.index_alphabets(&alphabets);
        model
    }

    /// Builds the inverted index of the trigram profiles: the entries of the counting table's
    /// trigrams first, by slot, then the others'.
    fn index_profiles(&mut self, profiles: &[(Lang, Vec<Trigram>)]) {
        let mut by_trigram: Vec<(Trigram, u8, u16)> = Vec::new();
        for (lang_index, (_, trigrams)) in profiles.iter().enumerate() {
            for (rank, &trigram) in trigrams.iter().enumerate() {
                by_trigram.push((trigram, lang_index as u8, rank as u16));
            }
        }
        by_trigram.sort_unstable_by_key(|&(trigram, lang_index, rank)| (trigram.packed(), lang_index, rank));
        let mut per_slot = vec![0u32; TABLE_SLOTS];
        for &(trigram, lang_index, rank) in &by_trigram {
            if let Trigram::Slot(slot) = trigram {
                per_slot[usize::from(slot)] += 1;
                self.postings.push((lang_index, rank));
            }
        }
        self.slot_postings = std::iter::once(0)
            .chain(per_slot.iter().scan(0, |end, &n| {
                *end += n;
                Some(*end)
            }))
            .collect();
        for (trigram, lang_index, rank) in by_trigram {
            if let Trigram::Packed(packed) = trigram {
                let position = self.postings.len() as u32;
                self.other_postings.entry(packed).or_insert((position, position)).1 = position + 1;
                self.postings.push((lang_index, rank));
            }
        }
    }

    /// `trigram`'s entries in [`Model::postings`]: (language index, rank) for each profile
    /// that has it.
    fn postings_of(&self, trigram: Trigram) -> &[(u8, u16)] {
        let (start, end) = match trigram {
            Trigram::Slot(slot) => {
                let slot = usize::from(slot);
                (self.slot_postings[slot], self.slot_postings[slot + 1])
            }
            Trigram::Packed(packed) => self.other_postings.get(&packed).copied().unwrap_or((0, 0)),
        };
        &self.postings[start as usize..end as usize]
    }

    /// Builds the map of alphabet characters to the languages that have them.
    fn index_alphabets(&mut self, alphabets: &[(Lang, &str)]) {
        let mut char_langs: FastMap<char, Vec<usize>> = FastMap::default();
        for &(lang, alphabet) in alphabets {
            let index = index_in(&self.langs, lang);
            alphabet
                .chars()
                .for_each(|ch| char_langs.entry(ch).or_default().push(index));
        }
        let script_lang_count = self.alphabet_order.len();
        self.alphabet_chars = char_langs
            .into_iter()
            .map(|(ch, langs)| {
                if langs.len() == script_lang_count {
                    (ch, CharLangs::All)
                } else {
                    (ch, CharLangs::Some(langs))
                }
            })
            .collect();
    }

    /// The index of `lang` in [`Model::langs`] (the model has every language it is asked for).
    fn index_of(&self, lang: Lang) -> usize {
        self.index_by_lang[lang as usize]
    }
}

/// The index of `lang` in `langs`; the model names every language it scores.
fn index_in(langs: &[Lang], lang: Lang) -> usize {
    langs
        .iter()
        .position(|&l| l == lang)
        .unwrap_or_else(|| panic!("{lang:?} has no trigram profile in the model"))
}

/// The trigrams of a profile line: trigrams separated by `|`, spaces written `_`.
fn parse_profile(trigrams: &str) -> Vec<Trigram> {
    trigrams
        .split('|')
        .map(|trigram| {
            let chars: Vec<char> = trigram.chars().map(|c| if c == DATA_SPACE { ' ' } else { c }).collect();
            match chars[..] {
                [a, b, c] => Trigram::of(a, b, c),
                _ => panic!("bad trigram in the model: {trigram:?}"),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::Path;
    use std::process::Command;

    use super::*;

    #[test]
    fn lowercasing_by_ascii_runs_is_the_standard_librarys() {
        let texts = [
            "",
            "PLAIN ASCII Text, 2024",
            "Zölle FÜR Öl – „Gespräche“ İstanbul ẞ ǅ",
            "ΟΔΥΣΣΕΥΣ Σ ΣΑΣ",
            "Mirziyoyev’s VISIT to the UAE",
            "😀ABC😀def",
        ];
        for text in texts {
            assert_eq!(to_lowercase(text), text.to_lowercase(), "{text:?}");
        }
    }

    /// The data lines of one kind, as (language code, payload).
    fn data_lines(kind: &str) -> Vec<(&'static str, &'static str)> {
        MODEL_DATA
            .lines()
            .filter_map(|line| line.strip_prefix(kind)?.strip_prefix('\t')?.split_once('\t'))
            .collect()
    }

    #[test]
    fn the_model_has_every_latin_script_language_once() {
        let script_langs: HashSet<Lang> = Script::Latin.langs().iter().copied().collect();
        assert_eq!(script_langs.len(), 36);
        assert_eq!(MODEL.langs.len(), 36);
        assert_eq!(MODEL.langs.iter().copied().collect::<HashSet<_>>(), script_langs);
        let alphabet_langs: HashSet<Lang> = data_lines("alphabet")
            .iter()
            .map(|(code, _)| Lang::from_code(*code).unwrap())
            .collect();
        assert_eq!((alphabet_langs, data_lines("alphabet").len()), (script_langs, 36));
    }

    #[test]
    fn every_language_has_300_distinct_trigrams_of_three_characters() {
        for (code, trigrams) in data_lines("trigrams") {
            let trigrams: Vec<&str> = trigrams.split('|').collect();
            assert_eq!(trigrams.len(), PROFILE_LEN as usize, "{code}");
            assert!(
                trigrams.iter().all(|t| t.chars().count() == 3 && !t.contains(' ')),
                "{code}"
            );
            assert_eq!(trigrams.iter().collect::<HashSet<_>>().len(), trigrams.len(), "{code}");
        }
    }

    #[test]
    fn the_inverted_index_gives_every_trigram_its_languages_and_ranks() {
        assert_eq!(MODEL.postings.len(), 36 * PROFILE_LEN as usize);
        for (code, trigrams) in data_lines("trigrams") {
            let lang = MODEL.index_of(Lang::from_code(code).unwrap());
            for (rank, trigram) in parse_profile(trigrams).into_iter().enumerate() {
                let postings = MODEL.postings_of(trigram);
                assert!(postings.contains(&(lang as u8, rank as u16)), "{code} {rank}");
            }
        }
        let listed: usize = MODEL
            .other_postings
            .values()
            .map(|(start, end)| (end - start) as usize)
            .sum();
        assert_eq!(listed + MODEL.slot_postings[TABLE_SLOTS] as usize, MODEL.postings.len());
        assert!(MODEL.slot_postings.windows(2).all(|pair| pair[0] <= pair[1]));
    }

    #[test]
    fn the_alphabet_map_marks_the_letters_every_language_has() {
        for ch in ('a'..='z').filter(|ch| !"cjqvwxyz".contains(*ch)) {
            assert!(matches!(MODEL.alphabet_chars[&ch], CharLangs::All), "{ch}");
        }
        let CharLangs::Some(langs) = &MODEL.alphabet_chars[&'ß'] else {
            panic!("ß is German only");
        };
        assert_eq!(langs.iter().map(|&l| MODEL.langs[l]).collect::<Vec<_>>(), [Lang::Deu]);
        assert!(!MODEL.alphabet_chars.contains_key(&'я'));
    }

    #[test]
    fn a_text_without_letters_scores_nan_as_whatlang_would() {
        // whatlang never scores such a text (it has no script), but its formulas give 0/0.
        let (scores, trigram_count) = combined_scores("12, 34!");
        assert_eq!((scores.len(), trigram_count), (36, 0));
        assert!(scores.iter().all(|(_, score)| score.is_nan()));
        assert_eq!(whatlang::detect("12, 34!"), None);
    }

    #[test]
    fn known_texts_get_whatlang_answers() {
        let de = "Die Ordnung muss für immer in diesem Codebase bleiben";
        assert_eq!(detect(de), whatlang::detect(de).unwrap());
        assert_eq!(detect(de).lang(), Lang::Deu);
        let (scores, trigram_count) = combined_scores(de);
        assert_eq!((scores.len(), trigram_count), (36, 50));
        let en = "There is no reason not to learn Esperanto.";
        assert_eq!(detect(en), whatlang::detect(en).unwrap());
    }

    #[test]
    fn the_data_file_is_what_the_generator_writes() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let run = Command::new("python3")
            .arg(root.join("scripts/whatlang_latin.py"))
            .arg("--check")
            .output();
        match run {
            Ok(out) if out.status.success() => {}
            Ok(out) if String::from_utf8_lossy(&out.stderr).contains("not in the cargo registry") => {
                eprintln!("skipped: the whatlang source is not in the cargo registry");
            }
            Ok(out) => panic!("{}", String::from_utf8_lossy(&out.stderr)),
            Err(e) => eprintln!("skipped: python3 cannot be run: {e}"),
        }
    }
}
