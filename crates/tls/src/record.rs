//! The record layer header, and what a plausible one looks like.

/// Bytes in a TLS record header: type, version, length.
pub const HEADER_LEN: usize = 5;
/// The largest record any version allows (TLSCiphertext: 2^14 + 2048).
pub const MAX_RECORD_LEN: u16 = 16384 + 2048;

pub const CHANGE_CIPHER_SPEC: u8 = 20;
pub const ALERT: u8 = 21;
pub const HANDSHAKE: u8 = 22;
pub const APPLICATION_DATA: u8 = 23;
pub const HEARTBEAT: u8 = 24;

/// A record header; the numbers are raw wire values (see `registry` for their names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordHeader {
    pub content_type: u8,
    pub version: u16,
    pub length: u16,
}

impl RecordHeader {
    pub fn parse(b: [u8; HEADER_LEN]) -> RecordHeader {
        RecordHeader {
            content_type: b[0],
            version: u16::from_be_bytes([b[1], b[2]]),
            length: u16::from_be_bytes([b[3], b[4]]),
        }
    }

    /// A header that SSL 3.0 to TLS 1.3 could have sent.
    pub fn is_plausible(&self) -> bool {
        (CHANGE_CIPHER_SPEC..=HEARTBEAT).contains(&self.content_type)
            && (0x0300..=0x0304).contains(&self.version)
            && self.length <= MAX_RECORD_LEN
            && self.length > 0
    }

    /// Stricter, for finding a record boundary in the middle of a stream: the version
    /// must be one this stream is known to use (any TLS version when none is known yet),
    /// and fixed-size types must have their size.
    pub fn is_plausible_resync(&self, known_versions: &[u16]) -> bool {
        self.is_plausible()
            && if known_versions.is_empty() { self.version >= 0x0301 } else { known_versions.contains(&self.version) }
            && match self.content_type {
                CHANGE_CIPHER_SPEC => self.length == 1,
                HEARTBEAT => false,
                _ => true,
            }
    }
}

/// An SSL 2.0-compatible ClientHello (RFC 5246 appendix E.2): a 2-byte header with the
/// high bit set, message type 1, and a version of SSL 2.0 or SSL 3.0 and later.
/// Returns the record's total length (header included).
pub fn sslv2_client_hello_len(b: &[u8]) -> Option<usize> {
    match *b {
        [h0, h1, 1, major, _, ..] if h0 & 0x80 != 0 && (major == 0 || major == 3) => {
            let len = (usize::from(h0 & 0x7f) << 8) | usize::from(h1);
            (len >= 9).then_some(len + 2)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausibility_of_headers() {
        assert!(RecordHeader::parse([22, 3, 1, 0, 200]).is_plausible());
        assert!(!RecordHeader::parse([22, 3, 5, 0, 200]).is_plausible());
        assert!(!RecordHeader::parse([b'G', b'E', b'T', b' ', b'/']).is_plausible());
        assert!(!RecordHeader::parse([23, 3, 3, 0x48, 0x01]).is_plausible(), "over 2^14+2048");
        let ccs = RecordHeader::parse([20, 3, 3, 0, 2]);
        assert!(ccs.is_plausible() && !ccs.is_plausible_resync(&[0x0303]));
        let data = RecordHeader::parse([23, 3, 3, 0x40, 0x11]);
        assert!(data.is_plausible_resync(&[0x0303]) && !data.is_plausible_resync(&[0x0301]));
        assert!(data.is_plausible_resync(&[0x0301, 0x0303]) && data.is_plausible_resync(&[]));
    }

    #[test]
    fn recognises_sslv2_client_hello() {
        assert_eq!(sslv2_client_hello_len(&[0x80, 0x2e, 1, 3, 1, 0, 0x15]), Some(0x30));
        assert_eq!(sslv2_client_hello_len(&[0x16, 0x03, 1, 3, 1]), None);
    }
}
