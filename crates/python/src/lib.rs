//! The `tlsdoctor` Python module: `diagnose` and `dissect` of one capture (a path or its
//! bytes), giving what `tlsdoctor diagnose --format json` and `tlsdoctor dissect --format
//! json` print, as Python objects. The work runs with the GIL released.
#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyUserWarning};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};
use tlsdoctor::api::{self, Capture, Given};
use tlsdoctor::dissect::JsonPrinter;

create_exception!(
    tlsdoctor,
    Error,
    PyException,
    "A capture, key log or CA file that cannot be used; the message is the one the command prints."
);

/// Name of a capture given as bytes, unless the caller names it.
const BYTES_NAME: &str = "<bytes>";

/// A path (str or os.PathLike) or the capture's bytes (bytes, bytearray).
fn capture_of(capture: &Bound<'_, PyAny>, name: Option<String>) -> PyResult<Capture> {
    let bytes: Option<Arc<[u8]>> = if let Ok(b) = capture.cast::<PyBytes>() {
        Some(b.as_bytes().into())
    } else if let Ok(b) = capture.cast::<PyByteArray>() {
        Some(b.to_vec().into())
    } else {
        None
    };
    match bytes {
        Some(bytes) => Ok(Capture::Bytes { name: name.unwrap_or_else(|| BYTES_NAME.to_string()), bytes }),
        None => Ok(Capture::File(capture.extract::<PathBuf>()?)),
    }
}

/// None, one path, or a sequence of paths.
fn paths_of(paths: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<PathBuf>> {
    let Some(paths) = paths.filter(|p| !p.is_none()) else { return Ok(Vec::new()) };
    if paths.is_instance_of::<PyString>() || paths.hasattr("__fspath__")? {
        return Ok(vec![paths.extract()?]);
    }
    paths.try_iter()?.map(|p| p?.extract()).collect()
}

fn given(keylog: Option<&Bound<'_, PyAny>>, ca: Option<&Bound<'_, PyAny>>) -> PyResult<Given> {
    Ok(Given { keylogs: paths_of(keylog)?, ca: paths_of(ca)? })
}

/// Says an unreadable key log line as the command does, as a warning.
fn warn(py: Python<'_>, problem: &str) -> PyResult<()> {
    let category = py.get_type::<PyUserWarning>();
    let message = std::ffi::CString::new(format!("{problem}; line skipped")).unwrap_or_default();
    PyErr::warn(py, &category, &message, 1)
}

fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

/// diagnose(capture, keylog=None, ca=None, name=None) -> dict
///
/// Diagnoses every TLS, DTLS and QUIC connection of one capture: the object `tlsdoctor
/// diagnose --format json CAPTURE` prints (docs/report.md), as dicts and lists.
///
/// capture: a path (str or os.PathLike) of a pcap or pcapng file, gzip-compressed or
/// not, or its bytes. keylog: NSS key log files (a path or a list of paths), as
/// --keylog; secrets embedded in a pcapng are always used. ca: CA certificate files or
/// directories (PEM or DER), as --ca. name: what the report calls a capture given as
/// bytes (default "<bytes>").
///
/// Raises tlsdoctor.Error, with the command's message, when the capture, a key log or a
/// CA file cannot be used. Key log lines that cannot be read are skipped with a
/// UserWarning. The GIL is released while the capture is read.
#[pyfunction]
#[pyo3(signature = (capture, keylog=None, ca=None, name=None))]
fn diagnose<'py>(
    py: Python<'py>,
    capture: &Bound<'py, PyAny>,
    keylog: Option<&Bound<'py, PyAny>>,
    ca: Option<&Bound<'py, PyAny>>,
    name: Option<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let capture = capture_of(capture, name)?;
    let given = given(keylog, ca)?;
    let done = py.detach(|| {
        let report = api::diagnose(&capture, &given).map_err(|e| e.to_string())?;
        // The report's own serialisation: the same members as the command's JSON.
        let json = serde_json::to_string(&report).map_err(|e| e.to_string())?;
        Ok::<_, String>((json, report.problems))
    });
    let (json, problems) = done.map_err(Error::new_err)?;
    for problem in &problems {
        warn(py, problem)?;
    }
    json_loads(py, &json)
}

/// dissect(capture, keylog=None, name=None) -> Iterator[dict]
///
/// Every TLS message (and anomaly) of one capture, in capture order: the lines of
/// `tlsdoctor dissect --format json CAPTURE` (docs/report.md), each as a dict. The
/// capture is read on a thread of its own, without the GIL, as the messages are taken.
///
/// Arguments as for diagnose(). Raises tlsdoctor.Error, when the capture or a key log
/// cannot be used, from the iteration that reaches the problem.
#[pyfunction]
#[pyo3(signature = (capture, keylog=None, name=None))]
fn dissect(capture: &Bound<'_, PyAny>, keylog: Option<&Bound<'_, PyAny>>, name: Option<String>) -> PyResult<Messages> {
    let capture = capture_of(capture, name)?;
    let given = given(keylog, None)?;
    let (sender, receiver) = mpsc::sync_channel(BATCHES_AHEAD);
    std::thread::spawn(move || {
        let mut printer = JsonPrinter::new(Lines::new(sender.clone()));
        let done = api::dissect(&capture, &given, &mut printer);
        // Flushes the last lines.
        let _ = printer.finish();
        let _ = match done {
            Ok((_, problems)) => problems.into_iter().try_for_each(|p| sender.send(Item::Problem(p))),
            Err(e) => sender.send(Item::Failed(e.to_string())),
        };
    });
    Ok(Messages { receiver: Mutex::new(receiver), lines: VecDeque::new() })
}

/// Batches of lines read ahead of the iteration.
const BATCHES_AHEAD: usize = 16;
/// Lines handed over at once: one hand-over per line would cost a thread wake-up each.
const BATCH: usize = 256;

/// What the dissecting thread sends.
enum Item {
    Lines(Vec<String>),
    /// A key log line that could not be read.
    Problem(String),
    /// The capture or a key log could not be used.
    Failed(String),
}

/// The JSON printer's output, split into lines, sent in batches.
struct Lines {
    sender: SyncSender<Item>,
    partial: Vec<u8>,
    batch: Vec<String>,
}

impl Lines {
    fn new(sender: SyncSender<Item>) -> Self {
        Lines { sender, partial: Vec::new(), batch: Vec::with_capacity(BATCH) }
    }

    fn send(&mut self) -> io::Result<()> {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        // The iterator was dropped: stop writing.
        self.sender.send(Item::Lines(batch)).map_err(|_| io::ErrorKind::BrokenPipe.into())
    }
}

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for piece in buf.split_inclusive(|&b| b == b'\n') {
            self.partial.extend_from_slice(piece);
            if piece.ends_with(b"\n") {
                let line = String::from_utf8_lossy(&self.partial).trim_end().to_string();
                self.partial.clear();
                self.batch.push(line);
                if self.batch.len() >= BATCH {
                    self.send()?;
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        self.send()
    }
}

/// The messages of dissect(), as they are read.
#[pyclass(module = "tlsdoctor")]
struct Messages {
    receiver: Mutex<Receiver<Item>>,
    lines: VecDeque<String>,
}

#[pymethods]
impl Messages {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        loop {
            if let Some(line) = self.lines.pop_front() {
                return json_loads(py, &line).map(Some);
            }
            let receiver = &self.receiver;
            let item = py.detach(|| receiver.lock().unwrap_or_else(|e| e.into_inner()).recv());
            match item {
                Ok(Item::Lines(lines)) => self.lines.extend(lines),
                Ok(Item::Problem(problem)) => warn(py, &problem)?,
                Ok(Item::Failed(message)) => return Err(Error::new_err(message)),
                // The thread is done.
                Err(_) => return Ok(None),
            }
        }
    }
}

#[pymodule(name = "tlsdoctor")]
fn tlsdoctor_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("Error", m.py().get_type::<Error>())?;
    m.add_function(wrap_pyfunction!(diagnose, m)?)?;
    m.add_function(wrap_pyfunction!(dissect, m)?)?;
    m.add_class::<Messages>()?;
    Ok(())
}
