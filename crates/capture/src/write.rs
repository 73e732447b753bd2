//! pcapng blocks for those who write captures (`tlsdoctor keys --inject-secrets`, the
//! benchmark generator): the same framing the reader takes apart, little-endian.

use crate::pcapng::{block, BOM, OPT_END, OPT_IF_TSRESOL};
use crate::{DecryptionSecrets, LinkType};

pub use crate::pcapng::block::EPB as ENHANCED_PACKET_BLOCK;

const OPT_SHB_USERAPPL: u16 = 4;

/// Zero bytes that pad `len` to 32 bits.
pub fn padding(len: usize) -> usize {
    (4 - len % 4) % 4
}

/// A block: type, total length, body, total length.
pub fn block(typ: u32, body: &[u8]) -> Vec<u8> {
    let mut b = Vec::with_capacity(body.len() + 12);
    frame_block(&mut b, typ, body);
    b
}

/// [`block`] into `out`, which is cleared first (reused between packets).
pub fn frame_block(out: &mut Vec<u8>, typ: u32, body: &[u8]) {
    let total = (body.len() + 12) as u32;
    out.clear();
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(&total.to_le_bytes());
}

/// An option: code, length, value padded to 32 bits.
pub fn push_option(body: &mut Vec<u8>, code: u16, value: &[u8]) {
    body.extend_from_slice(&code.to_le_bytes());
    body.extend_from_slice(&(value.len() as u16).to_le_bytes());
    body.extend_from_slice(value);
    body.resize(body.len() + padding(value.len()), 0);
}

fn end_options(body: &mut Vec<u8>) {
    push_option(body, OPT_END, b"");
}

/// Section Header Block: version 1.0, section length unknown, `application` as
/// shb_userappl.
pub fn section_header(application: &str) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&BOM.to_le_bytes());
    body.extend_from_slice(&1u16.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(&(-1i64).to_le_bytes());
    push_option(&mut body, OPT_SHB_USERAPPL, application.as_bytes());
    end_options(&mut body);
    block(block::SHB, &body)
}

/// Interface Description Block with timestamps in units of 10^-`decimals` s (6 for
/// microseconds, 9 for nanoseconds).
pub fn interface_block(link: LinkType, snaplen: u32, decimals: u8) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&(link.0 as u16).to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(&snaplen.to_le_bytes());
    push_option(&mut body, OPT_IF_TSRESOL, &[decimals]);
    end_options(&mut body);
    block(block::IDB, &body)
}

/// Decryption Secrets Block holding a TLS key log.
pub fn secrets_block(key_log: &[u8]) -> Vec<u8> {
    typed_secrets_block(DecryptionSecrets::TLS_KEY_LOG, key_log)
}

/// Decryption Secrets Block of any registered secrets type (an input's, copied).
pub fn typed_secrets_block(secrets_type: u32, key_log: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(key_log.len() + 12);
    body.extend_from_slice(&secrets_type.to_le_bytes());
    body.extend_from_slice(&(key_log.len() as u32).to_le_bytes());
    body.extend_from_slice(key_log);
    body.resize(body.len() + padding(key_log.len()), 0);
    block(block::DSB, &body)
}
