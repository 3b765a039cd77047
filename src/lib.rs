//! accord turns news articles about diplomacy and economic cooperation into structured
//! records (see `spec/RECORDS.md` in `../shared`).
//!
//! The pipeline: [`input`] (find, read, decode) → [`segment`] (stories, titles, site furniture)
//! → [`lang`] (language) → [`extract`] (dates, leaders, money, sectors, countries, driven by
//! [`rules`]) → [`resolve`] (years, published and event dates) → [`record`] → [`output`]
//! (CSV, JSON, atomic writes). [`pipeline`] runs it over many files in parallel, each
//! [`isolate`]d so that one bad file never costs the batch; [`process`] runs it over one.

pub mod check;
pub mod cli;
pub mod diff;
pub mod eval;
pub mod explain;
pub mod extract;
pub mod incremental;
pub mod input;
pub mod isolate;
pub mod lang;
pub mod output;
pub mod pipeline;
pub mod process;
pub mod record;
pub mod resolve;
pub mod rules;
pub mod segment;
pub mod story;
pub mod text;

/// Why a command other than `run` failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// Bad arguments or bad rule files (exit status 2).
    #[error("{0}")]
    Usage(String),
    /// A file could not be read or parsed (exit status 1).
    #[error("error: {0}")]
    Failed(String),
}

impl CommandError {
    /// The exit status for this error.
    pub fn exit_code(&self) -> cli::Exit {
        match self {
            CommandError::Usage(_) => cli::Exit::Usage,
            CommandError::Failed(_) => cli::Exit::Failure,
        }
    }
}

impl From<rules::diag::RuleErrors> for CommandError {
    fn from(e: rules::diag::RuleErrors) -> Self {
        CommandError::Usage(e.to_string())
    }
}
