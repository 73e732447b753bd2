//! The few things QUIC needs from the TLS handshake it carries: the client random (to
//! find key log secrets), the cipher suite the server chose (to use them), and the
//! extensions of the ClientHello, ServerHello and EncryptedExtensions (transport
//! parameters, ALPN). The full dissection is the TLS layer's.

use tlsdoctor_tls::codec::{DecodeError, Reader};

pub const CLIENT_HELLO: u8 = 1;
pub const SERVER_HELLO: u8 = 2;
pub const ENCRYPTED_EXTENSIONS: u8 = 8;

/// What a handshake message says that QUIC cares about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelloInfo<'a> {
    pub client_random: Option<[u8; 32]>,
    pub cipher_suite: Option<u16>,
    /// (type, data) in message order.
    pub extensions: Vec<(u16, &'a [u8])>,
}

impl<'a> HelloInfo<'a> {
    pub fn extension(&self, typ: u16) -> Option<&'a [u8]> {
        self.extensions.iter().find(|(t, _)| *t == typ).map(|&(_, d)| d)
    }

    /// The ALPN protocol names (the offered list, or the one chosen).
    pub fn alpn(&self) -> Vec<&'a [u8]> {
        let Some(data) = self.extension(0x0010) else { return Vec::new() };
        let mut r = Reader::new(data);
        let mut names = Vec::new();
        if let Ok(mut list) = r.sub16("ALPN list") {
            while let Ok(name) = list.vec8("ALPN protocol") {
                names.push(name);
            }
        }
        names
    }
}

/// Reads a whole handshake message (4-byte header included). Other message types give
/// an empty [`HelloInfo`].
pub fn parse(raw: &[u8]) -> Result<HelloInfo<'_>, DecodeError> {
    let mut r = Reader::new(raw);
    let typ = r.u8("handshake type")?;
    let mut body = r.sub24("handshake body")?;
    let mut info = HelloInfo::default();
    match typ {
        CLIENT_HELLO | SERVER_HELLO => {
            body.u16("legacy_version")?;
            let random: [u8; 32] = body.take(32, "random")?.try_into().unwrap_or([0; 32]);
            body.vec8("legacy_session_id")?;
            if typ == CLIENT_HELLO {
                info.client_random = Some(random);
                body.vec16("cipher_suites")?;
                body.vec8("legacy_compression_methods")?;
            } else {
                info.cipher_suite = Some(body.u16("cipher_suite")?);
                body.u8("legacy_compression_method")?;
            }
        }
        ENCRYPTED_EXTENSIONS => {}
        _ => return Ok(info),
    }
    if body.is_empty() {
        return Ok(info);
    }
    let mut exts = body.sub16("extensions")?;
    while !exts.is_empty() {
        let t = exts.u16("extension type")?;
        let data = exts.vec16("extension data")?;
        info.extensions.push((t, data));
    }
    Ok(info)
}
