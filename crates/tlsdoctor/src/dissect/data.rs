//! `tlsdoctor decrypt`: the decrypted application data, record by record, as text with
//! escapes or as a hex dump; optionally each direction's bytes raw into files.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::PathBuf;

use tlsdoctor_tcp::Side;
use tlsdoctor_tls::stream::{Anomaly, AnomalyKind, Event, MessageKind};

use super::Sink;
use crate::pipeline::{Connection, Observer};

pub struct DataPrinter<W: io::Write> {
    sink: Sink<W>,
    hex: bool,
    out_dir: Option<PathBuf>,
    /// Per connection and direction; QUIC's per stream too.
    files: HashMap<(u32, Option<u64>, Side), File>,
    /// The text of the record being written, kept to reuse its allocation.
    body: Vec<u8>,
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
            body: Vec::new(),
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

    /// Appends a record's data to its direction's file; a QUIC stream's goes to its
    /// stream's file at its offset, so retransmitted and reordered frames land in place.
    fn write_file(&mut self, conn: u32, stream: Option<(u64, u64)>, side: Side, data: &[u8]) -> io::Result<()> {
        let Some(dir) = &self.out_dir else { return Ok(()) };
        let file = match self.files.entry((conn, stream.map(|(id, _)| id), side)) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let side = crate::diagnose::side_name(side);
                let name = match stream {
                    Some((id, _)) => format!("conn-{conn}-stream-{id}-{side}.bin"),
                    None => format!("conn-{conn}-{side}.bin"),
                };
                e.insert(File::create(dir.join(name))?)
            }
        };
        if let Some((_, offset)) = stream {
            file.seek(SeekFrom::Start(offset))?;
        }
        file.write_all(data)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_hex(out: &mut Vec<u8>, b: u8) {
    out.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
}

/// Bytes [`escape`] copies as they are.
fn is_plain(b: u8) -> bool {
    (b.wrapping_sub(0x20) < 0x5f && b != b'\\') | (b == b'\n')
}

/// How many bytes at the start of `data` are plain. Whole blocks are tested without an
/// early exit, so the test runs on vectors: decrypted text is mostly plain.
fn plain_prefix(data: &[u8]) -> usize {
    const BLOCK: usize = 32;
    let mut n = 0;
    for block in data.chunks_exact(BLOCK) {
        if !block.iter().fold(true, |all, &b| all & is_plain(b)) {
            break;
        }
        n += BLOCK;
    }
    let rest = &data[n..];
    n + rest.iter().position(|&b| !is_plain(b)).unwrap_or(rest.len())
}

/// Printable ASCII as is, newlines kept, every other byte as \xNN; appended to `out`.
pub fn escape(data: &[u8], out: &mut Vec<u8>) {
    let mut rest = data;
    loop {
        let plain = plain_prefix(rest);
        out.extend_from_slice(&rest[..plain]);
        let Some((&b, after)) = rest[plain..].split_first() else { return };
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => {
                out.extend_from_slice(b"\\x");
                push_hex(out, b);
            }
        }
        rest = after;
    }
}

/// `hexdump -C` style lines, appended to `out`.
pub fn hex_dump(data: &[u8], out: &mut Vec<u8>) {
    for (i, line) in data.chunks(16).enumerate() {
        let offset = (i * 16) as u32;
        for b in offset.to_be_bytes() {
            push_hex(out, b);
        }
        out.extend_from_slice(b"  ");
        for k in 0..16 {
            match line.get(k) {
                Some(&b) => push_hex(out, b),
                None => out.extend_from_slice(b"  "),
            }
            out.push(b' ');
        }
        out.extend_from_slice(b"  |");
        out.extend(line.iter().map(|&b| if (0x20..0x7f).contains(&b) { b } else { b'.' }));
        out.extend_from_slice(b"|\n");
    }
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
        let (data, stream) = match m.kind {
            MessageKind::ApplicationData { data } => (data, None),
            MessageKind::StreamData { stream_id, offset, fin, data } => (data, Some((stream_id, offset, fin))),
            _ => return,
        };
        self.records += 1;
        if let Err(e) = self.write_file(conn.id.0, stream.map(|(id, offset, _)| (id, offset)), m.side, data) {
            self.sink.write(|_| Err(e));
            return;
        }
        let (src, dst) = (conn.endpoint(m.side), conn.endpoint(m.side.other()));
        let body = &mut self.body;
        body.clear();
        if self.hex {
            hex_dump(data, body);
        } else {
            escape(data, body);
        }
        if body.last() != Some(&b'\n') {
            body.push(b'\n');
        }
        self.sink.write(|out| {
            let (frame, id, len) = (m.frame, conn.id.0, data.len());
            match stream {
                Some((stream_id, offset, fin)) => {
                    let fin = if fin { ", fin" } else { "" };
                    writeln!(out, "=== frame {frame} connection {id} stream {stream_id} {src} → {dst} (offset {offset}, {len} bytes{fin})")?
                }
                None => writeln!(out, "=== frame {frame} connection {id} {src} → {dst} ({len} bytes)")?,
            }
            out.write_all(body)
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
        assert_eq!(escaped(&all), one_by_one(&all));
        assert_eq!(escaped(b""), "");
        // Long plain runs go through the block test: a special byte at every position
        // of a block, before, inside and after whole blocks.
        for special in [0u8, b'\\', b'\r', b'\t', 0x7f, 0x1f, 0xff] {
            for at in 0..100 {
                let mut data = vec![b'a'; 100];
                data[at] = special;
                data[99 - at / 2] = b'\n';
                assert_eq!(escaped(&data), one_by_one(&data), "byte {special:#x} at {at}");
            }
        }
    }

    fn escaped(data: &[u8]) -> String {
        let mut out = Vec::new();
        escape(data, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_what_is_not_printable() {
        assert_eq!(escaped(b"GET / HTTP/1.1\r\n\x00\xff\\"), "GET / HTTP/1.1\\r\n\\x00\\xff\\\\");
        let mut dump = Vec::new();
        hex_dump(b"AB\x00", &mut dump);
        assert_eq!(dump, b"00000000  41 42 00                                          |AB.|\n");
    }
}
