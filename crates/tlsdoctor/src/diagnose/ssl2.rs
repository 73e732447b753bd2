//! A server that answers an SSLv2-format ClientHello in SSL 2.0 speaks SSL 2.0, which
//! RFC 6176 prohibits: that is an error whatever became of the handshake. Its
//! connection is not "another protocol": an SSL 2.0 handshake that went through
//! (SERVER-HELLO, then both sides' encrypted Finished messages) completed, and is judged
//! so.

use tlsdoctor_tcp::Side;
use tlsdoctor_tls::sslv2::{self, spec_text};
use tlsdoctor_tls::stream::{Event, MessageKind};

use super::{codes, ConnectionReport, Finding, Outcome, Severity};

/// One connection's SSL 2.0 messages, watched as they come.
#[derive(Debug, Default)]
pub struct Ssl2 {
    client_hello: Option<u64>,
    server_hello: Option<ServerHelloSeen>,
    /// The server's ERROR message: (frame, code).
    error: Option<(u64, Option<u16>)>,
    chosen: Option<u32>,
    /// Encrypted SSL 2.0 records each side sent.
    sealed: [u64; 2],
}

#[derive(Debug)]
struct ServerHelloSeen {
    frame: u64,
    cipher_specs: Vec<u32>,
    certificate_subject: Option<String>,
}

impl Ssl2 {
    pub fn take(&mut self, event: &Event<'_>) {
        let Event::Message(m) = event else { return };
        match m.kind {
            MessageKind::Sslv2ClientHello { .. } => self.client_hello = Some(m.frame),
            MessageKind::Sslv2 { msg_type: sslv2::SERVER_HELLO, raw } if m.side == Side::Server => {
                let hello = sslv2::parse_server_hello(raw).ok();
                let subject = hello.as_ref().and_then(|h| tlsdoctor_tls::x509::summarize(h.certificate).ok());
                self.server_hello.get_or_insert(ServerHelloSeen {
                    frame: m.frame,
                    cipher_specs: hello.map(|h| h.cipher_specs).unwrap_or_default(),
                    certificate_subject: subject.map(|s| tlsdoctor_tls::text::escape_controls(&s.subject)),
                });
            }
            MessageKind::Sslv2 { msg_type: sslv2::CLIENT_MASTER_KEY, raw } if m.side == Side::Client => {
                self.chosen = sslv2::parse_client_master_key(raw).ok().map(|k| k.cipher_kind);
            }
            MessageKind::Sslv2 { msg_type: sslv2::ERROR, raw } if m.side == Side::Server => {
                self.error.get_or_insert((m.frame, sslv2::parse_error(raw).ok()));
            }
            MessageKind::Sslv2Encrypted { .. } => self.sealed[m.side.index()] += 1,
            _ => {}
        }
    }

    /// The server answered in SSL 2.0 (a SERVER-HELLO or an ERROR).
    pub fn answered(&self) -> bool {
        self.server_hello.is_some() || self.error.is_some()
    }

    /// The SSL 2.0 handshake went through: after the SERVER-HELLO the client sent its
    /// (encrypted) CLIENT-FINISHED and the server its SERVER-VERIFY and SERVER-FINISHED.
    fn completed(&self) -> bool {
        self.server_hello.is_some() && self.error.is_none() && self.sealed[0] >= 1 && self.sealed[1] >= 2
    }

    /// The outcome of a connection the server answered in SSL 2.0, when it differs from
    /// what the TLS judgement would say: a completed SSL 2.0 handshake is `ok`.
    pub fn outcome(&self) -> Option<Outcome> {
        self.completed().then_some(Outcome::Ok)
    }

    pub fn findings(&self) -> Vec<Finding> {
        let Some(frame) = self.server_hello.as_ref().map(|h| h.frame).or(self.error.map(|(f, _)| f)) else {
            return Vec::new();
        };
        let after = self.client_hello.map_or(String::new(), |f| format!(" the SSLv2-format ClientHello (frame {f})"));
        let (handshake, what) = match (&self.server_hello, self.error) {
            (_, Some((f, code))) => {
                let name =
                    code.map_or("unreadable".to_string(), |c| sslv2::error_name(c).unwrap_or("unknown").to_string());
                ("refused", format!("an SSL 2.0 ERROR ({name}, frame {f})"))
            }
            (Some(h), None) if self.completed() => {
                ("completed", format!("an SSL 2.0 SERVER-HELLO (frame {}) and completed an SSL 2.0 handshake", h.frame))
            }
            (Some(h), None) => ("incomplete", format!("an SSL 2.0 SERVER-HELLO (frame {})", h.frame)),
            (None, None) => return Vec::new(),
        };
        let mut finding = Finding::new(
            codes::SSL_TWO_SERVER,
            Severity::Error,
            frame,
            format!("the server answered{after} with {what}: it speaks SSL 2.0, which RFC 6176 prohibits (broken since 1996: export ciphers, no handshake integrity, DROWN)"),
        )
        .detail("handshake", handshake)
        .remedy("disable SSL 2.0 on the server (or replace it: no current TLS library has it), and stop the client from sending SSLv2-format ClientHellos");
        if let Some(f) = self.client_hello {
            finding = finding.detail("client_hello_frame", f);
        }
        if let Some(h) = &self.server_hello {
            let specs: Vec<String> = h.cipher_specs.iter().map(|&s| spec_text(s)).collect();
            finding = finding.detail("server_cipher_specs", specs);
            if let Some(subject) = &h.certificate_subject {
                finding = finding.detail("certificate_subject", subject.clone());
            }
        }
        if let Some(spec) = self.chosen {
            finding = finding.detail("chosen_cipher_spec", spec_text(spec));
        }
        if let Some((_, Some(code))) = self.error {
            finding = finding.detail("error", sslv2::error_name(code).unwrap_or("unknown"));
        }
        vec![finding]
    }

    /// What the report says of an SSL 2.0 connection: its version and cipher, and no
    /// "closed before the handshake finished" for a handshake that completed.
    pub fn amend(&self, report: &mut ConnectionReport) {
        if !self.answered() {
            return;
        }
        report.version = Some("SSL 2.0".to_string());
        if let Some(spec) = self.chosen {
            report.cipher_suite = Some(spec_text(spec));
        }
        if self.completed() {
            report.closed = None;
        }
    }
}
