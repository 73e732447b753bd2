//! The verify stage: tlsdoctor re-does the peers' signature checks passively, and when
//! one fails, says why.
//!
//! - [`verify`] checks a signature made with a [`SignatureAlgorithm`] (derived from a
//!   TLS SignatureScheme, the TLS 1.0/1.1 rules, or an X.509 algorithm) by a
//!   [`PublicKey`] (parsed from SubjectPublicKeyInfo DER) over a message given in
//!   parts (handshake transcripts are several slices; nothing is copied to hash them).
//!   Success gives a [`Verified`] proof token that nothing else can build.
//! - [`verify_certificate_signature`] checks that an issuer's key signed a certificate.
//! - Forensics for failures: [`open_rsa`] opens an RSA signature with the public key
//!   and says what is inside, [`pss_diagnose`] checks a PSS encoding's structure, and
//!   [`classify_failure`] turns both into a [`FailureCause`] (wrong key or corrupt,
//!   different transcript, different hash, ...), the `detail.cause` of the
//!   `*-certificate-verify-invalid` findings.
//! - [`weak_algorithm`] names why modern peers refuse an algorithm or key.
//!
//! RustCrypto does the arithmetic (`rsa`, `p256`/`p384`/`p521`, `ed25519-dalek`,
//! `ed448-goldilocks-plus`, `dsa`); `ring` first checks the RSA and P-256/P-384
//! signatures it supports, several times faster, and only its "valid" is taken. Keys and signatures come from hostile captures:
//! every function is total, no input panics.

#![forbid(unsafe_code)]

mod alg;
mod cert;
mod fast;
mod forensics;
mod hash;
mod key;
mod rsa_public;
mod verify;

pub use alg::{weak_algorithm, SignatureAlgorithm};
pub use cert::{certificate_algorithm, verify_certificate_signature, verify_certificate_with_key};
pub use forensics::{classify_failure, open_rsa, pss_diagnose, FailureCause, PssDiagnosis, RsaOpened};
pub use hash::{digest, Hash};
pub use key::{KeyKind, KeyShape, PublicKey, MAX_RSA_BITS};
pub use verify::{verify, Verified, VerifyError};
