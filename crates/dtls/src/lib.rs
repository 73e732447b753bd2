//! DTLS (RFC 6347, RFC 9147) over UDP: each datagram's records, with their epochs and
//! sequence numbers (DTLS 1.3's unified headers unmasked and opened with the key log); handshake messages put together from their fragments by
//! message_seq and fragment_offset; retransmitted messages recognised as such. What it
//! finds is told with the same events as TLS over TCP ([`tlsdoctor_tls::stream::Event`]),
//! so the layers above need not know which transport carried the handshake.
#![forbid(unsafe_code)]

pub mod connection;
pub mod fragments;
pub mod record;
pub mod unified;

pub use connection::DtlsConnection;
pub use record::looks_like_dtls;
