//! Certificate checks that need no cryptography: validity against the capture's time,
//! names against SNI, key usage for the role, CA names a server asked for.

use std::rc::Rc;
use tlsdoctor_tls::registry::{CipherSuite, KeyExchange};

use tlsdoctor_tls::x509;

use super::codes;
use super::decoded::{self, Decoded};
use super::finding::{Finding, Severity};
use super::story::{Chain, Story};

/// Which end of the connection a chain belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Server = 0,
    Client = 1,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Server => "server",
            Role::Client => "client",
        }
    }
}

/// A decoded chain, leaf first; certificates that do not decode are skipped (and said).
pub struct DecodedChain<'a> {
    pub chain: &'a Chain,
    pub certs: Vec<(usize, Rc<Decoded>)>,
}

pub fn decode(chain: &Chain) -> DecodedChain<'_> {
    let certs = chain
        .certificates
        .iter()
        .enumerate()
        .filter_map(|(i, der)| decoded::certificate(der).ok().map(|d| (i, d)))
        .collect();
    DecodedChain { chain, certs }
}

impl DecodedChain<'_> {
    /// The first certificate, when it decodes.
    pub fn leaf(&self) -> Option<&x509::CertificateSummary> {
        self.certs.first().filter(|(i, _)| *i == 0).map(|(_, d)| &d.summary)
    }
}

/// A severity for a problem that the handshake's outcome may or may not show.
fn severity(failed: bool) -> Severity {
    if failed {
        Severity::Error
    } else {
        Severity::Warning
    }
}

/// The chain's certificates outside their validity period at the capture's time: one
/// finding for the expired ones, one for those not yet valid.
pub fn validity(chain: &DecodedChain<'_>, role: Role, now: i64, failed: bool) -> Vec<Finding> {
    let expired: Vec<_> = chain.certs.iter().filter(|(_, c)| c.summary.not_after < now).collect();
    let early: Vec<_> =
        chain.certs.iter().filter(|(_, c)| c.summary.not_after >= now && c.summary.not_before > now).collect();
    let mut out = Vec::new();
    for (code, verb, certs) in [
        (codes::CERTIFICATE_EXPIRED, "expired on", expired),
        (codes::CERTIFICATE_NOT_YET_VALID, "is not valid before", early),
    ] {
        let Some((first, _)) = certs.first() else { continue };
        let when = |c: &x509::CertificateSummary| {
            x509::format_unix_utc(if code == codes::CERTIFICATE_EXPIRED { c.not_after } else { c.not_before })
        };
        let each = |label: &dyn Fn(usize) -> String| -> Vec<String> {
            certs
                .iter()
                .map(|(i, c)| format!("{} ({}) {verb} {}", label(*i), c.summary.subject, when(&c.summary)))
                .collect()
        };
        let which = match certs.len() {
            1 => format!("the {} certificate {}", role.name(), each(&position)[0]),
            n => format!(
                "{n} certificates of the {} chain are out of date: {}",
                role.name(),
                each(&|i| format!("#{i}")).join("; ")
            ),
        };
        let summary = format!("{which}, and the capture was taken on {}", x509::format_unix_utc(now));
        let first_cert = &certs[0].1.summary;
        let certificates: Vec<serde_json::Value> = certs
            .iter()
            .map(|(i, c)| {
                serde_json::json!({
                    "index": i,
                    "subject": c.summary.subject,
                    "not_before": x509::format_unix_utc(c.summary.not_before),
                    "not_after": x509::format_unix_utc(c.summary.not_after),
                })
            })
            .collect();
        out.push(
            Finding::new(code, severity(failed), chain.chain.frame, summary)
                .detail("role", role.name())
                .detail("index", *first)
                .detail("subject", first_cert.subject.clone())
                .detail("not_before", x509::format_unix_utc(first_cert.not_before))
                .detail("not_after", x509::format_unix_utc(first_cert.not_after))
                .detail("certificates", certificates)
                .remedy(format!(
                    "renew the {} certificate, or check the clock of the machine that validates it",
                    role.name()
                )),
        );
    }
    out
}

fn position(i: usize) -> String {
    if i == 0 {
        "(leaf)".to_string()
    } else {
        format!("#{i} of the chain")
    }
}

/// RFC 6125: a DNS name against a presented identifier, with a left-most wildcard label.
pub fn name_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(suffix) => match host.split_once('.') {
            Some((label, rest)) => !label.is_empty() && rest == suffix,
            None => false,
        },
        None => pattern == host,
    }
}

pub fn name(chain: &DecodedChain<'_>, sni: &str, failed: bool) -> Option<Finding> {
    let leaf = chain.leaf()?;
    let dns: Vec<&str> = leaf.subject_alt_names.iter().filter_map(|n| n.strip_prefix("DNS:")).collect();
    let names: Vec<String> = if dns.is_empty() {
        // No DNS names in the SAN: clients fall back to the subject CN.
        leaf.subject.split(", ").filter_map(|p| p.strip_prefix("CN=")).map(str::to_string).collect()
    } else {
        dns.iter().map(|s| s.to_string()).collect()
    };
    if names.iter().any(|n| name_matches(n, sni)) {
        return None;
    }
    Some(
        Finding::new(
            codes::CERTIFICATE_NAME_MISMATCH,
            severity(failed),
            chain.chain.frame,
            format!("the server certificate does not cover the name the client asked for, {sni}"),
        )
        .detail("sni", sni)
        .detail("names", names)
        .remedy(format!("serve a certificate whose subjectAltName includes {sni}, or connect with a name it covers")),
    )
}

pub fn usage(chain: &DecodedChain<'_>, role: Role, suite: Option<CipherSuite>, failed: bool) -> Option<Finding> {
    let leaf = chain.leaf()?;
    let wanted_eku = match role {
        Role::Server => "serverAuth",
        Role::Client => "clientAuth",
    };
    let mut problems = Vec::new();
    if let Some(ekus) = &leaf.extended_key_usage {
        if !ekus.iter().any(|e| e == wanted_eku || e == "anyExtendedKeyUsage") {
            problems.push(format!("its extended key usage ({}) lacks {wanted_eku}", ekus.join(", ")));
        }
    }
    let rsa_key_exchange = suite.and_then(|s| s.info()).is_some_and(|i| i.key_exchange == KeyExchange::Rsa);
    let wanted_ku = if role == Role::Server && rsa_key_exchange { "keyEncipherment" } else { "digitalSignature" };
    if let Some(kus) = &leaf.key_usage {
        if !kus.contains(&wanted_ku) {
            problems.push(format!("its key usage ({}) lacks {wanted_ku}", kus.join(", ")));
        }
    }
    if leaf.is_ca == Some(true) && role == Role::Client {
        problems.push("it is a CA certificate, not an end-entity certificate".to_string());
    }
    if problems.is_empty() {
        return None;
    }
    Some(
        Finding::new(
            codes::CERTIFICATE_USAGE_INVALID,
            severity(failed),
            chain.chain.frame,
            format!(
                "the {} certificate ({}) may not be used as a TLS {}: {}",
                role.name(),
                leaf.subject,
                role.name(),
                problems.join("; ")
            ),
        )
        .detail("role", role.name())
        .detail("subject", leaf.subject.clone())
        .detail("problems", problems)
        .remedy(format!(
            "issue the {} an end-entity certificate with extendedKeyUsage {wanted_eku} and keyUsage {wanted_ku}",
            role.name()
        )),
    )
}

/// What follows a client certificate problem when the server finished the handshake
/// anyway: servers that check the certificate after it refuse the request itself.
pub fn refused_after_handshake(nginx_answer: &str) -> String {
    format!("; the server went on with the handshake, but may still refuse the request itself (nginx with ssl_verify_client on answers HTTP 400 \"{nginx_answer}\")")
}

/// The client's chain against the CA names of the CertificateRequest; `went_on` when the
/// server finished the handshake all the same.
pub fn requested_issuer(story: &Story, chain: &DecodedChain<'_>, failed: bool, went_on: bool) -> Option<Finding> {
    let request = story.certificate_request.as_ref()?;
    if request.certificate_authorities.is_empty() || chain.certs.is_empty() {
        return None;
    }
    let names = &request.certificate_authorities;
    let reaches = chain
        .certs
        .iter()
        .any(|(_, c)| names.contains(&c.summary.issuer_der) || names.contains(&c.summary.subject_der));
    if reaches {
        return None;
    }
    let requested = request.authority_names();
    let issuers: Vec<String> = chain.certs.iter().map(|(_, c)| c.summary.issuer.clone()).collect();
    Some(
        Finding::new(
            codes::CERTIFICATE_ISSUER_NOT_REQUESTED,
            severity(failed),
            chain.chain.frame,
            format!(
                "the client's certificate chain leads to none of the {} CA names the server asked for in its CertificateRequest (frame {}){}",
                names.len(),
                request.frame,
                if went_on { refused_after_handshake("The SSL certificate error") } else { String::new() }
            ),
        )
        .detail("requested", requested)
        .detail("chain_issuers", issuers)
        .remedy("give the client a certificate issued by one of the CAs the server lists, or add the client's CA to the server's trusted CAs"),
    )
}
