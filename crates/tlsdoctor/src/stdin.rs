//! Standard input as a capture (`tcpdump -U -w - | tlsdoctor diagnose -`): a pipe is read
//! as it comes, so each connection is reported when it ends, and Ctrl-C ends the input,
//! not the analysis: what came is reported.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};

use tlsdoctor_capture::{CaptureError, CaptureReader};

use crate::pipeline::STDIN;

/// Set to end standard input at its next read, as if the capture were cut there.
static STOP: LazyLock<Arc<AtomicBool>> = LazyLock::new(Default::default);

/// Standard input as a capture: read as a file when one is redirected to it, as a
/// stream otherwise.
pub fn open() -> Result<CaptureReader, CaptureError> {
    let input = Box::new(UntilStopped(io::stdin()));
    if is_file() {
        CaptureReader::from_reader(input, STDIN)
    } else {
        CaptureReader::from_stream(input, STDIN)
    }
}

/// From now on Ctrl-C (SIGINT) and SIGTERM end standard input instead of the process;
/// a second one ends the process. Upstream (`tcpdump`) gets the same Ctrl-C and closes
/// the pipe, so the analysis ends at once with what was captured.
pub fn stop_on_signals() -> io::Result<()> {
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_conditional_default(signal, STOP.clone())?;
        signal_hook::flag::register(signal, STOP.clone())?;
    }
    Ok(())
}

/// Whether a signal ended standard input.
pub fn stopped() -> bool {
    STOP.load(Ordering::Relaxed)
}

struct UntilStopped(io::Stdin);

impl Read for UntilStopped {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if stopped() {
            return Ok(0);
        }
        self.0.read(buf)
    }
}

#[cfg(unix)]
fn is_file() -> bool {
    use std::os::fd::AsFd;
    let fd = io::stdin().as_fd().try_clone_to_owned();
    fd.map(std::fs::File::from).and_then(|f| f.metadata()).is_ok_and(|m| m.is_file())
}

#[cfg(not(unix))]
fn is_file() -> bool {
    false
}
