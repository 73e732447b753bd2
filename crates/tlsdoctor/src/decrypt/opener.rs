//! Opens a connection's records with secrets from key logs: follows the handshake to
//! know the randoms, the version and the suite, derives each direction's keys, and
//! switches them where the protocol does (ChangeCipherSpec in TLS 1.2 and older;
//! Finished and KeyUpdate in TLS 1.3).

use std::sync::Arc;

use tlsdoctor_keys::{
    key_block, next_traffic_secret, DecryptError, Direction, KeyLog, RecordDecryptor, Secret, SuiteParams,
};
use tlsdoctor_tcp::Side;

use tlsdoctor_tls::messages::{parse_handshake, HandshakeBody, ParseContext};
use tlsdoctor_tls::record::RecordHeader;
use tlsdoctor_tls::registry::{CipherSuite, ExtensionType, HandshakeType, ProtocolVersion};
use tlsdoctor_tls::stream::{Opened, RecordOpener};

/// What the ServerHello chose.
#[derive(Clone, Copy)]
struct Choice {
    version: ProtocolVersion,
    suite: CipherSuite,
    server_random: [u8; 32],
    encrypt_then_mac: bool,
}

pub struct KeyLogOpener {
    keys: Arc<KeyLog>,
    client_random: Option<[u8; 32]>,
    choice: Option<Choice>,
    /// TLS <= 1.2: keys negotiated, used after the side's ChangeCipherSpec.
    pending: [Option<RecordDecryptor>; 2],
    active: [Option<RecordDecryptor>; 2],
    /// TLS 1.3: the application traffic secrets, used after each side's Finished.
    application: [Option<Secret>; 2],
    /// A direction whose record did not open: said once, then left alone.
    failed: [bool; 2],
}

impl KeyLogOpener {
    pub fn new(keys: Arc<KeyLog>) -> Self {
        KeyLogOpener {
            keys,
            client_random: None,
            choice: None,
            pending: [None, None],
            active: [None, None],
            application: [None, None],
            failed: [false, false],
        }
    }

    fn server_hello(&mut self, raw: &[u8]) {
        let ctx = ParseContext { from_server: true, ..ParseContext::default() };
        let Ok(HandshakeBody::ServerHello(hello)) =
            parse_handshake(HandshakeType::SERVER_HELLO, raw.get(4..).unwrap_or_default(), &ctx)
        else {
            return;
        };
        if hello.is_hello_retry_request {
            return;
        }
        let choice = Choice {
            version: hello.negotiated_version(),
            suite: hello.cipher_suite,
            server_random: hello.random,
            encrypt_then_mac: hello.extension(ExtensionType::ENCRYPT_THEN_MAC).is_some(),
        };
        self.choice = Some(choice);
        let Some(secrets) = self.client_random.and_then(|r| self.keys.get(&r)) else { return };
        if choice.version.is_tls13() {
            let handshake = [&secrets.client_handshake_traffic_secret, &secrets.server_handshake_traffic_secret];
            for (side, secret) in handshake.into_iter().enumerate() {
                self.active[side] =
                    secret.as_ref().and_then(|s| RecordDecryptor::tls13(choice.suite, s.as_bytes()).ok());
            }
            self.application = [secrets.client_traffic_secret_0.clone(), secrets.server_traffic_secret_0.clone()];
        } else if let (Some(master), Some(client_random)) = (&secrets.master_secret, self.client_random) {
            let Ok(material) = key_block(master, &client_random, &choice.server_random, choice.suite, choice.version)
            else {
                return;
            };
            for (side, direction) in [Direction::ClientToServer, Direction::ServerToClient].into_iter().enumerate() {
                self.pending[side] =
                    RecordDecryptor::tls12(choice.suite, choice.version, &material, direction, choice.encrypt_then_mac)
                        .ok();
            }
        }
    }

    /// TLS 1.3: after its Finished a side sends with its application traffic secret,
    /// after a KeyUpdate with the next one.
    fn next_tls13_keys(&mut self, side: usize, update: bool) {
        let Some(choice) = self.choice.filter(|c| c.version.is_tls13()) else { return };
        let Some(params) = SuiteParams::for_suite(choice.suite) else { return };
        if update {
            self.application[side] =
                self.application[side].as_ref().and_then(|s| next_traffic_secret(params.hash, s.as_bytes()).ok());
        }
        self.active[side] =
            self.application[side].as_ref().and_then(|s| RecordDecryptor::tls13(choice.suite, s.as_bytes()).ok());
    }
}

impl RecordOpener for KeyLogOpener {
    fn handshake(&mut self, side: Side, typ: u8, raw: &[u8]) {
        match (side, typ) {
            (Side::Client, 1) => {
                let mut random = [0u8; 32];
                if let Some(bytes) = raw.get(6..38) {
                    random.copy_from_slice(bytes);
                    self.client_random = Some(random);
                }
            }
            (Side::Server, 2) => self.server_hello(raw),
            (_, 20) => self.next_tls13_keys(side.index(), false),
            (_, 24) => self.next_tls13_keys(side.index(), true),
            _ => {}
        }
    }

    fn change_cipher_spec(&mut self, side: Side) {
        if let Some(next) = self.pending[side.index()].take() {
            self.active[side.index()] = Some(next);
        }
    }

    fn open(&mut self, side: Side, header: RecordHeader, body: &[u8]) -> Option<Result<Opened, String>> {
        let i = side.index();
        if self.failed[i] {
            return None;
        }
        let decryptor = self.active[i].as_mut()?;
        let mut head = [header.content_type, 0, 0, 0, 0];
        head[1..3].copy_from_slice(&header.version.to_be_bytes());
        head[3..5].copy_from_slice(&header.length.to_be_bytes());
        match decryptor.decrypt(head, body) {
            Ok(plain) => Some(Ok(Opened { content_type: plain.content_type, data: plain.data })),
            Err(e) => {
                self.failed[i] = true;
                Some(Err(describe(&e)))
            }
        }
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
