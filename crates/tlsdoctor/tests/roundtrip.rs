//! Decryption round trips with real peers: openssl s_client/s_server and GnuTLS over
//! loopback (tests/fixtures/roundtrip, made by make-roundtrip.sh). Each case holds the
//! capture, the client's key log and the exact application data each side sent;
//! `tlsdoctor decrypt --out-dir` must give back those bytes, byte for byte, for every
//! connection and direction.
//!
//! The table is tests/fixtures/roundtrip/cases.tsv (one line per case, written by the
//! script): name, connections, RSA key (RSA key exchange: the server key alone must
//! decrypt), PSK (plain PSK suite: the PSK alone must decrypt), resume-from-first (TLS 1.2
//! resumption: the first connection's key log line alone must decrypt both), description.
//! Known failures are listed in KNOWN_FAILURES with their reason; a check listed there
//! that starts passing fails the test so that the list stays true.

mod common;
use common::{difference, Scratch};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const PSK_SUITE_RSA: &str = "-rsa-psk-";

/// (case name prefix, check, reason)
/// None today: RSA_PSK and OpenSSL's post-KeyUpdate key log lines once were.
const KNOWN_FAILURES: &[(&str, &str, &str)] = &[];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/roundtrip")
}

fn pki(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/pki").join(file)
}

struct Case {
    name: String,
    connections: usize,
    rsa_key: Option<String>,
    psk: Option<String>,
    resume_from_first: bool,
    description: String,
}

fn cases() -> Vec<Case> {
    let table = std::fs::read_to_string(dir().join("cases.tsv")).expect("cases.tsv");
    let opt = |s: &str| (s != "-").then(|| s.to_string());
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 6, "cases.tsv line {l:?}");
            Case {
                name: f[0].into(),
                connections: f[1].parse().unwrap(),
                rsa_key: opt(f[2]),
                psk: opt(f[3]),
                resume_from_first: f[4] == "yes",
                description: f[5].into(),
            }
        })
        .collect()
}

fn tlsdoctor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .args(args)
        .env_remove("SSLKEYLOGFILE")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `decrypt --out-dir` with ARGS; the problems with the files it wrote.
fn decrypt_problems(case: &Case, args: &[&str]) -> Vec<String> {
    let out_dir = Scratch::new(&case.name);
    let capture = dir().join(format!("{}.pcapng", case.name));
    let mut all = vec!["decrypt", capture.to_str().unwrap(), "--out-dir", out_dir.path().to_str().unwrap()];
    all.extend_from_slice(args);
    let out = tlsdoctor(&all);
    let mut problems = Vec::new();
    if !out.status.success() {
        problems.push(format!("exit status {}: {}", out.status, text(&out.stderr).trim()));
    }
    for conn in 1..=case.connections {
        let prefix = if conn == 1 { case.name.clone() } else { format!("{}.{conn}", case.name) };
        for side in ["client", "server"] {
            let expected = std::fs::read(dir().join(format!("{prefix}.{side}.bin"))).unwrap();
            match std::fs::read(out_dir.join(format!("conn-{conn}-{side}.bin"))) {
                Err(_) => problems.push(format!("conn-{conn}-{side}.bin not written")),
                Ok(got) => {
                    if let Some(d) = difference(&expected, &got) {
                        problems.push(format!("conn {conn} {side} data: {d}"));
                    }
                }
            }
        }
    }
    let extra = out_dir.join(format!("conn-{}-client.bin", case.connections + 1));
    if extra.exists() {
        problems.push(format!("more than {} connection(s) found", case.connections));
    }
    problems
}

/// Every check of one case: (check name, problems).
type CheckResults = Vec<(&'static str, Vec<String>)>;

fn run_case(case: &Case) -> CheckResults {
    let d = dir();
    let keylog = d.join(format!("{}.keylog", case.name));
    let keylog = keylog.to_str().unwrap();
    let mut results = Vec::new();

    // the key log, and nothing on stderr about it
    let capture = d.join(format!("{}.pcapng", case.name));
    results.push(("keylog", decrypt_problems(case, &["--keylog", keylog])));
    let quiet = tlsdoctor(&["decrypt", capture.to_str().unwrap(), "--keylog", keylog]);
    let stderr = text(&quiet.stderr);
    results.push(("keylog-quiet", if stderr.trim().is_empty() { vec![] } else { vec![format!("stderr: {stderr}")] }));

    // dissect: every record decrypts
    let out = tlsdoctor(&["dissect", "--format", "json", "--keylog", keylog, capture.to_str().unwrap()]);
    let mut problems = Vec::new();
    if !out.status.success() {
        problems.push(format!("dissect exit status {}", out.status));
    }
    for line in text(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        if v.get("anomaly").is_some() || v["encrypted"] == true {
            problems.push(line.to_string());
        }
    }
    results.push(("dissect", problems));

    let keylog_text = std::fs::read_to_string(keylog).unwrap();
    let keylogs = Scratch::new(&case.name);
    let scratch_keylog = |name: &str, lines: Vec<&str>| {
        let p = keylogs.join(name);
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
        p
    };
    if let Some(key) = &case.rsa_key {
        let key = pki(key);
        results.push(("rsa-key", decrypt_problems(case, &["--rsa-key", key.to_str().unwrap()])));
        // the old `RSA <encrypted premaster prefix> <premaster>` key log form, alone
        let rsa_lines: Vec<&str> = keylog_text.lines().filter(|l| l.starts_with("RSA ")).collect();
        if !rsa_lines.is_empty() {
            let p = scratch_keylog("rsa-lines.keylog", rsa_lines);
            results.push(("keylog-rsa-lines", decrypt_problems(case, &["--keylog", p.to_str().unwrap()])));
        }
    }
    if let Some(psk) = &case.psk {
        results.push(("psk", decrypt_problems(case, &["--psk", psk])));
    }
    if case.name.contains(PSK_SUITE_RSA) {
        let key = pki("server-rsa.key");
        let psk = "1a2b3c4d5e6f708192a3b4c5d6e7f8010f1e2d3c4b5a69788796a5b4c3d2e1f0";
        results.push(("rsa-key+psk", decrypt_problems(case, &["--rsa-key", key.to_str().unwrap(), "--psk", psk])));
    }
    if case.resume_from_first {
        // only the first connection's master secret: the resumed one must find it
        let first = keylog_text.lines().find(|l| l.starts_with("CLIENT_RANDOM ")).unwrap();
        let p = scratch_keylog("first.keylog", vec![first]);
        results.push(("first-connection-keylog-only", decrypt_problems(case, &["--keylog", p.to_str().unwrap()])));
    }
    results
}

fn known(case: &str, check: &str) -> Option<&'static str> {
    KNOWN_FAILURES.iter().find(|(prefix, c, _)| case.starts_with(prefix) && *c == check).map(|(_, _, why)| *why)
}

#[test]
fn decrypted_application_data_equals_what_the_peers_sent() {
    let cases = cases();
    assert!(cases.len() >= 100, "only {} round-trip cases", cases.len());

    // the table and the directory agree
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().to_str().and_then(|n| n.strip_suffix(".pcapng")).map(String::from))
        .collect();
    names.sort();
    let mut listed: Vec<String> = cases.iter().map(|c| c.name.clone()).collect();
    listed.sort();
    assert_eq!(names, listed, "the captures in tests/fixtures/roundtrip and cases.tsv differ");

    // run the cases on a few threads
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get()).min(8);
    let next = AtomicUsize::new(0);
    let results: Vec<(usize, CheckResults)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(case) = cases.get(i) else { break };
                        mine.push((i, run_case(case)));
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });

    let mut failures = Vec::new();
    let mut known_seen = Vec::new();
    let mut checks = 0;
    for (i, checks_of_case) in results {
        let case = &cases[i];
        for (check, problems) in checks_of_case {
            checks += 1;
            match (known(&case.name, check), problems.is_empty()) {
                (None, true) => {}
                (None, false) => failures.push(format!(
                    "{} [{}] ({}):\n    {}",
                    case.name,
                    check,
                    case.description,
                    problems.iter().take(4).cloned().collect::<Vec<_>>().join("\n    ")
                )),
                (Some(_), false) => known_seen.push(format!("{} [{check}]", case.name)),
                (Some(why), true) => failures.push(format!(
                    "{} [{check}] passes but is listed in KNOWN_FAILURES ({why}): remove it from the list",
                    case.name
                )),
            }
        }
    }
    eprintln!("{} cases, {checks} checks, {} known failures: {}", cases.len(), known_seen.len(), known_seen.join(", "));
    assert!(failures.is_empty(), "{} round-trip failure(s):\n{}", failures.len(), failures.join("\n"));
}
