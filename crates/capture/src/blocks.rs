//! The capture stream in large reference-counted blocks: a frame is read straight from
//! the block it arrived in, on this thread or later on another.

use std::io::{self, Read};
use std::sync::Arc;

/// A piece of the stream: the first `len` bytes of `bytes`.
pub(crate) struct Block {
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

    pub(crate) fn len(&self) -> usize {
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

/// Blocks read from a stream: each filled whole unless the stream ends (a file), or
/// holding what one read gave (a pipe, whose bytes come as they are captured: a frame
/// is analysed when it arrives, not once a block's worth came after it).
pub(crate) struct ReadBlocks {
    r: Box<dyn Read + Send>,
    block_len: usize,
    whole: bool,
    retired: Vec<SharedBlock>,
    /// An error met after part of a block was read: returned after that block.
    error: Option<io::Error>,
}

impl ReadBlocks {
    pub(crate) fn new(r: Box<dyn Read + Send>, block_len: usize, whole: bool) -> Self {
        ReadBlocks { r, block_len: block_len.max(64), whole, retired: Vec::new(), error: None }
    }

    /// Takes back a block the reader is done with, to reuse once nobody holds it.
    pub(crate) fn retire(&mut self, block: SharedBlock) {
        if self.retired.len() >= KEPT_BLOCKS {
            self.retired.remove(0);
        }
        self.retired.push(block);
    }

    /// The next block, `None` at the end of the stream.
    pub(crate) fn read(&mut self) -> io::Result<Option<SharedBlock>> {
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
                Ok(k) => {
                    block.len += k.min(room_len);
                    if !self.whole {
                        break;
                    }
                }
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
