//! Field truth (issue 15): connections as production networks end them, captured from real
//! peers (tests/fixtures/field, made by make-field-captures.sh). A diagnosis that calls a
//! good connection failed is the worst bug a diagnosis tool can have.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tlsdoctor::decrypt::{secrets, Keys};
use tlsdoctor::diagnose::{diagnose_capture, ConnectionReport, Options, Outcome, Severity};
use tlsdoctor::pipeline::Config;

fn field(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/field").join(name)
}

fn without_keys(name: &str) -> Vec<ConnectionReport> {
    diagnose_capture(&field(&format!("{name}.pcapng")), &Config::default(), &Options::default()).unwrap()
}

fn with_keys(name: &str) -> Vec<ConnectionReport> {
    let (keylog, problems) = secrets::load_keylog(&field(&format!("{name}.keylog"))).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let keys = Some(Arc::new(Keys::from_keylog(keylog)));
    let config = Config { keys: keys.clone(), ..Config::default() };
    diagnose_capture(&field(&format!("{name}.pcapng")), &config, &Options { keys, ..Options::default() }).unwrap()
}

#[test]
fn retransmissions_of_a_closed_connection_open_no_ghost() {
    // Both peers retransmit close_notify + FIN for 15 s after both FINs (frames 23-40).
    let capture = std::fs::read(field("ghost-retransmitted-close.pcapng")).unwrap();
    let (_, summary) = common::observe(capture, None);
    assert_eq!(summary.tcp.connections, 1);
    assert_eq!(summary.tls_connections, 1);
    assert!(summary.tcp.retransmitted_segments >= 10, "{:?}", summary.tcp);
    for reports in [without_keys("ghost-retransmitted-close"), with_keys("ghost-retransmitted-close")] {
        assert_eq!(reports.len(), 1, "{reports:?}");
        let r = &reports[0];
        assert_eq!((r.outcome, r.first_frame, r.last_frame), (Outcome::Ok, 1, 22));
        assert!(r.findings.is_empty(), "{:?}", r.findings);
    }
}

#[test]
fn a_tls13_client_that_goes_on_after_its_finished_finished_its_handshake() {
    // No tickets, no answer from the server: only the client's request after its
    // Finished (frame 10, a 74-byte record for SHA-384) shows the handshake finished;
    // the server's decode_error (frame 15) answers the client's bare FIN (frame 14).
    let r = &without_keys("tls13-client-goes-on-fin")[0];
    assert_eq!(r.outcome, Outcome::Ok, "{r:?}");
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    let how = r.passed.iter().find(|p| p.contains("seen without keys")).expect("says how it was inferred");
    assert!(how.contains("74-byte record of frame 10") && how.contains("48 verify_data"), "{how}");
    assert!(how.contains("1 more record(s)"), "{how}");

    let r = &with_keys("tls13-client-goes-on-fin")[0];
    assert_eq!(r.outcome, Outcome::Ok, "{r:?}");
    let alert = r.alert.as_ref().expect("the server's alert is shown");
    assert_eq!((alert.sender, alert.description.as_deref(), alert.frame), ("server", Some("decode_error"), 15));
    assert!(!r.passed.iter().any(|p| p.contains("seen without keys")), "keys read both Finished");
}

/// The client finished its handshake, took the two tickets and left with a bare FIN,
/// without a request: a probe, or a client that refused the certificate after the
/// handshake for a reason the capture cannot show. Never `failed`; `incomplete`, with
/// the finding that says both, keys or not.
#[test]
fn a_tls13_client_that_closes_after_the_tickets_finished_its_handshake() {
    for r in [&without_keys("tls13-ticket-then-fin")[0], &with_keys("tls13-ticket-then-fin")[0]] {
        assert_eq!(r.outcome, Outcome::Incomplete, "{r:?}");
        let codes: Vec<_> = r.findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, ["client-left-after-handshake"]);
    }
}

#[test]
fn a_problem_of_several_certificates_is_one_finding_and_repeats_are_summed_up() {
    // Three connections to one server whose intermediate and leaf are both SHA-1-signed
    // and both expired (field/make-repeated-findings.sh): two problems, not four, each.
    let ca = tlsdoctor::ca::load(&field("pki-sha1-expired/root.pem")).unwrap();
    let options = Options { ca_certificates: ca, ..Options::default() };
    let reports = diagnose_capture(&field("repeated-sha1-expired.pcapng"), &Config::default(), &options).unwrap();
    assert_eq!(reports.len(), 3);
    for r in &reports {
        // s_server, its input empty, closes first: without keys its alert is unread, and
        // the connection, never used, is incomplete (with keys: ok, below).
        assert_eq!(r.outcome, Outcome::Incomplete, "{r:?}");
        let codes: Vec<&str> = r.findings.iter().map(|f| f.code).collect();
        assert_eq!(
            codes,
            ["certificate-signature-weak", "certificate-expired", "server-left-after-handshake"],
            "{:?}",
            r.findings
        );
        let certificate_findings = &r.findings[..2];
        for f in certificate_findings {
            let listed: Vec<u64> =
                f.detail["certificates"].as_array().unwrap().iter().map(|c| c["index"].as_u64().unwrap()).collect();
            assert_eq!(listed, [0, 1], "{f:?}");
            assert!(f.summary.contains("CN=sha1.example") && f.summary.contains("SHA-1 intermediate"), "{}", f.summary);
        }
    }
    // With keys the server's alert reads close_notify: a clean close.
    for r in with_keys("repeated-sha1-expired") {
        assert_eq!(r.outcome, Outcome::Ok, "{:?}", r.findings);
        assert!(r.findings.iter().all(|f| f.code != "server-left-after-handshake"));
    }

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .args(["diagnose", "--ca"])
        .arg(field("pki-sha1-expired/root.pem"))
        .arg(field("repeated-sha1-expired.pcapng"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("findings repeated across connections:"), "{text}");
    assert!(text.contains("  3 connections to sha1.example: certificate-expired"), "{text}");
    assert!(text.contains("  3 connections to sha1.example: certificate-signature-weak"), "{text}");
}

#[test]
fn a_failure_nothing_explains_still_says_what_happened() {
    // The server never answered the ClientHello (frame 4); the client gave up after 2 s
    // with a FIN (frame 6). The server refused nothing: no refusal finding names it.
    let reports = without_keys("hello-unanswered");
    let r = &reports[0];
    assert_eq!(r.outcome, Outcome::Failed);
    let codes: Vec<&str> = r.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, ["failure-unexplained"], "{:?}", r.findings);
    let f = &r.findings[0];
    assert_eq!((f.frame, f.detail["sender"].as_str()), (6, Some("client")));
    assert!(f.summary.contains("sent nothing in answer to the ClientHello (frame 4)"), "{}", f.summary);
}

#[test]
fn a_client_that_leaves_right_after_the_handshake_refused_what_it_checks_then() {
    // curl checks the host name after the handshake: it finishes it, then closes without
    // a request (exit 60). TLS 1.2 shows the certificate in clear; TLS 1.3 needs the keys.
    for (name, keys, left) in [("curl-name-mismatch-tls12", false, 10), ("curl-name-mismatch-tls13", true, 14)] {
        let reports = if keys { with_keys(name) } else { without_keys(name) };
        let r = &reports[0];
        assert_eq!(r.outcome, Outcome::Failed, "{name}");
        let codes: Vec<(&str, Severity)> = r.findings.iter().map(|f| (f.code, f.severity)).collect();
        assert_eq!(codes, [("certificate-name-mismatch", Severity::Error)], "{name}");
        let f = &r.findings[0];
        assert_eq!((f.frame, f.detail["client_left_frame"].as_u64()), (6, Some(left)), "{name}");
        assert_eq!(f.detail["sni"], "wrong.example");
    }
}

#[test]
fn a_browser_dropping_a_raced_or_spare_connection_is_no_failure() {
    // Chromium against gnutls-serv, from the field corpus: connections 1 and 2 are left at
    // the CertificateRequest and retried in 3, which loads the page; 4 is either reset
    // after the ServerHello (raced) or closed without a byte (spare).
    for (name, raced) in [("chromium-raced-connections", true), ("chromium-spare-connection", false)] {
        for reports in [without_keys(name), with_keys(name)] {
            assert_eq!(reports.len(), 4, "{name}");
            assert!(reports.iter().all(|r| r.outcome != Outcome::Failed), "{name}: {reports:?}");
            assert_eq!(reports[2].outcome, Outcome::Ok);
            let codes: Vec<&str> = reports[3].findings.iter().map(|f| f.code).collect();
            if raced {
                assert_eq!(codes, ["client-used-another-connection"], "{name}");
                assert_eq!(
                    (reports[3].findings[0].frame, reports[3].findings[0].detail["used_connection"].as_u64()),
                    (70, Some(3))
                );
            } else {
                assert!(codes.is_empty(), "{name}: {codes:?}");
            }
        }
    }
}

#[test]
fn a_java_server_refusal_is_seen_in_its_padded_alert() {
    // JSSE pads its TLS 1.3 alert records with 16 bytes: frame 26 is a 35-byte record.
    let r = &without_keys("java-server-refuses-tls13")[0];
    assert_eq!(r.outcome, Outcome::Failed, "{r:?}");
    let alert = r.alert.as_ref().expect("the alert is told by its size");
    assert_eq!((alert.sender, alert.frame, alert.encrypted), ("server", 26, true));
    let r = &with_keys("java-server-refuses-tls13")[0];
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(r.alert.as_ref().and_then(|a| a.description.as_deref()), Some("bad_certificate"));
    assert_eq!(r.findings.iter().map(|f| f.code).collect::<Vec<_>>(), ["client-certificate-missing"]);
}

/// nginx finished the handshake with a Java client that sent no certificate, then
/// ended the connection (an encrypted alert, frame 18, and its FIN) before the client's
/// request: the capture cannot read why, and the connection was never used. Not `ok`.
#[test]
fn a_server_that_ends_the_connection_before_the_first_request_is_incomplete() {
    let r = &without_keys("java-client-server-left")[0];
    assert_eq!(r.outcome, Outcome::Incomplete, "{r:?}");
    let codes: Vec<_> = r.findings.iter().map(|f| (f.code, f.frame)).collect();
    assert_eq!(codes, [("client-certificate-missing", 8), ("server-left-after-handshake", 18)]);
    assert_eq!(r.alert.as_ref().map(|a| (a.sender, a.frame)), Some(("server", 18)));
}
