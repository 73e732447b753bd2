//! Fingerprints against other implementations, on every fixture of
//! tests/fixtures/fixtures.tsv, every QUIC fixture and every capture of Wireshark's test
//! suite (goldens made by
//! tests/golden/fingerprints/make-fingerprint-golden.sh):
//! - JA3 and JA3S equal tshark 4.0's (`tls.handshake.ja3*`, `dtls.handshake.ja3*`, and
//!   over QUIC too), the string and the MD5, hello by hello;
//! - JA4, JA4S and JA4X equal those of ja4plus (FoxIO's specification implemented by
//!   another author), fingerprint and raw form, for every one it computed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tlsdoctor::fingerprint::MessageFingerprints;
use tlsdoctor::pipeline::{analyze, Config, Connection, Observer};
use tlsdoctor_tcp::Side;
use tlsdoctor_tls::stream::{AnomalyKind, Event};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

type Fingerprinted = (u64, u16, u16, Side, MessageFingerprints);

/// Every fingerprinted message of a capture (frame, client and server ports, sender),
/// and DTLS hellos sent again (frame, frame of the first copy).
#[derive(Default)]
struct Seen {
    messages: Vec<Fingerprinted>,
    hellos_again: BTreeMap<u64, u64>,
}

impl Observer for Seen {
    fn tls(&mut self, conn: &Connection, event: &Event<'_>) {
        match event {
            Event::Message(m) => {
                if let Some(f) = MessageFingerprints::of_message(m, conn.transport) {
                    self.messages.push((m.frame, conn.client.port(), conn.server.port(), m.side, f));
                }
            }
            Event::Anomaly(a) => {
                if let AnomalyKind::Retransmitted { typ: 1 | 2, first_frame, .. } = a.kind {
                    self.hellos_again.insert(a.frame, first_frame);
                }
            }
            Event::Record(_) => {}
        }
    }
}

fn fingerprints(capture: &Path) -> Seen {
    let mut seen = Seen::default();
    analyze(capture, &Config::default(), &mut seen).expect("capture is readable");
    seen
}

/// The fixtures: fixtures.tsv's rows, the QUIC captures, then Wireshark's test captures.
fn fixtures() -> Vec<PathBuf> {
    let list = std::fs::read_to_string(repo().join("tests/fixtures/fixtures.tsv")).unwrap();
    let mut out: Vec<PathBuf> = list
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| repo().join("tests/fixtures").join(l.split('\t').next().unwrap()))
        .collect();
    let mut quic: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/fixtures/quic"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcapng"))
        .collect();
    quic.sort();
    out.extend(quic);
    let mut wireshark: Vec<PathBuf> =
        std::fs::read_dir(repo().join("tests/data/wireshark/captures")).unwrap().flatten().map(|e| e.path()).collect();
    wireshark.sort();
    out.extend(wireshark);
    out
}

fn golden(capture: &Path, kind: &str) -> Option<String> {
    let name = capture.file_name().unwrap().to_string_lossy();
    std::fs::read_to_string(repo().join(format!("tests/golden/fingerprints/{name}.{kind}.tsv"))).ok()
}

/// tshark's columns for each frame with a hello: ja3_full, ja3, ja3s_full, ja3s
/// (several hellos of one frame joined with `;`).
fn ja3_rows(seen: &[Fingerprinted]) -> BTreeMap<u64, [Vec<String>; 4]> {
    let mut rows: BTreeMap<u64, [Vec<String>; 4]> = BTreeMap::new();
    for (frame, _, _, _, f) in seen {
        let row = rows.entry(*frame).or_default();
        match f {
            MessageFingerprints::Client(c) => {
                if let Some(ja3) = &c.ja3 {
                    row[0].push(ja3.raw.clone());
                    row[1].push(ja3.hash.clone());
                }
            }
            MessageFingerprints::Server(s) => {
                row[2].push(s.ja3s.raw.clone());
                row[3].push(s.ja3s.hash.clone());
            }
            MessageFingerprints::Certificates(_) => {}
        }
    }
    rows
}

/// Hellos tshark 4.0 does not read, with the reason (checked with tshark by hand).
const TSHARK_UNREAD: &[(&str, u64, &str)] = &[(
    "quic-version-negotiation-aioquic.pcapng",
    3,
    "the client's second Initial, after Version Negotiation: tshark 4.0 fails its decryption (\"Decryption (checktag) failed\")",
)];

#[test]
fn ja3_and_ja3s_equal_tshark_on_every_fixture() {
    let mut compared = 0;
    let mut failures = Vec::new();
    for capture in fixtures() {
        let Some(expected) = golden(&capture, "ja3") else {
            if capture.to_string_lossy().contains("v2draft") {
                continue; // tshark 4.0 does not read QUIC v2 draft
            }
            failures.push(format!("{}: no JA3 golden", capture.display()));
            continue;
        };
        let seen = fingerprints(&capture);
        let actual = ja3_rows(&seen.messages);
        let name = capture.file_name().unwrap().to_string_lossy().to_string();
        for line in expected.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            let frame: u64 = cols[0].parse().unwrap();
            let want: Vec<&str> = (1..5).map(|i| cols.get(i).copied().unwrap_or("")).collect();
            if want.iter().all(|c| c.is_empty()) {
                // A hello tshark computes no JA3 for (an SSLv2-format ClientHello):
                // neither may tlsdoctor.
                let got = actual.get(&frame).map(|r| r.iter().all(Vec::is_empty)).unwrap_or(true);
                if !got {
                    failures.push(format!("{name} frame {frame}: tshark has no JA3, tlsdoctor {:?}", actual[&frame]));
                }
                continue;
            }
            // tshark fingerprints a DTLS hello sent again; tlsdoctor names it a
            // retransmission of the first, whose fingerprints it must have.
            let first =
                if actual.contains_key(&frame) { frame } else { *seen.hellos_again.get(&frame).unwrap_or(&frame) };
            let got: Vec<String> =
                actual.get(&first).map(|r| r.iter().map(|v| v.join(";")).collect()).unwrap_or_default();
            compared += 1;
            if got != want {
                failures.push(format!("{name} frame {frame}:\n  tshark    {want:?}\n  tlsdoctor {got:?}"));
            }
        }
        // And no hello tshark did not fingerprint, but those it cannot read.
        let frames: Vec<u64> = expected.lines().filter_map(|l| l.split('\t').next()?.parse().ok()).collect();
        for (frame, row) in &actual {
            let unread = TSHARK_UNREAD.iter().any(|(c, f, _)| *c == name && f == frame);
            if !row.iter().all(Vec::is_empty) && !frames.contains(frame) && !unread {
                failures.push(format!("{name} frame {frame}: a JA3 tshark does not compute: {row:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} difference(s):\n{}", failures.len(), failures.join("\n"));
    assert!(compared >= 150, "only {compared} frames compared");
}

/// Lines of the ja4plus goldens that misread the capture (tshark's JA3 of the same
/// hellos, compared above, agrees with tlsdoctor's reading): capture, fingerprint type,
/// why.
const JA4PLUS_MISREADS: &[(&str, &str, &str)] = &[
    (
        "tls-fragmented-handshakes.pcap.gz",
        "",
        "hellos split over several TLS records: ja4plus reads record headers as their fields (extension 1603)",
    ),
    (
        "tls13-20-chacha20poly1305.pcap",
        "ja4s",
        "a TLS 1.3 draft 20 ServerHello has no session_id nor compression_method: ja4plus reads the final layout",
    ),
    (
        "hostile-names.pcapng",
        "ja4",
        "the first ALPN value, <b>h2</b>\\x1b[31m, is not alphanumeric at either end: the JA4 specification takes the first and last hex digits (3d), ja4plus the characters (<m)",
    ),
];

#[test]
fn ja4_ja4s_ja4x_equal_ja4plus_on_every_fixture() {
    let mut compared = 0;
    let mut skipped = vec![0; JA4PLUS_MISREADS.len()];
    let mut failures = Vec::new();
    for capture in fixtures() {
        let name = capture.file_name().unwrap().to_string_lossy().to_string();
        let Some(expected) = golden(&capture, "ja4") else {
            failures.push(format!("{name}: no JA4 golden"));
            continue;
        };
        // tlsdoctor's, as ja4plus lists them: (type, sender's port, receiver's port).
        let mut ours: Vec<(String, u16, u16, String, String)> = Vec::new();
        for (_, client, server, side, f) in fingerprints(&capture).messages {
            let (from, to) = if side == Side::Client { (client, server) } else { (server, client) };
            match f {
                MessageFingerprints::Client(c) => ours.push(("ja4".into(), from, to, c.ja4.hash, c.ja4.raw)),
                MessageFingerprints::Server(s) => ours.push(("ja4s".into(), from, to, s.ja4s.hash, s.ja4s.raw)),
                MessageFingerprints::Certificates(chain) => {
                    ours.extend(chain.into_iter().flatten().map(|x| ("ja4x".into(), from, to, x.hash, x.raw)));
                }
            }
        }
        for line in expected.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            let [typ, from, to, hash, raw] = cols[..] else {
                failures.push(format!("{name}: bad golden line {line:?}"));
                continue;
            };
            let misread = JA4PLUS_MISREADS.iter().position(|(c, t, _)| *c == name && (t.is_empty() || *t == typ));
            if let Some(i) = misread {
                skipped[i] += 1;
                continue;
            }
            compared += 1;
            let same_place = |o: &&(String, u16, u16, String, String)| {
                o.0 == typ && o.1.to_string() == from && o.2.to_string() == to
            };
            if !ours.iter().filter(same_place).any(|o| o.3 == hash && o.4 == raw) {
                let got: Vec<_> = ours.iter().filter(same_place).map(|o| (&o.3, &o.4)).collect();
                failures.push(format!("{name} {typ} {from}→{to}:\n  ja4plus   {hash} {raw}\n  tlsdoctor {got:?}"));
            }
        }
    }
    for ((capture, _, why), n) in JA4PLUS_MISREADS.iter().zip(&skipped) {
        assert!(*n > 0, "{capture}: no line skipped, though ja4plus was said to misread it ({why})");
    }
    assert!(failures.is_empty(), "{} difference(s):\n{}", failures.len(), failures.join("\n"));
    assert!(compared >= 250, "only {compared} fingerprints compared");
}

/// The diagnose report carries the fingerprints of the connection's last ClientHello
/// and ServerHello (after a HelloRetryRequest, the second of each), with the
/// transport's letter, and the JA4X of both chains.
#[test]
fn diagnose_reports_the_hellos_fingerprints() {
    let cases = [
        ("tests/fixtures/tls13-hrr.pcapng", 't'),
        ("tests/fixtures/tls12-mtls-large-chain.pcapng", 't'),
        ("tests/fixtures/dtls/dtls12-ok.pcapng", 'd'),
        ("tests/fixtures/quic/aioquic-client-ngtcp2-server.pcapng", 'q'),
    ];
    let options = tlsdoctor::diagnose::Options::default();
    for (path, letter) in cases {
        let capture = repo().join(path);
        let reports = tlsdoctor::diagnose::diagnose_capture(&capture, &Config::default(), &options).unwrap();
        let [report] = &reports[..] else { panic!("{path}: {} connections", reports.len()) };
        let seen = fingerprints(&capture).messages;
        let last_client = seen.iter().rev().find_map(|(.., f)| match f {
            MessageFingerprints::Client(c) => Some(c.clone()),
            _ => None,
        });
        let last_server = seen.iter().rev().find_map(|(.., f)| match f {
            MessageFingerprints::Server(s) => Some(s.clone()),
            _ => None,
        });
        let (client, server) = (last_client.unwrap(), last_server.unwrap());
        let f = &report.fingerprints;
        assert_eq!(f.ja4.as_deref(), Some(client.ja4.hash.as_str()), "{path}");
        assert_eq!(f.ja4_r.as_deref(), Some(client.ja4.raw.as_str()), "{path}");
        assert_eq!(f.ja3.as_deref(), client.ja3.as_ref().map(|j| j.hash.as_str()), "{path}");
        assert_eq!(f.ja3s.as_deref(), Some(server.ja3s.hash.as_str()), "{path}");
        assert_eq!(f.ja4s.as_deref(), Some(server.ja4s.hash.as_str()), "{path}");
        assert!(f.ja4.as_deref().unwrap().starts_with(letter), "{path}: {:?}", f.ja4);
        assert!(f.ja4s.as_deref().unwrap().starts_with(letter), "{path}: {:?}", f.ja4s);
    }
}
