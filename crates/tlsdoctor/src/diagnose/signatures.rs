//! The handshake signatures, re-done: the client's CertificateVerify over the transcript
//! and the server's ServerKeyExchange over the randoms and parameters (TLS 1.2 and
//! older; TLS 1.3 signs inside the encrypted handshake). A failure is opened to say why.

use tlsdoctor_tcp::Side;
use tlsdoctor_tls::registry::{CipherSuite, ProtocolVersion};
use tlsdoctor_verify::{
    classify_failure, digest, verify, FailureCause, Hash, PublicKey, SignatureAlgorithm, VerifyError,
};

use super::codes;
use super::decoded;
use super::finding::{Finding, Severity};
use super::side_name;
use super::story::Story;

/// The algorithm a signature declares, or the one its version implies (TLS 1.0/1.1:
/// MD5+SHA-1 for RSA, SHA-1 for ECDSA and DSA).
fn declared(scheme: Option<tlsdoctor_tls::registry::SignatureScheme>, key: &PublicKey) -> Option<SignatureAlgorithm> {
    match scheme {
        Some(s) => SignatureAlgorithm::from_scheme(s),
        None => SignatureAlgorithm::tls10_for_key(key),
    }
}

/// What a cause means, and what to do about it.
fn explain(cause: &FailureCause, signer: &str) -> (String, String) {
    let key_check = format!(
        "check that the {signer}'s private key belongs to its certificate (compare `openssl x509 -noout -pubkey -in CERT` with `openssl pkey -pubout -in KEY`); if they match, look for a device between the peers that alters the handshake"
    );
    let middlebox = "something between the peers (a TLS-inspecting proxy, a load balancer, a broken offload) changed handshake bytes; capture on both sides of it to find which".to_string();
    let library = format!("update the {signer}'s TLS library or signing module (smart card, HSM, PKCS#11 middleware), or restrict it to the scheme it really uses");
    match cause {
        FailureCause::WrongKeyOrCorrupt => (
            format!("opened with the public key of the {signer}'s certificate, the signature holds no valid padding: it was made with another private key, or damaged on the way"),
            key_check,
        ),
        FailureCause::DifferentTranscript => (
            format!("the signature opens with the {signer}'s key and holds a correct hash of other bytes: the {signer} signed a handshake that differs from the one in this capture"),
            middlebox,
        ),
        FailureCause::DifferentHash { used, declared, same_bytes } => (
            format!(
                "the signature opens with the {signer}'s key, but it holds a {} digest{} while the message declares {}: the {signer} hashed with another algorithm than it announced",
                used.name(),
                if *same_bytes { " of these very bytes" } else { " of other bytes" },
                declared.name()
            ),
            library,
        ),
        FailureCause::DifferentScheme { used, .. } => (
            format!("the signature opens with the {signer}'s key as {used}, not as the declared scheme: the {signer} signed with another padding than it announced"),
            library,
        ),
        FailureCause::NonStandardEncoding(how) => (
            format!("the right key signed the right bytes, but the encoding is not the standard one ({how}): strict stacks refuse it"),
            format!("update the {signer}'s TLS library or signing module"),
        ),
        _ => (
            format!("an ECDSA or EdDSA signature cannot be opened: a wrong {signer} key and other signed bytes look the same"),
            key_check,
        ),
    }
}

/// What re-checking a signature gave.
pub enum Check {
    /// It verifies: a sentence for the report's list of passed checks.
    Valid(String),
    Invalid(Finding),
    /// Not applicable, or the inputs are missing (TLS 1.3, SSL 3.0, no transcript).
    NotMade,
}

impl Check {
    fn from_option(finding: Option<Finding>, valid: impl FnOnce() -> String) -> Check {
        match finding {
            Some(f) => Check::Invalid(f),
            None => Check::Valid(valid()),
        }
    }
}

/// One signature to re-check, with what the finding needs to name it.
struct Signed<'a> {
    code: &'static str,
    frame: u64,
    signer: &'static str,
    what: &'static str,
    key: &'a PublicKey,
    algorithm: SignatureAlgorithm,
    message: &'a [&'a [u8]],
    signature: &'a [u8],
}

impl Signed<'_> {
    /// None when the signature verifies; else the finding that says why not.
    fn failure(&self) -> Option<Finding> {
        let Signed { code, frame, signer, what, key, algorithm, message, signature } = *self;
        let described = key.describe();
        let base = |summary: String, cause: &str| {
            Finding::new(code, Severity::Error, frame, summary)
                .detail("cause", cause)
                .detail("algorithm", algorithm.to_string())
                .detail("key", described.clone())
        };
        match verify(key, algorithm, message, signature) {
            Ok(_) => None,
            Err(VerifyError::Invalid) => {
                let cause = classify_failure(key, algorithm, message, signature);
                let (why, remedy) = explain(&cause, signer);
                let summary = format!("the {signer}'s {what} signature ({algorithm}) does not verify with the {signer} certificate's public key ({described}); {why}");
                let mut finding = base(summary, cause.code()).remedy(remedy);
                if let FailureCause::DifferentHash { used, .. } = &cause {
                    finding = finding.detail("signed_hash", used.name());
                }
                Some(finding)
            }
            Err(e) => {
                let summary = format!("the {signer}'s {what} signature ({algorithm}) cannot be made with the {signer} certificate's key ({described}): {e}");
                Some(
                    base(summary, "key-does-not-fit-scheme").remedy(format!(
                        "the {signer} must sign with a scheme that matches its certificate's key type"
                    )),
                )
            }
        }
    }
}

/// Leaf public key of a chain.
fn leaf_key(chain: &super::story::Chain) -> Option<PublicKey> {
    decoded::certificate(chain.certificates.first()?).ok()?.key.clone()
}

fn signs_in_clear(story: &Story) -> bool {
    story.version().is_some_and(|v| v != ProtocolVersion(0x0300) && !v.is_tls13())
}

/// TLS 1.3 signs a context string and the transcript's hash (RFC 8446 4.4.3), with the
/// suite's hash; older versions sign the transcript itself.
fn signed_content(story: &Story, side: Side, transcript: &[u8]) -> Option<Vec<u8>> {
    if !story.version()?.is_tls13() {
        return Some(transcript.to_vec());
    }
    let suite = story.server_hello.as_ref()?.cipher_suite;
    let hash = if suite == CipherSuite::TLS_AES_256_GCM_SHA384 { Hash::Sha384 } else { Hash::Sha256 };
    let context: &[u8] = match side {
        Side::Client => b"TLS 1.3, client CertificateVerify",
        Side::Server => b"TLS 1.3, server CertificateVerify",
    };
    let mut content = vec![0x20u8; 64];
    content.extend_from_slice(context);
    content.push(0);
    content.extend(digest(hash, &[transcript]));
    Some(content)
}

/// A CertificateVerify re-checked against its sender's certificate.
pub fn certificate_verify(story: &Story, side: Side) -> Check {
    let (cv, chain, code) = match side {
        Side::Client => {
            (&story.client_certificate_verify, &story.client_certificates, codes::CLIENT_CERTIFICATE_VERIFY_INVALID)
        }
        Side::Server => {
            (&story.server_certificate_verify, &story.server_certificates, codes::SERVER_CERTIFICATE_VERIFY_INVALID)
        }
    };
    let Some((cv, chain)) = cv.as_ref().zip(chain.as_ref()) else { return Check::NotMade };
    let readable = signs_in_clear(story) || (story.decrypted && story.is_tls13());
    let Some(transcript) = cv.transcript.as_deref().filter(|_| readable) else { return Check::NotMade };
    let Some(content) = signed_content(story, side, transcript) else { return Check::NotMade };
    let Some(key) = leaf_key(chain) else { return Check::NotMade };
    let Some(algorithm) = declared(cv.scheme, &key) else { return Check::NotMade };
    let signer = side_name(side);
    let valid = || {
        format!(
            "the {signer}'s CertificateVerify ({algorithm}, frame {}) verifies with its certificate's key over {} transcript bytes",
            cv.frame,
            transcript.len()
        )
    };
    let message: [&[u8]; 1] = [&content];
    let signed = Signed {
        code,
        frame: cv.frame,
        signer,
        what: "CertificateVerify",
        key: &key,
        algorithm,
        message: &message,
        signature: &cv.signature,
    };
    let Some(mut finding) = signed.failure() else { return Check::Valid(valid()) };
    // A leaf whose key did not sign: does another certificate of the chain's key fit?
    for (i, der) in chain.certificates.iter().enumerate().skip(1) {
        let Some(other) = decoded::certificate(der).ok() else { continue };
        let Some(other_key) = &other.key else { continue };
        let subject = other.summary.subject.clone();
        if verify(other_key, algorithm, &message, &cv.signature).is_ok() {
            finding.summary = format!(
                "the {signer}'s CertificateVerify was signed with the key of certificate #{i} of its chain ({subject}), not with the key of its leaf certificate"
            );
            finding = finding
                .detail("signed_by", subject)
                .remedy(format!("configure the {signer} with the private key that belongs to its leaf certificate"));
        }
    }
    Check::Invalid(finding.detail("transcript_bytes", transcript.len()).detail("scheme", scheme_name(cv.scheme)))
}

pub fn server_key_exchange(story: &Story) -> Check {
    let Some(ske) = story.server_key_exchange.as_ref().filter(|s| s.signed && signs_in_clear(story)) else {
        return Check::NotMade;
    };
    let (Some(hello), Some(server)) = (story.client_hello.as_ref(), story.server_hello.as_ref()) else {
        return Check::NotMade;
    };
    let Some(key) = story.server_certificates.as_ref().and_then(leaf_key) else { return Check::NotMade };
    let Some(algorithm) = declared(ske.scheme, &key) else { return Check::NotMade };
    let message: [&[u8]; 3] = [&hello.random, &server.random, &ske.params];
    let signed = Signed {
        code: codes::SERVER_KEY_EXCHANGE_SIGNATURE_INVALID,
        frame: ske.frame,
        signer: "server",
        what: "ServerKeyExchange",
        key: &key,
        algorithm,
        message: &message,
        signature: &ske.signature,
    };
    let valid = || {
        format!("the ServerKeyExchange ({algorithm}, frame {}) verifies with the server certificate's key", ske.frame)
    };
    Check::from_option(signed.failure().map(|f| f.detail("scheme", scheme_name(ske.scheme))), valid)
}

/// The declared scheme, or what TLS 1.0/1.1 imply when none is declared.
fn scheme_name(scheme: Option<tlsdoctor_tls::registry::SignatureScheme>) -> String {
    scheme.map_or_else(|| "none (TLS 1.0/1.1: implied by the key type)".to_string(), |s| s.describe())
}
