//! Situations the captures do not all show, built from the RFC 9001 client Initial and
//! 1-RTT packets protected with made-up secrets: a new connection ID and a new client
//! address (migration), a key update, a stateless reset, and packets of connections
//! whose start was not captured.

use std::net::SocketAddr;

use tlsdoctor_quic::packet::protect;
use tlsdoctor_quic::protection::{PacketKeys, QuicSuite};
use tlsdoctor_quic::version::{self, V1};
use tlsdoctor_quic::{PacketStatus, QuicEventKind, QuicSecrets, QuicTracker, TrafficSecret};
use tlsdoctor_tcp::Side;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// RFC 9001 A.2's ClientHello (in a CRYPTO frame); the client's connection ID is empty.
const CLIENT_CRYPTO: &str = "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e86804fe3a47f06a2b69484c
    00000413011302010000c000000010000e00000b6578616d706c652e636f6dff01000100000a00080006001d00170018
    00100007000504616c706e000500050100000000003300260024001d00209370b2c9caa47fbabaf4559fedba753de171
    fa71f50f1ce15d43e994ec74d748002b0003020304000d0010000e0403050306030203080408050806002d0002010100
    1c00024001003900320408ffffffffffffffff05048000ffff07048000ffff0801100104800075300901100f088394c8
    f03e51570806048000ffff";
const CLIENT_RANDOM: &str = "ebf8fa56f12939b9584a3896472ec40bb863cfd3e86804fe3a47f06a2b69484c";

struct Fixed;

impl QuicSecrets for Fixed {
    fn secret(&self, client_random: &[u8; 32], which: TrafficSecret) -> Option<&[u8]> {
        if client_random[..] != hex(CLIENT_RANDOM)[..] {
            return None;
        }
        match which {
            TrafficSecret::ServerApplication0 => Some(&[0x22; 32]),
            TrafficSecret::ClientApplication0 => Some(&[0x33; 32]),
            _ => None,
        }
    }
}

fn one_rtt_keys(secret: u8) -> PacketKeys {
    PacketKeys::from_secret(QuicSuite::Aes128Gcm, version::params(V1).unwrap(), &[secret; 32]).unwrap()
}

/// A short header packet: 2-byte packet number, `phase` the key phase bit.
fn short(dcid: &[u8], pn: u16, phase: bool, payload: &[u8], keys: &PacketKeys) -> Vec<u8> {
    let mut header = vec![0x41 | if phase { 0x04 } else { 0 }];
    header.extend_from_slice(dcid);
    header.extend_from_slice(&pn.to_be_bytes());
    let mut body = payload.to_vec();
    body.resize(body.len().max(20), 0); // PADDING: enough for a header protection sample
    protect(&header, u64::from(pn), &body, keys)
}

#[test]
fn migration_key_update_and_stateless_reset() {
    let client: SocketAddr = "192.0.2.1:50000".parse().unwrap();
    let moved: SocketAddr = "192.0.2.77:61000".parse().unwrap();
    let server: SocketAddr = "198.51.100.1:443".parse().unwrap();
    let (initial, _) = PacketKeys::initial(version::params(V1).unwrap(), &hex("8394c8f03e515708")).unwrap();
    let mut payload = hex(CLIENT_CRYPTO);
    payload.resize(1162, 0);
    let client_initial = protect(&hex("c300000001088394c8f03e5157080000449e00000002"), 2, &payload, &initial);

    let server_keys = one_rtt_keys(0x22);
    // NEW_CONNECTION_ID seq 1, retire 0, 8-byte ID 11.., token 77..; STREAM 3 "hi".
    let mut frames = vec![0x18, 0x01, 0x00, 0x08];
    frames.extend([0x11; 8]);
    frames.extend([0x77; 16]);
    frames.extend([0x0b, 0x03, 0x02, b'h', b'i']);
    let server_1rtt = short(&[], 0, false, &frames, &server_keys);
    let client_keys = one_rtt_keys(0x33);
    let client_from_new_address = short(&[0x11; 8], 0, false, &[0x01], &client_keys);
    let server_after_update = short(&[], 1, true, &[0x01], &server_keys.next_phase().unwrap());
    let mut reset = vec![0x5a];
    reset.extend([0x42; 24]);
    reset.extend([0x77; 16]);

    let mut t = QuicTracker::new();
    let mut seen = Vec::new();
    let secrets = Fixed;
    let mut feed = |t: &mut QuicTracker, src, dst, bytes: &[u8], frame| {
        t.datagram(src, dst, bytes, frame, Some(&secrets), &mut |e| {
            let what = match e.kind {
                QuicEventKind::Packet { typ, status, packet_number, .. } => {
                    format!("{} {packet_number:?} {status:?}", typ.name())
                }
                QuicEventKind::Handshake { typ, .. } => format!("handshake {typ}"),
                QuicEventKind::TransportParameters { .. } => "transport parameters".into(),
                QuicEventKind::StreamData { stream_id, data, .. } => format!("stream {stream_id} {data:?}"),
                QuicEventKind::PathChanged { from, to } => format!("path {from} -> {to}"),
                QuicEventKind::ConnectionOpened { .. } => "opened".into(),
                QuicEventKind::StatelessReset => "stateless reset".into(),
                ref other => format!("{other:?}"),
            };
            seen.push((e.frame, e.connection, e.side, what));
        });
    };
    feed(&mut t, client, server, &client_initial, 1);
    feed(&mut t, server, client, &server_1rtt, 2);
    feed(&mut t, moved, server, &client_from_new_address, 3);
    feed(&mut t, server, moved, &server_after_update, 4);
    feed(&mut t, server, moved, &reset, 5);
    let row = |f, s, w: &str| (f, Some(0), s, w.to_string());
    assert_eq!(
        seen,
        vec![
            row(1, Side::Client, "opened"),
            row(1, Side::Client, "Initial Some(2) Opened"),
            row(1, Side::Client, "handshake 1"),
            row(1, Side::Client, "transport parameters"),
            row(2, Side::Server, "1-RTT Some(0) Opened"),
            row(2, Side::Server, "stream 3 [104, 105]"),
            row(3, Side::Client, "path 192.0.2.1:50000 -> 192.0.2.77:61000"),
            row(3, Side::Client, "1-RTT Some(0) Opened"),
            row(4, Side::Server, "1-RTT Some(1) Opened"),
            row(5, Side::Server, "stateless reset"),
        ]
    );
    assert_eq!(t.connections(), 1);
}

#[test]
fn packets_of_uncaptured_connections_are_reported_once_per_address_pair() {
    let a: SocketAddr = "192.0.2.1:50000".parse().unwrap();
    let b: SocketAddr = "198.51.100.1:443".parse().unwrap();
    let mut t = QuicTracker::new();
    let mut anomalies = Vec::new();
    let mut statuses = Vec::new();
    for frame in 1..=5 {
        let mut packet = vec![0x40];
        packet.extend([frame as u8; 40]);
        t.datagram(a, b, &packet, frame, None, &mut |e| match e.kind {
            QuicEventKind::Anomaly { reason } => anomalies.push((e.frame, e.connection, reason)),
            QuicEventKind::Packet { status, .. } => statuses.push(status),
            _ => {}
        });
    }
    assert_eq!(anomalies.len(), 1, "{anomalies:?}");
    assert_eq!((anomalies[0].0, anomalies[0].1), (1, None));
    assert!(anomalies[0].2.contains("unknown connection"), "{}", anomalies[0].2);
    assert!(statuses.is_empty());
    assert_eq!(t.connections(), 0);
    let _ = PacketStatus::NoKeys;
}

/// Bytes that are not QUIC at all are reported, never a panic; a random long header
/// with a known version but no valid protection opens no connection.
#[test]
fn garbage_is_reported_not_followed() {
    let a: SocketAddr = "192.0.2.1:50000".parse().unwrap();
    let b: SocketAddr = "198.51.100.1:443".parse().unwrap();
    let mut t = QuicTracker::new();
    let mut n = 0;
    let mut long = vec![0xc0, 0, 0, 0, 1, 8];
    long.extend([9; 8]);
    long.extend([0, 0, 0x44, 0xd0]);
    long.resize(1200, 0x5c);
    for bytes in [&[0xc0][..], &[0x80, 0, 0, 0, 1, 30], &long] {
        t.datagram(a, b, bytes, 1, None, &mut |_| n += 1);
    }
    assert_eq!(t.connections(), 0);
    assert!(n >= 2);
}

/// A ClientHello cut by the end of the capture is reported as such by `finish`, naming
/// the connection and the last frame seen; a whole one is not.
#[test]
fn finish_reports_a_cut_handshake_message() {
    let client: SocketAddr = "192.0.2.1:50000".parse().unwrap();
    let server: SocketAddr = "198.51.100.1:443".parse().unwrap();
    let (initial, _) = PacketKeys::initial(version::params(V1).unwrap(), &hex("8394c8f03e515708")).unwrap();
    let hello = hex(CLIENT_CRYPTO);
    // CRYPTO at offset 0 with the first 100 bytes of the ClientHello (after the 4-byte
    // frame header 06 00 40 f1).
    let mut cut = vec![0x06, 0x00, 0x40, 100];
    cut.extend_from_slice(&hello[4..104]);
    cut.resize(1162, 0);
    let mut whole = hello.clone();
    whole.resize(1162, 0);
    for (payload, expected) in [(cut, 1), (whole, 0)] {
        let packet = protect(&hex("c300000001088394c8f03e5157080000449e00000002"), 2, &payload, &initial);
        let mut t = QuicTracker::new();
        t.datagram(client, server, &packet, 7, None, &mut |_| {});
        let mut found = Vec::new();
        t.finish(&mut |e| {
            if let QuicEventKind::Anomaly { reason } = e.kind {
                found.push((e.frame, e.connection, e.side, reason));
            }
        });
        assert_eq!(found.len(), expected, "{found:?}");
        if let Some((frame, conn, side, reason)) = found.first() {
            assert_eq!((*frame, *conn, *side), (7, Some(0), Side::Client));
            assert!(reason.contains("Initial handshake message (100 bytes"), "{reason}");
        }
    }
}

/// RFC 9001 A.3's ServerHello payload (ACK and CRYPTO).
const SERVER_PAYLOAD: &str = "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf73988cfc79825df566d
    c5430b9a045a1200130100002e00330024001d00209d3c940d89690b84d08a60993c144eca684d1081287c834d5311bc
    f32bb9da1a002b00020304";

/// A client's Initial with RFC 9001's ClientHello (padded to 1162 bytes) and the server's
/// Initial with its ServerHello, under the Initial keys of `dcid`.
fn initials(dcid: [u8; 8], scid: [u8; 8], server_cid: [u8; 8]) -> (Vec<u8>, Vec<u8>) {
    let v1 = version::params(V1).unwrap();
    let mut hello = hex(CLIENT_CRYPTO);
    hello.resize(1162, 0);
    let server_payload = hex(SERVER_PAYLOAD);
    let (client_keys, server_keys) = PacketKeys::initial(v1, &dcid).unwrap();
    let mut h = vec![0xc3, 0, 0, 0, 1, 8];
    h.extend(dcid);
    h.push(8);
    h.extend(scid);
    h.extend([0x00, 0x44, 0x9e, 0, 0, 0, 2]);
    let client = protect(&h, 2, &hello, &client_keys);
    let mut h = vec![0xc1, 0, 0, 0, 1, 8];
    h.extend(scid);
    h.push(8);
    h.extend(server_cid);
    let len = 2 + server_payload.len() + 16;
    h.extend([0x00, 0x40 | (len >> 8) as u8, len as u8, 0, 1]); // no token, length, packet number 1
    (client, protect(&h, 1, &server_payload, &server_keys))
}

/// Two connections on one four-tuple, told apart by their connection IDs; the server's
/// answers are interleaved and go to the right one.
#[test]
fn two_connections_on_one_four_tuple() {
    let client: SocketAddr = "192.0.2.1:50000".parse().unwrap();
    let server: SocketAddr = "198.51.100.1:443".parse().unwrap();
    let datagrams = [initials([0xa1; 8], [0xc1; 8], [0x51; 8]), initials([0xa2; 8], [0xc2; 8], [0x52; 8])];
    let mut t = QuicTracker::new();
    let mut seen = Vec::new();
    let order = [(&datagrams[0].0, true), (&datagrams[1].0, true), (&datagrams[1].1, false), (&datagrams[0].1, false)];
    for (frame, (bytes, from_client)) in order.into_iter().enumerate() {
        let (src, dst) = if from_client { (client, server) } else { (server, client) };
        t.datagram(src, dst, bytes, frame as u64 + 1, None, &mut |e| {
            if let QuicEventKind::Handshake { typ, .. } = e.kind {
                seen.push((e.frame, e.connection, e.side, typ));
            }
        });
    }
    assert_eq!(t.connections(), 2);
    assert_eq!(
        seen,
        vec![
            (1, Some(0), Side::Client, 1),
            (2, Some(1), Side::Client, 1),
            (3, Some(1), Side::Server, 2),
            (4, Some(0), Side::Server, 2),
        ]
    );
}

/// Two servers whose connections happen to use the same connection IDs (a load test
/// replaying one connection, or two unrelated hosts): the IDs are only unique at their
/// server, so the connections stay apart, and neither sees the other's client as a
/// migration.
#[test]
fn same_connection_ids_at_two_servers_are_two_connections() {
    let (client_initial, server_initial) = initials([0xa1; 8], [0xc1; 8], [0x51; 8]);

    let pairs: [(SocketAddr, SocketAddr); 2] = [
        ("192.0.2.1:50000".parse().unwrap(), "198.51.100.1:443".parse().unwrap()),
        ("192.0.2.2:40000".parse().unwrap(), "198.51.100.2:443".parse().unwrap()),
    ];
    let order = [(0, true), (1, true), (1, false), (0, false)];
    let mut t = QuicTracker::new();
    let mut seen = Vec::new();
    for (frame, (pair, from_client)) in order.into_iter().enumerate() {
        let (client, server) = pairs[pair];
        let (src, dst, bytes) =
            if from_client { (client, server, &client_initial) } else { (server, client, &server_initial) };
        t.datagram(src, dst, bytes, frame as u64 + 1, None, &mut |e| match e.kind {
            QuicEventKind::Handshake { typ, .. } => {
                seen.push(format!("{} {:?} {:?} {typ}", e.frame, e.connection, e.side))
            }
            QuicEventKind::PathChanged { from, to } => seen.push(format!("{} path {from} -> {to}", e.frame)),
            QuicEventKind::Anomaly { ref reason } => seen.push(format!("{} anomaly {reason}", e.frame)),
            _ => {}
        });
    }
    assert_eq!(t.connections(), 2);
    // With its fixed bit greased (RFC 9287) a packet is still known by its ID, where it goes.
    let mut greased = client_initial.clone();
    greased[0] &= !0x40;
    assert!(t.carries(pairs[1].0, pairs[1].1, &greased));
    assert!(!t.carries(pairs[1].0, "198.51.100.3:443".parse().unwrap(), &greased));
    assert_eq!(
        seen,
        ["1 Some(0) Client 1", "2 Some(1) Client 1", "3 Some(1) Server 2", "4 Some(0) Server 2"].map(String::from)
    );
}

/// A forgotten connection leaves the tracker: it holds the connections still open, not
/// one per connection of the capture. Its packets that come later are of no connection,
/// and the same client Initial again opens a new one, under a new number.
#[test]
fn forgotten_connections_leave_the_tracker() {
    let client: SocketAddr = "192.0.2.1:50000".parse().unwrap();
    let server: SocketAddr = "198.51.100.1:443".parse().unwrap();
    let (client_initial, server_initial) = initials([0xa1; 8], [0xc1; 8], [0x51; 8]);
    let mut t = QuicTracker::new();
    let mut seen = Vec::new();
    let mut feed = |t: &mut QuicTracker, frame: u64, from_client: bool| {
        let (src, dst, bytes) =
            if from_client { (client, server, &client_initial) } else { (server, client, &server_initial) };
        t.datagram(src, dst, bytes, frame, None, &mut |e| match e.kind {
            QuicEventKind::Handshake { typ, .. } => seen.push(format!("{frame} {:?} {typ}", e.connection)),
            QuicEventKind::Anomaly { .. } => seen.push(format!("{frame} anomaly")),
            _ => {}
        });
    };
    feed(&mut t, 1, true);
    feed(&mut t, 2, false);
    assert_eq!((t.connections(), t.held()), (1, 1));
    t.forget(0);
    assert_eq!((t.connections(), t.held()), (1, 0));
    feed(&mut t, 3, false);
    feed(&mut t, 4, true);
    feed(&mut t, 5, false);
    assert_eq!((t.connections(), t.held()), (2, 1));
    assert_eq!(seen, ["1 Some(0) 1", "2 Some(0) 2", "3 anomaly", "4 Some(1) 1", "5 Some(1) 2"]);
}
