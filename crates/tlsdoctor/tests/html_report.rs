//! The HTML report (`diagnose --format html`) in a real browser: headless Chromium, driven
//! by tests/browser/inspect-report.js (puppeteer-core, axe-core; `npm ci` there), opens
//! reports the CLI writes, and what the page shows is compared with the CLI's JSON report
//! of the same capture. Skips, saying so, without node, Chromium or the node modules
//! (unless TLSDOCTOR_REQUIRE_TOOLS is set).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fixture, have_tool, Scratch};
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The node modules of tests/browser: there after `npm ci`, or where
/// TLSDOCTOR_BROWSER_MODULES says (CI installs them once, outside its clean clone).
fn node_modules() -> Option<PathBuf> {
    let local = repo().join("tests/browser/node_modules");
    let given = std::env::var_os("TLSDOCTOR_BROWSER_MODULES").map(PathBuf::from);
    [Some(local), given].into_iter().flatten().find(|dir| dir.join("puppeteer-core").is_dir())
}

/// Whether the browser tests can run; when not, says why (or fails in CI).
fn browser() -> Option<PathBuf> {
    if !have_tool("node", "the HTML report in headless Chromium") {
        return None;
    }
    if !have_tool("chromium", "the HTML report in headless Chromium") {
        return None;
    }
    let modules = node_modules();
    if modules.is_none() {
        assert!(
            std::env::var_os("TLSDOCTOR_REQUIRE_TOOLS").is_none(),
            "tests/browser/node_modules is required here: run `npm ci` in tests/browser"
        );
        eprintln!("skipped: the HTML report in headless Chromium (needs `npm ci` in tests/browser)");
    }
    modules
}

/// `tlsdoctor diagnose ARGS --format FORMAT`, with exit status 0 or 1; its stdout.
fn diagnose(args: &[&str], format: &str, output: Option<&Path>) -> Vec<u8> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tlsdoctor"));
    command.arg("diagnose").args(args).args(["--format", format]).env_remove("SSLKEYLOGFILE");
    if let Some(path) = output {
        command.arg("-o").arg(path);
    }
    let out = command.output().expect("tlsdoctor runs");
    assert!(matches!(out.status.code(), Some(0 | 1)), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn json_report(args: &[&str]) -> Value {
    serde_json::from_slice(&diagnose(args, "json", None)).expect("the JSON report")
}

/// What inspect-report.js saw of the page.
fn inspect(modules: &Path, report: &Path, options: &[&str]) -> Value {
    let script = repo().join("tests/browser/inspect-report.js");
    let out = Command::new("node")
        .arg(script)
        .arg(report)
        .args(options)
        .env("NODE_PATH", modules)
        .output()
        .expect("node runs");
    assert!(out.status.success(), "inspect-report.js: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("inspect-report.js prints JSON")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map_or_else(Vec::new, |a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
}

/// The page ran clean: no error, no request, no CSP violation, no dialog, no serious
/// accessibility violation.
fn assert_clean(page: &Value) {
    for what in ["console_errors", "page_errors", "requests", "csp_violations", "alerts"] {
        assert_eq!(page[what], serde_json::json!([]), "{what}: {}", page[what]);
    }
    let serious: Vec<&Value> = page["axe_violations"].as_array().map_or_else(Vec::new, |v| {
        v.iter().filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical"))).collect()
    });
    assert!(serious.is_empty(), "axe: {serious:?}");
}

/// The ladder's flights as the JSON report gives them: (frame, from), one per frame and
/// direction.
fn flights(connection: &Value) -> Vec<(u64, String)> {
    let mut out: Vec<(u64, String)> = Vec::new();
    for step in connection["ladder"].as_array().unwrap() {
        let flight = (step["frame"].as_u64().unwrap(), step["from"].as_str().unwrap().to_string());
        if out.last() != Some(&flight) {
            out.push(flight);
        }
    }
    out
}

#[test]
fn the_sample_report_shows_what_the_json_says() {
    let Some(modules) = browser() else { return };
    let dir = Scratch::new("html-sample");
    let capture = repo().join("samples/mtls-decrypt-error.pcapng");
    let ca = repo().join("samples/ca.pem");
    let args = [capture.to_str().unwrap(), "--ca", ca.to_str().unwrap()];
    let html = dir.join("report.html");
    diagnose(&args, "html", Some(&html));
    let json = json_report(&args);
    let connection = &json["connections"][0];

    for viewport in ["1280x800", "390x844"] {
        let page = inspect(&modules, &html, &["--viewport", viewport]);
        assert_clean(&page);
        assert_eq!(
            page["horizontal_overflow"], false,
            "{viewport}: the page is wider than the screen: {}",
            page["overflowing"]
        );
        assert_eq!(page["connections"].as_u64(), Some(json["connections"].as_array().unwrap().len() as u64));
        assert_eq!(page["rows_drawn"], 1);
        // The keyboard alone reached the connection and opened it.
        assert_eq!(page["opened"], connection["id"], "{viewport}");
        assert_eq!(page["focus_on_detail"], true);
        let codes: Vec<String> =
            connection["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().into()).collect();
        assert_eq!(strings(&page["finding_codes"]), codes);
        assert!(codes.contains(&"client-certificate-verify-invalid".to_string()));
        // The ladder's arrows: the JSON's flights, in frame order; the alert's frame and the
        // error's marked.
        let arrows: Vec<(u64, String)> = page["arrows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["frame"].as_u64().unwrap(), a["from"].as_str().unwrap().to_string()))
            .collect();
        assert_eq!(arrows, flights(connection));
        assert!(arrows.windows(2).all(|w| w[0].0 <= w[1].0), "{arrows:?}");
        let failing: Vec<u64> = page["arrows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["failing"] == true)
            .map(|a| a["frame"].as_u64().unwrap())
            .collect();
        let alert_frame = connection["alert"]["frame"].as_u64().unwrap();
        let error_frame = connection["findings"][0]["frame"].as_u64().unwrap();
        assert_eq!(failing, [error_frame, alert_frame]);
        let detail = page["detail_text"].as_str().unwrap();
        assert!(detail.contains(&format!("decrypt_error from the server in frame {alert_frame}")), "{detail}");
        let filter = page["display_filter"].as_str().unwrap();
        for port in [&connection["client"]["port"], &connection["server"]["port"]] {
            assert!(filter.contains(&format!("tcp.port=={port}")), "{filter}");
        }
        assert_eq!(page["chains"], chains(connection), "{viewport}: the chains shown are not the JSON's");
        // No --include-data: no application data on the page.
        assert_eq!(page["data"], serde_json::json!([]));
    }
}

/// The certificate chains as the JSON report gives them, in the fields the connection's
/// page shows: the server's chain, then the client's.
fn chains(connection: &Value) -> Value {
    let story = &connection["story"];
    let mut out = Vec::new();
    for role in ["server", "client"] {
        let Some(certificates) = story[format!("{role}_certificates")]["certificates"].as_array() else { continue };
        assert!(!certificates.is_empty(), "the sample's {role} chain is empty");
        let shown: Vec<Value> = certificates
            .iter()
            .map(|c| {
                serde_json::json!({
                    "subject": c["subject"], "issuer": c["issuer"], "not_after": c["not_after"],
                    "key": c["key"], "signature": c["signature"],
                })
            })
            .collect();
        out.push(serde_json::json!({ "role": role, "certificates": shown }));
    }
    Value::Array(out)
}

/// With --include-data (and the fixture's key log) the page shows each side's first bytes
/// as the JSON report has them, as text; without it, none.
#[test]
fn application_data_only_with_include_data() {
    let Some(modules) = browser() else { return };
    let dir = Scratch::new("html-data");
    let capture = fixture("tls12-ecdhe-rsa-aes128gcm.pcapng");
    let keylog = fixture("tls12-ecdhe-rsa-aes128gcm.keylog");
    let with = [capture.as_str(), "--keylog", keylog.as_str(), "--include-data"];
    let html = dir.join("with.html");
    diagnose(&with, "html", Some(&html));
    let json = json_report(&with);
    let data = &json["connections"][0]["data"];
    let page = inspect(&modules, &html, &[]);
    assert_clean(&page);
    let shown: Vec<(String, String)> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["side"].as_str().unwrap().into(), d["text"].as_str().unwrap().into()))
        .collect();
    let expected: Vec<(String, String)> = ["client", "server"]
        .iter()
        .map(|side| (side.to_string(), data[side]["text"].as_str().unwrap().into()))
        .collect();
    assert_eq!(shown, expected);
    assert!(shown[1].1.contains("<html><body>"), "the server's markup is shown as text: {shown:?}");
    // A quiet connection: its page draws its chain from the page's table of certificates.
    let connection = &json["connections"][0];
    assert!(connection["findings"].as_array().unwrap().is_empty() && connection["outcome"] == "ok");
    assert_eq!(page["chains"], chains(connection), "the chains shown are not the JSON's");

    let without = dir.join("without.html");
    diagnose(&with[..3], "html", Some(&without));
    let page = inspect(&modules, &without, &["--no-axe"]);
    assert_eq!(page["data"], serde_json::json!([]));
    let page_text = std::fs::read_to_string(&without).unwrap();
    assert!(!page_text.contains("GET /index.html"), "application data in the page without --include-data");
}

/// A capture of many outcomes (the field corpus, real clients and servers): the table
/// filters by outcome and searches by finding code as the JSON report counts them, and
/// scrolls.
#[test]
fn the_table_filters_and_searches_as_the_json_counts() {
    let Some(modules) = browser() else { return };
    let dir = Scratch::new("html-field");
    let capture = fixture("field-corpus/field-corpus.pcapng");
    let html = dir.join("report.html");
    diagnose(&[&capture], "html", Some(&html));
    let json = json_report(&[&capture]);
    let connections = json["connections"].as_array().unwrap();
    let count = |keep: &dyn Fn(&Value) -> bool| connections.iter().filter(|c| keep(c)).count() as u64;
    let failed = count(&|c| c["outcome"] == "failed");
    let code = "certificate-expired";
    let with_code = count(&|c| c["findings"].as_array().unwrap().iter().any(|f| f["code"] == code));
    assert!(failed > 0 && failed < connections.len() as u64 && with_code > 0);

    let page = inspect(&modules, &html, &["--filter-outcome", "failed", "--search", code]);
    assert_clean(&page);
    assert_eq!(page["connections"].as_u64(), Some(connections.len() as u64));
    assert_eq!(page["filtered"]["shown"].as_u64(), Some(failed));
    assert_eq!(page["filtered"]["outcomes"], serde_json::json!(["failed"]));
    assert_eq!(page["searched"].as_u64(), Some(with_code));
    // Opened with the keyboard: the first row, a failed connection (failures sort first).
    let opened = connections.iter().find(|c| c["id"] == page["opened"]).expect("the opened connection");
    assert_eq!(opened["outcome"], "failed");
    let codes: Vec<String> =
        opened["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().into()).collect();
    assert_eq!(strings(&page["finding_codes"]), codes);
    let arrows: Vec<u64> = page["arrows"].as_array().unwrap().iter().map(|a| a["frame"].as_u64().unwrap()).collect();
    assert_eq!(arrows, flights(opened).iter().map(|f| f.0).collect::<Vec<_>>());
}

#[test]
fn hostile_names_stay_text() {
    let Some(modules) = browser() else { return };
    let dir = Scratch::new("html-hostile");
    let capture = fixture("hostile-names/hostile-names.pcapng");
    let keylog = fixture("hostile-names/hostile-names.keylog");
    let args = [capture.as_str(), "--keylog", keylog.as_str()];
    let html = dir.join("report.html");
    diagnose(&args, "html", Some(&html));
    let json = json_report(&args);
    let connection = &json["connections"][0];
    let raw = std::fs::read_to_string(&html).unwrap();
    assert!(!raw.contains("<img") && !raw.contains("<b>") && !raw.contains("<script>alert"), "a name in the markup");

    let page = inspect(&modules, &html, &[]);
    assert_clean(&page);
    // The page's own elements, and nothing the capture named.
    let tags = strings(&page["tags"]);
    for tag in ["img", "b", "iframe", "object", "embed", "a"] {
        assert!(!tags.contains(&tag.to_string()), "a <{tag}> element: {tags:?}");
    }
    assert_eq!(page["scripts"], 2, "the data and the page's script only");
    assert_eq!(page["event_attributes"], serde_json::json!([]));
    // The names are shown, as text.
    let sni = connection["sni"].as_str().unwrap();
    assert!(sni.contains("<img src=x onerror=alert(1)>"));
    assert!(page["body_text"].as_str().unwrap().contains(sni), "the SNI is not in the table");
    let detail = page["detail_text"].as_str().unwrap();
    let subject = connection["story"]["server_certificates"]["subjects"][0].as_str().unwrap();
    // RFC 4514 escapes the angle brackets of a distinguished name: `\<script\>`.
    assert!(subject.contains(r"\<script\>alert(1)\</script\>"), "{subject}");
    assert!(detail.contains(subject), "the certificate's subject is not shown: {detail}");
    assert!(detail.contains("<b>h2</b>"), "the ALPN is not shown");
}

#[test]
fn ten_thousand_connections_open_and_stay_small() {
    let Some(modules) = browser() else { return };
    let dir = Scratch::new("html-large");
    // The project's generator: replicas of a real TLS 1.2 connection (the fixture's),
    // enough for 10,000.
    let seed = tlsdoctor_benchgen::Seed::open(Path::new(&fixture("tls12-ecdhe-rsa-aes128gcm.pcapng"))).unwrap();
    let options = tlsdoctor_benchgen::Options { target_size: 31 << 20, ..Default::default() };
    let capture = dir.join("large.pcap");
    let mut bytes = Vec::new();
    let generated = tlsdoctor_benchgen::generate(&seed, &options, &mut bytes).expect("the generator runs");
    std::fs::write(&capture, bytes).unwrap();
    let n = generated.rows.len() as u64;
    assert!(n >= 10_000, "{n} connections");

    let html = dir.join("large.html");
    let empty = dir.join("empty.html");
    let path = capture.to_str().unwrap();
    diagnose(&[path], "html", Some(&html));
    diagnose(&[path, "--sni", "no.such.name"], "html", Some(&empty));
    // The file grows by at most 2 KB per connection (these are all fine: compact).
    let size = |p: &Path| std::fs::metadata(p).unwrap().len();
    let per_connection = (size(&html) - size(&empty)) / n;
    assert!(per_connection <= 2048, "{per_connection} bytes per connection");
    eprintln!("{per_connection} bytes per connection");

    let page = inspect(&modules, &html, &["--no-axe"]);
    assert_clean(&page);
    assert_eq!(page["connections"].as_u64(), Some(n));
    // Only what is in view is drawn.
    let drawn = page["rows_drawn"].as_u64().unwrap();
    assert!((5..200).contains(&drawn), "{drawn} rows drawn");
    assert!(page["opened"].as_u64().is_some(), "no connection opened");
    // Scrolled half-way, the table draws other rows, as few.
    let scrolled = &page["scrolled"];
    assert!((5..200).contains(&scrolled["rows"].as_u64().unwrap()), "{scrolled}");
    assert!(scrolled["first_id"].as_u64().unwrap() > n / 4, "{scrolled}");
    assert!(!page["arrows"].as_array().unwrap().is_empty(), "no ladder");
}

/// samples/report.html, linked from README, is what the binary writes now (regenerate:
/// `tlsdoctor diagnose samples/mtls-decrypt-error.pcapng --ca samples/ca.pem --format html
/// -o samples/report.html`, from the repository's root).
#[test]
fn the_committed_sample_report_is_current() {
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdoctor"))
        .current_dir(repo())
        .args([
            "diagnose",
            "samples/mtls-decrypt-error.pcapng",
            "--ca",
            "samples/ca.pem",
            "--format",
            "html",
            "-o",
            "-",
        ])
        .env_remove("SSLKEYLOGFILE")
        .output()
        .expect("tlsdoctor runs");
    assert_eq!(out.status.code(), Some(1));
    let committed = std::fs::read(repo().join("samples/report.html")).expect("samples/report.html");
    assert!(out.stdout == committed, "samples/report.html is stale: regenerate it (see this test)");
}
