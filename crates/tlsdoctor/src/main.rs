//! The `tlsdoctor` command: a thin layer over the library.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::thread;

use clap::{CommandFactory, Parser};
use tlsdoctor::decrypt::{export, secrets};
use tlsdoctor::decrypt::{Keys, ServerBinding};
use tlsdoctor::diagnose::ladder::{self, Glyphs};
use tlsdoctor::diagnose::parquet::{self, ParquetReport};
use tlsdoctor::diagnose::report::{Formatted, InputReport, Layout, ReportFormat, ReportWriter};
use tlsdoctor::diagnose::shards::{diagnose_capture_prepared, diagnose_captures, CaptureEvent};
use tlsdoctor::diagnose::{ConnectionReport, Diagnoser, Finding, Options, Prepare, Refusals, ReportSink};
use tlsdoctor::dissect::{DataPrinter, FieldsPrinter, JsonPrinter, TextPrinter};
use tlsdoctor::pipeline::{self, Config, InputSummary, Observer};
use tlsdoctor::stdin;
use tlsdoctor_capture::{CaptureError, CaptureReader};
use tlsdoctor_keys::load_rsa_private_key;

mod cli;
mod listen;

use cli::{Cli, Command, DataFormat, DiagnoseFormat, Format, LimitArgs, LiveArgs, SecretArgs};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let reads_stdin = cli.command.reads_stdin();
    if reads_stdin {
        if let Err(e) = stdin::stop_on_signals() {
            eprintln!("tlsdoctor: Ctrl-C will end the analysis, not only its input: {e}");
        }
    }
    let status = run(cli.command);
    if reads_stdin && stdin::stopped() {
        eprintln!("tlsdoctor: interrupted: the analysis covers standard input up to the Ctrl-C");
    }
    status
}

fn run(command: Command) -> ExitCode {
    match command {
        Command::Dissect { captures, verbose, format, ladder, ascii, live, secrets, limits } => {
            match config_with_secrets(&captures, &secrets, false, &limits) {
                Ok(config) if live.interface.is_some() => listen::dissect(&live, &secrets, verbose, format, &config),
                Ok(config) if ladder => {
                    dissect_ladders(&captures, if ascii { Glyphs::Ascii } else { Glyphs::Unicode }, &config)
                }
                Ok(config) => dissect(&captures, verbose, format, &config),
                Err(status) => status,
            }
        }
        Command::Diagnose {
            captures,
            ca,
            format,
            output,
            only_failed,
            server,
            sni,
            ja3,
            ja4,
            threads,
            annotate,
            ladder,
            ascii,
            include_data,
            live,
            secrets,
            limits,
        } => {
            let filter = Filter { only_failed, server, sni, ja3, ja4 };
            let threads = threads.unwrap_or_else(|| thread::available_parallelism().map_or(1, |n| n.get()));
            if annotate.is_some() && captures.len() > 1 {
                eprintln!("tlsdoctor: --annotate copies one capture: give only one");
                return ExitCode::from(2);
            }
            if annotate.is_some() && captures.first().is_none_or(|c| c == Path::new(pipeline::STDIN)) {
                eprintln!("tlsdoctor: --annotate reads the capture twice: give a file, not standard input");
                return ExitCode::from(2);
            }
            match config_with_secrets(&captures, &secrets, false, &limits) {
                Ok(config) => {
                    let glyphs = if ascii { Glyphs::Ascii } else { Glyphs::Unicode };
                    let output = Output {
                        format,
                        file: output.as_deref().filter(|path| *path != Path::new("-")),
                        ladder: ladder.then_some(glyphs),
                        annotate: annotate.as_deref(),
                        include_data,
                    };
                    let input = match &live.interface {
                        Some(_) => Input::Live(&live, &secrets),
                        None => Input::Files(&captures),
                    };
                    diagnose(input, &ca, &output, &filter, threads, &config)
                }
                Err(status) => status,
            }
        }
        Command::Keys { capture, keylogs, output, inject_secrets } => {
            keys(&capture, &keylogs, output.as_deref(), inject_secrets.as_deref())
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "tlsdoctor", &mut io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man { out_dir } => man_pages(out_dir.as_deref()),
        Command::Decrypt { captures, format, out_dir, secrets, limits } => {
            match config_with_secrets(&captures, &secrets, true, &limits) {
                Ok(config) => decrypt(&captures, format, out_dir.as_deref(), &config),
                Err(status) => status,
            }
        }
    }
}

/// Which connections the report shows.
struct Filter {
    only_failed: bool,
    server: Option<String>,
    sni: Option<String>,
    ja3: Option<String>,
    ja4: Option<String>,
}

impl Filter {
    fn keeps(&self, c: &ConnectionReport) -> bool {
        let server_matches = self.server.as_deref().is_none_or(|want| {
            want == c.server.ip
                || want == format!("{}:{}", c.server.ip, c.server.port)
                || want == format!("[{}]:{}", c.server.ip, c.server.port)
        });
        let sni_matches =
            self.sni.as_deref().is_none_or(|want| c.sni.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(want)));
        let ja3_matches = self.ja3.as_deref().is_none_or(|want| c.fingerprints.matches_ja3(want));
        let ja4_matches = self.ja4.as_deref().is_none_or(|want| c.fingerprints.matches_ja4(want));
        (!self.only_failed || c.has_problem()) && server_matches && sni_matches && ja3_matches && ja4_matches
    }

    /// `report` if the filter keeps it: named by its capture, its findings noted for
    /// --annotate.
    fn keep(&self, mut report: ConnectionReport, input: &str, notes: Option<&Notes>) -> Option<ConnectionReport> {
        if !self.keeps(&report) {
            return None;
        }
        input.clone_into(&mut report.input);
        record_comments(notes, &report);
        Some(report)
    }
}

/// With --annotate: each kept report's findings as comments, by frame.
type Notes = Mutex<BTreeMap<u64, Vec<String>>>;

/// What `diagnose` writes: the report's format (and directory), its ladders, the
/// annotated copy.
struct Output<'a> {
    format: DiagnoseFormat,
    /// `-o`: the report's file (the tables' directory for Parquet); standard output
    /// without.
    file: Option<&'a Path>,
    ladder: Option<Glyphs>,
    annotate: Option<&'a Path>,
    /// `--include-data`: the first bytes of decrypted application data in the report.
    include_data: bool,
}

/// What `diagnose` reads.
enum Input<'a> {
    Files(&'a [PathBuf]),
    /// An interface (-i), with the key logs to keep beside its packets.
    Live(&'a LiveArgs, &'a SecretArgs),
}

fn diagnose(
    input: Input<'_>,
    ca: &[PathBuf],
    output: &Output<'_>,
    filter: &Filter,
    threads: usize,
    config: &Config,
) -> ExitCode {
    let (format, annotate) = (output.format, output.annotate);
    let options = match tlsdoctor::api::load_ca(ca) {
        Ok(ca_certificates) => {
            Options { keys: config.keys.clone(), ca_certificates, include_data: output.include_data }
        }
        Err(e) => {
            eprintln!("tlsdoctor: {e}");
            return ExitCode::from(2);
        }
    };
    let config = &Config { skip_application_data: true, ..config.clone() };
    let captures = match input {
        Input::Files(captures) => captures,
        Input::Live(live, secrets) => {
            let Some(format) = format.report() else {
                eprintln!("tlsdoctor: --format parquet writes a capture file's tables: not for -i");
                return ExitCode::from(2);
            };
            return listen::diagnose(live, secrets, format, output.file, filter, config, &options);
        }
    };
    let annotations = annotate.map(|_| Mutex::new(BTreeMap::new()));
    let run = Run {
        captures,
        options: &options,
        filter,
        threads,
        config,
        annotations: annotations.as_ref(),
        ladder: output.ladder,
    };
    let Some(format) = format.report() else {
        // clap asks for -o with --format parquet; "-" is no directory.
        let Some(dir) = output.file else {
            eprintln!("tlsdoctor: --format parquet writes files: -o names their directory, not standard output");
            return ExitCode::from(2);
        };
        return run.tables_in(dir);
    };
    let status = match (output.file, format) {
        (Some(path), _) => match std::fs::File::create(path) {
            // A file gets no colours: anstream strips them.
            Ok(file) => run.report_to(io::BufWriter::new(anstream::AutoStream::never(file)), format),
            Err(e) => {
                eprintln!("tlsdoctor: -o {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        (None, ReportFormat::Text) => run.report_to(io::BufWriter::new(anstream::stdout().lock()), format),
        (None, _) => run.report_to(io::BufWriter::new(io::stdout().lock()), format),
    };
    match (annotate, annotations) {
        (Some(out), Some(annotations)) => {
            let comments = annotations.into_inner().unwrap_or_else(|e| e.into_inner());
            write_annotated(&captures[0], out, comments).unwrap_or(status)
        }
        _ => status,
    }
}

/// The annotated copy of `--annotate`; an exit status when it could not be written.
fn write_annotated(capture: &Path, out: &Path, mut comments: BTreeMap<u64, Vec<String>>) -> Option<ExitCode> {
    // Threads hand reports over in any order: the comments of a frame are sorted.
    comments.values_mut().for_each(|c| c.sort());
    match export::annotate(capture, out, &comments) {
        Ok(summary) => {
            let n: usize = comments.values().map(Vec::len).sum();
            eprintln!(
                "tlsdoctor: wrote {}: {} frames, {n} findings as comments on {} frames",
                out.display(),
                summary.frames,
                comments.len()
            );
            if let Some(stop) = summary.stopped {
                eprintln!("tlsdoctor: {stop}; the {} frames before it were copied", summary.frames);
            }
            None
        }
        Err(e) => {
            eprintln!("tlsdoctor: --annotate: {e}");
            Some(ExitCode::from(2))
        }
    }
}

/// A finding as a packet comment: who, what, and what to do.
fn finding_comment(report: &ConnectionReport, f: &Finding) -> String {
    let severity = format!("{:?}", f.severity).to_lowercase();
    let mut comment = format!("tlsdoctor {severity} {} (connection {}): {}", f.code, report.id, f.summary);
    if !f.remedy.is_empty() {
        comment.push_str(&format!(". What to do: {}", f.remedy));
    }
    comment
}

fn record_comments(annotations: Option<&Notes>, report: &ConnectionReport) {
    let Some(annotations) = annotations else { return };
    let mut annotations = annotations.lock().unwrap_or_else(|e| e.into_inner());
    for f in &report.findings {
        annotations.entry(f.frame).or_default().push(finding_comment(report, f));
    }
}

/// The connections the filter keeps, on their way to the report.
struct Shown<'f, W: Write> {
    filter: &'f Filter,
    writer: ReportWriter<W>,
    /// The capture being diagnosed.
    input: String,
    annotations: Option<&'f Notes>,
}

impl<W: Write> ReportSink for Shown<'_, W> {
    fn report(&mut self, _frame: u64, report: ConnectionReport) {
        if let Some(report) = self.filter.keep(report, &self.input, self.annotations) {
            self.writer.connection(report);
        }
    }
}

/// The connections the filter keeps, named by their capture, on their way to `sink`.
struct Kept<'f> {
    filter: &'f Filter,
    input: &'f str,
    annotations: Option<&'f Notes>,
    sink: &'f mut dyn ReportSink,
}

impl ReportSink for Kept<'_> {
    fn report(&mut self, frame: u64, report: ConnectionReport) {
        if let Some(report) = self.filter.keep(report, self.input, self.annotations) {
            self.sink.report(frame, report);
        }
    }
}

/// One `diagnose` command.
struct Run<'a> {
    captures: &'a [PathBuf],
    options: &'a Options,
    filter: &'a Filter,
    threads: usize,
    config: &'a Config,
    annotations: Option<&'a Notes>,
    /// With --ladder: the text draws each handshake, in these characters.
    ladder: Option<Glyphs>,
}

impl Run<'_> {
    /// `--format parquet`: each capture's tables in `dir`, one capture after the other.
    fn tables_in(&self, dir: &Path) -> ExitCode {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("tlsdoctor: -o {}: {e}", dir.display());
            return ExitCode::from(2);
        }
        let paths: Vec<[PathBuf; 2]> = self.captures.iter().map(|c| parquet::table_paths(dir, c)).collect();
        if let Some(twice) = paths.iter().enumerate().find(|(i, p)| paths[..*i].contains(p)) {
            eprintln!("tlsdoctor: two captures would both write {}: rename one", twice.1[0].display());
            return ExitCode::from(2);
        }
        let (mut unusable, mut with_problems) = (false, 0);
        for (path, tables) in self.captures.iter().zip(&paths) {
            let mut report = match ParquetReport::create(tables) {
                Ok(report) => report,
                Err(e) => {
                    eprintln!("tlsdoctor: -o: {e}");
                    return ExitCode::from(2);
                }
            };
            let input = path.display().to_string();
            let prepare = |c| self.filter.keep(c, &input, self.annotations);
            match self.diagnose_one(path, &prepare, &mut |_, c| report.connection(&c)) {
                Some((_, refusals)) => {
                    let mut kept =
                        Kept { filter: self.filter, input: &input, annotations: self.annotations, sink: &mut report };
                    refusals.judge(&mut kept);
                }
                None => unusable = true,
            }
            with_problems += report.with_problems();
            if let Err(e) = report.finish() {
                eprintln!("tlsdoctor: writing {}: {e}", tables[0].display());
                return ExitCode::from(2);
            }
        }
        exit_status(unusable, with_problems)
    }

    fn report_to<W: Write>(&self, out: W, format: ReportFormat) -> ExitCode {
        let writer = ReportWriter::new(out, format).naming_inputs(self.captures.len() > 1).with_ladder(self.ladder);
        let mut shown = Shown { filter: self.filter, writer, input: String::new(), annotations: self.annotations };
        let (inputs, unusable) = if self.captures.len() > 1 && self.threads > 1 {
            self.all_at_once(&mut shown)
        } else {
            self.one_by_one(&mut shown)
        };
        let tally = shown.writer.tally();
        if let Err(e) = shown.writer.finish(&inputs) {
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("tlsdoctor: writing the report: {e}");
                return ExitCode::from(2);
            }
        }
        exit_status(unusable, tally.with_problems)
    }

    /// Diagnoses one capture with a progress bar: each report `prepare` keeps goes to
    /// `out`; the refusals come back to be judged. `None` if the capture could not be
    /// used (said on stderr).
    fn diagnose_one<T: Send>(
        &self,
        path: &Path,
        prepare: Prepare<'_, T>,
        out: &mut dyn FnMut(u64, T),
    ) -> Option<(InputSummary, Refusals)> {
        let mut refusals = None;
        let summary = run_one(path, &mut |reader, progress| {
            let (summary, judged) =
                diagnose_capture_prepared(reader, self.threads, self.config, self.options, prepare, out, progress)?;
            refusals = Some(judged);
            Ok(summary)
        })?;
        Some((summary, refusals?))
    }

    /// The captures one after the other, each on every thread, with a progress bar.
    /// Returns the inputs' reports and whether one could not be used.
    fn one_by_one<W: Write>(&self, shown: &mut Shown<'_, W>) -> (Vec<InputReport>, bool) {
        let mut inputs = Vec::new();
        let mut unusable = false;
        let style = shown.writer.style();
        for path in self.captures {
            let input = path.display().to_string();
            shown.input.clone_from(&input);
            let prepare = self.prepare(&input, style);
            match self.diagnose_one(path, &prepare, &mut |_, report| shown.writer.formatted(report)) {
                Some((summary, refusals)) => {
                    refusals.judge(shown);
                    inputs.push(InputReport::from(&summary));
                }
                None => unusable = true,
            }
        }
        (inputs, unusable)
    }

    /// Filters and formats a report of `input`, on the thread that made it.
    fn prepare<'s>(
        &'s self,
        input: &'s str,
        layout: Layout,
    ) -> impl Fn(ConnectionReport) -> Option<Formatted> + Sync + 's {
        move |report| self.filter.keep(report, input, self.annotations).map(|report| Formatted::new(&report, layout))
    }

    /// Several captures at once, each filtering and formatting its reports on its own
    /// thread; the report keeps the captures' order. One progress bar for them all.
    fn all_at_once<W: Write>(&self, shown: &mut Shown<'_, W>) -> (Vec<InputReport>, bool) {
        let mut inputs = Vec::new();
        let mut unusable = false;
        let names: Vec<String> = self.captures.iter().map(|path| path.display().to_string()).collect();
        let style = shown.writer.style();
        let prepare = |i: usize, report: ConnectionReport| self.prepare(&names[i], style)(report);
        let sizes = self.captures.iter().map(|path| std::fs::metadata(path).map_or(0, |m| m.len()));
        let bar = progress_bar(sizes.sum());
        let read = |bytes| {
            if let Some(bar) = &bar {
                bar.inc(bytes);
            }
        };
        let on = &mut |i: usize, event: CaptureEvent<Formatted>| {
            match event {
                CaptureEvent::Report(report) => shown.writer.formatted(report),
                CaptureEvent::Done(done) => {
                    // The refusals, judged here, name their capture through `shown`.
                    shown.input.clone_from(&names[i]);
                    // What stderr says goes above the bar, not through it.
                    let say = |what: &dyn Fn()| bar.as_ref().map_or_else(what, |bar| bar.suspend(what));
                    match *done {
                        Ok((summary, refusals)) => {
                            refusals.judge(shown);
                            say(&|| report_input_problems(&summary));
                            inputs.push(InputReport::from(&summary));
                        }
                        Err(e) => {
                            say(&|| eprintln!("tlsdoctor: {e}"));
                            unusable = true;
                        }
                    }
                }
            }
        };
        diagnose_captures(self.captures, self.threads, self.config, self.options, &prepare, &read, on);
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        (inputs, unusable)
    }
}

/// `dissect --ladder`: each connection's handshake drawn as `diagnose --ladder` draws it,
/// from the same steps (the diagnosis makes them), in connection order.
fn dissect_ladders(captures: &[PathBuf], glyphs: Glyphs, config: &Config) -> ExitCode {
    let mut out = io::BufWriter::new(anstream::stdout().lock());
    let options = Options { keys: config.keys.clone(), ..Options::default() };
    let config = &Config { skip_application_data: true, ..config.clone() };
    let mut status = ExitCode::SUCCESS;
    for path in captures {
        let mut reports: Vec<ConnectionReport> = Vec::new();
        let read = run_one(path, &mut |reader, progress| {
            let mut diagnoser = Diagnoser::new(&options, &mut reports);
            let summary = pipeline::analyze_reader(reader, config, &mut diagnoser, progress)?;
            diagnoser.finish().judge(&mut reports);
            Ok(summary)
        });
        if read.is_none() {
            status = ExitCode::from(2);
        }
        reports.sort_by_key(|c| c.id);
        let input = (captures.len() > 1).then(|| path.display().to_string());
        for c in &reports {
            if let Err(e) = ladder::write_titled(&mut out, c, input.as_deref(), glyphs) {
                return finish(status, Err::<(), _>(e));
            }
        }
    }
    finish(status, out.flush())
}

fn dissect(captures: &[PathBuf], verbose: bool, format: Format, config: &Config) -> ExitCode {
    let out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    match format {
        Format::Text => {
            let mut printer = TextPrinter::new(out, verbose);
            let status = run_all(captures, config, &mut printer);
            finish(status, printer.finish())
        }
        Format::Json => {
            let mut printer = JsonPrinter::new(out);
            let status = run_all(captures, config, &mut printer);
            finish(status, printer.finish())
        }
        Format::Fields => {
            let mut printer = FieldsPrinter::new(out);
            let status = run_all(captures, config, &mut printer);
            finish(status, printer.finish())
        }
    }
}

/// A closed pipe (`| head`) is not an error; any other write failure is.
fn finish<W>(status: ExitCode, written: io::Result<W>) -> ExitCode {
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("tlsdoctor: writing the output: {e}");
            ExitCode::from(2)
        }
        _ => status,
    }
}

/// Runs every capture through `observer`; problems go to stderr. Exit status 2 when an
/// input could not be used at all.
fn run_all(captures: &[PathBuf], config: &Config, observer: &mut dyn Observer) -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    for path in captures {
        if run_one(path, &mut |reader, progress| pipeline::analyze_reader(reader, config, observer, progress)).is_none()
        {
            status = ExitCode::from(2);
        }
    }
    status
}

/// One capture through the pipeline; None (after saying why) when it cannot be read.
/// The exit status of a report: 2 if an input could not be used, 1 if a connection
/// failed or has an error finding.
fn exit_status(unusable: bool, with_problems: u64) -> ExitCode {
    if unusable {
        ExitCode::from(2)
    } else if with_problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

type Analysis<'a> = dyn FnMut(CaptureReader, &mut dyn FnMut(u64)) -> Result<InputSummary, CaptureError> + 'a;

/// Opens a capture and runs `analyse` on it with a progress bar; problems go to stderr.
fn run_one(path: &Path, analyse: &mut Analysis<'_>) -> Option<InputSummary> {
    let reader = match pipeline::open_input(path) {
        Ok(reader) => reader,
        Err(e) => {
            eprintln!("tlsdoctor: {e}");
            return None;
        }
    };
    let mut progress = std::fs::metadata(path).ok().and_then(|m| progress_bar(m.len()));
    let result = analyse(reader, &mut |bytes| {
        if let Some(bar) = &progress {
            bar.set_position(bytes);
        }
    });
    if let Some(bar) = progress.take() {
        bar.finish_and_clear();
    }
    match result {
        Ok(summary) => {
            report_input_problems(&summary);
            Some(summary)
        }
        Err(e) => {
            eprintln!("tlsdoctor: {e}");
            None
        }
    }
}

/// A progress bar on stderr for `len` bytes over 64 MiB, when stderr is a terminal.
fn progress_bar(len: u64) -> Option<indicatif::ProgressBar> {
    if len < 64 << 20 || !io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}").ok()?;
    bar.set_style(style);
    Some(bar)
}

/// What the capture itself lacked, said on stderr so stdout stays machine-readable.
fn report_input_problems(s: &InputSummary) {
    let mut err = io::stderr().lock();
    if let Some(stop) = &s.stopped {
        let why = if stop.is_truncated() { "the cut" } else { "it" };
        let _ = writeln!(err, "tlsdoctor: {stop}; the {} frames before {why} were analysed", s.frames);
    }
    if s.cut_frames > 0 {
        let _ =
            writeln!(err, "tlsdoctor: {}: {} frames were cut short by the capture's snap length", s.name, s.cut_frames);
    }
    if let Some((frame, why)) = &s.first_undecodable {
        let _ = writeln!(
            err,
            "tlsdoctor: {}: {} frames could not be decoded (first: frame {frame}: {why})",
            s.name, s.undecodable_frames
        );
    }
    let evicted = s.tcp.evicted_for_space + s.tcp.evicted_idle;
    if evicted > 0 {
        let _ = writeln!(
            err,
            "tlsdoctor: {}: {evicted} connections were released early ({} for space, {} idle); their later segments start new connections",
            s.name, s.tcp.evicted_for_space, s.tcp.evicted_idle
        );
        if s.tcp.evicted_for_space > 0 {
            let _ = writeln!(
                err,
                "tlsdoctor: more connections were open at once than --max-flows follows; raise it if the capture is not a flood (each costs about 4 KiB)"
            );
        }
    }
    if s.tcp.gaps > 0 {
        let _ = writeln!(
            err,
            "tlsdoctor: {}: {} bytes in {} places were never captured",
            s.name, s.tcp.missing_bytes, s.tcp.gaps
        );
    }
    if s.tls_connections == 0 {
        let _ = writeln!(err, "tlsdoctor: {}: no TLS found in {} frames", s.name, s.frames);
    }
}

/// The configuration with every secret the user gave or the captures carry. Lines of a
/// key log that cannot be read are named by file and line number on stderr.
fn config_with_secrets(
    captures: &[PathBuf],
    args: &SecretArgs,
    required: bool,
    limits: &LimitArgs,
) -> Result<Config, ExitCode> {
    let limited = |mut config: Config| {
        limits.apply(&mut config);
        config
    };
    let mut files = args.keylogs.clone();
    if let Some(env) = std::env::var_os("SSLKEYLOGFILE").filter(|v| !v.is_empty()) {
        files.push(PathBuf::from(env));
    }
    let mut keys = Keys::default();
    let mut problems = Vec::new();
    if let Err(e) = tlsdoctor::api::load_keylogs(&files, &mut keys, &mut problems) {
        eprintln!("tlsdoctor: {e}");
        return Err(ExitCode::from(2));
    }
    for arg in &args.rsa_keys {
        let (binding, file) = match arg.split_once('=').map(|(a, f)| (ServerBinding::parse(a), f)) {
            Some((Some(binding), file)) => (Some(binding), file),
            _ => (None, arg.as_str()),
        };
        let loaded = std::fs::read(file)
            .map_err(|e| e.to_string())
            .and_then(|bytes| load_rsa_private_key(&bytes, args.key_password.as_deref()).map_err(|e| e.to_string()));
        match loaded {
            Ok(key) => keys.rsa.push((binding, key)),
            Err(e) => {
                eprintln!("tlsdoctor: --rsa-key {file}: {e}");
                return Err(ExitCode::from(2));
            }
        }
    }
    if let Some(hex) = &args.psk {
        match decode_hex(hex) {
            Some(psk) if !psk.is_empty() => keys.psk = Some(psk),
            _ => {
                eprintln!("tlsdoctor: --psk: expected an even number of hex digits");
                return Err(ExitCode::from(2));
            }
        }
    }
    for capture in captures {
        // An unreadable capture is reported when it is analysed.
        if let Ok((found, bad)) = secrets::embedded(capture) {
            keys.keylog.merge(&found);
            problems.extend(bad);
        }
    }
    for problem in &problems {
        eprintln!("tlsdoctor: {problem}; line skipped");
    }
    if keys.is_empty() {
        if required {
            eprintln!("tlsdoctor: no secrets: give a key log with --keylog (or set SSLKEYLOGFILE), an RSA key with --rsa-key, a --psk, or a pcapng with embedded secrets");
            return Err(ExitCode::from(2));
        }
        return Ok(limited(Config::default()));
    }
    Ok(limited(Config { keys: Some(Arc::new(keys)), ..Config::default() }))
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

fn decrypt(captures: &[PathBuf], format: DataFormat, out_dir: Option<&Path>, config: &Config) -> ExitCode {
    if let Some(dir) = out_dir {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("tlsdoctor: --out-dir {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    }
    let out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut printer = DataPrinter::new(out, format == DataFormat::Hex, out_dir.map(Path::to_path_buf));
    let mut status = run_all(captures, config, &mut printer);
    let (failures, first) = printer.failures();
    if let Some(first) = first {
        eprintln!(
            "tlsdoctor: {failures} record(s) do not decrypt with the secrets found for their connection (first: connection {}, frame {}: {}); those secrets belong to another run of the handshake or were damaged (`tlsdoctor diagnose` with the same options reports each connection as keylog-mismatch)",
            first.connection, first.frame, first.reason
        );
    } else if printer.records() == 0 {
        eprintln!("tlsdoctor: no application data was decrypted: the secrets given belong to none of the connections (`tlsdoctor diagnose` with the same options names the client random each connection needs)");
    }
    if status == ExitCode::SUCCESS && (failures > 0 || printer.records() == 0) {
        status = ExitCode::from(1);
    }
    finish(status, printer.finish())
}

fn keys(capture: &Path, keylogs: &[PathBuf], output: Option<&Path>, inject: Option<&Path>) -> ExitCode {
    let mut text = Vec::new();
    for file in keylogs {
        match std::fs::read(file) {
            Ok(bytes) => {
                text.extend_from_slice(&bytes);
                text.push(b'\n');
            }
            Err(e) => {
                eprintln!("tlsdoctor: --keylog {}: {e}", file.display());
                return ExitCode::from(2);
            }
        }
    }
    let randoms = match export::client_randoms(capture) {
        Ok(randoms) => randoms,
        Err(e) => {
            eprintln!("tlsdoctor: {e}");
            return ExitCode::from(2);
        }
    };
    let lines = export::keys_for_capture(&text, &randoms);
    let found = lines.lines().count();
    eprintln!("tlsdoctor: {found} key log line(s) for the {} connection(s) of {}", randoms.len(), capture.display());
    if let Some(path) = output {
        if let Err(e) = std::fs::write(path, &lines) {
            eprintln!("tlsdoctor: -o {}: {e}", path.display());
            return ExitCode::from(2);
        }
    } else if inject.is_none() {
        let _ = io::stdout().lock().write_all(lines.as_bytes());
    }
    if let Some(path) = inject {
        match export::inject_secrets(capture, path, &lines) {
            Ok(summary) => {
                if let Some(stop) = &summary.stopped {
                    eprintln!("tlsdoctor: {stop}; the {} frames before it were copied", summary.frames);
                }
                eprintln!(
                    "tlsdoctor: wrote {} ({} frames, {} bytes of secrets)",
                    path.display(),
                    summary.frames,
                    summary.secrets_bytes
                );
            }
            Err(e) => {
                eprintln!("tlsdoctor: --inject-secrets: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if found == 0 {
        eprintln!("tlsdoctor: no line of the key logs belongs to a connection of this capture");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// The manual pages, made from the same definitions as `--help`: tlsdoctor(1) on
/// stdout, or it and a page per subcommand in `out_dir`.
fn man_pages(out_dir: Option<&Path>) -> ExitCode {
    let command = Cli::command();
    let Some(dir) = out_dir else {
        return finish(ExitCode::SUCCESS, render_man(command).and_then(|page| io::stdout().write_all(&page)));
    };
    let subcommands = command.get_subcommands().filter(|s| s.get_name() != "help");
    let pages: Vec<clap::Command> = subcommands
        .map(|sub| sub.clone().name(format!("tlsdoctor-{}", sub.get_name())).version(env!("CARGO_PKG_VERSION")))
        .chain([command.clone()])
        .collect();
    for page in pages {
        let path = dir.join(format!("{}.1", page.get_name()));
        if let Err(e) = render_man(page).and_then(|bytes| std::fs::write(&path, bytes)) {
            eprintln!("tlsdoctor: {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

fn render_man(command: clap::Command) -> io::Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page)?;
    Ok(page)
}
