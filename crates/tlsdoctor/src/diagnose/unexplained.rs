//! The rule that a failed connection always says why: when no check explains a failure,
//! a finding says what ended the handshake and what the capture cannot tell.

use tlsdoctor_tcp::{Close, Side};
use tlsdoctor_tls::registry::AlertDescription;

use super::codes;
use super::finding::{Finding, Severity};
use super::outcome::{self, Outcome};
use super::side_name;
use super::story::Story;

/// The finding for a failed connection that has none.
pub fn failure(story: &Story, outcome: Outcome, findings: &[Finding]) -> Option<Finding> {
    if outcome != Outcome::Failed || !findings.is_empty() {
        return None;
    }
    let finding = if let Some(alert) = outcome::alert(story) {
        let sender = side_name(alert.side);
        let (what, cannot_tell) = match alert.description {
            Some(d) => (format!("{} alert", AlertDescription(d)), why_alert(d)),
            None => (
                "an encrypted alert".to_string(),
                "its description is encrypted: the connection's key log would show it",
            ),
        };
        Finding::new(
            codes::FAILURE_UNEXPLAINED,
            Severity::Error,
            alert.frame,
            format!(
                "the {sender} ended the handshake with {what} in frame {}, and nothing tlsdoctor can check in this capture explains it: {cannot_tell}",
                alert.frame
            ),
        )
        .detail("sender", sender)
        .detail("alert", alert.description.map(|d| AlertDescription(d).to_string()))
        .remedy(format!(
            "read the {sender}'s log at the time of frame {}: it names the reason the capture does not show",
            alert.frame
        ))
    } else {
        let (side, how, frame) = outcome::closed_without_alert(story)?;
        let sender = side_name(side);
        let how = match how {
            Close::Fin => "closed the connection (FIN)",
            Close::Reset { .. } => "reset the connection",
        };
        let unanswered = story.client_hello.as_ref().filter(|_| {
            side == Side::Client && story.server_hello.is_none() && story.last_message[Side::Server.index()].is_none()
        });
        if let Some(hello) = unanswered {
            return Some(
                Finding::new(
                    codes::FAILURE_UNEXPLAINED,
                    Severity::Error,
                    frame,
                    format!(
                        "the server sent nothing in answer to the ClientHello (frame {}) until the client {how} in frame {frame}: the client gave up waiting",
                        hello.frame
                    ),
                )
                .detail("sender", sender)
                .remedy("check that the server's port speaks TLS and is not overloaded, and look for a device on the path that accepts the TCP connection but drops or holds the ClientHello (a firewall, a proxy, a TLS-intolerant middlebox)"),
            );
        }
        Finding::new(
            codes::FAILURE_UNEXPLAINED,
            Severity::Error,
            frame,
            format!(
                "the {sender} {how} in frame {frame}, before the handshake finished and without an alert: the capture does not say why (a timeout, a crash, or a refusal by a peer that sends no alerts)"
            ),
        )
        .detail("sender", sender)
        .remedy(format!(
            "read the {sender}'s log at the time of frame {frame}: a peer that closes without an alert says why only there"
        ))
    };
    Some(finding)
}

/// What the capture cannot show about a refusal with this alert.
fn why_alert(description: u8) -> &'static str {
    match AlertDescription(description) {
        AlertDescription::HANDSHAKE_FAILURE | AlertDescription::INSUFFICIENT_SECURITY => {
            "the peer's policy (protocol versions, cipher suites, groups, key sizes) is not in the capture"
        }
        AlertDescription::INTERNAL_ERROR => "the peer reports a failure of its own, which only its log describes",
        AlertDescription::BAD_CERTIFICATE
        | AlertDescription::UNSUPPORTED_CERTIFICATE
        | AlertDescription::CERTIFICATE_UNKNOWN
        | AlertDescription::UNKNOWN_CA
        | AlertDescription::ACCESS_DENIED => {
            "the peer's trust store and certificate policy are not in the capture (--ca with its CA certificates lets tlsdoctor check the chain as it does)"
        }
        AlertDescription::DECRYPT_ERROR | AlertDescription::BAD_RECORD_MAC => {
            "the check that failed needs the connection's secrets (--keylog) to be made again"
        }
        _ => "the reason is the peer's own, and the capture shows only the alert",
    }
}
