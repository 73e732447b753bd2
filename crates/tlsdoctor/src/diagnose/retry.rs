//! A client that leaves a handshake at the server's CertificateRequest, without an alert,
//! and connects again: browsers do this to choose a client certificate (Chromium stops
//! with ERR_SSL_CLIENT_AUTH_CERT_NEEDED, asks, then retries). Such a connection is not a
//! failure of the server; it is judged once the whole input was seen, against the
//! connections that followed it.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use tlsdoctor_tcp::{Close, Side};

use super::codes;
use super::finding::{Finding, Severity};
use super::outcome;
use super::story::Story;

/// A handshake the client left right after the server's flight.
#[derive(Debug, Clone)]
pub struct Abandoned {
    id: u32,
    key: RetryKey,
    /// The client's FIN or reset.
    close_frame: u64,
    reset: bool,
    /// The CertificateRequest, when the capture shows it (TLS 1.2, or decrypted).
    certificate_request: Option<u64>,
    /// The server's flight is encrypted (TLS 1.3 without keys): it may hold one.
    hidden: bool,
}

/// Who connects to what: a retry comes from the same client address to the same
/// server and name, from another port.
type RetryKey = (IpAddr, SocketAddr, Option<String>);

/// The client left the handshake at the server's flight: it sent nothing after its
/// ClientHello and closed (FIN or reset) without an alert.
pub fn abandoned(story: &Story) -> Option<Abandoned> {
    let hello = story.client_hello.as_ref()?;
    story.server_hello.as_ref()?;
    let (side, how, close_frame) = outcome::closed_without_alert(story)?;
    let answered_nothing = story.last_message[Side::Client.index()].is_some_and(|frame| frame <= hello.frame)
        && story.sealed_counts[Side::Client.index()] == 0
        && story.alerts.iter().all(|a| a.side != Side::Client);
    if side != Side::Client || !answered_nothing {
        return None;
    }
    let certificate_request = story.certificate_request.as_ref().map(|r| r.frame);
    let hidden = story.is_tls13() && !story.decrypted;
    let key = (story.conn.client.ip(), story.conn.server, hello.sni.clone());
    let reset = matches!(how, Close::Reset { .. });
    Some(Abandoned { id: story.conn.id.0, key, close_frame, reset, certificate_request, hidden })
}

/// The connections of the input by who made them, to find retries: their ClientHello's
/// frame and their id. Bounded: past its size, connections are not recorded, and a
/// retry among them goes unnamed.
#[derive(Default)]
pub struct Starts {
    by_key: HashMap<RetryKey, Vec<(u64, u32, &'static str)>>,
    recorded: usize,
}

impl Starts {
    const MAX: usize = 100_000;

    pub fn record(&mut self, story: &Story, id: u32, outcome: &'static str) {
        let Some(hello) = story.client_hello.as_ref() else { return };
        if self.recorded >= Self::MAX {
            return;
        }
        self.recorded += 1;
        let key = (story.conn.client.ip(), story.conn.server, hello.sni.clone());
        self.by_key.entry(key).or_default().push((hello.frame, id, outcome));
    }

    /// Forgets every start once more than `max` were recorded: a live capture judges
    /// each connection as it ends, against the starts just before it, and must not keep
    /// one per connection for as long as it runs.
    pub fn forget_past(&mut self, max: usize) {
        if self.recorded > max {
            *self = Starts::default();
        }
    }

    pub fn merge(&mut self, other: Starts) {
        for (key, starts) in other.by_key {
            self.by_key.entry(key).or_default().extend(starts);
        }
        self.recorded += other.recorded;
    }

    /// The first connection from the same client to the same server and name that
    /// started after `a` was left.
    fn retry_of(&self, a: &Abandoned) -> Option<(u64, u32, &'static str)> {
        self.by_key.get(&a.key)?.iter().filter(|(frame, _, _)| *frame > a.close_frame).min().copied()
    }

    /// Another connection from the same client to the same server and name, opened
    /// alongside this one, that succeeded.
    fn sibling_of(&self, a: &Abandoned) -> Option<(u64, u32, &'static str)> {
        self.by_key.get(&a.key)?.iter().find(|(_, id, outcome)| *id != a.id && *outcome == "ok").copied()
    }

    /// The finding that says what happened, or None when nothing shows the client
    /// meant it: a client that closes at the server's flight, never comes back and uses
    /// no other connection refused it, as far as the capture shows (Node.js drops a
    /// chain it refuses that way).
    pub fn judge(&self, a: &Abandoned) -> Option<Finding> {
        let how = if a.reset { "reset" } else { "FIN" };
        // A retry says "choice" only after a CertificateRequest, seen or possible.
        let retry = self.retry_of(a).filter(|_| a.certificate_request.is_some() || a.hidden);
        let Some((retry_frame, retry_id, retry_outcome)) = retry else {
            let (frame, id, _) = self.sibling_of(a)?;
            return Some(
                Finding::new(
                    codes::CLIENT_USED_ANOTHER_CONNECTION,
                    Severity::Info,
                    a.close_frame,
                    format!(
                        "the client dropped this connection ({how}, frame {}) right after the server's flight, without an alert, and used connection {id} to the same server (ClientHello in frame {frame}), which it had opened alongside and which succeeded: browsers open connections in parallel and drop those they do not need. The server refused nothing",
                        a.close_frame
                    ),
                )
                .detail("used_connection", id)
                .remedy("nothing: the page loaded over the other connection"),
            );
        };
        let asked = match a.certificate_request {
            Some(frame) => format!("right after the server's CertificateRequest (frame {frame})"),
            None => "right after the server's encrypted flight, which likely held a CertificateRequest (the key log would show it)".to_string(),
        };
        let finding = Finding::new(
            codes::CLIENT_CERTIFICATE_CHOICE,
            Severity::Info,
            a.close_frame,
            format!(
                "the client closed the connection ({how}, frame {}) {asked}, without an alert and without answering: browsers do this to choose a client certificate, then connect again; it did, in connection {retry_id} (ClientHello in frame {retry_frame}), whose outcome is {retry_outcome}. The server refused nothing",
                a.close_frame
            ),
        )
        .detail("certificate_request_frame", a.certificate_request)
        .detail("retry_connection", retry_id)
        .detail("retry_frame", retry_frame)
        .remedy("nothing, if the retry went as wanted; to have the browser send a certificate without asking, install it with an AutoSelectCertificateForUrls policy (Chromium) or make the server's certificate request optional");
        Some(finding)
    }
}
