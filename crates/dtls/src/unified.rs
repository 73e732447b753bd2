//! DTLS 1.3 record numbers (RFC 9147 4.2.2, 4.2.3): a unified header shows the two low
//! bits of the epoch and the 8 or 16 low bits of the sequence number, the latter masked
//! with bytes derived from the ciphertext. The receiver (and so this reader) takes the
//! full values nearest to what it saw last.

use crate::record::DtlsRecord;

/// Where a unified header's sequence number bytes are: (offset, length).
pub fn sequence_bytes(r: &DtlsRecord<'_>) -> Option<(usize, usize)> {
    let flags = *r.header.first()?;
    let at = 1 + r.cid.map_or(0, <[u8]>::len);
    let len = if flags & 0x08 != 0 { 2 } else { 1 };
    (r.unified && r.header.len() >= at + len).then_some((at, len))
}

/// The header with its record number unmasked, and the number's low bits.
pub fn unmask(r: &DtlsRecord<'_>, mask: [u8; 2]) -> Option<(Vec<u8>, u64, u32)> {
    let (at, len) = sequence_bytes(r)?;
    let mut header = r.header.to_vec();
    for (b, m) in header[at..at + len].iter_mut().zip(mask) {
        *b ^= m;
    }
    let low = header[at..at + len].iter().fold(0u64, |n, &b| (n << 8) | u64::from(b));
    Some((header, low, 8 * len as u32))
}

/// The full epoch of a record whose header shows `bits` (its two low bits): the epoch
/// with those bits nearest to `latest`, the highest this side used so far (the older on
/// a tie). Epoch 0 never has a unified header.
pub fn epoch(bits: u16, latest: u64) -> u64 {
    let bits = u64::from(bits & 3);
    let below = latest.saturating_sub(3);
    let candidates = (below..=latest.saturating_add(3)).filter(|e| e & 3 == bits && *e > 0);
    candidates.min_by_key(|e| (e.abs_diff(latest), *e)).unwrap_or(bits.max(4))
}

/// The full sequence number of a record showing its `bits` low bits as `low`: the one
/// nearest to `expected` (one past the highest opened in its epoch), as QUIC decodes
/// packet numbers (RFC 9000 A.3). Sequence numbers have 48 bits.
pub fn sequence(low: u64, bits: u32, expected: u64) -> u64 {
    const MAX: u64 = (1 << 48) - 1;
    let window = 1u64 << bits;
    let half = window / 2;
    let candidate = (expected & !(window - 1)) | (low & (window - 1));
    if candidate.saturating_add(half) <= expected && candidate <= MAX - window {
        candidate + window
    } else if candidate > expected.saturating_add(half) && candidate >= window {
        candidate - window
    } else {
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::records;

    #[test]
    fn the_epoch_nearest_to_the_latest() {
        // A fresh handshake: the handshake epoch, then the application's.
        assert_eq!(epoch(2, 0), 2);
        assert_eq!(epoch(3, 2), 3);
        // A handshake record retransmitted after the application epoch began.
        assert_eq!(epoch(2, 3), 2);
        // Key updates: 3 -> 4 -> 5 -> 6 -> 7 -> 8.
        assert_eq!(epoch(0, 3), 4);
        assert_eq!(epoch(1, 4), 5);
        assert_eq!(epoch(2, 5), 6);
        assert_eq!(epoch(0, 7), 8);
        // Early data (epoch 1) before the handshake epoch.
        assert_eq!(epoch(1, 0), 1);
        assert_eq!(epoch(0, 0), 4, "epoch 0 is never protected");
        assert_eq!(epoch(2, u64::MAX), u64::MAX - 1);
    }

    #[test]
    fn the_sequence_number_nearest_to_the_expected_one() {
        assert_eq!(sequence(0, 8, 0), 0);
        assert_eq!(sequence(5, 8, 3), 5);
        // Wrapping the 8 visible bits forward, and a late record from before the wrap.
        assert_eq!(sequence(0x02, 8, 0x1fe), 0x202);
        assert_eq!(sequence(0xfd, 8, 0x202), 0x1fd);
        // RFC 9000 A.3's example, with 16 bits.
        assert_eq!(sequence(0x9b32, 16, 0xa82f30eb), 0xa82f9b32);
        assert_eq!(sequence(0xffff, 16, 0), 0xffff, "no number below zero");
        assert_eq!(sequence(0, 16, (1 << 48) - 1), (1 << 48) - 65536, "no number past 48 bits");
    }

    #[test]
    fn the_record_number_is_unmasked_in_the_header() {
        // 001 C=0 S=1 L=1 EE=2, sequence bytes 0x12 0x34 masked, length 3.
        let d = [0x2e, 0x12 ^ 0xa5, 0x34 ^ 0x5a, 0, 3, 9, 9, 9];
        let r = records(&d, None).next().unwrap().unwrap();
        assert_eq!(sequence_bytes(&r), Some((1, 2)));
        let (header, low, bits) = unmask(&r, [0xa5, 0x5a]).unwrap();
        assert_eq!((header.as_slice(), low, bits), (&[0x2e, 0x12, 0x34, 0, 3][..], 0x1234, 16));
        // 8-bit sequence number after a 2-byte connection ID, no length.
        let d = [0x30, 0xc1, 0xc2, 0x07 ^ 0x11, 1, 2];
        let r = records(&d, Some(2)).next().unwrap().unwrap();
        let (header, low, bits) = unmask(&r, [0x11, 0x22]).unwrap();
        assert_eq!((header.as_slice(), low, bits), (&[0x30, 0xc1, 0xc2, 0x07][..], 7, 8));
    }
}
