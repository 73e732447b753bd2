//! The non-fragmented path allocates nothing: counted with a wrapping global allocator.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use common::*;
use tlsdoctor_capture::LinkType;
use tlsdoctor_net::{Decoded, Decoder};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(|n| n.get())
}

#[test]
fn decoding_unfragmented_packets_does_not_allocate() {
    let seg = tcp(1000, 443, 5, &[7; 300]);
    let frames = [
        (LinkType::ETHERNET, ether(0x0800, &ipv4(6, &seg))),
        (LinkType::ETHERNET, ether(0x8100, &[[0, 1, 0x86, 0xdd].to_vec(), ipv6(6, &seg)].concat())),
        (LinkType::RAW, ipv6(0, &ext(6, 0, &seg))),
        (LinkType::LINUX_SLL2, [vec![0x08, 0, 0, 0], vec![0; 16], ipv4(17, &udp(1, 2, &[1; 50]))].concat()),
        (LinkType::NULL, [vec![2, 0, 0, 0], ipv4(6, &seg)].concat()),
        (LinkType::ETHERNET, ether(0x0806, &[0; 28])),
    ];
    let mut d = Decoder::default();
    // Warm up (nothing should be lazily allocated, but be fair to the first call).
    for (link, f) in &frames {
        let _ = d.decode(*link, f, ts(0));
    }
    let before = allocations();
    let mut bytes = 0;
    for i in 0..1000 {
        for (link, f) in &frames {
            match d.decode(*link, f, ts(i)).unwrap() {
                Decoded::Tcp(s) => bytes += s.payload.len(),
                Decoded::Udp(u) => bytes += u.payload.len(),
                _ => {}
            }
        }
    }
    assert_eq!(allocations() - before, 0);
    // The counter works: an error's detail is a String.
    let before = allocations();
    assert!(d.decode(LinkType(147), &[], ts(0)).is_err());
    assert!(allocations() > before);
    assert_eq!(bytes, 1000 * (4 * 300 + 50));
}
