//! One CRYPTO stream (one direction at one encryption level) put back in order and cut
//! into TLS handshake messages. Data at offsets already received is a retransmission
//! and ignored (as Wireshark does); data beyond a hole waits for it, up to a limit.

use std::collections::BTreeMap;

/// Bytes accepted beyond the first hole; more is dropped and reported.
const MAX_PENDING: u64 = 1 << 20;
/// A handshake message declaring more than this is reported and the stream given up.
pub const MAX_MESSAGE: usize = 1 << 20;

/// A whole handshake message: the 4-byte header and its body, and every frame (capture
/// frame number) its bytes came from, in stream order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeMessage {
    pub typ: u8,
    pub raw: Vec<u8>,
    pub frames: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamProblem {
    /// Data so far beyond the first hole that it was not kept.
    TooFarAhead { offset: u64 },
    /// A message declaring more than [`MAX_MESSAGE`] bytes: the stream is given up.
    Oversized { typ: u8, length: usize },
}

#[derive(Debug, Default)]
pub struct CryptoStream {
    /// Offset of the first byte not yet received in order.
    next: u64,
    /// Received in order, not yet a whole message: bytes and the frame each run came from.
    buf: Vec<u8>,
    buf_frames: Vec<(usize, u64)>,
    /// Out-of-order data by offset.
    pending: BTreeMap<u64, (Vec<u8>, u64)>,
    pending_bytes: u64,
    broken: bool,
}

impl CryptoStream {
    /// Adds a CRYPTO frame's data; returns the messages it completes.
    pub fn push(&mut self, offset: u64, data: &[u8], frame: u64) -> Result<Vec<HandshakeMessage>, StreamProblem> {
        if self.broken {
            return Ok(Vec::new());
        }
        let end = offset.saturating_add(data.len() as u64);
        if end <= self.next {
            return Ok(Vec::new());
        }
        if offset > self.next {
            if offset - self.next > MAX_PENDING || self.pending_bytes + data.len() as u64 > MAX_PENDING {
                return Err(StreamProblem::TooFarAhead { offset });
            }
            // A longer copy of data at the same offset replaces the shorter one.
            let slot = self.pending.entry(offset).or_default();
            if data.len() > slot.0.len() {
                self.pending_bytes = self.pending_bytes - slot.0.len() as u64 + data.len() as u64;
                *slot = (data.to_vec(), frame);
            }
            return Ok(Vec::new());
        }
        self.append(&data[(self.next - offset) as usize..], frame);
        // Pull in what waited for this.
        while let Some((&at, _)) = self.pending.first_key_value() {
            if at > self.next {
                break;
            }
            let (bytes, f) = self.pending.remove(&at).unwrap_or_default();
            self.pending_bytes -= bytes.len() as u64;
            let skip = (self.next - at) as usize;
            if skip < bytes.len() {
                self.append(&bytes[skip..], f);
            }
        }
        self.messages()
    }

    fn append(&mut self, bytes: &[u8], frame: u64) {
        self.buf.extend_from_slice(bytes);
        self.buf_frames.push((self.buf.len(), frame));
        self.next += bytes.len() as u64;
    }

    fn messages(&mut self) -> Result<Vec<HandshakeMessage>, StreamProblem> {
        let mut out = Vec::new();
        let mut start = 0;
        while self.buf.len() - start >= 4 {
            let h = [self.buf[start], self.buf[start + 1], self.buf[start + 2], self.buf[start + 3]];
            let len = (usize::from(h[1]) << 16) | (usize::from(h[2]) << 8) | usize::from(h[3]);
            if len > MAX_MESSAGE {
                self.broken = true;
                self.buf.clear();
                self.buf_frames.clear();
                self.pending.clear();
                return Err(StreamProblem::Oversized { typ: h[0], length: len });
            }
            let end = start + 4 + len;
            if end > self.buf.len() {
                break;
            }
            let mut frames: Vec<u64> = Vec::new();
            let mut run_start = 0;
            for &(run_end, f) in &self.buf_frames {
                if run_end > start && run_start < end && frames.last() != Some(&f) {
                    frames.push(f);
                }
                run_start = run_end;
            }
            out.push(HandshakeMessage { typ: h[0], raw: self.buf[start..end].to_vec(), frames });
            start = end;
        }
        if start > 0 {
            self.buf.drain(..start);
            self.buf_frames.retain_mut(|(e, _)| {
                *e = e.saturating_sub(start);
                *e > 0
            });
        }
        Ok(out)
    }

    /// Bytes received in order that do not yet make a whole message.
    pub fn partial(&self) -> usize {
        self.buf.len()
    }

    /// Whether data beyond a hole is waiting.
    pub fn has_hole(&self) -> bool {
        !self.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(typ: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![typ, 0, 0, body.len() as u8];
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn out_of_order_and_retransmitted_data() {
        let mut bytes = msg(1, b"hello client");
        bytes.extend(msg(2, b"hi"));
        let mut s = CryptoStream::default();
        assert!(s.push(10, &bytes[10..], 7).unwrap().is_empty());
        assert!(s.has_hole());
        let got = s.push(0, &bytes[..12], 8).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].typ, 1);
        assert_eq!(got[0].frames, vec![8, 7]);
        assert_eq!(got[1].raw, msg(2, b"hi"));
        assert_eq!(got[1].frames, vec![7]);
        // A retransmission gives nothing new.
        assert!(s.push(0, &bytes, 9).unwrap().is_empty());
        assert_eq!(s.partial(), 0);
    }

    #[test]
    fn an_oversized_message_gives_the_stream_up() {
        let mut s = CryptoStream::default();
        assert_eq!(s.push(0, &[11, 0xff, 0, 0], 1), Err(StreamProblem::Oversized { typ: 11, length: 0xff0000 }));
        assert!(s.push(4, &[0; 8], 2).unwrap().is_empty());
    }

    #[test]
    fn repeated_out_of_order_data_is_counted_once() {
        let mut s = CryptoStream::default();
        let chunk = vec![0u8; 1000];
        for i in 0..3000 {
            assert!(s.push(1, &chunk, i).is_ok(), "retransmission {i} refused");
        }
        assert_eq!(s.pending_bytes, 1000);
        let got = s.push(0, &[4], 9999).unwrap();
        assert_eq!(got.len(), 250, "zero-length messages of type 4");
        assert_eq!(s.pending_bytes, 0);
    }

    #[test]
    fn data_far_beyond_a_hole_is_refused() {
        let mut s = CryptoStream::default();
        assert!(s.push(MAX_PENDING + 1, b"x", 1).is_err());
    }
}
