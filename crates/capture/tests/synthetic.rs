//! Synthesised files for what the real captures lack.

mod common;

use std::io::Write;

use common::*;
use tlsdoctor_capture::{CaptureErrorKind, CaptureReader, DecryptionSecrets, Format, LinkType, Timestamp};

/// (number, secs, nanos, link type, interface, data, original_len) of every frame, then
/// the final error if any.
type Row = (u64, i64, u32, u32, u32, Vec<u8>, u32);

fn read_all(r: &mut CaptureReader) -> (Vec<Row>, Option<tlsdoctor_capture::CaptureError>) {
    let mut rows = Vec::new();
    loop {
        match r.next_frame() {
            Ok(Some(f)) => rows.push((
                f.number,
                f.timestamp.secs,
                f.timestamp.nanos,
                f.link_type.0,
                f.interface,
                f.data.to_vec(),
                f.original_len,
            )),
            Ok(None) => return (rows, None),
            Err(e) => return (rows, Some(e)),
        }
    }
}

fn ok_rows(bytes: Vec<u8>) -> Vec<Row> {
    let mut r = reader(bytes).unwrap();
    let (rows, err) = read_all(&mut r);
    assert!(err.is_none(), "{}", err.unwrap());
    rows
}

#[test]
fn pcap_big_endian_microseconds() {
    let mut f = pcap_header(true, false, 65535, 0x1000_0001); // FCS bits set
    f.extend(pcap_record(true, 0x5000_0000, 999_999, b"abcd", 60));
    f.extend(pcap_record(true, 7, 1_500_000, b"xyz", 3)); // out-of-range micros, normalised
    let mut r = reader(f).unwrap();
    assert_eq!(r.format(), Format::Pcap);
    assert!(!r.is_gzip());
    assert_eq!(r.pcap_link_type(), Some(LinkType::ETHERNET));
    let f1 = r.next_frame().unwrap().unwrap();
    assert_eq!(f1.number, 1);
    assert_eq!(f1.timestamp, Timestamp { secs: 0x5000_0000, nanos: 999_999_000 });
    assert_eq!(f1.link_type, LinkType::ETHERNET);
    assert_eq!(f1.data, b"abcd");
    assert_eq!(f1.original_len, 60);
    assert!(f1.is_cut());
    let f2 = r.next_frame().unwrap().unwrap();
    assert_eq!(f2.number, 2);
    assert_eq!(f2.timestamp, Timestamp { secs: 8, nanos: 500_000_000 });
    assert!(!f2.is_cut());
    assert!(r.next_frame().unwrap().is_none());
    assert_eq!(r.frames_read(), 2);
    assert_eq!(r.bytes_read(), 24 + 20 + 19);
}

#[test]
fn pcap_nanoseconds_both_byte_orders() {
    for be in [false, true] {
        let mut f = pcap_header(be, true, 65535, 101);
        f.extend(pcap_record(be, 1_700_000_000, 123_456_789, b"\x45\x00", 2));
        let rows = ok_rows(f);
        assert_eq!(rows, vec![(1, 1_700_000_000, 123_456_789, 101, 0, b"\x45\x00".to_vec(), 2)], "be={be}");
    }
}

#[test]
fn pcapng_big_endian_section() {
    let mut f = shb(true);
    f.extend(idb(true, 1, 65535, &[]));
    f.extend(epb(true, 0, 1_234_567_890_123_456, b"hello", 5));
    let mut r = reader(f).unwrap();
    assert_eq!(r.format(), Format::Pcapng);
    assert_eq!(r.pcap_link_type(), None);
    let (rows, err) = read_all(&mut r);
    assert!(err.is_none());
    // Default resolution: microseconds.
    assert_eq!(rows, vec![(1, 1_234_567_890, 123_456_000, 1, 0, b"hello".to_vec(), 5)]);
}

#[test]
fn pcapng_two_sections_reset_interfaces_and_byte_order() {
    let mut f = shb(false);
    f.extend(idb(false, 1, 0, &[]));
    f.extend(idb(false, 113, 0, &[]));
    f.extend(epb(false, 1, 3_000_000, b"one", 3));
    f.extend(shb(true));
    f.extend(idb(true, 101, 0, &[(9, &[3])]));
    f.extend(epb(true, 0, 4_500, b"two", 3));
    let rows = ok_rows(f.clone());
    assert_eq!(rows, vec![(1, 3, 0, 113, 1, b"one".to_vec(), 3), (2, 4, 500_000_000, 101, 0, b"two".to_vec(), 3),]);
    // Interface 1 existed in the first section only.
    f.extend(epb(true, 1, 0, b"bad", 3));
    let bad_offset = f.len() - epb(true, 1, 0, b"bad", 3).len();
    let mut r = reader(f).unwrap();
    let (rows, err) = read_all(&mut r);
    assert_eq!(rows.len(), 2);
    let err = err.unwrap();
    assert_eq!(err.offset, bad_offset as u64);
    match &err.kind {
        CaptureErrorKind::Malformed(m) => assert!(m.contains("interface 1"), "{m}"),
        k => panic!("{k:?}"),
    }
    assert!(r.next_frame().unwrap().is_none());
}

#[test]
fn pcapng_interfaces_with_different_link_types_and_resolutions() {
    let mut f = shb(false);
    // 10^-9 with an offset of 100 s.
    f.extend(idb(false, 1, 0, &[(2, b"eth0"), (9, &[9]), (14, &100i64.to_le_bytes())]));
    // 2^-20.
    f.extend(idb(false, 228, 0, &[(9, &[0x80 | 20])]));
    f.extend(epb(false, 0, 1_600_000_000_987_654_321, b"a", 1));
    f.extend(epb(false, 1, (1000 << 20) | (1 << 19) | (1 << 10), b"b", 1));
    let rows = ok_rows(f);
    assert_eq!(
        rows,
        vec![
            (1, 1_600_000_100, 987_654_321, 1, 0, b"a".to_vec(), 1),
            // 1000 + 0.5 + 2^-10 s = 1000.5009765625 s
            (2, 1000, 500_976_562, 228, 1, b"b".to_vec(), 1),
        ]
    );
}

#[test]
fn pcapng_simple_packet_block() {
    let mut f = shb(false);
    f.extend(idb(false, 1, 8, &[]));
    f.extend(spb(false, &[9; 6], 6));
    f.extend(spb(false, &[7; 12], 1500)); // snaplen 8 cuts it
    let rows = ok_rows(f);
    assert_eq!(rows, vec![(1, 0, 0, 1, 0, vec![9; 6], 6), (2, 0, 0, 1, 0, vec![7; 8], 1500),]);
}

#[test]
fn pcapng_simple_packet_block_padding_is_not_data() {
    let mut f = shb(false);
    f.extend(idb(false, 1, 0, &[]));
    f.extend(spb(false, &[5; 5], 5)); // padded to 8 in the block
    assert_eq!(ok_rows(f), vec![(1, 0, 0, 1, 0, vec![5; 5], 5)]);
}

#[test]
fn pcapng_simple_packet_block_without_interface_is_malformed() {
    let mut f = shb(false);
    f.extend(spb(false, &[5; 4], 4));
    let (rows, err) = read_all(&mut reader(f).unwrap());
    assert!(rows.is_empty());
    let err = err.unwrap();
    assert_eq!(err.offset, 28);
    assert!(matches!(err.kind, CaptureErrorKind::Malformed(_)));
}

#[test]
fn pcapng_obsolete_packet_block() {
    let mut f = shb(true);
    f.extend(idb(true, 1, 0, &[]));
    f.extend(idb(true, 113, 0, &[(9, &[9])]));
    f.extend(pb(true, 1, 5_000_000_007, b"old", 40));
    let rows = ok_rows(f);
    assert_eq!(rows, vec![(1, 5, 7, 113, 1, b"old".to_vec(), 40)]);
}

#[test]
fn frame_numbers_count_every_packet_record_and_skip_other_blocks() {
    for be in [false, true] {
        let mut r = reader(small_pcapng(be)).unwrap();
        let (rows, err) = read_all(&mut r);
        assert!(err.is_none());
        let summary: Vec<_> = rows.iter().map(|r| (r.0, r.1, r.2, r.3, r.4, r.5.len(), r.6)).collect();
        assert_eq!(
            summary,
            vec![(1, 1, 0, 1, 0, 21, 21), (2, 2, 0, 101, 1, 8, 100), (3, 0, 0, 1, 0, 13, 13), (4, 0, 5, 101, 1, 4, 4),],
            "be={be}"
        );
        let dsbs = r.decryption_secrets();
        assert_eq!(dsbs.len(), 1);
        assert_eq!(dsbs[0].secrets_type, DecryptionSecrets::TLS_KEY_LOG);
        assert_eq!(dsbs[0].data, b"CLIENT_RANDOM 00 11\n");
        assert_eq!(dsbs[0].after_frame, 0);
        assert_eq!(r.bytes_read(), small_pcapng(be).len() as u64);
    }
}

#[test]
fn dsb_after_frames_records_its_position() {
    let mut f = shb(false);
    f.extend(idb(false, 1, 0, &[]));
    f.extend(epb(false, 0, 0, b"1", 1));
    f.extend(epb(false, 0, 0, b"2", 1));
    f.extend(dsb(false, 0x5747_4b4c, b"wg"));
    f.extend(epb(false, 0, 0, b"3", 1));
    let mut r = reader(f).unwrap();
    let (rows, _) = read_all(&mut r);
    assert_eq!(rows.len(), 3);
    let d = &r.decryption_secrets()[0];
    assert_eq!(
        (d.secrets_type, d.data.as_slice(), d.after_frame),
        (DecryptionSecrets::WIREGUARD_KEY_LOG, &b"wg"[..], 2)
    );
}

#[test]
fn large_dsb_and_large_unknown_block_are_streamed() {
    // Over the 16 MiB buffered-block limit.
    let big: Vec<u8> = (0..17 * 1024 * 1024 + 3).map(|i| (i % 251) as u8).collect();
    let mut f = shb(false);
    f.extend(idb(false, 1, 0, &[]));
    f.extend(dsb(false, 0x544c_534b, &big));
    f.extend(block(false, 0x4000_0bad, &big));
    f.extend(epb(false, 0, 0, b"after", 5));
    let mut r = reader(f.clone()).unwrap();
    let (rows, err) = read_all(&mut r);
    assert!(err.is_none(), "{:?}", err);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].5, b"after");
    assert_eq!(r.decryption_secrets().len(), 1);
    assert!(r.decryption_secrets()[0].data == big);
    assert_eq!(r.bytes_read(), f.len() as u64);

    // Cut inside the large unknown block.
    let dsb_end = 28 + 20 + dsb(false, 0x544c_534b, &big).len();
    f.truncate(dsb_end + 1000);
    let (rows, err) = read_all(&mut reader(f).unwrap());
    assert!(rows.is_empty());
    let err = err.unwrap();
    assert_eq!(err.offset, dsb_end as u64);
    match err.kind {
        CaptureErrorKind::Truncated { needed, available, .. } => {
            assert_eq!((available, needed), (1000, (12 + big.len() + 1) as u64))
        }
        k => panic!("{k:?}"),
    }
}

#[test]
fn truncated_pcap_returns_complete_frames_then_the_cut_record() {
    let full = small_pcap(false);
    // Records at 24 (16+20), 60 (16+30), 106 (16+10); cut 5 bytes into the third's data.
    let cut = full[..106 + 16 + 5].to_vec();
    let mut r = reader(cut).unwrap();
    assert_eq!(r.next_frame().unwrap().unwrap().number, 1);
    assert_eq!(r.next_frame().unwrap().unwrap().data, &[2; 30][..]);
    let err = r.next_frame().unwrap_err();
    assert_eq!(err.offset, 106);
    match err.kind {
        CaptureErrorKind::Truncated { needed, available, .. } => assert_eq!((needed, available), (26, 21)),
        ref k => panic!("{k:?}"),
    }
    assert!(err.is_truncated());
    assert_eq!(
        err.to_string(),
        "test: at byte 106: file cut in a pcap packet record: 26 bytes announced, only 21 present"
    );
    assert!(r.next_frame().unwrap().is_none());
    assert_eq!(r.frames_read(), 2);

    // Cut inside a record header.
    let (rows, err) = read_all(&mut reader(full[..60 + 7].to_vec()).unwrap());
    assert_eq!(rows.len(), 1);
    let err = err.unwrap();
    assert_eq!(err.offset, 60);
    assert!(matches!(err.kind, CaptureErrorKind::Truncated { needed: 16, available: 7, .. }));

    // Cut inside the global header.
    let err = reader(full[..10].to_vec()).unwrap_err();
    assert!(matches!(err.kind, CaptureErrorKind::Truncated { needed: 24, available: 10, .. }));
}

#[test]
fn truncated_pcapng_returns_complete_frames_then_the_cut_block() {
    let full = small_pcapng(false);
    // The SPB (frame 3) directly follows the EPB of frame 2, so it starts where the
    // reader stands after frame 2.
    let mut r = reader(full.clone()).unwrap();
    r.next_frame().unwrap();
    r.next_frame().unwrap();
    let spb_start = r.bytes_read() as usize;
    assert_eq!(&full[spb_start..spb_start + 4], &3u32.to_le_bytes());
    let cut = full[..spb_start + 20].to_vec();
    let mut r = reader(cut).unwrap();
    let (rows, err) = read_all(&mut r);
    assert_eq!(rows.len(), 2);
    let err = err.unwrap();
    assert_eq!(err.offset, spb_start as u64);
    match err.kind {
        CaptureErrorKind::Truncated { what, needed, available } => {
            assert_eq!((what, needed, available), ("pcapng block", 32, 20))
        }
        k => panic!("{k:?}"),
    }
    assert!(r.next_frame().unwrap().is_none());
}

#[test]
fn not_a_capture_reports_the_magic() {
    let err = reader(b"GET / HTTP/1.1\r\n".to_vec()).unwrap_err();
    assert_eq!(err.offset, 0);
    match err.kind {
        CaptureErrorKind::NotACapture { magic } => assert_eq!(&magic, b"GET "),
        ref k => panic!("{k:?}"),
    }
    assert_eq!(err.to_string(), "test: at byte 0: not a pcap or pcapng file (starts with 47 45 54 20)");
    let err = reader(Vec::new()).unwrap_err();
    assert!(err.is_truncated());
}

#[test]
fn absurd_pcap_caplen_is_malformed_without_allocating() {
    let mut f = small_pcap(true);
    let mut w = W::new(true);
    w.u32(1).u32(0).u32(0xffff_fff0).u32(0xffff_fff0);
    let at = f.len();
    f.extend(w.buf);
    let (rows, err) = read_all(&mut reader(f).unwrap());
    assert_eq!(rows.len(), 3);
    let err = err.unwrap();
    assert_eq!(err.offset, at as u64);
    match err.kind {
        CaptureErrorKind::Malformed(m) => assert!(m.contains("4294967280"), "{m}"),
        k => panic!("{k:?}"),
    }
}

#[test]
fn pcap_snaplen_above_the_default_limit_is_honoured() {
    let big = vec![0xab; 300 * 1024];
    let mut f = pcap_header(false, false, 1 << 20, 1);
    f.extend(pcap_record(false, 1, 0, &big, big.len() as u32));
    assert_eq!(ok_rows(f)[0].5.len(), big.len());
    // Without it, 300 KiB is over the 256 KiB limit.
    let mut f = pcap_header(false, false, 65535, 1);
    f.extend(pcap_record(false, 1, 0, &big, big.len() as u32));
    let (_, err) = read_all(&mut reader(f).unwrap());
    assert!(matches!(err.unwrap().kind, CaptureErrorKind::Malformed(_)));
}

#[test]
fn pcapng_block_length_checks() {
    let base = {
        let mut f = shb(false);
        f.extend(idb(false, 1, 0, &[]));
        f
    };
    let at = base.len() as u64;
    // Trailing length differs.
    let mut b = epb(false, 0, 0, b"abcd", 4);
    let n = b.len();
    b[n - 4] ^= 4;
    let mut f = base.clone();
    f.extend(b);
    let err = read_all(&mut reader(f).unwrap()).1.unwrap();
    assert_eq!(err.offset, at);
    match err.kind {
        CaptureErrorKind::Malformed(m) => assert!(m.contains("trailing"), "{m}"),
        k => panic!("{k:?}"),
    }
    // Not a multiple of 4, and too small.
    for bad_len in [30u32, 8] {
        let mut f = base.clone();
        let mut w = W::new(false);
        w.u32(6).u32(bad_len).bytes(&[0; 24]);
        f.extend(w.buf);
        let err = read_all(&mut reader(f).unwrap()).1.unwrap();
        assert_eq!(err.offset, at);
        assert!(matches!(err.kind, CaptureErrorKind::Malformed(_)), "{bad_len}");
    }
    // Captured length larger than the block.
    let mut w = W::new(false);
    w.u32(0).u32(0).u32(0).u32(100).u32(100).bytes(&[0; 8]);
    let mut f = base.clone();
    f.extend(block(false, 6, &w.buf));
    let err = read_all(&mut reader(f).unwrap()).1.unwrap();
    assert_eq!(err.offset, at);
    assert!(matches!(err.kind, CaptureErrorKind::Malformed(_)));
    // Packet block claiming 1 GiB: refused before reading or allocating.
    let mut w = W::new(false);
    w.u32(6).u32(1 << 30).bytes(&[0; 24]);
    let mut f = base.clone();
    f.extend(w.buf);
    let err = read_all(&mut reader(f).unwrap()).1.unwrap();
    assert_eq!(err.offset, at);
    assert!(matches!(err.kind, CaptureErrorKind::Malformed(_)));
}

#[test]
fn pcapng_bad_byte_order_magic_and_version() {
    let mut f = shb(false);
    f[8] = 0;
    let err = read_all(&mut reader(f).unwrap()).1.unwrap();
    assert!(matches!(err.kind, CaptureErrorKind::Malformed(_)));
    let mut f = shb(true);
    f[12..14].copy_from_slice(&2u16.to_be_bytes());
    let err = read_all(&mut reader(f).unwrap()).1.unwrap();
    assert!(matches!(err.kind, CaptureErrorKind::Unsupported(_)));
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn gzip_multi_member_is_read_whole() {
    let plain = small_pcap(false);
    let (a, b) = plain.split_at(50);
    let mut gz = gzip(a);
    gz.extend(gzip(b));
    let mut r = reader(gz).unwrap();
    assert!(r.is_gzip());
    assert_eq!(r.format(), Format::Pcap);
    let (rows, err) = read_all(&mut r);
    assert!(err.is_none());
    assert_eq!(rows.len(), 3);
    assert_eq!(r.bytes_read(), plain.len() as u64);
}

#[test]
fn gzip_cut_short_reports_an_error_after_the_frames() {
    let mut plain = small_pcap(false);
    for i in 0..200u32 {
        plain.extend(pcap_record(false, i, 0, &[i as u8; 100], 100));
    }
    let gz = gzip(&plain);
    let cut = gz[..gz.len() / 2].to_vec();
    let mut r = reader(cut).unwrap();
    let (rows, err) = read_all(&mut r);
    assert!(rows.len() > 3 && rows.len() < 203, "{}", rows.len());
    let err = err.expect("an error at the cut");
    assert!(err.is_truncated(), "{err}");
    assert!(matches!(err.kind, CaptureErrorKind::Io(_)));
    // The error names the record that could not be completed.
    assert_eq!(err.offset, r.bytes_read());
}

#[test]
fn gzip_corrupt_midway_keeps_the_frames_before_the_damage() {
    // A stream that compresses a thousandfold: one read of the decoder could inflate a
    // whole block's worth, and lose it all at the damage.
    let mut plain = small_pcap(false);
    for i in 0..20_000u32 {
        plain.extend(pcap_record(false, i / 1000, 0, &[(i / 1000) as u8; 100], 100));
    }
    let clean = gzip(&plain);
    let frames = |gz: &[u8], block_len| {
        let input = Box::new(std::io::Cursor::new(gz.to_vec()));
        match CaptureReader::from_reader_in_blocks(input, "test", block_len) {
            Ok(mut r) => {
                let (rows, err) = read_all(&mut r);
                (rows.len(), err.is_some_and(|e| matches!(e.kind, CaptureErrorKind::Io(_))))
            }
            Err(e) => (0, matches!(e.kind, CaptureErrorKind::Io(_))),
        }
    };
    let mut checked = 0;
    for at in (clean.len() / 4..clean.len() - 64).step_by(clean.len() / 50) {
        let mut gz = clean.clone();
        gz[at..at + 16].fill(0xff);
        let ((whole, whole_io), (small, small_io)) = (frames(&gz, 1 << 20), frames(&gz, 64));
        if whole_io && small_io {
            // The decoder is read 64 KiB at a time (565 frames here): at most that much
            // is lost before the error, whatever the block size.
            assert!(whole + 565 >= small, "damage at {at}: {whole} frames, {small} in small blocks");
            checked += 1;
        }
    }
    assert!(checked >= 3, "{checked} damages made the decoder fail");
}
