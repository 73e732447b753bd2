//! Live capture (`-i IFACE`, the `live` feature): packets from libpcap enter the same
//! pipeline as a capture file's frames, through [`PacketSource`]. While no packet comes
//! the source says so ([`Next::Quiet`]), so connections that closed or went idle are
//! reported without waiting for traffic.

mod privileges;
mod save;

use std::fmt;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tlsdoctor_capture::{CaptureError, CaptureErrorKind, Format, Frame, LinkType, Timestamp};

use crate::pipeline::{Next, PacketSource};

pub use privileges::{drop_all, held};
use save::Saved;

/// The pause when no packet is waiting: libpcap on Linux blocks until a packet comes
/// however long that takes (its timeout only batches), so the capture is read without
/// blocking, and each pause is a quiet moment in which idle connections end.
const PAUSE: Duration = Duration::from_millis(5);
/// Bytes kept of each packet (tcpdump's default).
const SNAPLEN: i32 = 262_144;

/// What the user asked of a live capture.
#[derive(Debug, Default)]
pub struct LiveOptions<'a> {
    pub interface: &'a str,
    /// A BPF filter, tcpdump's syntax.
    pub filter: Option<&'a str>,
    pub duration: Option<Duration>,
    pub count: Option<u64>,
    /// A pcapng copy of the packets, and the key log text for its secrets block.
    pub write: Option<(&'a Path, Vec<u8>)>,
}

/// Why a live capture could not start.
#[derive(Debug)]
pub enum LiveError {
    NoSuchInterface(String),
    /// The process lacks the capability that opening a capture socket takes.
    NotPermitted(String, String),
    BadFilter(String),
    Write(String, io::Error),
    Pcap(String),
}

impl fmt::Display for LiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiveError::NoSuchInterface(name) => {
                write!(f, "-i {name}: no such interface (`ip link` lists them)")
            }
            LiveError::NotPermitted(name, why) => write!(
                f,
                "-i {name}: capturing needs the CAP_NET_RAW capability ({why}): run as root, or give it to the program once with `sudo setcap cap_net_raw+ep $(command -v tlsdoctor)`; tlsdoctor drops it as soon as the interface is open"
            ),
            LiveError::BadFilter(why) => write!(f, "--filter: {why}"),
            LiveError::Write(path, e) => write!(f, "--write {path}: {e}"),
            LiveError::Pcap(why) => write!(f, "live capture: {why}"),
        }
    }
}

/// Counts for the status line and the end of the capture.
#[derive(Debug, Default, Clone, Copy)]
pub struct LiveStats {
    pub packets: u64,
    /// Packets the kernel dropped (its buffer was full), from libpcap.
    pub dropped: u64,
}

/// Packets of one interface, as a [`PacketSource`].
pub struct LiveSource {
    capture: pcap::Capture<pcap::Active>,
    name: String,
    link: LinkType,
    frames: u64,
    until: Option<Instant>,
    count: Option<u64>,
    stop: Arc<AtomicBool>,
    saved: Option<Saved>,
    /// Told the counts about once a second (the status line).
    status: Option<Box<dyn FnMut(LiveStats)>>,
    last_status: Instant,
}

impl LiveSource {
    /// Opens the interface and starts capturing. `stop` ends the capture when set (by
    /// the SIGINT handler). Call [`drop_all`] once this returned: nothing after needs a
    /// privilege.
    pub fn open(options: &LiveOptions<'_>, stop: Arc<AtomicBool>) -> Result<LiveSource, LiveError> {
        let name = options.interface;
        let exists = name == "any" || Path::new("/sys/class/net").join(name).exists();
        if !exists {
            return Err(LiveError::NoSuchInterface(name.to_string()));
        }
        let inactive = pcap::Capture::from_device(name).map_err(|e| LiveError::Pcap(e.to_string()))?;
        let opened = inactive.promisc(false).snaplen(SNAPLEN).immediate_mode(true).open();
        let capture = opened.map_err(|e| open_error(name, e))?;
        let mut capture = capture.setnonblock().map_err(|e| LiveError::Pcap(format!("-i {name}: {e}")))?;
        if let Some(filter) = options.filter {
            capture.filter(filter, true).map_err(|e| LiveError::BadFilter(e.to_string()))?;
        }
        let link = LinkType(capture.get_datalink().0 as u32);
        let saved = match &options.write {
            Some((path, keylog)) => Some(
                Saved::create(path, link, SNAPLEN as u32, keylog)
                    .map_err(|e| LiveError::Write(path.display().to_string(), e))?,
            ),
            None => None,
        };
        Ok(LiveSource {
            capture,
            name: format!("interface:{name}"),
            link,
            frames: 0,
            until: options.duration.map(|d| Instant::now() + d),
            count: options.count,
            stop,
            saved,
            status: None,
            last_status: Instant::now(),
        })
    }

    /// Calls `status` with the counts about once a second while capturing.
    pub fn with_status(mut self, status: Box<dyn FnMut(LiveStats)>) -> Self {
        self.status = Some(status);
        self
    }

    pub fn stats(&mut self) -> LiveStats {
        let dropped = self.capture.stats().map_or(0, |s| u64::from(s.dropped) + u64::from(s.if_dropped));
        LiveStats { packets: self.frames, dropped }
    }

    /// Ends the pcapng copy, if one is written: what it holds is on disk.
    pub fn finish(&mut self) -> io::Result<()> {
        self.saved.take().map_or(Ok(()), Saved::finish)
    }

    fn over(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
            || self.until.is_some_and(|t| Instant::now() >= t)
            || self.count.is_some_and(|n| self.frames >= n)
    }

    fn tell_status(&mut self) {
        if self.status.is_some() && self.last_status.elapsed() >= Duration::from_secs(1) {
            self.last_status = Instant::now();
            let stats = self.stats();
            if let Some(status) = &mut self.status {
                status(stats);
            }
        }
    }
}

/// Opening failed: for want of a capability, or something else libpcap says.
fn open_error(name: &str, e: pcap::Error) -> LiveError {
    let why = e.to_string();
    let lower = why.to_lowercase();
    if lower.contains("not permitted") || lower.contains("permission") {
        LiveError::NotPermitted(name.to_string(), why)
    } else if lower.contains("no such device") {
        LiveError::NoSuchInterface(name.to_string())
    } else {
        LiveError::Pcap(format!("-i {name}: {why}"))
    }
}

fn now() -> Timestamp {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    Timestamp { secs: since.as_secs() as i64, nanos: since.subsec_nanos() }
}

impl PacketSource for LiveSource {
    fn next_packet(&mut self) -> Result<Next<'_>, CaptureError> {
        self.tell_status();
        if self.over() {
            return Ok(Next::End);
        }
        match self.capture.next_packet() {
            Ok(packet) => {
                self.frames += 1;
                let ts = packet.header.ts;
                let micros = u32::try_from(ts.tv_usec).unwrap_or(0).min(999_999);
                // time_t is i32 on some 32-bit targets.
                #[allow(clippy::useless_conversion)]
                let timestamp = Timestamp { secs: i64::from(ts.tv_sec), nanos: micros * 1000 };
                if let Some(saved) = &mut self.saved {
                    saved.packet(timestamp, packet.data, packet.header.len);
                }
                Ok(Next::Frame(Frame {
                    number: self.frames,
                    timestamp,
                    link_type: self.link,
                    data: packet.data,
                    original_len: packet.header.len,
                    interface: 0,
                    block: None,
                }))
            }
            Err(pcap::Error::TimeoutExpired) => {
                std::thread::sleep(PAUSE);
                Ok(Next::Quiet(now()))
            }
            Err(e) => Err(CaptureError {
                name: self.name.clone(),
                offset: 0,
                kind: CaptureErrorKind::Io(io::Error::other(e.to_string())),
            }),
        }
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn format(&self) -> Format {
        Format::Pcapng
    }

    fn is_gzip(&self) -> bool {
        false
    }

    fn bytes_read(&self) -> u64 {
        0
    }
}
