//! Frame counts, lengths and times checked against tshark 4.0 on the Wireshark test captures.

use std::path::PathBuf;

use tlsdoctor_capture::{CaptureReader, DecryptionSecrets, Format, LinkType, Timestamp};

fn capture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/wireshark/captures").join(name)
}

/// What tshark says: `tshark -r F -T fields -e frame.number -e frame.cap_len -e frame.time_epoch`.
struct Expect {
    file: &'static str,
    format: Format,
    gzip: bool,
    link_type: LinkType,
    frames: u64,
    total_caplen: u64,
    first: (usize, Timestamp),
    tenth: Option<(usize, Timestamp)>,
    last: (usize, Timestamp),
    first_bytes: [u8; 16],
}

fn ts(secs: i64, nanos: u32) -> Timestamp {
    Timestamp { secs, nanos }
}

fn check(e: &Expect) {
    let path = capture(e.file);
    let mut r = CaptureReader::open(&path).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(r.format(), e.format, "{}", e.file);
    assert_eq!(r.is_gzip(), e.gzip, "{}", e.file);
    let mut n = 0u64;
    let mut total = 0u64;
    let mut last = None;
    while let Some(f) = r.next_frame().unwrap_or_else(|err| panic!("{err}")) {
        n += 1;
        assert_eq!(f.number, n, "{}", e.file);
        assert_eq!(f.link_type, e.link_type, "{} frame {n}", e.file);
        assert_eq!(f.interface, 0);
        assert!(!f.is_cut(), "{} frame {n}", e.file);
        assert_eq!(f.data.len() as u64, u64::from(f.original_len));
        total += f.data.len() as u64;
        if n == 1 {
            assert_eq!((f.data.len(), f.timestamp), e.first, "{} first", e.file);
            assert_eq!(&f.data[..16], &e.first_bytes, "{} first bytes", e.file);
        }
        if n == 10 {
            assert_eq!(Some((f.data.len(), f.timestamp)), e.tenth, "{} tenth", e.file);
        }
        last = Some((f.data.len(), f.timestamp));
    }
    assert_eq!(n, e.frames, "{} frame count", e.file);
    assert_eq!(r.frames_read(), e.frames);
    assert_eq!(total, e.total_caplen, "{} sum of cap_len", e.file);
    assert_eq!(last, Some(e.last), "{} last", e.file);
    if !e.gzip {
        let len = std::fs::metadata(&path).unwrap().len();
        assert_eq!(r.bytes_read(), len, "{} consumed whole file", e.file);
    }
    // Stays at the end.
    assert!(r.next_frame().unwrap().is_none());
}

#[test]
fn rsasnakeoil2_pcap_little_endian_microseconds() {
    check(&Expect {
        file: "rsasnakeoil2.pcap",
        format: Format::Pcap,
        gzip: false,
        link_type: LinkType::ETHERNET,
        frames: 58,
        total_caplen: 24105,
        first: (74, ts(1145869455, 842_911_000)),
        tenth: Some((66, ts(1145869458, 665_720_000))),
        last: (66, ts(1145869468, 211_338_000)),
        first_bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00, 0x45, 0x00],
    });
}

#[test]
fn retrans_tls_pcap_raw_ipv4() {
    check(&Expect {
        file: "retrans-tls.pcap",
        format: Format::Pcap,
        gzip: false,
        link_type: LinkType::IPV4,
        frames: 2,
        total_caplen: 102,
        first: (41, ts(1548351833, 226_738_000)),
        tenth: None,
        last: (61, ts(1548351833, 227_141_000)),
        first_bytes: [0x45, 0x00, 0x00, 0x29, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x66, 0xcc, 0x0a, 0x00, 0x00, 0x01],
    });
}

#[test]
fn dmgr_pcapng_linux_sll_nanoseconds() {
    check(&Expect {
        file: "dmgr.pcapng",
        format: Format::Pcapng,
        gzip: false,
        link_type: LinkType::LINUX_SLL,
        frames: 42,
        total_caplen: 18835,
        first: (76, ts(1433281126, 138_011_480)),
        tenth: Some((121, ts(1433281126, 159_080_587))),
        last: (68, ts(1433281131, 640_932_283)),
        first_bytes: [0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00],
    });
}

#[test]
fn tls12_dsb_pcapng_frames() {
    check(&Expect {
        file: "tls12-dsb.pcapng",
        format: Format::Pcapng,
        gzip: false,
        link_type: LinkType::IPV4,
        frames: 17,
        total_caplen: 9190,
        first: (281, ts(1542465083, 420_067_000)),
        tenth: Some((281, ts(1542465083, 422_507_000))),
        last: (83, ts(1542465083, 425_052_000)),
        first_bytes: [0x45, 0x00, 0x01, 0x19, 0xe1, 0xea, 0x40, 0x00, 0x40, 0x06, 0x18, 0x0f, 0x0a, 0x09, 0x00, 0x02],
    });
}

#[test]
fn tls12_dsb_pcapng_secrets() {
    let mut r = CaptureReader::open(&capture("tls12-dsb.pcapng")).unwrap();
    // The first DSB stands before any packet: it is there after the first frame.
    assert!(r.next_frame().unwrap().is_some());
    assert_eq!(r.decryption_secrets().len(), 1);
    while r.next_frame().unwrap().is_some() {}
    let dsbs = r.decryption_secrets();
    assert_eq!(dsbs.len(), 2);
    assert_eq!(dsbs.iter().map(|d| d.after_frame).collect::<Vec<_>>(), [0, 9]);
    assert_eq!(dsbs.iter().map(|d| d.data.len()).collect::<Vec<_>>(), [184, 176]);
    for d in dsbs {
        assert_eq!(d.secrets_type, DecryptionSecrets::TLS_KEY_LOG);
        assert_eq!(d.secrets_type, 0x544c_534b);
        // Key log lines, possibly after comments.
        let first_label = d.data.split(|&b| b == b'\n').find(|l| !l.starts_with(b"#") && !l.is_empty()).unwrap();
        assert!(first_label.starts_with(b"CLIENT_RANDOM "), "{d:?}");
    }
    assert!(dsbs[0].data.starts_with(b"# first\n"));
    assert!(dsbs[1].data.starts_with(b"CLIENT_RANDOM "));
    // Debug output never shows the secret bytes.
    assert!(!format!("{:?}", dsbs[1]).contains("CLIENT_RANDOM"));
}

#[test]
fn dhe1_pcapng_gz() {
    check(&Expect {
        file: "dhe1.pcapng.gz",
        format: Format::Pcapng,
        gzip: true,
        link_type: LinkType::ETHERNET,
        frames: 16,
        total_caplen: 1662,
        first: (74, ts(1394575569, 493_357_000)),
        tenth: Some((156, ts(1394575577, 712_260_000))),
        last: (66, ts(1394575581, 192_989_000)),
        first_bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00, 0x45, 0x00],
    });
}

#[test]
fn tls_fragmented_handshakes_pcap_gz() {
    check(&Expect {
        file: "tls-fragmented-handshakes.pcap.gz",
        format: Format::Pcap,
        gzip: true,
        link_type: LinkType::IPV4,
        frames: 589,
        total_caplen: 79285,
        first: (187, ts(1555546680, 752_651_000)),
        tenth: Some((114, ts(1555546680, 755_106_000))),
        last: (173, ts(1555546680, 911_802_000)),
        first_bytes: [0x45, 0x00, 0x00, 0xbb, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x7c, 0x3a, 0x7f, 0x00, 0x00, 0x01],
    });
}

#[test]
fn gzip_bytes_read_counts_decompressed_stream() {
    let mut r = CaptureReader::open(&capture("dhe1.pcapng.gz")).unwrap();
    while r.next_frame().unwrap().is_some() {}
    // `gzip -dc dhe1.pcapng.gz | wc -c`
    assert_eq!(r.bytes_read(), 2372);
}

#[test]
fn every_test_capture_reads_to_the_end() {
    // Count check against tshark for all files in the directory.
    let expected = [
        ("dtls12-aes128ccm8-dsb.pcapng", Some(13)),
        ("quic-fragmented-handshakes.pcapng.gz", Some(33)),
        ("udt-dtls.pcapng.gz", Some(34)),
        ("rsasnakeoil2.pcap", Some(58)),
        ("tls-fragmented-handshakes.pcap.gz", Some(589)),
    ];
    for (file, count) in expected {
        let mut r = CaptureReader::open(&capture(file)).unwrap_or_else(|e| panic!("{e}"));
        let mut n = 0;
        while r.next_frame().unwrap_or_else(|e| panic!("{e}")).is_some() {
            n += 1;
        }
        if let Some(c) = count {
            assert_eq!(n, c, "{file}");
        }
        assert!(n > 0, "{file}");
    }
}

#[test]
fn missing_file_is_an_io_error_naming_the_path() {
    let path = capture("no-such-file.pcap");
    let err = CaptureReader::open(&path).unwrap_err();
    assert!(matches!(err.kind, tlsdoctor_capture::CaptureErrorKind::Io(_)));
    assert!(err.to_string().contains("no-such-file.pcap: at byte 0: "), "{err}");
}
