//! pcapng: a sequence of blocks `type, total_length, body, total_length`, grouped in
//! sections (each opened by a Section Header Block that fixes the byte order and resets
//! the interfaces).

use crate::error::Fail;
use crate::input::{u16_at, u32_at, u64_at, Input};
use crate::{DecryptionSecrets, LinkType, RawFrame, Timestamp};

pub(crate) const SHB_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

pub(crate) mod block {
    pub const SHB: u32 = 0x0a0d_0d0a;
    pub const IDB: u32 = 0x0000_0001;
    pub const PB: u32 = 0x0000_0002;
    pub const SPB: u32 = 0x0000_0003;
    pub const EPB: u32 = 0x0000_0006;
    pub const DSB: u32 = 0x0000_000a;
}

pub(crate) const BOM: u32 = 0x1a2b_3c4d;
/// type + length + trailing length.
const BLOCK_OVERHEAD: usize = 12;
/// Blocks read whole into the buffer (packets, interfaces, sections, small secrets) may
/// not be larger than this: bounds the memory an input can make us allocate.
pub(crate) const MAX_BUFFERED_BLOCK: u32 = 16 * 1024 * 1024;

pub(crate) const OPT_END: u16 = 0;
pub(crate) const OPT_IF_TSRESOL: u16 = 9;
const OPT_IF_TSOFFSET: u16 = 14;

#[derive(Debug, Clone)]
struct Interface {
    link_type: LinkType,
    snaplen: u32,
    /// Timestamp ticks per second (10^n or 2^n).
    units: u64,
    /// `1e9 / units` when that is exact, for the common µs/ns resolutions.
    nanos_per_unit: Option<u64>,
    /// `if_tsoffset`, seconds added to every timestamp.
    offset_secs: i64,
}

impl Interface {
    fn timestamp(&self, raw: u64) -> Timestamp {
        let secs = raw / self.units;
        let frac = raw % self.units;
        let nanos = match self.nanos_per_unit {
            Some(m) => frac * m,
            None => (u128::from(frac) * 1_000_000_000 / u128::from(self.units)) as u64,
        };
        Timestamp {
            secs: i64::try_from(secs).unwrap_or(i64::MAX).saturating_add(self.offset_secs),
            nanos: nanos as u32,
        }
    }
}

pub(crate) struct Pcapng {
    be: bool,
    interfaces: Vec<Interface>,
}

impl Pcapng {
    pub(crate) fn new() -> Pcapng {
        Pcapng { be: false, interfaces: Vec::new() }
    }

    /// Reads blocks until the next packet; collects decryption secrets on the way.
    pub(crate) fn next(
        &mut self,
        input: &mut Input,
        secrets: &mut Vec<DecryptionSecrets>,
        frames_read: u64,
    ) -> Result<Option<RawFrame>, Fail> {
        loop {
            let start = input.offset();
            let io = |e| Fail::io(start, e);
            let have = input.fill(BLOCK_OVERHEAD).map_err(io)?;
            if have == 0 {
                return Ok(None);
            }
            if have < BLOCK_OVERHEAD {
                return Err(Fail::truncated(start, "pcapng block header", BLOCK_OVERHEAD as u64, have as u64));
            }
            let head = input.window();
            if head.get(..4) == Some(&SHB_MAGIC[..]) {
                self.be = match u32_at(head, 8, true) {
                    BOM => true,
                    b if b.swap_bytes() == BOM => false,
                    b => {
                        return Err(Fail::malformed(
                            start,
                            format!("section header byte-order magic {b:#010x} is neither 1a2b3c4d nor 4d3c2b1a"),
                        ))
                    }
                };
            }
            let btype = u32_at(head, 0, self.be);
            let len = u32_at(head, 4, self.be);
            if len < BLOCK_OVERHEAD as u32 || len & 3 != 0 {
                return Err(Fail::malformed(
                    start,
                    format!("block of type {btype:#x} has total length {len} (must be a multiple of 4, at least 12)"),
                ));
            }
            if len > MAX_BUFFERED_BLOCK {
                match btype {
                    block::SHB | block::IDB | block::PB | block::SPB | block::EPB => {
                        return Err(Fail::malformed(
                            start,
                            format!(
                                "block of type {btype:#x} has total length {len}, more than the {MAX_BUFFERED_BLOCK} allowed"
                            ),
                        ))
                    }
                    _ => {
                        self.stream_large_block(input, btype, len, secrets, frames_read)?;
                        continue;
                    }
                }
            }
            let len = len as usize;
            let have = input.fill(len).map_err(io)?;
            if have < len {
                return Err(Fail::truncated(start, "pcapng block", len as u64, have as u64));
            }
            let block = input.window().get(..len).unwrap_or(&[]);
            let trailer = u32_at(block, len - 4, self.be);
            if trailer as usize != len {
                return Err(Fail::malformed(
                    start,
                    format!("block of type {btype:#x}: leading total length {len} but trailing {trailer}"),
                ));
            }
            input.prefetch_past(len);
            let body = block.get(8..len - 4).unwrap_or(&[]);
            let body_index = input.index() + 8;
            let frame = match btype {
                block::SHB => {
                    self.section_header(body, start)?;
                    None
                }
                block::IDB => {
                    let iface = self.interface_description(body, start)?;
                    self.interfaces.push(iface);
                    None
                }
                block::EPB => Some(self.packet(body, body_index, start, true)?),
                block::PB => Some(self.packet(body, body_index, start, false)?),
                block::SPB => Some(self.simple_packet(body, body_index, start)?),
                block::DSB => {
                    secrets.push(self.decryption_secrets(body, start, frames_read)?);
                    None
                }
                _ => None,
            };
            input.consume(len);
            if frame.is_some() {
                return Ok(frame);
            }
        }
    }

    fn section_header(&mut self, body: &[u8], start: u64) -> Result<(), Fail> {
        if body.len() < 16 {
            return Err(Fail::malformed(
                start,
                format!("section header block body is {} bytes, less than 16", body.len()),
            ));
        }
        let major = u16_at(body, 4, self.be);
        let minor = u16_at(body, 6, self.be);
        if major != 1 {
            return Err(Fail::unsupported(start, format!("pcapng version {major}.{minor} (only 1.x is known)")));
        }
        self.interfaces.clear();
        Ok(())
    }

    fn interface_description(&self, body: &[u8], start: u64) -> Result<Interface, Fail> {
        if body.len() < 8 {
            return Err(Fail::malformed(
                start,
                format!("interface description block body is {} bytes, less than 8", body.len()),
            ));
        }
        let mut iface = Interface {
            link_type: LinkType(u32::from(u16_at(body, 0, self.be))),
            snaplen: u32_at(body, 4, self.be),
            units: 1_000_000,
            nanos_per_unit: Some(1000),
            offset_secs: 0,
        };
        let mut opts = body.get(8..).unwrap_or(&[]);
        // Options are read leniently: an option running past the block ends the list.
        while opts.len() >= 4 {
            let code = u16_at(opts, 0, self.be);
            let olen = usize::from(u16_at(opts, 2, self.be));
            let Some(value) = opts.get(4..4 + olen) else {
                break;
            };
            match code {
                OPT_END => break,
                OPT_IF_TSRESOL => {
                    if let Some(&r) = value.first() {
                        let units = if r & 0x80 != 0 {
                            1u64.checked_shl(u32::from(r & 0x7f)).filter(|_| r & 0x7f < 64)
                        } else {
                            10u64.checked_pow(u32::from(r))
                        };
                        let Some(units) = units else {
                            return Err(Fail::unsupported(
                                start,
                                format!("if_tsresol {r:#04x} is finer than 64-bit ticks allow"),
                            ));
                        };
                        iface.units = units;
                        iface.nanos_per_unit =
                            (units <= 1_000_000_000 && 1_000_000_000 % units == 0).then(|| 1_000_000_000 / units);
                    }
                }
                OPT_IF_TSOFFSET if olen == 8 => {
                    iface.offset_secs = u64_at(value, 0, self.be) as i64;
                }
                _ => {}
            }
            let padded = (4 + olen + 3) & !3;
            opts = opts.get(padded..).unwrap_or(&[]);
        }
        Ok(iface)
    }

    fn interface(&self, id: u32, start: u64) -> Result<&Interface, Fail> {
        self.interfaces.get(id as usize).ok_or_else(|| {
            Fail::malformed(
                start,
                format!("packet on interface {id}, but the section describes {} interface(s)", self.interfaces.len()),
            )
        })
    }

    /// Enhanced (`enhanced`) or obsolete Packet Block.
    fn packet(&self, body: &[u8], body_index: usize, start: u64, enhanced: bool) -> Result<RawFrame, Fail> {
        let name = if enhanced { "enhanced" } else { "obsolete" };
        if body.len() < 20 {
            return Err(Fail::malformed(
                start,
                format!("{name} packet block body is {} bytes, less than 20", body.len()),
            ));
        }
        let id = if enhanced { u32_at(body, 0, self.be) } else { u32::from(u16_at(body, 0, self.be)) };
        let ts = (u64::from(u32_at(body, 4, self.be)) << 32) | u64::from(u32_at(body, 8, self.be));
        let caplen = u32_at(body, 12, self.be);
        let original_len = u32_at(body, 16, self.be);
        let room = body.len() - 20;
        if caplen as usize > room {
            return Err(Fail::malformed(
                start,
                format!("{name} packet block: captured length {caplen} exceeds the {room} bytes in the block"),
            ));
        }
        let iface = self.interface(id, start)?;
        Ok(RawFrame {
            start: body_index + 20,
            len: caplen as usize,
            timestamp: iface.timestamp(ts),
            link_type: iface.link_type,
            original_len,
            interface: id,
        })
    }

    fn simple_packet(&self, body: &[u8], body_index: usize, start: u64) -> Result<RawFrame, Fail> {
        if body.len() < 4 {
            return Err(Fail::malformed(
                start,
                format!("simple packet block body is {} bytes, less than 4", body.len()),
            ));
        }
        let iface = self.interface(0, start)?;
        let original_len = u32_at(body, 0, self.be);
        let mut caplen = (original_len as usize).min(body.len() - 4);
        if iface.snaplen != 0 {
            caplen = caplen.min(iface.snaplen as usize);
        }
        Ok(RawFrame {
            start: body_index + 4,
            len: caplen,
            timestamp: Timestamp::default(),
            link_type: iface.link_type,
            original_len,
            interface: 0,
        })
    }

    fn decryption_secrets(&self, body: &[u8], start: u64, frames_read: u64) -> Result<DecryptionSecrets, Fail> {
        if body.len() < 8 {
            return Err(Fail::malformed(
                start,
                format!("decryption secrets block body is {} bytes, less than 8", body.len()),
            ));
        }
        let secrets_type = u32_at(body, 0, self.be);
        let slen = u32_at(body, 4, self.be) as usize;
        let Some(data) = body.get(8..8usize.saturating_add(slen)) else {
            return Err(Fail::malformed(
                start,
                format!(
                    "decryption secrets block: secrets length {slen} exceeds the {} bytes in the block",
                    body.len() - 8
                ),
            ));
        };
        Ok(DecryptionSecrets { secrets_type, data: data.to_vec(), after_frame: frames_read })
    }

    /// A block too large to buffer: decryption secrets are copied as they arrive (memory
    /// follows the data actually present), anything else is skipped.
    fn stream_large_block(
        &self,
        input: &mut Input,
        btype: u32,
        len: u32,
        secrets: &mut Vec<DecryptionSecrets>,
        frames_read: u64,
    ) -> Result<(), Fail> {
        let start = input.offset();
        let io = |e| Fail::io(start, e);
        let len64 = u64::from(len);
        let cut = |input: &Input| Fail::truncated(start, "pcapng block", len64, input.offset() - start);
        let body_len = len64 - BLOCK_OVERHEAD as u64;
        if btype == block::DSB {
            let have = input.fill(16).map_err(io)?;
            if have < 16 {
                return Err(Fail::truncated(start, "pcapng block", len64, have as u64));
            }
            let head = input.window();
            let secrets_type = u32_at(head, 8, self.be);
            let slen = u64::from(u32_at(head, 12, self.be));
            if slen > body_len - 8 {
                return Err(Fail::malformed(
                    start,
                    format!(
                        "decryption secrets block: secrets length {slen} exceeds the {} bytes in the block",
                        body_len - 8
                    ),
                ));
            }
            input.consume(16);
            let mut data = Vec::new();
            if input.read_into(slen, &mut data).map_err(io)? < slen {
                return Err(cut(input));
            }
            let rest = body_len - 8 - slen;
            if input.skip(rest).map_err(io)? < rest {
                return Err(cut(input));
            }
            secrets.push(DecryptionSecrets { secrets_type, data, after_frame: frames_read });
        } else {
            input.consume(8);
            if input.skip(body_len).map_err(io)? < body_len {
                return Err(cut(input));
            }
        }
        let have = input.fill(4).map_err(io)?;
        if have < 4 {
            return Err(Fail::truncated(start, "pcapng block", len64, input.offset() - start + have as u64));
        }
        let trailer = u32_at(input.window(), 0, self.be);
        if trailer != len {
            return Err(Fail::malformed(
                start,
                format!("block of type {btype:#x}: leading total length {len} but trailing {trailer}"),
            ));
        }
        input.consume(4);
        Ok(())
    }
}
