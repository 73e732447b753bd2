//! How a signature is made: from a TLS SignatureScheme, the TLS 1.0/1.1 rules, or an
//! X.509 signature algorithm.

use std::fmt;

use tlsdoctor_tls::registry::SignatureScheme;
use tlsdoctor_tls::x509;

use crate::{Hash, KeyKind, PublicKey};

/// A signature algorithm with everything needed to verify it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 with a DigestInfo; with [`Hash::Md5Sha1`] the TLS 1.0/1.1
    /// form without DigestInfo.
    RsaPkcs1(Hash),
    /// RSASSA-PSS with MGF1 over the same hash. TLS uses `salt_len == hash.output_len()`
    /// (see [`SignatureAlgorithm::rsa_pss`]); certificates say it in their parameters.
    RsaPss {
        hash: Hash,
        salt_len: usize,
    },
    Ecdsa(Hash),
    Ed25519,
    Ed448,
    Dsa(Hash),
}

impl SignatureAlgorithm {
    /// RSA-PSS with the salt length TLS requires (the hash length).
    pub fn rsa_pss(hash: Hash) -> SignatureAlgorithm {
        SignatureAlgorithm::RsaPss { hash, salt_len: hash.output_len() }
    }

    /// The algorithm a TLS 1.2 SignatureAndHashAlgorithm / TLS 1.3 SignatureScheme
    /// names. ECDSA schemes give `Ecdsa(hash)` whatever curve the TLS 1.3 name binds
    /// (checking the curve is protocol policy, left to the caller); `rsa_pss_rsae_*`
    /// and `rsa_pss_pss_*` both give `RsaPss`. `None` for schemes this crate cannot
    /// verify (GOST, SM2, ML-DSA, brainpool, ...).
    pub fn from_scheme(s: SignatureScheme) -> Option<SignatureAlgorithm> {
        use SignatureAlgorithm as A;
        Some(match s {
            SignatureScheme::RSA_PSS_RSAE_SHA256 | SignatureScheme::RSA_PSS_PSS_SHA256 => A::rsa_pss(Hash::Sha256),
            SignatureScheme::RSA_PSS_RSAE_SHA384 | SignatureScheme::RSA_PSS_PSS_SHA384 => A::rsa_pss(Hash::Sha384),
            SignatureScheme::RSA_PSS_RSAE_SHA512 | SignatureScheme::RSA_PSS_PSS_SHA512 => A::rsa_pss(Hash::Sha512),
            SignatureScheme::ED25519 => A::Ed25519,
            SignatureScheme::ED448 => A::Ed448,
            SignatureScheme::RSA_PKCS1_SHA256_LEGACY => A::RsaPkcs1(Hash::Sha256),
            SignatureScheme::RSA_PKCS1_SHA384_LEGACY => A::RsaPkcs1(Hash::Sha384),
            SignatureScheme::RSA_PKCS1_SHA512_LEGACY => A::RsaPkcs1(Hash::Sha512),
            other => {
                let (hash, sig) = other.hash_and_signature();
                let hash = Hash::from_tls(hash)?;
                match sig {
                    1 => A::RsaPkcs1(hash),
                    2 => A::Dsa(hash),
                    3 => A::Ecdsa(hash),
                    _ => return None,
                }
            }
        })
    }

    /// TLS 1.0/1.1 (and SSL 3.0) signatures, which carry no algorithm: RSA signs
    /// MD5+SHA-1 without DigestInfo, ECDSA and DSA sign SHA-1. `None` for keys those
    /// versions cannot sign with (EdDSA, RSA-PSS keys).
    pub fn tls10_for_key(key: &PublicKey) -> Option<SignatureAlgorithm> {
        Some(match key.kind() {
            KeyKind::Rsa => SignatureAlgorithm::RsaPkcs1(Hash::Md5Sha1),
            KeyKind::EcP256 | KeyKind::EcP384 | KeyKind::EcP521 => SignatureAlgorithm::Ecdsa(Hash::Sha1),
            KeyKind::Dsa => SignatureAlgorithm::Dsa(Hash::Sha1),
            KeyKind::RsaPss | KeyKind::Ed25519 | KeyKind::Ed448 => return None,
        })
    }

    /// A certificate's signature algorithm. RSA-PSS takes the summary's hash and a
    /// salt length equal to the hash length; [`crate::verify_certificate_signature`]
    /// reads the real salt length from the parameters. `None` when the algorithm is
    /// unknown or its PSS parameters could not be read.
    pub fn from_x509(a: &x509::SignatureAlgorithm) -> Option<SignatureAlgorithm> {
        use x509::SignatureAlgorithm as X;
        Some(match a {
            X::RsaPkcs1 { hash } => SignatureAlgorithm::RsaPkcs1((*hash).into()),
            X::RsaPss { hash: Some(hash) } => SignatureAlgorithm::rsa_pss((*hash).into()),
            X::Ecdsa { hash } => SignatureAlgorithm::Ecdsa((*hash).into()),
            X::Dsa { hash } => SignatureAlgorithm::Dsa((*hash).into()),
            X::Ed25519 => SignatureAlgorithm::Ed25519,
            X::Ed448 => SignatureAlgorithm::Ed448,
            X::RsaPss { hash: None } | X::Other(_) => return None,
        })
    }

    /// The digest the signature is computed over (EdDSA hashes internally: `None`).
    pub fn hash(&self) -> Option<Hash> {
        match *self {
            SignatureAlgorithm::RsaPkcs1(h)
            | SignatureAlgorithm::Ecdsa(h)
            | SignatureAlgorithm::Dsa(h)
            | SignatureAlgorithm::RsaPss { hash: h, .. } => Some(h),
            SignatureAlgorithm::Ed25519 | SignatureAlgorithm::Ed448 => None,
        }
    }

    /// Whether `key` can make this kind of signature.
    pub fn fits_key(&self, key: &PublicKey) -> bool {
        self.fits(key.kind())
    }

    /// Whether a key of `kind` can make this kind of signature.
    pub fn fits(&self, kind: KeyKind) -> bool {
        matches!(
            (self, kind),
            (SignatureAlgorithm::RsaPkcs1(_), KeyKind::Rsa)
                | (SignatureAlgorithm::RsaPss { .. }, KeyKind::Rsa | KeyKind::RsaPss)
                | (SignatureAlgorithm::Ecdsa(_), KeyKind::EcP256 | KeyKind::EcP384 | KeyKind::EcP521)
                | (SignatureAlgorithm::Ed25519, KeyKind::Ed25519)
                | (SignatureAlgorithm::Ed448, KeyKind::Ed448)
                | (SignatureAlgorithm::Dsa(_), KeyKind::Dsa)
        )
    }
}

/// "RSA PKCS#1 v1.5 SHA-256", "RSA PKCS#1 v1.5 MD5+SHA-1 (no DigestInfo)",
/// "RSA-PSS SHA-256", "RSA-PSS SHA-256 salt 20" (when not the hash length),
/// "ECDSA SHA-384", "Ed25519", "Ed448", "DSA SHA-1".
impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            SignatureAlgorithm::RsaPkcs1(Hash::Md5Sha1) => f.write_str("RSA PKCS#1 v1.5 MD5+SHA-1 (no DigestInfo)"),
            SignatureAlgorithm::RsaPkcs1(h) => write!(f, "RSA PKCS#1 v1.5 {h}"),
            SignatureAlgorithm::RsaPss { hash, salt_len } if salt_len == hash.output_len() => {
                write!(f, "RSA-PSS {hash}")
            }
            SignatureAlgorithm::RsaPss { hash, salt_len } => {
                write!(f, "RSA-PSS {hash} salt {salt_len}")
            }
            SignatureAlgorithm::Ecdsa(h) => write!(f, "ECDSA {h}"),
            SignatureAlgorithm::Ed25519 => f.write_str("Ed25519"),
            SignatureAlgorithm::Ed448 => f.write_str("Ed448"),
            SignatureAlgorithm::Dsa(h) => write!(f, "DSA {h}"),
        }
    }
}

/// Why modern peers refuse this signature, if they do: "MD5", "MD5+SHA-1", "SHA-1",
/// "DSA", "RSA key under 2048 bits" (the first that applies, in that order). SHA-1 is
/// still accepted in TLS 1.2 handshake signatures by many stacks but not in TLS 1.3
/// CertificateVerify nor by current certificate policies; the caller decides which
/// context it is in.
pub fn weak_algorithm(alg: SignatureAlgorithm, key: &PublicKey) -> Option<&'static str> {
    match alg.hash() {
        Some(Hash::Md5) => return Some("MD5"),
        Some(Hash::Md5Sha1) => return Some("MD5+SHA-1"),
        Some(Hash::Sha1) => return Some("SHA-1"),
        _ => {}
    }
    if matches!(alg, SignatureAlgorithm::Dsa(_)) || key.kind() == KeyKind::Dsa {
        return Some("DSA");
    }
    if matches!(key.kind(), KeyKind::Rsa | KeyKind::RsaPss) && key.bits() < 2048 {
        return Some("RSA key under 2048 bits");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        use SignatureAlgorithm as A;
        let cases = [
            (SignatureScheme::RSA_PKCS1_SHA256, Some(A::RsaPkcs1(Hash::Sha256))),
            (SignatureScheme::RSA_PKCS1_SHA1, Some(A::RsaPkcs1(Hash::Sha1))),
            (SignatureScheme::MD5_RSA, Some(A::RsaPkcs1(Hash::Md5))),
            (SignatureScheme::SHA224_ECDSA, Some(A::Ecdsa(Hash::Sha224))),
            (SignatureScheme::ECDSA_SECP384R1_SHA384, Some(A::Ecdsa(Hash::Sha384))),
            (SignatureScheme::SHA256_DSA, Some(A::Dsa(Hash::Sha256))),
            (SignatureScheme::RSA_PSS_RSAE_SHA384, Some(A::RsaPss { hash: Hash::Sha384, salt_len: 48 })),
            (SignatureScheme::RSA_PSS_PSS_SHA256, Some(A::rsa_pss(Hash::Sha256))),
            (SignatureScheme::ED25519, Some(A::Ed25519)),
            (SignatureScheme::ED448, Some(A::Ed448)),
            (SignatureScheme::RSA_PKCS1_SHA512_LEGACY, Some(A::RsaPkcs1(Hash::Sha512))),
            (SignatureScheme::ECDSA_BRAINPOOLP256R1TLS13_SHA256, None),
            (SignatureScheme::MLDSA65, None),
            (SignatureScheme::GOSTR34102012_256A, None),
            (SignatureScheme::SM2SIG_SM3, None),
            (SignatureScheme(0x0004), None),
            (SignatureScheme(0x0704), None),
        ];
        for (s, want) in cases {
            assert_eq!(SignatureAlgorithm::from_scheme(s), want, "{s:?}");
        }
        // Total over the whole code space.
        for v in 0..=u16::MAX {
            let _ = SignatureAlgorithm::from_scheme(SignatureScheme(v));
        }
    }

    #[test]
    fn x509_algorithms() {
        use x509::SignatureAlgorithm as X;
        assert_eq!(
            SignatureAlgorithm::from_x509(&X::RsaPkcs1 { hash: x509::Hash::Sha1 }),
            Some(SignatureAlgorithm::RsaPkcs1(Hash::Sha1))
        );
        assert_eq!(
            SignatureAlgorithm::from_x509(&X::RsaPss { hash: Some(x509::Hash::Sha256) }),
            Some(SignatureAlgorithm::rsa_pss(Hash::Sha256))
        );
        assert_eq!(SignatureAlgorithm::from_x509(&X::RsaPss { hash: None }), None);
        assert_eq!(SignatureAlgorithm::from_x509(&X::Other("1.2.3".into())), None);
        assert_eq!(SignatureAlgorithm::from_x509(&X::Ed25519), Some(SignatureAlgorithm::Ed25519));
    }

    #[test]
    fn display() {
        assert_eq!(SignatureAlgorithm::RsaPkcs1(Hash::Sha256).to_string(), "RSA PKCS#1 v1.5 SHA-256");
        assert_eq!(SignatureAlgorithm::rsa_pss(Hash::Sha256).to_string(), "RSA-PSS SHA-256");
        assert_eq!(
            SignatureAlgorithm::RsaPss { hash: Hash::Sha256, salt_len: 20 }.to_string(),
            "RSA-PSS SHA-256 salt 20"
        );
    }
}
