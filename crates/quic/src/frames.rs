//! Frames of a decrypted packet payload (RFC 9000 §19, and DATAGRAM from RFC 9221).

use tlsdoctor_tls::codec::{DecodeError, Reader};

use crate::wire::{varint, varint_bytes, varint_len};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A run of PADDING bytes.
    Padding(usize),
    Ping,
    Ack {
        largest: u64,
        ecn: bool,
    },
    ResetStream {
        stream_id: u64,
        error: u64,
        final_size: u64,
    },
    StopSending {
        stream_id: u64,
        error: u64,
    },
    Crypto {
        offset: u64,
        data: &'a [u8],
    },
    NewToken {
        token: &'a [u8],
    },
    Stream {
        stream_id: u64,
        offset: u64,
        fin: bool,
        data: &'a [u8],
    },
    MaxData(u64),
    MaxStreamData {
        stream_id: u64,
        max: u64,
    },
    MaxStreams {
        bidi: bool,
        max: u64,
    },
    DataBlocked(u64),
    StreamDataBlocked {
        stream_id: u64,
        limit: u64,
    },
    StreamsBlocked {
        bidi: bool,
        limit: u64,
    },
    NewConnectionId {
        sequence: u64,
        retire_prior_to: u64,
        cid: &'a [u8],
        /// What a stateless reset for this connection ID ends with.
        reset_token: [u8; 16],
    },
    RetireConnectionId {
        sequence: u64,
    },
    PathChallenge(&'a [u8]),
    PathResponse(&'a [u8]),
    /// `application`: type 0x1d, an application protocol's error code; otherwise a
    /// transport error code (0x1c) and the type of the frame that caused it.
    ConnectionClose {
        application: bool,
        error: u64,
        frame_type: Option<u64>,
        reason: &'a [u8],
    },
    HandshakeDone,
    Datagram {
        data: &'a [u8],
    },
}

impl Frame<'_> {
    pub fn name(&self) -> &'static str {
        match self {
            Frame::Padding(_) => "PADDING",
            Frame::Ping => "PING",
            Frame::Ack { .. } => "ACK",
            Frame::ResetStream { .. } => "RESET_STREAM",
            Frame::StopSending { .. } => "STOP_SENDING",
            Frame::Crypto { .. } => "CRYPTO",
            Frame::NewToken { .. } => "NEW_TOKEN",
            Frame::Stream { .. } => "STREAM",
            Frame::MaxData(_) => "MAX_DATA",
            Frame::MaxStreamData { .. } => "MAX_STREAM_DATA",
            Frame::MaxStreams { .. } => "MAX_STREAMS",
            Frame::DataBlocked(_) => "DATA_BLOCKED",
            Frame::StreamDataBlocked { .. } => "STREAM_DATA_BLOCKED",
            Frame::StreamsBlocked { .. } => "STREAMS_BLOCKED",
            Frame::NewConnectionId { .. } => "NEW_CONNECTION_ID",
            Frame::RetireConnectionId { .. } => "RETIRE_CONNECTION_ID",
            Frame::PathChallenge(_) => "PATH_CHALLENGE",
            Frame::PathResponse(_) => "PATH_RESPONSE",
            Frame::ConnectionClose { .. } => "CONNECTION_CLOSE",
            Frame::HandshakeDone => "HANDSHAKE_DONE",
            Frame::Datagram { .. } => "DATAGRAM",
        }
    }
}

/// The frames of a payload, in order. A frame that cannot be read ends the list: the
/// error says which and why (frames carry no length, so nothing after it can be found).
pub fn parse_frames(payload: &[u8]) -> (Vec<Frame<'_>>, Option<DecodeError>) {
    let mut r = Reader::new(payload);
    let mut frames = Vec::new();
    while !r.is_empty() {
        match frame(&mut r) {
            Ok(f) => frames.push(f),
            Err(e) => return (frames, Some(e)),
        }
    }
    (frames, None)
}

fn frame<'a>(r: &mut Reader<'a>) -> Result<Frame<'a>, DecodeError> {
    let typ = varint(r, "frame type")?;
    Ok(match typ {
        0x00 => {
            let mut n = 1;
            while r.remaining() > 0 && r.clone().u8("padding")? == 0 {
                r.u8("padding")?;
                n += 1;
            }
            Frame::Padding(n)
        }
        0x01 => Frame::Ping,
        0x02 | 0x03 => {
            let largest = varint(r, "ACK largest acknowledged")?;
            varint(r, "ACK delay")?;
            let ranges = varint(r, "ACK range count")?;
            varint(r, "ACK first range")?;
            for _ in 0..ranges {
                varint(r, "ACK gap")?;
                varint(r, "ACK range length")?;
            }
            if typ == 0x03 {
                for _ in 0..3 {
                    varint(r, "ACK ECN count")?;
                }
            }
            Frame::Ack { largest, ecn: typ == 0x03 }
        }
        0x04 => Frame::ResetStream {
            stream_id: varint(r, "RESET_STREAM stream ID")?,
            error: varint(r, "RESET_STREAM error code")?,
            final_size: varint(r, "RESET_STREAM final size")?,
        },
        0x05 => Frame::StopSending {
            stream_id: varint(r, "STOP_SENDING stream ID")?,
            error: varint(r, "STOP_SENDING error code")?,
        },
        0x06 => {
            let offset = varint(r, "CRYPTO offset")?;
            let data = varint_bytes(r, "CRYPTO data")?;
            Frame::Crypto { offset, data }
        }
        0x07 => Frame::NewToken { token: varint_bytes(r, "NEW_TOKEN token")? },
        0x08..=0x0f => {
            let stream_id = varint(r, "STREAM stream ID")?;
            let offset = if typ & 0x04 != 0 { varint(r, "STREAM offset")? } else { 0 };
            let data = if typ & 0x02 != 0 { varint_bytes(r, "STREAM data")? } else { r.rest() };
            Frame::Stream { stream_id, offset, fin: typ & 0x01 != 0, data }
        }
        0x10 => Frame::MaxData(varint(r, "MAX_DATA")?),
        0x11 => Frame::MaxStreamData {
            stream_id: varint(r, "MAX_STREAM_DATA stream ID")?,
            max: varint(r, "MAX_STREAM_DATA maximum")?,
        },
        0x12 | 0x13 => Frame::MaxStreams { bidi: typ == 0x12, max: varint(r, "MAX_STREAMS")? },
        0x14 => Frame::DataBlocked(varint(r, "DATA_BLOCKED")?),
        0x15 => Frame::StreamDataBlocked {
            stream_id: varint(r, "STREAM_DATA_BLOCKED stream ID")?,
            limit: varint(r, "STREAM_DATA_BLOCKED limit")?,
        },
        0x16 | 0x17 => Frame::StreamsBlocked { bidi: typ == 0x16, limit: varint(r, "STREAMS_BLOCKED")? },
        0x18 => {
            let sequence = varint(r, "NEW_CONNECTION_ID sequence")?;
            let retire_prior_to = varint(r, "NEW_CONNECTION_ID retire prior to")?;
            let cid = r.vec8("NEW_CONNECTION_ID connection ID")?;
            if cid.is_empty() || cid.len() > 20 {
                return Err(DecodeError::Invalid {
                    what: "NEW_CONNECTION_ID",
                    detail: format!("connection ID of {} bytes", cid.len()),
                });
            }
            let token = r.take(16, "NEW_CONNECTION_ID stateless reset token")?;
            let reset_token = token.try_into().unwrap_or([0; 16]);
            Frame::NewConnectionId { sequence, retire_prior_to, cid, reset_token }
        }
        0x19 => Frame::RetireConnectionId { sequence: varint(r, "RETIRE_CONNECTION_ID sequence")? },
        0x1a => Frame::PathChallenge(r.take(8, "PATH_CHALLENGE data")?),
        0x1b => Frame::PathResponse(r.take(8, "PATH_RESPONSE data")?),
        0x1c | 0x1d => {
            let error = varint(r, "CONNECTION_CLOSE error code")?;
            let frame_type = if typ == 0x1c { Some(varint(r, "CONNECTION_CLOSE frame type")?) } else { None };
            let reason = varint_bytes(r, "CONNECTION_CLOSE reason phrase")?;
            Frame::ConnectionClose { application: typ == 0x1d, error, frame_type, reason }
        }
        0x1e => Frame::HandshakeDone,
        0x30 => Frame::Datagram { data: r.rest() },
        0x31 => {
            let len = varint_len(r, "DATAGRAM length")?;
            Frame::Datagram { data: r.take(len, "DATAGRAM data")? }
        }
        other => {
            return Err(DecodeError::Invalid { what: "frame type", detail: format!("unknown frame type 0x{other:x}") })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_of_several_frames() {
        // ACK 5, CRYPTO at 3 "abc", PADDING x3, CONNECTION_CLOSE 0x0178 on CRYPTO "no".
        let payload = [
            0x02, 0x05, 0x00, 0x00, 0x05, 0x06, 0x03, 0x03, b'a', b'b', b'c', 0, 0, 0, 0x1c, 0x41, 0x78, 0x06, 0x02,
            b'n', b'o',
        ];
        let (frames, err) = parse_frames(&payload);
        assert_eq!(err, None);
        assert_eq!(
            frames,
            vec![
                Frame::Ack { largest: 5, ecn: false },
                Frame::Crypto { offset: 3, data: b"abc" },
                Frame::Padding(3),
                Frame::ConnectionClose { application: false, error: 0x178, frame_type: Some(6), reason: b"no" },
            ]
        );
    }

    #[test]
    fn an_unknown_frame_ends_the_list_with_an_error() {
        let (frames, err) = parse_frames(&[0x01, 0x40, 0x40, 0x01]);
        assert_eq!(frames, vec![Frame::Ping]);
        assert!(err.unwrap().to_string().contains("0x40"));
    }
}
