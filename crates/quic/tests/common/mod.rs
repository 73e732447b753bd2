//! Reading a real capture through the tracker: UDP datagrams of every frame, secrets
//! from the capture's decryption-secrets blocks or a key log file, and the events in a
//! form tests can compare.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tlsdoctor_capture::{CaptureReader, DecryptionSecrets};
use tlsdoctor_keys::{parse_keylog, KeyLog};
use tlsdoctor_net::{Decoded, Decoder};
use tlsdoctor_quic::{CloseCode, QuicEvent, QuicEventKind, QuicTracker};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The TLS key logs of a pcapng's decryption-secrets blocks, and the problems reading them.
pub fn embedded_keylog(path: &Path) -> (KeyLog, Vec<String>) {
    let mut reader = CaptureReader::open(path).expect("capture opens");
    while let Ok(Some(_)) = reader.next_frame() {}
    let mut keys = KeyLog::new();
    let mut problems = Vec::new();
    for block in reader.decryption_secrets() {
        if block.secrets_type == DecryptionSecrets::TLS_KEY_LOG {
            let (k, p) = parse_keylog(&block.data);
            keys.merge(&k);
            problems.extend(p.iter().map(|p| format!("line {}: {}", p.line, p.reason)));
        }
    }
    (keys, problems)
}

/// Feeds every UDP datagram of a capture to a tracker; `each` sees every event.
pub fn track(path: &Path, keys: Option<&KeyLog>, mut each: impl FnMut(&QuicEvent<'_>)) -> QuicTracker {
    let mut reader = CaptureReader::open(path).expect("capture opens");
    let mut decoder = Decoder::default();
    let mut tracker = QuicTracker::new();
    while let Some(frame) = reader.next_frame().expect("capture reads") {
        let number = frame.number;
        let Ok(Decoded::Udp(d)) = decoder.decode(frame.link_type, frame.data, frame.timestamp) else { continue };
        let secrets = keys.map(|k| k as &dyn tlsdoctor_quic::QuicSecrets);
        tracker.datagram(d.src, d.dst, d.payload, number, secrets, &mut |e| each(&e));
    }
    tracker
}

/// Handshake message types by the frame that completed them, as tshark's
/// `-T fields -e frame.number -e tls.handshake.type -E occurrence=a -E aggregator=,` prints.
pub fn handshake_rows(path: &Path, keys: Option<&KeyLog>) -> String {
    let mut rows: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    track(path, keys, |e| {
        if let QuicEventKind::Handshake { typ, .. } = e.kind {
            rows.entry(e.frame).or_default().push(typ.to_string());
        }
    });
    rows.iter().map(|(f, t)| format!("{f}\t{}\n", t.join(","))).collect()
}

/// CONNECTION_CLOSE frames, as make-quic-golden.sh has tshark print them, a row a capture
/// frame (whose coalesced packets may each carry one): frame, frame types (28 transport,
/// 29 application), transport error codes, application error codes, TLS alerts of
/// CRYPTO_ERRORs, each a comma-separated list.
pub fn close_rows(path: &Path, keys: Option<&KeyLog>) -> String {
    let mut rows: BTreeMap<u64, [Vec<String>; 4]> = BTreeMap::new();
    track(path, keys, |e| {
        if let QuicEventKind::ConnectionClose { code, .. } = e.kind {
            let [types, transport, app, alerts] = rows.entry(e.frame).or_default();
            match code {
                CloseCode::Transport(c) => transport.push(c.to_string()),
                CloseCode::TlsAlert(a) => {
                    transport.push(code.code().to_string());
                    alerts.push(a.to_string());
                }
                CloseCode::Application(c) => app.push(c.to_string()),
            }
            types.push(if matches!(code, CloseCode::Application(_)) { "29" } else { "28" }.to_string());
        }
    });
    rows.iter()
        .map(|(f, columns)| format!("{f}\t{}\n", columns.iter().map(|c| c.join(",")).collect::<Vec<_>>().join("\t")))
        .collect()
}

/// A golden file's rows (tests/golden/quic/NAME.handshakes.tsv, or NAME.closes.tsv).
pub fn golden(name: &str) -> String {
    golden_file(&format!("{name}.handshakes.tsv"))
}

pub fn golden_file(file: &str) -> String {
    let path = repo().join("tests/golden/quic").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
