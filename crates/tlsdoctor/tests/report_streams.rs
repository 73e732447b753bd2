//! The report as a stream for other tools: `--format jsonl` (each line the JSON
//! report's connection, valid against the schema of docs/report.md, loaded by DuckDB),
//! `--format zeek` (read back by a parser of Zeek's log format), and a capture read
//! from standard input (`-`).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

fn tlsdoctor(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .args(args)
        .env_remove("SSLKEYLOGFILE")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tlsdoctor runs");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

/// Captures with many kinds of connections: every diagnose fixture, the sample, hostile
/// server names (escaping), DTLS and QUIC.
fn captures() -> Vec<String> {
    let mut paths: Vec<String> = std::fs::read_dir(repo("tests/fixtures/diagnose"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcapng"))
        .map(|p| p.display().to_string())
        .collect();
    paths.sort();
    for extra in ["samples/mtls-decrypt-error.pcapng", "tests/fixtures/hostile-names/hostile-names.pcapng"] {
        paths.push(repo(extra).display().to_string());
    }
    for dir in ["tests/fixtures/dtls", "tests/fixtures/quic"] {
        let mut more: Vec<String> = std::fs::read_dir(repo(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "pcapng"))
            .map(|p| p.display().to_string())
            .collect();
        more.sort();
        paths.extend(more.into_iter().take(3));
    }
    paths
}

/// The connections of `--format json` for `capture`.
fn json_connections(capture: &str) -> Vec<Value> {
    let out = tlsdoctor(&["diagnose", "--format", "json", capture], None);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{capture}: {e}"));
    report["connections"].as_array().unwrap().clone()
}

/// The lines of `--format jsonl`, each parsed.
fn jsonl(args: &[&str], stdin: Option<&[u8]>) -> Vec<Value> {
    let out = tlsdoctor(args, stdin);
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{args:?}: {e}: {l}"))).collect()
}

fn by_id(mut connections: Vec<Value>) -> Vec<Value> {
    connections.sort_by_key(|c| (c["input"].as_str().unwrap_or("").to_string(), c["id"].as_u64()));
    connections
}

/// A validator of one line: docs/report-jsonl.schema.json names the connection of
/// docs/report.schema.json, which is checked here with the report schema's definitions.
fn line_validator() -> jsonschema::Validator {
    let line: Value = serde_json::from_str(&std::fs::read_to_string(repo("docs/report-jsonl.schema.json")).unwrap())
        .expect("the jsonl schema is JSON");
    let reference = line["$ref"].as_str().unwrap();
    let (file, pointer) = reference.split_once('#').unwrap();
    assert_eq!((file, pointer), ("report.schema.json", "/$defs/connection"));
    let mut schema: Value =
        serde_json::from_str(&std::fs::read_to_string(repo("docs/report.schema.json")).unwrap()).unwrap();
    let object = schema.as_object_mut().unwrap();
    for member in ["properties", "required", "additionalProperties", "type"] {
        object.remove(member);
    }
    object.insert("$ref".into(), Value::String(format!("#{pointer}")));
    jsonschema::draft202012::new(&schema).expect("the line schema compiles")
}

#[test]
fn jsonl_lines_are_the_json_reports_connections_and_validate() {
    let validator = line_validator();
    let mut lines = 0;
    for capture in captures() {
        let streamed = jsonl(&["diagnose", "--format", "jsonl", &capture], None);
        for line in &streamed {
            let errors: Vec<String> =
                validator.iter_errors(line).map(|e| format!("{}: {e}", e.instance_path)).collect();
            assert!(errors.is_empty(), "{capture}: {errors:?}");
        }
        lines += streamed.len();
        assert_eq!(by_id(streamed), json_connections(&capture), "{capture}");
    }
    assert!(lines > 50, "only {lines} connections: fixtures missing?");
}

/// A pipe (`tcpdump -U -w - | tlsdoctor diagnose --format jsonl -`) is reported as it
/// comes: the connection's line is out while the pipe is still open. Then Ctrl-C ends
/// the input, not the process: it exits with the report's status and says so.
#[test]
fn a_pipe_is_reported_as_it_comes_and_ctrl_c_ends_only_the_input() {
    let sample = repo("samples/mtls-decrypt-error.pcapng");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .args(["diagnose", "--format", "jsonl", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tlsdoctor runs");
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(&std::fs::read(&sample).unwrap()).unwrap();
    pipe.flush().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines, arrived) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
            let _ = lines.send(line.unwrap());
        }
    });
    let line = arrived.recv_timeout(std::time::Duration::from_secs(60)).expect("a report before the pipe closed");
    let report: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(report["outcome"], "failed");
    assert_eq!(report["alert"]["description"], "decrypt_error");

    // The handler is in place: it was set before the first read.
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    std::thread::sleep(std::time::Duration::from_millis(200));
    drop(pipe);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{:?}: {stderr}", out.status);
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(arrived.try_recv().is_err(), "one connection, one line");
}

#[test]
fn a_capture_is_read_from_standard_input() {
    for name in ["tls12-ecdhe-rsa-aes128gcm.pcap", "tls12-ecdhe-rsa-aes128gcm.pcapng", "tls13-rsa.pcapng"] {
        let path = repo(&format!("tests/fixtures/{name}"));
        let bytes = std::fs::read(&path).unwrap();
        let from_stdin = jsonl(&["diagnose", "--format", "jsonl", "-"], Some(&bytes));
        let from_file = jsonl(&["diagnose", "--format", "jsonl", &path.display().to_string()], None);
        assert!(!from_file.is_empty());
        assert_eq!(from_stdin.len(), from_file.len(), "{name}");
        for (mut piped, mut read) in from_stdin.into_iter().zip(from_file) {
            assert_eq!(piped["input"], "-");
            piped["input"] = Value::Null;
            read["input"] = Value::Null;
            assert_eq!(piped, read, "{name}");
        }
        // dissect too, gzip-compressed on the way.
        let dissected = tlsdoctor(&["dissect", "--format", "json", &path.display().to_string()], None);
        let gz = Command::new("gzip").arg("-c").arg(&path).output().ok().filter(|o| o.status.success());
        if let Some(gz) = gz {
            let piped = tlsdoctor(&["dissect", "--format", "json", "-"], Some(&gz.stdout));
            assert_eq!(piped.stdout, dissected.stdout, "{name}");
        }
    }
    let out = tlsdoctor(&["diagnose", "-"], Some(b"not a capture"));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("tlsdoctor: -"), "{stderr}");
}

/// One Zeek ASCII log, parsed as its header says: a reader of the format, written from
/// Zeek's description of it, not from tlsdoctor's writer.
struct ZeekLog {
    fields: Vec<String>,
    types: Vec<String>,
    set_separator: String,
    empty: String,
    unset: String,
    rows: Vec<Vec<String>>,
    path: String,
    closed: bool,
}

fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'x') && i + 4 <= bytes.len() {
            out.push(u8::from_str_radix(&s[i + 2..i + 4], 16).unwrap());
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn parse_zeek(text: &str) -> ZeekLog {
    let mut lines = text.lines();
    let first = lines.next().unwrap();
    let separator = unescape(first.strip_prefix("#separator ").expect("#separator first"));
    let mut log = ZeekLog {
        fields: vec![],
        types: vec![],
        set_separator: String::new(),
        empty: String::new(),
        unset: String::new(),
        rows: vec![],
        path: String::new(),
        closed: false,
    };
    for line in lines {
        let cells: Vec<&str> = line.split(separator.as_str()).collect();
        match cells[0] {
            "#set_separator" => log.set_separator = unescape(cells[1]),
            "#empty_field" => log.empty = cells[1].to_string(),
            "#unset_field" => log.unset = cells[1].to_string(),
            "#path" => log.path = cells[1].to_string(),
            "#fields" => log.fields = cells[1..].iter().map(|s| s.to_string()).collect(),
            "#types" => log.types = cells[1..].iter().map(|s| s.to_string()).collect(),
            "#open" => assert!(cells[1].len() == 19, "{line}"),
            "#close" => log.closed = true,
            _ => {
                assert!(!log.closed && !log.fields.is_empty(), "a row outside the log: {line}");
                assert_eq!(cells.len(), log.fields.len(), "{line}");
                log.rows.push(cells.iter().map(|s| s.to_string()).collect());
            }
        }
    }
    log
}

impl ZeekLog {
    /// A row's field as the JSON value it stands for.
    fn value(&self, row: &[String], field: &str) -> Value {
        let i = self.fields.iter().position(|f| f == field).unwrap_or_else(|| panic!("no field {field}"));
        let (raw, typ) = (&row[i], &self.types[i]);
        if *raw == self.unset {
            return Value::Null;
        }
        match typ.as_str() {
            "time" => Value::from(raw.parse::<f64>().unwrap()),
            "port" | "count" => Value::from(raw.parse::<u64>().unwrap()),
            "bool" => Value::Bool(raw == "T"),
            t if t.starts_with("set[") => Value::Array(if *raw == self.empty {
                vec![]
            } else {
                raw.split(self.set_separator.as_str()).map(|s| Value::String(unescape(s))).collect()
            }),
            _ if *raw == self.empty => Value::String(String::new()),
            _ => Value::String(unescape(raw)),
        }
    }
}

#[test]
fn zeek_rows_are_the_json_reports_connections() {
    let mut rows = 0;
    for capture in captures() {
        let out = tlsdoctor(&["diagnose", "--format", "zeek", &capture], None);
        let log = parse_zeek(&String::from_utf8(out.stdout).unwrap());
        assert_eq!(log.path, "ssl");
        assert!(log.closed, "{capture}: no #close");
        assert_eq!(log.fields.len(), log.types.len());
        let mut connections = json_connections(&capture);
        let mut parsed: Vec<&Vec<String>> = log.rows.iter().collect();
        parsed.sort_by_key(|r| log.value(r, "uid").as_str().unwrap()[2..].parse::<u64>().unwrap());
        connections.sort_by_key(|c| c["id"].as_u64());
        assert_eq!(parsed.len(), connections.len(), "{capture}");
        rows += parsed.len();
        for (row, c) in parsed.into_iter().zip(&connections) {
            let get = |field| log.value(row, field);
            let close = |a: Value, b: &Value| (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1e-6;
            assert!(close(get("ts"), &c["first_time"]) && close(get("last_ts"), &c["last_time"]), "{capture}");
            assert_eq!(get("uid"), format!("TD{}", c["id"]));
            assert_eq!(get("id.orig_h"), c["client"]["ip"]);
            assert_eq!(get("id.orig_p"), c["client"]["port"]);
            assert_eq!(get("id.resp_h"), c["server"]["ip"]);
            assert_eq!(get("id.resp_p"), c["server"]["port"]);
            assert_eq!(get("version"), c["version"]);
            assert_eq!(get("cipher"), c["cipher_suite"]);
            let group = c["story"]["server_choice"].get("group").cloned().unwrap_or(Value::Null);
            assert_eq!(get("curve"), group);
            assert_eq!(get("server_name"), c["sni"], "{capture}");
            assert_eq!(get("last_alert"), c["alert"].get("description").cloned().unwrap_or(Value::Null));
            assert_eq!(get("established"), Value::Bool(c["outcome"] == "ok"));
            for fp in ["ja3", "ja3s", "ja4", "ja4s"] {
                assert_eq!(get(fp), c["fingerprints"][fp]);
            }
            assert_eq!(get("transport"), c["transport"]);
            assert_eq!(get("outcome"), c["outcome"]);
            let codes: Vec<Value> = c["findings"].as_array().unwrap().iter().map(|f| f["code"].clone()).collect();
            assert_eq!(get("findings"), Value::Array(codes));
            assert_eq!(get("input"), c["input"]);
        }
    }
    assert!(rows > 50, "only {rows} rows");
}

/// The stream loads into DuckDB (`read_json_auto`, through its Python package): as many
/// rows as the CLI wrote lines, and each failed connection's first finding as the CLI
/// gave it.
#[test]
fn jsonl_loads_in_duckdb() {
    if !common::have_tool("python3", "loading the jsonl stream into DuckDB") {
        return;
    }
    let has_duckdb = Command::new("python3").args(["-c", "import duckdb"]).status().is_ok_and(|s| s.success());
    if !has_duckdb {
        assert!(std::env::var_os("TLSDOCTOR_REQUIRE_TOOLS").is_none(), "the duckdb Python package is required here");
        eprintln!("skipped: loading the jsonl stream into DuckDB (needs the duckdb Python package)");
        return;
    }
    let scratch = common::Scratch::new("duckdb");
    let file = scratch.join("report.jsonl");
    let paths = captures();
    let mut args = vec!["diagnose", "--format", "jsonl"];
    args.extend(paths.iter().map(String::as_str));
    let out = tlsdoctor(&args, None);
    std::fs::write(&file, &out.stdout).unwrap();
    let lines: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let query = r#"
import duckdb, json, sys
path = sys.argv[1]
db = duckdb.connect()
rows = db.execute(f"SELECT count(*) FROM read_json_auto('{path}')").fetchall()[0][0]
failed = db.execute(f"""
    SELECT input, id, findings[1].code FROM read_json_auto('{path}')
    WHERE outcome = 'failed' ORDER BY input, id""").fetchall()
print(json.dumps({"rows": rows, "failed": [list(f) for f in failed]}))
"#;
    let py = Command::new("python3").arg("-c").arg(query).arg(&file).output().unwrap();
    assert!(py.status.success(), "{}", String::from_utf8_lossy(&py.stderr));
    let answer: Value = serde_json::from_slice(&py.stdout).unwrap();
    assert_eq!(answer["rows"], lines.len());
    let mut failed: Vec<Value> = lines
        .iter()
        .filter(|c| c["outcome"] == "failed")
        .map(|c| serde_json::json!([c["input"], c["id"], c["findings"][0]["code"]]))
        .collect();
    failed.sort_by_key(|f| (f[0].as_str().unwrap().to_string(), f[1].as_u64()));
    assert!(failed.len() > 10, "only {} failed connections", failed.len());
    assert_eq!(answer["failed"], Value::Array(failed));
}

/// A build without the `live` feature says how to get live capture, and how to do
/// without it.
#[cfg(not(feature = "live"))]
#[test]
fn without_the_live_feature_i_says_how_to_build_it() {
    for command in ["diagnose", "dissect"] {
        let out = tlsdoctor(&[command, "-i", "lo"], None);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--features live") && stderr.contains("libpcap-dev"), "{stderr}");
        assert!(stderr.contains("tcpdump -i IFACE -w - | tlsdoctor diagnose -"), "{stderr}");
    }
}
