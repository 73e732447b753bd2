//! `--write FILE.pcapng`: the packets of a live capture kept as they come, after a
//! decryption secrets block with the key logs given, so the file opens decrypted.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use tlsdoctor_capture::{write, LinkType, Timestamp};

use crate::decrypt::export::{nanos, packet_block};

pub(super) struct Saved {
    out: BufWriter<File>,
    block: Vec<u8>,
    /// The first write error; later packets are not written.
    error: Option<io::Error>,
}

impl Saved {
    /// Creates the file (before privileges are dropped) and writes its header.
    pub(super) fn create(path: &Path, link: LinkType, snaplen: u32, keylog: &[u8]) -> io::Result<Saved> {
        let mut out = BufWriter::new(File::create(path)?);
        out.write_all(&write::section_header(concat!("tlsdoctor ", env!("CARGO_PKG_VERSION"))))?;
        out.write_all(&write::interface_block(link, snaplen, 9))?;
        if !keylog.is_empty() {
            out.write_all(&write::secrets_block(keylog))?;
        }
        Ok(Saved { out, block: Vec::new(), error: None })
    }

    pub(super) fn packet(&mut self, ts: Timestamp, data: &[u8], original_len: u32) {
        if self.error.is_some() {
            return;
        }
        packet_block(&mut self.block, 0, nanos(ts).unwrap_or(0), data, original_len, &[]);
        self.error = self.out.write_all(&self.block).err();
    }

    pub(super) fn finish(mut self) -> io::Result<()> {
        match self.error.take() {
            Some(e) => Err(e),
            None => self.out.flush(),
        }
    }
}
