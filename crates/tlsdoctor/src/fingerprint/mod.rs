//! TLS fingerprints: JA3 and JA3S (Salesforce's definition, as tshark computes them)
//! of ClientHello and ServerHello, and FoxIO's JA4, JA4S and JA4X. Computed from the
//! parsed messages of `tlsdoctor_tls`; each fingerprint comes with the string it hashes
//! (JA3's string, JA4's raw form `ja4_r`), so a difference can be read, not only seen.

mod digest;
mod ja3;
mod ja4;
mod ja4x;

use tlsdoctor_tls::messages::{ClientHello, ServerHello};

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

#[cfg(test)]
mod tests;
