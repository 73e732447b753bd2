"""`tlsdoctor diagnose --format parquet`: the tables, read back with pyarrow and with
DuckDB, hold the JSON report's connections and findings, row for row."""

import json
from pathlib import Path

import pytest

from conftest import need

pa = need("pyarrow.parquet")
duckdb = need("duckdb")

# Captures with failures, findings with details, alerts, closes, HTTP responses, key
# logs, DTLS and QUIC, and one of several hundred connections (row groups, batches).
CAPTURES = [
    ["samples/mtls-decrypt-error.pcapng", "--ca", "samples/ca.pem"],
    ["tests/fixtures/dtls/dtls12-cv-invalid.pcapng", "--keylog", "tests/fixtures/dtls/dtls12-cv-invalid.keylog"],
    ["tests/fixtures/quic/quic-0rtt.pcapng", "--keylog", "tests/fixtures/quic/quic-0rtt.keylog"],
    ["tests/fixtures/browser/nginx-403-h2.pcapng", "--keylog", "tests/fixtures/browser/nginx-403-h2.keylog"],
    ["tests/fixtures/tls12-ecdhe-rsa-aes128gcm.pcap"],
]


def expected_rows(report):
    """The JSON report's connections and findings as the tables hold them: the story and
    a finding's detail as JSON text (compared as JSON)."""
    connections, findings = [], []
    for c in report["connections"]:
        c = dict(c)
        for f in c.pop("findings"):
            findings.append({"input": c["input"], "connection": c["id"], **f})
        connections.append(c)
    return connections, findings


def normalise(row):
    row = dict(row)
    for member in ("story", "ladder", "detail"):
        if member in row and isinstance(row[member], str):
            row[member] = json.loads(row[member])
    return row


def key(row):
    return (row["input"], row.get("connection", row.get("id")), row.get("code", ""), row.get("frame", 0))


@pytest.fixture(scope="module")
def tables(cli, tmp_path_factory):
    """The command's tables and JSON report of every capture."""
    out = tmp_path_factory.mktemp("tables")
    made = []
    for args in CAPTURES:
        status, _, err = cli("diagnose", "--format", "parquet", "-o", str(out), *args)
        assert status in (0, 1), err
        status, report, err = cli("diagnose", "--format", "json", *args)
        stem = Path(args[0]).name.split(".")[0]
        made.append((out / f"{stem}.connections.parquet", out / f"{stem}.findings.parquet", json.loads(report)))
    return made


def test_pyarrow_reads_the_json_reports_rows(tables):
    for connections_file, findings_file, report in tables:
        connections, findings = expected_rows(report)
        assert connections
        got = [normalise(r) for r in pa.read_table(connections_file).to_pylist()]
        assert sorted(got, key=key) == sorted(connections, key=key)
        got = [normalise(r) for r in pa.read_table(findings_file).to_pylist()]
        assert sorted(got, key=key) == sorted(findings, key=key)


def test_the_columns_are_the_json_reports_members(tables):
    connections_file, findings_file, report = tables[0]
    members = [m for m in report["connections"][0] if m != "findings"]
    assert pa.read_schema(connections_file).names == members
    finding_members = list(report["connections"][0]["findings"][0])
    assert pa.read_schema(findings_file).names == ["input", "connection", *finding_members]


def test_duckdb_reads_the_same_rows(tables):
    con = duckdb.connect()
    for connections_file, findings_file, report in tables:
        connections, findings = expected_rows(report)
        rows = con.execute(
            "SELECT id, input, client.ip, server.port, sni, outcome, alert.description, fingerprints.ja4, "
            f"len(passed) FROM read_parquet('{connections_file}') ORDER BY id").fetchall()
        assert rows == [
            (c["id"], c["input"], c["client"]["ip"], c["server"]["port"], c["sni"], c["outcome"],
             (c["alert"] or {}).get("description"), c["fingerprints"]["ja4"], len(c["passed"]))
            for c in sorted(connections, key=key)
        ]
        rows = con.execute(
            "SELECT connection, code, severity, frame, summary, remedy, detail "
            f"FROM read_parquet('{findings_file}') ORDER BY connection, frame, code").fetchall()
        expected = sorted(findings, key=lambda f: (f["connection"], f["frame"], f["code"]))
        assert [(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in rows] == [
            (f["connection"], f["code"], f["severity"], f["frame"], f["summary"], f["remedy"], f["detail"])
            for f in expected
        ]


def test_failures_by_server_and_code_in_sql(tables):
    # The query of examples/spark, in DuckDB over the same tables.
    files = ", ".join(f"'{t[1]}'" for t in tables)
    con = duckdb.connect()
    got = con.execute(f"SELECT code, count(*) FROM read_parquet([{files}]) WHERE severity = 'error' "
                      "GROUP BY code ORDER BY code").fetchall()
    counts = {}
    for _, _, report in tables:
        for c in report["connections"]:
            for f in c["findings"]:
                if f["severity"] == "error":
                    counts[f["code"]] = counts.get(f["code"], 0) + 1
    assert got == sorted(counts.items())
    assert "client-certificate-verify-invalid" in dict(got)


def test_parquet_needs_a_directory(cli):
    status, _, err = cli("diagnose", "--format", "parquet", "samples/mtls-decrypt-error.pcapng")
    assert status == 2 and "--output" in err
