//! Hostile captures (issue 6): each gives the expected error or finding, within a memory
//! bound, and the run ends.
//!
//! The captures are made by `tests/hostile/make-hostile.py` (Python 3, standard library
//! only) from the real handshakes of `tests/fixtures/`. The small ones are committed in
//! `tests/hostile/` (and checked here to be what the script makes); the large ones
//! (floods, 10,000 retransmissions, 1,000-certificate chains: 1-14 MB each) are written
//! by the script at test time into a temporary directory. `tests/hostile/README.md`
//! lists every case.
//!
//! The memory bound: every run of the binary goes through `sh -c 'ulimit -v 262144 &&
//! exec tlsdoctor ...'`, a 256 MiB limit on the process's virtual address space
//! (RLIMIT_AS), inherited across `exec`. An allocation past it fails and the Rust
//! runtime aborts ("memory allocation of N bytes failed", SIGABRT), so "exited with 0
//! or 1" proves the run stayed under the bound. Virtual rather than resident memory,
//! because RLIMIT_RSS is not enforced by Linux and a `/proc/PID/status` VmHWM read races
//! the exit; the debug binary is single-threaded, so no per-thread malloc arenas (64 MiB
//! of reserved address space each) blur the number. Measured peaks (RSS, debug build):
//! 50,000 SYN-only connections ~100 MB, 20,000 one-segment connections ~80 MB, the rest
//! under 15 MB; a 64 MiB limit makes the SYN flood abort (see
//! `the_memory_limit_is_enforced`), so 256 MiB is a bound with a margin, not a no-op.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{have_tool, Scratch};
use serde_json::Value;
use tlsdoctor::pipeline::{analyze_reader, Config, Connection, InputSummary, Observer};
use tlsdoctor_capture::CaptureReader;
use tlsdoctor_tcp::FlowConfig;
use tlsdoctor_tls::stream::{AnomalyKind, Event};

/// The limit on the binary's virtual memory, in KiB (`ulimit -v` units).
const MEMORY_LIMIT_KIB: u64 = 256 * 1024;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

/// A committed hostile case.
fn hostile(name: &str) -> PathBuf {
    repo("tests/hostile").join(name)
}

/// Runs the generator script with `args` (after the output directory).
fn make_hostile(mode: &str, dir: &Path, names: &[&str]) {
    let script = repo("tests/hostile/make-hostile.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(mode)
        .arg(dir)
        .args(names)
        .output()
        .unwrap_or_else(|e| panic!("python3 {}: {e} (the hostile cases need Python 3)", script.display()));
    assert!(out.status.success(), "make-hostile.py {mode} failed: {}", text(&out.stderr));
}

/// A large case, written now into its own temporary directory; `None` (said on the
/// terminal) without Python.
fn big(name: &str) -> Option<(Scratch, PathBuf)> {
    if !have_tool("python3", &format!("the hostile case {name}, made by make-hostile.py")) {
        return None;
    }
    let dir = Scratch::new(name);
    make_hostile("--big", dir.path(), &[name]);
    let path = dir.join(name);
    Some((dir, path))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The binary, under the memory limit.
fn tlsdoctor(args: &[&str]) -> Output {
    tlsdoctor_limited(MEMORY_LIMIT_KIB, args)
}

fn tlsdoctor_limited(limit_kib: u64, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {limit_kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_tlsdoctor"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SSLKEYLOGFILE")
        .output()
        .unwrap()
}

fn status(out: &Output) -> i32 {
    out.status.code().unwrap_or_else(|| panic!("killed by a signal: {:?}; stderr: {}", out.status, text(&out.stderr)))
}

/// `dissect --format json` of a capture: its JSON lines, and stderr. Asserts the run
/// ended with status 0 (analysed, maybe with warnings).
fn dissect(path: &Path) -> (Vec<Value>, String) {
    let out = tlsdoctor(&["dissect", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(status(&out), 0, "dissect {}: {}", path.display(), text(&out.stderr));
    let lines = text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    (lines, text(&out.stderr))
}

/// `diagnose --format json` of a capture: the report, and stderr. Asserts status 0 or 1.
fn diagnose(path: &Path) -> (Value, String) {
    let out = tlsdoctor(&["diagnose", "--format", "json", path.to_str().unwrap()]);
    assert!(matches!(status(&out), 0 | 1), "diagnose {}: {}", path.display(), text(&out.stderr));
    (serde_json::from_slice(&out.stdout).expect("the report is JSON"), text(&out.stderr))
}

fn anomalies<'a>(lines: &'a [Value], code: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["anomaly"] == code).collect()
}

/// The names of the messages, in order.
fn names(lines: &[Value]) -> Vec<&str> {
    lines.iter().filter_map(|l| l["name"].as_str()).collect()
}

/// The messages of the gnutls-tls12 conversation the cases are built from, as dissected.
const CONVERSATION: [&str; 15] = [
    "client_hello",
    "server_hello",
    "certificate",
    "server_key_exchange",
    "server_hello_done",
    "client_key_exchange",
    "change_cipher_spec",
    "handshake",
    "new_session_ticket",
    "change_cipher_spec",
    "handshake",
    "application_data",
    "application_data",
    "alert",
    "alert",
];

// ---------------------------------------------------------------------------------------

#[test]
fn the_committed_cases_are_what_the_script_makes() {
    if !have_tool("python3", "checking the committed hostile cases against make-hostile.py") {
        return;
    }
    let dir = Scratch::new("small");
    make_hostile("--small", dir.path(), &[]);
    let mut made: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    made.sort();
    assert!(made.len() >= 15, "{made:?}");
    for name in made {
        let fresh = std::fs::read(dir.join(&name)).unwrap();
        let committed = std::fs::read(hostile(name.to_str().unwrap()))
            .unwrap_or_else(|e| panic!("tests/hostile/{name:?}: {e}; run tests/hostile/make-hostile.py"));
        assert!(fresh == committed, "tests/hostile/{name:?} differs from what make-hostile.py makes now");
    }
}

#[test]
fn unusable_files_exit_2_naming_the_file_and_the_byte() {
    for (name, offset, what) in [
        ("garbage.pcap", 0, "not a pcap or pcapng file"),
        ("cut-global-header.pcap", 0, "file cut in a pcap file header: 24 bytes announced, only 10 present"),
    ] {
        let path = hostile(name);
        for cmd in ["dissect", "diagnose"] {
            let out = tlsdoctor(&[cmd, "--format", "json", path.to_str().unwrap()]);
            let stderr = text(&out.stderr);
            assert_eq!(status(&out), 2, "{cmd} {name}: {stderr}");
            assert!(stderr.contains(&format!("{name}: at byte {offset}: {what}")), "{cmd} {name}: {stderr}");
        }
    }
}

#[test]
fn truncated_files_are_analysed_up_to_the_cut() {
    for (name, offset, what, frames) in [
        ("cut-record-header.pcap", 604, "file cut in a pcap record header: 16 bytes announced, only 7 present", 5),
        ("cut-packet-body.pcap", 604, "file cut in a pcap packet record: 1395 bytes announced, only 116 present", 5),
        ("cut-pcapng-block.pcapng", 932, "file cut in a pcapng block: 1412 bytes announced, only 40 present", 5),
        ("cut-gzip.pcap.gz", 604, "read error: incomplete deflate stream", 5),
    ] {
        let (lines, stderr) = dissect(&hostile(name));
        let said = format!("{name}: at byte {offset}: {what}; the {frames} frames before the cut were analysed");
        assert!(stderr.contains(&said), "{name}: {stderr}");
        // Frame 4 is the ClientHello; frame 6, cut, carried the server's first flight.
        assert_eq!(names(&lines), ["client_hello"], "{name}");
        assert_eq!(lines[0]["frame"], 4);
    }
}

/// BUG (not fixed here): a pcap cut inside its global header exits 2, but a pcapng cut
/// inside its section header block is "analysed" (0 frames) and exits 0. The message is
/// right; the status should say the input was unusable.
#[test]
fn a_pcapng_cut_inside_its_section_header_is_unusable() {
    let path = hostile("cut-pcapng-section-header.pcapng");
    let out = tlsdoctor(&["dissect", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(status(&out), 2, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("cut-pcapng-section-header.pcapng: at byte 0: file cut in a pcapng block: 164 bytes announced, only 20 present"),
        "{stderr}"
    );
}

#[test]
fn unknown_and_garbage_link_types_are_counted_not_fatal() {
    for (name, undecodable, first) in [
        ("linktype-unknown.pcap", 14, "frame 1: link: link type 65535 is not supported"),
        ("linktype-user0-garbage.pcapng", 50, "frame 1: link: link type 147 is not supported"),
        ("ethernet-garbage.pcap", 4, "frame 8: ethernet: truncated header: 6 of 14 bytes"),
    ] {
        let (lines, stderr) = dissect(&hostile(name));
        assert!(lines.is_empty(), "{name}");
        let said = format!("{name}: {undecodable} frames could not be decoded (first: {first})");
        assert!(stderr.contains(&said), "{name}: {stderr}");
        assert!(stderr.contains(&format!("{name}: no TLS found in")), "{name}: {stderr}");
        let (report, _) = diagnose(&hostile(name));
        assert_eq!(report["connections"], Value::Array(vec![]), "{name}");
    }
}

#[test]
fn capture_lengths_past_the_end_stop_the_reading_with_a_warning() {
    for (name, said) in [
        (
            "pcap-caplen-past-end.pcap",
            "at byte 234: malformed: pcap record claims 2147483647 captured bytes, more than the 262144 allowed; the 3 frames before it were analysed",
        ),
        (
            "pcapng-block-length-past-end.pcapng",
            "at byte 312: malformed: block of type 0x6 has total length 2147483648, more than the 16777216 allowed; the 3 frames before it were analysed",
        ),
    ] {
        let (lines, stderr) = dissect(&hostile(name));
        assert!(lines.is_empty(), "{name}: the ClientHello was in frame 4");
        assert!(stderr.contains(&format!("{name}: {said}")), "{name}: {stderr}");
    }
}

#[test]
fn ip_and_tcp_lengths_past_the_end_lose_only_their_frames() {
    let name = "ip-tcp-lengths-past-end.pcap";
    let (lines, stderr) = dissect(&hostile(name));
    assert!(
        stderr.contains(&format!(
            "{name}: 4 frames could not be decoded (first: frame 6: ipv4: header length 60 with 40 bytes captured)"
        )),
        "{stderr}"
    );
    // The copy with an IPv4 total length of 0xFFFF passes as a frame cut by the capture:
    // a duplicate of data already seen. The conversation is whole.
    assert_eq!(names(&lines), CONVERSATION);
    assert!(lines.iter().all(|l| l.get("anomaly").is_none()));
}

#[test]
fn tls_lengths_past_the_end_are_reported() {
    let (lines, _) = dissect(&hostile("tls-lengths-past-end.pcap"));
    let truncated = anomalies(&lines, "truncated-at-end");
    // Connection 1: a record declaring 16384 bytes, 100 present.
    assert!(truncated.iter().any(|a| a["connection"] == 1
        && a["frame"] == 4
        && a["summary"] == "capture ends inside a record (100 of 16384 bytes)"));
    // Connection 2: a record length of 0xFFFF is no TLS record header: the stream is not
    // recognised as TLS at all.
    assert!(lines.iter().all(|l| l["connection"] != 2));
    // Connection 3: a handshake message declaring 60000 bytes in a 197-byte record.
    assert!(truncated.iter().any(
        |a| a["connection"] == 3 && a["summary"] == "capture ends inside a handshake message (197 of 60004 bytes)"
    ));
    // Connection 4: the ClientHello's cipher-suites length points past its end: the
    // message is delimited (its own length is right) and listed; its fields are not.
    assert!(lines.iter().any(|l| l["connection"] == 4 && l["name"] == "client_hello"));
    let out = tlsdoctor(&["dissect", "-v", hostile("tls-lengths-past-end.pcap").to_str().unwrap()]);
    assert!(text(&out.stdout).contains("[malformed: cipher_suites: expected 65520 bytes, got 156]"));
}

/// BUG (not fixed here): a connection whose only record is cut by the end of the capture
/// is TLS (dissect reports the truncated record) but `diagnose` leaves it out, because
/// `Connection::is_tls` is set by complete records only (pipeline.rs, `with_tls`), and
/// `Diagnoser::connection_ended` skips connections without it.
#[test]
fn diagnose_lists_a_connection_whose_only_record_is_cut() {
    let (report, _) = diagnose(&hostile("tls-lengths-past-end.pcap"));
    let ids: Vec<_> = report["connections"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect();
    assert!(ids.contains(&Value::from(1)), "{ids:?}");
}

#[test]
fn a_handshake_message_declaring_16_mib_is_reported_and_skipped() {
    let (lines, _) = dissect(&hostile("handshake-16mib.pcap"));
    assert_eq!(names(&lines), ["client_hello", "server_hello"]);
    let oversized = anomalies(&lines, "oversized-message");
    assert_eq!(oversized.len(), 1, "{lines:?}");
    // Frame 5 carries the ServerHello record; frame 6 starts the Certificate record, whose
    // first 4 body bytes (the message header) complete in frame 16 (the 16 KiB record).
    assert_eq!(oversized[0]["frame"], 16);
    assert_eq!(oversized[0]["from"], "server");
    assert_eq!(oversized[0]["summary"], "certificate declares 16777215 bytes, over the limit; skipped");
    assert_eq!(anomalies(&lines, "truncated-at-end").len(), 1);
}

/// BUG (not fixed here): when the capture ends inside a skipped oversized message, the
/// truncated-at-end anomaly says "handshake message (0 of 4 bytes)": the numbers are
/// those of the (empty) buffer, not of the message (crates/tls/src/stream.rs, `finish`,
/// the `handshake_skip > 0` case).
#[test]
fn the_end_inside_a_skipped_message_gives_its_real_size() {
    let (lines, _) = dissect(&hostile("handshake-16mib.pcap"));
    let truncated = anomalies(&lines, "truncated-at-end");
    assert!(truncated[0]["summary"].as_str().unwrap().contains("of 16777219 bytes"), "{truncated:?}");
}

/// BUG (not fixed here): the oversized message is a dissect anomaly only. `diagnose`
/// keeps it in `Story::anomalies` but no check turns it into a finding, so a server whose
/// Certificate message was skipped is reported with no certificate and no word why (for
/// chain-1000-rsa.pcap the outcome is even "ok").
#[test]
fn diagnose_reports_an_oversized_message_with_its_frame() {
    let (report, _) = diagnose(&hostile("handshake-16mib.pcap"));
    let findings = report["connections"][0]["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["frame"] == 16), "{findings:?}");
}

#[test]
fn ten_thousand_retransmissions_of_one_segment() {
    for name in ["retrans-10000-same.pcap", "retrans-10000-shifted.pcap"] {
        let Some((_dir, path)) = big(name) else { return };
        let (lines, stderr) = dissect(&path);
        assert_eq!(names(&lines), CONVERSATION, "{name}: {stderr}");
        assert!(lines.iter().all(|l| l.get("anomaly").is_none()), "{name}");
        assert!(!stderr.contains("never captured"), "{name}: {stderr}");
        let (report, _) = diagnose(&path);
        assert_eq!(report["connections"][0]["outcome"], "ok", "{name}");
        // The library: every copy is seen as a retransmission (same) or as out of order
        // (shifted: they come ahead of a hole); none is lost to the 1 MiB pending cap.
        let (summary, _) = analyze(&path, Config::default());
        let tcp = summary.tcp;
        assert!(tcp.retransmitted_segments + tcp.out_of_order_segments >= 10_000, "{name}: {tcp:?}");
        assert_eq!(summary.tcp.gaps, 0, "{name}");
    }
}

#[test]
fn a_chain_of_1000_certificates_under_the_message_limit_is_parsed_whole() {
    let Some((_dir, path)) = big("chain-1000-ecdsa.pcap") else { return };
    let (lines, _) = dissect(&path);
    let cert = lines.iter().find(|l| l["name"] == "certificate").expect("the Certificate message");
    assert_eq!(cert["length"], 1000 * (3 + 719) + 3);
    assert!(cert["frames"].as_array().unwrap().len() > 400, "split over ~500 segments");
    let (report, _) = diagnose(&path);
    let conn = &report["connections"][0];
    let subjects = conn["story"]["server_certificates"]["subjects"].as_array().unwrap();
    assert_eq!(subjects.len(), 1000);
    assert!(subjects.iter().all(|s| s == &subjects[0]));
    assert_eq!(conn["outcome"], "ok");
}

#[test]
fn a_chain_of_1000_certificates_over_the_message_limit_is_reported_oversized() {
    // 1,000 RSA-4096 certificates of 1,407 bytes: 1,410,003 bytes, over the default 1 MiB
    // handshake message limit (StreamConfig::max_message_len), far under 2^24.
    let Some((_dir, path)) = big("chain-1000-rsa.pcap") else { return };
    let (lines, _) = dissect(&path);
    let oversized = anomalies(&lines, "oversized-message");
    assert_eq!(oversized.len(), 1);
    assert_eq!(oversized[0]["summary"], "certificate declares 1410003 bytes, over the limit; skipped");
    // The messages after it are found again.
    assert!(names(&lines).contains(&"server_key_exchange"));
    assert!(names(&lines).contains(&"client_key_exchange"));
    let (report, _) = diagnose(&path);
    assert!(report["connections"][0]["story"]["server_certificates"].is_null());
}

#[test]
fn fifty_thousand_syn_only_connections_finish_within_the_bound() {
    let Some((_dir, path)) = big("syn-flood-50000.pcap") else { return };
    let (lines, stderr) = dissect(&path);
    assert!(lines.is_empty());
    assert!(stderr.contains("no TLS found in 50000 frames"), "{stderr}");
    let (report, _) = diagnose(&path);
    assert_eq!(report["connections"], Value::Array(vec![]));
}

#[test]
fn twenty_thousand_one_segment_connections_finish_within_the_bound() {
    let Some((_dir, path)) = big("one-segment-20000.pcap") else { return };
    let (lines, _) = dissect(&path);
    // Each connection holds 595 bytes of a 16,197-byte record, reported at its end.
    let truncated = anomalies(&lines, "truncated-at-end");
    assert_eq!(truncated.len(), 20_000);
    assert!(truncated.iter().all(|a| a["summary"] == "capture ends inside a record (595 of 16197 bytes)"));
    diagnose(&path);
}

#[test]
fn the_flow_limit_is_an_option_and_its_evictions_are_reported() {
    let Some((_dir, path)) = big("one-segment-20000.pcap") else { return };
    for threads in ["1", "2"] {
        let out = tlsdoctor(&[
            "diagnose",
            "--format",
            "json",
            "--threads",
            threads,
            "--max-flows",
            "1000",
            path.to_str().unwrap(),
        ]);
        let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
        let evicted = report["inputs"][0]["evicted_connections"].as_u64().unwrap();
        assert!(evicted >= 20_000 - 1001, "--threads {threads}: {evicted} evicted");
        assert_eq!(report["connections"].as_array().map(Vec::len), Some(20_000), "every connection is reported");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("connections were released early") && stderr.contains("--max-flows"), "{stderr}");
    }
}

#[test]
fn the_memory_limit_is_enforced() {
    // The harness's bound is real: at 64 MiB the SYN flood's flow table cannot grow
    // when --max-flows lets it hold all 50,000 connections.
    let Some((_dir, path)) = big("syn-flood-50000.pcap") else { return };
    let args = ["dissect", "--format", "json", "--max-flows", "1000000", path.to_str().unwrap()];
    let out = tlsdoctor_limited(64 * 1024, &args);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("memory allocation of"), "{}", text(&out.stderr));
}

// ---------------------------------------------------------------------------------------
// The flow table's limit, through the library with a small table.

/// Counts what the pipeline ended, and checks at each frame that the connections still
/// open (opened - ended) stay within the table's limit.
#[derive(Default)]
struct FlowWatch {
    /// Connections opened so far: one per frame in these floods.
    opened_by_frame: u64,
    ended: u64,
    most_open: u64,
    truncated: u64,
}

impl Observer for FlowWatch {
    fn tls(&mut self, _conn: &Connection, event: &Event<'_>) {
        if let Event::Anomaly(a) = event {
            self.truncated += u64::from(matches!(a.kind, AnomalyKind::TruncatedAtEnd { .. }));
        }
    }

    fn connection_ended(&mut self, _conn: &Connection) {
        self.ended += 1;
    }

    fn frame_done(&mut self, frame: u64) {
        self.opened_by_frame = frame;
        self.most_open = self.most_open.max(frame - self.ended);
    }
}

fn analyze(path: &Path, config: Config) -> (InputSummary, FlowWatch) {
    let mut watch = FlowWatch::default();
    let reader = CaptureReader::open(path).unwrap();
    let summary = analyze_reader(reader, &config, &mut watch, &mut |_| {}).unwrap();
    (summary, watch)
}

fn small_table() -> Config {
    Config { flows: FlowConfig { max_flows: 1000, ..FlowConfig::default() }, ..Config::default() }
}

#[test]
fn floods_stay_within_the_flow_table_limit_and_count_evictions() {
    for (name, n, truncated) in [("syn-flood-50000.pcap", 50_000, 0), ("one-segment-20000.pcap", 20_000, 20_000)] {
        let Some((_dir, path)) = big(name) else { return };
        let (summary, watch) = analyze(&path, small_table());
        assert_eq!(summary.frames, n);
        assert_eq!(summary.tcp.connections, n);
        assert_eq!(watch.ended, n, "{name}: every connection ends");
        // The table releases an eighth at once when it overflows: 1000 + 1 at most.
        assert!(watch.most_open <= 1001, "{name}: {} connections open at once", watch.most_open);
        // All but the last table-full are evicted for space (the capture spans 20-50 s,
        // far under the idle timeout), and counted.
        assert!(summary.tcp.evicted_for_space >= n - 1001, "{name}: {:?}", summary.tcp);
        assert_eq!(summary.tcp.evicted_idle, 0);
        // An evicted connection still reports what it held.
        assert_eq!(watch.truncated, truncated, "{name}");
    }
}

// ---------------------------------------------------------------------------------------

#[test]
fn a_key_log_with_bad_lines_is_named_by_line_never_quoted() {
    let keylog = hostile("bad-lines.keylog");
    let capture = hostile("ip-tcp-lengths-past-end.pcap");
    let content = std::fs::read_to_string(&keylog).unwrap();
    // Every client random and secret field, well-formed or not.
    let secrets: Vec<&str> = content.lines().flat_map(|l| l.split(' ').skip(1)).filter(|f| f.len() >= 40).collect();
    assert!(!secrets.is_empty());
    for cmd in ["dissect", "diagnose", "decrypt"] {
        let out = tlsdoctor(&[cmd, "--keylog", keylog.to_str().unwrap(), capture.to_str().unwrap()]);
        let stderr = text(&out.stderr);
        assert!(matches!(status(&out), 0 | 1), "{cmd}: {stderr}");
        for line in [3, 4, 5, 6, 7] {
            assert!(stderr.contains(&format!("bad-lines.keylog: line {line}: ")), "{cmd}: line {line}: {stderr}");
        }
        assert!(!stderr.contains("line 1:") && !stderr.contains("line 2:"), "{cmd}: {stderr}");
        let both = format!("{stderr}{}", text(&out.stdout));
        for secret in &secrets {
            assert!(!both.contains(secret), "{cmd} printed a key log field");
        }
    }
}
