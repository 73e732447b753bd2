//! Any bytes give frames and then an end or an error: never a panic, never a hang.

mod common;

use common::*;
use proptest::prelude::*;

/// Reads to the end; the number of frames is bounded by the input size (every record
/// takes at least 12 bytes), which also proves termination.
fn drain(bytes: Vec<u8>) {
    let len = bytes.len();
    let Ok(mut r) = reader(bytes) else {
        return;
    };
    let mut n = 0usize;
    loop {
        match r.next_frame() {
            Ok(Some(f)) => {
                assert!(f.data.len() <= len);
                n += 1;
                assert!(n <= len / 12 + 1);
            }
            Ok(None) => break,
            Err(e) => {
                let _ = e.to_string();
                assert!(e.offset <= len as u64);
                assert!(r.next_frame().unwrap().is_none());
                break;
            }
        }
    }
    assert!(r.bytes_read() <= len as u64);
}

fn mutate(mut bytes: Vec<u8>, edits: Vec<(usize, u8)>, cut: Option<usize>) -> Vec<u8> {
    for (i, v) in edits {
        if !bytes.is_empty() {
            let i = i % bytes.len();
            bytes[i] = v;
        }
    }
    if let Some(c) = cut {
        bytes.truncate(c % (bytes.len() + 1));
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        drain(bytes);
    }

    #[test]
    fn arbitrary_bytes_after_a_magic(
        magic in prop_oneof![
            Just(vec![0x0a, 0x0d, 0x0d, 0x0a]),
            Just(vec![0xd4, 0xc3, 0xb2, 0xa1]),
            Just(vec![0xa1, 0xb2, 0x3c, 0x4d]),
        ],
        rest in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut bytes = magic;
        bytes.extend(rest);
        drain(bytes);
    }

    #[test]
    fn mutated_pcap(
        be in any::<bool>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in proptest::option::of(any::<usize>()),
    ) {
        drain(mutate(small_pcap(be), edits, cut));
    }

    #[test]
    fn mutated_pcapng(
        be in any::<bool>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in proptest::option::of(any::<usize>()),
    ) {
        drain(mutate(small_pcapng(be), edits, cut));
    }

    #[test]
    fn mutated_gzip(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut e, &small_pcapng(false)).unwrap();
        drain_gz(mutate(e.finish().unwrap(), edits, cut));
    }
}

/// Like [`drain`], without bounds tied to the compressed size.
fn drain_gz(bytes: Vec<u8>) {
    let Ok(mut r) = reader(bytes) else {
        return;
    };
    let mut n = 0;
    while let Ok(Some(_)) = r.next_frame() {
        n += 1;
        assert!(n < 1_000_000);
    }
    assert!(r.next_frame().unwrap().is_none());
}
