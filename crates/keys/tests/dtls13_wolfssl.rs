//! DTLS 1.3 records sent by wolfSSL 5.9.4 (tests/fixtures/dtls/dtls13-ok and
//! dtls13-chacha, make-dtls-captures.sh), with the traffic secrets its secret callback
//! logged: the record number mask the peer applied is undone, and the record opens
//! under the "dtls13" keys with the unmasked header as additional data.

use tlsdoctor_keys::Dtls13Protection;
use tlsdoctor_tls::registry::CipherSuite;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// The header with its 16-bit record number unmasked, the number, and the record opened.
fn open(suite: u16, secret: &str, datagram: &str) -> (u16, u8, Vec<u8>) {
    let keys = Dtls13Protection::new(CipherSuite(suite), &hex(secret)).unwrap();
    let datagram = hex(datagram);
    // 001 C=0 S=1 L=1 EE: flags, 16-bit record number, 16-bit length.
    let (header, body) = datagram.split_at(5);
    assert_eq!(header[0] & 0xfc, 0x2c);
    let mask = keys.record_number_mask(body).unwrap();
    let mut clear = header.to_vec();
    clear[1] ^= mask[0];
    clear[2] ^= mask[1];
    let sequence = u16::from_be_bytes([clear[1], clear[2]]);
    let opened = keys.open(&clear, u64::from(sequence), body).unwrap();
    (sequence, opened.content_type, opened.data)
}

#[test]
fn the_servers_first_handshake_record_is_its_encrypted_extensions() {
    // Frame 5 of dtls13-ok: epoch 2 (header bits 10), TLS_AES_256_GCM_SHA384.
    let secret = "72c8379b1f816bcd9e232c091adbc95e54cdbc4081008766f157e4b6f758f9b4ce79b785670e383cec98f079266dfe34";
    let (sequence, content_type, data) =
        open(0x1302, secret, "2ed8d7001f499c6a00fa15b0a00561253aad1024158b4a01aa0b11311b0e891e2bcb5507");
    assert_eq!((sequence, content_type), (0, 22));
    // A DTLS handshake header: EncryptedExtensions (8), message_seq 2 (after the
    // HelloRetryRequest and the ServerHello), one fragment.
    assert_eq!(data[0], 8);
    assert_eq!(&data[4..6], &[0, 2]);
    assert_eq!(&data[6..9], &[0, 0, 0]);
    assert_eq!(data.len(), 12 + usize::from(data[3]));
}

#[test]
fn the_servers_echo_opens_under_its_application_secret() {
    // Frame 12 of dtls13-ok: epoch 3 (header bits 11).
    let secret = "bdd1c6d0ce000e3743fb4df2a40b649998a6091d884af5dd15e55ee56c95b3d393d71a66d2b12da59e511aaf22ee2470";
    let datagram = "2f4295002586622fe117faf453096a1c5d413f8ab8aa6a08c6166bc93038a075108e13140681ef72a6ab";
    let (sequence, content_type, data) = open(0x1302, secret, datagram);
    assert_eq!((content_type, data.as_slice()), (23, &b"hello over DTLS 1.3\n"[..]));
    assert!(sequence < 4, "one of the epoch's first records: {sequence}");
}

#[test]
fn chacha20_masks_the_record_number_too() {
    // Frame 5 of dtls13-chacha: TLS_CHACHA20_POLY1305_SHA256, the mask from ChaCha20.
    let secret = "d12594034b99afc75ce6050dbede74241214fe00fedf092de8c5b1cedfa01c3b";
    let (sequence, content_type, data) =
        open(0x1303, secret, "2ed4c0001fc079477abdd8985e7fb5b18e7318dccb8d8d067f6c7afc82d4a08b1115655b");
    assert_eq!((sequence, content_type, data[0]), (0, 22, 8));
}
