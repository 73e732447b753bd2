//! DTLS 1.3 record protection of one epoch (RFC 9147 4.2.3): the AEAD keys of a traffic
//! secret under the "dtls13" label prefix, and the record number key ("sn") whose mask
//! hides the sequence number bits of each unified header.

use std::fmt;

use ring::aead::quic;
use tlsdoctor_tls::registry::{CipherSuite, ProtocolVersion};
use tlsdoctor_tls::stream::Opened;

use crate::prf::expand_label;
use crate::record::{DecryptError, Plaintext, RecordDecryptor};
use crate::rsakey::KeyError;
use crate::suite::{BulkCipher, SuiteParams};

const DTLS_1_3: ProtocolVersion = ProtocolVersion(0xfefc);

/// Bytes of ciphertext the record number mask is computed from.
pub const SN_SAMPLE_LEN: usize = 16;

/// One side's keys for one DTLS 1.3 epoch. `Debug` shows no key.
pub struct Dtls13Protection {
    records: RecordDecryptor,
    sn: quic::HeaderProtectionKey,
}

impl fmt::Debug for Dtls13Protection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Dtls13Protection {{ {:?} }}", self.records.suite())
    }
}

impl Dtls13Protection {
    /// The keys of a DTLS 1.3 traffic secret (handshake, application, or one after a
    /// KeyUpdate) for `suite`.
    pub fn new(suite: CipherSuite, traffic_secret: &[u8]) -> Result<Dtls13Protection, KeyError> {
        let params = SuiteParams::for_suite(suite)
            .filter(|p| p.tls13)
            .ok_or(KeyError::Unsupported("not a supported TLS 1.3 cipher suite"))?;
        let records = RecordDecryptor::tls13(DTLS_1_3, suite, traffic_secret)?;
        // The record number key is as long as the AEAD key, and keys the AEAD's block
        // cipher (AES-ECB) or ChaCha20, as QUIC's header protection does.
        let algorithm = match params.cipher {
            BulkCipher::Aes128Gcm | BulkCipher::Aes128Ccm | BulkCipher::Aes128Ccm8 => &quic::AES_128,
            BulkCipher::Aes256Gcm | BulkCipher::Aes256Ccm | BulkCipher::Aes256Ccm8 => &quic::AES_256,
            BulkCipher::ChaCha20Poly1305 => &quic::CHACHA20,
            _ => return Err(KeyError::Unsupported("no record number protection for this cipher")),
        };
        let prefix = DTLS_1_3.tls13_quirks().label_prefix();
        let sn_key = expand_label(params.hash, traffic_secret, prefix, b"sn", b"", params.cipher.key_len())?;
        let sn = quic::HeaderProtectionKey::new(algorithm, sn_key.as_bytes())
            .map_err(|_| KeyError::Unsupported("record number key"))?;
        Ok(Dtls13Protection { records, sn })
    }

    /// The mask XOR-ed over the record number bytes of a header (the first one or two
    /// bytes used): from the first 16 bytes of the record's ciphertext. None when the
    /// ciphertext is shorter (RFC 9147 4.2.3 requires at least 16 bytes).
    pub fn record_number_mask(&self, ciphertext: &[u8]) -> Option<[u8; 2]> {
        let sample = ciphertext.get(..SN_SAMPLE_LEN)?;
        let mask = self.sn.new_mask(sample).ok()?;
        Some([mask[0], mask[1]])
    }

    /// Opens a record: `header` is the unified header with its record number in clear
    /// (the AEAD's additional data), `sequence` the record's full 64-bit sequence number
    /// in its epoch (the nonce's; the epoch is not part of it).
    pub fn open(&self, header: &[u8], sequence: u64, ciphertext: &[u8]) -> Result<Plaintext, DecryptError> {
        self.records.open_tls13(header, sequence, ciphertext)
    }
}

impl tlsdoctor_tls::stream::Dtls13Keys for Dtls13Protection {
    fn record_number_mask(&self, ciphertext: &[u8]) -> Option<[u8; 2]> {
        Dtls13Protection::record_number_mask(self, ciphertext)
    }

    fn open(&self, header: &[u8], sequence: u64, ciphertext: &[u8]) -> Result<Opened, String> {
        match Dtls13Protection::open(self, header, sequence, ciphertext) {
            Ok(p) => Ok(Opened { content_type: p.content_type, data: p.data }),
            Err(DecryptError::Authentication) => {
                Err("the AEAD tag does not match (wrong secrets, or the record was altered)".to_string())
            }
            Err(e) => Err(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes::cipher::{BlockEncrypt, KeyInit};
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    /// HKDF-Expand for outputs of one hash block, written out (RFC 5869), so that the
    /// test does not use the code it checks.
    fn hkdf_expand_one_block(prk: &[u8], info: &[u8]) -> Vec<u8> {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(prk).unwrap();
        m.update(info);
        m.update(&[1]);
        m.finalize().into_bytes().to_vec()
    }

    fn label(len: u16, label: &str) -> Vec<u8> {
        let full = format!("dtls13{label}");
        let mut info = len.to_be_bytes().to_vec();
        info.push(full.len() as u8);
        info.extend(full.as_bytes());
        info.push(0);
        info
    }

    #[test]
    fn record_number_mask_is_aes_ecb_of_the_sample_under_the_sn_key() {
        let secret = [0x5au8; 32];
        let p = Dtls13Protection::new(CipherSuite(0x1301), &secret).unwrap();
        let sn_key = &hkdf_expand_one_block(&secret, &label(16, "sn"))[..16];
        let sample: Vec<u8> = (0..40u8).collect();
        let mut block = aes::Block::from(<[u8; 16]>::try_from(&sample[..16]).unwrap());
        aes::Aes128::new_from_slice(sn_key).unwrap().encrypt_block(&mut block);
        assert_eq!(p.record_number_mask(&sample), Some([block[0], block[1]]));
        assert_eq!(p.record_number_mask(&sample[..15]), None, "fewer than 16 bytes of ciphertext");
    }

    #[test]
    fn records_open_with_dtls13_keys_and_the_header_as_additional_data() {
        use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM};
        let secret = [0x33u8; 32];
        let key = &hkdf_expand_one_block(&secret, &label(16, "key"))[..16];
        let iv = &hkdf_expand_one_block(&secret, &label(12, "iv"))[..12];
        let sequence = 0x0102u64;
        let mut nonce = [0u8; 12];
        nonce.copy_from_slice(iv);
        for (n, s) in nonce[4..].iter_mut().zip(sequence.to_be_bytes()) {
            *n ^= s;
        }
        let header = [0x2e, 0x01, 0x02, 0x00, 0x1b];
        let mut record = b"ping\x17".to_vec();
        let sealer = LessSafeKey::new(UnboundKey::new(&AES_128_GCM, key).unwrap());
        sealer.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(header), &mut record).unwrap();
        let p = Dtls13Protection::new(CipherSuite(0x1301), &secret).unwrap();
        let opened = p.open(&header, sequence, &record).unwrap();
        assert_eq!((opened.content_type, opened.data.as_slice()), (23, &b"ping"[..]));
        assert_eq!(p.open(&header, sequence + 1, &record), Err(DecryptError::Authentication));
        let mut other_header = header;
        other_header[2] ^= 1;
        assert_eq!(p.open(&other_header, sequence, &record), Err(DecryptError::Authentication));
        assert!(!format!("{p:?}").contains("33"), "no key material in Debug");
    }

    #[test]
    fn tls12_suites_and_wrong_secret_lengths_are_refused() {
        assert!(Dtls13Protection::new(CipherSuite(0xc02b), &[0; 32]).is_err());
        assert!(Dtls13Protection::new(CipherSuite(0x1302), &[0; 32]).is_err(), "SHA-384 needs 48 bytes");
        assert!(Dtls13Protection::new(CipherSuite(0x1303), &[0; 32]).is_ok());
    }
}
