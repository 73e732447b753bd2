//! The `tlsdoctor` command: a thin layer over the library.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use tlsdoctor::dissect::{FieldsPrinter, JsonPrinter, TextPrinter};
use tlsdoctor::pipeline::{self, Config, InputSummary, Observer};
use tlsdoctor_capture::CaptureReader;

#[derive(Parser)]
#[command(name = "tlsdoctor", version, about = "Why did this TLS handshake fail? Passive analysis of pcap/pcapng captures.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Every TLS message of the captures, one line per frame like Wireshark's packet list.
    #[command(after_help = "Examples:\n  tlsdoctor dissect capture.pcapng\n  tlsdoctor dissect -v capture.pcap.gz\n  tlsdoctor dissect --format json capture.pcapng | jq 'select(.name==\"certificate\")'")]
    Dissect {
        /// Capture files (pcap, pcapng, optionally gzip-compressed).
        #[arg(required = true)]
        captures: Vec<PathBuf>,
        /// Show the decoded fields of every handshake message.
        #[arg(short, long)]
        verbose: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// One line per frame, for people.
    Text,
    /// One JSON object per message (JSON Lines), for programs.
    Json,
    /// tshark-style columns: frame, handshake types, record content types.
    Fields,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Dissect { captures, verbose, format } => dissect(&captures, verbose, format),
    }
}

fn dissect(captures: &[PathBuf], verbose: bool, format: Format) -> ExitCode {
    let out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let config = Config::default();
    match format {
        Format::Text => {
            let mut printer = TextPrinter::new(out, verbose);
            let status = run_all(captures, &config, &mut printer);
            finish(status, printer.finish())
        }
        Format::Json => {
            let mut printer = JsonPrinter::new(out);
            let status = run_all(captures, &config, &mut printer);
            finish(status, printer.finish())
        }
        Format::Fields => {
            let mut printer = FieldsPrinter::new(out);
            let status = run_all(captures, &config, &mut printer);
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
        let reader = match CaptureReader::open(path) {
            Ok(reader) => reader,
            Err(e) => {
                eprintln!("tlsdoctor: {e}");
                status = ExitCode::from(2);
                continue;
            }
        };
        let mut progress = progress_bar(path);
        let result = pipeline::analyze_reader(reader, config, observer, &mut |bytes| {
            if let Some(bar) = &progress {
                bar.set_position(bytes);
            }
        });
        if let Some(bar) = progress.take() {
            bar.finish_and_clear();
        }
        match result {
            Ok(summary) => report_input_problems(&summary),
            Err(e) => {
                eprintln!("tlsdoctor: {e}");
                status = ExitCode::from(2);
            }
        }
    }
    status
}

/// A progress bar on stderr for files over 64 MiB, when stderr is a terminal.
fn progress_bar(path: &std::path::Path) -> Option<indicatif::ProgressBar> {
    let len = std::fs::metadata(path).ok()?.len();
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
    if let Some(cut) = &s.truncated {
        let _ = writeln!(err, "tlsdoctor: {cut}; the {} frames before the cut were analysed", s.frames);
    }
    if s.cut_frames > 0 {
        let _ = writeln!(err, "tlsdoctor: {}: {} frames were cut short by the capture's snap length", s.name, s.cut_frames);
    }
    if let Some((frame, why)) = &s.first_undecodable {
        let _ = writeln!(
            err,
            "tlsdoctor: {}: {} frames could not be decoded (first: frame {frame}: {why})",
            s.name, s.undecodable_frames
        );
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
