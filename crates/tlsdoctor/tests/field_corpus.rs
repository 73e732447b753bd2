//! Field truth (issue 15) on the committed sample of the field corpus
//! (tests/fixtures/field-corpus, made by make-sample.sh with field/generate.py --small):
//! real clients (curl, openssl s_client, gnutls-cli, httpx, Go, Node.js, wget) against real
//! servers (nginx, openssl s_server, gnutls-serv, Python, Go, Node.js, HAProxy, lighttpd,
//! Apache), good and failing, with killed and stalled clients and a path that drops the
//! client's data. Its truth.jsonl is what the peers said
//! (exit statuses, output, server logs), never tlsdoctor; each connection went to a server
//! address of its own, the key between the truth and the report.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use tlsdoctor::decrypt::{secrets, Keys};
use tlsdoctor::diagnose::{diagnose_capture, ConnectionReport, Options, Outcome};
use tlsdoctor::pipeline::Config;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/field-corpus").join(name)
}

struct Truth {
    id: u64,
    server_addr: String,
    client: String,
    scenario: String,
    /// "ok", "failed", or "unknown" (a client killed before the server accepted).
    truth: String,
    evidence: String,
}

fn truths() -> Vec<Truth> {
    let text = std::fs::read_to_string(sample("truth.jsonl")).unwrap();
    let field = |v: &Value, k: &str| v[k].as_str().unwrap_or_else(|| panic!("{k} in {v}")).to_string();
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            Truth {
                id: v["id"].as_u64().unwrap(),
                server_addr: field(&v, "server_addr"),
                client: field(&v, "client"),
                scenario: field(&v, "scenario"),
                truth: field(&v, "truth"),
                evidence: field(&v, "client_evidence"),
            }
        })
        .collect()
}

fn diagnose(with_keys: bool) -> HashMap<String, Vec<ConnectionReport>> {
    let keys = with_keys.then(|| {
        let (keylog, problems) = secrets::load_keylog(&sample("field-corpus.keylog")).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        Arc::new(Keys::from_keylog(keylog))
    });
    let config = Config { keys: keys.clone(), ..Config::default() };
    let reports =
        diagnose_capture(&sample("field-corpus.pcapng"), &config, &Options { keys, ..Options::default() }).unwrap();
    let mut by_server: HashMap<String, Vec<ConnectionReport>> = HashMap::new();
    for r in reports {
        by_server.entry(r.server.ip.clone()).or_default().push(r);
    }
    by_server
}

/// The finding codes that name each failing scenario's cause. Without keys a TLS 1.3
/// handshake's certificates are encrypted: keys-missing is then the right cause.
fn causes(scenario: &str) -> &'static [&'static str] {
    match scenario {
        "wrong-ca" => &["certificate-trust-unknown", "certificate-untrusted", "certificate-untrusted-by-peer"],
        "expired" => &["certificate-expired"],
        "name-mismatch" => &["certificate-name-mismatch"],
        "no-client-cert" => &["client-certificate-missing"],
        "no-common-suite" => &["no-common-cipher-suite", "handshake-refused"],
        "no-common-version" => &["no-common-version", "handshake-refused"],
        "sni-refused" => &["server-name-unrecognized"],
        _ => &[], // stall, blackhole, killed: a close, no certificate or offer to blame
    }
}

/// Clients that check the server's certificate after the handshake finished and leave
/// without an alert (curl the host name, wget on GnuTLS and Node.js the whole chain;
/// field/clients.py POST_HANDSHAKE_CHECKS; field/MISMATCHES.md).
fn refuses_after_the_server_flight(t: &Truth) -> bool {
    match t.client.as_str() {
        "curl" => t.scenario == "name-mismatch",
        "wget" | "node" => ["expired", "wrong-ca", "name-mismatch"].contains(&t.scenario.as_str()),
        _ => false,
    }
}

/// A client that refuses the server's certificate after the handshake, for a reason the
/// capture cannot show (its CA store), leaves as a probe does: `incomplete`
/// (client-left-after-handshake), keys or not.
fn cannot_tell_from_a_probe(t: &Truth, r: &ConnectionReport) -> bool {
    refuses_after_the_server_flight(t) && r.findings.iter().any(|f| f.code == "client-left-after-handshake")
}

/// Node.js closes with a bare FIN after a TLS 1.3 server flight with a CertificateRequest
/// when it refuses the server's certificate; tlsdoctor takes that for a browser choosing
/// a client certificate (client-certificate-choice, `incomplete`) although no retry ever
/// comes (field/MISMATCHES.md). Allowed only so, until that is told apart.
fn known_choice_miss(t: &Truth, r: &ConnectionReport) -> bool {
    t.client == "node"
        && refuses_after_the_server_flight(t)
        && r.findings.iter().any(|f| f.code == "client-certificate-choice")
}

fn has_cause(r: &ConnectionReport, scenario: &str, with_keys: bool) -> bool {
    let wanted = causes(scenario);
    let tls13_without_keys = !with_keys && r.version.as_deref() == Some("TLS 1.3");
    // A client with another CA that leaves without an alert says nothing of why, and its
    // trust store is not in the capture.
    let client_alerted = r.alert.as_ref().is_some_and(|a| a.sender == "client");
    wanted.is_empty()
        || (scenario == "wrong-ca" && !client_alerted)
        || r.findings.iter().any(|f| wanted.contains(&f.code) || (tls13_without_keys && f.code == "keys-missing"))
}

fn check(with_keys: bool) {
    let truths = truths();
    let reports = diagnose(with_keys);
    let mut problems = Vec::new();
    let (mut oks, mut failures) = (0, 0);
    for t in &truths {
        let conns = reports.get(&t.server_addr).map(Vec::as_slice).unwrap_or_default();
        let label =
            format!("#{} {} {} ({}): peers {} [{}]", t.id, t.client, t.scenario, t.server_addr, t.truth, t.evidence);
        if t.truth == "unknown" {
            continue; // killed before the server accepted: nothing the peers can vouch for
        }
        if conns.is_empty() && t.scenario == "killed" && t.truth == "failed" {
            continue; // killed before its ClientHello: no TLS connection to report
        }
        let [r] = conns else {
            problems.push(format!("{label}: {} TLS connections reported, not 1", conns.len()));
            continue;
        };
        let codes: Vec<_> = r.findings.iter().map(|f| f.code).collect();
        let said = format!("tlsdoctor {:?}, frames {}-{}, {codes:?}", r.outcome, r.first_frame, r.last_frame);
        match (t.truth.as_str(), r.outcome) {
            ("ok", Outcome::Ok) => oks += 1,
            ("ok", _) => problems.push(format!("{label}: {said} (a good connection not called ok)")),
            ("failed", Outcome::Failed) => {
                failures += 1;
                if !has_cause(r, &t.scenario, with_keys) {
                    problems.push(format!("{label}: {said}, not the cause {:?}", causes(&t.scenario)));
                }
            }
            ("failed", Outcome::Incomplete)
                if !with_keys || known_choice_miss(t, r) || cannot_tell_from_a_probe(t, r) =>
            {
                failures += 1
            }
            ("failed", _) => problems.push(format!("{label}: {said} (a failure not called failed)")),
            (other, _) => problems.push(format!("{label}: unknown truth {other}")),
        }
    }
    let known: Vec<_> = truths.iter().map(|t| t.server_addr.as_str()).collect();
    let strays: Vec<_> = reports.keys().filter(|a| !known.contains(&a.as_str())).collect();
    assert!(strays.is_empty(), "connections with no truth line: {strays:?}");
    assert!(problems.is_empty(), "with keys: {with_keys}\n{}", problems.join("\n"));
    // The sample holds both kinds, so the loop above judged something.
    assert!(oks >= 5 && failures >= 20, "{oks} ok, {failures} failed");
}

#[test]
fn without_keys_no_good_connection_is_called_failed_and_every_failure_is_failed_or_incomplete() {
    check(false);
}

#[test]
fn with_the_key_logs_every_outcome_is_the_peers() {
    check(true);
}

#[test]
fn the_sample_has_every_scenario_and_its_ground_truth_comes_from_the_peers() {
    let truths = truths();
    for scenario in [
        "good",
        "mtls",
        "wrong-ca",
        "expired",
        "name-mismatch",
        "no-client-cert",
        "no-common-suite",
        "no-common-version",
        "sni-refused",
        "stall",
        "blackhole",
        "killed",
    ] {
        assert!(truths.iter().any(|t| t.scenario == scenario), "no {scenario} connection");
    }
    for client in ["curl", "openssl", "gnutls", "httpx", "go", "node", "wget"] {
        assert!(truths.iter().any(|t| t.client == client), "no {client} connection");
    }
    // Every truth is told by a peer: an exit status and a line of its output, a kill, or
    // a client that never ended (gnutls-cli after a server's timeout: it waits on its input).
    for t in &truths {
        let told = ["exit ", "SIGKILL", "no end after"].iter().any(|p| t.evidence.starts_with(p));
        assert!(told, "#{}: {}", t.id, t.evidence);
    }
}
