//! The connection story as the JSON report shows it: what the client offered, what the
//! server chose, who asked for and who sent certificates, every alert.

use serde::Serialize;
use tlsdoctor_tls::registry::AlertDescription;
use tlsdoctor_tls::x509;

use super::certs::Role;
use super::chain::Verdict;
use super::checks::Verdicts;
use super::decoded;
use super::story::{AlertInfo, Chain, Story};
use super::{side_name, AlertReport};

#[derive(Debug, Clone, Serialize)]
pub struct Offer {
    pub frame: u64,
    pub versions: Vec<String>,
    pub cipher_suites: Vec<String>,
    pub groups: Vec<String>,
    pub signature_algorithms: Option<Vec<String>>,
    pub alpn: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub frame: u64,
    pub version: String,
    pub cipher_suite: String,
    pub group: Option<String>,
    pub hello_retry_request: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub frame: u64,
    pub signature_algorithms: Option<Vec<String>>,
    pub certificate_authorities: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Certificates {
    pub frame: u64,
    /// Subjects, leaf first.
    pub subjects: Vec<String>,
    /// Each certificate, leaf first, with the verdict of the chain checks on its
    /// signature.
    pub certificates: Vec<CertificateReport>,
}

/// One certificate of a presented chain. The fields after `subject` are null when it
/// does not decode.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateReport {
    pub subject: String,
    pub issuer: Option<String>,
    /// "2026-12-06 12:00:00 UTC", as the findings write times.
    pub not_before: Option<String>,
    pub not_after: Option<String>,
    /// "RSA 2048 bits", "EC P-256", "Ed25519".
    pub key: Option<String>,
    pub signature_algorithm: Option<String>,
    /// Did the issuer's key verify this certificate's signature: "ok", "invalid",
    /// "unknown-issuer" (neither in the chain nor given with --ca) or "not-checked".
    pub signature: &'static str,
    /// Where its issuer was found: "certificate #1 of the chain", "the given CA
    /// certificates".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    /// Why the signature was not checked, or why no issuer was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_note: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct StorySummary {
    pub client_offer: Option<Offer>,
    pub server_choice: Option<Choice>,
    pub certificate_request: Option<Request>,
    pub server_certificates: Option<Certificates>,
    pub client_certificates: Option<Certificates>,
    pub alerts: Vec<AlertReport>,
}

fn names<T: ToString>(items: &[T]) -> Vec<String> {
    items.iter().map(T::to_string).collect()
}

/// A chain with the verdicts the chain checks gave its certificates (by index).
fn certificates(chain: &Chain, verdicts: &[(usize, Verdict)]) -> Certificates {
    let certificates: Vec<CertificateReport> = chain
        .certificates
        .iter()
        .enumerate()
        .map(|(i, der)| {
            let verdict = verdicts.iter().find(|(j, _)| *j == i).map(|(_, v)| v);
            certificate(der, verdict)
        })
        .collect();
    let subjects = certificates.iter().map(|c| c.subject.clone()).collect();
    Certificates { frame: chain.frame, subjects, certificates }
}

fn certificate(der: &[u8], verdict: Option<&Verdict>) -> CertificateReport {
    let (signature, signed_by, signature_note) = match verdict {
        Some(v) => (v.signature, v.signed_by.clone(), v.note.clone()),
        None => ("not-checked", None, Some("the certificate does not decode".to_string())),
    };
    match decoded::certificate(der) {
        Ok(c) => {
            let c = &c.summary;
            CertificateReport {
                subject: c.subject.clone(),
                issuer: Some(c.issuer.clone()),
                not_before: Some(x509::format_unix_utc(c.not_before)),
                not_after: Some(x509::format_unix_utc(c.not_after)),
                key: Some(c.public_key.to_string()),
                signature_algorithm: Some(c.signature_algorithm.to_string()),
                signature,
                signed_by,
                signature_note,
            }
        }
        Err(e) => CertificateReport {
            subject: format!("(undecodable: {e})"),
            issuer: None,
            not_before: None,
            not_after: None,
            key: None,
            signature_algorithm: None,
            signature,
            signed_by,
            signature_note,
        },
    }
}

pub fn alert_report(a: &AlertInfo) -> AlertReport {
    AlertReport {
        sender: side_name(a.side),
        level: a.level.map(|l| if l == 2 { "fatal" } else { "warning" }),
        description: a.description.map(|d| AlertDescription(d).to_string()),
        frame: a.frame,
        encrypted: a.description.is_none(),
    }
}

pub fn summarize(story: &Story, verdicts: &Verdicts) -> StorySummary {
    StorySummary {
        client_offer: story.client_hello.as_ref().map(|h| Offer {
            frame: h.frame,
            versions: names(&h.versions),
            cipher_suites: names(&h.cipher_suites),
            groups: names(&h.groups),
            signature_algorithms: h.signature_algorithms.as_deref().map(names),
            alpn: h.alpn.clone(),
        }),
        server_choice: story.server_hello.as_ref().map(|s| Choice {
            frame: s.frame,
            version: s.version.to_string(),
            cipher_suite: s.cipher_suite.to_string(),
            group: s.selected_group.map(|g| g.to_string()),
            hello_retry_request: s.hello_retry,
        }),
        certificate_request: story.certificate_request.as_ref().map(|r| Request {
            frame: r.frame,
            signature_algorithms: r.signature_algorithms.as_deref().map(names),
            certificate_authorities: r.authority_names(),
        }),
        server_certificates: story
            .server_certificates
            .as_ref()
            .map(|c| certificates(c, &verdicts[Role::Server as usize])),
        client_certificates: story
            .client_certificates
            .as_ref()
            .map(|c| certificates(c, &verdicts[Role::Client as usize])),
        alerts: story.alerts.iter().map(alert_report).collect(),
    }
}
