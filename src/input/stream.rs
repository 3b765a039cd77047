//! Articles as JSON lines (`accord run --input -`): one object per line with `id` and `text`,
//! optionally `source`, `url`, `published` and `language`. A line that is not such an object
//! becomes a skipped input named `stdin:LINE`, and the stream goes on.

use std::io::{BufRead, Read};

use chrono::NaiveDate;
use serde::Deserialize;

use super::{human_size, refuse_binary, Skipped};

/// One article read from the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The record id (`ID#N` for the N-th story of a digest), as a file stem is in a folder run.
    pub id: String,
    /// The records' `source`: the line's `source`, else its `url`, else its `id`.
    pub source: String,
    /// The article text.
    pub text: String,
    /// The publication date known from outside the text; a date printed in the text wins.
    pub published: Option<NaiveDate>,
    /// The ISO 639-1 code of the article's language, when known: detection is skipped.
    pub language: Option<String>,
}

/// A line as it is written; unknown fields are ignored.
#[derive(Deserialize)]
struct Line {
    id: String,
    text: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    language: Option<String>,
}

/// What one line of the stream holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// An article.
    Article(Article),
    /// A line that is not an article, and why.
    Bad(Skipped),
}

/// Reads articles from JSON lines, one line at a time, so memory stays bounded by the longest
/// line (at most `max_bytes`) whatever the length of the stream.
pub struct ArticleLines<R> {
    reader: R,
    max_bytes: u64,
    line: usize,
    buffer: Vec<u8>,
}

impl<R: BufRead> ArticleLines<R> {
    /// Reads from `reader`; a line longer than `max_bytes` is skipped as too large.
    pub fn new(reader: R, max_bytes: u64) -> ArticleLines<R> {
        ArticleLines {
            reader,
            max_bytes,
            line: 0,
            buffer: Vec::new(),
        }
    }

    /// Up to `n` items, in stream order; fewer only at the end of the stream.
    pub fn next_chunk(&mut self, n: usize) -> std::io::Result<Vec<Item>> {
        let mut items = Vec::with_capacity(n);
        while items.len() < n {
            match self.next_item()? {
                Some(item) => items.push(item),
                None => break,
            }
        }
        Ok(items)
    }

    /// The next article or bad line, skipping blank lines; `None` at the end of the stream.
    fn next_item(&mut self) -> std::io::Result<Option<Item>> {
        loop {
            self.buffer.clear();
            let limit = self.max_bytes.saturating_add(1);
            let read = Read::take(&mut self.reader, limit).read_until(b'\n', &mut self.buffer)?;
            if read == 0 {
                return Ok(None);
            }
            self.line += 1;
            let source = format!("stdin:{}", self.line);
            if self.buffer.last() != Some(&b'\n') && self.buffer.len() as u64 > self.max_bytes {
                self.discard_rest_of_line()?;
                let reason = format!(
                    "too large: the line exceeds the limit of {}; raise it with --max-file-size",
                    human_size(self.max_bytes)
                );
                return Ok(Some(Item::Bad(Skipped { source, reason })));
            }
            let bytes = self.buffer.trim_ascii();
            if bytes.is_empty() {
                continue;
            }
            return Ok(Some(match parse(bytes) {
                Ok(article) => Item::Article(article),
                Err(reason) => Item::Bad(Skipped { source, reason }),
            }));
        }
    }

    /// Reads and drops the rest of an over-long line without holding it in memory.
    fn discard_rest_of_line(&mut self) -> std::io::Result<()> {
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                return Ok(());
            }
            match available.iter().position(|&b| b == b'\n') {
                Some(at) => {
                    self.reader.consume(at + 1);
                    return Ok(());
                }
                None => {
                    let len = available.len();
                    self.reader.consume(len);
                }
            }
        }
    }
}

/// Parses one non-blank line into an article, or says what is wrong with it.
pub fn parse(bytes: &[u8]) -> Result<Article, String> {
    let line: Line = serde_json::from_slice(bytes).map_err(|e| json_error(&e))?;
    if line.id.trim().is_empty() {
        return Err("`id` is empty; give every article an id".to_owned());
    }
    refuse_binary(&line.text).map_err(|e| format!("`text`: {e}"))?;
    let published = line.published.as_deref().map(parse_published).transpose()?;
    let language = line.language.as_deref().map(parse_language).transpose()?;
    let source = line.source.or(line.url).unwrap_or_else(|| line.id.clone());
    Ok(Article {
        id: line.id,
        source,
        text: line.text,
        published,
        language,
    })
}

/// A serde error without serde's "at line 1" (the stream's line number is given instead).
fn json_error(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let message = match message.rsplit_once(" at line ") {
        Some((what, _)) => what.to_owned(),
        None => message,
    };
    format!(
        "not a JSON article ({{\"id\": ..., \"text\": ...}}): {message} at column {}",
        e.column()
    )
}

/// `YYYY-MM-DD`, optionally followed by a time (`2024-06-14T09:30:00Z`, `2024-06-14 09:30`).
fn parse_published(value: &str) -> Result<NaiveDate, String> {
    let value = value.trim();
    let day = value.get(..10).unwrap_or(value);
    let rest = value.get(10..).unwrap_or("");
    let valid_rest = rest.is_empty() || rest.starts_with(['T', ' ']);
    match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        Ok(date) if valid_rest => Ok(date),
        _ => Err(format!("`published`: `{value}` is not a date; write YYYY-MM-DD")),
    }
}

/// An ISO 639-1 code, lower-cased; a region or script after it is dropped (`en-GB` → `en`).
fn parse_language(value: &str) -> Result<String, String> {
    let primary = value.trim().split(['-', '_']).next().unwrap_or("");
    if primary.len() == 2 && primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(primary.to_ascii_lowercase())
    } else {
        Err(format!(
            "`language`: `{value}` is not an ISO 639-1 code such as `en` or `de`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(input: &str, max_bytes: u64) -> Vec<Item> {
        let mut lines = ArticleLines::new(input.as_bytes(), max_bytes);
        let mut all = Vec::new();
        loop {
            let chunk = lines.next_chunk(2).unwrap();
            if chunk.is_empty() {
                return all;
            }
            all.extend(chunk);
        }
    }

    fn bad(item: &Item) -> (&str, &str) {
        match item {
            Item::Bad(s) => (s.source.as_str(), s.reason.as_str()),
            Item::Article(a) => panic!("expected a bad line, got {a:?}"),
        }
    }

    #[test]
    fn reads_articles_with_and_without_optional_fields() {
        let input = concat!(
            r#"{"id": "a", "text": "Präsident Mirziyoyev"}"#,
            "\n\n",
            r#"{"id": "b", "text": "x", "url": "https://example.org/b", "published": "2024-06-14T09:30:00Z", "language": "en-GB", "extra": 1}"#,
            "\r\n",
            r#"{"id": "c", "text": "y", "source": "sub/c.txt", "url": "u", "published": null}"#,
        );
        let all = items(input, 1 << 20);
        assert_eq!(all.len(), 3);
        let Item::Article(a) = &all[0] else { panic!() };
        assert_eq!(
            (a.id.as_str(), a.source.as_str(), a.text.as_str()),
            ("a", "a", "Präsident Mirziyoyev")
        );
        assert_eq!((a.published, a.language.as_deref()), (None, None));
        let Item::Article(b) = &all[1] else { panic!() };
        assert_eq!(b.source, "https://example.org/b");
        assert_eq!(b.published, NaiveDate::from_ymd_opt(2024, 6, 14));
        assert_eq!(b.language.as_deref(), Some("en"));
        let Item::Article(c) = &all[2] else { panic!() };
        assert_eq!(c.source, "sub/c.txt");
    }

    #[test]
    fn bad_lines_are_named_by_line_number_and_the_stream_goes_on() {
        let input = concat!(
            "not json\n",
            r#"{"id": "a"}"#,
            "\n",
            r#"{"id": " ", "text": "t"}"#,
            "\n",
            r#"{"id": "b", "text": "t", "published": "14.06.2024"}"#,
            "\n",
            r#"{"id": "c", "text": "t", "language": "English"}"#,
            "\n",
            r#"{"id": 5, "text": "t"}"#,
            "\n",
            r#"{"id": "d", "text": "a\u0000b"}"#,
            "\n",
            r#"{"id": "ok", "text": "t"}"#,
            "\n",
        );
        let all = items(input, 1 << 20);
        assert_eq!(all.len(), 8);
        let expected = [
            ("stdin:1", "not a JSON article"),
            ("stdin:2", "missing field `text`"),
            ("stdin:3", "`id` is empty"),
            ("stdin:4", "`published`: `14.06.2024` is not a date"),
            ("stdin:5", "`language`: `English`"),
            ("stdin:6", "invalid type: integer `5`"),
            ("stdin:7", "`text`: binary"),
        ];
        for (item, (source, reason)) in all.iter().zip(expected) {
            let (got_source, got_reason) = bad(item);
            assert_eq!(got_source, source);
            assert!(got_reason.contains(reason), "{got_reason}");
        }
        assert!(matches!(&all[7], Item::Article(a) if a.id == "ok"));
    }

    #[test]
    fn an_over_long_line_is_skipped_without_losing_the_next() {
        let long = format!(r#"{{"id": "big", "text": "{}"}}"#, "x".repeat(300));
        let input = format!("{long}\n{}\n", r#"{"id": "small", "text": "t"}"#);
        let all = items(&input, 100);
        assert_eq!(all.len(), 2);
        let (source, reason) = bad(&all[0]);
        assert_eq!(source, "stdin:1");
        assert!(reason.starts_with("too large"), "{reason}");
        assert!(matches!(&all[1], Item::Article(a) if a.id == "small"));
    }

    #[test]
    fn a_last_line_without_newline_is_read() {
        let all = items(r#"{"id": "a", "text": "t"}"#, 1 << 20);
        assert!(matches!(&all[..], [Item::Article(a)] if a.id == "a"));
    }
}
