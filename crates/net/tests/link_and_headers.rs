//! Synthesised frames: every link type, VLAN stacks, IPv6 extension headers, and a
//! truncated or malformed header at each layer.

mod common;

use common::*;
use tlsdoctor_capture::LinkType;
use tlsdoctor_net::Decoder;

fn vlan(tags: &[u16], inner: u16, payload: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (i, _) in tags.iter().enumerate() {
        body.extend([0x00, 100 + i as u8]); // TCI
        body.extend(tags.get(i + 1).copied().unwrap_or(inner).to_be_bytes());
    }
    body.extend(payload);
    ether(tags[0], &body)
}

#[test]
fn ethernet_ipv4_and_ipv6() {
    assert_eq!(decode(LinkType::ETHERNET, &ether(0x0800, &tcp4())).unwrap(), TCP4);
    assert_eq!(decode(LinkType::ETHERNET, &ether(0x86dd, &tcp6())).unwrap(), TCP6);
    // ARP, and an 802.3 length field: not IP.
    assert_eq!(decode(LinkType::ETHERNET, &ether(0x0806, &[0; 28])).unwrap(), "other");
    assert_eq!(decode(LinkType::ETHERNET, &ether(46, &[0; 46])).unwrap(), "other");
}

#[test]
fn ethernet_padding_is_stripped_by_ipv4_total_length() {
    let mut frame = ether(0x0800, &ipv4(6, &tcp(1000, 443, 5, b"a")));
    assert_eq!(frame.len(), 14 + 20 + 20 + 1);
    frame.resize(60, 0xee); // minimum Ethernet frame, padded
    let got = decode(LinkType::ETHERNET, &frame).unwrap();
    assert!(got.ends_with("payload [61] cut false"), "{got}");
}

#[test]
fn vlan_and_qinq() {
    let one = vlan(&[0x8100], 0x0800, &tcp4());
    assert_eq!(decode(LinkType::ETHERNET, &one).unwrap(), TCP4);
    let qinq = vlan(&[0x88a8, 0x8100], 0x86dd, &tcp6());
    assert_eq!(decode(LinkType::ETHERNET, &qinq).unwrap(), TCP6);
    let old = vlan(&[0x9100, 0x9100, 0x8100], 0x0800, &tcp4());
    assert_eq!(decode(LinkType::ETHERNET, &old).unwrap(), TCP4);
    let eight = vlan(&[0x8100; 8], 0x0800, &tcp4());
    assert_eq!(decode(LinkType::ETHERNET, &eight).unwrap(), TCP4);
    let nine = vlan(&[0x8100; 9], 0x0800, &tcp4());
    assert_eq!(layer(LinkType::ETHERNET, &nine), "vlan");
    // A tag cut in the middle.
    assert_eq!(layer(LinkType::ETHERNET, &ether(0x8100, &[0, 1, 0x08])), "vlan");
}

#[test]
fn pppoe_session() {
    let mut body = vec![0x11, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x21];
    body.extend(tcp4());
    assert_eq!(decode(LinkType::ETHERNET, &ether(0x8864, &body)).unwrap(), TCP4);
    assert_eq!(layer(LinkType::ETHERNET, &ether(0x8864, &body[..7])), "pppoe");
}

#[test]
fn linux_sll_and_sll2() {
    let mut sll = vec![0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0];
    sll.extend(0x86ddu16.to_be_bytes());
    sll.extend(tcp6());
    assert_eq!(decode(LinkType::LINUX_SLL, &sll).unwrap(), TCP6);
    // SLL carrying a VLAN tag.
    let mut tagged = sll[..14].to_vec();
    tagged.extend([0x81, 0x00, 0x00, 0x05, 0x08, 0x00]);
    tagged.extend(tcp4());
    assert_eq!(decode(LinkType::LINUX_SLL, &tagged).unwrap(), TCP4);

    let mut sll2 = vec![0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0];
    sll2.extend(tcp4());
    assert_eq!(decode(LinkType::LINUX_SLL2, &sll2).unwrap(), TCP4);
    // The SLL protocol offset (14) in an SLL2 header holds 0x0000 here: not used.
    sll2[0..2].copy_from_slice(&[0x00, 0x04]);
    assert_eq!(decode(LinkType::LINUX_SLL2, &sll2).unwrap(), "other");
}

#[test]
fn bsd_null_in_both_byte_orders_and_loop() {
    let with = |family: [u8; 4], ip: Vec<u8>| [family.to_vec(), ip].concat();
    let null = LinkType::NULL;
    assert_eq!(decode(null, &with([2, 0, 0, 0], tcp4())).unwrap(), TCP4);
    assert_eq!(decode(null, &with([0, 0, 0, 2], tcp4())).unwrap(), TCP4);
    for af6 in [24u32, 28, 30] {
        assert_eq!(decode(null, &with(af6.to_le_bytes(), tcp6())).unwrap(), TCP6);
        assert_eq!(decode(null, &with(af6.to_be_bytes(), tcp6())).unwrap(), TCP6);
        assert_eq!(decode(LinkType::LOOP, &with(af6.to_be_bytes(), tcp6())).unwrap(), TCP6);
    }
    assert_eq!(decode(null, &with([7, 0, 0, 0], tcp4())).unwrap(), "other");
    assert_eq!(decode(LinkType::LOOP, &with([0, 0, 0, 2], tcp4())).unwrap(), TCP4);
    // LOOP is always big-endian.
    assert_eq!(decode(LinkType::LOOP, &with([2, 0, 0, 0], tcp4())).unwrap(), "other");
}

#[test]
fn raw_ip_link_types() {
    for link in [LinkType::RAW, LinkType(12), LinkType(14)] {
        assert_eq!(decode(link, &tcp4()).unwrap(), TCP4);
        assert_eq!(decode(link, &tcp6()).unwrap(), TCP6);
        assert_eq!(layer(link, &[0x55; 40]), "ip");
        assert_eq!(layer(link, &[]), "ip");
    }
    assert_eq!(decode(LinkType::IPV4, &tcp4()).unwrap(), TCP4);
    assert_eq!(decode(LinkType::IPV6, &tcp6()).unwrap(), TCP6);
    // The link type says IPv4 but the packet is IPv6.
    assert_eq!(layer(LinkType::IPV4, &tcp6()), "ipv4");
    assert_eq!(layer(LinkType::IPV6, &tcp4()), "ipv6");
}

#[test]
fn unknown_link_type() {
    let err = decode(LinkType(147), &tcp4()).unwrap_err();
    assert_eq!(err.layer, "link");
    assert_eq!(err.to_string(), "link: link type 147 is not supported");
}

#[test]
fn udp_over_ipv4_and_ipv6() {
    let want = "udp 192.0.2.1:53 -> 198.51.100.2:5353 payload [01, 02] cut false";
    assert_eq!(decode(LinkType::RAW, &ipv4(17, &udp(53, 5353, &[1, 2]))).unwrap(), want);
    let got = decode(LinkType::RAW, &ipv6(17, &udp(53, 5353, &[1, 2]))).unwrap();
    assert_eq!(got, "udp [2001:db8::1]:53 -> [2001:db8::2]:5353 payload [01, 02] cut false");
    // UDP length beyond what the IP packet holds.
    let mut u = udp(53, 5353, &[1, 2]);
    u[5] = 20;
    assert!(decode(LinkType::RAW, &ipv4(17, &u)).unwrap().ends_with("payload [01, 02] cut true"));
    // UDP length shorter than the IP payload: the trailer is not UDP payload.
    let mut u = udp(53, 5353, &[1, 2, 3, 4]);
    u[5] = 10;
    assert!(decode(LinkType::RAW, &ipv4(17, &u)).unwrap().ends_with("payload [01, 02] cut false"));
}

#[test]
fn ipv4_options_and_other_protocols() {
    let mut p = ipv4(6, &tcp(1000, 443, 5, b"abc"));
    p[0] = 0x46; // 24-byte header: one option word
    p.splice(20..20, [1, 1, 1, 0]);
    p[3] += 4;
    assert_eq!(decode(LinkType::RAW, &p).unwrap(), TCP4);
    assert_eq!(decode(LinkType::RAW, &ipv4(1, &[8, 0, 0, 0])).unwrap(), "other");
    // ICMP
}

#[test]
fn tcp_options_are_skipped() {
    let mut seg = tcp_header(1000, 443, 5, 7, 0x18, &[1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2]);
    seg.extend(b"abc");
    assert_eq!(decode(LinkType::RAW, &ipv4(6, &seg)).unwrap(), TCP4);
}

#[test]
fn ipv4_total_length_beyond_capture_is_cut() {
    let mut p = ipv4(6, &tcp(1000, 443, 5, &[0xab; 100]));
    p.truncate(20 + 20 + 30); // snap length
    let got = decode(LinkType::RAW, &p).unwrap();
    assert!(got.ends_with(&format!("payload {:02x?} cut true", [0xab; 30])), "{got}");
    // Cut inside the TCP header: an error at the TCP layer.
    p.truncate(20 + 12);
    let err = decode(LinkType::RAW, &p).unwrap_err();
    assert_eq!((err.layer, err.detail.as_str()), ("tcp", "truncated header: 12 of 20 bytes"));
}

#[test]
fn ipv4_total_length_zero_means_segmentation_offload() {
    let mut p = tcp4();
    p[2] = 0;
    p[3] = 0;
    assert_eq!(decode(LinkType::RAW, &p).unwrap(), TCP4);
}

#[test]
fn ipv6_payload_length_beyond_capture_is_cut() {
    let mut p = ipv6(6, &tcp(1000, 443, 5, b"abcdef"));
    p.truncate(p.len() - 3);
    assert!(decode(LinkType::RAW, &p).unwrap().ends_with("payload [61, 62, 63] cut true"));
}

#[test]
fn ipv6_extension_headers() {
    let seg = tcp(1000, 443, 5, b"abc");
    // hop-by-hop -> routing (2 units) -> destination options -> TCP
    let chain = [ext(43, 0, &[]), ext(60, 2, &[]), ext(6, 0, &seg)].concat();
    assert_eq!(decode(LinkType::RAW, &ipv6(0, &chain)).unwrap(), TCP6);
    // AH counts its length in 4-byte units, minus 2: 16 bytes here.
    let mut ah = vec![6, 2];
    ah.resize(16, 0);
    ah.extend(&seg);
    assert_eq!(decode(LinkType::RAW, &ipv6(51, &ah)).unwrap(), TCP6);
    // An atomic fragment (offset 0, no more fragments) is the whole datagram.
    let atomic = frag6(6, 0, false, 9, &seg);
    assert_eq!(decode(LinkType::RAW, &ipv6(44, &atomic)).unwrap(), TCP6);
    // ESP and "no next header": nothing for us.
    assert_eq!(decode(LinkType::RAW, &ipv6(50, &[0; 16])).unwrap(), "other");
    assert_eq!(decode(LinkType::RAW, &ipv6(0, &ext(59, 0, &[]))).unwrap(), "other");
    // An extension header longer than the packet.
    let long = ext(6, 0, &[]);
    let mut cut = long.clone();
    cut[1] = 3;
    assert_eq!(layer(LinkType::RAW, &ipv6(60, &cut)), "ipv6");
    // Too long a chain.
    let mut chain = ext(6, 0, &seg);
    for _ in 0..16 {
        chain = [ext(60, 0, &[]), chain].concat();
    }
    chain[0] = 60;
    let err = decode(LinkType::RAW, &ipv6(60, &chain)).unwrap_err();
    assert_eq!(err.to_string(), "ipv6: more than 16 extension headers");
}

#[test]
fn truncated_headers_name_their_layer() {
    let eth = ether(0x0800, &tcp4());
    assert_eq!(layer(LinkType::ETHERNET, &eth[..13]), "ethernet");
    assert_eq!(layer(LinkType::ETHERNET, &eth[..14 + 19]), "ipv4");
    assert_eq!(layer(LinkType::ETHERNET, &eth[..14 + 20 + 19]), "tcp");
    assert_eq!(layer(LinkType::LINUX_SLL, &[0; 15]), "linux-sll");
    assert_eq!(layer(LinkType::LINUX_SLL2, &[0; 19]), "linux-sll2");
    assert_eq!(layer(LinkType::NULL, &[2, 0, 0]), "null");
    assert_eq!(layer(LinkType::LOOP, &[0, 0]), "loop");
    assert_eq!(layer(LinkType::RAW, &tcp6()[..39]), "ipv6");
    assert_eq!(layer(LinkType::RAW, &ipv6(17, &udp(1, 2, &[]))[..47]), "udp");
    assert_eq!(layer(LinkType::RAW, &ipv6(0, &[6])), "ipv6");
    assert_eq!(layer(LinkType::RAW, &ipv6(44, &[6, 0, 0, 1])), "ipv6");
}

#[test]
fn malformed_headers_name_their_layer() {
    let detail = |f: &[u8]| decode(LinkType::RAW, f).unwrap_err().to_string();
    let mut p = tcp4();
    p[0] = 0x44;
    assert_eq!(detail(&p), "ipv4: header length 16 is below 20");
    p[0] = 0x4f; // 60-byte header in a 43-byte packet
    assert_eq!(detail(&p), "ipv4: total length 43 is less than the header length 60");
    p[2..4].copy_from_slice(&[0, 100]);
    assert_eq!(detail(&p), "ipv4: header length 60 with 43 bytes captured");
    let mut p = tcp4();
    p[3] = 19;
    assert_eq!(detail(&p), "ipv4: total length 19 is less than the header length 20");
    let mut p = tcp4();
    p[20 + 12] = 0x40;
    assert_eq!(detail(&p), "tcp: data offset 16 is below 20");
    p[20 + 12] = 0xf0;
    assert_eq!(detail(&p), "tcp: data offset 60 with 23 bytes captured");
    let mut p = ipv4(17, &udp(1, 2, &[]));
    p[20 + 5] = 7;
    assert_eq!(detail(&p), "udp: length 7 is below 8");
}

#[test]
fn time_to_live_and_hop_limit_are_kept() {
    let ttl = |link: LinkType, frame: &[u8]| unwrap_tcp(Decoder::default().decode(link, frame, ts(0)).unwrap()).ttl;
    let mut v4 = tcp4();
    v4[8] = 37;
    assert_eq!(ttl(LinkType::RAW, &v4), 37);
    let mut v6 = tcp6();
    v6[7] = 9;
    assert_eq!(ttl(LinkType::RAW, &v6), 9);
    // Through a tunnel, the inner packet's.
    assert_eq!(ttl(LinkType::RAW, &ipv4(4, &v4)), 37);
}
