//! The connection story as the JSON report shows it: what the client offered, what the
//! server chose, who asked for and who sent certificates, every alert.

use serde::Serialize;
use tlsdoctor_tls::registry::AlertDescription;

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

fn certificates(chain: &Chain) -> Certificates {
    let subjects = chain
        .certificates
        .iter()
        .map(|der| {
            decoded::certificate(der).map_or_else(|e| format!("(undecodable: {e})"), |c| c.summary.subject.clone())
        })
        .collect();
    Certificates { frame: chain.frame, subjects }
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

pub fn summarize(story: &Story) -> StorySummary {
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
        server_certificates: story.server_certificates.as_ref().map(certificates),
        client_certificates: story.client_certificates.as_ref().map(certificates),
        alerts: story.alerts.iter().map(alert_report).collect(),
    }
}
