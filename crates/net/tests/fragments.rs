//! IPv4 and IPv6 fragment reassembly: order, duplicates, overlaps, caps and timeouts.

mod common;

use common::*;
use tlsdoctor_capture::LinkType;
use tlsdoctor_net::{Decoded, Decoder, DecoderConfig, NetStats};

const MF: u16 = 0x2000;

/// A TCP segment of 20 + 100 bytes, split into IPv4 fragments of 40 bytes.
fn segment() -> Vec<u8> {
    let payload: Vec<u8> = (0..100u8).collect();
    tcp(1000, 443, 77, &payload)
}

fn frag4(id: u16, seg: &[u8], start: usize, end: usize, more: bool) -> Vec<u8> {
    let field = (start / 8) as u16 | if more { MF } else { 0 };
    ipv4_frag(6, id, field, &seg[start..end])
}

fn held(d: &mut Decoder, frame: &[u8], secs: i64) {
    match d.decode(LinkType::RAW, frame, ts(secs)) {
        Ok(Decoded::FragmentHeld) => {}
        other => panic!("expected FragmentHeld, got {other:?}"),
    }
}

#[test]
fn ipv4_out_of_order_with_duplicate() {
    let seg = segment();
    let [a, b, c] = [frag4(42, &seg, 0, 40, true), frag4(42, &seg, 40, 80, true), frag4(42, &seg, 80, 120, false)];
    let mut d = Decoder::default();
    held(&mut d, &c, 1);
    held(&mut d, &a, 1);
    held(&mut d, &a, 1); // duplicate
    assert_eq!(d.stats().fragment_sets_pending, 1);
    assert_eq!(d.stats().fragment_bytes_pending, 120);
    let frame = b;
    let s = unwrap_tcp(d.decode(LinkType::RAW, &frame, ts(2)).unwrap());
    assert_eq!(s.src.to_string(), "192.0.2.1:1000");
    assert_eq!(s.dst.to_string(), "198.51.100.2:443");
    assert_eq!(s.seq, 77);
    assert_eq!(s.payload, &seg[20..]);
    assert!(!s.payload_cut);
    assert_eq!(
        d.stats(),
        NetStats { fragments: 4, fragments_duplicate: 1, datagrams_reassembled: 1, ..NetStats::default() }
    );
}

#[test]
fn ipv4_fragments_of_different_datagrams_do_not_mix() {
    let seg = segment();
    let mut other = segment();
    other[30] = 0xff;
    let mut d = Decoder::default();
    held(&mut d, &frag4(1, &seg, 0, 40, true), 0);
    held(&mut d, &frag4(2, &other, 0, 40, true), 0);
    // Same id, other protocol (UDP): a different datagram.
    held(&mut d, &ipv4_frag(17, 1, 5 | MF, &seg[40..80]), 0);
    held(&mut d, &frag4(2, &other, 40, 80, true), 0);
    held(&mut d, &frag4(1, &seg, 80, 120, false), 0);
    let frame = frag4(1, &seg, 40, 80, true);
    let s = unwrap_tcp(d.decode(LinkType::RAW, &frame, ts(0)).unwrap());
    assert_eq!(s.payload, &seg[20..]);
    let frame = frag4(2, &other, 80, 120, false);
    let s = unwrap_tcp(d.decode(LinkType::RAW, &frame, ts(0)).unwrap());
    assert_eq!(s.payload, &other[20..]);
    assert_eq!(d.stats().fragment_sets_pending, 1); // the UDP one
}

#[test]
fn ipv4_overlap_keeps_the_first_bytes() {
    let seg = segment();
    let mut d = Decoder::default();
    held(&mut d, &frag4(7, &seg, 0, 48, true), 0);
    // Overlaps 40..48 with different bytes, which must lose.
    let mut liar = seg.clone();
    liar[40..48].fill(0xee);
    held(&mut d, &frag4(7, &liar, 40, 88, true), 0);
    let frame = frag4(7, &seg, 88, 120, false);
    let s = unwrap_tcp(d.decode(LinkType::RAW, &frame, ts(0)).unwrap());
    assert_eq!(s.payload, &seg[20..]);
    assert_eq!(d.stats().fragments_overlapping, 1);
}

#[test]
fn ipv4_udp_reassembly() {
    let payload: Vec<u8> = (0..60u8).collect();
    let dgram = udp(4433, 5000, &payload);
    let mut d = Decoder::default();
    held(&mut d, &ipv4_frag(17, 9, 4, &dgram[32..]), 0);
    let frame = ipv4_frag(17, 9, MF, &dgram[..32]);
    let u = unwrap_udp(d.decode(LinkType::RAW, &frame, ts(0)).unwrap());
    assert_eq!(u.payload, payload.as_slice());
    assert_eq!(u.src.port(), 4433);
}

#[test]
fn ipv4_fragment_cut_by_snap_length() {
    let seg = segment();
    let mut d = Decoder::default();
    let mut last = frag4(3, &seg, 80, 120, false);
    last.truncate(20 + 25); // 15 of its 40 bytes lost
    held(&mut d, &last, 0);
    held(&mut d, &frag4(3, &seg, 0, 40, true), 0);
    let frame = frag4(3, &seg, 40, 80, true);
    let s = unwrap_tcp(d.decode(LinkType::RAW, &frame, ts(0)).unwrap());
    assert!(s.payload_cut);
    assert_eq!(s.payload, &seg[20..105]);
}

#[test]
fn ipv4_timeout_by_capture_time() {
    let seg = segment();
    let mut d = Decoder::new(DecoderConfig { fragment_timeout_secs: 30, ..Default::default() });
    held(&mut d, &frag4(5, &seg, 0, 40, true), 100);
    held(&mut d, &frag4(5, &seg, 40, 80, true), 130); // 30 s: still in time
                                                      // An unrelated frame 31 s after the first fragment expires the set.
    let frame = tcp_frame();
    let other = unwrap_tcp(d.decode(LinkType::RAW, &frame, ts(131)).unwrap());
    assert_eq!(other.seq, 5);
    assert_eq!(d.stats().fragment_sets_timed_out, 1);
    assert_eq!(d.stats().fragment_sets_pending, 0);
    // The last fragment now starts a new datagram instead of completing the old one.
    held(&mut d, &frag4(5, &seg, 80, 120, false), 131);
    assert_eq!(d.stats().datagrams_reassembled, 0);
}

fn tcp_frame() -> Vec<u8> {
    ipv4(6, &tcp(1000, 443, 5, b"abc"))
}

#[test]
fn ipv4_cap_on_sets_evicts_the_oldest() {
    let seg = segment();
    let mut d = Decoder::new(DecoderConfig { max_fragment_sets: 2, ..Default::default() });
    held(&mut d, &frag4(1, &seg, 0, 40, true), 10);
    held(&mut d, &frag4(2, &seg, 0, 40, true), 11);
    held(&mut d, &frag4(3, &seg, 0, 40, true), 12); // evicts id 1
    let st = d.stats();
    assert_eq!((st.fragment_sets_evicted, st.fragment_sets_pending), (1, 2));
    held(&mut d, &frag4(1, &seg, 40, 120, false), 12); // id 1 starts over (evicting 2)
    let frame = frag4(3, &seg, 40, 120, false);
    let s = d.decode(LinkType::RAW, &frame, ts(12)).unwrap();
    assert_eq!(unwrap_tcp(s).payload, &seg[20..]);
    assert_eq!(d.stats().fragment_sets_evicted, 2);
}

#[test]
fn ipv4_cap_on_datagram_bytes() {
    let seg = segment();
    let mut d = Decoder::new(DecoderConfig { max_fragment_bytes: 100, ..Default::default() });
    held(&mut d, &frag4(1, &seg, 0, 40, true), 0);
    let err = d.decode(LinkType::RAW, &frag4(1, &seg, 80, 120, false), ts(0)).unwrap_err();
    assert_eq!(err.layer, "ipv4");
    assert_eq!(err.detail, "fragment ends at byte 120, beyond the 100-byte reassembly limit");
    assert_eq!(d.stats().fragment_sets_dropped, 1);
    assert_eq!(d.stats().fragment_sets_pending, 0);
}

#[test]
fn ipv4_inconsistent_fragments_are_refused() {
    let seg = segment();
    let mut d = Decoder::default();
    held(&mut d, &frag4(1, &seg, 40, 80, false), 0); // says the datagram ends at 80
    let err = d.decode(LinkType::RAW, &frag4(1, &seg, 80, 120, false), ts(0)).unwrap_err();
    assert_eq!(err.to_string(), "ipv4: fragment ends at byte 120, past the datagram's end 80");
    let err = d.decode(LinkType::RAW, &frag4(1, &seg, 8, 40, false), ts(0)).unwrap_err();
    assert_eq!(err.to_string(), "ipv4: last fragment ends at byte 40, another ended at 80");
    assert_eq!(d.stats().fragments_invalid, 2);
    // The datagram (0..80) still completes.
    let frame = frag4(1, &seg, 0, 40, true);
    let s = unwrap_tcp(d.decode(LinkType::RAW, &frame, ts(0)).unwrap());
    assert_eq!(s.payload, &seg[20..80]);
}

#[test]
fn ipv6_hop_by_hop_and_fragments_out_of_order() {
    let payload: Vec<u8> = (0..100u8).collect();
    // The fragmentable part starts with a destination options header, then TCP.
    let part = [ext(6, 0, &[]), tcp(1000, 443, 99, &payload)].concat();
    assert_eq!(part.len(), 128);
    let frag = |start: usize, end: usize, more: bool| {
        let f = frag6(60, (start / 8) as u16, more, 0xdead_beef, &part[start..end]);
        ipv6(0, &ext(44, 0, &f)) // hop-by-hop, then the fragment header
    };
    let mut d = Decoder::default();
    held(&mut d, &frag(64, 128, false), 0);
    held(&mut d, &frag(64, 128, false), 0); // duplicate
    let frame = frag(0, 64, true);
    let s = unwrap_tcp(d.decode(LinkType::RAW, &frame, ts(0)).unwrap());
    assert_eq!(s.src.to_string(), "[2001:db8::1]:1000");
    assert_eq!(s.dst.to_string(), "[2001:db8::2]:443");
    assert_eq!(s.seq, 99);
    assert_eq!(s.payload, payload.as_slice());
    let st = d.stats();
    assert_eq!((st.fragments, st.fragments_duplicate, st.datagrams_reassembled), (3, 1, 1));
}

#[test]
fn ipv6_fragments_over_ethernet_vlan() {
    let payload = [0x5a; 40];
    let dgram = udp(443, 50000, &payload);
    let frame = |start: usize, end: usize, more: bool| {
        let f = frag6(17, (start / 8) as u16, more, 1, &dgram[start..end]);
        let mut body = vec![0, 5, 0x86, 0xdd];
        body.extend(ipv6(44, &f));
        ether(0x8100, &body)
    };
    let mut d = Decoder::default();
    assert!(matches!(d.decode(LinkType::ETHERNET, &frame(24, 48, false), ts(0)), Ok(Decoded::FragmentHeld)));
    let frame = frame(0, 24, true);
    let u = unwrap_udp(d.decode(LinkType::ETHERNET, &frame, ts(0)).unwrap());
    assert_eq!(u.payload, &payload);
}
