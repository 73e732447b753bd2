//! The decoded fields of a handshake message, indented, for `dissect -v`.

use tlsdoctor_tcp::Side;
use tlsdoctor_tls::messages::{parse_handshake, parse_sslv2_client_hello, Field, HandshakeBody, ParseContext};
use tlsdoctor_tls::registry::{CipherSuite, HandshakeType, HeartbeatMessageType, ProtocolVersion};
use tlsdoctor_tls::sslv2;
use tlsdoctor_tls::stream::{Message, MessageKind};
use tlsdoctor_tls::x509;

use crate::fingerprint::{Fingerprint, MessageFingerprints};
use crate::pipeline::Transport;

const INDENT: &str = "          ";

pub(crate) fn details(m: &Message<'_>, transport: Transport) -> Vec<String> {
    let ctx = ParseContext {
        version: m.negotiated.version.map(ProtocolVersion),
        cipher_suite: m.negotiated.cipher_suite.map(CipherSuite),
        from_server: m.side == Side::Server,
    };
    let parsed = match m.kind {
        MessageKind::Handshake { typ, raw } => {
            parse_handshake(HandshakeType(typ), raw.get(4..).unwrap_or_default(), &ctx)
        }
        MessageKind::Sslv2ClientHello { raw } => parse_sslv2_client_hello(raw).map(HandshakeBody::ClientHello),
        MessageKind::Sslv2 { raw, .. } => return sslv2_details(m, raw),
        MessageKind::Heartbeat { raw } => return heartbeat_details(m, raw),
        _ => return Vec::new(),
    };
    let mut lines = vec![heading(m, raw_len(m))];
    match parsed {
        Ok(body) => {
            lines.extend(body.fields().iter().map(|f| field_line(f, 0)));
            for problem in body.anomalies() {
                lines.push(format!("{INDENT}[malformed: {problem}]"));
            }
            if let HandshakeBody::Certificate(chain) = &body {
                for (i, der) in chain.certificates().enumerate() {
                    lines.push(format!("{INDENT}  Certificate {i}:"));
                    match x509::summarize(der) {
                        Ok(cert) => lines.extend(
                            cert.fields().iter().map(|(name, value)| field_line(&Field::new(1, name, value), 0)),
                        ),
                        Err(e) => lines.push(format!("{INDENT}    [not a valid certificate: {e}]")),
                    }
                    if let Some(ja4x) = crate::fingerprint::ja4x(der) {
                        lines.extend(fingerprint_lines(1, "JA4X", "JA4X_r", &ja4x));
                    }
                }
            }
            match MessageFingerprints::of_body(&body, transport) {
                Some(MessageFingerprints::Client(client)) => {
                    if let Some(ja3) = &client.ja3 {
                        lines.extend(fingerprint_lines(0, "JA3", "JA3 string", ja3));
                    }
                    lines.extend(fingerprint_lines(0, "JA4", "JA4_r", &client.ja4));
                }
                Some(MessageFingerprints::Server(server)) => {
                    lines.extend(fingerprint_lines(0, "JA3S", "JA3S string", &server.ja3s));
                    lines.extend(fingerprint_lines(0, "JA4S", "JA4S_r", &server.ja4s));
                }
                _ => {}
            }
        }
        Err(e) => lines.push(format!("{INDENT}[malformed: {e}]")),
    }
    lines
}

/// The heading line every decoded message starts with.
fn heading(m: &Message<'_>, len: usize) -> String {
    let frames: Vec<String> = m.frames.iter().map(u64::to_string).collect();
    let plural = if frames.len() == 1 { "" } else { "s" };
    format!("{INDENT}{} ({len} bytes, frame{plural} {})", crate::names::info(&m.kind), frames.join(", "))
}

fn sslv2_details(m: &Message<'_>, raw: &[u8]) -> Vec<String> {
    let mut lines = vec![heading(m, raw.len())];
    if let Some(&msg_type) = raw.first().filter(|&&t| !matches!(t, 1 | 2 | 4)) {
        let name = sslv2::message_name(msg_type).map_or_else(|| format!("unknown type {msg_type}"), str::to_string);
        lines.push(format!("{INDENT}  [in clear: an SSL 2.0 {name} message]"));
    }
    match sslv2::fields(raw) {
        Ok(fields) => lines.extend(fields.iter().map(|f| field_line(f, 0))),
        Err(e) => lines.push(format!("{INDENT}[malformed: {e}]")),
    }
    lines
}

/// A heartbeat in clear (or decrypted): Wireshark's fields, and whether the payload
/// length it declares fits the record.
fn heartbeat_details(m: &Message<'_>, raw: &[u8]) -> Vec<String> {
    let mut lines = vec![heading(m, raw.len())];
    let Some(message) = tlsdoctor_tls::messages::parse_heartbeat(raw) else {
        lines.push(format!("{INDENT}[malformed: a heartbeat shorter than its 3-byte header]"));
        return lines;
    };
    let typ = HeartbeatMessageType(message.typ);
    lines.push(field_line(&Field::new(0, "Type", typ.describe()), 0));
    lines.push(field_line(&Field::new(0, "Payload Length", message.payload_length.to_string()), 0));
    if message.overruns() {
        let carried = raw.len() - 3;
        lines.push(format!(
            "{INDENT}  [Invalid heartbeat payload length: {} declared, {carried} bytes in the record]",
            message.payload_length
        ));
    } else {
        lines.push(field_line(&Field::new(0, "Padding Length", message.padding_len().to_string()), 0));
    }
    lines
}

/// A fingerprint and the string it hashes. Both are built of digits, letters, `,`,
/// `-` and `_` only: nothing from the capture to escape.
fn fingerprint_lines(depth: u8, name: &str, raw_name: &str, fingerprint: &Fingerprint) -> [String; 2] {
    [
        field_line(&Field::new(depth, name, fingerprint.hash.as_str()), 0),
        field_line(&Field::new(depth, raw_name, fingerprint.raw.as_str()), 0),
    ]
}

fn field_line(f: &Field, extra_depth: usize) -> String {
    let pad = "  ".repeat(usize::from(f.depth) + extra_depth + 1);
    if f.value.is_empty() {
        format!("{INDENT}{pad}{}", f.name)
    } else {
        format!("{INDENT}{pad}{}: {}", f.name, f.value)
    }
}

fn raw_len(m: &Message<'_>) -> usize {
    match m.kind {
        MessageKind::Handshake { raw, .. } | MessageKind::Sslv2ClientHello { raw } => raw.len(),
        _ => 0,
    }
}
