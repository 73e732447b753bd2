//! TLS fingerprints: JA3 and JA3S (Salesforce's definition, as tshark computes them)
//! of ClientHello and ServerHello, and FoxIO's JA4, JA4S and JA4X. Computed from the
//! parsed messages of `tlsdoctor_tls`; each fingerprint comes with the string it hashes
//! (JA3's string, JA4's raw form `ja4_r`), so a difference can be read, not only seen.

mod digest;
mod ja3;
mod ja4;
mod ja4x;

use tlsdoctor_tcp::Side;
use tlsdoctor_tls::messages::{
    parse_handshake, parse_sslv2_client_hello, ClientHello, HandshakeBody, ParseContext, ServerHello,
};
use tlsdoctor_tls::registry::{CipherSuite, HandshakeType, ProtocolVersion};
use tlsdoctor_tls::stream::{Message, MessageKind};

use crate::pipeline::Transport;

pub use ja3::{ja3, ja3s};
pub use ja4::{ja4, ja4s};
pub use ja4x::ja4x;

/// A fingerprint and the string it was made from: JA3's MD5 and its string, JA4's hash
/// form and its raw form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub hash: String,
    pub raw: String,
}

/// A ClientHello's fingerprints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFingerprints {
    /// None for an SSLv2-format hello: tshark and Salesforce's ja3 compute JA3 only from
    /// a hello in a TLS handshake record.
    pub ja3: Option<Fingerprint>,
    pub ja4: Fingerprint,
}

/// A ServerHello's (or HelloRetryRequest's) fingerprints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFingerprints {
    pub ja3s: Fingerprint,
    pub ja4s: Fingerprint,
}

impl ClientFingerprints {
    pub fn of(hello: &ClientHello<'_>, transport: Transport) -> ClientFingerprints {
        ClientFingerprints { ja3: ja3(hello), ja4: ja4(hello, transport) }
    }
}

impl ServerFingerprints {
    pub fn of(hello: &ServerHello<'_>, transport: Transport) -> ServerFingerprints {
        ServerFingerprints { ja3s: ja3s(hello), ja4s: ja4s(hello, transport) }
    }
}

/// The fingerprints one message carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageFingerprints {
    Client(ClientFingerprints),
    Server(ServerFingerprints),
    /// A Certificate message: each certificate's JA4X, leaf first (None for bytes that
    /// are not a certificate).
    Certificates(Vec<Option<Fingerprint>>),
}

impl MessageFingerprints {
    /// Those of a decoded handshake message, if it is a hello or a Certificate.
    pub fn of_body(body: &HandshakeBody<'_>, transport: Transport) -> Option<MessageFingerprints> {
        Some(match body {
            HandshakeBody::ClientHello(hello) => MessageFingerprints::Client(ClientFingerprints::of(hello, transport)),
            HandshakeBody::ServerHello(hello) => MessageFingerprints::Server(ServerFingerprints::of(hello, transport)),
            HandshakeBody::Certificate(chain) => {
                MessageFingerprints::Certificates(chain.certificates().map(ja4x).collect())
            }
            _ => return None,
        })
    }

    /// Those of a message as the pipeline delivers it; only hellos and Certificate
    /// messages are decoded.
    pub fn of_message(m: &Message<'_>, transport: Transport) -> Option<MessageFingerprints> {
        let body = match m.kind {
            MessageKind::Handshake { typ: typ @ (1 | 2 | 11), raw } => {
                let ctx = ParseContext {
                    version: m.negotiated.version.map(ProtocolVersion),
                    cipher_suite: m.negotiated.cipher_suite.map(CipherSuite),
                    from_server: m.side == Side::Server,
                };
                parse_handshake(HandshakeType(typ), raw.get(4..)?, &ctx).ok()?
            }
            MessageKind::Sslv2ClientHello { raw } => HandshakeBody::ClientHello(parse_sslv2_client_hello(raw).ok()?),
            _ => return None,
        };
        MessageFingerprints::of_body(&body, transport)
    }
}

#[cfg(test)]
mod tests;
