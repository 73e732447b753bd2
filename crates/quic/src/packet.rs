//! Packet headers (RFC 9000 §17): long and short headers, a datagram split into its
//! coalesced packets, header protection removed (RFC 9001 §5.4) and packet numbers
//! decoded (RFC 9000 Appendix A.3).

use tlsdoctor_tls::codec::{DecodeError, Reader};

use crate::protection::PacketKeys;
use crate::version::{self, VersionParams};
use crate::wire::{varint_bytes, varint_len};

/// Connection IDs are at most 20 bytes in QUIC v1 and v2 (RFC 9000 §17.2).
pub const MAX_CID_LEN: usize = 20;

/// Which packet it is; the long-header ones also name their packet number space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PacketType {
    Initial,
    ZeroRtt,
    Handshake,
    Retry,
    VersionNegotiation,
    /// Short header.
    OneRtt,
    /// A long header of a version this crate cannot read: only the version and
    /// connection IDs (the invariants, RFC 8999) are known.
    UnsupportedVersion,
}

impl PacketType {
    pub fn name(self) -> &'static str {
        match self {
            PacketType::Initial => "Initial",
            PacketType::ZeroRtt => "0-RTT",
            PacketType::Handshake => "Handshake",
            PacketType::Retry => "Retry",
            PacketType::VersionNegotiation => "Version Negotiation",
            PacketType::OneRtt => "1-RTT",
            PacketType::UnsupportedVersion => "unsupported version",
        }
    }
}

/// One packet of a datagram, header parsed, still protected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawPacket<'a> {
    pub typ: PacketType,
    /// 0 for short headers (the version is the connection's).
    pub version: u32,
    pub dcid: &'a [u8],
    /// Empty for short headers.
    pub scid: &'a [u8],
    /// Initial: the token; Retry: the retry token (without the integrity tag).
    pub token: &'a [u8],
    /// Version Negotiation: the versions listed.
    pub supported_versions: Vec<u32>,
    /// The whole packet.
    pub bytes: &'a [u8],
    /// Where the (protected) packet number starts in `bytes`.
    pub pn_offset: usize,
}

/// The first packet of `datagram`, and what follows it. A short header packet's DCID
/// length is not on the wire: `short_dcid_len` gives it (from the connection IDs seen).
pub fn split_packet<'a>(
    datagram: &'a [u8],
    short_dcid_len: impl Fn(&[u8]) -> usize,
) -> Result<(RawPacket<'a>, &'a [u8]), DecodeError> {
    split(datagram, short_dcid_len, None)
}

/// A long header of a version this crate does not know, read as [`version::UNKNOWN_AS`].
pub fn split_as_known(datagram: &[u8]) -> Result<(RawPacket<'_>, &[u8]), DecodeError> {
    split(datagram, |_| 0, version::params(version::UNKNOWN_AS))
}

fn split<'a>(
    datagram: &'a [u8],
    short_dcid_len: impl Fn(&[u8]) -> usize,
    layout: Option<VersionParams>,
) -> Result<(RawPacket<'a>, &'a [u8]), DecodeError> {
    let mut r = Reader::new(datagram);
    let first = r.u8("packet header")?;
    if first & 0x80 == 0 {
        let len = short_dcid_len(&datagram[1..]).min(MAX_CID_LEN);
        let dcid = r.take(len, "short header destination connection ID")?;
        let pn_offset = r.position();
        let packet = RawPacket {
            typ: PacketType::OneRtt,
            version: 0,
            dcid,
            scid: &[],
            token: &[],
            supported_versions: Vec::new(),
            bytes: datagram,
            pn_offset,
        };
        return Ok((packet, &[]));
    }
    let version = r.u32("version")?;
    let dcid = r.vec8("destination connection ID")?;
    let scid = r.vec8("source connection ID")?;
    if version == 0 {
        let mut versions = Vec::new();
        while r.remaining() >= 4 {
            versions.push(r.u32("supported version")?);
        }
        r.expect_end("version negotiation")?;
        let packet = RawPacket {
            typ: PacketType::VersionNegotiation,
            version,
            dcid,
            scid,
            token: &[],
            supported_versions: versions,
            bytes: datagram,
            pn_offset: datagram.len(),
        };
        return Ok((packet, &[]));
    }
    let Some(params) = version::params(version).or(layout) else {
        let packet = RawPacket {
            typ: PacketType::UnsupportedVersion,
            version,
            dcid,
            scid,
            token: &[],
            supported_versions: Vec::new(),
            bytes: datagram,
            pn_offset: datagram.len(),
        };
        return Ok((packet, &[]));
    };
    if dcid.len() > MAX_CID_LEN || scid.len() > MAX_CID_LEN {
        return Err(DecodeError::Invalid { what: "long header", detail: "connection ID longer than 20 bytes".into() });
    }
    let typ = long_type(first, &params);
    let raw = |token, bytes, pn_offset| RawPacket {
        typ,
        version,
        dcid,
        scid,
        token,
        supported_versions: Vec::new(),
        bytes,
        pn_offset,
    };
    if typ == PacketType::Retry {
        let rest = r.rest();
        let token = rest.get(..rest.len().saturating_sub(16)).unwrap_or_default();
        if rest.len() < 16 {
            return Err(DecodeError::Truncated { what: "retry integrity tag", needed: 16, available: rest.len() });
        }
        return Ok((raw(token, datagram, datagram.len()), &[]));
    }
    let token = if typ == PacketType::Initial { varint_bytes(&mut r, "initial token")? } else { &[] };
    let length = varint_len(&mut r, "packet length")?;
    let pn_offset = r.position();
    let end = pn_offset + length;
    Ok((raw(token, &datagram[..end], pn_offset), &datagram[end..]))
}

fn long_type(first: u8, params: &VersionParams) -> PacketType {
    let bits = (first >> 4) & 3;
    let bits = if params.v2_packet_types { (bits + 3) & 3 } else { bits };
    // v2 (RFC 9369 §3.2): Retry 0b00, Initial 0b01, 0-RTT 0b10, Handshake 0b11; adding 3
    // modulo 4 maps them onto v1's Initial 0, 0-RTT 1, Handshake 2, Retry 3.
    match bits {
        0 => PacketType::Initial,
        1 => PacketType::ZeroRtt,
        2 => PacketType::Handshake,
        _ => PacketType::Retry,
    }
}

/// The long-header type bits of a packet type in a version (for building packets).
pub fn long_type_bits(typ: PacketType, params: &VersionParams) -> u8 {
    let v1 = match typ {
        PacketType::Initial => 0,
        PacketType::ZeroRtt => 1,
        PacketType::Handshake => 2,
        _ => 3,
    };
    if params.v2_packet_types {
        (v1 + 1) & 3
    } else {
        v1
    }
}

/// A packet with protection removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub packet_number: u64,
    /// Short header: the key phase bit.
    pub key_phase: bool,
    pub payload: Vec<u8>,
}

/// Removes header protection with `keys` and opens the payload. `largest` is the
/// largest packet number opened so far in this packet number space and direction.
pub fn unprotect(packet: &RawPacket<'_>, keys: &PacketKeys, largest: Option<u64>) -> Result<Opened, &'static str> {
    let (header, pn, pn_len) = remove_header_protection(packet, keys)?;
    let packet_number = decode_packet_number(largest, pn, pn_len * 8);
    open_payload(packet, &header, packet_number, keys).ok_or("authentication failed (wrong keys?)")
}

/// Opens the payload after [`remove_header_protection`] (1-RTT packets choose their
/// keys by the key phase bit it reveals).
pub fn open_payload(packet: &RawPacket<'_>, header: &[u8], packet_number: u64, keys: &PacketKeys) -> Option<Opened> {
    let mut payload = packet.bytes.get(header.len()..)?.to_vec();
    let len = keys.open(packet_number, header, &mut payload)?;
    payload.truncate(len);
    let key_phase = packet.typ == PacketType::OneRtt && header[0] & 0x04 != 0;
    Some(Opened { packet_number, key_phase, payload })
}

/// Protects a packet (for building test packets): `header` ends with a packet number of
/// `header[0] & 3 + 1` bytes; the payload is sealed and header protection applied.
pub fn protect(header: &[u8], packet_number: u64, payload: &[u8], keys: &PacketKeys) -> Vec<u8> {
    let pn_len = usize::from(header[0] & 0x03) + 1;
    let pn_offset = header.len() - pn_len;
    let mut body = payload.to_vec();
    keys.seal(packet_number, header, &mut body);
    let mut packet = header.to_vec();
    packet.extend_from_slice(&body);
    if let Some(mask) = packet.get(pn_offset + 4..pn_offset + 20).and_then(|sample| keys.mask(sample)) {
        packet[0] ^= mask[0] & if header[0] & 0x80 != 0 { 0x0f } else { 0x1f };
        for (b, m) in packet[pn_offset..pn_offset + pn_len].iter_mut().zip(&mask[1..]) {
            *b ^= m;
        }
    }
    packet
}

/// The unprotected header, its truncated packet number and that number's length.
pub fn remove_header_protection(
    packet: &RawPacket<'_>,
    keys: &PacketKeys,
) -> Result<(Vec<u8>, u64, usize), &'static str> {
    let bytes = packet.bytes;
    let sample_at = packet.pn_offset + 4;
    let sample = bytes.get(sample_at..sample_at + 16).ok_or("packet too short for a header protection sample")?;
    let mask = keys.mask(sample).ok_or("header protection failed")?;
    let long = bytes[0] & 0x80 != 0;
    let first = bytes[0] ^ (mask[0] & if long { 0x0f } else { 0x1f });
    let pn_len = usize::from(first & 0x03) + 1;
    let mut header = bytes[..packet.pn_offset + pn_len].to_vec();
    header[0] = first;
    let mut pn = 0u64;
    for (i, m) in mask[1..=pn_len].iter().enumerate() {
        header[packet.pn_offset + i] ^= m;
        pn = (pn << 8) | u64::from(header[packet.pn_offset + i]);
    }
    if bytes.len() < header.len() + keys.tag_len() {
        return Err("packet shorter than its authentication tag");
    }
    Ok((header, pn, pn_len))
}

/// RFC 9000 Appendix A.3: the full packet number closest to the next expected one.
pub fn decode_packet_number(largest: Option<u64>, truncated: u64, bits: usize) -> u64 {
    let expected = largest.map_or(0, |l| l + 1);
    let win = 1u64 << bits;
    let hwin = win / 2;
    let candidate = (expected & !(win - 1)) | truncated;
    if candidate + hwin <= expected && candidate < (1 << 62) - win {
        candidate + win
    } else if candidate > expected + hwin && candidate >= win {
        candidate - win
    } else {
        candidate
    }
}

/// Reads the first byte of the packet after a header: does it look like a QUIC packet
/// at all? (Datagrams are often padded with zeros after the last coalesced packet.)
pub fn is_padding(rest: &[u8]) -> bool {
    rest.iter().all(|&b| b == 0)
}

/// The version field of a long-header datagram, if it has one.
pub fn long_header_version(datagram: &[u8]) -> Option<u32> {
    let first = *datagram.first()?;
    (first & 0x80 != 0).then(|| datagram.get(1..5).map(|v| u32::from_be_bytes([v[0], v[1], v[2], v[3]])))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9000_a3_example() {
        assert_eq!(decode_packet_number(Some(0xa82f30ea), 0x9b32, 16), 0xa82f9b32);
        assert_eq!(decode_packet_number(None, 0, 8), 0);
        assert_eq!(decode_packet_number(Some(255), 0, 8), 256);
    }
}
