//! QUIC over UDP: the connections the QUIC tracker finds (by connection ID) become
//! pipeline connections, and the TLS handshake messages of their CRYPTO frames, and the
//! TLS alerts of their CONNECTION_CLOSE frames, the same events as TLS over TCP.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;

use tlsdoctor_capture::Timestamp;
use tlsdoctor_net::UdpDatagram;
use tlsdoctor_quic::transport_params::{self, ParamValue};
use tlsdoctor_quic::{CloseCode, Level, QuicEvent, QuicEventKind, QuicSecrets, QuicTracker};
use tlsdoctor_tcp::{ConnId, RoleEvidence, Side};
use tlsdoctor_tls::stream::{Anomaly, AnomalyKind, Event, Message, MessageKind, Negotiated, QuicSignal};

use crate::decrypt::Keys;
use crate::pipeline::{ConnView, Connection, Observer, Opening, Transport};
use crate::udp::tell;

/// The max_idle_timeout transport parameter (milliseconds; 0 or absent: none).
const MAX_IDLE_TIMEOUT: u64 = 0x01;

/// The record version QUIC's handshake messages are shown with (TLS 1.3 has no records).
const TLS12: u16 = 0x0303;

/// Capture seconds a connection stays open after its first CONNECTION_CLOSE: the peer's
/// own close and the last acknowledgments come within its draining period (three PTOs,
/// RFC 9000 §10.2). Then it ends, and what the analysis held for it is freed.
pub(crate) const CLOSE_LINGER_SECS: i64 = 3;

/// Seconds added to the client's max_idle_timeout before a silent connection is over: the
/// idle period is at least three PTOs (RFC 9000 §10.1), and the server's may be shorter,
/// never longer (the effective one is the smaller of the two).
const IDLE_MARGIN_SECS: i64 = 3;

struct QuicConnection {
    view: ConnView,
    negotiated: Negotiated,
    /// A CONNECTION_CLOSE was seen: it is in `closing`.
    closing: bool,
    /// The capture second of its last event.
    last_secs: i64,
    /// Seconds of silence after which it is over: the client's max_idle_timeout and a
    /// margin (None: no idle timeout offered, it lasts to the end of the capture).
    idle_secs: Option<i64>,
    /// The version of the client's first Initial.
    version: u32,
}

impl QuicConnection {
    fn new(id: ConnId, client: SocketAddr, server: SocketAddr, frame: u64, now: Timestamp, version: u32) -> Self {
        let at = Opening { client, server, roles: RoleEvidence::Handshake };
        let conn = Connection::opened(id, Transport::Quic, at, frame, now);
        let view = ConnView { conn, swapped: false, roles_settled: true };
        QuicConnection {
            view,
            negotiated: Negotiated::default(),
            closing: false,
            last_secs: now.secs,
            idle_secs: None,
            version,
        }
    }
}

/// The QUIC connections of one capture, by the tracker's number.
#[derive(Default)]
pub(crate) struct QuicConnections {
    tracker: QuicTracker,
    keys: Option<Arc<Keys>>,
    /// foldhash, randomly seeded: looked up for every packet.
    open: HashMap<u64, QuicConnection, foldhash::fast::RandomState>,
    /// Connections that sent a CONNECTION_CLOSE, by the capture second it came.
    closing: VecDeque<(i64, u64)>,
    /// The capture second silent connections were last looked for.
    idle_checked: i64,
    /// Connections that carried TLS, among those that ended.
    pub(crate) ended_with_tls: u64,
}

impl QuicConnections {
    pub(crate) fn new(keys: Option<Arc<Keys>>) -> Self {
        QuicConnections { keys, ..Default::default() }
    }

    pub(crate) fn datagram(
        &mut self,
        d: &UdpDatagram<'_>,
        frame: u64,
        now: Timestamp,
        new_id: &mut dyn FnMut() -> ConnId,
        observer: &mut dyn Observer,
    ) {
        self.end_closed(now, observer);
        self.end_idle(now, observer);
        let QuicConnections { tracker, keys, open, closing, .. } = self;
        let secrets = keys.as_deref().map(|k| &k.keylog as &dyn QuicSecrets);
        tracker.datagram(d.src, d.dst, d.payload, frame, secrets, &mut |event| {
            if matches!(event.kind, QuicEventKind::ConnectionClose { .. }) {
                let number = event.connection.unwrap_or(u64::MAX);
                if open.get_mut(&number).is_some_and(|c| !std::mem::replace(&mut c.closing, true)) {
                    closing.push_back((now.secs, number));
                }
            }
            take(open, event, now, new_id, observer);
        });
    }

    /// Once a capture second: ends the connections silent for longer than their idle
    /// timeout (RFC 9000 §10.1: both ends have discarded them), in id order. Without
    /// keys a good connection's close is never readable: this is how it ends.
    fn end_idle(&mut self, now: Timestamp, observer: &mut dyn Observer) {
        if now.secs <= self.idle_checked {
            return;
        }
        self.idle_checked = now.secs;
        let mut over: Vec<u64> = (self.open.iter())
            .filter(|(_, c)| c.idle_secs.is_some_and(|idle| now.secs - c.last_secs > idle))
            .map(|(&n, _)| n)
            .collect();
        over.sort_unstable();
        for number in over {
            self.end(number, observer);
        }
    }

    fn end(&mut self, number: u64, observer: &mut dyn Observer) {
        if let Some(c) = self.open.remove(&number) {
            self.tracker.forget(number as usize);
            self.ended_with_tls += u64::from(c.view.conn.is_tls);
            observer.connection_ended(&c.view.conn);
        }
    }

    /// Ends the connections whose close came more than [`CLOSE_LINGER_SECS`] ago.
    fn end_closed(&mut self, now: Timestamp, observer: &mut dyn Observer) {
        while let Some(&(at, number)) = self.closing.front() {
            if now.secs - at <= CLOSE_LINGER_SECS {
                break;
            }
            self.closing.pop_front();
            self.end(number, observer);
        }
    }

    /// Whether the datagram belongs to a QUIC connection followed here, whatever its
    /// first byte looks like (a greased fixed bit). Asked of every DTLS datagram: with no
    /// QUIC connection open (the tracker forgot the ended ones) there is nothing to look up.
    pub(crate) fn carries(&self, d: &UdpDatagram<'_>) -> bool {
        !self.open.is_empty() && self.tracker.carries(d.src, d.dst, d.payload)
    }

    /// Time passed without a datagram: the connections closed or idle long enough end.
    pub(crate) fn tick(&mut self, now: Timestamp, observer: &mut dyn Observer) {
        self.end_closed(now, observer);
        self.end_idle(now, observer);
    }

    /// The end of the input: every connection ends, in id order.
    pub(crate) fn finish(&mut self, observer: &mut dyn Observer) {
        self.tracker.finish(&mut |_| {});
        let mut ended: Vec<QuicConnection> = self.open.drain().map(|(_, c)| c).collect();
        ended.sort_unstable_by_key(|c| c.view.conn.id.0);
        for c in ended {
            self.ended_with_tls += u64::from(c.view.conn.is_tls);
            observer.connection_ended(&c.view.conn);
        }
    }
}

fn take(
    open: &mut HashMap<u64, QuicConnection, foldhash::fast::RandomState>,
    event: QuicEvent<'_>,
    now: Timestamp,
    new_id: &mut dyn FnMut() -> ConnId,
    observer: &mut dyn Observer,
) {
    let Some(number) = event.connection else { return };
    if let QuicEventKind::ConnectionOpened { client, server, version, .. } = event.kind {
        open.insert(number, QuicConnection::new(new_id(), client, server, event.frame, now, version));
        return;
    }
    let Some(c) = open.get_mut(&number) else { return };
    c.view.conn.last_frame = c.view.conn.last_frame.max(event.frame);
    c.view.conn.last_time = c.view.conn.last_time.max(now);
    c.last_secs = now.secs;
    if let QuicEventKind::TransportParameters { params } = event.kind {
        if event.side == Side::Client {
            let idle = params.iter().find(|p| p.id == MAX_IDLE_TIMEOUT).map(|p| &p.value);
            if let Some(ParamValue::Integer(ms)) = idle.filter(|v| **v != ParamValue::Integer(0)) {
                let secs = i64::try_from(ms.div_ceil(1000)).unwrap_or(i64::MAX / 2);
                c.idle_secs = Some(secs.saturating_add(IDLE_MARGIN_SECS));
            }
        }
        let problems = transport_params::violations(params, event.side == Side::Client);
        if !problems.is_empty() {
            let kind = AnomalyKind::BadTransportParameters { problems };
            tell(&mut c.view, Event::Anomaly(Anomaly { side: event.side, frame: event.frame, kind }), observer);
        }
        return;
    }
    let (level, kind, frames): (Level, MessageKind<'_>, &[u64]) = match event.kind {
        QuicEventKind::Handshake { level, typ, raw, frames } => {
            if typ == 2 {
                c.negotiated = Negotiated::from_server_hello(raw).unwrap_or(c.negotiated);
            }
            (level, MessageKind::Handshake { typ, raw }, frames)
        }
        // CRYPTO_ERROR 0x0100 + N is TLS alert N (RFC 9001, 4.8).
        QuicEventKind::ConnectionClose { level, code: CloseCode::TlsAlert(description), .. } => {
            (level, MessageKind::Alert { level: 2, description }, &[])
        }
        QuicEventKind::ConnectionClose { level, code, frame_type, reason } => {
            let application = matches!(code, CloseCode::Application(_));
            let close = QuicSignal::Close { code: code.code(), application, frame_type, reason };
            (level, MessageKind::Quic(close), &[])
        }
        QuicEventKind::VersionNegotiation { versions } => {
            let signal = QuicSignal::VersionNegotiation { offered: c.version, versions };
            (Level::Initial, MessageKind::Quic(signal), &[])
        }
        QuicEventKind::StatelessReset => (Level::OneRtt, MessageKind::Quic(QuicSignal::StatelessReset), &[]),
        QuicEventKind::StreamData { stream_id, offset, fin, data } => {
            (Level::OneRtt, MessageKind::StreamData { stream_id, offset, fin, data }, &[])
        }
        _ => return,
    };
    let message = Message {
        side: event.side,
        frame: event.frame,
        frames,
        record_version: TLS12,
        negotiated: c.negotiated,
        decrypted: level != Level::Initial,
        message_seq: None,
        kind,
    };
    tell(&mut c.view, Event::Message(message), observer);
}
