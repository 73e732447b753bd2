"""Diagnoses many captures on Spark with the tlsdoctor Python package, and writes the
connections, findings and inputs as Parquet (the columns of `tlsdoctor diagnose --format
parquet`, docs/report.md).

Captures are independent: one task per capture, as many at once as the cluster has cores.

    spark-submit examples/spark/diagnose_captures.py --out OUT CAPTURE_OR_DIR...

CAPTURE_OR_DIR: any path Spark reads (file:, hdfs://, s3a://...); a directory means every
file in it. OUT gets connections/, findings/ and inputs/ (Parquet).
"""

import argparse
import json
import os

from pyspark import SparkFiles
from pyspark.sql import SparkSession

# The tables' schemas: the JSON report's members (docs/report.md, "diagnose --format
# parquet"); the story and a finding's detail as JSON text.
CONNECTIONS = """
    id INT, input STRING, transport STRING,
    client STRUCT<ip: STRING, port: INT>, server STRUCT<ip: STRING, port: INT>,
    first_frame BIGINT, last_frame BIGINT, first_time DOUBLE, last_time DOUBLE, sni STRING, version STRING, cipher_suite STRING,
    client_auth STRING, decrypted BOOLEAN, outcome STRING,
    alert STRUCT<sender: STRING, level: STRING, description: STRING, frame: BIGINT, encrypted: BOOLEAN>,
    closed STRUCT<sender: STRING, how: STRING, frame: BIGINT>,
    http_response STRUCT<version: STRING, status: INT, frame: BIGINT>,
    passed ARRAY<STRING>, story STRING,
    fingerprints STRUCT<ja3: STRING, ja3_string: STRING, ja4: STRING, ja4_r: STRING, ja3s: STRING,
        ja3s_string: STRING, ja4s: STRING, ja4s_r: STRING, ja4x: ARRAY<STRING>, client_ja4x: ARRAY<STRING>>,
    ladder STRING
"""
FINDINGS = """
    input STRING, connection INT, code STRING, severity STRING, frame BIGINT, summary STRING,
    detail STRING, remedy STRING
"""
# The report's `inputs`, and why a capture could not be used (`error`, the command's message).
INPUTS = """
    path STRING, format STRING, frames BIGINT, stopped STRING, evicted_connections BIGINT,
    missing_bytes BIGINT, error STRING
"""


def rows(report):
    """A report's rows: ("c", connection), ("f", finding) and ("i", input)."""
    for c in report["connections"]:
        c = dict(c)
        for f in c.pop("findings"):
            yield "f", {"input": c["input"], "connection": c["id"], **f, "detail": json.dumps(f["detail"])}
        yield "c", {**c, "story": json.dumps(c["story"]), "ladder": json.dumps(c["ladder"])}
    for i in report["inputs"]:
        yield "i", {"stopped": None, **i, "error": None}


def diagnose(name, capture, keylog, ca):
    """One task: a capture (its bytes, or a path every executor reads) diagnosed."""
    import tlsdoctor

    keylog = SparkFiles.get(keylog) if keylog else None
    ca = SparkFiles.get(ca) if ca else None
    try:
        report = tlsdoctor.diagnose(capture, keylog=keylog, ca=ca, name=name)
    except tlsdoctor.Error as e:
        return [("i", {"path": name, "format": None, "frames": None, "stopped": None,
                       "evicted_connections": None, "missing_bytes": None, "error": str(e)})]
    return list(rows(report))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("captures", nargs="+", help="capture files or directories (any path Spark reads)")
    parser.add_argument("--out", required=True, help="directory of the Parquet tables")
    parser.add_argument("--keylog", help="an NSS key log file, shipped to every executor")
    parser.add_argument("--ca", help="a CA certificate file (PEM or DER), shipped to every executor")
    parser.add_argument("--read", choices=["bytes", "path"], default="bytes",
                        help="bytes: Spark reads each capture (any filesystem) and hands the task its bytes; "
                             "path: each task opens its capture itself (a path every executor sees, "
                             "e.g. a shared mount): no copy through Spark, for large captures")
    parser.add_argument("--mode", choices=["overwrite", "append", "error"], default="error")
    args = parser.parse_args()

    spark = SparkSession.builder.appName("tlsdoctor").getOrCreate()
    sc = spark.sparkContext
    keylog = ca = None
    if args.keylog:
        sc.addFile(args.keylog)
        keylog = os.path.basename(args.keylog)
    if args.ca:
        sc.addFile(args.ca)
        ca = os.path.basename(args.ca)

    if args.read == "bytes":
        # One record per file; one partition per file, so that captures spread over tasks.
        files = sc.binaryFiles(",".join(args.captures))
        files = files.repartition(max(files.getNumPartitions(), files.count()))
        found = files.flatMap(lambda f: diagnose(f[0], f[1], keylog, ca))
    else:
        paths = []
        for path in args.captures:
            paths += sorted(os.path.join(path, n) for n in os.listdir(path)) if os.path.isdir(path) else [path]
        found = sc.parallelize(paths, len(paths)).flatMap(lambda p: diagnose(p, p, keylog, ca))
    found.cache()

    for kind, schema, name in (("c", CONNECTIONS, "connections"), ("f", FINDINGS, "findings"), ("i", INPUTS, "inputs")):
        table = spark.createDataFrame(found.filter(lambda r, k=kind: r[0] == k).map(lambda r: r[1]), schema)
        table.write.mode(args.mode).parquet(os.path.join(args.out, name))
    spark.stop()


if __name__ == "__main__":
    main()
