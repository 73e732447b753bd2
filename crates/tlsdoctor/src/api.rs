//! For programs that embed tlsdoctor (the Python package): one capture, a file or bytes
//! in memory, with key logs and CA certificates as `--keylog` and `--ca` give them;
//! out, the data `diagnose --format json` and `dissect --format json` print for it. The
//! command does more (filters, threads, progress bars) with the same parts.

use std::fmt;
use std::io::Cursor;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use tlsdoctor_capture::{CaptureError, CaptureReader};
use tlsdoctor_tls::x509::CertificateSummary;

use crate::decrypt::{secrets, Keys};
use crate::diagnose::report::{InputReport, SCHEMA_VERSION};
use crate::diagnose::{ConnectionReport, Diagnoser, Options};
use crate::pipeline::{self, Config, InputSummary, Observer};

/// A capture to read: a file, or its bytes already in memory.
#[derive(Debug, Clone)]
pub enum Capture {
    File(PathBuf),
    /// `name` stands for the capture in the report and in error messages.
    Bytes {
        name: String,
        bytes: Arc<[u8]>,
    },
}

impl Capture {
    /// As the report's `input` names it.
    pub fn name(&self) -> String {
        match self {
            Capture::File(path) => path.display().to_string(),
            Capture::Bytes { name, .. } => name.clone(),
        }
    }

    pub fn open(&self) -> Result<CaptureReader, CaptureError> {
        match self {
            Capture::File(path) => CaptureReader::open(path),
            Capture::Bytes { name, bytes } => CaptureReader::from_reader(Box::new(Cursor::new(bytes.clone())), name),
        }
    }
}

/// What is given beside the capture, as the command's options.
#[derive(Debug, Clone, Default)]
pub struct Given {
    /// `--keylog`: NSS key log files.
    pub keylogs: Vec<PathBuf>,
    /// `--ca`: CA certificate files or directories.
    pub ca: Vec<PathBuf>,
}

/// Why a capture could not be used, worded as the command words it on stderr (without
/// its `tlsdoctor: ` prefix).
#[derive(Debug)]
pub enum Error {
    Keylog(String),
    Ca(crate::ca::CaError),
    Capture(CaptureError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Keylog(e) => write!(f, "--keylog {e}"),
            Error::Ca(e) => write!(f, "--ca {e}"),
            Error::Capture(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {}

/// Every certificate of the `--ca` files and directories.
pub fn load_ca(paths: &[PathBuf]) -> Result<Vec<(Vec<u8>, CertificateSummary)>, Error> {
    let mut certificates = Vec::new();
    for path in paths {
        certificates.extend(crate::ca::load(path).map_err(Error::Ca)?);
    }
    Ok(certificates)
}

/// Adds the secrets of the `--keylog` files to `keys`; their lines that cannot be read
/// go to `problems`, named by file and line.
pub fn load_keylogs(paths: &[PathBuf], keys: &mut Keys, problems: &mut Vec<String>) -> Result<(), Error> {
    for path in paths {
        let (found, bad) = secrets::load_keylog(path).map_err(Error::Keylog)?;
        keys.keylog.merge(&found);
        problems.extend(bad);
    }
    Ok(())
}

/// The configuration and options for `capture`: the key logs' secrets and those the
/// capture carries, and the CA certificates. Unreadable key log lines go to `problems`.
fn prepare(capture: &Capture, given: &Given, problems: &mut Vec<String>) -> Result<(Config, Options), Error> {
    let mut keys = Keys::default();
    load_keylogs(&given.keylogs, &mut keys, problems)?;
    // An unreadable capture is reported when it is analysed.
    if let Ok(reader) = capture.open() {
        let (found, bad) = secrets::embedded_in(reader);
        keys.keylog.merge(&found);
        problems.extend(bad);
    }
    let keys = (!keys.is_empty()).then(|| Arc::new(keys));
    let options = Options { ca_certificates: load_ca(&given.ca)?, keys: keys.clone(), ..Options::default() };
    Ok((Config { keys, ..Config::default() }, options))
}

/// One capture diagnosed: the members `diagnose --format json` prints for it.
#[derive(Debug, Serialize)]
pub struct Report {
    pub schema_version: &'static str,
    pub tool: Tool,
    /// In id order.
    pub connections: Vec<ConnectionReport>,
    pub inputs: Vec<InputReport>,
    /// Key log lines that could not be read (the command says them on stderr).
    #[serde(skip)]
    pub problems: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

/// `tlsdoctor diagnose --format json CAPTURE` with the key logs and CA certificates given.
pub fn diagnose(capture: &Capture, given: &Given) -> Result<Report, Error> {
    let mut problems = Vec::new();
    let (config, options) = prepare(capture, given, &mut problems)?;
    // As the command: the handshake is what matters, not the data after it.
    let config = Config { skip_application_data: true, ..config };
    let mut connections = Vec::new();
    let mut diagnoser = Diagnoser::new(&options, &mut connections);
    let reader = capture.open().map_err(Error::Capture)?;
    let summary = pipeline::analyze_reader(reader, &config, &mut diagnoser, &mut |_| {}).map_err(Error::Capture)?;
    diagnoser.finish().judge(&mut connections);
    connections.sort_by_key(|c| c.id);
    let input = capture.name();
    for c in &mut connections {
        c.input.clone_from(&input);
    }
    Ok(Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool { name: "tlsdoctor", version: env!("CARGO_PKG_VERSION") },
        connections,
        inputs: vec![InputReport::from(&summary)],
        problems,
    })
}

/// `tlsdoctor dissect` of `capture`: every message goes to `observer` (a
/// [`crate::dissect::JsonPrinter`] writes the JSON lines). Returns what reading showed,
/// and the key log lines that could not be read.
pub fn dissect(
    capture: &Capture,
    given: &Given,
    observer: &mut dyn Observer,
) -> Result<(InputSummary, Vec<String>), Error> {
    let mut problems = Vec::new();
    let (config, _) = prepare(capture, &Given { ca: Vec::new(), ..given.clone() }, &mut problems)?;
    let reader = capture.open().map_err(Error::Capture)?;
    let summary = pipeline::analyze_reader(reader, &config, observer, &mut |_| {}).map_err(Error::Capture)?;
    Ok((summary, problems))
}
