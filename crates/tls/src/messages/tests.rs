//! Tests on real handshake messages.
//!
//! `testdata/c13_*`, `c12_*`, `c10_*`: OpenSSL 3.0.19 `s_client -msg` against `s_server`
//! (TLS 1.3 with ALPN and SNI; TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256 with client
//! authentication; TLS 1.0 DHE-RSA-AES128-SHA with client authentication), each with
//! its 4-byte handshake header. Expected values were cross-checked with tshark 4.0 on
//! the same bytes. `ssl2_client_hello` and `ssl3_client_key_exchange_body` come from
//! Wireshark's rsasnakeoil2.pcap (frames 4 and 8).

use super::*;
use crate::extensions::{EchValue, KeyShareEntry};
use crate::registry::{ClientCertificateType as Cct, CompressionMethod, PskKeyExchangeMode};

fn unhex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// A handshake message with header: checks type and length, returns the body.
fn msg(hex: &str, typ: HandshakeType) -> Vec<u8> {
    let m = unhex(hex);
    assert_eq!(HandshakeType(m[0]), typ);
    let len = u32::from_be_bytes([0, m[1], m[2], m[3]]) as usize;
    assert_eq!(len + 4, m.len());
    m[4..].to_vec()
}

macro_rules! data {
    ($f:literal) => {
        include_str!(concat!("testdata/", $f, ".hex"))
    };
}

fn ctx(v: Option<ProtocolVersion>, s: Option<CipherSuite>, from_server: bool) -> ParseContext {
    ParseContext { version: v, cipher_suite: s, from_server }
}

const TLS12: Option<ProtocolVersion> = Some(ProtocolVersion::TLS_1_2);
const TLS13: Option<ProtocolVersion> = Some(ProtocolVersion::TLS_1_3);
const TLS10: Option<ProtocolVersion> = Some(ProtocolVersion::TLS_1_0);

#[test]
fn tls13_client_hello_from_openssl3() {
    let body = msg(data!("c13_c_ClientHello"), HandshakeType::CLIENT_HELLO);
    let HandshakeBody::ClientHello(ch) =
        parse_handshake(HandshakeType::CLIENT_HELLO, &body, &ParseContext::default()).unwrap()
    else {
        panic!()
    };
    assert!(ch.anomalies.is_empty(), "{:?}", ch.anomalies);
    assert_eq!(ch.legacy_version, ProtocolVersion::TLS_1_2);
    assert_eq!(&ch.random[..4], &[0x1d, 0xf3, 0xdb, 0xad]);
    assert_eq!(ch.session_id.len(), 32);
    assert_eq!(ch.cipher_suites.len(), 31);
    assert_eq!(ch.cipher_suites[0], CipherSuite::TLS_AES_256_GCM_SHA384);
    assert_eq!(ch.cipher_suites[0].to_string(), "TLS_AES_256_GCM_SHA384");
    assert_eq!(ch.cipher_suites[2].describe(), "TLS_AES_128_GCM_SHA256 (0x1301)");
    assert_eq!(ch.cipher_suites[3].to_string(), "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    assert_eq!(ch.cipher_suites[30], CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    assert_eq!(ch.compression_methods, vec![CompressionMethod::NULL]);
    assert_eq!(ch.server_name(), Some("example.com"));
    assert_eq!(ch.alpn(), vec![&b"h2"[..], &b"http/1.1"[..]]);
    assert_eq!(
        ch.offered_versions(),
        vec![ProtocolVersion::TLS_1_3, ProtocolVersion::TLS_1_2, ProtocolVersion::TLS_1_1, ProtocolVersion::TLS_1_0]
    );
    let groups = match ch.decoded(ExtensionType::SUPPORTED_GROUPS) {
        Some(ExtensionValue::SupportedGroups(g)) => g,
        other => panic!("{other:?}"),
    };
    let names: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
    assert_eq!(
        names,
        [
            "x25519",
            "secp256r1",
            "x448",
            "secp521r1",
            "secp384r1",
            "ffdhe2048",
            "ffdhe3072",
            "ffdhe4096",
            "ffdhe6144",
            "ffdhe8192"
        ]
    );
    let schemes = match ch.decoded(ExtensionType::SIGNATURE_ALGORITHMS) {
        Some(ExtensionValue::SignatureAlgorithms(s)) => s,
        other => panic!("{other:?}"),
    };
    assert_eq!(schemes.len(), 20);
    assert_eq!(schemes[0].to_string(), "ecdsa_secp256r1_sha256");
    assert_eq!(schemes[8].to_string(), "rsa_pss_rsae_sha256");
    // The TLS 1.2-only pairs OpenSSL still offers.
    assert_eq!(schemes[14].describe(), "sha224_ecdsa (0x0303)");
    assert_eq!(schemes[15].describe(), "sha224_rsa (0x0301)");
    assert_eq!(schemes[17].describe(), "sha256_dsa (0x0402)");
    match ch.decoded(ExtensionType::KEY_SHARE) {
        Some(ExtensionValue::KeyShareClient(shares)) => {
            assert_eq!(shares.len(), 1);
            assert_eq!(shares[0].group, NamedGroup::X25519);
            assert_eq!(shares[0].key_exchange.len(), 32);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        ch.decoded(ExtensionType::PSK_KEY_EXCHANGE_MODES),
        Some(ExtensionValue::PskKeyExchangeModes(vec![PskKeyExchangeMode::PSK_DHE_KE]))
    );
    assert!(ch.truncated_for_binders().is_none());

    // Display.
    let f = HandshakeBody::ClientHello(ch.clone()).fields();
    let find = |name: &str| f.iter().find(|x| x.name == name).unwrap_or_else(|| panic!("{name}: {f:#?}"));
    assert_eq!(find("Cipher Suites (31 suites)").depth, 0);
    assert_eq!(find("Version").value, "TLS 1.2 (0x0303)");
    assert!(f.iter().any(|x| x.depth == 1 && x.value == "TLS_CHACHA20_POLY1305_SHA256 (0x1303)"));
    assert_eq!(find("Extension: server_name (len=16)").value, "example.com");
    assert_eq!(find("Server Name").value, "example.com");
    assert_eq!(find("Extension: application_layer_protocol_negotiation (len=14)").value, "h2, http/1.1");
    assert!(f.iter().any(|x| x.name == "Supported Group" && x.value == "x25519 (0x001d)"));
    assert!(
        f.iter()
            .any(|x| x.name == "Key Share Entry"
                && x.value.starts_with("Group: x25519 (0x001d), Key Exchange length: 32"))
    );
}

#[test]
fn tls13_server_hello_and_encrypted_extensions() {
    let body = msg(data!("c13_s_ServerHello"), HandshakeType::SERVER_HELLO);
    let HandshakeBody::ServerHello(sh) =
        parse_handshake(HandshakeType::SERVER_HELLO, &body, &ParseContext::default()).unwrap()
    else {
        panic!()
    };
    assert!(!sh.is_hello_retry_request);
    assert_eq!(sh.cipher_suite, CipherSuite::TLS_AES_256_GCM_SHA384);
    assert_eq!(sh.legacy_version, ProtocolVersion::TLS_1_2);
    assert_eq!(sh.negotiated_version(), ProtocolVersion::TLS_1_3);
    assert_eq!(sh.downgrade_sentinel(), None);
    match sh.decoded(ExtensionType::KEY_SHARE) {
        Some(ExtensionValue::KeyShareServer(KeyShareEntry { group, key_exchange })) => {
            assert_eq!(group, NamedGroup::X25519);
            assert_eq!(&key_exchange[..4], &[0xa4, 0x39, 0x84, 0xd8]);
        }
        other => panic!("{other:?}"),
    }

    let body = msg(data!("c13_s_EncryptedExtensions"), HandshakeType::ENCRYPTED_EXTENSIONS);
    let HandshakeBody::EncryptedExtensions(ee) =
        parse_handshake(HandshakeType::ENCRYPTED_EXTENSIONS, &body, &ctx(TLS13, None, true)).unwrap()
    else {
        panic!()
    };
    assert!(ee.extensions.is_empty() && ee.anomalies.is_empty());
}

#[test]
fn hello_retry_request_is_recognised() {
    let mut body = vec![3, 3];
    body.extend_from_slice(&HELLO_RETRY_REQUEST_RANDOM);
    body.extend_from_slice(&[0, 0x13, 0x01, 0]);
    // extensions: supported_versions 0x0304, key_share selected_group secp256r1.
    body.extend_from_slice(&[0, 12, 0, 43, 0, 2, 3, 4, 0, 51, 0, 2, 0, 0x17]);
    let HandshakeBody::ServerHello(sh) =
        parse_handshake(HandshakeType::SERVER_HELLO, &body, &ParseContext::default()).unwrap()
    else {
        panic!()
    };
    assert!(sh.is_hello_retry_request);
    assert_eq!(sh.decoded(ExtensionType::KEY_SHARE), Some(ExtensionValue::KeyShareRetry(NamedGroup::SECP256R1)));
    let f = HandshakeBody::ServerHello(sh).fields();
    assert!(f.iter().any(|x| x.name == "Selected Group" && x.value == "secp256r1 (0x0017)"));
}

#[test]
fn tls13_certificate_request_certificate_and_verify() {
    let body = msg(data!("c13_s_CertificateRequest"), HandshakeType::CERTIFICATE_REQUEST);
    for c in [ctx(TLS13, None, true), ParseContext::default()] {
        let HandshakeBody::CertificateRequest(cr) =
            parse_handshake(HandshakeType::CERTIFICATE_REQUEST, &body, &c).unwrap()
        else {
            panic!()
        };
        assert!(cr.tls13);
        assert_eq!(cr.request_context, Some(&[][..]));
        let algs = cr.signature_algorithms.unwrap();
        assert_eq!(algs.len(), 16);
        assert_eq!(algs[0], SignatureScheme::ECDSA_SECP256R1_SHA256);
        assert_eq!(cr.certificate_authorities.len(), 1);
        // SEQUENCE of 0x26 bytes: CN=Test CA, O=tlsdoctor.
        assert_eq!(cr.certificate_authorities[0].len(), 40);
        assert_eq!(&cr.certificate_authorities[0][..2], &[0x30, 0x26]);
    }

    let body = msg(data!("c13_s_Certificate"), HandshakeType::CERTIFICATE);
    let HandshakeBody::Certificate(cert) =
        parse_handshake(HandshakeType::CERTIFICATE, &body, &ctx(TLS13, None, true)).unwrap()
    else {
        panic!()
    };
    assert!(cert.tls13 && cert.anomalies.is_empty());
    assert_eq!(cert.request_context, Some(&[][..]));
    let lens: Vec<usize> = cert.certificates().map(|c| c.len()).collect();
    assert_eq!(lens, [709, 817]);
    assert!(cert.entries.iter().all(|e| e.extensions.is_empty()));
    // Without the version the layout is guessed right too.
    let HandshakeBody::Certificate(guessed) =
        parse_handshake(HandshakeType::CERTIFICATE, &body, &ParseContext::default()).unwrap()
    else {
        panic!()
    };
    assert_eq!(guessed, cert);

    // The client's empty TLS 1.3 Certificate.
    let body = msg(data!("c13_c_Certificate"), HandshakeType::CERTIFICATE);
    let HandshakeBody::Certificate(empty) =
        parse_handshake(HandshakeType::CERTIFICATE, &body, &ctx(TLS13, None, false)).unwrap()
    else {
        panic!()
    };
    assert!(empty.entries.is_empty());

    let body = msg(data!("c13_s_CertificateVerify"), HandshakeType::CERTIFICATE_VERIFY);
    let HandshakeBody::CertificateVerify(cv) =
        parse_handshake(HandshakeType::CERTIFICATE_VERIFY, &body, &ctx(TLS13, None, true)).unwrap()
    else {
        panic!()
    };
    assert_eq!(cv.scheme, Some(SignatureScheme::RSA_PSS_RSAE_SHA256));
    assert_eq!(cv.signature.len(), 256);
}

#[test]
fn tls12_client_hello_and_server_hello() {
    let body = msg(data!("c12_c_ClientHello"), HandshakeType::CLIENT_HELLO);
    let HandshakeBody::ClientHello(ch) =
        parse_handshake(HandshakeType::CLIENT_HELLO, &body, &ParseContext::default()).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        ch.cipher_suites,
        vec![CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV]
    );
    assert_eq!(ch.server_name(), Some("example.com"));

    let body = msg(data!("c12_s_ServerHello"), HandshakeType::SERVER_HELLO);
    let HandshakeBody::ServerHello(sh) =
        parse_handshake(HandshakeType::SERVER_HELLO, &body, &ParseContext::default()).unwrap()
    else {
        panic!()
    };
    assert_eq!(sh.cipher_suite, CipherSuite(0xc02f));
    assert_eq!(sh.negotiated_version(), ProtocolVersion::TLS_1_2);
    assert!(sh.session_id.is_empty()); // session ticket instead
                                       // OpenSSL's TLS 1.3-capable server marks the TLS 1.2 downgrade.
    assert_eq!(sh.downgrade_sentinel(), Some(ProtocolVersion::TLS_1_2));
    assert!(sh.extension(ExtensionType::RENEGOTIATION_INFO).is_some());
    assert_eq!(sh.decoded(ExtensionType::RENEGOTIATION_INFO), Some(ExtensionValue::RenegotiationInfo(&[])));
}

#[test]
fn tls12_certificate() {
    let body = msg(data!("c12_s_Certificate"), HandshakeType::CERTIFICATE);
    for c in [ctx(TLS12, None, true), ParseContext::default()] {
        let HandshakeBody::Certificate(cert) = parse_handshake(HandshakeType::CERTIFICATE, &body, &c).unwrap() else {
            panic!()
        };
        assert!(!cert.tls13);
        assert_eq!(cert.request_context, None);
        let lens: Vec<usize> = cert.certificates().map(|c| c.len()).collect();
        assert_eq!(lens, [709, 817]);
        assert_eq!(cert.entries[0].der[0], 0x30);
        let f = HandshakeBody::Certificate(cert).fields();
        assert_eq!(f[0].name, "Certificates (2 certificates)");
        assert_eq!(f[0].value, "1532 bytes");
        assert_eq!(f[1].value, "709 bytes");
    }
}

#[test]
fn tls12_ecdhe_rsa_server_key_exchange() {
    let body = msg(data!("c12_s_ServerKeyExchange"), HandshakeType::SERVER_KEY_EXCHANGE);
    let c = ctx(TLS12, Some(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), true);
    let HandshakeBody::ServerKeyExchange(ske) = parse_handshake(HandshakeType::SERVER_KEY_EXCHANGE, &body, &c).unwrap()
    else {
        panic!()
    };
    assert!(ske.anomalies.is_empty());
    match ske.kx {
        KxParams::Ecdh { curve_type, group, point, explicit } => {
            assert_eq!(curve_type, EcCurveType::NAMED_CURVE);
            assert_eq!(group, Some(NamedGroup::X25519));
            assert_eq!(point.len(), 32);
            assert_eq!(explicit, None);
        }
        other => panic!("{other:?}"),
    }
    // params = curve_type(1) + group(2) + point length(1) + point(32).
    assert_eq!(ske.params.len(), 36);
    assert_eq!(&ske.params[..4], &[3, 0, 0x1d, 32]);
    assert_eq!(ske.params, &body[..36]);
    assert_eq!(ske.scheme, Some(SignatureScheme::RSA_PSS_RSAE_SHA256));
    assert!(ske.signed);
    assert_eq!(ske.signature.len(), 256);
    assert_eq!(ske.signature, &body[40..]);
    // Version unknown: the scheme prefix is recognised from the lengths.
    let c = ctx(None, Some(CipherSuite(0xc02f)), true);
    let HandshakeBody::ServerKeyExchange(guess) =
        parse_handshake(HandshakeType::SERVER_KEY_EXCHANGE, &body, &c).unwrap()
    else {
        panic!()
    };
    assert_eq!(guess.scheme, ske.scheme);
    // Cipher suite unknown: raw.
    let HandshakeBody::ServerKeyExchange(raw) =
        parse_handshake(HandshakeType::SERVER_KEY_EXCHANGE, &body, &ParseContext::default()).unwrap()
    else {
        panic!()
    };
    assert_eq!(raw.kx, KxParams::Unknown(&body));
    let f = HandshakeBody::ServerKeyExchange(ske).fields();
    assert!(f.iter().any(|x| x.name == "Named Curve" && x.value == "x25519 (0x001d)"));
    assert!(f.iter().any(|x| x.name == "Signature Algorithm" && x.value == "rsa_pss_rsae_sha256 (0x0804)"));
}

#[test]
fn tls10_dhe_server_key_exchange_has_no_scheme() {
    let body = msg(data!("c10_s_ServerKeyExchange"), HandshakeType::SERVER_KEY_EXCHANGE);
    let suite = Some(CipherSuite::TLS_DHE_RSA_WITH_AES_128_CBC_SHA);
    for v in [TLS10, None] {
        let HandshakeBody::ServerKeyExchange(ske) =
            parse_handshake(HandshakeType::SERVER_KEY_EXCHANGE, &body, &ctx(v, suite, true)).unwrap()
        else {
            panic!()
        };
        let KxParams::Dh { p, g, ys } = ske.kx else { panic!("{:?}", ske.kx) };
        assert_eq!((p.len(), g.len(), ys.len()), (128, 1, 128));
        assert_eq!(g, &[2]);
        assert_eq!(ske.params.len(), 2 + 128 + 2 + 1 + 2 + 128);
        assert_eq!(ske.scheme, None);
        assert_eq!(ske.signature.len(), 256);
        assert!(ske.anomalies.is_empty());
        let f = HandshakeBody::ServerKeyExchange(ske).fields();
        assert_eq!(f[0].value, "1024-bit p");
    }
}

#[test]
fn certificate_request_tls12_and_tls10() {
    let body = msg(data!("c12_s_CertificateRequest"), HandshakeType::CERTIFICATE_REQUEST);
    for c in [ctx(TLS12, None, true), ParseContext::default()] {
        let HandshakeBody::CertificateRequest(cr) =
            parse_handshake(HandshakeType::CERTIFICATE_REQUEST, &body, &c).unwrap()
        else {
            panic!()
        };
        assert!(!cr.tls13);
        assert_eq!(cr.certificate_types, vec![Cct::RSA_SIGN, Cct::DSS_SIGN, Cct::ECDSA_SIGN]);
        let algs = cr.signature_algorithms.as_ref().unwrap();
        assert_eq!(algs.len(), 20);
        assert_eq!(algs[19], SignatureScheme(0x0602));
        assert_eq!(algs[19].to_string(), "sha512_dsa");
        assert_eq!(cr.certificate_authorities.len(), 1);
        assert_eq!(cr.certificate_authorities[0].len(), 40);
        let f = HandshakeBody::CertificateRequest(cr).fields();
        assert!(f.iter().any(|x| x.name == "Certificate type" && x.value == "ecdsa_sign (0x40)"));
        assert!(f.iter().any(|x| x.name == "Distinguished Names (1)"));
    }
    let body = msg(data!("c10_s_CertificateRequest"), HandshakeType::CERTIFICATE_REQUEST);
    for c in [ctx(TLS10, None, true), ParseContext::default()] {
        let HandshakeBody::CertificateRequest(cr) =
            parse_handshake(HandshakeType::CERTIFICATE_REQUEST, &body, &c).unwrap()
        else {
            panic!()
        };
        assert_eq!(cr.signature_algorithms, None);
        assert_eq!(cr.certificate_types.len(), 3);
        assert_eq!(cr.certificate_authorities.len(), 1);
        assert!(cr.anomalies.is_empty());
    }
}

#[test]
fn client_key_exchange_and_certificate_verify() {
    let body = msg(data!("c12_c_ClientKeyExchange"), HandshakeType::CLIENT_KEY_EXCHANGE);
    let HandshakeBody::ClientKeyExchange(cke) =
        parse_handshake(HandshakeType::CLIENT_KEY_EXCHANGE, &body, &ctx(TLS12, Some(CipherSuite(0xc02f)), false))
            .unwrap()
    else {
        panic!()
    };
    assert!(matches!(cke.kx, ClientKx::Ecdh { point } if point.len() == 32));

    let body = msg(data!("c10_c_ClientKeyExchange"), HandshakeType::CLIENT_KEY_EXCHANGE);
    let HandshakeBody::ClientKeyExchange(cke) =
        parse_handshake(HandshakeType::CLIENT_KEY_EXCHANGE, &body, &ctx(TLS10, Some(CipherSuite(0x0033)), false))
            .unwrap()
    else {
        panic!()
    };
    assert!(matches!(cke.kx, ClientKx::Dh { public } if public.len() == 128));

    let body = msg(data!("c12_c_CertificateVerify"), HandshakeType::CERTIFICATE_VERIFY);
    for v in [TLS12, None] {
        let HandshakeBody::CertificateVerify(cv) =
            parse_handshake(HandshakeType::CERTIFICATE_VERIFY, &body, &ctx(v, None, false)).unwrap()
        else {
            panic!()
        };
        assert_eq!(cv.scheme, Some(SignatureScheme::RSA_PSS_RSAE_SHA256));
        assert_eq!(cv.signature.len(), 256);
    }
    let body = msg(data!("c10_c_CertificateVerify"), HandshakeType::CERTIFICATE_VERIFY);
    for v in [TLS10, None] {
        let HandshakeBody::CertificateVerify(cv) =
            parse_handshake(HandshakeType::CERTIFICATE_VERIFY, &body, &ctx(v, None, false)).unwrap()
        else {
            panic!()
        };
        assert_eq!(cv.scheme, None);
        assert_eq!(cv.signature.len(), 256);
        assert_eq!(cv.signature, &body[2..]);
    }
}

#[test]
fn tls12_new_session_ticket() {
    let body = msg(data!("c12_s_NewSessionTicket"), HandshakeType::NEW_SESSION_TICKET);
    for v in [TLS12, None] {
        let HandshakeBody::NewSessionTicket(t) =
            parse_handshake(HandshakeType::NEW_SESSION_TICKET, &body, &ctx(v, None, true)).unwrap()
        else {
            panic!()
        };
        assert!(!t.tls13);
        assert_eq!(t.lifetime, 7200);
        assert_eq!(t.ticket.len(), 880);
    }
}

#[test]
fn sslv2_client_hello_from_rsasnakeoil2() {
    let rec = unhex(data!("ssl2_client_hello"));
    let ch = parse_sslv2_client_hello(&rec).unwrap();
    assert!(ch.anomalies.is_empty(), "{:?}", ch.anomalies);
    assert_eq!(ch.legacy_version, ProtocolVersion::SSL_3_0);
    let v2 = ch.sslv2.as_ref().unwrap();
    assert_eq!(v2.cipher_specs.len(), 26);
    assert_eq!(v2.cipher_specs[0], 0x010080);
    assert_eq!(sslv2_cipher_spec_name(v2.cipher_specs[0]), Some("SSL2_RC4_128_WITH_MD5"));
    assert_eq!(v2.challenge.len(), 16);
    // 16-byte challenge right-aligned in the 32-byte random.
    assert_eq!(&ch.random[..16], &[0; 16]);
    assert_eq!(&ch.random[16..], v2.challenge);
    assert!(ch.session_id.is_empty());
    assert!(ch.cipher_suites.contains(&CipherSuite::TLS_RSA_WITH_AES_256_CBC_SHA));
    assert!(ch.cipher_suites.contains(&CipherSuite(0xfeff)));
    assert_eq!(CipherSuite(0xfeff).to_string(), "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA");
    assert!(HandshakeBody::ClientHello(ch)
        .fields()
        .iter()
        .any(|f| f.value == "SSL2_DES_192_EDE3_CBC_WITH_MD5 (0x0700c0)"));
    assert!(parse_sslv2_client_hello(&[2, 0, 2]).is_err());
}

#[test]
fn ssl3_rsa_client_key_exchange_has_no_length_prefix() {
    let body = unhex(data!("ssl3_client_key_exchange_body"));
    assert_eq!(body.len(), 128);
    let suite = Some(CipherSuite::TLS_RSA_WITH_AES_256_CBC_SHA);
    let HandshakeBody::ClientKeyExchange(cke) =
        parse_handshake(HandshakeType::CLIENT_KEY_EXCHANGE, &body, &ctx(Some(ProtocolVersion::SSL_3_0), suite, false))
            .unwrap()
    else {
        panic!()
    };
    assert_eq!(cke.kx, ClientKx::Rsa { encrypted_premaster: &body, length_prefixed: false });
    // TLS: prefixed.
    let mut tls = vec![0, 128];
    tls.extend_from_slice(&body);
    let HandshakeBody::ClientKeyExchange(cke) =
        parse_handshake(HandshakeType::CLIENT_KEY_EXCHANGE, &tls, &ctx(None, suite, false)).unwrap()
    else {
        panic!()
    };
    assert!(
        matches!(cke.kx, ClientKx::Rsa { encrypted_premaster, length_prefixed: true } if encrypted_premaster == &body[..])
    );
}

#[test]
fn trailing_bytes_are_noted_not_fatal() {
    let mut body = msg(data!("c12_c_CertificateVerify"), HandshakeType::CERTIFICATE_VERIFY);
    body.extend_from_slice(&[0xde, 0xad]);
    let parsed = parse_handshake(HandshakeType::CERTIFICATE_VERIFY, &body, &ctx(TLS12, None, false)).unwrap();
    assert_eq!(parsed.anomalies(), &[DecodeError::TrailingData { what: "CertificateVerify", extra: 2 }]);
    assert!(parsed.fields().iter().any(|f| f.name == "Anomaly"));
    // Empty messages cannot carry a note.
    assert!(parse_handshake(HandshakeType::SERVER_HELLO_DONE, &[0], &ParseContext::default()).is_err());
    assert_eq!(
        parse_handshake(HandshakeType::SERVER_HELLO_DONE, &[], &ParseContext::default()),
        Ok(HandshakeBody::ServerHelloDone)
    );
}

#[test]
fn client_hello_with_psk_binders_and_ech() {
    // Minimal TLS 1.3 ClientHello: ECH outer, then pre_shared_key last.
    let mut exts = vec![0xfe, 0x0d, 0, 12, 0, 0, 1, 0, 1, 7, 0, 1, 0xee, 0, 1, 0xff];
    exts.extend_from_slice(&[0, 41, 0, 16, 0, 8, 0, 2, b'i', b'd', 0, 0, 0, 9, 0, 4, 3, 1, 2, 3]);
    let mut body = vec![3, 3];
    body.extend_from_slice(&[7; 32]);
    body.extend_from_slice(&[0, 0, 2, 0x13, 0x01, 1, 0]);
    body.extend_from_slice(&(exts.len() as u16).to_be_bytes());
    body.extend_from_slice(&exts);
    let HandshakeBody::ClientHello(ch) =
        parse_handshake(HandshakeType::CLIENT_HELLO, &body, &ParseContext::default()).unwrap()
    else {
        panic!()
    };
    assert!(ch.anomalies.is_empty(), "{:?}", ch.anomalies);
    assert_eq!(ch.truncated_for_binders(), Some(&body[..body.len() - 6]));
    assert_eq!(
        ch.decoded(ExtensionType::ENCRYPTED_CLIENT_HELLO),
        Some(ExtensionValue::EncryptedClientHello(EchValue::Outer {
            kdf_id: 1,
            aead_id: 1,
            config_id: 7,
            enc: &[0xee],
            payload: &[0xff]
        }))
    );
}

#[test]
fn malformed_extension_block_keeps_message() {
    let body = msg(data!("c12_c_ClientHello"), HandshakeType::CLIENT_HELLO);
    // Cut the message inside the extensions: block length now exceeds the data.
    let cut = &body[..body.len() - 3];
    let HandshakeBody::ClientHello(ch) =
        parse_handshake(HandshakeType::CLIENT_HELLO, cut, &ParseContext::default()).unwrap()
    else {
        panic!()
    };
    assert_eq!(ch.cipher_suites.len(), 2);
    assert!(matches!(ch.anomalies[0], DecodeError::Truncated { what: "extensions", .. }));
    // Truncated before the mandatory fields end: an error.
    assert!(parse_handshake(HandshakeType::CLIENT_HELLO, &body[..40], &ParseContext::default()).is_err());
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    const SUITES: [u16; 12] =
        [0xc02f, 0x0039, 0x002f, 0x00a8, 0x00aa, 0xc035, 0x0092, 0xc01d, 0xc01e, 0x1301, 0x0003, 0xc018];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn any_body_any_type(
            typ in any::<u8>(),
            body in proptest::collection::vec(any::<u8>(), 0..300),
            ver in proptest::option::of(prop::sample::select(vec![0x0300u16, 0x0301, 0x0302, 0x0303, 0x0304, 0xfefd, 0x7f17])),
            suite in proptest::option::of(prop::sample::select(SUITES.to_vec())),
            from_server in any::<bool>(),
        ) {
            let c = ParseContext { version: ver.map(ProtocolVersion), cipher_suite: suite.map(CipherSuite), from_server };
            if let Ok(m) = parse_handshake(HandshakeType(typ), &body, &c) {
                let _ = m.fields();
                if let HandshakeBody::ClientHello(ch) = &m {
                    let _ = ch.truncated_for_binders();
                    let _ = ch.server_name();
                }
            }
            let _ = parse_sslv2_client_hello(&body);
        }

        #[test]
        fn any_extension_any_context(typ in any::<u16>(), data in proptest::collection::vec(any::<u8>(), 0..64)) {
            use crate::extensions::{Extension, ExtensionContext as C};
            let e = Extension { typ: ExtensionType(typ), data: &data };
            for c in [C::ClientHello, C::ServerHello, C::HelloRetryRequest, C::EncryptedExtensions, C::Certificate, C::CertificateRequest, C::NewSessionTicket] {
                let v = e.decode(c);
                let _ = v.fields(0);
                let _ = v.summary();
            }
        }

        #[test]
        fn extension_types_of_interest(typ in prop::sample::select(vec![0u16, 5, 10, 11, 13, 16, 18, 27, 34, 41, 42, 43, 45, 47, 48, 51, 17513, 17613, 0xfe0d, 0xff01]),
                                       data in proptest::collection::vec(any::<u8>(), 0..40)) {
            use crate::extensions::{Extension, ExtensionContext as C};
            let e = Extension { typ: ExtensionType(typ), data: &data };
            for c in [C::ClientHello, C::ServerHello, C::HelloRetryRequest, C::EncryptedExtensions, C::Certificate, C::CertificateRequest, C::NewSessionTicket] {
                let _ = e.decode(c).fields(0);
            }
        }
    }
}
