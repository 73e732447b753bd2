//! TCP connections and per-direction reassembly: retransmissions, overlaps, reordering,
//! sequence wrap, mid-stream pickup, port reuse -> ordered byte runs that know their frames.
//!
//! Two parts: the [`Directory`] numbers connections and decides their lifetimes; the
//! [`Reassembler`] puts each connection's bytes in order and pushes events into a
//! [`StreamHandler`]. [`FlowTable`] runs both on one thread; the directory can also send
//! each connection's events down a [`Lane`] of its choice, to another thread. In-order
//! data is handed over as a slice of the segment being processed, so the common path
//! copies nothing. Only out-of-order segments are buffered, up to a per-direction cap.
#![forbid(unsafe_code)]

mod directory;
mod flow;
mod reassembly;
mod seq;
mod table;

pub use directory::{Directory, Dispatch, Lane};
pub use flow::Chunk;
pub use reassembly::Reassembler;
pub use seq::SeqNumber;
pub use table::{FlowConfig, FlowStats, FlowTable, Local};

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::net::SocketAddr;

use tlsdoctor_net::TcpFlags;

/// A connection's number: 1-based, in order of first appearance in the capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u32);

/// A map by connection id, with a hash much cheaper than the default: ids are numbered
/// by the directory, not taken from the capture, so one multiplication spreads them.
pub type ConnIdMap<V> = HashMap<ConnId, V, BuildHasherDefault<ConnIdHasher>>;

#[derive(Default)]
pub struct ConnIdHasher(u64);

impl Hasher for ConnIdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// A segment as its connection sees it: who sent it, and what reassembly needs of it.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    pub side: Side,
    pub seq: u32,
    pub ack: u32,
    pub flags: TcpFlags,
    /// The IP time to live (hop limit) it arrived with.
    pub ttl: u8,
    pub payload: &'a [u8],
}

/// Which peer sent the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Client,
    Server,
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// How the roles of a connection were decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleEvidence {
    /// The client sent the SYN (or the server the SYN-ACK).
    Handshake,
    /// No SYN was seen; the peer with the lower port is taken as the server.
    PortGuess,
}

/// A new connection.
#[derive(Debug, Clone, Copy)]
pub struct Opened {
    pub id: ConnId,
    pub client: SocketAddr,
    pub server: SocketAddr,
    pub frame: u64,
    pub roles: RoleEvidence,
}

/// Why a direction of a connection stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Close {
    Fin,
    /// A reset: the IP time to live it arrived with, and the one the same side's first
    /// other segment arrived with (a device on the path that forges a reset is seldom as
    /// many hops away as the peer).
    Reset {
        ttl: u8,
        usual_ttl: Option<u8>,
    },
}

/// Receives the reassembled streams.
pub trait StreamHandler {
    fn opened(&mut self, conn: &Opened);
    /// In-order bytes of one direction.
    fn data(&mut self, conn: ConnId, side: Side, chunk: Chunk<'_>);
    /// `missing` bytes of this direction will never be seen (capture loss); data resumes
    /// after them. `frame` is the frame in which the loss became certain.
    fn gap(&mut self, conn: ConnId, side: Side, missing: u64, frame: u64);
    fn closed(&mut self, conn: ConnId, side: Side, how: Close, frame: u64);
    /// The connection is released: closed, idle, evicted or at the end of the capture.
    fn ended(&mut self, conn: ConnId);
}
