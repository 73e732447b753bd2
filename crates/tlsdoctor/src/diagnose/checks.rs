//! Every check of one connection's story, in the order a peer makes them, and the
//! findings that explain what the capture shows.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use tlsdoctor_tcp::Side;
use tlsdoctor_tls::registry::AlertDescription;
use tlsdoctor_tls::stream::{AnomalyKind, GapCost};

use super::codes;
use super::finding::{Finding, Severity};
use super::outcome::{self, Outcome};
use super::story::{CertificateRequestInfo, Story};
use super::{certs, chain, datagrams, decoded, finished, schemes, side_name, signatures, Options};
use crate::pipeline::Transport;

/// Lost bytes before the handshake finished: what follows is judged in part only.
pub fn gaps(story: &Story) -> Option<Finding> {
    let (frame, missing) = story.anomalies.iter().find_map(|a| match a.kind {
        AnomalyKind::Gap { missing, cost: GapCost::Record | GapCost::Sync } => Some((a.frame, missing)),
        _ => None,
    })?;
    if story.handshake_finished() && story.client_certificate_verify.is_some() {
        return None;
    }
    Some(
        Finding::new(
            codes::CAPTURE_GAP,
            Severity::Warning,
            frame,
            format!("the capture lost {missing} bytes of this connection in frame {frame}; what follows is analysed in part"),
        )
        .detail("missing_bytes", missing)
        .remedy("capture closer to one of the peers, with a larger buffer (dumpcap -B), so no segment is lost"),
    )
}

/// Handshake messages over the size limit were skipped: what they carried is unchecked.
pub fn limits(story: &Story) -> Vec<Finding> {
    story
        .anomalies
        .iter()
        .filter_map(|a| match a.kind {
            AnomalyKind::OversizedMessage { typ, length } => Some(
                Finding::new(
                    codes::MESSAGE_OVER_LIMIT,
                    Severity::Warning,
                    a.frame,
                    format!(
                        "the {}'s {} declares {length} bytes, more than tlsdoctor reads; it was skipped, and the checks it feeds were not made",
                        side_name(a.side),
                        tlsdoctor_tls::registry::HandshakeType(typ)
                    ),
                )
                .detail("declared_bytes", length)
                .remedy("a message this large is unusual (a certificate chain of hundreds of certificates, or a hostile peer); look at it in Wireshark"),
            ),
            _ => None,
        })
        .collect()
}

/// The signature verdicts of each chain's certificates, by [`certs::Role`].
pub type Verdicts = [Vec<(usize, chain::Verdict)>; 2];

/// Every check of a connection's story: the findings, the checks that passed, and the
/// verdicts on the chains' links (for the report's chains).
pub fn checks(
    story: &Story,
    outcome: &Outcome,
    options: &Options,
    links: &LinkCache,
) -> (Vec<Finding>, Vec<String>, Verdicts) {
    let mut verdicts = Verdicts::default();
    let valid_links = [Cell::new(0usize), Cell::new(0usize)];
    let counting = |role: certs::Role| {
        let counter = &valid_links[role as usize];
        move |cert: &[u8], issuer: &[u8]| {
            let link = links.check(cert, issuer);
            counter.set(counter.get() + usize::from(link == chain::Link::Valid));
            link
        }
    };
    let (server_link, client_link) = (counting(certs::Role::Server), counting(certs::Role::Client));
    let mut passed = Vec::new();
    let failed = *outcome == Outcome::Failed;
    let now = story.conn.first_time.secs;
    let suite = story.server_hello.as_ref().map(|s| s.cipher_suite);
    let mut out = Vec::new();
    if let Some(chain) = &story.server_certificates {
        let chain = certs::decode(chain);
        let refused = failed && story.alerts.iter().any(|a| a.side == Side::Client);
        let check = chain::ChainCheck {
            role: certs::Role::Server,
            cas: &options.ca_certificates,
            verify: &server_link,
            failed: refused,
        };
        let checked = check.run(&chain);
        out.extend(checked.findings);
        verdicts[certs::Role::Server as usize] = checked.verdicts;
        out.extend(certs::validity(&chain, certs::Role::Server, now, refused));
        if let Some(sni) = story.client_hello.as_ref().and_then(|h| h.sni.as_deref()) {
            out.extend(certs::name(&chain, sni, refused));
        }
        out.extend(certs::usage(&chain, certs::Role::Server, suite, refused));
    }
    let refused_client_cert = failed && server_refused_client_certificate(story);
    let mut client_chain_invalid = false;
    if let Some(chain) = &story.client_certificates {
        let decoded = certs::decode(chain);
        if chain.certificates.is_empty() {
            if story.certificate_request.is_some() {
                out.push(client_certificate_missing(story, chain.frame, *outcome));
            }
        } else {
            let check = chain::ChainCheck {
                role: certs::Role::Client,
                cas: &options.ca_certificates,
                verify: &client_link,
                failed: refused_client_cert,
            };
            let checked = check.run(&decoded);
            verdicts[certs::Role::Client as usize] = checked.verdicts;
            let chain_findings = checked.findings;
            client_chain_invalid = chain_findings.iter().any(|f| f.code == codes::CERTIFICATE_SIGNATURE_INVALID);
            out.extend(chain_findings);
            out.extend(certs::validity(&decoded, certs::Role::Client, now, refused_client_cert));
            out.extend(certs::usage(&decoded, certs::Role::Client, suite, refused_client_cert));
            out.extend(certs::requested_issuer(story, &decoded, refused_client_cert, *outcome == Outcome::Ok));
        }
    } else if let (Some(_), Some(kx)) = (&story.certificate_request, story.client_key_exchange) {
        // SSL 3.0 clients send no Certificate message at all.
        out.push(client_certificate_missing(story, kx, *outcome));
    }
    out.extend(schemes::not_offered(story, failed));
    match signatures::server_key_exchange(story) {
        signatures::Check::Valid(note) => passed.push(note),
        signatures::Check::Invalid(f) => out.push(f),
        signatures::Check::NotMade => {}
    }
    // A client certificate altered on the way also breaks the CertificateVerify over it;
    // the server stops at the certificate, which is then the cause to name.
    // Likewise a scheme the server did not offer is refused before any verification.
    let stopped_before = |f: &Finding| {
        f.code == codes::CERTIFICATE_SIGNATURE_INVALID
            || (f.code == codes::SIGNATURE_ALGORITHM_NOT_OFFERED && f.detail["signer"] == "client")
    };
    match signatures::certificate_verify(story, Side::Server) {
        signatures::Check::Valid(note) => passed.push(note),
        signatures::Check::Invalid(f) => out.push(f),
        signatures::Check::NotMade => {}
    }
    match signatures::certificate_verify(story, Side::Client) {
        signatures::Check::Invalid(cv) if client_chain_invalid || out.iter().any(stopped_before) => {
            if let Some(f) = out.iter_mut().find(|f| stopped_before(f)) {
                f.detail.insert("certificate_verify".into(), cv.detail["cause"].clone());
            }
        }
        signatures::Check::Invalid(cv) => out.push(cv),
        signatures::Check::Valid(note) => passed.push(note),
        signatures::Check::NotMade => {}
    }
    for role in [certs::Role::Server, certs::Role::Client] {
        let valid = valid_links[role as usize].get();
        let broken = out
            .iter()
            .any(|f| f.detail.get("role").is_some_and(|r| r == role.name()) && f.code.starts_with("certificate-"));
        if valid > 0 && !broken {
            let anchored = if options.ca_certificates.is_empty() { "" } else { ", up to a given CA" };
            passed.push(format!("the {} certificate chain: {valid} signature(s) verify{anchored}", role.name()));
        }
    }
    if let Some(keys) = &options.keys {
        let (findings, notes) = finished::check(story, keys);
        out.extend(findings);
        passed.extend(notes);
    }
    if let Some(&(side, frame, ref reason)) = story.decrypt_failures.first() {
        out.push(keylog_mismatch(story, side, frame, reason));
    } else if story.is_tls13() && *outcome != Outcome::Ok && !story.decrypted {
        out.extend(tls13_hidden(story, options.keys.is_some()));
    }
    if !out.iter().any(|f| f.severity == Severity::Error) {
        out.extend(unexplained_decrypt_error(story));
        match trust_refusal(story) {
            Some(refusal) if options.ca_certificates.is_empty() => out.push(trust_unknown(&refusal)),
            Some(refusal) => out.push(untrusted_by_peer(&refusal)),
            None => {}
        }
    }
    // A handshake the capture lost bytes of cannot be hashed as the peers hashed it: a
    // signature or Finished that does not match it says nothing.
    if damaged_by_gap(story) {
        out.retain(|f| {
            !matches!(
                f.code,
                codes::FINISHED_MISMATCH
                    | codes::CLIENT_CERTIFICATE_VERIFY_INVALID
                    | codes::SERVER_CERTIFICATE_VERIFY_INVALID
            )
        });
    }
    (out, passed, verdicts)
}

/// A client that refuses the server certificate without an alert leaves at once: right
/// after the handshake, without a request, when it checks the certificate afterwards
/// (curl checks the host name then); or right after the server's flight, with a bare
/// close (Node.js drops a chain it refuses). When a check the client makes failed, that
/// check explains the end: the finding is an error, and a finished handshake failed.
pub fn certificate_refused_by_client(story: &Story, outcome: Outcome, findings: &mut [Finding]) -> bool {
    let hello = story.client_hello.as_ref().map(|h| h.frame);
    let (left, how) = match outcome {
        Outcome::Ok => match outcome::client_left_after_handshake(story) {
            Some(left) => (left, format!("the client ended the connection right after the handshake (frame {left}) without sending a request: it refused the certificate once the handshake was done, as clients that check it afterwards do (curl checks the host name then)")),
            None => return false,
        },
        Outcome::Failed => match outcome::closed_without_alert(story) {
            Some((Side::Client, _, left)) if story.last_message[Side::Client.index()] <= hello => (left, format!("the client closed the connection (frame {left}) right after the server's flight, without an alert and without answering: it refused the certificate, as clients that send no alert do (Node.js drops a chain it refuses)")),
            _ => return false,
        },
        Outcome::Incomplete => return false,
    };
    let client_checks = |f: &Finding| {
        f.code == codes::CERTIFICATE_NAME_MISMATCH
            || (matches!(
                f.code,
                codes::CERTIFICATE_EXPIRED
                    | codes::CERTIFICATE_NOT_YET_VALID
                    | codes::CERTIFICATE_UNTRUSTED
                    | codes::CERTIFICATE_ISSUER_MISSING
            ) && f.detail.get("role").is_some_and(|r| r == "server"))
    };
    let mut refused = false;
    for f in findings.iter_mut().filter(|f| client_checks(f)) {
        refused = true;
        f.severity = Severity::Error;
        f.summary.push_str(&format!("; {how}"));
        f.detail.insert("client_left_frame".into(), left.into());
    }
    refused
}

/// The capture lost bytes that a record or record boundary needed.
pub fn damaged_by_gap(story: &Story) -> bool {
    story.anomalies.iter().any(|a| matches!(a.kind, AnomalyKind::Gap { cost: GapCost::Record | GapCost::Sync, .. }))
}

/// A peer's alert that refuses the other's chain as untrusted, before the handshake
/// finished.
struct TrustRefusal<'s> {
    alert: &'s super::story::AlertInfo,
    /// The side whose chain was refused.
    refused: &'static str,
    chain: &'s super::story::Chain,
    /// The issuer named by the chain's last certificate: the CA it ends at.
    issuer: String,
}

fn trust_refusal(story: &Story) -> Option<TrustRefusal<'_>> {
    let alert = story.alerts.iter().find(|a| matches!(a.description, Some(42 | 46 | 48)) && !a.after_handshake)?;
    let (refused, chain) = match alert.side {
        Side::Server => ("client", story.client_certificates.as_ref()?),
        Side::Client => ("server", story.server_certificates.as_ref()?),
    };
    let issuer = chain_ends_at(chain).unwrap_or_else(|| "unknown".to_string());
    Some(TrustRefusal { alert, refused, chain, issuer })
}

/// The issuer named by a chain's last certificate: the CA it ends at.
fn chain_ends_at(chain: &super::story::Chain) -> Option<String> {
    let last = decoded::certificate(chain.certificates.last()?).ok()?;
    Some(last.summary.issuer.clone())
}

/// A finished handshake that was never used, when no check of the server's certificate
/// failed. The client left: a probe, or a client that refused the certificate for a
/// reason the capture cannot show (its CA store). The server left: a refusal decided
/// after the handshake, or an idle connection closed. Which one, only the peer knows.
pub fn left_without_data(story: &Story) -> Option<Finding> {
    let (side, left) = outcome::left_after_handshake(story)?;
    if side == Side::Server {
        return Some(
            Finding::new(
                codes::SERVER_LEFT_AFTER_HANDSHAKE,
                Severity::Info,
                left,
                format!("the server ended the connection in frame {left}, right after the handshake and before the client sent anything: a server that refuses the client after the handshake (its application checks the client's certificate, say) does this, and so does one that closes a connection left idle; the capture cannot tell which"),
            )
            .detail("server_left_frame", left)
            .remedy("the server's logs say why; with --keylog tlsdoctor reads its alert"),
        );
    }
    let ends_at = story.server_certificates.as_ref().and_then(chain_ends_at);
    let finding = Finding::new(
        codes::CLIENT_LEFT_AFTER_HANDSHAKE,
        Severity::Info,
        left,
        format!("the client finished the handshake and ended the connection in frame {left} without sending any data: a probe that only shakes hands (a health check, a scanner) does this, and so does a client that refuses the server's certificate after the handshake (curl, wget and Node.js check it then) for a reason the capture cannot show, such as its CA store"),
    )
    .detail("client_left_frame", left);
    Some(match ends_at {
        Some(ca) => finding.detail("chain_ends_at", ca.clone()).remedy(format!("if the client reported an error, check that it trusts {ca}, the CA the server's chain ends at, and the name it connected by; if it was a probe, nothing is wrong")),
        None => finding.remedy("if the client reported an error, it refused the server's chain: run again with --keylog to see the certificates, and compare them with the client's CA store; if it was a probe, nothing is wrong"),
    })
}

/// A peer refused the other's chain as untrusted, and nothing in the capture says why:
/// trust is decided by CA certificates the capture does not carry.
fn trust_unknown(r: &TrustRefusal<'_>) -> Finding {
    let judge = side_name(r.alert.side);
    let finding = Finding::new(
        codes::CERTIFICATE_TRUST_UNKNOWN,
        Severity::Warning,
        r.alert.frame,
        format!(
            "the {judge} refused the {}'s certificate chain (frame {}); its signatures hold as far as the capture shows, and it ends at the issuer {}: whether the {judge} trusts that CA cannot be told without its CA certificates",
            r.refused, r.chain.frame, r.issuer,
        ),
    );
    let check_ca =
        format!("run again with --ca and the CA certificates the {judge} trusts, to see where the chain breaks");
    r.with_names(finding, check_ca, |listed| {
        format!("and check that the client connects by a name the certificate covers ({listed}): a client that connects by IP address or by another name refuses it too")
    })
}

/// A peer refused a chain that verifies up to a CA the user gave: the peer does not
/// trust that CA, though the user does.
fn untrusted_by_peer(r: &TrustRefusal<'_>) -> Finding {
    let judge = side_name(r.alert.side);
    let description = r.alert.description.map(|d| AlertDescription(d).to_string()).unwrap_or_default();
    let finding = Finding::new(
        codes::CERTIFICATE_UNTRUSTED_BY_PEER,
        Severity::Error,
        r.alert.frame,
        format!(
            "the {judge} refused the {}'s certificate chain (frame {}) with {description}, though the chain verifies up to {}, a CA given with --ca: the {judge} does not trust that CA",
            r.refused, r.chain.frame, r.issuer,
        ),
    );
    let add_ca = format!(
        "add {} to the {judge}'s trust store (for a browser: the system or browser certificate store; for OpenSSL: its CAfile or CApath), or have the {} present a chain from a CA the {judge} trusts",
        r.issuer, r.refused
    );
    r.with_names(finding, add_ca, |listed| {
        format!("if the {judge} does trust it, check that it connects by a name the certificate covers ({listed})")
    })
}

impl TrustRefusal<'_> {
    /// The finding's common details and remedy. A client also checks the server's name,
    /// which the capture shows only as the SNI: a client that connects by IP address or
    /// by another name checks that one, so the remedy names the certificate's names.
    fn with_names(&self, finding: Finding, remedy: String, names_hint: impl Fn(&str) -> String) -> Finding {
        let finding = finding.detail("role", self.refused).detail("chain_ends_at", self.issuer.clone());
        let names = (self.alert.side == Side::Client)
            .then(|| self.chain.certificates.first().and_then(|der| decoded::certificate(der).ok()))
            .flatten()
            .map(|leaf| leaf.summary.subject_alt_names.clone())
            .filter(|names| !names.is_empty());
        match names {
            Some(names) => {
                let hint = names_hint(&names.join(", "));
                finding.detail("certificate_names", names).remedy(format!("{remedy}; {hint}"))
            }
            None => finding.remedy(remedy),
        }
    }
}

/// A decrypt_error that no signature in this capture explains: every signature the
/// alerting peer checked verifies here, so it checked other bytes, or the Finished.
fn unexplained_decrypt_error(story: &Story) -> Option<Finding> {
    let alert = story.alerts.iter().find(|a| a.description == Some(51) && !a.after_handshake)?;
    if story.is_tls13() {
        return None;
    }
    match alert.side {
        Side::Client
            if story.server_key_exchange.as_ref().is_some_and(|s| s.signed)
                && story.change_cipher_spec[0].is_none() =>
        {
            let ske = story.server_key_exchange.as_ref()?;
            Some(
                Finding::new(
                    codes::HANDSHAKE_ALTERED_IN_TRANSIT,
                    Severity::Error,
                    alert.frame,
                    format!(
                        "the client answered decrypt_error to the server's flight, but the ServerKeyExchange signature of frame {} verifies in this capture with the server certificate's key: the client must have received other handshake bytes than the ones captured here",
                        ske.frame
                    ),
                )
                .detail("verified_here", "server-key-exchange")
                .remedy("something between this capture point and the client alters the handshake (a TLS-inspecting proxy, a broken offload): capture next to the client as well and compare the ServerHello and ServerKeyExchange bytes"),
            )
        }
        Side::Server if story.client_key_exchange.is_some() && !story.decrypted => {
            let finished = story.finished[0].map_or(String::new(), |f| format!(" (frame {f})"));
            let verified = match &story.client_certificate_verify {
                Some(cv) => format!("the client's CertificateVerify of frame {} verifies in this capture; ", cv.frame),
                None => String::new(),
            };
            Some(
                Finding::new(
                    codes::KEYS_MISSING,
                    Severity::Warning,
                    alert.frame,
                    format!(
                        "the server answered decrypt_error to the client's flight; {verified}the server's remaining check that answers decrypt_error is the client's Finished{finished}, which needs the connection's secrets"
                    ),
                )
                .detail("check", "finished")
                .remedy("run again with --keylog and the client's key log (SSLKEYLOGFILE) of this run, or --rsa-key with the server's key for RSA key exchange, so the Finished messages can be checked"),
            )
        }
        _ => None,
    }
}

/// Chain links already checked: the same certificates come back in connection after
/// connection, and an RSA verification costs more than the rest of a handshake.
#[derive(Default)]
pub struct LinkCache {
    links: RefCell<HashMap<(u64, u64), chain::Link>>,
}

/// Links remembered at most; past it the cache starts over.
const CACHED_LINKS: usize = 4096;

impl LinkCache {
    fn check(&self, cert: &[u8], issuer: &[u8]) -> chain::Link {
        let key = (fingerprint(cert), fingerprint(issuer));
        if let Some(link) = self.links.borrow().get(&key) {
            return link.clone();
        }
        let link = certificate_link(cert, issuer);
        let mut links = self.links.borrow_mut();
        if links.len() >= CACHED_LINKS {
            links.clear();
        }
        links.insert(key, link.clone());
        link
    }
}

fn fingerprint(bytes: &[u8]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// One link of a chain: `cert` checked against `issuer`'s key.
fn certificate_link(cert: &[u8], issuer: &[u8]) -> chain::Link {
    let (Ok(cert_decoded), Ok(issuer)) = (decoded::certificate(cert), decoded::certificate(issuer)) else {
        return chain::Link::Unchecked("the certificate or its issuer does not decode".to_string());
    };
    let Some(key) = &issuer.key else {
        return chain::Link::Unchecked("the issuer's public key is not one tlsdoctor can use".to_string());
    };
    match tlsdoctor_verify::verify_certificate_with_key(cert, &cert_decoded.summary, key) {
        Ok(_) => chain::Link::Valid,
        Err(tlsdoctor_verify::VerifyError::Invalid) => chain::Link::Invalid,
        Err(e) => chain::Link::Unchecked(e.to_string()),
    }
}

/// What a TLS 1.3 record's length adds to its plaintext: the content type and the AEAD tag.
const SEALED_OVERHEAD: u64 = 1 + 16;
/// The fewest handshake bytes of a TLS 1.3 client flight that carries a certificate: the
/// Certificate message's own fields (13), a certificate (an Ed25519 one with the shortest
/// names is about 170 bytes), a CertificateVerify with an Ed25519 signature (72) and the
/// Finished (36).
const FLIGHT_WITH_A_CERTIFICATE: u64 = 290;

/// The server's answer to the client's encrypted flight (TLS 1.3, without keys).
struct Refusal {
    /// The frame of the client's first encrypted record.
    flight: u64,
    /// "with an encrypted alert in frame 9", "by closing the connection in frame 9, ...".
    answer: String,
    /// The most handshake bytes the flight can hold.
    bytes: u64,
    /// The frame of the answer.
    frame: u64,
}

/// A TLS 1.3 handshake that did not finish: its certificates, CertificateVerify and
/// alerts are encrypted, so the checks need the connection's secrets. The size of the
/// client's refused flight still tells whether it can hold a certificate.
fn tls13_hidden(story: &Story, secrets_given: bool) -> Option<Finding> {
    let hello = story.client_hello.as_ref()?;
    let random: String = hello.random.iter().map(|b| format!("{b:02x}")).collect();
    let alert = outcome::alert(story);
    let first_sealed = story.sealed.iter().find(|r| r.side == Side::Client);
    // How the server answered the client's flight: an encrypted alert, or (Node.js) a
    // close without one.
    let answer = match (alert, outcome::closed_without_alert(story)) {
        (_, Some((Side::Server, _, frame))) => {
            Some((frame, format!("by closing the connection in frame {frame}, without an alert")))
        }
        (Some(a), _) if a.side == Side::Server => {
            Some((a.frame, format!("with an encrypted alert in frame {}", a.frame)))
        }
        _ => None,
    };
    // The client's flight the server refused: the most handshake bytes it can hold.
    let refused = match (first_sealed, answer) {
        (Some(first), Some((frame, answer))) if frame > first.frame => {
            let flight = story.sealed.iter().filter(|r| r.side == Side::Client && r.frame < frame);
            let bytes = flight.map(|r| u64::from(r.length).saturating_sub(SEALED_OVERHEAD)).sum::<u64>();
            Some(Refusal { flight: first.frame, answer, bytes, frame })
        }
        _ => None,
    };
    // A raw public key (RFC 7250) is far smaller than a certificate.
    let no_certificate =
        refused.as_ref().is_some_and(|r| r.bytes < FLIGHT_WITH_A_CERTIFICATE) && !hello.client_certificate_type;
    let summary = match (&refused, alert) {
        (Some(Refusal { flight, answer, bytes, .. }), _) if no_certificate => format!(
            "the server refused the client's encrypted second flight (frame {flight}, at most {bytes} bytes of handshake messages) {answer}; that is too few for a certificate with its CertificateVerify (at least {FLIGHT_WITH_A_CERTIFICATE} bytes), so the client sent no certificate: if the server requires one, that is why it refused"
        ),
        (Some(Refusal { flight, answer, bytes, .. }), _) => format!(
            "the server refused the client's encrypted second flight (frame {flight}, at most {bytes} bytes of handshake messages: room for a certificate) {answer}; in TLS 1.3 these are encrypted, so which check failed needs the connection's secrets"
        ),
        (None, Some(a)) => format!(
            "the {} ended the TLS 1.3 handshake with an encrypted alert in frame {}; the certificates and signatures are encrypted, so which check failed needs the connection's secrets",
            side_name(a.side),
            a.frame
        ),
        // QUIC seals everything after the ServerHello, the handshake's end too.
        (None, None) if story.conn.transport == Transport::Quic => "QUIC encrypts the handshake after the ServerHello (Handshake packets) and its end (1-RTT packets): whether it finished, and its certificates and signatures, need the connection's secrets".to_string(),
        (None, None) => "the TLS 1.3 handshake did not finish, and its certificates and signatures are encrypted: judging them needs the connection's secrets".to_string(),
    };
    let summary = if secrets_given {
        format!("{summary}; the secrets given have none for this connection's client random")
    } else {
        summary
    };
    let frame = refused.as_ref().map(|r| r.frame).or(alert.map(|a| a.frame)).unwrap_or(hello.frame);
    let mut finding =
        Finding::new(codes::KEYS_MISSING, Severity::Warning, frame, summary).detail("client_random", random);
    if let Some(refused) = &refused {
        finding = finding.detail("client_flight_bytes", refused.bytes);
    }
    let keylog = "run again with --keylog and a key log of this run (SSLKEYLOGFILE of the client or the server) that has a line for this client random; with it tlsdoctor opens the encrypted handshake";
    Some(if no_certificate {
        finding.remedy(format!("if the server requires client certificates, configure the client with one it accepts (for curl: --cert/--key; openssl s_client: -cert/-key); to see what the server asks for, {keylog}"))
    } else {
        finding.remedy(keylog)
    })
}

/// A reset the peer did not send ended the handshake (a firewall or proxy filtering by
/// server name, an intrusion prevention system): the reset, not the peer, is the answer.
pub fn reset_from_the_path(story: &Story) -> Option<Finding> {
    let (side, frame, ttl, usual) = outcome::forged_reset(story)?;
    let peer = side_name(side);
    let hello = story.client_hello.as_ref();
    let after_hello = match (hello, &story.server_hello) {
        (Some(hello), None) => match &hello.sni {
            Some(name) => format!(
                ", right after the ClientHello (frame {}) that names {name}, as devices that filter by server name do",
                hello.frame
            ),
            None => format!(", right after the ClientHello (frame {})", hello.frame),
        },
        _ => String::new(),
    };
    Some(
        Finding::new(
            codes::RESET_BY_MIDDLEBOX,
            Severity::Error,
            frame,
            format!("the reset in frame {frame} that ended the handshake did not come from the {peer}: it arrived with time to live {ttl}, the {peer}'s other packets with {usual}, so a device on the path sent it in the {peer}'s name{after_hello}"),
        )
        .detail("sender", peer)
        .detail("ttl", ttl)
        .detail("peer_ttl", usual)
        .detail("sni", hello.and_then(|h| h.sni.clone()))
        .remedy(format!("look for a firewall, proxy or intrusion prevention system between the capture point and the {peer} whose policy blocks this connection (by server name, address or port); the {peer} itself probably never saw what was refused")),
    )
}

/// The server answered in another protocol: a TLS client on a plain port (HTTP), or
/// straight at a port that expects STARTTLS first.
pub fn server_not_tls(story: &Story) -> Option<Finding> {
    let (frame, bytes) = outcome::server_not_tls(story)?;
    let shown = crate::names::printable(&bytes);
    let (what, remedy) = match &bytes {
        b"HTTP/" | b"<!DOC" | b"<html" | b"<HTML" => ("an HTTP response or page: this port serves plain HTTP", "connect to the server's TLS port (443, or the one its configuration names), or enable TLS on this one"),
        b"<?xml" | b"<stre" => ("XML: an XMPP server, which expects STARTTLS first", "send STARTTLS first (openssl s_client -starttls xmpp), or use the implicit-TLS port (5223)"),
        [b'S', b'S', b'H', b'-', _] => ("an SSH server's banner", "connect to the server's TLS port"),
        [b'2', b'2', b'0', b' ' | b'-', _] => ("a mail (SMTP) or FTP server's greeting: this port expects plain text, then STARTTLS", "send STARTTLS first (openssl s_client -starttls smtp|ftp, curl smtp:// with --ssl-reqd), or use the implicit-TLS port (465 for SMTP, 990 for FTP)"),
        [b'*', b' ', b'O', b'K', _] => ("an IMAP server's greeting: this port expects STARTTLS first", "send STARTTLS first (openssl s_client -starttls imap), or use port 993"),
        [b'+', b'O', b'K', _, _] => ("a POP3 server's greeting: this port expects STLS first", "send STLS first (openssl s_client -starttls pop3), or use port 995"),
        _ => ("another protocol", "check that this port speaks TLS, and that nothing on the path answers in the server's place"),
    };
    let after_hello =
        story.client_hello.as_ref().map_or(String::new(), |h| format!(" the ClientHello (frame {})", h.frame));
    Some(
        Finding::new(
            codes::SERVER_NOT_TLS,
            Severity::Error,
            frame,
            format!(
                "the server answered{after_hello} in plain text, not TLS (frame {frame}, starting \"{shown}\"): {what}"
            ),
        )
        .detail("first_bytes", shown)
        .remedy(remedy),
    )
}

/// The server's alert says it refused the client's certificate (or the lack of one), or
/// the server closed the connection after it without an alert (as Node.js servers do).
fn server_refused_client_certificate(story: &Story) -> bool {
    let alerted = story.alerts.iter().any(|a| {
        a.side == Side::Server && matches!(a.description, Some(40 | 42 | 43 | 44 | 45 | 46 | 48 | 49 | 51 | 116) | None)
    });
    let certificate = story.client_certificates.as_ref().map(|c| c.frame);
    let closed_after = match outcome::closed_without_alert(story) {
        Some((Side::Server, _, frame)) if outcome::forged_reset(story).is_none() => {
            certificate.is_some_and(|sent| sent < frame)
        }
        _ => false,
    };
    alerted || closed_after
}

/// The client sent no certificate. What the server asked for is part of the answer:
/// Java, Go, browsers and .NET offer only a certificate issued by a CA the request names,
/// with a key one of its schemes admits, and send none when theirs does not fit. A server
/// that goes on without one may still refuse the request itself: worth a warning.
fn client_certificate_missing(story: &Story, frame: u64, outcome: Outcome) -> Finding {
    let request = story.certificate_request.as_ref();
    let request_frame = request.map_or(0, |r| r.frame);
    let requested = request.map(CertificateRequestInfo::authority_names).unwrap_or_default();
    let key_types = request.map(schemes::requested_key_types).unwrap_or_default();
    // RSA and ECDSA are the keys clients hold: a request without one of them restricts.
    let restricted = !key_types.is_empty() && !["RSA", "ECDSA"].iter().all(|kind| key_types.contains(kind));
    let issued_by = match requested.as_slice() {
        [] => String::new(),
        [name] => format!(" issued by {name}"),
        names => format!(" issued by one of {} CAs", names.len()),
    };
    let with_key = if restricted { format!(" with {} key", a_or_an(&key_types.join(" or "))) } else { String::new() };
    // DTLS: the server answered the client's earlier flight, then nothing after the one
    // without a certificate (gnutls-serv refuses so, without an alert).
    let refused_silently = datagrams::refused_silently(story, Side::Client)
        .filter(|_| story.datagrams.last_new_message[Side::Client.index()].is_some_and(|last| last >= frame));
    let (severity, then) = match (outcome, refused_silently) {
        (Outcome::Failed, _) => (Severity::Error, String::new()),
        (Outcome::Ok, _) => (Severity::Warning, certs::refused_after_handshake("No required SSL certificate was sent")),
        (Outcome::Incomplete, Some(before)) => (
            Severity::Error,
            format!(
                "; the server, which had answered the client before (frame {before}), answered this flight with silence: a DTLS server may drop a handshake it refuses without an alert (gnutls-serv does)"
            ),
        ),
        (Outcome::Incomplete, None) => (Severity::Info, String::new()),
    };
    let mut finding = Finding::new(
        codes::CLIENT_CERTIFICATE_MISSING,
        severity,
        frame,
        format!(
            "the server asked for a client certificate{issued_by}{with_key} (frame {request_frame}) and the client sent none{then}"
        ),
    )
    .detail("certificate_request_frame", request_frame);
    if !requested.is_empty() {
        finding = finding.detail("requested", requested);
    }
    if !key_types.is_empty() {
        finding = finding.detail("key_types", key_types);
    }
    let choosy = if issued_by.is_empty() && with_key.is_empty() {
        ""
    } else {
        "; Java, Go, browsers and .NET send none when theirs does not fit what the server asks for"
    };
    let issuer = if issued_by.is_empty() { " issued by a CA the server trusts" } else { &issued_by };
    finding.remedy(format!(
        "configure the client with a certificate and key{issuer}{with_key} (for curl: --cert/--key; openssl s_client: -cert/-key){choosy}"
    ))
}

/// Key names read letter by letter: an RSA, an ECDSA, an Ed25519, a DSA.
fn a_or_an(key_types: &str) -> String {
    let article = if key_types.starts_with('D') { "a" } else { "an" };
    format!("{article} {key_types}")
}

/// Secrets were found for the connection, and its records do not open with them.
fn keylog_mismatch(story: &Story, side: Side, frame: u64, reason: &str) -> Finding {
    let random: String =
        story.client_hello.as_ref().map(|h| h.random.iter().map(|b| format!("{b:02x}")).collect()).unwrap_or_default();
    Finding::new(
        codes::KEYLOG_MISMATCH,
        Severity::Error,
        frame,
        format!(
            "secrets were given for this connection, but the {}'s record in frame {frame} does not decrypt with them: {reason}",
            side_name(side)
        ),
    )
    .detail("client_random", random)
    .detail("reason", reason)
    .remedy("the key log line for this client random belongs to another run of the handshake or was damaged: take the key log from the same run as the capture")
}
