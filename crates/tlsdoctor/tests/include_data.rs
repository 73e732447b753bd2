//! `diagnose --include-data`: with a key log, the first bytes of decrypted application
//! data of each side go in the report, as tshark decrypts them; without the flag, none in
//! the JSON, text or HTML report.

mod common;

use std::process::Command;

use common::{fixture, have_tool};
use serde_json::Value;

/// Shown per side at most (diagnose/data.rs).
const SHOWN: usize = 256;

fn diagnose(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .arg("diagnose")
        .args(args)
        .env_remove("SSLKEYLOGFILE")
        .output()
        .expect("tlsdoctor runs");
    assert!(matches!(out.status.code(), Some(0 | 1)), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 report")
}

/// Each direction's decrypted bytes of TCP stream 0, as tshark's `follow,tls,raw` gives
/// them in hex: client's first, then server's (`server`: the server's "ip:port"). Node 0's
/// lines start in the first column, node 1's after a tab.
fn tshark_streams(capture: &str, keylog: &str, server: &str) -> [String; 2] {
    let out = Command::new("tshark")
        .args(["-o", &format!("tls.keylog_file:{keylog}"), "-r", capture, "-q", "-z", "follow,tls,raw,0"])
        .output()
        .expect("tshark runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut sides = [String::new(), String::new()];
    let server_first = text.lines().any(|l| l.strip_prefix("Node 0: ") == Some(server));
    let body = text.lines().skip_while(|l| !l.starts_with("Node 1")).skip(1);
    for line in body.take_while(|l| !l.starts_with("====")) {
        match line.strip_prefix('\t') {
            Some(server) => sides[1].push_str(server.trim()),
            None => sides[0].push_str(line.trim()),
        }
    }
    if server_first {
        sides.swap(0, 1);
    }
    sides
}

#[test]
fn the_first_bytes_are_what_tshark_decrypts() {
    if !have_tool("tshark", "decrypted application data to compare with") {
        return;
    }
    // The last one sends more than is shown (nginx's 403 page).
    for name in ["tls12-ecdhe-rsa-aes128gcm", "gnutls-tls13", "gnutls-tls12", "browser/nginx-403-h1"] {
        let capture = fixture(&format!("{name}.pcapng"));
        let keylog = fixture(&format!("{name}.keylog"));
        let json: Value =
            serde_json::from_str(&diagnose(&[&capture, "--keylog", &keylog, "--include-data", "--format", "json"]))
                .unwrap();
        let connection = &json["connections"][0];
        let data = &connection["data"];
        let server = format!("{}:{}", connection["server"]["ip"].as_str().unwrap(), connection["server"]["port"]);
        let streams = tshark_streams(&capture, &keylog, &server);
        for (side, stream) in ["client", "server"].iter().zip(&streams) {
            assert!(!stream.is_empty(), "{name}: tshark decrypted nothing from the {side}");
            let shown = stream.len().min(2 * SHOWN);
            assert_eq!(data[side]["bytes"].as_str(), Some(&stream[..shown]), "{name}: the {side}'s bytes");
            assert_eq!(data[side]["cut"], stream.len() > 2 * SHOWN, "{name}: {side}");
            let text = data[side]["text"].as_str().unwrap();
            assert!(!text.contains(|c: char| c.is_control()), "{name}: a raw control character in {text:?}");
        }
    }
}

#[test]
fn without_the_flag_no_data_is_reported() {
    let capture = fixture("tls12-ecdhe-rsa-aes128gcm.pcapng");
    let keylog = fixture("tls12-ecdhe-rsa-aes128gcm.keylog");
    let keys = [capture.as_str(), "--keylog", keylog.as_str()];
    let request = "GET /index.html";
    let with = diagnose(&[&keys[..], &["--include-data"]].concat());
    assert!(with.contains(request), "the text report with --include-data shows the request: {with}");
    for format in ["text", "json", "html"] {
        let report = diagnose(&[&keys[..], &["--format", format]].concat());
        assert!(!report.contains(request), "{format}: application data without --include-data");
        assert!(!report.contains("first data"), "{format}");
    }
    let json: Value = serde_json::from_str(&diagnose(&[&keys[..], &["--format", "json"]].concat())).unwrap();
    assert!(json["connections"][0].get("data").is_none());
    assert_eq!(json["connections"][0]["decrypted"], true, "the key log opened the connection");
}
