//! JSON Lines: one object per TLS message (and per anomaly), in capture order; the line
//! format docs/report.md specifies.

use std::io;

use serde_json::{json, Map, Value};
use tlsdoctor_tls::registry::{AlertDescription, AlertLevel};
use tlsdoctor_tls::stream::{Event, MessageKind, QuicSignal};

use super::Sink;
use crate::fingerprint::MessageFingerprints;
use crate::names;
use crate::pipeline::{Connection, Observer, Transport};

pub struct JsonPrinter<W: io::Write> {
    sink: Sink<W>,
}

impl<W: io::Write> JsonPrinter<W> {
    pub fn new(out: W) -> Self {
        JsonPrinter { sink: Sink::new(out) }
    }

    pub fn finish(self) -> io::Result<W> {
        self.sink.finish()
    }
}

/// A hello's fingerprints, a Certificate message's JA4X (one per certificate, null
/// where the bytes are not a certificate).
fn insert_fingerprints(obj: &mut Map<String, Value>, m: &tlsdoctor_tls::stream::Message<'_>, transport: Transport) {
    match MessageFingerprints::of_message(m, transport) {
        Some(MessageFingerprints::Client(client)) => {
            if let Some(ja3) = client.ja3 {
                obj.insert("ja3".into(), json!(ja3.hash));
                obj.insert("ja3_string".into(), json!(ja3.raw));
            }
            obj.insert("ja4".into(), json!(client.ja4.hash));
            obj.insert("ja4_r".into(), json!(client.ja4.raw));
        }
        Some(MessageFingerprints::Server(server)) => {
            obj.insert("ja3s".into(), json!(server.ja3s.hash));
            obj.insert("ja3s_string".into(), json!(server.ja3s.raw));
            obj.insert("ja4s".into(), json!(server.ja4s.hash));
            obj.insert("ja4s_r".into(), json!(server.ja4s.raw));
        }
        Some(MessageFingerprints::Certificates(chain)) => {
            let ja4x: Vec<Option<String>> = chain.into_iter().map(|f| f.map(|f| f.hash)).collect();
            obj.insert("ja4x".into(), json!(ja4x));
        }
        None => {}
    }
}

fn side_name(side: tlsdoctor_tcp::Side) -> &'static str {
    match side {
        tlsdoctor_tcp::Side::Client => "client",
        tlsdoctor_tcp::Side::Server => "server",
    }
}

impl<W: io::Write> Observer for JsonPrinter<W> {
    fn tls(&mut self, conn: &Connection, event: &Event<'_>) {
        let side = event.side();
        let mut obj = Map::new();
        obj.insert("frame".into(), json!(event.frame()));
        obj.insert("connection".into(), json!(conn.id.0));
        obj.insert("from".into(), json!(side_name(side)));
        obj.insert("src".into(), json!(conn.endpoint(side).to_string()));
        obj.insert("dst".into(), json!(conn.endpoint(side.other()).to_string()));
        match event {
            Event::Record(_) => return,
            Event::Message(m) => {
                if let Some(content_type) = names::content_type(&m.kind) {
                    obj.insert("content_type".into(), json!(content_type.to_string()));
                }
                let version = m.negotiated.version.unwrap_or(m.record_version);
                obj.insert("version".into(), json!(names::version(version)));
                obj.insert("record_version".into(), json!(names::version(m.record_version)));
                obj.insert("name".into(), json!(names::message_name(&m.kind)));
                match &m.kind {
                    MessageKind::Handshake { typ, raw } => {
                        obj.insert("handshake_type".into(), json!(typ));
                        obj.insert("length".into(), json!(raw.len().saturating_sub(4)));
                    }
                    MessageKind::Sslv2ClientHello { raw } => {
                        obj.insert("handshake_type".into(), json!(1));
                        obj.insert("length".into(), json!(raw.len()));
                        obj.insert("sslv2".into(), json!(true));
                    }
                    MessageKind::Alert { level, description } => {
                        obj.insert("level".into(), json!(AlertLevel(*level).to_string()));
                        obj.insert("description".into(), json!(AlertDescription(*description).to_string()));
                    }
                    MessageKind::Sslv2 { msg_type, raw } => {
                        // As tshark files it: tls.handshake.type.
                        obj.insert("handshake_type".into(), json!(msg_type));
                        obj.insert("length".into(), json!(raw.len()));
                        obj.insert("sslv2".into(), json!(true));
                    }
                    MessageKind::Sslv2Encrypted { length } => {
                        obj.insert("length".into(), json!(length));
                        obj.insert("sslv2".into(), json!(true));
                    }
                    MessageKind::Encrypted { length, .. } => {
                        obj.insert("length".into(), json!(length));
                    }
                    MessageKind::ApplicationData { data } => {
                        obj.insert("length".into(), json!(data.len()));
                    }
                    MessageKind::StreamData { stream_id, offset, fin, data } => {
                        obj.insert("stream_id".into(), json!(stream_id));
                        obj.insert("offset".into(), json!(offset));
                        obj.insert("fin".into(), json!(fin));
                        obj.insert("length".into(), json!(data.len()));
                    }
                    MessageKind::Quic(QuicSignal::Close { code, application, frame_type, reason }) => {
                        obj.insert("error_code".into(), json!(code));
                        obj.insert("error".into(), json!(names::quic_error(*code, *application)));
                        if let Some(frame_type) = frame_type {
                            obj.insert("frame_type".into(), json!(frame_type));
                        }
                        obj.insert("reason".into(), json!(String::from_utf8_lossy(reason)));
                    }
                    MessageKind::Quic(QuicSignal::VersionNegotiation { offered, versions }) => {
                        obj.insert("offered_version".into(), json!(offered));
                        obj.insert("versions".into(), json!(versions));
                    }
                    MessageKind::ChangeCipherSpec | MessageKind::Heartbeat { .. } | MessageKind::Quic(_) => {}
                }
                let encrypted = matches!(m.kind, MessageKind::Encrypted { .. } | MessageKind::Sslv2Encrypted { .. });
                obj.insert("encrypted".into(), json!(encrypted));
                if m.decrypted {
                    obj.insert("decrypted".into(), json!(true));
                }
                obj.insert("frames".into(), json!(m.frames));
                insert_fingerprints(&mut obj, m, conn.transport);
            }
            Event::Anomaly(a) => {
                obj.insert("anomaly".into(), json!(names::anomaly_code(&a.kind)));
                obj.insert("summary".into(), json!(names::anomaly(&a.kind)));
            }
        }
        let value = Value::Object(obj);
        self.sink.write(|out| {
            serde_json::to_writer(&mut *out, &value)?;
            out.write_all(b"\n")
        });
    }
}
