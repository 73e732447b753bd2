//! DER bytes as a certificate: a summary or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlsdoctor_tls::x509::summarize;

fuzz_target!(|data: &[u8]| {
    if let Ok(summary) = summarize(data) {
        for (name, value) in summary.fields() {
            let _ = (name.len(), value.len());
        }
    }
});
