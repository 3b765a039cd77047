//! Language detection with whatlang, reported as ISO 639-1 codes.

/// How many characters of a story the detector reads; a few kilobytes decide reliably.
pub const SAMPLE_CHARS: usize = 4000;

/// The detected language of a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    /// ISO 639-1 code, or `und` when the text gives no answer.
    pub code: String,
    /// The detector's confidence, 0 to 1.
    pub confidence: f64,
}

/// Detects the language of `text` from its first [`SAMPLE_CHARS`] characters.
pub fn detect(text: &str) -> Language {
    let end = text
        .char_indices()
        .nth(SAMPLE_CHARS)
        .map(|(b, _)| b)
        .unwrap_or(text.len());
    match whatlang::detect(&text[..end]) {
        Some(info) => Language {
            code: iso639_1(info.lang()).to_owned(),
            confidence: (info.confidence() * 1000.0).round() / 1000.0,
        },
        None => Language {
            code: "und".to_owned(),
            confidence: 0.0,
        },
    }
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
    fn empty_text_is_undetermined() {
        assert_eq!(detect("").code, "und");
    }
}
