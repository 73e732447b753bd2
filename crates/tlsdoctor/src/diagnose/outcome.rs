//! Did the handshake finish, and which alert tells why not.

use serde::Serialize;
use tlsdoctor_tcp::{Close, Side};

use super::story::{AlertInfo, Story};

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

/// The size of a TLS 1.3 record that carries only an alert: 2 bytes, the inner content
/// type, and a 16-byte AEAD tag (8 with CCM_8).
fn alert_sized(length: u16) -> bool {
    length == 19 || length == 11
}

/// TLS 1.3 without keys: the handshake finished when, after the client's encrypted
/// flight, the server sent a record that is not an alert (a ticket or data), or when the
/// client, its flight sent, closed first with nothing from the server in between (a
/// prober that only shakes hands, with a server that sends no tickets).
pub fn tls13_finished(story: &Story) -> bool {
    if story.finished.iter().all(Option::is_some) {
        return true;
    }
    let Some(client_flight) = story.sealed.iter().find(|r| r.side == Side::Client) else {
        return false;
    };
    let server_after = |frame: u64| story.sealed.iter().filter(move |r| r.side == Side::Server && r.frame > frame);
    let server_went_on = server_after(client_flight.frame).any(|r| !alert_sized(r.length))
        || story.sealed_counts[Side::Server.index()] > story.sealed.len() as u64;
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
    server_went_on || client_closed_first
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

pub fn judge(story: &Story) -> Outcome {
    let fatal = story.alerts.iter().any(|a| a.level == Some(2));
    if finished(story) {
        return if fatal || refused_after_client_finished(story) { Outcome::Failed } else { Outcome::Ok };
    }
    // The capture lost part of the handshake: without a fatal alert, it cannot tell.
    if !fatal && super::checks::damaged_by_gap(story) {
        return Outcome::Incomplete;
    }
    let alert_before =
        fatal || story.alerts.iter().any(|a| !a.after_handshake) || inferred_tls13_alert(story).is_some();
    let closed_by_peer = story.conn.closed.iter().any(Option::is_some);
    if alert_before || closed_by_peer {
        Outcome::Failed
    } else {
        Outcome::Incomplete
    }
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
