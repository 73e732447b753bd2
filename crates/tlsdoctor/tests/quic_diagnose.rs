//! QUIC connections diagnosed like TCP ones (issue 16), on the real-peer captures of
//! tests/fixtures/quic (aioquic and ngtcp2, make-quic-fixtures.sh); frames as tshark 4.0
//! numbers them (tests/golden/quic).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tlsdoctor::decrypt::{secrets, Keys};
use tlsdoctor::diagnose::{diagnose_capture, ConnectionReport, Options, Outcome};
use tlsdoctor::pipeline::Config;

fn quic(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/quic").join(name)
}

fn diagnose(name: &str, keys: bool) -> Vec<ConnectionReport> {
    let keys = keys.then(|| {
        let (keylog, problems) = secrets::load_keylog(&quic(&format!("{name}.keylog"))).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        Arc::new(Keys::from_keylog(keylog))
    });
    let config = Config { keys: keys.clone(), ..Config::default() };
    diagnose_capture(&quic(&format!("{name}.pcapng")), &config, &Options { keys, ..Options::default() }).unwrap()
}

#[test]
fn a_good_quic_handshake_is_read_and_checked_with_the_key_log() {
    let reports = diagnose("aioquic-client-ngtcp2-server", true);
    assert_eq!(reports.len(), 1);
    let r = &reports[0];
    assert_eq!((r.transport, r.outcome, r.version.as_deref()), ("quic", Outcome::Ok, Some("TLS 1.3")));
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    for check in ["the client's Finished (frame 4) matches", "the server's Finished (frame 2) matches"] {
        assert!(r.passed.iter().any(|p| p.contains(check)), "{check}: {:?}", r.passed);
    }
    // Without keys only the Initial packets open: the capture cannot tell the end.
    let r = &diagnose("aioquic-client-ngtcp2-server", false)[0];
    assert_eq!((r.transport, r.outcome), ("quic", Outcome::Incomplete));
    assert_eq!(r.story.client_offer.as_ref().map(|o| o.frame), Some(1));
}

#[test]
fn a_connection_close_with_a_crypto_error_is_the_tls_alert() {
    // The server closes with 0x178 (no_application_protocol) in an Initial packet, frame 2:
    // readable without keys.
    for keys in [false, true] {
        let r = &diagnose("quic-no-alpn", keys)[0];
        assert_eq!(r.outcome, Outcome::Failed);
        let alert = r.alert.as_ref().unwrap();
        assert_eq!(
            (alert.sender, alert.description.as_deref(), alert.frame),
            ("server", Some("no_application_protocol"), 2)
        );
        assert_eq!(r.findings.iter().map(|f| f.code).collect::<Vec<_>>(), ["no-common-application-protocol"]);
    }
    // The client refuses the server's chain with 0x12a (bad_certificate) in a Handshake
    // packet, frame 4: read with the key log.
    let r = &diagnose("quic-unknown-ca", true)[0];
    assert_eq!(r.outcome, Outcome::Failed);
    let alert = r.alert.as_ref().unwrap();
    assert_eq!((alert.sender, alert.description.as_deref(), alert.frame), ("client", Some("bad_certificate"), 4));
    assert_eq!(r.findings.iter().map(|f| f.code).collect::<Vec<_>>(), ["certificate-trust-unknown"]);
}

/// The first CONNECTION_CLOSE tshark 4.0 shows with a TLS alert: its frame and the alert
/// (tests/golden/quic/NAME.pcapng.closes.tsv, columns frame, types, transport codes,
/// application codes, alerts).
fn tshark_first_alert(name: &str) -> (u64, u8) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../tests/golden/quic/{name}.pcapng.closes.tsv"));
    let text = std::fs::read_to_string(&path).unwrap();
    let row = text.lines().find(|l| l.split('\t').nth(4).is_some_and(|a| !a.is_empty())).unwrap();
    let columns: Vec<&str> = row.split('\t').collect();
    (columns[0].parse().unwrap(), columns[4].split(',').next().unwrap().parse().unwrap())
}

/// The client-certificate fixtures: quinn's server (tests/fixtures/quic/verifying-server)
/// verifies the client's certificate and closes with the TLS alert, in a Handshake packet
/// and a 1-RTT packet of one datagram. quinn and ngtcp2 grease the fixed bit (RFC 9287),
/// which a datagram's first byte alone would take for DTLS or nothing: in
/// quic-client-cert-other-ca-ngtcp2 the client's Certificate and the server's close, in
/// quic-client-cert-expired-ngtcp2 the close.
#[test]
fn good_connections_with_client_certificates() {
    for name in ["aioquic-client-quinn-server", "ngtcp2-client-quinn-server"] {
        let reports = diagnose(name, true);
        assert_eq!(reports.len(), 1, "{name}");
        let r = &reports[0];
        assert_eq!((r.outcome, r.client_auth), (Outcome::Ok, "provided"), "{name}");
        assert!(r.findings.is_empty(), "{name}: {:?}", r.findings);
        assert!(r.passed.iter().any(|p| p.starts_with("the client's CertificateVerify")), "{name}: {:?}", r.passed);
        // Without keys: incomplete, never failed.
        let r = &diagnose(name, false)[0];
        assert_eq!(r.outcome, Outcome::Incomplete, "{name}");
        assert_eq!(r.findings.iter().map(|f| f.code).collect::<Vec<_>>(), ["keys-missing"], "{name}");
    }
    // Every frame of the capture is the connection's: the last is the server's
    // CONNECTION_CLOSE answering the client's.
    let r = &diagnose("ngtcp2-client-quinn-server", true)[0];
    assert_eq!((r.first_frame, r.last_frame), (1, 11));
}

/// Each refusal, from both QUIC stacks where the client can make it: who sent which alert
/// in which frame (tshark's), and the finding. Without keys the alert is in a Handshake
/// packet that cannot be read: incomplete with keys-missing, no alert and no other claim.
#[test]
fn certificate_refusals_in_quic() {
    let cases: [(&str, &str, &str, &[&str]); 9] = [
        ("quic-client-cert-untrusted-aioquic", "server", "unknown_ca", &["certificate-issuer-not-requested"]),
        // GnuTLS withholds a certificate whose issuer the server did not ask for.
        ("quic-client-cert-other-ca-ngtcp2", "server", "certificate_required", &["client-certificate-missing"]),
        ("quic-client-cert-expired-aioquic", "server", "certificate_expired", &["certificate-expired"]),
        ("quic-client-cert-expired-ngtcp2", "server", "certificate_expired", &["certificate-expired"]),
        ("quic-client-cert-missing-aioquic", "server", "certificate_required", &["client-certificate-missing"]),
        ("quic-client-cert-missing-ngtcp2", "server", "certificate_required", &["client-certificate-missing"]),
        ("quic-client-key-mismatch", "server", "decrypt_error", &["client-certificate-verify-invalid"]),
        ("quic-server-cert-expired", "client", "certificate_expired", &["certificate-expired"]),
        ("quic-name-mismatch", "client", "bad_certificate", &["certificate-name-mismatch"]),
    ];
    let alert_number = |name: &str| match name {
        "bad_certificate" => 42,
        "certificate_expired" => 45,
        "unknown_ca" => 48,
        "decrypt_error" => 51,
        "certificate_required" => 116,
        _ => unreachable!(),
    };
    for (name, sender, description, codes) in cases {
        let (frame, alert) = tshark_first_alert(name);
        assert_eq!(alert, alert_number(description), "{name}");
        let reports = diagnose(name, true);
        assert_eq!(reports.len(), 1, "{name}");
        let r = &reports[0];
        assert_eq!(r.outcome, Outcome::Failed, "{name}");
        let a = r.alert.as_ref().unwrap();
        assert_eq!((a.sender, a.description.as_deref(), a.frame), (sender, Some(description), frame), "{name}");
        assert_eq!(r.findings.iter().map(|f| f.code).collect::<Vec<_>>(), codes, "{name}");

        let r = &diagnose(name, false)[0];
        assert_eq!((r.outcome, r.alert.is_none()), (Outcome::Incomplete, true), "{name}");
        assert_eq!(r.findings.iter().map(|f| f.code).collect::<Vec<_>>(), ["keys-missing"], "{name}");
    }
}

/// Headless Chromium over QUIC (HTTP/3 forced on) against quinn's server: a good
/// connection when the server asks for no certificate; when it requires one, Chromium has
/// none to give and tries three times, each refused with certificate_required in the
/// frames tshark shows.
#[test]
fn chromium_over_quic() {
    let r = &diagnose("chromium-quinn-server", true)[0];
    assert_eq!((r.transport, r.outcome, r.client_auth), ("quic", Outcome::Ok, "none"));
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(diagnose("chromium-quinn-server", false)[0].outcome, Outcome::Incomplete);

    let name = "quic-client-cert-missing-chromium";
    let golden =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../tests/golden/quic/{name}.pcapng.closes.tsv"));
    let tshark_frames: Vec<u64> = std::fs::read_to_string(golden)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').next().unwrap().parse().unwrap())
        .collect();
    let reports = diagnose(name, true);
    assert_eq!(reports.len(), 3);
    for (r, frame) in reports.iter().zip(tshark_frames) {
        assert_eq!(r.outcome, Outcome::Failed);
        let a = r.alert.as_ref().unwrap();
        assert_eq!((a.sender, a.description.as_deref(), a.frame), ("server", Some("certificate_required"), frame));
        assert_eq!(r.findings.iter().map(|f| f.code).collect::<Vec<_>>(), ["client-certificate-missing"]);
    }
    for r in diagnose(name, false) {
        assert_eq!((r.outcome, r.alert.is_none()), (Outcome::Incomplete, true));
        assert_eq!(r.findings.iter().map(|f| f.code).collect::<Vec<_>>(), ["keys-missing"]);
    }

    // Without the server's key among those it trusts, Chromium refuses the chain with
    // certificate_unknown (0x12e) in a Handshake packet.
    let name = "quic-untrusted-chromium";
    let (frame, alert) = tshark_first_alert(name);
    assert_eq!(alert, 46);
    let r = &diagnose(name, true)[0];
    assert_eq!(r.outcome, Outcome::Failed);
    let a = r.alert.as_ref().unwrap();
    assert_eq!((a.sender, a.description.as_deref(), a.frame), ("client", Some("certificate_unknown"), frame));
    assert_eq!(r.findings.iter().map(|f| f.code).collect::<Vec<_>>(), ["certificate-trust-unknown"]);
    let r = &diagnose(name, false)[0];
    assert_eq!((r.outcome, r.alert.is_none()), (Outcome::Incomplete, true));
    assert_eq!(r.findings.iter().map(|f| f.code).collect::<Vec<_>>(), ["keys-missing"]);
}

/// The other client of each: ngtcp2's offers only h3 to aioquic's server speaking
/// hq-interop: refused in an Initial packet (frame 2), readable without keys.
#[test]
fn no_common_alpn_from_ngtcp2() {
    let (frame, alert) = tshark_first_alert("quic-no-alpn-ngtcp2");
    assert_eq!((frame, alert), (2, 120));
    for keys in [false, true] {
        let r = &diagnose("quic-no-alpn-ngtcp2", keys)[0];
        assert_eq!(r.outcome, Outcome::Failed);
        let a = r.alert.as_ref().unwrap();
        assert_eq!((a.sender, a.description.as_deref(), a.frame), ("server", Some("no_application_protocol"), frame));
        assert_eq!(r.findings.iter().map(|f| f.code).collect::<Vec<_>>(), ["no-common-application-protocol"]);
    }
}

/// aioquic's client offers QUIC v2, which ngtcp2's server does not know: Version
/// Negotiation (frame 2), and the client starts again in v1 with a new ClientHello (frame
/// 3). That attempt is a connection of its own, whose transcript starts at its
/// ClientHello: with keys, its Finished messages match (read together with the first
/// attempt's ClientHello, they did not: a false alarm).
#[test]
fn a_new_attempt_after_version_negotiation() {
    let reports = diagnose("quic-version-negotiation-aioquic", true);
    let mut summary: Vec<_> = reports.iter().map(|r| (r.first_frame, r.last_frame, r.outcome)).collect();
    summary.sort_by_key(|s| s.0);
    assert_eq!(summary, [(1, 2, Outcome::Incomplete), (3, 15, Outcome::Ok)]);
    let retried = reports.iter().find(|r| r.first_frame == 3).unwrap();
    assert!(retried.findings.is_empty(), "{:?}", retried.findings);
    for check in ["the client's Finished (frame 6) matches", "the server's Finished (frame 4) matches"] {
        assert!(retried.passed.iter().any(|p| p.contains(check)), "{check}: {:?}", retried.passed);
    }
    // Without keys: nothing failed, nothing claimed but missing keys.
    for r in diagnose("quic-version-negotiation-aioquic", false) {
        assert_eq!(r.outcome, Outcome::Incomplete);
        assert!(r.findings.iter().all(|f| f.code == "keys-missing"), "{:?}", r.findings);
    }
}
