//! Decryption: secrets from key logs and pcapng decryption-secrets blocks, and the
//! record opener the TLS parser asks.

mod dtls13;
pub mod export;
mod keys;
mod opener;
pub mod secrets;

pub use keys::{Keys, ServerBinding};
pub use opener::KeyLogOpener;
