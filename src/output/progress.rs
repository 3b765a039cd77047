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
    sizes: Vec<u64>,
    done: usize,
}

impl Progress {
    /// No progress display.
    pub fn hidden() -> Progress {
        Progress {
            bar: None,
            sizes: Vec::new(),
            done: 0,
        }
    }

    /// A progress bar on standard error over input files of these sizes in bytes, in the
    /// order they are done. The caller decides that standard error is a terminal.
    pub fn on_stderr(sizes: Vec<u64>) -> Progress {
        let files = sizes.len();
        let bytes: u64 = sizes.iter().sum();
        let style =
            ProgressStyle::with_template("{spinner} [{bar:20}] {msg} files  {decimal_bytes_per_sec}  ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(bytes.max(1)), ProgressDrawTarget::stderr()).with_style(style);
        bar.set_message(format!("0/{files}"));
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress {
            bar: Some(bar),
            sizes,
            done: 0,
        }
    }

    /// One more file is done.
    pub fn file_done(&mut self) {
        let bytes = self.sizes.get(self.done).copied().unwrap_or(0);
        self.done += 1;
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
            bar.set_message(format!("{}/{}", self.done, self.sizes.len()));
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
        p.file_done();
        p.file_done();
        assert_eq!(p.done(), 2);
        assert!(p.bar.is_none());
    }
}
