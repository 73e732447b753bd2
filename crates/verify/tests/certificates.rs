//! Certificate signatures: the right issuer verifies, the wrong one does not.

use std::path::Path;

use tlsdoctor_tls::x509;
use tlsdoctor_verify::{certificate_algorithm, verify_certificate_signature, Hash, SignatureAlgorithm, VerifyError};

fn pem_to_der(pem: &str) -> Vec<u8> {
    let b64: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let mut out = Vec::new();
    let (mut acc, mut n) = (0u32, 0);
    for c in b64.bytes().filter(|c| *c != b'=') {
        acc = acc << 6 | val(c) as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((acc >> n) as u8);
        }
    }
    out
}

fn pem(path: impl AsRef<Path>) -> Vec<u8> {
    pem_to_der(&std::fs::read_to_string(path.as_ref()).unwrap())
}

fn spki(cert: &[u8]) -> Vec<u8> {
    x509::summarize(cert).unwrap().spki_der
}

const HERE: &str = env!("CARGO_MANIFEST_DIR");

/// The bench seed's first PKI (bench/seed/pki as made on 2026-11-26): ca.pem signs the
/// server and client certificates; rogue.pem (EC P-256) signs client-rogue.pem.
#[test]
fn bench_pki() {
    let dir = Path::new(HERE).join("tests/data/bench-pki");
    let ca = pem(dir.join("ca.pem"));
    let rogue = pem(dir.join("rogue.pem"));
    for leaf in ["server-rsa", "server-ecdsa", "client-rsa", "client-ecdsa"] {
        let cert = pem(dir.join(format!("{leaf}.pem")));
        let v = verify_certificate_signature(&cert, &spki(&ca)).unwrap();
        assert_eq!(v.algorithm(), SignatureAlgorithm::RsaPkcs1(Hash::Sha256));
        assert_eq!(
            verify_certificate_signature(&cert, &spki(&rogue)),
            Err(VerifyError::KeyMismatch { key: "EC P-256".into(), algorithm: "RSA PKCS#1 v1.5 SHA-256".into() }),
            "{leaf}"
        );
        // Another RSA key: a real mathematical failure.
        let other = pem(dir.join("client-rsa.pem"));
        assert_eq!(verify_certificate_signature(&cert, &spki(&other)), Err(VerifyError::Invalid), "{leaf}");
    }
    let client_rogue = pem(dir.join("client-rogue.pem"));
    let v = verify_certificate_signature(&client_rogue, &spki(&rogue)).unwrap();
    assert_eq!(v.algorithm(), SignatureAlgorithm::Ecdsa(Hash::Sha256));
    assert!(verify_certificate_signature(&client_rogue, &spki(&ca)).is_err());
    // Self-signed roots verify with their own key.
    verify_certificate_signature(&ca, &spki(&ca)).unwrap();
    verify_certificate_signature(&rogue, &spki(&rogue)).unwrap();
}

/// The repository's PKI: RSA-4096 intermediates, an Ed25519 leaf.
#[test]
fn repository_pki() {
    let dir = Path::new(HERE).join("../../tests/fixtures/pki");
    if !dir.join("ca.pem").exists() {
        eprintln!("skipped: {} not present", dir.display());
        return;
    }
    let c = |name: &str| pem(dir.join(format!("{name}.pem")));
    let ok = [
        ("server-rsa", "ca"),
        ("server-ecdsa", "ca"),
        ("server-ed25519", "ca"),
        ("client-simple", "ca"),
        ("client-int1", "ca"),
        ("client-int2", "client-int1"),
        ("client", "client-int2"),
    ];
    for (leaf, issuer) in ok {
        verify_certificate_signature(&c(leaf), &spki(&c(issuer))).unwrap_or_else(|e| panic!("{leaf} by {issuer}: {e}"));
    }
    for (leaf, wrong) in [("client", "client-int1"), ("client-int2", "ca"), ("server-rsa", "client-int1")] {
        assert_eq!(
            verify_certificate_signature(&c(leaf), &spki(&c(wrong))),
            Err(VerifyError::Invalid),
            "{leaf} by {wrong}"
        );
    }
    // An Ed25519 key cannot have made an RSA signature.
    assert!(matches!(
        verify_certificate_signature(&c("client"), &spki(&c("server-ed25519"))),
        Err(VerifyError::KeyMismatch { .. })
    ));
}

/// Certificates signed with each algorithm (tests/data/make.sh).
#[test]
fn every_algorithm() {
    let dir = Path::new(HERE).join("tests/data/certs");
    let der = |n: &str| std::fs::read(dir.join(format!("{n}.der"))).unwrap();
    let cases = [
        ("leaf-rsa-sha256", "ca-rsa", SignatureAlgorithm::RsaPkcs1(Hash::Sha256)),
        ("leaf-rsa-sha1", "ca-rsa", SignatureAlgorithm::RsaPkcs1(Hash::Sha1)),
        ("leaf-rsa-pss-sha256", "ca-rsa", SignatureAlgorithm::rsa_pss(Hash::Sha256)),
        ("leaf-rsa-pss-sha384-salt20", "ca-rsa", SignatureAlgorithm::RsaPss { hash: Hash::Sha384, salt_len: 20 }),
        ("leaf-p384-sha384", "ca-p384", SignatureAlgorithm::Ecdsa(Hash::Sha384)),
        ("leaf-ed25519", "ca-ed25519", SignatureAlgorithm::Ed25519),
        ("leaf-ed448", "ca-ed448", SignatureAlgorithm::Ed448),
        ("ca-rsa", "ca-rsa", SignatureAlgorithm::RsaPkcs1(Hash::Sha256)),
        ("ca-ed448", "ca-ed448", SignatureAlgorithm::Ed448),
    ];
    for (leaf, issuer, alg) in cases {
        let cert = der(leaf);
        let summary = x509::summarize(&cert).unwrap();
        assert_eq!(certificate_algorithm(&cert, &summary).unwrap(), alg, "{leaf}");
        let v = verify_certificate_signature(&cert, &spki(&der(issuer)))
            .unwrap_or_else(|e| panic!("{leaf} by {issuer}: {e}"));
        assert_eq!(v.algorithm(), alg);
        // One bit of the signed part changed.
        let mut bad = cert.clone();
        let at = summary.tbs_der_range.end - 3;
        bad[at] ^= 0x01;
        if x509::summarize(&bad).is_ok() {
            assert_eq!(
                verify_certificate_signature(&bad, &spki(&der(issuer))),
                Err(VerifyError::Invalid),
                "{leaf} tampered"
            );
        }
    }
    // The wrong issuer of the right type.
    assert_eq!(
        verify_certificate_signature(&der("leaf-ed25519"), &spki(&der("leaf-ed25519"))),
        Err(VerifyError::KeyMismatch { key: "EC P-256".into(), algorithm: "Ed25519".into() })
    );
    assert_eq!(verify_certificate_signature(&der("ca-ed25519"), &spki(&der("ca-ed25519"))).map(|_| ()), Ok(()));
    assert!(verify_certificate_signature(b"not a certificate", &spki(&der("ca-rsa"))).is_err());
}
