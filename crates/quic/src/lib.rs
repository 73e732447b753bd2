//! QUIC v1 (RFC 9000, 9001), v2 (RFC 9369) and drafts 27-34, passively: Initial packets
//! opened with keys from the client's Destination Connection ID, header protection
//! removed, coalesced packets split, CRYPTO frames reassembled (across packets and out of
//! order) into the TLS 1.3 handshake messages they carry; Retry, Version Negotiation and
//! transport parameters; Handshake, 0-RTT and 1-RTT packets opened with key log secrets.
//!
//! [`QuicTracker::datagram`] takes UDP payloads and reports [`QuicEvent`]s. Any bytes
//! give events or anomalies, never a panic.
#![forbid(unsafe_code)]

pub mod close;
pub mod crypto_stream;
pub mod event;
pub mod frames;
pub mod hello;
pub mod packet;
pub mod protection;
pub mod secrets;
pub mod tracker;
pub mod transport_params;
pub mod version;
mod wire;

pub use close::CloseCode;
pub use event::{Level, PacketStatus, QuicEvent, QuicEventKind};
pub use packet::PacketType;
pub use secrets::{QuicSecrets, TrafficSecret};
pub use tracker::QuicTracker;
