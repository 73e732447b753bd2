//! RSA's public operation, `s^e mod n`, by square-and-multiply in Montgomery form.
//! Public exponents are small (65537 nearly always, at most 2^33 here): 17 steps, where
//! the `rsa` crate's windowed exponentiation spends most of its time building a table it
//! barely uses, and its Montgomery multiplication allocates at every word. Nothing here is
//! secret, so nothing needs to run in constant time.

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

/// `base^exponent mod modulus`, left to right over the exponent's bits, in Montgomery
/// form for an odd modulus (every RSA modulus), else by division.
fn power(base: &BigUint, exponent: &BigUint, modulus: &BigUint) -> BigUint {
    let bits = exponent.bits();
    let bytes = exponent.to_bytes_le();
    let bit = |i: usize| bytes[i / 8] >> (i % 8) & 1 == 1;
    let base = base % modulus;
    if bits == 0 {
        return BigUint::from(1u8) % modulus;
    }
    let Some(mont) = Montgomery::new(modulus) else {
        let mut acc = base.clone();
        for i in (0..bits - 1).rev() {
            acc = &acc * &acc % modulus;
            if bit(i) {
                acc = &acc * &base % modulus;
            }
        }
        return acc;
    };
    let x = mont.to_form(&base);
    let mut acc = x.clone();
    for i in (0..bits - 1).rev() {
        acc = mont.mul(&acc, &acc);
        if bit(i) {
            acc = mont.mul(&acc, &x);
        }
    }
    let mut one = vec![0u64; mont.n.len()];
    one[0] = 1;
    from_limbs(&mont.mul(&acc, &one))
}

/// Multiplication modulo an odd `n` in Montgomery form (`a·R mod n`, R = 2^(64·limbs)),
/// by coarsely integrated operand scanning (Koç, Acar and Kaliski, 1996).
struct Montgomery {
    n: Vec<u64>,
    /// `-n^-1 mod 2^64`.
    n0_inv: u64,
    /// `R^2 mod n`, to enter the form.
    r2: Vec<u64>,
}

impl Montgomery {
    fn new(modulus: &BigUint) -> Option<Montgomery> {
        let n = limbs(modulus, 0);
        if n[0] & 1 == 0 {
            return None;
        }
        // Newton's iteration doubles the correct low bits of the inverse each step.
        let mut inv: u64 = 1;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(n[0].wrapping_mul(inv)));
        }
        let r2 = (BigUint::from(1u8) << (128 * n.len())) % modulus;
        Some(Montgomery { r2: limbs(&r2, n.len()), n0_inv: inv.wrapping_neg(), n })
    }

    fn to_form(&self, a: &BigUint) -> Vec<u64> {
        self.mul(&limbs(a, self.n.len()), &self.r2)
    }

    /// `a·b·R^-1 mod n`, for `a` and `b` below n.
    fn mul(&self, a: &[u64], b: &[u64]) -> Vec<u64> {
        let k = self.n.len();
        let mut t = vec![0u64; k + 2];
        for &bi in b {
            let mut carry = 0u64;
            for j in 0..k {
                (t[j], carry) = mul_add(a[j], bi, t[j], carry);
            }
            let (sum, over) = t[k].overflowing_add(carry);
            t[k] = sum;
            t[k + 1] = u64::from(over);
            let m = t[0].wrapping_mul(self.n0_inv);
            let (_, mut carry) = mul_add(m, self.n[0], t[0], 0);
            for j in 1..k {
                (t[j - 1], carry) = mul_add(m, self.n[j], t[j], carry);
            }
            let (sum, over) = t[k].overflowing_add(carry);
            t[k - 1] = sum;
            t[k] = t[k + 1] + u64::from(over);
        }
        // t < 2n: one subtraction at most.
        if t[k] != 0 || !less(&t[..k], &self.n) {
            let mut borrow = false;
            for (word, n) in t.iter_mut().zip(&self.n) {
                let (d, b1) = word.overflowing_sub(*n);
                let (d, b2) = d.overflowing_sub(u64::from(borrow));
                *word = d;
                borrow = b1 || b2;
            }
        }
        t.truncate(k);
        t
    }
}

/// `a·b + c + carry` as (low, high) words.
fn mul_add(a: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
    let wide = u128::from(a) * u128::from(b) + u128::from(c) + u128::from(carry);
    (wide as u64, (wide >> 64) as u64)
}

/// Whether `a < b`, both of the same number of limbs, least significant first.
fn less(a: &[u64], b: &[u64]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// The 64-bit limbs of `x`, least significant first, at least `len` of them.
fn limbs(x: &BigUint, len: usize) -> Vec<u64> {
    let bytes = x.to_bytes_le();
    let mut out: Vec<u64> = bytes
        .chunks(8)
        .map(|chunk| {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            u64::from_le_bytes(word)
        })
        .collect();
    if out.len() < len {
        out.resize(len, 0);
    }
    out
}

fn from_limbs(limbs: &[u64]) -> BigUint {
    let bytes: Vec<u8> = limbs.iter().flat_map(|l| l.to_le_bytes()).collect();
    BigUint::from_bytes_le(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn power_is_the_crates_modpow(
            base in proptest::collection::vec(any::<u8>(), 0..300),
            exponent in any::<u64>(),
            modulus in proptest::collection::vec(any::<u8>(), 1..300),
        ) {
            let (b, e, m) = (BigUint::from_bytes_be(&base), BigUint::from(exponent), BigUint::from_bytes_be(&modulus));
            prop_assume!(m > BigUint::from(0u8));
            prop_assert_eq!(power(&b, &e, &m), b.modpow(&e, &m));
        }
    }
}
