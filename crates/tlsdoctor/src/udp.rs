//! The UDP side of the pipeline: each datagram goes to the protocol it looks like, and
//! DTLS associations (a pair of endpoints and the epochs they went through) are kept
//! like TCP connections. QUIC will be dispatched here too, beside DTLS.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;

use tlsdoctor_capture::Timestamp;
use tlsdoctor_dtls::connection::starts_handshake;
use tlsdoctor_dtls::{looks_like_dtls, DtlsConnection};
use tlsdoctor_net::UdpDatagram;
use tlsdoctor_tcp::{ConnId, ConnIdMap, RoleEvidence, Side};
use tlsdoctor_tls::stream::{Event, StreamConfig};

use crate::decrypt::{KeyLogOpener, Keys};
use crate::pipeline::{Config, ConnView, Connection, Observer, Opening, Transport};

/// Associations tracked at once; the oldest is ended to make room.
const MAX_ASSOCIATIONS: usize = 4096;

/// Capture seconds an association stays open after its first alert record (close_notify
/// or a fatal alert; its header is readable without keys): the peer's answer comes
/// within a retransmission timeout or two. Then it ends, and what it held is freed.
const CLOSE_LINGER_SECS: i64 = 3;
/// An alert record's content type.
const ALERT: u8 = 21;

/// What a datagram carries, judged from its first bytes (RFC 7983 demultiplexing:
/// DTLS starts with 20..=63; QUIC packets have the fixed bit 0x40 set, RFC 9443).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UdpKind {
    Dtls,
    Quic,
    Other,
}

pub fn classify(payload: &[u8]) -> UdpKind {
    match payload.first() {
        Some(20..=63) => UdpKind::Dtls,
        Some(b) if b & 0x40 != 0 => UdpKind::Quic,
        _ => UdpKind::Other,
    }
}

struct Association {
    view: ConnView,
    /// An alert record was seen: it is in `closing`.
    closing: bool,
    /// The endpoint whose datagrams the parser calls the client's (before any swap).
    first_client: SocketAddr,
    dtls: DtlsConnection,
}

/// The DTLS associations of one capture.
#[derive(Default)]
pub(crate) struct Associations {
    config: StreamConfig,
    keys: Option<Arc<Keys>>,
    skip_application_data: bool,
    /// Seconds without a datagram after which [`Associations::tick`] ends an association.
    idle_timeout_secs: i64,
    /// The capture second of the last look for idle associations.
    idle_checked: i64,
    /// foldhash, randomly seeded as the TCP directory's: looked up for every datagram.
    by_pair: HashMap<(SocketAddr, SocketAddr), ConnId, foldhash::fast::RandomState>,
    /// By id, with the ids' cheap hash: looked up for every datagram.
    open: ConnIdMap<Box<Association>>,
    /// Ids in the order they opened, for making room.
    order: VecDeque<ConnId>,
    /// Associations that sent an alert, by the capture second it came.
    closing: VecDeque<(i64, ConnId)>,
    /// Associations that carried DTLS, among those that ended.
    pub(crate) ended_with_tls: u64,
}

fn pair(a: SocketAddr, b: SocketAddr) -> (SocketAddr, SocketAddr) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

impl Associations {
    pub(crate) fn new(config: &Config) -> Self {
        Associations {
            config: config.stream.clone(),
            keys: config.keys.clone(),
            skip_application_data: config.skip_application_data,
            idle_timeout_secs: config.flows.idle_timeout_secs,
            ..Default::default()
        }
    }

    /// One datagram of frame `frame`; `new_id` numbers a new association.
    pub(crate) fn datagram(
        &mut self,
        d: &UdpDatagram<'_>,
        frame: u64,
        now: Timestamp,
        new_id: &mut dyn FnMut() -> ConnId,
        observer: &mut dyn Observer,
    ) {
        if classify(d.payload) != UdpKind::Dtls {
            return;
        }
        self.end_closed(now, observer);
        let key = pair(d.src, d.dst);
        if let Some(&id) = self.by_pair.get(&key) {
            let over = self.open.get(&id).is_some_and(|a| a.dtls.keys_changed() && starts_handshake(d.payload));
            if !over {
                return self.feed(id, d, frame, now, observer);
            }
            // The same endpoints start a new handshake: the old association is done.
            self.end(id, observer);
        }
        if !looks_like_dtls(d.payload) {
            return;
        }
        let hello = starts_handshake(d.payload);
        let client_is_src = hello || (d.src.port(), d.src) > (d.dst.port(), d.dst);
        let (client, server) = if client_is_src { (d.src, d.dst) } else { (d.dst, d.src) };
        let roles = if hello { RoleEvidence::Handshake } else { RoleEvidence::PortGuess };
        let id = new_id();
        let conn = Connection::opened(id, Transport::Udp, Opening { client, server, roles }, frame, now);
        let view = ConnView { conn, swapped: false, roles_settled: hello };
        let dtls = match &self.keys {
            Some(keys) => {
                let opener = KeyLogOpener::new(keys.clone(), server, self.skip_application_data);
                DtlsConnection::with_opener(self.config.clone(), Box::new(opener))
            }
            None => DtlsConnection::new(self.config.clone()),
        };
        let association = Association { view, closing: false, first_client: client, dtls };
        self.open.insert(id, Box::new(association));
        self.by_pair.insert(key, id);
        self.order.push_back(id);
        if self.open.len() > MAX_ASSOCIATIONS {
            while let Some(oldest) = self.order.pop_front() {
                if self.open.contains_key(&oldest) {
                    self.end(oldest, observer);
                    break;
                }
            }
        }
        self.feed(id, d, frame, now, observer);
    }

    fn feed(&mut self, id: ConnId, d: &UdpDatagram<'_>, frame: u64, now: Timestamp, observer: &mut dyn Observer) {
        let Some(a) = self.open.get_mut(&id) else { return };
        let side = if d.src == a.first_client { Side::Client } else { Side::Server };
        let Association { view, dtls, closing, .. } = &mut **a;
        view.conn.last_frame = frame;
        view.conn.last_time = now;
        dtls.datagram(side, d.payload, frame, &mut |event| tell(view, event, observer));
        if !*closing && carries_alert(d.payload) {
            *closing = true;
            self.closing.push_back((now.secs, id));
        }
    }

    fn end(&mut self, id: ConnId, observer: &mut dyn Observer) {
        let Some(mut a) = self.open.remove(&id) else { return };
        let Association { view, dtls, .. } = &mut *a;
        dtls.finish(&mut |event| tell(view, event, observer));
        let key = pair(view.conn.client, view.conn.server);
        if self.by_pair.get(&key) == Some(&id) {
            self.by_pair.remove(&key);
        }
        // Ended ids leave `order` lazily: scanning it at each end would cost O(open).
        if self.order.len() > 2 * MAX_ASSOCIATIONS {
            let open = &self.open;
            self.order.retain(|v| open.contains_key(v));
        }
        self.ended_with_tls += u64::from(view.conn.is_tls);
        observer.connection_ended(&view.conn);
    }

    /// Ends the associations whose first alert came more than [`CLOSE_LINGER_SECS`] ago.
    fn end_closed(&mut self, now: Timestamp, observer: &mut dyn Observer) {
        while let Some(&(at, id)) = self.closing.front() {
            if now.secs - at <= CLOSE_LINGER_SECS {
                break;
            }
            self.closing.pop_front();
            self.end(id, observer);
        }
    }

    /// Time passed without a datagram (a live capture): the associations closed long
    /// enough, or silent for longer than the idle timeout, end, in id order.
    pub(crate) fn tick(&mut self, now: Timestamp, observer: &mut dyn Observer) {
        self.end_closed(now, observer);
        if now.secs <= self.idle_checked {
            return;
        }
        self.idle_checked = now.secs;
        let silent = |a: &Association| now.secs.saturating_sub(a.view.conn.last_time.secs) > self.idle_timeout_secs;
        let mut idle: Vec<ConnId> = self.open.iter().filter(|(_, a)| silent(a)).map(|(id, _)| *id).collect();
        idle.sort_unstable_by_key(|id| id.0);
        for id in idle {
            self.end(id, observer);
        }
    }

    /// The end of the capture: every association still open ends, in id order.
    pub(crate) fn finish(&mut self, observer: &mut dyn Observer) {
        let mut ids: Vec<ConnId> = self.open.keys().copied().collect();
        ids.sort_unstable_by_key(|id| id.0);
        for id in ids {
            self.end(id, observer);
        }
        self.order.clear();
        self.closing.clear();
    }
}

/// Whether a datagram holds an alert record (DTLS record headers are never encrypted).
fn carries_alert(mut payload: &[u8]) -> bool {
    while payload.len() >= 13 {
        if payload[0] == ALERT {
            return true;
        }
        let len = usize::from(u16::from_be_bytes([payload[11], payload[12]]));
        payload = payload.get(13 + len..).unwrap_or_default();
    }
    false
}

pub(crate) fn tell(view: &mut ConnView, mut event: Event<'_>, observer: &mut dyn Observer) {
    view.settle_roles(&event);
    event.set_side(view.label(event.side()));
    view.conn.is_tls = true;
    observer.tls(&view.conn, &event);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ct: u8, epoch: u16, seq: u8, body: &[u8]) -> Vec<u8> {
        let mut r = vec![ct, 0xfe, 0xfd];
        r.extend(epoch.to_be_bytes());
        r.extend([0, 0, 0, 0, 0, seq]);
        r.extend((body.len() as u16).to_be_bytes());
        r.extend(body);
        r
    }

    fn client_hello() -> Vec<u8> {
        let mut body = vec![0xfe, 0xfd];
        body.extend([5; 32]);
        body.extend([0, 0, 0, 2, 0xc0, 0x2b, 1, 0]);
        let mut m = vec![1, 0, 0, body.len() as u8, 0, 0, 0, 0, 0, 0, 0, body.len() as u8];
        m.extend(body);
        record(22, 0, 0, &m)
    }

    /// (connection id, client port, events) of each association, as it ended.
    #[derive(Default)]
    struct Ended(Vec<(u32, u16, u64)>, u64);

    impl Observer for Ended {
        fn tls(&mut self, _conn: &Connection, _event: &Event<'_>) {
            self.1 += 1;
        }

        fn connection_ended(&mut self, conn: &Connection) {
            assert_eq!(conn.transport, Transport::Udp);
            self.0.push((conn.id.0, conn.client.port(), std::mem::take(&mut self.1)));
        }
    }

    #[test]
    fn a_new_hello_after_the_keys_changed_opens_a_new_association() {
        let (client, server): (SocketAddr, SocketAddr) =
            ("10.0.0.1:5000".parse().unwrap(), "10.0.0.2:4433".parse().unwrap());
        let mut table = Associations::new(&Config::default());
        let mut seen = Ended::default();
        let mut next = 10;
        let mut id = || {
            next += 1;
            ConnId(next)
        };
        let hello = client_hello();
        let sealed = record(23, 1, 1, &[9; 40]);
        let dns = [0x12, 0x34, 1, 0, 0, 1];
        let steps: [(SocketAddr, SocketAddr, &[u8]); 6] = [
            (client, server, &hello),
            (client, server, &hello), // a retransmission: the same association
            (server, client, &sealed),
            (client, server, &sealed),
            (client, server, &dns),   // not DTLS: ignored
            (client, server, &hello), // keys changed, a new first hello: a new association
        ];
        for (frame, (src, dst, payload)) in steps.into_iter().enumerate() {
            let d = UdpDatagram { src, dst, payload, payload_cut: false };
            table.datagram(&d, frame as u64 + 1, Timestamp::default(), &mut id, &mut seen);
        }
        table.finish(&mut seen);
        // 2 records + hello + retransmission anomaly, 2 sealed records and messages.
        assert_eq!(seen.0, [(11, 5000, 8), (12, 5000, 2)]);
        assert_eq!(table.ended_with_tls, 2);
        assert!(table.by_pair.is_empty() && table.open.is_empty() && table.order.is_empty());
    }

    #[test]
    fn dtls_is_told_from_rtp_and_stun_by_its_first_byte() {
        assert_eq!(classify(&[22, 0xfe, 0xfd]), UdpKind::Dtls);
        assert_eq!(classify(&[0x80, 0x00]), UdpKind::Other, "RTP");
        assert_eq!(classify(&[0xc3, 0, 0, 0, 1]), UdpKind::Quic, "a QUIC long header");
        assert_eq!(classify(&[0x00, 0x01]), UdpKind::Other, "STUN");
        assert_eq!(classify(&[]), UdpKind::Other);
    }
}
