//! A presented chain, link by link: is each certificate signed by its issuer, and does
//! the chain reach one of the CA certificates the user gave?

use tlsdoctor_tls::x509::{CertificateSummary, Hash};

use super::certs::{DecodedChain, Role};
use super::codes;
use super::finding::{Finding, Severity};

/// What checking one certificate's signature with an issuer's key gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    Valid,
    Invalid,
    /// The check could not be made (an algorithm or key tlsdoctor does not handle).
    Unchecked(String),
}

/// Where an issuer was found.
#[derive(Clone, Copy)]
enum Issuer<'a> {
    InChain(usize, &'a CertificateSummary, &'a [u8]),
    Given(&'a CertificateSummary, &'a [u8]),
}

/// The signature verdict of one certificate of a presented chain, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// "ok", "invalid", "unknown-issuer" or "not-checked".
    pub signature: &'static str,
    /// Where the issuer whose key checked it was found.
    pub signed_by: Option<String>,
    /// Why the signature was not checked.
    pub note: Option<String>,
}

impl Verdict {
    fn of(link: &Link, signed_by: String) -> Verdict {
        let (signature, note) = match link {
            Link::Valid => ("ok", None),
            Link::Invalid => ("invalid", None),
            Link::Unchecked(why) => ("not-checked", Some(why.clone())),
        };
        Verdict { signature, signed_by: Some(signed_by), note }
    }

    fn without_issuer(signature: &'static str, note: &str) -> Verdict {
        Verdict { signature, signed_by: None, note: Some(note.to_string()) }
    }
}

/// What checking a chain gave: findings, and each certificate's verdict by its index in
/// the chain (certificates that do not decode have none).
pub struct Checked {
    pub findings: Vec<Finding>,
    pub verdicts: Vec<(usize, Verdict)>,
}

pub struct ChainCheck<'a> {
    pub role: Role,
    pub cas: &'a [(Vec<u8>, CertificateSummary)],
    /// Checks a certificate's signature (its DER) against an issuer (its DER).
    pub verify: &'a dyn Fn(&[u8], &[u8]) -> Link,
    /// The handshake failed with an alert about this side's certificate.
    pub failed: bool,
}

impl ChainCheck<'_> {
    pub fn run(&self, chain: &DecodedChain<'_>) -> Checked {
        let mut out = Vec::new();
        let mut verdicts = Vec::new();
        let mut weak = Vec::new();
        let ders = &chain.chain.certificates;
        let find_issuer = |cert: &CertificateSummary, own: usize| -> Option<Issuer<'_>> {
            let in_chain = chain.certs.iter().find(|(j, c)| *j != own && c.summary.subject_der == cert.issuer_der);
            if let Some((j, c)) = in_chain {
                return Some(Issuer::InChain(*j, &c.summary, ders[*j].as_slice()));
            }
            self.cas
                .iter()
                .find(|(_, c)| c.subject_der == cert.issuer_der)
                .map(|(der, c)| Issuer::Given(c, der.as_slice()))
        };
        // Each link of the chain as presented.
        for (i, cert) in &chain.certs {
            let cert = &cert.summary;
            if cert.self_issued && self.cas.iter().all(|(_, c)| c.subject_der != cert.subject_der) {
                verdicts.push((
                    *i,
                    Verdict::without_issuer("not-checked", "self-issued, and not among the --ca certificates"),
                ));
                continue;
            }
            let Some(issuer) = find_issuer(cert, *i) else {
                weak.extend(weakly_signed(*i, cert, None));
                verdicts.push((
                    *i,
                    Verdict::without_issuer(
                        "unknown-issuer",
                        "its issuer is neither in the chain nor among the given CA certificates",
                    ),
                ));
                continue;
            };
            let (issuer_summary, issuer_der, source) = match issuer {
                Issuer::InChain(j, c, der) => (c, der, format!("certificate #{j} of the chain")),
                Issuer::Given(c, der) => (c, der, "the given CA certificates".to_string()),
            };
            let link = (self.verify)(&ders[*i], issuer_der);
            verdicts.push((*i, Verdict::of(&link, source.clone())));
            if link != Link::Invalid {
                weak.extend(weakly_signed(*i, cert, Some(link == Link::Valid)));
            } else {
                out.push(
                    Finding::new(
                        codes::CERTIFICATE_SIGNATURE_INVALID,
                        Severity::Error,
                        chain.chain.frame,
                        format!(
                            "the {} certificate #{i} ({}) is not validly signed by its issuer ({}, from {source}): the signature does not verify with the issuer's key",
                            self.role.name(),
                            cert.subject,
                            issuer_summary.subject
                        ),
                    )
                    .detail("role", self.role.name())
                    .detail("index", *i)
                    .detail("subject", cert.subject.clone())
                    .detail("issuer", issuer_summary.subject.clone())
                    .detail("signature_algorithm", cert.signature_algorithm.to_string())
                    .remedy("the certificate was altered after it was signed, or it names the wrong issuer: reissue it, and look for a middlebox that rewrites handshakes"),
                );
            }
        }
        out.extend(self.weak(chain, &weak));
        if !self.cas.is_empty() {
            out.extend(self.anchor(chain, &find_issuer));
        }
        Checked { findings: out, verdicts }
    }

    /// One finding for the chain's certificates signed with a digest modern peers
    /// refuse, however many there are.
    fn weak(&self, chain: &DecodedChain<'_>, weak: &[WeakCertificate<'_>]) -> Option<Finding> {
        let first = weak.first()?;
        let mut hashes: Vec<&str> = weak.iter().map(|w| w.hash.name()).collect();
        hashes.sort_unstable();
        hashes.dedup();
        let hashes = hashes.join(" and ");
        let validity = |valid: Option<bool>| match valid {
            Some(true) => "the signature itself is valid",
            Some(false) => "the signature could not be checked",
            None => "its issuer is not at hand to check the signature (give it with --ca)",
        };
        let which = match weak {
            [w] => format!(
                "the {} certificate #{} ({}) is signed with {}: {}",
                self.role.name(),
                w.index,
                w.cert.subject,
                w.cert.signature_algorithm,
                validity(w.valid)
            ),
            _ => {
                let listed: Vec<String> = weak
                    .iter()
                    .map(|w| {
                        format!(
                            "#{} ({}, {}: {})",
                            w.index,
                            w.cert.subject,
                            w.cert.signature_algorithm,
                            validity(w.valid)
                        )
                    })
                    .collect();
                format!(
                    "{} certificates of the {} chain are signed with {hashes}: {}",
                    weak.len(),
                    self.role.name(),
                    listed.join("; ")
                )
            }
        };
        let severity = if self.failed { Severity::Error } else { Severity::Warning };
        let certificates: Vec<serde_json::Value> = weak
            .iter()
            .map(|w| {
                serde_json::json!({
                    "index": w.index,
                    "subject": w.cert.subject,
                    "signature_algorithm": w.cert.signature_algorithm.to_string(),
                    "signature_valid": w.valid,
                })
            })
            .collect();
        Some(
            Finding::new(
                codes::CERTIFICATE_SIGNATURE_WEAK,
                severity,
                chain.chain.frame,
                format!("{which}; but current TLS stacks refuse {hashes} certificate signatures by policy (OpenSSL 3 at security level 1 and above)"),
            )
            .detail("role", self.role.name())
            .detail("index", first.index)
            .detail("subject", first.cert.subject.clone())
            .detail("signature_algorithm", first.cert.signature_algorithm.to_string())
            .detail("signature_valid", first.valid)
            .detail("certificates", certificates)
            .remedy("reissue the certificates signed with SHA-256 or better; lowering the peer's security level (OpenSSL @SECLEVEL=0) is a stopgap, not a fix"),
        )
    }

    /// Walks from the leaf towards a given CA.
    fn anchor<'c>(
        &self,
        chain: &'c DecodedChain<'_>,
        find_issuer: &dyn Fn(&CertificateSummary, usize) -> Option<Issuer<'c>>,
    ) -> Option<Finding> {
        let leaf = &chain.certs.first()?.1.summary;
        let is_given = |c: &CertificateSummary| {
            self.cas.iter().any(|(_, ca)| ca.subject_der == c.subject_der && ca.spki_der == c.spki_der)
        };
        let (mut index, mut current) = (0usize, leaf);
        for _ in 0..=chain.certs.len() {
            if is_given(current) {
                return None;
            }
            match find_issuer(current, index) {
                Some(Issuer::Given(..)) => return None,
                Some(Issuer::InChain(j, next, _)) if j != index => (index, current) = (j, next),
                _ => break,
            }
        }
        let severity = if self.failed { Severity::Error } else { Severity::Warning };
        let (code, summary) = if current.self_issued {
            (
                codes::CERTIFICATE_UNTRUSTED,
                format!(
                    "the {} chain ends at {}, which is not among the given CA certificates",
                    self.role.name(),
                    current.subject
                ),
            )
        } else {
            (
                codes::CERTIFICATE_ISSUER_MISSING,
                format!(
                    "the issuer of {} ({}) is neither in the {} chain nor among the given CA certificates",
                    current.subject,
                    current.issuer,
                    self.role.name()
                ),
            )
        };
        Some(
            Finding::new(code, severity, chain.chain.frame, summary)
                .detail("role", self.role.name())
                .detail("last_subject", current.subject.clone())
                .detail("last_issuer", current.issuer.clone())
                .remedy(match code {
                    codes::CERTIFICATE_UNTRUSTED => {
                        "give the CA that issued this chain with --ca, or make the peer trust it"
                    }
                    _ => "send the missing intermediate certificate in the chain (or give it with --ca)",
                }),
        )
    }
}

/// A certificate signed with MD5 or SHA-1 (`valid`: None when its issuer was not at
/// hand to check the signature).
struct WeakCertificate<'c> {
    index: usize,
    cert: &'c CertificateSummary,
    hash: Hash,
    valid: Option<bool>,
}

fn weakly_signed(index: usize, cert: &CertificateSummary, valid: Option<bool>) -> Option<WeakCertificate<'_>> {
    let hash = cert.signature_algorithm.hash().filter(|h| matches!(h, Hash::Md5 | Hash::Sha1))?;
    Some(WeakCertificate { index, cert, hash, valid })
}
