//! What can go wrong, as messages a user can act on.

use std::fmt;
use std::io;
use std::path::PathBuf;

use tlsdoctor_capture::CaptureError;

#[derive(Debug)]
pub enum Error {
    /// The seed capture could not be read (missing, not a capture, truncated...).
    SeedCapture(CaptureError),
    /// A file next to the seed (labels, key log) could not be read.
    SeedFile { path: PathBuf, source: io::Error },
    /// The seed holds no connection the generator can replay.
    NoUsableConnection { seed: String, skipped: usize },
    /// Writing the output failed.
    Output(io::Error),
    /// An option is out of range.
    BadOption(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::SeedCapture(e) => write!(f, "reading the seed capture: {e}"),
            Error::SeedFile { path, source } => write!(f, "reading {}: {source}", path.display()),
            Error::NoUsableConnection { seed, skipped } => write!(
                f,
                "{seed}: no usable connection (a TCP connection needs its SYN and SYN-ACK and no missing \
                 segment; {skipped} incomplete connection(s) skipped)"
            ),
            Error::Output(e) => write!(f, "writing the output: {e}"),
            Error::BadOption(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::SeedCapture(e) => Some(e),
            Error::SeedFile { source, .. } => Some(source),
            Error::Output(e) => Some(e),
            _ => None,
        }
    }
}

impl From<CaptureError> for Error {
    fn from(e: CaptureError) -> Self {
        Error::SeedCapture(e)
    }
}
