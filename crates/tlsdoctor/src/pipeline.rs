//! Capture -> link/IP -> TCP reassembly -> TLS records and messages, and UDP -> DTLS
//! records and messages, pushed to an [`Observer`] in capture order. Memory is bounded by the flow table's and the TLS
//! parser's limits, not by the capture.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use tlsdoctor_capture::{CaptureError, CaptureReader, Format, Frame, Timestamp};

use crate::decrypt::Keys;
use crate::quic::QuicConnections;
use crate::udp::{classify, Associations, UdpKind};
use tlsdoctor_net::{Decoded, Decoder, DecoderConfig, TcpSegment, UdpDatagram};
use tlsdoctor_tcp::{
    Chunk, Close, ConnId, ConnIdMap, Directory, FlowConfig, FlowStats, Local, Opened, Reassembler, RoleEvidence, Side,
    StreamHandler,
};
use tlsdoctor_tls::stream::{Event, MessageKind, StreamConfig, TlsConnection};

/// Limits and switches for one analysis.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub flows: FlowConfig,
    pub stream: StreamConfig,
    pub net: DecoderConfig,
    /// Secrets to decrypt with (key logs, embedded secrets); None to skip encrypted
    /// records by their length.
    pub keys: Option<Arc<Keys>>,
    /// With secrets, leave the application data of TLS 1.2 and older encrypted (its
    /// records show their type): faster when only the handshake matters.
    pub skip_application_data: bool,
}

/// What carries a connection's handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    /// DTLS over UDP.
    Udp,
    Quic,
}

impl Transport {
    /// As the report's `transport` says it.
    pub fn name(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
            Transport::Quic => "quic",
        }
    }
}

/// A TCP connection, a DTLS association or a QUIC connection as the observers see it.
#[derive(Debug, Clone)]
pub struct Connection {
    pub id: ConnId,
    pub transport: Transport,
    pub client: SocketAddr,
    pub server: SocketAddr,
    pub roles: RoleEvidence,
    pub first_frame: u64,
    pub last_frame: u64,
    /// Capture time of the first frame (certificate validity is judged against it).
    pub first_time: Timestamp,
    /// Capture time of the last frame.
    pub last_time: Timestamp,
    /// A TLS record was seen in either direction.
    pub is_tls: bool,
    /// How each direction ended, if it did: (how, frame).
    pub closed: [Option<(Close, u64)>; 2],
}

/// Where a connection starts: its endpoints and what tells their roles.
pub(crate) struct Opening {
    pub client: SocketAddr,
    pub server: SocketAddr,
    pub roles: RoleEvidence,
}

impl Connection {
    /// A connection opened in `frame`, at `now`, with nothing seen of it yet.
    pub(crate) fn opened(id: ConnId, transport: Transport, at: Opening, frame: u64, now: Timestamp) -> Connection {
        let Opening { client, server, roles } = at;
        Connection {
            id,
            transport,
            client,
            server,
            roles,
            first_frame: frame,
            last_frame: frame,
            first_time: now,
            last_time: now,
            is_tls: false,
            closed: [None, None],
        }
    }

    pub fn endpoint(&self, side: Side) -> SocketAddr {
        match side {
            Side::Client => self.client,
            Side::Server => self.server,
        }
    }
}

/// Receives what the pipeline finds.
pub trait Observer {
    fn tls(&mut self, conn: &Connection, event: &Event<'_>);
    /// The connection is complete: no more events for it.
    fn connection_ended(&mut self, _conn: &Connection) {}
    /// Every event of this frame has been delivered.
    fn frame_done(&mut self, _frame: u64) {}
    /// The events that follow are of this frame, captured at this time.
    fn frame_started(&mut self, _frame: u64, _time: Timestamp) {}
}

/// What reading one input showed, apart from the TLS it carried.
#[derive(Debug)]
pub struct InputSummary {
    pub name: String,
    pub format: Format,
    pub gzip: bool,
    pub frames: u64,
    /// Frames the capture cut short (snap length).
    pub cut_frames: u64,
    /// Reading stopped early: the file is cut, or a record is malformed. Everything
    /// before it was analysed.
    pub stopped: Option<CaptureError>,
    /// Frames whose link or IP layer could not be decoded, with the first reason.
    pub undecodable_frames: u64,
    pub first_undecodable: Option<(u64, String)>,
    pub tcp: FlowStats,
    pub tls_connections: u64,
}

/// The name that stands for standard input among capture files (`tcpdump -w - | ...`).
pub const STDIN: &str = "-";

/// Opens a capture file, or standard input for [`STDIN`] (pcap or pcapng, gzip too; see
/// [`crate::stdin`]).
pub fn open_input(path: &Path) -> Result<CaptureReader, CaptureError> {
    if path == Path::new(STDIN) {
        crate::stdin::open()
    } else {
        CaptureReader::open(path)
    }
}

/// Reads one capture file through the whole pipeline.
pub fn analyze(path: &Path, config: &Config, observer: &mut dyn Observer) -> Result<InputSummary, CaptureError> {
    let reader = open_input(path)?;
    analyze_reader(reader, config, observer, &mut |_| {})
}

/// Like [`analyze`], for an open reader; `progress` is told the bytes read so far.
pub fn analyze_reader(
    mut reader: CaptureReader,
    config: &Config,
    observer: &mut dyn Observer,
    progress: &mut dyn FnMut(u64),
) -> Result<InputSummary, CaptureError> {
    analyze_source(&mut reader, config, observer, progress)
}

/// Where frames come from: a capture file or standard input ([`CaptureReader`]), or a
/// network interface (crate::live). Every source feeds the same pipeline.
pub trait PacketSource {
    /// The next frame, or a moment without one, or the end.
    fn next_packet(&mut self) -> Result<Next<'_>, CaptureError>;
    /// The input as the report names it.
    fn name(&self) -> &str;
    fn format(&self) -> Format;
    fn is_gzip(&self) -> bool;
    /// Bytes read so far, for progress bars.
    fn bytes_read(&self) -> u64;
}

/// What a [`PacketSource`] gives next.
pub enum Next<'a> {
    Frame(Frame<'a>),
    /// No frame came up to this time (a live source waiting): connections idle since
    /// then may end, and be reported, without waiting for another frame.
    Quiet(Timestamp),
    End,
}

impl PacketSource for CaptureReader {
    fn next_packet(&mut self) -> Result<Next<'_>, CaptureError> {
        Ok(self.next_frame()?.map_or(Next::End, Next::Frame))
    }

    fn name(&self) -> &str {
        CaptureReader::name(self)
    }

    fn format(&self) -> Format {
        CaptureReader::format(self)
    }

    fn is_gzip(&self) -> bool {
        CaptureReader::is_gzip(self)
    }

    fn bytes_read(&self) -> u64 {
        CaptureReader::bytes_read(self)
    }
}

/// Reads every frame of `source` through the whole pipeline on this thread, each
/// connection's end told to `observer` as it comes.
pub fn analyze_source(
    source: &mut dyn PacketSource,
    config: &Config,
    observer: &mut dyn Observer,
    progress: &mut dyn FnMut(u64),
) -> Result<InputSummary, CaptureError> {
    let mut directory = Directory::new(config.flows.clone());
    let mut reassembler = Reassembler::new(config.flows.max_pending_bytes);
    let mut streams = Streams::new(config, observer);
    let mut last_frame = 0;
    let mut summary = read_segments(source, config, progress, &mut |seen| match seen {
        Seen::Packet(packet, frame) => {
            last_frame = frame.number;
            streams.at(frame.number, frame.timestamp);
            match packet {
                Packet::Tcp(segment) => {
                    let mut local = Local { reassembler: &mut reassembler, handler: &mut streams };
                    directory.segment(segment, frame.number, frame.timestamp.secs, &mut local);
                }
                Packet::Udp(datagram) => streams.datagram(datagram, &mut || directory.new_id()),
            }
            streams.observer.frame_done(frame.number);
        }
        Seen::Quiet(now) => {
            directory.tick(now.secs, &mut Local { reassembler: &mut reassembler, handler: &mut streams });
            streams.tick(now);
            streams.observer.frame_done(last_frame);
        }
    })?;
    streams.finish_datagrams();
    directory.finish(&mut Local { reassembler: &mut reassembler, handler: &mut streams });
    summary.tcp = directory.stats();
    summary.tcp += reassembler.stats();
    summary.tls_connections = streams.tls_connections;
    Ok(summary)
}

/// A decoded frame's transport layer.
pub(crate) enum Packet<'p, 'a> {
    Tcp(&'p TcpSegment<'a>),
    Udp(&'p UdpDatagram<'a>),
}

/// What [`read_segments`] hands over: a frame's segment or datagram, or a quiet moment.
pub(crate) enum Seen<'s, 'p, 'a> {
    Packet(Packet<'p, 'a>, &'s Frame<'a>),
    Quiet(Timestamp),
}

/// Reads and decodes every frame of `source` and hands each TCP segment and UDP datagram
/// to `each`, with its frame. The summary's TCP and TLS counts are left to the caller.
pub(crate) fn read_segments(
    source: &mut dyn PacketSource,
    config: &Config,
    progress: &mut dyn FnMut(u64),
    each: &mut dyn FnMut(Seen<'_, '_, '_>),
) -> Result<InputSummary, CaptureError> {
    let mut net = Decoder::new(config.net.clone());
    let mut summary = InputSummary {
        name: source.name().to_string(),
        format: source.format(),
        gzip: source.is_gzip(),
        frames: 0,
        cut_frames: 0,
        stopped: None,
        undecodable_frames: 0,
        first_undecodable: None,
        tcp: FlowStats::default(),
        tls_connections: 0,
    };
    loop {
        let frame = match source.next_packet() {
            Ok(Next::Frame(frame)) => frame,
            Ok(Next::Quiet(now)) => {
                each(Seen::Quiet(now));
                continue;
            }
            Ok(Next::End) => break,
            // A file cut in its first header is not a capture; cut later, it was one.
            Err(e) if summary.frames > 0 || (e.is_truncated() && e.offset > 0) => {
                summary.stopped = Some(e);
                break;
            }
            Err(e) => return Err(e),
        };
        summary.frames += 1;
        summary.cut_frames += u64::from(frame.is_cut());
        match net.decode(frame.link_type, frame.data, frame.timestamp) {
            Ok(Decoded::Tcp(segment)) => each(Seen::Packet(Packet::Tcp(&segment), &frame)),
            Ok(Decoded::Udp(datagram)) => each(Seen::Packet(Packet::Udp(&datagram), &frame)),
            Ok(_) => {}
            Err(e) => {
                summary.undecodable_frames += 1;
                summary.first_undecodable.get_or_insert_with(|| (frame.number, e.to_string()));
            }
        }
        if summary.frames.is_multiple_of(65536) {
            progress(source.bytes_read());
        }
    }
    progress(source.bytes_read());
    Ok(summary)
}

struct ConnState {
    view: ConnView,
    tls: TlsConnection,
}

/// The connection as observers see it, with the roles TLS may correct.
pub(crate) struct ConnView {
    pub(crate) conn: Connection,
    /// The TCP layer guessed the roles (no SYN seen) and TLS showed them reversed.
    pub(crate) swapped: bool,
    /// Roles can no longer change: the SYN was seen or a hello told them.
    pub(crate) roles_settled: bool,
}

impl ConnView {
    /// Fixes the roles from the first hello of a connection picked up mid-stream.
    pub(crate) fn settle_roles(&mut self, event: &Event<'_>) {
        if self.roles_settled {
            return;
        }
        let Event::Message(m) = event else { return };
        let sent_by_client = match m.kind {
            MessageKind::Handshake { typ: 1, .. } | MessageKind::Sslv2ClientHello { .. } => true,
            MessageKind::Handshake { typ: 2, .. } => false,
            _ => return,
        };
        self.roles_settled = true;
        if sent_by_client != (m.side == Side::Client) {
            self.swapped = true;
            std::mem::swap(&mut self.conn.client, &mut self.conn.server);
        }
    }

    pub(crate) fn label(&self, side: Side) -> Side {
        if self.swapped {
            side.other()
        } else {
            side
        }
    }
}

/// Turns the reassembled streams of TCP connections into TLS events for an observer.
pub(crate) struct Streams<'o> {
    config: StreamConfig,
    keys: Option<Arc<Keys>>,
    skip_application_data: bool,
    /// Boxed: a table sized for a flood holds buckets, not states.
    conns: ConnIdMap<Box<ConnState>>,
    pub(crate) observer: &'o mut dyn Observer,
    /// Connections that carried TLS, among those that ended.
    pub(crate) tls_connections: u64,
    /// Capture time and number of the frame being processed.
    now: Timestamp,
    frame: u64,
    /// DTLS over UDP.
    datagrams: Associations,
    /// QUIC over UDP.
    quic: QuicConnections,
}

impl<'o> Streams<'o> {
    pub(crate) fn new(config: &Config, observer: &'o mut dyn Observer) -> Self {
        Streams {
            config: config.stream.clone(),
            keys: config.keys.clone(),
            skip_application_data: config.skip_application_data,
            conns: ConnIdMap::default(),
            observer,
            tls_connections: 0,
            now: Timestamp::default(),
            frame: 0,
            datagrams: Associations::new(config),
            quic: QuicConnections::new(config.keys.clone()),
        }
    }

    /// A UDP datagram of the current frame, to DTLS or QUIC as it looks (to QUIC whatever
    /// it looks like when it belongs to a QUIC connection followed); `new_id` numbers a new
    /// association or connection.
    pub(crate) fn datagram(&mut self, datagram: &UdpDatagram<'_>, new_id: &mut dyn FnMut() -> ConnId) {
        let (frame, now, observer) = (self.frame, self.now, &mut *self.observer);
        match classify(datagram.payload) {
            UdpKind::Quic => self.quic.datagram(datagram, frame, now, new_id, observer),
            // A QUIC packet whose fixed bit is greased (RFC 9287) looks like something
            // else: its connection ID tells.
            _ if self.quic.carries(datagram) => self.quic.datagram(datagram, frame, now, new_id, observer),
            UdpKind::Dtls => self.datagrams.datagram(datagram, frame, now, new_id, observer),
            UdpKind::Other => {}
        }
    }

    /// The end of the input: the DTLS associations and QUIC connections still open end.
    pub(crate) fn finish_datagrams(&mut self) {
        self.datagrams.finish(&mut *self.observer);
        self.quic.finish(&mut *self.observer);
        self.tls_connections += std::mem::take(&mut self.datagrams.ended_with_tls);
        self.tls_connections += std::mem::take(&mut self.quic.ended_with_tls);
    }

    /// Time passed without a frame: the DTLS associations and QUIC connections that
    /// closed or went idle before `now` end.
    pub(crate) fn tick(&mut self, now: Timestamp) {
        self.datagrams.tick(now, &mut *self.observer);
        self.quic.tick(now, &mut *self.observer);
        self.tls_connections += std::mem::take(&mut self.datagrams.ended_with_tls);
        self.tls_connections += std::mem::take(&mut self.quic.ended_with_tls);
    }

    /// The frame whose segment comes next.
    pub(crate) fn at(&mut self, frame: u64, now: Timestamp) {
        self.frame = frame;
        self.now = now;
        self.observer.frame_started(frame, now);
    }

    /// Runs `feed` on a connection's parser and hands its events to the observer.
    fn with_tls(&mut self, id: ConnId, feed: impl FnOnce(&mut TlsConnection, &mut dyn FnMut(Event<'_>))) {
        let Some(ConnState { view, tls }) = self.conns.get_mut(&id).map(|b| &mut **b) else {
            return;
        };
        view.conn.last_frame = view.conn.last_frame.max(self.frame);
        view.conn.last_time = view.conn.last_time.max(self.now);
        let observer = &mut *self.observer;
        feed(tls, &mut |mut event| {
            view.settle_roles(&event);
            event.set_side(view.label(event.side()));
            view.conn.is_tls = true;
            observer.tls(&view.conn, &event);
        });
    }
}

impl StreamHandler for Streams<'_> {
    fn opened(&mut self, o: &Opened) {
        let at = Opening { client: o.client, server: o.server, roles: o.roles };
        let conn = Connection::opened(o.id, Transport::Tcp, at, o.frame, self.now);
        let start_seen = o.roles == RoleEvidence::Handshake;
        let tls = match &self.keys {
            Some(keys) => {
                let opener =
                    Box::new(crate::decrypt::KeyLogOpener::new(keys.clone(), o.server, self.skip_application_data));
                TlsConnection::with_opener(self.config.clone(), start_seen, opener)
            }
            None => TlsConnection::new(self.config.clone(), start_seen),
        };
        let view = ConnView { conn, swapped: false, roles_settled: start_seen };
        self.conns.insert(o.id, Box::new(ConnState { view, tls }));
    }

    fn data(&mut self, id: ConnId, side: Side, chunk: Chunk<'_>) {
        self.with_tls(id, |tls, out| tls.data(side, chunk, out));
    }

    fn gap(&mut self, id: ConnId, side: Side, missing: u64, frame: u64) {
        self.with_tls(id, |tls, out| tls.gap(side, missing, frame, out));
    }

    fn closed(&mut self, id: ConnId, side: Side, how: Close, frame: u64) {
        if let Some(ConnState { view, .. }) = self.conns.get_mut(&id).map(|b| &mut **b) {
            view.conn.closed[view.label(side).index()] = Some((how, frame));
            view.conn.last_frame = view.conn.last_frame.max(frame);
            view.conn.last_time = view.conn.last_time.max(self.now);
        }
    }

    fn ended(&mut self, id: ConnId) {
        self.with_tls(id, |tls, out| tls.finish(out));
        if let Some(state) = self.conns.remove(&id) {
            self.tls_connections += u64::from(state.view.conn.is_tls);
            self.observer.connection_ended(&state.view.conn);
        }
    }
}
