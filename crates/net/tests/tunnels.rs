//! Synthesised tunnels: IP in IP, GRE and its ERSPAN types, VXLAN, Geneve and MPLS, each
//! cut short, nested too deep, or not a tunnel after all. (The real captures of
//! tests/fixtures cover VXLAN from the Linux kernel, and each encapsulation as tshark reads
//! it.)

mod common;

use common::*;
use tlsdoctor_capture::LinkType;
use tlsdoctor_net::Decoder;

const ETH: LinkType = LinkType::ETHERNET;

fn gre(flags: u16, protocol_type: u16, options: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut v = flags.to_be_bytes().to_vec();
    v.extend(protocol_type.to_be_bytes());
    v.extend(options);
    v.extend(payload);
    v
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn over_ipv4(protocol: u8, payload: &[u8]) -> Vec<u8> {
    ether(0x0800, &ipv4(protocol, payload))
}

#[test]
fn ip_in_ip() {
    assert_eq!(decode(ETH, &over_ipv4(4, &tcp4())).unwrap(), TCP4);
    assert_eq!(decode(ETH, &over_ipv4(41, &tcp6())).unwrap(), TCP6);
    assert_eq!(decode(ETH, &ether(0x86dd, &ipv6(4, &tcp4()))).unwrap(), TCP4);
    assert_eq!(decode(ETH, &ether(0x86dd, &ipv6(41, &tcp6()))).unwrap(), TCP6);
    // Behind an IPv6 extension header too.
    assert_eq!(decode(ETH, &ether(0x86dd, &ipv6(0, &ext(4, 0, &tcp4())))).unwrap(), TCP4);
}

#[test]
fn gre_with_its_optional_fields() {
    assert_eq!(decode(ETH, &over_ipv4(47, &gre(0, 0x0800, &[], &tcp4()))).unwrap(), TCP4);
    assert_eq!(decode(ETH, &over_ipv4(47, &gre(0, 0x86dd, &[], &tcp6()))).unwrap(), TCP6);
    // Checksum, key and sequence number: 12 more bytes.
    let all = gre(0xb000, 0x0800, &[0xaa; 12], &tcp4());
    assert_eq!(decode(ETH, &over_ipv4(47, &all)).unwrap(), TCP4);
    // Ethernet over GRE (gretap, NVGRE), with a VLAN tag inside.
    let bridged = gre(0x2000, 0x6558, &[0, 0, 0, 7], &ether(0x8100, &cat(&[&[0, 5, 8, 0], &tcp4()])));
    assert_eq!(decode(ETH, &over_ipv4(47, &bridged)).unwrap(), TCP4);
    // PPTP's enhanced GRE (version 1) carries PPP; an RFC 1701 source route: not followed.
    assert_eq!(decode(ETH, &over_ipv4(47, &gre(0x3001, 0x880b, &[0; 8], &tcp4()))).unwrap(), "other");
    assert_eq!(decode(ETH, &over_ipv4(47, &gre(0x4000, 0x0800, &[0; 8], &tcp4()))).unwrap(), "other");
    // Cut short: the header, then the key the flags announce.
    assert_eq!(layer(ETH, &over_ipv4(47, &[0x00, 0x00, 0x08])), "gre");
    assert_eq!(layer(ETH, &over_ipv4(47, &gre(0x2000, 0x0800, &[0, 0], &[]))), "gre");
}

#[test]
fn erspan_types() {
    let frame = ether(0x0800, &tcp4());
    // Type I: no sequence number, no header of its own.
    assert_eq!(decode(ETH, &over_ipv4(47, &gre(0, 0x88be, &[], &frame))).unwrap(), TCP4);
    // Type II: sequence number, 8-byte header.
    let type2 = gre(0x1000, 0x88be, &[0, 0, 0, 9], &cat(&[&[0x10, 0, 0, 123, 0, 0, 0, 0], &frame]));
    assert_eq!(decode(ETH, &over_ipv4(47, &type2)).unwrap(), TCP4);
    // Type III: 12-byte header, and an 8-byte platform subheader when O (its last bit) is set.
    let mut header = vec![0x20, 0, 0, 124, 0, 0, 0, 1, 0, 0, 0x81, 0x1e];
    let type3 = gre(0x1000, 0x22eb, &[0, 0, 0, 9], &cat(&[&header, &frame]));
    assert_eq!(decode(ETH, &over_ipv4(47, &type3)).unwrap(), TCP4);
    header[11] |= 1;
    let type3_o = gre(0x1000, 0x22eb, &[0, 0, 0, 9], &cat(&[&header, &[0xcc; 8], &frame]));
    assert_eq!(decode(ETH, &over_ipv4(47, &type3_o)).unwrap(), TCP4);
    assert_eq!(layer(ETH, &over_ipv4(47, &gre(0x1000, 0x22eb, &[0, 0, 0, 9], &header[..11]))), "erspan");
    assert_eq!(layer(ETH, &over_ipv4(47, &gre(0x1000, 0x88be, &[0, 0, 0, 9], &[0x10, 0, 0]))), "erspan");
}

#[test]
fn vxlan_and_geneve() {
    let frame = ether(0x0800, &tcp4());
    let vxlan =
        |flags: u8, rest: &[u8]| over_ipv4(17, &udp(51000, 4789, &cat(&[&[flags, 0, 0, 0, 0, 0, 42, 0], rest])));
    assert_eq!(decode(ETH, &vxlan(0x08, &frame)).unwrap(), TCP4);
    // Without the I flag it is not VXLAN: a UDP datagram like any other.
    assert!(decode(ETH, &vxlan(0x00, &frame)).unwrap().starts_with("udp 192.0.2.1:51000 -> 198.51.100.2:4789"));
    assert_eq!(layer(ETH, &over_ipv4(17, &udp(51000, 4789, &[0x08, 0, 0]))), "vxlan");
    assert_eq!(layer(ETH, &vxlan(0x08, &frame[..10])), "ethernet");

    // Geneve: one 8-byte option; Ethernet, or IPv6 straight away.
    let geneve = |first: u8, protocol: u16, rest: &[u8]| {
        let header = cat(&[&[first, 0], &protocol.to_be_bytes(), &[0, 0x10, 0x92, 0], &[1, 8, 1, 1, 0, 0, 0, 0]]);
        over_ipv4(17, &udp(51000, 6081, &cat(&[&header, rest])))
    };
    assert_eq!(decode(ETH, &geneve(2, 0x6558, &frame)).unwrap(), TCP4);
    assert_eq!(decode(ETH, &geneve(2, 0x86dd, &tcp6())).unwrap(), TCP6);
    // Options longer than the datagram; another version: not Geneve.
    assert_eq!(layer(ETH, &geneve(9, 0x6558, &[])), "geneve");
    assert!(decode(ETH, &geneve(0x42, 0x6558, &frame)).unwrap().starts_with("udp "));
}

#[test]
fn mpls_label_stacks() {
    let label = |bottom: bool| ((24u32 << 12) | (u32::from(bottom) << 8) | 64).to_be_bytes();
    assert_eq!(decode(ETH, &ether(0x8847, &cat(&[&label(true), &tcp4()]))).unwrap(), TCP4);
    assert_eq!(decode(ETH, &ether(0x8847, &cat(&[&label(false), &label(true), &tcp6()]))).unwrap(), TCP6);
    // An Ethernet pseudowire: a control word, then the frame.
    let pseudowire = cat(&[&label(true), &[0, 0, 0, 1], &ether(0x0800, &tcp4())]);
    assert_eq!(decode(ETH, &ether(0x8848, &pseudowire)).unwrap(), TCP4);
    // Eight labels are followed, nine are too many; a stack cut short.
    let eight: Vec<u8> = (0..8).flat_map(|i| label(i == 7)).chain(tcp4()).collect();
    assert_eq!(decode(ETH, &ether(0x8847, &eight)).unwrap(), TCP4);
    let nine: Vec<u8> = (0..9).flat_map(|i| label(i == 8)).chain(tcp4()).collect();
    assert_eq!(layer(ETH, &ether(0x8847, &nine)), "mpls");
    assert_eq!(layer(ETH, &ether(0x8847, &label(false))), "mpls");
    // After the stack neither IP nor a control word: not followed.
    assert_eq!(decode(ETH, &ether(0x8847, &cat(&[&label(true), &[0x55; 40]]))).unwrap(), "other");
}

#[test]
fn tunnels_nest_four_deep() {
    let mut packet = tcp4();
    for depth in 1..=5 {
        packet = ipv4(4, &packet);
        let got = decode(LinkType::RAW, &packet);
        if depth <= 4 {
            assert_eq!(got.unwrap(), TCP4, "{depth} tunnels");
        } else {
            assert_eq!(got.unwrap_err().layer, "tunnel", "{depth} tunnels");
        }
    }
}

#[test]
fn fragments_outside_a_tunnel_are_put_together_and_inside_it_are_reported() {
    // The outer IPv4 packet of an IP-in-IP tunnel in two fragments.
    let inner = ipv4(6, &tcp(1000, 443, 5, &[0x61; 40]));
    let mut d = Decoder::default();
    let first = ipv4_frag(4, 77, 0x2000, &inner[..24]);
    let second = ipv4_frag(4, 77, 3, &inner[24..]);
    assert!(matches!(d.decode(LinkType::RAW, &first, ts(0)), Ok(tlsdoctor_net::Decoded::FragmentHeld)));
    let segment = unwrap_tcp(d.decode(LinkType::RAW, &second, ts(0)).unwrap());
    assert_eq!((segment.dst.port(), segment.payload), (443, &[0x61; 40][..]));

    let inner_fragment = ipv4(4, &ipv4_frag(6, 78, 0x2000, &tcp4()));
    assert_eq!(layer(LinkType::RAW, &inner_fragment), "tunnel");
    let inner_fragment6 = ipv4(41, &ipv6(44, &frag6(6, 0, true, 9, &tcp4())));
    assert_eq!(layer(LinkType::RAW, &inner_fragment6), "tunnel");
}
