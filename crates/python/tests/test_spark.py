"""examples/spark on Spark local[2]: the tables of connections and findings equal the
command's JSON reports, connection for connection, on repository fixtures and on
captures made by the project's generator."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, need

pq = need("pyarrow.parquet")
need("pyspark")

SPARK = REPO / "examples" / "spark"
FIXTURES = [
    "samples/mtls-decrypt-error.pcapng",
    "tests/fixtures/dtls/dtls12-cv-invalid.pcapng",
    "tests/fixtures/quic/chromium-quinn-server.pcapng",
    "tests/fixtures/browser/nginx-403-h2.pcapng",
    "tests/fixtures/tls12-client-cert-required-alert.pcapng",
]


def benchgen():
    if os.environ.get("TLSDOCTOR_BENCHGEN"):
        return os.environ["TLSDOCTOR_BENCHGEN"]
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    subprocess.run(["cargo", "build", "-q", "-p", "tlsdoctor-benchgen"], cwd=REPO, check=True)
    return str(target / "debug" / "tlsdoctor-benchgen")


@pytest.fixture(scope="module")
def captures(tmp_path_factory):
    """The fixtures and two generated captures (one impaired), in one directory, with the
    generated ones' key log."""
    where = tmp_path_factory.mktemp("captures")
    for fixture in FIXTURES:
        shutil.copy(REPO / fixture, where)
    keylog = where.parent / "bench.keylog"
    for seed, extra in ((1, []), (2, ["--impair"])):
        subprocess.run([benchgen(), "--size", "2M", "--seed", str(seed), "--quiet", "--out",
                        str(where / f"bench-{seed}.pcap"), "--keylog-out", str(keylog), *extra], check=True)
    return where, keylog


def spark_submit(*args):
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
    # PySpark's script, beside this Python (a virtual environment's bin/) or on the PATH.
    beside = Path(sys.executable).parent / "spark-submit"
    program = str(beside) if beside.exists() else "spark-submit"
    done = subprocess.run([program, "--master", "local[2]", "--conf", "spark.ui.enabled=false", *args],
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


def cli_connections(cli, captures, keylog):
    """The command's report of each capture, by file name: {(name, id): connection}."""
    expected = {}
    for capture in sorted(captures.iterdir()):
        status, out, err = cli("diagnose", "--format", "json", str(capture), "--keylog", str(keylog),
                               "--ca", "samples/ca.pem")
        assert status in (0, 1), err
        for c in json.loads(out)["connections"]:
            expected[(capture.name, c["id"])] = c
    return expected


def spark_connections(out):
    """The Spark tables as the JSON report's connections: {(name, id): connection}."""
    findings = {}
    for f in pq.read_table(out / "findings").to_pylist():
        f["detail"] = json.loads(f["detail"])
        findings.setdefault((f["input"], f["connection"]), []).append(f)
    connections = {}
    for c in pq.read_table(out / "connections").to_pylist():
        c["story"] = json.loads(c["story"])
        c["ladder"] = json.loads(c["ladder"])
        mine = findings.pop((c["input"], c["id"]), [])
        c["findings"] = [{k: v for k, v in f.items() if k not in ("input", "connection")} for f in mine]
        connections[(Path(c["input"]).name, c["id"])] = c
    assert not findings, "every finding belongs to a connection"
    return connections


def same_but_input(ours, theirs):
    ours, theirs = dict(ours), dict(theirs)
    assert Path(ours.pop("input")).name == Path(theirs.pop("input")).name
    # Findings come in the report's order.
    assert ours == theirs


@pytest.mark.parametrize("read", ["bytes", "path"])
def test_spark_equals_the_command(cli, captures, tmp_path, read):
    where, keylog = captures
    out = tmp_path / "out"
    spark_submit(str(SPARK / "diagnose_captures.py"), "--read", read, "--out", str(out),
                 "--keylog", str(keylog), "--ca", str(REPO / "samples/ca.pem"), str(where))
    expected = cli_connections(cli, where, keylog)
    got = spark_connections(out)
    generated = [name for name, _ in expected if name.startswith("bench-")]
    assert len(generated) > 20, "the generated captures add connections"
    assert sorted(got) == sorted(expected)
    for key, connection in expected.items():
        same_but_input(got[key], connection)
    inputs = pq.read_table(out / "inputs").to_pylist()
    assert sorted(Path(i["path"]).name for i in inputs) == sorted(p.name for p in where.iterdir())
    assert all(i["error"] is None for i in inputs)

    # The query example over the same tables: failures by server and code.
    shown = spark_submit(str(SPARK / "failures_by_server.py"), str(out))
    counts = {}
    for c in expected.values():
        server = c["sni"] or f'{c["server"]["ip"]}:{c["server"]["port"]}'
        for code in {f["code"] for f in c["findings"] if f["severity"] == "error"}:
            counts[(server, code)] = counts.get((server, code), 0) + 1
    table = {(m[0], m[1]): int(m[2]) for m in re.findall(r"^\|(\S+)\s*\|(\S+)\s*\|(\d+)\s*\|\d+\s*\|$", shown, re.M)}
    assert counts and table == counts


def test_an_unusable_capture_is_a_row_of_inputs(cli, tmp_path):
    where = tmp_path / "in"
    where.mkdir()
    shutil.copy(REPO / "README.md", where / "notes.pcap")
    out = tmp_path / "out"
    spark_submit(str(SPARK / "diagnose_captures.py"), "--read", "path", "--out", str(out), str(where))
    _, _, err = cli("diagnose", str(where / "notes.pcap"))
    [row] = pq.read_table(out / "inputs").to_pylist()
    assert "tlsdoctor: " + row["error"] == err.strip().splitlines()[-1]
