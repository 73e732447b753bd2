//! For every capture with a tshark golden file (tests/golden, made by make-golden.sh),
//! the frames, handshake types and record content types tlsdoctor finds equal tshark's.

use std::path::{Path, PathBuf};

use tlsdoctor::dissect::{FieldsPrinter, TextPrinter};
use tlsdoctor::pipeline::{analyze, Config};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where a golden file's capture lives: our fixtures, or Wireshark's test captures.
fn capture_for(name: &str) -> Option<PathBuf> {
    let candidates = [
        "tests/fixtures",
        "tests/fixtures/field",
        "tests/fixtures/field-corpus",
        "tests/fixtures/browser",
        "tests/fixtures/legacy",
        "tests/fixtures/dtls",
        "tests/fixtures/hostile-names",
        "tests/data/wireshark/captures",
    ]
    .map(|dir| repo().join(dir).join(name));
    candidates.into_iter().find(|p| p.exists())
}

/// Rows as (frame, handshake types, content types); rows with both columns empty are
/// dropped: tshark lists a frame for a TLS PDU it only started to reassemble.
fn rows(text: &str) -> Vec<(String, String, String)> {
    text.lines()
        .filter_map(|line| {
            let mut cols = line.split('\t').map(str::to_string);
            let row = (cols.next()?, cols.next().unwrap_or_default(), cols.next().unwrap_or_default());
            (!row.1.is_empty() || !row.2.is_empty()).then_some(row)
        })
        .collect()
}

/// The configuration tshark decrypts with: the secrets embedded in the capture.
fn embedded_keys(capture: &Path) -> Config {
    let (keys, problems) = tlsdoctor::decrypt::secrets::embedded(capture).expect("capture is readable");
    assert!(problems.is_empty(), "{problems:?}");
    let keys = tlsdoctor::decrypt::Keys::from_keylog(keys);
    Config { keys: (!keys.is_empty()).then(|| std::sync::Arc::new(keys)), ..Config::default() }
}

/// The fields tlsdoctor prints, decrypting with the secrets embedded in the capture as
/// tshark does (tls12-dsb.pcapng: the Finished messages are then named).
fn dissect_fields(capture: &Path) -> String {
    let mut printer = FieldsPrinter::new(Vec::new());
    analyze(capture, &embedded_keys(capture), &mut printer).expect("capture is readable");
    String::from_utf8(printer.finish().unwrap()).unwrap()
}

/// QUIC carries its handshake in CRYPTO frames of encrypted packets: not TLS over TCP.
const NOT_TLS_OVER_TCP: &[&str] = &["quic-fragmented-handshakes.pcapng.gz"];

/// DTLS 1.3 captures: tshark 4.0 has no DTLS 1.3. Its Protocol column says DTLSv1.2 for
/// the hellos (the HelloRetryRequest is a "Server Hello" to it) and every record under
/// a unified header is "Continuation Data"; tlsdoctor says DTLSv1.3, "Hello Retry
/// Request" and "Application Data" (the records' outer type, as for TLS 1.3). Their
/// frames and clear-text message types (the .tsv goldens) are compared all the same.
const TSHARK_HAS_NO_DTLS13: &[&str] = &[
    "dtls13-ok.pcapng",
    "dtls13-chacha.pcapng",
    "dtls13-no-client-cert.pcapng",
    "dtls13-unknown-ca.pcapng",
    "dtls13-cid.pcapng",
    "dtls13-key-update.pcapng",
];

#[test]
fn frames_and_message_types_match_tshark() {
    let golden_dir = repo().join("tests/golden");
    let mut compared = 0;
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&golden_dir).unwrap().flatten().map(|e| e.path()).collect();
    entries.sort();
    for golden in entries {
        let file = golden.file_name().unwrap().to_string_lossy().to_string();
        // Golden files are named after their capture; other tables live beside them.
        let Some(name) = file.strip_suffix(".tsv").filter(|n| n.contains(".pcap")) else {
            continue;
        };
        if NOT_TLS_OVER_TCP.contains(&name) {
            continue;
        }
        let Some(capture) = capture_for(name) else {
            failures.push(format!("{name}: capture not found"));
            continue;
        };
        let expected = rows(&std::fs::read_to_string(&golden).unwrap());
        let actual = rows(&dissect_fields(&capture));
        compared += 1;
        if expected != actual {
            let first_diff =
                expected.iter().zip(&actual).position(|(e, a)| e != a).unwrap_or(expected.len().min(actual.len()));
            failures.push(format!(
                "{name}: {} rows expected, {} found; first difference at row {first_diff}: tshark {:?}, tlsdoctor {:?}",
                expected.len(),
                actual.len(),
                expected.get(first_diff),
                actual.get(first_diff)
            ));
        }
    }
    assert!(compared >= 40, "only {compared} golden files compared");
    assert!(failures.is_empty(), "{} of {compared} captures differ:\n{}", failures.len(), failures.join("\n"));
}

/// (frame, protocol column, Info) of each line of `dissect`'s text output.
fn text_lines(capture: &Path) -> Vec<(u64, String, String)> {
    let mut printer = TextPrinter::new(Vec::new(), false);
    analyze(capture, &embedded_keys(capture), &mut printer).expect("capture is readable");
    let text = String::from_utf8(printer.finish().unwrap()).unwrap();
    text.lines()
        .filter_map(|line| {
            // "     6  10.0.0.1:443 → 10.0.0.2:5000  TLSv1.2  Server Hello, Certificate"
            let mut parts = line.trim_start().splitn(6, "  ");
            let frame = parts.next()?.trim().parse().ok()?;
            let (_endpoints, protocol, info) = (parts.next()?, parts.next()?, parts.next()?);
            Some((frame, protocol.to_string(), info.to_string()))
        })
        .collect()
}

/// tshark's one-line summaries (the .info.txt goldens) against `dissect`'s lines, for
/// every frame tshark shows as TLS or SSL. Left out: frames tshark annotates (`[TCP
/// segment of a reassembled PDU]`, `[Certificate Fragment]`) or leaves blank (the middle
/// of a record), and frames it gives to another protocol (HTTP once decrypted).
#[test]
fn protocol_and_info_columns_match_tshark() {
    let golden_dir = repo().join("tests/golden");
    let (mut compared, mut failures) = (0, Vec::new());
    let mut entries: Vec<_> = std::fs::read_dir(&golden_dir).unwrap().flatten().map(|e| e.path()).collect();
    entries.sort();
    for golden in entries {
        let file = golden.file_name().unwrap().to_string_lossy().to_string();
        let Some(name) = file.strip_suffix(".info.txt") else { continue };
        let skipped = NOT_TLS_OVER_TCP.contains(&name) || TSHARK_HAS_NO_DTLS13.contains(&name);
        let Some(capture) = capture_for(name).filter(|_| !skipped) else { continue };
        let ours = text_lines(&capture);
        for line in std::fs::read_to_string(&golden).unwrap().lines() {
            // "    6 0.001328527    127.0.0.1 → 127.0.0.1    TLSv1.3 1514 Server Hello, ..."
            // The protocol may have spaces ("DTLS 1.0 (OpenSSL pre 0.9.8f)"): it ends
            // before the frame length, the first number after it.
            let fields: Vec<&str> = line.split_whitespace().collect();
            let Some(frame) = fields.first().and_then(|f| f.parse::<u64>().ok()) else { continue };
            let is_number = |f: &&str| f.bytes().all(|b| b.is_ascii_digit());
            let Some(length_at) = fields.iter().skip(6).position(is_number).map(|p| p + 6) else { continue };
            let protocol = fields[5..length_at].join(" ");
            // DTLS handshake fragments: tlsdoctor marks them "[fragment]", an annotation.
            let info = fields.get(length_at + 1..).unwrap_or_default().join(" ");
            let info = info.replace(" (Fragment)", "").replace(" (Reassembled)", "");
            let tls = ["TLS", "SSL", "DTLS"].iter().any(|p| protocol.starts_with(p));
            if !tls || info.is_empty() || info.contains('[') {
                continue;
            }
            compared += 1;
            // tlsdoctor's own annotations ("[TLS starts after smtp STARTTLS]", "Client
            // Hello [retransmission of frame 1]") are extra.
            let found = ours.iter().find(|(f, _, _)| *f == frame).map(|(_, protocol, info)| {
                let items: Vec<&str> = info
                    .split(", ")
                    .filter(|item| !item.starts_with('['))
                    .map(|item| item.split(" [").next().unwrap_or(item))
                    .collect();
                (protocol.as_str(), items.join(", "))
            });
            if found.as_ref().map(|(p, i)| (*p, i.as_str())) != Some((protocol.as_str(), info.as_str())) {
                failures.push(format!("{name} frame {frame}: tshark {protocol} {info:?}, tlsdoctor {found:?}"));
            }
        }
    }
    assert!(compared >= 600, "only {compared} frames compared");
    assert!(failures.is_empty(), "{} of {compared} frames differ:\n{}", failures.len(), failures.join("\n"));
}
