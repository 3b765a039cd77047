//! Replacing a run's output files all at once, safely against crashes and concurrent runs.
//!
//! - **Lock.** A run holds an exclusive lock on `OUT/.accord.lock` from start to end; a second
//!   run on the same folder fails at once instead of interleaving its files with the first's.
//!   The lock file stays (deleting a lock file races with the next run taking it).
//! - **Temporary files.** Each output is written to `.NAME.XXXXXX.tmp` beside its target; an
//!   error drops and deletes them, so the previous output is untouched.
//! - **Journal.** Once every temporary file is complete and on disk, the list of renames is
//!   written to `OUT/.accord.commit` and synced; then the files are renamed into place and the
//!   journal removed. A run killed during the renames leaves the journal, and the next run
//!   finishes the renames before it does anything else, so the output files always belong to
//!   one run.
//! - **Leftovers.** Temporary files of killed runs (`.records.json.XXXXXX.tmp`, and the
//!   journal's own `.accord.commit.XXXXXX.tmp` before it is renamed into place) are removed by
//!   the next run, under the lock, after any journal is rolled forward.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// The lock file a run holds in its output folder.
pub const LOCK_FILE: &str = ".accord.lock";
/// The journal of renames of a commit in progress.
pub const JOURNAL_FILE: &str = ".accord.commit";
/// Every file a run writes; temporary files are named after them.
pub const OUTPUT_NAMES: [&str; 8] = [
    "records.json",
    "records.jsonl",
    "records.xlsx",
    "records.csv",
    "mentions.csv",
    "skipped.csv",
    "run.json",
    crate::incremental::STATE_FILE,
];

/// An output folder held by this run: locked, with any interrupted commit finished and
/// leftovers of killed runs removed.
#[derive(Debug)]
pub struct OutputDir {
    path: PathBuf,
    /// Held open for the lock; closing it releases the lock.
    _lock: File,
}

impl OutputDir {
    /// Creates `dir` if needed, takes its lock, completes an interrupted commit and removes
    /// leftover temporary files.
    pub fn open(dir: &Path) -> io::Result<OutputDir> {
        fs::create_dir_all(dir)?;
        let lock = take_lock(&dir.join(LOCK_FILE))?;
        roll_forward(dir)?;
        remove_leftovers(dir)?;
        Ok(OutputDir {
            path: dir.to_path_buf(),
            _lock: lock,
        })
    }

    /// A new temporary file for the output `name`.
    pub fn temp_file(&self, name: &str) -> io::Result<NamedTempFile> {
        temp_file_in(&self.path, name)
    }

    /// Renames every finished temporary file onto its target (`name`), all or nothing as seen
    /// after a crash: the renames are journaled first. Returns the targets.
    pub fn commit(&self, files: Vec<(NamedTempFile, &str)>) -> io::Result<Vec<PathBuf>> {
        for (_, name) in &files {
            let target = self.path.join(name);
            if target.is_dir() {
                return Err(io::Error::other(format!(
                    "cannot replace {}: it is a folder; remove or rename it",
                    target.display()
                )));
            }
        }
        for (tmp, _) in &files {
            tmp.as_file().sync_all()?;
        }
        let renames: Vec<(String, String)> = files
            .iter()
            .map(|(tmp, name)| (file_name(tmp.path()), (*name).to_owned()))
            .collect();
        write_journal(&self.path, &renames)?;
        for (tmp, _) in files {
            tmp.keep().map_err(|e| e.error)?;
        }
        apply(&self.path, &renames)?;
        Ok(renames.into_iter().map(|(_, name)| self.path.join(name)).collect())
    }
}

/// Opens (creating it if needed) and locks the lock file `path`; the lock lasts as long as the
/// returned file is open. Fails at once if another process holds it.
fn take_lock(path: &Path) -> io::Result<File> {
    let with_path = |e: io::Error| io::Error::new(e.kind(), format!("cannot lock {}: {e}", path.display()));
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(with_path)?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(TryLockError::WouldBlock) => Err(io::Error::new(
            io::ErrorKind::WouldBlock,
            format!(
                "another accord run is writing to this folder (it holds {}); wait for it or choose another --out",
                path.display()
            ),
        )),
        Err(TryLockError::Error(e)) => Err(with_path(e)),
    }
}

/// A new temporary file `.NAME.XXXXXX.tmp` in `dir`, the pattern [`temp_of`] knows.
fn temp_file_in(dir: &Path, name: &str) -> io::Result<NamedTempFile> {
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes and syncs the journal: one `temporary<TAB>target` line per rename.
fn write_journal(dir: &Path, renames: &[(String, String)]) -> io::Result<()> {
    let mut journal = temp_file_in(dir, JOURNAL_FILE.trim_start_matches('.'))?;
    for (tmp, target) in renames {
        writeln!(journal, "{tmp}\t{target}")?;
    }
    journal.as_file().sync_all()?;
    journal.persist(dir.join(JOURNAL_FILE)).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Renames each temporary file that is still there onto its target, then removes the journal.
fn apply(dir: &Path, renames: &[(String, String)]) -> io::Result<()> {
    for (tmp, target) in renames {
        let from = dir.join(tmp);
        if from.exists() {
            fs::rename(&from, dir.join(target))?;
        }
    }
    sync_dir(dir)?;
    fs::remove_file(dir.join(JOURNAL_FILE))?;
    sync_dir(dir)
}

/// Finishes a commit that a killed run left half done.
fn roll_forward(dir: &Path) -> io::Result<()> {
    let journal = dir.join(JOURNAL_FILE);
    let text = match fs::read_to_string(&journal) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let renames: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter(|(tmp, target)| OUTPUT_NAMES.contains(target) && temp_of(tmp) == Some(*target))
        .map(|(tmp, target)| (tmp.to_owned(), target.to_owned()))
        .collect();
    apply(dir, &renames).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "cannot finish the interrupted commit listed in {}: {e}",
                journal.display()
            ),
        )
    })
}

/// Removes temporary output files of earlier, killed runs.
fn remove_leftovers(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_leftover(&name) && entry.file_type()?.is_file() {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// True for the names of this module's temporary files (see [`temp_of`]).
fn is_leftover(file: &str) -> bool {
    temp_of(file).is_some()
}

/// The name a temporary file `.NAME.XXXXXX.tmp` stands in for: an output, or the journal,
/// which is written to `.accord.commit.XXXXXX.tmp` before it is renamed into place.
fn temp_of(file: &str) -> Option<&'static str> {
    let inner = file.strip_prefix('.')?.strip_suffix(".tmp")?;
    let journal = JOURNAL_FILE.trim_start_matches('.');
    OUTPUT_NAMES.into_iter().chain([journal]).find(|name| {
        inner
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|random| !random.is_empty() && random.chars().all(|c| c.is_ascii_alphanumeric()))
    })
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn leftover_names_are_exactly_the_temporary_outputs() {
        for name in [
            ".records.json.a1B2c3.tmp",
            ".run.json.XYZ123.tmp",
            ".mentions.csv.0.tmp",
            ".accord.commit.Q7x9Zk.tmp",
        ] {
            assert!(is_leftover(name), "{name}");
        }
        for name in [
            "records.json",
            ".records.json.tmp",
            ".notes.txt.abc.tmp",
            ".records.json.a-b.tmp",
            ".accord.lock",
            ".accord.commit",
            ".accord.lock.abc.tmp",
            "x.records.json.abc.tmp",
        ] {
            assert!(!is_leftover(name), "{name}");
        }
    }

    #[test]
    fn an_interrupted_commit_is_finished_and_leftovers_removed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("records.json"), "old json").unwrap();
        fs::write(d.join("run.json"), "new run").unwrap();
        fs::write(d.join(".records.json.abc123.tmp"), "new json").unwrap();
        fs::write(d.join(".records.csv.stale1.tmp"), "killed run").unwrap();
        fs::write(d.join(".accord.commit.stale2.tmp"), "killed while journaling").unwrap();
        fs::write(d.join("notes.txt"), "not ours").unwrap();
        fs::write(
            d.join(JOURNAL_FILE),
            ".records.json.abc123.tmp\trecords.json\n.run.json.done99.tmp\trun.json\n",
        )
        .unwrap();
        let out = OutputDir::open(d).unwrap();
        assert_eq!(fs::read_to_string(d.join("records.json")).unwrap(), "new json");
        assert_eq!(fs::read_to_string(d.join("run.json")).unwrap(), "new run");
        assert_eq!(names(d), [LOCK_FILE, "notes.txt", "records.json", "run.json"]);
        drop(out);
    }

    #[test]
    fn a_journal_line_whose_file_is_not_a_temporary_of_its_target_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("records.json"), "old json").unwrap();
        fs::write(d.join(".records.csv.abc123.tmp"), "csv, not json").unwrap();
        fs::write(d.join(JOURNAL_FILE), ".records.csv.abc123.tmp\trecords.json\n").unwrap();
        OutputDir::open(d).unwrap();
        assert_eq!(fs::read_to_string(d.join("records.json")).unwrap(), "old json");
        assert_eq!(names(d), [LOCK_FILE, "records.json"]);
    }

    #[test]
    fn a_lock_file_that_cannot_be_opened_is_named() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(LOCK_FILE)).unwrap();
        let err = OutputDir::open(dir.path()).unwrap_err();
        let lock = dir.path().join(LOCK_FILE);
        assert!(
            err.to_string()
                .starts_with(&format!("cannot lock {}: ", lock.display())),
            "{err}"
        );
    }

    #[test]
    fn a_second_run_on_a_locked_folder_fails_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutputDir::open(dir.path()).unwrap();
        let err = OutputDir::open(dir.path()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("another accord run is writing to this folder"),
            "{err}"
        );
        drop(first);
        OutputDir::open(dir.path()).unwrap();
    }

    #[test]
    fn a_commit_replaces_every_file_and_leaves_no_journal() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::open(dir.path()).unwrap();
        fs::write(dir.path().join("records.json"), "old").unwrap();
        let mut files = Vec::new();
        for name in ["records.json", "run.json"] {
            let mut tmp = out.temp_file(name).unwrap();
            write!(tmp, "new {name}").unwrap();
            files.push((tmp, name));
        }
        let written = out.commit(files).unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(
            fs::read_to_string(dir.path().join("records.json")).unwrap(),
            "new records.json"
        );
        assert_eq!(names(dir.path()), [LOCK_FILE, "records.json", "run.json"]);
    }

    #[test]
    fn a_folder_in_the_way_fails_before_anything_is_renamed() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::open(dir.path()).unwrap();
        fs::write(dir.path().join("records.json"), "old").unwrap();
        fs::create_dir(dir.path().join("run.json")).unwrap();
        let files = ["records.json", "run.json"]
            .into_iter()
            .map(|name| (out.temp_file(name).unwrap(), name))
            .collect();
        let err = out.commit(files).unwrap_err();
        assert!(err.to_string().contains("run.json: it is a folder"), "{err}");
        assert_eq!(fs::read_to_string(dir.path().join("records.json")).unwrap(), "old");
        assert_eq!(names(dir.path()), [LOCK_FILE, "records.json", "run.json"]);
    }
}
