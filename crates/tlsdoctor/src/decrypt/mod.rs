//! Decryption: secrets from key logs and pcapng decryption-secrets blocks, and the
//! record opener the TLS parser asks.

mod opener;
pub mod secrets;

pub use opener::KeyLogOpener;
