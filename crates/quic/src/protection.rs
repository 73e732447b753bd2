//! Packet protection (RFC 9001 §5): keys from a TLS 1.3 traffic secret or, for Initial
//! packets, from the client's Destination Connection ID; AEAD payload protection, header
//! protection masks, key updates and the Retry integrity tag.

use ring::aead::{self, quic, Aad, LessSafeKey, Nonce, UnboundKey};
use sha2::Sha256;
use tlsdoctor_keys::{hkdf_expand_label, HashAlg, Secret};

use crate::version::VersionParams;

/// The TLS 1.3 cipher suites QUIC can use (RFC 9001 §5.3: not TLS_AES_128_CCM_8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuicSuite {
    Aes128Gcm,
    Aes256Gcm,
    ChaCha20Poly1305,
    Aes128Ccm,
}

impl QuicSuite {
    pub fn from_tls(suite: u16) -> Option<QuicSuite> {
        Some(match suite {
            0x1301 => QuicSuite::Aes128Gcm,
            0x1302 => QuicSuite::Aes256Gcm,
            0x1303 => QuicSuite::ChaCha20Poly1305,
            0x1304 => QuicSuite::Aes128Ccm,
            _ => return None,
        })
    }

    fn hash(self) -> HashAlg {
        match self {
            QuicSuite::Aes256Gcm => HashAlg::Sha384,
            _ => HashAlg::Sha256,
        }
    }

    fn algorithms(self) -> Option<(&'static aead::Algorithm, &'static quic::Algorithm)> {
        match self {
            QuicSuite::Aes128Gcm => Some((&aead::AES_128_GCM, &quic::AES_128)),
            QuicSuite::Aes256Gcm => Some((&aead::AES_256_GCM, &quic::AES_256)),
            QuicSuite::ChaCha20Poly1305 => Some((&aead::CHACHA20_POLY1305, &quic::CHACHA20)),
            // ring has no CCM; the suite is rare enough to report as unsupported.
            QuicSuite::Aes128Ccm => None,
        }
    }
}

/// The keys protecting one direction at one encryption level.
pub struct PacketKeys {
    suite: QuicSuite,
    params: VersionParams,
    secret: Secret,
    aead: LessSafeKey,
    iv: [u8; 12],
    hp: quic::HeaderProtectionKey,
}

impl std::fmt::Debug for PacketKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PacketKeys {{ {:?}, secret of {} bytes }}", self.suite, self.secret.len())
    }
}

/// Why keys could not be made.
pub type KeyError = &'static str;

/// The key, IV and header protection key a traffic secret gives (RFC 9001 §5.1).
#[derive(Debug)]
pub struct KeyMaterial {
    pub key: Secret,
    pub iv: Secret,
    pub hp: Secret,
}

impl KeyMaterial {
    pub fn derive(suite: QuicSuite, params: &VersionParams, secret: &[u8]) -> Result<KeyMaterial, KeyError> {
        let key_len = match suite {
            QuicSuite::Aes128Gcm | QuicSuite::Aes128Ccm => 16,
            _ => 32,
        };
        let expand = |label: &[u8], len: usize| {
            hkdf_expand_label(suite.hash(), secret, label, b"", len).map_err(|_| "secret too short for its hash")
        };
        Ok(KeyMaterial {
            key: expand(params.labels.key, key_len)?,
            iv: expand(params.labels.iv, 12)?,
            hp: expand(params.labels.hp, key_len)?,
        })
    }
}

impl PacketKeys {
    /// Keys from a traffic secret (a key log's, or an Initial secret).
    pub fn from_secret(suite: QuicSuite, params: VersionParams, secret: &[u8]) -> Result<PacketKeys, KeyError> {
        let m = KeyMaterial::derive(suite, &params, secret)?;
        let (aead_alg, hp_alg) = suite.algorithms().ok_or("AES-CCM packet protection is not supported")?;
        let hp = quic::HeaderProtectionKey::new(hp_alg, m.hp.as_bytes()).map_err(|_| "bad header protection key")?;
        Self::assemble(suite, params, Secret::from_slice(secret), &m, aead_alg, hp)
    }

    fn assemble(
        suite: QuicSuite,
        params: VersionParams,
        secret: Secret,
        m: &KeyMaterial,
        aead_alg: &'static aead::Algorithm,
        hp: quic::HeaderProtectionKey,
    ) -> Result<PacketKeys, KeyError> {
        let aead = LessSafeKey::new(UnboundKey::new(aead_alg, m.key.as_bytes()).map_err(|_| "bad packet key")?);
        let iv: [u8; 12] = m.iv.as_bytes().try_into().map_err(|_| "bad iv")?;
        Ok(PacketKeys { suite, params, secret, aead, iv, hp })
    }

    /// The Initial secrets (client's, server's) for a client Destination Connection ID.
    pub fn initial_secrets(params: &VersionParams, dcid: &[u8]) -> Result<(Secret, Secret), KeyError> {
        let (prk, _) = hkdf::Hkdf::<Sha256>::extract(Some(&params.initial_salt), dcid);
        let expand =
            |label: &[u8]| hkdf_expand_label(HashAlg::Sha256, &prk, label, b"", 32).map_err(|_| "initial secret");
        Ok((expand(b"client in")?, expand(b"server in")?))
    }

    /// The client's and the server's Initial keys for a client Destination Connection ID.
    pub fn initial(params: VersionParams, dcid: &[u8]) -> Result<(PacketKeys, PacketKeys), KeyError> {
        let (client, server) = Self::initial_secrets(&params, dcid)?;
        Ok((
            PacketKeys::from_secret(QuicSuite::Aes128Gcm, params, client.as_bytes())?,
            PacketKeys::from_secret(QuicSuite::Aes128Gcm, params, server.as_bytes())?,
        ))
    }

    /// The keys after a key update (RFC 9001 §6.1): a new secret and packet key, the
    /// same header protection key.
    pub fn next_phase(&self) -> Result<PacketKeys, KeyError> {
        let hash = self.suite.hash();
        let next = hkdf_expand_label(hash, self.secret.as_bytes(), self.params.labels.ku, b"", hash.output_len())
            .map_err(|_| "secret too short for its hash")?;
        let (aead_alg, hp_alg) = self.suite.algorithms().ok_or("unsupported suite")?;
        let old = KeyMaterial::derive(self.suite, &self.params, self.secret.as_bytes())?;
        let hp = quic::HeaderProtectionKey::new(hp_alg, old.hp.as_bytes()).map_err(|_| "bad header protection key")?;
        let m = KeyMaterial::derive(self.suite, &self.params, next.as_bytes())?;
        Self::assemble(self.suite, self.params, next, &m, aead_alg, hp)
    }

    /// The 5-byte header protection mask for a 16-byte sample.
    pub fn mask(&self, sample: &[u8]) -> Option<[u8; 5]> {
        self.hp.new_mask(sample).ok()
    }

    fn nonce(&self, packet_number: u64) -> Nonce {
        let mut nonce = self.iv;
        for (n, p) in nonce[4..].iter_mut().zip(packet_number.to_be_bytes()) {
            *n ^= p;
        }
        Nonce::assume_unique_for_key(nonce)
    }

    /// Opens a payload in place; returns the plaintext's length, None when the tag does
    /// not verify.
    pub fn open(&self, packet_number: u64, header: &[u8], payload: &mut [u8]) -> Option<usize> {
        self.aead.open_in_place(self.nonce(packet_number), Aad::from(header), payload).ok().map(|p| p.len())
    }

    /// Protects a payload (the inverse of [`open`](Self::open), for building test packets):
    /// appends the tag.
    pub fn seal(&self, packet_number: u64, header: &[u8], payload: &mut Vec<u8>) {
        let _ = self.aead.seal_in_place_append_tag(self.nonce(packet_number), Aad::from(header), payload);
    }

    pub fn tag_len(&self) -> usize {
        self.aead.algorithm().tag_len()
    }
}

/// Whether a Retry packet's integrity tag (its last 16 bytes) is right for the
/// Destination Connection ID of the client's first Initial (RFC 9001 §5.8).
pub fn retry_tag_ok(params: &VersionParams, original_dcid: &[u8], retry: &[u8]) -> bool {
    let Some(split) = retry.len().checked_sub(16) else { return false };
    let (packet, tag) = retry.split_at(split);
    let Ok(odcid_len) = u8::try_from(original_dcid.len()) else { return false };
    let mut pseudo = Vec::with_capacity(1 + original_dcid.len() + packet.len());
    pseudo.push(odcid_len);
    pseudo.extend_from_slice(original_dcid);
    pseudo.extend_from_slice(packet);
    let Ok(key) = UnboundKey::new(&aead::AES_128_GCM, &params.retry_key) else { return false };
    let key = LessSafeKey::new(key);
    let nonce = Nonce::assume_unique_for_key(params.retry_nonce);
    match key.seal_in_place_separate_tag(nonce, Aad::from(&pseudo[..]), &mut []) {
        // Not a secret: a plain comparison will do.
        Ok(expected) => expected.as_ref() == tag,
        Err(_) => false,
    }
}
