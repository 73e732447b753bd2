//! The two digests fingerprints use, as lower-case hex.

use md5::{Digest, Md5};
use sha2::Sha256;

pub(crate) fn md5_hex(text: &str) -> String {
    hex(&Md5::digest(text.as_bytes()))
}

/// JA4's hashes: the first 12 hex digits of SHA-256.
pub(crate) fn sha256_12(text: &str) -> String {
    let mut h = hex(&Sha256::digest(text.as_bytes()));
    h.truncate(12);
    h
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
