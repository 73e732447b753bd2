//! One direction of a connection: puts segments in stream order.

use std::collections::BTreeMap;

use crate::seq::SeqNumber;

/// In-order bytes with their provenance.
#[derive(Debug, Clone, Copy)]
pub struct Chunk<'a> {
    pub bytes: &'a [u8],
    /// The frame these bytes arrived in.
    pub frame: u64,
    /// The frame being processed when they became in-order (later than `frame` when they
    /// waited for a missing segment): the frame that completes what they finish.
    pub delivered_in: u64,
}

/// What a direction hands over, in stream order.
pub(crate) enum Delivery<'a> {
    Data(Chunk<'a>),
    /// Bytes that will never be seen.
    Gap(u64),
}

struct Pending {
    bytes: Vec<u8>,
    frame: u64,
}

/// Counters of what reassembly saw in one direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DirectionStats {
    pub retransmitted_segments: u64,
    pub out_of_order_segments: u64,
    pub gaps: u64,
    pub missing_bytes: u64,
}

#[derive(Default)]
pub(crate) struct Direction {
    /// Sequence number of the next in-order byte, once known.
    next: Option<SeqNumber>,
    /// Stream offset of `next` (bytes delivered or declared missing so far).
    offset: i64,
    /// The highest stream offset the peer has acknowledged.
    peer_acked: i64,
    /// Out-of-order segments by stream offset.
    pending: BTreeMap<i64, Pending>,
    pending_bytes: usize,
    pub isn: Option<SeqNumber>,
    pub closed: bool,
    pub stats: DirectionStats,
}

impl Direction {
    pub fn syn(&mut self, seq: SeqNumber) {
        self.isn = Some(seq);
        if self.next.is_none() {
            self.next = Some(seq.wrapping_add(1));
        }
    }

    /// The peer acknowledged everything before `ack`.
    pub fn peer_ack(&mut self, ack: SeqNumber, frame: u64, out: &mut dyn FnMut(Delivery<'_>)) {
        let Some(next) = self.next else { return };
        let acked = self.offset + next.distance_to(ack);
        if acked > self.peer_acked {
            self.peer_acked = acked;
        }
        self.settle(frame, out);
    }

    /// Takes a segment's payload; delivers what is now in order.
    pub fn segment(
        &mut self,
        seq: SeqNumber,
        payload: &[u8],
        frame: u64,
        cap: usize,
        out: &mut dyn FnMut(Delivery<'_>),
    ) {
        if payload.is_empty() {
            return;
        }
        let next = *self.next.get_or_insert(seq);
        let start = self.offset + next.distance_to(seq);
        let end = start + payload.len() as i64;
        if end <= self.offset {
            self.stats.retransmitted_segments += 1;
            return;
        }
        if start <= self.offset {
            let skip = (self.offset - start) as usize;
            if skip > 0 {
                self.stats.retransmitted_segments += 1;
            }
            let fresh = &payload[skip..];
            self.advance(fresh.len());
            out(Delivery::Data(Chunk { bytes: fresh, frame, delivered_in: frame }));
            self.drain(frame, out);
        } else {
            self.stats.out_of_order_segments += 1;
            let keep = match self.pending.get(&start) {
                Some(held) => held.bytes.len() < payload.len(),
                None => true,
            };
            if keep {
                let old = self.pending.insert(start, Pending { bytes: payload.to_vec(), frame });
                self.pending_bytes += payload.len();
                self.pending_bytes -= old.map_or(0, |p| p.bytes.len());
            }
            while self.pending_bytes > cap {
                self.skip_to_pending(frame, out);
            }
            self.settle(frame, out);
        }
    }

    /// End of the stream: whatever waits behind a hole is delivered after a gap.
    pub fn flush(&mut self, frame: u64, out: &mut dyn FnMut(Delivery<'_>)) {
        while !self.pending.is_empty() {
            self.skip_to_pending(frame, out);
        }
    }

    fn advance(&mut self, n: usize) {
        self.offset += n as i64;
        if let Some(next) = self.next.as_mut() {
            *next = next.wrapping_add(n as u32);
        }
    }

    /// Bytes the peer acknowledged but the capture never showed are lost for good.
    fn settle(&mut self, frame: u64, out: &mut dyn FnMut(Delivery<'_>)) {
        while let Some((&start, _)) = self.pending.first_key_value() {
            if self.peer_acked <= self.offset || start > self.peer_acked {
                break;
            }
            self.skip_to_pending(frame, out);
        }
    }

    /// Declares the hole before the first pending segment missing, then delivers.
    fn skip_to_pending(&mut self, frame: u64, out: &mut dyn FnMut(Delivery<'_>)) {
        let Some((&start, _)) = self.pending.first_key_value() else {
            return;
        };
        if start > self.offset {
            let missing = (start - self.offset) as u64;
            self.stats.gaps += 1;
            self.stats.missing_bytes += missing;
            self.advance(missing as usize);
            out(Delivery::Gap(missing));
        }
        self.drain(frame, out);
    }

    /// Delivers pending segments that have become contiguous.
    fn drain(&mut self, frame: u64, out: &mut dyn FnMut(Delivery<'_>)) {
        while let Some(entry) = self.pending.first_entry() {
            let start = *entry.key();
            if start > self.offset {
                break;
            }
            let held = entry.remove();
            self.pending_bytes -= held.bytes.len();
            let skip = (self.offset - start) as usize;
            if skip >= held.bytes.len() {
                continue;
            }
            let fresh = &held.bytes[skip..];
            self.advance(fresh.len());
            out(Delivery::Data(Chunk { bytes: fresh, frame: held.frame, delivered_in: frame }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &mut Direction, seq: u32, data: &[u8], frame: u64, log: &mut Vec<String>) {
        dir.segment(SeqNumber(seq), data, frame, 1 << 20, &mut |d| log.push(show(d)));
    }

    fn show(d: Delivery<'_>) -> String {
        match d {
            Delivery::Data(c) => {
                format!("{}@{}/{}", String::from_utf8_lossy(c.bytes), c.frame, c.delivered_in)
            }
            Delivery::Gap(n) => format!("gap {n}"),
        }
    }

    #[test]
    fn reorders_and_drops_retransmissions() {
        let mut dir = Direction::default();
        let mut log = vec![];
        dir.syn(SeqNumber(99));
        run(&mut dir, 100, b"ab", 1, &mut log);
        run(&mut dir, 104, b"ef", 2, &mut log);
        run(&mut dir, 100, b"ab", 3, &mut log);
        run(&mut dir, 101, b"bcd", 4, &mut log);
        assert_eq!(log, ["ab@1/1", "cd@4/4", "ef@2/4"]);
        assert_eq!(dir.stats.retransmitted_segments, 2);
        assert_eq!(dir.stats.out_of_order_segments, 1);
    }

    #[test]
    fn sequence_numbers_wrap() {
        let mut dir = Direction::default();
        let mut log = vec![];
        run(&mut dir, u32::MAX - 1, b"ab", 1, &mut log);
        run(&mut dir, 2, b"ef", 2, &mut log);
        run(&mut dir, 0, b"cd", 3, &mut log);
        assert_eq!(log, ["ab@1/1", "cd@3/3", "ef@2/3"]);
    }

    #[test]
    fn acknowledged_hole_becomes_a_gap() {
        let mut dir = Direction::default();
        let mut log = vec![];
        run(&mut dir, 0, b"ab", 1, &mut log);
        run(&mut dir, 5, b"fg", 2, &mut log);
        dir.peer_ack(SeqNumber(3), 3, &mut |d| log.push(show(d)));
        assert_eq!(log, ["ab@1/1"], "a dup ACK for the hole is no proof of loss");
        dir.peer_ack(SeqNumber(7), 4, &mut |d| log.push(show(d)));
        assert_eq!(log, ["ab@1/1", "gap 3", "fg@2/4"]);
        assert_eq!(dir.stats.missing_bytes, 3);
    }

    #[test]
    fn buffer_cap_forces_a_gap() {
        let mut dir = Direction::default();
        let mut log = vec![];
        run(&mut dir, 0, b"a", 1, &mut log);
        dir.segment(SeqNumber(10), b"0123456789", 2, 8, &mut |d| log.push(show(d)));
        assert_eq!(log, ["a@1/1", "gap 9", "0123456789@2/2"]);
    }

    #[test]
    fn overlapping_pending_segments_are_trimmed() {
        let mut dir = Direction::default();
        let mut log = vec![];
        run(&mut dir, 0, b"a", 1, &mut log);
        run(&mut dir, 3, b"defg", 2, &mut log);
        run(&mut dir, 2, b"cde", 3, &mut log);
        run(&mut dir, 1, b"b", 4, &mut log);
        assert_eq!(log, ["a@1/1", "b@4/4", "cde@3/4", "fg@2/4"]);
    }
}
