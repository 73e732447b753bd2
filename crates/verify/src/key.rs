//! Public keys parsed from SubjectPublicKeyInfo DER.

use std::fmt;

use der::asn1::UintRef;
use der::Decode;
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};
use spki::{ObjectIdentifier, SubjectPublicKeyInfoRef};

use crate::fast::RingKey;
use crate::VerifyError;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

/// Largest RSA modulus accepted (bits). Bounds the cost of a hostile key.
pub const MAX_RSA_BITS: usize = 16384;
/// Largest DSA p and q accepted (bits). Real keys: p up to 3072, q up to 256.
const MAX_DSA_P_BITS: usize = 8192;
const MAX_DSA_Q_BITS: usize = 512;

/// What kind of key a [`PublicKey`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// `rsaEncryption`: PKCS#1 v1.5 and PSS signatures.
    Rsa,
    /// `id-RSASSA-PSS`: PSS signatures only (RFC 4055).
    RsaPss,
    EcP256,
    EcP384,
    EcP521,
    Ed25519,
    Ed448,
    Dsa,
}

/// A key's type and size: what the choice of a signature scheme depends on, in a few
/// bytes where the key itself takes a kilobyte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyShape {
    pub kind: KeyKind,
    /// See [`PublicKey::bits`].
    pub bits: u32,
}

impl KeyShape {
    /// "RSA 2048 bits", "RSA-PSS 2048 bits", "EC P-256", "Ed25519", "Ed448",
    /// "DSA 2048 bits" (the spelling of `x509::PublicKeyInfo`'s Display).
    pub fn describe(&self) -> String {
        match self.kind {
            KeyKind::Rsa => format!("RSA {} bits", self.bits),
            KeyKind::RsaPss => format!("RSA-PSS {} bits", self.bits),
            KeyKind::EcP256 => "EC P-256".to_string(),
            KeyKind::EcP384 => "EC P-384".to_string(),
            KeyKind::EcP521 => "EC P-521".to_string(),
            KeyKind::Ed25519 => "Ed25519".to_string(),
            KeyKind::Ed448 => "Ed448".to_string(),
            KeyKind::Dsa => format!("DSA {} bits", self.bits),
        }
    }
}

#[derive(Clone)]
pub(crate) enum Inner {
    Rsa(RsaPublicKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
    Ed448(Box<ed448_goldilocks_plus::VerifyingKey>),
    Dsa(Box<dsa::VerifyingKey>),
}

/// A public key that signatures can be checked with.
#[derive(Clone)]
pub struct PublicKey {
    pub(crate) inner: Inner,
    /// The same key for the fast path, when `ring` can use it.
    pub(crate) ring: Option<RingKey>,
    kind: KeyKind,
    bits: u32,
}

impl PublicKey {
    /// Parse a DER SubjectPublicKeyInfo (as in [`x509::CertificateSummary::spki_der`]).
    ///
    /// [`x509::CertificateSummary::spki_der`]: tlsdoctor_tls::x509::CertificateSummary
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, VerifyError> {
        let spki = SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| VerifyError::Malformed(format!("SubjectPublicKeyInfo: {e}")))?;
        let oid = spki.algorithm.oid;
        let key_bytes = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| VerifyError::Malformed("subjectPublicKey has unused bits".to_string()))?;
        if oid == RSA_ENCRYPTION || oid == RSASSA_PSS {
            let kind = if oid == RSA_ENCRYPTION { KeyKind::Rsa } else { KeyKind::RsaPss };
            let k = rsa::pkcs1::RsaPublicKey::from_der(key_bytes)
                .map_err(|e| VerifyError::Malformed(format!("RSAPublicKey: {e}")))?;
            let n = BigUint::from_bytes_be(k.modulus.as_bytes());
            let e = BigUint::from_bytes_be(k.public_exponent.as_bytes());
            let key = RsaPublicKey::new_with_max_size(n, e, MAX_RSA_BITS).map_err(|e| match e {
                rsa::Error::ModulusTooLarge => {
                    VerifyError::KeyUnsupported(format!("RSA modulus over {MAX_RSA_BITS} bits"))
                }
                rsa::Error::PublicExponentTooLarge => {
                    VerifyError::KeyUnsupported("RSA public exponent over 2^33".to_string())
                }
                other => VerifyError::Malformed(format!("RSA key: {other}")),
            })?;
            let bits = key.n().bits() as u32;
            let ring = Some(RingKey::Rsa { n: k.modulus.as_bytes().into(), e: k.public_exponent.as_bytes().into() });
            return Ok(PublicKey { inner: Inner::Rsa(key), ring, kind, bits });
        }
        if oid == EC_PUBLIC_KEY {
            let curve = spki
                .algorithm
                .parameters_oid()
                .map_err(|_| VerifyError::KeyUnsupported("EC key without a named curve".to_string()))?;
            let bad_point = |_| VerifyError::Malformed("EC point is not on the curve".to_string());
            let uncompressed = |point: &[u8]| Some(RingKey::Ec(point.into()));
            let (inner, ring, kind, bits) = if curve == P256 {
                let k = p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes).map_err(bad_point)?;
                let ring = uncompressed(k.to_encoded_point(false).as_bytes());
                (Inner::P256(k), ring, KeyKind::EcP256, 256)
            } else if curve == P384 {
                let k = p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes).map_err(bad_point)?;
                let ring = uncompressed(k.to_encoded_point(false).as_bytes());
                (Inner::P384(k), ring, KeyKind::EcP384, 384)
            } else if curve == P521 {
                let k = p521::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes).map_err(bad_point)?;
                (Inner::P521(k), None, KeyKind::EcP521, 521)
            } else {
                return Err(VerifyError::KeyUnsupported(format!("EC curve {curve}")));
            };
            return Ok(PublicKey { inner, ring, kind, bits });
        }
        if oid == ED25519 {
            let bytes: &[u8; 32] = key_bytes
                .try_into()
                .map_err(|_| VerifyError::Malformed(format!("Ed25519 key of {} bytes", key_bytes.len())))?;
            let k = ed25519_dalek::VerifyingKey::from_bytes(bytes)
                .map_err(|_| VerifyError::Malformed("Ed25519 key is not a point".to_string()))?;
            return Ok(PublicKey { inner: Inner::Ed25519(k), ring: None, kind: KeyKind::Ed25519, bits: 256 });
        }
        if oid == ED448 {
            let bytes: &[u8; 57] = key_bytes
                .try_into()
                .map_err(|_| VerifyError::Malformed(format!("Ed448 key of {} bytes", key_bytes.len())))?;
            let k = ed448_goldilocks_plus::VerifyingKey::from_bytes(bytes)
                .map_err(|_| VerifyError::Malformed("Ed448 key is not a point".to_string()))?;
            return Ok(PublicKey { inner: Inner::Ed448(Box::new(k)), ring: None, kind: KeyKind::Ed448, bits: 456 });
        }
        if oid == DSA {
            let params = spki
                .algorithm
                .parameters
                .ok_or_else(|| VerifyError::KeyUnsupported("DSA key with inherited parameters".to_string()))?;
            let components: dsa::Components =
                params.decode_as().map_err(|e| VerifyError::Malformed(format!("DSA parameters: {e}")))?;
            let (p_bits, q_bits) = (components.p().bits(), components.q().bits());
            if p_bits > MAX_DSA_P_BITS || q_bits > MAX_DSA_Q_BITS {
                return Err(VerifyError::KeyUnsupported(format!("DSA key with {p_bits}-bit p, {q_bits}-bit q")));
            }
            let bits = p_bits as u32;
            let y = UintRef::from_der(key_bytes).map_err(|e| VerifyError::Malformed(format!("DSA public key: {e}")))?;
            let k = dsa::VerifyingKey::from_components(components, BigUint::from_bytes_be(y.as_bytes()))
                .map_err(|_| VerifyError::Malformed("DSA public key not in the group".to_string()))?;
            return Ok(PublicKey { inner: Inner::Dsa(Box::new(k)), ring: None, kind: KeyKind::Dsa, bits });
        }
        Err(VerifyError::KeyUnsupported(format!("key algorithm {oid}")))
    }

    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// RSA modulus, EC field, DSA p size; 256 for Ed25519, 456 for Ed448.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// Its type and size, without the key.
    pub fn shape(&self) -> KeyShape {
        KeyShape { kind: self.kind, bits: self.bits }
    }

    /// See [`KeyShape::describe`].
    pub fn describe(&self) -> String {
        self.shape().describe()
    }

    pub(crate) fn rsa(&self) -> Option<&RsaPublicKey> {
        match &self.inner {
            Inner::Rsa(k) => Some(k),
            _ => None,
        }
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.describe())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}
