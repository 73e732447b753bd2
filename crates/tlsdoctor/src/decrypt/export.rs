//! Sharing a capture's secrets: the key log lines of the connections a capture holds
//! (`tlsdoctor keys CAPTURE --keylog F -o out.keys`), and a pcapng copy of the capture
//! with those lines in a Decryption Secrets Block (`--inject-secrets out.pcapng`), which
//! Wireshark and tshark open decrypted without a key log option.
//!
//! Secrets go only to the files named by the caller: no error, summary or `Debug` output
//! here quotes them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use tlsdoctor_capture::{write, CaptureError, CaptureReader, DecryptionSecrets, Format, LinkType, Timestamp};
use tlsdoctor_tls::messages::parse_sslv2_client_hello;
use tlsdoctor_tls::stream::{Event, MessageKind};

use crate::pipeline::{analyze, Config, Connection, Observer};

/// The client randoms of every ClientHello in a capture (all connections, also repeated
/// hellos after a HelloRetryRequest or in a renegotiation that is readable in clear).
/// An SSL 2.0-compatible ClientHello counts with its challenge, left-padded with zeros
/// to 32 bytes (RFC 5246 appendix E.2), as key logs and Wireshark spell it.
///
/// A capture cut short gives the randoms found before the cut.
pub fn client_randoms(path: &Path) -> Result<HashSet<[u8; 32]>, CaptureError> {
    let mut collector = RandomCollector::default();
    analyze(path, &Config::default(), &mut collector)?;
    Ok(collector.randoms)
}

#[derive(Default)]
struct RandomCollector {
    randoms: HashSet<[u8; 32]>,
}

impl Observer for RandomCollector {
    fn tls(&mut self, _conn: &Connection, event: &Event<'_>) {
        let Event::Message(m) = event else { return };
        match m.kind {
            // The 4-byte handshake header, then client_version (2 bytes), then the random.
            MessageKind::Handshake { typ: 1, raw } => {
                if let Some(random) = raw.get(6..38).and_then(|r| <[u8; 32]>::try_from(r).ok()) {
                    self.randoms.insert(random);
                }
            }
            MessageKind::Sslv2ClientHello { raw } => {
                if let Ok(hello) = parse_sslv2_client_hello(raw) {
                    self.randoms.insert(hello.random);
                }
            }
            _ => {}
        }
    }
}

/// The lines of an NSS key log that belong to the given client randoms (every label
/// keyed by client random: `CLIENT_RANDOM`, the TLS 1.3 traffic secrets,
/// `EXPORTER_SECRET`, the early secrets), each ending with `\n`, in key log order.
///
/// `RSA` lines are left out: they are keyed by the first bytes of an encrypted
/// premaster secret, not by a client random, so they cannot be matched to a connection
/// without decrypting it; a connection that needs one also has a `CLIENT_RANDOM` line
/// when the key log comes from a TLS library. Comments and lines that cannot be parsed
/// are left out as well.
pub fn keys_for_capture(keylog_text: &[u8], randoms: &HashSet<[u8; 32]>) -> String {
    tlsdoctor_keys::lines_for(keylog_text, randoms)
}

/// What [`inject_secrets`] wrote.
#[derive(Debug)]
pub struct InjectSummary {
    /// Frames copied (Enhanced Packet Blocks written).
    pub frames: u64,
    /// Interface Description Blocks written.
    pub interfaces: usize,
    /// Bytes of key log text in the Decryption Secrets Block (before padding).
    pub secrets_bytes: usize,
    /// Decryption Secrets Blocks of the input, left out of the copy.
    pub dropped_secrets_blocks: usize,
    /// The input is cut short or damaged: the frames before this error were copied.
    pub stopped: Option<CaptureError>,
}

/// Why [`inject_secrets`] failed. Every variant names the file at fault; none carries
/// the secrets.
#[derive(Debug)]
#[non_exhaustive]
pub enum InjectError {
    /// The input capture could not be read (the error names it).
    Read(CaptureError),
    /// The output file could not be written.
    Write { path: PathBuf, source: io::Error },
    /// The output would replace the input.
    SameFile { path: PathBuf },
    /// The input holds something this writer cannot carry over.
    Unsupported { path: PathBuf, frame: Option<u64>, reason: String },
}

impl fmt::Display for InjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InjectError::Read(e) => write!(f, "{e}"),
            InjectError::Write { path, source } => write!(f, "{}: cannot write: {source}", path.display()),
            InjectError::SameFile { path } => {
                write!(f, "{}: the output is the input capture; choose another output file", path.display())
            }
            InjectError::Unsupported { path, frame: Some(n), reason } => {
                write!(f, "{}: frame {n}: {reason}", path.display())
            }
            InjectError::Unsupported { path, frame: None, reason } => write!(f, "{}: {reason}", path.display()),
        }
    }
}

impl std::error::Error for InjectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InjectError::Read(e) => Some(e),
            InjectError::Write { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Interface ids above this are refused rather than filled with copies.
const MAX_INTERFACE_ID: u32 = 0xFFFF;

/// Writes a pcapng copy of `input` (pcap or pcapng, gzip-compressed or not) to `output`:
/// a Section Header Block, one Decryption Secrets Block (`TLSK`) holding `keylog_lines`,
/// the Interface Description Blocks, then every frame as an Enhanced Packet Block with
/// its interface, nanosecond timestamp, captured bytes and original length.
///
/// - pcap input: one interface with the file's link type and snap length.
/// - pcapng input: the interface ids are kept (ids that carry no frame are filled with
///   a copy so the numbering stays); an id reused with another link type by a later
///   section gets a new id after the others. Interface options other than the
///   timestamp resolution (always nanoseconds here), comments and the input's own
///   Decryption Secrets Blocks are not copied: the new block carries what is given.
///
/// The output is written to a temporary file beside it and renamed into place, so a
/// failure leaves no half-written capture; the output must not be the input.
pub fn inject_secrets(input: &Path, output: &Path, keylog_lines: &str) -> Result<InjectSummary, InjectError> {
    copy_capture(input, output, &Additions { secrets: Some(keylog_lines.as_bytes()), comments: &BTreeMap::new() })
}

/// Writes a pcapng copy of `input` as [`inject_secrets`] does, keeping the input's own
/// Decryption Secrets Blocks, with `comments` on their frames (pcapng `opt_comment`, one
/// option each): Wireshark lists them under Expert Information, and `frame.comment`
/// filters them.
pub fn annotate(
    input: &Path,
    output: &Path,
    comments: &BTreeMap<u64, Vec<String>>,
) -> Result<InjectSummary, InjectError> {
    copy_capture(input, output, &Additions { secrets: None, comments })
}

/// What a copy adds to the input's frames.
struct Additions<'a> {
    /// The key log of the copy's one secrets block; None keeps the input's blocks.
    secrets: Option<&'a [u8]>,
    /// Comments by frame number.
    comments: &'a BTreeMap<u64, Vec<String>>,
}

fn copy_capture(input: &Path, output: &Path, additions: &Additions<'_>) -> Result<InjectSummary, InjectError> {
    if let (Ok(a), Ok(b)) = (fs::canonicalize(input), fs::canonicalize(output)) {
        if a == b {
            return Err(InjectError::SameFile { path: output.to_path_buf() });
        }
    }
    let (plan, stopped) = survey(input)?;
    let partial = partial_name(output);
    let result = write_copy(input, &partial, &plan, stopped, additions).and_then(|summary| {
        fs::rename(&partial, output).map_err(|source| InjectError::Write { path: output.to_path_buf(), source })?;
        Ok(summary)
    });
    if result.is_err() {
        let _ = fs::remove_file(&partial);
    }
    result
}

/// What the first pass learnt: interfaces and how many frames to copy.
struct Plan {
    /// Link type of each output interface, by output id.
    interfaces: Vec<LinkType>,
    /// (input interface id, link type) -> output interface id.
    ids: HashMap<(u32, LinkType), u32>,
    snaplen: u32,
    frames: u64,
    /// The input's own Decryption Secrets Blocks, as far as the first pass read.
    secrets: Vec<DecryptionSecrets>,
}

fn open(input: &Path) -> Result<CaptureReader, InjectError> {
    CaptureReader::open(input).map_err(InjectError::Read)
}

/// Reads every frame once to learn the interfaces, which must precede the packets; also
/// returns the error that stopped the reading early, if one did.
fn survey(input: &Path) -> Result<(Plan, Option<CaptureError>), InjectError> {
    let mut reader = open(input)?;
    let mut pairs: Vec<(u32, LinkType)> = Vec::new();
    let mut seen: HashSet<(u32, LinkType)> = HashSet::new();
    let mut max_caplen = 0u32;
    let mut frames = 0u64;
    let mut stopped = None;
    loop {
        let frame = match reader.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => break,
            Err(e) if frames > 0 || e.is_truncated() => {
                stopped = Some(e);
                break;
            }
            Err(e) => return Err(InjectError::Read(e)),
        };
        frames += 1;
        if frame.interface > MAX_INTERFACE_ID {
            return Err(InjectError::Unsupported {
                path: input.to_path_buf(),
                frame: Some(frame.number),
                reason: format!("interface id {} is too large to copy", frame.interface),
            });
        }
        if seen.insert((frame.interface, frame.link_type)) {
            pairs.push((frame.interface, frame.link_type));
        }
        max_caplen = max_caplen.max(u32::try_from(frame.data.len()).unwrap_or(u32::MAX));
    }
    if let Some(link) = reader.pcap_link_type() {
        if pairs.is_empty() {
            pairs.push((0, link));
        }
    }
    for &(_, link) in &pairs {
        if link.0 > 0xFFFF {
            return Err(InjectError::Unsupported {
                path: input.to_path_buf(),
                frame: None,
                reason: format!("link type {} does not fit a pcapng interface block", link.0),
            });
        }
    }
    let snaplen = match reader.format() {
        // 0 means "no limit" in pcapng; never announce less than a frame carries.
        Format::Pcap => pcap_snaplen(input).map_or(0, |s| if s == 0 { 0 } else { s.max(max_caplen) }),
        Format::Pcapng => 0,
    };
    let (interfaces, ids) = number_interfaces(&pairs);
    let secrets = reader.decryption_secrets().to_vec();
    Ok((Plan { interfaces, ids, snaplen, frames, secrets }, stopped))
}

/// Keeps each input id for the first link type it carries, fills unused ids with a copy
/// of the first interface, and appends ids for link types an id carries later.
fn number_interfaces(pairs: &[(u32, LinkType)]) -> (Vec<LinkType>, HashMap<(u32, LinkType), u32>) {
    let Some(&(_, filler)) = pairs.first() else { return (Vec::new(), HashMap::new()) };
    let mut primary: HashMap<u32, LinkType> = HashMap::new();
    for &(id, link) in pairs {
        primary.entry(id).or_insert(link);
    }
    let max_id = pairs.iter().map(|&(id, _)| id).max().unwrap_or(0);
    let mut interfaces: Vec<LinkType> = (0..=max_id).map(|id| primary.get(&id).copied().unwrap_or(filler)).collect();
    let mut ids = HashMap::new();
    for &(id, link) in pairs {
        if primary.get(&id) == Some(&link) {
            ids.insert((id, link), id);
        } else {
            ids.insert((id, link), interfaces.len() as u32);
            interfaces.push(link);
        }
    }
    (interfaces, ids)
}

/// The snap length of an uncompressed pcap file's header (None when gzip-compressed or
/// unreadable: the output then announces no limit).
fn pcap_snaplen(path: &Path) -> Option<u32> {
    let mut header = [0u8; 24];
    File::open(path).ok()?.read_exact(&mut header).ok()?;
    let field = |at: usize| -> [u8; 4] { [header[at], header[at + 1], header[at + 2], header[at + 3]] };
    let snaplen = match u32::from_be_bytes(field(0)) {
        0xa1b2_c3d4 | 0xa1b2_3c4d => u32::from_be_bytes(field(16)),
        0xd4c3_b2a1 | 0x4d3c_b2a1 => u32::from_le_bytes(field(16)),
        _ => return None,
    };
    Some(snaplen)
}

fn partial_name(output: &Path) -> PathBuf {
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "capture".into());
    output.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

fn create(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    // The file carries secrets: readable by its owner only until they choose otherwise.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn write_copy(
    input: &Path,
    partial: &Path,
    plan: &Plan,
    first_stop: Option<CaptureError>,
    additions: &Additions<'_>,
) -> Result<InjectSummary, InjectError> {
    let write_err = |source: io::Error| InjectError::Write { path: partial.to_path_buf(), source };
    let secrets: Vec<(u32, &[u8])> = match additions.secrets {
        Some(key_log) => vec![(DecryptionSecrets::TLS_KEY_LOG, key_log)],
        None => plan.secrets.iter().map(|s| (s.secrets_type, s.data.as_slice())).collect(),
    };
    if let Some((_, big)) =
        secrets.iter().find(|(_, data)| u32::try_from(data.len()).map_or(true, |n| n > u32::MAX - 64))
    {
        return Err(InjectError::Unsupported {
            path: partial.to_path_buf(),
            frame: None,
            reason: format!("{} bytes of secrets do not fit a pcapng block", big.len()),
        });
    }
    let mut out = BufWriter::new(create(partial).map_err(write_err)?);
    out.write_all(&write::section_header(concat!("tlsdoctor ", env!("CARGO_PKG_VERSION")))).map_err(write_err)?;
    for (secrets_type, data) in &secrets {
        out.write_all(&write::typed_secrets_block(*secrets_type, data)).map_err(write_err)?;
    }
    for link in &plan.interfaces {
        out.write_all(&write::interface_block(*link, plan.snaplen, 9)).map_err(write_err)?;
    }
    let mut reader = open(input)?;
    let mut frames = 0u64;
    let mut stopped = None;
    let mut block = Vec::new();
    while frames < plan.frames {
        let frame = match reader.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => break,
            Err(e) if frames > 0 || e.is_truncated() => {
                stopped = Some(e);
                break;
            }
            Err(e) => return Err(InjectError::Read(e)),
        };
        let unsupported =
            |reason: String| InjectError::Unsupported { path: input.to_path_buf(), frame: Some(frame.number), reason };
        let Some(&id) = plan.ids.get(&(frame.interface, frame.link_type)) else {
            return Err(unsupported("the file changed while it was read".into()));
        };
        let ts = nanos(frame.timestamp)
            .ok_or_else(|| unsupported(format!("timestamp {}s cannot be written", frame.timestamp.secs)))?;
        let comments = additions.comments.get(&frame.number).map_or(&[][..], Vec::as_slice);
        packet_block(&mut block, id, ts, frame.data, frame.original_len, comments);
        out.write_all(&block).map_err(write_err)?;
        frames += 1;
    }
    if frames < plan.frames && stopped.is_none() {
        return Err(InjectError::Unsupported {
            path: input.to_path_buf(),
            frame: None,
            reason: format!("the file changed while it was read ({} frames, then {frames})", plan.frames),
        });
    }
    // Given secrets replace the input's own blocks. Blocks after the last frame are seen
    // only when the reader reaches the end.
    if stopped.is_none() && first_stop.is_none() {
        while let Ok(Some(_)) = reader.next_frame() {}
    }
    let stopped = stopped.or(first_stop);
    let dropped_secrets_blocks = if additions.secrets.is_some() { reader.decryption_secrets().len() } else { 0 };
    let file = out.into_inner().map_err(|e| write_err(e.into_error()))?;
    file.sync_all().map_err(write_err)?;
    Ok(InjectSummary {
        frames,
        interfaces: plan.interfaces.len(),
        secrets_bytes: secrets.iter().map(|(_, data)| data.len()).sum(),
        dropped_secrets_blocks,
        stopped,
    })
}

/// Nanoseconds since 1970 (pcapng timestamps are unsigned).
pub(crate) fn nanos(ts: Timestamp) -> Option<u64> {
    let secs = u64::try_from(ts.secs).ok()?;
    secs.checked_mul(1_000_000_000)?.checked_add(u64::from(ts.nanos))
}

/// pcapng's opt_comment, and the longest an option can hold.
const OPT_COMMENT: u16 = 1;
const MAX_OPTION: usize = 0xFFF0;

/// Enhanced Packet Block, built in `out` (reused between frames), with its comments.
pub(crate) fn packet_block(
    out: &mut Vec<u8>,
    interface: u32,
    ts: u64,
    data: &[u8],
    original_len: u32,
    comments: &[String],
) {
    let mut body = Vec::with_capacity(20 + data.len() + 3);
    body.extend_from_slice(&interface.to_le_bytes());
    body.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
    body.extend_from_slice(&(ts as u32).to_le_bytes());
    body.extend_from_slice(&(data.len() as u32).to_le_bytes());
    body.extend_from_slice(&original_len.max(data.len() as u32).to_le_bytes());
    body.extend_from_slice(data);
    body.resize(body.len() + write::padding(data.len()), 0);
    for comment in comments {
        write::push_option(&mut body, OPT_COMMENT, truncated(comment, MAX_OPTION).as_bytes());
    }
    if !comments.is_empty() {
        write::push_option(&mut body, 0, b"");
    }
    write::frame_block(out, write::ENHANCED_PACKET_BLOCK, &body);
}

/// `s` cut to at most `max` bytes, at a character boundary.
fn truncated(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interfaces_keep_ids_fill_gaps_and_split_reused_ids() {
        let eth = LinkType::ETHERNET;
        let raw = LinkType::RAW;
        let (ifaces, ids) = number_interfaces(&[(2, raw), (0, eth), (2, eth)]);
        assert_eq!(ifaces, vec![eth, raw, raw, eth]);
        assert_eq!(ids[&(0, eth)], 0);
        assert_eq!(ids[&(2, raw)], 2);
        assert_eq!(ids[&(2, eth)], 3);
        assert!(number_interfaces(&[]).0.is_empty());
    }

    #[test]
    fn blocks_are_padded_and_framed() {
        let b = write::secrets_block(b"abcde");
        assert_eq!(b.len(), 12 + 8 + 8);
        assert_eq!(&b[4..8], &(b.len() as u32).to_le_bytes());
        assert_eq!(&b[b.len() - 4..], &(b.len() as u32).to_le_bytes());
        let mut p = Vec::new();
        packet_block(&mut p, 1, 1 << 33, &[1, 2, 3], 10, &[]);
        assert_eq!(p.len() % 4, 0);
        assert_eq!(&p[12..16], &2u32.to_le_bytes());
        assert_eq!(&p[24..28], &10u32.to_le_bytes());
        // A comment: opt_comment (1), its length, the text padded, then opt_endofopt.
        let mut c = Vec::new();
        packet_block(&mut c, 1, 0, &[1, 2, 3], 3, &["héllo".to_string()]);
        assert_eq!(c.len(), p.len() + 4 + 8 + 4);
        assert_eq!(&c[32..38], &[1, 0, 6, 0, b'h', 0xc3]);
        assert_eq!(truncated("héllo", 2), "h");
        assert_eq!(nanos(Timestamp { secs: -1, nanos: 0 }), None);
        assert_eq!(nanos(Timestamp { secs: 2, nanos: 5 }), Some(2_000_000_005));
    }
}
