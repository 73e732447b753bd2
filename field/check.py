#!/usr/bin/env python3
"""Compares tlsdoctor's verdicts on a field corpus with the peers' ground truth.

  field/check.py OUT [--tlsdoctor PATH] [--ca]

Runs `tlsdoctor diagnose --format json` on OUT/corpus.pcapng twice, without keys and with
OUT/corpus.keylog, matches each reported connection to its truth line by the server
address (each connection of a run has its own), and judges:
  without keys: a connection the peers say succeeded must not be `failed` (a false
    alarm); one they say failed must be `failed`, or `incomplete` where the capture
    cannot tell; a failed one should carry one of its scenario's finding codes;
  with keys: the outcome must equal the peers'.
Writes OUT/check.json (every verdict and every mismatch) and prints a summary; exits 1
when there is a false alarm or, with keys, a wrong outcome.
"""
import argparse
import collections
import json
import os
import subprocess
import sys

import clients

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TLSDOCTOR = os.path.join(HERE, "..", "target", "release", "tlsdoctor")


def diagnose(tlsdoctor, capture, keylog=None, ca=None):
    argv = [tlsdoctor, "diagnose", "--format", "json", capture]
    if keylog:
        argv += ["--keylog", keylog]
    if ca:
        argv += ["--ca", ca]
    env = {k: v for k, v in os.environ.items() if k != "SSLKEYLOGFILE"}
    run = subprocess.run(argv, capture_output=True, text=True, env=env)
    if run.returncode not in (0, 1):
        raise SystemExit(f"tlsdoctor failed ({run.returncode}): {run.stderr[:2000]}")
    return json.loads(run.stdout)


def by_server(report):
    conns = collections.defaultdict(list)
    for c in report["connections"]:
        conns[c["server"]["ip"]].append(c)
    return conns


def summary_of(c):
    return {"id": c["id"], "outcome": c["outcome"], "frames": [c["first_frame"], c["last_frame"]],
            "client_port": c["client"]["port"], "version": c["version"],
            "alert": c["alert"] and {k: c["alert"][k] for k in ("sender", "description", "frame")},
            "closed": c["closed"], "codes": [f["code"] for f in c["findings"]
                                             if f["severity"] == "error"],
            "warnings": [f["code"] for f in c["findings"] if f["severity"] != "error"]}


def judge(truth, conns, keys):
    """(verdict, the reported connection) of one truth line; verdicts:
    ok, incomplete-allowed, false-alarm, missed-failure, missed-post-handshake-refusal
    (clients.POST_HANDSHAKE_CHECKS), post-handshake-refusal-cannot-tell (with keys: such a
    refusal called incomplete, client-left-after-handshake), ok-as-incomplete,
    wrong-with-keys, not-reported, wrong-cause, unknown."""
    want = truth["truth"]
    if want == "unknown":
        # A client killed before the server accepted: nothing to judge, and nothing to see.
        return ("unknown" if conns else "ok"), conns[0] if conns else None
    if not conns:
        # A client killed before its ClientHello made no TLS connection to report.
        return ("not-reported" if want == "ok" else "no-client-hello"), None
    # More than one connection to the address (Chromium retries after a CertificateRequest
    # it has no certificate for).
    rank = {"failed": 0, "incomplete": 1, "ok": 2}
    worst = min(conns, key=lambda c: rank[c["outcome"]])
    # A good one is judged by its best unless one failed (a false alarm): the browser's
    # first connection, closed to choose a certificate, is incomplete by right.
    c = worst if want == "failed" or worst["outcome"] == "failed" else max(conns, key=lambda c: rank[c["outcome"]])
    got = c["outcome"]
    # A client without a key log (Java) gave no secrets: with keys it is judged as without.
    keys = keys and truth["client"] not in clients.NO_KEYLOG
    # A client killed mid-way ended where it was: before its ClientHello, or after its
    # Finished without a request; `incomplete` says the capture cannot tell more.
    if truth["scenario"] == "killed" and got == "incomplete":
        return "incomplete-allowed", c
    if keys:
        if got == want:
            return (cause(truth, c, keys) if want == "failed" else "ok"), c
        post_handshake = (truth["client"], truth["scenario"]) in clients.POST_HANDSHAKE_CHECKS
        if want == "failed" and got == "ok" and post_handshake:
            return "missed-post-handshake-refusal", c
        # A refusal after the handshake for a reason the capture cannot show (the client's
        # CA store) looks like a probe even with keys: tlsdoctor says it cannot tell.
        codes = [f["code"] for f in c.get("findings", [])]
        if want == "failed" and got == "incomplete" and post_handshake and "client-left-after-handshake" in codes:
            return "post-handshake-refusal-cannot-tell", c
        return ("false-alarm" if want == "ok" and got == "failed" else "wrong-with-keys"), c
    if want == "ok":
        return {"ok": "ok", "incomplete": "ok-as-incomplete", "failed": "false-alarm"}[got], c
    if got == "ok":
        return ("missed-post-handshake-refusal" if (truth["client"], truth["scenario"]) in
                clients.POST_HANDSHAKE_CHECKS else "missed-failure"), c
    if got == "incomplete":
        return "incomplete-allowed", c
    return cause(truth, c, keys), c


def cause(truth, c, keys):
    """'ok' when a failed connection carries one of its scenario's codes; without keys a
    TLS 1.3 handshake's certificates are encrypted, and keys-missing is the right cause."""
    codes = set(clients.SCENARIOS[truth["scenario"]][2])
    found = {f["code"] for f in c["findings"]}
    if truth["scenario"] == "wrong-ca" and not (c["alert"] and c["alert"]["sender"] == "client"):
        # The client's trust store is not in the capture, and it left without saying why.
        return "ok"
    if not keys and c["version"] == "TLS 1.3":
        codes.add("keys-missing")
    return "ok" if not codes or codes & found else "wrong-cause"


def check(out, tlsdoctor, ca):
    with open(f"{out}/truth.jsonl") as f:
        truths = [json.loads(l) for l in f]
    result = {"connections": len(truths), "runs": {}}
    truth_counts = collections.Counter(t["truth"] for t in truths)
    failures = collections.Counter(t["scenario"] for t in truths if t["truth"] == "failed")
    result["truth"] = dict(truth_counts)
    result["failures_by_scenario"] = dict(failures)
    result["paths"] = dict(collections.Counter(t["path"] for t in truths))
    addresses = {t["server_addr"] for t in truths}
    bad = False
    for name, keylog in (("without-keys", None), ("with-keys", f"{out}/corpus.keylog")):
        report = diagnose(tlsdoctor, f"{out}/corpus.pcapng", keylog, f"{out}/pki/ca.pem" if ca else None)
        conns = by_server(report)
        verdicts = collections.Counter()
        mismatches = []
        for t in truths:
            v, c = judge(t, conns.get(t["server_addr"], []), keylog is not None)
            verdicts[v] += 1
            if v not in ("ok", "incomplete-allowed", "no-client-hello"):
                mismatches.append({"verdict": v, "truth": {k: t.get(k) for k in (
                    "id", "server_addr", "port", "client", "server", "scenario", "path", "truth",
                    "client_evidence", "server_says")},
                    "tlsdoctor": summary_of(c) if c else None})
        strays = [summary_of(c) | {"server": ip} for ip, cs in conns.items() if ip not in addresses for c in cs]
        result["runs"][name] = {"reported_connections": len(report["connections"]),
                                "verdicts": dict(verdicts), "stray_connections": strays,
                                "mismatches": mismatches}
        bad |= verdicts["false-alarm"] > 0 or (keylog is not None and verdicts["wrong-with-keys"] > 0)
    with open(f"{out}/check.json", "w") as f:
        json.dump(result, f, indent=1)
    return result, bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--tlsdoctor", default=os.environ.get("TLSDOCTOR", DEFAULT_TLSDOCTOR))
    ap.add_argument("--ca", action="store_true", help="give tlsdoctor the run's CA (--ca)")
    a = ap.parse_args()
    result, bad = check(os.path.abspath(a.out), a.tlsdoctor, a.ca)
    print(f"{result['connections']} connections; peers say {result['truth']}")
    print(f"failures by scenario: {result['failures_by_scenario']}")
    print(f"paths: {result['paths']}")
    for name, run in result["runs"].items():
        print(f"{name}: {run['reported_connections']} reported; verdicts {run['verdicts']}; "
              f"{len(run['stray_connections'])} stray")
        for m in run["mismatches"][:15]:
            t, d = m["truth"], m["tlsdoctor"]
            print(f"  {m['verdict']}: #{t['id']} {t['client']}->{t['server']} {t['scenario']} "
                  f"({t['path']}) {t['server_addr']}: peers {t['truth']} [{t['client_evidence']}]; "
                  f"tlsdoctor {d and (d['outcome'], d['frames'], d['alert'], d['closed'], d['codes'])}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
