//! Discovery: the `*.txt` files under the inputs, found one folder at a time and handed out in
//! path order, so memory holds one folder listing per level of depth, never the whole corpus.
//!
//! Symbolic links are followed, and every file is listed once:
//! - a link whose target the walk reaches anyway (inside an input folder, not hidden) is left
//!   out: the file is listed under its real path;
//! - a link to a target outside the input folders is followed; two links to the same target
//!   list it once, under the first in path order;
//! - a link to a folder being walked is a loop, reported as a skipped input;
//! - an input inside another input folder is walked as part of that folder.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::{InputError, InputFile, Skipped};

/// The files under some inputs, in path order, and the inputs found but not usable.
pub struct FileWalk {
    /// One walk per input, each in path order; merged by [`FileWalk::next`].
    inputs: Vec<InputWalk>,
    /// What the walks share: the input folders and what links already led to.
    seen: Seen,
    /// Inputs found but not usable (symbolic link loops, unreadable folders, broken links).
    skipped: Vec<Skipped>,
}

/// What every walk of a run consults: where the real walks go, and the targets of the links
/// followed so far.
#[derive(Default)]
struct Seen {
    /// Canonical paths of the input folders walked.
    roots: Vec<PathBuf>,
    /// Canonical paths of the inputs, and of the folders and files reached through a
    /// symbolic link: each is listed or walked once.
    linked: HashSet<PathBuf>,
}

/// The walk of one input: a file, or a folder read depth first in path order.
struct InputWalk {
    /// The input as given; sources are relative to it.
    root: PathBuf,
    /// The folders being read, the innermost last.
    stack: Vec<Folder>,
    /// The next file, once found.
    next: Option<InputFile>,
}

/// A folder being read: its remaining entries in path order.
struct Folder {
    /// Canonical path, to recognise a link leading back into it.
    canonical: PathBuf,
    /// True when reached through a symbolic link: its files are compared by canonical path.
    linked: bool,
    /// The entries not yet visited.
    entries: std::vec::IntoIter<Listed>,
}

/// An entry of a folder listing: its path and whether it is a symbolic link (known from the
/// listing itself, without another call to the file system).
struct Listed {
    /// Where it is.
    path: PathBuf,
    /// What the listing says it is (a link is not followed here).
    kind: fs::FileType,
}

/// What an entry of a folder turned out to be.
enum Entry {
    /// A file to list.
    File(InputFile),
    /// A folder to read next.
    Folder(Folder),
    /// Nothing to list.
    Nothing,
}

impl FileWalk {
    /// Starts walking `inputs` (files or folders); an input that does not exist, or a folder
    /// that cannot be listed, is an error before anything is found.
    pub fn new(inputs: &[PathBuf]) -> Result<FileWalk, InputError> {
        let mut walk = FileWalk {
            inputs: Vec::new(),
            seen: Seen::default(),
            skipped: Vec::new(),
        };
        let mut folders = Vec::new();
        let mut files = Vec::new();
        for input in inputs {
            let meta = fs::metadata(input).map_err(|_| InputError::Missing(input.clone()))?;
            let canonical = fs::canonicalize(input).map_err(|source| InputError::Walk {
                path: input.clone(),
                source,
            })?;
            if meta.is_dir() {
                folders.push((input.clone(), canonical));
            } else {
                files.push((input.clone(), canonical));
            }
        }
        walk.seen.roots = outermost(folders.iter().map(|(_, c)| c.clone()).collect());
        for (input, canonical) in folders {
            if walk.seen.roots.contains(&canonical) && walk.seen.linked.insert(canonical.clone()) {
                walk.inputs.push(InputWalk::folder(input, canonical)?);
            }
        }
        for (input, canonical) in files {
            let listed_anyway = is_txt(&canonical) && walk.seen.walked_for_real(&canonical);
            if !listed_anyway && walk.seen.linked.insert(canonical) {
                walk.inputs.push(InputWalk::file(input));
            }
        }
        Ok(walk)
    }

    /// The inputs found so far that could not be used, by source.
    pub fn take_skipped(&mut self) -> Vec<Skipped> {
        let mut skipped = std::mem::take(&mut self.skipped);
        skipped.sort_by(|a, b| a.source.cmp(&b.source));
        skipped
    }
}

impl Iterator for FileWalk {
    type Item = InputFile;

    /// The next file in path order over all inputs.
    fn next(&mut self) -> Option<InputFile> {
        for input in &mut self.inputs {
            input.fill(&mut self.seen, &mut self.skipped);
        }
        let first = self
            .inputs
            .iter()
            .enumerate()
            .filter_map(|(i, w)| w.next.as_ref().map(|f| (i, &f.path)))
            .min_by(|a, b| a.1.cmp(b.1))
            .map(|(i, _)| i)?;
        self.inputs[first].next.take()
    }
}

/// The folders of `canonical` that are not inside another of them.
fn outermost(mut canonical: Vec<PathBuf>) -> Vec<PathBuf> {
    canonical.sort();
    canonical.dedup();
    let all = canonical.clone();
    canonical.retain(|c| !all.iter().any(|other| other != c && c.starts_with(other)));
    canonical
}

impl Seen {
    /// True when the walk of an input folder reaches `canonical` by its real path: it lies
    /// inside an input folder and no part of it below that folder is hidden.
    fn walked_for_real(&self, canonical: &Path) -> bool {
        self.roots.iter().any(|root| {
            canonical.strip_prefix(root).is_ok_and(|rest| {
                rest.components()
                    .all(|c| !c.as_os_str().to_string_lossy().starts_with('.'))
            })
        })
    }
}

impl InputWalk {
    /// The walk of an input folder, its entries listed.
    fn folder(root: PathBuf, canonical: PathBuf) -> Result<InputWalk, InputError> {
        let entries = list(&root).map_err(|source| InputError::Walk {
            path: root.clone(),
            source,
        })?;
        let folder = Folder {
            canonical,
            linked: false,
            entries: entries.into_iter(),
        };
        Ok(InputWalk {
            root,
            stack: vec![folder],
            next: None,
        })
    }

    /// The walk of an input file: the file, named by its file name.
    fn file(path: PathBuf) -> InputWalk {
        let source = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        InputWalk {
            root: path.clone(),
            stack: Vec::new(),
            next: Some(InputFile { path, source }),
        }
    }

    /// Reads on until the next file is found or the walk ends.
    fn fill(&mut self, seen: &mut Seen, skipped: &mut Vec<Skipped>) {
        while self.next.is_none() {
            let Some(top) = self.stack.last_mut() else {
                return;
            };
            let Some(entry) = top.entries.next() else {
                self.stack.pop();
                continue;
            };
            let linked = top.linked;
            match self.visit(entry, linked, seen, skipped) {
                Entry::File(file) => self.next = Some(file),
                Entry::Folder(folder) => self.stack.push(folder),
                Entry::Nothing => {}
            }
        }
    }

    /// What an entry of a folder is; `linked` when that folder was reached through a symbolic
    /// link. Only links cost a look at their target.
    fn visit(&self, entry: Listed, linked: bool, seen: &mut Seen, skipped: &mut Vec<Skipped>) -> Entry {
        let Listed { path, kind } = entry;
        if is_hidden(&path) {
            return Entry::Nothing;
        }
        let source = relative_source(&self.root, &path);
        if !kind.is_symlink() {
            return match () {
                _ if kind.is_dir() => self.enter(path, source, linked, seen, skipped),
                _ if !is_txt(&path) => Entry::Nothing,
                _ if linked => linked_file(path, source, seen),
                _ => Entry::File(InputFile { path, source }),
            };
        }
        match fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => self.enter(path, source, true, seen, skipped),
            Ok(_) if is_txt(&path) => linked_file(path, source, seen),
            Ok(_) => Entry::Nothing,
            Err(err) if is_txt(&path) => skip(skipped, source, format!("cannot read {}: {err}", path.display())),
            Err(err) => skip(skipped, source, format!("broken symbolic link: {err}")),
        }
    }

    /// The folder at `path` to read next, unless it leads back into a folder being walked (a
    /// loop) or, reached through a link, is walked elsewhere already.
    fn enter(&self, path: PathBuf, source: String, link: bool, seen: &mut Seen, skipped: &mut Vec<Skipped>) -> Entry {
        let canonical = match fs::canonicalize(&path) {
            Ok(c) => c,
            Err(err) => return skip(skipped, source, format!("cannot resolve folder: {err}")),
        };
        if self.stack.iter().any(|f| f.canonical == canonical) {
            let reason = format!(
                "symbolic link loop: leads back to {}; not followed",
                canonical.display()
            );
            return skip(skipped, source, reason);
        }
        if link && (seen.walked_for_real(&canonical) || !seen.linked.insert(canonical.clone())) {
            return Entry::Nothing;
        }
        match list(&path) {
            Ok(entries) => Entry::Folder(Folder {
                canonical,
                linked: link,
                entries: entries.into_iter(),
            }),
            Err(err) => skip(skipped, source, format!("cannot list folder: {err}")),
        }
    }
}

/// A file reached through a symbolic link: listed unless the walk reaches it by its real path
/// or an earlier link led to it.
fn linked_file(path: PathBuf, source: String, seen: &mut Seen) -> Entry {
    let canonical = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    if (is_txt(&canonical) && seen.walked_for_real(&canonical)) || !seen.linked.insert(canonical) {
        return Entry::Nothing;
    }
    Entry::File(InputFile { path, source })
}

/// Records a skipped input; nothing to list.
fn skip(skipped: &mut Vec<Skipped>, source: String, reason: String) -> Entry {
    skipped.push(Skipped { source, reason });
    Entry::Nothing
}

/// The entries of a folder, sorted by path.
fn list(dir: &Path) -> std::io::Result<Vec<Listed>> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        entries.push(Listed {
            kind: entry.file_type()?,
            path: entry.path(),
        });
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(entries)
}

/// True for a file or folder whose name starts with a dot.
fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy().starts_with('.'))
        .unwrap_or(true)
}

/// True for a `*.txt` name.
fn is_txt(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "txt")
}

/// `path` relative to `root`, with `/` separators.
fn relative_source(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sources a walk of `inputs` lists, in order.
    fn sources(inputs: &[PathBuf]) -> Vec<String> {
        FileWalk::new(inputs).unwrap().map(|f| f.source).collect()
    }

    #[test]
    fn merges_several_inputs_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in ["a", "b"] {
            fs::create_dir(root.join(name)).unwrap();
        }
        for name in ["a/2.txt", "a/9.txt", "b/1.txt", "a.txt"] {
            fs::write(root.join(name), "x").unwrap();
        }
        let listed = sources(&[root.join("b"), root.join("a.txt"), root.join("a")]);
        assert_eq!(listed, ["2.txt", "9.txt", "a.txt", "1.txt"]);
    }

    #[test]
    fn an_input_inside_another_is_walked_once_as_part_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("sub")).unwrap();
        fs::write(root.join("sub/x.txt"), "x").unwrap();
        let listed = sources(&[root.join("sub"), root.to_path_buf(), root.join("sub/x.txt")]);
        assert_eq!(listed, ["sub/x.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn links_outside_the_inputs_are_followed_and_listed_once() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("far.txt"), "x").unwrap();
        fs::write(outside.path().join("notes.md"), "x").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        symlink(outside.path(), root.join("b-link")).unwrap();
        symlink(outside.path(), root.join("c-link")).unwrap();
        symlink(outside.path().join("far.txt"), root.join("d.txt")).unwrap();
        symlink(outside.path().join("notes.md"), root.join("e.txt")).unwrap();
        assert_eq!(sources(&[root.to_path_buf()]), ["b-link/far.txt", "e.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_hidden_file_inside_lists_it_under_the_link() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join(".drafts")).unwrap();
        fs::write(root.join(".drafts/x.txt"), "x").unwrap();
        symlink(root.join(".drafts/x.txt"), root.join("x.txt")).unwrap();
        assert_eq!(sources(&[root.to_path_buf()]), ["x.txt"]);
    }

    #[test]
    fn keeps_no_more_than_one_listing_per_level() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..50 {
            let sub = dir.path().join(format!("{i:02}"));
            fs::create_dir(&sub).unwrap();
            fs::write(sub.join("a.txt"), "x").unwrap();
        }
        let mut walk = FileWalk::new(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(walk.next().unwrap().source, "00/a.txt");
        let held: usize = walk.inputs.iter().map(|w| w.stack.len()).sum();
        assert!(held <= 2, "{held} folders held");
        assert_eq!(walk.count(), 49);
    }
}
