//! One line per frame that carries TLS, like Wireshark's packet list; `-v` adds the
//! decoded fields of each handshake message.

use std::io;
use std::net::SocketAddr;

use tlsdoctor_tls::stream::{Event, Message, MessageKind};

use super::Sink;
use crate::names;
use crate::pipeline::{Connection, Observer};

pub struct TextPrinter<W: io::Write> {
    sink: Sink<W>,
    verbose: bool,
    line: Option<Line>,
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
        TextPrinter { sink: Sink::new(out), verbose, line: None }
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
                line.items.join(", ")
            )?;
            for detail in &line.details {
                writeln!(out, "{detail}")?;
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

/// The protocol column: the negotiated version once known, else the record's.
fn protocol(m: &Message<'_>) -> String {
    let version = match m.kind {
        MessageKind::Sslv2ClientHello { .. } => 0x0002,
        _ => m.negotiated.version.unwrap_or(m.record_version),
    };
    names::protocol_column(version)
}

impl<W: io::Write> Observer for TextPrinter<W> {
    fn tls(&mut self, conn: &Connection, event: &Event<'_>) {
        match event {
            Event::Record(_) => {}
            Event::Message(m) => {
                let verbose = self.verbose;
                let line = self.line_for(conn, event);
                line.protocol.get_or_insert_with(|| protocol(m));
                line.items.push(names::info(&m.kind));
                if verbose {
                    line.details.extend(super::details::details(m));
                }
            }
            Event::Anomaly(a) => {
                let text = format!("[{}]", names::anomaly(&a.kind));
                let line = self.line_for(conn, event);
                line.items.push(text);
            }
        }
    }

    fn frame_done(&mut self, frame: u64) {
        if self.line.as_ref().is_some_and(|l| l.frame <= frame) {
            self.flush();
        }
    }
}
