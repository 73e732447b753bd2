//! Where secrets come from: key log files (`--keylog`, `SSLKEYLOGFILE`) and the
//! decryption-secrets blocks of a pcapng file, wherever in the file they stand.

use std::path::Path;

use tlsdoctor_capture::{CaptureError, CaptureReader, DecryptionSecrets};
use tlsdoctor_keys::{parse_keylog, KeyLog};

/// A key log file's secrets, and its lines that could not be read, as messages that
/// name the line (never its content: it may hold a secret).
pub fn load_keylog(path: &Path) -> Result<(KeyLog, Vec<String>), String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (keys, problems) = parse_keylog(&text);
    let problems = problems.iter().map(|p| format!("{}: line {}: {}", path.display(), p.line, p.reason)).collect();
    Ok((keys, problems))
}

/// The TLS key logs embedded in a pcapng file (none for pcap). The whole file is read
/// once for them, since a block may follow the traffic it decrypts. Standard input is
/// read once, by the analysis: it has none here.
pub fn embedded(path: &Path) -> Result<(KeyLog, Vec<String>), CaptureError> {
    if path == Path::new(crate::pipeline::STDIN) {
        return Ok((KeyLog::new(), Vec::new()));
    }
    Ok(embedded_in(CaptureReader::open(path)?))
}

/// [`embedded`] for an open capture, read to its end.
pub fn embedded_in(mut reader: CaptureReader) -> (KeyLog, Vec<String>) {
    let mut keys = KeyLog::new();
    let mut problems = Vec::new();
    if reader.format() != tlsdoctor_capture::Format::Pcapng {
        return (keys, problems);
    }
    // A truncated file still gives the blocks before the cut.
    while let Ok(Some(_)) = reader.next_frame() {}
    for (i, block) in reader.decryption_secrets().iter().enumerate() {
        if block.secrets_type != DecryptionSecrets::TLS_KEY_LOG {
            continue;
        }
        let (found, bad) = parse_keylog(&block.data);
        keys.merge(&found);
        problems.extend(
            bad.iter().map(|p| {
                format!("{}: decryption secrets block {}: line {}: {}", reader.name(), i + 1, p.line, p.reason)
            }),
        );
    }
    (keys, problems)
}
