//! Handshake message bodies (what follows the 4-byte TLS / 12-byte DTLS handshake
//! header), decoded into typed values that borrow from the body.
//!
//! # Errors and anomalies
//!
//! [`parse_handshake`] returns `Err` only when the mandatory fields of a message cannot
//! be read. Everything else is kept and noted:
//! - bytes left over after a complete message are **not** an error: the message is
//!   returned and the leftover is recorded in its `anomalies` as a
//!   [`DecodeError::TrailingData`];
//! - a malformed extension block keeps the extensions read before the fault and records
//!   the error in `anomalies`; a malformed extension is kept raw (see
//!   [`crate::extensions::ExtensionValue::Malformed`]);
//! - the empty messages (HelloRequest, ServerHelloDone, EndOfEarlyData) and KeyUpdate
//!   have no struct to carry a note, so a body with extra bytes is
//!   `Err(DecodeError::TrailingData)` there; the caller still has the raw bytes.
//!
//! Where a later stage needs the exact bytes (signatures, transcripts, binders) the
//! structs keep them: `ServerKeyExchange::params`, `ClientHello::raw`, ....

use crate::codec::{DecodeError, Reader};
use crate::extensions::{extension_fields, parse_extensions_lenient, Extension, ExtensionContext, ExtensionValue};
use crate::registry::{
    sslv2_cipher_spec_name, CertificateCompressionAlgorithm, CertificateStatusType, CipherSuite, ClientCertificateType,
    CompressionMethod, EcCurveType, ExtensionType, HandshakeType, KeyExchange, KeyUpdateRequest, NamedGroup,
    ProtocolVersion, SignatureScheme,
};

/// What the parser knows about the connection when the message arrives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseContext {
    /// The negotiated version, if known. When `None`, version-dependent layouts are
    /// guessed from the lengths.
    pub version: Option<ProtocolVersion>,
    /// The negotiated cipher suite (needed for ServerKeyExchange / ClientKeyExchange).
    pub cipher_suite: Option<CipherSuite>,
    pub from_server: bool,
}

/// SHA-256("HelloRetryRequest"): the ServerHello.random of a HelloRetryRequest.
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11,
    0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// A decoded handshake message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeBody<'a> {
    HelloRequest,
    ClientHello(ClientHello<'a>),
    /// Also HelloRetryRequest (see [`ServerHello::is_hello_retry_request`]).
    ServerHello(ServerHello<'a>),
    HelloVerifyRequest(HelloVerifyRequest<'a>),
    NewSessionTicket(NewSessionTicket<'a>),
    EndOfEarlyData,
    EncryptedExtensions(EncryptedExtensions<'a>),
    Certificate(CertificateMsg<'a>),
    CompressedCertificate(CompressedCertificate<'a>),
    ServerKeyExchange(ServerKeyExchange<'a>),
    CertificateRequest(CertificateRequest<'a>),
    ServerHelloDone,
    CertificateVerify(CertificateVerify<'a>),
    ClientKeyExchange(ClientKeyExchange<'a>),
    /// verify_data.
    Finished(&'a [u8]),
    CertificateStatus(CertificateStatus<'a>),
    KeyUpdate(KeyUpdateRequest),
    /// The synthetic message_hash of a TLS 1.3 transcript after HelloRetryRequest.
    MessageHash(&'a [u8]),
    /// A type tlsdoctor does not decode: the raw body.
    Unknown(&'a [u8]),
}

/// ClientHello (TLS, DTLS, or converted from an SSLv2-compatible hello).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello<'a> {
    /// The whole body as received (for SSLv2 hellos: the record body).
    pub raw: &'a [u8],
    pub legacy_version: ProtocolVersion,
    /// For SSLv2 hellos: the challenge, left-padded with zeros to 32 bytes (RFC 5246 E.2).
    pub random: [u8; 32],
    pub session_id: &'a [u8],
    /// DTLS only (HelloVerifyRequest cookie echo).
    pub cookie: Option<&'a [u8]>,
    pub cipher_suites: Vec<CipherSuite>,
    pub compression_methods: Vec<CompressionMethod>,
    /// `false` when the hello ends before the extensions block (SSL 3.0 style).
    pub extensions_present: bool,
    pub extensions: Vec<Extension<'a>>,
    /// Present for an SSLv2-compatible ClientHello.
    pub sslv2: Option<Sslv2Hello<'a>>,
    pub anomalies: Vec<DecodeError>,
}

/// What only an SSLv2-compatible ClientHello has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sslv2Hello<'a> {
    /// All 3-byte cipher specs as sent (TLS suites have first byte 0).
    pub cipher_specs: Vec<u32>,
    pub challenge: &'a [u8],
}

/// ServerHello or HelloRetryRequest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello<'a> {
    pub raw: &'a [u8],
    pub legacy_version: ProtocolVersion,
    pub random: [u8; 32],
    pub session_id: &'a [u8],
    pub cipher_suite: CipherSuite,
    pub compression_method: CompressionMethod,
    pub extensions_present: bool,
    pub extensions: Vec<Extension<'a>>,
    /// The random is the HelloRetryRequest magic value.
    pub is_hello_retry_request: bool,
    pub anomalies: Vec<DecodeError>,
}

/// DTLS HelloVerifyRequest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelloVerifyRequest<'a> {
    pub server_version: ProtocolVersion,
    pub cookie: &'a [u8],
    pub anomalies: Vec<DecodeError>,
}

/// NewSessionTicket, TLS 1.2 (RFC 5077) or TLS 1.3 layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSessionTicket<'a> {
    pub lifetime: u32,
    /// TLS 1.3 only.
    pub age_add: Option<u32>,
    /// TLS 1.3 only (and not before draft 21).
    pub nonce: Option<&'a [u8]>,
    pub ticket: &'a [u8],
    /// TLS 1.3 only.
    pub extensions: Vec<Extension<'a>>,
    pub tls13: bool,
    pub anomalies: Vec<DecodeError>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedExtensions<'a> {
    pub extensions: Vec<Extension<'a>>,
    pub anomalies: Vec<DecodeError>,
}

/// One certificate of a Certificate message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateEntry<'a> {
    pub der: &'a [u8],
    /// TLS 1.3 per-certificate extensions (status_request, SCTs, delegated credential).
    pub extensions: Vec<Extension<'a>>,
}

/// Certificate: a chain of DER certificates (TLS <= 1.2) or the TLS 1.3 layout with a
/// request context and per-entry extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateMsg<'a> {
    /// TLS 1.3 only.
    pub request_context: Option<&'a [u8]>,
    pub entries: Vec<CertificateEntry<'a>>,
    pub tls13: bool,
    pub anomalies: Vec<DecodeError>,
}

impl<'a> CertificateMsg<'a> {
    /// The DER certificates, leaf first.
    pub fn certificates(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.entries.iter().map(|e| e.der)
    }
}

/// CompressedCertificate (RFC 8879); decompression is not done here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompressedCertificate<'a> {
    pub algorithm: CertificateCompressionAlgorithm,
    pub uncompressed_length: u32,
    pub compressed: &'a [u8],
    pub anomalies: Vec<DecodeError>,
}

/// The key exchange parameters of a ServerKeyExchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KxParams<'a> {
    /// ECParameters + ECPoint. `group` is set for named curves; explicit curve
    /// parameters are kept raw in `explicit`.
    Ecdh {
        curve_type: EcCurveType,
        group: Option<NamedGroup>,
        explicit: Option<&'a [u8]>,
        point: &'a [u8],
    },
    /// ServerDHParams.
    Dh {
        p: &'a [u8],
        g: &'a [u8],
        ys: &'a [u8],
    },
    Psk {
        hint: &'a [u8],
    },
    DhePsk {
        hint: &'a [u8],
        p: &'a [u8],
        g: &'a [u8],
        ys: &'a [u8],
    },
    EcdhePsk {
        hint: &'a [u8],
        curve_type: EcCurveType,
        group: Option<NamedGroup>,
        point: &'a [u8],
    },
    /// Ephemeral RSA key (export suites).
    Rsa {
        modulus: &'a [u8],
        exponent: &'a [u8],
    },
    /// SRP (RFC 5054).
    Srp {
        n: &'a [u8],
        g: &'a [u8],
        s: &'a [u8],
        b: &'a [u8],
    },
    /// Cipher suite unknown or not understood: the whole body.
    Unknown(&'a [u8]),
}

/// ServerKeyExchange with the exact signed bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerKeyExchange<'a> {
    pub kx: KxParams<'a>,
    /// The exact bytes of the parameters as signed (client_random + server_random +
    /// params is what the signature covers). For PSK suites, the identity hint.
    pub params: &'a [u8],
    /// TLS 1.2: the SignatureAndHashAlgorithm. `None` before TLS 1.2 and when unsigned.
    pub scheme: Option<SignatureScheme>,
    /// The signature bytes (without length prefix); empty when unsigned.
    pub signature: &'a [u8],
    /// Whether a signature block was present.
    pub signed: bool,
    pub anomalies: Vec<DecodeError>,
}

/// CertificateRequest, TLS <= 1.2 or TLS 1.3 layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRequest<'a> {
    /// TLS <= 1.2.
    pub certificate_types: Vec<ClientCertificateType>,
    /// TLS 1.2: the signature_algorithms list; TLS 1.3: from the extension. `None`
    /// before TLS 1.2.
    pub signature_algorithms: Option<Vec<SignatureScheme>>,
    /// DER distinguished names (TLS <= 1.2 list, or TLS 1.3 certificate_authorities).
    pub certificate_authorities: Vec<&'a [u8]>,
    /// TLS 1.3 only.
    pub request_context: Option<&'a [u8]>,
    /// TLS 1.3 only.
    pub extensions: Vec<Extension<'a>>,
    pub tls13: bool,
    pub anomalies: Vec<DecodeError>,
}

/// CertificateVerify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateVerify<'a> {
    /// TLS 1.2 / 1.3; `None` for SSL 3.0 / TLS 1.0 / 1.1.
    pub scheme: Option<SignatureScheme>,
    pub signature: &'a [u8],
    pub anomalies: Vec<DecodeError>,
}

/// The exchange keys of a ClientKeyExchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientKx<'a> {
    /// RSA-encrypted premaster secret. `length_prefixed` is false for SSL 3.0.
    Rsa {
        encrypted_premaster: &'a [u8],
        length_prefixed: bool,
    },
    /// DH public value Yc (empty when implicit, fixed_dh client certificates).
    Dh {
        public: &'a [u8],
    },
    /// ECDH point (empty when implicit).
    Ecdh {
        point: &'a [u8],
    },
    Psk {
        identity: &'a [u8],
    },
    DhePsk {
        identity: &'a [u8],
        public: &'a [u8],
    },
    EcdhePsk {
        identity: &'a [u8],
        point: &'a [u8],
    },
    RsaPsk {
        identity: &'a [u8],
        encrypted_premaster: &'a [u8],
    },
    Srp {
        a: &'a [u8],
    },
    /// Cipher suite unknown or not understood.
    Unknown(&'a [u8]),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientKeyExchange<'a> {
    pub kx: ClientKx<'a>,
    pub anomalies: Vec<DecodeError>,
}

/// CertificateStatus (stapled OCSP response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateStatus<'a> {
    pub status_type: CertificateStatusType,
    /// One response for ocsp, the list for ocsp_multi (empty entries allowed).
    pub responses: Vec<&'a [u8]>,
    pub anomalies: Vec<DecodeError>,
}

/// Parses a handshake body of type `typ`.
pub fn parse_handshake<'a>(
    typ: HandshakeType,
    body: &'a [u8],
    ctx: &ParseContext,
) -> Result<HandshakeBody<'a>, DecodeError> {
    let mut r = Reader::new(body);
    let out = match typ {
        HandshakeType::HELLO_REQUEST => {
            r.expect_end("HelloRequest")?;
            HandshakeBody::HelloRequest
        }
        HandshakeType::CLIENT_HELLO => HandshakeBody::ClientHello(client_hello(body)?),
        HandshakeType::SERVER_HELLO => HandshakeBody::ServerHello(server_hello(body)?),
        HandshakeType::HELLO_VERIFY_REQUEST => {
            let server_version = ProtocolVersion(r.u16("server_version")?);
            let cookie = r.vec8("cookie")?;
            HandshakeBody::HelloVerifyRequest(HelloVerifyRequest {
                server_version,
                cookie,
                anomalies: trailing(&r, "HelloVerifyRequest"),
            })
        }
        HandshakeType::NEW_SESSION_TICKET => HandshakeBody::NewSessionTicket(new_session_ticket(body, ctx)?),
        HandshakeType::END_OF_EARLY_DATA => {
            r.expect_end("EndOfEarlyData")?;
            HandshakeBody::EndOfEarlyData
        }
        HandshakeType::ENCRYPTED_EXTENSIONS => {
            let (extensions, mut anomalies) = extensions_block(&mut r);
            anomalies.extend(trailing(&r, "EncryptedExtensions"));
            HandshakeBody::EncryptedExtensions(EncryptedExtensions { extensions, anomalies })
        }
        HandshakeType::CERTIFICATE => HandshakeBody::Certificate(certificate(body, ctx)?),
        HandshakeType::COMPRESSED_CERTIFICATE => {
            let algorithm = CertificateCompressionAlgorithm(r.u16("algorithm")?);
            let uncompressed_length = r.u24("uncompressed_length")?;
            let compressed = r.vec24("compressed_certificate_message")?;
            HandshakeBody::CompressedCertificate(CompressedCertificate {
                algorithm,
                uncompressed_length,
                compressed,
                anomalies: trailing(&r, "CompressedCertificate"),
            })
        }
        HandshakeType::SERVER_KEY_EXCHANGE => HandshakeBody::ServerKeyExchange(server_key_exchange(body, ctx)?),
        HandshakeType::CERTIFICATE_REQUEST => HandshakeBody::CertificateRequest(certificate_request(body, ctx)?),
        HandshakeType::SERVER_HELLO_DONE => {
            r.expect_end("ServerHelloDone")?;
            HandshakeBody::ServerHelloDone
        }
        HandshakeType::CERTIFICATE_VERIFY => HandshakeBody::CertificateVerify(certificate_verify(body, ctx)?),
        HandshakeType::CLIENT_KEY_EXCHANGE => HandshakeBody::ClientKeyExchange(client_key_exchange(body, ctx)?),
        HandshakeType::FINISHED => HandshakeBody::Finished(body),
        HandshakeType::CERTIFICATE_STATUS => {
            let status_type = CertificateStatusType(r.u8("status_type")?);
            let responses = if status_type == CertificateStatusType::OCSP_MULTI {
                let mut l = r.sub24("ocsp_response_list")?;
                let mut v = Vec::new();
                while !l.is_empty() {
                    v.push(l.vec24("ocsp_response")?);
                }
                v
            } else {
                vec![r.vec24("ocsp_response")?]
            };
            HandshakeBody::CertificateStatus(CertificateStatus {
                status_type,
                responses,
                anomalies: trailing(&r, "CertificateStatus"),
            })
        }
        HandshakeType::KEY_UPDATE => {
            let req = KeyUpdateRequest(r.u8("request_update")?);
            r.expect_end("KeyUpdate")?;
            HandshakeBody::KeyUpdate(req)
        }
        HandshakeType::MESSAGE_HASH => HandshakeBody::MessageHash(body),
        _ => HandshakeBody::Unknown(body),
    };
    Ok(out)
}

fn trailing(r: &Reader<'_>, what: &'static str) -> Vec<DecodeError> {
    r.expect_end(what).err().into_iter().collect()
}

/// A hello's extensions: optional at its end (SSL 3.0 hellos have none).
fn hello_extensions<'a>(r: &mut Reader<'a>, anomalies: &mut Vec<DecodeError>) -> (bool, Vec<Extension<'a>>) {
    if r.is_empty() {
        return (false, Vec::new());
    }
    let (extensions, problems) = extensions_block(r);
    anomalies.extend(problems);
    (true, extensions)
}

fn extensions_block<'a>(r: &mut Reader<'a>) -> (Vec<Extension<'a>>, Vec<DecodeError>) {
    let (exts, err) = parse_extensions_lenient(r);
    let mut anomalies: Vec<DecodeError> = err.into_iter().collect();
    let dups = crate::extensions::duplicate_types(&exts);
    if !dups.is_empty() {
        anomalies.push(DecodeError::Invalid {
            what: "extensions",
            detail: format!(
                "duplicate extension types: {}",
                dups.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ")
            ),
        });
    }
    (exts, anomalies)
}

fn random(r: &mut Reader<'_>) -> Result<[u8; 32], DecodeError> {
    let b = r.take(32, "random")?;
    let mut out = [0u8; 32];
    out.copy_from_slice(b);
    Ok(out)
}

fn client_hello(body: &[u8]) -> Result<ClientHello<'_>, DecodeError> {
    let mut r = Reader::new(body);
    let legacy_version = ProtocolVersion(r.u16("client_version")?);
    let random = random(&mut r)?;
    let session_id = r.vec8("session_id")?;
    let cookie = if legacy_version.is_dtls() { Some(r.vec8("cookie")?) } else { None };
    let suites = r.u16_list("cipher_suites")?;
    let compression_methods = r.vec8("compression_methods")?.iter().map(|&b| CompressionMethod(b)).collect();
    let mut anomalies = Vec::new();
    if session_id.len() > 32 {
        anomalies
            .push(DecodeError::Invalid { what: "session_id", detail: format!("length {} > 32", session_id.len()) });
    }
    let (extensions_present, extensions) = hello_extensions(&mut r, &mut anomalies);
    anomalies.extend(trailing(&r, "ClientHello"));
    Ok(ClientHello {
        raw: body,
        legacy_version,
        random,
        session_id,
        cookie,
        cipher_suites: suites.into_iter().map(CipherSuite).collect(),
        compression_methods,
        extensions_present,
        extensions,
        sslv2: None,
        anomalies,
    })
}

/// Parses an SSLv2-compatible ClientHello: `record_body` is what follows the 2- or
/// 3-byte SSLv2 record header, starting with msg_type 1.
pub fn parse_sslv2_client_hello(record_body: &[u8]) -> Result<ClientHello<'_>, DecodeError> {
    let mut r = Reader::new(record_body);
    let msg_type = r.u8("SSLv2 msg_type")?;
    if msg_type != 1 {
        return Err(DecodeError::Invalid {
            what: "SSLv2 msg_type",
            detail: format!("expected 1 (client_hello), got {msg_type}"),
        });
    }
    let legacy_version = ProtocolVersion(r.u16("SSLv2 version")?);
    let specs_len = r.u16("cipher_specs_length")? as usize;
    let sid_len = r.u16("session_id_length")? as usize;
    let challenge_len = r.u16("challenge_length")? as usize;
    let specs = r.take(specs_len, "cipher_specs")?;
    let session_id = r.take(sid_len, "session_id")?;
    let challenge = r.take(challenge_len, "challenge")?;
    let mut anomalies = Vec::new();
    let partial_spec = specs_len % 3;
    if partial_spec > 0 {
        anomalies.push(DecodeError::Invalid {
            what: "cipher_specs",
            detail: format!("length {specs_len} is not a multiple of 3"),
        });
    }
    if !(16..=32).contains(&challenge_len) {
        anomalies.push(DecodeError::Invalid {
            what: "challenge",
            detail: format!("length {challenge_len} outside 16..=32"),
        });
    }
    anomalies.extend(trailing(&r, "SSLv2 ClientHello"));
    let cipher_specs: Vec<u32> = specs.chunks_exact(3).map(|c| u32::from_be_bytes([0, c[0], c[1], c[2]])).collect();
    let cipher_suites = cipher_specs.iter().filter(|&&s| s >> 16 == 0).map(|&s| CipherSuite(s as u16)).collect();
    let mut random = [0u8; 32];
    let c = &challenge[challenge.len().saturating_sub(32)..];
    random[32 - c.len()..].copy_from_slice(c);
    Ok(ClientHello {
        raw: record_body,
        legacy_version,
        random,
        session_id,
        cookie: None,
        cipher_suites,
        compression_methods: vec![CompressionMethod::NULL],
        extensions_present: false,
        extensions: Vec::new(),
        sslv2: Some(Sslv2Hello { cipher_specs, challenge }),
        anomalies,
    })
}

impl<'a> ClientHello<'a> {
    pub fn extension(&self, typ: ExtensionType) -> Option<&Extension<'a>> {
        self.extensions.iter().find(|e| e.typ == typ)
    }

    /// The decoded extension of type `typ`, if present.
    pub fn decoded(&self, typ: ExtensionType) -> Option<ExtensionValue<'a>> {
        self.extension(typ).map(|e| e.decode(ExtensionContext::ClientHello))
    }

    /// The first host_name of server_name.
    pub fn server_name(&self) -> Option<&'a str> {
        match self.decoded(ExtensionType::SERVER_NAME)? {
            ExtensionValue::ServerName(names) => names.iter().find_map(|n| n.host_name()),
            _ => None,
        }
    }

    /// The server name asked for, as text safe to show (control characters escaped),
    /// even when it is not a clean host name.
    pub fn server_name_text(&self) -> Option<String> {
        match self.decoded(ExtensionType::SERVER_NAME)? {
            ExtensionValue::ServerName(names) => {
                names.iter().find(|n| n.typ == crate::registry::ServerNameType::HOST_NAME).map(|n| n.text())
            }
            _ => None,
        }
    }

    /// supported_versions if present, else the legacy version alone.
    pub fn offered_versions(&self) -> Vec<ProtocolVersion> {
        match self.decoded(ExtensionType::SUPPORTED_VERSIONS) {
            Some(ExtensionValue::SupportedVersions(v)) => v,
            _ => vec![self.legacy_version],
        }
    }

    /// ALPN protocols offered.
    pub fn alpn(&self) -> Vec<&'a [u8]> {
        match self.decoded(ExtensionType::APPLICATION_LAYER_PROTOCOL_NEGOTIATION) {
            Some(ExtensionValue::Alpn(p)) => p,
            _ => Vec::new(),
        }
    }

    /// The body without the PSK binders list, as hashed for the binder (RFC 8446
    /// 4.2.11.2). `None` without a decodable pre_shared_key extension.
    pub fn truncated_for_binders(&self) -> Option<&'a [u8]> {
        if self.sslv2.is_some() {
            return None;
        }
        let last = self.extensions.last()?;
        if last.typ != ExtensionType::PRE_SHARED_KEY {
            return None;
        }
        match last.decode(ExtensionContext::ClientHello) {
            ExtensionValue::PreSharedKeyClient { binders_len, .. } => {
                // The extension data ends the body when the message has no trailing
                // bytes; find where it ends from the raw pointer range.
                let end = subslice_end(self.raw, last.data)?;
                self.raw.get(..end.checked_sub(binders_len)?)
            }
            _ => None,
        }
    }
}

/// Where `inner` (a subslice of `outer`) ends, as an offset into `outer`.
fn subslice_end(outer: &[u8], inner: &[u8]) -> Option<usize> {
    let o = outer.as_ptr() as usize;
    let i = inner.as_ptr() as usize;
    let start = i.checked_sub(o)?;
    let end = start.checked_add(inner.len())?;
    (end <= outer.len()).then_some(end)
}

fn server_hello(body: &[u8]) -> Result<ServerHello<'_>, DecodeError> {
    let mut r = Reader::new(body);
    let legacy_version = ProtocolVersion(r.u16("server_version")?);
    let random = random(&mut r)?;
    // TLS 1.3 drafts before 22 name themselves here and have neither field.
    let short = legacy_version.tls13_quirks().short_server_hello;
    let session_id = if short { &[][..] } else { r.vec8("session_id")? };
    let cipher_suite = CipherSuite(r.u16("cipher_suite")?);
    let compression_method = CompressionMethod(if short { 0 } else { r.u8("compression_method")? });
    let mut anomalies = Vec::new();
    let (extensions_present, extensions) = hello_extensions(&mut r, &mut anomalies);
    anomalies.extend(trailing(&r, "ServerHello"));
    Ok(ServerHello {
        raw: body,
        legacy_version,
        random,
        session_id,
        cipher_suite,
        compression_method,
        extensions_present,
        extensions,
        is_hello_retry_request: random == HELLO_RETRY_REQUEST_RANDOM,
        anomalies,
    })
}

impl<'a> ServerHello<'a> {
    pub fn extension(&self, typ: ExtensionType) -> Option<&Extension<'a>> {
        self.extensions.iter().find(|e| e.typ == typ)
    }

    pub fn context(&self) -> ExtensionContext {
        if self.is_hello_retry_request {
            ExtensionContext::HelloRetryRequest
        } else {
            ExtensionContext::ServerHello
        }
    }

    pub fn decoded(&self, typ: ExtensionType) -> Option<ExtensionValue<'a>> {
        self.extension(typ).map(|e| e.decode(self.context()))
    }

    /// supported_versions if present, else legacy_version.
    pub fn negotiated_version(&self) -> ProtocolVersion {
        match self.decoded(ExtensionType::SUPPORTED_VERSIONS) {
            Some(ExtensionValue::SelectedVersion(v)) => v,
            _ => self.legacy_version,
        }
    }

    /// The TLS 1.3 downgrade sentinel in the last 8 bytes of the random (RFC 8446
    /// 4.1.3): `Some(ProtocolVersion::TLS_1_2)` for "DOWNGRD\x01", TLS 1.1 for "\x00".
    pub fn downgrade_sentinel(&self) -> Option<ProtocolVersion> {
        match &self.random[24..] {
            b"DOWNGRD\x01" => Some(ProtocolVersion::TLS_1_2),
            b"DOWNGRD\x00" => Some(ProtocolVersion::TLS_1_1),
            _ => None,
        }
    }
}

/// TLS 1.3 layout? From the context's version, else `guess`.
fn tls13_layout(ctx: &ParseContext, guess: impl FnOnce() -> bool) -> bool {
    match ctx.version {
        Some(v) => v.is_tls13(),
        None => guess(),
    }
}

fn new_session_ticket<'a>(body: &'a [u8], ctx: &ParseContext) -> Result<NewSessionTicket<'a>, DecodeError> {
    let tls13 = tls13_layout(ctx, || {
        // TLS 1.2: lifetime(4) + ticket<0..2^16-1> exactly.
        !(body.len() >= 6 && u16::from_be_bytes([body[4], body[5]]) as usize + 6 == body.len())
    });
    let mut r = Reader::new(body);
    let lifetime = r.u32("ticket_lifetime")?;
    if !tls13 {
        let ticket = r.vec16("ticket")?;
        return Ok(NewSessionTicket {
            lifetime,
            age_add: None,
            nonce: None,
            ticket,
            extensions: Vec::new(),
            tls13,
            anomalies: trailing(&r, "NewSessionTicket"),
        });
    }
    let age_add = r.u32("ticket_age_add")?;
    let no_nonce = ctx.version.is_some_and(|v| v.tls13_quirks().no_ticket_nonce);
    let nonce = if no_nonce { None } else { Some(r.vec8("ticket_nonce")?) };
    let ticket = r.vec16("ticket")?;
    let (extensions, mut anomalies) = extensions_block(&mut r);
    anomalies.extend(trailing(&r, "NewSessionTicket"));
    Ok(NewSessionTicket { lifetime, age_add: Some(age_add), nonce, ticket, extensions, tls13, anomalies })
}

fn certificate<'a>(body: &'a [u8], ctx: &ParseContext) -> Result<CertificateMsg<'a>, DecodeError> {
    let tls13 = tls13_layout(ctx, || {
        // TLS 1.2: certificate_list<0..2^24-1> exactly.
        !(body.len() >= 3 && u32::from_be_bytes([0, body[0], body[1], body[2]]) as usize + 3 == body.len())
    });
    let mut r = Reader::new(body);
    let request_context = if tls13 { Some(r.vec8("certificate_request_context")?) } else { None };
    let mut list = r.sub24("certificate_list")?;
    let mut entries = Vec::new();
    let mut anomalies = Vec::new();
    while !list.is_empty() {
        let der = list.vec24("certificate")?;
        let extensions = if tls13 {
            let (e, a) = extensions_block(&mut list);
            anomalies.extend(a);
            e
        } else {
            Vec::new()
        };
        entries.push(CertificateEntry { der, extensions });
    }
    anomalies.extend(trailing(&r, "Certificate"));
    Ok(CertificateMsg { request_context, entries, tls13, anomalies })
}

fn dn_list<'a>(r: &mut Reader<'a>) -> Result<Vec<&'a [u8]>, DecodeError> {
    let mut l = r.sub16("certificate_authorities")?;
    let mut out = Vec::new();
    while !l.is_empty() {
        out.push(l.vec16("distinguished_name")?);
    }
    Ok(out)
}

fn certificate_request<'a>(body: &'a [u8], ctx: &ParseContext) -> Result<CertificateRequest<'a>, DecodeError> {
    // Layouts: TLS 1.3 (context, extensions), TLS 1.2 (types, sig algs, CAs),
    // TLS 1.0/1.1 (types, CAs).
    enum Layout {
        Tls13,
        Tls12,
        Tls10,
    }
    let layout = match ctx.version {
        Some(v) if v.is_tls13() => Layout::Tls13,
        Some(v) if v.has_signature_scheme() == Some(true) => Layout::Tls12,
        Some(v) if v.has_signature_scheme() == Some(false) => Layout::Tls10,
        _ => {
            let fits = |with_algs: bool| {
                let mut r = Reader::new(body);
                r.vec8("t").is_ok()
                    && (!with_algs || r.u16_list("a").is_ok())
                    && dn_list(&mut r).is_ok()
                    && r.is_empty()
            };
            if fits(true) {
                Layout::Tls12
            } else if fits(false) {
                Layout::Tls10
            } else {
                Layout::Tls13
            }
        }
    };
    let mut r = Reader::new(body);
    match layout {
        Layout::Tls13 => {
            let request_context = r.vec8("certificate_request_context")?;
            let (extensions, mut anomalies) = extensions_block(&mut r);
            anomalies.extend(trailing(&r, "CertificateRequest"));
            let mut signature_algorithms = None;
            let mut certificate_authorities = Vec::new();
            for e in &extensions {
                match e.decode(ExtensionContext::CertificateRequest) {
                    ExtensionValue::SignatureAlgorithms(s) => signature_algorithms = Some(s),
                    ExtensionValue::CertificateAuthorities(c) => certificate_authorities = c,
                    _ => {}
                }
            }
            Ok(CertificateRequest {
                certificate_types: Vec::new(),
                signature_algorithms,
                certificate_authorities,
                request_context: Some(request_context),
                extensions,
                tls13: true,
                anomalies,
            })
        }
        Layout::Tls12 | Layout::Tls10 => {
            let certificate_types = r.vec8("certificate_types")?.iter().map(|&b| ClientCertificateType(b)).collect();
            let signature_algorithms = if matches!(layout, Layout::Tls12) {
                Some(r.u16_list("supported_signature_algorithms")?.into_iter().map(SignatureScheme).collect())
            } else {
                None
            };
            let certificate_authorities = dn_list(&mut r)?;
            Ok(CertificateRequest {
                certificate_types,
                signature_algorithms,
                certificate_authorities,
                request_context: None,
                extensions: Vec::new(),
                tls13: false,
                anomalies: trailing(&r, "CertificateRequest"),
            })
        }
    }
}

/// Whether a signature block `rest` starts with a SignatureScheme: by version, else by
/// which reading consumes `rest` exactly.
fn signature_has_scheme(ctx: &ParseContext, rest: &[u8]) -> bool {
    if let Some(b) = ctx.version.and_then(|v| v.has_signature_scheme()) {
        return b;
    }
    let len_at = |i: usize| rest.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]) as usize);
    match (len_at(2), len_at(0)) {
        (Some(l), _) if l + 4 == rest.len() => true,
        (_, Some(l)) if l + 2 == rest.len() => false,
        _ => true,
    }
}

fn certificate_verify<'a>(body: &'a [u8], ctx: &ParseContext) -> Result<CertificateVerify<'a>, DecodeError> {
    let mut r = Reader::new(body);
    let scheme =
        if signature_has_scheme(ctx, body) { Some(SignatureScheme(r.u16("signature algorithm")?)) } else { None };
    // SSL 3.0 CertificateVerify is also a length-prefixed signature (RFC 6101 5.6.8).
    let signature = r.vec16("signature")?;
    Ok(CertificateVerify { scheme, signature, anomalies: trailing(&r, "CertificateVerify") })
}

/// ECParameters: curve type, named group, raw explicit curve.
type EcParams<'a> = (EcCurveType, Option<NamedGroup>, Option<&'a [u8]>);

fn ec_params<'a>(r: &mut Reader<'a>) -> Result<EcParams<'a>, DecodeError> {
    let curve_type = EcCurveType(r.u8("curve_type")?);
    match curve_type {
        EcCurveType::NAMED_CURVE => Ok((curve_type, Some(NamedGroup(r.u16("named_curve")?)), None)),
        EcCurveType::EXPLICIT_PRIME => {
            // prime_p, curve (a, b), base, order, cofactor.
            let start = r.clone();
            r.vec8("prime_p")?;
            r.vec8("curve a")?;
            r.vec8("curve b")?;
            r.vec8("base")?;
            r.vec8("order")?;
            r.vec8("cofactor")?;
            let len = r.position() - start.position();
            let mut s = start;
            Ok((curve_type, None, Some(s.take(len, "explicit curve")?)))
        }
        other => Err(DecodeError::Invalid { what: "curve_type", detail: format!("unsupported {other}") }),
    }
}

fn server_key_exchange<'a>(body: &'a [u8], ctx: &ParseContext) -> Result<ServerKeyExchange<'a>, DecodeError> {
    let kx = ctx.cipher_suite.and_then(|s| s.info()).map(|i| (i.key_exchange, i.ske_signed()));
    let Some((kx, signed)) = kx else {
        return Ok(unknown_ske(body));
    };
    let mut r = Reader::new(body);
    let params = match kx {
        KeyExchange::Ecdhe | KeyExchange::EcdhAnon | KeyExchange::Ecdh => {
            let (curve_type, group, explicit) = ec_params(&mut r)?;
            let point = r.vec8("ec point")?;
            KxParams::Ecdh { curve_type, group, explicit, point }
        }
        KeyExchange::Dhe | KeyExchange::DhAnon | KeyExchange::Dh => {
            KxParams::Dh { p: r.vec16("dh_p")?, g: r.vec16("dh_g")?, ys: r.vec16("dh_Ys")? }
        }
        KeyExchange::Psk | KeyExchange::RsaPsk => KxParams::Psk { hint: r.vec16("psk_identity_hint")? },
        KeyExchange::DhePsk => KxParams::DhePsk {
            hint: r.vec16("psk_identity_hint")?,
            p: r.vec16("dh_p")?,
            g: r.vec16("dh_g")?,
            ys: r.vec16("dh_Ys")?,
        },
        KeyExchange::EcdhePsk => {
            let hint = r.vec16("psk_identity_hint")?;
            let (curve_type, group, _) = ec_params(&mut r)?;
            let point = r.vec8("ec point")?;
            KxParams::EcdhePsk { hint, curve_type, group, point }
        }
        KeyExchange::Rsa => KxParams::Rsa { modulus: r.vec16("rsa_modulus")?, exponent: r.vec16("rsa_exponent")? },
        KeyExchange::Srp => {
            KxParams::Srp { n: r.vec16("srp_N")?, g: r.vec16("srp_g")?, s: r.vec8("srp_s")?, b: r.vec16("srp_B")? }
        }
        KeyExchange::Krb5 | KeyExchange::Tls13 | KeyExchange::Other => {
            return Ok(unknown_ske(body));
        }
    };
    let params_raw = &body[..r.position()];
    let rest = &body[r.position()..];
    let mut out = ServerKeyExchange {
        kx: params,
        params: params_raw,
        scheme: None,
        signature: &[],
        signed: false,
        anomalies: Vec::new(),
    };
    // Signed suites carry a signature; for others, a signature block is an anomaly
    // (kept as trailing data).
    if signed {
        if signature_has_scheme(ctx, rest) {
            out.scheme = Some(SignatureScheme(r.u16("signature algorithm")?));
        }
        out.signature = r.vec16("signature")?;
        out.signed = true;
    }
    out.anomalies = trailing(&r, "ServerKeyExchange");
    Ok(out)
}

fn unknown_ske(body: &[u8]) -> ServerKeyExchange<'_> {
    ServerKeyExchange {
        kx: KxParams::Unknown(body),
        params: body,
        scheme: None,
        signature: &[],
        signed: false,
        anomalies: Vec::new(),
    }
}

fn client_key_exchange<'a>(body: &'a [u8], ctx: &ParseContext) -> Result<ClientKeyExchange<'a>, DecodeError> {
    let Some(info) = ctx.cipher_suite.and_then(|s| s.info()) else {
        return Ok(ClientKeyExchange { kx: ClientKx::Unknown(body), anomalies: Vec::new() });
    };
    let mut r = Reader::new(body);
    let kx = match info.key_exchange {
        KeyExchange::Rsa => {
            let prefixed = match ctx.version {
                // OpenSSL's DTLS before RFC 4347 (0x0100) sent it bare, like SSL 3.0.
                Some(v) if v == ProtocolVersion::SSL_3_0 || v.0 == 0x0100 => false,
                Some(v) if v.has_signature_scheme().is_some() => true,
                _ => body.len() >= 2 && u16::from_be_bytes([body[0], body[1]]) as usize + 2 == body.len(),
            };
            ClientKx::Rsa {
                encrypted_premaster: if prefixed { r.vec16("encrypted_pre_master_secret")? } else { r.rest() },
                length_prefixed: prefixed,
            }
        }
        KeyExchange::Dhe | KeyExchange::DhAnon | KeyExchange::Dh => {
            ClientKx::Dh { public: if body.is_empty() { &[] } else { r.vec16("dh_Yc")? } }
        }
        KeyExchange::Ecdhe | KeyExchange::EcdhAnon | KeyExchange::Ecdh => {
            ClientKx::Ecdh { point: if body.is_empty() { &[] } else { r.vec8("ecdh_Yc")? } }
        }
        KeyExchange::Psk => ClientKx::Psk { identity: r.vec16("psk_identity")? },
        KeyExchange::DhePsk => ClientKx::DhePsk { identity: r.vec16("psk_identity")?, public: r.vec16("dh_Yc")? },
        KeyExchange::EcdhePsk => ClientKx::EcdhePsk { identity: r.vec16("psk_identity")?, point: r.vec8("ecdh_Yc")? },
        KeyExchange::RsaPsk => ClientKx::RsaPsk {
            identity: r.vec16("psk_identity")?,
            encrypted_premaster: r.vec16("encrypted_pre_master_secret")?,
        },
        KeyExchange::Srp => ClientKx::Srp { a: r.vec16("srp_A")? },
        KeyExchange::Krb5 | KeyExchange::Tls13 | KeyExchange::Other => ClientKx::Unknown(r.rest()),
    };
    Ok(ClientKeyExchange { kx, anomalies: trailing(&r, "ClientKeyExchange") })
}

// ---------------------------------------------------------------------------------
// Display.

/// One line of `tlsdoctor dissect -v`: a name, its value, nested by depth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub depth: u8,
    pub name: String,
    pub value: String,
}

impl Field {
    pub fn new(depth: u8, name: impl Into<String>, value: impl Into<String>) -> Field {
        Field { depth, name: name.into(), value: value.into() }
    }
}

/// A heartbeat message's header (RFC 6520), read from its record's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeartbeatMessage {
    pub typ: u8,
    pub payload_length: u16,
    /// The record content's length: type, payload_length, payload and padding.
    pub record_len: usize,
}

impl HeartbeatMessage {
    /// Bytes the record carries after the 3-byte header: payload and padding.
    pub fn carried(&self) -> usize {
        self.record_len.saturating_sub(3)
    }

    /// The declared payload runs past the record: the peer is asked to send back bytes
    /// it never received (CVE-2014-0160, Heartbleed).
    pub fn overruns(&self) -> bool {
        3 + usize::from(self.payload_length) > self.record_len
    }

    /// Bytes after the payload (RFC 6520 wants at least 16); 0 when it overruns.
    pub fn padding_len(&self) -> usize {
        self.record_len.saturating_sub(3 + usize::from(self.payload_length))
    }
}

/// The header of a heartbeat record's content; None when shorter than 3 bytes.
pub fn parse_heartbeat(raw: &[u8]) -> Option<HeartbeatMessage> {
    match *raw {
        [typ, a, b, ..] => {
            Some(HeartbeatMessage { typ, payload_length: u16::from_be_bytes([a, b]), record_len: raw.len() })
        }
        _ => None,
    }
}

/// Lowercase hex without separators.
pub fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// Hex of at most 32 bytes, with the total length when cut.
pub fn hex_short(b: &[u8]) -> String {
    if b.len() <= 48 {
        hex(b)
    } else {
        format!("{}… ({} bytes)", hex(&b[..32]), b.len())
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn anomaly_fields(out: &mut Vec<Field>, anomalies: &[DecodeError]) {
    for a in anomalies {
        out.push(Field::new(0, "Anomaly", a.to_string()));
    }
}

impl HandshakeBody<'_> {
    /// The anomalies noted while parsing (empty for messages without a struct).
    pub fn anomalies(&self) -> &[DecodeError] {
        use HandshakeBody as H;
        match self {
            H::ClientHello(m) => &m.anomalies,
            H::ServerHello(m) => &m.anomalies,
            H::HelloVerifyRequest(m) => &m.anomalies,
            H::NewSessionTicket(m) => &m.anomalies,
            H::EncryptedExtensions(m) => &m.anomalies,
            H::Certificate(m) => &m.anomalies,
            H::CompressedCertificate(m) => &m.anomalies,
            H::ServerKeyExchange(m) => &m.anomalies,
            H::CertificateRequest(m) => &m.anomalies,
            H::CertificateVerify(m) => &m.anomalies,
            H::ClientKeyExchange(m) => &m.anomalies,
            H::CertificateStatus(m) => &m.anomalies,
            H::HelloRequest
            | H::EndOfEarlyData
            | H::ServerHelloDone
            | H::Finished(_)
            | H::KeyUpdate(_)
            | H::MessageHash(_)
            | H::Unknown(_) => &[],
        }
    }

    /// Everything decoded, as Wireshark-like display fields.
    pub fn fields(&self) -> Vec<Field> {
        use HandshakeBody as H;
        let mut out = Vec::new();
        match self {
            H::HelloRequest | H::EndOfEarlyData | H::ServerHelloDone => {}
            H::ClientHello(m) => client_hello_fields(&mut out, m),
            H::ServerHello(m) => server_hello_fields(&mut out, m),
            H::HelloVerifyRequest(m) => {
                out.push(Field::new(0, "Server Version", m.server_version.describe()));
                out.push(Field::new(0, "Cookie", hex(m.cookie)));
            }
            H::NewSessionTicket(m) => {
                out.push(Field::new(0, "Session Ticket Lifetime Hint", format!("{} seconds", m.lifetime)));
                if let Some(a) = m.age_add {
                    out.push(Field::new(0, "Session Ticket Age Add", a.to_string()));
                }
                if let Some(n) = m.nonce {
                    out.push(Field::new(0, "Session Ticket Nonce", hex(n)));
                }
                out.push(Field::new(
                    0,
                    "Session Ticket",
                    format!("{} ({} bytes)", hex_short(m.ticket), m.ticket.len()),
                ));
                if m.tls13 {
                    ext_fields(&mut out, &m.extensions, ExtensionContext::NewSessionTicket);
                }
            }
            H::EncryptedExtensions(m) => ext_fields(&mut out, &m.extensions, ExtensionContext::EncryptedExtensions),
            H::Certificate(m) => {
                if let Some(c) = m.request_context {
                    out.push(Field::new(0, "Certificate Request Context", hex(c)));
                }
                out.push(Field::new(
                    0,
                    format!("Certificates ({})", plural(m.entries.len(), "certificate", "certificates")),
                    format!("{} bytes", m.entries.iter().map(|e| e.der.len() + 3).sum::<usize>()),
                ));
                for e in &m.entries {
                    out.push(Field::new(1, "Certificate", format!("{} bytes", e.der.len())));
                    if m.tls13 {
                        out.extend(extension_fields(&e.extensions, ExtensionContext::Certificate, 2));
                    }
                }
            }
            H::CompressedCertificate(m) => {
                out.push(Field::new(0, "Algorithm", m.algorithm.describe()));
                out.push(Field::new(0, "Uncompressed Length", m.uncompressed_length.to_string()));
                out.push(Field::new(0, "Compressed Certificate Message Length", m.compressed.len().to_string()));
            }
            H::ServerKeyExchange(m) => ske_fields(&mut out, m),
            H::CertificateRequest(m) => {
                if let Some(c) = m.request_context {
                    out.push(Field::new(0, "Certificate Request Context", hex(c)));
                }
                if !m.tls13 {
                    out.push(Field::new(0, format!("Certificate types ({})", m.certificate_types.len()), ""));
                    for t in &m.certificate_types {
                        out.push(Field::new(1, "Certificate type", t.describe()));
                    }
                    if let Some(s) = &m.signature_algorithms {
                        out.push(Field::new(0, format!("Signature Hash Algorithms ({} algorithms)", s.len()), ""));
                        for x in s {
                            out.push(Field::new(1, "Signature Algorithm", x.describe()));
                        }
                    }
                    out.push(Field::new(0, format!("Distinguished Names ({})", m.certificate_authorities.len()), ""));
                    for n in &m.certificate_authorities {
                        out.push(Field::new(1, "Distinguished Name", format!("{} bytes", n.len())));
                    }
                } else {
                    ext_fields(&mut out, &m.extensions, ExtensionContext::CertificateRequest);
                }
            }
            H::CertificateVerify(m) => {
                if let Some(s) = m.scheme {
                    out.push(Field::new(0, "Signature Algorithm", s.describe()));
                }
                out.push(Field::new(0, "Signature length", m.signature.len().to_string()));
                out.push(Field::new(0, "Signature", hex_short(m.signature)));
            }
            H::ClientKeyExchange(m) => cke_fields(&mut out, m),
            H::Finished(v) => out.push(Field::new(0, "Verify Data", hex(v))),
            H::CertificateStatus(m) => {
                out.push(Field::new(0, "Certificate Status Type", m.status_type.describe()));
                for r in &m.responses {
                    out.push(Field::new(0, "OCSP Response", format!("{} bytes", r.len())));
                }
            }
            H::KeyUpdate(k) => out.push(Field::new(0, "Key Update Request", k.describe())),
            H::MessageHash(h) => out.push(Field::new(0, "Hash", hex(h))),
            H::Unknown(b) => out.push(Field::new(0, "Data", format!("{} ({} bytes)", hex_short(b), b.len()))),
        }
        anomaly_fields(&mut out, self.anomalies());
        out
    }
}

fn ext_fields(out: &mut Vec<Field>, exts: &[Extension<'_>], ctx: ExtensionContext) {
    out.push(Field::new(
        0,
        format!("Extensions ({})", exts.len()),
        format!("{} bytes", exts.iter().map(|e| e.data.len() + 4).sum::<usize>()),
    ));
    out.extend(extension_fields(exts, ctx, 1));
}

fn client_hello_fields(out: &mut Vec<Field>, m: &ClientHello<'_>) {
    out.push(Field::new(0, "Version", m.legacy_version.describe()));
    out.push(Field::new(0, "Random", hex(&m.random)));
    out.push(Field::new(0, "Session ID", format!("{} (len={})", hex(m.session_id), m.session_id.len())));
    if let Some(c) = m.cookie {
        out.push(Field::new(0, "Cookie", hex(c)));
    }
    if let Some(v2) = &m.sslv2 {
        out.push(Field::new(0, format!("Cipher Specs ({} specs)", v2.cipher_specs.len()), ""));
        for s in &v2.cipher_specs {
            let name = sslv2_cipher_spec_name(*s).unwrap_or("unknown");
            out.push(Field::new(1, "Cipher Spec", format!("{name} ({s:#08x})")));
        }
        out.push(Field::new(0, "Challenge", hex(v2.challenge)));
    } else {
        out.push(Field::new(0, format!("Cipher Suites ({})", plural(m.cipher_suites.len(), "suite", "suites")), ""));
        for s in &m.cipher_suites {
            out.push(Field::new(1, "Cipher Suite", s.describe()));
        }
        out.push(Field::new(
            0,
            format!("Compression Methods ({})", plural(m.compression_methods.len(), "method", "methods")),
            "",
        ));
        for c in &m.compression_methods {
            out.push(Field::new(1, "Compression Method", c.describe()));
        }
    }
    if m.extensions_present {
        ext_fields(out, &m.extensions, ExtensionContext::ClientHello);
    }
}

fn server_hello_fields(out: &mut Vec<Field>, m: &ServerHello<'_>) {
    if m.is_hello_retry_request {
        out.push(Field::new(0, "Hello Retry Request", "random is the HelloRetryRequest value"));
    }
    out.push(Field::new(0, "Version", m.legacy_version.describe()));
    out.push(Field::new(0, "Random", hex(&m.random)));
    if let Some(v) = m.downgrade_sentinel() {
        out.push(Field::new(1, "Downgrade sentinel", format!("server supports TLS 1.3, negotiated {v} or below")));
    }
    // TLS 1.3 drafts before 22 have neither session id nor compression method.
    let short = m.legacy_version.tls13_quirks().short_server_hello;
    if !short {
        out.push(Field::new(0, "Session ID", format!("{} (len={})", hex(m.session_id), m.session_id.len())));
    }
    out.push(Field::new(0, "Cipher Suite", m.cipher_suite.describe()));
    if !short {
        out.push(Field::new(0, "Compression Method", m.compression_method.describe()));
    }
    if m.extensions_present {
        ext_fields(out, &m.extensions, m.context());
    }
}

fn ec_group_text(curve_type: EcCurveType, group: Option<NamedGroup>) -> String {
    match group {
        Some(g) => g.describe(),
        None => curve_type.describe(),
    }
}

fn ske_fields(out: &mut Vec<Field>, m: &ServerKeyExchange<'_>) {
    let f = |out: &mut Vec<Field>, n: &str, v: &[u8]| {
        out.push(Field::new(1, format!("{n} (len={})", v.len()), hex_short(v)))
    };
    match &m.kx {
        KxParams::Ecdh { curve_type, group, point, .. } => {
            out.push(Field::new(0, "EC Diffie-Hellman Server Params", ""));
            out.push(Field::new(1, "Curve Type", curve_type.describe()));
            out.push(Field::new(1, "Named Curve", ec_group_text(*curve_type, *group)));
            f(out, "Pubkey", point);
        }
        KxParams::Dh { p, g, ys } => {
            out.push(Field::new(0, "Diffie-Hellman Server Params", format!("{}-bit p", bits(p))));
            f(out, "p", p);
            f(out, "g", g);
            f(out, "Pubkey", ys);
        }
        KxParams::Psk { hint } => {
            out.push(Field::new(0, "PSK Identity Hint", show_bytes(hint)));
        }
        KxParams::DhePsk { hint, p, g, ys } => {
            out.push(Field::new(0, "PSK Identity Hint", show_bytes(hint)));
            out.push(Field::new(0, "Diffie-Hellman Server Params", format!("{}-bit p", bits(p))));
            f(out, "p", p);
            f(out, "g", g);
            f(out, "Pubkey", ys);
        }
        KxParams::EcdhePsk { hint, curve_type, group, point } => {
            out.push(Field::new(0, "PSK Identity Hint", show_bytes(hint)));
            out.push(Field::new(0, "EC Diffie-Hellman Server Params", ""));
            out.push(Field::new(1, "Named Curve", ec_group_text(*curve_type, *group)));
            f(out, "Pubkey", point);
        }
        KxParams::Rsa { modulus, exponent } => {
            out.push(Field::new(0, "RSA-EXPORT Server Params", format!("{}-bit modulus", bits(modulus))));
            f(out, "Modulus", modulus);
            f(out, "Exponent", exponent);
        }
        KxParams::Srp { n, g, s, b } => {
            out.push(Field::new(0, "SRP Server Params", ""));
            f(out, "N", n);
            f(out, "g", g);
            f(out, "s", s);
            f(out, "B", b);
        }
        KxParams::Unknown(b) => {
            out.push(Field::new(
                0,
                "Server Key Exchange (undecoded: cipher suite unknown)",
                format!("{} bytes", b.len()),
            ));
        }
    }
    if m.signed {
        if let Some(s) = m.scheme {
            out.push(Field::new(1, "Signature Algorithm", s.describe()));
        }
        out.push(Field::new(1, "Signature Length", m.signature.len().to_string()));
        out.push(Field::new(1, "Signature", hex_short(m.signature)));
    }
}

fn cke_fields(out: &mut Vec<Field>, m: &ClientKeyExchange<'_>) {
    let f = |out: &mut Vec<Field>, n: &str, v: &[u8]| {
        out.push(Field::new(1, format!("{n} (len={})", v.len()), hex_short(v)))
    };
    match &m.kx {
        ClientKx::Rsa { encrypted_premaster, length_prefixed } => {
            out.push(Field::new(
                0,
                "RSA Encrypted PreMaster Secret",
                if *length_prefixed { "" } else { "no length prefix (SSL 3.0)" },
            ));
            f(out, "Encrypted PreMaster", encrypted_premaster);
        }
        ClientKx::Dh { public } => {
            out.push(Field::new(0, "Client Diffie-Hellman Public Value", ""));
            f(out, "Pubkey", public);
        }
        ClientKx::Ecdh { point } => {
            out.push(Field::new(0, "EC Diffie-Hellman Client Params", ""));
            f(out, "Pubkey", point);
        }
        ClientKx::Psk { identity } => out.push(Field::new(0, "PSK Identity", show_bytes(identity))),
        ClientKx::DhePsk { identity, public } => {
            out.push(Field::new(0, "PSK Identity", show_bytes(identity)));
            f(out, "Pubkey", public);
        }
        ClientKx::EcdhePsk { identity, point } => {
            out.push(Field::new(0, "PSK Identity", show_bytes(identity)));
            f(out, "Pubkey", point);
        }
        ClientKx::RsaPsk { identity, encrypted_premaster } => {
            out.push(Field::new(0, "PSK Identity", show_bytes(identity)));
            f(out, "Encrypted PreMaster", encrypted_premaster);
        }
        ClientKx::Srp { a } => {
            out.push(Field::new(0, "SRP Client Params", ""));
            f(out, "A", a);
        }
        ClientKx::Unknown(b) => {
            out.push(Field::new(
                0,
                "Client Key Exchange (undecoded: cipher suite unknown)",
                format!("{} bytes", b.len()),
            ));
        }
    }
}

/// Bit length of a big-endian unsigned integer.
fn bits(n: &[u8]) -> usize {
    match n.iter().position(|&b| b != 0) {
        Some(i) => (n.len() - i - 1) * 8 + (8 - n[i].leading_zeros() as usize),
        None => 0,
    }
}

fn show_bytes(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) if s.chars().all(|c| !c.is_control()) => format!("{s:?}"),
        _ => hex(b),
    }
}

#[cfg(test)]
#[path = "messages/tests.rs"]
mod tests;
