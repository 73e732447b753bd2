//! Nothing is lost (issue 6): every TCP connection that carries TLS appears in the
//! report. For every capture of tests/golden/hello-counts.tsv (our fixtures, the diagnose
//! fixtures, the sample, and Wireshark's test captures of TLS over TCP), `diagnose`
//! lists as many connections as tshark finds TCP streams with TLS, and `dissect` finds as
//! many ClientHello and ServerHello messages as tshark. Regenerate the counts with
//! tests/golden/make-hello-counts.sh.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// One line of hello-counts.tsv.
struct Expected {
    path: String,
    client_hellos: usize,
    server_hellos: usize,
    tls_streams: usize,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn expected() -> Vec<Expected> {
    let table = std::fs::read_to_string(repo().join("tests/golden/hello-counts.tsv")).unwrap();
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 5, "hello-counts.tsv: {l}");
            Expected {
                path: f[0].to_string(),
                client_hellos: f[2].parse().unwrap(),
                server_hellos: f[3].parse().unwrap(),
                tls_streams: f[4].parse().unwrap(),
            }
        })
        .collect()
}

fn tlsdoctor(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SSLKEYLOGFILE")
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "tlsdoctor {args:?}: {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// What tlsdoctor counts in one capture: (connections, ClientHellos, ServerHellos).
fn count(path: &Path) -> (usize, usize, usize) {
    let path = path.to_str().unwrap();
    let report: Value = serde_json::from_slice(&tlsdoctor(&["diagnose", "--format", "json", path])).unwrap();
    let connections = report["connections"].as_array().unwrap().len();
    let dissected = tlsdoctor(&["dissect", "--format", "json", path]);
    let (mut client_hellos, mut server_hellos) = (0, 0);
    for line in String::from_utf8(dissected).unwrap().lines() {
        let line: Value = serde_json::from_str(line).unwrap();
        // Hellos sent in clear only: tlsdoctor decrypts with secrets embedded in a pcapng
        // (tls12-dsb.pcapng), and its decrypted messages are not tshark's clear ones.
        if line["decrypted"] == true {
            continue;
        }
        client_hellos += usize::from(line["handshake_type"] == 1);
        server_hellos += usize::from(line["handshake_type"] == 2);
    }
    (connections, client_hellos, server_hellos)
}

/// A capture added to the fixtures without a count would escape the check.
#[test]
fn every_fixture_has_a_count() {
    let listed: Vec<String> = expected().into_iter().map(|e| e.path).collect();
    let root = repo();
    for dir in [
        "tests/fixtures",
        "tests/fixtures/diagnose",
        "tests/fixtures/field",
        "tests/fixtures/browser",
        "tests/fixtures/legacy",
        "samples",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let path = format!("{dir}/{name}");
            if name.contains(".pcap") && !listed.contains(&path) {
                panic!("{path} is not in tests/golden/hello-counts.tsv: run tests/golden/make-hello-counts.sh");
            }
        }
    }
}

#[test]
fn every_tls_connection_and_hello_that_tshark_sees_is_reported() {
    let expected = expected();
    assert!(expected.len() >= 40, "hello-counts.tsv lists {} captures", expected.len());
    let root = repo();
    let present: Vec<&Expected> = expected.iter().collect();
    for e in &present {
        assert!(root.join(&e.path).exists(), "{} is missing", e.path);
    }
    // A debug binary per capture, two runs each: in parallel, a few at a time.
    let root = root.as_path();
    let results: Vec<(usize, usize, usize)> = std::thread::scope(|s| {
        let chunks: Vec<Vec<&Expected>> = present.chunks(present.len().div_ceil(8)).map(<[_]>::to_vec).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| s.spawn(move || chunk.iter().map(|e| count(&root.join(&e.path))).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.len(), present.len());
    let mut wrong = Vec::new();
    for (e, got) in present.iter().zip(results) {
        let want = (e.tls_streams, e.client_hellos, e.server_hellos);
        if got != want {
            wrong.push(format!(
                "{}: tshark {} TLS streams, {} ClientHello, {} ServerHello; tlsdoctor {} connections, {} ClientHello, {} ServerHello",
                e.path, want.0, want.1, want.2, got.0, got.1, got.2
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
