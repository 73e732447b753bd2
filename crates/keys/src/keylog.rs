//! NSS key log files (`SSLKEYLOGFILE`).

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::prf::MasterSecret;
use crate::secret::{hex_decode, Secret};

/// The secrets a key log holds for one client random. `Debug` shows which are present,
/// never their values.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    /// `CLIENT_RANDOM`: the TLS 1.0-1.2 master secret.
    pub master_secret: Option<MasterSecret>,
    pub client_handshake_traffic_secret: Option<Secret>,
    pub server_handshake_traffic_secret: Option<Secret>,
    pub client_traffic_secret_0: Option<Secret>,
    pub server_traffic_secret_0: Option<Secret>,
    pub exporter_secret: Option<Secret>,
    pub client_early_traffic_secret: Option<Secret>,
    pub early_exporter_secret: Option<Secret>,
}

impl Secrets {
    fn slot(&mut self, label: &str) -> Option<&mut Option<Secret>> {
        Some(match label {
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET" => &mut self.client_handshake_traffic_secret,
            "SERVER_HANDSHAKE_TRAFFIC_SECRET" => &mut self.server_handshake_traffic_secret,
            "CLIENT_TRAFFIC_SECRET_0" => &mut self.client_traffic_secret_0,
            "SERVER_TRAFFIC_SECRET_0" => &mut self.server_traffic_secret_0,
            "EXPORTER_SECRET" => &mut self.exporter_secret,
            "CLIENT_EARLY_TRAFFIC_SECRET" => &mut self.client_early_traffic_secret,
            "EARLY_EXPORTER_SECRET" => &mut self.early_exporter_secret,
            _ => return None,
        })
    }

    /// Fills in what `other` has and `self` lacks.
    fn merge(&mut self, other: &Secrets) {
        fn fill<T: Clone>(a: &mut Option<T>, b: &Option<T>) {
            if a.is_none() {
                a.clone_from(b);
            }
        }
        fill(&mut self.master_secret, &other.master_secret);
        fill(&mut self.client_handshake_traffic_secret, &other.client_handshake_traffic_secret);
        fill(&mut self.server_handshake_traffic_secret, &other.server_handshake_traffic_secret);
        fill(&mut self.client_traffic_secret_0, &other.client_traffic_secret_0);
        fill(&mut self.server_traffic_secret_0, &other.server_traffic_secret_0);
        fill(&mut self.exporter_secret, &other.exporter_secret);
        fill(&mut self.client_early_traffic_secret, &other.client_early_traffic_secret);
        fill(&mut self.early_exporter_secret, &other.early_exporter_secret);
    }

    /// Labels present, in key log spelling.
    pub fn labels(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        let pairs: [(&'static str, bool); 8] = [
            ("CLIENT_RANDOM", self.master_secret.is_some()),
            ("CLIENT_EARLY_TRAFFIC_SECRET", self.client_early_traffic_secret.is_some()),
            ("EARLY_EXPORTER_SECRET", self.early_exporter_secret.is_some()),
            ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", self.client_handshake_traffic_secret.is_some()),
            ("SERVER_HANDSHAKE_TRAFFIC_SECRET", self.server_handshake_traffic_secret.is_some()),
            ("CLIENT_TRAFFIC_SECRET_0", self.client_traffic_secret_0.is_some()),
            ("SERVER_TRAFFIC_SECRET_0", self.server_traffic_secret_0.is_some()),
            ("EXPORTER_SECRET", self.exporter_secret.is_some()),
        ];
        for (l, present) in pairs {
            if present {
                v.push(l);
            }
        }
        v
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets {:?}", self.labels())
    }
}

/// A key log line that was not understood. `reason` never quotes the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLogProblem {
    /// 1-based line number.
    pub line: usize,
    pub reason: String,
}

/// Secrets from one or more key logs, by client random, plus RSA premaster secrets by
/// the first 8 bytes of their encrypted form, premaster secrets by client random
/// (`PMS_CLIENT_RANDOM`) and master secrets by session ID (`RSA Session-ID:`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct KeyLog {
    by_random: HashMap<[u8; 32], Secrets>,
    rsa: HashMap<[u8; 8], Secret>,
    premaster_by_random: HashMap<[u8; 32], Secret>,
    by_session_id: HashMap<Vec<u8>, MasterSecret>,
}

impl fmt::Debug for KeyLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyLog {{ {} client randoms, {} RSA premaster secrets }}", self.by_random.len(), self.rsa.len())
    }
}

impl KeyLog {
    pub fn new() -> KeyLog {
        KeyLog::default()
    }

    /// The secrets logged for a client random.
    pub fn get(&self, client_random: &[u8; 32]) -> Option<&Secrets> {
        self.by_random.get(client_random)
    }

    /// The premaster secret logged with an `RSA` line for this encrypted premaster
    /// (the ClientKeyExchange value without its length prefix; only the first 8 bytes
    /// are compared).
    pub fn premaster_for(&self, encrypted_premaster: &[u8]) -> Option<&Secret> {
        let key: [u8; 8] = encrypted_premaster.get(..8)?.try_into().ok()?;
        self.rsa.get(&key)
    }

    /// The premaster secret logged with a `PMS_CLIENT_RANDOM` line for this client random.
    pub fn premaster_for_random(&self, client_random: &[u8; 32]) -> Option<&Secret> {
        self.premaster_by_random.get(client_random)
    }

    /// The master secret logged with an `RSA Session-ID:... Master-Key:...` line.
    pub fn master_for_session_id(&self, session_id: &[u8]) -> Option<&MasterSecret> {
        self.by_session_id.get(session_id)
    }

    /// Adds another key log's secrets; existing values win.
    pub fn merge(&mut self, other: &KeyLog) {
        for (r, s) in &other.by_random {
            self.by_random.entry(*r).or_default().merge(s);
        }
        for (k, v) in &other.rsa {
            self.rsa.entry(*k).or_insert_with(|| v.clone());
        }
        for (k, v) in &other.premaster_by_random {
            self.premaster_by_random.entry(*k).or_insert_with(|| v.clone());
        }
        for (k, v) in &other.by_session_id {
            self.by_session_id.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }

    /// Number of client randoms plus RSA, premaster and session ID entries.
    pub fn len(&self) -> usize {
        self.by_random.len() + self.rsa.len() + self.premaster_by_random.len() + self.by_session_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The client randoms the log has secrets for.
    pub fn client_randoms(&self) -> impl Iterator<Item = &[u8; 32]> {
        self.by_random.keys()
    }
}

/// The labels Wireshark reads (its key log regular expression in packet-tls-utils.c),
/// but for `RSA Session-ID:`, which has no separate secret field (see `parse_line`).
const LABELS: [&str; 10] = [
    "CLIENT_RANDOM",
    "PMS_CLIENT_RANDOM",
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
    "EXPORTER_SECRET",
    "CLIENT_EARLY_TRAFFIC_SECRET",
    "EARLY_EXPORTER_SECRET",
    "RSA",
];

fn lines(text: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    text.split(|&b| b == b'\n').enumerate().map(|(i, l)| {
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        (i + 1, l.trim_ascii())
    })
}

fn fields(line: &[u8]) -> Vec<&[u8]> {
    line.split(|b| b.is_ascii_whitespace()).filter(|f| !f.is_empty()).collect()
}

/// Parses an NSS key log. Lines that cannot be used are reported with their 1-based
/// line number and a reason that does not contain the secret; the rest is kept.
pub fn parse_keylog(text: &[u8]) -> (KeyLog, Vec<KeyLogProblem>) {
    let mut log = KeyLog::default();
    let mut problems = Vec::new();
    for (n, line) in lines(text) {
        if line.is_empty() || line.starts_with(b"#") {
            continue;
        }
        if let Err(reason) = parse_line(line, &mut log) {
            problems.push(KeyLogProblem { line: n, reason });
        }
    }
    (log, problems)
}

fn parse_line(line: &[u8], log: &mut KeyLog) -> Result<(), String> {
    let f = fields(line);
    let label = String::from_utf8_lossy(f.first().copied().unwrap_or_default()).into_owned();
    // Traffic secrets after a KeyUpdate (OpenSSL logs them as CLIENT_TRAFFIC_SECRET_N):
    // tlsdoctor derives them itself.
    let later_traffic = ["CLIENT_TRAFFIC_SECRET_", "SERVER_TRAFFIC_SECRET_"]
        .iter()
        .any(|p| label.strip_prefix(p).is_some_and(|n| n != "0" && (n == "N" || n.parse::<u64>().is_ok())));
    if later_traffic {
        return Ok(());
    }
    // Draft-era QUIC stacks (quicly, old ngtcp2) logged their TLS secrets a second time
    // under QUIC_-prefixed labels; Wireshark skips them, and so does tlsdoctor.
    if label.strip_prefix("QUIC_").is_some_and(|l| {
        LABELS.contains(&l) || l.starts_with("CLIENT_TRAFFIC_SECRET_") || l.starts_with("SERVER_TRAFFIC_SECRET_")
    }) {
        return Ok(());
    }
    if label == "RSA" && f.get(1).is_some_and(|s| s.starts_with(b"Session-ID:")) {
        return parse_session_id_line(&f, log);
    }
    if !LABELS.contains(&label.as_str()) {
        // Never quote the field: a wrapped line or a pasted secret would be printed.
        let looks_like_hex = label.len() > 16 && label.bytes().all(|b| b.is_ascii_hexdigit());
        return Err(if looks_like_hex {
            "no label: the line starts with hex (a wrapped or cut line?)".to_string()
        } else {
            format!("unknown label ({} characters)", label.chars().count())
        });
    }
    if f.len() != 3 {
        return Err(format!("{label}: expected 3 fields, found {}", f.len()));
    }
    if label == "RSA" {
        let enc = hex_decode(f[1]).ok_or_else(|| format!("{label}: encrypted premaster prefix is not hex"))?;
        let enc: [u8; 8] = enc
            .try_into()
            .map_err(|v: Vec<u8>| format!("{label}: encrypted premaster prefix is {} bytes, expected 8", v.len()))?;
        let pms = hex_decode(f[2]).ok_or_else(|| format!("{label}: premaster secret is not hex"))?;
        if pms.len() != 48 {
            return Err(format!("{label}: premaster secret is {} bytes, expected 48", pms.len()));
        }
        log.rsa.insert(enc, Secret::new(pms));
        return Ok(());
    }
    let random = hex_decode(f[1]).ok_or_else(|| format!("{label}: client random is not hex"))?;
    let random: [u8; 32] =
        random.try_into().map_err(|v: Vec<u8>| format!("{label}: client random is {} bytes, expected 32", v.len()))?;
    let secret = Secret::new(hex_decode(f[2]).ok_or_else(|| format!("{label}: secret is not hex"))?);
    if label == "PMS_CLIENT_RANDOM" {
        // Any length: 48 bytes for RSA, the shared secret's size for (EC)DHE.
        if secret.is_empty() {
            return Err(format!("{label}: empty premaster secret"));
        }
        log.premaster_by_random.insert(random, secret);
        return Ok(());
    }
    if label == "CLIENT_RANDOM" {
        let ms = MasterSecret::from_slice(secret.as_bytes())
            .ok_or_else(|| format!("{label}: master secret is {} bytes, expected 48", secret.len()))?;
        log.by_random.entry(random).or_default().master_secret = Some(ms);
    } else {
        if !matches!(secret.len(), 32 | 48) {
            return Err(format!("{label}: secret is {} bytes, expected 32 or 48", secret.len()));
        }
        if let Some(slot) = log.by_random.entry(random).or_default().slot(&label) {
            *slot = Some(secret);
        }
    }
    Ok(())
}

/// `RSA Session-ID:<hex> Master-Key:<hex>` (NSS's older format, still read by Wireshark).
fn parse_session_id_line(f: &[&[u8]], log: &mut KeyLog) -> Result<(), String> {
    const WHAT: &str = "RSA Session-ID";
    let [_, id, key] = f else {
        return Err(format!("{WHAT}: expected 3 fields, found {}", f.len()));
    };
    let id = id.strip_prefix(b"Session-ID:").and_then(hex_decode).ok_or(format!("{WHAT}: session ID is not hex"))?;
    if id.is_empty() || id.len() > 32 {
        return Err(format!("{WHAT}: session ID is {} bytes, expected 1 to 32", id.len()));
    }
    let key = key.strip_prefix(b"Master-Key:").ok_or(format!("{WHAT}: third field is not Master-Key:"))?;
    let key = hex_decode(key).ok_or(format!("{WHAT}: master secret is not hex"))?;
    let ms = MasterSecret::from_slice(&key)
        .ok_or_else(|| format!("{WHAT}: master secret is {} bytes, expected 48", key.len()))?;
    log.by_session_id.insert(id, ms);
    Ok(())
}

/// The key log lines that belong to the given client randoms (for exporting only the
/// secrets of the connections in a capture). Lines end with `\n`.
pub fn lines_for(text: &[u8], randoms: &HashSet<[u8; 32]>) -> String {
    let mut out = String::new();
    for (_, line) in lines(text) {
        let f = fields(line);
        let label = f.first().map(|l| l.strip_prefix(b"QUIC_").unwrap_or(l)).unwrap_or_default();
        if f.len() != 3 || f[0] == b"RSA" || !LABELS.iter().any(|l| l.as_bytes() == label) {
            continue;
        }
        let Some(r) = hex_decode(f[1]).and_then(|r| <[u8; 32]>::try_from(r).ok()) else {
            continue;
        };
        if randoms.contains(&r) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
    }
    out
}
