#!/usr/bin/env bash
# Spark local[2] against the command with --threads 2 over the same captures: N captures
# of SIZE made by tlsdoctor-benchgen (seeds 1..N), diagnosed by
#   1. tlsdoctor diagnose --threads 2 --format parquet -o OUT CAPTURES...  (one process)
#   2. spark-submit --master local[2] examples/spark/diagnose_captures.py --read path
#   3. the same with --read bytes (Spark reads the files and hands the tasks their bytes)
# Prints each wall time, and Spark's overhead per file: (Spark - command) / N. The
# captures are deleted afterwards. Needs the release builds (below) and the wheel
# installed in the Python that runs pyspark.
#     examples/spark/bench.sh [N [SIZE]]      # default 20 256M
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-20}
size=${2:-256M}
target=${CARGO_TARGET_DIR:-target}
work=${BENCH_DIR:-/tmp/tlsdoctor-spark-bench}
mkdir -p "$work/captures"
trap 'rm -rf "$work"' EXIT
cargo build -q --release --locked -p tlsdoctor -p tlsdoctor-benchgen
for i in $(seq 1 "$n"); do
    "$target/release/tlsdoctor-benchgen" -q --size "$size" --seed "$i" --out "$work/captures/bench-$i.pcap" \
        --keylog-out "$work/bench.keylog"
done
du -sh "$work/captures"
cat "$work"/captures/* >/dev/null # the page cache holds them for every run alike

wall() { # prints the wall seconds of "$@"
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>"$work/stderr" || [ $? -eq 1 ] || { cat "$work/stderr" >&2; exit 1; }
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}
spark() {
    spark-submit --master 'local[2]' --conf spark.ui.enabled=false --driver-memory 2g \
        examples/spark/diagnose_captures.py --mode overwrite --keylog "$work/bench.keylog" "$@" "$work/captures"
}
cli=$(wall "$target/release/tlsdoctor" diagnose --threads 2 --format parquet -o "$work/cli" \
    --keylog "$work/bench.keylog" "$work"/captures/*)
by_path=$(wall spark --read path --out "$work/spark-path")
by_bytes=$(wall spark --read bytes --out "$work/spark-bytes")
echo "captures: $n x $size"
echo "tlsdoctor diagnose --threads 2 --format parquet: ${cli} s"
echo "spark local[2] --read path:  ${by_path} s, overhead per file $(echo "($by_path - $cli) / $n" | bc -l | cut -c1-5) s"
echo "spark local[2] --read bytes: ${by_bytes} s, overhead per file $(echo "($by_bytes - $cli) / $n" | bc -l | cut -c1-5) s"
