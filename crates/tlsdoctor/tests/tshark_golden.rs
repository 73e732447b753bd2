//! For every capture with a tshark golden file (tests/golden, made by make-golden.sh),
//! the frames, handshake types and record content types tlsdoctor finds equal tshark's.

use std::path::{Path, PathBuf};

use tlsdoctor::dissect::FieldsPrinter;
use tlsdoctor::pipeline::{analyze, Config};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where a golden file's capture lives: our fixtures, or the shared Wireshark captures.
fn capture_for(name: &str) -> Option<PathBuf> {
    let candidates =
        [repo().join("tests/fixtures").join(name), repo().join("../shared/testdata/wireshark/captures").join(name)];
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

/// The fields tlsdoctor prints, decrypting with the secrets embedded in the capture as
/// tshark does (tls12-dsb.pcapng: the Finished messages are then named).
fn dissect_fields(capture: &Path) -> String {
    let (keys, problems) = tlsdoctor::decrypt::secrets::embedded(capture).expect("capture is readable");
    assert!(problems.is_empty(), "{problems:?}");
    let keys = tlsdoctor::decrypt::Keys::from_keylog(keys);
    let config = Config { keys: (!keys.is_empty()).then(|| std::sync::Arc::new(keys)), ..Config::default() };
    let mut printer = FieldsPrinter::new(Vec::new());
    analyze(capture, &config, &mut printer).expect("capture is readable");
    String::from_utf8(printer.finish().unwrap()).unwrap()
}

/// QUIC carries its handshake in CRYPTO frames of encrypted packets: not TLS over TCP.
const NOT_TLS_OVER_TCP: &[&str] = &["quic-fragmented-handshakes.pcapng.gz"];

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
