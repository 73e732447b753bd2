//! Real signatures made by OpenSSL (tests/data/make.sh): they verify, and stop
//! verifying when one byte of the signature or the message changes.

use tlsdoctor_tls::registry::SignatureScheme;
use tlsdoctor_verify::{verify, weak_algorithm, Hash, KeyKind, PublicKey, SignatureAlgorithm, VerifyError};

const MSG: &[u8] = include_bytes!("data/msg.bin");

macro_rules! data {
    ($f:literal) => {
        include_bytes!(concat!("data/", $f)).as_slice()
    };
}

fn key(der: &[u8]) -> PublicKey {
    PublicKey::from_spki_der(der).expect("fixture key parses")
}

/// Verifies; fails with one signature byte flipped (at three places); fails with one
/// message byte flipped; verifies with the message split in parts.
fn check(key: &PublicKey, alg: SignatureAlgorithm, sig: &[u8]) {
    verify(key, alg, &[MSG], sig).unwrap_or_else(|e| panic!("{alg} with {key}: {e}"));
    let (head, tail) = MSG.split_at(17);
    verify(key, alg, &[head, &[], tail], sig).expect("parts hash like the whole");
    for at in [0, sig.len() / 2, sig.len() - 1] {
        let mut bad = sig.to_vec();
        bad[at] ^= 0x01;
        assert!(verify(key, alg, &[MSG], &bad).is_err(), "{alg}: flipped signature byte {at} still verifies");
    }
    let mut msg = MSG.to_vec();
    msg[5] ^= 0x20;
    assert_eq!(verify(key, alg, &[&msg], sig), Err(VerifyError::Invalid), "{alg}: flipped message byte still verifies");
}

#[test]
fn rsa_pkcs1() {
    let k = key(data!("rsa2048.spki.der"));
    assert_eq!(k.kind(), KeyKind::Rsa);
    assert_eq!(k.bits(), 2048);
    assert_eq!(k.describe(), "RSA 2048 bits");
    check(&k, SignatureAlgorithm::RsaPkcs1(Hash::Sha1), data!("rsa2048-pkcs1-sha1.sig"));
    check(&k, SignatureAlgorithm::RsaPkcs1(Hash::Sha256), data!("rsa2048-pkcs1-sha256.sig"));
    check(&k, SignatureAlgorithm::RsaPkcs1(Hash::Sha384), data!("rsa2048-pkcs1-sha384.sig"));
    check(&k, SignatureAlgorithm::RsaPkcs1(Hash::Sha512), data!("rsa2048-pkcs1-sha512.sig"));
    // The hash is part of the check.
    assert_eq!(
        verify(&k, SignatureAlgorithm::RsaPkcs1(Hash::Sha256), &[MSG], data!("rsa2048-pkcs1-sha1.sig")),
        Err(VerifyError::Invalid)
    );
}

#[test]
fn rsa_md5_sha1_tls10() {
    let k = key(data!("rsa2048.spki.der"));
    let alg = SignatureAlgorithm::tls10_for_key(&k).unwrap();
    assert_eq!(alg, SignatureAlgorithm::RsaPkcs1(Hash::Md5Sha1));
    check(&k, alg, data!("rsa2048-md5sha1.sig"));
}

#[test]
fn rsa_pss() {
    let k = key(data!("rsa2048.spki.der"));
    let alg = SignatureAlgorithm::from_scheme(SignatureScheme::RSA_PSS_RSAE_SHA256).unwrap();
    check(&k, alg, data!("rsa2048-pss-sha256.sig"));
    check(&k, SignatureAlgorithm::rsa_pss(Hash::Sha384), data!("rsa2048-pss-sha384.sig"));
    // TLS requires salt = hash length; another salt length does not verify.
    let other_salt = SignatureAlgorithm::RsaPss { hash: Hash::Sha256, salt_len: 20 };
    assert_eq!(verify(&k, other_salt, &[MSG], data!("rsa2048-pss-sha256.sig")), Err(VerifyError::Invalid));
    // A PSS signature is not a PKCS#1 one.
    assert_eq!(
        verify(&k, SignatureAlgorithm::RsaPkcs1(Hash::Sha256), &[MSG], data!("rsa2048-pss-sha256.sig")),
        Err(VerifyError::Invalid)
    );
}

#[test]
fn rsa_signature_length_must_match_modulus() {
    let k = key(data!("rsa2048.spki.der"));
    let sig = data!("rsa2048-pkcs1-sha256.sig");
    let alg = SignatureAlgorithm::RsaPkcs1(Hash::Sha256);
    let mut long = vec![0u8];
    long.extend_from_slice(sig);
    assert_eq!(verify(&k, alg, &[MSG], &long), Err(VerifyError::Invalid));
    // Shorter: invalid, unless it is the same value with a leading zero dropped
    // (OpenSSL accepts that): then malformed, saying why.
    assert_eq!(verify(&k, alg, &[MSG], &sig[1..]), Err(VerifyError::Invalid));
    let lead0 = data!("rsa2048-pss-sha256-lead0.sig");
    let pss = SignatureAlgorithm::rsa_pss(Hash::Sha256);
    check(&k, pss, lead0);
    match verify(&k, pss, &[MSG], &lead0[1..]) {
        Err(VerifyError::Malformed(why)) => assert!(why.contains("left-padded"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(verify(&k, alg, &[MSG], &[]), Err(VerifyError::Invalid));
    // A representative not below n.
    assert_eq!(verify(&k, alg, &[MSG], &[0xff; 256]), Err(VerifyError::Invalid));
}

#[test]
fn ecdsa() {
    let p256 = key(data!("p256.spki.der"));
    let p384 = key(data!("p384.spki.der"));
    let p521 = key(data!("p521.spki.der"));
    assert_eq!(p256.describe(), "EC P-256");
    assert_eq!(p384.kind(), KeyKind::EcP384);
    assert_eq!(p521.bits(), 521);
    let scheme = |s| SignatureAlgorithm::from_scheme(s).unwrap();
    check(&p256, scheme(SignatureScheme::ECDSA_SECP256R1_SHA256), data!("p256-sha256.sig"));
    check(&p256, SignatureAlgorithm::Ecdsa(Hash::Sha384), data!("p256-sha384.sig"));
    check(&p384, scheme(SignatureScheme::ECDSA_SECP384R1_SHA384), data!("p384-sha384.sig"));
    check(&p521, scheme(SignatureScheme::ECDSA_SECP521R1_SHA512), data!("p521-sha512.sig"));
    // TLS 1.0/1.1: SHA-1 on the big curves (shorter than half the field).
    let tls10 = SignatureAlgorithm::tls10_for_key(&p384).unwrap();
    assert_eq!(tls10, SignatureAlgorithm::Ecdsa(Hash::Sha1));
    check(&p384, tls10, data!("p384-sha1.sig"));
    check(&p521, tls10, data!("p521-sha1.sig"));
    // Not DER.
    assert!(matches!(verify(&p256, tls10, &[MSG], &[0x30, 0x03, 0x02, 0x01]), Err(VerifyError::Malformed(_))));
}

#[test]
fn eddsa() {
    let ed25519 = key(data!("ed25519.spki.der"));
    assert_eq!(ed25519.describe(), "Ed25519");
    check(&ed25519, SignatureAlgorithm::Ed25519, data!("ed25519.sig"));
    let ed448 = key(data!("ed448.spki.der"));
    assert_eq!(ed448.describe(), "Ed448");
    check(&ed448, SignatureAlgorithm::Ed448, data!("ed448.sig"));
    assert!(matches!(verify(&ed448, SignatureAlgorithm::Ed448, &[MSG], &[0; 113]), Err(VerifyError::Malformed(_))));
    assert!(matches!(verify(&ed25519, SignatureAlgorithm::Ed25519, &[MSG], &[0; 63]), Err(VerifyError::Malformed(_))));
    assert_eq!(SignatureAlgorithm::tls10_for_key(&ed25519), None);
}

#[test]
fn dsa() {
    let k = key(data!("dsa2048.spki.der"));
    assert_eq!(k.describe(), "DSA 2048 bits");
    check(&k, SignatureAlgorithm::Dsa(Hash::Sha256), data!("dsa2048-sha256.sig"));
    let tls10 = SignatureAlgorithm::tls10_for_key(&k).unwrap();
    check(&k, tls10, data!("dsa2048-sha1.sig"));
}

#[test]
fn key_and_algorithm_must_fit() {
    let rsa = key(data!("rsa2048.spki.der"));
    let ec = key(data!("p256.spki.der"));
    for (k, alg, sig) in [
        (&rsa, SignatureAlgorithm::Ecdsa(Hash::Sha256), data!("p256-sha256.sig")),
        (&ec, SignatureAlgorithm::RsaPkcs1(Hash::Sha256), data!("rsa2048-pkcs1-sha256.sig")),
        (&ec, SignatureAlgorithm::Ed25519, data!("ed25519.sig")),
    ] {
        assert!(matches!(verify(k, alg, &[MSG], sig), Err(VerifyError::KeyMismatch { .. })), "{alg} with {k}");
    }
}

#[test]
fn unsupported_keys() {
    // secp256k1 SPKI (a valid point does not matter: the curve is refused first).
    let mut k1 = vec![
        0x30, 0x56, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04,
        0x00, 0x0a, 0x03, 0x42, 0x00, 0x04,
    ];
    k1.extend_from_slice(&[1; 64]);
    assert!(matches!(PublicKey::from_spki_der(&k1), Err(VerifyError::KeyUnsupported(_))));
    assert!(matches!(PublicKey::from_spki_der(b"\x30\x00"), Err(VerifyError::Malformed(_))));
    let mut trailing = data!("p256.spki.der").to_vec();
    trailing.push(0);
    assert!(PublicKey::from_spki_der(&trailing).is_err());
}

#[test]
fn weak_algorithms() {
    let rsa = key(data!("rsa2048.spki.der"));
    let rsa1024 = key(data!("rsa1024.spki.der"));
    let ec = key(data!("p256.spki.der"));
    let dsa = key(data!("dsa2048.spki.der"));
    use SignatureAlgorithm as A;
    assert_eq!(weak_algorithm(A::RsaPkcs1(Hash::Sha256), &rsa), None);
    assert_eq!(weak_algorithm(A::RsaPkcs1(Hash::Sha1), &rsa), Some("SHA-1"));
    assert_eq!(weak_algorithm(A::RsaPkcs1(Hash::Md5), &rsa), Some("MD5"));
    assert_eq!(weak_algorithm(A::RsaPkcs1(Hash::Md5Sha1), &rsa), Some("MD5+SHA-1"));
    assert_eq!(weak_algorithm(A::RsaPkcs1(Hash::Sha256), &rsa1024), Some("RSA key under 2048 bits"));
    assert_eq!(weak_algorithm(A::Ecdsa(Hash::Sha256), &ec), None);
    assert_eq!(weak_algorithm(A::Ecdsa(Hash::Sha1), &ec), Some("SHA-1"));
    assert_eq!(weak_algorithm(A::Dsa(Hash::Sha256), &dsa), Some("DSA"));
    // The 1024-bit key's signature still verifies: weakness is policy, not math.
    verify(&rsa1024, A::RsaPkcs1(Hash::Sha256), &[MSG], data!("rsa1024-pkcs1-sha256.sig")).unwrap();
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// RFC 8032 7.1 TEST 1..3 (Ed25519) and 7.4 "Blank" (Ed448), wrapped in SPKI.
#[test]
fn rfc8032_vectors() {
    let ed25519 = [
        (
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        ),
        (
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        ),
        (
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
        ),
    ];
    for (pk, msg, sig) in ed25519 {
        let k = key(&unhex(&format!("302a300506032b6570032100{pk}")));
        let (msg, mut sig) = (unhex(msg), unhex(sig));
        verify(&k, SignatureAlgorithm::Ed25519, &[&msg], &sig).unwrap();
        sig[10] ^= 4;
        assert!(verify(&k, SignatureAlgorithm::Ed25519, &[&msg], &sig).is_err());
    }
    let k = key(&unhex(
        "3043300506032b6571033a005fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180",
    ));
    let sig = unhex("533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f2b233f034f628281f2fd7a22ddd47d7828c59bd0a21bfd3980ff0d2028d4b18a9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4dbb61149f05a7363268c71d95808ff2e652600");
    verify(&k, SignatureAlgorithm::Ed448, &[b""], &sig).unwrap();
    assert!(verify(&k, SignatureAlgorithm::Ed448, &[b"x"], &sig).is_err());
}

/// RFC 6979 A.2.5: P-256, SHA-256, messages "sample" and "test" (verify only).
#[test]
fn rfc6979_p256_vectors() {
    let k = key(&unhex(
        "3059301306072a8648ce3d020106082a8648ce3d03010703420004\
         60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6\
         7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299",
    ));
    let der = |r: &str, s: &str| {
        let int = |h: &str| {
            let mut v = unhex(h);
            while v.len() > 1 && v[0] == 0 && v[1] < 0x80 {
                v.remove(0);
            }
            if v[0] >= 0x80 {
                v.insert(0, 0);
            }
            let mut out = vec![0x02, v.len() as u8];
            out.extend(v);
            out
        };
        let body = [int(r), int(s)].concat();
        let mut out = vec![0x30, body.len() as u8];
        out.extend(body);
        out
    };
    let alg = SignatureAlgorithm::Ecdsa(Hash::Sha256);
    let sample = der(
        "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
        "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
    );
    let test = der(
        "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367",
        "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083",
    );
    verify(&k, alg, &[b"sample"], &sample).unwrap();
    verify(&k, alg, &[b"test"], &test).unwrap();
    assert_eq!(verify(&k, alg, &[b"test"], &sample), Err(VerifyError::Invalid));
    assert_eq!(verify(&k, SignatureAlgorithm::Ecdsa(Hash::Sha384), &[b"sample"], &sample), Err(VerifyError::Invalid));
}
