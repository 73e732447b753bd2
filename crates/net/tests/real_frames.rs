//! Real frames from the Wireshark sample captures; expected values from tshark
//! (`-T fields -e ip.src -e tcp.srcport -e tcp.seq_raw -e tcp.ack_raw -e tcp.flags
//! -e tcp.window_size_value -e tcp.len`).

mod common;

use common::*;
use tlsdoctor_capture::LinkType;
use tlsdoctor_net::{Decoded, Decoder, DecoderConfig};

/// rsasnakeoil2.pcap frame 4: Ethernet, 127.0.0.1:38713 -> :443, SSLv2 ClientHello.
const SNAKEOIL_4: &str = "00000000000000000000000008004500009d496e40004006f2ea7f0000017f000001973901bb788c399778c524d980187ffffe9100000101080a1f5371031f5371038067010300004e000000100100800300800700c006004002008004008000003900003800003500003300003200000400000500002f00001600001300feff00000a00001500001200fefe000009000064000062000003000006a8b893bb90e92aa24d6dcc1ce72a8021";
/// rsasnakeoil2.pcap frame 1: the SYN, with options (MSS, SACK, timestamps, wscale).
const SNAKEOIL_1: &str = "00000000000000000000000008004500003c496c40004006f34d7f0000017f000001973901bb788c399600000000a0027fffb44800000204400c0402080a1f5370fa0000000001030300";
/// dmgr.pcapng frame 4: Linux cooked (SLL), 127.0.0.1:44884 -> :9131, TLS ClientHello.
const DMGR_4: &str = "00000304000600000000000000000800450000e4b5d14000400686407f0000017f000001af5423ab09639f1aecff1eef80180100fed800000101080a01a42ad601a42ad616030100ab010000a7030373646aa7c4a448f0be31b2fe5e10e7406616ab1ce8ee1e638bcbb0c0f4bfcbe000002ec02bc02fc00ac01400880039003800840035c009c007c013c0110045003300320041002f00050004c0120016000a010000500000000e000c0000096c6f63616c686f7374ff01000100000a00080006001700180019000b000201000023000033740000000500050100000000000d0012001004010501020104030503020304020202";
/// retrans-tls.pcap frame 2: raw IPv4, 10.0.0.1:65432 -> 10.0.0.2:443.
const RETRANS_2: &str = "4500003d00010000400666b80a0000010a000002ff9801bb00000065000000c950182000f9da00001703030010aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
/// snakeoil-dtls.pcap frame 2: Ethernet, UDP 127.0.0.1:4433 -> :33192, DTLS HelloVerifyRequest.
const DTLS_2: &str = "0000000000000000000000000800450000380000400040113cb37f0000017f000001115181a80024fe371601000000000000000000000f030000030000000000000003010000";

fn decode_tcp(link: LinkType, hex_frame: &str, check: impl FnOnce(&tlsdoctor_net::TcpSegment)) {
    let frame = hex(hex_frame);
    let mut d = Decoder::new(DecoderConfig::default());
    let seg = unwrap_tcp(d.decode(link, &frame, ts(0)).unwrap());
    check(&seg);
}

#[test]
fn ethernet_tcp_snakeoil_frame_4() {
    decode_tcp(LinkType::ETHERNET, SNAKEOIL_4, |s| {
        assert_eq!(s.src.to_string(), "127.0.0.1:38713");
        assert_eq!(s.dst.to_string(), "127.0.0.1:443");
        assert_eq!(s.seq, 2022455703);
        assert_eq!(s.ack, 2026185945);
        assert_eq!(s.flags.0, 0x18);
        assert!(s.flags.ack() && s.flags.psh() && !s.flags.syn());
        assert_eq!(s.window, 32767);
        assert_eq!(s.payload.len(), 105);
        assert_eq!(&s.payload[..5], &[0x80, 0x67, 0x01, 0x03, 0x00]);
        assert_eq!(s.payload[104], 0x21);
        assert!(!s.payload_cut);
    });
}

#[test]
fn ethernet_syn_with_options_snakeoil_frame_1() {
    decode_tcp(LinkType::ETHERNET, SNAKEOIL_1, |s| {
        assert_eq!(s.src.port(), 38713);
        assert_eq!(s.seq, 2022455702);
        assert_eq!(s.ack, 0);
        assert!(s.flags.syn() && !s.flags.ack());
        assert_eq!(s.payload, &[] as &[u8]); // 40-byte header: options skipped
    });
}

#[test]
fn linux_sll_tcp_dmgr_frame_4() {
    decode_tcp(LinkType::LINUX_SLL, DMGR_4, |s| {
        assert_eq!(s.src.to_string(), "127.0.0.1:44884");
        assert_eq!(s.dst.to_string(), "127.0.0.1:9131");
        assert_eq!(s.seq, 157523738);
        assert_eq!(s.ack, 3976142575);
        assert_eq!(s.flags.0, 0x18);
        assert_eq!(s.window, 256);
        assert_eq!(s.payload.len(), 176);
        assert_eq!(&s.payload[..5], &[0x16, 0x03, 0x01, 0x00, 0xab]);
    });
}

#[test]
fn raw_ipv4_tcp_retrans_frame_2() {
    for link in [LinkType::RAW, LinkType::IPV4, LinkType(12), LinkType(14)] {
        decode_tcp(link, RETRANS_2, |s| {
            assert_eq!(s.src.to_string(), "10.0.0.1:65432");
            assert_eq!(s.dst.to_string(), "10.0.0.2:443");
            assert_eq!(s.seq, 101);
            assert_eq!(s.ack, 201);
            assert_eq!(s.window, 8192);
            assert_eq!(s.payload.len(), 21);
            assert_eq!(&s.payload[..5], &[0x17, 0x03, 0x03, 0x00, 0x10]);
        });
    }
}

#[test]
fn ethernet_udp_dtls_frame_2() {
    let frame = hex(DTLS_2);
    let mut d = Decoder::default();
    let u = unwrap_udp(d.decode(LinkType::ETHERNET, &frame, ts(0)).unwrap());
    assert_eq!(u.src.to_string(), "127.0.0.1:4433");
    assert_eq!(u.dst.to_string(), "127.0.0.1:33192");
    assert_eq!(u.payload.len(), 28);
    assert_eq!(&u.payload[..3], &[0x16, 0x01, 0x00]); // handshake, DTLS1_BAD_VER
    assert!(!u.payload_cut);
}

#[test]
fn snap_length_cut_real_frame() {
    // The ClientHello frame captured with a 100-byte snap length.
    let frame = hex(SNAKEOIL_4);
    let mut d = Decoder::default();
    let s = unwrap_tcp(d.decode(LinkType::ETHERNET, &frame[..100], ts(0)).unwrap());
    assert!(s.payload_cut);
    assert_eq!(s.payload.len(), 100 - 14 - 20 - 32);
    assert_eq!(s.seq, 2022455703);
}

/// Sums over whole files, compared with tshark's: TCP segments, sum of raw sequence
/// numbers, sum of TCP payload lengths, UDP datagrams, sum of UDP payload lengths, sum of
/// source ports.
#[test]
fn whole_captures_match_tshark() {
    let expected: [(&str, [u64; 6]); 7] = [
        ("rsasnakeoil2.pcap", [58, 117377744821, 20245, 0, 0, 1288617]),
        ("tls-renegotiation.pcap", [53, 123421985948, 8561, 0, 0, 1471792]),
        ("retrans-tls.pcap", [2, 202, 22, 0, 0, 130864]),
        ("snakeoil-dtls.pcap", [0, 0, 0, 9, 1781, 212451]),
        ("dtls12-aes128ccm8.pcap", [0, 0, 0, 13, 757, 356669]),
        ("http2-data-reassembly.pcap", [44, 157363315641, 78491, 0, 0, 1267662]),
        ("tls13-rfc8446.pcap", [13, 13993181703, 3068, 0, 0, 270682]),
    ];
    for (name, want) in expected {
        let path = capture(name);
        if !path.exists() {
            eprintln!("skipping {name}: {} not found", path.display());
            continue;
        }
        let (link, frames) = read_pcap(&path);
        let mut d = Decoder::default();
        let mut got = [0u64; 6];
        for f in &frames {
            match d.decode(LinkType(link), f, ts(0)).unwrap() {
                Decoded::Tcp(s) => {
                    got[0] += 1;
                    got[1] += u64::from(s.seq);
                    got[2] += s.payload.len() as u64;
                    got[5] += u64::from(s.src.port());
                    assert!(!s.payload_cut);
                }
                Decoded::Udp(u) => {
                    got[3] += 1;
                    got[4] += u.payload.len() as u64;
                    got[5] += u64::from(u.src.port());
                }
                other => panic!("{name}: unexpected {other:?}"),
            }
        }
        assert_eq!(got, want, "{name}");
    }
}
