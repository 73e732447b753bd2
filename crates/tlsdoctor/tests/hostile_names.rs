//! Strings a capture carries are written by whoever made the traffic: every printer
//! escapes what it did not write. The capture (tests/fixtures/hostile-names,
//! make-hostile-names.sh) is a real OpenSSL connection whose SNI and ALPN carry terminal
//! escape sequences (a window title, a screen clear) and `<img onerror>`, and whose
//! server certificate names carry `<script>` and escapes.

use std::path::{Path, PathBuf};
use std::process::Command;

const SNI: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J<img src=x onerror=alert(1)>.example";

fn fixture(ext: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../tests/fixtures/hostile-names/hostile-names.{ext}"))
}

/// stdout of `tlsdoctor ARGS CAPTURE [--keylog KEYLOG]`, which must exit 0 or 1.
fn run(args: &[&str], keys: bool) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tlsdoctor"));
    command.args(args).arg(fixture("pcapng"));
    if keys {
        command.arg("--keylog").arg(fixture("keylog"));
    }
    let out = command.output().unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    assert!(!out.stderr.contains(&0x1b), "{args:?}: an escape on stderr");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn assert_no_control_characters(args: &[&str], text: &str) {
    let raw: Vec<char> = text.chars().filter(|&c| c.is_control() && c != '\n').collect();
    assert!(raw.is_empty(), "{args:?} printed raw control characters {raw:?}:\n{text}");
}

#[test]
fn no_text_output_carries_a_raw_control_character() {
    let runs: [(&[&str], bool); 6] = [
        (&["dissect"], false),
        (&["dissect", "-v"], false),
        (&["dissect", "-v"], true),
        (&["diagnose"], false),
        (&["diagnose"], true),
        (&["decrypt"], true),
    ];
    for (args, keys) in runs {
        let text = run(args, keys);
        assert_no_control_characters(args, &text);
    }
    // The text report shows the SNI escaped, not dropped.
    let report = run(&["diagnose"], true);
    assert!(report.contains(r"SNI \x1b]0;pwned\x07\x1b[2J<img src=x onerror=alert(1)>.example"), "{report}");
    // dissect -v shows the certificate subject as RFC 4514 escapes it.
    let fields = run(&["dissect", "-v"], true);
    assert!(fields.contains(r"subject: CN=\<script\>alert(1)\</script\>\1B[5m"), "{fields}");
}

/// The report's strings hold a capture's control characters as `\xNN` text, so that no
/// consumer of the JSON shows them raw either; the rest is kept.
#[test]
fn json_carries_the_names_with_their_controls_escaped() {
    let escaped = r"\x1b]0;pwned\x07\x1b[2J<img src=x onerror=alert(1)>.example";
    assert_eq!(escaped, tlsdoctor_tls::text::escape_controls(SNI));
    let json = run(&["diagnose", "--format", "json"], true);
    assert_no_control_characters(&["diagnose", "--format", "json"], &json);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let c = &report["connections"][0];
    assert_eq!(c["sni"], escaped);
    let mismatch = c["findings"].as_array().unwrap().iter().find(|f| f["code"] == "certificate-name-mismatch");
    assert_eq!(mismatch.expect("the name does not match")["detail"]["sni"], escaped);
    let lines = run(&["dissect", "--format", "json"], true);
    assert_no_control_characters(&["dissect", "--format", "json"], &lines);
}
