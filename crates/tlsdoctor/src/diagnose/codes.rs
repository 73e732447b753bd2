//! The finding codes: a constant for each, and [`ALL`], the registry that lists each
//! code with the severities it can have. Programs match on these strings (docs/report.md),
//! so a code may be added but never renamed; every emitter names its code through a
//! constant here, so the registry is the whole list.

use super::finding::Severity;

/// One finding code, as docs/report.md's code table describes it.
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo {
    pub code: &'static str,
    /// Every severity a finding with this code can have.
    pub severities: &'static [Severity],
    /// What the code says, in a line.
    pub meaning: &'static str,
}

// The capture itself.
pub const CAPTURE_GAP: &str = "capture-gap";
pub const MESSAGE_OVER_LIMIT: &str = "message-over-limit";
// Secrets.
pub const KEYS_MISSING: &str = "keys-missing";
pub const KEYLOG_MISMATCH: &str = "keylog-mismatch";
// The path between the peers.
pub const RESET_BY_MIDDLEBOX: &str = "reset-by-middlebox";
pub const SERVER_NOT_TLS: &str = "server-not-tls";
pub const HANDSHAKE_ALTERED_IN_TRANSIT: &str = "handshake-altered-in-transit";
// Datagrams (DTLS).
pub const DTLS_FLIGHT_UNANSWERED: &str = "dtls-flight-unanswered";
pub const DTLS_COOKIE_INCOMPLETE: &str = "dtls-cookie-incomplete";
pub const DTLS_FRAGMENTS_MISSING: &str = "dtls-fragments-missing";
// QUIC.
pub const QUIC_CONNECTION_CLOSED: &str = "quic-connection-closed";
pub const QUIC_VERSION_MISMATCH: &str = "quic-version-mismatch";
// Refusals of the ClientHello.
pub const NO_COMMON_VERSION: &str = "no-common-version";
pub const NO_COMMON_CIPHER_SUITE: &str = "no-common-cipher-suite";
pub const NO_COMMON_GROUP: &str = "no-common-group";
pub const NO_COMMON_SIGNATURE_ALGORITHM: &str = "no-common-signature-algorithm";
pub const NO_COMMON_APPLICATION_PROTOCOL: &str = "no-common-application-protocol";
pub const SERVER_NAME_UNRECOGNIZED: &str = "server-name-unrecognized";
pub const VERSION_FALLBACK_REFUSED: &str = "version-fallback-refused";
pub const HANDSHAKE_REFUSED: &str = "handshake-refused";
// Certificates.
pub const CERTIFICATE_SIGNATURE_INVALID: &str = "certificate-signature-invalid";
pub const CERTIFICATE_SIGNATURE_WEAK: &str = "certificate-signature-weak";
pub const CERTIFICATE_ISSUER_MISSING: &str = "certificate-issuer-missing";
pub const CERTIFICATE_UNTRUSTED: &str = "certificate-untrusted";
pub const CERTIFICATE_TRUST_UNKNOWN: &str = "certificate-trust-unknown";
pub const CERTIFICATE_UNTRUSTED_BY_PEER: &str = "certificate-untrusted-by-peer";
pub const CERTIFICATE_EXPIRED: &str = "certificate-expired";
pub const CERTIFICATE_NOT_YET_VALID: &str = "certificate-not-yet-valid";
pub const CERTIFICATE_NAME_MISMATCH: &str = "certificate-name-mismatch";
pub const CERTIFICATE_USAGE_INVALID: &str = "certificate-usage-invalid";
pub const CERTIFICATE_ISSUER_NOT_REQUESTED: &str = "certificate-issuer-not-requested";
pub const CLIENT_CERTIFICATE_MISSING: &str = "client-certificate-missing";
pub const CLIENT_CERTIFICATE_CHOICE: &str = "client-certificate-choice";
pub const CLIENT_USED_ANOTHER_CONNECTION: &str = "client-used-another-connection";
pub const CLIENT_LEFT_AFTER_HANDSHAKE: &str = "client-left-after-handshake";
pub const SERVER_LEFT_AFTER_HANDSHAKE: &str = "server-left-after-handshake";
// Handshake signatures and Finished.
pub const SIGNATURE_ALGORITHM_NOT_OFFERED: &str = "signature-algorithm-not-offered";
pub const SERVER_KEY_EXCHANGE_SIGNATURE_INVALID: &str = "server-key-exchange-signature-invalid";
pub const CLIENT_CERTIFICATE_VERIFY_INVALID: &str = "client-certificate-verify-invalid";
pub const SERVER_CERTIFICATE_VERIFY_INVALID: &str = "server-certificate-verify-invalid";
pub const FINISHED_MISMATCH: &str = "finished-mismatch";
// Legacy protocol features (SSL 2.0, heartbeats).
pub const SSL_TWO_SERVER: &str = "ssl-two-server";
pub const HEARTBLEED_ATTEMPT: &str = "heartbleed-attempt";
pub const HEARTBLEED_LEAK: &str = "heartbleed-leak";
// Refusals above TLS, read with secrets.
pub const HTTP_CLIENT_CERTIFICATE_REQUIRED: &str = "http-client-certificate-required";
pub const HTTP_CLIENT_CERTIFICATE_REJECTED: &str = "http-client-certificate-rejected";
pub const HTTP_MISDIRECTED_REQUEST: &str = "http-misdirected-request";
pub const HTTP_FORBIDDEN_WITH_CLIENT_CERTIFICATE: &str = "http-forbidden-with-client-certificate";
// What the capture cannot tell.
pub const FAILURE_UNEXPLAINED: &str = "failure-unexplained";

const ERROR: &[Severity] = &[Severity::Error];
const WARNING: &[Severity] = &[Severity::Warning];
/// An error when the handshake failed over the problem, a warning when it did not.
const ERROR_OR_WARNING: &[Severity] = &[Severity::Error, Severity::Warning];

const fn code(code: &'static str, severities: &'static [Severity], meaning: &'static str) -> CodeInfo {
    CodeInfo { code, severities, meaning }
}

/// Every finding code tlsdoctor emits.
pub const ALL: &[CodeInfo] = &[
    code(CAPTURE_GAP, WARNING, "the capture lost bytes of the handshake; what follows them is judged in part"),
    code(
        MESSAGE_OVER_LIMIT,
        WARNING,
        "a handshake message was larger than tlsdoctor reads; the checks it feeds were skipped",
    ),
    code(
        KEYS_MISSING,
        WARNING,
        "the check that would explain the failure needs the connection's secrets, which were not given",
    ),
    code(KEYLOG_MISMATCH, ERROR, "secrets were given for the connection, but its records do not decrypt with them"),
    code(
        RESET_BY_MIDDLEBOX,
        ERROR,
        "a TCP reset that did not come from the peer (another time to live) ended the handshake",
    ),
    code(SERVER_NOT_TLS, ERROR, "the server answered the ClientHello in plain text (HTTP, a STARTTLS greeting, SSH)"),
    code(
        HANDSHAKE_ALTERED_IN_TRANSIT,
        ERROR,
        "the client refused a ServerKeyExchange whose signature verifies in the capture: it received other bytes",
    ),
    code(NO_COMMON_VERSION, ERROR, "the server accepts none of the protocol versions the client offered"),
    code(NO_COMMON_CIPHER_SUITE, ERROR, "the server accepts none of the cipher suites the client offered"),
    code(NO_COMMON_GROUP, ERROR, "the server accepts none of the key-exchange groups the client offered"),
    code(
        NO_COMMON_SIGNATURE_ALGORITHM,
        ERROR,
        "no signature scheme the client offered can be made with the server certificate's key",
    ),
    code(NO_COMMON_APPLICATION_PROTOCOL, ERROR, "the server serves none of the ALPN protocols the client offered"),
    code(SERVER_NAME_UNRECOGNIZED, ERROR, "the server serves no host by the name the client asked for (SNI)"),
    code(
        VERSION_FALLBACK_REFUSED,
        ERROR,
        "the server refused a downgraded retry (TLS_FALLBACK_SCSV) because it supports a higher version",
    ),
    code(
        HANDSHAKE_REFUSED,
        ERROR,
        "the server refused the ClientHello, and the capture shows no other handshake to tell why",
    ),
    code(
        CERTIFICATE_SIGNATURE_INVALID,
        ERROR,
        "a certificate of a presented chain is not validly signed by its issuer",
    ),
    code(
        CERTIFICATE_SIGNATURE_WEAK,
        ERROR_OR_WARNING,
        "a certificate is signed with MD5 or SHA-1, which current TLS stacks refuse by policy",
    ),
    code(
        CERTIFICATE_ISSUER_MISSING,
        ERROR_OR_WARNING,
        "a chain's issuer is neither in the chain nor among the --ca certificates",
    ),
    code(CERTIFICATE_UNTRUSTED, ERROR_OR_WARNING, "a chain ends at a root that is not among the --ca certificates"),
    code(
        CERTIFICATE_TRUST_UNKNOWN,
        WARNING,
        "a peer refused a chain whose signatures hold; whether it trusts the root needs its CA certificates",
    ),
    code(
        CERTIFICATE_UNTRUSTED_BY_PEER,
        ERROR,
        "a peer refused a chain that verifies up to a --ca certificate: the peer does not trust that CA",
    ),
    code(CERTIFICATE_EXPIRED, ERROR_OR_WARNING, "a certificate's notAfter is before the time of the capture"),
    code(CERTIFICATE_NOT_YET_VALID, ERROR_OR_WARNING, "a certificate's notBefore is after the time of the capture"),
    code(
        CERTIFICATE_NAME_MISMATCH,
        ERROR_OR_WARNING,
        "the server certificate does not cover the name the client asked for",
    ),
    code(
        CERTIFICATE_USAGE_INVALID,
        ERROR_OR_WARNING,
        "a leaf's key usage, extended key usage or CA flag does not allow its TLS role",
    ),
    code(
        CERTIFICATE_ISSUER_NOT_REQUESTED,
        ERROR_OR_WARNING,
        "the client's chain leads to none of the CA names of the server's CertificateRequest",
    ),
    code(
        CLIENT_CERTIFICATE_MISSING,
        &[Severity::Error, Severity::Warning, Severity::Info],
        "the server asked for a client certificate and the client sent none",
    ),
    code(
        CLIENT_CERTIFICATE_CHOICE,
        &[Severity::Info],
        "the client left the handshake at the CertificateRequest to choose a certificate (as browsers do), and connects again",
    ),
    code(
        CLIENT_USED_ANOTHER_CONNECTION,
        &[Severity::Info],
        "the client dropped the handshake for another connection to the same server, opened alongside, that succeeded",
    ),
    code(
        CLIENT_LEFT_AFTER_HANDSHAKE,
        &[Severity::Info],
        "the client finished the handshake and left without sending data: a probe, or a refusal of the certificate the capture cannot show",
    ),
    code(
        SERVER_LEFT_AFTER_HANDSHAKE,
        &[Severity::Info],
        "the server ended a finished handshake before the client sent anything: a refusal after the handshake, or an idle close",
    ),
    code(SIGNATURE_ALGORITHM_NOT_OFFERED, ERROR_OR_WARNING, "a peer signed with a scheme the other side did not offer"),
    code(
        SERVER_KEY_EXCHANGE_SIGNATURE_INVALID,
        ERROR,
        "the ServerKeyExchange signature does not verify with the server certificate's key",
    ),
    code(
        CLIENT_CERTIFICATE_VERIFY_INVALID,
        ERROR,
        "the client's CertificateVerify does not verify with its certificate's key over the transcript",
    ),
    code(
        SERVER_CERTIFICATE_VERIFY_INVALID,
        ERROR,
        "the server's CertificateVerify does not verify with its certificate's key over the transcript",
    ),
    code(FINISHED_MISMATCH, ERROR, "a Finished message does not match the handshake transcript"),
    code(
        DTLS_FLIGHT_UNANSWERED,
        ERROR,
        "DTLS: a flight was retransmitted and the peer never answered it (its datagrams do not get through)",
    ),
    code(
        DTLS_COOKIE_INCOMPLETE,
        ERROR,
        "DTLS: the server sent a HelloVerifyRequest and no ClientHello with the cookie followed",
    ),
    code(DTLS_FRAGMENTS_MISSING, ERROR, "DTLS: some fragments of a handshake message never arrived"),
    code(
        QUIC_CONNECTION_CLOSED,
        ERROR,
        "QUIC: a peer closed the connection with a transport error, or before the handshake finished, without a TLS alert",
    ),
    code(
        QUIC_VERSION_MISMATCH,
        ERROR,
        "QUIC: the server does not speak the client's version, and the client did not start again in one it listed",
    ),
    code(
        HTTP_CLIENT_CERTIFICATE_REQUIRED,
        ERROR,
        "after the handshake, the server refused the request for want of a client certificate (nginx 400/496)",
    ),
    code(
        HTTP_CLIENT_CERTIFICATE_REJECTED,
        ERROR,
        "after the handshake, the server refused the request because it could not verify the client certificate (nginx 400/495)",
    ),
    code(
        HTTP_MISDIRECTED_REQUEST,
        ERROR,
        "after the handshake, the server answered 421 Misdirected Request: the request's host and the SNI disagree",
    ),
    code(
        HTTP_FORBIDDEN_WITH_CLIENT_CERTIFICATE,
        ERROR,
        "right after the client authenticated with a certificate, the server forbade the request (403)",
    ),
    code(
        FAILURE_UNEXPLAINED,
        ERROR,
        "the handshake failed and no check of the capture explains it: what ended it, and what the capture cannot tell",
    ),
    code(SSL_TWO_SERVER, ERROR, "the server answered in SSL 2.0, which RFC 6176 prohibits"),
    code(
        HEARTBLEED_ATTEMPT,
        WARNING,
        "a heartbeat request declares a payload longer than its record: a Heartbleed (CVE-2014-0160) probe",
    ),
    code(
        HEARTBLEED_LEAK,
        ERROR,
        "a heartbeat response is much larger than its request: the responder leaks memory (CVE-2014-0160)",
    ),
];

/// The registry's entry for `code`.
pub fn info(code: &str) -> Option<&'static CodeInfo> {
    ALL.iter().find(|c| c.code == code)
}

/// Whether the registry lists `code` with `severity`.
pub fn admits(code: &str, severity: Severity) -> bool {
    info(code).is_some_and(|c| c.severities.contains(&severity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        for (i, c) in ALL.iter().enumerate() {
            assert!(ALL[..i].iter().all(|other| other.code != c.code), "{} twice", c.code);
            assert!(
                c.code.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
                "{}",
                c.code
            );
            assert!(!c.severities.is_empty() && !c.meaning.is_empty(), "{}", c.code);
        }
    }
}
