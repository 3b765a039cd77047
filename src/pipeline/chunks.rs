//! Processing in bounded chunks: workers process a few chunks of jobs at a time while a writer
//! thread writes the finished ones' records in input order, counting what it writes.

use std::collections::BTreeMap;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use rayon::prelude::*;

use super::jobs::{Job, Jobs};
use super::sink::Sink;
use super::{output_error, Increment, RunConfig, RunError, RunSummary, SkippedOut, Target};
use crate::incremental::Outcome;
use crate::input::Skipped;
use crate::output::encode::{Encoded, Encoder};
use crate::output::progress::Progress;
use crate::record::{MentionKind, Record};
use crate::rules::RuleSet;

/// How many files each worker thread gets per chunk; bounds memory to a few chunks of records.
pub(super) const FILES_PER_THREAD_PER_CHUNK: usize = 32;

/// The results of one chunk of files, in input order: each file's outcome with its records
/// encoded for the sink, and what they add to the run's counts.
type Batch = Vec<Result<(Outcome, Encoded, Counts), Skipped>>;

/// What one file's records add to the run's counts, counted on the worker that made them.
#[derive(Debug, Default)]
struct Counts {
    /// Records by language.
    languages: Vec<(String, usize)>,
    /// Mentions by kind, in the order of [`MentionKind::ALL`].
    mentions: [usize; MentionKind::ALL.len()],
}

impl Counts {
    /// The counts of `records`.
    fn of(records: &[Record]) -> Counts {
        let mut counts = Counts::default();
        for r in records {
            match counts
                .languages
                .iter_mut()
                .find(|(language, _)| *language == r.language)
            {
                Some((_, n)) => *n += 1,
                None => counts.languages.push((r.language.clone(), 1)),
            }
            for m in &r.mentions {
                let kind = MentionKind::ALL.iter().position(|&k| k == m.kind);
                counts.mentions[kind.expect("every kind is listed")] += 1;
            }
        }
        counts
    }
}

/// Counts kept while records are written.
#[derive(Default)]
pub(super) struct Tally {
    inputs: usize,
    reused: usize,
    processed: usize,
    records: usize,
    by_language: BTreeMap<String, usize>,
    mentions: BTreeMap<String, usize>,
    /// Inputs that could not be processed.
    pub(super) skipped: Vec<Skipped>,
}

impl Tally {
    /// Counts one file's records written. The mention kinds are listed from the first record
    /// on: a run without records counts none.
    fn add(&mut self, counts: &Counts) {
        if counts.languages.is_empty() {
            return;
        }
        if self.mentions.is_empty() {
            for kind in MentionKind::ALL {
                self.mentions.insert(kind.to_string(), 0);
            }
        }
        for (language, n) in &counts.languages {
            self.records += n;
            add(&mut self.by_language, language, *n);
        }
        for (kind, n) in MentionKind::ALL.iter().zip(counts.mentions) {
            add(&mut self.mentions, kind.as_str(), n);
        }
    }

    /// The skipped inputs, by source.
    pub(super) fn skipped_sorted(&mut self) -> Vec<Skipped> {
        let mut skipped = std::mem::take(&mut self.skipped);
        skipped.sort_by(|a, b| a.source.cmp(&b.source));
        skipped
    }

    /// The run's summary from these counts (timings, notes and files are added after).
    pub(super) fn summary(self, rules: &RuleSet, config: &RunConfig, skipped: &[Skipped]) -> RunSummary {
        RunSummary {
            tool: "accord",
            version: env!("CARGO_PKG_VERSION"),
            rules_digest: rules.digest.clone(),
            reference_date: config.reference_date.format("%Y-%m-%d").to_string(),
            inputs: self.inputs,
            records: self.records,
            by_language: self.by_language,
            mentions: self.mentions,
            skipped: skipped
                .iter()
                .map(|s| SkippedOut {
                    source: s.source.clone(),
                    reason: s.reason.clone(),
                })
                .collect(),
            timings_ms: BTreeMap::new(),
            notes: Vec::new(),
            incremental: config.incremental.then_some(Increment {
                reused: self.reused,
                processed: self.processed,
            }),
            written: Vec::new(),
        }
    }
}

/// Adds `n` to the count of `key`, making the key's text only the first time it is counted.
fn add(counts: &mut BTreeMap<String, usize>, key: &str, n: usize) {
    match counts.get_mut(key) {
        Some(count) => *count += n,
        None => {
            counts.insert(key.to_owned(), n);
        }
    }
}

/// The workers of a run: its thread pool, how many jobs each chunk holds, and the work per job.
pub(super) struct Workers<'a, W> {
    pub(super) pool: &'a rayon::ThreadPool,
    pub(super) chunk: usize,
    pub(super) work: &'a W,
}

/// The output of a run as it is written, and the counts so far.
pub(super) struct Written {
    pub(super) sink: Sink,
    pub(super) tally: Tally,
}

/// How many chunks may be under way at once: being processed or waiting to be written. More
/// than one, so that the workers start on the next chunk while the last files of a chunk are
/// still being processed (instead of one of them waiting for the other at every chunk's end);
/// few, so that memory stays bounded whatever the number of inputs.
const CHUNKS_UNDER_WAY: usize = 3;

/// Processes the jobs chunk by chunk on `pool` while a writer thread writes the processed
/// chunks' records to the sink in input order. A new chunk is taken only when fewer
/// than [`CHUNKS_UNDER_WAY`] are processed or waiting, so memory stays bounded.
pub(super) fn process_in_chunks<W>(
    jobs: &mut Jobs,
    workers: Workers<'_, W>,
    written: Written,
    progress: &mut Progress,
    target: &Target,
) -> Result<Written, RunError>
where
    W: Fn(&Job) -> Result<Outcome, Skipped> + Sync,
{
    let (sender, receiver) = sync_channel::<(usize, Batch)>(CHUNKS_UNDER_WAY);
    // One token per chunk that may be under way; the writer hands a token back when it has
    // written a chunk, and drops them all when it stops.
    let (free, freed) = sync_channel::<()>(CHUNKS_UNDER_WAY);
    (0..CHUNKS_UNDER_WAY).for_each(|_| free.send(()).expect("the channel holds every token"));
    let encoder = written.sink.encoder();
    let keep_records = written.sink.needs_records();
    let work = |job: &Job| encoded((workers.work)(job), &encoder, keep_records, job);
    let work = &work;
    std::thread::scope(|scope| {
        let writing = scope.spawn(move || write_batches(receiver, free, written, progress));
        let read_error = hand_out_chunks(jobs, &workers, work, &sender, &freed);
        drop(sender);
        let written = writing.join().expect("writer thread panicked");
        match read_error {
            Some(e) => Err(e),
            None => written.map_err(|e| output_error(target, e)),
        }
    })
}

/// Takes the jobs a chunk at a time, each when `freed` hands a token over, and spawns each
/// chunk's processing by `work` on the workers' pool, which sends the results to `sender` with
/// the chunk's number; returns once every chunk is processed, with the error that stopped the
/// reading of the inputs, if one did. Stops early when the writer has stopped.
fn hand_out_chunks<W, F>(
    jobs: &mut Jobs,
    workers: &Workers<'_, W>,
    work: &F,
    sender: &SyncSender<(usize, Batch)>,
    freed: &Receiver<()>,
) -> Option<RunError>
where
    F: Fn(&Job) -> Result<(Outcome, Encoded, Counts), Skipped> + Sync,
{
    workers.pool.in_place_scope(|chunks| {
        for index in 0.. {
            if freed.recv().is_err() {
                return None;
            }
            let batch = match jobs.next_chunk(workers.chunk) {
                Ok(batch) if batch.is_empty() => return None,
                Ok(batch) => batch,
                Err(e) => return Some(e),
            };
            let sender = sender.clone();
            chunks.spawn(move |_| {
                let results: Batch = batch.par_iter().map(work).collect();
                // The writer has stopped at an error when this fails; it is reported there.
                let _ = sender.send((index, results));
            });
        }
        None
    })
}

/// A file's outcome with its records encoded by `encoder` and counted; a file whose records
/// cannot be encoded is skipped with the reason. Unless `keep_records`, the records are
/// dropped here, on the worker that made them: the writer only needs their bytes, and memory
/// is freed fastest by the thread that allocated it.
fn encoded(
    outcome: Result<Outcome, Skipped>,
    encoder: &Encoder,
    keep_records: bool,
    job: &Job,
) -> Result<(Outcome, Encoded, Counts), Skipped> {
    let mut outcome = outcome?;
    let bytes = encoder.encode(&outcome.records).map_err(|e| Skipped {
        source: job.source().to_owned(),
        reason: format!("cannot encode its records: {e}"),
    })?;
    let counts = Counts::of(&outcome.records);
    if !keep_records {
        outcome.records = Vec::new();
    }
    Ok((outcome, bytes, counts))
}

/// The writer side of [`process_in_chunks`]: writes every chunk's records in input order
/// (chunks arrive in the order they are done) and counts them, handing a token back to `free`
/// for each chunk written.
fn write_batches(
    receiver: Receiver<(usize, Batch)>,
    free: SyncSender<()>,
    written: Written,
    progress: &mut Progress,
) -> std::io::Result<Written> {
    let Written { mut sink, mut tally } = written;
    let mut waiting: BTreeMap<usize, Batch> = BTreeMap::new();
    let mut next = 0;
    for (index, results) in receiver {
        waiting.insert(index, results);
        while let Some(results) = waiting.remove(&next) {
            write_batch(results, &mut sink, &mut tally, progress)?;
            next += 1;
            // The main thread has stopped taking chunks when this fails.
            let _ = free.send(());
        }
    }
    sink.finish_rows()?;
    Ok(Written { sink, tally })
}

/// Writes one chunk's records and counts them.
fn write_batch(results: Batch, sink: &mut Sink, tally: &mut Tally, progress: &mut Progress) -> std::io::Result<()> {
    for result in results {
        tally.inputs += 1;
        progress.file_done();
        match result {
            Ok((mut outcome, encoded, counts)) => {
                sink.write(std::mem::take(&mut outcome.records), &encoded)?;
                tally.add(&counts);
                if let Some(line) = &outcome.state_line {
                    sink.write_state(line)?;
                }
                if outcome.reused {
                    tally.reused += 1;
                } else {
                    tally.processed += 1;
                }
            }
            Err(s) => tally.skipped.push(s),
        }
    }
    sink.chunk_done()
}
