//! Errors that say where (file name, byte offset) and what.

use std::fmt;
use std::io;

/// A capture could not be read (further). `offset` is the position in the (decompressed)
/// stream of the record or block at fault.
#[derive(Debug)]
pub struct CaptureError {
    pub name: String,
    pub offset: u64,
    pub kind: CaptureErrorKind,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum CaptureErrorKind {
    /// The underlying reader (file, gzip decoder) failed.
    Io(io::Error),
    /// The first four bytes are neither a pcap nor a pcapng magic.
    NotACapture { magic: [u8; 4] },
    /// The stream ended inside a record or block: `needed` bytes were announced from
    /// `offset`, only `available` were there.
    Truncated { what: &'static str, needed: u64, available: u64 },
    /// The structure is inconsistent (lengths, ids, magics).
    Malformed(String),
    /// Well-formed but outside what this reader handles (e.g. pcapng major version 2).
    Unsupported(String),
}

impl CaptureError {
    /// True when the capture was cut short: [`CaptureErrorKind::Truncated`], or a
    /// compressed stream that ended early (an I/O error of kind `UnexpectedEof`, e.g.
    /// flate2's "incomplete deflate stream"). Every complete frame before the cut was
    /// returned, so a caller may analyse them and report the cut as a warning.
    pub fn is_truncated(&self) -> bool {
        match &self.kind {
            CaptureErrorKind::Truncated { .. } => true,
            CaptureErrorKind::Io(e) => e.kind() == std::io::ErrorKind::UnexpectedEof,
            _ => false,
        }
    }
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: at byte {}: {}", self.name, self.offset, self.kind)
    }
}

impl fmt::Display for CaptureErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureErrorKind::Io(e) => write!(f, "read error: {e}"),
            CaptureErrorKind::NotACapture { magic } => write!(
                f,
                "not a pcap or pcapng file (starts with {:02x} {:02x} {:02x} {:02x})",
                magic[0], magic[1], magic[2], magic[3]
            ),
            CaptureErrorKind::Truncated { what, needed, available } => {
                write!(f, "file cut in a {what}: {needed} bytes announced, only {available} present")
            }
            CaptureErrorKind::Malformed(s) => write!(f, "malformed: {s}"),
            CaptureErrorKind::Unsupported(s) => write!(f, "unsupported: {s}"),
        }
    }
}

impl std::error::Error for CaptureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            CaptureErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// An error before the file name is attached.
#[derive(Debug)]
pub(crate) struct Fail {
    pub offset: u64,
    pub kind: CaptureErrorKind,
}

impl Fail {
    pub(crate) fn io(offset: u64, e: io::Error) -> Fail {
        Fail { offset, kind: CaptureErrorKind::Io(e) }
    }

    pub(crate) fn truncated(offset: u64, what: &'static str, needed: u64, available: u64) -> Fail {
        Fail { offset, kind: CaptureErrorKind::Truncated { what, needed, available } }
    }

    pub(crate) fn malformed(offset: u64, msg: String) -> Fail {
        Fail { offset, kind: CaptureErrorKind::Malformed(msg) }
    }

    pub(crate) fn unsupported(offset: u64, msg: String) -> Fail {
        Fail { offset, kind: CaptureErrorKind::Unsupported(msg) }
    }
}
