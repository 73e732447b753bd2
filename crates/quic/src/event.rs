//! What the tracker reports, in capture order. Shaped after the TLS stream's events so
//! that a UDP dispatch can map them: handshake messages with the frames that carried
//! them, closings, and what QUIC adds (Retry, Version Negotiation, transport parameters,
//! stream data once decrypted).

use std::net::SocketAddr;

use tlsdoctor_tcp::Side;

use crate::close::CloseCode;
use crate::packet::PacketType;
use crate::transport_params::TransportParameter;

/// An encryption level (RFC 9001 §4): where a packet's keys come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    Initial,
    ZeroRtt,
    Handshake,
    OneRtt,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Initial => "Initial",
            Level::ZeroRtt => "0-RTT",
            Level::Handshake => "Handshake",
            Level::OneRtt => "1-RTT",
        }
    }
}

#[derive(Debug)]
pub struct QuicEvent<'a> {
    /// The capture frame of the datagram.
    pub frame: u64,
    /// The tracker's number for the connection (from 0, in order of appearance); None
    /// for a packet no connection could be found for.
    pub connection: Option<u64>,
    /// The peer that sent what the event is about.
    pub side: Side,
    pub kind: QuicEventKind<'a>,
}

#[derive(Debug)]
pub enum QuicEventKind<'a> {
    /// A client's first Initial (or the first packet of a connection caught later).
    ConnectionOpened {
        version: u32,
        client: SocketAddr,
        server: SocketAddr,
        original_dcid: &'a [u8],
    },
    /// Every packet, opened or not.
    Packet {
        typ: PacketType,
        version: u32,
        dcid: &'a [u8],
        scid: &'a [u8],
        /// Known once opened.
        packet_number: Option<u64>,
        /// Bytes of the packet in the datagram.
        length: usize,
        status: PacketStatus,
        /// The frame types in the payload, when opened.
        frame_names: &'a [&'static str],
    },
    /// A whole TLS handshake message (4-byte header and body) from CRYPTO frames.
    Handshake {
        level: Level,
        typ: u8,
        raw: &'a [u8],
        frames: &'a [u64],
    },
    /// The quic_transport_parameters extension of a ClientHello or EncryptedExtensions.
    TransportParameters {
        params: &'a [TransportParameter],
    },
    ConnectionClose {
        level: Level,
        code: CloseCode,
        frame_type: Option<u64>,
        reason: &'a [u8],
    },
    /// The server asked the client to retry with a token, from a new connection ID.
    Retry {
        new_scid: &'a [u8],
        token: &'a [u8],
        integrity_ok: Option<bool>,
    },
    /// The server does not speak the client's version; it lists the ones it does.
    VersionNegotiation {
        versions: &'a [u32],
    },
    /// Decrypted STREAM frame data.
    StreamData {
        stream_id: u64,
        offset: u64,
        fin: bool,
        data: &'a [u8],
    },
    /// A packet ending with a stateless reset token the sender gave (RFC 9000 §10.3):
    /// the sender lost the connection's state (a restart, say) and ends it.
    StatelessReset,
    /// A peer's packets arrive from a new address (migration or NAT rebinding).
    PathChanged {
        from: SocketAddr,
        to: SocketAddr,
    },
    /// Something that could not be read: what and why.
    Anomaly {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PacketStatus {
    Opened,
    /// No keys for this level (none in the key log, or no key log).
    NoKeys,
    /// Keys were there but the packet did not open with them.
    Failed(String),
    /// Retry, Version Negotiation, unsupported versions: nothing to open.
    NotProtected,
}
