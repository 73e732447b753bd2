#!/usr/bin/env bash
# The Python package in CI: builds the wheel with maturin (dev profile: CI wants it built
# and tested, not fast), installs it in a fresh virtual environment with pytest, pyarrow,
# DuckDB and PySpark, checks that it gives the sample capture's finding as the command
# does, then runs the pytest suite (package, Parquet tables, Spark on local[2]).
# Needs python3 (with venv) and Java 17 for Spark; run from anywhere in the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=$(realpath -m "${CARGO_TARGET_DIR:-target}")
work=$(mktemp -d /tmp/tlsdoctor-python.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
py="$work/venv/bin/python"
"$py" -m pip install -q --upgrade pip
"$py" -m pip install -q 'maturin>=1.5,<2' pytest pyarrow duckdb pyspark

"$work/venv/bin/maturin" build -q -m crates/python/Cargo.toml -o "$work/wheels"
"$py" -m pip install -q "$work"/wheels/tlsdoctor-*.whl
# The command and the generator the tests compare with and make captures with.
cargo build -q --locked -p tlsdoctor --bin tlsdoctor -p tlsdoctor-benchgen
export TLSDOCTOR_BIN="$target/debug/tlsdoctor" TLSDOCTOR_BENCHGEN="$target/debug/tlsdoctor-benchgen"

# The acceptance check: the installed package gives the sample's finding, as the command.
from_python=$("$py" -c 'import tlsdoctor
r = tlsdoctor.diagnose("samples/mtls-decrypt-error.pcapng", ca="samples/ca.pem")
print(" ".join(f["code"] for c in r["connections"] for f in c["findings"]))')
from_cli=$("$TLSDOCTOR_BIN" diagnose --format json samples/mtls-decrypt-error.pcapng --ca samples/ca.pem |
    "$py" -c 'import json, sys; print(" ".join(f["code"] for c in json.load(sys.stdin)["connections"] for f in c["findings"]))' || true)
if [ "$from_python" != "$from_cli" ] || [ -z "$from_python" ]; then
    echo "ci-test: the package says '$from_python', the command '$from_cli'" >&2
    exit 1
fi
echo "ci-test: the package and the command both find: $from_python"

PYSPARK_PYTHON="$py" "$py" -m pytest -q -p no:cacheprovider crates/python/tests
