//! TLS 1.3 record decryption, one full 16 KiB record per iteration (`RecordDecryptor::
//! decrypt`, including the copy into the returned plaintext and the padding scan), for
//! the AEADs that `ring` provides. Throughput is in bytes of plaintext.
//! Run with `cargo bench -p tlsdoctor-keys --bench record`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM, AES_256_GCM, CHACHA20_POLY1305};
use tlsdoctor_keys::{traffic_keys, RecordDecryptor};
use tlsdoctor_tls::registry::{CipherSuite, ProtocolVersion};

const PLAINTEXT_LEN: usize = 16384;

/// A decryptor and the first application-data record it decrypts (sealed with `ring`).
fn record(suite: CipherSuite, alg: &'static ring::aead::Algorithm) -> (RecordDecryptor, [u8; 5], Vec<u8>) {
    let secret = vec![0x5a; if suite.0 == 0x1302 { 48 } else { 32 }];
    let version = ProtocolVersion::TLS_1_3;
    let (key, iv) = traffic_keys(version, suite, &secret).expect("traffic keys");
    let key = LessSafeKey::new(UnboundKey::new(alg, key.as_bytes()).expect("key"));
    let nonce = Nonce::try_assume_unique_for_key(iv.as_bytes()).expect("nonce");
    let mut body: Vec<u8> = (0..PLAINTEXT_LEN).map(|i| i as u8).collect();
    body.push(23);
    let len = (body.len() + alg.tag_len()) as u16;
    let header = [23, 3, 3, (len >> 8) as u8, len as u8];
    key.seal_in_place_append_tag(nonce, Aad::from(header), &mut body).expect("seal");
    (RecordDecryptor::tls13(version, suite, &secret).expect("decryptor"), header, body)
}

fn decrypt(c: &mut Criterion) {
    let mut group = c.benchmark_group("record");
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Bytes(PLAINTEXT_LEN as u64));
    let suites = [
        ("tls13/aes128gcm", CipherSuite(0x1301), &AES_128_GCM),
        ("tls13/aes256gcm", CipherSuite(0x1302), &AES_256_GCM),
        ("tls13/chacha20poly1305", CipherSuite(0x1303), &CHACHA20_POLY1305),
    ];
    for (name, suite, alg) in suites {
        let (mut dec, header, body) = record(suite, alg);
        group.bench_function(name, |b| {
            b.iter(|| {
                dec.set_sequence(0);
                let plain = dec.decrypt(header, black_box(&body)).expect("decrypts");
                assert_eq!(plain.data.len(), PLAINTEXT_LEN);
                plain
            })
        });
    }
    group.finish();
}

criterion_group!(benches, decrypt);
criterion_main!(benches);
