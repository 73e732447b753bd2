//! Heartbleed (CVE-2014-0160) in a connection's heartbeats (RFC 6520). A request whose
//! payload_length runs past its record asks the peer to echo bytes it never received:
//! an attempt. A response that carries more than its request did is a peer echoing its
//! own memory: a leak. Read in clear or decrypted, the lengths say it exactly; sealed,
//! the record sizes do: an honest response is its request's size give or take padding
//! and the cipher's overhead, a leaking one up to 16 KiB.

use serde_json::json;
use tlsdoctor_tcp::Side;
use tlsdoctor_tls::messages::{parse_heartbeat, HeartbeatMessage};
use tlsdoctor_tls::record::HEARTBEAT;
use tlsdoctor_tls::stream::{Event, MessageKind};

use super::{codes, side_name, Finding, Severity};

/// Sealed: how much larger than its request a response may be before it is a leak. An
/// honest responder echoes the payload and adds its own padding (16 bytes or a little
/// more); record overheads differ by a MAC and a block at most.
const SEALED_SLACK: usize = 1024;

const REQUEST: u8 = 1;
const RESPONSE: u8 = 2;

/// A heartbeat as seen on the wire.
#[derive(Debug, Clone, Copy)]
struct Beat {
    frame: u64,
    /// The record's length on the wire (its header's).
    record_bytes: usize,
    /// The message, when read in clear or decrypted.
    message: Option<HeartbeatMessage>,
}

impl Beat {
    fn encrypted(&self) -> bool {
        self.message.is_none()
    }
}

/// One connection's heartbeats, watched as they come.
#[derive(Debug, Default)]
pub struct Heartbeats {
    /// The length of each side's last heartbeat record header, for the message after it.
    record_bytes: [usize; 2],
    /// Each side's last request, until the other side answers it.
    pending: [Option<Beat>; 2],
    attempts: [Option<(Beat, u64)>; 2],
    leak: Option<(Side, Beat, Beat)>,
}

impl Heartbeats {
    pub fn take(&mut self, event: &Event<'_>) {
        let m = match event {
            Event::Record(r) if r.header.content_type == HEARTBEAT => {
                self.record_bytes[r.side.index()] = usize::from(r.header.length);
                return;
            }
            Event::Message(m) => m,
            _ => return,
        };
        let side = m.side;
        let record_bytes = self.record_bytes[side.index()];
        let (typ, beat) = match m.kind {
            MessageKind::Heartbeat { raw } => {
                let Some(message) = parse_heartbeat(raw) else { return };
                (Some(message.typ), Beat { frame: m.frame, record_bytes, message: Some(message) })
            }
            MessageKind::Encrypted { content_type: HEARTBEAT, .. } => {
                (None, Beat { frame: m.frame, record_bytes, message: None })
            }
            _ => return,
        };
        match typ {
            Some(REQUEST) => self.request(side, beat),
            Some(RESPONSE) => self.response(side, beat),
            Some(_) => {}
            // Sealed: the first heartbeat of an exchange is the request, the other
            // side's next one its response.
            None => match self.pending[side.other().index()] {
                Some(_) => self.response(side, beat),
                None => self.request(side, beat),
            },
        }
    }

    fn request(&mut self, side: Side, beat: Beat) {
        if beat.message.is_some_and(|m| m.overruns()) {
            let attempt = &mut self.attempts[side.index()];
            match attempt {
                Some((_, count)) => *count += 1,
                None => *attempt = Some((beat, 1)),
            }
        }
        self.pending[side.index()] = Some(beat);
    }

    fn response(&mut self, side: Side, response: Beat) {
        let Some(request) = self.pending[side.other().index()].take() else { return };
        if self.leak.is_none() && leaks(&request, &response) {
            self.leak = Some((side, request, response));
        }
    }

    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (side, attempt) in [Side::Client, Side::Server].into_iter().zip(&self.attempts) {
            let Some((beat, count)) = attempt else { continue };
            let Some(message) = beat.message else { continue };
            let carried = message.carried();
            out.push(
                Finding::new(
                    codes::HEARTBLEED_ATTEMPT,
                    Severity::Warning,
                    beat.frame,
                    format!(
                        "the {} sent a heartbeat request (frame {}) declaring a {}-byte payload in a record that holds {carried} byte(s) after the message header: a Heartbleed (CVE-2014-0160) probe, asking the peer to echo memory it never received",
                        side_name(side),
                        beat.frame,
                        message.payload_length
                    ),
                )
                .detail("sender", side_name(side))
                .detail("payload_length", message.payload_length)
                .detail("record_bytes", message.record_len)
                .detail("requests", *count)
                .remedy("find who sent it (a scanner or an attacker); make sure the peer runs a TLS library fixed for CVE-2014-0160, which drops such requests (RFC 6520)"),
            );
        }
        if let Some((side, request, response)) = &self.leak {
            out.push(leak_finding(*side, request, response));
        }
        out
    }
}

/// The response carries more than its request did.
fn leaks(request: &Beat, response: &Beat) -> bool {
    match (request.message, response.message) {
        (Some(req), Some(resp)) => {
            // An honest echo is at most what the request carried; its padding is the
            // responder's own and not echoed.
            usize::from(resp.payload_length) > req.carried()
        }
        _ => response.record_bytes > request.record_bytes + SEALED_SLACK,
    }
}

fn leak_finding(side: Side, request: &Beat, response: &Beat) -> Finding {
    let encrypted = request.encrypted() || response.encrypted();
    let how = match (request.message, response.message) {
        (Some(req), Some(resp)) => {
            format!("echoes a {}-byte payload to a request that carried {}", resp.payload_length, req.carried())
        }
        _ => format!(
            "is a {}-byte encrypted record answering a {}-byte request: far more than an echo of it",
            response.record_bytes, request.record_bytes
        ),
    };
    let mut finding = Finding::new(
        codes::HEARTBLEED_LEAK,
        Severity::Error,
        response.frame,
        format!(
            "the {}'s heartbeat response (frame {}) {how} (request in frame {}): it sends its own memory (Heartbleed, CVE-2014-0160)",
            side_name(side),
            response.frame,
            request.frame
        ),
    )
    .detail("sender", side_name(side))
    .detail("request_frame", request.frame)
    .detail("request_bytes", request.record_bytes)
    .detail("response_bytes", response.record_bytes)
    .detail("encrypted", encrypted);
    if let Some(resp) = response.message {
        finding = finding.detail("payload_length", json!(resp.payload_length));
    }
    finding.remedy("update the responder's TLS library (OpenSSL 1.0.1g or later) or disable heartbeats; treat its private keys, certificates and sessions as exposed: revoke and replace them")
}
