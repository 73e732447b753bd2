//! The real-peer captures of tests/fixtures/quic (make-quic-fixtures.sh: aioquic and
//! ngtcp2 in two network namespaces), with their key logs: handshake messages in the
//! frames tshark 4.0 shows them in, and what each scenario is about.

mod common;

use std::path::PathBuf;

use common::{golden, handshake_rows, repo, track};
use tlsdoctor_keys::{parse_keylog, KeyLog};
use tlsdoctor_quic::{CloseCode, Level, PacketStatus, PacketType, QuicEventKind, QuicSecrets, QuicTracker};
use tlsdoctor_tcp::Side;

const FIXTURES: [&str; 22] = [
    "ngtcp2-client-aioquic-server",
    "aioquic-client-ngtcp2-server",
    "quic-unknown-ca",
    "quic-no-alpn",
    "quic-version-negotiation",
    "quic-0rtt",
    "quic-transport-parameter-error",
    "aioquic-client-quinn-server",
    "ngtcp2-client-quinn-server",
    "quic-client-cert-untrusted-aioquic",
    "quic-client-cert-other-ca-ngtcp2",
    "quic-client-cert-expired-aioquic",
    "quic-client-cert-expired-ngtcp2",
    "quic-client-cert-missing-aioquic",
    "quic-client-cert-missing-ngtcp2",
    "quic-client-key-mismatch",
    "quic-server-cert-expired",
    "quic-name-mismatch",
    "chromium-quinn-server",
    "quic-client-cert-missing-chromium",
    "quic-no-alpn-ngtcp2",
    "quic-untrusted-chromium",
];

fn capture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/quic").join(format!("{name}.pcapng"))
}

fn keylog(name: &str) -> KeyLog {
    let text = std::fs::read(repo().join("tests/fixtures/quic").join(format!("{name}.keylog"))).unwrap();
    let (log, problems) = parse_keylog(&text);
    assert!(problems.is_empty(), "{name}: {problems:?}");
    log
}

#[test]
fn handshake_messages_in_the_frames_tshark_shows() {
    for name in FIXTURES {
        let keys = keylog(name);
        assert_eq!(handshake_rows(&capture(name), Some(&keys)), golden(&format!("{name}.pcapng")), "{name}");
    }
}

/// CONNECTION_CLOSE frames, their codes and TLS alerts as tshark 4.0 shows them.
#[test]
fn connection_closes_as_tshark_shows_them() {
    for name in FIXTURES {
        let keys = keylog(name);
        let expected = common::golden_file(&format!("{name}.pcapng.closes.tsv"));
        assert_eq!(common::close_rows(&capture(name), Some(&keys)), expected, "{name}");
    }
}

/// What a capture shows, summarised.
#[derive(Default, Debug)]
struct Seen {
    connections: usize,
    closes: Vec<(u64, Side, Level, CloseCode)>,
    not_opened: Vec<(u64, PacketType, PacketStatus)>,
    one_rtt_opened: usize,
    path_changes: Vec<(u64, Side)>,
    versions_offered: Vec<u32>,
    anomalies: Vec<String>,
    alpn: Vec<String>,
    stream_bytes: usize,
}

fn see(name: &str, keys: Option<&KeyLog>) -> Seen {
    let mut s = Seen::default();
    track(&capture(name), keys, |e| match &e.kind {
        QuicEventKind::ConnectionOpened { .. } => s.connections += 1,
        QuicEventKind::ConnectionClose { level, code, .. } => s.closes.push((e.frame, e.side, *level, *code)),
        QuicEventKind::Packet { typ, status: PacketStatus::Opened, .. } => {
            s.one_rtt_opened += usize::from(*typ == PacketType::OneRtt)
        }
        QuicEventKind::Packet { typ, status, .. } => s.not_opened.push((e.frame, *typ, status.clone())),
        QuicEventKind::PathChanged { .. } => s.path_changes.push((e.frame, e.side)),
        QuicEventKind::VersionNegotiation { versions } => s.versions_offered.extend(versions.iter()),
        QuicEventKind::Anomaly { reason } => s.anomalies.push(reason.clone()),
        QuicEventKind::Handshake { typ: 1, raw, .. } => {
            let hello = tlsdoctor_quic::hello::parse(raw).unwrap();
            s.alpn.extend(hello.alpn().iter().map(|a| String::from_utf8_lossy(a).into_owned()));
        }
        QuicEventKind::StreamData { data, .. } => s.stream_bytes += data.len(),
        _ => {}
    });
    s
}

#[test]
fn good_handshakes_open_every_packet() {
    let good = ["ngtcp2-client-aioquic-server", "aioquic-client-ngtcp2-server"];
    for name in good.into_iter().chain(["aioquic-client-quinn-server", "ngtcp2-client-quinn-server"]) {
        let s = see(name, Some(&keylog(name)));
        assert_eq!(s.connections, 1, "{name}");
        assert!(s.not_opened.is_empty(), "{name}: {:?}", s.not_opened);
        assert!(s.anomalies.is_empty(), "{name}: {:?}", s.anomalies);
        assert!(s.one_rtt_opened >= 5, "{name}: {}", s.one_rtt_opened);
        assert!(s.stream_bytes > 0, "{name}");
        assert_eq!(s.alpn, vec!["h3"], "{name}");
        // The client ends with an application close; quinn answers it with a transport
        // close of no error (RFC 9000 §10.2.2 allows one).
        let (_, side, level, code) = s.closes[0];
        assert_eq!((side, level), (Side::Client, Level::OneRtt), "{name}");
        assert!(matches!(code, CloseCode::Application(_)), "{name}: {code}");
        assert!(s.closes[1..].iter().all(|c| c.1 == Side::Server && c.3 == CloseCode::Transport(0)), "{name}");
    }
}

/// ngtcp2's client updates its keys (the key phase bit flips to 1) and moves to a new
/// port without path validation: the connection is followed by its connection IDs.
#[test]
fn key_update_and_nat_rebinding() {
    let name = "ngtcp2-client-aioquic-server";
    let s = see(name, Some(&keylog(name)));
    assert_eq!(s.connections, 1);
    assert_eq!(s.path_changes.iter().map(|p| p.1).collect::<Vec<_>>(), vec![Side::Client]);
}

#[test]
fn without_keys_only_initials_open() {
    let name = "aioquic-client-ngtcp2-server";
    let s = see(name, None);
    assert_eq!(s.one_rtt_opened, 0);
    assert!(s.not_opened.iter().all(|(_, t, st)| *t != PacketType::Initial && *st == PacketStatus::NoKeys));
    assert!(!s.not_opened.is_empty());
}

#[test]
fn unknown_ca_closes_with_a_tls_alert() {
    let name = "quic-unknown-ca";
    let s = see(name, Some(&keylog(name)));
    // aioquic: certificate verification failed -> bad_certificate (42), 0x12a.
    assert_eq!(s.closes, vec![(4, Side::Client, Level::Handshake, CloseCode::TlsAlert(42))]);
    assert_eq!(s.closes[0].3.to_string(), "CRYPTO_ERROR bad_certificate (0x12a)");
    // Without keys the close is in a Handshake packet that cannot be read.
    let s = see(name, None);
    assert!(s.closes.is_empty());
    assert!(s.not_opened.contains(&(4, PacketType::Handshake, PacketStatus::NoKeys)));
}

#[test]
fn no_common_alpn_closes_with_no_application_protocol() {
    let name = "quic-no-alpn";
    // The close is in an Initial packet: no keys needed.
    let s = see(name, None);
    assert_eq!(s.alpn, vec!["hq-interop"]);
    assert_eq!(s.closes, vec![(2, Side::Server, Level::Initial, CloseCode::TlsAlert(120))]);
    assert_eq!(s.closes[0].3.code(), 0x178);
}

#[test]
fn version_negotiation() {
    let name = "quic-version-negotiation";
    let s = see(name, None);
    assert_eq!(s.connections, 1);
    assert!(s.versions_offered.contains(&1), "{:?}", s.versions_offered);
    assert!(!s.versions_offered.contains(&0x1a2a_3a4a));
    assert!(s.anomalies.is_empty(), "{:?}", s.anomalies);
}

/// Compatible version negotiation (RFC 9368) to QUIC v2 draft: the client's first
/// Initial is v1, everything the server sends is v2 draft, and 1-RTT packets (which carry
/// no version) open with the negotiated version's labels.
#[test]
fn compatible_version_negotiation_to_v2_draft() {
    let name = "quic-v2draft-compatible";
    let keys = keylog(name);
    let mut versions = Vec::new();
    let mut messages = Vec::new();
    track(&capture(name), Some(&keys), |e| match &e.kind {
        QuicEventKind::Packet { typ, version, status, .. } => {
            assert_eq!(*status, PacketStatus::Opened, "frame {}: {typ:?}", e.frame);
            if *typ != PacketType::OneRtt {
                versions.push((e.side, *version));
            }
        }
        QuicEventKind::Handshake { level, typ, .. } => messages.push((e.side, *level, *typ)),
        QuicEventKind::Anomaly { reason } => panic!("{reason}"),
        _ => {}
    });
    assert_eq!(versions[0], (Side::Client, 1));
    assert!(versions[1..].iter().all(|&(_, v)| v == tlsdoctor_quic::version::V2_DRAFT), "{versions:?}");
    assert_eq!(
        messages,
        vec![
            (Side::Client, Level::Initial, 1),
            (Side::Server, Level::Initial, 2),
            (Side::Server, Level::Handshake, 8),
            (Side::Server, Level::Handshake, 11),
            (Side::Server, Level::Handshake, 15),
            (Side::Server, Level::Handshake, 20),
            (Side::Client, Level::Handshake, 20),
            (Side::Server, Level::OneRtt, 4),
        ]
    );
}

/// The second connection resumes the first's session and sends its HTTP/3 request as
/// 0-RTT data in the ClientHello's datagram: opened with CLIENT_EARLY_TRAFFIC_SECRET
/// (the cipher suite found by trying, as the ServerHello comes later).
#[test]
fn zero_rtt_opens_with_the_early_secret() {
    let name = "quic-0rtt";
    let keys = keylog(name);
    let mut zero_rtt = Vec::new();
    let mut streams_in_0rtt = 0;
    let mut last_typ = None;
    let mut connections = 0;
    track(&capture(name), Some(&keys), |e| match &e.kind {
        QuicEventKind::ConnectionOpened { .. } => connections += 1,
        QuicEventKind::Packet { typ, status, .. } => {
            assert_eq!(*status, PacketStatus::Opened, "frame {}: {typ:?}", e.frame);
            if *typ == PacketType::ZeroRtt {
                zero_rtt.push((e.frame, e.connection, e.side));
            }
            last_typ = Some(*typ);
        }
        QuicEventKind::StreamData { .. } if last_typ == Some(PacketType::ZeroRtt) => streams_in_0rtt += 1,
        QuicEventKind::Anomaly { reason } => panic!("{reason}"),
        _ => {}
    });
    assert_eq!(connections, 2);
    assert_eq!(zero_rtt, vec![(14, Some(1), Side::Client)]);
    assert!(streams_in_0rtt >= 2, "{streams_in_0rtt}");
    // Without keys the 0-RTT packet is reported as such, not as a failure.
    let s = see(name, None);
    assert!(s.not_opened.contains(&(14, PacketType::ZeroRtt, PacketStatus::NoKeys)));
    assert!(s.not_opened.iter().all(|(_, _, st)| *st == PacketStatus::NoKeys));
}

/// The messages are what the TLS layer reads: every one parses with
/// `tlsdoctor_tls::messages::parse_handshake`, as TLS 1.3.
#[test]
fn every_message_parses_as_tls13() {
    use tlsdoctor_tls::messages::{parse_handshake, ParseContext};
    use tlsdoctor_tls::registry::{HandshakeType, ProtocolVersion};
    let mut parsed = 0;
    for name in FIXTURES.iter().chain(&["quic-v2draft-compatible"]) {
        let keys = keylog(name);
        track(&capture(name), Some(&keys), |e| {
            if let QuicEventKind::Handshake { typ, raw, .. } = e.kind {
                let ctx = ParseContext {
                    version: Some(ProtocolVersion(0x0304)),
                    cipher_suite: None,
                    from_server: e.side == Side::Server,
                };
                if let Err(err) = parse_handshake(HandshakeType(typ), &raw[4..], &ctx) {
                    panic!("{name} frame {}: type {typ}: {err}", e.frame);
                }
                parsed += 1;
            }
        });
    }
    assert!(parsed > 40, "{parsed}");
}

/// Every capture here ends between handshake messages: `finish` has nothing to report.
#[test]
fn finish_finds_no_cut_messages() {
    let wireshark = repo().join("tests/data/wireshark/captures/quic-fragmented-handshakes.pcapng.gz");
    let (ws_keys, _) = common::embedded_keylog(&wireshark);
    let mut captures: Vec<(PathBuf, KeyLog)> = FIXTURES.iter().map(|n| (capture(n), keylog(n))).collect();
    captures.push((wireshark, ws_keys));
    for (path, keys) in captures {
        let mut t = track(&path, Some(&keys), |_| {});
        t.finish(&mut |e| panic!("{}: {:?}", path.display(), e.kind));
    }
}

/// quinn and ngtcp2 grease the fixed bit (RFC 9287) once the peer allows it: a datagram
/// whose first byte has it cleared is told to be QUIC by its connection ID, once the
/// connection is known (and not before).
#[test]
fn greased_fixed_bit_is_known_by_its_connection_id() {
    use tlsdoctor_capture::CaptureReader;
    use tlsdoctor_net::{Decoded, Decoder};
    let name = "quic-client-cert-other-ca-ngtcp2";
    let keys = keylog(name);
    let mut reader = CaptureReader::open(&capture(name)).unwrap();
    let mut decoder = Decoder::default();
    let mut tracker = QuicTracker::new();
    let mut greased = Vec::new();
    while let Some(frame) = reader.next_frame().unwrap() {
        let number = frame.number;
        let Ok(Decoded::Udp(d)) = decoder.decode(frame.link_type, frame.data, frame.timestamp) else { continue };
        if d.payload[0] & 0x40 == 0 {
            greased.push(number);
            assert!(tracker.carries(d.src, d.dst, d.payload), "frame {number}");
        }
        tracker.datagram(d.src, d.dst, d.payload, number, Some(&keys as &dyn QuicSecrets), &mut |_| {});
    }
    // The client's Certificate (frame 5) and the server's close (frame 7) among them.
    assert_eq!(greased, [3, 4, 5, 6, 7]);
    // Nothing is known to a tracker that has seen no connection.
    let first = std::fs::read(capture(name)).unwrap();
    let (client, server) = ("10.68.0.1:40000".parse().unwrap(), "10.68.0.2:24443".parse().unwrap());
    assert!(!QuicTracker::new().carries(client, server, &first[first.len() - 64..]));
}

/// aioquic's client offers QUIC v2 first; ngtcp2's server does not know it and answers
/// with Version Negotiation (frame 2); the client starts again in v1 with a new
/// ClientHello (frame 3), from CRYPTO offset 0. tshark 4.0 does not open that Initial
/// ("Decryption (checktag) failed": it keeps the first attempt's keys), so its golden
/// lacks frame 3's ClientHello and, without that client random, the server's encrypted
/// messages of frame 4 and what follows: every row it has is ours, and ours go further.
#[test]
fn version_negotiation_then_a_new_attempt() {
    let name = "quic-version-negotiation-aioquic";
    let keys = keylog(name);
    let ours = handshake_rows(&capture(name), Some(&keys));
    assert_eq!(ours, "1\t1\n3\t1\n4\t2,8,11,15,20\n6\t20\n12\t4\n");
    for row in golden(&format!("{name}.pcapng")).lines() {
        let (frame, types) = row.split_once('\t').unwrap();
        let mine = ours.lines().find_map(|l| l.strip_prefix(&format!("{frame}\t"))).unwrap();
        assert!(mine.starts_with(types), "frame {frame}: tshark {types}, ours {mine}");
    }
    let s = see(name, Some(&keys));
    assert_eq!(s.connections, 1);
    assert!(s.versions_offered.contains(&1) && !s.versions_offered.contains(&0x6b33_43cf), "{:?}", s.versions_offered);
    // Every packet opens but the Version Negotiation, which is not protected.
    assert_eq!(s.not_opened, [(2, PacketType::VersionNegotiation, PacketStatus::NotProtected)]);
    assert!(s.anomalies.is_empty(), "{:?}", s.anomalies);
}
