//! Failed signatures, classified: what opening an RSA signature with the key tells.

use tlsdoctor_verify::{
    classify_failure, open_rsa, pss_diagnose, FailureCause, Hash, PublicKey, RsaOpened, SignatureAlgorithm,
};

const MSG: &[u8] = include_bytes!("data/msg.bin");
const MSG2: &[u8] = include_bytes!("data/msg2.bin");

macro_rules! data {
    ($f:literal) => {
        include_bytes!(concat!("data/", $f)).as_slice()
    };
}

fn rsa() -> PublicKey {
    PublicKey::from_spki_der(data!("rsa2048.spki.der")).unwrap()
}

fn flipped(sig: &[u8]) -> Vec<u8> {
    let mut bad = sig.to_vec();
    bad[100] ^= 0x10;
    bad
}

const PKCS1_SHA256: SignatureAlgorithm = SignatureAlgorithm::RsaPkcs1(Hash::Sha256);

#[test]
fn open_pkcs1_shows_hash_and_digest() {
    let k = rsa();
    for (sig, hash) in [
        (data!("rsa2048-pkcs1-sha1.sig"), Hash::Sha1),
        (data!("rsa2048-pkcs1-sha256.sig"), Hash::Sha256),
        (data!("rsa2048-pkcs1-sha384.sig"), Hash::Sha384),
        (data!("rsa2048-pkcs1-sha512.sig"), Hash::Sha512),
    ] {
        assert_eq!(
            open_rsa(&k, sig),
            Some(RsaOpened::Pkcs1DigestInfo { hash, digest: tlsdoctor_verify::digest(hash, &[MSG]), canonical: true })
        );
    }
    assert_eq!(
        open_rsa(&k, data!("rsa2048-md5sha1.sig")),
        Some(RsaOpened::Pkcs1Raw { data: tlsdoctor_verify::digest(Hash::Md5Sha1, &[MSG]) })
    );
    assert_eq!(
        open_rsa(&k, data!("rsa2048-pss-sha256.sig")),
        Some(RsaOpened::PssEncoded { hash: Hash::Sha256, salt_len: 32 })
    );
    assert_eq!(
        open_rsa(&k, data!("rsa2048-pss-sha384.sig")),
        Some(RsaOpened::PssEncoded { hash: Hash::Sha384, salt_len: 48 })
    );
    assert_eq!(open_rsa(&k, &flipped(data!("rsa2048-pkcs1-sha256.sig"))), Some(RsaOpened::Garbage));
    assert_eq!(open_rsa(&k, data!("rsa2048b-pkcs1-sha256.sig")), Some(RsaOpened::Garbage));
    assert_eq!(open_rsa(&k, &[0xff; 256]), Some(RsaOpened::Garbage));
    assert_eq!(open_rsa(&k, &[0x01; 257]), Some(RsaOpened::Garbage));
    let ec = PublicKey::from_spki_der(data!("p256.spki.der")).unwrap();
    assert_eq!(open_rsa(&ec, data!("p256-sha256.sig")), None);
}

#[test]
fn pkcs1_other_transcript() {
    let cause = classify_failure(&rsa(), PKCS1_SHA256, &[MSG2], data!("rsa2048-pkcs1-sha256.sig"));
    assert_eq!(cause, FailureCause::DifferentTranscript);
    assert_eq!(cause.code(), "different-transcript");
}

#[test]
fn pkcs1_other_hash_same_bytes() {
    let cause = classify_failure(&rsa(), PKCS1_SHA256, &[MSG], data!("rsa2048-pkcs1-sha1.sig"));
    assert_eq!(cause, FailureCause::DifferentHash { used: Hash::Sha1, declared: Hash::Sha256, same_bytes: true });
    assert_eq!(cause.code(), "different-hash");
    assert!(cause.to_string().contains("SHA-1 while declaring SHA-256"), "{cause}");
}

#[test]
fn pkcs1_other_hash_other_bytes() {
    let cause = classify_failure(&rsa(), PKCS1_SHA256, &[MSG2], data!("rsa2048-pkcs1-sha384.sig"));
    assert_eq!(cause, FailureCause::DifferentHash { used: Hash::Sha384, declared: Hash::Sha256, same_bytes: false });
}

#[test]
fn pkcs1_corrupt_or_other_key() {
    let k = rsa();
    let sig = data!("rsa2048-pkcs1-sha256.sig");
    assert_eq!(classify_failure(&k, PKCS1_SHA256, &[MSG], &flipped(sig)), FailureCause::WrongKeyOrCorrupt);
    let cause = classify_failure(&k, PKCS1_SHA256, &[MSG], data!("rsa2048b-pkcs1-sha256.sig"));
    assert_eq!(cause, FailureCause::WrongKeyOrCorrupt);
    assert_eq!(cause.code(), "wrong-key-or-corrupt");
}

#[test]
fn tls12_peer_signing_like_tls11() {
    // Declared rsa_pkcs1_sha256, but the signature is the TLS 1.0/1.1 MD5+SHA-1 form.
    assert_eq!(
        classify_failure(&rsa(), PKCS1_SHA256, &[MSG], data!("rsa2048-md5sha1.sig")),
        FailureCause::DifferentHash { used: Hash::Md5Sha1, declared: Hash::Sha256, same_bytes: true }
    );
    // And the reverse: TLS 1.1 expected, a DigestInfo found.
    assert_eq!(
        classify_failure(&rsa(), SignatureAlgorithm::RsaPkcs1(Hash::Md5Sha1), &[MSG], data!("rsa2048-pkcs1-sha1.sig")),
        FailureCause::DifferentHash { used: Hash::Sha1, declared: Hash::Md5Sha1, same_bytes: true }
    );
    assert_eq!(
        classify_failure(&rsa(), SignatureAlgorithm::RsaPkcs1(Hash::Md5Sha1), &[MSG2], data!("rsa2048-md5sha1.sig")),
        FailureCause::DifferentTranscript
    );
}

#[test]
fn pss_other_transcript() {
    let k = rsa();
    let sig = data!("rsa2048-pss-sha256.sig");
    let d = pss_diagnose(&k, sig, &[MSG2]);
    assert_eq!(d.structure_valid_with, Some(Hash::Sha256));
    assert_eq!(d.salt_len, Some(32));
    assert!(!d.message_matches);
    assert!(pss_diagnose(&k, sig, &[MSG]).message_matches);
    assert_eq!(
        classify_failure(&k, SignatureAlgorithm::rsa_pss(Hash::Sha256), &[MSG2], sig),
        FailureCause::DifferentTranscript
    );
}

#[test]
fn pss_other_hash() {
    let k = rsa();
    let sig = data!("rsa2048-pss-sha384.sig");
    let d = pss_diagnose(&k, sig, &[MSG]);
    assert_eq!(d.structure_valid_with, Some(Hash::Sha384));
    assert!(d.message_matches);
    let declared = SignatureAlgorithm::rsa_pss(Hash::Sha256);
    assert_eq!(
        classify_failure(&k, declared, &[MSG], sig),
        FailureCause::DifferentHash { used: Hash::Sha384, declared: Hash::Sha256, same_bytes: true }
    );
    assert_eq!(
        classify_failure(&k, declared, &[MSG2], sig),
        FailureCause::DifferentHash { used: Hash::Sha384, declared: Hash::Sha256, same_bytes: false }
    );
}

#[test]
fn pss_corrupt_or_other_key() {
    let k = rsa();
    let declared = SignatureAlgorithm::rsa_pss(Hash::Sha256);
    let bad = flipped(data!("rsa2048-pss-sha256.sig"));
    assert_eq!(pss_diagnose(&k, &bad, &[MSG]), Default::default());
    assert_eq!(classify_failure(&k, declared, &[MSG], &bad), FailureCause::WrongKeyOrCorrupt);
    assert_eq!(
        classify_failure(&k, declared, &[MSG], data!("rsa2048b-pss-sha256.sig")),
        FailureCause::WrongKeyOrCorrupt
    );
}

#[test]
fn pss_salt_length_mismatch() {
    let declared = SignatureAlgorithm::RsaPss { hash: Hash::Sha256, salt_len: 20 };
    let cause = classify_failure(&rsa(), declared, &[MSG], data!("rsa2048-pss-sha256.sig"));
    assert_eq!(cause, FailureCause::NonStandardEncoding("its PSS salt is 32 bytes where 20 are expected".to_string()));
}

#[test]
fn padding_swapped() {
    let k = rsa();
    assert_eq!(
        classify_failure(&k, PKCS1_SHA256, &[MSG], data!("rsa2048-pss-sha256.sig")),
        FailureCause::DifferentScheme { used: SignatureAlgorithm::rsa_pss(Hash::Sha256), same_bytes: true }
    );
    assert_eq!(
        classify_failure(&k, SignatureAlgorithm::rsa_pss(Hash::Sha256), &[MSG2], data!("rsa2048-pkcs1-sha256.sig")),
        FailureCause::DifferentScheme { used: PKCS1_SHA256, same_bytes: false }
    );
}

#[test]
fn short_signature_is_non_standard() {
    // A signature whose first byte is zero, sent without it (255 bytes).
    let k = rsa();
    let sig = data!("rsa2048-pss-sha256-lead0.sig");
    assert_eq!(sig[0], 0);
    let declared = SignatureAlgorithm::rsa_pss(Hash::Sha256);
    tlsdoctor_verify::verify(&k, declared, &[MSG], sig).unwrap();
    let cause = classify_failure(&k, declared, &[MSG], &sig[1..]);
    assert!(matches!(cause, FailureCause::NonStandardEncoding(_)), "{cause:?}");
    assert_eq!(cause.code(), "non-standard-encoding");
    // Over other bytes it is just another transcript.
    assert_eq!(classify_failure(&k, declared, &[MSG2], &sig[1..]), FailureCause::DifferentTranscript);
}

#[test]
fn ecdsa_other_hash_is_found_when_bytes_match() {
    let k = PublicKey::from_spki_der(data!("p256.spki.der")).unwrap();
    let declared = SignatureAlgorithm::Ecdsa(Hash::Sha256);
    assert_eq!(
        classify_failure(&k, declared, &[MSG], data!("p256-sha384.sig")),
        FailureCause::DifferentHash { used: Hash::Sha384, declared: Hash::Sha256, same_bytes: true }
    );
    assert_eq!(classify_failure(&k, declared, &[MSG2], data!("p256-sha256.sig")), FailureCause::Unknown);
    assert_eq!(classify_failure(&k, declared, &[MSG], data!("p256-sha256.sig")), FailureCause::Verifies);
    let ed = PublicKey::from_spki_der(data!("ed25519.spki.der")).unwrap();
    assert_eq!(
        classify_failure(&ed, SignatureAlgorithm::Ed25519, &[MSG2], data!("ed25519.sig")),
        FailureCause::Unknown
    );
}
