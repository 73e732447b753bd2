//! Wireshark's own decryption tests, run through `tlsdoctor decrypt`: for every TLS-over-TCP
//! capture of `tests/data/wireshark` that comes with secrets, the strings Wireshark's
//! `suite_decryption.py` / `suite_dissection.py` expect in the decrypted content must
//! appear in tlsdoctor's decrypted output (see CASES.md and expected.json there).
//!
//! DTLS over UDP (snakeoil-dtls, dtls12-aes128ccm8, dtls12-aes128ccm8-dsb, udt-dtls) is
//! in [`CASES`] too. Left out on purpose:
//! - QUIC (quic-fragmented-handshakes): a dissection case without secrets; its handshake
//!   counts are checked in crates/quic/tests/wireshark_capture.rs.
//! - tls-over-tls: its capture is not in the test data, only its key.
//! - tls-fragmented-handshakes, retrans-tls: nothing to decrypt (dissection tests).
//!
//! RSA private keys (PKCS#1, PKCS#8, PKCS#12 with a password), `--psk` and 0-RTT early
//! data all work, so their cases are in [`CASES`] with the options that give the key
//! (Wireshark's ssl_keys UAT becomes `--rsa-key ADDR=FILE`). Cases Wireshark decrypts and
//! tlsdoctor does not yet are in [`NOT_YET`], with the reason; `not_yet_cases_still_do_not_decrypt` fails as soon as one of them starts to
//! work, so that it is moved to [`CASES`].

mod common;

use common::Scratch;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Where a case's secrets come from, as the command-line options that give them.
#[derive(Clone, Copy)]
enum Key {
    /// `--keylog keys/FILE`.
    Keylog(&'static str),
    /// Only the lines of keys/FILE that start with the prefix, as a temporary key log.
    KeylogLines(&'static str, &'static str),
    /// `--rsa-key [BINDING=]keys/FILE` (binding "" for any server).
    Rsa(&'static str, &'static str),
    /// `--key-password`.
    Password(&'static str),
    /// `--psk HEX`.
    Psk(&'static str),
}

/// What Wireshark's test expects of the decrypted content.
#[derive(Clone, Copy)]
enum Expect {
    /// The bytes appear in the plaintext of some connection and direction (and, when they
    /// are printable text, in the text output of `tlsdoctor decrypt`).
    Contains(&'static [u8]),
    /// The bytes appear in the plaintext of this connection (tlsdoctor's connection ids
    /// start at 1; Wireshark's tcp.stream at 0).
    InConnection(u32, &'static [u8]),
    /// The bytes appear exactly this many times in all the plaintext.
    Count(&'static [u8], usize),
    /// The bytes are nowhere in the plaintext (Wireshark leaves that record encrypted).
    Absent(&'static [u8]),
    /// The server's plaintext of this connection starts with the bytes.
    ServerStartsWith(u32, &'static [u8]),
    /// This line is in the output of `tlsdoctor decrypt --format hex`.
    HexLine(&'static str),
    /// Exactly these frames carry decrypted application data.
    Frames(&'static [u64]),
}

use Expect::*;
use Key::*;

struct Case {
    /// The upstream test, as CASES.md names it.
    test: &'static str,
    capture: &'static str,
    keys: &'static [Key],
    expect: &'static [Expect],
}

const PSK: &str = "ca19e028a8a372ad2d325f950fcaceed";

/// The PNG signature and IEND chunk type: the image reassembled from HTTP/2 DATA frames.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

const TLS13_RESPONSES: [Expect; 3] = [
    Contains(b"Request for /first, version TLSv1.3, Early data: no\n"),
    Contains(b"Request for /early, version TLSv1.3, Early data: yes\n"),
    Contains(b"Request for /second, version TLSv1.3, Early data: yes\n"),
];

/// Cases tlsdoctor decrypts as Wireshark does.
const CASES: &[Case] = &[
    // The ssl_keys UAT binds the key to 127.0.0.1:443.
    Case {
        test: "TestDecryptTLS::test_tls_rsa",
        capture: "rsasnakeoil2.pcap",
        keys: &[Rsa("127.0.0.1:443", "rsasnakeoil2.key")],
        expect: &[
            Contains(b"GET /favicon.ico HTTP/1.1\r\n"),
            Contains(b"GET /icons/apache_pb.png HTTP/1.1\r\n"),
            Contains(b"GET /test2/ HTTP/1.1\r\n"),
            Contains(b"GET /test3/ HTTP/1.1\r\n"),
        ],
    },
    // tls.keys_list:0.0.0.0,443: tlsdoctor has no 0.0.0.0 wildcard; port binding only
    // is not expressible, so the key is given for any server (as uat:rsa_keys does).
    Case {
        test: "TestDecryptTLS::test_tls_rsa_pq / test_tls_rsa_privkeys_uat",
        capture: "rsa-p-lt-q.pcap",
        keys: &[Rsa("", "rsa-p-lt-q.key")],
        expect: &[Contains(b"GET / HTTP/1.1\r\n")],
    },
    Case {
        test: "test_tls_rsa_pq with the PKCS#8 form of the key",
        capture: "rsa-p-lt-q.pcap",
        keys: &[Rsa("", "rsa-p-lt-q.p8")],
        expect: &[Contains(b"GET / HTTP/1.1\r\n")],
    },
    Case {
        test: "TestDecryptTLS::test_tls_rsa_with_password",
        capture: "dmgr.pcapng",
        keys: &[Rsa("127.0.0.1:9131", "key.p12"), Password("WebAS")],
        expect: &[Contains(b"/ibm/console/unsecureLogon.jsp")],
    },
    Case {
        test: "TestDecryptTLS::test_tls_master_secret",
        capture: "dhe1.pcapng.gz",
        keys: &[Keylog("dhe1_keylog.dat")],
        expect: &[Contains(b"GET /test HTTP/1.0")],
    },
    // Content-Length 0 before the renegotiation, 2151 after; the body of the second
    // response quotes "Content-Length: 0\\r\\n" with escaped CRLF, which does not count.
    Case {
        test: "TestDecryptTLS::test_tls12_renegotiation",
        capture: "tls-renegotiation.pcap",
        keys: &[Rsa("127.0.0.1:4433", "rsasnakeoil2.key")],
        expect: &[Count(b"Content-Length: 0\r\n", 1), Count(b"Content-Length: 2151\r\n", 1)],
    },
    Case {
        test: "TestDecryptTLS::test_tls12_psk_aes128ccm",
        capture: "tls12-aes128ccm.pcap",
        keys: &[Psk(PSK)],
        expect: &[InConnection(1, b"http://www.gnu.org/software/gnutls")],
    },
    Case {
        test: "TestDecryptTLS::test_tls12_psk_aes256gcm",
        capture: "tls12-aes256gcm.pcap",
        keys: &[Psk(PSK)],
        expect: &[InConnection(1, b"http://www.gnu.org/software/gnutls")],
    },
    // `follow,tls,ascii,N` for N = 0..6: tcp.stream N is tlsdoctor's connection N + 1.
    Case {
        test: "TestDecryptTLS::test_tls12_chacha20poly1305",
        capture: "tls12-chacha20poly1305.pcap",
        keys: &[Keylog("tls12-chacha20poly1305.keys")],
        expect: &[
            InConnection(1, b"Cipher is ECDHE-ECDSA-CHACHA20-POLY1305"),
            InConnection(2, b"Cipher is ECDHE-RSA-CHACHA20-POLY1305"),
            InConnection(3, b"Cipher is DHE-RSA-CHACHA20-POLY1305"),
            InConnection(4, b"Cipher is RSA-PSK-CHACHA20-POLY1305"),
            InConnection(5, b"Cipher is DHE-PSK-CHACHA20-POLY1305"),
            InConnection(6, b"Cipher is ECDHE-PSK-CHACHA20-POLY1305"),
            InConnection(7, b"Cipher is PSK-CHACHA20-POLY1305"),
        ],
    },
    // Frame 8 is the 0-RTT request, under CLIENT_EARLY_TRAFFIC_SECRET.
    Case {
        test: "TestDecryptTLS::test_tls13_rfc8446",
        capture: "tls13-rfc8446.pcap",
        keys: &[Keylog("tls13-rfc8446.keys")],
        expect: &[
            InConnection(1, b"GET /first HTTP/1.1\r\n"),
            InConnection(2, b"GET /early HTTP/1.1\r\n"),
            InConnection(2, b"GET /second HTTP/1.1\r\n"),
            TLS13_RESPONSES[0],
            TLS13_RESPONSES[1],
            TLS13_RESPONSES[2],
            Frames(&[5, 6, 8, 10, 12, 13]),
        ],
    },
    // Secrets in pcapng decryption-secrets blocks, no key option.
    Case {
        test: "TestDecryptTLS::test_tls12_dsb",
        capture: "tls12-dsb.pcapng",
        keys: &[],
        expect: &[
            InConnection(1, b"Host: example.com\r\n"),
            InConnection(2, b"Host: example.net\r\n"),
            Count(b"HEAD / HTTP/1.1\r\n", 2),
            Count(b"HTTP/1.1 200 ", 2),
        ],
    },
    // HTTP/2: follow,http2,hex,0,0 starts with the server's SETTINGS frame; the PNG image
    // of stream 1 is in DATA frames. (test_http2_follow_1 shows HPACK-decoded headers,
    // which are not in the TLS plaintext; the raw HEADERS frame of stream 1 is.)
    Case {
        test: "TestDissectHttp2::test_http2_data_reassembly / test_http2_follow_0",
        capture: "http2-data-reassembly.pcap",
        keys: &[Keylog("http2-data-reassembly.keys")],
        expect: &[
            InConnection(1, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
            InConnection(1, PNG_SIGNATURE),
            InConnection(1, b"IEND"),
            ServerStartsWith(1, b"\x00\x00\x12\x04\x00\x00\x00\x00\x00"),
            InConnection(1, b"\x00\x00\x2c\x01\x05\x00\x00\x00\x01"),
            HexLine("00000000  00 00 12 04 00 00 00 00 00 00 05 00 10 00 00 00   |................|"),
        ],
    },
    Case {
        test: "TestDecryptTLS::test_tls13_rfc8446_noearly",
        capture: "tls13-rfc8446.pcap",
        keys: &[Keylog("tls13-rfc8446-noearly.keys")],
        expect: &[
            InConnection(1, b"GET /first HTTP/1.1\r\n"),
            InConnection(2, b"GET /second HTTP/1.1\r\n"),
            Absent(b"GET /early"),
            TLS13_RESPONSES[0],
            TLS13_RESPONSES[1],
            TLS13_RESPONSES[2],
            Frames(&[5, 6, 10, 12, 13]),
        ],
    },
    // TLS 1.3 draft 20 (0x7f14): a ServerHello without session id and compression
    // method, and records sealed with empty additional data (drafts before 25).
    Case {
        test: "TestDecryptTLS::test_tls13_chacha20poly1305",
        capture: "tls13-20-chacha20poly1305.pcap",
        keys: &[Keylog("tls13-20-chacha20poly1305.keys")],
        expect: &[
            InConnection(1, b"TLS13-CHACHA20-POLY1305-SHA256"),
            InConnection(1, b"GET / HTTP/1.1"),
            InConnection(2, b"GET / HTTP/1.1"),
            Frames(&[5, 7, 13, 15]),
        ],
    },
    Case {
        test: "test_tls12_chacha20poly1305 stream 3, `RSA` key log line only",
        capture: "tls12-chacha20poly1305.pcap",
        keys: &[KeylogLines("tls12-chacha20poly1305.keys", "RSA "), Psk("0102030405060708091011121314151617181920")],
        expect: &[InConnection(4, b"Cipher is RSA-PSK-CHACHA20-POLY1305")],
    },
    // DTLS 1.0 as OpenSSL sent it before RFC 4347 (0x0100); dtlsdecrypttablefile UAT
    // binds the key to 127.0.0.1:4433.
    Case {
        test: "TestDecryptDTLS::test_dtls_rsa",
        capture: "snakeoil-dtls.pcap",
        keys: &[Rsa("127.0.0.1:4433", "snakeoil-rsa.key")],
        expect: &[
            Contains(b"it work !\n"),
            Contains(b"isn't it ?\n"),
            Contains(b"this is a concluant test !\n"),
            Frames(&[7, 8, 9]),
        ],
    },
    // The -x output's two "Works for me!." are the two records' hex dumps (the dot is
    // the record's final newline).
    Case {
        test: "TestDecryptDTLS::test_dtls_psk_aes128ccm8",
        capture: "dtls12-aes128ccm8.pcap",
        keys: &[Psk(PSK)],
        expect: &[Count(b"Works for me!\n", 2), Frames(&[9, 10, 11, 12])],
    },
    Case {
        test: "TestDecryptDTLS::test_dtls_dsb_aes128ccm8",
        capture: "dtls12-aes128ccm8-dsb.pcapng",
        keys: &[],
        expect: &[Count(b"Works for me!\n", 2), Frames(&[9, 10, 11, 12])],
    },
    // dtls.keys_list 0.0.0.0,0: the key for any server. The UDT acknowledgements tshark
    // finds in frames 31 and 33 (control bit and type 2).
    Case {
        test: "TestDecryptDTLS::test_dtls_udt",
        capture: "udt-dtls.pcapng.gz",
        keys: &[Rsa("", "udt-dtls.key")],
        expect: &[
            HexLine("00000000  80 02 00 00 00 00 00 01 00 00 00 00 08 8e 11 1b   |................|"),
            HexLine("00000000  80 02 00 00 00 00 00 02 00 00 00 00 08 8e 11 1b   |................|"),
            Frames(&[
                8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
                34,
            ]),
        ],
    },
];

/// Cases Wireshark decrypts and tlsdoctor does not yet, with the reason. Each must fail
/// at least one expectation today; when one passes, move it to [`CASES`]. None today:
/// TLS 1.3 draft 20 (tls13-20-chacha20poly1305.pcap) once was.
const NOT_YET: &[(&str, Case)] = &[];

fn testdata(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/wireshark").join(path)
}

fn tlsdoctor<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SSLKEYLOGFILE")
        .output()
        .expect("tlsdoctor runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

fn show(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

/// The options that give a case's secrets; temporary key logs go to `dir`.
fn key_args(keys: &[Key], dir: &Path) -> Vec<String> {
    let mut args = Vec::new();
    for key in keys {
        match *key {
            Keylog(file) => {
                args.extend(["--keylog".to_string(), testdata(&format!("keys/{file}")).display().to_string()])
            }
            KeylogLines(file, prefix) => {
                let all = std::fs::read_to_string(testdata(&format!("keys/{file}"))).unwrap();
                let lines: String = all.lines().filter(|l| l.starts_with(prefix)).map(|l| format!("{l}\n")).collect();
                assert!(!lines.is_empty(), "{file} has lines starting with {prefix:?}");
                let path = dir.join("selected.keys");
                std::fs::write(&path, lines).unwrap();
                args.extend(["--keylog".to_string(), path.display().to_string()]);
            }
            Rsa(binding, file) => {
                let path = testdata(&format!("keys/{file}")).display().to_string();
                let value = if binding.is_empty() { path } else { format!("{binding}={path}") };
                args.extend(["--rsa-key".to_string(), value]);
            }
            Password(password) => args.extend(["--key-password".to_string(), password.to_string()]),
            Psk(hex) => args.extend(["--psk".to_string(), hex.to_string()]),
        }
    }
    args
}

/// What `tlsdoctor decrypt` gave for a case.
struct Decrypted {
    /// stdout of the text format.
    text: String,
    stderr: String,
    /// (connection, "client"/"server", bytes) from --out-dir.
    streams: Vec<(u32, String, Vec<u8>)>,
    /// Frames named by the `=== frame N ...` header lines.
    frames: Vec<u64>,
    /// stdout of the hex format, when the case asks for it.
    hex: Option<String>,
}

impl Decrypted {
    fn all(&self) -> impl Iterator<Item = &[u8]> {
        self.streams.iter().map(|(_, _, b)| b.as_slice())
    }
    fn connection(&self, id: u32) -> impl Iterator<Item = &[u8]> {
        self.streams.iter().filter(move |(c, _, _)| *c == id).map(|(_, _, b)| b.as_slice())
    }
}

fn decrypt(case: &Case) -> Decrypted {
    let dir = Scratch::new(case.test);
    let out_dir = dir.join("streams");
    let capture = testdata(&format!("captures/{}", case.capture)).display().to_string();
    let keys = key_args(case.keys, dir.path());
    let mut args = vec!["decrypt".to_string(), capture.clone(), "--out-dir".to_string(), out_dir.display().to_string()];
    args.extend(keys.iter().cloned());
    let out = tlsdoctor(&args);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(!stderr.contains("panicked"), "{}: tlsdoctor panicked:\n{stderr}", case.test);
    let mut streams = Vec::new();
    for entry in std::fs::read_dir(&out_dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        // conn-N-client / conn-N-server
        let mut parts = name.splitn(3, '-');
        let (Some("conn"), Some(id), Some(side)) = (parts.next(), parts.next(), parts.next()) else {
            panic!("unexpected file {}", path.display())
        };
        streams.push((id.parse().unwrap(), side.to_string(), std::fs::read(&path).unwrap()));
    }
    streams.sort();
    let frames = stdout.lines().filter_map(|l| l.strip_prefix("=== frame ")?.split(' ').next()?.parse().ok()).collect();
    let hex = case.expect.iter().any(|e| matches!(e, HexLine(_))).then(|| {
        let mut args = vec!["decrypt".to_string(), capture, "--format".to_string(), "hex".to_string()];
        args.extend(keys);
        text(&tlsdoctor(&args).stdout)
    });
    Decrypted { text: stdout, stderr, streams, frames, hex }
}

/// Printable text that the text format shows unescaped.
fn plain_text(needle: &[u8]) -> Option<&str> {
    needle.iter().all(|b| (0x20..0x7f).contains(b) && *b != b'\\').then(|| std::str::from_utf8(needle).unwrap())
}

/// The expectations of a case that tlsdoctor's output does not meet.
fn failures(case: &Case) -> Vec<String> {
    let d = decrypt(case);
    let mut failed = Vec::new();
    for expect in case.expect {
        match *expect {
            Contains(needle) => {
                if !d.all().any(|b| find(b, needle).is_some()) {
                    failed.push(format!("{:?} not in the plaintext", show(needle)));
                } else if plain_text(needle).is_some_and(|t| !d.text.contains(t)) {
                    failed.push(format!("{:?} in the raw plaintext but not in the text output", show(needle)));
                }
            }
            InConnection(id, needle) => {
                if !d.connection(id).any(|b| find(b, needle).is_some()) {
                    failed.push(format!("{:?} not in the plaintext of connection {id}", show(needle)));
                } else if plain_text(needle).is_some_and(|t| !d.text.contains(t)) {
                    failed.push(format!("{:?} in the raw plaintext but not in the text output", show(needle)));
                }
            }
            Count(needle, want) => {
                let got: usize = d.all().map(|b| count(b, needle)).sum();
                if got != want {
                    failed.push(format!("{:?} {got} times in the plaintext, expected {want}", show(needle)));
                }
            }
            Absent(needle) => {
                if d.all().any(|b| find(b, needle).is_some()) {
                    failed.push(format!("{:?} in the plaintext, Wireshark leaves it encrypted", show(needle)));
                }
            }
            ServerStartsWith(id, prefix) => {
                let server = d.streams.iter().find(|(c, s, _)| *c == id && s == "server");
                if !server.is_some_and(|(_, _, b)| b.starts_with(prefix)) {
                    failed.push(format!(
                        "the server plaintext of connection {id} does not start with {:?}",
                        show(prefix)
                    ));
                }
            }
            HexLine(line) => {
                if !d.hex.as_deref().is_some_and(|h| h.lines().any(|l| l == line)) {
                    failed.push(format!("no line {line:?} in the hex output"));
                }
            }
            Frames(want) => {
                let mut got = d.frames.clone();
                got.dedup();
                if got != want {
                    failed.push(format!("application data decrypted in frames {got:?}, expected {want:?}"));
                }
            }
        }
    }
    if !failed.is_empty() {
        failed.push(format!("stderr: {}", d.stderr.trim()));
    }
    failed
}

#[test]
fn wireshark_cases_decrypt_as_wireshark_expects() {
    let mut report = Vec::new();
    for case in CASES {
        let failed = failures(case);
        if !failed.is_empty() {
            report.push(format!("{} ({}):\n  {}", case.test, case.capture, failed.join("\n  ")));
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn not_yet_cases_still_do_not_decrypt() {
    let mut now_working = Vec::new();
    for (why, case) in NOT_YET {
        let failed = failures(case);
        eprintln!("not yet: {} ({}): {}", case.test, case.capture, failed.join("; "));
        if failed.is_empty() {
            now_working.push(format!("{} ({}): was not expected to work because {why}", case.test, case.capture));
        }
    }
    assert!(
        now_working.is_empty(),
        "these cases decrypt now: move them from NOT_YET to CASES:\n{}",
        now_working.join("\n")
    );
}

/// The key log at keys/FILE with the last hex digit of the secret on its first secret
/// line flipped.
fn damaged_keylog(file: &str, dir: &Path) -> PathBuf {
    let original = std::fs::read_to_string(testdata(&format!("keys/{file}"))).unwrap();
    let mut done = false;
    let lines: Vec<String> = original
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if done || fields.len() != 3 || line.starts_with('#') {
                return line.to_string();
            }
            done = true;
            let secret = fields[2];
            let last = secret.chars().last().unwrap();
            let flipped = if last == '0' { '1' } else { '0' };
            format!("{} {} {}{flipped}", fields[0], fields[1], &secret[..secret.len() - 1])
        })
        .collect();
    assert!(done, "{file} has a secret line");
    let path = dir.join(format!("damaged-{file}"));
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn a_key_log_with_one_wrong_digit_gives_no_plaintext_and_says_so() {
    let dir = Scratch::new("damaged");
    // TLS 1.0 AES-CBC (a MAC failure) and TLS 1.2 AES-GCM (a tag failure).
    for (capture, keylog) in
        [("dhe1.pcapng.gz", "dhe1_keylog.dat"), ("http2-data-reassembly.pcap", "http2-data-reassembly.keys")]
    {
        let damaged = damaged_keylog(keylog, dir.path()).display().to_string();
        let capture = testdata(&format!("captures/{capture}")).display().to_string();

        let out = tlsdoctor(&["decrypt", &capture, "--keylog", &damaged]);
        let stdout = text(&out.stdout);
        assert!(!stdout.contains("=== frame"), "{capture}: plaintext with a damaged key log:\n{stdout}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("do not decrypt with the secrets found for their connection"), "{stderr}");
        assert!(stderr.contains("(first: connection 1, frame "), "{stderr}");
        assert_eq!(out.status.code(), Some(1), "{capture}: {stderr}");

        let out = tlsdoctor(&["dissect", "--format", "json", &capture, "--keylog", &damaged]);
        let lines: Vec<serde_json::Value> =
            text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("JSON lines")).collect();
        assert!(
            lines.iter().any(|l| l["anomaly"] == "decrypt-failed"),
            "{capture}: no decrypt-failed anomaly:\n{}",
            text(&out.stdout)
        );
        assert!(!lines.iter().any(|l| l["decrypted"] == true), "{capture}: a message decrypted with a damaged key log");

        let out = tlsdoctor(&["diagnose", "--format", "json", &capture, "--keylog", &damaged]);
        assert!(
            text(&out.stdout).contains("\"keylog-mismatch\""),
            "{capture}: no keylog-mismatch:\n{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn a_malformed_key_log_line_is_named_by_number_and_the_others_still_decrypt() {
    let dir = Scratch::new("malformed");
    let original = std::fs::read_to_string(testdata("keys/tls12-chacha20poly1305.keys")).unwrap();
    let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
    // Line 3: a client random that is not hex; line 7: a master secret cut short.
    lines.insert(2, "CLIENT_RANDOM zz85fc5f6db67c9cf825cd8a1f34cf6c5e89ec09656a4944ec5536a36aed5728 00".to_string());
    lines.insert(6, "CLIENT_RANDOM 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 0011".to_string());
    let path = dir.join("malformed.keys");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();

    let capture = testdata("captures/tls12-chacha20poly1305.pcap").display().to_string();
    let out = tlsdoctor(&["decrypt", &capture, "--keylog", &path.display().to_string()]);
    let stderr = text(&out.stderr);
    let named: Vec<&str> = stderr.lines().filter(|l| l.contains("malformed.keys: line ")).collect();
    assert_eq!(named.len(), 2, "two lines named:\n{stderr}");
    assert!(named[0].contains("malformed.keys: line 3: "), "{stderr}");
    assert!(named[1].contains("malformed.keys: line 7: "), "{stderr}");
    assert!(out.status.success(), "{stderr}");
    let stdout = text(&out.stdout);
    for cipher in ["ECDHE-ECDSA", "ECDHE-RSA", "DHE-RSA", "RSA-PSK", "DHE-PSK", "ECDHE-PSK", "PSK"] {
        assert!(stdout.contains(&format!("Cipher is {cipher}-CHACHA20-POLY1305")), "{cipher} not decrypted\n{stderr}");
    }
}

/// Every secret of a key file, lower-case hex (the third field of each line).
fn secrets_of(file: &Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().nth(2))
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Any 8-byte stretch of `secret` (hex, byte-aligned) in `output` (lower-cased).
fn leaked<'a>(output: &str, secret: &'a str) -> Option<&'a str> {
    (0..=secret.len().saturating_sub(16)).step_by(2).map(|i| &secret[i..i + 16]).find(|w| output.contains(w))
}

#[test]
fn secrets_never_appear_in_dissect_or_diagnose_output() {
    // (capture, key options, files whose secrets to look for)
    let cases: &[(&str, &[Key], &[&str])] = &[
        ("dhe1.pcapng.gz", &[Keylog("dhe1_keylog.dat")], &["dhe1_keylog.dat"]),
        ("http2-data-reassembly.pcap", &[Keylog("http2-data-reassembly.keys")], &["http2-data-reassembly.keys"]),
        ("tls12-chacha20poly1305.pcap", &[Keylog("tls12-chacha20poly1305.keys")], &["tls12-chacha20poly1305.keys"]),
        (
            "tls13-20-chacha20poly1305.pcap",
            &[Keylog("tls13-20-chacha20poly1305.keys")],
            &["tls13-20-chacha20poly1305.keys"],
        ),
        ("tls13-rfc8446.pcap", &[Keylog("tls13-rfc8446.keys")], &["tls13-rfc8446.keys"]),
        ("tls13-rfc8446.pcap", &[Keylog("tls13-rfc8446-noearly.keys")], &["tls13-rfc8446-noearly.keys"]),
        // Embedded in the pcapng: the same secrets as these two files.
        ("tls12-dsb.pcapng", &[], &["tls12-dsb-1.keys", "tls12-dsb-2.keys"]),
        ("tls12-aes128ccm.pcap", &[Psk(PSK)], &[]),
    ];
    let dir = Scratch::new("secrets");
    let mut leaks = Vec::new();
    for (capture, keys, files) in cases {
        let mut secrets: Vec<String> = files.iter().flat_map(|f| secrets_of(&testdata(&format!("keys/{f}")))).collect();
        if keys.iter().any(|k| matches!(k, Psk(_))) {
            secrets.push(PSK.to_string());
        }
        let capture_path = testdata(&format!("captures/{capture}")).display().to_string();
        let keys = key_args(keys, dir.path());
        for command in [&["dissect", "-v"][..], &["dissect", "--format", "json"], &["diagnose", "--format", "json"]] {
            let mut args: Vec<String> = command.iter().map(|s| s.to_string()).collect();
            args.push(capture_path.clone());
            args.extend(keys.iter().cloned());
            let out = tlsdoctor(&args);
            let all = (text(&out.stdout) + &text(&out.stderr)).to_ascii_lowercase();
            assert!(!all.contains("panicked"), "{capture} {command:?}: {all}");
            for secret in &secrets {
                if let Some(piece) = leaked(&all, secret) {
                    leaks.push(format!("{capture} {}: {piece} (of a secret)", command.join(" ")));
                }
            }
        }
    }
    assert!(leaks.is_empty(), "secrets in the output:\n{}", leaks.join("\n"));
}

/// A key log line whose label is missing (a wrapped line, a secret pasted alone) must be
/// named by number without echoing its content, which is a secret.
#[test]
fn an_unlabelled_line_is_not_echoed() {
    let dir = Scratch::new("unlabelled");
    let original = std::fs::read_to_string(testdata("keys/dhe1_keylog.dat")).unwrap();
    let secret_line = original.lines().find(|l| l.starts_with("CLIENT_RANDOM")).unwrap();
    let fields: Vec<&str> = secret_line.split_whitespace().collect();
    // The line wrapped before its secret: line 1 has two fields, line 2 the secret alone.
    let path = dir.join("wrapped.keys");
    std::fs::write(&path, format!("{} {}\n{}\n", fields[0], fields[1], fields[2])).unwrap();
    let capture = testdata("captures/dhe1.pcapng.gz").display().to_string();
    let out = tlsdoctor(&["decrypt", &capture, "--keylog", &path.display().to_string()]);
    let stderr = text(&out.stderr).to_ascii_lowercase();
    assert!(stderr.contains("wrapped.keys: line 2"), "{stderr}");
    assert_eq!(leaked(&stderr, &fields[2].to_ascii_lowercase()), None, "{stderr}");
}
