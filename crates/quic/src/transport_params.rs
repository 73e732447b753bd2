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

/// What breaks RFC 9000 §18.2 in a peer's transport parameters, in words: values out of
/// range, parameters only a server may send sent by a client, and repeats (§7.4). A
/// receiver must close with TRANSPORT_PARAMETER_ERROR for each of them.
pub fn violations(params: &[TransportParameter], from_client: bool) -> Vec<String> {
    let mut out = Vec::new();
    for (i, p) in params.iter().enumerate() {
        let name = p.name().unwrap_or("?");
        if params[..i].iter().any(|q| q.id == p.id) {
            out.push(format!("{name} (0x{:x}) appears twice", p.id));
            continue;
        }
        // original_destination_connection_id, stateless_reset_token, preferred_address,
        // retry_source_connection_id.
        if from_client && matches!(p.id, 0x00 | 0x02 | 0x0d | 0x10) {
            out.push(format!("{name} is a server's parameter, sent by the client"));
        }
        let ParamValue::Integer(v) = p.value else { continue };
        let problem = match p.id {
            0x03 if v < 1200 => Some("below the minimum 1200"),
            0x08 | 0x09 if v > 1 << 60 => Some("above the maximum 2^60"),
            0x0a if v > 20 => Some("above the maximum 20"),
            0x0b if v >= 1 << 14 => Some("2^14 or more"),
            0x0e if v < 2 => Some("below the minimum 2"),
            _ => None,
        };
        if let Some(problem) = problem {
            out.push(format!("{name} is {v}, {problem}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9000_limits_are_checked() {
        let int = |id, v| TransportParameter { id, value: ParamValue::Integer(v) };
        let good = [int(0x03, 1200), int(0x08, 1 << 60), int(0x0a, 20), int(0x0b, (1 << 14) - 1), int(0x0e, 2)];
        assert!(violations(&good, true).is_empty());
        let bad = [int(0x03, 1199), int(0x09, (1 << 60) + 1), int(0x0a, 21), int(0x0b, 1 << 14), int(0x0e, 1)];
        assert_eq!(
            violations(&bad, false),
            [
                "max_udp_payload_size is 1199, below the minimum 1200",
                "initial_max_streams_uni is 1152921504606846977, above the maximum 2^60",
                "ack_delay_exponent is 21, above the maximum 20",
                "max_ack_delay is 16384, 2^14 or more",
                "active_connection_id_limit is 1, below the minimum 2",
            ]
        );
        let token = TransportParameter { id: 0x02, value: ParamValue::Bytes(vec![0; 16]) };
        assert_eq!(
            violations(std::slice::from_ref(&token), true),
            ["stateless_reset_token is a server's parameter, sent by the client"]
        );
        assert!(violations(&[token], false).is_empty());
        assert_eq!(violations(&[int(0x01, 5), int(0x01, 5)], false), ["max_idle_timeout (0x1) appears twice"]);
    }

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
