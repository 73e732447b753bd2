//! Bad seeds and failing outputs give errors that say what is wrong, never panics.

mod support;

use std::io::{self, Cursor, Write};

use std::net::SocketAddr;

use support::{pcap, seed, tcp_frame};
use tlsdoctor_benchgen::{generate, Error, Labels, Options, OutputFormat, Seed};
use tlsdoctor_capture::CaptureReader;

fn read_seed(bytes: Vec<u8>) -> Result<Seed, Error> {
    let reader = CaptureReader::from_reader(Box::new(Cursor::new(bytes)), "test-seed")?;
    Seed::read(reader, &Labels::new())
}

#[test]
fn a_seed_without_a_complete_connection_is_refused() {
    let (c, s): (SocketAddr, SocketAddr) = ("192.0.2.1:40000".parse().unwrap(), "192.0.2.2:443".parse().unwrap());
    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;
    // A connection whose second segment is missing, and one whose SYN is missing.
    let records = [
        (0, tcp_frame(c, s, 1000, 0, SYN, b"")),
        (10, tcp_frame(s, c, 5000, 1001, SYN | ACK, b"")),
        (20, tcp_frame(c, s, 1001, 5001, ACK, b"")),
        (30, tcp_frame(c, s, 1101, 5001, ACK, &[1; 50])),
        (40, tcp_frame("192.0.2.3:40001".parse().unwrap(), s, 7, 9, ACK, &[2; 50])),
    ];
    let err = read_seed(pcap(&records)).unwrap_err();
    assert!(matches!(err, Error::NoUsableConnection { skipped: 1, .. }), "{err:?}");
    assert!(err.to_string().contains("no usable connection"), "{err}");
    // The same connection without the hole is usable.
    let mut whole = records[..3].to_vec();
    whole.push((30, tcp_frame(c, s, 1001, 5001, ACK, &[1; 50])));
    let seed = read_seed(pcap(&whole)).unwrap();
    assert_eq!(seed.templates.len(), 1);
    assert_eq!(seed.templates[0].flights(), "d>50");
}

#[test]
fn a_truncated_seed_is_an_error() {
    let full = std::fs::read(tlsdoctor_benchgen::default_seed_capture()).unwrap();
    let err = read_seed(full[..full.len() / 2 + 3].to_vec()).unwrap_err();
    assert!(matches!(err, Error::SeedCapture(ref e) if e.is_truncated()), "{err:?}");
    assert!(err.to_string().contains("seed capture"), "{err}");
    let err = read_seed(b"not a capture at all".to_vec()).unwrap_err();
    assert!(matches!(err, Error::SeedCapture(_)), "{err:?}");
}

#[test]
fn a_missing_seed_file_is_an_error() {
    let err = Seed::open("/nonexistent/seed.pcapng".as_ref()).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/seed.pcapng"), "{err}");
}

struct FailsAfter(usize);

impl Write for FailsAfter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.0 < buf.len() {
            return Err(io::Error::new(io::ErrorKind::WriteZero, "disk full"));
        }
        self.0 -= buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn an_output_that_fails_is_an_error() {
    let options = Options { target_size: 4 << 20, ..Options::default() };
    let err = generate(seed(), &options, FailsAfter(1 << 20)).unwrap_err();
    assert!(matches!(err, Error::Output(ref e) if e.kind() == io::ErrorKind::WriteZero), "{err:?}");
    assert!(err.to_string().contains("disk full"), "{err}");
}

#[test]
fn inconsistent_options_are_refused() {
    let bad = [
        Options { embed_keylog: true, ..Options::default() },
        Options { concurrency: 0.0, ..Options::default() },
        Options { format: OutputFormat::Pcapng, concurrency: f64::NAN, ..Options::default() },
    ];
    for options in bad {
        let err = generate(seed(), &options, io::sink()).unwrap_err();
        assert!(matches!(err, Error::BadOption(_)), "{options:?}: {err:?}");
    }
}
