//! Packet builders, hex and a minimal classic-pcap reader for the tests.
#![allow(dead_code)]

use tlsdoctor_capture::{LinkType, Timestamp};
use tlsdoctor_net::{Decoded, Decoder, NetError, TcpSegment, UdpDatagram};

pub fn hex(s: &str) -> Vec<u8> {
    let s: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    s.chunks(2).map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap()).collect()
}

pub fn ts(secs: i64) -> Timestamp {
    Timestamp { secs, nanos: 0 }
}

pub fn tcp_header(sport: u16, dport: u16, seq: u32, ack: u32, flags: u8, options: &[u8]) -> Vec<u8> {
    assert_eq!(options.len() % 4, 0);
    let mut v = Vec::new();
    v.extend(sport.to_be_bytes());
    v.extend(dport.to_be_bytes());
    v.extend(seq.to_be_bytes());
    v.extend(ack.to_be_bytes());
    v.push((((20 + options.len()) / 4) as u8) << 4);
    v.push(flags);
    v.extend(0x1234u16.to_be_bytes()); // window
    v.extend([0, 0, 0, 0]); // checksum, urgent pointer
    v.extend(options);
    v
}

pub fn tcp(sport: u16, dport: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    let mut v = tcp_header(sport, dport, seq, 7, 0x18, &[]);
    v.extend(payload);
    v
}

pub fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(sport.to_be_bytes());
    v.extend(dport.to_be_bytes());
    v.extend(((8 + payload.len()) as u16).to_be_bytes());
    v.extend([0, 0]);
    v.extend(payload);
    v
}

pub const A4: [u8; 4] = [192, 0, 2, 1];
pub const B4: [u8; 4] = [198, 51, 100, 2];
pub const A6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
pub const B6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

/// IPv4 with a 20-byte header; `frag` is the raw flags/fragment-offset field.
pub fn ipv4_frag(protocol: u8, id: u16, frag: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0x45, 0];
    v.extend(((20 + payload.len()) as u16).to_be_bytes());
    v.extend(id.to_be_bytes());
    v.extend(frag.to_be_bytes());
    v.extend([64, protocol, 0, 0]);
    v.extend(A4);
    v.extend(B4);
    v.extend(payload);
    v
}

pub fn ipv4(protocol: u8, payload: &[u8]) -> Vec<u8> {
    ipv4_frag(protocol, 1, 0x4000, payload)
}

pub fn ipv6(next: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0x60, 0, 0, 0];
    v.extend((payload.len() as u16).to_be_bytes());
    v.extend([next, 64]);
    v.extend(A6);
    v.extend(B6);
    v.extend(payload);
    v
}

/// An IPv6 extension header of `8 * (1 + units)` bytes (hop-by-hop, routing, dest opts).
pub fn ext(next: u8, units: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![next, units];
    v.resize(8 * (1 + usize::from(units)), 1); // PadN-ish filler
    v.extend(body);
    v
}

pub fn frag6(next: u8, offset: u16, more: bool, id: u32, body: &[u8]) -> Vec<u8> {
    let mut v = vec![next, 0];
    v.extend((offset << 3 | u16::from(more)).to_be_bytes());
    v.extend(id.to_be_bytes());
    v.extend(body);
    v
}

pub fn ether(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2];
    v.extend(ethertype.to_be_bytes());
    v.extend(payload);
    v
}

pub fn unwrap_tcp<'a>(d: Decoded<'a>) -> TcpSegment<'a> {
    match d {
        Decoded::Tcp(s) => s,
        other => panic!("expected TCP, got {other:?}"),
    }
}

pub fn unwrap_udp<'a>(d: Decoded<'a>) -> UdpDatagram<'a> {
    match d {
        Decoded::Udp(u) => u,
        other => panic!("expected UDP, got {other:?}"),
    }
}

/// Records of a little-endian microsecond classic pcap file: (link type, data).
pub fn read_pcap(path: &std::path::Path) -> (u32, Vec<Vec<u8>>) {
    let d = std::fs::read(path).unwrap();
    assert_eq!(&d[..4], &[0xd4, 0xc3, 0xb2, 0xa1], "{}: not a LE pcap", path.display());
    let le32 = |at: usize| u32::from_le_bytes(d[at..at + 4].try_into().unwrap());
    let link = le32(20);
    let mut frames = Vec::new();
    let mut at = 24;
    while at + 16 <= d.len() {
        let len = le32(at + 8) as usize;
        frames.push(d[at + 16..at + 16 + len].to_vec());
        at += 16 + len;
    }
    (link, frames)
}

pub fn capture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/wireshark/captures").join(name)
}

/// What the decoder makes of one frame, as a line.
pub fn decode(link: LinkType, frame: &[u8]) -> Result<String, NetError> {
    let mut d = Decoder::default();
    d.decode(link, frame, ts(0)).map(|x| match x {
        Decoded::Tcp(s) => format!(
            "tcp {} -> {} seq {} ack {} flags {:#x} win {} payload {:02x?} cut {}",
            s.src, s.dst, s.seq, s.ack, s.flags.0, s.window, s.payload, s.payload_cut
        ),
        Decoded::Udp(u) => {
            format!("udp {} -> {} payload {:02x?} cut {}", u.src, u.dst, u.payload, u.payload_cut)
        }
        Decoded::FragmentHeld => "fragment".into(),
        Decoded::Other => "other".into(),
    })
}

/// The layer a frame's error names.
pub fn layer(link: LinkType, frame: &[u8]) -> &'static str {
    match decode(link, frame) {
        Err(e) => e.layer,
        Ok(x) => panic!("expected an error, got {x}"),
    }
}

pub const TCP4: &str =
    "tcp 192.0.2.1:1000 -> 198.51.100.2:443 seq 5 ack 7 flags 0x18 win 4660 payload [61, 62, 63] cut false";
pub const TCP6: &str =
    "tcp [2001:db8::1]:1000 -> [2001:db8::2]:443 seq 5 ack 7 flags 0x18 win 4660 payload [61, 62, 63] cut false";

pub fn tcp4() -> Vec<u8> {
    ipv4(6, &tcp(1000, 443, 5, b"abc"))
}
pub fn tcp6() -> Vec<u8> {
    ipv6(6, &tcp(1000, 443, 5, b"abc"))
}
