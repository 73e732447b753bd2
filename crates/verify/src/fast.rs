//! The fast path: `ring` verifies the signatures that are valid, which is nearly all of
//! them, several times faster than RustCrypto's big-integer arithmetic. It only ever says
//! "valid"; anything it refuses (an unsupported size, curve or hash, or a bad signature)
//! goes to the RustCrypto path in [`crate::verify`], which gives the exact reason.

use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey, VerificationAlgorithm};

use crate::{Hash, SignatureAlgorithm};

/// The raw key material `ring` takes, kept from the SubjectPublicKeyInfo.
#[derive(Clone)]
pub(crate) enum RingKey {
    Rsa {
        n: Box<[u8]>,
        e: Box<[u8]>,
    },
    /// An uncompressed SEC1 point on P-256 or P-384.
    Ec(Box<[u8]>),
}

/// True when `ring` finds the signature valid; false means "ask the slow path".
pub(crate) fn verifies(key: &RingKey, alg: SignatureAlgorithm, message_parts: &[&[u8]], signature: &[u8]) -> bool {
    let message = || match message_parts {
        [one] => std::borrow::Cow::Borrowed(*one),
        parts => std::borrow::Cow::Owned(parts.concat()),
    };
    match key {
        RingKey::Rsa { n, e } => rsa_params(alg).is_some_and(|params| {
            RsaPublicKeyComponents { n: &n[..], e: &e[..] }.verify(params, &message(), signature).is_ok()
        }),
        RingKey::Ec(point) => ecdsa_algorithm(point.len(), alg)
            .is_some_and(|a| UnparsedPublicKey::new(a, &point[..]).verify(&message(), signature).is_ok()),
    }
}

/// The `*_FOR_LEGACY_USE_ONLY` variants accept 1024-bit keys and SHA-1: tlsdoctor re-does
/// what the peers checked, it does not judge here (weak algorithms are a separate finding).
fn rsa_params(alg: SignatureAlgorithm) -> Option<&'static signature::RsaParameters> {
    Some(match alg {
        SignatureAlgorithm::RsaPkcs1(Hash::Sha1) => &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        SignatureAlgorithm::RsaPkcs1(Hash::Sha256) => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        SignatureAlgorithm::RsaPkcs1(Hash::Sha384) => &signature::RSA_PKCS1_2048_8192_SHA384,
        SignatureAlgorithm::RsaPkcs1(Hash::Sha512) => &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        // ring checks PSS with a salt as long as the hash, as TLS requires.
        SignatureAlgorithm::RsaPss { hash, salt_len } if salt_len == hash.output_len() => match hash {
            Hash::Sha256 => &signature::RSA_PSS_2048_8192_SHA256,
            Hash::Sha384 => &signature::RSA_PSS_2048_8192_SHA384,
            Hash::Sha512 => &signature::RSA_PSS_2048_8192_SHA512,
            _ => return None,
        },
        _ => return None,
    })
}

fn ecdsa_algorithm(point_len: usize, alg: SignatureAlgorithm) -> Option<&'static dyn VerificationAlgorithm> {
    Some(match (point_len, alg) {
        (65, SignatureAlgorithm::Ecdsa(Hash::Sha256)) => &signature::ECDSA_P256_SHA256_ASN1,
        (65, SignatureAlgorithm::Ecdsa(Hash::Sha384)) => &signature::ECDSA_P256_SHA384_ASN1,
        (97, SignatureAlgorithm::Ecdsa(Hash::Sha256)) => &signature::ECDSA_P384_SHA256_ASN1,
        (97, SignatureAlgorithm::Ecdsa(Hash::Sha384)) => &signature::ECDSA_P384_SHA384_ASN1,
        _ => return None,
    })
}
