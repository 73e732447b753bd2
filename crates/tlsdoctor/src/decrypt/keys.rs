//! Every secret an analysis may use, and what it learns on the way: the key logs, RSA
//! private keys, a pre-shared key, and the master secrets derived in one connection for
//! the sessions that later connections resume (by session id or ticket).

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;

use tlsdoctor_keys::{KeyLog, MasterSecret, RsaKey, Secrets};

/// Sessions remembered at most; past it the memory starts over.
const SESSIONS: usize = 65536;

#[derive(Default)]
struct Learnt {
    by_client_random: HashMap<[u8; 32], MasterSecret>,
    by_session_id: HashMap<Vec<u8>, MasterSecret>,
    by_ticket: HashMap<Vec<u8>, MasterSecret>,
}

impl Learnt {
    fn bound(&mut self) {
        if self.by_client_random.len() > SESSIONS {
            *self = Learnt::default();
        }
    }
}

/// The server an RSA key belongs to: `192.0.2.1` or `192.0.2.1:443` (`[2001:db8::1]:443`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerBinding {
    Ip(IpAddr),
    Address(SocketAddr),
}

impl ServerBinding {
    pub fn parse(text: &str) -> Option<ServerBinding> {
        text.parse().map(ServerBinding::Address).or_else(|_| text.parse().map(ServerBinding::Ip)).ok()
    }

    fn matches(&self, server: SocketAddr) -> bool {
        match self {
            // 0.0.0.0 and :: stand for any address, as in Wireshark's key table.
            ServerBinding::Ip(ip) => ip.is_unspecified() || *ip == server.ip(),
            ServerBinding::Address(address) => {
                (address.ip().is_unspecified() || address.ip() == server.ip()) && address.port() == server.port()
            }
        }
    }
}

#[derive(Default)]
pub struct Keys {
    pub keylog: KeyLog,
    /// RSA private keys, each for any server or for one address (IP, or IP and port).
    pub rsa: Vec<(Option<ServerBinding>, RsaKey)>,
    pub psk: Option<Vec<u8>>,
    learnt: Mutex<Learnt>,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Keys({} key log entries, {} RSA keys, psk: {})",
            self.keylog.len(),
            self.rsa.len(),
            self.psk.is_some()
        )
    }
}

impl Keys {
    pub fn from_keylog(keylog: KeyLog) -> Keys {
        Keys { keylog, ..Keys::default() }
    }

    pub fn is_empty(&self) -> bool {
        self.keylog.is_empty() && self.rsa.is_empty() && self.psk.is_none()
    }

    /// The key log's secrets of a connection.
    pub fn secrets(&self, client_random: &[u8; 32]) -> Option<&Secrets> {
        self.keylog.get(client_random)
    }

    /// The master secret of a TLS 1.0-1.2 connection: logged, or derived earlier.
    pub fn master(&self, client_random: &[u8; 32]) -> Option<MasterSecret> {
        if let Some(master) = self.secrets(client_random).and_then(|s| s.master_secret.clone()) {
            return Some(master);
        }
        self.learnt.lock().ok()?.by_client_random.get(client_random).cloned()
    }

    /// The premaster secret inside an RSA ClientKeyExchange sent to `server`: from a key
    /// log `RSA` line or one of the private keys that apply to that server.
    pub fn rsa_premaster(&self, encrypted: &[u8], server: SocketAddr) -> Option<Vec<u8>> {
        if let Some(premaster) = self.keylog.premaster_for(encrypted) {
            return Some(premaster.as_bytes().to_vec());
        }
        self.rsa
            .iter()
            .filter(|(binding, _)| binding.as_ref().is_none_or(|b| b.matches(server)))
            .find_map(|(_, key)| key.decrypt_premaster(encrypted))
            .map(|p| p.to_vec())
    }

    /// A connection's master secret, for its Finished check and for resumptions.
    pub fn learn(&self, client_random: [u8; 32], session_id: &[u8], master: &MasterSecret) {
        let Ok(mut learnt) = self.learnt.lock() else { return };
        learnt.bound();
        learnt.by_client_random.insert(client_random, master.clone());
        if !session_id.is_empty() {
            learnt.by_session_id.insert(session_id.to_vec(), master.clone());
        }
    }

    /// A ticket the server issued for a session whose master secret is known.
    pub fn learn_ticket(&self, ticket: &[u8], master: &MasterSecret) {
        if let Ok(mut learnt) = self.learnt.lock() {
            learnt.by_ticket.insert(ticket.to_vec(), master.clone());
        }
    }

    /// The master secret of a resumed session.
    pub fn resumed(&self, session_id: &[u8], ticket: Option<&[u8]>) -> Option<MasterSecret> {
        let learnt = self.learnt.lock().ok()?;
        ticket
            .and_then(|t| learnt.by_ticket.get(t))
            .or_else(|| (!session_id.is_empty()).then(|| learnt.by_session_id.get(session_id)).flatten())
            .cloned()
    }
}
