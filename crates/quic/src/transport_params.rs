//! QUIC transport parameters (RFC 9000 §18), carried in the quic_transport_parameters
//! TLS extension of the ClientHello and the EncryptedExtensions.

use tlsdoctor_tls::codec::{DecodeError, Reader};

use crate::wire::{varint, varint_bytes};

/// The TLS extension: 0x39 in QUIC v1/v2, 0xffa5 in the drafts.
pub const EXTENSION: u16 = 0x0039;
pub const EXTENSION_DRAFT: u16 = 0xffa5;
/// The server's stateless reset token for its handshake connection ID.
pub const STATELESS_RESET_TOKEN: u64 = 0x02;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportParameter {
    pub id: u64,
    pub value: ParamValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    Integer(u64),
    /// A connection ID, a token or a parameter this crate does not decode.
    Bytes(Vec<u8>),
    /// A parameter whose presence is its meaning (disable_active_migration, grease_quic_bit).
    Flag,
    /// version_information (RFC 9368).
    Versions {
        chosen: u32,
        available: Vec<u32>,
    },
}

impl TransportParameter {
    /// The parameter's name in its RFC, None for unknown (or reserved, 31*N+27) ones.
    pub fn name(&self) -> Option<&'static str> {
        name(self.id)
    }
}

pub fn name(id: u64) -> Option<&'static str> {
    Some(match id {
        0x00 => "original_destination_connection_id",
        0x01 => "max_idle_timeout",
        0x02 => "stateless_reset_token",
        0x03 => "max_udp_payload_size",
        0x04 => "initial_max_data",
        0x05 => "initial_max_stream_data_bidi_local",
        0x06 => "initial_max_stream_data_bidi_remote",
        0x07 => "initial_max_stream_data_uni",
        0x08 => "initial_max_streams_bidi",
        0x09 => "initial_max_streams_uni",
        0x0a => "ack_delay_exponent",
        0x0b => "max_ack_delay",
        0x0c => "disable_active_migration",
        0x0d => "preferred_address",
        0x0e => "active_connection_id_limit",
        0x0f => "initial_source_connection_id",
        0x10 => "retry_source_connection_id",
        0x11 => "version_information",
        0x20 => "max_datagram_frame_size",
        0x2ab2 => "grease_quic_bit",
        _ => return None,
    })
}

fn is_integer(id: u64) -> bool {
    matches!(id, 0x01 | 0x03..=0x0b | 0x0e | 0x20)
}

/// Decodes the extension's value.
pub fn parse(data: &[u8]) -> Result<Vec<TransportParameter>, DecodeError> {
    let mut r = Reader::new(data);
    let mut out = Vec::new();
    while !r.is_empty() {
        let id = varint(&mut r, "transport parameter ID")?;
        let value = varint_bytes(&mut r, "transport parameter value")?;
        let mut v = Reader::new(value);
        let value = if is_integer(id) {
            let n = varint(&mut v, "transport parameter integer")?;
            v.expect_end("transport parameter integer")?;
            ParamValue::Integer(n)
        } else if matches!(id, 0x0c | 0x2ab2) && value.is_empty() {
            ParamValue::Flag
        } else if id == 0x11 && value.len() >= 4 && value.len() % 4 == 0 {
            let mut versions = value.chunks_exact(4).map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
            let chosen = versions.next().unwrap_or_default();
            ParamValue::Versions { chosen, available: versions.collect() }
        } else {
            ParamValue::Bytes(value.to_vec())
        };
        out.push(TransportParameter { id, value });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_flags_and_bytes() {
        let data = [0x01, 0x02, 0x67, 0x10, 0x0c, 0x00, 0x0f, 0x02, 0xab, 0xcd, 0x40, 0x41, 0x00];
        let got = parse(&data).unwrap();
        assert_eq!(got[0], TransportParameter { id: 1, value: ParamValue::Integer(0x2710) });
        assert_eq!(got[0].name(), Some("max_idle_timeout"));
        assert_eq!(got[1].value, ParamValue::Flag);
        assert_eq!(got[2].value, ParamValue::Bytes(vec![0xab, 0xcd]));
        assert_eq!(got[3].id, 0x41);
        assert_eq!(got[3].name(), None);
        assert!(parse(&[0x01, 0x05, 0x01]).is_err());
    }
}
