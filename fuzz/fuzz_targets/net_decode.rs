//! Link and IP layers: the first byte picks a link type, the rest is a sequence of frames
//! (2-byte big-endian length, then the bytes), decoded with one decoder so IP fragments
//! are reassembled across frames.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlsdoctor_capture::{LinkType, Timestamp};
use tlsdoctor_net::{Decoder, DecoderConfig};

const LINKS: [LinkType; 8] = [
    LinkType::NULL,
    LinkType::ETHERNET,
    LinkType::RAW,
    LinkType::LOOP,
    LinkType::LINUX_SLL,
    LinkType::IPV4,
    LinkType::IPV6,
    LinkType::LINUX_SLL2,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, mut rest)) = data.split_first() else { return };
    let link = LINKS[usize::from(pick) % LINKS.len()];
    let mut decoder = Decoder::new(DecoderConfig::default());
    let mut secs = 0;
    while rest.len() >= 2 {
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]])).min(rest.len() - 2);
        let frame = &rest[2..2 + len];
        rest = &rest[2 + len..];
        secs += 1;
        let _ = decoder.decode(link, frame, Timestamp { secs, nanos: 0 });
    }
    let _ = decoder.stats();
});
