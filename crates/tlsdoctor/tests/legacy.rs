//! Legacy protocol features on real captures (issue 15, points 3 and 4; made by
//! tests/fixtures/legacy/make-legacy-captures.sh, whose README says which peer is ours):
//! SSL 2.0 servers, SSLv2-format hellos answered in TLS, and Heartbleed.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::What;
use tlsdoctor::decrypt::{secrets, Keys};
use tlsdoctor::diagnose::{diagnose_capture, ConnectionReport, Finding, Options, Outcome, Severity};
use tlsdoctor::dissect::TextPrinter;
use tlsdoctor::pipeline::{analyze, Config};
use tlsdoctor_tcp::Side;

fn legacy(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/legacy").join(name)
}

fn report(name: &str, with_keys: bool) -> ConnectionReport {
    let capture = legacy(&format!("{name}.pcapng"));
    let (config, options) = if with_keys {
        let (keylog, problems) = secrets::load_keylog(&legacy(&format!("{name}.keylog"))).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let keys = Some(Arc::new(Keys::from_keylog(keylog)));
        (Config { keys: keys.clone(), ..Config::default() }, Options { keys, ..Options::default() })
    } else {
        (Config::default(), Options::default())
    };
    let mut reports = diagnose_capture(&capture, &config, &options).unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    reports.remove(0)
}

fn with_code<'a>(r: &'a ConnectionReport, code: &str) -> Vec<&'a Finding> {
    r.findings.iter().filter(|f| f.code == code).collect()
}

fn detail<'a>(f: &'a Finding, key: &str) -> &'a serde_json::Value {
    f.detail.get(key).unwrap_or_else(|| panic!("{} has no {key}: {:?}", f.code, f.detail))
}

/// The frames tshark shows a heartbeat record in (content type 24), from the golden file.
fn tshark_heartbeat_frames(capture: &str) -> Vec<u64> {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../tests/golden/{capture}.tsv"));
    std::fs::read_to_string(golden)
        .unwrap()
        .lines()
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            cols.get(2)?.split(',').any(|ct| ct == "24").then(|| cols[0].parse().unwrap())
        })
        .collect()
}

fn dissect_verbose(name: &str) -> String {
    let mut printer = TextPrinter::new(Vec::new(), true);
    analyze(&legacy(&format!("{name}.pcapng")), &Config::default(), &mut printer).unwrap();
    String::from_utf8(printer.finish().unwrap()).unwrap()
}

#[test]
fn an_ssl2_server_is_read_as_ssl2_and_is_an_error_not_another_protocol() {
    let capture = std::fs::read(legacy("ssl2-server.pcapng")).unwrap();
    let (seen, _) = common::observe(capture, None);
    assert!(seen.anomalies().is_empty(), "{:?}", seen.anomalies());
    let messages: Vec<(u64, Side, What)> = seen.messages().into_iter().map(|s| (s.frame, s.side, s.what)).collect();
    assert_eq!(
        messages[..3],
        [(4, Side::Client, What::Sslv2Hello), (6, Side::Server, What::Sslv2(4)), (8, Side::Client, What::Sslv2(2))],
        "{messages:?}"
    );
    // SERVER-VERIFY, CLIENT-FINISHED, SERVER-FINISHED, the request and the answer.
    let sealed: Vec<Side> = messages[3..]
        .iter()
        .map(|(_, side, what)| {
            assert!(matches!(what, What::Sslv2Encrypted(_)), "{what:?}");
            *side
        })
        .collect();
    assert_eq!(sealed, [Side::Server, Side::Client, Side::Server, Side::Client, Side::Server]);

    let r = report("ssl2-server", false);
    assert_eq!(r.outcome, Outcome::Ok, "a completed SSL 2.0 handshake: {r:?}");
    assert!(r.has_problem(), "and an error");
    assert_eq!(r.version.as_deref(), Some("SSL 2.0"));
    assert_eq!(r.cipher_suite.as_deref(), Some("SSL2_RC4_128_WITH_MD5 (0x010080)"));
    assert!(r.closed.is_none() && r.alert.is_none(), "{r:?}");
    assert!(with_code(&r, "server-not-tls").is_empty(), "{:?}", r.findings);
    let [f] = with_code(&r, "ssl-two-server")[..] else { panic!("{:?}", r.findings) };
    assert_eq!((f.severity, f.frame), (Severity::Error, 6));
    assert!(f.summary.contains("RFC 6176"), "{}", f.summary);
    assert_eq!(detail(f, "handshake"), "completed");
    assert_eq!(detail(f, "client_hello_frame"), 4);
    assert_eq!(detail(f, "chosen_cipher_spec"), "SSL2_RC4_128_WITH_MD5 (0x010080)");
    assert_eq!(detail(f, "certificate_subject"), "CN=app.example, O=tlsdoctor test");
    assert_eq!(r.findings.len(), 1, "{:?}", r.findings);

    let text = dissect_verbose("ssl2-server");
    for line in ["SSLv2  Server Hello", "Session ID Hit: False", "Connection ID: ", "SSLv2  Client Master Key"] {
        assert!(text.contains(line), "{line} missing in\n{text}");
    }
    assert!(text.contains("Encrypted Key Data Length: 256"), "{text}");
}

#[test]
fn an_ssl2_error_answer_is_an_ssl2_server_that_refused() {
    let r = report("ssl2-server-error", false);
    assert_eq!((r.outcome, r.version.as_deref()), (Outcome::Failed, Some("SSL 2.0")), "{r:?}");
    // The ERROR says why: no "refused without a reason" beside it.
    let [f] = &r.findings[..] else { panic!("{:?}", r.findings) };
    assert_eq!((f.code, f.severity, f.frame), ("ssl-two-server", Severity::Error, 6));
    assert_eq!((detail(f, "handshake"), detail(f, "error")), (&"refused".into(), &"NO-CIPHER-ERROR".into()));
    assert!(f.summary.contains("ERROR (NO-CIPHER-ERROR, frame 6)"), "{}", f.summary);
    // Wireshark shows the clear ERROR as Encrypted Data; -v decodes it.
    let text = dissect_verbose("ssl2-server-error");
    assert!(text.contains("SSLv2  Encrypted Data") && text.contains("Error Code: NO-CIPHER-ERROR (0x0001)"), "{text}");
}

/// OpenSSL's key log keys the session by the client random it took from the SSLv2
/// challenge; tlsdoctor must take the same one to find the secret, decrypt and check
/// both Finished messages.
fn sslv2_hello_answered_in_tls(name: &str) -> String {
    let keylog = std::fs::read_to_string(legacy(&format!("{name}.keylog"))).unwrap();
    let random = keylog.split_whitespace().nth(1).unwrap().to_string();
    let r = report(name, false);
    assert_eq!((r.outcome, r.version.as_deref()), (Outcome::Ok, Some("TLS 1.2")), "{r:?}");
    assert!(r.findings.is_empty(), "a TLS answer is no SSL 2.0 server: {:?}", r.findings);
    assert!(!r.decrypted);
    let r = report(name, true);
    assert_eq!(r.outcome, Outcome::Ok, "{r:?}");
    assert!(r.decrypted, "the key log's client random is the hello's");
    for side in ["client", "server"] {
        assert!(
            r.passed
                .iter()
                .any(|p| p.starts_with(&format!("the {side}'s Finished")) && p.ends_with("matches the transcript")),
            "{side}: {:?}",
            r.passed
        );
    }
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    random
}

#[test]
fn an_sslv2_format_hello_answered_in_tls_decrypts_with_the_challenge_as_client_random() {
    // OpenSSL 1.0.2 sends a 32-byte challenge: it is the client random as it is.
    let random = sslv2_hello_answered_in_tls("ssl2-hello-tls12");
    assert!(!random.starts_with("00000000"), "{random}");
    // tlslite-ng's 16-byte challenge: 16 zero bytes in front of it (RFC 5246 E.2).
    let random = sslv2_hello_answered_in_tls("ssl2-hello-challenge16");
    assert!(random.starts_with(&"0".repeat(32)) && !random[32..].starts_with("00000000"), "{random}");
    // DHE-RSA: the ServerKeyExchange signature covers the padded client random too.
    let r = report("ssl2-hello-challenge16", false);
    assert!(
        r.passed.iter().any(|p| p.starts_with("the ServerKeyExchange") && p.contains("verifies")),
        "{:?}",
        r.passed
    );
    let text = dissect_verbose("ssl2-hello-challenge16");
    let challenge = format!("Challenge: {}", &random[32..]);
    assert!(text.contains(&challenge) && text.contains(&format!("Random: {random}")), "{text}");
}

#[test]
fn a_clear_heartbeat_request_past_its_record_is_a_heartbleed_attempt_by_its_sender() {
    let frames = tshark_heartbeat_frames("heartbleed-probe-clear.pcapng");
    let r = report("heartbleed-probe-clear", false);
    let [f] = with_code(&r, "heartbleed-attempt")[..] else { panic!("{:?}", r.findings) };
    assert_eq!((f.severity, f.frame), (Severity::Warning, frames[0]));
    assert_eq!(detail(f, "sender"), "client");
    assert_eq!((detail(f, "payload_length"), detail(f, "record_bytes")), (&16384.into(), &6.into()));
    assert!(f.summary.contains("CVE-2014-0160"), "{}", f.summary);
    // tlslite-ng dropped it silently: nothing leaked.
    assert!(with_code(&r, "heartbleed-leak").is_empty(), "{:?}", r.findings);
    let text = dissect_verbose("heartbleed-probe-clear");
    assert!(text.contains("Invalid heartbeat payload length: 16384 declared, 3 bytes in the record"), "{text}");
}

#[test]
fn a_clear_heartbeat_response_that_echoes_more_than_its_request_is_a_leak() {
    let frames = tshark_heartbeat_frames("heartbleed-leak-clear.pcapng");
    assert_eq!(frames.len(), 2, "{frames:?}");
    let r = report("heartbleed-leak-clear", false);
    assert!(with_code(&r, "heartbleed-attempt").is_empty(), "the request is honest: {:?}", r.findings);
    let [f] = with_code(&r, "heartbleed-leak")[..] else { panic!("{:?}", r.findings) };
    assert_eq!((f.severity, f.frame), (Severity::Error, frames[1]));
    assert_eq!(detail(f, "sender"), "server");
    assert_eq!(detail(f, "request_frame"), frames[0]);
    assert_eq!(detail(f, "encrypted"), false);
    // 16 bytes of payload sent, 16 + the proxy's 16000 echoed.
    assert_eq!((detail(f, "request_bytes"), detail(f, "payload_length")), (&35.into(), &16016.into()));
}

#[test]
fn an_honest_encrypted_heartbeat_exchange_with_gnutls_is_no_finding() {
    let frames = tshark_heartbeat_frames("heartbeat-gnutls.pcapng");
    assert_eq!(frames.len(), 2, "{frames:?}");
    for with_keys in [false, true] {
        let r = report("heartbeat-gnutls", with_keys);
        assert_eq!(r.outcome, Outcome::Ok, "{r:?}");
        assert!(r.findings.is_empty(), "keys {with_keys}: {:?}", r.findings);
        assert_eq!(r.decrypted, with_keys);
    }
    // With keys both heartbeats are read.
    let text = {
        let (keylog, _) = secrets::load_keylog(&legacy("heartbeat-gnutls.keylog")).unwrap();
        let config = Config { keys: Some(Arc::new(Keys::from_keylog(keylog))), ..Config::default() };
        let mut printer = TextPrinter::new(Vec::new(), false);
        analyze(&legacy("heartbeat-gnutls.pcapng"), &config, &mut printer).unwrap();
        String::from_utf8(printer.finish().unwrap()).unwrap()
    };
    assert!(text.contains("Heartbeat Request") && text.contains("Heartbeat Response"), "{text}");
}

#[test]
fn an_encrypted_heartbeat_response_of_16_kib_to_a_small_request_is_a_leak_by_its_size() {
    let frames = tshark_heartbeat_frames("heartbleed-leak-gnutls.pcapng");
    assert_eq!(frames.len(), 2, "{frames:?}");
    for with_keys in [false, true] {
        let r = report("heartbleed-leak-gnutls", with_keys);
        let [f] = with_code(&r, "heartbleed-leak")[..] else { panic!("keys {with_keys}: {:?}", r.findings) };
        assert_eq!((f.severity, f.frame), (Severity::Error, frames[1]));
        assert_eq!((detail(f, "sender"), detail(f, "request_frame")), (&"server".into(), &frames[0].into()));
        assert_eq!(detail(f, "encrypted"), true, "the padded response does not open");
        let (request, response) =
            (detail(f, "request_bytes").as_u64().unwrap(), detail(f, "response_bytes").as_u64().unwrap());
        assert!(request < 100 && response > 16000, "{request} -> {response}");
    }
}

#[test]
fn an_encrypted_heartbleed_probe_is_seen_once_the_keys_open_it() {
    let frames = tshark_heartbeat_frames("heartbleed-probe-gnutls.pcapng");
    assert_eq!(frames.len(), 1, "GnuTLS answers with an alert, not a heartbeat: {frames:?}");
    // Without keys a lone request's size says nothing.
    let r = report("heartbleed-probe-gnutls", false);
    assert!(!r.findings.iter().any(|f| f.code.starts_with("heartbleed")), "{:?}", r.findings);
    let r = report("heartbleed-probe-gnutls", true);
    let [f] = with_code(&r, "heartbleed-attempt")[..] else { panic!("{:?}", r.findings) };
    assert_eq!((f.frame, detail(f, "sender")), (frames[0], &"client".into()));
    // 16 bytes of payload and 16 of padding behind the 3-byte header.
    assert_eq!((detail(f, "payload_length"), detail(f, "record_bytes")), (&16384.into(), &35.into()));
    assert!(with_code(&r, "heartbleed-leak").is_empty(), "{:?}", r.findings);
}
