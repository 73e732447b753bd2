//! SSL 2.0 (draft-hickman-netscape-ssl-00) past its ClientHello: the record header and
//! the messages sent in clear. A server that answers an SSLv2-format ClientHello this
//! way speaks SSL 2.0, which RFC 6176 prohibits; it is read to say so, as Wireshark
//! reads it.

use crate::codec::{DecodeError, Reader};
use crate::messages::{hex, Field};
use crate::registry::{sslv2_cipher_spec_name, ProtocolVersion};

pub const ERROR: u8 = 0;
pub const CLIENT_HELLO: u8 = 1;
pub const CLIENT_MASTER_KEY: u8 = 2;
pub const SERVER_HELLO: u8 = 4;

/// The protocol version SSL 2.0 messages carry.
pub const VERSION: u16 = 0x0002;

/// Wireshark's names of the SSL 2.0 message types.
pub fn message_name(msg_type: u8) -> Option<&'static str> {
    Some(match msg_type {
        0 => "Error",
        1 => "Client Hello",
        2 => "Client Master Key",
        3 => "Client Finished",
        4 => "Server Hello",
        5 => "Server Verify",
        6 => "Server Finished",
        7 => "Request Certificate",
        8 => "Client Certificate",
        _ => return None,
    })
}

/// The registry-style names (as the JSON output spells message names).
pub fn message_code(msg_type: u8) -> Option<&'static str> {
    Some(match msg_type {
        0 => "error",
        1 => "client_hello",
        2 => "client_master_key",
        3 => "client_finished",
        4 => "server_hello",
        5 => "server_verify",
        6 => "server_finished",
        7 => "request_certificate",
        8 => "client_certificate",
        _ => return None,
    })
}

/// The SSL 2.0 error codes.
pub fn error_name(code: u16) -> Option<&'static str> {
    Some(match code {
        0x0001 => "NO-CIPHER-ERROR",
        0x0002 => "NO-CERTIFICATE-ERROR",
        0x0004 => "BAD-CERTIFICATE-ERROR",
        0x0006 => "UNSUPPORTED-CERTIFICATE-TYPE-ERROR",
        _ => return None,
    })
}

/// An SSL 2.0 record header at the start of `b`: (header length, body length, padding
/// length). A 2-byte header has the high bit set; a 3-byte one (block ciphers) does not,
/// and its third byte counts the padding. None until enough bytes are there.
pub fn record_header(b: &[u8]) -> Option<(usize, usize, u8)> {
    let (&h0, &h1) = (b.first()?, b.get(1)?);
    if h0 & 0x80 != 0 {
        Some((2, (usize::from(h0 & 0x7f) << 8) | usize::from(h1), 0))
    } else {
        Some((3, (usize::from(h0 & 0x3f) << 8) | usize::from(h1), *b.get(2)?))
    }
}

/// The first bytes of a server's answer are an SSL 2.0 SERVER-HELLO (certificate type
/// X.509, version 0.2) or ERROR record. Needs 7 bytes.
pub fn is_server_reply(b: &[u8]) -> bool {
    match *b {
        [h0, h1, SERVER_HELLO, hit, 1, 0, 2, ..] if h0 & 0x80 != 0 => hit <= 1 && (h0 & 0x7f != 0 || h1 >= 11),
        [0x80, 3, ERROR, 0, _, ..] => true,
        _ => false,
    }
}

/// SERVER-HELLO: what the server chose and its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello<'a> {
    pub session_id_hit: bool,
    pub certificate_type: u8,
    pub version: u16,
    /// DER, X.509 when `certificate_type` is 1.
    pub certificate: &'a [u8],
    pub cipher_specs: Vec<u32>,
    pub connection_id: &'a [u8],
}

/// Parses a SERVER-HELLO record body (msg_type included).
pub fn parse_server_hello(raw: &[u8]) -> Result<ServerHello<'_>, DecodeError> {
    let mut r = Reader::new(raw);
    expect_type(&mut r, SERVER_HELLO)?;
    let session_id_hit = r.u8("session_id_hit")? != 0;
    let certificate_type = r.u8("certificate_type")?;
    let version = r.u16("server_version")?;
    let cert_len = usize::from(r.u16("certificate_length")?);
    let specs_len = usize::from(r.u16("cipher_specs_length")?);
    let conn_len = usize::from(r.u16("connection_id_length")?);
    let certificate = r.take(cert_len, "certificate")?;
    let specs = r.take(specs_len, "cipher_specs")?;
    let connection_id = r.take(conn_len, "connection_id")?;
    r.expect_end("SSLv2 SERVER-HELLO")?;
    Ok(ServerHello {
        session_id_hit,
        certificate_type,
        version,
        certificate,
        cipher_specs: specs_of(specs),
        connection_id,
    })
}

/// CLIENT-MASTER-KEY: the cipher the client picked and its share of the master key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMasterKey<'a> {
    pub cipher_kind: u32,
    pub clear_key: &'a [u8],
    pub encrypted_key: &'a [u8],
    pub key_arg: &'a [u8],
}

pub fn parse_client_master_key(raw: &[u8]) -> Result<ClientMasterKey<'_>, DecodeError> {
    let mut r = Reader::new(raw);
    expect_type(&mut r, CLIENT_MASTER_KEY)?;
    let kind = r.take(3, "cipher_kind")?;
    let clear_len = usize::from(r.u16("clear_key_length")?);
    let encrypted_len = usize::from(r.u16("encrypted_key_length")?);
    let arg_len = usize::from(r.u16("key_arg_length")?);
    let clear_key = r.take(clear_len, "clear_key")?;
    let encrypted_key = r.take(encrypted_len, "encrypted_key")?;
    let key_arg = r.take(arg_len, "key_arg")?;
    r.expect_end("SSLv2 CLIENT-MASTER-KEY")?;
    Ok(ClientMasterKey { cipher_kind: spec(kind), clear_key, encrypted_key, key_arg })
}

/// ERROR: the error code.
pub fn parse_error(raw: &[u8]) -> Result<u16, DecodeError> {
    let mut r = Reader::new(raw);
    expect_type(&mut r, ERROR)?;
    let code = r.u16("error_code")?;
    r.expect_end("SSLv2 ERROR")?;
    Ok(code)
}

/// The decoded fields of a clear SSL 2.0 message (after the ClientHello), for `dissect -v`.
pub fn fields(raw: &[u8]) -> Result<Vec<Field>, DecodeError> {
    let mut out = Vec::new();
    match raw.first() {
        Some(&SERVER_HELLO) => {
            let m = parse_server_hello(raw)?;
            out.push(Field::new(0, "Session ID Hit", if m.session_id_hit { "True" } else { "False" }));
            let cert_type = if m.certificate_type == 1 {
                "X.509 Certificate (1)".to_string()
            } else {
                m.certificate_type.to_string()
            };
            out.push(Field::new(0, "Certificate Type", cert_type));
            out.push(Field::new(0, "Version", ProtocolVersion(m.version).describe()));
            out.push(Field::new(0, "Certificate", format!("{} bytes", m.certificate.len())));
            out.push(Field::new(0, format!("Cipher Specs ({} specs)", m.cipher_specs.len()), ""));
            out.extend(m.cipher_specs.iter().map(|&s| Field::new(1, "Cipher Spec", spec_text(s))));
            out.push(Field::new(0, "Connection ID", hex(m.connection_id)));
        }
        Some(&CLIENT_MASTER_KEY) => {
            let m = parse_client_master_key(raw)?;
            out.push(Field::new(0, "Cipher Spec", spec_text(m.cipher_kind)));
            out.push(Field::new(0, "Clear Key Data Length", m.clear_key.len().to_string()));
            out.push(Field::new(0, "Encrypted Key Data Length", m.encrypted_key.len().to_string()));
            out.push(Field::new(0, "Key Argument Length", m.key_arg.len().to_string()));
        }
        Some(&ERROR) => {
            let code = parse_error(raw)?;
            out.push(Field::new(0, "Error Code", format!("{} ({code:#06x})", error_name(code).unwrap_or("unknown"))));
        }
        _ => {}
    }
    Ok(out)
}

/// A cipher spec as people read it: "SSL2_RC4_128_WITH_MD5 (0x010080)".
pub fn spec_text(spec: u32) -> String {
    format!("{} ({spec:#08x})", sslv2_cipher_spec_name(spec).unwrap_or("unknown"))
}

fn expect_type(r: &mut Reader<'_>, want: u8) -> Result<(), DecodeError> {
    let got = r.u8("SSLv2 msg_type")?;
    if got == want {
        Ok(())
    } else {
        Err(DecodeError::Invalid { what: "SSLv2 msg_type", detail: format!("expected {want}, got {got}") })
    }
}

fn spec(c: &[u8]) -> u32 {
    c.iter().fold(0, |acc, &b| (acc << 8) | u32::from(b))
}

fn specs_of(bytes: &[u8]) -> Vec<u32> {
    bytes.chunks_exact(3).map(spec).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_of_both_lengths() {
        assert_eq!(record_header(&[0x80, 0x21]), Some((2, 0x21, 0)));
        assert_eq!(record_header(&[0x01, 0x08, 7]), Some((3, 0x108, 7)));
        assert_eq!(record_header(&[0x01, 0x08]), None);
    }

    #[test]
    fn server_hello_is_recognised_and_parsed() {
        let mut hello = vec![0x80, 0, SERVER_HELLO, 0, 1, 0, 2, 0, 2, 0, 3, 0, 4];
        hello.extend([0x30, 0x00, 0x01, 0x00, 0x80, 0xaa, 0xbb, 0xcc, 0xdd]);
        hello[1] = (hello.len() - 2) as u8;
        assert!(is_server_reply(&hello));
        let m = parse_server_hello(&hello[2..]).unwrap();
        assert_eq!(
            (m.certificate, m.cipher_specs.as_slice(), m.connection_id),
            (&[0x30, 0][..], &[0x010080][..], &[0xaa, 0xbb, 0xcc, 0xdd][..])
        );
        assert!(!is_server_reply(&[0x16, 3, 3, 0, 40, 2, 0]));
        assert!(parse_server_hello(&hello[2..hello.len() - 1]).is_err());
    }

    #[test]
    fn client_master_key_and_error() {
        let cmk = [CLIENT_MASTER_KEY, 1, 0, 0x80, 0, 0, 0, 2, 0, 0, 9, 9];
        let m = parse_client_master_key(&cmk).unwrap();
        assert_eq!((m.cipher_kind, m.encrypted_key), (0x010080, &[9, 9][..]));
        assert_eq!(parse_error(&[ERROR, 0, 1]).unwrap(), 1);
        assert!(is_server_reply(&[0x80, 3, ERROR, 0, 1, 0, 0]));
    }
}
