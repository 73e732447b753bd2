//! One connection's TLS parser fed arbitrary chunks on both sides, with gaps, then
//! finished. Each step: a control byte (side, gap or data, length), then the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlsdoctor_tcp::{Chunk, Side};
use tlsdoctor_tls::stream::{Event, StreamConfig, TlsConnection};

fuzz_target!(|data: &[u8]| {
    let Some((&setup, mut rest)) = data.split_first() else { return };
    let config = StreamConfig { max_message_len: 1 << (8 + (setup & 7)), detect_limit: 4096 };
    let mut conn = TlsConnection::new(config, setup & 0x80 != 0);
    let mut out = |e: Event<'_>| {
        let _ = (e.frame(), e.side());
    };
    let mut frame = 0;
    while let Some((&control, tail)) = rest.split_first() {
        frame += 1;
        let side = if control & 1 == 0 { Side::Client } else { Side::Server };
        let len = usize::from(control >> 2) * 8;
        if control & 2 != 0 {
            conn.gap(side, len as u64 + 1, frame, &mut out);
            rest = tail;
        } else {
            let (bytes, tail) = tail.split_at(len.min(tail.len()));
            conn.data(side, Chunk { bytes, frame, delivered_in: frame }, &mut out);
            rest = tail;
        }
    }
    conn.finish(&mut out);
    let _ = conn.negotiated();
});
