//! TLS wire formats, no crypto: records, handshake messages across records, extensions,
//! alerts, X.509 summaries and the IANA registries. Pure and total: any bytes give a
//! value or an error, never a panic.
#![forbid(unsafe_code)]

pub mod codec;
pub mod extensions;
pub mod messages;
pub mod record;
pub mod registry;
pub mod sslv2;
pub mod stream;
pub mod text;
pub mod x509;
