//! Reads the `.records` fixtures written by `tests/data/gen_records.py`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

pub fn testdata(rel: &str) -> PathBuf {
    // Wireshark's test suite, copied into the repository: tests/data/wireshark.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/wireshark").join(rel)
}

pub fn read_testdata(rel: &str) -> Vec<u8> {
    std::fs::read(testdata(rel)).expect("read test data")
}

#[derive(Debug, Clone)]
pub struct Rec {
    pub from_client: bool,
    pub frame: u32,
    pub typ: u8,
    pub version: [u8; 2],
    pub body: Vec<u8>,
}

impl Rec {
    pub fn header(&self) -> [u8; 5] {
        let l = (self.body.len() as u16).to_be_bytes();
        [self.typ, self.version[0], self.version[1], l[0], l[1]]
    }
}

#[derive(Debug, Default)]
pub struct Conn {
    pub fields: HashMap<String, String>,
    pub recs: Vec<Rec>,
}

impl Conn {
    pub fn field(&self, k: &str) -> Vec<u8> {
        hex(self.fields.get(k).unwrap_or_else(|| panic!("no field {k}")))
    }
    pub fn random(&self, k: &str) -> [u8; 32] {
        self.field(k).try_into().expect("32-byte random")
    }
    pub fn client_random(&self) -> [u8; 32] {
        self.random("client_random")
    }
    pub fn server_random(&self) -> [u8; 32] {
        self.random("server_random")
    }
    pub fn suite(&self) -> tlsdoctor_tls::registry::CipherSuite {
        let b = self.field("suite");
        tlsdoctor_tls::registry::CipherSuite(u16::from_be_bytes([b[0], b[1]]))
    }
    pub fn version(&self) -> tlsdoctor_tls::registry::ProtocolVersion {
        let b = self.field("version");
        tlsdoctor_tls::registry::ProtocolVersion(u16::from_be_bytes([b[0], b[1]]))
    }
    pub fn flag(&self, k: &str) -> bool {
        self.fields.get(k).map(|v| v == "1").unwrap_or(false)
    }
    pub fn dir(&self, from_client: bool) -> Vec<Rec> {
        self.recs.iter().filter(|r| r.from_client == from_client).cloned().collect()
    }
    /// Records of one direction after its ChangeCipherSpec (TLS 1.2 and older).
    pub fn encrypted(&self, from_client: bool) -> Vec<Rec> {
        self.dir(from_client).into_iter().skip_while(|r| r.typ != 20).skip(1).collect()
    }
    /// Cleartext handshake bytes of one direction before its ChangeCipherSpec
    /// (SSLv2 ClientHello bodies included, as the transcript wants them).
    pub fn clear_handshake(&self, from_client: bool) -> Vec<u8> {
        let mut out = Vec::new();
        for r in self.dir(from_client) {
            if r.typ == 20 {
                break;
            }
            if r.typ == 22 || r.typ == 128 {
                out.extend_from_slice(&r.body);
            }
        }
        out
    }
}

pub fn load_records(name: &str) -> Vec<Conn> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    let text = std::fs::read_to_string(&path).expect("records file");
    let mut conns: Vec<Conn> = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        match f[0] {
            "conn" => {
                let mut c = Conn::default();
                for kv in &f[2..] {
                    if let Some((k, v)) = kv.split_once('=') {
                        c.fields.insert(k.to_string(), v.to_string());
                    }
                }
                conns.push(c);
            }
            "rec" => {
                let v = hex(f[5]);
                conns.last_mut().expect("conn first").recs.push(Rec {
                    from_client: f[2] == "c",
                    frame: f[3].parse().expect("frame"),
                    typ: f[4].parse().expect("type"),
                    version: [v[0], v[1]],
                    body: f.get(6).map(|h| hex(h)).unwrap_or_default(),
                });
            }
            _ => {}
        }
    }
    conns
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
