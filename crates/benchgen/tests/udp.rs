//! UDP seeds: each flow becomes a template whose datagrams replicas replay verbatim, in
//! order, with the seed's relative timing.

mod support;

use std::io::Cursor;
use std::net::SocketAddr;

use support::*;
use tlsdoctor_benchgen::{generate, Flow, Labels, Options, Seed, Side};
use tlsdoctor_capture::CaptureReader;
use tlsdoctor_net::{Decoded, Decoder};

const CLIENT: &str = "192.0.2.1:50000";
const SERVER: &str = "192.0.2.2:4433";

/// A pcap of one UDP flow: (client sends?, microseconds, payload).
fn udp_seed_capture(datagrams: &[(bool, u32, Vec<u8>)]) -> Vec<u8> {
    let (c, s): (SocketAddr, SocketAddr) = (CLIENT.parse().unwrap(), SERVER.parse().unwrap());
    let records: Vec<(u32, Vec<u8>)> = datagrams
        .iter()
        .map(|(from_client, micros, payload)| {
            let (src, dst) = if *from_client { (c, s) } else { (s, c) };
            (*micros, udp_frame(src, dst, payload))
        })
        .collect();
    pcap(&records)
}

fn flight() -> Vec<(bool, u32, Vec<u8>)> {
    vec![
        (true, 0, vec![0x16; 1200]),
        (false, 20_000, vec![0x16; 900]),
        (false, 20_100, vec![0x17; 333]),
        (true, 45_000, vec![0x17; 77]),
        (false, 60_000, vec![0x15; 31]),
    ]
}

fn udp_seed() -> Seed {
    let bytes = udp_seed_capture(&flight());
    let reader = CaptureReader::from_reader(Box::new(Cursor::new(bytes)), "udp-seed").unwrap();
    let labels: Labels = [(CLIENT.parse().unwrap(), "dtls-test".to_string())].into_iter().collect();
    Seed::read(reader, &labels).expect("a UDP flow is a template")
}

#[test]
fn a_udp_flow_becomes_a_template() {
    let seed = udp_seed();
    assert_eq!(seed.templates.len(), 1);
    let t = &seed.templates[0];
    assert_eq!(t.label.as_deref(), Some("dtls-test"));
    assert_eq!(t.client, CLIENT.parse().unwrap());
    assert_eq!(t.transport(), "udp");
    assert_eq!(t.flights(), "u>1200 u<900 u<333 u>77 u<31");
    let Flow::Udp(flow) = &t.flow else { panic!() };
    assert!((flow.datagrams[3].at - 0.045).abs() < 1e-9);
    assert_eq!(flow.datagrams[1].sender, Side::Server);
}

#[test]
fn udp_replicas_replay_the_datagrams_verbatim() {
    let seed = udp_seed();
    let mut out = Vec::new();
    let g = generate(&seed, &Options { target_size: 200_000, ..Options::default() }, &mut out).unwrap();
    assert!(g.rows.len() > 50, "{} replicas", g.rows.len());
    assert!(g.bytes <= 200_000);
    let frames = frames(&out);
    let mut decoder = Decoder::default();
    let mut per_client: std::collections::HashMap<SocketAddr, Vec<(bool, i64, Vec<u8>)>> = Default::default();
    for f in &frames {
        assert_eq!(assert_checksums_valid(&f.data), 17);
        let Ok(Decoded::Udp(d)) = decoder.decode(f.link_type, &f.data, f.timestamp) else { panic!("UDP") };
        let micros = f.timestamp.secs * 1_000_000 + i64::from(f.timestamp.nanos / 1000);
        let from_client = d.dst.port() == 4433;
        let client = if from_client { d.src } else { d.dst };
        per_client.entry(client).or_default().push((from_client, micros, d.payload.to_vec()));
    }
    assert_eq!(per_client.len(), g.rows.len());
    let expected = flight();
    for row in &g.rows {
        assert_eq!(row.transport, "udp");
        assert_eq!(row.label, "dtls-test");
        assert_eq!(row.server.port(), 4433, "UDP replicas keep the seed's server port");
        let seen = &per_client[&row.client.into()];
        assert_eq!(seen.len(), expected.len());
        let start = seen[0].1;
        for ((from_client, at, payload), (want_client, want_at, want)) in seen.iter().zip(&expected) {
            assert_eq!(from_client, want_client);
            assert_eq!(payload, want);
            assert!((at - start - i64::from(*want_at)).abs() <= 1, "{at} - {start} vs {want_at}");
        }
    }
}
