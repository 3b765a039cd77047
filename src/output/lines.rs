//! Records as JSON lines on a stream (`accord run --out -`): the lines of `records.jsonl`,
//! flushed after every chunk so that a reader downstream gets records as they come.

use std::io::{BufWriter, Write};

/// Writes records as JSON lines to `W` (standard output in a run).
pub struct RecordLines<W: Write> {
    out: BufWriter<W>,
}

impl<W: Write> RecordLines<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> RecordLines<W> {
        RecordLines {
            out: BufWriter::new(out),
        }
    }

    /// Writes records already encoded as JSON lines (see [`super::encode`]).
    pub fn append(&mut self, lines: &[u8]) -> std::io::Result<()> {
        self.out.write_all(lines)
    }

    /// Hands what is written so far to the reader.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::encode::Encoder;
    use crate::process::{process_text, Settings};

    #[test]
    fn lines_are_the_lines_of_records_jsonl() {
        let settings = Settings::new(chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap());
        let text = "Talks in Tashkent\n\nThe presidents of Uzbekistan and Germany met on 3 May 2024.\n";
        let records = process_text("a.txt", text, Vec::new(), crate::rules::test_rules(), settings);
        let mut lines = RecordLines::new(Vec::new());
        for r in &records {
            let encoded = Encoder::lines().encode(std::slice::from_ref(r)).unwrap();
            lines.append(&encoded.jsonl).unwrap();
        }
        lines.flush().unwrap();
        let written = String::from_utf8(lines.out.into_inner().unwrap()).unwrap();
        let expected: String = records
            .iter()
            .map(|r| serde_json::to_string(r).unwrap() + "\n")
            .collect();
        assert_eq!(written, expected);
    }
}
