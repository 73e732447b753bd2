//! What differs between QUIC versions: Initial salts, key labels, Retry integrity keys
//! and the long-header packet type codes (RFC 9001 §5.2, §5.8; RFC 9369 §3; the
//! drafts' values for the versions still seen in captures).

/// A QUIC version this crate can protect and unprotect packets of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionParams {
    pub version: u32,
    pub initial_salt: [u8; 20],
    /// Labels for HKDF-Expand-Label: key, iv, hp and ku (key update).
    pub labels: Labels,
    pub retry_key: [u8; 16],
    pub retry_nonce: [u8; 12],
    /// RFC 9369 renumbers the long-header packet types.
    pub v2_packet_types: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Labels {
    pub key: &'static [u8],
    pub iv: &'static [u8],
    pub hp: &'static [u8],
    pub ku: &'static [u8],
}

pub const V1: u32 = 0x0000_0001;
pub const V2: u32 = 0x6b33_43cf;
pub const V2_DRAFT: u32 = 0x709a_50c4;
/// How versions nobody defined (greasing ones, say) are read when their packets open so:
/// ngtcp2 protects versions it does not know with draft-29's salt and v1's layout, and
/// Wireshark reads reserved versions as draft-29.
pub const UNKNOWN_AS: u32 = 0xff00_001d;

const V1_LABELS: Labels = Labels { key: b"quic key", iv: b"quic iv", hp: b"quic hp", ku: b"quic ku" };
const V2_LABELS: Labels = Labels { key: b"quicv2 key", iv: b"quicv2 iv", hp: b"quicv2 hp", ku: b"quicv2 ku" };

const V1_SALT: [u8; 20] = hex20(b"38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
const V1_RETRY_KEY: [u8; 16] = hex16(b"be0c690b9f66575a1d766b54e368c84e");
const V1_RETRY_NONCE: [u8; 12] = hex12(b"461599d35d632bf2239825bb");

/// The parameters of `version`, or None for versions whose packets cannot be opened
/// (unknown ones, reserved greasing versions, version negotiation).
pub fn params(version: u32) -> Option<VersionParams> {
    let v1 = VersionParams {
        version,
        initial_salt: V1_SALT,
        labels: V1_LABELS,
        retry_key: V1_RETRY_KEY,
        retry_nonce: V1_RETRY_NONCE,
        v2_packet_types: false,
    };
    match version {
        V1 => Some(v1),
        V2 => Some(VersionParams {
            initial_salt: hex20(b"0dede3def700a6db819381be6e269dcbf9bd2ed9"),
            labels: V2_LABELS,
            retry_key: hex16(b"8fb4b01b56ac48e260fbcbcead7ccc92"),
            retry_nonce: hex12(b"d86969bc2d7c6d9990efb04a"),
            v2_packet_types: true,
            ..v1
        }),
        // draft-ietf-quic-v2 (ngtcp2 0.x's "v2draft"): RFC 9369's labels and packet types,
        // its own salt and Retry key.
        V2_DRAFT => Some(VersionParams {
            initial_salt: hex20(b"a707c203a59b47184a1d62ca570406ea7ae3e5d3"),
            labels: V2_LABELS,
            retry_key: hex16(b"ba858dc7b43de5dbf87617ff4ab253db"),
            retry_nonce: hex12(b"141b99c239b03e785d6a2e9f"),
            v2_packet_types: true,
            ..v1
        }),
        // draft-33 and draft-34 already use the RFC's salt and Retry key.
        0xff00_0021 | 0xff00_0022 => Some(v1),
        // draft-29 to draft-32.
        0xff00_001d..=0xff00_0020 => Some(VersionParams {
            initial_salt: hex20(b"afbfec289993d24c9e9786f19c6111e04390a899"),
            retry_key: hex16(b"ccce187ed09a09d05728155a6cb96be1"),
            retry_nonce: hex12(b"e54930f97f2136f0530a8c1c"),
            ..v1
        }),
        // draft-27 and draft-28.
        0xff00_001b | 0xff00_001c => Some(VersionParams {
            initial_salt: hex20(b"c3eef712c72ebb5a11a7d2432bb46365bef9f502"),
            retry_key: hex16(b"4d32ecdb2a2133c841e4043df27d4430"),
            retry_nonce: hex12(b"4d1611d05513a552c587d575"),
            ..v1
        }),
        _ => None,
    }
}

/// RFC 9000 §15: versions 0x?a?a?a?a are reserved for greasing version negotiation.
pub fn is_reserved(version: u32) -> bool {
    version & 0x0f0f_0f0f == 0x0a0a_0a0a
}

/// A human name for a version number.
pub fn name(version: u32) -> String {
    match version {
        0 => "version negotiation".into(),
        V1 => "QUIC v1".into(),
        V2 => "QUIC v2".into(),
        V2_DRAFT => "QUIC v2 draft".into(),
        v if v >> 8 == 0xff_0000 => format!("draft-{}", v & 0xff),
        v if is_reserved(v) => format!("reserved 0x{v:08x}"),
        v => format!("0x{v:08x}"),
    }
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => panic!("not lower-case hex"),
    }
}

const fn hex<const N: usize>(s: &[u8]) -> [u8; N] {
    assert!(s.len() == 2 * N);
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = nibble(s[2 * i]) << 4 | nibble(s[2 * i + 1]);
        i += 1;
    }
    out
}

const fn hex20(s: &[u8]) -> [u8; 20] {
    hex(s)
}
const fn hex16(s: &[u8]) -> [u8; 16] {
    hex(s)
}
const fn hex12(s: &[u8]) -> [u8; 12] {
    hex(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(name(0xff00_001d), "draft-29");
        assert_eq!(name(0x1a2a_3a4a), "reserved 0x1a2a3a4a");
        assert!(params(0x1a2a_3a4a).is_none());
        assert!(params(V2).unwrap().v2_packet_types);
    }
}
