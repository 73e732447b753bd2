//! Link layers and IP, through the tunnels a mirrored capture arrives in (GRE, ERSPAN,
//! IP in IP, VXLAN, Geneve, MPLS) -> TCP segments (and UDP datagrams).
//!
//! ```
//! use tlsdoctor_capture::{LinkType, Timestamp};
//! use tlsdoctor_net::{Decoded, Decoder, DecoderConfig};
//!
//! let mut decoder = Decoder::new(DecoderConfig::default());
//! let frame = [0u8; 4]; // BSD loopback, family 0: not IP
//! match decoder.decode(LinkType::NULL, &frame, Timestamp::default()) {
//!     Ok(Decoded::Tcp(segment)) => println!("{} -> {}", segment.src, segment.dst),
//!     Ok(_) => {}
//!     Err(e) => eprintln!("{e}"),
//! }
//! ```
//!
//! Decoding borrows the frame and allocates nothing; only IP fragments are copied, into
//! the reassembler, and a reassembled datagram borrows the decoder. Checksums are not
//! verified (captures on the sending host carry offloaded, never-filled checksums).
#![forbid(unsafe_code)]

mod fragments;
mod ip;
mod link;
mod tunnel;

use std::fmt;
use std::net::SocketAddr;

use tlsdoctor_capture::{LinkType, Timestamp};

use fragments::{Fragment, FragmentKey, Reassembler};
use ip::Ipv6Inner;
use link::Network;

/// TCP header flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TcpFlags(pub u8);

impl TcpFlags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;

    pub fn fin(self) -> bool {
        self.0 & Self::FIN != 0
    }
    pub fn syn(self) -> bool {
        self.0 & Self::SYN != 0
    }
    pub fn rst(self) -> bool {
        self.0 & Self::RST != 0
    }
    pub fn psh(self) -> bool {
        self.0 & Self::PSH != 0
    }
    pub fn ack(self) -> bool {
        self.0 & Self::ACK != 0
    }
}

/// A decoded TCP segment; `payload` borrows the frame (or the defragmenter's buffer).
#[derive(Debug, Clone, Copy)]
pub struct TcpSegment<'a> {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub seq: u32,
    pub ack: u32,
    pub flags: TcpFlags,
    pub window: u16,
    /// The IP header's time to live (IPv6: hop limit): packets from one host reach the
    /// capture point with one value, so a reset with another came from elsewhere.
    pub ttl: u8,
    pub payload: &'a [u8],
    /// The IP header announced more payload than the frame holds (snap length cut).
    pub payload_cut: bool,
}

/// A decoded UDP datagram; `payload` borrows the frame (or the defragmenter's buffer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpDatagram<'a> {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub payload: &'a [u8],
    /// The IP or UDP header announced more payload than the frame holds.
    pub payload_cut: bool,
}

/// What a frame held.
#[derive(Debug, Clone, Copy)]
pub enum Decoded<'a> {
    Tcp(TcpSegment<'a>),
    Udp(UdpDatagram<'a>),
    /// An IP fragment was stored, waiting for the rest of its datagram.
    FragmentHeld,
    /// Not IP, or an IP protocol other than TCP and UDP.
    Other,
}

/// Why a frame could not be decoded: the layer ("link", "ethernet", "vlan", "pppoe",
/// "mpls", "linux-sll", "linux-sll2", "null", "loop", "ip", "ipv4", "ipv6", "tcp", "udp",
/// "gre", "erspan", "vxlan", "geneve", "tunnel") and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetError {
    pub layer: &'static str,
    pub detail: String,
}

impl NetError {
    pub(crate) fn new(layer: &'static str, detail: impl Into<String>) -> Self {
        NetError { layer, detail: detail.into() }
    }

    pub(crate) fn short(layer: &'static str, needed: usize, available: usize) -> Self {
        NetError::new(layer, format!("truncated header: {available} of {needed} bytes"))
    }
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.layer, self.detail)
    }
}

impl std::error::Error for NetError {}

/// Limits for IP fragment reassembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecoderConfig {
    /// Datagrams in reassembly at once; the oldest is dropped to make room.
    pub max_fragment_sets: usize,
    /// Bytes of one reassembled datagram (after the IP header); beyond, it is dropped.
    pub max_fragment_bytes: usize,
    /// Capture seconds after its first fragment that a datagram is given to complete.
    pub fragment_timeout_secs: u32,
}

impl Default for DecoderConfig {
    fn default() -> Self {
        DecoderConfig { max_fragment_sets: 1024, max_fragment_bytes: 65_536, fragment_timeout_secs: 30 }
    }
}

/// Counters for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetStats {
    /// IP fragments seen (IPv6 atomic fragments are not counted).
    pub fragments: u64,
    /// Fragments whose bytes were all held already.
    pub fragments_duplicate: u64,
    /// Fragments overlapping bytes already held (the first bytes are kept).
    pub fragments_overlapping: u64,
    /// Fragments refused as inconsistent with their datagram (past its end, a second
    /// different end).
    pub fragments_invalid: u64,
    pub datagrams_reassembled: u64,
    /// Incomplete datagrams dropped because their first fragment was too old.
    pub fragment_sets_timed_out: u64,
    /// Incomplete datagrams dropped to make room under `max_fragment_sets`.
    pub fragment_sets_evicted: u64,
    /// Incomplete datagrams dropped for exceeding `max_fragment_bytes` or for too many
    /// holes.
    pub fragment_sets_dropped: u64,
    /// Datagrams in reassembly now.
    pub fragment_sets_pending: usize,
    /// Bytes held by the datagrams in reassembly now.
    pub fragment_bytes_pending: usize,
}

/// Decodes frames; holds the IP fragment reassembly state.
pub struct Decoder {
    reassembler: Reassembler,
    stats: NetStats,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new(DecoderConfig::default())
    }
}

impl Decoder {
    pub fn new(config: DecoderConfig) -> Self {
        Decoder { reassembler: Reassembler::new(config), stats: NetStats::default() }
    }

    /// Decodes one frame to a TCP segment or UDP datagram. Never panics; an error names
    /// the layer that was malformed or truncated (or "link" for an unsupported link type).
    pub fn decode<'a>(&'a mut self, link: LinkType, frame: &'a [u8], ts: Timestamp) -> Result<Decoded<'a>, NetError> {
        self.reassembler.purge(ts.secs, &mut self.stats);
        match link::network(link, frame)? {
            Network::Ipv4(b) => self.ipv4(b, ts),
            Network::Ipv6(b) => self.ipv6(b, ts),
            Network::Other => Ok(Decoded::Other),
        }
    }

    pub fn stats(&self) -> NetStats {
        let (sets, bytes) = self.reassembler.pending();
        NetStats { fragment_sets_pending: sets, fragment_bytes_pending: bytes, ..self.stats }
    }

    fn ipv4<'a>(&'a mut self, b: &'a [u8], ts: Timestamp) -> Result<Decoded<'a>, NetError> {
        let p = ip::ipv4(b)?;
        let Some(info) = p.fragment else {
            return tunnel::transport(p.protocol, p.addressing, p.payload, p.missing > 0, 0);
        };
        let frag = Fragment {
            key: FragmentKey { src: p.addressing.src, dst: p.addressing.dst, id: info.id, protocol: p.protocol },
            offset: info.offset,
            more: info.more,
            next: p.protocol,
            data: p.payload,
            missing: p.missing,
        };
        match self.reassembler.add(frag, ts.secs, &mut self.stats) {
            Ok(Some(done)) => {
                tunnel::transport(done.next, p.addressing, &self.reassembler.datagram, done.missing > 0, 0)
            }
            Ok(None) => Ok(Decoded::FragmentHeld),
            Err(detail) => Err(NetError::new("ipv4", detail)),
        }
    }

    fn ipv6<'a>(&'a mut self, b: &'a [u8], ts: Timestamp) -> Result<Decoded<'a>, NetError> {
        let p = ip::ipv6(b)?;
        let cut = p.missing > 0;
        let (next, info, data) = match ip::ipv6_extensions(p.protocol, p.payload)? {
            Ipv6Inner::Transport { protocol, payload } => {
                return tunnel::transport(protocol, p.addressing, payload, cut, 0)
            }
            Ipv6Inner::Other => return Ok(Decoded::Other),
            Ipv6Inner::Fragment { next, info, payload } => (next, info, payload),
        };
        let frag = Fragment {
            key: FragmentKey { src: p.addressing.src, dst: p.addressing.dst, id: info.id, protocol: 0 },
            offset: info.offset,
            more: info.more,
            next,
            data,
            missing: p.missing,
        };
        let done = match self.reassembler.add(frag, ts.secs, &mut self.stats) {
            Ok(Some(done)) => done,
            Ok(None) => return Ok(Decoded::FragmentHeld),
            Err(detail) => return Err(NetError::new("ipv6", detail)),
        };
        let datagram = &self.reassembler.datagram;
        match ip::ipv6_extensions(done.next, datagram)? {
            Ipv6Inner::Transport { protocol, payload } => {
                tunnel::transport(protocol, p.addressing, payload, done.missing > 0, 0)
            }
            Ipv6Inner::Other => Ok(Decoded::Other),
            Ipv6Inner::Fragment { .. } => Err(NetError::new("ipv6", "fragment header inside a reassembled datagram")),
        }
    }
}

/// Big-endian u16 at `at`; 0 when out of range (callers split fixed-size headers first).
fn be16(b: &[u8], at: usize) -> u16 {
    match b.get(at..at.saturating_add(2)) {
        Some(&[x, y]) => u16::from_be_bytes([x, y]),
        _ => 0,
    }
}

/// Big-endian u32 at `at`; 0 when out of range.
fn be32(b: &[u8], at: usize) -> u32 {
    match b.get(at..at.saturating_add(4)) {
        Some(&[a, b, c, d]) => u32::from_be_bytes([a, b, c, d]),
        _ => 0,
    }
}
