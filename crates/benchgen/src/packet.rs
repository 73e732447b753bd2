//! A replica's packets as small descriptors: the frame bytes are built only when the
//! packet is written, so a replica in flight costs ~32 bytes per packet, not ~1500.

use crate::frame::TcpFields;
use crate::seed::Side;

#[derive(Debug, Clone, Copy)]
pub struct Packet {
    /// Nanoseconds after the replica's start.
    pub at_ns: u64,
    pub sender: Side,
    pub ip_id: u16,
    pub body: Body,
}

#[derive(Debug, Clone, Copy)]
pub enum Body {
    /// A TCP segment carrying `stream[sender][payload_start..][..payload_len]`.
    Tcp { fields: TcpFields, payload_start: u32, payload_len: u32 },
    /// The template's datagram number `index`, verbatim.
    Datagram { index: u32 },
}

/// Seconds (f64, as timing is computed) to the nanoseconds packets are kept in.
pub fn nanos(seconds: f64) -> u64 {
    (seconds.max(0.0) * 1e9).round() as u64
}

/// Numbers the IP datagrams of each side, from a random first value.
#[derive(Debug, Clone, Copy)]
pub struct IpIds([u16; 2]);

impl IpIds {
    pub fn new(first: [u16; 2]) -> Self {
        IpIds(first)
    }

    pub fn next(&mut self, side: Side) -> u16 {
        let id = self.0[side.index()];
        self.0[side.index()] = id.wrapping_add(1);
        id
    }
}
