//! The seed capture -> templates: each complete TCP connection reassembled into its
//! ordered flights and FIN/RST events, each UDP flow kept as its datagrams.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;

use tlsdoctor_capture::{CaptureReader, Timestamp};
use tlsdoctor_net::{Decoded, Decoder, TcpSegment, UdpDatagram};

use crate::keylog;
use crate::labels::{self, Labels};
use crate::Error;

/// Which end of a connection sent something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Client = 0,
    Server = 1,
}

impl Side {
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn other(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }

    /// `>` client to server, `<` server to client (as `--list` shows flights).
    pub fn arrow(self) -> char {
        match self {
            Side::Client => '>',
            Side::Server => '<',
        }
    }
}

/// One seed connection, ready to be replayed.
#[derive(Debug, Clone)]
pub struct Template {
    /// Position among the usable connections (the manifest's `template` column).
    pub index: usize,
    /// From `connections.tsv`, matched by the seed connection's client address:port.
    pub label: Option<String>,
    pub client: SocketAddr,
    pub server: SocketAddr,
    pub flow: Flow,
}

#[derive(Debug, Clone)]
pub enum Flow {
    Tcp(TcpFlow),
    Udp(UdpFlow),
}

/// A TCP connection: each direction's bytes and the steps that send them.
#[derive(Debug, Clone, Default)]
pub struct TcpFlow {
    /// Bytes sent by the client (index 0) and by the server (index 1).
    pub streams: [Vec<u8>; 2],
    pub steps: Vec<TcpStep>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TcpStep {
    pub sender: Side,
    pub event: TcpEvent,
    /// Seconds after the SYN in the seed (informational: replicas get their own timing).
    pub at: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpEvent {
    /// A flight: `streams[sender][start..end]`, sent without waiting for the peer.
    Data {
        start: usize,
        end: usize,
    },
    Fin,
    Rst,
}

/// A UDP flow: its datagrams, replayed verbatim with their relative timing.
#[derive(Debug, Clone, Default)]
pub struct UdpFlow {
    pub datagrams: Vec<SeedDatagram>,
}

#[derive(Debug, Clone)]
pub struct SeedDatagram {
    pub sender: Side,
    /// Seconds after the flow's first datagram.
    pub at: f64,
    pub payload: Vec<u8>,
}

impl Template {
    pub fn transport(&self) -> &'static str {
        match self.flow {
            Flow::Tcp(_) => "tcp",
            Flow::Udp(_) => "udp",
        }
    }

    /// Payload bytes sent by each side.
    pub fn bytes_sent(&self) -> [usize; 2] {
        match &self.flow {
            Flow::Tcp(t) => [t.streams[0].len(), t.streams[1].len()],
            Flow::Udp(u) => {
                let mut sent = [0; 2];
                for d in &u.datagrams {
                    sent[d.sender.index()] += d.payload.len();
                }
                sent
            }
        }
    }

    /// The flights in short: `d>517` (data, client to server), `f<` (FIN from the
    /// server), `r>` (RST), `u<1200` (a datagram).
    pub fn flights(&self) -> String {
        let mut out = String::new();
        let mut push = |kind: char, side: Side, len: Option<usize>| {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push(kind);
            out.push(side.arrow());
            if let Some(len) = len {
                let _ = write!(out, "{len}");
            }
        };
        match &self.flow {
            Flow::Tcp(t) => {
                for step in &t.steps {
                    match step.event {
                        TcpEvent::Data { start, end } => push('d', step.sender, Some(end - start)),
                        TcpEvent::Fin => push('f', step.sender, None),
                        TcpEvent::Rst => push('r', step.sender, None),
                    }
                }
            }
            Flow::Udp(u) => {
                for d in &u.datagrams {
                    push('u', d.sender, Some(d.payload.len()));
                }
            }
        }
        out
    }
}

/// The seed: its templates, the key log that decrypts them and where its time starts.
#[derive(Debug, Clone)]
pub struct Seed {
    pub name: String,
    pub templates: Vec<Template>,
    /// The seed's first timestamp: replicas start there, so certificates stay valid.
    pub first_timestamp: Timestamp,
    /// The seed's key log, comment lines and duplicates dropped (`None` if not found).
    pub keylog: Option<Vec<u8>>,
    /// Flows seen but not usable (no SYN, a hole, a cut payload).
    pub skipped: usize,
}

impl Seed {
    /// Reads a seed capture and, when present next to it, `connections.tsv` (labels) and
    /// `seed.keylog`.
    pub fn open(capture: &Path) -> Result<Seed, Error> {
        let dir = capture.parent().unwrap_or(Path::new("."));
        let labels = labels::read_optional(&dir.join("connections.tsv"))?;
        let keylog = keylog::read_optional(&dir.join("seed.keylog"))?;
        let reader = CaptureReader::open(capture)?;
        let mut seed = Seed::read(reader, &labels)?;
        seed.keylog = keylog;
        Ok(seed)
    }

    /// Reads the templates of a capture; labels matched by client address:port.
    pub fn read(mut reader: CaptureReader, labels: &Labels) -> Result<Seed, Error> {
        let name = reader.name().to_string();
        let mut decoder = Decoder::default();
        let mut flows = FlowTable::default();
        let mut first_timestamp = None;
        while let Some(frame) = reader.next_frame()? {
            let ts = frame.timestamp;
            first_timestamp.get_or_insert(ts);
            match decoder.decode(frame.link_type, frame.data, ts) {
                Ok(Decoded::Tcp(segment)) => flows.tcp(&segment, ts),
                Ok(Decoded::Udp(datagram)) => flows.udp(&datagram, ts),
                // Not IP, or undecodable: not part of any flow the generator replays.
                _ => {}
            }
        }
        let (templates, skipped) = flows.finish(labels);
        if templates.is_empty() {
            return Err(Error::NoUsableConnection { seed: name, skipped });
        }
        Ok(Seed { name, templates, first_timestamp: first_timestamp.unwrap_or_default(), keylog: None, skipped })
    }
}

fn seconds_between(from: Timestamp, to: Timestamp) -> f64 {
    (to.secs - from.secs) as f64 + (f64::from(to.nanos) - f64::from(from.nanos)) * 1e-9
}

/// Both directions of a flow share one key.
type FlowKey = (SocketAddr, SocketAddr);

fn flow_key(a: SocketAddr, b: SocketAddr) -> FlowKey {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

#[derive(Default)]
struct FlowTable {
    /// In order of first appearance, which is the templates' order.
    flows: Vec<FlowBuilder>,
    tcp_by_key: HashMap<FlowKey, usize>,
    udp_by_key: HashMap<FlowKey, usize>,
}

enum FlowBuilder {
    Tcp(TcpBuilder),
    Udp(UdpBuilder),
}

impl FlowTable {
    fn tcp(&mut self, seg: &TcpSegment<'_>, ts: Timestamp) {
        let key = flow_key(seg.src, seg.dst);
        let existing = self.tcp_by_key.get(&key).copied();
        let opens = seg.flags.syn() && !seg.flags.ack();
        let index = match existing {
            Some(i) if !(opens && matches!(&self.flows[i], FlowBuilder::Tcp(b) if b.is_closed())) => i,
            // A connection is replayable only from its SYN: later segments of one whose
            // SYN is missing are ignored, and a SYN on a closed tuple opens a new one.
            _ if opens => {
                self.flows.push(FlowBuilder::Tcp(TcpBuilder::new(seg.src, seg.dst, ts)));
                self.tcp_by_key.insert(key, self.flows.len() - 1);
                self.flows.len() - 1
            }
            _ => return,
        };
        if let FlowBuilder::Tcp(b) = &mut self.flows[index] {
            b.segment(seg, ts);
        }
    }

    fn udp(&mut self, d: &UdpDatagram<'_>, ts: Timestamp) {
        let key = flow_key(d.src, d.dst);
        let index = *self.udp_by_key.entry(key).or_insert_with(|| {
            self.flows.push(FlowBuilder::Udp(UdpBuilder::new(d.src, d.dst, ts)));
            self.flows.len() - 1
        });
        if let FlowBuilder::Udp(b) = &mut self.flows[index] {
            b.datagram(d, ts);
        }
    }

    fn finish(self, labels: &Labels) -> (Vec<Template>, usize) {
        let mut templates = Vec::new();
        let mut skipped = 0;
        for flow in self.flows {
            let built = match flow {
                FlowBuilder::Tcp(b) => b.finish(),
                FlowBuilder::Udp(b) => b.finish(),
            };
            match built {
                Some((client, server, flow)) => templates.push(Template {
                    index: templates.len(),
                    label: labels.get(&client).cloned(),
                    client,
                    server,
                    flow,
                }),
                None => skipped += 1,
            }
        }
        (templates, skipped)
    }
}

/// Reassembles one TCP connection, in capture order; any hole makes it unusable.
struct TcpBuilder {
    client: SocketAddr,
    server: SocketAddr,
    start: Timestamp,
    isn: [Option<u32>; 2],
    flow: TcpFlow,
    fin: [bool; 2],
    reset: bool,
    /// Bytes are missing (or cut by the snap length): the connection cannot be replayed.
    hole: bool,
}

impl TcpBuilder {
    fn new(client: SocketAddr, server: SocketAddr, start: Timestamp) -> Self {
        TcpBuilder {
            client,
            server,
            start,
            isn: [None; 2],
            flow: TcpFlow::default(),
            fin: [false; 2],
            reset: false,
            hole: false,
        }
    }

    fn is_closed(&self) -> bool {
        self.reset || self.fin == [true, true]
    }

    fn segment(&mut self, seg: &TcpSegment<'_>, ts: Timestamp) {
        if self.hole || self.reset {
            return;
        }
        let side = if seg.src == self.client { Side::Client } else { Side::Server };
        let s = side.index();
        if seg.flags.syn() {
            self.isn[s] = Some(seg.seq);
            return;
        }
        let Some(isn) = self.isn[s] else {
            // Bytes before this side's SYN was seen cannot be placed.
            self.hole |= !seg.payload.is_empty() || seg.flags.fin();
            return;
        };
        let at = seconds_between(self.start, ts);
        let offset = seg.seq.wrapping_sub(isn).wrapping_sub(1) as usize;
        if !seg.payload.is_empty() {
            let have = self.flow.streams[s].len();
            if seg.payload_cut || offset > have {
                self.hole = true;
                return;
            }
            let fresh = seg.payload.get(have - offset..).unwrap_or_default();
            if !fresh.is_empty() {
                self.flow.streams[s].extend_from_slice(fresh);
                let end = self.flow.streams[s].len();
                match self.flow.steps.last_mut() {
                    Some(TcpStep { sender, event: TcpEvent::Data { end: last_end, .. }, .. }) if *sender == side => {
                        *last_end = end;
                    }
                    _ => self.flow.steps.push(TcpStep { sender: side, event: TcpEvent::Data { start: have, end }, at }),
                }
            }
        }
        if seg.flags.fin() && !self.fin[s] {
            // A FIN past the bytes seen means some are missing.
            if offset.saturating_add(seg.payload.len()) > self.flow.streams[s].len() {
                self.hole = true;
                return;
            }
            self.fin[s] = true;
            self.flow.steps.push(TcpStep { sender: side, event: TcpEvent::Fin, at });
        }
        if seg.flags.rst() {
            self.reset = true;
            self.flow.steps.push(TcpStep { sender: side, event: TcpEvent::Rst, at });
        }
    }

    fn finish(self) -> Option<(SocketAddr, SocketAddr, Flow)> {
        let complete = !self.hole && self.isn.iter().all(Option::is_some) && !self.flow.steps.is_empty();
        complete.then_some((self.client, self.server, Flow::Tcp(self.flow)))
    }
}

/// A UDP flow: the first sender is the client.
struct UdpBuilder {
    client: SocketAddr,
    server: SocketAddr,
    start: Timestamp,
    flow: UdpFlow,
    cut: bool,
}

impl UdpBuilder {
    fn new(client: SocketAddr, server: SocketAddr, start: Timestamp) -> Self {
        UdpBuilder { client, server, start, flow: UdpFlow::default(), cut: false }
    }

    fn datagram(&mut self, d: &UdpDatagram<'_>, ts: Timestamp) {
        self.cut |= d.payload_cut;
        let sender = if d.src == self.client { Side::Client } else { Side::Server };
        let at = seconds_between(self.start, ts).max(0.0);
        self.flow.datagrams.push(SeedDatagram { sender, at, payload: d.payload.to_vec() });
    }

    fn finish(self) -> Option<(SocketAddr, SocketAddr, Flow)> {
        // Over this, one IPv4 datagram cannot carry the payload.
        let fits = self.flow.datagrams.iter().all(|d| d.payload.len() <= crate::frame::MAX_UDP_PAYLOAD);
        (!self.cut && fits).then_some((self.client, self.server, Flow::Udp(self.flow)))
    }
}
