//! Impaired traffic: real captures with segments reordered, duplicated (whole and
//! partial copies) and dropped. The messages before and after the damage are still
//! found, and the damage is reported where it happened, with what it cost.
//!
//! Each impaired capture is rebuilt in memory from the original frames (same bytes, same
//! link type), and frame numbers are translated back to the original numbering, so the
//! expectations are the unimpaired analysis with the damaged messages taken out.

mod common;

use std::collections::BTreeMap;

use common::*;
use tlsdoctor_tcp::Side;
use tlsdoctor_tls::stream::{AnomalyKind, GapCost};

/// A capture's frames and what the pipeline finds in them unimpaired.
struct Original {
    frames: Vec<OwnedFrame>,
    clean: Vec<Seen>,
}

impl Original {
    fn load(path: &str) -> Original {
        let frames = read_frames(path);
        let rebuilt = rebuild(&frames, &items(&frames));
        let (c, summary) = observe(rebuilt.bytes, Some(rebuilt.origin));
        assert_eq!(summary.tcp.gaps, 0, "{path}: the original capture is complete");
        assert!(c.anomalies().is_empty(), "{path}: {:?}", c.anomalies());
        Original { frames, clean: c.seen }
    }

    fn frame(&self, n: u64) -> &OwnedFrame {
        &self.frames[(n - 1) as usize]
    }

    fn payload_len(&self, n: u64) -> u64 {
        self.frame(n).payload().len() as u64
    }

    /// Runs the capture made of `items` through the pipeline, in original frame numbers.
    fn run(&self, items: &[Item]) -> (Collector, tlsdoctor::pipeline::InputSummary) {
        let rebuilt = rebuild(&self.frames, items);
        observe(rebuilt.bytes, Some(rebuilt.origin))
    }

    /// The clean messages without those `lost` picks out.
    fn clean_without(&self, lost: impl Fn(&Seen) -> bool) -> Vec<Seen> {
        self.clean.iter().filter(|s| !lost(s)).cloned().collect()
    }
}

/// The original frames with `n` left out.
fn dropping(frames: &[OwnedFrame], n: u64) -> Vec<Item> {
    items(frames).into_iter().filter(|i| !matches!(i, Item::Orig(m) if *m == n)).collect()
}

fn is(s: &Seen, side: Side, what: What, frame: u64) -> bool {
    s.side == side && s.what == what && s.frame == frame
}

fn anomaly(conn: u32, frame: u64, side: Side, kind: AnomalyKind) -> Seen {
    Seen { conn, frame, side, what: What::Anomaly(kind), frames: Vec::new() }
}

fn gap(missing: u64, cost: GapCost) -> AnomalyKind {
    AnomalyKind::Gap { missing, cost }
}

/// Record boundaries of a byte run that starts at a record header: (start, end) of each
/// complete record.
fn records(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut p = 0;
    while p + 5 <= bytes.len() {
        let end = p + 5 + usize::from(u16::from_be_bytes([bytes[p + 3], bytes[p + 4]]));
        if end > bytes.len() {
            break;
        }
        out.push((p, end));
        p = end;
    }
    out
}

const LARGE_CHAIN: &str = "tls12-mtls-large-chain.pcapng";

#[test]
fn large_chain_fixture_is_as_described() {
    // The frames the tests below impair: the client Certificate (3748 bytes) spans
    // frames 10, 11 and 13; the server's first flight frames 6 and 8.
    let o = Original::load(&fixture(LARGE_CHAIN));
    let hs = |side: Side| -> Vec<(u64, u8)> {
        o.clean
            .iter()
            .filter(|s| s.side == side)
            .filter_map(|s| match s.what {
                What::Handshake(t) => Some((s.frame, t)),
                _ => None,
            })
            .collect()
    };
    assert_eq!(hs(Side::Client), [(4, 1), (13, 11), (13, 16), (13, 15)]);
    assert_eq!(hs(Side::Server), [(6, 2), (8, 11), (8, 12), (8, 13), (8, 14), (16, 4)]);
    let cert = o.clean.iter().find(|s| is(s, Side::Client, What::Handshake(11), 13)).unwrap();
    assert_eq!(cert.frames, [10, 11, 13]);
    assert_eq!(o.frame(10).tcp().src_port, o.frame(11).tcp().src_port);
}

// (a) Reordering.

#[test]
fn swapped_segments_of_a_message_change_nothing() {
    let o = Original::load(&fixture(LARGE_CHAIN));
    let mut items = items(&o.frames);
    items.swap(9, 10); // frames 11 and 10 of the client Certificate
    let (c, summary) = o.run(&items);
    assert_eq!(c.seen, o.clean);
    assert_eq!(summary.tcp.out_of_order_segments, 1);
    assert_eq!(summary.tcp.gaps, 0);
}

#[test]
fn swapped_last_segments_complete_the_record_in_the_later_frame() {
    let o = Original::load(&wireshark_capture("tls12-chacha20poly1305.pcap"));
    let mut items = items(&o.frames);
    items.swap(6, 7); // frames 8 and 7: the last two segments of a 4256-byte record
    let (c, summary) = o.run(&items);
    // Frame 7 now arrives last and completes the record; its bytes still come from 6, 7, 8.
    let record = What::Encrypted { content_type: 23, length: 4256 };
    let expected: Vec<Seen> = o
        .clean
        .iter()
        .map(|s| {
            let mut s = s.clone();
            if is(&s, Side::Server, record.clone(), 8) {
                s.frame = 7;
                assert_eq!(s.frames, [6, 7, 8]);
            }
            s
        })
        .collect();
    assert_ne!(expected, o.clean);
    assert_eq!(c.seen, expected);
    assert_eq!(summary.tcp.out_of_order_segments, 1);
}

// (b) Duplicates: retransmissions, whole and partial.

#[test]
fn retransmitted_and_overlapping_copies_change_nothing() {
    let o = Original::load(&fixture(LARGE_CHAIN));
    let (f10, f11, f13, f16) = (o.frame(10), o.frame(11), o.frame(13), o.frame(16));
    // A segment made of the end of frame 10 and the start of frame 11 (a repacketised
    // retransmission).
    let mut coalesced = f10.payload()[1000..].to_vec();
    coalesced.extend_from_slice(&f11.payload()[..500]);
    let coalesced = f10.with_segment(f10.tcp().seq.wrapping_add(1000), &coalesced);
    let mut items = items(&o.frames);
    let edits = [
        // Frame 10 seen again after the ACK of frame 12.
        (13, Item::Orig(10)),
        // The repacketised copy, after frame 11: every byte of it already seen.
        (12, Item::Made { origin: 10, data: coalesced }),
        // The start of frame 13 ahead of it: frame 13 then overlaps it partly.
        (13, Item::Made { origin: 13, data: f13.trimmed(0..600) }),
        // The middle of frame 16 ahead of it, out of order: frame 16 covers it.
        (16, Item::Made { origin: 16, data: f16.trimmed(100..1000) }),
    ];
    // Insert from the back so the positions stay those of the original list.
    let mut edits = edits.to_vec();
    edits.sort_by_key(|(before, _)| std::cmp::Reverse(*before));
    for (before, item) in edits {
        items.insert((before - 1) as usize, item);
    }
    let (c, summary) = o.run(&items);
    assert_eq!(c.seen, o.clean);
    assert_eq!(summary.tcp.gaps, 0);
    // Frame 10 again, the repacketised copy, and frame 13 (600 bytes already seen);
    // the middle of 16 was held out of order and then found redundant.
    assert_eq!(summary.tcp.retransmitted_segments, 3);
    assert_eq!(summary.tcp.out_of_order_segments, 1);
}

// (c) A gap inside an application-data record costs nothing.

#[test]
fn gap_inside_an_application_data_record_costs_nothing() {
    let o = Original::load(&wireshark_capture("tls12-chacha20poly1305.pcap"));
    let (c, summary) = o.run(&dropping(&o.frames, 7));
    // The hole becomes certain when the client's alert (frame 9) acknowledges past it;
    // the record, skipped by length anyway, completes then.
    let record = What::Encrypted { content_type: 23, length: 4256 };
    let mut expected: Vec<Seen> = Vec::new();
    for s in &o.clean {
        if is(s, Side::Server, record.clone(), 8) {
            expected.push(anomaly(1, 9, Side::Server, gap(o.payload_len(7), GapCost::Nothing)));
            expected.push(Seen { frame: 9, frames: vec![6, 8], ..s.clone() });
        } else {
            expected.push(s.clone());
        }
    }
    assert_eq!(c.seen, expected);
    assert_eq!((summary.tcp.gaps, summary.tcp.missing_bytes), (1, o.payload_len(7)));
    assert_eq!(summary.tls_connections, 7);
}

// (d) A gap over a record boundary costs the sync, which is found again.

#[test]
fn gap_over_a_record_boundary_loses_sync_until_the_next_records() {
    let o = Original::load(&fixture(LARGE_CHAIN));
    // Frame 6 holds the ServerHello and the start of the server Certificate record;
    // frame 8 its end, then ServerKeyExchange, CertificateRequest, ServerHelloDone.
    let (c, summary) = o.run(&dropping(&o.frames, 6));
    let mut stream = o.frame(6).payload().to_vec();
    stream.extend_from_slice(o.frame(8).payload());
    let boundaries = records(&stream);
    assert_eq!(boundaries.len(), 5);
    let certificate_end = boundaries[1].1 as u64;
    let skipped = certificate_end - o.payload_len(6);
    assert_eq!(skipped, 408);
    let expected =
        o.clean_without(|s| is(s, Side::Server, What::Handshake(2), 6) || is(s, Side::Server, What::Handshake(11), 8));
    assert_eq!(c.messages(), expected);
    assert_eq!(
        c.anomalies(),
        [
            // The client's ACK (frame 7) passed the hole before anything after it was
            // seen; frame 8 makes it a gap.
            anomaly(1, 8, Side::Server, gap(o.payload_len(6), GapCost::Sync)),
            anomaly(1, 8, Side::Server, AnomalyKind::Resynchronised { skipped }),
        ]
    );
    assert_eq!(summary.tcp.gaps, 1);
}

#[test]
fn gap_of_a_whole_record_loses_only_that_record() {
    let o = Original::load(&fixture("tls13-rsa.pcapng"));
    // Frames 11 and 12 each hold one 250-byte encrypted record of the server.
    let (c, _) = o.run(&dropping(&o.frames, 11));
    let record = What::Encrypted { content_type: 23, length: 250 };
    let mut expected: Vec<Seen> = Vec::new();
    let mut late = None;
    for s in &o.clean {
        if is(s, Side::Server, record.clone(), 11) {
            // Frame 12 waits behind the hole until the client's ACK in frame 13.
            expected.push(anomaly(1, 13, Side::Server, gap(o.payload_len(11), GapCost::Sync)));
        } else if is(s, Side::Server, record.clone(), 12) {
            // Its header is a boundary only once the next header confirms it (frame 15):
            // it is reported then, after the client's record of frame 14, as completed
            // in frame 13, where its bytes became in-order.
            late = Some(Seen { frame: 13, ..s.clone() });
        } else {
            expected.push(s.clone());
            if is(s, Side::Client, What::Encrypted { content_type: 23, length: 62 }, 14) {
                expected.push(late.take().expect("frame 12's record"));
            }
        }
    }
    assert_eq!(c.seen, expected);
}

// (e) A gap inside the client Certificate: that message is lost and reported.

#[test]
fn gap_inside_the_client_certificate_loses_that_message_only() {
    let o = Original::load(&fixture(LARGE_CHAIN));
    let (c, summary) = o.run(&dropping(&o.frames, 11));
    let expected = o.clean_without(|s| is(s, Side::Client, What::Handshake(11), 13));
    assert_eq!(c.messages(), expected);
    // The server's ACK in frame 12 passes the hole, but nothing after it was seen yet:
    // frame 13 makes it a gap. The record is being read, so it is lost, not the sync.
    assert_eq!(c.anomalies(), [anomaly(1, 13, Side::Client, gap(o.payload_len(11), GapCost::Record))]);
    // What follows the Certificate in the same flight and after it is all there.
    let after: Vec<What> = c.messages().iter().filter(|s| s.frame >= 13).map(|s| s.what.clone()).collect();
    assert_eq!(
        after[..4],
        [What::Handshake(16), What::Handshake(15), What::Ccs, What::Encrypted { content_type: 22, length: 40 }]
    );
    assert_eq!(summary.tcp.missing_bytes, o.payload_len(11));
}

#[test]
/// Regression: the ClientHello's record version (0x0301) once was the only one a client
/// stream resynchronised on, so its 0x0303 records were never found again.
fn gap_at_the_start_of_the_client_certificate_loses_sync_until_the_next_record() {
    let o = Original::load(&fixture(LARGE_CHAIN));
    let (c, _) = o.run(&dropping(&o.frames, 10));
    let mut stream = o.frame(10).payload().to_vec();
    stream.extend_from_slice(o.frame(11).payload());
    stream.extend_from_slice(o.frame(13).payload());
    let certificate_end = records(&stream)[0].1 as u64;
    let skipped = certificate_end - o.payload_len(10);
    let expected = o.clean_without(|s| is(s, Side::Client, What::Handshake(11), 13));
    assert_eq!(c.messages(), expected);
    assert_eq!(
        c.anomalies(),
        [
            // Frame 11 waits behind the hole until the server's ACK in frame 12.
            anomaly(1, 12, Side::Client, gap(o.payload_len(10), GapCost::Sync)),
            anomaly(1, 13, Side::Client, AnomalyKind::Resynchronised { skipped }),
        ]
    );
}

// A bigger capture from the project's generator (crates/benchgen), with retransmissions,
// reordering and drops.

/// One connection of the generator's manifest.
#[derive(Debug)]
struct Planned {
    client: String,
    retransmitted: u64,
    reordered: u64,
    dropped: u64,
}

fn read_manifest(text: &str) -> Vec<Planned> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("manifest header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no column {name}"));
    let (client, retrans, reorder, drop) = (col("client"), col("retrans"), col("reorder"), col("drop"));
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Planned {
                client: f[client].to_string(),
                retransmitted: f[retrans].parse().unwrap(),
                reordered: f[reorder].parse().unwrap(),
                dropped: f[drop].parse().unwrap(),
            }
        })
        .collect()
}

#[test]
fn generated_impaired_capture_keeps_every_connection() {
    let seed =
        tlsdoctor_benchgen::Seed::open(&tlsdoctor_benchgen::default_seed_capture()).expect("the repository's seed");
    let rates = tlsdoctor_benchgen::ImpairmentRates { retransmit: 0.05, reorder: 0.05, drop: 0.001 };
    let options = tlsdoctor_benchgen::Options {
        target_size: tlsdoctor_benchgen::parse_size("4M").unwrap(),
        impairments: Some(rates),
        random_seed: 1,
        ..Default::default()
    };
    let mut bytes = Vec::new();
    let generated = tlsdoctor_benchgen::generate(&seed, &options, &mut bytes).expect("generator runs");
    let mut manifest = Vec::new();
    tlsdoctor_benchgen::write_manifest(&generated.rows, &mut manifest).unwrap();
    let planned = read_manifest(&String::from_utf8(manifest).unwrap());
    assert!(planned.len() >= 5, "{planned:?}");
    assert!(planned.iter().any(|p| p.retransmitted > 0) && planned.iter().any(|p| p.reordered > 0));

    let (c, summary) = observe(bytes, None);
    assert_eq!(summary.tls_connections, planned.len() as u64);
    assert_eq!(summary.tcp.connections, planned.len() as u64);
    assert_eq!(summary.undecodable_frames, 0);
    assert!(summary.tcp.retransmitted_segments > 0 && summary.tcp.out_of_order_segments > 0);
    let dropped: u64 = planned.iter().map(|p| p.dropped).sum();
    assert!(summary.tcp.gaps <= dropped, "{:?}, {dropped} dropped", summary.tcp);

    let by_client: BTreeMap<String, u32> = c.clients.iter().map(|(id, addr)| (addr.to_string(), *id)).collect();
    let mut hellos = 0;
    for p in &planned {
        let id = *by_client.get(&p.client).unwrap_or_else(|| panic!("{p:?} not seen as TLS"));
        let of_conn: Vec<&Seen> = c.seen.iter().filter(|s| s.conn == id).collect();
        let n = of_conn.iter().filter(|s| s.side == Side::Client && s.what == What::Handshake(1)).count();
        hellos += n;
        let anomalies: Vec<&&Seen> = of_conn.iter().filter(|s| matches!(s.what, What::Anomaly(_))).collect();
        if p.dropped == 0 {
            // Retransmissions and reordering alone cost nothing.
            assert_eq!(n, 1, "{p:?}");
            assert!(anomalies.is_empty(), "{p:?}: {anomalies:?}");
            assert!(of_conn.iter().any(|s| s.side == Side::Server && s.what == What::Handshake(2)), "{p:?}");
        } else {
            // A dropped segment may have held the ClientHello.
            assert!(n <= 1, "{p:?}");
        }
    }
    let may_miss = planned.iter().filter(|p| p.dropped > 0).count();
    assert!(hellos + may_miss >= planned.len() && hellos <= planned.len(), "{hellos} ClientHellos");
}

/// A reset that overtook the bytes its sender sent before it (reordered on the path): the
/// peer's TCP ignores it until those bytes come (RFC 5961), and so does the analysis.
/// gnutls-serv's decrypt_error alert (frame 9), FIN (10) and RST (11), with the RST first.
#[test]
fn a_reset_that_overtook_the_alert_before_it_does_not_hide_the_alert() {
    let original = Original::load(&fixture("diagnose/gnutls-cv-corrupt.pcapng"));
    let mut reordered = items(&original.frames);
    let rst = reordered.remove(10);
    assert!(matches!(rst, Item::Orig(11)));
    reordered.insert(8, rst);
    let (c, summary) = original.run(&reordered);
    assert_eq!(summary.tcp.gaps, 0);
    let alert = c.seen.iter().find(|s| matches!(s.what, What::Alert(..))).expect("the alert is read");
    assert_eq!((alert.side, alert.what.clone(), alert.frame), (Side::Server, What::Alert(2, 51), 9));

    let rebuilt = rebuild(&original.frames, &reordered);
    let path = std::env::temp_dir().join(format!("tlsdoctor-reset-first-{}.pcap", std::process::id()));
    std::fs::write(&path, &rebuilt.bytes).unwrap();
    let reports = tlsdoctor::diagnose::diagnose_capture(&path, &Default::default(), &Default::default()).unwrap();
    std::fs::remove_file(&path).unwrap();
    let r = &reports[0];
    let alert = r.alert.as_ref().expect("the report names the alert");
    // Frame 10 of the rebuilt capture is the original frame 9.
    assert_eq!((alert.sender, alert.description.as_deref(), alert.frame), ("server", Some("decrypt_error"), 10));
}
