//! The chains' certificates in the JSON report (`story.*_certificates.certificates`)
//! agree with the findings of the same report: a signature the chain checks found invalid
//! is the certificate marked "invalid", and only it; the out-of-date certificates carry
//! the dates their findings give; the subjects list is the certificates'.

mod common;

use std::process::Command;

use common::fixture;
use serde_json::Value;

fn report(args: &[String]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .arg("diagnose")
        .args(args)
        .args(["--format", "json"])
        .env_remove("SSLKEYLOGFILE")
        .output()
        .expect("tlsdoctor runs");
    assert!(matches!(out.status.code(), Some(0 | 1)), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the JSON report")
}

fn chain<'a>(c: &'a Value, role: &str) -> &'a [Value] {
    c["story"][format!("{role}_certificates")]["certificates"].as_array().map_or(&[], Vec::as_slice)
}

#[test]
fn the_chains_agree_with_the_findings() {
    let dir = std::path::PathBuf::from(fixture("diagnose"));
    let ca = fixture("diagnose/pki/ca.pem");
    let mut captures: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcapng"))
        .collect();
    captures.sort();
    let (mut invalid, mut checked, mut dated) = (0, 0, 0);
    for capture in &captures {
        let mut args = vec![capture.display().to_string(), "--ca".into(), ca.clone()];
        let keylog = capture.with_extension("keylog");
        if keylog.exists() {
            args.extend(["--keylog".into(), keylog.display().to_string()]);
        }
        let json = report(&args);
        for c in json["connections"].as_array().unwrap() {
            let what = format!("{} connection {}", capture.display(), c["id"]);
            for role in ["server", "client"] {
                let certificates = chain(c, role);
                let subjects: Vec<&Value> = certificates.iter().map(|x| &x["subject"]).collect();
                let listed = c["story"][format!("{role}_certificates")]["subjects"].as_array();
                assert_eq!(listed.map(|s| s.iter().collect::<Vec<_>>()).unwrap_or_default(), subjects, "{what}");
                for (i, cert) in certificates.iter().enumerate() {
                    let found = c["findings"].as_array().unwrap().iter().any(|f| {
                        f["code"] == "certificate-signature-invalid"
                            && f["detail"]["role"] == role
                            && f["detail"]["index"] == i
                    });
                    assert_eq!(cert["signature"] == "invalid", found, "{what}: {role} #{i}: {cert}");
                    invalid += usize::from(found);
                    checked += usize::from(cert["signature"] == "ok");
                }
            }
            for f in c["findings"].as_array().unwrap() {
                if !matches!(f["code"].as_str(), Some("certificate-expired" | "certificate-not-yet-valid")) {
                    continue;
                }
                let certificates = chain(c, f["detail"]["role"].as_str().unwrap());
                for listed in f["detail"]["certificates"].as_array().unwrap() {
                    let cert = &certificates[listed["index"].as_u64().unwrap() as usize];
                    assert_eq!(cert["not_after"], listed["not_after"], "{what}");
                    assert_eq!(cert["not_before"], listed["not_before"], "{what}");
                    assert_eq!(cert["subject"], listed["subject"], "{what}");
                    dated += 1;
                }
            }
        }
    }
    // The fixtures hold each case: a corrupt signature, expired certificates, and many
    // verified links.
    assert!(invalid >= 1 && dated >= 1 && checked >= 20, "{invalid} invalid, {dated} dated, {checked} ok");
}
