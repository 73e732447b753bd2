//! The command line: subcommands and their arguments, shared by `main`, the shell
//! completions and the man page.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use tlsdoctor::diagnose::report::ReportFormat;
use tlsdoctor::pipeline::Config;
use tlsdoctor_tcp::FlowConfig;

/// What `--version` says beyond the number: what tlsdoctor reads and understands.
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nprotocols: SSL 3.0, TLS 1.0, 1.1, 1.2, 1.3 (and the SSL 2.0-format ClientHello) over TCP;",
    "\n           DTLS 1.0, 1.2 and 1.3 over UDP (DTLS 1.3 with its unified headers and record number",
    "\n           encryption, decrypted with a key log);",
    "\n           QUIC v1 and v2 handshakes (Initial packets without keys, the rest with a key log)",
    "\ninputs:    pcap and pcapng, gzip-compressed too; Ethernet, VLAN, PPPoE, Linux cooked (SLL, SLL2),",
    "\n           raw IP, BSD loopback; IPv4 and IPv6 with fragments; tunnels: VXLAN, Geneve, GRE,",
    "\n           ERSPAN I-III, IP in IP, MPLS; STARTTLS (SMTP, IMAP, POP3, FTP, XMPP, PostgreSQL),",
    "\n           HTTP CONNECT",
    "\nsecrets:   NSS key logs (SSLKEYLOGFILE), pcapng decryption secrets blocks, RSA private keys",
    "\n           (PEM, DER, PKCS#1, PKCS#8, PKCS#12), pre-shared keys",
    "\nreport:    docs/report.md in the source repository (JSON schema docs/report.schema.json)",
);

#[derive(Parser)]
#[command(
    name = "tlsdoctor",
    version,
    long_version = LONG_VERSION,
    about = "Why did this TLS handshake fail? Passive analysis of pcap/pcapng captures."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Why did each handshake fail? One report per TLS connection, failed ones first.
    #[command(
        after_help = "Exit status: 0 every handshake ok, 1 at least one failed or has an error finding, 2 an input could not be used.\n\nEvery member of the JSON report and every finding code, with its meaning and remedy: docs/report.md in the source repository.\n\nExamples:\n  tlsdoctor diagnose capture.pcapng\n  tlsdoctor diagnose --ca ca.pem --only-failed capture.pcapng\n  tlsdoctor diagnose --format json --sni app.example capture.pcapng\n  tlsdoctor diagnose --format parquet -o tables/ *.pcapng\n  tlsdoctor diagnose --ja4 t13d1516h2_8daaf6152771_e5627efa2ab1 capture.pcapng\n  tlsdoctor diagnose --annotate annotated.pcapng capture.pcapng\n  tlsdoctor diagnose --ladder --only-failed capture.pcapng\n  tlsdoctor diagnose --format html -o report.html capture.pcapng"
    )]
    Diagnose {
        /// Capture files (pcap, pcapng, optionally gzip-compressed); `-` reads one from
        /// standard input.
        #[arg(required_unless_present = "interface")]
        captures: Vec<PathBuf>,
        /// CA certificates (PEM or DER file, bundle, or directory); repeatable.
        #[arg(long = "ca", value_name = "FILE|DIR")]
        ca: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = DiagnoseFormat::Text)]
        format: DiagnoseFormat,
        /// Write the report to FILE instead of standard output ("-": standard output). With
        /// --format parquet, a directory: DIR/NAME.connections.parquet and
        /// DIR/NAME.findings.parquet for each capture NAME.pcap(ng)[.gz].
        #[arg(short, long, value_name = "PATH", required_if_eq("format", "parquet"))]
        output: Option<PathBuf>,
        /// Show only connections whose handshake failed or has an error finding.
        #[arg(long)]
        only_failed: bool,
        /// Only connections to this server (IP or IP:port).
        #[arg(long, value_name = "ADDR")]
        server: Option<String>,
        /// Only connections whose ClientHello asked for this name.
        #[arg(long)]
        sni: Option<String>,
        /// Only connections whose client JA3 or server JA3S is this (the MD5, or the
        /// string it hashes).
        #[arg(long, value_name = "FINGERPRINT")]
        ja3: Option<String>,
        /// Only connections whose client JA4 or server JA4S is this (as printed, or in
        /// the raw form `ja4_r`).
        #[arg(long, value_name = "FINGERPRINT")]
        ja4: Option<String>,
        /// Threads, each diagnosing a share of the connections (default: one per core;
        /// one for a gzip file, or with --rsa-key, whose resumed sessions need the order).
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// Also write a pcapng copy of the capture with each finding of the report as a
        /// comment on its frame (Wireshark lists them under Expert Information; filter
        /// with frame.comment). The capture's own secrets blocks are kept. One capture.
        #[arg(long, value_name = "OUT.pcapng")]
        annotate: Option<PathBuf>,
        /// Draw each handshake as a ladder: client and server columns, an arrow per
        /// frame with its number and time, the failing steps marked (text report).
        #[arg(long)]
        ladder: bool,
        /// With --ladder: ASCII instead of box-drawing characters.
        #[arg(long, requires = "ladder")]
        ascii: bool,
        /// With secrets: put the first 256 bytes of decrypted application data each side
        /// sent in the report (member `data`). Without this flag the report holds none.
        #[arg(long)]
        include_data: bool,
        #[command(flatten)]
        live: LiveArgs,
        #[command(flatten)]
        secrets: SecretArgs,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Every TLS message of the captures, one line per frame like Wireshark's packet list.
    #[command(
        after_help = "Examples:\n  tlsdoctor dissect capture.pcapng\n  tlsdoctor dissect -v capture.pcap.gz\n  tlsdoctor dissect --ladder capture.pcapng\n  tlsdoctor dissect --format json capture.pcapng | jq 'select(.name==\"certificate\")'"
    )]
    Dissect {
        /// Capture files (pcap, pcapng, optionally gzip-compressed); `-` reads one from
        /// standard input.
        #[arg(required_unless_present = "interface")]
        captures: Vec<PathBuf>,
        /// Show the decoded fields of every handshake message.
        #[arg(short, long)]
        verbose: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Draw each connection's handshake as a ladder instead, as `diagnose --ladder`
        /// does: client and server columns, an arrow per frame, the failing steps marked.
        #[arg(long, conflicts_with_all = ["format", "verbose"])]
        ladder: bool,
        /// With --ladder: ASCII instead of box-drawing characters.
        #[arg(long, requires = "ladder")]
        ascii: bool,
        #[command(flatten)]
        live: LiveArgs,
        #[command(flatten)]
        secrets: SecretArgs,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// The decrypted application data of every connection, per direction.
    #[command(
        after_help = "Exit status: 0 application data was decrypted and every record with secrets opened, 1 nothing was decrypted or some records did not open with their secrets, 2 an input could not be used.\n\nExamples:\n  tlsdoctor decrypt capture.pcapng --keylog keys.log\n  tlsdoctor decrypt --format hex capture.pcap --keylog keys.log\n  tlsdoctor decrypt --out-dir streams/ capture.pcapng --keylog keys.log"
    )]
    Decrypt {
        /// Capture files (pcap, pcapng, optionally gzip-compressed); `-` reads one from
        /// standard input.
        #[arg(required = true)]
        captures: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = DataFormat::Text)]
        format: DataFormat,
        /// Write each direction's bytes, raw, to DIR/conn-N-client.bin and DIR/conn-N-server.bin.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
        #[command(flatten)]
        secrets: SecretArgs,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// The key log lines of the capture's connections only, to share a capture's secrets
    /// and no others; optionally a copy of the capture that carries them.
    #[command(
        after_help = "Examples:\n  tlsdoctor keys capture.pcapng --keylog all.keys -o capture.keys\n  tlsdoctor keys capture.pcap --keylog all.keys --inject-secrets capture-with-keys.pcapng"
    )]
    Keys {
        capture: PathBuf,
        /// NSS key log files to take the lines from; repeatable.
        #[arg(long = "keylog", value_name = "FILE", required = true)]
        keylogs: Vec<PathBuf>,
        /// Write the lines to FILE (standard output when neither this nor --inject-secrets is given).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Write a pcapng copy of the capture with the lines in a decryption-secrets block
        /// (Wireshark opens it decrypted, no key log option needed).
        #[arg(long, value_name = "OUT.pcapng")]
        inject_secrets: Option<PathBuf>,
    },
    /// Shell completions for bash, zsh, fish, elvish or PowerShell, on standard output.
    #[command(
        after_help = "Examples:\n  tlsdoctor completions bash > /etc/bash_completion.d/tlsdoctor\n  tlsdoctor completions zsh > ~/.zfunc/_tlsdoctor\n  tlsdoctor completions fish > ~/.config/fish/completions/tlsdoctor.fish"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The manual pages (roff): tlsdoctor(1) on standard output, or one page per
    /// subcommand too, written into a directory.
    #[command(
        after_help = "Examples:\n  tlsdoctor man > /usr/local/share/man/man1/tlsdoctor.1\n  tlsdoctor man --out-dir /usr/local/share/man/man1"
    )]
    Man {
        /// Write tlsdoctor.1 and tlsdoctor-SUBCOMMAND.1 into DIR.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

impl Command {
    /// Whether it reads a capture from standard input ("-").
    pub fn reads_stdin(&self) -> bool {
        let stdin = |path: &PathBuf| path.as_os_str() == tlsdoctor::pipeline::STDIN;
        match self {
            Command::Diagnose { captures, .. }
            | Command::Dissect { captures, .. }
            | Command::Decrypt { captures, .. } => captures.iter().any(stdin),
            Command::Keys { capture, .. } => stdin(capture),
            Command::Completions { .. } | Command::Man { .. } => false,
        }
    }
}

/// How `diagnose` writes its report.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnoseFormat {
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
    /// Two Parquet tables per capture, connections and findings, in the directory -o
    /// names: the JSON report's members as columns, for data lakes.
    Parquet,
}

impl DiagnoseFormat {
    /// The format of a report written as a stream; None for Parquet's tables.
    pub fn report(self) -> Option<ReportFormat> {
        match self {
            DiagnoseFormat::Text => Some(ReportFormat::Text),
            DiagnoseFormat::Json => Some(ReportFormat::Json),
            DiagnoseFormat::Html => Some(ReportFormat::Html),
            DiagnoseFormat::Jsonl => Some(ReportFormat::Jsonl),
            DiagnoseFormat::Zeek => Some(ReportFormat::Zeek),
            DiagnoseFormat::Parquet => None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    /// Printable text, other bytes as \xNN escapes.
    Text,
    /// A hex dump.
    Hex,
}

/// Capturing from a network interface instead of reading files.
#[derive(Args, Default)]
pub struct LiveArgs {
    /// Capture live on this interface (needs CAP_NET_RAW, dropped once it is open; a
    /// build with the `live` feature). Each connection is reported as it ends or goes
    /// idle; Ctrl-C ends the capture and writes the summary.
    #[arg(short = 'i', long, value_name = "IFACE", conflicts_with = "captures")]
    pub interface: Option<String>,
    /// With -i: a BPF filter, as tcpdump takes it ("tcp port 443").
    #[arg(long, value_name = "BPF", requires = "interface")]
    pub filter: Option<String>,
    /// With -i: stop after this many seconds.
    #[arg(long, value_name = "S", requires = "interface")]
    pub duration: Option<u64>,
    /// With -i: stop after this many packets.
    #[arg(long, value_name = "N", requires = "interface")]
    pub count: Option<u64>,
    /// With -i: seconds without a packet after which a connection is reported and
    /// released.
    #[arg(long, value_name = "S", requires = "interface", default_value_t = 60)]
    pub idle_timeout: u64,
    /// With -i: also keep the captured packets in a pcapng file (with the key logs
    /// given, in a decryption secrets block).
    #[arg(long, value_name = "FILE.pcapng", requires = "interface")]
    pub write: Option<PathBuf>,
}

/// Bounds on what a capture may make tlsdoctor hold.
#[derive(Args)]
pub struct LimitArgs {
    /// TCP connections followed at once; past it the least recently active are released
    /// (and counted in the report), so memory stays bounded on scans and floods.
    #[arg(long, value_name = "N", default_value_t = FlowConfig::default().max_flows)]
    pub max_flows: usize,
}

impl LimitArgs {
    pub fn apply(&self, config: &mut Config) {
        config.flows.max_flows = self.max_flows.max(1);
    }
}

/// Where secrets come from, for every subcommand that decrypts.
#[derive(Args, Default)]
pub struct SecretArgs {
    /// NSS key log file (SSLKEYLOGFILE format); repeatable. $SSLKEYLOGFILE is read too.
    /// Secrets embedded in pcapng files are always used.
    #[arg(long = "keylog", value_name = "FILE")]
    pub keylogs: Vec<PathBuf>,
    /// RSA private key of a server (PEM or DER, PKCS#1, PKCS#8 or PKCS#12), for RSA key
    /// exchange, optionally bound to the server's address (192.0.2.1:443=key.pem);
    /// repeatable: each connection takes the key that opens its premaster.
    #[arg(long = "rsa-key", value_name = "[ADDR=]FILE")]
    pub rsa_keys: Vec<String>,
    /// Password of encrypted PKCS#8 or PKCS#12 keys.
    #[arg(long, value_name = "PASSWORD")]
    pub key_password: Option<String>,
    /// Pre-shared key, in hex, for PSK cipher suites.
    #[arg(long, value_name = "HEX")]
    pub psk: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// One line per frame, for people.
    Text,
    /// One JSON object per message (JSON Lines), for programs.
    Json,
    /// tshark-style columns: frame, handshake types, record content types.
    Fields,
}
