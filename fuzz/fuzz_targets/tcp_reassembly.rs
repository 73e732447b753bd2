//! TCP reassembly: bytes -> a sequence of segments of one connection (either direction,
//! any flags, sequence and acknowledgment numbers near each other so they overlap,
//! reorder, leave holes and wrap), with a small out-of-order buffer cap. Checks that
//! chunks are never empty, gaps never zero, and bytes are not delivered before they came.
#![no_main]

use std::net::SocketAddr;

use libfuzzer_sys::fuzz_target;
use tlsdoctor_net::{TcpFlags, TcpSegment};
use tlsdoctor_tcp::{Chunk, Close, ConnId, FlowConfig, FlowTable, Opened, Side, StreamHandler};

#[derive(Default)]
struct Check {
    delivered: std::collections::HashMap<(u32, bool), u64>,
}

impl StreamHandler for Check {
    fn opened(&mut self, _conn: &Opened) {}
    fn data(&mut self, conn: ConnId, side: Side, chunk: Chunk<'_>) {
        assert!(!chunk.bytes.is_empty(), "an empty chunk");
        assert!(chunk.delivered_in >= chunk.frame, "delivered before it arrived");
        *self.delivered.entry((conn.0, side == Side::Client)).or_default() += chunk.bytes.len() as u64;
    }
    fn gap(&mut self, conn: ConnId, side: Side, missing: u64, _frame: u64) {
        assert!(missing > 0, "an empty gap");
        *self.delivered.entry((conn.0, side == Side::Client)).or_default() += missing;
    }
    fn closed(&mut self, _conn: ConnId, _side: Side, _how: Close, _frame: u64) {}
    fn ended(&mut self, _conn: ConnId) {}
}

fuzz_target!(|data: &[u8]| {
    let client: SocketAddr = "10.0.0.1:40000".parse().unwrap();
    let server: SocketAddr = "10.0.0.2:443".parse().unwrap();
    let config = FlowConfig {
        max_flows: 4,
        max_pending_bytes: 512,
        idle_timeout_secs: 5,
        linger_secs: 1,
        ..FlowConfig::default()
    };
    let mut table = FlowTable::new(config);
    let mut check = Check::default();
    let mut rest = data;
    let mut frame = 0;
    let base: u32 = 0xffff_f000; // close to the wrap
                                 // Each segment: flags, direction+port, seq offset (2), ack offset (2), length, time step.
    while rest.len() >= 8 {
        let (head, tail) = rest.split_at(8);
        let len = usize::from(head[6]).min(tail.len());
        let (payload, tail) = tail.split_at(len);
        rest = tail;
        frame += 1;
        let from_client = head[1] & 1 == 0;
        let mut c = client;
        c.set_port(40000 + u16::from(head[1] >> 6)); // a few connections
        let (src, dst) = if from_client { (c, server) } else { (server, c) };
        let seq = base.wrapping_add(u32::from(u16::from_be_bytes([head[2], head[3]])));
        let ack = base.wrapping_add(u32::from(u16::from_be_bytes([head[4], head[5]])));
        // The time to live from the time step's low bits: a reset may come from elsewhere.
        let ttl = 60 + (head[7] & 0x0f);
        let flags = TcpFlags(head[0]);
        let seg = TcpSegment { src, dst, seq, ack, flags, window: 1024, ttl, payload, payload_cut: false };
        table.segment(&seg, frame, i64::from(head[7] >> 4) * frame as i64, &mut check);
    }
    table.finish(&mut check);
    let _ = table.stats();
});
