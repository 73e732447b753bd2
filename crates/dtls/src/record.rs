//! DTLS record headers: the explicit DTLSPlaintext/DTLSCiphertext header of DTLS 1.0
//! and 1.2 (epoch and 48-bit sequence number), its connection-ID form (RFC 9146,
//! content type `tls12_cid`), and DTLS 1.3's unified header (RFC 9147 section 4).

use tlsdoctor_tls::record::{ALERT, APPLICATION_DATA, CHANGE_CIPHER_SPEC, HANDSHAKE, HEARTBEAT, MAX_RECORD_LEN};

/// Bytes of the DTLS 1.0/1.2 header: type, version, epoch, sequence number, length.
pub const PLAIN_HEADER_LEN: usize = 13;
/// RFC 9146: a record whose header carries a connection ID (its real type is inside).
pub const TLS12_CID: u8 = 25;
/// RFC 9147: DTLS 1.3 acknowledgements.
pub const ACK: u8 = 26;

/// DTLS 1.0 as OpenSSL sent it before 0.9.8f, DTLS 1.0, DTLS 1.2 (DTLS 1.3 records
/// sent in clear say 1.2).
const RECORD_VERSIONS: [u16; 3] = [0x0100, 0xfeff, 0xfefd];

/// One record of a datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DtlsRecord<'a> {
    /// The header's type: for a unified header, none is visible (`APPLICATION_DATA`
    /// stands for the opaque type, as TLS 1.3's outer type does).
    pub content_type: u8,
    /// The header's version; DTLS 1.3 for a unified header.
    pub version: u16,
    /// The epoch; for a unified header its two low bits.
    pub epoch: u16,
    /// The sequence number; for a unified header its 8 or 16 low bits.
    pub sequence: u64,
    pub cid: Option<&'a [u8]>,
    /// A DTLS 1.3 unified header (always protected).
    pub unified: bool,
    /// The header's bytes as on the wire (DTLS 1.3 authenticates them, with the record
    /// number in clear).
    pub header: &'a [u8],
    pub body: &'a [u8],
}

impl DtlsRecord<'_> {
    /// Its content can only be read with keys: anything after epoch 0.
    pub fn is_protected(&self) -> bool {
        self.unified || self.epoch > 0 || self.content_type == TLS12_CID
    }
}

/// Why a record could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordError {
    /// Not a header any DTLS version sends: the first bytes, zero-padded.
    BadHeader([u8; 5]),
    /// The header declares more bytes than the datagram holds.
    Truncated { need: usize, have: usize },
}

/// The records of one datagram, in order; after an error, nothing more.
/// `cid_len`: the length of the connection IDs this sender's records carry, when one
/// was negotiated.
pub fn records(datagram: &[u8], cid_len: Option<usize>) -> Records<'_> {
    Records { rest: datagram, cid_len, failed: false }
}

pub struct Records<'a> {
    rest: &'a [u8],
    cid_len: Option<usize>,
    failed: bool,
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<DtlsRecord<'a>, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() || self.failed {
            return None;
        }
        let parsed =
            if self.rest[0] & 0xe0 == 0x20 { unified(self.rest, self.cid_len) } else { plain(self.rest, self.cid_len) };
        match parsed {
            Ok((record, used)) => {
                self.rest = &self.rest[used..];
                Some(Ok(record))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

fn first_bytes(b: &[u8]) -> [u8; 5] {
    let mut head = [0; 5];
    let n = b.len().min(5);
    head[..n].copy_from_slice(&b[..n]);
    head
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |n, &b| (n << 8) | u64::from(b))
}

/// A DTLS 1.0/1.2 header, and the record it starts: (record, bytes used).
fn plain(b: &[u8], cid_len: Option<usize>) -> Result<(DtlsRecord<'_>, usize), RecordError> {
    let bad = || RecordError::BadHeader(first_bytes(b));
    let content_type = b[0];
    let cid_len = match content_type {
        TLS12_CID => cid_len.ok_or_else(bad)?,
        CHANGE_CIPHER_SPEC..=HEARTBEAT | ACK => 0,
        _ => return Err(bad()),
    };
    let header_len = PLAIN_HEADER_LEN + cid_len;
    if b.len() < header_len {
        return Err(if b.len() >= 3 && is_record_version(b) {
            RecordError::Truncated { need: header_len, have: b.len() }
        } else {
            bad()
        });
    }
    if !is_record_version(b) {
        return Err(bad());
    }
    let length = usize::from(u16::from_be_bytes([b[header_len - 2], b[header_len - 1]]));
    if length > usize::from(MAX_RECORD_LEN) {
        return Err(bad());
    }
    let end = header_len + length;
    if b.len() < end {
        return Err(RecordError::Truncated { need: end, have: b.len() });
    }
    let record = DtlsRecord {
        content_type,
        version: u16::from_be_bytes([b[1], b[2]]),
        epoch: u16::from_be_bytes([b[3], b[4]]),
        sequence: be(&b[5..11]),
        cid: (cid_len > 0).then(|| &b[11..11 + cid_len]),
        unified: false,
        header: &b[..header_len],
        body: &b[header_len..end],
    };
    Ok((record, end))
}

fn is_record_version(b: &[u8]) -> bool {
    RECORD_VERSIONS.contains(&u16::from_be_bytes([b[1], b[2]]))
}

/// A DTLS 1.3 unified header `001CSLEE`: connection ID present, 16-bit sequence
/// number, length present, the epoch's two low bits.
fn unified(b: &[u8], cid_len: Option<usize>) -> Result<(DtlsRecord<'_>, usize), RecordError> {
    let flags = b[0];
    let has_cid = flags & 0x10 != 0;
    let seq_len = if flags & 0x08 != 0 { 2 } else { 1 };
    let has_length = flags & 0x04 != 0;
    let cid_len = match (has_cid, cid_len) {
        (false, _) => 0,
        (true, Some(n)) => n,
        // Which bytes are the ID cannot be told: the record is unreadable.
        (true, None) => return Err(RecordError::BadHeader(first_bytes(b))),
    };
    let mut header_len = 1 + cid_len + seq_len;
    if has_length {
        header_len += 2;
    }
    if b.len() < header_len {
        return Err(RecordError::Truncated { need: header_len, have: b.len() });
    }
    let seq_at = 1 + cid_len;
    let end = if has_length {
        let length = usize::from(u16::from_be_bytes([b[header_len - 2], b[header_len - 1]]));
        header_len + length
    } else {
        b.len()
    };
    if b.len() < end {
        return Err(RecordError::Truncated { need: end, have: b.len() });
    }
    let record = DtlsRecord {
        content_type: APPLICATION_DATA,
        version: 0xfefc,
        epoch: u16::from(flags & 0x03),
        sequence: be(&b[seq_at..seq_at + seq_len]),
        cid: has_cid.then(|| &b[1..1 + cid_len]),
        unified: true,
        header: &b[..header_len],
        body: &b[header_len..end],
    };
    Ok((record, end))
}

/// A datagram that starts a DTLS conversation, or shows one picked up midway: records
/// in clear-header form (a unified header alone says too little), each of a type and
/// version DTLS uses, filling the datagram exactly.
pub fn looks_like_dtls(datagram: &[u8]) -> bool {
    let first = match datagram.first() {
        Some(&t) => t,
        None => return false,
    };
    if !matches!(first, CHANGE_CIPHER_SPEC | ALERT | HANDSHAKE | APPLICATION_DATA) {
        return false;
    }
    let mut any = false;
    for record in records(datagram, None) {
        match record {
            Ok(r) if !r.unified && r.body.is_empty() && r.content_type != APPLICATION_DATA => return false,
            Ok(_) => any = true,
            Err(_) => return false,
        }
    }
    any
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn plain_record(ct: u8, version: u16, epoch: u16, seq: u64, body: &[u8]) -> Vec<u8> {
        let mut r = vec![ct];
        r.extend(version.to_be_bytes());
        r.extend(epoch.to_be_bytes());
        r.extend(&seq.to_be_bytes()[2..]);
        r.extend((body.len() as u16).to_be_bytes());
        r.extend(body);
        r
    }

    #[test]
    fn reads_several_records_of_a_datagram() {
        let mut d = plain_record(22, 0xfefd, 0, 7, &[1; 20]);
        d.extend(plain_record(20, 0xfefd, 0, 8, &[1]));
        d.extend(plain_record(22, 0xfefd, 1, 0, &[9; 40]));
        let got: Vec<_> = records(&d, None).map(Result::unwrap).collect();
        assert_eq!(got.len(), 3);
        assert_eq!((got[0].epoch, got[0].sequence, got[0].body.len()), (0, 7, 20));
        assert!(!got[1].is_protected() && got[2].is_protected());
        assert!(looks_like_dtls(&d));
    }

    #[test]
    fn a_record_longer_than_its_datagram_is_truncated() {
        let d = plain_record(22, 0xfeff, 0, 0, &[1; 20]);
        let got: Vec<_> = records(&d[..25], None).collect();
        assert_eq!(got, [Err(RecordError::Truncated { need: 33, have: 25 })]);
        assert!(!looks_like_dtls(&d[..25]));
    }

    #[test]
    fn tls_and_other_udp_are_not_dtls() {
        assert!(!looks_like_dtls(&[22, 3, 3, 0, 5, 1, 0, 0, 1, 0]));
        assert!(!looks_like_dtls(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"));
        assert!(!looks_like_dtls(&[]));
        // A plaintext record padded with bytes that are no record.
        let mut d = plain_record(22, 0xfefd, 0, 0, &[1; 20]);
        d.extend([0xff, 0, 0]);
        assert!(!looks_like_dtls(&d));
    }

    #[test]
    fn unified_header_with_and_without_length() {
        // 001 C=0 S=1 L=1 EE=3: 16-bit sequence number and a length.
        let mut d = vec![0x2f, 0x12, 0x34, 0, 3, 0xaa, 0xbb, 0xcc];
        // 001 C=0 S=0 L=0 EE=2: to the end of the datagram.
        d.extend([0x22, 0x05, 1, 2, 3, 4]);
        let got: Vec<_> = records(&d, None).map(Result::unwrap).collect();
        assert_eq!((got[0].epoch, got[0].sequence, got[0].body), (3, 0x1234, &[0xaa, 0xbb, 0xcc][..]));
        assert_eq!((got[1].epoch, got[1].sequence, got[1].body), (2, 5, &[1, 2, 3, 4][..]));
        assert!(got.iter().all(|r| r.unified && r.is_protected()));
    }

    #[test]
    fn connection_ids_need_their_length() {
        // tls12_cid record: type 25, version, epoch 1, seq, a 4-byte CID, length.
        let mut d = vec![25, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 9, 0xc1, 0xc2, 0xc3, 0xc4, 0, 2, 7, 7];
        assert!(matches!(records(&d, None).next(), Some(Err(RecordError::BadHeader(_)))));
        let r = records(&d, Some(4)).next().unwrap().unwrap();
        assert_eq!((r.cid, r.body, r.sequence), (Some(&[0xc1, 0xc2, 0xc3, 0xc4][..]), &[7, 7][..], 9));
        d.truncate(16);
        assert_eq!(records(&d, Some(4)).next(), Some(Err(RecordError::Truncated { need: 17, have: 16 })));
    }
}
