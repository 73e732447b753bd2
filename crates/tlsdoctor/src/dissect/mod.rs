//! `tlsdoctor dissect`: every TLS message of a capture, as text lines like Wireshark's
//! packet list, as JSON lines for programs, or as tshark-style fields for comparison.

mod data;
mod details;
mod fields;
mod json;
mod text;

pub use data::DataPrinter;
pub use fields::FieldsPrinter;
pub use json::JsonPrinter;
pub use text::TextPrinter;

use std::io;

/// Keeps the first write error, so a closed pipe stops the output quietly.
pub(crate) struct Sink<W: io::Write> {
    out: W,
    error: Option<io::Error>,
}

impl<W: io::Write> Sink<W> {
    pub fn new(out: W) -> Self {
        Sink { out, error: None }
    }

    pub fn write(&mut self, f: impl FnOnce(&mut W) -> io::Result<()>) {
        if self.error.is_none() {
            if let Err(e) = f(&mut self.out) {
                self.error = Some(e);
            }
        }
    }

    pub fn finish(mut self) -> io::Result<W> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A DTLS handshake message that came whole in earlier frames and waited there for one
/// before it: it was named in the frame it came in (as tshark names it), not again in
/// the frame that completed the message before it.
fn named_earlier(m: &tlsdoctor_tls::stream::Message<'_>) -> bool {
    m.message_seq.is_some() && !m.frames.is_empty() && !m.frames.contains(&m.frame)
}
