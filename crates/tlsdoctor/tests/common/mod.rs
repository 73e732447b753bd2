//! Helpers shared by the integration tests: reading a real capture's frames, finding
//! their TCP segment, rewriting segments, writing a classic pcap in memory, and an
//! observer that records what the pipeline found.
#![allow(dead_code)]

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use tlsdoctor::pipeline::{analyze_reader, Config, Connection, InputSummary, Observer};
use tlsdoctor_capture::{CaptureError, CaptureReader, Timestamp};
use tlsdoctor_tcp::Side;
use tlsdoctor_tls::stream::{AnomalyKind, Event, MessageKind};

/// A fixture of this repository.
pub fn fixture(name: &str) -> String {
    format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A capture of Wireshark's test suite (tests/data/wireshark).
pub fn wireshark_capture(name: &str) -> String {
    format!("{}/../../tests/data/wireshark/captures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// One frame of a capture, owned.
#[derive(Debug, Clone)]
pub struct OwnedFrame {
    pub number: u64,
    pub timestamp: Timestamp,
    pub link_type: u32,
    pub data: Vec<u8>,
    pub original_len: u32,
}

pub fn read_frames(path: &str) -> Vec<OwnedFrame> {
    let mut reader = CaptureReader::open(Path::new(path)).expect("fixture opens");
    let mut frames = Vec::new();
    while let Some(f) = reader.next_frame().expect("fixture reads") {
        frames.push(OwnedFrame {
            number: f.number,
            timestamp: f.timestamp,
            link_type: f.link_type.0,
            data: f.data.to_vec(),
            original_len: f.original_len,
        });
    }
    frames
}

/// A classic pcap (nanosecond timestamps, little endian) of `frames`, all of `link_type`.
pub fn write_pcap<'a>(link_type: u32, frames: impl IntoIterator<Item = (Timestamp, &'a [u8], u32)>) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_3c4du32.to_le_bytes()); // nanosecond magic
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes()); // thiszone
    out.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
    out.extend_from_slice(&262_144u32.to_le_bytes()); // snaplen
    out.extend_from_slice(&link_type.to_le_bytes());
    for (ts, data, original_len) in frames {
        out.extend_from_slice(&(ts.secs as u32).to_le_bytes());
        out.extend_from_slice(&ts.nanos.to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&original_len.max(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
    }
    out
}

/// Where the IP and TCP headers and the payload of an Ethernet frame lie.
#[derive(Debug, Clone, Copy)]
pub struct TcpView {
    pub ip: usize,
    pub ipv6: bool,
    pub tcp: usize,
    pub payload: usize,
    pub payload_len: usize,
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
}

/// The TCP segment of an Ethernet (optionally VLAN-tagged) IPv4/IPv6 frame.
pub fn tcp_view(frame: &OwnedFrame) -> Option<TcpView> {
    if frame.link_type != 1 {
        return None;
    }
    let d = &frame.data;
    let be16 = |at: usize| Some(u16::from_be_bytes([*d.get(at)?, *d.get(at + 1)?]));
    let be32 = |at: usize| Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?));
    let mut ip = 14;
    let mut ethertype = be16(12)?;
    while ethertype == 0x8100 || ethertype == 0x88a8 {
        ethertype = be16(ip + 2)?;
        ip += 4;
    }
    let (ipv6, tcp, end) = match ethertype {
        0x0800 if *d.get(ip + 9)? == 6 => {
            let ihl = usize::from(d[ip] & 0x0f) * 4;
            (false, ip + ihl, ip + usize::from(be16(ip + 2)?))
        }
        0x86dd if *d.get(ip + 6)? == 6 => (true, ip + 40, ip + 40 + usize::from(be16(ip + 4)?)),
        _ => return None,
    };
    let payload = tcp + usize::from(*d.get(tcp + 12)? >> 4) * 4;
    let end = end.min(d.len());
    Some(TcpView {
        ip,
        ipv6,
        tcp,
        payload,
        payload_len: end.checked_sub(payload)?,
        src_port: be16(tcp)?,
        dst_port: be16(tcp + 2)?,
        seq: be32(tcp + 4)?,
        ack: be32(tcp + 8)?,
    })
}

impl OwnedFrame {
    pub fn tcp(&self) -> TcpView {
        tcp_view(self).unwrap_or_else(|| panic!("frame {} is not TCP over Ethernet", self.number))
    }

    pub fn payload(&self) -> &[u8] {
        let v = self.tcp();
        &self.data[v.payload..v.payload + v.payload_len]
    }

    /// This frame's headers carrying `payload` at sequence number `seq` instead (IP
    /// length fixed, checksums not: tlsdoctor does not check them).
    pub fn with_segment(&self, seq: u32, payload: &[u8]) -> Vec<u8> {
        let v = self.tcp();
        let mut out = self.data[..v.payload].to_vec();
        out[v.tcp + 4..v.tcp + 8].copy_from_slice(&seq.to_be_bytes());
        out.extend_from_slice(payload);
        if v.ipv6 {
            let len = (out.len() - v.ip - 40) as u16;
            out[v.ip + 4..v.ip + 6].copy_from_slice(&len.to_be_bytes());
        } else {
            let len = (out.len() - v.ip) as u16;
            out[v.ip + 2..v.ip + 4].copy_from_slice(&len.to_be_bytes());
        }
        out
    }

    /// A copy of bytes `range` of this frame's payload, as a segment of its own.
    pub fn trimmed(&self, range: std::ops::Range<usize>) -> Vec<u8> {
        let v = self.tcp();
        self.with_segment(v.seq.wrapping_add(range.start as u32), &self.payload()[range])
    }
}

/// A frame of an impaired capture: an original one, or one made from an original.
#[derive(Debug, Clone)]
pub enum Item {
    Orig(u64),
    /// Bytes made from original frame `origin` (its timestamp is used).
    Made {
        origin: u64,
        data: Vec<u8>,
    },
}

/// A capture rebuilt from `items`, and for each new frame (1-based) the original
/// frame it came from.
pub struct Rebuilt {
    pub bytes: Vec<u8>,
    pub origin: Vec<u64>,
}

pub fn rebuild(frames: &[OwnedFrame], items: &[Item]) -> Rebuilt {
    let by_number = |n: u64| &frames[(n - 1) as usize];
    let mut origin = Vec::new();
    let mut records: Vec<(Timestamp, Vec<u8>, u32)> = Vec::new();
    for item in items {
        match item {
            Item::Orig(n) => {
                let f = by_number(*n);
                origin.push(*n);
                records.push((f.timestamp, f.data.clone(), f.original_len));
            }
            Item::Made { origin: n, data } => {
                origin.push(*n);
                records.push((by_number(*n).timestamp, data.clone(), data.len() as u32));
            }
        }
    }
    let link = frames[0].link_type;
    let bytes = write_pcap(link, records.iter().map(|(ts, d, l)| (*ts, d.as_slice(), *l)));
    Rebuilt { bytes, origin }
}

/// The original frames in order, with `edit` applied to the list.
pub fn items(frames: &[OwnedFrame]) -> Vec<Item> {
    frames.iter().map(|f| Item::Orig(f.number)).collect()
}

/// What the pipeline reported, in a comparable form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    Handshake(u8),
    Sslv2Hello,
    Ccs,
    Alert(u8, u8),
    Heartbeat,
    /// An SSL 2.0 message after the ClientHello, by its type.
    Sslv2(u8),
    Sslv2Encrypted(u16),
    Encrypted {
        content_type: u8,
        length: u16,
    },
    ApplicationData(usize),
    /// A QUIC transport signal (CONNECTION_CLOSE, Version Negotiation, stateless reset).
    Quic,
    Anomaly(AnomalyKind),
}

/// One message or anomaly: connection, frame, sender, what, and (for messages) every
/// frame its bytes came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub conn: u32,
    pub frame: u64,
    pub side: Side,
    pub what: What,
    pub frames: Vec<u64>,
}

/// Collects messages and anomalies, with frame numbers translated through `origin`
/// (new frame number -> original frame number) when it is given.
#[derive(Default)]
pub struct Collector {
    pub origin: Option<Vec<u64>>,
    pub seen: Vec<Seen>,
    pub records: u64,
    /// Each TLS connection's client address, as the pipeline finally labelled it.
    pub clients: std::collections::BTreeMap<u32, std::net::SocketAddr>,
}

impl Collector {
    fn map(&self, frame: u64) -> u64 {
        match &self.origin {
            Some(origin) => origin[(frame - 1) as usize],
            None => frame,
        }
    }

    pub fn messages(&self) -> Vec<Seen> {
        self.seen.iter().filter(|s| !matches!(s.what, What::Anomaly(_))).cloned().collect()
    }

    pub fn anomalies(&self) -> Vec<Seen> {
        self.seen.iter().filter(|s| matches!(s.what, What::Anomaly(_))).cloned().collect()
    }
}

impl Observer for Collector {
    fn tls(&mut self, conn: &Connection, event: &Event<'_>) {
        self.clients.insert(conn.id.0, conn.client);
        let (what, frames) = match event {
            Event::Record(_) => {
                self.records += 1;
                return;
            }
            Event::Anomaly(a) => (What::Anomaly(a.kind.clone()), Vec::new()),
            Event::Message(m) => {
                let what = match m.kind {
                    MessageKind::Handshake { typ, .. } => What::Handshake(typ),
                    MessageKind::Sslv2ClientHello { .. } => What::Sslv2Hello,
                    MessageKind::ChangeCipherSpec => What::Ccs,
                    MessageKind::Alert { level, description } => What::Alert(level, description),
                    MessageKind::Heartbeat { .. } => What::Heartbeat,
                    MessageKind::Sslv2 { msg_type, .. } => What::Sslv2(msg_type),
                    MessageKind::Sslv2Encrypted { length } => What::Sslv2Encrypted(length),
                    MessageKind::Encrypted { content_type, length } => What::Encrypted { content_type, length },
                    MessageKind::ApplicationData { data } | MessageKind::StreamData { data, .. } => {
                        What::ApplicationData(data.len())
                    }
                    MessageKind::Quic(_) => What::Quic,
                };
                let mut frames: Vec<u64> = Vec::new();
                for f in m.frames.iter().map(|&f| self.map(f)) {
                    if !frames.contains(&f) {
                        frames.push(f);
                    }
                }
                (what, frames)
            }
        };
        let seen = Seen { conn: conn.id.0, frame: self.map(event.frame()), side: event.side(), what, frames };
        self.seen.push(seen);
    }
}

/// Runs a capture held in memory through the pipeline.
pub fn analyze_bytes(bytes: Vec<u8>, observer: &mut dyn Observer) -> Result<InputSummary, CaptureError> {
    let reader = CaptureReader::from_reader(Box::new(Cursor::new(bytes)), "impaired.pcap")?;
    analyze_reader(reader, &Config::default(), observer, &mut |_| {})
}

/// What the pipeline finds in `bytes`, in original frame numbers.
pub fn observe(bytes: Vec<u8>, origin: Option<Vec<u64>>) -> (Collector, InputSummary) {
    let mut c = Collector { origin, ..Collector::default() };
    let summary = analyze_bytes(bytes, &mut c).expect("capture is readable");
    (c, summary)
}

/// What differs between two byte strings, briefly.
pub fn difference(expected: &[u8], got: &[u8]) -> Option<String> {
    if expected == got {
        return None;
    }
    let at = expected.iter().zip(got).position(|(a, b)| a != b).unwrap_or(expected.len().min(got.len()));
    Some(format!("{} bytes expected, {} decrypted, first difference at offset {at}", expected.len(), got.len()))
}

/// A directory of one test's own, removed on drop; kept when the test fails, so that what
/// it wrote can be looked at.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(stem: &str) -> Scratch {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let stem: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
        let dir = std::env::temp_dir().join(format!("tlsdoctor-test-{}-{n}-{stem}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: impl AsRef<Path>) -> PathBuf {
        self.0.join(name)
    }

    /// The directory, kept after the test.
    pub fn keep(mut self) -> PathBuf {
        std::mem::take(&mut self.0)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.0.as_os_str().is_empty() {
            // kept
        } else if std::thread::panicking() {
            eprintln!("kept {} for a look", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Whether `program` (tshark, python3), which a test runs for `what_for`, is installed.
/// Users need only the Rust toolchain: without the program the test says on the terminal
/// what it skips (a write to stderr itself, which the test harness does not capture), and
/// the caller returns. CI sets TLSDOCTOR_REQUIRE_TOOLS, and there a missing program fails.
pub fn have_tool(program: &str, what_for: &str) -> bool {
    use std::io::Write;
    let found = std::process::Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("TLSDOCTOR_REQUIRE_TOOLS").is_none(), "{program} is required here, for {what_for}");
        let _ = writeln!(std::io::stderr(), "skipped: {what_for} (needs {program}, not installed)");
    }
    found
}
