//! Wireshark's quic-fragmented-handshakes.pcapng.gz: draft-29 and v1 connections with a
//! Retry, a HelloRetryRequest, retransmitted and out-of-order CRYPTO frames, ClientHellos
//! split across packets, and secrets in a decryption-secrets block (with the QUIC_
//! duplicates of a draft-era stack).

mod common;

use common::{embedded_keylog, golden, handshake_rows, repo, track};
use tlsdoctor_quic::{PacketStatus, QuicEventKind};

const NAME: &str = "quic-fragmented-handshakes.pcapng.gz";

fn capture() -> std::path::PathBuf {
    repo().join("tests/data/wireshark/captures").join(NAME)
}

#[test]
fn the_secrets_block_reads_without_problems() {
    let (keys, problems) = embedded_keylog(&capture());
    assert!(problems.is_empty(), "{problems:?}");
    // One client random: the draft-29 connection of frames 1-15.
    assert_eq!(keys.len(), 1);
}

/// With the capture's own secrets, every handshake message is found in the frame tshark
/// 4.0 shows it in (tests/golden/quic/, made by make-quic-golden.sh).
#[test]
fn handshake_messages_in_the_frames_tshark_shows() {
    let (keys, _) = embedded_keylog(&capture());
    assert_eq!(handshake_rows(&capture(), Some(&keys)), golden(NAME));
}

#[test]
fn no_connection_close_as_tshark_shows() {
    let (keys, _) = embedded_keylog(&capture());
    let expected = common::golden_file(&format!("{NAME}.closes.tsv"));
    assert_eq!(common::close_rows(&capture(), Some(&keys)), expected);
}

/// Without keys, only the Initial packets' messages (ClientHellos, the HelloRetryRequest
/// and the ServerHello) are found, in the same frames.
#[test]
fn without_keys_the_initial_messages() {
    let expected: String = golden(NAME)
        .lines()
        .filter_map(|l| {
            let (frame, types) = l.split_once('\t')?;
            let initial: Vec<&str> = types.split(',').filter(|t| matches!(*t, "1" | "2")).collect();
            (!initial.is_empty()).then(|| format!("{frame}\t{}\n", initial.join(",")))
        })
        .collect();
    assert_eq!(handshake_rows(&capture(), None), expected);
}

#[test]
fn connections_retry_and_packets() {
    let (keys, _) = embedded_keylog(&capture());
    let mut opened = Vec::new();
    let mut retries = Vec::new();
    let mut failed = Vec::new();
    let mut no_keys = 0;
    let mut anomalies = Vec::new();
    let mut params = 0;
    let mut stream_bytes = 0;
    track(&capture(), Some(&keys), |e| match &e.kind {
        QuicEventKind::ConnectionOpened { version, .. } => opened.push((e.frame, *version)),
        QuicEventKind::Retry { integrity_ok, .. } => retries.push((e.frame, *integrity_ok)),
        QuicEventKind::Packet { status: PacketStatus::Failed(why), .. } => failed.push((e.frame, why.clone())),
        QuicEventKind::Packet { status: PacketStatus::NoKeys, .. } => no_keys += 1,
        QuicEventKind::Anomaly { reason } => anomalies.push(reason.clone()),
        QuicEventKind::TransportParameters { .. } => params += 1,
        QuicEventKind::StreamData { data, .. } => stream_bytes += data.len(),
        _ => {}
    });
    // Frame 1 (draft-29, retried in frame 3 on the same connection), frame 16 (v1, its
    // ClientHello completed by frame 17), frames 19-33 (single draft-29 Initials).
    let mut expected = vec![(1, 0xff00_001d), (16, 1)];
    expected.extend((19..=33).map(|f| (f, 0xff00_001d)));
    assert_eq!(opened, expected);
    // Frame 2 answers frame 1, with a tag made from frame 1's DCID.
    assert_eq!(retries, vec![(2, Some(true))]);
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(no_keys, 0);
    assert!(anomalies.is_empty(), "{anomalies:?}");
    // Client and server of the first connection (ClientHello twice: before and after the
    // HelloRetryRequest), ClientHellos of the others.
    assert!(params >= 3, "{params}");
    // The first connection's HTTP/3 requests and responses are decrypted.
    assert!(stream_bytes > 100, "{stream_bytes}");
}
