//! The reader reads in blocks: a record that straddles two is joined, and another thread
//! may read blocks ahead. Neither may change a single frame, secret or error.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use tlsdoctor_capture::CaptureReader;

/// Everything a reader returns: each frame (with its bytes), the secrets, how it ended
/// and how many bytes it read.
#[derive(Debug, PartialEq)]
struct Read {
    frames: Vec<String>,
    secrets: Vec<(u32, Vec<u8>, u64)>,
    end: Option<String>,
    bytes_read: u64,
    /// Frames whose bytes were found in a shared block at the place given.
    in_blocks: usize,
}

fn read_all(mut reader: CaptureReader) -> Read {
    let mut frames = Vec::new();
    let mut in_blocks = 0;
    let end = loop {
        match reader.next_frame() {
            Ok(Some(f)) => {
                if let Some((block, start)) = f.block {
                    assert_eq!(block.bytes().get(start..start + f.data.len()), Some(f.data), "frame {}", f.number);
                    in_blocks += 1;
                }
                frames.push(format!(
                    "{} {:?} {:?} {} {} {:02x?}",
                    f.number, f.timestamp, f.link_type, f.original_len, f.interface, f.data
                ));
            }
            Ok(None) => break None,
            Err(e) => break Some(e.to_string()),
        }
    };
    let secrets = reader.decryption_secrets().iter().map(|s| (s.secrets_type, s.data.clone(), s.after_frame)).collect();
    Read { frames, secrets, end, bytes_read: reader.bytes_read(), in_blocks }
}

fn in_blocks(bytes: &[u8], block_len: usize) -> Option<CaptureReader> {
    CaptureReader::from_reader_in_blocks(Box::new(std::io::Cursor::new(bytes.to_vec())), "test", block_len).ok()
}

/// Reads with another thread reading ahead as fast as it can.
fn read_with_read_ahead(mut reader: CaptureReader) -> Read {
    let ahead = reader.read_ahead();
    let done = AtomicBool::new(false);
    thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                if !ahead.read_one() {
                    thread::yield_now();
                }
            }
        });
        let read = read_all(reader);
        done.store(true, Ordering::Relaxed);
        read
    })
}

fn captures(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            captures(&path, found);
        } else if path.to_string_lossy().contains(".pcap") {
            found.push(path);
        }
    }
}

fn every_capture() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut found = Vec::new();
    captures(&root.join("tests/data/wireshark/captures"), &mut found);
    captures(&root.join("tests/fixtures"), &mut found);
    captures(&root.join("tests/hostile"), &mut found);
    assert!(found.len() > 200, "{} captures", found.len());
    found
}

#[test]
fn small_blocks_and_reading_ahead_change_nothing() {
    let mut joined = 0;
    for path in every_capture() {
        let bytes = std::fs::read(&path).unwrap();
        let Some(reader) = in_blocks(&bytes, 1 << 20) else { continue };
        let whole = read_all(reader);
        for block_len in [64, 1000, 4093] {
            let mut small = read_all(in_blocks(&bytes, block_len).unwrap());
            joined += small.frames.len() - small.in_blocks;
            small.in_blocks = whole.in_blocks;
            assert_eq!(small, whole, "{} in blocks of {block_len}", path.display());
        }
        let mut ahead = read_with_read_ahead(in_blocks(&bytes, 1000).unwrap());
        ahead.in_blocks = whole.in_blocks;
        assert_eq!(ahead, whole, "{} read ahead", path.display());
    }
    assert!(joined > 1000, "{joined} frames straddled two blocks");
}

#[test]
fn a_capture_cut_anywhere_reads_the_same_in_small_blocks() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/wireshark/captures/rsasnakeoil2.pcap");
    let bytes = std::fs::read(path).unwrap();
    for cut in (0..bytes.len()).step_by(97) {
        let bytes = &bytes[..cut];
        let whole = in_blocks(bytes, 1 << 20).map(read_all);
        for block_len in [64, 1000] {
            let small = in_blocks(bytes, block_len).map(read_all).map(|mut r| {
                r.in_blocks = whole.as_ref().map_or(0, |w| w.in_blocks);
                r
            });
            assert_eq!(small, whole, "cut at {cut}, blocks of {block_len}");
        }
    }
}

/// A pipe: each read gives what has come, a few bytes to a few hundred.
struct Trickle {
    bytes: Vec<u8>,
    at: usize,
    reads: usize,
}

impl std::io::Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.reads += 1;
        let n = (1 + self.reads * 37 % 300).min(buf.len()).min(self.bytes.len() - self.at);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn a_stream_read_as_it_comes_reads_the_same() {
    for path in every_capture() {
        let bytes = std::fs::read(&path).unwrap();
        let Some(reader) = in_blocks(&bytes, 1 << 20) else { continue };
        let whole = read_all(reader);
        let trickle = Trickle { bytes: bytes.clone(), at: 0, reads: 0 };
        let mut stream = CaptureReader::from_stream(Box::new(trickle), "test").unwrap();
        assert!(stream.is_stream());
        // No thread reads a stream ahead: it would wait there for bytes not yet captured.
        assert!(!stream.read_ahead().read_one(), "{}", path.display());
        let mut streamed = read_with_read_ahead(stream);
        streamed.in_blocks = whole.in_blocks;
        assert_eq!(streamed, whole, "{} as a stream", path.display());
    }
}

/// A pipe that stays open: what was written can be read, and asking for more is
/// noted (it would wait for the next packet).
struct OpenPipe {
    bytes: Vec<u8>,
    at: usize,
    waited: std::sync::Arc<AtomicBool>,
}

impl std::io::Read for OpenPipe {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.bytes.len() {
            self.waited.store(true, Ordering::Relaxed);
            return Ok(0);
        }
        let n = buf.len().min(300).min(self.bytes.len() - self.at);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The frames that came through a pipe are read without waiting for more bytes: not
/// held until a block fills or the pipe closes.
#[test]
fn a_streams_frames_are_read_before_more_comes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/wireshark/captures/rsasnakeoil2.pcap");
    let bytes = std::fs::read(path).unwrap();
    let frames = read_all(in_blocks(&bytes, 1 << 20).unwrap()).frames.len();
    let waited = std::sync::Arc::new(AtomicBool::new(false));
    let pipe = OpenPipe { bytes, at: 0, waited: waited.clone() };
    let mut reader = CaptureReader::from_stream(Box::new(pipe), "test").unwrap();
    for n in 1..=frames {
        assert!(reader.next_frame().unwrap().is_some(), "frame {n} of {frames}");
        assert!(!waited.load(Ordering::Relaxed), "frame {n} of {frames} waited for bytes after the last");
    }
    assert!(reader.next_frame().unwrap().is_none());
    assert!(waited.load(Ordering::Relaxed));
}
