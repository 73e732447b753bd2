//! The HTML report (`diagnose --format html`): one self-contained page that draws the
//! JSON report's data. The page, its style and its script are fixed files; the data is
//! the JSON report itself, compact, inside `<script type="application/json">`, and the
//! script shows it with `textContent` only. A Content-Security-Policy allows no network
//! access and no script or style but the page's own (by their hashes).

use std::io::{self, Write};

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::report::{InputReport, SCHEMA_VERSION};
use super::ConnectionReport;

const PAGE: &str = include_str!("page.html");
const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// Where the page is cut to stream the connections in.
const DATA: &str = "<!--DATA-->";

/// The page up to the first connection, then the start of the data object.
pub fn write_start(out: &mut dyn Write) -> io::Result<()> {
    let (head, _) = PAGE.split_once(DATA).expect("page.html has a data marker");
    let head = head
        .replace("CONTENT_SECURITY_POLICY", &content_security_policy())
        .replace("<!--STYLE-->", &format!("<style>{STYLE}</style>"));
    out.write_all(head.as_bytes())?;
    let tool = serde_json::json!({"name": "tlsdoctor", "version": env!("CARGO_PKG_VERSION")});
    write!(out, "{{\"schema_version\":\"{SCHEMA_VERSION}\",\"tool\":")?;
    write_json(out, &tool)?;
    out.write_all(b",\"connections\":[")
}

/// The table of distinct certificates (`shared`: its members, `"KEY":{...}` joined by
/// commas), the inputs, the end of the data object, and the rest of the page.
pub fn write_end(out: &mut dyn Write, inputs: &[InputReport], shared: &[u8]) -> io::Result<()> {
    out.write_all(b"],\"certificates\":{")?;
    out.write_all(shared)?;
    out.write_all(b"},\"inputs\":")?;
    write_json(out, inputs)?;
    out.write_all(b"}")?;
    let (_, tail) = PAGE.split_once(DATA).expect("page.html has a data marker");
    let tail = tail.replace("<!--SCRIPT-->", &format!("<script>{SCRIPT}</script>"));
    out.write_all(tail.as_bytes())
}

/// One connection as the page carries it: the JSON report's object, whole for a
/// connection with a finding or a problem. A quiet one (ok, no finding) is carried
/// compact, so that a large capture's page grows by under 2 KB per connection: its ladder
/// one step per flight (the messages of a frame and direction joined by ", ", times to
/// the microsecond), its story without the client's offer, the CertificateRequest and
/// the alerts, its chains without `subjects` and each certificate as a `ref` to the page's
/// table of distinct certificates (many connections show the same chain: a certificate
/// with its verdict is held once), its fingerprints without their raw strings. Returns the certificates it refers to: each
/// one's key and JSON, for the table.
pub fn write_connection(out: &mut dyn Write, c: &ConnectionReport) -> io::Result<Vec<Shared>> {
    let mut value = serde_json::to_value(c)?;
    let mut shared = Vec::new();
    if !c.has_problem() && c.findings.is_empty() {
        compact(&mut value, c, &mut shared)?;
    }
    write_json(out, &value)?;
    Ok(shared)
}

/// A certificate the page's table holds once: its key and its details as JSON.
pub struct Shared {
    pub key: String,
    pub json: Vec<u8>,
}

fn compact(value: &mut Value, c: &ConnectionReport, shared: &mut Vec<Shared>) -> io::Result<()> {
    if let Some(story) = value.get_mut("story").and_then(Value::as_object_mut) {
        story.retain(|key, _| matches!(key.as_str(), "server_choice" | "server_certificates" | "client_certificates"));
        for chain in ["server_certificates", "client_certificates"] {
            let Some(chain) = story.get_mut(chain).and_then(Value::as_object_mut) else { continue };
            chain.remove("subjects");
            for cert in chain.get_mut("certificates").and_then(Value::as_array_mut).into_iter().flatten() {
                let mut json = Vec::new();
                write_json(&mut json, cert)?;
                let key = Sha256::digest(&json)[..8].iter().map(|b| format!("{b:02x}")).collect::<String>();
                *cert = serde_json::json!({ "ref": key });
                shared.push(Shared { key, json });
            }
        }
    }
    if let Some(prints) = value.get_mut("fingerprints").and_then(Value::as_object_mut) {
        prints.retain(|key, _| matches!(key.as_str(), "ja3" | "ja3s" | "ja4" | "ja4s"));
    }
    let mut flights: Vec<super::Step> = Vec::new();
    for step in &c.ladder {
        match flights.last_mut() {
            Some(last) if last.frame == step.frame && last.from == step.from => {
                last.message.push_str(", ");
                last.message.push_str(&step.message);
            }
            _ => flights.push(super::Step { time: (step.time * 1e6).round() / 1e6, ..step.clone() }),
        }
    }
    value["ladder"] = serde_json::to_value(flights).unwrap_or_default();
    Ok(())
}

/// `value` as compact JSON that can sit inside a `<script>` element: `<`, `>` and `&`
/// (which JSON has only inside strings) written as `\u003c`, `\u003e`, `\u0026`, so
/// that no string from a capture can close the element or open a comment.
fn write_json(out: &mut dyn Write, value: &(impl serde::Serialize + ?Sized)) -> io::Result<()> {
    Ok(serde_json::to_writer(ScriptSafe(out), value)?)
}

struct ScriptSafe<'a>(&'a mut dyn Write);

impl Write for ScriptSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for piece in buf.split_inclusive(|b| matches!(b, b'<' | b'>' | b'&')) {
            match piece.split_last() {
                Some((b'<', rest)) => self.0.write_all(rest).and_then(|()| self.0.write_all(b"\\u003c"))?,
                Some((b'>', rest)) => self.0.write_all(rest).and_then(|()| self.0.write_all(b"\\u003e"))?,
                Some((b'&', rest)) => self.0.write_all(rest).and_then(|()| self.0.write_all(b"\\u0026"))?,
                _ => self.0.write_all(piece)?,
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// No network access of any kind, and no script or style but the page's own.
fn content_security_policy() -> String {
    format!(
        "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; img-src data:; base-uri 'none'; form-action 'none'",
        base64(&Sha256::digest(SCRIPT)),
        base64(&Sha256::digest(STYLE)),
    )
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_cannot_leave_the_data_element() {
        let hostile = "</script><img src=x onerror=alert(1)><!-- & \u{2028}";
        let mut out = Vec::new();
        write_json(&mut out, &serde_json::json!({ "sni": hostile })).unwrap();
        let written = String::from_utf8(out).unwrap();
        assert!(!written.contains(['<', '>', '&']), "{written}");
        let back: Value = serde_json::from_str(&written).unwrap();
        assert_eq!(back["sni"], hostile);
    }

    /// A quiet TLS 1.2 connection as the 10,000-connection benchmark has them: 15 steps.
    fn quiet() -> ConnectionReport {
        use crate::diagnose::{Endpoint, Outcome, Step};
        let step =
            |frame, from, message: &str| Step { frame, time: 0.016_056_060_791_015_625, from, message: message.into() };
        let ladder = vec![
            step(41, "client", "Client Hello"),
            step(92, "server", "Server Hello"),
            step(92, "server", "Certificate"),
            step(92, "server", "Server Key Exchange"),
            step(92, "server", "Server Hello Done"),
            step(95, "client", "Client Key Exchange"),
            step(95, "client", "Change Cipher Spec"),
            step(95, "client", "Encrypted Handshake Message"),
            step(197, "server", "New Session Ticket"),
            step(197, "server", "Change Cipher Spec"),
            step(197, "server", "Encrypted Handshake Message"),
            step(202, "client", "Application Data"),
            step(348, "server", "Application Data"),
            step(348, "server", "Encrypted Alert"),
            step(358, "client", "Encrypted Alert"),
        ];
        let fingerprint = |n: usize| Some("0123456789abcdef".repeat(4)[..n].to_string());
        ConnectionReport {
            id: 6,
            input: "capture.pcap".into(),
            transport: "tcp",
            client: Endpoint { ip: "10.31.134.251".into(), port: 52601 },
            server: Endpoint { ip: "172.27.20.29".into(), port: 443 },
            first_frame: 6,
            last_frame: 536,
            first_time: 1_796_550_249.368_485,
            last_time: 1_796_550_250.012_5,
            sni: Some("localhost".into()),
            version: Some("TLS 1.2".into()),
            cipher_suite: Some("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".into()),
            client_auth: "none",
            decrypted: false,
            outcome: Outcome::Ok,
            alert: None,
            closed: None,
            findings: Vec::new(),
            http_response: None,
            data: None,
            passed: vec![
                "the ServerKeyExchange (RSA-PSS SHA-256, frame 92) verifies with the server certificate's key".into(),
            ],
            story: Default::default(),
            fingerprints: crate::diagnose::fingerprints::FingerprintReport {
                ja3: fingerprint(32),
                ja3_string: fingerprint(64),
                ja4: fingerprint(36),
                ja4_r: fingerprint(64),
                ..Default::default()
            },
            ladder,
        }
    }

    fn carried(c: &ConnectionReport) -> (usize, Value) {
        let mut out = Vec::new();
        write_connection(&mut out, c).unwrap();
        (out.len(), serde_json::from_slice(&out).unwrap())
    }

    /// A chain of a leaf and its CA, the leaf's signature checked.
    fn chain(leaf: &str) -> crate::diagnose::summary::Certificates {
        use crate::diagnose::summary::{CertificateReport, Certificates};
        let cert = |subject: &str, signature, signed_by: Option<&str>| CertificateReport {
            subject: subject.into(),
            issuer: Some("CN=Test CA".into()),
            not_before: Some("2026-11-27 00:01:54 UTC".into()),
            not_after: Some("2029-03-01 00:01:54 UTC".into()),
            key: Some("EC P-256".into()),
            signature_algorithm: Some("ecdsa-with-SHA256".into()),
            signature,
            signed_by: signed_by.map(Into::into),
            signature_note: None,
        };
        let certificates =
            vec![cert(leaf, "ok", Some("certificate #1 of the chain")), cert("CN=Test CA", "not-checked", None)];
        Certificates { frame: 92, subjects: certificates.iter().map(|c| c.subject.clone()).collect(), certificates }
    }

    #[test]
    fn a_quiet_connection_refers_to_its_certificates() {
        let mut c = quiet();
        c.story.server_certificates = Some(chain("CN=localhost"));
        let mut out = Vec::new();
        let shared = write_connection(&mut out, &c).unwrap();
        assert!(out.len() < 1800, "{} bytes", out.len());
        let value: Value = serde_json::from_slice(&out).unwrap();
        let carried = value["story"]["server_certificates"]["certificates"].as_array().unwrap();
        let whole = serde_json::to_value(&c.story.server_certificates).unwrap();
        for (i, entry) in carried.iter().enumerate() {
            let table = shared.iter().find(|s| entry["ref"] == s.key.as_str()).expect("the certificate is shared");
            let details: Value = serde_json::from_slice(&table.json).unwrap();
            assert_eq!(details, whole["certificates"][i]);
        }
        // Another connection with the same CA refers to the same entry.
        c.story.server_certificates = Some(chain("CN=other"));
        let other = write_connection(&mut Vec::new(), &c).unwrap();
        assert_eq!(other[1].key, shared[1].key);
        assert_ne!(other[0].key, shared[0].key);
    }

    #[test]
    fn a_quiet_connection_is_carried_in_under_two_kilobytes() {
        let c = quiet();
        let (size, value) = carried(&c);
        assert!(size < 1500, "{size} bytes");
        // A step per flight, its messages joined; the raw fingerprints left out.
        let ladder = value["ladder"].as_array().unwrap();
        assert_eq!(ladder.len(), 7);
        assert_eq!(ladder[1]["message"], "Server Hello, Certificate, Server Key Exchange, Server Hello Done");
        assert_eq!(ladder[1]["time"], 0.016056);
        assert!(value["fingerprints"].get("ja4_r").is_none() && value["fingerprints"]["ja4"].is_string());
    }

    #[test]
    fn a_connection_with_a_finding_is_carried_whole() {
        let mut c = quiet();
        c.findings.push(crate::diagnose::Finding::new(
            crate::diagnose::codes::FINISHED_MISMATCH,
            crate::diagnose::Severity::Error,
            95,
            "x",
        ));
        let (_, value) = carried(&c);
        assert_eq!(value, serde_json::to_value(&c).unwrap());
    }

    #[test]
    fn base64_is_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn the_page_has_its_markers_once() {
        for marker in [DATA, "<!--STYLE-->", "<!--SCRIPT-->", "CONTENT_SECURITY_POLICY"] {
            assert_eq!(PAGE.matches(marker).count(), 1, "{marker}");
        }
        // The style and script are inserted whole: they must not end their element.
        assert!(!SCRIPT.contains("</script") && !STYLE.contains("</style"));
    }
}
