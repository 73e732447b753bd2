//! The Finished messages, re-computed from the connection's secrets: each side's
//! verify_data over the transcript it saw (TLS 1.3: HMAC with the handshake traffic
//! secret; TLS 1.0-1.2: the PRF with the master secret; SSL 3.0: its MD5/SHA-1 MAC).

use tlsdoctor_keys::{verify_data_ssl3, verify_data_tls12, verify_data_tls13, HashAlg, Prf, SuiteParams};
use tlsdoctor_tcp::Side;
use tlsdoctor_verify::{digest, Hash};

use super::codes;
use super::finding::{Finding, Severity};
use super::side_name;
use super::story::Story;
use crate::decrypt::Keys;

pub(super) fn hash_of(alg: HashAlg, data: &[u8]) -> Vec<u8> {
    match alg {
        HashAlg::Sha256 => digest(Hash::Sha256, &[data]),
        HashAlg::Sha384 => digest(Hash::Sha384, &[data]),
    }
}

/// What the Finished of `side` should hold, if the secrets allow computing it.
fn expected(story: &Story, keys: &Keys, side: Side, transcript: &[u8]) -> Option<Vec<u8>> {
    let random = &story.client_hello.as_ref()?.random;
    let server = story.server_hello.as_ref()?;
    if server.version.is_tls13() {
        let secrets = keys.secrets(random)?;
        let hash = SuiteParams::for_suite(server.cipher_suite)?.hash;
        let base = match side {
            Side::Client => secrets.client_handshake_traffic_secret.as_ref()?,
            Side::Server => secrets.server_handshake_traffic_secret.as_ref()?,
        };
        return verify_data_tls13(server.version, hash, base.as_bytes(), &hash_of(hash, transcript)).ok();
    }
    let master = &keys.master(random)?;
    let label: &[u8] = if side == Side::Client { b"client finished" } else { b"server finished" };
    match Prf::for_connection(server.version, server.cipher_suite)? {
        Prf::Ssl3 => Some(verify_data_ssl3(master, side == Side::Client, transcript).to_vec()),
        Prf::Tls10 => {
            let mut th = digest(Hash::Md5, &[transcript]);
            th.extend(digest(Hash::Sha1, &[transcript]));
            Some(verify_data_tls12(Prf::Tls10, master, label, &th)?.to_vec())
        }
        Prf::Tls12(hash) => {
            Some(verify_data_tls12(Prf::Tls12(hash), master, label, &hash_of(hash, transcript))?.to_vec())
        }
    }
}

/// Both Finished messages: a finding for one that does not match, a note for one that does.
pub fn check(story: &Story, keys: &Keys) -> (Vec<Finding>, Vec<String>) {
    let (mut findings, mut passed) = (Vec::new(), Vec::new());
    for side in [Side::Client, Side::Server] {
        let Some(info) = &story.finished_messages[side.index()] else { continue };
        let Some(transcript) = story.transcript.get(..info.transcript_len) else { continue };
        let Some(expected) = expected(story, keys, side, transcript) else { continue };
        let who = side_name(side);
        if expected == info.verify_data {
            passed.push(format!("the {who}'s Finished (frame {}) matches the transcript", info.frame));
        } else {
            findings.push(
                Finding::new(
                    codes::FINISHED_MISMATCH,
                    Severity::Error,
                    info.frame,
                    format!(
                        "the {who}'s Finished (frame {}) does not match the handshake transcript in this capture: the {who} saw other handshake bytes, or computed the transcript otherwise",
                        info.frame
                    ),
                )
                .detail("sender", who)
                .detail("transcript_bytes", transcript.len())
                .remedy("a device between the peers altered the handshake, or one peer's TLS stack has a transcript bug (renegotiation, extended master secret): capture next to each peer and compare"),
            );
        }
    }
    (findings, passed)
}
