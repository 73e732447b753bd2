//! One capture on several cores. Each thread reads the whole capture and diagnoses the
//! connections of its shard ([`Shard`]): reading and decoding frames is cheap next to
//! reassembly, TLS and the checks, and no thread waits for another. The reports are
//! merged in (frame, id) order, the order one thread gives them, so the output does not
//! depend on the number of threads.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::thread;
use std::time::Duration;

use tlsdoctor_capture::{CaptureError, CaptureReader};
use tlsdoctor_tcp::Shard;

use super::{ConnectionReport, Diagnoser, Options, Refusals, ReportSink};
use crate::pipeline::{analyze_reader, Config, InputSummary};

/// Reports a shard may run ahead of the merge.
const QUEUED: usize = 256;

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
    let threads = if reader.is_gzip() { 1 } else { threads.clamp(1, 64) };
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
                    config.flows.shard = shard;
                    let mut sink = sender;
                    let mut diagnoser = Diagnoser::new(options, &mut sink);
                    let summary = analyze_reader(reader, &config, &mut diagnoser, &mut |bytes| {
                        if index == 0 {
                            bytes_read.store(bytes, Ordering::Relaxed);
                        }
                    })?;
                    Ok::<_, CaptureError>((summary, diagnoser.finish()))
                });
                (receiver, worker)
            })
            .unzip();
        merge(receivers, sink, &mut || progress(bytes_read.load(Ordering::Relaxed)));
        let mut results =
            workers.into_iter().map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
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

impl ReportSink for SyncSender<(u64, ConnectionReport)> {
    fn report(&mut self, frame: u64, report: ConnectionReport) {
        // The merge only stops listening once every shard is done.
        let _ = self.send((frame, report));
    }
}

/// Hands the shards' reports to `sink` in (frame, id) order: each shard's come in that
/// order, so the smallest head is next once every open shard has one.
fn merge(shards: Vec<Receiver<(u64, ConnectionReport)>>, sink: &mut dyn ReportSink, tick: &mut dyn FnMut()) {
    let mut heads: Vec<Option<(u64, ConnectionReport)>> = shards.iter().map(|_| None).collect();
    let mut open = vec![true; shards.len()];
    loop {
        for (i, shard) in shards.iter().enumerate() {
            while heads[i].is_none() && open[i] {
                match shard.recv_timeout(Duration::from_millis(100)) {
                    Ok(head) => heads[i] = Some(head),
                    Err(RecvTimeoutError::Timeout) => tick(),
                    Err(RecvTimeoutError::Disconnected) => open[i] = false,
                }
            }
        }
        let next = heads.iter().enumerate().filter_map(|(i, h)| h.as_ref().map(|(f, r)| ((*f, r.id), i))).min();
        let Some((_, i)) = next else { break };
        if let Some((frame, report)) = heads[i].take() {
            sink.report(frame, report);
        }
    }
    tick();
}
