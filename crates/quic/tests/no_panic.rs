//! Any bytes give events, never a panic: real datagrams (the fixtures' and Wireshark's
//! QUIC captures) with bytes changed, cut or glued together, fed with and without keys.

mod common;

use std::net::SocketAddr;

use proptest::prelude::*;
use tlsdoctor_keys::parse_keylog;
use tlsdoctor_net::{Decoded, Decoder};
use tlsdoctor_quic::{QuicEventKind, QuicSecrets, QuicTracker};

fn datagrams() -> Vec<(bool, Vec<u8>)> {
    let dir = common::repo().join("tests/fixtures/quic");
    let mut out = Vec::new();
    for name in ["aioquic-client-ngtcp2-server", "ngtcp2-client-aioquic-server", "quic-no-alpn"] {
        let mut reader = tlsdoctor_capture::CaptureReader::open(&dir.join(format!("{name}.pcapng"))).unwrap();
        let mut decoder = Decoder::default();
        while let Some(f) = reader.next_frame().unwrap() {
            if let Ok(Decoded::Udp(d)) = decoder.decode(f.link_type, f.data, f.timestamp) {
                out.push((d.src.port() == 24443, d.payload.to_vec()));
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mutated_real_datagrams(
        edits in prop::collection::vec((0usize..64, 0usize..1500, any::<u8>(), 0u8..4), 1..12),
        with_keys in any::<bool>(),
    ) {
        let all = datagrams();
        let keylog = std::fs::read(common::repo().join("tests/fixtures/quic/aioquic-client-ngtcp2-server.keylog")).unwrap();
        let (keys, _) = parse_keylog(&keylog);
        let client: SocketAddr = "10.68.0.1:40000".parse().unwrap();
        let server: SocketAddr = "10.68.0.2:24443".parse().unwrap();
        let mut t = QuicTracker::new();
        let secrets = with_keys.then_some(&keys as &dyn QuicSecrets);
        for (frame, (pick, at, byte, how)) in edits.into_iter().enumerate() {
            let (from_server, mut d) = all[pick % all.len()].clone();
            match how {
                0 => { let n = d.len() + 1; if let Some(b) = d.get_mut(at % n) { *b = byte; } }
                1 => d.truncate(at),
                2 => { let extra = all[(pick + 1) % all.len()].1.clone(); d.extend(extra); }
                _ => { let n = d.len() + 1; d.insert(at % n, byte) }
            }
            let (src, dst) = if from_server { (server, client) } else { (client, server) };
            t.datagram(src, dst, &d, frame as u64 + 1, secrets, &mut |e| {
                if let QuicEventKind::Handshake { raw, .. } = e.kind {
                    assert!(raw.len() >= 4);
                }
                let _ = format!("{:?}", e.kind);
            });
        }
    }
}
