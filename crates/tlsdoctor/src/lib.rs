//! tlsdoctor: why did this TLS handshake fail? The pipeline from capture files to TLS
//! messages ([`pipeline`]) and the printers built on it.
// One call (prctl, in live::privileges) needs unsafe; nothing else may.
#![deny(unsafe_code)]

pub mod api;
pub mod ca;
pub mod decrypt;
pub mod diagnose;
pub mod dissect;
pub mod fingerprint;
#[cfg(feature = "live")]
pub mod live;
pub mod names;
pub mod pipeline;
mod quic;
pub mod stdin;
mod udp;
