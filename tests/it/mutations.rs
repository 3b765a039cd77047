//! Mutation tests: real articles cut, spliced, sprinkled with Unicode and punctuation, joined
//! into one line and re-encoded go through the whole per-file pipeline (decode → segment →
//! detect → extract → resolve) without a panic, every span slices the decoded text, and a
//! batch of mutated files gives byte-identical output on one and two threads.
//!
//! The articles are the shipped samples in `data/articles`, plus the development corpus in
//! `../shared/dev/corpus/articles` where it is present.

use crate::common::*;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use accord::input::decode;
use accord::pipeline::run;
use accord::process::{process_bytes, Settings};
use proptest::prelude::*;

/// The real articles to mutate, in path order.
fn articles() -> &'static [String] {
    static ARTICLES: OnceLock<Vec<String>> = OnceLock::new();
    ARTICLES.get_or_init(|| {
        let mut paths: Vec<PathBuf> = Vec::new();
        for dir in [Some(samples()), dev_corpus()].into_iter().flatten() {
            if let Ok(entries) = fs::read_dir(&dir) {
                paths.extend(
                    entries
                        .map(|e| e.unwrap().path())
                        .filter(|p| p.extension().is_some_and(|e| e == "txt")),
                );
            }
        }
        paths.sort();
        paths.iter().map(|p| fs::read_to_string(p).unwrap()).collect()
    })
}

/// Characters that have broken text processors: combining marks, joiners, direction marks,
/// case-changing letters, astral symbols, line separators, quotes, currency and digits.
const INSERTS: &[&str] = &[
    "\u{301}",
    "\u{200d}",
    "\u{200b}",
    "\u{202e}",
    "\u{feff}",
    "İ",
    "ß",
    "ǅ",
    "ﬁ",
    "😀",
    "𝟙",
    "\u{2028}",
    "\r",
    "\r\n",
    "\n\n",
    "\t",
    "—",
    "…",
    "„",
    "“",
    "«",
    "'",
    "\"",
    "$",
    "€",
    "US$",
    "%",
    ",",
    ".",
    "-",
    ":",
    "(",
    ")",
    "7",
    "2024",
    "Mrd.",
    "billion",
    "President",
    "Präsident",
    "am 3.",
    "March",
    "EU-",
    "Wochenrückblick",
    "•",
];

/// One change to an article.
#[derive(Debug, Clone)]
enum Mutation {
    /// Keep only the part between two fractions of the text.
    Cut(f64, f64),
    /// Append a part of another article at a fraction of this one.
    Splice(usize, f64, f64),
    /// Insert one of `INSERTS` at a fraction of the text.
    Insert(usize, f64),
    /// Replace the line breaks between two fractions of the text by spaces.
    JoinLines(f64, f64),
    /// Cut the bytes at an arbitrary byte offset (may split a character).
    TruncateBytes(f64),
}

/// How the mutated text is written to bytes.
#[derive(Debug, Clone, Copy)]
enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

fn char_at(text: &str, fraction: f64) -> usize {
    let chars = text.chars().count();
    let n = ((chars as f64) * fraction.clamp(0.0, 1.0)) as usize;
    text.char_indices().nth(n).map_or(text.len(), |(b, _)| b)
}

fn apply(text: &str, m: &Mutation) -> String {
    match *m {
        Mutation::Cut(a, b) => {
            let (a, b) = (char_at(text, a.min(b)), char_at(text, a.max(b)));
            text[a..b].to_owned()
        }
        Mutation::Splice(other, a, at) => {
            let donor = &articles()[other % articles().len()];
            let piece = &donor[char_at(donor, a)..char_at(donor, (a + 0.2).min(1.0))];
            let at = char_at(text, at);
            format!("{}{piece}{}", &text[..at], &text[at..])
        }
        Mutation::Insert(which, at) => {
            let at = char_at(text, at);
            format!("{}{}{}", &text[..at], INSERTS[which % INSERTS.len()], &text[at..])
        }
        Mutation::JoinLines(a, b) => {
            let (a, b) = (char_at(text, a.min(b)), char_at(text, a.max(b)));
            format!("{}{}{}", &text[..a], text[a..b].replace('\n', " "), &text[b..])
        }
        Mutation::TruncateBytes(_) => text.to_owned(),
    }
}

fn encode(text: &str, encoding: Encoding, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(),
        Encoding::Utf16Le => [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect(),
        Encoding::Utf16Be => [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
        Encoding::Windows1252 => encoding_rs::WINDOWS_1252.encode(text).0.into_owned(),
    };
    for m in mutations {
        if let Mutation::TruncateBytes(at) = m {
            bytes.truncate((bytes.len() as f64 * at) as usize);
        }
    }
    bytes
}

fn mutated(article: usize, mutations: &[Mutation], encoding: Encoding) -> Vec<u8> {
    let all = articles();
    let mut text = all[article % all.len()].clone();
    for m in mutations {
        text = apply(&text, m);
    }
    encode(&text, encoding, mutations)
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let fraction = 0.0..=1.0f64;
    prop_oneof![
        (fraction.clone(), fraction.clone()).prop_map(|(a, b)| Mutation::Cut(a, b)),
        (any::<usize>(), fraction.clone(), fraction.clone()).prop_map(|(o, a, at)| Mutation::Splice(o, a, at)),
        (any::<usize>(), fraction.clone()).prop_map(|(w, at)| Mutation::Insert(w, at)),
        (any::<usize>(), fraction.clone()).prop_map(|(w, at)| Mutation::Insert(w, at)),
        (fraction.clone(), fraction.clone()).prop_map(|(a, b)| Mutation::JoinLines(a, b)),
        fraction.prop_map(Mutation::TruncateBytes),
    ]
}

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![
        4 => Just(Encoding::Utf8),
        1 => Just(Encoding::Utf8Bom),
        1 => Just(Encoding::Utf16Le),
        1 => Just(Encoding::Utf16Be),
        1 => Just(Encoding::Windows1252),
    ]
}

/// Runs the per-file pipeline on `bytes` and checks every span against the decoded text.
fn assert_pipeline_holds(bytes: &[u8]) {
    let Ok(decoded) = decode(bytes) else {
        return;
    };
    let records = process_bytes("m.txt", bytes, rules(), Settings::new(reference_date())).expect("decodable");
    let chars: Vec<char> = decoded.text.chars().collect();
    let slice = |start: usize, end: usize| -> String {
        assert!(
            start <= end && end <= chars.len(),
            "span {start}..{end} outside {} chars",
            chars.len()
        );
        chars[start..end].iter().collect()
    };
    for r in &records {
        for m in &r.mentions {
            assert_eq!(slice(m.start, m.end), m.text, "{m:?}");
        }
        for d in &r.dates {
            assert_eq!(slice(d.start, d.end), d.text);
        }
        for l in &r.leaders {
            assert_eq!(slice(l.start, l.end), l.text);
        }
        for m in &r.money {
            assert_eq!(slice(m.start, m.end), m.text);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn mutated_real_articles_never_panic_and_spans_slice_the_text(
        article in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..6),
        encoding in encoding(),
    ) {
        assert_pipeline_holds(&mutated(article, &mutations, encoding));
    }
}

#[test]
fn every_article_joined_into_one_line_holds() {
    for text in articles() {
        assert_pipeline_holds(text.replace('\n', " ").as_bytes());
    }
}

/// Writes `count` mutated articles, chosen by a fixed seed, into `dir`.
fn write_mutated_batch(dir: &Path, count: usize) {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut fraction = || (next() % 1000) as f64 / 1000.0;
    let encodings = [
        Encoding::Utf8,
        Encoding::Utf8Bom,
        Encoding::Utf16Le,
        Encoding::Windows1252,
    ];
    for i in 0..count {
        let mutations = [
            Mutation::Insert(i * 7, fraction()),
            Mutation::Splice(i * 3 + 1, fraction(), fraction()),
            Mutation::JoinLines(fraction(), fraction()),
            Mutation::Insert(i * 11 + 3, fraction()),
        ];
        let bytes = mutated(i, &mutations, encodings[i % encodings.len()]);
        fs::write(dir.join(format!("m{i:03}.txt")), bytes).unwrap();
    }
}

#[test]
fn a_batch_of_mutated_articles_gives_the_same_output_on_one_and_two_threads() {
    let input = tempfile::tempdir().unwrap();
    write_mutated_batch(input.path(), 40);
    let outputs: Vec<tempfile::TempDir> = [1, 2]
        .into_iter()
        .map(|threads| {
            let out = tempfile::tempdir().unwrap();
            let config = run_config(input.path(), out.path(), threads);
            let summary = run(&config).unwrap();
            assert_eq!(summary.inputs, 40);
            out
        })
        .collect();
    for name in RECORD_FILES {
        let one = fs::read(outputs[0].path().join(name)).unwrap();
        let two = fs::read(outputs[1].path().join(name)).unwrap();
        assert!(one == two, "{name} differs between one and two threads");
    }
}

#[test]
fn a_batch_of_several_chunks_is_written_in_input_order_whatever_the_threads() {
    // Workers take 32 files per thread per chunk and finish chunks in any order (the long
    // first file holds the first chunk up); the writer must still write them in input order.
    let input = tempfile::tempdir().unwrap();
    write_mutated_batch(input.path(), 199);
    fs::write(input.path().join("a_long.txt"), articles().concat().repeat(3)).unwrap();
    let outputs: Vec<tempfile::TempDir> = [1, 2, 3]
        .into_iter()
        .map(|threads| {
            let out = tempfile::tempdir().unwrap();
            let summary = run(&run_config(input.path(), out.path(), threads)).unwrap();
            assert_eq!(summary.inputs, 200);
            out
        })
        .collect();
    let sources: Vec<String> = records(outputs[0].path())
        .iter()
        .map(|r| r["source"].as_str().unwrap().to_owned())
        .collect();
    assert!(sources.windows(2).all(|w| w[0] <= w[1]), "records out of input order");
    assert!(sources.len() >= 200);
    for out in &outputs[1..] {
        assert_same_files(outputs[0].path(), out.path(), &RECORD_FILES);
    }
}
