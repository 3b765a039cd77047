//! Diagnostics for rule files, printed like a compiler's: what, where (file:line:column), the
//! offending line with a caret, and how to fix it.

use std::fmt;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// One problem found in a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule file.
    pub path: PathBuf,
    /// 1-based line, 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// The offending line of the file, when known.
    pub source_line: Option<String>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A problem at `line`:`column` of `path`; the source line is filled in from `source`.
    pub fn at(path: &Path, source: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        let source_line = if line > 0 {
            source.lines().nth(line - 1).map(str::to_owned)
        } else {
            None
        };
        Diagnostic {
            path: path.to_path_buf(),
            line,
            column,
            message: message.into(),
            source_line,
            hint: None,
        }
    }

    /// A problem at byte offset `byte` of `source`, the text of `path`.
    pub fn at_byte(path: &Path, source: &str, byte: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_column(source, byte);
        Diagnostic::at(path, source, line, column, message)
    }

    /// A problem with the file as a whole (missing, unreadable).
    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message: message.into(),
            source_line: None,
            hint: None,
        }
    }

    /// Adds a hint saying how to fix the problem.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `path:line:column`, as far as known.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (0, _) => self.path.display().to_string(),
            (l, 0) => format!("{}:{}", self.path.display(), l),
            (l, c) => format!("{}:{}:{}", self.path.display(), l, c),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        write!(f, "  --> {}", self.location())?;
        if let Some(line) = &self.source_line {
            write!(f, "\n   | {line}")?;
            if self.column > 0 {
                let pad: String = line
                    .chars()
                    .take(self.column - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n   | {pad}^")?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n   = help: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem found while loading the rules; nothing runs while there is one.
#[derive(Debug, Error)]
pub struct RuleErrors(pub Vec<Diagnostic>);

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        write!(
            f,
            "{} error{} in the rule files; nothing was processed",
            self.0.len(),
            if self.0.len() == 1 { "" } else { "s" }
        )
    }
}

/// 1-based line and column (in characters) of byte offset `byte` in `source`.
pub fn line_column(source: &str, byte: usize) -> (usize, usize) {
    let byte = byte.min(source.len());
    let before = &source[..byte];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = source[line_start..byte].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_location_source_line_caret_and_hint() {
        let src = "a = 1\nregex = '(x'\n";
        let d = Diagnostic::at_byte(
            Path::new("rules/en/dates.toml"),
            src,
            14,
            "invalid regex: unclosed group",
        )
        .with_hint("close the group with `)`");
        let text = d.to_string();
        assert_eq!(
            text,
            "error: invalid regex: unclosed group\n  --> rules/en/dates.toml:2:9\n   | regex = '(x'\n   |         ^\n   = help: close the group with `)`"
        );
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ä\nöx", 5), (2, 2));
    }
}
