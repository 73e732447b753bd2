//! JA4 and JA4S (FoxIO, technical_details/JA4.md and JA4S.md).
//!
//! JA4 is `a_b_c`: `a` the transport (`t` TCP, `q` QUIC, `d` DTLS), the highest
//! version offered, `d` with SNI or `i` without, the counts of cipher suites and
//! extensions, and the first and last characters of the first ALPN value; `b` the
//! hash of the cipher suites sorted; `c` the hash of the extensions sorted (without SNI
//! and ALPN, already in `a`) then `_` and the signature algorithms in their order.
//! GREASE values are left out everywhere. The raw form `ja4_r` shows the lists instead
//! of their hashes. An SSLv2-format ClientHello has the version it names (`s2` for SSL
//! 2.0's 0x0002), its TLS cipher suites (SSL 2.0's 3-byte cipher specs have no 4-digit
//! code) and no extensions.
//!
//! JA4S is `a_b_c` for the server: transport, chosen version, extension count, ALPN
//! chosen; the cipher suite; the hash of the extensions in the order sent.

use tlsdoctor_tls::extensions::ExtensionValue;
use tlsdoctor_tls::messages::{ClientHello, ServerHello};
use tlsdoctor_tls::registry::{is_grease_u16, ExtensionType};

use super::digest::{hex, push_hex, sha256_12};
use super::Fingerprint;
use crate::pipeline::Transport;

/// What a list with nothing to hash shows, instead of the hash of nothing.
const EMPTY: &str = "000000000000";

pub fn ja4(hello: &ClientHello<'_>, transport: Transport) -> Fingerprint {
    let ciphers: Vec<u16> = hello.cipher_suites.iter().map(|s| s.0).filter(|&v| !is_grease_u16(v)).collect();
    let extensions: Vec<u16> = hello.extensions.iter().map(|e| e.typ.0).filter(|&v| !is_grease_u16(v)).collect();
    let offered = match hello.decoded(ExtensionType::SUPPORTED_VERSIONS) {
        Some(ExtensionValue::SupportedVersions(v)) => highest(v.iter().map(|v| v.0)),
        _ => None,
    };
    let version = offered.unwrap_or(hello.legacy_version.0);
    let sni = if hello.extension(ExtensionType::SERVER_NAME).is_some() { 'd' } else { 'i' };
    let first_alpn = match hello.decoded(ExtensionType::APPLICATION_LAYER_PROTOCOL_NEGOTIATION) {
        Some(ExtensionValue::Alpn(protocols)) => protocols.first().copied(),
        _ => None,
    };
    let a = format!(
        "{}{}{sni}{}{}{}",
        transport_letter(transport),
        version_code(version),
        count(ciphers.len()),
        count(extensions.len()),
        alpn_code(first_alpn)
    );

    let mut sorted_ciphers = ciphers;
    sorted_ciphers.sort_unstable();
    let b = hex_list(&sorted_ciphers);

    let mut sorted_extensions: Vec<u16> = extensions
        .into_iter()
        .filter(|&t| t != ExtensionType::SERVER_NAME.0 && t != ExtensionType::APPLICATION_LAYER_PROTOCOL_NEGOTIATION.0)
        .collect();
    sorted_extensions.sort_unstable();
    let algorithms: Vec<u16> = match hello.decoded(ExtensionType::SIGNATURE_ALGORITHMS) {
        Some(ExtensionValue::SignatureAlgorithms(v)) => v.iter().map(|s| s.0).filter(|&v| !is_grease_u16(v)).collect(),
        _ => Vec::new(),
    };
    let mut c = hex_list(&sorted_extensions);
    if !algorithms.is_empty() {
        c.push('_');
        c.push_str(&hex_list(&algorithms));
    }

    Fingerprint { hash: format!("{a}_{}_{}", hash_or_empty(&b), hash_or_empty(&c)), raw: format!("{a}_{b}_{c}") }
}

pub fn ja4s(hello: &ServerHello<'_>, transport: Transport) -> Fingerprint {
    // JA4S keeps every extension, in order: a server's list is not shuffled.
    let extensions: Vec<u16> = hello.extensions.iter().map(|e| e.typ.0).collect();
    let alpn = match hello.decoded(ExtensionType::APPLICATION_LAYER_PROTOCOL_NEGOTIATION) {
        Some(ExtensionValue::Alpn(protocols)) => protocols.first().copied(),
        _ => None,
    };
    let a = format!(
        "{}{}{}{}",
        transport_letter(transport),
        version_code(hello.negotiated_version().0),
        count(extensions.len()),
        alpn_code(alpn)
    );
    let cipher = hex(&hello.cipher_suite.0.to_be_bytes());
    let list = hex_list(&extensions);
    Fingerprint { hash: format!("{a}_{cipher}_{}", hash_or_empty(&list)), raw: format!("{a}_{cipher}_{list}") }
}

fn transport_letter(transport: Transport) -> char {
    match transport {
        Transport::Tcp => 't',
        Transport::Quic => 'q',
        Transport::Udp => 'd',
    }
}

/// The highest version of a supported_versions list, GREASE left out. DTLS numbers
/// count down (0xfefd is DTLS 1.2, 0xfefc DTLS 1.3): the highest is the newest.
fn highest(versions: impl Iterator<Item = u16>) -> Option<u16> {
    let newness = |v: u16| if v >> 8 == 0xfe { 0x1_0000 + u32::from(0xffff - v) } else { u32::from(v) };
    versions.filter(|&v| !is_grease_u16(v)).max_by_key(|&v| newness(v))
}

fn version_code(version: u16) -> &'static str {
    match version {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        0x0002 => "s2",
        0xfeff => "d1",
        0xfefd => "d2",
        0xfefc => "d3",
        _ => "00",
    }
}

/// Two digits, 99 at most.
fn count(n: usize) -> String {
    format!("{:02}", n.min(99))
}

/// The first and last characters of an ALPN value; `00` for none or an empty one. When
/// either end is not an ASCII letter or digit, the first and last hex digits of the
/// value instead.
fn alpn_code(value: Option<&[u8]>) -> String {
    let Some((&first, &last)) = value.and_then(|v| Some((v.first()?, v.last()?))) else {
        return "00".to_string();
    };
    if first.is_ascii_alphanumeric() && last.is_ascii_alphanumeric() {
        return format!("{}{}", char::from(first), char::from(last));
    }
    let (first, last) = (hex(&[first]), hex(&[last]));
    format!("{}{}", &first[..1], &last[1..])
}

/// Four hex digits each, joined by `,`.
fn hex_list(values: &[u16]) -> String {
    let mut out = String::with_capacity(values.len() * 5);
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_hex(&mut out, &v.to_be_bytes());
    }
    out
}

fn hash_or_empty(list: &str) -> String {
    if list.is_empty() {
        EMPTY.to_string()
    } else {
        sha256_12(list)
    }
}
