//! The UDP benchmark captures (issue 16): replicas of the real DTLS and QUIC connections
//! of bench/seed-udp, made by the project's generator, are diagnosed as its manifest says.
//! Replicas reuse their seed connection's bytes, so QUIC connection IDs repeat at other
//! addresses: each replica must still be a connection of its own, and none may fail that
//! did not fail in the seed.

use std::collections::HashMap;
use std::sync::Arc;

use tlsdoctor::decrypt::{secrets, Keys};
use tlsdoctor::diagnose::{diagnose_capture, Options, Outcome, Severity};
use tlsdoctor::pipeline::Config;
use tlsdoctor_benchgen::{generate, udp_seed_capture, Seed};

/// What a seed connection's label says it is: (transport, outcome). The seed's labels
/// name failing connections `fail-*` and QUIC ones `*quic*` (bench/seed-udp/README.md).
fn expected(label: &str) -> (&'static str, Outcome) {
    let transport = if label.contains("quic") { "quic" } else { "udp" };
    // A client that only shakes hands and leaves cannot be told from one that refused
    // the certificate after the handshake (client-left-after-handshake).
    let outcome = match label {
        _ if label.starts_with("fail-") => Outcome::Failed,
        _ if label.ends_with("handshake-only") => Outcome::Incomplete,
        _ => Outcome::Ok,
    };
    (transport, outcome)
}

#[test]
fn a_generated_quic_and_dtls_capture_is_diagnosed_as_its_manifest_says() {
    let seed_path = udp_seed_capture();
    let seed = Seed::open(&seed_path).expect("the repository's UDP seed");
    let options = tlsdoctor_benchgen::Options { target_size: 6 << 20, random_seed: 7, ..Default::default() };
    let mut bytes = Vec::new();
    let generated = generate(&seed, &options, &mut bytes).expect("generator runs");
    let rows = &generated.rows;
    assert!(rows.len() >= 40, "{} replicas", rows.len());
    // Enough replicas of one template that their connection IDs meet in one capture.
    let mut per_template: HashMap<usize, usize> = HashMap::new();
    for r in rows {
        *per_template.entry(r.template).or_default() += 1;
    }
    assert!(per_template.values().any(|&n| n >= 3), "{per_template:?}");
    let kinds: Vec<_> = rows.iter().map(|r| expected(&r.label)).collect();
    for kind in [("quic", Outcome::Ok), ("quic", Outcome::Failed), ("udp", Outcome::Ok), ("udp", Outcome::Failed)] {
        assert!(kinds.contains(&kind), "no {kind:?} replica");
    }

    let path = std::env::temp_dir().join(format!("tlsdoctor-udp-bench-{}.pcap", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let (keylog, problems) = secrets::load_keylog(&seed_path.with_file_name("seed.keylog")).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let keys = Some(Arc::new(Keys::from_keylog(keylog)));
    let config = Config { keys: keys.clone(), ..Config::default() };
    let reports = diagnose_capture(&path, &config, &Options { keys, ..Options::default() });
    std::fs::remove_file(&path).unwrap();
    let reports = reports.unwrap();

    assert_eq!(reports.len(), rows.len(), "one report per replica");
    let by_client: HashMap<String, _> =
        reports.iter().map(|r| (format!("{}:{}", r.client.ip, r.client.port), r)).collect();
    for row in rows {
        let r = by_client.get(&row.client.to_string()).unwrap_or_else(|| panic!("{row:?}: no report"));
        assert_eq!(format!("{}:{}", r.server.ip, r.server.port), row.server.to_string(), "{row:?}");
        assert_eq!((r.transport, r.outcome), expected(&row.label), "{row:?}: {:?}", r.findings);
        if r.outcome == Outcome::Incomplete {
            assert!(r.findings.iter().any(|f| f.code == "client-left-after-handshake"), "{row:?}: {:?}", r.findings);
        }
        if r.outcome == Outcome::Ok {
            let errors: Vec<_> =
                r.findings.iter().filter(|f| matches!(f.severity, Severity::Error)).map(|f| f.code).collect();
            assert!(errors.is_empty(), "{row:?}: {errors:?}");
        }
    }
}
