//! RSA private keys (PEM/DER, PKCS#1, PKCS#8, encrypted PKCS#8, PKCS#12) and RSA
//! premaster secret decryption.

use std::fmt;

use pkcs1::DecodeRsaPrivateKey;
use pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey};

/// Why a key (or key derivation input) could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// The file is not a key format this crate reads.
    UnknownFormat,
    /// The key is encrypted and no password was given.
    PasswordRequired,
    /// The password did not decrypt the key (or the file is damaged).
    WrongPassword,
    /// A key was found but it is not RSA, or is malformed.
    NotRsa(String),
    /// The PKCS#12 file holds no private key.
    NoKeyInPkcs12,
    /// Something this crate does not implement (version, cipher suite, length).
    Unsupported(&'static str),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::UnknownFormat => f.write_str("not a PEM or DER RSA private key (PKCS#1, PKCS#8 or PKCS#12)"),
            KeyError::PasswordRequired => f.write_str("the key is encrypted: a password is needed"),
            KeyError::WrongPassword => f.write_str("wrong password (or damaged key file)"),
            KeyError::NotRsa(why) => write!(f, "not a usable RSA private key: {why}"),
            KeyError::NoKeyInPkcs12 => f.write_str("the PKCS#12 file holds no private key"),
            KeyError::Unsupported(what) => write!(f, "unsupported: {what}"),
        }
    }
}

impl std::error::Error for KeyError {}

/// An RSA private key. `Debug` shows the modulus size only.
#[derive(Clone)]
pub struct RsaKey {
    key: RsaPrivateKey,
}

impl fmt::Debug for RsaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RsaKey({} bits)", self.bits())
    }
}

impl RsaKey {
    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.key.n().bits()
    }

    /// The modulus, big-endian, to match the key with a certificate's public key.
    pub fn modulus(&self) -> Vec<u8> {
        self.key.n().to_bytes_be()
    }

    pub fn public_exponent(&self) -> Vec<u8> {
        self.key.e().to_bytes_be()
    }

    /// Decrypts an RSA-encrypted premaster secret (PKCS#1 v1.5). Accepts the value with
    /// or without the TLS 1.0+ two-byte length prefix. `None` if it does not decrypt
    /// to 48 bytes. Not constant-time: this is for passive analysis only.
    pub fn decrypt_premaster(&self, encrypted: &[u8]) -> Option<[u8; 48]> {
        let k = self.key.size();
        let body = if encrypted.len() == k + 2 && usize::from(u16::from_be_bytes([encrypted[0], encrypted[1]])) == k {
            &encrypted[2..]
        } else {
            encrypted
        };
        if body.len() != k {
            return None;
        }
        let pms = zeroize::Zeroizing::new(self.key.decrypt(Pkcs1v15Encrypt, body).ok()?);
        pms.as_slice().try_into().ok()
    }
}

fn from_key(key: RsaPrivateKey) -> Result<RsaKey, KeyError> {
    key.validate().map_err(|e| KeyError::NotRsa(e.to_string()))?;
    Ok(RsaKey { key })
}

/// Loads an RSA private key: PEM or DER, PKCS#1 (`RSA PRIVATE KEY`), PKCS#8
/// (`PRIVATE KEY`), encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`, PBES2 or PBES1 DES/3DES)
/// with `password`, or PKCS#12 (including the legacy 3DES / RC2-40 bags) with
/// `password` (empty if `None`). Legacy OpenSSL-encrypted PKCS#1 PEM (`Proc-Type:
/// 4,ENCRYPTED`) is not supported.
pub fn load_rsa_private_key(bytes: &[u8], password: Option<&str>) -> Result<RsaKey, KeyError> {
    if let Some(text) = std::str::from_utf8(bytes).ok().filter(|t| t.contains("-----BEGIN ")) {
        return load_pem(text, password);
    }
    load_der(bytes, password)
}

fn pem_block<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)?;
    let stop = text[start..].find(&end)? + start + end.len();
    Some(&text[start..stop])
}

fn load_pem(text: &str, password: Option<&str>) -> Result<RsaKey, KeyError> {
    if let Some(block) = pem_block(text, "RSA PRIVATE KEY") {
        if block.contains("Proc-Type: 4,ENCRYPTED") {
            return Err(KeyError::Unsupported("OpenSSL-encrypted PKCS#1 PEM (convert to PKCS#8)"));
        }
        let k = RsaPrivateKey::from_pkcs1_pem(block).map_err(|e| KeyError::NotRsa(e.to_string()))?;
        return from_key(k);
    }
    if let Some(block) = pem_block(text, "ENCRYPTED PRIVATE KEY") {
        let Some(pw) = password else {
            return Err(KeyError::PasswordRequired);
        };
        let k = RsaPrivateKey::from_pkcs8_encrypted_pem(block, pw.as_bytes()).map_err(|_| KeyError::WrongPassword)?;
        return from_key(k);
    }
    if let Some(block) = pem_block(text, "PRIVATE KEY") {
        let k = RsaPrivateKey::from_pkcs8_pem(block).map_err(|e| KeyError::NotRsa(e.to_string()))?;
        return from_key(k);
    }
    Err(KeyError::UnknownFormat)
}

fn load_der(der: &[u8], password: Option<&str>) -> Result<RsaKey, KeyError> {
    if let Ok(k) = RsaPrivateKey::from_pkcs1_der(der) {
        return from_key(k);
    }
    if let Ok(k) = RsaPrivateKey::from_pkcs8_der(der) {
        return from_key(k);
    }
    if pkcs8::EncryptedPrivateKeyInfo::try_from(der).is_ok() {
        let Some(pw) = password else {
            return Err(KeyError::PasswordRequired);
        };
        let k = RsaPrivateKey::from_pkcs8_encrypted_der(der, pw.as_bytes()).map_err(|_| KeyError::WrongPassword)?;
        return from_key(k);
    }
    load_pkcs12(der, password.unwrap_or(""))
}

fn load_pkcs12(der: &[u8], password: &str) -> Result<RsaKey, KeyError> {
    // The p12 crate is third-party parsing code: guard against a panic on hostile input.
    let parsed = std::panic::catch_unwind(|| {
        let pfx = p12::PFX::parse(der).ok()?;
        if !pfx.verify_mac(password) {
            return Some(Err(KeyError::WrongPassword));
        }
        Some(pfx.key_bags(password).map_err(|_| KeyError::WrongPassword))
    });
    let keys = match parsed {
        Ok(Some(r)) => r?,
        Ok(None) | Err(_) => return Err(KeyError::UnknownFormat),
    };
    let mut last = KeyError::NoKeyInPkcs12;
    for k in keys {
        let k = zeroize::Zeroizing::new(k);
        match RsaPrivateKey::from_pkcs8_der(&k) {
            Ok(key) => return from_key(key),
            Err(e) => last = KeyError::NotRsa(e.to_string()),
        }
    }
    Err(last)
}
