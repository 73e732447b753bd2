//! The specification's own examples (FoxIO technical_details/JA4.md, JA4S.md, JA4X.md),
//! and one test per rule.

use tlsdoctor_tls::messages::{parse_handshake, parse_sslv2_client_hello, HandshakeBody, ParseContext};
use tlsdoctor_tls::registry::HandshakeType;

use super::digest::{md5_hex, sha256_12};
use super::*;

/// A ClientHello body: version, suites and extensions (type, data) as given.
fn client_hello_body(version: u16, suites: &[u16], extensions: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut b = version.to_be_bytes().to_vec();
    b.extend([7; 32]);
    b.push(0); // session_id
    b.extend(((suites.len() * 2) as u16).to_be_bytes());
    suites.iter().for_each(|s| b.extend(s.to_be_bytes()));
    b.extend([1, 0]); // compression: null
    b.extend(extension_block(extensions));
    b
}

fn server_hello_body(version: u16, suite: u16, extensions: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut b = version.to_be_bytes().to_vec();
    b.extend([9; 32]);
    b.push(0);
    b.extend(suite.to_be_bytes());
    b.push(0);
    b.extend(extension_block(extensions));
    b
}

fn extension_block(extensions: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut block = Vec::new();
    for (typ, data) in extensions {
        block.extend(typ.to_be_bytes());
        block.extend((data.len() as u16).to_be_bytes());
        block.extend(data);
    }
    let mut out = (block.len() as u16).to_be_bytes().to_vec();
    out.extend(block);
    out
}

fn client(body: &[u8]) -> ClientHello<'_> {
    match parse_handshake(HandshakeType::CLIENT_HELLO, body, &ParseContext::default()) {
        Ok(HandshakeBody::ClientHello(h)) => h,
        other => panic!("not a ClientHello: {other:?}"),
    }
}

fn server(body: &[u8]) -> ServerHello<'_> {
    match parse_handshake(HandshakeType::SERVER_HELLO, body, &ParseContext::default()) {
        Ok(HandshakeBody::ServerHello(h)) => h,
        other => panic!("not a ServerHello: {other:?}"),
    }
}

fn u16_list(len_bytes: usize, values: &[u16]) -> Vec<u8> {
    let n = values.len() * 2;
    let mut out = if len_bytes == 1 { vec![n as u8] } else { (n as u16).to_be_bytes().to_vec() };
    values.iter().for_each(|v| out.extend(v.to_be_bytes()));
    out
}

fn alpn(protocols: &[&[u8]]) -> Vec<u8> {
    let mut list = Vec::new();
    for p in protocols {
        list.push(p.len() as u8);
        list.extend(*p);
    }
    let mut out = (list.len() as u16).to_be_bytes().to_vec();
    out.extend(list);
    out
}

fn sni(name: &str) -> Vec<u8> {
    let mut entry = vec![0];
    entry.extend((name.len() as u16).to_be_bytes());
    entry.extend(name.as_bytes());
    let mut out = (entry.len() as u16).to_be_bytes().to_vec();
    out.extend(entry);
    out
}

const SPEC_SUITES: [u16; 15] = [
    0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f,
    0x0035,
];
const SPEC_SIGALGS: [u16; 8] = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601];

/// The hello of JA4.md's example: its 15 suites and 16 extensions in the order given,
/// SNI, ALPN h2, TLS 1.3 in supported_versions; GREASE added around them.
fn spec_hello_body() -> Vec<u8> {
    let mut suites = vec![0x2a2a];
    suites.extend(SPEC_SUITES);
    let order = [
        0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b,
        0x000a, 0x0015,
    ];
    let mut extensions = vec![(0x5a5a, Vec::new())];
    for typ in order {
        let data = match typ {
            0x0000 => sni("example.com"),
            0x0010 => alpn(&[b"h2", b"http/1.1"]),
            0x002b => {
                let mut v = u16_list(1, &[0x1a1a, 0x0304, 0x0303]);
                v.truncate(7);
                v
            }
            0x000d => {
                let mut algs = vec![0x0a0a];
                algs.extend(SPEC_SIGALGS);
                u16_list(2, &algs)
            }
            0x000a => u16_list(2, &[0x4a4a, 0x001d, 0x0017]),
            0x000b => vec![1, 0],
            _ => Vec::new(),
        };
        extensions.push((typ, data));
    }
    extensions.push((0xfafa, vec![0]));
    client_hello_body(0x0303, &suites, &extensions)
}

#[test]
fn ja4_spec_hashes() {
    assert_eq!(sha256_12("002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9"), "8daaf6152771");
    let extensions = "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01";
    assert_eq!(sha256_12(&format!("{extensions}_0403,0804,0401,0503,0805,0501,0806,0601")), "e5627efa2ab1");
    assert_eq!(sha256_12(extensions), "6d807ffa2a79");
    assert_eq!(sha256_12("0005,0017,ff01,0000"), "4e8089b08790");
    assert_eq!(sha256_12("550403,550406,550408,55040a"), "96a6439c8f5c");
    assert_eq!(sha256_12("551d0f,551d25,551d11"), "aae71e8db6d7");
}

#[test]
fn ja4_of_the_spec_example() {
    let body = spec_hello_body();
    let hello = client(&body);
    let ja4 = ja4(&hello, Transport::Tcp);
    assert_eq!(ja4.hash, "t13d1516h2_8daaf6152771_e5627efa2ab1");
    assert_eq!(
        ja4.raw,
        "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,\
         0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601"
    );
}

#[test]
fn ja4_transport_letter() {
    let body = spec_hello_body();
    let hello = client(&body);
    assert!(ja4(&hello, Transport::Quic).hash.starts_with("q13d"));
    assert!(ja4(&hello, Transport::Udp).hash.starts_with("d13d"));
}

#[test]
fn ja4s_of_the_spec_example() {
    let body =
        server_hello_body(0x0303, 0xc030, &[(0x0005, vec![]), (0x0017, vec![]), (0xff01, vec![0]), (0x0000, vec![])]);
    let hello = server(&body);
    let ja4s = ja4s(&hello, Transport::Tcp);
    assert_eq!(ja4s.hash, "t120400_c030_4e8089b08790");
    assert_eq!(ja4s.raw, "t120400_c030_0005,0017,ff01,0000");
}

#[test]
fn ja4s_reads_the_chosen_version_and_alpn() {
    let body = server_hello_body(0x0303, 0x1301, &[(0x002b, vec![0x03, 0x04]), (0x0010, alpn(&[b"h2"]))]);
    let ja4s = ja4s(&server(&body), Transport::Quic);
    assert_eq!(ja4s.raw, "q1302h2_1301_002b,0010");
}

#[test]
fn grease_is_left_out_everywhere() {
    let body = spec_hello_body();
    let hello = client(&body);
    let ja3 = ja3(&hello).expect("a TLS hello has a JA3");
    assert!(!ja3.raw.contains("10794") && !ja3.raw.contains("23130") && !ja3.raw.contains("64250"), "{}", ja3.raw);
    assert_eq!(
        ja3.raw,
        "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,\
         27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,29-23,0"
    );
    assert_eq!(ja3.hash, md5_hex(&ja3.raw));
    // The GREASE version in supported_versions is not the highest.
    assert!(ja4(&hello, Transport::Tcp).hash.starts_with("t13"));
}

#[test]
fn ja3_without_extensions_keeps_the_empty_fields() {
    let mut body = client_hello_body(0x0301, &[0x002f, 0x0035], &[]);
    body.truncate(body.len() - 2); // no extensions block at all
    let hello = client(&body);
    assert_eq!(ja3(&hello).unwrap().raw, "769,47-53,,,");
    assert_eq!(ja4(&hello, Transport::Tcp).hash, format!("t10i020000_{}_000000000000", sha256_12("002f,0035")));
}

#[test]
fn ja3s_string() {
    let body = server_hello_body(0x0303, 0xc02f, &[(0xff01, vec![0]), (0x000b, vec![1, 0]), (0x0023, vec![])]);
    let ja3s = ja3s(&server(&body));
    assert_eq!(ja3s.raw, "771,49199,65281-11-35");
    assert_eq!(ja3s.hash, md5_hex("771,49199,65281-11-35"));
}

#[test]
fn md5_is_md5() {
    assert_eq!(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
}

#[test]
fn ja4_without_sni_is_i() {
    let body = client_hello_body(0x0303, &[0x1301], &[(0x002b, u16_list(1, &[0x0304]))]);
    let ja4 = ja4(&client(&body), Transport::Tcp);
    assert_eq!(ja4.raw, "t13i010100_1301_002b");
}

#[test]
fn ja4_sni_and_alpn_count_but_are_not_hashed() {
    let body = client_hello_body(0x0303, &[0x1301], &[(0x0000, sni("a.example")), (0x0010, alpn(&[b"http/1.1"]))]);
    let ja4 = ja4(&client(&body), Transport::Tcp);
    // Nothing left to hash in c: the empty marker, not the hash of nothing.
    assert_eq!(ja4.hash, format!("t12d0102h1_{}_000000000000", sha256_12("1301")));
    assert_eq!(ja4.raw, "t12d0102h1_1301_");
}

#[test]
fn ja4_alpn_rules() {
    let code = |protocols: Option<&[&[u8]]>| {
        let mut extensions = vec![(0x000a, u16_list(2, &[0x001d]))];
        if let Some(p) = protocols {
            extensions.push((0x0010, alpn(p)));
        }
        let body = client_hello_body(0x0303, &[0x1301], &extensions);
        ja4(&client(&body), Transport::Tcp).hash[8..10].to_string()
    };
    assert_eq!(code(None), "00", "no ALPN extension");
    assert_eq!(code(Some(&[])), "00", "no ALPN value");
    assert_eq!(code(Some(&[b"", b"h2"])), "00", "an empty first value");
    assert_eq!(code(Some(&[b"h2", b"http/1.1"])), "h2", "only the first value counts");
    assert_eq!(code(Some(&[b"http/1.1"])), "h1");
    assert_eq!(code(Some(&[b"x"])), "xx", "one character is first and last");
    // JA4.md's examples of values that do not begin and end with a letter or digit.
    assert_eq!(code(Some(&[&[0xab]])), "ab");
    assert_eq!(code(Some(&[&[0xab, 0xcd]])), "ad");
    assert_eq!(code(Some(&[&[0x30, 0xab]])), "3b");
    assert_eq!(code(Some(&[&[0x30, 0x31, 0xab, 0xcd]])), "3d");
    assert_eq!(code(Some(&[&[0x30, 0xab, 0xcd, 0x31]])), "01");
}

#[test]
fn ja4_version_from_supported_versions_or_the_hello() {
    let version = |legacy: u16, supported: Option<&[u16]>| {
        let extensions: Vec<(u16, Vec<u8>)> = supported.map(|v| (0x002b, u16_list(1, v))).into_iter().collect();
        let body = client_hello_body(legacy, &[0x002f], &extensions);
        ja4(&client(&body), Transport::Tcp).hash[1..3].to_string()
    };
    assert_eq!(version(0x0303, Some(&[0x0303, 0x0304, 0x7a7a])), "13", "the highest, GREASE aside");
    assert_eq!(version(0x0303, None), "12");
    assert_eq!(version(0x0302, None), "11");
    assert_eq!(version(0x0301, None), "10");
    assert_eq!(version(0x0300, None), "s3");
    assert_eq!(version(0x0303, Some(&[0x7f1c])), "00", "a draft version is unknown");
}

#[test]
fn ja4_dtls_versions() {
    let version = |legacy: u16, supported: Option<&[u16]>| {
        let extensions: Vec<(u16, Vec<u8>)> = supported.map(|v| (0x002b, u16_list(1, v))).into_iter().collect();
        let mut body = legacy.to_be_bytes().to_vec();
        body.extend([7; 32]);
        body.extend([0, 0]); // session_id, cookie
        body.extend(u16_list(2, &[0xc02b]));
        body.extend([1, 0]);
        body.extend(extension_block(&extensions));
        let hello = client(&body);
        ja4(&hello, Transport::Udp).hash[..3].to_string()
    };
    assert_eq!(version(0xfefd, None), "dd2");
    assert_eq!(version(0xfeff, None), "dd1");
    assert_eq!(version(0xfefd, Some(&[0xfefc, 0xfefd])), "dd3", "DTLS 1.3 is the newest, though numerically lower");
}

#[test]
fn sslv2_format_hello() {
    // SSLv2 CLIENT-HELLO asking for TLS 1.0, with two TLS suites and one SSL 2.0 spec.
    let mut record = vec![1, 0x03, 0x01, 0, 9, 0, 0, 0, 16];
    record.extend([0x00, 0x00, 0x2f, 0x00, 0x00, 0x35, 0x01, 0x00, 0x80]);
    record.extend([0x55; 16]);
    let hello = parse_sslv2_client_hello(&record).expect("a valid SSLv2 hello");
    // tshark and Salesforce's ja3 read JA3 only from TLS handshake records.
    assert_eq!(ja3(&hello), None);
    // JA4: the version the hello names, its TLS suites; no extensions, so no SNI or ALPN.
    let ja4 = ja4(&hello, Transport::Tcp);
    assert_eq!(ja4.raw, "t10i020000_002f,0035_");
    assert_eq!(ja4.hash, format!("t10i020000_{}_000000000000", sha256_12("002f,0035")));
    // A true SSL 2.0 hello names version 0x0002.
    record[1..3].copy_from_slice(&[0x00, 0x02]);
    let hello = parse_sslv2_client_hello(&record).expect("a valid SSLv2 hello");
    assert!(super::ja4(&hello, Transport::Tcp).hash.starts_with("ts2i"));
}
