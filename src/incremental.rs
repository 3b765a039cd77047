//! Nightly increments (`accord run --incremental`): a state file beside the outputs keeps, for
//! every input file, the SHA-256 of its bytes and the records it gave. The next incremental run
//! reuses the records of a file whose source and content are unchanged, processes the others,
//! and writes complete outputs as a full run would.
//!
//! Stored records are reused only under the same tool version, rules digest and file size
//! limit (the state's header); records that took a year from the reference date (a story with
//! no published date) only under the same reference date as well. The state is indexed when the
//! run starts (source, hash and where each entry is) and an entry's records are read only when
//! they are reused, so memory does not grow with the size of the archive. A state that cannot
//! be read is set aside with a note, and every file is processed.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::input::{InputFile, Skipped};
use crate::record::{MentionRow, Record};
use crate::resolve::dates::YearSource;

/// The state file in the output folder, replaced together with the outputs.
pub const STATE_FILE: &str = ".accord-state.jsonl";

/// The version of the state file's layout.
const LAYOUT: u32 = 1;

/// What stored records depend on besides the input: the first line of the state file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateKey {
    /// The layout of the state file.
    pub accord_state: u32,
    /// The tool version that wrote it.
    pub version: String,
    /// The SHA-256 digest of the rule files.
    pub rules_digest: String,
    /// The `--max-file-size` of the run.
    pub max_file_size: u64,
    /// The `--reference-date` of the run (`YYYY-MM-DD`).
    pub reference_date: String,
}

impl StateKey {
    /// The key of a run with these rules and settings.
    pub fn new(rules_digest: &str, max_file_size: u64, reference_date: chrono::NaiveDate) -> StateKey {
        StateKey {
            accord_state: LAYOUT,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            rules_digest: rules_digest.to_owned(),
            max_file_size,
            reference_date: reference_date.format("%Y-%m-%d").to_string(),
        }
    }

    /// The header line of a state file, with its line end.
    pub fn line(&self) -> Vec<u8> {
        let mut line = serde_json::to_vec(self).expect("a state key serializes");
        line.push(b'\n');
        line
    }

    /// Why stored records made under `old` cannot be reused now, if they cannot.
    fn mismatch(&self, old: &StateKey) -> Option<&'static str> {
        if old.accord_state != self.accord_state || old.version != self.version {
            Some("it was written by another version of accord")
        } else if old.rules_digest != self.rules_digest {
            Some("the rules changed since it was written")
        } else if old.max_file_size != self.max_file_size {
            Some("--max-file-size changed since it was written")
        } else {
            None
        }
    }
}

/// The index part of an entry: which file, which content, and whether its records used the
/// reference date. The records that follow are not read here.
#[derive(Deserialize)]
struct EntryKey {
    source: String,
    sha256: String,
    uses_reference: bool,
}

/// An entry's records, read when they are reused.
#[derive(Deserialize)]
struct EntryRecords {
    records: Vec<Stored>,
}

/// A record with its mentions (which the JSON outputs leave out).
#[derive(Serialize, Deserialize)]
struct Stored {
    record: Record,
    mentions: Vec<MentionRow>,
}

/// An entry as written.
#[derive(Serialize)]
struct EntryOut<'a> {
    source: &'a str,
    sha256: &'a str,
    uses_reference: bool,
    records: Vec<StoredOut<'a>>,
}

#[derive(Serialize)]
struct StoredOut<'a> {
    record: &'a Record,
    mentions: &'a [MentionRow],
}

/// Where an entry is in the previous state file.
#[derive(Debug, Clone, Copy)]
struct Located {
    offset: u64,
    len: usize,
    uses_reference: bool,
}

/// The previous run's state: an index of its entries, and the file to read them from.
#[derive(Debug)]
pub struct Previous {
    file: Mutex<File>,
    index: HashMap<(String, String), Located>,
    same_reference_date: bool,
}

/// The state an incremental run starts from.
#[derive(Debug)]
pub struct Loaded {
    /// The previous state, when there is one that can be used.
    pub previous: Option<Previous>,
    /// Why there is none, for the run's notes (nothing when the folder had no state yet).
    pub note: Option<String>,
}

impl Previous {
    /// Loads the index of `dir`'s state file for a run with `key`.
    pub fn load(dir: &Path, key: &StateKey) -> Loaded {
        let path = dir.join(STATE_FILE);
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Loaded {
                    previous: None,
                    note: None,
                }
            }
            Err(e) => return unusable(&format!("it cannot be read ({e})")),
        };
        match index(&file, key) {
            Ok(Ok((index, same_reference_date))) => Loaded {
                previous: Some(Previous {
                    file: Mutex::new(file),
                    index,
                    same_reference_date,
                }),
                note: None,
            },
            Ok(Err(mismatch)) => unusable(mismatch),
            Err(e) => unusable(&e),
        }
    }

    /// The stored entry for this content of `source`, when its records can be reused.
    fn find(&self, source: &str, sha256: &str) -> Option<Located> {
        let found = *self.index.get(&(source.to_owned(), sha256.to_owned()))?;
        (!found.uses_reference || self.same_reference_date).then_some(found)
    }

    /// Reads a stored entry: its records, and its line to carry into the new state.
    fn read(&self, at: Located) -> Result<(Vec<Record>, Vec<u8>), String> {
        let mut line = vec![0; at.len];
        {
            let mut file = self
                .file
                .lock()
                .map_err(|_| "the state file is unavailable".to_owned())?;
            file.seek(SeekFrom::Start(at.offset)).map_err(|e| e.to_string())?;
            file.read_exact(&mut line).map_err(|e| e.to_string())?;
        }
        let entry: EntryRecords = serde_json::from_slice(&line).map_err(|e| e.to_string())?;
        let records = entry
            .records
            .into_iter()
            .map(|stored| Record {
                mentions: stored.mentions,
                ..stored.record
            })
            .collect();
        Ok((records, line))
    }
}

/// No usable previous state, with the reason as a note.
fn unusable(reason: &str) -> Loaded {
    Loaded {
        previous: None,
        note: Some(format!(
            "incremental: the state file {STATE_FILE} was set aside because {reason}; every file was processed"
        )),
    }
}

/// The index of a state file: each entry's key and place, and whether the reference date is
/// the same; or why its records cannot be reused; or why it cannot be read.
type Index = Result<(HashMap<(String, String), Located>, bool), &'static str>;

/// Reads the header and the key of every entry of a state file.
fn index(file: &File, key: &StateKey) -> Result<Index, String> {
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut offset = reader.read_until(b'\n', &mut line).map_err(|e| e.to_string())? as u64;
    let old: StateKey = serde_json::from_slice(&line).map_err(|e| format!("its header is not readable ({e})"))?;
    if let Some(mismatch) = key.mismatch(&old) {
        return Ok(Err(mismatch));
    }
    let mut index = HashMap::new();
    for number in 2.. {
        line.clear();
        let len = reader.read_until(b'\n', &mut line).map_err(|e| e.to_string())?;
        if len == 0 {
            break;
        }
        let entry: EntryKey =
            serde_json::from_slice(&line).map_err(|e| format!("line {number} is not readable ({e})"))?;
        let located = Located {
            offset,
            len,
            uses_reference: entry.uses_reference,
        };
        index.insert((entry.source, entry.sha256), located);
        offset += len as u64;
    }
    Ok(Ok((index, old.reference_date == key.reference_date)))
}

/// The result of one input file in an incremental run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Its records.
    pub records: Vec<Record>,
    /// Its entry in the new state (none when its content could not be hashed).
    pub state_line: Option<Vec<u8>>,
    /// True when the records were taken from the previous state.
    pub reused: bool,
}

impl Outcome {
    /// Records just made, with no state entry.
    pub fn fresh(records: Vec<Record>) -> Outcome {
        Outcome {
            records,
            state_line: None,
            reused: false,
        }
    }
}

/// Processes `file` in an incremental run: its stored records when its content is unchanged,
/// else `process`'s, with the entry for the new state either way.
pub fn process_file(
    file: &InputFile,
    max_file_size: u64,
    previous: Option<&Previous>,
    process: impl FnOnce() -> Result<Vec<Record>, Skipped>,
) -> Result<Outcome, Skipped> {
    // A file that cannot be read, or is too large, is skipped by `process` with its reason.
    let Some(sha256) = hash_file(&file.path, max_file_size) else {
        return process().map(Outcome::fresh);
    };
    let stored = previous.and_then(|p| p.find(&file.source, &sha256).map(|at| p.read(at)));
    if let Some(Ok((records, line))) = stored {
        return Ok(Outcome {
            records,
            state_line: Some(line),
            reused: true,
        });
    }
    let records = process()?;
    let state_line = entry_line(&file.source, &sha256, &records);
    Ok(Outcome {
        records,
        state_line: Some(state_line),
        reused: false,
    })
}

/// The SHA-256 of a file's bytes in hex; `None` when it cannot be read or is over the limit.
fn hash_file(path: &Path, max_file_size: u64) -> Option<String> {
    let file = File::open(path).ok()?;
    if file.metadata().ok()?.len() > max_file_size {
        return None;
    }
    let mut hasher = Sha256::new();
    let mut reader = BufReader::new(file);
    loop {
        let chunk = reader.fill_buf().ok()?;
        if chunk.is_empty() {
            break;
        }
        hasher.update(chunk);
        let len = chunk.len();
        reader.consume(len);
    }
    Some(format!("{:x}", hasher.finalize()))
}

/// The state entry of a file's records, with its line end.
fn entry_line(source: &str, sha256: &str, records: &[Record]) -> Vec<u8> {
    let entry = EntryOut {
        source,
        sha256,
        uses_reference: records
            .iter()
            .flat_map(|r| &r.dates)
            .any(|d| d.year_source == YearSource::Reference.as_str()),
        records: records
            .iter()
            .map(|record| StoredOut {
                record,
                mentions: &record.mentions,
            })
            .collect(),
    };
    let mut line = serde_json::to_vec(&entry).expect("records serialize");
    line.push(b'\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::{process_text, Settings};
    use chrono::NaiveDate;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
    }

    fn records(text: &str) -> Vec<Record> {
        process_text(
            "a.txt",
            text,
            Vec::new(),
            crate::rules::test_rules(),
            Settings::new(day(15)),
        )
    }

    /// A state file in `dir` with `key` and one entry per (source, text).
    fn write_state(dir: &Path, key: &StateKey, files: &[(&str, &str)]) {
        let mut bytes = key.line();
        for (source, text) in files {
            bytes.extend(entry_line(source, &format!("hash-of-{source}"), &records(text)));
        }
        std::fs::write(dir.join(STATE_FILE), bytes).unwrap();
    }

    const DATED: &str =
        "Talks\n\nJune 14, 2024\nThe presidents of Uzbekistan and Germany signed a $2 billion deal on March 3.\n";
    const UNDATED: &str =
        "Talks\n\nThe presidents of Uzbekistan and Germany met on March 3 and signed a $2 billion deal.\n";

    #[test]
    fn stored_records_come_back_whole_with_their_mentions() {
        let dir = tempfile::tempdir().unwrap();
        let key = StateKey::new("rules", 100, day(15));
        write_state(dir.path(), &key, &[("a.txt", DATED)]);
        let previous = Previous::load(dir.path(), &key).previous.expect("usable");
        let at = previous.find("a.txt", "hash-of-a.txt").expect("indexed");
        let (back, line) = previous.read(at).unwrap();
        let original = records(DATED);
        assert!(!original[0].mentions.is_empty() && !original[0].money.is_empty());
        assert_eq!(back, original);
        assert_eq!(line, entry_line("a.txt", "hash-of-a.txt", &original));
        assert!(previous.find("a.txt", "other").is_none());
        assert!(previous.find("b.txt", "hash-of-a.txt").is_none());
    }

    #[test]
    fn records_that_used_the_reference_date_need_the_same_one() {
        let dir = tempfile::tempdir().unwrap();
        write_state(
            dir.path(),
            &StateKey::new("rules", 100, day(15)),
            &[("dated.txt", DATED), ("undated.txt", UNDATED)],
        );
        let next_day = StateKey::new("rules", 100, day(16));
        let previous = Previous::load(dir.path(), &next_day).previous.expect("usable");
        assert!(previous.find("dated.txt", "hash-of-dated.txt").is_some());
        assert!(previous.find("undated.txt", "hash-of-undated.txt").is_none());
    }

    #[test]
    fn another_rules_digest_or_a_broken_file_sets_the_state_aside_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let key = StateKey::new("rules", 100, day(15));
        assert!(Previous::load(dir.path(), &key).note.is_none(), "no state yet: no note");
        write_state(dir.path(), &key, &[("a.txt", DATED)]);
        let loaded = Previous::load(dir.path(), &StateKey::new("edited", 100, day(15)));
        assert!(loaded.previous.is_none());
        assert!(loaded.note.unwrap().contains("the rules changed"));
        let mut bytes = std::fs::read(dir.path().join(STATE_FILE)).unwrap();
        bytes.extend(b"{\"source\": \"b.txt\", truncated\n");
        std::fs::write(dir.path().join(STATE_FILE), bytes).unwrap();
        let loaded = Previous::load(dir.path(), &key);
        assert!(loaded.previous.is_none());
        assert!(loaded.note.unwrap().contains("line 3 is not readable"));
    }

    #[test]
    fn an_unchanged_file_is_reused_and_a_changed_one_processed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, DATED).unwrap();
        let file = InputFile {
            path: path.clone(),
            source: "a.txt".into(),
        };
        let first = process_file(&file, 1 << 20, None, || Ok(records(DATED))).unwrap();
        assert!(!first.reused);
        let key = StateKey::new("rules", 1 << 20, day(15));
        let mut state = key.line();
        state.extend(first.state_line.clone().unwrap());
        std::fs::write(dir.path().join(STATE_FILE), state).unwrap();
        let previous = Previous::load(dir.path(), &key).previous.unwrap();
        let again = process_file(&file, 1 << 20, Some(&previous), || panic!("not processed again")).unwrap();
        assert!(again.reused);
        assert_eq!((again.records, again.state_line), (first.records, first.state_line));
        std::fs::write(&path, UNDATED).unwrap();
        let changed = process_file(&file, 1 << 20, Some(&previous), || Ok(records(UNDATED))).unwrap();
        assert!(!changed.reused);
        assert_eq!(changed.records, records(UNDATED));
    }
}
