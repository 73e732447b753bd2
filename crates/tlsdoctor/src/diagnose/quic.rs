//! What only QUIC shows: a CONNECTION_CLOSE that is not a TLS alert (a transport error,
//! RFC 9000 §20), a Version Negotiation the client did not follow.
//! A CRYPTO_ERROR close is the TLS alert it carries and is judged as one.

use tlsdoctor_quic::close::transport_error_name;
use tlsdoctor_quic::version;
use tlsdoctor_tcp::Side;
use tlsdoctor_tls::stream::{AnomalyKind, Message, QuicSignal};

use super::codes;
use super::finding::{Finding, Severity};
use super::side_name;
use super::story::Story;
use crate::names;

/// The QUIC signals of one connection.
#[derive(Debug, Clone, Default)]
pub struct QuicEvidence {
    /// The first CONNECTION_CLOSE that is not a TLS alert.
    pub close: Option<Close>,
    /// The server's (last) Version Negotiation.
    pub version_negotiation: Option<VersionNegotiation>,
}

#[derive(Debug, Clone)]
pub struct Close {
    pub side: Side,
    pub frame: u64,
    pub code: u64,
    pub application: bool,
    pub frame_type: Option<u64>,
    pub reason: String,
    pub after_handshake: bool,
}

impl Close {
    /// NO_ERROR, or an application's own closing (HTTP/3's H3_NO_ERROR is 0x100: only the
    /// application knows its codes).
    fn is_error(&self) -> bool {
        !self.application && self.code != 0
    }
}

#[derive(Debug, Clone)]
pub struct VersionNegotiation {
    pub frame: u64,
    pub offered: u32,
    pub versions: Vec<u32>,
}

impl QuicEvidence {
    pub fn take(&mut self, m: &Message<'_>, signal: &QuicSignal<'_>, handshake_finished: bool) {
        match *signal {
            QuicSignal::Close { code, application, frame_type, reason } => {
                self.close.get_or_insert_with(|| Close {
                    side: m.side,
                    frame: m.frame,
                    code,
                    application,
                    frame_type,
                    reason: String::from_utf8_lossy(reason).into_owned(),
                    after_handshake: handshake_finished,
                });
            }
            QuicSignal::VersionNegotiation { offered, versions } => {
                self.version_negotiation =
                    Some(VersionNegotiation { frame: m.frame, offered, versions: versions.to_vec() });
            }
            // Shown in the ladder; the connection's end is judged by what came before.
            QuicSignal::StatelessReset => {}
        }
    }

    /// The Version Negotiation the client did not follow with a handshake in a version
    /// the server listed.
    pub fn unanswered_version_negotiation(&self, story: &Story) -> Option<&VersionNegotiation> {
        let vn = self.version_negotiation.as_ref()?;
        story.server_hello.as_ref().is_none_or(|sh| sh.frame < vn.frame).then_some(vn)
    }

    /// The handshake ended by QUIC itself, not by a TLS alert: a close before it
    /// finished, a transport error at any time, a version the server does not speak.
    pub fn ended_handshake(&self, story: &Story) -> bool {
        self.close.as_ref().is_some_and(|c| !c.after_handshake || c.is_error())
            || self.unanswered_version_negotiation(story).is_some()
    }
}

/// The findings of what QUIC itself said.
pub fn findings(story: &Story) -> Vec<Finding> {
    let q = &story.quic;
    let mut out = Vec::new();
    if let Some(vn) = q.unanswered_version_negotiation(story) {
        out.push(version_mismatch(vn));
    }
    if let Some(close) = q.close.as_ref().filter(|c| !c.after_handshake || c.is_error()) {
        out.push(connection_closed(story, close));
    }
    out
}

fn version_mismatch(vn: &VersionNegotiation) -> Finding {
    let offered = version::name(vn.offered);
    // Servers list a reserved version too, to exercise clients; no one speaks it.
    let spoken: Vec<u32> = vn.versions.iter().copied().filter(|&v| !version::is_reserved(v)).collect();
    let listed = names::quic_versions(&spoken);
    let greasing = version::is_reserved(vn.offered);
    let remedy = if greasing {
        format!("the client offered a version reserved for testing version negotiation; a client that does so must then start again in one of the listed versions ({listed}): this one did not, so check its version list")
    } else {
        format!("enable a version both sides speak: the server speaks {listed}; give the client one of them (or the server the client's {offered})")
    };
    Finding::new(
        codes::QUIC_VERSION_MISMATCH,
        Severity::Error,
        vn.frame,
        format!(
            "the server does not speak the client's QUIC version ({offered}): its Version Negotiation (frame {}) lists {listed}, and the client did not start again in one of them",
            vn.frame
        ),
    )
    .detail("offered", format!("0x{:08x}", vn.offered))
    .detail("server_versions", vn.versions.iter().map(|v| format!("0x{v:08x}")).collect::<Vec<_>>())
    .remedy(remedy)
}

/// The problems tlsdoctor found in a side's transport parameters, and their frame.
fn parameter_problems(story: &Story, side: Side) -> Option<(u64, &[String])> {
    story.anomalies.iter().find_map(|a| match &a.kind {
        AnomalyKind::BadTransportParameters { problems } if a.side == side => Some((a.frame, problems.as_slice())),
        _ => None,
    })
}

fn connection_closed(story: &Story, close: &Close) -> Finding {
    let who = side_name(close.side);
    let peer = close.side.other();
    let error = names::quic_error(close.code, close.application);
    let when = if close.after_handshake { "" } else { " before the handshake finished" };
    let reason = if close.reason.is_empty() { String::new() } else { format!(" (reason: \"{}\")", close.reason) };
    let mut summary = format!(
        "the {who} closed the QUIC connection{when} with {error} in frame {}, not a TLS alert{reason}",
        close.frame
    );
    let problems = parameter_problems(story, peer).filter(|_| close.code == TRANSPORT_PARAMETER_ERROR);
    if let Some((frame, problems)) = problems {
        summary += &format!(
            ": the {}'s transport parameters (frame {frame}) break RFC 9000 18.2: {}",
            side_name(peer),
            problems.join("; ")
        );
    }
    let mut finding = Finding::new(codes::QUIC_CONNECTION_CLOSED, Severity::Error, close.frame, summary)
        .detail("sender", who)
        .detail("error_code", close.code)
        .detail("error", error);
    // Frame type 0 stands for "not known" (RFC 9000 19.19).
    if let Some(t) = close.frame_type.filter(|&t| t != 0) {
        finding = finding.detail("frame_type", t);
    }
    if !close.reason.is_empty() {
        finding = finding.detail("reason", close.reason.clone());
    }
    if let Some((_, problems)) = problems {
        finding = finding.detail("parameter_problems", problems.to_vec());
    }
    finding.remedy(remedy(close))
}

const TRANSPORT_PARAMETER_ERROR: u64 = 0x08;

/// What to do about a transport error, by RFC 9000 §20's meaning of its code.
fn remedy(close: &Close) -> String {
    let who = side_name(close.side);
    let peer = side_name(close.side.other());
    if close.application {
        return format!("the {who}'s application protocol closed the connection with its own error code: see that protocol's error codes (HTTP/3: RFC 9114 8.1) and the {who}'s logs");
    }
    match transport_error_name(close.code) {
        Some("NO_ERROR") => format!("the {who} gave up the handshake without naming an error: its logs say why (a timeout, a user or application that cancelled)"),
        Some("CONNECTION_REFUSED") => "the server refuses new connections (overloaded, or by policy): retry later, or check its connection limits".to_string(),
        Some("TRANSPORT_PARAMETER_ERROR") => format!("the {peer}'s transport parameters break RFC 9000 18.2 as the {who} reads them (a value out of range, a server-only parameter from a client, a missing or wrong connection ID): fix the {peer}'s configuration or update its QUIC stack"),
        Some("PROTOCOL_VIOLATION") | Some("FRAME_ENCODING_ERROR") | Some("STREAM_STATE_ERROR") | Some("FINAL_SIZE_ERROR") => format!("the {who} says the {peer} broke the QUIC protocol (the frame type and reason say where): a bug or an incompatible version of the {peer}'s QUIC stack; update it, or report it with this capture"),
        Some("FLOW_CONTROL_ERROR") | Some("STREAM_LIMIT_ERROR") | Some("CONNECTION_ID_LIMIT_ERROR") => format!("the {peer} exceeded a limit the {who} advertised in its transport parameters: a bug in the {peer}'s QUIC stack, or a middlebox that changed the parameters"),
        Some("INVALID_TOKEN") => "the server did not accept the client's address-validation token (from a Retry or NEW_TOKEN): a token from another server instance or key, or one that expired; load-balanced servers must share their token keys".to_string(),
        Some("CRYPTO_BUFFER_EXCEEDED") => format!("the {peer}'s handshake messages were more than the {who} would buffer: a very long certificate chain; shorten the chain, or raise the {who}'s limit"),
        Some("NO_VIABLE_PATH") => "no network path carries QUIC's minimum datagram size (1200 bytes): check the path MTU and tunnels on the way".to_string(),
        Some("VERSION_NEGOTIATION_ERROR") => "the peers disagreed on the QUIC version during compatible version negotiation (RFC 9368): check both sides' version lists, and for a middlebox that changes them".to_string(),
        Some("KEY_UPDATE_ERROR") | Some("AEAD_LIMIT_REACHED") => format!("a key update went wrong between the peers: a bug in one of the QUIC stacks; update the {peer}'s"),
        _ => format!("the {who}'s logs say what this error means to it"),
    }
}
