//! Per-direction record decryption for SSL 3.0 to TLS 1.3.

use std::fmt;

use aes_gcm::AesGcm;
use ccm::aead::{AeadInPlace, KeyInit};
use ccm::consts::{U12, U16, U8};
use ccm::Ccm;
use cipher::BlockDecrypt;
use digest::Digest;
use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Sha256, Sha384};
use tlsdoctor_tls::registry::{CipherSuite, ProtocolVersion};
use zeroize::Zeroizing;

use crate::prf::{traffic_keys, KeyMaterial};
use crate::rsakey::KeyError;
use crate::suite::{implicit_iv, is_ssl3, BulkCipher, CipherKind, MacAlg, SuiteParams};

/// Which peer wrote the records a decryptor handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    ClientToServer,
    ServerToClient,
}

/// A decrypted record: the (inner, for TLS 1.3) content type and the plaintext.
#[derive(Clone, PartialEq, Eq)]
pub struct Plaintext {
    pub content_type: u8,
    pub data: Vec<u8>,
}

impl fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Plaintext {{ content_type: {}, {} bytes }}", self.content_type, self.data.len())
    }
}

/// Why a record did not decrypt. A failed record leaves the decryptor unchanged (same
/// sequence number, CBC chaining IV and RC4 state), so it can be retried or skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecryptError {
    /// The ciphertext cannot be a record of this cipher: `what` says why.
    BadLength { len: usize, what: &'static str },
    /// AEAD tag check failed: wrong key, wrong sequence number or altered record.
    Authentication,
    /// The record MAC did not match (CBC/stream suites). For MAC-then-encrypt CBC,
    /// `padding_valid` tells whether the padding looked right: a wrong key gives
    /// (almost always) invalid padding and a bad MAC.
    BadMac { padding_valid: bool },
    /// Encrypt-then-MAC only: the MAC was right but the CBC padding is malformed.
    BadPadding,
    /// TLS 1.3: the inner plaintext is all zeros (no content type).
    NoContentType,
}

impl fmt::Display for DecryptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecryptError::BadLength { len, what } => {
                write!(f, "ciphertext of {len} bytes: {what}")
            }
            DecryptError::Authentication => f.write_str("AEAD authentication failed (wrong key, sequence or data)"),
            DecryptError::BadMac { padding_valid: true } => f.write_str("bad record MAC"),
            DecryptError::BadMac { padding_valid: false } => {
                f.write_str("bad record MAC and invalid padding (wrong key?)")
            }
            DecryptError::BadPadding => f.write_str("MAC valid but CBC padding malformed"),
            DecryptError::NoContentType => f.write_str("TLS 1.3 inner plaintext has no content type"),
        }
    }
}

impl std::error::Error for DecryptError {}

/// AES-GCM and ChaCha20-Poly1305 come from `ring` (assembly, several times faster than
/// RustCrypto's GHASH and Poly1305); `ring` has no CCM, and no Camellia or ARIA: their
/// GCM suites use RustCrypto's GCM, generic over the block cipher.
enum AeadImpl {
    Ring(Box<ring::aead::LessSafeKey>),
    RustCrypto(Box<dyn OpenInPlace>),
}

/// A RustCrypto AEAD with TLS's 12-byte nonces, whatever its cipher and tag length.
trait OpenInPlace: Send + Sync {
    /// Decrypts ciphertext and tag in place; false when the tag does not match.
    fn open_in_place(&self, nonce: [u8; 12], aad: &[u8], buf: &mut Vec<u8>) -> bool;
}

impl<A: AeadInPlace<NonceSize = U12> + Send + Sync> OpenInPlace for A {
    fn open_in_place(&self, nonce: [u8; 12], aad: &[u8], buf: &mut Vec<u8>) -> bool {
        self.decrypt_in_place(&nonce.into(), aad, buf).is_ok()
    }
}

impl AeadImpl {
    fn new(cipher: BulkCipher, key: &[u8]) -> Option<AeadImpl> {
        use ring::aead::{LessSafeKey, UnboundKey};
        let ring = |alg| UnboundKey::new(alg, key).ok().map(|k| AeadImpl::Ring(Box::new(LessSafeKey::new(k))));
        fn rust_crypto<A: OpenInPlace + KeyInit + 'static>(key: &[u8]) -> Option<AeadImpl> {
            Some(AeadImpl::RustCrypto(Box::new(A::new_from_slice(key).ok()?)))
        }
        match cipher {
            BulkCipher::Aes128Gcm => ring(&ring::aead::AES_128_GCM),
            BulkCipher::Aes256Gcm => ring(&ring::aead::AES_256_GCM),
            BulkCipher::ChaCha20Poly1305 => ring(&ring::aead::CHACHA20_POLY1305),
            BulkCipher::Aes128Ccm => rust_crypto::<Ccm<aes::Aes128, U16, U12>>(key),
            BulkCipher::Aes256Ccm => rust_crypto::<Ccm<aes::Aes256, U16, U12>>(key),
            BulkCipher::Aes128Ccm8 => rust_crypto::<Ccm<aes::Aes128, U8, U12>>(key),
            BulkCipher::Aes256Ccm8 => rust_crypto::<Ccm<aes::Aes256, U8, U12>>(key),
            BulkCipher::Camellia128Gcm => rust_crypto::<AesGcm<camellia::Camellia128, U12>>(key),
            BulkCipher::Camellia256Gcm => rust_crypto::<AesGcm<camellia::Camellia256, U12>>(key),
            BulkCipher::Aria128Gcm => rust_crypto::<AesGcm<aria::Aria128, U12>>(key),
            BulkCipher::Aria256Gcm => rust_crypto::<AesGcm<aria::Aria256, U12>>(key),
            _ => None,
        }
    }

    /// Decrypts `buf` (ciphertext and tag) in place, leaving the plaintext in it.
    fn open(&self, nonce: [u8; 12], aad: &[u8], buf: &mut Vec<u8>) -> Result<(), DecryptError> {
        let ok = match self {
            AeadImpl::Ring(k) => {
                let nonce = ring::aead::Nonce::assume_unique_for_key(nonce);
                let plain_len = k.open_in_place(nonce, ring::aead::Aad::from(aad), buf).map(|p| p.len());
                plain_len.map(|len| buf.truncate(len)).is_ok()
            }
            AeadImpl::RustCrypto(c) => c.open_in_place(nonce, aad, buf),
        };
        if ok {
            Ok(())
        } else {
            Err(DecryptError::Authentication)
        }
    }
}

/// The block cipher of a CBC suite.
struct BlockImpl(Box<dyn DecryptBlocks>);

/// A block cipher's decryption, whatever the cipher.
trait DecryptBlocks: Send + Sync {
    fn block_size(&self) -> usize;
    /// Decrypts `enc` (a whole number of blocks) into `out`, all blocks in one call so
    /// that AES-NI can work on several at once.
    fn decrypt_blocks(&self, enc: &[u8], out: &mut [u8]);
}

impl<C: BlockDecrypt + Send + Sync> DecryptBlocks for C {
    fn block_size(&self) -> usize {
        C::block_size()
    }

    fn decrypt_blocks(&self, enc: &[u8], out: &mut [u8]) {
        if let Ok(buf) = cipher::inout::InOutBuf::new(enc, out) {
            self.decrypt_blocks_inout(buf.into_chunks().0);
        }
    }
}

impl BlockImpl {
    fn new(cipher: BulkCipher, key: &[u8]) -> Option<BlockImpl> {
        fn boxed<C: DecryptBlocks + cipher::KeyInit + 'static>(key: &[u8]) -> Option<BlockImpl> {
            Some(BlockImpl(Box::new(C::new_from_slice(key).ok()?)))
        }
        match cipher {
            BulkCipher::Des => boxed::<des::Des>(key),
            BulkCipher::TripleDes => boxed::<des::TdesEde3>(key),
            BulkCipher::Aes128Cbc => boxed::<aes::Aes128>(key),
            BulkCipher::Aes256Cbc => boxed::<aes::Aes256>(key),
            BulkCipher::Camellia128Cbc => boxed::<camellia::Camellia128>(key),
            BulkCipher::Camellia256Cbc => boxed::<camellia::Camellia256>(key),
            BulkCipher::Aria128Cbc => boxed::<aria::Aria128>(key),
            BulkCipher::Aria256Cbc => boxed::<aria::Aria256>(key),
            _ => None,
        }
    }

    fn block_size(&self) -> usize {
        self.0.block_size()
    }

    /// CBC-decrypts `enc` (a whole number of blocks) with `iv` into `out` (as long as
    /// `enc`).
    fn cbc_decrypt(&self, iv: &[u8], enc: &[u8], out: &mut [u8]) {
        self.0.decrypt_blocks(enc, out);
        // Each plaintext block is XOR-ed with the previous ciphertext block (the IV first).
        let (first, rest) = out.split_at_mut(self.block_size().min(out.len()));
        for (b, p) in first.iter_mut().zip(iv) {
            *b ^= p;
        }
        for (b, p) in rest.iter_mut().zip(enc) {
            *b ^= p;
        }
    }
}

struct RecordMac {
    alg: MacAlg,
    key: Zeroizing<Vec<u8>>,
    ssl3: bool,
}

impl RecordMac {
    /// The MAC over seq + type + version + length + content (SSL 3.0: no version, and
    /// its own pad construction).
    fn compute(&self, seq: u64, content_type: u8, version: [u8; 2], content: &[u8]) -> Vec<u8> {
        let len = (content.len() as u16).to_be_bytes();
        let seqb = seq.to_be_bytes();
        if self.ssl3 {
            let header: [&[u8]; 3] = [&seqb, &[content_type], &len];
            return match self.alg {
                MacAlg::Md5 => ssl3_mac::<Md5>(&self.key, 48, &header, content),
                _ => ssl3_mac::<Sha1>(&self.key, 40, &header, content),
            };
        }
        let parts: [&[u8]; 5] = [&seqb, &[content_type], &version, &len, content];
        fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
            let Ok(mut m) = <M as Mac>::new_from_slice(key) else {
                return Vec::new();
            };
            for p in parts {
                m.update(p);
            }
            m.finalize().into_bytes().to_vec()
        }
        match self.alg {
            MacAlg::Md5 => run::<Hmac<Md5>>(&self.key, &parts),
            MacAlg::Sha1 => run::<Hmac<Sha1>>(&self.key, &parts),
            MacAlg::Sha256 => run::<Hmac<Sha256>>(&self.key, &parts),
            MacAlg::Sha384 => run::<Hmac<Sha384>>(&self.key, &parts),
        }
    }

    fn len(&self) -> usize {
        self.alg.output_len()
    }
}

enum Protection {
    Null {
        mac: RecordMac,
    },
    Rc4 {
        rc4: Box<Rc4>,
        mac: RecordMac,
    },
    Cbc {
        cipher: BlockImpl,
        mac: RecordMac,
        /// SSL 3.0 / TLS 1.0: the chaining IV (last ciphertext block of the previous
        /// record). `None` from TLS 1.1 on (explicit per-record IV).
        chain_iv: Option<Vec<u8>>,
        encrypt_then_mac: bool,
    },
    Aead12 {
        aead: AeadImpl,
        /// 4-byte salt (GCM/CCM) or 12-byte IV (ChaCha20).
        fixed_iv: Zeroizing<Vec<u8>>,
        explicit_nonce: bool,
        tag_len: usize,
    },
    Aead13 {
        aead: AeadImpl,
        iv: Zeroizing<Vec<u8>>,
        tag_len: usize,
        /// TLS 1.3 drafts before 25 authenticate no additional data.
        header_aad: bool,
    },
}

/// Decrypts the records one peer sent, in order, keeping the sequence number (and the
/// CBC chaining IV / RC4 state) itself. `Debug` shows no key.
pub struct RecordDecryptor {
    suite: CipherSuite,
    version: ProtocolVersion,
    seq: u64,
    protection: Protection,
}

impl fmt::Debug for RecordDecryptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.protection {
            Protection::Null { .. } => "null",
            Protection::Rc4 { .. } => "rc4",
            Protection::Cbc { encrypt_then_mac: true, .. } => "cbc (encrypt_then_mac)",
            Protection::Cbc { .. } => "cbc",
            Protection::Aead12 { .. } | Protection::Aead13 { .. } => "aead",
        };
        f.debug_struct("RecordDecryptor")
            .field("suite", &self.suite)
            .field("version", &self.version)
            .field("seq", &self.seq)
            .field("protection", &kind)
            .finish()
    }
}

fn nonce_xor(iv: &[u8], seq: u64) -> [u8; 12] {
    let mut n = [0u8; 12];
    for (o, i) in n.iter_mut().zip(iv.iter()) {
        *o = *i;
    }
    for (o, s) in n[4..].iter_mut().zip(seq.to_be_bytes()) {
        *o ^= s;
    }
    n
}

impl RecordDecryptor {
    /// A decryptor for one direction of a SSL 3.0 / TLS 1.0-1.2 connection.
    /// `encrypt_then_mac` (RFC 7366) only matters for CBC suites.
    pub fn tls12(
        suite: CipherSuite,
        version: ProtocolVersion,
        keys: &KeyMaterial,
        direction: Direction,
        encrypt_then_mac: bool,
    ) -> Result<RecordDecryptor, KeyError> {
        let params = SuiteParams::for_suite(suite).ok_or(KeyError::Unsupported("cipher suite"))?;
        if params.tls13 || version.is_tls13() {
            return Err(KeyError::Unsupported("TLS 1.3 suite or version: use RecordDecryptor::tls13"));
        }
        let (mac_key, key, iv) = match direction {
            Direction::ClientToServer => (&keys.client_write_mac_key, &keys.client_write_key, &keys.client_write_iv),
            Direction::ServerToClient => (&keys.server_write_mac_key, &keys.server_write_key, &keys.server_write_iv),
        };
        let bad = KeyError::Unsupported("key material does not fit the cipher suite");
        if key.len() != params.cipher.key_len() || mac_key.len() != params.mac_key_len() {
            return Err(bad);
        }
        let mac = params.mac.map(|alg| RecordMac { alg, key: Zeroizing::new(mac_key.clone()), ssl3: is_ssl3(version) });
        let protection = match (params.cipher.kind(), mac) {
            (CipherKind::Stream, Some(mac)) if params.cipher == BulkCipher::Null => Protection::Null { mac },
            (CipherKind::Stream, Some(mac)) => Protection::Rc4 { rc4: Box::new(Rc4::new(key)), mac },
            (CipherKind::Block, Some(mac)) => {
                let cipher = BlockImpl::new(params.cipher, key).ok_or(bad.clone())?;
                let chain_iv = if implicit_iv(version) {
                    if iv.len() != cipher.block_size() {
                        return Err(bad);
                    }
                    Some(iv.clone())
                } else {
                    None
                };
                Protection::Cbc { cipher, mac, chain_iv, encrypt_then_mac }
            }
            (CipherKind::Aead, None) => {
                if iv.len() != params.cipher.tls12_fixed_iv_len() {
                    return Err(bad);
                }
                Protection::Aead12 {
                    aead: AeadImpl::new(params.cipher, key).ok_or(bad.clone())?,
                    fixed_iv: Zeroizing::new(iv.clone()),
                    explicit_nonce: params.cipher.tls12_explicit_nonce_len() == 8,
                    tag_len: params.cipher.tag_len(),
                }
            }
            _ => return Err(bad),
        };
        Ok(RecordDecryptor { suite, version, seq: 0, protection })
    }

    /// A decryptor for one TLS 1.3 traffic secret (handshake or application) of the
    /// negotiated `version`: RFC 8446 or a draft, whose key labels and additional data
    /// may differ. After a KeyUpdate, make a new one from `next_traffic_secret`.
    pub fn tls13(
        version: ProtocolVersion,
        suite: CipherSuite,
        traffic_secret: &[u8],
    ) -> Result<RecordDecryptor, KeyError> {
        let params = SuiteParams::for_suite(suite)
            .filter(|p| p.tls13)
            .ok_or(KeyError::Unsupported("not a supported TLS 1.3 cipher suite"))?;
        if traffic_secret.len() != params.hash.output_len() {
            return Err(KeyError::Unsupported("traffic secret length does not match the suite hash"));
        }
        let (key, iv) = traffic_keys(version, suite, traffic_secret)?;
        let aead = AeadImpl::new(params.cipher, key.as_bytes()).ok_or(KeyError::Unsupported("cipher suite"))?;
        Ok(RecordDecryptor {
            suite,
            version,
            seq: 0,
            protection: Protection::Aead13 {
                aead,
                iv: Zeroizing::new(iv.as_bytes().to_vec()),
                tag_len: params.cipher.tag_len(),
                header_aad: !version.tls13_quirks().empty_additional_data,
            },
        })
    }

    /// The sequence number of the next record.
    pub fn sequence(&self) -> u64 {
        self.seq
    }

    /// Sets the next sequence number (to resynchronise after a record that was lost, or
    /// for DTLS: epoch << 48 | sequence).
    pub fn set_sequence(&mut self, seq: u64) {
        self.seq = seq;
    }

    pub fn suite(&self) -> CipherSuite {
        self.suite
    }

    /// Decrypts the next record. `header` is the 5-byte record header as on the wire
    /// (type, version, length); the length field is not trusted, `ciphertext` is the
    /// record body. On success the sequence number advances; on error nothing changes.
    /// Passes over a record without opening it, as if it had been opened: the sequence
    /// number and the CBC chaining IV advance. False when the record cannot be passed
    /// over (RC4's keystream must run through it; a TLS 1.3 record hides its type):
    /// decrypt it instead.
    pub fn skip(&mut self, ciphertext: &[u8]) -> bool {
        match &mut self.protection {
            Protection::Rc4 { .. } | Protection::Aead13 { .. } => return false,
            Protection::Cbc { cipher, mac, chain_iv: Some(chain), encrypt_then_mac } => {
                let bs = cipher.block_size();
                let blocks_end =
                    if *encrypt_then_mac { ciphertext.len().saturating_sub(mac.len()) } else { ciphertext.len() };
                let Some(last_block) = blocks_end.checked_sub(bs).and_then(|start| ciphertext.get(start..blocks_end))
                else {
                    return false;
                };
                chain.copy_from_slice(last_block);
            }
            _ => {}
        }
        self.seq = self.seq.wrapping_add(1);
        true
    }

    pub fn decrypt(&mut self, header: [u8; 5], ciphertext: &[u8]) -> Result<Plaintext, DecryptError> {
        let seq = self.seq;
        let content_type = header[0];
        let version = [header[1], header[2]];
        let out = match &mut self.protection {
            Protection::Null { mac } => {
                let (data, tag) = split_mac(ciphertext, mac.len())?;
                if mac.compute(seq, content_type, version, data) != tag {
                    return Err(DecryptError::BadMac { padding_valid: true });
                }
                Plaintext { content_type, data: data.to_vec() }
            }
            Protection::Rc4 { rc4, mac } => {
                let mut state = rc4.clone();
                let mut buf = ciphertext.to_vec();
                state.apply(&mut buf);
                let (data, tag) = split_mac(&buf, mac.len())?;
                if mac.compute(seq, content_type, version, data) != tag {
                    return Err(DecryptError::BadMac { padding_valid: true });
                }
                let data = data.to_vec();
                *rc4 = state;
                Plaintext { content_type, data }
            }
            Protection::Cbc { cipher, mac, chain_iv, encrypt_then_mac } => {
                let bs = cipher.block_size();
                let explicit = chain_iv.is_none();
                let iv_len = if explicit { bs } else { 0 };
                let mac_len = mac.len();
                if *encrypt_then_mac {
                    let Some(body_len) = ciphertext.len().checked_sub(mac_len) else {
                        return Err(DecryptError::BadLength { len: ciphertext.len(), what: "shorter than the MAC" });
                    };
                    let (body, tag) = ciphertext.split_at(body_len);
                    if body.len() < iv_len + bs || body.len() % bs != 0 {
                        return Err(DecryptError::BadLength {
                            len: ciphertext.len(),
                            what: "not IV + whole CBC blocks + MAC",
                        });
                    }
                    if mac.compute(seq, content_type, version, body) != tag {
                        return Err(DecryptError::BadMac { padding_valid: true });
                    }
                    let (iv, enc) = body.split_at(iv_len);
                    let iv = if explicit { iv } else { chain_iv.as_deref().unwrap_or_default() };
                    let mut buf = vec![0; enc.len()];
                    cipher.cbc_decrypt(iv, enc, &mut buf);
                    let Some(plain_len) = check_padding(&buf, bs, mac.ssl3) else {
                        return Err(DecryptError::BadPadding);
                    };
                    buf.truncate(plain_len);
                    if let Some(c) = chain_iv {
                        c.copy_from_slice(&enc[enc.len() - bs..]);
                    }
                    Plaintext { content_type, data: buf }
                } else {
                    let min = iv_len + (mac_len + 1).div_ceil(bs) * bs;
                    if ciphertext.len() < min || ciphertext.len() % bs != 0 {
                        return Err(DecryptError::BadLength {
                            len: ciphertext.len(),
                            what: "not whole CBC blocks holding IV, MAC and padding",
                        });
                    }
                    let (iv, enc) = ciphertext.split_at(iv_len);
                    let iv = if explicit { iv } else { chain_iv.as_deref().unwrap_or_default() };
                    let mut buf = vec![0; enc.len()];
                    cipher.cbc_decrypt(iv, enc, &mut buf);
                    let (unpadded, padding_valid) = match check_padding(&buf, bs, mac.ssl3) {
                        Some(l) => (l, true),
                        // Check the MAC as if there were no padding, so that a wrong key
                        // reports a bad MAC (as TLS itself does, RFC 5246 6.2.3.2).
                        None => (buf.len(), false),
                    };
                    let Some(data_len) = unpadded.checked_sub(mac_len) else {
                        return Err(DecryptError::BadMac { padding_valid });
                    };
                    let (data, tag) = buf[..unpadded].split_at(data_len);
                    if !padding_valid || mac.compute(seq, content_type, version, data) != tag {
                        return Err(DecryptError::BadMac { padding_valid });
                    }
                    buf.truncate(data_len);
                    if let Some(c) = chain_iv {
                        c.copy_from_slice(&enc[enc.len() - bs..]);
                    }
                    Plaintext { content_type, data: buf }
                }
            }
            Protection::Aead12 { aead, fixed_iv, explicit_nonce, tag_len } => {
                let nonce_len = if *explicit_nonce { 8 } else { 0 };
                let Some(plain_len) = ciphertext.len().checked_sub(nonce_len + *tag_len) else {
                    return Err(DecryptError::BadLength { len: ciphertext.len(), what: "shorter than nonce and tag" });
                };
                let (nonce, body) = ciphertext.split_at(nonce_len);
                let nonce = if *explicit_nonce {
                    let mut n = [0u8; 12];
                    n[..4].copy_from_slice(&fixed_iv[..4.min(fixed_iv.len())]);
                    n[4..].copy_from_slice(nonce);
                    n
                } else {
                    nonce_xor(fixed_iv, seq)
                };
                let mut aad = [0u8; 13];
                aad[..8].copy_from_slice(&seq.to_be_bytes());
                aad[8] = content_type;
                aad[9..11].copy_from_slice(&version);
                aad[11..].copy_from_slice(&(plain_len as u16).to_be_bytes());
                let mut data = body.to_vec();
                aead.open(nonce, &aad, &mut data)?;
                Plaintext { content_type, data }
            }
            Protection::Aead13 { header_aad, .. } => {
                let mut aad = header;
                let l = (ciphertext.len().min(u16::MAX as usize) as u16).to_be_bytes();
                aad[3] = l[0];
                aad[4] = l[1];
                let aad: &[u8] = if *header_aad { &aad } else { &[] };
                self.open_tls13(aad, seq, ciphertext)?
            }
        };
        self.seq = self.seq.wrapping_add(1);
        Ok(out)
    }
}

impl RecordDecryptor {
    /// Opens a TLS 1.3-style record (TLSInnerPlaintext) with `aad` as its additional data
    /// and `seq` in its nonce; the decryptor's own sequence number is left alone. Only
    /// for decryptors made by [`RecordDecryptor::tls13`].
    pub(crate) fn open_tls13(&self, aad: &[u8], seq: u64, ciphertext: &[u8]) -> Result<Plaintext, DecryptError> {
        let Protection::Aead13 { aead, iv, tag_len, .. } = &self.protection else {
            return Err(DecryptError::BadLength { len: ciphertext.len(), what: "not a TLS 1.3 record protection" });
        };
        if ciphertext.len() < *tag_len + 1 {
            return Err(DecryptError::BadLength { len: ciphertext.len(), what: "shorter than tag + content type" });
        }
        let mut data = ciphertext.to_vec();
        aead.open(nonce_xor(iv, seq), aad, &mut data)?;
        let Some(end) = data.iter().rposition(|&b| b != 0) else {
            return Err(DecryptError::NoContentType);
        };
        let inner_type = data[end];
        data.truncate(end);
        Ok(Plaintext { content_type: inner_type, data })
    }
}

fn split_mac(buf: &[u8], mac_len: usize) -> Result<(&[u8], &[u8]), DecryptError> {
    match buf.len().checked_sub(mac_len) {
        Some(n) => Ok(buf.split_at(n)),
        None => Err(DecryptError::BadLength { len: buf.len(), what: "shorter than the MAC" }),
    }
}

/// Validates CBC padding; returns the length without padding. TLS: every padding byte
/// equals the padding length. SSL 3.0: only the length is checked (< block size).
fn check_padding(buf: &[u8], bs: usize, ssl3: bool) -> Option<usize> {
    let &last = buf.last()?;
    let pad = usize::from(last) + 1;
    if pad > buf.len() {
        return None;
    }
    if ssl3 {
        if pad > bs {
            return None;
        }
    } else if buf[buf.len() - pad..].iter().any(|&b| b != last) {
        return None;
    }
    Some(buf.len() - pad)
}

/// RC4 (ARCFOUR). Hand-written rather than the `rc4` crate because the decryptor must
/// clone the state to leave it unchanged when a record fails its MAC.
#[derive(Clone)]
struct Rc4 {
    s: [u8; 256],
    i: u8,
    j: u8,
}

impl Rc4 {
    fn new(key: &[u8]) -> Rc4 {
        let mut s = [0u8; 256];
        for (i, b) in s.iter_mut().enumerate() {
            *b = i as u8;
        }
        if !key.is_empty() {
            let mut j = 0u8;
            for i in 0..256 {
                j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
                s.swap(i, usize::from(j));
            }
        }
        Rc4 { s, i: 0, j: 0 }
    }

    fn apply(&mut self, data: &mut [u8]) {
        for b in data {
            self.i = self.i.wrapping_add(1);
            self.j = self.j.wrapping_add(self.s[usize::from(self.i)]);
            self.s.swap(usize::from(self.i), usize::from(self.j));
            let k = self.s[usize::from(self.s[usize::from(self.i)].wrapping_add(self.s[usize::from(self.j)]))];
            *b ^= k;
        }
    }
}

impl Drop for Rc4 {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.s.zeroize();
    }
}

/// SSL 3.0's record MAC: hash(key + pad2 + hash(key + pad1 + header + content)), with
/// pads of 0x36 and 0x5c of `pad_len` bytes (48 for MD5, 40 for SHA-1).
fn ssl3_mac<D: Digest>(key: &[u8], pad_len: usize, header: &[&[u8]], content: &[u8]) -> Vec<u8> {
    let mut inner = D::new().chain_update(key).chain_update(vec![0x36u8; pad_len]);
    for part in header {
        inner.update(part);
    }
    let inner = inner.chain_update(content).finalize();
    D::new().chain_update(key).chain_update(vec![0x5cu8; pad_len]).chain_update(inner).finalize().to_vec()
}
