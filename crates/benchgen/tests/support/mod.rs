//! Reading generated captures back, independently of the generator's own code.

#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap};
use std::io::Cursor;
use std::net::SocketAddr;
use std::sync::OnceLock;

use tlsdoctor_benchgen::{default_seed_capture, generate, Generated, Options, Seed};
use tlsdoctor_capture::{CaptureReader, LinkType, Timestamp};
use tlsdoctor_net::{Decoded, Decoder};

/// The repository's seed, read once per test binary.
pub fn seed() -> &'static Seed {
    static SEED: OnceLock<Seed> = OnceLock::new();
    SEED.get_or_init(|| Seed::open(&default_seed_capture()).expect("the repository's seed"))
}

pub fn generate_bytes(seed: &Seed, options: &Options) -> (Vec<u8>, Generated) {
    let mut out = Vec::new();
    let generated = generate(seed, options, &mut out).expect("generation");
    (out, generated)
}

pub struct OwnedFrame {
    pub number: u64,
    pub timestamp: Timestamp,
    pub link_type: LinkType,
    pub data: Vec<u8>,
}

pub fn frames(bytes: &[u8]) -> Vec<OwnedFrame> {
    let mut reader = CaptureReader::from_reader(Box::new(Cursor::new(bytes.to_vec())), "generated").unwrap();
    let mut out = Vec::new();
    while let Some(f) = reader.next_frame().expect("a readable capture") {
        out.push(OwnedFrame {
            number: f.number,
            timestamp: f.timestamp,
            link_type: f.link_type,
            data: f.data.to_vec(),
        });
    }
    out
}

/// A TCP segment of a generated capture, owned.
#[derive(Debug, Clone)]
pub struct Segment {
    pub frame: u64,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub seq: u32,
    pub syn: bool,
    pub ack_flag: bool,
    pub fin: bool,
    pub rst: bool,
    pub payload: Vec<u8>,
}

pub fn tcp_segments(frames: &[OwnedFrame]) -> Vec<Segment> {
    let mut decoder = Decoder::default();
    let mut out = Vec::new();
    for f in frames {
        if let Ok(Decoded::Tcp(s)) = decoder.decode(f.link_type, &f.data, f.timestamp) {
            out.push(Segment {
                frame: f.number,
                src: s.src,
                dst: s.dst,
                seq: s.seq,
                syn: s.flags.syn(),
                ack_flag: s.flags.ack(),
                fin: s.flags.fin(),
                rst: s.flags.rst(),
                payload: s.payload.to_vec(),
            });
        }
    }
    out
}

/// What one direction of a connection showed.
#[derive(Debug, Default)]
pub struct Direction {
    pub isn: Option<u32>,
    /// Payload by offset in the stream (relative sequence number - 1).
    pub pieces: HashMap<usize, Vec<u8>>,
    pub retransmitted: u64,
    pub reordered: u64,
    highest_end: usize,
}

impl Direction {
    fn data(&mut self, seq: u32, payload: &[u8]) {
        let Some(isn) = self.isn else { panic!("data before the SYN") };
        let offset = seq.wrapping_sub(isn).wrapping_sub(1) as usize;
        if let Some(seen) = self.pieces.get(&offset) {
            assert_eq!(seen, payload, "a retransmission carries the same bytes");
            self.retransmitted += 1;
            return;
        }
        if offset < self.highest_end {
            self.reordered += 1;
        }
        self.highest_end = self.highest_end.max(offset + payload.len());
        self.pieces.insert(offset, payload.to_vec());
    }

    /// The stream as far as it is contiguous, and the segment starts missing from it.
    pub fn reassemble(&self) -> (Vec<u8>, Vec<usize>) {
        let mut stream = Vec::new();
        let mut holes = Vec::new();
        let starts: BTreeSet<usize> = self.pieces.keys().copied().collect();
        let mut at = 0;
        for start in starts {
            if start > at {
                holes.push(at);
            }
            let piece = &self.pieces[&start];
            if start >= at {
                stream.resize(start, 0);
                stream.extend_from_slice(piece);
                at = start + piece.len();
            }
        }
        (stream, holes)
    }
}

/// Both directions of each connection, by client address.
pub fn connections(segments: &[Segment]) -> HashMap<SocketAddr, [Direction; 2]> {
    let mut conns: HashMap<SocketAddr, [Direction; 2]> = HashMap::new();
    let mut client_of: HashMap<(SocketAddr, SocketAddr), SocketAddr> = HashMap::new();
    for s in segments {
        if s.syn && !s.ack_flag {
            client_of.insert((s.src, s.dst), s.src);
            client_of.insert((s.dst, s.src), s.src);
            conns.entry(s.src).or_default()[0].isn = Some(s.seq);
            continue;
        }
        let client = client_of[&(s.src, s.dst)];
        let side = usize::from(s.src != client);
        let dir = &mut conns.get_mut(&client).unwrap()[side];
        if s.syn {
            dir.isn = Some(s.seq);
        } else if !s.payload.is_empty() {
            dir.data(s.seq, &s.payload);
        }
    }
    conns
}

/// RFC 1071 checksum, 16-bit words.
pub fn internet_checksum(parts: &[&[u8]]) -> u16 {
    let bytes: Vec<u8> = parts.concat();
    let mut sum: u32 = 0;
    for pair in bytes.chunks(2) {
        sum += u32::from(u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]));
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Checks an Ethernet/IPv4 frame's IP header checksum and its TCP or UDP checksum;
/// returns the IP protocol.
pub fn assert_checksums_valid(frame: &[u8]) -> u8 {
    assert_eq!(&frame[12..14], &[0x08, 0x00], "IPv4 over Ethernet");
    let ip = &frame[14..];
    assert_eq!(ip[0], 0x45);
    let total = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
    assert_eq!(total, ip.len(), "the IP length covers the frame");
    assert_eq!(internet_checksum(&[&ip[..20]]), 0, "IPv4 header checksum");
    let transport = &ip[20..total];
    let mut pseudo = Vec::new();
    pseudo.extend_from_slice(&ip[12..20]);
    pseudo.extend_from_slice(&[0, ip[9]]);
    pseudo.extend_from_slice(&(transport.len() as u16).to_be_bytes());
    assert_eq!(internet_checksum(&[&pseudo, transport]), 0, "transport checksum (protocol {})", ip[9]);
    ip[9]
}

/// A classic pcap (Ethernet, microseconds) of `(microseconds, frame)` records.
pub fn pcap(records: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&[2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    for (micros, frame) in records {
        out.extend_from_slice(&1_700_000_000u32.to_le_bytes());
        out.extend_from_slice(&micros.to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(frame);
    }
    out
}

/// An Ethernet/IPv4 frame around `transport` (checksums left at zero, as offloading
/// senders capture them).
pub fn ipv4_frame(src: SocketAddr, dst: SocketAddr, protocol: u8, transport: &[u8]) -> Vec<u8> {
    let (SocketAddr::V4(src), SocketAddr::V4(dst)) = (src, dst) else { panic!("IPv4 addresses") };
    let mut frame = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0];
    let ip_len = (20 + transport.len()) as u16;
    frame.extend_from_slice(&[0x45, 0]);
    frame.extend_from_slice(&ip_len.to_be_bytes());
    frame.extend_from_slice(&[0, 0, 0x40, 0, 64, protocol, 0, 0]);
    frame.extend_from_slice(&src.ip().octets());
    frame.extend_from_slice(&dst.ip().octets());
    frame.extend_from_slice(transport);
    frame
}

pub fn udp_frame(src: SocketAddr, dst: SocketAddr, payload: &[u8]) -> Vec<u8> {
    let mut udp = Vec::new();
    udp.extend_from_slice(&src.port().to_be_bytes());
    udp.extend_from_slice(&dst.port().to_be_bytes());
    udp.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    udp.extend_from_slice(&[0, 0]);
    udp.extend_from_slice(payload);
    ipv4_frame(src, dst, 17, &udp)
}

pub fn tcp_frame(src: SocketAddr, dst: SocketAddr, seq: u32, ack: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut tcp = Vec::new();
    tcp.extend_from_slice(&src.port().to_be_bytes());
    tcp.extend_from_slice(&dst.port().to_be_bytes());
    tcp.extend_from_slice(&seq.to_be_bytes());
    tcp.extend_from_slice(&ack.to_be_bytes());
    tcp.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    tcp.extend_from_slice(payload);
    ipv4_frame(src, dst, 6, &tcp)
}
