//! Both directions of one DTLS association -> TLS records and messages, told with the
//! events of TLS over TCP. A datagram holds whole records; a record's epoch says whether
//! keys are needed to read it, so nothing is inferred from ChangeCipherSpec.

use tlsdoctor_tcp::Side;
use tlsdoctor_tls::messages::{parse_handshake, HandshakeBody, ParseContext};
use tlsdoctor_tls::record::{RecordHeader, ALERT, APPLICATION_DATA, CHANGE_CIPHER_SPEC, HANDSHAKE, HEARTBEAT};
use tlsdoctor_tls::registry::{ExtensionType, HandshakeType};
use tlsdoctor_tls::stream::{
    Anomaly, AnomalyKind, Event, Message, MessageKind, Negotiated, Opened, RecordEvent, RecordOpener, StreamConfig,
};

use crate::fragments::{self, Delivery, Reassembly};
use crate::record::{self, DtlsRecord, RecordError, ACK};
use crate::unified;

/// DTLS 1.3 epochs whose sequence numbers each side's reader keeps.
const MAX_EPOCHS_KEPT: usize = 4;

/// One DTLS association's parser.
pub struct DtlsConnection {
    config: StreamConfig,
    dirs: [Direction; 2],
    negotiated: Negotiated,
    opener: Option<Box<dyn RecordOpener + Send>>,
}

#[derive(Default)]
struct Direction {
    reassembly: Reassembly,
    /// The length of the connection IDs this side's records carry (RFC 9146): the one
    /// its peer asked for in its hello, once both hellos agreed to use them.
    cid_len: Option<usize>,
    /// The connection ID this side asked to receive, from its hello.
    asked_cid: Option<usize>,
    /// Sent a record that needs keys (epoch > 0 or a unified header).
    protected: bool,
    /// DTLS 1.3: the highest epoch this side's records were opened in (0: none yet).
    epoch: u64,
    /// DTLS 1.3: per recent epoch, one past the highest sequence number opened in it.
    next_sequence: Vec<(u64, u64)>,
    /// DTLS 1.3: a record of this side did not open (told once).
    failed: bool,
    datagrams: u64,
    last_frame: u64,
}

/// A record's content, in clear or decrypted.
struct Content<'a> {
    side: Side,
    frame: u64,
    content_type: u8,
    version: u16,
    body: &'a [u8],
    decrypted: bool,
}

impl DtlsConnection {
    pub fn new(config: StreamConfig) -> Self {
        DtlsConnection { config, dirs: Default::default(), negotiated: Negotiated::default(), opener: None }
    }

    /// A parser that asks `opener` to decrypt the records after epoch 0: DTLS 1.0 and 1.2
    /// records, and DTLS 1.3's under unified headers with the keys of their epoch.
    pub fn with_opener(config: StreamConfig, opener: Box<dyn RecordOpener + Send>) -> Self {
        DtlsConnection { opener: Some(opener), ..DtlsConnection::new(config) }
    }

    pub fn negotiated(&self) -> Negotiated {
        self.negotiated
    }

    /// Both sides went past epoch 0: their handshake got as far as changing keys.
    pub fn keys_changed(&self) -> bool {
        self.dirs.iter().all(|d| d.protected)
    }

    /// Datagrams `side` sent that held DTLS.
    pub fn datagrams(&self, side: Side) -> u64 {
        self.dirs[side.index()].datagrams
    }

    /// One datagram of `side`, which arrived in `frame`.
    pub fn datagram(&mut self, side: Side, payload: &[u8], frame: u64, out: &mut dyn FnMut(Event<'_>)) {
        let i = side.index();
        self.dirs[i].datagrams += 1;
        self.dirs[i].last_frame = frame;
        let anomaly = |kind| Event::Anomaly(Anomaly { side, frame, kind });
        for parsed in record::records(payload, self.dirs[i].cid_len) {
            let r = match parsed {
                Ok(r) => r,
                Err(RecordError::BadHeader(bytes)) => return out(anomaly(AnomalyKind::BadRecordHeader { bytes })),
                Err(RecordError::Truncated { need, have }) => {
                    let kind = AnomalyKind::TruncatedAtEnd { what: "record", have: have as u64, need: need as u64 };
                    return out(anomaly(kind));
                }
            };
            self.record(side, &r, frame, out);
        }
    }

    fn record(&mut self, side: Side, r: &DtlsRecord<'_>, frame: u64, out: &mut dyn FnMut(Event<'_>)) {
        let length = r.body.len() as u16;
        let header = RecordHeader { content_type: r.content_type, version: r.version, length };
        let encrypted = r.is_protected();
        let partial_handshake = if r.content_type == HANDSHAKE && !encrypted {
            self.dirs[side.index()].reassembly.partial(r.body)
        } else {
            None
        };
        out(Event::Record(RecordEvent { side, frame, header, encrypted, tls13: r.unified, partial_handshake }));
        let content =
            Content { side, frame, content_type: r.content_type, version: r.version, body: r.body, decrypted: false };
        if !encrypted {
            return self.content(&content, out);
        }
        self.dirs[side.index()].protected = true;
        let opened = match self.opener.as_mut() {
            Some(_) if r.unified => self.open_unified(side, r),
            Some(opener) => {
                let (sequence, header) = mac_input(r, header);
                opener.dtls_sequence(side, sequence);
                opener.open(side, header, r.body)
            }
            None => None,
        };
        match opened {
            Some(Ok(opened)) => {
                let content =
                    Content { content_type: opened.content_type, body: &opened.data, decrypted: true, ..content };
                return self.content(&content, out);
            }
            Some(Err(reason)) if !(r.unified && self.dirs[side.index()].failed) => {
                self.dirs[side.index()].failed = r.unified;
                out(Event::Anomaly(Anomaly { side, frame, kind: AnomalyKind::DecryptFailed { reason } }))
            }
            Some(Err(_)) | None => {}
        }
        let content_type = if r.unified { APPLICATION_DATA } else { r.content_type };
        let frames = [frame];
        out(Event::Message(Message {
            side,
            frame,
            frames: &frames,
            record_version: r.version,
            negotiated: self.negotiated,
            decrypted: false,
            message_seq: None,
            kind: MessageKind::Encrypted { content_type, length },
        }));
    }

    /// DTLS 1.3: a record under a unified header, opened with the keys of the epoch its
    /// header points to. None when they are not known.
    fn open_unified(&mut self, side: Side, r: &DtlsRecord<'_>) -> Option<Result<Opened, String>> {
        let dir = &self.dirs[side.index()];
        let epoch = unified::epoch(r.epoch, dir.epoch);
        let expected = dir.next_sequence.iter().find(|(e, _)| *e == epoch).map_or(0, |(_, next)| *next);
        let keys = self.opener.as_mut()?.dtls13_epoch(side, epoch)?;
        let Some(mask) = keys.record_number_mask(r.body) else {
            let len = r.body.len();
            return Some(Err(format!("a record of {len} bytes: too short to hide its record number")));
        };
        let (header, low, bits) = unified::unmask(r, mask)?;
        let sequence = unified::sequence(low, bits, expected);
        let opened = keys.open(&header, sequence, r.body);
        if opened.is_ok() {
            let dir = &mut self.dirs[side.index()];
            dir.epoch = dir.epoch.max(epoch);
            match dir.next_sequence.iter_mut().find(|(e, _)| *e == epoch) {
                Some((_, next)) => *next = (*next).max(sequence + 1),
                None => {
                    // Old epochs are forgotten: a handshake epoch and a few key updates.
                    if dir.next_sequence.len() >= MAX_EPOCHS_KEPT {
                        dir.next_sequence.remove(0);
                    }
                    dir.next_sequence.push((epoch, sequence + 1));
                }
            }
        }
        Some(opened)
    }

    fn content(&mut self, c: &Content<'_>, out: &mut dyn FnMut(Event<'_>)) {
        let frames = [c.frame];
        let message = |kind| {
            Event::Message(Message {
                side: c.side,
                frame: c.frame,
                frames: &frames,
                record_version: c.version,
                negotiated: self.negotiated,
                decrypted: c.decrypted,
                message_seq: None,
                kind,
            })
        };
        let anomaly = |kind| Event::Anomaly(Anomaly { side: c.side, frame: c.frame, kind });
        match c.content_type {
            HANDSHAKE => self.handshake(c, out),
            CHANGE_CIPHER_SPEC if is_change_cipher_spec(c.version, c.body) => {
                out(message(MessageKind::ChangeCipherSpec));
                if let Some(opener) = self.opener.as_mut() {
                    opener.change_cipher_spec(c.side);
                }
            }
            ALERT if c.body.len() == 2 => out(message(MessageKind::Alert { level: c.body[0], description: c.body[1] })),
            HEARTBEAT => out(message(MessageKind::Heartbeat { raw: c.body })),
            APPLICATION_DATA if c.decrypted => out(message(MessageKind::ApplicationData { data: c.body })),
            // RFC 9147 ACKs carry nothing the layers above read.
            ACK => {}
            content_type => {
                let length = c.body.len() as u16;
                out(anomaly(AnomalyKind::BadRecordContent { content_type, length }))
            }
        }
    }

    fn handshake(&mut self, c: &Content<'_>, out: &mut dyn FnMut(Event<'_>)) {
        let (side, frame) = (c.side, c.frame);
        let max_len = self.config.max_message_len;
        let anomaly = |kind| Event::Anomaly(Anomaly { side, frame, kind });
        let mut hellos = Vec::new();
        let negotiated = &mut self.negotiated;
        let opener = &mut self.opener;
        let dir = &mut self.dirs[side.index()];
        for fragment in fragments::split(c.body) {
            let Ok((h, data)) = fragment else {
                let length = c.body.len() as u16;
                out(anomaly(AnomalyKind::BadRecordContent { content_type: HANDSHAKE, length }));
                break;
            };
            dir.reassembly.fragment(h, data, frame, max_len, &mut |delivery| match delivery {
                Delivery::Message { typ, message_seq, raw, frames } => {
                    if typ == HandshakeType::SERVER_HELLO.0 {
                        if let Some(choice) = Negotiated::from_server_hello(raw) {
                            *negotiated = choice;
                        }
                    }
                    if let Some(cid) = hello_connection_id(typ, raw) {
                        hellos.push(cid);
                    }
                    if let Some(opener) = opener.as_mut() {
                        opener.dtls_handshake(side, typ, raw, message_seq);
                    }
                    out(Event::Message(Message {
                        side,
                        frame,
                        frames,
                        record_version: c.version,
                        negotiated: *negotiated,
                        decrypted: c.decrypted,
                        message_seq: Some(message_seq),
                        kind: MessageKind::Handshake { typ, raw },
                    }));
                }
                other => out(anomaly(delivery_anomaly(other))),
            });
        }
        for cid in hellos {
            self.dirs[side.index()].asked_cid = Some(cid);
            // Both hellos carry the extension: each side sends with the other's ID.
            let [client, server] = &mut self.dirs;
            if let (Some(c), Some(s)) = (client.asked_cid, server.asked_cid) {
                client.cid_len = Some(s);
                server.cid_len = Some(c);
            }
        }
    }

    /// The end of the capture: messages left incomplete are reported.
    pub fn finish(&mut self, out: &mut dyn FnMut(Event<'_>)) {
        for (side, dir) in [Side::Client, Side::Server].into_iter().zip(&mut self.dirs) {
            let frame = dir.last_frame;
            dir.reassembly
                .finish(&mut |delivery| out(Event::Anomaly(Anomaly { side, frame, kind: delivery_anomaly(delivery) })));
        }
    }
}

/// The sequence number and header a record's MAC or AEAD covers: RFC 6347's epoch and
/// sequence number; OpenSSL's DTLS before RFC 4347 (version 0x0100) left the epoch out
/// and wrote TLS 1.0's version (as Wireshark, which accepts both, notes).
fn mac_input(r: &DtlsRecord<'_>, header: RecordHeader) -> (u64, RecordHeader) {
    if r.version == 0x0100 {
        (r.sequence, RecordHeader { version: 0x0301, ..header })
    } else {
        ((u64::from(r.epoch) << 48) | r.sequence, header)
    }
}

/// A ChangeCipherSpec: one byte 1; OpenSSL's DTLS before RFC 4347 (version 0x0100)
/// followed it with the message_seq.
fn is_change_cipher_spec(version: u16, body: &[u8]) -> bool {
    body == [1] || (version == 0x0100 && body.len() == 3 && body[0] == 1)
}

fn delivery_anomaly(d: Delivery<'_>) -> AnomalyKind {
    match d {
        Delivery::Retransmitted { typ, message_seq, first_frame, overlaps } => {
            AnomalyKind::Retransmitted { typ, message_seq, first_frame, overlaps }
        }
        Delivery::Oversized { typ, length } => AnomalyKind::OversizedMessage { typ, length },
        Delivery::Inconsistent { typ, message_seq } => AnomalyKind::BadFragment { typ, message_seq },
        Delivery::Missing { typ, message_seq, have, need, .. } => {
            AnomalyKind::FragmentsMissing { typ, message_seq, have, need }
        }
        Delivery::Message { typ, message_seq, .. } => AnomalyKind::BadFragment { typ, message_seq },
    }
}

/// The length of the connection ID a hello asks the peer to use (RFC 9146).
fn hello_connection_id(typ: u8, raw: &[u8]) -> Option<usize> {
    let ctx = ParseContext { version: None, cipher_suite: None, from_server: typ == 2 };
    let extensions = match parse_handshake(HandshakeType(typ), raw.get(4..)?, &ctx).ok()? {
        HandshakeBody::ClientHello(h) => h.extensions,
        HandshakeBody::ServerHello(h) if !h.is_hello_retry_request => h.extensions,
        _ => return None,
    };
    let ext = extensions.iter().find(|e| e.typ == ExtensionType::CONNECTION_ID)?;
    let len = usize::from(*ext.data.first()?);
    (ext.data.len() == 1 + len).then_some(len)
}

/// A datagram that opens a new association where one finished its handshake: a
/// ClientHello in clear whose message_seq is 0 (a retransmission of the first hello
/// would come before the keys changed).
pub fn starts_handshake(payload: &[u8]) -> bool {
    let Some(Ok(r)) = record::records(payload, None).next() else { return false };
    if r.content_type != HANDSHAKE || r.is_protected() {
        return false;
    }
    matches!(fragments::split(r.body).next(), Some(Ok((h, _))) if h.typ == 1 && h.message_seq == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::plain_record;
    use tlsdoctor_tls::stream::Dtls13Keys;

    fn fragment(typ: u8, seq: u16, body: &[u8], offset: usize, len: usize) -> Vec<u8> {
        let mut f = vec![typ];
        f.extend(&(body.len() as u32).to_be_bytes()[1..]);
        f.extend(seq.to_be_bytes());
        f.extend(&(offset as u32).to_be_bytes()[1..]);
        f.extend(&(len as u32).to_be_bytes()[1..]);
        f.extend(&body[offset..offset + len]);
        f
    }

    fn whole(typ: u8, seq: u16, body: &[u8]) -> Vec<u8> {
        fragment(typ, seq, body, 0, body.len())
    }

    fn server_hello(version: u16, suite: u16) -> Vec<u8> {
        let mut b = version.to_be_bytes().to_vec();
        b.extend([7; 32]);
        b.push(0);
        b.extend(suite.to_be_bytes());
        b.push(0);
        b
    }

    fn client_hello() -> Vec<u8> {
        let mut b = vec![0xfe, 0xfd];
        b.extend([5; 32]);
        b.extend([0, 0]); // session id, cookie
        b.extend([0, 2, 0xc0, 0x2b, 1, 0]);
        b
    }

    #[derive(Default)]
    struct Log(Vec<String>);

    impl Log {
        fn take(&mut self, e: Event<'_>) {
            self.0.push(match e {
                Event::Record(r) => {
                    format!("R{}{}@{}", r.header.content_type, if r.encrypted { "e" } else { "" }, r.frame)
                }
                Event::Message(m) => match m.kind {
                    MessageKind::Handshake { typ, raw } => format!("H{typ}@{}{:?}len{}", m.frame, m.frames, raw.len()),
                    MessageKind::ChangeCipherSpec => format!("CCS@{}", m.frame),
                    MessageKind::Alert { level, description } => format!("A{level}.{description}@{}", m.frame),
                    MessageKind::Encrypted { content_type, .. } => format!("E{content_type}@{}", m.frame),
                    _ => "other".into(),
                },
                Event::Anomaly(a) => format!("!{:?}@{}", a.kind, a.frame),
            });
        }
    }

    fn send(conn: &mut DtlsConnection, log: &mut Log, side: Side, frame: u64, datagram: &[u8]) {
        conn.datagram(side, datagram, frame, &mut |e| log.take(e));
    }

    #[test]
    fn a_dtls12_handshake_with_cookie_fragments_and_epochs() {
        let mut conn = DtlsConnection::new(StreamConfig::default());
        let mut log = Log::default();
        let hello = client_hello();
        send(&mut conn, &mut log, Side::Client, 1, &plain_record(22, 0xfeff, 0, 0, &whole(1, 0, &hello)));
        let hvr = [0xfe, 0xff, 2, 0xaa, 0xbb];
        send(&mut conn, &mut log, Side::Server, 2, &plain_record(22, 0xfeff, 0, 0, &whole(3, 0, &hvr)));
        send(&mut conn, &mut log, Side::Client, 3, &plain_record(22, 0xfeff, 0, 1, &whole(1, 1, &hello)));
        // The server's certificate in two datagrams, the second carrying ServerHelloDone too.
        let cert = vec![0x30; 900];
        let mut d4 = plain_record(22, 0xfefd, 0, 1, &whole(2, 1, &server_hello(0xfefd, 0xc02b)));
        d4.extend(plain_record(22, 0xfefd, 0, 2, &fragment(11, 2, &cert, 0, 500)));
        send(&mut conn, &mut log, Side::Server, 4, &d4);
        let mut d5 = plain_record(22, 0xfefd, 0, 3, &fragment(11, 2, &cert, 500, 400));
        d5.extend(plain_record(22, 0xfefd, 0, 4, &whole(14, 3, &[])));
        send(&mut conn, &mut log, Side::Server, 5, &d5);
        let mut d6 = plain_record(20, 0xfefd, 0, 2, &[1]);
        d6.extend(plain_record(22, 0xfefd, 1, 0, &[0x99; 40]));
        send(&mut conn, &mut log, Side::Client, 6, &d6);
        send(&mut conn, &mut log, Side::Client, 7, &plain_record(21, 0xfefd, 1, 1, &[0x98; 26]));
        let handshake: Vec<&str> = log.0.iter().map(String::as_str).filter(|l| !l.starts_with('R')).collect();
        assert_eq!(
            handshake,
            [
                "H1@1[1]len46",
                "H3@2[2]len9",
                "H1@3[3]len46",
                "H2@4[4]len42",
                "H11@5[4, 5]len904",
                "H14@5[5]len4",
                "CCS@6",
                "E22@6",
                "E21@7"
            ]
        );
        assert!(log.0.contains(&"R22e@6".to_string()));
        assert_eq!(conn.negotiated().version, Some(0xfefd));
        assert_eq!(conn.negotiated().cipher_suite, Some(0xc02b));
        assert!(!conn.keys_changed(), "only the client went past epoch 0");
    }

    #[test]
    fn a_retransmitted_hello_is_an_anomaly_not_a_second_hello() {
        let mut conn = DtlsConnection::new(StreamConfig::default());
        let mut log = Log::default();
        let hello = plain_record(22, 0xfefd, 0, 0, &whole(1, 0, &client_hello()));
        send(&mut conn, &mut log, Side::Client, 1, &hello);
        send(&mut conn, &mut log, Side::Client, 2, &hello);
        assert_eq!(
            log.0,
            [
                "R22@1",
                "H1@1[1]len46",
                "R22@2",
                "!Retransmitted { typ: 1, message_seq: 0, first_frame: 1, overlaps: false }@2"
            ]
        );
        assert!(starts_handshake(&hello));
    }

    #[test]
    fn a_message_whose_fragment_never_came_is_reported_at_the_end() {
        let mut conn = DtlsConnection::new(StreamConfig::default());
        let mut log = Log::default();
        let cert = vec![0x30; 3000];
        send(&mut conn, &mut log, Side::Server, 4, &plain_record(22, 0xfefd, 0, 2, &fragment(11, 2, &cert, 0, 1200)));
        send(&mut conn, &mut log, Side::Server, 6, &plain_record(22, 0xfefd, 0, 4, &whole(14, 3, &[])));
        conn.finish(&mut |e| log.take(e));
        let tail: Vec<&str> = log.0.iter().map(String::as_str).filter(|l| !l.starts_with('R')).collect();
        // The ServerHelloDone waits behind the Certificate: its place is lost.
        assert_eq!(tail, ["!FragmentsMissing { typ: 11, message_seq: 2, have: 1200, need: 3000 }@6"]);
        assert!(log.0.contains(&"R22@6".to_string()));
    }

    #[test]
    fn garbage_after_a_record_is_reported_and_nothing_panics() {
        let mut conn = DtlsConnection::new(StreamConfig::default());
        let mut log = Log::default();
        let mut d = plain_record(21, 0xfefd, 0, 0, &[2, 40]);
        d.extend([0x99, 1, 2, 3]);
        send(&mut conn, &mut log, Side::Server, 1, &d);
        assert_eq!(log.0, ["R21@1", "A2.40@1", "!BadRecordHeader { bytes: [153, 1, 2, 3, 0] }@1"]);
        for n in 0..d.len() {
            send(&mut conn, &mut log, Side::Client, 2, &d[..n]);
        }
    }

    /// Stand-in DTLS 1.3 keys: the mask is the ciphertext's first two bytes; a record
    /// "opens" when its bytes 2..10 hold the full sequence number it was given and the
    /// header's record number is in clear; the plaintext follows the 16-byte sample,
    /// its last byte the content type.
    struct FakeEpoch(u64);

    impl Dtls13Keys for FakeEpoch {
        fn record_number_mask(&self, ciphertext: &[u8]) -> Option<[u8; 2]> {
            (ciphertext.len() >= 16).then(|| [ciphertext[0], ciphertext[1]])
        }

        fn open(&self, header: &[u8], sequence: u64, ciphertext: &[u8]) -> Result<Opened, String> {
            let low = u64::from(header[1]);
            if ciphertext[2..10] != ((self.0 << 48) | sequence).to_be_bytes() || sequence & 0xff != low {
                return Err("bad tag".into());
            }
            let (content_type, data) = ciphertext[16..].split_last().ok_or("empty")?;
            Ok(Opened { content_type: *content_type, data: data.to_vec() })
        }
    }

    struct FakeOpener([FakeEpoch; 2]);

    impl RecordOpener for FakeOpener {
        fn handshake(&mut self, _side: Side, _typ: u8, _raw: &[u8]) {}
        fn change_cipher_spec(&mut self, _side: Side) {}
        fn open(&mut self, _side: Side, _header: RecordHeader, _body: &[u8]) -> Option<Result<Opened, String>> {
            None
        }
        fn dtls13_epoch(&mut self, _side: Side, epoch: u64) -> Option<&dyn Dtls13Keys> {
            self.0.iter().find(|e| e.0 == epoch).map(|e| e as &dyn Dtls13Keys)
        }
    }

    /// A unified header (8-bit record number, no length) and its "sealed" record.
    fn unified_record(epoch: u64, sequence: u64, content_type: u8, plain: &[u8]) -> Vec<u8> {
        let mut body = vec![0x5a, 0xc3];
        body.extend(((epoch << 48) | sequence).to_be_bytes());
        body.resize(16, 0);
        body.extend(plain);
        body.push(content_type);
        let mut d = vec![0x20 | (epoch as u8 & 3), sequence as u8 ^ 0x5a];
        d.extend(body);
        d
    }

    #[test]
    fn dtls13_records_are_unmasked_numbered_and_opened_by_epoch() {
        let opener = FakeOpener([FakeEpoch(2), FakeEpoch(3)]);
        let mut conn = DtlsConnection::with_opener(StreamConfig::default(), Box::new(opener));
        let mut log = Log::default();
        let finished = whole(20, 2, &[7; 32]);
        send(&mut conn, &mut log, Side::Server, 1, &unified_record(2, 0, 22, &finished));
        // The 8 visible bits wrap: 255 then 256.
        for (frame, sequence) in [(2, 255), (3, 256)] {
            send(&mut conn, &mut log, Side::Server, frame, &unified_record(3, sequence, 21, &[1, 0]));
        }
        // A handshake record retransmitted in epoch 2 after epoch 3 began, and an ACK.
        send(&mut conn, &mut log, Side::Server, 4, &unified_record(2, 1, 26, &[0, 0]));
        // A record that does not open, twice: told once. Then one too short to unmask.
        let mut bad = unified_record(3, 257, 23, b"x");
        bad[5] ^= 1;
        send(&mut conn, &mut log, Side::Server, 5, &bad);
        send(&mut conn, &mut log, Side::Server, 6, &bad);
        send(&mut conn, &mut log, Side::Client, 7, &[0x22, 0, 1, 2, 3]);
        let shown: Vec<&str> = log.0.iter().map(String::as_str).filter(|l| !l.starts_with('R')).collect();
        assert_eq!(
            shown,
            [
                "H20@1[1]len36",
                "A1.0@2",
                "A1.0@3",
                "!DecryptFailed { reason: \"bad tag\" }@5",
                "E23@5",
                "E23@6",
                "!DecryptFailed { reason: \"a record of 3 bytes: too short to hide its record number\" }@7",
                "E23@7"
            ]
        );
        assert_eq!(conn.dirs[1].epoch, 3);
        assert_eq!(conn.dirs[1].next_sequence, [(2, 2), (3, 257)]);
    }
}
