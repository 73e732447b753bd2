//! The sample packets of RFC 9001 Appendix A (QUIC v1) and RFC 9369 Appendix A (v2):
//! keys, protected client and server Initials, Retry integrity, and the ChaCha20 short
//! header packet, opened (and, for the client Initial, built) by this crate.

use std::net::SocketAddr;

use tlsdoctor_quic::packet::{protect, split_packet, unprotect};
use tlsdoctor_quic::protection::{retry_tag_ok, KeyMaterial, PacketKeys, QuicSuite};
use tlsdoctor_quic::version::{self, V1, V2};
use tlsdoctor_quic::{PacketType, QuicEventKind, QuicTracker};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

const DCID: &str = "8394c8f03e515708";

/// RFC 9001 A.2: the CRYPTO frame with the ClientHello; the payload is padded to 1162 bytes.
const CLIENT_CRYPTO: &str = "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e86804fe3a47f06a2b69484c
    00000413011302010000c000000010000e00000b6578616d706c652e636f6dff01000100000a00080006001d00170018
    00100007000504616c706e000500050100000000003300260024001d00209370b2c9caa47fbabaf4559fedba753de171
    fa71f50f1ce15d43e994ec74d748002b0003020304000d0010000e0403050306030203080408050806002d0002010100
    1c00024001003900320408ffffffffffffffff05048000ffff07048000ffff0801100104800075300901100f088394c8
    f03e51570806048000ffff";

/// RFC 9001 A.3 / RFC 9369 A.3: the server Initial's payload (ACK, CRYPTO with the ServerHello).
const SERVER_PAYLOAD: &str = "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf73988cfc79825df566d
    c5430b9a045a1200130100002e00330024001d00209d3c940d89690b84d08a60993c144eca684d1081287c834d5311bc
    f32bb9da1a002b00020304";

fn material(version: u32, secret: &[u8]) -> KeyMaterial {
    KeyMaterial::derive(QuicSuite::Aes128Gcm, &version::params(version).unwrap(), secret).unwrap()
}

#[test]
fn v1_initial_keys() {
    let (client, server) = PacketKeys::initial_secrets(&version::params(V1).unwrap(), &hex(DCID)).unwrap();
    assert_eq!(client.as_bytes(), hex("c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea"));
    assert_eq!(server.as_bytes(), hex("3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b"));
    let c = material(V1, client.as_bytes());
    assert_eq!(c.key.as_bytes(), hex("1f369613dd76d5467730efcbe3b1a22d"));
    assert_eq!(c.iv.as_bytes(), hex("fa044b2f42a3fd3b46fb255c"));
    assert_eq!(c.hp.as_bytes(), hex("9f50449e04a0e810283a1e9933adedd2"));
    let s = material(V1, server.as_bytes());
    assert_eq!(s.key.as_bytes(), hex("cf3a5331653c364c88f0f379b6067e37"));
    assert_eq!(s.iv.as_bytes(), hex("0ac1493ca1905853b0bba03e"));
    assert_eq!(s.hp.as_bytes(), hex("c206b8d9b9f0f37644430b490eeaa314"));
}

#[test]
fn v2_initial_keys() {
    let (client, server) = PacketKeys::initial_secrets(&version::params(V2).unwrap(), &hex(DCID)).unwrap();
    let c = material(V2, client.as_bytes());
    assert_eq!(c.key.as_bytes(), hex("8b1a0bc121284290a29e0971b5cd045d"));
    assert_eq!(c.iv.as_bytes(), hex("91f73e2351d8fa91660e909f"));
    assert_eq!(c.hp.as_bytes(), hex("45b95e15235d6f45a6b19cbcb0294ba9"));
    let s = material(V2, server.as_bytes());
    assert_eq!(s.key.as_bytes(), hex("82db637861d55e1d011f19ea71d5d2a7"));
    assert_eq!(s.iv.as_bytes(), hex("dd13c276499c0249d3310652"));
    assert_eq!(s.hp.as_bytes(), hex("edf6d05c83121201b436e16877593c3a"));
}

fn client_payload() -> Vec<u8> {
    let mut p = hex(CLIENT_CRYPTO);
    p.resize(1162, 0);
    p
}

/// The first bytes of RFC 9001 A.2's protected client Initial (header protection and
/// the start of the AES-GCM ciphertext: enough to show both keys at work).
const V1_CLIENT_PROTECTED_START: &str = "c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11
    d242b123dc9bd8bab936b47d92ec356c0bab7df5976d27cd449f63300099f3991c260ec4c60d17b31f8429157bb35a12
    82a643a8d2262cad67500cadb8e7378c8eb7539ec4d4905fed1bee1fc8aafba17c750e2c7ace01e6005f80fcb7df6212
    30c83711b39343fa028cea7f7fb5ff89eac2308249a02252155e2347b63d58c5457afd84d05dfffdb20392844ae81215
    4682e9cf012f9021a6f0be17ddd0c2084dce25ff9b06cde535d0f920a2db1bf362c23e596d11a4f5a6cf3948838a3aec
    4e15daf8500a6ef69ec4e3feb6b1d98e610ac8b7ec3faf6ad760b7bad1db4ba3485e8a94dc250ae3fdb41ed15fb6a8e5
    eba0fc3dd60bc8e30c5c4287e53805db059ae0648db2f64264ed5e39be2e20d82df566da8dd5998ccabdae053060ae6c
    7b4378e846d29f37ed7b4ea9ec5d82e7961b7f25a9323851f681d582363aa5f89937f5a67258bf63ad6f1a0b1d96dbd4
    faddfcefc5266ba6611722395c906556be52afe3f565636ad1b17d508b73d8743eeb524be22b3dcbc2c7468d54119c74
    68449a13d8e3b95811a198f3491de3e7fe942b330407abf82a4ed7c1b311663ac69890f4157015853d91e923037c227a
    33cdd5ec281ca3f79c44546b9d90ca00f064c99e3dd97911d39fe9c5d0b23a229a234cb36186c4819e8b9c5927726632
    291d6a418211cc2962e20fe47feb3edf330f2c603a9d48c0fcb5699dbfe5896425c5bac4aee82e57a85aaf4e2513e4f0
    5796b07ba2ee47d80506f8d2c25e50fd14de71e6c418559302f939b0e1abd576f279c4b2e0feb85c1f28ff18f58891ff
    ef132eef2fa09346aee33c28eb130ff28f5b766953334113211996d20011a198e3fc433f9f2541010ae17c1bf202580f
    6047472fb36857fe843b19f5984009ddc324044e847a4f4a0ab34f719595de37252d6235365e9b84392b061085349d73
    203a4a13e96f5432ec0fd4a1ee65accdd5e3904df54c1da510b0ff20dcc0c77fcb2c0e0eb605cb0504db87632cf3d8b4
    dae6e705769d1de354270123cb11450efc60ac47683d7b8d0f811365565fd98c4c8eb936bcab8d069fc33bd801b03ade
    a2e1fbc5aa463d08ca19896d2bf59a071b851e6c239052172f296bfb5e72404790a2181014f3b94a4e97d117b4381303
    68cc39dbb2d198065ae3986547926cd2162f40a29f0c3c8745c0f50fba3852e566d44575c29d39a03f0cda721984b6f4
    40591f355e12d439ff150aab7613499dbd49adabc8676eef023b15b65bfc5ca06948109f23f350db82123535eb8a7433
    bdabcb909271a6ecbcb58b936a88cd4e8f2e6ff5800175f113253d8fa9ca8885c2f552e657dc603f252e1a8e308f76f0
    be79e2fb8f5d5fbbe2e30ecadd220723c8c0aea8078cdfcb3868263ff8f0940054da48781893a7e49ad5aff4af300cd8
    04a6b6279ab3ff3afb64491c85194aab760d58a606654f9f4400e8b38591356fbf6425aca26dc85244259ff2b19c41b9
    f96f3ca9ec1dde434da7d2d392b905ddf3d1f9af93d1af5950bd493f5aa731b4056df31bd267b6b90a079831aaf579be
    0a39013137aac6d404f518cfd46840647e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241
    e221af44860018ab0856972e194cd934";

#[test]
fn v1_client_initial_is_built_as_the_rfc_shows_and_opens() {
    let (client, _) = PacketKeys::initial(version::params(V1).unwrap(), &hex(DCID)).unwrap();
    let header = hex("c300000001088394c8f03e5157080000449e00000002");
    let packet = protect(&header, 2, &client_payload(), &client);
    assert_eq!(packet.len(), 1200);
    assert_eq!(packet, hex(V1_CLIENT_PROTECTED_START));
    let (raw, rest) = split_packet(&packet, |_| 0).unwrap();
    assert!(rest.is_empty());
    assert_eq!(raw.typ, PacketType::Initial);
    let opened = unprotect(&raw, &client, None).unwrap();
    assert_eq!(opened.packet_number, 2);
    assert_eq!(opened.payload, client_payload());
}

/// RFC 9001 A.3's protected server Initial.
const V1_SERVER_PROTECTED: &str = "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a
    5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3dbcba3f6ea46c5b7684df3548e7ddeb9
    c3bf9c73cc3f3bded74b562bfb19fb84022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4
    2158407dd074ee";

/// RFC 9369 A.3's protected server Initial (v2).
const V2_SERVER_PROTECTED: &str = "dc6b3343cf0008f067a5502a4262b5004075d92faaf16f05d8a4398c47089698
    baeea26b91eb761d9b89237bbf87263017915358230035f7fd3945d88965cf17f9af6e16886c61bfc703106fbaf3cb4c
    fa52382dd16a393e42757507698075b2c984c707f0a0812d8cd5a6881eaf21ceda98f4bd23f6fe1a3e2c43edd9ce7ca8
    4bed8521e2e140";

#[test]
fn server_initials_open() {
    for (version, protected) in [(V1, V1_SERVER_PROTECTED), (V2, V2_SERVER_PROTECTED)] {
        let (_, server) = PacketKeys::initial(version::params(version).unwrap(), &hex(DCID)).unwrap();
        let packet = hex(protected);
        let (raw, rest) = split_packet(&packet, |_| 0).unwrap();
        assert!(rest.is_empty());
        assert_eq!((raw.typ, raw.version, raw.scid), (PacketType::Initial, version, &hex("f067a5502a4262b5")[..]));
        let opened = unprotect(&raw, &server, None).unwrap();
        assert_eq!(opened.packet_number, 1);
        assert_eq!(opened.payload, hex(SERVER_PAYLOAD));
        // The other direction's keys do not open it.
        let (client, _) = PacketKeys::initial(version::params(version).unwrap(), &hex(DCID)).unwrap();
        assert!(unprotect(&raw, &client, None).is_err());
    }
}

#[test]
fn retry_integrity_tags() {
    let v1 = hex("ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba");
    let v2 = hex("cf6b3343cf0008f067a5502a4262b5746f6b656ec8646ce8bfe33952d955543665dcc7b6");
    for (version, packet) in [(V1, &v1), (V2, &v2)] {
        let params = version::params(version).unwrap();
        assert!(retry_tag_ok(&params, &hex(DCID), packet));
        assert!(!retry_tag_ok(&params, &hex("8394c8f03e515709"), packet));
        let (raw, _) = split_packet(packet, |_| 0).unwrap();
        assert_eq!(raw.typ, PacketType::Retry);
        assert_eq!(raw.token, b"token");
    }
}

#[test]
fn chacha20_short_headers() {
    let secret = hex("9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b");
    let cases =
        [(V1, "4cfe4189655e5cd55c41f69080575d7999c25a5bfb"), (V2, "5558b1c60ae7b6b932bc27d786f4bc2bb20f2162ba")];
    for (version, protected) in cases {
        let keys =
            PacketKeys::from_secret(QuicSuite::ChaCha20Poly1305, version::params(version).unwrap(), &secret).unwrap();
        assert_eq!(protect(&hex("4200bff4"), 654_360_564, &[0x01], &keys), hex(protected));
        let packet = hex(protected);
        let (raw, _) = split_packet(&packet, |_| 0).unwrap();
        assert_eq!(raw.typ, PacketType::OneRtt);
        let opened = unprotect(&raw, &keys, Some(654_360_563)).unwrap();
        assert_eq!((opened.packet_number, opened.payload), (654_360_564, vec![0x01]));
    }
}

/// The tracker, fed the RFC's client and server Initials, finds one connection and the
/// ClientHello and ServerHello in the frames that carried them.
#[test]
fn tracker_follows_the_rfc_handshake_start() {
    let (client, _) = PacketKeys::initial(version::params(V1).unwrap(), &hex(DCID)).unwrap();
    let client_initial = protect(&hex("c300000001088394c8f03e5157080000449e00000002"), 2, &client_payload(), &client);
    let c: SocketAddr = "192.0.2.1:50000".parse().unwrap();
    let s: SocketAddr = "198.51.100.1:443".parse().unwrap();
    let mut t = QuicTracker::new();
    let mut seen = Vec::new();
    let mut record = |e: tlsdoctor_quic::QuicEvent<'_>| {
        let what = match e.kind {
            QuicEventKind::ConnectionOpened { .. } => "opened".to_string(),
            QuicEventKind::Handshake { typ, frames, .. } => format!("handshake {typ} in {frames:?}"),
            QuicEventKind::TransportParameters { params } => format!("{} transport parameters", params.len()),
            QuicEventKind::Packet { typ, packet_number, .. } => format!("{} {packet_number:?}", typ.name()),
            other => format!("{other:?}"),
        };
        seen.push((e.frame, e.connection, e.side, what));
    };
    t.datagram(c, s, &client_initial, 1, None, &mut record);
    t.datagram(s, c, &hex(V1_SERVER_PROTECTED), 2, None, &mut record);
    use tlsdoctor_tcp::Side::{Client, Server};
    assert_eq!(
        seen,
        vec![
            (1, Some(0), Client, "opened".to_string()),
            (1, Some(0), Client, "Initial Some(2)".to_string()),
            (1, Some(0), Client, "handshake 1 in [1]".to_string()),
            (1, Some(0), Client, "8 transport parameters".to_string()),
            (2, Some(0), Server, "Initial Some(1)".to_string()),
            (2, Some(0), Server, "handshake 2 in [2]".to_string()),
        ]
    );
}
