//! `tlsdoctor-benchgen`: the command line over the library (see its docs and README.md).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, ValueEnum};
use tlsdoctor_benchgen::{
    default_seed_capture, generate, parse_size, udp_seed_capture, write_manifest, Error, ImpairmentRates, Options,
    OutputFormat, Seed,
};

/// Expand the seed capture (real TLS connections) into a large, deterministic benchmark
/// capture: replicas of its connections between fresh addresses, re-segmented to a
/// 1460-byte MSS with regenerated ACKs and valid checksums, many at once in time order.
/// TLS bytes are copied verbatim, so the seed's key log decrypts every replica.
#[derive(Parser, Debug)]
#[command(name = "tlsdoctor-benchgen", version, after_help = EXAMPLES)]
struct Cli {
    /// Seed capture (pcap or pcapng); connections.tsv and seed.keylog next to it are used if present.
    #[arg(long, value_name = "PATH")]
    seed_capture: Option<PathBuf>,
    /// The repository's UDP seed (bench/seed-udp: DTLS and QUIC) instead of its TCP one.
    #[arg(long, conflicts_with = "seed_capture")]
    udp: bool,
    /// Target output size: K/M/G/T = KiB/MiB/GiB/TiB, KB/MB/GB/TB = decimal, or bytes.
    /// Only whole connections are written: the file ends a little under it.
    #[arg(long, default_value = "256M", value_parser = parse_size)]
    size: u64,
    /// Output capture file (without it, --keylog-out writes only the key log).
    #[arg(long, value_name = "FILE", required_unless_present_any = ["list", "keylog_out"])]
    out: Option<PathBuf>,
    /// Output format (default: pcapng if --out ends in .pcapng, else pcap).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Random seed: same seed and options, byte-identical output.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write the seed's key log (comment lines dropped) here.
    #[arg(long, value_name = "FILE")]
    keylog_out: Option<PathBuf>,
    /// pcapng only: embed the key log in a Decryption Secrets Block.
    #[arg(long)]
    embed_keylog: bool,
    /// Add retransmissions, out-of-order segments and a few segments missing from the capture.
    #[arg(long)]
    impair: bool,
    /// With --impair: per data segment probability of a retransmission.
    #[arg(long, default_value_t = ImpairmentRates::default().retransmit)]
    retrans_rate: f64,
    /// With --impair: per data segment probability of being sent after the next 1-3 segments.
    #[arg(long, default_value_t = ImpairmentRates::default().reorder)]
    reorder_rate: f64,
    /// With --impair: per data segment probability of being missing (acknowledged, never seen).
    #[arg(long, default_value_t = ImpairmentRates::default().drop)]
    drop_rate: f64,
    /// Mean number of connections open at the same time.
    #[arg(long, default_value_t = 200.0)]
    concurrency: f64,
    /// Server TCP port in the output.
    #[arg(long, default_value_t = 443)]
    server_port: u16,
    /// Write a TSV manifest: one line per connection (first frame, addresses, start,
    /// template, label, impairments).
    #[arg(long, value_name = "FILE")]
    manifest_out: Option<PathBuf>,
    /// List the seed's connections (templates) and exit.
    #[arg(long)]
    list: bool,
    /// No summary on stderr.
    #[arg(short, long)]
    quiet: bool,
}

const EXAMPLES: &str = "examples:
  tlsdoctor-benchgen --size 256M --out /tmp/bench/bench-256M.pcap --keylog-out /tmp/bench/bench.keylog
  tlsdoctor-benchgen --size 256M --impair --out /tmp/bench/bench-256M-impaired.pcap
  tlsdoctor-benchgen --size 1G --out /tmp/bench/bench-1G.pcapng --embed-keylog
  tlsdoctor-benchgen --udp --size 1G --out /tmp/bench/bench-udp-1G.pcap --keylog-out /tmp/bench/bench-udp.keylog
  tlsdoctor-benchgen --list";

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Pcap,
    Pcapng,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tlsdoctor-benchgen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<(), Error> {
    let seed_path = match &cli.seed_capture {
        Some(path) => path.clone(),
        None if cli.udp => udp_seed_capture(),
        None => default_seed_capture(),
    };
    let seed = Seed::open(&seed_path)?;
    if cli.list {
        return list(&seed).map_err(Error::Output);
    }
    if cli.keylog_out.is_some() && seed.keylog.is_none() {
        return Err(Error::BadOption(format!("{}: no seed.keylog next to the seed", seed_path.display())));
    }
    let Some(out_path) = &cli.out else {
        return match (&cli.keylog_out, &seed.keylog) {
            (Some(path), Some(keylog)) => write_keylog(path, keylog),
            _ => Err(Error::BadOption("--out is required".into())),
        };
    };
    let format = match cli.format {
        Some(FormatArg::Pcap) => OutputFormat::Pcap,
        Some(FormatArg::Pcapng) => OutputFormat::Pcapng,
        None if out_path.extension().is_some_and(|e| e == "pcapng") => OutputFormat::Pcapng,
        None => OutputFormat::Pcap,
    };
    let options = Options {
        target_size: cli.size,
        format,
        random_seed: cli.seed,
        concurrency: cli.concurrency,
        server_port: cli.server_port,
        impairments: cli.impair.then_some(ImpairmentRates {
            retransmit: cli.retrans_rate,
            reorder: cli.reorder_rate,
            drop: cli.drop_rate,
        }),
        embed_keylog: cli.embed_keylog,
    };
    options.check(&seed)?;
    let started = Instant::now();
    let out = create(out_path)?;
    let generated = generate(&seed, &options, out)?;
    if let (Some(path), Some(keylog)) = (&cli.keylog_out, &seed.keylog) {
        write_keylog(path, keylog)?;
    }
    if let Some(path) = &cli.manifest_out {
        write_manifest(&generated.rows, io::BufWriter::new(create(path)?)).map_err(|e| output_error(path, e))?;
    }
    if !cli.quiet {
        let secs = started.elapsed().as_secs_f64();
        let i = generated.impairments;
        eprintln!(
            "{}: {} bytes ({:.1} MiB), {} frames, {} connections from {} seed templates, impairments: \
             {} retransmitted, {} reordered, {} dropped; {secs:.1} s ({:.0} MB/s)",
            out_path.display(),
            generated.bytes,
            generated.bytes as f64 / f64::from(1 << 20),
            generated.frames,
            generated.rows.len(),
            seed.templates.len(),
            i.retransmitted,
            i.reordered,
            i.dropped,
            generated.bytes as f64 / 1e6 / secs.max(1e-9),
        );
    }
    Ok(())
}

fn write_keylog(path: &Path, keylog: &[u8]) -> Result<(), Error> {
    create(path)?.write_all(keylog).map_err(|e| output_error(path, e))
}

fn create(path: &Path) -> Result<File, Error> {
    File::create(path).map_err(|e| output_error(path, e))
}

fn output_error(path: &Path, e: io::Error) -> Error {
    Error::Output(io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

fn list(seed: &Seed) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "#\tlabel\ttransport\tclient_port\tserver_port\tc2s_bytes\ts2c_bytes\tflights")?;
    for t in &seed.templates {
        let [c2s, s2c] = t.bytes_sent();
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{c2s}\t{s2c}\t{}",
            t.index,
            t.label.as_deref().unwrap_or("-"),
            t.transport(),
            t.client.port(),
            t.server.port(),
            t.flights()
        )?;
    }
    Ok(())
}
