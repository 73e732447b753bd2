//! The generator over the repository's seed: deterministic, well-formed, faithful to
//! the templates, within its size, and impaired only where the manifest says.

mod support;

use std::collections::HashMap;

use support::*;
use tlsdoctor_benchgen::{
    write_manifest, Flow, ImpairmentRates, Impairments, ManifestRow, Options, OutputFormat, TcpEvent, MSS,
};
use tlsdoctor_capture::{CaptureReader, DecryptionSecrets, LinkType};

const SIZE: u64 = 4 << 20;

fn options(seed: u64) -> Options {
    Options { target_size: SIZE, random_seed: seed, ..Options::default() }
}

fn impaired(seed: u64) -> Options {
    let rates = ImpairmentRates { retransmit: 0.05, reorder: 0.05, drop: 0.01 };
    Options { impairments: Some(rates), ..options(seed) }
}

#[test]
fn same_options_same_bytes_other_seed_other_bytes() {
    let (a, ga) = generate_bytes(seed(), &options(1));
    let (b, gb) = generate_bytes(seed(), &options(1));
    assert!(a == b, "two runs differ");
    assert_eq!(ga, gb);
    let (c, _) = generate_bytes(seed(), &options(2));
    assert!(a != c, "another seed gives the same capture");
    let (d, _) = generate_bytes(seed(), &impaired(1));
    let (e, _) = generate_bytes(seed(), &impaired(1));
    assert!(d == e, "two impaired runs differ");
}

#[test]
fn output_stays_under_the_target_and_ends_close_to_it() {
    for target in [1 << 20, SIZE, 9_000_000] {
        let (bytes, g) = generate_bytes(seed(), &Options { target_size: target, ..options(3) });
        assert_eq!(bytes.len() as u64, g.bytes);
        assert!(g.bytes <= target, "{} > {target}", g.bytes);
        // The largest seed connection is ~2.2 MB on the wire: the file ends within it.
        assert!(g.bytes + 2_400_000 > target, "{} bytes for {target}", g.bytes);
    }
}

#[test]
fn capture_reads_back_in_time_order_from_the_seed_start() {
    let (bytes, g) = generate_bytes(seed(), &options(1));
    let frames = frames(&bytes);
    assert_eq!(frames.len() as u64, g.frames);
    assert!(frames.iter().all(|f| f.link_type == LinkType::ETHERNET));
    assert!(frames.windows(2).all(|w| w[0].timestamp <= w[1].timestamp), "frames out of time order");
    let first = frames[0].timestamp;
    let seed_first = seed().first_timestamp;
    assert_eq!(first.secs, seed_first.secs);
    assert_eq!(first.nanos / 1000, (seed_first.nanos + 500) / 1000);
    let longest = frames.iter().map(|f| f.data.len()).max().unwrap();
    assert_eq!(longest, 14 + 20 + 20 + MSS, "full-size frames are 1514 bytes");
}

#[test]
fn every_frame_has_valid_ipv4_and_tcp_checksums() {
    for opts in [options(1), impaired(4)] {
        let (bytes, _) = generate_bytes(seed(), &opts);
        for f in frames(&bytes) {
            assert_eq!(assert_checksums_valid(&f.data), 6, "frame {} is TCP", f.number);
        }
    }
}

#[test]
fn one_manifest_row_per_syn_and_first_frames_are_the_syns() {
    let (bytes, g) = generate_bytes(seed(), &options(1));
    let segments = tcp_segments(&frames(&bytes));
    let syns: Vec<&Segment> = segments.iter().filter(|s| s.syn && !s.ack_flag).collect();
    assert_eq!(g.rows.len(), syns.len());
    assert!(g.rows.len() >= 10, "{} connections", g.rows.len());
    let syn_by_frame: HashMap<u64, &Segment> = syns.iter().map(|s| (s.frame, *s)).collect();
    for row in &g.rows {
        let syn = syn_by_frame.get(&row.first_frame).unwrap_or_else(|| panic!("{row:?}: no SYN there"));
        assert_eq!(syn.src, row.client.into());
        assert_eq!(syn.dst, row.server.into());
        assert_eq!(row.server.port(), 443);
        assert_eq!(row.client.ip().octets()[0], 10);
        assert_eq!(row.transport, "tcp");
        assert_eq!(Some(row.label.as_str()), seed().templates[row.template].label.as_deref());
    }
    let clients: std::collections::HashSet<_> = g.rows.iter().map(|r| r.client).collect();
    assert_eq!(clients.len(), g.rows.len(), "client address:port pairs are distinct");
}

/// Connections whose data a test compares with their template.
fn assert_streams_match_templates(rows: &[ManifestRow], bytes: &[u8]) -> usize {
    let conns = connections(&tcp_segments(&frames(bytes)));
    let mut compared = 0;
    for row in rows.iter().filter(|r| r.impairments.dropped == 0) {
        let Flow::Tcp(template) = &seed().templates[row.template].flow else { panic!("TCP seed") };
        let dirs = &conns[&row.client.into()];
        for (side, dir) in dirs.iter().enumerate() {
            let (stream, holes) = dir.reassemble();
            assert!(holes.is_empty(), "{row:?}");
            assert!(stream == template.streams[side], "{row:?}: side {side} differs from its template");
        }
        compared += 1;
    }
    compared
}

#[test]
fn replicas_carry_their_templates_bytes() {
    let (bytes, g) = generate_bytes(seed(), &options(1));
    assert_eq!(assert_streams_match_templates(&g.rows, &bytes), g.rows.len());
    // Without impairments the payloads are in order, never repeated.
    let conns = connections(&tcp_segments(&frames(&bytes)));
    assert!(conns.values().flatten().all(|d| d.retransmitted == 0 && d.reordered == 0));
}

#[test]
fn impairments_seen_in_the_capture_match_the_manifest() {
    let (bytes, g) = generate_bytes(seed(), &impaired(1));
    let conns = connections(&tcp_segments(&frames(&bytes)));
    let mut total = Impairments::default();
    for row in &g.rows {
        let Flow::Tcp(template) = &seed().templates[row.template].flow else { panic!("TCP seed") };
        let dirs = &conns[&row.client.into()];
        // Every segment start of every flight: those absent were dropped.
        let mut missing = 0;
        for step in &template.steps {
            if let TcpEvent::Data { start, end } = step.event {
                let pieces = &dirs[step.sender.index()].pieces;
                missing += (start..end).step_by(MSS).filter(|o| !pieces.contains_key(o)).count() as u64;
            }
        }
        let seen = Impairments {
            retransmitted: dirs[0].retransmitted + dirs[1].retransmitted,
            reordered: dirs[0].reordered + dirs[1].reordered,
            dropped: missing,
        };
        assert_eq!(seen, row.impairments, "{row:?}");
        total += seen;
    }
    assert_eq!(total, g.impairments);
    assert!(total.retransmitted > 10 && total.reordered > 10 && total.dropped > 0, "{total:?}");
    // The connections without a drop still carry their templates' bytes.
    assert!(assert_streams_match_templates(&g.rows, &bytes) > 0);
}

#[test]
fn impairing_keeps_the_same_connections() {
    let larger = |o: Options| Options { target_size: 12 << 20, ..o };
    let (_, plain) = generate_bytes(seed(), &larger(options(6)));
    let (_, hurt) = generate_bytes(seed(), &larger(impaired(6)));
    let who = |r: &ManifestRow| (r.client, r.server, r.start_ns, r.template);
    let common = plain.rows.len().min(hurt.rows.len());
    assert!(common >= 10, "{common} connections");
    // Impaired replicas are bigger (5% of their segments sent again), so fewer of them
    // fit: a few, or a twentieth of the connections when there are many.
    let slack = (plain.rows.len() / 20).max(3);
    assert!(plain.rows.len().abs_diff(hurt.rows.len()) <= slack, "{} vs {}", plain.rows.len(), hurt.rows.len());
    let same = plain.rows[..common].iter().zip(&hurt.rows[..common]).all(|(a, b)| who(a) == who(b));
    assert!(same, "the impaired run chose other connections");
    assert!(plain.rows.iter().all(|r| r.impairments == Impairments::default()));
    assert!(hurt.rows.iter().any(|r| r.impairments != Impairments::default()));
}

#[test]
fn pcapng_embeds_the_key_log() {
    let opts = Options { format: OutputFormat::Pcapng, embed_keylog: true, ..options(1) };
    let (bytes, g) = generate_bytes(seed(), &opts);
    assert_eq!(&bytes[..4], &[0x0a, 0x0d, 0x0d, 0x0a]);
    let mut reader = CaptureReader::from_reader(Box::new(std::io::Cursor::new(bytes.clone())), "ng").unwrap();
    let mut n = 0;
    while reader.next_frame().unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, g.frames);
    let secrets = reader.decryption_secrets();
    assert_eq!(secrets.len(), 1);
    assert_eq!(secrets[0].secrets_type, DecryptionSecrets::TLS_KEY_LOG);
    let keylog = seed().keylog.as_ref().expect("seed.keylog");
    assert_eq!(&secrets[0].data, keylog);
    let text = String::from_utf8(keylog.clone()).unwrap();
    assert!(!text.lines().any(|l| l.starts_with('#') || l.is_empty()));
    assert!(text.lines().count() >= 40);
    // The same connections as the pcap of the same seed.
    let (_, pcap) = generate_bytes(seed(), &options(1));
    let who = |r: &ManifestRow| (r.client, r.start_ns, r.template);
    assert_eq!(g.rows.iter().map(who).collect::<Vec<_>>(), pcap.rows.iter().map(who).collect::<Vec<_>>());
}

#[test]
fn manifest_has_the_documented_columns() {
    let (_, g) = generate_bytes(seed(), &options(1));
    let mut tsv = Vec::new();
    write_manifest(&g.rows, &mut tsv).unwrap();
    let text = String::from_utf8(tsv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    for column in ["first_frame", "client", "server", "start", "template", "label", "retrans", "reorder", "drop"] {
        assert!(header.contains(&column), "{column} missing from {header:?}");
    }
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), g.rows.len());
    let first = &rows[0];
    assert_eq!(first[0], "1");
    assert_eq!(first[1], g.rows[0].client.to_string());
    assert!(first[3].starts_with(&seed().first_timestamp.secs.to_string()), "{first:?}");
    assert!(rows.iter().all(|r| r.len() == header.len()));
}
