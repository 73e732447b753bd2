//! A hint that bytes will be read soon. A frame's headers are read once, on whichever
//! thread parses them, often after another thread read the block: asking for the next
//! record's first lines while this one is processed hides the trip to memory.
#![allow(unsafe_code)]

/// Asks the CPU to bring the cache line holding `bytes[at]` closer; does nothing if
/// `at` is out of range or the CPU has no such hint.
#[inline]
pub(crate) fn prefetch(bytes: &[u8], at: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(byte) = bytes.get(at) {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch never faults and changes no memory; the address is in a live
        // slice anyway. The call is unsafe only because SSE is a target feature, and every
        // x86_64 CPU has SSE.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(byte).cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (bytes, at);
}
