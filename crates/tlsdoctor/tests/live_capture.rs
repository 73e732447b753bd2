//! Live capture, for real: two network namespaces joined by a veth pair
//! (tests/fixtures/netns.sh), `tlsdoctor diagnose -i` on the server's end, and openssl
//! s_server and s_client making a good handshake and one the client refuses (it trusts
//! another CA: unknown_ca). Built with the `live` feature only; needs root (namespaces,
//! capturing), and skips visibly without it unless TLSDOCTOR_REQUIRE_TOOLS is set.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::Scratch;
use serde_json::Value;

const TLSDOCTOR: &str = env!("CARGO_BIN_EXE_tlsdoctor");
/// How late a report may come after its connection ended: a liveness bound, not a
/// benchmark (they come within about a second: the flow table releases a closed
/// connection at the next whole second).
const LIVENESS: Duration = Duration::from_secs(5);

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

/// Whether this test can run: root, and the programs it starts. Skips visibly otherwise,
/// or fails when CI requires the tools.
fn can_run(what_for: &str) -> bool {
    let root = std::fs::read_to_string("/proc/self/status")
        .is_ok_and(|s| s.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0")));
    let tools = [("ip", "-V"), ("openssl", "version"), ("setpriv", "--version")];
    let missing: Vec<&str> = tools
        .iter()
        .filter(|(p, arg)| !Command::new(p).arg(arg).output().is_ok_and(|o| o.status.success()))
        .map(|(p, _)| *p)
        .collect();
    if root && missing.is_empty() {
        return true;
    }
    let why = if root { format!("needs {}", missing.join(", ")) } else { "needs root".to_string() };
    assert!(std::env::var_os("TLSDOCTOR_REQUIRE_TOOLS").is_none(), "{what_for}: {why}");
    eprintln!("skipped: {what_for} ({why})");
    false
}

/// Two namespaces and a veth between them, removed on drop.
struct Namespaces {
    client: String,
    server: String,
    /// The veth end in the server's namespace, where tlsdoctor captures.
    server_if: String,
}

impl Namespaces {
    const CLIENT_IP: &'static str = "10.77.0.1";
    const SERVER_IP: &'static str = "10.77.0.2";

    fn new(prefix: &str) -> Namespaces {
        let script = format!(
            ". '{}'; two_namespaces {prefix} {} {} && echo \"$cli $srv\"",
            repo("tests/fixtures/netns.sh").display(),
            Self::CLIENT_IP,
            Self::SERVER_IP
        );
        let out = Command::new("bash").arg("-c").arg(&script).output().unwrap();
        let names = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let (client, server) = names
            .split_once(' ')
            .unwrap_or_else(|| panic!("netns.sh made no namespaces: {}", String::from_utf8_lossy(&out.stderr)));
        Namespaces { client: client.into(), server: server.into(), server_if: format!("{prefix}-s") }
    }

    fn run_in(&self, ns: &str, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", ns, program]);
        c
    }
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        for ns in [&self.client, &self.server] {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

/// A process killed on drop.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// openssl s_server -WWW in the server's namespace, serving one page, until dropped.
fn start_server(ns: &Namespaces, scratch: &Scratch, port: u16) -> Running {
    let www = scratch.join("www");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("index.html"), "<p>tlsdoctor live test</p>\n").unwrap();
    let pki = repo("tests/fixtures/pki");
    let server = ns
        .run_in(&ns.server, "openssl")
        .args(["s_server", "-accept", &port.to_string(), "-WWW", "-quiet"])
        .arg("-cert")
        .arg(pki.join("server-rsa.pem"))
        .arg("-key")
        .arg(pki.join("server-rsa.key"))
        .current_dir(&www)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let listening = format!("ss -ltnH 'sport = :{port}' | grep -q .");
    for _ in 0..50 {
        if ns.run_in(&ns.server, "sh").args(["-c", &listening]).status().is_ok_and(|s| s.success()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Running(server)
}

/// openssl s_client GETs the page, trusting `ca`, with `more` options; returns when the
/// client is done.
fn https_get(ns: &Namespaces, port: u16, ca: &Path, more: &[&str]) {
    let mut client = ns
        .run_in(&ns.client, "openssl")
        .args(["s_client", "-connect", &format!("{}:{port}", Namespaces::SERVER_IP)])
        .args(more)
        .args(["-servername", "localhost", "-verify_return_error", "-ign_eof", "-CAfile"])
        .arg(ca)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    let _ = client.stdin.take().unwrap().write_all(b"GET /index.html HTTP/1.0\r\nHost: localhost\r\n\r\n");
    let _ = client.wait();
}

/// tlsdoctor capturing in the server's namespace, its stdout lines (with the time each
/// came) on a channel, started once it says it captures.
struct Capture {
    process: Running,
    /// Each line with the wall-clock time it came (seconds since 1970).
    lines: Receiver<(f64, String)>,
    stderr: Receiver<String>,
}

impl Capture {
    /// `tlsdoctor diagnose -i` with `args`.
    fn start(ns: &Namespaces, args: &[&str]) -> Capture {
        Capture::start_command(ns, "diagnose", args)
    }

    fn start_command(ns: &Namespaces, command: &str, args: &[&str]) -> Capture {
        let mut child = ns
            .run_in(&ns.server, TLSDOCTOR)
            .args([command, "-i", &ns.server_if])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (line_tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
                let _ = line_tx.send((now, line));
            }
        });
        let (err_tx, stderr) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = err_tx.send(line);
            }
        });
        let capture = Capture { process: Running(child), lines, stderr };
        let said = capture.stderr.recv_timeout(Duration::from_secs(10)).unwrap_or_default();
        assert!(said.contains("capturing on"), "tlsdoctor did not start capturing: {said}");
        capture
    }

    fn pid(&self) -> u32 {
        self.process.0.id()
    }

    /// The next report line, within `LIVENESS` of now.
    fn next_line(&self) -> (f64, String) {
        self.lines.recv_timeout(LIVENESS).expect("a report line within the liveness bound")
    }

    /// Sends SIGINT and returns the exit status, the rest of stdout and of stderr.
    fn interrupt(mut self) -> (Option<i32>, String, String) {
        let _ = Command::new("kill").args(["-INT", &self.pid().to_string()]).status();
        let status = self.process.0.wait().unwrap();
        let rest: Vec<String> = self.lines.try_iter().map(|(_, l)| l).collect();
        std::thread::sleep(Duration::from_millis(100));
        let err: Vec<String> = self.stderr.try_iter().collect();
        (status.code(), rest.join("\n"), err.join("\n"))
    }
}

/// CapEff and CapPrm of a process, from /proc.
fn capabilities(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        let line = status.lines().find(|l| l.starts_with(name)).unwrap();
        u64::from_str_radix(line.split_whitespace().nth(1).unwrap(), 16).unwrap()
    };
    (field("CapEff:"), field("CapPrm:"))
}

fn codes(report: &Value) -> Vec<&str> {
    report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect()
}

#[test]
fn good_and_refused_handshakes_are_reported_as_they_end() {
    if !can_run("live capture of real handshakes in network namespaces") {
        return;
    }
    let scratch = Scratch::new("live-handshakes");
    let ns = Namespaces::new("tdlive1");
    let _server = start_server(&ns, &scratch, 4433);
    // The key log goes into --write's secrets block as it stood when capture began.
    let keylog = repo("tests/fixtures/tls13-rsa.keylog");
    let written = scratch.join("live.pcapng");
    let keylog_arg = keylog.display().to_string();
    let written_arg = written.display().to_string();
    let capture = Capture::start(&ns, &["--format", "jsonl", "--write", &written_arg, "--keylog", &keylog_arg]);
    let (effective, permitted) = capabilities(capture.pid());
    assert_eq!((effective, permitted), (0, 0), "the capturing process kept capabilities");

    let pki = repo("tests/fixtures/pki");
    https_get(&ns, 4433, &pki.join("ca.pem"), &[]);
    let (good_at, good) = capture.next_line();
    // Another CA than the server's: the client refuses its certificate, in TLS 1.2 where
    // its alert is in clear.
    https_get(&ns, 4433, &repo("samples/ca.pem"), &["-tls1_2"]);
    let (refused_at, refused) = capture.next_line();
    let good: Value = serde_json::from_str(&good).unwrap();
    let refused: Value = serde_json::from_str(&refused).unwrap();
    // How long after its last packet each report came (same clock: the capture's
    // timestamps are the kernel's wall clock).
    let delays = [good_at - good["last_time"].as_f64().unwrap(), refused_at - refused["last_time"].as_f64().unwrap()];
    eprintln!("reports came {:.3} s and {:.3} s after their connections' last packet", delays[0], delays[1]);
    assert!(delays.iter().all(|d| *d < LIVENESS.as_secs_f64()), "{delays:?}");

    assert_eq!(good["input"], format!("interface:{}", ns.server_if));
    assert_eq!(good["client"]["ip"], Namespaces::CLIENT_IP);
    assert_eq!(good["sni"], "localhost");
    assert_eq!(good["outcome"], "ok", "{good:#}");
    assert!(good["first_time"].as_f64().unwrap() <= good["last_time"].as_f64().unwrap());
    assert!(good["fingerprints"]["ja4"].as_str().is_some_and(|j| j.starts_with("t13")), "{good:#}");
    assert_eq!(refused["outcome"], "failed", "{refused:#}");
    assert_eq!(refused["alert"]["sender"], "client");
    assert_eq!(refused["alert"]["description"], "unknown_ca");
    assert!(codes(&refused).contains(&"certificate-trust-unknown"), "{refused:#}");
    assert!(good["id"].as_u64() < refused["id"].as_u64());

    let (status, rest, stderr) = capture.interrupt();
    assert_eq!(status, Some(1), "a failed handshake makes the exit status 1; stderr: {stderr}");
    assert!(rest.is_empty(), "no report was left for the end: {rest}");
    assert!(stderr.contains("packets captured, 0 dropped by the kernel"), "{stderr}");

    // --write kept the packets, after a secrets block holding the key log: the file
    // diagnoses as the capture did.
    let mut reader = tlsdoctor_capture::CaptureReader::open(&written).unwrap();
    while reader.next_frame().unwrap().is_some() {}
    let secrets = reader.decryption_secrets();
    assert_eq!(secrets.len(), 1);
    assert_eq!(secrets[0].data.strip_suffix(b"\n").unwrap_or(&secrets[0].data), read_trimmed(&keylog).as_slice());
    let out = Command::new(TLSDOCTOR).args(["diagnose", "--format", "jsonl"]).arg(&written).output().unwrap();
    let from_file: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(from_file.len(), 2);
    for (file, live) in from_file.iter().zip([&good, &refused]) {
        for member in ["outcome", "client", "server", "alert", "findings", "fingerprints", "first_time", "last_time"] {
            assert_eq!(file[member], live[member], "{member}");
        }
    }
}

/// A file's bytes without their trailing line end.
fn read_trimmed(path: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).unwrap();
    while bytes.last() == Some(&b'\n') {
        bytes.pop();
    }
    bytes
}

#[test]
fn ctrl_c_prints_the_summary() {
    if !can_run("Ctrl-C during a live capture") {
        return;
    }
    let scratch = Scratch::new("live-sigint");
    let ns = Namespaces::new("tdlive2");
    let _server = start_server(&ns, &scratch, 4434);
    let capture = Capture::start(&ns, &[]);
    https_get(&ns, 4434, &repo("tests/fixtures/pki/ca.pem"), &[]);
    // The text report's block for the connection, as it ended.
    let (_, first) = capture.next_line();
    assert!(first.starts_with("ok  connection 1 "), "{first}");
    let (status, rest, _) = capture.interrupt();
    assert_eq!(status, Some(0));
    assert!(rest.ends_with("1 TLS connection(s): 1 ok, 0 failed, 0 incomplete"), "{rest}");
}

/// A connection that stays open is reported once it has been idle for --idle-timeout,
/// while its client still holds it; `dissect -i` shows each message as it comes.
#[test]
fn idle_connections_are_reported_and_messages_dissected_as_they_come() {
    if !can_run("idle connections in a live capture") {
        return;
    }
    let scratch = Scratch::new("live-idle");
    let ns = Namespaces::new("tdlive5");
    let _server = start_server(&ns, &scratch, 4436);
    let capture = Capture::start(&ns, &["--format", "jsonl", "--idle-timeout", "2"]);
    let dissect = Capture::start_command(&ns, "dissect", &["--format", "json"]);
    let client = ns
        .run_in(&ns.client, "openssl")
        .args(["s_client", "-connect", &format!("{}:4436", Namespaces::SERVER_IP), "-servername", "localhost"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut client = Running(client);
    let (_, hello) = dissect.next_line();
    let hello: Value = serde_json::from_str(&hello).unwrap();
    assert_eq!(hello["name"], "client_hello", "{hello:#}");
    let (_, line) =
        capture.lines.recv_timeout(Duration::from_secs(2) + LIVENESS).expect("the idle connection's report");
    assert!(client.0.try_wait().unwrap().is_none(), "the client is still connected");
    let report: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(report["closed"], Value::Null);
    assert_eq!(report["sni"], "localhost");
    assert_eq!(report["version"], "TLS 1.3");
    let _ = client.0.kill();
    capture.interrupt();
    dissect.interrupt();
}

#[test]
fn the_capturing_process_holds_no_capability() {
    if !can_run("dropping capabilities once the interface is open") {
        return;
    }
    let ns = Namespaces::new("tdlive3");
    // Before: the process starts with root's capabilities.
    let probe = ns.run_in(&ns.server, "sleep").arg("5").spawn().unwrap();
    let probe = Running(probe);
    std::thread::sleep(Duration::from_millis(200));
    let (before, _) = capabilities(probe.0.id());
    assert_ne!(before & (1 << 13), 0, "a root process holds CAP_NET_RAW (13)");
    let capture = Capture::start(&ns, &[]);
    assert_eq!(capabilities(capture.pid()), (0, 0));
    let status = std::fs::read_to_string(format!("/proc/{}/status", capture.pid())).unwrap();
    assert!(status.contains("NoNewPrivs:\t1"), "{status}");
    capture.interrupt();
}

#[test]
fn missing_interface_and_capability_are_named() {
    if !can_run("live capture errors") {
        return;
    }
    let out = Command::new(TLSDOCTOR).args(["diagnose", "-i", "tdnosuch0"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("-i tdnosuch0: no such interface"), "{stderr}");
    let out = Command::new(TLSDOCTOR).args(["diagnose", "-i", "lo", "--filter", "tcp port ((("]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("--filter: "), "{stderr}");
    // Root without its capabilities: what an ordinary user meets.
    let out = Command::new("setpriv")
        .args(["--bounding-set=-all", "--inh-caps=-all", TLSDOCTOR, "diagnose", "-i", "lo"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("needs the CAP_NET_RAW capability"), "{stderr}");
}

/// Memory stays flat however long a capture runs: connections at a steady rate for a
/// while, each reported and released, and the resident size at the end no larger than
/// after warming up (plus slack for the allocator).
#[test]
fn memory_stays_flat_at_a_steady_rate() {
    if !can_run("memory of a long live capture") {
        return;
    }
    let seconds: u64 = std::env::var("TLSDOCTOR_LIVE_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    let scratch = Scratch::new("live-memory");
    let ns = Namespaces::new("tdlive4");
    let _server = start_server(&ns, &scratch, 4435);
    let capture = Capture::start(&ns, &["--format", "jsonl", "--idle-timeout", "2"]);
    let ca = repo("tests/fixtures/pki/ca.pem");
    let start = Instant::now();
    let mut made = 0u64;
    let mut samples = Vec::new();
    while start.elapsed() < Duration::from_secs(seconds) {
        https_get(&ns, 4435, &ca, &[]);
        made += 1;
        std::thread::sleep(Duration::from_millis(100));
        samples.push((start.elapsed(), rss_kib(capture.pid())));
    }
    std::thread::sleep(Duration::from_secs(2));
    let reports = capture.lines.try_iter().count() as u64;
    let warm = samples.iter().find(|(t, _)| *t >= Duration::from_secs(seconds / 3)).unwrap().1;
    let peak_after = samples.iter().filter(|(t, _)| *t >= Duration::from_secs(seconds / 3)).map(|s| s.1).max().unwrap();
    let last = samples.last().unwrap().1;
    eprintln!("{made} connections in {seconds} s; RSS {warm} KiB after warming up, {last} KiB at the end, {peak_after} KiB at most");
    let (_, _, _) = capture.interrupt();
    assert!(reports + 2 >= made, "{reports} reports for {made} connections");
    assert!(last <= warm + warm / 10 + 1024, "RSS grew from {warm} KiB to {last} KiB");
}

fn rss_kib(pid: u32) -> u64 {
    let mut status = String::new();
    let _ = std::fs::File::open(format!("/proc/{pid}/status")).and_then(|mut f| f.read_to_string(&mut status));
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}
