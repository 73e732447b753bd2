//! Ethernet / IPv4 / TCP and UDP headers with valid checksums. Headers are built apart
//! from the payload, so the payload is copied once, straight into the output buffer.

use std::net::SocketAddrV4;

/// Payload bytes per TCP segment: 1514-byte Ethernet frames.
pub const MSS: usize = 1460;
/// The most one IPv4 datagram can carry over UDP.
pub const MAX_UDP_PAYLOAD: usize = 65_535 - 20 - 8;
/// SYN and SYN-ACK options: MSS 1460, window scale 7, SACK permitted.
pub const SYN_OPTIONS: [u8; 12] = [2, 4, 0x05, 0xb4, 1, 3, 3, 7, 1, 1, 4, 2];
/// The longest header built here: Ethernet + IPv4 + TCP with the SYN options.
pub const MAX_HEADER_LEN: usize = ETHERNET_LEN + IPV4_LEN + TCP_LEN + SYN_OPTIONS.len();

const ETHERNET_LEN: usize = 14;
const IPV4_LEN: usize = 20;
const TCP_LEN: usize = 20;
const UDP_LEN: usize = 8;
const PROTO_TCP: u8 = 6;
const PROTO_UDP: u8 = 17;

/// One end of a replica as its packets show it.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    pub mac: [u8; 6],
    pub addr: SocketAddrV4,
    pub ttl: u8,
    /// The TCP window it advertises (unscaled value).
    pub window: u16,
}

/// The TCP header fields a packet chooses.
#[derive(Debug, Clone, Copy)]
pub struct TcpFields {
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    pub syn_options: bool,
}

pub fn tcp_frame_len(syn_options: bool, payload: usize) -> usize {
    ETHERNET_LEN + IPV4_LEN + TCP_LEN + if syn_options { SYN_OPTIONS.len() } else { 0 } + payload
}

pub fn udp_frame_len(payload: usize) -> usize {
    ETHERNET_LEN + IPV4_LEN + UDP_LEN + payload
}

/// Writes the headers of a TCP frame carrying `payload` into `out`; returns their length.
pub fn tcp_headers(
    out: &mut [u8; MAX_HEADER_LEN],
    from: &Endpoint,
    to: &Endpoint,
    ip_id: u16,
    tcp: TcpFields,
    payload: &[u8],
) -> usize {
    let options: &[u8] = if tcp.syn_options { &SYN_OPTIONS } else { &[] };
    let tcp_len = TCP_LEN + options.len();
    let segment_len = tcp_len + payload.len();
    let at = ethernet_ipv4(out, from, to, ip_id, PROTO_TCP, segment_len);
    let h = &mut out[at..at + tcp_len];
    h[0..2].copy_from_slice(&from.addr.port().to_be_bytes());
    h[2..4].copy_from_slice(&to.addr.port().to_be_bytes());
    h[4..8].copy_from_slice(&tcp.seq.to_be_bytes());
    h[8..12].copy_from_slice(&tcp.ack.to_be_bytes());
    h[12] = ((tcp_len / 4) as u8) << 4;
    h[13] = tcp.flags;
    h[14..16].copy_from_slice(&from.window.to_be_bytes());
    h[16..20].fill(0); // checksum, urgent pointer
    h[20..].copy_from_slice(options);
    let sum = pseudo_header_sum(from, to, PROTO_TCP, segment_len) + word_sum(h) + word_sum(payload);
    h[16..18].copy_from_slice(&fold(sum).to_be_bytes());
    at + tcp_len
}

/// Writes the headers of a UDP frame carrying `payload` into `out`; returns their length.
pub fn udp_headers(
    out: &mut [u8; MAX_HEADER_LEN],
    from: &Endpoint,
    to: &Endpoint,
    ip_id: u16,
    payload: &[u8],
) -> usize {
    let datagram_len = UDP_LEN + payload.len();
    let at = ethernet_ipv4(out, from, to, ip_id, PROTO_UDP, datagram_len);
    let h = &mut out[at..at + UDP_LEN];
    h[0..2].copy_from_slice(&from.addr.port().to_be_bytes());
    h[2..4].copy_from_slice(&to.addr.port().to_be_bytes());
    h[4..6].copy_from_slice(&(datagram_len as u16).to_be_bytes());
    h[6..8].fill(0);
    let sum = pseudo_header_sum(from, to, PROTO_UDP, datagram_len) + word_sum(h) + word_sum(payload);
    // A computed 0 is sent as all ones: 0 means "no checksum" in UDP.
    let checksum = match fold(sum) {
        0 => 0xffff,
        c => c,
    };
    h[6..8].copy_from_slice(&checksum.to_be_bytes());
    at + UDP_LEN
}

/// Ethernet and IPv4 headers (DF set, no options); returns where the transport starts.
fn ethernet_ipv4(
    out: &mut [u8; MAX_HEADER_LEN],
    from: &Endpoint,
    to: &Endpoint,
    ip_id: u16,
    protocol: u8,
    transport_len: usize,
) -> usize {
    out[0..6].copy_from_slice(&to.mac);
    out[6..12].copy_from_slice(&from.mac);
    out[12..14].copy_from_slice(&0x0800u16.to_be_bytes());
    let ip = &mut out[ETHERNET_LEN..ETHERNET_LEN + IPV4_LEN];
    ip[0] = 0x45;
    ip[1] = 0;
    ip[2..4].copy_from_slice(&((IPV4_LEN + transport_len) as u16).to_be_bytes());
    ip[4..6].copy_from_slice(&ip_id.to_be_bytes());
    ip[6..8].copy_from_slice(&0x4000u16.to_be_bytes());
    ip[8] = from.ttl;
    ip[9] = protocol;
    ip[10..12].fill(0);
    ip[12..16].copy_from_slice(&from.addr.ip().octets());
    ip[16..20].copy_from_slice(&to.addr.ip().octets());
    let checksum = fold(word_sum(ip));
    ip[10..12].copy_from_slice(&checksum.to_be_bytes());
    ETHERNET_LEN + IPV4_LEN
}

fn pseudo_header_sum(from: &Endpoint, to: &Endpoint, protocol: u8, len: usize) -> u64 {
    u64::from(u32::from(*from.addr.ip())) + u64::from(u32::from(*to.addr.ip())) + u64::from(protocol) + len as u64
}

/// The Internet checksum's sum of `data` (which starts at an even offset), unfolded.
/// Big-endian 32-bit words sum to the same value modulo 0xffff as 16-bit ones.
pub fn word_sum(data: &[u8]) -> u64 {
    let mut chunks = data.chunks_exact(4);
    let mut sum: u64 = (&mut chunks).map(|c| u64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]]))).sum();
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 4];
        last[..rest.len()].copy_from_slice(rest);
        sum += u64::from(u32::from_be_bytes(last));
    }
    sum
}

/// Folds a sum to 16 bits and complements it.
pub fn fold(mut sum: u64) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 1071's reference: 16-bit words, end-around carry.
    fn reference_checksum(data: &[u8]) -> u16 {
        let mut sum: u32 = 0;
        for pair in data.chunks(2) {
            sum += u32::from(u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]));
        }
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        !(sum as u16)
    }

    #[test]
    fn word_sum_matches_the_reference_for_every_length() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7919 % 251) as u8).collect();
        for len in 0..data.len() {
            assert_eq!(fold(word_sum(&data[..len])), reference_checksum(&data[..len]), "{len}");
        }
    }

    #[test]
    fn headers_verify_to_zero() {
        let a = Endpoint { mac: [2, 0, 0, 0, 0, 1], addr: "10.1.2.3:40000".parse().unwrap(), ttl: 64, window: 2052 };
        let b = Endpoint { mac: [2, 0, 0, 0, 0, 0xfe], addr: "172.16.5.6:443".parse().unwrap(), ttl: 52, window: 501 };
        let payload = b"hello, odd length";
        let mut out = [0u8; MAX_HEADER_LEN];
        let fields = TcpFields { seq: 1, ack: 2, flags: 0x18, syn_options: true };
        let n = tcp_headers(&mut out, &a, &b, 7, fields, payload);
        assert_eq!(n + payload.len(), tcp_frame_len(true, payload.len()));
        assert_eq!(reference_checksum(&out[14..34]), 0);
        let mut segment = out[34..n].to_vec();
        segment.extend_from_slice(payload);
        let mut pseudo = vec![10, 1, 2, 3, 172, 16, 5, 6, 0, 6];
        pseudo.extend_from_slice(&(segment.len() as u16).to_be_bytes());
        pseudo.extend_from_slice(&segment);
        assert_eq!(reference_checksum(&pseudo), 0);
    }
}
