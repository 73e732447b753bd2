//! The diagnose report: the JSON object of FINDINGS.md, and text for people.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use serde::Serialize;
use serde_json::json;

use super::{ConnectionReport, Outcome, Severity};
use crate::pipeline::InputSummary;

#[derive(Debug, Serialize)]
pub struct InputReport {
    pub path: String,
    pub format: String,
    pub frames: u64,
    /// Set when reading stopped early (a cut file, a malformed record): why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// Connections released before their end to keep memory bounded.
    pub evicted_connections: u64,
    /// Bytes the capture never showed (TCP gaps).
    pub missing_bytes: u64,
}

impl From<&InputSummary> for InputReport {
    fn from(s: &InputSummary) -> Self {
        InputReport {
            path: s.name.clone(),
            format: s.format.to_string(),
            frames: s.frames,
            stopped: s.stopped.as_ref().map(ToString::to_string),
            evicted_connections: s.tcp.evicted_for_space + s.tcp.evicted_idle,
            missing_bytes: s.tcp.missing_bytes,
        }
    }
}

pub fn write_json(out: &mut dyn Write, inputs: &[InputReport], connections: &[ConnectionReport]) -> io::Result<()> {
    let report = json!({
        "tool": {"name": "tlsdoctor", "version": env!("CARGO_PKG_VERSION")},
        "inputs": inputs,
        "connections": connections,
    });
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

const BAD: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default().bold();
const GOOD: Style = AnsiColor::Green.on_default().bold();
const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();

/// One block per connection, failed ones first. Colour is decided by the writer
/// (anstream strips it when the output is not a terminal or NO_COLOR is set).
pub fn write_text(out: &mut dyn Write, connections: &[ConnectionReport]) -> io::Result<()> {
    let mut order: Vec<&ConnectionReport> = connections.iter().collect();
    order.sort_by_key(|c| (c.outcome != Outcome::Failed, !c.has_error(), c.outcome != Outcome::Incomplete, c.id));
    for c in order {
        write_connection(out, c)?;
    }
    let failed = connections.iter().filter(|c| c.outcome == Outcome::Failed).count();
    let incomplete = connections.iter().filter(|c| c.outcome == Outcome::Incomplete).count();
    writeln!(
        out,
        "{BOLD}{} TLS connection(s): {} ok, {failed} failed, {incomplete} incomplete{BOLD:#}",
        connections.len(),
        connections.len() - failed - incomplete
    )
}

fn write_connection(out: &mut dyn Write, c: &ConnectionReport) -> io::Result<()> {
    let (mark, style) = match c.outcome {
        Outcome::Ok if !c.has_error() => ("ok", GOOD),
        Outcome::Ok => ("ok, with errors", WARN),
        Outcome::Failed => ("FAILED", BAD),
        Outcome::Incomplete => ("incomplete", WARN),
    };
    write!(
        out,
        "{style}{mark}{style:#}  {BOLD}connection {}{BOLD:#}  {}:{} → {}:{}",
        c.id, c.client.ip, c.client.port, c.server.ip, c.server.port
    )?;
    if let Some(sni) = &c.sni {
        write!(out, "  SNI {sni}")?;
    }
    writeln!(out, "  frames {}-{}", c.first_frame, c.last_frame)?;
    let mut facts = Vec::new();
    facts.extend(c.version.clone());
    facts.extend(c.cipher_suite.clone());
    facts.push(format!("client certificate: {}", c.client_auth));
    writeln!(out, "  {}", facts.join(", "))?;
    if let Some(a) = &c.alert {
        let what = match (&a.description, a.level) {
            (Some(d), Some(level)) => format!("{level} alert {d}"),
            (Some(d), None) => format!("alert {d}"),
            (None, _) => "an encrypted alert".to_string(),
        };
        writeln!(out, "  the {} sent {what} in frame {}", a.sender, a.frame)?;
    }
    for f in &c.findings {
        let style = match f.severity {
            Severity::Error => BAD,
            Severity::Warning => WARN,
            Severity::Info => DIM,
        };
        let severity = format!("{:?}", f.severity).to_lowercase();
        writeln!(out, "\n  {style}{severity}{style:#} {BOLD}{}{BOLD:#} (frame {})", f.code, f.frame)?;
        writeln!(out, "    {}", f.summary)?;
        for (key, value) in &f.detail {
            let value = plain(value);
            writeln!(out, "    {DIM}{key}:{DIM:#} {value}")?;
        }
        if !f.remedy.is_empty() {
            writeln!(out, "    {BOLD}what to do:{BOLD:#} {}", f.remedy)?;
        }
    }
    if !c.passed.is_empty() {
        writeln!(out, "\n  {DIM}checks that passed:{DIM:#}")?;
        for note in &c.passed {
            writeln!(out, "    {GOOD}✓{GOOD:#} {note}")?;
        }
    }
    if !c.ladder.is_empty() {
        writeln!(out, "\n  {DIM}handshake:{DIM:#}")?;
        let mut steps = c.ladder.iter().peekable();
        while let Some(first) = steps.next() {
            let mut messages = vec![first.message.as_str()];
            while let Some(next) = steps.next_if(|s| s.frame == first.frame && s.from == first.from) {
                messages.push(&next.message);
            }
            let arrow = if first.from == "client" { "client → server" } else { "server → client" };
            writeln!(out, "  {:>7}  {arrow}  {}", first.frame, messages.join(", "))?;
        }
    }
    writeln!(out)
}

/// A detail value as a person reads it: strings bare, lists joined.
fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}
