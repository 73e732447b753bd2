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
mod packet;
mod replica;
mod rng;
mod schedule;
mod seed;
mod size;
mod tcp_segmenter;
mod udp_replay;
mod writer;

use std::collections::BinaryHeap;
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

use impair::Impairer;
use replica::{InFlight, MergeKey, Replica};
use rng::Rng;
use schedule::Schedule;
use writer::CaptureWriter;

/// Salt of the impairment streams: distinct from the main stream's for the same seed.
const IMPAIRMENT_STREAM: u64 = 0x696d_7061_6972;

/// The seed shipped with the repository.
pub fn default_seed_capture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/seed/seed.pcapng")
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
    let base_ns = epoch_nanos(seed.first_timestamp);
    let templates = &seed.templates;
    let mut schedule = Schedule::new(options.random_seed, templates, options.concurrency, options.server_port);
    let mut planned_bytes = writer.bytes_written();
    let mut planning = true;
    let mut in_flight: BinaryHeap<InFlight> = BinaryHeap::new();
    let mut rows: Vec<ManifestRow> = Vec::new();
    let mut totals = Impairments::default();
    let mut frames = 0u64;
    loop {
        // Plan every replica starting before the earliest pending packet: the merge then
        // never sees a packet older than one it wrote.
        while planning && in_flight.peek().map_or(true, |top| schedule.next_start_ns() <= top.0.time) {
            let plan = schedule.plan(templates);
            let template = &templates[plan.template];
            let rng = Rng::derived(options.random_seed, IMPAIRMENT_STREAM, plan.index);
            let mut impairer = Impairer::new(options.impairments, rng);
            let replica = Replica::new(plan, template, &mut impairer, rows.len());
            let len = replica.output_len(template, &writer);
            if planned_bytes + len > options.target_size {
                planning = false;
                break;
            }
            if replica.is_empty() {
                continue;
            }
            planned_bytes += len;
            totals += replica.impairments;
            rows.push(row(&replica, template, base_ns));
            let key = MergeKey { time: replica.next_time(), replica: replica.plan.index };
            in_flight.push(InFlight(key, Box::new(replica)));
        }
        let Some(mut top) = in_flight.peek_mut() else { break };
        let replica = &mut top.1;
        let template = &templates[replica.plan.template];
        frames += 1;
        if replica.is_first_packet_next() {
            rows[replica.row].first_frame = frames;
        }
        if replica.write_next(template, base_ns, &mut writer).map_err(Error::Output)? {
            top.0.time = top.1.next_time();
        } else {
            top.1.release();
            std::collections::binary_heap::PeekMut::pop(top);
        }
    }
    let bytes = writer.bytes_written();
    writer.finish().map_err(Error::Output)?;
    Ok(Generated { rows, bytes, frames, impairments: totals })
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

fn row(replica: &Replica, template: &Template, base_ns: u64) -> ManifestRow {
    ManifestRow {
        first_frame: 0,
        client: replica.plan.client,
        server: replica.plan.server,
        transport: template.transport(),
        start_ns: base_ns + replica.plan.start_ns,
        template: template.index,
        label: template.label.clone().unwrap_or_else(|| "-".into()),
        impairments: replica.impairments,
    }
}

fn epoch_nanos(ts: tlsdoctor_capture::Timestamp) -> u64 {
    (ts.secs.max(0) as u64).saturating_mul(1_000_000_000).saturating_add(u64::from(ts.nanos))
}
