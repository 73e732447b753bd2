//! The directory of flows: finds the connection of each segment, numbers new connections
//! and decides when each is released. It keeps no stream data, so one directory can
//! serve reassemblers on other threads: each connection keeps the [`Lane`] its
//! [`Dispatch`] chose for it.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;

use tlsdoctor_net::{TcpFlags, TcpSegment};

use crate::seq::SeqNumber;
use crate::table::{FlowConfig, FlowStats};
use crate::{ConnId, Opened, RoleEvidence, Segment, Side};

/// Where a connection's events go, chosen by the [`Dispatch`] when it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lane(pub u8);

/// Receives the directory's decisions, in capture order.
pub trait Dispatch {
    /// A new connection; its segments follow. Returns the lane of all its events.
    fn opened(&mut self, conn: &Opened) -> Lane;
    /// A segment of a connection that has not ended.
    fn segment(&mut self, conn: ConnId, lane: Lane, seg: &Segment<'_>, frame: u64);
    /// The connection is released (idle, evicted, its ports reused, end of capture);
    /// it may have ended already, by its FIN or RST.
    fn released(&mut self, conn: ConnId, lane: Lane);
}

/// What the directory knows of a connection: enough to decide its identity and lifetime.
struct Entry {
    id: ConnId,
    lane: Lane,
    client: SocketAddr,
    /// The client's initial sequence number, to tell a retransmitted SYN from a new one.
    client_isn: Option<SeqNumber>,
    /// Each side sent a FIN or RST (a RST closes both), as reassembly records it.
    closed: [bool; 2],
    /// Each side's sequence number past its last byte (and SYN or FIN) seen so far.
    ends: [Option<SeqNumber>; 2],
    /// A reset that came before bytes its sender sent earlier (reordered on the path):
    /// held until those bytes are seen, as the peer's TCP takes it only in sequence
    /// (RFC 5961, 3.2), or until the connection is released.
    held_reset: Option<HeldReset>,
    last_seen: i64,
    last_frame: u64,
}

#[derive(Clone, Copy)]
struct HeldReset {
    side: Side,
    seq: u32,
    ack: u32,
    flags: TcpFlags,
    ttl: u8,
    frame: u64,
}

impl HeldReset {
    /// The reset alone: what it acknowledged was taken when it arrived.
    fn segment(&self) -> Segment<'static> {
        let flags = TcpFlags(TcpFlags::RST);
        Segment { side: self.side, seq: self.seq, ack: self.ack, flags, ttl: self.ttl, payload: &[] }
    }
}

/// What is kept of a connection that ended (both sides closed) after it is released: a
/// peer whose last segment was never acknowledged retransmits it for minutes, and those
/// retransmissions belong to it, not to a new connection on the same ports.
struct Departed {
    client: SocketAddr,
    ends: [Option<SeqNumber>; 2],
    released_at: i64,
}

impl Departed {
    /// Whether a segment without SYN repeats or continues the departed connection: its
    /// sequence number lies at most a window past the side's end, or anywhere within
    /// the last gigabyte before it. A new connection on the same ports starts elsewhere.
    fn owns(&self, seg: &TcpSegment<'_>) -> bool {
        let side = if seg.src == self.client { Side::Client } else { Side::Server };
        self.ends[side.index()].is_some_and(|end| (-(1 << 30)..=0xffff).contains(&end.distance_to(SeqNumber(seg.seq))))
    }
}

impl Entry {
    fn side_of(&self, src: SocketAddr) -> Side {
        if src == self.client {
            Side::Client
        } else {
            Side::Server
        }
    }

    /// Both sides closed: the connection ended, and the entry only absorbs late
    /// segments until the linger time is over.
    fn ended(&self) -> bool {
        self.closed == [true, true]
    }

    /// Notes the segment; returns it as the connection sees it.
    fn note<'s>(&mut self, seg: &TcpSegment<'s>, frame: u64, now: i64) -> Segment<'s> {
        self.last_seen = now;
        self.last_frame = frame;
        let side = self.side_of(seg.src);
        if seg.flags.syn() && side == Side::Client {
            self.client_isn = Some(SeqNumber(seg.seq));
        }
        let flags = seg.flags;
        let ahead = self.ends[side.index()].is_some_and(|known| known.distance_to(SeqNumber(seg.seq)) > 0);
        if flags.rst() && ahead && self.held_reset.is_none() {
            let (seq, ack, ttl) = (seg.seq, seg.ack, seg.ttl);
            self.held_reset = Some(HeldReset { side, seq, ack, flags, ttl, frame });
            // What it acknowledges still counts; its place in the stream waits.
            let flags = TcpFlags(flags.0 & !TcpFlags::RST);
            return Segment { side, seq: seg.seq, ack: seg.ack, flags, ttl: seg.ttl, payload: seg.payload };
        }
        let length = seg.payload.len() as u32 + u32::from(flags.syn()) + u32::from(flags.fin());
        let end = SeqNumber(seg.seq).wrapping_add(length);
        let side_end = &mut self.ends[side.index()];
        if side_end.is_none_or(|known| known.distance_to(end) > 0) {
            *side_end = Some(end);
        }
        self.close(side, flags);
        Segment { side, seq: seg.seq, ack: seg.ack, flags, ttl: seg.ttl, payload: seg.payload }
    }

    fn close(&mut self, side: Side, flags: TcpFlags) {
        if (flags.fin() || flags.rst()) && !self.closed[side.index()] {
            self.closed[side.index()] = true;
            self.closed[side.other().index()] |= flags.rst();
        }
    }

    /// The held reset, once the bytes before it were seen (or `anyway`, at release).
    fn due_reset(&mut self, anyway: bool) -> Option<HeldReset> {
        let held = self.held_reset?;
        let caught_up = self.ends[held.side.index()].is_some_and(|end| end.distance_to(SeqNumber(held.seq)) <= 0);
        if !caught_up && !anyway {
            return None;
        }
        self.held_reset = None;
        self.close(held.side, held.flags);
        Some(held)
    }
}

/// The endpoints of a flow in a canonical order, so both directions find it. IPv4 flows,
/// the common case, pack into one number: a lookup per segment hashes and compares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum FlowKey {
    V4(u128),
    Other(SocketAddr, SocketAddr),
}

impl Hash for FlowKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            FlowKey::V4(both) => state.write_u128(*both),
            FlowKey::Other(a, b) => (a, b).hash(state),
        }
    }
}

fn flow_key(a: SocketAddr, b: SocketAddr) -> FlowKey {
    match (a, b) {
        (SocketAddr::V4(a), SocketAddr::V4(b)) => {
            let [a, b] = [a, b].map(|end| (u64::from(end.ip().to_bits()) << 16) | u64::from(end.port()));
            let (low, high) = if a <= b { (a, b) } else { (b, a) };
            FlowKey::V4((u128::from(low) << 64) | u128::from(high))
        }
        _ if a <= b => FlowKey::Other(a, b),
        _ => FlowKey::Other(b, a),
    }
}

pub struct Directory {
    config: FlowConfig,
    /// foldhash, randomly seeded: one lookup per segment, about twice as fast as SipHash,
    /// and no capture can be made to collide without knowing the seed of this run.
    flows: HashMap<FlowKey, Entry, foldhash::fast::RandomState>,
    /// Connections that ended and were released, kept for as long as a live one may idle
    /// (`idle_timeout_secs`), at most `max_flows` of them.
    departed: HashMap<FlowKey, Departed, foldhash::fast::RandomState>,
    next_id: u32,
    last_sweep: i64,
    stats: FlowStats,
}

impl Directory {
    /// The next connection id, also for connections of other transports (DTLS over
    /// UDP): ids stay unique in a capture, in the order connections appear.
    pub fn new_id(&mut self) -> ConnId {
        let id = ConnId(self.next_id);
        self.next_id = self.next_id.saturating_add(1);
        id
    }

    pub fn new(config: FlowConfig) -> Self {
        Directory {
            config,
            flows: HashMap::default(),
            departed: HashMap::default(),
            next_id: 1,
            last_sweep: i64::MIN,
            stats: FlowStats::default(),
        }
    }

    /// Connections, segments and evictions; reassembly counts the rest.
    pub fn stats(&self) -> FlowStats {
        self.stats
    }

    /// Connections currently tracked.
    pub fn len(&self) -> usize {
        self.flows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.flows.is_empty()
    }

    /// Takes one segment seen in `frame` at capture time `now` (seconds).
    pub fn segment(&mut self, seg: &TcpSegment<'_>, frame: u64, now: i64, out: &mut dyn Dispatch) {
        if now.saturating_sub(self.last_sweep) >= 1 || self.flows.len() > self.config.max_flows {
            self.sweep(now, out);
        }
        self.stats.segments += 1;
        let key = flow_key(seg.src, seg.dst);
        let flags = seg.flags;
        let opening = flags.syn() && !flags.ack();
        // A SYN that is not a retransmission reuses the ports for a new connection.
        let reused = opening
            && self.flows.get(&key).is_some_and(|flow| {
                flow.side_of(seg.src) == Side::Server || flow.client_isn != Some(SeqNumber(seg.seq))
            });
        if reused {
            self.release(key, out);
        }
        if opening {
            self.departed.remove(&key);
        }
        if let Some(flow) = self.flows.get_mut(&key) {
            if !flow.ended() {
                let seen = flow.note(seg, frame, now);
                out.segment(flow.id, flow.lane, &seen, frame);
                if let Some(reset) = flow.due_reset(false) {
                    out.segment(flow.id, flow.lane, &reset.segment(), reset.frame);
                }
            } else if sends_data(seg) {
                // Data or a FIN after both sides closed repeats what was sent.
                self.stats.retransmitted_segments += 1;
            }
            return;
        }
        if !opening {
            if let Some(departed) = self.departed.get(&key) {
                if departed.owns(seg) {
                    self.stats.retransmitted_segments += u64::from(sends_data(seg));
                    return;
                }
                self.departed.remove(&key);
            }
        }
        let roles = if flags.syn() {
            RoleEvidence::Handshake
        } else if !seg.payload.is_empty() {
            RoleEvidence::PortGuess
        } else {
            // A pure ACK, FIN or RST of a connection we never saw carries nothing.
            return;
        };
        let client_is_src = match roles {
            RoleEvidence::Handshake => !flags.ack(),
            RoleEvidence::PortGuess => (seg.src.port(), seg.src) > (seg.dst.port(), seg.dst),
        };
        let (client, server) = if client_is_src { (seg.src, seg.dst) } else { (seg.dst, seg.src) };
        let id = self.new_id();
        self.stats.connections += 1;
        let lane = out.opened(&Opened { id, client, server, frame, roles });
        let flow = self.flows.entry(key).or_insert(Entry {
            id,
            lane,
            client,
            client_isn: None,
            closed: [false; 2],
            ends: [None; 2],
            held_reset: None,
            last_seen: now,
            last_frame: frame,
        });
        let seen = flow.note(seg, frame, now);
        out.segment(id, lane, &seen, frame);
    }

    /// Time passed without a segment (a live capture waiting): releases the connections
    /// that closed or went idle by `now`, as the next segment would have.
    pub fn tick(&mut self, now: i64, out: &mut dyn Dispatch) {
        if now.saturating_sub(self.last_sweep) >= 1 {
            self.sweep(now, out);
        }
    }

    /// End of the capture: every connection is released, in id order.
    pub fn finish(&mut self, out: &mut dyn Dispatch) {
        let keys: Vec<FlowKey> = self.flows.keys().copied().collect();
        self.release_all(keys, out);
        self.flows = HashMap::default();
        self.departed = HashMap::default();
    }

    fn sweep(&mut self, now: i64, out: &mut dyn Dispatch) {
        self.last_sweep = now;
        let config = &self.config;
        let mut expired: Vec<FlowKey> = Vec::new();
        for (key, flow) in &self.flows {
            let idle = now.saturating_sub(flow.last_seen);
            if idle > config.idle_timeout_secs || (flow.ended() && idle > config.linger_secs) {
                self.stats.evicted_idle += u64::from(!flow.ended());
                expired.push(*key);
            }
        }
        let over = (self.flows.len() - expired.len()).saturating_sub(config.max_flows);
        if over > 0 {
            // Release an eighth at once, so a full table costs one sort per many new
            // connections: the entries of ended connections first (they only absorb
            // late segments), then the least recently active.
            let expiring: HashSet<FlowKey> = expired.iter().copied().collect();
            let by_age: Vec<(bool, i64, u64, FlowKey)> = self
                .flows
                .iter()
                .filter(|(k, _)| !expiring.contains(k))
                .map(|(k, f)| (!f.ended(), f.last_seen, f.last_frame, *k))
                .collect();
            let released = oldest_share(by_age, over, config.max_flows);
            self.stats.evicted_for_space += released.iter().filter(|(live, ..)| *live).count() as u64;
            expired.extend(released.iter().map(|(.., k)| *k));
        }
        self.release_all(expired, out);
        self.forget_departed(now);
    }

    /// Forgets the departed connections past their time, and the oldest past the bound.
    fn forget_departed(&mut self, now: i64) {
        let life = self.config.idle_timeout_secs;
        self.departed.retain(|_, d| now.saturating_sub(d.released_at) <= life);
        let over = self.departed.len().saturating_sub(self.config.max_flows);
        if over > 0 {
            let by_age: Vec<(i64, FlowKey)> = self.departed.iter().map(|(k, d)| (d.released_at, *k)).collect();
            for (_, key) in oldest_share(by_age, over, self.config.max_flows) {
                self.departed.remove(&key);
            }
        }
    }

    /// Releases the flows of `keys` in id order.
    fn release_all(&mut self, keys: Vec<FlowKey>, out: &mut dyn Dispatch) {
        let mut by_id: Vec<(ConnId, FlowKey)> =
            keys.into_iter().filter_map(|k| self.flows.get(&k).map(|f| (f.id, k))).collect();
        by_id.sort_unstable_by_key(|(id, _)| *id);
        for (_, key) in by_id {
            self.release(key, out);
        }
    }

    fn release(&mut self, key: FlowKey, out: &mut dyn Dispatch) {
        if let Some(mut flow) = self.flows.remove(&key) {
            // A reset whose earlier bytes never came still ended the connection.
            if let Some(reset) = flow.due_reset(true) {
                out.segment(flow.id, flow.lane, &reset.segment(), reset.frame);
            }
            if flow.ended() {
                let departed = Departed { client: flow.client, ends: flow.ends, released_at: flow.last_seen };
                self.departed.insert(key, departed);
            }
            out.released(flow.id, flow.lane);
        }
    }
}

/// The first of `by_age` in order, `over` of them but at least an eighth of `max`: a full
/// table releases many at once, so it sorts once per many new entries.
fn oldest_share<T: Ord>(mut by_age: Vec<T>, over: usize, max: usize) -> Vec<T> {
    by_age.sort_unstable();
    by_age.truncate(over.max(max / 8));
    by_age
}

/// The segment carries bytes or a FIN: something a peer sends again when unacknowledged.
fn sends_data(seg: &TcpSegment<'_>) -> bool {
    !seg.payload.is_empty() || seg.flags.fin()
}
