//! One line per frame that carries TLS, like Wireshark's packet list; `-v` adds the
//! decoded fields of each handshake message.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;

use tlsdoctor_tls::stream::{AnomalyKind, Event, Message, MessageKind};
use tlsdoctor_tls::text::Escaped;

use super::Sink;
use crate::names;
use crate::pipeline::{Connection, Observer, Transport};

pub struct TextPrinter<W: io::Write> {
    sink: Sink<W>,
    verbose: bool,
    line: Option<Line>,
    /// The frame of the last record protected by TLS 1.3 (0-RTT data included, before
    /// any version is negotiated): its messages show TLS 1.3, as Wireshark's do.
    tls13_record: Option<u64>,
    /// DTLS associations' versions as Wireshark shows them: a HelloVerifyRequest's until
    /// a ServerHello chose (by connection id).
    dtls_versions: HashMap<u32, u16>,
}

/// What one frame showed.
struct Line {
    frame: u64,
    src: SocketAddr,
    dst: SocketAddr,
    /// From the frame's first message; an annotation alone gives none.
    protocol: Option<String>,
    items: Vec<String>,
    details: Vec<String>,
}

impl<W: io::Write> TextPrinter<W> {
    pub fn new(out: W, verbose: bool) -> Self {
        TextPrinter { sink: Sink::new(out), verbose, line: None, tls13_record: None, dtls_versions: HashMap::new() }
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.flush();
        self.sink.finish()
    }

    fn flush(&mut self) {
        let Some(line) = self.line.take() else { return };
        self.sink.write(|out| {
            writeln!(
                out,
                "{:>6}  {} → {}  {}  {}",
                line.frame,
                line.src,
                line.dst,
                line.protocol.as_deref().unwrap_or("TLS"),
                Escaped(&line.items.join(", "))
            )?;
            for detail in &line.details {
                writeln!(out, "{}", Escaped(detail))?;
            }
            Ok(())
        });
    }

    /// The line of `frame`, started anew when the frame changes.
    fn line_for(&mut self, conn: &Connection, event: &Event<'_>) -> &mut Line {
        let frame = event.frame();
        if self.line.as_ref().is_some_and(|l| l.frame != frame) {
            self.flush();
        }
        let side = event.side();
        self.line.get_or_insert_with(|| Line {
            frame,
            src: conn.endpoint(side),
            dst: conn.endpoint(side.other()),
            protocol: None,
            items: Vec::new(),
            details: Vec::new(),
        })
    }
}

/// The protocol column: the negotiated version once known, else TLS 1.3 for a record it
/// protects (0-RTT data), else the record's.
fn protocol(m: &Message<'_>, tls13_record: bool) -> String {
    let version = match m.kind {
        MessageKind::Sslv2ClientHello { .. } | MessageKind::Sslv2 { .. } | MessageKind::Sslv2Encrypted { .. } => 0x0002,
        _ if tls13_record && m.negotiated.version.is_none() => 0x0304,
        _ => m.negotiated.version.unwrap_or(m.record_version),
    };
    names::protocol_column(version)
}

/// The protocol column of a DTLS frame: "DTLS" until a version is known.
fn dtls_protocol(version: Option<u16>) -> String {
    version.map_or_else(|| "DTLS".to_string(), names::protocol_column)
}

/// A DTLS association's version after `m`.
fn dtls_version(m: &Message<'_>, before: Option<u16>) -> Option<u16> {
    match m.kind {
        MessageKind::Handshake { typ: 3, raw } if raw.len() >= 6 && m.negotiated.version.is_none() => {
            Some(u16::from_be_bytes([raw[4], raw[5]]))
        }
        _ => m.negotiated.version.or(before),
    }
}

impl<W: io::Write> Observer for TextPrinter<W> {
    fn tls(&mut self, conn: &Connection, event: &Event<'_>) {
        match event {
            Event::Record(r) => {
                self.tls13_record = r.tls13.then_some(r.frame);
                if let Some(typ) = r.partial_handshake {
                    let version = self.dtls_versions.get(&conn.id.0).copied();
                    let name = names::info(&MessageKind::Handshake { typ, raw: &[] });
                    let line = self.line_for(conn, event);
                    line.protocol.get_or_insert_with(|| dtls_protocol(version));
                    line.items.push(format!("{name} [fragment]"));
                }
            }
            Event::Message(m) if conn.transport == Transport::Quic => {
                let verbose = self.verbose;
                let line = self.line_for(conn, event);
                line.protocol.get_or_insert_with(|| "QUIC".to_string());
                line.items.push(names::info(&m.kind));
                if verbose {
                    line.details.extend(super::details::details(m, conn.transport));
                }
            }
            Event::Message(m) if conn.transport == Transport::Udp => {
                let version = dtls_version(m, self.dtls_versions.get(&conn.id.0).copied());
                if let Some(v) = version {
                    self.dtls_versions.insert(conn.id.0, v);
                }
                let verbose = self.verbose;
                let line = self.line_for(conn, event);
                line.protocol.get_or_insert_with(|| dtls_protocol(version));
                if !super::named_earlier(m) {
                    line.items.push(names::info(&m.kind));
                }
                if verbose {
                    line.details.extend(super::details::details(m, conn.transport));
                }
            }
            Event::Message(m) => {
                let verbose = self.verbose;
                let tls13_record = self.tls13_record == Some(m.frame);
                let line = self.line_for(conn, event);
                // The frame's first message names the protocol, unless a later one is
                // 0-RTT data (Wireshark then shows TLS 1.3 for the whole frame).
                if tls13_record && m.negotiated.version.is_none() {
                    line.protocol = Some(protocol(m, true));
                } else {
                    line.protocol.get_or_insert_with(|| protocol(m, tls13_record));
                }
                line.items.push(names::info(&m.kind));
                if verbose {
                    line.details.extend(super::details::details(m, conn.transport));
                }
            }
            Event::Anomaly(a) => {
                let text = match a.kind {
                    // Named like the message, as Wireshark shows it again.
                    AnomalyKind::Retransmitted { typ, first_frame, .. } => {
                        let name = names::info(&MessageKind::Handshake { typ, raw: &[] });
                        format!("{name} [retransmission of frame {first_frame}]")
                    }
                    _ => format!("[{}]", names::anomaly(&a.kind)),
                };
                let version = self.dtls_versions.get(&conn.id.0).copied();
                let line = self.line_for(conn, event);
                line.items.push(text);
                if conn.transport == Transport::Udp {
                    line.protocol.get_or_insert_with(|| dtls_protocol(version));
                }
            }
        }
    }

    fn connection_ended(&mut self, conn: &Connection) {
        self.dtls_versions.remove(&conn.id.0);
    }

    fn frame_done(&mut self, frame: u64) {
        if self.line.as_ref().is_some_and(|l| l.frame <= frame) {
            self.flush();
        }
    }
}
