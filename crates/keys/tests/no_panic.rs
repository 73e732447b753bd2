//! Property tests: arbitrary input never panics.

use proptest::prelude::*;
use tlsdoctor_keys::*;
use tlsdoctor_tls::registry::{CipherSuite, ProtocolVersion};

const SUITES: [(u16, u16); 12] = [
    (0x0005, 0x0301), // RC4_128_SHA
    (0x003b, 0x0303), // NULL_SHA256
    (0x000a, 0x0300), // 3DES, SSL 3.0
    (0x002f, 0x0301), // AES_128_CBC_SHA, TLS 1.0
    (0x0035, 0x0302), // AES_256_CBC_SHA, TLS 1.1
    (0x003d, 0x0303), // AES_256_CBC_SHA256
    (0xc030, 0x0303), // AES_256_GCM
    (0xcca8, 0x0303), // ChaCha20
    (0xc09c, 0x0303), // AES_128_CCM
    (0xc0a0, 0x0303), // AES_128_CCM_8
    (0x0009, 0x0301), // DES_CBC_SHA
    (0x0004, 0x0300), // RC4_128_MD5, SSL 3.0
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn tls12_decrypt_never_panics(idx in 0usize..SUITES.len(), etm: bool, header: [u8; 5], records in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..120), 1..4)) {
        let (suite, version) = SUITES[idx];
        let ms = MasterSecret([7; 48]);
        let keys = key_block(&ms, &[1; 32], &[2; 32], CipherSuite(suite), ProtocolVersion(version)).unwrap();
        for dir in [Direction::ClientToServer, Direction::ServerToClient] {
            let mut dec = RecordDecryptor::tls12(CipherSuite(suite), ProtocolVersion(version), &keys, dir, etm).unwrap();
            for r in &records {
                let _ = dec.decrypt(header, r);
            }
        }
    }

    #[test]
    fn tls13_decrypt_never_panics(idx in 0usize..5, header: [u8; 5], body in proptest::collection::vec(any::<u8>(), 0..100)) {
        let suite = CipherSuite(0x1301 + idx as u16);
        let secret = vec![9u8; if idx == 1 { 48 } else { 32 }];
        let mut dec = RecordDecryptor::tls13(ProtocolVersion::TLS_1_3, suite, &secret).unwrap();
        let _ = dec.decrypt(header, &body);
    }

    #[test]
    fn keylog_never_panics(text in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_keylog(&text);
    }

    #[test]
    fn key_loading_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = load_rsa_private_key(&bytes, Some("pw"));
        let _ = load_rsa_private_key(&bytes, None);
    }

    #[test]
    fn derivation_never_panics(secret in proptest::collection::vec(any::<u8>(), 0..80), suite: u16, version: u16, len in 0usize..600) {
        let _ = prf_tls10(&secret, b"l", b"s", len);
        let _ = prf_ssl3(&secret, b"s", len);
        let _ = hkdf_expand_label(HashAlg::Sha384, &secret, b"key", b"", len);
        let _ = traffic_keys(ProtocolVersion::TLS_1_3, CipherSuite(suite), &secret);
        let _ = RecordDecryptor::tls13(ProtocolVersion::TLS_1_3, CipherSuite(suite), &secret);
        if let Ok(ms) = master_secret(&secret, &[0; 32], &[1; 32], ProtocolVersion(version), CipherSuite(suite), None) {
            if let Ok(k) = key_block(&ms, &[0; 32], &[1; 32], CipherSuite(suite), ProtocolVersion(version)) {
                let _ = RecordDecryptor::tls12(CipherSuite(suite), ProtocolVersion(version), &k, Direction::ClientToServer, false);
            }
        }
    }
}
