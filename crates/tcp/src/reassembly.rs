//! The byte streams of the connections a [`Directory`](crate::Directory) dispatched:
//! acknowledgements, data in order, gaps and the end of each side.

use crate::flow::{Delivery, Direction};
use crate::seq::SeqNumber;
use crate::table::FlowStats;
use crate::{Close, ConnId, ConnIdMap, Opened, Segment, Side, StreamHandler};

struct Stream {
    dirs: [Direction; 2],
    last_frame: u64,
    /// Each side's first time to live other than a reset's.
    usual_ttl: [Option<u8>; 2],
}

impl Stream {
    fn closed(&self) -> bool {
        self.dirs.iter().all(|d| d.closed)
    }
}

pub struct Reassembler {
    /// Boxed: a table sized for a flood holds buckets, not streams.
    streams: ConnIdMap<Box<Stream>>,
    /// Out-of-order bytes held per direction before the hole is declared a gap.
    max_pending_bytes: usize,
    stats: FlowStats,
}

impl Reassembler {
    pub fn new(max_pending_bytes: usize) -> Self {
        Reassembler { streams: ConnIdMap::default(), max_pending_bytes, stats: FlowStats::default() }
    }

    /// Retransmissions, reordering and gaps; the directory counts the rest.
    pub fn stats(&self) -> FlowStats {
        let mut stats = self.stats;
        for stream in self.streams.values() {
            add_direction_stats(&mut stats, &stream.dirs);
        }
        stats
    }

    pub fn opened(&mut self, conn: &Opened, handler: &mut dyn StreamHandler) {
        let stream = Box::new(Stream { dirs: Default::default(), last_frame: conn.frame, usual_ttl: [None; 2] });
        self.streams.insert(conn.id, stream);
        handler.opened(conn);
    }

    /// One segment of a connection; those of connections that ended are ignored.
    pub fn segment(&mut self, id: ConnId, seg: &Segment<'_>, frame: u64, handler: &mut dyn StreamHandler) {
        let Some(stream) = self.streams.get_mut(&id) else { return };
        advance(id, stream, seg, frame, self.max_pending_bytes, handler);
        if stream.closed() {
            self.release(id, handler);
        }
    }

    /// Flushes what waits behind holes and tells the handler the connection is over.
    pub fn release(&mut self, id: ConnId, handler: &mut dyn StreamHandler) {
        let Some(mut stream) = self.streams.remove(&id) else { return };
        let frame = stream.last_frame;
        for side in [Side::Client, Side::Server] {
            let mut deliver = |d: Delivery<'_>| emit(handler, id, side, frame, d);
            stream.dirs[side.index()].flush(frame, &mut deliver);
        }
        add_direction_stats(&mut self.stats, &stream.dirs);
        handler.ended(id);
    }
}

/// One segment of a known connection: acknowledgements, data, and the end of a side.
fn advance(id: ConnId, stream: &mut Stream, seg: &Segment<'_>, frame: u64, cap: usize, h: &mut dyn StreamHandler) {
    let flags = seg.flags;
    // A held reset comes with its own, earlier frame.
    stream.last_frame = stream.last_frame.max(frame);
    let side = seg.side;
    let usual_ttl = &mut stream.usual_ttl[side.index()];
    if !flags.rst() {
        usual_ttl.get_or_insert(seg.ttl);
    }
    let usual_ttl = *usual_ttl;
    let [client, server] = &mut stream.dirs;
    let (sender, receiver) = match side {
        Side::Client => (client, server),
        Side::Server => (server, client),
    };
    if flags.syn() {
        sender.syn(SeqNumber(seg.seq));
    }
    if flags.ack() {
        let mut deliver = |d: Delivery<'_>| emit(h, id, side.other(), frame, d);
        receiver.peer_ack(SeqNumber(seg.ack), frame, &mut deliver);
    }
    let seq = SeqNumber(seg.seq).wrapping_add(u32::from(flags.syn()));
    let mut deliver = |d: Delivery<'_>| emit(h, id, side, frame, d);
    sender.segment(seq, seg.payload, frame, cap, &mut deliver);
    if (flags.fin() || flags.rst()) && !sender.closed {
        sender.closed = true;
        let how = if flags.rst() { Close::Reset { ttl: seg.ttl, usual_ttl } } else { Close::Fin };
        h.closed(id, side, how, frame);
        if flags.rst() {
            receiver.closed = true;
        }
    }
}

fn add_direction_stats(stats: &mut FlowStats, dirs: &[Direction; 2]) {
    for d in dirs {
        stats.retransmitted_segments += d.stats.retransmitted_segments;
        stats.out_of_order_segments += d.stats.out_of_order_segments;
        stats.gaps += d.stats.gaps;
        stats.missing_bytes += d.stats.missing_bytes;
    }
}

fn emit(handler: &mut dyn StreamHandler, id: ConnId, side: Side, frame: u64, d: Delivery<'_>) {
    match d {
        Delivery::Data(chunk) => handler.data(id, side, chunk),
        Delivery::Gap(missing) => handler.gap(id, side, missing, frame),
    }
}
