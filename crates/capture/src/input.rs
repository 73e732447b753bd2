//! A buffered reader that hands out borrowed, contiguous windows of the stream.
//!
//! Unlike `BufReader`, it can guarantee that `n` bytes are contiguous in its buffer, so a
//! whole record or block is parsed (and a frame returned) straight from the buffer: no
//! per-packet copy or allocation. The buffer grows only when a record is larger than it,
//! and callers bound record sizes before asking.

use std::io::{self, Read};

pub(crate) struct Input {
    r: Box<dyn Read + Send>,
    buf: Vec<u8>,
    /// Start of the unconsumed window.
    pos: usize,
    /// End of the valid bytes. Invariant: `pos <= end <= buf.len()`.
    end: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    eof: bool,
}

impl Input {
    pub(crate) fn new(r: Box<dyn Read + Send>, capacity: usize) -> Input {
        Input::with_buffer(r, vec![0; capacity.max(64)])
    }

    fn with_buffer(r: Box<dyn Read + Send>, buf: Vec<u8>) -> Input {
        Input { r, buf, pos: 0, end: 0, base: 0, eof: false }
    }

    /// Replaces the source by `wrap(unconsumed bytes, source)`, keeping the buffer.
    /// Only meaningful before anything was consumed (gzip sniffing).
    pub(crate) fn rewrap(self, wrap: impl FnOnce(Vec<u8>, Box<dyn Read + Send>) -> Box<dyn Read + Send>) -> Input {
        let prefix = self.window().to_vec();
        let r = wrap(prefix, self.r);
        Input::with_buffer(r, self.buf)
    }

    /// Stream offset of the next unconsumed byte.
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The unconsumed bytes currently buffered.
    pub(crate) fn window(&self) -> &[u8] {
        self.buf.get(self.pos..self.end).unwrap_or(&[])
    }

    /// Index in the buffer of the next unconsumed byte; valid for [`Input::slice`] until
    /// the next `fill`.
    pub(crate) fn index(&self) -> usize {
        self.pos
    }

    pub(crate) fn slice(&self, start: usize, len: usize) -> &[u8] {
        start.checked_add(len).and_then(|end| self.buf.get(start..end)).unwrap_or(&[])
    }

    /// Makes at least `n` bytes available in [`Input::window`] unless the stream ends
    /// first; returns how many are available (may exceed `n`).
    pub(crate) fn fill(&mut self, n: usize) -> io::Result<usize> {
        let have = self.end - self.pos;
        if have >= n || self.eof {
            return Ok(have);
        }
        if self.buf.len() - self.pos < n {
            self.buf.copy_within(self.pos..self.end, 0);
            self.base += self.pos as u64;
            self.end = have;
            self.pos = 0;
            if self.buf.len() < n {
                self.buf.resize(n, 0);
            }
        }
        while self.end - self.pos < n {
            let room = match self.buf.get_mut(self.end..) {
                Some(room) if !room.is_empty() => room,
                _ => break,
            };
            let room_len = room.len();
            match self.r.read(room) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(k) => self.end += k.min(room_len),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.end - self.pos)
    }

    pub(crate) fn consume(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.end);
    }

    /// Consumes up to `n` bytes without keeping them; returns how many were skipped
    /// (fewer only at the end of the stream).
    pub(crate) fn skip(&mut self, n: u64) -> io::Result<u64> {
        let mut done = 0u64;
        while done < n {
            let have = self.end - self.pos;
            if have == 0 {
                // Refill the whole buffer from the start.
                self.base += self.pos as u64;
                self.pos = 0;
                self.end = 0;
                if self.fill(1)? == 0 {
                    break;
                }
                continue;
            }
            let step = usize::try_from(n - done).unwrap_or(usize::MAX).min(have);
            self.consume(step);
            done += step as u64;
        }
        Ok(done)
    }

    /// Appends up to `n` bytes to `out`, growing it only as data actually arrives;
    /// returns how many were copied.
    pub(crate) fn read_into(&mut self, n: u64, out: &mut Vec<u8>) -> io::Result<u64> {
        let mut done = 0u64;
        while done < n {
            if self.end == self.pos {
                self.base += self.pos as u64;
                self.pos = 0;
                self.end = 0;
                if self.fill(1)? == 0 {
                    break;
                }
            }
            let step = usize::try_from(n - done).unwrap_or(usize::MAX).min(self.end - self.pos);
            out.extend_from_slice(self.slice(self.pos, step));
            self.consume(step);
            done += step as u64;
        }
        Ok(done)
    }
}

/// Reads a `u16` at `off`; callers check lengths first, so the fallback 0 is unreachable.
pub(crate) fn u16_at(b: &[u8], off: usize, be: bool) -> u16 {
    match b.get(off..off.saturating_add(2)) {
        Some(&[x, y]) if be => u16::from_be_bytes([x, y]),
        Some(&[x, y]) => u16::from_le_bytes([x, y]),
        _ => 0,
    }
}

/// Reads a `u32` at `off`; callers check lengths first, so the fallback 0 is unreachable.
pub(crate) fn u32_at(b: &[u8], off: usize, be: bool) -> u32 {
    match b.get(off..off.saturating_add(4)) {
        Some(&[a, b2, c, d]) if be => u32::from_be_bytes([a, b2, c, d]),
        Some(&[a, b2, c, d]) => u32::from_le_bytes([a, b2, c, d]),
        _ => 0,
    }
}

/// Reads a `u64` at `off`; callers check lengths first, so the fallback 0 is unreachable.
pub(crate) fn u64_at(b: &[u8], off: usize, be: bool) -> u64 {
    let hi = u64::from(u32_at(b, off, be));
    let lo = u64::from(u32_at(b, off.saturating_add(4), be));
    if b.len() < off.saturating_add(8) {
        0
    } else if be {
        (hi << 32) | lo
    } else {
        (lo << 32) | hi
    }
}
