//! The jobs of a run: files to read, or articles and bad lines of a stream, handed out a chunk
//! at a time in input order.

use super::RunError;
use crate::input::stream::{Article, ArticleLines, Item};
use crate::input::{FileWalk, InputFile, Skipped};

/// One unit of work, in input order.
pub(super) enum Job {
    /// A file to read and process.
    File(InputFile),
    /// An article from the stream.
    Article(Article),
    /// An input that cannot be processed (a bad stream line).
    Bad(Skipped),
}

impl Job {
    /// The input the job reads, as the records and the skipped list name it.
    pub(super) fn source(&self) -> &str {
        match self {
            Job::File(f) => &f.source,
            Job::Article(a) => &a.source,
            Job::Bad(s) => &s.source,
        }
    }
}

/// The jobs of a run, handed out a chunk at a time so that a stream is never held whole.
pub(super) enum Jobs {
    /// Files found one folder at a time.
    Files(FileWalk),
    /// Articles read from standard input.
    Stream(ArticleLines<std::io::StdinLock<'static>>),
}

impl Jobs {
    /// Up to `n` jobs; none at the end.
    pub(super) fn next_chunk(&mut self, n: usize) -> Result<Vec<Job>, RunError> {
        match self {
            Jobs::Files(files) => Ok(files.by_ref().take(n).map(Job::File).collect()),
            Jobs::Stream(lines) => Ok(lines
                .next_chunk(n)
                .map_err(RunError::Stdin)?
                .into_iter()
                .map(|item| match item {
                    Item::Article(a) => Job::Article(a),
                    Item::Bad(s) => Job::Bad(s),
                })
                .collect()),
        }
    }

    /// The inputs found but not usable (symbolic link loops, broken links, unreadable
    /// folders); a stream's bad lines are jobs of their own instead.
    pub(super) fn take_skipped(&mut self) -> Vec<Skipped> {
        match self {
            Jobs::Files(files) => files.take_skipped(),
            Jobs::Stream(_) => Vec::new(),
        }
    }
}
