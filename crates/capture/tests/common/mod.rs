//! Builders for synthetic capture files.
#![allow(dead_code)]

use std::io::Cursor;

use tlsdoctor_capture::{CaptureError, CaptureReader};

pub fn reader(bytes: Vec<u8>) -> Result<CaptureReader, CaptureError> {
    CaptureReader::from_reader(Box::new(Cursor::new(bytes)), "test")
}

/// Appends integers in the chosen byte order.
pub struct W {
    pub be: bool,
    pub buf: Vec<u8>,
}

impl W {
    pub fn new(be: bool) -> W {
        W { be, buf: Vec::new() }
    }
    pub fn u16(&mut self, v: u16) -> &mut W {
        let b = if self.be { v.to_be_bytes() } else { v.to_le_bytes() };
        self.buf.extend_from_slice(&b);
        self
    }
    pub fn u32(&mut self, v: u32) -> &mut W {
        let b = if self.be { v.to_be_bytes() } else { v.to_le_bytes() };
        self.buf.extend_from_slice(&b);
        self
    }
    pub fn u64(&mut self, v: u64) -> &mut W {
        let b = if self.be { v.to_be_bytes() } else { v.to_le_bytes() };
        self.buf.extend_from_slice(&b);
        self
    }
    pub fn bytes(&mut self, b: &[u8]) -> &mut W {
        self.buf.extend_from_slice(b);
        self
    }
    pub fn pad4(&mut self) -> &mut W {
        while self.buf.len() % 4 != 0 {
            self.buf.push(0);
        }
        self
    }
}

/// pcap global header.
pub fn pcap_header(be: bool, nanos: bool, snaplen: u32, linktype: u32) -> Vec<u8> {
    let mut w = W::new(be);
    w.u32(if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }).u16(2).u16(4).u32(0).u32(0).u32(snaplen).u32(linktype);
    w.buf
}

pub fn pcap_record(be: bool, secs: u32, frac: u32, data: &[u8], orig: u32) -> Vec<u8> {
    let mut w = W::new(be);
    w.u32(secs).u32(frac).u32(data.len() as u32).u32(orig).bytes(data);
    w.buf
}

/// A pcapng block with the given body (padded to 4).
pub fn block(be: bool, btype: u32, body: &[u8]) -> Vec<u8> {
    let padded = (body.len() + 3) & !3;
    let len = (12 + padded) as u32;
    let mut w = W::new(be);
    w.u32(btype).u32(len).bytes(body).pad4().u32(len);
    w.buf
}

pub fn shb(be: bool) -> Vec<u8> {
    let mut w = W::new(be);
    w.u32(0x1a2b_3c4d).u16(1).u16(0).u64(u64::MAX);
    block(be, 0x0a0d_0d0a, &w.buf)
}

/// Options as (code, value).
pub fn options(be: bool, opts: &[(u16, &[u8])]) -> Vec<u8> {
    let mut w = W::new(be);
    for (code, value) in opts {
        w.u16(*code).u16(value.len() as u16).bytes(value).pad4();
    }
    if !opts.is_empty() {
        w.u16(0).u16(0);
    }
    w.buf
}

pub fn idb(be: bool, linktype: u16, snaplen: u32, opts: &[(u16, &[u8])]) -> Vec<u8> {
    let mut w = W::new(be);
    w.u16(linktype).u16(0).u32(snaplen).bytes(&options(be, opts));
    block(be, 1, &w.buf)
}

pub fn epb(be: bool, iface: u32, ts: u64, data: &[u8], orig: u32) -> Vec<u8> {
    let mut w = W::new(be);
    w.u32(iface).u32((ts >> 32) as u32).u32(ts as u32).u32(data.len() as u32).u32(orig).bytes(data).pad4();
    // An option after the data, which readers must ignore.
    w.u16(1).u16(3).bytes(b"hi!").pad4().u16(0).u16(0);
    block(be, 6, &w.buf)
}

pub fn spb(be: bool, data: &[u8], orig: u32) -> Vec<u8> {
    let mut w = W::new(be);
    w.u32(orig).bytes(data);
    block(be, 3, &w.buf)
}

pub fn pb(be: bool, iface: u16, ts: u64, data: &[u8], orig: u32) -> Vec<u8> {
    let mut w = W::new(be);
    w.u16(iface).u16(7).u32((ts >> 32) as u32).u32(ts as u32).u32(data.len() as u32).u32(orig).bytes(data);
    block(be, 2, &w.buf)
}

pub fn dsb(be: bool, stype: u32, data: &[u8]) -> Vec<u8> {
    let mut w = W::new(be);
    w.u32(stype).u32(data.len() as u32).bytes(data);
    block(be, 0xa, &w.buf)
}

/// A small valid pcap: three Ethernet records.
pub fn small_pcap(be: bool) -> Vec<u8> {
    let mut f = pcap_header(be, false, 65535, 1);
    f.extend(pcap_record(be, 100, 1, &[1; 20], 20));
    f.extend(pcap_record(be, 101, 2, &[2; 30], 60));
    f.extend(pcap_record(be, 102, 3, &[3; 10], 10));
    f
}

/// A small valid pcapng: two interfaces, a DSB, EPB/SPB/PB, an unknown block.
pub fn small_pcapng(be: bool) -> Vec<u8> {
    let mut f = shb(be);
    f.extend(idb(be, 1, 0, &[(9, &[6])]));
    f.extend(idb(be, 101, 64, &[(9, &[9])]));
    f.extend(dsb(be, 0x544c_534b, b"CLIENT_RANDOM 00 11\n"));
    f.extend(epb(be, 0, 1_000_000, &[1; 21], 21));
    f.extend(block(be, 0x0bad, b"custom"));
    f.extend(epb(be, 1, 2_000_000_000, &[2; 8], 100));
    f.extend(spb(be, &[3; 13], 13));
    f.extend(pb(be, 1, 5, &[4; 4], 4));
    f
}
