//! Camellia and ARIA suites: the suite table, and CBC records built around the block
//! ciphers' published known-answer vectors (RFC 3713 for Camellia, RFC 5794 for ARIA), so
//! that decryption is checked against values not computed by the crates we use. The GCM
//! suites (RFC 6367, RFC 6209) are checked end to end by the round-trip fixtures
//! (tests/fixtures/roundtrip, OpenSSL ARIA-GCM and GnuTLS Camellia-GCM).

mod common;

use common::hex;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha384};
use tlsdoctor_keys::*;
use tlsdoctor_tls::registry::{CipherSuite, ProtocolVersion};

#[test]
fn suite_table() {
    use BulkCipher as B;
    let cases: &[(u16, BulkCipher, Option<MacAlg>, HashAlg, usize)] = &[
        // TLS_RSA_WITH_CAMELLIA_128_CBC_SHA: MAC keys 20, keys 16, IVs 16
        (0x0041, B::Camellia128Cbc, Some(MacAlg::Sha1), HashAlg::Sha256, 2 * (20 + 16 + 16)),
        (0x0084, B::Camellia256Cbc, Some(MacAlg::Sha1), HashAlg::Sha256, 2 * (20 + 32 + 16)),
        (0x0088, B::Camellia256Cbc, Some(MacAlg::Sha1), HashAlg::Sha256, 2 * (20 + 32 + 16)),
        (0x00ba, B::Camellia128Cbc, Some(MacAlg::Sha256), HashAlg::Sha256, 2 * (32 + 16 + 16)),
        (0xc073, B::Camellia256Cbc, Some(MacAlg::Sha384), HashAlg::Sha384, 2 * (48 + 32 + 16)),
        (0xc03c, B::Aria128Cbc, Some(MacAlg::Sha256), HashAlg::Sha256, 2 * (32 + 16 + 16)),
        (0xc03d, B::Aria256Cbc, Some(MacAlg::Sha384), HashAlg::Sha384, 2 * (48 + 32 + 16)),
        // GCM: no MAC key, 4-byte implicit salt
        (0xc050, B::Aria128Gcm, None, HashAlg::Sha256, 2 * (16 + 4)),
        (0xc052, B::Aria128Gcm, None, HashAlg::Sha256, 2 * (16 + 4)),
        (0xc05c, B::Aria128Gcm, None, HashAlg::Sha256, 2 * (16 + 4)),
        (0xc05d, B::Aria256Gcm, None, HashAlg::Sha384, 2 * (32 + 4)),
        (0xc060, B::Aria128Gcm, None, HashAlg::Sha256, 2 * (16 + 4)),
        (0xc07a, B::Camellia128Gcm, None, HashAlg::Sha256, 2 * (16 + 4)),
        (0xc07b, B::Camellia256Gcm, None, HashAlg::Sha384, 2 * (32 + 4)),
        (0xc08a, B::Camellia128Gcm, None, HashAlg::Sha256, 2 * (16 + 4)),
    ];
    for &(code, cipher, mac, hash, key_block) in cases {
        let p = SuiteParams::for_suite(CipherSuite(code)).unwrap_or_else(|| panic!("{code:#06x} unsupported"));
        assert_eq!((p.cipher, p.mac, p.hash, p.tls13), (cipher, mac, hash, false), "{code:#06x}");
        assert_eq!(p.key_block_len(), key_block, "{code:#06x}");
        let aead = mac.is_none();
        assert_eq!(cipher.kind(), if aead { CipherKind::Aead } else { CipherKind::Block }, "{code:#06x}");
        assert_eq!(cipher.tag_len(), if aead { 16 } else { 0 });
        assert_eq!(cipher.tls12_explicit_nonce_len(), if aead { 8 } else { 0 });
    }
}

fn hmac_of(alg: MacAlg, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        let mut m = <M as Mac>::new_from_slice(key).unwrap();
        for p in parts {
            m.update(p);
        }
        m.finalize().into_bytes().to_vec()
    }
    match alg {
        MacAlg::Sha1 => run::<Hmac<Sha1>>(key, parts),
        MacAlg::Sha256 => run::<Hmac<Sha256>>(key, parts),
        MacAlg::Sha384 => run::<Hmac<Sha384>>(key, parts),
        MacAlg::Md5 => unreachable!(),
    }
}

/// One TLS 1.2 encrypt-then-MAC record of a single cipher block whose ciphertext is the
/// published `ct` of (`key`, `pt`): the explicit IV is chosen so that the CBC plaintext
/// is "0123456789ab" and 4 bytes of padding. The decryptor must give back the 12 bytes.
fn kat_record(suite: u16, key: &str, pt: &str, ct: &str) {
    let p = SuiteParams::for_suite(CipherSuite(suite)).unwrap();
    let mac_alg = p.mac.unwrap();
    let (key, pt, ct) = (hex(key), hex(pt), hex(ct));
    let mac_key: Vec<u8> = (0..mac_alg.output_len() as u8).collect();
    let plain = b"0123456789ab\x03\x03\x03\x03";
    let iv: Vec<u8> = plain.iter().zip(&pt).map(|(a, b)| a ^ b).collect();
    let body = [iv, ct].concat();
    let seq = 7u64;
    let version = [3, 3];
    let mac =
        hmac_of(mac_alg, &mac_key, &[&seq.to_be_bytes(), &[23], &version, &(body.len() as u16).to_be_bytes(), &body]);
    let record = [body, mac].concat();
    let keys = KeyMaterial {
        client_write_mac_key: mac_key.clone(),
        server_write_mac_key: mac_key,
        client_write_key: key.clone(),
        server_write_key: key,
        client_write_iv: vec![0; 16],
        server_write_iv: vec![0; 16],
    };
    let mut dec =
        RecordDecryptor::tls12(CipherSuite(suite), ProtocolVersion::TLS_1_2, &keys, Direction::ServerToClient, true)
            .unwrap();
    dec.set_sequence(seq);
    let l = (record.len() as u16).to_be_bytes();
    let got = dec.decrypt([23, 3, 3, l[0], l[1]], &record).unwrap_or_else(|e| panic!("{suite:#06x}: {e}"));
    assert_eq!((got.content_type, &got.data[..]), (23, &b"0123456789ab"[..]), "{suite:#06x}");
    // A flipped ciphertext bit fails the MAC and leaves the sequence number alone.
    let mut bad = record.clone();
    bad[20] ^= 1;
    dec.set_sequence(seq);
    assert!(matches!(dec.decrypt([23, 3, 3, l[0], l[1]], &bad), Err(DecryptError::BadMac { .. })));
    assert_eq!(dec.sequence(), seq);
}

#[test]
fn camellia_cbc_records_rfc3713_vectors() {
    // RFC 3713 appendix A: 128- and 256-bit keys.
    kat_record(
        0x00ba, // TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256
        "0123456789abcdeffedcba9876543210",
        "0123456789abcdeffedcba9876543210",
        "67673138549669730857065648eabe43",
    );
    kat_record(
        0xc077, // TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384
        "0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff",
        "0123456789abcdeffedcba9876543210",
        "9acc237dff16d76c20ef7c919e3a7509",
    );
}

#[test]
fn aria_cbc_records_rfc5794_vectors() {
    // RFC 5794 appendix A.1 and A.3. OpenSSL and GnuTLS have no ARIA-CBC suites, so
    // these are the only ARIA-CBC checks.
    kat_record(
        0xc03c, // TLS_RSA_WITH_ARIA_128_CBC_SHA256
        "000102030405060708090a0b0c0d0e0f",
        "00112233445566778899aabbccddeeff",
        "d718fbd6ab644c739da95f3be6451778",
    );
    kat_record(
        0xc04d, // TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "00112233445566778899aabbccddeeff",
        "f92bd7c79fb72e2f2b8f80c1972d24fc",
    );
}
