//! QUIC connections diagnosed like TCP ones (issue 16), on the real-peer captures of
//! tests/fixtures/quic (aioquic and ngtcp2, make-quic-fixtures.sh); frames as tshark 4.0
//! numbers them (tests/golden/quic).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
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
/// 3), in the same connection. Its transcript starts again at that ClientHello: with
/// keys, the Finished messages match (read together with the first ClientHello, they did
/// not: a false alarm). The negotiation was followed: no quic-version-mismatch.
#[test]
fn a_new_attempt_after_version_negotiation() {
    let reports = diagnose("quic-version-negotiation-aioquic", true);
    assert_eq!(reports.len(), 1);
    let r = &reports[0];
    assert_eq!((r.first_frame, r.last_frame, r.outcome), (1, 15, Outcome::Ok));
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    for check in ["the client's Finished (frame 6) matches", "the server's Finished (frame 4) matches"] {
        assert!(r.passed.iter().any(|p| p.contains(check)), "{check}: {:?}", r.passed);
    }
    let steps: Vec<_> = r.ladder.iter().take(3).map(|s| (s.frame, s.message.as_str())).collect();
    assert_eq!(steps, [(1, "Client Hello"), (2, "Version Negotiation"), (3, "Client Hello")]);
    // Without keys: nothing failed, nothing claimed but missing keys.
    let r = &diagnose("quic-version-negotiation-aioquic", false)[0];
    assert_eq!(r.outcome, Outcome::Incomplete);
    assert!(r.findings.iter().all(|f| f.code == "keys-missing"), "{:?}", r.findings);
}

#[test]
fn a_version_the_server_does_not_speak_is_named_with_the_versions_it_does() {
    // gtlsclient offers the reserved version 0x1a2a3a4a; gtlsserver answers with Version
    // Negotiation in frame 2, and the client gives up. Version Negotiation is never
    // encrypted: keys change nothing.
    for keys in [false, true] {
        let r = &diagnose("quic-version-negotiation", keys)[0];
        assert_eq!(r.outcome, Outcome::Failed);
        let f = &r.findings[0];
        assert_eq!((f.code, f.frame), ("quic-version-mismatch", 2), "{:?}", r.findings);
        assert_eq!(f.detail["offered"], "0x1a2a3a4a");
        assert!(f.detail["server_versions"].as_array().unwrap().iter().any(|v| v == "0x00000001"));
        assert!(f.summary.contains("lists QUIC v1,"), "{}", f.summary);
        assert_eq!(r.ladder.last().map(|s| (s.frame, s.message.as_str())), Some((2, "Version Negotiation")));
    }
}

#[test]
fn closes_without_an_error_after_the_handshake_are_no_failure() {
    // Both good connections end with an application close (aioquic: 0, ngtcp2 with
    // HTTP/3's H3_NO_ERROR 0x100): no finding, and the ladder shows the close.
    for name in ["aioquic-client-ngtcp2-server", "ngtcp2-client-aioquic-server"] {
        let r = &diagnose(name, true)[0];
        assert_eq!(r.outcome, Outcome::Ok, "{name}");
        assert!(r.findings.iter().all(|f| f.code != "quic-connection-closed"), "{name}: {:?}", r.findings);
        let close = r.ladder.iter().find(|s| s.message.starts_with("CONNECTION_CLOSE")).unwrap();
        assert_eq!(close.from, "client", "{name}");
    }
}

fn tlsdoctor(args: &[&str], name: &str) -> String {
    let capture = quic(&format!("{name}.pcapng"));
    let keylog = quic(&format!("{name}.keylog"));
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .args(args)
        .arg(&capture)
        .arg("--keylog")
        .arg(&keylog)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?} {name}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn decrypt_prints_quic_stream_data_per_stream_and_writes_each_stream_whole() {
    // ngtcp2's server answers the HTTP/3 GET on stream 0 in frame 10: a HEADERS frame,
    // then a DATA frame with its text.
    let name = "aioquic-client-ngtcp2-server";
    let text = tlsdoctor(&["decrypt"], name);
    assert!(
        text.contains(
            "=== frame 10 connection 1 stream 0 10.68.0.2:24443 → 10.68.0.1:60128 (offset 0, 31 bytes, fin)\n"
        ),
        "{text}"
    );
    assert!(text.contains("hello from ngtcp2"), "{text}");
    // The server's control stream (3) starts with its type, 0x00, and SETTINGS (0x04).
    assert!(text.contains("stream 3 10.68.0.2:24443 → 10.68.0.1:60128 (offset 0, 18 bytes)\n\\x00\\x04"), "{text}");

    let dir = common::Scratch::new("quic-streams");
    let out_dir = dir.path().to_str().unwrap();
    tlsdoctor(&["decrypt", "--out-dir", out_dir], name);
    let response = std::fs::read(dir.join("conn-1-stream-0-server.bin")).unwrap();
    assert_eq!(response.len(), 31);
    assert!(response.ends_with(b"hello from ngtcp2\n"), "{response:?}");
    // Stream 7 (the server's QPACK encoder stream) came in two pieces, frames 2 and 10:
    // the file holds them at their offsets, 1 + 30 bytes.
    assert_eq!(std::fs::read(dir.join("conn-1-stream-7-server.bin")).unwrap().len(), 31);
}

#[test]
fn dissect_fields_match_tsharks_handshake_types_frame_for_frame() {
    // tests/golden/quic/*.handshakes.tsv: frame and tls.handshake.type per frame, as
    // tshark 4.0 shows them with the key log (make-quic-golden.sh).
    let golden_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/quic");
    let mut compared = 0;
    let names = [
        "aioquic-client-ngtcp2-server",
        "ngtcp2-client-aioquic-server",
        "quic-0rtt",
        "quic-no-alpn",
        "quic-unknown-ca",
        "quic-transport-parameter-error",
    ];
    for name in names {
        let golden = std::fs::read_to_string(golden_dir.join(format!("{name}.pcapng.handshakes.tsv"))).unwrap();
        let fields = tlsdoctor(&["dissect", "--format", "fields"], name);
        let ours: Vec<String> = fields
            .lines()
            .filter_map(|l| {
                let mut cols = l.split('\t');
                let (frame, types) = (cols.next()?, cols.next()?);
                (!types.is_empty()).then(|| format!("{frame}\t{types}"))
            })
            .collect();
        assert_eq!(ours, golden.lines().collect::<Vec<_>>(), "{name}");
        compared += 1;
    }
    assert_eq!(compared, names.len());
}

#[test]
fn a_transport_error_is_named_with_what_broke_the_rfc() {
    // The aioquic client advertises active_connection_id_limit 1 (RFC 9000 18.2: at
    // least 2); ngtcp2's server closes with TRANSPORT_PARAMETER_ERROR (0x08) in an
    // Initial packet, frame 2 (tests/golden/quic/quic-transport-parameter-error.pcapng.closes.tsv).
    let r = &diagnose("quic-transport-parameter-error", false)[0];
    assert_eq!(r.outcome, Outcome::Failed);
    assert!(r.alert.is_none(), "a transport error is no TLS alert");
    let f = &r.findings[0];
    assert_eq!((f.code, f.frame), ("quic-connection-closed", 2), "{:?}", r.findings);
    assert_eq!((&f.detail["sender"], &f.detail["error_code"]), (&"server".into(), &8.into()));
    assert_eq!(f.detail["error"], "TRANSPORT_PARAMETER_ERROR (0x8)");
    assert_eq!(f.detail["parameter_problems"][0], "active_connection_id_limit is 1, below the minimum 2");
    assert!(f.summary.contains("the client's transport parameters (frame 1) break RFC 9000 18.2"), "{}", f.summary);
    assert!(!f.detail.contains_key("frame_type"), "frame type 0 means unknown");
}
