//! How far apart this machine's two cores are now: the time for one thread to hand a
//! cache line to another and get it back, in nanoseconds. On a virtual machine the host
//! may place the two virtual CPUs near each other (sharing a cache) or far apart, and
//! moves them between the two; whatever two threads share then costs several times more.
//!
//! Built and run by `bench/threads`: `rustc -O bench/core-round-trip.rs -o F && F`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Instant;

/// Bursts of round trips: the median burst's mean ignores the bursts in which either
/// thread lost its CPU for a while.
const BURSTS: usize = 21;
const ROUND_TRIPS: u64 = 1_000;

fn main() {
    let line = AtomicU64::new(0);
    let total = BURSTS as u64 * ROUND_TRIPS;
    let mut bursts = Vec::with_capacity(BURSTS);
    thread::scope(|scope| {
        scope.spawn(|| {
            for i in 0..total {
                while line.load(Ordering::Acquire) != 2 * i + 1 {}
                line.store(2 * i + 2, Ordering::Release);
            }
        });
        for burst in 0..BURSTS as u64 {
            let start = Instant::now();
            for i in burst * ROUND_TRIPS..(burst + 1) * ROUND_TRIPS {
                line.store(2 * i + 1, Ordering::Release);
                while line.load(Ordering::Acquire) != 2 * i + 2 {}
            }
            bursts.push(start.elapsed().as_nanos() as f64 / ROUND_TRIPS as f64);
        }
    });
    bursts.sort_by(f64::total_cmp);
    println!("{:.0}", bursts[BURSTS / 2]);
}
