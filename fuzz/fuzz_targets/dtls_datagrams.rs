//! One DTLS association fed arbitrary datagrams from both sides, then finished; with or
//! without a (never matching) opener, so decryption attempts run too: its DTLS 1.3 keys
//! (fixed secrets, epochs 2 and 3) unmask record numbers and try the AEAD. Input: a
//! setup byte (message size limit; bit 4: with the opener), then steps: a control byte (side), a 2-byte big-endian
//! length, the datagram. Asserts events belong to the frame being fed (or, at the end,
//! to the last frame) and that every message's frames are among those fed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlsdoctor_dtls::DtlsConnection;
use tlsdoctor_keys::Dtls13Protection;
use tlsdoctor_tcp::Side;
use tlsdoctor_tls::record::RecordHeader;
use tlsdoctor_tls::registry::CipherSuite;
use tlsdoctor_tls::stream::{Dtls13Keys, Event, Opened, RecordOpener, StreamConfig};

/// DTLS 1.3 keys that open nothing a real peer sent, for the unified-header path.
struct FixedDtls13Keys([Dtls13Protection; 2]);

impl RecordOpener for FixedDtls13Keys {
    fn handshake(&mut self, _side: Side, _typ: u8, _raw: &[u8]) {}
    fn change_cipher_spec(&mut self, _side: Side) {}
    fn open(&mut self, _side: Side, _header: RecordHeader, _body: &[u8]) -> Option<Result<Opened, String>> {
        None
    }
    fn dtls13_epoch(&mut self, side: Side, epoch: u64) -> Option<&dyn Dtls13Keys> {
        (epoch == 2 || epoch == 3).then(|| &self.0[side.index()] as &dyn Dtls13Keys)
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&setup, mut rest)) = data.split_first() else { return };
    let config = StreamConfig { max_message_len: 1 << (6 + (setup & 15)), detect_limit: 4096 };
    let mut conn = if setup & 16 != 0 {
        let keys = [1u8, 2].map(|b| Dtls13Protection::new(CipherSuite(0x1301), &[b; 32]).expect("a valid secret"));
        DtlsConnection::with_opener(config, Box::new(FixedDtls13Keys(keys)))
    } else {
        DtlsConnection::new(config)
    };
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
