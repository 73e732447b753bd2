//! RSA's public operation, `s^e mod n`, by square-and-multiply. Public exponents are
//! small (65537 nearly always, at most 2^33 here): 17 steps, where the `rsa` crate's
//! windowed Montgomery exponentiation spends most of its time building a table it
//! barely uses. Nothing here is secret, so nothing needs to run in constant time.

use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};

/// `s^e mod n` as k bytes (the modulus's length); `None` when the signature is longer
/// than the modulus (after leading zeros) or not below n.
pub(crate) fn open_em(k: &RsaPublicKey, signature: &[u8]) -> Option<Vec<u8>> {
    let size = k.size();
    let first = signature.iter().position(|b| *b != 0).unwrap_or(signature.len());
    let sig = &signature[first..];
    if sig.len() > size {
        return None;
    }
    let s = BigUint::from_bytes_be(sig);
    if s >= *k.n() {
        return None;
    }
    let m = power(&s, k.e(), k.n()).to_bytes_be();
    if m.len() > size {
        return None;
    }
    let mut em = vec![0u8; size - m.len()];
    em.extend_from_slice(&m);
    Some(em)
}

/// RFC 8017 8.2.2: whether `signature` opens to the EMSA-PKCS1-v1_5 encoding of `t`
/// (a DigestInfo, or the bare 36 bytes of TLS 1.0/1.1's MD5+SHA-1). The caller checked
/// the signature's length.
pub(crate) fn pkcs1_verifies(k: &RsaPublicKey, t: &[u8], signature: &[u8]) -> bool {
    let size = k.size();
    // 00 01, at least 8 bytes of FF, 00, T.
    let Some(ff) = size.checked_sub(t.len() + 3).filter(|ff| *ff >= 8) else {
        return false;
    };
    let mut expected = Vec::with_capacity(size);
    expected.extend_from_slice(&[0x00, 0x01]);
    expected.resize(2 + ff, 0xff);
    expected.push(0x00);
    expected.extend_from_slice(t);
    open_em(k, signature).is_some_and(|em| em == expected)
}

/// `base^exponent mod modulus`, left to right over the exponent's bits.
fn power(base: &BigUint, exponent: &BigUint, modulus: &BigUint) -> BigUint {
    let bits = exponent.bits();
    if bits == 0 {
        return BigUint::from(1u8) % modulus;
    }
    let bytes = exponent.to_bytes_le();
    let bit = |i: usize| bytes[i / 8] >> (i % 8) & 1 == 1;
    let mut acc = base % modulus;
    for i in (0..bits - 1).rev() {
        acc = &acc * &acc % modulus;
        if bit(i) {
            acc = &acc * base % modulus;
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn power_is_the_crates_modpow(base in any::<u64>(), exponent in any::<u32>(), modulus in 1u64..) {
            let (b, e, m) = (BigUint::from(base), BigUint::from(exponent), BigUint::from(modulus));
            prop_assert_eq!(power(&b, &e, &m), b.modpow(&e, &m));
        }
    }
}
