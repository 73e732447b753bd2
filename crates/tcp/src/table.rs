//! The flow table: finds the connection of each segment, creates and releases connections.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;

use tlsdoctor_net::TcpSegment;

use crate::flow::{Delivery, Direction};
use crate::seq::SeqNumber;
use crate::{Close, ConnId, Opened, RoleEvidence, Side, StreamHandler};

/// Limits that keep memory bounded whatever the capture holds.
#[derive(Debug, Clone)]
pub struct FlowConfig {
    /// Connections tracked at once; the least recently active are released beyond it.
    pub max_flows: usize,
    /// Out-of-order bytes held per direction before the hole is declared a gap.
    pub max_pending_bytes: usize,
    /// Capture seconds without a segment after which a connection is released.
    pub idle_timeout_secs: i64,
    /// Capture seconds a closed connection is kept, to absorb late segments.
    pub linger_secs: i64,
    /// The part of the connections this table hands to its handler.
    pub shard: Shard,
}

impl Default for FlowConfig {
    fn default() -> Self {
        FlowConfig {
            // Under 64 MiB in all for diagnose, on two threads, when every flow holds a
            // partial record (bench/hostile-load).
            max_flows: 8_192,
            max_pending_bytes: 1 << 20,
            idle_timeout_secs: 600,
            linger_secs: 2,
            shard: Shard::WHOLE,
        }
    }
}

/// One of `count` disjoint parts of a capture's connections, chosen by a hash of their
/// endpoints. Tables that read the same capture with the shards of one count hand over
/// disjoint connections, with the same ids: every table follows every connection's
/// opening, closing and eviction (cheap: no reassembly), and reassembles only its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    fn owns(self, key: &FlowKey) -> bool {
        if self.count <= 1 {
            return true;
        }
        // A fixed hash: every table of the same capture must agree.
        let mut hasher = std::hash::DefaultHasher::new();
        key.hash(&mut hasher);
        hasher.finish() % u64::from(self.count) == u64::from(self.index)
    }
}

/// What the table did, for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlowStats {
    pub connections: u64,
    pub segments: u64,
    pub retransmitted_segments: u64,
    pub out_of_order_segments: u64,
    pub gaps: u64,
    pub missing_bytes: u64,
    /// Connections released early because the table was full.
    pub evicted_for_space: u64,
    pub evicted_idle: u64,
}

impl std::ops::AddAssign for FlowStats {
    /// Adds another shard's counts.
    fn add_assign(&mut self, other: FlowStats) {
        self.connections += other.connections;
        self.segments += other.segments;
        self.retransmitted_segments += other.retransmitted_segments;
        self.out_of_order_segments += other.out_of_order_segments;
        self.gaps += other.gaps;
        self.missing_bytes += other.missing_bytes;
        self.evicted_for_space += other.evicted_for_space;
        self.evicted_idle += other.evicted_idle;
    }
}

struct Flow {
    id: ConnId,
    client: SocketAddr,
    dirs: [Direction; 2],
    last_seen: i64,
    last_frame: u64,
    /// Both sides closed and the handler was told the connection ended: what is left is
    /// a tombstone that absorbs late segments until the linger time is over.
    ended: bool,
    /// In this table's shard: reassembled and handed over. Other flows are only followed.
    owned: bool,
}

impl Flow {
    fn side_of(&self, src: SocketAddr) -> Side {
        if src == self.client {
            Side::Client
        } else {
            Side::Server
        }
    }

    fn closed(&self) -> bool {
        self.dirs.iter().all(|d| d.closed)
    }
}

/// The endpoints of a flow in a canonical order, so both directions find it.
type FlowKey = (SocketAddr, SocketAddr);

fn flow_key(a: SocketAddr, b: SocketAddr) -> FlowKey {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

pub struct FlowTable {
    config: FlowConfig,
    flows: HashMap<FlowKey, Flow>,
    next_id: u32,
    last_sweep: i64,
    stats: FlowStats,
}

impl FlowTable {
    pub fn new(config: FlowConfig) -> Self {
        FlowTable { config, flows: HashMap::new(), next_id: 1, last_sweep: i64::MIN, stats: FlowStats::default() }
    }

    pub fn stats(&self) -> FlowStats {
        let mut stats = self.stats;
        for flow in self.flows.values().filter(|f| f.owned && !f.ended) {
            add_direction_stats(&mut stats, &flow.dirs);
        }
        stats
    }

    /// Connections currently tracked.
    pub fn len(&self) -> usize {
        self.flows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.flows.is_empty()
    }

    /// Takes one segment seen in `frame` at capture time `now` (seconds).
    pub fn segment(&mut self, seg: &TcpSegment<'_>, frame: u64, now: i64, handler: &mut dyn StreamHandler) {
        if now.saturating_sub(self.last_sweep) >= 1 || self.flows.len() > self.config.max_flows {
            self.sweep(now, handler);
        }
        let key = flow_key(seg.src, seg.dst);
        let flags = seg.flags;
        let opening = flags.syn() && !flags.ack();
        // A SYN that is not a retransmission reuses the ports for a new connection.
        let reused = opening
            && self.flows.get(&key).is_some_and(|flow| {
                flow.side_of(seg.src) == Side::Server || flow.dirs[Side::Client.index()].isn != Some(SeqNumber(seg.seq))
            });
        if reused {
            self.release(key, handler);
        }
        if let Some(flow) = self.flows.get_mut(&key) {
            self.stats.segments += u64::from(flow.owned);
            if !flow.owned {
                follow(flow, seg, frame, now);
            } else if !flow.ended {
                advance(flow, seg, frame, now, self.config.max_pending_bytes, handler);
                if flow.closed() {
                    end(flow, &mut self.stats, handler);
                }
            }
            return;
        }
        let roles = if flags.syn() {
            RoleEvidence::Handshake
        } else if !seg.payload.is_empty() {
            RoleEvidence::PortGuess
        } else {
            // A pure ACK, FIN or RST of a connection we never saw carries nothing.
            self.stats.segments += u64::from(self.config.shard.index == 0);
            return;
        };
        let client_is_src = match roles {
            RoleEvidence::Handshake => !flags.ack(),
            RoleEvidence::PortGuess => (seg.src.port(), seg.src) > (seg.dst.port(), seg.dst),
        };
        let (client, server) = if client_is_src { (seg.src, seg.dst) } else { (seg.dst, seg.src) };
        let id = ConnId(self.next_id);
        self.next_id = self.next_id.saturating_add(1);
        let owned = self.config.shard.owns(&key);
        let flow = self.flows.entry(key).or_insert(Flow {
            id,
            client,
            dirs: Default::default(),
            last_seen: now,
            last_frame: frame,
            ended: false,
            owned,
        });
        if !owned {
            follow(flow, seg, frame, now);
            return;
        }
        self.stats.connections += 1;
        self.stats.segments += 1;
        handler.opened(&Opened { id, client, server, frame, roles });
        advance(flow, seg, frame, now, self.config.max_pending_bytes, handler);
        if flow.closed() {
            end(flow, &mut self.stats, handler);
        }
    }

    /// End of the capture: every connection is flushed and released, in id order.
    pub fn finish(&mut self, handler: &mut dyn StreamHandler) {
        let keys: Vec<FlowKey> = self.flows.keys().copied().collect();
        self.release_all(keys, handler);
        self.flows = HashMap::new();
    }

    fn sweep(&mut self, now: i64, handler: &mut dyn StreamHandler) {
        self.last_sweep = now;
        let config = &self.config;
        let mut expired: Vec<FlowKey> = Vec::new();
        for (key, flow) in &self.flows {
            let idle = now.saturating_sub(flow.last_seen);
            if idle > config.idle_timeout_secs || (flow.closed() && idle > config.linger_secs) {
                if !flow.closed() && flow.owned {
                    self.stats.evicted_idle += 1;
                }
                expired.push(*key);
            }
        }
        let over = (self.flows.len() - expired.len()).saturating_sub(config.max_flows);
        if over > 0 {
            // Release an eighth at once, so a full table costs one sort per many new
            // connections: the tombstones of ended connections first (they only absorb
            // late segments), then the least recently active.
            let expiring: HashSet<FlowKey> = expired.iter().copied().collect();
            let mut by_age: Vec<(bool, i64, u64, FlowKey)> = self
                .flows
                .iter()
                .filter(|(k, _)| !expiring.contains(k))
                .map(|(k, f)| (!f.closed(), f.last_seen, f.last_frame, *k))
                .collect();
            by_age.sort_unstable();
            let n = over.max(config.max_flows / 8).min(by_age.len());
            let released = &by_age[..n];
            self.stats.evicted_for_space +=
                released.iter().filter(|(live, _, _, k)| *live && self.flows[k].owned).count() as u64;
            expired.extend(released.iter().map(|(_, _, _, k)| *k));
        }
        self.release_all(expired, handler);
    }

    /// Releases the flows of `keys` in id order, one at a time (a flood's flows are not
    /// all moved out of the table at once).
    fn release_all(&mut self, keys: Vec<FlowKey>, handler: &mut dyn StreamHandler) {
        let mut by_id: Vec<(ConnId, FlowKey)> =
            keys.into_iter().filter_map(|k| self.flows.get(&k).map(|f| (f.id, k))).collect();
        by_id.sort_unstable_by_key(|(id, _)| *id);
        for (_, key) in by_id {
            self.release(key, handler);
        }
    }

    fn release(&mut self, key: FlowKey, handler: &mut dyn StreamHandler) {
        if let Some(flow) = self.flows.remove(&key) {
            self.retire(flow, handler);
        }
    }

    fn retire(&mut self, mut flow: Flow, handler: &mut dyn StreamHandler) {
        if flow.owned && !flow.ended {
            end(&mut flow, &mut self.stats, handler);
        }
    }
}

/// Flushes what waits behind holes and tells the handler the connection is over, so
/// that its state is freed now rather than when the tombstone expires.
fn end(flow: &mut Flow, stats: &mut FlowStats, handler: &mut dyn StreamHandler) {
    let (id, frame) = (flow.id, flow.last_frame);
    for side in [Side::Client, Side::Server] {
        let mut deliver = |d: Delivery<'_>| emit(handler, id, side, frame, d);
        flow.dirs[side.index()].flush(frame, &mut deliver);
    }
    add_direction_stats(stats, &flow.dirs);
    flow.ended = true;
    handler.ended(id);
}

/// One segment of a connection of another shard: only what decides its identity and
/// lifetime (its SYN, its end, its activity), exactly as [`advance`] records them.
fn follow(flow: &mut Flow, seg: &TcpSegment<'_>, frame: u64, now: i64) {
    if flow.closed() {
        return; // as an owned flow's tombstone
    }
    let flags = seg.flags;
    flow.last_seen = now;
    flow.last_frame = frame;
    let side = flow.side_of(seg.src);
    let (sender, receiver) = split(&mut flow.dirs, side.index());
    if flags.syn() {
        sender.syn(SeqNumber(seg.seq));
    }
    if flags.fin() || flags.rst() {
        sender.closed = true;
        receiver.closed |= flags.rst();
    }
}

/// One segment of a known connection: acknowledgements, data, and the end of a side.
fn advance(flow: &mut Flow, seg: &TcpSegment<'_>, frame: u64, now: i64, cap: usize, handler: &mut dyn StreamHandler) {
    let flags = seg.flags;
    flow.last_seen = now;
    flow.last_frame = frame;
    let side = flow.side_of(seg.src);
    let id = flow.id;
    let (sender, receiver) = match side {
        Side::Client => split(&mut flow.dirs, 0),
        Side::Server => split(&mut flow.dirs, 1),
    };
    if flags.syn() {
        sender.syn(SeqNumber(seg.seq));
    }
    if flags.ack() {
        let mut deliver = |d: Delivery<'_>| emit(handler, id, side.other(), frame, d);
        receiver.peer_ack(SeqNumber(seg.ack), frame, &mut deliver);
    }
    let seq = SeqNumber(seg.seq).wrapping_add(u32::from(flags.syn()));
    let mut deliver = |d: Delivery<'_>| emit(handler, id, side, frame, d);
    sender.segment(seq, seg.payload, frame, cap, &mut deliver);
    if (flags.fin() || flags.rst()) && !sender.closed {
        sender.closed = true;
        let how = if flags.rst() { Close::Reset } else { Close::Fin };
        handler.closed(id, side, how, frame);
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

/// Mutable references to one direction and the other.
fn split(dirs: &mut [Direction; 2], first: usize) -> (&mut Direction, &mut Direction) {
    let [a, b] = dirs;
    if first == 0 {
        (a, b)
    } else {
        (b, a)
    }
}

fn emit(handler: &mut dyn StreamHandler, id: ConnId, side: Side, frame: u64, d: Delivery<'_>) {
    match d {
        Delivery::Data(chunk) => handler.data(id, side, chunk),
        Delivery::Gap(missing) => handler.gap(id, side, missing, frame),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Chunk;
    use tlsdoctor_net::TcpFlags;

    #[derive(Default)]
    struct Log(Vec<String>);

    impl StreamHandler for Log {
        fn opened(&mut self, c: &Opened) {
            self.0.push(format!("open {} {}->{} {:?}", c.id.0, c.client, c.server, c.roles));
        }
        fn data(&mut self, conn: ConnId, side: Side, chunk: Chunk<'_>) {
            let text = String::from_utf8_lossy(chunk.bytes);
            self.0.push(format!("{} {side:?} {text}@{}", conn.0, chunk.frame));
        }
        fn gap(&mut self, conn: ConnId, side: Side, missing: u64, frame: u64) {
            self.0.push(format!("{} {side:?} gap {missing}@{frame}", conn.0));
        }
        fn closed(&mut self, conn: ConnId, side: Side, how: Close, _frame: u64) {
            self.0.push(format!("{} {side:?} {how:?}", conn.0));
        }
        fn ended(&mut self, conn: ConnId) {
            self.0.push(format!("end {}", conn.0));
        }
    }

    const C: &str = "10.0.0.1:50000";
    const S: &str = "10.0.0.2:443";

    fn seg<'a>(src: &str, dst: &str, seq: u32, ack: u32, flags: u8, payload: &'a [u8]) -> TcpSegment<'a> {
        TcpSegment {
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            seq,
            ack,
            flags: TcpFlags(flags),
            window: 1000,
            payload,
            payload_cut: false,
        }
    }

    const SYN: u8 = TcpFlags::SYN;
    const SYNACK: u8 = TcpFlags::SYN | TcpFlags::ACK;
    const ACK: u8 = TcpFlags::ACK;
    const FIN: u8 = TcpFlags::FIN | TcpFlags::ACK;

    /// Every event of the segments, fed one per frame, and the end of the capture.
    fn run(segs: &[TcpSegment<'_>]) -> Vec<String> {
        let mut table = FlowTable::new(FlowConfig::default());
        let mut log = Log::default();
        for (i, s) in segs.iter().enumerate() {
            table.segment(s, i as u64 + 1, 0, &mut log);
        }
        table.finish(&mut log);
        log.0
    }

    #[test]
    fn handshake_decides_roles_and_data_flows_both_ways() {
        let log = run(&[
            seg(C, S, 1000, 0, SYN, b""),
            seg(S, C, 5000, 1001, SYNACK, b""),
            seg(C, S, 1001, 5001, ACK, b"hello"),
            seg(S, C, 5001, 1006, ACK, b"world"),
            seg(C, S, 1006, 5006, FIN, b""),
        ]);
        assert_eq!(
            log,
            [
                "open 1 10.0.0.1:50000->10.0.0.2:443 Handshake",
                "1 Client hello@3",
                "1 Server world@4",
                "1 Client Fin",
                "end 1"
            ]
        );
    }

    #[test]
    fn mid_stream_pickup_guesses_the_lower_port_is_the_server() {
        let log = run(&[seg(S, C, 77, 1, ACK, b"late"), seg(C, S, 1, 81, ACK, b"")]);
        assert_eq!(log[0], "open 1 10.0.0.1:50000->10.0.0.2:443 PortGuess");
        assert_eq!(log[1], "1 Server late@1");
    }

    #[test]
    fn a_new_syn_after_close_is_a_new_connection() {
        let log = run(&[
            seg(C, S, 1000, 0, SYN, b""),
            seg(C, S, 1000, 0, SYN, b""),
            seg(C, S, 1001, 0, ACK, b"one"),
            seg(C, S, 9000, 0, SYN, b""),
            seg(C, S, 9001, 0, ACK, b"two"),
        ]);
        assert_eq!(log.iter().filter(|l| l.starts_with("open")).count(), 2);
        assert!(log.contains(&"1 Client one@3".to_string()));
        assert!(log.contains(&"2 Client two@5".to_string()));
        assert_eq!(log[2], "end 1", "the old connection ends before the new one opens");
    }

    #[test]
    fn the_table_stays_within_its_flow_limit() {
        let config = FlowConfig { max_flows: 16, ..FlowConfig::default() };
        let mut table = FlowTable::new(config);
        let mut log = Log::default();
        for i in 0..1000u32 {
            let client = format!("10.0.{}.{}:40000", i / 256, i % 256);
            table.segment(&seg(&client, S, 1, 0, SYN, b""), u64::from(i) + 1, 0, &mut log);
            assert!(table.len() <= 17);
        }
        assert!(table.stats().evicted_for_space >= 1000 - 17);
    }

    #[test]
    fn shards_split_the_connections_with_the_same_ids() {
        // 300 connections, some closed and reused, some evicted for space.
        let mut segs = Vec::new();
        for i in 0..300u32 {
            let client = format!("10.0.{}.{}:{}", i / 200, i % 200, 40000 + i % 3);
            segs.push(seg(&client, S, 1000 + i, 0, SYN, b""));
            segs.push(seg(&client, S, 1001 + i, 1, ACK, b"hello"));
            if i % 2 == 0 {
                segs.push(seg(&client, S, 1006 + i, 1, FIN, b""));
                segs.push(seg(S, &client, 1, 1007 + i, FIN, b""));
            }
        }
        let run_shard = |shard: Shard| {
            let config = FlowConfig { max_flows: 64, shard, ..FlowConfig::default() };
            let mut table = FlowTable::new(config);
            let mut log = Log::default();
            for (i, s) in segs.iter().enumerate() {
                table.segment(s, i as u64 + 1, i as i64 / 50, &mut log);
            }
            table.finish(&mut log);
            (log.0, table.stats())
        };
        let (whole, whole_stats) = run_shard(Shard::WHOLE);
        let (a, a_stats) = run_shard(Shard { index: 0, count: 2 });
        let (b, b_stats) = run_shard(Shard { index: 1, count: 2 });
        let opened =
            |log: &[String]| -> Vec<String> { log.iter().filter(|l| l.starts_with("open")).cloned().collect() };
        let (in_a, in_b) = (opened(&a), opened(&b));
        assert!(!in_a.is_empty() && !in_b.is_empty());
        let mut both: Vec<String> = in_a.iter().chain(&in_b).cloned().collect();
        both.sort();
        let mut all = opened(&whole);
        all.sort();
        assert_eq!(both, all, "the shards open the same connections, with the same ids, once");
        let mut events: Vec<String> = a.iter().chain(&b).cloned().collect();
        let mut whole_events = whole.clone();
        events.sort();
        whole_events.sort();
        assert_eq!(events, whole_events);
        assert_eq!(a_stats.connections + b_stats.connections, whole_stats.connections);
        assert_eq!(a_stats.segments + b_stats.segments, whole_stats.segments);
        assert_eq!(a_stats.evicted_for_space + b_stats.evicted_for_space, whole_stats.evicted_for_space);
        assert!(whole_stats.evicted_for_space > 0);
    }
}
