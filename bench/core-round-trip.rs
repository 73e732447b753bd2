//! How far apart this machine's two cores are now: the mean time for one thread to hand a
//! cache line to another and get it back, in nanoseconds. On a virtual machine the host
//! may place the two virtual CPUs near each other (sharing a cache) or far apart, and
//! moves them between the two; whatever two threads share then costs several times more.
//!
//! Built and run by `bench/threads`: `rustc -O bench/core-round-trip.rs -o F && F`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Instant;

const ROUND_TRIPS: u64 = 20_000;

fn main() {
    let line = AtomicU64::new(0);
    let start = Instant::now();
    thread::scope(|scope| {
        scope.spawn(|| {
            for i in 0..ROUND_TRIPS {
                while line.load(Ordering::Acquire) != 2 * i + 1 {}
                line.store(2 * i + 2, Ordering::Release);
            }
        });
        for i in 0..ROUND_TRIPS {
            line.store(2 * i + 1, Ordering::Release);
            while line.load(Ordering::Acquire) != 2 * i + 2 {}
        }
    });
    println!("{:.0}", start.elapsed().as_nanos() as f64 / ROUND_TRIPS as f64);
}
