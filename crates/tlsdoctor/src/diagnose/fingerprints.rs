//! A connection's fingerprints as the report shows them: the client's JA3 and JA4 from
//! its (last) ClientHello, the server's JA3S and JA4S from its ServerHello, and the JA4X
//! of each certificate that was read.

use serde::Serialize;

use super::story::{Chain, Story};
use crate::fingerprint::{ja4x, Fingerprint};

/// docs/report.md, `fingerprints`. Null where the message was not seen (or, for JA3,
/// an SSLv2-format ClientHello).
#[derive(Debug, Clone, Default, Serialize)]
pub struct FingerprintReport {
    pub ja3: Option<String>,
    pub ja3_string: Option<String>,
    pub ja4: Option<String>,
    pub ja4_r: Option<String>,
    pub ja3s: Option<String>,
    pub ja3s_string: Option<String>,
    pub ja4s: Option<String>,
    pub ja4s_r: Option<String>,
    /// The server's certificates, leaf first (null for bytes that are not one).
    pub ja4x: Vec<Option<String>>,
    pub client_ja4x: Vec<Option<String>>,
}

impl FingerprintReport {
    pub fn of(story: &Story) -> FingerprintReport {
        let client = story.client_hello.as_ref().and_then(|h| h.fingerprints.as_ref());
        let ja3 = client.and_then(|c| c.ja3.as_ref());
        let ja4 = client.map(|c| &c.ja4);
        let server = story.server_hello.as_ref().map(|h| &h.fingerprints);
        let ja3s = server.map(|s| &s.ja3s);
        let ja4s = server.map(|s| &s.ja4s);
        let hash = |f: Option<&Fingerprint>| f.map(|f| f.hash.clone());
        let raw = |f: Option<&Fingerprint>| f.map(|f| f.raw.clone());
        FingerprintReport {
            ja3: hash(ja3),
            ja3_string: raw(ja3),
            ja4: hash(ja4),
            ja4_r: raw(ja4),
            ja3s: hash(ja3s),
            ja3s_string: raw(ja3s),
            ja4s: hash(ja4s),
            ja4s_r: raw(ja4s),
            ja4x: chain_ja4x(story.server_certificates.as_ref()),
            client_ja4x: chain_ja4x(story.client_certificates.as_ref()),
        }
    }

    /// `--ja3`: the client's JA3 or the server's JA3S, as the MD5 or as its string.
    pub fn matches_ja3(&self, want: &str) -> bool {
        [&self.ja3, &self.ja3_string, &self.ja3s, &self.ja3s_string].into_iter().flatten().any(|f| same(f, want))
    }

    /// `--ja4`: the client's JA4 or the server's JA4S, in the hashed or the raw form.
    pub fn matches_ja4(&self, want: &str) -> bool {
        [&self.ja4, &self.ja4_r, &self.ja4s, &self.ja4s_r].into_iter().flatten().any(|f| same(f, want))
    }
}

fn same(fingerprint: &str, want: &str) -> bool {
    fingerprint.eq_ignore_ascii_case(want.trim())
}

fn chain_ja4x(chain: Option<&Chain>) -> Vec<Option<String>> {
    chain.map_or_else(Vec::new, |c| c.certificates.iter().map(|der| ja4x(der).map(|f| f.hash)).collect())
}
