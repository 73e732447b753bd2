//! QUIC's variable-length integers (RFC 9000 §16) on top of the TLS crate's cursor.

use tlsdoctor_tls::codec::{DecodeError, Reader};

/// Reads one variable-length integer: the two top bits of the first byte give its
/// length (1, 2, 4 or 8 bytes).
pub fn varint(r: &mut Reader<'_>, what: &'static str) -> Result<u64, DecodeError> {
    let first = r.u8(what)?;
    let extra = (1usize << (first >> 6)) - 1;
    let rest = r.take(extra, what)?;
    Ok(rest.iter().fold(u64::from(first & 0x3f), |v, &b| (v << 8) | u64::from(b)))
}

/// A variable-length integer used as a length: must fit in what is left.
pub fn varint_len(r: &mut Reader<'_>, what: &'static str) -> Result<usize, DecodeError> {
    let len = varint(r, what)?;
    usize::try_from(len).ok().filter(|&l| l <= r.remaining()).ok_or(DecodeError::Truncated {
        what,
        needed: len.try_into().unwrap_or(usize::MAX),
        available: r.remaining(),
    })
}

/// Bytes prefixed by a variable-length integer length.
pub fn varint_bytes<'a>(r: &mut Reader<'a>, what: &'static str) -> Result<&'a [u8], DecodeError> {
    let len = varint_len(r, what)?;
    r.take(len, what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9000_appendix_a1_examples() {
        let cases: [(&[u8], u64); 4] = [
            (&[0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c], 151_288_809_941_952_652),
            (&[0x9d, 0x7f, 0x3e, 0x7d], 494_878_333),
            (&[0x7b, 0xbd], 15_293),
            (&[0x25], 37),
        ];
        for (bytes, want) in cases {
            assert_eq!(varint(&mut Reader::new(bytes), "v").unwrap(), want);
        }
        assert_eq!(varint(&mut Reader::new(&[0x40, 0x25]), "v").unwrap(), 37);
        assert!(varint(&mut Reader::new(&[0x80, 1]), "v").is_err());
    }

    #[test]
    fn lengths_must_fit() {
        assert!(varint_bytes(&mut Reader::new(&[0x05, 1, 2]), "b").is_err());
        assert_eq!(varint_bytes(&mut Reader::new(&[0x02, 1, 2, 3]), "b").unwrap(), &[1, 2]);
    }
}
