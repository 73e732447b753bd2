//! Bytes as a capture file (pcap, pcapng, gzip): frames or an error, never a panic. Read
//! again in small blocks (records straddling blocks are joined), with blocks read ahead
//! between frames, the frames, secrets and end must be the same; except after a gzip
//! read error, as the decoder loses what it decompressed in the read that failed.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use tlsdoctor_capture::{CaptureErrorKind, CaptureReader};

/// Every frame (number and bytes), the secrets, the error if any and the bytes read; or
/// why the file could not be opened. And whether reading failed.
fn read_all(data: &[u8], block_len: Option<usize>, read_ahead: bool) -> (String, bool) {
    let input = Box::new(Cursor::new(data.to_vec()));
    let opened = match block_len {
        Some(len) => CaptureReader::from_reader_in_blocks(input, "fuzz", len),
        None => CaptureReader::from_reader(input, "fuzz"),
    };
    let mut reader = match opened {
        Ok(reader) => reader,
        Err(e) => return (e.to_string(), matches!(e.kind, CaptureErrorKind::Io(_))),
    };
    let ahead = read_ahead.then(|| reader.read_ahead());
    let mut seen = format!("{} {} {:?}\n", reader.format(), reader.is_gzip(), reader.pcap_link_type());
    let mut failed = false;
    let end = loop {
        if let Some(ahead) = &ahead {
            ahead.read_one();
        }
        match reader.next_frame() {
            Ok(Some(frame)) => {
                if let Some((block, start)) = frame.block {
                    assert_eq!(block.bytes().get(start..start + frame.data.len()), Some(frame.data));
                }
                let cut = frame.is_cut();
                seen += &format!("{} {:?} {} {cut} {:?}\n", frame.number, frame.timestamp, frame.interface, frame.data);
            }
            Ok(None) => break String::new(),
            Err(e) => {
                failed = matches!(e.kind, CaptureErrorKind::Io(_));
                break e.to_string();
            }
        }
    };
    let secrets: Vec<_> =
        reader.decryption_secrets().iter().map(|s| (s.secrets_type, &s.data, s.after_frame)).collect();
    (format!("{seen}{secrets:?}\n{end}\n{} {}", reader.bytes_read(), reader.frames_read()), failed)
}

fuzz_target!(|data: &[u8]| {
    let whole = read_all(data, None, false);
    let block_len = 64 + usize::from(data.last().copied().unwrap_or(0));
    for read_ahead in [false, true] {
        let small = read_all(data, Some(block_len), read_ahead);
        if !(whole.1 || small.1) {
            assert_eq!(small.0, whole.0, "in blocks of {block_len}, read ahead: {read_ahead}");
        }
    }
});
