"""Failures by server and finding code across every capture diagnosed by
diagnose_captures.py (or the tables of `tlsdoctor diagnose --format parquet`, given as
--connections and --findings globs).

    spark-submit examples/spark/failures_by_server.py OUT
"""

import argparse
import os

from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def failures_by_server(connections, findings):
    """Per server (SNI, else address) and error finding code: the connections and captures
    that had it."""
    c, f = connections.alias("c"), findings.alias("f")
    joined = c.join(f, (F.col("c.input") == F.col("f.input")) & (F.col("c.id") == F.col("f.connection")))
    server = F.coalesce(F.col("c.sni"), F.concat_ws(":", F.col("c.server.ip"), F.col("c.server.port").cast("string")))
    return (joined.where(F.col("f.severity") == "error")
            .groupBy(server.alias("server"), F.col("f.code").alias("code"))
            .agg(F.countDistinct("c.input", "c.id").alias("connections"),
                 F.countDistinct("c.input").alias("captures"))
            .orderBy(F.desc("connections"), "server", "code"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", help="the --out of diagnose_captures.py")
    parser.add_argument("--connections", help="Parquet files of connections (glob)")
    parser.add_argument("--findings", help="Parquet files of findings (glob)")
    args = parser.parse_args()
    spark = SparkSession.builder.appName("tlsdoctor-failures").getOrCreate()
    connections = spark.read.parquet(args.connections or os.path.join(args.out, "connections"))
    findings = spark.read.parquet(args.findings or os.path.join(args.out, "findings"))
    failures_by_server(connections, findings).show(50, truncate=False)
    spark.stop()


if __name__ == "__main__":
    main()
