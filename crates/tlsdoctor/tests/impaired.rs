mod common;
use common::*;

#[test]
fn dump() {
    for path in [
        fixture("tls12-mtls-large-chain.pcapng"),
        fixture("tls13-rsa.pcapng"),
        wireshark_capture("tls12-chacha20poly1305.pcap"),
    ] {
        let frames = read_frames(&path);
        let r = rebuild(&frames, &items(&frames));
        let (c, s) = observe(r.bytes, Some(r.origin));
        println!("== {path} {s:?}");
        for x in &c.seen {
            println!("{x:?}");
        }
    }
}
