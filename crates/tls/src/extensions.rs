//! Hello extensions: the generic `type + opaque data` list and, per message context, the
//! decoded meaning of every extension tlsdoctor knows.
//!
//! Decoding an extension never fails the message that carries it: an extension whose
//! content does not parse is kept as [`ExtensionValue::Malformed`] with its raw bytes and
//! the [`DecodeError`]; an extension tlsdoctor does not know is
//! [`ExtensionValue::Unknown`].

use crate::codec::{DecodeError, Reader};
use crate::messages::{hex, hex_short, Field};
use crate::registry::{
    CertificateCompressionAlgorithm, CertificateStatusType, ECPointFormat, ExtensionType, HeartbeatMode,
    MaxFragmentLength, NamedGroup, ProtocolVersion, PskKeyExchangeMode, ServerNameType, SignatureScheme,
    SrtpProtectionProfile,
};

/// One extension as it is on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension<'a> {
    pub typ: ExtensionType,
    /// The extension_data, without its length prefix.
    pub data: &'a [u8],
}

/// The message an extension travels in; several extensions have different contents
/// in different messages (key_share, supported_versions, pre_shared_key, early_data...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExtensionContext {
    ClientHello,
    ServerHello,
    HelloRetryRequest,
    EncryptedExtensions,
    /// Extensions of a TLS 1.3 CertificateEntry.
    Certificate,
    CertificateRequest,
    NewSessionTicket,
}

/// Reads a u16-length-prefixed extension block.
pub fn parse_extensions<'a>(r: &mut Reader<'a>) -> Result<Vec<Extension<'a>>, DecodeError> {
    let mut block = r.sub16("extensions")?;
    let mut out = Vec::new();
    while !block.is_empty() {
        out.push(parse_one(&mut block)?);
    }
    Ok(out)
}

/// Like [`parse_extensions`] but keeps the extensions read before an error. The error
/// (if any) is returned beside them; the reader is left after the block when its
/// length prefix could be read.
pub fn parse_extensions_lenient<'a>(r: &mut Reader<'a>) -> (Vec<Extension<'a>>, Option<DecodeError>) {
    let mut block = match r.sub16("extensions") {
        Ok(b) => b,
        Err(e) => {
            r.rest();
            return (Vec::new(), Some(e));
        }
    };
    let mut out = Vec::new();
    while !block.is_empty() {
        match parse_one(&mut block) {
            Ok(e) => out.push(e),
            Err(e) => return (out, Some(e)),
        }
    }
    (out, None)
}

fn parse_one<'a>(r: &mut Reader<'a>) -> Result<Extension<'a>, DecodeError> {
    let typ = ExtensionType(r.u16("extension type")?);
    let data = r.vec16("extension data")?;
    Ok(Extension { typ, data })
}

/// Extension types that occur more than once in a list (a protocol violation).
pub fn duplicate_types(exts: &[Extension<'_>]) -> Vec<ExtensionType> {
    let mut seen: Vec<ExtensionType> = Vec::new();
    let mut dups = Vec::new();
    for e in exts {
        if seen.contains(&e.typ) {
            if !dups.contains(&e.typ) {
                dups.push(e.typ);
            }
        } else {
            seen.push(e.typ);
        }
    }
    dups
}

/// A key_share entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyShareEntry<'a> {
    pub group: NamedGroup,
    pub key_exchange: &'a [u8],
}

/// An entry of the server_name list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerName<'a> {
    pub typ: ServerNameType,
    pub name: &'a [u8],
}

impl<'a> ServerName<'a> {
    /// The host name as text, if it is a host_name in ASCII.
    pub fn host_name(&self) -> Option<&'a str> {
        // Host names are printable ASCII; anything else is shown in hex, or escaped.
        if self.typ == ServerNameType::HOST_NAME && self.name.iter().all(u8::is_ascii_graphic) {
            std::str::from_utf8(self.name).ok()
        } else {
            None
        }
    }

    /// The name as text to show: the host name, or its bytes with control characters
    /// escaped when it is not a clean one.
    pub fn text(&self) -> String {
        match self.host_name() {
            Some(h) => h.to_string(),
            None => crate::text::escape_controls(&String::from_utf8_lossy(self.name)),
        }
    }
}

/// A pre_shared_key identity offered by the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PskIdentity<'a> {
    pub identity: &'a [u8],
    pub obfuscated_ticket_age: u32,
}

/// encrypted_client_hello contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EchValue<'a> {
    /// ClientHelloOuter: HPKE suite, config id, encapsulated key and encrypted inner hello.
    Outer { kdf_id: u16, aead_id: u16, config_id: u8, enc: &'a [u8], payload: &'a [u8] },
    /// ClientHelloInner marker (no payload).
    Inner,
    /// EncryptedExtensions: ECHConfigList the client should retry with.
    RetryConfigs(&'a [u8]),
    /// HelloRetryRequest: 8-byte acceptance confirmation.
    Confirmation(&'a [u8]),
    /// Unknown ECHClientHello type.
    OtherType(u8, &'a [u8]),
}

/// A delegated credential (RFC 9345) in a CertificateEntry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DelegatedCredential<'a> {
    pub valid_time: u32,
    pub expected_cert_verify_algorithm: SignatureScheme,
    pub spki: &'a [u8],
    pub algorithm: SignatureScheme,
    pub signature: &'a [u8],
}

/// What an extension means, decoded for its message context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtensionValue<'a> {
    /// ClientHello: the names asked for.
    ServerName(Vec<ServerName<'a>>),
    /// ServerHello / EncryptedExtensions: empty, "I used your server_name".
    ServerNameAck,
    SupportedGroups(Vec<NamedGroup>),
    EcPointFormats(Vec<ECPointFormat>),
    SignatureAlgorithms(Vec<SignatureScheme>),
    SignatureAlgorithmsCert(Vec<SignatureScheme>),
    /// ClientHello: versions offered.
    SupportedVersions(Vec<ProtocolVersion>),
    /// ServerHello / HelloRetryRequest: the version chosen.
    SelectedVersion(ProtocolVersion),
    /// ClientHello: the shares offered.
    KeyShareClient(Vec<KeyShareEntry<'a>>),
    /// ServerHello: the server's share.
    KeyShareServer(KeyShareEntry<'a>),
    /// HelloRetryRequest: the group the client should use.
    KeyShareRetry(NamedGroup),
    /// ALPN protocol names (one in ServerHello / EncryptedExtensions).
    Alpn(Vec<&'a [u8]>),
    /// ClientHello status_request: OCSP responder ids and request extensions, raw.
    StatusRequest {
        status_type: CertificateStatusType,
        responder_id_list: &'a [u8],
        request_extensions: &'a [u8],
    },
    /// ServerHello (TLS 1.2) / CertificateRequest (TLS 1.3): empty acknowledgement.
    StatusRequestAck,
    /// TLS 1.3 CertificateEntry: the stapled response.
    OcspResponse {
        status_type: CertificateStatusType,
        response: &'a [u8],
    },
    /// SessionTicket (empty when asking for a new ticket).
    SessionTicket(&'a [u8]),
    ExtendedMasterSecret,
    EncryptThenMac,
    PostHandshakeAuth,
    /// renegotiated_connection (empty on an initial handshake).
    RenegotiationInfo(&'a [u8]),
    PskKeyExchangeModes(Vec<PskKeyExchangeMode>),
    /// ClientHello pre_shared_key. `binders_len` counts the binders vector with its
    /// 2-byte prefix: the binder transcript is the ClientHello without those last bytes.
    PreSharedKeyClient {
        identities: Vec<PskIdentity<'a>>,
        binders: Vec<&'a [u8]>,
        binders_len: usize,
    },
    /// ServerHello pre_shared_key: index of the accepted identity.
    PreSharedKeyServer(u16),
    /// ClientHello / EncryptedExtensions: empty.
    EarlyData,
    /// NewSessionTicket: max_early_data_size.
    EarlyDataMax(u32),
    Cookie(&'a [u8]),
    /// DER distinguished names.
    CertificateAuthorities(Vec<&'a [u8]>),
    /// CertificateRequest oid_filters: (DER OID, DER values).
    OidFilters(Vec<(&'a [u8], &'a [u8])>),
    RecordSizeLimit(u16),
    MaxFragmentLength(MaxFragmentLength),
    /// Number of padding bytes and whether they are all zero.
    Padding {
        len: usize,
        all_zero: bool,
    },
    CompressCertificate(Vec<CertificateCompressionAlgorithm>),
    Heartbeat(HeartbeatMode),
    /// use_srtp (DTLS-SRTP, RFC 5764): the protection profiles offered (one chosen in the
    /// ServerHello) and the SRTP master key identifier.
    UseSrtp {
        profiles: Vec<SrtpProtectionProfile>,
        mki: &'a [u8],
    },
    /// ClientHello: ALPN protocols with settings.
    ApplicationSettingsProtocols(Vec<&'a [u8]>),
    /// EncryptedExtensions: the settings themselves.
    ApplicationSettings(&'a [u8]),
    EncryptedClientHello(EchValue<'a>),
    /// ClientHello / CertificateRequest: schemes accepted for delegated credentials.
    DelegatedCredentialSchemes(Vec<SignatureScheme>),
    DelegatedCredential(DelegatedCredential<'a>),
    /// ClientHello: empty request.
    SignedCertificateTimestampRequest,
    /// ServerHello / CertificateEntry: the SCTs, each raw.
    SignedCertificateTimestamps(Vec<&'a [u8]>),
    /// Unknown extension type: raw bytes.
    Unknown(&'a [u8]),
    /// A known extension whose contents did not decode in this context.
    Malformed {
        data: &'a [u8],
        error: DecodeError,
    },
}

impl<'a> Extension<'a> {
    /// Decodes the contents for the message they came in. Never fails: see
    /// [`ExtensionValue::Malformed`].
    pub fn decode(&self, ctx: ExtensionContext) -> ExtensionValue<'a> {
        match decode_value(self.typ, self.data, ctx) {
            Ok(v) => v,
            Err(error) => ExtensionValue::Malformed { data: self.data, error },
        }
    }
}

fn empty<'a>(r: &Reader<'a>, v: ExtensionValue<'a>) -> Result<ExtensionValue<'a>, DecodeError> {
    r.expect_end("extension (expected empty)")?;
    Ok(v)
}

fn u16_vec<T: From<u16>>(r: &mut Reader<'_>, what: &'static str) -> Result<Vec<T>, DecodeError> {
    Ok(r.u16_list(what)?.into_iter().map(T::from).collect())
}

fn vec8_list<'a>(r: &mut Reader<'a>, what: &'static str) -> Result<Vec<&'a [u8]>, DecodeError> {
    let mut l = r.sub16(what)?;
    let mut out = Vec::new();
    while !l.is_empty() {
        out.push(l.vec8(what)?);
    }
    Ok(out)
}

fn vec16_list<'a>(r: &mut Reader<'a>, what: &'static str) -> Result<Vec<&'a [u8]>, DecodeError> {
    let mut l = r.sub16(what)?;
    let mut out = Vec::new();
    while !l.is_empty() {
        out.push(l.vec16(what)?);
    }
    Ok(out)
}

fn key_share_entry<'a>(r: &mut Reader<'a>) -> Result<KeyShareEntry<'a>, DecodeError> {
    let group = NamedGroup(r.u16("key_share group")?);
    let key_exchange = r.vec16("key_share key_exchange")?;
    Ok(KeyShareEntry { group, key_exchange })
}

fn decode_value<'a>(
    typ: ExtensionType,
    data: &'a [u8],
    ctx: ExtensionContext,
) -> Result<ExtensionValue<'a>, DecodeError> {
    use ExtensionContext as C;
    use ExtensionValue as V;
    let mut r = Reader::new(data);
    let r = &mut r;
    let v = match typ {
        ExtensionType::SERVER_NAME => {
            if data.is_empty() && ctx != C::ClientHello {
                return Ok(V::ServerNameAck);
            }
            let mut l = r.sub16("server_name list")?;
            let mut names = Vec::new();
            while !l.is_empty() {
                let typ = ServerNameType(l.u8("server_name type")?);
                let name = l.vec16("server_name")?;
                names.push(ServerName { typ, name });
            }
            V::ServerName(names)
        }
        ExtensionType::SUPPORTED_GROUPS => V::SupportedGroups(u16_vec(r, "supported_groups")?),
        ExtensionType::EC_POINT_FORMATS => {
            V::EcPointFormats(r.vec8("ec_point_formats")?.iter().map(|&b| ECPointFormat(b)).collect())
        }
        ExtensionType::SIGNATURE_ALGORITHMS => V::SignatureAlgorithms(u16_vec(r, "signature_algorithms")?),
        ExtensionType::SIGNATURE_ALGORITHMS_CERT => {
            V::SignatureAlgorithmsCert(u16_vec(r, "signature_algorithms_cert")?)
        }
        ExtensionType::SUPPORTED_VERSIONS => match ctx {
            C::ClientHello => {
                let l = r.vec8("supported_versions")?;
                if l.len() % 2 != 0 {
                    return Err(DecodeError::Invalid {
                        what: "supported_versions",
                        detail: format!("odd length {}", l.len()),
                    });
                }
                V::SupportedVersions(
                    l.chunks_exact(2).map(|c| ProtocolVersion(u16::from_be_bytes([c[0], c[1]]))).collect(),
                )
            }
            _ => V::SelectedVersion(ProtocolVersion(r.u16("selected_version")?)),
        },
        // 40: key_share of the TLS 1.3 drafts before 23.
        ExtensionType::KEY_SHARE | ExtensionType::RESERVED_KEY_SHARE_DRAFT => match ctx {
            C::ClientHello => {
                let mut l = r.sub16("client_shares")?;
                let mut shares = Vec::new();
                while !l.is_empty() {
                    shares.push(key_share_entry(&mut l)?);
                }
                V::KeyShareClient(shares)
            }
            C::HelloRetryRequest => V::KeyShareRetry(NamedGroup(r.u16("selected_group")?)),
            _ => V::KeyShareServer(key_share_entry(r)?),
        },
        ExtensionType::APPLICATION_LAYER_PROTOCOL_NEGOTIATION => V::Alpn(vec8_list(r, "alpn")?),
        ExtensionType::STATUS_REQUEST => match ctx {
            C::ClientHello => {
                let status_type = CertificateStatusType(r.u8("status_type")?);
                if status_type == CertificateStatusType::OCSP {
                    let responder_id_list = r.vec16("responder_id_list")?;
                    let request_extensions = r.vec16("request_extensions")?;
                    V::StatusRequest { status_type, responder_id_list, request_extensions }
                } else {
                    V::StatusRequest { status_type, responder_id_list: &[], request_extensions: r.rest() }
                }
            }
            C::Certificate => {
                let status_type = CertificateStatusType(r.u8("status_type")?);
                let response = r.vec24("ocsp_response")?;
                V::OcspResponse { status_type, response }
            }
            _ => empty(r, V::StatusRequestAck)?,
        },
        ExtensionType::SESSION_TICKET => V::SessionTicket(r.rest()),
        ExtensionType::EXTENDED_MASTER_SECRET => empty(r, V::ExtendedMasterSecret)?,
        ExtensionType::ENCRYPT_THEN_MAC => empty(r, V::EncryptThenMac)?,
        ExtensionType::POST_HANDSHAKE_AUTH => empty(r, V::PostHandshakeAuth)?,
        ExtensionType::RENEGOTIATION_INFO => V::RenegotiationInfo(r.vec8("renegotiated_connection")?),
        ExtensionType::PSK_KEY_EXCHANGE_MODES => {
            V::PskKeyExchangeModes(r.vec8("psk_key_exchange_modes")?.iter().map(|&b| PskKeyExchangeMode(b)).collect())
        }
        ExtensionType::PRE_SHARED_KEY => match ctx {
            C::ClientHello => {
                let mut ids = r.sub16("psk identities")?;
                let mut identities = Vec::new();
                while !ids.is_empty() {
                    let identity = ids.vec16("psk identity")?;
                    let obfuscated_ticket_age = ids.u32("obfuscated_ticket_age")?;
                    identities.push(PskIdentity { identity, obfuscated_ticket_age });
                }
                let binders_len = r.remaining();
                let mut b = r.sub16("psk binders")?;
                let mut binders = Vec::new();
                while !b.is_empty() {
                    binders.push(b.vec8("psk binder")?);
                }
                V::PreSharedKeyClient { identities, binders, binders_len }
            }
            _ => V::PreSharedKeyServer(r.u16("selected_identity")?),
        },
        ExtensionType::EARLY_DATA => match ctx {
            C::NewSessionTicket => V::EarlyDataMax(r.u32("max_early_data_size")?),
            _ => empty(r, V::EarlyData)?,
        },
        ExtensionType::COOKIE => V::Cookie(r.vec16("cookie")?),
        ExtensionType::CERTIFICATE_AUTHORITIES => V::CertificateAuthorities(vec16_list(r, "certificate_authorities")?),
        ExtensionType::OID_FILTERS => {
            let mut l = r.sub16("oid_filters")?;
            let mut out = Vec::new();
            while !l.is_empty() {
                let oid = l.vec8("certificate_extension_oid")?;
                let values = l.vec16("certificate_extension_values")?;
                out.push((oid, values));
            }
            V::OidFilters(out)
        }
        ExtensionType::RECORD_SIZE_LIMIT => V::RecordSizeLimit(r.u16("record_size_limit")?),
        ExtensionType::MAX_FRAGMENT_LENGTH => V::MaxFragmentLength(MaxFragmentLength(r.u8("max_fragment_length")?)),
        ExtensionType::PADDING => {
            let p = r.rest();
            V::Padding { len: p.len(), all_zero: p.iter().all(|&b| b == 0) }
        }
        ExtensionType::COMPRESS_CERTIFICATE => {
            let l = r.vec8("compress_certificate algorithms")?;
            if l.len() % 2 != 0 {
                return Err(DecodeError::Invalid {
                    what: "compress_certificate algorithms",
                    detail: format!("odd length {}", l.len()),
                });
            }
            V::CompressCertificate(
                l.chunks_exact(2).map(|c| CertificateCompressionAlgorithm(u16::from_be_bytes([c[0], c[1]]))).collect(),
            )
        }
        ExtensionType::HEARTBEAT => V::Heartbeat(HeartbeatMode(r.u8("heartbeat mode")?)),
        ExtensionType::USE_SRTP => {
            let profiles = u16_vec(r, "use_srtp protection profiles")?;
            V::UseSrtp { profiles, mki: r.vec8("use_srtp mki")? }
        }
        ExtensionType::APPLICATION_SETTINGS | ExtensionType::APPLICATION_SETTINGS_OLD => match ctx {
            C::ClientHello => V::ApplicationSettingsProtocols(vec8_list(r, "alps protocols")?),
            _ => V::ApplicationSettings(r.rest()),
        },
        ExtensionType::ENCRYPTED_CLIENT_HELLO => V::EncryptedClientHello(match ctx {
            C::ClientHello => match r.u8("ech type")? {
                0 => {
                    let kdf_id = r.u16("ech kdf_id")?;
                    let aead_id = r.u16("ech aead_id")?;
                    let config_id = r.u8("ech config_id")?;
                    let enc = r.vec16("ech enc")?;
                    let payload = r.vec16("ech payload")?;
                    EchValue::Outer { kdf_id, aead_id, config_id, enc, payload }
                }
                1 => EchValue::Inner,
                t => EchValue::OtherType(t, r.rest()),
            },
            C::HelloRetryRequest => EchValue::Confirmation(r.take(8, "ech confirmation")?),
            _ => EchValue::RetryConfigs(r.vec16("ech retry_configs")?),
        }),
        ExtensionType::DELEGATED_CREDENTIAL => match ctx {
            C::Certificate => {
                let valid_time = r.u32("dc valid_time")?;
                let expected_cert_verify_algorithm = SignatureScheme(r.u16("dc algorithm")?);
                let spki = r.vec24("dc spki")?;
                let algorithm = SignatureScheme(r.u16("dc signature algorithm")?);
                let signature = r.vec16("dc signature")?;
                V::DelegatedCredential(DelegatedCredential {
                    valid_time,
                    expected_cert_verify_algorithm,
                    spki,
                    algorithm,
                    signature,
                })
            }
            _ => V::DelegatedCredentialSchemes(u16_vec(r, "delegated_credential schemes")?),
        },
        ExtensionType::SIGNED_CERTIFICATE_TIMESTAMP => match ctx {
            C::ClientHello | C::CertificateRequest if data.is_empty() => V::SignedCertificateTimestampRequest,
            _ => V::SignedCertificateTimestamps(vec16_list(r, "sct list")?),
        },
        _ => V::Unknown(r.rest()),
    };
    r.expect_end("extension data")?;
    Ok(v)
}

fn list_field<T: std::fmt::Display>(out: &mut Vec<Field>, depth: u8, name: &str, items: impl IntoIterator<Item = T>) {
    for it in items {
        out.push(Field::new(depth, name, it.to_string()));
    }
}

/// An opaque protocol name (ALPN) as text when printable.
pub fn show_protocol(p: &[u8]) -> String {
    match std::str::from_utf8(p) {
        Ok(s) if s.chars().all(|c| !c.is_control()) => s.to_string(),
        _ => hex(p),
    }
}

impl ExtensionValue<'_> {
    /// A one-line summary, e.g. "x25519, secp256r1" or "h2, http/1.1".
    pub fn summary(&self) -> String {
        use ExtensionValue as V;
        fn join<T: std::fmt::Display>(v: &[T]) -> String {
            v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ")
        }
        match self {
            V::ServerName(n) => n
                .iter()
                .map(|s| match s.host_name() {
                    Some(h) => h.to_string(),
                    None => hex(s.name),
                })
                .collect::<Vec<_>>()
                .join(", "),
            V::ServerNameAck => "acknowledged".into(),
            V::SupportedGroups(g) => join(g),
            V::EcPointFormats(f) => join(f),
            V::SignatureAlgorithms(s) | V::SignatureAlgorithmsCert(s) => join(s),
            V::DelegatedCredentialSchemes(s) => join(s),
            V::SupportedVersions(v) => join(v),
            V::SelectedVersion(v) => v.to_string(),
            V::KeyShareClient(k) => k.iter().map(|e| e.group.to_string()).collect::<Vec<_>>().join(", "),
            V::KeyShareServer(e) => format!("{} ({} bytes)", e.group, e.key_exchange.len()),
            V::KeyShareRetry(g) => format!("selected group {g}"),
            V::Alpn(p) | V::ApplicationSettingsProtocols(p) => {
                p.iter().map(|p| show_protocol(p)).collect::<Vec<_>>().join(", ")
            }
            V::StatusRequest { status_type, .. } => status_type.to_string(),
            V::StatusRequestAck => "acknowledged".into(),
            V::OcspResponse { response, .. } => format!("OCSP response ({} bytes)", response.len()),
            V::SessionTicket(t) => format!("{} bytes", t.len()),
            V::ExtendedMasterSecret | V::EncryptThenMac | V::PostHandshakeAuth | V::EarlyData => String::new(),
            V::RenegotiationInfo(r) => {
                if r.is_empty() {
                    "initial handshake".into()
                } else {
                    format!("renegotiated_connection {}", hex(r))
                }
            }
            V::PskKeyExchangeModes(m) => join(m),
            V::PreSharedKeyClient { identities, .. } => format!("{} identities", identities.len()),
            V::PreSharedKeyServer(i) => format!("selected identity {i}"),
            V::EarlyDataMax(m) => format!("max_early_data_size {m}"),
            V::Cookie(c) => format!("{} bytes", c.len()),
            V::CertificateAuthorities(c) => format!("{} names", c.len()),
            V::OidFilters(f) => format!("{} filters", f.len()),
            V::RecordSizeLimit(l) => l.to_string(),
            V::MaxFragmentLength(m) => m.to_string(),
            V::Padding { len, .. } => format!("{len} bytes"),
            V::CompressCertificate(a) => join(a),
            V::Heartbeat(m) => m.to_string(),
            V::UseSrtp { profiles, .. } => join(profiles),
            V::ApplicationSettings(s) => format!("{} bytes", s.len()),
            V::EncryptedClientHello(e) => match e {
                EchValue::Outer { config_id, .. } => format!("outer, config_id {config_id}"),
                EchValue::Inner => "inner".into(),
                EchValue::RetryConfigs(c) => format!("retry_configs ({} bytes)", c.len()),
                EchValue::Confirmation(c) => format!("confirmation {}", hex(c)),
                EchValue::OtherType(t, _) => format!("unknown type {t}"),
            },
            V::DelegatedCredential(d) => format!("{} valid_time {}", d.algorithm, d.valid_time),
            V::SignedCertificateTimestampRequest => "request".into(),
            V::SignedCertificateTimestamps(s) => format!("{} SCTs", s.len()),
            V::Unknown(d) => format!("{} bytes", d.len()),
            V::Malformed { error, .. } => format!("malformed: {error}"),
        }
    }

    /// The decoded contents as display fields at `depth`.
    pub fn fields(&self, depth: u8) -> Vec<Field> {
        use ExtensionValue as V;
        let mut out = Vec::new();
        let d = depth;
        match self {
            V::ServerName(names) => {
                for n in names {
                    match n.host_name() {
                        Some(h) => out.push(Field::new(d, "Server Name", h)),
                        None => out.push(Field::new(d, format!("Server Name ({})", n.typ), hex(n.name))),
                    }
                }
            }
            V::SupportedGroups(g) => {
                out.push(Field::new(d, format!("Supported Groups ({} groups)", g.len()), ""));
                list_field(&mut out, d + 1, "Supported Group", g.iter().map(|x| x.describe()));
            }
            V::EcPointFormats(f) => list_field(&mut out, d, "EC point format", f.iter().map(|x| x.describe())),
            V::SignatureAlgorithms(s) | V::SignatureAlgorithmsCert(s) | V::DelegatedCredentialSchemes(s) => {
                out.push(Field::new(d, format!("Signature Hash Algorithms ({} algorithms)", s.len()), ""));
                list_field(&mut out, d + 1, "Signature Algorithm", s.iter().map(|x| x.describe()));
            }
            V::SupportedVersions(v) => list_field(&mut out, d, "Supported Version", v.iter().map(|x| x.describe())),
            V::SelectedVersion(v) => out.push(Field::new(d, "Supported Version", v.describe())),
            V::KeyShareClient(k) => {
                out.push(Field::new(d, format!("Client Key Share ({} shares)", k.len()), ""));
                for e in k {
                    out.push(Field::new(
                        d + 1,
                        "Key Share Entry",
                        format!("Group: {}, Key Exchange length: {}", e.group.describe(), e.key_exchange.len()),
                    ));
                    out.push(Field::new(d + 2, "Key Exchange", hex_short(e.key_exchange)));
                }
            }
            V::KeyShareServer(e) => {
                out.push(Field::new(d, "Group", e.group.describe()));
                out.push(Field::new(d, "Key Exchange Length", e.key_exchange.len().to_string()));
                out.push(Field::new(d, "Key Exchange", hex_short(e.key_exchange)));
            }
            V::KeyShareRetry(g) => out.push(Field::new(d, "Selected Group", g.describe())),
            V::Alpn(p) | V::ApplicationSettingsProtocols(p) => {
                list_field(&mut out, d, "ALPN Next Protocol", p.iter().map(|x| show_protocol(x)))
            }
            V::StatusRequest { status_type, responder_id_list, request_extensions } => {
                out.push(Field::new(d, "Certificate Status Type", status_type.describe()));
                out.push(Field::new(d, "Responder ID list Length", responder_id_list.len().to_string()));
                out.push(Field::new(d, "Request Extensions Length", request_extensions.len().to_string()));
            }
            V::OcspResponse { status_type, response } => {
                out.push(Field::new(d, "Certificate Status Type", status_type.describe()));
                out.push(Field::new(d, "OCSP Response Length", response.len().to_string()));
            }
            V::SessionTicket(t) => {
                if !t.is_empty() {
                    out.push(Field::new(d, "Data", hex_short(t)))
                }
            }
            V::RenegotiationInfo(r) => out.push(Field::new(d, "Renegotiated Connection", hex(r))),
            V::PskKeyExchangeModes(m) => {
                list_field(&mut out, d, "PSK Key Exchange Mode", m.iter().map(|x| x.describe()))
            }
            V::PreSharedKeyClient { identities, binders, .. } => {
                out.push(Field::new(d, format!("Identities ({})", identities.len()), ""));
                for i in identities {
                    out.push(Field::new(d + 1, "Identity", hex_short(i.identity)));
                    out.push(Field::new(d + 2, "Obfuscated Ticket Age", i.obfuscated_ticket_age.to_string()));
                }
                out.push(Field::new(d, format!("PSK Binders ({})", binders.len()), ""));
                list_field(&mut out, d + 1, "PSK Binder", binders.iter().map(|b| hex(b)));
            }
            V::PreSharedKeyServer(i) => out.push(Field::new(d, "Selected Identity", i.to_string())),
            V::EarlyDataMax(m) => out.push(Field::new(d, "Maximum Early Data Size", m.to_string())),
            V::Cookie(c) => out.push(Field::new(d, "Cookie", hex_short(c))),
            V::CertificateAuthorities(c) => {
                out.push(Field::new(d, format!("Distinguished Names ({})", c.len()), ""));
                list_field(&mut out, d + 1, "Distinguished Name", c.iter().map(|n| format!("{} bytes", n.len())));
            }
            V::OidFilters(f) => {
                for (oid, vals) in f {
                    out.push(Field::new(d, "OID Filter", format!("oid {} values {}", hex(oid), hex_short(vals))));
                }
            }
            V::RecordSizeLimit(l) => out.push(Field::new(d, "Record Size Limit", l.to_string())),
            V::MaxFragmentLength(m) => out.push(Field::new(d, "Maximum Fragment Length", m.describe())),
            V::Padding { len, all_zero } => out.push(Field::new(
                d,
                "Padding Data",
                format!("{len} bytes{}", if *all_zero { "" } else { " (not all zero)" }),
            )),
            V::CompressCertificate(a) => list_field(&mut out, d, "Algorithm", a.iter().map(|x| x.describe())),
            V::Heartbeat(m) => out.push(Field::new(d, "Mode", m.describe())),
            V::UseSrtp { profiles, mki } => {
                list_field(&mut out, d, "SRTP Protection Profile", profiles.iter().map(|x| x.describe()));
                out.push(Field::new(d, "MKI", if mki.is_empty() { "none".to_string() } else { hex(mki) }));
            }
            V::ApplicationSettings(s) => out.push(Field::new(d, "Settings", hex_short(s))),
            V::EncryptedClientHello(e) => match e {
                EchValue::Outer { kdf_id, aead_id, config_id, enc, payload } => {
                    out.push(Field::new(d, "Client Hello type", "Outer Client Hello (0)"));
                    out.push(Field::new(d, "Cipher Suite", format!("KDF {kdf_id:#06x}, AEAD {aead_id:#06x}")));
                    out.push(Field::new(d, "Config Id", config_id.to_string()));
                    out.push(Field::new(d, "Enc", hex_short(enc)));
                    out.push(Field::new(d, "Payload Length", payload.len().to_string()));
                }
                EchValue::Inner => out.push(Field::new(d, "Client Hello type", "Inner Client Hello (1)")),
                EchValue::RetryConfigs(c) => out.push(Field::new(d, "Retry Configs", hex_short(c))),
                EchValue::Confirmation(c) => out.push(Field::new(d, "Confirmation", hex(c))),
                EchValue::OtherType(t, rest) => {
                    out.push(Field::new(d, "Client Hello type", format!("unknown ({t})")));
                    out.push(Field::new(d, "Data", hex_short(rest)));
                }
            },
            V::DelegatedCredential(dc) => {
                out.push(Field::new(d, "Valid Time", dc.valid_time.to_string()));
                out.push(Field::new(d, "Expected Cert Verify Algorithm", dc.expected_cert_verify_algorithm.describe()));
                out.push(Field::new(d, "Public Key Length", dc.spki.len().to_string()));
                out.push(Field::new(d, "Signature Algorithm", dc.algorithm.describe()));
                out.push(Field::new(d, "Signature Length", dc.signature.len().to_string()));
            }
            V::SignedCertificateTimestamps(s) => {
                list_field(&mut out, d, "Signed Certificate Timestamp", s.iter().map(|x| format!("{} bytes", x.len())))
            }
            V::Unknown(data) => {
                if !data.is_empty() {
                    out.push(Field::new(d, "Data", hex_short(data)))
                }
            }
            V::Malformed { data, error } => {
                out.push(Field::new(d, "Malformed", error.to_string()));
                out.push(Field::new(d, "Data", hex_short(data)));
            }
            V::ServerNameAck
            | V::StatusRequestAck
            | V::ExtendedMasterSecret
            | V::EncryptThenMac
            | V::PostHandshakeAuth
            | V::EarlyData
            | V::SignedCertificateTimestampRequest => {}
        }
        out
    }
}

/// Display fields for an extension list: "Extension: server_name (len=14)" with the
/// decoded contents beneath.
pub fn extension_fields(exts: &[Extension<'_>], ctx: ExtensionContext, depth: u8) -> Vec<Field> {
    let mut out = Vec::new();
    for e in exts {
        let v = e.decode(ctx);
        let summary = v.summary();
        out.push(Field::new(depth, format!("Extension: {} (len={})", e.typ, e.data.len()), summary));
        out.extend(v.fields(depth + 1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(typ: u16, data: &[u8]) -> Extension<'_> {
        Extension { typ: ExtensionType(typ), data }
    }

    #[test]
    fn key_share_differs_by_context() {
        let ch = [0, 6, 0, 0x1d, 0, 2, 0xaa, 0xbb];
        assert_eq!(
            ext(51, &ch).decode(ExtensionContext::ClientHello),
            ExtensionValue::KeyShareClient(vec![KeyShareEntry {
                group: NamedGroup::X25519,
                key_exchange: &[0xaa, 0xbb]
            }])
        );
        assert_eq!(
            ext(51, &ch[2..]).decode(ExtensionContext::ServerHello),
            ExtensionValue::KeyShareServer(KeyShareEntry { group: NamedGroup::X25519, key_exchange: &[0xaa, 0xbb] })
        );
        assert_eq!(
            ext(51, &[0x11, 0xec]).decode(ExtensionContext::HelloRetryRequest),
            ExtensionValue::KeyShareRetry(NamedGroup::X25519MLKEM768)
        );
    }

    #[test]
    fn use_srtp_names_its_profiles_and_mki() {
        // RFC 5764 4.1.1: SRTPProtectionProfiles<2..2^16-1>, srtp_mki<0..255>.
        let offer = [0, 4, 0, 0x07, 0, 0x01, 0];
        let v = ext(14, &offer).decode(ExtensionContext::ClientHello);
        let profiles =
            vec![SrtpProtectionProfile::SRTP_AEAD_AES_128_GCM, SrtpProtectionProfile::SRTP_AES128_CM_HMAC_SHA1_80];
        assert_eq!(v, ExtensionValue::UseSrtp { profiles, mki: &[] });
        assert_eq!(v.summary(), "SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80");
        let chosen = [0, 2, 0, 0x02, 2, 0xab, 0xcd];
        let v = ext(14, &chosen).decode(ExtensionContext::ServerHello);
        assert_eq!(
            v,
            ExtensionValue::UseSrtp {
                profiles: vec![SrtpProtectionProfile::SRTP_AES128_CM_HMAC_SHA1_32],
                mki: &[0xab, 0xcd]
            }
        );
        assert!(matches!(ext(14, &offer[..5]).decode(ExtensionContext::ClientHello), ExtensionValue::Malformed { .. }));
    }

    #[test]
    fn malformed_keeps_bytes_and_error() {
        // server_name list length says 5 but only 3 bytes follow.
        let data = [0, 5, 0, 0, 1];
        match ext(0, &data).decode(ExtensionContext::ClientHello) {
            ExtensionValue::Malformed { data: d, error } => {
                assert_eq!(d, &data);
                assert!(matches!(error, DecodeError::Truncated { needed: 5, available: 3, .. }));
            }
            other => panic!("expected Malformed, got {other:?}"),
        }
        // extended_master_secret must be empty.
        assert!(matches!(
            ext(23, &[1]).decode(ExtensionContext::ServerHello),
            ExtensionValue::Malformed { error: DecodeError::TrailingData { extra: 1, .. }, .. }
        ));
    }

    #[test]
    fn supported_versions_and_psk() {
        let sv = [4, 0x03, 0x04, 0x03, 0x03];
        assert_eq!(
            ext(43, &sv).decode(ExtensionContext::ClientHello),
            ExtensionValue::SupportedVersions(vec![ProtocolVersion::TLS_1_3, ProtocolVersion::TLS_1_2])
        );
        assert_eq!(
            ext(43, &[3, 4]).decode(ExtensionContext::ServerHello),
            ExtensionValue::SelectedVersion(ProtocolVersion::TLS_1_3)
        );
        // one identity "ab" age 7, one 3-byte binder.
        let psk = [0, 8, 0, 2, b'a', b'b', 0, 0, 0, 7, 0, 4, 3, 1, 2, 3];
        match ext(41, &psk).decode(ExtensionContext::ClientHello) {
            ExtensionValue::PreSharedKeyClient { identities, binders, binders_len } => {
                assert_eq!(identities[0].identity, b"ab");
                assert_eq!(identities[0].obfuscated_ticket_age, 7);
                assert_eq!(binders, vec![&[1u8, 2, 3][..]]);
                assert_eq!(binders_len, 6);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lenient_block_keeps_what_parsed() {
        // block of 9 bytes: one good empty extension (23), then a truncated one.
        let data = [0, 9, 0, 23, 0, 0, 0, 16, 0, 5, 1];
        let mut r = Reader::new(&data);
        let (exts, err) = parse_extensions_lenient(&mut r);
        assert_eq!(exts.len(), 1);
        assert_eq!(exts[0].typ, ExtensionType::EXTENDED_MASTER_SECRET);
        assert!(err.is_some());
        assert!(parse_extensions(&mut Reader::new(&data)).is_err());
    }
}
