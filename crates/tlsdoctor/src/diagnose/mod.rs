//! `tlsdoctor diagnose`: each connection's story, the checks that judge it, and the
//! findings that say why a handshake failed.

pub mod certs;
pub mod chain;
pub mod checks;
pub mod codes;
pub mod data;
mod datagrams;
mod decoded;
pub mod finding;
pub mod fingerprints;
mod finished;
mod heartbeat;
pub mod html;
pub mod http;
pub mod ladder;
mod lanes;
mod negotiation;
mod outcome;
pub mod parquet;
mod profiles;
mod quic;
pub mod report;
mod retry;
mod schemes;
pub mod shards;
mod signatures;
mod ssl2;
pub mod story;
pub mod summary;
mod unexplained;
pub mod zeek;

use std::net::SocketAddr;

use serde::Serialize;
use tlsdoctor_tcp::{Close, ConnIdMap, Side};
use tlsdoctor_tls::stream::{Event, MessageKind};
use tlsdoctor_tls::x509::CertificateSummary;

pub use finding::{Finding, Severity};
pub use outcome::Outcome;
use story::Story;

use crate::pipeline::{Connection, Observer};

/// What the user gave beside the capture.
#[derive(Debug, Default)]
pub struct Options {
    /// Trust anchors and intermediates from `--ca` (DER, with their summaries).
    pub ca_certificates: Vec<(Vec<u8>, CertificateSummary)>,
    /// Secrets (key logs, embedded), for the checks that need them (Finished).
    pub keys: Option<std::sync::Arc<crate::decrypt::Keys>>,
    /// `--include-data`: the first decrypted application data bytes go in the report.
    pub include_data: bool,
}

/// The alert a connection's report shows.
#[derive(Debug, Clone, Serialize)]
pub struct AlertReport {
    pub sender: &'static str,
    pub level: Option<&'static str>,
    pub description: Option<String>,
    pub frame: u64,
    pub encrypted: bool,
}

/// How a connection ended before its handshake finished, when no alert said why.
#[derive(Debug, Clone, Serialize)]
pub struct CloseReport {
    pub sender: &'static str,
    /// "fin" or "reset".
    pub how: &'static str,
    pub frame: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Endpoint {
    pub ip: String,
    pub port: u16,
}

impl From<SocketAddr> for Endpoint {
    fn from(a: SocketAddr) -> Self {
        Endpoint { ip: a.ip().to_string(), port: a.port() }
    }
}

/// One line of the handshake ladder: who sent what, in which frame, when (seconds since
/// the connection's first frame).
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub frame: u64,
    pub time: f64,
    pub from: &'static str,
    pub message: String,
}

/// One connection's diagnosis, as the JSON report shows it (docs/report.md).
#[derive(Debug, Clone, Serialize)]
pub struct ConnectionReport {
    pub id: u32,
    /// The capture the connection is in (its `path` in the report's `inputs`): ids
    /// start at 1 in each.
    pub input: String,
    /// "tcp", "udp" (DTLS) or "quic".
    pub transport: &'static str,
    pub client: Endpoint,
    pub server: Endpoint,
    pub first_frame: u64,
    pub last_frame: u64,
    /// Capture times of the first and last frame: seconds since 1970-01-01 UTC.
    pub first_time: f64,
    pub last_time: f64,
    pub sni: Option<String>,
    pub version: Option<String>,
    pub cipher_suite: Option<String>,
    pub client_auth: &'static str,
    pub decrypted: bool,
    pub outcome: Outcome,
    pub alert: Option<AlertReport>,
    /// A close or reset that ended the handshake without an alert.
    pub closed: Option<CloseReport>,
    pub findings: Vec<Finding>,
    /// The first HTTP response after the handshake, read with secrets.
    pub http_response: Option<http::HttpResponse>,
    /// With `--include-data` only: the first decrypted application data of each side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<data::DataReport>,
    /// The checks that were made and passed, in words.
    pub passed: Vec<String>,
    /// What each side offered, chose and sent.
    pub story: summary::StorySummary,
    /// JA3, JA3S, JA4, JA4S of the hellos; JA4X of the certificates.
    pub fingerprints: fingerprints::FingerprintReport,
    /// The handshake's messages in frame order, for the ladders of the text and HTML.
    pub ladder: Vec<Step>,
}

impl ConnectionReport {
    pub fn has_error(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// Failed, or with an error finding: what `--only-failed` keeps and `diagnose` exits 1 for.
    pub fn has_problem(&self) -> bool {
        self.outcome == Outcome::Failed || self.has_error()
    }
}

pub fn side_name(side: Side) -> &'static str {
    match side {
        Side::Client => "client",
        Side::Server => "server",
    }
}

/// Connection starts a live capture keeps to find retries and siblings (about 40 bytes
/// each): past it they are forgotten, so memory stays flat however long it runs.
const LIVE_STARTS: usize = 4096;

/// Ladder steps kept per connection; the rest are summarised.
const LADDER_STEPS: usize = 40;

/// Where reports go as connections are diagnosed.
pub trait ReportSink {
    /// `frame`: the frame whose processing ended the connection ([`END_OF_INPUT`] for
    /// those that lasted to the end); reports come in (frame, id) order.
    fn report(&mut self, frame: u64, report: ConnectionReport);
}

/// Turns a report into what the output wants (filtered, formatted), on the thread that
/// made it; `None` drops it.
pub type Prepare<'p, T> = &'p (dyn Fn(ConnectionReport) -> Option<T> + Sync);

/// Reports prepared as they come, each handed to `out` with its frame and connection id.
pub(crate) struct Prepared<'p, 'o, T> {
    pub prepare: Prepare<'p, T>,
    pub out: &'o mut dyn FnMut(u64, u32, T),
}

impl<T> ReportSink for Prepared<'_, '_, T> {
    fn report(&mut self, frame: u64, report: ConnectionReport) {
        let id = report.id;
        if let Some(prepared) = (self.prepare)(report) {
            (self.out)(frame, id, prepared);
        }
    }
}

/// The frame of the reports made once the whole input was read.
pub const END_OF_INPUT: u64 = u64::MAX;

impl ReportSink for Vec<ConnectionReport> {
    fn report(&mut self, _frame: u64, report: ConnectionReport) {
        self.push(report);
    }
}

/// Every TLS connection of one capture, diagnosed, in connection order. The reports are
/// held in memory: the command streams them to a [`ReportSink`] instead.
pub fn diagnose_capture(
    path: &std::path::Path,
    config: &crate::pipeline::Config,
    options: &Options,
) -> Result<Vec<ConnectionReport>, tlsdoctor_capture::CaptureError> {
    let mut reports = Vec::new();
    let mut diagnoser = Diagnoser::new(options, &mut reports);
    crate::pipeline::analyze(path, config, &mut diagnoser)?;
    let refusals = diagnoser.finish();
    refusals.judge(&mut reports);
    reports.sort_by_key(|r| r.id);
    let input = path.display().to_string();
    for report in &mut reports {
        report.input.clone_from(&input);
    }
    Ok(reports)
}

/// Builds stories from the pipeline and diagnoses each connection when it ends.
pub struct Diagnoser<'a> {
    options: &'a Options,
    sink: &'a mut dyn ReportSink,
    links: checks::LinkCache,
    /// Boxed: a table sized for a flood holds buckets, not stories.
    open: ConnIdMap<Ended>,
    /// Offered each connection that ends, to be diagnosed elsewhere; what it gives back
    /// is diagnosed here.
    defer: Option<Defer<'a>>,
    /// Reports of the frame being processed, handed over in id order when it is done.
    ended: Vec<ConnectionReport>,
    refusals: Refusals,
    /// The time of the frame being processed.
    now: tlsdoctor_capture::Timestamp,
    /// Refusals are judged as they come, against what was seen before them (live).
    judge_at_once: bool,
}

/// A connection that ended, with what its diagnosis needs: another thread's
/// [`Diagnoser`] may judge it ([`Diagnoser::diagnose_ended`]).
type Ended = Box<(Story, Vec<Step>, Legacy)>;

/// Takes an ended connection to diagnose elsewhere, or gives it back.
type Defer<'a> = &'a mut dyn FnMut(Ended) -> Option<Ended>;

/// Connections judged once the whole input was seen: those refused at the ClientHello,
/// against what the same servers chose in its other connections; and those a client left
/// at a CertificateRequest, against the connections that followed them.
#[derive(Default)]
pub struct Refusals {
    refused: Vec<(ConnectionReport, Story)>,
    choices: negotiation::ServerChoices,
    /// With the finding to give them if nothing shows the client chose to leave.
    abandoned: Vec<(ConnectionReport, retry::Abandoned, Option<Finding>)>,
    starts: retry::Starts,
}

impl Refusals {
    /// Adds what another part of the same input saw.
    pub fn merge(&mut self, other: Refusals) {
        self.refused.extend(other.refused);
        self.choices.merge(other.choices);
        self.abandoned.extend(other.abandoned);
        self.starts.merge(other.starts);
    }

    /// Judges each connection held and hands its report over, in id order.
    pub fn judge(mut self, sink: &mut dyn ReportSink) {
        self.judge_held(sink);
    }

    /// Judges the connections held so far against what was seen so far, and hands their
    /// reports over (a live capture, whose input has no end to wait for).
    pub fn judge_held(&mut self, sink: &mut dyn ReportSink) {
        let mut judged = Vec::with_capacity(self.refused.len() + self.abandoned.len());
        for (mut report, story) in self.refused.drain(..) {
            let findings = negotiation::refusal(&story, &self.choices);
            report.findings.splice(0..0, findings);
            report.findings.extend(unexplained::failure(&story, report.outcome, &report.findings));
            judged.push(report);
        }
        for (mut report, abandoned, otherwise) in self.abandoned.drain(..) {
            match self.starts.judge(&abandoned) {
                Some(choice) => {
                    // The choice explains what the missing keys would have.
                    report.outcome = Outcome::Incomplete;
                    report.findings.retain(|f| f.code != codes::KEYS_MISSING);
                    report.findings.push(choice);
                }
                None => report.findings.extend(otherwise),
            }
            judged.push(report);
        }
        judged.sort_by_key(|r| r.id);
        for report in judged {
            sink.report(END_OF_INPUT, report);
        }
    }
}

impl<'a> Diagnoser<'a> {
    /// Each connection's report goes to `sink` when the connection ends, except the
    /// refusals at the ClientHello, which [`Diagnoser::finish`] returns.
    pub fn new(options: &'a Options, sink: &'a mut dyn ReportSink) -> Self {
        Diagnoser {
            options,
            sink,
            links: checks::LinkCache::default(),
            open: ConnIdMap::default(),
            defer: None,
            ended: Vec::new(),
            refusals: Refusals::default(),
            now: Default::default(),
            judge_at_once: false,
        }
    }

    /// Offers each connection that ends to `defer` before diagnosing it here.
    fn deferring(mut self, defer: Defer<'a>) -> Self {
        self.defer = Some(defer);
        self
    }

    /// Diagnoses a connection that ended in another [`Diagnoser`]: its report is handed
    /// over with this one's of the same frame.
    fn diagnose_ended(&mut self, ended: Ended) {
        let (story, ladder, legacy) = *ended;
        self.diagnose(story, ladder, legacy);
    }

    /// Judges the connections refused at the ClientHello, or left at a
    /// CertificateRequest, as soon as they end, against the connections seen before them
    /// rather than the whole input: a live capture has no end to wait for.
    pub fn judging_at_once(mut self) -> Self {
        self.judge_at_once = true;
        self
    }

    /// Call after the pipeline finished the input: the reports of the connections that
    /// lasted to the end go to the sink; the refusals are left to judge.
    pub fn finish(mut self) -> Refusals {
        self.hand_over(END_OF_INPUT);
        self.refusals
    }

    fn hand_over(&mut self, frame: u64) {
        self.ended.sort_by_key(|r| r.id);
        for report in self.ended.drain(..) {
            self.sink.report(frame, report);
        }
        if self.judge_at_once {
            self.refusals.judge_held(&mut *self.sink);
            self.refusals.starts.forget_past(LIVE_STARTS);
        }
    }

    fn diagnose(&mut self, story: Story, ladder: Vec<Step>, legacy: Legacy) {
        self.refusals.choices.record(&story);
        let mut outcome = legacy.ssl2.outcome().unwrap_or_else(|| outcome::judge(&story));
        let mut findings = Vec::new();
        findings.extend(checks::gaps(&story));
        findings.extend(checks::limits(&story));
        findings.extend(checks::reset_from_the_path(&story));
        findings.extend(checks::server_not_tls(&story));
        match story.conn.transport {
            crate::pipeline::Transport::Udp => findings.extend(datagrams::findings(&story, &outcome)),
            crate::pipeline::Transport::Quic => findings.extend(quic::findings(&story)),
            crate::pipeline::Transport::Tcp => {}
        }
        let (checked, passed, verdicts) = checks::checks(&story, &outcome, self.options, &self.links);
        findings.extend(checked);
        if checks::certificate_refused_by_client(&story, outcome, &mut findings) {
            outcome = Outcome::Failed;
        } else if let Some(left) = checks::left_without_data(&story).filter(|_| outcome == Outcome::Ok) {
            outcome = Outcome::Incomplete;
            findings.push(left);
        }
        let http_response = http::first_response(&story);
        findings.extend(http_response.as_ref().and_then(|r| http::refusal(&story, r)));
        findings.extend(legacy.findings());
        findings.sort_by_key(|f| f.severity);
        // Refusals at the ClientHello, and handshakes a client left at a
        // CertificateRequest, are judged once the whole input was seen. An SSL 2.0
        // answer says itself why (ssl2.rs): no refusal to compare.
        let refused = !legacy.ssl2.answered() && negotiation::refused_at_hello(&story, &outcome);
        // Only what the capture cannot judge (encrypted certificates) leaves room for a
        // client's choice; a finding about what the client received explains its close.
        let explained = findings.iter().any(|f| f.code != codes::KEYS_MISSING);
        let abandoned = (outcome == Outcome::Failed && !explained).then(|| retry::abandoned(&story)).flatten();
        let unexplained = unexplained::failure(&story, outcome, &findings);
        if !refused && abandoned.is_none() {
            findings.extend(unexplained.clone());
        }
        let mut report = report_for(&story, outcome, findings, ladder, &verdicts);
        report.http_response = http_response;
        if self.options.include_data {
            report.data = data::excerpts(&story);
        }
        legacy.ssl2.amend(&mut report);
        report.passed = passed;
        report.passed.extend(outcome::tls13_inference(&story));
        self.refusals.starts.record(&story, report.id, report.outcome.name());
        if refused {
            self.refusals.refused.push((report, story));
        } else if let Some(abandoned) = abandoned {
            self.refusals.abandoned.push((report, abandoned, unexplained));
        } else {
            self.ended.push(report);
        }
    }
}

impl Observer for Diagnoser<'_> {
    fn tls(&mut self, conn: &Connection, event: &Event<'_>) {
        let (story, ladder, legacy) = &mut **self
            .open
            .entry(conn.id)
            .or_insert_with(|| Box::new((Story::new(conn), Vec::new(), Legacy::default())));
        story.conn = conn.clone();
        story.take(event);
        legacy.take(event);
        if let Event::Message(m) = event {
            let from = side_name(m.side);
            // A QUIC packet carries many STREAM frames: one step says the data went.
            let message = match m.kind {
                MessageKind::StreamData { .. } => "Application Data".to_string(),
                _ => crate::names::info(&m.kind),
            };
            let repeated = matches!(m.kind, MessageKind::StreamData { .. })
                && ladder.last().is_some_and(|s: &Step| s.frame == m.frame && s.from == from && s.message == message);
            if ladder.len() < LADDER_STEPS && !repeated {
                let time = seconds_between(conn.first_time, self.now);
                ladder.push(Step { frame: m.frame, time, from, message });
            }
        }
    }

    fn connection_ended(&mut self, conn: &Connection) {
        let Some(mut ended) = self.open.remove(&conn.id).filter(|_| conn.is_tls) else { return };
        ended.0.conn = conn.clone();
        let kept = match &mut self.defer {
            Some(defer) => defer(ended),
            None => Some(ended),
        };
        if let Some(ended) = kept {
            self.diagnose_ended(ended);
        }
    }

    fn frame_done(&mut self, frame: u64) {
        let held = !self.refusals.refused.is_empty() || !self.refusals.abandoned.is_empty();
        if !self.ended.is_empty() || (self.judge_at_once && held) {
            self.hand_over(frame);
        }
    }

    fn frame_started(&mut self, _frame: u64, time: tlsdoctor_capture::Timestamp) {
        self.now = time;
    }
}

/// Seconds from `from` to `to`, 0 when the clock stepped back.
fn seconds_between(from: tlsdoctor_capture::Timestamp, to: tlsdoctor_capture::Timestamp) -> f64 {
    (unix_seconds(to) - unix_seconds(from)).max(0.0)
}

/// A capture time as seconds since the epoch, to the microsecond (what a double holds
/// exactly for today's dates, and what pcap files carry).
fn unix_seconds(t: tlsdoctor_capture::Timestamp) -> f64 {
    let micros = t.secs as f64 * 1e6 + f64::from(t.nanos / 1000);
    micros / 1e6
}

/// Watchers of legacy protocol features, beside the story: SSL 2.0 and heartbeats.
#[derive(Debug, Default)]
struct Legacy {
    ssl2: ssl2::Ssl2,
    heartbeats: heartbeat::Heartbeats,
}

impl Legacy {
    fn take(&mut self, event: &Event<'_>) {
        self.ssl2.take(event);
        self.heartbeats.take(event);
    }

    fn findings(&self) -> Vec<Finding> {
        let mut findings = self.ssl2.findings();
        findings.extend(self.heartbeats.findings());
        findings
    }
}

fn report_for(
    story: &Story,
    outcome: Outcome,
    findings: Vec<Finding>,
    ladder: Vec<Step>,
    verdicts: &checks::Verdicts,
) -> ConnectionReport {
    let client_auth = match (&story.certificate_request, &story.client_certificates) {
        (_, Some(chain)) if !chain.certificates.is_empty() => "provided",
        (Some(_), _) => "requested",
        // In TLS 1.3 the CertificateRequest is encrypted: its absence tells something
        // only once the server's flight was read up to its Finished.
        _ if story.is_tls13() && story.finished_messages[Side::Server.index()].is_none() => "unknown",
        _ => "none",
    };
    ConnectionReport {
        id: story.conn.id.0,
        input: String::new(),
        transport: story.conn.transport.name(),
        client: story.conn.client.into(),
        server: story.conn.server.into(),
        first_frame: story.conn.first_frame,
        last_frame: story.conn.last_frame,
        first_time: unix_seconds(story.conn.first_time),
        last_time: unix_seconds(story.conn.last_time.max(story.conn.first_time)),
        sni: story.client_hello.as_ref().and_then(|h| h.sni.clone()),
        version: story.version().map(|v| v.to_string()),
        cipher_suite: story.server_hello.as_ref().map(|s| s.cipher_suite.to_string()),
        client_auth,
        decrypted: story.decrypted,
        alert: outcome::alert(story).as_ref().map(summary::alert_report),
        closed: outcome::closed_without_alert(story).map(|(side, how, frame)| CloseReport {
            sender: side_name(side),
            how: match how {
                Close::Fin => "fin",
                Close::Reset { .. } => "reset",
            },
            frame,
        }),
        outcome,
        findings,
        http_response: None,
        data: None,
        passed: Vec::new(),
        story: summary::summarize(story, verdicts),
        fingerprints: fingerprints::FingerprintReport::of(story),
        ladder,
    }
}
