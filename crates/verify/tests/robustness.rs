//! Hostile inputs: keys, signatures, certificates from captures never make the crate
//! panic.

use proptest::prelude::*;
use tlsdoctor_verify::{
    classify_failure, open_rsa, pss_diagnose, verify, verify_certificate_signature, Hash, PublicKey, SignatureAlgorithm,
};

macro_rules! data {
    ($f:literal) => {
        include_bytes!(concat!("data/", $f)).as_slice()
    };
}

const KEYS: [&[u8]; 8] = [
    data!("rsa2048.spki.der"),
    data!("rsa1024.spki.der"),
    data!("p256.spki.der"),
    data!("p384.spki.der"),
    data!("p521.spki.der"),
    data!("ed25519.spki.der"),
    data!("ed448.spki.der"),
    data!("dsa2048.spki.der"),
];

fn algorithms() -> Vec<SignatureAlgorithm> {
    let mut out = vec![SignatureAlgorithm::Ed25519, SignatureAlgorithm::Ed448];
    for h in Hash::ALL {
        out.push(SignatureAlgorithm::RsaPkcs1(h));
        out.push(SignatureAlgorithm::rsa_pss(h));
        out.push(SignatureAlgorithm::RsaPss { hash: h, salt_len: 0 });
        out.push(SignatureAlgorithm::RsaPss { hash: h, salt_len: 1000 });
        out.push(SignatureAlgorithm::Ecdsa(h));
        out.push(SignatureAlgorithm::Dsa(h));
    }
    out
}

/// Every entry point on one key and signature.
fn exercise(key: &PublicKey, sig: &[u8], msg: &[u8]) {
    let _ = key.describe();
    let _ = open_rsa(key, sig);
    let _ = pss_diagnose(key, sig, &[msg]);
    for alg in algorithms() {
        let _ = verify(key, alg, &[msg], sig);
        let _ = tlsdoctor_verify::weak_algorithm(alg, key);
        if alg.fits_key(key) {
            let _ = classify_failure(key, alg, &[msg], sig);
        }
    }
}

fn der_len(len: usize) -> Vec<u8> {
    match len {
        0..=0x7f => vec![len as u8],
        0x80..=0xff => vec![0x81, len as u8],
        _ => vec![0x82, (len >> 8) as u8, len as u8],
    }
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(der_len(content.len()));
    out.extend_from_slice(content);
    out
}

fn der_uint(bytes: &[u8]) -> Vec<u8> {
    let mut v: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    if v.is_empty() || v[0] >= 0x80 {
        v.insert(0, 0);
    }
    tlv(0x02, &v)
}

/// An rsaEncryption SPKI for any n and e.
fn rsa_spki(n: &[u8], e: &[u8]) -> Vec<u8> {
    let alg =
        tlv(0x30, &[&[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01][..], &[0x05, 0x00]].concat());
    let key = tlv(0x30, &[der_uint(n), der_uint(e)].concat());
    let bits = tlv(0x03, &[&[0u8][..], &key].concat());
    tlv(0x30, &[alg, bits].concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_spki_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(key) = PublicKey::from_spki_der(&bytes) {
            exercise(&key, &bytes, b"m");
        }
    }

    #[test]
    fn mutated_real_keys(
        which in 0..KEYS.len(),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        cut in any::<Option<usize>>(),
        sig in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        let mut der = KEYS[which].to_vec();
        for (at, x) in flips {
            let i = at % der.len();
            der[i] ^= x;
        }
        if let Some(c) = cut {
            der.truncate(c % (der.len() + 1));
        }
        if let Ok(key) = PublicKey::from_spki_der(&der) {
            exercise(&key, &sig, b"message");
        }
    }

    #[test]
    fn arbitrary_signatures_on_real_keys(
        which in 0..KEYS.len(),
        sig in proptest::collection::vec(any::<u8>(), 0..600),
        msg in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let key = PublicKey::from_spki_der(KEYS[which]).unwrap();
        exercise(&key, &sig, &msg);
    }

}

proptest! {
    // Fewer cases: each costs real arithmetic.
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// DER SEQUENCE { r, s } with arbitrary integers reaches the ECDSA and DSA
    /// arithmetic (zero, ≥ q, no inverse).
    #[test]
    fn structured_ecdsa_dsa_signatures(
        which in 2..KEYS.len(),
        r in proptest::collection::vec(any::<u8>(), 0..70),
        s in proptest::collection::vec(any::<u8>(), 0..70),
    ) {
        let key = PublicKey::from_spki_der(KEYS[which]).unwrap();
        let sig = tlv(0x30, &[der_uint(&r), der_uint(&s)].concat());
        // The arithmetic is the costly part: one algorithm per key, plus the
        // classifier (which tries the other hashes).
        let alg = [
            SignatureAlgorithm::Ecdsa(Hash::Sha256),
            SignatureAlgorithm::Ecdsa(Hash::Sha1),
            SignatureAlgorithm::Ecdsa(Hash::Sha512),
            SignatureAlgorithm::Ed25519,
            SignatureAlgorithm::Ed448,
            SignatureAlgorithm::Dsa(Hash::Sha256),
        ][which - 2];
        prop_assert!(verify(&key, alg, &[b"message"], &sig).is_err());
        let _ = classify_failure(&key, alg, &[b"message"], &sig);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Tiny and odd RSA moduli: the PSS and PKCS#1 structure checks on short EMs.
    #[test]
    fn small_rsa_keys(
        n in proptest::collection::vec(any::<u8>(), 1..80),
        e in prop_oneof![Just(vec![3u8]), Just(vec![1u8, 0, 1]), proptest::collection::vec(any::<u8>(), 1..6)],
        sig in proptest::collection::vec(any::<u8>(), 0..90),
    ) {
        let mut n = n;
        if let Some(last) = n.last_mut() {
            *last |= 1;
        }
        if let Ok(key) = PublicKey::from_spki_der(&rsa_spki(&n, &e)) {
            exercise(&key, &sig, b"message");
        }
    }

    #[test]
    fn mutated_certificates(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        issuer in 0..KEYS.len(),
    ) {
        let mut cert = data!("certs/leaf-rsa-pss-sha256.der").to_vec();
        for (at, x) in flips {
            let i = at % cert.len();
            cert[i] ^= x;
        }
        let _ = verify_certificate_signature(&cert, KEYS[issuer]);
        let _ = verify_certificate_signature(&cert, &cert);
    }
}
