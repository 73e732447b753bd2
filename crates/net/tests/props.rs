//! Property tests: no bytes make the decoder panic; reassembly in any order gives the
//! original datagram.

mod common;

use common::*;
use proptest::prelude::*;
use tlsdoctor_capture::LinkType;
use tlsdoctor_net::{Decoded, Decoder, DecoderConfig};

const LINKS: [u32; 12] = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147, 9];

fn link() -> impl Strategy<Value = LinkType> {
    prop_oneof![prop::sample::select(LINKS.to_vec()), any::<u32>()].prop_map(LinkType)
}

/// A plausible link header for `link`, so that random IP headers get decoded.
fn link_header(link: LinkType, v6: bool) -> Vec<u8> {
    let ethertype: [u8; 2] = if v6 { [0x86, 0xdd] } else { [0x08, 0x00] };
    match link {
        LinkType::ETHERNET => [vec![0; 12], vec![0x81, 0, 0, 1], ethertype.to_vec()].concat(),
        LinkType::LINUX_SLL => [vec![0; 14], ethertype.to_vec()].concat(),
        LinkType::LINUX_SLL2 => [ethertype.to_vec(), vec![0; 18]].concat(),
        LinkType::NULL => vec![if v6 { 30 } else { 2 }, 0, 0, 0],
        LinkType::LOOP => vec![0, 0, 0, if v6 { 24 } else { 2 }],
        _ => Vec::new(),
    }
}

/// Random IPv4/IPv6 packets with interesting first bytes: version, IHL, protocol,
/// fragment fields from small sets, so that fragments of one datagram meet.
fn ip_packet() -> impl Strategy<Value = Vec<u8>> {
    let v4 = (
        5u8..8,
        prop::sample::select(vec![6u8, 17, 1]),
        0u16..3,
        prop::sample::select(vec![0u16, 0x2000, 0x2001, 0x2002, 0x0001, 0x0003, 0x2010]),
        prop::option::of(0u16..200),
        prop::collection::vec(any::<u8>(), 0..120),
    )
        .prop_map(|(ihl, proto, id, frag, total, tail)| {
            let mut p = ipv4_frag(proto, id, frag, &tail);
            p[0] = 0x40 | ihl;
            if let Some(t) = total {
                p[2..4].copy_from_slice(&t.to_be_bytes());
            }
            p
        });
    let v6 = (
        prop::sample::select(vec![0u8, 6, 17, 43, 44, 50, 51, 59, 60]),
        prop::collection::vec(prop::sample::select(vec![0u8, 1, 6, 17, 44, 60, 0x20, 0x21, 0xff]), 0..16),
        prop::collection::vec(any::<u8>(), 0..100),
        prop::option::of(0u16..200),
    )
        .prop_map(|(next, head, tail, plen)| {
            let mut p = ipv6(next, &[head, tail].concat());
            if let Some(n) = plen {
                p[4..6].copy_from_slice(&n.to_be_bytes());
            }
            p
        });
    prop_oneof![v4, v6]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(link in link(), bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut d = Decoder::default();
        let _ = d.decode(link, &bytes, ts(0));
        for cut in [1, 14, 20, 40, 60] {
            let _ = d.decode(link, &bytes[..bytes.len().min(cut)], ts(0));
        }
    }

    #[test]
    fn streams_of_plausible_packets_never_panic_and_stay_bounded(
        frames in prop::collection::vec((link(), ip_packet(), 0usize..200, 0i64..6), 1..60),
    ) {
        let config = DecoderConfig { max_fragment_sets: 3, max_fragment_bytes: 128, fragment_timeout_secs: 2 };
        let mut d = Decoder::new(config);
        for (link, ip, cut, secs) in frames {
            let v6 = ip[0] >> 4 == 6;
            let mut frame = link_header(link, v6);
            frame.extend(&ip[..ip.len().min(cut)]);
            if let Ok(Decoded::Tcp(s)) = d.decode(link, &frame, ts(secs)) {
                prop_assert!(s.payload.len() <= frame.len().max(128));
            }
            let st = d.stats();
            prop_assert!(st.fragment_sets_pending <= 3);
            prop_assert!(st.fragment_bytes_pending <= 3 * 128);
        }
    }

    #[test]
    fn reassembly_in_any_order_with_duplicates(
        payload in prop::collection::vec(any::<u8>(), 1..400),
        cuts in prop::collection::vec(1usize..16, 1..12),
        order in Just(()).prop_perturb(|_, mut rng| rng.random::<u64>()),
        v6 in any::<bool>(),
    ) {
        let seg = tcp(1000, 443, 1, &payload);
        // Fragment boundaries at multiples of 8.
        let mut bounds = vec![0];
        for c in cuts {
            let next = bounds.last().unwrap() + c * 8;
            if next >= seg.len() { break; }
            bounds.push(next);
        }
        bounds.push(seg.len());
        let mut frags: Vec<Vec<u8>> = bounds.windows(2).map(|w| {
            let more = w[1] < seg.len();
            if v6 {
                ipv6(44, &frag6(6, (w[0] / 8) as u16, more, 77, &seg[w[0]..w[1]]))
            } else {
                let field = (w[0] / 8) as u16 | if more { 0x2000 } else { 0 };
                ipv4_frag(6, 77, field, &seg[w[0]..w[1]])
            }
        }).collect();
        let n = frags.len();
        prop_assume!(n > 1, "one piece is not a fragment");
        // A deterministic shuffle and duplicates from the random seed.
        let mut seed = order;
        let mut next = || { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; seed };
        for i in (1..n).rev() {
            let j = (next() % (i as u64 + 1)) as usize;
            frags.swap(i, j);
        }
        // Duplicates anywhere before the last fragment, which completes the datagram.
        for _ in 0..(next() % 4) {
            let k = (next() % (n as u64 - 1)) as usize; // not the last one
            let dup = frags[k].clone();
            let at = (next() % frags.len() as u64) as usize;
            frags.insert(at, dup);
        }
        let mut d = Decoder::default();
        let (last, held) = frags.split_last().unwrap();
        for f in held {
            let r = d.decode(LinkType::RAW, f, ts(0));
            prop_assert!(matches!(r, Ok(Decoded::FragmentHeld)), "{:?}", r);
        }
        match d.decode(LinkType::RAW, last, ts(0)) {
            Ok(Decoded::Tcp(s)) => {
                prop_assert_eq!(s.payload, payload.as_slice());
                prop_assert!(!s.payload_cut);
            }
            other => prop_assert!(false, "unexpected {:?}", other),
        }
        prop_assert_eq!(d.stats().datagrams_reassembled, 1);
    }
}
