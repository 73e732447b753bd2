//! The two digests fingerprints use, and the hex text they are written in: each digit
//! pushed into one string (a `format!` per byte cost as much as the hashing).

use md5::{Digest, Md5};
use sha2::Sha256;

pub(crate) fn md5_hex(text: &str) -> String {
    hex(&Md5::digest(text.as_bytes()))
}

/// JA4's hashes: the first 12 hex digits of SHA-256.
pub(crate) fn sha256_12(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes())[..6])
}

/// Lower-case hex, two digits a byte.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex(&mut out, bytes);
    out
}

pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
}
