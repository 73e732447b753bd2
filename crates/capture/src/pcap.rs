//! Classic libpcap files: a 24-byte global header, then 16-byte record headers each
//! followed by the captured bytes.

use crate::error::{CaptureErrorKind, Fail};
use crate::input::{u32_at, Input};
use crate::{LinkType, RawFrame, Timestamp, HARD_MAX_FRAME_LEN, MAX_FRAME_LEN};

const GLOBAL_HEADER_LEN: usize = 24;
const RECORD_HEADER_LEN: usize = 16;

pub(crate) const MAGIC_MICROS: u32 = 0xa1b2_c3d4;
pub(crate) const MAGIC_NANOS: u32 = 0xa1b2_3c4d;

pub(crate) struct Pcap {
    be: bool,
    nanos: bool,
    link_type: LinkType,
    max_caplen: u32,
}

impl Pcap {
    /// Parses the global header at the start of `input` (the magic was already checked).
    pub(crate) fn read_header(input: &mut Input) -> Result<Pcap, Fail> {
        let have = input.fill(GLOBAL_HEADER_LEN).map_err(|e| Fail::io(0, e))?;
        if have < GLOBAL_HEADER_LEN {
            return Err(Fail::truncated(0, "pcap file header", GLOBAL_HEADER_LEN as u64, have as u64));
        }
        let h = input.window();
        let (be, nanos) = match u32_at(h, 0, true) {
            MAGIC_MICROS => (true, false),
            MAGIC_NANOS => (true, true),
            m if m.swap_bytes() == MAGIC_MICROS => (false, false),
            m if m.swap_bytes() == MAGIC_NANOS => (false, true),
            _ => {
                let mut magic = [0; 4];
                magic.copy_from_slice(h.get(..4).unwrap_or(&[0; 4]));
                return Err(Fail { offset: 0, kind: CaptureErrorKind::NotACapture { magic } });
            }
        };
        let snaplen = u32_at(h, 16, be);
        let link_type = LinkType(u32_at(h, 20, be) & 0x0FFF_FFFF);
        input.consume(GLOBAL_HEADER_LEN);
        Ok(Pcap { be, nanos, link_type, max_caplen: snaplen.clamp(MAX_FRAME_LEN, HARD_MAX_FRAME_LEN) })
    }

    pub(crate) fn link_type(&self) -> LinkType {
        self.link_type
    }

    pub(crate) fn next(&mut self, input: &mut Input) -> Result<Option<RawFrame>, Fail> {
        let start = input.offset();
        let have = input.fill(RECORD_HEADER_LEN).map_err(|e| Fail::io(start, e))?;
        if have == 0 {
            return Ok(None);
        }
        if have < RECORD_HEADER_LEN {
            return Err(Fail::truncated(start, "pcap record header", RECORD_HEADER_LEN as u64, have as u64));
        }
        let h = input.window();
        let secs = u32_at(h, 0, self.be);
        let frac = u32_at(h, 4, self.be);
        let caplen = u32_at(h, 8, self.be);
        let original_len = u32_at(h, 12, self.be);
        if caplen > self.max_caplen {
            return Err(Fail::malformed(
                start,
                format!("pcap record claims {caplen} captured bytes, more than the {} allowed", self.max_caplen),
            ));
        }
        // caplen <= HARD_MAX_FRAME_LEN, so this neither overflows nor allocates much.
        let needed = RECORD_HEADER_LEN + caplen as usize;
        let have = input.fill(needed).map_err(|e| Fail::io(start, e))?;
        if have < needed {
            return Err(Fail::truncated(start, "pcap packet record", needed as u64, have as u64));
        }
        let frac_nanos = if self.nanos { u64::from(frac) } else { u64::from(frac) * 1000 };
        let timestamp = Timestamp {
            secs: i64::from(secs) + (frac_nanos / 1_000_000_000) as i64,
            nanos: (frac_nanos % 1_000_000_000) as u32,
        };
        let data_start = input.index() + RECORD_HEADER_LEN;
        input.prefetch_past(needed);
        input.consume(needed);
        Ok(Some(RawFrame {
            start: data_start,
            len: caplen as usize,
            timestamp,
            link_type: self.link_type,
            original_len,
            interface: 0,
        }))
    }
}
