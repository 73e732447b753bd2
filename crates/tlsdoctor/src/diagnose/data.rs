//! `--include-data`: the first decrypted application data bytes of each side, cut short,
//! for the person who wants to see what went over the connection. Never in the report
//! without the flag: the data may be anyone's private business.

use serde::Serialize;
use tlsdoctor_tcp::Side;

use super::http::FirstBytes;
use super::story::Story;

/// Bytes shown per direction at most.
pub const SHOWN: usize = 256;

/// What each side sent first, once decrypted.
#[derive(Debug, Clone, Serialize)]
pub struct DataReport {
    pub client: Option<Excerpt>,
    pub server: Option<Excerpt>,
}

/// The first bytes a side sent.
#[derive(Debug, Clone, Serialize)]
pub struct Excerpt {
    /// The frame of the record they start in.
    pub frame: u64,
    /// The bytes, in lowercase hex.
    pub bytes: String,
    /// The same bytes as text (invalid UTF-8 as U+FFFD), control characters as `\xNN`.
    pub text: String,
    /// More application data followed than is shown.
    pub cut: bool,
}

/// The connection's first decrypted application data; `None` when none was decrypted.
pub fn excerpts(story: &Story) -> Option<DataReport> {
    let report = DataReport {
        client: excerpt(&story.application[Side::Client.index()]),
        server: excerpt(&story.application[Side::Server.index()]),
    };
    (report.client.is_some() || report.server.is_some()).then_some(report)
}

fn excerpt(first: &FirstBytes) -> Option<Excerpt> {
    let frame = first.first_frame()?;
    let shown = &first.bytes[..first.bytes.len().min(SHOWN)];
    Some(Excerpt {
        frame,
        bytes: shown.iter().map(|b| format!("{b:02x}")).collect(),
        text: tlsdoctor_tls::text::escape_controls(&String::from_utf8_lossy(shown)),
        cut: first.bytes.len() > SHOWN,
    })
}
