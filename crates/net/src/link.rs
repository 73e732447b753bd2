//! Link-layer headers -> the IP packet they carry.

use tlsdoctor_capture::LinkType;

use crate::{be16, NetError};

/// The network-layer packet a frame carries.
pub(crate) enum Network<'a> {
    Ipv4(&'a [u8]),
    Ipv6(&'a [u8]),
    /// ARP, LLC, another address family: nothing for us.
    Other,
}

mod ethertype {
    pub const IPV4: u16 = 0x0800;
    pub const IPV6: u16 = 0x86dd;
    pub const VLAN: u16 = 0x8100;
    pub const QINQ: u16 = 0x88a8;
    pub const QINQ_OLD: u16 = 0x9100;
    pub const PPPOE_SESSION: u16 = 0x8864;
    pub const MPLS: u16 = 0x8847;
    pub const MPLS_MULTICAST: u16 = 0x8848;
}

/// Stacked VLAN tags accepted before the frame is called malformed.
pub(crate) const MAX_VLAN_TAGS: usize = 8;
/// MPLS labels accepted before the frame is called malformed.
pub(crate) const MAX_MPLS_LABELS: usize = 8;

const ETHERNET_LEN: usize = 14;
const SLL_LEN: usize = 16;
const SLL2_LEN: usize = 20;
const VLAN_TAG_LEN: usize = 4;
/// PPPoE session header (6) and the PPP protocol field (2).
const PPPOE_LEN: usize = 8;
const PPP_IPV4: u16 = 0x0021;
const PPP_IPV6: u16 = 0x0057;

/// BSD address families: AF_INET, and AF_INET6 as OpenBSD/NetBSD, FreeBSD and Darwin
/// number it.
const AF_INET: u32 = 2;
const AF_INET6: [u32; 3] = [24, 28, 30];

pub(crate) fn network(link: LinkType, frame: &[u8]) -> Result<Network<'_>, NetError> {
    match link {
        LinkType::ETHERNET => ethernet(frame),
        LinkType::LINUX_SLL => {
            let (h, rest) = header::<SLL_LEN>("linux-sll", frame)?;
            by_ethertype(u16::from_be_bytes([h[14], h[15]]), rest)
        }
        LinkType::LINUX_SLL2 => {
            let (h, rest) = header::<SLL2_LEN>("linux-sll2", frame)?;
            by_ethertype(u16::from_be_bytes([h[0], h[1]]), rest)
        }
        // DLT_RAW, and the values 12 and 14 that some systems used for it.
        LinkType::RAW | LinkType(12) | LinkType(14) => match frame.first().map(|b| b >> 4) {
            Some(4) => Ok(Network::Ipv4(frame)),
            Some(6) => Ok(Network::Ipv6(frame)),
            Some(v) => Err(NetError::new("ip", format!("version {v} is neither 4 nor 6"))),
            None => Err(NetError::short("ip", 1, 0)),
        },
        LinkType::IPV4 => Ok(Network::Ipv4(frame)),
        LinkType::IPV6 => Ok(Network::Ipv6(frame)),
        LinkType::NULL => {
            let (h, rest) = header::<4>("null", frame)?;
            // Written in the capturing host's byte order, which the file does not say.
            let family = family(u32::from_le_bytes(*h)).or_else(|| family(u32::from_be_bytes(*h)));
            Ok(family.map_or(Network::Other, |v6| ip(v6, rest)))
        }
        LinkType::LOOP => {
            let (h, rest) = header::<4>("loop", frame)?;
            Ok(family(u32::from_be_bytes(*h)).map_or(Network::Other, |v6| ip(v6, rest)))
        }
        LinkType(other) => Err(NetError::new("link", format!("link type {other} is not supported"))),
    }
}

/// Splits a fixed-size header off `b`; indexing the array afterwards cannot panic.
pub(crate) fn header<'a, const N: usize>(
    layer: &'static str,
    b: &'a [u8],
) -> Result<(&'a [u8; N], &'a [u8]), NetError> {
    b.split_first_chunk::<N>().ok_or_else(|| NetError::short(layer, N, b.len()))
}

/// Some(true) for IPv6, Some(false) for IPv4.
fn family(value: u32) -> Option<bool> {
    match value {
        AF_INET => Some(false),
        v if AF_INET6.contains(&v) => Some(true),
        _ => None,
    }
}

fn ip(v6: bool, b: &[u8]) -> Network<'_> {
    if v6 {
        Network::Ipv6(b)
    } else {
        Network::Ipv4(b)
    }
}

/// An Ethernet frame's packet.
pub(crate) fn ethernet(frame: &[u8]) -> Result<Network<'_>, NetError> {
    let (h, rest) = header::<ETHERNET_LEN>("ethernet", frame)?;
    by_ethertype(be16(h, 12), rest)
}

/// Follows VLAN tags (802.1Q, 802.1ad and the older 0x9100, stacked), PPPoE and MPLS
/// (with Ethernet pseudowires) to IP.
pub(crate) fn by_ethertype(mut ethertype: u16, mut rest: &[u8]) -> Result<Network<'_>, NetError> {
    let (mut tags, mut labels) = (0, 0);
    loop {
        match ethertype {
            ethertype::IPV4 => return Ok(Network::Ipv4(rest)),
            ethertype::IPV6 => return Ok(Network::Ipv6(rest)),
            ethertype::VLAN | ethertype::QINQ | ethertype::QINQ_OLD => {
                tags += 1;
                if tags > MAX_VLAN_TAGS {
                    return Err(NetError::new("vlan", format!("more than {MAX_VLAN_TAGS} stacked tags")));
                }
                let (tag, inner) = header::<VLAN_TAG_LEN>("vlan", rest)?;
                ethertype = u16::from_be_bytes([tag[2], tag[3]]);
                rest = inner;
            }
            ethertype::PPPOE_SESSION => {
                let (h, inner) = header::<PPPOE_LEN>("pppoe", rest)?;
                return Ok(match be16(h, 6) {
                    PPP_IPV4 => Network::Ipv4(inner),
                    PPP_IPV6 => Network::Ipv6(inner),
                    _ => Network::Other,
                });
            }
            ethertype::MPLS | ethertype::MPLS_MULTICAST => {
                labels += 1;
                if labels > MAX_MPLS_LABELS {
                    return Err(NetError::new("mpls", format!("more than {MAX_MPLS_LABELS} labels")));
                }
                let (label, inner) = header::<4>("mpls", rest)?;
                rest = inner;
                let bottom_of_stack = label[2] & 1 != 0;
                if !bottom_of_stack {
                    continue;
                }
                // Nothing names what follows the last label; the first nibble tells, as
                // Wireshark guesses: IP, or the control word of an Ethernet pseudowire.
                match rest.first().map(|b| b >> 4) {
                    Some(4) => return Ok(Network::Ipv4(rest)),
                    Some(6) => return Ok(Network::Ipv6(rest)),
                    Some(0) => {
                        let (_, frame) = header::<4>("mpls", rest)?;
                        let (h, inner) = header::<ETHERNET_LEN>("ethernet", frame)?;
                        ethertype = be16(h, 12);
                        rest = inner;
                    }
                    _ => return Ok(Network::Other),
                }
            }
            _ => return Ok(Network::Other),
        }
    }
}
