//! Ethernet captures out: classic pcap (microseconds) or pcapng (one interface,
//! microseconds, optionally the key log in a Decryption Secrets Block).

use std::io::{self, Write};

use tlsdoctor_capture::write::{interface_block, padding, secrets_block, section_header, ENHANCED_PACKET_BLOCK};
use tlsdoctor_capture::LinkType;

const LINKTYPE_ETHERNET: u32 = 1;
const SNAP_LEN: u32 = 262_144;
const PCAP_RECORD_HEADER: u64 = 16;
/// EPB: type, length, interface, timestamp (2), captured and original length, trailing length.
const PCAPNG_RECORD_OVERHEAD: u64 = 32;

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
                w.put(&section_header("tlsdoctor-benchgen"))?;
                w.put(&interface_block(LinkType(LINKTYPE_ETHERNET), SNAP_LEN, 6))?;
                if let Some(keylog) = keylog {
                    w.put(&secrets_block(keylog))?;
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
                record[0..4].copy_from_slice(&ENHANCED_PACKET_BLOCK.to_le_bytes());
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
}
