//! Whatever the input, the pipeline and the printers return a value or an error, never a
//! panic, and the analysis ends: arbitrary bytes as a capture, real captures with bytes
//! flipped, frames cut, duplicated, reordered or dropped, and the TLS stream parser fed
//! arbitrary chunks with gaps.

mod common;

use std::io::Cursor;

use common::*;
use proptest::prelude::*;
use tlsdoctor::dissect::{FieldsPrinter, JsonPrinter, TextPrinter};
use tlsdoctor::pipeline::{analyze_reader, Config, Connection, InputSummary, Observer};
use tlsdoctor_capture::{CaptureError, CaptureReader};
use tlsdoctor_tcp::{Chunk, Side};
use tlsdoctor_tls::stream::{Event, StreamConfig, TlsConnection};

/// Every printer at once.
struct AllPrinters {
    text: TextPrinter<Vec<u8>>,
    json: JsonPrinter<Vec<u8>>,
    fields: FieldsPrinter<Vec<u8>>,
    events: u64,
}

impl Observer for AllPrinters {
    fn tls(&mut self, conn: &Connection, event: &Event<'_>) {
        self.events += 1;
        self.text.tls(conn, event);
        self.json.tls(conn, event);
        self.fields.tls(conn, event);
    }

    fn connection_ended(&mut self, conn: &Connection) {
        self.text.connection_ended(conn);
        self.json.connection_ended(conn);
        self.fields.connection_ended(conn);
    }

    fn frame_done(&mut self, frame: u64) {
        self.text.frame_done(frame);
        self.json.frame_done(frame);
        self.fields.frame_done(frame);
    }
}

/// Runs `bytes` as a capture through every printer; checks that each JSON line parses.
fn dissect_all(bytes: Vec<u8>) -> Result<InputSummary, CaptureError> {
    let mut printers = AllPrinters {
        text: TextPrinter::new(Vec::new(), true),
        json: JsonPrinter::new(Vec::new()),
        fields: FieldsPrinter::new(Vec::new()),
        events: 0,
    };
    let reader = CaptureReader::from_reader(Box::new(Cursor::new(bytes)), "mutated.pcap")?;
    let summary = analyze_reader(reader, &Config::default(), &mut printers, &mut |_| {});
    let text = printers.text.finish().unwrap();
    String::from_utf8(text).expect("text output is UTF-8");
    let fields = printers.fields.finish().unwrap();
    String::from_utf8(fields).expect("fields output is UTF-8");
    let json = String::from_utf8(printers.json.finish().unwrap()).expect("JSON is UTF-8");
    for line in json.lines() {
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("JSON line {line:?} does not parse: {e}"));
        assert!(value.get("frame").is_some_and(|f| f.is_u64()), "{line}");
    }
    summary
}

fn pcap_header(link_type: u32) -> Vec<u8> {
    write_pcap(link_type, std::iter::empty())
}

/// The first bytes of a pcapng file: a section header block and an Ethernet interface.
fn pcapng_header() -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0x0a0d_0d0au32.to_le_bytes());
    out.extend_from_slice(&28u32.to_le_bytes());
    out.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(-1i64).to_le_bytes());
    out.extend_from_slice(&28u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes()); // IDB
    out.extend_from_slice(&20u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // Ethernet
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes()); // snaplen
    out.extend_from_slice(&20u32.to_le_bytes());
    out
}

/// Arbitrary bytes, or arbitrary bytes behind a valid capture header.
fn capture_bytes() -> impl Strategy<Value = Vec<u8>> {
    let body = proptest::collection::vec(any::<u8>(), 0..2048);
    prop_oneof![
        body.clone(),
        (prop_oneof![Just(0u32), Just(1), Just(101), Just(108), Just(113), Just(276), any::<u32>()], body.clone())
            .prop_map(|(link, b)| [pcap_header(link), b].concat()),
        body.prop_map(|b| [pcapng_header(), b].concat()),
    ]
}

/// A change to a real capture's frames.
#[derive(Debug, Clone)]
enum FrameEdit {
    /// Flip bits of byte `at` (modulo the frame length) of frame `frame`.
    Flip {
        frame: usize,
        at: usize,
        bits: u8,
    },
    /// Keep only the first `len` bytes of a frame.
    Cut {
        frame: usize,
        len: usize,
    },
    Duplicate {
        frame: usize,
        to: usize,
    },
    Drop {
        frame: usize,
    },
    Swap {
        a: usize,
        b: usize,
    },
}

fn frame_edit() -> impl Strategy<Value = FrameEdit> {
    let n = 0..64usize;
    prop_oneof![
        4 => (n.clone(), any::<usize>(), 1..=255u8).prop_map(|(frame, at, bits)| FrameEdit::Flip { frame, at, bits }),
        1 => (n.clone(), 0..1600usize).prop_map(|(frame, len)| FrameEdit::Cut { frame, len }),
        1 => (n.clone(), n.clone()).prop_map(|(frame, to)| FrameEdit::Duplicate { frame, to }),
        1 => n.clone().prop_map(|frame| FrameEdit::Drop { frame }),
        1 => (n.clone(), n).prop_map(|(a, b)| FrameEdit::Swap { a, b }),
    ]
}

/// A real capture's frames with `edits` applied, as a classic pcap.
fn mutated_capture(frames: &[OwnedFrame], edits: &[FrameEdit]) -> Vec<u8> {
    let mut list: Vec<OwnedFrame> = frames.to_vec();
    for edit in edits {
        if list.is_empty() {
            break;
        }
        let n = list.len();
        match *edit {
            FrameEdit::Flip { frame, at, bits } => {
                let data = &mut list[frame % n].data;
                if !data.is_empty() {
                    let i = at % data.len();
                    data[i] ^= bits;
                }
            }
            FrameEdit::Cut { frame, len } => list[frame % n].data.truncate(len),
            FrameEdit::Duplicate { frame, to } => {
                let copy = list[frame % n].clone();
                list.insert(to % (n + 1), copy);
            }
            FrameEdit::Drop { frame } => {
                list.remove(frame % n);
            }
            FrameEdit::Swap { a, b } => list.swap(a % n, b % n),
        }
    }
    write_pcap(1, list.iter().map(|f| (f.timestamp, f.data.as_slice(), f.original_len)))
}

/// One step of feeding a TLS connection parser.
#[derive(Debug, Clone)]
enum Feed {
    /// The next `len` bytes of a side's stream.
    Data { client: bool, len: usize },
    /// `len` bytes of a side's stream lost.
    Gap { client: bool, len: usize },
    /// Arbitrary bytes on a side.
    Junk { client: bool, bytes: Vec<u8> },
}

fn feed() -> impl Strategy<Value = Feed> {
    prop_oneof![
        6 => (any::<bool>(), 0..2000usize).prop_map(|(client, len)| Feed::Data { client, len }),
        1 => (any::<bool>(), 1..3000usize).prop_map(|(client, len)| Feed::Gap { client, len }),
        1 => (any::<bool>(), proptest::collection::vec(any::<u8>(), 0..64))
            .prop_map(|(client, bytes)| Feed::Junk { client, bytes }),
    ]
}

/// Each side's bytes of a real connection, in stream order (the fixture has no loss).
fn streams(path: &str) -> [Vec<u8>; 2] {
    let frames = read_frames(path);
    let client_port = frames[0].tcp().src_port;
    let mut out = [Vec::new(), Vec::new()];
    for f in &frames {
        let side = usize::from(f.tcp().src_port != client_port);
        out[side].extend_from_slice(f.payload());
    }
    out
}

fn small_capture() -> &'static [OwnedFrame] {
    static FRAMES: std::sync::OnceLock<Vec<OwnedFrame>> = std::sync::OnceLock::new();
    FRAMES.get_or_init(|| read_frames(&fixture("tls12-ecdhe-rsa-aes128gcm.pcapng")))
}

fn chain_capture() -> &'static [OwnedFrame] {
    static FRAMES: std::sync::OnceLock<Vec<OwnedFrame>> = std::sync::OnceLock::new();
    FRAMES.get_or_init(|| read_frames(&fixture("tls12-mtls-large-chain.pcapng")))
}

#[test]
fn unmutated_captures_print_and_parse() {
    for frames in [small_capture(), chain_capture()] {
        let summary = dissect_all(mutated_capture(frames, &[])).unwrap();
        assert_eq!(summary.tls_connections, 1);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// (a) Arbitrary bytes as a capture file: a value or an error.
    #[test]
    fn arbitrary_bytes_as_a_capture(bytes in capture_bytes()) {
        let _ = dissect_all(bytes);
    }

    /// (c) The TLS parser fed real streams in arbitrary chunks, with losses and junk.
    #[test]
    fn tls_connection_takes_any_chunks(
        steps in proptest::collection::vec(feed(), 0..40),
        start_seen in any::<bool>(),
        tls13 in any::<bool>(),
        flips in proptest::collection::vec((any::<usize>(), 1..=255u8), 0..4),
    ) {
        let path = fixture(if tls13 { "tls13-rsa.pcapng" } else { "tls12-mtls-large-chain.pcapng" });
        let mut streams = streams(&path);
        for (at, bits) in flips {
            let side = at % 2;
            if !streams[side].is_empty() {
                let i = at % streams[side].len();
                streams[side][i] ^= bits;
            }
        }
        let config = StreamConfig { max_message_len: 4096, detect_limit: 1024 };
        let mut conn = TlsConnection::new(config, start_seen);
        let mut pos = [0usize; 2];
        let mut events = 0u64;
        let mut out = |e: Event<'_>| {
            events += 1;
            let _ = (e.frame(), e.side());
        };
        for (frame, step) in steps.into_iter().enumerate() {
            let frame = frame as u64 + 1;
            match step {
                Feed::Data { client, len } => {
                    let i = usize::from(!client);
                    let side = if client { Side::Client } else { Side::Server };
                    let end = (pos[i] + len).min(streams[i].len());
                    let chunk = Chunk { bytes: &streams[i][pos[i]..end], frame, delivered_in: frame };
                    conn.data(side, chunk, &mut out);
                    pos[i] = end;
                }
                Feed::Gap { client, len } => {
                    let i = usize::from(!client);
                    let side = if client { Side::Client } else { Side::Server };
                    pos[i] = (pos[i] + len).min(streams[i].len());
                    conn.gap(side, len as u64, frame, &mut out);
                }
                Feed::Junk { client, bytes } => {
                    let side = if client { Side::Client } else { Side::Server };
                    conn.data(side, Chunk { bytes: &bytes, frame, delivered_in: frame }, &mut out);
                }
            }
        }
        conn.finish(&mut out);
        let _ = (conn.negotiated(), conn.is_tls(Side::Client), conn.is_tls(Side::Server));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// (b) A real capture file with bytes flipped and cut short: the container, link,
    /// IP, TCP and TLS layers all see damage.
    #[test]
    fn damaged_capture_file(
        flips in proptest::collection::vec((any::<usize>(), 1..=255u8), 0..8),
        cut in proptest::option::of(any::<usize>()),
        pcapng in any::<bool>(),
    ) {
        let path = fixture(if pcapng { "tls12-mtls-large-chain.pcapng" } else { "tls12-ecdhe-rsa-aes128gcm.pcap" });
        let mut bytes = std::fs::read(path).unwrap();
        for (at, bits) in flips {
            let i = at % bytes.len();
            bytes[i] ^= bits;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut % (bytes.len() + 1));
        }
        let _ = dissect_all(bytes);
    }

    /// (b, d) Real frames flipped, cut, duplicated, dropped and swapped, through every
    /// printer (text -v decodes every handshake message and certificate).
    #[test]
    fn mutated_frames_through_every_printer(
        edits in proptest::collection::vec(frame_edit(), 0..12),
        chain in any::<bool>(),
    ) {
        let frames = if chain { chain_capture() } else { small_capture() };
        let summary = dissect_all(mutated_capture(frames, &edits)).expect("a pcap we wrote reads");
        prop_assert!(summary.frames <= frames.len() as u64 + edits.len() as u64);
    }
}
