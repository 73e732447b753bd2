//! Installed like a tool: `--version` says what tlsdoctor reads, shells complete its
//! subcommands, and the man pages in docs/man are the ones the binary makes now.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::Scratch;

fn tlsdoctor(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdoctor")).args(args).output().unwrap();
    assert!(out.status.success(), "tlsdoctor {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn stdout(args: &[&str]) -> String {
    String::from_utf8(tlsdoctor(args).stdout).unwrap()
}

#[test]
fn version_names_the_protocols_inputs_and_the_report_contract() {
    let long = stdout(&["--version"]);
    assert!(long.starts_with(&format!("tlsdoctor {}\n", env!("CARGO_PKG_VERSION"))), "{long}");
    for what in ["TLS 1.0, 1.1, 1.2, 1.3", "SSL 3.0", "pcapng", "gzip", "key log", "PKCS#12", "docs/report.md"] {
        assert!(long.contains(what), "--version does not say {what}: {long}");
    }
    assert_eq!(stdout(&["-V"]), format!("tlsdoctor {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn each_shell_completes_the_subcommands_and_their_options() {
    for (shell, marker) in [
        ("bash", "complete -F _tlsdoctor"),
        ("zsh", "#compdef tlsdoctor"),
        ("fish", "complete -c tlsdoctor"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "set edit:completion:arg-completer[tlsdoctor]"),
    ] {
        let script = stdout(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        for word in ["diagnose", "dissect", "decrypt", "keys", "keylog", "only-failed"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
}

#[test]
fn help_sends_the_reader_to_the_report_contract_in_the_repository() {
    let help = stdout(&["diagnose", "--help"]);
    assert!(help.contains("docs/report.md"), "{help}");
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

#[test]
fn the_committed_man_pages_are_what_the_binary_makes() {
    let page = stdout(&["man"]);
    assert!(page.contains(".TH tlsdoctor 1") && page.contains("tlsdoctor\\-diagnose(1)"), "{page}");
    let dir = Scratch::new("man");
    tlsdoctor(&["man", "--out-dir", dir.path().to_str().unwrap()]);
    let mut made: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    made.sort();
    assert_eq!(
        made,
        [
            "tlsdoctor-completions.1",
            "tlsdoctor-decrypt.1",
            "tlsdoctor-diagnose.1",
            "tlsdoctor-dissect.1",
            "tlsdoctor-keys.1",
            "tlsdoctor-man.1",
            "tlsdoctor.1"
        ]
    );
    assert_eq!(std::fs::read_to_string(dir.join("tlsdoctor.1")).unwrap(), page);
    for name in made {
        let committed = std::fs::read_to_string(repo("docs/man").join(&name)).unwrap_or_default();
        let fresh = std::fs::read_to_string(dir.join(&name)).unwrap();
        assert!(committed == fresh, "docs/man/{name} is stale: run `tlsdoctor man --out-dir docs/man`");
    }
    let diagnose = std::fs::read_to_string(dir.join("tlsdoctor-diagnose.1")).unwrap();
    assert!(diagnose.contains(".TH tlsdoctor-diagnose 1") && diagnose.contains("\\-\\-keylog"), "{diagnose}");
}
