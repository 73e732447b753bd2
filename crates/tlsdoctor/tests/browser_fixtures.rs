//! The browser and refusal captures of tests/fixtures/browser (issue 15, points 5, 7, 8;
//! made by make-browser-captures.sh), read with their key logs: tlsdoctor finds the same
//! connections, the same handshake messages and alerts in the same frames, and the same
//! FINs and resets as tshark (tests/golden/browser/NAME.events.tsv, made by
//! make-browser-events.sh). The verdicts on these captures are diagnose's tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tlsdoctor::decrypt::{secrets, Keys};
use tlsdoctor::pipeline::{analyze, Config, Connection, Observer};
use tlsdoctor_tcp::Close;
use tlsdoctor_tls::stream::{Event, MessageKind};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Handshake types and alerts (level, description) by the frame that completed them.
type Messages = BTreeMap<u64, (Vec<u8>, Vec<(u8, u8)>)>;

/// What tshark or tlsdoctor saw in one capture.
#[derive(Debug, Default, PartialEq)]
struct Seen {
    connections: usize,
    messages: Messages,
    /// How each side first closed (a FIN or a reset), and in which frame. A reset after
    /// the same side's FIN (nginx answering data after its close) is not a first close.
    closes: BTreeSet<(u64, Ending)>,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
enum Ending {
    Fin,
    Reset,
}

/// Reads a golden: frame, tcp.stream, srcport, fin, rst, handshake types, alert levels,
/// alert descriptions, http.response.code, http2.headers.status.
fn tshark(golden: &str) -> Seen {
    let mut seen = Seen::default();
    let mut streams = BTreeSet::new();
    let mut first_close = BTreeMap::new();
    let numbers =
        |field: &str| -> Vec<u8> { field.split(',').filter(|s| !s.is_empty()).map(|s| s.parse().unwrap()).collect() };
    for line in golden.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let frame: u64 = cols[0].parse().unwrap();
        let side = (cols[1].to_string(), cols[2].to_string());
        streams.insert(cols[1].to_string());
        if cols[3] == "1" {
            first_close.entry(side).or_insert((frame, Ending::Fin));
        } else if cols[4] == "1" {
            first_close.entry(side).or_insert((frame, Ending::Reset));
        }
        let (types, levels, descriptions) = (numbers(cols[5]), numbers(cols[6]), numbers(cols[7]));
        if !types.is_empty() || !levels.is_empty() {
            seen.messages.insert(frame, (types, levels.into_iter().zip(descriptions).collect()));
        }
    }
    seen.connections = streams.len();
    seen.closes = first_close.into_values().collect();
    seen
}

impl Observer for Seen {
    fn tls(&mut self, _conn: &Connection, event: &Event<'_>) {
        let Event::Message(m) = event else { return };
        let entry = || (Vec::new(), Vec::new());
        match m.kind {
            MessageKind::Handshake { typ, .. } => self.messages.entry(m.frame).or_insert_with(entry).0.push(typ),
            MessageKind::Alert { level, description } => {
                self.messages.entry(m.frame).or_insert_with(entry).1.push((level, description))
            }
            _ => {}
        }
    }

    fn connection_ended(&mut self, conn: &Connection) {
        self.connections += 1;
        for (how, frame) in conn.closed.iter().flatten() {
            let ending = match how {
                Close::Fin => Ending::Fin,
                Close::Reset { .. } => Ending::Reset,
            };
            self.closes.insert((*frame, ending));
        }
    }
}

fn tlsdoctor(capture: &Path) -> Seen {
    let keylog = capture.with_extension("keylog");
    let keys = keylog.exists().then(|| {
        let (keys, problems) = secrets::load_keylog(&keylog).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        Arc::new(Keys::from_keylog(keys))
    });
    let mut seen = Seen::default();
    analyze(capture, &Config { keys, ..Config::default() }, &mut seen).expect("capture is readable");
    seen
}

#[test]
fn messages_alerts_and_closes_are_where_tshark_finds_them() {
    let goldens = repo().join("tests/golden/browser");
    let mut names: Vec<String> = std::fs::read_dir(&goldens)
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".events.tsv").map(str::to_string))
        .collect();
    names.sort();
    assert!(names.len() >= 17, "{names:?}");
    let mut wrong = Vec::new();
    for name in &names {
        let expected = tshark(&std::fs::read_to_string(goldens.join(format!("{name}.events.tsv"))).unwrap());
        let capture = repo().join("tests/fixtures/browser").join(format!("{name}.pcapng"));
        let found = tlsdoctor(&capture);
        if found != expected {
            wrong.push(format!("{name}:\n  tshark    {expected:?}\n  tlsdoctor {found:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The facts the README states and the integrator's diagnosis tests build on.
#[test]
fn the_refusals_are_in_the_frames_the_readme_names() {
    let seen = |name: &str| tlsdoctor(&repo().join("tests/fixtures/browser").join(format!("{name}.pcapng")));
    // Point 5: the ClientHello and the server's fatal handshake_failure, nothing else.
    for name in ["rsa-kx-refused-openssl", "rsa-kx-refused-curl", "rsa-kx-refused-python"] {
        let s = seen(name);
        assert_eq!(s.connections, 1, "{name}");
        assert_eq!(s.messages, BTreeMap::from([(4, (vec![1], vec![])), (6, (vec![], vec![(2, 40)]))]), "{name}");
    }
    // Point 7: Chromium's first two connections end with its FIN after the server's
    // flight with a CertificateRequest (13), without an alert.
    let s = seen("chromium-cert-request-tls12");
    assert_eq!(s.connections, 3);
    assert_eq!(s.messages[&15].0, vec![2, 11, 12, 13, 14]);
    assert!(s.closes.contains(&(19, Ending::Fin)) && s.closes.contains(&(20, Ending::Fin)));
    assert!(s.messages.values().all(|(_, alerts)| alerts.is_empty()));
    // Point 8, HTTP/1.1 400: nginx's FIN is its first close; its reset to the client's
    // late close_notify comes after it.
    let s = seen("nginx-400-no-cert-h1");
    assert_eq!(s.messages[&13].1, vec![(1, 0)]);
    assert!(s.closes.contains(&(14, Ending::Fin)) && !s.closes.iter().any(|c| c.1 == Ending::Reset));
    let s = seen("chromium-untrusted-ca-tls13");
    assert_eq!((s.messages[&19].1.clone(), s.messages[&21].1.clone()), (vec![(2, 46)], vec![(2, 46)]));
}
