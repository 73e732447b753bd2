//! DTLS over UDP on real-peer captures (tests/fixtures/dtls, made by
//! make-dtls-captures.sh: OpenSSL and GnuTLS, wolfSSL for DTLS 1.3, path faults from
//! iptables and udpfault.py): each association is diagnosed like a TCP connection, with
//! `transport` "udp", the right alert, frame and findings, and the datagram-only findings
//! where the path failed. The evidence of DTLS 1.0/1.2 handshake failures is in clear:
//! diagnosed without keys, and with the client's key log where it has one (the same
//! diagnosis, Finished checked).

use std::path::{Path, PathBuf};

use tlsdoctor::diagnose::{diagnose_capture, ConnectionReport, Options, Outcome, Severity};
use tlsdoctor::pipeline::Config;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name)
}

fn options_with_ca() -> Options {
    let ca = tlsdoctor::ca::load(&fixture("diagnose/pki/ca.pem")).unwrap();
    Options { ca_certificates: ca, ..Options::default() }
}

/// The one association of a DTLS fixture, diagnosed without secrets, with the CA.
fn only(name: &str) -> ConnectionReport {
    let mut reports =
        diagnose_capture(&fixture(&format!("dtls/{name}.pcapng")), &Config::default(), &options_with_ca())
            .expect("capture is readable");
    assert_eq!(reports.len(), 1, "{name}: one DTLS association");
    let r = reports.remove(0);
    assert_eq!(r.transport, "udp", "{name}");
    r
}

/// The one association of a DTLS fixture, diagnosed with the client's key log and the CA.
fn with_keylog(name: &str) -> ConnectionReport {
    let path = fixture(&format!("dtls/{name}.keylog"));
    let (keys, problems) = tlsdoctor::decrypt::secrets::load_keylog(&path).unwrap();
    assert!(problems.is_empty(), "{name}: {problems:?}");
    let keys = Some(std::sync::Arc::new(tlsdoctor::decrypt::Keys::from_keylog(keys)));
    let config = Config { keys: keys.clone(), ..Config::default() };
    let options = Options { keys, ..options_with_ca() };
    let mut reports = diagnose_capture(&fixture(&format!("dtls/{name}.pcapng")), &config, &options).unwrap();
    assert_eq!(reports.len(), 1, "{name}: one DTLS association");
    let r = reports.remove(0);
    assert!(r.decrypted, "{name}");
    r
}

fn finished_match(r: &ConnectionReport, who: &str) -> bool {
    let line = format!("the {who}'s Finished");
    r.passed.iter().any(|p| p.starts_with(&line) && p.contains("matches"))
}

fn errors(r: &ConnectionReport) -> Vec<&'static str> {
    r.findings.iter().filter(|f| f.severity == Severity::Error).map(|f| f.code).collect()
}

fn alert(r: &ConnectionReport) -> (&str, Option<&str>, u64) {
    let a = r.alert.as_ref().expect("an alert");
    (a.sender, a.description.as_deref(), a.frame)
}

#[test]
fn good_associations_give_no_error_and_their_checks_pass() {
    let good = [
        ("dtls12-ok", "DTLS 1.2"),
        ("dtls10-ok", "DTLS 1.0"),
        ("dtls12-gnutls-ok", "DTLS 1.2"),
        ("dtls10-gnutls-ok", "DTLS 1.0"),
        ("dtls12-gnutls-mtls-ok", "DTLS 1.2"),
    ];
    for (name, version) in good {
        let r = only(name);
        assert_eq!(r.outcome, Outcome::Ok, "{name}");
        assert_eq!(r.version.as_deref(), Some(version), "{name}");
        assert!(errors(&r).is_empty(), "{name}: {:?}", r.findings);
        assert!(r.passed.iter().any(|p| p.contains("ServerKeyExchange")), "{name}: {:?}", r.passed);
        assert!(r.passed.iter().any(|p| p.contains("server certificate chain")), "{name}: {:?}", r.passed);
        assert_eq!(r.sni.as_deref(), Some("app.example"));
    }
}

#[test]
fn with_the_key_log_both_finished_messages_match_the_dtls_transcript() {
    let (keys, problems) = tlsdoctor::decrypt::secrets::load_keylog(&fixture("dtls/dtls12-ok.keylog")).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let keys = Some(std::sync::Arc::new(tlsdoctor::decrypt::Keys::from_keylog(keys)));
    let config = Config { keys: keys.clone(), ..Config::default() };
    let options = Options { keys, ..Options::default() };
    let r = diagnose_capture(&fixture("dtls/dtls12-ok.pcapng"), &config, &options).unwrap().remove(0);
    assert!(r.decrypted);
    assert!(errors(&r).is_empty(), "{:?}", r.findings);
    for who in ["client", "server"] {
        let line = format!("the {who}'s Finished");
        assert!(r.passed.iter().any(|p| p.starts_with(&line) && p.contains("matches")), "{who}: {:?}", r.passed);
    }
}

#[test]
fn the_client_refuses_an_unknown_ca() {
    let r = only("dtls12-unknown-ca");
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(alert(&r), ("client", Some("unknown_ca"), 9));
    assert_eq!(errors(&r), ["certificate-untrusted-by-peer"]);
}

#[test]
fn the_server_requires_a_client_certificate() {
    let r = only("dtls12-no-client-cert");
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(alert(&r), ("server", Some("handshake_failure"), 17));
    assert_eq!(errors(&r), ["client-certificate-missing"]);
    assert_eq!(r.client_auth, "requested");
}

/// The client's CertificateVerify covers the DTLS transcript (with message_seq, without
/// the HelloVerifyRequest and the first ClientHello): it verifies, no false alarm.
#[test]
fn the_server_refuses_an_expired_client_certificate() {
    let r = only("dtls12-expired-client");
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(alert(&r), ("server", Some("certificate_expired"), 18));
    assert_eq!(errors(&r), ["certificate-expired"]);
    let f = &r.findings[0];
    assert_eq!((f.frame, f.detail["role"].as_str()), (17, Some("client")));
    assert!(r.passed.iter().any(|p| p.starts_with("the client's CertificateVerify") && p.contains("verifies")));
}

#[test]
fn a_flight_too_large_for_the_path_is_retransmitted_unanswered() {
    let r = only("dtls12-mtu-drop");
    assert_eq!(r.outcome, Outcome::Incomplete);
    assert_eq!(errors(&r), ["dtls-flight-unanswered"]);
    let f = &r.findings[0];
    assert_eq!(f.detail["sender"], "server");
    assert_eq!(f.detail["peer_retransmits"], true);
    assert!(f.detail["retransmissions"].as_u64().unwrap() >= 3, "{:?}", f.detail);
}

#[test]
fn a_client_hello_nobody_answers() {
    let r = only("dtls12-unanswered");
    assert_eq!(r.outcome, Outcome::Incomplete);
    assert_eq!(errors(&r), ["dtls-flight-unanswered"]);
    let f = &r.findings[0];
    assert_eq!((f.frame, f.detail["sender"].as_str()), (1, Some("client")));
    assert_eq!(f.detail["peer_retransmits"], false);
}

#[test]
fn fragments_that_never_arrive_are_named() {
    let r = only("dtls12-fragments-lost");
    assert_eq!(r.outcome, Outcome::Incomplete);
    // The client, missing the server's flight, kept sending its ClientHello again.
    assert_eq!(errors(&r), ["dtls-fragments-missing", "dtls-fragments-missing", "dtls-flight-unanswered"]);
    let missing = &r.findings[..2];
    let seqs: Vec<_> = missing.iter().map(|f| f.detail["message_seq"].as_u64()).collect();
    assert_eq!(seqs, [Some(2), Some(3)], "the Certificate and the ServerKeyExchange");
    assert_eq!(r.findings[2].detail["peer_retransmits"], true);
    for f in missing {
        assert_eq!(f.detail["sender"], "server");
        assert!(f.detail["bytes_seen"].as_u64() < f.detail["bytes"].as_u64(), "{:?}", f.detail);
    }
}

#[test]
fn a_cookie_exchange_the_client_never_finishes() {
    let r = only("dtls12-cookie-lost");
    assert_eq!(r.outcome, Outcome::Incomplete);
    assert_eq!(errors(&r), ["dtls-cookie-incomplete"]);
    assert_eq!(r.findings[0].frame, 2);
}

/// RSA key exchange with the extended master secret: the session hash covers the DTLS
/// transcript (DTLS headers, no HelloVerifyRequest); the server's key opens the records.
#[test]
fn the_server_key_decrypts_an_rsa_association_with_extended_master_secret() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .arg("decrypt")
        .arg("--rsa-key")
        .arg(fixture("diagnose/pki/server.key"))
        .arg(fixture("dtls/dtls12-rsa-ems.pcapng"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("=== frame 12 connection 1 "), "{stdout}");
    assert!(stdout.contains("hello over DTLS with RSA\n"), "{stdout}");
}

// --- Failures from both stacks (issue 16). OpenSSL and GnuTLS clients answer a server
// certificate they refuse with an alert in clear; gnutls-serv drops a handshake it
// refuses without one, and the client re-sends its flight until it gives up.

#[test]
fn the_client_refuses_a_certificate_for_another_name() {
    for (name, certificate_frame) in [("dtls12-name-mismatch", 8), ("dtls12-gnutls-name-mismatch", 5)] {
        let r = only(name);
        assert_eq!(r.outcome, Outcome::Failed, "{name}");
        assert_eq!(r.sni.as_deref(), Some("wrong.example"), "{name}");
        assert_eq!(alert(&r), ("client", Some("bad_certificate"), 9), "{name}");
        assert_eq!(errors(&r), ["certificate-name-mismatch"], "{name}");
        assert_eq!(r.findings[0].frame, certificate_frame, "{name}: the server's Certificate, whole");
    }
}

#[test]
fn gnutls_refuses_an_unknown_ca_and_an_expired_server_certificate() {
    let r = only("dtls12-gnutls-unknown-ca");
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(alert(&r), ("client", Some("bad_certificate"), 9));
    // The chain verifies up to the CA given with --ca: the client trusts another one.
    assert_eq!(errors(&r), ["certificate-untrusted-by-peer"]);

    let r = only("dtls12-gnutls-expired-server");
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(alert(&r), ("client", Some("bad_certificate"), 9));
    assert_eq!(errors(&r), ["certificate-expired"]);
    let f = &r.findings[0];
    assert_eq!((f.frame, f.detail["role"].as_str()), (5, Some("server")));
}

#[test]
fn the_openssl_server_finds_no_common_application_protocol() {
    let r = only("dtls12-no-alpn");
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(alert(&r), ("server", Some("no_application_protocol"), 4));
    assert_eq!(errors(&r), ["no-common-application-protocol"]);
    assert_eq!(r.findings[0].detail["offered"], serde_json::json!(["http/1.1"]));
}

/// gnutls-cli loads a certificate with another key unchecked (OpenSSL refuses the pair):
/// its CertificateVerify does not verify, and the OpenSSL server says decrypt_error.
#[test]
fn the_openssl_server_refuses_a_certificate_verify_made_with_another_key() {
    for r in [only("dtls12-cv-invalid"), with_keylog("dtls12-cv-invalid")] {
        assert_eq!(r.outcome, Outcome::Failed);
        assert_eq!(alert(&r), ("server", Some("decrypt_error"), 35));
        assert_eq!(errors(&r), ["client-certificate-verify-invalid"]);
        let f = &r.findings[0];
        assert_eq!((f.frame, f.detail["cause"].as_str()), (32, Some("wrong-key-or-corrupt")));
        // The server's flight was sent twice before the client answered: no false alarm.
        assert!(r.passed.iter().any(|p| p.contains("client certificate chain")), "{:?}", r.passed);
    }
    assert!(finished_match(&with_keylog("dtls12-cv-invalid"), "client"));
}

#[test]
fn a_dtls10_server_refuses_an_expired_client_certificate_whose_signature_verifies() {
    let r = only("dtls10-expired-client");
    assert_eq!(r.version.as_deref(), Some("DTLS 1.0"));
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(alert(&r), ("server", Some("certificate_expired"), 18));
    assert_eq!(errors(&r), ["certificate-expired"]);
    assert_eq!(r.findings[0].detail["role"], "client");
    let cv = r.passed.iter().find(|p| p.starts_with("the client's CertificateVerify")).expect("checked");
    assert!(cv.contains("MD5+SHA-1") && cv.contains("verifies"), "{cv}");
}

/// The control of the invalid GnuTLS CertificateVerify: the same client with its own key.
#[test]
fn a_gnutls_client_certificate_verify_with_the_right_key_verifies() {
    let r = with_keylog("dtls12-gnutls-mtls-ok");
    assert_eq!(r.outcome, Outcome::Ok);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert!(r.passed.iter().any(|p| p.starts_with("the client's CertificateVerify") && p.contains("verifies")));
    assert!(finished_match(&r, "client") && finished_match(&r, "server"), "{:?}", r.passed);
}

/// The dtls-flight-unanswered finding of a flight gnutls-serv received and dropped: it
/// had answered the client before and re-sent nothing.
fn refused_in_silence(r: &ConnectionReport, answered_in: u64) -> &tlsdoctor::diagnose::Finding {
    assert_eq!(r.outcome, Outcome::Incomplete);
    assert!(r.alert.is_none(), "{:?}", r.alert);
    let f = r.findings.iter().find(|f| f.code == "dtls-flight-unanswered").expect("the flight unanswered");
    assert_eq!(f.detail["sender"], "client");
    assert_eq!(f.detail["peer_retransmits"], false);
    assert_eq!(f.detail["peer_answered_before_frame"], answered_in);
    f
}

#[test]
fn gnutls_drops_a_flight_without_the_required_client_certificate() {
    for r in [only("dtls12-gnutls-no-client-cert"), with_keylog("dtls12-gnutls-no-client-cert")] {
        assert_eq!(refused_in_silence(&r, 8).frame, 9);
        assert_eq!(errors(&r), ["dtls-flight-unanswered", "client-certificate-missing"]);
        assert_eq!(r.findings[1].frame, 9, "the empty Certificate");
        assert_eq!(r.client_auth, "requested");
    }
    assert!(finished_match(&with_keylog("dtls12-gnutls-no-client-cert"), "client"));
}

#[test]
fn gnutls_drops_a_certificate_verify_made_with_another_key() {
    for (name, version) in [("dtls12-gnutls-cv-invalid", "DTLS 1.2"), ("dtls10-gnutls-cv-invalid", "DTLS 1.0")] {
        for r in [only(name), with_keylog(name)] {
            assert_eq!(r.version.as_deref(), Some(version), "{name}");
            refused_in_silence(&r, 8);
            assert_eq!(errors(&r), ["dtls-flight-unanswered", "client-certificate-verify-invalid"], "{name}");
            let f = &r.findings[1];
            assert_eq!((f.frame, f.detail["cause"].as_str()), (11, Some("wrong-key-or-corrupt")), "{name}");
        }
        assert!(finished_match(&with_keylog(name), "client"), "{name}");
    }
}

#[test]
fn gnutls_drops_a_client_hello_with_no_common_application_protocol() {
    let r = only("dtls12-gnutls-no-alpn");
    // The HelloVerifyRequest (frame 2) answered the first ClientHello; the one with the
    // cookie (frame 3) was re-sent and never answered.
    let f = refused_in_silence(&r, 2);
    assert_eq!(f.frame, 3);
    assert_eq!(errors(&r), ["dtls-flight-unanswered"]);
    assert!(f.remedy.contains("ALPN: http/1.1"), "{}", f.remedy);
}

// --- Path faults the peers repair: no false alarm.

#[test]
fn reordered_duplicated_and_lost_datagrams_that_the_peers_repair_are_no_fault() {
    for name in ["dtls12-reordered", "dtls12-duplicated", "dtls12-loss-repaired"] {
        for r in [only(name), with_keylog(name)] {
            assert_eq!(r.outcome, Outcome::Ok, "{name}");
            assert!(r.findings.is_empty(), "{name}: {:?}", r.findings);
            assert!(r.passed.iter().any(|p| p.contains("ServerKeyExchange")), "{name}: {:?}", r.passed);
        }
        let r = with_keylog(name);
        assert!(finished_match(&r, "client") && finished_match(&r, "server"), "{name}: {:?}", r.passed);
    }
}

/// DTLS-SRTP (RFC 5764): dissect -v names the protection profiles the client offered and
/// the one the server chose; the association is a good one.
#[test]
fn dtls_srtp_profiles_are_named() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .args(["dissect", "-v"])
        .arg(fixture("dtls/dtls12-srtp.pcapng"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Extension: use_srtp (len=7): SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80"), "{text}");
    assert!(text.contains("Extension: use_srtp (len=5): SRTP_AES128_CM_HMAC_SHA1_80"), "{text}");
    assert!(text.contains("MKI: none"), "{text}");
    let r = only("dtls12-srtp");
    assert_eq!(r.outcome, Outcome::Ok);
    assert!(errors(&r).is_empty(), "{:?}", r.findings);
}

/// DTLS 1.3 with a HelloRetryRequest (wolfSSL's stateless cookie): the key log opens
/// the unified-header records, so the server's chain, its CertificateVerify over the
/// TLS 1.3 transcript (from the synthetic message_hash on) and both Finished messages
/// under the "dtls13" labels are checked, and pass.
#[test]
fn dtls13_with_the_key_log_every_check_passes() {
    // dtls13-cid: every record after the ServerHello carries a connection ID.
    let suites = [
        ("dtls13-ok", "TLS_AES_256_GCM_SHA384"),
        ("dtls13-chacha", "TLS_CHACHA20_POLY1305_SHA256"),
        ("dtls13-cid", "TLS_AES_256_GCM_SHA384"),
        ("dtls13-key-update", "TLS_AES_256_GCM_SHA384"),
    ];
    for (name, suite) in suites {
        let r = with_keylog(name);
        assert!(r.decrypted, "{name}");
        assert_eq!(r.outcome, Outcome::Ok, "{name}: {:?}", r.findings);
        assert_eq!(r.version.as_deref(), Some("DTLS 1.3"), "{name}");
        assert_eq!(r.cipher_suite.as_deref(), Some(suite), "{name}");
        assert!(errors(&r).is_empty(), "{name}: {:?}", r.findings);
        for check in ["the server's CertificateVerify", "the client's Finished", "the server's Finished"] {
            assert!(r.passed.iter().any(|p| p.starts_with(check)), "{name}: {check}: {:?}", r.passed);
        }
        assert!(r.passed.iter().any(|p| p.contains("server certificate chain")), "{name}: {:?}", r.passed);
        assert_eq!(r.sni.as_deref(), Some("app.example"));
    }
}

/// Without secrets the unified-header records stay closed: the good association is not
/// called failed, and the failed ones are, from their encrypted alerts.
#[test]
fn dtls13_without_secrets_is_read_but_not_opened() {
    let r = only("dtls13-ok");
    assert!(!r.decrypted);
    assert_eq!(r.outcome, Outcome::Ok, "{:?}", r.findings);
    assert_eq!(r.version.as_deref(), Some("DTLS 1.3"));
    assert!(errors(&r).is_empty(), "{:?}", r.findings);
    for (name, sender, frame) in [("dtls13-no-client-cert", "server", 12), ("dtls13-unknown-ca", "client", 9)] {
        let r = only(name);
        assert_eq!(r.outcome, Outcome::Failed, "{name}");
        assert_eq!(alert(&r), (sender, None, frame), "{name}: the alert is encrypted");
        assert!(r.findings.iter().any(|f| f.code == "keys-missing"), "{name}: {:?}", r.findings);
    }
}

/// The server requires a client certificate; the client's is empty: the server's fatal
/// alert is under the handshake keys, and only the key log shows it.
#[test]
fn dtls13_the_server_requires_a_client_certificate() {
    let r = with_keylog("dtls13-no-client-cert");
    assert_eq!(r.outcome, Outcome::Failed, "{:?}", r.findings);
    assert_eq!(alert(&r), ("server", Some("certificate_required"), 12));
    assert_eq!(errors(&r), ["client-certificate-missing"]);
}

/// The client does not trust the server's CA: its fatal alert, under the handshake keys.
#[test]
fn dtls13_the_client_refuses_an_unknown_ca() {
    let r = with_keylog("dtls13-unknown-ca");
    assert_eq!(r.outcome, Outcome::Failed, "{:?}", r.findings);
    assert_eq!(alert(&r), ("client", Some("unknown_ca"), 9));
    assert_eq!(errors(&r), ["certificate-untrusted-by-peer"]);
    assert!(r.passed.iter().any(|p| p.starts_with("the server's Finished")), "{:?}", r.passed);
}

/// `tlsdoctor COMMAND --keylog NAME.keylog NAME.pcapng`'s standard output.
fn with_keylog_cli(command: &str, name: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .arg(command)
        .arg("--keylog")
        .arg(fixture(&format!("dtls/{name}.keylog")))
        .arg(fixture(&format!("dtls/{name}.pcapng")))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The decrypted application data of a DTLS 1.3 association, through the CLI.
#[test]
fn dtls13_application_data_decrypts_with_the_key_log() {
    let stdout = with_keylog_cli("decrypt", "dtls13-ok");
    assert!(stdout.contains("=== frame 11 connection 1 "), "{stdout}");
    assert!(stdout.contains("=== frame 12 connection 1 "), "{stdout}");
    assert_eq!(stdout.matches("hello over DTLS 1.3\n").count(), 2, "{stdout}");
}

/// After its KeyUpdate is acknowledged, each side sends in epoch 4 (header bits 00) under
/// the secret the update derives from the logged one ("dtls13traffic upd"): wolfSSL's
/// second line still goes in epoch 3, its close_notify in epoch 4.
#[test]
fn dtls13_records_after_a_key_update_open() {
    let stdout = with_keylog_cli("decrypt", "dtls13-key-update");
    assert_eq!(stdout.matches("hello over DTLS 1.3\n").count(), 2, "{stdout}");
    assert_eq!(stdout.matches("hello over DTLS 1.3 after a key update\n").count(), 2, "{stdout}");
    let lines = with_keylog_cli("dissect", "dtls13-key-update");
    for frame in ["13", "15"] {
        assert!(lines.lines().any(|l| l.trim_start().starts_with(&format!("{frame} ")) && l.contains("Key Update")));
    }
    for frame in ["19", "20"] {
        let line = lines.lines().find(|l| l.trim_start().starts_with(&format!("{frame} "))).unwrap_or_default();
        assert!(line.contains("Close Notify"), "frame {frame}: {lines}");
    }
}

/// The key log carried in the capture itself (a pcapng decryption secrets block, as
/// `tlsdoctor keys --inject-secrets` writes it) opens DTLS 1.3 as the key log file does.
#[test]
fn dtls13_secrets_carried_in_the_capture() {
    let copy = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dtls13-ok-with-secrets.pcapng");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .arg("keys")
        .arg(fixture("dtls/dtls13-ok.pcapng"))
        .arg("--keylog")
        .arg(fixture("dtls/dtls13-ok.keylog"))
        .arg("--inject-secrets")
        .arg(&copy)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (keys, problems) = tlsdoctor::decrypt::secrets::embedded(&copy).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let keys = Some(std::sync::Arc::new(tlsdoctor::decrypt::Keys::from_keylog(keys)));
    let config = Config { keys: keys.clone(), ..Config::default() };
    let r = diagnose_capture(&copy, &config, &Options { keys, ..options_with_ca() }).unwrap().remove(0);
    assert!(r.decrypted);
    assert_eq!(r.outcome, Outcome::Ok, "{:?}", r.findings);
    assert!(r.passed.iter().any(|p| p.starts_with("the client's Finished")), "{:?}", r.passed);
}
