//! Handshake message bodies of every type, under every context, decoded and displayed;
//! SSL 2.0 ClientHellos too, and their fingerprints. Input: type, version selector,
//! cipher suite (2), side, body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlsdoctor::fingerprint::{ClientFingerprints, MessageFingerprints};
use tlsdoctor::pipeline::Transport;
use tlsdoctor_tls::messages::{parse_handshake, parse_sslv2_client_hello, ParseContext};
use tlsdoctor_tls::registry::{CipherSuite, HandshakeType, ProtocolVersion};

const VERSIONS: [Option<u16>; 6] = [None, Some(0x0300), Some(0x0301), Some(0x0302), Some(0x0303), Some(0x0304)];

fuzz_target!(|data: &[u8]| {
    if data.len() < 5 {
        return;
    }
    let (head, body) = data.split_at(5);
    let ctx = ParseContext {
        version: VERSIONS[usize::from(head[1]) % VERSIONS.len()].map(ProtocolVersion),
        cipher_suite: (head[2] != 0xff || head[3] != 0xff).then(|| CipherSuite(u16::from_be_bytes([head[2], head[3]]))),
        from_server: head[4] & 1 != 0,
    };
    if let Ok(message) = parse_handshake(HandshakeType(head[0]), body, &ctx) {
        let _ = message.anomalies();
        for field in message.fields() {
            let _ = format!("{field:?}");
        }
        for transport in [Transport::Tcp, Transport::Udp, Transport::Quic] {
            let _ = MessageFingerprints::of_body(&message, transport);
        }
    }
    if let Ok(hello) = parse_sslv2_client_hello(body) {
        let _ = (hello.server_name(), hello.offered_versions(), hello.alpn(), hello.truncated_for_binders());
        let _ = ClientFingerprints::of(&hello, Transport::Tcp);
    }
});
