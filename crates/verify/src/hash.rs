//! Digests by name, over a message given in parts.

use std::fmt;

use digest::Digest;
use tlsdoctor_tls::x509;

/// A digest algorithm as used by TLS and X.509 signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hash {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    /// TLS 1.0/1.1 RSA signatures: MD5(m) || SHA-1(m), 36 bytes, signed without a
    /// DigestInfo.
    Md5Sha1,
}

impl Hash {
    /// Every hash, the most common in TLS first (the order forensics try them in).
    pub const ALL: [Hash; 7] =
        [Hash::Sha256, Hash::Sha384, Hash::Sha512, Hash::Sha1, Hash::Sha224, Hash::Md5, Hash::Md5Sha1];

    /// Output length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Hash::Md5 => 16,
            Hash::Sha1 => 20,
            Hash::Sha224 => 28,
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
            Hash::Md5Sha1 => 36,
        }
    }

    /// "MD5", "SHA-1", "SHA-256", ..., "MD5+SHA-1".
    pub fn name(self) -> &'static str {
        match self {
            Hash::Md5 => "MD5",
            Hash::Sha1 => "SHA-1",
            Hash::Sha224 => "SHA-224",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
            Hash::Md5Sha1 => "MD5+SHA-1",
        }
    }

    /// The TLS 1.2 HashAlgorithm code point (RFC 5246 7.4.1.4.1).
    pub fn from_tls(code: u8) -> Option<Hash> {
        Some(match code {
            1 => Hash::Md5,
            2 => Hash::Sha1,
            3 => Hash::Sha224,
            4 => Hash::Sha256,
            5 => Hash::Sha384,
            6 => Hash::Sha512,
            _ => return None,
        })
    }

    /// The DER content of the digest algorithm's OID (for DigestInfo), if it has one.
    pub(crate) fn oid_der(self) -> Option<&'static [u8]> {
        Some(match self {
            Hash::Md5 => &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05],
            Hash::Sha1 => &[0x2b, 0x0e, 0x03, 0x02, 0x1a],
            Hash::Sha224 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04],
            Hash::Sha256 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01],
            Hash::Sha384 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02],
            Hash::Sha512 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03],
            Hash::Md5Sha1 => return None,
        })
    }

    /// The standard PKCS#1 v1.5 DigestInfo prefix (RFC 8017 9.2 note 1: with NULL
    /// parameters) that precedes the digest; empty for [`Hash::Md5Sha1`].
    pub(crate) fn digest_info_prefix(self) -> Vec<u8> {
        let Some(oid) = self.oid_der() else {
            return Vec::new();
        };
        // SEQUENCE { SEQUENCE { OID, NULL }, OCTET STRING digest }; all short lengths.
        let alg_len = 2 + oid.len() + 2;
        let total = 2 + alg_len + 2 + self.output_len();
        let mut out = vec![0x30, total as u8, 0x30, alg_len as u8, 0x06, oid.len() as u8];
        out.extend_from_slice(oid);
        out.extend_from_slice(&[0x05, 0x00, 0x04, self.output_len() as u8]);
        out
    }
}

impl From<x509::Hash> for Hash {
    fn from(h: x509::Hash) -> Hash {
        match h {
            x509::Hash::Md5 => Hash::Md5,
            x509::Hash::Sha1 => Hash::Sha1,
            x509::Hash::Sha224 => Hash::Sha224,
            x509::Hash::Sha256 => Hash::Sha256,
            x509::Hash::Sha384 => Hash::Sha384,
            x509::Hash::Sha512 => Hash::Sha512,
        }
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn run<D: Digest>(data: &[&[u8]]) -> Vec<u8> {
    let mut d = D::new();
    for part in data {
        d.update(part);
    }
    d.finalize().to_vec()
}

/// The hash of the concatenation of `data`, without copying it.
pub fn digest(hash: Hash, data: &[&[u8]]) -> Vec<u8> {
    match hash {
        Hash::Md5 => run::<md5::Md5>(data),
        Hash::Sha1 => run::<sha1::Sha1>(data),
        Hash::Sha224 => run::<sha2::Sha224>(data),
        Hash::Sha256 => run::<sha2::Sha256>(data),
        Hash::Sha384 => run::<sha2::Sha384>(data),
        Hash::Sha512 => run::<sha2::Sha512>(data),
        Hash::Md5Sha1 => {
            let mut out = run::<md5::Md5>(data);
            out.extend_from_slice(&run::<sha1::Sha1>(data));
            out
        }
    }
}

/// MGF1 (RFC 8017 B.2.1) with `hash`: `len` bytes of mask from `seed`.
pub(crate) fn mgf1(hash: Hash, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + hash.output_len());
    let mut counter: u32 = 0;
    while out.len() < len {
        out.extend_from_slice(&digest(hash, &[seed, &counter.to_be_bytes()]));
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn parts_hash_like_the_concatenation() {
        for h in Hash::ALL {
            let whole = digest(h, &[b"abcdef"]);
            assert_eq!(digest(h, &[b"ab", b"", b"cdef"]), whole, "{h}");
            assert_eq!(whole.len(), h.output_len(), "{h}");
        }
    }

    #[test]
    fn known_answers() {
        assert_eq!(
            hex(&digest(Hash::Sha256, &[b"abc"])),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&digest(Hash::Md5Sha1, &[b"abc"])),
            "900150983cd24fb0d6963f7d28e17f72a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }

    #[test]
    fn digest_info_prefix_is_the_rfc_8017_one() {
        assert_eq!(hex(&Hash::Sha256.digest_info_prefix()), "3031300d060960864801650304020105000420");
        assert_eq!(hex(&Hash::Sha1.digest_info_prefix()), "3021300906052b0e03021a05000414");
        assert_eq!(hex(&Hash::Md5.digest_info_prefix()), "3020300c06082a864886f70d020505000410");
        assert!(Hash::Md5Sha1.digest_info_prefix().is_empty());
    }
}
