//! Key derivation: the SSL 3.0, TLS 1.0/1.1 and TLS 1.2 PRFs, master secrets and key
//! blocks, the TLS 1.3 HKDF-Expand-Label schedule, and Finished `verify_data`.

use std::fmt;

use digest::Digest;
use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Sha256, Sha384};
use tlsdoctor_tls::registry::{CipherSuite, ProtocolVersion};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::rsakey::KeyError;
use crate::secret::Secret;
use crate::suite::{implicit_iv, uses_tls12_prf, HashAlg, SuiteParams};

/// Which pseudo-random function a TLS 1.0-1.2 connection uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Prf {
    /// SSL 3.0's MD5/SHA-1 construction (not a PRF in the RFC sense).
    Ssl3,
    /// TLS 1.0 and 1.1 (and DTLS 1.0): P_MD5 XOR P_SHA1.
    Tls10,
    /// TLS 1.2 (and DTLS 1.2) with the suite's hash.
    Tls12(HashAlg),
}

impl Prf {
    /// The PRF for a version and suite; `None` for TLS 1.3, unknown versions or a
    /// TLS 1.2 suite this crate does not know.
    pub fn for_connection(version: ProtocolVersion, suite: CipherSuite) -> Option<Prf> {
        match version.0 {
            0x0300 => Some(Prf::Ssl3),
            0x0301 | 0x0302 | 0xfeff | 0x0100 => Some(Prf::Tls10),
            _ if uses_tls12_prf(version) => Some(Prf::Tls12(SuiteParams::for_suite(suite)?.hash)),
            _ => None,
        }
    }
}

type HmacSha1 = Hmac<Sha1>;

fn hmac_once<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    // HMAC accepts keys of any length: new_from_slice cannot fail.
    let mut mac = match <M as hmac::digest::KeyInit>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return Vec::new(),
    };
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().to_vec()
}

pub(crate) fn hmac(alg: HashAlg, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    match alg {
        HashAlg::Sha256 => hmac_once::<Hmac<Sha256>>(key, parts),
        HashAlg::Sha384 => hmac_once::<Hmac<Sha384>>(key, parts),
    }
}

/// P_hash from RFC 5246 section 5, XORed into `out`.
fn p_hash_xor<M: Mac + hmac::digest::KeyInit + Clone>(secret: &[u8], seed: &[&[u8]], out: &mut [u8]) {
    let Ok(base) = <M as hmac::digest::KeyInit>::new_from_slice(secret) else {
        return;
    };
    // A(1) = HMAC(secret, seed)
    let mut a = {
        let mut m = base.clone();
        for s in seed {
            m.update(s);
        }
        m.finalize().into_bytes()
    };
    let mut pos = 0;
    while pos < out.len() {
        let mut m = base.clone();
        m.update(&a);
        for s in seed {
            m.update(s);
        }
        let block = m.finalize().into_bytes();
        for (o, b) in out[pos..].iter_mut().zip(block.iter()) {
            *o ^= b;
        }
        pos += block.len();
        let mut m = base.clone();
        m.update(&a);
        a = m.finalize().into_bytes();
    }
}

/// The TLS 1.0/1.1 PRF: P_MD5 over the first half of the secret XOR P_SHA1 over the
/// second half (halves overlap by one byte when the length is odd).
pub fn prf_tls10(secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let half = secret.len().div_ceil(2);
    let s1 = &secret[..half];
    let s2 = &secret[secret.len() - half..];
    let mut out = vec![0u8; len];
    p_hash_xor::<Hmac<Md5>>(s1, &[label, seed], &mut out);
    p_hash_xor::<HmacSha1>(s2, &[label, seed], &mut out);
    out
}

/// The TLS 1.2 PRF: P_hash(secret, label + seed).
pub fn prf_tls12(hash: HashAlg, secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    match hash {
        HashAlg::Sha256 => p_hash_xor::<Hmac<Sha256>>(secret, &[label, seed], &mut out),
        HashAlg::Sha384 => p_hash_xor::<Hmac<Sha384>>(secret, &[label, seed], &mut out),
    }
    out
}

/// SSL 3.0 key expansion: MD5(secret + SHA1("A" + secret + seed)) +
/// MD5(secret + SHA1("BB" + secret + seed)) + ... (at most 26 rounds, 416 bytes).
pub fn prf_ssl3(secret: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 16);
    let mut i = 0u8;
    while out.len() < len && i < 26 {
        let label = vec![b'A' + i; usize::from(i) + 1];
        let inner = Sha1::new().chain_update(&label).chain_update(secret).chain_update(seed).finalize();
        let outer = Md5::new().chain_update(secret).chain_update(inner).finalize();
        out.extend_from_slice(&outer);
        i += 1;
    }
    out.truncate(len);
    out
}

/// The PRF of a connection. SSL 3.0 ignores the label (its key expansion has none).
pub fn prf(prf: Prf, secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    match prf {
        Prf::Ssl3 => prf_ssl3(secret, seed, len),
        Prf::Tls10 => prf_tls10(secret, label, seed, len),
        Prf::Tls12(h) => prf_tls12(h, secret, label, seed, len),
    }
}

/// A 48-byte master secret. `Debug` does not show it.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct MasterSecret(pub [u8; 48]);

impl fmt::Debug for MasterSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterSecret(48 bytes)")
    }
}

impl MasterSecret {
    pub fn from_slice(b: &[u8]) -> Option<MasterSecret> {
        Some(MasterSecret(b.try_into().ok()?))
    }
    pub fn as_bytes(&self) -> &[u8; 48] {
        &self.0
    }
}

/// The SSL 3.0 master secret: MD5(pre + SHA1("A" + pre + cr + sr)) + ... "BB", "CCC".
pub fn ssl3_master_secret(premaster: &[u8], client_random: &[u8; 32], server_random: &[u8; 32]) -> MasterSecret {
    let mut seed = Vec::with_capacity(64);
    seed.extend_from_slice(client_random);
    seed.extend_from_slice(server_random);
    let mut ms = [0u8; 48];
    ms.copy_from_slice(&prf_ssl3(premaster, &seed, 48));
    MasterSecret(ms)
}

/// The master secret from the premaster secret (RFC 5246 section 8.1), or with the
/// extended master secret extension (RFC 7627) from the session hash.
pub fn master_secret(
    premaster: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
    version: ProtocolVersion,
    suite: CipherSuite,
    session_hash: Option<&[u8]>,
) -> Result<MasterSecret, KeyError> {
    let p = Prf::for_connection(version, suite)
        .ok_or(KeyError::Unsupported("master secret for this version/cipher suite"))?;
    if p == Prf::Ssl3 {
        return Ok(ssl3_master_secret(premaster, client_random, server_random));
    }
    let out = match session_hash {
        Some(h) => self::prf(p, premaster, b"extended master secret", h, 48),
        None => {
            let mut seed = Vec::with_capacity(64);
            seed.extend_from_slice(client_random);
            seed.extend_from_slice(server_random);
            self::prf(p, premaster, b"master secret", &seed, 48)
        }
    };
    MasterSecret::from_slice(&out).ok_or(KeyError::Unsupported("master secret length"))
}

/// The premaster secret of a PSK suite (RFC 4279): `other_secret` is the (EC)DHE shared
/// secret or the RSA premaster for DHE_PSK/ECDHE_PSK/RSA_PSK, `None` for plain PSK
/// (N zero bytes).
pub fn psk_premaster(psk: &[u8], other_secret: Option<&[u8]>) -> Secret {
    let zeros;
    let other = match other_secret {
        Some(o) => o,
        None => {
            zeros = vec![0u8; psk.len()];
            &zeros
        }
    };
    let mut out = Vec::with_capacity(4 + other.len() + psk.len());
    out.extend_from_slice(&(other.len() as u16).to_be_bytes());
    out.extend_from_slice(other);
    out.extend_from_slice(&(psk.len() as u16).to_be_bytes());
    out.extend_from_slice(psk);
    Secret::new(out)
}

/// Keys and IVs for one TLS 1.0-1.2 connection, from the key block. For GCM/CCM the IVs
/// are the 4-byte implicit salts, for ChaCha20-Poly1305 the 12-byte IVs, for CBC under
/// SSL 3.0/TLS 1.0 the first record's IV (empty from TLS 1.1 on). `Debug` shows
/// lengths only.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct KeyMaterial {
    pub client_write_mac_key: Vec<u8>,
    pub server_write_mac_key: Vec<u8>,
    pub client_write_key: Vec<u8>,
    pub server_write_key: Vec<u8>,
    pub client_write_iv: Vec<u8>,
    pub server_write_iv: Vec<u8>,
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "KeyMaterial {{ mac keys: {} bytes, write keys: {} bytes, ivs: {} bytes }}",
            self.client_write_mac_key.len(),
            self.client_write_key.len(),
            self.client_write_iv.len()
        )
    }
}

/// Splits the key block (RFC 5246 section 6.3): client MAC, server MAC, client key,
/// server key, client IV, server IV. `server_random` comes first in the seed.
pub fn key_block(
    master: &MasterSecret,
    client_random: &[u8; 32],
    server_random: &[u8; 32],
    suite: CipherSuite,
    version: ProtocolVersion,
) -> Result<KeyMaterial, KeyError> {
    let params = SuiteParams::for_suite(suite).ok_or(KeyError::Unsupported("cipher suite"))?;
    if params.tls13 {
        return Err(KeyError::Unsupported("TLS 1.3 suite in a TLS 1.0-1.2 key block"));
    }
    let p = Prf::for_connection(version, suite).ok_or(KeyError::Unsupported("version"))?;
    let mac_len = params.mac_key_len();
    let key_len = params.cipher.key_len();
    // CBC IVs come from the key block in SSL 3.0 and TLS 1.0 only; TLS 1.1+ skips them.
    let iv_len =
        if params.cipher.block_size() > 1 && !implicit_iv(version) { 0 } else { params.cipher.tls12_fixed_iv_len() };
    let total = 2 * (mac_len + key_len + iv_len);
    let mut seed = Vec::with_capacity(64);
    seed.extend_from_slice(server_random);
    seed.extend_from_slice(client_random);
    let mut block = self::prf(p, &master.0, b"key expansion", &seed, total);
    if block.len() < total {
        block.zeroize();
        return Err(KeyError::Unsupported("key block too long for SSL 3.0"));
    }
    let mut at = 0;
    let mut take = |n: usize| {
        let v = block[at..at + n].to_vec();
        at += n;
        v
    };
    let km = KeyMaterial {
        client_write_mac_key: take(mac_len),
        server_write_mac_key: take(mac_len),
        client_write_key: take(key_len),
        server_write_key: take(key_len),
        client_write_iv: take(iv_len),
        server_write_iv: take(iv_len),
    };
    block.zeroize();
    Ok(km)
}

/// Finished `verify_data` for TLS 1.0-1.2: PRF(master, label, transcript_hash)[..12].
/// `label` is `b"client finished"` or `b"server finished"`; `transcript_hash` is
/// MD5(messages) + SHA1(messages) (36 bytes) for TLS 1.0/1.1, the suite's hash of the
/// messages for TLS 1.2. `None` for SSL 3.0, whose Finished is [`verify_data_ssl3`].
pub fn verify_data_tls12(
    prf_kind: Prf,
    master: &MasterSecret,
    label: &[u8],
    transcript_hash: &[u8],
) -> Option<[u8; 12]> {
    if prf_kind == Prf::Ssl3 {
        return None;
    }
    prf(prf_kind, &master.0, label, transcript_hash, 12).try_into().ok()
}

/// SSL 3.0 Finished (36 bytes): MD5 and SHA-1 of (messages + sender + master + pad1),
/// then of (master + pad2 + inner). `sender_is_client` picks "CLNT" or "SRVR".
pub fn verify_data_ssl3(master: &MasterSecret, sender_is_client: bool, handshake_messages: &[u8]) -> [u8; 36] {
    let sender: &[u8] = if sender_is_client { b"CLNT" } else { b"SRVR" };
    let md5_inner = Md5::new()
        .chain_update(handshake_messages)
        .chain_update(sender)
        .chain_update(master.0)
        .chain_update([0x36u8; 48])
        .finalize();
    let md5 = Md5::new().chain_update(master.0).chain_update([0x5cu8; 48]).chain_update(md5_inner).finalize();
    let sha_inner = Sha1::new()
        .chain_update(handshake_messages)
        .chain_update(sender)
        .chain_update(master.0)
        .chain_update([0x36u8; 40])
        .finalize();
    let sha = Sha1::new().chain_update(master.0).chain_update([0x5cu8; 40]).chain_update(sha_inner).finalize();
    let mut out = [0u8; 36];
    out[..16].copy_from_slice(&md5);
    out[16..].copy_from_slice(&sha);
    out
}

/// HKDF-Expand-Label (RFC 8446 section 7.1): label is given without the "tls13 " prefix.
/// Errors if `len` exceeds 255 hash lengths or the label/context do not fit.
pub fn hkdf_expand_label(
    hash: HashAlg,
    secret: &[u8],
    label: &[u8],
    context: &[u8],
    len: usize,
) -> Result<Secret, KeyError> {
    expand_label(hash, secret, b"tls13 ", label, context, len)
}

/// HKDF-Expand-Label with the label prefix of a TLS 1.3 version (drafts before 20 have
/// their own).
pub(crate) fn expand_label(
    hash: HashAlg,
    secret: &[u8],
    prefix: &[u8],
    label: &[u8],
    context: &[u8],
    len: usize,
) -> Result<Secret, KeyError> {
    let full_label_len = prefix.len() + label.len();
    if full_label_len > 255 || context.len() > 255 || len > u16::MAX as usize {
        return Err(KeyError::Unsupported("HKDF label, context or length too long"));
    }
    let mut info = Vec::with_capacity(4 + full_label_len + context.len());
    info.extend_from_slice(&(len as u16).to_be_bytes());
    info.push(full_label_len as u8);
    info.extend_from_slice(prefix);
    info.extend_from_slice(label);
    info.push(context.len() as u8);
    info.extend_from_slice(context);
    let mut out = vec![0u8; len];
    let ok = match hash {
        HashAlg::Sha256 => hkdf::Hkdf::<Sha256>::from_prk(secret).ok().and_then(|h| h.expand(&info, &mut out).ok()),
        HashAlg::Sha384 => hkdf::Hkdf::<Sha384>::from_prk(secret).ok().and_then(|h| h.expand(&info, &mut out).ok()),
    };
    match ok {
        Some(()) => Ok(Secret::new(out)),
        None => Err(KeyError::Unsupported("HKDF secret shorter than the hash or output too long")),
    }
}

/// TLS 1.3 record key and IV from a traffic secret: ("key", key_len) and ("iv", 12),
/// with the labels of `version` (RFC 8446's, or a draft's).
pub fn traffic_keys(
    version: ProtocolVersion,
    suite: CipherSuite,
    traffic_secret: &[u8],
) -> Result<(Secret, Secret), KeyError> {
    let params = SuiteParams::for_suite(suite)
        .filter(|p| p.tls13)
        .ok_or(KeyError::Unsupported("not a supported TLS 1.3 cipher suite"))?;
    let prefix = version.tls13_quirks().label_prefix();
    let key = expand_label(params.hash, traffic_secret, prefix, b"key", b"", params.cipher.key_len())?;
    let iv = expand_label(params.hash, traffic_secret, prefix, b"iv", b"", 12)?;
    Ok((key, iv))
}

/// The next application traffic secret after a KeyUpdate ("traffic upd", or a draft's
/// label).
pub fn next_traffic_secret(version: ProtocolVersion, hash: HashAlg, secret: &[u8]) -> Result<Secret, KeyError> {
    let quirks = version.tls13_quirks();
    expand_label(hash, secret, quirks.label_prefix(), quirks.key_update_label(), b"", hash.output_len())
}

/// The Finished key of a TLS 1.3 handshake traffic secret.
pub fn finished_key(version: ProtocolVersion, hash: HashAlg, base_key: &[u8]) -> Result<Secret, KeyError> {
    expand_label(hash, base_key, version.tls13_quirks().label_prefix(), b"finished", b"", hash.output_len())
}

/// TLS 1.3 Finished `verify_data`: HMAC(finished_key(base_key), transcript_hash).
pub fn verify_data_tls13(
    version: ProtocolVersion,
    hash: HashAlg,
    base_key: &[u8],
    transcript_hash: &[u8],
) -> Result<Vec<u8>, KeyError> {
    let fk = finished_key(version, hash, base_key)?;
    Ok(self::hmac(hash, fk.as_bytes(), &[transcript_hash]))
}
