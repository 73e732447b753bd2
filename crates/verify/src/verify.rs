//! Signature verification proper.

use std::fmt;

use ed25519_dalek::Verifier as _;
use rsa::pss::Pss;
use rsa::signature::hazmat::PrehashVerifier;
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};

use crate::key::Inner;
use crate::{digest, Hash, KeyKind, PublicKey, SignatureAlgorithm};
use crate::{fast, rsa_public};

/// Why a signature was not found valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// The key (or its curve, size, parameters) is one this crate cannot use.
    KeyUnsupported(String),
    /// The algorithm cannot be verified here (an RSA-PSS variant, an unknown OID).
    AlgorithmUnsupported(String),
    /// The algorithm does not go with the key (an ECDSA signature from an RSA key, a
    /// PKCS#1 signature from an RSA-PSS-only key).
    KeyMismatch { key: String, algorithm: String },
    /// The key or the signature is not well formed (a DER error, a wrong length).
    Malformed(String),
    /// Well formed, but does not verify.
    Invalid,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::KeyUnsupported(what) => write!(f, "unsupported key: {what}"),
            VerifyError::AlgorithmUnsupported(what) => {
                write!(f, "unsupported signature algorithm: {what}")
            }
            VerifyError::KeyMismatch { key, algorithm } => {
                write!(f, "a {key} key cannot make a {algorithm} signature")
            }
            VerifyError::Malformed(what) => write!(f, "malformed: {what}"),
            VerifyError::Invalid => f.write_str("the signature does not verify"),
        }
    }
}

impl std::error::Error for VerifyError {}

/// Proof that a signature verified: only [`verify`] (and the certificate checks built
/// on it) can make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    algorithm: SignatureAlgorithm,
    key: KeyKind,
}

impl Verified {
    /// The algorithm the signature verified with.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    /// The kind of key it verified with.
    pub fn key(&self) -> KeyKind {
        self.key
    }
}

/// Check `signature`, made with `alg` by `key`, over the concatenation of
/// `message_parts`.
///
/// RSA signatures must be exactly as long as the modulus (as BoringSSL, Go, Java and
/// RFC 8017 require): a shorter one that verifies once left-padded with zeros (OpenSSL
/// accepts it) is `Malformed`, saying so; any other length is `Invalid`.
/// ECDSA and DSA signatures are DER `SEQUENCE { r, s }`; EdDSA ones raw.
pub fn verify(
    key: &PublicKey,
    alg: SignatureAlgorithm,
    message_parts: &[&[u8]],
    signature: &[u8],
) -> Result<Verified, VerifyError> {
    if !alg.fits_key(key) {
        return Err(VerifyError::KeyMismatch { key: key.describe(), algorithm: alg.to_string() });
    }
    if key.ring.as_ref().is_some_and(|k| fast::verifies(k, alg, message_parts, signature)) {
        return Ok(Verified { algorithm: alg, key: key.kind() });
    }
    if let Some(k) = key.rsa() {
        if signature.len() < k.size() {
            return Err(short_rsa_signature(key, k, alg, message_parts, signature));
        }
    }
    let ok = match (&key.inner, alg) {
        (Inner::Rsa(k), SignatureAlgorithm::RsaPkcs1(hash)) => {
            check_rsa_signature(k, signature)?;
            let mut t = hash.digest_info_prefix();
            t.extend_from_slice(&digest(hash, message_parts));
            rsa_public::pkcs1_verifies(k, &t, signature)
        }
        (Inner::Rsa(k), SignatureAlgorithm::RsaPss { hash, salt_len }) => {
            check_rsa_signature(k, signature)?;
            let scheme = Pss {
                blinded: false,
                digest: dyn_digest(hash)
                    .ok_or_else(|| VerifyError::AlgorithmUnsupported(format!("RSA-PSS with {hash}")))?,
                salt_len,
            };
            k.verify(scheme, &digest(hash, message_parts), signature).is_ok()
        }
        (Inner::P256(k), SignatureAlgorithm::Ecdsa(hash)) => {
            let sig = p256::ecdsa::Signature::from_der(signature).map_err(|_| ecdsa_der())?;
            k.verify_prehash(&ecdsa_prehash(hash, message_parts, 32), &sig).is_ok()
        }
        (Inner::P384(k), SignatureAlgorithm::Ecdsa(hash)) => {
            let sig = p384::ecdsa::Signature::from_der(signature).map_err(|_| ecdsa_der())?;
            k.verify_prehash(&ecdsa_prehash(hash, message_parts, 48), &sig).is_ok()
        }
        (Inner::P521(k), SignatureAlgorithm::Ecdsa(hash)) => {
            let sig = p521::ecdsa::Signature::from_der(signature).map_err(|_| ecdsa_der())?;
            k.verify_prehash(&ecdsa_prehash(hash, message_parts, 66), &sig).is_ok()
        }
        (Inner::Ed25519(k), SignatureAlgorithm::Ed25519) => {
            let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| {
                VerifyError::Malformed(format!("Ed25519 signature of {} bytes, 64 expected", signature.len()))
            })?;
            k.verify(&message_parts.concat(), &sig).is_ok()
        }
        (Inner::Ed448(k), SignatureAlgorithm::Ed448) => {
            if signature.len() != 114 {
                return Err(VerifyError::Malformed(format!(
                    "Ed448 signature of {} bytes, 114 expected",
                    signature.len()
                )));
            }
            // A signature whose R is not a point is well formed but invalid.
            match ed448_goldilocks_plus::Signature::try_from(signature) {
                Ok(sig) => k.verify_raw(&sig, &message_parts.concat()).is_ok(),
                Err(_) => false,
            }
        }
        (Inner::Dsa(k), SignatureAlgorithm::Dsa(hash)) => {
            let sig = dsa::Signature::try_from(signature).map_err(|_| {
                VerifyError::Malformed("DSA signature is not a DER SEQUENCE of two positive INTEGERs".to_string())
            })?;
            k.verify_prehash(&digest(hash, message_parts), &sig).is_ok()
        }
        // fits_key() ruled the other pairs out.
        _ => false,
    };
    if ok {
        Ok(Verified { algorithm: alg, key: key.kind() })
    } else {
        Err(VerifyError::Invalid)
    }
}

fn ecdsa_der() -> VerifyError {
    VerifyError::Malformed("ECDSA signature is not a DER SEQUENCE of two INTEGERs".to_string())
}

/// The digest, left-padded with zeros to the field size when shorter: the same integer
/// (FIPS 186-4 6.4), without the RustCrypto floor of half the field size that would
/// refuse SHA-1 with P-384 and P-521 (TLS 1.0/1.1 ECDSA).
fn ecdsa_prehash(hash: Hash, parts: &[&[u8]], field_len: usize) -> Vec<u8> {
    let d = digest(hash, parts);
    if d.len() >= field_len {
        return d;
    }
    let mut out = vec![0; field_len - d.len()];
    out.extend_from_slice(&d);
    out
}

/// RFC 8017 8.2.2 step 1 and 5.2.2 step 1: length k, representative below n.
fn check_rsa_signature(k: &RsaPublicKey, signature: &[u8]) -> Result<(), VerifyError> {
    if signature.len() != k.size() || BigUint::from_bytes_be(signature) >= *k.n() {
        return Err(VerifyError::Invalid);
    }
    Ok(())
}

/// A signature shorter than the modulus: `Malformed` when it verifies once left-padded
/// with zeros (OpenSSL accepts that), else `Invalid`.
fn short_rsa_signature(
    key: &PublicKey,
    k: &RsaPublicKey,
    alg: SignatureAlgorithm,
    message_parts: &[&[u8]],
    signature: &[u8],
) -> VerifyError {
    let mut padded = vec![0u8; k.size() - signature.len()];
    padded.extend_from_slice(signature);
    match verify(key, alg, message_parts, &padded) {
        Ok(_) => VerifyError::Malformed(format!(
            "RSA signature of {} bytes for a {}-byte modulus, valid once left-padded with \
             zeros (OpenSSL accepts it; BoringSSL, Go and Java refuse it)",
            signature.len(),
            k.size()
        )),
        Err(e) => e,
    }
}

fn dyn_digest(hash: Hash) -> Option<Box<dyn digest::DynDigest + Send + Sync>> {
    Some(match hash {
        Hash::Md5 => Box::new(md5::Md5::default()),
        Hash::Sha1 => Box::new(sha1::Sha1::default()),
        Hash::Sha224 => Box::new(sha2::Sha224::default()),
        Hash::Sha256 => Box::new(sha2::Sha256::default()),
        Hash::Sha384 => Box::new(sha2::Sha384::default()),
        Hash::Sha512 => Box::new(sha2::Sha512::default()),
        Hash::Md5Sha1 => return None,
    })
}
