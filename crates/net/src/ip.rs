//! IPv4 and IPv6 headers (with extension headers), then TCP and UDP.
//!
//! Checksums are not verified: captures taken on the sending host carry offloaded,
//! never-filled checksums, and a passive analyser must read those packets anyway.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::link::header;
use crate::{be16, be32, Decoded, NetError, TcpFlags, TcpSegment, UdpDatagram};

pub(crate) mod protocol {
    pub const HOP_BY_HOP: u8 = 0;
    pub const IPV4: u8 = 4;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const IPV6: u8 = 41;
    pub const ROUTING: u8 = 43;
    pub const FRAGMENT: u8 = 44;
    pub const GRE: u8 = 47;
    pub const AH: u8 = 51;
    pub const DESTINATION_OPTIONS: u8 = 60;
}

/// IPv6 extension headers walked before the packet is called malformed.
pub(crate) const MAX_EXTENSION_HEADERS: usize = 16;

mod ipv4_field {
    pub const VER_IHL: usize = 0;
    pub const LENGTH: usize = 2;
    pub const IDENT: usize = 4;
    pub const FLG_OFF: usize = 6;
    pub const PROTOCOL: usize = 9;
    pub const SRC: usize = 12;
    pub const DST: usize = 16;
    pub const HEADER_LEN: usize = 20;
    pub const TTL: usize = 8;
}

mod ipv6_field {
    pub const VER_TC_FLOW: usize = 0;
    pub const LENGTH: usize = 4;
    pub const NXT_HDR: usize = 6;
    pub const HOP_LIMIT: usize = 7;
    pub const SRC: usize = 8;
    pub const DST: usize = 24;
    pub const HEADER_LEN: usize = 40;
}

/// Fragment position within a datagram, in bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FragmentInfo {
    pub id: u32,
    pub offset: usize,
    pub more: bool,
}

/// What the transport layer keeps of an IP header.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Addressing {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// IPv4 time to live, or IPv6 hop limit, as captured.
    pub ttl: u8,
}

/// An IP header's meaning, with the payload as far as the frame holds it.
pub(crate) struct IpPacket<'a> {
    pub addressing: Addressing,
    /// IPv4 protocol, or IPv6 next header after the fixed header.
    pub protocol: u8,
    pub payload: &'a [u8],
    /// Announced payload bytes the frame does not hold (snap length cut).
    pub missing: usize,
    /// IPv4 only: a fragment (IPv6 fragments are found while walking the extension headers).
    pub fragment: Option<FragmentInfo>,
}

/// The payload an IP header announces, as far as the frame holds it. `announced` None
/// means "whatever was captured" (total length 0: segmentation offload on the capturing
/// host, or an IPv6 jumbogram).
fn limit(b: &[u8], announced: Option<usize>) -> (&[u8], usize) {
    match announced {
        Some(n) if n <= b.len() => (b.get(..n).unwrap_or(b), 0),
        Some(n) => (b, n - b.len()),
        None => (b, 0),
    }
}

pub(crate) fn ipv4(b: &[u8]) -> Result<IpPacket<'_>, NetError> {
    use ipv4_field::*;
    let (h, _) = header::<HEADER_LEN>("ipv4", b)?;
    let version = h[VER_IHL] >> 4;
    if version != 4 {
        return Err(NetError::new("ipv4", format!("version {version}, expected 4")));
    }
    let header_len = usize::from(h[VER_IHL] & 0x0f) * 4;
    if header_len < HEADER_LEN {
        return Err(NetError::new("ipv4", format!("header length {header_len} is below 20")));
    }
    let total = usize::from(be16(h, LENGTH));
    let announced = match total {
        0 => None,
        t if t < header_len => {
            return Err(NetError::new("ipv4", format!("total length {t} is less than the header length {header_len}")))
        }
        t => Some(t - header_len),
    };
    let Some(rest) = b.get(header_len..) else {
        return Err(NetError::new("ipv4", format!("header length {header_len} with {} bytes captured", b.len())));
    };
    let (payload, missing) = limit(rest, announced);
    let flags = be16(h, FLG_OFF);
    let more = flags & 0x2000 != 0;
    let offset = usize::from(flags & 0x1fff) * 8;
    let addr = |at: usize| IpAddr::V4(Ipv4Addr::from(be32(h, at)));
    Ok(IpPacket {
        addressing: Addressing { src: addr(SRC), dst: addr(DST), ttl: h[TTL] },
        protocol: h[PROTOCOL],
        payload,
        missing,
        fragment: (more || offset > 0).then(|| FragmentInfo { id: u32::from(be16(h, IDENT)), offset, more }),
    })
}

pub(crate) fn ipv6(b: &[u8]) -> Result<IpPacket<'_>, NetError> {
    use ipv6_field::*;
    let (h, rest) = header::<HEADER_LEN>("ipv6", b)?;
    let version = h[VER_TC_FLOW] >> 4;
    if version != 6 {
        return Err(NetError::new("ipv6", format!("version {version}, expected 6")));
    }
    let announced = match be16(h, LENGTH) {
        0 => None,
        n => Some(usize::from(n)),
    };
    let (payload, missing) = limit(rest, announced);
    let addr = |at: usize| {
        let hi = u64::from(be32(h, at)) << 32 | u64::from(be32(h, at + 4));
        let lo = u64::from(be32(h, at + 8)) << 32 | u64::from(be32(h, at + 12));
        IpAddr::V6(Ipv6Addr::from(u128::from(hi) << 64 | u128::from(lo)))
    };
    let addressing = Addressing { src: addr(SRC), dst: addr(DST), ttl: h[HOP_LIMIT] };
    Ok(IpPacket { addressing, protocol: h[NXT_HDR], payload, missing, fragment: None })
}

/// Where the IPv6 extension header chain ends.
pub(crate) enum Ipv6Inner<'a> {
    /// TCP, UDP, or a tunnel.
    Transport {
        protocol: u8,
        payload: &'a [u8],
    },
    Fragment {
        next: u8,
        info: FragmentInfo,
        payload: &'a [u8],
    },
    /// ESP, no next header, ICMPv6 or another protocol.
    Other,
}

/// Walks IPv6 extension headers from `next` until TCP, UDP, a tunnel, a fragment header
/// or the end.
pub(crate) fn ipv6_extensions(mut next: u8, mut b: &[u8]) -> Result<Ipv6Inner<'_>, NetError> {
    use protocol::*;
    for _ in 0..MAX_EXTENSION_HEADERS {
        match next {
            HOP_BY_HOP | ROUTING | DESTINATION_OPTIONS | AH => {
                let (h, _) = header::<2>("ipv6", b)?;
                let len = match next {
                    AH => (usize::from(h[1]) + 2) * 4,
                    _ => (usize::from(h[1]) + 1) * 8,
                };
                let Some(rest) = b.get(len..) else {
                    return Err(NetError::new(
                        "ipv6",
                        format!("extension header {next} of {len} bytes with {} bytes left", b.len()),
                    ));
                };
                next = h[0];
                b = rest;
            }
            FRAGMENT => {
                let (h, rest) = header::<8>("ipv6", b)?;
                let field = be16(h, 2);
                let info = FragmentInfo { id: be32(h, 4), offset: usize::from(field >> 3) * 8, more: field & 1 != 0 };
                if info.offset == 0 && !info.more {
                    // An atomic fragment (RFC 6946): the whole datagram is here.
                    next = h[0];
                    b = rest;
                    continue;
                }
                return Ok(Ipv6Inner::Fragment { next: h[0], info, payload: rest });
            }
            TCP | UDP | IPV4 | IPV6 | GRE => return Ok(Ipv6Inner::Transport { protocol: next, payload: b }),
            _ => return Ok(Ipv6Inner::Other),
        }
    }
    Err(NetError::new("ipv6", format!("more than {MAX_EXTENSION_HEADERS} extension headers")))
}

mod tcp_field {
    pub const SRC_PORT: usize = 0;
    pub const DST_PORT: usize = 2;
    pub const SEQ_NUM: usize = 4;
    pub const ACK_NUM: usize = 8;
    pub const DATA_OFF: usize = 12;
    pub const FLAGS: usize = 13;
    pub const WIN_SIZE: usize = 14;
    pub const HEADER_LEN: usize = 20;
}

mod udp_field {
    pub const SRC_PORT: usize = 0;
    pub const DST_PORT: usize = 2;
    pub const LENGTH: usize = 4;
    pub const HEADER_LEN: usize = 8;
}

/// TCP or UDP in an IP payload; `cut` says the IP layer announced more than `b` holds.
pub(crate) fn transport(protocol: u8, ip: Addressing, b: &[u8], cut: bool) -> Result<Decoded<'_>, NetError> {
    match protocol {
        protocol::TCP => {
            use tcp_field::*;
            let (h, _) = header::<HEADER_LEN>("tcp", b)?;
            let header_len = usize::from(h[DATA_OFF] >> 4) * 4;
            if header_len < HEADER_LEN {
                return Err(NetError::new("tcp", format!("data offset {header_len} is below 20")));
            }
            let Some(payload) = b.get(header_len..) else {
                return Err(NetError::new("tcp", format!("data offset {header_len} with {} bytes captured", b.len())));
            };
            Ok(Decoded::Tcp(TcpSegment {
                src: SocketAddr::new(ip.src, be16(h, SRC_PORT)),
                dst: SocketAddr::new(ip.dst, be16(h, DST_PORT)),
                seq: be32(h, SEQ_NUM),
                ack: be32(h, ACK_NUM),
                flags: TcpFlags(h[FLAGS]),
                window: be16(h, WIN_SIZE),
                ttl: ip.ttl,
                payload,
                payload_cut: cut,
            }))
        }
        protocol::UDP => {
            use udp_field::*;
            let (h, rest) = header::<HEADER_LEN>("udp", b)?;
            let length = usize::from(be16(h, LENGTH));
            let (payload, missing) = match length {
                // Jumbograms (RFC 2675) and offloaded segmentation: take what is there.
                0 => (rest, usize::from(cut)),
                n if n < HEADER_LEN => return Err(NetError::new("udp", format!("length {n} is below 8"))),
                n => limit(rest, Some(n - HEADER_LEN)),
            };
            Ok(Decoded::Udp(UdpDatagram {
                src: SocketAddr::new(ip.src, be16(h, SRC_PORT)),
                dst: SocketAddr::new(ip.dst, be16(h, DST_PORT)),
                payload,
                payload_cut: missing > 0,
            }))
        }
        _ => Ok(Decoded::Other),
    }
}
