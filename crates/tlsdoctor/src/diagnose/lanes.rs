//! One capture on two threads. The leader reads every frame once, decodes it and keeps
//! the directory of connections (so ids and lifetimes are those of one thread). It gives
//! each new connection to the helper unless the helper is behind, and sends the helper's
//! segments as references into the capture's blocks: no payload is copied.
//!
//! The leader's own reports travel in the same ordered stream, so the helper hands the
//! reports of both over in (frame, id) order, the order one thread gives, without waiting
//! for anything but that stream.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};
use std::thread;

use tlsdoctor_capture::{CaptureError, CaptureReader, Frame, ReadAhead, SharedBlock, Timestamp};
use tlsdoctor_net::TcpFlags;
use tlsdoctor_tcp::{ConnId, Directory, Dispatch, FlowStats, Lane, Local, Opened, Reassembler, Segment, Side};

use super::{Diagnoser, Ended, Options, Prepare, Prepared, Refusals};
use crate::pipeline::{read_segments, Config, Connection, InputSummary, Observer, Packet, Seen, Streams};
use tlsdoctor_tls::stream::Event;

/// Records per hand-over: one per record would cost a thread wake-up each. 4096 gained
/// 4% on bench-1G, but see [`QUEUED`].
const BATCH: usize = 1024;
/// The leader's reports per hand-over: a report weighs up to tens of KiB, a record a
/// hundred bytes, and a flow-table sweep can end a thousand connections in one frame.
const BATCH_REPORTS: usize = 64;
/// Batches on their way to the helper. While more than [`KEEP`] of them wait, the leader
/// keeps new connections for itself. A queue this deep absorbs the bursts of either
/// thread (a handshake's signature checks), so the helper takes nearly every new
/// connection: 4 batches gave 0.27 s on bench-1G, 8 give 0.26 s.
const QUEUED: usize = 8;
const KEEP: usize = QUEUED - 2;
/// Connections opened or released per batch, at most (a flow-table sweep may release
/// more in one frame). The helper, behind by up to [`QUEUED`] batches, still holds the
/// connections the directory released meanwhile, about 4 KiB each: on the flood of
/// `bench/hostile-load`, 8 batches cut at 1024 records reached 60 MiB, cut at 64 of
/// these 50 MiB.
const CHURN: usize = 64;
/// Polls of an empty queue before the helper sleeps: waking it costs more.
const SPINS: u32 = 20_000;

/// The lane of the helper's connections; the leader's keep `Local`'s default.
const HELPER: Lane = Lane(1);

/// Which new connections the leader keeps.
#[derive(Debug, Clone, Copy)]
pub(super) enum Split {
    /// Those that open while the helper is behind.
    ByLoad,
    /// Every other one, whatever the load (tests: both lanes in every capture).
    #[cfg(test)]
    Alternate,
}

/// Diagnoses the capture `reader` on two threads. Each report is prepared on the thread
/// that made it, and what `prepare` keeps goes to `out` on this thread, with its frame;
/// the refusals are left to judge.
pub(super) fn diagnose_in_two_lanes<T: Send>(
    mut reader: CaptureReader,
    config: &Config,
    options: &Options,
    prepare: Prepare<'_, T>,
    out: &mut dyn FnMut(u64, T),
    progress: &mut dyn FnMut(u64),
    split: Split,
) -> Result<(InputSummary, Refusals), CaptureError> {
    let queued = AtomicUsize::new(0);
    let bytes_read = AtomicU64::new(0);
    let ahead = reader.read_ahead();
    thread::scope(|scope| {
        let (sender, receiver) = mpsc::sync_channel(QUEUED);
        let (queued, bytes_read) = (&queued, &bytes_read);
        let outbox = Outbox::new(sender, queued, split);
        let leader = scope.spawn(move || lead(reader, config, options, prepare, outbox, bytes_read));
        let inbox = Inbox { receiver, ahead, queued };
        let (tcp, tls_connections, helper_refusals) =
            help(inbox, config, options, prepare, out, &mut || progress(bytes_read.load(Ordering::Relaxed)));
        let (mut summary, mut refusals) = leader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        summary.tcp += tcp;
        summary.tls_connections += tls_connections;
        refusals.merge(helper_refusals);
        Ok((summary, refusals))
    })
}

/// What the helper gets, in capture order.
enum Record {
    /// The frame the next records come from; the frame before is done.
    At(u64, Timestamp),
    /// Boxed: rare, and four times the size of the others.
    Opened(Box<Opened>),
    Segment(ConnId, Header, Payload),
    /// A segment without payload that belongs to an earlier frame (a reset the
    /// directory held until the bytes before it came).
    Late(ConnId, Header, u64),
    Released(ConnId),
    /// A connection of the leader's that ended in this frame, for the helper to diagnose:
    /// checking its signatures and writing its report are most of the work its packets
    /// cost.
    Ended(Ended),
    /// The last frame is done; the connections still open are released next.
    LastFrameDone,
}

/// A segment without its payload.
struct Header {
    side: Side,
    seq: u32,
    ack: u32,
    flags: TcpFlags,
    ttl: u8,
}

enum Payload {
    /// Bytes of the batch's block with this index.
    InBlock { block: u32, start: u32, len: u32 },
    /// The batch's copy with this index: the frame straddled two blocks, or IP fragments
    /// were put together.
    Copied(u32),
}

/// A prepared report, with the frame it was made in and its connection's id.
type Made<T> = (u64, u32, T);

struct Batch<T> {
    /// The last frame the leader was done with when it sent the batch.
    done: u64,
    /// How many of the records open or release a connection.
    churn: usize,
    blocks: Vec<SharedBlock>,
    copies: Vec<Box<[u8]>>,
    records: Vec<Record>,
    /// The leader's reports.
    reports: Vec<Made<T>>,
}

impl<T> Batch<T> {
    fn new() -> Self {
        Batch {
            done: 0,
            churn: 0,
            blocks: Vec::new(),
            copies: Vec::new(),
            records: Vec::with_capacity(BATCH),
            reports: Vec::new(),
        }
    }
}

/// The leader's side of the stream to the helper.
struct Outbox<'a, T> {
    sender: SyncSender<Batch<T>>,
    /// Batches sent and not yet done by the helper.
    queued: &'a AtomicUsize,
    batch: Batch<T>,
    split: Split,
    /// The frame being processed, and whether a record told the helper of it.
    frame: (u64, Timestamp),
    announced: bool,
    /// The last frame done with.
    done: u64,
}

impl<'a, T> Outbox<'a, T> {
    fn new(sender: SyncSender<Batch<T>>, queued: &'a AtomicUsize, split: Split) -> Self {
        Outbox {
            sender,
            queued,
            batch: Batch::new(),
            split,
            frame: (0, Timestamp::default()),
            announced: false,
            done: 0,
        }
    }

    fn at(&mut self, frame: &Frame<'_>) {
        self.frame = (frame.number, frame.timestamp);
        self.announced = false;
    }

    #[cfg_attr(not(test), allow(unused_variables))]
    fn for_helper(&self, conn: ConnId) -> bool {
        match self.split {
            Split::ByLoad => self.queued.load(Ordering::Relaxed) <= KEEP,
            #[cfg(test)]
            Split::Alternate => conn.0.is_multiple_of(2),
        }
    }

    fn push(&mut self, record: Record) {
        if !self.announced {
            self.announced = true;
            self.batch.records.push(Record::At(self.frame.0, self.frame.1));
        }
        self.batch.churn += usize::from(matches!(record, Record::Opened(_) | Record::Released(_) | Record::Ended(_)));
        self.batch.records.push(record);
    }

    fn segment(&mut self, conn: ConnId, seg: &Segment<'_>, in_block: Option<InBlock<'_>>) {
        let payload = match in_block {
            Some(InBlock { block, start, len }) => {
                let blocks = &mut self.batch.blocks;
                if !blocks.last().is_some_and(|last| last.same(block)) {
                    blocks.push(block.clone());
                }
                Payload::InBlock { block: (blocks.len() - 1) as u32, start, len }
            }
            None => {
                self.batch.copies.push(seg.payload.into());
                Payload::Copied((self.batch.copies.len() - 1) as u32)
            }
        };
        let header = Header { side: seg.side, seq: seg.seq, ack: seg.ack, flags: seg.flags, ttl: seg.ttl };
        self.push(Record::Segment(conn, header, payload));
    }

    /// The frame is done; a full batch goes, with word that the frame is done.
    fn frame_done(&mut self) {
        self.done = self.frame.0;
        if self.batch.records.len() >= BATCH || self.batch.churn >= CHURN {
            self.send();
        }
    }

    fn send(&mut self) {
        if !self.batch.records.is_empty() || !self.batch.reports.is_empty() {
            self.queued.fetch_add(1, Ordering::Relaxed);
            self.batch.done = self.done;
            // The helper only stops listening when this thread is done.
            let _ = self.sender.send(std::mem::replace(&mut self.batch, Batch::new()));
        }
    }
}

/// The directory's decisions: the leader's connections carried out here, the helper's
/// sent to it.
struct Router<'r, 'o, 'a, T> {
    local: Local<'r>,
    outbox: &'o RefCell<Outbox<'a, T>>,
    /// The frame being dispatched; `None` at the end of the capture.
    frame: Option<&'r Frame<'r>>,
}

impl<T> Dispatch for Router<'_, '_, '_, T> {
    fn opened(&mut self, conn: &Opened) -> Lane {
        let mut outbox = self.outbox.borrow_mut();
        if outbox.for_helper(conn.id) {
            outbox.push(Record::Opened(Box::new(*conn)));
            HELPER
        } else {
            drop(outbox);
            self.local.opened(conn)
        }
    }

    fn segment(&mut self, conn: ConnId, lane: Lane, seg: &Segment<'_>, frame: u64) {
        if lane == HELPER && self.frame.is_none_or(|f| f.number != frame) {
            let header = Header { side: seg.side, seq: seg.seq, ack: seg.ack, flags: seg.flags, ttl: seg.ttl };
            self.outbox.borrow_mut().push(Record::Late(conn, header, frame));
        } else if lane == HELPER {
            let in_block = self.frame.and_then(|frame| in_block(frame, seg.payload));
            self.outbox.borrow_mut().segment(conn, seg, in_block);
        } else {
            self.local.segment(conn, lane, seg, frame);
        }
    }

    fn released(&mut self, conn: ConnId, lane: Lane) {
        if lane == HELPER {
            self.outbox.borrow_mut().push(Record::Released(conn));
        } else {
            self.local.released(conn, lane);
        }
    }
}

/// Where a payload lies in the capture's blocks.
#[derive(Clone, Copy)]
struct InBlock<'b> {
    block: &'b SharedBlock,
    start: u32,
    len: u32,
}

/// Where `payload` lies in the block `frame` was read from, if it does (not when IP
/// fragments were put together).
fn in_block<'f>(frame: &Frame<'f>, payload: &[u8]) -> Option<InBlock<'f>> {
    let (block, start) = frame.block?;
    let (outer, inner) = (frame.data.as_ptr_range(), payload.as_ptr_range());
    if payload.is_empty() || inner.start < outer.start || inner.end > outer.end {
        return None;
    }
    let start = start.checked_add(inner.start as usize - outer.start as usize)?;
    Some(InBlock { block, start: u32::try_from(start).ok()?, len: u32::try_from(payload.len()).ok()? })
}

/// The leader: reads the capture, keeps the directory and diagnoses what it keeps.
fn lead<T>(
    mut reader: CaptureReader,
    config: &Config,
    options: &Options,
    prepare: Prepare<'_, T>,
    outbox: Outbox<'_, T>,
    bytes_read: &AtomicU64,
) -> Result<(InputSummary, Refusals), CaptureError> {
    let outbox = RefCell::new(outbox);
    // The leader's reports go into the stream, a few at a time.
    let post = &mut |frame, id, prepared| {
        let mut outbox = outbox.borrow_mut();
        outbox.batch.reports.push((frame, id, prepared));
        if outbox.batch.reports.len() >= BATCH_REPORTS {
            outbox.send();
        }
    };
    let mut sink = Prepared { prepare, out: post };
    // While the helper keeps up, it diagnoses the leader's connections too.
    let defer = &mut |ended: Ended| {
        let mut outbox = outbox.borrow_mut();
        if !outbox.for_helper(ended.0.conn.id) {
            return Some(ended);
        }
        outbox.push(Record::Ended(ended));
        None
    };
    let mut diagnoser = Diagnoser::new(options, &mut sink).deferring(defer);
    let mut directory = Directory::new(config.flows.clone());
    let mut reassembler = Reassembler::new(config.flows.max_pending_bytes);
    let mut streams = Streams::new(config, &mut diagnoser);
    let progress = &mut |bytes| bytes_read.store(bytes, Ordering::Relaxed);
    let mut summary = read_segments(&mut reader, config, progress, &mut |seen| {
        // A file has no quiet moments.
        let Seen::Packet(packet, frame) = seen else { return };
        streams.at(frame.number, frame.timestamp);
        outbox.borrow_mut().at(frame);
        match packet {
            Packet::Tcp(segment) => {
                let local = Local { reassembler: &mut reassembler, handler: &mut streams };
                let mut router = Router { local, outbox: &outbox, frame: Some(frame) };
                directory.segment(segment, frame.number, frame.timestamp.secs, &mut router);
            }
            // Datagrams are few: the leader diagnoses them itself.
            Packet::Udp(datagram) => streams.datagram(datagram, &mut || directory.new_id()),
        }
        streams.observer.frame_done(frame.number);
        outbox.borrow_mut().frame_done();
    })?;
    // What ends from now on is reported at the end of the input, in either lane.
    outbox.borrow_mut().batch.records.push(Record::LastFrameDone);
    streams.finish_datagrams();
    let local = Local { reassembler: &mut reassembler, handler: &mut streams };
    directory.finish(&mut Router { local, outbox: &outbox, frame: None });
    summary.tcp = directory.stats();
    summary.tcp += reassembler.stats();
    summary.tls_connections = streams.tls_connections;
    drop(streams);
    let refusals = diagnoser.finish();
    outbox.into_inner().send();
    Ok((summary, refusals))
}

type Reports<T> = VecDeque<Made<T>>;

/// Hands the reports of both lanes made up to frame `done` over, in (frame, id) order:
/// each lane's come in that order, so they merge.
fn hand_over<T>(ours: &RefCell<Reports<T>>, theirs: &mut Reports<T>, done: u64, out: &mut dyn FnMut(u64, T)) {
    let mut ours = ours.borrow_mut();
    loop {
        let key = |head: Option<&Made<T>>| head.map(|(frame, id, _)| (*frame, *id));
        let next = match (key(ours.front()), key(theirs.front())) {
            (Some(a), Some(b)) if a.0 <= done && (a < b || b.0 > done) => ours.pop_front(),
            (_, Some(b)) if b.0 <= done => theirs.pop_front(),
            (Some(a), _) if a.0 <= done => ours.pop_front(),
            _ => None,
        };
        let Some((frame, _, report)) = next else { return };
        out(frame, report);
    }
}

/// The helper's side of the stream from the leader.
struct Inbox<'a, T> {
    receiver: Receiver<Batch<T>>,
    ahead: ReadAhead,
    /// Batches sent and not yet done.
    queued: &'a AtomicUsize,
}

impl<T> Inbox<'_, T> {
    /// The next batch, `None` once the leader is done. Reads the capture ahead for the
    /// leader while the helper keeps up and while it waits.
    fn next(&self) -> Option<Batch<T>> {
        if self.queued.load(Ordering::Relaxed) <= 1 {
            // A block read here is one the leader, which has more to do, need not read.
            self.ahead.read_one();
        }
        let mut spins = 0;
        loop {
            match self.receiver.try_recv() {
                Ok(batch) => return Some(batch),
                Err(TryRecvError::Empty) if self.ahead.read_one() => {}
                Err(TryRecvError::Empty) if spins < SPINS => {
                    spins += 1;
                    std::hint::spin_loop();
                }
                Err(TryRecvError::Empty) => return self.receiver.recv().ok(),
                Err(TryRecvError::Disconnected) => return None,
            }
        }
    }

    fn done(&self) {
        self.queued.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The helper: diagnoses the connections the leader sends, and hands every report over.
/// Returns its reassembly counts, its TLS connections and its refusals.
fn help<T>(
    inbox: Inbox<'_, T>,
    config: &Config,
    options: &Options,
    prepare: Prepare<'_, T>,
    out: &mut dyn FnMut(u64, T),
    batch_done: &mut dyn FnMut(),
) -> (FlowStats, u64, Refusals) {
    // The helper's reports wait for the leader's of the same frames.
    let ours = RefCell::new(Reports::new());
    let mut theirs = Reports::new();
    let mut own =
        Prepared { prepare, out: &mut |frame, id, prepared| ours.borrow_mut().push_back((frame, id, prepared)) };
    // Shared: the streams observe through it, and the leader's ended connections come
    // to it straight.
    let diagnoser = RefCell::new(Diagnoser::new(options, &mut own));
    let mut reassembler = Reassembler::new(config.flows.max_pending_bytes);
    let mut observer = &diagnoser;
    let mut streams = Streams::new(config, &mut observer);
    let mut frame = 0;
    // The last frame is done: what ends now is reported at the end of the input.
    let mut ended = false;
    while let Some(Batch { done, blocks, copies, records, reports, .. }) = inbox.next() {
        // The leader's reports wait for the helper's of the frames they were made in.
        theirs.extend(reports);
        for record in records {
            match record {
                Record::At(number, time) => {
                    streams.observer.frame_done(frame);
                    frame = number;
                    streams.at(number, time);
                }
                Record::LastFrameDone => {
                    ended = true;
                    streams.observer.frame_done(frame);
                }
                Record::Opened(conn) => reassembler.opened(&conn, &mut streams),
                Record::Segment(conn, header, payload) => {
                    let payload = match payload {
                        Payload::InBlock { block, start, len } => {
                            let (start, len) = (start as usize, len as usize);
                            let block = blocks.get(block as usize).map_or(&[][..], SharedBlock::bytes);
                            block.get(start..start + len).unwrap_or_default()
                        }
                        Payload::Copied(copy) => copies.get(copy as usize).map_or(&[][..], |copy| copy),
                    };
                    let Header { side, seq, ack, flags, ttl } = header;
                    let seg = Segment { side, seq, ack, flags, ttl, payload };
                    reassembler.segment(conn, &seg, frame, &mut streams);
                }
                Record::Late(conn, header, late) => {
                    let Header { side, seq, ack, flags, ttl } = header;
                    let seg = Segment { side, seq, ack, flags, ttl, payload: &[] };
                    reassembler.segment(conn, &seg, late, &mut streams);
                }
                Record::Released(conn) => reassembler.release(conn, &mut streams),
                Record::Ended(ended) => diagnoser.borrow_mut().diagnose_ended(ended),
            }
        }
        // The reports of the frames the leader was done with go, from both lanes. This
        // lane's frame may be one of them: it need not wait for this lane's next frame
        // (when the leader keeps every connection, that may be long).
        if frame <= done && !ended {
            streams.observer.frame_done(frame);
        }
        hand_over(&ours, &mut theirs, done, out);
        inbox.done();
        batch_done();
    }
    let stats = (reassembler.stats(), streams.tls_connections);
    drop(streams);
    let refusals = diagnoser.into_inner().finish();
    hand_over(&ours, &mut theirs, u64::MAX, out);
    (stats.0, stats.1, refusals)
}

impl Observer for &RefCell<Diagnoser<'_>> {
    fn tls(&mut self, conn: &Connection, event: &Event<'_>) {
        self.borrow_mut().tls(conn, event);
    }

    fn connection_ended(&mut self, conn: &Connection) {
        self.borrow_mut().connection_ended(conn);
    }

    fn frame_done(&mut self, frame: u64) {
        self.borrow_mut().frame_done(frame);
    }

    fn frame_started(&mut self, frame: u64, time: Timestamp) {
        self.borrow_mut().frame_started(frame, time);
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::decrypt::{secrets::load_keylog, Keys};
    use crate::diagnose::{ConnectionReport, ReportSink};
    use crate::pipeline::analyze_reader;

    /// Each report as JSON, with the frame it was handed over in.
    #[derive(Default)]
    struct Written(Vec<(u64, String)>);

    impl ReportSink for Written {
        fn report(&mut self, frame: u64, report: ConnectionReport) {
            self.0.push((frame, serde_json::to_string(&report).unwrap()));
        }
    }

    /// The reports with their frames, then the summary or the error.
    fn diagnose(path: &Path, keylog: Option<&Path>, split: Option<Split>) -> (Vec<(u64, String)>, String) {
        let keys = keylog.map(|keylog| std::sync::Arc::new(Keys::from_keylog(load_keylog(keylog).unwrap().0)));
        let config = Config { keys: keys.clone(), ..Config::default() };
        let options = Options { keys, ..Options::default() };
        let reader = match CaptureReader::open(path) {
            Ok(reader) => reader,
            Err(e) => return (Vec::new(), e.to_string()),
        };
        let mut written = Written::default();
        let done = match split {
            Some(split) => {
                let out = &mut |frame, report| written.report(frame, report);
                diagnose_in_two_lanes(reader, &config, &options, &Some, out, &mut |_| {}, split)
            }
            None => {
                let mut diagnoser = Diagnoser::new(&options, &mut written);
                analyze_reader(reader, &config, &mut diagnoser, &mut |_| {})
                    .map(|summary| (summary, diagnoser.finish()))
            }
        };
        let summary = done.map(|(summary, refusals)| {
            refusals.judge(&mut written);
            format!("{summary:?}")
        });
        (written.0, summary.unwrap_or_else(|e| e.to_string()))
    }

    fn captures(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                captures(&path, found);
            } else if path.to_string_lossy().contains(".pcap") {
                found.push(path);
            }
        }
    }

    #[test]
    fn two_lanes_give_what_one_thread_gives() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut found = vec![root.join("bench/seed/seed.pcapng")];
        captures(&root.join("tests/fixtures"), &mut found);
        captures(&root.join("tests/hostile"), &mut found);
        captures(&root.join("tests/data/wireshark/captures"), &mut found);
        let mut both_lanes = 0;
        for path in &found {
            let keylog = [path.with_extension("keylog"), path.with_file_name("seed.keylog")]
                .into_iter()
                .find(|k| k.exists() && (k.file_stem() == path.file_stem() || path.ends_with("seed.pcapng")));
            let one = diagnose(path, keylog.as_deref(), None);
            for split in [Split::Alternate, Split::ByLoad] {
                let two = diagnose(path, keylog.as_deref(), Some(split));
                assert_eq!(two, one, "{}: {split:?} differs from one thread", path.display());
            }
            both_lanes += usize::from(one.0.len() >= 2);
        }
        assert!(found.len() > 200 && both_lanes >= 10, "{} captures, {both_lanes} with two connections", found.len());
    }
}
