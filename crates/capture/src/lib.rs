//! Capture files -> frames: pcap (both byte orders, micro/nanosecond), pcapng (sections,
//! interfaces, EPB/SPB/obsolete packet blocks, decryption-secrets blocks), gzip-wrapped.
//!
//! ```no_run
//! use tlsdoctor_capture::CaptureReader;
//! # fn main() -> Result<(), tlsdoctor_capture::CaptureError> {
//! let mut reader = CaptureReader::open("capture.pcapng.gz".as_ref())?;
//! while let Some(frame) = reader.next_frame()? {
//!     println!("{} {} bytes", frame.number, frame.data.len());
//! }
//! # Ok(())
//! # }
//! ```
#![deny(unsafe_code)]

mod ahead;
mod blocks;
mod error;
mod input;
mod pcap;
mod pcapng;
mod prefetch;
pub mod write;

use std::fmt;
use std::fs::File;
use std::io::{Cursor, Read};
use std::path::Path;

pub use ahead::ReadAhead;
pub use blocks::SharedBlock;
pub use error::{CaptureError, CaptureErrorKind};

use error::Fail;
use input::Input;

/// A capture timestamp (UTC), nanosecond resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    pub secs: i64,
    pub nanos: u32,
}

/// A link-layer header type (LINKTYPE_* from the tcpdump registry); unknown values kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinkType(pub u32);

impl LinkType {
    pub const NULL: LinkType = LinkType(0);
    pub const ETHERNET: LinkType = LinkType(1);
    pub const RAW: LinkType = LinkType(101);
    pub const LOOP: LinkType = LinkType(108);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const IPV4: LinkType = LinkType(228);
    pub const IPV6: LinkType = LinkType(229);
    pub const LINUX_SLL2: LinkType = LinkType(276);
}

/// One captured packet, borrowed from the reader's buffer until the next call.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based record number in the file, as Wireshark numbers frames.
    pub number: u64,
    pub timestamp: Timestamp,
    pub link_type: LinkType,
    /// The captured bytes (may be shorter than `original_len` when cut by the snap length).
    pub data: &'a [u8],
    pub original_len: u32,
    /// pcapng interface id (0 for pcap).
    pub interface: u32,
    /// The block of the capture holding `data`, and where `data` starts in it, for
    /// another thread to read the frame later; `None` when the frame was copied (it
    /// straddled two blocks).
    pub block: Option<(&'a SharedBlock, usize)>,
}

impl Frame<'_> {
    /// True when the capture kept fewer bytes than were on the wire.
    pub fn is_cut(&self) -> bool {
        (self.data.len() as u64) < u64::from(self.original_len)
    }
}

/// Captured lengths above this are refused as malformed unless the pcap snap length
/// announces more (Wireshark's limit for ordinary link types).
pub const MAX_FRAME_LEN: u32 = 256 * 1024;
/// Captured lengths above this are always refused, whatever the snap length says.
pub const HARD_MAX_FRAME_LEN: u32 = 16 * 1024 * 1024;
/// Size of the blocks the stream is read in.
const BLOCK_LEN: usize = 1 << 20;

/// The container format of a capture file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Pcap,
    Pcapng,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Pcap => "pcap",
            Format::Pcapng => "pcapng",
        })
    }
}

/// A pcapng Decryption Secrets Block.
#[derive(Clone, PartialEq, Eq)]
pub struct DecryptionSecrets {
    /// [`DecryptionSecrets::TLS_KEY_LOG`], or another registered type, kept as is.
    pub secrets_type: u32,
    pub data: Vec<u8>,
    /// How many frames were read before this block.
    pub after_frame: u64,
}

impl DecryptionSecrets {
    /// `TLSK`: NSS key log lines.
    pub const TLS_KEY_LOG: u32 = 0x544c_534b;
    /// `WGKL`: WireGuard key log.
    pub const WIREGUARD_KEY_LOG: u32 = 0x5747_4b4c;
}

impl fmt::Debug for DecryptionSecrets {
    /// Never prints the secrets themselves.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecryptionSecrets")
            .field("secrets_type", &format_args!("{:#010x}", self.secrets_type))
            .field("data_len", &self.data.len())
            .field("after_frame", &self.after_frame)
            .finish()
    }
}

/// A frame located in the reader's buffer.
pub(crate) struct RawFrame {
    pub start: usize,
    pub len: usize,
    pub timestamp: Timestamp,
    pub link_type: LinkType,
    pub original_len: u32,
    pub interface: u32,
}

enum State {
    Pcap(pcap::Pcap),
    Pcapng(pcapng::Pcapng),
}

/// Reads frames from a pcap or pcapng stream, gzip-compressed or not.
pub struct CaptureReader {
    name: String,
    input: Input,
    gzip: bool,
    state: State,
    frames: u64,
    secrets: Vec<DecryptionSecrets>,
    done: bool,
    /// Read as it comes ([`CaptureReader::from_stream`]).
    stream: bool,
}

impl fmt::Debug for CaptureReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaptureReader")
            .field("name", &self.name)
            .field("format", &self.format())
            .field("gzip", &self.gzip)
            .field("frames_read", &self.frames)
            .field("bytes_read", &self.bytes_read())
            .finish()
    }
}

impl CaptureReader {
    /// Opens a capture file; gzip-compressed files are recognised by their magic.
    pub fn open(path: &Path) -> Result<Self, CaptureError> {
        let name = path.display().to_string();
        match File::open(path) {
            Ok(file) => Self::from_reader(Box::new(file), &name),
            Err(e) => Err(CaptureError { name, offset: 0, kind: CaptureErrorKind::Io(e) }),
        }
    }

    /// Reads a capture from any stream (gzip recognised by its magic); `name` is used in
    /// error messages. Pass an unbuffered reader: this one buffers by itself.
    pub fn from_reader(r: Box<dyn Read + Send>, name: &str) -> Result<Self, CaptureError> {
        Self::from_reader_in_blocks(r, name, BLOCK_LEN)
    }

    /// Reads a capture from a stream whose bytes come as they are captured (a pipe from
    /// `tcpdump -U -w -`): each frame is handed on as soon as it is read, where
    /// [`CaptureReader::from_reader`] waits for a whole block, and no thread reads ahead.
    pub fn from_stream(r: Box<dyn Read + Send>, name: &str) -> Result<Self, CaptureError> {
        Self::with_blocks(r, name, BLOCK_LEN, false)
    }

    /// [`CaptureReader::from_reader`] with blocks of `block_len` bytes (tests: records
    /// that straddle blocks).
    #[doc(hidden)]
    pub fn from_reader_in_blocks(r: Box<dyn Read + Send>, name: &str, block_len: usize) -> Result<Self, CaptureError> {
        Self::with_blocks(r, name, block_len, true)
    }

    fn with_blocks(r: Box<dyn Read + Send>, name: &str, block_len: usize, whole: bool) -> Result<Self, CaptureError> {
        Self::start(r, block_len, whole)
            .map_err(|f| CaptureError { name: name.to_string(), offset: f.offset, kind: f.kind })
            .map(|(input, gzip, state)| CaptureReader {
                name: name.to_string(),
                input,
                gzip,
                state,
                frames: 0,
                secrets: Vec::new(),
                done: false,
                stream: !whole,
            })
    }

    fn start(mut r: Box<dyn Read + Send>, block_len: usize, whole: bool) -> Result<(Input, bool, State), Fail> {
        let mut magic = Vec::with_capacity(2);
        r.by_ref().take(2).read_to_end(&mut magic).map_err(|e| Fail::io(0, e))?;
        let gzip = magic == [0x1f, 0x8b];
        let prefix = Cursor::new(magic);
        let r: Box<dyn Read + Send> = if gzip {
            Box::new(Chunked(flate2::read::MultiGzDecoder::new(prefix.chain(r))))
        } else {
            Box::new(prefix.chain(r))
        };
        let mut input = Input::new(r, block_len, whole);
        let have = input.fill(4).map_err(|e| Fail::io(0, e))?;
        if have < 4 {
            return Err(Fail::truncated(0, "capture file header", 4, have as u64));
        }
        let mut magic = [0u8; 4];
        magic.copy_from_slice(input.window().get(..4).unwrap_or(&[0; 4]));
        let state = if magic == pcapng::SHB_MAGIC {
            State::Pcapng(pcapng::Pcapng::new())
        } else {
            let m = u32::from_be_bytes(magic);
            let known = [pcap::MAGIC_MICROS, pcap::MAGIC_NANOS];
            if !known.contains(&m) && !known.contains(&m.swap_bytes()) {
                return Err(Fail { offset: 0, kind: CaptureErrorKind::NotACapture { magic } });
            }
            State::Pcap(pcap::Pcap::read_header(&mut input)?)
        };
        Ok((input, gzip, state))
    }

    /// A handle for another thread to read this capture ahead, while it has nothing else
    /// to do: the copy from the file then costs this thread nothing.
    pub fn read_ahead(&mut self) -> ReadAhead {
        self.input.read_ahead(!self.stream)
    }

    /// Whether it reads a stream as it comes ([`CaptureReader::from_stream`]).
    pub fn is_stream(&self) -> bool {
        self.stream
    }

    /// The name given at opening (the path for [`CaptureReader::open`]).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn format(&self) -> Format {
        match self.state {
            State::Pcap(_) => Format::Pcap,
            State::Pcapng(_) => Format::Pcapng,
        }
    }

    pub fn is_gzip(&self) -> bool {
        self.gzip
    }

    /// For pcap files, the link type of every frame; `None` for pcapng (per interface).
    pub fn pcap_link_type(&self) -> Option<LinkType> {
        match &self.state {
            State::Pcap(p) => Some(p.link_type()),
            State::Pcapng(_) => None,
        }
    }

    /// The next frame, `Ok(None)` at the end of the stream. The frame borrows the
    /// reader's buffer (no per-packet allocation). After an error (for a cut file,
    /// [`CaptureErrorKind::Truncated`], once every complete frame has been returned) the
    /// following calls return `Ok(None)`.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        if self.done {
            return Ok(None);
        }
        let next = match &mut self.state {
            State::Pcap(p) => p.next(&mut self.input),
            State::Pcapng(p) => p.next(&mut self.input, &mut self.secrets, self.frames),
        };
        match next {
            Ok(Some(raw)) => {
                self.frames += 1;
                Ok(Some(Frame {
                    number: self.frames,
                    timestamp: raw.timestamp,
                    link_type: raw.link_type,
                    data: self.input.slice(raw.start, raw.len),
                    original_len: raw.original_len,
                    interface: raw.interface,
                    block: self.input.block().map(|block| (block, raw.start)),
                }))
            }
            Ok(None) => {
                self.done = true;
                Ok(None)
            }
            Err(f) => {
                self.done = true;
                Err(CaptureError { name: self.name.clone(), offset: f.offset, kind: f.kind })
            }
        }
    }

    /// Decryption Secrets Blocks (pcapng type 0x0000000A) seen so far, wherever they stand.
    pub fn decryption_secrets(&self) -> &[DecryptionSecrets] {
        &self.secrets
    }

    /// Bytes of the (decompressed) stream consumed so far, for progress bars.
    pub fn bytes_read(&self) -> u64 {
        self.input.offset()
    }

    pub fn frames_read(&self) -> u64 {
        self.frames
    }
}

/// A gzip decoder read at most 64 KiB at a time: finding corrupt data, it returns an
/// error and loses what it decompressed in that call, so a corrupt capture loses at most
/// that much before its error.
struct Chunked<R>(R);

impl<R: Read> Read for Chunked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let len = buf.len().min(64 * 1024);
        self.0.read(buf.get_mut(..len).unwrap_or_default())
    }
}
