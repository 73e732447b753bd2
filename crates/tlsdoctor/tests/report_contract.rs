//! The output contract holds together: docs/report.md, docs/report.schema.json, the
//! finding-code registry (diagnose::codes) and what the binary really prints on every
//! capture of the repository.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tlsdoctor::diagnose::codes;
use tlsdoctor::diagnose::report::SCHEMA_VERSION;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tlsdoctor(args: &[String]) -> Output {
    // A key log named by the environment would change every report.
    Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .args(args)
        .env_remove("SSLKEYLOGFILE")
        .output()
        .expect("tlsdoctor runs")
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(repo().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

fn schema() -> Value {
    serde_json::from_str(&read("docs/report.schema.json")).expect("the schema is JSON")
}

/// The cells of a Markdown table row; `\|` stays inside its cell.
fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|').trim_end_matches('|');
    let mut out = vec![String::new()];
    let mut escaped = false;
    for c in inner.chars() {
        match c {
            '|' if !escaped => out.push(String::new()),
            _ => out.last_mut().unwrap().push(c),
        }
        escaped = c == '\\';
    }
    out.iter().map(|cell| cell.trim().replace("\\|", "|")).collect()
}

/// The body rows of the Markdown table whose header row starts with `header`.
fn table(markdown: &str, header: &str) -> Vec<Vec<String>> {
    let mut lines = markdown.lines().skip_while(|l| !l.starts_with(header));
    assert!(lines.next().is_some(), "docs/report.md has no table headed {header:?}");
    lines.skip(1).take_while(|l| l.starts_with('|')).map(cells).collect()
}

/// `code` without its backticks.
fn unquoted(cell: &str) -> &str {
    cell.trim_matches('`')
}

fn severity_name(severity: tlsdoctor::diagnose::Severity) -> String {
    serde_json::to_value(severity).unwrap().as_str().unwrap().to_string()
}

#[test]
fn the_code_table_is_the_registry() {
    let documented: BTreeMap<String, BTreeSet<String>> = table(&read("docs/report.md"), "| code | severity |")
        .iter()
        .map(|row| {
            assert!(row.len() == 5 && row[2..].iter().all(|c| !c.is_empty()), "incomplete row {row:?}");
            let severities = row[1].split(',').map(|s| s.trim().to_string()).collect();
            (unquoted(&row[0]).to_string(), severities)
        })
        .collect();
    for info in codes::ALL {
        let severities: BTreeSet<String> = info.severities.iter().map(|&s| severity_name(s)).collect();
        match documented.get(info.code) {
            Some(listed) => assert_eq!(listed, &severities, "{}: severities in docs/report.md", info.code),
            None => panic!("{} is in the registry, not in docs/report.md's code table", info.code),
        }
    }
    for code in documented.keys() {
        assert!(codes::info(code).is_some(), "{code} is in docs/report.md, not in the registry (diagnose/codes.rs)");
    }
}

fn rust_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every code the program can emit is named through the registry: no finding is made
/// with a literal code, and no code is spelt out in diagnose/ but in codes.rs.
#[test]
fn findings_are_made_with_registry_codes_only() {
    let src = repo().join("crates/tlsdoctor/src");
    let registry = src.join("diagnose/codes.rs");
    let mut files = Vec::new();
    rust_sources(&src, &mut files);
    let mut problems = Vec::new();
    for file in files.iter().filter(|f| **f != registry) {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.strip_prefix(&src).unwrap().display();
        for (at, _) in text.match_indices("Finding::new(") {
            if text[at + "Finding::new(".len()..].trim_start().starts_with('"') {
                problems.push(format!("{name}: Finding::new with a literal code at byte {at}"));
            }
        }
        for (at, _) in text.match_indices("code: \"") {
            problems.push(format!("{name}: a literal code at byte {at}"));
        }
        // names.rs spells anomaly codes, some of which read like finding codes.
        if file.starts_with(src.join("diagnose")) {
            for info in codes::ALL {
                if text.contains(&format!("\"{}\"", info.code)) {
                    problems.push(format!("{name}: \"{}\" spelt out instead of its codes:: constant", info.code));
                }
            }
        }
    }
    // Each constant of codes.rs is in ALL: a code cannot be emitted without being listed.
    let registry_text = std::fs::read_to_string(&registry).unwrap();
    for line in registry_text.lines().filter(|l| l.starts_with("pub const") && l.contains(": &str = \"")) {
        let code = line.split('"').nth(1).unwrap();
        if codes::info(code).is_none() {
            problems.push(format!("codes.rs: {code} has a constant but is not in ALL"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The file name's part before its capture extension: tls13-rsa of tls13-rsa.pcapng.
fn stem(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let at = name.find(".pcap")?;
    Some(name[..at].to_string())
}

fn captures_in(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && stem(p).is_some())
        .collect();
    found.sort();
    found
}

fn arg(path: &Path) -> String {
    path.display().to_string()
}

/// Every diagnose run of the contract: each capture of the repository alone, then with
/// its key log, then with its key log and its CA; the Wireshark captures with their keys;
/// the benchmark seed; several inputs at once, one of them missing.
fn diagnose_runs() -> Vec<Vec<String>> {
    let root = repo();
    let fixtures = root.join("tests/fixtures");
    let dirs = [
        (fixtures.clone(), Some(fixtures.join("pki/ca.pem"))),
        (fixtures.join("roundtrip"), Some(fixtures.join("pki/ca.pem"))),
        (fixtures.join("diagnose"), Some(fixtures.join("diagnose/pki/ca.pem"))),
        (fixtures.join("field"), Some(fixtures.join("field/pki-sha1-expired/root.pem"))),
        (fixtures.join("browser"), Some(fixtures.join("browser/pki/ca.pem"))),
        (fixtures.join("legacy"), Some(fixtures.join("diagnose/pki/ca.pem"))),
        (fixtures.join("quic"), Some(fixtures.join("diagnose/pki/ca.pem"))),
        (fixtures.join("dtls"), Some(fixtures.join("diagnose/pki/ca.pem"))),
        (root.join("samples"), Some(root.join("samples/ca.pem"))),
        (root.join("tests/hostile"), None),
        (fixtures.join("hostile-names"), Some(fixtures.join("hostile-names/pki/ca.pem"))),
        (root.join("tests/data/wireshark/captures"), None),
    ];
    let mut runs = Vec::new();
    for (dir, ca) in &dirs {
        for capture in captures_in(dir) {
            runs.push(vec![arg(&capture)]);
            let keylog = dir.join(format!("{}.keylog", stem(&capture).unwrap()));
            let mut secrets = vec![arg(&capture)];
            if keylog.exists() {
                secrets.extend(["--keylog".to_string(), arg(&keylog)]);
                // The decrypted data's member too (`data`).
                runs.push([&secrets[..], &["--include-data".to_string()]].concat());
            }
            if let Some(ca) = ca {
                secrets.extend(["--ca".to_string(), arg(ca)]);
                runs.push(secrets);
            }
        }
    }
    let wireshark = root.join("tests/data/wireshark");
    let key = |file: &str| arg(&wireshark.join("keys").join(file));
    let capture = |file: &str| arg(&wireshark.join("captures").join(file));
    let keylog = |file: &str, keys: &str| vec![capture(file), "--keylog".into(), key(keys)];
    let psk = "ca19e028a8a372ad2d325f950fcaceed".to_string();
    runs.extend([
        vec![capture("rsasnakeoil2.pcap"), "--rsa-key".into(), format!("127.0.0.1:443={}", key("rsasnakeoil2.key"))],
        vec![capture("rsa-p-lt-q.pcap"), "--rsa-key".into(), key("rsa-p-lt-q.key")],
        vec![
            capture("dmgr.pcapng"),
            "--rsa-key".into(),
            format!("127.0.0.1:9131={}", key("key.p12")),
            "--key-password".into(),
            "WebAS".into(),
        ],
        vec![
            capture("tls-renegotiation.pcap"),
            "--rsa-key".into(),
            format!("127.0.0.1:4433={}", key("rsasnakeoil2.key")),
        ],
        vec![capture("tls12-aes128ccm.pcap"), "--psk".into(), psk.clone()],
        vec![capture("tls12-aes256gcm.pcap"), "--psk".into(), psk],
        keylog("dhe1.pcapng.gz", "dhe1_keylog.dat"),
        keylog("tls12-chacha20poly1305.pcap", "tls12-chacha20poly1305.keys"),
        keylog("tls13-rfc8446.pcap", "tls13-rfc8446.keys"),
        keylog("tls13-rfc8446.pcap", "tls13-rfc8446-noearly.keys"),
        keylog("http2-data-reassembly.pcap", "http2-data-reassembly.keys"),
        keylog("tls13-20-chacha20poly1305.pcap", "tls13-20-chacha20poly1305.keys"),
    ]);
    let seed = root.join("bench/seed");
    runs.push(vec![
        arg(&seed.join("seed.pcapng")),
        "--keylog".into(),
        arg(&seed.join("seed.keylog")),
        "--ca".into(),
        arg(&seed.join("pki/ca.pem")),
    ]);
    // A chain the client refused, with a CA it does not trust given.
    runs.push(vec![
        arg(&fixtures.join("diagnose/certificate-untrusted.pcapng")),
        "--ca".into(),
        arg(&fixtures.join("diagnose/pki/rogue-ca.pem")),
    ]);
    runs.push(vec![
        arg(&fixtures.join("diagnose/no-common-group.pcapng")),
        arg(&root.join("samples/no-such-capture.pcapng")),
        arg(&root.join("samples/mtls-decrypt-error.pcapng")),
    ]);
    runs
}

#[test]
fn every_report_validates_against_the_schema() {
    let schema = schema();
    jsonschema::draft202012::meta::validate(&schema).expect("docs/report.schema.json is a valid 2020-12 schema");
    let validator = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    let runs = diagnose_runs();
    assert!(runs.len() > 500, "only {} runs: fixtures missing?", runs.len());
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    for run in &runs {
        let mut args = vec!["diagnose".to_string(), "--format".into(), "json".into()];
        args.extend(run.iter().cloned());
        let out = tlsdoctor(&args);
        let command = format!("tlsdoctor {}", args.join(" "));
        let report: Value = match serde_json::from_slice(&out.stdout) {
            Ok(report) => report,
            Err(e) => {
                failures.push(format!("{command}: not JSON ({e}); stderr: {}", String::from_utf8_lossy(&out.stderr)));
                continue;
            }
        };
        for error in validator.iter_errors(&report) {
            failures.push(format!("{command}\n    at {}: {error} (schema {})", error.instance_path, error.schema_path));
        }
        assert_eq!(report["schema_version"], SCHEMA_VERSION, "{command}");
        for finding in report["connections"].as_array().into_iter().flatten().flat_map(|c| c["findings"].as_array()) {
            for f in finding {
                let (code, severity) = (f["code"].as_str().unwrap_or(""), f["severity"].as_str().unwrap_or(""));
                let listed =
                    codes::info(code).is_some_and(|info| info.severities.iter().any(|&s| severity_name(s) == severity));
                if !listed {
                    failures.push(format!("{command}: {code} ({severity}) is not in the registry"));
                }
                seen.insert(code.to_string());
            }
        }
    }
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
    // A code no capture shows is a contract no test holds.
    let unseen: Vec<&str> = codes::ALL.iter().map(|c| c.code).filter(|c| !seen.contains(*c)).collect();
    assert!(unseen.is_empty(), "no fixture shows {unseen:?}");
}

/// A change to a valid report that the schema must refuse.
type Drift = fn(&mut Value);

/// The schema is strict enough to notice drift in the report's shape.
#[test]
fn the_schema_rejects_drift() {
    let validator = jsonschema::draft202012::new(&schema()).unwrap();
    let sample = arg(&repo().join("samples/mtls-decrypt-error.pcapng"));
    let out = tlsdoctor(&["diagnose".into(), "--format".into(), "json".into(), sample]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(validator.is_valid(&report));
    let drifts: [(&str, Drift); 7] = [
        ("schema_version removed", |r| {
            r.as_object_mut().unwrap().remove("schema_version");
        }),
        ("a new top-level member", |r| r["extra"] = 1.into()),
        ("an outcome outside the enum", |r| r["connections"][0]["outcome"] = "maybe".into()),
        ("a severity outside the enum", |r| r["connections"][0]["findings"][0]["severity"] = "fatal".into()),
        ("a connection member renamed", |r| {
            let c = r["connections"][0].as_object_mut().unwrap();
            let sni = c.remove("sni").unwrap();
            c.insert("server_name".into(), sni);
        }),
        ("an encrypted alert with a description", |r| r["connections"][0]["alert"]["encrypted"] = true.into()),
        ("a frame as a string", |r| r["connections"][0]["first_frame"] = "1".into()),
    ];
    for (what, drift) in drifts {
        let mut drifted = report.clone();
        drift(&mut drifted);
        assert!(!validator.is_valid(&drifted), "the schema accepts {what}");
    }
}

/// Each member the schema names is described in docs/report.md.
#[test]
fn every_schema_member_is_documented() {
    let schema = schema();
    let doc = read("docs/report.md");
    let mut objects = vec![("top level", &schema["properties"])];
    for (name, def) in schema["$defs"].as_object().unwrap() {
        if let Some(properties) = def.get("properties") {
            objects.push((name.as_str(), properties));
        }
    }
    assert!(objects.iter().any(|(name, _)| *name == "connection"), "the schema defines a connection");
    let undocumented: Vec<String> = objects
        .iter()
        .flat_map(|(object, properties)| properties.as_object().unwrap().keys().map(move |member| (object, member)))
        .filter(|(_, member)| !doc.contains(&format!("`{member}`")))
        .map(|(object, member)| format!("{object}.{member}"))
        .collect();
    assert!(undocumented.is_empty(), "not in docs/report.md: {undocumented:?}");
}

/// QUIC's transport lines: they come in no record, so they have no content type.
const QUIC_SIGNALS: [&str; 3] = ["connection_close", "version_negotiation", "stateless_reset"];

/// What kind of line a dissect line is, in docs/report.md's terms.
fn line_kind(line: &serde_json::Map<String, Value>) -> String {
    let name = line.get("name").and_then(Value::as_str).unwrap_or("?");
    if line.contains_key("anomaly") {
        "anomaly".to_string()
    } else if line.get("encrypted") == Some(&Value::Bool(true)) {
        "encrypted".to_string()
    } else if QUIC_SIGNALS.contains(&name) || name == "stream_data" {
        name.to_string()
    } else {
        line.get("content_type").and_then(Value::as_str).unwrap_or("?").to_string()
    }
}

#[test]
fn dissect_lines_have_the_documented_members() {
    // (member, the lines that carry it) from docs/report.md.
    let rows: Vec<(String, String)> = table(&read("docs/report.md"), "| member | lines |")
        .iter()
        .map(|row| (unquoted(&row[0]).to_string(), row[1].clone()))
        .collect();
    let documented: BTreeSet<&str> = rows.iter().map(|(member, _)| member.as_str()).collect();
    let root = repo();
    let fixture = |name: &str| arg(&root.join(name));
    let runs = [
        vec![fixture("samples/mtls-decrypt-error.pcapng")],
        vec![
            fixture("samples/mtls-decrypt-error.pcapng"),
            "--keylog".into(),
            fixture("samples/mtls-decrypt-error.keylog"),
        ],
        vec![fixture("tests/fixtures/tls13-rsa.pcapng")],
        vec![fixture("tests/fixtures/tls13-rsa.pcapng"), "--keylog".into(), fixture("tests/fixtures/tls13-rsa.keylog")],
        vec![fixture("tests/fixtures/starttls-smtp-tls12.pcapng")],
        vec![fixture("tests/hostile/handshake-16mib.pcap")],
        vec![fixture("tests/fixtures/diagnose/capture-gap.pcapng")],
        vec![fixture("tests/fixtures/quic/quic-transport-parameter-error.pcapng")],
        vec![fixture("tests/fixtures/quic/quic-version-negotiation.pcapng")],
        vec![
            fixture("tests/fixtures/quic/aioquic-client-ngtcp2-server.pcapng"),
            "--keylog".into(),
            fixture("tests/fixtures/quic/aioquic-client-ngtcp2-server.keylog"),
        ],
    ];
    let mut kinds = BTreeSet::new();
    let mut lines = 0;
    for run in runs {
        let mut args = vec!["dissect".to_string(), "--format".into(), "json".into()];
        args.extend(run);
        let out = tlsdoctor(&args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        for text in String::from_utf8(out.stdout).unwrap().lines() {
            lines += 1;
            let line: serde_json::Map<String, Value> = serde_json::from_str(text).expect("each line is an object");
            let kind = line_kind(&line);
            let message = kind != "anomaly";
            let record = message && !QUIC_SIGNALS.contains(&kind.as_str());
            let wanted = rows.iter().filter(|(_, lines)| {
                lines == "all" || lines == &kind || (lines == "messages" && message) || (lines == "records" && record)
            });
            for (member, _) in wanted {
                assert!(line.contains_key(member), "a {kind} line without {member}: {text}");
            }
            for member in line.keys() {
                assert!(documented.contains(member.as_str()), "{member} is not in docs/report.md: {text}");
            }
            kinds.insert(kind);
        }
    }
    assert!(lines > 20, "only {lines} lines");
    for kind in [
        "handshake",
        "alert",
        "application_data",
        "encrypted",
        "anomaly",
        "change_cipher_spec",
        "stream_data",
        "connection_close",
        "version_negotiation",
    ] {
        assert!(kinds.contains(kind), "no {kind} line among the fixtures: {kinds:?}");
    }
}
