//! The diagnose report: the JSON object docs/report.md specifies (and
//! docs/report.schema.json checks), and text for people.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use serde::Serialize;
use tlsdoctor_tls::text::Escaped;

use super::html;
use super::ladder::{self, Glyphs};
use super::{codes, ConnectionReport, Outcome, Severity};
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

const BAD: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default().bold();
const GOOD: Style = AnsiColor::Green.on_default().bold();
const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();

/// How each connection's report is laid out.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub format: ReportFormat,
    /// The text names each connection's capture (several were given).
    pub name_inputs: bool,
    /// The text draws the handshake as a ladder, in these characters.
    pub ladder: Option<Glyphs>,
}

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// A block per connection, for people.
    Text,
    /// The JSON object of docs/report.md, for programs.
    Json,
    /// One self-contained HTML page drawing the JSON report: a summary, a table of the
    /// connections, each connection's ladder, findings and chains (write it with -o).
    Html,
    /// One line per connection, its JSON object, written as the connection ends (JSON
    /// Lines, for log shippers and SIEMs).
    Jsonl,
    /// A Zeek ASCII log shaped like ssl.log, a row per connection as it ends.
    Zeek,
}

impl ReportFormat {
    /// Written one connection at a time from the first: a line format that a follower
    /// reads as connections end, never held to be sorted.
    fn is_stream(self) -> bool {
        matches!(self, ReportFormat::Jsonl | ReportFormat::Zeek)
    }
}

/// Reports held before the writer starts streaming: a capture with fewer connections
/// gets them sorted (failed first in text, by id in JSON); a larger one is written as its
/// connections end, so memory does not grow with the capture.
const HELD: usize = 1000;
/// Failed connections named again at the end of a streamed text report.
const RECAPPED: usize = 20;

/// Counts of what the report showed.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub connections: u64,
    pub failed: u64,
    pub incomplete: u64,
    /// Failed, or with an error finding: what makes `diagnose` exit 1.
    pub with_problems: u64,
}

/// The version of the JSON report's shape, its `schema_version` member. A new member or
/// finding code raises the minor number; removing, renaming or retyping one raises the
/// major number.
pub const SCHEMA_VERSION: &str = "1.4";

/// Writes connection reports as they are diagnosed. The JSON object's members come in
/// the order `schema_version`, `tool`, `connections`, `inputs`: the inputs' frame counts
/// are known last.
pub struct ReportWriter<W: Write> {
    out: W,
    layout: Layout,
    /// Reports held to be sorted, each with the number of its input in arrival order:
    /// the inputs stay apart.
    held: Vec<(usize, Formatted)>,
    inputs_seen: usize,
    last_input: Option<String>,
    streaming: bool,
    tally: Tally,
    recap: Vec<String>,
    repeated: Repeated,
    written: u64,
    /// Each report leaves as soon as it is written (line formats, live captures).
    flush_each: bool,
    /// The first write error; later writes are skipped.
    error: Option<io::Error>,
    /// HTML: the certificates the connections written refer to, each once (the page's
    /// table of distinct certificates), and the keys of those already in it.
    shared: Vec<u8>,
    shared_keys: std::collections::HashSet<String>,
}

impl<W: Write> ReportWriter<W> {
    pub fn new(out: W, format: ReportFormat) -> Self {
        ReportWriter {
            out,
            layout: Layout { format, name_inputs: false, ladder: None },
            held: Vec::new(),
            inputs_seen: 0,
            last_input: None,
            streaming: format.is_stream(),
            tally: Tally::default(),
            recap: Vec::new(),
            repeated: Repeated::default(),
            written: 0,
            flush_each: format.is_stream(),
            error: None,
            shared: Vec::new(),
            shared_keys: Default::default(),
        }
    }

    /// Writes each report as soon as it comes, none held to be sorted (a live capture,
    /// whose connections are followed as they end).
    pub fn live(mut self) -> Self {
        self.streaming = true;
        self.flush_each = true;
        self
    }

    /// Names each connection's capture in the text (for several inputs).
    pub fn naming_inputs(mut self, name_inputs: bool) -> Self {
        self.layout.name_inputs = name_inputs;
        self
    }

    /// Draws each connection's handshake as a ladder in the text.
    pub fn with_ladder(mut self, ladder: Option<Glyphs>) -> Self {
        self.layout.ladder = ladder;
        self
    }

    /// How this writer lays reports out, to format them on other threads.
    pub fn style(&self) -> Layout {
        self.layout
    }

    pub fn connection(&mut self, report: ConnectionReport) {
        self.formatted(Formatted::new(&report, self.layout));
    }

    /// A report formatted already, with this writer's [`ReportWriter::style`].
    pub fn formatted(&mut self, report: Formatted) {
        self.tally.connections += 1;
        self.tally.failed += u64::from(report.outcome == Outcome::Failed);
        self.tally.incomplete += u64::from(report.outcome == Outcome::Incomplete);
        if let Some(line) = &report.recap {
            self.tally.with_problems += 1;
            if self.recap.len() < RECAPPED {
                self.recap.push(line.clone());
            }
        }
        self.repeated.count(&report);
        if self.streaming {
            self.write(&report);
            return;
        }
        if self.last_input.as_ref() != Some(&report.input) {
            self.inputs_seen += 1;
            self.last_input = Some(report.input.clone());
        }
        self.held.push((self.inputs_seen, report));
        if self.held.len() >= HELD {
            self.release_held();
            self.streaming = true;
        }
    }

    /// What was reported so far.
    pub fn tally(&self) -> Tally {
        self.tally
    }

    /// Writes what is held and the end of the report.
    pub fn finish(mut self, inputs: &[InputReport]) -> io::Result<W> {
        self.release_held();
        match self.error {
            Some(e) => Err(e),
            None => self.end(inputs).map(|()| self.out),
        }
    }

    fn release_held(&mut self) {
        let mut held = std::mem::take(&mut self.held);
        match self.layout.format {
            // Failures, then errors and warnings on finished handshakes, then the
            // incomplete, then the rest.
            ReportFormat::Text => held.sort_by_key(|(input, c)| {
                (
                    *input,
                    c.outcome != Outcome::Failed,
                    !c.has_error,
                    !c.has_warning,
                    c.outcome != Outcome::Incomplete,
                    c.id,
                )
            }),
            _ => held.sort_by_key(|(input, c)| (*input, c.id)),
        }
        for (_, report) in &held {
            self.write(report);
        }
    }

    fn write(&mut self, report: &Formatted) {
        if self.error.is_some() {
            return;
        }
        let first = self.written == 0;
        self.written += 1;
        let out = &mut self.out;
        let separated = match self.layout.format {
            ReportFormat::Text => Ok(()),
            ReportFormat::Json if first => write_json_start(out).and_then(|()| out.write_all(b"\n    ")),
            ReportFormat::Json => out.write_all(b",\n    "),
            ReportFormat::Html if first => html::write_start(out).and_then(|()| out.write_all(b"\n")),
            ReportFormat::Html => out.write_all(b",\n"),
            ReportFormat::Jsonl => Ok(()),
            ReportFormat::Zeek if first => super::zeek::write_header(out),
            ReportFormat::Zeek => Ok(()),
        };
        let written = separated.and_then(|()| out.write_all(&report.text));
        // A line format or a live capture is followed as it is written (tail -f, a
        // shipper): each report leaves at once.
        let flushed = written.and_then(|()| if self.flush_each { out.flush() } else { Ok(()) });
        self.error = flushed.err();
        for cert in &report.shared {
            if self.shared_keys.insert(cert.key.clone()) {
                if !self.shared.is_empty() {
                    self.shared.push(b',');
                }
                self.shared.extend_from_slice(format!("\"{}\":", cert.key).as_bytes());
                self.shared.extend_from_slice(&cert.json);
            }
        }
    }

    fn end(&mut self, inputs: &[InputReport]) -> io::Result<()> {
        let out = &mut self.out;
        match self.layout.format {
            ReportFormat::Json => {
                if self.written == 0 {
                    write_json_start(out)?;
                }
                out.write_all(b"\n  ],\n  \"inputs\": ")?;
                out.write_all(&nested(inputs, b"  ")?)?;
                out.write_all(b"\n}\n")?;
            }
            ReportFormat::Html => {
                if self.written == 0 {
                    html::write_start(out)?;
                }
                html::write_end(out, inputs, &self.shared)?;
            }
            ReportFormat::Jsonl => {}
            ReportFormat::Zeek => {
                if self.written == 0 {
                    super::zeek::write_header(out)?;
                }
                super::zeek::write_footer(out)?;
            }
            ReportFormat::Text => {
                let Tally { connections, failed, incomplete, .. } = self.tally;
                if self.streaming && !self.recap.is_empty() {
                    writeln!(out, "{BOLD}connections with problems, as above:{BOLD:#}")?;
                    for line in &self.recap {
                        writeln!(out, "  {line}")?;
                    }
                    if self.tally.with_problems > RECAPPED as u64 {
                        let more = self.tally.with_problems - RECAPPED as u64;
                        writeln!(out, "  and {more} more (--only-failed shows only these)")?;
                    }
                }
                self.repeated.write(&mut *out)?;
                writeln!(
                    out,
                    "{BOLD}{connections} TLS connection(s): {} ok, {failed} failed, {incomplete} incomplete{BOLD:#}",
                    connections - failed - incomplete
                )?;
            }
        }
        out.flush()
    }
}

/// How many connections to each server had each finding, for the lines that say "34
/// connections to api.example: certificate-expired". Bounded: past its size, new pairs
/// are not counted.
#[derive(Default)]
struct Repeated {
    counts: std::collections::HashMap<(String, &'static str), u64>,
}

impl Repeated {
    const PAIRS: usize = 10_000;
    /// Lines written at most.
    const SHOWN: usize = 20;

    fn count(&mut self, report: &Formatted) {
        let mut codes = report.codes.clone();
        codes.sort_unstable();
        codes.dedup();
        for code in codes {
            let key = (report.server.clone(), code);
            if let Some(n) = self.counts.get_mut(&key) {
                *n += 1;
            } else if self.counts.len() < Self::PAIRS {
                self.counts.insert(key, 1);
            }
        }
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut repeated: Vec<(&(String, &str), &u64)> = self.counts.iter().filter(|(_, n)| **n > 1).collect();
        if repeated.is_empty() {
            return Ok(());
        }
        repeated.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        writeln!(out, "{BOLD}findings repeated across connections:{BOLD:#}")?;
        for ((server, code), n) in repeated.iter().take(Self::SHOWN) {
            let meaning = codes::info(code).map_or("", |c| c.meaning);
            writeln!(out, "  {n} connections to {}: {code} ({meaning})", Escaped(server))?;
        }
        if repeated.len() > Self::SHOWN {
            writeln!(out, "  and {} more", repeated.len() - Self::SHOWN)?;
        }
        Ok(())
    }
}

fn recap_line(c: &ConnectionReport, name_input: bool) -> String {
    let codes: Vec<&str> = c.findings.iter().filter(|f| f.severity == Severity::Error).map(|f| f.code).collect();
    let input = if name_input { format!(" of {}", Escaped(&c.input)) } else { String::new() };
    format!("connection {}{input} (frames {}-{}): {}", c.id, c.first_frame, c.last_frame, codes.join(", "))
}

fn write_json_start(out: &mut dyn Write) -> io::Result<()> {
    let tool = serde_json::json!({"name": "tlsdoctor", "version": env!("CARGO_PKG_VERSION")});
    write!(out, "{{\n  \"schema_version\": \"{SCHEMA_VERSION}\",\n  \"tool\": ")?;
    out.write_all(&nested(&tool, b"  ")?)?;
    out.write_all(b",\n  \"connections\": [")
}

/// A connection's report written out, with what the writer sorts, counts and recaps it
/// by: any thread can format one.
pub struct Formatted {
    id: u32,
    input: String,
    outcome: Outcome,
    has_error: bool,
    has_warning: bool,
    /// Its server (SNI, else address) and the codes of its error and warning findings,
    /// for the summary of findings repeated across connections.
    server: String,
    codes: Vec<&'static str>,
    /// The line that names it at the end of a long text report, if it has a problem.
    recap: Option<String>,
    /// Its block of text, or its JSON object as nested in the report.
    text: Vec<u8>,
    /// HTML: the certificates its object refers to.
    shared: Vec<html::Shared>,
}

impl Formatted {
    pub fn new(c: &ConnectionReport, layout: Layout) -> Formatted {
        let mut text = Vec::new();
        let mut shared = Vec::new();
        // Writing into a Vec fails only if serialisation does, which these types do not.
        let _ = match layout.format {
            ReportFormat::Text => write_connection(&mut text, c, layout),
            ReportFormat::Json => nested(c, b"    ").map(|padded| text = padded).map_err(io::Error::from),
            ReportFormat::Html => html::write_connection(&mut text, c).map(|refs| shared = refs),
            ReportFormat::Jsonl => {
                serde_json::to_writer(&mut text, c).map_err(io::Error::from).map(|()| text.push(b'\n'))
            }
            ReportFormat::Zeek => {
                text = super::zeek::row(c);
                Ok(())
            }
        };
        Formatted {
            id: c.id,
            input: c.input.clone(),
            outcome: c.outcome,
            has_error: c.has_error(),
            has_warning: c.findings.iter().any(|f| f.severity == Severity::Warning),
            server: c.sni.clone().unwrap_or_else(|| format!("{}:{}", c.server.ip, c.server.port)),
            codes: c.findings.iter().filter(|f| f.severity != Severity::Info).map(|f| f.code).collect(),
            recap: c.has_problem().then(|| recap_line(c, layout.name_inputs)),
            text,
            shared,
        }
    }
}

/// `value` as pretty JSON whose lines after the first start with `pad`: nested in the
/// document. Made whole, then padded in one pass: padding as serde_json writes costs two
/// dynamic calls per token, about a tenth of the reporting thread's time in `perf`.
fn nested(value: &(impl serde::Serialize + ?Sized), pad: &[u8]) -> serde_json::Result<Vec<u8>> {
    let pretty = serde_json::to_vec_pretty(value)?;
    // Exactly sized: reports wait in queues between the threads, many at a time.
    let lines = pretty.iter().filter(|&&b| b == b'\n').count();
    let mut padded = Vec::with_capacity(pretty.len() + lines * pad.len());
    for (i, line) in pretty.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            padded.push(b'\n');
            padded.extend_from_slice(pad);
        }
        padded.extend_from_slice(line);
    }
    Ok(padded)
}

fn write_connection(out: &mut dyn Write, c: &ConnectionReport, layout: Layout) -> io::Result<()> {
    let name_input = layout.name_inputs;
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
    if name_input {
        write!(out, "  in {}", Escaped(&c.input))?;
    }
    if let Some(sni) = &c.sni {
        write!(out, "  SNI {}", Escaped(sni))?;
    }
    writeln!(out, "  frames {}-{}", c.first_frame, c.last_frame)?;
    let mut facts = Vec::new();
    facts.extend(c.version.clone());
    facts.extend(c.cipher_suite.clone());
    facts.push(format!("client certificate: {}", c.client_auth));
    writeln!(out, "  {}", facts.join(", "))?;
    // How the connection ended, in frame order.
    let mut endings = Vec::new();
    if let Some(a) = &c.alert {
        let what = match (&a.description, a.level) {
            (Some(d), Some(level)) => format!("{level} alert {d}"),
            (Some(d), None) => format!("alert {d}"),
            (None, _) => "an encrypted alert".to_string(),
        };
        endings.push((a.frame, format!("the {} sent {what} in frame {}", a.sender, a.frame)));
    }
    if let Some(close) = &c.closed {
        let forged = c.findings.iter().any(|f| f.code == codes::RESET_BY_MIDDLEBOX);
        let text = match close.how {
            "reset" if forged => format!(
                "a reset in the {}'s name, not from it, ended the connection in frame {}",
                close.sender, close.frame
            ),
            "reset" => format!("the {} reset the connection in frame {}, without an alert", close.sender, close.frame),
            _ => format!("the {} closed the connection (FIN) in frame {}, without an alert", close.sender, close.frame),
        };
        endings.push((close.frame, text));
    }
    if let Some(h) = &c.http_response {
        endings.push((h.frame, format!("the server answered {} {} in frame {}", h.version, h.status, h.frame)));
    }
    endings.sort();
    for (_, ending) in endings {
        writeln!(out, "  {}", Escaped(&ending))?;
    }
    if let Some(data) = &c.data {
        for (side, excerpt) in [("client", &data.client), ("server", &data.server)] {
            let Some(e) = excerpt else { continue };
            let cut = if e.cut { ", cut short" } else { "" };
            writeln!(out, "  {DIM}{side}'s first data (frame {}{cut}):{DIM:#} {}", e.frame, Escaped(&e.text))?;
        }
    }
    for f in &c.findings {
        let style = match f.severity {
            Severity::Error => BAD,
            Severity::Warning => WARN,
            Severity::Info => DIM,
        };
        let severity = format!("{:?}", f.severity).to_lowercase();
        writeln!(out, "\n  {style}{severity}{style:#} {BOLD}{}{BOLD:#} (frame {})", f.code, f.frame)?;
        writeln!(out, "    {}", Escaped(&f.summary))?;
        // The summary names each certificate already; the list is for programs.
        for (key, value) in f.detail.iter().filter(|(key, _)| *key != "certificates") {
            let value = plain(value);
            writeln!(out, "    {DIM}{key}:{DIM:#} {}", Escaped(&value))?;
        }
        if !f.remedy.is_empty() {
            writeln!(out, "    {BOLD}what to do:{BOLD:#} {}", Escaped(&f.remedy))?;
        }
    }
    if !c.passed.is_empty() {
        writeln!(out, "\n  {DIM}checks that passed:{DIM:#}")?;
        for note in &c.passed {
            writeln!(out, "    {GOOD}✓{GOOD:#} {}", Escaped(note))?;
        }
    }
    if let Some(glyphs) = layout.ladder.filter(|_| !c.ladder.is_empty()) {
        ladder::write(out, c, glyphs)?;
    } else if !c.ladder.is_empty() {
        writeln!(out, "\n  {DIM}handshake:{DIM:#}")?;
        let mut steps = c.ladder.iter().peekable();
        while let Some(first) = steps.next() {
            let mut messages = vec![first.message.as_str()];
            while let Some(next) = steps.next_if(|s| s.frame == first.frame && s.from == first.from) {
                messages.push(&next.message);
            }
            let arrow = if first.from == "client" { "client → server" } else { "server → client" };
            writeln!(out, "  {:>7}  {arrow}  {}", first.frame, Escaped(&messages.join(", ")))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::{Endpoint, Finding};

    fn report(id: u32, outcome: Outcome) -> ConnectionReport {
        let endpoint = |port| Endpoint { ip: "192.0.2.1".into(), port };
        let findings = match outcome {
            Outcome::Failed => vec![Finding::new(codes::FINISHED_MISMATCH, Severity::Error, 7, "x")],
            _ => Vec::new(),
        };
        ConnectionReport {
            id,
            input: "a.pcap".into(),
            transport: "tcp",
            client: endpoint(40000),
            server: endpoint(443),
            first_frame: u64::from(id),
            last_frame: u64::from(id) + 1,
            first_time: 0.0,
            last_time: 0.0,
            sni: None,
            version: None,
            cipher_suite: None,
            client_auth: "none",
            decrypted: false,
            outcome,
            alert: None,
            closed: None,
            findings,
            http_response: None,
            data: None,
            passed: Vec::new(),
            story: Default::default(),
            fingerprints: Default::default(),
            ladder: Vec::new(),
        }
    }

    /// Connection `id` fails when `id % 7 == 3`, in ids given from `n` down to 1.
    fn write(n: u32, format: ReportFormat) -> String {
        let mut writer = ReportWriter::new(Vec::new(), format);
        for id in (1..=n).rev() {
            writer.connection(report(id, if id % 7 == 3 { Outcome::Failed } else { Outcome::Ok }));
        }
        assert_eq!(writer.tally().failed, u64::from((n + 3) / 7));
        let input = InputReport {
            path: "x.pcap".into(),
            format: "pcap".into(),
            frames: 9,
            stopped: None,
            evicted_connections: 0,
            missing_bytes: 0,
        };
        let written = String::from_utf8(writer.finish(&[input]).unwrap()).unwrap();
        without_styles(&written)
    }

    /// The text as anstream writes it when the output is not a terminal.
    fn without_styles(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find('\x1b') {
            out.push_str(&rest[..start]);
            rest = rest[start..].split_once('m').map_or("", |(_, after)| after);
        }
        out + rest
    }

    fn ids(json: &str) -> Vec<u64> {
        let v: serde_json::Value = serde_json::from_str(json).expect("the report is one JSON object");
        assert_eq!(v["inputs"][0]["frames"], 9);
        assert_eq!(v["tool"]["name"], "tlsdoctor");
        assert_eq!(v["schema_version"], SCHEMA_VERSION);
        v["connections"].as_array().unwrap().iter().map(|c| c["id"].as_u64().unwrap()).collect()
    }

    #[test]
    fn a_small_report_is_sorted() {
        assert_eq!(ids(&write(5, ReportFormat::Json)), [1, 2, 3, 4, 5]);
        assert_eq!(ids(&write(0, ReportFormat::Json)), Vec::<u64>::new());
        let text = write(5, ReportFormat::Text);
        assert!(text.starts_with("FAILED  connection 3 "), "{text}");
        assert!(text.ends_with("5 TLS connection(s): 4 ok, 1 failed, 0 incomplete\n"), "{text}");
        assert!(!text.contains("as above"));
    }

    #[test]
    fn a_large_report_is_streamed_whole_with_a_recap() {
        let n = HELD as u32 + 500;
        let streamed = ids(&write(n, ReportFormat::Json));
        assert_eq!(streamed.len(), n as usize);
        // The first HELD arrive (n down to 501) and are written sorted; then the rest as they come.
        assert_eq!(streamed[0], 501);
        assert_eq!(streamed[HELD - 1], u64::from(n));
        assert_eq!(streamed[HELD], 500);
        let text = write(n, ReportFormat::Text);
        let recap = text.split("connections with problems, as above:\n").nth(1).expect("a recap");
        assert_eq!(recap.lines().filter(|l| l.starts_with("  connection ")).count(), RECAPPED);
        let failed = (n + 3) / 7;
        assert!(recap.contains(&format!("and {} more", failed - RECAPPED as u32)), "{recap}");
        assert!(text.ends_with(&format!("{n} TLS connection(s): {} ok, {failed} failed, 0 incomplete\n", n - failed)));
    }
}
