//! QUIC over UDP: the connections the QUIC tracker finds (by connection ID) become
//! pipeline connections, and the TLS handshake messages of their CRYPTO frames, and the
//! TLS alerts of their CONNECTION_CLOSE frames, the same events as TLS over TCP.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;

use tlsdoctor_capture::Timestamp;
use tlsdoctor_net::UdpDatagram;
use tlsdoctor_quic::{transport_params, CloseCode, Level, QuicEvent, QuicEventKind, QuicSecrets, QuicTracker};
use tlsdoctor_tcp::{ConnId, RoleEvidence, Side};
use tlsdoctor_tls::stream::{Anomaly, AnomalyKind, Event, Message, MessageKind, Negotiated, QuicSignal};

use crate::decrypt::Keys;
use crate::pipeline::{ConnView, Connection, Observer, Transport};
use crate::udp::tell;

/// The record version QUIC's handshake messages are shown with (TLS 1.3 has no records).
const TLS12: u16 = 0x0303;

struct QuicConnection {
    view: ConnView,
    negotiated: Negotiated,
    /// The version of the client's first Initial.
    version: u32,
}

impl QuicConnection {
    fn new(id: ConnId, client: SocketAddr, server: SocketAddr, frame: u64, now: Timestamp, version: u32) -> Self {
        let conn = Connection {
            id,
            transport: Transport::Quic,
            client,
            server,
            roles: RoleEvidence::Handshake,
            first_frame: frame,
            last_frame: frame,
            first_time: now,
            is_tls: false,
            closed: [None, None],
        };
        let view = ConnView { conn, swapped: false, roles_settled: true };
        QuicConnection { view, negotiated: Negotiated::default(), version }
    }
}

/// The QUIC connections of one capture, by the tracker's number.
#[derive(Default)]
pub(crate) struct QuicConnections {
    tracker: QuicTracker,
    keys: Option<Arc<Keys>>,
    open: HashMap<u64, QuicConnection>,
    /// The address pairs of the connections seen, in either order (see `claims`).
    endpoints: HashSet<(SocketAddr, SocketAddr)>,
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
        let QuicConnections { tracker, keys, open, endpoints, .. } = self;
        let secrets = keys.as_deref().map(|k| &k.keylog as &dyn QuicSecrets);
        tracker.datagram(d.src, d.dst, d.payload, frame, secrets, &mut |event| {
            match event.kind {
                QuicEventKind::ConnectionOpened { client, server, .. } => {
                    endpoints.insert(ordered(client, server));
                }
                QuicEventKind::PathChanged { to, .. } => {
                    let peer = if to == d.src { d.dst } else { d.src };
                    endpoints.insert(ordered(to, peer));
                }
                _ => {}
            }
            take(open, event, now, new_id, observer);
        });
    }

    /// Whether a datagram belongs to a QUIC connection already seen, whatever its first
    /// byte looks like (a greased fixed bit, RFC 9287): by its connection ID, or, for a
    /// zero-length one, by the endpoints.
    pub(crate) fn claims(&self, d: &UdpDatagram<'_>) -> bool {
        !self.endpoints.is_empty()
            && (self.endpoints.contains(&ordered(d.src, d.dst)) || self.tracker.knows_destination(d.payload, d.dst))
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

fn ordered(a: SocketAddr, b: SocketAddr) -> (SocketAddr, SocketAddr) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

fn take(
    open: &mut HashMap<u64, QuicConnection>,
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
        QuicEventKind::TransportParameters { params } => {
            let problems = transport_params::violations(params, event.side == Side::Client);
            if !problems.is_empty() {
                let kind = AnomalyKind::BadTransportParameters { problems };
                tell(&mut c.view, Event::Anomaly(Anomaly { side: event.side, frame: event.frame, kind }), observer);
            }
            return;
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
