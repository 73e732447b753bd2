//! Secrets and record protection: NSS key logs, RSA private keys, the TLS PRFs (SSL 3.0,
//! TLS 1.0/1.1, TLS 1.2), the TLS 1.3 key schedule, Finished `verify_data`, and
//! per-direction record decryption (DTLS 1.3's with its record number protection). No
//! capture parsing: callers hand in client randoms, records and handshake hashes taken
//! from the `tls` stage.
//!
//! Every function is total: any input gives a value or an error, never a panic.
//! Secrets never appear in `Debug` output (only their lengths do) and are zeroized on
//! drop.
#![forbid(unsafe_code)]

mod dtls13;
mod keylog;
mod prf;
mod record;
mod rsakey;
mod secret;
mod suite;

pub use dtls13::{Dtls13Protection, SN_SAMPLE_LEN};
pub use keylog::{lines_for, parse_keylog, KeyLog, KeyLogProblem, Secrets};
pub use prf::{
    finished_key, hkdf_expand_label, key_block, master_secret, next_traffic_secret, prf, prf_ssl3, prf_tls10,
    prf_tls12, psk_premaster, ssl3_master_secret, traffic_keys, verify_data_ssl3, verify_data_tls12, verify_data_tls13,
    KeyMaterial, MasterSecret, Prf,
};
pub use record::{DecryptError, Direction, Plaintext, RecordDecryptor};
pub use rsakey::{load_rsa_private_key, KeyError, RsaKey};
pub use secret::Secret;
pub use suite::{BulkCipher, CipherKind, HashAlg, MacAlg, SuiteParams};
