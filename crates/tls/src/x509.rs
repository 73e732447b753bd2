//! X.509 certificates as carried in TLS Certificate messages, decoded into an owned
//! [`CertificateSummary`] for display (`dissect -v`) and for the later verify stage.
//!
//! `x509-parser` does the ASN.1 work; this module keeps only what TLS diagnosis needs,
//! in plain owned types, plus the raw byte spans (TBS, SPKI, names) that signature and
//! name checks need. [`summarize`] is total: any bytes give a summary or a
//! [`DecodeError`], never a panic.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use x509_parser::certificate::X509Certificate;
use x509_parser::der_parser::asn1_rs::{Any, Class, Tag};
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;
use x509_parser::signature_algorithm::RsaSsaPssParams;
use x509_parser::x509::{AlgorithmIdentifier, AttributeTypeAndValue, X509Name};

use crate::codec::DecodeError;
use crate::text::escape_controls;

const WHAT: &str = "X.509 certificate";

/// A digest algorithm named inside a signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hash {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// The hash for a dotted digest-algorithm OID (as in RSASSA-PSS parameters).
    pub fn from_oid(oid: &str) -> Option<Hash> {
        Some(match oid {
            "1.2.840.113549.2.5" => Hash::Md5,
            "1.3.14.3.2.26" => Hash::Sha1,
            "2.16.840.1.101.3.4.2.4" => Hash::Sha224,
            "2.16.840.1.101.3.4.2.1" => Hash::Sha256,
            "2.16.840.1.101.3.4.2.2" => Hash::Sha384,
            "2.16.840.1.101.3.4.2.3" => Hash::Sha512,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Hash::Md5 => "MD5",
            Hash::Sha1 => "SHA1",
            Hash::Sha224 => "SHA224",
            Hash::Sha256 => "SHA256",
            Hash::Sha384 => "SHA384",
            Hash::Sha512 => "SHA512",
        }
    }
}

/// "MD5", "SHA1", "SHA256", ... (OpenSSL's digest names).
impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The certificate's signature algorithm (the outer `signatureAlgorithm`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    RsaPkcs1 {
        hash: Hash,
    },
    /// `hash` is the parameters' hash (SHA1 when the parameters omit it, per RFC 4055),
    /// or `None` when the parameters are missing, malformed or name an unknown hash.
    RsaPss {
        hash: Option<Hash>,
    },
    Ecdsa {
        hash: Hash,
    },
    Ed25519,
    Ed448,
    Dsa {
        hash: Hash,
    },
    /// Any other algorithm, as a dotted OID.
    Other(String),
}

impl SignatureAlgorithm {
    fn from_identifier(alg: &AlgorithmIdentifier) -> SignatureAlgorithm {
        use SignatureAlgorithm::*;
        let oid = alg.algorithm.to_id_string();
        match oid.as_str() {
            "1.2.840.113549.1.1.4" => RsaPkcs1 { hash: Hash::Md5 },
            "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => RsaPkcs1 { hash: Hash::Sha1 },
            "1.2.840.113549.1.1.14" => RsaPkcs1 { hash: Hash::Sha224 },
            "1.2.840.113549.1.1.11" => RsaPkcs1 { hash: Hash::Sha256 },
            "1.2.840.113549.1.1.12" => RsaPkcs1 { hash: Hash::Sha384 },
            "1.2.840.113549.1.1.13" => RsaPkcs1 { hash: Hash::Sha512 },
            "1.2.840.113549.1.1.10" => RsaPss {
                hash: alg
                    .parameters
                    .as_ref()
                    .and_then(|p| RsaSsaPssParams::try_from(p).ok())
                    .and_then(|p| Hash::from_oid(&p.hash_algorithm_oid().to_id_string())),
            },
            "1.2.840.10045.4.1" => Ecdsa { hash: Hash::Sha1 },
            "1.2.840.10045.4.3.1" => Ecdsa { hash: Hash::Sha224 },
            "1.2.840.10045.4.3.2" => Ecdsa { hash: Hash::Sha256 },
            "1.2.840.10045.4.3.3" => Ecdsa { hash: Hash::Sha384 },
            "1.2.840.10045.4.3.4" => Ecdsa { hash: Hash::Sha512 },
            "1.2.840.10040.4.3" => Dsa { hash: Hash::Sha1 },
            "2.16.840.1.101.3.4.3.1" => Dsa { hash: Hash::Sha224 },
            "2.16.840.1.101.3.4.3.2" => Dsa { hash: Hash::Sha256 },
            "2.16.840.1.101.3.4.3.3" => Dsa { hash: Hash::Sha384 },
            "2.16.840.1.101.3.4.3.4" => Dsa { hash: Hash::Sha512 },
            "1.3.101.112" => Ed25519,
            "1.3.101.113" => Ed448,
            _ => Other(oid),
        }
    }

    /// The digest the signature is computed over, when the algorithm names one
    /// (EdDSA hashes internally: `None`).
    pub fn hash(&self) -> Option<Hash> {
        match self {
            SignatureAlgorithm::RsaPkcs1 { hash }
            | SignatureAlgorithm::Ecdsa { hash }
            | SignatureAlgorithm::Dsa { hash } => Some(*hash),
            SignatureAlgorithm::RsaPss { hash } => *hash,
            _ => None,
        }
    }
}

/// OpenSSL's names: "sha256WithRSAEncryption", "ecdsa-with-SHA256", "RSASSA-PSS",
/// "ED25519", "dsa_with_SHA256"; unknown algorithms as their dotted OID.
impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureAlgorithm::RsaPkcs1 { hash } => {
                write!(f, "{}WithRSAEncryption", hash.name().to_ascii_lowercase())
            }
            SignatureAlgorithm::RsaPss { .. } => f.write_str("RSASSA-PSS"),
            SignatureAlgorithm::Ecdsa { hash } => write!(f, "ecdsa-with-{hash}"),
            SignatureAlgorithm::Ed25519 => f.write_str("ED25519"),
            SignatureAlgorithm::Ed448 => f.write_str("ED448"),
            SignatureAlgorithm::Dsa { hash: Hash::Sha1 } => f.write_str("dsaWithSHA1"),
            SignatureAlgorithm::Dsa { hash } => write!(f, "dsa_with_{hash}"),
            SignatureAlgorithm::Other(oid) => f.write_str(oid),
        }
    }
}

/// A named elliptic curve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
    /// Another named curve as its dotted OID, or "explicit parameters" /
    /// "no parameters" when the key does not name a curve.
    Other(String),
}

impl Curve {
    fn from_oid(oid: String) -> Curve {
        match oid.as_str() {
            "1.2.840.10045.3.1.7" => Curve::P256,
            "1.3.132.0.34" => Curve::P384,
            "1.3.132.0.35" => Curve::P521,
            _ => Curve::Other(oid),
        }
    }
}

/// "P-256", "P-384", "P-521", a few other well-known names, else the OID.
impl fmt::Display for Curve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Curve::P256 => f.write_str("P-256"),
            Curve::P384 => f.write_str("P-384"),
            Curve::P521 => f.write_str("P-521"),
            Curve::Other(oid) => f.write_str(match oid.as_str() {
                "1.3.132.0.10" => "secp256k1",
                "1.2.840.10045.3.1.1" => "P-192",
                "1.3.132.0.33" => "P-224",
                "1.3.36.3.3.2.8.1.1.7" => "brainpoolP256r1",
                "1.3.36.3.3.2.8.1.1.11" => "brainpoolP384r1",
                "1.3.36.3.3.2.8.1.1.13" => "brainpoolP512r1",
                other => other,
            }),
        }
    }
}

/// The subject public key. RSA integers are unsigned big-endian magnitudes (no sign
/// byte, no leading zeros).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKeyInfo {
    /// `rsaEncryption` key.
    Rsa {
        bits: u32,
        modulus: Vec<u8>,
        exponent: Vec<u8>,
    },
    /// `id-RSASSA-PSS` key: same RSAPublicKey, but restricted to PSS signatures (TLS 1.3
    /// `rsa_pss_pss_*` schemes need it; `rsa_pss_rsae_*` and RSA key exchange need `Rsa`).
    RsaPss {
        bits: u32,
        modulus: Vec<u8>,
        exponent: Vec<u8>,
    },
    /// `id-ecPublicKey`; `point` is the SEC1 encoded point as stored (usually 04||x||y).
    Ec {
        curve: Curve,
        point: Vec<u8>,
    },
    Ed25519(Vec<u8>),
    Ed448(Vec<u8>),
    /// `bits` is the size of the domain parameter p, 0 when the parameters are inherited.
    Dsa {
        bits: u32,
    },
    /// Any other key algorithm, as a dotted OID.
    Other(String),
}

impl PublicKeyInfo {
    /// Key size in bits, when meaningful (RSA modulus, DSA p, EC field, EdDSA).
    pub fn bits(&self) -> Option<u32> {
        match self {
            PublicKeyInfo::Rsa { bits, .. } | PublicKeyInfo::RsaPss { bits, .. } => Some(*bits),
            PublicKeyInfo::Dsa { bits } if *bits > 0 => Some(*bits),
            PublicKeyInfo::Ec { curve, .. } => match curve {
                Curve::P256 => Some(256),
                Curve::P384 => Some(384),
                Curve::P521 => Some(521),
                Curve::Other(_) => None,
            },
            PublicKeyInfo::Ed25519(_) => Some(256),
            PublicKeyInfo::Ed448(_) => Some(456),
            _ => None,
        }
    }
}

/// "RSA 2048 bits", "RSA-PSS 2048 bits", "EC P-256", "Ed25519", "Ed448",
/// "DSA 2048 bits", unknown keys as their dotted OID.
impl fmt::Display for PublicKeyInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublicKeyInfo::Rsa { bits, .. } => write!(f, "RSA {bits} bits"),
            PublicKeyInfo::RsaPss { bits, .. } => write!(f, "RSA-PSS {bits} bits"),
            PublicKeyInfo::Ec { curve, .. } => write!(f, "EC {curve}"),
            PublicKeyInfo::Ed25519(_) => f.write_str("Ed25519"),
            PublicKeyInfo::Ed448(_) => f.write_str("Ed448"),
            PublicKeyInfo::Dsa { bits: 0 } => f.write_str("DSA"),
            PublicKeyInfo::Dsa { bits } => write!(f, "DSA {bits} bits"),
            PublicKeyInfo::Other(oid) => f.write_str(oid),
        }
    }
}

/// What TLS diagnosis needs from one certificate, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateSummary {
    /// RFC 4514 style, most specific RDN first: "CN=app.example, O=Example".
    pub subject: String,
    pub issuer: String,
    /// Raw `Name` DER (SEQUENCE header included), as CertificateRequest lists CA names.
    pub subject_der: Vec<u8>,
    pub issuer_der: Vec<u8>,
    /// Uppercase hex of the serial's DER content without a leading sign byte, as
    /// `openssl x509 -serial` prints it ("07", "FF01").
    pub serial_hex: String,
    /// Validity bounds in unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    pub signature_algorithm: SignatureAlgorithm,
    pub public_key: PublicKeyInfo,
    /// SubjectPublicKeyInfo DER (SEQUENCE header included).
    pub spki_der: Vec<u8>,
    /// The tbsCertificate TLV (header included) inside the input bytes: what the issuer
    /// signed.
    pub tbs_der_range: Range<usize>,
    /// The signatureValue BIT STRING's bytes (without the unused-bits octet); for ECDSA
    /// and DSA this is the DER `SEQUENCE { r, s }`.
    pub signature_value: Vec<u8>,
    /// "DNS:x", "IP:1.2.3.4", "IP:2001:db8::1", "email:x", "URI:x", "DirName:...",
    /// "RID:oid", "othername:oid", in certificate order.
    pub subject_alt_names: Vec<String>,
    /// RFC 5280 bit names set in keyUsage; `None` when the extension is absent.
    pub key_usage: Option<Vec<&'static str>>,
    /// "serverAuth", "clientAuth", "codeSigning", "emailProtection", "timeStamping",
    /// "OCSPSigning", "anyExtendedKeyUsage" (in that order), then other purposes as
    /// dotted OIDs; `None` when the extension is absent.
    pub extended_key_usage: Option<Vec<String>>,
    /// basicConstraints cA; `None` when the extension is absent.
    pub is_ca: Option<bool>,
    pub path_len: Option<u32>,
    /// Subject and issuer names are byte-identical.
    pub self_issued: bool,
    /// 1, 2 or 3 (the DER value plus one).
    pub version: u32,
}

impl CertificateSummary {
    /// (name, value) pairs for `dissect -v`, in the order to show them.
    pub fn fields(&self) -> Vec<(String, String)> {
        fn or_empty(s: &str) -> String {
            if s.is_empty() {
                "(empty)".to_string()
            } else {
                s.to_string()
            }
        }
        let mut out = vec![
            ("version".to_string(), self.version.to_string()),
            ("serial".to_string(), or_empty(&self.serial_hex)),
            ("subject".to_string(), or_empty(&self.subject)),
            ("issuer".to_string(), or_empty(&self.issuer)),
            ("not before".to_string(), format_unix_utc(self.not_before)),
            ("not after".to_string(), format_unix_utc(self.not_after)),
            ("public key".to_string(), self.public_key.to_string()),
            (
                "signature algorithm".to_string(),
                match &self.signature_algorithm {
                    SignatureAlgorithm::RsaPss { hash: Some(h) } => format!("RSASSA-PSS ({h})"),
                    other => other.to_string(),
                },
            ),
        ];
        if !self.subject_alt_names.is_empty() {
            out.push(("subject alt names".to_string(), self.subject_alt_names.join(", ")));
        }
        if let Some(ku) = &self.key_usage {
            out.push(("key usage".to_string(), ku.join(", ")));
        }
        if let Some(eku) = &self.extended_key_usage {
            out.push(("extended key usage".to_string(), eku.join(", ")));
        }
        if let Some(ca) = self.is_ca {
            let mut v = if ca { "CA:TRUE" } else { "CA:FALSE" }.to_string();
            if let Some(n) = self.path_len {
                v.push_str(&format!(", pathlen:{n}"));
            }
            out.push(("basic constraints".to_string(), v));
        }
        if self.self_issued {
            out.push(("self-issued".to_string(), "yes".to_string()));
        }
        out
    }
}

/// Decode one DER certificate (the whole input must be the certificate).
pub fn summarize(der: &[u8]) -> Result<CertificateSummary, DecodeError> {
    let tbs_der_range = tbs_range(der)?;
    let (rest, cert) =
        X509Certificate::from_der(der).map_err(|e| DecodeError::Invalid { what: WHAT, detail: e.to_string() })?;
    if !rest.is_empty() {
        return Err(DecodeError::TrailingData { what: WHAT, extra: rest.len() });
    }
    // Our framing and x509-parser's must agree on the signed bytes.
    if der.get(tbs_der_range.clone()) != Some(cert.tbs_certificate.as_ref()) {
        return Err(DecodeError::Invalid {
            what: WHAT,
            detail: "tbsCertificate span does not match the parsed structure".to_string(),
        });
    }
    let tbs = &cert.tbs_certificate;
    let subject_der = tbs.subject().as_raw().to_vec();
    let issuer_der = tbs.issuer().as_raw().to_vec();
    let mut summary = CertificateSummary {
        subject: format_name(tbs.subject()),
        issuer: format_name(tbs.issuer()),
        self_issued: subject_der == issuer_der,
        subject_der,
        issuer_der,
        serial_hex: serial_hex(tbs.raw_serial()),
        not_before: tbs.validity().not_before.timestamp(),
        not_after: tbs.validity().not_after.timestamp(),
        signature_algorithm: SignatureAlgorithm::from_identifier(&cert.signature_algorithm),
        public_key: public_key(tbs.public_key())?,
        spki_der: tbs.public_key().raw.to_vec(),
        tbs_der_range,
        signature_value: cert.signature_value.data.to_vec(),
        subject_alt_names: Vec::new(),
        key_usage: None,
        extended_key_usage: None,
        is_ca: None,
        path_len: None,
        version: tbs.version().0.saturating_add(1),
    };
    // Duplicate extensions are invalid (RFC 5280 4.2); the first one counts here.
    let (mut san_seen, mut bc_seen) = (false, false);
    for ext in tbs.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) if !san_seen => {
                san_seen = true;
                summary.subject_alt_names = san.general_names.iter().map(general_name).collect();
            }
            ParsedExtension::KeyUsage(ku) if summary.key_usage.is_none() => {
                summary.key_usage = Some(
                    KEY_USAGE_NAMES
                        .iter()
                        .enumerate()
                        .filter(|(bit, _)| ku.flags >> bit & 1 == 1)
                        .map(|(_, name)| *name)
                        .collect(),
                );
            }
            ParsedExtension::ExtendedKeyUsage(eku) if summary.extended_key_usage.is_none() => {
                let mut purposes: Vec<String> = [
                    (eku.server_auth, "serverAuth"),
                    (eku.client_auth, "clientAuth"),
                    (eku.code_signing, "codeSigning"),
                    (eku.email_protection, "emailProtection"),
                    (eku.time_stamping, "timeStamping"),
                    (eku.ocsp_signing, "OCSPSigning"),
                    (eku.any, "anyExtendedKeyUsage"),
                ]
                .iter()
                .filter(|(set, _)| *set)
                .map(|(_, name)| name.to_string())
                .collect();
                purposes.extend(eku.other.iter().map(|oid| oid.to_id_string()));
                summary.extended_key_usage = Some(purposes);
            }
            ParsedExtension::BasicConstraints(bc) if !bc_seen => {
                bc_seen = true;
                summary.is_ca = Some(bc.ca);
                summary.path_len = bc.path_len_constraint;
            }
            _ => {}
        }
    }
    Ok(summary)
}

/// RFC 5280 4.2.1.3 keyUsage bits, bit 0 first.
const KEY_USAGE_NAMES: [&str; 9] = [
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
];

/// Unix seconds as "2026-11-26 23:06:39 UTC" (proleptic Gregorian, any i64).
pub fn format_unix_utc(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", sod / 3600, sod % 3600 / 60, sod % 60)
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian; H. Hinnant's
/// `civil_from_days`.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

// ---------------------------------------------------------------------------------
// A minimal DER TLV reader: enough to frame the certificate and read a few integers.

struct Tlv<'a> {
    tag: u8,
    header_len: usize,
    content: &'a [u8],
}

impl Tlv<'_> {
    fn total_len(&self) -> usize {
        self.header_len + self.content.len()
    }
}

/// One TLV at the start of `buf` (single-byte tags, definite lengths only).
fn read_tlv<'a>(buf: &'a [u8], what: &'static str) -> Result<Tlv<'a>, DecodeError> {
    let invalid = |detail: &str| DecodeError::Invalid { what, detail: detail.to_string() };
    let truncated = |needed: usize| DecodeError::Truncated { what, needed, available: buf.len() };
    let (&tag, after_tag) = buf.split_first().ok_or_else(|| truncated(2))?;
    if tag & 0x1f == 0x1f {
        return Err(invalid("multi-byte tag"));
    }
    let (&first, after_len) = after_tag.split_first().ok_or_else(|| truncated(2))?;
    let (len, header_len) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 {
            return Err(invalid("indefinite length"));
        }
        if n > 4 {
            return Err(invalid("length of more than 4 bytes"));
        }
        let bytes = after_len.get(..n).ok_or_else(|| truncated(2 + n))?;
        let len = bytes.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, 2 + n)
    };
    let content = buf
        .get(header_len..)
        .and_then(|rest| rest.get(..len))
        .ok_or_else(|| truncated(header_len.saturating_add(len)))?;
    Ok(Tlv { tag, header_len, content })
}

/// The tbsCertificate TLV inside `Certificate ::= SEQUENCE { tbs, alg, sig }`.
fn tbs_range(der: &[u8]) -> Result<Range<usize>, DecodeError> {
    let outer = read_tlv(der, WHAT)?;
    if outer.tag != 0x30 {
        return Err(DecodeError::Invalid {
            what: WHAT,
            detail: format!("expected SEQUENCE (0x30), got tag 0x{:02x}", outer.tag),
        });
    }
    if outer.total_len() < der.len() {
        return Err(DecodeError::TrailingData { what: WHAT, extra: der.len() - outer.total_len() });
    }
    let tbs = read_tlv(outer.content, "tbsCertificate")?;
    if tbs.tag != 0x30 {
        return Err(DecodeError::Invalid {
            what: "tbsCertificate",
            detail: format!("expected SEQUENCE (0x30), got tag 0x{:02x}", tbs.tag),
        });
    }
    Ok(outer.header_len..outer.header_len + tbs.total_len())
}

/// An INTEGER's content as an unsigned magnitude: leading zero bytes removed.
fn magnitude(int: &[u8]) -> &[u8] {
    let zeros = int.iter().take_while(|&&b| b == 0).count();
    &int[zeros..]
}

fn bit_len(magnitude: &[u8]) -> u32 {
    match magnitude.first() {
        None => 0,
        Some(&top) => {
            let len = u32::try_from(magnitude.len()).unwrap_or(u32::MAX / 8);
            (len - 1).saturating_mul(8).saturating_add(8 - top.leading_zeros())
        }
    }
}

fn read_integer<'a>(buf: &'a [u8], what: &'static str) -> Result<Tlv<'a>, DecodeError> {
    let tlv = read_tlv(buf, what)?;
    if tlv.tag != 0x02 {
        return Err(DecodeError::Invalid {
            what,
            detail: format!("expected INTEGER (0x02), got tag 0x{:02x}", tlv.tag),
        });
    }
    Ok(tlv)
}

/// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
fn rsa_key(key: &[u8]) -> Result<(u32, Vec<u8>, Vec<u8>), DecodeError> {
    const WHAT_RSA: &str = "RSA public key";
    let seq = read_tlv(key, WHAT_RSA)?;
    if seq.tag != 0x30 {
        return Err(DecodeError::Invalid {
            what: WHAT_RSA,
            detail: format!("expected SEQUENCE (0x30), got tag 0x{:02x}", seq.tag),
        });
    }
    let n = read_integer(seq.content, "RSA modulus")?;
    let e = read_integer(&seq.content[n.total_len()..], "RSA exponent")?;
    let modulus = magnitude(n.content);
    Ok((bit_len(modulus), modulus.to_vec(), magnitude(e.content).to_vec()))
}

fn universal(any: &Any, tag: Tag) -> bool {
    any.class() == Class::Universal && any.tag() == tag
}

fn public_key(spki: &x509_parser::x509::SubjectPublicKeyInfo) -> Result<PublicKeyInfo, DecodeError> {
    let oid = spki.algorithm.algorithm.to_id_string();
    let key: &[u8] = &spki.subject_public_key.data;
    let params = spki.algorithm.parameters.as_ref();
    Ok(match oid.as_str() {
        "1.2.840.113549.1.1.1" => {
            let (bits, modulus, exponent) = rsa_key(key)?;
            PublicKeyInfo::Rsa { bits, modulus, exponent }
        }
        "1.2.840.113549.1.1.10" => {
            let (bits, modulus, exponent) = rsa_key(key)?;
            PublicKeyInfo::RsaPss { bits, modulus, exponent }
        }
        "1.2.840.10045.2.1" => {
            let curve = match params {
                Some(p) if universal(p, Tag::Oid) => {
                    Curve::from_oid(x509_parser::der_parser::Oid::new(p.data.into()).to_id_string())
                }
                Some(_) => Curve::Other("explicit parameters".to_string()),
                None => Curve::Other("no parameters".to_string()),
            };
            PublicKeyInfo::Ec { curve, point: key.to_vec() }
        }
        "1.3.101.112" => PublicKeyInfo::Ed25519(key.to_vec()),
        "1.3.101.113" => PublicKeyInfo::Ed448(key.to_vec()),
        "1.2.840.10040.4.1" => {
            // Dss-Parms ::= SEQUENCE { p INTEGER, q INTEGER, g INTEGER }
            let bits = match params {
                Some(p) if universal(p, Tag::Sequence) => bit_len(magnitude(read_integer(p.data, "DSA p")?.content)),
                _ => 0,
            };
            PublicKeyInfo::Dsa { bits }
        }
        _ => PublicKeyInfo::Other(oid),
    })
}

fn serial_hex(raw: &[u8]) -> String {
    let raw = match raw {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => raw,
    };
    raw.iter().map(|b| format!("{b:02X}")).collect()
}

fn general_name(name: &GeneralName) -> String {
    match name {
        GeneralName::DNSName(s) => format!("DNS:{}", escape_controls(s)),
        GeneralName::RFC822Name(s) => format!("email:{}", escape_controls(s)),
        GeneralName::URI(s) => format!("URI:{}", escape_controls(s)),
        GeneralName::IPAddress(ip) => match ip.len() {
            4 => {
                let mut b = [0u8; 4];
                b.copy_from_slice(ip);
                format!("IP:{}", Ipv4Addr::from(b))
            }
            16 => {
                let mut b = [0u8; 16];
                b.copy_from_slice(ip);
                format!("IP:{}", Ipv6Addr::from(b))
            }
            _ => format!("IP:#{}", hex(ip)),
        },
        GeneralName::DirectoryName(n) => format!("DirName:{}", format_name(n)),
        GeneralName::RegisteredID(oid) => format!("RID:{}", oid.to_id_string()),
        GeneralName::OtherName(oid, _) => format!("othername:{}", oid.to_id_string()),
        GeneralName::X400Address(_) => "X400Name:<unsupported>".to_string(),
        GeneralName::EDIPartyName(_) => "EdiPartyName:<unsupported>".to_string(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------------
// Distinguished names, RFC 4514 style.

/// A DER Name (as in a CertificateRequest's CA list) in one line; hex when it does not
/// decode.
pub fn format_name_der(der: &[u8]) -> String {
    match X509Name::from_der(der) {
        Ok((&[], name)) => format_name(&name),
        _ => der.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

fn format_name(name: &X509Name) -> String {
    let mut rdns: Vec<String> =
        name.iter().map(|rdn| rdn.iter().map(format_attribute).collect::<Vec<_>>().join("+")).collect();
    rdns.reverse();
    rdns.join(", ")
}

fn attribute_short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "title",
        "2.5.4.15" => "businessCategory",
        "2.5.4.17" => "postalCode",
        "2.5.4.42" => "GN",
        "2.5.4.43" => "initials",
        "2.5.4.44" => "generationQualifier",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.65" => "pseudonym",
        "2.5.4.97" => "organizationIdentifier",
        "0.9.2342.19200300.100.1.1" => "UID",
        "0.9.2342.19200300.100.1.25" => "DC",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "1.3.6.1.4.1.311.60.2.1.1" => "jurisdictionL",
        "1.3.6.1.4.1.311.60.2.1.2" => "jurisdictionST",
        "1.3.6.1.4.1.311.60.2.1.3" => "jurisdictionC",
        _ => return None,
    })
}

fn format_attribute(atv: &AttributeTypeAndValue) -> String {
    let oid = atv.attr_type().to_id_string();
    let name = attribute_short_name(&oid).map_or(oid, str::to_string);
    let value = atv.attr_value();
    match directory_string(value) {
        Some(s) => format!("{name}={}", escape_rfc4514(&s)),
        None => format!("{name}=#{}", hex(&reencode(value))),
    }
}

/// The text of a string-typed attribute value, or `None` for anything else.
fn directory_string(any: &Any) -> Option<String> {
    if any.class() != Class::Universal || any.header.is_constructed() {
        return None;
    }
    let data = any.data;
    match any.tag() {
        // UTF8String, NumericString, PrintableString, IA5String, VisibleString
        Tag(12) | Tag(18) | Tag(19) | Tag(22) | Tag(26) => String::from_utf8(data.to_vec()).ok(),
        // TeletexString: in practice UTF-8 or Latin-1
        Tag(20) => {
            Some(String::from_utf8(data.to_vec()).unwrap_or_else(|_| data.iter().map(|&b| char::from(b)).collect()))
        }
        // BMPString: UTF-16BE
        Tag(30) if data.chunks_exact(2).remainder().is_empty() => {
            char::decode_utf16(data.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])))
                .collect::<Result<String, _>>()
                .ok()
        }
        // UniversalString: UTF-32BE
        Tag(28) if data.chunks_exact(4).remainder().is_empty() => {
            data.chunks_exact(4).map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]]))).collect()
        }
        _ => None,
    }
}

/// DER TLV of a value, for RFC 4514's `#hex` form of non-string values.
fn reencode(any: &Any) -> Vec<u8> {
    let class_bits: u8 = match any.class() {
        Class::Universal => 0x00,
        Class::Application => 0x40,
        Class::ContextSpecific => 0x80,
        Class::Private => 0xc0,
    };
    let constructed: u8 = if any.header.is_constructed() { 0x20 } else { 0 };
    let mut out = Vec::with_capacity(any.data.len() + 8);
    match u8::try_from(any.tag().0) {
        Ok(t) if t < 0x1f => out.push(class_bits | constructed | t),
        _ => {
            out.push(class_bits | constructed | 0x1f);
            let t = any.tag().0;
            let mut groups = Vec::new();
            let mut v = t;
            loop {
                groups.push((v & 0x7f) as u8);
                v >>= 7;
                if v == 0 {
                    break;
                }
            }
            for (i, g) in groups.iter().rev().enumerate() {
                out.push(if i + 1 < groups.len() { g | 0x80 } else { *g });
            }
        }
    }
    let len = any.data.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(any.data);
    out
}

/// RFC 4514 2.4 escaping, plus control characters as `\XX` so names are safe to print.
fn escape_rfc4514(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        let first = i == 0;
        let last = i + c.len_utf8() == s.len();
        if matches!(c, '"' | '+' | ',' | ';' | '<' | '>' | '\\')
            || (first && (c == '#' || c == ' '))
            || (last && c == ' ')
        {
            out.push('\\');
            out.push(c);
        } else if c.is_control() {
            for b in c.to_string().bytes() {
                out.push_str(&format!("\\{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // The bench seed's first PKI (bench/seed/pki as made on 2026-11-26), and certificates
    // made with OpenSSL 3.0 for this module (Ed25519 CA with every SAN kind, RSA signed with
    // RSASSA-PSS, RSA-PSS key, P-384 with a GeneralizedTime and RFC 4514 specials, DSA). Expected values come
    // from `openssl x509 -text -subject -issuer -serial -dates -nameopt RFC2253` and
    // `openssl asn1parse` (offsets of the DER parts).
    const CA_PEM: &str = "\
        -----BEGIN CERTIFICATE-----\n\
        MIIDMTCCAhmgAwIBAgIUcqW1GV49WvAZv01g1cp4Q21wDRcwDQYJKoZIhvcNAQEL\n\
        BQAwKDEOMAwGA1UECgwFQmVuY2gxFjAUBgNVBAMMDUJlbmNoIFJvb3QgQ0EwHhcN\n\
        MjYxMTI2MjMwNjMyWhcNMzYxMTIzMjMwNjMyWjAoMQ4wDAYDVQQKDAVCZW5jaDEW\n\
        MBQGA1UEAwwNQmVuY2ggUm9vdCBDQTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCC\n\
        AQoCggEBAMa0Mzh/Q0VdSXSZsYJIwcoNFFPXO/qS96whT7Y0auTLKWh4GRDGIQut\n\
        6kPfRWxHTq+TzWWw8YFcoI4cKtKWioIzPOlsP7jDvfodN1v7NK1RJ5+TxD2N2Ibt\n\
        YEnRIF9GMrQ7kGDfdGIUJCVgHIWEHAegWAV2UZt8M+iZe8qqhwnTt76V+i512r8U\n\
        Qy8WfUbka+o8HIruHnEmLTEq7L+5Y4Tp5KDCSm8HuVi2H3UFVSxg0MrQvkHxTREQ\n\
        hG3n8rArjt6OyaoCngehcQ25ej1nIwEA4B0ZCOfujOCBobiP59M0hjDPi+kpRzma\n\
        vxM1se2KwYTi7o1knJ4YgbcjRijs4bMCAwEAAaNTMFEwHQYDVR0OBBYEFG2hP0w/\n\
        CqVxDEfcqyGxWY8l6i0tMB8GA1UdIwQYMBaAFG2hP0w/CqVxDEfcqyGxWY8l6i0t\n\
        MA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADggEBAGMuobu83HwfkPqM\n\
        E2h9Su4Taq8fTXFui3qSGSDQOtug5oyo1uPJDauT9/yLCmXW+3NIdleinXkz9t3D\n\
        nx9FwswD1iXGQnqHbsS4yQFiUT7UlFuzalSHlsTdGN9lqRMQ/bvkNdD6/ktAXHtm\n\
        f5AH982FQZULDIurlxiDS8161zLFpovmBKyd83ti+YWpJKDd3jjq3TVcm4EYIRPs\n\
        nXaymmHr8Bo37GVWkqTmvDEv+IFM1yw68fF4mBHSZMfsQ9kmMsG3UTjwk842pqEa\n\
        ZQNY9iJaEXFL03OjrKvqKRnmaThNGi+cz/aAw7XYxTaip3MaGapCsSLfqzA8v+a0\n\
        3dZePNU=\n\
        -----END CERTIFICATE-----";
    const SERVER_RSA_PEM: &str = "\
        -----BEGIN CERTIFICATE-----\n\
        MIIDVzCCAj+gAwIBAgIUE8C2uQ5jTBjacX3S7Tuq2ownQ+swDQYJKoZIhvcNAQEL\n\
        BQAwKDEOMAwGA1UECgwFQmVuY2gxFjAUBgNVBAMMDUJlbmNoIFJvb3QgQ0EwHhcN\n\
        MjYxMTI2MjMwNjMyWhcNMzYxMTIzMjMwNjMyWjAlMQ4wDAYDVQQKDAVCZW5jaDET\n\
        MBEGA1UEAwwKc2VydmVyLXJzYTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoC\n\
        ggEBAJ7tfS9Y0IPsYmZC1USX7Sy9QIGV03exrR58TjruTb7yj5rvacwGLFLdbt+S\n\
        pmhbI23Vdn3c0reowyAEBLyEnICnLMx1gvHInkiSpPKGBOQKgXyOz+AeN1dpA0WB\n\
        tQrNJz48WWHXho+M7wown25/8McxhxeI7cPy56GDrWzW7xWpXsgStj2By8JLi8LY\n\
        ew3t/SghewJD52U0XXskmjb8G+dWAF6YbqToRv60xqIyLP+zFBtqufwqjjMuHn2d\n\
        pRId0TlORbYSP9QTlCuaQvFgVDfjyVplZTorBpWYBfKFl90nDrmO+PQjqDXimVWn\n\
        3/g0EvdqIWgTIfNSLWb+nECaSpMCAwEAAaN8MHowCQYDVR0TBAIwADATBgNVHSUE\n\
        DDAKBggrBgEFBQcDATAYBgNVHREEETAPgg1iZW5jaC5leGFtcGxlMB0GA1UdDgQW\n\
        BBRmJ6EBg5v2XHpR6G2z2Oq04cv1IDAfBgNVHSMEGDAWgBRtoT9MPwqlcQxH3Ksh\n\
        sVmPJeotLTANBgkqhkiG9w0BAQsFAAOCAQEARD6cA7eEli8Va+FvlWxoQP9ahJww\n\
        l8gKJbDZx4bCBU4cRKaLGh/crtgO1ggJlmhRqAMCx4YUWcNvMtcCualb4MgNYxPi\n\
        n/+HHICkTt14FRkqOcnfz9eRyH1/GEWA5/7hla51KKm/OL9djI5D2p4Yk/9dM5aG\n\
        b4Fx5jmqlR4iibZFlPsPZ5ICQpi2MtvPN2XBHYJdLNst8w0L3+c2jMeiWhMwNGgY\n\
        jJuvVitkAmZ4nstwm562mjzb+EUUpiLTAwTJd1I399lgZLUq24jlrht5qhw2wCg8\n\
        Juey6r8a2SfGzcgblwBRLYe41xTM625Clux+hxs28YLXbnDhhKg2IGgBSw==\n\
        -----END CERTIFICATE-----";
    const SERVER_ECDSA_PEM: &str = "\
        -----BEGIN CERTIFICATE-----\n\
        MIICjjCCAXagAwIBAgIUE8C2uQ5jTBjacX3S7Tuq2ownQ+wwDQYJKoZIhvcNAQEL\n\
        BQAwKDEOMAwGA1UECgwFQmVuY2gxFjAUBgNVBAMMDUJlbmNoIFJvb3QgQ0EwHhcN\n\
        MjYxMTI2MjMwNjMyWhcNMzYxMTIzMjMwNjMyWjAnMQ4wDAYDVQQKDAVCZW5jaDEV\n\
        MBMGA1UEAwwMc2VydmVyLWVjZHNhMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n\
        AYP7nX9jyz4oCF6sjnTMB94ncdLcyMTzgWBVdNbVm31S4XUtyupGTyhtngnuNMTR\n\
        USI5lKEG4ePeDrpC4EowbKN8MHowCQYDVR0TBAIwADATBgNVHSUEDDAKBggrBgEF\n\
        BQcDATAYBgNVHREEETAPgg1iZW5jaC5leGFtcGxlMB0GA1UdDgQWBBTq6dqhqxoT\n\
        EjZpm4K/AQsjsT5ilDAfBgNVHSMEGDAWgBRtoT9MPwqlcQxH3KshsVmPJeotLTAN\n\
        BgkqhkiG9w0BAQsFAAOCAQEAahAyDCwy0VXNXg5OgJwiATT9qp0WD/UK+doPf40c\n\
        H0/bsoSwZatlfEdJKoFLcDJYR0x834EMY7fB8wtN1c1o2bsAgM9IqSWhSBxnbCwy\n\
        /shMckI5/naZOjmnIYkI4fibKM7BRRHuWwL7fupmHJa86VhIzA/cg3oyyKAXITYy\n\
        E08m3T74Cqb2kIII6BkexRFW9sGjTG+d9ptEl7jdMlrxxJj+ykHLTfx/htp+ooxj\n\
        WCb8YAXwU/YpveLQE+PwLmwRksyo2ChYqiMTugEohOhPBzv1B38R7pD7bhExmcU4\n\
        tkvqJGqoOZdkSl70/hvoZapYpFpkoXSPszKbUzDnwURaMg==\n\
        -----END CERTIFICATE-----";
    const CLIENT_ROGUE_PEM: &str = "\
        -----BEGIN CERTIFICATE-----\n\
        MIICeTCCAh+gAwIBAgIUA+V+x2Sf8vfitJ8ieJBy1+Y3mB8wCgYIKoZIzj0EAwIw\n\
        IzEOMAwGA1UECgwFQmVuY2gxETAPBgNVBAMMCFJvZ3VlIENBMB4XDTI2MTEyNjIz\n\
        MDYzM1oXDTM2MTEyMzIzMDYzM1owJzEOMAwGA1UECgwFQmVuY2gxFTATBgNVBAMM\n\
        DGNsaWVudC1yb2d1ZTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAJPI\n\
        o70huWz6naeovuSDcYu8kHI7eY4qA3oJsDGio4WY7Ev1uOYtakgvFlDt02tVwDU2\n\
        cr6FTS9nX4tyTfrG2prp1ofahgXT+CNCu+4jg3XLnZwlCewhCnakobG3LkLFzt60\n\
        xJTwMOr+JmvE8ifs2Reefs15OxD/BeVxfTI5ys26/8lUnB+gQSzWMfRWyv4fAIUz\n\
        tmv2i4InE/G9df0YUH1wwZyTiC0RfGy+iDbVGUAf+xo4OF+1dwLBitvMdkYK1lF9\n\
        aZD9kfwZQvE91YFP5u8ICTzkCUM2TbcwfTJE6utd3cueYApzRyewZ2o5PGmHzAaG\n\
        qklg0dD/pMUW4OpjkMECAwEAAaNiMGAwCQYDVR0TBAIwADATBgNVHSUEDDAKBggr\n\
        BgEFBQcDAjAdBgNVHQ4EFgQUjK/GfRPCx8stG9EMMHTtFrB5AK0wHwYDVR0jBBgw\n\
        FoAU0dXSB51N+c4hajhVXQJLGQS0CyUwCgYIKoZIzj0EAwIDSAAwRQIhAJb6262w\n\
        YPhfMuQUnnA2rU/RScIJ5/p4aT8cohAwGjUPAiBBy4ZmJCCwYhGjhiygWyg3Id8V\n\
        /T8Ojc+xLlDtRt9Aew==\n\
        -----END CERTIFICATE-----";
    const ROGUE_PEM: &str = "\
        -----BEGIN CERTIFICATE-----\n\
        MIIBnDCCAUGgAwIBAgIUXX8GDc+gvPo3Jdi1X9ZzzeH2rPkwCgYIKoZIzj0EAwIw\n\
        IzEOMAwGA1UECgwFQmVuY2gxETAPBgNVBAMMCFJvZ3VlIENBMB4XDTI2MTEyNjIz\n\
        MDYzMloXDTM2MTEyMzIzMDYzMlowIzEOMAwGA1UECgwFQmVuY2gxETAPBgNVBAMM\n\
        CFJvZ3VlIENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEv4cCCB/BnEtm3aUF\n\
        FCOiFMHkz4NRFwlxhJJ+og+7Ni3g0m+s3oYE5THAihrvCakp8rpi1FdyvtffMkNn\n\
        kE/78qNTMFEwHQYDVR0OBBYEFNHV0gedTfnOIWo4VV0CSxkEtAslMB8GA1UdIwQY\n\
        MBaAFNHV0gedTfnOIWo4VV0CSxkEtAslMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZI\n\
        zj0EAwIDSQAwRgIhAN5RDLwCzUsKaZ+c4Se1lJIruVesBbrsT7/rGxKnUMx/AiEA\n\
        76TJvd3t3yVhOVv7L15zE9I7ykBFbSE88aSkkBQamhU=\n\
        -----END CERTIFICATE-----";
    const ED_PEM: &str = "\
        -----BEGIN CERTIFICATE-----\n\
        MIICFjCCAcigAwIBAgIDAP8BMAUGAytlcDBKMQswCQYDVQQGEwJERTESMBAGA1UE\n\
        CgwJRm9vLCBJbmMuMRIwEAYDVQQLDAlUw6lzdCtPcHMxEzARBgNVBAMMCmVkLmV4\n\
        YW1wbGUwHhcNMjYxMTI3MDAwMjQ1WhcNMzYxMTI0MDAwMjQ1WjBKMQswCQYDVQQG\n\
        EwJERTESMBAGA1UECgwJRm9vLCBJbmMuMRIwEAYDVQQLDAlUw6lzdCtPcHMxEzAR\n\
        BgNVBAMMCmVkLmV4YW1wbGUwKjAFBgMrZXADIQAYTBmcdD8yHJAjWzhaZHUiVQsH\n\
        RJnNsYeL6jAdgcZWu6OB0DCBzTASBgNVHRMBAf8ECDAGAQH/AgECMA4GA1UdDwEB\n\
        /wQEAwIBhjAjBgNVHSUEHDAaBggrBgEFBQcDAQYIKwYBBQUHAwIGBCoDBAUwYwYD\n\
        VR0RBFwwWoIKZWQuZXhhbXBsZYIMKi5lZC5leGFtcGxlhwTAAAIHhxAgAQ24AAAA\n\
        AAAAAAAAAAABgRBhZG1pbkBlZC5leGFtcGxlhhRodHRwczovL2VkLmV4YW1wbGUv\n\
        eDAdBgNVHQ4EFgQU8DOcaAt/g8jBFMnD68OctFlEjnIwBQYDK2VwA0EAhAIBfVP/\n\
        ZiLSlF5JyZrv4jY3aIaxDhukd12gY8U2MTy9fVfvAknNndsJr6SO0KwY/8N0WiPw\n\
        azQ1CmJncYWhAQ==\n\
        -----END CERTIFICATE-----";
    const PSS_PEM: &str = "\
        -----BEGIN CERTIFICATE-----\n\
        MIIEVTCCAomgAwIBAgIBBzBBBgkqhkiG9w0BAQowNKAPMA0GCWCGSAFlAwQCAgUA\n\
        oRwwGgYJKoZIhvcNAQEIMA0GCWCGSAFlAwQCAgUAogMCATAwFjEUMBIGA1UEAwwL\n\
        cHNzLmV4YW1wbGUwHhcNMjYxMTI3MDAwMjQ2WhcNMjYxMjI3MDAwMjQ2WjAWMRQw\n\
        EgYDVQQDDAtwc3MuZXhhbXBsZTCCAaIwDQYJKoZIhvcNAQEBBQADggGPADCCAYoC\n\
        ggGBAMoXpbb2V5MmnETjJ1xS8ay/0J7huoS6XZT2sc/tSVKRpq1wyOs7U4TaP/Xe\n\
        IZ+M3Lz4PKAA6qkoBIcQ3F1mG13Q9YzkKUfdKCrpLp5ItD4mMxqEic2No6I+oNNb\n\
        ypOKqESVHH4QB3ZY6NK52S8EG6rU2A4Vq9Ndon6H4nIi0oPcdGco0r1wOJDqgC1R\n\
        B0CbQhkp3UHXyRHqmYTsdF7ZACJ39/TyFePs3Jf8ZyLmBUazn1HSPAY3MadmH+xr\n\
        fMVP6x020Ek4y1PthbXW7OyGJh2/Lzy3gKkJmyf8mNOSfd9Aly23KoHgGqNQC3NP\n\
        LoLefwtsG1F+3X3o6ThVhFeK4tViSeYDbjw0SHK2TUGlqm2lu6qEj3GHAzcZGIyE\n\
        WYzuQKBvpbxx8Jb+VAP439DO8sop6nYs8nkEKqiLxE9wOxBdkgDNSc9mjDn7x6ly\n\
        ku2snnTBAB8B/wfobEnmCQNCBD4v76qkZyynxzsAvBrp8ZP2xXVXu0BqaC1Es3qH\n\
        n2WakwIDAQABo0YwRDALBgNVHQ8EBAMCBaAwFgYDVR0RBA8wDYILcHNzLmV4YW1w\n\
        bGUwHQYDVR0OBBYEFJN5C30xJ9bovveAOmBCJ6L6fcYtMEEGCSqGSIb3DQEBCjA0\n\
        oA8wDQYJYIZIAWUDBAICBQChHDAaBgkqhkiG9w0BAQgwDQYJYIZIAWUDBAICBQCi\n\
        AwIBMAOCAYEAIFaseI4neUItyQe8GFd3r2Jdzw6BQjWqv2ya8bu9bn4SY8+w7+sH\n\
        qdsLAQFR3SHPD3a+0gkD+NLl6lIJTuqv56lQQgcU0LkLaI9EWVGCoDlgQhhRRmH2\n\
        6ry+xl5m4y1WgO/9GYQKlkkHHc3L4gKnbFDpFOQGqCvVq2j9JGmStcOH++DEKZCN\n\
        X8oWC1nRqo23lf1DSMTNj/WrlcgCMCBxlvhRIftIE1DRkoqvFpJm90u5cwKgkK87\n\
        klKPAvexX3wZj8CAsAMZGFPMnDfGjaf3N/g5DEXkKUkck/W+OQyWeiSJpHB46pMj\n\
        uy1UJRXK+XlDYjxzxYuiz+GlTNkLdGGgEOFJ5rDAOu66vPn6ECJEaVUT4WaBKEWe\n\
        XoIpwncalLWPgV3Grav5AyLr+CEJgVewAOJCmOWTswbpzRpKjeyTE3YgWeXFAV0I\n\
        fzPMHPEVPrauQIZ6igZjWZ8LRiy33iklSB363I0nOCtdEfiCOw/T2qId6lPJpdna\n\
        dU4F8AfdvcHd\n\
        -----END CERTIFICATE-----";
    const P384_PEM: &str = "\
        -----BEGIN CERTIFICATE-----\n\
        MIICFzCCAZygAwIBAgICAIAwCgYIKoZIzj0EAwMwRTETMBEGCgmSJomT8ixkARkW\n\
        A2NvbTEXMBUGCgmSJomT8ixkARkWB2V4YW1wbGUxFTATBgNVBAMMDCNwMzg0IDxh\n\
        PjtiIDAgFw0yNjExMjcwMDAzMDBaGA8yMTM2MDYwMzAwMDMwMFowRTETMBEGCgmS\n\
        JomT8ixkARkWA2NvbTEXMBUGCgmSJomT8ixkARkWB2V4YW1wbGUxFTATBgNVBAMM\n\
        DCNwMzg0IDxhPjtiIDB2MBAGByqGSM49AgEGBSuBBAAiA2IABOWiaQXPEYvTytTX\n\
        Kk2CunhU9Jli4wEuINXmdpDfzTua5ObN6JCy6sy+p8UT1ppJO8s6AtyvyNQNM+QR\n\
        djQa+1hPTXGd4u408+drDvSfTDfwyFzkv/tlK4gFx2bL9y3C26NdMFswHQYDVR0O\n\
        BBYEFNub5HPUZ0/uc8wWW7YwDZUdEwO2MB8GA1UdIwQYMBaAFNub5HPUZ0/uc8wW\n\
        W7YwDZUdEwO2MAwGA1UdEwEB/wQCMAAwCwYDVR0PBAQDAgOIMAoGCCqGSM49BAMD\n\
        A2kAMGYCMQD5oxIZVEdcF3GfvfhXtF6uJsvPK6giXRTV1B6WWwWUCPCluLhAp3Ha\n\
        6LNoZwOdc/wCMQDry4oKb45gwzWRJGrY8f6umJpSEHsVNE0Eb7YxRrE0AbNBRY3V\n\
        jTcGfB0ckNIF2vM=\n\
        -----END CERTIFICATE-----";
    const RPSS_PEM: &str = "\
        -----BEGIN CERTIFICATE-----\n\
        MIIDcDCCAiOgAwIBAgIBATBCBgkqhkiG9w0BAQowNaAPMA0GCWCGSAFlAwQCAQUA\n\
        oRwwGgYJKoZIhvcNAQEIMA0GCWCGSAFlAwQCAQUAogQCAgDeMB0xGzAZBgNVBAMM\n\
        EnJzYXBzcy1rZXkuZXhhbXBsZTAeFw0yNjExMjcwMDAyNTRaFw0yNjEyMjcwMDAy\n\
        NTRaMB0xGzAZBgNVBAMMEnJzYXBzcy1rZXkuZXhhbXBsZTCCASAwCwYJKoZIhvcN\n\
        AQEKA4IBDwAwggEKAoIBAQC43qwBiqO6kpGPk1kwHkIwKQayomfnKwE7JpSg2KBR\n\
        Nm72P6vkpcc0M2zt2Ok/R7xvCOCsOkQi/2XfcJf0XZVC1pkfg71thC6EqZqNK5Wt\n\
        b28en1ixKcWqwXK2+Ql9LiUwWU8CdYoBKHVggFLrf4YcQLLRTeqykooUGAChno27\n\
        Qai2GUq2vwvS3lG+QIXINPzJELjKhGULA2c6Bp4/6EIx2LF4+4UnBId4Bnwt1bhI\n\
        2UgD2+WnnHsS14MNax3vKGoDDOhJd0JJG9mYLXjHCHN7LPmHPYuvRitTSIKT3yRn\n\
        3tAXoUlw1QNWnlARHFfApej3lJZjvzeEbEval74YtOEnAgMBAAGjUzBRMB0GA1Ud\n\
        DgQWBBRTE3GsEs9FhxUlo7ihAJ7OYvWe+jAfBgNVHSMEGDAWgBRTE3GsEs9FhxUl\n\
        o7ihAJ7OYvWe+jAPBgNVHRMBAf8EBTADAQH/MEIGCSqGSIb3DQEBCjA1oA8wDQYJ\n\
        YIZIAWUDBAIBBQChHDAaBgkqhkiG9w0BAQgwDQYJYIZIAWUDBAIBBQCiBAICAN4D\n\
        ggEBAH9YMuIT4YwhnYju3PsI5NUERO3xsz74HOn5cISxbxdZ6LHEEgOvbQuyBJpu\n\
        0LShUvdl6MyeETzus7gpxmYV58tdqR0Ju6aI8eOdTDjbc/N3Ik3pobjDHNHgYSrL\n\
        ArDHbWs0CbCbf7afsPvl64/CPE6jJ+k+zcYy+kvt+HP6u4p3x7Tx4FDWR9ncUP2y\n\
        IwdUKK9RetlWJf7NeL+R8CXVZs0V1q4XKh9jLnB0IIZ+B3Kx9BAJKVVbsm1ql8H4\n\
        JA1wb4PCCQ334Dvoh09T46Rqu8jh+61n67jpdIQQ4gVXC8tfmOIAj9lSQ8iUtzwC\n\
        fIipVWLNyvOJwUqxmUGqU02AP40=\n\
        -----END CERTIFICATE-----";
    const DSA_PEM: &str = "\
        -----BEGIN CERTIFICATE-----\n\
        MIIEUzCCBAGgAwIBAgIBAjALBglghkgBZQMEAwIwFjEUMBIGA1UEAwwLZHNhLmV4\n\
        YW1wbGUwHhcNMjYxMTI3MDAwMzIyWhcNMjYxMTI4MDAwMzIyWjAWMRQwEgYDVQQD\n\
        DAtkc2EuZXhhbXBsZTCCA0MwggI1BgcqhkjOOAQBMIICKAKCAQEAweL0RCfcO67I\n\
        rJZ3szlTGhth1BOBQhkYU5d0PK1gDQnYcVwFcaWRaFD5wapuq5/2d9TuLocpIfdL\n\
        aHK+FDLug+bLzfFfM/2RoUCP1nv0ae2wo4SktU2+p5cfoYszfPTQPDErmyJ1tpN5\n\
        uzT8/xX2kNUs2EJPwx1szMAqV9oZdUhMOOf/48pyBJSSnqVbxSUZroR5DnXH4n32\n\
        kJE6HfCCtT9LIOSzH7huengurmU4aiyM29reNRnRe/IrxJO8ln6/cbJAuqdp86h/\n\
        wbjHVi/gpOcDTp1RTjd/ALRTJ6Md/5flAhdPnhxNjo9L5r2awO8NwOLKhHjrwq/Q\n\
        BeZeZrPmIwIdANnIjjFaevAHFLyAU5FpVDxc/4ZvjgFIHp3TujcCggEAZLhLNxVF\n\
        L88FO+UfbPeG5oIFxNjneOD5jeK50da+yxY62h7VMWWGFnSa199EEHYSmMWUketP\n\
        H/CsesL9zrIqr5R+7A4/JWwZyGhdTccVRBPiknTDIBMRhzLVIEj9ywpvGum18DIX\n\
        Mk12ANFBxNIRvfx7xXzajURRDffLYNnZ0nA988qxUGXiScK6vpDY11WV6TYv68pF\n\
        Akst+CjjPl68OhRie9HBu1+XgL4TJHPhL7GQa6Y808Ow1fj3ytDZD1fFxID1NDtx\n\
        /jPvAAUrEYZjGcZHiiHw6UQLoQ/HWA5lzQ8p8z/e2t8cptQlJCCDOTwktAoCx4Fa\n\
        C6qCKWUQoYBDnQOCAQYAAoIBAQCs7Nq2EvmTU1tsyChC1xvO/qMFn5TG8OVrYde6\n\
        sO8BNSWYi37RN/UDi4kveBSWbCYHTEwhpOauS/4qvIplgUnnggLjmUlxi91g7OAU\n\
        6to7llxPRU/dJjrZMRVfwugdsyc5RAVRlUYCHjTAklO6vHGCdbvYJNQ+l5nXywHb\n\
        Js8Ku26S/e89TpCCfKYSEH/KT0HRT07xb/vFR2XEuJO7o6FKxeLPoa/q2pLL7nAx\n\
        G8RKyMvytavFIUDY1WZA78xEWvr2w8Howxd/uC9ifQxk5KpXA1nEeyR318NlpN93\n\
        Hd/9y2nWmvS9Y1ZMKi63RR69KzB1YLDRYibU563r1JYyyHtYo1MwUTAdBgNVHQ4E\n\
        FgQU0crTZCgGUlH2pApa/yiOsNT0z9IwHwYDVR0jBBgwFoAU0crTZCgGUlH2pApa\n\
        /yiOsNT0z9IwDwYDVR0TAQH/BAUwAwEB/zALBglghkgBZQMEAwIDPwAwPAIccp9i\n\
        JEt4YRP/OMBUfJh+NeDIj3KE3yaaXwzb/AIcT+IhcdOEj9DFDdd6GMNxJn/srFZU\n\
        Qufz3pIvEw==\n\
        -----END CERTIFICATE-----";
    const SERVER_ECDSA_SPKI_PEM: &str = "\
        -----BEGIN PUBLIC KEY-----\n\
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEAYP7nX9jyz4oCF6sjnTMB94ncdLc\n\
        yMTzgWBVdNbVm31S4XUtyupGTyhtngnuNMTRUSI5lKEG4ePeDrpC4EowbA==\n\
        -----END PUBLIC KEY-----";
    const ED_SPKI_PEM: &str = "\
        -----BEGIN PUBLIC KEY-----\n\
        MCowBQYDK2VwAyEAGEwZnHQ/MhyQI1s4WmR1IlULB0SZzbGHi+owHYHGVrs=\n\
        -----END PUBLIC KEY-----";

    fn der(pem: &str) -> Vec<u8> {
        let (rest, pem) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).expect("valid PEM");
        assert!(rest.is_empty());
        pem.contents
    }

    fn hex_upper(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02X}")).collect()
    }

    /// Offsets (start, header length, content length) from `openssl asn1parse`.
    struct Layout {
        outer: (usize, usize),
        tbs: (usize, usize),
        issuer: (usize, usize, usize),
        subject: (usize, usize, usize),
        spki: (usize, usize, usize),
    }

    /// Checks every raw span against the asn1parse layout, and independently that the TBS
    /// plus signatureAlgorithm plus signatureValue BIT STRING fill the outer SEQUENCE.
    fn check_spans(der: &[u8], s: &CertificateSummary, l: &Layout) {
        assert_eq!(der.len(), l.outer.0 + l.outer.1, "whole certificate");
        assert_eq!(s.tbs_der_range, l.outer.0..l.outer.0 + l.tbs.0 + l.tbs.1);
        let span = |(at, hl, len): (usize, usize, usize)| &der[at..at + hl + len];
        assert_eq!(s.issuer_der, span(l.issuer));
        assert_eq!(s.subject_der, span(l.subject));
        assert_eq!(s.spki_der, span(l.spki));

        let tbs = &der[s.tbs_der_range.clone()];
        assert_eq!(tbs[0], 0x30);
        let rest = &der[s.tbs_der_range.end..];
        let alg = read_tlv(rest, "alg").unwrap();
        assert_eq!(alg.tag, 0x30);
        let sig = read_tlv(&rest[alg.total_len()..], "sig").unwrap();
        assert_eq!(sig.tag, 0x03);
        assert_eq!(
            s.tbs_der_range.end + alg.total_len() + sig.total_len(),
            der.len(),
            "TBS + signatureAlgorithm + signatureValue fill the certificate"
        );
        assert_eq!(sig.content[0], 0, "no unused bits");
        assert_eq!(s.signature_value, &sig.content[1..]);
    }

    fn rsa_parts(key: &PublicKeyInfo) -> (u32, &[u8], &[u8]) {
        match key {
            PublicKeyInfo::Rsa { bits, modulus, exponent } | PublicKeyInfo::RsaPss { bits, modulus, exponent } => {
                (*bits, modulus, exponent)
            }
            other => panic!("not RSA: {other:?}"),
        }
    }

    fn check_rsa_modulus(key: &PublicKeyInfo, bits: u32, head: &str, tail: &str) {
        let (b, modulus, exponent) = rsa_parts(key);
        assert_eq!(b, bits);
        assert_eq!(modulus.len() * 8, bits as usize);
        let hex = hex_upper(modulus);
        assert!(hex.starts_with(head) && hex.ends_with(tail), "{hex}");
        assert_eq!(exponent, [0x01, 0x00, 0x01]);
    }

    // Seed PKI validity (openssl: Nov 26 23:06:32 2026 GMT / Nov 23 23:06:32 2036 GMT).
    const SEED_NOT_BEFORE: i64 = 1_795_734_392;
    const SEED_NOT_AFTER: i64 = 2_111_094_392;

    #[test]
    fn seed_root_ca() {
        let der = der(CA_PEM);
        let s = summarize(&der).unwrap();
        assert_eq!(s.subject, "CN=Bench Root CA, O=Bench");
        assert_eq!(s.issuer, "CN=Bench Root CA, O=Bench");
        assert_eq!(s.serial_hex, "72A5B5195E3D5AF019BF4D60D5CA78436D700D17");
        assert_eq!((s.not_before, s.not_after), (SEED_NOT_BEFORE, SEED_NOT_AFTER));
        assert_eq!(s.signature_algorithm, SignatureAlgorithm::RsaPkcs1 { hash: Hash::Sha256 });
        assert_eq!(s.signature_algorithm.to_string(), "sha256WithRSAEncryption");
        check_rsa_modulus(&s.public_key, 2048, "C6B433387F43455D497499", "234628ECE1B3");
        assert_eq!(s.public_key.to_string(), "RSA 2048 bits");
        assert_eq!((s.is_ca, s.path_len), (Some(true), None));
        assert_eq!((s.key_usage.clone(), s.extended_key_usage.clone()), (None, None));
        assert!(s.subject_alt_names.is_empty());
        assert!(s.self_issued);
        assert_eq!(s.version, 3);
        assert_eq!(s.signature_value.len(), 256);
        check_spans(
            &der,
            &s,
            &Layout { outer: (4, 817), tbs: (4, 537), issuer: (50, 2, 40), subject: (124, 2, 40), spki: (166, 4, 290) },
        );
    }

    #[test]
    fn seed_server_rsa_leaf() {
        let der = der(SERVER_RSA_PEM);
        let s = summarize(&der).unwrap();
        assert_eq!(s.subject, "CN=server-rsa, O=Bench");
        assert_eq!(s.issuer, "CN=Bench Root CA, O=Bench");
        assert_eq!(s.serial_hex, "13C0B6B90E634C18DA717DD2ED3BAADA8C2743EB");
        assert_eq!((s.not_before, s.not_after), (SEED_NOT_BEFORE, SEED_NOT_AFTER));
        assert_eq!(s.signature_algorithm.to_string(), "sha256WithRSAEncryption");
        check_rsa_modulus(&s.public_key, 2048, "9EED7D2F58D083EC626642", "FE9C409A4A93");
        assert_eq!(s.subject_alt_names, ["DNS:bench.example"]);
        assert_eq!(s.extended_key_usage, Some(vec!["serverAuth".to_string()]));
        assert_eq!(s.key_usage, None);
        assert_eq!((s.is_ca, s.path_len), (Some(false), None));
        assert!(!s.self_issued);
        // The leaf's issuer is byte-identical to the CA's subject (CertificateRequest
        // matching and chain building rely on it).
        let ca = summarize(&super::tests::der(CA_PEM)).unwrap();
        assert_eq!(s.issuer_der, ca.subject_der);
        assert_ne!(s.subject_der, ca.subject_der);
        check_spans(
            &der,
            &s,
            &Layout { outer: (4, 855), tbs: (4, 575), issuer: (50, 2, 40), subject: (124, 2, 37), spki: (163, 4, 290) },
        );
        let fields = s.fields();
        let expected: Vec<(String, String)> = [
            ("version", "3"),
            ("serial", "13C0B6B90E634C18DA717DD2ED3BAADA8C2743EB"),
            ("subject", "CN=server-rsa, O=Bench"),
            ("issuer", "CN=Bench Root CA, O=Bench"),
            ("not before", "2026-11-26 23:06:32 UTC"),
            ("not after", "2036-11-23 23:06:32 UTC"),
            ("public key", "RSA 2048 bits"),
            ("signature algorithm", "sha256WithRSAEncryption"),
            ("subject alt names", "DNS:bench.example"),
            ("extended key usage", "serverAuth"),
            ("basic constraints", "CA:FALSE"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(fields, expected);
    }

    #[test]
    fn seed_server_ecdsa_leaf() {
        let der = der(SERVER_ECDSA_PEM);
        let s = summarize(&der).unwrap();
        assert_eq!(s.subject, "CN=server-ecdsa, O=Bench");
        assert_eq!(s.issuer, "CN=Bench Root CA, O=Bench");
        assert_eq!(s.serial_hex, "13C0B6B90E634C18DA717DD2ED3BAADA8C2743EC");
        assert_eq!((s.not_before, s.not_after), (SEED_NOT_BEFORE, SEED_NOT_AFTER));
        assert_eq!(s.signature_algorithm.to_string(), "sha256WithRSAEncryption");
        assert_eq!(s.public_key.to_string(), "EC P-256");
        match &s.public_key {
            PublicKeyInfo::Ec { curve, point } => {
                assert_eq!(*curve, Curve::P256);
                assert_eq!(point.len(), 65);
                assert_eq!(point[..6], [0x04, 0x01, 0x83, 0xfb, 0x9d, 0x7f]);
                assert_eq!(point[61..], [0xe0, 0x4a, 0x30, 0x6c]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.public_key.bits(), Some(256));
        assert_eq!(s.spki_der, super::tests::der(SERVER_ECDSA_SPKI_PEM));
        assert_eq!(s.subject_alt_names, ["DNS:bench.example"]);
        assert_eq!(s.extended_key_usage, Some(vec!["serverAuth".to_string()]));
        assert_eq!(s.is_ca, Some(false));
        check_spans(
            &der,
            &s,
            &Layout { outer: (4, 654), tbs: (4, 374), issuer: (50, 2, 40), subject: (124, 2, 39), spki: (165, 2, 89) },
        );
    }

    #[test]
    fn seed_rogue_ca_and_client() {
        let ca_der = der(ROGUE_PEM);
        let ca = summarize(&ca_der).unwrap();
        assert_eq!(ca.subject, "CN=Rogue CA, O=Bench");
        assert_eq!(ca.serial_hex, "5D7F060DCFA0BCFA3725D8B55FD673CDE1F6ACF9");
        assert_eq!(ca.signature_algorithm, SignatureAlgorithm::Ecdsa { hash: Hash::Sha256 });
        assert_eq!(ca.public_key.to_string(), "EC P-256");
        assert_eq!(ca.is_ca, Some(true));
        assert!(ca.self_issued);
        check_spans(
            &ca_der,
            &ca,
            &Layout { outer: (4, 412), tbs: (4, 321), issuer: (47, 2, 35), subject: (116, 2, 35), spki: (153, 2, 89) },
        );

        let der = der(CLIENT_ROGUE_PEM);
        let s = summarize(&der).unwrap();
        assert_eq!(s.subject, "CN=client-rogue, O=Bench");
        assert_eq!(s.issuer, "CN=Rogue CA, O=Bench");
        assert_eq!(s.serial_hex, "03E57EC7649FF2F7E2B49F22789072D7E637981F");
        assert_eq!((s.not_before, s.not_after), (SEED_NOT_BEFORE + 1, SEED_NOT_AFTER + 1));
        assert_eq!(s.signature_algorithm.to_string(), "ecdsa-with-SHA256");
        assert_eq!(s.signature_algorithm.hash(), Some(Hash::Sha256));
        // ECDSA signature values are DER SEQUENCE { r, s }.
        assert_eq!(s.signature_value[0], 0x30);
        check_rsa_modulus(&s.public_key, 2048, "93C8A3BD21B96CFA9DA7A8", "16E0EA6390C1");
        assert_eq!(s.extended_key_usage, Some(vec!["clientAuth".to_string()]));
        assert!(s.subject_alt_names.is_empty());
        assert_eq!(s.issuer_der, ca.subject_der);
        check_spans(
            &der,
            &s,
            &Layout { outer: (4, 633), tbs: (4, 543), issuer: (47, 2, 35), subject: (116, 2, 39), spki: (157, 4, 290) },
        );
    }

    #[test]
    fn ed25519_ca_with_every_san_kind() {
        let der = der(ED_PEM);
        let s = summarize(&der).unwrap();
        // openssl RFC2253: CN=ed.example,OU=T\C3\A9st\+Ops,O=Foo\, Inc.,C=DE
        assert_eq!(s.subject, r"CN=ed.example, OU=Tést\+Ops, O=Foo\, Inc., C=DE");
        assert_eq!(s.issuer, s.subject);
        assert!(s.self_issued);
        assert_eq!(s.serial_hex, "FF01"); // DER 00 FF 01
        assert_eq!((s.not_before, s.not_after), (1_795_737_765, 2_111_097_765));
        assert_eq!(s.signature_algorithm, SignatureAlgorithm::Ed25519);
        assert_eq!(s.signature_algorithm.to_string(), "ED25519");
        assert_eq!(s.signature_algorithm.hash(), None);
        assert_eq!(s.signature_value.len(), 64);
        assert_eq!(s.signature_value[..4], [0x84, 0x02, 0x01, 0x7d]);
        match &s.public_key {
            PublicKeyInfo::Ed25519(k) => {
                assert_eq!(k.len(), 32);
                assert_eq!(k[..4], [0x18, 0x4c, 0x19, 0x9c]);
                assert_eq!(k[30..], [0x56, 0xbb]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.public_key.to_string(), "Ed25519");
        assert_eq!(s.spki_der, super::tests::der(ED_SPKI_PEM));
        assert_eq!(
            s.subject_alt_names,
            [
                "DNS:ed.example",
                "DNS:*.ed.example",
                "IP:192.0.2.7",
                "IP:2001:db8::1",
                "email:admin@ed.example",
                "URI:https://ed.example/x",
            ]
        );
        assert_eq!(s.key_usage, Some(vec!["digitalSignature", "keyCertSign", "cRLSign"]));
        assert_eq!(
            s.extended_key_usage,
            Some(vec!["serverAuth".to_string(), "clientAuth".to_string(), "1.2.3.4.5".to_string()])
        );
        assert_eq!((s.is_ca, s.path_len), (Some(true), Some(2)));
        let fields = s.fields();
        let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("basic constraints"), Some("CA:TRUE, pathlen:2"));
        assert_eq!(get("key usage"), Some("digitalSignature, keyCertSign, cRLSign"));
        assert_eq!(get("self-issued"), Some("yes"));
        check_spans(
            &der,
            &s,
            &Layout { outer: (4, 534), tbs: (4, 456), issuer: (25, 2, 74), subject: (133, 2, 74), spki: (209, 2, 42) },
        );
    }

    #[test]
    fn rsa_key_signed_with_rsassa_pss_sha384() {
        let der = der(PSS_PEM);
        let s = summarize(&der).unwrap();
        assert_eq!(s.subject, "CN=pss.example");
        assert_eq!(s.serial_hex, "07");
        assert_eq!((s.not_before, s.not_after), (1_795_737_766, 1_798_329_766));
        assert_eq!(s.signature_algorithm, SignatureAlgorithm::RsaPss { hash: Some(Hash::Sha384) });
        assert_eq!(s.signature_algorithm.to_string(), "RSASSA-PSS");
        assert!(matches!(s.public_key, PublicKeyInfo::Rsa { .. }));
        check_rsa_modulus(&s.public_key, 3072, "CA17A5B6F65793269C44E3", "7A879F659A93");
        assert_eq!(s.public_key.to_string(), "RSA 3072 bits");
        assert_eq!(s.signature_value.len(), 384);
        assert_eq!(s.key_usage, Some(vec!["digitalSignature", "keyEncipherment"]));
        assert_eq!(s.extended_key_usage, None);
        assert_eq!((s.is_ca, s.path_len), (None, None));
        assert_eq!(s.subject_alt_names, ["DNS:pss.example"]);
        let fields = s.fields();
        assert!(fields.contains(&("signature algorithm".to_string(), "RSASSA-PSS (SHA384)".to_string())));
        assert!(!fields.iter().any(|(k, _)| k == "basic constraints"));
        check_spans(
            &der,
            &s,
            &Layout {
                outer: (4, 1109),
                tbs: (4, 649),
                issuer: (83, 2, 22),
                subject: (139, 2, 22),
                spki: (163, 4, 418),
            },
        );
    }

    #[test]
    fn rsa_pss_key() {
        let der = der(RPSS_PEM);
        let s = summarize(&der).unwrap();
        assert_eq!(s.subject, "CN=rsapss-key.example");
        assert_eq!(s.serial_hex, "01");
        assert!(matches!(s.public_key, PublicKeyInfo::RsaPss { .. }));
        check_rsa_modulus(&s.public_key, 2048, "B8DEAC018AA3BA92918F93", "97BE18B4E127");
        assert_eq!(s.public_key.to_string(), "RSA-PSS 2048 bits");
        assert_eq!(s.signature_algorithm, SignatureAlgorithm::RsaPss { hash: Some(Hash::Sha256) });
        check_spans(
            &der,
            &s,
            &Layout { outer: (4, 880), tbs: (4, 547), issuer: (84, 2, 29), subject: (147, 2, 29), spki: (178, 4, 288) },
        );
    }

    #[test]
    fn p384_generalized_time_and_rfc4514_escapes() {
        let der = der(P384_PEM);
        let s = summarize(&der).unwrap();
        // openssl RFC2253: CN=\#p384 \<a\>\;b\ ,DC=example,DC=com
        assert_eq!(s.subject, r"CN=\#p384 \<a\>\;b\ , DC=example, DC=com");
        assert_eq!(s.serial_hex, "80"); // DER 00 80
                                        // notAfter 2136 is a GeneralizedTime.
        assert_eq!((s.not_before, s.not_after), (1_795_737_780, 5_251_737_780));
        assert_eq!(format_unix_utc(s.not_after), "2136-06-03 00:03:00 UTC");
        assert_eq!(s.signature_algorithm.to_string(), "ecdsa-with-SHA384");
        match &s.public_key {
            PublicKeyInfo::Ec { curve, point } => {
                assert_eq!(*curve, Curve::P384);
                assert_eq!((point.len(), point[0]), (97, 0x04));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.public_key.to_string(), "EC P-384");
        assert_eq!(s.key_usage, Some(vec!["digitalSignature", "keyAgreement"]));
        assert_eq!((s.is_ca, s.path_len), (Some(false), None));
        check_spans(
            &der,
            &s,
            &Layout { outer: (4, 535), tbs: (4, 412), issuer: (29, 2, 69), subject: (134, 2, 69), spki: (205, 2, 118) },
        );
    }

    #[test]
    fn dsa_with_sha256() {
        let der = der(DSA_PEM);
        let s = summarize(&der).unwrap();
        assert_eq!(s.subject, "CN=dsa.example");
        assert_eq!(s.serial_hex, "02");
        assert_eq!((s.not_before, s.not_after), (1_795_737_802, 1_795_824_202));
        assert_eq!(s.signature_algorithm, SignatureAlgorithm::Dsa { hash: Hash::Sha256 });
        assert_eq!(s.signature_algorithm.to_string(), "dsa_with_SHA256");
        assert_eq!(s.public_key, PublicKeyInfo::Dsa { bits: 2048 });
        assert_eq!(s.public_key.to_string(), "DSA 2048 bits");
        check_spans(
            &der,
            &s,
            &Layout {
                outer: (4, 1107),
                tbs: (4, 1025),
                issuer: (29, 2, 22),
                subject: (85, 2, 22),
                spki: (109, 4, 835),
            },
        );
    }

    #[test]
    fn utc_formatting() {
        // Values checked with `date -u -d @N`.
        assert_eq!(format_unix_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_unix_utc(-1), "1969-12-31 23:59:59 UTC");
        assert_eq!(format_unix_utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_unix_utc(SEED_NOT_BEFORE), "2026-11-26 23:06:32 UTC");
        assert_eq!(format_unix_utc(253_402_300_799), "9999-12-31 23:59:59 UTC");
        assert_eq!(format_unix_utc(-62_135_596_800), "0001-01-01 00:00:00 UTC");
        // Total over i64.
        let _ = format_unix_utc(i64::MIN);
        let _ = format_unix_utc(i64::MAX);
        // Every day for 400 years round-trips through a simple day counter.
        let (mut y, mut m, mut d) = (1970i64, 1i64, 1i64);
        for days in 0..146_097 {
            assert_eq!(civil_from_days(days), (y, m, d));
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let len = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
            d += 1;
            if d > len[(m - 1) as usize] {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }

    #[test]
    fn name_escaping() {
        assert_eq!(escape_rfc4514("plain"), "plain");
        assert_eq!(escape_rfc4514(" a b "), r"\ a b\ ");
        assert_eq!(escape_rfc4514("#x#"), r"\#x#");
        assert_eq!(escape_rfc4514(r#"a"b\c"#), r#"a\"b\\c"#);
        // Terminal escape sequences cannot get through.
        assert_eq!(escape_rfc4514("\u{1b}[31mred"), r"\1B[31mred");
        assert_eq!(escape_controls("evil\u{7}.example"), r"evil\x07.example");
    }

    #[test]
    fn directory_string_kinds() {
        let any = |tag: u32, data: &'static [u8]| Any::from_tag_and_data(Tag(tag), data);
        // BMPString "Aé", UniversalString "Z", TeletexString Latin-1 "é".
        assert_eq!(directory_string(&any(30, &[0, 0x41, 0, 0xe9])).as_deref(), Some("Aé"));
        assert_eq!(directory_string(&any(28, &[0, 0, 0, 0x5a])).as_deref(), Some("Z"));
        assert_eq!(directory_string(&any(20, &[0xe9])).as_deref(), Some("é"));
        assert_eq!(directory_string(&any(30, &[0, 0x41, 0])), None);
        assert_eq!(directory_string(&any(12, &[0xff])), None);
        // Non-strings fall back to RFC 4514 #hex of the DER.
        assert_eq!(directory_string(&any(2, &[5])), None);
        assert_eq!(reencode(&any(2, &[5])), [0x02, 0x01, 0x05]);
        let long: &'static [u8] = &[0x61; 200];
        assert_eq!(reencode(&any(4, long))[..3], [0x04, 0x81, 200]);
    }

    #[test]
    fn serial_formatting() {
        assert_eq!(serial_hex(&[0x00, 0x80]), "80");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(serial_hex(&[0x01, 0x00]), "0100");
        assert_eq!(serial_hex(&[]), "");
    }

    #[test]
    fn framing_errors() {
        let good = der(ROGUE_PEM);
        assert!(matches!(summarize(&[]), Err(DecodeError::Truncated { .. })));
        assert!(matches!(summarize(&[0x30]), Err(DecodeError::Truncated { .. })));
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(summarize(&trailing), Err(DecodeError::TrailingData { what: WHAT, extra: 1 }));
        let mut wrong_tag = good.clone();
        wrong_tag[0] = 0x31;
        assert!(matches!(summarize(&wrong_tag), Err(DecodeError::Invalid { .. })));
        // Indefinite length (BER, not DER).
        assert!(matches!(summarize(&[0x30, 0x80, 0x30, 0x80, 0, 0, 0, 0]), Err(DecodeError::Invalid { .. })));
        // Inner TBS length one byte longer than the outer content allows.
        let mut bad_tbs = good.clone();
        bad_tbs[7] = bad_tbs[7].wrapping_add(0x80);
        assert!(summarize(&bad_tbs).is_err());
    }

    #[test]
    fn every_truncation_is_an_error() {
        for pem in [ROGUE_PEM, ED_PEM, PSS_PEM] {
            let der = der(pem);
            for len in 0..der.len() {
                assert!(summarize(&der[..len]).is_err(), "prefix of {len} bytes");
            }
        }
    }

    /// Every single-bit flip of a real certificate decodes or fails cleanly; whenever it
    /// decodes, the spans stay inside the input and frame a SEQUENCE.
    #[test]
    fn every_bit_flip_is_total() {
        for pem in [ROGUE_PEM, ED_PEM] {
            let der = der(pem);
            for bit in 0..der.len() * 8 {
                let mut m = der.clone();
                m[bit / 8] ^= 1 << (bit % 8);
                if let Ok(s) = summarize(&m) {
                    assert_eq!(m[s.tbs_der_range.start], 0x30);
                    assert!(s.tbs_der_range.end <= m.len());
                    let _ = s.fields();
                }
            }
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = summarize(&bytes);
        }

        #[test]
        fn mutated_certificates_never_panic(
            which in 0usize..4,
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
            cut in any::<usize>(),
        ) {
            let pem = [ROGUE_PEM, ED_PEM, P384_PEM, DSA_PEM][which];
            let mut der = der(pem);
            for (at, byte) in edits {
                let i = at % der.len();
                der[i] = byte;
            }
            der.truncate(der.len() - cut % 4);
            if let Ok(s) = summarize(&der) {
                prop_assert!(s.tbs_der_range.end <= der.len());
                prop_assert_eq!(der[s.tbs_der_range.start], 0x30);
                let _ = s.fields();
            }
        }
    }
}
