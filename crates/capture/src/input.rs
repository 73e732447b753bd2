//! A buffered reader that hands out borrowed, contiguous windows of the stream.
//!
//! Unlike `BufReader`, it can guarantee that `n` bytes are contiguous, so a whole record
//! or block is parsed (and a frame returned) straight from memory: no per-packet copy or
//! allocation. The stream arrives in large blocks ([`SharedBlock`]), read here or ahead
//! by another thread ([`ReadAhead`]); only a record that straddles two blocks is copied,
//! into a buffer of its own. Callers bound record sizes before asking.

use std::io::{self, Read};
use std::sync::Arc;

use crate::ahead::{Ahead, ReadAhead};
use crate::blocks::{ReadBlocks, SharedBlock};
use crate::prefetch::prefetch;

enum Source {
    Direct(ReadBlocks),
    Ahead(Arc<Ahead>),
}

impl Source {
    fn next_block(&mut self, retired: Option<SharedBlock>) -> io::Result<Option<SharedBlock>> {
        match self {
            Source::Direct(blocks) => {
                if let Some(block) = retired {
                    blocks.retire(block);
                }
                blocks.read()
            }
            Source::Ahead(ahead) => ahead.next_block(retired),
        }
    }
}

pub(crate) struct Input {
    source: Source,
    /// The block being parsed; `None` while parsing `joined`.
    block: Option<SharedBlock>,
    /// The end of one block followed by the start of the next, for a record that straddles them.
    joined: Vec<u8>,
    /// Where the stream goes on after `joined`: the rest of a block.
    pending: Option<(SharedBlock, usize)>,
    /// A block done with, handed back to the source at the next call.
    retired: Option<SharedBlock>,
    /// Start of the unconsumed window in the current bytes.
    pos: usize,
    /// End of the current bytes. Invariant: `pos <= end`.
    end: usize,
    /// Stream offset of the current bytes' first byte.
    base: u64,
    eof: bool,
}

impl Input {
    /// `whole`: see [`ReadBlocks`].
    pub(crate) fn new(r: Box<dyn Read + Send>, block_len: usize, whole: bool) -> Input {
        Input {
            source: Source::Direct(ReadBlocks::new(r, block_len, whole)),
            block: None,
            joined: Vec::new(),
            pending: None,
            retired: None,
            pos: 0,
            end: 0,
            base: 0,
            eof: false,
        }
    }

    /// Lets other threads read the stream ahead of this input; `None` to let none (a
    /// pipe: a thread reading ahead would wait there for bytes not yet captured, with
    /// the block before them held back).
    pub(crate) fn read_ahead(&mut self, allowed: bool) -> ReadAhead {
        let ahead = match &mut self.source {
            Source::Ahead(ahead) => Some(ahead.clone()),
            Source::Direct(_) if !allowed => None,
            Source::Direct(blocks) => {
                let ahead = Ahead::new(std::mem::replace(blocks, ReadBlocks::new(Box::new(io::empty()), 0, true)));
                self.source = Source::Ahead(ahead.clone());
                Some(ahead)
            }
        };
        ReadAhead(ahead)
    }

    fn bytes(&self) -> &[u8] {
        match &self.block {
            Some(block) => block.bytes(),
            None => &self.joined,
        }
    }

    /// Stream offset of the next unconsumed byte.
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The unconsumed bytes currently buffered.
    pub(crate) fn window(&self) -> &[u8] {
        self.bytes().get(self.pos..self.end).unwrap_or(&[])
    }

    /// The block holding the current bytes, unless they were joined from two.
    pub(crate) fn block(&self) -> Option<&SharedBlock> {
        self.block.as_ref()
    }

    /// Index of the next unconsumed byte; valid for [`Input::slice`] until the next `fill`.
    pub(crate) fn index(&self) -> usize {
        self.pos
    }

    pub(crate) fn slice(&self, start: usize, len: usize) -> &[u8] {
        start.checked_add(len).and_then(|end| self.bytes().get(start..end)).unwrap_or(&[])
    }

    /// Makes at least `n` bytes available in [`Input::window`] unless the stream ends
    /// first; returns how many are available (may exceed `n`).
    pub(crate) fn fill(&mut self, n: usize) -> io::Result<usize> {
        while self.end - self.pos < n && !self.eof {
            if self.pos == self.end {
                self.advance()?;
            } else {
                self.join(n)?;
            }
        }
        Ok(self.end - self.pos)
    }

    /// The next piece of the stream after the current bytes: the rest of the block a join
    /// took from, or a new block.
    fn next_piece(&mut self) -> io::Result<Option<(SharedBlock, usize)>> {
        if let Some(piece) = self.pending.take() {
            return Ok(Some(piece));
        }
        let block = self.source.next_block(self.retired.take());
        Ok(block?.map(|block| (block, 0)))
    }

    /// Moves to the next piece of the stream, the current bytes being all consumed.
    fn advance(&mut self) -> io::Result<()> {
        let offset = self.offset();
        self.retired = self.block.take().or(self.retired.take());
        (self.pos, self.end, self.base) = (0, 0, offset);
        self.joined.clear();
        match self.next_piece()? {
            Some((block, start)) => {
                (self.pos, self.end, self.base) = (start, block.len(), offset - start as u64);
                self.block = Some(block);
            }
            None => self.eof = true,
        }
        Ok(())
    }

    /// Extends the window towards `n` bytes with the start of the next piece, copying
    /// what is left of the current block into `joined`.
    fn join(&mut self, n: usize) -> io::Result<()> {
        let offset = self.offset();
        match self.block.take() {
            Some(block) => {
                self.joined.clear();
                self.joined.extend_from_slice(block.bytes().get(self.pos..self.end).unwrap_or(&[]));
                self.retired = Some(block);
            }
            None => {
                self.joined.drain(..self.pos.min(self.joined.len()));
            }
        }
        (self.pos, self.end, self.base) = (0, self.joined.len(), offset);
        let Some((block, start)) = self.next_piece()? else {
            self.eof = true;
            return Ok(());
        };
        let stop = block.len().min(start.saturating_add(n - self.end));
        self.joined.extend_from_slice(block.bytes().get(start..stop).unwrap_or(&[]));
        self.end = self.joined.len();
        if stop < block.len() {
            self.pending = Some((block, stop));
        } else {
            self.retired = Some(block);
        }
        Ok(())
    }

    /// Asks the CPU for the first lines after the next `n` bytes: the next record's
    /// headers and the network headers after them, read soon.
    pub(crate) fn prefetch_past(&self, n: usize) {
        let window = self.window();
        prefetch(window, n);
        prefetch(window, n.saturating_add(64));
    }

    pub(crate) fn consume(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.end);
    }

    /// Consumes up to `n` bytes without keeping them; returns how many were skipped
    /// (fewer only at the end of the stream).
    pub(crate) fn skip(&mut self, n: u64) -> io::Result<u64> {
        self.take(n, |_| {})
    }

    /// Appends up to `n` bytes to `out`, growing it only as data actually arrives;
    /// returns how many were copied.
    pub(crate) fn read_into(&mut self, n: u64, out: &mut Vec<u8>) -> io::Result<u64> {
        self.take(n, |bytes| out.extend_from_slice(bytes))
    }

    /// Consumes up to `n` bytes, handing them to `each` piece by piece.
    fn take(&mut self, n: u64, mut each: impl FnMut(&[u8])) -> io::Result<u64> {
        let mut done = 0u64;
        while done < n {
            if self.fill(1)? == 0 {
                break;
            }
            let step = usize::try_from(n - done).unwrap_or(usize::MAX).min(self.end - self.pos);
            each(self.slice(self.pos, step));
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
