//! A ServerHello that never came: what the client offered against what the same server
//! chose in the capture's other connections.

use std::collections::HashMap;
use std::net::SocketAddr;

use tlsdoctor_tls::registry::{AlertDescription, CipherSuite, KeyExchange, NamedGroup, ProtocolVersion};
use tlsdoctor_verify::{KeyShape, SignatureAlgorithm};

use super::finding::{Finding, Severity};
use super::outcome::{self, Outcome};
use super::profiles::{self, Lack};
use super::story::{ClientHelloInfo, Story};
use super::{codes, decoded};

/// Choices kept per server: enough evidence, bounded.
const CHOICES_PER_SERVER: usize = 16;
/// Servers remembered: a capture of a scan can hold millions; the first ones give the
/// evidence, the rest are judged without it.
const SERVERS: usize = 65_536;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Choice {
    version: ProtocolVersion,
    suite: CipherSuite,
    group: Option<NamedGroup>,
}

/// What each server chose in the capture. Kept the same whatever order connections are
/// recorded in (two lanes, or captures read at once, record them in different orders):
/// choices sorted, keys from the lowest connection id.
#[derive(Default)]
pub struct ServerChoices {
    by_server: HashMap<SocketAddr, Vec<Choice>>,
    /// The type and size of each server's certificate key (the signatures it can make),
    /// with the id of the connection it came from.
    keys: HashMap<SocketAddr, (u32, KeyShape)>,
}

impl ServerChoices {
    /// Adds what another part of the same input recorded.
    pub fn merge(&mut self, other: ServerChoices) {
        for (server, (id, key)) in other.keys {
            self.add_key(server, id, key);
        }
        for (server, choices) in other.by_server {
            for choice in choices {
                self.add_choice(server, choice);
            }
        }
    }

    fn add_key(&mut self, server: SocketAddr, id: u32, key: KeyShape) {
        let room = self.keys.len() < SERVERS;
        match self.keys.get_mut(&server) {
            Some(kept) if kept.0 > id => *kept = (id, key),
            Some(_) => {}
            None if room => {
                self.keys.insert(server, (id, key));
            }
            None => {}
        }
    }

    fn add_choice(&mut self, server: SocketAddr, choice: Choice) {
        if self.by_server.len() >= SERVERS && !self.by_server.contains_key(&server) {
            return;
        }
        let seen = self.by_server.entry(server).or_default();
        if let Err(at) = seen.binary_search(&choice) {
            seen.insert(at, choice);
            seen.truncate(CHOICES_PER_SERVER);
        }
    }

    pub fn record(&mut self, story: &Story) {
        let leaf = story.server_certificates.as_ref().and_then(|c| c.certificates.first());
        let key = leaf.and_then(|der| decoded::certificate(der).ok()).and_then(|c| c.key.as_ref().map(|k| k.shape()));
        if let Some(key) = key {
            self.add_key(story.conn.server, story.conn.id.0, key);
        }
        let Some(hello) = &story.server_hello else {
            return;
        };
        if hello.hello_retry {
            return;
        }
        // TLS 1.2 names its ECDHE curve in the ServerKeyExchange (named_curve = 3).
        let curve = story.server_key_exchange.as_ref().and_then(|ske| match *ske.params.as_slice() {
            [3, hi, lo, ..] => Some(NamedGroup(u16::from_be_bytes([hi, lo]))),
            _ => None,
        });
        let choice =
            Choice { version: hello.version, suite: hello.cipher_suite, group: hello.selected_group.or(curve) };
        self.add_choice(story.conn.server, choice);
    }
}

/// The server answered the ClientHello with a refusal: an alert, a close before the
/// client's, or another protocol. A client that gave up first was refused nothing.
pub fn refused_at_hello(story: &Story, outcome: &Outcome) -> bool {
    let server_answered = story.alerts.iter().any(|a| a.side == tlsdoctor_tcp::Side::Server)
        || outcome::closed_without_alert(story).is_some_and(|(side, _, _)| side == tlsdoctor_tcp::Side::Server)
        || outcome::server_not_tls(story).is_some();
    *outcome == Outcome::Failed && story.client_hello.is_some() && story.server_hello.is_none() && server_answered
}

fn names<T: ToString>(items: &[T]) -> Vec<String> {
    items.iter().map(T::to_string).collect()
}

pub fn refusal(story: &Story, choices: &ServerChoices) -> Vec<Finding> {
    // A reset the server did not send, or an answer in another protocol, is the whole
    // answer (its own finding says so).
    let explained = outcome::forged_reset(story).is_some() || outcome::server_not_tls(story).is_some();
    let Some(hello) = story.client_hello.as_ref().filter(|_| !explained) else {
        return Vec::new();
    };
    let alert = story.alerts.iter().find(|a| a.side == tlsdoctor_tcp::Side::Server);
    let frame = alert.map_or(hello.frame, |a| a.frame);
    let said = alert
        .and_then(|a| a.description)
        .map_or("closed the connection".to_string(), |d| format!("answered {}", AlertDescription(d)));
    // Only choices the server made at a version this client offered say something
    // about this offer (a TLS 1.3 suite tells nothing to a TLS 1.2-only client).
    let evidence: Vec<Choice> = choices
        .by_server
        .get(&story.conn.server)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|c| hello.versions.contains(&c.version))
        .copied()
        .collect();
    let chosen_versions = choices.by_server.get(&story.conn.server).into_iter().flatten().map(|c| c.version).collect();
    if let Some(named) = named_refusal(hello, alert.and_then(|a| a.description), frame, &said, chosen_versions) {
        return vec![named];
    }
    let mut out = Vec::new();
    let elsewhere = "elsewhere in this capture, at a version this client offered, the same server chose";

    if alert.and_then(|a| a.description) == Some(70) {
        out.push(
            Finding::new(
                codes::NO_COMMON_VERSION,
                Severity::Error,
                frame,
                format!("the server {said} to the ClientHello (frame {}): it accepts none of the protocol versions the client offered", hello.frame),
            )
            .detail("offered", names(&hello.versions))
            .remedy("enable on the client a protocol version the server supports (or the reverse); TLS 1.2 and 1.3 are the safe choices"),
        );
    }
    // What the server chose elsewhere that this client did not offer.
    let mismatch = |code: &'static str, what: &str, offered: Vec<String>, chosen: Vec<String>, remedy: &str| {
        Finding::new(
            code,
            Severity::Error,
            frame,
            format!(
                "the server {said} to the ClientHello (frame {}): {elsewhere} {what} {}, which this client did not offer",
                hello.frame,
                chosen.join(", ")
            ),
        )
        .detail("offered", offered)
        .detail("server_chose_elsewhere", chosen)
        .remedy(remedy)
    };
    let suites: Vec<CipherSuite> =
        evidence.iter().map(|c| c.suite).filter(|s| !hello.cipher_suites.contains(s)).collect();
    if !suites.is_empty() {
        out.push(mismatch(
            codes::NO_COMMON_CIPHER_SUITE,
            "the cipher suite",
            names(&hello.cipher_suites),
            names(&suites),
            "enable on the client one of the cipher suites the server accepts, or widen the server's cipher list",
        ));
    }
    let groups: Vec<NamedGroup> = evidence
        .iter()
        .filter_map(|c| c.group)
        .filter(|g| !hello.groups.is_empty() && !hello.groups.contains(g))
        .collect();
    if !groups.is_empty() {
        out.push(mismatch(
            codes::NO_COMMON_GROUP,
            "the group",
            names(&hello.groups),
            names(&groups),
            "enable on the client a key-exchange group the server accepts (x25519 and secp256r1 are universal)",
        ));
    }
    let server_key = choices.keys.get(&story.conn.server).map(|(_, key)| key);
    if let (Some(key), Some(offered)) = (server_key, &hello.signature_algorithms) {
        let usable = offered.iter().any(|s| SignatureAlgorithm::from_scheme(*s).is_some_and(|a| a.fits(key.kind)));
        if !usable {
            out.push(
                Finding::new(
                    codes::NO_COMMON_SIGNATURE_ALGORITHM,
                    Severity::Error,
                    frame,
                    format!(
                        "the server {said} to the ClientHello (frame {}): its certificate holds an {} key (seen in other connections of this capture), and none of the signature schemes the client offered can be made with it",
                        hello.frame,
                        key.describe()
                    ),
                )
                .detail("offered", names(offered))
                .detail("server_key", key.describe())
                .remedy("enable on the client a signature scheme for the server's key type (rsa_pss_rsae_sha256 and rsa_pkcs1_sha256 for RSA, ecdsa_secp256r1_sha256 for P-256), or give the server a certificate of a type the client accepts"),
            );
        }
    }
    if out.is_empty() {
        out.push(judged_by_profiles(hello, alert.and_then(|a| a.description), frame, &said));
    }
    out
}

/// A refusal the capture holds no other evidence about: the offer judged against what
/// current TLS stacks accept by default names the likeliest cause, or says that nothing
/// in the offer stands out.
fn judged_by_profiles(hello: &ClientHelloInfo, description: Option<u8>, frame: u64, said: &str) -> Finding {
    // Only a refusal by policy (handshake_failure, insufficient_security, or a close)
    // is about what the offer lacks.
    let by_policy = matches!(description, None | Some(40 | 71));
    let judgement = if by_policy { profiles::judge(hello) } else { profiles::Judgement::default() };
    let total = judgement.refused_by.len() + judgement.accepted_by.len();
    let to_hello = format!("the server {said} to the ClientHello (frame {})", hello.frame);
    let refusing = |lack: Lack| -> Vec<&str> {
        judgement.refused_by.iter().filter(|(_, lacks)| lacks.contains(&lack)).map(|(name, _)| *name).collect()
    };
    let all_causes = [
        (Lack::Version, codes::NO_COMMON_VERSION),
        (Lack::CipherSuite, codes::NO_COMMON_CIPHER_SUITE),
        (Lack::Group, codes::NO_COMMON_GROUP),
    ];
    let Some(likeliest) = judgement.likeliest else {
        let why = if by_policy {
            let accepting = match judgement.refused_by.as_slice() {
                [] => format!("all {total}"),
                refused => format!(
                    "{} of the {total} (all but {})",
                    judgement.accepted_by.len(),
                    refused.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", ")
                ),
            };
            format!("nothing in the offer stands out: the default settings of {accepting} current TLS stacks tlsdoctor knows would accept it, so the server is configured narrower than those, or refused for a reason outside the offer")
        } else {
            "the capture holds no other handshake with this server to show what it accepts".to_string()
        };
        return Finding::new(
            codes::HANDSHAKE_REFUSED,
            Severity::Error,
            frame,
            format!("{to_hello} without choosing parameters; {why}"),
        )
        .detail("offered_versions", names(&hello.versions))
        .detail("offered_cipher_suites", names(&hello.cipher_suites))
        .detail("offered_groups", names(&hello.groups))
        .detail("accepted_by", judgement.accepted_by.clone())
        .detail("possible_causes", vec![codes::NO_COMMON_VERSION, codes::NO_COMMON_CIPHER_SUITE, codes::NO_COMMON_GROUP, codes::NO_COMMON_SIGNATURE_ALGORITHM, "sni", "client address"])
        .remedy("capture a successful handshake with the same server (or read its configuration) and compare its choices with this offer");
    };
    let code = all_causes.iter().find(|(l, _)| *l == likeliest).map_or(codes::HANDSHAKE_REFUSED, |(_, c)| *c);
    let by = refusing(likeliest);
    let (what, stands_out, remedy) = match likeliest {
        Lack::Version => (
            "protocol versions",
            format!("the client offered only {}", names(&hello.versions).join(", ")),
            "enable TLS 1.2 or 1.3 on the client; current defaults refuse TLS 1.1 and older",
        ),
        Lack::CipherSuite => (
            "cipher suites",
            describe_suites(&hello.cipher_suites),
            "enable on the client a suite with ECDHE key exchange and AES-GCM or ChaCha20-Poly1305 (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 and the TLS 1.3 suites are accepted everywhere)",
        ),
        Lack::Group => (
            "key-exchange groups",
            format!("the client offered only the groups {}", names(&hello.groups).join(", ")),
            "enable on the client x25519 or secp256r1, which every current stack accepts",
        ),
    };
    let others: Vec<&str> =
        all_causes.iter().filter(|(l, _)| *l != likeliest).map(|(_, c)| *c).chain(["sni"]).collect();
    Finding::new(
        code,
        Severity::Error,
        frame,
        format!(
            "{to_hello}, and the capture holds no other handshake with this server; the likeliest cause is the offer's {what}: {stands_out}. Of the default settings of {total} current TLS stacks, {} would refuse this offer, {} of them for its {what} ({})",
            judgement.refused_by.len(),
            by.len(),
            by.join(", ")
        ),
    )
    .detail("offered_versions", names(&hello.versions))
    .detail("offered_cipher_suites", names(&hello.cipher_suites))
    .detail("offered_groups", names(&hello.groups))
    .detail("refused_by", by.clone())
    .detail("accepted_by", judgement.accepted_by.clone())
    .detail("reasoning", "the server refused without saying why; the offer was judged against the default server settings of current TLS stacks and Mozilla's server-side TLS profiles (data/stack-profiles.json), and the part of the offer that the refusing ones lack most often is named")
    .detail("other_possible_causes", others)
    .remedy(remedy)
}

/// What stands out in an offer's cipher suites.
fn describe_suites(suites: &[CipherSuite]) -> String {
    let real: Vec<&CipherSuite> = suites.iter().filter(|s| s.info().is_some()).collect();
    let all = |kx: &[KeyExchange]| {
        !real.is_empty() && real.iter().all(|s| s.info().is_some_and(|i| kx.contains(&i.key_exchange)))
    };
    let listed = names(suites).join(", ");
    if all(&[KeyExchange::Rsa]) {
        format!("the client offered only static-RSA key exchange ({listed}), without forward secrecy, which current defaults dropped (Go since 1.22, Python's ssl since 3.10, Mozilla's profiles)")
    } else if all(&[KeyExchange::Rsa, KeyExchange::Dhe, KeyExchange::Dh]) {
        format!("the client offered no ECDHE or TLS 1.3 suite ({listed})")
    } else {
        format!("the client offered {listed}")
    }
}

/// A refusal whose alert names its reason: one finding says it, in the client's terms
/// (the parameters the client offered are beside the point). `chosen_versions`: the
/// versions the same server chose in the capture's other connections.
fn named_refusal(
    hello: &ClientHelloInfo,
    description: Option<u8>,
    frame: u64,
    said: &str,
    chosen_versions: Vec<ProtocolVersion>,
) -> Option<Finding> {
    let to_hello = format!("the server {said} to the ClientHello (frame {})", hello.frame);
    Some(match AlertDescription(description?) {
        AlertDescription::UNRECOGNIZED_NAME => {
            let asked = match &hello.sni {
                Some(name) => format!("it serves no host named {name}, the name the client asked for (SNI)"),
                None => "the client named no server (no SNI), and this server wants a name".to_string(),
            };
            Finding::new(codes::SERVER_NAME_UNRECOGNIZED, Severity::Error, frame, format!("{to_hello}: {asked}"))
                .detail("sni", hello.sni.clone())
                .remedy("connect with a name the server is configured for (a name in its certificate, or one of its virtual hosts), or add this name to the server's configuration")
        }
        AlertDescription::NO_APPLICATION_PROTOCOL => {
            let why = match hello.alpn.as_slice() {
                [] => "the client offered no application protocol (ALPN), and this server requires one".to_string(),
                alpn => format!(
                    "it serves none of the application protocols the client offered in ALPN ({})",
                    alpn.join(", ")
                ),
            };
            Finding::new(codes::NO_COMMON_APPLICATION_PROTOCOL, Severity::Error, frame, format!("{to_hello}: {why}"))
            .detail("offered", hello.alpn.clone())
            .remedy("offer an application protocol the server serves (h2 for gRPC and other HTTP/2-only servers, http/1.1 for most others), or add the client's to the server's ALPN list")
        }
        AlertDescription::INAPPROPRIATE_FALLBACK => {
            let highest = hello.versions.iter().max().copied();
            let mut higher: Vec<ProtocolVersion> =
                chosen_versions.into_iter().filter(|v| highest.is_some_and(|h| *v > h)).collect();
            higher.dedup();
            let seen = match higher.as_slice() {
                [] => String::new(),
                versions => format!(" (with other clients in this capture it chose {})", names(versions).join(", ")),
            };
            let highest = highest.map_or("?".to_string(), |v| v.to_string());
            Finding::new(
                codes::VERSION_FALLBACK_REFUSED,
                Severity::Error,
                frame,
                format!("{to_hello}: the client offered at most {highest} with TLS_FALLBACK_SCSV, which marks a retry after a failed attempt at a higher version; the server supports a higher version{seen}, so it refused the downgrade (RFC 7507)"),
            )
            .detail("offered", names(&hello.versions))
            .detail("server_chose_elsewhere", names(&higher))
            .detail("fallback_scsv", hello.cipher_suites.contains(&CipherSuite::TLS_FALLBACK_SCSV))
            .remedy("find why the client's first attempt at the higher version failed (the connection just before this one, or a device on the path that drops newer ClientHellos): the retry only hides that failure")
        }
        _ => return None,
    })
}
