//! Both directions of one TCP connection -> TLS records and messages, each knowing the
//! frames its bytes came from.
//!
//! A direction starts by recognising TLS from its first bytes (any port), after a
//! plain-text STARTTLS-style upgrade, or, when the connection was picked up mid-stream,
//! by finding two consecutive record headers. Records whose content cannot be read
//! without keys are skipped by length, never buffered. A capture gap inside such a
//! record costs nothing; a gap that swallows a record boundary costs the sync, which is
//! found again at the next pair of plausible headers.

use tlsdoctor_tcp::{Chunk, Side};

use crate::codec::Reader;
use crate::record::{self, RecordHeader, HEADER_LEN};
use crate::registry::ProtocolVersion;
use crate::sslv2;

/// Limits for one connection's parser.
#[derive(Debug, Clone)]
pub struct StreamConfig {
    /// Handshake messages declaring more are reported and skipped, not buffered.
    pub max_message_len: usize,
    /// Bytes looked at before a stream that does not start with TLS is given up.
    pub detect_limit: usize,
}

impl Default for StreamConfig {
    fn default() -> Self {
        StreamConfig { max_message_len: 1 << 20, detect_limit: 64 * 1024 }
    }
}

/// What the parser found, in stream order.
#[derive(Debug)]
pub enum Event<'a> {
    /// A complete record (also for records whose content is skipped).
    Record(RecordEvent),
    Message(Message<'a>),
    Anomaly(Anomaly),
}

impl Event<'_> {
    /// The peer that sent what the event is about.
    pub fn side(&self) -> Side {
        match self {
            Event::Record(r) => r.side,
            Event::Message(m) => m.side,
            Event::Anomaly(a) => a.side,
        }
    }

    /// Re-labels the sender, for a connection whose roles turned out reversed.
    pub fn set_side(&mut self, side: Side) {
        match self {
            Event::Record(r) => r.side = side,
            Event::Message(m) => m.side = side,
            Event::Anomaly(a) => a.side = side,
        }
    }

    /// The frame the event belongs to.
    pub fn frame(&self) -> u64 {
        match self {
            Event::Record(r) => r.frame,
            Event::Message(m) => m.frame,
            Event::Anomaly(a) => a.frame,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct RecordEvent {
    pub side: Side,
    /// The frame that completes the record.
    pub frame: u64,
    pub header: RecordHeader,
    /// The record's content cannot be read without keys.
    pub encrypted: bool,
    /// Protected by TLS 1.3 (or its 0-RTT early data): the content type in the header
    /// is the outer, opaque one.
    pub tls13: bool,
    /// DTLS: the record carries a fragment of a handshake message of this type that
    /// neither is the whole message nor completes it (Wireshark's "(Fragment)").
    pub partial_handshake: Option<u8>,
}

#[derive(Debug)]
pub struct Message<'a> {
    pub side: Side,
    /// The frame that completes the message (the one Wireshark shows it in).
    pub frame: u64,
    /// Every frame the message's bytes came from, in stream order.
    pub frames: &'a [u64],
    /// The version field of the record that completed the message.
    pub record_version: u16,
    /// What the ServerHello chose, as known once this message is read.
    pub negotiated: Negotiated,
    /// The message was read from a decrypted record.
    pub decrypted: bool,
    /// DTLS: the handshake message's message_seq (its transcript form carries it).
    pub message_seq: Option<u16>,
    pub kind: MessageKind<'a>,
}

#[derive(Debug)]
pub enum MessageKind<'a> {
    /// A whole handshake message: the 4-byte header and the body.
    Handshake {
        typ: u8,
        raw: &'a [u8],
    },
    /// An SSL 2.0-compatible ClientHello: the record body after its 2-byte header.
    Sslv2ClientHello {
        raw: &'a [u8],
    },
    ChangeCipherSpec,
    Alert {
        level: u8,
        description: u8,
    },
    Heartbeat {
        raw: &'a [u8],
    },
    /// An SSL 2.0 message in clear after the ClientHello (the server answered in SSL
    /// 2.0): SERVER-HELLO, CLIENT-MASTER-KEY, ERROR... `raw` is the record body, its
    /// first byte the message type.
    Sslv2 {
        msg_type: u8,
        raw: &'a [u8],
    },
    /// An SSL 2.0 record sealed with the session's keys; `length` counts its body.
    Sslv2Encrypted {
        length: u16,
    },
    /// A record that cannot be read without keys (application data, a TLS 1.2 Finished,
    /// an encrypted alert, anything in TLS 1.3 after the ServerHello).
    Encrypted {
        content_type: u8,
        length: u16,
    },
    /// Decrypted application data.
    ApplicationData {
        data: &'a [u8],
    },
    /// QUIC: decrypted STREAM frame data, at `offset` in its stream.
    StreamData {
        stream_id: u64,
        offset: u64,
        fin: bool,
        data: &'a [u8],
    },
    /// QUIC: what the transport says about the connection outside TLS.
    Quic(QuicSignal<'a>),
}

/// What a QUIC endpoint says of the connection besides TLS (RFC 9000).
#[derive(Debug, Clone, Copy)]
pub enum QuicSignal<'a> {
    /// CONNECTION_CLOSE with a transport error (type 0x1c) or an application's error
    /// (0x1d); a CRYPTO_ERROR is a TLS alert instead.
    Close { code: u64, application: bool, frame_type: Option<u64>, reason: &'a [u8] },
    /// The server does not speak the version the client `offered`; these are the ones it
    /// does.
    VersionNegotiation { offered: u32, versions: &'a [u32] },
    /// A stateless reset (RFC 9000 10.3): the sender has no state for the connection.
    StatelessReset,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    pub side: Side,
    pub frame: u64,
    pub kind: AnomalyKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnomalyKind {
    /// TLS starts after a plain-text upgrade command of this protocol (or an HTTP proxy's
    /// CONNECT).
    StartTls { protocol: &'static str },
    /// The peer answered a ClientHello in plain text: these are its first bytes.
    NotTls { bytes: [u8; HEADER_LEN] },
    /// A record header no TLS version could have sent, where one was expected.
    BadRecordHeader { bytes: [u8; HEADER_LEN] },
    /// A record's content is not what its type requires (a 3-byte alert, say).
    BadRecordContent { content_type: u8, length: u16 },
    /// Record boundaries were found again after `skipped` bytes.
    Resynchronised { skipped: u64 },
    /// The capture lost `missing` bytes; `cost` says what that did to the analysis.
    Gap { missing: u64, cost: GapCost },
    /// A handshake message declared more bytes than the configured limit.
    OversizedMessage { typ: u8, length: u32 },
    /// The stream ended inside a record or handshake message.
    TruncatedAtEnd { what: &'static str, have: u64, need: u64 },
    /// Keys were known for the record but it did not open with them.
    DecryptFailed { reason: String },
    /// DTLS: a handshake message sent again (a retransmitted flight, or a datagram the
    /// path duplicated); it was first complete in `first_frame`. `overlaps`: this piece
    /// is part of a message that came in fragments (tshark reports a reassembly error
    /// and dissects nothing after it in the datagram).
    Retransmitted { typ: u8, message_seq: u16, first_frame: u64, overlaps: bool },
    /// DTLS: a handshake fragment that contradicts its header or the other fragments of
    /// its message.
    BadFragment { typ: u8, message_seq: u16 },
    /// DTLS: at the end, a handshake message of which only `have` of `need` bytes
    /// arrived (its other fragments never came).
    FragmentsMissing { typ: u8, message_seq: u16, have: u64, need: u64 },
    /// QUIC: the sender's transport parameters break RFC 9000 18.2 (each problem in words).
    BadTransportParameters { problems: Vec<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapCost {
    /// The bytes lay inside a record that was being skipped anyway.
    Nothing,
    /// A record that was being read (and any handshake message in it) is lost.
    Record,
    /// Record boundaries are lost until they can be found again.
    Sync,
}

/// What the ServerHello chose, as far as the record layer needs it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Negotiated {
    pub version: Option<u16>,
    pub cipher_suite: Option<u16>,
}

impl Negotiated {
    /// What a whole ServerHello message (4-byte header and body) chose.
    pub fn from_server_hello(raw: &[u8]) -> Option<Negotiated> {
        let ctx = crate::messages::ParseContext { version: None, cipher_suite: None, from_server: true };
        match crate::messages::parse_handshake(crate::registry::HandshakeType::SERVER_HELLO, raw.get(4..)?, &ctx)
            .ok()?
        {
            crate::messages::HandshakeBody::ServerHello(sh) => {
                Some(Negotiated { version: Some(sh.negotiated_version().0), cipher_suite: Some(sh.cipher_suite.0) })
            }
            _ => None,
        }
    }

    /// TLS 1.3 or one of its drafts.
    pub fn is_tls13(&self) -> bool {
        self.version.is_some_and(|v| ProtocolVersion(v).is_tls13())
    }
}

/// Opens encrypted records. Implemented outside the wire layer (crypto lives
/// elsewhere): the parser tells it the handshake as it goes, and asks it to open each
/// record that it cannot read.
pub trait RecordOpener {
    /// A handshake message of `side`, in clear or decrypted: key schedules move on.
    fn handshake(&mut self, side: Side, typ: u8, raw: &[u8]);
    /// DTLS: the same, with the message's message_seq (DTLS 1.0 and 1.2 hash the
    /// message with its DTLS header).
    fn dtls_handshake(&mut self, side: Side, typ: u8, raw: &[u8], _message_seq: u16) {
        self.handshake(side, typ, raw);
    }
    /// An SSL 2.0-compatible ClientHello (its record body): the handshake starts there.
    fn sslv2_client_hello(&mut self, _raw: &[u8]) {}
    /// A ChangeCipherSpec of `side`: its next records use the keys just negotiated.
    fn change_cipher_spec(&mut self, side: Side);
    /// DTLS: the next record of `side` has this epoch (high 16 bits) and sequence number
    /// (low 48), which its protection covers; TLS counts its records itself.
    fn dtls_sequence(&mut self, _side: Side, _epoch_and_sequence: u64) {}
    /// Opens a record of `side`: None when no keys are known for it.
    fn open(&mut self, side: Side, header: RecordHeader, body: &[u8]) -> Option<Result<Opened, String>>;
    /// DTLS 1.3: the keys protecting `side`'s records in `epoch` (2: handshake, 3 and on:
    /// application), when known. Its records carry unified headers, which the DTLS layer
    /// reads itself.
    fn dtls13_epoch(&mut self, _side: Side, _epoch: u64) -> Option<&dyn Dtls13Keys> {
        None
    }
}

/// One side's keys for one DTLS 1.3 epoch (RFC 9147 4.2.3).
pub trait Dtls13Keys {
    /// The mask over a unified header's record number bytes, from the record's first 16
    /// bytes of ciphertext; None when it has fewer.
    fn record_number_mask(&self, ciphertext: &[u8]) -> Option<[u8; 2]>;
    /// Opens a record: `header` is its unified header with the record number in clear,
    /// `sequence` the full sequence number in its epoch.
    fn open(&self, header: &[u8], sequence: u64, ciphertext: &[u8]) -> Result<Opened, String>;
}

/// A record's content after decryption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The real content type (TLS 1.3's inner type).
    pub content_type: u8,
    pub data: Vec<u8>,
}

/// One TCP connection's TLS parser.
pub struct TlsConnection {
    config: StreamConfig,
    dirs: [Direction; 2],
    shared: Shared,
}

struct Shared {
    negotiated: Negotiated,
    /// The ClientHello offered 0-RTT: client application data before the ServerHello
    /// is TLS 1.3 early data.
    early_data_offered: bool,
    /// The client asked for a plain-text upgrade to TLS.
    upgrade: Option<&'static str>,
    sslv2: Sslv2State,
    opener: Option<Box<dyn RecordOpener + Send>>,
}

/// How far a connection went in SSL 2.0.
#[derive(Debug, Clone, Copy, Default)]
struct Sslv2State {
    /// The client opened with an SSLv2-format ClientHello.
    client_hello: bool,
    /// The server answered in SSL 2.0: both directions carry SSL 2.0 records.
    server: bool,
    /// The SERVER-HELLO found the session cached: both sides encrypt at once.
    session_id_hit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Waiting for the first bytes.
    Detect,
    Tls,
    /// A plain-text protocol, watched for an upgrade.
    Plaintext,
    /// Looking for record boundaries.
    Resync,
    /// SSL 2.0 records (after an SSL 2.0 SERVER-HELLO).
    Sslv2,
    /// Not TLS; bytes are ignored.
    Ignored,
}

struct Current {
    header: RecordHeader,
    remaining: usize,
    keep_body: bool,
    encrypted: bool,
    damaged: bool,
}

/// Bytes with their provenance: (end offset in the buffer, frame, delivered_in).
#[derive(Default)]
struct Provenanced {
    bytes: Vec<u8>,
    spans: Vec<(usize, u64, u64)>,
}

impl Provenanced {
    fn push(&mut self, bytes: &[u8], frame: u64, delivered_in: u64) {
        if bytes.is_empty() {
            return;
        }
        self.bytes.extend_from_slice(bytes);
        match self.spans.last_mut() {
            Some(last) if last.1 == frame && last.2 == delivered_in => last.0 = self.bytes.len(),
            _ => self.spans.push((self.bytes.len(), frame, delivered_in)),
        }
    }

    /// Distinct frames of the bytes in `0..end`.
    fn frames_until(&self, end: usize, out: &mut Vec<u64>) {
        out.clear();
        let mut start = 0;
        for &(span_end, frame, _) in &self.spans {
            if start >= end {
                break;
            }
            if !out.contains(&frame) {
                out.push(frame);
            }
            start = span_end;
        }
    }

    /// Drops the first `n` bytes.
    fn consume(&mut self, n: usize) {
        let n = n.min(self.bytes.len());
        self.bytes.drain(..n);
        self.spans.retain_mut(|span| {
            span.0 = span.0.saturating_sub(n);
            span.0 > 0
        });
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.spans.clear();
    }

    fn len(&self) -> usize {
        self.bytes.len()
    }
}

struct Direction {
    side: Side,
    mode: Mode,
    /// The first bytes are the stream's first: what is not TLS there is plain text.
    /// Otherwise the capture began mid-stream, and record boundaries must be searched.
    stream_start_seen: bool,
    head: [u8; HEADER_LEN],
    head_len: usize,
    current: Option<Current>,
    body: Provenanced,
    record_frames: Vec<u64>,
    handshake: Provenanced,
    /// Bytes of an oversized handshake message still to skip.
    handshake_skip: usize,
    /// The handshake bytes held came from decrypted records.
    handshake_decrypted: bool,
    /// The size of the oversized message being skipped, header included.
    skipped_message: usize,
    /// Bytes held while recognising TLS or looking for record boundaries.
    scan: Provenanced,
    /// Bytes dropped while looking for record boundaries since the last sync.
    skipped: u64,
    /// Bytes looked at outside TLS mode, against `detect_limit`.
    looked_at: usize,
    /// Sent ChangeCipherSpec: later records are encrypted (TLS 1.2 and older).
    after_ccs: bool,
    /// SSL 2.0: this side's records are encrypted from here on.
    sslv2_sealed: bool,
    /// The first bytes of a plain-text stream, and the frame they completed in.
    plain_start: Option<([u8; HEADER_LEN], u64)>,
    record_version: Option<u16>,
    last_frame: u64,
    frames: Vec<u64>,
}

impl TlsConnection {
    /// `stream_start_seen`: the TCP handshake was captured, so each direction's first
    /// bytes are the start of its stream.
    pub fn new(config: StreamConfig, stream_start_seen: bool) -> Self {
        TlsConnection {
            config,
            dirs: [Direction::new(Side::Client, stream_start_seen), Direction::new(Side::Server, stream_start_seen)],
            shared: Shared {
                negotiated: Negotiated::default(),
                early_data_offered: false,
                upgrade: None,
                sslv2: Sslv2State::default(),
                opener: None,
            },
        }
    }

    /// A parser that asks `opener` to decrypt what it cannot read.
    pub fn with_opener(config: StreamConfig, stream_start_seen: bool, opener: Box<dyn RecordOpener + Send>) -> Self {
        let mut conn = TlsConnection::new(config, stream_start_seen);
        conn.shared.opener = Some(opener);
        conn
    }

    pub fn negotiated(&self) -> Negotiated {
        self.shared.negotiated
    }

    /// True once either direction was recognised as TLS.
    pub fn is_tls(&self, side: Side) -> bool {
        self.dirs[side.index()].record_version.is_some()
    }

    pub fn data(&mut self, side: Side, chunk: Chunk<'_>, out: &mut dyn FnMut(Event<'_>)) {
        let dir = &mut self.dirs[side.index()];
        dir.last_frame = chunk.delivered_in;
        dir.feed(&self.config, &mut self.shared, chunk, out);
        self.note_plain_answer(out);
    }

    /// A client that went straight to TLS (no upgrade command, no CONNECT) while the
    /// server speaks plain text: a TLS client at a plain port (HTTP), or at one that
    /// expects STARTTLS first. Said once, when both are known, in either order.
    fn note_plain_answer(&mut self, out: &mut dyn FnMut(Event<'_>)) {
        let [client, server] = &mut self.dirs;
        if client.mode != Mode::Tls || server.mode != Mode::Plaintext || self.shared.upgrade.is_some() {
            return;
        }
        if let Some((bytes, frame)) = server.plain_start.take() {
            server.anomaly(frame, AnomalyKind::NotTls { bytes }, out);
        }
    }

    pub fn gap(&mut self, side: Side, missing: u64, frame: u64, out: &mut dyn FnMut(Event<'_>)) {
        self.dirs[side.index()].gap(missing, frame, out);
    }

    /// End of both streams: reports what was left unfinished.
    pub fn finish(&mut self, out: &mut dyn FnMut(Event<'_>)) {
        for dir in &mut self.dirs {
            dir.finish(&self.config, &mut self.shared, out);
        }
    }
}

impl Direction {
    fn new(side: Side, stream_start_seen: bool) -> Self {
        Direction {
            side,
            mode: Mode::Detect,
            stream_start_seen,
            head: [0; HEADER_LEN],
            head_len: 0,
            current: None,
            body: Provenanced::default(),
            record_frames: Vec::new(),
            handshake: Provenanced::default(),
            handshake_skip: 0,
            handshake_decrypted: false,
            skipped_message: 0,
            scan: Provenanced::default(),
            skipped: 0,
            looked_at: 0,
            after_ccs: false,
            sslv2_sealed: false,
            plain_start: None,
            record_version: None,
            last_frame: 0,
            frames: Vec::new(),
        }
    }

    fn anomaly(&self, frame: u64, kind: AnomalyKind, out: &mut dyn FnMut(Event<'_>)) {
        out(Event::Anomaly(Anomaly { side: self.side, frame, kind }));
    }

    fn feed(&mut self, config: &StreamConfig, shared: &mut Shared, chunk: Chunk<'_>, out: &mut dyn FnMut(Event<'_>)) {
        // The client's records after its SSLv2-format hello follow the server's choice.
        let between_records = self.current.is_none() && self.head_len == 0;
        if self.mode == Mode::Tls
            && shared.sslv2.server
            && self.record_version == Some(sslv2::VERSION)
            && between_records
        {
            self.mode = Mode::Sslv2;
        }
        match self.mode {
            Mode::Sslv2 => self.feed_sslv2(config, shared, chunk, out),
            Mode::Tls => self.feed_records(config, shared, chunk, out),
            Mode::Detect => self.detect(config, shared, chunk, out),
            Mode::Resync => {
                self.scan.push(chunk.bytes, chunk.frame, chunk.delivered_in);
                self.resync(config, shared, false, out);
            }
            Mode::Plaintext => self.watch_plaintext(config, shared, chunk, out),
            Mode::Ignored => {}
        }
    }

    /// The first bytes of a stream: TLS, SSL 2.0 hello, or something else.
    fn detect(&mut self, config: &StreamConfig, shared: &mut Shared, chunk: Chunk<'_>, out: &mut dyn FnMut(Event<'_>)) {
        self.scan.push(chunk.bytes, chunk.frame, chunk.delivered_in);
        let start = &self.scan.bytes;
        if let Some(len) = record::sslv2_client_hello_len(start) {
            if start.len() < len {
                return;
            }
            self.mode = Mode::Tls;
            self.record_version = Some(sslv2::VERSION);
            shared.sslv2.client_hello = true;
            if let Some(opener) = shared.opener.as_mut() {
                opener.sslv2_client_hello(&start[2..len]);
            }
            self.scan.frames_until(len, &mut self.frames);
            let msg = Message {
                side: self.side,
                frame: chunk.delivered_in,
                frames: &self.frames,
                record_version: 0x0002,
                negotiated: shared.negotiated,
                decrypted: false,
                message_seq: None,
                kind: MessageKind::Sslv2ClientHello { raw: &start[2..len] },
            };
            out(Event::Message(msg));
            self.scan.consume(len);
            self.replay_scan(config, shared, out);
            return;
        }
        if start.len() < HEADER_LEN {
            return;
        }
        // An SSL 2.0 answer has the high bit of its first byte set; TLS records never do.
        if self.side == Side::Server && shared.sslv2.client_hello && start[0] & 0x80 != 0 {
            if start.len() < 7 && !sslv2::is_server_reply(start) {
                return;
            }
            if sslv2::is_server_reply(start) {
                self.mode = Mode::Sslv2;
                self.record_version = Some(sslv2::VERSION);
                shared.sslv2.server = true;
                let held = std::mem::take(&mut self.scan);
                let mut from = 0;
                for &(end, frame, delivered_in) in &held.spans {
                    self.feed_sslv2(config, shared, Chunk { bytes: &held.bytes[from..end], frame, delivered_in }, out);
                    from = end;
                }
                return;
            }
        }
        let mut head = [0; HEADER_LEN];
        head.copy_from_slice(&start[..HEADER_LEN]);
        if RecordHeader::parse(head).is_plausible() {
            self.mode = Mode::Tls;
            self.replay_scan(config, shared, out);
        } else if !self.stream_start_seen {
            self.mode = Mode::Resync;
            self.resync(config, shared, false, out);
        } else {
            self.mode = Mode::Plaintext;
            self.plain_start = Some((head, chunk.delivered_in));
            let bytes = std::mem::take(&mut self.scan);
            let first = Chunk { bytes: &bytes.bytes, frame: chunk.frame, delivered_in: chunk.delivered_in };
            self.watch_plaintext(config, shared, first, out);
        }
    }

    /// SSL 2.0 records: each one a message, in clear until this side's keys are in use
    /// (the client's after its CLIENT-MASTER-KEY, the server's after its SERVER-HELLO;
    /// both at once when the session was cached). Records are at most 32 KiB: held whole.
    fn feed_sslv2(
        &mut self,
        _config: &StreamConfig,
        shared: &mut Shared,
        chunk: Chunk<'_>,
        out: &mut dyn FnMut(Event<'_>),
    ) {
        self.scan.push(chunk.bytes, chunk.frame, chunk.delivered_in);
        while let Some((head, length, padding)) = sslv2::record_header(&self.scan.bytes) {
            let end = head + length;
            if self.scan.len() < end {
                return;
            }
            let frame = self.scan.spans.iter().find(|s| s.0 >= end).map_or(chunk.delivered_in, |s| s.2);
            if length == 0 || usize::from(padding) > length {
                let mut bytes = [0; HEADER_LEN];
                let shown = self.scan.len().min(HEADER_LEN);
                bytes[..shown].copy_from_slice(&self.scan.bytes[..shown]);
                self.anomaly(frame, AnomalyKind::BadRecordHeader { bytes }, out);
                self.scan.clear();
                self.mode = Mode::Ignored;
                return;
            }
            self.scan.frames_until(end, &mut self.frames);
            let body = &self.scan.bytes[head..end];
            let sealed = self.sslv2_sealed || (self.side == Side::Client && shared.sslv2.session_id_hit);
            let kind = if sealed {
                MessageKind::Sslv2Encrypted { length: length as u16 }
            } else {
                let msg_type = body[0];
                match (self.side, msg_type) {
                    (Side::Client, sslv2::CLIENT_MASTER_KEY) => self.sslv2_sealed = true,
                    (Side::Server, sslv2::SERVER_HELLO) => {
                        self.sslv2_sealed = true;
                        shared.sslv2.session_id_hit = body.get(1).is_some_and(|&hit| hit != 0);
                    }
                    _ => {}
                }
                MessageKind::Sslv2 { msg_type, raw: body }
            };
            out(Event::Message(Message {
                side: self.side,
                frame,
                frames: &self.frames,
                record_version: sslv2::VERSION,
                negotiated: shared.negotiated,
                decrypted: false,
                message_seq: None,
                kind,
            }));
            self.scan.consume(end);
        }
    }

    /// Feeds the held bytes to the record parser, with their provenance.
    fn replay_scan(&mut self, config: &StreamConfig, shared: &mut Shared, out: &mut dyn FnMut(Event<'_>)) {
        let held = std::mem::take(&mut self.scan);
        let mut start = 0;
        for &(end, frame, delivered_in) in &held.spans {
            let chunk = Chunk { bytes: &held.bytes[start..end], frame, delivered_in };
            self.feed(config, shared, chunk, out);
            start = end;
        }
        self.scan = held;
        self.scan.clear();
    }

    /// A plain-text stream: notes upgrade commands, and switches to TLS when a
    /// handshake record starts a segment after one.
    fn watch_plaintext(
        &mut self,
        config: &StreamConfig,
        shared: &mut Shared,
        chunk: Chunk<'_>,
        out: &mut dyn FnMut(Event<'_>),
    ) {
        if let Some(protocol) = shared.upgrade {
            if starts_with_handshake_record(chunk.bytes) {
                self.mode = Mode::Tls;
                self.anomaly(chunk.delivered_in, AnomalyKind::StartTls { protocol }, out);
                self.feed_records(config, shared, chunk, out);
                return;
            }
        }
        if self.side == Side::Client && shared.upgrade.is_none() {
            shared.upgrade = upgrade_command(chunk.bytes, self.looked_at == 0);
        }
        self.looked_at += chunk.bytes.len();
        if self.looked_at > config.detect_limit {
            self.mode = Mode::Ignored;
        }
    }

    fn feed_records(
        &mut self,
        config: &StreamConfig,
        shared: &mut Shared,
        chunk: Chunk<'_>,
        out: &mut dyn FnMut(Event<'_>),
    ) {
        let mut bytes = chunk.bytes;
        while !bytes.is_empty() {
            if self.mode != Mode::Tls {
                let rest = Chunk { bytes, ..chunk };
                return self.feed(config, shared, rest, out);
            }
            let Some(current) = self.current.as_mut() else {
                let take = (HEADER_LEN - self.head_len).min(bytes.len());
                self.head[self.head_len..self.head_len + take].copy_from_slice(&bytes[..take]);
                self.head_len += take;
                bytes = &bytes[take..];
                if self.head_len == HEADER_LEN {
                    self.head_len = 0;
                    self.start_record(shared, chunk, out);
                    self.record_frames.clear();
                    self.record_frames.push(chunk.frame);
                }
                continue;
            };
            let take = current.remaining.min(bytes.len());
            if current.keep_body {
                self.body.push(&bytes[..take], chunk.frame, chunk.delivered_in);
            }
            current.remaining -= take;
            bytes = &bytes[take..];
            if self.record_frames.last() != Some(&chunk.frame) {
                self.record_frames.push(chunk.frame);
            }
            if current.remaining == 0 {
                self.complete_record(config, shared, chunk.delivered_in, out);
            }
        }
    }

    fn start_record(&mut self, shared: &mut Shared, chunk: Chunk<'_>, out: &mut dyn FnMut(Event<'_>)) {
        let header = RecordHeader::parse(self.head);
        if !header.is_plausible() {
            self.anomaly(chunk.delivered_in, AnomalyKind::BadRecordHeader { bytes: self.head }, out);
            self.mode = Mode::Resync;
            self.handshake.clear();
            // The header's first byte is not a boundary; the search starts after it.
            self.scan.push(&self.head[1..], chunk.frame, chunk.delivered_in);
            self.skipped = 1;
            return;
        }
        // The latest: a ClientHello's record often says TLS 1.0, the records after it not.
        self.record_version = Some(header.version);
        let encrypted = match header.content_type {
            record::APPLICATION_DATA => true,
            // A renegotiation's ChangeCipherSpec travels encrypted like any record after the first.
            record::CHANGE_CIPHER_SPEC => !shared.negotiated.is_tls13() && self.after_ccs,
            // A plain alert is 2 bytes: a longer one was encrypted, even when this side's
            // ChangeCipherSpec was lost in a gap, or the capture holds only the connection's
            // end (as Wireshark shows it: "Encrypted Alert").
            record::ALERT if header.length != 2 => true,
            _ => !shared.negotiated.is_tls13() && self.after_ccs,
        };
        self.current = Some(Current {
            header,
            remaining: usize::from(header.length),
            keep_body: !encrypted || shared.opener.is_some(),
            encrypted,
            damaged: false,
        });
    }

    fn complete_record(
        &mut self,
        config: &StreamConfig,
        shared: &mut Shared,
        frame: u64,
        out: &mut dyn FnMut(Event<'_>),
    ) {
        let Some(current) = self.current.take() else {
            return;
        };
        let header = current.header;
        let tls13 = header.content_type == record::APPLICATION_DATA
            && (shared.negotiated.is_tls13()
                || (self.side == Side::Client && shared.early_data_offered && shared.negotiated.version.is_none()));
        let encrypted = current.encrypted;
        let event = RecordEvent { side: self.side, frame, header, encrypted, tls13, partial_handshake: None };
        out(Event::Record(event));
        if current.damaged {
            self.body.clear();
            return;
        }
        let mut body = std::mem::take(&mut self.body);
        let mut decrypted = false;
        if current.encrypted {
            let opened = shared.opener.as_mut().and_then(|o| o.open(self.side, header, &body.bytes));
            match opened {
                Some(Ok(opened)) => {
                    // The plaintext keeps the provenance of the record's last bytes.
                    let (origin, _) = body.spans.last().map_or((frame, frame), |s| (s.1, s.2));
                    body.clear();
                    body.push(&opened.data, origin, frame);
                    self.dispatch(config, shared, header.version, opened.content_type, &body, true, frame, out);
                    decrypted = true;
                }
                Some(Err(reason)) => self.anomaly(frame, AnomalyKind::DecryptFailed { reason }, out),
                None => {}
            }
            if !decrypted {
                let kind = MessageKind::Encrypted { content_type: header.content_type, length: header.length };
                self.emit(shared, header.version, frame, false, kind, out);
            }
        } else {
            self.dispatch(config, shared, header.version, header.content_type, &body, false, frame, out);
        }
        body.clear();
        self.body = body;
    }

    fn emit(
        &self,
        shared: &Shared,
        version: u16,
        frame: u64,
        decrypted: bool,
        kind: MessageKind<'_>,
        out: &mut dyn FnMut(Event<'_>),
    ) {
        out(Event::Message(Message {
            side: self.side,
            frame,
            frames: &self.record_frames,
            record_version: version,
            negotiated: shared.negotiated,
            decrypted,
            message_seq: None,
            kind,
        }))
    }

    /// A record's content, in clear or decrypted, by its (inner) content type.
    #[allow(clippy::too_many_arguments)]
    fn dispatch(
        &mut self,
        config: &StreamConfig,
        shared: &mut Shared,
        version: u16,
        content_type: u8,
        body: &Provenanced,
        decrypted: bool,
        frame: u64,
        out: &mut dyn FnMut(Event<'_>),
    ) {
        match content_type {
            record::HANDSHAKE => {
                self.take_handshake_bytes(body);
                self.handshake_decrypted = decrypted;
                self.split_handshake_messages(config, shared, version, frame, out);
            }
            record::CHANGE_CIPHER_SPEC if body.bytes == [1] => {
                self.emit(shared, version, frame, decrypted, MessageKind::ChangeCipherSpec, out);
                if let Some(opener) = shared.opener.as_mut() {
                    opener.change_cipher_spec(self.side);
                }
                if !shared.negotiated.is_tls13() {
                    self.after_ccs = true;
                }
            }
            record::ALERT if body.len().is_multiple_of(2) => {
                for alert in body.bytes.chunks_exact(2) {
                    let kind = MessageKind::Alert { level: alert[0], description: alert[1] };
                    self.emit(shared, version, frame, decrypted, kind, out);
                }
            }
            record::HEARTBEAT => {
                self.emit(shared, version, frame, decrypted, MessageKind::Heartbeat { raw: &body.bytes }, out)
            }
            record::APPLICATION_DATA if decrypted => {
                self.emit(shared, version, frame, true, MessageKind::ApplicationData { data: &body.bytes }, out)
            }
            content_type => {
                let length = body.len().min(usize::from(u16::MAX)) as u16;
                self.anomaly(frame, AnomalyKind::BadRecordContent { content_type, length }, out);
            }
        }
    }

    /// Appends a handshake record's body, minus what an oversized message skips.
    fn take_handshake_bytes(&mut self, body: &Provenanced) {
        let mut start = 0;
        for &(end, frame, delivered_in) in &body.spans {
            let mut piece = &body.bytes[start..end];
            start = end;
            let skip = self.handshake_skip.min(piece.len());
            self.handshake_skip -= skip;
            piece = &piece[skip..];
            self.handshake.push(piece, frame, delivered_in);
        }
    }

    fn split_handshake_messages(
        &mut self,
        config: &StreamConfig,
        shared: &mut Shared,
        record_version: u16,
        frame: u64,
        out: &mut dyn FnMut(Event<'_>),
    ) {
        while self.handshake.len() >= 4 {
            let b = &self.handshake.bytes;
            let typ = b[0];
            let len = u32::from_be_bytes([0, b[1], b[2], b[3]]);
            let total = 4 + len as usize;
            if len as usize > config.max_message_len {
                self.anomaly(frame, AnomalyKind::OversizedMessage { typ, length: len }, out);
                self.handshake_skip = total.saturating_sub(self.handshake.len());
                self.skipped_message = total;
                self.handshake.clear();
                return;
            }
            if self.handshake.len() < total {
                return;
            }
            let raw = &self.handshake.bytes[..total];
            match typ {
                1 => shared.early_data_offered = hello_extensions(raw, true).any(|(t, _)| t == EARLY_DATA),
                2 => {
                    if let Some(choice) = server_hello_choice(raw) {
                        shared.negotiated = choice;
                    }
                }
                _ => {}
            }
            if let Some(opener) = shared.opener.as_mut() {
                opener.handshake(self.side, typ, raw);
            }
            self.handshake.frames_until(total, &mut self.frames);
            out(Event::Message(Message {
                side: self.side,
                frame,
                frames: &self.frames,
                record_version,
                negotiated: shared.negotiated,
                decrypted: self.handshake_decrypted,
                message_seq: None,
                kind: MessageKind::Handshake { typ, raw },
            }));
            self.handshake.consume(total);
        }
    }

    fn gap(&mut self, missing: u64, frame: u64, out: &mut dyn FnMut(Event<'_>)) {
        let cost = match self.mode {
            Mode::Tls => match self.current.as_mut() {
                Some(current) if self.head_len == 0 && missing <= current.remaining as u64 => {
                    current.remaining -= missing as usize;
                    if current.keep_body {
                        current.damaged = true;
                        self.handshake.clear();
                        GapCost::Record
                    } else {
                        GapCost::Nothing
                    }
                }
                _ => {
                    self.current = None;
                    self.head_len = 0;
                    self.body.clear();
                    self.handshake.clear();
                    self.mode = Mode::Resync;
                    self.skipped = 0;
                    GapCost::Sync
                }
            },
            Mode::Resync | Mode::Detect => {
                self.scan.clear();
                self.mode = Mode::Resync;
                GapCost::Sync
            }
            // SSL 2.0 is not searched for again: its headers are too weak to find.
            Mode::Sslv2 => {
                self.scan.clear();
                self.mode = Mode::Ignored;
                GapCost::Sync
            }
            Mode::Plaintext | Mode::Ignored => return,
        };
        self.anomaly(frame, AnomalyKind::Gap { missing, cost }, out);
        // A record the gap ended exactly is finished: nothing of it can be shown.
        if self.current.as_ref().is_some_and(|c| c.remaining == 0) {
            self.current = None;
            self.body.clear();
        }
    }

    /// Looks for a record boundary: a plausible header whose record is followed by
    /// another plausible header (or, at the end of the stream, by nothing).
    fn resync(&mut self, config: &StreamConfig, shared: &mut Shared, at_end: bool, out: &mut dyn FnMut(Event<'_>)) {
        // Record versions this stream may use from here: its own latest, and what the
        // negotiated version puts on the wire (TLS 1.3 records say TLS 1.2).
        let negotiated = shared.negotiated.version.map(|v| if shared.negotiated.is_tls13() { 0x0303 } else { v });
        let known: Vec<u16> = self.record_version.into_iter().chain(negotiated).collect();
        let bytes = &self.scan.bytes;
        let mut p = 0;
        let mut found = false;
        while p + HEADER_LEN <= bytes.len() {
            let header = header_at(bytes, p);
            if header.is_plausible_resync(&known) {
                let next = p + HEADER_LEN + usize::from(header.length);
                if next + HEADER_LEN <= bytes.len() {
                    if header_at(bytes, next).is_plausible_resync(&known) {
                        found = true;
                        break;
                    }
                } else if at_end && next == bytes.len() {
                    found = true;
                    break;
                } else if !at_end {
                    break; // wait for the bytes that confirm or refute it
                }
            }
            p += 1;
        }
        if !found && !at_end {
            p = p.min(bytes.len().saturating_sub(HEADER_LEN - 1));
        }
        self.skipped += p as u64;
        self.looked_at += p;
        // The frame holding the boundary that was found.
        let frame = self.scan.spans.iter().find(|s| s.0 > p).map_or(self.last_frame, |s| s.2);
        self.scan.consume(p);
        if found {
            if self.skipped > 0 {
                self.anomaly(frame, AnomalyKind::Resynchronised { skipped: self.skipped }, out);
            }
            self.skipped = 0;
            self.mode = Mode::Tls;
            self.replay_scan(config, shared, out);
        } else if self.record_version.is_none() && self.looked_at > config.detect_limit {
            // Picked up mid-stream and no TLS in sight: not a TLS connection.
            self.mode = Mode::Ignored;
            self.scan.clear();
        }
    }

    fn finish(&mut self, config: &StreamConfig, shared: &mut Shared, out: &mut dyn FnMut(Event<'_>)) {
        if self.mode == Mode::Resync && !self.scan.bytes.is_empty() {
            self.resync(config, shared, true, out);
        }
        let frame = self.last_frame;
        if self.mode == Mode::Sslv2 && self.scan.len() > 0 {
            let have = self.scan.len() as u64;
            let need = sslv2::record_header(&self.scan.bytes).map_or(3, |(head, length, _)| (head + length) as u64);
            self.anomaly(frame, AnomalyKind::TruncatedAtEnd { what: "SSL 2.0 record", have, need }, out);
            self.scan.clear();
        }
        if let Some(current) = self.current.take() {
            let need = u64::from(current.header.length);
            let have = need - current.remaining as u64;
            self.anomaly(frame, AnomalyKind::TruncatedAtEnd { what: "record", have, need }, out);
        } else if self.head_len > 0 && self.mode == Mode::Tls {
            let kind = AnomalyKind::TruncatedAtEnd { what: "record header", have: self.head_len as u64, need: 5 };
            self.anomaly(frame, kind, out);
        }
        if self.handshake_skip > 0 {
            let need = self.skipped_message as u64;
            let have = need.saturating_sub(self.handshake_skip as u64);
            self.anomaly(frame, AnomalyKind::TruncatedAtEnd { what: "handshake message", have, need }, out);
        } else if self.handshake.len() > 0 {
            let have = self.handshake.len() as u64;
            let b = &self.handshake.bytes;
            let need = match b.len() {
                4.. => 4 + u64::from(u32::from_be_bytes([0, b[1], b[2], b[3]])),
                _ => 4,
            };
            self.anomaly(frame, AnomalyKind::TruncatedAtEnd { what: "handshake message", have, need }, out);
        }
        self.handshake.clear();
        self.mode = Mode::Ignored;
    }
}

fn header_at(bytes: &[u8], p: usize) -> RecordHeader {
    let mut head = [0; HEADER_LEN];
    head.copy_from_slice(&bytes[p..p + HEADER_LEN]);
    RecordHeader::parse(head)
}

fn starts_with_handshake_record(bytes: &[u8]) -> bool {
    match bytes {
        [a, b, c, d, e, ..] => {
            let header = RecordHeader::parse([*a, *b, *c, *d, *e]);
            header.content_type == record::HANDSHAKE && header.is_plausible()
        }
        _ => false,
    }
}

/// The protocol whose STARTTLS-style command this client segment carries, if any.
fn upgrade_command(bytes: &[u8], stream_start: bool) -> Option<&'static str> {
    // PostgreSQL SSLRequest: length 8, code 80877103.
    if stream_start && bytes == [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f] {
        return Some("postgresql");
    }
    // An HTTP proxy's tunnel: TLS follows the proxy's answer.
    if stream_start && bytes.starts_with(b"CONNECT ") {
        return Some("http-connect");
    }
    // Commands are short lines; large segments are payload, not commands.
    if bytes.len() > 128 {
        return None;
    }
    let line = String::from_utf8_lossy(bytes).to_ascii_uppercase();
    let line = line.trim_end();
    let words: Vec<&str> = line.split_ascii_whitespace().collect();
    match words.as_slice() {
        ["STARTTLS"] => Some("smtp"),
        [_tag, "STARTTLS"] => Some("imap"),
        ["STLS"] => Some("pop3"),
        ["AUTH", "TLS" | "SSL" | "TLS-C"] => Some("ftp"),
        _ if line.starts_with("<STARTTLS") => Some("xmpp"),
        _ => None,
    }
}

const SUPPORTED_VERSIONS: u16 = 43;
const EARLY_DATA: u16 = 42;

/// The extensions of a ClientHello (`client`) or ServerHello, as (type, data); empty
/// when the hello is malformed. The stream layer needs only these few facts; the full
/// decoding is `messages`'.
fn hello_extensions(raw: &[u8], client: bool) -> impl Iterator<Item = (u16, &[u8])> {
    let mut r = Reader::new(raw.get(4..).unwrap_or_default());
    let start = r.take(2 + 32, "version and random").and_then(|_| r.vec8("session id"));
    let middle = if client {
        start.and_then(|_| r.vec16("cipher suites")).and_then(|_| r.vec8("compression methods"))
    } else {
        start.and_then(|_| r.take(3, "cipher suite and compression"))
    };
    let mut exts = match middle.and_then(|_| r.sub16("extensions")) {
        Ok(exts) => exts,
        Err(_) => Reader::new(&[]),
    };
    std::iter::from_fn(move || Some((exts.u16("type").ok()?, exts.vec16("data").ok()?)))
}

/// The version and cipher suite a ServerHello (or HelloRetryRequest) selects.
fn server_hello_choice(raw: &[u8]) -> Option<Negotiated> {
    let legacy = u16::from_be_bytes([*raw.get(4)?, *raw.get(5)?]);
    let mut r = Reader::new(raw.get(4 + 2 + 32..)?);
    r.vec8("session id").ok()?;
    let suite = r.u16("cipher suite").ok()?;
    let version = hello_extensions(raw, false)
        .find(|(t, data)| *t == SUPPORTED_VERSIONS && data.len() == 2)
        .map_or(legacy, |(_, d)| u16::from_be_bytes([d[0], d[1]]));
    Some(Negotiated { version: Some(version), cipher_suite: Some(suite) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events as short strings: "R22@3" a record, "H1@3[1,2]" a handshake message with its
    /// frames, "CCS@4", "A2.51@5" an alert, "E23@6" an encrypted record, "!..." anomalies.
    #[derive(Default)]
    struct Log(Vec<String>);

    impl Log {
        fn take(&mut self, e: Event<'_>) {
            let line = match e {
                Event::Record(r) => format!("R{}@{}", r.header.content_type, r.frame),
                Event::Message(m) => match m.kind {
                    MessageKind::Handshake { typ, raw } => {
                        format!("H{typ}@{}{:?}len{}", m.frame, m.frames, raw.len())
                    }
                    MessageKind::Sslv2ClientHello { raw } => {
                        format!("SSLv2@{}len{}", m.frame, raw.len())
                    }
                    MessageKind::ChangeCipherSpec => format!("CCS@{}", m.frame),
                    MessageKind::Alert { level, description } => {
                        format!("A{level}.{description}@{}", m.frame)
                    }
                    MessageKind::Heartbeat { .. } => format!("HB@{}", m.frame),
                    MessageKind::Sslv2 { msg_type, .. } => format!("S2.{msg_type}@{}", m.frame),
                    MessageKind::Sslv2Encrypted { length } => format!("S2E{length}@{}", m.frame),
                    MessageKind::ApplicationData { data } => format!("D{}@{}", String::from_utf8_lossy(data), m.frame),
                    MessageKind::Encrypted { content_type, .. } => {
                        format!("E{content_type}@{}", m.frame)
                    }
                    // The TLS stream parser makes neither (QUIC's layer does).
                    MessageKind::StreamData { .. } | MessageKind::Quic(_) => unreachable!(),
                },
                Event::Anomaly(a) => format!("!{:?}@{}", a.kind, a.frame),
            };
            // Records are noise in most tests; keep them only where asked.
            self.0.push(line);
        }

        fn without_records(&self) -> Vec<&str> {
            self.0.iter().filter(|l| !l.starts_with('R')).map(|s| s.as_str()).collect()
        }
    }

    fn record(ct: u8, version: u16, body: &[u8]) -> Vec<u8> {
        let mut r = vec![ct];
        r.extend_from_slice(&version.to_be_bytes());
        r.extend_from_slice(&(body.len() as u16).to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    fn handshake(typ: u8, body_len: usize) -> Vec<u8> {
        let mut m = vec![typ, 0, (body_len >> 8) as u8, body_len as u8];
        m.extend(std::iter::repeat_n(0xab, body_len));
        m
    }

    fn server_hello(version_ext: Option<u16>) -> Vec<u8> {
        let mut body = vec![3, 3];
        body.extend([0x11; 32]);
        body.push(0);
        body.extend([0x13, 0x01, 0]);
        if let Some(v) = version_ext {
            body.extend([0, 6, 0, 43, 0, 2]);
            body.extend(v.to_be_bytes());
        }
        let mut m = vec![2, 0, 0, body.len() as u8];
        m.extend(body);
        m
    }

    struct Run {
        conn: TlsConnection,
        log: Log,
        frame: u64,
    }

    impl Run {
        fn new(start_seen: bool) -> Self {
            Run { conn: TlsConnection::new(StreamConfig::default(), start_seen), log: Log::default(), frame: 0 }
        }

        fn send(&mut self, side: Side, bytes: &[u8]) {
            self.frame += 1;
            let chunk = Chunk { bytes, frame: self.frame, delivered_in: self.frame };
            let log = &mut self.log;
            self.conn.data(side, chunk, &mut |e| log.take(e));
        }

        fn gap(&mut self, side: Side, missing: u64) {
            let log = &mut self.log;
            self.conn.gap(side, missing, self.frame, &mut |e| log.take(e));
        }

        fn finish(&mut self) {
            let log = &mut self.log;
            self.conn.finish(&mut |e| log.take(e));
        }
    }

    #[test]
    fn a_message_across_records_and_segments_is_shown_in_the_frame_that_completes_it() {
        let cert = handshake(11, 3000);
        let mut wire = record(22, 0x0303, &cert[..1000]);
        wire.extend(record(22, 0x0303, &cert[1000..2500]));
        wire.extend(record(22, 0x0303, &[&cert[2500..], &handshake(16, 70)[..], &handshake(15, 260)[..]].concat()));
        let mut run = Run::new(true);
        run.send(Side::Client, &wire[..1400]);
        run.send(Side::Client, &wire[1400..2900]);
        run.send(Side::Client, &wire[2900..]);
        assert_eq!(run.log.0, ["R22@1", "R22@2", "R22@3", "H11@3[1, 2, 3]len3004", "H16@3[3]len74", "H15@3[3]len264"]);
    }

    #[test]
    fn after_change_cipher_spec_a_tls12_handshake_record_is_encrypted() {
        let mut run = Run::new(true);
        run.send(Side::Server, &record(22, 0x0303, &server_hello(None)));
        let mut flight = record(20, 0x0303, &[1]);
        flight.extend(record(22, 0x0303, &[0x55; 40]));
        run.send(Side::Client, &flight);
        run.send(Side::Client, &record(21, 0x0303, &[0x77; 26]));
        assert_eq!(run.log.without_records(), ["H2@1[1]len42", "CCS@2", "E22@2", "E21@3"]);
        assert_eq!(run.conn.negotiated().version, Some(0x0303));
    }

    #[test]
    fn tls13_compatibility_change_cipher_spec_does_not_hide_the_second_client_hello() {
        let mut run = Run::new(true);
        run.send(Side::Client, &record(22, 0x0301, &handshake(1, 200)));
        run.send(Side::Server, &record(22, 0x0303, &server_hello(Some(0x0304))));
        let mut flight = record(20, 0x0303, &[1]);
        flight.extend(record(22, 0x0303, &handshake(1, 220)));
        run.send(Side::Client, &flight);
        run.send(Side::Client, &record(21, 0x0303, &[2, 40]));
        assert_eq!(run.log.without_records(), ["H1@1[1]len204", "H2@2[2]len50", "CCS@3", "H1@3[3]len224", "A2.40@4"]);
        assert!(run.conn.negotiated().is_tls13());
    }

    #[test]
    fn a_gap_inside_application_data_costs_nothing() {
        let mut run = Run::new(true);
        let data = record(23, 0x0303, &[0; 3000]);
        run.send(Side::Client, &data[..1000]);
        run.gap(Side::Client, 1000);
        run.send(Side::Client, &[&data[2000..], &record(21, 0x0303, &[1, 0])[..]].concat());
        assert_eq!(run.log.0, ["!Gap { missing: 1000, cost: Nothing }@1", "R23@2", "E23@2", "R21@2", "A1.0@2"]);
    }

    #[test]
    fn a_gap_across_a_record_boundary_is_resynchronised_at_the_next_records() {
        let mut run = Run::new(true);
        let mut wire = record(23, 0x0303, &[7; 100]);
        wire.extend(record(23, 0x0303, &[0x17, 3, 3, 1, 1, 9, 9]));
        wire.extend(record(23, 0x0303, &[5; 50]));
        wire.extend(record(21, 0x0303, &[2, 51]));
        run.send(Side::Client, &wire[..50]);
        run.gap(Side::Client, 60);
        run.send(Side::Client, &wire[110..]);
        run.finish();
        assert_eq!(
            run.log.without_records(),
            ["!Gap { missing: 60, cost: Sync }@1", "!Resynchronised { skipped: 7 }@2", "E23@2", "A2.51@2"]
        );
    }

    #[test]
    fn starttls_upgrade_is_followed() {
        let mut run = Run::new(true);
        run.send(Side::Server, b"220 mail.example ESMTP\r\n");
        run.send(Side::Client, b"EHLO client\r\n");
        run.send(Side::Server, b"250-mail.example\r\n250 STARTTLS\r\n");
        run.send(Side::Client, b"STARTTLS\r\n");
        run.send(Side::Server, b"220 Ready to start TLS\r\n");
        run.send(Side::Client, &record(22, 0x0301, &handshake(1, 100)));
        run.send(Side::Server, &record(22, 0x0303, &server_hello(None)));
        assert_eq!(
            run.log.without_records(),
            [
                "!StartTls { protocol: \"smtp\" }@6",
                "H1@6[6]len104",
                "!StartTls { protocol: \"smtp\" }@7",
                "H2@7[7]len42"
            ]
        );
    }

    #[test]
    fn plain_text_without_upgrade_is_not_tls() {
        let mut run = Run::new(true);
        run.send(Side::Client, b"GET / HTTP/1.1\r\n\r\n");
        run.send(Side::Client, &record(22, 0x0301, &handshake(1, 100)));
        run.finish();
        assert!(run.log.0.is_empty(), "{:?}", run.log.0);
    }

    #[test]
    fn mid_stream_pickup_finds_record_boundaries() {
        let mut run = Run::new(false);
        let mut wire = vec![0xee; 33];
        wire.extend(record(23, 0x0303, &[1; 20]));
        wire.extend(record(23, 0x0303, &[2; 20]));
        run.send(Side::Server, &wire);
        run.finish();
        assert_eq!(run.log.without_records(), ["!Resynchronised { skipped: 33 }@1", "E23@1", "E23@1"]);
    }

    #[test]
    fn an_oversized_message_is_reported_and_skipped() {
        let config = StreamConfig { max_message_len: 1000, ..StreamConfig::default() };
        let mut run = Run::new(true);
        run.conn = TlsConnection::new(config, true);
        let big = handshake(11, 5000);
        let mut wire = record(22, 0x0303, &big[..4000]);
        wire.extend(record(22, 0x0303, &[&big[4000..], &handshake(14, 0)[..]].concat()));
        run.send(Side::Server, &wire);
        assert_eq!(run.log.without_records(), ["!OversizedMessage { typ: 11, length: 5000 }@1", "H14@1[1]len4"]);
    }

    #[test]
    fn the_end_of_the_capture_inside_a_message_is_reported() {
        let mut run = Run::new(true);
        let wire = record(22, 0x0303, &handshake(11, 3000)[..2000]);
        run.send(Side::Client, &wire[..1500]);
        run.finish();
        assert_eq!(run.log.0, ["!TruncatedAtEnd { what: \"record\", have: 1495, need: 2000 }@1"]);
    }

    #[test]
    fn sslv2_client_hello_is_recognised() {
        let mut hello = vec![0x80, 0x1f, 1, 3, 1, 0, 6, 0, 0, 0, 16];
        hello.extend([0, 0, 4, 0, 0, 5]);
        hello.extend([0x42; 16]);
        let mut run = Run::new(true);
        run.send(Side::Client, &hello);
        run.send(Side::Server, &record(22, 0x0301, &server_hello(None)));
        assert_eq!(run.log.without_records(), ["SSLv2@1len31", "H2@2[2]len42"]);
    }

    #[test]
    fn a_server_that_answers_in_ssl2_is_read_as_ssl2_to_the_end() {
        let mut hello = vec![0x80, 0x1f, 1, 0, 2, 0, 6, 0, 0, 0, 16];
        hello.extend([1, 0, 0x80, 7, 0, 0xc0]);
        hello.extend([0x42; 16]);
        let mut server_hello = vec![0x80, 0, 4, 0, 1, 0, 2, 0, 2, 0, 3, 0, 2, 0x30, 0, 1, 0, 0x80, 9, 9];
        server_hello[1] = (server_hello.len() - 2) as u8;
        let mut run = Run::new(true);
        run.send(Side::Client, &hello);
        // The SERVER-HELLO split before its third byte: the answer is told from 7 bytes.
        run.send(Side::Server, &server_hello[..2]);
        run.send(Side::Server, &server_hello[2..]);
        run.send(Side::Client, &[0x80, 0x0c, 2, 1, 0, 0x80, 0, 0, 0, 2, 0, 0, 5, 5]);
        run.send(Side::Server, &[0x80, 0x03, 0xee, 0xee, 0xee]);
        // A 3-byte header (block cipher, with padding) from the client.
        run.send(Side::Client, &[0x00, 0x08, 0x03, 1, 2, 3, 4, 5, 6, 7, 8]);
        run.send(Side::Server, &[0x80, 0x00]);
        run.finish();
        let log: Vec<String> = run.log.0.iter().map(|l| l.replace(" ", "")).collect();
        assert_eq!(
            log,
            ["SSLv2@1len31", "S2.4@3", "S2.2@4", "S2E3@5", "S2E8@6", "!BadRecordHeader{bytes:[128,0,0,0,0]}@7",]
        );
    }

    #[test]
    fn an_ssl2_error_is_the_whole_answer() {
        let mut hello = vec![0x80, 0x1f, 1, 0, 2, 0, 6, 0, 0, 0, 16];
        hello.extend([1, 0, 0x80, 7, 0, 0xc0]);
        hello.extend([0x42; 16]);
        let mut run = Run::new(true);
        run.send(Side::Client, &hello);
        run.send(Side::Server, &[0x80, 3, 0, 0, 1]);
        run.finish();
        assert_eq!(run.log.0, ["SSLv2@1len31", "S2.0@2"]);
    }

    /// "Decrypts" by XOR with 0x55 once the side sent ChangeCipherSpec; the first byte of
    /// a ciphertext is the inner content type; a record starting with 0xff fails.
    #[derive(Default)]
    struct XorOpener {
        active: [bool; 2],
        seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    }

    impl RecordOpener for XorOpener {
        fn handshake(&mut self, side: Side, typ: u8, _raw: &[u8]) {
            self.seen.lock().unwrap().push(format!("{side:?}:{typ}"));
        }
        fn change_cipher_spec(&mut self, side: Side) {
            self.active[side.index()] = true;
        }
        fn open(&mut self, side: Side, _header: RecordHeader, body: &[u8]) -> Option<Result<Opened, String>> {
            if !self.active[side.index()] {
                return None;
            }
            match body.split_first() {
                Some((0xff, _)) => Some(Err("bad tag".to_string())),
                Some((&content_type, rest)) => {
                    Some(Ok(Opened { content_type, data: rest.iter().map(|b| b ^ 0x55).collect() }))
                }
                None => None,
            }
        }
    }

    fn sealed(content_type: u8, plain: &[u8]) -> Vec<u8> {
        let mut body = vec![content_type];
        body.extend(plain.iter().map(|b| b ^ 0x55));
        record(23, 0x0303, &body)
    }

    #[test]
    fn an_opener_decrypts_after_change_cipher_spec_and_hears_the_handshake() {
        let opener = XorOpener::default();
        let seen = opener.seen.clone();
        let mut run = Run::new(true);
        run.conn = TlsConnection::with_opener(StreamConfig::default(), true, Box::new(opener));
        run.send(Side::Server, &record(22, 0x0303, &server_hello(None)));
        let mut flight = record(20, 0x0303, &[1]);
        flight.extend(sealed(22, &handshake(20, 12)));
        run.send(Side::Client, &flight);
        run.send(Side::Client, &sealed(23, b"GET /"));
        run.send(Side::Server, &record(20, 0x0303, &[1]));
        run.send(Side::Server, &record(23, 0x0303, &[0xff, 1, 2]));
        run.send(Side::Server, &record(23, 0x0303, &[23, 1, 2]));
        assert_eq!(
            run.log.without_records(),
            [
                "H2@1[1]len42",
                "CCS@2",
                "H20@2[2]len16",
                "DGET /@3",
                "CCS@4",
                "!DecryptFailed { reason: \"bad tag\" }@5",
                "E23@5",
                "DTW@6"
            ]
        );
        assert_eq!(*seen.lock().unwrap(), ["Server:2", "Client:20"]);
    }
}
