//! `tlsdoctor keys` and `--inject-secrets`: the key log lines of a capture's connections,
//! and a pcapng copy with a Decryption Secrets Block that tshark decrypts by itself.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{have_tool, Scratch};
use tlsdoctor::decrypt::export::{client_randoms, inject_secrets, keys_for_capture, InjectError};
use tlsdoctor_capture::{CaptureReader, DecryptionSecrets, Format, LinkType, Timestamp};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn unhex(s: &str) -> [u8; 32] {
    let v: Vec<u8> = (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect();
    v.try_into().unwrap()
}

/// `tshark -r F -Y tls.handshake.type==1 -T fields -e tls.handshake.random`
const TLS13_RSA_RANDOM: &str = "3de49f80b8ca48a0666c4f15ce2c8b9f5ba58d4a2e06793b67100ac8e22abfb1";
const TLS12_RANDOM: &str = "9c10748a70b84044ea027e980963592b9fd931b1ff784219bd748a4bbe8e8822";

#[test]
fn client_randoms_match_tshark() {
    let randoms = client_randoms(&fixture("tls13-rsa.pcapng")).unwrap();
    assert_eq!(randoms, HashSet::from([unhex(TLS13_RSA_RANDOM)]));
    let randoms = client_randoms(&fixture("tls12-ecdhe-rsa-aes128gcm.pcap")).unwrap();
    assert_eq!(randoms, HashSet::from([unhex(TLS12_RANDOM)]));
}

#[test]
fn keys_for_capture_keeps_only_the_capture_lines() {
    let tls13 = read("tls13-rsa.keylog");
    let mut both = tls13.clone();
    both.extend_from_slice(&read("tls12-ecdhe-rsa-aes128gcm.keylog"));
    let randoms = client_randoms(&fixture("tls13-rsa.pcapng")).unwrap();
    let kept = keys_for_capture(&both, &randoms);
    let expected: String = String::from_utf8(tls13)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(expected.lines().count(), 5);
    assert_eq!(kept, expected);
    assert!(!kept.contains(TLS12_RANDOM));
    assert!(keys_for_capture(&both, &HashSet::new()).is_empty());
}

#[derive(Debug, PartialEq)]
struct Copy {
    number: u64,
    timestamp: Timestamp,
    link_type: LinkType,
    data: Vec<u8>,
    original_len: u32,
}

fn frames(path: &Path) -> (Format, Vec<Copy>, Vec<DecryptionSecrets>) {
    let mut reader = CaptureReader::open(path).unwrap();
    let mut v = Vec::new();
    while let Some(f) = reader.next_frame().unwrap() {
        v.push(Copy {
            number: f.number,
            timestamp: f.timestamp,
            link_type: f.link_type,
            data: f.data.to_vec(),
            original_len: f.original_len,
        });
    }
    (reader.format(), v, reader.decryption_secrets().to_vec())
}

fn tshark_finished_frames(capture: &Path, port: u16) -> String {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(capture)
        .args(["-d", &format!("tcp.port=={port},tls"), "-Y", "tls.handshake.type==20", "-T", "fields"])
        .args(["-e", "frame.number"])
        .output()
        .expect("run tshark");
    assert!(out.status.success(), "tshark failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(",")
}

fn check_inject(capture: &str, keylog: &str, port: u16, input_format: Format) {
    let input = fixture(capture);
    let lines = keys_for_capture(&read(keylog), &client_randoms(&input).unwrap());
    assert!(!lines.is_empty());
    let dir = Scratch::new(capture);
    let out = dir.join("injected.pcapng");
    let summary = inject_secrets(&input, &out, &lines).unwrap();

    let (format, before, secrets_before) = frames(&input);
    assert_eq!(format, input_format);
    assert!(secrets_before.is_empty());
    let (format, after, secrets) = frames(&out);
    assert_eq!(format, Format::Pcapng);
    assert_eq!(summary.frames, before.len() as u64);
    assert_eq!(summary.interfaces, 1);
    assert_eq!(summary.secrets_bytes, lines.len());
    assert!(summary.stopped.is_none());
    assert_eq!(after, before, "frames, bytes, timestamps and lengths are copied");
    assert_eq!(secrets.len(), 1);
    assert_eq!(secrets[0].secrets_type, DecryptionSecrets::TLS_KEY_LOG);
    assert_eq!(secrets[0].after_frame, 0);
    assert_eq!(secrets[0].data, lines.as_bytes());

    if !have_tool("tshark", &format!("checking that Wireshark decrypts {capture} by itself")) {
        return;
    }
    assert_eq!(tshark_finished_frames(&input, port), "", "{capture}: no Finished visible without secrets");
    let finished = tshark_finished_frames(&out, port);
    assert!(!finished.is_empty(), "{capture}: tshark found no Finished in the injected copy");
    println!("{capture}: tshark decrypts Finished in frames {finished}");
}

#[test]
fn inject_into_classic_pcap_copy() {
    check_inject("tls12-ecdhe-rsa-aes128gcm.pcap", "tls12-ecdhe-rsa-aes128gcm.keylog", 24401, Format::Pcap);
}

#[test]
fn inject_into_pcapng_copy() {
    check_inject("tls13-rsa.pcapng", "tls13-rsa.keylog", 24402, Format::Pcapng);
}

#[test]
fn injected_copy_replaces_existing_secrets_blocks() {
    let input = fixture("tls13-rsa.pcapng");
    let dir = Scratch::new("replaced");
    let (first, second) = (dir.join("first.pcapng"), dir.join("second.pcapng"));
    inject_secrets(&input, &first, "# old\n").unwrap();
    let summary = inject_secrets(&first, &second, "# new\n").unwrap();
    assert_eq!(summary.dropped_secrets_blocks, 1);
    let (_, after, secrets) = frames(&second);
    assert_eq!(after, frames(&input).1);
    assert_eq!(secrets.len(), 1);
    assert_eq!(secrets[0].data, b"# new\n");
}

#[test]
fn inject_errors_name_the_file() {
    let missing = fixture("no-such-capture.pcapng");
    let dir = Scratch::new("errors");
    let out = dir.join("never.pcapng");
    let e = inject_secrets(&missing, &out, "").unwrap_err();
    assert!(matches!(e, InjectError::Read(_)));
    assert!(e.to_string().contains("no-such-capture.pcapng"), "{e}");
    assert!(!out.exists());

    let input = fixture("tls13-rsa.pcapng");
    let e = inject_secrets(&input, &input, "").unwrap_err();
    assert!(matches!(e, InjectError::SameFile { .. }), "{e}");

    let e = inject_secrets(&input, &dir.join("no-such-dir").join("out.pcapng"), "SECRET").unwrap_err();
    assert!(matches!(e, InjectError::Write { .. }), "{e}");
    assert!(e.to_string().contains("no-such-dir"), "{e}");
    assert!(!e.to_string().contains("SECRET"));
}

fn tlsdoctor(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tlsdoctor")).args(args).output().unwrap()
}

/// `diagnose --annotate`: the findings of the sample (the client's CertificateVerify that
/// does not verify, frame 8) become packet comments that tshark reads as frame.comment;
/// every frame is copied.
#[test]
fn annotate_writes_each_finding_as_a_comment_on_its_frame() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples");
    let dir = Scratch::new("annotate");
    let out = dir.join("annotated.pcapng");
    let run = tlsdoctor(&[
        "diagnose".as_ref(),
        "--ca".as_ref(),
        sample.join("ca.pem").as_os_str(),
        "--annotate".as_ref(),
        out.as_os_str(),
        sample.join("mtls-decrypt-error.pcapng").as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(1), "the sample fails: {}", String::from_utf8_lossy(&run.stderr));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("12 frames, 1 findings as comments on 1 frames"), "{stderr}");
    let mut reader = CaptureReader::open(&out).unwrap();
    let mut frames = 0;
    while reader.next_frame().unwrap().is_some() {
        frames += 1;
    }
    assert_eq!(frames, 12);
    if !have_tool("tshark", "frame.comment of the annotated sample") {
        return;
    }
    let shown = Command::new("tshark")
        .arg("-r")
        .arg(&out)
        .args(["-Y", "frame.comment", "-T", "fields", "-e", "frame.number", "-e", "frame.comment"])
        .output()
        .unwrap();
    let text = String::from_utf8(shown.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert!(lines[0].starts_with("8\ttlsdoctor error client-certificate-verify-invalid (connection 1): "), "{text}");
    assert!(lines[0].contains("What to do: "), "{text}");
}

/// The input's own secrets blocks stay in the annotated copy (Wireshark's tls12-dsb).
#[test]
fn annotate_keeps_the_captures_secrets_blocks() {
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/wireshark/captures/tls12-dsb.pcapng");
    let dir = Scratch::new("annotate-dsb");
    let out = dir.join("annotated.pcapng");
    let run = tlsdoctor(&["diagnose".as_ref(), "--annotate".as_ref(), out.as_os_str(), input.as_os_str()]);
    assert!(matches!(run.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&run.stderr));
    let secrets = |path: &Path| {
        let mut reader = CaptureReader::open(path).unwrap();
        while reader.next_frame().unwrap().is_some() {}
        reader.decryption_secrets().iter().map(|s| (s.secrets_type, s.data.clone())).collect::<Vec<_>>()
    };
    let kept = secrets(&out);
    assert!(!kept.is_empty());
    assert_eq!(kept, secrets(&input));
    // Two captures cannot be copied into one.
    let two =
        tlsdoctor(&["diagnose".as_ref(), "--annotate".as_ref(), out.as_os_str(), input.as_os_str(), input.as_os_str()]);
    assert_eq!(two.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&two.stderr).contains("--annotate copies one capture"));
}
