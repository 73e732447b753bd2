//! CONNECTION_CLOSE error codes (RFC 9000 §20, RFC 9001 §4.8, RFC 9368 §10).

use std::fmt;

use tlsdoctor_tls::registry::AlertDescription;

/// Why a peer closed the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseCode {
    /// A QUIC transport error (other than CRYPTO_ERROR).
    Transport(u64),
    /// CRYPTO_ERROR 0x0100+N: the TLS stack's fatal alert N.
    TlsAlert(u8),
    /// An application protocol's error code (CONNECTION_CLOSE type 0x1d).
    Application(u64),
}

impl CloseCode {
    pub fn new(application: bool, error: u64) -> CloseCode {
        match error {
            _ if application => CloseCode::Application(error),
            0x0100..=0x01ff => CloseCode::TlsAlert((error & 0xff) as u8),
            _ => CloseCode::Transport(error),
        }
    }

    /// The wire value.
    pub fn code(self) -> u64 {
        match self {
            CloseCode::Transport(c) | CloseCode::Application(c) => c,
            CloseCode::TlsAlert(a) => 0x0100 | u64::from(a),
        }
    }

    /// A closing without error: NO_ERROR, or application code 0 (H3_NO_ERROR is 0x100,
    /// which only the application knows).
    pub fn is_clean(self) -> bool {
        matches!(self, CloseCode::Transport(0) | CloseCode::Application(0))
    }
}

/// RFC 9000 §20.1's name of a transport error code.
pub fn transport_error_name(code: u64) -> Option<&'static str> {
    Some(match code {
        0x00 => "NO_ERROR",
        0x01 => "INTERNAL_ERROR",
        0x02 => "CONNECTION_REFUSED",
        0x03 => "FLOW_CONTROL_ERROR",
        0x04 => "STREAM_LIMIT_ERROR",
        0x05 => "STREAM_STATE_ERROR",
        0x06 => "FINAL_SIZE_ERROR",
        0x07 => "FRAME_ENCODING_ERROR",
        0x08 => "TRANSPORT_PARAMETER_ERROR",
        0x09 => "CONNECTION_ID_LIMIT_ERROR",
        0x0a => "PROTOCOL_VIOLATION",
        0x0b => "INVALID_TOKEN",
        0x0c => "APPLICATION_ERROR",
        0x0d => "CRYPTO_BUFFER_EXCEEDED",
        0x0e => "KEY_UPDATE_ERROR",
        0x0f => "AEAD_LIMIT_REACHED",
        0x10 => "NO_VIABLE_PATH",
        0x11 => "VERSION_NEGOTIATION_ERROR",
        _ => return None,
    })
}

impl fmt::Display for CloseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CloseCode::Transport(c) => match transport_error_name(c) {
                Some(n) => write!(f, "{n} (0x{c:x})"),
                None => write!(f, "transport error 0x{c:x}"),
            },
            CloseCode::TlsAlert(a) => {
                let name = AlertDescription(a).name().map_or_else(|| format!("alert {a}"), str::to_string);
                write!(f, "CRYPTO_ERROR {name} (0x{:x})", self.code())
            }
            CloseCode::Application(c) => write!(f, "application error 0x{c:x}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crypto_errors_are_tls_alerts() {
        assert_eq!(CloseCode::new(false, 0x0174), CloseCode::TlsAlert(116));
        assert_eq!(CloseCode::new(false, 0x0174).to_string(), "CRYPTO_ERROR certificate_required (0x174)");
        assert_eq!(CloseCode::new(false, 0x0178).to_string(), "CRYPTO_ERROR no_application_protocol (0x178)");
        assert_eq!(CloseCode::new(false, 0x0a).to_string(), "PROTOCOL_VIOLATION (0xa)");
        assert_eq!(CloseCode::new(true, 0x0174), CloseCode::Application(0x174));
        assert!(CloseCode::new(false, 0).is_clean());
        assert!(!CloseCode::new(false, 0x0130).is_clean());
    }
}
