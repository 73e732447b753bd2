//! The flow table for one thread: a [`Directory`] and a [`Reassembler`] side by side.

use tlsdoctor_net::TcpSegment;

use crate::directory::{Directory, Dispatch, Lane};
use crate::reassembly::Reassembler;
use crate::{ConnId, Opened, Segment, StreamHandler};

/// Limits that keep memory bounded whatever the capture holds.
#[derive(Debug, Clone)]
pub struct FlowConfig {
    /// Connections tracked at once; the least recently active are released beyond it.
    pub max_flows: usize,
    /// Out-of-order bytes held per direction before the hole is declared a gap.
    pub max_pending_bytes: usize,
    /// Capture seconds without a segment after which a connection is released.
    pub idle_timeout_secs: i64,
    /// Capture seconds a closed connection is kept, to absorb late segments.
    pub linger_secs: i64,
}

impl Default for FlowConfig {
    fn default() -> Self {
        FlowConfig {
            // Under 64 MiB in all for diagnose, on two threads, when every flow holds a
            // partial record (bench/hostile-load).
            max_flows: 8_192,
            max_pending_bytes: 1 << 20,
            idle_timeout_secs: 600,
            linger_secs: 2,
        }
    }
}

/// What the table did, for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlowStats {
    pub connections: u64,
    pub segments: u64,
    pub retransmitted_segments: u64,
    pub out_of_order_segments: u64,
    pub gaps: u64,
    pub missing_bytes: u64,
    /// Connections released early because the table was full.
    pub evicted_for_space: u64,
    pub evicted_idle: u64,
}

impl std::ops::AddAssign for FlowStats {
    /// Adds the counts of another lane or another capture.
    fn add_assign(&mut self, other: FlowStats) {
        self.connections += other.connections;
        self.segments += other.segments;
        self.retransmitted_segments += other.retransmitted_segments;
        self.out_of_order_segments += other.out_of_order_segments;
        self.gaps += other.gaps;
        self.missing_bytes += other.missing_bytes;
        self.evicted_for_space += other.evicted_for_space;
        self.evicted_idle += other.evicted_idle;
    }
}

pub struct FlowTable {
    directory: Directory,
    reassembler: Reassembler,
}

impl FlowTable {
    pub fn new(config: FlowConfig) -> Self {
        let reassembler = Reassembler::new(config.max_pending_bytes);
        FlowTable { directory: Directory::new(config), reassembler }
    }

    pub fn stats(&self) -> FlowStats {
        let mut stats = self.directory.stats();
        stats += self.reassembler.stats();
        stats
    }

    /// Connections currently tracked.
    pub fn len(&self) -> usize {
        self.directory.len()
    }

    pub fn is_empty(&self) -> bool {
        self.directory.is_empty()
    }

    /// Takes one segment seen in `frame` at capture time `now` (seconds).
    pub fn segment(&mut self, seg: &TcpSegment<'_>, frame: u64, now: i64, handler: &mut dyn StreamHandler) {
        let mut local = Local { reassembler: &mut self.reassembler, handler };
        self.directory.segment(seg, frame, now, &mut local);
    }

    /// End of the capture: every connection is flushed and released, in id order.
    pub fn finish(&mut self, handler: &mut dyn StreamHandler) {
        self.directory.finish(&mut Local { reassembler: &mut self.reassembler, handler });
    }
}

/// The directory's decisions carried out at once, on this thread.
pub struct Local<'a> {
    pub reassembler: &'a mut Reassembler,
    pub handler: &'a mut dyn StreamHandler,
}

impl Dispatch for Local<'_> {
    fn opened(&mut self, conn: &Opened) -> Lane {
        self.reassembler.opened(conn, self.handler);
        Lane::default()
    }

    fn segment(&mut self, conn: ConnId, _lane: Lane, seg: &Segment<'_>, frame: u64) {
        self.reassembler.segment(conn, seg, frame, self.handler);
    }

    fn released(&mut self, conn: ConnId, _lane: Lane) {
        self.reassembler.release(conn, self.handler);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Chunk, Close, Side};
    use tlsdoctor_net::TcpFlags;

    #[derive(Default)]
    struct Log(Vec<String>);

    impl StreamHandler for Log {
        fn opened(&mut self, c: &Opened) {
            self.0.push(format!("open {} {}->{} {:?}", c.id.0, c.client, c.server, c.roles));
        }
        fn data(&mut self, conn: ConnId, side: Side, chunk: Chunk<'_>) {
            let text = String::from_utf8_lossy(chunk.bytes);
            self.0.push(format!("{} {side:?} {text}@{}", conn.0, chunk.frame));
        }
        fn gap(&mut self, conn: ConnId, side: Side, missing: u64, frame: u64) {
            self.0.push(format!("{} {side:?} gap {missing}@{frame}", conn.0));
        }
        fn closed(&mut self, conn: ConnId, side: Side, how: Close, _frame: u64) {
            self.0.push(format!("{} {side:?} {how:?}", conn.0));
        }
        fn ended(&mut self, conn: ConnId) {
            self.0.push(format!("end {}", conn.0));
        }
    }

    const C: &str = "10.0.0.1:50000";
    const S: &str = "10.0.0.2:443";

    fn seg<'a>(src: &str, dst: &str, seq: u32, ack: u32, flags: u8, payload: &'a [u8]) -> TcpSegment<'a> {
        TcpSegment {
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            seq,
            ack,
            flags: TcpFlags(flags),
            window: 1000,
            ttl: 64,
            payload,
            payload_cut: false,
        }
    }

    const SYN: u8 = TcpFlags::SYN;
    const SYNACK: u8 = TcpFlags::SYN | TcpFlags::ACK;
    const ACK: u8 = TcpFlags::ACK;
    const FIN: u8 = TcpFlags::FIN | TcpFlags::ACK;

    /// Every event of the segments, fed one per frame, and the end of the capture.
    fn run(segs: &[TcpSegment<'_>]) -> Vec<String> {
        let mut log = Log::default();
        FlowTable::new(FlowConfig::default()).run(segs, &mut log);
        log.0
    }

    impl FlowTable {
        /// Feeds `segs`, fifty per capture second, then ends the capture.
        fn run(&mut self, segs: &[TcpSegment<'_>], log: &mut Log) {
            for (i, s) in segs.iter().enumerate() {
                self.segment(s, i as u64 + 1, i as i64 / 50, log);
            }
            self.finish(log);
        }
    }

    #[test]
    fn handshake_decides_roles_and_data_flows_both_ways() {
        let log = run(&[
            seg(C, S, 1000, 0, SYN, b""),
            seg(S, C, 5000, 1001, SYNACK, b""),
            seg(C, S, 1001, 5001, ACK, b"hello"),
            seg(S, C, 5001, 1006, ACK, b"world"),
            seg(C, S, 1006, 5006, FIN, b""),
        ]);
        assert_eq!(
            log,
            [
                "open 1 10.0.0.1:50000->10.0.0.2:443 Handshake",
                "1 Client hello@3",
                "1 Server world@4",
                "1 Client Fin",
                "end 1"
            ]
        );
    }

    #[test]
    fn mid_stream_pickup_guesses_the_lower_port_is_the_server() {
        let log = run(&[seg(S, C, 77, 1, ACK, b"late"), seg(C, S, 1, 81, ACK, b"")]);
        assert_eq!(log[0], "open 1 10.0.0.1:50000->10.0.0.2:443 PortGuess");
        assert_eq!(log[1], "1 Server late@1");
    }

    #[test]
    fn a_new_syn_after_close_is_a_new_connection() {
        let log = run(&[
            seg(C, S, 1000, 0, SYN, b""),
            seg(C, S, 1000, 0, SYN, b""),
            seg(C, S, 1001, 0, ACK, b"one"),
            seg(C, S, 9000, 0, SYN, b""),
            seg(C, S, 9001, 0, ACK, b"two"),
        ]);
        assert_eq!(log.iter().filter(|l| l.starts_with("open")).count(), 2);
        assert!(log.contains(&"1 Client one@3".to_string()));
        assert!(log.contains(&"2 Client two@5".to_string()));
        assert_eq!(log[2], "end 1", "the old connection ends before the new one opens");
    }

    /// A closed connection whose peer keeps retransmitting its last segment: with the
    /// retransmissions `gap` capture seconds apart, past the linger time.
    fn ghost_after_close(late: TcpSegment<'static>) -> (Vec<String>, FlowStats) {
        let segs = [
            seg(C, S, 1000, 0, SYN, b""),
            seg(S, C, 5000, 1001, SYNACK, b""),
            seg(C, S, 1001, 5001, ACK, b"hello"),
            seg(S, C, 5001, 1006, FIN, b"bye"),
            seg(C, S, 1006, 5005, FIN, b""),
        ];
        let mut table = FlowTable::new(FlowConfig::default());
        let mut log = Log::default();
        for (i, s) in segs.iter().enumerate() {
            table.segment(s, i as u64 + 1, 0, &mut log);
        }
        for (i, second) in [1, 3, 7, 15, 31, 63].into_iter().enumerate() {
            table.segment(&late, 6 + i as u64, second, &mut log);
        }
        table.finish(&mut log);
        (log.0, table.stats())
    }

    #[test]
    fn retransmissions_after_a_close_belong_to_the_old_connection() {
        let (log, stats) = ghost_after_close(seg(S, C, 5001, 1006, FIN, b"bye"));
        assert_eq!(log.iter().filter(|l| l.starts_with("open")).count(), 1, "{log:?}");
        assert_eq!(stats.connections, 1);
        assert_eq!(stats.retransmitted_segments, 6);
    }

    #[test]
    fn data_far_from_a_closed_connection_is_a_new_one() {
        // Same ports, no SYN captured, a sequence number nowhere near the old one's.
        let (log, stats) = ghost_after_close(seg(S, C, 0x8000_0000, 7, ACK, b"other"));
        assert_eq!(log.iter().filter(|l| l.starts_with("open")).count(), 2, "{log:?}");
        assert_eq!(stats.connections, 2);
    }

    #[test]
    fn the_table_stays_within_its_flow_limit() {
        let config = FlowConfig { max_flows: 16, ..FlowConfig::default() };
        let mut table = FlowTable::new(config);
        let mut log = Log::default();
        for i in 0..1000u32 {
            let client = format!("10.0.{}.{}:40000", i / 256, i % 256);
            table.segment(&seg(&client, S, 1, 0, SYN, b""), u64::from(i) + 1, 0, &mut log);
            assert!(table.len() <= 17);
        }
        assert!(table.stats().evicted_for_space >= 1000 - 17);
    }

    /// Two reassemblers, each connection on the lane of its id's parity.
    struct TwoLanes {
        lanes: [(Reassembler, Log); 2],
    }

    impl Dispatch for TwoLanes {
        fn opened(&mut self, conn: &Opened) -> Lane {
            let lane = (conn.id.0 % 2) as u8;
            let (reassembler, log) = &mut self.lanes[usize::from(lane)];
            reassembler.opened(conn, log);
            Lane(lane)
        }

        fn segment(&mut self, conn: ConnId, lane: Lane, seg: &Segment<'_>, frame: u64) {
            assert_eq!(lane.0, (conn.0 % 2) as u8, "the lane chosen at the opening");
            let (reassembler, log) = &mut self.lanes[usize::from(lane.0)];
            reassembler.segment(conn, seg, frame, log);
        }

        fn released(&mut self, conn: ConnId, lane: Lane) {
            assert_eq!(lane.0, (conn.0 % 2) as u8, "the lane chosen at the opening");
            let (reassembler, log) = &mut self.lanes[usize::from(lane.0)];
            reassembler.release(conn, log);
        }
    }

    #[test]
    fn lanes_see_what_one_table_sees() {
        // 300 connections, some closed and reused, some evicted for space, some with
        // data out of order or retransmitted.
        let mut segs = Vec::new();
        for i in 0..300u32 {
            let client = format!("10.0.{}.{}:{}", i / 200, i % 200, 40000 + i % 3);
            segs.push(seg(&client, S, 1000 + i, 0, SYN, b""));
            segs.push(seg(&client, S, 1006 + i, 1, ACK, b"world"));
            segs.push(seg(&client, S, 1001 + i, 1, ACK, b"hello"));
            segs.push(seg(&client, S, 1001 + i, 1, ACK, b"hello"));
            if i % 2 == 0 {
                segs.push(seg(&client, S, 1011 + i, 1, FIN, b""));
                segs.push(seg(S, &client, 1, 1012 + i, FIN, b""));
            }
        }
        let config = FlowConfig { max_flows: 64, ..FlowConfig::default() };
        let mut table = FlowTable::new(config.clone());
        let mut whole = Log::default();
        table.run(&segs, &mut whole);
        let lane = || (Reassembler::new(config.max_pending_bytes), Log::default());
        let mut directory = Directory::new(config.clone());
        let mut two = TwoLanes { lanes: [lane(), lane()] };
        for (i, s) in segs.iter().enumerate() {
            directory.segment(s, i as u64 + 1, i as i64 / 50, &mut two);
        }
        directory.finish(&mut two);
        let [(a_reassembler, Log(a)), (b_reassembler, Log(b))] = two.lanes;
        let (directory_stats, a_stats, b_stats) = (directory.stats(), a_reassembler.stats(), b_reassembler.stats());
        assert!(a.iter().any(|l| l.starts_with("open")) && b.iter().any(|l| l.starts_with("open")));
        let mut events: Vec<String> = a.iter().chain(&b).cloned().collect();
        let mut whole_events = whole.0.clone();
        events.sort();
        whole_events.sort();
        assert_eq!(events, whole_events, "the same connections, ids and events, each once");
        let mut stats = directory_stats;
        stats += a_stats;
        stats += b_stats;
        assert_eq!(stats, table.stats());
        assert!(stats.evicted_for_space > 0 && stats.retransmitted_segments > 0 && stats.out_of_order_segments > 0);
    }
}
