//! The command line as a user meets it: output, messages on stderr, exit statuses.

mod common;

use common::Scratch;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

fn tlsdoctor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tlsdoctor")).args(args).env("NO_COLOR", "1").output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn dissect_json_lines_follow_the_contract() {
    let sample = repo("samples/mtls-decrypt-error.pcapng");
    let out = tlsdoctor(&["dissect", "--format", "json", sample.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    for line in &lines {
        for key in ["frame", "connection", "from", "content_type", "version", "name", "encrypted"] {
            assert!(line.get(key).is_some(), "{key} missing in {line}");
        }
    }
    let at = |frame: u64| lines.iter().filter(move |l| l["frame"] == frame);
    let client_flight: Vec<&str> = at(8).map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(
        client_flight,
        ["certificate", "client_key_exchange", "certificate_verify", "change_cipher_spec", "handshake"]
    );
    let certificate = at(8).next().unwrap();
    assert_eq!((certificate["handshake_type"].as_u64(), certificate["from"].as_str()), (Some(11), Some("client")));
    let finished = at(8).next_back().unwrap();
    assert_eq!(finished["encrypted"], true);
    assert!(finished.get("handshake_type").is_none(), "an encrypted message has no type");
    let alert = at(9).next().unwrap();
    assert_eq!(
        (alert["content_type"].as_str(), alert["level"].as_str(), alert["description"].as_str()),
        (Some("alert"), Some("fatal"), Some("decrypt_error"))
    );
}

#[test]
fn dissect_text_lines_look_like_wiresharks_packet_list() {
    let sample = repo("samples/mtls-decrypt-error.pcapng");
    let out = tlsdoctor(&["dissect", sample.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    let line = stdout.lines().find(|l| l.trim_start().starts_with("8 ")).unwrap();
    assert!(
        line.ends_with("TLSv1.2  Certificate, Client Key Exchange, Certificate Verify, Change Cipher Spec, Encrypted Handshake Message"),
        "{line}"
    );
    assert!(stdout.contains("Alert (Level: Fatal, Description: Decrypt Error)"));
}

#[test]
fn not_a_capture_is_refused_with_the_file_and_offset() {
    let dir = Scratch::new("not-a-capture");
    let file = dir.join("not-a-capture.txt");
    std::fs::write(&file, "GET / HTTP/1.1\r\n\r\n").unwrap();
    let out = tlsdoctor(&["dissect", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("not-a-capture.txt") && stderr.contains("at byte 0"), "{stderr}");
    let missing = tlsdoctor(&["diagnose", "/nonexistent/capture.pcap"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("/nonexistent/capture.pcap"));
}

#[test]
fn a_truncated_capture_is_analysed_up_to_the_cut() {
    let full = std::fs::read(repo("samples/mtls-decrypt-error.pcapng")).unwrap();
    // Cut inside the block of the server's alert (the last TLS frame but for the FINs).
    let dir = Scratch::new("cut");
    let file = dir.join("cut.pcapng");
    let whole =
        tlsdoctor(&["dissect", "--format", "fields", repo("samples/mtls-decrypt-error.pcapng").to_str().unwrap()]);
    let mut cut_at = full.len() - 1;
    let mut found = String::new();
    while cut_at > 0 {
        std::fs::write(&file, &full[..cut_at]).unwrap();
        let out = tlsdoctor(&["dissect", "--format", "fields", file.to_str().unwrap()]);
        found = text(&out.stdout);
        if !found.contains("9\t\t21") {
            assert!(out.status.success());
            assert!(
                text(&out.stderr).contains("the ") && text(&out.stderr).contains("frames before the cut were analysed"),
                "{}",
                text(&out.stderr)
            );
            break;
        }
        cut_at -= 16;
    }
    assert!(text(&whole.stdout).starts_with(&found), "what precedes the cut is unchanged");
    assert!(found.contains("8\t11,16,15"), "the client's flight before the cut is still there: {found}");
}

/// The README shows the motivating case's report: it must be what tlsdoctor prints.
#[test]
fn the_readme_example_is_what_tlsdoctor_prints() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let command = "$ tlsdoctor diagnose samples/mtls-decrypt-error.pcapng --ca samples/ca.pem\n";
    let start = readme.find(command).expect("the README shows the sample's report") + command.len();
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];
    let (sample, ca) = (repo("samples/mtls-decrypt-error.pcapng"), repo("samples/ca.pem"));
    let out = tlsdoctor(&["diagnose", sample.to_str().unwrap(), "--ca", ca.to_str().unwrap()]);
    assert_eq!(text(&out.stdout), shown);
}

#[test]
fn diagnose_exit_status_and_filters() {
    let sample = repo("samples/mtls-decrypt-error.pcapng");
    let good = repo("tests/fixtures/diagnose/good-mtls-rsa.pcapng");
    let failed = tlsdoctor(&["diagnose", sample.to_str().unwrap()]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(text(&failed.stdout).contains("FAILED  connection 1"));
    let ok = tlsdoctor(&["diagnose", good.to_str().unwrap()]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stdout));
    let both =
        tlsdoctor(&["diagnose", "--format", "json", "--only-failed", good.to_str().unwrap(), sample.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&both.stdout).unwrap();
    assert_eq!(report["inputs"].as_array().map(Vec::len), Some(2));
    let shown = report["connections"].as_array().unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0]["outcome"], "failed");
    assert_eq!(shown[0]["alert"]["description"], "decrypt_error");
    let other_sni = tlsdoctor(&["diagnose", "--format", "json", "--sni", "other.example", sample.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&other_sni.stdout).unwrap();
    assert_eq!(report["connections"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_capture_without_tls_says_so() {
    // One DNS query over UDP (raw IPv4 link type): UDP, but neither TLS nor DTLS.
    let mut packet = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
    let dns = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x03com\x00\x00\x01\x00\x01";
    let udp_len = (8 + dns.len()) as u16;
    packet.extend([0x9c, 0x40, 0, 53]);
    packet.extend(udp_len.to_be_bytes());
    packet.extend([0, 0]);
    packet.extend_from_slice(dns);
    let total = packet.len() as u16;
    packet[2..4].copy_from_slice(&total.to_be_bytes());
    let dir = Scratch::new("dns-only");
    let capture = dir.join("dns.pcap");
    let frames = [(tlsdoctor_capture::Timestamp::default(), &packet[..], 0)];
    std::fs::write(&capture, common::write_pcap(101, frames)).unwrap();
    let out = tlsdoctor(&["dissect", capture.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("no TLS found in"), "{}", text(&out.stderr));
    // UDP that is DTLS is dissected.
    let dtls = repo("tests/data/wireshark/captures/snakeoil-dtls.pcap");
    let out = tlsdoctor(&["dissect", dtls.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("Hello Verify Request"), "{}", text(&out.stdout));
}

#[test]
fn keys_keeps_the_capture_s_lines_and_injects_them() {
    let capture = repo("tests/fixtures/tls13-rsa.pcapng");
    let own = repo("tests/fixtures/tls13-rsa.keylog");
    let other = repo("tests/fixtures/tls12-ecdhe-rsa-aes128gcm.keylog");
    let dir = Scratch::new("keys");
    let (out, injected) = (dir.join("kept.keys"), dir.join("injected.pcapng"));
    let args = [
        "keys",
        capture.to_str().unwrap(),
        "--keylog",
        own.to_str().unwrap(),
        "--keylog",
        other.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--inject-secrets",
        injected.to_str().unwrap(),
    ];
    let run = tlsdoctor(&args);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(run.stdout.is_empty(), "secrets go only to the files named");
    let kept = std::fs::read_to_string(&out).unwrap();
    let own_lines: Vec<String> =
        std::fs::read_to_string(&own).unwrap().lines().filter(|l| !l.starts_with('#')).map(str::to_string).collect();
    assert_eq!(kept.lines().collect::<Vec<_>>(), own_lines);
    // The copy decrypts with no key log option.
    let dissect = tlsdoctor(&["dissect", "--format", "json", injected.to_str().unwrap()]);
    assert!(text(&dissect.stdout).contains("\"decrypted\":true"), "{}", text(&dissect.stderr));
}

fn seed() -> PathBuf {
    repo("bench/seed/seed.pcapng")
}

/// Threads split the connections; the report must not show it.
#[test]
fn several_captures_keep_their_connections_apart() {
    let (sample, seed) = (repo("samples/mtls-decrypt-error.pcapng"), seed());
    let (sample, seed) = (sample.to_str().unwrap(), seed.to_str().unwrap());
    let json = tlsdoctor(&["diagnose", "--format", "json", seed, sample]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let connections: Vec<(&str, u64)> = report["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["input"].as_str().unwrap(), c["id"].as_u64().unwrap()))
        .collect();
    let from_seed = connections.iter().take_while(|(input, _)| *input == seed).count();
    assert!(from_seed > 1, "{connections:?}");
    assert_eq!(connections[from_seed..], [(sample, 1)], "the second capture's connections come after the first's");
    assert!(connections[..from_seed].windows(2).all(|w| w[0].1 < w[1].1), "in id order");
    let paths: Vec<&str> = report["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert_eq!(paths, [seed, sample], "an input's path is what its connections name");
    let both = text(&tlsdoctor(&["diagnose", seed, sample]).stdout);
    assert!(both.contains(&format!("in {sample}")) && both.contains(&format!("in {seed}")), "{both}");
    let alone = text(&tlsdoctor(&["diagnose", sample]).stdout);
    assert!(alone.contains("connection 1") && !alone.contains(&format!("in {sample}")), "one capture needs no name");
}

#[test]
fn diagnose_gives_the_same_report_on_any_number_of_threads() {
    let seed = seed();
    let keylog = repo("bench/seed/seed.keylog");
    for extra in [&[][..], &["--keylog", keylog.to_str().unwrap()][..]] {
        for format in ["json", "text"] {
            let run = |threads: &str| {
                let mut args = vec!["diagnose", "--format", format, "--threads", threads, seed.to_str().unwrap()];
                args.extend_from_slice(extra);
                let out = tlsdoctor(&args);
                assert_eq!(out.status.code(), Some(1), "the seed holds refused handshakes: {}", text(&out.stderr));
                text(&out.stdout)
            };
            let one = run("1");
            assert!(one.contains("no-common-cipher-suite"), "refusals are judged across connections");
            for threads in ["2", "3"] {
                assert!(run(threads) == one, "{format} {extra:?}: --threads {threads} differs from --threads 1");
            }
        }
    }
}

/// Several captures go to several threads at once; the report must not show it either.
#[test]
fn several_captures_give_the_same_report_on_any_number_of_threads() {
    let dir = Scratch::new("threads");
    let (seed, sample, missing) = (seed(), repo("samples/mtls-decrypt-error.pcapng"), dir.join("missing.pcap"));
    let captures = [&seed, &sample, &missing, &sample].map(|p| p.to_str().unwrap());
    for extra in [&[][..], &["--only-failed"][..]] {
        for format in ["json", "text"] {
            let run = |threads: &str| {
                let mut args = vec!["diagnose", "--format", format, "--threads", threads];
                args.extend_from_slice(extra);
                args.extend_from_slice(&captures);
                let out = tlsdoctor(&args);
                assert_eq!(out.status.code(), Some(2), "a capture is missing");
                (text(&out.stdout), text(&out.stderr))
            };
            let one = run("1");
            assert!(one.0.contains("decrypt_error") && one.1.contains("missing.pcap"), "{one:?}");
            for threads in ["2", "3"] {
                assert!(run(threads) == one, "{format} {extra:?}: --threads {threads} differs from --threads 1");
            }
        }
    }
}

#[test]
fn decrypt_with_secrets_of_no_connection_says_so_and_exits_1() {
    let sample = repo("samples/mtls-decrypt-error.pcapng");
    let other = repo("bench/seed/seed.keylog");
    let out = tlsdoctor(&["decrypt", sample.to_str().unwrap(), "--keylog", other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no application data was decrypted: the secrets given belong to none of the connections"));
}

/// A mirror session delivers the traffic inside a tunnel; the connection is the inner one,
/// checked and decrypted as if captured on the wire.
#[test]
fn mirrored_captures_are_read_through_their_tunnels() {
    let inner = |name: &str| match name {
        "tls13-vxlan.pcapng" => ("192.168.77.1", "192.168.77.2", 24480),
        _ => ("127.0.0.1", "127.0.0.1", 24401),
    };
    for name in [
        "tls13-vxlan.pcapng",
        "tls12-erspan2.pcap",
        "tls12-erspan3.pcap",
        "tls12-gre-ipv6.pcap",
        "tls12-geneve.pcap",
        "tls12-mpls.pcap",
    ] {
        let capture = repo(&format!("tests/fixtures/{name}"));
        let keylog = capture.with_extension("keylog");
        let (capture, keylog) = (capture.to_str().unwrap(), keylog.to_str().unwrap());
        let out = tlsdoctor(&["diagnose", "--format", "json", "--keylog", keylog, capture]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let [connection] = report["connections"].as_array().unwrap().as_slice() else {
            panic!("{name}: one connection expected: {report}")
        };
        let (client, server, port) = inner(name);
        assert_eq!(connection["client"]["ip"], client, "{name}");
        assert_eq!((&connection["server"]["ip"], &connection["server"]["port"]), (&server.into(), &port.into()));
        assert_eq!((&connection["outcome"], &connection["decrypted"]), (&"ok".into(), &true.into()), "{name}");
        let passed = connection["passed"].to_string();
        assert!(passed.contains("client's Finished") && passed.contains("server's Finished"), "{name}: {passed}");
        let decrypted = text(&tlsdoctor(&["decrypt", "--keylog", keylog, capture]).stdout);
        assert!(decrypted.contains("GET /index.html HTTP/1.0") && decrypted.contains("HTTP/1.0 200 ok"), "{name}");
    }
}

/// TCP Fast Open: curl's second connection sends its ClientHello in the SYN (frame 16).
#[test]
fn a_client_hello_in_the_syn_opens_the_connection() {
    let capture = repo("tests/fixtures/tls13-tfo.pcapng");
    let keylog = capture.with_extension("keylog");
    let out =
        tlsdoctor(&["diagnose", "--format", "json", "--keylog", keylog.to_str().unwrap(), capture.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let connections = report["connections"].as_array().unwrap();
    assert_eq!(connections.len(), 2, "{report}");
    let second = &connections[1];
    assert_eq!(
        (&second["first_frame"], &second["outcome"], &second["decrypted"]),
        (&16.into(), &"ok".into(), &true.into())
    );
    let passed = second["passed"].to_string();
    assert!(passed.contains("client's Finished") && passed.contains("server's Finished"), "{passed}");
    assert_eq!(second["story"]["client_offer"]["frame"], 16, "the ClientHello is read from the SYN");
}

/// A server name with a terminal escape in it (the real TLS 1.3 fixture, its SNI
/// "localhost" overwritten in place) reaches no printer as a control character.
#[test]
fn a_hostile_server_name_cannot_drive_the_terminal() {
    let clean = std::fs::read(repo("tests/fixtures/tls13-rsa.pcapng")).unwrap();
    let at = clean.windows(9).position(|w| w == b"localhost").expect("the fixture's SNI");
    let mut hostile = clean.clone();
    hostile[at..at + 9].copy_from_slice(b"\x1b[31mloca");
    let dir = Scratch::new("hostile-sni");
    let path = dir.join("hostile-sni.pcapng");
    std::fs::write(&path, hostile).unwrap();
    let path = path.to_str().unwrap();
    for args in [&["diagnose", path][..], &["diagnose", "--format", "json", path], &["dissect", "-v", path]] {
        let out = Command::new(env!("CARGO_BIN_EXE_tlsdoctor")).args(args).env_remove("NO_COLOR").output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert!(!out.stdout.contains(&0x1b), "{args:?} printed an escape: {}", text(&out.stdout));
        assert!(text(&out.stdout).contains("1b"), "{args:?} does not show the byte: {}", text(&out.stdout));
    }
}

#[test]
fn diagnose_filters_by_fingerprint() {
    // Chromium's connections, and OpenSSL's: several clients, and one server.
    let captures =
        [repo("tests/fixtures/field/chromium-raced-connections.pcapng"), repo("tests/fixtures/tls13-rsa.pcapng")];
    let run = |filter: &[&str]| {
        let mut args = vec!["diagnose", "--format", "json"];
        args.extend(filter);
        args.extend(captures.iter().map(|c| c.to_str().unwrap()));
        let report: serde_json::Value = serde_json::from_slice(&tlsdoctor(&args).stdout).unwrap();
        report["connections"].as_array().unwrap().clone()
    };
    let all = run(&[]);
    assert!(all.len() >= 3, "{} connections", all.len());
    let member = |c: &serde_json::Value, name: &str| c["fingerprints"][name].as_str().map(str::to_string);
    let count = |want: &str, names: [&str; 2]| {
        all.iter().filter(|c| names.iter().any(|n| member(c, n).as_deref() == Some(want))).count()
    };
    let openssl = all.iter().find(|c| c["input"].as_str().unwrap().ends_with("tls13-rsa.pcapng")).unwrap();

    // A client's JA3 keeps the connections of that client only; in capitals too.
    let ja3 = member(openssl, "ja3").unwrap();
    let kept = run(&["--ja3", &ja3.to_uppercase()]);
    assert_eq!(kept.len(), count(&ja3, ["ja3", "ja3s"]));
    assert!(kept.iter().all(|c| member(c, "ja3").as_deref() == Some(&*ja3)));
    // A server's JA4S keeps every connection it answered.
    let chromium = &all[0];
    let ja4s = member(chromium, "ja4s").unwrap();
    let kept = run(&["--ja4", &ja4s]);
    assert_eq!(kept.len(), count(&ja4s, ["ja4", "ja4s"]));
    assert!(kept.len() >= 2, "the server answered several connections");
    // JA4's raw form names the same client.
    let ja4_r = member(openssl, "ja4_r").unwrap();
    let kept = run(&["--ja4", &ja4_r]);
    assert!(!kept.is_empty() && kept.iter().all(|c| member(c, "ja4_r").as_deref() == Some(&*ja4_r)));
    // A fingerprint nobody has keeps nothing.
    assert!(run(&["--ja4", "t13d0000h2_000000000000_000000000000"]).is_empty());
    assert!(run(&["--ja3", "00000000000000000000000000000000"]).is_empty());
}

/// `diagnose --ladder`: the sample's handshake as arrows in frame order (tshark's frames
/// 4, 6, 8, 9), the client's flight and the server's alert marked, every line within 80
/// columns; `--ascii` draws the same with ASCII; no colour when the output is no terminal.
#[test]
fn the_ladder_draws_the_handshake_in_80_columns_with_the_failure_marked() {
    let run = |ascii: bool| {
        let mut args = vec!["diagnose", "--ladder"];
        if ascii {
            args.push("--ascii");
        }
        let ca = repo("samples/ca.pem");
        let sample = repo("samples/mtls-decrypt-error.pcapng");
        args.extend(["--ca", ca.to_str().unwrap(), sample.to_str().unwrap()]);
        let out = tlsdoctor(&args);
        assert_eq!(out.status.code(), Some(1));
        text(&out.stdout)
    };
    let unicode = run(false);
    assert!(!unicode.contains('\u{1b}'), "no colour into a pipe");
    let ladder: Vec<&str> = unicode.lines().skip_while(|l| !l.contains("frame  time (s)  client")).collect();
    assert!(ladder.len() > 6 && ladder.iter().all(|l| l.chars().count() <= 80), "{unicode}");
    let arrows: Vec<(u64, bool, bool)> = unicode
        .lines()
        .filter_map(|l| {
            let frame = l.get(..9)?.trim().parse().ok()?;
            Some((frame, l.contains('►'), l.ends_with('✗')))
        })
        .collect();
    // (frame, towards the server, marked)
    assert_eq!(arrows, [(4, true, false), (6, false, false), (8, true, true), (9, false, true)], "{unicode}");
    assert!(unicode.contains("  ✗ frame 8: client-certificate-verify-invalid\n"), "{unicode}");
    assert!(unicode.contains("  ✗ frame 9: the server's alert (decrypt_error)\n"), "{unicode}");
    assert!(!unicode.contains("  handshake:\n"), "the ladder replaces the list");

    let ascii = run(true);
    let ladder: Vec<&str> = ascii.lines().skip_while(|l| !l.contains("frame  time (s)  client")).collect();
    assert!(ladder.len() > 6 && ladder.iter().all(|l| l.is_ascii()), "{ascii}");
    assert!(ascii.contains("-- Client Hello ---") && ascii.contains("  x frame 8: client-certificate-verify-invalid"));
    assert_eq!(ascii.lines().count(), unicode.lines().count());
}

/// `dissect --ladder` draws the ladder `diagnose --ladder` draws, for every connection of
/// the capture (here two captures, each connection titled with its capture), and refuses
/// `--format`.
#[test]
fn dissect_draws_the_ladders_diagnose_draws() {
    let ca = repo("samples/ca.pem");
    let sample = repo("samples/mtls-decrypt-error.pcapng");
    let hostile = repo("tests/fixtures/hostile-names/hostile-names.pcapng");
    let (sample, hostile) = (sample.to_str().unwrap(), hostile.to_str().unwrap());
    // The ladder's lines of a report: from each "frame  time (s)" header to the blank line after it.
    let ladders = |report: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut inside = false;
        for line in report.lines() {
            inside = (inside && !line.is_empty()) || line.contains("frame  time (s)  client");
            if inside {
                out.push(line.to_string());
            }
        }
        out
    };
    let dissected = tlsdoctor(&["dissect", "--ladder", sample, hostile]);
    assert_eq!(dissected.status.code(), Some(0), "{}", text(&dissected.stderr));
    let dissected = text(&dissected.stdout);
    let mut diagnosed = Vec::new();
    for capture in [sample, hostile] {
        diagnosed.extend(ladders(&text(
            &tlsdoctor(&["diagnose", "--ladder", "--ca", ca.to_str().unwrap(), capture]).stdout,
        )));
    }
    assert!(diagnosed.len() > 10);
    assert_eq!(ladders(&dissected), diagnosed, "{dissected}");
    let titles: Vec<&str> = dissected.lines().filter(|l| l.starts_with("connection ")).collect();
    assert_eq!(titles.len(), 2, "{dissected}");
    assert!(titles[0].contains(&format!("in {sample}")) && titles[0].contains("SNI app.example  frames 1-11"));
    // The hostile SNI, escaped.
    assert!(titles[1].contains(r"SNI \x1b]0;pwned\x07") && !dissected.contains('\u{1b}'), "{}", titles[1]);
    let refused = tlsdoctor(&["dissect", "--ladder", "--format", "json", sample]);
    assert_eq!(refused.status.code(), Some(2));
}
