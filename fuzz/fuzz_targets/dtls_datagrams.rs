//! One DTLS association fed arbitrary datagrams from both sides, then finished; with or
//! without a (never matching) opener, so decryption attempts run too. Input: a setup
//! byte (message size limit), then steps: a control byte (side), a 2-byte big-endian
//! length, the datagram. Asserts events belong to the frame being fed (or, at the end,
//! to the last frame) and that every message's frames are among those fed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlsdoctor_dtls::DtlsConnection;
use tlsdoctor_tcp::Side;
use tlsdoctor_tls::stream::{Event, StreamConfig};

fuzz_target!(|data: &[u8]| {
    let Some((&setup, mut rest)) = data.split_first() else { return };
    let config = StreamConfig { max_message_len: 1 << (6 + (setup & 15)), detect_limit: 4096 };
    let mut conn = DtlsConnection::new(config);
    let mut frame = 0u64;
    while rest.len() >= 3 {
        let side = if rest[0] & 1 == 0 { Side::Client } else { Side::Server };
        let len = usize::from(u16::from_be_bytes([rest[1], rest[2]]));
        let (datagram, tail) = rest[3..].split_at(len.min(rest.len() - 3));
        rest = tail;
        frame += 1;
        conn.datagram(side, datagram, frame, &mut |e| check(&e, frame));
    }
    conn.finish(&mut |e| check(&e, frame));
    let _ = (conn.negotiated(), conn.keys_changed());
});

fn check(e: &Event<'_>, frame: u64) {
    assert!(e.frame() <= frame, "event of frame {} while at {frame}", e.frame());
    if let Event::Message(m) = e {
        assert!(m.frames.iter().all(|&f| f >= 1 && f <= frame), "frames {:?} at {frame}", m.frames);
    }
}
