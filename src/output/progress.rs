//! Progress of a run on a terminal: files done of all, bytes read per second and the time
//! left, drawn on standard error. The pipeline creates it only when standard error is a
//! terminal and `--quiet` is not given, and advances it from the writer side, once per file
//! result, so the workers never touch it.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar over the input files, or nothing.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    files: usize,
    done: usize,
}

impl Progress {
    /// No progress display.
    pub fn hidden() -> Progress {
        Progress {
            bar: None,
            files: 0,
            done: 0,
        }
    }

    /// A progress bar on standard error over `files` input files of `bytes` bytes in all.
    /// The caller decides that standard error is a terminal.
    pub fn on_stderr(files: usize, bytes: u64) -> Progress {
        let style =
            ProgressStyle::with_template("{spinner} [{bar:20}] {msg} files  {decimal_bytes_per_sec}  ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(bytes.max(1)), ProgressDrawTarget::stderr()).with_style(style);
        bar.set_message(format!("0/{files}"));
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress {
            bar: Some(bar),
            files,
            done: 0,
        }
    }

    /// One more file is done, of `bytes` bytes.
    pub fn file_done(&mut self, bytes: u64) {
        self.done += 1;
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
            bar.set_message(format!("{}/{}", self.done, self.files));
        }
    }

    /// Files done so far.
    pub fn done(&self) -> usize {
        self.done
    }

    /// Removes the bar from the terminal (also done when the progress is dropped).
    pub fn clear(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_progress_counts_and_draws_nothing() {
        let mut p = Progress::hidden();
        p.file_done(10);
        p.file_done(5);
        assert_eq!(p.done(), 2);
        assert!(p.bar.is_none());
    }
}
