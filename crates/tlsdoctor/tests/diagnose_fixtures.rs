//! Each finding code on a real-peer capture (tests/fixtures/diagnose, made by
//! make-captures.sh with a fault-injecting proxy where a fault was needed): the code,
//! its frame, its detail, and the connection's outcome and alert.

mod common;

use std::path::{Path, PathBuf};

use common::Scratch;
use tlsdoctor::diagnose::{diagnose_capture, ConnectionReport, Options, Outcome, Severity};
use tlsdoctor::pipeline::Config;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name)
}

fn diagnose_with(path: &Path, options: &Options) -> Vec<ConnectionReport> {
    diagnose_capture(path, &Config::default(), options).expect("capture is readable")
}

/// The one connection of a diagnose fixture.
fn only(name: &str) -> ConnectionReport {
    let mut reports = diagnose_with(&fixture(&format!("diagnose/{name}.pcapng")), &Options::default());
    assert_eq!(reports.len(), 1, "{name}: one TLS connection");
    reports.remove(0)
}

fn codes(r: &ConnectionReport) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.code).collect()
}

fn errors(r: &ConnectionReport) -> Vec<&'static str> {
    r.findings.iter().filter(|f| f.severity == Severity::Error).map(|f| f.code).collect()
}

/// The handshake finished and the client left without data (openssl s_client without
/// input): `incomplete`, with the finding that says a probe does this.
fn assert_handshake_only(r: &ConnectionReport) {
    assert_eq!(r.outcome, Outcome::Incomplete, "connection {}: {:?}", r.id, codes(r));
    assert!(r.findings.iter().any(|f| f.code == "client-left-after-handshake"), "{:?}", codes(r));
    assert!(errors(r).is_empty(), "{:?}", errors(r));
}

/// Outcome and the alert: (sender, description, frame).
fn assert_alert(r: &ConnectionReport, outcome: Outcome, sender: &str, description: Option<&str>, frame: u64) {
    assert_eq!(r.outcome, outcome, "outcome of connection {}", r.id);
    let alert = r.alert.as_ref().expect("an alert");
    assert_eq!((alert.sender, alert.description.as_deref(), alert.frame), (sender, description, frame));
    assert_eq!(alert.encrypted, description.is_none());
}

#[test]
fn successful_handshakes_give_no_error_finding() {
    let fixtures = [
        "tls10-rsa-aes128-sha.pcapng",
        "tls10-ecdhe-rsa-aes128-sha.pcapng",
        "tls11-rsa-aes128-sha.pcapng",
        "tls11-ecdhe-rsa-aes128-sha.pcapng",
        "tls12-ecdhe-rsa-aes128gcm.pcapng",
        "tls12-mtls-large-chain.pcapng",
        "tls12-mtls-large-chain-frag512.pcapng",
        "tls13-rsa.pcapng",
        "tls13-ecdsa-p256.pcapng",
        "tls13-ed25519.pcapng",
        "tls13-mtls.pcapng",
        "tls13-hrr.pcapng",
        "gnutls-tls12.pcapng",
        "gnutls-tls13.pcapng",
        "ssl3-tlslite.pcapng",
        "starttls-smtp-tls12.pcapng",
    ];
    for name in fixtures {
        let reports = diagnose_with(&fixture(name), &Options::default());
        assert_eq!(reports.len(), 1, "{name}");
        let r = &reports[0];
        assert_eq!(r.outcome, Outcome::Ok, "{name}: {:?}", r.findings);
        assert!(errors(r).is_empty(), "{name}: {:?}", r.findings);
    }
}

/// A client that finishes the handshake and leaves without sending data is a probe, or a
/// client that refused the certificate after the handshake for a reason the capture
/// cannot show: `incomplete`, and the finding says both.
#[test]
fn a_client_that_leaves_right_after_the_handshake_is_incomplete() {
    let fixtures = [
        // openssl s_client and gnutls-cli without input: close_notify right after the
        // handshake (frame 11), the server's answering it.
        "diagnose/good-mtls-rsa.pcapng",
        "diagnose/good-mtls-ecdsa.pcapng",
        "diagnose/gnutls-good-mtls-rsa.pcapng",
        // TLS 1.3 without keys: its alert-sized record after its Finished.
        "tls13-probe.pcapng",
    ];
    for name in fixtures {
        let r = &diagnose_with(&fixture(name), &Options::default())[0];
        assert_eq!(r.outcome, Outcome::Incomplete, "{name}: {:?}", r.findings);
        let codes: Vec<_> = r.findings.iter().map(|f| (f.code, f.severity, f.frame)).collect();
        assert_eq!(codes, [("client-left-after-handshake", Severity::Info, 11)], "{name}");
        assert!(r.findings[0].summary.contains("a probe"), "{name}");
    }
    // The same client with a request is `ok`: its data is in the records after its
    // Finished (tls13-rsa: frame 14).
    let r = &diagnose_with(&fixture("tls13-rsa.pcapng"), &Options::default())[0];
    assert_eq!((r.outcome, r.findings.len()), (Outcome::Ok, 0));
}

#[test]
fn client_certificate_missing_in_tls12() {
    let r = only("client-certificate-missing");
    assert_alert(&r, Outcome::Failed, "server", Some("handshake_failure"), 9);
    assert_eq!(errors(&r), ["client-certificate-missing"]);
    assert_eq!(r.findings[0].frame, 8, "the client's empty Certificate");
    assert_eq!(r.findings[0].detail["certificate_request_frame"], 6);
    assert_eq!(r.findings[0].detail["requested"][0], "CN=tlsdoctor Test CA, O=tlsdoctor test");
    assert_eq!(r.client_auth, "requested");
}

/// Java and Go offer only a client certificate issued by a CA the CertificateRequest
/// names: holding one from another CA, they send none. The finding names the CA asked for.
#[test]
fn java_and_go_clients_with_a_certificate_from_another_ca_send_none() {
    // (capture, CertificateRequest frame, the client's empty Certificate, the alert)
    for (name, request, empty, alert) in
        [("java-client-cert-other-ca", 12, 16, 18), ("go-client-cert-other-ca", 6, 8, 9)]
    {
        let r = only(name);
        assert_alert(&r, Outcome::Failed, "server", Some("bad_certificate"), alert);
        assert_eq!(errors(&r), ["client-certificate-missing"], "{name}");
        let f = &r.findings[0];
        assert_eq!((f.frame, &f.detail["certificate_request_frame"]), (empty, &request.into()), "{name}");
        assert_eq!(f.detail["requested"], serde_json::json!(["CN=tlsdoctor Test CA, O=tlsdoctor test"]), "{name}");
        assert!(f.summary.contains("issued by CN=tlsdoctor Test CA, O=tlsdoctor test"), "{}", f.summary);
        assert!(f.remedy.contains("Java, Go"), "{}", f.remedy);
        let key_types = f.detail["key_types"].as_array().unwrap();
        assert!(key_types.contains(&"RSA".into()) && key_types.contains(&"ECDSA".into()), "{name}: {key_types:?}");
        assert!(!f.summary.contains(" key "), "no key type named where RSA and ECDSA are both admitted");
    }
    // The CA is the right one, but the server admits RSA keys only: Java, holding an
    // ECDSA key, sends none. The finding says which key the server asked for.
    let r = only("java-client-ecdsa-rsa-only-server");
    assert_alert(&r, Outcome::Failed, "server", Some("handshake_failure"), 9);
    assert_eq!(errors(&r), ["client-certificate-missing"]);
    let f = &r.findings[0];
    assert_eq!(f.detail["key_types"], serde_json::json!(["RSA"]));
    assert!(f.summary.contains("with an RSA key (frame 6)"), "{}", f.summary);
}

/// TLS 1.3, Java client, Go server: without keys the refused flight is too small for a
/// certificate; with the server's key log the CertificateRequest and the alert show why.
#[test]
fn a_tls13_java_client_without_a_fitting_certificate_is_explained_with_and_without_keys() {
    let name = "java-go-tls13-client-cert-other-ca";
    let r = only(name);
    assert_alert(&r, Outcome::Failed, "server", None, 12);
    assert_eq!(codes(&r), ["keys-missing"]);
    // An empty Certificate and a Finished, each padded by JSSE, and the client's first
    // application data: 24 + 52 + 32 bytes.
    assert_eq!(r.findings[0].detail["client_flight_bytes"], 108);
    assert!(r.findings[0].summary.contains("the client sent no certificate"), "{}", r.findings[0].summary);

    let r = with_keylog(&format!("diagnose/{name}.pcapng"), &format!("diagnose/{name}.keylog"));
    assert!(r.decrypted);
    assert_alert(&r, Outcome::Failed, "server", Some("bad_certificate"), 12);
    assert_eq!(codes(&r), ["client-certificate-missing"]);
    assert_eq!(r.findings[0].detail["requested"][0], "CN=tlsdoctor Test CA, O=tlsdoctor test");
}

/// nginx with ssl_verify_client on finishes the handshake without a client certificate
/// and refuses the request itself (HTTP 400): the handshake is ok, the missing certificate
/// a warning that says so, and the key log shows the refusal.
#[test]
fn nginx_going_on_without_a_client_certificate_is_a_warning() {
    let r = with_keylog("diagnose/nginx-client-cert-missing.pcapng", "diagnose/nginx-client-cert-missing.keylog");
    assert_eq!((r.outcome, r.decrypted, r.client_auth), (Outcome::Ok, true, "requested"));
    assert_eq!(codes(&r), ["http-client-certificate-required", "client-certificate-missing"]);
    assert_eq!(r.http_response.as_ref().map(|h| h.status), Some(400));
    let f = &r.findings[1];
    assert_eq!((f.severity, f.frame), (Severity::Warning, 8));
    assert!(f.summary.contains("the server went on with the handshake"), "{}", f.summary);
    assert!(f.summary.contains("HTTP 400"), "{}", f.summary);

    // A certificate from a CA nginx does not trust: the same, HTTP 400 after the handshake.
    let ca = tlsdoctor::ca::load(&fixture("diagnose/pki/ca.pem")).unwrap();
    let options = Options { ca_certificates: ca, ..Options::default() };
    let r = diagnose_with(&fixture("diagnose/nginx-client-cert-untrusted.pcapng"), &options).remove(0);
    assert_eq!((r.outcome, r.client_auth), (Outcome::Ok, "provided"));
    let f = r.findings.iter().find(|f| f.code == "certificate-issuer-not-requested").expect("the finding");
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.summary.contains("\"The SSL certificate error\""), "{}", f.summary);
}

/// A Node.js server refuses an expired client certificate by closing the connection,
/// without an alert: the report says who closed and where, and the expired certificate,
/// which the close follows, is the error.
#[test]
fn a_server_that_closes_without_an_alert_is_reported() {
    let r = with_keylog("diagnose/node-client-cert-expired.pcapng", "diagnose/node-client-cert-expired.keylog");
    assert_eq!(r.outcome, Outcome::Failed);
    assert!(r.alert.is_none());
    let closed = r.closed.as_ref().expect("the close is reported");
    assert_eq!((closed.sender, closed.how, closed.frame), ("server", "fin", 9));
    assert_eq!(errors(&r), ["certificate-expired"]);
    assert_eq!(r.findings[0].frame, 8);
    // TLS 1.3: the server's Finished came before the client's certificate, and the server
    // answers the client's Finished with a close. Without keys, the client's flight has
    // room for a certificate; with them, the handshake finished and was still refused.
    let name = "diagnose/node-tls13-client-cert-expired";
    let r = only("node-tls13-client-cert-expired");
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(r.closed.as_ref().map(|c| (c.sender, c.frame)), Some(("server", 9)));
    assert_eq!(codes(&r), ["keys-missing"]);
    assert_eq!(r.findings[0].frame, 9);
    assert!(r.findings[0].summary.contains("by closing the connection in frame 9"), "{}", r.findings[0].summary);
    let r = with_keylog(&format!("{name}.pcapng"), &format!("{name}.keylog"));
    assert_eq!((r.outcome, r.decrypted), (Outcome::Failed, true));
    assert_eq!(r.closed.as_ref().map(|c| (c.sender, c.frame)), Some(("server", 9)));
    assert_eq!(errors(&r), ["certificate-expired"]);
    // A handshake that finished, or ended with an alert, reports no close.
    assert!(only("good-mtls-rsa").closed.is_none());
    assert!(only("client-certificate-missing").closed.is_none());
}

/// gnutls-cli checks the address it connected to, not the SNI it sent: the capture cannot
/// show which name the client checked, and the remedy names the certificate's.
#[test]
fn a_client_refusing_a_valid_chain_is_told_to_check_the_name_too() {
    let r = only("gnutls-client-by-address");
    assert_alert(&r, Outcome::Failed, "client", Some("bad_certificate"), 8);
    assert_eq!(codes(&r), ["certificate-trust-unknown"]);
    let f = &r.findings[0];
    assert_eq!(f.detail["certificate_names"], serde_json::json!(["DNS:app.example"]));
    assert!(f.remedy.contains("connects by IP address"), "{}", f.remedy);
}

/// The motivating case against a Java server, which answers handshake_failure where
/// OpenSSL, GnuTLS and Go answer decrypt_error: the finding does not depend on the alert.
#[test]
fn java_and_go_servers_refusing_a_damaged_certificate_verify_are_explained() {
    // (capture, the server's alert and its frame, the CertificateVerify's frame)
    for (name, alert, alert_frame, frame) in
        [("java-cv-corrupt", "handshake_failure", 24, 20), ("go-cv-corrupt", "decrypt_error", 9, 8)]
    {
        let r = only(name);
        assert_alert(&r, Outcome::Failed, "server", Some(alert), alert_frame);
        assert_eq!(errors(&r), ["client-certificate-verify-invalid"], "{name}");
        let f = &r.findings[0];
        assert_eq!((f.frame, f.detail["cause"].as_str()), (frame, Some("wrong-key-or-corrupt")), "{name}");
        assert_eq!(f.detail["scheme"], "rsa_pss_rsae_sha256 (0x0804)", "{name}");
    }
}

/// What JSSE and crypto/tls sign by themselves verifies: RSA-PSS in TLS 1.2 (Java), and
/// a TLS 1.3 handshake opened with Go's key log, down to both Finished.
#[test]
fn java_and_go_handshakes_verify() {
    let r = only("java-good-mtls");
    assert_eq!((r.outcome, r.version.as_deref()), (Outcome::Ok, Some("TLS 1.2")));
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert!(
        r.passed.iter().any(|p| p.starts_with("the client's CertificateVerify (RSA-PSS SHA-256")),
        "{:?}",
        r.passed
    );

    let r = with_keylog("diagnose/go-good-mtls-tls13.pcapng", "diagnose/go-good-mtls-tls13.keylog");
    assert_eq!((r.outcome, r.version.as_deref(), r.decrypted), (Outcome::Ok, Some("TLS 1.3"), true));
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    for check in [
        "the server's CertificateVerify (RSA-PSS SHA-256",
        "the client's CertificateVerify (ECDSA SHA-256",
        "the client's Finished",
        "the server's Finished",
    ] {
        assert!(r.passed.iter().any(|p| p.starts_with(check)), "{check}: {:?}", r.passed);
    }
}

#[test]
fn expired_client_certificate() {
    let r = only("client-certificate-expired");
    assert_alert(&r, Outcome::Failed, "server", Some("certificate_expired"), 9);
    assert_eq!(errors(&r), ["certificate-expired"]);
    let f = &r.findings[0];
    assert_eq!((f.frame, f.detail["role"].as_str(), f.detail["index"].as_u64()), (8, Some("client"), Some(0)));
    assert_eq!(f.detail["not_after"], "2025-01-01 00:00:00 UTC");
}

#[test]
fn a_ca_certificate_presented_as_client_certificate() {
    let r = only("client-sends-ca-cert");
    assert_alert(&r, Outcome::Failed, "server", Some("unsupported_certificate"), 9);
    assert_eq!(errors(&r), ["certificate-usage-invalid"]);
    let problems = r.findings[0].detail["problems"].to_string();
    assert!(problems.contains("lacks digitalSignature"), "{problems}");
    assert!(problems.contains("CA certificate"), "{problems}");
}

#[test]
fn no_common_cipher_suite_without_other_evidence_is_a_refusal_with_the_offer() {
    let r = only("no-common-cipher-suite");
    assert_alert(&r, Outcome::Failed, "server", Some("handshake_failure"), 6);
    assert_eq!(codes(&r), ["handshake-refused"]);
    assert!(r.findings[0].detail["offered_cipher_suites"].as_array().is_some_and(|a| !a.is_empty()));
}

#[test]
fn tls13_client_auth_failure_is_recognised_without_keys() {
    for name in ["tls13-client-cert-untrusted", "tls13-client-certificate-missing"] {
        let r = only(name);
        assert_alert(&r, Outcome::Failed, "server", None, 9);
        assert_eq!(codes(&r), ["keys-missing"], "{name}");
        let summary = &r.findings[0].summary;
        assert!(summary.contains("refused the client's encrypted second flight"), "{name}: {summary}");
        assert_eq!(r.findings[0].detail["client_random"].as_str().map(str::len), Some(64));
    }
    // Without keys, the size of the refused flight tells whether it holds a certificate:
    // (capture, the most handshake bytes the client's flight holds, room for a certificate)
    for (name, bytes, room) in [
        ("tls13-client-cert-untrusted", 1186, true),
        // an empty Certificate (8) and a SHA-384 Finished (52)
        ("tls13-client-certificate-missing", 60, false),
    ] {
        let f = &only(name).findings[0];
        assert_eq!(f.detail["client_flight_bytes"], bytes, "{name}");
        assert_eq!(f.summary.contains("the client sent no certificate"), !room, "{name}: {}", f.summary);
        assert_eq!(f.remedy.contains("configure the client with one it accepts"), !room, "{name}: {}", f.remedy);
    }
}

/// The benchmark seed: 40 real openssl connections, 7 of them failing (see
/// bench/seed/README.md for what each one is).
#[test]
fn the_bench_seed_failures_are_each_explained() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/seed/seed.pcapng");
    let reports = diagnose_with(&seed, &Options::default());
    assert_eq!(reports.len(), 40);
    let failed: Vec<u32> = reports.iter().filter(|r| r.outcome == Outcome::Failed).map(|r| r.id).collect();
    assert_eq!(failed, [34, 35, 36, 37, 38, 39, 40]);
    assert!(reports.iter().filter(|r| r.outcome == Outcome::Ok).all(|r| errors(r).is_empty()));
    let by_id = |id: u32| reports.iter().find(|r| r.id == id).unwrap();
    // A client certificate from the rogue CA: the server's CertificateRequest named only the bench CA.
    for id in [34, 35] {
        assert_eq!(by_id(id).alert.as_ref().unwrap().description.as_deref(), Some("unknown_ca"));
        assert_eq!(errors(by_id(id)), ["certificate-issuer-not-requested"]);
    }
    assert_eq!(errors(by_id(38)), ["client-certificate-missing"]);
    // The client offered only AES256-SHA; the same server chose ECDHE-ECDSA-CHACHA20 in TLS 1.2 elsewhere.
    let refused = by_id(40);
    assert_eq!(errors(refused), ["no-common-cipher-suite"]);
    assert_eq!(
        refused.findings[0].detail["server_chose_elsewhere"][0],
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
    );
    for id in [36, 37, 39] {
        assert_eq!(codes(by_id(id)), ["keys-missing"]);
        assert!(by_id(id).alert.as_ref().unwrap().encrypted);
    }
}

#[test]
fn certificate_verify_with_a_scheme_the_server_did_not_offer() {
    let r = only("cv-declared-sha1-not-offered");
    assert_alert(&r, Outcome::Failed, "server", Some("handshake_failure"), 9);
    assert_eq!(errors(&r), ["signature-algorithm-not-offered"]);
    assert_eq!(r.findings[0].detail["certificate_verify"], "different-hash");
    let f = &r.findings[0];
    assert_eq!((f.frame, f.detail["signer"].as_str()), (8, Some("client")));
    assert_eq!(f.detail["used"], "rsa_pkcs1_sha1 (0x0201)");
    assert!(!f.detail["offered"].to_string().contains("0x0201"));
}

/// (fixture, expected cause) for a client CertificateVerify that does not verify.
const CERTIFICATE_VERIFY_FAILURES: &[(&str, &str)] = &[
    ("cv-corrupt-pkcs1", "wrong-key-or-corrupt"),
    ("gnutls-cv-corrupt", "wrong-key-or-corrupt"),
    ("cv-declared-sha1", "different-hash"),
    ("transcript-altered", "different-transcript"),
    ("transcript-altered-pkcs1", "different-transcript"),
    ("cv-corrupt-ecdsa", "unknown"),
];

#[test]
fn the_motivating_sample_names_the_certificate_verify() {
    let mut reports = diagnose_with(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/mtls-decrypt-error.pcapng"),
        &Options::default(),
    );
    let r = reports.remove(0);
    assert_alert(&r, Outcome::Failed, "server", Some("decrypt_error"), 9);
    assert_eq!(codes(&r), ["client-certificate-verify-invalid"]);
    let f = &r.findings[0];
    assert_eq!((f.frame, f.detail["cause"].as_str()), (8, Some("wrong-key-or-corrupt")));
    assert_eq!(f.detail["scheme"], "rsa_pss_rsae_sha256 (0x0804)");
}

#[test]
fn certificate_verify_failures_are_told_apart() {
    for (name, cause) in CERTIFICATE_VERIFY_FAILURES {
        let r = only(name);
        assert_alert(&r, Outcome::Failed, "server", Some("decrypt_error"), 9);
        assert_eq!(errors(&r), ["client-certificate-verify-invalid"], "{name}");
        let f = &r.findings[0];
        assert_eq!((f.frame, f.detail["cause"].as_str()), (8, Some(*cause)), "{name}");
    }
    let f = &only("cv-declared-sha1").findings[0];
    assert_eq!(f.detail["signed_hash"], "SHA-256", "the digest inside is SHA-256, SHA-1 was declared");
}

#[test]
fn a_corrupt_certificate_signature_is_told_apart_from_a_corrupt_certificate_verify() {
    // Same alert, same frames as the sample; here the certificate is the cause.
    for name in ["client-cert-signature-corrupt", "client-cert-signature-corrupt-by-client"] {
        let r = only(name);
        assert_alert(&r, Outcome::Failed, "server", Some("decrypt_error"), 9);
        assert_eq!(errors(&r), ["certificate-signature-invalid"], "{name}");
        let f = &r.findings[0];
        assert_eq!((f.frame, f.detail["role"].as_str(), f.detail["index"].as_u64()), (8, Some("client"), Some(0)));
    }
    // Altered by a proxy after the client signed it: its CertificateVerify breaks too, as a consequence.
    assert_eq!(only("client-cert-signature-corrupt").findings[0].detail["certificate_verify"], "different-transcript");
    assert!(only("client-cert-signature-corrupt-by-client").findings[0].detail.get("certificate_verify").is_none());
}

#[test]
fn server_key_exchange_signature_failures() {
    let r = only("ske-signature-corrupt");
    assert_alert(&r, Outcome::Failed, "client", Some("decrypt_error"), 8);
    assert_eq!(errors(&r), ["server-key-exchange-signature-invalid"]);
    assert_eq!((r.findings[0].frame, r.findings[0].detail["cause"].as_str()), (6, Some("wrong-key-or-corrupt")));
    let r = only("transcript-altered-ecdhe-client-leg");
    assert_eq!(errors(&r), ["server-key-exchange-signature-invalid"]);
    assert_eq!(r.findings[0].detail["cause"], "different-transcript");
    // The server's leg of the same run: the signature verifies here, so the client saw other bytes.
    let r = only("transcript-altered-ecdhe");
    assert_alert(&r, Outcome::Failed, "client", Some("decrypt_error"), 8);
    assert_eq!(errors(&r), ["handshake-altered-in-transit"]);
}

#[test]
fn a_sha1_signed_certificate_is_weak_not_invalid() {
    let refused = only("client-cert-sha1-refused");
    assert_alert(&refused, Outcome::Failed, "server", Some("bad_certificate"), 9);
    assert_eq!(errors(&refused), ["certificate-signature-weak"]);
    assert_eq!(refused.findings[0].detail["signature_valid"], true);
    let accepted = only("good-mtls-sha1-cert");
    assert_handshake_only(&accepted);
    assert_eq!(codes(&accepted), ["certificate-signature-weak", "client-left-after-handshake"]);
    assert_eq!(accepted.findings[0].severity, Severity::Warning);
}

#[test]
fn given_ca_certificates_anchor_chains() {
    let ca = tlsdoctor::ca::load(&fixture("diagnose/pki/ca.pem")).unwrap();
    let options = Options { ca_certificates: ca, ..Options::default() };
    let good = diagnose_with(&fixture("diagnose/good-mtls-rsa.pcapng"), &options);
    assert_eq!(codes(&good[0]), ["client-left-after-handshake"], "no chain finding");
    // The seed's rogue client chain ends at a CA that is not the given one.
    let seed_ca =
        tlsdoctor::ca::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/seed/pki/ca.pem")).unwrap();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/seed/seed.pcapng");
    let reports = diagnose_with(&seed, &Options { ca_certificates: seed_ca, ..Options::default() });
    let rogue = reports.iter().find(|r| r.id == 34).unwrap();
    assert!(codes(rogue).contains(&"certificate-issuer-missing"), "{:?}", codes(rogue));
    assert!(reports.iter().filter(|r| r.outcome == Outcome::Ok).all(|r| r.findings.is_empty()));
}

#[test]
fn the_checks_that_passed_are_listed() {
    let ca = tlsdoctor::ca::load(&fixture("diagnose/pki/ca.pem")).unwrap();
    let reports = diagnose_with(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/mtls-decrypt-error.pcapng"),
        &Options { ca_certificates: ca, ..Options::default() },
    );
    let passed = reports[0].passed.join("\n");
    assert!(passed.contains("the ServerKeyExchange (RSA-PSS SHA-256, frame 6) verifies"), "{passed}");
    assert!(passed.contains("the client certificate chain: ") && passed.contains("up to a given CA"), "{passed}");
    assert!(!passed.contains("CertificateVerify"), "the failed check is not among the passed: {passed}");
    let good = only("good-mtls-rsa");
    assert!(good.passed.iter().any(|p| p.starts_with("the client's CertificateVerify")), "{:?}", good.passed);
}

fn with_keylog(capture: &str, keylog: &str) -> ConnectionReport {
    let mut reports = with_keylog_all(capture, keylog);
    assert_eq!(reports.len(), 1);
    reports.remove(0)
}

fn with_keylog_all(capture: &str, keylog: &str) -> Vec<ConnectionReport> {
    let (keys, problems) = tlsdoctor::decrypt::secrets::load_keylog(&fixture(keylog)).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let keys = Some(std::sync::Arc::new(tlsdoctor::decrypt::Keys::from_keylog(keys)));
    let config = Config { keys: keys.clone(), ..Config::default() };
    let options = Options { keys, ..Options::default() };
    diagnose_capture(&fixture(capture), &config, &options).unwrap()
}

#[test]
fn with_the_key_log_a_tls13_client_auth_failure_is_explained() {
    let r = with_keylog("diagnose/tls13-client-cert-untrusted.pcapng", "diagnose/tls13-client-cert-untrusted.keylog");
    assert!(r.decrypted);
    assert_alert(&r, Outcome::Failed, "server", Some("unknown_ca"), 9);
    assert_eq!(codes(&r), ["certificate-issuer-not-requested"]);
    assert!(r.passed.iter().any(|p| p.starts_with("the client's CertificateVerify")), "{:?}", r.passed);
    assert!(r.passed.iter().any(|p| p.starts_with("the server's CertificateVerify")), "{:?}", r.passed);

    let r = with_keylog(
        "diagnose/tls13-client-certificate-missing.pcapng",
        "diagnose/tls13-client-certificate-missing.keylog",
    );
    assert_alert(&r, Outcome::Failed, "server", Some("certificate_required"), 9);
    assert_eq!(codes(&r), ["client-certificate-missing"]);
}

/// A HelloRetryRequest puts a synthetic message_hash in place of the first ClientHello in
/// the transcript (RFC 8446 4.4.1): the CertificateVerify and both Finished verify over it.
#[test]
fn a_hello_retry_request_keeps_the_transcript_checks() {
    let r = with_keylog("tls13-hrr.pcapng", "tls13-hrr.keylog");
    assert_eq!((r.outcome, r.decrypted, r.client_auth), (Outcome::Ok, true, "none"));
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    for check in ["the server's CertificateVerify", "the client's Finished", "the server's Finished"] {
        assert!(r.passed.iter().any(|p| p.starts_with(check)), "{check}: {:?}", r.passed);
    }
    let steps: Vec<(u64, &str)> = r.ladder.iter().map(|s| (s.frame, s.message.as_str())).collect();
    let expected = [
        (4, "Client Hello"),
        (6, "Hello Retry Request"),
        (6, "Change Cipher Spec"),
        (8, "Change Cipher Spec"),
        (8, "Client Hello"),
    ];
    assert_eq!(steps[..5], expected);
    // Without the key log nothing says whether the server asked for a certificate.
    assert_eq!(diagnose_with(&fixture("tls13-hrr.pcapng"), &Options::default())[0].client_auth, "unknown");
}

#[test]
fn finished_messages_are_checked_in_every_version() {
    for (capture, keylog) in [
        ("tls13-rsa.pcapng", "tls13-rsa.keylog"),
        ("tls13-mtls.pcapng", "tls13-mtls.keylog"),
        ("tls12-ecdhe-rsa-aes128gcm.pcapng", "tls12-ecdhe-rsa-aes128gcm.keylog"),
        ("tls10-rsa-aes128-sha.pcapng", "tls10-rsa-aes128-sha.keylog"),
        ("tls11-ecdhe-rsa-aes128-sha.pcapng", "tls11-ecdhe-rsa-aes128-sha.keylog"),
        ("ssl3-tlslite.pcapng", "ssl3-tlslite.keylog"),
        ("gnutls-tls13.pcapng", "gnutls-tls13.keylog"),
    ] {
        let r = with_keylog(capture, keylog);
        assert!(r.decrypted && r.outcome == Outcome::Ok && r.findings.is_empty(), "{capture}: {:?}", r.findings);
        let finished = r.passed.iter().filter(|p| p.contains("Finished")).count();
        assert_eq!(finished, 2, "{capture}: {:?}", r.passed);
    }
}

/// Regression: after a HelloRetryRequest the first ClientHello is hashed into a
/// message_hash message (RFC 8446 4.4.1); hashed raw, both Finished messages and the
/// server's CertificateVerify were reported as not matching the transcript.
#[test]
fn hello_retry_request_transcripts_start_with_the_message_hash() {
    for name in ["tls13-hello-retry-request", "tls13-hello-retry-request-ccm"] {
        let capture = format!("roundtrip/{name}.pcapng");
        let r = with_keylog(&capture, &format!("roundtrip/{name}.keylog"));
        assert!(r.decrypted && r.outcome == Outcome::Ok && errors(&r).is_empty(), "{name}: {:?}", r.findings);
        let finished = r.passed.iter().filter(|p| p.contains("Finished")).count();
        assert_eq!(finished, 2, "{name}: {:?}", r.passed);
        assert!(r.passed.iter().any(|p| p.starts_with("the server's CertificateVerify")), "{name}: {:?}", r.passed);
    }
}

#[test]
fn a_key_log_of_another_run_is_a_mismatch() {
    let text = std::fs::read_to_string(fixture("tls13-rsa.keylog")).unwrap();
    // Change the first hex digit of every secret: the lines still parse, the secrets are wrong.
    let damaged: String = text
        .lines()
        .map(|line| match line.rsplit_once(' ') {
            Some((head, secret)) if !line.starts_with('#') => {
                let flipped = if secret.starts_with('0') { "1" } else { "0" };
                format!("{head} {flipped}{}\n", &secret[1..])
            }
            _ => format!("{line}\n"),
        })
        .collect();
    let dir = Scratch::new("damaged-keylog");
    let path = dir.join("damaged.keylog");
    std::fs::write(&path, damaged).unwrap();
    let (keys, _) = tlsdoctor::decrypt::secrets::load_keylog(&path).unwrap();
    let keys = Some(std::sync::Arc::new(tlsdoctor::decrypt::Keys::from_keylog(keys)));
    let options = Options { keys: keys.clone(), ..Options::default() };
    let r = diagnose_capture(&fixture("tls13-rsa.pcapng"), &Config { keys, ..Config::default() }, &options)
        .unwrap()
        .remove(0);
    assert!(!r.decrypted);
    assert_eq!(errors(&r), ["keylog-mismatch"]);
    assert_eq!(r.findings[0].frame, 6, "the server's first encrypted record");
}

/// The failing second connection of a capture whose first one succeeded with the same
/// server (the evidence for what the server accepts).
fn refused(name: &str) -> ConnectionReport {
    // With the key log: TLS 1.3 shows the server's certificate only decrypted.
    let reports = with_keylog_all(&format!("diagnose/{name}.pcapng"), &format!("diagnose/{name}.keylog"));
    assert_eq!(reports.len(), 2, "{name}");
    assert_handshake_only(&reports[0]);
    reports[1].clone()
}

#[test]
fn refusals_are_explained_by_what_the_server_accepted_elsewhere() {
    let r = refused("no-common-version");
    assert_alert(&r, Outcome::Failed, "server", Some("protocol_version"), 22);
    assert_eq!(errors(&r), ["no-common-version"]);
    for name in ["no-common-group", "no-common-group-tls12"] {
        let r = refused(name);
        assert_alert(&r, Outcome::Failed, "server", Some("handshake_failure"), 22);
        assert_eq!(errors(&r), ["no-common-group"], "{name}");
        assert_eq!(r.findings[0].detail["server_chose_elsewhere"][0], "x25519", "{name}");
    }
    for name in ["no-common-signature-algorithm", "no-common-signature-algorithm-tls13"] {
        let r = refused(name);
        assert_alert(&r, Outcome::Failed, "server", Some("handshake_failure"), 22);
        assert!(errors(&r).contains(&"no-common-signature-algorithm"), "{name}: {:?}", errors(&r));
        let f = r.findings.iter().find(|f| f.code == "no-common-signature-algorithm").unwrap();
        assert_eq!(f.detail["server_key"], "RSA 2048 bits");
    }
}

/// A refusal whose alert names its reason is explained by that reason alone, not by the
/// offer's versions, suites and groups (which the server accepted from the first client).
#[test]
fn refusals_whose_alert_names_the_reason_say_it() {
    let r = refused("server-name-unrecognized");
    assert_alert(&r, Outcome::Failed, "server", Some("unrecognized_name"), 22);
    assert_eq!(errors(&r), ["server-name-unrecognized"]);
    assert_eq!(r.findings[0].detail["sni"], "other.example");

    let r = refused("no-common-application-protocol");
    assert_alert(&r, Outcome::Failed, "server", Some("no_application_protocol"), 22);
    assert_eq!(errors(&r), ["no-common-application-protocol"]);
    assert_eq!(r.findings[0].detail["offered"], serde_json::json!(["http/1.1"]));

    let r = refused("version-fallback-refused");
    assert_alert(&r, Outcome::Failed, "server", Some("inappropriate_fallback"), 22);
    assert_eq!(errors(&r), ["version-fallback-refused"]);
    let f = &r.findings[0];
    assert_eq!((&f.detail["offered"], &f.detail["fallback_scsv"]), (&serde_json::json!(["TLS 1.2"]), &true.into()));
    assert_eq!(f.detail["server_chose_elsewhere"], serde_json::json!(["TLS 1.3"]), "the first client's connection");
}

/// A firewall that filters by server name resets the connection in the server's name;
/// the reset's time to live (64) is not that of the server's packets (63, one router
/// away).
#[test]
fn a_reset_forged_on_the_path_is_told_from_the_servers() {
    let reports = diagnose_with(&fixture("diagnose/reset-by-middlebox.pcapng"), &Options::default());
    assert_handshake_only(&reports[0]);
    let r = &reports[1];
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(errors(r), ["reset-by-middlebox"], "not a refusal by the server");
    let f = &r.findings[0];
    assert_eq!((f.frame, &f.detail["sender"], &f.detail["sni"]), (21, &"server".into(), &"blocked.example".into()));
    assert_eq!((&f.detail["ttl"], &f.detail["peer_ttl"]), (&64.into(), &63.into()));
    let closed = r.closed.as_ref().unwrap();
    assert_eq!((closed.sender, closed.how, closed.frame), ("server", "reset", 21));
}

/// curl speaks TLS to a plain HTTP port: the server's answer is the finding, not a guess
/// about the offer.
#[test]
fn a_server_answering_in_plain_text_is_named() {
    let r = only("https-to-http-port");
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(errors(&r), ["server-not-tls"]);
    let f = &r.findings[0];
    assert_eq!((f.frame, &f.detail["first_bytes"]), (6, &"<!DOC".into()));
    assert!(f.summary.contains("plain HTTP"), "{}", f.summary);
}

/// Through an HTTP proxy: TLS starts after the CONNECT exchange, and the handshake is read
/// and checked as any other (tlsdoctor saw no TLS here before).
#[test]
fn tls_after_an_http_proxys_connect_is_read() {
    let r = with_keylog("diagnose/tls-through-http-proxy.pcapng", "diagnose/tls-through-http-proxy.keylog");
    assert!(r.decrypted);
    assert_handshake_only(&r);
    assert_eq!(r.server.port, 25466, "the connection is the one to the proxy");
    let passed = r.passed.join("; ");
    assert!(
        passed.contains("client's Finished (frame 10)") && passed.contains("server's Finished (frame 9)"),
        "{passed}"
    );
}

#[test]
fn a_client_refusing_the_server_certificate_is_explained() {
    let r = only("certificate-name-mismatch");
    assert_alert(&r, Outcome::Failed, "client", Some("bad_certificate"), 8);
    assert_eq!(errors(&r), ["certificate-name-mismatch"]);
    assert_eq!((r.findings[0].frame, r.findings[0].detail["sni"].as_str()), (6, Some("wrong.example")));

    let r = only("certificate-not-yet-valid");
    assert_alert(&r, Outcome::Failed, "client", Some("bad_certificate"), 8);
    assert_eq!(errors(&r), ["certificate-not-yet-valid"]);
    assert_eq!(r.findings[0].detail["not_before"], "2030-01-01 00:00:00 UTC");

    let ca = tlsdoctor::ca::load(&fixture("diagnose/pki/ca.pem")).unwrap();
    let mut reports = diagnose_with(
        &fixture("diagnose/certificate-untrusted.pcapng"),
        &Options { ca_certificates: ca, ..Options::default() },
    );
    let r = reports.remove(0);
    assert_alert(&r, Outcome::Failed, "client", Some("unknown_ca"), 8);
    assert_eq!(errors(&r), ["certificate-untrusted"]);
    // Without the CA, the refusal is said, and what would settle it.
    let r = only("certificate-untrusted");
    assert_eq!(codes(&r), ["certificate-trust-unknown"]);
    // Given the CA the chain does end at, which the client does not trust: the chain
    // holds for the user, so the client's trust store is the answer.
    let rogue = tlsdoctor::ca::load(&fixture("diagnose/pki/rogue-ca.pem")).unwrap();
    let r = diagnose_with(
        &fixture("diagnose/certificate-untrusted.pcapng"),
        &Options { ca_certificates: rogue, ..Options::default() },
    )
    .remove(0);
    assert_eq!(errors(&r), ["certificate-untrusted-by-peer"]);
    let f = &r.findings[0];
    assert_eq!((f.frame, f.detail["chain_ends_at"].as_str()), (8, Some("CN=Rogue CA, O=elsewhere")));
    assert!(f.summary.contains("the client does not trust that CA"), "{}", f.summary);
}

#[test]
fn with_secrets_a_finished_or_server_signature_that_does_not_match_is_named() {
    let r = with_keylog("diagnose/finished-mismatch.pcapng", "diagnose/finished-mismatch.keylog");
    assert_alert(&r, Outcome::Failed, "server", Some("decrypt_error"), 9);
    assert_eq!(errors(&r), ["finished-mismatch"]);
    assert_eq!((r.findings[0].frame, r.findings[0].detail["sender"].as_str()), (8, Some("client")));
    // Without secrets, the check the server made is named as the one that needs them.
    assert_eq!(codes(&only("finished-mismatch")), ["keys-missing"]);

    let r = with_keylog(
        "diagnose/server-certificate-verify-invalid.pcapng",
        "diagnose/server-certificate-verify-invalid.keylog",
    );
    assert_alert(&r, Outcome::Failed, "client", Some("decrypt_error"), 10);
    assert_eq!(errors(&r), ["server-certificate-verify-invalid"]);
    assert_eq!((r.findings[0].frame, r.findings[0].detail["cause"].as_str()), (8, Some("wrong-key-or-corrupt")));
}

#[test]
fn a_lost_client_flight_is_a_capture_gap_not_a_missing_certificate() {
    let r = with_keylog("diagnose/capture-gap.pcapng", "diagnose/capture-gap.keylog");
    assert_eq!(r.outcome, Outcome::Incomplete);
    assert_eq!(codes(&r), ["capture-gap"]);
    assert_eq!((r.findings[0].frame, r.findings[0].detail["missing_bytes"].as_u64()), (10, Some(2124)));
}

/// `diagnose` leaves TLS 1.2-and-older application data encrypted, passing over it (the
/// sequence number and the CBC chaining IV advance); on every real-peer round trip its
/// report must equal the one made with every record decrypted, and the close_notify
/// alerts after the application data must still open.
#[test]
fn passing_over_application_data_changes_no_report() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/roundtrip");
    let cases = std::fs::read_to_string(dir.join("cases.tsv")).unwrap();
    let mut alerts_opened_after_data = 0;
    for name in
        cases.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(|l| l.split('\t').next().unwrap())
    {
        let (keys, _) = tlsdoctor::decrypt::secrets::load_keylog(&dir.join(format!("{name}.keylog"))).unwrap();
        let keys = Some(std::sync::Arc::new(tlsdoctor::decrypt::Keys::from_keylog(keys)));
        let options = Options { keys: keys.clone(), ..Options::default() };
        let capture = dir.join(format!("{name}.pcapng"));
        let report = |skip_application_data| {
            let config = Config { keys: keys.clone(), skip_application_data, ..Config::default() };
            let reports = diagnose_capture(&capture, &config, &options).unwrap();
            serde_json::to_value(&reports).unwrap()
        };
        let skipped = report(true);
        assert_eq!(skipped, report(false), "{name}");
        if !name.contains("tls13") {
            alerts_opened_after_data += skipped[0]["story"]["alerts"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["description"] == "close_notify")
                .count();
        }
    }
    assert!(alerts_opened_after_data > 50, "{alerts_opened_after_data} close_notify alerts opened");
}
