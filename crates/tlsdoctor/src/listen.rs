//! `diagnose -i` and `dissect -i`: live capture on an interface, each connection
//! reported as it ends. Built with the `live` feature; without it, `-i` says how to get it.

#[cfg(feature = "live")]
pub use enabled::{diagnose, dissect};
#[cfg(not(feature = "live"))]
pub use missing::{diagnose, dissect};

#[cfg(not(feature = "live"))]
mod missing {
    use std::path::Path;
    use std::process::ExitCode;

    use tlsdoctor::diagnose::report::ReportFormat;
    use tlsdoctor::diagnose::Options;
    use tlsdoctor::pipeline::Config;

    use crate::cli::{Format, LiveArgs, SecretArgs};
    use crate::Filter;

    const NOT_BUILT: &str = "tlsdoctor: -i: this tlsdoctor was built without live capture; build it with `cargo install --path crates/tlsdoctor --features live` (libpcap's headers needed: `apt-get install libpcap-dev`), or capture with tcpdump and pipe it in: `tcpdump -i IFACE -w - | tlsdoctor diagnose -`";

    pub fn diagnose(
        _: &LiveArgs,
        _: &SecretArgs,
        _: ReportFormat,
        _: Option<&Path>,
        _: &Filter,
        _: &Config,
        _: &Options,
    ) -> ExitCode {
        eprintln!("{NOT_BUILT}");
        ExitCode::from(2)
    }

    pub fn dissect(_: &LiveArgs, _: &SecretArgs, _: bool, _: Format, _: &Config) -> ExitCode {
        eprintln!("{NOT_BUILT}");
        ExitCode::from(2)
    }
}

#[cfg(feature = "live")]
mod enabled {
    use std::cell::Cell;
    use std::io::{self, IsTerminal, LineWriter, Write};
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;
    use std::rc::Rc;
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;
    use std::time::Duration;

    use tlsdoctor::diagnose::report::{InputReport, ReportFormat, ReportWriter, Tally};
    use tlsdoctor::diagnose::{ConnectionReport, Diagnoser, Options, ReportSink};
    use tlsdoctor::dissect::{FieldsPrinter, JsonPrinter, TextPrinter};
    use tlsdoctor::live::{LiveOptions, LiveSource, LiveStats};
    use tlsdoctor::pipeline::{self, Config, InputSummary, Observer};

    use crate::cli::{Format, LiveArgs, SecretArgs};
    use crate::{finish, report_input_problems, Filter, Shown};

    /// `diagnose -i`: each connection's report as it ends; the summary at the end
    /// (--duration, --count, Ctrl-C). Exit status as for files.
    pub fn diagnose(
        live: &LiveArgs,
        secrets: &SecretArgs,
        format: ReportFormat,
        file: Option<&Path>,
        filter: &Filter,
        config: &Config,
        options: &Options,
    ) -> ExitCode {
        let config = &live_config(live, config);
        let tally = Rc::new(Cell::new(Tally::default()));
        let status = status_line(live, tally.clone());
        match (file, format) {
            (Some(path), _) => match std::fs::File::create(path) {
                // A file gets no colours: anstream strips them.
                Ok(file) => {
                    let writer = ReportWriter::new(anstream::AutoStream::never(file), format).live();
                    run_diagnose(writer, live, secrets, filter, config, options, tally, status)
                }
                Err(e) => {
                    eprintln!("tlsdoctor: -o {}: {e}", path.display());
                    ExitCode::from(2)
                }
            },
            (None, ReportFormat::Text) => {
                let writer = ReportWriter::new(anstream::stdout().lock(), format).live();
                run_diagnose(writer, live, secrets, filter, config, options, tally, status)
            }
            (None, _) => {
                let writer = ReportWriter::new(io::stdout().lock(), format).live();
                run_diagnose(writer, live, secrets, filter, config, options, tally, status)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn run_diagnose<W: Write>(
        writer: ReportWriter<W>,
        live: &LiveArgs,
        secrets: &SecretArgs,
        filter: &Filter,
        config: &Config,
        options: &Options,
        tally: Rc<Cell<Tally>>,
        status: Option<Box<dyn FnMut(LiveStats)>>,
    ) -> ExitCode {
        let mut source = match open(live, secrets, status) {
            Ok(source) => source,
            Err(status) => return status,
        };
        let input = pipeline::PacketSource::name(&source).to_string();
        let shown = Shown { filter, writer, input, annotations: None };
        let mut told = Told { shown, tally };
        let mut diagnoser = Diagnoser::new(options, &mut told).judging_at_once();
        let analysed = capture(&mut source, config, &mut diagnoser);
        diagnoser.finish().judge(&mut told);
        let Some(summary) = analysed else { return ExitCode::from(2) };
        let Told { shown, .. } = told;
        let tally = shown.writer.tally();
        if let Err(e) = shown.writer.finish(&[InputReport::from(&summary)]) {
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("tlsdoctor: writing the report: {e}");
                return ExitCode::from(2);
            }
        }
        crate::exit_status(false, tally.with_problems)
    }

    /// `dissect -i`: each message as it is captured, a line at a time.
    pub fn dissect(live: &LiveArgs, secrets: &SecretArgs, verbose: bool, format: Format, config: &Config) -> ExitCode {
        let config = &live_config(live, config);
        let mut source = match open(live, secrets, None) {
            Ok(source) => source,
            Err(status) => return status,
        };
        let out = LineWriter::new(io::stdout().lock());
        let mut run = |observer: &mut dyn Observer| match capture(&mut source, config, observer) {
            Some(_) => ExitCode::SUCCESS,
            None => ExitCode::from(2),
        };
        match format {
            Format::Text => {
                let mut printer = TextPrinter::new(out, verbose);
                let status = run(&mut printer);
                finish(status, printer.finish())
            }
            Format::Json => {
                let mut printer = JsonPrinter::new(out);
                let status = run(&mut printer);
                finish(status, printer.finish())
            }
            Format::Fields => {
                let mut printer = FieldsPrinter::new(out);
                let status = run(&mut printer);
                finish(status, printer.finish())
            }
        }
    }

    /// The file configuration, with connections released as soon as they close (late
    /// segments of a closed connection are still recognised) and after --idle-timeout
    /// of silence.
    fn live_config(live: &LiveArgs, config: &Config) -> Config {
        let mut config = config.clone();
        config.flows.linger_secs = 0;
        config.flows.idle_timeout_secs = i64::try_from(live.idle_timeout).unwrap_or(i64::MAX);
        config
    }

    /// Opens the interface, then gives up every privilege; Ctrl-C (and SIGTERM) end the
    /// capture from then on.
    fn open(
        live: &LiveArgs,
        secrets: &SecretArgs,
        status: Option<Box<dyn FnMut(LiveStats)>>,
    ) -> Result<LiveSource, ExitCode> {
        let interface = live.interface.as_deref().unwrap_or_default();
        let stop = Arc::new(AtomicBool::new(false));
        for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            if let Err(e) = signal_hook::flag::register(signal, stop.clone()) {
                eprintln!("tlsdoctor: -i {interface}: handling Ctrl-C: {e}");
                return Err(ExitCode::from(2));
            }
        }
        let keylog = match &live.write {
            Some(_) => keylog_text(secrets)?,
            None => Vec::new(),
        };
        let options = LiveOptions {
            interface,
            filter: live.filter.as_deref(),
            duration: live.duration.map(Duration::from_secs),
            count: live.count,
            write: live.write.as_deref().map(|path| (path, keylog)),
        };
        let source = LiveSource::open(&options, stop).map_err(|e| {
            eprintln!("tlsdoctor: {e}");
            ExitCode::from(2)
        })?;
        if let Err(e) = tlsdoctor::live::drop_all() {
            eprintln!("tlsdoctor: -i {interface}: {e}; stopping rather than capturing with privileges");
            return Err(ExitCode::from(2));
        }
        eprintln!("tlsdoctor: capturing on {interface}, every capability dropped; Ctrl-C ends the capture");
        Ok(match status {
            Some(status) => source.with_status(status),
            None => source,
        })
    }

    /// Runs the capture through the pipeline to its end; what it saw goes to stderr.
    fn capture(source: &mut LiveSource, config: &Config, observer: &mut dyn Observer) -> Option<InputSummary> {
        let analysed = pipeline::analyze_source(source, config, observer, &mut |_| {});
        let stats = source.stats();
        if io::stderr().is_terminal() {
            eprint!("\r\x1b[K");
        }
        if let Err(e) = source.finish() {
            eprintln!("tlsdoctor: --write: {e}");
        }
        match analysed {
            Ok(summary) => {
                eprintln!(
                    "tlsdoctor: {}: {} packets captured, {} dropped by the kernel",
                    summary.name, stats.packets, stats.dropped
                );
                report_input_problems(&summary);
                Some(summary)
            }
            Err(e) => {
                eprintln!("tlsdoctor: {e}");
                None
            }
        }
    }

    /// The key logs given, as one text, for the secrets block of --write.
    fn keylog_text(secrets: &SecretArgs) -> Result<Vec<u8>, ExitCode> {
        let mut files: Vec<PathBuf> = secrets.keylogs.clone();
        files.extend(std::env::var_os("SSLKEYLOGFILE").filter(|v| !v.is_empty()).map(PathBuf::from));
        let mut text = Vec::new();
        for file in files {
            match std::fs::read(&file) {
                Ok(bytes) => {
                    text.extend_from_slice(&bytes);
                    if !text.ends_with(b"\n") {
                        text.push(b'\n');
                    }
                }
                Err(e) => {
                    eprintln!("tlsdoctor: --keylog {}: {e}", file.display());
                    return Err(ExitCode::from(2));
                }
            }
        }
        Ok(text)
    }

    /// The one-line status on stderr, rewritten about once a second, when stderr is a
    /// terminal.
    fn status_line(live: &LiveArgs, tally: Rc<Cell<Tally>>) -> Option<Box<dyn FnMut(LiveStats)>> {
        if !io::stderr().is_terminal() {
            return None;
        }
        let interface = live.interface.clone().unwrap_or_default();
        Some(Box::new(move |stats: LiveStats| {
            let Tally { connections, failed, .. } = tally.get();
            eprint!(
                "\r\x1b[K{interface}: {} packets, {connections} connections, {failed} failed, {} dropped by the kernel",
                stats.packets, stats.dropped
            );
        }))
    }

    /// The reports shown, with their counts kept for the status line.
    struct Told<'f, W: Write> {
        shown: Shown<'f, W>,
        tally: Rc<Cell<Tally>>,
    }

    impl<W: Write> ReportSink for Told<'_, W> {
        fn report(&mut self, frame: u64, report: ConnectionReport) {
            if io::stderr().is_terminal() {
                // The report takes the status line's place; the next status redraws it.
                eprint!("\r\x1b[K");
            }
            self.shown.report(frame, report);
            self.tally.set(self.shown.writer.tally());
        }
    }
}
