//! Reading rule files: CSV tables and TOML documents, each problem reported with its location.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::diag::Diagnostic;

/// A row of a CSV rule file with the line it came from.
#[derive(Debug, Clone)]
pub struct Row<T> {
    /// 1-based line number in the file.
    pub line: usize,
    /// The parsed row.
    pub value: T,
}

/// Reads a whole rule file, or reports it as missing or unreadable.
pub fn read_text(path: &Path, errors: &mut Vec<Diagnostic>) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(err) => {
            errors.push(
                Diagnostic::file(path, format!("cannot read rule file: {err}"))
                    .with_hint("every rule file listed in rules/README.md must exist and be UTF-8 text"),
            );
            None
        }
    }
}

/// A CSV rule file: where it is, its text (for diagnostics) and its parsed rows.
#[derive(Debug, Clone)]
pub struct Table<T> {
    /// The file.
    pub path: PathBuf,
    /// Its text.
    pub source: String,
    /// The rows that parsed.
    pub rows: Vec<Row<T>>,
}

impl<T> Table<T> {
    /// A diagnostic at the start of `line` of this file.
    pub fn error(&self, line: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(&self.path, &self.source, line, 1, message)
    }
}

/// Reads a CSV rule file with a header row whose columns must be exactly `columns`;
/// `#` starts a comment line. Bad rows are reported and skipped, good rows returned.
pub fn read_csv<T: DeserializeOwned>(path: &Path, columns: &[&str], errors: &mut Vec<Diagnostic>) -> Table<T> {
    let mut table = Table {
        path: path.to_path_buf(),
        source: String::new(),
        rows: Vec::new(),
    };
    let Some(source) = read_text(path, errors) else {
        return table;
    };
    table.source = source;
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(table.source.as_bytes());
    if let Err(problem) = check_header(&mut reader, &table.source, columns) {
        errors.push(match problem {
            HeaderProblem::Columns(line, message) => Diagnostic::at(path, &table.source, line, 1, message)
                .with_hint(format!("the header row must read `{}`", columns.join(","))),
            HeaderProblem::Unreadable(err) => Diagnostic::file(path, format!("cannot read CSV header: {err}")),
        });
        return table;
    }
    table.rows = read_rows(reader, &table.source, path, columns, errors);
    table
}

/// What is wrong with a CSV file's header row.
enum HeaderProblem {
    /// The columns are not the expected ones: the header's line and the message.
    Columns(usize, String),
    /// The header could not be read.
    Unreadable(csv::Error),
}

/// Checks that the header row of `text` (read by `reader`) has exactly `columns`.
fn check_header(reader: &mut csv::Reader<&[u8]>, text: &str, columns: &[&str]) -> Result<(), HeaderProblem> {
    let headers = reader.headers().map_err(HeaderProblem::Unreadable)?;
    let found: Vec<&str> = headers.iter().collect();
    if found == columns {
        return Ok(());
    }
    let unknown: Vec<&str> = found.iter().copied().filter(|c| !columns.contains(c)).collect();
    let header_line = text
        .lines()
        .position(|l| !l.trim_start().starts_with('#'))
        .map(|i| i + 1)
        .unwrap_or(1);
    let message = if unknown.is_empty() {
        format!("wrong columns: expected `{}`", columns.join(","))
    } else {
        format!(
            "unknown column `{}`: expected `{}`",
            unknown.join("`, `"),
            columns.join(",")
        )
    };
    Err(HeaderProblem::Columns(header_line, message))
}

/// Reads the records after the header, each with its line; bad and malformed rows are
/// reported and skipped.
fn read_rows<T: DeserializeOwned>(
    mut reader: csv::Reader<&[u8]>,
    text: &str,
    path: &Path,
    columns: &[&str],
    errors: &mut Vec<Diagnostic>,
) -> Vec<Row<T>> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |p: Option<&csv::Position>| {
        p.map(|p| record_line(text, &line_starts, p.byte() as usize))
            .unwrap_or(0)
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = line_of(record.position());
                match record.deserialize::<T>(None) {
                    Ok(value) => rows.push(Row { line, value }),
                    Err(err) => errors.push(
                        Diagnostic::at(path, text, line, 1, format!("bad row: {err}"))
                            .with_hint(format!("each row needs the columns `{}`", columns.join(","))),
                    ),
                }
            }
            Err(err) => errors.push(
                Diagnostic::at(path, text, line_of(err.position()), 1, format!("malformed CSV: {err}"))
                    .with_hint("quote fields that contain commas with double quotes"),
            ),
        }
    }
    rows
}

/// The 1-based line of the CSV record whose position the csv crate reports as `byte`: that
/// position is where the comment or blank lines before the record begin, so skip them.
fn record_line(source: &str, line_starts: &[usize], byte: usize) -> usize {
    let mut at = byte.min(source.len());
    while at < source.len()
        && (source[at..].starts_with('#') || source[at..].starts_with('\n') || source[at..].starts_with("\r\n"))
    {
        at = source[at..].find('\n').map(|i| at + i + 1).unwrap_or(source.len());
    }
    line_starts.partition_point(|&start| start <= at)
}

/// Reads a TOML rule file into `T` (unknown keys are errors when `T` denies them).
pub fn read_toml<T: DeserializeOwned>(path: &Path, errors: &mut Vec<Diagnostic>) -> Option<(String, T)> {
    let text = read_text(path, errors)?;
    match toml::from_str::<T>(&text) {
        Ok(value) => Some((text, value)),
        Err(err) => {
            let byte = err.span().map(|s| s.start).unwrap_or(0);
            let message = err.message().trim().to_owned();
            errors.push(
                Diagnostic::at_byte(path, &text, byte, message)
                    .with_hint("see rules/README.md for the keys this file takes"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Pair {
        a: String,
    }

    #[test]
    fn rows_after_comments_report_their_own_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "# c1\na\n# c2\n\n\"x\n").unwrap();
        let mut errors = Vec::new();
        let _ = read_csv::<Pair>(&path, &["a"], &mut errors);
        std::fs::write(&path, "# c1\na\n# c2\nok\n# c3\n\nfine\n").unwrap();
        let table = read_csv::<Pair>(&path, &["a"], &mut errors);
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [4, 7]);
        assert_eq!(table.rows[1].value.a, "fine");
    }
}
