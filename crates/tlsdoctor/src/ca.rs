//! CA certificates given with `--ca`: files or directories, PEM (bundles too) or DER.

use std::fmt;
use std::path::{Path, PathBuf};

use tlsdoctor_tls::x509::{self, CertificateSummary};
use x509_parser::pem::Pem;

#[derive(Debug)]
pub struct CaError {
    pub path: PathBuf,
    pub detail: String,
}

impl fmt::Display for CaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.detail)
    }
}

/// Loads every certificate of `path` (a file, or a directory's files).
pub fn load(path: &Path) -> Result<Vec<(Vec<u8>, CertificateSummary)>, CaError> {
    let err = |detail: String| CaError { path: path.to_path_buf(), detail };
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| err(e.to_string()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        entries.sort();
        let mut out = Vec::new();
        for entry in entries {
            // A directory may hold other files (hashes, CRLs): take what parses.
            out.extend(load_file(&entry).unwrap_or_default());
        }
        if out.is_empty() {
            return Err(err("no certificate in this directory".to_string()));
        }
        return Ok(out);
    }
    load_file(path)
}

fn load_file(path: &Path) -> Result<Vec<(Vec<u8>, CertificateSummary)>, CaError> {
    let err = |detail: String| CaError { path: path.to_path_buf(), detail };
    let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    let ders: Vec<Vec<u8>> = if bytes.windows(10).any(|w| w == b"-----BEGIN") {
        let mut ders = Vec::new();
        for (i, pem) in Pem::iter_from_buffer(&bytes).enumerate() {
            let pem = pem.map_err(|e| err(format!("PEM block {}: {e}", i + 1)))?;
            if pem.label == "CERTIFICATE" || pem.label == "TRUSTED CERTIFICATE" {
                ders.push(pem.contents);
            }
        }
        ders
    } else {
        vec![bytes]
    };
    if ders.is_empty() {
        return Err(err("no CERTIFICATE block".to_string()));
    }
    ders.into_iter()
        .enumerate()
        .map(|(i, der)| match x509::summarize(&der) {
            Ok(summary) => Ok((der, summary)),
            Err(e) => Err(err(format!("certificate {}: {e}", i + 1))),
        })
        .collect()
}
