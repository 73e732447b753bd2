//! The seed's NSS key log: every replica copies its seed connection's TLS bytes, so the
//! seed's secrets decrypt all of them.

use std::collections::HashSet;
use std::io;
use std::path::Path;

use crate::Error;

/// The key log at `path` without comments, blank lines and repeats; `None` when absent.
pub fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(clean(&bytes))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::SeedFile { path: path.to_path_buf(), source }),
    }
}

/// Keeps each secret line once, in order, newline-terminated.
pub fn clean(bytes: &[u8]) -> Vec<u8> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(bytes.len());
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() || line.starts_with(b"#") || !seen.insert(line) {
            continue;
        }
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn drops_comments_blank_lines_and_repeats() {
        let cleaned = super::clean(b"# comment\r\nCLIENT_RANDOM a b\r\n\nCLIENT_RANDOM a b\nRSA c d");
        assert_eq!(cleaned, b"CLIENT_RANDOM a b\nRSA c d\n");
    }
}
