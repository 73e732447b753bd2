//! QUIC over UDP: the connections the QUIC tracker finds (by connection ID) become
//! pipeline connections, and the TLS handshake messages of their CRYPTO frames, and the
//! TLS alerts of their CONNECTION_CLOSE frames, the same events as TLS over TCP.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use tlsdoctor_capture::Timestamp;
use tlsdoctor_net::UdpDatagram;
use tlsdoctor_quic::{CloseCode, Level, QuicEvent, QuicEventKind, QuicSecrets, QuicTracker};
use tlsdoctor_tcp::{ConnId, RoleEvidence, Side};
use tlsdoctor_tls::stream::{Event, Message, MessageKind, Negotiated};

use crate::decrypt::Keys;
use crate::pipeline::{ConnView, Connection, Observer, Transport};
use crate::udp::tell;

/// The record version QUIC's handshake messages are shown with (TLS 1.3 has no records).
const TLS12: u16 = 0x0303;

struct QuicConnection {
    view: ConnView,
    negotiated: Negotiated,
    /// The server sent a handshake message: a Version Negotiation packet is no longer
    /// the end of the client's attempt.
    server_spoke: bool,
}

impl QuicConnection {
    fn new(id: ConnId, client: SocketAddr, server: SocketAddr, frame: u64, now: Timestamp) -> Self {
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
        QuicConnection { view, negotiated: Negotiated::default(), server_spoke: false }
    }
}

/// The QUIC connections of one capture, by the tracker's number.
#[derive(Default)]
pub(crate) struct QuicConnections {
    tracker: QuicTracker,
    keys: Option<Arc<Keys>>,
    open: HashMap<u64, QuicConnection>,
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
        let QuicConnections { tracker, keys, open, ended_with_tls } = self;
        let secrets = keys.as_deref().map(|k| &k.keylog as &dyn QuicSecrets);
        tracker.datagram(d.src, d.dst, d.payload, frame, secrets, &mut |event| {
            take(open, event, now, new_id, observer, ended_with_tls);
        });
    }

    /// Whether a datagram belongs to a QUIC connection already seen, whatever its first
    /// byte looks like (greased fixed bit, RFC 9287).
    pub(crate) fn claims(&self, d: &UdpDatagram<'_>) -> bool {
        self.tracker.knows_destination(d.payload, d.dst)
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
    open: &mut HashMap<u64, QuicConnection>,
    event: QuicEvent<'_>,
    now: Timestamp,
    new_id: &mut dyn FnMut() -> ConnId,
    observer: &mut dyn Observer,
    ended_with_tls: &mut u64,
) {
    let Some(number) = event.connection else { return };
    if let QuicEventKind::ConnectionOpened { client, server, .. } = event.kind {
        open.insert(number, QuicConnection::new(new_id(), client, server, event.frame, now));
        return;
    }
    // Version Negotiation ends the client's attempt; its next Initial, in another
    // version, starts a new one with a new ClientHello (RFC 9000 §6.2): a connection of
    // its own, whose transcript starts there.
    if let (QuicEventKind::VersionNegotiation { .. }, Some(c)) = (&event.kind, open.get(&number)) {
        if !c.server_spoke {
            let (client, server) = (c.view.conn.client, c.view.conn.server);
            let mut ended = open.insert(number, QuicConnection::new(new_id(), client, server, 0, now)).unwrap();
            ended.view.conn.last_frame = ended.view.conn.last_frame.max(event.frame);
            *ended_with_tls += u64::from(ended.view.conn.is_tls);
            observer.connection_ended(&ended.view.conn);
            return;
        }
    }
    let Some(c) = open.get_mut(&number) else { return };
    if c.view.conn.first_frame == 0 {
        // The attempt after a Version Negotiation starts with its first packet.
        (c.view.conn.first_frame, c.view.conn.first_time) = (event.frame, now);
    }
    c.view.conn.last_frame = c.view.conn.last_frame.max(event.frame);
    c.server_spoke |= matches!(event.kind, QuicEventKind::Handshake { .. }) && event.side == Side::Server;
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
