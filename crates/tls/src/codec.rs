//! A bounds-checked cursor over wire bytes. Every read either succeeds or returns a
//! [`DecodeError`] that says what was being read and how many bytes were missing or left.

use std::fmt;

/// Why a wire structure could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// `what` needed `needed` bytes but only `available` were left.
    Truncated { what: &'static str, needed: usize, available: usize },
    /// `what` was decoded but `extra` bytes were left over inside its length.
    TrailingData { what: &'static str, extra: usize },
    /// A field held a value the format does not allow.
    Invalid { what: &'static str, detail: String },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Truncated { what, needed, available } => {
                write!(f, "{what}: expected {needed} bytes, got {available}")
            }
            DecodeError::TrailingData { what, extra } => {
                write!(f, "{what}: {extra} unexpected trailing bytes")
            }
            DecodeError::Invalid { what, detail } => write!(f, "{what}: {detail}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// A cursor over a byte slice; sub-readers for length-prefixed parts.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The unread rest, consuming it.
    pub fn rest(&mut self) -> &'a [u8] {
        let rest = &self.buf[self.pos..];
        self.pos = self.buf.len();
        rest
    }

    pub fn take(&mut self, len: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        if self.remaining() < len {
            return Err(DecodeError::Truncated { what, needed: len, available: self.remaining() });
        }
        let out = &self.buf[self.pos..self.pos + len];
        self.pos += len;
        Ok(out)
    }

    pub fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        Ok(self.take(1, what)?[0])
    }

    pub fn u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        let b = self.take(2, what)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub fn u24(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        let b = self.take(3, what)?;
        Ok(u32::from_be_bytes([0, b[0], b[1], b[2]]))
    }

    pub fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        let b = self.take(4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A vector with a 1-byte length prefix, as raw bytes.
    pub fn vec8(&mut self, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let len = self.u8(what)? as usize;
        self.take(len, what)
    }

    /// A vector with a 2-byte length prefix, as raw bytes.
    pub fn vec16(&mut self, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let len = self.u16(what)? as usize;
        self.take(len, what)
    }

    /// A vector with a 3-byte length prefix, as raw bytes.
    pub fn vec24(&mut self, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let len = self.u24(what)? as usize;
        self.take(len, what)
    }

    /// A sub-reader over a 1-byte length-prefixed part.
    pub fn sub8(&mut self, what: &'static str) -> Result<Reader<'a>, DecodeError> {
        self.vec8(what).map(Reader::new)
    }

    /// A sub-reader over a 2-byte length-prefixed part.
    pub fn sub16(&mut self, what: &'static str) -> Result<Reader<'a>, DecodeError> {
        self.vec16(what).map(Reader::new)
    }

    /// A sub-reader over a 3-byte length-prefixed part.
    pub fn sub24(&mut self, what: &'static str) -> Result<Reader<'a>, DecodeError> {
        self.vec24(what).map(Reader::new)
    }

    /// A list of big-endian u16 values in a 2-byte length-prefixed vector.
    pub fn u16_list(&mut self, what: &'static str) -> Result<Vec<u16>, DecodeError> {
        let body = self.vec16(what)?;
        if body.len() % 2 != 0 {
            return Err(DecodeError::Invalid { what, detail: format!("odd length {}", body.len()) });
        }
        Ok(body.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect())
    }

    /// Fails with `TrailingData` unless everything was read.
    pub fn expect_end(&self, what: &'static str) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            extra => Err(DecodeError::TrailingData { what, extra }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_length_prefixed_parts_and_reports_what_is_missing() {
        let mut r = Reader::new(&[0x00, 0x03, 1, 2, 3, 0x02, 9]);
        assert_eq!(r.vec16("list").unwrap(), &[1, 2, 3]);
        assert_eq!(r.vec8("opaque"), Err(DecodeError::Truncated { what: "opaque", needed: 2, available: 1 }));
        assert_eq!(r.remaining(), 1);
    }

    #[test]
    fn u16_list_rejects_odd_lengths() {
        let mut r = Reader::new(&[0x00, 0x03, 0, 1, 2]);
        assert!(matches!(r.u16_list("suites"), Err(DecodeError::Invalid { .. })));
    }
}
