//! The dissect path, stage by stage, over the real seed capture
//! (`bench/seed/seed.pcapng`, 40 TLS connections, ~10.5 MB) held in memory, and over a
//! capture generated from it.
//!
//! Each benchmark adds one stage to the previous one, so the difference between two
//! neighbours is the cost of the stage added:
//!
//! - `capture`: pcapng blocks -> frames
//! - `net`: + link / IP / TCP header decoding
//! - `tcp`: + connection table and per-direction reassembly (no-op handler)
//! - `pipeline/noop`: + TLS record and message parsing (no-op observer)
//! - `pipeline/fields`, `pipeline/json`: + the `dissect` printers, writing to `io::sink()`
//! - `handshake/parse`: `parse_handshake` alone over real messages taken from the seed
//!
//! Throughput is in bytes of the capture file (of the message bodies for `handshake`).
//! Run with `cargo bench -p tlsdoctor --bench pipeline`.
//!
//! The seed's frames are loopback GSO frames (~9.5 KB on average), so per-frame costs
//! weigh ~10x less than in a real capture (~1 KB per frame with the ACKs). Group `file`
//! runs the same stages over a 32 MiB capture made from the seed by `tlsdoctor-benchgen`
//! (`--seed 1`: MSS-sized segments, ACKs, 200 connections at once), generated in memory;
//! set `TLSDOCTOR_BENCH_CAPTURE` to a capture file to use that instead.

use std::hint::black_box;
use std::io::{self, Cursor};
use std::sync::OnceLock;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use tlsdoctor::dissect::{FieldsPrinter, JsonPrinter};
use tlsdoctor::pipeline::{self, Config, Connection, Observer};
use tlsdoctor_capture::CaptureReader;
use tlsdoctor_net::{Decoded, Decoder};
use tlsdoctor_tcp::{Chunk, Close, ConnId, FlowTable, Opened, Side, StreamHandler};
use tlsdoctor_tls::messages::{parse_handshake, ParseContext};
use tlsdoctor_tls::registry::{CipherSuite, HandshakeType, ProtocolVersion};
use tlsdoctor_tls::stream::{Event, MessageKind};

/// The seed capture, read once.
fn seed() -> &'static [u8] {
    static SEED: OnceLock<Vec<u8>> = OnceLock::new();
    SEED.get_or_init(|| {
        let path = tlsdoctor_benchgen::default_seed_capture();
        std::fs::read(&path).unwrap_or_else(|e| panic!("reading the seed capture {}: {e}", path.display()))
    })
}

/// Size of the generated capture of group `file`.
const GENERATED_SIZE: u64 = 32 << 20;

/// The capture named by `TLSDOCTOR_BENCH_CAPTURE`, else one generated from the seed;
/// made once.
fn file_capture() -> &'static [u8] {
    static FILE: OnceLock<Vec<u8>> = OnceLock::new();
    FILE.get_or_init(|| {
        if let Some(path) = std::env::var_os("TLSDOCTOR_BENCH_CAPTURE") {
            return std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.to_string_lossy()));
        }
        let seed = tlsdoctor_benchgen::Seed::open(&tlsdoctor_benchgen::default_seed_capture())
            .unwrap_or_else(|e| panic!("{e}"));
        let options = tlsdoctor_benchgen::Options { target_size: GENERATED_SIZE, ..Default::default() };
        let mut bytes = Vec::with_capacity(GENERATED_SIZE as usize);
        tlsdoctor_benchgen::generate(&seed, &options, &mut bytes).unwrap_or_else(|e| panic!("{e}"));
        bytes
    })
}

fn reader(bytes: &'static [u8]) -> CaptureReader {
    CaptureReader::from_reader(Box::new(Cursor::new(bytes)), "seed.pcapng").expect("the seed is a capture")
}

/// Counts what it is given, so nothing is optimised away.
#[derive(Default)]
struct CountingHandler {
    bytes: u64,
    events: u64,
}

impl StreamHandler for CountingHandler {
    fn opened(&mut self, _conn: &Opened) {
        self.events += 1;
    }
    fn data(&mut self, _conn: ConnId, _side: Side, chunk: Chunk<'_>) {
        self.bytes += chunk.bytes.len() as u64;
    }
    fn gap(&mut self, _conn: ConnId, _side: Side, _missing: u64, _frame: u64) {
        self.events += 1;
    }
    fn closed(&mut self, _conn: ConnId, _side: Side, _how: Close, _frame: u64) {
        self.events += 1;
    }
    fn ended(&mut self, _conn: ConnId) {
        self.events += 1;
    }
}

#[derive(Default)]
struct CountingObserver {
    events: u64,
}

impl Observer for CountingObserver {
    fn tls(&mut self, _conn: &Connection, _event: &Event<'_>) {
        self.events += 1;
    }
}

/// Handshake messages of the seed: (type, body, context), the first of each
/// (type, sender, negotiated version, cipher suite).
type Sample = (HandshakeType, Vec<u8>, ParseContext);

fn handshake_samples() -> Vec<Sample> {
    struct Collect(Vec<Sample>);
    impl Observer for Collect {
        fn tls(&mut self, _conn: &Connection, event: &Event<'_>) {
            let Event::Message(m) = event else { return };
            let MessageKind::Handshake { typ, raw } = m.kind else {
                return;
            };
            let ctx = ParseContext {
                version: m.negotiated.version.map(ProtocolVersion),
                cipher_suite: m.negotiated.cipher_suite.map(CipherSuite),
                from_server: m.side == Side::Server,
            };
            let typ = HandshakeType(typ);
            if !self.0.iter().any(|(t, _, c)| *t == typ && *c == ctx) {
                self.0.push((typ, raw.get(4..).unwrap_or_default().to_vec(), ctx));
            }
        }
    }
    let mut collect = Collect(Vec::new());
    pipeline::analyze_reader(reader(seed()), &Config::default(), &mut collect, &mut |_| {}).expect("seed analysis");
    assert!(collect.0.len() >= 10, "only {} distinct handshake messages in the seed", collect.0.len());
    collect.0
}

fn configure(group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>, bytes: u64) {
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Bytes(bytes));
}

fn stages(c: &mut Criterion) {
    stages_over(c, "seed", seed());
    stages_over(c, "file", file_capture());
    handshake(c);
}

fn stages_over(c: &mut Criterion, name: &str, bytes: &'static [u8]) {
    let mut frames = 0u64;
    let mut r = reader(bytes);
    while r.next_frame().expect("frame").is_some() {
        frames += 1;
    }
    eprintln!("{name}: {} bytes in {frames} frames", bytes.len());
    let mut group = c.benchmark_group(name);
    configure(&mut group, bytes.len() as u64);

    group.bench_function("capture", |b| {
        b.iter(|| {
            let mut r = reader(bytes);
            let mut total = 0usize;
            while let Some(frame) = r.next_frame().expect("frame") {
                total += frame.data.len();
            }
            black_box(total)
        })
    });

    group.bench_function("net", |b| {
        b.iter(|| {
            let mut r = reader(bytes);
            let mut net = Decoder::new(Default::default());
            let mut payload = 0usize;
            while let Some(frame) = r.next_frame().expect("frame") {
                if let Ok(Decoded::Tcp(seg)) = net.decode(frame.link_type, frame.data, frame.timestamp) {
                    payload += seg.payload.len();
                }
            }
            black_box(payload)
        })
    });

    group.bench_function("tcp", |b| {
        b.iter(|| {
            let mut r = reader(bytes);
            let mut net = Decoder::new(Default::default());
            let mut flows = FlowTable::new(Default::default());
            let mut handler = CountingHandler::default();
            while let Some(frame) = r.next_frame().expect("frame") {
                if let Ok(Decoded::Tcp(seg)) = net.decode(frame.link_type, frame.data, frame.timestamp) {
                    flows.segment(&seg, frame.number, frame.timestamp.secs, &mut handler);
                }
            }
            flows.finish(&mut handler);
            black_box((handler.bytes, handler.events))
        })
    });

    let config = Config::default();
    group.bench_function("pipeline/noop", |b| {
        b.iter(|| {
            let mut observer = CountingObserver::default();
            let summary =
                pipeline::analyze_reader(reader(bytes), &config, &mut observer, &mut |_| {}).expect("analysis");
            black_box((summary.frames, observer.events))
        })
    });

    group.bench_function("pipeline/fields", |b| {
        b.iter(|| {
            let mut printer = FieldsPrinter::new(io::sink());
            let summary =
                pipeline::analyze_reader(reader(bytes), &config, &mut printer, &mut |_| {}).expect("analysis");
            printer.finish().expect("sink");
            black_box(summary.frames)
        })
    });

    group.bench_function("pipeline/json", |b| {
        b.iter(|| {
            let mut printer = JsonPrinter::new(io::sink());
            let summary =
                pipeline::analyze_reader(reader(bytes), &config, &mut printer, &mut |_| {}).expect("analysis");
            printer.finish().expect("sink");
            black_box(summary.frames)
        })
    });
    group.finish();
}

fn handshake(c: &mut Criterion) {
    let samples = handshake_samples();
    let body_bytes: usize = samples.iter().map(|(_, body, _)| body.len()).sum();
    eprintln!("handshake: {} messages, {body_bytes} body bytes", samples.len());
    let mut group = c.benchmark_group("handshake");
    configure(&mut group, body_bytes as u64);
    group.bench_function("parse", |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for (typ, body, ctx) in &samples {
                ok += usize::from(parse_handshake(*typ, black_box(body), ctx).is_ok());
            }
            black_box(ok)
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
