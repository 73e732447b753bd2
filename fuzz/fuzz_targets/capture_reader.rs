//! Bytes as a capture file (pcap, pcapng, gzip): frames or an error, never a panic.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use tlsdoctor_capture::CaptureReader;

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = CaptureReader::from_reader(Box::new(Cursor::new(data.to_vec())), "fuzz") else {
        return;
    };
    let _ = (reader.format(), reader.is_gzip(), reader.pcap_link_type());
    while let Ok(Some(frame)) = reader.next_frame() {
        let _ = (frame.number, frame.is_cut(), frame.data.len());
    }
    let _ = (reader.decryption_secrets().len(), reader.bytes_read(), reader.frames_read());
});
