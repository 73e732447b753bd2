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
