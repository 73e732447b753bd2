//! Tunnels that carry whole packets: GRE (with ERSPAN and Ethernet over GRE), IP in IP,
//! VXLAN and Geneve. A capture from a mirror port or a cloud's traffic mirror holds the
//! monitored traffic inside one of these, and the connection is the inner packet's.
//!
//! An IP fragment inside a tunnel is not put together with the rest of its datagram (the
//! outer packets are): that is reported, not passed over.

use crate::ip::{self, protocol, Addressing, Ipv6Inner};
use crate::link::{self, header, Network};
use crate::{be16, Decoded, NetError};

/// Tunnels inside tunnels opened before the packet is called malformed.
pub(crate) const MAX_TUNNELS: usize = 4;

/// The UDP destination ports that Wireshark decodes as tunnels by default, and Linux's
/// VXLAN port from before IANA assigned one, which flannel and Cilium still use.
const VXLAN_PORT: u16 = 4789;
const LINUX_VXLAN_PORT: u16 = 8472;
const GENEVE_PORT: u16 = 6081;

/// GRE protocol types beyond the ethertypes [`link::by_ethertype`] follows.
const TRANSPARENT_ETHERNET: u16 = 0x6558;
const ERSPAN_1_2: u16 = 0x88be;
const ERSPAN_3: u16 = 0x22eb;

/// TCP or UDP in an IP payload, opening the tunnels on the way; `depth` tunnels are
/// open already. `cut`: the IP layer announced more than `b` holds.
pub(crate) fn transport(
    protocol: u8,
    ip: Addressing,
    b: &[u8],
    cut: bool,
    depth: usize,
) -> Result<Decoded<'_>, NetError> {
    if let Some(inner) = in_ip(protocol, b) {
        return packet(inner?, depth);
    }
    let decoded = ip::transport(protocol, ip, b, cut)?;
    if let Decoded::Udp(datagram) = decoded {
        if let Some(inner) = in_udp(datagram.dst.port(), datagram.payload) {
            return packet(inner?, depth);
        }
    }
    Ok(decoded)
}

/// The packet a tunnel carries, `depth` tunnels deep.
fn packet(network: Network<'_>, depth: usize) -> Result<Decoded<'_>, NetError> {
    if depth >= MAX_TUNNELS {
        return Err(NetError::new("tunnel", format!("more than {MAX_TUNNELS} tunnels nested")));
    }
    let unfragmented = "an IP fragment inside a tunnel (not put together)";
    match network {
        Network::Ipv4(b) => {
            let p = ip::ipv4(b)?;
            if p.fragment.is_some() {
                return Err(NetError::new("tunnel", unfragmented));
            }
            transport(p.protocol, p.addressing, p.payload, p.missing > 0, depth + 1)
        }
        Network::Ipv6(b) => {
            let p = ip::ipv6(b)?;
            match ip::ipv6_extensions(p.protocol, p.payload)? {
                Ipv6Inner::Transport { protocol, payload } => {
                    transport(protocol, p.addressing, payload, p.missing > 0, depth + 1)
                }
                Ipv6Inner::Fragment { .. } => Err(NetError::new("tunnel", unfragmented)),
                Ipv6Inner::Other => Ok(Decoded::Other),
            }
        }
        Network::Other => Ok(Decoded::Other),
    }
}

/// The packet an IP payload of this protocol carries, if the protocol is a tunnel.
fn in_ip(ip_protocol: u8, b: &[u8]) -> Option<Result<Network<'_>, NetError>> {
    match ip_protocol {
        protocol::IPV4 => Some(Ok(Network::Ipv4(b))),
        protocol::IPV6 => Some(Ok(Network::Ipv6(b))),
        protocol::GRE => Some(gre(b)),
        _ => None,
    }
}

/// The packet a UDP datagram to this port carries, if the port is a tunnel's and the
/// header says so.
fn in_udp(port: u16, b: &[u8]) -> Option<Result<Network<'_>, NetError>> {
    match port {
        // RFC 7348: flags (I set: a VNI follows), reserved, VNI, reserved; then Ethernet.
        VXLAN_PORT | LINUX_VXLAN_PORT if b.first().is_some_and(|flags| flags & 0x08 != 0) => {
            Some(after("vxlan", b, 8).and_then(link::ethernet))
        }
        // RFC 8926: version and options length, flags, protocol type, VNI; then options.
        GENEVE_PORT if b.first().is_some_and(|v| v >> 6 == 0) => Some(geneve(b)),
        _ => None,
    }
}

fn geneve(b: &[u8]) -> Result<Network<'_>, NetError> {
    let (h, _) = header::<8>("geneve", b)?;
    let inner = after("geneve", b, 8 + usize::from(h[0] & 0x3f) * 4)?;
    by_protocol_type(be16(h, 2), inner)
}

/// GRE (RFC 2784, with RFC 2890's key and sequence number), version 0.
fn gre(b: &[u8]) -> Result<Network<'_>, NetError> {
    const CHECKSUM: u16 = 0x8000;
    const ROUTING: u16 = 0x4000;
    const KEY: u16 = 0x2000;
    const SEQUENCE: u16 = 0x1000;
    let (h, _) = header::<4>("gre", b)?;
    let flags = be16(h, 0);
    // Version 1 is PPTP's enhanced GRE, which carries PPP; RFC 1701 source routes are
    // long obsolete.
    if flags & 0x7 != 0 || flags & ROUTING != 0 {
        return Ok(Network::Other);
    }
    let optional = [CHECKSUM, KEY, SEQUENCE].iter().filter(|&&bit| flags & bit != 0).count();
    let inner = after("gre", b, 4 + 4 * optional)?;
    match be16(h, 2) {
        // ERSPAN type I has no header of its own (and no sequence number); type II has 8
        // bytes.
        ERSPAN_1_2 if flags & SEQUENCE == 0 => link::ethernet(inner),
        ERSPAN_1_2 => after("erspan", inner, 8).and_then(link::ethernet),
        // Type III: 12 bytes, and an 8-byte platform subheader when its O flag is set.
        ERSPAN_3 => {
            let (h3, _) = header::<12>("erspan", inner)?;
            after("erspan", inner, if h3[11] & 1 != 0 { 20 } else { 12 }).and_then(link::ethernet)
        }
        protocol_type => by_protocol_type(protocol_type, inner),
    }
}

/// A GRE or Geneve protocol type: Ethernet, or an ethertype.
fn by_protocol_type(protocol_type: u16, b: &[u8]) -> Result<Network<'_>, NetError> {
    match protocol_type {
        TRANSPARENT_ETHERNET => link::ethernet(b),
        ethertype => link::by_ethertype(ethertype, b),
    }
}

/// What follows a header of `len` bytes.
fn after<'a>(layer: &'static str, b: &'a [u8], len: usize) -> Result<&'a [u8], NetError> {
    b.get(len..).ok_or_else(|| NetError::short(layer, len, b.len()))
}
