//! tshark-style fields, one line per frame with TLS: the frame number, the handshake
//! types and the record content types completed in it — the same columns as
//! `tshark -T fields -e frame.number -e tls.handshake.type -e tls.record.content_type
//! -E occurrence=a -E aggregator=,`, so the two can be diffed.

use std::io;

use tlsdoctor_tls::stream::{Anomaly, AnomalyKind, Event, Message, MessageKind};

use super::Sink;
use crate::pipeline::{Connection, Observer};

pub struct FieldsPrinter<W: io::Write> {
    sink: Sink<W>,
    frame: u64,
    /// The frame completed a record or message (tshark lists it even when both columns
    /// are empty).
    has_tls: bool,
    handshake_types: Vec<u8>,
    content_types: Vec<u8>,
    /// A retransmitted fragment overlapped a reassembled DTLS message in this frame:
    /// tshark dissects nothing after it in the datagram.
    cut: bool,
}

impl<W: io::Write> FieldsPrinter<W> {
    pub fn new(out: W) -> Self {
        FieldsPrinter {
            sink: Sink::new(out),
            frame: 0,
            has_tls: false,
            handshake_types: Vec::new(),
            content_types: Vec::new(),
            cut: false,
        }
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.flush();
        self.sink.finish()
    }

    fn flush(&mut self) {
        if !self.has_tls {
            return;
        }
        self.has_tls = false;
        let join = |v: &[u8]| v.iter().map(u8::to_string).collect::<Vec<_>>().join(",");
        let (frame, types, cts) = (self.frame, join(&self.handshake_types), join(&self.content_types));
        self.sink.write(|out| writeln!(out, "{frame}\t{types}\t{cts}"));
        self.handshake_types.clear();
        self.content_types.clear();
    }
}

impl<W: io::Write> Observer for FieldsPrinter<W> {
    fn tls(&mut self, _conn: &Connection, event: &Event<'_>) {
        if event.frame() != self.frame {
            self.flush();
            self.frame = event.frame();
            self.cut = false;
        }
        if self.cut {
            return;
        }
        self.has_tls |= !matches!(event, Event::Anomaly(_));
        match event {
            // tshark files TLS 1.3's outer type under `tls.record.opaque_type`.
            // tshark names the handshake type of every DTLS fragment.
            Event::Record(r) if !r.tls13 => {
                self.content_types.push(r.header.content_type);
                self.handshake_types.extend(r.partial_handshake);
            }
            Event::Message(m @ Message { kind: MessageKind::Handshake { typ, .. }, .. })
                if !super::named_earlier(m) =>
            {
                self.handshake_types.push(*typ)
            }
            Event::Message(Message { kind: MessageKind::Sslv2ClientHello { .. }, .. }) => self.handshake_types.push(1),
            // tshark dissects a retransmitted DTLS handshake message again.
            Event::Anomaly(Anomaly { kind: AnomalyKind::Retransmitted { typ, overlaps, .. }, .. }) => {
                self.has_tls = true;
                self.handshake_types.push(*typ);
                self.cut = *overlaps;
            }
            // tshark files SSL 2.0 message types under tls.handshake.type too, for the
            // three it decodes (names::info).
            Event::Message(Message { kind: MessageKind::Sslv2 { msg_type: t @ (1 | 2 | 4), .. }, .. }) => {
                self.handshake_types.push(*t)
            }
            _ => {}
        }
    }

    fn frame_done(&mut self, frame: u64) {
        if self.frame <= frame {
            self.flush();
        }
    }
}
