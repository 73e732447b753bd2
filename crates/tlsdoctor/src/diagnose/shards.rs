//! Captures on several cores: several captures at once ([`diagnose_captures`]), and one
//! capture split by connection ([`diagnose_capture_prepared`]): a leader reads it and a
//! helper shares the connections (module `lanes`). Either way the reports come in
//! (frame, id) order, the order one thread gives them, so the output does not depend on
//! the number of threads.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{self, SyncSender};
use std::thread;

use tlsdoctor_capture::{CaptureError, CaptureReader};

use super::{lanes, ConnectionReport, Diagnoser, Options, Prepare, Prepared, Refusals};
use crate::pipeline::{analyze_reader, Config, InputSummary};

/// Reports of a capture waiting for the ones before it to be done: beyond this its
/// threads wait too, so memory stays bounded.
const WAITING_REPORTS: usize = 4096;
/// Reports handed over at once: one hand-over per report would cost a thread wake-up each.
const BATCH: usize = 64;

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
                let reader = crate::pipeline::open_input(path)?;
                let mut reports = Batches::new(reports);
                let mut told = 0;
                let mut progress = |bytes: u64| read(bytes.saturating_sub(std::mem::replace(&mut told, bytes)));
                let prepare = &|report| prepare(i, report);
                let out = &mut |_, report| reports.push(report);
                let done = diagnose_capture_prepared(reader, per_capture, config, options, prepare, out, &mut progress);
                reports.flush();
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

/// Diagnoses the capture `reader` with `threads` threads (two at most: a leader and a
/// helper, see module `lanes`). Each report is prepared on the thread that made it, and
/// what `prepare` keeps goes to `out` on this thread, with its frame, in (frame, id)
/// order; the refusals are left to judge. A stream (a pipe) gets one thread: each
/// connection is reported as it ends, where the leader would hold its report in a batch
/// until more packets came.
pub fn diagnose_capture_prepared<T: Send>(
    reader: CaptureReader,
    threads: usize,
    config: &Config,
    options: &Options,
    prepare: Prepare<'_, T>,
    out: &mut dyn FnMut(u64, T),
    progress: &mut dyn FnMut(u64),
) -> Result<(InputSummary, Refusals), CaptureError> {
    if threads < 2 || needs_capture_order(config) || reader.is_stream() {
        let mut sink = Prepared { prepare, out: &mut |frame, _, prepared| out(frame, prepared) };
        let mut diagnoser = Diagnoser::new(options, &mut sink);
        let summary = analyze_reader(reader, config, &mut diagnoser, progress)?;
        return Ok((summary, diagnoser.finish()));
    }
    lanes::diagnose_in_two_lanes(reader, config, options, prepare, out, progress, lanes::Split::ByLoad)
}

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
