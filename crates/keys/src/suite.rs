//! What record protection a cipher suite uses: the parameter table behind key-block
//! lengths and record decryption.

use tlsdoctor_tls::registry::{CipherSuite, ProtocolVersion};

/// The hash of a TLS 1.2 PRF or a TLS 1.3 key schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlg {
    Sha256,
    Sha384,
}

impl HashAlg {
    pub fn output_len(self) -> usize {
        match self {
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
        }
    }
}

/// The record MAC of a non-AEAD suite (HMAC in TLS, the SSL 3.0 MAC in SSL 3.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MacAlg {
    Md5,
    Sha1,
    Sha256,
    Sha384,
}

impl MacAlg {
    pub fn output_len(self) -> usize {
        match self {
            MacAlg::Md5 => 16,
            MacAlg::Sha1 => 20,
            MacAlg::Sha256 => 32,
            MacAlg::Sha384 => 48,
        }
    }
}

/// The bulk cipher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BulkCipher {
    Null,
    Rc4_128,
    Des,
    TripleDes,
    Aes128Cbc,
    Aes256Cbc,
    Aes128Gcm,
    Aes256Gcm,
    ChaCha20Poly1305,
    Aes128Ccm,
    Aes256Ccm,
    Aes128Ccm8,
    Aes256Ccm8,
    Camellia128Cbc,
    Camellia256Cbc,
    Aria128Cbc,
    Aria256Cbc,
    /// Camellia and ARIA in GCM (RFC 6367, RFC 6209): the TLS 1.2 AES-GCM construction
    /// over another 128-bit block cipher.
    Camellia128Gcm,
    Camellia256Gcm,
    Aria128Gcm,
    Aria256Gcm,
}

/// How records are protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CipherKind {
    /// NULL or RC4: MAC after the data.
    Stream,
    /// CBC with a MAC (MAC-then-encrypt unless encrypt_then_mac was negotiated).
    Block,
    /// AEAD.
    Aead,
}

impl BulkCipher {
    pub fn kind(self) -> CipherKind {
        match self {
            BulkCipher::Null | BulkCipher::Rc4_128 => CipherKind::Stream,
            BulkCipher::Des
            | BulkCipher::TripleDes
            | BulkCipher::Aes128Cbc
            | BulkCipher::Aes256Cbc
            | BulkCipher::Camellia128Cbc
            | BulkCipher::Camellia256Cbc
            | BulkCipher::Aria128Cbc
            | BulkCipher::Aria256Cbc => CipherKind::Block,
            _ => CipherKind::Aead,
        }
    }

    /// Encryption key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            BulkCipher::Null => 0,
            BulkCipher::Des => 8,
            BulkCipher::TripleDes => 24,
            BulkCipher::Rc4_128
            | BulkCipher::Aes128Cbc
            | BulkCipher::Aes128Gcm
            | BulkCipher::Aes128Ccm
            | BulkCipher::Aes128Ccm8
            | BulkCipher::Camellia128Cbc
            | BulkCipher::Aria128Cbc
            | BulkCipher::Camellia128Gcm
            | BulkCipher::Aria128Gcm => 16,
            BulkCipher::Aes256Cbc
            | BulkCipher::Aes256Gcm
            | BulkCipher::ChaCha20Poly1305
            | BulkCipher::Aes256Ccm
            | BulkCipher::Aes256Ccm8
            | BulkCipher::Camellia256Cbc
            | BulkCipher::Aria256Cbc
            | BulkCipher::Camellia256Gcm
            | BulkCipher::Aria256Gcm => 32,
        }
    }

    /// Cipher block size (1 for stream ciphers and AEADs).
    pub fn block_size(self) -> usize {
        match self {
            BulkCipher::Des | BulkCipher::TripleDes => 8,
            c if c.kind() == CipherKind::Block => 16,
            _ => 1,
        }
    }

    /// AEAD authentication tag length (0 for non-AEAD ciphers).
    pub fn tag_len(self) -> usize {
        match self {
            BulkCipher::Aes128Ccm8 | BulkCipher::Aes256Ccm8 => 8,
            c if c.kind() == CipherKind::Aead => 16,
            _ => 0,
        }
    }

    /// The IV taken from the TLS 1.0-1.2 key block: the CBC IV (used by SSL 3.0 and
    /// TLS 1.0 only), the 4-byte implicit salt of GCM/CCM, the 12-byte ChaCha20 IV.
    pub fn tls12_fixed_iv_len(self) -> usize {
        match self {
            BulkCipher::Des | BulkCipher::TripleDes => 8,
            c if c.kind() == CipherKind::Block => 16,
            BulkCipher::ChaCha20Poly1305 => 12,
            c if c.kind() == CipherKind::Aead => 4,
            _ => 0,
        }
    }

    /// Explicit nonce bytes at the start of each TLS 1.2 AEAD record (8 for GCM/CCM,
    /// 0 for ChaCha20-Poly1305, RFC 7905).
    pub fn tls12_explicit_nonce_len(self) -> usize {
        match self {
            BulkCipher::ChaCha20Poly1305 => 0,
            c if c.kind() == CipherKind::Aead => 8,
            _ => 0,
        }
    }
}

/// Record protection parameters of one cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SuiteParams {
    pub suite: CipherSuite,
    pub cipher: BulkCipher,
    /// `None` for AEAD suites.
    pub mac: Option<MacAlg>,
    /// TLS 1.2 PRF hash / TLS 1.3 key schedule hash.
    pub hash: HashAlg,
    pub tls13: bool,
}

impl SuiteParams {
    /// Parameters for a suite this crate can decrypt; `None` for unknown, export,
    /// SEED, IDEA, GOST, ... suites.
    pub fn for_suite(suite: CipherSuite) -> Option<SuiteParams> {
        let info = suite.info()?;
        if info.export {
            return None;
        }
        let bulk = info.bulk;
        use BulkCipher as B;
        let (cipher, mac_name): (BulkCipher, &str) = if let Some(m) = bulk.strip_prefix("NULL_") {
            (B::Null, m)
        } else if let Some(m) = bulk.strip_prefix("RC4_128_") {
            (B::Rc4_128, m)
        } else if let Some(m) = bulk.strip_prefix("DES_CBC_") {
            (B::Des, m)
        } else if let Some(m) = bulk.strip_prefix("3DES_EDE_CBC_") {
            (B::TripleDes, m)
        } else if let Some(m) = bulk.strip_prefix("AES_128_CBC_") {
            (B::Aes128Cbc, m)
        } else if let Some(m) = bulk.strip_prefix("AES_256_CBC_") {
            (B::Aes256Cbc, m)
        } else if let Some(m) = bulk.strip_prefix("AES_128_GCM_") {
            (B::Aes128Gcm, m)
        } else if let Some(m) = bulk.strip_prefix("AES_256_GCM_") {
            (B::Aes256Gcm, m)
        } else if let Some(m) = bulk.strip_prefix("CHACHA20_POLY1305_") {
            (B::ChaCha20Poly1305, m)
        } else if let Some(m) = bulk.strip_prefix("CAMELLIA_128_CBC_") {
            (B::Camellia128Cbc, m)
        } else if let Some(m) = bulk.strip_prefix("CAMELLIA_256_CBC_") {
            (B::Camellia256Cbc, m)
        } else if let Some(m) = bulk.strip_prefix("ARIA_128_CBC_") {
            (B::Aria128Cbc, m)
        } else if let Some(m) = bulk.strip_prefix("ARIA_256_CBC_") {
            (B::Aria256Cbc, m)
        } else if let Some(m) = bulk.strip_prefix("CAMELLIA_128_GCM_") {
            (B::Camellia128Gcm, m)
        } else if let Some(m) = bulk.strip_prefix("CAMELLIA_256_GCM_") {
            (B::Camellia256Gcm, m)
        } else if let Some(m) = bulk.strip_prefix("ARIA_128_GCM_") {
            (B::Aria128Gcm, m)
        } else if let Some(m) = bulk.strip_prefix("ARIA_256_GCM_") {
            (B::Aria256Gcm, m)
        } else if bulk == "AES_128_CCM" || bulk == "AES_128_CCM_SHA256" {
            (B::Aes128Ccm, "SHA256")
        } else if bulk == "AES_256_CCM" {
            (B::Aes256Ccm, "SHA256")
        } else if bulk == "AES_128_CCM_8" || bulk == "AES_128_CCM_8_SHA256" {
            (B::Aes128Ccm8, "SHA256")
        } else if bulk == "AES_256_CCM_8" {
            (B::Aes256Ccm8, "SHA256")
        } else {
            return None;
        };
        let aead = cipher.kind() == CipherKind::Aead;
        let (mac, hash) = match mac_name {
            "MD5" if !aead => (Some(MacAlg::Md5), HashAlg::Sha256),
            "SHA" if !aead => (Some(MacAlg::Sha1), HashAlg::Sha256),
            "SHA256" if !aead => (Some(MacAlg::Sha256), HashAlg::Sha256),
            "SHA384" if !aead => (Some(MacAlg::Sha384), HashAlg::Sha384),
            "SHA256" if aead => (None, HashAlg::Sha256),
            "SHA384" if aead => (None, HashAlg::Sha384),
            _ => return None,
        };
        if info.tls13 && !aead {
            return None;
        }
        Some(SuiteParams { suite, cipher, mac, hash, tls13: info.tls13 })
    }

    /// MAC key length from the key block (0 for AEAD).
    pub fn mac_key_len(&self) -> usize {
        self.mac.map_or(0, MacAlg::output_len)
    }

    /// Bytes of key block needed: 2 MAC keys, 2 encryption keys, 2 fixed IVs.
    pub fn key_block_len(&self) -> usize {
        2 * (self.mac_key_len() + self.cipher.key_len() + self.cipher.tls12_fixed_iv_len())
    }
}

/// Versions whose record protection this crate implements (SSL 3.0 to TLS 1.3, DTLS
/// 1.0/1.2 for key derivation).
pub(crate) fn is_ssl3(version: ProtocolVersion) -> bool {
    version.0 == 0x0300
}

/// TLS 1.0 or SSL 3.0 (and DTLS pre-RFC 1.0): implicit CBC IVs, MD5/SHA-1 PRF.
pub(crate) fn implicit_iv(version: ProtocolVersion) -> bool {
    matches!(version.0, 0x0300 | 0x0301)
}

/// Whether the TLS 1.2 PRF (with the suite's hash) applies.
pub(crate) fn uses_tls12_prf(version: ProtocolVersion) -> bool {
    matches!(version.0, 0x0303 | 0xfefd)
}
