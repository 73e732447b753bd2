//! Issue 15, points 5, 7 and 8, on captures of real peers (tests/fixtures/browser, made by
//! make-browser-captures.sh: nginx 1.22, headless Chromium 156, curl 7.88, openssl 3.0;
//! the frames are tshark's, listed in the fixtures' README).

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tlsdoctor::decrypt::{secrets, Keys};
use tlsdoctor::diagnose::{diagnose_capture, ConnectionReport, Options, Outcome, Severity};
use tlsdoctor::pipeline::Config;

fn browser(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/browser").join(name)
}

/// The capture diagnosed with the fixtures' CA, and with its key log if `keys`.
fn diagnose(name: &str, keys: bool) -> Vec<ConnectionReport> {
    let ca_certificates = tlsdoctor::ca::load(&browser("pki/ca.pem")).unwrap();
    let keys = keys.then(|| {
        let (keylog, problems) = secrets::load_keylog(&browser(&format!("{name}.keylog"))).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        Arc::new(Keys::from_keylog(keylog))
    });
    let config = Config { keys: keys.clone(), ..Config::default() };
    diagnose_capture(
        &browser(&format!("{name}.pcapng")),
        &config,
        &Options { keys, ca_certificates, ..Options::default() },
    )
    .unwrap()
}

fn codes(r: &ConnectionReport) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.code).collect()
}

#[test]
fn a_static_rsa_only_offer_refused_without_evidence_names_the_cipher_suites() {
    // nginx with Mozilla's intermediate ciphers; the client offers only
    // TLS_RSA_WITH_AES_128_CBC_SHA; handshake_failure in frame 6, no other handshake.
    for name in ["rsa-kx-refused-openssl", "rsa-kx-refused-curl", "rsa-kx-refused-python"] {
        let reports = diagnose(name, false);
        let r = &reports[0];
        assert_eq!(r.outcome, Outcome::Failed);
        assert_eq!(codes(r), ["no-common-cipher-suite"], "{name}");
        let f = &r.findings[0];
        assert_eq!(f.frame, 6);
        assert!(f.summary.contains("static-RSA key exchange"), "{}", f.summary);
        let refused_by: Vec<&str> =
            f.detail["refused_by"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
        assert!(refused_by.contains(&"Mozilla intermediate"), "{refused_by:?}");
        assert!(f.detail["other_possible_causes"].as_array().is_some_and(|a| a.len() >= 2));
    }
}

#[test]
fn a_browser_leaving_at_the_certificate_request_to_choose_is_no_failure() {
    // Chromium closes connections 1 and 2 with a FIN right after the CertificateRequest
    // (TLS 1.2: frames 15, 17 in clear; TLS 1.3: encrypted), then retries in
    // connection 3 (ClientHello in frame 30), which finishes.
    let cases = [
        ("chromium-cert-request-tls12", false, [(19, Some(15)), (20, Some(17))]),
        ("chromium-cert-request-tls13", true, [(19, Some(8)), (22, Some(17))]),
        ("chromium-cert-request-tls13", false, [(19, None), (22, None)]),
    ];
    for (name, keys, abandoned) in cases {
        let reports = diagnose(name, keys);
        assert_eq!(reports.len(), 3, "{name}");
        for (r, (fin, request)) in reports.iter().zip(abandoned) {
            assert_eq!(r.outcome, Outcome::Incomplete, "{name} {}: {:?}", r.id, r.findings);
            assert_eq!(codes(r), ["client-certificate-choice"], "{name} {}", r.id);
            let f = &r.findings[0];
            assert_eq!((f.frame, f.severity), (fin, Severity::Info));
            assert_eq!(f.detail["certificate_request_frame"].as_u64(), request, "{name}");
            assert_eq!((f.detail["retry_connection"].as_u64(), f.detail["retry_frame"].as_u64()), (Some(3), Some(30)));
        }
        assert_eq!(reports[2].outcome, Outcome::Ok, "{name}");
    }
}

#[test]
fn without_a_retry_a_close_at_the_certificate_request_is_no_choice() {
    // The TLS 1.2 capture without the retry (client port 40828): nothing shows the client
    // came back, so the capture shows two handshakes the client closed.
    let frames = common::read_frames(browser("chromium-cert-request-tls12.pcapng").to_str().unwrap());
    let kept: Vec<common::Item> = frames
        .iter()
        .filter(|f| common::tcp_view(f).is_some_and(|t| t.src_port != 40828 && t.dst_port != 40828))
        .map(|f| common::Item::Orig(f.number))
        .collect();
    let scratch = common::Scratch::new("no-retry");
    let path = scratch.path().join("no-retry.pcap");
    std::fs::write(&path, common::rebuild(&frames, &kept).bytes).unwrap();
    let reports = diagnose_capture(&path, &Config::default(), &Options::default()).unwrap();
    assert_eq!(reports.len(), 2);
    for r in &reports {
        assert_eq!(r.outcome, Outcome::Failed);
        assert_eq!(codes(r), ["failure-unexplained"], "{:?}", r.findings);
    }
}

#[test]
fn a_client_refusing_a_ca_that_you_gave_is_said() {
    // Chromium answers the chain (which verifies up to pki/ca.pem) with certificate_unknown:
    // TLS 1.2 in clear (frames 17, 23); TLS 1.3 encrypted (frames 19, 21), read with keys.
    for (name, keys, frames) in
        [("chromium-untrusted-ca-tls12", false, [17, 23]), ("chromium-untrusted-ca-tls13", true, [19, 21])]
    {
        let reports = diagnose(name, keys);
        assert_eq!(reports.len(), 2);
        for (r, frame) in reports.iter().zip(frames) {
            assert_eq!(r.outcome, Outcome::Failed);
            assert_eq!(codes(r), ["certificate-untrusted-by-peer"], "{name}");
            let f = &r.findings[0];
            assert_eq!(f.frame, frame);
            assert!(f.summary.contains("certificate_unknown") && f.summary.contains("does not trust"), "{}", f.summary);
        }
    }
}

#[test]
fn every_failed_connection_says_why() {
    for entry in std::fs::read_dir(browser("")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "pcapng") {
            let name = path.file_stem().unwrap().to_str().unwrap().to_string();
            for r in diagnose(&name, false) {
                assert!(r.outcome != Outcome::Failed || !r.findings.is_empty(), "{name} {}", r.id);
            }
        }
    }
}

#[test]
fn refusals_above_tls_are_read_with_the_key_log() {
    // (capture, finding, status, frame of the response); the handshakes are all ok.
    let cases = [
        ("nginx-400-no-cert-h1", "http-client-certificate-required", 400, 12),
        ("nginx-400-no-cert-h2", "http-client-certificate-required", 400, 17),
        ("nginx-400-no-cert-tls12-h1", "http-client-certificate-required", 400, 12),
        ("nginx-400-cert-error-h1", "http-client-certificate-rejected", 400, 13),
        ("nginx-400-cert-error-h2", "http-client-certificate-rejected", 400, 14),
        ("nginx-421-h1", "http-misdirected-request", 421, 12),
        ("nginx-421-h2", "http-misdirected-request", 421, 14),
        ("nginx-403-h1", "http-forbidden-with-client-certificate", 403, 14),
        ("nginx-403-h2", "http-forbidden-with-client-certificate", 403, 16),
    ];
    for (name, code, status, frame) in cases {
        let reports = diagnose(name, true);
        let r = reports.last().unwrap();
        assert_eq!(r.outcome, Outcome::Ok, "{name}");
        let http = r.http_response.as_ref().unwrap_or_else(|| panic!("{name}: no response read"));
        assert_eq!((http.status, http.frame), (status, frame), "{name}");
        let f = r.findings.iter().find(|f| f.severity == Severity::Error).unwrap();
        assert_eq!((f.code, f.frame), (code, frame), "{name}");
        // Without keys the request is out of sight: no HTTP finding.
        let blind = diagnose(name, false);
        assert!(blind.last().unwrap().findings.iter().all(|f| !f.code.starts_with("http-")), "{name}");
    }
    let r = diagnose("nginx-421-h1", true).remove(0);
    let summary = &r.findings[0].summary;
    assert!(summary.contains("a.tlsd.test (SNI)") && summary.contains("b.tlsd.test (Host)"), "{summary}");
    // Chromium's retry, after two connections left to choose a certificate: HTTP/2 400.
    let r = diagnose("chromium-no-cert-400", true).remove(2);
    assert_eq!(
        r.findings.iter().find(|f| f.severity == Severity::Error).map(|f| (f.code, f.frame)),
        Some(("http-client-certificate-required", 42))
    );
}
