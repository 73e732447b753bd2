//! How messages are named for people: Wireshark's Info column spellings and the
//! registry names the JSON output uses.

use tlsdoctor_quic::CloseCode;
use tlsdoctor_tls::messages::HELLO_RETRY_REQUEST_RANDOM;
use tlsdoctor_tls::registry::{AlertDescription, AlertLevel, ContentType, HandshakeType, ProtocolVersion};
use tlsdoctor_tls::sslv2;
use tlsdoctor_tls::stream::{AnomalyKind, GapCost, MessageKind, QuicSignal};

/// "TLS 1.2", or the hex value of an unknown version.
pub fn version(v: u16) -> String {
    ProtocolVersion(v).to_string()
}

/// Wireshark's protocol column: "TLSv1.2".
pub fn protocol_column(v: u16) -> String {
    let v = ProtocolVersion(v);
    v.wireshark_name().map_or_else(|| v.to_string(), str::to_string)
}

/// The record content type a message came in (QUIC's transport signals have none).
pub fn content_type(kind: &MessageKind<'_>) -> Option<ContentType> {
    Some(ContentType(match kind {
        MessageKind::Handshake { .. } | MessageKind::Sslv2ClientHello { .. } | MessageKind::Sslv2 { .. } => 22,
        MessageKind::ChangeCipherSpec => 20,
        MessageKind::Alert { .. } => 21,
        MessageKind::Heartbeat { .. } => 24,
        MessageKind::Encrypted { content_type, .. } => *content_type,
        MessageKind::ApplicationData { .. } | MessageKind::Sslv2Encrypted { .. } | MessageKind::StreamData { .. } => 23,
        MessageKind::Quic(_) => return None,
    }))
}

/// A QUIC CONNECTION_CLOSE's error: "PROTOCOL_VIOLATION (0xa)", "application error 0x100".
pub fn quic_error(code: u64, application: bool) -> String {
    CloseCode::new(application, code).to_string()
}

/// QUIC versions by name: "QUIC v1, draft-29".
pub fn quic_versions(versions: &[u32]) -> String {
    versions.iter().map(|&v| tlsdoctor_quic::version::name(v)).collect::<Vec<_>>().join(", ")
}

/// The message as Wireshark's Info column names it.
pub fn info(kind: &MessageKind<'_>) -> String {
    match kind {
        // Wireshark names a ServerHello with the HelloRetryRequest random for what it is.
        MessageKind::Handshake { typ: 2, raw } if raw.get(6..38) == Some(&HELLO_RETRY_REQUEST_RANDOM[..]) => {
            "Hello Retry Request".to_string()
        }
        MessageKind::Handshake { typ, .. } => match HandshakeType(*typ).info_name() {
            Some(name) => name.to_string(),
            None => format!("Unknown Handshake Message ({typ})"),
        },
        MessageKind::Sslv2ClientHello { .. } => "Client Hello".to_string(),
        // Wireshark decodes only these three as SSL 2.0 handshake messages and shows any
        // other record (an ERROR in clear too) as encrypted; `dissect -v` decodes it.
        MessageKind::Sslv2 { msg_type: msg_type @ (1 | 2 | 4), .. } => {
            sslv2::message_name(*msg_type).unwrap_or_default().to_string()
        }
        MessageKind::Sslv2 { .. } => "Encrypted Data".to_string(),
        MessageKind::Sslv2Encrypted { .. } => "Encrypted Data".to_string(),
        MessageKind::ChangeCipherSpec => "Change Cipher Spec".to_string(),
        MessageKind::Alert { level, description } => {
            let level = AlertLevel(*level);
            let description = AlertDescription(*description);
            format!(
                "Alert (Level: {}, Description: {})",
                level.info_name().map_or_else(|| level.to_string(), str::to_string),
                description.info_name().map_or_else(|| description.to_string(), str::to_string)
            )
        }
        MessageKind::Heartbeat { raw } => match raw.first() {
            Some(1) => "Heartbeat Request".to_string(),
            Some(2) => "Heartbeat Response".to_string(),
            _ => "Heartbeat".to_string(),
        },
        MessageKind::ApplicationData { .. } => "Application Data".to_string(),
        MessageKind::StreamData { stream_id, .. } => format!("STREAM id={stream_id}"),
        MessageKind::Quic(QuicSignal::Close { code, application, .. }) => {
            format!("CONNECTION_CLOSE ({})", quic_error(*code, *application))
        }
        MessageKind::Quic(QuicSignal::VersionNegotiation { .. }) => "Version Negotiation".to_string(),
        MessageKind::Quic(QuicSignal::StatelessReset) => "Stateless Reset".to_string(),
        MessageKind::Encrypted { content_type, .. } => match *content_type {
            // A renegotiation's ChangeCipherSpec is sealed under the old keys; its
            // record header still says what it is.
            20 => "Change Cipher Spec",
            22 => "Encrypted Handshake Message",
            21 => "Encrypted Alert",
            24 => "Encrypted Heartbeat",
            _ => "Application Data",
        }
        .to_string(),
    }
}

/// The registry name of a message: "client_hello", "change_cipher_spec", "decrypt_error".
pub fn message_name(kind: &MessageKind<'_>) -> String {
    match kind {
        MessageKind::Handshake { typ, .. } => HandshakeType(*typ).to_string(),
        MessageKind::Sslv2ClientHello { .. } => "client_hello".to_string(),
        MessageKind::Alert { .. } => "alert".to_string(),
        MessageKind::Heartbeat { .. } => "heartbeat".to_string(),
        MessageKind::Sslv2 { msg_type, .. } => {
            sslv2::message_code(*msg_type).map_or_else(|| format!("sslv2_unknown_{msg_type}"), str::to_string)
        }
        MessageKind::Sslv2Encrypted { .. } => "sslv2_encrypted_data".to_string(),
        MessageKind::StreamData { .. } => "stream_data".to_string(),
        MessageKind::Quic(QuicSignal::Close { .. }) => "connection_close".to_string(),
        MessageKind::Quic(QuicSignal::VersionNegotiation { .. }) => "version_negotiation".to_string(),
        MessageKind::Quic(QuicSignal::StatelessReset) => "stateless_reset".to_string(),
        other => content_type(other).map(|t| t.to_string()).unwrap_or_default(),
    }
}

/// A short sentence for an anomaly, as the text output shows it in brackets.
pub fn anomaly(kind: &AnomalyKind) -> String {
    match kind {
        AnomalyKind::StartTls { protocol: "http-connect" } => "TLS starts after an HTTP proxy's CONNECT".to_string(),
        AnomalyKind::StartTls { protocol } => format!("TLS starts after {protocol} STARTTLS"),
        AnomalyKind::NotTls { bytes } => format!("answered in plain text, not TLS: {}", printable(bytes)),
        AnomalyKind::BadRecordHeader { bytes } => {
            format!("not a TLS record header: {:02x?}", bytes)
        }
        AnomalyKind::BadRecordContent { content_type, length } => {
            format!("malformed {} record of {length} bytes", ContentType(*content_type))
        }
        AnomalyKind::Resynchronised { skipped } => {
            format!("record boundaries found again after {skipped} bytes")
        }
        AnomalyKind::Gap { missing, cost } => {
            let cost = match cost {
                GapCost::Nothing => "inside an encrypted record, nothing lost",
                GapCost::Record => "a record is lost",
                GapCost::Sync => "record boundaries lost",
            };
            format!("capture gap: {missing} bytes missing, {cost}")
        }
        AnomalyKind::OversizedMessage { typ, length } => {
            format!("{} declares {length} bytes, over the limit; skipped", HandshakeType(*typ))
        }
        AnomalyKind::TruncatedAtEnd { what, have, need } => {
            format!("capture ends inside a {what} ({have} of {need} bytes)")
        }
        AnomalyKind::DecryptFailed { reason } => format!("the record does not decrypt with the given keys: {reason}"),
        AnomalyKind::Retransmitted { typ, message_seq, first_frame, .. } => {
            format!("{} retransmitted (message_seq {message_seq}, first in frame {first_frame})", HandshakeType(*typ))
        }
        AnomalyKind::BadFragment { typ, message_seq } => {
            format!("malformed fragment of {} (message_seq {message_seq})", HandshakeType(*typ))
        }
        AnomalyKind::FragmentsMissing { typ, message_seq, have, need } => {
            format!(
                "fragments of {} never arrived (message_seq {message_seq}, {have} of {need} bytes)",
                HandshakeType(*typ)
            )
        }
        AnomalyKind::BadTransportParameters { problems } => {
            format!("transport parameters break RFC 9000 18.2: {}", problems.join("; "))
        }
    }
}

/// The anomaly's kind as a JSON code.
pub fn anomaly_code(kind: &AnomalyKind) -> &'static str {
    match kind {
        AnomalyKind::StartTls { .. } => "starttls",
        AnomalyKind::BadRecordHeader { .. } => "bad-record-header",
        AnomalyKind::NotTls { .. } => "not-tls",
        AnomalyKind::BadRecordContent { .. } => "bad-record-content",
        AnomalyKind::Resynchronised { .. } => "resynchronised",
        AnomalyKind::Gap { .. } => "capture-gap",
        AnomalyKind::OversizedMessage { .. } => "oversized-message",
        AnomalyKind::TruncatedAtEnd { .. } => "truncated-at-end",
        AnomalyKind::DecryptFailed { .. } => "decrypt-failed",
        AnomalyKind::Retransmitted { .. } => "retransmitted",
        AnomalyKind::BadFragment { .. } => "bad-fragment",
        AnomalyKind::FragmentsMissing { .. } => "fragments-missing",
        AnomalyKind::BadTransportParameters { .. } => "bad-transport-parameters",
    }
}

/// Bytes as text, with a dot for each byte that is not printable ASCII.
pub fn printable(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| if b.is_ascii_graphic() || b == b' ' { char::from(b) } else { '.' }).collect()
}
