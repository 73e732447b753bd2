//! Why a signature failed. RSA signatures can be opened with the public key
//! (`s^e mod n`), which shows what the signer put inside: a PKCS#1 v1.5 DigestInfo
//! (which hash, which digest), a PSS encoding (which hash makes its structure valid),
//! or nothing recognisable (another key made it, or it was corrupted).

use std::fmt;

use rsa::traits::PublicKeyParts;

use crate::hash::mgf1;
use crate::rsa_public::open_em;
use crate::{digest, verify, Hash, PublicKey, SignatureAlgorithm};

/// What an RSA signature opens to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RsaOpened {
    /// PKCS#1 v1.5 padding around a DigestInfo with a known hash. `canonical` is false
    /// when the DigestInfo is not the standard DER (e.g. the NULL parameters omitted),
    /// which strict verifiers refuse.
    Pkcs1DigestInfo { hash: Hash, digest: Vec<u8>, canonical: bool },
    /// PKCS#1 v1.5 padding around something else: the 36-byte MD5+SHA-1 of TLS 1.0/1.1,
    /// a DigestInfo with an unknown hash, a bare digest.
    Pkcs1Raw { data: Vec<u8> },
    /// An EMSA-PSS encoding whose structure is valid with `hash` (trailer 0xbc, DB
    /// unmasked with MGF1(`hash`) is zeros || 0x01 || salt of `salt_len` bytes).
    /// Encodings with fewer than 7 zero bytes before the 0x01 (salts near the maximum)
    /// are not told apart from chance here; see [`pss_diagnose`].
    PssEncoded { hash: Hash, salt_len: usize },
    /// No valid padding: another key made it, or it was corrupted.
    Garbage,
}

/// The outcome of checking a PSS encoding's structure (see [`pss_diagnose`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PssDiagnosis {
    /// The hash whose MGF1 unmasks a valid structure, if any.
    pub structure_valid_with: Option<Hash>,
    /// The salt length found in that structure.
    pub salt_len: Option<usize>,
    /// The encoding's H matches the message hashed with that hash.
    pub message_matches: bool,
}

/// Why a handshake signature failed, as far as the signature itself tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureCause {
    /// The signature does not open with the key: another key made it, or it was
    /// corrupted.
    WrongKeyOrCorrupt,
    /// The key signed, with the declared algorithm, other bytes than the transcript.
    DifferentTranscript,
    /// The key signed with another hash than the one declared; `same_bytes` when it
    /// hashed the right bytes (only the hash differs), false when the bytes differ too.
    DifferentHash { used: Hash, declared: Hash, same_bytes: bool },
    /// The key signed with the other RSA padding (PKCS#1 v1.5 declared, PSS used, or
    /// the reverse); `same_bytes` as for `DifferentHash`.
    DifferentScheme { used: SignatureAlgorithm, same_bytes: bool },
    /// The right key over the right bytes with the right hash, but an encoding that
    /// strict verifiers refuse (a short signature, a non-DER DigestInfo, another salt
    /// length); the text says which.
    NonStandardEncoding(String),
    /// Cannot tell: ECDSA, DSA and EdDSA signatures do not open.
    Unknown,
    /// The signature verifies: nothing failed.
    Verifies,
}

impl FailureCause {
    /// The `detail.cause` code: "wrong-key-or-corrupt", "different-transcript",
    /// "different-hash", "different-scheme", "non-standard-encoding", "unknown",
    /// "verifies".
    pub fn code(&self) -> &'static str {
        match self {
            FailureCause::WrongKeyOrCorrupt => "wrong-key-or-corrupt",
            FailureCause::DifferentTranscript => "different-transcript",
            FailureCause::DifferentHash { .. } => "different-hash",
            FailureCause::DifferentScheme { .. } => "different-scheme",
            FailureCause::NonStandardEncoding(_) => "non-standard-encoding",
            FailureCause::Unknown => "unknown",
            FailureCause::Verifies => "verifies",
        }
    }
}

/// One sentence.
impl fmt::Display for FailureCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = |same: bool| {
            if same {
                "over the right bytes"
            } else {
                "over other bytes than the transcript"
            }
        };
        match self {
            FailureCause::WrongKeyOrCorrupt => f.write_str(
                "the signature does not open with the certificate's key: another key made it, or it was corrupted",
            ),
            FailureCause::DifferentTranscript => {
                f.write_str("the certificate's key made the signature, but over other bytes than the transcript")
            }
            FailureCause::DifferentHash { used, declared, same_bytes } => {
                write!(f, "the certificate's key signed with {used} while declaring {declared}, {}", bytes(*same_bytes))
            }
            FailureCause::DifferentScheme { used, same_bytes } => {
                write!(f, "the certificate's key signed with {used}, not the declared padding, {}", bytes(*same_bytes))
            }
            FailureCause::NonStandardEncoding(what) => {
                write!(f, "the certificate's key signed the transcript, but {what}")
            }
            FailureCause::Unknown => f.write_str(
                "the signature does not verify; ECDSA, DSA and EdDSA signatures cannot be opened to tell why",
            ),
            FailureCause::Verifies => f.write_str("the signature verifies"),
        }
    }
}

/// RSA forensics: open `signature` with `key` (`s^e mod n`) and say what is inside.
/// `None` when `key` is not an RSA key. Signatures shorter than the modulus are opened
/// as OpenSSL does (left-padded); longer ones, or representatives not below n, open to
/// `Garbage`.
pub fn open_rsa(key: &PublicKey, signature: &[u8]) -> Option<RsaOpened> {
    let k = key.rsa()?;
    let Some(em) = open_em(k, signature) else {
        return Some(RsaOpened::Garbage);
    };
    if let Some(t) = pkcs1_payload(&em) {
        return Some(match parse_digest_info(t) {
            Some((hash, digest)) => RsaOpened::Pkcs1DigestInfo {
                hash,
                canonical: t.strip_prefix(hash.digest_info_prefix().as_slice()) == Some(digest),
                digest: digest.to_vec(),
            },
            None => RsaOpened::Pkcs1Raw { data: t.to_vec() },
        });
    }
    let bits = k.n().bits();
    for hash in PSS_HASHES {
        if let Some((salt_len, _)) = pss_structure(&em, bits, hash, None) {
            return Some(RsaOpened::PssEncoded { hash, salt_len });
        }
    }
    Some(RsaOpened::Garbage)
}

/// For an RSA-PSS signature: the hash (if any) with which the encoding's structure is
/// valid, its salt length, and whether its H matches `message_parts` under that hash.
/// A structure counts as valid when the signature verifies with some salt length, or
/// when at least 7 zero bytes precede the 0x01 (a chance of 2^-64 for a wrong key).
/// All `None`/false for non-RSA keys or signatures that do not open.
pub fn pss_diagnose(key: &PublicKey, signature: &[u8], message_parts: &[&[u8]]) -> PssDiagnosis {
    pss_diagnose_from(key, signature, message_parts, None)
}

fn pss_diagnose_from(key: &PublicKey, signature: &[u8], message_parts: &[&[u8]], first: Option<Hash>) -> PssDiagnosis {
    let Some(k) = key.rsa() else {
        return PssDiagnosis::default();
    };
    let Some(em) = open_em(k, signature) else {
        return PssDiagnosis::default();
    };
    let bits = k.n().bits();
    let order = first.into_iter().chain(PSS_HASHES.into_iter().filter(|h| Some(*h) != first));
    for hash in order {
        let m_hash = digest(hash, message_parts);
        if let Some((salt_len, matches)) = pss_structure(&em, bits, hash, Some(&m_hash)) {
            return PssDiagnosis {
                structure_valid_with: Some(hash),
                salt_len: Some(salt_len),
                message_matches: matches,
            };
        }
    }
    PssDiagnosis::default()
}

/// Classify a failed CertificateVerify / ServerKeyExchange signature: `declared` is
/// the algorithm the peer announced (or the TLS 1.0/1.1 default), `message_parts` the
/// bytes it should have signed.
///
/// RSA PKCS#1 v1.5: no padding ⇒ `WrongKeyOrCorrupt`; a DigestInfo with the declared
/// hash but another digest ⇒ `DifferentTranscript`; with another hash ⇒
/// `DifferentHash` (`same_bytes` when that hash of the message matches); a PSS
/// encoding ⇒ `DifferentScheme`. RSA-PSS likewise, by which hash's MGF1 unmasks a
/// valid structure. ECDSA and DSA: `DifferentHash` when the signature verifies over
/// the message with another hash, else `Unknown`; EdDSA: `Unknown`.
pub fn classify_failure(
    key: &PublicKey,
    declared: SignatureAlgorithm,
    message_parts: &[&[u8]],
    signature: &[u8],
) -> FailureCause {
    if verify(key, declared, message_parts, signature).is_ok() {
        return FailureCause::Verifies;
    }
    if !declared.fits_key(key) {
        return FailureCause::Unknown;
    }
    match declared {
        SignatureAlgorithm::RsaPkcs1(_) | SignatureAlgorithm::RsaPss { .. } => {
            classify_rsa(key, declared, message_parts, signature)
        }
        SignatureAlgorithm::Ecdsa(h) | SignatureAlgorithm::Dsa(h) => {
            for other in Hash::ALL.into_iter().filter(|o| *o != h) {
                let alg = match declared {
                    SignatureAlgorithm::Ecdsa(_) => SignatureAlgorithm::Ecdsa(other),
                    _ => SignatureAlgorithm::Dsa(other),
                };
                if verify(key, alg, message_parts, signature).is_ok() {
                    return FailureCause::DifferentHash { used: other, declared: h, same_bytes: true };
                }
            }
            FailureCause::Unknown
        }
        SignatureAlgorithm::Ed25519 | SignatureAlgorithm::Ed448 => FailureCause::Unknown,
    }
}

fn classify_rsa(key: &PublicKey, declared: SignatureAlgorithm, parts: &[&[u8]], signature: &[u8]) -> FailureCause {
    let Some(k) = key.rsa() else {
        return FailureCause::Unknown;
    };
    let size = k.size();
    let Some(em) = open_em(k, signature) else {
        return FailureCause::WrongKeyOrCorrupt;
    };
    if signature.len() != size {
        let mut padded = vec![0u8; size.saturating_sub(signature.len())];
        padded.extend_from_slice(signature);
        if verify(key, declared, parts, &padded).is_ok() {
            return FailureCause::NonStandardEncoding(format!(
                "the signature is {} bytes for a {size}-byte modulus (OpenSSL accepts that, \
                 BoringSSL, Go and Java refuse it)",
                signature.len()
            ));
        }
    }

    if let Some(t) = pkcs1_payload(&em) {
        let (used, digest_found, canonical) = match parse_digest_info(t) {
            Some((hash, d)) => (hash, d, t.strip_prefix(hash.digest_info_prefix().as_slice()) == Some(d)),
            None if t.len() == Hash::Md5Sha1.output_len() => (Hash::Md5Sha1, t, true),
            None => return FailureCause::Unknown,
        };
        let same_bytes = digest(used, parts) == digest_found;
        return match declared {
            SignatureAlgorithm::RsaPkcs1(h) if h == used => {
                if !same_bytes {
                    FailureCause::DifferentTranscript
                } else if !canonical {
                    FailureCause::NonStandardEncoding(
                        "its DigestInfo is not the standard DER (e.g. NULL parameters omitted)".to_string(),
                    )
                } else {
                    // Unreachable in practice: it would have verified.
                    FailureCause::Unknown
                }
            }
            SignatureAlgorithm::RsaPkcs1(h) => FailureCause::DifferentHash { used, declared: h, same_bytes },
            _ => FailureCause::DifferentScheme { used: SignatureAlgorithm::RsaPkcs1(used), same_bytes },
        };
    }

    let first = match declared {
        SignatureAlgorithm::RsaPss { hash, .. } => Some(hash),
        _ => None,
    };
    let d = pss_diagnose_from(key, signature, parts, first);
    let (Some(used), Some(salt)) = (d.structure_valid_with, d.salt_len) else {
        return FailureCause::WrongKeyOrCorrupt;
    };
    match declared {
        SignatureAlgorithm::RsaPss { hash, salt_len } if hash == used => {
            if d.message_matches && signature.len() == size {
                FailureCause::NonStandardEncoding(format!("its PSS salt is {salt} bytes where {salt_len} are expected"))
            } else if d.message_matches {
                FailureCause::Unknown
            } else {
                FailureCause::DifferentTranscript
            }
        }
        SignatureAlgorithm::RsaPss { hash, .. } => {
            FailureCause::DifferentHash { used, declared: hash, same_bytes: d.message_matches }
        }
        _ => FailureCause::DifferentScheme {
            used: SignatureAlgorithm::RsaPss { hash: used, salt_len: salt },
            same_bytes: d.message_matches,
        },
    }
}

/// Hashes PSS is tried with, most common in TLS first.
const PSS_HASHES: [Hash; 6] = [Hash::Sha256, Hash::Sha384, Hash::Sha512, Hash::Sha1, Hash::Sha224, Hash::Md5];

/// EMSA-PKCS1-v1_5: 00 01 FF..FF (at least 8) 00 T; returns T.
fn pkcs1_payload(em: &[u8]) -> Option<&[u8]> {
    let rest = em.strip_prefix(&[0x00, 0x01])?;
    let ff = rest.iter().position(|b| *b != 0xff)?;
    if ff < 8 || rest[ff] != 0x00 {
        return None;
    }
    Some(&rest[ff + 1..])
}

/// DigestInfo ::= SEQUENCE { SEQUENCE { OID, params ANY OPTIONAL }, OCTET STRING }
/// with a known hash OID and a digest of its length. Lenient about the parameters
/// (absent or NULL) and length forms; the caller compares with the canonical bytes.
fn parse_digest_info(t: &[u8]) -> Option<(Hash, &[u8])> {
    let (info, rest) = tlv(t, 0x30)?;
    if !rest.is_empty() {
        return None;
    }
    let (alg, rest) = tlv(info, 0x30)?;
    let (digest, rest) = tlv(rest, 0x04)?;
    if !rest.is_empty() {
        return None;
    }
    let (oid, params) = tlv(alg, 0x06)?;
    if !(params.is_empty() || params == [0x05, 0x00]) {
        return None;
    }
    let hash = PSS_HASHES.into_iter().find(|h| h.oid_der() == Some(oid))?;
    (digest.len() == hash.output_len()).then_some((hash, digest))
}

/// One DER TLV with the given tag: (content, rest). Definite lengths up to 2 bytes.
fn tlv(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = input.split_first()?;
    if t != tag {
        return None;
    }
    let (&l, rest) = rest.split_first()?;
    let (len, rest) = match l {
        0..=0x7f => (l as usize, rest),
        0x81 => {
            let (&b, rest) = rest.split_first()?;
            (b as usize, rest)
        }
        0x82 => {
            let b = rest.get(..2)?;
            ((b[0] as usize) << 8 | b[1] as usize, &rest[2..])
        }
        _ => return None,
    };
    (len <= rest.len()).then(|| rest.split_at(len))
}

/// EMSA-PSS-VERIFY structure (RFC 8017 9.1.2) of `em` (k bytes) for a `mod_bits`-bit
/// modulus with `hash`: `Some((salt_len, message_matches))` when the structure is
/// credible (see [`pss_diagnose`]); with `m_hash` None only the structure counts.
fn pss_structure(em: &[u8], mod_bits: usize, hash: Hash, m_hash: Option<&[u8]>) -> Option<(usize, bool)> {
    let em_bits = mod_bits.checked_sub(1)?;
    let em_len = em_bits.div_ceil(8);
    if em_len == 0 || em.len() < em_len {
        return None;
    }
    // When emLen < k the extra leading byte must be zero.
    let (lead, em) = em.split_at(em.len() - em_len);
    if lead.iter().any(|b| *b != 0) {
        return None;
    }
    let h_len = hash.output_len();
    if em_len < h_len + 2 || em.last() != Some(&0xbc) {
        return None;
    }
    let (masked_db, rest) = em.split_at(em_len - h_len - 1);
    let h = &rest[..h_len];
    let top_mask = 0xffu8 >> (8 * em_len - em_bits);
    if masked_db.first().is_some_and(|b| b & !top_mask != 0) {
        return None;
    }
    let mask = mgf1(hash, h, masked_db.len());
    let mut db: Vec<u8> = masked_db.iter().zip(&mask).map(|(a, b)| a ^ b).collect();
    if let Some(b) = db.first_mut() {
        *b &= top_mask;
    }
    let ps_len = db.iter().position(|b| *b != 0)?;
    if db[ps_len] != 0x01 {
        return None;
    }
    let salt = &db[ps_len + 1..];
    let matches = m_hash.is_some_and(|m| digest(hash, &[&[0u8; 8], m, salt]) == h);
    if !matches && ps_len < 7 {
        return None;
    }
    Some((salt.len(), matches))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlv_lengths() {
        assert_eq!(tlv(&[0x04, 0x01, 0xaa, 0xbb], 0x04), Some((&[0xaa][..], &[0xbb][..])));
        assert_eq!(tlv(&[0x04, 0x02, 0xaa], 0x04), None);
        assert_eq!(tlv(&[0x04, 0x81, 0x01, 0xaa], 0x04), Some((&[0xaa][..], &[][..])));
        assert_eq!(tlv(&[0x04, 0x83, 0, 0, 1], 0x04), None);
        assert_eq!(tlv(&[0x05, 0x00], 0x04), None);
        assert_eq!(tlv(&[], 0x04), None);
    }

    #[test]
    fn digest_info_forms() {
        let d = [7u8; 32];
        let mut canonical = Hash::Sha256.digest_info_prefix();
        canonical.extend_from_slice(&d);
        assert_eq!(parse_digest_info(&canonical), Some((Hash::Sha256, &d[..])));
        // Without the NULL parameters.
        let mut bare = vec![0x30, 0x2f, 0x30, 0x0b, 0x06, 0x09];
        bare.extend_from_slice(Hash::Sha256.oid_der().unwrap());
        bare.extend_from_slice(&[0x04, 0x20]);
        bare.extend_from_slice(&d);
        assert_eq!(parse_digest_info(&bare), Some((Hash::Sha256, &d[..])));
        // Digest of the wrong length for its hash.
        assert_eq!(parse_digest_info(&canonical[..canonical.len() - 1]), None);
    }

    #[test]
    fn pkcs1_padding_rules() {
        let mut em = vec![0x00, 0x01];
        em.extend_from_slice(&[0xff; 8]);
        em.push(0x00);
        em.extend_from_slice(b"T");
        assert_eq!(pkcs1_payload(&em), Some(&b"T"[..]));
        let mut short = vec![0x00, 0x01];
        short.extend_from_slice(&[0xff; 7]);
        short.extend_from_slice(&[0x00, b'T']);
        assert_eq!(pkcs1_payload(&short), None);
        assert_eq!(pkcs1_payload(&[0x00, 0x02, 0xff]), None);
        assert_eq!(pkcs1_payload(&[0x00, 0x01, 0xff, 0xff]), None);
    }
}
