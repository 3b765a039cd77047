//! An output file's data handed to the disk while the run goes on: each time a few more
//! megabytes were written, a thread of its own syncs the file, so that the sync before the
//! commit (see [`super::commit`]) has only the last part left to wait for. Without it, the
//! run ended with both cores idle while the whole of `records.jsonl` went to disk.

use std::fs::File;
use std::io;
use std::thread::JoinHandle;

/// Bytes written between the starts of two background syncs.
const SYNC_EVERY: u64 = 4 << 20;

/// Syncs one file in the background, one sync at a time (see the module's documentation).
#[derive(Debug, Default)]
pub struct BackgroundSync {
    /// Bytes written since the last sync started.
    unsynced: u64,
    /// The sync under way, or finished and not yet waited for.
    running: Option<JoinHandle<io::Result<()>>>,
}

impl BackgroundSync {
    /// Counts `written` more bytes handed to `file`. Once `SYNC_EVERY` (4 MiB) bytes are written
    /// since the last sync started, and that sync is over, starts the next one; an error of
    /// the last one is returned here (the disk's errors are reported once, so one that a
    /// background sync met would not be met again by the sync before the commit).
    pub fn wrote(&mut self, written: usize, file: &File) -> io::Result<()> {
        self.unsynced += written as u64;
        if self.unsynced < SYNC_EVERY || self.running.as_ref().is_some_and(|s| !s.is_finished()) {
            return Ok(());
        }
        self.wait()?;
        self.unsynced = 0;
        // Without a file descriptor or a thread to spare, the file is synced before the commit
        // only, as it would be without this.
        if let Ok(handle) = file.try_clone() {
            self.running = std::thread::Builder::new()
                .name("accord-sync".into())
                .spawn(move || handle.sync_data())
                .ok();
        }
        Ok(())
    }

    /// Waits for the sync under way, if there is one, and returns its error.
    pub fn wait(&mut self) -> io::Result<()> {
        match self.running.take() {
            Some(sync) => sync
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the thread syncing an output file panicked"))),
            None => Ok(()),
        }
    }

    /// True while a sync is under way or not yet waited for.
    #[cfg(test)]
    fn is_running(&self) -> bool {
        self.running.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Seek, Write};

    #[test]
    fn a_sync_starts_after_every_few_megabytes_and_the_data_is_kept() {
        let mut file = tempfile::tempfile().unwrap();
        let mut sync = BackgroundSync::default();
        let block = vec![b'x'; 1 << 20];
        let mut written = 0;
        while written < SYNC_EVERY {
            assert!(!sync.is_running(), "no sync before {SYNC_EVERY} bytes");
            file.write_all(&block).unwrap();
            sync.wrote(block.len(), &file).unwrap();
            written += block.len() as u64;
        }
        assert!(sync.is_running());
        file.write_all(b"end").unwrap();
        sync.wrote(3, &file).unwrap();
        sync.wait().unwrap();
        assert!(!sync.is_running());
        let mut back = Vec::new();
        file.rewind().unwrap();
        file.read_to_end(&mut back).unwrap();
        assert_eq!(back.len() as u64, written + 3);
        assert!(back.ends_with(b"xend"));
    }

    #[test]
    fn waiting_without_a_sync_is_ok() {
        assert!(BackgroundSync::default().wait().is_ok());
    }
}
