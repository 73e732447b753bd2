//! Key log parsing.

use std::collections::HashSet;

use tlsdoctor_keys::*;

const R1: &str = "0101010101010101010101010101010101010101010101010101010101010101";
const R2: &str = "0202020202020202020202020202020202020202020202020202020202020202";

#[test]
fn parses_every_label_and_reports_bad_lines() {
    let s32 = "11".repeat(32);
    let s48 = "22".repeat(48);
    let text = format!(
        "# comment\n\
         \n\
         CLIENT_RANDOM {R1} {s48}\r\n\
         CLIENT_HANDSHAKE_TRAFFIC_SECRET {R2} {s32}\n\
         SERVER_HANDSHAKE_TRAFFIC_SECRET {R2} {s32}\n\
         CLIENT_TRAFFIC_SECRET_0 {R2} {s32}\n\
         SERVER_TRAFFIC_SECRET_0 {R2} {s32}\n\
         EXPORTER_SECRET {R2} {s32}\n\
         CLIENT_EARLY_TRAFFIC_SECRET {R2} {s48}\n\
         EARLY_EXPORTER_SECRET {R2} {s48}\n\
         RSA 0123456789abcdef {s48}\n\
         CLIENT_RANDOM {R1} 33333333\n\
         BOGUS_LABEL {R1} {s32}\n\
         CLIENT_RANDOM 0102 {s48}\n\
         SERVER_TRAFFIC_SECRET_0 {R1} zz{}\n\
         CLIENT_RANDOM {R1}\n",
        "44".repeat(31)
    );
    let (log, problems) = parse_keylog(text.as_bytes());
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![12, 13, 14, 15, 16], "{problems:?}");
    assert!(problems[0].reason.contains("master secret is 4 bytes"), "{}", problems[0].reason);
    assert!(problems[1].reason.contains("unknown label"));
    assert!(problems[2].reason.contains("client random is 2 bytes"));
    assert!(problems[3].reason.contains("not hex"));
    assert!(problems[4].reason.contains("expected 3 fields"));
    for p in &problems {
        assert!(!p.reason.contains("3333") && !p.reason.contains("4444") && !p.reason.contains("1111"), "{p:?}");
    }
    assert_eq!(log.len(), 3);
    let r1: [u8; 32] = [1; 32];
    let r2: [u8; 32] = [2; 32];
    assert_eq!(
        log.get(&r1).unwrap().master_secret.as_ref().unwrap().0,
        [0x22; 48],
        "a bad later line does not overwrite"
    );
    let s = log.get(&r2).unwrap();
    assert_eq!(s.labels().len(), 7);
    assert_eq!(s.early_exporter_secret.as_ref().unwrap().len(), 48);
    let enc = [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xff, 0xff];
    assert_eq!(log.premaster_for(&enc).unwrap().as_bytes(), &[0x22; 48][..]);
    assert!(log.premaster_for(&enc[..7]).is_none());

    // lines_for keeps the lines of the given randoms only.
    let only_r2 = lines_for(text.as_bytes(), &HashSet::from([r2]));
    assert_eq!(only_r2.lines().count(), 7);
    assert!(only_r2.lines().all(|l| l.contains(R2)));
}

#[test]
fn merge_fills_missing_secrets() {
    let (mut a, _) = parse_keylog(format!("CLIENT_RANDOM {R1} {}\n", "22".repeat(48)).as_bytes());
    let (b, _) = parse_keylog(
        format!(
            "CLIENT_RANDOM {R1} {}\nCLIENT_TRAFFIC_SECRET_0 {R1} {}\nCLIENT_RANDOM {R2} {}\n",
            "99".repeat(48),
            "11".repeat(32),
            "33".repeat(48)
        )
        .as_bytes(),
    );
    a.merge(&b);
    assert_eq!(a.len(), 2);
    let s = a.get(&[1; 32]).unwrap();
    assert_eq!(s.master_secret.as_ref().unwrap().0, [0x22; 48], "existing wins");
    assert!(s.client_traffic_secret_0.is_some());
}

#[test]
fn garbage_never_panics() {
    for text in [&b"\xff\xfe\x00\n\n"[..], b"RSA", b"RSA zz zz", b"CLIENT_RANDOM \t \t", b"\r\r\n#", b""] {
        let _ = parse_keylog(text);
        let _ = lines_for(text, &HashSet::from([[0u8; 32]]));
    }
}

/// Every label Wireshark's key log reader accepts is accepted (packet-tls-utils.c,
/// ssl_compile_keyfile_regex), and the QUIC_-prefixed duplicates of draft-era QUIC stacks
/// (as in Wireshark's quic-fragmented-handshakes.pcapng secrets block) are skipped
/// without a problem, as Wireshark skips them.
#[test]
fn wireshark_labels_and_quic_duplicates() {
    let s32 = "11".repeat(32);
    let s48 = "22".repeat(48);
    let text = format!(
        "PMS_CLIENT_RANDOM {R1} {}\n\
         RSA Session-ID:{} Master-Key:{s48}\n\
         QUIC_CLIENT_HANDSHAKE_TRAFFIC_SECRET {R2} {s32}\n\
         QUIC_SERVER_HANDSHAKE_TRAFFIC_SECRET {R2} {s32}\n\
         QUIC_CLIENT_TRAFFIC_SECRET_0 {R2} {s32}\n\
         QUIC_SERVER_TRAFFIC_SECRET_0 {R2} {s32}\n\
         CLIENT_HANDSHAKE_TRAFFIC_SECRET {R2} {s32}\n\
         RSA Session-ID:zz Master-Key:{s48}\n\
         RSA Session-ID:{} Master-Key:2222\n\
         QUIC_BOGUS {R2} {s32}\n",
        "33".repeat(32),
        "ab".repeat(32),
        "ab".repeat(32),
    );
    let (log, problems) = parse_keylog(text.as_bytes());
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![8, 9, 10], "{problems:?}");
    assert!(problems[0].reason.contains("session ID is not hex"), "{}", problems[0].reason);
    assert!(problems[1].reason.contains("master secret is 2 bytes"), "{}", problems[1].reason);
    assert!(problems[2].reason.contains("unknown label"));
    assert_eq!(log.premaster_for_random(&[1; 32]).unwrap().as_bytes(), &[0x33; 32][..]);
    assert_eq!(log.master_for_session_id(&[0xab; 32]).unwrap().0, [0x22; 48]);
    assert_eq!(log.get(&[2; 32]).unwrap().labels(), vec!["CLIENT_HANDSHAKE_TRAFFIC_SECRET"]);
    let r2 = lines_for(text.as_bytes(), &HashSet::from([[2u8; 32]]));
    assert_eq!(r2.lines().count(), 5, "QUIC_ duplicates travel with their connection: {r2}");
}
