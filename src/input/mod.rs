//! Input: find the article files, read them and decode them to text.
//!
//! Discovery ([`FileWalk`]) follows symbolic links but lists every file once, one folder at a
//! time in path order; a link that leads back into a folder being walked is a loop, reported
//! as a skipped input. Reading refuses files over a size limit and
//! binary files, and decoding honours byte-order marks (UTF-8, UTF-16 LE/BE), recognises
//! UTF-16 without one, and detects legacy encodings (chardetng) for text that is not UTF-8.

use std::fs;
use std::io::Read;
use std::path::PathBuf;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};
use thiserror::Error;

use crate::text::count_bytes;

pub mod stream;
mod walk;

pub use walk::FileWalk;

/// The default `--max-file-size`: far above any article, below an export that would need
/// gigabytes of memory.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// A file whose first this many characters hold a NUL character is binary (git's rule).
const NUL_WINDOW: usize = 8192;

/// A file is binary when more than one character in this many is a control character.
const CONTROL_SHARE_DIVISOR: usize = 100;

/// One article file to process.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputFile {
    /// Where the file is on disk.
    pub path: PathBuf,
    /// The path relative to the input root it was found under, with `/` separators.
    pub source: String,
}

/// An input that could not be processed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The input path relative to its root.
    pub source: String,
    /// Why it was skipped.
    pub reason: String,
}

/// Why a file or folder given as input could not be used.
#[derive(Debug, Error)]
pub enum InputError {
    /// The path named on the command line does not exist.
    #[error("input path does not exist: {0}")]
    Missing(PathBuf),
    /// A folder named on the command line could not be listed.
    #[error("cannot list folder {path}: {source}")]
    Walk {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// What discovery found: the files to process, in path order, and the inputs it had to skip
/// (symlink loops, unreadable folders, broken links).
#[derive(Debug, Default)]
pub struct Discovered {
    /// Every `*.txt` file, each once.
    pub files: Vec<InputFile>,
    /// Inputs found but not usable.
    pub skipped: Vec<Skipped>,
}

/// The decoded text of one file, with anything the user should know about the decoding.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// Warnings such as a guessed encoding.
    pub warnings: Vec<String>,
}

/// Why a file's bytes are not an article.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The bytes are not text.
    #[error("binary: {0}")]
    Binary(String),
}

/// Lists every `*.txt` file under the given files or folders at once (see [`FileWalk`] for
/// the rules), in path order; for callers that need the whole list, such as `accord eval`.
pub fn discover(inputs: &[PathBuf]) -> Result<Discovered, InputError> {
    let mut walk = FileWalk::new(inputs)?;
    let files = walk.by_ref().collect();
    Ok(Discovered {
        files,
        skipped: walk.take_skipped(),
    })
}

/// Reads and decodes one file, refusing files over `max_bytes` and binary files.
pub fn read(file: &InputFile, max_bytes: u64) -> Result<Decoded, Skipped> {
    let skipped = |reason: String| Skipped {
        source: file.source.clone(),
        reason,
    };
    let too_large = |size: u64| {
        skipped(format!(
            "too large: {} exceeds the limit of {}; raise it with --max-file-size",
            human_size(size),
            human_size(max_bytes)
        ))
    };
    let cannot_read = |e: std::io::Error| skipped(format!("cannot read {}: {e}", file.path.display()));
    let handle = fs::File::open(&file.path).map_err(cannot_read)?;
    let size = handle.metadata().map_err(cannot_read)?.len();
    if size > max_bytes {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // Read one byte past the limit, so a file that grew after `metadata` is still caught.
    handle
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    let decoded = decode(&bytes).map_err(|e| skipped(e.to_string()))?;
    if decoded.text.len() > crate::text::MAX_TEXT_BYTES {
        return Err(too_large(decoded.text.len() as u64));
    }
    Ok(decoded)
}

/// A byte count for messages: `512 bytes`, `3.4 MiB`.
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["KiB", "MiB", "GiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Decodes file bytes to text: by byte-order mark (UTF-8, UTF-16 LE/BE); UTF-16 without one
/// when its zero bytes give it away; UTF-8; otherwise the legacy encoding chardetng detects,
/// named in a warning. Text that turns out to be binary is refused.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let mut warnings = Vec::new();
    let text = if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            warnings.push(format!(
                "invalid {} after its byte-order mark: bad sequences replaced by U+FFFD",
                encoding.name()
            ));
        }
        text.into_owned()
    } else if let Some(encoding) = utf16_without_bom(bytes) {
        warnings.push(format!(
            "no byte-order mark: decoded as {} (zero bytes)",
            encoding.name()
        ));
        encoding.decode_without_bom_handling(bytes).0.into_owned()
    } else {
        match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(err) => {
                let encoding = detect_legacy(bytes);
                warnings.push(format!(
                    "invalid UTF-8 at byte {}: decoded as {} (detected)",
                    err.valid_up_to(),
                    encoding.name()
                ));
                encoding.decode_without_bom_handling(bytes).0.into_owned()
            }
        }
    };
    refuse_binary(&text)?;
    Ok(Decoded { text, warnings })
}

/// UTF-16 LE or BE when the first few KiB have zero bytes in one byte position of each pair
/// (the high byte of Latin text) and hardly ever in the other.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    if pairs < 2 || !sample.contains(&0) {
        return None;
    }
    let zeros_at = |offset: usize| sample.iter().skip(offset).step_by(2).filter(|&&b| b == 0).count();
    let (even, odd) = (zeros_at(0), zeros_at(1));
    let mostly = |n: usize| n * 10 >= pairs * 3;
    let hardly = |n: usize| n * 50 <= pairs;
    if mostly(odd) && hardly(even) {
        Some(UTF_16LE)
    } else if mostly(even) && hardly(odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// The legacy encoding chardetng guesses for bytes that are not UTF-8.
fn detect_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// Refuses text that is binary: a NUL among its first characters, or more than one
/// character in a hundred a control character other than tab, line and page breaks.
pub(crate) fn refuse_binary(text: &str) -> Result<(), DecodeError> {
    let bytes = text.as_bytes();
    let control = control_count(bytes);
    if control == 0 {
        // No control character, so no NUL either: the common case needs no more reading.
        return Ok(());
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        let at = char_count(&bytes[..nul]);
        if at < NUL_WINDOW {
            return Err(DecodeError::Binary(format!("NUL character at character {at}")));
        }
    }
    let total = char_count(bytes);
    if control * CONTROL_SHARE_DIVISOR > total {
        return Err(DecodeError::Binary(format!(
            "{control} of {total} characters are control characters"
        )));
    }
    Ok(())
}

/// The number of characters in UTF-8 `bytes`: every byte but the continuation bytes
/// (0x80 to 0xBF, which read as `i8` are below -0x40).
fn char_count(bytes: &[u8]) -> usize {
    count_bytes(bytes, |b| (b as i8) >= -0x40)
}

/// The number of control characters (Unicode category Cc: U+0000 to U+001F and U+007F to
/// U+009F) in UTF-8 `bytes`, tab, line and page breaks aside. U+0080 to U+009F are encoded
/// as 0xC2 followed by 0x80 to 0x9F.
fn control_count(bytes: &[u8]) -> usize {
    let c0 = count_bytes(bytes, |b| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f
    });
    let c1 = count_pairs(bytes, |lead, next| lead == 0xc2 && (0x80..0xa0).contains(&next));
    c0 + c1
}

/// How many pairs of adjacent bytes satisfy `test`, counted like [`count_bytes`] counts bytes.
fn count_pairs(bytes: &[u8], test: impl Fn(u8, u8) -> bool) -> usize {
    let Some(last) = bytes.len().checked_sub(1) else {
        return 0;
    };
    bytes[..last]
        .chunks(255)
        .zip(bytes[1..].chunks(255))
        .map(|(leads, nexts)| {
            let pairs = leads.iter().zip(nexts);
            usize::from(pairs.map(|(&lead, &next)| u8::from(test(lead, next))).sum::<u8>())
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_and_control_characters_on_bytes_as_on_chars() {
        let texts = [
            "",
            "plain",
            "Zölle\tund\nmehr",
            "a\u{7f}b\u{85}c\u{9f}\u{a0}\u{100}\x01",
            "\u{c2}\u{80}€\r\x0c",
        ];
        for text in texts {
            let chars = text.chars().count();
            let controls = text
                .chars()
                .filter(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c'))
                .count();
            assert_eq!(char_count(text.as_bytes()), chars, "{text:?}");
            assert_eq!(control_count(text.as_bytes()), controls, "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn byte_counts_agree_with_char_counts(text in proptest::prelude::any::<String>()) {
            let controls = text
                .chars()
                .filter(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c'))
                .count();
            proptest::prop_assert_eq!(char_count(text.as_bytes()), text.chars().count());
            proptest::prop_assert_eq!(control_count(text.as_bytes()), controls);
        }
    }

    fn decoded(bytes: &[u8]) -> Decoded {
        decode(bytes).expect("text")
    }

    #[test]
    fn strips_a_utf8_bom_and_keeps_utf8() {
        let d = decoded("\u{feff}Zölle".as_bytes());
        assert_eq!(d.text, "Zölle");
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn decodes_utf16_by_its_bom_in_both_byte_orders() {
        let text = "Zölle für Taschkent: 4,5 Milliarden Euro";
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for bytes in [le, be] {
            let d = decoded(&bytes);
            assert_eq!(d.text, text);
            assert!(d.warnings.is_empty());
        }
    }

    #[test]
    fn recognises_utf16_without_a_bom_and_says_so() {
        let text = "The presidents met in Tashkent on June 14, 2024.";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let d = decoded(&le);
        assert_eq!(d.text, text);
        assert!(d.warnings[0].contains("UTF-16LE"), "{:?}", d.warnings);
    }

    #[test]
    fn detects_legacy_encodings_and_names_them() {
        let d = decoded(b"Die Pr\xe4sidenten trafen sich in M\xfcnchen und sprachen \xfcber Z\xf6lle \x80 5");
        assert!(
            d.text.starts_with("Die Präsidenten trafen sich in München"),
            "{}",
            d.text
        );
        assert!(d.text.ends_with("€ 5"), "{}", d.text);
        assert!(d.warnings[0].contains("windows-1252"), "{:?}", d.warnings);
    }

    #[test]
    fn refuses_binary_content() {
        // Bytes spread over the whole range (Fibonacci hashing of a counter).
        let random: Vec<u8> = (0..20_000u32)
            .map(|i| (i.wrapping_mul(0x9E37_79B9) >> 24) as u8)
            .collect();
        for bytes in [random.as_slice(), b"PK\x03\x04\x14\x00\x00\x00 some zip", b"text\0text"] {
            assert!(matches!(decode(bytes), Err(DecodeError::Binary(_))), "{bytes:?}");
        }
    }

    #[test]
    fn keeps_text_with_a_few_control_characters() {
        let text = format!("{}\x07 bell\r\n\x0cpage", "news ".repeat(100));
        assert_eq!(decoded(text.as_bytes()).text, text);
    }

    #[test]
    fn discovers_txt_files_sorted_and_skips_hidden() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::create_dir(dir.path().join(".hidden")).unwrap();
        for name in ["b.txt", "a.txt", "sub/c.txt", ".x.txt", ".hidden/d.txt", "e.md"] {
            fs::write(dir.path().join(name), "x").unwrap();
        }
        let found = discover(&[dir.path().to_path_buf()]).unwrap();
        let sources: Vec<_> = found.files.iter().map(|f| f.source.as_str()).collect();
        assert_eq!(sources, ["a.txt", "b.txt", "sub/c.txt"]);
        assert!(found.skipped.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_reported_and_files_listed_once() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("sub")).unwrap();
        fs::write(root.join("a.txt"), "x").unwrap();
        fs::write(root.join("sub/b.txt"), "x").unwrap();
        symlink(".", root.join("loop")).unwrap();
        symlink("..", root.join("sub/up")).unwrap();
        symlink("sub", root.join("again")).unwrap();
        symlink("a.txt", root.join("alias.txt")).unwrap();
        let found = discover(&[root.to_path_buf(), root.join("a.txt")]).unwrap();
        let sources: Vec<_> = found.files.iter().map(|f| f.source.as_str()).collect();
        assert_eq!(sources, ["a.txt", "sub/b.txt"]);
        let skipped: Vec<_> = found.skipped.iter().map(|s| s.source.as_str()).collect();
        assert_eq!(skipped, ["loop", "sub/up"]);
        assert!(found.skipped[0].reason.starts_with("symbolic link loop"));
    }

    #[test]
    fn files_over_the_limit_are_skipped_with_the_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        fs::write(&path, "x".repeat(3000)).unwrap();
        let file = InputFile {
            path,
            source: "big.txt".into(),
        };
        let err = read(&file, 2048).unwrap_err();
        assert_eq!(
            err.reason,
            "too large: 2.9 KiB exceeds the limit of 2.0 KiB; raise it with --max-file-size"
        );
        assert_eq!(read(&file, 3000).unwrap().text.len(), 3000);
    }
}
