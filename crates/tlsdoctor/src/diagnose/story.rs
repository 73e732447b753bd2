//! One connection's story, built from the pipeline's events: what each side offered,
//! chose and sent, with frames, and the handshake transcript the signatures cover.
//! Everything is owned and bounded, so the story outlives the capture's buffers.

use tlsdoctor_keys::SuiteParams;
use tlsdoctor_tcp::Side;
use tlsdoctor_tls::extensions::ExtensionValue;
use tlsdoctor_tls::messages::{parse_handshake, parse_sslv2_client_hello, HandshakeBody, ParseContext};
use tlsdoctor_tls::registry::{
    CipherSuite, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion, SignatureScheme,
};
use tlsdoctor_tls::stream::{Anomaly, AnomalyKind, Event, Message, MessageKind, Negotiated, QuicSignal};

use crate::fingerprint::{ClientFingerprints, ServerFingerprints};
use crate::pipeline::{Connection, Transport};

/// Transcript bytes kept per connection; a longer handshake is not signature-checked.
const MAX_TRANSCRIPT: usize = 1 << 20;

#[derive(Debug, Clone, Default)]
pub struct ClientHelloInfo {
    pub frame: u64,
    pub legacy_version: u16,
    pub random: [u8; 32],
    pub versions: Vec<ProtocolVersion>,
    pub cipher_suites: Vec<CipherSuite>,
    pub groups: Vec<NamedGroup>,
    pub key_share_groups: Vec<NamedGroup>,
    pub signature_algorithms: Option<Vec<SignatureScheme>>,
    pub signature_algorithms_cert: Option<Vec<SignatureScheme>>,
    pub sni: Option<String>,
    pub alpn: Vec<String>,
    pub sslv2: bool,
    /// The client_certificate_type extension: the client may send a raw public key
    /// (RFC 7250) instead of a certificate.
    pub client_certificate_type: bool,
    pub fingerprints: Option<ClientFingerprints>,
}

#[derive(Debug, Clone)]
pub struct ServerHelloInfo {
    pub frame: u64,
    pub version: ProtocolVersion,
    pub random: [u8; 32],
    pub cipher_suite: CipherSuite,
    pub hello_retry: bool,
    pub selected_group: Option<NamedGroup>,
    pub fingerprints: ServerFingerprints,
}

/// A Certificate message: the DER chain, leaf first.
#[derive(Debug, Clone)]
pub struct Chain {
    pub frame: u64,
    pub certificates: Vec<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub struct SignedParams {
    pub frame: u64,
    /// The exact parameter bytes the ServerKeyExchange signature covers (after the randoms).
    pub params: Vec<u8>,
    pub scheme: Option<SignatureScheme>,
    pub signature: Vec<u8>,
    pub signed: bool,
}

#[derive(Debug, Clone)]
pub struct CertificateRequestInfo {
    pub frame: u64,
    pub certificate_types: Vec<u8>,
    pub signature_algorithms: Option<Vec<SignatureScheme>>,
    pub certificate_authorities: Vec<Vec<u8>>,
}

impl CertificateRequestInfo {
    /// The CA names the server asked for, as people read them.
    pub fn authority_names(&self) -> Vec<String> {
        self.certificate_authorities.iter().map(|name| tlsdoctor_tls::x509::format_name_der(name)).collect()
    }
}

#[derive(Debug, Clone)]
pub struct CertificateVerifyInfo {
    pub frame: u64,
    pub scheme: Option<SignatureScheme>,
    pub signature: Vec<u8>,
    /// The handshake messages before it, as both peers should have hashed them;
    /// None when the transcript was incomplete (a gap, or over the size limit).
    pub transcript: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub struct FinishedInfo {
    pub frame: u64,
    /// The transcript bytes before this Finished.
    pub transcript_len: usize,
    pub verify_data: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertInfo {
    pub side: Side,
    pub frame: u64,
    pub level: Option<u8>,
    /// None when the alert is encrypted.
    pub description: Option<u8>,
    /// It came after the handshake finished.
    pub after_handshake: bool,
}

/// An encrypted record, for telling how far a handshake got without keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedRecord {
    pub side: Side,
    pub frame: u64,
    pub content_type: u8,
    pub length: u16,
}

/// Everything tlsdoctor learnt about one connection.
#[derive(Debug, Clone)]
pub struct Story {
    pub conn: Connection,
    pub negotiated: Negotiated,
    pub client_hello: Option<ClientHelloInfo>,
    pub server_hello: Option<ServerHelloInfo>,
    pub server_certificates: Option<Chain>,
    pub server_key_exchange: Option<SignedParams>,
    pub certificate_request: Option<CertificateRequestInfo>,
    pub server_hello_done: Option<u64>,
    pub client_certificates: Option<Chain>,
    pub client_key_exchange: Option<u64>,
    pub client_certificate_verify: Option<CertificateVerifyInfo>,
    /// TLS 1.3 only (decrypted): the server signs the transcript too.
    pub server_certificate_verify: Option<CertificateVerifyInfo>,
    /// Some of the connection was read from decrypted records.
    pub decrypted: bool,
    /// Each side's Finished read in clear text: frame, the transcript length before
    /// it, and its verify_data.
    pub finished_messages: [Option<FinishedInfo>; 2],
    /// Records that did not open with the secrets given: (side, frame, why).
    pub decrypt_failures: Vec<(Side, u64, String)>,
    pub change_cipher_spec: [Option<u64>; 2],
    /// The first encrypted handshake record after ChangeCipherSpec (TLS <= 1.2 Finished).
    pub finished: [Option<u64>; 2],
    pub alerts: Vec<AlertInfo>,
    /// Encrypted records of each side, first few kept (TLS 1.3 without keys).
    pub sealed: Vec<SealedRecord>,
    pub sealed_counts: [u64; 2],
    /// Application data records of each side, read or not.
    pub application_records: [u64; 2],
    pub last_sealed: [Option<SealedRecord>; 2],
    /// The frame of each side's last message, whatever it was.
    pub last_message: [Option<u64>; 2],
    pub anomalies: Vec<Anomaly>,
    /// Each side's first decrypted application data (with secrets).
    pub application: [super::http::FirstBytes; 2],
    /// The frame of each side's first application data record, read or not (in TLS 1.3
    /// without keys every record looks like one: see outcome.rs).
    pub first_data: [Option<u64>; 2],
    /// Handshake messages in order, as both peers hash them.
    pub transcript: Vec<u8>,
    transcript_broken: bool,
    /// DTLS 1.0/1.2 hash each message with its DTLS header (message_seq, and the
    /// fragment fields as for one fragment, RFC 6347 4.2.6); DTLS 1.3 hashes TLS's. Both
    /// forms are kept until the ServerHello tells which.
    dtls_transcript: Vec<u8>,
    /// The transcript is in the DTLS form.
    dtls_form: bool,
    /// DTLS: the datagram-only evidence.
    pub datagrams: DatagramEvidence,
    /// QUIC: what the transport said besides TLS.
    pub quic: super::quic::QuicEvidence,
}

/// What only DTLS shows: retransmitted flights, cookie exchanges, lost fragments.
#[derive(Debug, Clone, Default)]
pub struct DatagramEvidence {
    /// Handshake messages (fragments) each side sent again, and the frame of its last.
    pub retransmissions: [u64; 2],
    pub last_retransmission: [Option<u64>; 2],
    /// Each side's last handshake message that was new (not a retransmission).
    pub last_new_message: [Option<u64>; 2],
    /// The server's (last) HelloVerifyRequest.
    pub hello_verify_request: Option<u64>,
    /// The last ClientHello.
    pub client_hello: Option<u64>,
    /// Messages that never arrived whole (the first few).
    pub missing: Vec<Anomaly>,
}

/// Records kept in `sealed`; the rest are only counted.
const SEALED_KEPT: usize = 16;

impl Story {
    pub fn new(conn: &Connection) -> Story {
        Story {
            conn: conn.clone(),
            negotiated: Negotiated::default(),
            client_hello: None,
            server_hello: None,
            server_certificates: None,
            server_key_exchange: None,
            certificate_request: None,
            server_hello_done: None,
            client_certificates: None,
            client_key_exchange: None,
            client_certificate_verify: None,
            server_certificate_verify: None,
            decrypted: false,
            finished_messages: [None, None],
            decrypt_failures: Vec::new(),
            change_cipher_spec: [None, None],
            finished: [None, None],
            alerts: Vec::new(),
            sealed: Vec::new(),
            sealed_counts: [0, 0],
            application_records: [0, 0],
            last_sealed: [None, None],
            last_message: [None, None],
            anomalies: Vec::new(),
            application: Default::default(),
            first_data: [None, None],
            transcript: Vec::new(),
            transcript_broken: false,
            dtls_transcript: Vec::new(),
            dtls_form: false,
            datagrams: DatagramEvidence::default(),
            quic: Default::default(),
        }
    }

    pub fn is_tls13(&self) -> bool {
        self.negotiated.is_tls13()
    }

    /// The negotiated protocol version, once the ServerHello was seen.
    pub fn version(&self) -> Option<ProtocolVersion> {
        self.negotiated.version.map(ProtocolVersion)
    }

    /// Takes one pipeline event.
    pub fn take(&mut self, event: &Event<'_>) {
        match event {
            Event::Record(_) => {}
            Event::Message(m) => self.take_message(m),
            Event::Anomaly(a) => {
                match &a.kind {
                    AnomalyKind::Gap { .. } => self.transcript_broken = true,
                    AnomalyKind::DecryptFailed { reason } => {
                        self.decrypt_failures.push((a.side, a.frame, reason.clone()));
                    }
                    AnomalyKind::Retransmitted { .. } => {
                        self.datagrams.retransmissions[a.side.index()] += 1;
                        self.datagrams.last_retransmission[a.side.index()] = Some(a.frame);
                        // Counted, not kept: a lossy path repeats them by the hundred.
                        return;
                    }
                    AnomalyKind::FragmentsMissing { .. } if self.datagrams.missing.len() < 8 => {
                        self.datagrams.missing.push(a.clone());
                    }
                    _ => {}
                }
                if self.anomalies.len() < 64 {
                    self.anomalies.push(a.clone());
                }
            }
        }
    }

    /// The handshake finished: both Finished messages went (TLS <= 1.2), or for TLS 1.3
    /// (encrypted) the client's second flight went and the server answered after it.
    pub fn handshake_finished(&self) -> bool {
        if self.finished_messages.iter().all(Option::is_some) {
            return true;
        }
        if self.is_tls13() {
            let client_flight = self.sealed.iter().find(|r| r.side == Side::Client).map(|r| r.frame);
            let server_after = client_flight
                .and_then(|f| self.sealed.iter().find(|r| r.side == Side::Server && r.frame > f).map(|r| r.frame));
            return server_after.is_some();
        }
        self.finished.iter().all(Option::is_some)
    }

    fn take_message(&mut self, m: &Message<'_>) {
        self.negotiated = m.negotiated;
        self.decrypted |= m.decrypted;
        let side = m.side.index();
        self.last_message[side] = Some(m.frame);
        match m.kind {
            MessageKind::Handshake { typ, raw } => self.take_handshake(m, typ, raw),
            MessageKind::Sslv2ClientHello { raw } => {
                if let Ok(hello) = parse_sslv2_client_hello(raw) {
                    let mut info = client_hello_info(m.frame, &hello, self.conn.transport);
                    info.sslv2 = true;
                    self.client_hello = Some(info);
                }
                self.append_transcript(raw);
            }
            MessageKind::ChangeCipherSpec => {
                self.change_cipher_spec[side].get_or_insert(m.frame);
            }
            MessageKind::Alert { level, description } => self.alerts.push(AlertInfo {
                side: m.side,
                frame: m.frame,
                level: Some(level),
                description: Some(description),
                after_handshake: self.handshake_finished(),
            }),
            MessageKind::Encrypted { content_type, length } => {
                let record = SealedRecord { side: m.side, frame: m.frame, content_type, length };
                match content_type {
                    22 if self.change_cipher_spec[side].is_some() => {
                        self.finished[side].get_or_insert(m.frame);
                    }
                    21 => self.alerts.push(AlertInfo {
                        side: m.side,
                        frame: m.frame,
                        level: None,
                        description: None,
                        after_handshake: self.handshake_finished(),
                    }),
                    23 => {
                        self.application_records[side] += 1;
                        self.first_data[side].get_or_insert(m.frame);
                    }
                    _ => {}
                }
                self.sealed_counts[side] += 1;
                self.last_sealed[side] = Some(record);
                if self.sealed.len() < SEALED_KEPT {
                    self.sealed.push(record);
                }
            }
            // Heartbeats and SSL 2.0 have their own watchers (heartbeat.rs, ssl2.rs).
            MessageKind::Heartbeat { .. } | MessageKind::Sslv2 { .. } | MessageKind::Sslv2Encrypted { .. } => {}
            MessageKind::ApplicationData { data } => {
                self.decrypted = true;
                self.application_records[side] += 1;
                self.first_data[side].get_or_insert(m.frame);
                self.application[side].take(data, m.frame);
            }
            // HTTP/3 is not read (http.rs reads HTTP/1 and HTTP/2).
            MessageKind::StreamData { .. } => {
                self.application_records[side] += 1;
                self.first_data[side].get_or_insert(m.frame);
            }
            MessageKind::Quic(signal) => {
                // Version Negotiation ends the client's attempt: its next ClientHello, in
                // another version, starts the transcript again (RFC 9000 6.2).
                if matches!(signal, QuicSignal::VersionNegotiation { .. }) && self.server_hello.is_none() {
                    self.transcript.clear();
                    self.transcript_broken = false;
                }
                let finished = self.handshake_finished();
                self.quic.take(m, &signal, finished);
            }
        }
    }

    /// A DTLS message, in the form its version hashes (both while that is unknown).
    fn append_dtls_transcript(&mut self, raw: &[u8], message_seq: u16) {
        let (Some(head), Some(body)) = (raw.get(..4), raw.get(4..)) else { return };
        let mut dtls = Vec::with_capacity(raw.len() + 8);
        dtls.extend_from_slice(head);
        dtls.extend(message_seq.to_be_bytes());
        dtls.extend([0, 0, 0]);
        dtls.extend_from_slice(&head[1..4]);
        dtls.extend_from_slice(body);
        if self.dtls_form {
            return self.append_transcript(&dtls);
        }
        self.append_transcript(raw);
        if self.dtls_transcript.len() + dtls.len() <= MAX_TRANSCRIPT {
            self.dtls_transcript.extend(dtls);
        }
    }

    fn append_transcript(&mut self, raw: &[u8]) {
        if self.transcript.len() + raw.len() > MAX_TRANSCRIPT {
            self.transcript_broken = true;
        } else {
            self.transcript.extend_from_slice(raw);
        }
    }

    /// After a HelloRetryRequest the first ClientHello stays in the transcript only as a
    /// synthetic message_hash message holding its hash, with the hash of the suite the
    /// HelloRetryRequest chose (RFC 8446 4.4.1).
    fn replace_with_message_hash(&mut self, suite: CipherSuite) {
        let Some(params) = SuiteParams::for_suite(suite) else {
            self.transcript_broken = true;
            return;
        };
        let hash = super::finished::hash_of(params.hash, &self.transcript);
        let mut synthetic = vec![HandshakeType::MESSAGE_HASH.0, 0, 0, hash.len() as u8];
        synthetic.extend(hash);
        self.transcript = synthetic;
    }

    fn take_handshake(&mut self, m: &Message<'_>, typ: u8, raw: &[u8]) {
        let ctx = ParseContext {
            version: m.negotiated.version.map(ProtocolVersion),
            cipher_suite: m.negotiated.cipher_suite.map(CipherSuite),
            from_server: m.side == Side::Server,
        };
        let body = raw.get(4..).unwrap_or_default();
        let parsed = parse_handshake(HandshakeType(typ), body, &ctx);
        let from_client = m.side == Side::Client;
        if m.message_seq.is_some() {
            self.datagrams.last_new_message[m.side.index()] = Some(m.frame);
            match typ {
                1 if from_client => self.datagrams.client_hello = Some(m.frame),
                3 if !from_client => self.datagrams.hello_verify_request = Some(m.frame),
                _ => {}
            }
        }
        // CertificateVerify signs the transcript before it.
        if let Ok(HandshakeBody::CertificateVerify(cv)) = &parsed {
            let transcript = (!self.transcript_broken).then(|| self.transcript.clone());
            let info = CertificateVerifyInfo {
                frame: m.frame,
                scheme: cv.scheme,
                signature: cv.signature.to_vec(),
                transcript,
            };
            if from_client {
                self.client_certificate_verify = Some(info);
            } else {
                self.server_certificate_verify = Some(info);
            }
        }
        if typ == 20 && !self.transcript_broken && self.finished_messages[m.side.index()].is_none() {
            let verify_data = body.to_vec();
            self.finished_messages[m.side.index()] =
                Some(FinishedInfo { frame: m.frame, transcript_len: self.transcript.len(), verify_data });
        }
        if let Ok(HandshakeBody::ServerHello(hello)) = &parsed {
            if hello.is_hello_retry_request && !from_client {
                self.replace_with_message_hash(hello.cipher_suite);
            }
        }
        // HelloRequest is never hashed; TLS 1.3's post-handshake messages (tickets, key
        // updates) are not part of the transcript, even when they overtake the client's
        // Finished on the wire.
        let post_handshake = m.negotiated.is_tls13() && matches!(typ, 4 | 24);
        if typ == HandshakeType::HELLO_VERIFY_REQUEST.0 {
            // Neither the HelloVerifyRequest nor the ClientHello it answers is hashed.
            self.transcript.clear();
            self.dtls_transcript.clear();
        } else if let Some(seq) = m.message_seq.filter(|_| typ != 0 && !post_handshake) {
            self.append_dtls_transcript(raw, seq);
            if typ == HandshakeType::SERVER_HELLO.0 && !from_client && !m.negotiated.is_tls13() {
                self.transcript = std::mem::take(&mut self.dtls_transcript);
                self.dtls_form = true;
            }
        } else if typ != 0 && !post_handshake {
            self.append_transcript(raw);
        }
        if typ == 20 {
            // A Finished read in clear text: the key log opened this connection.
            self.finished[m.side.index()].get_or_insert(m.frame);
        }
        let Ok(parsed) = parsed else { return };
        match parsed {
            HandshakeBody::ClientHello(hello) if from_client => {
                // A second ClientHello (after HelloRetryRequest) keeps the first's offer
                // in the transcript; the offer that counts is the latest.
                self.client_hello = Some(client_hello_info(m.frame, &hello, self.conn.transport));
            }
            HandshakeBody::ServerHello(hello) if !from_client => {
                let selected_group = match hello.decoded(ExtensionType::KEY_SHARE) {
                    Some(ExtensionValue::KeyShareServer(entry)) => Some(entry.group),
                    Some(ExtensionValue::KeyShareRetry(group)) => Some(group),
                    _ => None,
                };
                self.server_hello = Some(ServerHelloInfo {
                    frame: m.frame,
                    version: hello.negotiated_version(),
                    random: hello.random,
                    cipher_suite: hello.cipher_suite,
                    hello_retry: hello.is_hello_retry_request,
                    selected_group,
                    fingerprints: ServerFingerprints::of(&hello, self.conn.transport),
                });
            }
            HandshakeBody::Certificate(chain) => {
                let chain = Chain { frame: m.frame, certificates: chain.certificates().map(<[u8]>::to_vec).collect() };
                if from_client {
                    self.client_certificates = Some(chain);
                } else {
                    self.server_certificates = Some(chain);
                }
            }
            HandshakeBody::ServerKeyExchange(ske) if !from_client => {
                self.server_key_exchange = Some(SignedParams {
                    frame: m.frame,
                    params: ske.params.to_vec(),
                    scheme: ske.scheme,
                    signature: ske.signature.to_vec(),
                    signed: ske.signed,
                });
            }
            HandshakeBody::CertificateRequest(req) if !from_client => {
                self.certificate_request = Some(CertificateRequestInfo {
                    frame: m.frame,
                    certificate_types: req.certificate_types.iter().map(|t| t.0).collect(),
                    signature_algorithms: req.signature_algorithms.clone(),
                    certificate_authorities: req.certificate_authorities.iter().map(|n| n.to_vec()).collect(),
                });
            }
            HandshakeBody::ServerHelloDone if !from_client => self.server_hello_done = Some(m.frame),
            HandshakeBody::ClientKeyExchange(_) if from_client => self.client_key_exchange = Some(m.frame),
            _ => {}
        }
    }
}

fn client_hello_info(
    frame: u64,
    hello: &tlsdoctor_tls::messages::ClientHello<'_>,
    transport: Transport,
) -> ClientHelloInfo {
    let schemes = |typ| match hello.decoded(typ) {
        Some(ExtensionValue::SignatureAlgorithms(v) | ExtensionValue::SignatureAlgorithmsCert(v)) => Some(v),
        _ => None,
    };
    ClientHelloInfo {
        frame,
        legacy_version: hello.legacy_version.0,
        random: hello.random,
        versions: hello.offered_versions(),
        cipher_suites: hello.cipher_suites.clone(),
        groups: match hello.decoded(ExtensionType::SUPPORTED_GROUPS) {
            Some(ExtensionValue::SupportedGroups(v)) => v,
            _ => Vec::new(),
        },
        key_share_groups: match hello.decoded(ExtensionType::KEY_SHARE) {
            Some(ExtensionValue::KeyShareClient(v)) => v.iter().map(|e| e.group).collect(),
            _ => Vec::new(),
        },
        signature_algorithms: schemes(ExtensionType::SIGNATURE_ALGORITHMS),
        signature_algorithms_cert: schemes(ExtensionType::SIGNATURE_ALGORITHMS_CERT),
        sni: hello.server_name_text(),
        alpn: hello.alpn().iter().map(|p| String::from_utf8_lossy(p).into_owned()).collect(),
        sslv2: false,
        client_certificate_type: hello.extension(ExtensionType::CLIENT_CERTIFICATE_TYPE).is_some(),
        fingerprints: Some(ClientFingerprints::of(hello, transport)),
    }
}
