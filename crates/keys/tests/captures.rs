//! Decryption against Wireshark's test captures (records extracted by
//! `tests/data/gen_records.py`, keys from Wireshark's test suite in tests/data/wireshark).

mod common;

use common::*;
use sha2::{Digest, Sha256, Sha384};
use tlsdoctor_keys::*;
use tlsdoctor_tls::registry::{CipherSuite, ProtocolVersion};

/// Decrypts every record of a direction, concatenating application data.
fn decrypt_all(dec: &mut RecordDecryptor, recs: &[Rec]) -> (Vec<Plaintext>, Vec<u8>) {
    let mut out = Vec::new();
    let mut app = Vec::new();
    for r in recs {
        if r.typ == 20 {
            continue;
        }
        let p = dec.decrypt(r.header(), &r.body).unwrap_or_else(|e| panic!("frame {}: {e}", r.frame));
        if p.content_type == 23 {
            app.extend_from_slice(&p.data);
        }
        out.push(p);
    }
    (out, app)
}

fn tls12_keys(conn: &Conn, master: &MasterSecret) -> KeyMaterial {
    key_block(master, &conn.client_random(), &conn.server_random(), conn.suite(), conn.version()).expect("key block")
}

/// The hash a TLS 1.2 Finished covers for a full handshake without client
/// certificate: ClientHello, the server's flight, then the client's flight.
fn full_handshake_transcript(conn: &Conn) -> Vec<u8> {
    let client = conn.clear_handshake(true);
    let server = conn.clear_handshake(false);
    // ClientHello is the client's first message.
    let ch_len = 4 + u32::from_be_bytes([0, client[1], client[2], client[3]]) as usize;
    let mut t = client[..ch_len].to_vec();
    t.extend_from_slice(&server);
    t.extend_from_slice(&client[ch_len..]);
    t
}

#[test]
fn tls13_rfc8446_handshake_finished_and_application_data() {
    let (log, problems) = parse_keylog(&read_testdata("keys/tls13-rfc8446.keys"));
    assert!(problems.is_empty(), "{problems:?}");
    let conns = load_records("tls13-rfc8446.records");
    let conn = &conns[0];
    assert_eq!(conn.suite(), CipherSuite(0x1301));
    let secrets = log.get(&conn.client_random()).expect("secrets for connection 1");

    // Server: ServerHello in clear, CCS, then the encrypted flight.
    let server = conn.dir(false);
    let sh = server.iter().find(|r| r.typ == 22).expect("ServerHello");
    let enc: Vec<&Rec> = server.iter().filter(|r| r.typ == 23).collect();
    let hs = secrets.server_handshake_traffic_secret.as_ref().expect("SHTS");
    let mut dec = RecordDecryptor::tls13(ProtocolVersion::TLS_1_3, conn.suite(), hs.as_bytes()).unwrap();
    let flight = dec.decrypt(enc[0].header(), &enc[0].body).expect("first server record");
    assert_eq!(flight.content_type, 22);
    assert_eq!(flight.data[0], 8, "EncryptedExtensions first");
    assert_eq!(dec.sequence(), 1);

    // Walk the flight to Finished and check verify_data against the transcript.
    let ch = conn.dir(true).into_iter().find(|r| r.typ == 22).expect("ClientHello");
    let mut transcript = ch.body.clone();
    transcript.extend_from_slice(&sh.body);
    let mut at = 0;
    let mut finished_checked = false;
    while at + 4 <= flight.data.len() {
        let t = flight.data[at];
        let len = u32::from_be_bytes([0, flight.data[at + 1], flight.data[at + 2], flight.data[at + 3]]) as usize;
        let msg = &flight.data[at..at + 4 + len];
        if t == 20 {
            let th = Sha256::digest(&transcript);
            let vd = verify_data_tls13(ProtocolVersion::TLS_1_3, HashAlg::Sha256, hs.as_bytes(), &th).unwrap();
            assert_eq!(&msg[4..], &vd[..], "server Finished");
            finished_checked = true;
        }
        transcript.extend_from_slice(msg);
        at += 4 + len;
    }
    assert!(finished_checked, "server Finished found in the first record");

    // Server application data: tickets, then the HTTP response.
    let app_secret = secrets.server_traffic_secret_0.as_ref().unwrap();
    let mut dec = RecordDecryptor::tls13(ProtocolVersion::TLS_1_3, conn.suite(), app_secret.as_bytes()).unwrap();
    let (plain, app) = decrypt_all(&mut dec, &enc[1..].iter().map(|r| (*r).clone()).collect::<Vec<_>>());
    assert!(plain.iter().any(|p| p.content_type == 22 && p.data[0] == 4), "NewSessionTicket");
    assert!(contains(&app, b"Request for /first, version TLSv1.3, Early data: no\n"));

    // Client: Finished under the client handshake secret, then the request.
    let client_enc: Vec<Rec> = conn.dir(true).into_iter().filter(|r| r.typ == 23).collect();
    let chts = secrets.client_handshake_traffic_secret.as_ref().unwrap();
    let mut dec = RecordDecryptor::tls13(ProtocolVersion::TLS_1_3, conn.suite(), chts.as_bytes()).unwrap();
    let fin = dec.decrypt(client_enc[0].header(), &client_enc[0].body).unwrap();
    assert_eq!((fin.content_type, fin.data[0], fin.data.len()), (22, 20, 4 + 32));
    let th = Sha256::digest(&transcript);
    let vd = verify_data_tls13(ProtocolVersion::TLS_1_3, HashAlg::Sha256, chts.as_bytes(), &th).unwrap();
    assert_eq!(&fin.data[4..], &vd[..], "client Finished");
    let cats = secrets.client_traffic_secret_0.as_ref().unwrap();
    let mut dec = RecordDecryptor::tls13(ProtocolVersion::TLS_1_3, conn.suite(), cats.as_bytes()).unwrap();
    let (_, app) = decrypt_all(&mut dec, &client_enc[1..]);
    assert!(app.starts_with(b"GET /first HTTP/1.1\r\n"), "{:?}", String::from_utf8_lossy(&app));
}

#[test]
fn tls13_rfc8446_early_data() {
    let (log, _) = parse_keylog(&read_testdata("keys/tls13-rfc8446.keys"));
    let conns = load_records("tls13-rfc8446.records");
    let conn = &conns[1];
    let secrets = log.get(&conn.client_random()).unwrap();
    let early = secrets.client_early_traffic_secret.as_ref().expect("early secret");
    let first_enc = conn.dir(true).into_iter().find(|r| r.typ == 23).unwrap();
    let mut dec = RecordDecryptor::tls13(ProtocolVersion::TLS_1_3, conn.suite(), early.as_bytes()).unwrap();
    let p = dec.decrypt(first_enc.header(), &first_enc.body).unwrap();
    assert_eq!(p.content_type, 23);
    assert!(p.data.starts_with(b"GET /early HTTP/1.1\r\n"));
    // The no-early key log has no such secret.
    let (noearly, _) = parse_keylog(&read_testdata("keys/tls13-rfc8446-noearly.keys"));
    assert!(noearly.get(&conn.client_random()).unwrap().client_early_traffic_secret.is_none());
    // Wrong direction key: authentication error, never garbage.
    let hs = secrets.server_handshake_traffic_secret.as_ref().unwrap();
    let mut wrong = RecordDecryptor::tls13(ProtocolVersion::TLS_1_3, conn.suite(), hs.as_bytes()).unwrap();
    assert_eq!(wrong.decrypt(first_enc.header(), &first_enc.body), Err(DecryptError::Authentication));
    assert_eq!(wrong.sequence(), 0);
}

#[test]
fn tls12_chacha20_poly1305_seven_key_exchanges() {
    let (log, problems) = parse_keylog(&read_testdata("keys/tls12-chacha20poly1305.keys"));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(log.len(), 8);
    let expected = [
        (0xcca9, "ECDHE-ECDSA-CHACHA20-POLY1305"),
        (0xcca8, "ECDHE-RSA-CHACHA20-POLY1305"),
        (0xccaa, "DHE-RSA-CHACHA20-POLY1305"),
        (0xccae, "RSA-PSK-CHACHA20-POLY1305"),
        (0xccad, "DHE-PSK-CHACHA20-POLY1305"),
        (0xccac, "ECDHE-PSK-CHACHA20-POLY1305"),
        (0xccab, "PSK-CHACHA20-POLY1305"),
    ];
    let conns = load_records("tls12-chacha20poly1305.records");
    assert_eq!(conns.len(), 7);
    for (conn, (suite, name)) in conns.iter().zip(expected) {
        assert_eq!(conn.suite(), CipherSuite(suite), "{name}");
        let ms = log.get(&conn.client_random()).and_then(|s| s.master_secret.clone()).expect("master");
        let keys = tls12_keys(conn, &ms);
        // Client Finished checks the transcript (extended master secret is on, which
        // does not change Finished).
        let mut cdec =
            RecordDecryptor::tls12(conn.suite(), conn.version(), &keys, Direction::ClientToServer, false).unwrap();
        let cenc = conn.encrypted(true);
        let fin = cdec.decrypt(cenc[0].header(), &cenc[0].body).unwrap();
        let th = Sha256::digest(full_handshake_transcript(conn));
        let vd = verify_data_tls12(Prf::Tls12(HashAlg::Sha256), &ms, b"client finished", &th).unwrap();
        assert_eq!(fin.data, [&[20u8, 0, 0, 12][..], &vd].concat(), "{name} client Finished");
        let mut sdec =
            RecordDecryptor::tls12(conn.suite(), conn.version(), &keys, Direction::ServerToClient, false).unwrap();
        let (_, app) = decrypt_all(&mut sdec, &conn.encrypted(false));
        let want = format!("Cipher is {name}");
        assert!(contains(&app, want.as_bytes()), "{name}: {:?}", String::from_utf8_lossy(&app));
    }
}

#[test]
fn tls12_rsa_psk_premaster_from_rsa_line() {
    // Stream 3 is RSA_PSK: its key log line for the encrypted premaster is an RSA line.
    let (log, _) = parse_keylog(&read_testdata("keys/tls12-chacha20poly1305.keys"));
    let conns = load_records("tls12-chacha20poly1305.records");
    let cke = conns[3].field("cke");
    // ClientKeyExchange: psk_identity<2> then EncryptedPreMasterSecret<2>.
    let id_len = usize::from(u16::from_be_bytes([cke[0], cke[1]]));
    let enc = &cke[2 + id_len + 2..];
    let pms = log.premaster_for(enc).expect("RSA line matches");
    assert_eq!(pms.len(), 48);
    assert_eq!(&pms.as_bytes()[..2], &[3, 3]);
}

fn psk_case(file: &str, suite: u16) {
    let conns = load_records(file);
    let conn = &conns[0];
    assert_eq!(conn.suite(), CipherSuite(suite));
    let psk = hex("ca19e028a8a372ad2d325f950fcaceed");
    let pms = psk_premaster(&psk, None);
    let ms =
        master_secret(pms.as_bytes(), &conn.client_random(), &conn.server_random(), conn.version(), conn.suite(), None)
            .unwrap();
    let keys = tls12_keys(conn, &ms);
    let mut all = Vec::new();
    for (from_client, d) in [(true, Direction::ClientToServer), (false, Direction::ServerToClient)] {
        let mut dec = RecordDecryptor::tls12(conn.suite(), conn.version(), &keys, d, false).unwrap();
        let (plain, app) = decrypt_all(&mut dec, &conn.encrypted(from_client));
        assert_eq!(plain[0].content_type, 22);
        assert_eq!(plain[0].data[..4], [20, 0, 0, 12], "Finished");
        all.extend_from_slice(&app);
    }
    assert!(contains(&all, b"http://www.gnu.org/software/gnutls"));
}

#[test]
fn tls12_psk_aes128_ccm() {
    psk_case("tls12-aes128ccm.records", 0xc0a4);
}

#[test]
fn tls12_psk_aes256_gcm_sha384() {
    psk_case("tls12-aes256gcm.records", 0x00a9);
    // SHA-384 PRF: Finished over a SHA-384 transcript.
    let conn = &load_records("tls12-aes256gcm.records")[0];
    let pms = psk_premaster(&hex("ca19e028a8a372ad2d325f950fcaceed"), None);
    let ms =
        master_secret(pms.as_bytes(), &conn.client_random(), &conn.server_random(), conn.version(), conn.suite(), None)
            .unwrap();
    let keys = tls12_keys(conn, &ms);
    let mut dec =
        RecordDecryptor::tls12(conn.suite(), conn.version(), &keys, Direction::ClientToServer, false).unwrap();
    let enc = conn.encrypted(true);
    let fin = dec.decrypt(enc[0].header(), &enc[0].body).unwrap();
    let th = Sha384::digest(full_handshake_transcript(conn));
    assert_eq!(fin.data[4..], verify_data_tls12(Prf::Tls12(HashAlg::Sha384), &ms, b"client finished", &th).unwrap());
}

#[test]
fn tls10_dhe_aes256_cbc_with_implicit_iv() {
    let (log, _) = parse_keylog(&read_testdata("keys/dhe1_keylog.dat"));
    let conn = &load_records("dhe1.records")[0];
    assert_eq!(conn.version().0, 0x0301);
    let ms = log.get(&conn.client_random()).unwrap().master_secret.clone().unwrap();
    let keys = tls12_keys(conn, &ms);
    assert_eq!(keys.client_write_iv.len(), 16, "TLS 1.0 takes CBC IVs from the key block");
    let mut dec =
        RecordDecryptor::tls12(conn.suite(), conn.version(), &keys, Direction::ClientToServer, false).unwrap();
    let (plain, app) = decrypt_all(&mut dec, &conn.encrypted(true));
    // An abbreviated (resumed) handshake: the server's Finished covers ClientHello and
    // ServerHello, the client's covers the server's Finished too. TLS 1.0 Finished is
    // the PRF over MD5 + SHA-1 of the transcript.
    let md5sha1 = |t: &[u8]| [md5::Md5::digest(t).to_vec(), sha1::Sha1::digest(t).to_vec()].concat();
    let mut sdec =
        RecordDecryptor::tls12(conn.suite(), conn.version(), &keys, Direction::ServerToClient, false).unwrap();
    let senc = conn.encrypted(false);
    let sfin = sdec.decrypt(senc[0].header(), &senc[0].body).unwrap();
    let mut t = conn.clear_handshake(true);
    t.extend_from_slice(&conn.clear_handshake(false));
    assert_eq!(sfin.data[4..], verify_data_tls12(Prf::Tls10, &ms, b"server finished", &md5sha1(&t)).unwrap());
    t.extend_from_slice(&sfin.data);
    assert_eq!(plain[0].data[4..], verify_data_tls12(Prf::Tls10, &ms, b"client finished", &md5sha1(&t)).unwrap());
    // The last client record is a close_notify alert.
    assert_eq!(plain.last().map(|p| (p.content_type, p.data.clone())), Some((21, vec![1, 0])));
    let text = String::from_utf8_lossy(&app);
    assert!(text.starts_with("GET /test HTTP/1.0"), "{text:?}");
}

#[test]
fn ssl3_rsa_snakeoil_3des_and_aes() {
    let key = load_rsa_private_key(&read_testdata("keys/rsasnakeoil2.key"), None).unwrap();
    let conns = load_records("rsasnakeoil2.records");
    let conn = &conns[0];
    assert_eq!(conn.version().0, 0x0300);
    assert_eq!(conn.suite(), CipherSuite(0x0035));
    // SSL 3.0 ClientKeyExchange: the encrypted premaster without a length prefix.
    let pms = key.decrypt_premaster(&conn.field("cke")).expect("premaster decrypts");
    assert_eq!(&pms[..2], &[3, 0]);
    let ms =
        master_secret(&pms, &conn.client_random(), &conn.server_random(), conn.version(), conn.suite(), None).unwrap();
    let keys = tls12_keys(conn, &ms);
    let mut dec =
        RecordDecryptor::tls12(conn.suite(), conn.version(), &keys, Direction::ClientToServer, false).unwrap();
    let enc = conn.encrypted(true);
    let fin = dec.decrypt(enc[0].header(), &enc[0].body).unwrap();
    // SSL 3.0 Finished: 36 bytes over the handshake messages (SSLv2 ClientHello body
    // included as sent).
    assert_eq!(fin.data[..4], [20, 0, 0, 36]);
    let vd = verify_data_ssl3(&ms, true, &full_handshake_transcript_sslv2(conn));
    assert_eq!(fin.data[4..], vd);
    let p = dec.decrypt(enc[1].header(), &enc[1].body).unwrap();
    assert!(p.data.starts_with(b"GET / HTTP/1.1\r\n"), "{:?}", String::from_utf8_lossy(&p.data));
    // The server's side decrypts too (3DES renegotiation follows under this key).
    let mut sdec =
        RecordDecryptor::tls12(conn.suite(), conn.version(), &keys, Direction::ServerToClient, false).unwrap();
    let senc = conn.encrypted(false);
    let sfin = sdec.decrypt(senc[0].header(), &senc[0].body).unwrap();
    assert_eq!(sfin.data[..4], [20, 0, 0, 36]);
}

fn full_handshake_transcript_sslv2(conn: &Conn) -> Vec<u8> {
    let c = conn.dir(true);
    let v2 = &c[0];
    assert_eq!(v2.typ, 128);
    let mut t = v2.body.clone();
    t.extend_from_slice(&conn.clear_handshake(false));
    t.extend_from_slice(&conn.clear_handshake(true)[v2.body.len()..]);
    t
}

#[test]
fn tls12_rsa_p_less_than_q_pkcs1_and_pkcs8() {
    let conn = &load_records("rsa-p-lt-q.records")[0];
    assert_eq!(conn.version().0, 0x0303);
    for file in ["keys/rsa-p-lt-q.key", "keys/rsa-p-lt-q.p8"] {
        let key = load_rsa_private_key(&read_testdata(file), None).unwrap();
        let pms = key.decrypt_premaster(&conn.field("cke")).expect(file);
        let ms = master_secret(&pms, &conn.client_random(), &conn.server_random(), conn.version(), conn.suite(), None)
            .unwrap();
        let keys = tls12_keys(conn, &ms);
        assert!(keys.client_write_iv.is_empty(), "TLS 1.2 CBC: explicit IVs");
        let mut dec =
            RecordDecryptor::tls12(conn.suite(), conn.version(), &keys, Direction::ClientToServer, false).unwrap();
        let (plain, app) = decrypt_all(&mut dec, &conn.encrypted(true));
        let th = Sha256::digest(full_handshake_transcript(conn));
        assert_eq!(
            plain[0].data[4..],
            verify_data_tls12(Prf::Tls12(HashAlg::Sha256), &ms, b"client finished", &th).unwrap()
        );
        assert!(app.starts_with(b"GET / HTTP/1."), "{:?}", String::from_utf8_lossy(&app));
    }
}

#[test]
fn tls10_rsa_pkcs12_with_password() {
    let key = load_rsa_private_key(&read_testdata("keys/key.p12"), Some("WebAS")).expect("PKCS#12 loads");
    assert_eq!(
        load_rsa_private_key(&read_testdata("keys/key.p12"), Some("wrong")).unwrap_err(),
        KeyError::WrongPassword
    );
    let conn = &load_records("dmgr.records")[0];
    let pms = key.decrypt_premaster(&conn.field("cke")).expect("premaster");
    let ms =
        master_secret(&pms, &conn.client_random(), &conn.server_random(), conn.version(), conn.suite(), None).unwrap();
    let keys = tls12_keys(conn, &ms);
    let mut dec =
        RecordDecryptor::tls12(conn.suite(), conn.version(), &keys, Direction::ClientToServer, false).unwrap();
    let (_, app) = decrypt_all(&mut dec, &conn.encrypted(true));
    assert!(contains(&app, b"unsecureLogon.jsp"), "{:?}", String::from_utf8_lossy(&app));
}

#[test]
fn tls12_dsb_aes128_gcm_with_extended_master_secret_keylog() {
    let conns = load_records("tls12-dsb.records");
    for (conn, (keyfile, host)) in
        conns.iter().zip([("keys/tls12-dsb-1.keys", "example.com"), ("keys/tls12-dsb-2.keys", "example.net")])
    {
        let (log, problems) = parse_keylog(&read_testdata(keyfile));
        assert!(problems.is_empty());
        let ms = log.get(&conn.client_random()).unwrap().master_secret.clone().unwrap();
        let keys = tls12_keys(conn, &ms);
        let mut dec =
            RecordDecryptor::tls12(conn.suite(), conn.version(), &keys, Direction::ClientToServer, false).unwrap();
        let (_, app) = decrypt_all(&mut dec, &conn.encrypted(true));
        assert!(app.starts_with(b"HEAD / HTTP/1.1\r\n"));
        assert!(contains(&app, format!("Host: {host}").as_bytes()));
        let mut dec =
            RecordDecryptor::tls12(conn.suite(), conn.version(), &keys, Direction::ServerToClient, false).unwrap();
        let (_, app) = decrypt_all(&mut dec, &conn.encrypted(false));
        assert!(app.starts_with(b"HTTP/1.1 200"));
    }
}

/// Decrypts records until (and including) an encrypted ChangeCipherSpec; returns the
/// handshake messages seen and how many records were used.
fn until_ccs(dec: &mut RecordDecryptor, recs: &[Rec]) -> (Vec<Vec<u8>>, usize) {
    let mut hs = Vec::new();
    for (i, r) in recs.iter().enumerate() {
        let p = dec.decrypt(r.header(), &r.body).unwrap_or_else(|e| panic!("frame {}: {e}", r.frame));
        match p.content_type {
            20 => return (hs, i + 1),
            22 => {
                let mut at = 0;
                while at + 4 <= p.data.len() {
                    let len = u32::from_be_bytes([0, p.data[at + 1], p.data[at + 2], p.data[at + 3]]) as usize;
                    hs.push(p.data[at..at + 4 + len].to_vec());
                    at += 4 + len;
                }
            }
            _ => {}
        }
    }
    panic!("no ChangeCipherSpec");
}

#[test]
fn ssl3_renegotiation_to_3des_and_resumption() {
    let key = load_rsa_private_key(&read_testdata("keys/rsasnakeoil2.key"), None).unwrap();
    let conns = load_records("rsasnakeoil2.records");
    let conn = &conns[0];
    let pms = key.decrypt_premaster(&conn.field("cke")).unwrap();
    let ms =
        master_secret(&pms, &conn.client_random(), &conn.server_random(), conn.version(), conn.suite(), None).unwrap();
    let keys = tls12_keys(conn, &ms);
    let v = conn.version();
    let mut c_old = RecordDecryptor::tls12(conn.suite(), v, &keys, Direction::ClientToServer, false).unwrap();
    let mut s_old = RecordDecryptor::tls12(conn.suite(), v, &keys, Direction::ServerToClient, false).unwrap();
    let cenc = conn.encrypted(true);
    let senc = conn.encrypted(false);
    let (chs, cused) = until_ccs(&mut c_old, &cenc);
    let (shs, sused) = until_ccs(&mut s_old, &senc);
    let ch = chs.iter().find(|m| m[0] == 1).expect("renegotiation ClientHello");
    let cke = chs.iter().find(|m| m[0] == 16).expect("renegotiation ClientKeyExchange");
    let sh = shs.iter().find(|m| m[0] == 2).expect("renegotiation ServerHello");
    let cr: [u8; 32] = ch[6..38].try_into().unwrap();
    let sr: [u8; 32] = sh[6..38].try_into().unwrap();
    let sid_len = usize::from(sh[38]);
    let suite = CipherSuite(u16::from_be_bytes([sh[39 + sid_len], sh[40 + sid_len]]));
    assert_eq!(suite, CipherSuite(0x000a), "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
    let pms = key.decrypt_premaster(&cke[4..]).unwrap();
    let ms2 = master_secret(&pms, &cr, &sr, v, suite, None).unwrap();
    let keys2 = key_block(&ms2, &cr, &sr, suite, v).unwrap();
    assert_eq!(keys2.client_write_key.len(), 24);
    assert_eq!(keys2.client_write_iv.len(), 8);
    let mut c_new = RecordDecryptor::tls12(suite, v, &keys2, Direction::ClientToServer, false).unwrap();
    let fin = c_new.decrypt(cenc[cused].header(), &cenc[cused].body).unwrap();
    assert_eq!(fin.data[..4], [20, 0, 0, 36]);
    let (_, app) = decrypt_all(&mut c_new, &cenc[cused + 1..]);
    assert!(app.starts_with(b"GET /"), "{:?}", String::from_utf8_lossy(&app));
    let mut s_new = RecordDecryptor::tls12(suite, v, &keys2, Direction::ServerToClient, false).unwrap();
    let (_, app) = decrypt_all(&mut s_new, &senc[sused..]);
    assert!(app.starts_with(b"HTTP/1.1 "), "{:?}", String::from_utf8_lossy(&app));

    // Connection 2 resumes the 3DES session: same master secret, new randoms.
    let conn2 = &conns[1];
    assert_eq!(conn2.suite(), suite);
    let keys3 = tls12_keys(conn2, &ms2);
    let mut dec = RecordDecryptor::tls12(suite, v, &keys3, Direction::ClientToServer, false).unwrap();
    let (plain, app) = decrypt_all(&mut dec, &conn2.encrypted(true));
    assert_eq!(plain[0].data[..4], [20, 0, 0, 36]);
    assert!(app.starts_with(b"GET /"), "{:?}", String::from_utf8_lossy(&app));
}

/// A TLS 1.2 AEAD record with any byte changed (explicit nonce, ciphertext, tag or
/// header), or opened under the wrong sequence number, fails authentication and leaves
/// the decryptor as it was.
fn assert_aead_failures_leave_state(conn: &Conn, keys: &KeyMaterial) {
    let suite = conn.suite();
    let mut dec = RecordDecryptor::tls12(suite, conn.version(), keys, Direction::ClientToServer, false).unwrap();
    let r = &conn.encrypted(true)[0];
    for i in [0, 7, 8, r.body.len() / 2, r.body.len() - 1] {
        let mut body = r.body.clone();
        body[i] ^= 0x01;
        assert_eq!(dec.decrypt(r.header(), &body), Err(DecryptError::Authentication), "{suite:?} byte {i}");
    }
    let mut header = r.header();
    header[0] = 23;
    assert_eq!(dec.decrypt(header, &r.body), Err(DecryptError::Authentication), "{suite:?} header");
    dec.set_sequence(1);
    assert_eq!(dec.decrypt(r.header(), &r.body), Err(DecryptError::Authentication), "{suite:?} sequence");
    assert_eq!(dec.sequence(), 1);
    assert!(matches!(dec.decrypt(r.header(), &r.body[..8]), Err(DecryptError::BadLength { .. })), "{suite:?}");
    dec.set_sequence(0);
    assert_eq!(dec.decrypt(r.header(), &r.body).map(|p| p.data[..4].to_vec()), Ok(vec![20, 0, 0, 12]));
    assert_eq!(dec.sequence(), 1);
}

#[test]
fn tls12_aead_failures_report_authentication() {
    let pms = psk_premaster(&hex("ca19e028a8a372ad2d325f950fcaceed"), None);
    for file in ["tls12-aes256gcm.records", "tls12-aes128ccm.records"] {
        let conn = &load_records(file)[0];
        let (cr, sr) = (conn.client_random(), conn.server_random());
        let ms = master_secret(pms.as_bytes(), &cr, &sr, conn.version(), conn.suite(), None).unwrap();
        assert_aead_failures_leave_state(conn, &tls12_keys(conn, &ms));
    }
    let (log, _) = parse_keylog(&read_testdata("keys/tls12-chacha20poly1305.keys"));
    let conn = &load_records("tls12-chacha20poly1305.records")[0];
    let ms = log.get(&conn.client_random()).and_then(|s| s.master_secret.clone()).expect("master");
    assert_aead_failures_leave_state(conn, &tls12_keys(conn, &ms));
}
