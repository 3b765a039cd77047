//! `accord::lang::whatlang_detect` gives exactly what `whatlang::detect` gives: the same
//! language, script and reliability, and the same confidence to the bit. It computes Latin-script
//! text with an evaluation of its own (`src/lang/latin.rs`) of whatlang's model, so these tests
//! compare the two (and, through whatlang's `dev` feature, every language's score; and the
//! re-reading among the supported languages against whatlang's detector with them as its
//! allowlist; and `lang::detect` against the same steps taken with whatlang alone) on the
//! samples stories really give (every story-shaped window of the sample articles and of the
//! development corpus, cut to `lang::SAMPLE_CHARS` as `lang::detect` cuts it), on sliding
//! windows of many lengths, on random text and on edge cases.

use std::fs;
use std::path::{Path, PathBuf};

use accord::lang::{detect, iso639_1, latin, whatlang_detect, Language, SAMPLE_CHARS};
use proptest::prelude::*;
use whatlang::dev::RawLangInfo;

use crate::common::{sample_names, samples, shared};

/// The sliding-window lengths, in characters: the shortest texts, the trigram correction's
/// boundary (300 distinct trigrams) and the sample length.
const WINDOW_LENGTHS: [usize; 14] = [1, 2, 3, 4, 7, 12, 25, 50, 99, 100, 101, 250, 450, 600];

/// Panics unless `whatlang_detect(text)` and `whatlang::detect(text)` agree in every field and,
/// for Latin script, `lang::latin` scores every language as whatlang does (to the bit, in the
/// same order); returns whether the text's script was Latin (the path accord computes itself).
fn assert_same(text: &str, origin: &str) -> bool {
    let ours = whatlang_detect(text);
    let theirs = whatlang::detect(text);
    let fields = |info: &Option<whatlang::Info>| {
        info.as_ref()
            .map(|i| (i.lang(), i.script(), i.confidence().to_bits(), i.is_reliable()))
    };
    assert_eq!(fields(&ours), fields(&theirs), "{origin}: {text:?}");
    let latin = theirs.is_some_and(|i| i.script() == whatlang::Script::Latin);
    if latin {
        assert_same_scores(text, origin);
        let supported = [whatlang::Lang::Eng, whatlang::Lang::Deu];
        let ours = latin::Reading::of(text).best(|l| supported.contains(&l));
        let theirs = whatlang::Detector::with_allowlist(supported.to_vec()).detect(text);
        assert_eq!(
            fields(&Some(ours)),
            fields(&theirs),
            "{origin}, among en and de: {text:?}"
        );
    }
    assert_eq!(detect(text), whatlang_language(text), "{origin}: {text:?}");
    latin
}

/// What `lang::detect` answers, computed with whatlang alone: its detector, then, when the
/// answer is unreliable and the script Latin, its detector allowed only English and German.
fn whatlang_language(text: &str) -> Language {
    let sample = sample_of(text);
    let language = |info: &whatlang::Info, uncertain| Language {
        code: iso639_1(info.lang()).to_owned(),
        confidence: (info.confidence() * 1000.0).round() / 1000.0,
        uncertain,
    };
    let Some(info) = whatlang::detect(sample) else {
        return Language {
            code: "und".to_owned(),
            confidence: 0.0,
            uncertain: None,
        };
    };
    let first = language(&info, None);
    if info.is_reliable() || info.script() != whatlang::Script::Latin {
        return first;
    }
    let detector = whatlang::Detector::with_allowlist(vec![whatlang::Lang::Eng, whatlang::Lang::Deu]);
    match detector.detect(sample) {
        Some(again) if again.lang() != info.lang() => language(&again, Some((first.code, first.confidence))),
        _ => first,
    }
}

/// Panics unless `lang::latin::combined_scores(text)` is whatlang's raw combined outcome.
fn assert_same_scores(text: &str, origin: &str) {
    let Some(RawLangInfo::MultiScript(raw)) = whatlang::dev::raw_detect(text).lang_info else {
        panic!("{origin}: whatlang gives no Latin-script scores for {text:?}");
    };
    let bits = |scores: &[(whatlang::Lang, f64)]| scores.iter().map(|&(l, s)| (l, s.to_bits())).collect::<Vec<_>>();
    let (scores, trigram_count) = latin::combined_scores(text);
    assert_eq!(bits(&scores), bits(&raw.scores), "{origin}: {text:?}");
    assert_eq!(
        trigram_count, raw.trigram_raw_outcome.trigrams_count,
        "{origin}: {text:?}"
    );
}

/// The first [`SAMPLE_CHARS`] characters of `text`, as `lang::detect` reads them.
fn sample_of(text: &str) -> &str {
    let end = text.char_indices().nth(SAMPLE_CHARS).map_or(text.len(), |(b, _)| b);
    &text[..end]
}

/// The files of the development corpus folder (all of them, read as UTF-8 with
/// replacements), or `None` when `../shared/dev/corpus` is absent.
fn dev_corpus_texts() -> Option<Vec<(String, String)>> {
    let root = shared("dev/corpus");
    if !root.is_dir() {
        return None;
    }
    let mut files = Vec::new();
    collect_files(&root, &mut files);
    files.sort();
    Some(
        files
            .iter()
            .map(|path| (path.display().to_string(), read_lossy(path)))
            .collect(),
    )
}

/// Every file under `dir`, recursively.
fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// The file at `path` as UTF-8, invalid bytes replaced.
fn read_lossy(path: &Path) -> String {
    String::from_utf8_lossy(&fs::read(path).unwrap()).into_owned()
}

/// The sample articles, as (name, text).
fn sample_texts() -> Vec<(String, String)> {
    sample_names()
        .into_iter()
        .map(|name| {
            let text = read_lossy(&samples().join(&name));
            (name, text)
        })
        .collect()
}

/// The byte offsets where lines start.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(b, _)| b + 1))
        .filter(|&b| b < text.len())
        .collect()
}

/// The detector samples of every story made of whole lines of `text`: a story starting at a line
/// start and ending at a later line end, trimmed and cut to [`SAMPLE_CHARS`] as `lang::detect`
/// cuts it. Stories ending past the cut give the same sample, so each start gives the samples of
/// the stories ending within its first [`SAMPLE_CHARS`] characters and one more.
fn story_samples(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let starts = line_starts(text);
    for &start in &starts {
        let rest = &text[start..];
        let cut = sample_of(rest).len();
        let ends = rest.match_indices('\n').map(|(b, _)| b).take_while(|&b| b < cut);
        for end in ends.chain([rest.len()]) {
            found.push(sample_of(rest[..end].trim()));
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// Windows of each of [`WINDOW_LENGTHS`] over `text`, starting every `step` characters.
fn sliding_windows(text: &str, step: usize) -> Vec<&str> {
    let bounds: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
    let chars = bounds.len() - 1;
    let mut found = Vec::new();
    for length in WINDOW_LENGTHS {
        let mut start = (length * 7) % step.max(1);
        while start + length <= chars {
            found.push(&text[bounds[start]..bounds[start + length]]);
            start += step;
        }
    }
    found
}

/// Compares every story sample of every text; returns (samples, Latin samples).
fn check_story_samples(texts: &[(String, String)]) -> (usize, usize) {
    let (mut total, mut latin) = (0, 0);
    for (name, text) in texts {
        for sample in story_samples(text) {
            total += 1;
            latin += usize::from(assert_same(sample, name));
        }
    }
    (total, latin)
}

/// Compares the sliding windows of every text; returns (windows, Latin windows).
fn check_windows(texts: &[(String, String)], step: usize) -> (usize, usize) {
    let (mut total, mut latin) = (0, 0);
    for (name, text) in texts {
        for window in sliding_windows(text, step) {
            total += 1;
            latin += usize::from(assert_same(window, name));
        }
    }
    (total, latin)
}

#[test]
fn sample_article_stories_are_detected_as_whatlang_detects_them() {
    let (total, latin) = check_story_samples(&sample_texts());
    eprintln!("sample articles: {total} story samples, {latin} in Latin script");
    assert!(latin > 200, "too few Latin-script samples: {latin}");
}

#[test]
fn sample_article_windows_are_detected_as_whatlang_detects_them() {
    let (total, latin) = check_windows(&sample_texts(), 53);
    eprintln!("sample articles: {total} windows, {latin} in Latin script");
    assert!(latin > 1000, "too few Latin-script windows: {latin}");
}

#[test]
fn development_corpus_stories_are_detected_as_whatlang_detects_them() {
    let Some(texts) = dev_corpus_texts() else {
        eprintln!("skipped: {} is missing", shared("dev/corpus").display());
        return;
    };
    let (total, latin) = check_story_samples(&texts);
    eprintln!("development corpus: {total} story samples, {latin} in Latin script");
    assert!(latin > 2000, "too few Latin-script samples: {latin}");
}

#[test]
fn development_corpus_windows_are_detected_as_whatlang_detects_them() {
    let Some(texts) = dev_corpus_texts() else {
        eprintln!("skipped: {} is missing", shared("dev/corpus").display());
        return;
    };
    let (total, latin) = check_windows(&texts, 401);
    eprintln!("development corpus: {total} windows, {latin} in Latin script");
    assert!(latin > 2000, "too few Latin-script windows: {latin}");
}

#[test]
fn edge_cases_are_detected_as_whatlang_detects_them() {
    let long_mixed = "Zusammenarbeit façade żółć İstanbul Đà Nẵng квартал ".repeat(40);
    let cases = [
        "",
        " ",
        "\n\t ",
        "1234567890",
        "!?.,;:-_()[]{}\"'`~@#$%^&*+=|\\/<>",
        "a",
        "A",
        "é",
        "ß",
        "ẞ",
        "İ",
        "ĳ",
        "ʻ",
        "ə̇",
        "·",
        "¿",
        "a b c",
        "aaa",
        "aa aa aa",
        "the",
        "der die das",
        "ab, 12 cd. ef!",
        "Лондон London",
        "Москва и Berlin и Paris и Wien",
        "日本 Tokyo",
        "Ελλάδα Athens",
        "\u{7f}\u{7f}a",
        "\u{0}\u{1f}x\u{ad}",
        "K Å Ω",
        long_mixed.as_str(),
    ];
    for text in cases {
        assert_same(text, "edge case");
    }
}

#[test]
fn texts_longer_than_a_sample_are_detected_as_whatlang_detects_them() {
    // Over 600 distinct trigrams: only the 600 most frequent are ranked.
    let text: String = sample_texts().into_iter().map(|(_, text)| text).collect();
    let chars: Vec<char> = text.chars().collect();
    for length in [700, 1_500, 4_000, 12_000] {
        for start in [0, chars.len() / 3, chars.len().saturating_sub(length)] {
            let window: String = chars[start..(start + length).min(chars.len())].iter().collect();
            assert!(assert_same(&window, "long window"));
        }
    }
}

/// The characters random texts are drawn from: ASCII letters, digits, punctuation and spaces,
/// German, French, Polish, Turkish and Vietnamese letters, and some Cyrillic.
const ALPHABET: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?-'\"()\n      \
                        äöüßÄÖÜẞéèêëàâçîïôùûœÉÈÀÇąćęłńóśźżĄĆĘŁŃÓŚŹŻçğıİöşüÇĞÖŞÜ\
                        ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐ\
                        абвгдежзийклмнопрстуфхцчшщыьэюяАБВГДЕЖЗ";

/// Random texts of 0 to 699 characters drawn from [`ALPHABET`].
fn mixed_text() -> impl Strategy<Value = String> {
    let chars: Vec<char> = ALPHABET.chars().collect();
    proptest::collection::vec(proptest::sample::select(chars), 0..700).prop_map(String::from_iter)
}

/// Words of a few languages, so that random texts also look like language and scores tie less.
fn word_text() -> impl Strategy<Value = String> {
    let words = vec![
        "the",
        "and",
        "of",
        "Präsident",
        "und",
        "der",
        "Zusammenarbeit",
        "la",
        "coopération",
        "économique",
        "współpraca",
        "gospodarcza",
        "işbirliği",
        "ekonomik",
        "hợp",
        "tác",
        "kinh",
        "tế",
        "сотрудничество",
        "Taschkent",
        "Mirziyoyev",
        "2024",
        "€9.6",
        "billion",
        "Milliarden",
        "—",
        "\n",
    ];
    proptest::collection::vec(proptest::sample::select(words), 0..120).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_mixed_text_is_detected_as_whatlang_detects_it(text in mixed_text()) {
        assert_same(&text, "random text");
    }

    #[test]
    fn random_word_text_is_detected_as_whatlang_detects_it(text in word_text()) {
        assert_same(&text, "random words");
    }
}
