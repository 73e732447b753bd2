//! The command line: a thin layer over the library, with clear errors.

use std::path::PathBuf;
use std::process::Command;

fn benchgen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tlsdoctor-benchgen"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("benchgen-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn list_shows_every_seed_connection_with_its_label() {
    let out = benchgen().arg("--list").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 41, "{text}");
    assert!(lines[1].starts_with("0\ttls12-ecdhe-rsa-aes128gcm\ttcp\t22101\t22001\t"), "{}", lines[1]);
    assert!(
        lines[40].contains("fail-tls12-no-common-cipher") && lines[40].ends_with("d>134 d<7 f< f>"),
        "{}",
        lines[40]
    );
}

#[test]
fn writes_capture_manifest_and_key_log_the_same_each_time() {
    let dir = scratch("files");
    let run = |name: &str| {
        let (capture, manifest) = (dir.join(format!("{name}.pcapng")), dir.join(format!("{name}.tsv")));
        let status = benchgen()
            .args(["--size", "2MB", "--seed", "3", "-q", "--out"])
            .arg(&capture)
            .arg("--manifest-out")
            .arg(&manifest)
            .arg("--keylog-out")
            .arg(dir.join("bench.keylog"))
            .status()
            .unwrap();
        assert!(status.success());
        (std::fs::read(capture).unwrap(), std::fs::read_to_string(manifest).unwrap())
    };
    let (a, manifest) = run("a");
    let (b, _) = run("b");
    assert!(a == b, "two runs differ");
    assert_eq!(&a[..4], &[0x0a, 0x0d, 0x0d, 0x0a], "pcapng from the extension");
    assert!(a.len() <= 2_000_000 && a.len() > 100_000, "{} bytes", a.len());
    assert!(manifest.starts_with("first_frame\tclient\tserver\tstart\ttemplate\tlabel\tretrans\treorder\tdrop"));
    let keylog = std::fs::read_to_string(dir.join("bench.keylog")).unwrap();
    assert!(keylog.starts_with("CLIENT_RANDOM ") && !keylog.contains('#'));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn errors_are_messages_not_panics() {
    let out = benchgen().args(["--size", "1M", "--out", "/nonexistent-dir/x.pcap"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("tlsdoctor-benchgen: writing the output: /nonexistent-dir/x.pcap"), "{err}");
    let out = benchgen().args(["--seed-capture", "/nonexistent/seed.pcapng", "--list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().contains("/nonexistent/seed.pcapng"));
    let out = benchgen().args(["--size", "12Q", "--out", "/tmp/never-written.pcap"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("bad size"));
}
