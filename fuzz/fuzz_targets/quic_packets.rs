//! QUIC: datagrams between two peers (either direction, the client sometimes from a
//! second port) into one tracker, plus the frame, transport parameter and hello parsers
//! on raw bytes. Input: steps of a control byte, a 2-byte length and that many bytes;
//! control bit 0 is the direction, bit 1 the client's second port, bit 7 "parse the
//! bytes directly". Checks that handshake messages have a header and came from frames
//! already seen, and that connection numbers are ones the tracker gave.
#![no_main]

use std::net::SocketAddr;

use libfuzzer_sys::fuzz_target;
use tlsdoctor_quic::{frames, hello, transport_params, QuicEventKind, QuicTracker};

fuzz_target!(|data: &[u8]| {
    let client: [SocketAddr; 2] = ["10.0.0.1:50000".parse().unwrap(), "10.0.0.9:40000".parse().unwrap()];
    let server: SocketAddr = "10.0.0.2:443".parse().unwrap();
    let mut tracker = QuicTracker::new();
    let mut rest = data;
    let mut frame = 0u64;
    while rest.len() >= 3 {
        let control = rest[0];
        let len = usize::from(u16::from_be_bytes([rest[1], rest[2]])).min(rest.len() - 3);
        let bytes = &rest[3..3 + len];
        rest = &rest[3 + len..];
        frame += 1;
        if control & 0x80 != 0 {
            let _ = frames::parse_frames(bytes);
            let _ = transport_params::parse(bytes);
            if let Ok(h) = hello::parse(bytes) {
                let _ = h.alpn();
            }
            continue;
        }
        let c = client[usize::from(control >> 1 & 1)];
        let (src, dst) = if control & 1 == 0 { (c, server) } else { (server, c) };
        let known = tracker.connections() as u64;
        tracker.datagram(src, dst, bytes, frame, None, &mut |e| {
            if let Some(conn) = e.connection {
                // A connection opened by this datagram counts too.
                assert!(conn <= known + 1, "connection {conn} of {known}");
            }
            if let QuicEventKind::Handshake { raw, frames, .. } = e.kind {
                assert!(raw.len() >= 4, "a handshake message without its header");
                assert!(!frames.is_empty() && frames.iter().all(|&f| f <= frame), "{frames:?} at {frame}");
            }
            let _ = format!("{:?}", e.kind);
        });
    }
});
