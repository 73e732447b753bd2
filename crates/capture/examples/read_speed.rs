//! Measures reading throughput: `cargo run --release -p tlsdoctor-capture --example
//! read_speed -- FILE [REPEAT]`.

use std::path::PathBuf;
use std::time::Instant;

use tlsdoctor_capture::CaptureReader;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().ok_or("usage: read_speed FILE [REPEAT]")?);
    let repeat: u32 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1);
    let start = Instant::now();
    let (mut frames, mut bytes, mut checksum) = (0u64, 0u64, 0u64);
    for _ in 0..repeat {
        let mut r = CaptureReader::open(&path)?;
        while let Some(f) = r.next_frame()? {
            checksum = checksum.wrapping_add(u64::from(f.data.first().copied().unwrap_or(0)));
        }
        frames += r.frames_read();
        bytes += r.bytes_read();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{frames} frames, {bytes} bytes in {secs:.3} s: {:.2} GB/s, {:.1} Mframes/s (checksum {checksum})",
        bytes as f64 / secs / 1e9,
        frames as f64 / secs / 1e6
    );
    Ok(())
}
