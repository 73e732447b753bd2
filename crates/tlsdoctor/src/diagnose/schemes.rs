//! A signature made with a scheme the other side did not offer (TLS 1.2), and the keys a
//! CertificateRequest admits.

use tlsdoctor_tls::registry::SignatureScheme;
use tlsdoctor_verify::SignatureAlgorithm;

use super::codes;
use super::finding::{Finding, Severity};
use super::story::{CertificateRequestInfo, Story};

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
                    codes::SIGNATURE_ALGORITHM_NOT_OFFERED,
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
                    codes::SIGNATURE_ALGORITHM_NOT_OFFERED,
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

/// The kind of key a scheme signs with, and the TLS 1.2 certificate type that admits it.
fn key_type(scheme: SignatureScheme) -> Option<(&'static str, u8)> {
    use SignatureAlgorithm as A;
    const RSA_SIGN: u8 = 1;
    const DSS_SIGN: u8 = 2;
    const ECDSA_SIGN: u8 = 64;
    Some(match scheme.0 {
        // rsa_pss_pss_*: a key whose own type is RSASSA-PSS, which rsaEncryption keys are not.
        0x0809..=0x080b => ("RSA-PSS", RSA_SIGN),
        // ecdsa_brainpool*_tls13, which the verifier does not check.
        0x081a..=0x081c => ("ECDSA", ECDSA_SIGN),
        _ => match A::from_scheme(scheme)? {
            A::RsaPkcs1(_) | A::RsaPss { .. } => ("RSA", RSA_SIGN),
            A::Ecdsa(_) => ("ECDSA", ECDSA_SIGN),
            A::Ed25519 => ("Ed25519", ECDSA_SIGN),
            A::Ed448 => ("Ed448", ECDSA_SIGN),
            A::Dsa(_) => ("DSA", DSS_SIGN),
        },
    })
}

/// The kinds of client key the CertificateRequest admits, in the order of its schemes:
/// each must be allowed by a scheme and, in TLS 1.2, by a certificate type. Empty when
/// the request lists no schemes (TLS 1.0 and 1.1).
pub fn requested_key_types(request: &CertificateRequestInfo) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    for (kind, certificate_type) in request.signature_algorithms.iter().flatten().filter_map(|s| key_type(*s)) {
        let typed = request.certificate_types.is_empty() || request.certificate_types.contains(&certificate_type);
        if typed && !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(certificate_types: &[u8], schemes: &[u16]) -> CertificateRequestInfo {
        CertificateRequestInfo {
            frame: 6,
            certificate_types: certificate_types.to_vec(),
            signature_algorithms: Some(schemes.iter().map(|&s| SignatureScheme(s)).collect()),
            certificate_authorities: Vec::new(),
        }
    }

    #[test]
    fn key_types_follow_the_schemes_and_the_certificate_types() {
        // ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, ed25519, dsa_sha256, rsa_pss_pss_sha256, rsa_pkcs1_sha1
        let schemes = [0x0403, 0x0804, 0x0807, 0x0402, 0x0809, 0x0201];
        assert_eq!(requested_key_types(&request(&[], &schemes)), ["ECDSA", "RSA", "Ed25519", "DSA", "RSA-PSS"]);
        // TLS 1.2 rsa_sign only: the ECDSA, EdDSA and DSA schemes admit no key
        assert_eq!(requested_key_types(&request(&[1], &schemes)), ["RSA", "RSA-PSS"]);
        assert_eq!(requested_key_types(&request(&[64, 2], &schemes)), ["ECDSA", "Ed25519", "DSA"]);
        assert!(requested_key_types(&CertificateRequestInfo { signature_algorithms: None, ..request(&[1], &[]) })
            .is_empty());
    }
}
