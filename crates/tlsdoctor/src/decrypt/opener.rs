//! Opens a connection's records with the secrets at hand: follows the handshake to know
//! the randoms, the version and the suite, finds the master secret (key log, RSA key,
//! PSK, or the session a resumption names) or the TLS 1.3 traffic secrets, derives each
//! direction's keys, and switches them where the protocol does: ChangeCipherSpec in
//! TLS 1.2 and older; EndOfEarlyData, Finished and KeyUpdate in TLS 1.3; DTLS 1.3 by
//! the epoch each record's header names.

use std::net::SocketAddr;
use std::sync::Arc;

use tlsdoctor_keys::{
    key_block, master_secret, next_traffic_secret, psk_premaster, DecryptError, Direction, MasterSecret, Prf,
    RecordDecryptor, Secret, SuiteParams,
};
use tlsdoctor_tcp::Side;
use tlsdoctor_tls::extensions::ExtensionValue;
use tlsdoctor_tls::messages::{parse_handshake, parse_sslv2_client_hello, ClientKx, HandshakeBody, ParseContext};
use tlsdoctor_tls::record::RecordHeader;
use tlsdoctor_tls::registry::{CipherSuite, ExtensionType, HandshakeType, ProtocolVersion};
use tlsdoctor_tls::stream::{Dtls13Keys, Opened, RecordOpener};
use tlsdoctor_verify::{digest, Hash};

/// Application data records opened per side even when the rest is skipped: the first
/// request and response, which diagnose reads.
const FIRST_APPLICATION_RECORDS: u8 = 8;

use super::dtls13::Dtls13Epochs;
use super::keys::Keys;

/// Transcript bytes kept for the extended master secret's session hash.
const MAX_TRANSCRIPT: usize = 1 << 20;

#[derive(Default)]
struct Hello {
    random: [u8; 32],
    /// The client offered 0-RTT data.
    early_data: bool,
    ticket: Option<Vec<u8>>,
    tls13_suites: Vec<CipherSuite>,
    /// The TLS 1.3 version the client prefers (RFC 8446 or a draft), for its 0-RTT data.
    tls13_version: Option<ProtocolVersion>,
}

#[derive(Clone)]
struct Choice {
    version: ProtocolVersion,
    suite: CipherSuite,
    server_random: [u8; 32],
    session_id: Vec<u8>,
    encrypt_then_mac: bool,
    extended_master_secret: bool,
}

pub struct KeyLogOpener {
    keys: Arc<Keys>,
    /// The server's address, for RSA keys bound to one.
    server: SocketAddr,
    hello: Option<Hello>,
    choice: Option<Choice>,
    master: Option<MasterSecret>,
    /// Handshake messages since the ClientHello (TLS 1.0-1.2), for the session hash.
    transcript: Vec<u8>,
    /// The next keys of each side: after its ChangeCipherSpec (TLS <= 1.2), or after its
    /// early data (TLS 1.3).
    pending: [Option<RecordDecryptor>; 2],
    active: [Option<RecordDecryptor>; 2],
    /// TLS 1.3 0-RTT: the early secret, the version and the suites it may be used with.
    early: Option<(Secret, ProtocolVersion, Vec<CipherSuite>)>,
    /// TLS 1.3: the application traffic secrets, used after each side's Finished.
    application: [Option<Secret>; 2],
    /// A direction whose record did not open: said once, then left alone.
    failed: [bool; 2],
    /// A record of the side opened with its current keys.
    opened: [bool; 2],
    /// TLS 1.2 and older application data is passed over unread (what `diagnose` needs is
    /// in the handshake and alert records).
    skip_application_data: bool,
    /// Application data records seen per side, up to [`FIRST_APPLICATION_RECORDS`].
    application_records: [u8; 2],
    /// DTLS 1.3: each side's keys by epoch.
    dtls13: Option<Dtls13Epochs>,
}

impl KeyLogOpener {
    pub fn new(keys: Arc<Keys>, server: SocketAddr, skip_application_data: bool) -> Self {
        KeyLogOpener {
            keys,
            server,
            hello: None,
            choice: None,
            master: None,
            transcript: Vec::new(),
            pending: [None, None],
            active: [None, None],
            early: None,
            application: [None, None],
            failed: [false, false],
            opened: [false, false],
            skip_application_data,
            application_records: [0, 0],
            dtls13: None,
        }
    }

    fn parse<'a>(&self, typ: HandshakeType, raw: &'a [u8], from_server: bool) -> Option<HandshakeBody<'a>> {
        let ctx = ParseContext {
            version: self.choice.as_ref().map(|c| c.version),
            cipher_suite: self.choice.as_ref().map(|c| c.suite),
            from_server,
        };
        parse_handshake(typ, raw.get(4..)?, &ctx).ok()
    }

    fn client_hello(&mut self, raw: &[u8]) {
        let Some(HandshakeBody::ClientHello(ch)) = self.parse(HandshakeType::CLIENT_HELLO, raw, false) else { return };
        let early = ch.extension(ExtensionType::EARLY_DATA).is_some();
        let hello = Hello {
            random: ch.random,
            early_data: early,
            ticket: ch.extension(ExtensionType::SESSION_TICKET).map(|e| e.data.to_vec()).filter(|t| !t.is_empty()),
            tls13_suites: ch.cipher_suites.iter().copied().filter(|s| s.info().is_some_and(|i| i.tls13)).collect(),
            tls13_version: match ch.decoded(ExtensionType::SUPPORTED_VERSIONS) {
                Some(ExtensionValue::SupportedVersions(versions)) => versions.into_iter().find(|v| v.is_tls13()),
                _ => None,
            },
        };
        // 0-RTT data follows the ClientHello, under the early traffic secret.
        self.early =
            early.then(|| self.keys.secrets(&hello.random)?.client_early_traffic_secret.clone()).flatten().map(
                |secret| (secret, hello.tls13_version.unwrap_or(ProtocolVersion::TLS_1_3), hello.tls13_suites.clone()),
            );
        self.hello = Some(hello);
        // A renegotiation starts over: new randoms, a new master secret.
        self.master = None;
        self.transcript.clear();
    }

    fn server_hello(&mut self, raw: &[u8]) {
        let Some(HandshakeBody::ServerHello(sh)) = self.parse(HandshakeType::SERVER_HELLO, raw, true) else { return };
        if sh.is_hello_retry_request {
            return;
        }
        let choice = Choice {
            version: sh.negotiated_version(),
            suite: sh.cipher_suite,
            server_random: sh.random,
            session_id: sh.session_id.to_vec(),
            encrypt_then_mac: sh.extension(ExtensionType::ENCRYPT_THEN_MAC).is_some(),
            extended_master_secret: sh.extension(ExtensionType::EXTENDED_MASTER_SECRET).is_some(),
        };
        self.choice = Some(choice.clone());
        let Some(hello) = &self.hello else { return };
        if choice.version == ProtocolVersion::DTLS_1_3 {
            self.dtls13 = self.keys.secrets(&hello.random).and_then(|s| Dtls13Epochs::new(choice.suite, s));
            return;
        }
        if choice.version.is_tls13() {
            let Some(secrets) = self.keys.secrets(&hello.random) else { return };
            let handshake = [&secrets.client_handshake_traffic_secret, &secrets.server_handshake_traffic_secret];
            let [client, server] = handshake.map(|s| {
                s.as_ref().and_then(|s| RecordDecryptor::tls13(choice.version, choice.suite, s.as_bytes()).ok())
            });
            self.active[1] = server;
            // A client still sending early data switches at its EndOfEarlyData.
            if self.active[0].is_some() {
                self.pending[0] = client;
            } else {
                self.active[0] = client;
            }
            self.application = [secrets.client_traffic_secret_0.clone(), secrets.server_traffic_secret_0.clone()];
            return;
        }
        let known = self.keys.master(&hello.random);
        let resumed = || self.keys.resumed(&choice.session_id, hello.ticket.as_deref());
        if let Some(master) = known.or_else(resumed) {
            self.use_master(master);
        }
    }

    /// TLS <= 1.2: the key block of a master secret, for after each side's CCS.
    fn use_master(&mut self, master: MasterSecret) {
        let (Some(choice), Some(hello)) = (&self.choice, &self.hello) else { return };
        self.keys.learn(hello.random, &choice.session_id, &master);
        if let Ok(material) = key_block(&master, &hello.random, &choice.server_random, choice.suite, choice.version) {
            for (side, direction) in [Direction::ClientToServer, Direction::ServerToClient].into_iter().enumerate() {
                self.pending[side] =
                    RecordDecryptor::tls12(choice.suite, choice.version, &material, direction, choice.encrypt_then_mac)
                        .ok();
            }
        }
        self.master = Some(master);
    }

    /// TLS <= 1.2 without a logged master secret: the premaster from an RSA key or a PSK.
    fn client_key_exchange(&mut self, raw: &[u8]) {
        if self.master.is_some() {
            return;
        }
        let (Some(choice), Some(hello)) = (&self.choice, &self.hello) else { return };
        let Some(HandshakeBody::ClientKeyExchange(cke)) = self.parse(HandshakeType::CLIENT_KEY_EXCHANGE, raw, false)
        else {
            return;
        };
        let premaster = match cke.kx {
            ClientKx::Rsa { encrypted_premaster, .. } => self.keys.rsa_premaster(encrypted_premaster, self.server),
            ClientKx::Psk { .. } => self.keys.psk.as_ref().map(|psk| psk_premaster(psk, None).as_bytes().to_vec()),
            // RSA_PSK: the RSA-encrypted premaster is the "other secret" beside the PSK.
            ClientKx::RsaPsk { encrypted_premaster, .. } => {
                let other = self.keys.rsa_premaster(encrypted_premaster, self.server);
                self.keys
                    .psk
                    .as_ref()
                    .zip(other)
                    .map(|(psk, other)| psk_premaster(psk, Some(&other)).as_bytes().to_vec())
            }
            _ => None,
        };
        let Some(premaster) = premaster else { return };
        let session_hash = choice.extended_master_secret.then(|| self.session_hash()).flatten();
        let (version, suite) = (choice.version, choice.suite);
        let derived =
            master_secret(&premaster, &hello.random, &choice.server_random, version, suite, session_hash.as_deref());
        if let Ok(master) = derived {
            self.use_master(master);
        }
    }

    /// RFC 7627: the hash of the handshake up to and including the ClientKeyExchange.
    fn session_hash(&self) -> Option<Vec<u8>> {
        let choice = self.choice.as_ref()?;
        let parts = [self.transcript.as_slice()];
        match Prf::for_connection(choice.version, choice.suite)? {
            Prf::Tls12(hash) => {
                Some(digest(if hash == tlsdoctor_keys::HashAlg::Sha384 { Hash::Sha384 } else { Hash::Sha256 }, &parts))
            }
            _ => Some(digest(Hash::Md5Sha1, &parts)),
        }
    }

    fn new_session_ticket(&mut self, raw: &[u8]) {
        let Some(master) = &self.master else { return };
        if let Some(HandshakeBody::NewSessionTicket(nst)) = self.parse(HandshakeType::NEW_SESSION_TICKET, raw, true) {
            if !nst.tls13 && !nst.ticket.is_empty() {
                self.keys.learn_ticket(nst.ticket, master);
            }
        }
    }

    /// TLS 1.3: after its Finished a side sends with its application traffic secret,
    /// after a KeyUpdate with the next one.
    fn next_tls13_keys(&mut self, side: usize, update: bool) {
        let Some(choice) = self.choice.as_ref().filter(|c| c.version.is_tls13()) else { return };
        let Some(params) = SuiteParams::for_suite(choice.suite) else { return };
        if update {
            self.application[side] = self.application[side]
                .as_ref()
                .and_then(|s| next_traffic_secret(choice.version, params.hash, s.as_bytes()).ok());
        }
        self.active[side] = self.application[side]
            .as_ref()
            .and_then(|s| RecordDecryptor::tls13(choice.version, choice.suite, s.as_bytes()).ok());
    }

    /// 0-RTT: the early secret with the first offered suite that opens the record.
    fn early_data(&mut self, head: [u8; 5], body: &[u8]) -> Option<Opened> {
        let (secret, version, suites) = self.early.take()?;
        for suite in suites {
            let Ok(mut decryptor) = RecordDecryptor::tls13(version, suite, secret.as_bytes()) else { continue };
            if let Ok(plain) = decryptor.decrypt(head, body) {
                self.active[0] = Some(decryptor);
                return Some(Opened { content_type: plain.content_type, data: plain.data });
            }
        }
        None
    }
}

impl KeyLogOpener {
    /// A handshake message; `message_seq` for DTLS, whose 1.0 and 1.2 hash it with its
    /// DTLS header (RFC 6347 4.2.6; the HelloVerifyRequest is not hashed).
    fn take_handshake(&mut self, side: Side, typ: u8, raw: &[u8], message_seq: Option<u16>) {
        if (side, typ) == (Side::Client, 1) {
            self.client_hello(raw);
        }
        if self.transcript.len() + raw.len() + 8 <= MAX_TRANSCRIPT {
            match (message_seq, raw.get(..4)) {
                (Some(_), _) if typ == 3 => {}
                (Some(seq), Some(head)) => {
                    self.transcript.extend_from_slice(head);
                    self.transcript.extend(seq.to_be_bytes());
                    self.transcript.extend([0, 0, 0]);
                    self.transcript.extend_from_slice(&head[1..4]);
                    self.transcript.extend_from_slice(&raw[4..]);
                }
                _ => self.transcript.extend_from_slice(raw),
            }
        }
        let tls13 = self.choice.as_ref().is_some_and(|c| c.version.is_tls13());
        match (side, typ) {
            (Side::Server, 2) => self.server_hello(raw),
            (Side::Client, 16) => self.client_key_exchange(raw),
            (Side::Server, 4) if !tls13 => self.new_session_ticket(raw),
            (Side::Client, 5) => self.active[0] = self.pending[0].take(),
            (_, 20) if tls13 => self.next_tls13_keys(side.index(), false),
            (_, 24) if tls13 => self.next_tls13_keys(side.index(), true),
            _ => {}
        }
    }
}

impl RecordOpener for KeyLogOpener {
    fn handshake(&mut self, side: Side, typ: u8, raw: &[u8]) {
        self.take_handshake(side, typ, raw, None);
    }

    fn dtls_handshake(&mut self, side: Side, typ: u8, raw: &[u8], message_seq: u16) {
        self.take_handshake(side, typ, raw, Some(message_seq));
    }

    fn sslv2_client_hello(&mut self, raw: &[u8]) {
        let Ok(ch) = parse_sslv2_client_hello(raw) else { return };
        self.hello = Some(Hello {
            random: ch.random,
            early_data: false,
            ticket: None,
            tls13_suites: Vec::new(),
            tls13_version: None,
        });
        self.master = None;
        // The transcript hashes the SSL 2.0 record's body as the ClientHello.
        self.transcript.clear();
        self.transcript.extend_from_slice(raw);
    }

    fn change_cipher_spec(&mut self, side: Side) {
        if self.choice.as_ref().is_some_and(|c| c.version.is_tls13()) {
            return;
        }
        if let Some(next) = self.pending[side.index()].take() {
            self.active[side.index()] = Some(next);
        }
    }

    fn dtls_sequence(&mut self, side: Side, epoch_and_sequence: u64) {
        if let Some(active) = self.active[side.index()].as_mut() {
            active.set_sequence(epoch_and_sequence);
        }
    }

    fn dtls13_epoch(&mut self, side: Side, epoch: u64) -> Option<&dyn Dtls13Keys> {
        Some(self.dtls13.as_mut()?.keys(side.index(), epoch)?)
    }

    fn open(&mut self, side: Side, header: RecordHeader, body: &[u8]) -> Option<Result<Opened, String>> {
        let i = side.index();
        let mut head = [header.content_type, 0, 0, 0, 0];
        head[1..3].copy_from_slice(&header.version.to_be_bytes());
        head[3..5].copy_from_slice(&header.length.to_be_bytes());
        if side == Side::Client && self.active[0].is_none() && self.choice.is_none() {
            return self.early_data(head, body).map(Ok);
        }
        if self.failed[i] {
            return None;
        }
        let active = self.active[i].as_mut()?;
        // The first records are opened all the same: they hold the first request and
        // response, which diagnose reads.
        let first_records = self.application_records[i] < FIRST_APPLICATION_RECORDS;
        if header.content_type == 23 {
            self.application_records[i] = self.application_records[i].saturating_add(1);
        }
        if self.skip_application_data && header.content_type == 23 && !first_records && active.skip(body) {
            return None;
        }
        let result = active.decrypt(head, body);
        let error = match result {
            Ok(plain) => {
                self.opened[i] = true;
                return Some(Ok(Opened { content_type: plain.content_type, data: plain.data }));
            }
            Err(e) => e,
        };
        // 0-RTT records (and EndOfEarlyData) without the early secret: skipped, as the
        // client's handshake keys only start after them.
        let tls13 = self.choice.as_ref().is_some_and(|c| c.version.is_tls13());
        let early_unknown = side == Side::Client && tls13 && self.hello.as_ref().is_some_and(|h| h.early_data);
        if early_unknown && !self.opened[i] {
            return None;
        }
        // TLS 1.3: a client whose early data the server refused moves to its handshake
        // keys without an EndOfEarlyData.
        if let Some(mut next) =
            self.pending[i].take().filter(|_| self.choice.as_ref().is_some_and(|c| c.version.is_tls13()))
        {
            if let Ok(plain) = next.decrypt(head, body) {
                self.active[i] = Some(next);
                return Some(Ok(Opened { content_type: plain.content_type, data: plain.data }));
            }
        }
        self.failed[i] = true;
        Some(Err(describe(&error)))
    }
}

fn describe(e: &DecryptError) -> String {
    match e {
        DecryptError::Authentication => {
            "the AEAD tag does not match (wrong secrets, or the record was altered)".to_string()
        }
        DecryptError::BadMac { .. } => {
            "the record MAC does not match (wrong secrets, or the record was altered)".to_string()
        }
        other => format!("{other:?}"),
    }
}
