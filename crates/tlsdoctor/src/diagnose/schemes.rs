//! A signature made with a scheme the other side did not offer (TLS 1.2).

use tlsdoctor_tls::registry::SignatureScheme;

use super::finding::{Finding, Severity};
use super::story::Story;

fn names(schemes: &[SignatureScheme]) -> Vec<String> {
    schemes.iter().map(|s| s.describe()).collect()
}

/// The client's CertificateVerify against the CertificateRequest's list, and the
/// ServerKeyExchange against the ClientHello's signature_algorithms.
pub fn not_offered(story: &Story, failed: bool) -> Vec<Finding> {
    let severity = if failed { Severity::Error } else { Severity::Warning };
    let mut out = Vec::new();
    let cv = story.client_certificate_verify.as_ref();
    let offered =
        story.certificate_request.as_ref().and_then(|r| r.signature_algorithms.as_ref().map(|s| (r.frame, s)));
    if let (Some(cv), Some((request_frame, offered))) = (cv, offered) {
        if let Some(used) = cv.scheme.filter(|s| !offered.contains(s)) {
            out.push(
                Finding::new(
                    "signature-algorithm-not-offered",
                    severity,
                    cv.frame,
                    format!(
                        "the client signed its CertificateVerify with {}, which the server's CertificateRequest (frame {request_frame}) did not offer",
                        used.describe()
                    ),
                )
                .detail("signer", "client")
                .detail("used", used.describe())
                .detail("offered", names(offered))
                .remedy("make the client sign with a scheme the server lists (for OpenSSL clients: -client_sigalgs), or allow the scheme on the server"),
            );
        }
    }
    let ske = story.server_key_exchange.as_ref();
    let offered = story.client_hello.as_ref().and_then(|h| h.signature_algorithms.as_ref().map(|s| (h.frame, s)));
    if let (Some(ske), Some((hello_frame, offered))) = (ske, offered) {
        if let Some(used) = ske.scheme.filter(|s| !offered.contains(s)) {
            out.push(
                Finding::new(
                    "signature-algorithm-not-offered",
                    severity,
                    ske.frame,
                    format!(
                        "the server signed its ServerKeyExchange with {}, which the ClientHello (frame {hello_frame}) did not offer",
                        used.describe()
                    ),
                )
                .detail("signer", "server")
                .detail("used", used.describe())
                .detail("offered", names(offered))
                .remedy("configure the server to sign with a scheme the client offers, or enable the scheme on the client"),
            );
        }
    }
    out
}
