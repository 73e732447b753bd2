//! The decryption-secrets blocks of Wireshark's QUIC capture hold the QUIC_-prefixed
//! duplicates draft-era QUIC stacks wrote; tlsdoctor reads them as Wireshark does (skips
//! them) instead of warning about unknown labels.

use std::process::Command;

#[test]
fn quic_labels_of_a_secrets_block_are_not_reported() {
    let capture = format!(
        "{}/../../tests/data/wireshark/captures/quic-fragmented-handshakes.pcapng.gz",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdoctor")).args(["diagnose", &capture]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("unknown label"), "{stderr}");
    assert!(!stderr.contains("decryption secrets block"), "{stderr}");
}
