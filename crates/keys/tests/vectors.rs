//! Derivation and record vectors computed independently by `tests/data/gen_vectors.py`
//! (Python hashlib/hmac and `cryptography`), plus wrong-key and robustness checks.

mod common;

use std::collections::HashMap;

use common::hex;
use tlsdoctor_keys::*;
use tlsdoctor_tls::registry::{CipherSuite, ProtocolVersion};

fn vectors() -> HashMap<String, HashMap<String, Vec<u8>>> {
    let text = include_str!("data/vectors.txt");
    let mut out = HashMap::new();
    for line in text.lines() {
        let mut f = line.split(' ');
        let name = f.next().unwrap().to_string();
        let kv = f.filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.to_string(), hex(v))).collect();
        out.insert(name, kv);
    }
    out
}

fn v(name: &str) -> HashMap<String, Vec<u8>> {
    vectors().remove(name).unwrap_or_else(|| panic!("vector {name}"))
}

fn suite_of(x: &HashMap<String, Vec<u8>>) -> CipherSuite {
    CipherSuite(u16::from_be_bytes([x["suite"][0], x["suite"][1]]))
}

#[test]
fn prfs_match_reference() {
    let x = v("prf_tls12_sha256");
    assert_eq!(prf_tls12(HashAlg::Sha256, &x["secret"], b"test label", &x["seed"], 100), x["out"]);
    let x = v("prf_tls12_sha384");
    assert_eq!(prf_tls12(HashAlg::Sha384, &x["secret"], b"test label", &x["seed"], 150), x["out"]);
    let x = v("prf_tls10_odd");
    assert_eq!(prf_tls10(&x["secret"], b"test label", &x["seed"], 104), x["out"]);
    let x = v("prf_ssl3");
    assert_eq!(prf_ssl3(&x["secret"], &x["seed"], 104), x["out"]);
    assert_eq!(prf(Prf::Ssl3, &x["secret"], b"ignored", &x["seed"], 104), x["out"]);
}

/// TLS 1.3 drafts before 20 prefix HKDF labels with "TLS 1.3, " and derive the next
/// secret at a KeyUpdate with "application traffic secret"; draft 20 has RFC 8446's
/// labels. (Expected values from an independent HKDF-SHA256 computation.)
#[test]
fn tls13_draft_labels() {
    let secret: Vec<u8> = (0..32).collect();
    let draft18 = ProtocolVersion(0x7f12);
    let (key, iv) = traffic_keys(draft18, CipherSuite(0x1301), &secret).unwrap();
    assert_eq!(key.as_bytes(), &hex("db07b61bdd1a24cf69f3700ca218e53d")[..]);
    assert_eq!(iv.as_bytes(), &hex("150663c051e93724f6c88bd1")[..]);
    assert_eq!(
        next_traffic_secret(draft18, HashAlg::Sha256, &secret).unwrap().as_bytes(),
        &hex("506255be5ba34501fc70a117ceb5521849f2facad8820236d01411342ee50fad")[..]
    );
    assert_eq!(
        finished_key(draft18, HashAlg::Sha256, &secret).unwrap().as_bytes(),
        &hex("2872f5921a1860936701462f6b0515cb26bfe08901ab136e237bfc10dd85675c")[..]
    );
    for rfc_labels in [ProtocolVersion(0x7f14), ProtocolVersion::TLS_1_3] {
        let (key, _) = traffic_keys(rfc_labels, CipherSuite(0x1301), &secret).unwrap();
        assert_eq!(key.as_bytes(), &hex("9c9783cf77ea32d44f369da41f19f3cc")[..]);
    }
}

#[test]
fn hkdf_expand_label_matches_reference() {
    let x = v("hkdf_sha256_key");
    assert_eq!(hkdf_expand_label(HashAlg::Sha256, &x["secret"], b"key", b"", 16).unwrap().as_bytes(), &x["out"][..]);
    let x = v("hkdf_sha256_iv");
    let (key, iv) = traffic_keys(ProtocolVersion::TLS_1_3, CipherSuite(0x1301), &x["secret"]).unwrap();
    assert_eq!(iv.as_bytes(), &x["out"][..]);
    assert_eq!(key.as_bytes(), &v("hkdf_sha256_key")["out"][..]);
    let x = v("hkdf_sha256_upd");
    assert_eq!(
        next_traffic_secret(ProtocolVersion::TLS_1_3, HashAlg::Sha256, &x["secret"]).unwrap().as_bytes(),
        &x["out"][..]
    );
    let x = v("hkdf_sha384_finished");
    assert_eq!(
        finished_key(ProtocolVersion::TLS_1_3, HashAlg::Sha384, &x["secret"]).unwrap().as_bytes(),
        &x["out"][..]
    );
    let x = v("hkdf_sha256_ctx");
    assert_eq!(
        hkdf_expand_label(HashAlg::Sha256, &x["secret"], b"c hs traffic", &x["ctx"], 32).unwrap().as_bytes(),
        &x["out"][..]
    );
    // Too long an output is an error, not a panic.
    assert!(hkdf_expand_label(HashAlg::Sha256, &x["secret"], b"key", b"", 255 * 32 + 1).is_err());
    assert!(hkdf_expand_label(HashAlg::Sha256, b"short", b"key", b"", 16).is_err());
}

fn keys_of(x: &HashMap<String, Vec<u8>>) -> KeyMaterial {
    KeyMaterial {
        client_write_mac_key: x["mac_key"].clone(),
        server_write_mac_key: vec![0; x["mac_key"].len()],
        client_write_key: x["key"].clone(),
        server_write_key: vec![0; x["key"].len()],
        client_write_iv: x["iv"].clone(),
        server_write_iv: vec![0; x["iv"].len()],
    }
}

fn header(typ: u8, version: &[u8], body: &[u8]) -> [u8; 5] {
    let l = (body.len() as u16).to_be_bytes();
    [typ, version[0], version[1], l[0], l[1]]
}

const TLS12_RECORD_VECTORS: [&str; 5] = [
    "rec_rc4_sha_tls10",
    "rec_null_sha256",
    "rec_aes128_cbc_sha256_etm",
    "rec_aes128_cbc_sha_tls11",
    "rec_aes256_ccm8",
];

fn tls12_decryptor(x: &HashMap<String, Vec<u8>>, keys: &KeyMaterial) -> RecordDecryptor {
    let version = ProtocolVersion(u16::from_be_bytes([x["version"][0], x["version"][1]]));
    let etm = x.get("etm").map(|e| e.first() == Some(&1)).unwrap_or(false);
    RecordDecryptor::tls12(suite_of(x), version, keys, Direction::ClientToServer, etm).unwrap()
}

#[test]
fn tls12_records_decrypt() {
    for name in TLS12_RECORD_VECTORS {
        let x = v(name);
        let mut dec = tls12_decryptor(&x, &keys_of(&x));
        for (r, p) in [("r0", "p0"), ("r1", "p1")] {
            let got =
                dec.decrypt(header(23, &x["version"], &x[r]), &x[r]).unwrap_or_else(|e| panic!("{name} {r}: {e}"));
            assert_eq!((got.content_type, &got.data), (23, &x[p]), "{name} {r}");
        }
        assert_eq!(dec.sequence(), 2);
    }
}

#[test]
fn cbc_mac_then_encrypt_reports_padding_separately() {
    let x = v("rec_aes128_cbc_sha_tls11");
    let mut dec = tls12_decryptor(&x, &keys_of(&x));
    dec.set_sequence(2);
    let r2 = &x["r2"];
    assert_eq!(dec.decrypt(header(23, &x["version"], r2), r2), Err(DecryptError::BadMac { padding_valid: false }));
    // Wrong sequence number: padding is fine, the MAC is not.
    dec.set_sequence(5);
    let r0 = &x["r0"];
    assert_eq!(dec.decrypt(header(23, &x["version"], r0), r0), Err(DecryptError::BadMac { padding_valid: true }));
    assert_eq!(dec.sequence(), 5, "a failed record leaves the state unchanged");
}

#[test]
fn one_byte_changed_key_gives_an_error() {
    for name in TLS12_RECORD_VECTORS {
        let x = v(name);
        for field in ["key", "mac_key"] {
            if x[field].is_empty() {
                continue;
            }
            let mut keys = keys_of(&x);
            match field {
                "key" => keys.client_write_key[3] ^= 0x01,
                _ => keys.client_write_mac_key[3] ^= 0x01,
            }
            let mut dec = tls12_decryptor(&x, &keys);
            let err = dec.decrypt(header(23, &x["version"], &x["r0"]), &x["r0"]).expect_err(name);
            match suite_of(&x).0 {
                0xc0a1 => assert_eq!(err, DecryptError::Authentication, "{name}"),
                // Encrypt-then-MAC with only the encryption key wrong: the MAC passes, so
                // the padding is the only check left.
                0x003c if field == "key" => assert_eq!(err, DecryptError::BadPadding, "{name}"),
                _ => assert!(matches!(err, DecryptError::BadMac { .. }), "{name} {field}: {err:?}"),
            }
            assert_eq!(dec.sequence(), 0);
        }
        // A changed ciphertext byte fails as well.
        let mut dec = tls12_decryptor(&x, &keys_of(&x));
        let mut r = x["r0"].clone();
        let last = r.len() - 1;
        r[last] ^= 0x80;
        assert!(dec.decrypt(header(23, &x["version"], &r), &r).is_err(), "{name}");
    }
    for name in ["rec13_aes256gcm", "rec13_chacha", "rec13_aes128ccm", "rec13_aes128ccm8"] {
        let x = v(name);
        let mut secret = x["secret"].clone();
        secret[0] ^= 0x01;
        let mut dec = RecordDecryptor::tls13(ProtocolVersion::TLS_1_3, suite_of(&x), &secret).unwrap();
        let r = &x["r0"];
        assert_eq!(dec.decrypt(header(23, &[3, 3], r), r), Err(DecryptError::Authentication), "{name}");
    }
}

#[test]
fn tls13_records_decrypt_and_strip_padding() {
    for name in ["rec13_aes256gcm", "rec13_chacha", "rec13_aes128ccm", "rec13_aes128ccm8"] {
        let x = v(name);
        let mut dec = RecordDecryptor::tls13(ProtocolVersion::TLS_1_3, suite_of(&x), &x["secret"]).unwrap();
        let p0 = dec.decrypt(header(23, &[3, 3], &x["r0"]), &x["r0"]).unwrap();
        assert_eq!((p0.content_type, &p0.data), (23, &x["p0"]), "{name}");
        let p1 = dec.decrypt(header(23, &[3, 3], &x["r1"]), &x["r1"]).unwrap();
        assert_eq!((p1.content_type, &p1.data), (22, &x["p1"]), "{name}: padding stripped");
    }
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let x = v("rec_aes128_cbc_sha256_etm");
    let keys = keys_of(&x);
    let dec = tls12_decryptor(&x, &keys);
    let ms = MasterSecret([0xab; 48]);
    let secret = Secret::new(vec![0xcd; 32]);
    let text = format!("{keys:?} {dec:?} {ms:?} {secret:?}");
    for needle in ["abab", "cdcd", "171", "0c131a"] {
        assert!(!text.to_lowercase().contains(needle), "{needle} in {text}");
    }
    let key_hex: String = x["key"].iter().map(|b| format!("{b:02x}")).collect();
    assert!(!text.contains(&key_hex[..8]));
    assert!(!format!("{:?}", keys.client_write_key.len()).is_empty());
    let (log, _) = parse_keylog(b"CLIENT_RANDOM 0000000000000000000000000000000000000000000000000000000000000001 abababababababababababababababababababababababababababababababababababababababababababababababab\n");
    let r = {
        let mut r = [0u8; 32];
        r[31] = 1;
        r
    };
    let dbg = format!("{log:?} {:?}", log.get(&r).unwrap());
    assert!(!dbg.contains("abab"), "{dbg}");
    assert!(dbg.contains("CLIENT_RANDOM"));
}

#[test]
fn rsa_key_debug_shows_size_only() {
    let key = load_rsa_private_key(&common::read_testdata("keys/rsa-p-lt-q.key"), None).unwrap();
    let d = format!("{key:?}");
    assert_eq!(d, format!("RsaKey({} bits)", key.bits()));
    assert!(load_rsa_private_key(b"not a key", None).is_err());
    assert!(load_rsa_private_key(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", None).is_err());
    assert_eq!(key.decrypt_premaster(&[1, 2, 3]), None);
    assert_eq!(key.decrypt_premaster(&vec![0x55; key.bits() / 8]), None);
}
