//! Reading a capture ahead of its reader, on another thread that has nothing else to do.

use std::collections::VecDeque;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, TryLockError};

use crate::blocks::{ReadBlocks, SharedBlock};

/// Blocks read ahead of the reader by other threads ([`ReadAhead`]).
const AHEAD_BLOCKS: usize = 4;

/// A stream that other threads may read ahead of its reader.
pub(crate) struct Ahead {
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
    pub(crate) fn next_block(&self, retired: Option<SharedBlock>) -> io::Result<Option<SharedBlock>> {
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
/// nothing else to do ([`crate::CaptureReader::read_ahead`]). It reads nothing of a
/// stream ([`crate::CaptureReader::from_stream`]).
#[derive(Clone)]
pub struct ReadAhead(pub(crate) Option<Arc<Ahead>>);

impl ReadAhead {
    /// Reads the next block of the capture unless enough are read ahead, the stream
    /// ended or another thread is using it; returns whether it read one. Cheap to call
    /// in a loop: it never waits for the reader.
    pub fn read_one(&self) -> bool {
        let Some(ahead) = &self.0 else { return false };
        if !ahead.room.load(Ordering::Relaxed) {
            return false;
        }
        let state = match ahead.state.try_lock() {
            Ok(state) => state,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return false,
        };
        if state.ended || !(1..AHEAD_BLOCKS).contains(&state.ready.len()) {
            return false;
        }
        let (mut state, read) = ahead.read_unlocked(state);
        let Some(read) = read else { return false };
        state.ready.push_back(read);
        ahead.note_room(&state);
        true
    }
}

impl Ahead {
    /// Reads `blocks` ahead for its reader.
    pub(crate) fn new(blocks: ReadBlocks) -> Arc<Ahead> {
        let state = AheadState {
            blocks: Some(blocks),
            ready: VecDeque::new(),
            retired: Vec::new(),
            ended: false,
            waiting: false,
        };
        Arc::new(Ahead { state: Mutex::new(state), read: Condvar::new(), room: AtomicBool::new(false) })
    }
}
