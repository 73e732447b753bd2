//! Decryption round trips with rustls as both peers, in process: a rustls client and
//! server exchange bytes in memory, the client's key log collects the secrets, and what
//! each peer wrote is laid into a pcap (Ethernet, IPv4, TCP with its handshake, segments
//! of at most 1400 bytes, FIN at the end). `tlsdoctor decrypt --out-dir` must give back
//! the plaintext each side sent, byte for byte, for every connection and direction;
//! `dissect` must decrypt every record and `diagnose` must find nothing wrong and check
//! both Finished messages.
//!
//! The cases: every cipher suite of rustls' ring provider (TLS 1.3 and TLS 1.2, ECDSA and
//! RSA servers), each with 100 KB each way in writes of varied sizes; a HelloRetryRequest;
//! KeyUpdates from both sides; TLS 1.3 resumption with stateful and stateless tickets;
//! TLS 1.2 resumption by session id and by ticket; client certificates.

mod common;
use common::{difference, Scratch};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::ring::{self as provider, cipher_suite as cs, kx_group};
use rustls::crypto::{CryptoProvider, SupportedKxGroup};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::WebPkiClientVerifier;
use rustls::{
    ClientConfig, ClientConnection, Connection, DigitallySignedStruct, DistinguishedName, HandshakeKind, KeyLog,
    RootCertStore, ServerConfig, ServerConnection, SignatureScheme, SupportedCipherSuite,
};

/// The time of the capture, and the time at which the peers check certificates:
/// 2027-01-01T00:00:00Z, inside the validity of tests/fixtures/pki.
const CAPTURE_TIME: u64 = 1_798_761_600;

/// Bytes each side sends in a connection.
const VOLUME: usize = 100_000;

/// Sizes of successive writes, cycled: single bytes, a segment, a record and more.
const WRITE_SIZES: [usize; 12] = [1, 5, 100, 1000, 1400, 4000, 16_384, 16_385, 20_000, 333, 7, 2048];

/// How the second connection of a case resumes the first.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Resume {
    /// One connection only.
    No,
    /// Server-side session state: a TLS 1.2 session id, or a TLS 1.3 ticket naming it.
    Stateful,
    /// Stateless tickets (RFC 5077 for TLS 1.2, encrypted TLS 1.3 tickets).
    Tickets,
}

struct Case {
    name: &'static str,
    suite: SupportedCipherSuite,
    /// "server-rsa" or "server-ecdsa": the .pem and .key of tests/fixtures/pki.
    server: &'static str,
    /// The client's (certificate chain PEM files, key) for client authentication.
    client_cert: Option<(&'static [&'static str], &'static str)>,
    /// The groups the server accepts, when not all of them.
    server_groups: Option<&'static [&'static dyn SupportedKxGroup]>,
    key_updates: bool,
    resume: Resume,
}

impl Case {
    const fn new(name: &'static str, suite: SupportedCipherSuite, server: &'static str) -> Case {
        Case { name, suite, server, client_cert: None, server_groups: None, key_updates: false, resume: Resume::No }
    }
}

const SECP256R1_ONLY: &[&dyn SupportedKxGroup] = &[kx_group::SECP256R1];

fn cases() -> Vec<Case> {
    vec![
        Case::new("tls13-aes128-gcm", cs::TLS13_AES_128_GCM_SHA256, "server-rsa"),
        Case::new("tls13-aes256-gcm", cs::TLS13_AES_256_GCM_SHA384, "server-ecdsa"),
        Case::new("tls13-chacha20", cs::TLS13_CHACHA20_POLY1305_SHA256, "server-rsa"),
        Case::new("tls12-ecdhe-ecdsa-aes128-gcm", cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "server-ecdsa"),
        Case::new("tls12-ecdhe-ecdsa-aes256-gcm", cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "server-ecdsa"),
        Case::new("tls12-ecdhe-ecdsa-chacha20", cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "server-ecdsa"),
        Case::new("tls12-ecdhe-rsa-aes128-gcm", cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "server-rsa"),
        Case::new("tls12-ecdhe-rsa-aes256-gcm", cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "server-rsa"),
        Case::new("tls12-ecdhe-rsa-chacha20", cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "server-rsa"),
        // The client's one key share is X25519; the server wants P-256.
        Case {
            server_groups: Some(SECP256R1_ONLY),
            ..Case::new("tls13-hello-retry-request", cs::TLS13_AES_128_GCM_SHA256, "server-ecdsa")
        },
        Case { key_updates: true, ..Case::new("tls13-key-update", cs::TLS13_CHACHA20_POLY1305_SHA256, "server-rsa") },
        Case {
            key_updates: true,
            ..Case::new("tls13-key-update-aes256", cs::TLS13_AES_256_GCM_SHA384, "server-ecdsa")
        },
        Case {
            resume: Resume::Stateful,
            ..Case::new("tls13-resume-stateful", cs::TLS13_AES_128_GCM_SHA256, "server-rsa")
        },
        Case {
            resume: Resume::Tickets,
            ..Case::new("tls13-resume-ticket", cs::TLS13_AES_256_GCM_SHA384, "server-ecdsa")
        },
        Case {
            resume: Resume::Tickets,
            server_groups: Some(SECP256R1_ONLY),
            key_updates: true,
            ..Case::new("tls13-resume-hrr-key-update", cs::TLS13_CHACHA20_POLY1305_SHA256, "server-rsa")
        },
        Case {
            resume: Resume::Stateful,
            ..Case::new("tls12-resume-session-id", cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "server-rsa")
        },
        Case {
            resume: Resume::Tickets,
            ..Case::new("tls12-resume-ticket", cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "server-ecdsa")
        },
        Case {
            client_cert: Some((&["client-simple.pem"], "client-simple.key")),
            ..Case::new("tls13-client-certificate", cs::TLS13_AES_128_GCM_SHA256, "server-ecdsa")
        },
        // An RSA client certificate under two intermediates.
        Case {
            client_cert: Some((&["client.pem", "client-chain.pem"], "client.key")),
            ..Case::new("tls12-client-certificate", cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "server-rsa")
        },
        Case {
            client_cert: Some((&["client-simple.pem"], "client-simple.key")),
            resume: Resume::Tickets,
            ..Case::new("tls13-client-certificate-resume", cs::TLS13_AES_256_GCM_SHA384, "server-rsa")
        },
    ]
}

fn pki(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/pki").join(file)
}

fn certificates(file: &str) -> Vec<CertificateDer<'static>> {
    let certs: Vec<_> = CertificateDer::pem_file_iter(pki(file)).unwrap().map(Result::unwrap).collect();
    assert!(!certs.is_empty(), "no certificate in {file}");
    certs
}

fn private_key(file: &str) -> PrivateKeyDer<'static> {
    PrivateKeyDer::from_pem_file(pki(file)).unwrap()
}

fn roots() -> Arc<RootCertStore> {
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(certificates("ca.pem"));
    Arc::new(roots)
}

fn capture_time() -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(CAPTURE_TIME))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// NSS key log lines, as SSLKEYLOGFILE would have them.
#[derive(Debug, Default)]
struct KeyLogLines(Mutex<String>);

impl KeyLog for KeyLogLines {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let line = format!("{label} {} {}\n", hex(client_random), hex(secret));
        self.0.lock().unwrap().push_str(&line);
    }
}

/// webpki's server certificate check, at the capture's time rather than now.
#[derive(Debug)]
struct ServerCertAtCaptureTime(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ServerCertAtCaptureTime {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp, capture_time())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// webpki's client certificate check, at the capture's time rather than now.
#[derive(Debug)]
struct ClientCertAtCaptureTime(Arc<dyn ClientCertVerifier>);

impl ClientCertVerifier for ClientCertAtCaptureTime {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.0.root_hint_subjects()
    }
    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        self.0.verify_client_cert(end_entity, intermediates, capture_time())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// The ring provider limited to the case's suite (and the server's groups).
fn crypto(case: &Case, groups: Option<&[&'static dyn SupportedKxGroup]>) -> Arc<CryptoProvider> {
    let mut p = provider::default_provider();
    p.cipher_suites = vec![case.suite];
    if let Some(groups) = groups {
        p.kx_groups = groups.to_vec();
    }
    Arc::new(p)
}

fn configs(case: &Case, key_log: Arc<KeyLogLines>) -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    let versions = [case.suite.version()];

    let client_provider = crypto(case, None);
    let verifier = WebPkiServerVerifier::builder_with_provider(roots(), client_provider.clone()).build().unwrap();
    let builder = ClientConfig::builder_with_provider(client_provider)
        .with_protocol_versions(&versions)
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(ServerCertAtCaptureTime(verifier)));
    let mut client = match case.client_cert {
        Some((chain, key)) => {
            let chain = chain.iter().flat_map(|file| certificates(file)).collect();
            builder.with_client_auth_cert(chain, private_key(key)).unwrap()
        }
        None => builder.with_no_client_auth(),
    };
    client.key_log = key_log;

    let server_provider = crypto(case, case.server_groups);
    let builder =
        ServerConfig::builder_with_provider(server_provider.clone()).with_protocol_versions(&versions).unwrap();
    let builder = match case.client_cert {
        Some(_) => {
            let verifier = WebPkiClientVerifier::builder_with_provider(roots(), server_provider).build().unwrap();
            builder.with_client_cert_verifier(Arc::new(ClientCertAtCaptureTime(verifier)))
        }
        None => builder.with_no_client_auth(),
    };
    let mut server = builder
        .with_single_cert(certificates(&format!("{}.pem", case.server)), private_key(&format!("{}.key", case.server)))
        .unwrap();
    if case.resume == Resume::Tickets {
        server.ticketer = provider::Ticketer::new().unwrap();
    }
    (Arc::new(client), Arc::new(server))
}

/// Which peer wrote some bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Side {
    Client = 0,
    Server = 1,
}

impl Side {
    fn name(self) -> &'static str {
        ["client", "server"][self as usize]
    }
    fn other(self) -> Side {
        [Side::Server, Side::Client][self as usize]
    }
}

/// One connection between two rustls peers in memory, and what went over it.
struct Link {
    peers: [Connection; 2],
    /// The TLS bytes in the order they were written: (writer, bytes).
    flights: Vec<(Side, Vec<u8>)>,
    /// Application data each side sent and received.
    sent: [Vec<u8>; 2],
    received: [Vec<u8>; 2],
}

impl Link {
    fn new(client: &Arc<ClientConfig>, server: &Arc<ServerConfig>) -> Link {
        let name = ServerName::try_from("localhost").unwrap();
        let client = ClientConnection::new(client.clone(), name).unwrap();
        let server = ServerConnection::new(server.clone()).unwrap();
        Link {
            peers: [Connection::Client(client), Connection::Server(server)],
            flights: Vec::new(),
            sent: [Vec::new(), Vec::new()],
            received: [Vec::new(), Vec::new()],
        }
    }

    fn peer(&mut self, side: Side) -> &mut Connection {
        &mut self.peers[side as usize]
    }

    /// Moves the TLS bytes both ways until neither peer has anything to write.
    fn pump(&mut self) {
        loop {
            let mut moved = false;
            for from in [Side::Client, Side::Server] {
                let mut bytes = Vec::new();
                while self.peer(from).wants_write() {
                    self.peer(from).write_tls(&mut bytes).unwrap();
                }
                if bytes.is_empty() {
                    continue;
                }
                moved = true;
                self.deliver(from.other(), &bytes);
                self.flights.push((from, bytes));
            }
            if !moved {
                return;
            }
        }
    }

    /// `to` reads `bytes` and whatever plaintext they carry.
    fn deliver(&mut self, to: Side, bytes: &[u8]) {
        let mut rest = bytes;
        while !rest.is_empty() {
            let peer = &mut self.peers[to as usize];
            peer.read_tls(&mut rest).unwrap();
            if let Err(e) = peer.process_new_packets() {
                panic!("the {} refused the {}'s bytes: {e}", to.name(), to.other().name());
            }
            let mut buf = [0u8; 8192];
            loop {
                match peer.reader().read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => self.received[to as usize].extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) => panic!("{} reads: {e}", to.name()),
                }
            }
        }
    }

    /// `from` sends `data` as application data, pumping as rustls' buffers fill.
    fn send(&mut self, from: Side, data: &[u8]) {
        let mut rest = data;
        while !rest.is_empty() {
            let n = self.peer(from).writer().write(rest).unwrap();
            self.sent[from as usize].extend_from_slice(&rest[..n]);
            rest = &rest[n..];
            self.pump();
        }
    }

    fn handshake(&mut self) {
        self.pump();
        assert!(!self.peers.iter().any(|p| p.is_handshaking()), "the handshake did not finish");
    }

    fn close(&mut self) {
        for side in [Side::Client, Side::Server] {
            self.peer(side).send_close_notify();
            self.pump();
        }
    }
}

/// Deterministic bytes, different for each side and connection.
fn payload(seed: u32, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(12_345);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

/// One connection of a case: handshake, `VOLUME` bytes each way in alternating writes of
/// varied sizes (with KeyUpdates from both sides when the case asks), close_notify.
fn run_connection(case: &Case, number: usize, client: &Arc<ClientConfig>, server: &Arc<ServerConfig>) -> Link {
    let mut link = Link::new(client, server);
    link.handshake();
    let data = [payload(2 * number as u32, VOLUME), payload(2 * number as u32 + 1, VOLUME)];
    let mut offset = [0usize; 2];
    let mut write = 0;
    while offset.iter().any(|&o| o < VOLUME) {
        for side in [Side::Client, Side::Server] {
            let i = side as usize;
            let size = WRITE_SIZES[(write + 5 * i) % WRITE_SIZES.len()].min(VOLUME - offset[i]);
            if size == 0 {
                continue;
            }
            if case.key_updates && write % 4 == 2 * i + 1 {
                link.peer(side).refresh_traffic_keys().unwrap();
            }
            link.send(side, &data[i][offset[i]..offset[i] + size]);
            offset[i] += size;
        }
        write += 1;
    }
    link.close();
    for side in [Side::Client, Side::Server] {
        assert!(link.sent[side as usize] == data[side as usize], "{}: what the {} sent", case.name, side.name());
        assert!(
            link.received[side.other() as usize] == data[side as usize],
            "{}: the {} received what the {} sent",
            case.name,
            side.other().name(),
            side.name()
        );
    }
    link
}

/// A classic pcap of Ethernet/IPv4/TCP frames, built one segment at a time.
struct Pcap {
    bytes: Vec<u8>,
    micros: u64,
    ip_id: u16,
}

const CLIENT_IP: [u8; 4] = [192, 0, 2, 10];
const SERVER_IP: [u8; 4] = [192, 0, 2, 20];
const SERVER_PORT: u16 = 443;
const MSS: usize = 1400;
const SYN: u8 = 0x02;
const ACK: u8 = 0x10;
const PSH: u8 = 0x08;
const FIN: u8 = 0x01;

fn checksum(parts: &[&[u8]]) -> u16 {
    let mut sum = 0u32;
    for part in parts {
        for pair in part.chunks(2) {
            sum += u32::from(u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]));
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

impl Pcap {
    fn new() -> Pcap {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        bytes.extend_from_slice(&2u16.to_le_bytes());
        bytes.extend_from_slice(&4u16.to_le_bytes());
        bytes.extend_from_slice(&[0; 8]); // thiszone, sigfigs
        bytes.extend_from_slice(&65_535u32.to_le_bytes());
        bytes.extend_from_slice(&1u32.to_le_bytes()); // Ethernet
        Pcap { bytes, micros: 0, ip_id: 1 }
    }

    /// One TCP segment between the client at `port` and the server.
    fn segment(&mut self, from: Side, port: u16, seq: u32, ack: u32, flags: u8, payload: &[u8]) {
        let (src, dst, sport, dport) = match from {
            Side::Client => (CLIENT_IP, SERVER_IP, port, SERVER_PORT),
            Side::Server => (SERVER_IP, CLIENT_IP, SERVER_PORT, port),
        };
        let mut tcp = Vec::with_capacity(20 + payload.len());
        tcp.extend_from_slice(&sport.to_be_bytes());
        tcp.extend_from_slice(&dport.to_be_bytes());
        tcp.extend_from_slice(&seq.to_be_bytes());
        tcp.extend_from_slice(&(if flags & ACK != 0 { ack } else { 0 }).to_be_bytes());
        tcp.extend_from_slice(&[5 << 4, flags]);
        tcp.extend_from_slice(&65_535u16.to_be_bytes()); // window
        tcp.extend_from_slice(&[0, 0, 0, 0]); // checksum, urgent pointer
        tcp.extend_from_slice(payload);
        let tcp_len = (tcp.len() as u16).to_be_bytes();
        let sum = checksum(&[&src, &dst, &[0, 6], &tcp_len, &tcp]);
        tcp[16..18].copy_from_slice(&sum.to_be_bytes());

        let mut ip = vec![0x45, 0];
        ip.extend_from_slice(&((20 + tcp.len()) as u16).to_be_bytes());
        ip.extend_from_slice(&self.ip_id.to_be_bytes());
        ip.extend_from_slice(&[0x40, 0, 64, 6, 0, 0]); // DF, TTL 64, TCP, checksum
        ip.extend_from_slice(&src);
        ip.extend_from_slice(&dst);
        let sum = checksum(&[&ip]);
        ip[10..12].copy_from_slice(&sum.to_be_bytes());
        self.ip_id = self.ip_id.wrapping_add(1);

        let (src_mac, dst_mac) = match from {
            Side::Client => ([2, 0, 0, 0, 0, 10], [2, 0, 0, 0, 0, 20]),
            Side::Server => ([2, 0, 0, 0, 0, 20], [2, 0, 0, 0, 0, 10]),
        };
        let mut frame = Vec::with_capacity(14 + ip.len() + tcp.len());
        frame.extend_from_slice(&dst_mac);
        frame.extend_from_slice(&src_mac);
        frame.extend_from_slice(&0x0800u16.to_be_bytes());
        frame.extend_from_slice(&ip);
        frame.extend_from_slice(&tcp);

        self.micros += 150;
        let secs = CAPTURE_TIME + self.micros / 1_000_000;
        self.bytes.extend_from_slice(&(secs as u32).to_le_bytes());
        self.bytes.extend_from_slice(&((self.micros % 1_000_000) as u32).to_le_bytes());
        self.bytes.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        self.bytes.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        self.bytes.extend_from_slice(&frame);
    }

    /// A whole TCP connection from client port `port` carrying `flights`: three-way
    /// handshake, each flight in segments of at most `MSS` bytes acknowledged by the
    /// other side, FIN from both.
    fn connection(&mut self, port: u16, flights: &[(Side, Vec<u8>)]) {
        let mut next = [0x1000_0000u32.wrapping_mul(u32::from(port)), 0xfff0_0000u32.wrapping_add(u32::from(port))];
        self.segment(Side::Client, port, next[0], 0, SYN, &[]);
        next[0] = next[0].wrapping_add(1);
        self.segment(Side::Server, port, next[1], next[0], SYN | ACK, &[]);
        next[1] = next[1].wrapping_add(1);
        self.segment(Side::Client, port, next[0], next[1], ACK, &[]);
        for (from, bytes) in flights {
            let (i, j) = (*from as usize, from.other() as usize);
            for chunk in bytes.chunks(MSS) {
                self.segment(*from, port, next[i], next[j], PSH | ACK, chunk);
                next[i] = next[i].wrapping_add(chunk.len() as u32);
            }
            self.segment(from.other(), port, next[j], next[i], ACK, &[]);
        }
        self.segment(Side::Client, port, next[0], next[1], FIN | ACK, &[]);
        next[0] = next[0].wrapping_add(1);
        self.segment(Side::Server, port, next[1], next[0], FIN | ACK, &[]);
        next[1] = next[1].wrapping_add(1);
        self.segment(Side::Client, port, next[0], next[1], ACK, &[]);
    }
}

fn tlsdoctor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .args(args)
        .env_remove("SSLKEYLOGFILE")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `decrypt --out-dir` with the key log `keylog`: the problems with the plaintext.
fn decrypt_problems(dir: &Path, capture: &Path, keylog: &Path, links: &[Link]) -> Vec<String> {
    let out_dir = dir.join(format!("out-{}", keylog.file_stem().unwrap().to_string_lossy()));
    let out = tlsdoctor(&[
        "decrypt",
        capture.to_str().unwrap(),
        "--keylog",
        keylog.to_str().unwrap(),
        "--out-dir",
        out_dir.to_str().unwrap(),
    ]);
    let mut problems = Vec::new();
    if !out.status.success() {
        problems.push(format!("decrypt exit status {}: {}", out.status, text(&out.stderr).trim()));
    }
    if !out.stderr.is_empty() {
        problems.push(format!("decrypt stderr: {}", text(&out.stderr).trim()));
    }
    for (n, link) in links.iter().enumerate() {
        for side in [Side::Client, Side::Server] {
            let file = format!("conn-{}-{}.bin", n + 1, side.name());
            match std::fs::read(out_dir.join(&file)) {
                Err(_) => problems.push(format!("{file} not written")),
                Ok(got) => {
                    if let Some(d) = difference(&link.sent[side as usize], &got) {
                        problems.push(format!("{file}: {d}"));
                    }
                }
            }
        }
    }
    if out_dir.join(format!("conn-{}-client.bin", links.len() + 1)).exists() {
        problems.push(format!("more than {} connection(s) found", links.len()));
    }
    problems
}

/// `dissect --format json`: every record decrypted, no anomaly, KeyUpdates where the
/// case sends them.
fn dissect_problems(capture: &Path, keylog: &Path, case: &Case) -> Vec<String> {
    let out =
        tlsdoctor(&["dissect", "--format", "json", "--keylog", keylog.to_str().unwrap(), capture.to_str().unwrap()]);
    let mut problems = Vec::new();
    if !out.status.success() {
        problems.push(format!("dissect exit status {}: {}", out.status, text(&out.stderr).trim()));
    }
    let mut key_updates = 0;
    for line in text(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        if v.get("anomaly").is_some() || v["encrypted"] == true {
            problems.push(format!("dissect: {line}"));
        }
        if v["name"] == "key_update" {
            key_updates += 1;
        }
    }
    if (key_updates > 0) != case.key_updates {
        problems.push(format!("dissect: {key_updates} KeyUpdate messages decrypted"));
    }
    problems
}

/// `diagnose --format json`: every connection ok and decrypted, no error finding, both
/// Finished messages checked.
fn diagnose_problems(capture: &Path, keylog: &Path, case: &Case, links: &[Link]) -> Vec<String> {
    let ca = pki("ca.pem");
    let out = tlsdoctor(&[
        "diagnose",
        "--format",
        "json",
        "--ca",
        ca.to_str().unwrap(),
        "--keylog",
        keylog.to_str().unwrap(),
        capture.to_str().unwrap(),
    ]);
    let mut problems = Vec::new();
    if !out.status.success() {
        problems.push(format!("diagnose exit status {}: {}", out.status, text(&out.stderr).trim()));
    }
    let report: serde_json::Value = match serde_json::from_slice(&out.stdout) {
        Ok(v) => v,
        Err(e) => return vec![format!("diagnose output is not JSON ({e}): {}", text(&out.stdout))],
    };
    let connections = report["connections"].as_array().cloned().unwrap_or_default();
    if connections.len() != links.len() {
        problems.push(format!("diagnose: {} connections, expected {}", connections.len(), links.len()));
    }
    let tls13 = case.suite.version().version == rustls::ProtocolVersion::TLSv1_3;
    for (n, c) in connections.iter().enumerate() {
        let id = n + 1;
        if c["outcome"] != "ok" {
            problems.push(format!("diagnose: connection {id} outcome {}", c["outcome"]));
        }
        if c["decrypted"] != true {
            problems.push(format!("diagnose: connection {id} not decrypted"));
        }
        for f in c["findings"].as_array().into_iter().flatten() {
            if f["severity"] == "error" {
                problems.push(format!("diagnose: connection {id} error finding {f}"));
            }
        }
        let passed: Vec<&str> = c["passed"].as_array().into_iter().flatten().filter_map(|p| p.as_str()).collect();
        for who in ["client", "server"] {
            let finished = format!("the {who}'s Finished");
            if !passed.iter().any(|p| p.starts_with(&finished) && p.ends_with("matches the transcript")) {
                problems.push(format!("diagnose: connection {id}: no passed check for {finished}: {passed:?}"));
            }
        }
        // A full handshake's signatures and chains are checked too.
        if links[n].peers[0].handshake_kind() == Some(HandshakeKind::Resumed) {
            continue;
        }
        let mut checks = vec!["the server certificate chain: "];
        checks.push(if tls13 { "the server's CertificateVerify" } else { "the ServerKeyExchange" });
        if case.client_cert.is_some() {
            checks.extend(["the client certificate chain: ", "the client's CertificateVerify"]);
        }
        for check in checks {
            if !passed.iter().any(|p| p.starts_with(check)) {
                problems.push(format!("diagnose: connection {id}: no passed check for {check:?}: {passed:?}"));
            }
        }
    }
    problems
}

/// Runs one case: the connections, the capture, and every check of tlsdoctor on it.
fn run_case(case: &Case) -> Vec<String> {
    let key_log = Arc::new(KeyLogLines::default());
    let (client_config, server_config) = configs(case, key_log.clone());
    let connections = if case.resume == Resume::No { 1 } else { 2 };
    let links: Vec<Link> = (0..connections).map(|n| run_connection(case, n, &client_config, &server_config)).collect();

    // The peers did what the case is about.
    let kinds: Vec<_> = links.iter().map(|l| l.peers[0].handshake_kind().unwrap()).collect();
    let first =
        if case.server_groups.is_some() { HandshakeKind::FullWithHelloRetryRequest } else { HandshakeKind::Full };
    assert_eq!(kinds[0], first, "{}: the first handshake", case.name);
    if connections == 2 {
        assert_eq!(kinds[1], HandshakeKind::Resumed, "{}: the second handshake", case.name);
    }
    for link in &links {
        assert_eq!(link.peers[0].negotiated_cipher_suite(), Some(case.suite), "{}", case.name);
    }

    let dir = Scratch::new(case.name);
    let mut pcap = Pcap::new();
    for (n, link) in links.iter().enumerate() {
        pcap.connection(50_000 + n as u16, &link.flights);
    }
    let capture = dir.join("capture.pcap");
    std::fs::write(&capture, &pcap.bytes).unwrap();
    let keylog_text = key_log.0.lock().unwrap().clone();
    let keylog = dir.join("keys.log");
    std::fs::write(&keylog, &keylog_text).unwrap();

    let mut problems = decrypt_problems(dir.path(), &capture, &keylog, &links);
    problems.extend(dissect_problems(&capture, &keylog, case));
    problems.extend(diagnose_problems(&capture, &keylog, case, &links));
    if case.resume != Resume::No && case.suite.version().version == rustls::ProtocolVersion::TLSv1_2 {
        // The resumed session's master secret is the first one's: the first line decrypts both.
        let first_line = keylog_text.lines().next().unwrap();
        let first_only = dir.join("first-only.log");
        std::fs::write(&first_only, format!("{first_line}\n")).unwrap();
        problems.extend(
            decrypt_problems(dir.path(), &capture, &first_only, &links)
                .into_iter()
                .map(|p| format!("first key log line only: {p}")),
        );
    }
    if !problems.is_empty() {
        problems.push(format!("capture and key log kept in {}", dir.keep().display()));
    }
    problems
}

#[test]
fn rustls_peers_round_trip_through_tlsdoctor() {
    let cases = cases();
    // Every suite of the provider is covered.
    for suite in provider::ALL_CIPHER_SUITES {
        assert!(cases.iter().any(|c| c.suite == *suite), "no case for {:?}", suite.suite());
    }
    let mut failures = Vec::new();
    for case in &cases {
        eprintln!("{}", case.name);
        let problems = run_case(case);
        if !problems.is_empty() {
            failures.push(format!("{}:\n    {}", case.name, problems.join("\n    ")));
        }
    }
    eprintln!("{} cases", cases.len());
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
