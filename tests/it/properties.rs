//! Property tests: arbitrary text never panics, and every mention's offsets slice the input.

use accord::process::{process_text, Settings};
use proptest::prelude::*;

use crate::common::{reference_date, rules};

fn settings() -> Settings {
    Settings::new(reference_date())
}

fn assert_spans_slice(text: &str) {
    let chars: Vec<char> = text.chars().collect();
    for record in process_text("t.txt", text, Vec::new(), rules(), settings()) {
        for m in &record.mentions {
            assert!(m.start <= m.end && m.end <= chars.len(), "{m:?}");
            let slice: String = chars[m.start..m.end].iter().collect();
            assert_eq!(slice, m.text);
        }
    }
}

const WORDS: &[&str] = &[
    "President",
    "Shavkat",
    "Mirziyoyev",
    "Tokajew",
    "met",
    "on",
    "June",
    "14,",
    "2024",
    "$9.6",
    "billion",
    "€",
    "4,5",
    "Milliarden",
    "Euro",
    "Usbekistan",
    "usbekisch-kasachischen",
    "trade",
    "Energiewirtschaft",
    "İstanbul",
    "Zölle",
    "\n",
    "•",
    "KZT/USD",
    "=",
    "0.00211",
    "am",
    "29.",
    "März",
    "last",
    "year",
    "heute",
    "Ctrl+Enter",
    "Found a mistake?",
    "ǅ",
    "ß",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics_and_spans_slice(text in "\\PC{0,300}") {
        assert_spans_slice(&text);
    }

    #[test]
    fn news_like_word_salad_keeps_offsets(words in prop::collection::vec(prop::sample::select(WORDS), 0..80)) {
        assert_spans_slice(&words.join(" "));
    }
}

#[test]
fn multibyte_characters_before_a_match_do_not_shift_offsets() {
    let text = "€€€ İİ: On June 14, 2024 the presidents of Uzbekistan and Korea signed agreements on trade and energy worth $9.6 billion, the press service reported.";
    assert_spans_slice(text);
    let records = process_text("t.txt", text, Vec::new(), rules(), settings());
    let money = &records[0].money[0];
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(chars[money.start..money.end].iter().collect::<String>(), "$9.6 billion");
}
