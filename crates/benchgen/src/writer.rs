//! Ethernet captures out: classic pcap (microseconds) or pcapng (one interface,
//! microseconds, optionally the key log in a Decryption Secrets Block).

use std::io::{self, Write};

const LINKTYPE_ETHERNET: u32 = 1;
const SNAP_LEN: u32 = 262_144;
const PCAP_RECORD_HEADER: u64 = 16;
/// EPB: type, length, interface, timestamp (2), captured and original length, trailing length.
const PCAPNG_RECORD_OVERHEAD: u64 = 32;
const DECRYPTION_SECRETS_BLOCK: u32 = 0x0000_000a;
const SECRETS_TLS_KEY_LOG: u32 = 0x544c_534b;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Pcap,
    Pcapng,
}

/// Writes frames to `out`, counting the bytes.
pub struct CaptureWriter<W: Write> {
    out: W,
    format: OutputFormat,
    written: u64,
}

impl<W: Write> CaptureWriter<W> {
    /// Writes the file header (and, for pcapng with `keylog`, the secrets block).
    pub fn new(out: W, format: OutputFormat, keylog: Option<&[u8]>) -> io::Result<Self> {
        let mut w = CaptureWriter { out, format, written: 0 };
        match format {
            OutputFormat::Pcap => {
                let mut h = Vec::with_capacity(24);
                h.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
                h.extend_from_slice(&2u16.to_le_bytes());
                h.extend_from_slice(&4u16.to_le_bytes());
                h.extend_from_slice(&[0; 8]); // time zone, sigfigs
                h.extend_from_slice(&SNAP_LEN.to_le_bytes());
                h.extend_from_slice(&LINKTYPE_ETHERNET.to_le_bytes());
                w.put(&h)?;
            }
            OutputFormat::Pcapng => {
                let mut shb = Vec::new();
                shb.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
                shb.extend_from_slice(&1u16.to_le_bytes());
                shb.extend_from_slice(&0u16.to_le_bytes());
                shb.extend_from_slice(&(-1i64).to_le_bytes()); // section length unknown
                push_option(&mut shb, 4, b"tlsdoctor-benchgen"); // shb_userappl
                push_option(&mut shb, 0, b"");
                w.block(0x0a0d_0d0a, &shb)?;
                let mut idb = Vec::new();
                idb.extend_from_slice(&(LINKTYPE_ETHERNET as u16).to_le_bytes());
                idb.extend_from_slice(&0u16.to_le_bytes());
                idb.extend_from_slice(&SNAP_LEN.to_le_bytes());
                push_option(&mut idb, 9, &[6]); // if_tsresol: microseconds
                push_option(&mut idb, 0, b"");
                w.block(1, &idb)?;
                if let Some(keylog) = keylog {
                    let mut dsb = Vec::with_capacity(keylog.len() + 12);
                    dsb.extend_from_slice(&SECRETS_TLS_KEY_LOG.to_le_bytes());
                    dsb.extend_from_slice(&(keylog.len() as u32).to_le_bytes());
                    dsb.extend_from_slice(keylog);
                    dsb.resize(dsb.len() + padding(keylog.len()), 0);
                    w.block(DECRYPTION_SECRETS_BLOCK, &dsb)?;
                }
            }
        }
        Ok(w)
    }

    pub fn bytes_written(&self) -> u64 {
        self.written
    }

    /// Bytes the record of a `frame_len`-byte frame takes in the file.
    pub fn record_len(&self, frame_len: usize) -> u64 {
        match self.format {
            OutputFormat::Pcap => PCAP_RECORD_HEADER + frame_len as u64,
            OutputFormat::Pcapng => PCAPNG_RECORD_OVERHEAD + (frame_len + padding(frame_len)) as u64,
        }
    }

    /// Writes one frame, `header` then `payload`, at `ts_ns` (nanoseconds since the epoch,
    /// rounded to the microsecond).
    pub fn frame(&mut self, ts_ns: u64, header: &[u8], payload: &[u8]) -> io::Result<()> {
        let micros = (ts_ns + 500) / 1000;
        let len = header.len() + payload.len();
        let mut record = [0u8; 28];
        let record_header = match self.format {
            OutputFormat::Pcap => {
                record[0..4].copy_from_slice(&((micros / 1_000_000) as u32).to_le_bytes());
                record[4..8].copy_from_slice(&((micros % 1_000_000) as u32).to_le_bytes());
                record[8..12].copy_from_slice(&(len as u32).to_le_bytes());
                record[12..16].copy_from_slice(&(len as u32).to_le_bytes());
                &record[..16]
            }
            OutputFormat::Pcapng => {
                let block_len = self.record_len(len) as u32;
                record[0..4].copy_from_slice(&6u32.to_le_bytes()); // Enhanced Packet Block
                record[4..8].copy_from_slice(&block_len.to_le_bytes());
                record[8..12].copy_from_slice(&0u32.to_le_bytes()); // interface 0
                record[12..16].copy_from_slice(&((micros >> 32) as u32).to_le_bytes());
                record[16..20].copy_from_slice(&(micros as u32).to_le_bytes());
                record[20..24].copy_from_slice(&(len as u32).to_le_bytes());
                record[24..28].copy_from_slice(&(len as u32).to_le_bytes());
                &record[..28]
            }
        };
        self.out.write_all(record_header)?;
        self.out.write_all(header)?;
        self.out.write_all(payload)?;
        self.written += self.record_len(len);
        if self.format == OutputFormat::Pcapng {
            self.out.write_all(&[0; 3][..padding(len)])?;
            self.out.write_all(&self.record_len(len).to_le_bytes()[..4])?;
        }
        Ok(())
    }

    /// Flushes and hands the output back.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    fn block(&mut self, block_type: u32, body: &[u8]) -> io::Result<()> {
        let total = (12 + body.len()) as u32;
        let mut b = Vec::with_capacity(total as usize);
        b.extend_from_slice(&block_type.to_le_bytes());
        b.extend_from_slice(&total.to_le_bytes());
        b.extend_from_slice(body);
        b.extend_from_slice(&total.to_le_bytes());
        self.put(&b)
    }
}

fn padding(len: usize) -> usize {
    (4 - len % 4) % 4
}

/// A pcapng option: code, length, value padded to 32 bits.
fn push_option(out: &mut Vec<u8>, code: u16, value: &[u8]) {
    out.extend_from_slice(&code.to_le_bytes());
    out.extend_from_slice(&(value.len() as u16).to_le_bytes());
    out.extend_from_slice(value);
    out.resize(out.len() + padding(value.len()), 0);
}
