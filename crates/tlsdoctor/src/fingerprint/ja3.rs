//! JA3 and JA3S (Salesforce): decimal values joined by `-`, fields by `,`, GREASE
//! values (RFC 8701) left out, the string's MD5 the fingerprint. As tshark 4.0 computes
//! them (`tls.handshake.ja3`, `tls.handshake.ja3s`): the version is the hello's own
//! (legacy) version, extensions are listed in the order sent.

use std::fmt::Write;

use tlsdoctor_tls::extensions::ExtensionValue;
use tlsdoctor_tls::messages::{ClientHello, ServerHello};
use tlsdoctor_tls::registry::{is_grease_u16, ExtensionType};

use super::digest::md5_hex;
use super::Fingerprint;

/// `version,ciphers,extensions,groups,point_formats`. None for an SSLv2-format hello,
/// which has no TLS handshake record to take it from.
pub fn ja3(hello: &ClientHello<'_>) -> Option<Fingerprint> {
    if hello.sslv2.is_some() {
        return None;
    }
    let groups = match hello.decoded(ExtensionType::SUPPORTED_GROUPS) {
        Some(ExtensionValue::SupportedGroups(g)) => g.iter().map(|g| g.0).collect(),
        _ => Vec::new(),
    };
    let point_formats = match hello.decoded(ExtensionType::EC_POINT_FORMATS) {
        Some(ExtensionValue::EcPointFormats(f)) => dashed(f.iter().map(|f| u16::from(f.0))),
        _ => String::new(),
    };
    let raw = format!(
        "{},{},{},{},{}",
        hello.legacy_version.0,
        dashed(hello.cipher_suites.iter().map(|s| s.0)),
        dashed(hello.extensions.iter().map(|e| e.typ.0)),
        dashed(groups),
        point_formats
    );
    Some(Fingerprint { hash: md5_hex(&raw), raw })
}

/// `version,cipher,extensions`.
pub fn ja3s(hello: &ServerHello<'_>) -> Fingerprint {
    let raw = format!(
        "{},{},{}",
        hello.legacy_version.0,
        hello.cipher_suite.0,
        dashed(hello.extensions.iter().map(|e| e.typ.0))
    );
    Fingerprint { hash: md5_hex(&raw), raw }
}

/// The values that are not GREASE, in decimal, joined by `-`.
fn dashed(values: impl IntoIterator<Item = u16>) -> String {
    let mut out = String::new();
    for v in values.into_iter().filter(|&v| !is_grease_u16(v)) {
        if !out.is_empty() {
            out.push('-');
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "{v}");
    }
    out
}
