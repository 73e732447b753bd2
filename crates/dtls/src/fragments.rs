//! One direction's handshake messages, put together from their fragments (RFC 6347
//! 4.2.3, RFC 9147 5.5) and handed over in message_seq order, each in the TLS form the
//! layers above read: type, 24-bit length, body. A fragment of a message already handed
//! over is a retransmission: it is recognised, not read again.

use std::collections::{BTreeMap, VecDeque};

/// Bytes of a DTLS handshake header: type, length, message_seq, fragment_offset,
/// fragment_length.
pub const FRAGMENT_HEADER_LEN: usize = 12;
/// Messages held ahead of the next expected one, at most: a flight is a handful.
const WINDOW: u16 = 32;
/// Messages remembered after delivery, to recognise their retransmissions.
const REMEMBERED: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FragmentHeader {
    pub typ: u8,
    pub length: u32,
    pub message_seq: u16,
    pub offset: u32,
    pub fragment_length: u32,
}

impl FragmentHeader {
    pub fn parse(b: &[u8]) -> Option<FragmentHeader> {
        let u24 = |i: usize| u32::from_be_bytes([0, b[i], b[i + 1], b[i + 2]]);
        (b.len() >= FRAGMENT_HEADER_LEN).then(|| FragmentHeader {
            typ: b[0],
            length: u24(1),
            message_seq: u16::from_be_bytes([b[4], b[5]]),
            offset: u24(6),
            fragment_length: u24(9),
        })
    }
}

/// The fragments of a handshake record's body: Err with the bytes left when they do
/// not make a fragment.
pub fn split(mut body: &[u8]) -> impl Iterator<Item = Result<(FragmentHeader, &[u8]), usize>> {
    std::iter::from_fn(move || {
        if body.is_empty() {
            return None;
        }
        let fragment = FragmentHeader::parse(body).and_then(|h| {
            let end = FRAGMENT_HEADER_LEN.checked_add(h.fragment_length as usize)?;
            (end <= body.len()).then_some((h, end))
        });
        match fragment {
            Some((h, end)) => {
                let data = &body[FRAGMENT_HEADER_LEN..end];
                body = &body[end..];
                Some(Ok((h, data)))
            }
            None => {
                let left = body.len();
                body = &[];
                Some(Err(left))
            }
        }
    })
}

/// What a fragment (or the end of the direction) brought.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery<'a> {
    /// A whole message: `raw` is its TLS form (4-byte header and body); `frames` every
    /// frame its fragments came from, in arrival order.
    Message { typ: u8, message_seq: u16, raw: &'a [u8], frames: &'a [u64] },
    /// A fragment of a message handed over before, sent again. `overlaps`: only part of
    /// a message that was itself assembled from fragments (what tshark's reassembly calls
    /// overlapping old data).
    Retransmitted { typ: u8, message_seq: u16, first_frame: u64, overlaps: bool },
    /// A message longer than the limit: skipped.
    Oversized { typ: u8, length: u32 },
    /// A fragment that contradicts its header or the message's other fragments.
    Inconsistent { typ: u8, message_seq: u16 },
    /// At the end: a message some of whose bytes never arrived.
    Missing { typ: u8, message_seq: u16, have: u64, need: u64, frames: &'a [u64] },
}

struct Pending {
    typ: u8,
    length: u32,
    /// The fragments' bytes by offset, as received: memory follows what arrived, not
    /// what a header declares.
    pieces: Vec<(u32, Vec<u8>)>,
    /// Body ranges received, sorted and merged.
    have: Vec<(u32, u32)>,
    frames: Vec<u64>,
}

impl Pending {
    fn new(typ: u8, length: u32) -> Self {
        Pending { typ, length, pieces: Vec::new(), have: Vec::new(), frames: Vec::new() }
    }

    fn length(&self) -> u32 {
        self.length
    }

    /// The message in TLS form: 4-byte header, then the body.
    fn assemble(&self) -> Vec<u8> {
        let mut buf = vec![0; 4 + self.length as usize];
        buf[0] = self.typ;
        buf[1..4].copy_from_slice(&self.length.to_be_bytes()[1..]);
        for (offset, bytes) in &self.pieces {
            let start = 4 + *offset as usize;
            buf[start..start + bytes.len()].copy_from_slice(bytes);
        }
        buf
    }

    fn add(&mut self, offset: u32, data: &[u8], frame: u64) {
        if !self.frames.contains(&frame) {
            self.frames.push(frame);
        }
        let end = offset + data.len() as u32;
        if data.is_empty() || self.have.iter().any(|&(s, e)| s <= offset && end <= e) {
            return;
        }
        self.pieces.push((offset, data.to_vec()));
        self.have.push((offset, end));
        self.have.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(self.have.len());
        for &(s, e) in &self.have {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        self.have = merged;
    }

    /// The message did not come whole in one fragment.
    fn assembled(&self) -> bool {
        !(self.pieces.is_empty() || (self.pieces.len() == 1 && self.pieces[0].1.len() == self.length as usize))
    }

    fn received(&self) -> u64 {
        self.have.iter().map(|&(s, e)| u64::from(e - s)).sum()
    }

    fn is_complete(&self) -> bool {
        self.length() == 0 || self.have == [(0, self.length())]
    }
}

/// One direction's reassembly.
#[derive(Default)]
pub struct Reassembly {
    /// The message_seq to hand over next; set by the first fragment seen.
    next: Option<u16>,
    pending: BTreeMap<u16, Pending>,
    pending_bytes: usize,
    /// Recently handed over: (message_seq, type, frame that completed it).
    /// (message_seq, type, frame, assembled from fragments) of each.
    delivered: VecDeque<(u16, u8, u64, bool)>,
    /// Oversized messages skipped (their message_seq): their other fragments are not
    /// held either.
    skipped: VecDeque<u16>,
}

impl Reassembly {
    /// No handshake message seen yet.
    pub fn is_empty(&self) -> bool {
        self.next.is_none()
    }

    /// The type of the first fragment in a handshake record's `body` when it will not
    /// be handed over now: only part of a message that it does not complete, or a
    /// message that must wait for an earlier one (not a repeat of one handed over).
    pub fn partial(&self, body: &[u8]) -> Option<u8> {
        let (h, _) = split(body).next()?.ok()?;
        if self.delivered.iter().any(|d| d.0 == h.message_seq) || self.skipped.contains(&h.message_seq) {
            return None;
        }
        let waits = self.next.is_some_and(|next| {
            h.message_seq > next
                && (next..h.message_seq).any(|seq| !self.pending.get(&seq).is_some_and(Pending::is_complete))
        });
        let whole = h.offset == 0 && h.fragment_length == h.length;
        if waits {
            return Some(h.typ);
        }
        if whole {
            return None;
        }
        let (start, end) = (h.offset, h.offset.saturating_add(h.fragment_length));
        let completes = match self.pending.get(&h.message_seq) {
            Some(p) if p.typ == h.typ && p.length() == h.length => {
                let mut have = p.have.clone();
                have.push((start, end));
                have.sort_unstable();
                let mut reach = 0;
                for (s, e) in have {
                    if s > reach {
                        break;
                    }
                    reach = reach.max(e);
                }
                reach >= h.length
            }
            _ => false,
        };
        (!completes).then_some(h.typ)
    }

    /// Takes one fragment that arrived in `frame`; messages are handed over as soon as
    /// they and all before them are complete. `max_len` bounds a message and the bytes
    /// held at once.
    pub fn fragment(
        &mut self,
        h: FragmentHeader,
        data: &[u8],
        frame: u64,
        max_len: usize,
        out: &mut dyn FnMut(Delivery<'_>),
    ) {
        let (typ, seq) = (h.typ, h.message_seq);
        if let Some(&(_, first_typ, first_frame, assembled)) = self.delivered.iter().find(|d| d.0 == seq) {
            let whole = h.offset == 0 && h.fragment_length == h.length;
            let overlaps = assembled && !whole;
            return out(Delivery::Retransmitted { typ: first_typ, message_seq: seq, first_frame, overlaps });
        }
        if self.skipped.contains(&seq) {
            return;
        }
        let fits = u64::from(h.offset) + u64::from(h.fragment_length) <= u64::from(h.length);
        if !fits || data.len() != h.fragment_length as usize {
            return out(Delivery::Inconsistent { typ, message_seq: seq });
        }
        let next = *self.next.get_or_insert(seq);
        if seq.wrapping_sub(next) >= WINDOW && seq >= next {
            return out(Delivery::Inconsistent { typ, message_seq: seq });
        }
        if !self.pending.contains_key(&seq) {
            let length = h.length as usize;
            if length > max_len || self.pending_bytes + length > max_len {
                if self.skipped.len() == REMEMBERED {
                    self.skipped.pop_front();
                }
                self.skipped.push_back(seq);
                if seq == next {
                    self.advance(frame, out);
                }
                return out(Delivery::Oversized { typ, length: h.length });
            }
            self.pending_bytes += length;
            self.pending.insert(seq, Pending::new(typ, h.length));
        }
        let Some(p) = self.pending.get_mut(&seq) else { return };
        if p.typ != typ || p.length() != h.length {
            return out(Delivery::Inconsistent { typ, message_seq: seq });
        }
        p.add(h.offset, data, frame);
        if !p.is_complete() {
            return;
        }
        if seq < next {
            // Older than where the capture picked the direction up: handed over as is.
            self.deliver(seq, frame, out);
        } else {
            self.advance(frame, out);
        }
    }

    /// Hands over the complete messages from the next expected one on.
    fn advance(&mut self, frame: u64, out: &mut dyn FnMut(Delivery<'_>)) {
        while let Some(next) = self.next {
            if self.delivered.iter().any(|d| d.0 == next) || self.skipped.contains(&next) {
                self.next = Some(next.wrapping_add(1));
                continue;
            }
            match self.pending.get(&next) {
                Some(p) if p.is_complete() => {
                    self.deliver(next, frame, out);
                    self.next = Some(next.wrapping_add(1));
                }
                _ => return,
            }
        }
    }

    fn deliver(&mut self, seq: u16, frame: u64, out: &mut dyn FnMut(Delivery<'_>)) {
        let Some(p) = self.pending.remove(&seq) else { return };
        self.pending_bytes -= p.length() as usize;
        // Complete in its last fragment's frame, even when handed over later.
        let complete_in = p.frames.iter().copied().max().unwrap_or(frame);
        self.remember(seq, p.typ, complete_in, p.assembled());
        out(Delivery::Message { typ: p.typ, message_seq: seq, raw: &p.assemble(), frames: &p.frames });
    }

    fn remember(&mut self, seq: u16, typ: u8, frame: u64, assembled: bool) {
        if self.delivered.len() == REMEMBERED {
            self.delivered.pop_front();
        }
        self.delivered.push_back((seq, typ, frame, assembled));
    }

    /// The end: messages that never completed are reported. The complete ones held
    /// behind them are not handed over: their place in the handshake is lost.
    pub fn finish(&mut self, out: &mut dyn FnMut(Delivery<'_>)) {
        for (seq, p) in std::mem::take(&mut self.pending) {
            if !p.is_complete() {
                let (have, need) = (p.received(), u64::from(p.length()));
                out(Delivery::Missing { typ: p.typ, message_seq: seq, have, need, frames: &p.frames });
            }
        }
        self.pending_bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(typ: u8, length: u32, seq: u16, offset: u32, fragment_length: u32) -> FragmentHeader {
        FragmentHeader { typ, length, message_seq: seq, offset, fragment_length }
    }

    /// Runs fragments (type, total length, seq, offset, fragment length, frame) and
    /// logs what came out.
    fn run(fragments: &[(u8, u32, u16, u32, u32, u64)], finish: bool) -> Vec<String> {
        let mut r = Reassembly::default();
        let mut log = Vec::new();
        let mut take = |d: Delivery<'_>| {
            log.push(match d {
                Delivery::Message { typ, message_seq, raw, frames } => {
                    format!("M{typ}#{message_seq}len{}{frames:?}", raw.len())
                }
                Delivery::Retransmitted { typ, message_seq, first_frame, overlaps } => {
                    format!("R{typ}#{message_seq}@{first_frame}{}", if overlaps { "!" } else { "" })
                }
                Delivery::Oversized { typ, length } => format!("O{typ}:{length}"),
                Delivery::Inconsistent { typ, message_seq } => format!("I{typ}#{message_seq}"),
                Delivery::Missing { typ, message_seq, have, need, .. } => {
                    format!("X{typ}#{message_seq}:{have}/{need}")
                }
            })
        };
        for &(typ, len, seq, off, flen, frame) in fragments {
            let data: Vec<u8> = (off..off + flen).map(|i| i as u8).collect();
            r.fragment(header(typ, len, seq, off, flen), &data, frame, 4096, &mut take);
        }
        if finish {
            r.finish(&mut take);
        }
        log
    }

    #[test]
    fn fragments_in_any_order_make_the_message_in_the_frame_of_the_last() {
        let log = run(&[(11, 3000, 2, 1000, 1000, 4), (11, 3000, 2, 0, 1200, 5), (11, 3000, 2, 2000, 1000, 6)], true);
        assert_eq!(log, ["M11#2len3004[4, 5, 6]"]);
    }

    #[test]
    fn the_reassembled_bytes_are_the_messages() {
        let mut r = Reassembly::default();
        let body: Vec<u8> = (0..100u8).collect();
        let mut got = Vec::new();
        for (off, len) in [(60, 40), (0, 30), (20, 50)] {
            let h = header(11, 100, 0, off, len);
            r.fragment(h, &body[off as usize..(off + len) as usize], 1, 4096, &mut |d| {
                if let Delivery::Message { raw, .. } = d {
                    got = raw.to_vec();
                }
            });
        }
        assert_eq!(&got[..4], &[11, 0, 0, 100]);
        assert_eq!(&got[4..], &body[..]);
    }

    #[test]
    fn a_retransmitted_flight_is_recognised_not_read_again() {
        let flight = [(2, 80, 1, 0, 80, 4), (11, 700, 2, 0, 700, 4), (14, 0, 3, 0, 0, 4)];
        let again: Vec<_> = flight.iter().map(|f| (f.0, f.1, f.2, f.3, f.4, 7)).collect();
        let log = run(&[&flight[..], &again[..]].concat(), true);
        assert_eq!(log, ["M2#1len84[4]", "M11#2len704[4]", "M14#3len4[4]", "R2#1@4", "R11#2@4", "R14#3@4"]);
    }

    /// tshark's reassembly refuses a fragment of a message it assembled from fragments
    /// (and dissects nothing after it); a message that came whole is simply seen again.
    #[test]
    fn a_fragment_of_a_message_assembled_from_fragments_overlaps_it() {
        let log = run(
            &[
                (11, 200, 2, 0, 100, 4),
                (11, 200, 2, 100, 100, 5),
                (12, 50, 3, 0, 50, 5),
                (11, 200, 2, 100, 100, 8),
                (11, 200, 2, 0, 200, 9),
                (12, 50, 3, 0, 25, 9),
            ],
            false,
        );
        assert_eq!(log, ["M11#2len204[4, 5]", "M12#3len54[5]", "R11#2@5!", "R11#2@5", "R12#3@5"]);
    }

    #[test]
    fn a_message_waits_for_the_one_before_it() {
        let log = run(
            &[
                (2, 40, 1, 0, 40, 4),
                (12, 50, 3, 0, 50, 5),
                (11, 200, 2, 0, 100, 5),
                (11, 200, 2, 100, 100, 6),
                (12, 50, 3, 0, 50, 8),
            ],
            false,
        );
        // Sent again, it is named after the frame it came complete in, not the one that
        // handed it over.
        assert_eq!(log, ["M2#1len44[4]", "M11#2len204[5, 6]", "M12#3len54[5]", "R12#3@5"]);
    }

    #[test]
    fn a_lost_fragment_is_reported_at_the_end_and_the_messages_behind_it_kept_back() {
        let log = run(&[(11, 3000, 2, 0, 1400, 4), (12, 50, 3, 0, 50, 4), (14, 0, 4, 0, 0, 4)], true);
        assert_eq!(log, ["X11#2:1400/3000"]);
    }

    #[test]
    fn contradicting_and_oversized_fragments_are_told() {
        let log = run(&[(11, 100, 0, 90, 20, 1), (11, 100, 0, 0, 50, 1), (12, 100, 0, 50, 50, 2)], true);
        assert_eq!(log, ["I11#0", "I12#0", "X11#0:50/100"]);
        let log = run(&[(11, 1 << 20, 0, 0, 10, 1), (11, 1 << 20, 0, 10, 10, 1), (1, 4, 1, 0, 4, 2)], true);
        assert_eq!(log, ["O11:1048576", "M1#1len8[2]"]);
    }

    #[test]
    fn split_finds_each_fragment_of_a_record() {
        let mut body = vec![1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2, 0xaa, 0xbb];
        body.extend([14, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        body.extend([16, 0, 0, 9]);
        let got: Vec<_> = split(&body).collect();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], Ok((header(1, 2, 0, 0, 2), &[0xaa, 0xbb][..])));
        assert_eq!(got[1], Ok((header(14, 0, 1, 0, 0), &[][..])));
        assert_eq!(got[2], Err(4));
    }

    proptest::proptest! {
        #[test]
        fn any_fragments_in_any_order_give_the_message_once(
            cuts in proptest::collection::vec(0u32..300, 0..8),
            order in proptest::collection::vec(proptest::num::usize::ANY, 0..16),
        ) {
            let body: Vec<u8> = (0..300u32).map(|i| (i * 7) as u8).collect();
            let mut points: Vec<u32> = cuts;
            points.extend([0, 300]);
            points.sort_unstable();
            points.dedup();
            let mut pieces: Vec<(u32, u32)> = points.windows(2).map(|w| (w[0], w[1])).collect();
            for (i, o) in order.iter().enumerate() {
                let n = pieces.len();
                pieces.swap(i % n, o % n);
            }
            // Every piece twice: duplicates are harmless.
            let twice: Vec<_> = pieces.iter().chain(pieces.iter()).copied().collect();
            let mut r = Reassembly::default();
            let mut messages = Vec::new();
            for (frame, &(s, e)) in twice.iter().enumerate() {
                let h = header(11, 300, 0, s, e - s);
                r.fragment(h, &body[s as usize..e as usize], frame as u64, 4096, &mut |d| {
                    if let Delivery::Message { raw, .. } = d {
                        messages.push(raw[4..].to_vec());
                    }
                });
            }
            proptest::prop_assert_eq!(messages, vec![body]);
        }
    }
}
