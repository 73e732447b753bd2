//! The IANA TLS registries as open enums.
//!
//! Every registry is a newtype over its wire integer (`CipherSuite(pub u16)`, rustls
//! style): unknown values are kept as they are and shown as `unknown (0x1234)`, GREASE
//! values (RFC 8701) as `GREASE (0x0a0a)`. Each type has associated constants for the
//! assigned values, `name()` with the IANA spelling, and `Display`.
//!
//! The big tables (cipher suites, groups, extensions, ...) at the end of this file were
//! generated from Wireshark 4.0's value strings (`tshark -G values`) completed with IANA
//! registry entries Wireshark 4.0 lacks (ML-KEM hybrids, ML-DSA, brainpool TLS 1.3
//! curves, GOST, newer extensions). Where Wireshark and IANA spell a name differently
//! the IANA spelling wins.

use std::fmt;

/// RFC 8701 GREASE for 16-bit registries: both bytes equal and of the form 0x?a.
pub fn is_grease_u16(v: u16) -> bool {
    (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff)
}

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident($repr:ty), width = $w:literal, grease = $grease:tt;
        $( $konst:ident = $val:literal => $text:literal, )*
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $repr);

        impl $name {
            $( #[doc = $text] pub const $konst: $name = $name($val); )*

            /// The registry name (IANA spelling), if the value is assigned.
            pub fn name(self) -> Option<&'static str> {
                #[allow(unreachable_patterns)]
                match self.0 {
                    $( $val => Some($text), )*
                    _ => None,
                }
            }

            /// Every named value, in wire order.
            pub fn all() -> &'static [$name] {
                &[$( $name($val), )*]
            }

            open_enum!(@grease $grease $repr);

            /// Name and code, as Wireshark shows them: `x25519 (0x001d)`.
            pub fn describe(self) -> String {
                match self.name() {
                    Some(n) => format!("{} ({:#0w$x})", n, self.0, w = $w),
                    None => self.to_string(),
                }
            }
        }

        impl From<$repr> for $name {
            fn from(v: $repr) -> Self {
                $name(v)
            }
        }

        impl From<$name> for $repr {
            fn from(v: $name) -> Self {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None if self.is_grease() => write!(f, "GREASE ({:#0w$x})", self.0, w = $w),
                    None => write!(f, "unknown ({:#0w$x})", self.0, w = $w),
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({}, {:#0w$x})", stringify!($name), self, self.0, w = $w)
            }
        }
    };
    (@grease u16 $repr:ty) => {
        /// RFC 8701 GREASE value (0x?a?a).
        pub fn is_grease(self) -> bool {
            is_grease_u16(self.0)
        }
    };
    (@grease psk $repr:ty) => {
        /// RFC 8701 GREASE value for PSK key exchange modes (0x0b, 0x2a, ... 0xe4).
        pub fn is_grease(self) -> bool {
            self.0 % 0x1f == 0x0b
        }
    };
    (@grease none $repr:ty) => {
        /// This registry has no GREASE values.
        pub fn is_grease(self) -> bool {
            false
        }
    };
}

// ---------------------------------------------------------------------------------
// Hand-written extras.

impl ProtocolVersion {
    /// Datagram TLS (any version).
    pub fn is_dtls(self) -> bool {
        matches!(self.0, 0x0100 | 0xfeff | 0xfefd | 0xfefc)
    }

    /// TLS 1.3 or one of its drafts (including DTLS 1.3).
    pub fn is_tls13(self) -> bool {
        self.0 == 0x0304 || self.0 == 0xfefc || (self.0 >> 8) == 0x7f || matches!(self.0, 0xfb17 | 0xfb1a)
    }

    /// The TLS 1.3 draft this version names: 0x7fNN is draft NN, and Facebook's
    /// 0xfb17 / 0xfb1a are its variants of drafts 23 / 26. None for any other version.
    pub fn tls13_draft(self) -> Option<u8> {
        match self.0 {
            0x7f00..=0x7fff | 0xfb17 | 0xfb1a => Some(self.0 as u8),
            _ => None,
        }
    }

    /// What TLS 1.3 under this version does differently from RFC 8446: nothing for
    /// RFC 8446 and every other version; for a draft, the changes made after it, as
    /// Wireshark's dissector decodes them.
    pub fn tls13_quirks(self) -> Tls13Quirks {
        let Some(draft) = self.tls13_draft() else {
            return Tls13Quirks { dtls: self.0 == 0xfefc, ..Tls13Quirks::default() };
        };
        Tls13Quirks {
            dtls: false,
            old_labels: draft < 20,
            no_ticket_nonce: draft < 21,
            short_server_hello: draft < 22,
            empty_additional_data: draft < 25,
        }
    }

    /// Whether signatures carry a SignatureAndHashAlgorithm / SignatureScheme prefix
    /// (TLS 1.2, TLS 1.3, DTLS 1.2, DTLS 1.3). `None` if the version is not known.
    pub fn has_signature_scheme(self) -> Option<bool> {
        match self.0 {
            0x0303 | 0xfefd => Some(true),
            _ if self.is_tls13() => Some(true),
            0x0002 | 0x0300 | 0x0301 | 0x0302 | 0xfeff | 0x0100 => Some(false),
            _ => None,
        }
    }

    /// Wireshark's protocol column spelling: "TLSv1.2", "TLSv1", "SSLv3", "DTLSv1.2".
    pub fn wireshark_name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x0002 => "SSLv2",
            0x0300 => "SSLv3",
            0x0301 => "TLSv1",
            0x0302 => "TLSv1.1",
            0x0303 => "TLSv1.2",
            0x0304 => "TLSv1.3",
            0x0100 => "DTLS 1.0 (OpenSSL pre 0.9.8f)",
            0xfeff => "DTLSv1.0",
            0xfefd => "DTLSv1.2",
            0xfefc => "DTLSv1.3",
            0x0101 => "GMTLS",
            _ if self.is_tls13() => "TLSv1.3",
            _ => return None,
        })
    }
}

/// How a TLS 1.3 draft differs from RFC 8446 (see [`ProtocolVersion::tls13_quirks`]);
/// all false for RFC 8446.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tls13Quirks {
    /// DTLS 1.3 (RFC 9147 5.9): HKDF labels start with "dtls13" instead of "tls13 ".
    pub dtls: bool,
    /// Before draft 20: HKDF labels start with "TLS 1.3, " instead of "tls13 ", and a
    /// KeyUpdate derives the next secret with "application traffic secret" instead of
    /// "traffic upd".
    pub old_labels: bool,
    /// Before draft 21: NewSessionTicket has no ticket_nonce.
    pub no_ticket_nonce: bool,
    /// Before draft 22: the ServerHello has no session id and no compression method
    /// (its version field is the draft's, there is no supported_versions extension).
    pub short_server_hello: bool,
    /// Before draft 25: records are sealed with empty additional data instead of their
    /// header.
    pub empty_additional_data: bool,
}

impl Tls13Quirks {
    /// The prefix of every HKDF-Expand-Label label.
    pub fn label_prefix(self) -> &'static [u8] {
        if self.old_labels {
            b"TLS 1.3, "
        } else if self.dtls {
            b"dtls13"
        } else {
            b"tls13 "
        }
    }

    /// The label that derives the next application traffic secret at a KeyUpdate.
    pub fn key_update_label(self) -> &'static [u8] {
        if self.old_labels {
            b"application traffic secret"
        } else {
            b"traffic upd"
        }
    }
}

impl HandshakeType {
    /// Wireshark's Info column spelling: "Client Hello", "Server Key Exchange", ...
    pub fn info_name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "Hello Request",
            1 => "Client Hello",
            2 => "Server Hello",
            3 => "Hello Verify Request",
            4 => "New Session Ticket",
            5 => "End of Early Data",
            6 => "Hello Retry Request",
            8 => "Encrypted Extensions",
            9 => "Request Connection Id",
            10 => "New Connection Id",
            11 => "Certificate",
            12 => "Server Key Exchange",
            13 => "Certificate Request",
            14 => "Server Hello Done",
            15 => "Certificate Verify",
            16 => "Client Key Exchange",
            17 => "Client Certificate Request",
            20 => "Finished",
            21 => "Client Certificate URL",
            22 => "Certificate Status",
            23 => "Supplemental Data",
            24 => "Key Update",
            25 => "Compressed Certificate",
            26 => "EKT Key",
            67 => "Next Protocol",
            254 => "Message Hash",
            _ => return None,
        })
    }
}

impl AlertLevel {
    /// Wireshark's spelling: "Warning", "Fatal".
    pub fn info_name(self) -> Option<&'static str> {
        match self.0 {
            1 => Some("Warning"),
            2 => Some("Fatal"),
            _ => None,
        }
    }
}

impl AlertDescription {
    /// Wireshark's Info column spelling: "Decrypt Error", "Handshake Failure", ...
    pub fn info_name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "Close Notify",
            1 => "End of Early Data",
            10 => "Unexpected Message",
            20 => "Bad Record MAC",
            21 => "Decryption Failed",
            22 => "Record Overflow",
            30 => "Decompression Failure",
            40 => "Handshake Failure",
            41 => "No Certificate",
            42 => "Bad Certificate",
            43 => "Unsupported Certificate",
            44 => "Certificate Revoked",
            45 => "Certificate Expired",
            46 => "Certificate Unknown",
            47 => "Illegal Parameter",
            48 => "Unknown CA",
            49 => "Access Denied",
            50 => "Decode Error",
            51 => "Decrypt Error",
            52 => "Too Many CIDs Requested",
            60 => "Export Restriction",
            70 => "Protocol Version",
            71 => "Insufficient Security",
            80 => "Internal Error",
            86 => "Inappropriate Fallback",
            90 => "User Canceled",
            100 => "No Renegotiation",
            109 => "Missing Extension",
            110 => "Unsupported Extension",
            111 => "Certificate Unobtainable",
            112 => "Unrecognized Name",
            113 => "Bad Certificate Status Response",
            114 => "Bad Certificate Hash Value",
            115 => "Unknown PSK Identity",
            116 => "Certificate Required",
            117 => "General Error",
            120 => "No application Protocol",
            121 => "ECH Required",
            _ => return None,
        })
    }
}

impl SignatureScheme {
    /// The TLS 1.2 view of the code: (HashAlgorithm, SignatureAlgorithm).
    pub fn hash_and_signature(self) -> (u8, u8) {
        ((self.0 >> 8) as u8, self.0 as u8)
    }
}

/// How the premaster secret is agreed, as far as the wire format of ServerKeyExchange
/// and ClientKeyExchange is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyExchange {
    /// RSA key transport (ServerKeyExchange only for export / ephemeral RSA keys).
    Rsa,
    /// Static DH from the certificate (DH_RSA, DH_DSS).
    Dh,
    /// Ephemeral finite-field DH, signed.
    Dhe,
    /// Static ECDH from the certificate (ECDH_RSA, ECDH_ECDSA).
    Ecdh,
    /// Ephemeral ECDH, signed.
    Ecdhe,
    Psk,
    DhePsk,
    EcdhePsk,
    RsaPsk,
    /// Anonymous ephemeral DH: params, no signature.
    DhAnon,
    /// Anonymous ephemeral ECDH: params, no signature.
    EcdhAnon,
    Srp,
    Krb5,
    /// TLS 1.3 suite: key exchange is negotiated by extensions.
    Tls13,
    /// GOST, FORTEZZA, ECCPWD, ECJPAKE, SM (GM/T), NULL.
    Other,
}

/// Who proves their identity with what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Authentication {
    Rsa,
    Dss,
    Ecdsa,
    Psk,
    /// No authentication (anon suites, TLS_NULL_WITH_NULL_NULL).
    Anon,
    /// SRP without a certificate.
    Srp,
    Krb5,
    /// TLS 1.3: negotiated by signature_algorithms.
    Tls13,
    Other,
}

/// What a cipher suite's name says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuiteInfo {
    pub key_exchange: KeyExchange,
    pub authentication: Authentication,
    /// A TLS 1.3 suite (no key exchange or authentication in the name).
    pub tls13: bool,
    /// An export suite (40/56-bit, RSA/DH key limited to 512/1024 bits).
    pub export: bool,
    /// The part after `_WITH_`: cipher and MAC, e.g. "AES_128_GCM_SHA256".
    pub bulk: &'static str,
}

impl SuiteInfo {
    /// Whether ServerKeyExchange carries a signature for this suite.
    pub fn ske_signed(&self) -> bool {
        matches!(self.key_exchange, KeyExchange::Dhe | KeyExchange::Ecdhe | KeyExchange::Rsa | KeyExchange::Srp)
            && matches!(self.authentication, Authentication::Rsa | Authentication::Dss | Authentication::Ecdsa)
    }
}

impl CipherSuite {
    /// Signalling values that are not real suites.
    pub fn is_scsv(self) -> bool {
        matches!(self.0, 0x00ff | 0x5600)
    }

    /// Key exchange, authentication and TLS 1.3-ness, derived from the IANA name.
    /// `None` for unknown values, GREASE and signalling suites.
    pub fn info(self) -> Option<SuiteInfo> {
        if self.is_scsv() {
            return None;
        }
        let name = self.name()?;
        let body = name.strip_prefix("TLS_").or_else(|| name.strip_prefix("SSL_")).unwrap_or(name);
        let Some((kx, bulk)) = body.split_once("_WITH_") else {
            // TLS 1.3 suites: TLS_AES_128_GCM_SHA256, TLS_SM4_GCM_SM3, TLS_SHA256_SHA256;
            // also the GM/T suites (ECDHE_SM4_CBC_SM3), which are not TLS 1.3.
            if name.starts_with("TLS_") {
                return Some(SuiteInfo {
                    key_exchange: KeyExchange::Tls13,
                    authentication: Authentication::Tls13,
                    tls13: true,
                    export: false,
                    bulk: body,
                });
            }
            return Some(SuiteInfo {
                key_exchange: KeyExchange::Other,
                authentication: Authentication::Other,
                tls13: false,
                export: false,
                bulk: name,
            });
        };
        let export = kx.contains("EXPORT");
        let kx = kx.trim_end_matches("_EXPORT1024").trim_end_matches("_EXPORT").trim_end_matches("_FIPS");
        use Authentication as A;
        use KeyExchange as K;
        let (key_exchange, authentication) = match kx {
            "RSA" => (K::Rsa, A::Rsa),
            "DH_RSA" => (K::Dh, A::Rsa),
            "DH_DSS" => (K::Dh, A::Dss),
            "DHE_RSA" => (K::Dhe, A::Rsa),
            "DHE_DSS" => (K::Dhe, A::Dss),
            "DH_anon" => (K::DhAnon, A::Anon),
            "ECDH_RSA" => (K::Ecdh, A::Rsa),
            "ECDH_ECDSA" => (K::Ecdh, A::Ecdsa),
            "ECDHE_RSA" => (K::Ecdhe, A::Rsa),
            "ECDHE_ECDSA" => (K::Ecdhe, A::Ecdsa),
            "ECDH_anon" => (K::EcdhAnon, A::Anon),
            "PSK" => (K::Psk, A::Psk),
            "DHE_PSK" | "PSK_DHE" => (K::DhePsk, A::Psk),
            "ECDHE_PSK" => (K::EcdhePsk, A::Psk),
            "RSA_PSK" => (K::RsaPsk, A::Psk),
            "SRP_SHA" => (K::Srp, A::Srp),
            "SRP_SHA_RSA" => (K::Srp, A::Rsa),
            "SRP_SHA_DSS" => (K::Srp, A::Dss),
            "KRB5" => (K::Krb5, A::Krb5),
            "NULL" => (K::Other, A::Anon),
            _ => (K::Other, A::Other),
        };
        Some(SuiteInfo { key_exchange, authentication, tls13: false, export, bulk })
    }
}

/// Names of SSL 2.0 cipher specs (3-byte codes in an SSLv2 ClientHello). Specs whose
/// first byte is 0 are TLS cipher suites: see [`CipherSuite`].
pub fn sslv2_cipher_spec_name(spec: u32) -> Option<&'static str> {
    Some(match spec {
        0x010080 => "SSL2_RC4_128_WITH_MD5",
        0x020080 => "SSL2_RC4_128_EXPORT40_WITH_MD5",
        0x030080 => "SSL2_RC2_128_CBC_WITH_MD5",
        0x040080 => "SSL2_RC2_128_CBC_EXPORT40_WITH_MD5",
        0x050080 => "SSL2_IDEA_128_CBC_WITH_MD5",
        0x060040 => "SSL2_DES_64_CBC_WITH_MD5",
        0x0700c0 => "SSL2_DES_192_EDE3_CBC_WITH_MD5",
        0x080080 => "SSL2_RC4_64_WITH_MD5",
        _ if spec >> 16 == 0 => return CipherSuite(spec as u16).name(),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------
// Generated tables.

open_enum! {
    /// TLS ContentType (record layer).
    ContentType(u8), width = 4, grease = none;
    CHANGE_CIPHER_SPEC = 20 => "change_cipher_spec",
    ALERT = 21 => "alert",
    HANDSHAKE = 22 => "handshake",
    APPLICATION_DATA = 23 => "application_data",
    HEARTBEAT = 24 => "heartbeat",
    TLS12_CID = 25 => "tls12_cid",
    ACK = 26 => "ACK",
}

open_enum! {
    /// TLS ProtocolVersion (record, hello and supported_versions).
    ProtocolVersion(u16), width = 6, grease = u16;
    SSL_2_0 = 0x0002 => "SSL 2.0",
    DTLS_1_0_OPENSSL_PRE_0_9_8F = 0x0100 => "DTLS 1.0 (OpenSSL pre 0.9.8f)",
    GMTLS = 0x0101 => "GMTLS",
    SSL_3_0 = 0x0300 => "SSL 3.0",
    TLS_1_0 = 0x0301 => "TLS 1.0",
    TLS_1_1 = 0x0302 => "TLS 1.1",
    TLS_1_2 = 0x0303 => "TLS 1.2",
    TLS_1_3 = 0x0304 => "TLS 1.3",
    TLS_1_3_DRAFT_0 = 0x7f00 => "TLS 1.3 (draft 0)",
    TLS_1_3_DRAFT_1 = 0x7f01 => "TLS 1.3 (draft 1)",
    TLS_1_3_DRAFT_2 = 0x7f02 => "TLS 1.3 (draft 2)",
    TLS_1_3_DRAFT_3 = 0x7f03 => "TLS 1.3 (draft 3)",
    TLS_1_3_DRAFT_4 = 0x7f04 => "TLS 1.3 (draft 4)",
    TLS_1_3_DRAFT_5 = 0x7f05 => "TLS 1.3 (draft 5)",
    TLS_1_3_DRAFT_6 = 0x7f06 => "TLS 1.3 (draft 6)",
    TLS_1_3_DRAFT_7 = 0x7f07 => "TLS 1.3 (draft 7)",
    TLS_1_3_DRAFT_8 = 0x7f08 => "TLS 1.3 (draft 8)",
    TLS_1_3_DRAFT_9 = 0x7f09 => "TLS 1.3 (draft 9)",
    TLS_1_3_DRAFT_10 = 0x7f0a => "TLS 1.3 (draft 10)",
    TLS_1_3_DRAFT_11 = 0x7f0b => "TLS 1.3 (draft 11)",
    TLS_1_3_DRAFT_12 = 0x7f0c => "TLS 1.3 (draft 12)",
    TLS_1_3_DRAFT_13 = 0x7f0d => "TLS 1.3 (draft 13)",
    TLS_1_3_DRAFT_14 = 0x7f0e => "TLS 1.3 (draft 14)",
    TLS_1_3_DRAFT_15 = 0x7f0f => "TLS 1.3 (draft 15)",
    TLS_1_3_DRAFT_16 = 0x7f10 => "TLS 1.3 (draft 16)",
    TLS_1_3_DRAFT_17 = 0x7f11 => "TLS 1.3 (draft 17)",
    TLS_1_3_DRAFT_18 = 0x7f12 => "TLS 1.3 (draft 18)",
    TLS_1_3_DRAFT_19 = 0x7f13 => "TLS 1.3 (draft 19)",
    TLS_1_3_DRAFT_20 = 0x7f14 => "TLS 1.3 (draft 20)",
    TLS_1_3_DRAFT_21 = 0x7f15 => "TLS 1.3 (draft 21)",
    TLS_1_3_DRAFT_22 = 0x7f16 => "TLS 1.3 (draft 22)",
    TLS_1_3_DRAFT_23 = 0x7f17 => "TLS 1.3 (draft 23)",
    TLS_1_3_DRAFT_24 = 0x7f18 => "TLS 1.3 (draft 24)",
    TLS_1_3_DRAFT_25 = 0x7f19 => "TLS 1.3 (draft 25)",
    TLS_1_3_DRAFT_26 = 0x7f1a => "TLS 1.3 (draft 26)",
    TLS_1_3_DRAFT_27 = 0x7f1b => "TLS 1.3 (draft 27)",
    TLS_1_3_DRAFT_28 = 0x7f1c => "TLS 1.3 (draft 28)",
    TLS_1_3_FACEBOOK_DRAFT_23 = 0xfb17 => "TLS 1.3 (Facebook draft 23)",
    TLS_1_3_FACEBOOK_DRAFT_26 = 0xfb1a => "TLS 1.3 (Facebook draft 26)",
    DTLS_1_3 = 0xfefc => "DTLS 1.3",
    DTLS_1_2 = 0xfefd => "DTLS 1.2",
    DTLS_1_0 = 0xfeff => "DTLS 1.0",
}

open_enum! {
    /// TLS HandshakeType.
    HandshakeType(u8), width = 4, grease = none;
    HELLO_REQUEST = 0 => "hello_request",
    CLIENT_HELLO = 1 => "client_hello",
    SERVER_HELLO = 2 => "server_hello",
    HELLO_VERIFY_REQUEST = 3 => "hello_verify_request",
    NEW_SESSION_TICKET = 4 => "new_session_ticket",
    END_OF_EARLY_DATA = 5 => "end_of_early_data",
    HELLO_RETRY_REQUEST = 6 => "hello_retry_request",
    ENCRYPTED_EXTENSIONS = 8 => "encrypted_extensions",
    REQUEST_CONNECTION_ID = 9 => "request_connection_id",
    NEW_CONNECTION_ID = 10 => "new_connection_id",
    CERTIFICATE = 11 => "certificate",
    SERVER_KEY_EXCHANGE = 12 => "server_key_exchange",
    CERTIFICATE_REQUEST = 13 => "certificate_request",
    SERVER_HELLO_DONE = 14 => "server_hello_done",
    CERTIFICATE_VERIFY = 15 => "certificate_verify",
    CLIENT_KEY_EXCHANGE = 16 => "client_key_exchange",
    CLIENT_CERTIFICATE_REQUEST = 17 => "client_certificate_request",
    FINISHED = 20 => "finished",
    CERTIFICATE_URL = 21 => "certificate_url",
    CERTIFICATE_STATUS = 22 => "certificate_status",
    SUPPLEMENTAL_DATA = 23 => "supplemental_data",
    KEY_UPDATE = 24 => "key_update",
    COMPRESSED_CERTIFICATE = 25 => "compressed_certificate",
    EKT_KEY = 26 => "ekt_key",
    NEXT_PROTOCOL = 67 => "next_protocol",
    MESSAGE_HASH = 254 => "message_hash",
}

open_enum! {
    /// TLS AlertLevel.
    AlertLevel(u8), width = 4, grease = none;
    WARNING = 1 => "warning",
    FATAL = 2 => "fatal",
}

open_enum! {
    /// TLS AlertDescription.
    AlertDescription(u8), width = 4, grease = none;
    CLOSE_NOTIFY = 0 => "close_notify",
    END_OF_EARLY_DATA = 1 => "end_of_early_data",
    UNEXPECTED_MESSAGE = 10 => "unexpected_message",
    BAD_RECORD_MAC = 20 => "bad_record_mac",
    DECRYPTION_FAILED = 21 => "decryption_failed",
    RECORD_OVERFLOW = 22 => "record_overflow",
    DECOMPRESSION_FAILURE = 30 => "decompression_failure",
    HANDSHAKE_FAILURE = 40 => "handshake_failure",
    NO_CERTIFICATE = 41 => "no_certificate",
    BAD_CERTIFICATE = 42 => "bad_certificate",
    UNSUPPORTED_CERTIFICATE = 43 => "unsupported_certificate",
    CERTIFICATE_REVOKED = 44 => "certificate_revoked",
    CERTIFICATE_EXPIRED = 45 => "certificate_expired",
    CERTIFICATE_UNKNOWN = 46 => "certificate_unknown",
    ILLEGAL_PARAMETER = 47 => "illegal_parameter",
    UNKNOWN_CA = 48 => "unknown_ca",
    ACCESS_DENIED = 49 => "access_denied",
    DECODE_ERROR = 50 => "decode_error",
    DECRYPT_ERROR = 51 => "decrypt_error",
    TOO_MANY_CIDS_REQUESTED = 52 => "too_many_cids_requested",
    EXPORT_RESTRICTION = 60 => "export_restriction",
    PROTOCOL_VERSION = 70 => "protocol_version",
    INSUFFICIENT_SECURITY = 71 => "insufficient_security",
    INTERNAL_ERROR = 80 => "internal_error",
    INAPPROPRIATE_FALLBACK = 86 => "inappropriate_fallback",
    USER_CANCELED = 90 => "user_canceled",
    NO_RENEGOTIATION = 100 => "no_renegotiation",
    MISSING_EXTENSION = 109 => "missing_extension",
    UNSUPPORTED_EXTENSION = 110 => "unsupported_extension",
    CERTIFICATE_UNOBTAINABLE = 111 => "certificate_unobtainable",
    UNRECOGNIZED_NAME = 112 => "unrecognized_name",
    BAD_CERTIFICATE_STATUS_RESPONSE = 113 => "bad_certificate_status_response",
    BAD_CERTIFICATE_HASH_VALUE = 114 => "bad_certificate_hash_value",
    UNKNOWN_PSK_IDENTITY = 115 => "unknown_psk_identity",
    CERTIFICATE_REQUIRED = 116 => "certificate_required",
    GENERAL_ERROR = 117 => "general_error",
    NO_APPLICATION_PROTOCOL = 120 => "no_application_protocol",
    ECH_REQUIRED = 121 => "ech_required",
}

open_enum! {
    /// TLS CipherSuite: the whole IANA registry plus the legacy and vendor values Wireshark
    /// names (SSL 3.0 FORTEZZA/FIPS, EXPORT1024, draft ChaCha20, GOST, GM/T SM).
    CipherSuite(u16), width = 6, grease = u16;
    TLS_NULL_WITH_NULL_NULL = 0x0000 => "TLS_NULL_WITH_NULL_NULL",
    TLS_RSA_WITH_NULL_MD5 = 0x0001 => "TLS_RSA_WITH_NULL_MD5",
    TLS_RSA_WITH_NULL_SHA = 0x0002 => "TLS_RSA_WITH_NULL_SHA",
    TLS_RSA_EXPORT_WITH_RC4_40_MD5 = 0x0003 => "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
    TLS_RSA_WITH_RC4_128_MD5 = 0x0004 => "TLS_RSA_WITH_RC4_128_MD5",
    TLS_RSA_WITH_RC4_128_SHA = 0x0005 => "TLS_RSA_WITH_RC4_128_SHA",
    TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5 = 0x0006 => "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5",
    TLS_RSA_WITH_IDEA_CBC_SHA = 0x0007 => "TLS_RSA_WITH_IDEA_CBC_SHA",
    TLS_RSA_EXPORT_WITH_DES40_CBC_SHA = 0x0008 => "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",
    TLS_RSA_WITH_DES_CBC_SHA = 0x0009 => "TLS_RSA_WITH_DES_CBC_SHA",
    TLS_RSA_WITH_3DES_EDE_CBC_SHA = 0x000a => "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA = 0x000b => "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA",
    TLS_DH_DSS_WITH_DES_CBC_SHA = 0x000c => "TLS_DH_DSS_WITH_DES_CBC_SHA",
    TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA = 0x000d => "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA",
    TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA = 0x000e => "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA",
    TLS_DH_RSA_WITH_DES_CBC_SHA = 0x000f => "TLS_DH_RSA_WITH_DES_CBC_SHA",
    TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA = 0x0010 => "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA",
    TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA = 0x0011 => "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA",
    TLS_DHE_DSS_WITH_DES_CBC_SHA = 0x0012 => "TLS_DHE_DSS_WITH_DES_CBC_SHA",
    TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA = 0x0013 => "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
    TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA = 0x0014 => "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA",
    TLS_DHE_RSA_WITH_DES_CBC_SHA = 0x0015 => "TLS_DHE_RSA_WITH_DES_CBC_SHA",
    TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA = 0x0016 => "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
    TLS_DH_ANON_EXPORT_WITH_RC4_40_MD5 = 0x0017 => "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5",
    TLS_DH_ANON_WITH_RC4_128_MD5 = 0x0018 => "TLS_DH_anon_WITH_RC4_128_MD5",
    TLS_DH_ANON_EXPORT_WITH_DES40_CBC_SHA = 0x0019 => "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA",
    TLS_DH_ANON_WITH_DES_CBC_SHA = 0x001a => "TLS_DH_anon_WITH_DES_CBC_SHA",
    TLS_DH_ANON_WITH_3DES_EDE_CBC_SHA = 0x001b => "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA",
    SSL_FORTEZZA_KEA_WITH_NULL_SHA = 0x001c => "SSL_FORTEZZA_KEA_WITH_NULL_SHA",
    SSL_FORTEZZA_KEA_WITH_FORTEZZA_CBC_SHA = 0x001d => "SSL_FORTEZZA_KEA_WITH_FORTEZZA_CBC_SHA",
    TLS_KRB5_WITH_DES_CBC_SHA = 0x001e => "TLS_KRB5_WITH_DES_CBC_SHA",
    TLS_KRB5_WITH_3DES_EDE_CBC_SHA = 0x001f => "TLS_KRB5_WITH_3DES_EDE_CBC_SHA",
    TLS_KRB5_WITH_RC4_128_SHA = 0x0020 => "TLS_KRB5_WITH_RC4_128_SHA",
    TLS_KRB5_WITH_IDEA_CBC_SHA = 0x0021 => "TLS_KRB5_WITH_IDEA_CBC_SHA",
    TLS_KRB5_WITH_DES_CBC_MD5 = 0x0022 => "TLS_KRB5_WITH_DES_CBC_MD5",
    TLS_KRB5_WITH_3DES_EDE_CBC_MD5 = 0x0023 => "TLS_KRB5_WITH_3DES_EDE_CBC_MD5",
    TLS_KRB5_WITH_RC4_128_MD5 = 0x0024 => "TLS_KRB5_WITH_RC4_128_MD5",
    TLS_KRB5_WITH_IDEA_CBC_MD5 = 0x0025 => "TLS_KRB5_WITH_IDEA_CBC_MD5",
    TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA = 0x0026 => "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA",
    TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA = 0x0027 => "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA",
    TLS_KRB5_EXPORT_WITH_RC4_40_SHA = 0x0028 => "TLS_KRB5_EXPORT_WITH_RC4_40_SHA",
    TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5 = 0x0029 => "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5",
    TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5 = 0x002a => "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5",
    TLS_KRB5_EXPORT_WITH_RC4_40_MD5 = 0x002b => "TLS_KRB5_EXPORT_WITH_RC4_40_MD5",
    TLS_PSK_WITH_NULL_SHA = 0x002c => "TLS_PSK_WITH_NULL_SHA",
    TLS_DHE_PSK_WITH_NULL_SHA = 0x002d => "TLS_DHE_PSK_WITH_NULL_SHA",
    TLS_RSA_PSK_WITH_NULL_SHA = 0x002e => "TLS_RSA_PSK_WITH_NULL_SHA",
    TLS_RSA_WITH_AES_128_CBC_SHA = 0x002f => "TLS_RSA_WITH_AES_128_CBC_SHA",
    TLS_DH_DSS_WITH_AES_128_CBC_SHA = 0x0030 => "TLS_DH_DSS_WITH_AES_128_CBC_SHA",
    TLS_DH_RSA_WITH_AES_128_CBC_SHA = 0x0031 => "TLS_DH_RSA_WITH_AES_128_CBC_SHA",
    TLS_DHE_DSS_WITH_AES_128_CBC_SHA = 0x0032 => "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
    TLS_DHE_RSA_WITH_AES_128_CBC_SHA = 0x0033 => "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
    TLS_DH_ANON_WITH_AES_128_CBC_SHA = 0x0034 => "TLS_DH_anon_WITH_AES_128_CBC_SHA",
    TLS_RSA_WITH_AES_256_CBC_SHA = 0x0035 => "TLS_RSA_WITH_AES_256_CBC_SHA",
    TLS_DH_DSS_WITH_AES_256_CBC_SHA = 0x0036 => "TLS_DH_DSS_WITH_AES_256_CBC_SHA",
    TLS_DH_RSA_WITH_AES_256_CBC_SHA = 0x0037 => "TLS_DH_RSA_WITH_AES_256_CBC_SHA",
    TLS_DHE_DSS_WITH_AES_256_CBC_SHA = 0x0038 => "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
    TLS_DHE_RSA_WITH_AES_256_CBC_SHA = 0x0039 => "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
    TLS_DH_ANON_WITH_AES_256_CBC_SHA = 0x003a => "TLS_DH_anon_WITH_AES_256_CBC_SHA",
    TLS_RSA_WITH_NULL_SHA256 = 0x003b => "TLS_RSA_WITH_NULL_SHA256",
    TLS_RSA_WITH_AES_128_CBC_SHA256 = 0x003c => "TLS_RSA_WITH_AES_128_CBC_SHA256",
    TLS_RSA_WITH_AES_256_CBC_SHA256 = 0x003d => "TLS_RSA_WITH_AES_256_CBC_SHA256",
    TLS_DH_DSS_WITH_AES_128_CBC_SHA256 = 0x003e => "TLS_DH_DSS_WITH_AES_128_CBC_SHA256",
    TLS_DH_RSA_WITH_AES_128_CBC_SHA256 = 0x003f => "TLS_DH_RSA_WITH_AES_128_CBC_SHA256",
    TLS_DHE_DSS_WITH_AES_128_CBC_SHA256 = 0x0040 => "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
    TLS_RSA_WITH_CAMELLIA_128_CBC_SHA = 0x0041 => "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA",
    TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA = 0x0042 => "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA",
    TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA = 0x0043 => "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA",
    TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA = 0x0044 => "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA",
    TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA = 0x0045 => "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA",
    TLS_DH_ANON_WITH_CAMELLIA_128_CBC_SHA = 0x0046 => "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA",
    TLS_RSA_EXPORT1024_WITH_RC4_56_MD5 = 0x0060 => "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5",
    TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5 = 0x0061 => "TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5",
    TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA = 0x0062 => "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA",
    TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA = 0x0063 => "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA",
    TLS_RSA_EXPORT1024_WITH_RC4_56_SHA = 0x0064 => "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA",
    TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA = 0x0065 => "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA",
    TLS_DHE_DSS_WITH_RC4_128_SHA = 0x0066 => "TLS_DHE_DSS_WITH_RC4_128_SHA",
    TLS_DHE_RSA_WITH_AES_128_CBC_SHA256 = 0x0067 => "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
    TLS_DH_DSS_WITH_AES_256_CBC_SHA256 = 0x0068 => "TLS_DH_DSS_WITH_AES_256_CBC_SHA256",
    TLS_DH_RSA_WITH_AES_256_CBC_SHA256 = 0x0069 => "TLS_DH_RSA_WITH_AES_256_CBC_SHA256",
    TLS_DHE_DSS_WITH_AES_256_CBC_SHA256 = 0x006a => "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
    TLS_DHE_RSA_WITH_AES_256_CBC_SHA256 = 0x006b => "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
    TLS_DH_ANON_WITH_AES_128_CBC_SHA256 = 0x006c => "TLS_DH_anon_WITH_AES_128_CBC_SHA256",
    TLS_DH_ANON_WITH_AES_256_CBC_SHA256 = 0x006d => "TLS_DH_anon_WITH_AES_256_CBC_SHA256",
    TLS_GOSTR341094_WITH_28147_CNT_IMIT = 0x0080 => "TLS_GOSTR341094_WITH_28147_CNT_IMIT",
    TLS_GOSTR341001_WITH_28147_CNT_IMIT = 0x0081 => "TLS_GOSTR341001_WITH_28147_CNT_IMIT",
    TLS_GOSTR341094_WITH_NULL_GOSTR3411 = 0x0082 => "TLS_GOSTR341094_WITH_NULL_GOSTR3411",
    TLS_GOSTR341001_WITH_NULL_GOSTR3411 = 0x0083 => "TLS_GOSTR341001_WITH_NULL_GOSTR3411",
    TLS_RSA_WITH_CAMELLIA_256_CBC_SHA = 0x0084 => "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA",
    TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA = 0x0085 => "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA",
    TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA = 0x0086 => "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA",
    TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA = 0x0087 => "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA",
    TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA = 0x0088 => "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA",
    TLS_DH_ANON_WITH_CAMELLIA_256_CBC_SHA = 0x0089 => "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA",
    TLS_PSK_WITH_RC4_128_SHA = 0x008a => "TLS_PSK_WITH_RC4_128_SHA",
    TLS_PSK_WITH_3DES_EDE_CBC_SHA = 0x008b => "TLS_PSK_WITH_3DES_EDE_CBC_SHA",
    TLS_PSK_WITH_AES_128_CBC_SHA = 0x008c => "TLS_PSK_WITH_AES_128_CBC_SHA",
    TLS_PSK_WITH_AES_256_CBC_SHA = 0x008d => "TLS_PSK_WITH_AES_256_CBC_SHA",
    TLS_DHE_PSK_WITH_RC4_128_SHA = 0x008e => "TLS_DHE_PSK_WITH_RC4_128_SHA",
    TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA = 0x008f => "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA",
    TLS_DHE_PSK_WITH_AES_128_CBC_SHA = 0x0090 => "TLS_DHE_PSK_WITH_AES_128_CBC_SHA",
    TLS_DHE_PSK_WITH_AES_256_CBC_SHA = 0x0091 => "TLS_DHE_PSK_WITH_AES_256_CBC_SHA",
    TLS_RSA_PSK_WITH_RC4_128_SHA = 0x0092 => "TLS_RSA_PSK_WITH_RC4_128_SHA",
    TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA = 0x0093 => "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA",
    TLS_RSA_PSK_WITH_AES_128_CBC_SHA = 0x0094 => "TLS_RSA_PSK_WITH_AES_128_CBC_SHA",
    TLS_RSA_PSK_WITH_AES_256_CBC_SHA = 0x0095 => "TLS_RSA_PSK_WITH_AES_256_CBC_SHA",
    TLS_RSA_WITH_SEED_CBC_SHA = 0x0096 => "TLS_RSA_WITH_SEED_CBC_SHA",
    TLS_DH_DSS_WITH_SEED_CBC_SHA = 0x0097 => "TLS_DH_DSS_WITH_SEED_CBC_SHA",
    TLS_DH_RSA_WITH_SEED_CBC_SHA = 0x0098 => "TLS_DH_RSA_WITH_SEED_CBC_SHA",
    TLS_DHE_DSS_WITH_SEED_CBC_SHA = 0x0099 => "TLS_DHE_DSS_WITH_SEED_CBC_SHA",
    TLS_DHE_RSA_WITH_SEED_CBC_SHA = 0x009a => "TLS_DHE_RSA_WITH_SEED_CBC_SHA",
    TLS_DH_ANON_WITH_SEED_CBC_SHA = 0x009b => "TLS_DH_anon_WITH_SEED_CBC_SHA",
    TLS_RSA_WITH_AES_128_GCM_SHA256 = 0x009c => "TLS_RSA_WITH_AES_128_GCM_SHA256",
    TLS_RSA_WITH_AES_256_GCM_SHA384 = 0x009d => "TLS_RSA_WITH_AES_256_GCM_SHA384",
    TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 = 0x009e => "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 = 0x009f => "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
    TLS_DH_RSA_WITH_AES_128_GCM_SHA256 = 0x00a0 => "TLS_DH_RSA_WITH_AES_128_GCM_SHA256",
    TLS_DH_RSA_WITH_AES_256_GCM_SHA384 = 0x00a1 => "TLS_DH_RSA_WITH_AES_256_GCM_SHA384",
    TLS_DHE_DSS_WITH_AES_128_GCM_SHA256 = 0x00a2 => "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256",
    TLS_DHE_DSS_WITH_AES_256_GCM_SHA384 = 0x00a3 => "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384",
    TLS_DH_DSS_WITH_AES_128_GCM_SHA256 = 0x00a4 => "TLS_DH_DSS_WITH_AES_128_GCM_SHA256",
    TLS_DH_DSS_WITH_AES_256_GCM_SHA384 = 0x00a5 => "TLS_DH_DSS_WITH_AES_256_GCM_SHA384",
    TLS_DH_ANON_WITH_AES_128_GCM_SHA256 = 0x00a6 => "TLS_DH_anon_WITH_AES_128_GCM_SHA256",
    TLS_DH_ANON_WITH_AES_256_GCM_SHA384 = 0x00a7 => "TLS_DH_anon_WITH_AES_256_GCM_SHA384",
    TLS_PSK_WITH_AES_128_GCM_SHA256 = 0x00a8 => "TLS_PSK_WITH_AES_128_GCM_SHA256",
    TLS_PSK_WITH_AES_256_GCM_SHA384 = 0x00a9 => "TLS_PSK_WITH_AES_256_GCM_SHA384",
    TLS_DHE_PSK_WITH_AES_128_GCM_SHA256 = 0x00aa => "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256",
    TLS_DHE_PSK_WITH_AES_256_GCM_SHA384 = 0x00ab => "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384",
    TLS_RSA_PSK_WITH_AES_128_GCM_SHA256 = 0x00ac => "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256",
    TLS_RSA_PSK_WITH_AES_256_GCM_SHA384 = 0x00ad => "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384",
    TLS_PSK_WITH_AES_128_CBC_SHA256 = 0x00ae => "TLS_PSK_WITH_AES_128_CBC_SHA256",
    TLS_PSK_WITH_AES_256_CBC_SHA384 = 0x00af => "TLS_PSK_WITH_AES_256_CBC_SHA384",
    TLS_PSK_WITH_NULL_SHA256 = 0x00b0 => "TLS_PSK_WITH_NULL_SHA256",
    TLS_PSK_WITH_NULL_SHA384 = 0x00b1 => "TLS_PSK_WITH_NULL_SHA384",
    TLS_DHE_PSK_WITH_AES_128_CBC_SHA256 = 0x00b2 => "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256",
    TLS_DHE_PSK_WITH_AES_256_CBC_SHA384 = 0x00b3 => "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384",
    TLS_DHE_PSK_WITH_NULL_SHA256 = 0x00b4 => "TLS_DHE_PSK_WITH_NULL_SHA256",
    TLS_DHE_PSK_WITH_NULL_SHA384 = 0x00b5 => "TLS_DHE_PSK_WITH_NULL_SHA384",
    TLS_RSA_PSK_WITH_AES_128_CBC_SHA256 = 0x00b6 => "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256",
    TLS_RSA_PSK_WITH_AES_256_CBC_SHA384 = 0x00b7 => "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384",
    TLS_RSA_PSK_WITH_NULL_SHA256 = 0x00b8 => "TLS_RSA_PSK_WITH_NULL_SHA256",
    TLS_RSA_PSK_WITH_NULL_SHA384 = 0x00b9 => "TLS_RSA_PSK_WITH_NULL_SHA384",
    TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256 = 0x00ba => "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256",
    TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256 = 0x00bb => "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256",
    TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256 = 0x00bc => "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256",
    TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256 = 0x00bd => "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256",
    TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256 = 0x00be => "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256",
    TLS_DH_ANON_WITH_CAMELLIA_128_CBC_SHA256 = 0x00bf => "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256",
    TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256 = 0x00c0 => "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256",
    TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256 = 0x00c1 => "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256",
    TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256 = 0x00c2 => "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256",
    TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256 = 0x00c3 => "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256",
    TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256 = 0x00c4 => "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256",
    TLS_DH_ANON_WITH_CAMELLIA_256_CBC_SHA256 = 0x00c5 => "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256",
    TLS_SM4_GCM_SM3 = 0x00c6 => "TLS_SM4_GCM_SM3",
    TLS_SM4_CCM_SM3 = 0x00c7 => "TLS_SM4_CCM_SM3",
    TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff => "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
    TLS_AES_128_GCM_SHA256 = 0x1301 => "TLS_AES_128_GCM_SHA256",
    TLS_AES_256_GCM_SHA384 = 0x1302 => "TLS_AES_256_GCM_SHA384",
    TLS_CHACHA20_POLY1305_SHA256 = 0x1303 => "TLS_CHACHA20_POLY1305_SHA256",
    TLS_AES_128_CCM_SHA256 = 0x1304 => "TLS_AES_128_CCM_SHA256",
    TLS_AES_128_CCM_8_SHA256 = 0x1305 => "TLS_AES_128_CCM_8_SHA256",
    TLS_AEGIS_256_SHA512 = 0x1306 => "TLS_AEGIS_256_SHA512",
    TLS_AEGIS_128L_SHA256 = 0x1307 => "TLS_AEGIS_128L_SHA256",
    TLS_FALLBACK_SCSV = 0x5600 => "TLS_FALLBACK_SCSV",
    TLS_ECDH_ECDSA_WITH_NULL_SHA = 0xc001 => "TLS_ECDH_ECDSA_WITH_NULL_SHA",
    TLS_ECDH_ECDSA_WITH_RC4_128_SHA = 0xc002 => "TLS_ECDH_ECDSA_WITH_RC4_128_SHA",
    TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA = 0xc003 => "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA",
    TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA = 0xc004 => "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA",
    TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA = 0xc005 => "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA",
    TLS_ECDHE_ECDSA_WITH_NULL_SHA = 0xc006 => "TLS_ECDHE_ECDSA_WITH_NULL_SHA",
    TLS_ECDHE_ECDSA_WITH_RC4_128_SHA = 0xc007 => "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
    TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA = 0xc008 => "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA",
    TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA = 0xc009 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA = 0xc00a => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    TLS_ECDH_RSA_WITH_NULL_SHA = 0xc00b => "TLS_ECDH_RSA_WITH_NULL_SHA",
    TLS_ECDH_RSA_WITH_RC4_128_SHA = 0xc00c => "TLS_ECDH_RSA_WITH_RC4_128_SHA",
    TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA = 0xc00d => "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA",
    TLS_ECDH_RSA_WITH_AES_128_CBC_SHA = 0xc00e => "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA",
    TLS_ECDH_RSA_WITH_AES_256_CBC_SHA = 0xc00f => "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA",
    TLS_ECDHE_RSA_WITH_NULL_SHA = 0xc010 => "TLS_ECDHE_RSA_WITH_NULL_SHA",
    TLS_ECDHE_RSA_WITH_RC4_128_SHA = 0xc011 => "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
    TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA = 0xc012 => "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
    TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA = 0xc013 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA = 0xc014 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    TLS_ECDH_ANON_WITH_NULL_SHA = 0xc015 => "TLS_ECDH_anon_WITH_NULL_SHA",
    TLS_ECDH_ANON_WITH_RC4_128_SHA = 0xc016 => "TLS_ECDH_anon_WITH_RC4_128_SHA",
    TLS_ECDH_ANON_WITH_3DES_EDE_CBC_SHA = 0xc017 => "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA",
    TLS_ECDH_ANON_WITH_AES_128_CBC_SHA = 0xc018 => "TLS_ECDH_anon_WITH_AES_128_CBC_SHA",
    TLS_ECDH_ANON_WITH_AES_256_CBC_SHA = 0xc019 => "TLS_ECDH_anon_WITH_AES_256_CBC_SHA",
    TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA = 0xc01a => "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA",
    TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA = 0xc01b => "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA",
    TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA = 0xc01c => "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA",
    TLS_SRP_SHA_WITH_AES_128_CBC_SHA = 0xc01d => "TLS_SRP_SHA_WITH_AES_128_CBC_SHA",
    TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA = 0xc01e => "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA",
    TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA = 0xc01f => "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA",
    TLS_SRP_SHA_WITH_AES_256_CBC_SHA = 0xc020 => "TLS_SRP_SHA_WITH_AES_256_CBC_SHA",
    TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA = 0xc021 => "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA",
    TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA = 0xc022 => "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA",
    TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 = 0xc023 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 = 0xc024 => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
    TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256 = 0xc025 => "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256",
    TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384 = 0xc026 => "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384",
    TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 = 0xc027 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 = 0xc028 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256 = 0xc029 => "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256",
    TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384 = 0xc02a => "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384",
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xc02b => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = 0xc02c => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256 = 0xc02d => "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256",
    TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384 = 0xc02e => "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384",
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xc02f => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xc030 => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256 = 0xc031 => "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256",
    TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384 = 0xc032 => "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384",
    TLS_ECDHE_PSK_WITH_RC4_128_SHA = 0xc033 => "TLS_ECDHE_PSK_WITH_RC4_128_SHA",
    TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA = 0xc034 => "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA",
    TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA = 0xc035 => "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA",
    TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA = 0xc036 => "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA",
    TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256 = 0xc037 => "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256",
    TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384 = 0xc038 => "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384",
    TLS_ECDHE_PSK_WITH_NULL_SHA = 0xc039 => "TLS_ECDHE_PSK_WITH_NULL_SHA",
    TLS_ECDHE_PSK_WITH_NULL_SHA256 = 0xc03a => "TLS_ECDHE_PSK_WITH_NULL_SHA256",
    TLS_ECDHE_PSK_WITH_NULL_SHA384 = 0xc03b => "TLS_ECDHE_PSK_WITH_NULL_SHA384",
    TLS_RSA_WITH_ARIA_128_CBC_SHA256 = 0xc03c => "TLS_RSA_WITH_ARIA_128_CBC_SHA256",
    TLS_RSA_WITH_ARIA_256_CBC_SHA384 = 0xc03d => "TLS_RSA_WITH_ARIA_256_CBC_SHA384",
    TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256 = 0xc03e => "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256",
    TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384 = 0xc03f => "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384",
    TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256 = 0xc040 => "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256",
    TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384 = 0xc041 => "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384",
    TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256 = 0xc042 => "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256",
    TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384 = 0xc043 => "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384",
    TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256 = 0xc044 => "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256",
    TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384 = 0xc045 => "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384",
    TLS_DH_ANON_WITH_ARIA_128_CBC_SHA256 = 0xc046 => "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256",
    TLS_DH_ANON_WITH_ARIA_256_CBC_SHA384 = 0xc047 => "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384",
    TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256 = 0xc048 => "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256",
    TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384 = 0xc049 => "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384",
    TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256 = 0xc04a => "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256",
    TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384 = 0xc04b => "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384",
    TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256 = 0xc04c => "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256",
    TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384 = 0xc04d => "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384",
    TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256 = 0xc04e => "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256",
    TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384 = 0xc04f => "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384",
    TLS_RSA_WITH_ARIA_128_GCM_SHA256 = 0xc050 => "TLS_RSA_WITH_ARIA_128_GCM_SHA256",
    TLS_RSA_WITH_ARIA_256_GCM_SHA384 = 0xc051 => "TLS_RSA_WITH_ARIA_256_GCM_SHA384",
    TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256 = 0xc052 => "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256",
    TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384 = 0xc053 => "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384",
    TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256 = 0xc054 => "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256",
    TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384 = 0xc055 => "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384",
    TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256 = 0xc056 => "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256",
    TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384 = 0xc057 => "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384",
    TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256 = 0xc058 => "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256",
    TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384 = 0xc059 => "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384",
    TLS_DH_ANON_WITH_ARIA_128_GCM_SHA256 = 0xc05a => "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256",
    TLS_DH_ANON_WITH_ARIA_256_GCM_SHA384 = 0xc05b => "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384",
    TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256 = 0xc05c => "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256",
    TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384 = 0xc05d => "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384",
    TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256 = 0xc05e => "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256",
    TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384 = 0xc05f => "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384",
    TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256 = 0xc060 => "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256",
    TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384 = 0xc061 => "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384",
    TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256 = 0xc062 => "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256",
    TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384 = 0xc063 => "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384",
    TLS_PSK_WITH_ARIA_128_CBC_SHA256 = 0xc064 => "TLS_PSK_WITH_ARIA_128_CBC_SHA256",
    TLS_PSK_WITH_ARIA_256_CBC_SHA384 = 0xc065 => "TLS_PSK_WITH_ARIA_256_CBC_SHA384",
    TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256 = 0xc066 => "TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256",
    TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384 = 0xc067 => "TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384",
    TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256 = 0xc068 => "TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256",
    TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384 = 0xc069 => "TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384",
    TLS_PSK_WITH_ARIA_128_GCM_SHA256 = 0xc06a => "TLS_PSK_WITH_ARIA_128_GCM_SHA256",
    TLS_PSK_WITH_ARIA_256_GCM_SHA384 = 0xc06b => "TLS_PSK_WITH_ARIA_256_GCM_SHA384",
    TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256 = 0xc06c => "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256",
    TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384 = 0xc06d => "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384",
    TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256 = 0xc06e => "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256",
    TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384 = 0xc06f => "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384",
    TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256 = 0xc070 => "TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256",
    TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384 = 0xc071 => "TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384",
    TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256 = 0xc072 => "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256",
    TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384 = 0xc073 => "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384",
    TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256 = 0xc074 => "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256",
    TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384 = 0xc075 => "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384",
    TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256 = 0xc076 => "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256",
    TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384 = 0xc077 => "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384",
    TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256 = 0xc078 => "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256",
    TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384 = 0xc079 => "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384",
    TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256 = 0xc07a => "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256",
    TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384 = 0xc07b => "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384",
    TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256 = 0xc07c => "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256",
    TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384 = 0xc07d => "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384",
    TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256 = 0xc07e => "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256",
    TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384 = 0xc07f => "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384",
    TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256 = 0xc080 => "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256",
    TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384 = 0xc081 => "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384",
    TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256 = 0xc082 => "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256",
    TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384 = 0xc083 => "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384",
    TLS_DH_ANON_WITH_CAMELLIA_128_GCM_SHA256 = 0xc084 => "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256",
    TLS_DH_ANON_WITH_CAMELLIA_256_GCM_SHA384 = 0xc085 => "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384",
    TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256 = 0xc086 => "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256",
    TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384 = 0xc087 => "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384",
    TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256 = 0xc088 => "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256",
    TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384 = 0xc089 => "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384",
    TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256 = 0xc08a => "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256",
    TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384 = 0xc08b => "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384",
    TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256 = 0xc08c => "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256",
    TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384 = 0xc08d => "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384",
    TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256 = 0xc08e => "TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256",
    TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384 = 0xc08f => "TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384",
    TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256 = 0xc090 => "TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256",
    TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384 = 0xc091 => "TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384",
    TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256 = 0xc092 => "TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256",
    TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384 = 0xc093 => "TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384",
    TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256 = 0xc094 => "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256",
    TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384 = 0xc095 => "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384",
    TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256 = 0xc096 => "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256",
    TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384 = 0xc097 => "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384",
    TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256 = 0xc098 => "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256",
    TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384 = 0xc099 => "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384",
    TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256 = 0xc09a => "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256",
    TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384 = 0xc09b => "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384",
    TLS_RSA_WITH_AES_128_CCM = 0xc09c => "TLS_RSA_WITH_AES_128_CCM",
    TLS_RSA_WITH_AES_256_CCM = 0xc09d => "TLS_RSA_WITH_AES_256_CCM",
    TLS_DHE_RSA_WITH_AES_128_CCM = 0xc09e => "TLS_DHE_RSA_WITH_AES_128_CCM",
    TLS_DHE_RSA_WITH_AES_256_CCM = 0xc09f => "TLS_DHE_RSA_WITH_AES_256_CCM",
    TLS_RSA_WITH_AES_128_CCM_8 = 0xc0a0 => "TLS_RSA_WITH_AES_128_CCM_8",
    TLS_RSA_WITH_AES_256_CCM_8 = 0xc0a1 => "TLS_RSA_WITH_AES_256_CCM_8",
    TLS_DHE_RSA_WITH_AES_128_CCM_8 = 0xc0a2 => "TLS_DHE_RSA_WITH_AES_128_CCM_8",
    TLS_DHE_RSA_WITH_AES_256_CCM_8 = 0xc0a3 => "TLS_DHE_RSA_WITH_AES_256_CCM_8",
    TLS_PSK_WITH_AES_128_CCM = 0xc0a4 => "TLS_PSK_WITH_AES_128_CCM",
    TLS_PSK_WITH_AES_256_CCM = 0xc0a5 => "TLS_PSK_WITH_AES_256_CCM",
    TLS_DHE_PSK_WITH_AES_128_CCM = 0xc0a6 => "TLS_DHE_PSK_WITH_AES_128_CCM",
    TLS_DHE_PSK_WITH_AES_256_CCM = 0xc0a7 => "TLS_DHE_PSK_WITH_AES_256_CCM",
    TLS_PSK_WITH_AES_128_CCM_8 = 0xc0a8 => "TLS_PSK_WITH_AES_128_CCM_8",
    TLS_PSK_WITH_AES_256_CCM_8 = 0xc0a9 => "TLS_PSK_WITH_AES_256_CCM_8",
    TLS_PSK_DHE_WITH_AES_128_CCM_8 = 0xc0aa => "TLS_PSK_DHE_WITH_AES_128_CCM_8",
    TLS_PSK_DHE_WITH_AES_256_CCM_8 = 0xc0ab => "TLS_PSK_DHE_WITH_AES_256_CCM_8",
    TLS_ECDHE_ECDSA_WITH_AES_128_CCM = 0xc0ac => "TLS_ECDHE_ECDSA_WITH_AES_128_CCM",
    TLS_ECDHE_ECDSA_WITH_AES_256_CCM = 0xc0ad => "TLS_ECDHE_ECDSA_WITH_AES_256_CCM",
    TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 = 0xc0ae => "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8",
    TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8 = 0xc0af => "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8",
    TLS_ECCPWD_WITH_AES_128_GCM_SHA256 = 0xc0b0 => "TLS_ECCPWD_WITH_AES_128_GCM_SHA256",
    TLS_ECCPWD_WITH_AES_256_GCM_SHA384 = 0xc0b1 => "TLS_ECCPWD_WITH_AES_256_GCM_SHA384",
    TLS_ECCPWD_WITH_AES_128_CCM_SHA256 = 0xc0b2 => "TLS_ECCPWD_WITH_AES_128_CCM_SHA256",
    TLS_ECCPWD_WITH_AES_256_CCM_SHA384 = 0xc0b3 => "TLS_ECCPWD_WITH_AES_256_CCM_SHA384",
    TLS_SHA256_SHA256 = 0xc0b4 => "TLS_SHA256_SHA256",
    TLS_SHA384_SHA384 = 0xc0b5 => "TLS_SHA384_SHA384",
    TLS_ECJPAKE_WITH_AES_128_CCM_8 = 0xc0ff => "TLS_ECJPAKE_WITH_AES_128_CCM_8",
    TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC = 0xc100 => "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC",
    TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC = 0xc101 => "TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC",
    TLS_GOSTR341112_256_WITH_28147_CNT_IMIT = 0xc102 => "TLS_GOSTR341112_256_WITH_28147_CNT_IMIT",
    TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L = 0xc103 => "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L",
    TLS_GOSTR341112_256_WITH_MAGMA_MGM_L = 0xc104 => "TLS_GOSTR341112_256_WITH_MAGMA_MGM_L",
    TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S = 0xc105 => "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S",
    TLS_GOSTR341112_256_WITH_MAGMA_MGM_S = 0xc106 => "TLS_GOSTR341112_256_WITH_MAGMA_MGM_S",
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcc13 => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcc14 => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcc15 => "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_2 = 0xcca8 => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256_2 = 0xcca9 => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256_2 = 0xccaa => "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    TLS_PSK_WITH_CHACHA20_POLY1305_SHA256 = 0xccab => "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256",
    TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256 = 0xccac => "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256",
    TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256 = 0xccad => "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256",
    TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256 = 0xccae => "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256",
    TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256 = 0xd001 => "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256",
    TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384 = 0xd002 => "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384",
    TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256 = 0xd003 => "TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256",
    TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256 = 0xd005 => "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256",
    ECDHE_SM1_SM3 = 0xe001 => "ECDHE_SM1_SM3",
    ECC_SM1_SM3 = 0xe003 => "ECC_SM1_SM3",
    IBSDH_SM1_SM3 = 0xe005 => "IBSDH_SM1_SM3",
    IBC_SM1_SM3 = 0xe007 => "IBC_SM1_SM3",
    RSA_SM1_SM3 = 0xe009 => "RSA_SM1_SM3",
    RSA_SM1_SHA1 = 0xe00a => "RSA_SM1_SHA1",
    ECDHE_SM4_CBC_SM3 = 0xe011 => "ECDHE_SM4_CBC_SM3",
    ECC_SM4_CBC_SM3 = 0xe013 => "ECC_SM4_CBC_SM3",
    IBSDH_SM4_CBC_SM3 = 0xe015 => "IBSDH_SM4_CBC_SM3",
    IBC_SM4_CBC_SM3 = 0xe017 => "IBC_SM4_CBC_SM3",
    RSA_SM4_CBC_SM3 = 0xe019 => "RSA_SM4_CBC_SM3",
    RSA_SM4_CBC_SHA1 = 0xe01a => "RSA_SM4_CBC_SHA1",
    RSA_SM4_CBC_SHA256 = 0xe01c => "RSA_SM4_CBC_SHA256",
    ECDHE_SM4_GCM_SM3 = 0xe051 => "ECDHE_SM4_GCM_SM3",
    ECC_SM4_GCM_SM3 = 0xe053 => "ECC_SM4_GCM_SM3",
    IBSDH_SM4_GCM_SM3 = 0xe055 => "IBSDH_SM4_GCM_SM3",
    IBC_SM4_GCM_SM3 = 0xe057 => "IBC_SM4_GCM_SM3",
    RSA_SM4_GCM_SM3 = 0xe059 => "RSA_SM4_GCM_SM3",
    RSA_SM4_GCM_SHA256 = 0xe05a => "RSA_SM4_GCM_SHA256",
    TLS_RSA_WITH_ESTREAM_SALSA20_SHA1 = 0xe410 => "TLS_RSA_WITH_ESTREAM_SALSA20_SHA1",
    TLS_RSA_WITH_SALSA20_SHA1 = 0xe411 => "TLS_RSA_WITH_SALSA20_SHA1",
    TLS_ECDHE_RSA_WITH_ESTREAM_SALSA20_SHA1 = 0xe412 => "TLS_ECDHE_RSA_WITH_ESTREAM_SALSA20_SHA1",
    TLS_ECDHE_RSA_WITH_SALSA20_SHA1 = 0xe413 => "TLS_ECDHE_RSA_WITH_SALSA20_SHA1",
    TLS_ECDHE_ECDSA_WITH_ESTREAM_SALSA20_SHA1 = 0xe414 => "TLS_ECDHE_ECDSA_WITH_ESTREAM_SALSA20_SHA1",
    TLS_ECDHE_ECDSA_WITH_SALSA20_SHA1 = 0xe415 => "TLS_ECDHE_ECDSA_WITH_SALSA20_SHA1",
    TLS_PSK_WITH_ESTREAM_SALSA20_SHA1 = 0xe416 => "TLS_PSK_WITH_ESTREAM_SALSA20_SHA1",
    TLS_PSK_WITH_SALSA20_SHA1 = 0xe417 => "TLS_PSK_WITH_SALSA20_SHA1",
    TLS_ECDHE_PSK_WITH_ESTREAM_SALSA20_SHA1 = 0xe418 => "TLS_ECDHE_PSK_WITH_ESTREAM_SALSA20_SHA1",
    TLS_ECDHE_PSK_WITH_SALSA20_SHA1 = 0xe419 => "TLS_ECDHE_PSK_WITH_SALSA20_SHA1",
    TLS_RSA_PSK_WITH_ESTREAM_SALSA20_SHA1 = 0xe41a => "TLS_RSA_PSK_WITH_ESTREAM_SALSA20_SHA1",
    TLS_RSA_PSK_WITH_SALSA20_SHA1 = 0xe41b => "TLS_RSA_PSK_WITH_SALSA20_SHA1",
    TLS_DHE_PSK_WITH_ESTREAM_SALSA20_SHA1 = 0xe41c => "TLS_DHE_PSK_WITH_ESTREAM_SALSA20_SHA1",
    TLS_DHE_PSK_WITH_SALSA20_SHA1 = 0xe41d => "TLS_DHE_PSK_WITH_SALSA20_SHA1",
    TLS_DHE_RSA_WITH_ESTREAM_SALSA20_SHA1 = 0xe41e => "TLS_DHE_RSA_WITH_ESTREAM_SALSA20_SHA1",
    TLS_DHE_RSA_WITH_SALSA20_SHA1 = 0xe41f => "TLS_DHE_RSA_WITH_SALSA20_SHA1",
    SSL_RSA_FIPS_WITH_DES_CBC_SHA = 0xfefe => "SSL_RSA_FIPS_WITH_DES_CBC_SHA",
    SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA = 0xfeff => "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA",
    SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA_2 = 0xffe0 => "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA",
    SSL_RSA_FIPS_WITH_DES_CBC_SHA_2 = 0xffe1 => "SSL_RSA_FIPS_WITH_DES_CBC_SHA",
}

open_enum! {
    /// TLS NamedGroup (supported_groups, key_share, ServerKeyExchange), formerly
    /// NamedCurve. Includes the post-quantum hybrids (IANA and OQS experimental codes).
    NamedGroup(u16), width = 6, grease = u16;
    SECT163K1 = 0x0001 => "sect163k1",
    SECT163R1 = 0x0002 => "sect163r1",
    SECT163R2 = 0x0003 => "sect163r2",
    SECT193R1 = 0x0004 => "sect193r1",
    SECT193R2 = 0x0005 => "sect193r2",
    SECT233K1 = 0x0006 => "sect233k1",
    SECT233R1 = 0x0007 => "sect233r1",
    SECT239K1 = 0x0008 => "sect239k1",
    SECT283K1 = 0x0009 => "sect283k1",
    SECT283R1 = 0x000a => "sect283r1",
    SECT409K1 = 0x000b => "sect409k1",
    SECT409R1 = 0x000c => "sect409r1",
    SECT571K1 = 0x000d => "sect571k1",
    SECT571R1 = 0x000e => "sect571r1",
    SECP160K1 = 0x000f => "secp160k1",
    SECP160R1 = 0x0010 => "secp160r1",
    SECP160R2 = 0x0011 => "secp160r2",
    SECP192K1 = 0x0012 => "secp192k1",
    SECP192R1 = 0x0013 => "secp192r1",
    SECP224K1 = 0x0014 => "secp224k1",
    SECP224R1 = 0x0015 => "secp224r1",
    SECP256K1 = 0x0016 => "secp256k1",
    SECP256R1 = 0x0017 => "secp256r1",
    SECP384R1 = 0x0018 => "secp384r1",
    SECP521R1 = 0x0019 => "secp521r1",
    BRAINPOOLP256R1 = 0x001a => "brainpoolP256r1",
    BRAINPOOLP384R1 = 0x001b => "brainpoolP384r1",
    BRAINPOOLP512R1 = 0x001c => "brainpoolP512r1",
    X25519 = 0x001d => "x25519",
    X448 = 0x001e => "x448",
    BRAINPOOLP256R1TLS13 = 0x001f => "brainpoolP256r1tls13",
    BRAINPOOLP384R1TLS13 = 0x0020 => "brainpoolP384r1tls13",
    BRAINPOOLP512R1TLS13 = 0x0021 => "brainpoolP512r1tls13",
    GC256A = 0x0022 => "GC256A",
    GC256B = 0x0023 => "GC256B",
    GC256C = 0x0024 => "GC256C",
    GC256D = 0x0025 => "GC256D",
    GC512A = 0x0026 => "GC512A",
    GC512B = 0x0027 => "GC512B",
    GC512C = 0x0028 => "GC512C",
    CURVESM2 = 0x0029 => "curveSM2",
    FFDHE2048 = 0x0100 => "ffdhe2048",
    FFDHE3072 = 0x0101 => "ffdhe3072",
    FFDHE4096 = 0x0102 => "ffdhe4096",
    FFDHE6144 = 0x0103 => "ffdhe6144",
    FFDHE8192 = 0x0104 => "ffdhe8192",
    MLKEM512 = 0x0200 => "MLKEM512",
    MLKEM768 = 0x0201 => "MLKEM768",
    MLKEM1024 = 0x0202 => "MLKEM1024",
    FRODO976SHAKE = 0x0203 => "frodo976shake",
    FRODO1344AES = 0x0204 => "frodo1344aes",
    FRODO1344SHAKE = 0x0205 => "frodo1344shake",
    NTRU_HPS2048509 = 0x0214 => "ntru_hps2048509",
    NTRU_HPS2048677 = 0x0215 => "ntru_hps2048677",
    NTRU_HPS4096821 = 0x0216 => "ntru_hps4096821",
    NTRU_HRSS701 = 0x0217 => "ntru_hrss701",
    LIGHTSABER = 0x0218 => "lightsaber",
    SABER = 0x0219 => "saber",
    FIRESABER = 0x021a => "firesaber",
    SIDHP434 = 0x021b => "sidhp434",
    SIDHP503 = 0x021c => "sidhp503",
    SIDHP610 = 0x021d => "sidhp610",
    SIDHP751 = 0x021e => "sidhp751",
    SIKEP434 = 0x021f => "sikep434",
    SIKEP503 = 0x0220 => "sikep503",
    SIKEP610 = 0x0221 => "sikep610",
    SIKEP751 = 0x0222 => "sikep751",
    HQC128 = 0x022c => "hqc128",
    HQC192 = 0x022d => "hqc192",
    HQC256 = 0x022e => "hqc256",
    NTRULPR653 = 0x022f => "ntrulpr653",
    NTRULPR761 = 0x0230 => "ntrulpr761",
    NTRULPR857 = 0x0231 => "ntrulpr857",
    SNTRUP653 = 0x0232 => "sntrup653",
    SNTRUP761 = 0x0233 => "sntrup761",
    SNTRUP857 = 0x0234 => "sntrup857",
    BIKEL1 = 0x0238 => "bikel1",
    KYBER512 = 0x023a => "kyber512",
    BIKEL3 = 0x023b => "bikel3",
    KYBER768 = 0x023c => "kyber768",
    KYBER1024 = 0x023d => "kyber1024",
    KYBER90S512 = 0x023e => "kyber90s512",
    KYBER90S768 = 0x023f => "kyber90s768",
    KYBER90S1024 = 0x0240 => "kyber90s1024",
    NTRULPR1277 = 0x0241 => "ntrulpr1277",
    SNTRUP1277 = 0x0242 => "sntrup1277",
    NTRU_HPS40961229 = 0x0245 => "ntru_hps40961229",
    NTRU_HRSS1373 = 0x0246 => "ntru_hrss1373",
    SECP256R1MLKEM768 = 0x11eb => "SecP256r1MLKEM768",
    X25519MLKEM768 = 0x11ec => "X25519MLKEM768",
    SECP384R1MLKEM1024 = 0x11ed => "SecP384r1MLKEM1024",
    P256_FRODO640AES = 0x2f00 => "p256_frodo640aes",
    P256_FRODO640SHAKE = 0x2f01 => "p256_frodo640shake",
    P384_FRODO976AES = 0x2f02 => "p384_frodo976aes",
    P384_FRODO976SHAKE = 0x2f03 => "p384_frodo976shake",
    P521_FRODO1344AES = 0x2f04 => "p521_frodo1344aes",
    P521_FRODO1344SHAKE = 0x2f05 => "p521_frodo1344shake",
    P256_NTRU_HPS2048509 = 0x2f14 => "p256_ntru_hps2048509",
    P384_NTRU_HPS2048677 = 0x2f15 => "p384_ntru_hps2048677",
    P521_NTRU_HPS4096821 = 0x2f16 => "p521_ntru_hps4096821",
    P384_NTRU_HRSS701 = 0x2f17 => "p384_ntru_hrss701",
    P256_LIGHTSABER = 0x2f18 => "p256_lightsaber",
    P384_SABER = 0x2f19 => "p384_saber",
    P521_FIRESABER = 0x2f1a => "p521_firesaber",
    P256_SIDHP434 = 0x2f1b => "p256_sidhp434",
    P256_SIDHP503 = 0x2f1c => "p256_sidhp503",
    P384_SIDHP610 = 0x2f1d => "p384_sidhp610",
    P521_SIDHP751 = 0x2f1e => "p521_sidhp751",
    P256_SIKEP434 = 0x2f1f => "p256_sikep434",
    P256_SIKEP503 = 0x2f20 => "p256_sikep503",
    P384_SIKEP610 = 0x2f21 => "p384_sikep610",
    P521_SIKEP751 = 0x2f22 => "p521_sikep751",
    P256_HQC128 = 0x2f2c => "p256_hqc128",
    P384_HQC192 = 0x2f2d => "p384_hqc192",
    P521_HQC256 = 0x2f2e => "p521_hqc256",
    P256_NTRULPR653 = 0x2f2f => "p256_ntrulpr653",
    P384_NTRULPR857 = 0x2f31 => "p384_ntrulpr857",
    P256_SNTRUP653 = 0x2f32 => "p256_sntrup653",
    P384_SNTRUP857 = 0x2f34 => "p384_sntrup857",
    P256_BIKEL1 = 0x2f38 => "p256_bikel1",
    P256_KYBER512 = 0x2f3a => "p256_kyber512",
    P384_BIKEL3 = 0x2f3b => "p384_bikel3",
    P384_KYBER768 = 0x2f3c => "p384_kyber768",
    P521_KYBER1024 = 0x2f3d => "p521_kyber1024",
    P256_KYBER90S512 = 0x2f3e => "p256_kyber90s512",
    P384_KYBER90S768 = 0x2f3f => "p384_kyber90s768",
    P521_KYBER90S1024 = 0x2f40 => "p521_kyber90s1024",
    P521_NTRULPR1277 = 0x2f41 => "p521_ntrulpr1277",
    P521_SNTRUP1277 = 0x2f42 => "p521_sntrup1277",
    P256_NTRULPR761 = 0x2f43 => "p256_ntrulpr761",
    P256_SNTRUP761 = 0x2f44 => "p256_sntrup761",
    P521_NTRU_HPS40961229 = 0x2f45 => "p521_ntru_hps40961229",
    P521_NTRU_HRSS1373 = 0x2f46 => "p521_ntru_hrss1373",
    X25519KYBER768DRAFT00 = 0x6399 => "X25519Kyber768Draft00",
    SECP256R1KYBER768DRAFT00 = 0x639a => "SecP256r1Kyber768Draft00",
    X25519KYBER512DRAFT00 = 0xfe30 => "X25519Kyber512Draft00",
    X25519KYBER768DRAFT00_OLD = 0xfe31 => "X25519Kyber768Draft00_old",
    ARBITRARY_EXPLICIT_PRIME_CURVES = 0xff01 => "arbitrary_explicit_prime_curves",
    ARBITRARY_EXPLICIT_CHAR2_CURVES = 0xff02 => "arbitrary_explicit_char2_curves",
}

open_enum! {
    /// TLS SignatureScheme (TLS 1.3) / SignatureAndHashAlgorithm (TLS 1.2). TLS 1.2
    /// hash/signature pairs without a scheme name are named `hash_signature`, e.g. `sha224_rsa`.
    SignatureScheme(u16), width = 6, grease = u16;
    MD5_RSA = 0x0101 => "md5_rsa",
    MD5_DSA = 0x0102 => "md5_dsa",
    MD5_ECDSA = 0x0103 => "md5_ecdsa",
    RSA_PKCS1_SHA1 = 0x0201 => "rsa_pkcs1_sha1",
    SHA1_DSA = 0x0202 => "sha1_dsa",
    ECDSA_SHA1 = 0x0203 => "ecdsa_sha1",
    SHA224_RSA = 0x0301 => "sha224_rsa",
    SHA224_DSA = 0x0302 => "sha224_dsa",
    SHA224_ECDSA = 0x0303 => "sha224_ecdsa",
    RSA_PKCS1_SHA256 = 0x0401 => "rsa_pkcs1_sha256",
    SHA256_DSA = 0x0402 => "sha256_dsa",
    ECDSA_SECP256R1_SHA256 = 0x0403 => "ecdsa_secp256r1_sha256",
    RSA_PKCS1_SHA256_LEGACY = 0x0420 => "rsa_pkcs1_sha256_legacy",
    RSA_PKCS1_SHA384 = 0x0501 => "rsa_pkcs1_sha384",
    SHA384_DSA = 0x0502 => "sha384_dsa",
    ECDSA_SECP384R1_SHA384 = 0x0503 => "ecdsa_secp384r1_sha384",
    RSA_PKCS1_SHA384_LEGACY = 0x0520 => "rsa_pkcs1_sha384_legacy",
    RSA_PKCS1_SHA512 = 0x0601 => "rsa_pkcs1_sha512",
    SHA512_DSA = 0x0602 => "sha512_dsa",
    ECDSA_SECP521R1_SHA512 = 0x0603 => "ecdsa_secp521r1_sha512",
    RSA_PKCS1_SHA512_LEGACY = 0x0620 => "rsa_pkcs1_sha512_legacy",
    ECCSI_SHA256 = 0x0704 => "eccsi_sha256",
    ISO_IBS1 = 0x0705 => "iso_ibs1",
    ISO_IBS2 = 0x0706 => "iso_ibs2",
    ISO_CHINESE_IBS = 0x0707 => "iso_chinese_ibs",
    SM2SIG_SM3 = 0x0708 => "sm2sig_sm3",
    GOSTR34102012_256A = 0x0709 => "gostr34102012_256a",
    GOSTR34102012_256B = 0x070a => "gostr34102012_256b",
    GOSTR34102012_256C = 0x070b => "gostr34102012_256c",
    GOSTR34102012_256D = 0x070c => "gostr34102012_256d",
    GOSTR34102012_512A = 0x070d => "gostr34102012_512a",
    GOSTR34102012_512B = 0x070e => "gostr34102012_512b",
    GOSTR34102012_512C = 0x070f => "gostr34102012_512c",
    RSA_PSS_RSAE_SHA256 = 0x0804 => "rsa_pss_rsae_sha256",
    RSA_PSS_RSAE_SHA384 = 0x0805 => "rsa_pss_rsae_sha384",
    RSA_PSS_RSAE_SHA512 = 0x0806 => "rsa_pss_rsae_sha512",
    ED25519 = 0x0807 => "ed25519",
    ED448 = 0x0808 => "ed448",
    RSA_PSS_PSS_SHA256 = 0x0809 => "rsa_pss_pss_sha256",
    RSA_PSS_PSS_SHA384 = 0x080a => "rsa_pss_pss_sha384",
    RSA_PSS_PSS_SHA512 = 0x080b => "rsa_pss_pss_sha512",
    ECDSA_BRAINPOOLP256R1TLS13_SHA256 = 0x081a => "ecdsa_brainpoolP256r1tls13_sha256",
    ECDSA_BRAINPOOLP384R1TLS13_SHA384 = 0x081b => "ecdsa_brainpoolP384r1tls13_sha384",
    ECDSA_BRAINPOOLP512R1TLS13_SHA512 = 0x081c => "ecdsa_brainpoolP512r1tls13_sha512",
    GOSTR34102012_256_INTRINSIC = 0x0840 => "gostr34102012_256_intrinsic",
    GOSTR34102012_512_INTRINSIC = 0x0841 => "gostr34102012_512_intrinsic",
    MLDSA44 = 0x0904 => "mldsa44",
    MLDSA65 = 0x0905 => "mldsa65",
    MLDSA87 = 0x0906 => "mldsa87",
    GOSTR34102001 = 0xeded => "gostr34102001",
    GOSTR34102012_256 = 0xeeee => "gostr34102012_256",
    GOSTR34102012_512 = 0xefef => "gostr34102012_512",
}

open_enum! {
    /// TLS ExtensionType.
    ExtensionType(u16), width = 6, grease = u16;
    SERVER_NAME = 0x0000 => "server_name",
    MAX_FRAGMENT_LENGTH = 0x0001 => "max_fragment_length",
    CLIENT_CERTIFICATE_URL = 0x0002 => "client_certificate_url",
    TRUSTED_CA_KEYS = 0x0003 => "trusted_ca_keys",
    TRUNCATED_HMAC = 0x0004 => "truncated_hmac",
    STATUS_REQUEST = 0x0005 => "status_request",
    USER_MAPPING = 0x0006 => "user_mapping",
    CLIENT_AUTHZ = 0x0007 => "client_authz",
    SERVER_AUTHZ = 0x0008 => "server_authz",
    CERT_TYPE = 0x0009 => "cert_type",
    SUPPORTED_GROUPS = 0x000a => "supported_groups",
    EC_POINT_FORMATS = 0x000b => "ec_point_formats",
    SRP = 0x000c => "srp",
    SIGNATURE_ALGORITHMS = 0x000d => "signature_algorithms",
    USE_SRTP = 0x000e => "use_srtp",
    HEARTBEAT = 0x000f => "heartbeat",
    APPLICATION_LAYER_PROTOCOL_NEGOTIATION = 0x0010 => "application_layer_protocol_negotiation",
    STATUS_REQUEST_V2 = 0x0011 => "status_request_v2",
    SIGNED_CERTIFICATE_TIMESTAMP = 0x0012 => "signed_certificate_timestamp",
    CLIENT_CERTIFICATE_TYPE = 0x0013 => "client_certificate_type",
    SERVER_CERTIFICATE_TYPE = 0x0014 => "server_certificate_type",
    PADDING = 0x0015 => "padding",
    ENCRYPT_THEN_MAC = 0x0016 => "encrypt_then_mac",
    EXTENDED_MASTER_SECRET = 0x0017 => "extended_master_secret",
    TOKEN_BINDING = 0x0018 => "token_binding",
    CACHED_INFO = 0x0019 => "cached_info",
    TLS_LTS = 0x001a => "tls_lts",
    COMPRESS_CERTIFICATE = 0x001b => "compress_certificate",
    RECORD_SIZE_LIMIT = 0x001c => "record_size_limit",
    PWD_PROTECT = 0x001d => "pwd_protect",
    PWD_CLEAR = 0x001e => "pwd_clear",
    PASSWORD_SALT = 0x001f => "password_salt",
    TICKET_PINNING = 0x0020 => "ticket_pinning",
    TLS_CERT_WITH_EXTERN_PSK = 0x0021 => "tls_cert_with_extern_psk",
    DELEGATED_CREDENTIAL = 0x0022 => "delegated_credential",
    SESSION_TICKET = 0x0023 => "session_ticket",
    TLMSP = 0x0024 => "TLMSP",
    TLMSP_PROXYING = 0x0025 => "TLMSP_proxying",
    TLMSP_DELEGATE = 0x0026 => "TLMSP_delegate",
    SUPPORTED_EKT_CIPHERS = 0x0027 => "supported_ekt_ciphers",
    RESERVED_KEY_SHARE_DRAFT = 0x0028 => "Reserved (key_share draft)",
    PRE_SHARED_KEY = 0x0029 => "pre_shared_key",
    EARLY_DATA = 0x002a => "early_data",
    SUPPORTED_VERSIONS = 0x002b => "supported_versions",
    COOKIE = 0x002c => "cookie",
    PSK_KEY_EXCHANGE_MODES = 0x002d => "psk_key_exchange_modes",
    RESERVED_TICKET_EARLY_DATA_INFO = 0x002e => "Reserved (ticket_early_data_info)",
    CERTIFICATE_AUTHORITIES = 0x002f => "certificate_authorities",
    OID_FILTERS = 0x0030 => "oid_filters",
    POST_HANDSHAKE_AUTH = 0x0031 => "post_handshake_auth",
    SIGNATURE_ALGORITHMS_CERT = 0x0032 => "signature_algorithms_cert",
    KEY_SHARE = 0x0033 => "key_share",
    TRANSPARENCY_INFO = 0x0034 => "transparency_info",
    CONNECTION_ID_DEPRECATED = 0x0035 => "connection_id (deprecated)",
    CONNECTION_ID = 0x0036 => "connection_id",
    EXTERNAL_ID_HASH = 0x0037 => "external_id_hash",
    EXTERNAL_SESSION_ID = 0x0038 => "external_session_id",
    QUIC_TRANSPORT_PARAMETERS = 0x0039 => "quic_transport_parameters",
    TICKET_REQUEST = 0x003a => "ticket_request",
    DNSSEC_CHAIN = 0x003b => "dnssec_chain",
    SEQUENCE_NUMBER_ENCRYPTION_ALGORITHMS = 0x003c => "sequence_number_encryption_algorithms",
    RRC = 0x003d => "rrc",
    NEXT_PROTOCOL_NEGOTIATION = 0x3374 => "next_protocol_negotiation",
    APPLICATION_SETTINGS_OLD = 0x4469 => "application_settings_old",
    APPLICATION_SETTINGS = 0x44cd => "application_settings",
    CHANNEL_ID_OLD = 0x754f => "channel_id_old",
    CHANNEL_ID = 0x7550 => "channel_id",
    ECH_OUTER_EXTENSIONS = 0xfd00 => "ech_outer_extensions",
    ENCRYPTED_CLIENT_HELLO = 0xfe0d => "encrypted_client_hello",
    RENEGOTIATION_INFO = 0xff01 => "renegotiation_info",
    QUIC_TRANSPORT_PARAMETERS_DRAFTS_VERSION = 0xffa5 => "quic_transport_parameters (drafts version)",
    ENCRYPTED_SERVER_NAME = 0xffce => "encrypted_server_name",
}

open_enum! {
    /// EC point formats (ec_point_formats).
    ECPointFormat(u8), width = 4, grease = none;
    UNCOMPRESSED = 0 => "uncompressed",
    ANSIX962_COMPRESSED_PRIME = 1 => "ansiX962_compressed_prime",
    ANSIX962_COMPRESSED_CHAR2 = 2 => "ansiX962_compressed_char2",
}

open_enum! {
    /// TLS CompressionMethod.
    CompressionMethod(u8), width = 4, grease = none;
    NULL = 0 => "null",
    DEFLATE = 1 => "DEFLATE",
    LZS = 64 => "LZS",
}

open_enum! {
    /// TLS 1.3 PskKeyExchangeMode.
    PskKeyExchangeMode(u8), width = 4, grease = psk;
    PSK_KE = 0 => "psk_ke",
    PSK_DHE_KE = 1 => "psk_dhe_ke",
}

open_enum! {
    /// TLS ClientCertificateType (CertificateRequest certificate_types).
    ClientCertificateType(u8), width = 4, grease = none;
    RSA_SIGN = 1 => "rsa_sign",
    DSS_SIGN = 2 => "dss_sign",
    RSA_FIXED_DH = 3 => "rsa_fixed_dh",
    DSS_FIXED_DH = 4 => "dss_fixed_dh",
    RSA_EPHEMERAL_DH_RESERVED = 5 => "rsa_ephemeral_dh_RESERVED",
    DSS_EPHEMERAL_DH_RESERVED = 6 => "dss_ephemeral_dh_RESERVED",
    FORTEZZA_DMS_RESERVED = 20 => "fortezza_dms_RESERVED",
    GOST_SIGN94 = 21 => "gost_sign94",
    GOST_SIGN2001 = 22 => "gost_sign2001",
    ECDSA_SIGN = 64 => "ecdsa_sign",
    RSA_FIXED_ECDH = 65 => "rsa_fixed_ecdh",
    ECDSA_FIXED_ECDH = 66 => "ecdsa_fixed_ecdh",
    GOST_SIGN256 = 67 => "gost_sign256",
    GOST_SIGN512 = 68 => "gost_sign512",
}

open_enum! {
    /// TLS CertificateStatusType (status_request, CertificateStatus).
    CertificateStatusType(u8), width = 4, grease = none;
    OCSP = 1 => "ocsp",
    OCSP_MULTI = 2 => "ocsp_multi",
}

open_enum! {
    /// TLS HeartbeatMessageType.
    HeartbeatMessageType(u8), width = 4, grease = none;
    HEARTBEAT_REQUEST = 1 => "heartbeat_request",
    HEARTBEAT_RESPONSE = 2 => "heartbeat_response",
}

open_enum! {
    /// TLS HeartbeatMode (heartbeat extension).
    HeartbeatMode(u8), width = 4, grease = none;
    PEER_ALLOWED_TO_SEND = 1 => "peer_allowed_to_send",
    PEER_NOT_ALLOWED_TO_SEND = 2 => "peer_not_allowed_to_send",
}

open_enum! {
    /// DTLS-SRTP protection profiles (RFC 5764 4.1.2, RFC 7714 14.2).
    SrtpProtectionProfile(u16), width = 6, grease = none;
    SRTP_AES128_CM_HMAC_SHA1_80 = 0x0001 => "SRTP_AES128_CM_HMAC_SHA1_80",
    SRTP_AES128_CM_HMAC_SHA1_32 = 0x0002 => "SRTP_AES128_CM_HMAC_SHA1_32",
    SRTP_NULL_HMAC_SHA1_80 = 0x0005 => "SRTP_NULL_HMAC_SHA1_80",
    SRTP_NULL_HMAC_SHA1_32 = 0x0006 => "SRTP_NULL_HMAC_SHA1_32",
    SRTP_AEAD_AES_128_GCM = 0x0007 => "SRTP_AEAD_AES_128_GCM",
    SRTP_AEAD_AES_256_GCM = 0x0008 => "SRTP_AEAD_AES_256_GCM",
}

open_enum! {
    /// TLS 1.3 KeyUpdateRequest.
    KeyUpdateRequest(u8), width = 4, grease = none;
    UPDATE_NOT_REQUESTED = 0 => "update_not_requested",
    UPDATE_REQUESTED = 1 => "update_requested",
}

open_enum! {
    /// TLS CertificateCompressionAlgorithm (RFC 8879).
    CertificateCompressionAlgorithm(u16), width = 6, grease = none;
    ZLIB = 0x0001 => "zlib",
    BROTLI = 0x0002 => "brotli",
    ZSTD = 0x0003 => "zstd",
}

open_enum! {
    /// TLS MaxFragmentLength (RFC 6066).
    MaxFragmentLength(u8), width = 4, grease = none;
    _2_9 = 1 => "2^9",
    _2_10 = 2 => "2^10",
    _2_11 = 3 => "2^11",
    _2_12 = 4 => "2^12",
}

open_enum! {
    /// ECCurveType (ServerKeyExchange ECParameters).
    EcCurveType(u8), width = 4, grease = none;
    EXPLICIT_PRIME = 1 => "explicit_prime",
    EXPLICIT_CHAR2 = 2 => "explicit_char2",
    NAMED_CURVE = 3 => "named_curve",
}

open_enum! {
    /// Server name types (server_name extension).
    ServerNameType(u8), width = 4, grease = none;
    HOST_NAME = 0 => "host_name",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls13_draft_quirks_follow_wireshark() {
        let quirks = |v: u16| ProtocolVersion(v).tls13_quirks();
        let q = |old_labels, no_ticket_nonce, short_server_hello, empty_additional_data| Tls13Quirks {
            dtls: false,
            old_labels,
            no_ticket_nonce,
            short_server_hello,
            empty_additional_data,
        };
        assert_eq!(quirks(0x7f12), q(true, true, true, true)); // draft 18
        assert_eq!(quirks(0x7f13), q(true, true, true, true));
        assert_eq!(quirks(0x7f14), q(false, true, true, true)); // draft 20
        assert_eq!(quirks(0x7f15), q(false, false, true, true));
        assert_eq!(quirks(0x7f16), q(false, false, false, true)); // draft 22
        assert_eq!(quirks(0x7f18), q(false, false, false, true));
        assert_eq!(quirks(0x7f19), Tls13Quirks::default()); // draft 25
        assert_eq!(quirks(0x7f1c), Tls13Quirks::default());
        assert_eq!(quirks(0xfb17), q(false, false, false, true)); // Facebook draft 23
        assert_eq!(quirks(0xfb1a), Tls13Quirks::default());
        for rfc in [0x0304, 0x0303] {
            assert_eq!(quirks(rfc), Tls13Quirks::default());
            assert_eq!(ProtocolVersion(rfc).tls13_draft(), None);
        }
        // DTLS 1.3 is RFC 8446's schedule under its own label prefix (RFC 9147 5.9).
        assert_eq!(quirks(0xfefc), Tls13Quirks { dtls: true, ..Tls13Quirks::default() });
        assert_eq!(quirks(0xfefc).label_prefix(), b"dtls13");
        assert_eq!(quirks(0x0304).label_prefix(), b"tls13 ");
        assert_eq!(ProtocolVersion(0x7f14).tls13_draft(), Some(20));
        assert_eq!(q(true, true, true, true).label_prefix(), b"TLS 1.3, ");
        assert_eq!(Tls13Quirks::default().key_update_label(), b"traffic upd");
    }

    #[test]
    fn cipher_suite_names_and_display() {
        assert_eq!(CipherSuite(0x1301).name(), Some("TLS_AES_128_GCM_SHA256"));
        assert_eq!(CipherSuite(0xc02f).to_string(), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assert_eq!(CipherSuite(0x5600).name(), Some("TLS_FALLBACK_SCSV"));
        assert_eq!(CipherSuite(0x00ff).name(), Some("TLS_EMPTY_RENEGOTIATION_INFO_SCSV"));
        assert_eq!(CipherSuite(0x0a0a).to_string(), "GREASE (0x0a0a)");
        assert!(CipherSuite(0xfafa).is_grease());
        assert!(!CipherSuite(0x0a1a).is_grease());
        assert_eq!(CipherSuite(0x1234).to_string(), "unknown (0x1234)");
        assert_eq!(CipherSuite(0x1234).name(), None);
        assert_eq!(CipherSuite(0xc0aa).name(), Some("TLS_PSK_DHE_WITH_AES_128_CCM_8"));
        assert_eq!(CipherSuite(0x00c6).name(), Some("TLS_SM4_GCM_SM3"));
        assert_eq!(CipherSuite(0xc100).name(), Some("TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC"));
        assert_eq!(CipherSuite(0x0003).name(), Some("TLS_RSA_EXPORT_WITH_RC4_40_MD5"));
        assert!(CipherSuite::all().len() > 350);
        assert_eq!(format!("{:?}", CipherSuite(0x1301)), "CipherSuite(TLS_AES_128_GCM_SHA256, 0x1301)");
    }

    #[test]
    fn suite_info_from_names() {
        let i = CipherSuite(0xc02f).info().unwrap();
        assert_eq!(i.key_exchange, KeyExchange::Ecdhe);
        assert_eq!(i.authentication, Authentication::Rsa);
        assert!(!i.tls13 && !i.export && i.ske_signed());
        assert_eq!(i.bulk, "AES_128_GCM_SHA256");
        let i = CipherSuite(0x1303).info().unwrap();
        assert!(i.tls13);
        assert_eq!(i.key_exchange, KeyExchange::Tls13);
        let k = |v: u16| CipherSuite(v).info().unwrap().key_exchange;
        assert_eq!(k(0x0039), KeyExchange::Dhe);
        assert_eq!(k(0x002f), KeyExchange::Rsa);
        assert_eq!(k(0x0034), KeyExchange::DhAnon);
        assert_eq!(k(0xc018), KeyExchange::EcdhAnon);
        assert_eq!(k(0x00a8), KeyExchange::Psk);
        assert_eq!(k(0x00aa), KeyExchange::DhePsk);
        assert_eq!(k(0xc0aa), KeyExchange::DhePsk);
        assert_eq!(k(0xc035), KeyExchange::EcdhePsk);
        assert_eq!(k(0x0092), KeyExchange::RsaPsk);
        assert_eq!(k(0xc01d), KeyExchange::Srp);
        assert_eq!(k(0xc004), KeyExchange::Ecdh);
        assert_eq!(k(0x0030), KeyExchange::Dh);
        assert_eq!(k(0xc100), KeyExchange::Other);
        let e = CipherSuite(0x0014).info().unwrap();
        assert!(e.export);
        assert_eq!((e.key_exchange, e.authentication), (KeyExchange::Dhe, Authentication::Rsa));
        assert!(!CipherSuite(0x0034).info().unwrap().ske_signed());
        assert!(!CipherSuite(0x00a8).info().unwrap().ske_signed());
        assert!(CipherSuite(0x0003).info().unwrap().ske_signed()); // RSA export key
        assert!(CipherSuite(0x00ff).info().is_none());
        assert!(CipherSuite(0x0a0a).info().is_none());
    }

    #[test]
    fn other_registries() {
        assert_eq!(NamedGroup(0x001d).to_string(), "x25519");
        assert_eq!(NamedGroup(0x11ec).to_string(), "X25519MLKEM768");
        assert_eq!(NamedGroup(0x11eb).to_string(), "SecP256r1MLKEM768");
        assert_eq!(NamedGroup(0x11ed).to_string(), "SecP384r1MLKEM1024");
        assert_eq!(NamedGroup(0x6399).to_string(), "X25519Kyber768Draft00");
        assert_eq!(NamedGroup(0x0100).to_string(), "ffdhe2048");
        assert_eq!(NamedGroup(0x001a).to_string(), "brainpoolP256r1");
        assert_eq!(NamedGroup(0x2a2a).to_string(), "GREASE (0x2a2a)");
        assert_eq!(SignatureScheme(0x0403).to_string(), "ecdsa_secp256r1_sha256");
        assert_eq!(SignatureScheme(0x0301).to_string(), "sha224_rsa");
        assert_eq!(SignatureScheme(0x0905).to_string(), "mldsa65");
        assert_eq!(SignatureScheme(0x081a).to_string(), "ecdsa_brainpoolP256r1tls13_sha256");
        assert_eq!(SignatureScheme(0x0709).to_string(), "gostr34102012_256a");
        assert_eq!(SignatureScheme(0x0201).hash_and_signature(), (2, 1));
        assert_eq!(ExtensionType(0).to_string(), "server_name");
        assert_eq!(ExtensionType(0xfe0d).to_string(), "encrypted_client_hello");
        assert_eq!(ExtensionType(0xff01).to_string(), "renegotiation_info");
        assert_eq!(ExtensionType(17613).to_string(), "application_settings");
        assert_eq!(ExtensionType(13172).to_string(), "next_protocol_negotiation");
        assert_eq!(ExtensionType(30032).to_string(), "channel_id");
        assert_eq!(ExtensionType(0xdada).to_string(), "GREASE (0xdada)");
        assert_eq!(ExtensionType(0x7777).to_string(), "unknown (0x7777)");
        assert_eq!(AlertDescription(51).to_string(), "decrypt_error");
        assert_eq!(AlertDescription(51).info_name(), Some("Decrypt Error"));
        assert_eq!(AlertDescription(40).info_name(), Some("Handshake Failure"));
        assert_eq!(AlertDescription(200).to_string(), "unknown (0xc8)");
        assert_eq!(AlertLevel(2).info_name(), Some("Fatal"));
        assert_eq!(HandshakeType(1).to_string(), "client_hello");
        assert_eq!(HandshakeType(12).info_name(), Some("Server Key Exchange"));
        assert_eq!(HandshakeType(254).to_string(), "message_hash");
        assert_eq!(HandshakeType(17).to_string(), "client_certificate_request");
        assert_eq!(ContentType(22).to_string(), "handshake");
        assert_eq!(ContentType(25).to_string(), "tls12_cid");
        assert_eq!(PskKeyExchangeMode(1).to_string(), "psk_dhe_ke");
        assert!(PskKeyExchangeMode(0x2a).is_grease());
        assert!(PskKeyExchangeMode(0xe4).is_grease());
        assert!(!PskKeyExchangeMode(1).is_grease());
        assert_eq!(CertificateCompressionAlgorithm(2).to_string(), "brotli");
        assert_eq!(KeyUpdateRequest(1).to_string(), "update_requested");
        assert_eq!(ClientCertificateType(64).to_string(), "ecdsa_sign");
    }

    #[test]
    fn protocol_versions() {
        let v = ProtocolVersion(0x0303);
        assert_eq!(v.to_string(), "TLS 1.2");
        assert_eq!(v.wireshark_name(), Some("TLSv1.2"));
        assert_eq!(ProtocolVersion(0x0301).wireshark_name(), Some("TLSv1"));
        assert_eq!(ProtocolVersion(0x0300).to_string(), "SSL 3.0");
        assert_eq!(ProtocolVersion(0x0300).wireshark_name(), Some("SSLv3"));
        assert_eq!(ProtocolVersion(0x0002).wireshark_name(), Some("SSLv2"));
        assert_eq!(ProtocolVersion(0xfefd).to_string(), "DTLS 1.2");
        assert_eq!(ProtocolVersion(0xfefc).to_string(), "DTLS 1.3");
        assert_eq!(ProtocolVersion(0x7f17).to_string(), "TLS 1.3 (draft 23)");
        assert!(ProtocolVersion(0x7f17).is_tls13());
        assert_eq!(ProtocolVersion(0x7f17).wireshark_name(), Some("TLSv1.3"));
        assert_eq!(ProtocolVersion(0x0a0a).to_string(), "GREASE (0x0a0a)");
        assert_eq!(ProtocolVersion(0x0302).has_signature_scheme(), Some(false));
        assert_eq!(ProtocolVersion(0xfefd).has_signature_scheme(), Some(true));
        assert_eq!(ProtocolVersion(0x1234).has_signature_scheme(), None);
        assert_eq!(ProtocolVersion::TLS_1_2.describe(), "TLS 1.2 (0x0303)");
    }

    #[test]
    fn tables_have_no_duplicate_values() {
        fn check<T: Copy + Ord + std::fmt::Debug>(all: &[T]) {
            let mut v = all.to_vec();
            v.sort();
            v.dedup();
            assert_eq!(v.len(), all.len());
        }
        check(CipherSuite::all());
        check(NamedGroup::all());
        check(SignatureScheme::all());
        check(ExtensionType::all());
        check(AlertDescription::all());
        check(HandshakeType::all());
    }
}
