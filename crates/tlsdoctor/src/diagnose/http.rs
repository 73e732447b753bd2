//! With the connection's secrets, the first HTTP exchange after the handshake: a server
//! that finished the handshake may still refuse the request over what the handshake
//! carried (nginx's 400 for a missing or unverifiable client certificate, 421 when the
//! SNI and the Host disagree, a 403 for the certificate sent).

use serde::Serialize;
use tlsdoctor_tcp::Side;

use super::codes;
use super::finding::{Finding, Severity};
use super::story::Story;

/// Bytes of application data kept per direction: enough for a request's and a
/// response's head.
const KEPT: usize = 16 * 1024;

/// The first application data a side sent, and the frame of each record's start.
#[derive(Debug, Clone, Default)]
pub struct FirstBytes {
    pub bytes: Vec<u8>,
    records: Vec<(usize, u64)>,
}

impl FirstBytes {
    pub fn take(&mut self, data: &[u8], frame: u64) {
        let room = KEPT.saturating_sub(self.bytes.len());
        if room == 0 || data.is_empty() {
            return;
        }
        self.records.push((self.bytes.len(), frame));
        self.bytes.extend_from_slice(&data[..data.len().min(room)]);
    }

    /// The frame of the first record with data, if any.
    pub fn first_frame(&self) -> Option<u64> {
        self.records.first().map(|(_, frame)| *frame)
    }

    /// The frame of the record that holds byte `offset`.
    fn frame_at(&self, offset: usize) -> Option<u64> {
        self.records.iter().take_while(|(start, _)| *start <= offset).last().map(|(_, frame)| *frame)
    }
}

/// The first response of the connection, as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct HttpResponse {
    pub version: &'static str,
    pub status: u16,
    pub frame: u64,
    /// The start of the body, as text (for the server's own words).
    #[serde(skip)]
    pub body: String,
}

/// The request's Host (HTTP/1.1), when it can be read.
fn request_host(client: &FirstBytes) -> Option<String> {
    let bytes = &client.bytes;
    let head_end = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(bytes.len());
    let head = std::str::from_utf8(&bytes[..head_end]).ok()?;
    head.lines()
        .skip(1)
        .find_map(|line| line.split_once(':').filter(|(name, _)| name.eq_ignore_ascii_case("host")))
        .map(|(_, value)| tlsdoctor_tls::text::escape_controls(value.trim()))
}

pub fn first_response(story: &Story) -> Option<HttpResponse> {
    let server = &story.application[Side::Server.index()];
    let bytes = server.bytes.as_slice();
    if bytes.starts_with(b"HTTP/1.") {
        let status = std::str::from_utf8(bytes.get(9..12)?).ok()?.parse().ok()?;
        let body_at = bytes.windows(4).position(|w| w == b"\r\n\r\n").map_or(bytes.len(), |at| at + 4);
        let version = if bytes.starts_with(b"HTTP/1.0") { "HTTP/1.0" } else { "HTTP/1.1" };
        return Some(HttpResponse { version, status, frame: server.frame_at(0)?, body: text(&bytes[body_at..]) });
    }
    let client = &story.application[Side::Client.index()];
    if !client.bytes.starts_with(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") {
        return None;
    }
    let (headers_at, stream, block) = h2_frames(bytes)
        .find(|(_, typ, _, stream, _)| *typ == 1 && *stream % 2 == 1)
        .map(|(at, _, flags, stream, payload)| (at, stream, h2_header_block(flags, payload)))?;
    let status = h2_status(block?)?;
    let body =
        h2_frames(bytes).find(|(_, typ, _, s, _)| *typ == 0 && *s == stream).map_or(String::new(), |f| text(f.4));
    Some(HttpResponse { version: "HTTP/2", status, frame: server.frame_at(headers_at)?, body })
}

fn text(body: &[u8]) -> String {
    tlsdoctor_tls::text::escape_controls(&String::from_utf8_lossy(&body[..body.len().min(512)]))
}

/// HTTP/2 frames: (offset, type, flags, stream id, payload), while whole.
fn h2_frames(bytes: &[u8]) -> impl Iterator<Item = (usize, u8, u8, u32, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let header = bytes.get(at..at + 9)?;
        let length = usize::from(header[0]) << 16 | usize::from(header[1]) << 8 | usize::from(header[2]);
        let stream = u32::from_be_bytes([header[5], header[6], header[7], header[8]]) & 0x7fff_ffff;
        let payload = bytes.get(at + 9..at + 9 + length)?;
        let frame = (at, header[3], header[4], stream, payload);
        at += 9 + length;
        Some(frame)
    })
}

/// A HEADERS frame's header block, without its padding and priority fields.
fn h2_header_block(flags: u8, payload: &[u8]) -> Option<&[u8]> {
    let (pad, mut start) = if flags & 0x08 != 0 { (usize::from(*payload.first()?), 1) } else { (0, 0) };
    if flags & 0x20 != 0 {
        start += 5;
    }
    payload.get(start..payload.len().checked_sub(pad)?)
}

/// The :status of a response header block: its first field (RFC 9113, 8.3.2), indexed
/// from HPACK's static table, or a literal value with the :status name.
fn h2_status(mut block: &[u8]) -> Option<u16> {
    // Dynamic table size updates (001xxxxx) may come first (RFC 7541, 4.2).
    while block.first().is_some_and(|b| b & 0xe0 == 0x20) {
        let long = block[0] & 0x1f == 0x1f;
        let continued = if long { block.iter().skip(1).position(|b| b & 0x80 == 0)? + 1 } else { 0 };
        block = block.get(1 + continued..)?;
    }
    let first = *block.first()?;
    if first & 0x80 != 0 {
        // Static table entries 8-14 (RFC 7541, appendix A).
        return [200, 204, 206, 304, 400, 404, 500].get(usize::from(first & 0x7f).checked_sub(8)?).copied();
    }
    let name = if first & 0xc0 == 0x40 { first & 0x3f } else { first & 0x0f };
    if !(8..=14).contains(&name) {
        return None;
    }
    let length_byte = *block.get(1)?;
    let value = block.get(2..2 + usize::from(length_byte & 0x7f))?;
    let digits = if length_byte & 0x80 != 0 { huffman_digits(value)? } else { value.to_vec() };
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// HPACK's Huffman code for a string of digits (RFC 7541, appendix B: '0'-'2' are 5
/// bits, 00000-00010; '3'-'9' are 6 bits, 011001-011111), as a status is written.
fn huffman_digits(value: &[u8]) -> Option<Vec<u8>> {
    let bits = value.len() * 8;
    let bit = |i: usize| (value[i / 8] >> (7 - i % 8)) & 1;
    let read = |at: usize, n: usize| (at..at + n).fold(0u8, |v, i| v << 1 | bit(i));
    let mut out = Vec::new();
    let mut at = 0;
    while at + 5 <= bits {
        match read(at, 5) {
            v @ 0..=2 => {
                out.push(b'0' + v);
                at += 5;
            }
            12..=15 if at + 6 <= bits && (25..=31).contains(&read(at, 6)) => {
                out.push(b'0' + read(at, 6) - 22);
                at += 6;
            }
            // The padding: the most significant bits of EOS, all ones.
            0x1f => break,
            _ => return None,
        }
    }
    Some(out)
}

/// A refusal of the first request that the handshake explains.
pub fn refusal(story: &Story, response: &HttpResponse) -> Option<Finding> {
    let sent_certificate = story.client_certificates.as_ref().is_some_and(|c| !c.certificates.is_empty());
    let nginx_says = |words: &str| response.body.contains(words);
    let (code, why, remedy) = match response.status {
        400 if nginx_says("No required SSL certificate was sent") => (
            codes::HTTP_CLIENT_CERTIFICATE_REQUIRED,
            "the server requires a client certificate, and the client sent none (nginx's 496, sent as 400 \"No required SSL certificate was sent\")".to_string(),
            "give the client a certificate issued by a CA the server trusts (curl --cert, a browser's certificate store), or make the certificate optional on the server (nginx ssl_verify_client optional)",
        ),
        496 => (
            codes::HTTP_CLIENT_CERTIFICATE_REQUIRED,
            "the server requires a client certificate, and the client sent none (496)".to_string(),
            "give the client a certificate issued by a CA the server trusts",
        ),
        400 if nginx_says("The SSL certificate error") => (
            codes::HTTP_CLIENT_CERTIFICATE_REJECTED,
            "the server could not verify the client certificate it received (nginx's 495, sent as 400 \"The SSL certificate error\"); the handshake went on because the server verifies after it".to_string(),
            "give the client a certificate from a CA in the server's ssl_client_certificate, or add its CA there (see the certificate findings for where its chain breaks)",
        ),
        495 => (
            codes::HTTP_CLIENT_CERTIFICATE_REJECTED,
            "the server could not verify the client certificate it received (495)".to_string(),
            "give the client a certificate from a CA the server trusts",
        ),
        421 => {
            let sni = story.client_hello.as_ref().and_then(|h| h.sni.clone());
            let host = request_host(&story.application[Side::Client.index()]);
            let names = match (&sni, &host) {
                (Some(sni), Some(host)) => format!("the handshake named {sni} (SNI) and the request {host} (Host)"),
                (Some(sni), None) => format!("the handshake named {sni} (SNI), and the request another host"),
                _ => "the request names a host this connection was not made for".to_string(),
            };
            (
                codes::HTTP_MISDIRECTED_REQUEST,
                format!("{names}: the server answers 421 Misdirected Request when they disagree, as a virtual host whose TLS settings differ cannot serve it on this connection"),
                "connect with the SNI of the host you request (curl --resolve or --connect-to instead of a Host header; do not reuse a connection across hosts whose TLS settings differ)",
            )
        }
        403 if sent_certificate => (
            codes::HTTP_FORBIDDEN_WITH_CLIENT_CERTIFICATE,
            "right after the client authenticated with its certificate, the server forbade the request: the certificate is valid, but not allowed here (an access rule on its subject or issuer)".to_string(),
            "use a certificate the server's access rules allow, or add this one's subject to them",
        ),
        _ => return None,
    };
    let subject = story
        .client_certificates
        .as_ref()
        .and_then(|c| c.certificates.first())
        .and_then(|der| super::decoded::certificate(der).ok())
        .map(|c| c.summary.subject.clone());
    Some(
        Finding::new(
            code,
            Severity::Error,
            response.frame,
            format!(
                "the handshake finished, then the server refused the request with {} {} in frame {}: {why}",
                response.version, response.status, response.frame
            ),
        )
        .detail("status", response.status)
        .detail("http_version", response.version)
        .detail("client_certificate", subject)
        .remedy(remedy),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_from_hpack_indexed_raw_and_huffman() {
        assert_eq!(h2_status(&[0x88]), Some(200));
        assert_eq!(h2_status(&[0x8c]), Some(400));
        // Literal with incremental indexing, name :status, raw "421" (as nginx writes it).
        assert_eq!(h2_status(&[0x48, 0x03, b'4', b'2', b'1']), Some(421));
        // Huffman "403": 011010 00000 011001 + 7 bits of padding = 0x68 0x0c 0xff.
        assert_eq!(h2_status(&[0x48, 0x83, 0x68, 0x0c, 0xff]), Some(403));
        assert_eq!(h2_status(&[0x82]), None);
        // After a dynamic table size update to 0 (as nginx starts a block).
        assert_eq!(h2_status(&[0x20, 0x8c]), Some(400));
        assert_eq!(h2_status(&[0x3f, 0xe1, 0x1f, 0x88]), Some(200));
    }

    #[test]
    fn frames_of_a_record_are_found_by_offset() {
        let mut first = FirstBytes::default();
        first.take(b"abc", 7);
        first.take(b"defg", 9);
        assert_eq!(
            (first.frame_at(0), first.frame_at(2), first.frame_at(3), first.frame_at(6)),
            (Some(7), Some(7), Some(9), Some(9))
        );
    }
}
