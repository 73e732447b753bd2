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

/// A side's last flight, sent again, and nothing new from the peer after it.
fn flight_unanswered(story: &Story) -> Option<Finding> {
    let d = &story.datagrams;
    let side = [Side::Client, Side::Server].into_iter().find(|&s| {
        let (last, peer) = (d.last_new_message[s.index()], story.last_message[s.other().index()]);
        let repeated = d.last_retransmission[s.index()].zip(last).is_some_and(|(r, l)| r > l);
        repeated && last.is_some_and(|l| peer.is_none_or(|p| p < l))
    })?;
    let (who, peer) = (side_name(side), side_name(side.other()));
    let frame = d.last_new_message[side.index()]?;
    let times = d.retransmissions[side.index()];
    let last = d.last_retransmission[side.index()]?;
    // The peer re-sending its own earlier flight means it never got this one.
    let peer_repeats = d.last_retransmission[side.other().index()].is_some_and(|r| r > frame);
    let (summary, remedy) = if peer_repeats {
        (
            format!(
                "the {who}'s flight (up to frame {frame}) was sent again {times} times, last in frame {last}, and the {peer} kept re-sending its own earlier flight: the {who}'s datagrams do not reach the {peer}"
            ),
            format!(
                "the {who}'s datagrams are lost on the way, most often for being larger than the path MTU (no IP fragmentation, or fragments filtered): lower the {who}'s DTLS MTU (OpenSSL -mtu / SSL_set_mtu, GnuTLS --mtu / gnutls_dtls_set_mtu), let ICMP \"fragmentation needed\" through, or capture next to the {peer} to see what arrives"
            ),
        )
    } else {
        (
            format!(
                "the {who}'s flight (up to frame {frame}) was sent again {times} times, last in frame {last}, and the {peer} never answered"
            ),
            format!(
                "nothing came back from the {peer}: check that it listens on this UDP port, and that a firewall lets the datagrams through both ways"
            ),
        )
    };
    Some(
        Finding::new(codes::DTLS_FLIGHT_UNANSWERED, Severity::Error, frame, summary)
            .detail("sender", who)
            .detail("retransmissions", times)
            .detail("last_retransmission_frame", last)
            .detail("peer_retransmits", peer_repeats)
            .remedy(remedy),
    )
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
