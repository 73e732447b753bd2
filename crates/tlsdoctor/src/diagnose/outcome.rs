//! Did the handshake finish, and which alert tells why not.

use serde::Serialize;
use tlsdoctor_tcp::{Close, Side};

use tlsdoctor_keys::SuiteParams;

use super::story::{AlertInfo, SealedRecord, Story};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The handshake finished and no fatal alert followed it.
    Ok,
    /// A fatal alert, a reset or a close before the handshake finished.
    Failed,
    /// The capture ends, or loses data, before the handshake finished.
    Incomplete,
}

impl Outcome {
    /// The outcome as the JSON report names it.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
            Outcome::Incomplete => "incomplete",
        }
    }
}

/// The size of a TLS 1.3 record that carries only an alert: 2 bytes, the inner content
/// type, and a 16-byte AEAD tag (8 with CCM_8); Java's JSSE adds 16 bytes of padding to
/// its handshake and alert records.
fn alert_sized(length: u16) -> bool {
    matches!(length, 19 | 11 | 35 | 27)
}

/// TLS 1.3 without keys: how the handshake was seen to finish, from the sizes and order of
/// the encrypted records (RFC 8446: the client's Finished ends its flight, then either
/// side may send application data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls13Evidence {
    /// Both Finished messages were read (keys).
    Read,
    /// After the client's flight the server sent a record that is not an alert: a ticket
    /// or data.
    ServerWentOn,
    /// The client sent its Finished, then records that are not alerts (application
    /// data), and the server did not refuse them (no alert, no close before the client's).
    ClientWentOn { finished: SealedRecord, records_after: u64 },
    /// The client, its flight sent, closed first with nothing from the server in between
    /// (a prober that only shakes hands, with a server that sends no tickets).
    ClientClosedFirst,
}

/// What a client Finished record holds in TLS 1.3 besides the 4-byte handshake header and
/// the inner content type byte: verify_data (the suite's hash length) and the AEAD tag.
fn finished_record_parts(story: &Story) -> Option<(usize, usize)> {
    let params = SuiteParams::for_suite(story.server_hello.as_ref()?.cipher_suite)?;
    Some((params.hash.output_len(), params.cipher.tag_len()))
}

fn finished_record_len(story: &Story) -> Option<u16> {
    finished_record_parts(story).and_then(|(hash, tag)| u16::try_from(4 + hash + 1 + tag).ok())
}

/// Without keys, the client's Finished: its first record of Finished size after the
/// server's flight began, and where it stands in `sealed`.
fn client_finished_record(story: &Story) -> Option<(usize, SealedRecord)> {
    let length = finished_record_len(story)?;
    let server_flight = story.sealed.iter().position(|r| r.side == Side::Server)?;
    story.sealed[server_flight..]
        .iter()
        .position(|r| r.side == Side::Client && r.length == length)
        .map(|at| (server_flight + at, story.sealed[server_flight + at]))
}

/// The client's records after its Finished that are not alert-sized: kept ones, and
/// those past the kept few when the last one is not an alert.
fn client_records_after(story: &Story, at: usize) -> u64 {
    let kept: u64 =
        story.sealed[at + 1..].iter().filter(|r| r.side == Side::Client && !alert_sized(r.length)).count() as u64;
    let client_kept = story.sealed.iter().filter(|r| r.side == Side::Client).count() as u64;
    let beyond = story.sealed_counts[Side::Client.index()].saturating_sub(client_kept);
    let last_not_alert = story.last_sealed[Side::Client.index()].is_some_and(|r| !alert_sized(r.length));
    kept + if last_not_alert { beyond } else { 0 }
}

/// TLS 1.3 without keys: the server refused the client's flight. Before the client's end
/// (its FIN, reset or alert) the server sent an alert-sized record, or closed while the
/// client still waited. What the server sends after the client's end answers the close
/// (OpenSSL 3 servers send decode_error for a FIN without close_notify).
fn server_refused_flight(story: &Story, flight: &SealedRecord) -> bool {
    let client_closed = story.conn.closed[Side::Client.index()].map(|(_, frame)| frame);
    let client_alert = story.last_sealed[Side::Client.index()].filter(|r| alert_sized(r.length)).map(|r| r.frame);
    let client_end = client_closed.into_iter().chain(client_alert).min();
    let in_time = |frame: u64| frame >= flight.frame && client_end.is_none_or(|end| frame < end);
    let alerted = story.sealed.iter().any(|r| r.side == Side::Server && alert_sized(r.length) && in_time(r.frame));
    let closed = story.conn.closed[Side::Server.index()].is_some_and(|(_, frame)| in_time(frame));
    alerted || closed
}

/// TLS 1.3: how the capture shows the handshake finished, if it does.
pub fn tls13_evidence(story: &Story) -> Option<Tls13Evidence> {
    if story.finished.iter().all(Option::is_some) {
        return Some(Tls13Evidence::Read);
    }
    let client_flight = story.sealed.iter().find(|r| r.side == Side::Client)?;
    let server_after = |frame: u64| story.sealed.iter().filter(move |r| r.side == Side::Server && r.frame > frame);
    // A client whose first sealed record is an alert refused the server's flight; what
    // the server sends after it is the rest of that flight (JSSE sends one record per
    // message, its slow CertificateVerify last), not an answer.
    let server_went_on = !alert_sized(client_flight.length)
        && (server_after(client_flight.frame).any(|r| !alert_sized(r.length))
            || story.sealed_counts[Side::Server.index()] > story.sealed.len() as u64);
    if server_went_on {
        return Some(Tls13Evidence::ServerWentOn);
    }
    if let Some((at, finished)) = client_finished_record(story) {
        let records_after = client_records_after(story, at);
        if records_after > 0 && !server_refused_flight(story, &finished) {
            return Some(Tls13Evidence::ClientWentOn { finished, records_after });
        }
    }
    // Early data comes before the ServerHello: the flight is what follows it.
    let hello = story.server_hello.as_ref().map_or(0, |h| h.frame);
    let client_closed_first = match story.last_sealed[Side::Client.index()] {
        Some(last) if alert_sized(last.length) => {
            let sent_finished = story
                .sealed
                .iter()
                .any(|r| r.side == Side::Client && r.frame > hello && r.frame < last.frame && !alert_sized(r.length));
            let server_closed = story.conn.closed[Side::Server.index()].is_some_and(|(_, frame)| frame < last.frame);
            sent_finished && !server_closed && !server_after(client_flight.frame).any(|r| r.frame < last.frame)
        }
        _ => false,
    };
    client_closed_first.then_some(Tls13Evidence::ClientClosedFirst)
}

pub fn tls13_finished(story: &Story) -> bool {
    tls13_evidence(story).is_some()
}

/// In words, how a TLS 1.3 handshake read without keys was seen to finish, where the
/// record sizes alone tell it.
pub fn tls13_inference(story: &Story) -> Option<String> {
    if !story.is_tls13() || story.decrypted {
        return None;
    }
    match tls13_evidence(story)? {
        Tls13Evidence::ClientWentOn { finished, records_after } => {
            let (hash, tag) = finished_record_parts(story)?;
            Some(format!(
                "the TLS 1.3 handshake finished (seen without keys): the client's Finished is the {}-byte record of frame {} (5 header + 4 message header + {hash} verify_data + 1 content type + {tag} tag), and the client sent {records_after} more record(s) after it, not alerts, with no refusal from the server",
                5 + usize::from(finished.length),
                finished.frame,
            ))
        }
        _ => None,
    }
}

fn finished(story: &Story) -> bool {
    if story.is_tls13() {
        tls13_finished(story)
    } else {
        story.handshake_finished()
    }
}

/// An encrypted TLS 1.3 alert recognised by its size: the last record a side sent,
/// before the handshake finished.
fn inferred_tls13_alert(story: &Story) -> Option<AlertInfo> {
    if !story.is_tls13() || tls13_finished(story) {
        return None;
    }
    [Side::Server, Side::Client]
        .iter()
        .filter_map(|side| story.last_sealed[side.index()])
        .filter(|r| alert_sized(r.length) && r.content_type == 23)
        .min_by_key(|r| r.frame)
        .map(|r| AlertInfo { side: r.side, frame: r.frame, level: None, description: None, after_handshake: false })
}

/// TLS 1.3: the server's Finished comes before the client's certificate, so a handshake
/// can finish and still be refused. A server that answers the client's Finished with
/// nothing but a close or a reset (as Node.js servers do), before the client closed or
/// said anything, refused it.
fn refused_after_client_finished(story: &Story) -> bool {
    let (Some(client_finished), Some((_, closed))) =
        (story.finished[Side::Client.index()], story.conn.closed[Side::Server.index()])
    else {
        return false;
    };
    let answered = story.last_message[Side::Server.index()].is_some_and(|frame| frame > client_finished);
    // A client that closes first (a prober that only shakes hands) is answered by a close.
    let client_closed_first = story.conn.closed[Side::Client.index()].is_some_and(|(_, frame)| frame <= closed)
        || story.alerts.iter().any(|a| a.side == Side::Client && a.frame <= closed);
    story.is_tls13() && closed >= client_finished && !answered && !client_closed_first
}

/// The alert the report shows: the first fatal one, else the first before the handshake
/// finished, else the first at all.
pub fn alert(story: &Story) -> Option<AlertInfo> {
    let alerts = &story.alerts;
    alerts
        .iter()
        .find(|a| a.level == Some(2))
        .or_else(|| alerts.iter().find(|a| !a.after_handshake))
        .copied()
        .or_else(|| inferred_tls13_alert(story))
        .or_else(|| alerts.first().copied())
}

/// After a finished handshake, an alert sent once the peer had closed answers the close
/// (OpenSSL 3 sends decode_error for a FIN without close_notify): it refuses nothing.
fn answers_close(story: &Story, alert: &AlertInfo) -> bool {
    story.conn.closed[alert.side.other().index()].is_some_and(|(_, frame)| frame < alert.frame)
}

pub fn judge(story: &Story) -> Outcome {
    // A client that never said a word (a browser's spare connection, closed unused) made
    // no handshake to fail, whatever the server answered to its close.
    if story.client_hello.is_none() && story.last_message[Side::Client.index()].is_none() {
        return Outcome::Incomplete;
    }
    let fatal = story.alerts.iter().any(|a| a.level == Some(2));
    if finished(story) {
        let refusing = story.alerts.iter().any(|a| a.level == Some(2) && !answers_close(story, a));
        let refused = refusing || refused_after_client_finished(story) || story.quic.ended_handshake(story);
        return if refused { Outcome::Failed } else { Outcome::Ok };
    }
    // The capture lost part of the handshake: without a fatal alert, it cannot tell.
    if !fatal && super::checks::damaged_by_gap(story) {
        return Outcome::Incomplete;
    }
    let alert_before =
        fatal || story.alerts.iter().any(|a| !a.after_handshake) || inferred_tls13_alert(story).is_some();
    let closed_by_peer = story.conn.closed.iter().any(Option::is_some) || story.quic.ended_handshake(story);
    if alert_before || closed_by_peer {
        Outcome::Failed
    } else {
        Outcome::Incomplete
    }
}

/// When the client first sent application data: `Some(None)` if it sent none, `None`
/// if the capture cannot tell. In TLS 1.3 without keys its data are the records after its
/// Finished that are not alerts.
fn client_first_data(story: &Story) -> Option<Option<u64>> {
    if !story.is_tls13() || story.decrypted {
        return Some(story.first_data[Side::Client.index()]);
    }
    let (at, _) = client_finished_record(story)?;
    if client_records_after(story, at) == 0 {
        return Some(None);
    }
    let kept = story.sealed[at + 1..].iter().find(|r| r.side == Side::Client && !alert_sized(r.length));
    Some(Some(kept.map_or(u64::MAX, |r| r.frame)))
}

/// A finished handshake that was never used: one side ended it (an alert or a close)
/// before the client sent any application data. That side and the frame of its end.
pub fn left_after_handshake(story: &Story) -> Option<(Side, u64)> {
    if !finished(story) {
        return None;
    }
    let first_data = client_first_data(story)?;
    let end = |side: Side| {
        let alert = story.alerts.iter().find(|a| a.side == side && a.after_handshake).map(|a| a.frame);
        let sealed_alert = story.last_sealed[side.index()].filter(|r| alert_sized(r.length)).map(|r| r.frame);
        let sealed_alert = sealed_alert.filter(|_| story.is_tls13() && !story.decrypted);
        alert.into_iter().chain(sealed_alert).chain(story.conn.closed[side.index()].map(|(_, frame)| frame)).min()
    };
    // Who ended first: the other's end answers it.
    let first = match (end(Side::Client), end(Side::Server)) {
        (Some(client), server) if server.is_none_or(|server| client < server) => (Side::Client, client),
        (_, Some(server)) => (Side::Server, server),
        _ => return None,
    };
    // A server's close_notify, read, is its choice to close, not a refusal.
    let server_closed_cleanly =
        first.0 == Side::Server && story.alerts.iter().any(|a| a.frame == first.1 && a.level == Some(1));
    (first_data.is_none_or(|data| data > first.1) && !server_closed_cleanly).then_some(first)
}

/// The client ended a finished handshake before sending any application data: with an
/// alert, or by closing first. The frame of that end.
pub fn client_left_after_handshake(story: &Story) -> Option<u64> {
    left_after_handshake(story).filter(|(side, _)| *side == Side::Client).map(|(_, frame)| frame)
}

/// A side closed (FIN) or reset the connection before the handshake finished (or, in
/// TLS 1.3, in answer to the client's Finished), with no alert before it: (side, how,
/// frame), the earliest such close.
pub fn closed_without_alert(story: &Story) -> Option<(Side, Close, u64)> {
    if finished(story) && !refused_after_client_finished(story) {
        return None;
    }
    let (side, (how, frame)) = [Side::Client, Side::Server]
        .into_iter()
        .filter_map(|side| story.conn.closed[side.index()].map(|close| (side, close)))
        .min_by_key(|(_, (_, frame))| *frame)?;
    // An alert-sized record after the close is the other side's answer to it.
    let alerted = story.alerts.iter().chain(&inferred_tls13_alert(story)).any(|a| a.frame <= frame);
    (!alerted).then_some((side, how, frame))
}

/// A reset that ended the handshake (as [`closed_without_alert`] finds it) and arrived
/// with another time to live than its sender's other packets: (side, frame, its time to
/// live, the sender's). A device on the path forged it; the peer's own packets all come
/// the same number of hops.
pub fn forged_reset(story: &Story) -> Option<(Side, u64, u8, u8)> {
    match closed_without_alert(story)? {
        (side, Close::Reset { ttl, usual_ttl: Some(usual) }, frame) if ttl != usual => Some((side, frame, ttl, usual)),
        _ => None,
    }
}

/// The server answered the client's TLS in plain text: (frame, its first five bytes).
pub fn server_not_tls(story: &Story) -> Option<(u64, [u8; 5])> {
    story.anomalies.iter().find_map(|a| match a.kind {
        tlsdoctor_tls::stream::AnomalyKind::NotTls { bytes } if a.side == Side::Server => Some((a.frame, bytes)),
        _ => None,
    })
}
