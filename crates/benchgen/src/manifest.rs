//! The manifest: one row per generated connection, to check a tool's findings against.

use std::io::{self, Write};
use std::net::SocketAddrV4;

use crate::impair::Impairments;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRow {
    /// 1-based number of the connection's first frame (0 until it is written).
    pub first_frame: u64,
    pub client: SocketAddrV4,
    pub server: SocketAddrV4,
    /// "tcp" or "udp".
    pub transport: &'static str,
    /// Start time, nanoseconds since the epoch.
    pub start_ns: u64,
    pub template: usize,
    /// The seed connection's label, "-" when unknown.
    pub label: String,
    pub impairments: Impairments,
}

pub const HEADER: &str = "first_frame\tclient\tserver\tstart\ttemplate\tlabel\tretrans\treorder\tdrop\ttransport";

impl ManifestRow {
    /// `start` as seconds with six decimals (the output's resolution).
    pub fn start_seconds(&self) -> String {
        let micros = (self.start_ns + 500) / 1000;
        format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000)
    }
}

/// The header line, then one line per row.
pub fn write_tsv(rows: &[ManifestRow], mut out: impl Write) -> io::Result<()> {
    writeln!(out, "{HEADER}")?;
    for r in rows {
        let i = r.impairments;
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.first_frame,
            r.client,
            r.server,
            r.start_seconds(),
            r.template,
            r.label,
            i.retransmitted,
            i.reordered,
            i.dropped,
            r.transport
        )?;
    }
    out.flush()
}
