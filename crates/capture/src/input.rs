//! A buffered reader that hands out borrowed, contiguous windows of the stream.
//!
//! Unlike `BufReader`, it can guarantee that `n` bytes are contiguous, so a whole record
//! or block is parsed (and a frame returned) straight from memory: no per-packet copy or
//! allocation. The stream arrives in large blocks ([`BlockSource`]); only a record that
//! straddles two blocks is copied, into a buffer of its own. Callers bound record sizes
//! before asking.
//!
//! The blocks are reference-counted ([`SharedBlock`]), so another thread can read a frame
//! later, straight from the block it was read into.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, TryLockError};

/// A piece of the stream: the first `len` bytes of `bytes`.
struct Block {
    bytes: Vec<u8>,
    len: usize,
}

/// A block of the capture as read, shared with whoever still reads frames from it.
#[derive(Clone)]
pub struct SharedBlock(Arc<Block>);

impl SharedBlock {
    /// The bytes of the capture stream this block holds.
    pub fn bytes(&self) -> &[u8] {
        self.0.bytes.get(..self.0.len).unwrap_or(&[])
    }

    /// Both are the same block.
    pub fn same(&self, other: &SharedBlock) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    fn len(&self) -> usize {
        self.0.len
    }
}

impl std::fmt::Debug for SharedBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SharedBlock({} bytes)", self.0.len)
    }
}

/// Blocks done with kept for reuse (those another thread still reads wait their turn):
/// a fresh block costs a page fault per page.
const KEPT_BLOCKS: usize = 16;

/// Blocks read from a stream, each filled whole unless the stream ends.
struct ReadBlocks {
    r: Box<dyn Read + Send>,
    block_len: usize,
    retired: Vec<SharedBlock>,
    /// An error met after part of a block was read: returned after that block.
    error: Option<io::Error>,
}

impl ReadBlocks {
    /// Takes back a block the reader is done with, to reuse once nobody holds it.
    fn retire(&mut self, block: SharedBlock) {
        if self.retired.len() >= KEPT_BLOCKS {
            self.retired.remove(0);
        }
        self.retired.push(block);
    }

    /// The next block, `None` at the end of the stream.
    fn read(&mut self) -> io::Result<Option<SharedBlock>> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let free = self.retired.iter().position(|b| Arc::strong_count(&b.0) == 1);
        let reused = free.and_then(|i| Arc::try_unwrap(self.retired.swap_remove(i).0).ok());
        let block_len = self.block_len;
        let mut block = reused.unwrap_or_else(|| Block { bytes: vec![0; block_len], len: 0 });
        block.len = 0;
        while let Some(room) = block.bytes.get_mut(block.len..).filter(|room| !room.is_empty()) {
            let room_len = room.len();
            match self.r.read(room) {
                Ok(0) => break,
                Ok(k) => block.len += k.min(room_len),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if block.len == 0 => return Err(e),
                Err(e) => {
                    self.error = Some(e);
                    break;
                }
            }
        }
        if block.len == 0 {
            return Ok(None);
        }
        Ok(Some(SharedBlock(Arc::new(block))))
    }
}

/// Blocks read ahead of the reader by other threads ([`ReadAhead`]).
const AHEAD_BLOCKS: usize = 4;

/// A stream that other threads may read ahead of its reader.
struct Ahead {
    state: Mutex<AheadState>,
    read: Condvar,
    /// Whether a block may be read ahead now, to ask without taking the lock.
    room: AtomicBool,
}

struct AheadState {
    /// `None` while a thread reads from it.
    blocks: Option<ReadBlocks>,
    /// What was read ahead, in stream order.
    ready: VecDeque<io::Result<Option<SharedBlock>>>,
    retired: Vec<SharedBlock>,
    /// The end of the stream or an error was read: nothing follows.
    ended: bool,
    /// The reader waits for the block another thread is reading.
    waiting: bool,
}

impl Ahead {
    fn lock(&self) -> MutexGuard<'_, AheadState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Another thread may read ahead while at least one block is ready and a few are not.
    fn note_room(&self, state: &AheadState) {
        let ready = state.ready.len();
        self.room.store(!state.ended && (1..AHEAD_BLOCKS).contains(&ready), Ordering::Relaxed);
    }

    /// Reads the next block with the lock released; `None` if another thread is reading.
    fn read_unlocked<'s>(
        &'s self,
        mut state: MutexGuard<'s, AheadState>,
    ) -> (MutexGuard<'s, AheadState>, Option<io::Result<Option<SharedBlock>>>) {
        let Some(mut blocks) = state.blocks.take() else { return (state, None) };
        for block in state.retired.drain(..) {
            blocks.retire(block);
        }
        drop(state);
        let read = blocks.read();
        let mut state = self.lock();
        state.blocks = Some(blocks);
        state.ended = !matches!(read, Ok(Some(_)));
        self.note_room(&state);
        if state.waiting {
            self.read.notify_all();
        }
        (state, Some(read))
    }

    /// The reader's next block: read ahead, or read now. Reading now, it reads one more
    /// for later: another thread then only reads ahead while a block is ready, so the
    /// reader seldom waits for the block another thread is reading.
    fn next_block(&self, retired: Option<SharedBlock>) -> io::Result<Option<SharedBlock>> {
        let mut state = self.lock();
        state.retired.extend(retired);
        loop {
            if let Some(read) = state.ready.pop_front() {
                self.note_room(&state);
                return read;
            }
            if state.ended {
                return Ok(None);
            }
            let (next, read) = self.read_unlocked(state);
            state = next;
            match read {
                Some(read) => {
                    if !state.ended {
                        let (mut next, ahead) = self.read_unlocked(state);
                        next.ready.extend(ahead);
                        self.note_room(&next);
                    }
                    return read;
                }
                None => {
                    state.waiting = true;
                    state = self.read.wait(state).unwrap_or_else(PoisonError::into_inner);
                    state.waiting = false;
                }
            }
        }
    }
}

/// A handle for another thread to read a capture ahead of its reader, while it has
/// nothing else to do ([`crate::CaptureReader::read_ahead`]).
#[derive(Clone)]
pub struct ReadAhead(Arc<Ahead>);

impl ReadAhead {
    /// Reads the next block of the capture unless enough are read ahead, the stream
    /// ended or another thread is using it; returns whether it read one. Cheap to call
    /// in a loop: it never waits for the reader.
    pub fn read_one(&self) -> bool {
        if !self.0.room.load(Ordering::Relaxed) {
            return false;
        }
        let state = match self.0.state.try_lock() {
            Ok(state) => state,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return false,
        };
        if state.ended || !(1..AHEAD_BLOCKS).contains(&state.ready.len()) {
            return false;
        }
        let (mut state, read) = self.0.read_unlocked(state);
        let Some(read) = read else { return false };
        state.ready.push_back(read);
        self.0.note_room(&state);
        true
    }
}

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
    pub(crate) fn new(r: Box<dyn Read + Send>, block_len: usize) -> Input {
        let source = ReadBlocks { r, block_len: block_len.max(64), retired: Vec::new(), error: None };
        Input {
            source: Source::Direct(source),
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

    /// Lets other threads read the stream ahead of this input.
    pub(crate) fn read_ahead(&mut self) -> ReadAhead {
        let ahead = match &mut self.source {
            Source::Ahead(ahead) => ahead.clone(),
            Source::Direct(blocks) => {
                let empty = ReadBlocks { r: Box::new(io::empty()), block_len: 0, retired: Vec::new(), error: None };
                let blocks = std::mem::replace(blocks, empty);
                let state = AheadState {
                    blocks: Some(blocks),
                    ready: VecDeque::new(),
                    retired: Vec::new(),
                    ended: false,
                    waiting: false,
                };
                let ahead =
                    Arc::new(Ahead { state: Mutex::new(state), read: Condvar::new(), room: AtomicBool::new(true) });
                self.source = Source::Ahead(ahead.clone());
                ahead
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
