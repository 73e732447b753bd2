//! What only a handshake over datagrams can show (DTLS): a flight sent again and again
//! that the peer never answered, a cookie exchange the client never finished, handshake
//! messages whose fragments never all arrived.

use tlsdoctor_tcp::Side;
use tlsdoctor_tls::registry::HandshakeType;
use tlsdoctor_tls::stream::AnomalyKind;

use super::codes;
use super::finding::{Finding, Severity};
use super::outcome::Outcome;
use super::side_name;
use super::story::Story;

/// The findings of a DTLS association whose handshake did not finish.
pub fn findings(story: &Story, outcome: &Outcome) -> Vec<Finding> {
    if *outcome == Outcome::Ok || story.handshake_finished() || !story.alerts.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<Finding> = fragments_missing(story).collect();
    if let Some(f) = cookie_incomplete(story) {
        out.push(f);
    } else if let Some(f) = flight_unanswered(story) {
        out.push(f);
    }
    out
}

/// The side whose last flight was sent again with nothing new from the peer after it.
fn unanswered_side(story: &Story) -> Option<Side> {
    let d = &story.datagrams;
    [Side::Client, Side::Server].into_iter().find(|&s| {
        let (last, peer) = (d.last_new_message[s.index()], story.last_message[s.other().index()]);
        let repeated = d.last_retransmission[s.index()].zip(last).is_some_and(|(r, l)| r > l);
        repeated && last.is_some_and(|l| peer.is_none_or(|p| p < l))
    })
}

/// The peer re-sent its own earlier flight after `side`'s: it never got `side`'s.
fn peer_repeats(story: &Story, side: Side) -> bool {
    let d = &story.datagrams;
    let frame = d.last_new_message[side.index()];
    d.last_retransmission[side.other().index()].zip(frame).is_some_and(|(r, f)| r > f)
}

/// `side`'s last flight was sent again and again, and the peer, which had answered
/// `side` before (the frame of its last message, returned), neither answered it nor
/// re-sent its own flight: it got the flight and gave up on the handshake without an
/// alert (gnutls-serv does so), or its answers are lost on the way.
pub fn refused_silently(story: &Story, side: Side) -> Option<u64> {
    if unanswered_side(story)? != side || peer_repeats(story, side) {
        return None;
    }
    story.last_message[side.other().index()]
}

/// A side's last flight, sent again, and nothing new from the peer after it.
fn flight_unanswered(story: &Story) -> Option<Finding> {
    let d = &story.datagrams;
    let side = unanswered_side(story)?;
    let (who, peer) = (side_name(side), side_name(side.other()));
    let frame = d.last_new_message[side.index()]?;
    let times = d.retransmissions[side.index()];
    let last = d.last_retransmission[side.index()]?;
    // Counted per fragment: a flight of several messages (or fragments) adds several.
    let again = format!("was sent again ({times} handshake fragment(s) retransmitted, the last in frame {last})");
    let peer_repeats = peer_repeats(story, side);
    let answered_before = refused_silently(story, side);
    let (summary, remedy) = if peer_repeats {
        (
            format!(
                "the {who}'s flight (up to frame {frame}) {again}, and the {peer} kept re-sending its own earlier flight: the {who}'s datagrams do not reach the {peer}"
            ),
            format!(
                "the {who}'s datagrams are lost on the way, most often for being larger than the path MTU (no IP fragmentation, or fragments filtered): lower the {who}'s DTLS MTU (OpenSSL -mtu / SSL_set_mtu, GnuTLS --mtu / gnutls_dtls_set_mtu), let ICMP \"fragmentation needed\" through, or capture next to the {peer} to see what arrives"
            ),
        )
    } else if let Some(before) = answered_before {
        (
            format!(
                "the {who}'s flight (up to frame {frame}) {again}, and the {peer}, which had answered the {who} before (frame {before}), sent nothing more: it gave up on the handshake without an alert, or its answers are lost on the way"
            ),
            format!(
                "the {peer} is reachable (it answered the earlier flight) and did not re-send its own, so this flight most likely reached it and was refused in silence (a DTLS {peer} may drop a handshake without an alert: gnutls-serv does): its log says why; {}",
                refused_what(story, side, frame)
            ),
        )
    } else {
        (
            format!("the {who}'s flight (up to frame {frame}) {again}, and the {peer} never answered"),
            format!(
                "nothing came back from the {peer}: check that it listens on this UDP port, and that a firewall lets the datagrams through both ways"
            ),
        )
    };
    let mut finding = Finding::new(codes::DTLS_FLIGHT_UNANSWERED, Severity::Error, frame, summary)
        .detail("sender", who)
        .detail("retransmissions", times)
        .detail("last_retransmission_frame", last)
        .detail("peer_retransmits", peer_repeats);
    if let Some(before) = answered_before {
        finding = finding.detail("peer_answered_before_frame", before);
    }
    Some(finding.remedy(remedy))
}

/// What in a flight refused in silence the peer may have refused.
fn refused_what(story: &Story, side: Side, frame: u64) -> String {
    let hello = story.client_hello.as_ref().filter(|h| side == Side::Client && h.frame == frame);
    match hello {
        // The server answered the hello without a cookie, then dropped the one with it.
        Some(h) if !h.alpn.is_empty() => format!(
            "a ClientHello refused this way offers something the server does not accept: a protocol version, a cipher suite, a group, or one of the application protocols (ALPN: {})",
            // Names from the capture: control characters escaped.
            tlsdoctor_tls::text::escape_controls(&h.alpn.join(", "))
        ),
        Some(_) => "a ClientHello refused this way offers something the server does not accept: a protocol version, a cipher suite or a group".into(),
        None => "other findings name what in the flight it would refuse".into(),
    }
}

/// The server asked for a cookie and no ClientHello came after.
fn cookie_incomplete(story: &Story) -> Option<Finding> {
    let d = &story.datagrams;
    let hvr = d.hello_verify_request?;
    if d.client_hello.is_some_and(|ch| ch > hvr) {
        return None;
    }
    Some(
        Finding::new(
            codes::DTLS_COOKIE_INCOMPLETE,
            Severity::Error,
            hvr,
            format!(
                "the server answered with a HelloVerifyRequest (frame {hvr}) and the client never sent the ClientHello with its cookie"
            ),
        )
        .detail("hello_verify_request_frame", hvr)
        .remedy("the HelloVerifyRequest did not reach the client, or the client's answer did not reach the server: check the path both ways (NAT, firewall), and that the client's DTLS stack does the cookie exchange"),
    )
}

/// Handshake messages of which some fragments never arrived.
fn fragments_missing(story: &Story) -> impl Iterator<Item = Finding> + '_ {
    story.datagrams.missing.iter().filter_map(|a| {
        let AnomalyKind::FragmentsMissing { typ, message_seq, have, need } = a.kind else { return None };
        let who = side_name(a.side);
        Some(
            Finding::new(
                codes::DTLS_FRAGMENTS_MISSING,
                Severity::Error,
                a.frame,
                format!(
                    "the {who}'s {} (message_seq {message_seq}) never arrived whole: {have} of its {need} bytes were seen",
                    HandshakeType(typ)
                ),
            )
            .detail("sender", who)
            .detail("message_seq", message_seq)
            .detail("bytes_seen", have)
            .detail("bytes", need)
            .remedy("some datagrams of the flight were lost: when they are the large ones, the path MTU is smaller than the sender's DTLS MTU (lower it: OpenSSL -mtu, GnuTLS --mtu); else capture next to the receiving peer to tell capture loss from path loss"),
        )
    })
}
