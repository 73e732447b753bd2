//! Expands a small capture of real TLS traffic (the seed) into benchmark captures of any
//! size: every complete connection of the seed becomes a template, and the output replays
//! randomly chosen templates between fresh addresses, with realistic timing, MSS-sized
//! segments and regenerated ACKs, many connections at once, merged in time order. The TLS
//! bytes are copied verbatim, so the seed's key log decrypts every replica.
//!
//! ```no_run
//! use tlsdoctor_benchgen::{generate, Options, Seed};
//! # fn main() -> Result<(), tlsdoctor_benchgen::Error> {
//! let seed = Seed::open("bench/seed/seed.pcapng".as_ref())?;
//! let options = Options { target_size: 32 << 20, ..Options::default() };
//! let out = std::fs::File::create("/tmp/bench-32M.pcap").map_err(tlsdoctor_benchgen::Error::Output)?;
//! let generated = generate(&seed, &options, out)?;
//! println!("{} connections in {} frames", generated.rows.len(), generated.frames);
//! # Ok(())
//! # }
//! ```
//!
//! Same seed and options, same bytes: the randomness is this crate's own xoshiro256**.
//! Output is written as it is merged; memory holds only the replicas in flight.
#![forbid(unsafe_code)]

mod error;
mod frame;
mod impair;
mod keylog;
mod labels;
mod manifest;
mod merge;
mod packet;
mod replica;
mod rng;
mod schedule;
mod seed;
mod size;
mod tcp_segmenter;
mod udp_replay;
mod writer;

use std::io::{BufWriter, Write};
use std::path::PathBuf;

pub use error::Error;
pub use frame::MSS;
pub use impair::{ImpairmentRates, Impairments};
pub use labels::Labels;
pub use manifest::{write_tsv as write_manifest, ManifestRow};
pub use seed::{Flow, Seed, SeedDatagram, Side, TcpEvent, TcpFlow, TcpStep, Template, UdpFlow};
pub use size::parse_size;
pub use writer::OutputFormat;

use writer::CaptureWriter;

/// The seed shipped with the repository: TLS over TCP.
pub fn default_seed_capture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/seed/seed.pcapng")
}

/// The repository's UDP seed: DTLS and QUIC (`bench/seed-udp`).
pub fn udp_seed_capture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/seed-udp/seed.pcapng")
}

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The output stays at or under this many bytes; it ends with the last whole
    /// connection that fits.
    pub target_size: u64,
    pub format: OutputFormat,
    /// Same value, same output.
    pub random_seed: u64,
    /// Mean number of connections open at once.
    pub concurrency: f64,
    /// The servers' TCP port (UDP replicas keep the seed's).
    pub server_port: u16,
    /// `None`: no impairment, and none of their draws.
    pub impairments: Option<ImpairmentRates>,
    /// pcapng only: the seed's key log in a Decryption Secrets Block.
    pub embed_keylog: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            target_size: 256 << 20,
            format: OutputFormat::Pcap,
            random_seed: 1,
            concurrency: 200.0,
            server_port: 443,
            impairments: None,
            embed_keylog: false,
        }
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// One per connection, in start order.
    pub rows: Vec<ManifestRow>,
    pub bytes: u64,
    pub frames: u64,
    pub impairments: Impairments,
}

/// Writes a capture of replicas of `seed`'s templates to `out` (buffered here).
pub fn generate<W: Write>(seed: &Seed, options: &Options, out: W) -> Result<Generated, Error> {
    options.check(seed)?;
    let keylog = if options.embed_keylog { seed.keylog.as_deref() } else { None };
    let mut writer =
        CaptureWriter::new(BufWriter::with_capacity(1 << 20, out), options.format, keylog).map_err(Error::Output)?;
    let merged = merge::write_replicas(seed, options, &mut writer).map_err(Error::Output)?;
    let bytes = writer.bytes_written();
    writer.finish().map_err(Error::Output)?;
    Ok(Generated { rows: merged.rows, bytes, frames: merged.frames, impairments: merged.impairments })
}

impl Options {
    /// Refuses options that cannot work with `seed` ([`generate`] checks too; callers
    /// check first to fail before creating their output).
    pub fn check(&self, seed: &Seed) -> Result<(), Error> {
        validate(seed, self)
    }
}

fn validate(seed: &Seed, options: &Options) -> Result<(), Error> {
    if !(options.concurrency.is_finite() && options.concurrency > 0.0) {
        return Err(Error::BadOption(format!("concurrency must be a positive number, not {}", options.concurrency)));
    }
    if let Some(r) = options.impairments {
        let rates = [("retransmission", r.retransmit), ("reordering", r.reorder), ("drop", r.drop)];
        for (name, rate) in rates {
            if !(0.0..=1.0).contains(&rate) {
                return Err(Error::BadOption(format!("the {name} rate must be between 0 and 1, not {rate}")));
            }
        }
        if r.retransmit + r.reorder + r.drop > 1.0 {
            return Err(Error::BadOption("the impairment rates add up to more than 1".into()));
        }
    }
    if options.embed_keylog {
        if options.format != OutputFormat::Pcapng {
            return Err(Error::BadOption("only pcapng can embed the key log".into()));
        }
        if seed.keylog.is_none() {
            return Err(Error::BadOption(format!("{}: no key log found next to the seed to embed", seed.name)));
        }
    }
    Ok(())
}
