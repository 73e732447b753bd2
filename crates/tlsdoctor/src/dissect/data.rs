//! `tlsdoctor decrypt`: the decrypted application data, record by record, as text with
//! escapes or as a hex dump; optionally each direction's bytes raw into files.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;

use tlsdoctor_tcp::Side;
use tlsdoctor_tls::stream::{Anomaly, AnomalyKind, Event, MessageKind};

use super::Sink;
use crate::pipeline::{Connection, Observer};

pub struct DataPrinter<W: io::Write> {
    sink: Sink<W>,
    hex: bool,
    out_dir: Option<PathBuf>,
    files: HashMap<(u32, Side), File>,
    records: u64,
    failures: u64,
    first_failure: Option<Failure>,
}

/// A record that did not open with the secrets found for its connection.
#[derive(Debug, Clone)]
pub struct Failure {
    pub connection: u32,
    pub frame: u64,
    pub reason: String,
}

impl<W: io::Write> DataPrinter<W> {
    pub fn new(out: W, hex: bool, out_dir: Option<PathBuf>) -> Self {
        DataPrinter {
            sink: Sink::new(out),
            hex,
            out_dir,
            files: HashMap::new(),
            records: 0,
            failures: 0,
            first_failure: None,
        }
    }

    pub fn finish(self) -> io::Result<W> {
        self.sink.finish()
    }

    /// Application-data records decrypted so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Records whose connection had secrets that did not open them, and the first one.
    pub fn failures(&self) -> (u64, Option<&Failure>) {
        (self.failures, self.first_failure.as_ref())
    }

    fn write_file(&mut self, conn: u32, side: Side, data: &[u8]) -> io::Result<()> {
        let Some(dir) = &self.out_dir else { return Ok(()) };
        let file = match self.files.entry((conn, side)) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let name = format!("conn-{conn}-{}.bin", crate::diagnose::side_name(side));
                e.insert(File::create(dir.join(name))?)
            }
        };
        file.write_all(data)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_hex(out: &mut String, b: u8) {
    out.push(HEX[usize::from(b >> 4)] as char);
    out.push(HEX[usize::from(b & 15)] as char);
}

/// Printable ASCII as is, newlines kept, every other byte as \xNN.
pub fn escape(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() + data.len() / 8);
    for &b in data {
        match b {
            b'\n' => out.push('\n'),
            b'\\' => out.push_str("\\\\"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                out.push_str("\\x");
                push_hex(&mut out, b);
            }
        }
    }
    out
}

/// `hexdump -C` style lines.
pub fn hex_dump(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() * 5);
    for (i, line) in data.chunks(16).enumerate() {
        let offset = (i * 16) as u32;
        for b in offset.to_be_bytes() {
            push_hex(&mut out, b);
        }
        out.push_str("  ");
        for k in 0..16 {
            match line.get(k) {
                Some(&b) => push_hex(&mut out, b),
                None => out.push_str("  "),
            }
            out.push(' ');
        }
        out.push_str("  |");
        out.extend(line.iter().map(|&b| if (0x20..0x7f).contains(&b) { b as char } else { '.' }));
        out.push_str("|\n");
    }
    out
}

impl<W: io::Write> Observer for DataPrinter<W> {
    fn tls(&mut self, conn: &Connection, event: &Event<'_>) {
        if let Event::Anomaly(Anomaly { kind: AnomalyKind::DecryptFailed { reason }, frame, .. }) = event {
            self.failures += 1;
            self.first_failure.get_or_insert_with(|| Failure {
                connection: conn.id.0,
                frame: *frame,
                reason: reason.clone(),
            });
            return;
        }
        let Event::Message(m) = event else { return };
        let MessageKind::ApplicationData { data } = m.kind else { return };
        self.records += 1;
        if let Err(e) = self.write_file(conn.id.0, m.side, data) {
            self.sink.write(|_| Err(e));
            return;
        }
        let (src, dst) = (conn.endpoint(m.side), conn.endpoint(m.side.other()));
        let body = if self.hex { hex_dump(data) } else { escape(data) };
        self.sink.write(|out| {
            writeln!(out, "=== frame {} connection {} {src} → {dst} ({} bytes)", m.frame, conn.id.0, data.len())?;
            out.write_all(body.as_bytes())?;
            if !body.ends_with('\n') {
                writeln!(out)?;
            }
            Ok(())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_escapes_as_its_one_by_one_definition() {
        let one_by_one = |data: &[u8]| -> String {
            data.iter()
                .map(|&b| match b {
                    b'\n' => "\n".to_string(),
                    b'\\' => "\\\\".to_string(),
                    b'\r' => "\\r".to_string(),
                    b'\t' => "\\t".to_string(),
                    0x20..=0x7e => (b as char).to_string(),
                    _ => format!("\\x{b:02x}"),
                })
                .collect()
        };
        let all: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        assert_eq!(escape(&all), one_by_one(&all));
        assert_eq!(escape(b""), "");
    }

    #[test]
    fn escapes_what_is_not_printable() {
        assert_eq!(escape(b"GET / HTTP/1.1\r\n\x00\xff\\"), "GET / HTTP/1.1\\r\n\\x00\\xff\\\\");
        assert_eq!(hex_dump(b"AB\x00"), "00000000  41 42 00                                          |AB.|\n");
    }
}
