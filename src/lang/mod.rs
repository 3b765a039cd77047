//! Language detection with whatlang, reported as ISO 639-1 codes.
//!
//! For Latin-script text (nearly every story), whatlang's own model is evaluated by [`latin`],
//! which gives whatlang's answers to the bit at a fraction of the cost (see [`whatlang_detect`]),
//! and reads each sample once for both of [`detect`]'s questions: the language among all, and,
//! when that answer is unreliable, among the supported ones.

pub mod latin;
mod sample;

use crate::text::{ascii_len, count_bytes};

/// How many characters of a story the detector reads: a few hundred decide as reliably as
/// the whole story (the same answers and confidences on the dev corpus as 4,000) at a seventh
/// of the cost.
pub const SAMPLE_CHARS: usize = 600;

/// A language accord has rules for: the rules folder has a `rules/<code>/` for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// English.
    En,
    /// German.
    De,
}

impl Lang {
    /// Every supported language, in the order the rules are loaded and reported.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::De];

    /// The ISO 639-1 code (also the name of the language's rules folder).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    /// The supported language with ISO 639-1 code `code`, if there is one.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The codes of every supported language for a message: `en or de`.
    pub fn listed() -> String {
        Lang::ALL.map(Lang::code).join(" or ")
    }

    /// The whatlang language it is.
    fn whatlang(self) -> whatlang::Lang {
        match self {
            Lang::En => whatlang::Lang::Eng,
            Lang::De => whatlang::Lang::Deu,
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The detected language of a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    /// ISO 639-1 code, or `und` when the text gives no answer.
    pub code: String,
    /// The detector's confidence, 0 to 1.
    pub confidence: f64,
    /// When the detector's first answer was unreliable and the text was re-read among the
    /// supported languages only: that first answer (code and confidence).
    pub uncertain: Option<(String, f64)>,
}

/// Parses the detection model, which the first detection parses otherwise: a run does it on a
/// thread of its own while the rules compile, so that its first files do not wait for it.
pub fn prepare() {
    latin::prepare();
}

/// Detects the language of `text` from its first [`SAMPLE_CHARS`] characters. Short texts full
/// of names can fool the detector; when its answer is unreliable, the text is re-read among
/// the supported languages (what whatlang's detector with them as its allowlist answers) and
/// the first answer is kept in `uncertain`.
pub fn detect(text: &str) -> Language {
    let sample = &text[..sample_end(text)];
    match main_script(sample) {
        Some(whatlang::Script::Latin) => {
            let reading = latin::Reading::of(sample);
            let info = reading.best(|_| true);
            let first = language(&info, None);
            if info.is_reliable() {
                return first;
            }
            let supported = Lang::ALL.map(Lang::whatlang);
            let again = reading.best(|l| supported.contains(&l));
            if again.lang() == info.lang() {
                return first;
            }
            language(&again, Some((first.code, first.confidence)))
        }
        Some(_) => whatlang::detect(sample).map_or_else(undetermined, |info| language(&info, None)),
        None => undetermined(),
    }
}

/// The answer for a text without letters.
fn undetermined() -> Language {
    Language {
        code: "und".to_owned(),
        confidence: 0.0,
        uncertain: None,
    }
}

/// The language whatlang's `info` names, its confidence rounded to three decimals.
fn language(info: &whatlang::Info, uncertain: Option<(String, f64)>) -> Language {
    Language {
        code: iso639_1(info.lang()).to_owned(),
        confidence: (info.confidence() * 1000.0).round() / 1000.0,
        uncertain,
    }
}

/// The byte where the first [`SAMPLE_CHARS`] characters of `text` end.
fn sample_end(text: &str) -> usize {
    if ascii_len(&text.as_bytes()[..text.len().min(SAMPLE_CHARS)]) == SAMPLE_CHARS {
        return SAMPLE_CHARS;
    }
    text.char_indices()
        .nth(SAMPLE_CHARS)
        .map(|(b, _)| b)
        .unwrap_or(text.len())
}

/// What `whatlang::detect(text)` returns (language, script, confidence to the bit), computed
/// by [`latin`] when the text's main script is Latin and by whatlang itself otherwise.
pub fn whatlang_detect(text: &str) -> Option<whatlang::Info> {
    match main_script(text)? {
        whatlang::Script::Latin => Some(latin::detect(text)),
        _ => whatlang::detect(text),
    }
}

/// The script whatlang finds for `text` (`whatlang::detect_script`), mostly without reading it
/// character by character: whatlang counts each character that is no digit, punctuation or
/// space for the first script it belongs to, and ASCII letters are Latin; so when ASCII
/// letters outnumber all the other characters it counts, Latin has the most, whatever script
/// those are.
fn main_script(text: &str) -> Option<whatlang::Script> {
    let letters = count_bytes(text.as_bytes(), |b| b.is_ascii_alphabetic());
    // Characters outside ASCII (their first bytes) and DEL, the only other ASCII character
    // whatlang counts.
    let others = count_bytes(text.as_bytes(), |b| b >= 0xC0 || b == 0x7F);
    if letters > others {
        return Some(whatlang::Script::Latin);
    }
    if others == 0 {
        return None;
    }
    whatlang::detect_script(text)
}

/// The ISO 639-1 code of a whatlang language (whatlang itself reports ISO 639-3).
pub fn iso639_1(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang::*;
    match lang {
        Epo => "eo",
        Eng => "en",
        Rus => "ru",
        Cmn => "zh",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Ben => "bn",
        Fra => "fr",
        Deu => "de",
        Ukr => "uk",
        Kat => "ka",
        Ara => "ar",
        Hin => "hi",
        Jpn => "ja",
        Heb => "he",
        Yid => "yi",
        Pol => "pl",
        Amh => "am",
        Jav => "jv",
        Kor => "ko",
        Nob => "nb",
        Dan => "da",
        Swe => "sv",
        Fin => "fi",
        Tur => "tr",
        Nld => "nl",
        Hun => "hu",
        Ces => "cs",
        Ell => "el",
        Bul => "bg",
        Bel => "be",
        Mar => "mr",
        Kan => "kn",
        Ron => "ro",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Mkd => "mk",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Tam => "ta",
        Vie => "vi",
        Urd => "ur",
        Tha => "th",
        Guj => "gu",
        Uzb => "uz",
        Pan => "pa",
        Aze => "az",
        Ind => "id",
        Tel => "te",
        Pes => "fa",
        Mal => "ml",
        Ori => "or",
        Mya => "my",
        Nep => "ne",
        Sin => "si",
        Khm => "km",
        Tuk => "tk",
        Aka => "ak",
        Zul => "zu",
        Sna => "sn",
        Afr => "af",
        Lat => "la",
        Slk => "sk",
        Cat => "ca",
        Tgl => "tl",
        Hye => "hy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_script_of_ascii_text_is_whatlangs() {
        let table = ["", "1234 -,;!", "Hello!", "\x7f\x7f", "2024: Tashkent", "a", "\t\n"];
        for text in table {
            assert_eq!(main_script(text), whatlang::detect_script(text), "{text:?}");
        }
        for text in [
            "Привет, Tashkent",
            "Привет, Tashkents",
            "Tashkent Привет",
            "ab Пр",
            "abc Пр",
            "Zölle für Öl",
            "ÄÖÜ ab",
        ] {
            assert_eq!(main_script(text), whatlang::detect_script(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_main_script_of_any_ascii_text_is_whatlangs(text in "[\\x00-\\x7f]{0,40}") {
            proptest::prop_assert_eq!(main_script(&text), whatlang::detect_script(&text));
        }

        #[test]
        fn the_main_script_of_mixed_scripts_is_whatlangs(text in "[a-zA-Z0-9 .,\\x7f äöüßé’–Жжیبα中]{0,40}") {
            proptest::prop_assert_eq!(main_script(&text), whatlang::detect_script(&text));
        }
    }

    #[test]
    fn detects_english_and_german() {
        let en =
            detect("The presidents discussed trade, investment and energy cooperation during the visit to Tashkent.");
        assert_eq!(en.code, "en");
        let de = detect("Die Präsidenten erörterten Fragen der Zusammenarbeit im Handel und in der Energiewirtschaft.");
        assert_eq!(de.code, "de");
        assert!(de.confidence > 0.5);
    }

    #[test]
    fn reports_other_languages_in_iso_639_1() {
        let ru = detect("Президенты обсудили вопросы торгово-экономического сотрудничества и инвестиций.");
        assert_eq!(ru.code, "ru");
    }

    #[test]
    fn short_name_heavy_german_is_reread_among_supported_languages() {
        let de = detect("Am 3. Mai 2024 empfing Sarina Testowa in Taschkent eine Delegation aus Deutschland. Testowa sprach über Kultur und Tourismus.");
        assert_eq!(de.code, "de");
    }

    #[test]
    fn supported_languages_have_their_iso_codes() {
        for lang in Lang::ALL {
            assert_eq!(iso639_1(lang.whatlang()), lang.code());
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::listed(), "en or de");
    }

    #[test]
    fn empty_text_is_undetermined() {
        assert_eq!(detect("").code, "und");
    }
}
