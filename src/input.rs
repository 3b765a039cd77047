//! Input: find the article files, read them and decode them to text.

use std::fs;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// One article file to process.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputFile {
    /// Where the file is on disk.
    pub path: PathBuf,
    /// The path relative to the input root it was found under, with `/` separators.
    pub source: String,
}

/// Why a file or folder given as input could not be used.
#[derive(Debug, Error)]
pub enum InputError {
    /// The path named on the command line does not exist.
    #[error("input path does not exist: {0}")]
    Missing(PathBuf),
    /// A folder could not be listed.
    #[error("cannot list folder {path}: {source}")]
    Walk {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// The decoded text of one file, with anything the user should know about the decoding.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// Warnings such as a repaired encoding.
    pub warnings: Vec<String>,
}

/// Lists every `*.txt` file under the given files or folders, recursively, skipping hidden
/// files and folders, sorted by path so that the order never depends on the file system.
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<InputFile>, InputError> {
    let mut files = Vec::new();
    for root in inputs {
        if !root.exists() {
            return Err(InputError::Missing(root.clone()));
        }
        if root.is_file() {
            let name = root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push(InputFile {
                path: root.clone(),
                source: name,
            });
        } else {
            walk(root, root, &mut files)?;
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.path == b.path);
    Ok(files)
}

fn walk(root: &Path, dir: &Path, files: &mut Vec<InputFile>) -> Result<(), InputError> {
    let entries = fs::read_dir(dir).map_err(|source| InputError::Walk {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let hidden = path
            .file_name()
            .map(|n| n.to_string_lossy().starts_with('.'))
            .unwrap_or(true);
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(root, &path, files)?;
        } else if path.extension().is_some_and(|e| e == "txt") {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let source = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push(InputFile { path, source });
        }
    }
    Ok(())
}

/// Decodes file bytes: UTF-8 (a byte-order mark is dropped); anything that is not valid UTF-8
/// is read as Windows-1252 and says so in a warning.
pub fn decode(bytes: &[u8]) -> Decoded {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: text.to_owned(),
            warnings: Vec::new(),
        },
        Err(err) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Decoded {
                text: text.into_owned(),
                warnings: vec![format!(
                    "invalid UTF-8 at byte {}: decoded as Windows-1252",
                    err.valid_up_to()
                )],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom_and_keeps_utf8() {
        let d = decode("\u{feff}Zölle".as_bytes());
        assert_eq!(d.text, "Zölle");
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn falls_back_to_windows_1252_with_a_warning() {
        let d = decode(b"Z\xF6lle \x80 5");
        assert_eq!(d.text, "Zölle € 5");
        assert_eq!(d.warnings.len(), 1);
        assert!(d.warnings[0].contains("Windows-1252"));
    }

    #[test]
    fn discovers_txt_files_sorted_and_skips_hidden() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::create_dir(dir.path().join(".hidden")).unwrap();
        for name in ["b.txt", "a.txt", "sub/c.txt", ".x.txt", ".hidden/d.txt", "e.md"] {
            fs::write(dir.path().join(name), "x").unwrap();
        }
        let files = discover(&[dir.path().to_path_buf()]).unwrap();
        let sources: Vec<_> = files.iter().map(|f| f.source.as_str()).collect();
        assert_eq!(sources, ["a.txt", "b.txt", "sub/c.txt"]);
    }
}
