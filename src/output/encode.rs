//! Records turned into the bytes of the text formats (`records.json`, `records.jsonl`,
//! `records.csv`, `mentions.csv`) where they are made: on the worker threads, so that the
//! writer thread only appends bytes in input order. Encoding a record on its own gives the
//! same bytes as writing it into the file after the records before it: JSON values and CSV
//! rows do not depend on what precedes them.

use std::io::Write;

use super::{csv, Format, UTF8_BOM};
use crate::record::Record;

/// Which text formats a run writes, and how: what [`Encoder::encode`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Encoder {
    json: bool,
    jsonl: bool,
    csv: bool,
    csv_bom: bool,
}

/// One file's records in each text format of the run (empty for the formats it does not
/// write).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// How many records were encoded.
    pub records: usize,
    /// Each record as an element of `records.json` (pretty JSON, no separator).
    pub json: Vec<Vec<u8>>,
    /// The lines of `records.jsonl`.
    pub jsonl: Vec<u8>,
    /// The rows of `records.csv`.
    pub records_csv: Vec<u8>,
    /// The rows of `mentions.csv`.
    pub mentions_csv: Vec<u8>,
}

impl Encoder {
    /// The encoder of a folder's `formats`; `csv_bom`: CSV rows end with CRLF (for Excel).
    pub fn new(formats: &[Format], csv_bom: bool) -> Encoder {
        Encoder {
            json: formats.contains(&Format::Json),
            jsonl: formats.contains(&Format::Jsonl),
            csv: formats.contains(&Format::Csv),
            csv_bom,
        }
    }

    /// The encoder of a stream of JSON lines (`accord run --out -`).
    pub fn lines() -> Encoder {
        Encoder::new(&[Format::Jsonl], false)
    }

    /// `records` in every format of the run.
    pub fn encode(&self, records: &[Record]) -> std::io::Result<Encoded> {
        let mut out = Encoded {
            records: records.len(),
            ..Encoded::default()
        };
        for record in records {
            if self.json {
                out.json.push(serde_json::to_vec_pretty(record)?);
            }
            if self.jsonl {
                write_line(&mut out.jsonl, record)?;
            }
        }
        if self.csv {
            out.records_csv = self.csv_rows(records.iter().map(csv::record_row))?;
            out.mentions_csv = self.csv_rows(records.iter().flat_map(csv::mention_rows))?;
        }
        Ok(out)
    }

    /// The start of a CSV file with the columns `header`: the byte-order mark when the files
    /// are for Excel, then the header row.
    pub fn csv_start(&self, header: &[&str]) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        if self.csv_bom {
            out.extend_from_slice(UTF8_BOM);
        }
        out.extend(self.csv_rows(std::iter::once(header))?);
        Ok(out)
    }

    /// CSV `rows` as bytes, with the run's line ends.
    pub fn csv_rows<R, I>(&self, rows: impl Iterator<Item = R>) -> std::io::Result<Vec<u8>>
    where
        R: IntoIterator<Item = I>,
        I: AsRef<[u8]>,
    {
        let mut builder = ::csv::WriterBuilder::new();
        builder.buffer_capacity(1024);
        if self.csv_bom {
            builder.terminator(::csv::Terminator::CRLF);
        }
        let mut w = builder.from_writer(Vec::new());
        for row in rows {
            w.write_record(row)?;
        }
        w.into_inner().map_err(|e| e.into_error())
    }
}

/// Writes `record` as one JSON line: the line format of `records.jsonl` and of `--out -`.
fn write_line<W: Write>(out: &mut W, record: &Record) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, record)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::{process_text, Settings};

    /// Records of two articles, English and German, with mentions of every kind.
    fn records() -> Vec<Record> {
        let settings = Settings::new(chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap());
        let articles = [
            "Talks in Tashkent\n\nThe presidents of Uzbekistan and Germany met on 3 May 2024 \
             and signed deals worth $2 billion, with \"energy\" and mining projects.\n",
            "Besuch in Astana\n\nKasachstans Präsident Tokajew empfing Olaf Scholz am 5. Juni \
             2024; vereinbart wurden Investitionen von 1,5 Mrd. Euro.\n",
        ];
        articles
            .iter()
            .enumerate()
            .flat_map(|(k, text)| {
                process_text(
                    &format!("{k}.txt"),
                    text,
                    Vec::new(),
                    crate::rules::test_rules(),
                    settings,
                )
            })
            .collect()
    }

    /// The CSV rows of `rows` written by one csv writer, as the files were written before
    /// records were encoded on their own.
    fn csv_written_at_once(rows: Vec<Vec<String>>, crlf: bool) -> Vec<u8> {
        let mut builder = ::csv::WriterBuilder::new();
        if crlf {
            builder.terminator(::csv::Terminator::CRLF);
        }
        let mut w = builder.from_writer(Vec::new());
        for row in rows {
            w.write_record(row).unwrap();
        }
        w.into_inner().unwrap()
    }

    #[test]
    fn encoding_records_one_file_at_a_time_gives_the_bytes_of_writing_them_all() {
        let records = records();
        assert!(records.len() >= 2, "{records:?}");
        for crlf in [false, true] {
            let encoder = Encoder::new(&[Format::Csv, Format::Json, Format::Jsonl], crlf);
            let pieces: Vec<Encoded> = records
                .iter()
                .map(|r| encoder.encode(std::slice::from_ref(r)).unwrap())
                .collect();
            let whole = encoder.encode(&records).unwrap();
            let joined =
                |part: fn(&Encoded) -> &Vec<u8>| pieces.iter().flat_map(|e| part(e).clone()).collect::<Vec<u8>>();
            assert_eq!(joined(|e| &e.jsonl), whole.jsonl);
            assert_eq!(joined(|e| &e.records_csv), whole.records_csv);
            assert_eq!(joined(|e| &e.mentions_csv), whole.mentions_csv);
            let jsonl: String = records
                .iter()
                .map(|r| serde_json::to_string(r).unwrap() + "\n")
                .collect();
            assert_eq!(whole.jsonl, jsonl.into_bytes());
            let json: Vec<Vec<u8>> = records.iter().map(|r| serde_json::to_vec_pretty(r).unwrap()).collect();
            assert_eq!(whole.json, json);
            let rows = records.iter().map(csv::record_row).collect();
            assert_eq!(whole.records_csv, csv_written_at_once(rows, crlf));
            let rows = records.iter().flat_map(csv::mention_rows).collect();
            assert_eq!(whole.mentions_csv, csv_written_at_once(rows, crlf));
        }
    }

    #[test]
    fn only_the_run_formats_are_encoded() {
        let records = records();
        let table: [(&[Format], [bool; 4]); 4] = [
            (&[Format::Jsonl], [false, true, false, false]),
            (&[Format::Json], [true, false, false, false]),
            (&[Format::Csv, Format::Xlsx], [false, false, true, true]),
            (&[Format::Xlsx], [false, false, false, false]),
        ];
        for (formats, expected) in table {
            let e = Encoder::new(formats, false).encode(&records).unwrap();
            let made = [
                !e.json.is_empty(),
                !e.jsonl.is_empty(),
                !e.records_csv.is_empty(),
                !e.mentions_csv.is_empty(),
            ];
            assert_eq!(made, expected, "{formats:?}");
        }
    }

    #[test]
    fn a_csv_file_starts_with_its_header_and_for_excel_a_byte_order_mark() {
        let plain = Encoder::new(&[Format::Csv], false).csv_start(&["a", "b c"]).unwrap();
        assert_eq!(plain, b"a,b c\n");
        let excel = Encoder::new(&[Format::Csv], true).csv_start(&["a", "b c"]).unwrap();
        assert_eq!(excel, b"\xEF\xBB\xBFa,b c\r\n");
    }
}
