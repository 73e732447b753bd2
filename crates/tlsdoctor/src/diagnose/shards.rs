//! Captures on several cores: several captures at once ([`diagnose_captures`]), and one
//! capture split by connection ([`diagnose_capture_sharded`]).
//!
//! One capture on several cores: each thread reads the whole capture, keeps its own
//! directory of every connection (so ids and lifetimes agree) and reassembles and
//! diagnoses the connections of its shard ([`Shard`]): no thread waits for another.
//! The reports are merged in (frame, id) order, the order one thread gives them, so the
//! output does not depend on the number of threads.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::thread;
use std::time::Duration;

use tlsdoctor_capture::{CaptureError, CaptureReader};
use tlsdoctor_tcp::Shard;

use super::{ConnectionReport, Diagnoser, Options, Refusals, ReportSink};
use crate::pipeline::{analyze_reader, Config, InputSummary};

/// Reports of a capture waiting for the ones before it to be done: beyond this its
/// threads wait too, so memory stays bounded.
const WAITING_REPORTS: usize = 4096;
/// Reports handed over at once: one hand-over per report would cost a thread wake-up each.
const BATCH: usize = 64;
/// Batches a shard may run ahead of the merge.
const QUEUED: usize = 8;

/// What [`diagnose_captures`] tells of each capture, in the captures' order.
pub enum CaptureEvent<T> {
    /// A report, as `prepare` made it on the capture's thread.
    Report(T),
    /// The capture is done: its summary and refusals (to judge now), or why it could not
    /// be read.
    Done(Box<Result<(InputSummary, Refusals), CaptureError>>),
}

/// Diagnoses `paths` with `threads` threads: as many captures at once as there are
/// threads (each on its share of them). `prepare` turns each report into what `on`
/// wants (or drops it) on the capture's thread; `on` gets a capture's reports when
/// those of the captures before it are done. `read` is told, from any thread, of each
/// capture's bytes read since it last heard.
pub fn diagnose_captures<T: Send>(
    paths: &[PathBuf],
    threads: usize,
    config: &Config,
    options: &Options,
    prepare: &(dyn Fn(usize, ConnectionReport) -> Option<T> + Sync),
    read: &(dyn Fn(u64) + Sync),
    on: &mut dyn FnMut(usize, CaptureEvent<T>),
) {
    let at_once = if needs_capture_order(config) { 1 } else { threads.clamp(1, paths.len().max(1)) };
    let per_capture = (threads / at_once).max(1);
    thread::scope(|scope| {
        let start = |i: usize| {
            let (reports, received) = mpsc::sync_channel(WAITING_REPORTS / BATCH);
            let path = &paths[i];
            let worker = scope.spawn(move || {
                let reader = CaptureReader::open(path)?;
                let mut sink = Forward { capture: i, prepare, reports: Batches::new(reports) };
                let mut told = 0;
                let mut progress = |bytes: u64| read(bytes.saturating_sub(std::mem::replace(&mut told, bytes)));
                let done =
                    diagnose_capture_sharded(reader, path, per_capture, config, options, &mut sink, &mut progress);
                sink.reports.flush();
                done
            });
            (i, received, worker)
        };
        let mut running: VecDeque<_> = (0..at_once.min(paths.len())).map(start).collect();
        let mut next = running.len();
        while let Some((i, received, worker)) = running.pop_front() {
            for report in received.into_iter().flatten() {
                on(i, CaptureEvent::Report(report));
            }
            on(i, CaptureEvent::Done(Box::new(join(worker))));
            if next < paths.len() {
                running.push_back(start(next));
                next += 1;
            }
        }
    });
}

/// A session resumed with a master secret learnt from an RSA key exchange needs the
/// connection that learnt it (in the same capture or an earlier one) analysed first: with
/// RSA keys, one thread keeps the captures' order.
fn needs_capture_order(config: &Config) -> bool {
    config.keys.as_ref().is_some_and(|keys| !keys.rsa.is_empty())
}

/// A thread's result; its panic goes on in the caller.
fn join<T>(worker: thread::ScopedJoinHandle<'_, T>) -> T {
    worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// A capture's reports, prepared on its thread, on their way to the one that writes them.
struct Forward<'p, T> {
    capture: usize,
    prepare: &'p (dyn Fn(usize, ConnectionReport) -> Option<T> + Sync),
    reports: Batches<T>,
}

impl<T> ReportSink for Forward<'_, T> {
    fn report(&mut self, _frame: u64, report: ConnectionReport) {
        if let Some(prepared) = (self.prepare)(self.capture, report) {
            self.reports.push(prepared);
        }
    }
}

/// Diagnoses the capture `reader` (opened from `path`) with `threads` threads; the
/// reports go to `sink`, and the refusals are left to judge. A gzip file is read by one
/// thread: each would decompress it whole.
pub fn diagnose_capture_sharded(
    reader: CaptureReader,
    path: &Path,
    threads: usize,
    config: &Config,
    options: &Options,
    sink: &mut dyn ReportSink,
    progress: &mut dyn FnMut(u64),
) -> Result<(InputSummary, Refusals), CaptureError> {
    let threads = if reader.is_gzip() || needs_capture_order(config) { 1 } else { threads.clamp(1, 64) };
    if threads == 1 {
        let mut diagnoser = Diagnoser::new(options, sink);
        let summary = analyze_reader(reader, config, &mut diagnoser, progress)?;
        return Ok((summary, diagnoser.finish()));
    }
    let bytes_read = AtomicU64::new(0);
    thread::scope(|scope| {
        let mut first = Some(reader);
        let (receivers, workers): (Vec<_>, Vec<_>) = (0..threads)
            .map(|index| {
                let (sender, receiver) = mpsc::sync_channel(QUEUED);
                let reader = first.take();
                let shard = Shard { index: index as u32, count: threads as u32 };
                let bytes_read = &bytes_read;
                let worker = scope.spawn(move || {
                    let reader = match reader {
                        Some(reader) => reader,
                        None => CaptureReader::open(path)?,
                    };
                    let mut config = config.clone();
                    config.shard = shard;
                    let mut sink = Batches::new(sender);
                    let mut diagnoser = Diagnoser::new(options, &mut sink);
                    let summary = analyze_reader(reader, &config, &mut diagnoser, &mut |bytes| {
                        if index == 0 {
                            bytes_read.store(bytes, Ordering::Relaxed);
                        }
                    })?;
                    let refusals = diagnoser.finish();
                    sink.flush();
                    Ok::<_, CaptureError>((summary, refusals))
                });
                (receiver, worker)
            })
            .unzip();
        merge(receivers, sink, &mut || progress(bytes_read.load(Ordering::Relaxed)));
        let mut results = workers.into_iter().map(join);
        let (mut summary, mut refusals) = results.next().unwrap_or_else(|| unreachable!("threads >= 2"))?;
        for result in results {
            let (other, other_refusals) = result?;
            summary.tcp += other.tcp;
            summary.tls_connections += other.tls_connections;
            refusals.merge(other_refusals);
        }
        Ok((summary, refusals))
    })
}

type Batch = Vec<(u64, ConnectionReport)>;

/// Items on their way to another thread, handed over `BATCH` at a time.
struct Batches<T> {
    sender: SyncSender<Vec<T>>,
    batch: Vec<T>,
}

impl<T> Batches<T> {
    fn new(sender: SyncSender<Vec<T>>) -> Self {
        Batches { sender, batch: Vec::with_capacity(BATCH) }
    }

    fn push(&mut self, item: T) {
        self.batch.push(item);
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.batch.is_empty() {
            // The receiver only stops listening once every sender is done.
            let _ = self.sender.send(std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH)));
        }
    }
}

/// A shard's reports, on their way to the merge.
impl ReportSink for Batches<(u64, ConnectionReport)> {
    fn report(&mut self, frame: u64, report: ConnectionReport) {
        self.push((frame, report));
    }
}

/// Hands the shards' reports to `sink` in (frame, id) order: each shard's come in that
/// order, so the smallest head is next once every open shard has one.
fn merge(shards: Vec<Receiver<Batch>>, sink: &mut dyn ReportSink, tick: &mut dyn FnMut()) {
    let mut queues: Vec<VecDeque<(u64, ConnectionReport)>> = shards.iter().map(|_| VecDeque::new()).collect();
    let mut open = vec![true; shards.len()];
    loop {
        for (i, shard) in shards.iter().enumerate() {
            while queues[i].is_empty() && open[i] {
                match shard.recv_timeout(Duration::from_millis(100)) {
                    Ok(batch) => queues[i].extend(batch),
                    Err(RecvTimeoutError::Timeout) => tick(),
                    Err(RecvTimeoutError::Disconnected) => open[i] = false,
                }
            }
        }
        let next = queues.iter().enumerate().filter_map(|(i, q)| q.front().map(|(f, r)| ((*f, r.id), i))).min();
        let Some((_, i)) = next else { break };
        if let Some((frame, report)) = queues[i].pop_front() {
            sink.report(frame, report);
        }
    }
    tick();
}
