//! Where Handshake, 0-RTT and 1-RTT secrets come from: the TLS 1.3 traffic secrets a key
//! log holds for the ClientHello's random (QUIC stacks log the same labels as TLS).

use tlsdoctor_keys::KeyLog;

/// A TLS 1.3 traffic secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrafficSecret {
    ClientEarly,
    ClientHandshake,
    ServerHandshake,
    ClientApplication0,
    ServerApplication0,
}

/// Looks traffic secrets up by client random.
pub trait QuicSecrets {
    fn secret(&self, client_random: &[u8; 32], which: TrafficSecret) -> Option<&[u8]>;
}

impl QuicSecrets for KeyLog {
    fn secret(&self, client_random: &[u8; 32], which: TrafficSecret) -> Option<&[u8]> {
        let s = self.get(client_random)?;
        let secret = match which {
            TrafficSecret::ClientEarly => &s.client_early_traffic_secret,
            TrafficSecret::ClientHandshake => &s.client_handshake_traffic_secret,
            TrafficSecret::ServerHandshake => &s.server_handshake_traffic_secret,
            TrafficSecret::ClientApplication0 => &s.client_traffic_secret_0,
            TrafficSecret::ServerApplication0 => &s.server_traffic_secret_0,
        };
        secret.as_ref().map(|s| s.as_bytes())
    }
}
